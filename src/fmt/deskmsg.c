/* deskmsg.c - the bodies of the watch desk's messages (deskmsg.h). */
#include <stdlib.h>
#include <string.h>

#include "fmt/contacts.h"
#include "fmt/deskmsg.h"
#include "fmt/roster.h"
#include "fmt/why.h"

#define FAIL(rc, path, ...) why_fail(why, DESKMSG_WHY_MAX, rc, path, __VA_ARGS__)

static const char *const steps[] = { "ack", "reply", NULL };
static const char *const checks[] = { "machine", "human", NULL };

static int
listed(const char *s, const char *const *list)
{
	return why_index(s, list) >= 0;
}

int
deskmsg_statement_type(const char *type)
{
	return strcmp(type, DESK_TYPE_ACK) == 0 || strcmp(type, DESK_TYPE_OVERDUE) == 0 ||
	    strcmp(type, DESK_TYPE_CONTACTS) == 0;
}

int
deskmsg_notice_type(const char *type)
{
	return strcmp(type, DESK_TYPE_ADVISORY) == 0;
}

int
deskmsg_role_ok(const char *s)
{
	enum roster_role r;

	return roster_role_parse(s, &r) == ST_OK;
}

/* note_ok - text of 1..max bytes, no control character but newline (the
 * rule of a template's text field: why_control_at). */
static int
note_ok(const char *s, size_t n, size_t max)
{
	return n >= 1 && n <= max && why_control_at(s, n, 1) == n;
}

/* dump - append root's canonical text to out; consumes root. */
static status
dump(json_t *root, struct buf *out, char *why)
{
	char *text;
	status rc;

	if (!root)
		return FAIL(ST_INVALID, "(body)", "a value is not text (UTF-8)");
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!text)
		return ST_NOMEM;
	rc = buf_adds(out, text);
	free(text);
	return rc;
}

/* load - the JSON object body[0..n) (no member twice). */
static status
load(const char *body, size_t n, size_t max, json_t **root, char *why)
{
	char shown[WHY_SHOWN_MAX + 4];
	json_error_t err;

	*root = NULL;
	if (n > max)
		return FAIL(ST_TOOBIG, "(body)", "%zu bytes, over the %zu allowed", n, max);
	*root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &err);
	if (!*root)
		return FAIL(ST_PARSE, "(body)", "not JSON: %s (line %d, column %d)",
		    why_shown(err.text, shown), err.line, err.column);
	return ST_OK;
}

/* members - every member of root among allowed. */
static status
members(json_t *root, const char *const *allowed, char *why)
{
	char shown[WHY_SHOWN_MAX + 4];
	const char *k;
	json_t *v;

	json_object_foreach(root, k, v)
		if (!listed(k, allowed))
			return FAIL(ST_INVALID, why_shown(k, shown), "unknown member");
	return ST_OK;
}

