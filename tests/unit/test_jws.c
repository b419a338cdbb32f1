/* test_jws.c - JWS with Ed25519: the RFC 8037 A.4 known answer, round trips,
 * then forgeries and malformed headers, each of which must be refused. */
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
#include "crypto/jws.h"
#include "testkeys.h"

/* RFC 8037 Appendix A.1 (key) and A.4 (the signed example). */
#define RFC8037_PEM "-----BEGIN PRIVATE KEY-----\n" \
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
	"-----END PRIVATE KEY-----\n"
#define RFC8037_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC8037_KID "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
#define A4_HDR "eyJhbGciOiJFZERTQSJ9"
#define A4_PAY "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
#define A4_SIG "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
#define A4_JWS A4_HDR "." A4_PAY "." A4_SIG

#define TYP "parley-test"

static struct ident *alice, *bob, *rfc;

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* rfc_key - the RFC 8037 key, loaded from a PEM file beside the test keys. */
static struct ident *
rfc_key(void)
{
	struct ident *id = NULL;
	char path[128];
	int fd;

	snprintf(path, sizeof path, "%s/rfc8037.pem", testkeys_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return NULL;
	if (write(fd, RFC8037_PEM, strlen(RFC8037_PEM)) != (ssize_t)strlen(RFC8037_PEM) ||
	    ident_load(path, &id) != ST_OK)
		id = NULL;
	close(fd);
	unlink(path);
	return id;
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	alice = testkey();	/* makes testkeys_dir */
	bob = testkey();
	rfc = rfc_key();
	return rfc ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	ident_free(rfc);
	testkeys_done();
	return 0;
}

/* handmade - a compact JWS over header text hdr and the payload segment pay
 * (already base64url, taken as is), signed by id.  Lets a test put anything
 * in the header and still carry a valid signature. */
static void
handmade(const struct ident *id, const char *hdr, const char *pay, struct buf *out)
{
	uint8_t sig[IDENT_SIG_LEN];

	buf_init(out, 8192);
	assert_int_equal(b64_url_encode(out, (const uint8_t *)hdr, strlen(hdr)), ST_OK);
	assert_int_equal(buf_addf(out, ".%s", pay), ST_OK);
	ident_sign(id, (const uint8_t *)out->p, out->len, sig);
	assert_int_equal(buf_adds(out, "."), ST_OK);
	assert_int_equal(b64_url_encode(out, sig, sizeof sig), ST_OK);
}

/* signed_by - jws_sign of payload by id, typ TYP, into a fresh buf. */
static void
signed_by(const struct ident *id, const char *payload, struct buf *out)
{
	buf_init(out, 8192);
	assert_int_equal(jws_sign(id, TYP, payload, strlen(payload), out), ST_OK);
}

/* RFC 8037 A.4.  jws_verify requires a typ and this vector has none, so the
 * vector is checked at the layer beneath: the raw Ed25519 signature over the
 * signing input, and our signer reproducing it byte for byte. */
static void
test_rfc8037_a4(void **state)
{
	static const char input[] = A4_HDR "." A4_PAY;
	uint8_t x[IDENT_PK_LEN], sig[IDENT_SIG_LEN], mine[IDENT_SIG_LEN];
	struct jws_parts p;
	struct buf hdr, pay;
	size_t n;

	(void)state;
	assert_int_equal(b64_url_decode(RFC8037_X, strlen(RFC8037_X), x, sizeof x, &n), ST_OK);
	assert_memory_equal(ident_pk(rfc), x, IDENT_PK_LEN);
	assert_string_equal(ident_kid(rfc), RFC8037_KID);	/* A.3 */

	assert_int_equal(jws_split(A4_JWS, strlen(A4_JWS), &p), ST_OK);
	buf_init(&hdr, 256);
	buf_init(&pay, 256);
	assert_int_equal(b64_url_decode_buf(&hdr, p.hdr, p.hdr_len), ST_OK);
	assert_string_equal(buf_str(&hdr), "{\"alg\":\"EdDSA\"}");
	assert_int_equal(b64_url_decode_buf(&pay, p.pay, p.pay_len), ST_OK);
	assert_string_equal(buf_str(&pay), "Example of Ed25519 signing");
	assert_int_equal(b64_url_decode(p.sig, p.sig_len, sig, sizeof sig, &n), ST_OK);
	assert_int_equal(n, IDENT_SIG_LEN);

	assert_int_equal(ident_verify(x, (const uint8_t *)input, sizeof input - 1, sig), ST_OK);
	ident_sign(rfc, (const uint8_t *)input, sizeof input - 1, mine);
	assert_memory_equal(mine, sig, IDENT_SIG_LEN);
	sig[10] ^= 0x04;
	assert_int_equal(ident_verify(x, (const uint8_t *)input, sizeof input - 1, sig),
	    ST_BADSIG);

	/* parley refuses it as a statement: no typ */
	buf_reset(&pay);
	assert_int_equal(jws_verify(A4_JWS, strlen(A4_JWS), x, TYP, &pay), ST_INVALID);
	assert_int_equal(pay.len, 0);
	buf_free(&hdr);
	buf_free(&pay);
}

static const struct {
	const char *name;
	const char *data;
	size_t len;
} payloads[] = {
	{ "text", "hello, world", 12 },
	{ "empty", "", 0 },
	{ "binary", "\0\x01\xff\xfe\0", 5 },
	{ "json", "{\"v\":1,\"a\":[1,2,3]}", 19 },
};

static void
test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		struct buf jws, got, hdr;
		struct jws_parts p;
		char want[256];

		buf_init(&jws, 4096);
		buf_init(&got, 4096);
		buf_init(&hdr, 256);
		/* appended after what the buffer holds */
		assert_int_equal(buf_adds(&jws, "jws: "), ST_OK);
		check_rc(payloads[i].name, jws_sign(alice, TYP, payloads[i].data,
		    payloads[i].len, &jws), ST_OK);
		assert_memory_equal(jws.p, "jws: ", 5);
		check_rc(payloads[i].name, jws_verify(jws.p + 5, jws.len - 5,
		    ident_pk(alice), TYP, &got), ST_OK);
		assert_int_equal(got.len, payloads[i].len);
		if (got.len)
			assert_memory_equal(got.p, payloads[i].data, got.len);

		/* the header is exactly ours: alg, kid, typ, nothing else */
		assert_int_equal(jws_split(jws.p + 5, jws.len - 5, &p), ST_OK);
		assert_int_equal(b64_url_decode_buf(&hdr, p.hdr, p.hdr_len), ST_OK);
		snprintf(want, sizeof want, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\"}",
		    ident_kid(alice), TYP);
		assert_string_equal(buf_str(&hdr), want);
		buf_free(&jws);
		buf_free(&got);
		buf_free(&hdr);
	}
}

