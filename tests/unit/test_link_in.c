/* test_link_in.c - accepting a peer's messages (link_in_batch), on real nodes.
 *
 * alpha sends, bravo receives; each is a node in its own temp dir, pinned
 * to the other on link "urgent" only.  charlie is a third key.  Messages
 * are sealed by alpha (envelope_message_seal) and handed to bravo's
 * link_in_batch as the peer listener would, with bravo's registry record
 * of alpha (peers_new, peers_by_name).  What a user must see:
 *   - a message in order is stored once and answered with a receipt that
 *     verifies with bravo's key; the same bytes again get the same receipt
 *     and nothing is applied twice;
 *   - a message ahead of its turn waits (425, with the number expected),
 *     another message at a used number is a replay (409);
 *   - another message signed by alpha for a number whose message was
 *     accepted is a fork: 409 with a reason starting "fork:", and both
 *     messages kept once as a fork of kind "message" (held: the accepted
 *     one, presented: the other, byte for byte); a number refused for good
 *     holds no message, so a conflict there is no fork;
 *   - a forgery, another signer or another recipient is refused and does
 *     not consume the sequence number;
 *   - a verified message refused for good (link not agreed, body too
 *     large) consumes its number, so it never blocks the link;
 *   - a batch stops at its first refusal that stops the link;
 *   - a damaged store refuses the batch whole (ST_CORRUPT: 503, retry
 *     later), signs no receipt, and still reads.
 * Each case is a table of batches, each batch a list of messages named by
 * a tag: the same tag is the same bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "fmt/envelope.h"
#include "link/link.h"
#include "node/node.h"
#include "node/policy.h"
#include "node/peers.h"
#include "store/store.h"
#include "testcheck.h"
#include "testdir.h"
#include "testnode.h"
#include "testkeys.h"

#define NOW_MS INT64_C(1795000000000)	/* 2026-11-18 */
#define BRAVO_MAX_BODY 64		/* bravo's max_body: small, to reach 413 */
#define RESP_MAX (1u << 20)
#define TAGS_MAX 8
#define BATCH_MAX 3
#define STEPS_MAX 5
#define HUGE_BODY 12000			/* a JWS larger than a receipt's 8 KB */


/* ---- the cases ---- */

enum kind {
	M_GOOD,		/* alpha to bravo, as it should be */
	M_BIG,		/* body over bravo's max_body */
	M_HUGE,		/* a body of HUGE_BODY bytes (for a case with a larger max_body) */
	M_FORGED,	/* one byte of the signature changed */
	M_OTHER_KEY,	/* signed by charlie (from = charlie) */
	M_OTHER_TO,	/* alpha's, addressed to charlie */
	M_TRUNC,	/* alpha's, cut in half */
	M_AGREE,	/* not a message: bravo agrees link "cert" with alpha */
};

struct msgspec {
	enum kind kind;
	const char *tag;	/* same tag, same bytes; NULL ends the batch */
	const char *link;
	int64_t seq;
	const char *id_of;	/* reuse that tag's message id (NULL: a new one) */
};

struct step {
	struct msgspec m[BATCH_MAX];
	int empty;		/* send an empty body instead */
	status want;		/* link_in_batch's status */
	int codes[BATCH_MAX];	/* each result's "status"; 0: no result */
	int64_t expected;	/* the first 425's "expected" */
	int64_t inbox;		/* messages accepted in bravo's inbox after */
	const char *link;	/* ... and the next sequence number on link */
	int64_t next;
	int forks;		/* fork rows in bravo's store after */
	const char *held, *presented;	/* the last fork's statements, by tag */
	const char *reason;	/* the first refusal's reason starts so (NULL: any) */
};

struct lcase {
	const char *name;
	struct step steps[STEPS_MAX];
	size_t max_body;	/* bravo's; 0: BRAVO_MAX_BODY */
};

