/* desk.h - the watch desk (issue 14): formal messages acknowledged by a
 * person and answered within the agreement's deadlines, escalation at the
 * receiver, overdue notices from the sender, and events for the
 * operator's notify command.  docs/DESK.md describes it for people.
 *
 * An item is a formal message (a form of a template other than "reply";
 * fmt/deskmsg.h) sent or received, with three steps timed from its signed
 * receipt: delivered (the receipt), acknowledged (a named officer's signed
 * acknowledgement, desk.ack), answered (a reply form naming it).  The
 * agreement the message was sent under gives each priority its ack and
 * reply deadlines (agreement_deadline); every time is kept in UTC
 * milliseconds, so no time zone change moves a deadline.
 *
 * The desk learns of messages through the node's message hooks
 * (node_msg_hooks), inside the transaction that keeps each, and keeps its
 * rows (store_desk.h) in the same transaction.  Its timers are durable:
 * every pending deadline is a column of an open item, and desk_new builds
 * the timers again from the open items, so one that passed while the
 * daemon was down fires at start, marked late.
 *
 * At the sender, when a deadline passes unanswered the node signs an
 * overdue notice (desk.overdue) to the peer: a message, so it is in both
 * parties' logs.  At the receiver, the escalation plan's steps notify
 * roles in turn until an officer acknowledges.
 */
#ifndef PARLEY_DESK_H
#define PARLEY_DESK_H

#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

#include "link/link.h"
#include "node/node.h"
#include "store/store.h"
#include "util/stamp.h"

struct desk;

/* desk_new - the desk of node n, sending through e (NULL: a desk that
 * keeps and times items and signs nothing, for tests and benches);
 * registers the node's message hooks and builds the timers from the open
 * items. */
status desk_new(struct event_base *base, struct node *n, struct link_engine *e,
    struct desk **out) WUR;
/* desk_free - NULL is a no-op; unregisters the hooks. */
void desk_free(struct desk *d);

/* desk_ack - officer acknowledges the received item id: sign the
 * acknowledgement (with note, NULL for none), queue it to the sender and
 * record it, in one transaction committed with fsync.  ack_id gets the
 * statement's message id.  *why says what refuses it: ST_NOTFOUND (no
 * such item, or no such officer), ST_CONFLICT (acknowledged already, by
 * whom), ST_INVALID (a field), or link_queue's refusals. */
status desk_ack(struct desk *d, const char *id, const char *officer, const char *note,
    char ack_id[static STAMP_UUID_LEN], const char **why) WUR;

/* What an officer sends from the console (desk_send). */
struct desk_send {
	const char *peer, *link, *tmpl, *priority;
	const char *tlp;	/* NULL or "": the link's ceiling */
	const char *form;	/* the form, a JSON object (template_check) */
	size_t form_len;
	const char *in_reply_to;	/* NULL or "": none; a "reply" form needs it */
	const char *officer;	/* who sends it (an officer of this desk) */
	const char *check;	/* NULL or "": none; "machine"/"human" for comm-check */
};

/* desk_send - check req's form against its template (why names the
 * field), wrap it as `parley send --template` does (this desk's zone, the
 * officer), and queue it to the peer in one transaction committed with
 * fsync; id gets the message's id.  *why says what refuses it: ST_NOTFOUND
 * (no such template or officer), ST_INVALID/ST_PARSE/ST_TOOBIG (the form),
 * or link_queue's refusals (policy: link, template, priority, TLP). */
status desk_send(struct desk *d, const struct desk_send *req, char id[static STAMP_UUID_LEN],
    const char **why) WUR;

/* desk_watch - call fn(arg) (NULL: none) on a turn of the loop after the
 * desk's items may have changed (a message queued, accepted or delivered,
 * a deadline acted on, an acknowledgement): what the console pushes to
 * its open pages.  One watcher. */
void desk_watch(struct desk *d, void (*fn)(void *arg), void *arg);

/* desk_poke - look at the scheduled work (checks due, contacts not yet
 * sent to a peer) on the next turn of the loop, not at the next tick. */
void desk_poke(struct desk *d);

/* desk_on_duty - who the roster has on duty at now_ms, "ana (duty), carl
 * (supervisor)", into out (cap bytes, cut short if need be); "" when
 * nobody is, and 0 then; -1 (out "") when no roster is set. */
int desk_on_duty(struct desk *d, int64_t now_ms, char *out, size_t cap);

/* desk_next_due - when the desk's next timer fires (0: none). */
int64_t desk_next_due(const struct desk *d);

/* The state of an item at now_ms, in words: "queued" (sent, no receipt
 * yet), "delivered", "acknowledged", "answered", "overdue-ack",
 * "overdue-reply", "closed" (acknowledged, no answer due).  Static. */
const char *desk_state(const struct store_desk_item *it, int64_t now_ms);
/* desk_item_json - the item as the board's JSON object at now_ms. */
json_t *desk_item_json(const struct store_desk_item *it, int64_t now_ms);
/* desk_expects_reply - 1 for a template whose message asks for an answer
 * (incident-notification, inquiry, request-for-assistance). */
int desk_expects_reply(const char *tmpl);

#endif
