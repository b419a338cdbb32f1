/* cli_log.c - parley log: checkpoint, vkey, prove, verify, forks,
 * accept-loss.
 *
 * log reads the node's store directly, so it works with parleyd stopped;
 * accept-loss asks the running parleyd, which holds the peers' marks.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "api/apiclient.h"
#include "cli/cli.h"
#include "fmt/card.h"
#include "fmt/note.h"
#include "log/ledger.h"
#include "util/text.h"

static const char log_usage[] =
    "usage: parley log checkpoint | vkey | prove ID | verify | forks [--json] |\n"
    "                  accept-loss [--yes]  [--dir DIR]\n"
    "  checkpoint  print the latest signed checkpoint (C2SP tlog-checkpoint) with\n"
    "              every cosignature the node holds\n"
    "  vkey        print the log's verifier key (C2SP signed-note vkey)\n"
    "  prove ID    print the tlog-proof@v1 of the message (sent) or its receipt\n"
    "              (received) against the latest checkpoint the peer cosigned\n"
    "  verify      recompute the tree from every stored entry and check it against\n"
    "              every signed checkpoint and every stored cosignature; exits 1\n"
    "              naming the first entry or checkpoint that does not match\n"
    "  forks       list the proofs that a peer signed two statements that cannot\n"
    "              both be true: two inconsistent checkpoints of its log, two\n"
    "              messages for one sequence number, two receipts for one message;\n"
    "              and losses peers declared\n"
    "  accept-loss this node halted (its store lacks history its peers hold) and\n"
    "              cannot recover it: go on without it.  Sequence numbers skip past\n"
    "              what peers hold, the log goes on from its current size under a\n"
    "              signed loss statement, and every peer is told and records it.\n"
    "              Nothing lost is recovered.  Without --yes, says what is lost.\n";

static void
progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "parley log verify: %" PRIu64 " of %" PRIu64 " entries\n", done, total);
}

static int
peer_id_of(void *arg, const struct store_peer *p)
{
	*(int64_t *)arg = p->id;
	return 1;
}

static int
entry_peer(void *arg, const struct store_entry *e)
{
	snprintf(arg, CARD_NAME_MAX + 1, "%s", e->peer);
	return 1;
}

static int
log_prove(struct node *n, const char *id)
{
	char peer[CARD_NAME_MAX + 1] = "";
	int64_t peer_id = 0;
	const char *why;
	struct buf out;
	status rc;

	buf_init(&out, 1u << 20);
	rc = store_log_find(node_store(n), id, entry_peer, peer);
	if (!rc)
		rc = store_peer_find(node_store(n), peer, NULL, peer_id_of, &peer_id);
	if (!rc)
		rc = ledger_prove(n, id, peer_id, NULL, &out, &why);
	if (rc == ST_TIMEOUT) {
		fprintf(stderr, "parley log: %s is not yet cosigned by %s; the proof is"
		    " against our latest checkpoint\n", id, peer);
		buf_reset(&out);
		rc = ledger_prove(n, id, 0, NULL, &out, &why);
	}
	if (rc) {
		buf_free(&out);
		return cli_fail("%s: %s", id, rc == ST_NOTFOUND ?
		    "no message or receipt with that id in this log" : why ? why : status_str(rc));
	}
	fwrite(out.p, 1, out.len, stdout);
	buf_free(&out);
	return 0;
}

static int
log_verify(struct node *n)
{
	struct buf out;
	char msg[1024];
	status rc;

	/* the store's pages first: SQLite's own words for a damaged one */
	rc = store_check(node_store(n), 0, NULL, NULL, msg, sizeof msg);
	if (rc)
		return cli_fail("log NOT verified: store %s (SQLite's quick_check: %s)",
		    rc == ST_CORRUPT ? "is damaged" : "cannot be checked", msg);
	buf_init(&out, 4096);
	rc = ledger_verify(n, progress, NULL, &out);
	if (rc) {
		int e = cli_fail("log does NOT verify: %s", out.len ? buf_str(&out) :
		    status_str(rc));

		buf_free(&out);
		return e;
	}
	buf_free(&out);
	printf("log verified: %" PRIu64 " entries match the stored tree, every signed"
	    " checkpoint and every stored cosignature\n", store_log_size(node_store(n)));
	return 0;
}

struct forks {
	json_t *arr;
	int json;
};

