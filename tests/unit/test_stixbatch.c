/* test_stixbatch.c - batches of STIX objects (fmt/stixbatch.h): the root
 * and every inclusion path for 1..33 objects against a naive RFC 9162
 * computation written here; the manifest written and read byte-exactly,
 * and each near miss refused; the stage split into its objects, and each
 * malformed or forged stage refused with its reason; an object's evidence
 * built over a real evidence bundle (two parties' keys, a sealed
 * "stix-batch" message whose body is the manifest, a receipt, cosigned
 * checkpoints), verified, and each forgery refused with its status and
 * its reason.
 *
 * With PARLEY_STIXBATCH_SEEDS=DIR set, a manifest, a stage and an
 * object's evidence are written to DIR (fuzz/corpus/stixbatch/ was made
 * so): the keys are those of fuzz/fuzz_common.h (seeds 7 and 8) and the
 * ids fixed, so the evidence verifies in fuzz_stixbatch. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "util/b64.h"
#include "fmt/card.h"
#include "fmt/ckpt.h"
#include "fmt/envelope.h"
#include "fmt/evidence.h"
#include "fmt/note.h"
#include "fmt/stixbatch.h"
#include "fmt/tlog.h"
#include "testcheck.h"
#include "testkeys.h"
#include "testlog.h"

#define BATCH "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e"
#define MSG_ID "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d1a"
#define RCPT_ID "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d1b"
#define HEX0 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define NOBJ 5

/* ---- a naive RFC 9162 tree, by its definition (section 2.1.1) ---- */

static size_t
split(size_t n)
{
	size_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;	/* the largest power of two below n (n > 1) */
}

static void
naive_mth(const uint8_t (*d)[TLOG_HASH], size_t n, uint8_t out[TLOG_HASH])
{
	uint8_t l[TLOG_HASH], r[TLOG_HASH];
	size_t k;

	if (n == 1) {
		memcpy(out, d[0], TLOG_HASH);
		return;
	}
	k = split(n);
	naive_mth(d, k, l);
	naive_mth(d + k, n - k, r);
	tlog_node_hash(l, r, out);
}

/* naive_path - PATH(m, D[n]) of section 2.1.3.1, leaf first. */
static void
naive_path(size_t m, const uint8_t (*d)[TLOG_HASH], size_t n, uint8_t path[][TLOG_HASH],
    size_t *len)
{
	size_t k;

	if (n == 1) {
		*len = 0;
		return;
	}
	k = split(n);
	if (m < k) {
		naive_path(m, d, k, path, len);
		naive_mth(d + k, n - k, path[*len]);
	} else {
		naive_path(m - k, d + k, n - k, path, len);
		naive_mth(d, k, path[*len]);
	}
	(*len)++;
}

static void
object_text(size_t i, char *out, size_t cap)
{
	snprintf(out, cap, "{\"type\":\"indicator\",\"id\":\"indicator--%08zu-17d4-4cbf-938f-"
	    "98ee46b3cd3f\",\"name\":\"object %zu\"}", i, i);
}

static void
test_root_path(void **state)
{
	uint8_t leaves[33][TLOG_HASH], root[TLOG_HASH], want[TLOG_HASH];
	uint8_t path[TLOG_PROOF_MAX][TLOG_HASH], wpath[TLOG_PROOF_MAX][TLOG_HASH];

	(void)state;
	for (size_t i = 0; i < 33; i++) {
		char obj[160];

		object_text(i, obj, sizeof obj);
		tlog_leaf_hash(obj, strlen(obj), leaves[i]);
	}
	for (size_t n = 1; n <= 33; n++) {
		const uint8_t (*lv)[TLOG_HASH] = (const uint8_t (*)[TLOG_HASH])leaves;

		EXPECT(stixbatch_root(lv, n, root), ST_OK);
		naive_mth(lv, n, want);
		if (memcmp(root, want, TLOG_HASH) != 0)
			fail_msg("root of %zu leaves differs from RFC 9162's", n);
		for (size_t i = 0; i < n; i++) {
			size_t len = 99, wlen = 0;

			EXPECT(stixbatch_path(lv, n, i, path, &len), ST_OK);
			naive_path(i, lv, n, wpath, &wlen);
			if (len != wlen || memcmp(path, wpath, len * TLOG_HASH) != 0)
				fail_msg("path of leaf %zu of %zu: %zu hashes, want %zu, or others",
				    i, n, len, wlen);
			if (tlog_verify_inclusion(i, n, leaves[i], (const uint8_t (*)[TLOG_HASH])path,
			    len, root) != ST_OK)
				fail_msg("path of leaf %zu of %zu does not verify", i, n);
			/* nor for another leaf, nor at another index */
			if (n > 1 && tlog_verify_inclusion(i, n, leaves[(i + 1) % n],
			    (const uint8_t (*)[TLOG_HASH])path, len, root) != ST_BADSIG)
				fail_msg("path of leaf %zu of %zu verifies another leaf", i, n);
			if (n > 1 && tlog_verify_inclusion((i + 1) % n, n, leaves[i],
			    (const uint8_t (*)[TLOG_HASH])path, len, root) != ST_BADSIG)
				fail_msg("path of leaf %zu of %zu verifies at another index", i, n);
		}
		{
			size_t len;

			EXPECT(stixbatch_path(lv, n, n, path, &len), ST_INVALID);
		}
	}
	EXPECT(stixbatch_root((const uint8_t (*)[TLOG_HASH])leaves, 0, root), ST_INVALID);
}

/* ---- the manifest ---- */

static void
manifest_of(struct stixbatch_manifest *m, const char *batch, int64_t n)
{
	memset(m, 0, sizeof *m);
	snprintf(m->batch, sizeof m->batch, "%s", batch);
	m->n = n;
	for (int i = 0; i < TLOG_HASH; i++)
		m->root[i] = (uint8_t)i;
}

