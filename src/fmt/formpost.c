/* formpost.c - a template's form from what an HTML form posts (formpost.h).
 *
 * SECURITY: the values are a person's text from a browser; nothing of them
 * goes into a why (the template's checks quote only the field's path), and
 * the form is built with jansson, so no value can forge a member.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/formpost.h"
#include "fmt/why.h"
#include "util/text.h"

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* trim - s[*from..*to) without the spaces and line ends around it. */
static void
trim(const char *s, size_t *from, size_t *to)
{
	while (*from < *to && space(s[*from]))
		(*from)++;
	while (*to > *from && space(s[*to - 1]))
		(*to)--;
}

status
formpost_lines(struct buf *out, const char *v)
{
	status rc = ST_OK;

	for (const char *p = v ? v : ""; *p && !rc; p++) {
		if (*p != '\r') {
			rc = buf_add(out, p, 1);
			continue;
		}
		rc = buf_add(out, "\n", 1);
		if (p[1] == '\n')
			p++;
	}
	return rc;
}

/* utf8_ok - s[0..n) is UTF-8 (shortest forms, no surrogates). */
static int
utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = text_utf8(p + i, n - i, &cp)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static int
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* time_norm - s[0..n) written YYYY-MM-DDTHH:MM[:SS[.fff]][Z] (a space or t
 * for the T, z for the Z) into out as YYYY-MM-DDTHH:MM:SS[.fff]Z; 0 when
 * it is not written so (out untouched).  The ranges are stamp_parse's to
 * check. */
