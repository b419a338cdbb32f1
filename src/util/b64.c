/* b64.c - strict base64 via libsodium.
 *
 * SECURITY: used on keys and signatures; libsodium's codec is constant time.
 */
#include <sodium.h>

#include "util/b64.h"

static status
encode(struct buf *out, const uint8_t *in, size_t n, int variant)
{
	size_t len = sodium_base64_encoded_len(n, variant) - 1;
	char *at;
	status rc;

	rc = buf_extend(out, len, &at);
	if (rc)
		return rc;
	/* at[len] is the buffer's NUL, so len + 1 bytes are writable. */
	sodium_bin2base64(at, len + 1, in, n, variant);
	return ST_OK;
}

status
b64_url_encode(struct buf *out, const uint8_t *in, size_t n)
{
	return encode(out, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

status
b64_std_encode(struct buf *out, const uint8_t *in, size_t n)
{
	return encode(out, in, n, sodium_base64_VARIANT_ORIGINAL);
}

/* decoded_len - exact output size of a well-formed input of n characters. */
static int
decoded_len(const char *in, size_t n, int variant, size_t *len)
{
	if (variant == sodium_base64_VARIANT_URLSAFE_NO_PADDING) {
		if (n % 4 == 1)
			return -1;
		*len = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
		return 0;
	}
	if (n % 4 != 0)
		return -1;
	*len = n / 4 * 3;
	if (n >= 1 && in[n - 1] == '=')
		(*len)--;
	if (n >= 2 && in[n - 2] == '=')
		(*len)--;
	return 0;
}

/* in_alphabet - libsodium 1.0.18 decodes bytes >= 0x80 as value 63, so the
 * alphabet is checked here; '=' is left for the padding rules below. */
static int
in_alphabet(const char *in, size_t n, int variant)
{
	int url = variant == sodium_base64_VARIANT_URLSAFE_NO_PADDING;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (url ? (c == '-' || c == '_') : (c == '+' || c == '/' || c == '='))
			continue;
		return 0;
	}
	return 1;
}

static status
decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen, int variant)
{
	const char *end = NULL;
	size_t need;

	*outlen = 0;
	if (!in_alphabet(in, n, variant) || decoded_len(in, n, variant, &need) != 0)
		return ST_PARSE;
	if (need > cap)
		return ST_TOOBIG;
	if (sodium_base642bin(out, cap, in, n, NULL, outlen, &end, variant) != 0 ||
	    end != in + n || *outlen != need) {
		*outlen = 0;
		return ST_PARSE;
	}
	return ST_OK;
}

status
b64_url_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	return decode(in, n, out, cap, outlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

status
b64_std_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	return decode(in, n, out, cap, outlen, sodium_base64_VARIANT_ORIGINAL);
}

status
b64_url_decode_buf(struct buf *out, const char *in, size_t n)
{
	size_t start = out->len, need, got;
	char *at;
	status rc;

	if (decoded_len(in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING, &need) != 0)
		return ST_PARSE;
	rc = buf_extend(out, need, &at);
	if (rc)
		return rc;
	rc = b64_url_decode(in, n, (uint8_t *)at, need, &got);
	buf_truncate(out, rc ? start : start + got);
	return rc;
}