/* A JWS that does not fit leaves the output buffer as it was. */
static void
test_sign_toobig(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 100);
	assert_int_equal(buf_adds(&out, "keep"), ST_OK);
	assert_int_equal(jws_sign(alice, TYP, "x", 1, &out), ST_TOOBIG);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

/* The payload is returned only if it fits the caller's bound. */
static void
test_payload_toobig(void **state)
{
	struct buf jws, got;

	(void)state;
	signed_by(alice, "0123456789", &jws);
	buf_init(&got, 9);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_TOOBIG);
	assert_int_equal(got.len, 0);
	buf_free(&got);
	buf_init(&got, 10);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
	assert_string_equal(buf_str(&got), "0123456789");
	buf_free(&got);
	buf_free(&jws);
}

/* One character changed anywhere: refused; in the payload or the
 * signature, as a bad signature. */
static void
test_forged_one_char(void **state)
{
	struct buf jws, got;
	struct jws_parts p;
	size_t pay_at;

	(void)state;
	signed_by(alice, "pay the bearer 100", &jws);
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	pay_at = (size_t)(p.pay - jws.p);
	buf_init(&got, 4096);
	for (size_t i = 0; i < jws.len; i++) {
		char keep = jws.p[i];
		status rc;

		if (keep == '.')
			continue;
		jws.p[i] = keep == 'A' ? 'B' : 'A';
		rc = jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got);
		if (i >= pay_at)
			assert_int_equal(rc, ST_BADSIG);
		else if (rc == ST_OK)
			fail_msg("changed char %zu of %zu still verifies", i, jws.len);
		assert_int_equal(got.len, 0);
		jws.p[i] = keep;
	}
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
	buf_free(&got);
	buf_free(&jws);
}

/* The same bytes with the last signature character made non-canonical (its
 * unused low bits set) would decode to the same signature under a lax
 * decoder; it must be refused. */
static void
test_noncanonical_signature(void **state)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct buf jws, got;
	const char *at;
	int v;

	(void)state;
	signed_by(alice, "hello", &jws);
	at = strchr(alpha, jws.p[jws.len - 1]);
	assert_non_null(at);
	v = (int)(at - alpha);
	assert_int_equal(v & 0x0f, 0);	/* 512 bits: the last char carries 2 */
	buf_init(&got, 64);
	for (int low = 1; low < 16; low++) {
		jws.p[jws.len - 1] = alpha[v | low];
		assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got),
		    ST_BADSIG);
	}
	buf_free(&got);
	buf_free(&jws);
}

/* Signed, but the payload segment is not canonical base64url: refused. */
static void
test_noncanonical_payload(void **state)
{
	char hdr[256];
	struct buf jws, got;

	(void)state;
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    ident_kid(alice), TYP);
	buf_init(&got, 64);
	handmade(alice, hdr, "Zg", &jws);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
	assert_string_equal(buf_str(&got), "f");
	buf_free(&jws);
	buf_reset(&got);
	handmade(alice, hdr, "Zh", &jws);
	assert_int_not_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
	assert_int_equal(got.len, 0);
	buf_free(&jws);
	buf_free(&got);
}

