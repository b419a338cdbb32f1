/* test_store.c - the SQLite store: peers, per-link sequence numbers, the
 * outbox and inbox and their transitions, transactions, and that what was
 * committed survives a close while what was not is gone.  Each test gets a
 * fresh store in its own temp dir. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "crypto/jws.h"
#include "fmt/agreement.h"
#include "fmt/envelope.h"
#include "store/store.h"
#include "testdir.h"
#include "testkeys.h"

struct fx {
	char dir[64];
	char path[128];
	struct store *st;
	int64_t bravo, charlie;	/* two peers, added by setup */
};

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

static status
add_peer(struct store *st, const char *name, uint8_t keybyte, int64_t *id)
{
	struct store_peer p;
	char kid[16];

	memset(&p, 0, sizeof p);
	snprintf(kid, sizeof kid, "kid-%s", name);
	p.name = name;
	memset(p.pk, keybyte, IDENT_PK_LEN);
	p.kid = kid;
	p.endpoint = "https://127.0.0.1:7401";
	p.links = "urgent,cert";
	p.card = "{\"card\":1}";
	p.added_ms = 1000 + keybyte;
	return store_peer_add(st, &p, id);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	(void)testdir_remove(f->dir);
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
	if (testdir_store_path("store", f->dir, sizeof f->dir, f->path, sizeof f->path) != 0 ||
	    store_open(f->path, 1, &f->st) ||
	    add_peer(f->st, "bravo", 0xb0, &f->bravo) ||
	    add_peer(f->st, "charlie", 0xc0, &f->charlie)) {
		(void)teardown(state);	/* cmocka skips teardown when setup fails */
		return -1;
	}
	return 0;
}

/* reopen - close the store and open it again from disk. */
static void
reopen(struct fx *f)
{
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(store_open(f->path, 0, &f->st), ST_OK);
}

/* ---- collecting rows ---- */

struct peers_seen {
	int n, stop_after;
	char names[8][32];
	int64_t ids[8];
	uint8_t pk0[8];
	char kid[8][32], endpoint[64], links[64], card[64];
	int64_t added_ms[8];
};

static int
peer_cb(void *arg, const struct store_peer *p)
{
	struct peers_seen *s = arg;

	assert_true(s->n < 8);
	snprintf(s->names[s->n], sizeof s->names[0], "%s", p->name);
	snprintf(s->kid[s->n], sizeof s->kid[0], "%s", p->kid);
	s->ids[s->n] = p->id;
	s->pk0[s->n] = p->pk[0];
	for (int i = 0; i < IDENT_PK_LEN; i++)
		assert_int_equal(p->pk[i], p->pk[0]);
	snprintf(s->endpoint, sizeof s->endpoint, "%s", p->endpoint);
	snprintf(s->links, sizeof s->links, "%s", p->links);
	snprintf(s->card, sizeof s->card, "%s", p->card);
	s->added_ms[s->n] = p->added_ms;
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

struct outs_seen {
	int n;
	int64_t seq[16];
	char id[16][40];
	int state[16];
	int64_t attempts[16], delivered_ms[16];
	char last_error[16][40], receipt[16][40], peer[16][16];
	size_t jws_len[16];
};

static int
out_cb(void *arg, const struct store_out *m)
{
	struct outs_seen *s = arg;

	assert_true(s->n < 16);
	assert_int_equal(strlen(m->jws), m->jws_len);
	s->seq[s->n] = m->seq;
	snprintf(s->id[s->n], sizeof s->id[0], "%s", m->id);
	s->state[s->n] = m->state;
	s->attempts[s->n] = m->attempts;
	s->delivered_ms[s->n] = m->delivered_ms;
	snprintf(s->last_error[s->n], sizeof s->last_error[0], "%s", m->last_error);
	snprintf(s->receipt[s->n], sizeof s->receipt[0], "%s", m->receipt);
	snprintf(s->peer[s->n], sizeof s->peer[0], "%s", m->peer);
	s->jws_len[s->n] = m->jws_len;
	s->n++;
	return 0;
}

struct ins_seen {
	int n;
	int64_t seq[16];
	char id[16][40];
	int status[16];
	char reason[16][40], peer[16][16], hash[16][16];
	size_t jws_len[16], receipt_len[16];
};

static int
in_cb(void *arg, const struct store_in *m)
{
	struct ins_seen *s = arg;

	assert_true(s->n < 16);
	s->seq[s->n] = m->seq;
	snprintf(s->id[s->n], sizeof s->id[0], "%s", m->id);
	s->status[s->n] = m->status;
	snprintf(s->reason[s->n], sizeof s->reason[0], "%s", m->reason);
	snprintf(s->peer[s->n], sizeof s->peer[0], "%s", m->peer);
	snprintf(s->hash[s->n], sizeof s->hash[0], "%s", m->hash);
	s->jws_len[s->n] = m->jws_len;
	s->receipt_len[s->n] = m->receipt_len;
	s->n++;
	return 0;
}

/* ---- adding rows ---- */

static status
add_out(struct store *st, int64_t peer, const char *link, const char *id, int64_t seq,
    size_t jws_len)
{
	static char jws[4096];
	struct store_out m;

	memset(jws, 'j', sizeof jws - 1);
	assert_true(jws_len < sizeof jws);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.peer_id = peer;
	m.link = link;
	m.seq = seq;
	m.type = "notification";
	m.priority = "flash";
	m.subject = "subject";
	m.jws = jws;
	m.jws_len = jws_len;
	m.created_ms = 5000 + seq;
	return store_out_add(st, &m);
}

static status
add_in(struct store *st, int64_t peer, const char *link, const char *id, int64_t seq,
    int code)
{
	struct store_in m;

	memset(&m, 0, sizeof m);
	m.id = id;
	m.peer_id = peer;
	m.link = link;
	m.seq = seq;
	m.type = "notification";
	m.priority = "routine";
	m.subject = "subject";
	m.jws = code == 200 ? "a.b.c" : NULL;
	m.jws_len = code == 200 ? 5 : 0;
	m.hash = "hash";
	m.status = code;
	m.reason = code == 200 ? "" : "refused";
	m.receipt = code == 200 ? "r.e.c" : NULL;
	m.receipt_len = code == 200 ? 5 : 0;
	m.received_ms = 9000 + seq;
	return store_in_add(st, &m);
}

/* ---- tests ---- */

/* foreign_db - a database at f->dir/name with a table of its own and
 * user_version version; its path in path. */
static void
foreign_db(struct fx *f, const char *name, int version, char path[static 160])
{
	char sql[64];
	sqlite3 *db;

	snprintf(path, 160, "%s/%s", f->dir, name);
	snprintf(sql, sizeof sql, "CREATE TABLE t(x); PRAGMA user_version = %d;", version);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_open(void **state)
{
	struct fx *f = *state;
	char path[160];
	struct store *st = f->st;	/* non-NULL: store_open must clear it */
	struct stat sb;
	int fd;

	/* not there and not asked to create: nothing is created */
	snprintf(path, sizeof path, "%s/missing.db", f->dir);
	assert_int_equal(store_open(path, 0, &st), ST_NOTFOUND);
	assert_null(st);
	assert_int_equal(stat(path, &sb), -1);

	/* the database and its WAL are private to the owner */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	snprintf(path, sizeof path, "%s-wal", f->path);
	if (stat(path, &sb) == 0)
		assert_int_equal(sb.st_mode & 07777, 0600);

	/* a file that is not a database */
	snprintf(path, sizeof path, "%s/garbage.db", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(write(fd, "this is not an SQLite database\n", 31), 31);
	close(fd);
	assert_int_equal(store_open(path, 0, &st), ST_DB);
	assert_null(st);

	/* a store written by a newer parley (a schema version ahead) is refused */
	foreign_db(f, "newer.db", store_schema_version() + 1, path);
	assert_int_equal(store_open(path, 0, &st), ST_DB);
	assert_int_equal(store_open(path, 1, &st), ST_DB);
	assert_null(st);

	/* and so is one whose version no parley ever wrote */
	foreign_db(f, "negative.db", -1, path);
	assert_int_equal(store_open(path, 0, &st), ST_DB);
	assert_null(st);

	/* a database of this version whose tables are not parley's */
	foreign_db(f, "foreign.db", 4, path);
	assert_int_equal(store_open(path, 0, &st), ST_DB);
	assert_null(st);

	store_close(NULL);
}

static void
test_peers(void **state)
{
	struct fx *f = *state;
	struct peers_seen s;
	uint8_t key[IDENT_PK_LEN];
	int64_t id = 0;

	assert_true(f->bravo > 0 && f->charlie > 0 && f->bravo != f->charlie);
	assert_int_equal(add_peer(f->st, "alpha", 0xa0, &id), ST_OK);

	/* listed by name, every field as added */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_peer_list(f->st, peer_cb, &s), ST_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "alpha");
	assert_string_equal(s.names[1], "bravo");
	assert_string_equal(s.names[2], "charlie");
	assert_int_equal(s.ids[0], id);
	assert_int_equal(s.pk0[0], 0xa0);
	assert_string_equal(s.kid[0], "kid-alpha");
	assert_int_equal(s.added_ms[0], 1000 + 0xa0);
	assert_string_equal(s.endpoint, "https://127.0.0.1:7401");
	assert_string_equal(s.links, "urgent,cert");
	assert_string_equal(s.card, "{\"card\":1}");

	/* a callback can stop the walk */
	memset(&s, 0, sizeof s);
	s.stop_after = 1;
	assert_int_equal(store_peer_list(f->st, peer_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);

	/* by name, by key */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_peer_find(f->st, "charlie", NULL, peer_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], f->charlie);
	memset(key, 0xb0, sizeof key);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_peer_find(f->st, NULL, key, peer_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.names[0], "bravo");

	/* not there */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_peer_find(f->st, "nobody", NULL, peer_cb, &s), ST_NOTFOUND);
	assert_int_equal(store_peer_find(f->st, "Bravo", NULL, peer_cb, &s), ST_NOTFOUND);
	memset(key, 0x01, sizeof key);
	assert_int_equal(store_peer_find(f->st, NULL, key, peer_cb, &s), ST_NOTFOUND);
	assert_int_equal(s.n, 0);
}

static void
test_peer_duplicates(void **state)
{
	struct fx *f = *state;
	struct peers_seen s;

	check_rc("same name, other key", add_peer(f->st, "bravo", 0x01, NULL), ST_EXISTS);
	check_rc("other name, same key", add_peer(f->st, "bravo2", 0xb0, NULL), ST_EXISTS);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_peer_list(f->st, peer_cb, &s), ST_OK);
	assert_int_equal(s.n, 2);	/* nothing was added */
}

/* As many peers as a node is given: more than any fixed table would hold. */
enum { MANY_PEERS = 1100 };

struct many_seen {
	int n;
	int64_t ids[MANY_PEERS];	/* as store_peer_add gave them */
	int seen[MANY_PEERS];
};

static void
many_key(int i, uint8_t pk[static IDENT_PK_LEN])
{
	memset(pk, 0x5a, IDENT_PK_LEN);
	pk[IDENT_PK_LEN - 2] = (uint8_t)(i >> 8);
	pk[IDENT_PK_LEN - 1] = (uint8_t)i;
}

static int
many_cb(void *arg, const struct store_peer *p)
{
	struct many_seen *s = arg;
	uint8_t pk[IDENT_PK_LEN];
	char name[24];
	int i = s->n - 2;	/* "bravo" and "charlie" sort first */

	if (i >= 0) {
		assert_true(i < MANY_PEERS);
		snprintf(name, sizeof name, "peer-%04d", i);
		assert_string_equal(p->name, name);
		assert_int_equal(p->id, s->ids[i]);
		many_key(i, pk);
		assert_memory_equal(p->pk, pk, IDENT_PK_LEN);
		assert_int_equal(p->added_ms, i);
		s->seen[i]++;
	}
	s->n++;
	return 0;
}

static int
name_cb(void *arg, const struct store_peer *p)
{
	snprintf(arg, 16, "%s", p->name);
	return 0;
}

static void
test_many_peers(void **state)
{
	static struct many_seen s;
	struct fx *f = *state;
	uint8_t pk[IDENT_PK_LEN];
	char found[16];

	memset(&s, 0, sizeof s);
	assert_int_equal(store_begin(f->st), ST_OK);
	for (int i = 0; i < MANY_PEERS; i++) {
		struct store_peer p;
		char name[24];

		memset(&p, 0, sizeof p);
		snprintf(name, sizeof name, "peer-%04d", i);
		p.name = name;
		many_key(i, p.pk);
		p.kid = name;
		p.endpoint = "https://127.0.0.1:7401";
		p.links = "urgent";
		p.card = "{}";
		p.added_ms = i;
		assert_int_equal(store_peer_add(f->st, &p, &s.ids[i]), ST_OK);
	}
	assert_int_equal(store_commit(f->st), ST_OK);

	/* every one listed back, in name order, as added; after a reopen too */
	for (int pass = 0; pass < 2; pass++) {
		s.n = 0;
		memset(s.seen, 0, sizeof s.seen);
		assert_int_equal(store_peer_list(f->st, many_cb, &s), ST_OK);
		assert_int_equal(s.n, MANY_PEERS + 2);
		for (int i = 0; i < MANY_PEERS; i++)
			assert_int_equal(s.seen[i], 1);
		reopen(f);
	}

	/* the last one found by its key */
	many_key(MANY_PEERS - 1, pk);
	assert_int_equal(store_peer_find(f->st, NULL, pk, name_cb, found), ST_OK);
	assert_string_equal(found, "peer-1099");
}

