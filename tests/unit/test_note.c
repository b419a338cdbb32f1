/* test_note.c - signed notes, verifier keys and cosignatures (note.c).
 *
 * Known answers, all from independent implementations:
 *   golang/mod sumdb/note/note_test.go - the PeterNeumann and EnochRoot
 *     keys, Peter's private key and signed note (Ed25519 is deterministic,
 *     so note_sign must give the same bytes), the notes Go refuses and the
 *     manglings of a verifier key it refuses;
 *   C2SP/C2SP signed-note.md (earlier revision) - the example.com/foo note;
 *   golang/go src/cmd/go/internal/modfetch/key.go - the sum.golang.org key,
 *     with a tree note it signed, from transparency-dev/trillian-tessera
 *     internal/parse/parse_test.go;
 *   transparency-dev/formats note/note_cosigv1_test.go - verifier keys of
 *     types 0x01 and 0x04, and the keys it refuses;
 *   sigsum/sigsum-go pkg/proof/proof_test.go (TestVerify) - a checkpoint
 *     signed by a Sigsum log and its cosignature/v1 by a witness at time
 *     1683202758, with both public keys (as SSH keys).
 * Then every way a note can be wrong, each with the status it must get.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "util/b64.h"
#include "fmt/note.h"
#include "testkeys.h"

#define EM "\xe2\x80\x94"

/* golang/mod sumdb/note/note_test.go */
#define PETER_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define PETER_SKEY "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"	/* 0x01 || seed */
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define TEXT "If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
#define PETER_SIG "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot" \
	"pRZb6KE6RyyBwJnAM="
#define PETER_LINE EM " PeterNeumann " PETER_SIG "\n"
#define ENOCH_SIG "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnW" \
	"Lox33WWd1RvMc+QQ="
#define ENOCH_LINE EM " EnochRoot " ENOCH_SIG "\n"
/* Go's "invalid signature" case: "ABCD" inserted at byte 60 of the line */
#define PETER_LINE_ABCD EM " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZABCDInNI" \
	"uGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH_LINE_ABCD EM " EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5nABCD2ti" \
	"OHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
#define PETER_NOTE TEXT "\n" PETER_LINE

/* C2SP signed-note.md, the example of an earlier revision */
#define FOO_VKEY "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
#define FOO_NOTE "This is an example message.\n\n" EM " example.com/foo " \
	"Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"

/* golang/go modfetch/key.go; the note from trillian-tessera parse_test.go
 * (which leaves out the final newline a note has) */
#define SUMDB_VKEY "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
#define SUMDB_TEXT "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n"
#define SUMDB_NOTE SUMDB_TEXT "\n" EM " sum.golang.org " \
	"Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=\n"

/* sigsum-go proof_test.go TestVerify: SSH public keys, log key hash, tree
 * head (size 4), the log's signature, the witness's cosignature/v1 */
#define SIGSUM_LOG_SSH "AAAAC3NzaC1lZDI1NTE5AAAAIKwmwKhVrEUaZTlHjhoWA4jwJLOF8TY+/NpHAXAHbAHl"
#define SIGSUM_WIT_SSH "AAAAC3NzaC1lZDI1NTE5AAAAIMvjV+a0ZASecDt75siSARk6zCoYwJWwaRqvULmx4VeK"
#define SIGSUM_LOG_HASH "7c5fafc796c201e0fcd7567c5033a2777ec28363f54ea0ba97b57bece0d96acd"
#define SIGSUM_ROOT "3ddc56fd46e71e517b6936b977a457da7d398108141fcdf5c8386cdd724ab7a8"
#define SIGSUM_LOG_SIG "ccbdd8c784726b732b8edd2039fbad5506e4acccd56e3e5d86c0ee109b3d2662" \
	"e6881fe3d09fc48f9ddd31494463c5ec44926ff9158785ad1dd9b5d6434b0804"
#define SIGSUM_COSIG_TIME 1683202758
#define SIGSUM_COSIG "e8d6c447d7847d5c1431ef86f8c60fa0cbacd975388b2a8f202fe4b0f9d0d544" \
	"989c9d9351752d86aae2df72b9d7135b6b09de2ccaa6d68edf638105d69be609"

static struct ident *alice, *bob, *peter;

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got), status_str(want));
}

static struct note_key
vkey(const char *s)
{
	struct note_key k;

	check_rc(s, note_vkey_parse(s, strlen(s), &k), ST_OK);
	return k;
}

static status
verify(const char *note, size_t n, const struct note_key *keys, size_t nkeys)
{
	struct note_check chk;

	return note_verify(note, n, keys, nkeys, &chk);
}

static void
unhex(const char *h, uint8_t *out, size_t n)
{
	size_t got;

	assert_int_equal(sodium_hex2bin(out, n, h, strlen(h), NULL, &got, NULL), 0);
	assert_int_equal(got, n);
}

/* ident_from_seed - an ident for a published seed, through a PKCS#8 PEM:
 * DER 302e020100300506032b657004220420 || seed. */
static struct ident *
ident_from_seed(const uint8_t seed[32])
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	uint8_t der[48];
	struct buf pem;
	struct ident *id = NULL;
	char path[128];
	int fd;

	memcpy(der, prefix, 16);
	memcpy(der + 16, seed, 32);
	buf_init(&pem, 256);
	assert_int_equal(buf_adds(&pem, "-----BEGIN PRIVATE KEY-----\n"), ST_OK);
	assert_int_equal(b64_std_encode(&pem, der, sizeof der), ST_OK);
	assert_int_equal(buf_adds(&pem, "\n-----END PRIVATE KEY-----\n"), ST_OK);
	snprintf(path, sizeof path, "%s/seed.pem", testkeys_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pem.p, pem.len), (ssize_t)pem.len);
	close(fd);
	assert_int_equal(ident_load(path, &id), ST_OK);
	unlink(path);
	sodium_memzero(der, sizeof der);
	buf_free(&pem);
	return id;
}

