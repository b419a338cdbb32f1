/* agreement.h - agreements: what may flow between parties, signed by all.
 *
 * An agreement is a JSON payload (docs/AGREEMENTS.md gives the schema, its
 * limits and an example) signed by every party over the same bytes, in the
 * JWS JSON General Serialization (RFC 7515 §7.2.1):
 *   {"payload":B64URL,"signatures":[{"protected":B64URL,"signature":B64URL},...]}
 * each protected header exactly {"alg":"EdDSA","kid":KID,"typ":"parley-agreement"}.
 *
 * The parser is strict: a member missing, unknown, of the wrong type or out
 * of range refuses the whole document, and `why` names it by its JSON path
 * ("links.urgent.deadlines.flash.ack: not an ISO 8601 duration").  Every
 * `why` is printable ASCII; text taken from the input is quoted and cut.
 */
#ifndef PARLEY_AGREEMENT_H
#define PARLEY_AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ident.h"
#include "fmt/card.h"
#include "fmt/envelope.h"
#include "fmt/tlp.h"
#include "util/stamp.h"

#define AGREEMENT_TYP "parley-agreement"
#define AGREEMENT_WHY_MAX 256
/* Limits of the schema (docs/AGREEMENTS.md lists them with the fields). */
#define AGREEMENT_PAYLOAD_MAX (64 * 1024)	/* payload bytes */
#define AGREEMENT_DOC_MAX (128 * 1024)		/* signed document bytes */
#define AGREEMENT_TITLE_MAX 200			/* bytes of UTF-8 */
#define AGREEMENT_REFS_MAX 16
#define AGREEMENT_REF_MAX 1000			/* bytes of UTF-8, each */
#define AGREEMENT_PARTIES_MAX 16
#define AGREEMENT_LINKS_MAX 16
#define AGREEMENT_TYPES_MAX 32			/* per link */
/* The largest max_body a link may have: node/config.h's
 * CONFIG_MAX_BODY_LIMIT, the most any node accepts. */
#define AGREEMENT_BODY_LIMIT (16 * 1024 * 1024)
/* agreement_expires_ms of an agreement that never expires. */
#define AGREEMENT_NEVER INT64_MAX

struct agreement;

/* One party: the name it goes by (card_name_ok) and its key id. */
struct agreement_party {
	char name[CARD_NAME_MAX + 1];
	char kid[IDENT_KID_LEN];
};

enum agreement_personal { AGREEMENT_PD_REFUSE, AGREEMENT_PD_PSEUDONYMISE, AGREEMENT_PD_ALLOW };
enum agreement_onward { AGREEMENT_ONWARD_NEVER, AGREEMENT_ONWARD_WITH_CONSENT };

/* What the parties agreed about data (the "data" section). */
struct agreement_data {
	int critical_infrastructure;	/* 1: it may be shared at all */
	enum agreement_personal personal_data;
	enum agreement_onward onward_transfer;
	int64_t retention_s;		/* how long received data is kept */
};

enum agreement_deadline_kind { AGREEMENT_ACK, AGREEMENT_REPLY };

/* The communication checks the parties schedule (version 2's "checks"):
 * each party checks every other on link, a machine check every
 * machine_every_s seconds (0: none), and a human check once a day at a
 * random minute of [human_from_min, human_to_min) UTC (has_human 0: none). */
struct agreement_checks {
	char link[ENV_LINK_MAX + 1];
	int64_t machine_every_s;
	int has_human;
	int human_from_min, human_to_min;	/* minutes of the UTC day */
};

/* agreement_parse - check the payload json[0..n) against the schema and
 * give its content in *out (owned by the caller: agreement_free).  On
 * failure *out is NULL and why says what: ST_TOOBIG (over
 * AGREEMENT_PAYLOAD_MAX), ST_PARSE (not JSON, or not an object), ST_INVALID
 * (the schema: why names the field by its JSON path). */