static void
test_manifest_round_trip(void **state)
{
	static const int64_t ns[] = { 1, 9, 10, 999, STIXBATCH_MAX };
	struct stixbatch_manifest m, back;
	struct buf out;
	char want[256];

	(void)state;
	buf_init(&out, STIXBATCH_MANIFEST_MAX);
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		manifest_of(&m, BATCH, ns[i]);
		buf_reset(&out);
		EXPECT(stixbatch_manifest(&m, &out), ST_OK);
		snprintf(want, sizeof want, "{\"v\":1,\"batch\":\"" BATCH "\",\"n\":%lld,"
		    "\"root\":\"" HEX0 "\"}", (long long)ns[i]);
		assert_string_equal(buf_str(&out), want);
		EXPECT(stixbatch_manifest_read(out.p, out.len, &back), ST_OK);
		assert_string_equal(back.batch, BATCH);
		assert_int_equal(back.n, ns[i]);
		assert_memory_equal(back.root, m.root, TLOG_HASH);
	}
	/* a fresh UUIDv7 too */
	manifest_of(&m, BATCH, 3);
	stamp_uuid7(m.batch);
	buf_reset(&out);
	EXPECT(stixbatch_manifest(&m, &out), ST_OK);
	EXPECT(stixbatch_manifest_read(out.p, out.len, &back), ST_OK);
	assert_string_equal(back.batch, m.batch);
	/* what the writer refuses to write */
	manifest_of(&m, BATCH, 0);
	EXPECT(stixbatch_manifest(&m, &out), ST_INVALID);
	manifest_of(&m, BATCH, STIXBATCH_MAX + 1);
	EXPECT(stixbatch_manifest(&m, &out), ST_INVALID);
	manifest_of(&m, "019A3C2E-7B10-7C4A-9D2E-5F6A7B8C9D0E", 1);
	EXPECT(stixbatch_manifest(&m, &out), ST_INVALID);
	manifest_of(&m, "not a uuid", 1);
	EXPECT(stixbatch_manifest(&m, &out), ST_INVALID);
	buf_free(&out);
}

#define M_HEAD "{\"v\":1,\"batch\":\"" BATCH "\",\"n\":"
#define M_ROOT ",\"root\":\"" HEX0 "\"}"

static void
test_manifest_refused(void **state)
{
	static const struct {
		const char *name, *text;
		size_t len;	/* 0: strlen */
	} cases[] = {
		{ "version 2", "{\"v\":2,\"batch\":\"" BATCH "\",\"n\":1" M_ROOT, 0 },
		{ "version 0", "{\"v\":0,\"batch\":\"" BATCH "\",\"n\":1" M_ROOT, 0 },
		{ "version as string", "{\"v\":\"1\",\"batch\":\"" BATCH "\",\"n\":1" M_ROOT, 0 },
		{ "uppercase root hex", M_HEAD "1,\"root\":\""
		  "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\"}", 0 },
		{ "one uppercase root digit", M_HEAD "1,\"root\":\""
		  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1F\"}", 0 },
		{ "uppercase batch", "{\"v\":1,\"batch\":\"019A3C2E-7B10-7C4A-9D2E-5F6A7B8C9D0E\","
		  "\"n\":1" M_ROOT, 0 },
		{ "short root", M_HEAD "1,\"root\":\""
		  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\"}", 0 },
		{ "long root", M_HEAD "1,\"root\":\"" HEX0 "2\"}", 0 },
		{ "root of 31 bytes", M_HEAD "1,\"root\":\""
		  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\"}", 0 },
		{ "root not hex", M_HEAD "1,\"root\":\""
		  "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"}", 0 },
		{ "n = 0", M_HEAD "0" M_ROOT, 0 },
		{ "n = STIXBATCH_MAX + 1", M_HEAD "1001" M_ROOT, 0 },
		{ "n huge", M_HEAD "99999999999999999999999" M_ROOT, 0 },
		{ "n negative", M_HEAD "-1" M_ROOT, 0 },
		{ "n with plus", M_HEAD "+1" M_ROOT, 0 },
		{ "n with a leading zero", M_HEAD "01" M_ROOT, 0 },
		{ "n 00", M_HEAD "00" M_ROOT, 0 },
		{ "n as real", M_HEAD "1.0" M_ROOT, 0 },
		{ "n with exponent", M_HEAD "1e2" M_ROOT, 0 },
		{ "n as string", M_HEAD "\"1\"" M_ROOT, 0 },
		{ "space before n", M_HEAD " 1" M_ROOT, 0 },
		{ "space after n", M_HEAD "1 " M_ROOT, 0 },
		{ "space after a colon", "{\"v\": 1,\"batch\":\"" BATCH "\",\"n\":1" M_ROOT, 0 },
		{ "leading space", " " M_HEAD "1" M_ROOT, 0 },
		{ "space before the brace", M_HEAD "1,\"root\":\"" HEX0 "\" }", 0 },
		{ "pretty", "{ \"v\": 1, \"batch\": \"" BATCH "\", \"n\": 1, \"root\": \"" HEX0
		  "\" }", 0 },
		{ "extra member at the end", M_HEAD "1,\"root\":\"" HEX0 "\",\"x\":1}", 0 },
		{ "extra member at the start", "{\"x\":1,\"v\":1,\"batch\":\"" BATCH "\",\"n\":1"
		  M_ROOT, 0 },
		{ "members reordered", "{\"batch\":\"" BATCH "\",\"v\":1,\"n\":1" M_ROOT, 0 },
		{ "no batch", "{\"v\":1,\"n\":1" M_ROOT, 0 },
		{ "batch not a UUID", "{\"v\":1,\"batch\":\"batch-of-thirty-six-characters-0000\","
		  "\"n\":1" M_ROOT, 0 },
		{ "batch without hyphens", "{\"v\":1,\"batch\":\"019a3c2e07b1007c4a09d2e05f6a7b8c9d0e\","
		  "\"n\":1" M_ROOT, 0 },
		{ "batch one short", "{\"v\":1,\"batch\":\"019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0\","
		  "\"n\":1" M_ROOT, 0 },
		{ "batch one long", "{\"v\":1,\"batch\":\"019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0ee\","
		  "\"n\":1" M_ROOT, 0 },
		{ "trailing newline", M_HEAD "1" M_ROOT "\n", 0 },
		{ "trailing space", M_HEAD "1" M_ROOT " ", 0 },
		{ "trailing object", M_HEAD "1" M_ROOT "{}", 0 },
		{ "truncated", M_HEAD "1,\"root\":\"" HEX0 "\"", 0 },
		{ "NUL at the end", M_HEAD "1" M_ROOT "\0", sizeof(M_HEAD "1" M_ROOT) },
		{ "NUL inside", M_HEAD "1\0" M_ROOT, sizeof(M_HEAD "1\0" M_ROOT) - 1 },
		{ "NUL for the brace", M_HEAD "1,\"root\":\"" HEX0 "\"\0",
		  sizeof(M_HEAD "1" M_ROOT) - 1 },
		{ "empty", "", 0 },
		{ "JSON null", "null", 0 },
	};
	static const char good[] = M_HEAD "1" M_ROOT;
	struct stixbatch_manifest m;
	char big[STIXBATCH_MANIFEST_MAX + 2];

	(void)state;
	EXPECT(stixbatch_manifest_read(good, strlen(good), &m), ST_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		status rc;

		/* an exact copy, so that a read past len is seen under ASan */
		char *p = malloc(len ? len : 1);

		assert_non_null(p);
		memcpy(p, cases[i].text, len);
		memset(&m, 0x55, sizeof m);
		rc = stixbatch_manifest_read(p, len, &m);
		if (rc != ST_PARSE)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name, status_str(rc),
			    status_str(ST_PARSE));
		if (m.n != 0 || m.batch[0] != '\0')
			fail_msg("%s: the manifest is not cleared after a refusal", cases[i].name);
		free(p);
	}
	/* over STIXBATCH_MANIFEST_MAX */
	memset(big, ' ', sizeof big);
	memcpy(big, good, strlen(good));
	EXPECT(stixbatch_manifest_read(big, sizeof big, &m), ST_PARSE);
	/* every truncation of the good one */
	for (size_t cut = 0; cut < strlen(good); cut++) {
		char *p = malloc(cut ? cut : 1);

		assert_non_null(p);
		memcpy(p, good, cut);
		if (stixbatch_manifest_read(p, cut, &m) != ST_PARSE)
			fail_msg("cut at %zu: not refused", cut);
		free(p);
	}
}

