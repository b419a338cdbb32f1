/* contacts.c - a node's points of contact and their statement (contacts.h).
 *
 * A contact is held in fixed arrays sized by the limits, so reading one
 * allocates nothing beyond the struct contacts and what jansson needs.
 *
 * SECURITY: contacts come from a person's file or a peer's statement; they
 * are read with jansson (a member twice refused, so no two readers see
 * two values), strictly (an unknown member is refused), and nothing of
 * them reaches a why but a member's name, cut and shown as printable
 * ASCII.  A name or hours may hold any character but a control character;
 * whoever shows them to a person passes them through util/text.h.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/contacts.h"
#include "fmt/why.h"
#include "util/stamp.h"

_Static_assert(CONTACTS_WHY_MAX == WHY_MAX, "contacts' why is why.h's");

struct contacts {
	size_t n;
	struct contacts_entry e[CONTACTS_MAX];
	int64_t version, issued_at_ms;	/* 0 for a file */
};

static const char *const role_names[CONTACTS_ROLES + 1] = {
	"policy", "technical", "desk", "senior-official", NULL
};

status
contacts_role_parse(const char *s, enum contacts_role *out)
{
	int i = why_index(s, role_names);

	if (i < 0)
		return ST_PARSE;
	*out = (enum contacts_role)i;
	return ST_OK;
}

const char *
contacts_role_name(enum contacts_role r)
{
	return (unsigned)r < CONTACTS_ROLES ? role_names[r] : "?";
}

/* ---- the values of a contact ------------------------------------------- */

/* phone_ok - ^\+[0-9][0-9 ()./-]{2,38}$ */
static int
phone_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n > CONTACTS_PHONE_MAX || s[0] != '+' || s[1] < '0' || s[1] > '9')
		return 0;
	return strspn(s + 2, "0123456789 ()./-") == n - 2;
}

/* email - 3..254 bytes, no whitespace or control character, one '@' with
 * something on either side.  Nothing more: whether an address reaches
 * anyone is for the mail system to say. */
static status
email(const json_t *v, const char *p, char out[static CONTACTS_EMAIL_MAX + 1], char *why)
{
	const char *s, *at;
	status rc = why_text(v, p, 3, CONTACTS_EMAIL_MAX, 0, &s, why);

	if (rc)
		return rc;
	for (size_t i = 0; s[i]; i++)
		if (s[i] == ' ')
			return why_fail(why, WHY_MAX, ST_INVALID, p, "space at byte %zu", i);
	at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return why_fail(why, WHY_MAX, ST_INVALID, p,
		    "not an address (LOCAL@DOMAIN, one @)");
	memcpy(out, s, strlen(s) + 1);
	return ST_OK;
}

static int
lang_ok(const char *s)
{
	size_t n = strlen(s);

	return (n == 2 || n == 3) && strspn(s, "abcdefghijklmnopqrstuvwxyz") == n;
}

static status
phones(const json_t *v, const char *p, struct contacts_entry *e, char *why)
{
	char q[WHY_PATH_MAX];
	const char *s;
	status rc = why_array(v, p, 0, CONTACTS_PHONES_MAX, why);

	for (size_t i = 0; !rc && i < json_array_size(v); i++) {
		why_path_idx(q, p, i);
		rc = why_text(json_array_get(v, i), q, 0, SIZE_MAX, 0, &s, why);
		if (!rc && !phone_ok(s))
			rc = why_fail(why, WHY_MAX, ST_INVALID, q, "not a phone number (+, a digit, "
			    "then 2 to 38 of 0-9 space ( ) . / -)");
		if (!rc)
			memcpy(e->phone[i], s, strlen(s) + 1);
	}
	e->n_phone = json_array_size(v);
	return rc;
}

static status
emails(const json_t *v, const char *p, struct contacts_entry *e, char *why)
{
	char q[WHY_PATH_MAX];
	status rc = why_array(v, p, 0, CONTACTS_EMAILS_MAX, why);

	for (size_t i = 0; !rc && i < json_array_size(v); i++) {
		why_path_idx(q, p, i);
		rc = email(json_array_get(v, i), q, e->email[i], why);
	}
	e->n_email = json_array_size(v);
	return rc;
}

static status
languages(const json_t *v, const char *p, struct contacts_entry *e, char *why)
{
	char q[WHY_PATH_MAX], r[WHY_PATH_MAX];
	const char *s;
	status rc = why_array(v, p, 1, CONTACTS_LANGS_MAX, why);

	for (size_t i = 0; !rc && i < json_array_size(v); i++) {
		why_path_idx(q, p, i);
		rc = why_text(json_array_get(v, i), q, 0, SIZE_MAX, 0, &s, why);
		if (!rc && !lang_ok(s))
			rc = why_fail(why, WHY_MAX, ST_INVALID, q,
			    "not a language code (2 or 3 lowercase letters, ISO 639)");
		for (size_t j = 0; !rc && j < i; j++)
			if (strcmp(e->languages[j], s) == 0) {
				why_path_idx(r, p, j);
				rc = why_fail(why, WHY_MAX, ST_INVALID, q, "the same as %s", r);
			}
		if (!rc)
			memcpy(e->languages[i], s, strlen(s) + 1);
	}
	e->n_languages = json_array_size(v);
	return rc;
}

