/* test_witness.c - cosigning over real loopback TLS (log/witness.c).
 *
 * Two nodes in temp dirs, alpha and bravo, in one process on one
 * event_base: each with its own HTTP layer, peer registry, pinned TLS
 * context, pinned listener on 127.0.0.1 and witness, exactly as parleyd
 * puts them together.  alpha's log grows (as queued messages append to
 * it), witness_kick signs a checkpoint and offers it to bravo over the
 * network.  What a user must see:
 *   - bravo cosigns alpha's checkpoint, and again once the log grows;
 *     `parley status` (witness_status) shows the sizes on both sides;
 *   - a node bravo does not pin gets nothing cosigned;
 *   - alpha's store restored from an older copy and regrown differently is
 *     a fork: bravo refuses it, keeps the evidence, and says FORK, also
 *     after a restart; alpha is told its checkpoint was refused.
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
#include <openssl/err.h>
#include <sodium.h>

#include "crypto/tlsctx.h"
#include "log/ledger.h"
#include "log/witness.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "store/store.h"
#include "testcheck.h"
#include "testdir.h"
#include "testnode.h"
#include "testloop.h"

#define NOW_MS INT64_C(1795000000000)	/* 2026-11-18 */
#define LINK "urgent"
#define WAIT_MS 10000		/* the longest a round may take */


/* ---- parties ---- */

struct party {
	const char *name;
	char dir[TESTNODE_DIR_MAX];
	int port;
	struct node *n;
	int64_t other;		/* the pinned peer's id in this node's store */
	/* the daemon's pieces, when up */
	struct http *h;
	struct peers *ps;
	struct tlsctx *tls;
	struct http_listener *l;
	struct witness *w;
};

struct fx {
	struct party a, b;
};

static struct store *
st(const struct party *p)
{
	return node_store(p->n);
}

static status
party_make(struct party *p, const char *name)
{
	p->name = name;
	p->port = free_port();
	if (p->port < 0)
		return ST_IO;
	return testnode_make(p->dir, "witness", name, p->port, CONFIG_MAX_BODY_DEFAULT, &p->n);
}

/* pin - p pins other, by name, key and endpoint (as `parley peer add`). */
static status
pin(struct party *p, const struct party *other)
{
	struct store_peer sp;
	char endpoint[64];

	snprintf(endpoint, sizeof endpoint, "https://127.0.0.1:%d", other->port);
	memset(&sp, 0, sizeof sp);
	sp.name = other->name;
	memcpy(sp.pk, ident_pk(node_ident(other->n)), IDENT_PK_LEN);
	sp.kid = ident_kid(node_ident(other->n));
	sp.endpoint = endpoint;
	sp.links = LINK;
	sp.card = "{}";
	sp.added_ms = NOW_MS;
	return store_peer_add(st(p), &sp, &p->other);
}

/* up - p's daemon side: HTTP, registry, pinned TLS, listener, witness. */
static status
up(struct party *p)
{
	char key[NODE_PATH_MAX], crt[NODE_PATH_MAX];
	status rc;

	if ((rc = node_path(p->dir, "identity.key", key)) ||
	    (rc = node_path(p->dir, "identity.crt", crt)) ||
	    (rc = http_new(testloop_base, NULL, &p->h)) ||
	    (rc = peers_new(st(p), &p->ps)) ||
	    (rc = tlsctx_new(key, crt, peers_pinned, p->ps, &p->tls)) ||
	    (rc = http_listen(p->h, "peer", "127.0.0.1", p->port, HTTP_TLS_PINNED, p->tls,
	    &p->l)) ||
	    (rc = witness_new(p->h, p->n, p->ps, p->tls, &p->w)))
		return rc;
	/* No link engine here: its hello found the peer holds nothing of ours
	 * that we lack (link_hello_answer), as in a healthy pair. */
	for (size_t i = 0; i < peers_count(p->ps); i++)
		peers_at(p->ps, i)->history_ok = 1;
	return witness_routes(p->w, p->l);
}

