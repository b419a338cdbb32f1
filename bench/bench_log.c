/* bench_log.c - the cosigned log's benchmarks, run by bench/bench.py.
 *
 *   bench_log append DIR MESSAGES TOTAL BATCH
 *	On the node in DIR (made by `parley init`), BATCH entries per
 *	fsync'd transaction, each followed by a checkpoint signed and
 *	committed in a transaction of its own, as the daemon does:
 *	1. MESSAGES messages queued through the real store path (outbox row
 *	   and log entry together), as `parley send` stores them;
 *	2. then entries appended to the log alone (store_log_append: leaf,
 *	   subtree hashes, checkpoint) until the log holds TOTAL: the log's own
 *	   cost, without the message rows it stands beside;
 *	3. at TOTAL entries, inclusion and consistency proofs produced from the
 *	   stored subtree hashes and verified, as bare hashes and as the
 *	   tlog-proof text `parley log prove` prints (for messages of step 1;
 *	   the verification checks the checkpoint's signature too).
 *
 *   bench_log bundle FILE CARD CARD [ROUNDS]
 *	Time `parley evidence verify` of bundle FILE against two cards,
 *	in-process (no process start, no file reads in the loop).
 *
 *   bench_log ed25519 MSG_LEN RECEIPT_LEN
 *	The reference cost of the signature work a message brings each side
 *	(libsodium, as the daemon; hot loop, one core): Ed25519 sign and
 *	verify of MSG_LEN and of RECEIPT_LEN bytes (the signing inputs of a
 *	message and of its receipt), the median of 9 rounds of 100 ms each.
 *
 * Results go to stdout, one JSON object per line, for bench.py's tables;
 * progress goes to stderr.  The store in DIR is a benchmark's: step 2's
 * entries stand for no stored statement, so `parley log verify` fails on it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/card.h"
#include "fmt/ckpt.h"
#include "fmt/evidence.h"
#include "util/file.h"
#include "log/ledger.h"
#include "node/node.h"
#include "fmt/note.h"
#include "store/store.h"
#include "fmt/tlog.h"

#define ROUNDS 2000		/* proofs timed of each kind */
#define ENTRY_LEN 720		/* bytes of a statement: a message with a 500-byte body */

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

/* report - print {"what":..., "n":..., "p50_us":..., "p99_us":..., "max_us":...}
 * for the n timings in ns (sorted here). */
static void
report(const char *what, int64_t *ns, size_t n)
{
	qsort(ns, n, sizeof *ns, cmp_i64);
	printf("{\"what\":\"%s\",\"n\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n",
	    what, n, (double)ns[n / 2] / 1e3, (double)ns[n * 99 / 100] / 1e3,
	    (double)ns[n - 1] / 1e3);
	fflush(stdout);
}

static void
die(const char *what, status rc)
{
	fprintf(stderr, "bench_log: %s: %s\n", what, status_str(rc));
	exit(1);
}