static void
test_wrong_key(void **state)
{
	struct buf jws, got;

	(void)state;
	buf_init(&got, 64);
	/* the header names alice: refused before the signature is tried */
	signed_by(alice, "hello", &jws);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(bob), TYP, &got), ST_UNKNOWN_KEY);
	buf_free(&jws);
	/* without a kid, the signature itself fails */
	handmade(alice, "{\"alg\":\"EdDSA\",\"typ\":\"" TYP "\"}", "aGVsbG8", &jws);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
	buf_reset(&got);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(bob), TYP, &got), ST_BADSIG);
	assert_int_equal(got.len, 0);
	buf_free(&jws);
	buf_free(&got);
}

/* Cut anywhere, a JWS is refused and yields no payload. */
static void
test_truncated(void **state)
{
	struct buf jws, got;

	(void)state;
	signed_by(alice, "a message of some length", &jws);
	buf_init(&got, 4096);
	for (size_t cut = 0; cut < jws.len; cut++) {
		if (jws_verify(jws.p, cut, ident_pk(alice), TYP, &got) == ST_OK)
			fail_msg("cut at %zu of %zu verifies", cut, jws.len);
		assert_int_equal(got.len, 0);
	}
	/* and dropping the first characters too */
	for (size_t skip = 1; skip < jws.len; skip++)
		assert_int_not_equal(jws_verify(jws.p + skip, jws.len - skip, ident_pk(alice),
		    TYP, &got), ST_OK);
	buf_free(&got);
	buf_free(&jws);
}

/* Wrong shapes around a good JWS. */
static void
test_shapes(void **state)
{
	static const struct {
		const char *name, *fmt;	/* %s: the good JWS */
	} shapes[] = {
		{ "extra segment", "%s.AAAA" },
		{ "trailing dot", "%s." },
		{ "leading dot", ".%s" },
		{ "trailing newline", "%s\n" },
		{ "trailing space", "%s " },
		{ "padding", "%s==" },
		{ "two JWS", "%s.%s" },
	};
	struct buf jws, got, bad;
	struct jws_parts p;

	(void)state;
	signed_by(alice, "hello", &jws);
	buf_init(&got, 64);
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		buf_init(&bad, 8192);
		assert_int_equal(buf_addf(&bad, shapes[i].fmt, jws.p, jws.p), ST_OK);
		check_rc(shapes[i].name, jws_verify(bad.p, bad.len, ident_pk(alice), TYP,
		    &got), ST_PARSE);
		buf_free(&bad);
	}
	/* empty signature */
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	buf_init(&bad, 8192);
	assert_int_equal(buf_add(&bad, jws.p, (size_t)(p.sig - jws.p)), ST_OK);
	assert_int_equal(jws_verify(bad.p, bad.len, ident_pk(alice), TYP, &got), ST_PARSE);
	buf_free(&bad);
	/* empty header */
	buf_init(&bad, 8192);
	assert_int_equal(buf_add(&bad, p.pay - 1, jws.len - (size_t)(p.pay - 1 - jws.p)),
	    ST_OK);
	assert_int_equal(bad.p[0], '.');
	assert_int_equal(jws_verify(bad.p, bad.len, ident_pk(alice), TYP, &got), ST_PARSE);
	buf_free(&bad);
	assert_int_equal(got.len, 0);
	buf_free(&got);
	buf_free(&jws);
}

/* Headers signed with a valid signature, each wrong in one way.  "@A" and
 * "@B" stand for alice's and bob's kid; the verifier is alice. */
