/* bench_desk.c - the watch desk's benchmarks (issue 14), run by bench/bench.py.
 *
 *   bench_desk fire DIR N LEAD_MS WINDOW_MS SENT_PCT BURST
 *	On the node in DIR (made by `parley init`): pin a peer made for the
 *	run, hold an agreement with it signed by both (the standard links
 *	of `parley agreement draft`) and an escalation plan (duty at PT5M,
 *	supervisor at 100% of the acknowledgement deadline), and write N
 *	open items (flash, incident-notification, on urgent) whose next
 *	deadlines fall over WINDOW_MS from LEAD_MS after now, in bursts of
 *	BURST items due at the same millisecond (1: every item at a time of
 *	its own), the bursts evenly spaced (item i at LEAD_MS +
 *	(i - i % BURST) * WINDOW_MS / N):
 *	SENT_PCT of every hundred sent items whose acknowledgement deadline
 *	that is (the desk signs an overdue notice to the peer: link_queue,
 *	Ed25519, outbox row and log entry), the rest received items whose
 *	first escalation step that is (an "escalate" event, no signature).
 *	Then close the node, open it again and run the real desk on an
 *	event loop as parleyd does (node_open, http_new, peers_new,
 *	tlsctx_new, link_engine_new, desk_new; no listener, and the peer's
 *	endpoint refuses connections, so the notices stay queued), until
 *	every item has fired or WINDOW_MS + LEAD_MS + 20 s have passed.
 *	Per item, from the desk's own event rows: "acted" is the event's
 *	made_ms (the desk's clock when it acted on the item) less the due
 *	time; "committed" is when a 2 ms timer on the same loop first saw
 *	the event's row (so after the transaction holding it committed, with
 *	fsync) less the due time.
 *
 *   bench_desk board DIR MESSAGES ITEMS OPEN DAYS
 *	On the node in DIR: MESSAGES messages, half sent (outbox rows with
 *	their log entries, as link_queue stores them) and half received
 *	(inbox rows with their receipts and log entries, as link_in stores
 *	them), 720-byte statements, made evenly over the last DAYS days;
 *	ITEMS of them (evenly spread) formal messages with a desk item, of
 *	which OPEN (evenly spread) are open and the rest were acknowledged
 *	10 minutes and answered an hour after receipt, so those closed in
 *	the last 24 hours are on the board too.  10,000 messages per
 *	transaction.
 *
 *   bench_desk hook SECONDS MAX_RUNNING PATH
 *	The notify command runner (desk/hook.h): PATH run with an escalate
 *	event's JSON on standard input (about 330 bytes) and its PARLEY_*
 *	variables, MAX_RUNNING at once, a new run started from each one's
 *	callback, for SECONDS: runs per second, and each run's time from
 *	hook_run to its callback.
 *
 * Results go to stdout, one JSON object per line, for bench.py's tables;
 * progress and the desk's own log lines go to stderr.  Timings are
 * printed, never asserted.  With BENCH_DESK_DUMP=FILE, fire also writes
 * each item's due time and lateness to FILE.  The stores made here are a
 * benchmark's: the peer's card is "{}", the statements are not signed.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include "crypto/tlsctx.h"
#include "desk/desk.h"
#include "desk/hook.h"
#include "fmt/agreement.h"
#include "fmt/envelope.h"
#include "fmt/escalation.h"
#include "link/link.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/stamp.h"

#define BATCH 10000		/* rows per transaction when building */
#define POLL_MS 2		/* how often the commit watcher looks */
#define GOAL_MS 100		/* a deadline fires within this of its time */
#define ENTRY_LEN 720		/* bytes of a statement: a message with a 500-byte body */
#define DAY_MS 86400000LL
#define PLAN "{\"steps\":[{\"after\":\"PT5M\",\"role\":\"duty\"}," \
	"{\"after\":\"100%\",\"role\":\"supervisor\"}]}"