static void
test_send_seq(void **state)
{
	struct fx *f = *state;
	int64_t s;

	for (int64_t want = 1; want <= 5; want++) {
		assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
		assert_int_equal(s, want);
	}
	/* each (peer, link) counts on its own */
	assert_int_equal(store_send_seq(f->st, f->bravo, "cert", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(store_send_seq(f->st, f->charlie, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 6);
	assert_int_equal(store_send_seq(f->st, f->bravo, "cert", &s), ST_OK);
	assert_int_equal(s, 2);
	/* sending does not move what is expected inbound */
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
	/* and receiving first does not disturb sending */
	assert_int_equal(add_in(f->st, f->charlie, "cert", "in-1", 4, 200), ST_OK);
	assert_int_equal(store_send_seq(f->st, f->charlie, "cert", &s), ST_OK);
	assert_int_equal(s, 1);
}

static void
test_out_pending(void **state)
{
	static const int64_t order[] = { 3, 1, 5, 2, 4 };
	static const struct {
		const char *name;
		int64_t after;
		size_t max_n, max_bytes;
		int n;
		int64_t first;
	} q[] = {
		{ "all, in seq order", 0, 100, 1 << 20, 5, 1 },
		{ "after 2", 2, 100, 1 << 20, 3, 3 },
		{ "after the last", 5, 100, 1 << 20, 0, 0 },
		{ "max_n 2", 0, 2, 1 << 20, 2, 1 },
		{ "max_n 1 after 3", 3, 1, 1 << 20, 1, 4 },
		{ "max_bytes 250 (100 each)", 0, 100, 250, 2, 1 },
		{ "max_bytes exactly 300", 0, 100, 300, 3, 1 },
		{ "max_bytes below one: still one", 0, 100, 10, 1, 1 },
		{ "max_bytes 0: still one", 1, 100, 0, 1, 2 },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		char id[24];

		snprintf(id, sizeof id, "m%lld", (long long)order[i]);
		assert_int_equal(add_out(f->st, f->bravo, "urgent", id, order[i], 100), ST_OK);
	}
	/* other links and peers are not mixed in */
	assert_int_equal(add_out(f->st, f->bravo, "cert", "c1", 1, 100), ST_OK);
	assert_int_equal(add_out(f->st, f->charlie, "urgent", "x1", 1, 100), ST_OK);

	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		struct outs_seen s;

		memset(&s, 0, sizeof s);
		check_rc(q[i].name, store_out_pending(f->st, f->bravo, "urgent", q[i].after,
		    q[i].max_n, q[i].max_bytes, out_cb, &s), ST_OK);
		if (s.n != q[i].n)
			fail_msg("%s: %d messages, want %d", q[i].name, s.n, q[i].n);
		for (int k = 0; k < s.n; k++) {
			assert_int_equal(s.seq[k], q[i].first + k);
			assert_string_equal(s.peer[k], "bravo");
			assert_int_equal(s.jws_len[k], 100);
		}
		/* store_out_seqs: the same numbers, without the byte limit */
		if (q[i].max_bytes == 1 << 20) {
			int64_t seq[8];
			size_t n;

			check_rc(q[i].name, store_out_seqs(f->st, f->bravo, "urgent", q[i].after,
			    q[i].max_n < 8 ? q[i].max_n : 8, seq, &n), ST_OK);
			assert_int_equal(n, (size_t)q[i].n);
			for (size_t k = 0; k < n; k++)
				assert_int_equal(seq[k], q[i].first + (int64_t)k);
		}
	}
}

static void
test_out_duplicates(void **state)
{
	struct fx *f = *state;

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", 1, 10), ST_OK);
	check_rc("same peer, link, seq", add_out(f->st, f->bravo, "urgent", "m2", 1, 10),
	    ST_EXISTS);
	check_rc("same id", add_out(f->st, f->charlie, "cert", "m1", 9, 10), ST_EXISTS);
	check_rc("same seq, other link", add_out(f->st, f->bravo, "cert", "m3", 1, 10), ST_OK);
	check_rc("same seq, other peer", add_out(f->st, f->charlie, "urgent", "m4", 1, 10),
	    ST_OK);
	/* a message for a peer that is not pinned is refused (whatever the status) */
	assert_int_not_equal(add_out(f->st, 999, "urgent", "m5", 1, 10), ST_OK);
}

static void
test_out_transitions(void **state)
{
	struct fx *f = *state;
	struct outs_seen s;
	int64_t n;

	for (int64_t seq = 1; seq <= 4; seq++) {
		char id[24];

		snprintf(id, sizeof id, "m%lld", (long long)seq);
		assert_int_equal(add_out(f->st, f->bravo, "urgent", id, seq, 10), ST_OK);
	}
	assert_int_equal(store_out_backlog(f->st, f->bravo, "urgent", &n), ST_OK);
	assert_int_equal(n, 4);

	/* a fresh message: queued, no attempts, no error, no receipt */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(f->st, "m1", out_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.state[0], STORE_QUEUED);
	assert_int_equal(s.attempts[0], 0);
	assert_string_equal(s.last_error[0], "");
	assert_string_equal(s.receipt[0], "");
	assert_int_equal(s.delivered_ms[0], 0);

	/* one failed attempt, then delivered: the error is cleared */
	assert_int_equal(store_out_failed(f->st, f->bravo, "urgent", 1, 1, "connection refused"),
	    ST_OK);
	assert_int_equal(store_out_delivered(f->st, "m1", "receipt-1", NULL, 7777), ST_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(f->st, "m1", out_cb, &s), ST_OK);
	assert_int_equal(s.state[0], STORE_DELIVERED);
	assert_string_equal(s.receipt[0], "receipt-1");
	assert_int_equal(s.delivered_ms[0], 7777);
	assert_int_equal(s.attempts[0], 2);
	assert_string_equal(s.last_error[0], "");

	/* once delivered, it stays delivered */
	assert_int_equal(store_out_delivered(f->st, "m1", "receipt-2", NULL, 8888), ST_NOTFOUND);
	assert_int_equal(store_out_rejected(f->st, "m1", "too late"), ST_NOTFOUND);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(f->st, "m1", out_cb, &s), ST_OK);
	assert_string_equal(s.receipt[0], "receipt-1");

	/* rejected: for good, with the reason */
	assert_int_equal(store_out_rejected(f->st, "m2", "413 body too large"), ST_OK);
	assert_int_equal(store_out_delivered(f->st, "m2", "receipt", NULL, 1), ST_NOTFOUND);
	assert_int_equal(store_out_rejected(f->st, "m2", "again"), ST_NOTFOUND);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_get(f->st, "m2", out_cb, &s), ST_OK);
	assert_int_equal(s.state[0], STORE_REJECTED);
	assert_string_equal(s.last_error[0], "413 body too large");
	assert_string_equal(s.receipt[0], "");

	/* unknown ids */
	assert_int_equal(store_out_delivered(f->st, "nope", "r", NULL, 1), ST_NOTFOUND);
	assert_int_equal(store_out_rejected(f->st, "nope", "r"), ST_NOTFOUND);
	assert_int_equal(store_out_get(f->st, "nope", out_cb, &s), ST_NOTFOUND);

	/* only the queued are pending and counted */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_pending(f->st, f->bravo, "urgent", 0, 100, 1 << 20, out_cb,
	    &s), ST_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.seq[0], 3);
	assert_int_equal(s.seq[1], 4);
	{
		int64_t seq[4];
		size_t k;

		assert_int_equal(store_out_seqs(f->st, f->bravo, "urgent", 0, 4, seq, &k), ST_OK);
		assert_int_equal(k, 2);
		assert_int_equal(seq[0], 3);
		assert_int_equal(seq[1], 4);
	}
	assert_int_equal(store_out_backlog(f->st, f->bravo, "urgent", &n), ST_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_out_backlog(f->st, f->charlie, "urgent", &n), ST_OK);
	assert_int_equal(n, 0);

	/* found by its place in the queue: only where it is queued, and only
	 * with its own id there */
	{
		struct receipt at;

		memset(&at, 0, sizeof at);
		snprintf(at.link, sizeof at.link, "urgent");
		at.seq = 3;
		assert_int_equal(store_out_delivered_at(f->st, f->bravo, "m4", "r", &at, 1),
		    ST_NOTFOUND);
		assert_int_equal(store_out_delivered_at(f->st, f->bravo + 1, "m3", "r", &at, 1),
		    ST_NOTFOUND);
		snprintf(at.link, sizeof at.link, "cert");
		assert_int_equal(store_out_delivered_at(f->st, f->bravo, "m3", "r", &at, 1),
		    ST_NOTFOUND);
		snprintf(at.link, sizeof at.link, "urgent");
		assert_int_equal(store_out_delivered_at(f->st, f->bravo, "m3", "receipt-3", &at,
		    9999), ST_OK);
		memset(&s, 0, sizeof s);
		assert_int_equal(store_out_get(f->st, "m3", out_cb, &s), ST_OK);
		assert_int_equal(s.state[0], STORE_DELIVERED);
		assert_int_equal(s.delivered_ms[0], 9999);
		assert_int_equal(store_out_delivered_at(f->st, f->bravo, "m3", "r", &at, 1),
		    ST_NOTFOUND);
	}
	assert_int_equal(store_out_backlog(f->st, f->bravo, "urgent", &n), ST_OK);
	assert_int_equal(n, 1);
}

static void
test_out_failed_range(void **state)
{
	struct fx *f = *state;
	struct outs_seen s;

	for (int64_t seq = 1; seq <= 5; seq++) {
		char id[24];

		snprintf(id, sizeof id, "m%lld", (long long)seq);
		assert_int_equal(add_out(f->st, f->bravo, "urgent", id, seq, 10), ST_OK);
	}
	assert_int_equal(add_out(f->st, f->bravo, "cert", "c3", 3, 10), ST_OK);
	assert_int_equal(add_out(f->st, f->charlie, "urgent", "x3", 3, 10), ST_OK);
	assert_int_equal(store_out_delivered(f->st, "m3", "r", NULL, 1), ST_OK);

	assert_int_equal(store_out_failed(f->st, f->bravo, "urgent", 2, 4, "timed out"), ST_OK);
	assert_int_equal(store_out_failed(f->st, f->bravo, "urgent", 2, 4, "timed out"), ST_OK);
	/* an empty range touches nothing and is not an error */
	assert_int_equal(store_out_failed(f->st, f->bravo, "urgent", 9, 20, "x"), ST_OK);

	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_list(f->st, 0, out_cb, &s), ST_OK);
	assert_int_equal(s.n, 7);
	for (int k = 0; k < s.n; k++) {
		int in_range = strcmp(s.id[k], "m2") == 0 || strcmp(s.id[k], "m4") == 0;

		if (strcmp(s.id[k], "m3") == 0) {	/* delivered: one attempt, no error */
			assert_int_equal(s.attempts[k], 1);
			assert_string_equal(s.last_error[k], "");
		} else if (in_range) {
			assert_int_equal(s.attempts[k], 2);
			assert_string_equal(s.last_error[k], "timed out");
		} else {
			if (s.attempts[k] != 0)
				fail_msg("%s outside the range was counted", s.id[k]);
			assert_string_equal(s.last_error[k], "");
		}
	}
}

static void
test_out_list(void **state)
{
	struct fx *f = *state;
	struct outs_seen s;

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "first", 1, 10), ST_OK);
	assert_int_equal(add_out(f->st, f->charlie, "cert", "second", 1, 10), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "third", 2, 10), ST_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_list(f->st, 2, out_cb, &s), ST_OK);	/* newest two */
	assert_int_equal(s.n, 2);
	assert_string_equal(s.id[0], "second");
	assert_string_equal(s.id[1], "third");
	assert_string_equal(s.peer[0], "charlie");
	memset(&s, 0, sizeof s);
	assert_int_equal(store_out_list(f->st, 0, out_cb, &s), ST_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.id[0], "first");
}

static void
test_inbox(void **state)
{
	struct fx *f = *state;
	struct ins_seen s;
	int64_t next;

	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 1);

	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 2);
	/* refused for good still consumes its number */
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 413), ST_OK);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 3);
	/* other links and peers are untouched */
	assert_int_equal(store_recv_next(f->st, f->bravo, "cert", &next), ST_OK);
	assert_int_equal(next, 1);
	assert_int_equal(store_recv_next(f->st, f->charlie, "urgent", &next), ST_OK);
	assert_int_equal(next, 1);

	/* found at (link, seq), with what was stored */
	memset(&s, 0, sizeof s);
	assert_int_equal(store_in_at(f->st, f->bravo, "urgent", 1, in_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.id[0], "i1");
	assert_int_equal(s.status[0], 200);
	assert_string_equal(s.peer[0], "bravo");
	assert_string_equal(s.hash[0], "hash");
	assert_int_equal(s.jws_len[0], 5);
	assert_int_equal(s.receipt_len[0], 5);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_in_at(f->st, f->bravo, "urgent", 2, in_cb, &s), ST_OK);
	assert_int_equal(s.status[0], 413);
	assert_string_equal(s.reason[0], "refused");
	assert_int_equal(s.jws_len[0], 0);
	assert_int_equal(store_in_at(f->st, f->bravo, "urgent", 3, in_cb, &s), ST_NOTFOUND);
	assert_int_equal(store_in_at(f->st, f->bravo, "cert", 1, in_cb, &s), ST_NOTFOUND);
	assert_int_equal(store_in_at(f->st, f->charlie, "urgent", 1, in_cb, &s), ST_NOTFOUND);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_in_get(f->st, "i1", in_cb, &s), ST_OK);
	assert_int_equal(s.seq[0], 1);
	assert_int_equal(store_in_get(f->st, "nope", in_cb, &s), ST_NOTFOUND);
}


/* ---- the log ---- */

static int
entry_cb(void *arg, const struct store_entry *e)
{
	struct store_entry *out = arg;

	*out = *e;
	out->msg_id = strdup(e->msg_id);
	out->jws = NULL;
	out->msg_jws = NULL;
	out->msg_hash = NULL;
	return 1;
}

static int
note_cb(void *arg, const struct store_ckpt *c)
{
	snprintf(arg, 64, "%llu:%s", (unsigned long long)c->size, c->note);
	return 1;
}

