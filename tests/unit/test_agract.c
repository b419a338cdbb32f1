/* test_agract.c - acts on an agreement (fmt/agract.h): a decline and a
 * notice made and opened again; then what must be refused, each case
 * naming what it refuses: a forged signature, a header of another typ or
 * alg or with another member, an act opened with the wrong key or signed
 * by one key in the name of another, every payload member wrong in turn
 * (missing, unknown, of the wrong type, out of range), every truncation;
 * what agract_make refuses to sign; and the hash an act names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/agract.h"
#include "util/b64.h"
#include "crypto/jws.h"
#include "testcheck.h"
#include "testkeys.h"

#define ID "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e"
#define SHA "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define AT "2026-12-01T10:00:00.000Z"

static struct ident *alice, *bob;

/* expect_why - rc is want and why begins with prefix. */
static void
expect_why(status rc, status want, const char *why, const char *prefix)
{
	if (rc != want || strncmp(why, prefix, strlen(prefix)) != 0)
		fail_msg("got \"%s\" (%s), want \"%s...\" (%s)", why, status_str(rc), prefix,
		    status_str(want));
}

/* good - the payload of a decline by alice, as JSON to mutate. */
static json_t *
good(void)
{
	json_t *j = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "v", 1, "act", "decline",
	    "agreement", ID, "payload_sha256", SHA, "by", ident_kid(alice), "reason",
	    "the terms on cert are too wide", "at", AT);

	assert_non_null(j);
	return j;
}

/* signed_raw - a compact JWS by id with header hdr (JSON text) over
 * payload text pl, made here: what a careless or hostile signer could. */
static void
signed_raw(const struct ident *id, const char *hdr, const char *pl, struct buf *out)
{
	uint8_t sig[IDENT_SIG_LEN];

	buf_reset(out);
	assert_int_equal(jws_b64_encode(out, hdr, strlen(hdr)), ST_OK);
	assert_int_equal(buf_add(out, ".", 1), ST_OK);
	assert_int_equal(jws_b64_encode(out, pl, strlen(pl)), ST_OK);
	ident_sign(id, (const uint8_t *)out->p, out->len, sig);
	assert_int_equal(buf_add(out, ".", 1), ST_OK);
	assert_int_equal(jws_b64_encode(out, sig, sizeof sig), ST_OK);
}

/* signed_j - the act over payload j (kept), signed by alice as parley signs. */
static void
signed_j(const json_t *j, struct buf *out)
{
	char *t = json_dumps(j, JSON_COMPACT);

	assert_non_null(t);
	buf_reset(out);
	assert_int_equal(jws_sign(alice, AGRACT_TYP, t, strlen(t), out), ST_OK);
	free(t);
}

static status
open_alice(const struct buf *jws, char why[static AGRACT_WHY_MAX])
{
	struct agract *a = (struct agract *)&a;
	status rc = agract_open(jws->p, jws->len, ident_pk(alice), &a, why);

	if (rc)
		assert_null(a);
	else
		assert_non_null(a);
	agract_free(a);
	return rc;
}

static void
test_make_and_open(void **state)
{
	char why[AGRACT_WHY_MAX];
	struct agract *a;
	struct jws_parts parts;
	struct buf jws, hdr;
	int64_t at;
	/* 250 four-byte characters: 1000 bytes, the most a reason holds */
	char reason[AGRACT_REASON_MAX + 1] = "";

	(void)state;
	buf_init(&jws, AGRACT_MAX);
	EXPECT(stamp_parse(AT, &at), ST_OK);
	EXPECT(agract_make(bob, AGRACT_TERMINATE, ID, SHA, "a \"quoted\" \\ reason, ünïcode",
	    at, &jws, why), ST_OK);
	EXPECT(agract_open(jws.p, jws.len, ident_pk(bob), &a, why), ST_OK);
	assert_int_equal(agract_kind(a), AGRACT_TERMINATE);
	assert_string_equal(agract_kind_name(agract_kind(a)), "terminate");
	assert_string_equal(agract_agreement(a), ID);
	assert_string_equal(agract_payload_sha256(a), SHA);
	assert_string_equal(agract_by(a), ident_kid(bob));
	assert_string_equal(agract_reason(a), "a \"quoted\" \\ reason, ünïcode");
	assert_int_equal(agract_at_ms(a), at);
	agract_free(a);
	agract_free(NULL);
	/* the header is exactly the format's */
	EXPECT(jws_split(jws.p, jws.len, &parts), ST_OK);
	buf_init(&hdr, 1024);
	EXPECT(jws_b64_decode(&hdr, parts.hdr, parts.hdr_len), ST_OK);
	{
		char want[256];

		snprintf(want, sizeof want, "{\"alg\":\"EdDSA\",\"kid\":\"%s\","
		    "\"typ\":\"parley-agreement-act\"}", ident_kid(bob));
		assert_string_equal(buf_str(&hdr), want);
	}
	for (int i = 0; i < 250; i++)
		strcat(reason, "\xf0\x9f\x93\x9c");
	buf_reset(&jws);
	EXPECT(agract_make(alice, AGRACT_DECLINE, ID, SHA, reason, at, &jws, why), ST_OK);
	assert_true(jws.len <= AGRACT_MAX);
	EXPECT(agract_open(jws.p, jws.len, ident_pk(alice), &a, why), ST_OK);
	assert_int_equal(agract_kind(a), AGRACT_DECLINE);
	assert_string_equal(agract_reason(a), reason);
	agract_free(a);
	assert_string_equal(agract_kind_name((enum agract_kind)7), "?");
	buf_free(&hdr);
	buf_free(&jws);
}