/* add_line - append "— name base64(raw)\n", the line as any signer writes it. */
static void
add_line(struct buf *out, const char *name, const uint8_t *raw, size_t n)
{
	assert_int_equal(buf_addf(out, EM " %s ", name), ST_OK);
	assert_int_equal(b64_std_encode(out, raw, n), ST_OK);
	assert_int_equal(buf_adds(out, "\n"), ST_OK);
}

/* handmade - text, blank line, and a type 0x01 line by id under name,
 * signed here whatever the text is, so only note.c's checks can refuse it. */
static void
handmade(const struct ident *id, const char *name, const char *text, size_t n,
    struct buf *out)
{
	uint8_t raw[4 + IDENT_SIG_LEN];
	struct note_key k;

	assert_int_equal(note_key_init(&k, name, NOTE_ED25519, ident_pk(id)), ST_OK);
	raw[0] = (uint8_t)(k.id >> 24), raw[1] = (uint8_t)(k.id >> 16);
	raw[2] = (uint8_t)(k.id >> 8), raw[3] = (uint8_t)k.id;
	ident_sign(id, (const uint8_t *)text, n, raw + 4);
	assert_int_equal(buf_add(out, text, n), ST_OK);
	assert_int_equal(buf_adds(out, "\n"), ST_OK);
	add_line(out, name, raw, sizeof raw);
}

/* flip_bit - note with one bit flipped in byte `at` of the raw signature
 * of the line by name (the line stays canonical base64). */
static void
flip_bit(const char *note, const char *name, size_t at, struct buf *out)
{
	char head[256];
	const char *line, *b64, *nl;
	uint8_t raw[128];
	size_t len;

	snprintf(head, sizeof head, EM " %s ", name);
	line = strstr(note, head);
	assert_non_null(line);
	b64 = line + strlen(head);
	nl = strchr(b64, '\n');
	assert_int_equal(b64_std_decode(b64, (size_t)(nl - b64), raw, sizeof raw, &len), ST_OK);
	assert_true(at < len);
	raw[at] ^= 0x01;
	assert_int_equal(buf_add(out, note, (size_t)(b64 - note)), ST_OK);
	assert_int_equal(b64_std_encode(out, raw, len), ST_OK);
	assert_int_equal(buf_adds(out, nl), ST_OK);
}