/* ---- the stage ---- */

struct objs {
	char text[NOBJ][160];
	uint8_t leaves[NOBJ][TLOG_HASH];
	struct stixbatch_manifest m;
	struct buf manifest, stage;
};

static void
make_objs(struct objs *o, size_t n)
{
	assert_true(n >= 1 && n <= NOBJ);
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < n; i++) {
		object_text(i, o->text[i], sizeof o->text[i]);
		tlog_leaf_hash(o->text[i], strlen(o->text[i]), o->leaves[i]);
	}
	memset(&o->m, 0, sizeof o->m);
	snprintf(o->m.batch, sizeof o->m.batch, "%s", BATCH);
	o->m.n = (int64_t)n;
	EXPECT(stixbatch_root((const uint8_t (*)[TLOG_HASH])o->leaves, n, o->m.root), ST_OK);
	buf_init(&o->manifest, STIXBATCH_MANIFEST_MAX);
	EXPECT(stixbatch_manifest(&o->m, &o->manifest), ST_OK);
	buf_init(&o->stage, 1 << 16);
	EXPECT(buf_add(&o->stage, o->manifest.p, o->manifest.len), ST_OK);
	EXPECT(buf_adds(&o->stage, "\n"), ST_OK);
	for (size_t i = 0; i < n; i++) {
		EXPECT(buf_adds(&o->stage, o->text[i]), ST_OK);
		EXPECT(buf_adds(&o->stage, "\n"), ST_OK);
	}
}

static void
objs_free(struct objs *o)
{
	buf_free(&o->manifest);
	buf_free(&o->stage);
}

/* What the callback saw; it refuses object refuse_at (-1: none). */
struct saw {
	char text[NOBJ + 2][160];
	size_t index[NOBJ + 2];
	int n;
	int refuse_at;
};

static int
saw_obj(void *arg, size_t i, const char *obj, size_t len)
{
	struct saw *s = arg;

	assert_true(s->n < NOBJ + 2);
	assert_true(len < sizeof s->text[0]);
	memcpy(s->text[s->n], obj, len);
	s->text[s->n][len] = '\0';
	s->index[s->n] = i;
	s->n++;
	return s->refuse_at >= 0 && (size_t)s->refuse_at == i;
}

static void
test_stage_good(void **state)
{
	for (size_t n = 1; n <= NOBJ; n++) {
		struct objs o;
		struct stixbatch_manifest m;
		struct saw saw = { .refuse_at = -1 };
		uint8_t (*lv)[TLOG_HASH] = NULL;
		char why[128] = "unset";

		(void)state;
		make_objs(&o, n);
		EXPECT(stixbatch_stage_read(o.stage.p, o.stage.len, &m, saw_obj, &saw, &lv, why),
		    ST_OK);
		assert_string_equal(m.batch, BATCH);
		assert_int_equal(m.n, n);
		assert_memory_equal(m.root, o.m.root, TLOG_HASH);
		assert_int_equal(saw.n, n);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(saw.index[i], i);
			assert_string_equal(saw.text[i], o.text[i]);
		}
		assert_non_null(lv);
		assert_memory_equal(lv, o.leaves, n * TLOG_HASH);
		free(lv);
		/* without a callback, leaves or why */
		EXPECT(stixbatch_stage_read(o.stage.p, o.stage.len, &m, NULL, NULL, NULL, NULL),
		    ST_OK);
		assert_int_equal(m.n, n);
		objs_free(&o);
	}
}

enum stage_edit {
	E_NO_MANIFEST,		/* the objects alone */
	E_MANIFEST_ONLY,	/* the manifest without its newline */
	E_BAD_MANIFEST,		/* the manifest's version changed */
	E_NO_LAST_NL,		/* the last object without its newline */
	E_EMPTY_LINE,		/* a blank line between two objects */
	E_EMPTY_LAST,		/* a blank line at the end */
	E_MORE,			/* one object more than n */
	E_FEWER,		/* one object fewer */
	E_NONE,			/* the manifest and nothing else */
	E_CHANGED,		/* one byte of an object changed */
	E_SWAPPED,		/* two objects in the other order */
	E_CRLF,			/* lines ended by CRLF */
	E_REFUSED,		/* the callback refuses object 2 */
};

static void
edit_stage(struct objs *o, enum stage_edit e, struct buf *out)
{
	const char *first_obj = (const char *)memchr(o->stage.p, '\n', o->stage.len) + 1;
	size_t rest = o->stage.len - (size_t)(first_obj - o->stage.p);

	buf_init(out, 1 << 16);
	switch (e) {
	case E_NO_MANIFEST:
		EXPECT(buf_add(out, first_obj, rest), ST_OK);
		break;
	case E_MANIFEST_ONLY:
		EXPECT(buf_add(out, o->manifest.p, o->manifest.len), ST_OK);
		break;
	case E_BAD_MANIFEST:
		EXPECT(buf_add(out, o->stage.p, o->stage.len), ST_OK);
		out->p[5] = '2';	/* {"v":2 */
		break;
	case E_NO_LAST_NL:
		EXPECT(buf_add(out, o->stage.p, o->stage.len - 1), ST_OK);
		break;
	case E_EMPTY_LINE:
		EXPECT(buf_add(out, o->stage.p, (size_t)(first_obj - o->stage.p)), ST_OK);
		for (size_t i = 0; i < (size_t)o->m.n; i++)
			EXPECT(buf_addf(out, "%s\n%s", o->text[i], i == 1 ? "\n" : ""), ST_OK);
		break;
	case E_EMPTY_LAST:
		EXPECT(buf_add(out, o->stage.p, o->stage.len), ST_OK);
		EXPECT(buf_adds(out, "\n"), ST_OK);
		break;
	case E_MORE:
		EXPECT(buf_add(out, o->stage.p, o->stage.len), ST_OK);
		EXPECT(buf_addf(out, "%s\n", o->text[0]), ST_OK);
		break;
	case E_FEWER:
		EXPECT(buf_add(out, o->stage.p, o->stage.len - strlen(o->text[o->m.n - 1]) - 1),
		    ST_OK);
		break;
	case E_NONE:
		EXPECT(buf_add(out, o->stage.p, (size_t)(first_obj - o->stage.p)), ST_OK);
		break;
	case E_CHANGED:
		EXPECT(buf_add(out, o->stage.p, o->stage.len), ST_OK);
		out->p[(size_t)(first_obj - o->stage.p) + strlen(o->text[0]) + 20] ^= 1;
		break;
	case E_SWAPPED:
		EXPECT(buf_add(out, o->stage.p, (size_t)(first_obj - o->stage.p)), ST_OK);
		EXPECT(buf_addf(out, "%s\n%s\n", o->text[1], o->text[0]), ST_OK);
		for (size_t i = 2; i < (size_t)o->m.n; i++)
			EXPECT(buf_addf(out, "%s\n", o->text[i]), ST_OK);
		break;
	case E_CRLF:
		EXPECT(buf_add(out, o->stage.p, (size_t)(first_obj - o->stage.p)), ST_OK);
		for (size_t i = 0; i < (size_t)o->m.n; i++)
			EXPECT(buf_addf(out, "%s\r\n", o->text[i]), ST_OK);
		break;
	case E_REFUSED:
		EXPECT(buf_add(out, o->stage.p, o->stage.len), ST_OK);
		break;
	}
}