/* entry - contact v at path into e. */
static status
entry(const json_t *v, const char *path, struct contacts_entry *e, char *why)
{
	static const char *const allowed[] = {
		"role", "name", "phone", "email", "languages", "hours", "tz", NULL
	};
	char p[WHY_PATH_MAX];
	const json_t *m;
	const char *s;
	int role;
	status rc;

	rc = why_members(v, path, allowed, why);
	if (!rc)
		rc = why_need(v, path, "role", &m, p, why);
	if (!rc)
		rc = why_choice(m, p, role_names, &role, why);
	if (rc)
		return rc;
	e->role = (enum contacts_role)role;
	rc = why_need(v, path, "name", &m, p, why);
	if (!rc)
		rc = why_text(m, p, 1, CONTACTS_NAME_MAX, 0, &s, why);
	if (rc)
		return rc;
	memcpy(e->name, s, strlen(s) + 1);
	rc = why_need(v, path, "phone", &m, p, why);
	if (!rc)
		rc = phones(m, p, e, why);
	if (!rc)
		rc = why_need(v, path, "email", &m, p, why);
	if (!rc)
		rc = emails(m, p, e, why);
	if (!rc)
		rc = why_need(v, path, "languages", &m, p, why);
	if (!rc)
		rc = languages(m, p, e, why);
	if (!rc)
		rc = why_need(v, path, "hours", &m, p, why);
	if (!rc)
		rc = why_text(m, p, 1, CONTACTS_HOURS_MAX, 0, &s, why);
	if (rc)
		return rc;
	memcpy(e->hours, s, strlen(s) + 1);
	rc = why_need(v, path, "tz", &m, p, why);
	if (!rc)
		rc = why_text(m, p, 1, TZ_NAME_MAX, 0, &s, why);
	if (!rc && !tz_name_ok(s))
		rc = why_fail(why, WHY_MAX, ST_INVALID, p,
		    "not a time zone name (UTC, or Area/Location as Europe/Vienna)");
	if (!rc)
		memcpy(e->tz, s, strlen(s) + 1);
	return rc;
}

static status
entries(const json_t *v, const char *p, struct contacts *c, char *why)
{
	char q[WHY_PATH_MAX], r[WHY_PATH_MAX];
	int desk = 0;
	status rc = why_array(v, p, 1, CONTACTS_MAX, why);

	for (size_t i = 0; !rc && i < json_array_size(v); i++) {
		struct contacts_entry *e = &c->e[i];

		why_path_idx(q, p, i);
		rc = entry(json_array_get(v, i), q, e, why);
		for (size_t j = 0; !rc && j < i; j++)
			if (c->e[j].role == e->role && strcmp(c->e[j].name, e->name) == 0) {
				why_path_idx(r, p, j);
				rc = why_fail(why, WHY_MAX, ST_INVALID, q,
				    "the same role and name as %s", r);
			}
		desk |= e->role == CONTACTS_DESK;
	}
	if (!rc && !desk)
		rc = why_fail(why, WHY_MAX, ST_INVALID, p, "no contact of role desk");
	c->n = json_array_size(v);
	return rc;
}

static status
fields(const json_t *root, enum contacts_mode mode, struct contacts *c, char *why)
{
	static const char *const allowed[] = { "contacts", "version", "issued_at", NULL };
	char p[WHY_PATH_MAX];
	const json_t *m;
	status rc;

	rc = why_members(root, "", allowed, why);
	if (rc)
		return rc;
	if (mode == CONTACTS_FILE) {
		for (size_t i = 1; allowed[i]; i++)
			if (json_object_get(root, allowed[i]))
				return why_fail(why, WHY_MAX, ST_INVALID, allowed[i],
				    "not in a contacts file (only its statement has it)");
	} else {
		rc = why_need(root, "", "version", &m, p, why);
		if (rc)
			return rc;
		if (!json_is_integer(m))
			return why_fail(why, WHY_MAX, ST_INVALID, p, "not an integer");
		c->version = json_integer_value(m);
		if (c->version < 1 || c->version > CONTACTS_VERSION_MAX)
			return why_fail(why, WHY_MAX, ST_INVALID, p, "not in 1..%lld",
			    CONTACTS_VERSION_MAX);
		rc = why_need(root, "", "issued_at", &m, p, why);
		if (!rc)
			rc = why_time(m, p, &c->issued_at_ms, why);
		if (rc)
			return rc;
	}
	rc = why_need(root, "", "contacts", &m, p, why);
	if (!rc)
		rc = entries(m, p, c, why);
	return rc;
}

static status
fill(const json_t *root, void *c, const void *mode, char *why)
{
	return fields(root, *(const enum contacts_mode *)mode, c, why);
}

