/* test_totp.c - RFC 6238 one-time passwords: the RFC's SHA-1 vectors, the
 * drift window and replays, the RFC 4648 base32 vectors both ways with
 * every near miss refused, and the otpauth:// URI's exact text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "crypto/totp.h"

/* RFC 6238 Appendix B's SHA-1 key */
static const uint8_t rfc_key[20] = "12345678901234567890";

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* RFC 6238 Appendix B, SHA-1 column; the 6-digit codes are its last 6. */
static const struct {
	int64_t t;
	const char *code8;
} rfc_vectors[] = {
	{ 59, "94287082" },
	{ 1111111109, "07081804" },
	{ 1111111111, "14050471" },
	{ 1234567890, "89005924" },
	{ 2000000000, "69279037" },
	{ 20000000000, "65353130" },
};

#define N_RFC (sizeof rfc_vectors / sizeof rfc_vectors[0])

static void
test_rfc6238_vectors(void **state)
{
	char out[9];

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		check_rc(rfc_vectors[i].code8, totp_code(rfc_key, sizeof rfc_key,
		    rfc_vectors[i].t, 8, out), ST_OK);
		assert_string_equal(out, rfc_vectors[i].code8);
		check_rc(rfc_vectors[i].code8, totp_code(rfc_key, sizeof rfc_key,
		    rfc_vectors[i].t, 6, out), ST_OK);
		assert_string_equal(out, rfc_vectors[i].code8 + 2);
		check_rc(rfc_vectors[i].code8, totp_code(rfc_key, sizeof rfc_key,
		    rfc_vectors[i].t, 7, out), ST_OK);
		assert_string_equal(out, rfc_vectors[i].code8 + 1);
	}
}

static void
test_code_invalid(void **state)
{
	char out[9];

	(void)state;
	assert_int_equal(totp_code(rfc_key, sizeof rfc_key, 59, 5, out), ST_INVALID);
	assert_int_equal(totp_code(rfc_key, sizeof rfc_key, 59, 9, out), ST_INVALID);
	assert_int_equal(totp_code(rfc_key, sizeof rfc_key, -1, 6, out), ST_INVALID);
	assert_int_equal(totp_code(rfc_key, TOTP_SECRET_MIN - 1, 59, 6, out), ST_INVALID);
	assert_int_equal(totp_code(rfc_key, TOTP_SECRET_MAX + 1, 59, 6, out), ST_INVALID);
	assert_string_equal(out, "");
}

/* The step of T=1111111111 is 37037037 (T=1111111110..1111111139). */
static void
test_verify_drift(void **state)
{
	static const struct {
		const char *name;
		int delta;	/* the code's step, relative to now */
		status want;
	} cases[] = {
		{ "2 steps behind", -2, ST_BADSIG },
		{ "3 steps behind", -3, ST_BADSIG },
		{ "2 steps ahead", 2, ST_BADSIG },
		{ "1 step behind", -1, ST_OK },
		{ "this step", 0, ST_OK },
		{ "1 step ahead", 1, ST_OK },
	};
	const int64_t now = 1111111111, step = now / 30;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t last = -1;
		char code[9];

		assert_int_equal(totp_code(rfc_key, sizeof rfc_key,
		    (step + cases[i].delta) * 30, 6, code), ST_OK);
		check_rc(cases[i].name, totp_verify(rfc_key, sizeof rfc_key, code, now, &last),
		    cases[i].want);
		assert_int_equal(last, cases[i].want == ST_OK ? step + cases[i].delta : -1);
	}
}

