/* cli_log.c - parley log (checkpoint, vkey, prove, verify, forks) and
 * parley evidence (write a bundle; verify one offline).
 *
 * log reads the node's store directly, so it works with parleyd stopped.
 * `evidence ID` asks parleyd, which fetches the peer's half of the proof
 * over the pinned link.  `evidence verify` needs no node and no network:
 * the bundle and the two parties' cards are enough.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/card.h"
#include "cli/cli.h"
#include "fmt/evidence.h"
#include "util/file.h"
#include "log/ledger.h"
#include "fmt/note.h"

static const char log_usage[] =
    "usage: parley log checkpoint | vkey | prove ID | verify | forks [--json]  [--dir DIR]\n"
    "  checkpoint  print the latest signed checkpoint (C2SP tlog-checkpoint) with\n"
    "              every cosignature the node holds\n"
    "  vkey        print the log's verifier key (C2SP signed-note vkey)\n"
    "  prove ID    print the tlog-proof@v1 of the message (sent) or its receipt\n"
    "              (received) against the latest checkpoint the peer cosigned\n"
    "  verify      recompute the tree from every stored entry and check it against\n"
    "              every signed checkpoint and every stored cosignature; exits 1\n"
    "              naming the first entry or checkpoint that does not match\n"
    "  forks       list peers' checkpoints found inconsistent with ones we cosigned\n";

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
	status rc;

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

static int
fork_row(void *arg, const struct store_fork *f)
{
	struct forks *fs = arg;
	char at[32];

	if (fs->json) {
		json_array_append_new(fs->arr, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "peer", f->peer, "detected_at", cli_time(f->at_ms, at), "reason", f->reason,
		    "cosigned", f->cosigned, "presented", f->presented));
		return 0;
	}
	printf("FORK of %s's log, detected %s: %s\n--- checkpoint we cosigned:\n%s"
	    "--- inconsistent checkpoint it presented:\n%s\n", f->peer, cli_time(f->at_ms, at),
	    f->reason, f->cosigned, f->presented);
	return 0;
}

int
cli_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *what;
	int ch, json = 0, e = 0;
	struct node *n;
	struct buf out;
	status rc = ST_OK;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(log_usage, 0);
		default: return cli_usage(log_usage, 1);
		}
	}
	if (optind >= argc)
		return cli_usage(log_usage, 1);
	what = argv[optind];
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

static const char evidence_usage[] =
    "usage: parley evidence ID [--dir DIR] > bundle.json\n"
    "       parley evidence verify BUNDLE --card A.card --card B.card\n"
    "  The first form writes the evidence bundle of a message sent or received:\n"
    "  the message and its receipt (exact JWS), the inclusion proof of each in\n"
    "  its signer's log, each against a checkpoint cosigned by the other party.\n"
    "  It needs parleyd, which fetches the peer's half over the pinned link.\n"
    "  The second form works offline with the two cards alone, prints what is\n"
    "  proven, or exits 1 naming the first check that failed.\n";

static int
load_card(const char *path, struct card *c)
{
	struct buf text;
	status rc;

	buf_init(&text, CARD_MAX_BYTES);
	rc = file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read card: %s", path, status_str(rc));
	}
	rc = card_parse(text.p, text.len, c);
	buf_free(&text);
	if (rc)
		return cli_fail("%s: not a valid card: %s", path, status_str(rc));
	return 0;
}

static int
evidence_check(const char *path, const char *const cardpath[2])
{
	struct card cards[2];
	struct evidence_report r;
	const char *why = NULL;
	struct buf out, text;
	status rc;
	int e;

	if (load_card(cardpath[0], &cards[0]) || load_card(cardpath[1], &cards[1]))
		return 1;
	buf_init(&text, EVIDENCE_MAX);
	rc = file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read bundle: %s", path, status_str(rc));
	}
	memset(&r, 0, sizeof r);
	rc = evidence_verify(text.p, text.len, cards, &r, &why);
	buf_free(&text);
	if (rc) {
		evidence_report_clear(&r);
		return cli_fail("evidence does NOT verify: %s (%s)", why ? why : "invalid",
		    status_str(rc));
	}
	buf_init(&out, 1u << 20);
	rc = evidence_describe(&r, &out);
	e = rc ? cli_fail("cannot describe the evidence: %s", status_str(rc)) :
	    printf("%s", buf_str(&out)) < 0;
	buf_free(&out);
	evidence_report_clear(&r);
	return e;
}

static int
evidence_fetch(const char *dir, const char *id, int timeout_s)
{
	struct apiclient *api;
	json_t *req, *resp = NULL;
	const char *bundle;
	status rc;

	if (!(dir = cli_dir(dir)) || !(api = cli_daemon(dir)))
		return 1;
	req = json_pack("{s:s, s:s}", "op", "evidence", "id", id);
	rc = req ? apiclient_send(api, req) : ST_NOMEM;
	json_decref(req);
	if (!rc)
		rc = apiclient_recv(api, timeout_s * 1000, &resp);
	apiclient_close(api);
	if (rc) {
		json_decref(resp);
		return cli_fail("parleyd did not answer: %s", status_str(rc));
	}
	bundle = json_string_value(json_object_get(resp, "bundle"));
	if (!json_is_true(json_object_get(resp, "ok")) || !bundle) {
		const char *err = json_string_value(json_object_get(resp, "error"));
		int e = cli_fail("%s: %s", id, err ? err : "no bundle");

		json_decref(resp);
		return e;
	}
	fputs(bundle, stdout);
	json_decref(resp);
	return 0;
}

int
cli_evidence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "card", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *cards[2] = { NULL, NULL };
	int ch, n_cards = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'c':
			if (n_cards == 2)
				return cli_fail("give exactly two --card options");
			cards[n_cards++] = optarg;
			break;
		case 'h': return cli_usage(evidence_usage, 0);
		default: return cli_usage(evidence_usage, 1);
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "verify") == 0) {
		if (n_cards != 2 || dir)
			return cli_fail("evidence verify takes BUNDLE and two --card options"
			    " (and no node)");
		return evidence_check(argv[optind + 1], cards);
	}
	if (argc - optind != 1 || n_cards)
		return cli_usage(evidence_usage, 1);
	return evidence_fetch(dir, argv[optind], 60);
}