static void
test_stage_refused(void **state)
{
	static const struct {
		const char *name;
		enum stage_edit e;
		status rc;
		const char *why;
		int saw;	/* objects the callback saw */
	} cases[] = {
		{ "no manifest line", E_NO_MANIFEST, ST_PARSE,
		  "the stage does not begin with a manifest", 0 },
		{ "the manifest without its newline", E_MANIFEST_ONLY, ST_PARSE,
		  "the stage does not begin with a manifest", 0 },
		{ "a manifest of version 2", E_BAD_MANIFEST, ST_PARSE,
		  "the stage does not begin with a manifest", 0 },
		{ "last object without newline", E_NO_LAST_NL, ST_PARSE,
		  "the last object has no newline", NOBJ - 1 },
		{ "an empty line", E_EMPTY_LINE, ST_PARSE, "an empty line", 2 },
		{ "an empty line at the end", E_EMPTY_LAST, ST_PARSE, "an empty line", NOBJ },
		{ "more lines than n", E_MORE, ST_PARSE, "more objects than the manifest says",
		  NOBJ },
		{ "fewer lines than n", E_FEWER, ST_PARSE, "fewer objects than the manifest says",
		  NOBJ - 1 },
		{ "no object at all", E_NONE, ST_PARSE, "fewer objects than the manifest says", 0 },
		{ "a changed object", E_CHANGED, ST_BADSIG,
		  "the objects' Merkle root is not the manifest's", NOBJ },
		{ "two objects swapped", E_SWAPPED, ST_BADSIG,
		  "the objects' Merkle root is not the manifest's", NOBJ },
		{ "CRLF line ends", E_CRLF, ST_BADSIG,
		  "the objects' Merkle root is not the manifest's", NOBJ },
		{ "the callback refuses object 2", E_REFUSED, ST_INVALID, "an object was refused", 3 },
	};
	struct objs o;

	(void)state;
	make_objs(&o, NOBJ);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct saw saw = { .refuse_at = cases[i].e == E_REFUSED ? 2 : -1 };
		struct stixbatch_manifest m;
		uint8_t (*lv)[TLOG_HASH] = (void *)&saw;	/* not NULL: must be cleared */
		char why[128] = "unset";
		struct buf text;
		char *p;
		status rc;

		edit_stage(&o, cases[i].e, &text);
		p = malloc(text.len ? text.len : 1);	/* exact size for ASan */
		assert_non_null(p);
		memcpy(p, text.p, text.len);
		rc = stixbatch_stage_read(p, text.len, &m, saw_obj, &saw, &lv, why);
		if (rc != cases[i].rc || strcmp(why, cases[i].why) != 0)
			fail_msg("%s: got \"%s\" (%s), want \"%s\" (%s)", cases[i].name,
			    status_str(rc), why, status_str(cases[i].rc), cases[i].why);
		if (lv)
			fail_msg("%s: leaves left set", cases[i].name);
		if (saw.n != cases[i].saw)
			fail_msg("%s: the callback saw %d objects, want %d", cases[i].name, saw.n,
			    cases[i].saw);
		if (cases[i].rc == ST_BADSIG && !strstr(why, "root"))
			fail_msg("%s: the reason does not name the root", cases[i].name);
		/* the same without callback, leaves or why */
		rc = stixbatch_stage_read(p, text.len, &m, NULL, NULL, NULL, NULL);
		if (rc != (cases[i].e == E_REFUSED ? ST_OK : cases[i].rc))
			fail_msg("%s, no callback: got \"%s\"", cases[i].name, status_str(rc));
		free(p);
		buf_free(&text);
	}
	objs_free(&o);
}

/* Every truncation of a good stage is refused. */
static void
test_stage_truncated(void **state)
{
	struct objs o;
	struct stixbatch_manifest m;

	(void)state;
	make_objs(&o, 3);
	for (size_t cut = 0; cut < o.stage.len; cut++) {
		char *p = malloc(cut ? cut : 1);
		char why[128] = "";
		status rc;

		assert_non_null(p);
		memcpy(p, o.stage.p, cut);
		rc = stixbatch_stage_read(p, cut, &m, NULL, NULL, NULL, why);
		if (rc == ST_OK || !why[0])
			fail_msg("cut at %zu of %zu: %s", cut, o.stage.len, status_str(rc));
		free(p);
	}
	objs_free(&o);
}

/* ---- an object's evidence over a real bundle ---- */

struct side {
	const char *name;
	uint8_t fill;		/* the key's seed: 32 bytes of it (fuzz_common.h's) */
	struct ident *id;
	struct card card;
};

static struct side alpha = { .name = "alpha", .fill = 7 };
static struct side bravo = { .name = "bravo", .fill = 8 };
static struct side carol = { .name = "carol", .fill = 9 };

static struct ident *
seed_key(uint8_t fill)
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	struct ident *id = NULL;
	uint8_t der[48];
	struct buf pem;
	char path[128];
	int fd;

	(void)testkey;	/* testkeys.h is here for its temp dir */
	if (!testkeys_dir[0]) {
		snprintf(testkeys_dir, sizeof testkeys_dir, "/tmp/ptestXXXXXX");
		if (!mkdtemp(testkeys_dir))
			abort();
	}
	memcpy(der, prefix, sizeof prefix);
	memset(der + sizeof prefix, fill, 32);
	buf_init(&pem, 256);
	if (buf_adds(&pem, "-----BEGIN PRIVATE KEY-----\n") ||
	    b64_std_encode(&pem, der, sizeof der) ||
	    buf_adds(&pem, "\n-----END PRIVATE KEY-----\n"))
		abort();
	snprintf(path, sizeof path, "%s/seed.pem", testkeys_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, pem.p, pem.len) != (ssize_t)pem.len || close(fd) != 0 ||
	    ident_load(path, &id) != ST_OK)
		abort();
	unlink(path);
	buf_free(&pem);
	return id;
}

