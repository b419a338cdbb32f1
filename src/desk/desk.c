/* desk.c - the watch desk (desk.h). */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "desk/desk.h"
#include "desk/notify.h"
#include "fmt/contacts.h"
#include "fmt/deskmsg.h"
#include "fmt/escalation.h"
#include "fmt/roster.h"
#include "fmt/template.h"
#include "node/policy.h"
#include "util/diag.h"

/* A fired deadline later than this after its time (the daemon was down)
 * is marked late. */
#define LATE_MS 60000
/* How often the scheduled checks are looked at: they are due every minute
 * at the most often (an agreement's machine_every is PT1M or more). */
#define CHECK_TICK_MS 15000
#define MAX_PEERS_SCHED 256
/* The most items one turn of the timer acts on, in one transaction. */
#define DUE_BATCH 1024

struct tmr {
	int64_t due;
	char msg[STAMP_UUID_LEN];
};

struct desk {
	struct event_base *base;
	struct node *n;
	struct link_engine *e;
	struct event *timer;
	struct event *sched;	/* the scheduled checks' tick */
	int sched_runs;		/* ticks so far */
	unsigned check_turn;	/* the path the next scheduled machine check takes */
	struct tmr *heap;	/* a min-heap by due; an item may be in it twice */
	size_t n_heap, cap_heap;
	int64_t armed;		/* the due the timer is set for; 0: none */
	/* the escalation plan and the roster, as last read (NULL: none set),
	 * and when they were set: read again when that changes */
	struct escalation *plan;
	struct roster *roster;
	int64_t plan_ms, roster_ms;
	struct notify *notify;	/* runs the notify command for the events */
	int notice_late;	/* the overdue notice being queued fires late */
	struct event *changed;	/* active after a change: tells the watcher */
	void (*watch)(void *arg);
	void *watch_arg;
};

/* changed - the items may have changed: the watcher hears of it on the
 * next turn of the loop, after the transaction at hand has committed. */
static void
changed(struct desk *d)
{
	if (d->watch && d->changed)
		event_active(d->changed, EV_TIMEOUT, 0);
}

static void
on_changed(evutil_socket_t fd, short what, void *arg)
{
	struct desk *d = arg;

	(void)fd;
	(void)what;
	if (d->watch)
		d->watch(d->watch_arg);
}

void
desk_watch(struct desk *d, void (*fn)(void *arg), void *arg)
{
	d->watch = fn;
	d->watch_arg = arg;
}

/* An item read from the store, its strings its own. */
struct ditem {
	struct store_desk_item it;
	char msg[STAMP_UUID_LEN], peer[CARD_NAME_MAX + 1], link[ENV_LINK_MAX + 1];
	char tmpl[ENV_TYPE_MAX + 1], priority[ENV_PRIO_MAX + 1], subject[ENV_SUBJECT_MAX + 1];
	char agreement[STAMP_UUID_LEN], reply_to[STAMP_UUID_LEN];
	char ack_officer[CARD_NAME_MAX + 1], ack_role[16], ack_note[DESKMSG_NOTE_MAX + 1];
	char ack_msg[STAMP_UUID_LEN], reply_msg[STAMP_UUID_LEN];
};

#define COPY(f) do { snprintf(d->f, sizeof d->f, "%s", it->f); d->it.f = d->f; } while (0)

static int
item_copy(void *arg, const struct store_desk_item *it)
{
	struct ditem *d = arg;

	d->it = *it;
	COPY(msg);
	COPY(peer);
	COPY(link);
	COPY(tmpl);
	COPY(priority);
	COPY(subject);
	COPY(agreement);
	COPY(reply_to);
	COPY(ack_officer);
	COPY(ack_role);
	COPY(ack_note);
	COPY(ack_msg);
	COPY(reply_msg);
	return 1;
}

static status
item_get(struct desk *d, const char *msg, struct ditem *out)
{
	memset(out, 0, sizeof *out);
	return store_desk_item_get(node_store(d->n), msg, item_copy, out);
}

int
desk_expects_reply(const char *tmpl)
{
	return strcmp(tmpl, "incident-notification") == 0 || strcmp(tmpl, "inquiry") == 0 ||
	    strcmp(tmpl, "request-for-assistance") == 0;
}

/* ---- sending: through the link engine, when there is one ---- */

/* send_queue - link_queue, or ST_DOWN when the desk has no link engine (a
 * unit test's, a bench's: it keeps and times items, and signs nothing). */
static status
send_queue(struct desk *d, const struct link_msg *lm, char id[static STAMP_UUID_LEN],
    const char **why)
{
	if (!d->e) {
		*why = "this desk has no link to send on";
		return ST_DOWN;
	}
	return link_queue(d->e, lm, id, why);
}

static void
send_end(struct desk *d, int committed)
{
	if (d->e)
		link_queue_end(d->e, committed);
}

static void
send_kick(struct desk *d)
{
	if (d->e)
		link_kick_all(d->e);
}

/* ---- timers ---- */

static void
heap_swap(struct tmr *a, struct tmr *b)
{
	struct tmr t = *a;

	*a = *b;
	*b = t;
}

static void
arm(struct desk *d)
{
	int64_t due = d->n_heap ? d->heap[0].due : 0, wait;
	struct timeval tv;

	if (due == d->armed)
		return;
	d->armed = due;
	if (!due) {
		evtimer_del(d->timer);
		return;
	}
	wait = due - stamp_now_ms();
	if (wait < 0)
		wait = 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000 * 1000);
	evtimer_add(d->timer, &tv);
}

/* push - a timer for msg at due (0: none). */
static void
push(struct desk *d, const char *msg, int64_t due)
{
	size_t i;

	if (!due)
		return;
	if (d->n_heap == d->cap_heap) {
		size_t cap = d->cap_heap ? d->cap_heap * 2 : 64;
		struct tmr *h = realloc(d->heap, cap * sizeof *h);

		if (!h) {
			diag_warn("desk: out of memory for a timer; item %s waits for a restart", msg);
			return;
		}
		d->heap = h;
		d->cap_heap = cap;
	}
	i = d->n_heap++;
	d->heap[i].due = due;
	snprintf(d->heap[i].msg, sizeof d->heap[i].msg, "%s", msg);
	while (i > 0 && d->heap[(i - 1) / 2].due > d->heap[i].due) {
		heap_swap(&d->heap[(i - 1) / 2], &d->heap[i]);
		i = (i - 1) / 2;
	}
	arm(d);
}