#define MSG(k, t, l, s) { k, t, l, s, NULL }
#define NOFORK 0, NULL, NULL, NULL	/* no fork after, any reason */
#define U "urgent"

static const struct lcase cases[] = {
	{ "one message: accepted, receipt verifies with bravo's key", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
	}, 0 },
	{ "three in order in one batch: all accepted", {
		{ { MSG(M_GOOD, "a", U, 1), MSG(M_GOOD, "b", U, 2), MSG(M_GOOD, "c", U, 3) }, 0,
		    ST_OK, { 200, 200, 200 }, 0, 3, U, 4, NOFORK },
	}, 0 },
	{ "retransmission: the same receipt, nothing applied twice", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_GOOD, "a", U, 1), MSG(M_GOOD, "b", U, 2) }, 0, ST_OK, { 200, 200 },
		    0, 2, U, 3, NOFORK },
	}, 0 },
	{ "ahead of its turn: 425 with expected 1, nothing stored", {
		{ { MSG(M_GOOD, "a", U, 3) }, 0, ST_ORDER, { 425 }, 1, 0, U, 1, NOFORK },
		{ { MSG(M_GOOD, "b", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
	}, 0 },
	{ "another message at a used number: replay 409", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_GOOD, "b", U, 1) }, 0, ST_REPLAY, { 409 }, 0, 1, U, 2, 1, "a", "b",
		    "fork:" },
	}, 0 },
	{ "a second message signed for an accepted number: a fork, kept once", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_GOOD, "b", U, 1) }, 0, ST_REPLAY, { 409 }, 0, 1, U, 2, 1, "a", "b",
		    "fork: sequence 1 on link urgent already holds another message signed by"
		    " you; both are kept as proof" },
		/* the same second message again: the same answer, still one fork */
		{ { MSG(M_GOOD, "b", U, 1) }, 0, ST_REPLAY, { 409 }, 0, 1, U, 2, 1, "a", "b",
		    "fork:" },
		/* the first message's bytes again: its receipt again, no fork */
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, 1, "a", "b", NULL },
		{ { MSG(M_GOOD, "c", U, 2) }, 0, ST_OK, { 200 }, 0, 2, U, 3, 1, "a", "b", NULL },
	}, 0 },
	{ "a fork in a batch stops the batch there", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_GOOD, "b", U, 1), MSG(M_GOOD, "c", U, 2) }, 0, ST_REPLAY, { 409 }, 0,
		    1, U, 2, 1, "a", "b", "fork:" },
	}, 0 },
	{ "a forged or foreign message at an accepted number: refused, no fork", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_FORGED, "f", U, 1) }, 0, ST_BADSIG, { 403 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_OTHER_KEY, "k", U, 1) }, 0, ST_UNKNOWN_KEY, { 403 }, 0, 1, U, 2, NOFORK },
		/* a message at another number (its id reused) is a replay, no fork */
		{ { { M_GOOD, "r", U, 2, "a" } }, 0, ST_REPLAY, { 409 }, 0, 1, U, 2, 0, NULL, NULL,
		    "message id " },
	}, 0 },
	{ "a large message (over a receipt's 8 KB), then another at its number: a fork", {
		{ { MSG(M_HUGE, "h", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { MSG(M_GOOD, "b", U, 1) }, 0, ST_REPLAY, { 409 }, 0, 1, U, 2, 1, "h", "b",
		    "fork:" },
		{ { MSG(M_GOOD, "c", U, 2) }, 0, ST_OK, { 200 }, 0, 2, U, 3, 1, "h", "b", NULL },
	}, CONFIG_MAX_BODY_DEFAULT },
	{ "a used message id at the next number: replay 409", {
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
		{ { { M_GOOD, "b", U, 2, "a" } }, 0, ST_REPLAY, { 409 }, 0, 1, U, 2, NOFORK },
	}, 0 },
	{ "forged signature: 403, the number is not consumed", {
		{ { MSG(M_FORGED, "f", U, 1) }, 0, ST_BADSIG, { 403 }, 0, 0, U, 1, NOFORK },
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
	}, 0 },
	{ "signed by a key other than alpha's: 403", {
		{ { MSG(M_OTHER_KEY, "k", U, 1) }, 0, ST_UNKNOWN_KEY, { 403 }, 0, 0, U, 1, NOFORK },
		{ { MSG(M_GOOD, "a", U, 1) }, 0, ST_OK, { 200 }, 0, 1, U, 2, NOFORK },
	}, 0 },
	{ "addressed to another node: 421", {
		{ { MSG(M_OTHER_TO, "t", U, 1) }, 0, ST_RECIPIENT, { 421 }, 0, 0, U, 1, NOFORK },
	}, 0 },
	{ "link not agreed: a breach, 451, the number is consumed", {
		{ { MSG(M_GOOD, "a", "cert", 1) }, 0, ST_BREACH, { 451 }, 0, 0, "cert", 2, NOFORK },
		/* the same bytes again: the same 451, read back from the stored
		 * HTTP status */
		{ { MSG(M_GOOD, "a", "cert", 1) }, 0, ST_BREACH, { 451 }, 0, 0, "cert", 2, NOFORK },
		/* refused for good: no message is held there, so no fork */
		{ { MSG(M_GOOD, "b", "cert", 1) }, 0, ST_REPLAY, { 409 }, 0, 0, "cert", 2, 0,
		    NULL, NULL, "sequence 1 on link cert already holds another message" },
		{ { MSG(M_AGREE, "-", NULL, 0) }, 0, ST_OK, { 0 }, 0, 0, "cert", 2, NOFORK },
		{ { MSG(M_GOOD, "c", "cert", 2) }, 0, ST_OK, { 200 }, 0, 1, "cert", 3, NOFORK },
	}, 0 },
	{ "body over max_body: 413, the number is consumed", {
		{ { MSG(M_BIG, "big", U, 1) }, 0, ST_TOOBIG, { 413 }, 0, 0, U, 2, NOFORK },
		{ { MSG(M_GOOD, "a", U, 2) }, 0, ST_OK, { 200 }, 0, 1, U, 3, NOFORK },
		/* another message at the refused number: 409, and no fork */
		{ { MSG(M_GOOD, "b", U, 1) }, 0, ST_REPLAY, { 409 }, 0, 1, U, 3, 0, NULL, NULL,
		    "sequence 1 on link urgent already holds another message" },
	}, 0 },
	{ "truncated JWS: 400", {
		{ { MSG(M_TRUNC, "t", U, 1) }, 0, ST_PARSE, { 400 }, 0, 0, U, 1, NOFORK },
	}, 0 },
	{ "empty body: 400, no results", {
		{ { { 0 } }, 1, ST_PARSE, { 0 }, 0, 0, U, 1, NOFORK },
	}, 0 },
	{ "batch of 3, the 2nd out of order: the 1st accepted, stops at the 2nd", {
		{ { MSG(M_GOOD, "a", U, 1), MSG(M_GOOD, "b", U, 3), MSG(M_GOOD, "c", U, 2) }, 0,
		    ST_ORDER, { 200, 425 }, 2, 1, U, 2, NOFORK },
	}, 0 },
	{ "batch of 3, the 2nd forged: the 1st accepted, the 3rd not seen", {
		{ { MSG(M_GOOD, "a", U, 1), MSG(M_FORGED, "f", U, 2), MSG(M_GOOD, "c", U, 2) },
		    0, ST_BADSIG, { 200, 403 }, 0, 1, U, 2, NOFORK },
	}, 0 },
	{ "batch of 3, the 2nd on a link not agreed (a breach): it does not stop the batch", {
		{ { MSG(M_GOOD, "a", U, 1), MSG(M_GOOD, "b", "cert", 1), MSG(M_GOOD, "c", U, 2) },
		    0, ST_BREACH, { 200, 451, 200 }, 0, 2, U, 3, NOFORK },
	}, 0 },
};

/* ---- the fixture ---- */

struct sent {
	const char *tag;
	struct buf jws;
	char id[STAMP_UUID_LEN];
	struct buf receipt;	/* the first receipt bravo gave for it */
};

struct fx {
	const struct lcase *tc;
	char adir[TESTNODE_DIR_MAX], bdir[TESTNODE_DIR_MAX];
	struct node *a, *b;
	struct ident *charlie;
	struct peers *ps;	/* bravo's registry */
	struct sent sent[TAGS_MAX];
	size_t n_sent;
};

static status
node_make(char dir[static TESTNODE_DIR_MAX], const char *name, size_t max_body,
    struct node **out)
{
	return testnode_make(dir, "linkin", name, 7401, max_body, out);
}

/* pin - n pins other (named name) on link "urgent", as `parley peer add`. */
static status
pin(struct node *n, const char *name, const struct node *other)
{
	struct store_peer sp;
	int64_t id;

	memset(&sp, 0, sizeof sp);
	sp.name = name;
	memcpy(sp.pk, ident_pk(node_ident(other)), IDENT_PK_LEN);
	sp.kid = ident_kid(node_ident(other));
	sp.endpoint = "https://127.0.0.1:7402";
	sp.links = U;
	sp.card = "{}";
	sp.added_ms = NOW_MS;
	return store_peer_add(node_store(n), &sp, &id);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < f->n_sent; i++) {
		buf_free(&f->sent[i].jws);
		buf_free(&f->sent[i].receipt);
	}
	peers_free(f->ps);
	node_close(f->a);
	node_close(f->b);
	ident_free(f->charlie);
	if (f->adir[0])
		(void)testdir_remove(f->adir);
	if (f->bdir[0])
		(void)testdir_remove(f->bdir);
	free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	f->tc = *state;		/* the case, as the table gave it */
	*state = f;
	if (node_make(f->adir, "alpha", CONFIG_MAX_BODY_DEFAULT, &f->a) ||
	    node_make(f->bdir, "bravo", f->tc && f->tc->max_body ? f->tc->max_body :
	    BRAVO_MAX_BODY, &f->b) ||
	    pin(f->a, "bravo", f->b) || pin(f->b, "alpha", f->a) ||
	    peers_new(node_store(f->b), &f->ps) || !peers_by_name(f->ps, "alpha")) {
		(void)teardown(state);	/* cmocka skips teardown when setup fails */
		return -1;
	}
	f->charlie = testkey();
	return 0;
}