/* accept_loss - ask parleyd to accept the loss (--yes), or say what it is. */
static int
accept_loss(const char *dir, int yes)
{
	struct apiclient *api;
	json_t *req, *resp = NULL;
	const char *halted, *err;
	status rc;
	int e;

	if (!(api = cli_daemon(dir)))
		return 1;
	req = json_pack("{s:s}", "op", yes ? "accept_loss" : "status");
	rc = req ? apiclient_send(api, req) : ST_NOMEM;
	json_decref(req);
	if (!rc)
		rc = apiclient_recv(api, 10000, &resp);
	apiclient_close(api);
	if (rc) {
		json_decref(resp);
		return cli_fail("parleyd did not answer: %s", status_str(rc));
	}
	err = json_string_value(json_object_get(resp, "error"));
	if (!yes) {
		halted = json_string_value(json_object_get(json_object_get(resp, "status"),
		    "halted"));
		e = halted ? cli_fail("this node has halted: %s\nrun `parley log accept-loss"
		    " --yes` to go on without that history: sequence numbers skip past what"
		    " peers hold, the log goes on from its current size, every peer is told;"
		    " nothing lost is recovered", cli_text(halted, 0)) :
		    cli_fail("nothing to accept: this node has not halted");
	} else if (!json_is_true(json_object_get(resp, "ok")))
		e = cli_fail("loss not accepted: %s", err ? cli_text(err, 0) : "error");
	else
		e = printf("loss accepted: this node signs again; each peer is told at its next"
		    " hello (parley status)\n") < 0;
	json_decref(resp);
	return e;
}

static int
fork_row(void *arg, const struct store_fork *f)
{
	struct forks *fs = arg;
	int ckpt = strcmp(f->kind, STORE_FORK_CHECKPOINT) == 0;
	char at[32];

	if (fs->json) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)f->id, "peer", f->peer, "kind", f->kind,
		    "subject", f->subject, "detected_at", cli_time(f->at_ms, at),
		    "reason", f->reason, "held", f->held, "presented", f->presented);

		if (o && ckpt)	/* the name a checkpoint's first note had */
			json_object_set_new(o, "cosigned", json_string(f->held));
		json_array_append_new(fs->arr, o);
		return 0;
	}
	/* Statements are base64url (JWS) or note text a signature covers;
	 * the reason is ours.  Names and notes are still escaped. */
	printf("FORK %lld: %s of %s, detected %s: %s\n", (long long)f->id, f->kind,
	    cli_text(f->peer, 0), cli_time(f->at_ms, at), f->reason);
	printf("  prove it offline: parley evidence fork %lld > proof.json\n", (long long)f->id);
	if (ckpt)
		printf("--- checkpoint we cosigned:\n%s--- inconsistent checkpoint it presented:\n"
		    "%s\n", cli_text(f->held, TEXT_LINES), cli_text(f->presented, TEXT_LINES));
	else
		printf("--- the %s we hold:\n%s\n--- the other %s it signed:\n%s\n", f->kind,
		    cli_text(f->held, 0), f->kind, cli_text(f->presented, 0));
	return 0;
}

int
cli_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *what;
	int ch, json = 0, yes = 0, e = 0;
	struct node *n;
	struct buf out;
	status rc = ST_OK;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'y': yes = 1; break;
		case 'h': return cli_usage(log_usage, 0);
		default: return cli_usage(log_usage, 1);
		}
	}
	if (optind >= argc)
		return cli_usage(log_usage, 1);
	what = argv[optind];
	if (strcmp(what, "accept-loss") == 0) {
		if (argc - optind != 1 || json)
			return cli_usage(log_usage, 1);
		return (dir = cli_dir(dir)) ? accept_loss(dir, yes) : 1;
	}
	if (yes)
		return cli_usage(log_usage, 1);
	if ((strcmp(what, "prove") == 0) != (argc - optind == 2) || argc - optind > 2 ||
	    (json && strcmp(what, "forks") != 0))
		return cli_usage(log_usage, 1);
	if (strcmp(what, "checkpoint") && strcmp(what, "vkey") && strcmp(what, "prove") &&
	    strcmp(what, "verify") && strcmp(what, "forks"))
		return cli_usage(log_usage, 1);
	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	buf_init(&out, 1u << 20);
	if (strcmp(what, "checkpoint") == 0) {
		rc = ledger_note(n, UINT64_MAX, &out);
		if (rc == ST_NOTFOUND)
			e = cli_fail("the log is empty: no checkpoint signed yet");
		else if (rc)
			e = cli_fail("cannot read the checkpoint: %s", status_str(rc));
		else
			fwrite(out.p, 1, out.len, stdout);
	} else if (strcmp(what, "vkey") == 0) {
		struct note_key k;

		rc = note_key_init(&k, node_origin(n), NOTE_ED25519, ident_pk(node_ident(n)));
		if (!rc)
			rc = note_vkey(&k, &out);
		e = rc ? cli_fail("cannot make the verifier key: %s", status_str(rc)) :
		    printf("%s\n", buf_str(&out)) < 0;
	} else if (strcmp(what, "prove") == 0)
		e = log_prove(n, argv[optind + 1]);
	else if (strcmp(what, "verify") == 0)
		e = log_verify(n);
	else {
		struct forks fs = { json ? json_array() : NULL, json };

		rc = store_fork_list(node_store(n), fork_row, &fs);
		if (rc)
			e = cli_fail("cannot read forks: %s", status_str(rc));
		else if (json)
			e = cli_json(json_incref(fs.arr));
		else if (json_array_size(fs.arr) == 0 && !json)
			printf("no forks on record\n");
		json_decref(fs.arr);
	}
	buf_free(&out);
	node_close(n);
	return e;
}