static struct tmr
pop(struct desk *d)
{
	struct tmr top = d->heap[0];
	size_t i = 0;

	d->heap[0] = d->heap[--d->n_heap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < d->n_heap && d->heap[l].due < d->heap[m].due)
			m = l;
		if (r < d->n_heap && d->heap[r].due < d->heap[m].due)
			m = r;
		if (m == i)
			break;
		heap_swap(&d->heap[m], &d->heap[i]);
		i = m;
	}
	return top;
}

static int64_t
earliest(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/* next_due - when the item it next needs the desk: at the sender, a
 * deadline not yet met nor noticed; at the receiver, the next escalation
 * step while nobody has acknowledged.  0: never. */
static int64_t
next_due(const struct store_desk_item *it)
{
	int64_t due = 0;

	if (!it->open)
		return 0;
	if (it->out) {
		if (it->receipt_ms && !it->ack_ms && it->ack_due_ms && !it->overdue_ack_ms)
			due = it->ack_due_ms;
		if (it->receipt_ms && it->expects_reply && !it->reply_ms && it->reply_due_ms &&
		    !it->overdue_reply_ms)
			due = earliest(due, it->reply_due_ms);
	} else if (!it->ack_ms) {
		due = it->esc_next_ms;
	}
	return due;
}

int64_t
desk_next_due(const struct desk *d)
{
	return d->n_heap ? d->heap[0].due : 0;
}

/* ---- the plan and the roster ---- */

/* docs - bring d's plan and roster up to date with the store. */
static void
docs(struct desk *d)
{
	struct store *st = node_store(d->n);
	char why[ROSTER_WHY_MAX];
	int64_t ms = 0;
	struct buf text;

	if (store_desk_doc_when(st, "escalation", &ms) != ST_OK)
		ms = 0;
	if (ms != d->plan_ms) {
		escalation_free(d->plan);
		d->plan = NULL;
		d->plan_ms = ms;
		buf_init(&text, ESCALATION_BYTES_MAX * 2);
		if (ms && (store_desk_doc_get(st, "escalation", &text, NULL) != ST_OK ||
		    escalation_parse(buf_str(&text), text.len, &d->plan, why) != ST_OK))
			diag_warn("desk: the escalation plan held cannot be read; none applies");
		buf_free(&text);
	}
	if (store_desk_doc_when(st, "roster", &ms) != ST_OK)
		ms = 0;
	if (ms != d->roster_ms) {
		roster_free(d->roster);
		d->roster = NULL;
		d->roster_ms = ms;
		buf_init(&text, ROSTER_BYTES_MAX * 2);
		if (ms && (store_desk_doc_get(st, "roster", &text, NULL) != ST_OK ||
		    roster_parse(buf_str(&text), text.len, &d->roster, why) != ST_OK))
			diag_warn("desk: the roster held cannot be read; every role counts as staffed");
		buf_free(&text);
	}
}

/* esc_due - when step i of the plan is due for it (0: the plan has no
 * step from i on with a time). *i moves past the steps with no time. */
static int64_t
esc_due(const struct desk *d, const struct store_desk_item *it, size_t *i)
{
	int64_t due;

	for (; d->plan && *i < escalation_n_steps(d->plan); (*i)++)
		if (escalation_due(d->plan, *i, it->receipt_ms, it->ack_due_ms ?
		    it->ack_due_ms - it->receipt_ms : -1, &due) == ST_OK)
			return due ? due : 1;
	return 0;
}

/* on_duty - the officers of role on duty at now, comma-separated, into
 * out; 0 when the roster has nobody on duty in it (1 with "" when no
 * roster is set: every role counts as staffed). */
static int
on_duty(const struct desk *d, enum roster_role role, int64_t now, char *out, size_t cap)
{
	const struct roster_shift *s[16];
	size_t n, len = 0;

	out[0] = '\0';
	if (!d->roster)
		return 1;
	n = roster_on_duty(d->roster, role, now, s, 16);
	for (size_t i = 0; i < n && i < 16; i++)
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s", i ? "," : "",
		    s[i]->officer);
	return n > 0;
}

int
desk_on_duty(struct desk *d, int64_t now_ms, char *out, size_t cap)
{
	const struct roster_shift *s[16];
	size_t len = 0, n, all = 0;

	docs(d);
	out[0] = '\0';
	if (!d->roster)
		return -1;
	for (int r = 0; r < ROSTER_ROLES; r++) {
		n = roster_on_duty(d->roster, (enum roster_role)r, now_ms, s, 16);
		for (size_t i = 0; i < n && i < 16; i++, all++)
			len += (size_t)snprintf(out + (len < cap ? len : cap - 1),
			    len < cap ? cap - len : 1, "%s%s (%s)", all ? ", " : "",
			    s[i]->officer, roster_role_name((enum roster_role)r));
	}
	return all > 0;
}

/* ---- events for the notify command ---- */

/* event - queue the event ev about item it (role, officer: NULL or "" for
 * none; level for escalate; late: the desk fired it after a restart) in
 * the open transaction, once per key. */