static void
die(const char *what, status rc)
{
	fprintf(stderr, "bench_desk: %s: %s\n", what, status_str(rc));
	exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double
cpu_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* io_bytes - field ("wchar", "write_bytes") of /proc/self/io; -1 if none. */
static int64_t
io_bytes(const char *field)
{
	char line[128];
	size_t k = strlen(field);
	int64_t v = -1;
	FILE *fp = fopen("/proc/self/io", "r");

	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (strncmp(line, field, k) == 0 && line[k] == ':')
			v = strtoll(line + k + 1, NULL, 10);
	fclose(fp);
	return v;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* item_id - the message id of item (or message) i: a UUID that says i. */
static void
item_id(uint64_t i, char out[static STAMP_UUID_LEN])
{
	snprintf(out, STAMP_UUID_LEN, "01900000-0000-7000-8000-%012" PRIx64, i & 0xffffffffffffu);
}

/* item_index - i from item_id's text; -1 for another id. */
static int64_t
item_index(const char *id)
{
	char *end;
	unsigned long long v;

	if (strncmp(id, "01900000-0000-7000-8000-", 24) != 0)
		return -1;
	v = strtoull(id + 24, &end, 16);
	return *end ? -1 : (int64_t)v;
}

/* ---- the peer and the agreement ---- */

static const struct ident *self_id, *peer_id_key;

static status
lookup(void *arg, const char *name, const char *kid, uint8_t pk[static IDENT_PK_LEN])
{
	(void)arg, (void)name;
	if (strcmp(kid, ident_kid(self_id)) == 0)
		memcpy(pk, ident_pk(self_id), IDENT_PK_LEN);
	else if (strcmp(kid, ident_kid(peer_id_key)) == 0)
		memcpy(pk, ident_pk(peer_id_key), IDENT_PK_LEN);
	else
		return ST_NOTFOUND;
	return ST_OK;
}

/* peer_key - a key for the peer, made for the run (its file removed). */
static struct ident *
peer_key(const char *dir)
{
	char path[NODE_PATH_MAX];
	struct ident *id = NULL;
	status rc;

	if ((rc = node_path(dir, "bench-peer.key", path)))
		die("path", rc);
	unlink(path);
	if ((rc = ident_create(path)) || (rc = ident_load(path, &id)))
		die("peer key", rc);
	unlink(path);
	return id;
}

/* pin - pin the peer as bravo, whose endpoint refuses connections. */
static int64_t
pin(struct store *st, const struct ident *peer)
{
	struct store_peer sp;
	int64_t id;
	status rc;

	memset(&sp, 0, sizeof sp);
	sp.name = "bravo";
	memcpy(sp.pk, ident_pk(peer), IDENT_PK_LEN);
	sp.kid = ident_kid(peer);
	sp.endpoint = "https://127.0.0.1:1";
	sp.links = "";
	sp.card = "{}";
	if ((rc = store_peer_add(st, &sp, &id)))
		die("store_peer_add", rc);
	return id;
}

/* agree - hold the agreement between self and peer (the draft's standard
 * links and deadlines), signed by both, in force since a day ago; id
 * gets its id. */
static void
agree(struct store *st, const struct ident *self, const struct ident *peer,
    char id[static STAMP_UUID_LEN])
{
	struct agreement_party ps[2];
	char why[AGREEMENT_WHY_MAX];
	struct agreement_sigs sigs;
	struct store_agree row;
	struct agreement *a;
	struct buf d, one, both;
	int64_t t = stamp_now_ms() - DAY_MS;
	status rc;

	memset(ps, 0, sizeof ps);
	snprintf(ps[0].name, sizeof ps[0].name, "alpha");
	snprintf(ps[0].kid, sizeof ps[0].kid, "%s", ident_kid(self));
	snprintf(ps[1].name, sizeof ps[1].name, "bravo");
	snprintf(ps[1].kid, sizeof ps[1].kid, "%s", ident_kid(peer));
	self_id = self;
	peer_id_key = peer;
	stamp_uuid7(id);
	buf_init(&d, AGREEMENT_PAYLOAD_MAX);
	buf_init(&one, AGREEMENT_DOC_MAX);
	buf_init(&both, AGREEMENT_DOC_MAX);
	if ((rc = agreement_draft(ps, 2, NULL, id, t, &d, why)) ||
	    (rc = agreement_sign(self, d.p, d.len, &one, why)) ||
	    (rc = agreement_countersign(peer, one.p, one.len, lookup, NULL, &both, why)) ||
	    (rc = agreement_verify(both.p, both.len, lookup, NULL, &a, &sigs, why))) {
		fprintf(stderr, "bench_desk: agreement: %s\n", why);
		die("agreement", rc);
	}
	memset(&row, 0, sizeof row);
	row.id = agreement_id(a);
	row.doc = buf_str(&both);
	row.title = agreement_title(a);
	row.parties = "alpha,bravo";
	row.signed_by = "alpha,bravo";
	row.n_parties = (int64_t)sigs.n_parties;
	row.n_signed = (int64_t)sigs.n_signed;
	row.effective_ms = agreement_effective_ms(a);
	row.expires_ms = agreement_expires_ms(a);
	if ((rc = store_agree_put(st, &row, t)))
		die("store_agree_put", rc);
	agreement_free(a);
	buf_free(&d);
	buf_free(&one);
	buf_free(&both);
}

/* plan - hold PLAN as the escalation plan, in its canonical text. */
static void
plan(struct store *st)
{
	char why[ESCALATION_WHY_MAX];
	struct escalation *p;
	struct buf text;
	status rc;

	buf_init(&text, ESCALATION_BYTES_MAX);
	if ((rc = escalation_parse(PLAN, strlen(PLAN), &p, why)) ||
	    (rc = escalation_canon(p, &text)) ||
	    (rc = store_desk_doc_put(st, "escalation", buf_str(&text), stamp_now_ms())))
		die("escalation plan", rc);
	escalation_free(p);
	buf_free(&text);
}

/* ---- fire ---- */

struct sample {
	int64_t ms;	/* when the watcher looked */
	int64_t max_id;	/* the newest event row it saw */
};

struct fire {
	struct event_base *base;
	struct store *st;
	struct event *poll, *stop;
	struct sample *s;
	size_t n_s, cap_s;
	int64_t base_id;	/* the newest event row before the run */
	size_t want;		/* events expected */
	int64_t quit_ms;	/* give up at */
};

static int
newest_row(void *arg, const struct store_desk_event *e)
{
	*(int64_t *)arg = e->id;
	return 1;
}

static int64_t
newest_event(struct store *st)
{
	int64_t id = 0;
	status rc = store_desk_event_list(st, 1, newest_row, &id);

	if (rc)
		die("store_desk_event_list", rc);
	return id;
}

/* on_poll - what is committed now: the watcher runs between the desk's
 * turns on the same loop, so whatever row it sees was committed. */
static void
on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct fire *f = arg;
	int64_t id = newest_event(f->st), now = stamp_now_ms();

	(void)fd, (void)what;
	if (f->n_s == f->cap_s) {
		size_t cap = f->cap_s ? f->cap_s * 2 : 65536;
		struct sample *s = realloc(f->s, cap * sizeof *s);

		if (!s)
			die("memory", ST_NOMEM);
		f->s = s;
		f->cap_s = cap;
	}
	if (!f->n_s || f->s[f->n_s - 1].max_id != id)
		f->s[f->n_s++] = (struct sample){ now, id };
	if ((size_t)(id - f->base_id) >= f->want || now >= f->quit_ms)
		event_base_loopbreak(f->base);
}

struct fired {
	int64_t *due;		/* by item; the run's */
	int64_t *acted, *committed;	/* lateness by item, ms; INT64_MIN: not fired */
	const struct fire *f;
	size_t n;
};

/* committed_at - when the watcher first saw event row id. */
static int64_t
committed_at(const struct fire *f, int64_t id)
{
	size_t lo = 0, hi = f->n_s;

	while (lo < hi) {
		size_t m = (lo + hi) / 2;

		if (f->s[m].max_id >= id)
			hi = m;
		else
			lo = m + 1;
	}
	return lo < f->n_s ? f->s[lo].ms : INT64_MAX;
}

static int
fired_row(void *arg, const struct store_desk_event *e)
{
	struct fired *x = arg;
	int64_t i = item_index(e->msg);

	if (i < 0 || (size_t)i >= x->n || e->id <= x->f->base_id ||
	    (strcmp(e->event, "escalate") != 0 && strcmp(e->event, "overdue") != 0))
		return 0;
	x->acted[i] = e->made_ms - x->due[i];
	x->committed[i] = committed_at(x->f, e->id) - x->due[i];
	return 0;
}

/* lateness - print the distribution of v over the items of kind (sent
 * 1, received 0, both -1). */
static void
lateness(const char *kind_name, int kind, int sent_pct, const struct fired *x)
{
	int64_t *a = calloc(x->n, sizeof *a), *c = calloc(x->n, sizeof *c);
	size_t n = 0, items = 0, over_a = 0, over_c = 0;

	if (!a || !c)
		die("memory", ST_NOMEM);
	for (size_t i = 0; i < x->n; i++) {
		int sent = (int)(i % 100) < sent_pct;

		if (kind >= 0 && sent != kind)
			continue;
		items++;
		if (x->acted[i] == INT64_MIN)
			continue;
		a[n] = x->acted[i];
		c[n] = x->committed[i];
		over_a += a[n] > GOAL_MS;
		over_c += c[n] > GOAL_MS;
		n++;
	}
	if (items) {
		qsort(a, n, sizeof *a, cmp_i64);
		qsort(c, n, sizeof *c, cmp_i64);
		printf("{\"what\":\"fire\",\"kind\":\"%s\",\"items\":%zu,\"fired\":%zu", kind_name,
		    items, n);
		if (n)
			printf(",\"acted_min\":%" PRId64 ",\"acted_p50\":%" PRId64
			    ",\"acted_p99\":%" PRId64 ",\"acted_max\":%" PRId64 ",\"acted_over\":%zu"
			    ",\"committed_p50\":%" PRId64 ",\"committed_p99\":%" PRId64
			    ",\"committed_max\":%" PRId64 ",\"committed_over\":%zu", a[0], a[n / 2],
			    a[n * 99 / 100], a[n - 1], over_a, c[n / 2], c[n * 99 / 100], c[n - 1],
			    over_c);
		printf("}\n");
	}
	free(a);
	free(c);
}

/* dump - every item's due time and lateness, one line each, to path
 * (BENCH_DESK_DUMP: for looking at when the late ones fell due). */
static void
dump(const char *path, const struct fired *x, int sent_pct)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		die(path, ST_IO);
	fprintf(fp, "item due_ms sent acted_ms committed_ms\n");
	for (size_t i = 0; i < x->n; i++)
		fprintf(fp, "%zu %" PRId64 " %d %" PRId64 " %" PRId64 "\n", i, x->due[i],
		    (int)(i % 100) < sent_pct, x->acted[i], x->committed[i]);
	if (fclose(fp) != 0)
		die(path, ST_IO);
}