/* ---- messages ---- */

static struct sent *
sent_of(struct fx *f, const char *tag)
{
	for (size_t i = 0; i < f->n_sent; i++)
		if (strcmp(f->sent[i].tag, tag) == 0)
			return &f->sent[i];
	return NULL;
}

/* seal - the message for spec, made once per tag. */
static struct sent *
seal(struct fx *f, const struct msgspec *ms)
{
	const struct ident *signer = node_ident(f->a);
	struct sent *s = sent_of(f, ms->tag);
	struct message m;

	if (s)
		return s;
	assert_true(f->n_sent < TAGS_MAX);
	s = &f->sent[f->n_sent++];
	s->tag = ms->tag;
	buf_init(&s->jws, RESP_MAX);
	buf_init(&s->receipt, RESP_MAX);
	envelope_message_init(&m, RESP_MAX);
	if (ms->id_of) {
		assert_non_null(sent_of(f, ms->id_of));
		memcpy(m.id, sent_of(f, ms->id_of)->id, sizeof m.id);
	} else
		stamp_uuid7(m.id);
	memcpy(s->id, m.id, sizeof s->id);
	snprintf(m.to, sizeof m.to, "%s", ident_kid(node_ident(f->b)));
	snprintf(m.link, sizeof m.link, "%s", ms->link);
	m.seq = ms->seq;
	snprintf(m.type, sizeof m.type, "status");
	snprintf(m.priority, sizeof m.priority, "routine");
	snprintf(m.subject, sizeof m.subject, "grid status %s", ms->tag);
	stamp_format(NOW_MS, m.created_at);
	if (ms->kind == M_BIG || ms->kind == M_HUGE) {
		for (int i = 0; i <= (ms->kind == M_BIG ? BRAVO_MAX_BODY : HUGE_BODY); i++)
			EXPECT(buf_adds(&m.body, "x"), ST_OK);
	} else
		EXPECT(buf_addf(&m.body, "substation %s nominal", ms->tag), ST_OK);
	if (ms->kind == M_OTHER_KEY)
		signer = f->charlie;
	if (ms->kind == M_OTHER_TO)
		snprintf(m.to, sizeof m.to, "%s", ident_kid(f->charlie));
	EXPECT(envelope_message_seal(signer, &m, &s->jws), ST_OK);
	envelope_message_clear(&m);
	if (ms->kind == M_FORGED) {
		/* a letter in the middle of the signature: still base64url */
		char *p = s->jws.p + s->jws.len - 20;

		*p = *p == 'A' ? 'B' : 'A';
	}
	if (ms->kind == M_TRUNC)
		buf_truncate(&s->jws, s->jws.len / 2);
	return s;
}