static status
event(struct desk *d, const char *ev, const char *key_extra, const struct store_desk_item *it,
    const char *role, const char *officer, int level, int late)
{
	char key[160], at[STAMP_TIME_LEN];
	int64_t now = stamp_now_ms();
	struct store_desk_event e;
	json_t *j;
	char *text;
	status rc;

	snprintf(key, sizeof key, "%s:%s%s%s", ev, it->msg, key_extra ? ":" : "",
	    key_extra ? key_extra : "");
	stamp_format(now, at);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "event", ev, "id", it->msg,
	    "peer", it->peer, "direction", it->out ? "sent" : "received", "template", it->tmpl,
	    "priority", it->priority, "link", it->link, "subject", it->subject, "at", at);
	if (!j)
		return ST_NOMEM;
	if (role && *role)
		json_object_set_new(j, "role", json_string(role));
	if (officer && *officer)
		json_object_set_new(j, "officer", json_string(officer));
	if (level)
		json_object_set_new(j, "level", json_integer(level));
	if (late)
		json_object_set_new(j, "late", json_true());
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	memset(&e, 0, sizeof e);
	e.key = key;
	e.event = ev;
	e.json = text;
	e.msg = it->msg;
	e.peer = it->peer;
	e.priority = it->priority;
	e.role = role ? role : "";
	e.officer = officer ? officer : "";
	e.made_ms = e.next_ms = now;
	e.last_error = "";
	if (!node_config(d->n)->notify_cmd[0]) {
		/* nothing to run it: recorded, and done (notify.h) */
		e.done_ms = now;
		e.last_error = "no notify_cmd set";
	}
	rc = store_desk_event_add(node_store(d->n), &e, NULL);
	free(text);
	if (!rc && !e.done_ms)
		notify_kick(d->notify);	/* on the next turn, after the commit */
	return rc;
}

/* ---- the message hooks ---- */

static int
peer_name(void *arg, const struct store_peer *p)
{
	snprintf(arg, CARD_NAME_MAX + 1, "%s", p->name);
	return 1;
}

/* on_contacts - a peer's points of contact, version s->version: kept with
 * every earlier one; a newer version than any held is a change. */
static status
on_contacts(struct desk *d, int64_t peer_id, const struct message *m,
    const struct deskmsg_stmt *s)
{
	struct store *st = node_store(d->n);
	char name[CARD_NAME_MAX + 1] = "", key[32];
	struct store_contacts c;
	struct store_desk_item it;
	int64_t last = 0;
	int added = 0;
	status rc = store_contacts_last(st, peer_id, &last);

	memset(&c, 0, sizeof c);
	c.peer_id = peer_id;
	c.version = s->version;
	c.doc = buf_str(&m->body);
	c.issued_ms = s->at_ms;
	c.msg = m->id;
	c.kept_ms = stamp_now_ms();
	if (!rc)
		rc = store_contacts_add(st, &c, &added);
	if (rc || !added || s->version <= last)
		return rc;	/* held already, or an older one arriving late */
	if (store_peer_get(st, peer_id, peer_name, name) != ST_OK)
		snprintf(name, sizeof name, "?");
	memset(&it, 0, sizeof it);
	it.msg = m->id;
	it.peer = name;
	it.tmpl = "contacts";
	it.priority = m->priority;
	it.link = m->link;
	it.subject = m->subject;
	snprintf(key, sizeof key, "%lld", (long long)s->version);
	return event(d, "contacts-changed", key, &it, NULL, NULL, 0, 0);
}

static status
on_statement(struct desk *d, int64_t peer_id, const struct message *m, int incoming)
{
	struct store *st = node_store(d->n);
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_stmt s;
	struct ditem x;
	status rc;

	if (deskmsg_stmt_read(m->type, m->body.p ? m->body.p : "", m->body.len, &s, why)) {
		diag_warn("desk: statement %s: %s", m->id, why);	/* the policy read it */
		return ST_OK;
	}
	if (s.kind == DESKMSG_CONTACTS)
		return incoming ? on_contacts(d, peer_id, m, &s) : ST_OK;
	rc = item_get(d, s.ref, &x);
	/* a statement about a message we hold no item of, or of another
	 * peer, or of the wrong direction, changes nothing */
	if (rc == ST_NOTFOUND || x.it.peer_id != peer_id)
		return ST_OK;
	if (rc)
		return rc;
	if (s.kind == DESKMSG_ACK) {
		/* ours (incoming 0) acknowledges a received item; theirs a sent one */
		if (x.it.out != incoming || x.it.ack_ms)
			return ST_OK;
		x.it.ack_ms = s.at_ms;
		x.it.ack_officer = s.officer;
		x.it.ack_role = s.role;
		x.it.ack_note = s.note;
		x.it.ack_msg = m->id;
		x.it.esc_next_ms = 0;
		x.it.open = x.it.expects_reply && !x.it.reply_ms;
		rc = store_desk_item_put(st, &x.it);
		if (!rc && incoming)
			rc = event(d, "acknowledged", NULL, &x.it, s.role, s.officer, 0, 0);
		return rc;
	}
	/* an overdue notice: ours about a sent item, theirs about a received one */
	if (x.it.out == incoming)
		return ST_OK;
	if (strcmp(s.step, "ack") == 0 && !x.it.overdue_ack_ms)
		x.it.overdue_ack_ms = s.at_ms;
	else if (strcmp(s.step, "reply") == 0 && !x.it.overdue_reply_ms)
		x.it.overdue_reply_ms = s.at_ms;
	else
		return ST_OK;
	rc = store_desk_item_put(st, &x.it);
	if (!rc)
		rc = event(d, x.it.human ? "check-missed" : "overdue", s.step, &x.it, NULL, NULL,
		    0, !incoming && d->notice_late);
	return rc;
}

/* on_reply - a reply form (ours: incoming 0) answering the item reply_to */
static status
on_reply(struct desk *d, int64_t peer_id, const struct message *m, const char *reply_to,
    const char *officer, int64_t at_ms, int incoming)
{
	struct ditem x;
	status rc = item_get(d, reply_to, &x);

	if (rc == ST_NOTFOUND || (!rc && (x.it.peer_id != peer_id || x.it.out != incoming ||
	    x.it.reply_ms)))
		return ST_OK;
	if (rc)
		return rc;
	x.it.reply_ms = at_ms;
	x.it.reply_msg = m->id;
	x.it.open = 0;
	rc = store_desk_item_put(node_store(d->n), &x.it);
	if (!rc && incoming)
		rc = event(d, "answered", NULL, &x.it, NULL, officer, 0, 0);
	return rc;
}

/* machine_check_closed - a machine check we sent needs no person: closed
 * from the start (its receipt will still be kept in the item). */
static status
machine_check_closed(struct desk *d, const char *msg)
{
	struct ditem x;
	status rc = item_get(d, msg, &x);

	if (rc)
		return rc;
	x.it.open = 0;
	return store_desk_item_put(node_store(d->n), &x.it);
}

