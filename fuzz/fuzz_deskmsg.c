/* fuzz_deskmsg.c - the bodies of the watch desk's messages as
 * deskmsg_form_read and deskmsg_stmt_read read them.  The first byte picks
 * the message's type for the form (its value mod 7: '1'..'6' the templates
 * in their order, '0' and '7' a type that names none); the rest is the
 * body, read as a form and as each statement.  Besides memory safety it
 * checks that every why is printable ASCII and set exactly when the body is
 * refused, that a refusal is one the contract names, and that a body read
 * is made again from its fields, and that what was made reads back to the
 * same fields and makes the same bytes. */
#include "fuzz_common.h"
#include "fmt/deskmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
why_ok(status rc, const char *why)
{
	for (const char *p = why; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if ((rc == ST_OK) != (why[0] == '\0'))
		abort();
	if (rc != ST_OK && rc != ST_PARSE && rc != ST_INVALID && rc != ST_TOOBIG &&
	    rc != ST_NOTFOUND && rc != ST_NOMEM)
		abort();
}

/* form_again - f, read from a body of type type: made again, read again to
 * the same fields, made again to the same bytes. */
static void
form_again(const char *type, const struct deskmsg_form *f)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form g;
	struct buf b1, b2;
	char *form;
	status rc;

	form = json_dumps(f->form, JSON_COMPACT | JSON_SORT_KEYS);
	if (!form)
		abort();
	buf_init(&b1, DESKMSG_BODY_MAX);
	buf_init(&b2, DESKMSG_BODY_MAX);
	rc = deskmsg_form_make(f->t, form, strlen(form), f->in_reply_to, f->tz, f->officer, f->check, &b1,
	    why);
	why_ok(rc, why);
	if (rc == ST_TOOBIG && strlen(form) > TEMPLATE_FORM_MAX)
		goto out;	/* a body may wrap a form a little over; never made */
	if (rc != ST_OK)
		abort();
	rc = deskmsg_form_read(type, b1.p, b1.len, &g, why);
	why_ok(rc, why);
	if (rc != ST_OK || g.t != f->t || strcmp(g.in_reply_to, f->in_reply_to) != 0 ||
	    strcmp(g.tz, f->tz) != 0 || strcmp(g.officer, f->officer) != 0 ||
	    !json_equal(g.form, f->form))
		abort();
	deskmsg_form_clear(&g);
	if (deskmsg_form_make(f->t, form, strlen(form), f->in_reply_to, f->tz, f->officer, f->check, &b2,
	    why) != ST_OK || b1.len != b2.len || memcmp(b1.p, b2.p, b1.len) != 0)
		abort();
out:
	buf_free(&b1);
	buf_free(&b2);
	free(form);
}

/* stmt_again - s, read from a body of type type: made again, read again to
 * the same fields. */
static void
stmt_again(const char *type, const struct deskmsg_stmt *s)
{
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_stmt r;
	struct buf b;
	status rc;

	if (s->kind == DESKMSG_CONTACTS)
		return;	/* fmt/contacts' own target makes and reads them again */
	buf_init(&b, 4096);
	if (s->kind == DESKMSG_ACK)
		rc = deskmsg_ack_make(s->ref, s->officer, s->role, s->note, s->at_ms, &b, why);
	else
		rc = deskmsg_overdue_make(s->ref, s->step, s->due_ms, s->at_ms, &b, why);
	why_ok(rc, why);
	if (rc != ST_OK)
		abort();
	rc = deskmsg_stmt_read(type, b.p, b.len, &r, why);
	why_ok(rc, why);
	if (rc != ST_OK || r.kind != s->kind || strcmp(r.ref, s->ref) != 0 ||
	    r.at_ms != s->at_ms || strcmp(r.officer, s->officer) != 0 ||
	    strcmp(r.role, s->role) != 0 || strcmp(r.note, s->note) != 0 ||
	    strcmp(r.step, s->step) != 0 || r.due_ms != s->due_ms)
		abort();
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const stmts[] = { DESK_TYPE_ACK, DESK_TYPE_OVERDUE, DESK_TYPE_CONTACTS };
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;
	struct deskmsg_stmt s;
	const char *body, *type;
	size_t n, pick;
	status rc;

	fuzz_init();
	if (size < 1)
		return 0;
	pick = data[0] % (template_count() + 1);
	type = pick < template_count() ? template_name(template_at(pick)) : "no-such-template";
	body = (const char *)data + 1;
	n = size - 1;

	rc = deskmsg_form_read(type, body, n, &f, why);
	why_ok(rc, why);
	if ((rc == ST_NOTFOUND) != (pick == template_count()))
		abort();
	if (rc == ST_OK) {
		if (!f.t || !json_is_object(f.form) || memchr(body, 0, n))
			abort();
		form_again(type, &f);
	} else if (f.form || f.in_reply_to[0] || f.tz[0] || f.officer[0]) {
		abort();
	}
	deskmsg_form_clear(&f);

	for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
		rc = deskmsg_stmt_read(stmts[i], body, n, &s, why);
		why_ok(rc, why);
		if (rc == ST_NOTFOUND)
			abort();
		if (rc == ST_OK)
			stmt_again(stmts[i], &s);
		else if (s.ref[0] || s.officer[0] || s.note[0] || s.step[0])
			abort();
	}
	return 0;
}
