/* jtext.c - JSON text as jansson's json_dumps writes it (jtext.h).
 *
 * jansson 2.14's rules for json_dumps' output, which the unit test holds
 * this to byte for byte: compact separators ',' and ':'; an object's keys
 * in memcmp order of their bytes, the shorter first on a tie; integers as
 * "%" JSON_INTEGER_FORMAT; true, false, null; a string's '"' and '\\'
 * escaped, \b \f \n \r \t, other bytes below 0x20 as \u00XX in capitals,
 * everything else (UTF-8 included) as it is.  What these rules do not
 * cover goes to json_dumps itself, the whole tree: a real (jansson's own
 * formatting of doubles), a string that is not UTF-8 (json_dumps refuses
 * it), a tree deeper than DEPTH_MAX, a top that is not an object or list.
 *
 * SECURITY: the bytes written are what a hash over an object covers: a
 * difference from json_dumps would make the same object two objects to
 * the store and to a peer.  So anything in doubt goes to json_dumps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/jtext.h"

#define DEPTH_MAX 64	/* deeper trees go to json_dumps (STIX allows 32) */
#define KEYS_ON_STACK 64	/* an object with more keys sorts them in malloc'd memory */

/* Why a write stopped: ST_OK, a status of the buffer's, or PUNT. */
#define PUNT ST__COUNT	/* not covered here: json_dumps writes the tree */

struct key {
	const char *k;
	size_t n;
	json_t *v;
};

/* utf8_len - the length of the valid UTF-8 sequence at s[0..n) (as
 * jansson's utf8_check_full judges it), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t v;

	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	len = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	if (len > n)
		return 0;
	v = s[0] & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
	for (i = 1; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (len == 3 && v < 0x800) ||
	    (len == 4 && v < 0x10000))
		return 0;
	return len;
}

/* str - s[0..n) quoted and escaped; PUNT for bytes that are not UTF-8. */
static status
str(const char *s, size_t n, struct buf *out, int check)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;
	status rc;

	if ((rc = buf_add(out, "\"", 1)))
		return rc;
	while (i < n) {
		unsigned char c = u[i];
		char esc[8];
		size_t k;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			if (!check) {
				i++;
				continue;
			}
			if (!(k = utf8_len(u + i, n - i)))
				return PUNT;
			i += k;
			continue;
		}
		if ((rc = buf_add(out, s + run, i - run)))
			return rc;
		switch (c) {
		case '"': memcpy(esc, "\\\"", 3); break;
		case '\\': memcpy(esc, "\\\\", 3); break;
		case '\b': memcpy(esc, "\\b", 3); break;
		case '\f': memcpy(esc, "\\f", 3); break;
		case '\n': memcpy(esc, "\\n", 3); break;
		case '\r': memcpy(esc, "\\r", 3); break;
		case '\t': memcpy(esc, "\\t", 3); break;
		default: snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c); break;
		}
		if ((rc = buf_adds(out, esc)))
			return rc;
		run = ++i;
	}
	if ((rc = buf_add(out, s + run, n - run)))
		return rc;
	return buf_add(out, "\"", 1);
}

static int
key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int r = memcmp(x->k, y->k, x->n < y->n ? x->n : y->n);

	return r ? r : x->n < y->n ? -1 : x->n > y->n;
}

static status value(const json_t *j, int depth, struct buf *out);

/* object - j's members, keys sorted. */
static status
object(const json_t *j, int depth, struct buf *out)
{
	struct key stack[KEYS_ON_STACK], *keys = stack;
	size_t n = json_object_size(j), i = 0, kn;
	const char *k;
	json_t *v;
	status rc = ST_OK;

	if (n > KEYS_ON_STACK && !(keys = malloc(n * sizeof *keys)))
		return ST_NOMEM;
	json_object_keylen_foreach((json_t *)j, k, kn, v) {
		if (i == n)
			break;	/* cannot be: size counts the members */
		keys[i++] = (struct key){ k, kn, v };
	}
	qsort(keys, i, sizeof *keys, key_cmp);
	rc = buf_add(out, "{", 1);
	for (size_t m = 0; !rc && m < i; m++) {
		if (m && (rc = buf_add(out, ",", 1)))
			break;
		if (!(rc = str(keys[m].k, keys[m].n, out, 1)) && !(rc = buf_add(out, ":", 1)))
			rc = value(keys[m].v, depth + 1, out);
	}
	if (!rc)
		rc = buf_add(out, "}", 1);
	if (keys != stack)
		free(keys);
	return rc;
}

static status
value(const json_t *j, int depth, struct buf *out)
{
	char num[32];
	status rc;
	size_t i;

	if (depth > DEPTH_MAX)
		return PUNT;
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return object(j, depth, out);
	case JSON_ARRAY:
		if ((rc = buf_add(out, "[", 1)))
			return rc;
		for (i = 0; i < json_array_size(j); i++)
			if ((i && (rc = buf_add(out, ",", 1))) ||
			    (rc = value(json_array_get(j, i), depth + 1, out)))
				return rc;
		return buf_add(out, "]", 1);
	case JSON_STRING:
		return str(json_string_value(j), json_string_length(j), out, 1);
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return buf_adds(out, num);
	case JSON_TRUE:
		return buf_add(out, "true", 4);
	case JSON_FALSE:
		return buf_add(out, "false", 5);
	case JSON_NULL:
		return buf_add(out, "null", 4);
	default:
		return PUNT;	/* a real */
	}
}

status
jtext_sorted(const json_t *j, struct buf *out)
{
	size_t was = out->len;
	status rc = PUNT;
	char *s;

	if (json_is_object(j) || json_is_array(j))
		rc = value(j, 1, out);
	if (rc == ST_OK)
		return ST_OK;
	buf_truncate(out, was);
	if (rc != PUNT)
		return rc;
	if (!(s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS)))
		return ST_NOMEM;
	rc = buf_adds(out, s);
	free(s);
	if (rc)
		buf_truncate(out, was);
	return rc;
}

status
jtext_str(const char *s, size_t n, struct buf *out)
{
	size_t was = out->len;
	status rc = str(s, n, out, 0);

	if (rc)
		buf_truncate(out, was);
	return rc;
}
