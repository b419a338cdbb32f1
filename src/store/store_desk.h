/* store_desk.h - the watch desk's state (issue 14; the rules for rows and
 * callbacks are in store.h): the officers, the desk's documents (roster,
 * escalation plan, contacts), one item per formal message sent or
 * received with its three steps (delivered, acknowledged, answered) and
 * deadlines, and the queue of events for the operator's notify command.
 * Every time is UTC milliseconds; 0 means "not yet" or "none".
 */
#ifndef PARLEY_STORE_DESK_H
#define PARLEY_STORE_DESK_H

#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

struct store;

/* ---- officers ---- */

struct store_officer {
	const char *name;	/* card_name_ok */
	const char *role;	/* duty, supervisor, head */
	int64_t added_ms;
	const char *lang;	/* "en".."ar" the console speaks to them; "": desk_lang */
};
typedef int (*store_officer_cb)(void *arg, const struct store_officer *o);

/* store_officer_add - a new officer; ST_EXISTS when the name is taken. */
status store_officer_add(struct store *st, const char *name, const char *role,
    int64_t now_ms) WUR;
/* store_officer_get - ST_NOTFOUND when there is none of that name. */
status store_officer_get(struct store *st, const char *name, store_officer_cb cb,
    void *arg) WUR;
/* store_officer_list - by name (ST_OK if none). */
status store_officer_list(struct store *st, store_officer_cb cb, void *arg) WUR;

/* What signing in to the duty console checks (schema 10). */
struct store_officer_auth {
	const char *name, *role;
	const char *pw;		/* an Argon2id string (crypto/passwd.h); "": none set */
	const char *totp;	/* the TOTP secret in base32; "": no second factor */
	int64_t totp_step;	/* the last TOTP step accepted (no replay) */
};
typedef int (*store_officer_auth_cb)(void *arg, const struct store_officer_auth *o);

/* store_officer_auth - ST_NOTFOUND when there is no officer name. */
status store_officer_auth(struct store *st, const char *name, store_officer_auth_cb cb,
    void *arg) WUR;
/* store_officer_set_pw - name's password hash (""; none: cannot sign in). */
status store_officer_set_pw(struct store *st, const char *name, const char *pw) WUR;
/* store_officer_set_lang - name's language (a template_lang code, or ""
 * for the desk's); ST_NOTFOUND when there is no officer name. */
status store_officer_set_lang(struct store *st, const char *name, const char *lang) WUR;
/* store_officer_set_totp - name's TOTP secret ("": none), its step reset. */
status store_officer_set_totp(struct store *st, const char *name, const char *secret) WUR;
/* store_officer_totp_step - record step as name's last accepted TOTP step:
 * ST_NOTFOUND (nothing changed) unless it is later than the one held, so
 * a code is accepted once however many sign-ins race. */
status store_officer_totp_step(struct store *st, const char *name, int64_t step) WUR;

/* ---- documents: "roster", "escalation", "contacts" ---- */

/* store_desk_doc_put - keep text as the document kind (replacing it). */
status store_desk_doc_put(struct store *st, const char *kind, const char *text,
    int64_t now_ms) WUR;
/* store_desk_doc_get - append the document kind to out, *set_ms (may be
 * NULL) when it was set; ST_NOTFOUND when none is. */
status store_desk_doc_get(struct store *st, const char *kind, struct buf *out,
    int64_t *set_ms) WUR;

/* store_desk_doc_when - *set_ms: when the document kind was set (a change
 * of it since is a new value); ST_NOTFOUND when none is. */
status store_desk_doc_when(struct store *st, const char *kind, int64_t *set_ms) WUR;

/* ---- items ---- */

struct store_desk_item {
	const char *msg;	/* the formal message's id */
	int out;		/* 1: sent by this node; 0: received */
	int64_t peer_id;
	const char *peer;	/* read only: the peer's name */
	const char *link, *tmpl, *priority, *subject;
	const char *agreement;	/* the agreement it was sent under */
	const char *reply_to;	/* the message it answers; "" none */
	int expects_reply;	/* 1: the template asks for an answer */
	int human;		/* 1: a check a person must answer */
	int64_t made_ms;	/* queued (out), accepted (in) */
	int64_t receipt_ms;	/* the signed receipt's time: the steps' origin */
	int64_t ack_due_ms, reply_due_ms;
	int64_t ack_ms;		/* the acknowledgement's own time */
	const char *ack_officer, *ack_role, *ack_note, *ack_msg;
	int64_t reply_ms;	/* the reply's time (received, or queued) */
	const char *reply_msg;
	int64_t overdue_ack_ms, overdue_reply_ms;	/* the overdue notice's time */
	int esc_level;		/* escalation steps taken (received items) */
	int64_t esc_next_ms;	/* when the next one is due; 0: none */
	int open;		/* 1 until answered (or acknowledged, when no answer is due) */
	int path;		/* sent: the peer's path its receipt came on; -1: not known */
};
typedef int (*store_desk_item_cb)(void *arg, const struct store_desk_item *it);

/* store_desk_item_add - a new item (peer, the step columns but made_ms,
 * receipt_ms and the deadlines ignored); ST_EXISTS for a message held. */
