/* test_ledger.c - the node's log as evidence (ledger.c), on real nodes.
 *
 * Two parties, each a node in its own temp dir, pinned to each other:
 * alpha owns the log, bravo witnesses it; charlie, made on demand, is a
 * third key.  What must hold, as a user would see it:
 *   - a checkpoint is alpha's signature over the whole log, and a new one
 *     is signed only when the log grew by extension of the last one;
 *   - the proof of any entry checks against it, and only for that entry;
 *   - `parley log verify` finds one byte changed anywhere in the store and
 *     names the entry or checkpoint;
 *   - bravo cosigns only what alpha signed and what extends what it
 *     cosigned before: a stale request gets its size, a forgery 403, a
 *     fork is refused with both notes kept; alpha keeps only cosignatures
 *     that verify.
 * Statements are opaque bytes to the log, so messages here are short
 * JWS-shaped strings.  Store changes behind the node's back are made with
 * sqlite3 while the node is closed (one case: while it runs), as an
 * attacker, a bad disk or a restored backup would make them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "fmt/ckpt.h"
#include "fmt/envelope.h"
#include "log/ledger.h"
#include "net/http.h"

/* The witness's answers are checked as the HTTP statuses tlog-witness
 * names, through the one status table (http_code). */
#define ledger_witness(...) http_code(ledger_witness(__VA_ARGS__))
#include "node/node.h"
#include "fmt/note.h"
#include "store/store.h"
#include "testcheck.h"
#include "testdir.h"
#include "testnode.h"
#include "fmt/tlog.h"

#define NOW_MS INT64_C(1795000000000)	/* 2026-11-18 */
#define LINK "urgent"
#define OUT_MAX (1u << 16)

struct party {
	const char *name;
	char dir[TESTNODE_DIR_MAX];
	struct node *n;
	int64_t other;		/* the pinned peer's id in this node's store */
};

struct fx {
	struct party a;		/* alpha: the log owner */
	struct party b;		/* bravo: alpha's witness */
	struct party c;		/* charlie: another key, made on demand */
};

/* ---- checks ---- */


static void
expect_in(const char *got, const char *want)
{
	if (!strstr(got, want))
		fail_msg("\"%s\" does not say \"%s\"", got, want);
}

/* ---- parties ---- */

static const uint8_t *
pk(const struct party *p)
{
	return ident_pk(node_ident(p->n));
}

static struct store *
st(const struct party *p)
{
	return node_store(p->n);
}

static void
db_path(const struct party *p, const char *file, char path[static NODE_PATH_MAX])
{
	if (node_path(p->dir, file, path) != ST_OK)
		fail_msg("%s/%s: path too long", p->dir, file);
}

static status
party_make(struct party *p, const char *name)
{
	p->name = name;
	return testnode_make(p->dir, "ledger", name, 7401, CONFIG_MAX_BODY_DEFAULT, &p->n);
}

static void
party_free(struct party *p)
{
	node_close(p->n);
	p->n = NULL;
	if (!p->dir[0])
		return;
	(void)testdir_remove(p->dir);
	p->dir[0] = '\0';
}

/* pin - p pins other as its peer, by name and key (as `parley peer add`). */
static status
pin(struct party *p, const struct party *other)
{
	struct store_peer sp;

	memset(&sp, 0, sizeof sp);
	sp.name = other->name;
	memcpy(sp.pk, pk(other), IDENT_PK_LEN);
	sp.kid = ident_kid(node_ident(other->n));
	sp.endpoint = "https://127.0.0.1:7402";
	sp.links = LINK;
	sp.card = "{}";
	sp.added_ms = NOW_MS;
	return store_peer_add(st(p), &sp, &p->other);
}

static void
reopen(struct party *p)
{
	node_close(p->n);
	p->n = NULL;
	EXPECT(node_open(p->dir, &p->n), ST_OK);
}

/* ---- the log ---- */

/* The statements, as bytes: what a message, a received message and our
 * receipt of it are in the log. */
static void
msg_jws(const char *id, char out[static 128])
{
	snprintf(out, 128, "eyJ0eXAiOiJwYXJsZXktbWVzc2FnZSJ9.%s-cGF5bG9hZA.c2lnbmF0dXJl", id);
}

static void
rcpt_jws(const char *id, char out[static 128])
{
	snprintf(out, 128, "eyJ0eXAiOiJwYXJsZXktcmVjZWlwdCJ9.%s-cmVjZWlwdA.c2lnbmF0dXJl", id);
}

/* statement - the log's leaf for id: our message, or (ids "r-...") our
 * receipt of the message received. */
static void
statement(const char *id, char out[static 128])
{
	if (id[0] == 'r')
		rcpt_jws(id, out);
	else
		msg_jws(id, out);
}

/* add_out - queue message id to p's peer (appends it to the log). */
static void
add_out(struct party *p, const char *id)
{
	char jws[128];

	msg_jws(id, jws);
	EXPECT(testnode_queue(st(p), p->other, LINK, id, jws, NOW_MS), ST_OK);
}

/* add_in - accept message id from p's peer (appends our receipt). */
static void
add_in(struct party *p, const char *id)
{
	struct store_in m;
	char jws[128], rcpt[128], hash[ENV_HASH_HEX];
	int64_t seq;

	msg_jws(id, jws);
	rcpt_jws(id, rcpt);
	envelope_hash(jws, strlen(jws), hash);
	EXPECT(store_recv_next(st(p), p->other, LINK, &seq), ST_OK);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.peer_id = p->other;
	m.link = LINK;
	m.seq = seq;
	m.type = "status";
	m.priority = "routine";
	m.subject = "grid status";
	m.jws = jws;
	m.jws_len = strlen(jws);
	m.hash = hash;
	m.status = 200;
	m.reason = "";
	m.received_ms = NOW_MS + seq;
	m.receipt = rcpt;
	m.receipt_len = strlen(rcpt);
	EXPECT(store_in_add(st(p), &m), ST_OK);
}

/* grow - in one transaction, queue messages TAG-0 .. TAG-(count-1) and,
 * when and_sign, sign a checkpoint (as the daemon does); returns the size
 * signed (0: nothing signed), or UINT64_MAX when not asked to sign. */
static uint64_t
grow(struct party *p, const char *tag, int count, int and_sign)
{
	uint64_t size = UINT64_MAX;

	EXPECT(store_begin(st(p)), ST_OK);
	for (int i = 0; i < count; i++) {
		char id[32];

		snprintf(id, sizeof id, "%s-%d", tag, i);
		add_out(p, id);
	}
	if (and_sign)
		EXPECT(ledger_checkpoint(p->n, NOW_MS, &size), ST_OK);
	EXPECT(store_commit(st(p)), ST_OK);
	return size;
}

/* sign - a checkpoint in its own transaction; returns its status. */
static status
sign(struct party *p, uint64_t *size)
{
	status rc;

	EXPECT(store_begin(st(p)), ST_OK);
	rc = ledger_checkpoint(p->n, NOW_MS, size);
	if (rc)
		store_rollback(st(p));
	else
		EXPECT(store_commit(st(p)), ST_OK);
	return rc;
}