/* agree - bravo agrees link "cert" with alpha too (as a new `peer add`
 * would record it), and its registry reads that. */
static void
agree(struct fx *f)
{
	char path[NODE_PATH_MAX];
	sqlite3 *db;

	EXPECT(node_path(f->bdir, "parley.db", path), ST_OK);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE peers SET links = 'urgent,cert'"
	    " WHERE name = 'alpha'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	EXPECT(peers_reload(f->ps), ST_OK);
	EXPECT(node_policy_reload(f->b), ST_OK);	/* a local agreement, now on cert too */
	assert_non_null(policy_local(node_policy(f->b), peers_by_name(f->ps, "alpha")->kid,
	    stamp_now_ms()));
}

static int
count_row(void *arg, const struct store_in *m)
{
	(void)m;
	(*(int64_t *)arg)++;
	return 0;
}

static int64_t
inbox_count(struct fx *f)
{
	int64_t n = 0;

	EXPECT(store_in_list(node_store(f->b), 0, count_row, &n), ST_OK);
	return n;
}

/* The fork rows of bravo's store: how many, and the last one. */
struct forks_seen {
	int n;
	char kind[16], subject[48], peer[16];
	struct buf held, presented;
};

static int
fork_row(void *arg, const struct store_fork *fk)
{
	struct forks_seen *s = arg;

	s->n++;
	snprintf(s->kind, sizeof s->kind, "%s", fk->kind);
	snprintf(s->subject, sizeof s->subject, "%s", fk->subject);
	snprintf(s->peer, sizeof s->peer, "%s", fk->peer);
	buf_reset(&s->held);
	buf_reset(&s->presented);
	EXPECT(buf_adds(&s->held, fk->held), ST_OK);
	EXPECT(buf_adds(&s->presented, fk->presented), ST_OK);
	return 0;
}