status
contacts_parse(const char *json, size_t n, enum contacts_mode mode, struct contacts **out,
    char why[static CONTACTS_WHY_MAX])
{
	void *c;
	status rc = why_read(json, n, mode == CONTACTS_FILE ? CONTACTS_BYTES_MAX :
	    CONTACTS_STATEMENT_MAX, sizeof **out, fill, &mode, free, &c, why);

	*out = c;
	return rc;
}

void
contacts_free(struct contacts *c)
{
	free(c);
}

size_t
contacts_n(const struct contacts *c)
{
	return c->n;
}

const struct contacts_entry *
contacts_at(const struct contacts *c, size_t i)
{
	return i < c->n ? &c->e[i] : NULL;
}

int64_t
contacts_version(const struct contacts *c)
{
	return c->version;
}

int64_t
contacts_issued_at_ms(const struct contacts *c)
{
	return c->issued_at_ms;
}

/* ---- as JSON ---------------------------------------------------------- */

/* strings - a new JSON array of s[0..n) (NULL when out of memory). */
static json_t *
strings(const char *s, size_t stride, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(s + i * stride))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

#define STRINGS(arr, n) strings((const char *)(arr), sizeof (arr)[0], n)

static json_t *
entry_json(const struct contacts_entry *e)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s}", "role", role_names[e->role],
	    "name", e->name, "phone", STRINGS(e->phone, e->n_phone), "email",
	    STRINGS(e->email, e->n_email), "languages", STRINGS(e->languages, e->n_languages),
	    "hours", e->hours, "tz", e->tz);
}

status
contacts_canon(const struct contacts *c, int64_t version, int64_t issued_at_ms,
    struct buf *out)
{
	char at[STAMP_TIME_LEN];
	json_t *root, *list;
	char *text = NULL;
	int64_t back;
	status rc;

	if (version < 1 || version > CONTACTS_VERSION_MAX)
		return ST_INVALID;
	stamp_format(issued_at_ms, at);
	if (stamp_parse(at, &back) != ST_OK || back != issued_at_ms)
		return ST_INVALID;	/* outside the years stamp_parse reads */
	list = json_array();
	for (size_t i = 0; list && i < c->n; i++)
		if (json_array_append_new(list, entry_json(&c->e[i]))) {
			json_decref(list);
			list = NULL;
		}
	root = list ? json_pack("{s:o, s:I, s:s}", "contacts", list, "version",
	    (json_int_t)version, "issued_at", at) : NULL;
	if (root)
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!text)
		return ST_NOMEM;
	rc = buf_adds(out, text);
	free(text);
	return rc;
}

/* ---- differences ------------------------------------------------------ */

static const struct contacts_entry *
find(const struct contacts *c, const struct contacts_entry *e)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (c->e[i].role == e->role && strcmp(c->e[i].name, e->name) == 0)
			return &c->e[i];
	return NULL;
}

/* change - append {"change":what,"role","name"} to d; 0 on success. */
static int
change(json_t *d, const char *what, const struct contacts_entry *e, json_t **obj)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "change", what, "role", role_names[e->role],
	    "name", e->name);

	if (obj)
		*obj = o;
	return json_array_append_new(d, o) || !o;
}

/* changed - append {"change":"changed",...,"field":f,"from":from,"to":to}
 * when from and to differ (taking both); 0 on success. */
static int
changed(json_t *d, const struct contacts_entry *e, const char *f, json_t *from, json_t *to)
{
	json_t *o;
	int bad;

	if (!from || !to) {
		json_decref(from);
		json_decref(to);
		return -1;
	}
	if (json_equal(from, to)) {
		json_decref(from);
		json_decref(to);
		return 0;
	}
	if (change(d, "changed", e, &o)) {
		json_decref(from);
		json_decref(to);
		return -1;
	}
	/* each call takes its value, even when it fails */
	bad = json_object_set_new(o, "field", json_string(f));
	bad |= json_object_set_new(o, "from", from);
	bad |= json_object_set_new(o, "to", to);
	return bad;
}

json_t *
contacts_diff(const struct contacts *before, const struct contacts *after)
{
	json_t *d = json_array();
	int bad = !d;

	for (size_t i = 0; !bad && i < after->n; i++) {
		const struct contacts_entry *a = &after->e[i], *b = find(before, a);

		if (!b) {
			bad = change(d, "added", a, NULL);
			continue;
		}
		bad = changed(d, a, "phone", STRINGS(b->phone, b->n_phone),
		    STRINGS(a->phone, a->n_phone)) ||
		    changed(d, a, "email", STRINGS(b->email, b->n_email),
		    STRINGS(a->email, a->n_email)) ||
		    changed(d, a, "languages", STRINGS(b->languages, b->n_languages),
		    STRINGS(a->languages, a->n_languages)) ||
		    changed(d, a, "hours", json_string(b->hours), json_string(a->hours)) ||
		    changed(d, a, "tz", json_string(b->tz), json_string(a->tz));
	}
	for (size_t i = 0; !bad && before && i < before->n; i++)
		if (!find(after, &before->e[i]))
			bad = change(d, "removed", &before->e[i], NULL);
	if (bad) {
		json_decref(d);
		return NULL;
	}
	return d;
}
