/* ledger.h - the node's log as evidence: the checkpoints it signs, the
 * proofs it gives, the full check behind `parley log verify`, and the
 * witness's decision on a peer's add-checkpoint request.
 *
 * The log itself (leaves, stored subtree hashes) lives in the store and
 * grows with every message queued and every receipt issued (store.h).
 * Checkpoints are C2SP tlog-checkpoint notes signed by the node's identity
 * key under its origin (node_origin); peers' cosignatures (type 0x04) are
 * stored beside them.
 */
#ifndef PARLEY_LEDGER_H
#define PARLEY_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "fmt/ckpt.h"
#include "node/node.h"
#include "util/status.h"

/* struct ledger_memo - what the ledger remembers of the latest
 * checkpoint it verified or signed: the SHA-256 of the note's exact bytes
 * and what the note says.  Kept in the node (node_memo).  Only a cache: a
 * stored note whose bytes differ (another process wrote it, a transaction
 * rolled back) is verified again. */
struct ledger_memo {
	int valid;
	uint8_t note_hash[TLOG_HASH];
	struct ckpt c;
};

/* ledger_checkpoint - inside the caller's open transaction: when the log
 * holds more leaves than the latest signed checkpoint, sign and store a
 * checkpoint of the whole log.  Refuses (ST_CONFLICT, nothing signed) when
 * the new tree is not an extension of the last signed one.  *signed_size
 * (may be NULL) gets the size signed, or 0 when nothing was signed. */
status ledger_checkpoint(struct node *n, int64_t now_ms, uint64_t *signed_size) WUR;

/* ledger_note - append our checkpoint of size (UINT64_MAX: the latest) with
 * every cosignature held.  ST_NOTFOUND when there is none. */
status ledger_note(struct node *n, uint64_t size, struct buf *out) WUR;

/* ledger_prove - append the tlog-proof of the log entry for message id (the
 * message when we sent it, the receipt when we received it), or for id the
 * hex SHA-256 of an act of ours on an agreement (store_stmt_add).  The proof is
 * against our latest checkpoint that peer_id cosigned (peer_id 0: our latest
 * checkpoint, whatever its cosignatures).  When peer is not NULL a message
 * or receipt must concern that peer (by name), else ST_NOTFOUND; an act
 * concerns every peer.  *why names a failure
 * (ST_NOTFOUND: no such entry; ST_TIMEOUT: the entry is not yet in a
 * checkpoint, or not yet in one that peer cosigned).  out is unchanged on
 * error. */
status ledger_prove(struct node *n, const char *id, int64_t peer_id, const char *peer,
    struct buf *out, const char **why) WUR;

/* ledger_verify - recompute the tree from every stored entry; check each
 * receipt's stored message against its stored hash, the stored subtree
 * hashes, and every checkpoint we signed: our signature, its root against
 * the tree at its size, and every cosignature stored on it (by the key of
 * the peer it is stored for, pinned or since removed; ST_UNKNOWN_KEY for
 * a peer never pinned or a line under another name).  On failure, out gets
 * one line naming the first entry or checkpoint that does not match, in log
 * order.  progress (may be NULL) is called every 65536 entries. */
status ledger_verify(struct node *n, void (*progress)(void *arg, uint64_t done,
    uint64_t total), void *arg, struct buf *out) WUR;

/* ledger_witness - as the witness of peer_id's log (origin and pk from its
 * pinned card): decide an add-checkpoint request body.  Returns a status
 * (the tlog-witness HTTP status through http_code) and writes the response
 * body to resp: ST_OK with our cosignature line; ST_CONFLICT (409) "SIZE\n"
 * when old is not the size we last cosigned; ST_PARSE (400) for a
 * malformed request or note, or old beyond the checkpoint; ST_BADSIG (403)
 * when the note is not signed by pk; ST_NOTFOUND (404) for another origin;
 * ST_FORK (422) for a non-empty proof from 0 and for a fork; ST_DB when
 * the store fails.  Opens and commits its own transaction: the
 * cosigned checkpoint is durable before 200.  A checkpoint inconsistent with
 * the one we cosigned (another root at the same size, or no valid
 * consistency proof from it) is recorded as a fork, both notes kept, and
 * *fork set to 1; once a fork is on record every request from that log gets
 * 422 (with *fork 0: nothing new found). */
status ledger_witness(struct node *n, int64_t peer_id, const char *origin,
    const uint8_t pk[static IDENT_PK_LEN], const char *body, size_t len, int64_t now_ms,
    struct buf *resp, int *fork);

/* ledger_witness_request - append the add-checkpoint body for our latest
 * checkpoint with a consistency proof from old.  *size gets its size.
 * ST_NOTFOUND: no checkpoint yet; ST_CONFLICT: old exceeds the size of our
 * latest checkpoint. */
status ledger_witness_request(struct node *n, uint64_t old, struct buf *out,
    uint64_t *size) WUR;
/* ledger_cosigned - the peer answered 200 to our request for size: verify
 * its cosignature lines (its key, its origin) and store those that verify,
 * in our own transaction.  ST_BADSIG, nothing stored, when none does. */
status ledger_cosigned(struct node *n, int64_t peer_id, const char *origin,
    const uint8_t pk[static IDENT_PK_LEN], uint64_t size, const char *body,
    size_t len) WUR;

/* A loss statement: a checkpoint of our log as it is, with the extension
 * line "parley-loss MS", telling peers that the history they hold beyond it
 * is lost here and the log goes on from this checkpoint. */
#define LEDGER_LOSS_LINE "parley-loss"
/* ledger_loss - inside the caller's transaction: sign the loss statement of
 * the log as it is into out (also stored as our checkpoint when its size is
 * new). */
status ledger_loss(struct node *n, int64_t now_ms, struct buf *out) WUR;
/* ledger_loss_accept - as peer_id's witness: a loss statement (body) from
 * it, signed by pk under origin.  Recorded as a fork of kind "loss" (held:
 * the checkpoint we cosigned last; presented: the statement) and our
 * witness state for that log restarts from it; in its own transaction.
 * ST_OK, or ST_BADSIG / ST_PARSE / ST_NOTFOUND / ST_DB with resp saying
 * why. */
status ledger_loss_accept(struct node *n, int64_t peer_id, const char *peer, const char *origin,
    const uint8_t pk[static IDENT_PK_LEN], const char *body, size_t len, int64_t now_ms,
    struct buf *resp) WUR;

#endif
