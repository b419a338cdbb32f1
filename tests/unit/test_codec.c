/* test_codec.c - b64.c and stamp.c: the strict encodings everything else
 * rests on (RFC 4648 vectors, canonical forms, RFC 3339 edge cases). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "stamp.h"

static void
test_b64_vectors(void **state)
{
	static const struct {
		const char *in, *std, *url;
	} v[] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" }, { "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" }, { "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct buf b;
		uint8_t out[16];
		size_t n;

		buf_init(&b, 64);
		assert_int_equal(b64_std_encode(&b, (const uint8_t *)v[i].in, strlen(v[i].in)), ST_OK);
		assert_string_equal(buf_str(&b), v[i].std);
		buf_reset(&b);
		assert_int_equal(b64_url_encode(&b, (const uint8_t *)v[i].in, strlen(v[i].in)), ST_OK);
		assert_string_equal(buf_str(&b), v[i].url);
		assert_int_equal(b64_url_decode(v[i].url, strlen(v[i].url), out, sizeof out, &n), ST_OK);
		assert_int_equal(n, strlen(v[i].in));
		assert_memory_equal(out, v[i].in, n);
		assert_int_equal(b64_std_decode(v[i].std, strlen(v[i].std), out, sizeof out, &n), ST_OK);
		assert_int_equal(n, strlen(v[i].in));
		buf_free(&b);
	}
}

static void
test_b64_strict(void **state)
{
	static const struct {
		const char *name, *in;
		int url;
	} bad[] = {
		{ "padding in base64url", "Zg==", 1 }, { "non-canonical bits", "Zh", 1 },
		{ "standard alphabet in url", "a+b/", 1 }, { "length 1 mod 4", "Zm9vY", 1 },
		{ "space", "Zm 9v", 1 }, { "missing padding", "Zg", 0 },
		{ "non-canonical padded", "Zh==", 0 }, { "url alphabet in std", "a-b_", 0 },
		{ "padding in the middle", "Zg==Zg==", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t out[16];
		size_t n = 99;
		status rc = bad[i].url ? b64_url_decode(bad[i].in, strlen(bad[i].in), out, sizeof out, &n) :
		    b64_std_decode(bad[i].in, strlen(bad[i].in), out, sizeof out, &n);

		print_message("%s\n", bad[i].name);
		assert_int_equal(rc, ST_PARSE);
		assert_int_equal(n, 0);
	}
	{
		uint8_t out[2];
		size_t n;

		assert_int_equal(b64_url_decode("Zm9v", 4, out, sizeof out, &n), ST_TOOBIG);
	}
}

static void
test_buf_bounds(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345"), ST_OK);
	assert_int_equal(buf_adds(&b, "6789"), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "12345");	/* unchanged on error */
	assert_int_equal(buf_addf(&b, "%d", 678), ST_OK);
	assert_string_equal(buf_str(&b), "12345678");
	assert_int_equal(buf_addf(&b, "%d", 9), ST_TOOBIG);
	buf_free(&b);
}

static void
test_times(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;
	} good[] = {
		{ "1970-01-01T00:00:00.000Z", 0 }, { "2000-03-01T00:00:00Z", 951868800000 },
		{ "2024-02-29T23:59:59.999Z", 1709251199999 },
	};
	static const char *const bad[] = {
		"2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-01-01T00:00:00",
		"2026-01-01t00:00:00Z", "2026-01-01T00:00:00+00:00", " 2026-01-01T00:00:00Z",
		"2026-01-01T00:00:00Zx", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.1Z", "",
	};
	char out[STAMP_TIME_LEN];
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(stamp_parse(good[i].s, &ms), ST_OK);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(stamp_parse(bad[i], &ms), ST_PARSE);
	stamp_format(1709251199999, out);
	assert_string_equal(out, "2024-02-29T23:59:59.999Z");
}

static void
test_uuid7(void **state)
{
	char a[STAMP_UUID_LEN], b[STAMP_UUID_LEN];

	(void)state;
	stamp_uuid7(a);
	stamp_uuid7(b);
	assert_true(stamp_is_uuid(a) && stamp_is_uuid(b));
	assert_int_equal(a[14], '7');	/* version */
	assert_true(strchr("89ab", a[19]) != NULL);	/* variant */
	assert_true(strncmp(a, b, 13) <= 0);	/* time-ordered */
	assert_string_not_equal(a, b);
	assert_false(stamp_is_uuid("01a20592-2972-7998-b004-5a691b5f6d0"));
	assert_false(stamp_is_uuid("01A20592-2972-7998-b004-5a691b5f6d0b"));
	assert_false(stamp_is_uuid("01a20592-2972-7998-b004-5a691b5f6d0bb"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_strict),
		cmocka_unit_test(test_buf_bounds),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_uuid7),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