/* fire_build - the peer, agreement, plan and n items in the node in dir;
 * due[i] gets item i's deadline. */
static void
fire_build(const char *dir, size_t n, int64_t lead_ms, int64_t window_ms, int sent_pct,
    size_t burst, int64_t *due)
{
	char agreement[STAMP_UUID_LEN], id[STAMP_UUID_LEN];
	struct ident *peer = peer_key(dir);
	struct node *nd;
	struct store *st;
	int64_t t0, pid;
	status rc;

	if ((rc = node_open(dir, &nd)))
		die(dir, rc);
	st = node_store(nd);
	if ((rc = store_begin(st)))
		die("begin", rc);
	pid = pin(st, peer);
	agree(st, node_ident(nd), peer, agreement);
	plan(st);
	if ((rc = store_commit(st)))
		die("commit", rc);
	t0 = stamp_now_ms() + lead_ms;
	for (size_t i = 0; i < n; i++) {
		struct store_desk_item it;
		int sent = (int)(i % 100) < sent_pct;

		if (i % BATCH == 0 && (rc = store_begin(st)))
			die("begin", rc);
		due[i] = t0 + (int64_t)((double)(i - i % burst) * (double)window_ms / (double)n);
		item_id(i, id);
		memset(&it, 0, sizeof it);
		it.msg = id;
		it.out = sent;
		it.peer_id = pid;
		it.link = "urgent";
		it.tmpl = "incident-notification";
		it.priority = "flash";
		it.subject = "incident at a grid operator";
		it.agreement = agreement;
		it.reply_to = "";
		it.expects_reply = 1;
		it.ack_officer = it.ack_role = it.ack_note = it.ack_msg = it.reply_msg = "";
		if (sent) {	/* the flash ack deadline on urgent is PT10M */
			it.receipt_ms = due[i] - 600000;
			it.ack_due_ms = due[i];
		} else {	/* duty's step: PT5M after receipt */
			it.receipt_ms = due[i] - 300000;
			it.ack_due_ms = it.receipt_ms + 600000;
			it.esc_next_ms = due[i];
		}
		it.reply_due_ms = it.receipt_ms + 3600000;
		it.made_ms = it.receipt_ms - 1000;
		it.open = 1;
		if ((rc = store_desk_item_add(st, &it)) || (rc = store_desk_item_put(st, &it)))
			die("item", rc);
		if ((i % BATCH == BATCH - 1 || i == n - 1) && (rc = store_commit(st)))
			die("commit", rc);
	}
	node_close(nd);
	ident_free(peer);
}

