/* deskmsg.h - the bodies of the watch desk's messages (issue 14): a form
 * filled in from a template, and the desk's signed statements about an
 * earlier message (a person's acknowledgement, the sender's notice that a
 * deadline passed).  Each travels as the body of an ordinary message
 * (fmt/envelope.h), so it is signed, receipted, logged and provable like
 * any other.  Pure: no I/O.
 *
 * A form message has as its type the template's name, and as its body
 * the canonical JSON (JSON_COMPACT | JSON_SORT_KEYS) of
 *   {"template":NAME,"version":N,"form":{...}[,"in_reply_to":ID][,"tz":ZONE]
 *    [,"officer":NAME][,"check":"machine"|"human"]}
 * ID the message it answers (required for the "reply" template), ZONE
 * the sender's desk time zone (util/tz.h), so the receiver can show the
 * sender's local time, NAME the officer who sent it; "check" only on a
 * comm-check: "machine" (the receipt answers it) or "human" (an officer
 * at the receiving desk must acknowledge it in time).  A statement has one of the types below:
 *   desk.ack      {"ack":ID,"at":TIME,"officer":NAME,"role":ROLE[,"note":TEXT]}
 *   desk.overdue  {"overdue":ID,"step":"ack"|"reply","due":TIME,"at":TIME}
 *   desk.contacts a numbered version of the sender's points of contact,
 *                 as fmt/contacts.h's statement (contacts_canon)
 * TIME as util/stamp.h writes it; NAME an officer's name (card_name_ok);
 * ROLE duty, supervisor or head.  Readers are strict: a member unknown,
 * missing, of another type or out of range refuses the body, and why
 * names it by its JSON path (docs/DESK.md).
 */
#ifndef PARLEY_DESKMSG_H
#define PARLEY_DESKMSG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fmt/card.h"
#include "fmt/template.h"
#include "util/buf.h"
#include "util/stamp.h"
#include "util/tz.h"

#define DESK_TYPE_ACK "desk.ack"
#define DESK_TYPE_OVERDUE "desk.overdue"
#define DESK_TYPE_CONTACTS "desk.contacts"
/* A CSAF advisory (advisory/advisory.h): a formal notification with no
 * form, acknowledged by a person like a template's. */
#define DESK_TYPE_ADVISORY "csaf-advisory"
#define DESKMSG_WHY_MAX 256
#define DESKMSG_NOTE_MAX 1000	/* bytes of an acknowledgement's note */
#define DESKMSG_BODY_MAX (TEMPLATE_FORM_MAX + 1024)	/* a form's body, wrapped */

/* A form message's body, read. */
struct deskmsg_form {
	const struct template *t;
	char in_reply_to[STAMP_UUID_LEN];	/* "" when it answers none */
	char tz[TZ_NAME_MAX + 1];		/* "" when the sender gave none */
	char officer[CARD_NAME_MAX + 1];	/* "" when it names none */
	char check[8];				/* "", "machine" or "human" */
	json_t *form;				/* owned: deskmsg_form_clear */
};

enum deskmsg_kind { DESKMSG_ACK, DESKMSG_OVERDUE, DESKMSG_CONTACTS };

/* A statement's body, read. */
struct deskmsg_stmt {
	enum deskmsg_kind kind;
	char ref[STAMP_UUID_LEN];		/* the message it is about */
	int64_t at_ms;				/* when it was made */
	char officer[CARD_NAME_MAX + 1];	/* ACK */
	char role[16];				/* ACK: duty, supervisor, head */
	char note[DESKMSG_NOTE_MAX + 1];	/* ACK: "" when none */
	char step[8];				/* OVERDUE: "ack" or "reply" */
	int64_t due_ms;				/* OVERDUE: the deadline that passed */
	int64_t version;			/* CONTACTS: the version */
};

/* deskmsg_statement_type - 1 for the type of a statement (desk.ack,
 * desk.overdue, desk.contacts): types an agreement need not list, as they
 * travel on every link the message they concern travels on (contacts: on
 * any link of an agreement in force). */
int deskmsg_statement_type(const char *type);
/* deskmsg_notice_type - 1 for a type the desk keeps as an item though it
 * carries no form (DESK_TYPE_ADVISORY): acknowledged, never answered. */
int deskmsg_notice_type(const char *type);
/* deskmsg_role_ok - 1 for an officer's role (roster_role_parse: duty,
 * supervisor, head). */
int deskmsg_role_ok(const char *s);

/* deskmsg_form_make - check form[0..n) against t (template_check: why
 * names the field), then append the body of a form message to out:
 * in_reply_to (NULL or "": none; else a UUID, required when t is
 * "reply"), tz (NULL or "": none; else tz_name_ok), officer (NULL or "":
 * none; else card_name_ok), check (NULL or "": none; else "machine" or
 * "human", and t comm-check).  ST_INVALID,
 * ST_PARSE, ST_TOOBIG as template_check, out untouched on error. */
status deskmsg_form_make(const struct template *t, const char *form, size_t n,
    const char *in_reply_to, const char *tz, const char *officer, const char *check,
    struct buf *out, char why[static DESKMSG_WHY_MAX]) WUR;
/* deskmsg_form_read - read body[0..n), the body of a message of type
 * type, as a form of the template type names: the wrapper's members, the
 * version (the one this registry holds), and the form (template_check).
 * ST_OK fills out (deskmsg_form_clear it); else why says what, out
 * cleared: ST_PARSE, ST_INVALID, ST_TOOBIG, ST_NOTFOUND (no template of
 * that name). */
status deskmsg_form_read(const char *type, const char *body, size_t n,
    struct deskmsg_form *out, char why[static DESKMSG_WHY_MAX]) WUR;
/* deskmsg_form_clear - free what deskmsg_form_read filled in; zeroes f. */
void deskmsg_form_clear(struct deskmsg_form *f);

/* deskmsg_ack_make - append an acknowledgement's body: ref, officer,
 * role, note (NULL or "": none; text of at most DESKMSG_NOTE_MAX bytes, no
 * control character but newline), at_ms.  ST_INVALID names the field. */
status deskmsg_ack_make(const char *ref, const char *officer, const char *role,
    const char *note, int64_t at_ms, struct buf *out, char why[static DESKMSG_WHY_MAX]) WUR;
/* deskmsg_overdue_make - append an overdue notice's body. */
status deskmsg_overdue_make(const char *ref, const char *step, int64_t due_ms, int64_t at_ms,
    struct buf *out, char why[static DESKMSG_WHY_MAX]) WUR;
/* deskmsg_stmt_read - read body[0..n) of a statement of type type into
 * out.  ST_PARSE, ST_INVALID (why names the member), ST_TOOBIG, or
 * ST_NOTFOUND when type is not a statement's. */
status deskmsg_stmt_read(const char *type, const char *body, size_t n,
    struct deskmsg_stmt *out, char why[static DESKMSG_WHY_MAX]) WUR;

#endif
