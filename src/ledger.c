/* ledger.c - checkpoints, proofs, verification and witnessing of the log.
 *
 * Rules this file keeps:
 * - the node signs a checkpoint only when the new tree is an extension of
 *   the last one it signed (checked with a consistency proof, not assumed);
 * - as a witness, it cosigns a peer's checkpoint only after verifying the
 *   peer's signature and consistency with what it cosigned before, and
 *   only after the new state is committed (fsync);
 * - a checkpoint inconsistent with one it cosigned is never cosigned: both
 *   signed notes are kept as proof of the fork.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ckpt.h"
#include "diag.h"
#include "envelope.h"
#include "ledger.h"
#include "note.h"

/* A row copied out of a store callback. */
struct copy {
	struct buf *b;
	uint64_t size;
	status rc;
};

static int
copy_ckpt(void *arg, const struct store_ckpt *c)
{
	struct copy *cp = arg;

	cp->size = c->size;
	cp->rc = buf_adds(cp->b, c->note);
	return 1;
}

static int
ckpt_size(void *arg, const struct store_ckpt *c)
{
	*(uint64_t *)arg = c->size;
	return 1;
}

static int
copy_line(void *arg, const char *line)
{
	struct copy *cp = arg;

	cp->rc = buf_adds(cp->b, line);
	return cp->rc != ST_OK;
}

static int
copy_witness(void *arg, const struct store_witness *w)
{
	struct copy *cp = arg;

	cp->size = w->size;
	cp->rc = buf_adds(cp->b, w->note);
	return 1;
}

/* own_key - our log key (type 0x01 under our origin). */
static status
own_key(const struct node *n, struct note_key *k)
{
	return note_key_init(k, node_origin(n), NOTE_ED25519, ident_pk(node_ident(n)));
}

/* note_ckpt - the checkpoint in a note signed by key k (verified). */
static status
note_ckpt(const char *note, size_t len, const struct note_key *k, struct ckpt *c)
{
	struct note_check chk;
	status rc = note_verify(note, len, k, 1, &chk);

	return rc ? rc : ckpt_parse(note, chk.text_len, c);
}

/* latest - our checkpoint of size (UINT64_MAX: latest) into note, parsed. */
static status
latest(struct node *n, uint64_t size, struct buf *note, struct ckpt *c)
{
	struct copy cp = { note, 0, ST_OK };
	struct note_key k;
	status rc = store_ckpt_get(node_store(n), size, copy_ckpt, &cp);

	if (!rc)
		rc = cp.rc;
	if (!rc)
		rc = own_key(n, &k);
	return rc ? rc : note_ckpt(note->p, note->len, &k, c);
}

/* consistent - 1 when the stored tree of size b extends tree a (root ra). */
static int
consistent(struct store *st, uint64_t a, const uint8_t ra[TLOG_HASH], uint64_t b,
    const uint8_t rb[TLOG_HASH])
{
	uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH];
	size_t len;

	return tlog_consistency(a, b, store_log_node, st, proof, &len) == ST_OK &&
	    tlog_verify_consistency(a, b, ra, rb, proof, len) == ST_OK;
}