static void
fire(const char *dir, size_t n, int64_t lead_ms, int64_t window_ms, int sent_pct, size_t burst)
{
	char key[NODE_PATH_MAX], crt[NODE_PATH_MAX];
	int64_t *due = calloc(n, sizeof *due), t, setup_ms, rebuild_ms, first_left;
	struct fired x;
	struct fire f;
	struct http_limits lim;
	const struct config *c;
	struct link_engine *e = NULL;
	struct peers *ps = NULL;
	struct tlsctx *tls = NULL;
	struct http *h = NULL;
	struct desk *d = NULL;
	struct node *nd;
	struct timeval tv = { 0, POLL_MS * 1000 };
	double cpu0, cpu1, wall0, wall1;
	int64_t wb0, wb1;
	status rc;

	memset(&x, 0, sizeof x);
	x.acted = malloc(n * sizeof *x.acted);
	x.committed = malloc(n * sizeof *x.committed);
	if (!due || !x.acted || !x.committed)
		die("memory", ST_NOMEM);
	for (size_t i = 0; i < n; i++)
		x.acted[i] = x.committed[i] = INT64_MIN;
	t = now_ns();
	fire_build(dir, n, lead_ms, window_ms, sent_pct, burst, due);
	setup_ms = (now_ns() - t) / 1000000;
	fprintf(stderr, "bench_desk: %zu items written in %" PRId64 " ms\n", n, setup_ms);

	/* the daemon's start, as parleyd.c makes it */
	if ((rc = node_open(dir, &nd)))
		die(dir, rc);
	c = node_config(nd);
	memset(&f, 0, sizeof f);
	f.st = node_store(nd);
	f.want = n;
	f.base_id = newest_event(f.st);
	f.quit_ms = due[n - 1] + 20000;
	if (!(f.base = event_base_new()))
		die("event_base_new", ST_NOMEM);
	lim = (struct http_limits){ c->max_conns, c->max_conns_per_addr,
	    c->handshake_timeout_ms, c->peer_max_conns, c->body_budget, c->resolv_conf };
	if ((rc = node_path(dir, "identity.key", key)) ||
	    (rc = node_path(dir, "identity.crt", crt)) ||
	    (rc = http_new(f.base, &lim, &h)) || (rc = peers_new(f.st, &ps)) ||
	    (rc = tlsctx_new(key, crt, peers_pinned, ps, &tls)) ||
	    (rc = link_engine_new(h, nd, ps, tls, &e)))
		die("the daemon's layers", rc);
	t = now_ns();
	if ((rc = desk_new(f.base, nd, e, &d)))
		die("desk_new", rc);
	rebuild_ms = (now_ns() - t) / 1000000;
	first_left = due[0] - stamp_now_ms();
	if (first_left < 0)
		fprintf(stderr, "bench_desk: the first deadline passed %" PRId64 " ms before the "
		    "desk started: raise LEAD_MS\n", -first_left);
	if (!(f.poll = event_new(f.base, -1, EV_PERSIST, on_poll, &f)) ||
	    event_add(f.poll, &tv) != 0)
		die("poll", ST_NOMEM);
	cpu0 = cpu_s(RUSAGE_SELF);
	wb0 = io_bytes("write_bytes");
	wall0 = (double)now_ns() / 1e9;
	event_base_dispatch(f.base);
	cpu1 = cpu_s(RUSAGE_SELF);
	wb1 = io_bytes("write_bytes");
	wall1 = (double)now_ns() / 1e9;
	event_free(f.poll);
	desk_free(d);
	link_engine_free(e);
	http_free(h);
	event_base_loop(f.base, EVLOOP_NONBLOCK);
	tlsctx_free(tls);
	peers_free(ps);
	event_base_free(f.base);

	x.due = due;
	x.f = &f;
	x.n = n;
	if ((rc = store_desk_event_list(f.st, (int)(n * 2 + 1000), fired_row, &x)))
		die("store_desk_event_list", rc);
	node_close(nd);
	printf("{\"what\":\"fire_run\",\"n\":%zu,\"sent_pct\":%d,\"burst\":%zu,\"lead_ms\":%" PRId64
	    ",\"window_ms\":%" PRId64 ",\"build_ms\":%" PRId64 ",\"rebuild_ms\":%" PRId64
	    ",\"first_left_ms\":%" PRId64 ",\"cpu_s\":%.2f,\"wall_s\":%.2f,\"samples\":%zu,"
	    "\"written_kb\":%.0f}\n", n, sent_pct, burst, lead_ms, window_ms, setup_ms, rebuild_ms,
	    first_left, cpu1 - cpu0, wall1 - wall0, f.n_s,
	    wb0 < 0 || wb1 < 0 ? -1.0 : (double)(wb1 - wb0) / 1024);
	if (getenv("BENCH_DESK_DUMP"))
		dump(getenv("BENCH_DESK_DUMP"), &x, sent_pct);
	lateness("all", -1, sent_pct, &x);
	lateness("received", 0, sent_pct, &x);
	lateness("sent", 1, sent_pct, &x);
	fflush(stdout);
	free(f.s);
	free(due);
	free(x.acted);
	free(x.committed);
}

