/* test_b64.c - strict base64: the RFC 4648 §10 vectors in both alphabets,
 * then every way an encoding can be almost right and still must be refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "util/b64.h"

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* RFC 4648 §10, plus bytes whose encodings differ between the alphabets. */
static const struct {
	const char *name;
	const char *raw;
	size_t raw_len;
	const char *std, *url;
} vectors[] = {
	{ "empty", "", 0, "", "" },
	{ "f", "f", 1, "Zg==", "Zg" },
	{ "fo", "fo", 2, "Zm8=", "Zm8" },
	{ "foo", "foo", 3, "Zm9v", "Zm9v" },
	{ "foob", "foob", 4, "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "fooba", 5, "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "foobar", 6, "Zm9vYmFy", "Zm9vYmFy" },
	{ "62 and 63", "\xfb\xff", 2, "+/8=", "-_8" },
	{ "all 62", "\xfb\xef\xbe", 3, "++++", "----" },
	{ "all 63", "\xff\xff\xff", 3, "////", "____" },
	{ "NUL bytes", "\0\0\0\0", 4, "AAAAAA==", "AAAAAA" },
};

#define N_VECTORS (sizeof vectors / sizeof vectors[0])

static void
test_encode_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_VECTORS; i++) {
		const uint8_t *raw = (const uint8_t *)vectors[i].raw;
		struct buf b;

		buf_init(&b, 64);
		check_rc(vectors[i].name, b64_std_encode(&b, raw, vectors[i].raw_len), ST_OK);
		assert_string_equal(buf_str(&b), vectors[i].std);
		buf_reset(&b);
		check_rc(vectors[i].name, b64_url_encode(&b, raw, vectors[i].raw_len), ST_OK);
		assert_string_equal(buf_str(&b), vectors[i].url);
		buf_free(&b);
	}
}

static void
test_decode_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_VECTORS; i++) {
		uint8_t out[16];
		size_t n = 99;

		check_rc(vectors[i].name, b64_std_decode(vectors[i].std,
		    strlen(vectors[i].std), out, sizeof out, &n), ST_OK);
		assert_int_equal(n, vectors[i].raw_len);
		if (n)
			assert_memory_equal(out, vectors[i].raw, n);
		n = 99;
		check_rc(vectors[i].name, b64_url_decode(vectors[i].url,
		    strlen(vectors[i].url), out, sizeof out, &n), ST_OK);
		assert_int_equal(n, vectors[i].raw_len);
		if (n)
			assert_memory_equal(out, vectors[i].raw, n);
	}
}

/* Encoding appends after what the buffer already holds. */
static void
test_encode_appends(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_adds(&b, "x="), ST_OK);
	assert_int_equal(b64_url_encode(&b, (const uint8_t *)"foob", 4), ST_OK);
	assert_int_equal(buf_adds(&b, ";"), ST_OK);
	assert_int_equal(b64_std_encode(&b, (const uint8_t *)"foob", 4), ST_OK);
	assert_string_equal(buf_str(&b), "x=Zm9vYg;Zm9vYg==");
	buf_free(&b);
}

/* An encoding that does not fit leaves the buffer as it was. */
static void
test_encode_toobig(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "ab"), ST_OK);
	assert_int_equal(b64_url_encode(&b, (const uint8_t *)"foobar", 6), ST_OK);
	assert_string_equal(buf_str(&b), "abZm9vYmFy");
	buf_free(&b);
	buf_init(&b, 9);
	assert_int_equal(buf_adds(&b, "ab"), ST_OK);
	assert_int_equal(b64_std_encode(&b, (const uint8_t *)"foob", 4), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "ab");
	buf_free(&b);
}

static const struct {
	const char *name;
	const char *in;
	size_t len;	/* 0: strlen(in) */
} url_bad[] = {
	{ "padding", "Zg==", 0 },
	{ "one pad", "Zg=", 0 },
	{ "pad on a full group", "Zm9v====", 0 },
	{ "non-canonical f (Zh)", "Zh", 0 },
	{ "non-canonical fo (Zm9)", "Zm9", 0 },
	{ "non-canonical foob (Zm9vYh)", "Zm9vYh", 0 },
	{ "length 1 mod 4", "Z", 0 },
	{ "length 5", "Zm9vY", 0 },
	{ "plus (standard alphabet)", "Zm+v", 0 },
	{ "slash (standard alphabet)", "Zm/v", 0 },
	{ "bad char !", "Zm9v!A", 0 },
	{ "space inside", "Zm9 v", 0 },
	{ "trailing newline", "Zm9v\n", 0 },
	{ "leading space", " Zm9v", 0 },
	{ "embedded NUL", "Zm\0v", 4 },
	{ "dot", "Zm9v.Zm9v", 0 },
	{ "non-ASCII", "Zm9v\xc3\xa9", 0 },
	{ "byte 0xf6 (libsodium 1.0.18 reads it as 63)", "AAA\xf6", 0 },
	{ "two high bytes in place of __", "Zm9vYm\xc3\xa9", 0 },
};

static const struct {
	const char *name;
	const char *in;
	size_t len;
} std_bad[] = {
	{ "missing padding (Zg)", "Zg", 0 },
	{ "short padding (Zg=)", "Zg=", 0 },
	{ "missing padding (Zm8)", "Zm8", 0 },
	{ "non-canonical f (Zh==)", "Zh==", 0 },
	{ "non-canonical fo (Zm9=)", "Zm9=", 0 },
	{ "three pads", "Z===", 0 },
	{ "all pads", "====", 0 },
	{ "pad then data", "Zg==Zg==", 0 },
	{ "pad in the middle", "Zg=a", 0 },
	{ "extra pad", "Zm9v=", 0 },
	{ "length 5", "Zm9vY", 0 },
	{ "dash (url alphabet)", "Zm-v", 0 },
	{ "underscore (url alphabet)", "Zm_v", 0 },
	{ "space inside", "Zm9v Zg==", 0 },
	{ "trailing newline", "Zm9v\n", 0 },
	{ "embedded NUL", "Zm\0v", 4 },
	{ "byte 0xff (libsodium 1.0.18 reads it as 63)", "AAA\xff", 0 },
};

