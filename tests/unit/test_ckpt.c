/* test_ckpt.c - checkpoint, tlog-proof, add-checkpoint and 409 size texts
 * (ckpt.c).
 *
 * Known answers, from the specifications and independent implementations:
 *   C2SP/C2SP tlog-checkpoint.md, tlog-proof.md, tlog-witness.md - the
 *     examples, verbatim;
 *   golang/mod sumdb/tlog/note_test.go - a tree size and the root hash
 *     line of RecordHash("hello world"), and the trees Go refuses;
 *   transparency-dev/trillian-tessera internal/parse/parse_test.go -
 *     checkpoints it parses and refuses;
 *   FiloSottile/torchwood internal/witness/witness_test.go - add-checkpoint
 *     bodies of a Sigsum log (its public key, three checkpoints it signed,
 *     consistency proofs that verify), and the 64-line body it refuses;
 *   sigsum/sigsum-go pkg/proof/proof_test.go (TestVerify) - a Sigsum proof:
 *     log key, signed tree head, leaf and inclusion proof, made here into
 *     a tlog-proof that must parse and verify down to the leaf.
 * Then the strictness cases, each with the status it must get.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "util/b64.h"
#include "fmt/ckpt.h"
#include "fmt/tlog.h"

#define EM "\xe2\x80\x94"
#define ROOT "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="

/* tlog-checkpoint.md */
#define SPEC_CKPT "example.com/behind-the-sofa\n20852163\n" ROOT "\n"
#define SPEC_NOTE SPEC_CKPT "\n" EM " example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZni" \
	"Mp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"

/* golang/mod sumdb/tlog/note_test.go, our origin for Go's (which has spaces) */
#define GO_TREE "go.sum/tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"

/* tlog-proof.md: the signature lines are elided ("[...]") in the spec */
#define SPEC_PROOF_CKPT "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
#define SPEC_PROOF_NOTE SPEC_PROOF_CKPT \
	"\n" EM " example.com/fancylog hI2DJw[...]1roloI=\n" \
	EM " witness1.example mJirIklj[...]qY9v2B/5bg==\n" \
	EM " witness2.example TnKKVHLX[...]xwYwrSjgow==\n" \
	EM " witness3.example S4X82uH5[...]3oEcROGLFQ==\n"
#define SPEC_PROOF "c2sp.org/tlog-proof@v1\n" \
	"extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n" \
	"index 73894\n" \
	"gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n" \
	"B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n" \
	"EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n" \
	"RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n" \
	"AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n" \
	"\n" SPEC_PROOF_NOTE

/* tlog-witness.md */
#define SPEC_WITNESS_NOTE SPEC_CKPT "\n" EM " example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5" \
	"IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" \
	EM " example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+4" \
	"9/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
#define SPEC_WITNESS "old 20852014\n" \
	"PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n" \
	"jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n" \
	"5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n" \
	"/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n" \
	"\n" SPEC_WITNESS_NOTE

/* torchwood witness_test.go */
#define TW_PK "ffdc2d4d98e4124d3feaf788c0c2f9abfd796083d1f0495437f302ec79cf100f"
#define TW_ORIGIN "sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562"
#define TW_LEAF1 "KgEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
#define TW_NOTE1 TW_ORIGIN "\n1\nKgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n" EM " " TW_ORIGIN \
	" UgIom7fPZTqpxWWhyjWduBvTvGVqsokMbqTArsQilegKoFBJQjUFAmQ0+YeSPM3wfUQMFSzVnnNuWRTYrajXpNUbIQY=\n"
#define TW_NOTE3 TW_ORIGIN "\n3\nRcCI1Nk56ZcSmIEfIn0SleqtV7uvrlXNccFx595Iwl0=\n\n" EM " " TW_ORIGIN \
	" UgIom2VbtIcdFbwFAy1n7s6IkAxIY6J/GQOTuZF2ORV39d75cbAj2aQYwyJre36kezNobZs4SUUdrcawfAB8WVrx6go=\n"
#define TW_NOTE5 TW_ORIGIN "\n5\nQrtXrQZCCvpIgsSmOsah7HdICzMLLyDfxToMql9WTjY=\n\n" EM " " TW_ORIGIN \
	" UgIomw/EOJmWi0i1FQsOj+etB7F8IccFam/jgd6wzRns4QPVmyEZtdvl1U2KEmLOZ/ASRcWJi0tW90dJWAShei7sDww=\n"
