/* deskview.h - one message sent or received, as a person reads it: what
 * `parley show` and `parley receipt` print and the duty console's message
 * page shows, in one place.  The message is found in the outbox or the
 * inbox with the key of the pin it was exchanged under, verified again,
 * its form read; the peer's desk (its zone, its language) comes from the
 * points of contact it sent; a time is written in UTC and at both desks.
 *
 * SECURITY: only reads the store.  Text from the peer (a subject, a form's
 * values) is given as written: escaping it for a terminal or for HTML is
 * the caller's (util/text.h, console/page.h).
 */
#ifndef PARLEY_DESKVIEW_H
#define PARLEY_DESKVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/ident.h"
#include "fmt/card.h"
#include "fmt/deskmsg.h"
#include "fmt/envelope.h"
#include "fmt/template.h"
#include "node/node.h"
#include "util/buf.h"
#include "util/stamp.h"
#include "util/tz.h"

/* A message found in the outbox or inbox, copied out of the store. */
struct deskview_msg {
	int sent;		/* 1: we sent it; 0: we received it */
	char peer[CARD_NAME_MAX + 1];
	int64_t peer_id;	/* the pin it was exchanged under */
	uint8_t peer_pk[IDENT_PK_LEN];
	char peer_kid[IDENT_KID_LEN];
	char state[16];		/* deskview_out_state, or "received", "refused" */
	int status;		/* received: 200 accepted, else the HTTP status it was refused with */
	int64_t at_ms, done_ms;	/* sent: created, delivered (0: not yet); received: received */
	struct buf jws, receipt;
	struct buf endpoints;	/* the peer's endpoints (its paths), joined by spaces */
};

/* deskview_find - look id up in the outbox, then the inbox, and the key of
 * the pin it was exchanged under (pinned still, or since removed or
 * re-keyed: the key that signed it).  f is initialised even on error:
 * release it with deskview_msg_free either way.  ST_NOTFOUND when neither
 * holds id. */
status deskview_find(struct node *n, const char *id, struct deskview_msg *f) WUR;
/* deskview_msg_free - release what deskview_find copied into f. */
void deskview_msg_free(struct deskview_msg *f);
/* deskview_open - verify f's bytes again (ours with our key, addressed
 * to the peer; the peer's with its pinned key, addressed to us) and fill
 * m (envelope_message_init'ed by the caller): envelope_message_open's
 * statuses.  f must hold bytes (f->jws.len: a refused message has none). */
status deskview_open(struct node *n, const struct deskview_msg *f, struct message *m) WUR;
/* deskview_out_state - an outbox state (enum store_state) in words:
 * "queued", "delivered", "failed", "rejected".  Static. */
const char *deskview_out_state(int state);

/* deskview_form_read - 1 when m is a formal message (its type a template,
 * its body a form of it): f filled (deskmsg_form_clear it); else 0. */
int deskview_form_read(const struct message *m, struct deskmsg_form *f);

/* deskview_peer_desk - what peer_id's desk contact says, in the newest
 * points of contact it sent: its zone into tz, returned (NULL, tz "",
 * when it sent none), and, when lang is not NULL, the first of its
 * languages that the templates have into *lang (left as it is when none
 * is). */
const char *deskview_peer_desk(struct node *n, int64_t peer_id, char tz[static TZ_NAME_MAX + 1],
    enum template_lang *lang);

/* A time at both desks. */
#define DESKVIEW_AT_LEN (TZ_LOCAL_LEN + CARD_NAME_MAX + TZ_NAME_MAX + 8)
struct deskview_when {
	char utc[STAMP_TIME_LEN + 4];	/* "T UTC", T as given */
	/* [0] at the sender's desk, [1] at the receiver's; "" for a zone not
	 * given, UTC (said already), or one the system does not know */
	char local[2][TZ_LOCAL_LEN];	/* tz_local's text */
	char at[2][DESKVIEW_AT_LEN];	/* "LOCAL at NAME (ZONE)" */
};
/* deskview_when - the time text t (as stamp_parse reads it) in UTC, at
 * sender's desk (zone sender_tz) and at receiver's (receiver_tz), each
 * zone NULL or "" when unknown; ST_PARSE when t is not a time. */
status deskview_when(const char *t, const char *sender, const char *sender_tz,
    const char *receiver, const char *receiver_tz, struct deskview_when *w) WUR;
/* deskview_zones - the same on one line, "T UTC; LOCAL at SENDER (ZONE);
 * LOCAL at RECEIVER (ZONE)", into out (cut short at DESKVIEW_ZONES_LEN);
 * NULL when t is not a time. */
#define DESKVIEW_ZONES_LEN 400
const char *deskview_zones(const char *t, const char *sender, const char *sender_tz,
    const char *receiver, const char *receiver_tz, char out[static DESKVIEW_ZONES_LEN]);

#endif