static int
line_cb(void *arg, const struct store_cosig *c)
{
	char *text = arg;

	snprintf(text + strlen(text), 64 - strlen(text), "%" PRIu64 "/%" PRId64 ":%s",
	    c->size, c->peer_id, c->line);
	return 0;
}

static int
size_cb(void *arg, const struct store_ckpt *c)
{
	char *text = arg;

	snprintf(text + strlen(text), 64 - strlen(text), "%" PRIu64 " ", c->size);
	return 0;
}

static void
test_log(void **state)
{
	struct fx *f = *state;
	struct store_entry e;
	uint8_t h[TLOG_HASH], leaf[TLOG_HASH];
	char text[64] = "", want[64];
	uint64_t size;

	assert_int_equal(store_log_size(f->st), 0);
	/* a queued message is an entry; so is the receipt of an accepted one */
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o1", 1, 10), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 413), ST_OK);
	assert_int_equal(store_log_size(f->st), 2);	/* a refusal has no receipt */
	assert_int_equal(store_log_node(f->st, 1, 0, h), ST_OK);	/* subtree [0, 2) */
	tlog_leaf_hash("r.e.c", 5, leaf);
	assert_int_equal(store_log_node(f->st, 0, 1, h), ST_OK);
	assert_memory_equal(h, leaf, TLOG_HASH);
	assert_int_equal(store_log_node(f->st, 0, 2, h), ST_NOTFOUND);
	assert_int_equal(store_log_find(f->st, "i1", entry_cb, &e), ST_OK);
	assert_int_equal(e.index, 1);
	assert_int_equal(e.kind, STORE_ENTRY_RECEIPT);
	free((char *)e.msg_id);
	assert_int_equal(store_log_find(f->st, "o1", entry_cb, &e), ST_OK);
	assert_int_equal(e.index, 0);
	assert_int_equal(e.kind, STORE_ENTRY_MESSAGE);
	free((char *)e.msg_id);
	assert_int_equal(store_log_find(f->st, "i2", entry_cb, &e), ST_NOTFOUND);

	/* a rolled-back transaction leaves neither entry nor size behind */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o2", 2, 10), ST_OK);
	assert_int_equal(store_log_size(f->st), 3);
	store_rollback(f->st);
	assert_int_equal(store_log_size(f->st), 2);
	assert_int_equal(store_log_find(f->st, "o2", entry_cb, &e), ST_NOTFOUND);
	assert_int_equal(store_log_node(f->st, 0, 2, h), ST_NOTFOUND);	/* nor its leaf */
	/* a failed insert appends nothing */
	check_rc("duplicate id", add_out(f->st, f->bravo, "urgent", "o1", 9, 10), ST_EXISTS);
	assert_int_equal(store_log_size(f->st), 2);
	/* after the rollback, the next entries build on what was committed,
	 * not on the rolled-back leaf (the store caches the tree's right edge) */
	{
		static char js[16];
		uint8_t l2[TLOG_HASH], l3[TLOG_HASH], n01[TLOG_HASH], n11[TLOG_HASH],
		    root[TLOG_HASH];

		memset(js, 'j', sizeof js);
		assert_int_equal(add_out(f->st, f->bravo, "urgent", "o3", 2, 11), ST_OK);
		assert_int_equal(add_out(f->st, f->bravo, "urgent", "o4", 3, 12), ST_OK);
		tlog_leaf_hash(js, 11, l2);
		tlog_leaf_hash(js, 12, l3);
		tlog_node_hash(l2, l3, root);
		assert_int_equal(store_log_node(f->st, 1, 1, n11), ST_OK);
		assert_memory_equal(n11, root, TLOG_HASH);
		assert_int_equal(store_log_node(f->st, 1, 0, n01), ST_OK);
		tlog_node_hash(n01, n11, root);
		assert_int_equal(store_log_node(f->st, 2, 0, h), ST_OK);
		assert_memory_equal(h, root, TLOG_HASH);
		assert_int_equal(tlog_tree_hash(4, store_log_node, f->st, h), ST_OK);
		assert_memory_equal(h, root, TLOG_HASH);
	}

	/* checkpoints, cosignatures, witness state, forks */
	assert_int_equal(store_ckpt_get(f->st, UINT64_MAX, note_cb, text), ST_NOTFOUND);
	assert_int_equal(store_ckpt_add(f->st, 1, "n1", 1), ST_OK);
	assert_int_equal(store_ckpt_add(f->st, 2, "n2", 2), ST_OK);
	check_rc("same size twice", store_ckpt_add(f->st, 2, "x", 3), ST_EXISTS);
	assert_int_equal(store_ckpt_get(f->st, UINT64_MAX, note_cb, text), ST_OK);
	assert_string_equal(text, "2:n2");
	assert_int_equal(store_ckpt_get(f->st, 1, note_cb, text), ST_OK);
	assert_string_equal(text, "1:n1");
	assert_int_equal(store_cosig_latest(f->st, f->bravo, &size), ST_OK);
	assert_int_equal(size, 0);
	assert_int_equal(store_cosig_add(f->st, 1, f->bravo, "L1\n", 7), ST_OK);
	assert_int_equal(store_cosig_add(f->st, 2, f->bravo, "L2\n", 8), ST_OK);
	assert_int_equal(store_cosig_add(f->st, 2, f->charlie, "C2\n", 8), ST_OK);
	assert_int_equal(store_cosig_latest(f->st, f->bravo, &size), ST_OK);
	assert_int_equal(size, 2);
	text[0] = '\0';
	assert_int_equal(store_cosig_lines(f->st, 2, line_cb, text), ST_OK);
	snprintf(want, sizeof want, "2/%" PRId64 ":L2\n2/%" PRId64 ":C2\n", f->bravo, f->charlie);
	assert_string_equal(text, want);
	text[0] = '\0';
	assert_int_equal(store_cosig_lines(f->st, 3, line_cb, text), ST_OK);
	assert_string_equal(text, "");
	assert_int_equal(store_ckpt_each(f->st, size_cb, text), ST_OK);
	assert_string_equal(text, "1 2 ");
	check_rc("cosignature by an unknown peer", store_cosig_add(f->st, 2, 999, "X\n", 1),
	    ST_NOTFOUND);
}

/* ---- stores written by older versions ---- */

/* The schema changes, undone: a version 6 store rewritten as version 5
 * (pins in force only, names unique), as version 4 (no halts or losses,
 * forks of checkpoints only), as version 3
 * (delivery states and receipts in the message rows, hashes in hex; a
 * receipt kept as its fields comes back empty: downgrade puts it back),
 * then as version 2 (log entries in a table of their own, nodes by
 * (level, idx)) or as version 1 (no log at all) left it. */
/* Version 16 back to 15: no CSAF provider (its publications, users). */
#define TO_V15 "DROP TABLE csafpub_token; DROP TABLE csafpub_user; DROP TABLE csafpub_doc;" \
    "DELETE FROM sqlite_sequence WHERE name = 'csafpub_doc'; PRAGMA user_version = 15;"
/* Version 15 back to 14: no advisories. */
#define TO_V14 TO_V15 "DROP TABLE advisory_sent; DROP TABLE advisory; PRAGMA user_version = 14;"
/* Version 14 back to 13: no TAXII users, tokens or status resources. */
#define TO_V13 TO_V14 "DROP TABLE taxii_token; DROP TABLE taxii_user; DROP TABLE taxii_status;" \
    "PRAGMA user_version = 13;"
/* Version 13 back to 12: nothing shared with peers yet. */
#define TO_V12 TO_V13 "DROP TABLE intel_refusal; DELETE FROM sqlite_sequence WHERE name = 'intel_refusal';" \
    "DROP TABLE intel_stage; DROP TABLE intel_batch;" \
    "DROP INDEX intel_batch_leaf; ALTER TABLE intel_obj DROP COLUMN batch;" \
    "ALTER TABLE intel_obj DROP COLUMN leaf; PRAGMA user_version = 12;"
/* Version 12 back to 11: no STIX objects (sqlite_sequence, which
 * AUTOINCREMENT made, cannot be dropped: its row goes). */
#define TO_V11 TO_V12 "DROP TABLE intel_obj; DELETE FROM sqlite_sequence WHERE name = 'intel_obj';" \
    "PRAGMA user_version = 11;"
/* Version 11 back to 10: officers without a language of their own. */
#define TO_V10 TO_V11 "ALTER TABLE officer DROP COLUMN lang; PRAGMA user_version = 10;"
/* Version 10 back to 9: officers without sign-in. */
#define TO_V9 TO_V10 "ALTER TABLE officer DROP COLUMN pw; ALTER TABLE officer DROP COLUMN totp;" \
    "ALTER TABLE officer DROP COLUMN totp_step; PRAGMA user_version = 9;"
/* Version 9 back to 8: no watch desk. */
#define TO_V8 TO_V9 "DROP TABLE officer; DROP TABLE desk_doc; DROP TABLE desk_item;" \
    "DROP TABLE desk_contacts; DROP TABLE desk_contacts_sent;" \
    "DROP TABLE desk_event; PRAGMA user_version = 8;"
/* Version 8 back to 7: agreements without what parties did to them. */
#define TO_V7 TO_V8 "DROP TABLE tlog_stmt; DROP INDEX agreement_act_of; DROP TABLE agreement_act;" \
    "ALTER TABLE agreement DROP COLUMN supersedes;" \
    "ALTER TABLE agreement DROP COLUMN declined_ms;" \
    "ALTER TABLE agreement DROP COLUMN declined_by;" \
    "ALTER TABLE agreement DROP COLUMN ends_ms;" \
    "ALTER TABLE agreement DROP COLUMN superseded_ms; PRAGMA user_version = 7;"
/* Version 7 back to 6: no agreements. */
#define TO_V6 TO_V7 "DROP TABLE agreement; PRAGMA user_version = 6;"
/* Version 6 back to 5: pins in force only, names unique. */
#define TO_V5 TO_V6 \
    "CREATE TABLE peers_v4(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE," \
    " pk BLOB NOT NULL UNIQUE, kid TEXT NOT NULL, endpoint TEXT NOT NULL," \
    " links TEXT NOT NULL, card TEXT NOT NULL, added_ms INTEGER NOT NULL);" \
    "INSERT INTO peers_v4 SELECT id, name, pk, kid, endpoint, links, card, added_ms" \
    " FROM peers WHERE removed_ms = 0;" \
    "DROP TABLE peers; ALTER TABLE peers_v4 RENAME TO peers; PRAGMA user_version = 5;"
static const char to_v5[] = TO_V5;
/* Version 5 back to 4: no halts or losses, forks of checkpoints only. */
#define TO_V4 TO_V5 \
    "DROP TABLE loss; DROP TABLE halt; DROP INDEX fork_subject; ALTER TABLE fork DROP COLUMN kind;" \
    "ALTER TABLE fork DROP COLUMN subject; PRAGMA user_version = 4;"
#define TO_V3 TO_V4 \
    "CREATE TABLE outbox_v3(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE," \
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL," \
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL," \
    " subject TEXT NOT NULL, jws TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0," \
    " created_ms INTEGER NOT NULL, delivered_ms INTEGER NOT NULL DEFAULT 0," \
    " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT ''," \
    " receipt TEXT NOT NULL DEFAULT '', log_idx INTEGER, UNIQUE(peer_id, link, seq));" \
    "INSERT INTO outbox_v3 SELECT o.rid, o.id, o.peer_id, o.link, o.seq, o.type," \
    " o.priority, o.subject, o.jws, coalesce(d.state, 0), o.created_ms," \
    " coalesce(d.delivered_ms, 0), coalesce(d.attempts, q.attempts, 0)," \
    " coalesce(d.last_error, q.last_error, ''), coalesce(d.receipt, ''), o.log_idx" \
    " FROM outbox o LEFT JOIN out_done d ON d.rid = o.rid" \
    " LEFT JOIN out_queue q ON q.rid = o.rid;" \
    "DROP TABLE outbox; ALTER TABLE outbox_v3 RENAME TO outbox;" \
    "CREATE INDEX outbox_queued ON outbox(peer_id, link, seq) WHERE state = 0;" \
    "CREATE TABLE inbox_v3(rid INTEGER PRIMARY KEY, id TEXT NOT NULL," \
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL," \
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL," \
    " subject TEXT NOT NULL, jws TEXT NOT NULL, hash TEXT NOT NULL," \
    " status INTEGER NOT NULL, reason TEXT NOT NULL, received_ms INTEGER NOT NULL," \
    " receipt TEXT NOT NULL, log_idx INTEGER, UNIQUE(peer_id, link, seq)," \
    " UNIQUE(peer_id, id));" \
    "INSERT INTO inbox_v3 SELECT i.rid, i.id, i.peer_id, i.link, i.seq, i.type," \
    " i.priority, i.subject, i.jws, CASE typeof(i.hash) WHEN 'blob'" \
    " THEN lower(hex(i.hash)) ELSE i.hash END, i.status, i.reason, i.received_ms," \
    " coalesce(r.receipt, ''), i.log_idx FROM inbox i LEFT JOIN in_receipt r ON r.rid = i.rid;" \
    "DROP TABLE inbox; ALTER TABLE inbox_v3 RENAME TO inbox;" \
    "CREATE INDEX inbox_id ON inbox(id);" \
    "DROP TABLE out_queue; DROP TABLE out_done; DROP TABLE in_receipt;" \
    "PRAGMA user_version = 3;"
static const char to_v3[] = TO_V3;
static const char to_v2[] = TO_V3
    "CREATE TABLE tlog_entry(idx INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
    " rid INTEGER NOT NULL, UNIQUE(kind, rid));"
    "INSERT INTO tlog_entry SELECT idx, kind, rid FROM tlog WHERE idx IS NOT NULL;"
    "CREATE TABLE tlog_node(level INTEGER NOT NULL, idx INTEGER NOT NULL,"
    " hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;"
    "INSERT INTO tlog_node SELECT 0, idx, hash FROM tlog WHERE idx IS NOT NULL;"
    "DROP TABLE tlog; ALTER TABLE outbox DROP COLUMN log_idx;"
    "ALTER TABLE inbox DROP COLUMN log_idx; PRAGMA user_version = 2;";