#define TW_ROOT5 "42bb57ad06420afa4882c4a63ac6a1ec77480b330b2f20dfc53a0caa5f564e36"
#define TW_BODY1 "old 0\n\n" TW_NOTE1
#define TW_BODY3 "old 1\n" TW_LEAF1 "KgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n" TW_NOTE3
#define TW_BODY5 "old 1\n" TW_LEAF1 "+fUDV+k970B4I3uKrqJM4aP1lloPZP8mvr2Z4wRw2LI=\n" \
	"KgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n" TW_NOTE5

/* sigsum-go proof_test.go TestVerify */
#define SIGSUM_LOG_SSH "AAAAC3NzaC1lZDI1NTE5AAAAIKwmwKhVrEUaZTlHjhoWA4jwJLOF8TY+/NpHAXAHbAHl"
#define SIGSUM_LOG_HASH "7c5fafc796c201e0fcd7567c5033a2777ec28363f54ea0ba97b57bece0d96acd"
#define SIGSUM_ROOT "3ddc56fd46e71e517b6936b977a457da7d398108141fcdf5c8386cdd724ab7a8"
#define SIGSUM_LOG_SIG "ccbdd8c784726b732b8edd2039fbad5506e4acccd56e3e5d86c0ee109b3d2662" \
	"e6881fe3d09fc48f9ddd31494463c5ec44926ff9158785ad1dd9b5d6434b0804"
#define SIGSUM_LEAF_CHECKSUM "7e28"	/* truncated in the proof */
#define SIGSUM_LEAF_KEYHASH "8a578b9649ba01b7d29dd557906975d68a3aec50e3f9c08690420b8c6426856d"
#define SIGSUM_LEAF_SIG "79b489a38548a67d78f06221b014d41be58b703237d17b4f203f0dd4ead9e259" \
	"7149c2f118894581ce7473a61fa880716af6ff2138bade2cecc4b297099bf104"
#define SIGSUM_NODE0 "61010ae798308f5b97237615ab8c1b14f2c782c37616e97d0a170b617bc7a4ce"
#define SIGSUM_NODE1 "a5c3752be610d605ce5c64ee2e28ee5b94a1cc0a68742f18f24c9b5c82d07298"

static void
check_rc(const char *what, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", what, status_str(got), status_str(want));
}

static void
unhex(const char *h, uint8_t *out, size_t n)
{
	size_t got;

	assert_int_equal(sodium_hex2bin(out, n, h, strlen(h), NULL, &got, NULL), 0);
	assert_int_equal(got, n);
}

static void
unb64(const char *s, uint8_t out[TLOG_HASH])
{
	size_t n;

	assert_int_equal(b64_std_decode(s, strlen(s), out, TLOG_HASH, &n), ST_OK);
	assert_int_equal(n, TLOG_HASH);
}

static status
parse(const char *text, size_t n)
{
	struct ckpt c;

	return ckpt_parse(text, n, &c);
}

/* Checkpoints of the spec and of other implementations. */
static void
test_checkpoint_vectors(void **state)
{
	uint8_t hello[TLOG_HASH];
	struct ckpt c, d;
	struct buf b;
	size_t text_len;

	(void)state;
	/* tlog-checkpoint.md: parsed, printed back byte for byte */
	assert_int_equal(ckpt_parse(SPEC_CKPT, strlen(SPEC_CKPT), &c), ST_OK);
	assert_string_equal(c.origin, "example.com/behind-the-sofa");
	assert_int_equal(c.size, 20852163);
	buf_init(&b, 1024);
	assert_int_equal(ckpt_format(&c, &b), ST_OK);
	assert_string_equal(buf_str(&b), SPEC_CKPT);
	assert_int_equal(ckpt_parse(b.p, b.len, &d), ST_OK);
	assert_memory_equal(&c, &d, sizeof c);
	/* the spec's signed checkpoint: note_split finds this text */
	assert_int_equal(note_split(SPEC_NOTE, strlen(SPEC_NOTE), &text_len), ST_OK);
	assert_int_equal(text_len, strlen(SPEC_CKPT));
	/* golang/mod tlog: the root line of RecordHash("hello world") */
	tlog_leaf_hash("hello world", 11, hello);
	assert_int_equal(ckpt_parse(GO_TREE, strlen(GO_TREE), &c), ST_OK);
	assert_int_equal(c.size, 123456789012);
	assert_memory_equal(c.root, hello, TLOG_HASH);
	buf_free(&b);
}

