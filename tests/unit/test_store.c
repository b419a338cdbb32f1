/* test_store.c - the SQLite store: peers, sequence numbers, outbox and
 * inbox transitions, and that only what is committed survives. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static char dir[64], path[128];

static struct store *
fresh(void)
{
	struct store *st;

	snprintf(dir, sizeof dir, "/tmp/pstoreXXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/parley.db", dir);
	assert_int_equal(store_open(path, 0, &st), ST_NOTFOUND);
	assert_int_equal(store_open(path, 1, &st), ST_OK);
	return st;
}

static void
cleanup(struct store *st)
{
	char p[160];

	store_close(st);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

static int64_t
add_peer(struct store *st, const char *name, uint8_t keybyte)
{
	struct store_peer p;
	int64_t id;

	memset(&p, 0, sizeof p);
	p.name = name;
	memset(p.pk, keybyte, IDENT_PK_LEN);
	p.kid = "kid";
	p.endpoint = "https://127.0.0.1:1";
	p.links = "urgent,cert";
	p.card = "{}";
	p.added_ms = 1;
	assert_int_equal(store_peer_add(st, &p, &id), ST_OK);
	return id;
}

static int
count_cb(void *arg, const struct store_peer *p)
{
	(void)p;
	(*(int *)arg)++;
	return 0;
}

static void
test_peers(void **state)
{
	struct store *st = fresh();
	struct store_peer p;
	uint8_t key[IDENT_PK_LEN];
	int n = 0;

	(void)state;
	add_peer(st, "bravo", 1);
	memset(&p, 0, sizeof p);
	p.name = "bravo";	/* same name, other key */
	memset(p.pk, 2, IDENT_PK_LEN);
	assert_int_equal(store_peer_add(st, &p, NULL), ST_EXISTS);
	p.name = "charlie";	/* other name, same key */
	memset(p.pk, 1, IDENT_PK_LEN);
	assert_int_equal(store_peer_add(st, &p, NULL), ST_EXISTS);
	assert_int_equal(store_peer_list(st, count_cb, &n), ST_OK);
	assert_int_equal(n, 1);
	memset(key, 1, sizeof key);
	n = 0;
	assert_int_equal(store_peer_find(st, NULL, key, count_cb, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_peer_find(st, "nobody", NULL, count_cb, &n), ST_NOTFOUND);
	cleanup(st);
}