static void
make_side(struct side *s)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct buf text;

	s->id = seed_key(s->fill);
	buf_init(&text, CARD_MAX_BYTES);
	if (card_make(s->id, s->name, eps, 1, "2026-11-01T09:00:00.000Z", &text) != ST_OK ||
	    card_parse(text.p, text.len, &s->card) != ST_OK)
		abort();
	buf_free(&text);
}

/* prove - stmt as leaf 2 of 4 of owner's log; the checkpoint signed by
 * owner and cosigned by other at when; its tlog-proof into out. */
static void
prove(const struct buf *stmt, const struct side *owner, const struct side *other,
    uint64_t when, struct buf *out)
{
	struct mlog *l = calloc(1, sizeof *l);
	uint8_t hashes[TLOG_PROOF_MAX][TLOG_HASH];
	struct ckpt c;
	struct buf text, note;
	size_t n;

	assert_non_null(l);
	mlog_add(l, "an earlier statement", 20);
	mlog_add(l, "another earlier one", 19);
	mlog_add(l, stmt->p, stmt->len);
	mlog_add(l, "a later statement", 17);
	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", owner->card.origin);
	c.size = l->n;
	EXPECT(tlog_tree_hash(c.size, mlog_get, l, c.root), ST_OK);
	buf_init(&text, 4096);
	buf_init(&note, 4096);
	EXPECT(ckpt_format(&c, &text), ST_OK);
	EXPECT(note_sign(owner->id, owner->card.origin, text.p, text.len, &note), ST_OK);
	EXPECT(note_cosign(other->id, other->card.origin, text.p, text.len, when, &note), ST_OK);
	EXPECT(tlog_inclusion(2, c.size, mlog_get, l, hashes, &n), ST_OK);
	buf_init(out, 1 << 16);
	EXPECT(ckpt_proof_format(2, (const uint8_t (*)[TLOG_HASH])hashes, n, note.p, note.len,
	    out), ST_OK);
	buf_free(&text);
	buf_free(&note);
	free(l);
}

/* bundle - the evidence bundle of a message from alpha to bravo of type,
 * body body, with bravo's receipt. */
static void
bundle(const char *type, const char *body, size_t blen, struct buf *out)
{
	struct message m;
	struct receipt r;
	struct buf msg, rcpt, mp, rp;

	envelope_message_init(&m, 4096);
	snprintf(m.id, sizeof m.id, "%s", MSG_ID);
	snprintf(m.to, sizeof m.to, "%s", bravo.card.kid);
	snprintf(m.link, sizeof m.link, "cert");
	m.seq = 7;
	snprintf(m.type, sizeof m.type, "%s", type);
	snprintf(m.priority, sizeof m.priority, "routine");
	snprintf(m.subject, sizeof m.subject, "a batch of intelligence");
	snprintf(m.created_at, sizeof m.created_at, "2026-11-18T11:05:00.000Z");
	EXPECT(buf_add(&m.body, body, blen), ST_OK);
	buf_init(&msg, 1 << 16);
	EXPECT(envelope_message_seal(alpha.id, &m, &msg), ST_OK);
	envelope_message_clear(&m);

	memset(&r, 0, sizeof r);
	snprintf(r.id, sizeof r.id, "%s", RCPT_ID);
	snprintf(r.msg, sizeof r.msg, "%s", MSG_ID);
	envelope_hash(msg.p, msg.len, r.msg_sha256);
	snprintf(r.to, sizeof r.to, "%s", alpha.card.kid);
	snprintf(r.link, sizeof r.link, "cert");
	r.seq = 7;
	snprintf(r.received_at, sizeof r.received_at, "2026-11-18T11:05:01.250Z");
	buf_init(&rcpt, 1 << 16);
	EXPECT(envelope_receipt_seal(bravo.id, &r, &rcpt), ST_OK);

	prove(&msg, &alpha, &bravo, 1795000000u, &mp);
	prove(&rcpt, &bravo, &alpha, 1795000100u, &rp);
	buf_init(out, EVIDENCE_MAX);
	EXPECT(evidence_make(msg.p, msg.len, rcpt.p, rcpt.len, mp.p, mp.len, rp.p, rp.len, out),
	    ST_OK);
	buf_free(&msg);
	buf_free(&rcpt);
	buf_free(&mp);
	buf_free(&rp);
}

/* The batch's objects, and the bundle of its signed manifest. */
static struct objs batch;
static struct buf good_bundle;

static void
evidence_of(size_t i, const char *bndl, size_t blen, struct buf *out)
{
	buf_init(out, EVIDENCE_MAX);
	EXPECT(stixbatch_evidence(batch.text[i], strlen(batch.text[i]),
	    (const uint8_t (*)[TLOG_HASH])batch.leaves, (size_t)batch.m.n, i, bndl, blen, out),
	    ST_OK);
}

static status
verify(const char *text, size_t n, const struct card *a, const struct card *b,
    const char **why)
{
	struct card cards[2];
	struct stixbatch_report r;
	status rc;

	cards[0] = *a;
	cards[1] = *b;
	rc = stixbatch_verify(text, n, cards, &r, why);
	stixbatch_report_clear(&r);
	return rc;
}

static void
check(const char *name, const char *text, size_t n, const struct card *a,
    const struct card *b, status want_rc, const char *want_why)
{
	const char *why = "unset";
	status rc = verify(text, n, a, b, &why);

	if (rc != want_rc || (why == NULL) != (want_why == NULL) ||
	    (why && want_why && strcmp(why, want_why) != 0))
		fail_msg("%s: got \"%s\" (%s), want \"%s\" (%s)", name, status_str(rc),
		    why ? why : "no reason", status_str(want_rc), want_why ? want_why : "no reason");
}

