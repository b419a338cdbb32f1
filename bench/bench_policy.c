/* bench_policy.c - what the agreements in force cost per message, run by
 * bench/bench.py (and alone: `build/bench_policy`).
 *
 *   bench_policy [ROUND_MS]
 *	In a store of its own (a temp dir, removed at the end), with keys
 *	made for the run, times policy_send (the sender's check as
 *	link_queue asks it: no label, no agreement named, so the policy picks
 *	one and the label) and policy_receive (the receiver's, naming that
 *	agreement and label) for one message on cert, type indicator,
 *	priority routine, 500-byte body, against:
 *	  - 1 agreement held, binding the peer;
 *	  - 20 held, 1 binding the peer (19 with other peers);
 *	  - 20 held, all 20 binding the peer (newest last, as each allows it);
 *	  - 20 held, all binding the peer, each superseding the one before
 *	    (none expires: each but the newest ended by its successor);
 *	  - no agreement, the local agreement of the peer's pin (20 pins).
 *	Each figure is the median, over 9 rounds of ROUND_MS (default 100)
 *	ms each, of the mean time per call in a hot loop on one core; the
 *	slowest round's mean beside it.
 *
 * Prints a table (markdown) on stdout; progress and errors on stderr.
 * Timings are printed, never asserted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/agreement.h"
#include "node/policy.h"
#include "store/store.h"
#include "util/stamp.h"

#define PEERS 20		/* keys besides this node's */
#define ROUNDS 9
#define GOAL_US 5.0		/* per message, each check */

static struct ident *self, *peers[PEERS];
static char dir[64];
static int64_t round_ns = 100 * 1000000;