/* Checkpoint texts, right and wrong, each with its status. */
static void
test_checkpoint_cases(void **state)
{
#define CASE(name, text, want) { name, text, sizeof text - 1, want }
	static const struct {
		const char *name, *text;
		size_t len;
		status want;
	} cases[] = {
		/* golang/mod tlog note_test.go (Go ignores junk at the end; we
		 * take it as extension lines, which must be whole lines) */
		CASE("go: hex size", "go.sum/tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		    ST_PARSE),
		CASE("go: bad hash", "go.sum/tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40"
		    "HmuwBTOOBIG=\n", ST_PARSE),
		CASE("go: extension line", "go.sum/tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtC"
		    "SCE40HmuwBb0=\nJOE\n", ST_OK),
		CASE("go: unterminated junk", "go.sum/tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBg"
		    "QVtCSCE40HmuwBb0=\nJOE", ST_PARSE),
		CASE("go: origin with spaces (ours: a note name)", "go.sum database tree\n1\n" ROOT "\n",
		    ST_PARSE),
		/* trillian-tessera parse_test.go */
		CASE("tessera: happy", "original.example.com\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQl"
		    "VlVcs=\n", ST_OK),
		CASE("tessera: negative size", "original.example.com\n-42\nqINS1GRFhWHwdkUeqLEoP4yEMkTB"
		    "BzxBkGwGQlVlVcs=\n", ST_PARSE),
		CASE("tessera: bad hash", "original.example.com\n42\nthisisnotright\n", ST_PARSE),
		CASE("tessera: empty origin (they accept)", "\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkG"
		    "wGQlVlVcs=\n", ST_PARSE),
		CASE("tessera: no origin", "42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n", ST_PARSE),
		/* sizes */
		CASE("size 0", "o\n0\n" ROOT "\n", ST_OK),
		CASE("size 2^64-1", "o\n18446744073709551615\n" ROOT "\n", ST_OK),
		CASE("size 2^64", "o\n18446744073709551616\n" ROOT "\n", ST_PARSE),
		CASE("size of 21 digits", "o\n100000000000000000000\n" ROOT "\n", ST_PARSE),
		CASE("size 007", "o\n007\n" ROOT "\n", ST_PARSE),
		CASE("size 00", "o\n00\n" ROOT "\n", ST_PARSE),
		CASE("size +1", "o\n+1\n" ROOT "\n", ST_PARSE),
		CASE("size with space", "o\n 1\n" ROOT "\n", ST_PARSE),
		CASE("size empty", "o\n\n" ROOT "\n", ST_PARSE),
		/* root hashes */
		CASE("31-byte hash", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", ST_PARSE),
		CASE("33-byte hash", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n", ST_PARSE),
		CASE("non-canonical hash", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
		    ST_PARSE),
		CASE("hash without padding", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
		    ST_PARSE),
		CASE("hash in base64url", "o\n1\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n",
		    ST_PARSE),
		CASE("hash in hex", "o\n1\n" SIGSUM_ROOT "\n", ST_PARSE),
		/* lines */
		CASE("missing final newline", "o\n1\n" ROOT, ST_PARSE),
		CASE("empty extension line", "o\n1\n" ROOT "\n\n", ST_PARSE),
		CASE("extension lines", "o\n1\n" ROOT "\nx\ny z\n", ST_OK),
		CASE("CRLF", "o\r\n1\r\n" ROOT "\r\n", ST_PARSE),
		CASE("two lines", "o\n1\n", ST_PARSE),
		CASE("empty", "", ST_PARSE),
		CASE("origin with '+'", "a+b\n1\n" ROOT "\n", ST_PARSE),
		CASE("origin of 127 bytes", "ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo"
		    "oooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo\n1\n" ROOT "\n",
		    ST_OK),
		CASE("origin of 128 bytes", "ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo"
		    "ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo\n1\n" ROOT "\n",
		    ST_PARSE),
	};
#undef CASE
	struct ckpt c;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_rc(cases[i].name, ckpt_parse(cases[i].text, cases[i].len, &c), cases[i].want);
		if (cases[i].want)
			assert_int_equal(c.origin[0] | (int)c.size, 0);
	}
	/* cut anywhere before its end, a checkpoint does not parse */
	for (size_t cut = 0; cut < strlen(SPEC_CKPT); cut++)
		if (parse(SPEC_CKPT, cut) == ST_OK)
			fail_msg("checkpoint cut at %zu parses", cut);
}

static void
test_checkpoint_format(void **state)
{
	static const uint64_t sizes[] = { 0, 1, 9, 10, 20852163, UINT64_MAX };
	struct ckpt c, d;
	struct buf b;

	(void)state;
	memset(&c, 0, sizeof c);
	strcpy(c.origin, "example.com/log");
	buf_init(&b, 1024);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		c.size = sizes[i];
		c.root[i] = (uint8_t)(0xf0 + i);
		buf_reset(&b);
		assert_int_equal(ckpt_format(&c, &b), ST_OK);
		assert_int_equal(ckpt_parse(b.p, b.len, &d), ST_OK);
		assert_memory_equal(&c, &d, sizeof c);
	}
	/* an origin that is not a note name is not printed */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "keep"), ST_OK);
	strcpy(c.origin, "go.sum database tree");
	check_rc("origin with spaces", ckpt_format(&c, &b), ST_INVALID);
	strcpy(c.origin, "two\nlines");
	check_rc("origin with newline", ckpt_format(&c, &b), ST_INVALID);
	c.origin[0] = '\0';
	check_rc("empty origin", ckpt_format(&c, &b), ST_INVALID);
	memset(c.origin, 'o', sizeof c.origin);
	check_rc("origin without NUL", ckpt_format(&c, &b), ST_INVALID);
	assert_string_equal(buf_str(&b), "keep");
	buf_free(&b);
	/* too small a buffer: left as it was */
	buf_init(&b, 20);
	strcpy(c.origin, "o");
	assert_int_equal(buf_adds(&b, "keep"), ST_OK);
	check_rc("small buffer", ckpt_format(&c, &b), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "keep");
	buf_free(&b);
}