static void
write_seed(const char *name, const char *p, size_t n)
{
	const char *dir = getenv("PARLEY_STIXBATCH_SEEDS");
	char path[512];
	FILE *fp;

	if (!dir || !dir[0])
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void
test_evidence_good(void **state)
{
	(void)state;
	write_seed("manifest", batch.manifest.p, batch.manifest.len);
	write_seed("stage", batch.stage.p, batch.stage.len);
	for (size_t i = 0; i < (size_t)batch.m.n; i++) {
		struct buf ev;
		json_t *j;

		evidence_of(i, good_bundle.p, good_bundle.len, &ev);
		if (i == 3)
			write_seed("evidence-leaf-3", ev.p, ev.len);
		/* one line, the members stixbatch.h names */
		assert_int_equal(ev.p[ev.len - 1], '\n');
		assert_ptr_equal(memchr(ev.p, '\n', ev.len), ev.p + ev.len - 1);
		j = json_loadb(ev.p, ev.len, 0, NULL);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "type")), STIXBATCH_TYPE);
		assert_int_equal(json_integer_value(json_object_get(j, "leaf")), i);
		assert_string_equal(json_string_value(json_object_get(j, "object")), batch.text[i]);
		json_decref(j);
		for (int order = 0; order < 2; order++) {
			struct card cards[2];
			struct stixbatch_report r;
			const char *why = "unset";

			cards[order] = alpha.card;
			cards[1 - order] = bravo.card;
			EXPECT(stixbatch_verify(ev.p, ev.len, cards, &r, &why), ST_OK);
			assert_null(why);
			assert_int_equal(r.leaf, i);
			assert_int_equal(r.obj.len, strlen(batch.text[i]));
			assert_memory_equal(r.obj.p, batch.text[i], r.obj.len);
			assert_string_equal(r.m.batch, BATCH);
			assert_int_equal(r.m.n, NOBJ);
			assert_memory_equal(r.m.root, batch.m.root, TLOG_HASH);
			assert_string_equal(r.ev.msg.type, "stix-batch");
			assert_string_equal(r.ev.msg.id, MSG_ID);
			assert_ptr_equal(r.ev.sender, &cards[order]);
			assert_ptr_equal(r.ev.receiver, &cards[1 - order]);
			stixbatch_report_clear(&r);
		}
		buf_free(&ev);
	}
}

static void
test_evidence_make_refuses(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, EVIDENCE_MAX);
	EXPECT(stixbatch_evidence(batch.text[0], strlen(batch.text[0]),
	    (const uint8_t (*)[TLOG_HASH])batch.leaves, NOBJ, NOBJ, good_bundle.p,
	    good_bundle.len, &out), ST_INVALID);
	EXPECT(stixbatch_evidence(batch.text[0], strlen(batch.text[0]),
	    (const uint8_t (*)[TLOG_HASH])batch.leaves, 0, 0, good_bundle.p, good_bundle.len,
	    &out), ST_INVALID);
	EXPECT(stixbatch_evidence(batch.text[0], strlen(batch.text[0]),
	    (const uint8_t (*)[TLOG_HASH])batch.leaves, NOBJ, 0, "not json", 8, &out), ST_PARSE);
	assert_int_equal(out.len, 0);
	/* an object that is not UTF-8 cannot be a JSON string: refused, not
	 * written without its object */
	{
		static const char bad[] = "{\"name\":\"\xff\xfe\"}";
		uint8_t lv[1][TLOG_HASH];

		tlog_leaf_hash(bad, strlen(bad), lv[0]);
		EXPECT(stixbatch_evidence(bad, strlen(bad), (const uint8_t (*)[TLOG_HASH])lv, 1, 0,
		    good_bundle.p, good_bundle.len, &out), ST_INVALID);
		assert_int_equal(out.len, 0);
	}
	buf_free(&out);
}

#define WHY_PATH "the object is not in the batch the message signed (path)"
#define WHY_SHAPE "object, leaf, path or evidence missing or of the wrong type"
#define WHY_HEX "a path hash is not 64 lowercase hex digits"
#define WHY_TYPE "not a parley-intel-evidence of version 1"

enum ev_edit {
	V_OBJECT, V_OBJECT_OTHER, V_LEAF_NEXT, V_LEAF_PAST, V_LEAF_NEG, V_LEAF_STR,
	V_PATH_SHORT, V_PATH_LONG, V_PATH_EMPTY, V_PATH_HASH, V_PATH_UPPER, V_PATH_SHORT_HEX,
	V_PATH_NOT_STR, V_PATH_NOT_ARRAY, V_PATH_SWAP, V_NO_OBJECT, V_NO_EVIDENCE,
	V_EVIDENCE_STR, V_TYPE, V_NO_TYPE, V_V2, V_V_REAL, V_BUNDLE_SIG, V_BUNDLE_TYPE,
	V_EXTRA,
};

static void
edit_evidence(json_t *j, enum ev_edit e)
{
	json_t *p = json_object_get(j, "path"), *ev = json_object_get(j, "evidence");
	int64_t leaf = json_integer_value(json_object_get(j, "leaf"));
	char hex[2 * TLOG_HASH + 1], *c;

	switch (e) {
	case V_OBJECT:	/* one character of the object */
		c = strdup(json_string_value(json_object_get(j, "object")));
		assert_non_null(c);
		c[10] ^= 1;
		json_object_set_new(j, "object", json_string(c));
		free(c);
		break;
	case V_OBJECT_OTHER:	/* another object of the batch, same leaf */
		json_object_set_new(j, "object", json_string(batch.text[(leaf + 1) % NOBJ]));
		break;
	case V_LEAF_NEXT:
		json_object_set_new(j, "leaf", json_integer(leaf ^ 1));
		break;
	case V_LEAF_PAST:
		json_object_set_new(j, "leaf", json_integer(NOBJ));
		break;
	case V_LEAF_NEG:
		json_object_set_new(j, "leaf", json_integer(-1));
		break;
	case V_LEAF_STR:
		json_object_set_new(j, "leaf", json_string("3"));
		break;
	case V_PATH_SHORT:
		assert_int_equal(json_array_remove(p, json_array_size(p) - 1), 0);
		break;
	case V_PATH_LONG:
		json_array_append_new(p, json_string(HEX0));
		break;
	case V_PATH_EMPTY:
		json_array_clear(p);
		break;
	case V_PATH_HASH:	/* one hex digit of the first hash, still hex */
		snprintf(hex, sizeof hex, "%s", json_string_value(json_array_get(p, 0)));
		hex[7] = hex[7] == '0' ? '1' : '0';
		json_array_set_new(p, 0, json_string(hex));
		break;
	case V_PATH_UPPER:
		snprintf(hex, sizeof hex, "%s", json_string_value(json_array_get(p, 0)));
		for (char *h = hex; *h; h++)
			if (*h >= 'a' && *h <= 'f')
				*h = (char)(*h - 'a' + 'A');
		json_array_set_new(p, 0, json_string(hex));
		break;
	case V_PATH_SHORT_HEX:
		snprintf(hex, sizeof hex, "%s", json_string_value(json_array_get(p, 0)));
		hex[62] = '\0';
		json_array_set_new(p, 0, json_string(hex));
		break;
	case V_PATH_NOT_STR:
		json_array_set_new(p, 0, json_integer(1));
		break;
	case V_PATH_NOT_ARRAY:
		json_object_set_new(j, "path", json_string(HEX0));
		break;
	case V_PATH_SWAP:
		json_array_append(p, json_array_get(p, 0));
		assert_int_equal(json_array_remove(p, 0), 0);
		break;
	case V_NO_OBJECT:
		json_object_del(j, "object");
		break;
	case V_NO_EVIDENCE:
		json_object_del(j, "evidence");
		break;
	case V_EVIDENCE_STR:
		json_object_set_new(j, "evidence", json_string(good_bundle.p));
		break;
	case V_TYPE:
		json_object_set_new(j, "type", json_string(EVIDENCE_TYPE));
		break;
	case V_NO_TYPE:
		json_object_del(j, "type");
		break;
	case V_V2:
		json_object_set_new(j, "v", json_integer(2));
		break;
	case V_V_REAL:
		json_object_set_new(j, "v", json_real(1.0));
		break;
	case V_BUNDLE_SIG:	/* the last character of the message's signature */
		c = strdup(json_string_value(json_object_get(ev, "message")));
		assert_non_null(c);
		c[strlen(c) - 2] = c[strlen(c) - 2] == 'A' ? 'B' : 'A';
		json_object_set_new(ev, "message", json_string(c));
		free(c);
		break;
	case V_BUNDLE_TYPE:
		json_object_set_new(ev, "type", json_string("parley-card"));
		break;
	case V_EXTRA:
		json_object_set_new(j, "note", json_string("ignored"));
		break;
	}
}

