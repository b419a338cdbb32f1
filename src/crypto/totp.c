/* totp.c - RFC 6238 one-time passwords and the base32 they travel in
 * (totp.h).
 *
 * SECURITY: HMAC-SHA1 is OpenSSL's (EVP_Q_mac), never written here.  The
 * secret's base32 is encoded and decoded without tables or branches on its
 * bits, as its bytes are the secret; codes are compared with sodium_memcmp.
 * Intermediate MACs and texts holding the secret are wiped.  A code is
 * good once: the caller's last_step refuses a replay within the window.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "crypto/totp.h"

status
totp_secret_new(uint8_t secret[static TOTP_SECRET_LEN])
{
	randombytes_buf(secret, TOTP_SECRET_LEN);
	return ST_OK;
}

/* b32_char - the base32 letter of v (0..31): 'A'..'Z', then '2'..'7';
 * arithmetic only (the mask is all ones when v > 25). */
static char
b32_char(int v)
{
	return (char)(v + 'A' + (((25 - v) >> 8) & ('2' - 'A' - 26)));
}

/* b32_value - the value of letter c (any case), or -1; arithmetic only:
 * each term adds c's value + 1 when c is in its range. */
static int
b32_value(int c)
{
	int v = -1;

	v += (((64 - c) & (c - 91)) >> 8) & (c - 64);	/* 'A'..'Z' */
	v += (((96 - c) & (c - 123)) >> 8) & (c - 96);	/* 'a'..'z' */
	v += (((49 - c) & (c - 56)) >> 8) & (c - 23);	/* '2'..'7' */
	return v;
}

status
totp_base32(const uint8_t *secret, size_t n, char *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	if (n > (SIZE_MAX - 5) / 8 || cap < TOTP_B32_LEN(n)) {
		if (cap > 0)
			out[0] = '\0';
		return ST_TOOBIG;
	}
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | secret[i];	/* only the low bits + 5 matter */
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_char((int)(acc >> bits & 31));
		}
	}
	if (bits > 0)
		out[o++] = b32_char((int)(acc << (5 - bits) & 31));
	out[o] = '\0';
	sodium_memzero(&acc, sizeof acc);
	return ST_OK;
}

status
totp_base32_decode(const char *s, uint8_t *out, size_t cap, size_t *n)
{
	/* the padding of a last group of r letters; -1: no group has r */
	static const int pad_for[8] = { 0, -1, 6, -1, 4, 3, -1, 1 };
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0, letters = 0, pads = 0;
	status rc = ST_PARSE;

	*n = 0;
	for (const char *p = s; *p; p++) {
		int v;

		if (*p == ' ')
			continue;
		if (*p == '=') {
			pads++;
			continue;
		}
		v = b32_value((unsigned char)*p);
		if (pads > 0 || v < 0)	/* a letter after padding; not a letter */
			goto fail;
		letters++;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap) {
				rc = ST_TOOBIG;
				goto fail;
			}
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (pad_for[letters % 8] < 0 || (pads != 0 && pads != (size_t)pad_for[letters % 8]) ||
	    (acc & ((1u << bits) - 1)) != 0)	/* a length or tail no encoding has */
		goto fail;
	sodium_memzero(&acc, sizeof acc);
	*n = o;
	return ST_OK;
fail:
	sodium_memzero(&acc, sizeof acc);
	if (cap > 0)
		sodium_memzero(out, cap);
	return rc;
}

/* code_at - out = the digits-digit code of secret[0..n) for step. */
static status
code_at(const uint8_t *secret, size_t n, uint64_t step, int digits, char out[static 9])
{
	static const uint32_t mod[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
	    10000000, 100000000 };
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0;
	uint32_t bin;
	unsigned off;

	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (uint8_t)step;
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, secret, n, msg, sizeof msg, mac,
	    sizeof mac, &maclen) || maclen != 20) {
		sodium_memzero(mac, sizeof mac);
		return ST_CRYPTO;
	}
	off = mac[19] & 0xf;	/* RFC 4226 §5.3 dynamic truncation */
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	snprintf(out, 9, "%0*u", digits, (unsigned)(bin % mod[digits]));
	sodium_memzero(mac, sizeof mac);
	sodium_memzero(&bin, sizeof bin);
	return ST_OK;
}

