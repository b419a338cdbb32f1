/* fuzz_totp.c - the TOTP module's readers: base32 as a person types it,
 * and a submitted code.  Besides memory safety it checks that bytes that
 * decode encode to the input's letters (uppercased, without spaces and
 * padding) and decode back to the same bytes, and that a secret that
 * decodes yields codes its own verify accepts once. */
#include "crypto/totp.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* letters - s uppercased, without spaces and '=', into out (cap bytes). */
static void
letters(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '=')
			continue;
		if (o + 1 >= cap)
			abort();
		out[o++] = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
	}
	out[o] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t raw[TOTP_SECRET_MAX * 4], back[sizeof raw];
	char text[TOTP_B32_LEN(sizeof raw)], want[4096], code[9];
	int64_t last = -1;
	size_t n, m;
	char *s;

	fuzz_init();
	if (size >= sizeof want)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (totp_base32_decode(s, raw, sizeof raw, &n) == ST_OK) {
		if (totp_base32(raw, n, text, sizeof text) != ST_OK)
			abort();
		letters(s, want, sizeof want);
		if (strcmp(text, want) != 0)
			abort();
		if (totp_base32_decode(text, back, sizeof back, &m) != ST_OK || m != n ||
		    memcmp(raw, back, n) != 0)
			abort();
		if (n >= TOTP_SECRET_MIN && n <= TOTP_SECRET_MAX) {
			if (totp_code(raw, n, 1111111111, 6, code) != ST_OK ||
			    totp_verify(raw, n, code, 1111111111, &last) != ST_OK ||
			    totp_verify(raw, n, code, 1111111111, &last) != ST_REPLAY)
				abort();
		}
	}
	/* the input as a submitted code */
	last = -1;
	(void)totp_verify((const uint8_t *)"12345678901234567890", 20, s, 59, &last);
	free(s);
	return 0;
}