/* check_forks - bravo's store holds sp->forks forks, the last of alpha's
 * two messages tagged sp->held and sp->presented, byte for byte. */
static void
check_forks(struct fx *f, const struct step *sp)
{
	struct forks_seen s;

	memset(&s, 0, sizeof s);
	buf_init(&s.held, RESP_MAX);
	buf_init(&s.presented, RESP_MAX);
	EXPECT(store_fork_list(node_store(f->b), fork_row, &s), ST_OK);
	if (s.n != sp->forks)
		fail_msg("%d fork rows, want %d", s.n, sp->forks);
	if (sp->forks) {
		struct sent *held = sent_of(f, sp->held), *presented = sent_of(f, sp->presented);

		assert_non_null(held);
		assert_non_null(presented);
		assert_string_equal(s.kind, "message");
		assert_string_equal(s.peer, "alpha");
		assert_string_equal(s.subject, "urgent 1");	/* every fork here: LINK SEQ */
		assert_int_equal(s.held.len, held->jws.len);
		assert_memory_equal(s.held.p, held->jws.p, held->jws.len);
		assert_int_equal(s.presented.len, presented->jws.len);
		assert_memory_equal(s.presented.p, presented->jws.p, presented->jws.len);
	}
	buf_free(&s.held);
	buf_free(&s.presented);
}