/* log_signed - in one transaction, store the statements named in ids,
 * space-separated ("r-..." a received message and so its receipt, anything
 * else a message queued), and sign a checkpoint, expecting want; then
 * commit, or roll back when commit is 0.  Returns the size signed (0:
 * nothing signed). */
static uint64_t
log_signed(struct party *p, const char *ids, status want, int commit)
{
	char copy[256], *save = NULL;
	uint64_t size = 7;

	assert_true(strlen(ids) < sizeof copy);
	memcpy(copy, ids, strlen(ids) + 1);
	EXPECT(store_begin(st(p)), ST_OK);
	for (char *id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
		if (strncmp(id, "r-", 2) == 0)
			add_in(p, id);
		else
			add_out(p, id);
	}
	EXPECT(ledger_checkpoint(p->n, NOW_MS, &size), want);
	if (commit)
		EXPECT(store_commit(st(p)), ST_OK);
	else
		store_rollback(st(p));
	return size;
}

/* ckpt_count - how many checkpoints p has signed (of any size up to a
 * little past its log). */
static uint64_t
ckpt_count(struct party *p)
{
	struct buf b;
	uint64_t n = 0;

	buf_init(&b, OUT_MAX);
	for (uint64_t size = 1; size <= store_log_size(st(p)) + 8; size++) {
		buf_reset(&b);
		n += ledger_note(p->n, size, &b) == ST_OK;
	}
	buf_free(&b);
	return n;
}

/* ---- notes ---- */

static void
key_of(const struct party *p, uint8_t type, struct note_key *k)
{
	EXPECT(note_key_init(k, node_origin(p->n), type, pk(p)), ST_OK);
}

/* checked - verify note with signer's log key (and cosigner's
 * cosignature key when not NULL); both must have signed.  Fills c. */
static void
checked(const char *note, size_t len, const struct party *signer,
    const struct party *cosigner, struct ckpt *c)
{
	struct note_key k[2];
	struct note_check chk;

	key_of(signer, NOTE_ED25519, &k[0]);
	if (cosigner)
		key_of(cosigner, NOTE_COSIG, &k[1]);
	EXPECT(note_verify(note, len, k, cosigner ? 2 : 1, &chk), ST_OK);
	assert_int_equal(chk.verified, cosigner ? 3u : 1u);
	EXPECT(ckpt_parse(note, chk.text_len, c), ST_OK);
	assert_string_equal(c->origin, node_origin(signer->n));
}

/* sig_lines - how many signature lines a note carries. */
static int
count_line(void *arg, const char *line, size_t len)
{
	(void)line;
	(void)len;
	++*(int *)arg;
	return 0;
}

static int
sig_lines(const struct buf *note)
{
	size_t text_len;
	int n = 0;

	EXPECT(note_split(note->p, note->len, &text_len), ST_OK);
	note_sig_each(note->p, note->len, text_len, count_line, &n);
	return n;
}

/* check_proof - proof is a tlog-proof that data is leaf index of signer's
 * checkpoint of size (cosigned by cosigner when not NULL), and it does not
 * prove a different statement there. */
static void
check_proof(const struct buf *proof, const char *data, uint64_t index, uint64_t size,
    const struct party *signer, const struct party *cosigner)
{
	struct ckpt_proof pr;
	struct ckpt c;
	uint8_t leaf[TLOG_HASH];

	EXPECT(ckpt_proof_parse(proof->p, proof->len, &pr), ST_OK);
	assert_int_equal(pr.index, index);
	checked(pr.note, pr.note_len, signer, cosigner, &c);
	assert_int_equal(c.size, size);
	tlog_leaf_hash(data, strlen(data), leaf);
	EXPECT(tlog_verify_inclusion(pr.index, c.size, leaf,
	    (const uint8_t (*)[TLOG_HASH])pr.hashes, pr.n_hashes, c.root), ST_OK);
	tlog_leaf_hash(data, strlen(data) - 1, leaf);
	EXPECT(tlog_verify_inclusion(pr.index, c.size, leaf,
	    (const uint8_t (*)[TLOG_HASH])pr.hashes, pr.n_hashes, c.root), ST_BADSIG);
}

/* ---- witnessing ---- */

/* request - alpha's add-checkpoint body from old; returns its size. */
static uint64_t
request(struct fx *f, uint64_t old, struct buf *body)
{
	uint64_t size = 0;

	buf_reset(body);
	EXPECT(ledger_witness_request(f->a.n, old, body, &size), ST_OK);
	return size;
}

/* witness - bravo decides body as alpha's witness. */
static int
witness(struct fx *f, const struct buf *body, struct buf *resp, int *fork)
{
	return ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(&f->a), body->p,
	    body->len, NOW_MS, resp, fork);
}

/* round_from - alpha asks bravo to cosign from old; on 200 alpha stores the
 * cosignature.  Returns bravo's HTTP status. */
static int
round_from(struct fx *f, uint64_t old, struct buf *resp)
{
	struct buf body;
	uint64_t size;
	int code, fork = -1;

	buf_init(&body, OUT_MAX);
	size = request(f, old, &body);
	code = witness(f, &body, resp, &fork);
	assert_int_equal(fork, 0);
	if (code == 200)
		EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), size,
		    resp->p, resp->len), ST_OK);
	buf_free(&body);
	return code;
}

struct witnessed {
	uint64_t size;
	char note[NOTE_MAX * 2];
	int n;
};

static int
witnessed_cb(void *arg, const struct store_witness *w)
{
	struct witnessed *out = arg;

	out->size = w->size;
	snprintf(out->note, sizeof out->note, "%s", w->note);
	out->n++;
	return 0;
}

/* witnessed - what bravo last cosigned for alpha (size 0: nothing). */
static void
witnessed(struct fx *f, struct witnessed *w)
{
	status rc;

	memset(w, 0, sizeof *w);
	rc = store_witness_get(st(&f->b), f->b.other, witnessed_cb, w);
	if (rc != ST_NOTFOUND)
		EXPECT(rc, ST_OK);
}

/* flip_at - change the byte at i of b: to another letter or digit. */
static void
flip_at(struct buf *b, size_t i)
{
	assert_true(i < b->len);
	b->p[i] = b->p[i] == 'A' ? 'B' : 'A';
}

/* sig_offset - a byte well inside the last signature line in b. */
static size_t
sig_offset(const struct buf *b)
{
	const char *last = NULL;

	for (const char *p = b->p; (p = strstr(p, "\xe2\x80\x94 ")); p++)
		last = p;
	assert_non_null(last);
	last = strchr(last + 4, ' ');
	assert_non_null(last);
	return (size_t)(last - b->p) + 12;
}

/* ---- the store behind the node's back ---- */

/* tamper - with p's node closed, change one byte of column col in the one
 * row of table matching where, at byte off (from the end when negative; a
 * text value moves on to the next letter or digit and gets another one, so
 * it stays text), then open the node again. */
