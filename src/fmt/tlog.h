/* tlog.h - RFC 9162 (6962) Merkle tree hashing over stored subtree hashes.
 *
 * The log stores the hash of every complete, aligned subtree: node (level L,
 * index i) is the tree hash of leaves [i*2^L, (i+1)*2^L).  Appending leaf n
 * stores node (0, n) and every subtree that leaf completes.  Tree hashes and
 * proofs then read O(log n) stored nodes and never rehash the log.
 *
 * This module is pure computation; the caller supplies storage callbacks.
 * Proofs are in RFC 9162 order (from the leaf towards the root).
 */
#ifndef PARLEY_TLOG_H
#define PARLEY_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define TLOG_HASH 32
#define TLOG_PROOF_MAX 64	/* hashes in any proof of a tree of < 2^63 leaves */

/* tlog_get_fn - read stored node (level, index) into hash; ST_NOTFOUND if
 * absent (a broken store: callers treat it as fatal for the proof). */
typedef status (*tlog_get_fn)(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH]);
/* tlog_put_fn - store node (level, index). */
typedef status (*tlog_put_fn)(void *arg, int level, uint64_t index,
    const uint8_t hash[TLOG_HASH]);

/* tlog_sha256 - SHA-256(data), with the CPU's SHA instructions where
 * there are some (OpenSSL): for every hash over bulk data. */
void tlog_sha256(const void *data, size_t n, uint8_t out[static TLOG_HASH]);
/* tlog_leaf_hash - SHA-256(0x00 || data). */
void tlog_leaf_hash(const void *data, size_t n, uint8_t out[static TLOG_HASH]);
/* tlog_node_hash - SHA-256(0x01 || left || right). */
void tlog_node_hash(const uint8_t left[static TLOG_HASH],
    const uint8_t right[static TLOG_HASH], uint8_t out[static TLOG_HASH]);

/* tlog_append - store leaf number index (0-based; the log held index
 * leaves before) with its leaf hash, and every subtree it completes. */
status tlog_append(uint64_t index, const uint8_t leaf[static TLOG_HASH], tlog_get_fn get,
    tlog_put_fn put, void *arg) WUR;
/* tlog_pos - node (level, index)'s position when every node is numbered
 * in post-order (0, 1, 2 = (1,0), 3, 4, 5 = (1,1), 6 = (2,0), 7, ...):
 * the order tlog_append stores them in, so the nodes one append stores
 * are adjacent.  A store keyed by it writes one page per append. */
uint64_t tlog_pos(int level, uint64_t index);
/* tlog_tree_hash - the root of the first size leaves (SHA-256("") for 0). */
status tlog_tree_hash(uint64_t size, tlog_get_fn get, void *arg,
    uint8_t out[static TLOG_HASH]) WUR;
/* tlog_inclusion - the proof that leaf index is in the tree of size leaves;
 * *n hashes written to proof.  ST_INVALID when index >= size. */
status tlog_inclusion(uint64_t index, uint64_t size, tlog_get_fn get, void *arg,
    uint8_t proof[][TLOG_HASH], size_t *n) WUR;
/* tlog_consistency - the proof that the tree of size m is a prefix of the
 * tree of size n (m <= n).  Empty when m == 0 or m == n. */
status tlog_consistency(uint64_t m, uint64_t n, tlog_get_fn get, void *arg,
    uint8_t proof[][TLOG_HASH], size_t *len) WUR;

/* tlog_verify_inclusion - RFC 9162 §2.1.3.2: ST_OK, or ST_BADSIG when the
 * proof does not lead from leaf to root. */
status tlog_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[static TLOG_HASH],
    const uint8_t proof[][TLOG_HASH], size_t n, const uint8_t root[static TLOG_HASH]) WUR;
/* tlog_verify_consistency - RFC 9162 §2.1.4.2: ST_OK, or ST_BADSIG. */
status tlog_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[static TLOG_HASH],
    const uint8_t root_n[static TLOG_HASH], const uint8_t proof[][TLOG_HASH], size_t len) WUR;

#endif