static const char to_v1[] = TO_V3
    "DROP TABLE tlog; DROP TABLE cosig; DROP TABLE witness; DROP TABLE fork;"
    "DROP TABLE checkpoint; ALTER TABLE outbox DROP COLUMN log_idx;"
    "ALTER TABLE inbox DROP COLUMN log_idx; PRAGMA user_version = 1;";

/* rewrite - close the store, run sql on its file, open it again. */
static void
rewrite(struct fx *f, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("rewrite: %s", err);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, 0, &f->st), ST_OK);
}

/* count_rows - the integer a query gives, read beside the open store. */
static int
count_rows(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int n;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

static int
entry_text(void *arg, const struct store_entry *e)
{
	char *text = arg;

	snprintf(text + strlen(text), 128 - strlen(text), "%" PRIu64 "%c%s ", e->index,
	    e->kind == STORE_ENTRY_MESSAGE ? 'm' : 'r', e->msg_id);
	return 0;
}

/* log_text - every entry, and where store_log_find finds each id. */
static void
log_text(struct fx *f, char text[static 128], const char *ids)
{
	char id[8];
	struct store_entry e;

	text[0] = '\0';
	assert_int_equal(store_log_entries(f->st, 0, entry_text, text), ST_OK);
	for (const char *p = ids + strspn(ids, " "); *p; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");

		assert_true(len < sizeof id);
		snprintf(id, sizeof id, "%.*s", (int)len, p);
		p += len;
		assert_int_equal(store_log_find(f->st, id, entry_cb, &e), ST_OK);
		snprintf(text + strlen(text), 128 - strlen(text), "%s@%" PRIu64 " ", id, e.index);
		free((char *)e.msg_id);
	}
}

static int
act_entry(void *arg, const struct store_entry *e)
{
	char *text = arg;

	snprintf(text + strlen(text), 128 - strlen(text), "%" PRIu64 ":%d:%s:%s ", e->index,
	    e->kind, e->msg_id, e->kind == STORE_ENTRY_ACT ? e->jws : "");
	return 0;
}

/* An act of this node on an agreement is an entry of its log: its JWS
 * whole is the leaf, listed with the agreement's id; the same act again
 * appends nothing (ST_EXISTS); a rollback takes it back. */
static void
test_log_acts(void **state)
{
	struct fx *f = *state;
	static const char act[] = "eyJhbGciOiJFZERTQSJ9.eyJ2IjoxfQ.c2ln";
	static const char aid[] = "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e";
	uint8_t h[TLOG_HASH], leaf[TLOG_HASH];
	char text[128] = "";

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o1", 1, 10), ST_OK);
	assert_int_equal(store_stmt_add(f->st, "sign", aid, act, strlen(act), 20), ST_OK);
	assert_int_equal(store_log_size(f->st), 2);
	tlog_leaf_hash(act, strlen(act), leaf);
	assert_int_equal(store_log_node(f->st, 0, 1, h), ST_OK);
	assert_memory_equal(h, leaf, TLOG_HASH);
	assert_int_equal(store_log_entries(f->st, 0, act_entry, text), ST_OK);
	assert_string_equal(text, "0:1:o1: 1:3:019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e:"
	    "eyJhbGciOiJFZERTQSJ9.eyJ2IjoxfQ.c2ln ");
	check_rc("the same act", store_stmt_add(f->st, "sign", aid, act, strlen(act), 20),
	    ST_EXISTS);
	assert_int_equal(store_log_size(f->st), 2);
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_stmt_add(f->st, "terminate", aid, "a.b.c", 5, 30), ST_OK);
	assert_int_equal(store_log_size(f->st), 3);
	store_rollback(f->st);
	assert_int_equal(store_log_size(f->st), 2);
	assert_int_equal(store_log_node(f->st, 0, 2, h), ST_NOTFOUND);
}

/* ---- pins that end ---- */

/* A pin removed, pinned again, its key replaced: the rows stay for the
 * history, queued messages are failed and kept, names and keys are reused
 * as store_peer.h says. */
static void
test_pins_end(void **state)
{
	struct fx *f = *state;
	struct peers_seen ps;
	struct outs_seen os;
	int64_t n, failed, again, rekeyed;

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", 1, 10), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m2", 2, 10), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "cert", "m3", 1, 10), ST_OK);
	assert_int_equal(add_out(f->st, f->charlie, "urgent", "c1", 1, 10), ST_OK);
	assert_int_equal(store_out_delivered(f->st, "m1", "receipt", NULL, 42), ST_OK);
	assert_int_equal(store_peer_queued(f->st, f->bravo, &n), ST_OK);
	assert_int_equal(n, 2);

	/* removed: its queued messages failed, with the reason, and kept */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_peer_retire(f->st, f->bravo, "peer removed", 77, &failed), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_int_equal(failed, 2);
	assert_int_equal(store_peer_queued(f->st, f->bravo, &n), ST_OK);
	assert_int_equal(n, 0);
	memset(&os, 0, sizeof os);
	assert_int_equal(store_out_list(f->st, 0, out_cb, &os), ST_OK);
	assert_int_equal(os.n, 4);
	assert_int_equal(os.state[0], STORE_DELIVERED);
	assert_string_equal(os.receipt[0], "receipt");
	for (int k = 1; k < 3; k++) {
		assert_int_equal(os.state[k], STORE_FAILED);
		assert_string_equal(os.last_error[k], "peer removed");
		assert_string_equal(os.peer[k], "bravo");
	}
	assert_int_equal(os.state[3], STORE_QUEUED);	/* charlie's: untouched */
	assert_int_equal(store_log_size(f->st), 4);	/* the log keeps every entry */

	/* no longer pinned, but its row is there */
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_list(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 1);
	assert_string_equal(ps.names[0], "charlie");
	check_rc("find by name", store_peer_find(f->st, "bravo", NULL, peer_cb, &ps), ST_NOTFOUND);
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_get(f->st, f->bravo, peer_cb, &ps), ST_OK);
	assert_string_equal(ps.names[0], "bravo");
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_history(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 2);
	check_rc("ended twice", store_peer_retire(f->st, f->bravo, "x", 78, NULL), ST_NOTFOUND);
	check_rc("update an ended pin", store_peer_update(f->st, f->bravo, "https://h:1", "c"),
	    ST_NOTFOUND);

	/* the same key pinned again under its name: its old row */
	assert_int_equal(add_peer(f->st, "bravo", 0xb0, &again), ST_OK);
	assert_int_equal(again, f->bravo);
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_find(f->st, "bravo", NULL, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.ids[0], f->bravo);
	check_rc("pinned twice", add_peer(f->st, "bravo", 0xb0, NULL), ST_EXISTS);

	/* its key replaced: the name is free for a new pin, a new row */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_peer_retire(f->st, f->bravo, "peer key replaced", 79, NULL), ST_OK);
	assert_int_equal(add_peer(f->st, "bravo", 0xb1, &rekeyed), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_int_not_equal(rekeyed, f->bravo);
	check_rc("the old key under another name", add_peer(f->st, "bravo2", 0xb0, NULL),
	    ST_EXISTS);
	check_rc("the old key under its name", add_peer(f->st, "bravo", 0xb0, NULL), ST_EXISTS);
	assert_int_equal(store_peer_update(f->st, rekeyed, "https://h:2", "newer card"), ST_OK);
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_find(f->st, "bravo", NULL, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.pk0[0], 0xb1);
	assert_string_equal(ps.endpoint, "https://h:2");
	assert_string_equal(ps.card, "newer card");
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_history(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 3);	/* bravo's old key, charlie, bravo's new key */
	assert_int_equal(ps.pk0[0], 0xb0);
	assert_int_equal(ps.pk0[2], 0xb1);

	/* and all of it after a reopen */
	reopen(f);
	memset(&os, 0, sizeof os);
	assert_int_equal(store_out_get(f->st, "m2", out_cb, &os), ST_OK);
	assert_int_equal(os.state[0], STORE_FAILED);
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_list(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 2);
}

/* A version 5 store (name unique over all rows, no removed_ms) is made
 * version 6 with its pins, ids and the rows that point at them. */
static void
test_upgrade_v6(void **state)
{
	struct fx *f = *state;
	struct peers_seen ps;
	struct outs_seen os;

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", 1, 10), ST_OK);
	rewrite(f, to_v5);
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_list(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 2);
	assert_int_equal(ps.ids[0], f->bravo);
	memset(&os, 0, sizeof os);
	assert_int_equal(store_out_get(f->st, "m1", out_cb, &os), ST_OK);
	assert_string_equal(os.peer[0], "bravo");
	assert_int_equal(count_rows(f, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* and pins now end */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_peer_retire(f->st, f->bravo, "peer removed", 5, NULL), ST_OK);
	assert_int_equal(add_peer(f->st, "bravo", 0xb1, NULL), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
}

static void
test_upgrade(void **state)
{
	struct fx *f = *state;
	uint8_t root[TLOG_HASH], again[TLOG_HASH];
	char text[128], before[128];

	/* appended in this order; by time, the messages come first */
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o1", 1, 10), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 413), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o2", 2, 20), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i3", 3, 200), ST_OK);
	assert_int_equal(store_ckpt_add(f->st, 4, "n4", 1), ST_OK);
	assert_int_equal(tlog_tree_hash(4, store_log_node, f->st, root), ST_OK);
	log_text(f, before, "o1 i1 o2 i3");
	assert_string_equal(before, "0mo1 1ri1 2mo2 3ri3 o1@0 i1@1 o2@2 i3@3 ");

	/* version 2: the same log, in its own order, and the checkpoint kept */
	rewrite(f, to_v2);
	assert_int_equal(store_log_size(f->st), 4);
	log_text(f, text, "o1 i1 o2 i3");
	assert_string_equal(text, before);
	assert_int_equal(tlog_tree_hash(4, store_log_node, f->st, again), ST_OK);
	assert_memory_equal(again, root, TLOG_HASH);
	assert_int_equal(store_log_node(f->st, 2, 0, again), ST_OK);	/* nodes rebuilt */
	assert_memory_equal(again, root, TLOG_HASH);
	assert_int_equal(store_ckpt_get(f->st, UINT64_MAX, note_cb, text), ST_OK);
	assert_string_equal(text, "4:n4");
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('tlog_entry', 'tlog_node')"), 0);	/* old tables dropped */
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	/* and it grows as any store does */
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o3", 3, 30), ST_OK);
	log_text(f, text, "o3");
	assert_string_equal(text, "0mo1 1ri1 2mo2 3ri3 4mo3 o3@4 ");

	/* version 1: no log; its statements enter it oldest first */
	rewrite(f, to_v1);
	assert_int_equal(store_log_size(f->st), 5);
	log_text(f, text, "o1 o2 o3 i1 i3");
	assert_string_equal(text, "0mo1 1mo2 2mo3 3ri1 4ri3 o1@0 o2@1 o3@2 i1@3 i3@4 ");
	assert_int_equal(store_ckpt_get(f->st, UINT64_MAX, note_cb, text), ST_NOTFOUND);
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i4", 4, 200), ST_OK);
	log_text(f, text, "i4");
	assert_string_equal(text, "0mo1 1mo2 2mo3 3ri1 4ri3 5ri4 i4@5 ");
}

/* ---- receipts kept as their fields ---- */

/* A node (self) with a peer (delta) whose key signs: one message sent and
 * delivered with delta's receipt, one queued after a failed attempt, one
 * rejected; one received, with the receipt self issued, and one refused. */
struct rcpts {
	struct ident *self, *delta;
	int64_t peer;
	char out_id[STAMP_UUID_LEN], in_id[STAMP_UUID_LEN];
	char in_hash[ENV_HASH_HEX];
	struct buf sent, issued;	/* delta's receipt, self's receipt */
};

/* seal_receipt - r for message id (hash hash) on link/seq, signed by by
 * to to_kid, into out. */
static void
seal_receipt(const struct ident *by, const char *to_kid, const char *id, const char *hash,
    const char *link, int64_t seq, struct buf *out)
{
	struct receipt r;

	memset(&r, 0, sizeof r);
	stamp_uuid7(r.id);
	snprintf(r.msg, sizeof r.msg, "%s", id);
	snprintf(r.msg_sha256, sizeof r.msg_sha256, "%s", hash);
	snprintf(r.to, sizeof r.to, "%s", to_kid);
	snprintf(r.link, sizeof r.link, "%s", link);
	r.seq = seq;
	snprintf(r.received_at, sizeof r.received_at, "2026-11-26T10:00:01.234Z");
	buf_init(out, 8192);
	assert_int_equal(envelope_receipt_seal(by, &r, out), ST_OK);
}

static void
rcpts_add(struct fx *f, struct rcpts *t)
{
	static const char jws[] = "eyJhbGciOiJFZERTQSJ9.eyJ2IjoxfQ.c2ln";
	struct store_peer p;
	struct store_in m;
	char hash[ENV_HASH_HEX];

	memset(t, 0, sizeof t[0]);
	t->self = testkey();
	t->delta = testkey();
	memset(&p, 0, sizeof p);
	p.name = "delta";
	memcpy(p.pk, ident_pk(t->delta), IDENT_PK_LEN);
	p.kid = ident_kid(t->delta);
	p.endpoint = "https://127.0.0.1:7402";
	p.links = "urgent,cert";
	p.card = "{}";
	assert_int_equal(store_peer_add(f->st, &p, &t->peer), ST_OK);

	/* sent: delivered (the jws is add_out's: 300 'j's), queued, rejected */
	stamp_uuid7(t->out_id);
	assert_int_equal(add_out(f->st, t->peer, "cert", t->out_id, 1, 300), ST_OK);
	assert_int_equal(add_out(f->st, t->peer, "cert", "q2", 2, 300), ST_OK);
	assert_int_equal(add_out(f->st, t->peer, "cert", "x3", 3, 300), ST_OK);
	{
		char j[301];

		memset(j, 'j', 300);
		j[300] = '\0';
		envelope_hash(j, 300, hash);
	}
	seal_receipt(t->delta, ident_kid(t->self), t->out_id, hash, "cert", 1, &t->sent);
	/* as the link engine does: with the fields it opened, so the store
	 * need not parse the receipt again (the unit cases below, with NULL,
	 * take the parsing path) */
	{
		struct receipt r;

		assert_int_equal(envelope_receipt_open(t->sent.p, t->sent.len,
		    ident_pk(t->delta), ident_kid(t->self), &r), ST_OK);
		assert_int_equal(store_out_delivered(f->st, t->out_id, buf_str(&t->sent), &r, 77),
		    ST_OK);
	}
	assert_int_equal(store_out_failed(f->st, t->peer, "cert", 2, 3, "timeout"), ST_OK);
	assert_int_equal(store_out_rejected(f->st, "x3", "gone"), ST_OK);

	/* received: accepted with self's receipt, then one refused */
	stamp_uuid7(t->in_id);
	envelope_hash(jws, strlen(jws), t->in_hash);
	seal_receipt(t->self, ident_kid(t->delta), t->in_id, t->in_hash, "urgent", 1,
	    &t->issued);
	memset(&m, 0, sizeof m);
	m.id = t->in_id;
	m.peer_id = t->peer;
	m.link = "urgent";
	m.seq = 1;
	m.type = "notification";
	m.priority = "routine";
	m.subject = "subject";
	m.jws = jws;
	m.jws_len = strlen(jws);
	m.hash = t->in_hash;
	m.status = 200;
	m.reason = "";
	m.receipt = t->issued.p;
	m.receipt_len = t->issued.len;
	m.received_ms = 9001;
	assert_int_equal(store_in_add(f->st, &m), ST_OK);
	m.id = "refused";
	m.seq = 2;
	m.jws = NULL;
	m.jws_len = 0;
	m.status = 413;
	m.reason = "too big";
	m.receipt = NULL;
	m.receipt_len = 0;
	assert_int_equal(store_in_add(f->st, &m), ST_OK);
}

static void
rcpts_free(struct rcpts *t)
{
	buf_free(&t->sent);
	buf_free(&t->issued);
	ident_free(t->self);
	ident_free(t->delta);
}

/* A whole row's text, for comparing before and after. */
static int
out_text(void *arg, const struct store_out *m)
{
	struct buf *b = arg;

	assert_int_equal(buf_addf(b, "%s %s %lld %d %lld %lld %s %zu [%s]\n", m->id, m->peer,
	    (long long)m->seq, m->state, (long long)m->delivered_ms, (long long)m->attempts,
	    m->last_error, m->jws_len, m->receipt), ST_OK);
	return 0;
}

static int
in_text(void *arg, const struct store_in *m)
{
	struct buf *b = arg;

	assert_int_equal(buf_addf(b, "%s %s %lld %d %s %s %zu %s [%.*s]\n", m->id, m->peer,
	    (long long)m->seq, m->status, m->reason, m->hash, m->jws_len, m->jws,
	    (int)m->receipt_len, m->receipt), ST_OK);
	return 0;
}

static int
entry_full(void *arg, const struct store_entry *e)
{
	struct buf *b = arg;

	assert_int_equal(buf_addf(b, "%" PRIu64 " %d %s %s [%.*s] %s\n", e->index, e->kind,
	    e->msg_id, e->peer, (int)e->jws_len, e->jws, e->msg_hash), ST_OK);
	return 0;
}

/* store_text - every message, receipt and log entry of the store. */
static void
store_text(struct fx *f, struct buf *b)
{
	buf_reset(b);
	assert_int_equal(store_out_list(f->st, 0, out_text, b), ST_OK);
	assert_int_equal(store_in_get(f->st, "refused", in_text, b), ST_OK);
	assert_int_equal(store_in_list(f->st, 0, in_text, b), ST_OK);
	assert_int_equal(store_log_entries(f->st, 0, entry_full, b), ST_OK);
}

/* The receipts as kept: how many by their fields, how many whole. */
static void
check_kept(struct fx *f, int out_small, int in_small, int whole)
{
	assert_int_equal(count_rows(f, "SELECT count(*) FROM out_done"
	    " WHERE receipt IS NULL AND length(rcpt_sig) = 64"), out_small);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM in_receipt"
	    " WHERE receipt IS NULL AND length(rcpt_sig) = 64"), in_small);
	assert_int_equal(count_rows(f, "SELECT (SELECT count(*) FROM out_done WHERE"
	    " receipt IS NOT NULL) + (SELECT count(*) FROM in_receipt WHERE"
	    " receipt IS NOT NULL)"), whole);
}