/* tlog-proof.md's example: its parts, and its note where the spec put it. */
static void
test_proof_vectors(void **state)
{
	static const char *const hashes[5] = {
		"gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=",
		"B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=",
		"EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=",
		"RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=",
		"AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=",
	};
	uint8_t h[TLOG_HASH];
	struct ckpt_proof p;
	struct ckpt c;
	size_t text_len;

	(void)state;
	assert_int_equal(ckpt_proof_parse(SPEC_PROOF, strlen(SPEC_PROOF), &p), ST_OK);
	assert_int_equal(p.index, 73894);
	assert_int_equal(p.n_hashes, 5);
	for (int i = 0; i < 5; i++) {
		unb64(hashes[i], h);
		assert_memory_equal(p.hashes[i], h, TLOG_HASH);
	}
	assert_int_equal(p.note_len, strlen(SPEC_PROOF_NOTE));
	assert_memory_equal(p.note, SPEC_PROOF_NOTE, p.note_len);
	assert_ptr_equal(p.note + p.note_len, SPEC_PROOF + strlen(SPEC_PROOF));
	/* its signatures are elided ("[...]"): not a note we accept */
	check_rc("elided signatures", note_split(p.note, p.note_len, &text_len), ST_PARSE);
	assert_int_equal(ckpt_parse(p.note, strlen(SPEC_PROOF_CKPT), &c), ST_OK);
	assert_string_equal(c.origin, "example.com/fancylog");
	assert_int_equal(c.size, 109482);
}