static const struct {
	const char *name, *hdr;
	status rc;
} headers[] = {
	{ "ours", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_OK },
	{ "alg Ed25519 (RFC 9864)", "{\"alg\":\"Ed25519\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}",
	    ST_OK },
	{ "no kid", "{\"alg\":\"EdDSA\",\"typ\":\"" TYP "\"}", ST_OK },
	{ "alg none", "{\"alg\":\"none\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_INVALID },
	{ "alg HS256", "{\"alg\":\"HS256\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_INVALID },
	{ "alg ES256", "{\"alg\":\"ES256\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_INVALID },
	{ "alg lowercase", "{\"alg\":\"eddsa\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_INVALID },
	{ "alg missing", "{\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_INVALID },
	{ "alg not a string", "{\"alg\":1,\"kid\":\"@A\",\"typ\":\"" TYP "\"}", ST_INVALID },
	{ "typ mismatch", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"parley-other\"}",
	    ST_INVALID },
	{ "typ missing", "{\"alg\":\"EdDSA\",\"kid\":\"@A\"}", ST_INVALID },
	{ "typ not a string", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":[]}", ST_INVALID },
	{ "crit", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"" TYP "\",\"crit\":[\"exp\"]}",
	    ST_INVALID },
	{ "crit empty", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"" TYP "\",\"crit\":[]}",
	    ST_INVALID },
	{ "b64 false", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"" TYP "\",\"b64\":false}",
	    ST_INVALID },
	{ "kid names another key", "{\"alg\":\"EdDSA\",\"kid\":\"@B\",\"typ\":\"" TYP "\"}",
	    ST_UNKNOWN_KEY },
	{ "kid empty", "{\"alg\":\"EdDSA\",\"kid\":\"\",\"typ\":\"" TYP "\"}", ST_UNKNOWN_KEY },
	{ "kid not a string", "{\"alg\":\"EdDSA\",\"kid\":7,\"typ\":\"" TYP "\"}",
	    ST_UNKNOWN_KEY },
	{ "duplicate alg", "{\"alg\":\"EdDSA\",\"alg\":\"none\",\"kid\":\"@A\",\"typ\":\""
	    TYP "\"}", ST_PARSE },
	{ "duplicate kid", "{\"alg\":\"EdDSA\",\"kid\":\"@B\",\"kid\":\"@A\",\"typ\":\""
	    TYP "\"}", ST_PARSE },
	{ "duplicate typ", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"x\",\"typ\":\""
	    TYP "\"}", ST_PARSE },
	{ "array", "[\"EdDSA\"]", ST_PARSE },
	{ "null", "null", ST_PARSE },
	{ "not JSON", "{alg:EdDSA}", ST_PARSE },
	{ "trailing garbage", "{\"alg\":\"EdDSA\",\"kid\":\"@A\",\"typ\":\"" TYP "\"}x",
	    ST_PARSE },
	{ "empty", "", ST_PARSE },
};

/* expand - hdr with @A / @B replaced by the kids. */
static void
expand(const char *hdr, struct buf *out)
{
	buf_init(out, 4096);
	for (const char *s = hdr; *s; s++) {
		if (s[0] == '@' && (s[1] == 'A' || s[1] == 'B')) {
			assert_int_equal(buf_adds(out, ident_kid(s[1] == 'A' ? alice : bob)),
			    ST_OK);
			s++;
		} else
			assert_int_equal(buf_add(out, s, 1), ST_OK);
	}
}

static void
test_headers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		struct buf hdr, jws, got;

		expand(headers[i].hdr, &hdr);
		handmade(alice, buf_str(&hdr), "aGVsbG8", &jws);
		buf_init(&got, 64);
		check_rc(headers[i].name, jws_verify(jws.p, jws.len, ident_pk(alice), TYP,
		    &got), headers[i].rc);
		assert_string_equal(buf_str(&got), headers[i].rc ? "" : "hello");
		buf_free(&hdr);
		buf_free(&jws);
		buf_free(&got);
	}
}

/* A header too long to be ours is refused without being parsed. */
static void
test_header_too_long(void **state)
{
	struct buf hdr, jws, got;

	(void)state;
	buf_init(&hdr, 4096);
	assert_int_equal(buf_addf(&hdr, "{\"alg\":\"EdDSA\",\"typ\":\"%s\",\"x\":\"", TYP), ST_OK);
	while (hdr.len < 1100)
		assert_int_equal(buf_adds(&hdr, "xxxxxxxxxx"), ST_OK);
	assert_int_equal(buf_adds(&hdr, "\"}"), ST_OK);
	handmade(alice, hdr.p, "aGVsbG8", &jws);
	buf_init(&got, 64);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_INVALID);
	buf_free(&hdr);
	buf_free(&jws);
	buf_free(&got);
}

static const struct {
	const char *name, *text;
	status rc;
} splits[] = {
	{ "three segments", "aaa.bbb.ccc", ST_OK },
	{ "empty payload (detached or empty content)", "aaa..ccc", ST_OK },
	{ "empty header", ".bbb.ccc", ST_PARSE },
	{ "empty signature", "aaa.bbb.", ST_PARSE },
	{ "two segments", "aaa.bbb", ST_PARSE },
	{ "one segment", "aaa", ST_PARSE },
	{ "four segments", "aaa.bbb.ccc.ddd", ST_PARSE },
	{ "five segments", "a.b.c.d.e", ST_PARSE },
	{ "only dots", "..", ST_PARSE },
	{ "empty", "", ST_PARSE },
	{ "padding", "aaa.bbb=.ccc", ST_PARSE },
	{ "standard alphabet", "aa+.bbb.ccc", ST_PARSE },
	{ "slash", "aaa.bb/.ccc", ST_PARSE },
	{ "space", "aaa.bbb.cc c", ST_PARSE },
	{ "JSON", "{\"a\":1}", ST_PARSE },
};

/* The table codec (jws_b64_*: payloads, the store's packed JWS) against
 * libsodium's constant-time one (util/b64): the same bytes out, and the
 * same texts refused (non-canonical last characters, characters outside
 * the alphabet, impossible lengths), over every length up to 13 and many
 * texts of each; jws_split against a character-by-character reference. */
static void
test_codec_as_sodium(void **state)
{
	static const char alpha[] = "AQgw_-9zEfBa.=+/ ";	/* the last five: not base64url */
	uint64_t x = 0x2545f4914f6cdd1du;

	(void)state;
	for (int round = 0; round < 60000; round++) {
		char text[16];
		size_t n = (size_t)round % 14;
		struct buf a, b, enc;
		struct jws_parts p;
		status ra, rb;
		int dots = 0, ok = 1;
		size_t first = 0, last = 0;

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* mostly the alphabet, now and then a dot or a stranger */
			text[i] = alpha[x % 100 < 90 ? x % 12 : 12 + x % 5];
		}
		buf_init(&a, 64);
		buf_init(&b, 64);
		buf_init(&enc, 64);
		ra = jws_b64_decode(&a, text, n);
		rb = b64_url_decode_buf(&b, text, n);
		if ((ra == ST_OK) != (rb == ST_OK))
			fail_msg("\"%.*s\": table %s, sodium %s", (int)n, text, status_str(ra),
			    status_str(rb));
		if (ra == ST_OK) {
			assert_int_equal(a.len, b.len);
			assert_memory_equal(a.p, b.p, a.len);
			assert_int_equal(jws_b64_encode(&enc, a.p, a.len), ST_OK);
			assert_int_equal(enc.len, n);
			assert_memory_equal(enc.p, text, n);
		} else
			assert_int_equal(a.len, 0);
		/* split: exactly two dots, first and last segments non-empty,
		 * every other character base64url */
		for (size_t i = 0; i < n; i++) {
			if (text[i] == '.') {
				if (!dots++)
					first = i;
				last = i;
			} else if (!strchr("AQgw_-9zEfBa", text[i]))
				ok = 0;
		}
		ok = ok && dots == 2 && first > 0 && last < n - 1;
		if ((jws_split(text, n, &p) == ST_OK) != ok)
			fail_msg("split \"%.*s\": want %s", (int)n, text, ok ? "ok" : "refused");
		if (ok) {
			assert_ptr_equal(p.hdr, text);
			assert_int_equal(p.hdr_len, first);
			assert_ptr_equal(p.pay, text + first + 1);
			assert_int_equal(p.pay_len, last - first - 1);
			assert_ptr_equal(p.sig, text + last + 1);
			assert_int_equal(p.sig_len, n - last - 1);
		}
		buf_free(&a);
		buf_free(&b);
		buf_free(&enc);
	}
}

static void
test_split(void **state)
{
	struct jws_parts p;

	(void)state;
	for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++)
		check_rc(splits[i].name, jws_split(splits[i].text, strlen(splits[i].text), &p),
		    splits[i].rc);
	assert_int_equal(jws_split("aaa.bb.c", 8, &p), ST_OK);
	assert_int_equal(p.hdr_len, 3);
	assert_int_equal(p.pay_len, 2);
	assert_int_equal(p.sig_len, 1);
	assert_memory_equal(p.pay, "bb", 2);
	assert_memory_equal(p.sig, "c", 1);
	/* only n bytes are looked at */
	assert_int_equal(jws_split("aaa.bbb.ccc.ddd", 11, &p), ST_OK);
	assert_int_equal(p.sig_len, 3);
}