/* str - the string member k of root (required unless opt), or NULL. */
static status
str(json_t *root, const char *k, int opt, const char **out, char *why)
{
	json_t *v = json_object_get(root, k);

	*out = NULL;
	if (!v)
		return opt ? ST_OK : FAIL(ST_INVALID, k, "missing");
	if (!json_is_string(v))
		return FAIL(ST_INVALID, k, "not a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return FAIL(ST_INVALID, k, "holds a NUL");
	*out = json_string_value(v);
	return ST_OK;
}

static status
uuid(json_t *root, const char *k, int opt, char out[static STAMP_UUID_LEN], char *why)
{
	const char *s;
	status rc = str(root, k, opt, &s, why);

	out[0] = '\0';
	if (rc || !s)
		return rc;
	if (!stamp_is_uuid(s))
		return FAIL(ST_INVALID, k, "not a message id (a UUID)");
	memcpy(out, s, STAMP_UUID_LEN);
	return ST_OK;
}

static status
when(json_t *root, const char *k, int64_t *ms, char *why)
{
	const char *s;
	status rc = str(root, k, 0, &s, why);

	if (!rc && stamp_parse(s, ms) != ST_OK)
		rc = FAIL(ST_INVALID, k, "not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
	return rc;
}

status
deskmsg_form_make(const struct template *t, const char *form, size_t n,
    const char *in_reply_to, const char *tz, const char *officer, const char *check,
    struct buf *out, char why[static DESKMSG_WHY_MAX])
{
	char twhy[TEMPLATE_WHY_MAX];
	json_t *root, *f;
	status rc;

	why[0] = '\0';
	if ((rc = template_check(t, form, n, twhy)) != ST_OK) {
		snprintf(why, DESKMSG_WHY_MAX, "%s", twhy);
		return rc;
	}
	if (in_reply_to && *in_reply_to && !stamp_is_uuid(in_reply_to))
		return FAIL(ST_INVALID, "in_reply_to", "not a message id (a UUID)");
	if ((!in_reply_to || !*in_reply_to) && strcmp(template_name(t), "reply") == 0)
		return FAIL(ST_INVALID, "in_reply_to", "missing: a reply names the message it answers");
	if (tz && *tz && !tz_name_ok(tz))
		return FAIL(ST_INVALID, "tz", "not a time zone name");
	if (officer && *officer && !card_name_ok(officer))
		return FAIL(ST_INVALID, "officer", "not an officer's name ([a-z0-9][a-z0-9._-]{0,62})");
	if (check && *check && (!listed(check, checks) ||
	    strcmp(template_name(t), "comm-check") != 0))
		return FAIL(ST_INVALID, "check", "machine or human, on a comm-check only");
	f = json_loadb(form, n, JSON_REJECT_DUPLICATES, NULL);
	if (!f)
		return ST_NOMEM;	/* template_check read it */
	root = json_pack("{s:s, s:i, s:o}", "template", template_name(t), "version",
	    template_version(t), "form", f);
	if (root && in_reply_to && *in_reply_to)
		json_object_set_new(root, "in_reply_to", json_string(in_reply_to));
	if (root && tz && *tz)
		json_object_set_new(root, "tz", json_string(tz));
	if (root && officer && *officer)
		json_object_set_new(root, "officer", json_string(officer));
	if (root && check && *check)
		json_object_set_new(root, "check", json_string(check));
	return dump(root, out, why);
}

void
deskmsg_form_clear(struct deskmsg_form *f)
{
	json_decref(f->form);
	memset(f, 0, sizeof *f);
}

status
deskmsg_form_read(const char *type, const char *body, size_t n, struct deskmsg_form *out,
    char why[static DESKMSG_WHY_MAX])
{
	static const char *const allowed[] = {
		"template", "version", "form", "in_reply_to", "tz", "officer", "check", NULL
	};
	char twhy[TEMPLATE_WHY_MAX], shown[WHY_SHOWN_MAX + 4];
	const char *s;
	json_t *root, *v;
	status rc;

	memset(out, 0, sizeof *out);
	why[0] = '\0';
	if (!(out->t = template_find(type)))
		return FAIL(ST_NOTFOUND, "template", "no template named \"%s\"",
		    why_shown(type, shown));
	if ((rc = load(body, n, DESKMSG_BODY_MAX, &root, why)) != ST_OK)
		return rc;
	if (!json_is_object(root))
		rc = FAIL(ST_PARSE, "(body)", "not a JSON object");
	if (!rc)
		rc = members(root, allowed, why);
	if (!rc)
		rc = str(root, "template", 0, &s, why);
	if (!rc && strcmp(s, type) != 0)
		rc = FAIL(ST_INVALID, "template", "\"%s\", but the message's type is \"%s\"",
		    why_shown(s, shown), template_name(out->t));
	if (!rc && !json_is_integer(v = json_object_get(root, "version")))
		rc = FAIL(ST_INVALID, "version", v ? "not an integer" : "missing");
	if (!rc && json_integer_value(v) != template_version(out->t))
		rc = FAIL(ST_INVALID, "version", "%lld of %s is not known here (%d is)",
		    (long long)json_integer_value(v), template_name(out->t),
		    template_version(out->t));
	if (!rc)
		rc = uuid(root, "in_reply_to", 1, out->in_reply_to, why);
	if (!rc && !out->in_reply_to[0] && strcmp(type, "reply") == 0)
		rc = FAIL(ST_INVALID, "in_reply_to", "missing: a reply names the message it answers");
	if (!rc)
		rc = str(root, "tz", 1, &s, why);
	if (!rc && s) {
		if (!tz_name_ok(s))
			rc = FAIL(ST_INVALID, "tz", "not a time zone name");
		else
			memcpy(out->tz, s, strlen(s) + 1);
	}
	if (!rc)
		rc = str(root, "officer", 1, &s, why);
	if (!rc && s) {
		if (!card_name_ok(s))
			rc = FAIL(ST_INVALID, "officer", "not an officer's name");
		else
			memcpy(out->officer, s, strlen(s) + 1);
	}
	if (!rc)
		rc = str(root, "check", 1, &s, why);
	if (!rc && s) {
		if (!listed(s, checks) || strcmp(type, "comm-check") != 0)
			rc = FAIL(ST_INVALID, "check", "machine or human, on a comm-check only");
		else
			memcpy(out->check, s, strlen(s) + 1);
	}
	if (!rc && !json_is_object(v = json_object_get(root, "form")))
		rc = FAIL(ST_INVALID, "form", v ? "not an object" : "missing");
	if (!rc && (rc = template_check_json(out->t, v, twhy)) != ST_OK)
		snprintf(why, DESKMSG_WHY_MAX, "form.%.*s", DESKMSG_WHY_MAX - 6, twhy);
	if (!rc)
		out->form = json_incref(v);
	json_decref(root);
	if (rc) {
		const struct template *t = out->t;

		deskmsg_form_clear(out);
		out->t = rc == ST_NOTFOUND ? NULL : t;
	}
	return rc;
}

status
deskmsg_ack_make(const char *ref, const char *officer, const char *role, const char *note,
    int64_t at_ms, struct buf *out, char why[static DESKMSG_WHY_MAX])
{
	char at[STAMP_TIME_LEN];
	json_t *root;

	why[0] = '\0';
	if (!stamp_is_uuid(ref))
		return FAIL(ST_INVALID, "ack", "not a message id (a UUID)");
	if (!card_name_ok(officer))
		return FAIL(ST_INVALID, "officer", "not an officer's name ([a-z0-9][a-z0-9._-]{0,62})");
	if (!deskmsg_role_ok(role))
		return FAIL(ST_INVALID, "role", "not duty, supervisor or head");
	if (note && *note && !note_ok(note, strlen(note), DESKMSG_NOTE_MAX))
		return FAIL(ST_INVALID, "note", "over %d bytes, or holds a control character",
		    DESKMSG_NOTE_MAX);
	stamp_format(at_ms, at);
	root = json_pack("{s:s, s:s, s:s, s:s}", "ack", ref, "at", at, "officer", officer,
	    "role", role);
	if (root && note && *note && json_object_set_new(root, "note", json_string(note))) {
		json_decref(root);
		return FAIL(ST_INVALID, "note", "not text (UTF-8)");
	}
	return dump(root, out, why);
}

status
deskmsg_overdue_make(const char *ref, const char *step, int64_t due_ms, int64_t at_ms,
    struct buf *out, char why[static DESKMSG_WHY_MAX])
{
	char at[STAMP_TIME_LEN], due[STAMP_TIME_LEN];

	why[0] = '\0';
	if (!stamp_is_uuid(ref))
		return FAIL(ST_INVALID, "overdue", "not a message id (a UUID)");
	if (!listed(step, steps))
		return FAIL(ST_INVALID, "step", "not ack or reply");
	stamp_format(at_ms, at);
	stamp_format(due_ms, due);
	return dump(json_pack("{s:s, s:s, s:s, s:s}", "overdue", ref, "step", step, "due", due,
	    "at", at), out, why);
}

static status
read_ack(json_t *root, struct deskmsg_stmt *out, char *why)
{
	static const char *const allowed[] = { "ack", "at", "officer", "role", "note", NULL };
	const char *s;
	status rc = members(root, allowed, why);

	out->kind = DESKMSG_ACK;
	if (!rc)
		rc = uuid(root, "ack", 0, out->ref, why);
	if (!rc)
		rc = when(root, "at", &out->at_ms, why);
	if (!rc)
		rc = str(root, "officer", 0, &s, why);
	if (!rc && !card_name_ok(s))
		rc = FAIL(ST_INVALID, "officer", "not an officer's name ([a-z0-9][a-z0-9._-]{0,62})");
	if (!rc)
		memcpy(out->officer, s, strlen(s) + 1);
	if (!rc)
		rc = str(root, "role", 0, &s, why);
	if (!rc && !deskmsg_role_ok(s))
		rc = FAIL(ST_INVALID, "role", "not duty, supervisor or head");
	if (!rc)
		memcpy(out->role, s, strlen(s) + 1);
	if (!rc)
		rc = str(root, "note", 1, &s, why);
	if (!rc && s) {
		if (!note_ok(s, strlen(s), DESKMSG_NOTE_MAX))
			rc = FAIL(ST_INVALID, "note", "empty, over %d bytes, or holds a control "
			    "character", DESKMSG_NOTE_MAX);
		else
			memcpy(out->note, s, strlen(s) + 1);
	}
	return rc;
}

static status
read_overdue(json_t *root, struct deskmsg_stmt *out, char *why)
{
	static const char *const allowed[] = { "overdue", "step", "due", "at", NULL };
	const char *s;
	status rc = members(root, allowed, why);

	out->kind = DESKMSG_OVERDUE;
	if (!rc)
		rc = uuid(root, "overdue", 0, out->ref, why);
	if (!rc)
		rc = str(root, "step", 0, &s, why);
	if (!rc && !listed(s, steps))
		rc = FAIL(ST_INVALID, "step", "not ack or reply");
	if (!rc)
		memcpy(out->step, s, strlen(s) + 1);
	if (!rc)
		rc = when(root, "due", &out->due_ms, why);
	if (!rc)
		rc = when(root, "at", &out->at_ms, why);
	return rc;
}

status
deskmsg_stmt_read(const char *type, const char *body, size_t n, struct deskmsg_stmt *out,
    char why[static DESKMSG_WHY_MAX])
{
	json_t *root;
	status rc;

	memset(out, 0, sizeof *out);
	why[0] = '\0';
	if (!deskmsg_statement_type(type))
		return FAIL(ST_NOTFOUND, "type", "not a desk statement");
	if (strcmp(type, DESK_TYPE_CONTACTS) == 0) {
		struct contacts *c;
		char cwhy[CONTACTS_WHY_MAX];

		if ((rc = contacts_parse(body, n, CONTACTS_STATEMENT, &c, cwhy)) != ST_OK) {
			snprintf(why, DESKMSG_WHY_MAX, "%s", cwhy);
			return rc;
		}
		out->kind = DESKMSG_CONTACTS;
		out->version = contacts_version(c);
		out->at_ms = contacts_issued_at_ms(c);
		contacts_free(c);
		return ST_OK;
	}
	if ((rc = load(body, n, 4096, &root, why)) != ST_OK)
		return rc;
	if (!json_is_object(root))
		rc = FAIL(ST_PARSE, "(body)", "not a JSON object");
	else if (strcmp(type, DESK_TYPE_ACK) == 0)
		rc = read_ack(root, out, why);
	else
		rc = read_overdue(root, out, why);
	json_decref(root);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}