/* down - stop p's daemon side, in the order parleyd does. */
static void
down(struct party *p)
{
	witness_free(p->w);
	http_free(p->h);
	peers_free(p->ps);
	tlsctx_free(p->tls);
	p->w = NULL;
	p->h = NULL;
	p->ps = NULL;
	p->tls = NULL;
	p->l = NULL;
}

static void
party_free(struct party *p)
{
	down(p);
	node_close(p->n);
	p->n = NULL;
	if (p->dir[0])
		(void)testdir_remove(p->dir);
	p->dir[0] = '\0';
}

/* grow - in one transaction, queue messages TAG-0 .. TAG-(count-1) to p's
 * peer (each appended to p's log), as link_queue does; then, when p is up,
 * tell its witness the log grew. */
static void
grow(struct party *p, const char *tag, int count)
{
	EXPECT(store_begin(st(p)), ST_OK);
	for (int i = 0; i < count; i++) {
		char id[32], jws[128];

		snprintf(id, sizeof id, "%s-%d", tag, i);
		snprintf(jws, sizeof jws, "eyJ0eXAiOiJwYXJsZXktbWVzc2FnZSJ9.%s-cGF5bG9hZA.c2ln", id);
		EXPECT(testnode_queue(st(p), p->other, LINK, id, jws, NOW_MS), ST_OK);
	}
	EXPECT(store_commit(st(p)), ST_OK);
	if (p->w)
		witness_kick(p->w);
}

/* ---- what the user sees ---- */

static uint64_t
cosigned(struct party *p)
{
	uint64_t size = 0;

	EXPECT(store_cosig_latest(st(p), p->other, &size), ST_OK);
	return size;
}

struct until_cosigned {
	struct party *p;
	uint64_t size;
};

static int
is_cosigned(void *arg)
{
	struct until_cosigned *u = arg;

	return cosigned(u->p) >= u->size;
}

/* wait_cosigned - run the loop until p's peer has cosigned size. */
static void
wait_cosigned(struct party *p, uint64_t size)
{
	struct until_cosigned u = { p, size };

	if (!run_until(is_cosigned, &u, WAIT_MS))
		fail_msg("%s's checkpoint of size %llu not cosigned within %d ms (cosigned: %llu)",
		    p->name, (unsigned long long)size, WAIT_MS,
		    (unsigned long long)cosigned(p));
}

/* status_of - witness_status of p about peer, as `parley status` shows it. */
static json_t *
status_of(struct party *p, const char *peer)
{
	json_t *j = witness_status(p->w, peer);

	assert_non_null(j);
	return j;
}

static json_int_t
status_int(struct party *p, const char *peer, const char *field)
{
	json_t *j = status_of(p, peer);
	json_int_t v;

	assert_true(json_is_integer(json_object_get(j, field)));
	v = json_integer_value(json_object_get(j, field));
	json_decref(j);
	return v;
}

/* alarm_of - the log_alarm text ("" when null) into out. */
static void
alarm_of(struct party *p, const char *peer, char *out, size_t cap)
{
	json_t *j = status_of(p, peer);
	json_t *a = json_object_get(j, "log_alarm");

	assert_true(json_is_null(a) || json_is_string(a));
	snprintf(out, cap, "%s", json_is_string(a) ? json_string_value(a) : "");
	json_decref(j);
}

struct until_alarm {
	struct party *p;
	const char *peer, *text;
};

static int
has_alarm(void *arg)
{
	struct until_alarm *u = arg;
	char alarm[512];

	alarm_of(u->p, u->peer, alarm, sizeof alarm);
	return strstr(alarm, u->text) != NULL;
}

static int
count_fork(void *arg, const struct store_fork *f)
{
	(void)f;
	(*(int *)arg)++;
	return 0;
}

/* told - a witness's watcher: count the calls. */
static void
told(void *arg)
{
	(*(int *)arg)++;
}

/* ---- store copies, as a backup takes and puts back ---- */


