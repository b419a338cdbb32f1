/* policy.h - the agreements in force, as the node enforces them (issue 13).
 *
 * Which agreements are in force is a question of their held rows
 * (store_agree.h) and the time: every party has signed, the effective time
 * has come, and the agreement has not ended (expired, terminated,
 * declined, superseded by one in force).  An agreement binds every pair
 * of its parties; a message between this node and a peer is sent under
 * one agreement that names both, and says which (fmt/envelope.h).
 *
 * A local agreement is the previous version's `peer add --links`: the
 * links a peer's pin carries, which this node alone decided.  It allows
 * any type and priority on those links, bodies up to the node's max_body
 * and any TLP label (TLP:AMBER when none is given), and a message sent
 * under it names "local".  It stands only until an agreement both parties
 * signed is in force between them (README, "Upgrading a store with
 * --links").  A message sent under it is still accepted on its terms for
 * POLICY_LOCAL_GRACE_MS after the agreement that replaced it came into
 * force here: its sender may have sent it before it learned of that one.
 *
 * The policy keeps every held agreement parsed, in memory; policy_reload
 * reads them again (after an agreement is kept, or a pin changes).
 */
#ifndef PARLEY_POLICY_H
#define PARLEY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/agreement.h"
#include "fmt/envelope.h"
#include "store/store.h"
#include "store/store_agree.h"

#define POLICY_LOCAL_GRACE_MS (24 * 3600 * 1000LL)

struct policy;

/* policy_state - a held agreement's state at now_ms, in words; the first
 * that holds, in this order (docs/AGREEMENTS.md, "States"):
 *   "declined"     a party declined it (declined_ms set), whoever signed;
 *   "proposed"     not every party has signed;
 *   "signed"       every party has, and its effective time is to come;
 *   "superseded"   now_ms >= superseded_ms: one superseding it is in force;
 *   "terminated"   now_ms >= ends_ms: a notice of termination has run out;
 *   "expired"      now_ms >= expires_ms;
 *   "terminating"  a notice runs (ends_ms set), the agreement still in force;
 *   "in force".
 * A static string; a is only read. */
const char *policy_state(const struct store_agree *a, int64_t now_ms);

/* policy_new - the policy of the node whose key id is self_kid, read from
 * st (borrowed; outlives it); max_body bounds a local agreement's bodies. */
status policy_new(struct store *st, const char *self_kid, size_t max_body,
    struct policy **out) WUR;
/* policy_free - NULL is a no-op. */
void policy_free(struct policy *p);
/* policy_reload - read the agreements and pins again.  On error the policy
 * held before stays. */
status policy_reload(struct policy *p) WUR;

/* What a message asks of the policy. */
struct policy_msg {
	const char *link, *type, *priority;
	size_t body_size;
	const char *tlp;	/* its label; NULL on send: the link's tlp_max */
	const char *agreement;	/* the agreement named; NULL on send: the policy picks */
	const char *body;	/* body_size bytes; NULL when not at hand (too large) */
};

/* policy_send - may this node send m to the peer whose key id is peer_kid
 * at now_ms?  ST_OK: agreement and tlp get what the message is to carry
 * (the agreement named, or the newest one in force between the two that
 * allows it; the label given, or the link's tlp_max).  Else why says
 * what refuses it, naming the clause ("links.cert.tlp_max is TLP:AMBER;
 * the message is TLP:RED") or the lack of an agreement: ST_LINK (terms),
 * ST_NOTFOUND (no agreement in force between the two names the link, or
 * the agreement named is not one), ST_INVALID (tlp is not a TLP 2.0
 * label, or the body is not the form the agreement's template asks for,
 * or not the desk statement its type says: fmt/deskmsg.h). */
status policy_send(struct policy *p, const char *peer_kid, const struct policy_msg *m,
    int64_t now_ms, char agreement[static STAMP_UUID_LEN], char tlp[static TLP_NAME_MAX],
    char why[static AGREEMENT_WHY_MAX]) WUR;

/* policy_receive - may this node accept m, received from the peer whose
 * key id is peer_kid at now_ms, by its own copy of the agreement m names?
 * ST_OK; ST_BREACH (why names the clause, or says the agreement ended, or
 * the sender is not a party): refuse it for good; ST_DOWN: the agreement
 * named is not held here, not yet signed by every party here, or not yet
 * effective here: the sender tries again later (an agreement's last
 * signature may still be on its way); ST_INVALID (why says what): a
 * form that does not fit the template the agreement lists for its type,
 * or a desk statement that is not one: refuse it for good too.  A message of version 1 names no
 * agreement and is held to the local agreement.  An agreement superseded
 * by one in force is read as its successor. */
status policy_receive(struct policy *p, const char *peer_kid, const struct policy_msg *m,
    int64_t now_ms, char why[static AGREEMENT_WHY_MAX]) WUR;

/* policy_deadline - the deadline, in seconds, the agreement agreement (as
 * held here) sets for kind on link at priority: agreement_deadline.
 * ST_NOTFOUND when it is not held, or sets none (a local agreement sets
 * none). */
status policy_deadline(struct policy *p, const char *agreement, const char *link,
    const char *priority, enum agreement_deadline_kind kind, int64_t *seconds) WUR;

/* policy_checks - the checks scheduled with the peer whose key id is
 * peer_kid: those of the newest agreement in force between the two at
 * now_ms that schedules any (agreement_checks).  ST_NOTFOUND: none. */
status policy_checks(struct policy *p, const char *peer_kid, int64_t now_ms,
    struct agreement_checks *out) WUR;

/* policy_terms_fn - one agreement in force (borrowed for the call);
 * non-zero stops the walk. */
typedef int (*policy_terms_fn)(void *arg, const struct agreement *a);
/* policy_in_force - fn for each agreement in force at now_ms between this
 * node and the peer whose key id is peer_kid, in the order policy_send
 * weighs them (the last held first): what this node may send the peer,
 * for a page that offers only that.  The local agreement is not one. */
void policy_in_force(struct policy *p, const char *peer_kid, int64_t now_ms,
    policy_terms_fn fn, void *arg);

/* policy_carries - 1 when link may carry messages between this node and
 * the peer whose key id is peer_kid: an agreement held that binds the two
 * names it (in force or not: what was queued under one that ended is
 * still delivered, and judged by the receiver), or their local agreement
 * does.  The links a sender reads its queue for. */
int policy_carries(struct policy *p, const char *peer_kid, const char *link);
/* policy_local - the links of the local agreement with the peer whose key
 * id is peer_kid, comma-separated, or NULL when there is none or an
 * agreement both signed replaced it at now_ms. */
const char *policy_local(struct policy *p, const char *peer_kid, int64_t now_ms);

#endif