static void
test_proof_cases(void **state)
{
#define HDR CKPT_PROOF_HEADER "\n"
#define H1 "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
#define CASE(name, text, want) { name, text, sizeof text - 1, want }
	static const struct {
		const char *name, *text;
		size_t len;
		status want;
	} cases[] = {
		CASE("no hashes", HDR "index 0\n\n" SPEC_NOTE, ST_OK),
		CASE("extra", HDR "extra YWJj\nindex 5\n" H1 "\n" SPEC_NOTE, ST_OK),
		CASE("index 2^64-1", HDR "index 18446744073709551615\n\n" SPEC_NOTE, ST_OK),
		CASE("index 01", HDR "index 01\n\n" SPEC_NOTE, ST_PARSE),
		CASE("index 2^64", HDR "index 18446744073709551616\n\n" SPEC_NOTE, ST_PARSE),
		CASE("index -1", HDR "index -1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("index with two spaces", HDR "index  1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("index without number", HDR "index \n\n" SPEC_NOTE, ST_PARSE),
		CASE("Index", HDR "Index 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("no index", HDR H1 "\n" SPEC_NOTE, ST_PARSE),
		CASE("extra after index", HDR "index 5\nextra YWJj\n\n" SPEC_NOTE, ST_PARSE),
		CASE("two extra lines", HDR "extra YWJj\nextra YWJj\nindex 5\n\n" SPEC_NOTE, ST_PARSE),
		CASE("extra not canonical", HDR "extra YWJk=\nindex 5\n\n" SPEC_NOTE, ST_PARSE),
		CASE("extra not base64", HDR "extra a b\nindex 5\n\n" SPEC_NOTE, ST_PARSE),
		CASE("header v2", "c2sp.org/tlog-proof@v2\nindex 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("header with space", "c2sp.org/tlog-proof@v1 \nindex 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("no header", "index 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("empty header line", "\nindex 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("header cut short", "c2sp.org/tlog-proof@\nindex 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("index=5", HDR "index=5\n\n" SPEC_NOTE, ST_PARSE),
		CASE("31-byte hash", HDR "index 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n\n"
		    SPEC_NOTE, ST_PARSE),
		CASE("33-byte hash", HDR "index 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n\n"
		    SPEC_NOTE, ST_PARSE),
		CASE("non-canonical hash", HDR "index 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n\n"
		    SPEC_NOTE, ST_PARSE),
		CASE("no blank line", HDR "index 1\n" H1, ST_PARSE),
		CASE("no checkpoint", HDR "index 1\n" H1 "\n", ST_PARSE),
		CASE("empty", "", ST_PARSE),
	};
#undef CASE
	static uint8_t h[TLOG_PROOF_MAX + 1][TLOG_HASH];
	struct ckpt_proof p;
	struct buf b;
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_rc(cases[i].name, ckpt_proof_parse(cases[i].text, cases[i].len, &p),
		    cases[i].want);
		if (cases[i].want)
			assert_null(p.note);
	}
	/* format -> parse -> equal, up to TLOG_PROOF_MAX hashes */
	for (size_t i = 0; i <= TLOG_PROOF_MAX; i++)
		memset(h[i], (int)i, TLOG_HASH);
	buf_init(&b, 1u << 16);
	for (size_t n = 0; n <= TLOG_PROOF_MAX; n += 8) {
		buf_reset(&b);
		assert_int_equal(ckpt_proof_format(n * 1000, (const uint8_t (*)[TLOG_HASH])h, n,
		    SPEC_NOTE, strlen(SPEC_NOTE), &b), ST_OK);
		assert_int_equal(ckpt_proof_parse(b.p, b.len, &p), ST_OK);
		assert_int_equal(p.index, n * 1000);
		assert_int_equal(p.n_hashes, n);
		if (n)
			assert_memory_equal(p.hashes, h, n * TLOG_HASH);
		assert_int_equal(p.note_len, strlen(SPEC_NOTE));
		assert_memory_equal(p.note, SPEC_NOTE, p.note_len);
	}
	assert_true(strncmp(b.p, HDR "index 64000\n", strlen(HDR "index 64000\n")) == 0);
	/* cut anywhere before its checkpoint, a proof does not parse */
	at = b.len - strlen(SPEC_NOTE);
	for (size_t cut = 0; cut <= at; cut++)
		if (ckpt_proof_parse(b.p, cut, &p) == ST_OK)
			fail_msg("proof cut at %zu of %zu parses", cut, b.len);
	/* one hash more than any proof needs: not written, not read */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "keep"), ST_OK);
	check_rc("format 65 hashes", ckpt_proof_format(1, (const uint8_t (*)[TLOG_HASH])h,
	    TLOG_PROOF_MAX + 1, SPEC_NOTE, strlen(SPEC_NOTE), &b), ST_INVALID);
	check_rc("format without note", ckpt_proof_format(1, (const uint8_t (*)[TLOG_HASH])h, 1,
	    "", 0, &b), ST_INVALID);
	assert_string_equal(buf_str(&b), "keep");
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, HDR "index 1\n"), ST_OK);
	for (int i = 0; i <= TLOG_PROOF_MAX; i++)
		assert_int_equal(buf_adds(&b, H1), ST_OK);
	assert_int_equal(buf_adds(&b, "\n" SPEC_NOTE), ST_OK);
	check_rc("parse 65 hashes", ckpt_proof_parse(b.p, b.len, &p), ST_PARSE);
	buf_free(&b);
#undef HDR
#undef H1
}

/* A Sigsum proof made into a tlog-proof: the log's signature verifies,
 * the checkpoint parses, and the leaf is included at index 3 of 4. */