/* check_receipt - r (from the answer) is bravo's receipt of s. */
static void
check_receipt(struct fx *f, struct sent *s, const char *r, const struct msgspec *ms)
{
	struct receipt rc;
	char hash[ENV_HASH_HEX];

	EXPECT(envelope_receipt_open(r, strlen(r), ident_pk(node_ident(f->b)),
	    ident_kid(node_ident(f->a)), &rc), ST_OK);
	assert_string_equal(rc.msg, s->id);
	envelope_hash(s->jws.p, s->jws.len, hash);
	assert_string_equal(rc.msg_sha256, hash);
	assert_string_equal(rc.link, ms->link);
	assert_int_equal(rc.seq, ms->seq);
	assert_string_equal(rc.from, ident_kid(node_ident(f->b)));
	/* the receipt is bravo's, not anyone's: alpha's key does not open it */
	assert_int_not_equal(envelope_receipt_open(r, strlen(r), ident_pk(node_ident(f->a)),
	    ident_kid(node_ident(f->a)), &rc), ST_OK);
	if (!s->receipt.len)
		EXPECT(buf_adds(&s->receipt, r), ST_OK);
	else	/* a retransmission: the receipt issued before, byte for byte */
		assert_string_equal(r, buf_str(&s->receipt));
}

static void
run_step(struct fx *f, const struct step *sp)
{
	struct peer *alpha = peers_by_name(f->ps, "alpha");
	struct buf body, resp;
	struct sent *s[BATCH_MAX] = { NULL };
	json_t *j, *results;
	json_error_t err;
	size_t nmsg = 0, nres = 0;
	int64_t next = 0;

	assert_non_null(alpha);
	if (sp->m[0].tag && sp->m[0].kind == M_AGREE) {
		agree(f);
		return;
	}
	buf_init(&body, RESP_MAX);
	buf_init(&resp, RESP_MAX);
	for (size_t i = 0; !sp->empty && i < BATCH_MAX && sp->m[i].tag; i++) {
		s[i] = seal(f, &sp->m[i]);
		if (i)
			EXPECT(buf_adds(&body, "\n"), ST_OK);
		EXPECT(buf_add(&body, s[i]->jws.p, s[i]->jws.len), ST_OK);
		nmsg++;
	}
	EXPECT(link_in_batch(f->b, alpha, body.p ? body.p : "", body.len, &resp), sp->want);

	j = json_loadb(resp.p, resp.len, 0, &err);
	if (!j)
		fail_msg("answer is not JSON (%s): %s", err.text, buf_str(&resp));
	results = json_object_get(j, "results");
	assert_true(json_is_array(results));
	while (nres < BATCH_MAX && sp->codes[nres])
		nres++;
	if (json_array_size(results) != nres)
		fail_msg("%zu results, want %zu: %s", json_array_size(results), nres,
		    buf_str(&resp));
	for (size_t i = 0; i < nres; i++) {
		json_t *r = json_array_get(results, i);
		const char *receipt = json_string_value(json_object_get(r, "receipt"));

		assert_true(i < nmsg);
		assert_int_equal(json_integer_value(json_object_get(r, "status")), sp->codes[i]);
		if (sp->codes[i] == 200) {
			assert_non_null(receipt);
			check_receipt(f, s[i], receipt, &sp->m[i]);
			assert_null(json_object_get(r, "reason"));
		} else {
			assert_null(receipt);
			assert_non_null(json_string_value(json_object_get(r, "reason")));
		}
		if (sp->codes[i] != 200 && sp->reason && (i == 0 || sp->codes[i - 1] == 200)) {
			const char *why = json_string_value(json_object_get(r, "reason"));

			if (strncmp(why, sp->reason, strlen(sp->reason)) != 0)
				fail_msg("reason \"%s\", want it to start \"%s\"", why, sp->reason);
		}
		if (sp->codes[i] == 425)
			assert_int_equal(json_integer_value(json_object_get(r, "expected")),
			    sp->expected);
		else
			assert_null(json_object_get(r, "expected"));
	}
	json_decref(j);
	assert_int_equal(inbox_count(f), sp->inbox);
	EXPECT(store_recv_next(node_store(f->b), alpha->id, sp->link, &next), ST_OK);
	assert_int_equal(next, sp->next);
	check_forks(f, sp);
	buf_free(&body);
	buf_free(&resp);
}

