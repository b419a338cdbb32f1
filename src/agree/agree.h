/* agree.h - the agreements service: proposals and countersignatures
 * travelling between the parties over the pinned link (issue 13).
 *
 * An agreement is a document every party signs (fmt/agreement.h,
 * docs/AGREEMENTS.md).  A node holds each one as the signed document with
 * every signature it has collected (store_agree.h).  Parties exchange the
 * document on POST /v1/agreement, a control route that needs no agreement:
 * the receiver verifies every signature with the keys it pinned, keeps the
 * union of the signatures over the same payload bytes, and answers with the
 * document as it now holds it, so both sides end with every signature
 * either has.  A document under an id already held with another payload is
 * refused (409).  Documents not yet signed by every party (and not
 * declined) are offered again to a party whenever it is heard from (at
 * most every AGREE_PUSH_EVERY_MS).
 *
 * A party acts on an agreement with a signed act (fmt/agract.h): it
 * declines a proposal it has not signed, which no one may sign after, or
 * gives notice to terminate one every party has signed, which ends the
 * notice period after the act's time (the earliest end of several
 * notices stands).  Acts travel on POST /v1/agreement/act: the caller is
 * the act's signer, a pinned party; the receiver checks the act names the
 * text it holds (404 when it holds none, 409 when another), applies the
 * rule, and keeps the act and its effect in one transaction before it
 * answers.  Each node sends its own acts to every other party and offers
 * them again, when a party is heard from, until that party has taken them.
 * An agreement that supersedes another (its payload's supersedes) may be
 * proposed only while the other is held here and has not ended; once
 * every party has signed it, the other is superseded from its effective
 * time (node/policy.h says what each state is).
 *
 * Every act of this node, its "sign" act too (made when it proposes or
 * countersigns), is also a statement of its cosigned log, kept in the same
 * transaction (store_stmt_add), and the witness is told to sign a
 * checkpoint.  agree_evidence (agree_evidence.c) makes an agreement's
 * evidence bundle.  What the agreements in force allow is node/policy.h's.
 */
#ifndef PARLEY_AGREE_H
#define PARLEY_AGREE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "crypto/tlsctx.h"
#include "fmt/agract.h"
#include "fmt/agreement.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "store/store.h"
#include "util/stamp.h"

#define AGREE_PUSH_EVERY_MS 30000
/* An act dated further ahead of the receiver's clock than this is refused:
 * a notice cannot be given from a future the others have not reached. */
#define AGREE_ACT_AHEAD_MS (5 * 60 * 1000)

struct agree;
struct witness;

/* agree_new - the service for node n, its peers ps, HTTP h and pinned TLS
 * tls, and the witness w that signs checkpoints of the node's log when its
 * acts grow it (all borrowed; they outlive it). */
status agree_new(struct http *h, struct node *n, struct peers *ps, struct tlsctx *tls,
    struct witness *w, struct agree **out) WUR;
/* agree_free - NULL is a no-op; requests in flight are dropped. */
void agree_free(struct agree *g);
/* agree_routes - register POST /v1/agreement and POST /v1/agreement/act
 * on the pinned listener l. */
status agree_routes(struct agree *g, struct http_listener *l) WUR;

/* agree_propose - sign payload[0..n) (agreement_parse rules) as this
 * node, hold it after the fsync'd commit, and send it to every other
 * party; id gets its id.  ST_EXISTS when that id is held; ST_UNKNOWN_KEY
 * when this node or a party is not pinned (why says which); for a payload
 * that supersedes another, ST_NOTFOUND when that one is not held here and
 * ST_CONFLICT when it has ended (declined, terminated, expired,
 * superseded). */
status agree_propose(struct agree *g, const char *payload, size_t n,
    char id[static STAMP_UUID_LEN], char why[static AGREEMENT_WHY_MAX]) WUR;
/* agree_sign - countersign agreement id as this node, hold it, and send
 * it to every other party.  ST_NOTFOUND (no such agreement), ST_EXISTS
 * (signed already), ST_UNKNOWN_KEY (not a party), ST_CONFLICT (declined). */
status agree_sign(struct agree *g, const char *id, char why[static AGREEMENT_WHY_MAX]) WUR;
/* agree_decline - decline agreement id as this node for reason (1..1000
 * bytes of UTF-8 without control characters): sign the act, keep it with
 * its effect after the fsync'd commit, send it to every other party.
 * ST_NOTFOUND (no such agreement), ST_UNKNOWN_KEY (not a party),
 * ST_CONFLICT (this node has signed it), ST_EXISTS (declined already, by
 * anyone), ST_INVALID (the reason; why names it). */
status agree_decline(struct agree *g, const char *id, const char *reason,
    char why[static AGREEMENT_WHY_MAX]) WUR;
/* agree_terminate - give notice to terminate agreement id, as
 * agree_decline does: it ends its notice period from now.  ST_NOTFOUND,
 * ST_UNKNOWN_KEY, ST_INVALID as agree_decline; ST_CONFLICT (not signed by
 * every party, declined, or ended already), ST_EXISTS (this node gave
 * notice already). */
status agree_terminate(struct agree *g, const char *id, const char *reason,
    char why[static AGREEMENT_WHY_MAX]) WUR;

/* agree_import - hold the signed document doc[0..len) at node n, as if
 * a party had offered it: verified with the keys n pinned (n must be a
 * party), merged with the signatures held under its id, kept after the
 * fsync'd commit; id gets its id.  For `parley agreement import` (a
 * document carried by hand, or restored), which needs no daemon: the CLI
 * then asks a running one to read the agreements again. */
status agree_import(struct node *n, const char *doc, size_t len,
    char id[static STAMP_UUID_LEN], char why[static AGREEMENT_WHY_MAX]) WUR;

/* agree_evidence_fn - an evidence request finished: bundle (one JSON line)
 * on success, else error names the problem. */
typedef void (*agree_evidence_fn)(void *arg, const char *bundle, size_t len,
    const char *error);
/* agree_evidence - build the evidence bundle of agreement id
 * (fmt/agrevidence.h): the document held and every act on it held here,
 * each with its proof: ours from our log, a party's fetched from it; the
 * bundle is verified with the parties' pinned cards before fn gets it.  fn
 * is called exactly once, now or later, when this returns ST_OK; else *why
 * says what: ST_NOTFOUND (no such agreement held), ST_TIMEOUT (an act of
 * ours not yet in a checkpoint a party cosigned), ST_UNKNOWN_KEY (a party
 * that acted is no longer pinned). */
status agree_evidence(struct agree *g, const char *id, agree_evidence_fn fn, void *arg,
    const char **why) WUR;
/* agree_cancel - forget the evidence requests whose arg is arg. */
void agree_cancel(struct agree *g, void *arg);

/* agree_key - the agreement_key_fn of a node (arg: struct node *): this
 * node's own key, or the pinned key of the party named name, whose key id
 * must be kid. */
status agree_key(void *node, const char *name, const char *kid,
    uint8_t pk[static IDENT_PK_LEN]);
/* agree_summary - the listing columns of the verified document doc[0..n)
 * (a: its parsed payload; sigs: who signed) into *row, with the names in
 * parties and signed (each at least AGREEMENT_PARTIES_MAX *
 * (CARD_NAME_MAX + 1) bytes). */
void agree_summary(const struct agreement *a, const struct agreement_sigs *sigs,
    const char *doc, struct store_agree *row, char *parties, char *signed_by);

#endif
