/* contacts.h - a node's points of contact (the file of `parley contacts
 * set FILE`), and the statement that carries a numbered version of them
 * to peers (docs/DESK_FILES.md).
 *
 *   {"contacts":[{"role":"desk","name":"Watch desk",
 *                 "phone":["+43 1 531 15 0"],"email":["desk@cert.example"],
 *                 "languages":["en","fr"],"hours":"24/7","tz":"Europe/Vienna"}]}
 *
 * The statement is the same object with "version" (an integer
 * 1..CONTACTS_VERSION_MAX) and "issued_at" (an RFC 3339 UTC time) added;
 * a file holds neither.  Signing the statement is the caller's: this
 * module gives its canonical text.  A zone is checked for its shape only
 * (tz_name_ok): whether the system knows it is a question of I/O.
 * Pure: no I/O.
 */
#ifndef PARLEY_CONTACTS_H
#define PARLEY_CONTACTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/status.h"
#include "util/tz.h"

#define CONTACTS_WHY_MAX 256
#define CONTACTS_BYTES_MAX 65536	/* bytes of a contacts file */
/* bytes of a statement: the file's limit and room for what the statement
 * adds, so that the statement of every file fits */
#define CONTACTS_STATEMENT_MAX (CONTACTS_BYTES_MAX + 1024)
#define CONTACTS_MAX 32			/* contacts in a file */
#define CONTACTS_NAME_MAX 200		/* bytes of a name */
#define CONTACTS_PHONES_MAX 8
#define CONTACTS_PHONE_MAX 40		/* bytes of a phone number */
#define CONTACTS_EMAILS_MAX 8
#define CONTACTS_EMAIL_MAX 254		/* bytes of an address (RFC 5321's path) */
#define CONTACTS_LANGS_MAX 8
#define CONTACTS_HOURS_MAX 100		/* bytes of the hours */
#define CONTACTS_VERSION_MAX 9007199254740992LL	/* 2^53: exact in every JSON reader */
/* A peer's contacts not confirmed (a new version issued) for this long are
 * stale: `parley directory` and the console flag them. */
#define CONTACTS_STALE_MS (365LL * 86400 * 1000)

enum contacts_mode { CONTACTS_FILE, CONTACTS_STATEMENT };

enum contacts_role {
	CONTACTS_POLICY, CONTACTS_TECHNICAL, CONTACTS_DESK, CONTACTS_SENIOR_OFFICIAL,
	CONTACTS_ROLES
};

/* One point of contact; strings NUL-terminated, UTF-8. */
struct contacts_entry {
	enum contacts_role role;
	char name[CONTACTS_NAME_MAX + 1];
	char phone[CONTACTS_PHONES_MAX][CONTACTS_PHONE_MAX + 1];
	size_t n_phone;
	char email[CONTACTS_EMAILS_MAX][CONTACTS_EMAIL_MAX + 1];
	size_t n_email;
	char languages[CONTACTS_LANGS_MAX][4];
	size_t n_languages;
	char hours[CONTACTS_HOURS_MAX + 1];
	char tz[TZ_NAME_MAX + 1];
};

struct contacts;	/* opaque */

/* contacts_role_parse - "policy", "technical", "desk" or
 * "senior-official" (exactly) into *out; ST_PARSE (*out untouched) else. */
status contacts_role_parse(const char *s, enum contacts_role *out) WUR;
/* contacts_role_name - the role's name; "?" out of range.  Static storage. */
const char *contacts_role_name(enum contacts_role r);

/* contacts_parse - check json[0..n), a contacts file (mode CONTACTS_FILE)
 * or statement (CONTACTS_STATEMENT), and give it in *out (the caller's:
 * contacts_free).  Every member of a contact is required (phone and email
 * may be empty arrays) and no other is allowed; 1..CONTACTS_MAX contacts,
 * at least one of role desk, no two of the same role and name.  On
 * failure *out is NULL and why says "PATH: WHAT" in printable ASCII
 * ("contacts[0].phone[1]: not a phone number ..."): ST_TOOBIG over
 * CONTACTS_BYTES_MAX (a file) or CONTACTS_STATEMENT_MAX (a statement),
 * ST_PARSE for text that is not a JSON object (or holds a member twice),
 * ST_INVALID for a rule broken, ST_NOMEM.  On success why is "". */
status contacts_parse(const char *json, size_t n, enum contacts_mode mode,
    struct contacts **out, char why[static CONTACTS_WHY_MAX]) WUR;
/* contacts_free - release c; NULL is a no-op. */
void contacts_free(struct contacts *c);

/* contacts_n - how many contacts c holds (1..CONTACTS_MAX). */
size_t contacts_n(const struct contacts *c);
/* contacts_at - contact i in the file's order (NULL past the end),
 * borrowed from c. */
const struct contacts_entry *contacts_at(const struct contacts *c, size_t i);
/* contacts_version - the statement's version; 0 for a file. */
int64_t contacts_version(const struct contacts *c);
/* contacts_issued_at_ms - the statement's issued_at (UTC ms); 0 for a file. */
int64_t contacts_issued_at_ms(const struct contacts *c);

/* contacts_canon - append to out the canonical text of the statement of
 * c's contacts with version and issued_at_ms: compact JSON, keys sorted,
 * contacts in c's order, issued_at as stamp_format writes it.
 * contacts_parse reads it back (CONTACTS_STATEMENT) to the same contacts,
 * version and time, whose canonical text is the same; it is at most
 * CONTACTS_STATEMENT_MAX bytes.  ST_INVALID for a version out of
 * 1..CONTACTS_VERSION_MAX or a time stamp_parse cannot read back (years
 * 0000..9999), ST_TOOBIG past out's maximum, ST_NOMEM; out is unchanged
 * on error. */
status contacts_canon(const struct contacts *c, int64_t version, int64_t issued_at_ms,
    struct buf *out) WUR;

/* contacts_diff - what changed from before (NULL: nothing before) to
 * after, as a new JSON array (the caller's: json_decref; NULL when out of
 * memory).  Contacts are matched by role and name.  The changes come in
 * this order: for each contact of after, in its order,
 * {"change":"added","role":R,"name":N} when before has none of its role
 * and name, else one {"change":"changed","role":R,"name":N,"field":F,
 * "from":OLD,"to":NEW} for each field F that differs, in the order phone,
 * email, languages, hours, tz (from and to are the field's values: arrays
 * of strings for the first three, compared element by element in order,
 * strings for the others); then for each contact of before that after
 * lacks, in before's order, {"change":"removed","role":R,"name":N}.  The
 * order of the contacts themselves is not a change; nothing changed is an
 * empty array. */
json_t *contacts_diff(const struct contacts *before, const struct contacts *after);

#endif