static void
test_evidence_refused(void **state)
{
	static const struct {
		const char *name;
		enum ev_edit e;
		status rc;
		const char *why;
	} cases[] = {
		{ "a changed object", V_OBJECT, ST_BADSIG, WHY_PATH },
		{ "another object of the batch", V_OBJECT_OTHER, ST_BADSIG, WHY_PATH },
		{ "a wrong leaf index", V_LEAF_NEXT, ST_BADSIG, WHY_PATH },
		{ "the leaf past the batch", V_LEAF_PAST, ST_INVALID,
		  "the leaf is past the batch's size" },
		{ "a negative leaf", V_LEAF_NEG, ST_PARSE, WHY_SHAPE },
		{ "the leaf as a string", V_LEAF_STR, ST_PARSE, WHY_SHAPE },
		{ "a truncated path", V_PATH_SHORT, ST_BADSIG, WHY_PATH },
		{ "a path one hash long", V_PATH_LONG, ST_BADSIG, WHY_PATH },
		{ "an empty path", V_PATH_EMPTY, ST_BADSIG, WHY_PATH },
		{ "a path hash changed", V_PATH_HASH, ST_BADSIG, WHY_PATH },
		{ "path hashes out of order", V_PATH_SWAP, ST_BADSIG, WHY_PATH },
		{ "an uppercase path hash", V_PATH_UPPER, ST_PARSE, WHY_HEX },
		{ "a short path hash", V_PATH_SHORT_HEX, ST_PARSE, WHY_HEX },
		{ "a path hash not a string", V_PATH_NOT_STR, ST_PARSE, WHY_HEX },
		{ "the path not an array", V_PATH_NOT_ARRAY, ST_PARSE, WHY_SHAPE },
		{ "no object", V_NO_OBJECT, ST_PARSE, WHY_SHAPE },
		{ "no evidence", V_NO_EVIDENCE, ST_PARSE, WHY_SHAPE },
		{ "the evidence as a string", V_EVIDENCE_STR, ST_PARSE, WHY_SHAPE },
		{ "a bundle's type", V_TYPE, ST_PARSE, WHY_TYPE },
		{ "no type", V_NO_TYPE, ST_PARSE, WHY_TYPE },
		{ "version 2", V_V2, ST_PARSE, WHY_TYPE },
		{ "version 1.0", V_V_REAL, ST_PARSE, WHY_TYPE },
		{ "the message's signature altered", V_BUNDLE_SIG, ST_BADSIG,
		  "message signature does not verify with either card's key" },
		{ "the bundle's type altered", V_BUNDLE_TYPE, ST_INVALID,
		  "bundle type is not \"parley-evidence\"" },
		{ "an unknown member", V_EXTRA, ST_OK, NULL },
	};
	struct buf ev;
	json_t *base;

	(void)state;
	evidence_of(2, good_bundle.p, good_bundle.len, &ev);
	base = json_loadb(ev.p, ev.len, 0, NULL);
	assert_non_null(base);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_deep_copy(base);
		char *text;

		edit_evidence(j, cases[i].e);
		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		check(cases[i].name, text, strlen(text), &alpha.card, &bravo.card, cases[i].rc,
		    cases[i].why);
		free(text);
		json_decref(j);
	}
	json_decref(base);
	buf_free(&ev);
}

/* The bundle's message is not a batch's manifest, or is another batch's;
 * the cards are not the parties'; the text not JSON. */