static void
test_sigsum_proof(void **state)
{
	static const char msg[32] = "                          foo-4\n";
	uint8_t pk[IDENT_PK_LEN], h[32], root[TLOG_HASH], sig[4 + IDENT_SIG_LEN];
	uint8_t nodes[2][TLOG_HASH], leaf[32 + IDENT_SIG_LEN + 32], leaf_hash[TLOG_HASH];
	char hex[65], origin[128];
	struct note_key k;
	struct note_check chk;
	struct ckpt_proof p;
	struct ckpt c;
	struct buf note, proof;

	(void)state;
	{
		uint8_t blob[19 + IDENT_PK_LEN];	/* SSH: "ssh-ed25519", then the key */
		size_t n;

		assert_int_equal(b64_std_decode(SIGSUM_LOG_SSH, strlen(SIGSUM_LOG_SSH), blob,
		    sizeof blob, &n), ST_OK);
		assert_int_equal(n, sizeof blob);
		assert_memory_equal(blob + 4, "ssh-ed25519", 11);
		memcpy(pk, blob + 19, sizeof pk);
	}
	crypto_hash_sha256(h, pk, sizeof pk);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	assert_string_equal(hex, SIGSUM_LOG_HASH);
	snprintf(origin, sizeof origin, "sigsum.org/v1/tree/%s", hex);
	assert_int_equal(note_key_init(&k, origin, NOTE_ED25519, pk), ST_OK);

	/* the signed tree head as a checkpoint note */
	memset(&c, 0, sizeof c);
	strcpy(c.origin, origin);
	c.size = 4;
	unhex(SIGSUM_ROOT, c.root, TLOG_HASH);
	buf_init(&note, NOTE_MAX);
	assert_int_equal(ckpt_format(&c, &note), ST_OK);
	assert_int_equal(buf_addf(&note, "\n" EM " %s ", origin), ST_OK);
	for (int i = 0; i < 4; i++)
		sig[i] = (uint8_t)(k.id >> (24 - 8 * i));
	unhex(SIGSUM_LOG_SIG, sig + 4, IDENT_SIG_LEN);
	assert_int_equal(b64_std_encode(&note, sig, sizeof sig), ST_OK);
	assert_int_equal(buf_adds(&note, "\n"), ST_OK);

	unhex(SIGSUM_NODE0, nodes[0], TLOG_HASH);
	unhex(SIGSUM_NODE1, nodes[1], TLOG_HASH);
	buf_init(&proof, 4096);
	assert_int_equal(ckpt_proof_format(3, (const uint8_t (*)[TLOG_HASH])nodes, 2, note.p,
	    note.len, &proof), ST_OK);

	/* the way evidence is checked: parse, verify the note, parse its text,
	 * verify inclusion of the leaf */
	assert_int_equal(ckpt_proof_parse(proof.p, proof.len, &p), ST_OK);
	assert_int_equal(note_verify(p.note, p.note_len, &k, 1, &chk), ST_OK);
	assert_int_equal(ckpt_parse(p.note, chk.text_len, &c), ST_OK);
	assert_int_equal(c.size, 4);
	unhex(SIGSUM_ROOT, root, TLOG_HASH);
	assert_memory_equal(c.root, root, TLOG_HASH);
	crypto_hash_sha256(leaf, (const uint8_t *)msg, sizeof msg);	/* the checksum */
	sodium_bin2hex(hex, sizeof hex, leaf, 2);
	assert_string_equal(hex, SIGSUM_LEAF_CHECKSUM);
	unhex(SIGSUM_LEAF_SIG, leaf + 32, IDENT_SIG_LEN);
	unhex(SIGSUM_LEAF_KEYHASH, leaf + 32 + IDENT_SIG_LEN, 32);
	tlog_leaf_hash(leaf, sizeof leaf, leaf_hash);
	assert_int_equal(tlog_verify_inclusion(p.index, c.size, leaf_hash,
	    (const uint8_t (*)[TLOG_HASH])p.hashes, p.n_hashes, c.root), ST_OK);
	assert_int_equal(tlog_verify_inclusion(2, c.size, leaf_hash,
	    (const uint8_t (*)[TLOG_HASH])p.hashes, p.n_hashes, c.root), ST_BADSIG);
	buf_free(&note);
	buf_free(&proof);
}

/* add-checkpoint bodies of the spec and of torchwood's witness tests; the
 * torchwood ones carry real signatures and consistency proofs. */