/* entry - statement i: JWS-shaped, distinct per i, the same each call. */
static size_t
entry(uint64_t i, char out[static ENTRY_LEN + 1])
{
	static const char b64u[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	static char tmpl[ENTRY_LEN + 1];
	char head[40];
	int n;

	if (!tmpl[0]) {
		uint64_t x = 0x9E3779B97F4A7C15u;

		for (size_t k = 0; k < ENTRY_LEN; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			tmpl[k] = k == ENTRY_LEN - 87 ? '.' : b64u[x & 63];
		}
	}
	memcpy(out, tmpl, sizeof tmpl);
	n = snprintf(head, sizeof head, "eyJhbGciOiJFZERTQSJ9.%016" PRIx64, i);
	memcpy(out, head, (size_t)n);
	return ENTRY_LEN;
}

static void
msg_id(uint64_t i, char out[static 37])
{
	snprintf(out, 37, "00000000-0000-4000-8000-%012" PRIx64, i & 0xffffffffffffu);
}

static uint64_t rng = 0x2545F4914F6CDD1Du;

static uint64_t
below(uint64_t n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng % n;
}

static int64_t
add_peer(struct store *st)
{
	struct store_peer p;
	int64_t id;
	status rc;

	memset(&p, 0, sizeof p);
	p.name = "bench-peer";
	randombytes_buf(p.pk, sizeof p.pk);
	p.kid = "bench";
	p.endpoint = "https://127.0.0.1:1";
	p.links = "cert";
	p.card = "{}";
	if ((rc = store_peer_add(st, &p, &id)))
		die("adding a peer", rc);
	return id;
}

/* append - step 1 (messages != 0: `messages` outbox rows with their log
 * entries) or step 2 (log entries alone up to `total`), batch per commit. */
static void
append(struct node *n, int64_t peer, uint64_t messages, uint64_t total, uint64_t batch)
{
	struct store *st = node_store(n);
	uint64_t base = store_log_size(st), want = messages ? messages : total - base;
	uint64_t done = 0, marked = 0, ckpts = 0;
	int64_t t0 = now_ns(), mark = t0, ckpt_ns = 0;
	char jws[ENTRY_LEN + 1], id[37];
	status rc;

	while (done < want) {
		uint64_t k = want - done < batch ? want - done : batch, got;
		int64_t c0;

		if ((rc = store_begin(st)))
			die("begin", rc);
		for (uint64_t j = 0; j < k; j++) {
			uint64_t i = base + done + j;
			struct store_out m;

			if (!messages) {	/* rid: no stored row, unique */
				if ((rc = store_log_append(st, STORE_ENTRY_RECEIPT, (int64_t)i + 1,
				    jws, entry(i, jws))))
					die("store_log_append", rc);
				continue;
			}
			memset(&m, 0, sizeof m);
			msg_id(i, id);
			m.id = id;
			m.peer_id = peer;
			m.link = "cert";
			m.seq = (int64_t)i + 1;
			m.type = "indicator";
			m.priority = "routine";
			m.subject = "indicator";
			m.jws = jws;
			m.jws_len = entry(i, jws);
			m.created_ms = 1;
			if ((rc = store_out_add(st, &m)))
				die("store_out_add", rc);
		}
		if ((rc = store_commit(st)))
			die("commit", rc);
		if ((rc = store_begin(st)))
			die("begin", rc);
		c0 = now_ns();
		if ((rc = ledger_checkpoint(n, 1, &got)) || got != base + done + k)
			die("ledger_checkpoint", rc ? rc : ST_INVALID);
		ckpt_ns += now_ns() - c0;
		ckpts++;
		if ((rc = store_commit(st)))
			die("commit", rc);
		done += k;
		if (now_ns() - mark > 2000000000 || done == want) {
			fprintf(stderr, "  ... %s: %" PRIu64 " of %" PRIu64 ", %.0f/s\n",
			    messages ? "messages" : "log entries", done, want,
			    (double)(done - marked) * 1e9 / (double)(now_ns() - mark));
			mark = now_ns(), marked = done;
		}
	}
	printf("{\"what\":\"%s\",\"n\":%" PRIu64 ",\"batch\":%" PRIu64
	    ",\"seconds\":%.2f,\"per_s\":%.0f,\"checkpoint_us\":%.0f,\"entry_bytes\":%d,"
	    "\"log_size\":%" PRIu64 "}\n", messages ? "messages" : "log", want, batch,
	    (double)(now_ns() - t0) / 1e9, (double)want * 1e9 / (double)(now_ns() - t0),
	    (double)ckpt_ns / 1e3 / (double)ckpts, ENTRY_LEN, store_log_size(st));
	fflush(stdout);
}

/* proofs - time proofs at the log's current size; the tlog-proof texts
 * are of the first `messages` entries (step 1's). */
static void
proofs(struct node *n, uint64_t messages)
{
	struct store *st = node_store(n);
	uint64_t size = store_log_size(st);
	int64_t *prod = calloc(ROUNDS, sizeof *prod), *ver = calloc(ROUNDS, sizeof *ver);
	uint8_t (*h)[TLOG_HASH] = calloc(TLOG_PROOF_MAX, TLOG_HASH);
	uint8_t root[TLOG_HASH], leaf[TLOG_HASH], root_m[TLOG_HASH];
	char jws[ENTRY_LEN + 1], id[37];
	struct note_key key;
	struct buf text;
	status rc;

	if (!prod || !ver || !h)
		die("memory", ST_NOMEM);
	buf_init(&text, 1 << 16);
	if ((rc = tlog_tree_hash(size, store_log_node, st, root)))
		die("tree hash", rc);
	if ((rc = note_key_init(&key, node_origin(n), NOTE_ED25519, ident_pk(node_ident(n)))))
		die("key", rc);

	for (int r = 0; r < ROUNDS; r++) {	/* inclusion, bare hashes */
		uint64_t i = below(size);
		size_t k;
		int64_t t0 = now_ns();

		if ((rc = tlog_inclusion(i, size, store_log_node, st, h, &k)))
			die("inclusion", rc);
		prod[r] = now_ns() - t0;
		tlog_leaf_hash(jws, entry(i, jws), leaf);
		t0 = now_ns();
		if ((rc = tlog_verify_inclusion(i, size, leaf, (const uint8_t (*)[TLOG_HASH])h, k,
		    root)))
			die("inclusion verify", rc);
		ver[r] = now_ns() - t0;
	}
	report("inclusion proof: produce (stored hashes)", prod, ROUNDS);
	report("inclusion proof: verify", ver, ROUNDS);

	for (int r = 0; r < ROUNDS; r++) {	/* consistency, bare hashes */
		uint64_t m = 1 + below(size - 1);
		size_t k;
		int64_t t0;

		if ((rc = tlog_tree_hash(m, store_log_node, st, root_m)))
			die("tree hash", rc);
		t0 = now_ns();
		if ((rc = tlog_consistency(m, size, store_log_node, st, h, &k)))
			die("consistency", rc);
		prod[r] = now_ns() - t0;
		t0 = now_ns();
		if ((rc = tlog_verify_consistency(m, size, root_m, root,
		    (const uint8_t (*)[TLOG_HASH])h, k)))
			die("consistency verify", rc);
		ver[r] = now_ns() - t0;
	}
	report("consistency proof: produce (stored hashes)", prod, ROUNDS);
	report("consistency proof: verify", ver, ROUNDS);

	for (int r = 0; r < ROUNDS; r++) {	/* what `parley log prove` gives */
		uint64_t i = below(messages);
		struct ckpt_proof p;
		struct note_check chk;
		struct ckpt c;
		const char *why;
		size_t tl;
		int64_t t0;

		msg_id(i, id);
		buf_reset(&text);
		t0 = now_ns();
		if ((rc = ledger_prove(n, id, 0, NULL, &text, &why)))
			die(why ? why : "ledger_prove", rc);
		prod[r] = now_ns() - t0;
		tlog_leaf_hash(jws, entry(i, jws), leaf);
		t0 = now_ns();
		if ((rc = ckpt_proof_parse(text.p, text.len, &p)) ||
		    (rc = note_verify(p.note, p.note_len, &key, 1, &chk)) ||
		    (rc = note_split(p.note, p.note_len, &tl)) ||
		    (rc = ckpt_parse(p.note, tl, &c)) ||
		    (rc = tlog_verify_inclusion(p.index, c.size, leaf,
		    (const uint8_t (*)[TLOG_HASH])p.hashes, p.n_hashes, c.root)))
			die("tlog-proof verify", rc);
		ver[r] = now_ns() - t0;
	}
	report("tlog-proof text: produce (parley log prove)", prod, ROUNDS);
	report("tlog-proof text: verify (with checkpoint signature)", ver, ROUNDS);
	printf("{\"what\":\"size\",\"n\":%" PRIu64 "}\n", size);
	buf_free(&text);
	free(h);
	free(prod);
	free(ver);
}

static void
load_card(const char *path, struct card *c)
{
	struct buf b;
	status rc;

	buf_init(&b, 1 << 20);
	if ((rc = file_read(path, &b)) || (rc = card_parse(b.p, b.len, c)))
		die(path, rc);
	buf_free(&b);
}

static void
bundle(const char *path, const char *a, const char *b, int rounds)
{
	struct card cards[2];
	struct buf text;
	int64_t *ns = calloc((size_t)rounds, sizeof *ns);
	status rc;

	if (!ns)
		die("memory", ST_NOMEM);
	load_card(a, &cards[0]);
	load_card(b, &cards[1]);
	buf_init(&text, EVIDENCE_MAX);
	if ((rc = file_read(path, &text)))
		die(path, rc);
	for (int r = 0; r < rounds; r++) {
		struct evidence_report rep;
		const char *why;
		int64_t t0 = now_ns();

		rc = evidence_verify(text.p, text.len, cards, &rep, &why);
		ns[r] = now_ns() - t0;
		evidence_report_clear(&rep);
		if (rc)
			die(why ? why : "evidence_verify", rc);
	}
	report("evidence bundle: verify (parley evidence verify, in-process)", ns, (size_t)rounds);
	buf_free(&text);
	free(ns);
}

/* sig_us - µs per call of one Ed25519 operation on len bytes: the median
 * of 9 rounds of about 100 ms. */
static double
sig_us(size_t len, int verify)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
	unsigned char *m = malloc(len ? len : 1);
	int64_t per[9];
	int bad = 0;

	if (!m)
		die("memory", ST_NOMEM);
	memset(m, 'x', len);
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, m, len, sk);
	for (int r = 0; r < 9; r++) {
		int64_t t0 = now_ns(), t;
		int64_t n = 0;

		do {
			for (int k = 0; k < 16; k++, n++) {
				if (verify)
					bad += crypto_sign_verify_detached(sig, m, len, pk) != 0;
				else
					crypto_sign_detached(sig, NULL, m, len, sk);
			}
		} while ((t = now_ns() - t0) < 100000000);
		per[r] = t * 1000 / n;	/* ps per call */
	}
	if (bad)
		die("ed25519: a signature did not verify", ST_CRYPTO);
	qsort(per, 9, sizeof *per, cmp_i64);
	free(m);
	return (double)per[4] / 1e6;
}