static int
receipt_of_out(void *arg, const struct store_out *m)
{
	struct buf *b = arg;

	buf_reset(b);
	assert_int_equal(buf_adds(b, m->receipt), ST_OK);
	return 1;
}

static int
receipt_of_in(void *arg, const struct store_in *m)
{
	struct buf *b = arg;

	buf_reset(b);
	assert_int_equal(buf_add(b, m->receipt, m->receipt_len), ST_OK);
	return 1;
}

static void
test_receipts_small(void **state)
{
	struct fx *f = *state;
	struct rcpts t;
	struct receipt r;
	struct buf got, before, after;

	rcpts_add(f, &t);
	buf_init(&got, 8192);
	buf_init(&before, 1 << 16);
	buf_init(&after, 1 << 16);
	check_kept(f, 1, 1, 0);
	/* rebuilt byte for byte, and they still verify */
	assert_int_equal(store_out_get(f->st, t.out_id, receipt_of_out, &got), ST_OK);
	assert_int_equal(got.len, t.sent.len);
	assert_memory_equal(got.p, t.sent.p, got.len);
	assert_int_equal(envelope_receipt_open(got.p, got.len, ident_pk(t.delta),
	    ident_kid(t.self), &r), ST_OK);
	assert_int_equal(store_in_get(f->st, t.in_id, receipt_of_in, &got), ST_OK);
	assert_int_equal(got.len, t.issued.len);
	assert_memory_equal(got.p, t.issued.p, got.len);
	assert_int_equal(envelope_receipt_open(got.p, got.len, ident_pk(t.self),
	    ident_kid(t.delta), &r), ST_OK);
	assert_int_equal(store_in_at(f->st, t.peer, "urgent", 1, receipt_of_in, &got), ST_OK);
	assert_memory_equal(got.p, t.issued.p, got.len);
	/* a compact JWS kept as the bytes of its segments, other text as it is */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM inbox WHERE seq = 1"
	    " AND typeof(jws) = 'blob' AND length(jws) = 8 + 15 + 7 + 3"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM outbox WHERE typeof(jws) = 'text'"),
	    3);
	/* the hash: 32 bytes kept, hex handed out */
	assert_int_equal(count_rows(f, "SELECT length(hash) FROM inbox WHERE seq = 1"
	    " AND typeof(hash) = 'blob'"), 32);
	store_text(f, &before);
	assert_non_null(strstr(buf_str(&before), t.in_hash));
	assert_non_null(strstr(buf_str(&before), buf_str(&t.issued)));
	assert_non_null(strstr(buf_str(&before), buf_str(&t.sent)));
	/* the same from disk */
	reopen(f);
	store_text(f, &after);
	assert_string_equal(buf_str(&after), buf_str(&before));

	/* a receipt that does not match its row is kept whole, as given */
	{
		struct store_in m;

		memset(&m, 0, sizeof m);
		m.id = "other";
		m.peer_id = t.peer;
		m.link = "urgent";
		m.seq = 5;	/* the receipt says 1 */
		m.type = m.priority = m.subject = "x";
		m.jws = "a.b.c";
		m.jws_len = 5;
		m.hash = t.in_hash;
		m.status = 200;
		m.reason = "";
		m.receipt = t.issued.p;
		m.receipt_len = t.issued.len;
		assert_int_equal(store_in_add(f->st, &m), ST_OK);
		assert_int_equal(store_in_get(f->st, "other", receipt_of_in, &got), ST_OK);
		assert_int_equal(got.len, t.issued.len);
		assert_memory_equal(got.p, t.issued.p, got.len);
		/* as is one with its bytes changed (a space the template has not) */
		assert_int_equal(store_out_add(f->st, &(struct store_out){ .id = "o9",
		    .peer_id = t.peer, .link = "cert", .seq = 9, .type = "t", .priority = "p",
		    .subject = "s", .jws = "j", .jws_len = 1, .created_ms = 1 }), ST_OK);
		assert_int_equal(store_out_delivered(f->st, "o9", "eyJ2IjoxfQ .x.y", NULL, 5), ST_OK);
		assert_int_equal(store_out_get(f->st, "o9", receipt_of_out, &got), ST_OK);
		assert_string_equal(buf_str(&got), "eyJ2IjoxfQ .x.y");
		check_kept(f, 1, 1, 2);
	}
	/* JWS texts that would not come back the same from their bytes: kept
	 * as text, handed out as given (a stray bit at the end of a segment;
	 * an empty payload; four segments; a bad character) */
	{
		static const char *const odd[] = { "eyJ2IjoxfR.eyJ2IjoxfQ.c2ln",
		    "eyJ2IjoxfQ..c2ln", "a.b.c.d", "eyJ2IjoxfQ.ey+2.c2ln", "eyJ2IjoxfQ.eyJ2.c2ln" };
		struct store_in m;
		char id[16];

		for (int k = 0; k < 5; k++) {
			memset(&m, 0, sizeof m);
			snprintf(id, sizeof id, "odd%d", k);
			m.id = id;
			m.peer_id = t.peer;
			m.link = "wg";
			m.seq = k + 1;
			m.type = m.priority = m.subject = "x";
			m.jws = odd[k];
			m.jws_len = strlen(odd[k]);
			m.hash = "h";
			m.status = 200;
			m.reason = "";
			assert_int_equal(store_in_add(f->st, &m), ST_OK);
			buf_reset(&got);
			assert_int_equal(store_in_get(f->st, id, in_text, &got), ST_OK);
			assert_non_null(strstr(buf_str(&got), odd[k]));
		}
		/* the empty payload and the last one pack; the others do not */
		assert_int_equal(count_rows(f, "SELECT count(*) FROM inbox WHERE link = 'wg'"
		    " AND typeof(jws) = 'blob'"), 2);
	}
	buf_free(&got);
	buf_free(&before);
	buf_free(&after);
	rcpts_free(&t);
}

/* downgrade - close the store, rewrite it with sql as version, put the
 * receipts that version 4 kept as their fields back, open it (upgraded). */
static void
downgrade(struct fx *f, const char *sql, int version, const struct rcpts *t)
{
	sqlite3 *db;
	sqlite3_stmt *u;
	char *err = NULL;

	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("downgrade: %s", err);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE outbox SET receipt = ? WHERE id = ?",
	    -1, &u, NULL), SQLITE_OK);
	sqlite3_bind_text(u, 1, t->sent.p, (int)t->sent.len, SQLITE_STATIC);
	sqlite3_bind_text(u, 2, t->out_id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(u), SQLITE_DONE);
	sqlite3_finalize(u);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE inbox SET receipt = ? WHERE id = ?",
	    -1, &u, NULL), SQLITE_OK);
	sqlite3_bind_text(u, 1, t->issued.p, (int)t->issued.len, SQLITE_STATIC);
	sqlite3_bind_text(u, 2, t->in_id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(u), SQLITE_DONE);
	sqlite3_finalize(u);
	sqlite3_close(db);
	assert_int_equal(count_rows(f, "PRAGMA user_version"), version);
	assert_int_equal(store_open(f->path, 0, &f->st), ST_OK);
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
}

/* Version 3 (and older) to 4 keeps every message, state, receipt (byte for
 * byte), log entry and root; the receipts end up kept as their fields. */
static void
test_upgrade_v4(void **state)
{
	struct fx *f = *state;
	struct rcpts t;
	struct buf before, after;
	uint8_t root[TLOG_HASH], again[TLOG_HASH];
	uint64_t size;

	rcpts_add(f, &t);
	assert_int_equal(store_ckpt_add(f->st, store_log_size(f->st), "n", 1), ST_OK);
	buf_init(&before, 1 << 16);
	buf_init(&after, 1 << 16);
	store_text(f, &before);
	size = store_log_size(f->st);
	assert_int_equal(tlog_tree_hash(size, store_log_node, f->st, root), ST_OK);

	downgrade(f, to_v3, 3, &t);
	check_kept(f, 1, 1, 0);
	store_text(f, &after);
	assert_string_equal(buf_str(&after), buf_str(&before));
	assert_int_equal(store_log_size(f->st), size);
	assert_int_equal(tlog_tree_hash(size, store_log_node, f->st, again), ST_OK);
	assert_memory_equal(again, root, TLOG_HASH);
	/* the queued message is still pending, with its failed attempt */
	assert_int_equal(count_rows(f, "SELECT attempts FROM out_queue WHERE seq = 2"), 1);
	/* and the store goes on */
	assert_int_equal(add_out(f->st, t.peer, "cert", "o4", 4, 10), ST_OK);
	assert_int_equal(store_out_delivered(f->st, "q2", "r", NULL, 3), ST_OK);

	/* from version 2 and 1: the same messages and receipts */
	store_text(f, &before);
	downgrade(f, to_v2, 2, &t);
	check_kept(f, 1, 1, 1);
	store_text(f, &after);
	assert_string_equal(buf_str(&after), buf_str(&before));
	downgrade(f, to_v1, 1, &t);
	check_kept(f, 1, 1, 1);
	assert_int_equal(store_log_size(f->st), size + 1);
	buf_reset(&after);
	assert_int_equal(store_out_list(f->st, 0, out_text, &after), ST_OK);
	assert_non_null(strstr(buf_str(&after), buf_str(&t.sent)));
	buf_reset(&after);
	assert_int_equal(store_in_list(f->st, 0, in_text, &after), ST_OK);
	assert_non_null(strstr(buf_str(&after), buf_str(&t.issued)));
	assert_non_null(strstr(buf_str(&after), t.in_hash));
	buf_free(&before);
	buf_free(&after);
	rcpts_free(&t);
}

