/* cookie.c - reading a Cookie request header (cookie.h). */
#include <string.h>

#include "fmt/cookie.h"

/* octet - RFC 6265's cookie-octet: printable ASCII but space, '"', ',',
 * ';' and '\\'. */
static int
octet(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

status
cookie_get(const char *header, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (cap)
		out[0] = '\0';
	while (p && *p) {
		const char *end = strchr(p, ';'), *eq, *v;
		size_t len = end ? (size_t)(end - p) : strlen(p), vlen;

		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		eq = memchr(p, '=', len);
		if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			v = eq + 1;
			vlen = len - nlen - 1;
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
				v++, vlen -= 2;
			for (size_t i = 0; i < vlen; i++)
				if (!octet((unsigned char)v[i]))
					return ST_PARSE;
			if (vlen >= cap)
				return ST_TOOBIG;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return ST_OK;
		}
		if (!eq && len == nlen && memcmp(p, name, nlen) == 0)
			return ST_PARSE;
		p = end ? end + 1 : NULL;
	}
	return ST_NOTFOUND;
}