static void
tamper(struct party *p, const char *table, const char *col, const char *where, long off)
{
	char path[NODE_PATH_MAX], q[256];
	sqlite3 *db;
	sqlite3_stmt *s;
	unsigned char *v;
	size_t n, i;
	int type;

	node_close(p->n);
	p->n = NULL;
	db_path(p, "parley.db", path);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	snprintf(q, sizeof q, "SELECT %s FROM %s WHERE %s", col, table, where);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) != SQLITE_ROW)
		fail_msg("%s: no such row", q);
	type = sqlite3_column_type(s, 0);
	n = (size_t)sqlite3_column_bytes(s, 0);
	v = malloc(n + 1);
	assert_non_null(v);
	memcpy(v, type == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, 0) :
	    sqlite3_column_blob(s, 0), n);
	if (sqlite3_step(s) != SQLITE_DONE)
		fail_msg("%s: more than one row", q);
	sqlite3_finalize(s);
	i = off < 0 ? n - (size_t)-off : (size_t)off;
	if (type == SQLITE_TEXT) {
		while (i < n && !isalnum(v[i]))
			i++;
		assert_true(i < n);
		v[i] = v[i] == 'A' ? 'B' : 'A';
	} else {
		assert_true(i < n);
		v[i] ^= 0x01;
	}
	snprintf(q, sizeof q, "UPDATE %s SET %s = ? WHERE %s", table, col, where);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	if (type == SQLITE_TEXT)
		sqlite3_bind_text(s, 1, (const char *)v, (int)n, SQLITE_STATIC);
	else
		sqlite3_bind_blob(s, 1, v, (int)n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	free(v);
	EXPECT(node_open(p->dir, &p->n), ST_OK);
}

/* run_sql - with p's node closed (unless live), run sql (it must change
 * some row). */
static void
run_sql(struct party *p, const char *sql, int live)
{
	char path[NODE_PATH_MAX];
	sqlite3 *db;

	if (!live) {
		node_close(p->n);
		p->n = NULL;
	}
	db_path(p, "parley.db", path);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_true(sqlite3_total_changes(db) > 0);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	if (!live)
		EXPECT(node_open(p->dir, &p->n), ST_OK);
}


/* snapshot, restore - a copy of p's store, as a backup would take and
 * put back (the node closed, so the whole store is in parley.db). */
static void
snapshot(struct party *p)
{
	char db[NODE_PATH_MAX], wal[NODE_PATH_MAX], saved[NODE_PATH_MAX];

	node_close(p->n);
	p->n = NULL;
	db_path(p, "parley.db", db);
	db_path(p, "parley.db-wal", wal);
	db_path(p, "saved.db", saved);
	assert_int_not_equal(access(wal, F_OK), 0);
	testdir_copy(db, saved);
	EXPECT(node_open(p->dir, &p->n), ST_OK);
}

static void
restore(struct party *p)
{
	char db[NODE_PATH_MAX], wal[NODE_PATH_MAX], shm[NODE_PATH_MAX], saved[NODE_PATH_MAX];

	node_close(p->n);
	p->n = NULL;
	db_path(p, "parley.db", db);
	db_path(p, "parley.db-wal", wal);
	db_path(p, "parley.db-shm", shm);
	db_path(p, "saved.db", saved);
	(void)unlink(wal);
	(void)unlink(shm);
	testdir_copy(saved, db);
	EXPECT(node_open(p->dir, &p->n), ST_OK);
}

/* ---- fixture ---- */

static int
teardown(void **state)
{
	struct fx *f = *state;

	party_free(&f->a);
	party_free(&f->b);
	party_free(&f->c);
	free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	*state = f;
	if (party_make(&f->a, "alpha") || party_make(&f->b, "bravo") ||
	    pin(&f->a, &f->b) || pin(&f->b, &f->a)) {
		(void)teardown(state);	/* cmocka skips teardown when setup fails */
		return -1;
	}
	return 0;
}

/* charlie - a third node, pinning alpha (so it can queue messages). */
static struct party *
charlie(struct fx *f)
{
	EXPECT(party_make(&f->c, "charlie"), ST_OK);
	EXPECT(pin(&f->c, &f->a), ST_OK);
	return &f->c;
}

/* ---- checkpoints ---- */

static void
test_checkpoint_empty_log(void **state)
{
	struct fx *f = *state;
	struct buf out;
	uint64_t size = 7;

	buf_init(&out, OUT_MAX);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &out), ST_NOTFOUND);
	assert_int_equal(out.len, 0);
	EXPECT(sign(&f->a, &size), ST_OK);
	assert_int_equal(size, 0);
	EXPECT(sign(&f->a, NULL), ST_OK);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &out), ST_NOTFOUND);
	EXPECT(ledger_witness_request(f->a.n, 0, &out, &size), ST_NOTFOUND);
	assert_int_equal(out.len, 0);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void
test_checkpoint_signs_whole_log(void **state)
{
	struct fx *f = *state;
	struct buf note, again;
	struct note_key other;
	struct note_check chk;
	struct ckpt c;
	uint8_t root[TLOG_HASH];
	uint64_t size = 7;

	buf_init(&note, OUT_MAX);
	buf_init(&again, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &note), ST_OK);
	checked(note.p, note.len, &f->a, NULL, &c);
	assert_int_equal(c.size, 3);
	assert_int_equal(c.size, store_log_size(st(&f->a)));
	EXPECT(tlog_tree_hash(3, store_log_node, st(&f->a), root), ST_OK);
	assert_memory_equal(c.root, root, TLOG_HASH);
	assert_int_equal(sig_lines(&note), 1);

	/* It is alpha's signature: bravo's key, under any name, is not it. */
	EXPECT(note_key_init(&other, node_origin(f->a.n), NOTE_ED25519, pk(&f->b)), ST_OK);
	EXPECT(note_verify(note.p, note.len, &other, 1, &chk), ST_UNKNOWN_KEY);
	/* One byte of the root changed: the signature no longer verifies. */
	buf_reset(&again);
	EXPECT(buf_add(&again, note.p, note.len), ST_OK);
	flip_at(&again, strlen(node_origin(f->a.n)) + 3 + 10);
	key_of(&f->a, NOTE_ED25519, &other);
	EXPECT(note_verify(again.p, again.len, &other, 1, &chk), ST_BADSIG);

	/* Nothing new: nothing signed, the checkpoint unchanged. */
	EXPECT(sign(&f->a, &size), ST_OK);
	assert_int_equal(size, 0);
	buf_reset(&again);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &again), ST_OK);
	assert_int_equal(again.len, note.len);
	assert_memory_equal(again.p, note.p, note.len);

	/* More entries, a message and a receipt: a new checkpoint of all 5;
	 * the old one is still there by its size, and no size between. */
	assert_int_equal(log_signed(&f->a, "m-3 r-0", ST_OK, 1), 5);
	buf_reset(&again);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &again), ST_OK);
	checked(again.p, again.len, &f->a, NULL, &c);
	assert_int_equal(c.size, 5);
	EXPECT(tlog_tree_hash(5, store_log_node, st(&f->a), root), ST_OK);
	assert_memory_equal(c.root, root, TLOG_HASH);
	buf_reset(&again);
	EXPECT(ledger_note(f->a.n, 3, &again), ST_OK);
	assert_memory_equal(again.p, note.p, note.len);
	buf_reset(&again);
	EXPECT(ledger_note(f->a.n, 4, &again), ST_NOTFOUND);
	assert_int_equal(ckpt_count(&f->a), 2);
	buf_free(&note);
	buf_free(&again);
}

