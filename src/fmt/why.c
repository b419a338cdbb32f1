/* why.c - reasons and shared checks of the strict readers (why.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto/ident.h"
#include "fmt/why.h"
#include "util/b64.h"

status
why_fail(char *why, size_t cap, status rc, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(why, cap, "%s: ", path);
	if (n < 0 || (size_t)n >= cap)
		return rc;
	va_start(ap, fmt);
	vsnprintf(why + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
why_shown(const char *s, char out[static WHY_SHOWN_MAX + 4])
{
	size_t n = strnlen(s, WHY_SHOWN_MAX + 1), i;

	for (i = 0; i < n && i < WHY_SHOWN_MAX; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\' ? s[i] : '?';
	if (n > WHY_SHOWN_MAX) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	if (i == 0) {
		memcpy(out, "\"\"", 2);
		i = 2;
	}
	out[i] = '\0';
	return out;
}

int
why_kid_ok(const char *s)
{
	uint8_t raw[IDENT_PK_LEN];
	size_t n;

	return strlen(s) == IDENT_KID_LEN - 1 &&
	    b64_url_decode(s, IDENT_KID_LEN - 1, raw, sizeof raw, &n) == ST_OK &&
	    n == IDENT_PK_LEN;
}

int
why_hex64_ok(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}