/* ---- board ---- */

/* statement - a JWS-shaped statement of ENTRY_LEN bytes, distinct per i. */
static size_t
statement(uint64_t i, char out[static ENTRY_LEN + 1])
{
	static const char b64u[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	static char tmpl[ENTRY_LEN + 1];
	char head[40];
	int k;

	if (!tmpl[0]) {
		uint64_t v = 0x9E3779B97F4A7C15u;

		for (size_t j = 0; j < ENTRY_LEN; j++) {
			v ^= v << 13, v ^= v >> 7, v ^= v << 17;
			tmpl[j] = j == ENTRY_LEN - 87 ? '.' : b64u[v & 63];
		}
	}
	memcpy(out, tmpl, sizeof tmpl);
	k = snprintf(head, sizeof head, "eyJhbGciOiJFZERTQSJ9.%016" PRIx64, i);
	memcpy(out, head, (size_t)k);
	return ENTRY_LEN;
}

static const char *const tmpls[] = { "incident-notification", "inquiry",
    "request-for-assistance", "situation-report" };
static const char *const prios[] = { "immediate", "priority", "routine" };

static void
board(const char *dir, uint64_t messages, uint64_t items, uint64_t open, int64_t days)
{
	char id[STAMP_UUID_LEN], hash[65], jws[ENTRY_LEN + 1];
	uint64_t every = items ? messages / items : 0, item = 0, n_open = 0, n_recent = 0;
	uint64_t open_every = open ? items / open : 0;
	int64_t now = stamp_now_ms(), t = now_ns(), mark = t, pid, span = days * DAY_MS;
	uint8_t sig[IDENT_SIG_LEN];
	struct ident *peer = peer_key(dir);
	struct node *nd;
	struct store *st;
	struct buf rcpt;
	status rc;

	if ((rc = node_open(dir, &nd)))
		die(dir, rc);
	st = node_store(nd);
	if ((rc = store_begin(st)))
		die("begin", rc);
	pid = pin(st, peer);
	if ((rc = store_commit(st)))
		die("commit", rc);
	memset(sig, 7, sizeof sig);
	buf_init(&rcpt, 4096);
	for (uint64_t i = 0; i < messages; i++) {
		/* made over the last `days` days, oldest first, the newest 10 min ago */
		int64_t made = now - 600000 - span + (int64_t)((double)i * (double)span /
		    (double)messages);
		int sent = i % 2 == 0, formal = every && i % every == 0 && item < items;
		const char *type = formal ? tmpls[item % 4] : "indicator";

		if (i % BATCH == 0 && (rc = store_begin(st)))
			die("begin", rc);
		item_id(i, id);
		if (sent) {
			struct store_out m;

			memset(&m, 0, sizeof m);
			m.id = id;
			m.peer_id = pid;
			m.link = "cert";
			m.seq = (int64_t)(i / 2) + 1;
			m.type = type;
			m.priority = "routine";
			m.subject = "indicator";
			m.jws = jws;
			m.jws_len = statement(i, jws);
			m.created_ms = made;
			rc = store_out_add(st, &m);
		} else {
			/* the receipt as link_in keeps one: its fields, and a
			 * signature (not a valid one: nothing here verifies it) */
			struct store_in m;
			struct receipt r;

			memset(&r, 0, sizeof r);
			snprintf(hash, sizeof hash, "%016" PRIx64 "%048x", i, 0);
			stamp_uuid7(r.id);
			snprintf(r.msg, sizeof r.msg, "%s", id);
			snprintf(r.msg_sha256, sizeof r.msg_sha256, "%s", hash);
			snprintf(r.from, sizeof r.from, "%s", ident_kid(node_ident(nd)));
			snprintf(r.to, sizeof r.to, "%s", ident_kid(peer));
			snprintf(r.link, sizeof r.link, "cert");
			r.seq = (int64_t)(i / 2) + 1;
			stamp_format(made, r.received_at);
			buf_reset(&rcpt);
			if ((rc = envelope_receipt_build(&r, sig, &rcpt)))
				die("receipt", rc);
			memset(&m, 0, sizeof m);
			m.id = id;
			m.peer_id = pid;
			m.link = "cert";
			m.seq = r.seq;
			m.type = type;
			m.priority = "routine";
			m.subject = "indicator";
			m.jws = jws;
			m.jws_len = statement(i, jws);
			m.hash = hash;
			m.status = 200;
			m.reason = "";
			m.received_ms = made;
			m.receipt = buf_str(&rcpt);
			m.receipt_len = rcpt.len;
			m.receipt_fields = &r;
			rc = store_in_add(st, &m);
		}
		if (rc)
			die(sent ? "store_out_add" : "store_in_add", rc);
		if (formal) {
			struct store_desk_item it, o;

			memset(&it, 0, sizeof it);
			it.msg = id;
			it.out = sent;
			it.peer_id = pid;
			it.link = "cert";
			it.tmpl = type;
			it.priority = prios[item % 3];
			it.subject = "a formal message";
			it.agreement = "";
			it.reply_to = "";
			it.expects_reply = item % 4 != 3;
			it.made_ms = made;
			it.receipt_ms = made + 2000;
			it.ack_due_ms = it.receipt_ms + 3600000;
			it.reply_due_ms = it.expects_reply ? it.receipt_ms + 2 * DAY_MS : 0;
			it.ack_officer = it.ack_role = it.ack_note = it.ack_msg = it.reply_msg = "";
			it.open = 1;
			if ((rc = store_desk_item_add(st, &it)) || (rc = store_desk_item_put(st, &it)))
				die("item", rc);
			if (open_every && item % open_every == 0 && n_open < open) {
				n_open++;	/* open: spread over the items */
			} else {
				/* acknowledged 10 min after receipt, answered after
				 * an hour: the put that closes it sets closed_ms, as
				 * the desk's does */
				it.ack_ms = it.receipt_ms + 600000;
				it.ack_officer = "duty-officer";
				it.ack_role = "duty";
				it.ack_msg = id;
				if (it.expects_reply) {
					it.reply_ms = it.receipt_ms + 3600000;
					it.reply_msg = id;
				}
				o = it;
				o.open = 0;
				if ((rc = store_desk_item_put(st, &o)))
					die("item", rc);
				n_recent += (it.reply_ms > it.ack_ms ? it.reply_ms : it.ack_ms) >=
				    now - DAY_MS;
			}
			item++;
		}
		if (i % BATCH == BATCH - 1 || i == messages - 1) {
			if ((rc = store_commit(st)))
				die("commit", rc);
			if (now_ns() - mark > 5000000000 || i == messages - 1) {
				fprintf(stderr, "  ... %" PRIu64 " of %" PRIu64 " messages, %" PRIu64
				    " desk items\n", i + 1, messages, item);
				mark = now_ns();
			}
		}
	}
	buf_free(&rcpt);
	node_close(nd);
	ident_free(peer);
	printf("{\"what\":\"board_fill\",\"messages\":%" PRIu64 ",\"items\":%" PRIu64
	    ",\"open\":%" PRIu64 ",\"closed_last_day\":%" PRIu64 ",\"days\":%" PRId64
	    ",\"seconds\":%.1f}\n", messages, item, n_open, n_recent, days,
	    (double)(now_ns() - t) / 1e9);
	fflush(stdout);
}

/* ---- hook ---- */

struct hooks;

struct slot {
	struct hooks *k;
	int64_t started;	/* ns, of the run under way */
};

struct hooks {
	struct hook_runner *r;
	struct event_base *base;
	const char *path;
	const char *const *env;
	const char *in;
	size_t in_len;
	int64_t end_ns;
	int64_t *took;		/* ns per run, in the order they ended */
	size_t n, cap, failed;
	struct slot slots[64];
};

static void start_run(struct slot *s);

static void
on_done(void *arg, enum hook_result res, int code, const char *output)
{
	struct slot *s = arg;
	struct hooks *k = s->k;

	(void)code, (void)output;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		int64_t *t = realloc(k->took, cap * sizeof *t);

		if (!t)
			die("memory", ST_NOMEM);
		k->took = t;
		k->cap = cap;
	}
	k->took[k->n++] = now_ns() - s->started;
	k->failed += res != HOOK_OK;
	if (now_ns() < k->end_ns)
		start_run(s);
	else if (!hook_running(k->r))
		event_base_loopbreak(k->base);
}