/* A stored leaf rewritten after it was signed: the next checkpoint would
 * not extend the signed one, so none is signed. */
static void
test_checkpoint_refuses_rewritten_leaf(void **state)
{
	struct fx *f = *state;
	struct buf before, after;

	buf_init(&before, OUT_MAX);
	buf_init(&after, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &before), ST_OK);
	tamper(&f->a, "tlog", "hash", "idx = 2", 5);

	assert_int_equal(log_signed(&f->a, "m-3", ST_CONFLICT, 0), 0);

	EXPECT(ledger_note(f->a.n, UINT64_MAX, &after), ST_OK);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.p, before.p, before.len);
	assert_int_equal(ckpt_count(&f->a), 1);
	buf_free(&before);
	buf_free(&after);
}

/* The log cut back and regrown differently (a store restored from an old
 * copy, say): never signed over what was signed before. */
static void
test_checkpoint_refuses_rolled_back_log(void **state)
{
	struct fx *f = *state;
	struct buf out;
	uint64_t size = 7;

	buf_init(&out, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	run_sql(&f->a, "DELETE FROM tlog WHERE pos >= 3", 0);	/* leaf 2 and on */
	assert_int_equal(store_log_size(st(&f->a)), 2);
	EXPECT(sign(&f->a, &size), ST_CONFLICT);
	assert_int_equal(size, 0);

	/* Regrown to the signed size: nothing to sign (and verify says so). */
	assert_int_equal(grow(&f->a, "x", 1, 1), 0);
	assert_int_equal(store_log_size(st(&f->a)), 3);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_CONFLICT);
	expect_in(buf_str(&out), "checkpoint of size 3: root hash does not match");

	/* Past it: not an extension of size 3, refused. */
	assert_int_equal(log_signed(&f->a, "x-1", ST_CONFLICT, 0), 0);
	assert_int_equal(ckpt_count(&f->a), 1);
	buf_free(&out);
}

/* The node remembers the last checkpoint it signed, to spare verifying it
 * again: only while the stored note is byte for byte that one.  A stored
 * note changed under the running node is verified (and refused); a signed
 * checkpoint rolled back with its transaction is not taken as signed. */
static void
test_checkpoint_memo_is_only_a_cache(void **state)
{
	struct fx *f = *state;
	struct buf out;

	buf_init(&out, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 2, 1), 2);

	/* Signed, then rolled back: size 3 is signed again, over other leaves. */
	assert_int_equal(log_signed(&f->a, "m-2", ST_OK, 0), 3);
	assert_int_equal(log_signed(&f->a, "x-2", ST_OK, 1), 3);
	assert_int_equal(ckpt_count(&f->a), 2);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);

	/* One letter of the latest signature changed while the node runs. */
	run_sql(&f->a, "UPDATE checkpoint SET note = substr(note, 1, length(note) - 6) ||"
	    " CASE substr(note, length(note) - 5, 1) WHEN 'A' THEN 'B' ELSE 'A' END ||"
	    " substr(note, length(note) - 4) WHERE size = 3", 1);
	assert_int_equal(log_signed(&f->a, "x-3", ST_BADSIG, 0), 0);
	assert_int_equal(ckpt_count(&f->a), 2);
	buf_free(&out);
}

/* ---- proofs ---- */

static void
test_prove_each_entry(void **state)
{
	struct fx *f = *state;
	static const char *const ids[] = { "m-0", "m-1", "r-0", "m-2", "r-1" };
	struct buf proof;
	const char *why;

	buf_init(&proof, OUT_MAX);
	assert_int_equal(log_signed(&f->a, "m-0 m-1 r-0 m-2 r-1", ST_OK, 1), 5);

	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char data[128];

		statement(ids[i], data);
		buf_reset(&proof);
		why = "unset";
		EXPECT(ledger_prove(f->a.n, ids[i], 0, NULL, &proof, &why), ST_OK);
		assert_null(why);
		check_proof(&proof, data, i, 5, &f->a, NULL);
		/* The same proof does not hold for the entry before it. */
		if (i > 0) {
			struct ckpt_proof pr;
			struct ckpt c;
			uint8_t leaf[TLOG_HASH];
			char prev[128];

			EXPECT(ckpt_proof_parse(proof.p, proof.len, &pr), ST_OK);
			checked(pr.note, pr.note_len, &f->a, NULL, &c);
			statement(ids[i - 1], prev);
			tlog_leaf_hash(prev, strlen(prev), leaf);
			EXPECT(tlog_verify_inclusion(pr.index, c.size, leaf,
			    (const uint8_t (*)[TLOG_HASH])pr.hashes, pr.n_hashes, c.root), ST_BADSIG);
		}
		/* Naming the peer the entry concerns changes nothing. */
		buf_reset(&proof);
		EXPECT(ledger_prove(f->a.n, ids[i], 0, "bravo", &proof, &why), ST_OK);
		check_proof(&proof, data, i, 5, &f->a, NULL);
	}
	buf_free(&proof);
}

static void
test_prove_refuses(void **state)
{
	struct fx *f = *state;
	struct buf proof;
	const char *why;

	buf_init(&proof, OUT_MAX);
	/* In the log, but no checkpoint signed yet: not yet provable, and not
	 * "no such entry". */
	assert_int_equal(grow(&f->a, "early", 1, 0), UINT64_MAX);
	why = NULL;
	EXPECT(ledger_prove(f->a.n, "early-0", 0, NULL, &proof, &why), ST_TIMEOUT);
	assert_string_equal(why, "the entry is not yet in a signed checkpoint");
	assert_int_equal(proof.len, 0);
	assert_int_equal(grow(&f->a, "m", 3, 1), 4);

	why = NULL;
	EXPECT(ledger_prove(f->a.n, "no-such-id", 0, NULL, &proof, &why), ST_NOTFOUND);
	assert_non_null(why);
	assert_int_equal(proof.len, 0);

	/* The entry exists, but concerns bravo, not charlie. */
	why = NULL;
	EXPECT(ledger_prove(f->a.n, "m-1", 0, "charlie", &proof, &why), ST_NOTFOUND);
	assert_non_null(why);
	assert_int_equal(proof.len, 0);

	/* Bravo cosigned nothing yet. */
	why = NULL;
	EXPECT(ledger_prove(f->a.n, "m-1", f->a.other, NULL, &proof, &why), ST_TIMEOUT);
	assert_non_null(why);
	assert_int_equal(proof.len, 0);

	/* Queued after the latest checkpoint: not yet in one. */
	assert_int_equal(grow(&f->a, "late", 1, 0), UINT64_MAX);
	why = NULL;
	EXPECT(ledger_prove(f->a.n, "late-0", 0, NULL, &proof, &why), ST_TIMEOUT);
	assert_non_null(why);
	assert_int_equal(proof.len, 0);
	buf_free(&proof);
}