static void
test_url_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof url_bad / sizeof url_bad[0]; i++) {
		size_t len = url_bad[i].len ? url_bad[i].len : strlen(url_bad[i].in);
		uint8_t out[16];
		size_t n = 99;
		struct buf b;

		check_rc(url_bad[i].name, b64_url_decode(url_bad[i].in, len, out,
		    sizeof out, &n), ST_PARSE);
		assert_int_equal(n, 0);
		/* the buf form refuses too, and leaves the buffer as it was */
		buf_init(&b, 64);
		assert_int_equal(buf_adds(&b, "keep"), ST_OK);
		check_rc(url_bad[i].name, b64_url_decode_buf(&b, url_bad[i].in, len),
		    ST_PARSE);
		assert_string_equal(buf_str(&b), "keep");
		assert_int_equal(b.len, 4);
		buf_free(&b);
	}
}

static void
test_std_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof std_bad / sizeof std_bad[0]; i++) {
		size_t len = std_bad[i].len ? std_bad[i].len : strlen(std_bad[i].in);
		uint8_t out[16];
		size_t n = 99;

		check_rc(std_bad[i].name, b64_std_decode(std_bad[i].in, len, out,
		    sizeof out, &n), ST_PARSE);
		assert_int_equal(n, 0);
	}
}

/* Each canonical encoding is the only one: for every 1- and 2-byte value,
 * changing the last character to any other of the 64 is refused or decodes
 * to different bytes. */
static void
test_canonical_only(void **state)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	(void)state;
	for (size_t len = 1; len <= 2; len++) {
		for (unsigned v = 0; v < (len == 1 ? 256u : 65536u); v += len == 1 ? 1 : 251) {
			uint8_t raw[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
			uint8_t out[4];
			struct buf b;
			size_t n;

			buf_init(&b, 8);
			assert_int_equal(b64_url_encode(&b, raw, len), ST_OK);
			for (size_t k = 0; k < 64; k++) {
				char *last = &b.p[b.len - 1];
				char keep = *last;

				if (alpha[k] == keep)
					continue;
				*last = alpha[k];
				if (b64_url_decode(b.p, b.len, out, sizeof out, &n) == ST_OK)
					assert_memory_not_equal(out, raw, len);
				*last = keep;
			}
			buf_free(&b);
		}
	}
}

static void
test_decode_toobig(void **state)
{
	uint8_t out[8];
	size_t n = 99;

	(void)state;
	assert_int_equal(b64_url_decode("Zm9vYmFy", 8, out, 5, &n), ST_TOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(b64_url_decode("Zm9vYmFy", 8, out, 6, &n), ST_OK);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "foobar", 6);
	assert_int_equal(b64_std_decode("Zm9vYg==", 8, out, 3, &n), ST_TOOBIG);
	assert_int_equal(n, 0);
	assert_int_equal(b64_std_decode("Zm9vYg==", 8, out, 4, &n), ST_OK);
	assert_int_equal(n, 4);
	assert_int_equal(b64_url_decode("", 0, out, 0, &n), ST_OK);
	assert_int_equal(n, 0);
}

static void
test_decode_buf(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "<"), ST_OK);
	assert_int_equal(b64_url_decode_buf(&b, "Zm9vYmE", 7), ST_OK);
	assert_int_equal(b.len, 6);
	assert_string_equal(buf_str(&b), "<fooba");
	/* 3 more bytes would pass the max of 8: refused, contents kept */
	assert_int_equal(b64_url_decode_buf(&b, "Zm9v", 4), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "<fooba");
	assert_int_equal(b64_url_decode_buf(&b, "Zm8", 3), ST_OK);
	assert_string_equal(buf_str(&b), "<foobafo");
	buf_free(&b);
}

/* Random bytes of every length up to 100 survive both alphabets. */
static void
test_round_trip(void **state)
{
	(void)state;
	for (size_t len = 0; len <= 100; len++) {
		uint8_t raw[100], out[100];
		struct buf b;
		size_t n;

		randombytes_buf(raw, len);
		buf_init(&b, 256);
		assert_int_equal(b64_url_encode(&b, raw, len), ST_OK);
		assert_null(memchr(b.p, '=', b.len));
		assert_int_equal(b64_url_decode(b.p, b.len, out, sizeof out, &n), ST_OK);
		assert_int_equal(n, len);
		if (len)
			assert_memory_equal(out, raw, len);
		buf_reset(&b);
		assert_int_equal(b64_std_encode(&b, raw, len), ST_OK);
		assert_int_equal(b.len % 4, 0);
		assert_int_equal(b64_std_decode(b.p, b.len, out, sizeof out, &n), ST_OK);
		assert_int_equal(n, len);
		if (len)
			assert_memory_equal(out, raw, len);
		buf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_vectors),
		cmocka_unit_test(test_decode_vectors),
		cmocka_unit_test(test_encode_appends),
		cmocka_unit_test(test_encode_toobig),
		cmocka_unit_test(test_url_rejects),
		cmocka_unit_test(test_std_rejects),
		cmocka_unit_test(test_canonical_only),
		cmocka_unit_test(test_decode_toobig),
		cmocka_unit_test(test_decode_buf),
		cmocka_unit_test(test_round_trip),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