static void
start_run(struct slot *s)
{
	struct hooks *k = s->k;
	status rc;

	s->started = now_ns();
	rc = hook_run(k->r, k->path, k->env, k->in, k->in_len, 10000, on_done, s);
	if (rc)
		die("hook_run", rc);
}

static void
hook(double seconds, int max_running, const char *path)
{
	static const char *const env[] = {
		"PARLEY_EVENT=escalate", "PARLEY_ID=01900000-0000-7000-8000-000000000001",
		"PARLEY_PEER=bravo", "PARLEY_PRIORITY=flash", "PARLEY_ROLE=duty",
		"PARLEY_OFFICER=duty-officer", NULL
	};
	static const char in[] =
	    "{\"at\":\"2026-11-26T23:00:00.000Z\",\"direction\":\"received\",\"event\":\"escalate\","
	    "\"id\":\"01900000-0000-7000-8000-000000000001\",\"level\":1,\"link\":\"urgent\","
	    "\"officer\":\"duty-officer\",\"peer\":\"bravo\",\"priority\":\"flash\","
	    "\"role\":\"duty\",\"subject\":\"incident at a grid operator\","
	    "\"template\":\"incident-notification\"}\n";
	struct hooks *k = calloc(1, sizeof *k);
	double cpu0, kids0, wall;
	int64_t t0;
	status rc;

	if (!k || !(k->base = event_base_new()))
		die("memory", ST_NOMEM);
	if ((rc = hook_runner_new(k->base, max_running, &k->r)))
		die("hook_runner_new", rc);
	k->path = path;
	k->env = env;
	k->in = in;
	k->in_len = sizeof in - 1;
	cpu0 = cpu_s(RUSAGE_SELF);
	kids0 = cpu_s(RUSAGE_CHILDREN);
	t0 = now_ns();
	k->end_ns = t0 + (int64_t)(seconds * 1e9);
	for (int i = 0; i < max_running; i++) {
		k->slots[i].k = k;
		start_run(&k->slots[i]);
	}
	event_base_dispatch(k->base);
	wall = (double)(now_ns() - t0) / 1e9;
	if (!k->n)
		die("no run ended", ST_INVALID);
	qsort(k->took, k->n, sizeof *k->took, cmp_i64);
	printf("{\"what\":\"hook\",\"path\":\"%s\",\"max_running\":%d,\"runs\":%zu,"
	    "\"failed\":%zu,\"seconds\":%.2f,\"per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
	    "\"max_ms\":%.2f,\"cpu_us\":%.0f,\"child_cpu_us\":%.0f}\n", path, max_running,
	    k->n, k->failed, wall, (double)k->n / wall, (double)k->took[k->n / 2] / 1e6,
	    (double)k->took[k->n * 99 / 100] / 1e6, (double)k->took[k->n - 1] / 1e6,
	    (cpu_s(RUSAGE_SELF) - cpu0) / (double)k->n * 1e6,
	    (cpu_s(RUSAGE_CHILDREN) - kids0) / (double)k->n * 1e6);
	fflush(stdout);
	hook_runner_free(k->r);
	event_base_free(k->base);
	free(k->took);
	free(k);
}

