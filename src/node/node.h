/* node.h - a node's directory: identity, configuration, store.
 *
 *   DIR/identity.key   Ed25519 key, PKCS#8 PEM, 0600
 *   DIR/identity.crt   self-signed TLS certificate for that key
 *   DIR/parley.json    configuration (config.h)
 *   DIR/parley.db      the store (SQLite)
 *   DIR/parleyd.sock   the daemon's local API socket, 0600
 */
#ifndef PARLEY_NODE_H
#define PARLEY_NODE_H

#include <stddef.h>

#include "util/buf.h"
#include "node/config.h"
#include "crypto/ident.h"
#include "fmt/envelope.h"
#include "store/store.h"

#define NODE_PATH_MAX 4096

struct node;

/* node_init - create a node in dir (made 0700 if missing).  Refuses
 * (ST_EXISTS) when dir already holds a node, and (ST_TOOBIG) a dir too long
 * for the daemon's socket path; on failure removes what it made. */
status node_init(const char *dir, const struct config *c) WUR;
/* node_open - load the node in dir: configuration, key, store. */
status node_open(const char *dir, struct node **out) WUR;
/* node_close - NULL is a no-op. */
void node_close(struct node *n);

const char *node_dir(const struct node *n);
/* node_policy - the agreements in force (node/policy.h), read from the
 * store at first use; NULL when the store cannot be read. */
struct policy *node_policy(struct node *n);
/* node_policy_reload - read the agreements and pins again (policy_reload);
 * ST_DB when the policy cannot be read at all. */
status node_policy_reload(struct node *n) WUR;
const struct config *node_config(const struct node *n);
/* node_config_reload - read DIR/parley.json again and take the settings
 * that apply at once (CONFIG_NOW: retry_max_ms, path_probe_ms, the desk's
 * notify_cmd, notify_timeout_ms, desk_tz, desk_lang); the others keep the
 * values read at node_open until the daemon restarts.  On an error (the
 * file no longer reads: config_load warns, naming the key) nothing
 * changes. */
status node_config_reload(struct node *n) WUR;
const struct ident *node_ident(const struct node *n);
struct store *node_store(struct node *n);
/* node_origin - the node's log origin and note key name (card_origin). */
const char *node_origin(const struct node *n);
/* node_memo - NODE_MEMO_MAX bytes, zeroed at node_open and suitably
 * aligned, that the log layer keeps its cache in (struct ledger_memo).  The
 * node only holds them: a lower layer never names a higher one's types. */
#define NODE_MEMO_MAX 1024
void *node_memo(struct node *n);
/* node_path - DIR/file into out. */
status node_path(const char *dir, const char *file, char out[static NODE_PATH_MAX]) WUR;
/* node_halted - why this node signs nothing new: peers hold history of it
 * that its store lacks (store_msg.h, halts), as "PEER: what" for each
 * active halt, "; " between; NULL when it may sign.  Read at node_open,
 * kept by node_halt and node_unhalt. */
const char *node_halted(const struct node *n);
/* node_halt - record that peer_id (named peer) holds history this store
 * lacks, described by what; in the caller's transaction if one is open. */
status node_halt(struct node *n, int64_t peer_id, const char *peer, const char *what) WUR;
/* node_unhalt - peer_id's halt ends (its history was recovered); the node
 * stays halted while another peer's halt is active.  In the caller's
 * transaction if one is open (on rollback, call node_unhalt_reload). */
status node_unhalt(struct node *n, int64_t peer_id) WUR;
/* What the link layer tells the services above it (the desk) about
 * messages: each call is made inside the open transaction that keeps what
 * it reports, so a service keeps its own rows in that transaction too.
 * An error from accepted or queued undoes the transaction; delivered's is
 * logged and ignored (the receipt is kept; the service catches up). */
struct node_msg_hooks {
	/* queued - this node signed m to peer_id and queued it */
	status (*queued)(void *arg, int64_t peer_id, const struct message *m);
	/* accepted - m from peer_id was accepted with the receipt r */
	status (*accepted)(void *arg, int64_t peer_id, const struct message *m,
	    const struct receipt *r);
	/* delivered - peer_id's receipt r for a message of ours was kept;
	 * path: the peer's path (0, 1, ...: its card's endpoints) the
	 * receipt came back on, -1 when not known */
	status (*delivered)(void *arg, int64_t peer_id, const struct receipt *r, int path);
	/* admit - may m, from peer_id, verified and allowed by the agreement,
	 * be accepted now?  Called before it is kept, inside the batch's
	 * transaction.  ST_OK; ST_DOWN: not yet (why says what it waits for;
	 * the sender tries again); ST_INVALID: refused for good (why says
	 * why; the message is kept as refused and its number used). */
	status (*admit)(void *arg, int64_t peer_id, const struct message *m, char *why,
	    size_t cap);
};
#define NODE_MSG_HOOKS_MAX 4
/* node_msg_hooks_add - register h (copied) with arg: the services'
 * hooks are called in the order they were added; the first that fails
 * stops the call.  ST_FULL past NODE_MSG_HOOKS_MAX. */
status node_msg_hooks_add(struct node *n, const struct node_msg_hooks *h, void *arg) WUR;
/* node_msg_hooks_remove - forget the hooks registered with arg. */
void node_msg_hooks_remove(struct node *n, void *arg);
/* node_msg_queued, node_msg_accepted, node_msg_delivered, node_msg_admit -
 * call the hooks registered (ST_OK when none is). */
status node_msg_queued(struct node *n, int64_t peer_id, const struct message *m) WUR;
status node_msg_accepted(struct node *n, int64_t peer_id, const struct message *m,
    const struct receipt *r) WUR;
status node_msg_delivered(struct node *n, int64_t peer_id, const struct receipt *r,
    int path) WUR;
status node_msg_admit(struct node *n, int64_t peer_id, const struct message *m, char *why,
    size_t cap) WUR;

/* node_card - append this node's signed card, its created_at now. */
status node_card(const struct node *n, struct buf *out) WUR;

#endif