static void
test_evidence_wrong_message(void **state)
{
	static const struct {
		const char *name, *text;
		status rc;
		const char *why;
	} garbage[] = {
		{ "empty", "", ST_PARSE, "not a JSON object" },
		{ "not JSON", "parley-intel-evidence", ST_PARSE, "not a JSON object" },
		{ "an array", "[1,2]", ST_PARSE, "not a JSON object" },
		{ "a string", "\"x\"", ST_PARSE, "not a JSON object" },
		{ "two objects", "{}{}", ST_PARSE, "not a JSON object" },
		{ "unterminated", "{\"type\":\"parley-intel-evidence\"", ST_PARSE,
		  "not a JSON object" },
		{ "a repeated member", "{\"type\":\"parley-intel-evidence\","
		  "\"type\":\"parley-intel-evidence\"}", ST_PARSE, "not a JSON object" },
		{ "an empty object", "{}", ST_PARSE, WHY_TYPE },
		{ "the shape without parts", "{\"type\":\"parley-intel-evidence\",\"v\":1}",
		  ST_PARSE, WHY_SHAPE },
	};
	struct stixbatch_manifest other;
	struct buf b, ev, man;

	(void)state;
	/* a manifest in an incident-notification */
	bundle("incident-notification", batch.manifest.p, batch.manifest.len, &b);
	evidence_of(1, b.p, b.len, &ev);
	check("message not a stix-batch", ev.p, ev.len, &alpha.card, &bravo.card, ST_INVALID,
	    "the message is not a stix-batch");
	buf_free(&b);
	buf_free(&ev);
	/* a stix-batch whose body is not a manifest, or the manifest with a
	 * newline after it */
	bundle("stix-batch", "Substation 4 is down.\n", 22, &b);
	evidence_of(1, b.p, b.len, &ev);
	check("body not a manifest", ev.p, ev.len, &alpha.card, &bravo.card, ST_INVALID,
	    "the message's body is not a batch manifest");
	buf_free(&b);
	buf_free(&ev);
	buf_init(&man, 512);
	EXPECT(buf_add(&man, batch.manifest.p, batch.manifest.len), ST_OK);
	EXPECT(buf_adds(&man, "\n"), ST_OK);
	bundle("stix-batch", man.p, man.len, &b);
	evidence_of(1, b.p, b.len, &ev);
	check("manifest and a newline", ev.p, ev.len, &alpha.card, &bravo.card, ST_INVALID,
	    "the message's body is not a batch manifest");
	buf_free(&b);
	buf_free(&ev);
	/* another batch's manifest: same objects, another root */
	other = batch.m;
	other.root[0] ^= 1;
	buf_reset(&man);
	EXPECT(stixbatch_manifest(&other, &man), ST_OK);
	bundle("stix-batch", man.p, man.len, &b);
	evidence_of(1, b.p, b.len, &ev);
	check("another batch's root", ev.p, ev.len, &alpha.card, &bravo.card, ST_BADSIG,
	    WHY_PATH);
	buf_free(&b);
	buf_free(&ev);
	/* the same root but a batch of six: the path is for five */
	other = batch.m;
	other.n = NOBJ + 1;
	buf_reset(&man);
	EXPECT(stixbatch_manifest(&other, &man), ST_OK);
	bundle("stix-batch", man.p, man.len, &b);
	evidence_of(4, b.p, b.len, &ev);
	check("another batch size", ev.p, ev.len, &alpha.card, &bravo.card, ST_BADSIG, WHY_PATH);
	buf_free(&b);
	buf_free(&ev);
	buf_free(&man);

	/* wrong cards */
	evidence_of(1, good_bundle.p, good_bundle.len, &ev);
	check("a third party as receiver", ev.p, ev.len, &alpha.card, &carol.card, ST_RECIPIENT,
	    "message is not addressed to the other card");
	check("a third party as sender", ev.p, ev.len, &carol.card, &bravo.card, ST_UNKNOWN_KEY,
	    "message is signed by neither card's key");
	check("the same card twice", ev.p, ev.len, &alpha.card, &alpha.card, ST_INVALID,
	    "the two cards are the same key");
	check("the good pair", ev.p, ev.len, &bravo.card, &alpha.card, ST_OK, NULL);
	buf_free(&ev);

	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
		check(garbage[i].name, garbage[i].text, strlen(garbage[i].text), &alpha.card,
		    &bravo.card, garbage[i].rc, garbage[i].why);
}

/* No one byte changed in a good evidence makes another that verifies; a
 * refusal always names a reason.  Every truncation is refused. */
static void
test_evidence_every_byte(void **state)
{
	struct buf ev;

	(void)state;
	evidence_of(3, good_bundle.p, good_bundle.len, &ev);
	for (size_t i = 0; i < ev.len - 1; i++) {
		const char *why = NULL;
		char keep = ev.p[i];
		status rc;

		ev.p[i] = (char)(keep ^ 1);
		rc = verify(ev.p, ev.len, &alpha.card, &bravo.card, &why);
		if (rc == ST_OK || !why)
			fail_msg("byte %zu of %zu ('%c') changed: %s, %s", i, ev.len, keep,
			    status_str(rc), why ? why : "no reason");
		ev.p[i] = keep;
	}
	for (size_t cut = 0; cut + 1 < ev.len; cut += 7) {
		char *p = malloc(cut ? cut : 1);
		const char *why = NULL;
		status rc;

		assert_non_null(p);
		memcpy(p, ev.p, cut);
		rc = verify(p, cut, &alpha.card, &bravo.card, &why);
		if (rc == ST_OK || !why)
			fail_msg("cut at %zu of %zu: %s", cut, ev.len, status_str(rc));
		free(p);
	}
	buf_free(&ev);
}

/* An object larger than EVIDENCE_MAX (the store keeps objects up to
 * STORE_INTEL_JSON_MAX, and a batch takes one of any size alone): its
 * evidence, made by stixbatch_evidence, verifies, and the report holds
 * the whole object. */
static void
test_evidence_big_object(void **state)
{
	const size_t len = EVIDENCE_MAX + 4096;
	struct stixbatch_manifest m;
	struct stixbatch_report r;
	struct buf man, b, ev;
	uint8_t leaf[1][TLOG_HASH];
	struct card cards[2];
	const char *why = "unset";
	char *obj = malloc(len);
	status rc;

	(void)state;
	assert_non_null(obj);
	memset(obj, 'a', len);
	memcpy(obj, "{\"x\":\"", 6);
	memcpy(obj + len - 2, "\"}", 2);
	tlog_leaf_hash(obj, len, leaf[0]);
	memset(&m, 0, sizeof m);
	snprintf(m.batch, sizeof m.batch, "%s", BATCH);
	m.n = 1;
	EXPECT(stixbatch_root((const uint8_t (*)[TLOG_HASH])leaf, 1, m.root), ST_OK);
	buf_init(&man, STIXBATCH_MANIFEST_MAX);
	EXPECT(stixbatch_manifest(&m, &man), ST_OK);
	bundle("stix-batch", man.p, man.len, &b);
	buf_init(&ev, EVIDENCE_MAX + 2 * len);
	EXPECT(stixbatch_evidence(obj, len, (const uint8_t (*)[TLOG_HASH])leaf, 1, 0, b.p, b.len,
	    &ev), ST_OK);
	cards[0] = alpha.card;
	cards[1] = bravo.card;
	rc = stixbatch_verify(ev.p, ev.len, cards, &r, &why);
	if (rc != ST_OK)
		fail_msg("an object of %zu bytes: got \"%s\" (%s), want ok", len, status_str(rc),
		    why ? why : "no reason");
	assert_int_equal(r.obj.len, len);
	assert_memory_equal(r.obj.p, obj, len);
	stixbatch_report_clear(&r);
	buf_free(&ev);
	buf_free(&b);
	buf_free(&man);
	free(obj);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	make_side(&alpha);
	make_side(&bravo);
	make_side(&carol);
	make_objs(&batch, NOBJ);
	bundle("stix-batch", batch.manifest.p, batch.manifest.len, &good_bundle);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	objs_free(&batch);
	buf_free(&good_bundle);
	ident_free(alpha.id);
	ident_free(bravo.id);
	ident_free(carol.id);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_path),
		cmocka_unit_test(test_manifest_round_trip),
		cmocka_unit_test(test_manifest_refused),
		cmocka_unit_test(test_stage_good),
		cmocka_unit_test(test_stage_refused),
		cmocka_unit_test(test_stage_truncated),
		cmocka_unit_test(test_evidence_good),
		cmocka_unit_test(test_evidence_make_refuses),
		cmocka_unit_test(test_evidence_refused),
		cmocka_unit_test(test_evidence_wrong_message),
		cmocka_unit_test(test_evidence_every_byte),
		cmocka_unit_test(test_evidence_big_object),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