static int
setup(void **state)
{
	uint8_t skey[33];
	size_t n;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	alice = testkey();	/* makes testkeys_dir */
	bob = testkey();
	if (b64_std_decode(PETER_SKEY, strlen(PETER_SKEY), skey, sizeof skey, &n) != ST_OK ||
	    n != 33 || skey[0] != NOTE_ED25519)
		return -1;
	peter = ident_from_seed(skey + 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	ident_free(peter);
	testkeys_done();
	return 0;
}

/* Verifier keys: parsed into the fields they encode, printed back exactly. */
static void
test_vkeys(void **state)
{
	static const struct {
		const char *vkey, *name;
		uint32_t id;
		uint8_t type;
	} good[] = {
		{ PETER_VKEY, "PeterNeumann", 0xc74f20a3, NOTE_ED25519 },
		{ ENOCH_VKEY, "EnochRoot", 0xaf0cfe78, NOTE_ED25519 },
		{ FOO_VKEY, "example.com/foo", 0x530d903a, NOTE_ED25519 },
		{ SUMDB_VKEY, "sum.golang.org", 0x033de0ae, NOTE_ED25519 },
		/* transparency-dev/formats; the first has a '+' in its base64 */
		{ "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6", "TEST", 0x7997405c,
		    NOTE_ED25519 },
		{ "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
		    "remora.n621.de", 0xda77ade7, NOTE_COSIG },
	};
	struct note_key k, again;
	struct buf out;

	(void)state;
	buf_init(&out, 1024);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		k = vkey(good[i].vkey);
		assert_string_equal(k.name, good[i].name);
		assert_int_equal(k.id, good[i].id);
		assert_int_equal(k.type, good[i].type);
		buf_reset(&out);
		assert_int_equal(note_vkey(&k, &out), ST_OK);
		assert_string_equal(buf_str(&out), good[i].vkey);
		assert_int_equal(note_key_init(&again, good[i].name, good[i].type, k.pk), ST_OK);
		assert_memory_equal(&again, &k, sizeof k);
	}
	/* our ident for Peter's published private key has Peter's public key */
	k = vkey(PETER_VKEY);
	assert_memory_equal(ident_pk(peter), k.pk, IDENT_PK_LEN);
	/* note_vkey appends, and leaves out as it was when it does not fit */
	buf_free(&out);
	buf_init(&out, 4 + sizeof PETER_VKEY - 2);
	assert_int_equal(buf_adds(&out, "keep"), ST_OK);
	check_rc("vkey does not fit", note_vkey(&k, &out), ST_TOOBIG);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

static void
test_vkeys_refused(void **state)
{
	static const struct {
		const char *name, *vkey;
		status want;
	} bad[] = {
		/* golang/mod note_test.go */
		{ "wrong key length, adjusted id", "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBf"
		    "sVkmqq/LDE4izWy10TWBADKEY==", ST_PARSE },
		{ "unknown type, adjusted id", "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsV"
		    "kmqq/LDE4izWy10TW", ST_INVALID },
		/* transparency-dev/formats note_cosigv1_test.go */
		{ "no key", "bananas.sigstore.dev+12344556", ST_PARSE },
		{ "not base64", "rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!", ST_PARSE },
		{ "three bytes of key", "rekor.sigstore.dev+12345678+AwEB", ST_PARSE },
		{ "id not hex", "rekor.sigstore.dev+NOT_A_NUMBER+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
		    "LDE4izWy10TW", ST_PARSE },
		{ "id zero", "PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		    ST_INVALID },
		/* ours */
		{ "id off by one", "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		    ST_INVALID },
		{ "id in capitals", "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		    ST_PARSE },
		{ "id with one capital", "PeterNeumann+c74f20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		    ST_PARSE },
		{ "id of 7 digits", "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		    ST_PARSE },
		{ "empty name", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", ST_PARSE },
		{ "name with space", "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		    ST_PARSE },
		{ "trailing newline", PETER_VKEY "\n", ST_PARSE },
		{ "non-canonical base64", "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
		    "LDE4izWy10TW=", ST_PARSE },
		{ "empty", "", ST_PARSE },
	};
	char mangled[sizeof PETER_VKEY];
	struct note_key k;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		check_rc(bad[i].name, note_vkey_parse(bad[i].vkey, strlen(bad[i].vkey), &k),
		    bad[i].want);
		assert_int_equal(k.id, 0);
	}
	/* golang/mod TestNewVerifier: no proper substring, no byte plus one */
	for (size_t i = 0; i < sizeof PETER_VKEY - 1; i++)
		for (size_t j = i + 1; j <= sizeof PETER_VKEY - 1; j++)
			if ((i || j < sizeof PETER_VKEY - 1) &&
			    note_vkey_parse(PETER_VKEY + i, j - i, &k) == ST_OK)
				fail_msg("substring [%zu, %zu) parses", i, j);
	for (size_t i = 0; i < sizeof PETER_VKEY - 1; i++) {
		memcpy(mangled, PETER_VKEY, sizeof mangled);
		mangled[i]++;
		if (note_vkey_parse(mangled, sizeof mangled - 1, &k) == ST_OK)
			fail_msg("byte %zu plus one parses", i);
	}
}

/* The notes of golang/mod TestOpen, with Go's outcome as our status. */
static void
test_go_notes(void **state)
{
	static const struct {
		const char *name, *note;
		int keys;	/* 1: Peter, 2: Enoch, 3: both */
		status want;
		unsigned verified;
	} cases[] = {
		{ "peter signed, peter known", PETER_NOTE, 1, ST_OK, 1 },
		{ "one verified, one not", TEXT "\n" PETER_LINE ENOCH_LINE, 1, ST_OK, 1 },
		{ "both verified", TEXT "\n" PETER_LINE ENOCH_LINE, 3, ST_OK, 3 },
		{ "enoch only", TEXT "\n" PETER_LINE ENOCH_LINE, 2, ST_OK, 2 },
		{ "no known key", TEXT "\n" PETER_LINE ENOCH_LINE, 0, ST_UNKNOWN_KEY, 0 },
		{ "unknown key only", PETER_NOTE, 2, ST_UNKNOWN_KEY, 0 },
		{ "invalid signature", TEXT "\n" PETER_LINE_ABCD, 1, ST_BADSIG, 0 },
		{ "duplicated lines, bad unknown line", TEXT "\n" PETER_LINE PETER_LINE ENOCH_LINE
		    ENOCH_LINE ENOCH_LINE_ABCD, 1, ST_OK, 1 },
		{ "the bad line is by a known key", TEXT "\n" PETER_LINE PETER_LINE ENOCH_LINE
		    ENOCH_LINE ENOCH_LINE_ABCD, 3, ST_BADSIG, 0 },
		{ "misnamed signature", TEXT "\n" EM " CarmenSandiego " PETER_SIG "\n", 1,
		    ST_UNKNOWN_KEY, 0 },
		{ "name a prefix of the key's", TEXT "\n" EM " Peter " PETER_SIG "\n", 1,
		    ST_UNKNOWN_KEY, 0 },
		{ "key's name a prefix of the line's", TEXT "\n" EM " PeterNeumannX " PETER_SIG "\n", 1,
		    ST_UNKNOWN_KEY, 0 },
		{ "wrong key id", TEXT "\n" EM " PeterNeumann xxxxo/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAc"
		    "ElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", 1, ST_UNKNOWN_KEY, 0 },
		/* badMsgs: malformed note */
		{ "text only", TEXT, 1, ST_PARSE, 0 },
		{ "text and blank line", TEXT "\n", 1, ST_PARSE, 0 },
		{ "last line unterminated", TEXT "\n" EM " PeterNeumann " PETER_SIG, 1, ST_PARSE, 0 },
		{ "control character", "\x01" TEXT "\n" PETER_LINE, 1, ST_PARSE, 0 },
		{ "invalid UTF-8", "\xff" TEXT "\n" PETER_LINE, 1, ST_PARSE, 0 },
		{ "name with space", TEXT "\n" EM " Bad Name " PETER_SIG "\n", 1, ST_PARSE, 0 },
		{ "not a signature line", TEXT "\n" PETER_LINE "Unexpected line.\n", 1, ST_PARSE, 0 },
	};
	struct note_key keys[2];
	struct note_check chk;

	(void)state;
	keys[0] = vkey(PETER_VKEY);
	keys[1] = vkey(ENOCH_VKEY);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct note_key *k = cases[i].keys == 2 ? &keys[1] : keys;
		size_t nk = cases[i].keys == 3 ? 2 : cases[i].keys ? 1 : 0;
		unsigned want = cases[i].keys == 2 ? cases[i].verified >> 1 : cases[i].verified;

		check_rc(cases[i].name, note_verify(cases[i].note, strlen(cases[i].note), k, nk,
		    &chk), cases[i].want);
		assert_int_equal(chk.verified, want);
		assert_int_equal(chk.text_len, cases[i].want ? 0 : strlen(TEXT));
	}
}

/* golang/mod TestSign: the published key signs the text into the published
 * note, byte for byte, appended to what out already holds. */
static void
test_go_sign(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, NOTE_MAX);
	assert_int_equal(buf_adds(&out, "> "), ST_OK);
	assert_int_equal(note_sign(peter, "PeterNeumann", TEXT, strlen(TEXT), &out), ST_OK);
	assert_string_equal(buf_str(&out), "> " PETER_NOTE);
	buf_reset(&out);
	/* Go refuses these too */
	check_rc("short text", note_sign(peter, "PeterNeumann", "abc", 3, &out), ST_INVALID);
	check_rc("name a+b", note_sign(peter, "a+b", TEXT, strlen(TEXT), &out), ST_INVALID);
	check_rc("bad name", note_sign(peter, "bad name", TEXT, strlen(TEXT), &out), ST_INVALID);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

/* Notes signed elsewhere: the signed-note example and a sum.golang.org
 * tree note; one bit flipped in either signature is a bad signature. */
static void
test_other_notes(void **state)
{
	static const struct {
		const char *name, *vkey, *note, *signer;
		size_t text_len;
	} cases[] = {
		{ "signed-note example", FOO_VKEY, FOO_NOTE, "example.com/foo",
		    sizeof "This is an example message.\n" - 1 },
		{ "sum.golang.org tree", SUMDB_VKEY, SUMDB_NOTE, "sum.golang.org",
		    sizeof SUMDB_TEXT - 1 },
	};
	struct note_check chk;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct note_key k = vkey(cases[i].vkey);
		struct buf bad;

		check_rc(cases[i].name, note_verify(cases[i].note, strlen(cases[i].note), &k, 1,
		    &chk), ST_OK);
		assert_int_equal(chk.text_len, cases[i].text_len);
		assert_int_equal(chk.verified, 1);
		for (size_t at = 4; at < 4 + IDENT_SIG_LEN; at += 21) {
			buf_init(&bad, NOTE_MAX);
			flip_bit(cases[i].note, cases[i].signer, at, &bad);
			check_rc(cases[i].name, verify(bad.p, bad.len, &k, 1), ST_BADSIG);
			buf_free(&bad);
		}
	}
}

/* ssh_pk - the Ed25519 key in the base64 of an SSH public key blob. */
static void
ssh_pk(const char *b64, uint8_t pk[IDENT_PK_LEN])
{
	static const uint8_t head[] = "\0\0\0\x0bssh-ed25519\0\0\0\x20";
	uint8_t blob[64];
	size_t n;

	assert_int_equal(b64_std_decode(b64, strlen(b64), blob, sizeof blob, &n), ST_OK);
	assert_int_equal(n, sizeof head - 1 + IDENT_PK_LEN);
	assert_memory_equal(blob, head, sizeof head - 1);
	memcpy(pk, blob + sizeof head - 1, IDENT_PK_LEN);
}

/* sigsum-go TestVerify: the log's Ed25519 signature over the checkpoint
 * text, and the witness's cosignature/v1 over "cosignature/v1\ntime
 * 1683202758\n" and the text.  Sigsum names witnesses by key hash, not by
 * name, so the note line gets a name of ours (the signed bytes do not
 * cover it, only the key ID does). */
static void
test_sigsum_cosignature(void **state)
{
	uint8_t log_pk[IDENT_PK_LEN], wit_pk[IDENT_PK_LEN], h[32], root[32];
	uint8_t raw[4 + 8 + IDENT_SIG_LEN];
	char hex[65], origin[128];
	struct note_key keys[2];
	struct note_check chk;
	struct buf note, bad;
	uint64_t t = SIGSUM_COSIG_TIME;

	(void)state;
	ssh_pk(SIGSUM_LOG_SSH, log_pk);
	ssh_pk(SIGSUM_WIT_SSH, wit_pk);
	crypto_hash_sha256(h, log_pk, sizeof log_pk);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	assert_string_equal(hex, SIGSUM_LOG_HASH);
	unhex(SIGSUM_ROOT, root, sizeof root);

	buf_init(&note, NOTE_MAX);
	assert_int_equal(buf_addf(&note, "sigsum.org/v1/tree/%s\n4\n", hex), ST_OK);
	assert_int_equal(b64_std_encode(&note, root, sizeof root), ST_OK);
	assert_int_equal(buf_adds(&note, "\n\n"), ST_OK);
	snprintf(origin, sizeof origin, "sigsum.org/v1/tree/%s", hex);
	assert_int_equal(note_key_init(&keys[0], origin, NOTE_ED25519, log_pk), ST_OK);
	assert_int_equal(note_key_init(&keys[1], "witness.example/sigsum", NOTE_COSIG, wit_pk),
	    ST_OK);
	for (int i = 0; i < 4; i++)
		raw[i] = (uint8_t)(keys[0].id >> (24 - 8 * i));
	unhex(SIGSUM_LOG_SIG, raw + 4, IDENT_SIG_LEN);
	add_line(&note, keys[0].name, raw, 4 + IDENT_SIG_LEN);
	for (int i = 0; i < 4; i++)
		raw[i] = (uint8_t)(keys[1].id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	unhex(SIGSUM_COSIG, raw + 12, IDENT_SIG_LEN);
	add_line(&note, keys[1].name, raw, sizeof raw);

	assert_int_equal(note_verify(note.p, note.len, keys, 2, &chk), ST_OK);
	assert_int_equal(chk.verified, 3);
	assert_int_equal(chk.time[0], 0);
	assert_int_equal(chk.time[1], SIGSUM_COSIG_TIME);
	assert_int_equal(note_verify(note.p, note.len, &keys[1], 1, &chk), ST_OK);
	assert_int_equal(chk.time[0], SIGSUM_COSIG_TIME);
	/* the time is signed: one bit of it changed is a bad signature */
	buf_init(&bad, NOTE_MAX);
	flip_bit(note.p, keys[1].name, 11, &bad);
	check_rc("time changed", verify(bad.p, bad.len, keys, 2), ST_BADSIG);
	buf_free(&bad);
	/* the witness's key as a type 0x01 key is another key */
	assert_int_equal(note_key_init(&keys[1], "witness.example/sigsum", NOTE_ED25519, wit_pk),
	    ST_OK);
	check_rc("cosigner as 0x01", verify(note.p, note.len, &keys[1], 1), ST_UNKNOWN_KEY);
	buf_free(&note);
}

/* Peter's note made wrong in one way each. */
static void
test_malformed(void **state)
{
#define CASE(name, note, want) { name, note, sizeof note - 1, want }
	static const struct {
		const char *name, *note;
		size_t len;
		status want;
	} cases[] = {
		CASE("missing final newline", TEXT "\n" EM " PeterNeumann " PETER_SIG, ST_PARSE),
		CASE("extra final newline", PETER_NOTE "\n", ST_PARSE),
		CASE("missing blank line", TEXT PETER_LINE, ST_PARSE),
		CASE("two blank lines (the text gains one)", TEXT "\n\n" PETER_LINE, ST_BADSIG),
		CASE("blank line before the last signature", TEXT "\n" ENOCH_LINE "\n" PETER_LINE,
		    ST_BADSIG),
		CASE("blank line after peter's line", TEXT "\n" PETER_LINE "\n" ENOCH_LINE,
		    ST_UNKNOWN_KEY),
		CASE("empty text", "\n" PETER_LINE, ST_PARSE),
		CASE("no signature line", TEXT "\n", ST_PARSE),
		CASE("CRLF", "If you think\r\n\r\n" PETER_LINE, ST_PARSE),
		CASE("tab in text", "If\tyou\n\n" PETER_LINE, ST_PARSE),
		CASE("NUL in text", "If\0you\n\n" PETER_LINE, ST_PARSE),
		CASE("ESC in text", "If\x1byou\n\n" PETER_LINE, ST_PARSE),
		CASE("DEL in text", "If\x7fyou\n\n" PETER_LINE, ST_PARSE),
		CASE("C1 control U+0085", "If\xc2\x85you\n\n" PETER_LINE, ST_PARSE),
		CASE("lone continuation byte", "If\x80you\n\n" PETER_LINE, ST_PARSE),
		CASE("truncated sequence", "If\xc3\n\n" PETER_LINE, ST_PARSE),
		CASE("overlong '/'", "If\xc0\xafyou\n\n" PETER_LINE, ST_PARSE),
		CASE("overlong 3 bytes", "If\xe0\x80\xafyou\n\n" PETER_LINE, ST_PARSE),
		CASE("surrogate", "If\xed\xa0\x80you\n\n" PETER_LINE, ST_PARSE),
		CASE("past U+10FFFF", "If\xf4\x90\x80\x80you\n\n" PETER_LINE, ST_PARSE),
		CASE("byte 0xff", "If\xffyou\n\n" PETER_LINE, ST_PARSE),
		CASE("hyphen for em dash", TEXT "\n- PeterNeumann " PETER_SIG "\n", ST_PARSE),
		CASE("en dash", TEXT "\n\xe2\x80\x93 PeterNeumann " PETER_SIG "\n", ST_PARSE),
		CASE("no space after dash", TEXT "\n" EM "PeterNeumann " PETER_SIG "\n", ST_PARSE),
		CASE("two spaces", TEXT "\n" EM " PeterNeumann  " PETER_SIG "\n", ST_PARSE),
		CASE("tab for space", TEXT "\n" EM " PeterNeumann\t" PETER_SIG "\n", ST_PARSE),
		CASE("empty name", TEXT "\n" EM "  " PETER_SIG "\n", ST_PARSE),
		CASE("name with '+'", TEXT "\n" EM " Peter+Neumann " PETER_SIG "\n", ST_PARSE),
		CASE("name not ASCII", TEXT "\n" EM " P\xc3\xa9ter " PETER_SIG "\n", ST_PARSE),
		CASE("no signature", TEXT "\n" EM " PeterNeumann \n", ST_PARSE),
		CASE("trailing space", TEXT "\n" EM " PeterNeumann " PETER_SIG " \n", ST_PARSE),
		CASE("non-canonical base64", TEXT "\n" EM " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVB"
		    "tiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=\n", ST_PARSE),
		CASE("padding missing", TEXT "\n" EM " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFup"
		    "LLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n", ST_PARSE),
		CASE("base64url", TEXT "\n" EM " PeterNeumann x08go_ZJkuBS9UG_SffcvIAQxVBtiFupLLr8pAc"
		    "ElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", ST_PARSE),
		CASE("four bytes (key ID only)", TEXT "\n" EM " PeterNeumann x08gow==\n", ST_PARSE),
		CASE("five bytes by peter", TEXT "\n" EM " PeterNeumann x08gowA=\n", ST_BADSIG),
		CASE("five bytes by another", TEXT "\n" PETER_LINE EM " Other AAAAAAA=\n", ST_OK),
	};
#undef CASE
	struct note_key k = vkey(PETER_VKEY);
	struct note_check chk;

	(void)state;
	check_rc("the note itself", verify(PETER_NOTE, strlen(PETER_NOTE), &k, 1), ST_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_rc(cases[i].name, note_verify(cases[i].note, cases[i].len, &k, 1, &chk),
		    cases[i].want);
		if (cases[i].want)
			assert_int_equal(chk.verified | chk.text_len, 0);
	}
}

/* Signed properly over any text, a note is refused unless the text is
 * valid; valid UTF-8 of every length signs and verifies. */
static void
test_text(void **state)
{
#define CASE(name, text, want) { name, text, sizeof text - 1, want }
	static const struct {
		const char *name, *text;
		size_t len;
		status want;
	} cases[] = {
		CASE("ASCII", "plain\n", ST_OK),
		CASE("empty lines inside", "a\n\n\nb\n", ST_OK),
		CASE("only a newline", "\n", ST_OK),
		CASE("two bytes", "caf\xc3\xa9\n", ST_OK),
		CASE("three bytes", "\xe4\xb8\xad\xe6\x96\x87\n", ST_OK),
		CASE("four bytes", "\xf0\x9f\x94\x8f\n", ST_OK),
		CASE("U+10FFFF", "\xf4\x8f\xbf\xbf\n", ST_OK),
		CASE("U+00A0", "\xc2\xa0\n", ST_OK),
		CASE("a signature line in the text", EM " x AAAAAAA=\n", ST_OK),
		CASE("C1 U+009F", "\xc2\x9f\n", ST_PARSE),
		CASE("surrogate", "\xed\xbf\xbf\n", ST_PARSE),
		CASE("overlong NUL", "\xc0\x80\n", ST_PARSE),
		CASE("cut in the middle", "\xe4\xb8\n", ST_PARSE),
		CASE("carriage return", "a\r\n", ST_PARSE),
		CASE("vertical tab", "a\vb\n", ST_PARSE),
		CASE("NUL", "a\0b\n", ST_PARSE),
	};
#undef CASE
	struct note_key k;
	struct buf note;

	(void)state;
	assert_int_equal(note_key_init(&k, "alice", NOTE_ED25519, ident_pk(alice)), ST_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_init(&note, NOTE_MAX);
		handmade(alice, "alice", cases[i].text, cases[i].len, &note);
		check_rc(cases[i].name, verify(note.p, note.len, &k, 1), cases[i].want);
		buf_reset(&note);
		check_rc(cases[i].name, note_sign(alice, "alice", cases[i].text, cases[i].len,
		    &note), cases[i].want ? ST_INVALID : ST_OK);
		if (!cases[i].want)
			check_rc(cases[i].name, verify(note.p, note.len, &k, 1), ST_OK);
		buf_free(&note);
	}
}

/* Cut anywhere, a note verifies only where the cut leaves a whole note;
 * without its first bytes, never. */
static void
test_truncated(void **state)
{
	static const char note[] = TEXT "\n" PETER_LINE ENOCH_LINE;
	struct note_key keys[2];
	status rc;

	(void)state;
	keys[0] = vkey(PETER_VKEY);
	keys[1] = vkey(ENOCH_VKEY);
	for (size_t cut = 0; cut <= sizeof note - 1; cut++) {
		int whole = cut == sizeof PETER_NOTE - 1 || cut == sizeof note - 1;

		rc = verify(note, cut, keys, 2);
		if ((rc == ST_OK) != whole)
			fail_msg("cut at %zu of %zu: %s", cut, sizeof note - 1, status_str(rc));
	}
	for (size_t skip = 1; skip < sizeof note - 1; skip++)
		if (verify(note + skip, sizeof note - 1 - skip, keys, 2) == ST_OK)
			fail_msg("without its first %zu bytes, verifies", skip);
}

/* Bounds: signature lines, bytes, keys; long lines of unknown keys. */
static void
test_limits(void **state)
{
	struct note_key keys[NOTE_KEYS_MAX + 1];
	struct note_check chk;
	struct buf note, line;
	static char big[NOTE_MAX + 2];
	uint8_t raw[4 + 8 + 2420];	/* an ML-DSA-44 cosignature's size */
	size_t n;

	(void)state;
	buf_init(&note, 2 * NOTE_MAX);
	buf_init(&line, NOTE_MAX);
	assert_int_equal(note_key_init(&keys[0], "alice", NOTE_ED25519, ident_pk(alice)), ST_OK);
	assert_int_equal(note_sign(alice, "alice", "t\n", 2, &note), ST_OK);
	/* NOTE_SIGS_MAX lines are accepted, one more is not */
	assert_int_equal(note_cosign(bob, "bob", "t\n", 2, 1, &line), ST_OK);
	for (int i = 1; i < NOTE_SIGS_MAX; i++)
		assert_int_equal(buf_add(&note, line.p, line.len), ST_OK);
	check_rc("NOTE_SIGS_MAX lines", verify(note.p, note.len, keys, 1), ST_OK);
	assert_int_equal(buf_add(&note, line.p, line.len), ST_OK);
	check_rc("one line more", verify(note.p, note.len, keys, 1), ST_PARSE);
	/* more keys than NOTE_KEYS_MAX */
	for (int i = 1; i <= NOTE_KEYS_MAX; i++)
		keys[i] = keys[0];
	buf_reset(&note);
	assert_int_equal(note_sign(alice, "alice", "t\n", 2, &note), ST_OK);
	check_rc("NOTE_KEYS_MAX keys", verify(note.p, note.len, keys, NOTE_KEYS_MAX), ST_OK);
	check_rc("one key more", note_verify(note.p, note.len, keys, NOTE_KEYS_MAX + 1, &chk),
	    ST_INVALID);
	assert_int_equal(chk.verified, 0);
	/* a signed note of exactly NOTE_MAX bytes, and a text one byte longer */
	buf_reset(&note);
	assert_int_equal(note_sign(alice, "alice", "t\n", 2, &note), ST_OK);
	n = NOTE_MAX - (note.len - 2);
	memset(big, 'a', n);
	big[n - 1] = '\n';
	buf_reset(&note);
	assert_int_equal(note_sign(alice, "alice", big, n, &note), ST_OK);
	assert_int_equal(note.len, NOTE_MAX);
	check_rc("NOTE_MAX bytes", verify(note.p, note.len, keys, 1), ST_OK);
	big[n - 1] = 'a';
	big[n] = '\n';
	buf_reset(&note);
	check_rc("sign one byte more", note_sign(alice, "alice", big, n + 1, &note), ST_TOOBIG);
	check_rc("cosign one byte more", note_cosign(alice, "alice", big, n + 1, 1, &note),
	    ST_TOOBIG);
	assert_int_equal(note.len, 0);
	memset(big, 'a', sizeof big);
	big[NOTE_MAX] = '\n';
	check_rc("NOTE_MAX + 1 bytes", verify(big, NOTE_MAX + 1, keys, 1), ST_TOOBIG);
	/* an unknown key's long signature is checked, then ignored */
	buf_reset(&note);
	assert_int_equal(note_sign(alice, "alice", "t\n", 2, &note), ST_OK);
	randombytes_buf(raw, sizeof raw);
	add_line(&note, "mldsa.example", raw, sizeof raw);
	check_rc("long unknown line", verify(note.p, note.len, keys, 1), ST_OK);
	note.p[note.len - 1000] = note.p[note.len - 1000] == 'A' ? 'B' : 'A';
	check_rc("long line, other bytes", verify(note.p, note.len, keys, 1), ST_OK);
	note.p[note.len - 3] = '/';	/* sets the unused low bits of the last group */
	check_rc("long line, not canonical", verify(note.p, note.len, keys, 1), ST_PARSE);
	/* '=' at the end of a 128-character chunk that is not the last */
	buf_reset(&note);
	assert_int_equal(note_sign(alice, "alice", "t\n", 2, &note), ST_OK);
	assert_int_equal(buf_adds(&note, EM " mldsa.example "), ST_OK);
	for (int i = 0; i < 31; i++)
		assert_int_equal(buf_adds(&note, "AAAA"), ST_OK);
	assert_int_equal(buf_adds(&note, "AA==AAAA\n"), ST_OK);
	check_rc("padding inside", verify(note.p, note.len, keys, 1), ST_PARSE);
	/* a long line by a known key (right name and ID) is a bad signature */
	buf_reset(&note);
	assert_int_equal(note_sign(alice, "alice", "t\n", 2, &note), ST_OK);
	raw[0] = (uint8_t)(keys[0].id >> 24), raw[1] = (uint8_t)(keys[0].id >> 16);
	raw[2] = (uint8_t)(keys[0].id >> 8), raw[3] = (uint8_t)keys[0].id;
	add_line(&note, "alice", raw, sizeof raw);
	check_rc("long line by a known key", verify(note.p, note.len, keys, 1), ST_BADSIG);
	buf_free(&note);
	buf_free(&line);
}

/* handmade_cosig - a type 0x04 line by id over text at time t, whatever t. */
static void
handmade_cosig(const struct ident *id, const char *name, const char *text, uint64_t t,
    struct buf *out)
{
	uint8_t raw[4 + 8 + IDENT_SIG_LEN];
	struct note_key k;
	struct buf m;

	assert_int_equal(note_key_init(&k, name, NOTE_COSIG, ident_pk(id)), ST_OK);
	for (int i = 0; i < 4; i++)
		raw[i] = (uint8_t)(k.id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	buf_init(&m, NOTE_MAX + 64);
	assert_int_equal(buf_addf(&m, "cosignature/v1\ntime %llu\n%s", (unsigned long long)t,
	    text), ST_OK);
	ident_sign(id, (const uint8_t *)m.p, m.len, raw + 12);
	add_line(out, name, raw, sizeof raw);
	buf_free(&m);
}

/* Sign, cosign, verify: bits and times land on the right keys. */
static void
test_round_trip(void **state)
{
	static const char text[] = "parley/alpha/kid\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	static const uint64_t times[] = { 0, 1, 1700000123, (UINT64_C(1) << 63) - 1 };
	struct note_key keys[3];
	struct note_check chk;
	struct buf note, line;
	size_t base;

	(void)state;
	buf_init(&note, NOTE_MAX);
	buf_init(&line, 1024);
	assert_int_equal(note_key_init(&keys[0], "bravo/witness", NOTE_COSIG, ident_pk(bob)),
	    ST_OK);
	assert_int_equal(note_key_init(&keys[1], "parley/alpha/kid", NOTE_ED25519,
	    ident_pk(alice)), ST_OK);
	assert_int_equal(note_key_init(&keys[2], "alpha/witness", NOTE_COSIG, ident_pk(alice)),
	    ST_OK);
	assert_int_equal(note_sign(alice, "parley/alpha/kid", text, strlen(text), &note), ST_OK);
	base = note.len;
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		buf_truncate(&note, base);
		buf_reset(&line);
		assert_int_equal(note_cosign(bob, "bravo/witness", text, strlen(text), times[i],
		    &line), ST_OK);
		assert_int_equal(buf_add(&note, line.p, line.len), ST_OK);
		assert_int_equal(note_cosign(alice, "alpha/witness", text, strlen(text), 42, &note),
		    ST_OK);
		assert_int_equal(note_verify(note.p, note.len, keys, 3, &chk), ST_OK);
		assert_int_equal(chk.text_len, strlen(text));
		assert_int_equal(chk.verified, 7);
		assert_true(chk.time[0] == times[i]);
		assert_int_equal(chk.time[1], 0);
		assert_int_equal(chk.time[2], 42);
		/* our line is what an independent signer writes for the same time */
		buf_reset(&line);
		handmade_cosig(bob, "bravo/witness", text, times[i], &line);
		assert_non_null(strstr(note.p, line.p));
	}
	/* the cosigner's key alone, and the signer's as a cosigner */
	assert_int_equal(note_verify(note.p, note.len, keys, 1, &chk), ST_OK);
	assert_int_equal(chk.verified, 1);
	assert_int_equal(note_key_init(&keys[2], "parley/alpha/kid", NOTE_COSIG, ident_pk(alice)),
	    ST_OK);
	check_rc("signer as a cosigner", verify(note.p, note.len, &keys[2], 1), ST_UNKNOWN_KEY);

	/* a time of 2^63 or more: refused to sign, and refused if signed */
	buf_reset(&line);
	check_rc("cosign at 2^63", note_cosign(bob, "bravo/witness", text, strlen(text),
	    UINT64_C(1) << 63, &line), ST_INVALID);
	assert_int_equal(line.len, 0);
	buf_truncate(&note, base);
	handmade_cosig(bob, "bravo/witness", text, UINT64_MAX, &note);
	check_rc("cosigned at 2^64 - 1", note_verify(note.p, note.len, keys, 1, &chk), ST_INVALID);
	assert_int_equal(chk.time[0], 0);
	/* a cosignature over another time, or over another text */
	buf_truncate(&note, base);
	assert_int_equal(note_cosign(bob, "bravo/witness", text, strlen(text), 7, &note), ST_OK);
	buf_reset(&line);
	flip_bit(note.p, "bravo/witness", 11, &line);
	check_rc("time 6 for 7", verify(line.p, line.len, keys, 1), ST_BADSIG);
	buf_truncate(&note, base);
	assert_int_equal(note_cosign(bob, "bravo/witness", "other\n", 6, 7, &note), ST_OK);
	check_rc("cosigned another text", verify(note.p, note.len, keys, 1), ST_BADSIG);
	buf_free(&note);
	buf_free(&line);
}

static void
test_sign_refused(void **state)
{
	static const struct {
		const char *name, *signer, *text;
		size_t len;
	} cases[] = {
		{ "no final newline", "n", "abc", 3 },
		{ "empty text", "n", "", 0 },
		{ "control character", "n", "a\x01\n", 3 },
		{ "invalid UTF-8", "n", "\xff\n", 2 },
		{ "empty name", "", "abc\n", 4 },
		{ "name with space", "a b", "abc\n", 4 },
		{ "name with '+'", "a+b", "abc\n", 4 },
		{ "name not ASCII", "\xc3\xa9", "abc\n", 4 },
		{ "name of 128 bytes", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
		    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "abc\n", 4 },
	};
	struct buf out;

	(void)state;
	buf_init(&out, NOTE_MAX);
	assert_int_equal(buf_adds(&out, "keep"), ST_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_rc(cases[i].name, note_sign(alice, cases[i].signer, cases[i].text,
		    cases[i].len, &out), ST_INVALID);
		check_rc(cases[i].name, note_cosign(alice, cases[i].signer, cases[i].text,
		    cases[i].len, 1, &out), ST_INVALID);
		assert_string_equal(buf_str(&out), "keep");
	}
	/* a 127-byte name is fine */
	assert_int_equal(note_sign(alice, cases[8].signer + 1, "abc\n", 4, &out), ST_OK);
	/* output that does not fit leaves out as it was */
	buf_free(&out);
	buf_init(&out, 50);
	assert_int_equal(buf_adds(&out, "keep"), ST_OK);
	check_rc("sign into a small buf", note_sign(alice, "n", "abc\n", 4, &out), ST_TOOBIG);
	check_rc("cosign into a small buf", note_cosign(alice, "n", "abc\n", 4, 1, &out),
	    ST_TOOBIG);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

struct seen {
	int n, stop;
	char lines[4][200];
};

static int
collect(void *arg, const char *line, size_t len)
{
	struct seen *s = arg;

	snprintf(s->lines[s->n++], sizeof s->lines[0], "%.*s", (int)len, line);
	return s->n == s->stop;
}

static void
test_sig_each(void **state)
{
	static const char note[] = TEXT "\n" PETER_LINE ENOCH_LINE;
	struct seen s = { 0, 0, { "" } };
	size_t text_len;

	(void)state;
	assert_int_equal(note_split(note, sizeof note - 1, &text_len), ST_OK);
	assert_int_equal(text_len, strlen(TEXT));
	note_sig_each(note, sizeof note - 1, text_len, collect, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lines[0], PETER_LINE);
	assert_string_equal(s.lines[1], ENOCH_LINE);
	memset(&s, 0, sizeof s);
	s.stop = 1;
	note_sig_each(note, sizeof note - 1, text_len, collect, &s);
	assert_int_equal(s.n, 1);
	check_rc("split, no blank line", note_split(TEXT, strlen(TEXT), &text_len), ST_PARSE);
	assert_int_equal(text_len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vkeys),
		cmocka_unit_test(test_vkeys_refused),
		cmocka_unit_test(test_go_notes),
		cmocka_unit_test(test_go_sign),
		cmocka_unit_test(test_other_notes),
		cmocka_unit_test(test_sigsum_cosignature),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sign_refused),
		cmocka_unit_test(test_sig_each),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