static void
test_case(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < STEPS_MAX && (f->tc->steps[i].m[0].tag ||
	    f->tc->steps[i].empty); i++)
		run_step(f, &f->tc->steps[i]);
}

/* damage_inbox - bravo closed, the root page of its inbox table overwritten
 * as a failing disk would, bravo opened again with a new registry. */
static void
damage_inbox(struct fx *f)
{
	char path[NODE_PATH_MAX], junk[65536];
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t root = 0, psize = 0;
	int fd;

	peers_free(f->ps);
	f->ps = NULL;
	node_close(f->b);
	f->b = NULL;
	EXPECT(node_path(f->bdir, "parley.db", path), ST_OK);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT rootpage FROM sqlite_schema"
	    " WHERE name = 'inbox'), page_size FROM pragma_page_size", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	root = sqlite3_column_int64(s, 0);
	psize = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_true(root > 1 && psize > 0 && psize <= (int64_t)sizeof junk);
	memset(junk, 0xa5, sizeof junk);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, junk, (size_t)psize, (off_t)((root - 1) * psize)), psize);
	close(fd);
	EXPECT(node_open(f->bdir, &f->b), ST_OK);
	EXPECT(peers_new(node_store(f->b), &f->ps), ST_OK);
}

static void
test_damaged_store(void **state)
{
	static const struct msgspec ms = MSG(M_GOOD, "a", U, 1);
	struct fx *f = *state;
	struct sent *s = seal(f, &ms);
	struct peer *alpha;
	struct buf resp;
	int64_t next = 0;

	damage_inbox(f);
	alpha = peers_by_name(f->ps, "alpha");
	assert_non_null(alpha);
	assert_null(store_damaged(node_store(f->b)));
	buf_init(&resp, RESP_MAX);
	/* the batch meets the damage: refused whole, no receipt */
	EXPECT(link_in_batch(f->b, alpha, s->jws.p, s->jws.len, &resp), ST_CORRUPT);
	assert_int_equal(resp.len, 0);
	assert_non_null(store_damaged(node_store(f->b)));
	assert_non_null(strstr(store_damaged(node_store(f->b)), "malformed"));
	/* from then on refused before anything is read or written */
	EXPECT(link_in_batch(f->b, alpha, s->jws.p, s->jws.len, &resp), ST_CORRUPT);
	assert_int_equal(resp.len, 0);
	/* what the store holds still reads; the number is not consumed */
	EXPECT(store_recv_next(node_store(f->b), alpha->id, U, &next), ST_OK);
	assert_int_equal(next, 1);
	buf_free(&resp);
}

/* receipt_from - the receipt in result 0 of bravo's answer resp. */
static void
receipt_from(const struct buf *resp, struct buf *out)
{
	json_t *j = json_loadb(resp->p, resp->len, 0, NULL);
	const char *r = json_string_value(json_object_get(json_array_get(json_object_get(j,
	    "results"), 0), "receipt"));

	assert_non_null(r);
	EXPECT(buf_adds(out, r), ST_OK);
	json_decref(j);
}