/* snapshot, restore - p's store copied to saved.db and back, with p's node
 * (and daemon side) stopped, so the whole store is in parley.db. */
static void
store_copy(struct party *p, int back)
{
	char db[NODE_PATH_MAX], wal[NODE_PATH_MAX], shm[NODE_PATH_MAX], saved[NODE_PATH_MAX];
	int was_up = p->w != NULL;

	down(p);
	node_close(p->n);
	p->n = NULL;
	EXPECT(node_path(p->dir, "parley.db", db), ST_OK);
	EXPECT(node_path(p->dir, "parley.db-wal", wal), ST_OK);
	EXPECT(node_path(p->dir, "parley.db-shm", shm), ST_OK);
	EXPECT(node_path(p->dir, "saved.db", saved), ST_OK);
	if (back) {
		(void)unlink(wal);
		(void)unlink(shm);
		testdir_copy(saved, db);
	} else {
		assert_int_not_equal(access(wal, F_OK), 0);
		testdir_copy(db, saved);
	}
	EXPECT(node_open(p->dir, &p->n), ST_OK);
	if (was_up)
		EXPECT(up(p), ST_OK);
}

/* ---- fixture ---- */

static int
teardown(void **state)
{
	struct fx *f = *state;

	party_free(&f->a);
	party_free(&f->b);
	free(f);
	ERR_clear_error();
	return 0;
}

/* setup_with - alpha and bravo; alpha pins bravo, and bravo pins alpha
 * when bravo_pins_alpha. */
static int
setup_with(void **state, int bravo_pins_alpha)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	*state = f;
	if (party_make(&f->a, "alpha") || party_make(&f->b, "bravo") ||
	    pin(&f->a, &f->b) || (bravo_pins_alpha && pin(&f->b, &f->a))) {
		(void)teardown(state);	/* cmocka skips teardown when setup fails */
		return -1;
	}
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, 1);
}

static int
setup_unpinned(void **state)
{
	return setup_with(state, 0);
}

/* ---- cases ---- */

/* A node bravo does not pin: its checkpoints are never cosigned (the TLS
 * handshake refuses it), and no fork or cosignature is recorded. */
static void
test_unpinned_not_cosigned(void **state)
{
	struct fx *f = *state;
	char alarm[512];

	EXPECT(up(&f->a), ST_OK);
	EXPECT(up(&f->b), ST_OK);
	grow(&f->a, "m", 3);
	settle(1000);	/* a few rounds' worth: the first at once, then backoff */
	assert_int_equal(cosigned(&f->a), 0);
	assert_int_equal(status_int(&f->a, "bravo", "log_size"), 3);
	assert_int_equal(status_int(&f->a, "bravo", "cosigned_size"), 0);
	alarm_of(&f->a, "bravo", alarm, sizeof alarm);
	assert_null(strstr(alarm, "FORK"));
	/* bravo knows no alpha: nothing about it to show */
	{
		json_t *j = status_of(&f->b, "alpha");

		assert_int_equal(json_object_size(j), 0);
		json_decref(j);
	}
}

/* A round: alpha's log grows, bravo cosigns over the network; and again. */
static void
test_cosigns(void **state)
{
	struct fx *f = *state;
	char alarm[512];
	json_t *j;

	EXPECT(up(&f->a), ST_OK);
	EXPECT(up(&f->b), ST_OK);
	assert_int_equal(status_int(&f->a, "bravo", "cosigned_size"), 0);
	grow(&f->a, "m", 3);
	wait_cosigned(&f->a, 3);
	assert_int_equal(cosigned(&f->a), 3);
	assert_int_equal(status_int(&f->a, "bravo", "log_size"), 3);
	assert_int_equal(status_int(&f->a, "bravo", "cosigned_size"), 3);
	j = status_of(&f->a, "bravo");
	assert_true(json_is_string(json_object_get(j, "cosigned_at")));
	json_decref(j);
	alarm_of(&f->a, "bravo", alarm, sizeof alarm);
	assert_string_equal(alarm, "");
	/* bravo's side: it witnessed 3 of alpha's entries, no alarm */
	assert_int_equal(status_int(&f->b, "alpha", "witnessed_size"), 3);
	alarm_of(&f->b, "alpha", alarm, sizeof alarm);
	assert_string_equal(alarm, "");

	/* the log grows: the next round carries a consistency proof */
	grow(&f->a, "n", 2);
	wait_cosigned(&f->a, 5);
	assert_int_equal(status_int(&f->a, "bravo", "cosigned_size"), 5);
	assert_int_equal(status_int(&f->b, "alpha", "witnessed_size"), 5);

	/* after a restart alpha still knows what bravo cosigned */
	down(&f->a);
	EXPECT(up(&f->a), ST_OK);
	assert_int_equal(status_int(&f->a, "bravo", "cosigned_size"), 5);
}

