/* test_jws.c - JWS: the RFC 8037 vector, round trips, and every way a JWS
 * can be wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>

#include "b64.h"
#include "jws.h"
#include "testkeys.h"

static struct ident *alice, *bob;

/* RFC 8037 A.4: Ed25519 over "Example of Ed25519 signing", header {"alg":"EdDSA"}. */
static const char rfc8037_x[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
static const char rfc8037_jws[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

static void
test_rfc8037_vector(void **state)
{
	uint8_t pk[IDENT_PK_LEN], sig[IDENT_SIG_LEN];
	struct jws_parts p;
	char kid[IDENT_KID_LEN];
	size_t n;

	(void)state;
	assert_int_equal(b64_url_decode(rfc8037_x, strlen(rfc8037_x), pk, sizeof pk, &n), ST_OK);
	ident_thumbprint(pk, kid);
	assert_string_equal(kid, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");	/* A.3 */
	assert_int_equal(jws_split(rfc8037_jws, strlen(rfc8037_jws), &p), ST_OK);
	assert_int_equal(b64_url_decode(p.sig, p.sig_len, sig, sizeof sig, &n), ST_OK);
	assert_int_equal(ident_verify(pk, (const uint8_t *)rfc8037_jws, p.hdr_len + 1 + p.pay_len,
	    sig), ST_OK);
	/* parley requires typ: the bare RFC example is refused as a message. */
	{
		struct buf pl;

		buf_init(&pl, 1024);
		assert_int_equal(jws_verify(rfc8037_jws, strlen(rfc8037_jws), pk, "parley-message",
		    &pl), ST_INVALID);
		buf_free(&pl);
	}
}

static void
test_round_trip(void **state)
{
	struct buf j, pl;

	(void)state;
	buf_init(&j, 4096);
	buf_init(&pl, 4096);
	assert_int_equal(jws_sign(alice, "t", "{\"a\":1}", 7, &j), ST_OK);
	assert_int_equal(jws_verify(j.p, j.len, ident_pk(alice), "t", &pl), ST_OK);
	assert_string_equal(buf_str(&pl), "{\"a\":1}");
	buf_free(&j);
	buf_free(&pl);
}

/* sign_hdr - a JWS with a header of our choosing, signed by id. */
static void
sign_hdr(struct ident *id, const char *hdr, struct buf *out)
{
	uint8_t sig[IDENT_SIG_LEN];

	assert_int_equal(b64_url_encode(out, (const uint8_t *)hdr, strlen(hdr)), ST_OK);
	assert_int_equal(buf_adds(out, ".e30"), ST_OK);	/* payload {} */
	ident_sign(id, (const uint8_t *)out->p, out->len, sig);
	assert_int_equal(buf_adds(out, "."), ST_OK);
	assert_int_equal(b64_url_encode(out, sig, sizeof sig), ST_OK);
}

static void
test_bad_headers(void **state)
{
	char hdr[256];
	static const struct {
		const char *name, *fmt;
		status want;
	} cases[] = {
		{ "alg none", "{\"alg\":\"none\",\"typ\":\"t\"}", ST_INVALID },
		{ "alg HS256", "{\"alg\":\"HS256\",\"typ\":\"t\"}", ST_INVALID },
		{ "no alg", "{\"typ\":\"t\"}", ST_INVALID },
		{ "typ mismatch", "{\"alg\":\"EdDSA\",\"typ\":\"other\"}", ST_INVALID },
		{ "crit", "{\"alg\":\"EdDSA\",\"typ\":\"t\",\"crit\":[\"x\"],\"x\":1}", ST_INVALID },
		{ "b64 false", "{\"alg\":\"EdDSA\",\"typ\":\"t\",\"b64\":false}", ST_INVALID },
		{ "duplicate alg", "{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\",\"typ\":\"t\"}", ST_PARSE },
		{ "not an object", "[1]", ST_PARSE },
		{ "kid of another key", "{\"alg\":\"EdDSA\",\"typ\":\"t\",\"kid\":\"%s\"}", ST_UNKNOWN_KEY },
		{ "Ed25519 alg (RFC 9864)", "{\"alg\":\"Ed25519\",\"typ\":\"t\"}", ST_OK },
		{ "own kid", "{\"alg\":\"EdDSA\",\"typ\":\"t\",\"kid\":\"%s\"}", ST_OK },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf j, pl;
		const char *kid = strcmp(cases[i].name, "own kid") == 0 ? ident_kid(alice) :
		    ident_kid(bob);

		print_message("%s\n", cases[i].name);
		snprintf(hdr, sizeof hdr, cases[i].fmt, kid);
		buf_init(&j, 4096);
		buf_init(&pl, 4096);
		sign_hdr(alice, hdr, &j);
		assert_int_equal(jws_verify(j.p, j.len, ident_pk(alice), "t", &pl), cases[i].want);
		buf_free(&j);
		buf_free(&pl);
	}
}

static void
test_forgeries_and_truncation(void **state)
{
	struct buf j, pl;

	(void)state;
	buf_init(&j, 4096);
	buf_init(&pl, 4096);
	assert_int_equal(jws_sign(alice, "t", "{\"a\":1}", 7, &j), ST_OK);
	/* signed by alice, checked against bob's key: the kid names alice */
	assert_int_equal(jws_verify(j.p, j.len, ident_pk(bob), "t", &pl), ST_UNKNOWN_KEY);
	/* every truncation fails */
	for (size_t n = 0; n < j.len; n++)
		assert_int_not_equal(jws_verify(j.p, n, ident_pk(alice), "t", &pl), ST_OK);
	/* every single-character change of the signature fails */
	for (size_t i = j.len - 86; i < j.len; i++) {
		char saved = j.p[i];

		j.p[i] = saved == 'A' ? 'B' : 'A';
		assert_int_not_equal(jws_verify(j.p, j.len, ident_pk(alice), "t", &pl), ST_OK);
		j.p[i] = saved;
	}
	/* a changed payload with the old signature */
	{
		char *dot = strchr(j.p, '.');

		dot[1] = dot[1] == 'e' ? 'f' : 'e';
		assert_int_equal(jws_verify(j.p, j.len, ident_pk(alice), "t", &pl), ST_BADSIG);
	}
	assert_int_equal(jws_verify("a.b.c.d", 7, ident_pk(alice), "t", &pl), ST_PARSE);
	assert_int_equal(jws_verify("a.b.", 4, ident_pk(alice), "t", &pl), ST_PARSE);
	assert_int_equal(jws_verify("a b.c.d", 7, ident_pk(alice), "t", &pl), ST_PARSE);
	buf_free(&j);
	buf_free(&pl);
}

static void
test_flattened(void **state)
{
	struct buf c, pl;
	static const char flat[] = "{\"protected\":\"eyJhbGciOiJFZERTQSJ9\",\"payload\":\"e30\","
	    "\"signature\":\"AAAA\"}";
	static const char unprot[] = "{\"protected\":\"eyJhbGciOiJFZERTQSJ9\",\"payload\":\"e30\","
	    "\"signature\":\"AAAA\",\"header\":{\"kid\":\"x\"}}";

	(void)state;
	buf_init(&c, 4096);
	buf_init(&pl, 4096);
	assert_int_equal(jws_flat_to_compact(flat, strlen(flat), &c, &pl), ST_OK);
	assert_string_equal(buf_str(&c), "eyJhbGciOiJFZERTQSJ9.e30.AAAA");
	assert_string_equal(buf_str(&pl), "{}");
	buf_reset(&c);
	assert_int_equal(jws_flat_to_compact(unprot, strlen(unprot), &c, NULL), ST_INVALID);
	assert_int_equal(c.len, 0);
	assert_int_equal(jws_flat_to_compact("{\"payload\":\"e30\"}", 17, &c, NULL), ST_PARSE);
	buf_free(&c);
	buf_free(&pl);
}

static int
setup(void **state)
{
	(void)state;
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
		cmocka_unit_test(test_rfc8037_vector),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_forgeries_and_truncation),
		cmocka_unit_test(test_flattened),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