/* A receipt given again for alpha's delivered message: the same bytes are
 * nothing; another receipt by bravo for the same message is kept at alpha
 * as a fork of kind "receipt", once, with both receipts byte for byte. */
static void
test_second_receipt(void **state)
{
	static const struct msgspec ms = MSG(M_GOOD, "a", U, 1);
	struct fx *f = *state;
	struct sent *s = seal(f, &ms);
	struct peers *aps = NULL;
	struct peer *alpha, *bravo;
	struct receipt r;
	struct buf resp, r1, r2;
	struct forks_seen fk;

	alpha = peers_by_name(f->ps, "alpha");
	buf_init(&resp, RESP_MAX);
	buf_init(&r1, 65536);
	buf_init(&r2, 65536);
	EXPECT(link_in_batch(f->b, alpha, s->jws.p, s->jws.len, &resp), ST_OK);
	receipt_from(&resp, &r1);
	/* alpha's side: the message sent and delivered with that receipt */
	EXPECT(peers_new(node_store(f->a), &aps), ST_OK);
	bravo = peers_by_name(aps, "bravo");
	assert_non_null(bravo);
	EXPECT(store_begin(node_store(f->a)), ST_OK);
	EXPECT(testnode_queue(node_store(f->a), bravo->id, U, s->id, s->jws.p, NOW_MS), ST_OK);
	EXPECT(store_out_delivered(node_store(f->a), s->id, buf_str(&r1), NULL, NOW_MS), ST_OK);
	/* the same receipt again: nothing */
	assert_int_equal(link_receipt_again(f->a, bravo, s->id, buf_str(&r1)), 0);
	/* bravo signs another receipt for the same message */
	EXPECT(envelope_receipt_open(r1.p, r1.len, bravo->pk, ident_kid(node_ident(f->a)), &r),
	    ST_OK);
	stamp_uuid7(r.id);
	stamp_format(NOW_MS + 1000, r.received_at);
	EXPECT(envelope_receipt_seal(node_ident(f->b), &r, &r2), ST_OK);
	assert_int_equal(link_receipt_again(f->a, bravo, s->id, buf_str(&r2)), 1);
	assert_int_equal(link_receipt_again(f->a, bravo, s->id, buf_str(&r2)), 0);
	EXPECT(store_commit(node_store(f->a)), ST_OK);
	memset(&fk, 0, sizeof fk);
	buf_init(&fk.held, RESP_MAX);
	buf_init(&fk.presented, RESP_MAX);
	EXPECT(store_fork_list(node_store(f->a), fork_row, &fk), ST_OK);
	assert_int_equal(fk.n, 1);
	assert_string_equal(fk.peer, "bravo");
	assert_string_equal(fk.kind, "receipt");
	assert_string_equal(fk.subject, s->id);
	assert_string_equal(buf_str(&fk.held), buf_str(&r1));
	assert_string_equal(buf_str(&fk.presented), buf_str(&r2));
	buf_free(&fk.held);
	buf_free(&fk.presented);
	peers_free(aps);
	buf_free(&resp);
	buf_free(&r1);
	buf_free(&r2);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof cases / sizeof cases[0] + 2];
	size_t n = sizeof cases / sizeof cases[0];
	int failed;

	if (sodium_init() < 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ cases[i].name, test_case, setup, teardown,
		    (void *)&cases[i] };
	tests[n] = (struct CMUnitTest){ "a damaged store refuses the batch: 503, no receipt",
	    test_damaged_store, setup, teardown, NULL };
	tests[n + 1] = (struct CMUnitTest){ "a second, different receipt for a delivered message"
	    " is kept as a fork", test_second_receipt, setup, teardown, NULL };
	failed = _cmocka_run_group_tests("link_in", tests, n + 2, NULL, NULL);
	testkeys_done();
	return failed;
}