/* form_of - whether m becomes an item: a form of a template (read into
 * f), or a notice with no form (deskmsg_notice_type: f left empty). */
static int
form_of(const struct message *m, struct deskmsg_form *f, char why[static DESKMSG_WHY_MAX])
{
	if (deskmsg_notice_type(m->type)) {
		memset(f, 0, sizeof *f);
		return 1;
	}
	return template_find(m->type) &&
	    deskmsg_form_read(m->type, m->body.p ? m->body.p : "", m->body.len, f, why) == ST_OK;
}

static status
on_queued(void *arg, int64_t peer_id, const struct message *m)
{
	struct desk *d = arg;

	changed(d);
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;
	struct store_desk_item it;
	status rc;

	if (deskmsg_statement_type(m->type))
		return on_statement(d, peer_id, m, 0);
	if (!form_of(m, &f, why))
		return ST_OK;	/* not a form nor a notice: no item */
	if (f.in_reply_to[0] && strcmp(m->type, "reply") == 0) {
		rc = on_reply(d, peer_id, m, f.in_reply_to, f.officer, stamp_now_ms(), 0);
		deskmsg_form_clear(&f);
		return rc;
	}
	memset(&it, 0, sizeof it);
	it.msg = m->id;
	it.out = 1;
	it.peer_id = peer_id;
	it.link = m->link;
	it.tmpl = m->type;
	it.priority = m->priority;
	it.subject = m->subject;
	it.agreement = m->agreement;
	it.reply_to = f.in_reply_to;
	it.expects_reply = desk_expects_reply(m->type);
	it.human = strcmp(f.check, "human") == 0;
	if (stamp_parse(m->created_at, &it.made_ms) != ST_OK)
		it.made_ms = stamp_now_ms();
	rc = store_desk_item_add(node_store(d->n), &it);
	if (!rc && strcmp(f.check, "machine") == 0)
		rc = machine_check_closed(d, m->id);
	deskmsg_form_clear(&f);
	return rc == ST_EXISTS ? ST_OK : rc;
}

/* deadlines - set it's deadlines from its receipt and the agreement. */
static void
deadlines(struct desk *d, struct store_desk_item *it)
{
	struct policy *p = node_policy(d->n);
	int64_t s;

	it->ack_due_ms = it->reply_due_ms = 0;
	if (!p)
		return;
	if (policy_deadline(p, it->agreement, it->link, it->priority, AGREEMENT_ACK, &s) == ST_OK)
		it->ack_due_ms = it->receipt_ms + s * 1000;
	if (it->expects_reply && policy_deadline(p, it->agreement, it->link, it->priority,
	    AGREEMENT_REPLY, &s) == ST_OK)
		it->reply_due_ms = it->receipt_ms + s * 1000;
}

static status
on_accepted(void *arg, int64_t peer_id, const struct message *m, const struct receipt *r)
{
	struct desk *d = arg;

	changed(d);
	struct store *st = node_store(d->n);
	char why[DESKMSG_WHY_MAX];
	struct deskmsg_form f;
	struct ditem x;
	int64_t at;
	int machine;
	status rc;

	if (deskmsg_statement_type(m->type))
		return on_statement(d, peer_id, m, 1);
	if (!form_of(m, &f, why))
		return ST_OK;
	if (stamp_parse(r->received_at, &at) != ST_OK)
		at = stamp_now_ms();
	if (f.in_reply_to[0] && strcmp(m->type, "reply") == 0) {
		rc = on_reply(d, peer_id, m, f.in_reply_to, f.officer, at, 1);
		deskmsg_form_clear(&f);
		return rc;
	}
	memset(&x, 0, sizeof x);
	x.it.msg = m->id;
	x.it.out = 0;
	x.it.peer_id = peer_id;
	x.it.link = m->link;
	x.it.tmpl = m->type;
	x.it.priority = m->priority;
	x.it.subject = m->subject;
	x.it.agreement = m->agreement;
	x.it.reply_to = f.in_reply_to;
	x.it.expects_reply = desk_expects_reply(m->type);
	x.it.human = strcmp(f.check, "human") == 0;
	machine = strcmp(f.check, "machine") == 0;
	if (stamp_parse(m->created_at, &x.it.made_ms) != ST_OK)
		x.it.made_ms = at;
	rc = store_desk_item_add(st, &x.it);
	deskmsg_form_clear(&f);
	if (rc == ST_EXISTS)
		return ST_OK;
	if (rc)
		return rc;
	/* read back: the peer's name, and the columns the row starts with */
	if ((rc = item_get(d, m->id, &x)) != ST_OK)
		return rc;
	x.it.receipt_ms = at;
	if (machine) {
		/* the receipt answers a machine check: nothing for a person */
		x.it.open = 0;
		return store_desk_item_put(st, &x.it);
	}
	deadlines(d, &x.it);
	docs(d);
	{
		size_t i = 0;

		x.it.esc_next_ms = esc_due(d, &x.it, &i);
		x.it.esc_level = (int)i;	/* steps with no time are passed */
	}
	rc = store_desk_item_put(st, &x.it);
	if (!rc)
		rc = event(d, "incoming", NULL, &x.it, NULL, NULL, 0, 0);
	if (!rc)
		push(d, x.it.msg, next_due(&x.it));
	return rc;
}

static status
on_delivered(void *arg, int64_t peer_id, const struct receipt *r, int path)
{
	struct desk *d = arg;

	changed(d);
	struct ditem x;
	status rc = item_get(d, r->msg, &x);

	if (rc == ST_NOTFOUND || (!rc && (!x.it.out || x.it.peer_id != peer_id ||
	    x.it.receipt_ms)))
		return ST_OK;
	if (rc)
		return rc;
	if (stamp_parse(r->received_at, &x.it.receipt_ms) != ST_OK)
		x.it.receipt_ms = stamp_now_ms();
	x.it.path = path;
	if (x.it.open)	/* a machine check's receipt is its whole answer */
		deadlines(d, &x.it);
	rc = store_desk_item_put(node_store(d->n), &x.it);
	if (!rc)
		push(d, x.it.msg, next_due(&x.it));
	return rc;
}

/* ---- what the timers do ---- */