/* An upgrade that fails leaves the store as it was: its steps share one
 * transaction. */
static void
test_upgrade_atomic(void **state)
{
	struct fx *f = *state;
	struct store *st = NULL;
	char text[128];
	sqlite3 *db;

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "o1", 1, 10), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	/* version 1, with a table in the way of the last step (2 to 3) */
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, to_v1, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE tlog(x);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, 0, &st), ST_DB);
	assert_null(st);
	/* nothing of the first steps stayed */
	assert_int_equal(count_rows(f, "PRAGMA user_version"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('checkpoint', 'tlog_entry', 'tlog_node')"), 0);
	/* out of the way, it upgrades */
	rewrite(f, "DROP TABLE tlog;");
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	log_text(f, text, "o1 i1");
	assert_string_equal(text, "0mo1 1ri1 o1@0 i1@1 ");
}

static void
test_inbox_duplicates(void **state)
{
	struct fx *f = *state;
	int64_t next;

	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 200), ST_OK);
	check_rc("same (peer, link, seq)", add_in(f->st, f->bravo, "urgent", "i9", 1, 200),
	    ST_EXISTS);
	check_rc("id reused by the same peer", add_in(f->st, f->bravo, "urgent", "i1", 3, 200),
	    ST_EXISTS);
	check_rc("id reused on another link", add_in(f->st, f->bravo, "cert", "i1", 1, 200),
	    ST_EXISTS);
	/* the refusals did not move the expected number */
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 3);
	assert_int_equal(store_recv_next(f->st, f->bravo, "cert", &next), ST_OK);
	assert_int_equal(next, 1);
	/* another peer may use the same id and numbers */
	check_rc("same id, other peer", add_in(f->st, f->charlie, "urgent", "i1", 1, 200), ST_OK);
}

/* Inside a transaction the receive counter is written once per link, at
 * the commit (or when read): what store_recv_next says is the same as if
 * each message had written it, a rollback forgets it, a commit keeps it. */
static void
test_inbox_advance_deferred(void **state)
{
	struct fx *f = *state;
	int64_t next;

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 413), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "cert", "c1", 1, 200), ST_OK);	/* another link */
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i3", 3, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->charlie, "urgent", "x1", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->charlie, "urgent", "x7", 7, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->charlie, "urgent", "x5", 5, 200), ST_OK);	/* never back */
	assert_int_equal(store_recv_next(f->st, f->charlie, "urgent", &next), ST_OK);
	assert_int_equal(next, 8);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 4);
	assert_int_equal(store_recv_next(f->st, f->bravo, "cert", &next), ST_OK);
	assert_int_equal(next, 2);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i4", 4, 200), ST_OK);
	store_rollback(f->st);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 1);
	assert_int_equal(store_recv_next(f->st, f->charlie, "urgent", &next), ST_OK);
	assert_int_equal(next, 1);

	/* advanced, not read, committed: kept (the store opened again) */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 200), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	reopen(f);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 3);
	/* and a rollback after it does not touch what was committed */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i3", 3, 200), ST_OK);
	store_rollback(f->st);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 3);
}

/* Inside a transaction the send counter is written once per link, at the
 * commit or when another link is served: the numbers handed out are those
 * each call would have written, a rollback takes them back, a commit keeps
 * them. */
static void
test_send_seq_deferred(void **state)
{
	struct fx *f = *state;
	int64_t s;

	assert_int_equal(store_begin(f->st), ST_OK);
	for (int64_t want = 1; want <= 3; want++) {
		assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
		assert_int_equal(s, want);
	}
	assert_int_equal(store_send_seq(f->st, f->bravo, "cert", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(store_send_seq(f->st, f->charlie, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 4);
	store_rollback(f->st);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);	/* autocommit */
	assert_int_equal(s, 1);

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 2);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 3);
	assert_int_equal(store_commit(f->st), ST_OK);
	reopen(f);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 4);
	assert_int_equal(store_send_seq(f->st, f->bravo, "cert", &s), ST_OK);
	assert_int_equal(s, 1);
}

/* Arriving after a later one never moves the expected number back. */
static void
test_inbox_never_back(void **state)
{
	struct fx *f = *state;
	int64_t next;

	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i5", 5, 200), ST_OK);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 6);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i3", 3, 200), ST_OK);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 6);
}

static void
test_in_list(void **state)
{
	struct fx *f = *state;
	struct ins_seen s;

	memset(&s, 0, sizeof s);
	assert_int_equal(store_in_list(f->st, 0, in_cb, &s), ST_OK);	/* empty is fine */
	assert_int_equal(s.n, 0);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "a", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "b", 2, 409), ST_OK);
	assert_int_equal(add_in(f->st, f->charlie, "cert", "c", 1, 200), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "d", 3, 413), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "e", 4, 200), ST_OK);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_in_list(f->st, 0, in_cb, &s), ST_OK);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.id[0], "a");
	assert_string_equal(s.id[1], "c");
	assert_string_equal(s.id[2], "e");
	for (int k = 0; k < s.n; k++)
		assert_int_equal(s.status[k], 200);
	memset(&s, 0, sizeof s);
	assert_int_equal(store_in_list(f->st, 2, in_cb, &s), ST_OK);	/* newest two */
	assert_int_equal(s.n, 2);
	assert_string_equal(s.id[0], "c");
	assert_string_equal(s.id[1], "e");
}

static void
test_rollback(void **state)
{
	struct fx *f = *state;
	struct peers_seen ps;
	struct outs_seen os;
	int64_t s, next;

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_peer(f->st, "delta", 0xd0, NULL), ST_OK);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", 1, 10), ST_OK);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	/* inside the transaction it is all visible */
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_find(f->st, "delta", NULL, peer_cb, &ps), ST_OK);
	store_rollback(f->st);

	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_find(f->st, "delta", NULL, peer_cb, &ps), ST_NOTFOUND);
	memset(&os, 0, sizeof os);
	assert_int_equal(store_out_get(f->st, "m1", out_cb, &os), ST_NOTFOUND);
	assert_int_equal(store_recv_next(f->st, f->bravo, "urgent", &next), ST_OK);
	assert_int_equal(next, 1);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);	/* the reservation went with it */

	/* one transaction at a time; rollback outside one is harmless */
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_not_equal(store_begin(f->st), ST_OK);
	store_rollback(f->st);
	store_rollback(f->st);
	assert_int_not_equal(store_commit(f->st), ST_OK);	/* nothing to commit */
}

/* Committed: still there after close and reopen. */
static void
test_durable(void **state)
{
	struct fx *f = *state;
	struct peers_seen ps;
	struct outs_seen os;
	struct ins_seen is;
	int64_t s;

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", s, 123), ST_OK);
	assert_int_equal(add_in(f->st, f->charlie, "cert", "i1", 1, 200), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_int_equal(store_out_delivered(f->st, "m1", "receipt", NULL, 42), ST_OK);	/* autocommit */

	reopen(f);
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_list(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 2);
	memset(&os, 0, sizeof os);
	assert_int_equal(store_out_get(f->st, "m1", out_cb, &os), ST_OK);
	assert_int_equal(os.jws_len[0], 123);
	assert_int_equal(os.state[0], STORE_DELIVERED);
	assert_string_equal(os.receipt[0], "receipt");
	memset(&is, 0, sizeof is);
	assert_int_equal(store_in_at(f->st, f->charlie, "cert", 1, in_cb, &is), ST_OK);
	assert_int_equal(store_recv_next(f->st, f->charlie, "cert", &s), ST_OK);
	assert_int_equal(s, 2);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 2);
}

/* Not committed when the store closed (as in a crash): gone on reopen. */
static void
test_uncommitted_lost(void **state)
{
	struct fx *f = *state;
	struct peers_seen ps;
	struct outs_seen os;
	int64_t s;

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "kept", 1, 10), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);

	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "lost", 2, 10), ST_OK);
	assert_int_equal(add_peer(f->st, "delta", 0xd0, NULL), ST_OK);
	reopen(f);

	memset(&os, 0, sizeof os);
	assert_int_equal(store_out_list(f->st, 0, out_cb, &os), ST_OK);
	assert_int_equal(os.n, 1);
	assert_string_equal(os.id[0], "kept");
	assert_int_equal(store_out_get(f->st, "lost", out_cb, &os), ST_NOTFOUND);
	memset(&ps, 0, sizeof ps);
	assert_int_equal(store_peer_find(f->st, "delta", NULL, peer_cb, &ps), ST_NOTFOUND);
	assert_int_equal(store_send_seq(f->st, f->bravo, "urgent", &s), ST_OK);
	assert_int_equal(s, 1);
}

/* ---- forks, halts, marks (schema 5) ---- */

struct forks_seen {
	int n;
	int64_t id[8], peer_id[8], at_ms[8];
	char peer[8][16], kind[8][16], subject[8][48], held[8][32], presented[8][32];
	char reason[8][32];
};

static int
fork_cb(void *arg, const struct store_fork *fk)
{
	struct forks_seen *s = arg;

	assert_true(s->n < 8);
	s->id[s->n] = fk->id;
	s->peer_id[s->n] = fk->peer_id;
	s->at_ms[s->n] = fk->at_ms;
	snprintf(s->peer[s->n], sizeof s->peer[0], "%s", fk->peer);
	snprintf(s->kind[s->n], sizeof s->kind[0], "%s", fk->kind);
	snprintf(s->subject[s->n], sizeof s->subject[0], "%s", fk->subject);
	snprintf(s->held[s->n], sizeof s->held[0], "%s", fk->held);
	snprintf(s->presented[s->n], sizeof s->presented[0], "%s", fk->presented);
	snprintf(s->reason[s->n], sizeof s->reason[0], "%s", fk->reason);
	s->n++;
	return 0;
}

static status
add_fork(struct store *st, int64_t peer, const char *kind, const char *subject,
    const char *held, const char *presented, int64_t at_ms)
{
	struct store_fork fk;

	memset(&fk, 0, sizeof fk);
	fk.id = 777;		/* ignored: the store numbers forks */
	fk.peer_id = peer;
	fk.peer = "ignored";	/* joined from peers */
	fk.kind = kind;
	fk.subject = subject;
	fk.held = held;
	fk.presented = presented;
	fk.reason = "two of a kind";
	fk.at_ms = at_ms;
	return store_fork_add(st, &fk);
}

static void
forks_of(struct fx *f, struct forks_seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_fork_list(f->st, fork_cb, s), ST_OK);
}

/* check_fork - row k of s is as given. */
static void
check_fork(const struct forks_seen *s, int k, const char *peer, const char *kind,
    const char *subject, const char *held, const char *presented, int64_t at_ms)
{
	assert_true(k < s->n);
	assert_string_equal(s->peer[k], peer);
	assert_string_equal(s->kind[k], kind);
	assert_string_equal(s->subject[k], subject);
	assert_string_equal(s->held[k], held);
	assert_string_equal(s->presented[k], presented);
	assert_string_equal(s->reason[k], "two of a kind");
	assert_int_equal(s->at_ms[k], at_ms);
}

/* Forks of every kind come back as added, oldest first, each by its id. */
static void
test_forks(void **state)
{
	struct fx *f = *state;
	struct forks_seen s, one;

	forks_of(f, &s);	/* none is fine */
	assert_int_equal(s.n, 0);
	assert_int_equal(add_fork(f->st, f->bravo, STORE_FORK_CHECKPOINT, "", "note-c", "note-p",
	    100), ST_OK);
	assert_int_equal(add_fork(f->st, f->bravo, STORE_FORK_MESSAGE, "urgent 3", "jws-a",
	    "jws-b", 200), ST_OK);
	assert_int_equal(add_fork(f->st, f->charlie, STORE_FORK_RECEIPT, "0190-msg", "rcpt-a",
	    "rcpt-b", 300), ST_OK);
	forks_of(f, &s);
	assert_int_equal(s.n, 3);
	check_fork(&s, 0, "bravo", "checkpoint", "", "note-c", "note-p", 100);
	check_fork(&s, 1, "bravo", "message", "urgent 3", "jws-a", "jws-b", 200);
	check_fork(&s, 2, "charlie", "receipt", "0190-msg", "rcpt-a", "rcpt-b", 300);
	assert_int_equal(s.peer_id[1], f->bravo);
	assert_int_equal(s.peer_id[2], f->charlie);
	assert_true(s.id[0] > 0 && s.id[0] < s.id[1] && s.id[1] < s.id[2]);

	/* each by its number, as listed */
	for (int k = 0; k < 3; k++) {
		memset(&one, 0, sizeof one);
		assert_int_equal(store_fork_get(f->st, s.id[k], fork_cb, &one), ST_OK);
		assert_int_equal(one.n, 1);
		assert_int_equal(one.id[0], s.id[k]);
		check_fork(&one, 0, s.peer[k], s.kind[k], s.subject[k], s.held[k], s.presented[k],
		    s.at_ms[k]);
	}
	memset(&one, 0, sizeof one);
	check_rc("unknown id", store_fork_get(f->st, s.id[2] + 1, fork_cb, &one), ST_NOTFOUND);
	check_rc("id 0", store_fork_get(f->st, 0, fork_cb, &one), ST_NOTFOUND);
	check_rc("id -1", store_fork_get(f->st, -1, fork_cb, &one), ST_NOTFOUND);
	assert_int_equal(one.n, 0);

	/* kept across a close */
	reopen(f);
	forks_of(f, &one);
	assert_int_equal(one.n, 3);
	check_fork(&one, 1, "bravo", "message", "urgent 3", "jws-a", "jws-b", 200);
}