status
ledger_checkpoint(struct node *n, int64_t now_ms, uint64_t *signed_size)
{
	struct store *st = node_store(n);
	uint64_t size = store_log_size(st);
	struct ckpt last, c;
	struct buf old, text, note;
	int have;
	status rc;

	if (signed_size)
		*signed_size = 0;
	if (size == 0)
		return ST_OK;
	buf_init(&old, NOTE_MAX);
	buf_init(&text, NOTE_MAX);
	buf_init(&note, NOTE_MAX);
	rc = latest(n, UINT64_MAX, &old, &last);
	have = rc == ST_OK;
	if (rc == ST_NOTFOUND)
		rc = ST_OK;
	if (rc || (have && last.size == size))
		goto out;
	memset(&c, 0, sizeof c);
	memcpy(c.origin, node_origin(n), strlen(node_origin(n)) + 1);
	c.size = size;
	rc = tlog_tree_hash(size, store_log_node, st, c.root);
	if (!rc && have && (last.size > size || !consistent(st, last.size, last.root, size, c.root))) {
		diag_warn("log: refusing to sign size %" PRIu64 ": not an extension of the"
		    " checkpoint of size %" PRIu64 " already signed", size, last.size);
		rc = ST_CONFLICT;
	}
	if (!rc)
		rc = ckpt_format(&c, &text);
	if (!rc)
		rc = note_sign(node_ident(n), c.origin, text.p, text.len, &note);
	if (!rc)
		rc = store_ckpt_add(st, size, note.p, now_ms);
	if (!rc && signed_size)
		*signed_size = size;
out:
	buf_free(&old);
	buf_free(&text);
	buf_free(&note);
	return rc;
}

status
ledger_note(struct node *n, uint64_t size, struct buf *out)
{
	struct copy cp = { out, 0, ST_OK };
	status rc = store_ckpt_get(node_store(n), size, copy_ckpt, &cp);

	if (!rc)
		rc = cp.rc;
	if (!rc)
		rc = store_cosig_lines(node_store(n), cp.size, copy_line, &cp);
	return rc ? rc : cp.rc;
}

/* The entry found by ledger_prove. */
struct found {
	uint64_t index;
	char peer[CARD_NAME_MAX + 1];
};

static int
found_entry(void *arg, const struct store_entry *e)
{
	struct found *f = arg;

	f->index = e->index;
	snprintf(f->peer, sizeof f->peer, "%s", e->peer);
	return 1;
}

status
ledger_prove(struct node *n, const char *id, int64_t peer_id, const char *peer,
    struct buf *out, const char **why)
{
	struct store *st = node_store(n);
	uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH];
	struct found f;
	struct buf note;
	uint64_t size;
	size_t len;
	status rc;

	*why = NULL;
	rc = store_log_find(st, id, found_entry, &f);
	if (!rc && peer && strcmp(f.peer, peer) != 0)
		rc = ST_NOTFOUND;
	if (rc) {
		*why = rc == ST_NOTFOUND ? "no message or receipt with that id in this log" :
		    "cannot read the log";
		return rc;
	}
	if (peer_id) {
		rc = store_cosig_latest(st, peer_id, &size);
		if (!rc && size <= f.index) {
			*why = "the entry is not yet in a checkpoint the peer has cosigned";
			return ST_TIMEOUT;
		}
	} else {
		/* Its signature is not checked here: the proof carries the
		 * note, and whoever reads the proof checks it. */
		rc = store_ckpt_get(st, UINT64_MAX, ckpt_size, &size);
		if (!rc && size <= f.index) {
			*why = "the entry is not yet in a signed checkpoint";
			return ST_TIMEOUT;
		}
	}
	if (rc) {
		*why = "cannot read the checkpoints";
		return rc;
	}
	buf_init(&note, NOTE_MAX);
	rc = tlog_inclusion(f.index, size, store_log_node, st, proof, &len);
	if (!rc)
		rc = ledger_note(n, size, &note);
	if (!rc)
		rc = ckpt_proof_format(f.index, proof, len, note.p, note.len, out);
	if (rc)
		*why = "cannot build the proof from the stored tree";
	buf_free(&note);
	return rc;
}

/*
 * Verification: the tree is recomputed leaf by leaf with a stack of the
 * right edge's complete subtrees; every completed subtree is compared with
 * the stored node, and the root at each checked size with the checkpoint.
 */

#define CHECKS_MAX 65

struct check {
	uint64_t size;
	int64_t peer_id;	/* 0: our latest checkpoint */
	char *peer;
	uint8_t pk[IDENT_PK_LEN];
	uint8_t root[TLOG_HASH];
	int done;
};