/* overdue - sign and queue the notice that it's step deadline passed. */
static status
overdue(struct desk *d, const struct store_desk_item *it, const char *step, int64_t due,
    int64_t now)
{
	char why[DESKMSG_WHY_MAX], subject[ENV_SUBJECT_MAX + 1], id[STAMP_UUID_LEN];
	const char *w = NULL;
	struct buf body;
	struct link_msg lm;
	status rc;

	buf_init(&body, 4096);
	rc = deskmsg_overdue_make(it->msg, step, due, now, &body, why);
	snprintf(subject, sizeof subject, "overdue (%s): %.1000s", step, it->subject);
	memset(&lm, 0, sizeof lm);
	lm.peer = it->peer;
	lm.link = it->link;
	lm.type = DESK_TYPE_OVERDUE;
	lm.priority = it->priority;
	lm.subject = subject;
	lm.body = buf_str(&body);
	lm.body_len = body.len;
	d->notice_late = now - due > LATE_MS;	/* the daemon was down */
	if (!rc)
		rc = send_queue(d, &lm, id, &w);
	d->notice_late = 0;
	if (rc)
		diag_warn("desk: cannot sign the overdue notice for %s: %s", it->msg,
		    w ? w : status_str(rc));
	buf_free(&body);
	return rc;
}

/* escalate - the escalation step of it that is due at now: notify its
 * role (an "escalate" event naming the officers on duty); a step whose role
 * has nobody on duty is skipped at once, and the next one taken now, not
 * at its own time.  Then plan the step after. */
static status
escalate(struct desk *d, struct store_desk_item *it, int64_t now)
{
	char who[512], key[24];
	size_t i = (size_t)it->esc_level;
	int late = now - it->esc_next_ms > LATE_MS;
	status rc = ST_OK;

	docs(d);
	while (d->plan && i < escalation_n_steps(d->plan)) {
		enum roster_role role = escalation_step_role(d->plan, i);

		if (on_duty(d, role, now, who, sizeof who)) {
			snprintf(key, sizeof key, "%zu", i + 1);
			rc = event(d, "escalate", key, it, roster_role_name(role), who, (int)i + 1,
			    late);
			if (rc)
				return rc;
			diag_info("desk: item %s escalated to step %zu (%s%s%s)%s", it->msg, i + 1,
			    roster_role_name(role), who[0] ? ": " : "", who, late ? ", late" : "");
			i++;
			break;
		}
		diag_info("desk: item %s: escalation step %zu skipped, nobody on duty as %s",
		    it->msg, i + 1, roster_role_name(role));
		i++;
	}
	it->esc_next_ms = esc_due(d, it, &i);
	it->esc_level = (int)i;
	if (it->esc_next_ms && it->esc_next_ms < now)
		it->esc_next_ms = now;	/* overdue after a restart: the next turn */
	return store_desk_item_put(node_store(d->n), it);
}

/* due_item - act on the item msg at now: whatever of it is due. */
static status
due_item(struct desk *d, const char *msg, int64_t now, int *queued)
{
	struct ditem x;
	status rc = item_get(d, msg, &x);

	if (rc)
		return rc == ST_NOTFOUND ? ST_OK : rc;
	if (x.it.out && x.it.open) {
		if (x.it.receipt_ms && !x.it.ack_ms && x.it.ack_due_ms && !x.it.overdue_ack_ms &&
		    x.it.ack_due_ms <= now) {
			if ((rc = overdue(d, &x.it, "ack", x.it.ack_due_ms, now)) != ST_OK)
				return rc;
			*queued = 1;
		}
		if (x.it.receipt_ms && x.it.expects_reply && !x.it.reply_ms && x.it.reply_due_ms &&
		    !x.it.overdue_reply_ms && x.it.reply_due_ms <= now) {
			if ((rc = overdue(d, &x.it, "reply", x.it.reply_due_ms, now)) != ST_OK)
				return rc;
			*queued = 1;
		}
		/* the queued hook kept the notices in the item */
		if ((rc = item_get(d, msg, &x)) != ST_OK)
			return rc;
	} else if (!x.it.out && x.it.open && !x.it.ack_ms && x.it.esc_next_ms &&
	    x.it.esc_next_ms <= now) {
		if ((rc = escalate(d, &x.it, now)) != ST_OK)
			return rc;
	}
	push(d, msg, next_due(&x.it));
	return ST_OK;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct desk *d = arg;
	struct store *st = node_store(d->n);
	int64_t now = stamp_now_ms();
	struct tmr *batch;
	size_t n = 0;
	int queued = 0;
	status rc = ST_OK;

	(void)fd;
	(void)what;
	d->armed = 0;
	/* one transaction (one fsync) for every item due now, up to a batch */
	batch = malloc(DUE_BATCH * sizeof *batch);
	if (batch && d->n_heap && d->heap[0].due <= now && (rc = store_begin(st)) == ST_OK) {
		while (!rc && n < DUE_BATCH && d->n_heap && d->heap[0].due <= now) {
			batch[n] = pop(d);
			rc = due_item(d, batch[n++].msg, now, &queued);
		}
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
		send_end(d, rc == ST_OK);
	}
	if (rc) {
		diag_warn("desk: %zu items due: %s; tried again in a minute", n, status_str(rc));
		for (size_t i = 0; i < n; i++)
			push(d, batch[i].msg, now + 60000);
	}
	free(batch);
	if (n)
		changed(d);
	if (queued && !rc)
		send_kick(d);
	arm(d);
	if (d->n_heap && d->heap[0].due <= now && !evtimer_pending(d->timer, NULL)) {
		struct timeval zero = { 0, 0 };

		evtimer_add(d->timer, &zero);	/* more are due: the next turn */
	}
}

/* ---- scheduled checks ---- */

struct sched_peer {
	int64_t id;
	char name[CARD_NAME_MAX + 1], kid[IDENT_KID_LEN];
	int n_paths;		/* the endpoints its card lists */
};

struct sched_peers {
	struct sched_peer v[MAX_PEERS_SCHED];
	size_t n;
};