/* flatten - the flattened JSON form of a compact JWS, with an extra member. */
static char *
flatten(const char *compact, const char *extra_key, json_t *extra_val)
{
	struct jws_parts p;
	json_t *doc;
	char *text;

	assert_int_equal(jws_split(compact, strlen(compact), &p), ST_OK);
	doc = json_pack("{s:s%,s:s%,s:s%}", "protected", p.hdr, p.hdr_len, "payload",
	    p.pay, p.pay_len, "signature", p.sig, p.sig_len);
	assert_non_null(doc);
	if (extra_key)
		assert_int_equal(json_object_set_new(doc, extra_key, extra_val), 0);
	text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	assert_non_null(text);
	return text;
}

static void
test_flat_round_trip(void **state)
{
	struct buf jws, compact, pay, got;
	char *flat;

	(void)state;
	signed_by(alice, "flat and round", &jws);
	flat = flatten(jws.p, NULL, NULL);
	buf_init(&compact, 8192);
	buf_init(&pay, 64);
	assert_int_equal(jws_flat_to_compact(flat, strlen(flat), &compact, &pay), ST_OK);
	assert_string_equal(buf_str(&compact), buf_str(&jws));
	assert_string_equal(buf_str(&pay), "flat and round");
	buf_init(&got, 64);
	assert_int_equal(jws_verify(compact.p, compact.len, ident_pk(alice), TYP, &got), ST_OK);
	assert_string_equal(buf_str(&got), "flat and round");
	free(flat);

	/* a literal one: the signature is not checked here, only the shape */
	buf_reset(&compact);
	buf_reset(&pay);
	assert_int_equal(jws_flat_to_compact("{\"protected\":\"eyJhbGciOiJFZERTQSJ9\","
	    "\"payload\":\"e30\",\"signature\":\"AAAA\"}", 71, &compact, &pay), ST_OK);
	assert_string_equal(buf_str(&compact), "eyJhbGciOiJFZERTQSJ9.e30.AAAA");
	assert_string_equal(buf_str(&pay), "{}");

	/* unknown members are ignored; the payload copy is optional */
	flat = flatten(jws.p, "note", json_string("ignored"));
	buf_reset(&compact);
	assert_int_equal(jws_flat_to_compact(flat, strlen(flat), &compact, NULL), ST_OK);
	assert_string_equal(buf_str(&compact), buf_str(&jws));
	free(flat);
	buf_free(&jws);
	buf_free(&compact);
	buf_free(&pay);
	buf_free(&got);
}

