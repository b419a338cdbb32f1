/* advisory.h - vulnerability advisories (issue 17; docs/CSAF.md): CSAF 2.0
 * documents checked (fmt/csaf.h), kept (store_advisory.h), sent to peers
 * on the cert link as signed messages, and received from them.
 *
 * A sent advisory is one message of type "csaf-advisory" whose body is the
 * document exactly as imported; the message's TLP label is the document's
 * (TLP:WHITE as TLP:CLEAR).  The peer reads it again with csaf_read when
 * it arrives (the node's admit hook refuses an invalid one for good, with
 * the first problem as the reason) and keeps it with its origin in the
 * message's transaction; the desk makes the message an item to be
 * acknowledged by a named officer within the agreement's deadlines
 * (desk.h), so its receipt, acknowledgement and any overdue notice are the
 * desk's, found by the message id (advisory_timeline).
 *
 * An update - a newer tracking version of an advisory of ours - goes, when
 * imported, to every peer that was sent an earlier version, in the
 * import's transaction.
 *
 * An advisory received from a peer is never sent on to another party
 * unless that origin's agreement allows onward transfer (with-consent)
 * and its TLP is CLEAR or GREEN, as for STIX objects (docs/STIX.md).
 *
 * Remedies are information only: nothing here downloads, installs or
 * pushes anything.
 */
#ifndef PARLEY_ADVISORY_H
#define PARLEY_ADVISORY_H

#include <jansson.h>

#include "link/link.h"
#include "node/node.h"
#include "node/peers.h"

#define ADVISORY_TYPE "csaf-advisory"	/* the message type */
#define ADVISORY_LINK "cert"		/* the link advisories travel on */

struct advisory;

/* advisory_new - the advisory service of node n, sending through e
 * (NULL: keeps what arrives, sends nothing); registers the node's message
 * hooks.  All borrowed; they must outlive it. */
status advisory_new(struct node *n, struct peers *ps, struct link_engine *e,
    struct advisory **out) WUR;
/* advisory_free - NULL is a no-op; unregisters the hooks. */
void advisory_free(struct advisory *a);

/* advisory_api - answer one request of the local API (api.h), an object
 * whose "op" starts with "advisory_":
 *   {"op":"advisory_import","path":ABS[,"priority":P]}
 *       -> {"ok":true,"tracking_id","version","row","held":false,
 *           "updates":[{"peer","msg"}...]}
 *          (held true: that version was imported already, nothing sent)
 *          or {"ok":false,"error":E[,"problems":[{"test","path","what"}...],
 *           "problems_total":N]}
 *   {"op":"advisory_send","id":TRACKING[,"version":V][,"to":[PEER...]]
 *    [,"priority":P]}  (no "to": every peer whose agreement in force names
 *    the type on the cert link)
 *       -> {"ok":true,"sent":[{"peer","msg"}],"held":[PEER...],
 *           "refused":[{"peer","error"}]}  ("ok" false when nothing was sent
 *           and something refused)
 * Every change is committed with fsync before the answer.  A new
 * reference; never NULL. */
json_t *advisory_api(struct advisory *a, const json_t *req);

/* advisory_onward_ok - whether the advisory version row (held, of origin
 * origin) may go to a party other than its origin: 1 for our own (origin
 * 0); for one received, only when the origin's agreement in force allows
 * onward transfer (with-consent) and tlp (CSAF's label) is WHITE or GREEN.
 * 0 otherwise, with why naming the clause. */
int advisory_onward_ok(struct advisory *a, int64_t origin, const char *tlp,
    char why[static 256]);

#endif