static long long
num(const char *s, long long lo, long long hi, const char *what)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (!s[0] || *end || v < lo || v > hi) {
		fprintf(stderr, "bench_desk: %s: %lld to %lld\n", what, lo, hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		die("sodium_init", ST_CRYPTO);
	signal(SIGPIPE, SIG_IGN);	/* as parleyd */
	diag_init("bench_desk", 1);
	if (argc == 8 && strcmp(argv[1], "fire") == 0) {
		long long n = num(argv[3], 1, 10000000, "N");

		fire(argv[2], (size_t)n, num(argv[4], 0, 3600000, "LEAD_MS"),
		    num(argv[5], 1, 3600000, "WINDOW_MS"), (int)num(argv[6], 0, 100, "SENT_PCT"),
		    (size_t)num(argv[7], 1, n, "BURST"));
		return 0;
	}
	if (argc == 7 && strcmp(argv[1], "board") == 0) {
		long long m = num(argv[3], 1, 100000000, "MESSAGES");
		long long items = num(argv[4], 0, m, "ITEMS");

		board(argv[2], (uint64_t)m, (uint64_t)items,
		    (uint64_t)num(argv[5], 0, items, "OPEN"), num(argv[6], 1, 3650, "DAYS"));
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "hook") == 0) {
		hook((double)num(argv[2], 1, 3600, "SECONDS"), (int)num(argv[3], 1, 64,
		    "MAX_RUNNING"), argv[4]);
		return 0;
	}
	fprintf(stderr, "usage: bench_desk fire DIR N LEAD_MS WINDOW_MS SENT_PCT BURST\n"
	    "       bench_desk board DIR MESSAGES ITEMS OPEN DAYS\n"
	    "       bench_desk hook SECONDS MAX_RUNNING PATH\n");
	return 2;
}