static int
sched_peer(void *arg, const struct store_peer *p)
{
	struct sched_peers *s = arg;

	if (s->n == MAX_PEERS_SCHED)
		return 1;
	s->v[s->n].id = p->id;
	s->v[s->n].n_paths = 1;
	for (const char *e = p->endpoint; e && *e; e++)
		s->v[s->n].n_paths += *e == ' ';
	snprintf(s->v[s->n].name, sizeof s->v[s->n].name, "%s", p->name);
	snprintf(s->v[s->n].kid, sizeof s->v[s->n].kid, "%s", p->kid);
	s->n++;
	return 0;
}

/* human_minute - the minute of the UTC day, within [from, to), at which
 * this node checks peer's people on day: drawn from the two keys and the
 * day, so it is the same after a restart and unknown to the peer's desk
 * in advance without our key id. */
static int
human_minute(const char *self_kid, const char *peer_kid, int64_t day, int from, int to)
{
	uint32_t h = 2166136261u;
	char seed[160];

	snprintf(seed, sizeof seed, "%s/%s/%lld", self_kid, peer_kid, (long long)day);
	for (const char *p = seed; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return from + (int)(h % (uint32_t)(to - from));
}

static status queue_any(struct desk *d, struct link_msg *lm, char id[static STAMP_UUID_LEN],
    const char **why);

/* send_check - queue a check of kind ("machine", "human") to peer on
 * link, at the least urgent priority the agreement allows there. */
static status
send_check(struct desk *d, const char *peer, const char *link, const char *kind)
{
	const struct template *t = template_find("comm-check");
	char why[DESKMSG_WHY_MAX], id[STAMP_UUID_LEN];
	const char *w = NULL;
	struct link_msg lm;
	struct buf body;
	status rc;

	buf_init(&body, 4096);
	rc = deskmsg_form_make(t, "{}", 2, NULL, NULL, NULL, kind, &body, why);
	memset(&lm, 0, sizeof lm);
	lm.peer = peer;
	lm.link = link;
	lm.type = "comm-check";
	lm.subject = "communication check";
	lm.body = buf_str(&body);
	lm.body_len = body.len;
	if (!rc)
		rc = queue_any(d, &lm, id, &w);
	if (rc)
		diag_warn("desk: cannot send the scheduled %s check to %s: %s", kind, peer,
		    w ? w : status_str(rc));
	buf_free(&body);
	return rc;
}

/* queue_any - queue lm on the first of the standard links (lm->link NULL)
 * or on lm->link, at the least urgent priority an agreement in force
 * allows there.  ST_LINK (why) when none does. */
static status
queue_any(struct desk *d, struct link_msg *lm, char id[static STAMP_UUID_LEN],
    const char **why)
{
	static const char *const prios[] = { "routine", "priority", "immediate", "flash" };
	const char *only = lm->link;
	status rc = ST_LINK;

	for (size_t l = 0; envelope_links[l] && rc == ST_LINK; l++) {
		lm->link = only ? only : envelope_links[l];
		for (size_t i = 0; i < sizeof prios / sizeof *prios && rc == ST_LINK; i++) {
			lm->priority = prios[i];
			rc = send_queue(d, lm, id, why);
			if (rc == ST_NOTFOUND && !only)
				rc = ST_LINK;	/* no agreement names this link: the next */
		}
		if (only)
			break;
	}
	return rc;
}

/* contacts_push - our newest points of contact to peer p, if it has not
 * had them; in the open transaction.  1 when queued. */
static int
contacts_push(struct desk *d, int64_t peer_id, const char *peer)
{
	struct store *st = node_store(d->n);
	char id[STAMP_UUID_LEN], subject[64];
	int64_t mine = 0, sent = 0;
	struct { struct buf doc; int64_t version; } c;
	struct link_msg lm;
	const char *why = NULL;
	status rc;

	if (store_contacts_last(st, 0, &mine) != ST_OK || !mine ||
	    store_contacts_sent(st, peer_id, &sent) != ST_OK || sent >= mine)
		return 0;
	buf_init(&c.doc, CONTACTS_STATEMENT_MAX + 1);
	c.version = mine;
	rc = store_contacts_doc(st, 0, mine, &c.doc);
	memset(&lm, 0, sizeof lm);
	snprintf(subject, sizeof subject, "points of contact, version %lld", (long long)mine);
	lm.peer = peer;
	lm.type = DESK_TYPE_CONTACTS;
	lm.subject = subject;
	lm.body = buf_str(&c.doc);
	lm.body_len = c.doc.len;
	if (!rc)
		rc = queue_any(d, &lm, id, &why);
	if (!rc)
		rc = store_contacts_sent_set(st, peer_id, mine, id);
	buf_free(&c.doc);
	return rc == ST_OK;
}

/* sched_one - the checks due to p at now under c, in the open transaction. */
static int
sched_one(struct desk *d, const struct sched_peer *p, const struct agreement_checks *c,
    int64_t now)
{
	struct store *st = node_store(d->n);
	int64_t last, day = now / 86400000, minute;
	int sent = 0;

	/* every path machine_every apart: one path each machine_every / paths,
	 * in turn */
	if (c->machine_every_s && store_desk_last_check(st, p->id, 0, &last) == ST_OK &&
	    now - last >= c->machine_every_s * 1000 / p->n_paths) {
		size_t path = (size_t)(d->check_turn++ % (unsigned)p->n_paths);

		if (p->n_paths > 1 && d->e && link_use_path(d->e, p->name, path) != ST_OK)
			diag_info("desk: the check of %s's path %zu goes on the path in use",
			    p->name, path);
		sent += send_check(d, p->name, c->link, "machine") == ST_OK;
	}
	if (c->has_human && store_desk_last_check(st, p->id, 1, &last) == ST_OK &&
	    last < day * 86400000) {
		minute = human_minute(ident_kid(node_ident(d->n)), p->kid, day,
		    c->human_from_min, c->human_to_min);
		if (now >= day * 86400000 + minute * 60000)
			sent += send_check(d, p->name, c->link, "human") == ST_OK;
	}
	return sent;
}

static void
on_sched(evutil_socket_t fd, short what, void *arg)
{
	struct desk *d = arg;
	struct store *st = node_store(d->n);
	struct policy *policy = node_policy(d->n);
	struct timeval tv = { CHECK_TICK_MS / 1000, 0 };
	struct sched_peers *ps = calloc(1, sizeof *ps);
	int64_t now = stamp_now_ms();
	int sent = 0, scheduled = 0;

	(void)fd;
	(void)what;
	evtimer_add(d->sched, &tv);
	if (!ps || !policy || node_halted(d->n) || store_peer_list(st, sched_peer, ps) != ST_OK) {
		free(ps);
		return;
	}
	for (size_t i = 0; i < ps->n; i++) {
		struct agreement_checks c;
		status rc;
		int n;

		if (store_begin(st) != ST_OK)
			break;
		n = contacts_push(d, ps->v[i].id, ps->v[i].name);
		if (policy_checks(policy, ps->v[i].kid, now, &c) == ST_OK) {
			scheduled++;
			n += sched_one(d, &ps->v[i], &c, now);
		}
		rc = n ? store_commit(st) : ST_OK;
		if (!n)
			store_rollback(st);
		send_end(d, n && rc == ST_OK);
		sent += n && rc == ST_OK;
	}
	free(ps);
	if (!d->sched_runs++)
		diag_info("desk: checks scheduled with %d peers; %d sent now", scheduled, sent);
	if (sent)
		send_kick(d);
}

void
desk_poke(struct desk *d)
{
	struct timeval now = { 0, 0 };

	evtimer_add(d->sched, &now);
}

static int
rebuild(void *arg, const struct store_desk_item *it)
{
	push(arg, it->msg, next_due(it));
	return 0;
}

status
desk_new(struct event_base *base, struct node *n, struct link_engine *e, struct desk **out)
{
	static const struct node_msg_hooks hooks = { on_queued, on_accepted, on_delivered, NULL };
	struct desk *d = calloc(1, sizeof *d);
	status rc;

	*out = NULL;
	if (!d)
		return ST_NOMEM;
	d->base = base;
	d->n = n;
	d->e = e;
	if (!(d->timer = evtimer_new(base, on_timer, d)) ||
	    !(d->sched = evtimer_new(base, on_sched, d)) ||
	    !(d->changed = event_new(base, -1, 0, on_changed, d))) {
		desk_free(d);
		return ST_NOMEM;
	}
	if ((rc = notify_new(base, n, &d->notify)) != ST_OK) {
		desk_free(d);
		return rc;
	}
	rc = store_desk_open(node_store(n), INT64_MAX, rebuild, d);
	if (rc) {
		desk_free(d);
		return rc;
	}
	if (d->n_heap) {
		char t[STAMP_TIME_LEN];

		stamp_format(d->heap[0].due, t);
		diag_info("desk: %zu deadlines pending; the next at %s", d->n_heap, t);
	}
	if (node_msg_hooks_add(n, &hooks, d) != ST_OK)
		diag_panic("desk: no room for the node's message hooks");
	{
		struct timeval tv = { 1, 0 };	/* the first look soon after start */

		evtimer_add(d->sched, &tv);
	}
	*out = d;
	return ST_OK;
}

void
desk_free(struct desk *d)
{
	if (!d)
		return;
	if (d->n)
		node_msg_hooks_remove(d->n, d);
	if (d->timer)
		event_free(d->timer);
	if (d->sched)
		event_free(d->sched);
	if (d->changed)
		event_free(d->changed);
	free(d->heap);
	escalation_free(d->plan);
	roster_free(d->roster);
	notify_free(d->notify);
	free(d);
}

/* ---- acknowledging ---- */

struct officer_role {
	char role[16];
};

static int
officer_role(void *arg, const struct store_officer *o)
{
	snprintf(((struct officer_role *)arg)->role, sizeof ((struct officer_role *)arg)->role,
	    "%s", o->role);
	return 1;
}

status
desk_ack(struct desk *d, const char *id, const char *officer, const char *note,
    char ack_id[static STAMP_UUID_LEN], const char **why)
{
	static char w[400];	/* one thread: lives until the next call */
	struct store *st = node_store(d->n);
	char dwhy[DESKMSG_WHY_MAX], subject[ENV_SUBJECT_MAX + 1];
	struct officer_role o;
	struct link_msg lm;
	struct ditem x;
	struct buf body;
	status rc;

	*why = NULL;
	ack_id[0] = '\0';
	if ((rc = store_begin(st)) != ST_OK) {
		*why = "cannot begin a transaction";
		return rc;
	}
	rc = item_get(d, id, &x);
	if (rc || x.it.out) {
		store_rollback(st);
		*why = rc && rc != ST_NOTFOUND ? "cannot read the desk" :
		    "no received formal message has that id (see: parley desk)";
		return rc && rc != ST_NOTFOUND ? rc : ST_NOTFOUND;
	}
	if (x.it.ack_ms) {
		char at[STAMP_TIME_LEN];

		store_rollback(st);
		stamp_format(x.it.ack_ms, at);
		snprintf(w, sizeof w, "acknowledged already by %s at %s", x.it.ack_officer, at);
		*why = w;
		return ST_CONFLICT;
	}
	memset(&o, 0, sizeof o);
	rc = store_officer_get(st, officer, officer_role, &o);
	if (rc) {
		store_rollback(st);
		*why = rc == ST_NOTFOUND ? "no such officer (see: parley officer list)" :
		    "cannot read the officers";
		return rc;
	}
	buf_init(&body, 4096);
	rc = deskmsg_ack_make(id, officer, o.role, note, stamp_now_ms(), &body, dwhy);
	if (rc) {
		snprintf(w, sizeof w, "%s", dwhy);
		*why = w;
	} else {
		snprintf(subject, sizeof subject, "acknowledged: %.1000s", x.it.subject);
		memset(&lm, 0, sizeof lm);
		lm.peer = x.it.peer;
		lm.link = x.it.link;
		lm.type = DESK_TYPE_ACK;
		lm.priority = x.it.priority;
		lm.subject = subject;
		lm.body = buf_str(&body);
		lm.body_len = body.len;
		rc = send_queue(d, &lm, ack_id, why);
	}
	buf_free(&body);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	send_end(d, rc == ST_OK);
	if (rc) {
		ack_id[0] = '\0';
		if (!*why)
			*why = "cannot keep the acknowledgement";
		return rc;
	}
	send_kick(d);
	return ST_OK;
}

status
desk_send(struct desk *d, const struct desk_send *req, char id[static STAMP_UUID_LEN],
    const char **why)
{
	static char w[DESKMSG_WHY_MAX + 64];	/* one thread: lives until the next call */
	const struct template *t = template_find(req->tmpl ? req->tmpl : "");
	const struct config *cf = node_config(d->n);
	struct store *st = node_store(d->n);
	char dwhy[DESKMSG_WHY_MAX], subject[TEMPLATE_SUBJECT_MAX + 1];
	struct officer_role o;
	struct link_msg lm;
	struct buf body, form;
	status rc;

	*why = NULL;
	id[0] = '\0';
	if (!t) {
		*why = "no such template (see: parley templates)";
		return ST_NOTFOUND;
	}
	memset(&o, 0, sizeof o);
	if ((rc = store_officer_get(st, req->officer, officer_role, &o)) != ST_OK) {
		*why = rc == ST_NOTFOUND ? "no such officer (see: parley officer list)" :
		    "cannot read the officers";
		return rc;
	}
	buf_init(&body, TEMPLATE_FORM_MAX * 2);
	buf_init(&form, TEMPLATE_FORM_MAX + 1);
	dwhy[0] = '\0';
	rc = buf_add(&form, req->form ? req->form : "", req->form ? req->form_len : 0);
	if (!rc)
		rc = deskmsg_form_make(t, buf_str(&form), form.len, req->in_reply_to,
		    cf->desk_tz[0] ? cf->desk_tz : NULL, req->officer, req->check, &body, dwhy);
	if (!rc)
		rc = template_subject(t, buf_str(&form), subject, sizeof subject);
	if (rc) {
		snprintf(w, sizeof w, "the form does not fit: %s", dwhy[0] ? dwhy : status_str(rc));
		*why = w;
	} else if ((rc = store_begin(st)) != ST_OK) {
		*why = "cannot begin a transaction";
	} else {
		memset(&lm, 0, sizeof lm);
		lm.peer = req->peer;
		lm.link = req->link;
		lm.type = template_name(t);
		lm.priority = req->priority;
		lm.subject = subject;
		lm.body = buf_str(&body);
		lm.body_len = body.len;
		lm.tlp = req->tlp && req->tlp[0] ? req->tlp : NULL;
		rc = send_queue(d, &lm, id, why);
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
		send_end(d, rc == ST_OK);
		if (!rc)
			send_kick(d);
		else if (!*why)
			*why = "cannot keep the message";
	}
	buf_free(&form);
	buf_free(&body);
	if (rc)
		id[0] = '\0';
	return rc;
}

/* ---- the board ---- */

const char *
desk_state(const struct store_desk_item *it, int64_t now)
{
	if (it->reply_ms)
		return "answered";
	if (it->out && !it->receipt_ms)
		return "queued";
	if (!it->ack_ms)
		return (it->ack_due_ms && now >= it->ack_due_ms) || it->overdue_ack_ms ?
		    "overdue-ack" : "delivered";
	if (!it->expects_reply)
		return "acknowledged";
	return (it->reply_due_ms && now >= it->reply_due_ms) || it->overdue_reply_ms ?
	    "overdue-reply" : "acknowledged";
}

static json_t *
time_or_null(int64_t ms)
{
	char t[STAMP_TIME_LEN];

	if (!ms)
		return json_null();
	stamp_format(ms, t);
	return json_string(t);
}

json_t *
desk_item_json(const struct store_desk_item *it, int64_t now)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", it->msg,
	    "peer", it->peer, "direction", it->out ? "sent" : "received", "template", it->tmpl,
	    "priority", it->priority, "link", it->link, "subject", it->subject, "state",
	    desk_state(it, now), "open", it->open);

	if (!j)
		return NULL;
	json_object_set_new(j, "in_reply_to", it->reply_to[0] ? json_string(it->reply_to) :
	    json_null());
	json_object_set_new(j, "receipt_at", time_or_null(it->receipt_ms));
	json_object_set_new(j, "ack_due", time_or_null(it->ack_due_ms));
	json_object_set_new(j, "reply_due", time_or_null(it->reply_due_ms));
	json_object_set_new(j, "ack_left_s", it->ack_due_ms && !it->ack_ms ?
	    json_integer((it->ack_due_ms - now) / 1000) : json_null());
	json_object_set_new(j, "reply_left_s", it->reply_due_ms && !it->reply_ms ?
	    json_integer((it->reply_due_ms - now) / 1000) : json_null());
	json_object_set_new(j, "acknowledged_at", time_or_null(it->ack_ms));
	json_object_set_new(j, "acknowledged_by", it->ack_ms ? json_string(it->ack_officer) :
	    json_null());
	json_object_set_new(j, "ack_role", it->ack_ms ? json_string(it->ack_role) : json_null());
	json_object_set_new(j, "ack_note", it->ack_note[0] ? json_string(it->ack_note) :
	    json_null());
	json_object_set_new(j, "answered_at", time_or_null(it->reply_ms));
	json_object_set_new(j, "answer", it->reply_msg[0] ? json_string(it->reply_msg) :
	    json_null());
	json_object_set_new(j, "seconds_to_ack", it->ack_ms && it->receipt_ms ?
	    json_integer((it->ack_ms - it->receipt_ms) / 1000) : json_null());
	json_object_set_new(j, "seconds_to_answer", it->reply_ms && it->receipt_ms ?
	    json_integer((it->reply_ms - it->receipt_ms) / 1000) : json_null());
	json_object_set_new(j, "overdue_ack_notice", time_or_null(it->overdue_ack_ms));
	json_object_set_new(j, "overdue_reply_notice", time_or_null(it->overdue_reply_ms));
	json_object_set_new(j, "escalation_level", json_integer(it->esc_level));
	json_object_set_new(j, "escalation_next", time_or_null(it->esc_next_ms));
	json_object_set_new(j, "path", it->out && it->path >= 0 ? json_integer(it->path) :
	    json_null());
	return j;
}