static void
test_witness_vectors(void **state)
{
	static const struct {
		const char *body, *note;
		uint64_t old, size;
		size_t n_hashes;
	} tw[] = {
		{ TW_BODY1, TW_NOTE1, 0, 1, 0 },
		{ TW_BODY3, TW_NOTE3, 1, 3, 2 },
		{ TW_BODY5, TW_NOTE5, 1, 5, 3 },
	};
	uint8_t pk[IDENT_PK_LEN], root1[TLOG_HASH], root5[TLOG_HASH];
	struct ckpt_witness_req r;
	struct note_key k;
	struct note_check chk;
	struct ckpt c;
	struct buf b;

	(void)state;
	assert_int_equal(ckpt_witness_req_parse(SPEC_WITNESS, strlen(SPEC_WITNESS), &r), ST_OK);
	assert_int_equal(r.old, 20852014);
	assert_int_equal(r.n_hashes, 4);
	assert_int_equal(r.note_len, strlen(SPEC_WITNESS_NOTE));
	assert_memory_equal(r.note, SPEC_WITNESS_NOTE, r.note_len);
	assert_int_equal(note_split(r.note, r.note_len, &chk.text_len), ST_OK);
	assert_int_equal(ckpt_parse(r.note, chk.text_len, &c), ST_OK);
	assert_int_equal(c.size, 20852163);

	unhex(TW_PK, pk, sizeof pk);
	assert_int_equal(note_key_init(&k, TW_ORIGIN, NOTE_ED25519, pk), ST_OK);
	assert_int_equal(k.id, 0x5202289b);	/* as Go's note package computed it */
	unb64("KgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", root1);
	unhex(TW_ROOT5, root5, TLOG_HASH);
	buf_init(&b, 1u << 14);
	for (size_t i = 0; i < sizeof tw / sizeof tw[0]; i++) {
		assert_int_equal(ckpt_witness_req_parse(tw[i].body, strlen(tw[i].body), &r), ST_OK);
		assert_int_equal(r.old, tw[i].old);
		assert_int_equal(r.n_hashes, tw[i].n_hashes);
		assert_int_equal(r.note_len, strlen(tw[i].note));
		assert_int_equal(note_verify(r.note, r.note_len, &k, 1, &chk), ST_OK);
		assert_int_equal(ckpt_parse(r.note, chk.text_len, &c), ST_OK);
		assert_string_equal(c.origin, TW_ORIGIN);
		assert_int_equal(c.size, tw[i].size);
		if (r.old)
			assert_int_equal(tlog_verify_consistency(r.old, c.size, root1, c.root,
			    (const uint8_t (*)[TLOG_HASH])r.hashes, r.n_hashes), ST_OK);
		if (c.size == 5)
			assert_memory_equal(c.root, root5, TLOG_HASH);
		/* and printed back byte for byte */
		buf_reset(&b);
		assert_int_equal(ckpt_witness_req_format(r.old, (const uint8_t (*)[TLOG_HASH])r.hashes,
		    r.n_hashes, r.note, r.note_len, &b), ST_OK);
		assert_string_equal(buf_str(&b), tw[i].body);
	}
	/* torchwood TestTooManyProofs: 64 proof lines are refused */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "old 0\n"), ST_OK);
	for (int i = 0; i < 64; i++)
		assert_int_equal(buf_adds(&b, TW_LEAF1), ST_OK);
	assert_int_equal(buf_adds(&b, "\n" TW_NOTE1), ST_OK);
	check_rc("64 proof lines", ckpt_witness_req_parse(b.p, b.len, &r), ST_PARSE);
	assert_null(r.note);
	buf_free(&b);
}

