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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fmt/ckpt.h"
#include "util/diag.h"
#include "fmt/envelope.h"
#include "log/ledger.h"
#include "fmt/note.h"

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
copy_line(void *arg, const struct store_cosig *c)
{
	struct copy *cp = arg;

	cp->rc = buf_adds(cp->b, c->line);
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

_Static_assert(sizeof(struct ledger_memo) <= NODE_MEMO_MAX, "ledger_memo fits node_memo");

static void
remember(struct node *n, const struct buf *note, const struct ckpt *c)
{
	struct ledger_memo *m = node_memo(n);

	crypto_hash_sha256(m->note_hash, (const uint8_t *)note->p, note->len);
	m->c = *c;
	m->valid = 1;
}

/* latest - our latest checkpoint into note, parsed and verified.  The
 * signature is not verified again when the stored bytes are the ones last
 * verified or signed (node_memo). */
static status
latest(struct node *n, struct buf *note, struct ckpt *c)
{
	struct ledger_memo *m = node_memo(n);
	struct copy cp = { note, 0, ST_OK };
	uint8_t h[TLOG_HASH];
	struct note_key k;
	status rc = store_ckpt_get(node_store(n), UINT64_MAX, copy_ckpt, &cp);

	if (!rc)
		rc = cp.rc;
	if (rc)
		return rc;
	crypto_hash_sha256(h, (const uint8_t *)note->p, note->len);
	if (m->valid && sodium_memcmp(h, m->note_hash, sizeof h) == 0) {
		*c = m->c;
		return ST_OK;
	}
	rc = own_key(n, &k);
	if (!rc)
		rc = note_ckpt(note->p, note->len, &k, c);
	if (!rc)
		remember(n, note, c);
	return rc;
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
	rc = latest(n, &old, &last);
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
	if (!rc)
		remember(n, &note, &c);
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
	int kind;
	char peer[CARD_NAME_MAX + 1];
};

static int
found_entry(void *arg, const struct store_entry *e)
{
	struct found *f = arg;

	f->index = e->index;
	f->kind = e->kind;
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
	/* an act on an agreement concerns every party, and its proof shows only
	 * hashes: any pinned peer may have it */
	if (!rc && peer && f.kind != STORE_ENTRY_ACT && strcmp(f.peer, peer) != 0)
		rc = ST_NOTFOUND;
	if (rc) {
		*why = rc == ST_NOTFOUND ? "no message, receipt or act with that id in this log" :
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
		if (rc == ST_NOTFOUND) {	/* nothing signed yet */
			size = 0;
			rc = ST_OK;
		}
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
 * the stored node.  At each size a checkpoint was signed for, the root is
 * compared with that checkpoint, whose signature and every cosignature
 * stored on it are verified: older checkpoints matter as much as the latest,
 * since evidence is proven against the one a peer cosigned.
 */

/* A pinned peer, as the key its cosignatures verify with. */
struct vpeer {
	int64_t id;
	char name[CARD_NAME_MAX + 1];
	struct note_key key;
};

struct verify {
	struct node *n;
	struct buf *out;
	uint8_t stack[64][TLOG_HASH];
	int level[64];
	int top;
	uint64_t count, total;
	uint64_t *sizes;	/* every checkpoint's size, ascending */
	size_t n_sizes, cap_sizes, next;
	struct vpeer *peers;
	size_t n_peers, cap_peers;
	struct note_key own;
	struct buf note, cosig;	/* scratch: the checkpoint, one cosigned copy */
	size_t text_len;	/* of the checkpoint in note, with its blank line */
	uint64_t size;		/* of the checkpoint being checked */
	void (*progress)(void *, uint64_t, uint64_t);
	void *arg;
	status rc;
};

static int
fail(struct verify *v, status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* fail - record the first failure, one line in v->out; returns 1 (stop). */
static int
fail(struct verify *v, status rc, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	buf_reset(v->out);
	if (buf_adds(v->out, line) != ST_OK)
		buf_reset(v->out);
	v->rc = rc;
	return 1;
}

static const char *
kind_name(int kind)
{
	return kind == STORE_ENTRY_MESSAGE ? "message" : kind == STORE_ENTRY_ACT ?
	    "act on agreement" : "receipt of message";
}

static int
add_size(void *arg, const struct store_ckpt *c)
{
	struct verify *v = arg;

	if (v->n_sizes == v->cap_sizes) {
		size_t cap = v->cap_sizes ? v->cap_sizes * 2 : 64;
		uint64_t *p = reallocarray(v->sizes, cap, sizeof *p);

		if (!p) {
			v->rc = ST_NOMEM;
			return 1;
		}
		v->sizes = p;
		v->cap_sizes = cap;
	}
	v->sizes[v->n_sizes++] = c->size;
	return 0;
}

static int
add_peer(void *arg, const struct store_peer *p)
{
	struct verify *v = arg;
	char kid[IDENT_KID_LEN], origin[CARD_ORIGIN_MAX];
	struct vpeer *vp;

	if (v->n_peers == v->cap_peers) {
		size_t cap = v->cap_peers ? v->cap_peers * 2 : 8;

		vp = reallocarray(v->peers, cap, sizeof *vp);
		if (!vp) {
			v->rc = ST_NOMEM;
			return 1;
		}
		v->peers = vp;
		v->cap_peers = cap;
	}
	vp = &v->peers[v->n_peers];
	vp->id = p->id;
	snprintf(vp->name, sizeof vp->name, "%s", p->name);
	ident_thumbprint(p->pk, kid);
	card_origin(p->name, kid, origin);
	if (note_key_init(&vp->key, origin, NOTE_COSIG, p->pk) == ST_OK)
		v->n_peers++;
	return 0;
}

/* check_cosig - one stored cosignature on the checkpoint in v->note. */
static int
check_cosig(void *arg, const struct store_cosig *c)
{
	struct verify *v = arg;
	const struct vpeer *p = NULL;
	struct note_check chk;
	status rc;

	for (size_t i = 0; i < v->n_peers && !p; i++)
		if (v->peers[i].id == c->peer_id)
			p = &v->peers[i];
	if (!p)
		return fail(v, ST_UNKNOWN_KEY, "checkpoint of size %" PRIu64 ": cosignature"
		    " by an unknown peer (id %" PRId64 ")\n", v->size, c->peer_id);
	buf_reset(&v->cosig);
	rc = buf_add(&v->cosig, v->note.p, v->text_len);
	if (!rc)
		rc = buf_adds(&v->cosig, c->line);
	if (!rc)
		rc = note_verify(v->cosig.p, v->cosig.len, &p->key, 1, &chk);
	if (!rc && !(chk.verified & 1))
		rc = ST_UNKNOWN_KEY;
	return rc ? fail(v, rc, "checkpoint of size %" PRIu64 ": cosignature by %s does not"
	    " verify\n", v->size, p->name) : 0;
}

/* check_ckpt - our checkpoint of size: our signature, its root against the
 * recomputed root, each stored cosignature.  Returns 1 on failure. */
static int
check_ckpt(struct verify *v, uint64_t size, const uint8_t root[TLOG_HASH])
{
	struct copy cp = { &v->note, 0, ST_OK };
	struct note_check chk;
	struct ckpt c;
	status rc;

	v->size = size;
	buf_reset(&v->note);
	rc = store_ckpt_get(node_store(v->n), size, copy_ckpt, &cp);
	if (!rc)
		rc = cp.rc;
	if (!rc)
		rc = note_verify(v->note.p, v->note.len, &v->own, 1, &chk);
	if (!rc && !(chk.verified & 1))
		rc = ST_BADSIG;
	if (rc)
		return fail(v, rc, "checkpoint of size %" PRIu64 ": signature: %s\n", size,
		    status_str(rc));
	if (ckpt_parse(v->note.p, chk.text_len, &c) != ST_OK || c.size != size ||
	    strcmp(c.origin, node_origin(v->n)) != 0 ||
	    sodium_memcmp(c.root, root, TLOG_HASH) != 0)
		return fail(v, ST_CONFLICT, "checkpoint of size %" PRIu64 ": root hash does not"
		    " match the entries\n", size);
	v->text_len = chk.text_len + 1;
	rc = store_cosig_lines(node_store(v->n), size, check_cosig, v);
	if (rc && !v->rc)
		return fail(v, rc, "checkpoint of size %" PRIu64 ": cannot read its"
		    " cosignatures\n", size);
	return v->rc != ST_OK;
}

/* checkpoints_at - check every checkpoint of the size reached so far. */
static int
checkpoints_at(struct verify *v)
{
	uint8_t root[TLOG_HASH];

	for (; v->next < v->n_sizes && v->sizes[v->next] <= v->count; v->next++) {
		if (v->count == 0)
			crypto_hash_sha256(root, NULL, 0);
		else {
			memcpy(root, v->stack[v->top - 1], TLOG_HASH);
			for (int j = v->top - 2; j >= 0; j--)
				tlog_node_hash(v->stack[j], root, root);
		}
		if (check_ckpt(v, v->sizes[v->next], root))
			return 1;
	}
	return 0;
}

static int
verify_entry(void *arg, const struct store_entry *e)
{
	struct verify *v = arg;
	uint8_t leaf[TLOG_HASH], stored[TLOG_HASH];
	uint64_t i = v->count;

	if (e->index != i)
		return fail(v, ST_CONFLICT, "entry %" PRIu64 ": missing from the log\n", i);
	if (e->kind == STORE_ENTRY_RECEIPT) {
		char hex[ENV_HASH_HEX];

		envelope_hash(e->msg_jws, e->msg_jws_len, hex);
		if (strcmp(hex, e->msg_hash) != 0)
			return fail(v, ST_CONFLICT, "entry %" PRIu64 ": the stored message %s"
			    " differs from the one this receipt acknowledges\n", i, e->msg_id);
	}
	tlog_leaf_hash(e->jws, e->jws_len, leaf);
	if (store_log_node(node_store(v->n), 0, i, stored) != ST_OK ||
	    sodium_memcmp(leaf, stored, TLOG_HASH) != 0)
		return fail(v, ST_CONFLICT, "entry %" PRIu64 " (%s %s): stored statement does"
		    " not match its leaf hash\n", i, kind_name(e->kind), e->msg_id);
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
			    " ending here does not match the entries\n", i);
	}
	v->count++;
	if (checkpoints_at(v))
		return 1;
	if (v->progress && v->count % 65536 == 0)
		v->progress(v->arg, v->count, v->total);
	return 0;
}

status
ledger_verify(struct node *n, void (*progress)(void *arg, uint64_t done, uint64_t total),
    void *arg, struct buf *out)
{
	struct store *st = node_store(n);
	struct verify *v = calloc(1, sizeof *v);
	status rc;

	if (!v)
		return ST_NOMEM;
	v->n = n;
	v->out = out;
	v->total = store_log_size(st);
	v->progress = progress;
	v->arg = arg;
	buf_init(&v->note, NOTE_MAX);
	buf_init(&v->cosig, NOTE_MAX);
	rc = own_key(n, &v->own);
	if (!rc)
		rc = store_ckpt_each(st, add_size, v);
	if (!rc)
		rc = store_peer_history(st, add_peer, v);	/* removed pins too */
	if (!rc)
		rc = v->rc;
	if (rc)
		fail(v, rc, "cannot read the checkpoints or peers: %s\n", status_str(rc));
	else if (!checkpoints_at(v)) {
		rc = store_log_entries(st, 0, verify_entry, v);
		if (rc && !v->rc)
			fail(v, rc, "entry %" PRIu64 ": cannot read it: %s (%s)\n", v->count,
			    status_str(rc), store_errmsg(st));
	}
	if (!v->rc && v->count != v->total)
		fail(v, ST_CONFLICT, "entry %" PRIu64 ": missing from the log\n", v->count);
	if (!v->rc && v->next < v->n_sizes)
		fail(v, ST_CONFLICT, "checkpoint of size %" PRIu64 ": larger than the log"
		    " (%" PRIu64 " entries)\n", v->sizes[v->next], v->count);
	rc = v->rc;
	buf_free(&v->note);
	buf_free(&v->cosig);
	free(v->sizes);
	free(v->peers);
	free(v);
	return rc;
}

/*
 * Witnessing (c2sp.org/tlog-witness add-checkpoint), both ends.
 */

static status
answer(struct buf *resp, status code, const char *text)
{
	buf_reset(resp);
	if (buf_adds(resp, text) != ST_OK)
		buf_reset(resp);
	return code;
}

/* fork_found - keep both notes, warn, and refuse. */
static status
fork_found(struct node *n, int64_t peer_id, const char *cosigned, const char *presented,
    size_t len, const char *reason, int64_t now_ms, struct buf *resp, int *fork)
{
	struct store *st = node_store(n);
	struct store_fork f = {
		.peer_id = peer_id, .kind = STORE_FORK_CHECKPOINT, .subject = "",
		.held = cosigned, .reason = reason, .at_ms = now_ms,
	};
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
	return answer(resp, ST_FORK, "checkpoint is inconsistent with the one we cosigned\n");
}

static int
has_fork(void *arg, const struct store_fork *f)
{
	int64_t *peer_id = arg;

	if (f->peer_id != *peer_id || strcmp(f->kind, STORE_FORK_CHECKPOINT) != 0)
		return 0;
	*peer_id = 0;
	return 1;
}

status
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
	status code, rc;

	*fork = 0;
	if (ckpt_witness_req_parse(body, len, &req) != ST_OK)
		return answer(resp, ST_PARSE, "malformed add-checkpoint request\n");
	if (note_key_init(&k, origin, NOTE_ED25519, pk) != ST_OK)
		return answer(resp, ST_NOTFOUND, "unknown log origin\n");
	rc = note_verify(req.note, req.note_len, &k, 1, &chk);
	if (rc == ST_PARSE || rc == ST_TOOBIG)
		return answer(resp, ST_PARSE, "malformed checkpoint note\n");
	if (rc || !(chk.verified & 1))
		return answer(resp, ST_BADSIG, "checkpoint is not signed by your log key\n");
	if (ckpt_parse(req.note, chk.text_len, &c) != ST_OK)
		return answer(resp, ST_PARSE, "malformed checkpoint\n");
	if (strcmp(c.origin, origin) != 0)
		return answer(resp, ST_NOTFOUND, "unknown log origin\n");
	if (req.old > c.size)
		return answer(resp, ST_PARSE, "old size exceeds the checkpoint size\n");
	if (store_fork_list(st, has_fork, &probe) != ST_OK)
		return answer(resp, ST_DB, "store unavailable\n");
	if (probe == 0)
		return answer(resp, ST_FORK, "a fork of your log is on record; not cosigning\n");

	buf_init(&prev, NOTE_MAX);
	buf_init(&stored, NOTE_MAX * 2);
	buf_init(&line, 1024);
	/* Check and store atomically (tlog-witness): one writer at a time. */
	rc = store_begin(st);
	if (rc) {
		code = answer(resp, ST_DB, "store busy\n");
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
		code = answer(resp, ST_DB, "stored checkpoint unreadable\n");
		goto out;
	}
	if (req.old != prev_size) {
		store_rollback(st);
		buf_reset(resp);
		code = buf_addf(resp, "%" PRIu64 "\n", prev_size) ? ST_NOMEM : ST_CONFLICT;
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
		code = answer(resp, ST_FORK, "consistency proof must be empty from size 0\n");
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
	code = rc ? answer(resp, ST_DB, "cannot store the cosigned checkpoint\n") :
	    answer(resp, ST_OK, line.p);
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
	rc = latest(n, &note, &c);
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

/* ---- losses (parley log accept-loss) ---- */

status
ledger_loss(struct node *n, int64_t now_ms, struct buf *out)
{
	struct store *st = node_store(n);
	uint64_t size = store_log_size(st);
	struct ckpt last, c;
	struct buf old, text;
	int have;
	status rc;

	buf_init(&old, NOTE_MAX);
	buf_init(&text, NOTE_MAX);
	rc = latest(n, &old, &last);
	have = rc == ST_OK;
	if (rc == ST_NOTFOUND)
		rc = ST_OK;
	memset(&c, 0, sizeof c);
	memcpy(c.origin, node_origin(n), strlen(node_origin(n)) + 1);
	c.size = size;
	if (!rc)
		rc = tlog_tree_hash(size, store_log_node, st, c.root);
	if (!rc)
		rc = ckpt_format(&c, &text);
	if (!rc)
		rc = buf_addf(&text, "%s %lld\n", LEDGER_LOSS_LINE, (long long)now_ms);
	if (!rc)
		rc = note_sign(node_ident(n), c.origin, text.p, text.len, out);
	/* a new size: the statement is also our checkpoint there */
	if (!rc && size > 0 && (!have || last.size < size))
		rc = store_ckpt_add(st, size, buf_str(out), now_ms);
	if (!rc && size > 0 && (!have || last.size < size))
		remember(n, out, &c);
	buf_free(&old);
	buf_free(&text);
	return rc;
}

status
ledger_loss_accept(struct node *n, int64_t peer_id, const char *peer, const char *origin,
    const uint8_t pk[static IDENT_PK_LEN], const char *body, size_t len, int64_t now_ms,
    struct buf *resp)
{
	struct store *st = node_store(n);
	struct note_key k;
	struct note_check chk;
	struct ckpt c;
	struct buf prev, note;
	struct copy cp = { &prev, 0, ST_OK };
	char subject[ENV_HASH_HEX], why[300];
	struct store_fork f = {
		.peer_id = peer_id, .kind = STORE_FORK_LOSS, .subject = subject,
		.reason = why, .at_ms = now_ms,
	};
	status rc;

	if (note_key_init(&k, origin, NOTE_ED25519, pk) != ST_OK)
		return answer(resp, ST_NOTFOUND, "unknown log origin\n");
	if (note_verify(body, len, &k, 1, &chk) != ST_OK || !(chk.verified & 1))
		return answer(resp, ST_BADSIG, "loss statement is not signed by your log key\n");
	if (ckpt_parse(body, chk.text_len, &c) != ST_OK || strcmp(c.origin, origin) != 0)
		return answer(resp, ST_PARSE, "loss statement is not a checkpoint of your log\n");
	buf_init(&prev, NOTE_MAX);
	buf_init(&note, NOTE_MAX);
	if ((rc = buf_add(&note, body, chk.text_len)) != ST_OK ||
	    !strstr(buf_str(&note), "\n" LEDGER_LOSS_LINE " ")) {
		buf_free(&note);
		buf_free(&prev);
		return rc ? answer(resp, ST_NOMEM, "out of memory\n") :
		    answer(resp, ST_PARSE, "not a loss statement (no " LEDGER_LOSS_LINE " line)\n");
	}
	buf_reset(&note);
	rc = buf_add(&note, body, len);
	if (!rc) {
		rc = store_witness_get(st, peer_id, copy_witness, &cp);
		if (rc == ST_NOTFOUND)
			rc = ST_OK;
	}
	envelope_hash(body, len, subject);
	snprintf(why, sizeof why, "%s declared its history lost: its log goes on from size %"
	    PRIu64 " (we had cosigned size %" PRIu64 ")", peer, c.size, cp.size);
	f.held = buf_str(&prev);
	f.presented = buf_str(&note);
	if (!rc)
		rc = store_begin(st);
	if (!rc) {
		rc = store_fork_add(st, &f);
		if (rc == ST_EXISTS)
			rc = ST_OK;	/* told again: already on record */
		if (!rc)
			rc = store_witness_put(st, peer_id, c.size, f.presented, now_ms);
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
	}
	buf_free(&prev);
	buf_free(&note);
	if (rc)
		return answer(resp, ST_DB, "store error\n");
	diag_warn("LOSS: %s", why);
	return answer(resp, ST_OK, "loss recorded\n");
}