/* Against the checkpoint bravo cosigned, not alpha's latest. */
static void
test_prove_cosigned(void **state)
{
	struct fx *f = *state;
	struct buf proof, resp;
	const char *why;
	char data[128];

	buf_init(&proof, OUT_MAX);
	buf_init(&resp, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	assert_int_equal(round_from(f, 0, &resp), 200);
	assert_int_equal(grow(&f->a, "n", 2, 1), 5);

	msg_jws("m-2", data);
	EXPECT(ledger_prove(f->a.n, "m-2", f->a.other, "bravo", &proof, &why), ST_OK);
	check_proof(&proof, data, 2, 3, &f->a, &f->b);
	buf_reset(&proof);
	EXPECT(ledger_prove(f->a.n, "m-2", 0, NULL, &proof, &why), ST_OK);
	check_proof(&proof, data, 2, 5, &f->a, NULL);

	/* n-0 is in alpha's checkpoint of 5, which bravo has not cosigned. */
	buf_reset(&proof);
	why = NULL;
	EXPECT(ledger_prove(f->a.n, "n-0", f->a.other, NULL, &proof, &why), ST_TIMEOUT);
	assert_non_null(why);
	assert_int_equal(proof.len, 0);
	buf_free(&proof);
	buf_free(&resp);
}

/* ---- verify ---- */

struct tamper_case {
	const char *name;
	const char *table, *col, *where;	/* NULL table: sql instead */
	long off;
	const char *sql;
	status want;
	const char *says;
	int live;		/* sql run while the node is open */
};

/* BYTE: one byte of a stored value changed (tamper); SQL: rows changed
 * with the node closed; LIVE: rows changed under the running node. */
#define BYTE(name, table, col, where, off, want, says) \
	{ name, table, col, where, off, NULL, want, says, 0 }
#define SQL(name, sql, want, says) { name, NULL, NULL, NULL, 0, sql, want, says, 0 }
#define LIVE(name, sql, want, says) { name, NULL, NULL, NULL, 0, sql, want, says, 1 }

static const struct tamper_case tamper_cases[] = {
	BYTE("a message's JWS", "outbox", "jws", "id = 'm-1'", 40, ST_CONFLICT,
	    "entry 1 (message m-1): stored statement does not match its leaf hash"),
	BYTE("a message's JWS signature", "outbox", "jws", "id = 'm-0'", -3, ST_CONFLICT,
	    "entry 0 (message m-0)"),
	/* (these receipts are not made by envelope_receipt_seal: kept whole) */
	BYTE("a receipt's JWS", "in_receipt", "receipt",
	    "rid = (SELECT rid FROM inbox WHERE id = 'r-0')", 40, ST_CONFLICT,
	    "entry 2 (receipt of message r-0): stored statement"),
	BYTE("a received message", "inbox", "jws", "id = 'r-0'", 40, ST_CONFLICT,
	    "entry 2: the stored message r-0 differs"),
	BYTE("a received message's hash", "inbox", "hash", "id = 'r-0'", 10, ST_CONFLICT,
	    "entry 2: the stored message r-0 differs"),
	/* tlog rows are nodes in post-order: leaves 0, 1 at 0, 1; (1, 0) at 2;
	 * leaves 2, 3 at 3, 4; (1, 1) at 5; (2, 0) at 6; leaf 4 at 7. */
	BYTE("a leaf hash", "tlog", "hash", "idx = 3", 0, ST_CONFLICT,
	    "entry 3 (message m-2): stored statement does not match"),
	BYTE("a subtree hash", "tlog", "hash", "pos = 2", 31, ST_CONFLICT,
	    "entry 1: stored subtree hash ending here"),
	BYTE("the top subtree hash", "tlog", "hash", "pos = 6", 16,
	    ST_CONFLICT, "entry 3: stored subtree hash ending here"),
	/* "parley/alpha/KID" is 56 bytes; the root line starts at 59. */
	BYTE("the checkpoint's root", "checkpoint", "note", "size = 5", 70, ST_BADSIG,
	    "checkpoint of size 5: signature: bad signature"),
	SQL("the checkpoint's size", "UPDATE checkpoint SET note = replace(note,"
	    " char(10) || '5' || char(10), char(10) || '4' || char(10))", ST_BADSIG,
	    "checkpoint of size 5: signature: bad signature"),
	BYTE("the checkpoint's signature", "checkpoint", "note", "size = 5", -20, ST_BADSIG,
	    "checkpoint of size 5: signature: bad signature"),
	BYTE("bravo's cosignature", "cosig", "line", "size = 5", -20, ST_BADSIG,
	    "checkpoint of size 5: cosignature by bravo does not verify"),
	SQL("bravo's cosignature renamed",
	    "UPDATE cosig SET line = replace(line, 'parley/bravo/', 'parley/bravx/')",
	    ST_UNKNOWN_KEY, "checkpoint of size 5: cosignature by bravo does not verify"),
	SQL("an entry deleted", "DELETE FROM tlog WHERE idx = 2", ST_CONFLICT,
	    "entry 2: missing from the log"),
	SQL("an entry made a bare node", "UPDATE tlog SET idx = NULL WHERE idx = 2",
	    ST_CONFLICT, "entry 2: missing from the log"),
	SQL("an entry pointed at another statement", "UPDATE tlog SET rid = rid + 1"
	    " WHERE idx = 0", ST_CONFLICT, "entry 0 (message m-1): stored statement"),
	SQL("the last entry deleted", "DELETE FROM tlog WHERE idx = 4", ST_CONFLICT,
	    "checkpoint of size 5: larger than the log"),
	LIVE("the last entry deleted under the running node",
	    "DELETE FROM tlog WHERE idx = 4", ST_CONFLICT, "entry 4: missing from the log"),
};

static void
test_verify_intact(void **state)
{
	struct fx *f = *state;
	struct buf out;

	buf_init(&out, OUT_MAX);
	assert_int_equal(log_signed(&f->a, "m-0 m-1 r-0", ST_OK, 1), 3);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);
	assert_int_equal(out.len, 0);
	assert_int_equal(round_from(f, 0, &out), 200);
	assert_int_equal(grow(&f->a, "n", 4, 1), 7);
	buf_reset(&out);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);
	assert_int_equal(out.len, 0);
	/* After a restart, from what is on disk alone. */
	reopen(&f->a);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void
test_verify_finds_tampering(void **state)
{
	struct fx *f = *state;
	struct buf out;
	int failed = 0;

	/* Entries m-0 m-1 r-0 m-2 m-3, signed, cosigned by bravo; each case
	 * starts from a copy of that store. */
	buf_init(&out, OUT_MAX);
	assert_int_equal(log_signed(&f->a, "m-0 m-1 r-0 m-2 m-3", ST_OK, 1), 5);
	assert_int_equal(round_from(f, 0, &out), 200);
	snapshot(&f->a);

	for (size_t i = 0; i < sizeof tamper_cases / sizeof tamper_cases[0]; i++) {
		const struct tamper_case *t = &tamper_cases[i];
		status rc;

		restore(&f->a);
		buf_reset(&out);
		EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);
		if (t->table)
			tamper(&f->a, t->table, t->col, t->where, t->off);
		else
			run_sql(&f->a, t->sql, t->live);
		rc = ledger_verify(f->a.n, NULL, NULL, &out);
		if (rc != t->want || !strstr(buf_str(&out), t->says)) {
			print_error("%s: got \"%s\" saying \"%s\"; want \"%s\" saying \"%s\"\n",
			    t->name, status_str(rc), buf_str(&out), status_str(t->want), t->says);
			failed++;
		}
	}
	buf_free(&out);
	if (failed)
		fail_msg("%d of %zu changes to the store went unnoticed or misnamed", failed,
		    sizeof tamper_cases / sizeof tamper_cases[0]);
}

