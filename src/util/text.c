/* text.c - escaping text for people (text.h).
 *
 * SECURITY: nothing a peer wrote reaches a terminal or a log line raw: no
 * control character, no bidi override, no invalid UTF-8.  The escaping is
 * one-to-one for what it changes (a backslash form per code point or byte),
 * so a reader can still tell what was sent.
 */
#include <string.h>

#include "util/text.h"

int
text_shown(uint32_t cp)
{
	return !(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xad ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb));
}

size_t
text_utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t k = p[0] < 0x80 ? 1 : p[0] < 0xc2 ? 0 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 :
	    p[0] < 0xf5 ? 4 : 0;
	uint32_t c = k == 1 ? p[0] : k == 2 ? p[0] & 0x1fu : k == 3 ? p[0] & 0x0fu :
	    p[0] & 0x07u;

	if (k == 0 || k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3fu);
	}
	if ((k == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (k == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return k;
}

status
text_escape(struct buf *out, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	status rc = flags & TEXT_QUOTED ? buf_add(out, "\"", 1) : ST_OK;

	while (!rc && p < end) {
		uint32_t cp = 0;
		size_t k = text_utf8(p, (size_t)(end - p), &cp);

		if (k == 0) {
			rc = buf_addf(out, "\\x%02x", *p++);
			continue;
		}
		if ((flags & TEXT_QUOTED) && (cp == '"' || cp == '\\'))
			rc = buf_addf(out, "\\%c", (char)cp);
		else if (cp == '\n' && (flags & TEXT_LINES))
			rc = buf_add(out, "\n", 1);
		else if (cp == '\n')
			rc = buf_adds(out, "\\n");
		else if (cp == '\t')
			rc = buf_adds(out, "\\t");
		else if (cp == '\r')
			rc = buf_adds(out, "\\r");
		else if (!text_shown(cp))
			rc = buf_addf(out, "\\u%04x", (unsigned)cp);
		else
			rc = buf_add(out, p, k);
		p += k;
	}
	if (!rc && (flags & TEXT_QUOTED))
		rc = buf_add(out, "\"", 1);
	return rc;
}

size_t
text_utf8_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n && (p[i] < 0x80 ? (k = 1) : (k = text_utf8(p + i, n - i, &cp))) > 0)
		i += k;
	return i;
}