struct verify {
	struct node *n;
	struct buf *out;
	uint8_t stack[64][TLOG_HASH];
	int level[64];
	int top;
	uint64_t count, total;
	struct check checks[CHECKS_MAX];
	size_t n_checks;
	void (*progress)(void *, uint64_t, uint64_t);
	void *arg;
	status rc;
};

static const char *
kind_name(int kind)
{
	return kind == STORE_ENTRY_MESSAGE ? "message" : "receipt of message";
}

static int
fail(struct verify *v, status rc, const char *fmt, uint64_t i, const char *a)
{
	if (buf_addf(v->out, fmt, i, a) != ST_OK)
		buf_reset(v->out);
	v->rc = rc;
	return 1;
}

static void
fold(const struct verify *v, uint8_t root[TLOG_HASH])
{
	memcpy(root, v->stack[v->top - 1], TLOG_HASH);
	for (int j = v->top - 2; j >= 0; j--)
		tlog_node_hash(v->stack[j], root, root);
}

static int
verify_entry(void *arg, const struct store_entry *e)
{
	struct verify *v = arg;
	uint8_t leaf[TLOG_HASH], stored[TLOG_HASH];
	uint64_t i = v->count;

	if (e->index != i)
		return fail(v, ST_CONFLICT, "entry %" PRIu64 ": missing from the log%s\n", i, "");
	if (e->kind == STORE_ENTRY_RECEIPT) {
		char hex[ENV_HASH_HEX];

		envelope_hash(e->msg_jws, e->msg_jws_len, hex);
		if (strcmp(hex, e->msg_hash) != 0)
			return fail(v, ST_CONFLICT, "entry %" PRIu64 ": the stored message %s"
			    " differs from the one this receipt acknowledges\n", i, e->msg_id);
	}
	tlog_leaf_hash(e->jws, e->jws_len, leaf);
	if (store_log_node(node_store(v->n), 0, i, stored) != ST_OK ||
	    sodium_memcmp(leaf, stored, TLOG_HASH) != 0) {
		if (buf_addf(v->out, "entry %" PRIu64 " (%s %s): stored statement does not"
		    " match its leaf hash\n", i, kind_name(e->kind), e->msg_id) != ST_OK)
			buf_reset(v->out);
		v->rc = ST_CONFLICT;
		return 1;
	}
	memcpy(v->stack[v->top], leaf, TLOG_HASH);
	v->level[v->top++] = 0;
	while (v->top >= 2 && v->level[v->top - 1] == v->level[v->top - 2]) {
		int lv = v->level[v->top - 2] + 1;

		tlog_node_hash(v->stack[v->top - 2], v->stack[v->top - 1], v->stack[v->top - 2]);
		v->level[v->top - 2] = lv;
		v->top--;
		if (store_log_node(node_store(v->n), lv, i >> lv, stored) != ST_OK ||
		    memcmp(stored, v->stack[v->top - 1], TLOG_HASH) != 0)
			return fail(v, ST_CONFLICT, "entry %" PRIu64 ": stored subtree hash"
			    " ending here does not match the entries%s\n", i, "");
	}
	v->count++;
	for (size_t k = 0; k < v->n_checks; k++)
		if (v->checks[k].size == v->count) {
			fold(v, v->checks[k].root);
			v->checks[k].done = 1;
		}
	if (v->progress && v->count % 65536 == 0)
		v->progress(v->arg, v->count, v->total);
	return 0;
}

static int
add_peer_check(void *arg, const struct store_peer *p)
{
	struct verify *v = arg;
	struct check *c;
	uint64_t size;

	if (v->n_checks == CHECKS_MAX ||
	    store_cosig_latest(node_store(v->n), p->id, &size) != ST_OK || size == 0)
		return 0;
	c = &v->checks[v->n_checks];
	c->peer = strdup(p->name);
	if (!c->peer)
		return 0;
	c->size = size;
	c->peer_id = p->id;
	memcpy(c->pk, p->pk, IDENT_PK_LEN);
	v->n_checks++;
	return 0;
}