/* Evidence is proven against the checkpoint a peer cosigned, often not the
 * latest: an older checkpoint or an older cosignature that no longer
 * verifies, or an older checkpoint whose root is not the tree's at its size,
 * is named too. */
static void
test_verify_checks_older_checkpoints(void **state)
{
	static const struct tamper_case cases[] = {
		BYTE("bravo's older cosignature", "cosig", "line", "size = 3", -20, ST_BADSIG,
		    "checkpoint of size 3: cosignature by bravo does not verify"),
		BYTE("the older checkpoint's signature", "checkpoint", "note", "size = 3", -20,
		    ST_BADSIG, "checkpoint of size 3: signature: bad signature"),
		SQL("the older checkpoint swapped for one of another size",
		    "UPDATE checkpoint SET size = 4 WHERE size = 3", ST_CONFLICT,
		    "checkpoint of size 4: root hash does not match the entries"),
		SQL("a cosignature by a peer no longer pinned",
		    "UPDATE cosig SET peer_id = 99 WHERE size = 3", ST_UNKNOWN_KEY,
		    "checkpoint of size 3: cosignature by an unknown peer (id 99)"),
	};
	struct fx *f = *state;
	struct buf out;
	int failed = 0;

	buf_init(&out, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	assert_int_equal(round_from(f, 0, &out), 200);
	assert_int_equal(grow(&f->a, "n", 2, 1), 5);
	assert_int_equal(round_from(f, 3, &out), 200);
	buf_reset(&out);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &out), ST_OK);
	snapshot(&f->a);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tamper_case *t = &cases[i];
		status rc;

		restore(&f->a);
		buf_reset(&out);
		if (t->table)
			tamper(&f->a, t->table, t->col, t->where, t->off);
		else
			run_sql(&f->a, t->sql, t->live);
		rc = ledger_verify(f->a.n, NULL, NULL, &out);
		if (rc != t->want || !strstr(buf_str(&out), t->says)) {
			print_error("%s: got \"%s\" saying \"%s\"; want \"%s\" saying \"%s\"\n",
			    t->name, status_str(rc), buf_str(&out), status_str(t->want), t->says);
			failed++;
		}
	}
	buf_free(&out);
	if (failed)
		fail_msg("%d of %zu changes to older checkpoints went unnoticed or misnamed",
		    failed, sizeof cases / sizeof cases[0]);
}

/* ---- witnessing ---- */

static void
test_witness_cosigns(void **state)
{
	struct fx *f = *state;
	struct buf body, resp, note;
	struct witnessed w;
	struct ckpt c;
	uint64_t size, cosigned;
	int fork = -1;

	buf_init(&body, OUT_MAX);
	buf_init(&resp, OUT_MAX);
	buf_init(&note, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	size = request(f, 0, &body);
	assert_int_equal(size, 3);
	assert_int_equal(witness(f, &body, &resp, &fork), 200);
	assert_int_equal(fork, 0);

	/* The answer is bravo's cosignature line over alpha's note. */
	EXPECT(ledger_note(f->a.n, 3, &note), ST_OK);
	EXPECT(buf_add(&note, resp.p, resp.len), ST_OK);
	checked(note.p, note.len, &f->a, &f->b, &c);
	assert_int_equal(c.size, 3);
	assert_int_equal(resp.p[resp.len - 1], '\n');
	assert_null(memchr(resp.p, '\n', resp.len - 1));
	/* What bravo keeps: exactly that note, committed. */
	reopen(&f->b);
	witnessed(f, &w);
	assert_int_equal(w.size, 3);
	assert_string_equal(w.note, note.p);

	/* Alpha keeps the cosignature: its note now carries it. */
	EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 3, resp.p,
	    resp.len), ST_OK);
	buf_reset(&note);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &note), ST_OK);
	checked(note.p, note.len, &f->a, &f->b, &c);
	assert_int_equal(sig_lines(&note), 2);
	EXPECT(store_cosig_latest(st(&f->a), f->a.other, &cosigned), ST_OK);
	assert_int_equal(cosigned, 3);

	/* The log grows; bravo cosigns again, from the size it cosigned. */
	assert_int_equal(grow(&f->a, "n", 4, 1), 7);
	assert_int_equal(round_from(f, 3, &resp), 200);
	witnessed(f, &w);
	assert_int_equal(w.size, 7);
	buf_reset(&note);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &note), ST_OK);
	checked(note.p, note.len, &f->a, &f->b, &c);
	assert_int_equal(c.size, 7);
	EXPECT(store_cosig_latest(st(&f->a), f->a.other, &cosigned), ST_OK);
	assert_int_equal(cosigned, 7);

	/* The same checkpoint again is cosigned again (a retry). */
	assert_int_equal(round_from(f, 7, &resp), 200);
	witnessed(f, &w);
	assert_int_equal(w.size, 7);
	buf_reset(&note);
	EXPECT(ledger_verify(f->a.n, NULL, NULL, &note), ST_OK);
	buf_free(&body);
	buf_free(&resp);
	buf_free(&note);
}

/* A request from a size other than the one bravo cosigned: 409 with that
 * size, and nothing changes. */
