/* why.c - reasons and shared checks of the strict readers (why.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ident.h"
#include "fmt/why.h"
#include "util/b64.h"
#include "util/stamp.h"

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

size_t
why_control_at(const char *s, size_t n, int newline_ok)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(c == '\n' && newline_ok)) || c == 0x7f)
			return i;
	}
	return n;
}

/* cut - end a path that snprintf (which returned n) cut short with "...". */
static void
cut(char out[static WHY_PATH_MAX], int n)
{
	if (n < 0 || n >= WHY_PATH_MAX)
		memcpy(out + WHY_PATH_MAX - 4, "...", 4);
}

void
why_path_key(char out[static WHY_PATH_MAX], const char *parent, const char *key)
{
	char k[WHY_SHOWN_MAX + 4];

	cut(out, snprintf(out, WHY_PATH_MAX, "%s%s%s", parent, parent[0] ? "." : "",
	    why_shown(key, k)));
}

void
why_path_idx(char out[static WHY_PATH_MAX], const char *parent, size_t i)
{
	cut(out, snprintf(out, WHY_PATH_MAX, "%s[%zu]", parent, i));
}

status
why_load(const char *text, size_t n, size_t max, json_t **root, char why[static WHY_MAX])
{
	char shown[WHY_SHOWN_MAX + 4];
	json_error_t err;

	*root = NULL;
	if (n > max)
		return why_fail(why, WHY_MAX, ST_TOOBIG, "(top)", "%zu bytes, over the %zu allowed",
		    n, max);
	*root = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!*root) {
		if (json_error_code(&err) == json_error_out_of_memory)
			return why_fail(why, WHY_MAX, ST_NOMEM, "(top)", "out of memory");
		return why_fail(why, WHY_MAX, ST_PARSE, "(top)",
		    "not JSON: %s (line %d, column %d)", why_shown(err.text, shown), err.line,
		    err.column);
	}
	if (!json_is_object(*root)) {
		json_decref(*root);
		*root = NULL;
		return why_fail(why, WHY_MAX, ST_PARSE, "(top)", "not a JSON object");
	}
	return ST_OK;
}

static int
listed(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

status
why_members(const json_t *v, const char *path, const char *const *allowed,
    char why[static WHY_MAX])
{
	const char *k, *first = NULL;
	char p[WHY_PATH_MAX];
	json_t *m;

	if (!json_is_object(v))
		return why_fail(why, WHY_MAX, ST_INVALID, path[0] ? path : "(top)",
		    "not an object");
	/* the first unknown member in byte order, so that every reader of a
	 * document refuses it for the same member */
	json_object_foreach((json_t *)v, k, m) {
		(void)m;
		if (!listed(k, allowed) && (!first || strcmp(k, first) < 0))
			first = k;
	}
	if (!first)
		return ST_OK;
	why_path_key(p, path, first);
	return why_fail(why, WHY_MAX, ST_INVALID, p, "unknown member");
}

status
why_need(const json_t *o, const char *parent, const char *key, const json_t **v,
    char p[static WHY_PATH_MAX], char why[static WHY_MAX])
{
	why_path_key(p, parent, key);
	*v = json_object_get(o, key);
	return *v ? ST_OK : why_fail(why, WHY_MAX, ST_INVALID, p, "missing");
}

status
why_text(const json_t *v, const char *path, size_t min, size_t max, int newline_ok,
    const char **s, char why[static WHY_MAX])
{
	size_t n, at;

	if (!json_is_string(v))
		return why_fail(why, WHY_MAX, ST_INVALID, path, "not a string");
	*s = json_string_value(v);
	n = json_string_length(v);
	if (n < min)
		return why_fail(why, WHY_MAX, ST_INVALID, path, n == 0 ? "empty" :
		    "shorter than %zu bytes", min);
	if (n > max)
		return why_fail(why, WHY_MAX, ST_INVALID, path, "longer than %zu bytes", max);
	at = why_control_at(*s, n, newline_ok);
	if (at < n)
		return why_fail(why, WHY_MAX, ST_INVALID, path, "control character at byte %zu",
		    at);
	return ST_OK;
}

status
why_array(const json_t *v, const char *path, size_t min, size_t max, char why[static WHY_MAX])
{
	if (!json_is_array(v))
		return why_fail(why, WHY_MAX, ST_INVALID, path, "not an array");
	if (json_array_size(v) < min)
		return min == 1 ? why_fail(why, WHY_MAX, ST_INVALID, path, "empty") :
		    why_fail(why, WHY_MAX, ST_INVALID, path, "fewer than %zu elements", min);
	if (json_array_size(v) > max)
		return why_fail(why, WHY_MAX, ST_INVALID, path, "more than %zu elements", max);
	return ST_OK;
}

status
why_time(const json_t *v, const char *path, int64_t *ms, char why[static WHY_MAX])
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
	    stamp_parse(json_string_value(v), ms) != ST_OK)
		return why_fail(why, WHY_MAX, ST_INVALID, path,
		    "not a UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
	return ST_OK;
}

int
why_index(const char *s, const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (strcmp(s, list[k]) == 0)
			return k;
	return -1;
}

status
why_choice(const json_t *v, const char *path, const char *const *list, int *i,
    char why[static WHY_MAX])
{
	char say[WHY_MAX / 2];
	size_t at = 0;

	if (json_is_string(v) && (*i = why_index(json_string_value(v), list)) >= 0)
		return ST_OK;
	say[0] = '\0';
	for (int k = 0; list[k] && at < sizeof say; k++) {
		int w = snprintf(say + at, sizeof say - at, "%s%s", k ? ", " : "", list[k]);

		if (w < 0)
			break;
		at += (size_t)w;
	}
	return why_fail(why, WHY_MAX, ST_INVALID, path, "not one of %s", say);
}

status
why_read(const char *text, size_t n, size_t max, size_t size,
    status (*fill)(const json_t *root, void *obj, const void *ctx, char *why),
    const void *ctx, void (*release)(void *obj), void **out, char why[static WHY_MAX])
{
	json_t *root;
	void *obj;
	status rc;

	*out = NULL;
	why[0] = '\0';
	if ((rc = why_load(text, n, max, &root, why)) != ST_OK)
		return rc;
	obj = calloc(1, size);
	rc = obj ? fill(root, obj, ctx, why) :
	    why_fail(why, WHY_MAX, ST_NOMEM, "(top)", "out of memory");
	json_decref(root);
	if (rc) {
		release(obj);
		return rc;
	}
	*out = obj;
	return ST_OK;
}