/* check_ckpt - the checkpoint of c->size: our signature, its root, and (for
 * a peer's check) that peer's cosignature. */
static status
check_ckpt(struct verify *v, const struct check *c)
{
	struct note_key keys[2];
	struct note_check chk;
	struct ckpt cp;
	struct buf note;
	char kid[IDENT_KID_LEN], origin[CARD_ORIGIN_MAX];
	status rc;

	memset(&chk, 0, sizeof chk);
	buf_init(&note, NOTE_MAX);
	rc = ledger_note(v->n, c->size, &note);
	if (!rc)
		rc = own_key(v->n, &keys[0]);
	if (!rc && c->peer_id) {
		ident_thumbprint(c->pk, kid);
		card_origin(c->peer, kid, origin);
		rc = note_key_init(&keys[1], origin, NOTE_COSIG, c->pk);
	}
	if (!rc)
		rc = note_verify(note.p, note.len, keys, c->peer_id ? 2 : 1, &chk);
	if (!rc && !(chk.verified & 1))
		rc = ST_BADSIG;
	if (!rc && c->peer_id && !(chk.verified & 2))
		rc = ST_UNKNOWN_KEY;
	if (rc) {
		if (buf_addf(v->out, "checkpoint of size %" PRIu64 ": %s%s%s\n", c->size,
		    c->peer_id ? "cosignature by " : "signature: ", c->peer_id ? c->peer : "",
		    c->peer_id ? " does not verify" : status_str(rc)) != ST_OK)
			buf_reset(v->out);
	} else if ((rc = ckpt_parse(note.p, chk.text_len, &cp)) != ST_OK ||
	    sodium_memcmp(cp.root, c->root, TLOG_HASH) != 0 ||
	    strcmp(cp.origin, node_origin(v->n)) != 0) {
		rc = ST_CONFLICT;
		if (buf_addf(v->out, "checkpoint of size %" PRIu64 ": root hash does not match"
		    " the entries\n", c->size) != ST_OK)
			buf_reset(v->out);
	}
	buf_free(&note);
	return rc;
}

status
ledger_verify(struct node *n, void (*progress)(void *arg, uint64_t done, uint64_t total),
    void *arg, struct buf *out)
{
	struct store *st = node_store(n);
	struct verify *v = calloc(1, sizeof *v);
	struct buf note;
	struct ckpt last;
	status rc;

	if (!v)
		return ST_NOMEM;
	v->n = n;
	v->out = out;
	v->total = store_log_size(st);
	v->progress = progress;
	v->arg = arg;
	buf_init(&note, NOTE_MAX);
	rc = latest(n, UINT64_MAX, &note, &last);
	buf_free(&note);
	if (rc == ST_OK) {
		v->checks[0].size = last.size;
		v->n_checks = 1;
	} else if (rc != ST_NOTFOUND) {
		if (buf_addf(out, "latest checkpoint: %s\n", status_str(rc)) != ST_OK)
			buf_reset(out);
		free(v);
		return rc;
	}
	rc = store_peer_list(st, add_peer_check, v);
	if (!rc)
		rc = store_log_entries(st, 0, verify_entry, v);
	if (!rc)
		rc = v->rc;
	if (!rc && v->count != v->total) {
		rc = ST_CONFLICT;
		if (buf_addf(out, "entry %" PRIu64 ": missing from the log\n", v->count) != ST_OK)
			buf_reset(out);
	}
	for (size_t k = 0; !rc && k < v->n_checks; k++) {
		if (!v->checks[k].done) {
			rc = ST_CONFLICT;
			if (buf_addf(out, "checkpoint of size %" PRIu64 ": larger than the log"
			    " (%" PRIu64 " entries)\n", v->checks[k].size, v->count) != ST_OK)
				buf_reset(out);
		} else
			rc = check_ckpt(v, &v->checks[k]);
	}
	for (size_t k = 0; k < v->n_checks; k++)
		free(v->checks[k].peer);
	free(v);
	return rc;
}