static void
test_witness_stale(void **state)
{
	struct fx *f = *state;
	struct buf body, resp;
	struct witnessed before, after;
	uint64_t said = 0;
	int fork = -1;

	buf_init(&body, OUT_MAX);
	buf_init(&resp, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	assert_int_equal(round_from(f, 0, &resp), 200);
	assert_int_equal(grow(&f->a, "n", 2, 1), 5);
	witnessed(f, &before);

	(void)request(f, 0, &body);	/* a replay from size 0 */
	assert_int_equal(witness(f, &body, &resp, &fork), 409);
	assert_int_equal(fork, 0);
	assert_string_equal(buf_str(&resp), "3\n");
	EXPECT(ckpt_size_parse(resp.p, resp.len, &said), ST_OK);
	assert_int_equal(said, 3);

	(void)request(f, 1, &body);	/* from a size never cosigned */
	assert_int_equal(witness(f, &body, &resp, &fork), 409);
	assert_string_equal(buf_str(&resp), "3\n");

	witnessed(f, &after);
	assert_int_equal(after.size, 3);
	assert_string_equal(after.note, before.note);
	/* Retried from the size bravo gave: cosigned. */
	assert_int_equal(round_from(f, said, &resp), 200);
	witnessed(f, &after);
	assert_int_equal(after.size, 5);
	buf_free(&body);
	buf_free(&resp);
}

/* Requests bravo must refuse, each with nothing stored. */
static void
test_witness_refuses(void **state)
{
	struct fx *f = *state;
	struct party *c = charlie(f);
	struct buf good, body, resp, text, note;
	struct ckpt cp;
	struct witnessed w;
	uint8_t hashes[1][TLOG_HASH];
	char origin[CARD_ORIGIN_MAX];
	int fork;

	buf_init(&good, OUT_MAX);
	buf_init(&body, OUT_MAX);
	buf_init(&resp, OUT_MAX);
	buf_init(&text, OUT_MAX);
	buf_init(&note, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	assert_int_equal(grow(c, "c", 3, 1), 3);
	(void)request(f, 0, &good);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &note), ST_OK);
	checked(note.p, note.len, &f->a, NULL, &cp);

	/* Not a request. */
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(&f->a),
	    "hello\n", 6, NOW_MS, &resp, &fork), 400);
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(&f->a),
	    "", 0, NOW_MS, &resp, &fork), 400);
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(&f->a),
	    good.p, 4, NOW_MS, &resp, &fork), 400);
	assert_true(resp.len > 0);
	/* Cut inside the note, or its signature line cut: malformed (400),
	 * not a forgery (403). */
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(&f->a),
	    good.p, good.len / 2, NOW_MS, &resp, &fork), 400);
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(&f->a),
	    good.p, good.len - 10, NOW_MS, &resp, &fork), 400);
	assert_string_equal(buf_str(&resp), "malformed checkpoint note\n");

	/* One byte of alpha's signature changed. */
	buf_reset(&body);
	EXPECT(buf_add(&body, good.p, good.len), ST_OK);
	flip_at(&body, sig_offset(&body));
	assert_int_equal(witness(f, &body, &resp, &fork), 403);
	/* One byte of the signed checkpoint changed. */
	buf_reset(&body);
	EXPECT(buf_add(&body, good.p, good.len), ST_OK);
	flip_at(&body, strlen("old 0\n\n") + strlen(node_origin(f->a.n)) + 3 + 5);
	assert_int_equal(witness(f, &body, &resp, &fork), 403);

	/* Charlie's own checkpoint, presented as alpha's. */
	buf_reset(&body);
	EXPECT(ledger_witness_request(c->n, 0, &body, &(uint64_t){ 0 }), ST_OK);
	assert_int_equal(witness(f, &body, &resp, &fork), 403);
	/* Charlie's key signing under alpha's name and origin. */
	memcpy(cp.origin, node_origin(f->a.n), strlen(node_origin(f->a.n)) + 1);
	EXPECT(ckpt_format(&cp, &text), ST_OK);
	buf_reset(&note);
	EXPECT(note_sign(node_ident(c->n), node_origin(f->a.n), text.p, text.len, &note), ST_OK);
	buf_reset(&body);
	EXPECT(ckpt_witness_req_format(0, (const uint8_t (*)[TLOG_HASH])hashes, 0, note.p, note.len, &body), ST_OK);
	assert_int_equal(witness(f, &body, &resp, &fork), 403);
	/* Alpha's genuine request, checked with charlie's key or origin. */
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(f->a.n), pk(c),
	    good.p, good.len, NOW_MS, &resp, &fork), 403);
	assert_int_equal(ledger_witness(f->b.n, f->b.other, node_origin(c->n), pk(&f->a),
	    good.p, good.len, NOW_MS, &resp, &fork), 403);
	card_origin("alpha", ident_kid(node_ident(c->n)), origin);
	assert_int_equal(ledger_witness(f->b.n, f->b.other, origin, pk(&f->a),
	    good.p, good.len, NOW_MS, &resp, &fork), 403);
	/* An origin that cannot be a key name. */
	assert_int_equal(ledger_witness(f->b.n, f->b.other, "not a name", pk(&f->a),
	    good.p, good.len, NOW_MS, &resp, &fork), 404);

	/* Alpha's key, alpha's key name, but a checkpoint of another log. */
	memcpy(cp.origin, "parley/impostor", sizeof "parley/impostor");
	buf_reset(&text);
	EXPECT(ckpt_format(&cp, &text), ST_OK);
	buf_reset(&note);
	EXPECT(note_sign(node_ident(f->a.n), node_origin(f->a.n), text.p, text.len, &note), ST_OK);
	buf_reset(&body);
	EXPECT(ckpt_witness_req_format(0, (const uint8_t (*)[TLOG_HASH])hashes, 0, note.p, note.len, &body), ST_OK);
	assert_int_equal(witness(f, &body, &resp, &fork), 404);

	/* Genuine note; old beyond its size; a proof where none can be. */
	buf_reset(&note);
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &note), ST_OK);
	buf_reset(&body);
	EXPECT(ckpt_witness_req_format(4, (const uint8_t (*)[TLOG_HASH])hashes, 0, note.p, note.len, &body), ST_OK);
	assert_int_equal(witness(f, &body, &resp, &fork), 400);
	EXPECT(ledger_witness_request(f->a.n, 4, &body, &(uint64_t){ 0 }), ST_CONFLICT);
	memset(hashes, 0x5a, sizeof hashes);
	buf_reset(&body);
	EXPECT(ckpt_witness_req_format(0, (const uint8_t (*)[TLOG_HASH])hashes, 1, note.p, note.len, &body), ST_OK);
	assert_int_equal(witness(f, &body, &resp, &fork), 422);
	assert_int_equal(fork, 0);

	/* None of it stored, nothing taken for a fork: the genuine request
	 * is cosigned at once. */
	reopen(&f->b);
	witnessed(f, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(witness(f, &good, &resp, &fork), 200);
	assert_int_equal(fork, 0);
	buf_free(&good);
	buf_free(&body);
	buf_free(&resp);
	buf_free(&text);
	buf_free(&note);
}

/* Alpha stores only cosignature lines that verify under bravo's key for
 * the size it asked about. */