/* A code is good once; and after a later one, an earlier one is not. */
static void
test_verify_replay(void **state)
{
	const int64_t now = 1234567890, step = now / 30;
	int64_t last = -1;
	char code[9], prev[9];

	(void)state;
	assert_int_equal(totp_code(rfc_key, sizeof rfc_key, now, 6, code), ST_OK);
	assert_string_equal(code, "005924");
	assert_int_equal(totp_verify(rfc_key, sizeof rfc_key, code, now, &last), ST_OK);
	assert_int_equal(last, step);
	check_rc("same code again", totp_verify(rfc_key, sizeof rfc_key, code, now, &last),
	    ST_REPLAY);
	check_rc("same code, 29 s later", totp_verify(rfc_key, sizeof rfc_key, code,
	    now + 29, &last), ST_REPLAY);
	assert_int_equal(last, step);
	/* the previous step's code, still in the window, was not used but is
	 * older than the one that was */
	assert_int_equal(totp_code(rfc_key, sizeof rfc_key, now - 30, 6, prev), ST_OK);
	check_rc("older step", totp_verify(rfc_key, sizeof rfc_key, prev, now, &last),
	    ST_REPLAY);
	/* the next step's code is fine, once */
	assert_int_equal(totp_code(rfc_key, sizeof rfc_key, now + 30, 6, code), ST_OK);
	assert_int_equal(totp_verify(rfc_key, sizeof rfc_key, code, now + 30, &last), ST_OK);
	assert_int_equal(last, step + 1);
	check_rc("next step again", totp_verify(rfc_key, sizeof rfc_key, code, now + 30,
	    &last), ST_REPLAY);
	/* a wrong code is a wrong code, not a replay, and moves nothing */
	check_rc("wrong code", totp_verify(rfc_key, sizeof rfc_key, "000000", now + 30,
	    &last), ST_BADSIG);
	assert_int_equal(last, step + 1);
}

static void
test_verify_invalid(void **state)
{
	static const char *const bad[] = {
		"", "12345", "1234567", "12345a", " 12345", "123 456", "-12345", "+12345",
		"１２３４５６", "94287082",
	};
	int64_t last = -1;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_rc(bad[i], totp_verify(rfc_key, sizeof rfc_key, bad[i], 59, &last),
		    ST_INVALID);
	check_rc("short secret", totp_verify(rfc_key, 10, "287082", 59, &last), ST_INVALID);
	check_rc("negative time", totp_verify(rfc_key, sizeof rfc_key, "287082", -30, &last),
	    ST_INVALID);
	assert_int_equal(last, -1);
	/* at T=0..29 there is no step before: the window is steps 0 and 1 */
	assert_int_equal(totp_verify(rfc_key, sizeof rfc_key, "287082", 5, &last), ST_OK);
	assert_int_equal(last, 1);
}

/* RFC 4648 §10, without padding, and the RFC 6238 key. */
static const struct {
	const char *raw, *b32;
} b32_vectors[] = {
	{ "", "" },
	{ "f", "MY" },
	{ "fo", "MZXQ" },
	{ "foo", "MZXW6" },
	{ "foob", "MZXW6YQ" },
	{ "fooba", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI" },
	{ "12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
};

#define N_B32 (sizeof b32_vectors / sizeof b32_vectors[0])

static void
test_base32_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_B32; i++) {
		size_t len = strlen(b32_vectors[i].raw), n = 99;
		char text[64];
		uint8_t raw[32];

		check_rc(b32_vectors[i].b32, totp_base32((const uint8_t *)b32_vectors[i].raw,
		    len, text, sizeof text), ST_OK);
		assert_string_equal(text, b32_vectors[i].b32);
		check_rc(b32_vectors[i].b32, totp_base32_decode(b32_vectors[i].b32, raw,
		    sizeof raw, &n), ST_OK);
		assert_int_equal(n, len);
		if (n)
			assert_memory_equal(raw, b32_vectors[i].raw, n);
	}
}