status agreement_parse(const char *json, size_t n, struct agreement **out,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agreement_free - release a; NULL is a no-op. */
void agreement_free(struct agreement *a);

/* agreement_draft - append to out a draft payload (indented JSON, "\n"
 * last) for parties[0..n) with the defaults of docs/AGREEMENTS.md for the
 * four standard links: id (a UUIDv7 the caller made), effective_ms, title
 * (NULL: "Agreement between A and B"); no expiry.  ST_INVALID (out
 * untouched, why set) when the draft would not pass agreement_parse. */
status agreement_draft(const struct agreement_party *parties, size_t n, const char *title,
    const char *id, int64_t effective_ms, struct buf *out,
    char why[static AGREEMENT_WHY_MAX]) WUR;

/* agreement_key_fn - the verifier's key for a party: set pk to the public
 * key of the party named name whose key id is kid and return ST_OK, or
 * return ST_NOTFOUND when the caller holds none.  A pk whose thumbprint is
 * not kid is refused (ST_UNKNOWN_KEY), so a lookup mistake cannot verify. */
typedef status (*agreement_key_fn)(void *arg, const char *name, const char *kid,
    uint8_t pk[static IDENT_PK_LEN]);
/* agreement_key_cards - an agreement_key_fn over the cards in an
 * agreement_cards (matched by key id; the card's name is not compared:
 * the agreement's names are the ones its parties chose). */
struct agreement_cards {
	const struct card *cards;
	size_t n;
};
status agreement_key_cards(void *cards, const char *name, const char *kid,
    uint8_t pk[static IDENT_PK_LEN]);

/* Who has signed, as agreement_verify found it. */
struct agreement_sigs {
	size_t n_parties;	/* parties the payload names */
	size_t n_signed;	/* of them, how many signed (each once) */
	unsigned char signed_by[AGREEMENT_PARTIES_MAX];	/* 1 at i: parties[i] */
};

/* agreement_sign - the first signature: check payload[0..n) with
 * agreement_parse, and append to out the General Serialization (indented
 * JSON, "\n" last) of its canonical form (JSON_COMPACT | JSON_SORT_KEYS:
 * docs/AGREEMENTS.md) signed by id.  ST_UNKNOWN_KEY when id is not a
 * party; errors of agreement_parse.  out untouched and why set on error. */
status agreement_sign(const struct ident *id, const char *payload, size_t n, struct buf *out,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agreement_countersign - verify doc[0..n) as agreement_verify does (with
 * lookup), then append to out the same document, payload and signatures
 * byte for byte, with id's signature added last.  ST_UNKNOWN_KEY when id
 * is not a party, ST_EXISTS when it has signed; errors of agreement_verify. */
status agreement_countersign(const struct ident *id, const char *doc, size_t n,
    agreement_key_fn lookup, void *arg, struct buf *out,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agreement_verify - check the signed document doc[0..n): its shape, the
 * payload (as agreement_parse), and every signature: its header exactly
 * alg EdDSA, typ parley-agreement and the kid of a party, verified over the
 * payload's bytes as they stand with that party's key from lookup.  ST_OK
 * when every signature there verifies, though parties may be missing:
 * *report says who has signed (agreement_sigs_complete).  *out (may be
 * NULL; else the caller's, agreement_free) is the payload's content.
 * Errors (why names the signature or field; *out NULL): ST_TOOBIG,
 * ST_PARSE (not JSON, not base64url), ST_INVALID (a member missing or
 * unknown, a header not exactly ours, no signature, a party signing twice,
 * the schema), ST_UNKNOWN_KEY (a signer not a party, or no key for it),
 * ST_BADSIG (a signature does not verify). */
status agreement_verify(const char *doc, size_t n, agreement_key_fn lookup, void *arg,
    struct agreement **out, struct agreement_sigs *report,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agreement_read - the payload of the signed document doc[0..n), as
 * agreement_verify reads it but with no signature checked: for a
 * document the caller verified before keeping it (a store's own).
 * *out as for agreement_verify; errors ST_TOOBIG, ST_PARSE, ST_INVALID. */
status agreement_read(const char *doc, size_t n, struct agreement **out,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agreement_sigs_complete - 1 when every party has signed. */
int agreement_sigs_complete(const struct agreement_sigs *r);

/* agreement_allows - ST_OK when a permits a message on link of type (one
 * of the link's types or templates, or a desk statement: fmt/deskmsg.h) and
 * priority, with a body of body_size bytes, labelled tlp.  Else ST_LINK
 * and why names the clause: "links.cert.tlp_max is TLP:AMBER; the message
 * is TLP:RED".  Who may send is the caller's check (agreement_party). */
status agreement_allows(const struct agreement *a, const char *link, const char *type,
    const char *priority, size_t body_size, enum tlp tlp,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agreement_link_has - 1 when link of a lists type among its types. */
int agreement_link_has(const struct agreement *a, const char *link, const char *type);
/* agreement_template_ok - 1 when link of a lists the template name
 * (version 2's links.NAME.templates): a message of that type on that link
 * is a form of the template (fmt/deskmsg.h), and is refused otherwise. */
int agreement_template_ok(const struct agreement *a, const char *link, const char *name);
/* agreement_tlp_max - the most restricted TLP label a allows on link, in
 * *out; ST_NOTFOUND when a has no such link. */
status agreement_tlp_max(const struct agreement *a, const char *link, enum tlp *out) WUR;
/* agreement_deadline - the deadline (seconds) a sets for kind on link and
 * priority.  ST_NOTFOUND when it sets none (no such link, or no deadline
 * for that priority). */
status agreement_deadline(const struct agreement *a, const char *link, const char *priority,
    enum agreement_deadline_kind kind, int64_t *seconds) WUR;
/* agreement_checks - the checks a schedules, in *out; ST_NOTFOUND when
 * it schedules none. */
status agreement_checks(const struct agreement *a, struct agreement_checks *out) WUR;
/* agreement_in_force_at - 1 when now_ms is within a's term: effective <=
 * now_ms < expires.  Signatures, supersession and termination are the
 * caller's to weigh. */
int agreement_in_force_at(const struct agreement *a, int64_t now_ms);

/* Getters: borrowed from a, valid until agreement_free. */
const char *agreement_id(const struct agreement *a);
const char *agreement_title(const struct agreement *a);
/* agreement_version - the schema's version, its "v": 1 or 2. */
int agreement_version(const struct agreement *a);
/* agreement_supersedes - the id a supersedes, or NULL. */
const char *agreement_supersedes(const struct agreement *a);
size_t agreement_n_parties(const struct agreement *a);
/* agreement_party_at - parties[i] in the payload's order; NULL past the end. */
const struct agreement_party *agreement_party_at(const struct agreement *a, size_t i);
/* agreement_party - the party whose key id is kid, or NULL. */
const struct agreement_party *agreement_party(const struct agreement *a, const char *kid);
int64_t agreement_effective_ms(const struct agreement *a);
/* agreement_expires_ms - the expiry, or AGREEMENT_NEVER. */
int64_t agreement_expires_ms(const struct agreement *a);
/* agreement_notice_s - the termination notice period, seconds. */
int64_t agreement_notice_s(const struct agreement *a);
size_t agreement_n_links(const struct agreement *a);
/* agreement_link_at - the name of the i-th link (sorted by name); NULL past
 * the end. */
const char *agreement_link_at(const struct agreement *a, size_t i);
const struct agreement_data *agreement_data(const struct agreement *a);

#endif