/*
 * Witnessing (c2sp.org/tlog-witness add-checkpoint), both ends.
 */

static int
answer(struct buf *resp, int code, const char *text)
{
	buf_reset(resp);
	if (buf_adds(resp, text) != ST_OK)
		buf_reset(resp);
	return code;
}

/* fork_found - keep both notes, warn, and refuse. */
static int
fork_found(struct node *n, int64_t peer_id, const char *cosigned, const char *presented,
    size_t len, const char *reason, int64_t now_ms, struct buf *resp, int *fork)
{
	struct store *st = node_store(n);
	struct store_fork f = { peer_id, NULL, cosigned, NULL, reason, now_ms };
	char *copy = strndup(presented, len);
	status rc = copy ? store_begin(st) : ST_NOMEM;

	f.presented = copy;
	if (!rc)
		rc = store_fork_add(st, &f);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	free(copy);
	*fork = 1;
	diag_warn("log: FORK in the log of peer %" PRId64 ": %s; both signed checkpoints kept"
	    "%s", peer_id, reason, rc ? " (but storing them failed)" : "");
	return answer(resp, 422, "checkpoint is inconsistent with the one we cosigned\n");
}

static int
has_fork(void *arg, const struct store_fork *f)
{
	int64_t *peer_id = arg;

	if (f->peer_id != *peer_id)
		return 0;
	*peer_id = 0;
	return 1;
}

int
ledger_witness(struct node *n, int64_t peer_id, const char *origin,
    const uint8_t pk[static IDENT_PK_LEN], const char *body, size_t len, int64_t now_ms,
    struct buf *resp, int *fork)
{
	struct store *st = node_store(n);
	struct ckpt_witness_req req;
	struct note_key k;
	struct note_check chk;
	struct ckpt c, old;
	struct buf prev, stored, line;
	struct copy cp = { &prev, 0, ST_OK };
	int64_t probe = peer_id;
	uint64_t prev_size = 0;
	int code;
	status rc;

	*fork = 0;
	if (ckpt_witness_req_parse(body, len, &req) != ST_OK)
		return answer(resp, 400, "malformed add-checkpoint request\n");
	if (note_key_init(&k, origin, NOTE_ED25519, pk) != ST_OK)
		return answer(resp, 404, "unknown log origin\n");
	rc = note_verify(req.note, req.note_len, &k, 1, &chk);
	if (rc)
		return answer(resp, 403, "checkpoint is not signed by your log key\n");
	if (ckpt_parse(req.note, chk.text_len, &c) != ST_OK)
		return answer(resp, 400, "malformed checkpoint\n");
	if (strcmp(c.origin, origin) != 0)
		return answer(resp, 404, "unknown log origin\n");
	if (req.old > c.size)
		return answer(resp, 400, "old size exceeds the checkpoint size\n");
	if (store_fork_list(st, has_fork, &probe) != ST_OK)
		return answer(resp, 503, "store unavailable\n");
	if (probe == 0)
		return answer(resp, 422, "a fork of your log is on record; not cosigning\n");