static void
test_send_seq_per_link(void **state)
{
	struct store *st = fresh();
	int64_t b = add_peer(st, "bravo", 1), c = add_peer(st, "charlie", 2), s;

	(void)state;
	assert_int_equal(store_send_seq(st, b, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(store_send_seq(st, b, "urgent", &s), ST_OK);
	assert_int_equal(s, 2);
	assert_int_equal(store_send_seq(st, b, "cert", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(store_send_seq(st, c, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
	cleanup(st);
}

static void
add_out(struct store *st, int64_t peer, const char *id, int64_t seq, size_t jws_len)
{
	static char jws[4096];
	struct store_out m;

	memset(jws, 'j', sizeof jws - 1);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.peer_id = peer;
	m.link = "urgent";
	m.seq = seq;
	m.type = "t";
	m.priority = "flash";
	m.subject = "s";
	m.jws = jws;
	m.jws_len = jws_len;
	m.created_ms = seq;
	assert_int_equal(store_out_add(st, &m), ST_OK);
}

struct seen {
	int64_t seqs[16];
	int n;
	int64_t attempts;
	int state;
	char err[64];
};

static int
seen_cb(void *arg, const struct store_out *m)
{
	struct seen *s = arg;

	s->seqs[s->n++] = m->seq;
	s->attempts = m->attempts;
	s->state = m->state;
	snprintf(s->err, sizeof s->err, "%s", m->last_error);
	return 0;
}

static void
test_outbox(void **state)
{
	struct store *st = fresh();
	int64_t b = add_peer(st, "bravo", 1);
	struct seen s;

	(void)state;
	add_out(st, b, "m3", 3, 100);
	add_out(st, b, "m1", 1, 100);
	add_out(st, b, "m2", 2, 100);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_pending(st, b, "urgent", 0, 10, 1 << 20, seen_cb, &s), ST_OK);
	assert_int_equal(s.n, 3);
	assert_true(s.seqs[0] == 1 && s.seqs[1] == 2 && s.seqs[2] == 3);
	memset(&s, 0, sizeof s);	/* max_n */
	assert_int_equal(store_out_pending(st, b, "urgent", 0, 2, 1 << 20, seen_cb, &s), ST_OK);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof s);	/* max_bytes, but always one */
	assert_int_equal(store_out_pending(st, b, "urgent", 0, 10, 10, seen_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);
	memset(&s, 0, sizeof s);	/* after an in-flight seq */
	assert_int_equal(store_out_pending(st, b, "urgent", 1, 10, 1 << 20, seen_cb, &s), ST_OK);
	assert_true(s.n == 2 && s.seqs[0] == 2);
	/* a duplicate (peer, link, seq) is refused */
	{
		struct store_out m;

		memset(&m, 0, sizeof m);
		m.id = "m9";
		m.peer_id = b;
		m.link = "urgent";
		m.seq = 2;
		m.jws = "x";
		m.jws_len = 1;
		assert_int_equal(store_out_add(st, &m), ST_EXISTS);
	}
	assert_int_equal(store_out_failed(st, b, "urgent", 1, 2, "down"), ST_OK);
	assert_int_equal(store_out_delivered(st, "m1", "receipt", 5), ST_OK);
	assert_int_equal(store_out_delivered(st, "m1", "receipt", 6), ST_NOTFOUND);	/* once */
	assert_int_equal(store_out_rejected(st, "m2", "413 too big"), ST_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(st, "m1", seen_cb, &s), ST_OK);
	assert_true(s.state == STORE_DELIVERED && s.attempts == 2 && s.err[0] == '\0');
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(st, "m2", seen_cb, &s), ST_OK);
	assert_true(s.state == STORE_REJECTED && strcmp(s.err, "413 too big") == 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(st, "m3", seen_cb, &s), ST_OK);
	assert_true(s.state == STORE_QUEUED && s.attempts == 0);	/* outside the failed range */
	assert_int_equal(store_out_get(st, "nope", seen_cb, &s), ST_NOTFOUND);
	{
		int64_t n;

		assert_int_equal(store_out_backlog(st, b, "urgent", &n), ST_OK);
		assert_int_equal(n, 1);
	}
	cleanup(st);
}

static void
add_in(struct store *st, int64_t peer, const char *id, int64_t seq, int code, status want)
{
	struct store_in m;

	memset(&m, 0, sizeof m);
	m.id = id;
	m.peer_id = peer;
	m.link = "urgent";
	m.seq = seq;
	m.type = "t";
	m.priority = "flash";
	m.subject = "s";
	m.jws = code == 200 ? "jws" : NULL;
	m.jws_len = 3;
	m.hash = "h";
	m.status = code;
	m.reason = code == 200 ? "" : "refused";
	m.receipt = code == 200 ? "r" : NULL;
	m.receipt_len = 1;
	assert_int_equal(store_in_add(st, &m), want);
}

static int
in_count(void *arg, const struct store_in *m)
{
	(void)m;
	(*(int *)arg)++;
	return 0;
}

static void
test_inbox(void **state)
{
	struct store *st = fresh();
	int64_t b = add_peer(st, "bravo", 1), next;
	int n = 0;

	(void)state;
	assert_int_equal(store_recv_next(st, b, "urgent", &next), ST_OK);
	assert_int_equal(next, 1);
	add_in(st, b, "i1", 1, 200, ST_OK);
	add_in(st, b, "i2", 2, 413, ST_OK);	/* refused for good: consumes seq 2 */
	assert_int_equal(store_recv_next(st, b, "urgent", &next), ST_OK);
	assert_int_equal(next, 3);
	add_in(st, b, "i9", 1, 200, ST_EXISTS);	/* same seq again */
	add_in(st, b, "i1", 3, 200, ST_EXISTS);	/* same id again */
	assert_int_equal(store_recv_next(st, b, "urgent", &next), ST_OK);
	assert_int_equal(next, 3);
	assert_int_equal(store_in_at(st, b, "urgent", 2, in_count, &n), ST_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_in_list(st, 0, in_count, &n), ST_OK);
	assert_int_equal(n, 1);	/* only accepted messages are listed */
	cleanup(st);
}

static void
test_only_commits_survive(void **state)
{
	struct store *st = fresh();
	int64_t b = add_peer(st, "bravo", 1), s;
	struct seen seen;

	(void)state;
	assert_int_equal(store_begin(st), ST_OK);
	add_out(st, b, "kept", 1, 10);
	assert_int_equal(store_commit(st), ST_OK);
	assert_int_equal(store_begin(st), ST_OK);
	assert_int_equal(store_send_seq(st, b, "urgent", &s), ST_OK);
	add_out(st, b, "rolled-back", 2, 10);
	store_rollback(st);
	assert_int_equal(store_begin(st), ST_OK);
	add_out(st, b, "never-committed", 3, 10);
	store_close(st);	/* like a crash before commit */
	assert_int_equal(store_open(path, 0, &st), ST_OK);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_out_list(st, 0, seen_cb, &seen), ST_OK);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.seqs[0], 1);
	assert_int_equal(store_send_seq(st, b, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);	/* the rolled-back reservation is gone too */
	cleanup(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_send_seq_per_link),
		cmocka_unit_test(test_outbox),
		cmocka_unit_test(test_inbox),
		cmocka_unit_test(test_only_commits_survive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