static void
die(const char *what, status rc)
{
	fprintf(stderr, "bench_policy: %s: %s\n", what, status_str(rc));
	exit(1);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* key - a new identity, its file in dir removed at once. */
static struct ident *
key(int i)
{
	char path[128];
	struct ident *id = NULL;
	status rc;

	snprintf(path, sizeof path, "%s/k%d.pem", dir, i);
	if ((rc = ident_create(path)) || (rc = ident_load(path, &id)))
		die("key", rc);
	unlink(path);
	return id;
}

static status
lookup(void *arg, const char *name, const char *kid, uint8_t pk[static IDENT_PK_LEN])
{
	(void)arg, (void)name;
	if (strcmp(kid, ident_kid(self)) == 0) {
		memcpy(pk, ident_pk(self), IDENT_PK_LEN);
		return ST_OK;
	}
	for (size_t i = 0; i < PEERS; i++)
		if (strcmp(kid, ident_kid(peers[i])) == 0) {
			memcpy(pk, ident_pk(peers[i]), IDENT_PK_LEN);
			return ST_OK;
		}
	return ST_NOTFOUND;
}

/* agree - hold in st the draft agreement between this node and peer,
 * effective at effective_ms, superseding prev (NULL: none), signed by
 * both, as the agreements service keeps one; id gets its id. */
static void
agree(struct store *st, const struct ident *peer, int64_t effective_ms, const char *prev,
    char id[static STAMP_UUID_LEN])
{
	struct agreement_party ps[2];
	char why[AGREEMENT_WHY_MAX];
	struct agreement_sigs sigs;
	struct store_agree row;
	struct agreement *a;
	struct buf d, one, both;
	status rc;

	memset(ps, 0, sizeof ps);
	snprintf(ps[0].name, sizeof ps[0].name, "self");
	snprintf(ps[0].kid, sizeof ps[0].kid, "%s", ident_kid(self));
	snprintf(ps[1].name, sizeof ps[1].name, "peer");
	snprintf(ps[1].kid, sizeof ps[1].kid, "%s", ident_kid(peer));
	stamp_uuid7(id);
	buf_init(&d, AGREEMENT_PAYLOAD_MAX);
	buf_init(&one, AGREEMENT_DOC_MAX);
	buf_init(&both, AGREEMENT_DOC_MAX);
	if ((rc = agreement_draft(ps, 2, NULL, id, effective_ms, &d, why)))
		die("agreement_draft", rc);
	if (prev) {
		json_t *j = json_loadb(d.p, d.len, 0, NULL);
		char *text;

		if (!j || json_object_set_new(j, "supersedes", json_string(prev)) ||
		    !(text = json_dumps(j, JSON_COMPACT)))
			die("supersedes", ST_NOMEM);
		buf_reset(&d);
		rc = buf_adds(&d, text);
		free(text);
		json_decref(j);
		if (rc)
			die("supersedes", rc);
	}
	if ((rc = agreement_sign(self, d.p, d.len, &one, why)) ||
	    (rc = agreement_countersign(peer, one.p, one.len, lookup, NULL, &both, why)) ||
	    (rc = agreement_verify(both.p, both.len, lookup, NULL, &a, &sigs, why))) {
		fprintf(stderr, "bench_policy: agreement: %s\n", why);
		die("agreement", rc);
	}
	memset(&row, 0, sizeof row);
	row.id = agreement_id(a);
	row.doc = buf_str(&both);
	row.title = agreement_title(a);
	row.parties = "self,peer";
	row.signed_by = "self,peer";
	row.n_parties = (int64_t)sigs.n_parties;
	row.n_signed = (int64_t)sigs.n_signed;
	row.effective_ms = agreement_effective_ms(a);
	row.expires_ms = agreement_expires_ms(a);
	if ((rc = store_agree_put(st, &row, effective_ms)))
		die("store_agree_put", rc);
	agreement_free(a);
	buf_free(&d);
	buf_free(&one);
	buf_free(&both);
}

/* pin - pin peer i with links, as `peer add --links` did. */
static void
pin(struct store *st, int i, const char *links)
{
	struct store_peer sp;
	char name[16];
	status rc;

	memset(&sp, 0, sizeof sp);
	snprintf(name, sizeof name, "peer%d", i);
	sp.name = name;
	memcpy(sp.pk, ident_pk(peers[i]), IDENT_PK_LEN);
	sp.kid = ident_kid(peers[i]);
	sp.endpoint = "https://127.0.0.1:7402";
	sp.links = links;
	sp.card = "{}";
	if ((rc = store_peer_add(st, &sp, NULL)))
		die("store_peer_add", rc);
}

struct run {
	struct policy *p;
	const char *peer;	/* its key id */
	struct policy_msg send, recv;
	int64_t now;
};

/* per_call - the median and the slowest of ROUNDS rounds' mean ns per
 * call of policy_send (receive 0) or policy_receive (receive 1). */
static void
per_call(struct run *r, int receive, double *median_us, double *max_us)
{
	char agreement[STAMP_UUID_LEN], tlp[TLP_NAME_MAX], why[AGREEMENT_WHY_MAX];
	int64_t per[ROUNDS];
	int bad = 0;

	for (int k = 0; k < ROUNDS; k++) {
		int64_t t0 = now_ns(), t, n = 0;

		do {
			for (int i = 0; i < 64; i++, n++)
				bad |= receive ?
				    policy_receive(r->p, r->peer, &r->recv, r->now, why) != ST_OK :
				    policy_send(r->p, r->peer, &r->send, r->now, agreement, tlp,
				    why) != ST_OK;
		} while ((t = now_ns() - t0) < round_ns);
		per[k] = t * 1000 / n;	/* ps per call */
	}
	if (bad) {
		fprintf(stderr, "bench_policy: refused: %s\n", why);
		die(receive ? "policy_receive" : "policy_send", ST_INVALID);
	}
	qsort(per, ROUNDS, sizeof *per, cmp_i64);
	*median_us = (double)per[ROUNDS / 2] / 1e6;
	*max_us = (double)per[ROUNDS - 1] / 1e6;
}

/* scenario - a fresh store with n_agree agreements (binding of them
 * with peers[0], the rest with peers[1..]; each superseding the one
 * before when chain), or none and every peer pinned with links (n_agree
 * 0); time both checks; print a row. */
static void
scenario(const char *label, size_t n_agree, size_t binding, int chain)
{
	char path[128], id[STAMP_UUID_LEN] = "", agreement[STAMP_UUID_LEN], tlp[TLP_NAME_MAX];
	char prev[STAMP_UUID_LEN];
	char why[AGREEMENT_WHY_MAX];
	int64_t t = stamp_now_ms();
	double send_us, send_max, recv_us, recv_max;
	struct store *st;
	struct run r;
	status rc;

	snprintf(path, sizeof path, "%s/parley.db", dir);
	unlink(path);
	if ((rc = store_open(path, 1, &st)))
		die(path, rc);
	for (size_t i = 0; i < n_agree; i++) {	/* the binding ones last: the newest */
		memcpy(prev, id, sizeof prev);
		agree(st, i < n_agree - binding ? peers[1 + i % (PEERS - 1)] : peers[0],
		    t - 86400000 + (int64_t)i, chain && i ? prev : NULL, id);
	}
	if (n_agree == 0)
		for (int i = 0; i < PEERS; i++)
			pin(st, i, "urgent,cert");
	memset(&r, 0, sizeof r);
	if ((rc = policy_new(st, ident_kid(self), 1024 * 1024, &r.p)))
		die("policy_new", rc);
	r.peer = ident_kid(peers[0]);
	r.now = t;
	r.send = (struct policy_msg){ "cert", "indicator", "routine", 500, NULL, NULL, NULL };
	if ((rc = policy_send(r.p, r.peer, &r.send, t, agreement, tlp, why))) {
		fprintf(stderr, "bench_policy: %s\n", why);
		die("policy_send", rc);
	}
	r.recv = (struct policy_msg){ "cert", "indicator", "routine", 500, tlp, agreement, NULL };
	fprintf(stderr, "bench_policy: %s ...\n", label);
	per_call(&r, 0, &send_us, &send_max);
	per_call(&r, 1, &recv_us, &recv_max);
	printf("| %s | %s | %.2f (%.2f) | %.2f (%.2f) | < %.0f |\n", label,
	    strcmp(agreement, ENV_AGREEMENT_LOCAL) == 0 ? "local" : "signed", send_us, send_max,
	    recv_us, recv_max, GOAL_US);
	fflush(stdout);
	policy_free(r.p);
	store_close(st);
	unlink(path);
}

int
main(int argc, char **argv)
{
	char path[128];

	if (argc > 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: bench_policy [ROUND_MS]\n");
		return 2;
	}
	if (argc == 2) {
		long ms = strtol(argv[1], NULL, 10);

		if (ms < 1 || ms > 10000) {
			fprintf(stderr, "bench_policy: ROUND_MS: 1 to 10000\n");
			return 2;
		}
		round_ns = (int64_t)ms * 1000000;
	}
	snprintf(dir, sizeof dir, "%s", "/tmp/parley-bench-policy-XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp", ST_IO);
	self = key(0);
	for (int i = 0; i < PEERS; i++)
		peers[i] = key(i + 1);
	printf("agreements in force: the checks per message (cert, indicator, routine, "
	    "500-byte body), us per call, median of %d rounds of %" PRId64 " ms "
	    "(slowest round)\n", ROUNDS, round_ns / 1000000);
	printf("| store holds | sent under | policy_send us | policy_receive us | goal us |\n");
	printf("|---|---|---|---|---|\n");
	scenario("1 agreement, binding the peer", 1, 1, 0);
	scenario("20 agreements, 1 binding the peer", 20, 1, 0);
	scenario("20 agreements, all binding the peer", 20, 20, 0);
	scenario("20 agreements binding the peer, each superseding the one before", 20, 20, 1);
	scenario("no agreement; 20 pins with links", 0, 0, 0);
	ident_free(self);
	for (int i = 0; i < PEERS; i++)
		ident_free(peers[i]);
	/* the store's files, if any were left, then the dir */
	snprintf(path, sizeof path, "%s/parley.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/parley.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