/* What a person or an app may write is read the same. */
static void
test_base32_lenient(void **state)
{
	static const struct {
		const char *in, *raw;
	} cases[] = {
		{ "mzxw6ytboi", "foobar" },
		{ "MzXw 6yTb oI", "foobar" },
		{ "MY======", "f" },
		{ "MZXQ====", "fo" },
		{ "MZXW6===", "foo" },
		{ "MZXW6YQ=", "foob" },
		{ "MZXW 6YQ= ", "foob" },
		{ " MY== == ==", "f" },
		{ "    ", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t raw[16];
		size_t n = 99;

		check_rc(cases[i].in, totp_base32_decode(cases[i].in, raw, sizeof raw, &n),
		    ST_OK);
		assert_int_equal(n, strlen(cases[i].raw));
		if (n)
			assert_memory_equal(raw, cases[i].raw, n);
	}
}

static void
test_base32_rejects(void **state)
{
	static const char *const bad[] = {
		"MZXW1", "MZXW8", "MZXW0YTB", "MZ-XW", "MZXW\tYTB", "MZXW\nYTB",
		"MZ=XW", "MY=A", "MY===", "MY=======", "MZXW6YTB=", "====", "M",
		"MZX", "MZXW6Y", "MZ", "MZXR", "MZXW7", "MZXW6YR", "MZXW6YTBOJ",
		"MZXW6YTBO", "\xc3\x89MY", "MY.", "mzxw6ytb{",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t raw[16];
		size_t n = 99;

		check_rc(bad[i], totp_base32_decode(bad[i], raw, sizeof raw, &n), ST_PARSE);
		assert_int_equal(n, 0);
	}
}

static void
test_base32_toobig(void **state)
{
	uint8_t raw[6];
	char text[11];
	size_t n = 99;

	(void)state;
	assert_int_equal(totp_base32_decode("MZXW6YTBOI", raw, 5, &n), ST_TOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(totp_base32_decode("MZXW6YTBOI", raw, 6, &n), ST_OK);
	assert_int_equal(n, 6);
	assert_int_equal(TOTP_B32_LEN(6), 11);
	assert_int_equal(totp_base32((const uint8_t *)"foobar", 6, text, 10), ST_TOOBIG);
	assert_string_equal(text, "");
	assert_int_equal(totp_base32((const uint8_t *)"foobar", 6, text, 11), ST_OK);
	assert_string_equal(text, "MZXW6YTBOI");
}

/* New secrets are TOTP_SECRET_LEN random bytes, and survive base32. */
static void
test_secret_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < 50; i++) {
		uint8_t s[TOTP_SECRET_LEN], back[TOTP_SECRET_MAX];
		char text[TOTP_B32_LEN(TOTP_SECRET_LEN)];
		size_t n;

		assert_int_equal(totp_secret_new(s), ST_OK);
		assert_int_equal(totp_base32(s, sizeof s, text, sizeof text), ST_OK);
		assert_int_equal(strlen(text), 32);
		assert_int_equal(totp_base32_decode(text, back, sizeof back, &n), ST_OK);
		assert_int_equal(n, sizeof s);
		assert_memory_equal(back, s, n);
	}
}

static void
test_uri(void **state)
{
	static const char want[] =
	    "otpauth://totp/CERT-EU%20Duty:duty.officer%40cert.example%3Aeu"
	    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=CERT-EU%20Duty"
	    "&algorithm=SHA1&digits=6&period=30";
	char out[256];

	(void)state;
	assert_int_equal(totp_uri("CERT-EU Duty", "duty.officer@cert.example:eu", rfc_key,
	    sizeof rfc_key, out, sizeof out), ST_OK);
	assert_string_equal(out, want);
	assert_int_equal(totp_uri("parley", "a_b~c", rfc_key, sizeof rfc_key, out,
	    sizeof out), ST_OK);
	assert_string_equal(out, "otpauth://totp/parley:a_b~c?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=parley&algorithm=SHA1&digits=6"
	    "&period=30");
	/* exactly the room it needs, and one byte less */
	assert_int_equal(totp_uri("CERT-EU Duty", "duty.officer@cert.example:eu", rfc_key,
	    sizeof rfc_key, out, sizeof want), ST_OK);
	assert_string_equal(out, want);
	assert_int_equal(totp_uri("CERT-EU Duty", "duty.officer@cert.example:eu", rfc_key,
	    sizeof rfc_key, out, sizeof want - 1), ST_TOOBIG);
	assert_string_equal(out, "");
	assert_int_equal(totp_uri("", "a", rfc_key, sizeof rfc_key, out, sizeof out),
	    ST_INVALID);
	assert_int_equal(totp_uri("a", "", rfc_key, sizeof rfc_key, out, sizeof out),
	    ST_INVALID);
	assert_int_equal(totp_uri("a", "b", rfc_key, 8, out, sizeof out), ST_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_code_invalid),
		cmocka_unit_test(test_verify_drift),
		cmocka_unit_test(test_verify_replay),
		cmocka_unit_test(test_verify_invalid),
		cmocka_unit_test(test_base32_vectors),
		cmocka_unit_test(test_base32_lenient),
		cmocka_unit_test(test_base32_rejects),
		cmocka_unit_test(test_base32_toobig),
		cmocka_unit_test(test_secret_round_trip),
		cmocka_unit_test(test_uri),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