status
totp_code(const uint8_t *secret, size_t n, int64_t unix_s, int digits, char out[static 9])
{
	out[0] = '\0';
	if (n < TOTP_SECRET_MIN || n > TOTP_SECRET_MAX || digits < 6 || digits > 8 ||
	    unix_s < 0)
		return ST_INVALID;
	return code_at(secret, n, (uint64_t)unix_s / TOTP_STEP, digits, out);
}

status
totp_verify(const uint8_t *secret, size_t n, const char *code, int64_t unix_s,
    int64_t *last_step)
{
	int64_t step, good = -1;
	int matched = 0;
	char want[9];

	for (int i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return ST_INVALID;
	if (code[TOTP_DIGITS] != '\0' || n < TOTP_SECRET_MIN || n > TOTP_SECRET_MAX ||
	    unix_s < 0)
		return ST_INVALID;
	step = unix_s / TOTP_STEP;
	/* every step of the window is computed and compared, matched or not */
	for (int64_t s = step - 1; s <= step + 1; s++) {
		status rc;

		if (s < 0)
			continue;
		rc = code_at(secret, n, (uint64_t)s, TOTP_DIGITS, want);
		if (rc) {
			sodium_memzero(want, sizeof want);
			return rc;
		}
		if (sodium_memcmp(want, code, TOTP_DIGITS) == 0) {
			matched = 1;
			if (s > *last_step)
				good = s;	/* the latest unused step that matches */
		}
	}
	sodium_memzero(want, sizeof want);
	if (good < 0)
		return matched ? ST_REPLAY : ST_BADSIG;
	*last_step = good;
	return ST_OK;
}

/* A bounded writer for totp_uri: full is set, and nothing more written,
 * once out (with room for the NUL) would overflow. */
struct cursor {
	char *p;
	size_t cap, len;
	int full;
};

static void
put(struct cursor *c, const char *s, size_t n)
{
	if (c->full || n >= c->cap - c->len) {
		c->full = 1;
		return;
	}
	memcpy(c->p + c->len, s, n);
	c->len += n;
}

/* put_pct - s percent-encoded: RFC 3986 unreserved characters kept. */
static void
put_pct(struct cursor *c, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~')
			put(c, (const char *)p, 1);
		else
			put(c, e, 3);
	}
}

status
totp_uri(const char *issuer, const char *account, const uint8_t *secret, size_t n,
    char *out, size_t cap)
{
	char b32[TOTP_B32_LEN(TOTP_SECRET_MAX)];
	struct cursor c = { out, cap, 0, 0 };
	static const char tail[] = "&algorithm=SHA1&digits=6&period=30";

	if (cap > 0)
		out[0] = '\0';
	if (!*issuer || !*account || n < TOTP_SECRET_MIN || n > TOTP_SECRET_MAX)
		return ST_INVALID;
	if (cap == 0)
		return ST_TOOBIG;
	if (totp_base32(secret, n, b32, sizeof b32) != ST_OK)
		return ST_INVALID;	/* cannot happen: n is bounded above */
	put(&c, "otpauth://totp/", 15);
	put_pct(&c, issuer);
	put(&c, ":", 1);
	put_pct(&c, account);
	put(&c, "?secret=", 8);
	put(&c, b32, strlen(b32));
	put(&c, "&issuer=", 8);
	put_pct(&c, issuer);
	put(&c, tail, sizeof tail - 1);
	sodium_memzero(b32, sizeof b32);
	if (c.full) {
		sodium_memzero(out, cap);
		return ST_TOOBIG;
	}
	out[c.len] = '\0';
	return ST_OK;
}