/* what agract_make will not sign: nothing is appended */
static void
test_make_refuses(void **state)
{
	static const struct {
		const char *agreement, *sha, *reason, *why;
	} cases[] = {
		{ ID, SHA, "", "reason: empty" },
		{ ID, SHA, "two\nlines", "reason: holds a control character" },
		{ ID, SHA, "esc\x1b[2J", "reason: holds a control character" },
		{ ID, SHA, "del\x7f", "reason: holds a control character" },
		{ ID, SHA, "\xff\xfe not UTF-8", "(act): the agreement id, payload_sha256 or reason" },
		{ "019a3c2e-7b10-4c4a-9d2e-5f6a7b8c9d0e", SHA, "r", "agreement: not a UUIDv7" },
		{ "not-an-id", SHA, "r", "agreement: " },
		{ ID, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", "r",
		    "payload_sha256: not 64 lowercase hex digits" },
		{ ID, "ba7816bf", "r", "payload_sha256: not 64 lowercase hex digits" },
	};
	char why[AGRACT_WHY_MAX], big[AGRACT_REASON_MAX + 2];
	struct buf out;

	(void)state;
	buf_init(&out, AGRACT_MAX);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		status rc = agract_make(alice, AGRACT_DECLINE, cases[i].agreement, cases[i].sha,
		    cases[i].reason, 1000, &out, why);

		if (rc != ST_INVALID || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("case %zu: got \"%s\" (%s), want \"%s\"", i, why, status_str(rc),
			    cases[i].why);
		assert_int_equal(out.len, 0);
	}
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	expect_why(agract_make(alice, AGRACT_DECLINE, ID, SHA, big, 1000, &out, why),
	    ST_INVALID, why, "reason: longer than 1000 bytes");
	expect_why(agract_make(alice, (enum agract_kind)4, ID, SHA, "r", 1000, &out, why),
	    ST_INVALID, why, "act: ");
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

/* every payload member made wrong in turn: refused, naming it */
static void
test_every_field(void **state)
{
	static const struct {
		const char *member, *value;	/* value NULL: removed */
		status want;
		const char *why;
	} cases[] = {
		{ "v", NULL, ST_INVALID, "v: missing" },
		{ "v", "2", ST_INVALID, "v: not 1" },
		{ "v", "\"1\"", ST_INVALID, "v: not 1" },
		{ "act", NULL, ST_INVALID, "act: missing" },
		{ "act", "\"signed\"", ST_INVALID,
		    "act: not \"decline\", \"terminate\" or \"sign\"" },
		{ "act", "\"Decline\"", ST_INVALID,
		    "act: not \"decline\", \"terminate\" or \"sign\"" },
		{ "act", "1", ST_INVALID, "act: not a string" },
		{ "agreement", NULL, ST_INVALID, "agreement: missing" },
		{ "agreement", "\"019A3C2E-7B10-7C4A-9D2E-5F6A7B8C9D0E\"", ST_INVALID,
		    "agreement: not a UUIDv7" },
		{ "agreement", "\"019a3c2e-7b10-7c4a-cd2e-5f6a7b8c9d0e\"", ST_INVALID,
		    "agreement: not a UUIDv7" },
		{ "agreement", "null", ST_INVALID, "agreement: not a string" },
		{ "payload_sha256", NULL, ST_INVALID, "payload_sha256: missing" },
		{ "payload_sha256", "\"" SHA "00\"", ST_INVALID, "payload_sha256: longer than" },
		{ "payload_sha256", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag\"",
		    ST_INVALID, "payload_sha256: not 64 lowercase hex digits" },
		{ "by", NULL, ST_INVALID, "by: missing" },
		{ "by", "\"alice\"", ST_INVALID, "by: not a key id" },
		{ "by", "[]", ST_INVALID, "by: not a string" },
		{ "reason", NULL, ST_INVALID, "reason: missing" },
		{ "reason", "\"\"", ST_INVALID, "reason: empty" },
		{ "reason", "\"a\\u0007bell\"", ST_INVALID, "reason: holds a control character" },
		{ "reason", "\"cr\\rlf\"", ST_INVALID, "reason: holds a control character" },
		{ "reason", "{}", ST_INVALID, "reason: not a string" },
		{ "at", NULL, ST_INVALID, "at: missing" },
		{ "at", "\"2026-12-01 10:00:00Z\"", ST_INVALID, "at: not an RFC 3339 UTC time" },
		{ "at", "\"2026-12-01T10:00:00.000+01:00\"", ST_INVALID, "at: " },
		{ "at", "1796119200000", ST_INVALID, "at: not a string" },
		{ "extra", "1", ST_INVALID, "extra: unknown member" },
		{ "header", "{}", ST_INVALID, "header: unknown member" },
	};
	char why[AGRACT_WHY_MAX];
	struct buf jws;

	(void)state;
	buf_init(&jws, AGRACT_MAX);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = good();
		status rc;

		if (cases[i].value) {
			json_t *v = json_loads(cases[i].value, JSON_DECODE_ANY, NULL);

			assert_non_null(v);
			json_object_set_new(j, cases[i].member, v);
		} else
			json_object_del(j, cases[i].member);
		signed_j(j, &jws);
		rc = open_alice(&jws, why);
		if (rc != cases[i].want || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("case %zu (%s): got \"%s\" (%s), want \"%s\" (%s)", i,
			    cases[i].member, why, status_str(rc), cases[i].why,
			    status_str(cases[i].want));
		json_decref(j);
	}
	/* the good one opens: the cases above each break one thing */
	{
		json_t *j = good();

		signed_j(j, &jws);
		EXPECT(open_alice(&jws, why), ST_OK);
		json_decref(j);
	}
	buf_free(&jws);
}

/* signatures, headers, keys */
static void
test_refused(void **state)
{
	char why[AGRACT_WHY_MAX], hdr[256], *pl;
	struct buf jws, b;
	uint8_t sig[IDENT_SIG_LEN];
	struct jws_parts parts;
	json_t *j = good();
	size_t n;

	(void)state;
	buf_init(&jws, AGRACT_MAX);
	buf_init(&b, AGRACT_MAX);
	pl = json_dumps(j, JSON_COMPACT);

	/* forged: one bit of the signature flipped */
	signed_j(j, &jws);
	EXPECT(jws_split(jws.p, jws.len, &parts), ST_OK);
	EXPECT(b64_url_decode(parts.sig, parts.sig_len, sig, sizeof sig, &n), ST_OK);
	sig[17] ^= 0x20;
	assert_int_equal(buf_add(&b, jws.p, (size_t)(parts.sig - jws.p)), ST_OK);
	EXPECT(jws_b64_encode(&b, sig, sizeof sig), ST_OK);
	expect_why(open_alice(&b, why), ST_BADSIG, why, "signature: does not verify");

	/* forged: the payload changed after signing (another reason) */
	{
		json_t *k = good();
		char *t;

		json_object_set_new(k, "reason", json_string("something else"));
		t = json_dumps(k, JSON_COMPACT);
		buf_reset(&b);
		assert_int_equal(buf_add(&b, jws.p, (size_t)(parts.pay - jws.p)), ST_OK);
		EXPECT(jws_b64_encode(&b, t, strlen(t)), ST_OK);
		assert_int_equal(buf_add(&b, parts.sig - 1, jws.len - (size_t)(parts.sig - 1 -
		    jws.p)), ST_OK);
		expect_why(open_alice(&b, why), ST_BADSIG, why, "signature: does not verify");
		free(t);
		json_decref(k);
	}

	/* wrong typ: a valid signature over the act as an agreement's */
	buf_reset(&b);
	EXPECT(jws_sign(alice, "parley-agreement", pl, strlen(pl), &b), ST_OK);
	expect_why(open_alice(&b, why), ST_INVALID, why,
	    "protected.typ: not \"parley-agreement-act\"");
	buf_reset(&b);
	EXPECT(jws_sign(alice, "parley-msg", pl, strlen(pl), &b), ST_OK);
	expect_why(open_alice(&b, why), ST_INVALID, why, "protected.typ: ");

	/* headers other than exactly ours, each validly signed */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"Ed25519\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    ident_kid(alice), AGRACT_TYP);
	signed_raw(alice, hdr, pl, &b);
	expect_why(open_alice(&b, why), ST_INVALID, why, "protected.alg: not \"EdDSA\"");
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\","
	    "\"crit\":[\"b64\"],\"b64\":false}", ident_kid(alice), AGRACT_TYP);
	signed_raw(alice, hdr, pl, &b);
	expect_why(open_alice(&b, why), ST_INVALID, why, "protected: b64: unknown member");
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"typ\":\"%s\"}", AGRACT_TYP);
	signed_raw(alice, hdr, pl, &b);
	expect_why(open_alice(&b, why), ST_INVALID, why, "protected.kid: not a key id");
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    ident_kid(alice), ident_kid(alice), AGRACT_TYP);
	signed_raw(alice, hdr, pl, &b);
	expect_why(open_alice(&b, why), ST_PARSE, why, "protected: not JSON");

	/* the wrong key: alice's act opened with bob's key */
	{
		struct agract *a = NULL;

		expect_why(agract_open(jws.p, jws.len, ident_pk(bob), &a, why), ST_UNKNOWN_KEY,
		    why, "protected.kid: names another key");
		assert_null(a);
	}
	/* bob's kid put in alice's header: the signature does not verify */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    ident_kid(bob), AGRACT_TYP);
	signed_raw(alice, hdr, pl, &b);
	{
		struct agract *a = NULL;

		expect_why(agract_open(b.p, b.len, ident_pk(bob), &a, why), ST_BADSIG, why,
		    "signature: does not verify");
	}
	/* signed by alice in bob's name (by): refused */
	{
		json_t *k = good();

		json_object_set_new(k, "by", json_string(ident_kid(bob)));
		signed_j(k, &b);
		expect_why(open_alice(&b, why), ST_UNKNOWN_KEY, why, "by: not the key id of the "
		    "signer");
		json_decref(k);
	}

	/* not an act at all */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "not a JWS"), ST_OK);
	expect_why(open_alice(&b, why), ST_PARSE, why, "(act): not a compact JWS");
	buf_reset(&b);
	EXPECT(jws_sign(alice, AGRACT_TYP, "[1,2]", 5, &b), ST_OK);
	expect_why(open_alice(&b, why), ST_INVALID, why, "payload: not a JSON object");
	buf_reset(&b);
	EXPECT(jws_sign(alice, AGRACT_TYP, "{\"v\":1,", 7, &b), ST_OK);
	expect_why(open_alice(&b, why), ST_PARSE, why, "payload: not JSON");
	buf_reset(&b);
	EXPECT(jws_sign(alice, AGRACT_TYP, "{\"v\":1,\"v\":1}", 13, &b), ST_OK);
	expect_why(open_alice(&b, why), ST_PARSE, why, "payload: not JSON");
	{
		struct buf big;

		buf_init(&big, 2 * AGRACT_MAX);
		for (size_t i = 0; i <= AGRACT_MAX; i++)
			assert_int_equal(buf_add(&big, "A", 1), ST_OK);
		expect_why(open_alice(&big, why), ST_TOOBIG, why, "(act): ");
		buf_free(&big);
	}

	free(pl);
	json_decref(j);
	buf_free(&jws);
	buf_free(&b);
}