static void
ed25519(size_t msg_len, size_t receipt_len)
{
	printf("{\"what\":\"ed25519\",\"msg_len\":%zu,\"receipt_len\":%zu,"
	    "\"sign_msg_us\":%.2f,\"verify_msg_us\":%.2f,"
	    "\"sign_receipt_us\":%.2f,\"verify_receipt_us\":%.2f}\n",
	    msg_len, receipt_len, sig_us(msg_len, 0), sig_us(msg_len, 1),
	    sig_us(receipt_len, 0), sig_us(receipt_len, 1));
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct node *n;
	status rc;

	if (sodium_init() < 0)
		die("libsodium", ST_CRYPTO);
	if (argc == 6 && strcmp(argv[1], "append") == 0) {
		uint64_t messages = strtoull(argv[3], NULL, 10), total = strtoull(argv[4], NULL, 10);
		uint64_t batch = strtoull(argv[5], NULL, 10);
		int64_t peer;

		if (messages == 0 || total < messages || batch == 0)
			die("append: need 0 < MESSAGES <= TOTAL and BATCH > 0", ST_INVALID);
		if ((rc = node_open(argv[2], &n)))
			die(argv[2], rc);
		if (store_log_size(node_store(n)) != 0)
			die("append: the node's log must be empty", ST_INVALID);
		peer = add_peer(node_store(n));
		append(n, peer, messages, total, batch);
		if (total > messages)
			append(n, peer, 0, total, batch);
		proofs(n, messages);
		node_close(n);
		return 0;
	}
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "bundle") == 0) {
		bundle(argv[2], argv[3], argv[4], argc == 6 ? atoi(argv[5]) : 500);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "ed25519") == 0) {
		ed25519(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10));
		return 0;
	}
	fprintf(stderr, "usage: bench_log append DIR MESSAGES TOTAL BATCH\n"
	    "       bench_log bundle FILE CARD CARD [ROUNDS]\n"
	    "       bench_log ed25519 MSG_LEN RECEIPT_LEN\n");
	return 2;
}