status store_desk_item_add(struct store *st, const struct store_desk_item *it) WUR;
/* store_desk_item_get - the item of message msg; ST_NOTFOUND when none. */
status store_desk_item_get(struct store *st, const char *msg, store_desk_item_cb cb,
    void *arg) WUR;
/* store_desk_item_put - write every step column of it (receipt_ms, the
 * deadlines, ack_*, reply_*, overdue_*, esc_*, open) for the item it->msg. */
status store_desk_item_put(struct store *st, const struct store_desk_item *it) WUR;
/* store_desk_open - every open item, and those closed since since_ms,
 * sent or received, the most urgent priority first, then by made_ms
 * (ST_OK if none). */
status store_desk_open(struct store *st, int64_t since_ms, store_desk_item_cb cb,
    void *arg) WUR;
/* store_desk_checks - the communication checks (items of the comm-check
 * template) made since since_ms, sent and received, by peer, direction,
 * kind (machine, human) and time (ST_OK if none). */
status store_desk_checks(struct store *st, int64_t since_ms, store_desk_item_cb cb,
    void *arg) WUR;
/* store_desk_last_check - *made_ms: when the latest check of kind human
 * (1) or machine (0) was sent to peer_id; 0 when none was. */
status store_desk_last_check(struct store *st, int64_t peer_id, int human,
    int64_t *made_ms) WUR;
/* store_desk_count - how many items are held (ST_OK). */
status store_desk_count(struct store *st, int64_t *n) WUR;

/* ---- points of contact ---- */

/* One version of a node's points of contact (fmt/contacts.h): ours
 * (peer_id 0) or a peer's. */
struct store_contacts {
	int64_t peer_id;	/* 0: this node's own */
	const char *peer;	/* read only: the peer's name; "" for ours */
	int64_t version;
	const char *doc;	/* the statement, exactly as signed (contacts_canon) */
	int64_t issued_ms;	/* its issued_at */
	const char *msg;	/* the message that carried it ("" for ours) */
	int64_t kept_ms;
};
typedef int (*store_contacts_cb)(void *arg, const struct store_contacts *c);

/* store_contacts_add - keep version c (peer_name ignored); a version held
 * already is kept once (*added 0; may be NULL). */
status store_contacts_add(struct store *st, const struct store_contacts *c, int *added) WUR;
/* store_contacts_list - every version held of peer_id's (0: ours; -1:
 * everyone's), by peer then version (ST_OK if none). */
status store_contacts_list(struct store *st, int64_t peer_id, store_contacts_cb cb,
    void *arg) WUR;
/* store_contacts_last - *version: the newest version held of peer_id's
 * (0: ours), 0 when none. */
status store_contacts_last(struct store *st, int64_t peer_id, int64_t *version) WUR;
/* store_contacts_doc - append the statement of peer_id's version to out;
 * ST_NOTFOUND when it is not held. */
status store_contacts_doc(struct store *st, int64_t peer_id, int64_t version,
    struct buf *out) WUR;
/* store_contacts_sent - *version: the newest of our versions queued to
 * peer_id, 0 when none was. */
status store_contacts_sent(struct store *st, int64_t peer_id, int64_t *version) WUR;
/* store_contacts_sent_set - our version was queued to peer_id as msg. */
status store_contacts_sent_set(struct store *st, int64_t peer_id, int64_t version,
    const char *msg) WUR;

/* ---- events for the notify command ---- */

struct store_desk_event {
	int64_t id;
	const char *key;	/* unique: once per step ("escalate:MSG:2") */
	const char *event;	/* incoming, escalate, overdue, acknowledged, ... */
	const char *json;	/* what the command reads on standard input */
	const char *msg, *peer, *priority, *role, *officer;
	int64_t made_ms, next_ms;	/* made; tried next at */
	int64_t tries;
	const char *last_error;
	int64_t done_ms;	/* 0: pending */
};
typedef int (*store_desk_event_cb)(void *arg, const struct store_desk_event *e);

/* store_desk_event_add - queue ev (id and tries ignored; done_ms set:
 * recorded as done already, with last_error as its note); *added (may be
 * NULL) is 0 when its key is queued already. */
status store_desk_event_add(struct store *st, const struct store_desk_event *ev,
    int *added) WUR;
/* store_desk_event_due - the pending events due by now_ms, oldest first,
 * at most limit (ST_OK if none). */
status store_desk_event_due(struct store *st, int64_t now_ms, int limit,
    store_desk_event_cb cb, void *arg) WUR;
/* store_desk_event_next - *next_ms: when the earliest pending event is
 * due; ST_NOTFOUND when none is pending. */
status store_desk_event_next(struct store *st, int64_t *next_ms) WUR;
/* store_desk_event_done - event id ran at now_ms. */
status store_desk_event_done(struct store *st, int64_t id, int64_t now_ms) WUR;
/* store_desk_event_retry - event id failed (why): try again at next_ms. */
status store_desk_event_retry(struct store *st, int64_t id, int64_t next_ms,
    const char *why) WUR;
/* store_desk_event_skip_all - every pending event done at now_ms, with the
 * note why as its last error (no command is set to run them). */
status store_desk_event_skip_all(struct store *st, int64_t now_ms, const char *why) WUR;
/* store_desk_event_list - the latest limit events, newest first. */
status store_desk_event_list(struct store *st, int limit, store_desk_event_cb cb,
    void *arg) WUR;

#endif