static void
test_flat_rejects(void **state)
{
	static const struct {
		const char *name, *text;
		status rc;
	} flats[] = {
		{ "not JSON", "protected.payload.signature", ST_PARSE },
		{ "array", "[\"a\",\"b\",\"c\"]", ST_PARSE },
		{ "no protected", "{\"payload\":\"aGk\",\"signature\":\"AAAA\"}", ST_PARSE },
		{ "no payload", "{\"protected\":\"e30\",\"signature\":\"AAAA\"}", ST_PARSE },
		{ "no signature", "{\"protected\":\"e30\",\"payload\":\"aGk\"}", ST_PARSE },
		{ "signature not a string",
		    "{\"protected\":\"e30\",\"payload\":\"aGk\",\"signature\":1}", ST_PARSE },
		{ "duplicate payload", "{\"protected\":\"e30\",\"payload\":\"aGk\","
		    "\"payload\":\"aGk\",\"signature\":\"AAAA\"}", ST_PARSE },
		{ "general serialization", "{\"payload\":\"aGk\",\"signatures\":"
		    "[{\"protected\":\"e30\",\"signature\":\"AAAA\"}]}", ST_PARSE },
		{ "payload not base64url (with payload copy)",
		    "{\"protected\":\"e30\",\"payload\":\"a+k=\",\"signature\":\"AAAA\"}", ST_PARSE },
	};
	struct buf jws, compact, pay;
	char *flat;

	(void)state;
	buf_init(&compact, 8192);
	buf_init(&pay, 64);
	assert_int_equal(buf_adds(&compact, "keep"), ST_OK);
	for (size_t i = 0; i < sizeof flats / sizeof flats[0]; i++) {
		check_rc(flats[i].name, jws_flat_to_compact(flats[i].text, strlen(flats[i].text),
		    &compact, &pay), flats[i].rc);
		assert_string_equal(buf_str(&compact), "keep");
		assert_int_equal(pay.len, 0);
	}

	/* an unprotected "header" is not signed, so it is refused */
	signed_by(alice, "hi", &jws);
	flat = flatten(jws.p, "header", json_pack("{s:s}", "kid", ident_kid(bob)));
	assert_int_equal(jws_flat_to_compact(flat, strlen(flat), &compact, &pay), ST_INVALID);
	assert_string_equal(buf_str(&compact), "keep");
	free(flat);
	flat = flatten(jws.p, "header", json_object());
	assert_int_equal(jws_flat_to_compact(flat, strlen(flat), &compact, &pay), ST_INVALID);
	assert_string_equal(buf_str(&compact), "keep");
	free(flat);
	buf_free(&jws);
	buf_free(&compact);
	buf_free(&pay);
}

/* A dot smuggled into a flattened member cannot shift the segments. */
static void
test_flat_smuggled_dot(void **state)
{
	struct buf jws, compact, got;
	struct jws_parts p;
	json_t *doc;
	char *flat;

	(void)state;
	signed_by(alice, "hi", &jws);
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	/* protected = "HDR.PAY", payload = "" : the same characters in total */
	doc = json_pack("{s:s%,s:s,s:s%}", "protected", p.hdr, p.hdr_len + 1 + p.pay_len,
	    "payload", "", "signature", p.sig, p.sig_len);
	flat = json_dumps(doc, 0);
	json_decref(doc);
	buf_init(&compact, 8192);
	buf_init(&got, 64);
	if (jws_flat_to_compact(flat, strlen(flat), &compact, NULL) == ST_OK)
		assert_int_equal(jws_verify(compact.p, compact.len, ident_pk(alice), TYP, &got),
		    ST_PARSE);
	assert_int_equal(got.len, 0);
	free(flat);
	buf_free(&jws);
	buf_free(&compact);
	buf_free(&got);
}