/* One fork per (peer, kind, subject): the first kept, a second refused
 * with nothing added; but a checkpoint fork (no subject) each time. */
static void
test_fork_duplicates(void **state)
{
	struct fx *f = *state;
	struct forks_seen s;

	assert_int_equal(add_fork(f->st, f->bravo, STORE_FORK_MESSAGE, "urgent 3", "jws-a",
	    "jws-b", 200), ST_OK);
	check_rc("same peer, kind, subject", add_fork(f->st, f->bravo, STORE_FORK_MESSAGE,
	    "urgent 3", "jws-a", "jws-c", 300), ST_EXISTS);
	check_rc("same again, later", add_fork(f->st, f->bravo, STORE_FORK_MESSAGE,
	    "urgent 3", "jws-a", "jws-b", 400), ST_EXISTS);
	forks_of(f, &s);
	assert_int_equal(s.n, 1);
	check_fork(&s, 0, "bravo", "message", "urgent 3", "jws-a", "jws-b", 200);

	check_rc("same subject, other kind", add_fork(f->st, f->bravo, STORE_FORK_RECEIPT,
	    "urgent 3", "r-a", "r-b", 500), ST_OK);
	check_rc("same subject, other peer", add_fork(f->st, f->charlie, STORE_FORK_MESSAGE,
	    "urgent 3", "jws-x", "jws-y", 600), ST_OK);
	check_rc("other subject", add_fork(f->st, f->bravo, STORE_FORK_MESSAGE, "urgent 4",
	    "jws-d", "jws-e", 700), ST_OK);
	check_rc("checkpoint", add_fork(f->st, f->bravo, STORE_FORK_CHECKPOINT, "", "n-1", "n-2",
	    800), ST_OK);
	check_rc("checkpoint, the same notes again", add_fork(f->st, f->bravo,
	    STORE_FORK_CHECKPOINT, "", "n-1", "n-2", 900), ST_OK);
	forks_of(f, &s);
	assert_int_equal(s.n, 6);
	check_fork(&s, 4, "bravo", "checkpoint", "", "n-1", "n-2", 800);
	check_fork(&s, 5, "bravo", "checkpoint", "", "n-1", "n-2", 900);

	/* a peer that is not pinned: refused, not taken for a duplicate */
	assert_int_not_equal(add_fork(f->st, 999, STORE_FORK_MESSAGE, "urgent 3", "a", "b", 1),
	    ST_OK);
	assert_int_not_equal(add_fork(f->st, 999, STORE_FORK_MESSAGE, "urgent 3", "a", "b", 1),
	    ST_EXISTS);
	forks_of(f, &s);
	assert_int_equal(s.n, 6);
}

struct halts_seen {
	int n;
	int64_t peer_id[4], at_ms[4];
	char peer[4][16], what[4][32];
};

static int
halt_cb(void *arg, const struct store_halt *h)
{
	struct halts_seen *s = arg;

	assert_true(s->n < 4);
	s->peer_id[s->n] = h->peer_id;
	s->at_ms[s->n] = h->at_ms;
	snprintf(s->peer[s->n], sizeof s->peer[0], "%s", h->peer);
	snprintf(s->what[s->n], sizeof s->what[0], "%s", h->what);
	s->n++;
	return 0;
}

static void
halts_of(struct fx *f, struct halts_seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(store_halt_list(f->st, halt_cb, s), ST_OK);
}

/* One active halt per peer: set again replaces its text (its time kept);
 * cleared, it is gone from the list; set after that, a new one. */
static void
test_halts(void **state)
{
	struct fx *f = *state;
	struct halts_seen s;

	halts_of(f, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(store_halt_clear(f->st, f->bravo, 50), ST_OK);	/* none: no-op */

	assert_int_equal(store_halt_set(f->st, f->bravo, "lacks urgent 5", 100), ST_OK);
	halts_of(f, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.peer_id[0], f->bravo);
	assert_string_equal(s.peer[0], "bravo");
	assert_string_equal(s.what[0], "lacks urgent 5");
	assert_int_equal(s.at_ms[0], 100);

	assert_int_equal(store_halt_set(f->st, f->bravo, "lacks urgent 7", 200), ST_OK);
	halts_of(f, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.what[0], "lacks urgent 7");
	assert_int_equal(s.at_ms[0], 100);

	assert_int_equal(store_halt_set(f->st, f->charlie, "lacks log 9", 150), ST_OK);
	halts_of(f, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.peer[0], "bravo");
	assert_string_equal(s.peer[1], "charlie");

	/* kept across a close */
	reopen(f);
	halts_of(f, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.what[0], "lacks urgent 7");

	assert_int_equal(store_halt_clear(f->st, f->bravo, 300), ST_OK);
	halts_of(f, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.peer[0], "charlie");
	assert_int_equal(store_halt_clear(f->st, f->bravo, 310), ST_OK);	/* again: no-op */
	assert_int_equal(store_halt_clear(f->st, f->charlie, 320), ST_OK);
	halts_of(f, &s);
	assert_int_equal(s.n, 0);

	/* set after a clear: a new halt, with its own time and text */
	assert_int_equal(store_halt_set(f->st, f->bravo, "lacks cert 2", 500), ST_OK);
	halts_of(f, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.what[0], "lacks cert 2");
	assert_int_equal(s.at_ms[0], 500);
	/* the cleared ones stay on record, one active row per peer */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM halt"), 3);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM halt WHERE cleared_ms IS NULL"), 1);
	assert_int_equal(count_rows(f, "SELECT cleared_ms FROM halt WHERE what = 'lacks urgent 7'"),
	    300);
	/* a peer that is not pinned */
	assert_int_not_equal(store_halt_set(f->st, 999, "nobody", 600), ST_OK);
}

static void
check_marks(struct fx *f, int64_t peer, const char *link, int64_t sent, int64_t received,
    int64_t delivered)
{
	struct store_marks m;

	memset(&m, 0xff, sizeof m);
	assert_int_equal(store_link_marks(f->st, peer, link, &m), ST_OK);
	if (m.sent != sent || m.received != received || m.delivered != delivered)
		fail_msg("marks of %s: sent %lld received %lld delivered %lld, want %lld %lld %lld",
		    link, (long long)m.sent, (long long)m.received, (long long)m.delivered,
		    (long long)sent, (long long)received, (long long)delivered);
}

/* send - the next message to peer on link, as link_queue sends one. */
static void
send_next(struct fx *f, int64_t peer, const char *link, const char *id)
{
	int64_t seq;

	assert_int_equal(store_send_seq(f->st, peer, link, &seq), ST_OK);
	assert_int_equal(add_out(f->st, peer, link, id, seq, 10), ST_OK);
}

static void
test_link_marks(void **state)
{
	struct fx *f = *state;

	check_marks(f, f->bravo, "urgent", 0, 0, 0);	/* a fresh link */
	check_marks(f, 999, "urgent", 0, 0, 0);		/* a peer that is not pinned */
	send_next(f, f->bravo, "urgent", "m1");
	send_next(f, f->bravo, "urgent", "m2");
	send_next(f, f->bravo, "urgent", "m3");
	check_marks(f, f->bravo, "urgent", 3, 0, 0);
	assert_int_equal(store_out_delivered(f->st, "m2", "r2", NULL, 10), ST_OK);
	check_marks(f, f->bravo, "urgent", 3, 0, 2);
	assert_int_equal(store_out_delivered(f->st, "m1", "r1", NULL, 11), ST_OK);
	check_marks(f, f->bravo, "urgent", 3, 0, 2);	/* the last, not the latest */
	assert_int_equal(store_out_rejected(f->st, "m3", "413"), ST_OK);
	check_marks(f, f->bravo, "urgent", 3, 0, 2);	/* rejected is not delivered */
	send_next(f, f->bravo, "urgent", "m4");
	assert_int_equal(store_out_failed(f->st, f->bravo, "urgent", 4, 4, "timed out"), ST_OK);
	check_marks(f, f->bravo, "urgent", 4, 0, 2);	/* failed is not delivered */

	/* received: accepted or refused for good */
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i1", 1, 200), ST_OK);
	check_marks(f, f->bravo, "urgent", 4, 1, 2);
	assert_int_equal(add_in(f->st, f->bravo, "urgent", "i2", 2, 413), ST_OK);
	check_marks(f, f->bravo, "urgent", 4, 2, 2);

	/* other links and peers have marks of their own */
	check_marks(f, f->bravo, "cert", 0, 0, 0);
	check_marks(f, f->charlie, "urgent", 0, 0, 0);
	assert_int_equal(add_in(f->st, f->charlie, "cert", "c1", 1, 200), ST_OK);
	check_marks(f, f->charlie, "cert", 0, 1, 0);
	check_marks(f, f->bravo, "cert", 0, 0, 0);
	send_next(f, f->charlie, "cert", "x1");
	check_marks(f, f->charlie, "cert", 1, 1, 0);
	check_marks(f, f->bravo, "urgent", 4, 2, 2);
}

/* Version 4 to 5: its checkpoint forks are kept as forks of kind
 * "checkpoint" with no subject; halts and subjects work after. */
static void
test_upgrade_v5(void **state)
{
	struct fx *f = *state;
	struct forks_seen s;
	struct halts_seen h;

	assert_int_equal(add_fork(f->st, f->bravo, STORE_FORK_CHECKPOINT, "", "note-c", "note-p",
	    100), ST_OK);
	assert_int_equal(add_fork(f->st, f->charlie, STORE_FORK_CHECKPOINT, "", "note-d",
	    "note-q", 200), ST_OK);
	rewrite(f, TO_V4 "PRAGMA user_version = 4;");
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	forks_of(f, &s);
	assert_int_equal(s.n, 2);
	check_fork(&s, 0, "bravo", "checkpoint", "", "note-c", "note-p", 100);
	check_fork(&s, 1, "charlie", "checkpoint", "", "note-d", "note-q", 200);
	/* the version 5 tables and index work */
	halts_of(f, &h);
	assert_int_equal(h.n, 0);
	assert_int_equal(store_halt_set(f->st, f->bravo, "lacks urgent 1", 300), ST_OK);
	assert_int_equal(add_fork(f->st, f->bravo, STORE_FORK_MESSAGE, "urgent 1", "a", "b", 400),
	    ST_OK);
	check_rc("duplicate after the upgrade", add_fork(f->st, f->bravo, STORE_FORK_MESSAGE,
	    "urgent 1", "a", "c", 500), ST_EXISTS);
	assert_int_equal(add_fork(f->st, f->bravo, STORE_FORK_CHECKPOINT, "", "note-c", "note-p",
	    600), ST_OK);
	forks_of(f, &s);
	assert_int_equal(s.n, 4);
	halts_of(f, &h);
	assert_int_equal(h.n, 1);
}

/* ---- agreements and the acts on them (schema 7, 8) ---- */

/* agreement_doc - into out, a document of a draft payload with id that
 * supersedes old (NULL: none) and no signature: what the store's upgrade
 * reads of a document is its payload. */
static void
agreement_doc(const char *id, const char *old, struct buf *out)
{
	struct agreement_party ps[2];
	char why[AGREEMENT_WHY_MAX];
	struct buf pl, b64;
	json_t *j;
	char *t;

	memset(ps, 0, sizeof ps);
	for (int i = 0; i < 2; i++) {
		uint8_t raw[IDENT_PK_LEN];

		memset(raw, 0x10 + i, sizeof raw);
		snprintf(ps[i].name, sizeof ps[i].name, "%s", i ? "bravo" : "alpha");
		ident_thumbprint(raw, ps[i].kid);
	}
	buf_init(&pl, AGREEMENT_PAYLOAD_MAX);
	buf_init(&b64, AGREEMENT_DOC_MAX);
	assert_int_equal(agreement_draft(ps, 2, NULL, id, 1000, &pl, why), ST_OK);
	j = json_loadb(pl.p, pl.len, 0, NULL);
	assert_non_null(j);
	json_object_set_new(j, "supersedes", old ? json_string(old) : json_null());
	t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_int_equal(jws_b64_encode(&b64, t, strlen(t)), ST_OK);
	buf_reset(out);
	assert_int_equal(buf_addf(out, "{\"payload\":\"%s\",\"signatures\":[]}", buf_str(&b64)),
	    ST_OK);
	free(t);
	json_decref(j);
	buf_free(&pl);
	buf_free(&b64);
}

#define AG_A "019a2f10-1e00-7a00-8b00-0123456789ab"
#define AG_B "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e"
#define AG_C "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0f"
#define AG_X "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d10"

/* put_agreement - hold agreement id (n_signed of two signed, effective
 * at eff), superseding old. */
static status
put_agreement(struct fx *f, const char *id, const char *old, int64_t n_signed, int64_t eff)
{
	struct store_agree a;
	struct buf doc;
	status rc;

	memset(&a, 0, sizeof a);
	buf_init(&doc, AGREEMENT_DOC_MAX);
	agreement_doc(id, old, &doc);
	a.id = id;
	a.doc = buf_str(&doc);
	a.title = "t";
	a.parties = "alpha,bravo";
	a.signed_by = n_signed == 2 ? "alpha,bravo" : "alpha";
	a.n_parties = 2;
	a.n_signed = n_signed;
	a.effective_ms = eff;
	a.expires_ms = INT64_MAX;
	a.supersedes = old;
	a.declined_ms = 99;	/* ignored: a new agreement is not declined */
	a.ends_ms = a.superseded_ms = 5;
	rc = store_agree_put(f->st, &a, 10);
	buf_free(&doc);
	return rc;
}

/* One agreement's row, as read. */
struct agree_seen {
	int n;
	char supersedes[40], declined_by[32];
	int64_t declined_ms, ends_ms, superseded_ms, n_signed;
};