	buf_init(&prev, NOTE_MAX);
	buf_init(&stored, NOTE_MAX * 2);
	buf_init(&line, 1024);
	/* Check and store atomically (tlog-witness): one writer at a time. */
	rc = store_begin(st);
	if (rc) {
		code = answer(resp, 503, "store busy\n");
		goto out;
	}
	rc = store_witness_get(st, peer_id, copy_witness, &cp);
	if (rc == ST_OK && (rc = cp.rc) == ST_OK) {
		prev_size = cp.size;
		rc = note_ckpt(prev.p, prev.len, &k, &old);
	} else if (rc == ST_NOTFOUND)
		rc = ST_OK;
	if (rc) {
		store_rollback(st);
		code = answer(resp, 503, "stored checkpoint unreadable\n");
		goto out;
	}
	if (req.old != prev_size) {
		store_rollback(st);
		buf_reset(resp);
		code = buf_addf(resp, "%" PRIu64 "\n", prev_size) ? 500 : 409;
		goto out;
	}
	if (prev_size > 0 && ((c.size == prev_size && memcmp(c.root, old.root, TLOG_HASH) != 0) ||
	    tlog_verify_consistency(prev_size, c.size, old.root, c.root,
	    (const uint8_t (*)[TLOG_HASH])req.hashes, req.n_hashes) != ST_OK)) {
		store_rollback(st);
		code = fork_found(n, peer_id, prev.p, req.note, req.note_len, c.size == prev_size ?
		    "two different roots signed for the same size" :
		    "no valid consistency proof from the size we cosigned", now_ms, resp, fork);
		goto out;
	}
	if (prev_size == 0 && req.n_hashes != 0) {
		store_rollback(st);
		code = answer(resp, 422, "consistency proof must be empty from size 0\n");
		goto out;
	}
	rc = note_cosign(node_ident(n), node_origin(n), req.note, chk.text_len,
	    (uint64_t)(now_ms / 1000), &line);
	if (!rc)
		rc = buf_add(&stored, req.note, req.note_len);
	if (!rc)
		rc = buf_add(&stored, line.p, line.len);
	if (!rc)
		rc = store_witness_put(st, peer_id, c.size, stored.p, now_ms);
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	code = rc ? answer(resp, 503, "cannot store the cosigned checkpoint\n") :
	    answer(resp, 200, line.p);
out:
	buf_free(&prev);
	buf_free(&stored);
	buf_free(&line);
	return code;
}

status
ledger_witness_request(struct node *n, uint64_t old, struct buf *out, uint64_t *size)
{
	uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH];
	struct buf note;
	struct ckpt c;
	size_t len = 0;
	status rc;

	buf_init(&note, NOTE_MAX);
	rc = latest(n, UINT64_MAX, &note, &c);
	if (!rc && old > c.size)
		rc = ST_CONFLICT;
	if (!rc && old > 0)
		rc = tlog_consistency(old, c.size, store_log_node, node_store(n), proof, &len);
	if (!rc)
		rc = ckpt_witness_req_format(old, (const uint8_t (*)[TLOG_HASH])proof, len,
		    note.p, note.len, out);
	if (!rc)
		*size = c.size;
	buf_free(&note);
	return rc;
}

status
ledger_cosigned(struct node *n, int64_t peer_id, const char *origin,
    const uint8_t pk[static IDENT_PK_LEN], uint64_t size, const char *body, size_t len)
{
	struct store *st = node_store(n);
	struct note_key k;
	struct buf note;
	size_t base;
	int stored = 0;
	status rc;

	buf_init(&note, NOTE_MAX);
	rc = note_key_init(&k, origin, NOTE_COSIG, pk);
	if (!rc)
		rc = store_ckpt_get(st, size, copy_ckpt, &(struct copy){ &note, 0, ST_OK });
	if (!rc)
		rc = store_begin(st);
	base = note.len;
	for (const char *p = body, *end = body + len; !rc && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct note_check chk;

		if (!nl)
			break;
		buf_truncate(&note, base);
		rc = buf_add(&note, p, (size_t)(nl - p) + 1);
		if (!rc && note_verify(note.p, note.len, &k, 1, &chk) == ST_OK) {
			rc = store_cosig_add(st, size, peer_id, note.p + base, chk.time[0]);
			stored += !rc;
		}
		p = nl + 1;
	}
	if (!rc && !stored)
		rc = ST_BADSIG;
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	buf_free(&note);
	return rc;
}
