/* csafpub.h - the CSAF trusted provider (issue 17; OASIS CSAF 2.0,
 * section 7; docs/CSAF_PROVIDER.md), served by parleyd when csaf_listen is
 * set (node/config.h): over HTTPS with the node's server certificate, or
 * plain HTTP on a loopback address (behind a proxy that adds TLS).
 *
 * Under /.well-known/csaf/:
 *   provider-metadata.json          role csaf_trusted_provider
 *   openpgp/FINGERPRINT.asc         the public key that signs
 *   service.json                    the ROLIE service document
 *   LABEL/                          white, green, amber, red: a listing
 *   LABEL/index.txt, changes.csv    every listed document of the label
 *   LABEL/csaf-feed-tlp-LABEL.json  its ROLIE feed
 *   LABEL/YYYY/NAME.json[.sha256|.sha512|.asc]
 * where YYYY is the year of the document's initial release and NAME its
 * file name (section 5.1).  TLP:WHITE (CLEAR) is public; GREEN, AMBER and
 * RED, their listings and feeds, only to a user holding a bearer token
 * allowed that label (401 without one, 403 for a user not allowed).  No
 * redirects.  Every document is an advisory version kept by the advisory
 * service (store_advisory.h), served from the store with the hashes and
 * the detached OpenPGP signature made when it was published.
 *
 * Nothing here downloads, pushes or sends anything anywhere: it answers.
 */
#ifndef PARLEY_CSAFPUB_H
#define PARLEY_CSAFPUB_H

#include <jansson.h>

#include "advisory/advisory.h"
#include "net/http.h"
#include "node/node.h"

#define CSAFPUB_FAILS_FREE 5		/* failed tokens before an address waits */
#define CSAFPUB_LOCK_MAX_MS (15 * 60 * 1000)
#define CSAFPUB_GNUPG "csaf-gnupg"	/* the keyring, in the node's directory */

struct csafpub;

/* csafpub_new - the provider of node n on h, publishing the advisories of
 * adv (all borrowed; they must outlive it): opens the listener csaf_listen
 * names, the keyring DIR/csaf-gnupg (its key made at first start), and
 * reads what is published from the store into the listings.  Nothing, and
 * *out NULL, when csaf_listen is "".  ST_INVALID (plain HTTP not on
 * loopback), ST_IO (cannot bind; the keyring's folder), ST_CRYPTO (GnuPG),
 * errors of the TLS context and the store. */
status csafpub_new(struct http *h, struct node *n, struct advisory *adv,
    struct csafpub **out) WUR;
/* csafpub_free - NULL is a no-op; stops the keyring's gpg-agent. */
void csafpub_free(struct csafpub *p);

/* csafpub_api - answer one request of the local API (api.h) whose "op"
 * starts with "csaf_":
 *   {"op":"csaf_publish","id":TRACKING[,"version":V]}
 *       -> {"ok":true,"tracking_id","version","tlp","path","url","seq",
 *           "held":false,"replaced":[PATH...]}  (held true: that version is
 *          listed already).  Default: the newest version held
 *          (csaf_version_cmp) of our own (else of a peer's); one received
 *          from a peer only when
 *          advisory_onward_ok allows, else {"ok":false,"error":its reason}.
 *   {"op":"csaf_unpublish","id":TRACKING}
 *       -> {"ok":true,"withdrawn":[PATH...]}: out of every listing and
 *          feed, its files 404; the record is kept.
 *   {"op":"csaf_user_add","name":N,"tlp":["GREEN","AMBER",...]}
 *       -> {"ok":true,"name","tlp":[...],"token":T}: the token, shown this
 *          once; only its SHA-256 is kept.
 *   {"op":"csaf_user_list"} -> {"ok":true,"users":[{"name","tlp","added"}]}
 *   {"op":"csaf_user_remove","name":N} -> {"ok":true}
 *   {"op":"csaf_status"} -> {"ok":true,"metadata_url","fingerprint",
 *       "key_url","published":{"WHITE":n,...},"publications":N,"users":N}
 * Every change is committed with fsync before the answer.  A new
 * reference; never NULL.  p NULL: every op answered "not served". */
json_t *csafpub_api(struct csafpub *p, const json_t *req);

#endif