static void
test_cosigned_refuses(void **state)
{
	struct fx *f = *state;
	struct party *c = charlie(f);
	struct buf resp3, resp5, body, bad, note;
	struct note_check chk;
	struct note_key k;
	uint64_t cosigned = 9;
	size_t text_len;
	status rc;

	buf_init(&resp3, OUT_MAX);
	buf_init(&resp5, OUT_MAX);
	buf_init(&body, OUT_MAX);
	buf_init(&bad, OUT_MAX);
	buf_init(&note, OUT_MAX);
	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	(void)request(f, 0, &body);
	assert_int_equal(witness(f, &body, &resp3, &(int){ 0 }), 200);
	assert_int_equal(grow(&f->a, "n", 2, 1), 5);
	(void)request(f, 3, &body);
	assert_int_equal(witness(f, &body, &resp5, &(int){ 0 }), 200);

	/* One byte of bravo's signature changed. */
	EXPECT(buf_add(&bad, resp5.p, resp5.len), ST_OK);
	flip_at(&bad, sig_offset(&bad));
	EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 5, bad.p,
	    bad.len), ST_BADSIG);
	/* Bravo's line for size 3, offered for size 5. */
	EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 5, resp3.p,
	    resp3.len), ST_BADSIG);
	/* Nothing at all; a line without its newline. */
	EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 5, "", 0),
	    ST_BADSIG);
	EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 5, resp5.p,
	    resp5.len - 1), ST_BADSIG);
	/* Charlie's key cosigning under bravo's name. */
	EXPECT(ledger_note(f->a.n, 5, &note), ST_OK);
	EXPECT(note_split(note.p, note.len, &text_len), ST_OK);
	buf_reset(&bad);
	EXPECT(note_cosign(node_ident(c->n), node_origin(f->b.n), note.p, text_len,
	    (uint64_t)(NOW_MS / 1000), &bad), ST_OK);
	rc = ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 5, bad.p,
	    bad.len);
	if (rc != ST_BADSIG && rc != ST_UNKNOWN_KEY)
		fail_msg("charlie's line as bravo's: got \"%s\"", status_str(rc));
	/* Bravo's genuine line, checked as charlie's. */
	rc = ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(c), 5, resp5.p,
	    resp5.len);
	if (rc != ST_BADSIG && rc != ST_UNKNOWN_KEY)
		fail_msg("bravo's line under charlie's key: got \"%s\"", status_str(rc));

	/* None stored: the note carries alpha's signature only. */
	reopen(&f->a);
	EXPECT(store_cosig_latest(st(&f->a), f->a.other, &cosigned), ST_OK);
	assert_int_equal(cosigned, 0);
	buf_reset(&note);
	EXPECT(ledger_note(f->a.n, 5, &note), ST_OK);
	assert_int_equal(sig_lines(&note), 1);
	key_of(&f->b, NOTE_COSIG, &k);
	EXPECT(note_verify(note.p, note.len, &k, 1, &chk), ST_UNKNOWN_KEY);

	/* Then the genuine answer, with a bad line beside it: kept. */
	buf_reset(&bad);
	EXPECT(buf_add(&bad, resp3.p, resp3.len), ST_OK);
	EXPECT(buf_add(&bad, resp5.p, resp5.len), ST_OK);
	EXPECT(ledger_cosigned(f->a.n, f->a.other, node_origin(f->b.n), pk(&f->b), 5, bad.p,
	    bad.len), ST_OK);
	EXPECT(store_cosig_latest(st(&f->a), f->a.other, &cosigned), ST_OK);
	assert_int_equal(cosigned, 5);
	buf_reset(&note);
	EXPECT(ledger_note(f->a.n, 5, &note), ST_OK);
	assert_int_equal(sig_lines(&note), 2);
	buf_reset(&note);
	EXPECT(ledger_note(f->a.n, 3, &note), ST_OK);
	assert_int_equal(sig_lines(&note), 1);
	buf_free(&resp3);
	buf_free(&resp5);
	buf_free(&body);
	buf_free(&bad);
	buf_free(&note);
}

/* ---- forks ---- */

struct forks_seen {
	int n;
	int64_t peer_id;
	char peer[CARD_NAME_MAX + 1];
	struct buf cosigned, presented;
	char reason[256];
};

static int
fork_cb(void *arg, const struct store_fork *f)
{
	struct forks_seen *s = arg;

	s->n++;
	s->peer_id = f->peer_id;
	snprintf(s->peer, sizeof s->peer, "%s", f->peer);
	snprintf(s->reason, sizeof s->reason, "%s", f->reason);
	buf_reset(&s->cosigned);
	buf_reset(&s->presented);
	return buf_adds(&s->cosigned, f->held) || buf_adds(&s->presented, f->presented);
}

/* fork_case - alpha's log, cosigned by bravo at 3 then at 5, is restored
 * from a copy taken at 3 and regrown differently to 5 + extra; alpha then
 * asks bravo to cosign it. */
static void
fork_case(struct fx *f, int extra, const char *reason)
{
	struct buf body, resp, forked;
	struct witnessed before, after;
	struct forks_seen seen;
	struct ckpt c1, c2;
	int fork = -1;

	buf_init(&body, OUT_MAX);
	buf_init(&resp, OUT_MAX);
	buf_init(&forked, OUT_MAX);
	memset(&seen, 0, sizeof seen);
	buf_init(&seen.cosigned, OUT_MAX);
	buf_init(&seen.presented, OUT_MAX);

	assert_int_equal(grow(&f->a, "m", 3, 1), 3);
	assert_int_equal(round_from(f, 0, &resp), 200);
	snapshot(&f->a);
	assert_int_equal(grow(&f->a, "n", 2, 1), 5);
	assert_int_equal(round_from(f, 3, &resp), 200);
	witnessed(f, &before);
	assert_int_equal(before.size, 5);

	restore(&f->a);
	assert_int_equal(store_log_size(st(&f->a)), 3);
	assert_int_equal(grow(&f->a, "x", 2 + extra, 1), (uint64_t)(5 + extra));
	EXPECT(ledger_note(f->a.n, UINT64_MAX, &forked), ST_OK);

	/* Alpha believes bravo cosigned 3: told 5. */
	(void)request(f, 3, &body);
	assert_int_equal(witness(f, &body, &resp, &fork), 409);
	assert_int_equal(fork, 0);
	assert_string_equal(buf_str(&resp), "5\n");
	/* From 5, as told: a fork. */
	(void)request(f, 5, &body);
	assert_int_equal(witness(f, &body, &resp, &fork), 422);
	assert_int_equal(fork, 1);
	assert_null(strstr(buf_str(&resp), "\xe2\x80\x94"));	/* no cosignature */

	/* Bravo cosigned nothing new and kept both notes, each signed by
	 * alpha, of one log that cannot be both. */
	reopen(&f->b);
	witnessed(f, &after);
	assert_int_equal(after.size, 5);
	assert_string_equal(after.note, before.note);
	EXPECT(store_fork_list(st(&f->b), fork_cb, &seen), ST_OK);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.peer_id, f->b.other);
	assert_string_equal(seen.peer, "alpha");
	assert_string_equal(buf_str(&seen.cosigned), before.note);
	assert_string_equal(buf_str(&seen.presented), buf_str(&forked));
	checked(seen.cosigned.p, seen.cosigned.len, &f->a, &f->b, &c1);
	checked(seen.presented.p, seen.presented.len, &f->a, NULL, &c2);
	assert_int_equal(c1.size, 5);
	assert_int_equal(c2.size, (uint64_t)(5 + extra));
	assert_memory_not_equal(c1.root, c2.root, TLOG_HASH);
	expect_in(seen.reason, reason);

	/* From now on nothing of alpha's is cosigned, not even the request
	 * that was fine before; no second fork is recorded for it. */
	fork = -1;
	assert_int_equal(witness(f, &body, &resp, &fork), 422);
	expect_in(buf_str(&resp), "fork");
	restore(&f->a);
	assert_int_equal(grow(&f->a, "n", 2, 1), 5);
	(void)request(f, 5, &body);
	assert_int_equal(witness(f, &body, &resp, &fork), 422);
	seen.n = 0;
	EXPECT(store_fork_list(st(&f->b), fork_cb, &seen), ST_OK);
	assert_int_equal(seen.n, 1);
	witnessed(f, &after);
	assert_string_equal(after.note, before.note);

	buf_free(&body);
	buf_free(&resp);
	buf_free(&forked);
	buf_free(&seen.cosigned);
	buf_free(&seen.presented);
}

static void
test_witness_fork_same_size(void **state)
{
	fork_case(*state, 0, "two different roots signed for the same size");
}

static void
test_witness_fork_no_extension(void **state)
{
	fork_case(*state, 2, "no valid consistency proof");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checkpoint_empty_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_signs_whole_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_refuses_rewritten_leaf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_refuses_rolled_back_log, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_memo_is_only_a_cache, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_prove_each_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prove_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prove_cosigned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_checks_older_checkpoints,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_finds_tampering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_cosigns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cosigned_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_fork_same_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_witness_fork_no_extension, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