static int
time_norm(const char *s, size_t n, char out[static 32])
{
	size_t at = 16;
	const char *sec = "00", *ms = NULL;

	if (n < 16 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
		return 0;
	if (at < n && s[at] == ':') {
		if (n - at < 3 || !digits(s + at + 1, 2))
			return 0;
		sec = s + at + 1;
		at += 3;
		if (at < n && s[at] == '.') {
			if (n - at < 4 || !digits(s + at + 1, 3))
				return 0;
			ms = s + at + 1;
			at += 4;
		}
	}
	if (at < n && (s[at] == 'Z' || s[at] == 'z'))
		at++;
	if (at != n)
		return 0;
	snprintf(out, 32, "%.10sT%.5s:%.2s%s%.3sZ", s, s + 11, sec, ms ? "." : "", ms ? ms : "");
	return 1;
}

/* string - s[0..n) as a JSON string into *v; 0 and *v NULL when it is not
 * UTF-8 (why set for path), -1 when out of memory. */
static int
string(const char *s, size_t n, const char *path, json_t **v, char *why)
{
	*v = NULL;
	if (!utf8_ok(s, n)) {
		why_fail(why, TEMPLATE_WHY_MAX, ST_INVALID, path, "not valid UTF-8");
		return 0;
	}
	return (*v = json_stringn(s, n)) ? 1 : -1;
}

/* value - field i's value v read as its type into *out (NULL: left out).
 * ST_OK; ST_INVALID (why); ST_NOMEM. */
static status
value(const struct template *t, size_t i, const char *v, json_t **out, char *why)
{
	const char *name = template_field_name(t, i);
	size_t from = 0, to = v ? strlen(v) : 0;
	struct buf text;
	json_t *x = NULL;
	char tm[32];
	status rc = ST_OK;
	int k = 1;

	*out = NULL;
	trim(v ? v : "", &from, &to);
	if (from == to)
		return ST_OK;	/* left out */
	switch (template_field_type(t, i)) {
	case TEMPLATE_TIME:
		if (time_norm(v + from, to - from, tm))
			k = string(tm, strlen(tm), name, &x, why);
		else
			k = string(v + from, to - from, name, &x, why);
		break;
	case TEMPLATE_CHOICE:
		k = string(v + from, to - from, name, &x, why);
		break;
	case TEMPLATE_TEXT:
		buf_init(&text, to - from + 1);
		for (size_t j = from; j < to && !rc; j++) {
			if (v[j] != '\r') {
				rc = buf_add(&text, v + j, 1);
				continue;
			}
			rc = buf_add(&text, "\n", 1);
			if (j + 1 < to && v[j + 1] == '\n')
				j++;
		}
		if (!rc)
			k = string(buf_str(&text), text.len, name, &x, why);
		buf_free(&text);
		if (rc)
			return ST_NOMEM;
		break;
	case TEMPLATE_LIST:
		if (!(x = json_array()))
			return ST_NOMEM;
		while (from < to && k > 0) {
			size_t end = from, a, b;
			json_t *item;
			char path[WHY_PATH_MAX];

			while (end < to && v[end] != '\n' && v[end] != '\r')
				end++;
			a = from;
			b = end;
			trim(v, &a, &b);
			if (a < b) {
				why_path_idx(path, name, json_array_size(x));
				k = string(v + a, b - a, path, &item, why);
				if (k > 0 && json_array_append_new(x, item) != 0)
					k = -1;
			}
			from = end + 1;
		}
		if (k <= 0) {
			json_decref(x);
			x = NULL;
		}
		break;
	}
	if (k < 0)
		return ST_NOMEM;
	if (k == 0)
		return ST_INVALID;
	*out = x;
	return ST_OK;
}

int
formpost_field(const struct template *t, const char *why)
{
	for (size_t i = 0; i < template_n_fields(t); i++) {
		const char *name = template_field_name(t, i);
		size_t n = strlen(name);

		if (strncmp(why, name, n) == 0 && (why[n] == ':' || why[n] == '['))
			return (int)i;
	}
	return -1;
}

/* bad - field i's problem is why (ST_INVALID), or the form's when i < 0. */
static void
bad(struct formpost *res, int i, const char *why)
{
	if (i >= 0 && i < FORMPOST_FIELDS_MAX && !res->why[i][0])
		snprintf(res->why[i], TEMPLATE_WHY_MAX, "%s", why);
	else if (i < 0 && !res->form_why[0])
		snprintf(res->form_why, TEMPLATE_WHY_MAX, "%s", why);
	else
		return;
	res->n_bad++;
}

status
formpost_read(const struct template *t, formpost_get_fn get, void *arg, struct buf *out,
    struct formpost *res)
{
	size_t n = template_n_fields(t);
	char why[TEMPLATE_WHY_MAX];
	json_t *root;
	char *text = NULL;
	status rc = ST_OK;

	memset(res, 0, sizeof *res);
	if (n > FORMPOST_FIELDS_MAX) {
		why_fail(why, sizeof why, ST_INVALID, "form", "a template of more than %d fields",
		    FORMPOST_FIELDS_MAX);
		bad(res, -1, why);
		return ST_INVALID;
	}
	if (!(root = json_object()))
		return ST_NOMEM;
	for (size_t i = 0; i < n && rc != ST_NOMEM; i++) {
		const char *name = template_field_name(t, i);
		json_t *v;
		status r = value(t, i, get(arg, name), &v, why);

		if (r == ST_NOMEM)
			rc = ST_NOMEM;
		else if (r)
			bad(res, (int)i, why);
		else if (!v && template_field_required(t, i)) {
			why_fail(why, sizeof why, ST_INVALID, name, "missing");
			bad(res, (int)i, why);
		} else if (v && template_check_value(t, i, v, why) != ST_OK)
			bad(res, (int)i, why);
		if (v && json_object_set_new(root, name, v) != 0)
			rc = ST_NOMEM;
	}
	if (!rc && res->n_bad)
		rc = ST_INVALID;
	if (!rc && !(text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		rc = ST_NOMEM;
	json_decref(root);
	if (!rc) {
		/* the whole form, by the rule the desk sends by */
		rc = template_check(t, text, strlen(text), why);
		if (rc == ST_NOMEM)
			;
		else if (rc)
			bad(res, formpost_field(t, why), why);
		else if ((rc = buf_adds(out, text)) == ST_TOOBIG)
			bad(res, -1, "form: larger than the buffer given");
	}
	free(text);
	return rc;
}