/* A header accepted once is remembered with its key and typ (jws.c): the
 * same bytes under another key, another typ or a changed payload are judged
 * afresh, every time, however often the header was accepted before. */
static void
test_header_cache(void **state)
{
	char hdr[256], big[1000];
	struct buf jws, forged, got, other, mine;
	struct jws_parts p;

	(void)state;
	buf_init(&got, 4096);
	signed_by(alice, "hello", &jws);
	for (int round = 0; round < 3; round++) {
		buf_reset(&got);
		assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
		assert_string_equal(buf_str(&got), "hello");
		buf_reset(&got);
		assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(bob), TYP, &got),
		    ST_UNKNOWN_KEY);
		assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), "parley-other",
		    &got), ST_INVALID);
		assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP "x", &got),
		    ST_INVALID);
		assert_int_equal(got.len, 0);
	}
	/* the accepted header over another payload: the signature still decides */
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	buf_init(&forged, 8192);
	assert_int_equal(buf_add(&forged, jws.p, p.hdr_len + 1), ST_OK);
	assert_int_equal(buf_addf(&forged, "aGVsbG9v.%.*s", (int)p.sig_len, p.sig), ST_OK);
	assert_int_equal(jws_verify(forged.p, forged.len, ident_pk(alice), TYP, &got), ST_BADSIG);
	assert_int_equal(got.len, 0);

	/* a header without kid accepted for alice is accepted for bob too, and
	 * then bob's key must still fail the signature */
	handmade(alice, "{\"alg\":\"EdDSA\",\"typ\":\"" TYP "\"}", "aGVsbG8", &other);
	assert_int_equal(jws_verify(other.p, other.len, ident_pk(alice), TYP, &got), ST_OK);
	buf_reset(&got);
	assert_int_equal(jws_verify(other.p, other.len, ident_pk(bob), TYP, &got), ST_BADSIG);
	assert_int_equal(got.len, 0);

	/* more headers than the cache holds, and one too long to keep */
	snprintf(big, sizeof big, "{\"alg\":\"EdDSA\",\"typ\":\"%s\",\"x\":\"%0600d\"}", TYP, 0);
	for (int i = 0; i < 12; i++) {
		const struct ident *who = i % 3 == 0 ? alice : i % 3 == 1 ? bob : rfc;

		snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\",\"n\":%d}",
		    ident_kid(who), TYP, i % 5);
		handmade(who, i % 4 == 3 ? big : hdr, "aGk", &mine);
		buf_reset(&got);
		assert_int_equal(jws_verify(mine.p, mine.len, ident_pk(who), TYP, &got), ST_OK);
		assert_string_equal(buf_str(&got), "hi");
		assert_int_not_equal(jws_verify(mine.p, mine.len,
		    ident_pk(who == alice ? bob : alice), TYP, &got), ST_OK);
		buf_free(&mine);
	}
	buf_reset(&got);
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
	buf_free(&jws);
	buf_free(&forged);
	buf_free(&other);
	buf_free(&got);
}

/* The payload segment has its own base64url codec (jws.c): it must write
 * what b64.c writes and accept exactly what b64.c accepts. */
static void
test_payload_codec(void **state)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint8_t seed[randombytes_SEEDBYTES] = { 7 }, data[300];
	struct buf jws, want, got;
	struct jws_parts p;
	char hdr[256];

	(void)state;
	randombytes_buf_deterministic(data, sizeof data, seed);
	buf_init(&want, 4096);
	buf_init(&got, 4096);
	for (size_t n = 0; n <= sizeof data; n += n < 40 ? 1 : 37) {
		buf_init(&jws, 8192);
		assert_int_equal(jws_sign(alice, TYP, data, n, &jws), ST_OK);
		assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
		buf_reset(&want);
		assert_int_equal(b64_url_encode(&want, data, n), ST_OK);
		assert_int_equal(p.pay_len, want.len);
		assert_memory_equal(p.pay, want.p, want.len);
		buf_reset(&got);
		assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got), ST_OK);
		assert_int_equal(got.len, n);
		if (n)
			assert_memory_equal(got.p, data, n);
		buf_free(&jws);
	}

	/* random segments, most of them not canonical: the same verdict and
	 * bytes as b64_url_decode_buf */
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    ident_kid(alice), TYP);
	for (int i = 0; i < 600; i++) {
		char seg[16];
		size_t len = (size_t)(data[i % sizeof data] % 10);
		status wrc, grc;

		seed[1] = (uint8_t)i, seed[2] = (uint8_t)(i >> 8);
		randombytes_buf_deterministic(seg, sizeof seg, seed);
		for (size_t k = 0; k < len; k++)
			seg[k] = alpha[(uint8_t)seg[k] % 64];
		seg[len] = '\0';
		handmade(alice, hdr, seg, &jws);
		buf_reset(&want);
		buf_reset(&got);
		wrc = b64_url_decode_buf(&want, seg, len);
		grc = jws_verify(jws.p, jws.len, ident_pk(alice), TYP, &got);
		if (wrc != grc)
			fail_msg("segment \"%s\": b64.c says \"%s\", jws_verify \"%s\"", seg,
			    status_str(wrc), status_str(grc));
		assert_int_equal(got.len, want.len);
		if (got.len)
			assert_memory_equal(got.p, want.p, got.len);
		buf_free(&jws);
	}
	buf_free(&want);
	buf_free(&got);
}