/* every prefix of an act, and the act with its last byte changed, is refused */
static void
test_truncated(void **state)
{
	char why[AGRACT_WHY_MAX];
	struct buf jws, cut;
	json_t *j = good();

	(void)state;
	buf_init(&jws, AGRACT_MAX);
	buf_init(&cut, AGRACT_MAX);
	signed_j(j, &jws);
	for (size_t n = 0; n < jws.len; n++) {
		struct agract *a = NULL;
		status rc = agract_open(jws.p, n, ident_pk(alice), &a, why);

		if (rc == ST_OK || a || !why[0])
			fail_msg("a prefix of %zu of %zu bytes: %s", n, jws.len, status_str(rc));
	}
	buf_reset(&cut);
	assert_int_equal(buf_add(&cut, jws.p, jws.len), ST_OK);
	cut.p[cut.len - 1] = cut.p[cut.len - 1] == 'A' ? 'B' : 'A';
	assert_int_not_equal(open_alice(&cut, why), ST_OK);
	json_decref(j);
	buf_free(&jws);
	buf_free(&cut);
}

/* the hash an act names: of the payload's bytes as the document carries them */
static status
doc_sha(const char *doc, char hex[static AGRACT_SHA_HEX])
{
	return agract_doc_sha256(doc, strlen(doc), hex);
}

static void
test_doc_sha256(void **state)
{
	char hex[AGRACT_SHA_HEX];

	(void)state;
	/* "abc" is YWJj in base64url */
	EXPECT(doc_sha("{\"payload\":\"YWJj\",\"signatures\":[]}", hex), ST_OK);
	assert_string_equal(hex, SHA);
	EXPECT(doc_sha("{\"signatures\":[]}", hex), ST_PARSE);
	EXPECT(doc_sha("{\"payload\":\"YWJj=\"}", hex), ST_PARSE);
	EXPECT(doc_sha("{\"payload\":7}", hex), ST_PARSE);
	EXPECT(doc_sha("nope", hex), ST_PARSE);
	assert_string_equal(hex, "");
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	alice = testkey();
	bob = testkey();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_and_open),
		cmocka_unit_test(test_make_refuses),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_doc_sha256),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