static int
agree_cb(void *arg, const struct store_agree *a)
{
	struct agree_seen *s = arg;

	s->n++;
	snprintf(s->supersedes, sizeof s->supersedes, "%s", a->supersedes ? a->supersedes :
	    "(null)");
	snprintf(s->declined_by, sizeof s->declined_by, "%s", a->declined_by);
	s->declined_ms = a->declined_ms;
	s->ends_ms = a->ends_ms;
	s->superseded_ms = a->superseded_ms;
	s->n_signed = a->n_signed;
	return 0;
}

static struct agree_seen
agreement_of(struct fx *f, const char *id)
{
	struct agree_seen s;

	memset(&s, 0, sizeof s);
	assert_int_equal(store_agree_get(f->st, id, agree_cb, &s), ST_OK);
	assert_int_equal(s.n, 1);
	return s;
}

/* The acts held, as "agreement/kind/by/at/acked" lines. */
static int
act_cb(void *arg, const struct store_agree_act *t)
{
	struct buf *b = arg;

	assert_string_equal(t->parties, "alpha,bravo");
	assert_true(t->kept_ms == 20 || t->kept_ms == 21);
	assert_int_equal(buf_addf(b, "%.4s/%s/%s/%s/%lld/%s\n", t->agreement + 32, t->kind,
	    t->by_kid, t->jws, (long long)t->at_ms, t->acked), ST_OK);
	return 0;
}

static const char *
acts_of(struct fx *f, const char *id, struct buf *b)
{
	buf_reset(b);
	assert_int_equal(store_agree_act_list(f->st, id, act_cb, b), ST_OK);
	return buf_str(b);
}

/* Declines, ends and supersession keep the earliest; an act is kept once,
 * only on an agreement held; who took it is noted once per party. */
static void
test_agreement_acts(void **state)
{
	struct fx *f = *state;
	struct store_agree_act t = { AG_A, "decline", "kid-b", "jws-1", 500, 0, NULL, NULL };
	struct agree_seen s;
	struct buf b;
	int added = -1;

	buf_init(&b, 4096);
	assert_int_equal(put_agreement(f, AG_A, NULL, 1, 100), ST_OK);
	assert_int_equal(put_agreement(f, AG_B, AG_A, 2, 200), ST_OK);
	s = agreement_of(f, AG_A);
	assert_string_equal(s.supersedes, "(null)");
	assert_int_equal(s.declined_ms, 0);
	assert_string_equal(s.declined_by, "");
	assert_int_equal(s.ends_ms, INT64_MAX);
	assert_int_equal(s.superseded_ms, INT64_MAX);
	assert_string_equal(agreement_of(f, AG_B).supersedes, AG_A);

	/* the earliest decline stands; on a tie, the first name */
	assert_int_equal(store_agree_decline(f->st, AG_A, 500, "bravo"), ST_OK);
	assert_int_equal(store_agree_decline(f->st, AG_A, 600, "alpha"), ST_OK);
	s = agreement_of(f, AG_A);
	assert_int_equal(s.declined_ms, 500);
	assert_string_equal(s.declined_by, "bravo");
	assert_int_equal(store_agree_decline(f->st, AG_A, 500, "alpha"), ST_OK);
	assert_string_equal(agreement_of(f, AG_A).declined_by, "alpha");
	assert_int_equal(store_agree_decline(f->st, AG_X, 1, "alpha"), ST_OK);	/* not held */

	/* a second notice keeps the earliest end; so does supersession */
	assert_int_equal(store_agree_end(f->st, AG_B, 9000), ST_OK);
	assert_int_equal(store_agree_end(f->st, AG_B, 12000), ST_OK);
	assert_int_equal(agreement_of(f, AG_B).ends_ms, 9000);
	assert_int_equal(store_agree_end(f->st, AG_B, 7000), ST_OK);
	assert_int_equal(agreement_of(f, AG_B).ends_ms, 7000);
	assert_int_equal(store_agree_supersede(f->st, AG_A, 300), ST_OK);
	assert_int_equal(store_agree_supersede(f->st, AG_A, 400), ST_OK);
	assert_int_equal(agreement_of(f, AG_A).superseded_ms, 300);
	/* more signatures do not undo any of it */
	assert_int_equal(put_agreement(f, AG_A, NULL, 2, 100), ST_OK);
	s = agreement_of(f, AG_A);
	assert_int_equal(s.n_signed, 2);
	assert_int_equal(s.declined_ms, 500);
	assert_int_equal(s.superseded_ms, 300);

	/* acts: kept once, in order, only on an agreement held */
	assert_int_equal(store_agree_act_add(f->st, &t, 20, &added), ST_OK);
	assert_int_equal(added, 1);
	assert_int_equal(store_agree_act_add(f->st, &t, 21, &added), ST_OK);
	assert_int_equal(added, 0);
	t.kind = "terminate";
	t.jws = "jws-2";
	t.at_ms = 700;
	t.agreement = AG_B;
	assert_int_equal(store_agree_act_add(f->st, &t, 21, NULL), ST_OK);
	t.agreement = AG_X;
	t.jws = "jws-3";
	check_rc("an act on an agreement not held", store_agree_act_add(f->st, &t, 21, &added),
	    ST_NOTFOUND);
	assert_int_equal(added, 0);
	assert_string_equal(acts_of(f, AG_A, &b), "89ab/decline/kid-b/jws-1/500/\n");
	assert_string_equal(acts_of(f, NULL, &b),
	    "89ab/decline/kid-b/jws-1/500/\n9d0e/terminate/kid-b/jws-2/700/\n");
	assert_string_equal(acts_of(f, AG_C, &b), "");
	/* who took it: each party once */
	assert_int_equal(store_agree_act_acked(f->st, "jws-2", "alpha"), ST_OK);
	assert_int_equal(store_agree_act_acked(f->st, "jws-2", "alpha"), ST_OK);
	assert_int_equal(store_agree_act_acked(f->st, "jws-2", "alph"), ST_OK);
	assert_int_equal(store_agree_act_acked(f->st, "jws-9", "alpha"), ST_OK);
	assert_string_equal(acts_of(f, AG_B, &b), "9d0e/terminate/kid-b/jws-2/700/alpha,alph\n");
	/* all of it durable */
	reopen(f);
	assert_string_equal(acts_of(f, NULL, &b),
	    "89ab/decline/kid-b/jws-1/500/\n9d0e/terminate/kid-b/jws-2/700/alpha,alph\n");
	assert_int_equal(agreement_of(f, AG_B).ends_ms, 7000);
	buf_free(&b);
}

/* Version 7 to 8: what each agreement supersedes is read from its
 * document; one that a fully signed agreement supersedes is superseded
 * from that one's effective time; nothing is declined or ends. */
static void
test_upgrade_v8(void **state)
{
	struct fx *f = *state;
	struct agree_seen s;
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(put_agreement(f, AG_A, NULL, 2, 100), ST_OK);
	assert_int_equal(put_agreement(f, AG_B, AG_A, 2, 200), ST_OK);
	assert_int_equal(put_agreement(f, AG_C, AG_X, 1, 300), ST_OK);	/* X not held */
	rewrite(f, TO_V7);
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	s = agreement_of(f, AG_A);
	assert_string_equal(s.supersedes, "(null)");
	assert_int_equal(s.superseded_ms, 200);
	assert_int_equal(s.declined_ms, 0);
	assert_int_equal(s.ends_ms, INT64_MAX);
	s = agreement_of(f, AG_B);
	assert_string_equal(s.supersedes, AG_A);
	assert_int_equal(s.superseded_ms, INT64_MAX);
	s = agreement_of(f, AG_C);
	assert_string_equal(s.supersedes, AG_X);
	assert_int_equal(s.superseded_ms, INT64_MAX);
	assert_string_equal(acts_of(f, NULL, &b), "");
	assert_int_equal(count_rows(f, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	buf_free(&b);
}

/* Version 11 to 12: a store of the watch desk's last schema gets the
 * table of STIX objects, empty, and keeps what it held; objects put then
 * count their added sequence from 1. */
static void
test_upgrade_v12(void **state)
{
	struct fx *f = *state;
	struct store_intel_in in = { "local", 0, "tool--11111111-2222-4333-8444-555555555555",
		"tool", "2024-01-01T00:00:00.000Z", 1704067200000LL, "none", 0, "{}", 2, NULL, 0 };
	enum store_intel_outcome o;
	int64_t n = -1;

	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", 1, 10), ST_OK);
	rewrite(f, TO_V11);
	assert_int_equal(count_rows(f, "PRAGMA user_version"), store_schema_version());
	assert_int_equal(count_rows(f, "SELECT count(*) FROM outbox"), 1);
	assert_int_equal(store_intel_count(f->st, NULL, 0, &n), ST_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_intel_put(f->st, &in, 5, &o), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_int_equal(o, STORE_INTEL_NEW);
	assert_int_equal(count_rows(f, "SELECT seq FROM intel_obj"), 1);
}

/* damage_table - in the closed store at path, overwrite the root page of
 * table name with junk, as a failing disk would. */
static void
damage_table(const char *path, const char *name)
{
	char junk[65536];
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t root, psize;
	int fd;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT rootpage FROM sqlite_schema"
	    " WHERE name = ?), page_size FROM pragma_page_size", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
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
}

/* A damaged page: SQLITE_CORRUPT is ST_CORRUPT, with SQLite's own words
 * (store_errmsg, store_damaged, sticky); the integrity check finds it; the
 * tables it does not touch still read. */
static void
test_damaged(void **state)
{
	struct fx *f = *state;
	struct peers_seen ps;
	struct outs_seen os;
	char msg[512];

	check_rc("check of a sound store", store_check(f->st, 0, NULL, NULL, msg, sizeof msg),
	    ST_OK);
	assert_null(store_damaged(f->st));
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m1", 1, 100), ST_OK);
	assert_int_equal(add_out(f->st, f->bravo, "urgent", "m2", 2, 100), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	store_close(f->st);
	f->st = NULL;
	damage_table(f->path, "outbox");
	assert_int_equal(store_open(f->path, 0, &f->st), ST_OK);	/* its log is whole */
	assert_null(store_damaged(f->st));

	memset(&os, 0, sizeof os);
	check_rc("reading the damaged table", store_out_list(f->st, 0, out_cb, &os),
	    ST_CORRUPT);
	assert_non_null(store_damaged(f->st));
	assert_non_null(strstr(store_damaged(f->st), "malformed"));
	assert_non_null(strstr(store_errmsg(f->st), "malformed"));
	memset(&ps, 0, sizeof ps);
	check_rc("reading another table", store_peer_list(f->st, peer_cb, &ps), ST_OK);
	assert_int_equal(ps.n, 2);
	assert_non_null(store_damaged(f->st));		/* a good read does not clear it */
	check_rc("check of the damaged store", store_check(f->st, 0, NULL, NULL, msg,
	    sizeof msg), ST_CORRUPT);
	assert_true(msg[0] != '\0');
}

/* Out of space at the commit (here a file-size limit, EFBIG; on a node, a
 * full disk): ST_FULL with SQLite's words, not the rollback's "not an error";
 * nothing of the transaction kept; with room again the same commit works. */
static void
test_full(void **state)
{
	struct fx *f = *state;
	struct outs_seen os;
	struct rlimit old, lim;
	char id[32];
	status rc = ST_OK;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 256 * 1024;	/* the WAL can grow to 256 KiB */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(store_begin(f->st), ST_OK);
		for (int i = 1; !rc && i <= 400; i++) {
			snprintf(id, sizeof id, "full-%d", i);
			rc = add_out(f->st, f->bravo, "urgent", id, i, 3000);
		}
		assert_int_equal(rc, ST_OK);
		if (round == 0)
			assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		rc = store_commit(f->st);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		if (round == 1)
			break;
		check_rc("commit of 1.2 MB into 256 KiB", rc, ST_FULL);
		/* SQLite's words: "disk I/O error" for EFBIG, "database or disk is
		 * full" for ENOSPC (test_faults.py) */
		if (!strstr(store_errmsg(f->st), "I/O") && !strstr(store_errmsg(f->st), "full"))
			fail_msg("store_errmsg: \"%s\", want SQLite's error", store_errmsg(f->st));
		assert_null(store_damaged(f->st));
		memset(&os, 0, sizeof os);
		check_rc("a message of the failed commit", store_out_get(f->st, "full-1", out_cb,
		    &os), ST_NOTFOUND);
		rc = ST_OK;
	}
	check_rc("the same commit with room", rc, ST_OK);
	memset(&os, 0, sizeof os);
	check_rc("a message of it", store_out_get(f->st, "full-400", out_cb, &os), ST_OK);
	signal(SIGXFSZ, SIG_DFL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open),
		T(test_peers),
		T(test_peer_duplicates),
		T(test_many_peers),
		T(test_send_seq),
		T(test_out_pending),
		T(test_out_duplicates),
		T(test_out_transitions),
		T(test_out_failed_range),
		T(test_out_list),
		T(test_inbox),
		T(test_pins_end),
		T(test_upgrade_v6),
		T(test_upgrade),
		T(test_upgrade_atomic),
		T(test_receipts_small),
		T(test_upgrade_v4),
		T(test_inbox_duplicates),
		T(test_inbox_never_back),
		T(test_inbox_advance_deferred),
		T(test_send_seq_deferred),
		T(test_in_list),
		T(test_log),
		T(test_log_acts),
		T(test_rollback),
		T(test_durable),
		T(test_uncommitted_lost),
		T(test_forks),
		T(test_fork_duplicates),
		T(test_halts),
		T(test_link_marks),
		T(test_upgrade_v5),
		T(test_agreement_acts),
		T(test_upgrade_v8),
		T(test_upgrade_v12),
		T(test_damaged),
		T(test_full),
	};

	int rc;

	if (sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);

	testkeys_done();
	return rc;
}