/* A fork: alpha's store, cosigned by bravo at 5, is restored from a copy
 * taken at 3 and regrown differently to 7.  Bravo refuses to cosign,
 * records the fork and raises the alarm; alpha is told. */
static void
test_fork(void **state)
{
	struct fx *f = *state;
	struct until_alarm ua;
	char alarm[512];
	int forks = 0, told_a = 0, told_b = 0;

	/* 3 entries signed, the copy taken, then 2 more */
	grow(&f->a, "m", 3);
	EXPECT(store_begin(st(&f->a)), ST_OK);
	EXPECT(ledger_checkpoint(f->a.n, NOW_MS, NULL), ST_OK);
	EXPECT(store_commit(st(&f->a)), ST_OK);
	store_copy(&f->a, 0);
	EXPECT(up(&f->a), ST_OK);
	EXPECT(up(&f->b), ST_OK);
	grow(&f->a, "n", 2);
	wait_cosigned(&f->a, 5);
	assert_int_equal(status_int(&f->b, "alpha", "witnessed_size"), 5);

	/* the old copy back, and a different history on top of it; each
	 * side's watcher (the console's peers page, through the link) is told
	 * of the alarm it raises */
	store_copy(&f->a, 1);
	assert_int_equal(store_log_size(st(&f->a)), 3);
	witness_watch(f->a.w, told, &told_a);
	witness_watch(f->b.w, told, &told_b);
	grow(&f->a, "x", 4);

	ua = (struct until_alarm){ &f->b, "alpha", "FORK" };
	if (!run_until(has_alarm, &ua, WAIT_MS)) {
		alarm_of(&f->b, "alpha", alarm, sizeof alarm);
		fail_msg("bravo raised no FORK alarm within %d ms (alarm: \"%s\")", WAIT_MS, alarm);
	}
	alarm_of(&f->b, "alpha", alarm, sizeof alarm);
	assert_non_null(strstr(alarm, "alpha"));
	assert_true(told_b >= 1);
	/* bravo cosigned nothing new, and kept the evidence */
	assert_int_equal(status_int(&f->b, "alpha", "witnessed_size"), 5);
	EXPECT(store_fork_list(st(&f->b), count_fork, &forks), ST_OK);
	assert_int_equal(forks, 1);
	/* alpha got no cosignature of the forked log, and is told why */
	ua = (struct until_alarm){ &f->a, "bravo", "refused" };
	assert_true(run_until(has_alarm, &ua, WAIT_MS));
	assert_true(told_a >= 1);
	assert_true(cosigned(&f->a) < 7);
	assert_int_equal(status_int(&f->a, "bravo", "log_size"), 7);

	/* bravo restarted: the fork is still on record and still shown */
	down(&f->b);
	EXPECT(up(&f->b), ST_OK);
	alarm_of(&f->b, "alpha", alarm, sizeof alarm);
	assert_non_null(strstr(alarm, "FORK"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unpinned_not_cosigned, setup_unpinned,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cosigns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork, setup, teardown),
	};
	int failed;

	if (sodium_init() < 0 || testloop_init())
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	testloop_done();
	return failed;
}