static void
test_witness_cases(void **state)
{
#define H1 "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
#define CASE(name, text, want) { name, text, sizeof text - 1, want }
	static const struct {
		const char *name, *text;
		size_t len;
		status want;
	} cases[] = {
		CASE("old 0", "old 0\n\n" SPEC_NOTE, ST_OK),
		CASE("old 2^64-1", "old 18446744073709551615\n" H1 "\n" SPEC_NOTE, ST_OK),
		CASE("old 01", "old 01\n\n" SPEC_NOTE, ST_PARSE),
		CASE("old 007", "old 007\n" H1 "\n" SPEC_NOTE, ST_PARSE),
		CASE("old 00", "old 00\n\n" SPEC_NOTE, ST_PARSE),
		CASE("old 2^64", "old 18446744073709551616\n\n" SPEC_NOTE, ST_PARSE),
		CASE("old without number", "old \n\n" SPEC_NOTE, ST_PARSE),
		CASE("old without space", "old1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("old=12", "old=12\n\n" SPEC_NOTE, ST_PARSE),
		CASE("Old", "Old 1\n\n" SPEC_NOTE, ST_PARSE),
		CASE("no old line", "\n" SPEC_NOTE, ST_PARSE),
		CASE("hash first", H1 "\n" SPEC_NOTE, ST_PARSE),
		CASE("31-byte hash", "old 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n\n" SPEC_NOTE,
		    ST_PARSE),
		CASE("33-byte hash", "old 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n\n" SPEC_NOTE,
		    ST_PARSE),
		CASE("hash with CR", "old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\r\n\n"
		    SPEC_NOTE, ST_PARSE),
		CASE("no blank line", "old 1\n" H1, ST_PARSE),
		CASE("no checkpoint", "old 1\n" H1 "\n", ST_PARSE),
		CASE("CRLF", "old 1\r\n\r\n" SPEC_NOTE, ST_PARSE),
		CASE("empty", "", ST_PARSE),
	};
#undef CASE
	static uint8_t h[64][TLOG_HASH];
	struct ckpt_witness_req r;
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_rc(cases[i].name, ckpt_witness_req_parse(cases[i].text, cases[i].len, &r),
		    cases[i].want);
		if (cases[i].want)
			assert_true(!r.note && !r.old && !r.n_hashes);
	}
	for (int i = 0; i < 64; i++)
		memset(h[i], i, TLOG_HASH);
	buf_init(&b, 1u << 16);
	assert_int_equal(buf_adds(&b, "keep"), ST_OK);
	check_rc("format 64 proof lines", ckpt_witness_req_format(0,
	    (const uint8_t (*)[TLOG_HASH])h, 64, SPEC_NOTE, strlen(SPEC_NOTE), &b), ST_INVALID);
	check_rc("format without note", ckpt_witness_req_format(0,
	    (const uint8_t (*)[TLOG_HASH])h, 0, "", 0, &b), ST_INVALID);
	assert_string_equal(buf_str(&b), "keep");
	buf_reset(&b);
	assert_int_equal(ckpt_witness_req_format(7, (const uint8_t (*)[TLOG_HASH])h, 63,
	    SPEC_NOTE, strlen(SPEC_NOTE), &b), ST_OK);
	assert_int_equal(ckpt_witness_req_parse(b.p, b.len, &r), ST_OK);
	assert_int_equal(r.old, 7);
	assert_int_equal(r.n_hashes, 63);
	assert_memory_equal(r.hashes, h, 63 * TLOG_HASH);
	assert_memory_equal(r.note, SPEC_NOTE, r.note_len);
	/* cut anywhere before its checkpoint, a request does not parse */
	for (size_t cut = 0; cut <= b.len - strlen(SPEC_NOTE); cut++)
		if (ckpt_witness_req_parse(b.p, cut, &r) == ST_OK)
			fail_msg("request cut at %zu of %zu parses", cut, b.len);
	buf_free(&b);
#undef H1
}

/* The 409 body: the size, in decimal, and a newline. */
static void
test_size(void **state)
{
#define CASE(text, want, size) { text, sizeof text - 1, want, size }
	static const struct {
		const char *text;
		size_t len;
		status want;
		uint64_t size;
	} cases[] = {
		CASE("42\n", ST_OK, 42),
		CASE("0\n", ST_OK, 0),
		CASE("20852014\n", ST_OK, 20852014),
		CASE("18446744073709551615\n", ST_OK, UINT64_MAX),
		CASE("18446744073709551616\n", ST_PARSE, 0),
		CASE("042\n", ST_PARSE, 0),
		CASE("00\n", ST_PARSE, 0),
		CASE("42", ST_PARSE, 0),
		CASE("42\n\n", ST_PARSE, 0),
		CASE("42\r\n", ST_PARSE, 0),
		CASE(" 42\n", ST_PARSE, 0),
		CASE("-1\n", ST_PARSE, 0),
		CASE("4 2\n", ST_PARSE, 0),
		CASE("\n", ST_PARSE, 0),
		CASE("", ST_PARSE, 0),
	};
#undef CASE
	uint64_t size;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size = 1;
		check_rc(cases[i].text, ckpt_size_parse(cases[i].text, cases[i].len, &size),
		    cases[i].want);
		assert_true(size == cases[i].size);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkpoint_vectors),
		cmocka_unit_test(test_checkpoint_cases),
		cmocka_unit_test(test_checkpoint_format),
		cmocka_unit_test(test_proof_vectors),
		cmocka_unit_test(test_proof_cases),
		cmocka_unit_test(test_sigsum_proof),
		cmocka_unit_test(test_witness_vectors),
		cmocka_unit_test(test_witness_cases),
		cmocka_unit_test(test_size),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