/* jws_sign_kept's packed form, and jws_verify_pack's, is what jws_pack
 * makes of the same text,
 * and jws_unpack gives that text back byte for byte; a text that would not
 * come back the same (not canonical, not three parts) is not packed. */
static void
test_pack(void **state)
{
	const char *pays[] = { "", "a", "ab", "abc", "{\"v\":1,\"body\":\"\\u00e9\"}" };
	uint8_t sig[IDENT_SIG_LEN];
	struct buf jws, pack, again, back, pl;

	(void)state;
	buf_init(&pack, 8192);
	buf_init(&again, 8192);
	buf_init(&back, 8192);
	for (size_t i = 0; i < sizeof pays / sizeof pays[0]; i++) {
		buf_init(&jws, 8192);
		assert_int_equal(jws_sign_kept(alice, TYP, pays[i], strlen(pays[i]), &jws, sig,
		    &pack), ST_OK);
		assert_memory_equal(pack.p + pack.len - IDENT_SIG_LEN, sig, IDENT_SIG_LEN);
		assert_int_equal(jws_pack(jws.p, jws.len, &again), ST_OK);
		assert_int_equal(again.len, pack.len);
		assert_memory_equal(again.p, pack.p, pack.len);
		assert_int_equal(pack.len, 8 + (size_t)(pack.p[3] & 0xff) + strlen(pays[i]) +
		    IDENT_SIG_LEN);
		assert_int_equal(jws_unpack(pack.p, pack.len, &back), ST_OK);
		assert_int_equal(back.len, jws.len);
		assert_memory_equal(back.p, jws.p, jws.len);
		/* verifying packs the same */
		buf_init(&pl, 8192);
		assert_int_equal(jws_verify_pack(jws.p, jws.len, ident_pk(alice), TYP, &pl, &back),
		    ST_OK);
		assert_int_equal(back.len, pack.len);
		assert_memory_equal(back.p, pack.p, pack.len);
		assert_int_equal(pl.len, strlen(pays[i]));
		/* a forgery packs nothing */
		jws.p[jws.len - 2] ^= 1;
		assert_int_not_equal(jws_verify_pack(jws.p, jws.len, ident_pk(alice), TYP, &pl,
		    &back), ST_OK);
		buf_free(&pl);
		/* a second signing reuses the header, and still packs the same */
		buf_reset(&jws);
		assert_int_equal(jws_sign_kept(alice, TYP, pays[i], strlen(pays[i]), &jws, sig,
		    &pack), ST_OK);
		assert_memory_equal(again.p, pack.p, pack.len);
		buf_free(&jws);
	}
	/* not canonical (a last character with bits past the byte), two parts,
	 * a character outside the alphabet: kept as text by the store */
	assert_int_equal(jws_pack("eyJh.YR.c2ln", 12, &again), ST_PARSE);
	assert_int_equal(again.len, 0);
	assert_int_equal(jws_pack("eyJh.YQ", 7, &again), ST_PARSE);
	assert_int_equal(jws_pack("eyJh.Y+Q.c2ln", 13, &again), ST_PARSE);
	assert_int_equal(jws_pack("", 0, &again), ST_PARSE);
	/* damaged packs: lengths past the end */
	assert_int_equal(jws_unpack("\0\0\0\x09\0\0\0\0abc", 11, &back), ST_PARSE);
	assert_int_equal(jws_unpack("\0\0\0", 3, &back), ST_PARSE);
	assert_int_equal(back.len, 0);
	buf_free(&pack);
	buf_free(&again);
	buf_free(&back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8037_a4),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sign_toobig),
		cmocka_unit_test(test_payload_toobig),
		cmocka_unit_test(test_forged_one_char),
		cmocka_unit_test(test_noncanonical_signature),
		cmocka_unit_test(test_noncanonical_payload),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_header_too_long),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_codec_as_sodium),
		cmocka_unit_test(test_flat_round_trip),
		cmocka_unit_test(test_flat_rejects),
		cmocka_unit_test(test_flat_smuggled_dot),
		cmocka_unit_test(test_header_cache),
		cmocka_unit_test(test_payload_codec),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
