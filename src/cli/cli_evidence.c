/* cli_evidence.c - parley evidence: write the evidence bundle of a message
 * or an agreement, or verify one offline.
 *
 * `evidence ID` asks parleyd, which fetches the peer's half of the proof
 * over the pinned link.  `evidence verify` needs no node and no network:
 * the bundle and the two parties' cards are enough.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/apiclient.h"
#include "cli/cli.h"
#include "fmt/stixbatch.h"
#include "fmt/agreement.h"
#include "fmt/agrevidence.h"
#include "fmt/card.h"
#include "fmt/evidence.h"
#include "fmt/forkproof.h"
#include "node/node.h"
#include "store/store_log.h"
#include "util/file.h"

static const char evidence_usage[] =
    "usage: parley evidence ID [--dir DIR] > bundle.json\n"
    "       parley evidence fork N [--dir DIR] > proof.json\n"
    "       parley evidence verify BUNDLE --card A.card --card B.card [--card ...]\n"
    "       parley evidence verify PROOF --card SIGNER.card\n"
    "  The first form writes the evidence bundle of a message sent or received:\n"
    "  the message and its receipt (exact JWS), the inclusion proof of each in\n"
    "  its signer's log, each against a checkpoint cosigned by the other party.\n"
    "  With an agreement's ID, the agreement's: the signed document and every\n"
    "  act on it held (each party's signature, declines, notices), each with\n"
    "  the proof that it is in its signer's log, cosigned by another party.\n"
    "  It needs parleyd, which fetches the peers' halves over the pinned link.\n"
    "  verify works offline with the parties' cards alone (two for a message,\n"
    "  one per party for an agreement), prints what is\n"
    "  proven, or exits 1 naming the first check that failed; it needs no node,\n"
    "  so --dir and $PARLEY_DIR are ignored.\n"
    "  `fork N` writes fork N of `parley log forks` as a proof that a peer signed\n"
    "  two statements that cannot both be true; `verify` checks such a proof with\n"
    "  the signer's card alone.\n";


/* fork_check - verify a fork proof (text) against one card. */
static int
fork_check(const struct buf *text, const char *cardpath)
{
	struct forkproof_report r;
	struct card card;
	const char *why = NULL;
	struct buf out;
	status rc;
	int e;

	if (cli_load_card(cardpath, &card))
		return 1;
	rc = forkproof_verify(text->p, text->len, &card, &r, &why);
	if (rc)
		return cli_fail("fork proof does NOT verify: %s (%s)", why ? why : "invalid",
		    status_str(rc));
	buf_init(&out, 4096);
	rc = forkproof_describe(&r, &out);
	e = rc ? cli_fail("cannot describe the proof: %s", status_str(rc)) :
	    printf("%s", buf_str(&out)) < 0;
	buf_free(&out);
	return e;
}

/* agreement_check - verify an agreement's bundle (text) against cards. */
static int
agreement_check(const struct buf *text, const char *const *cardpath, int n_cards)
{
	struct card cards[AGREEMENT_PARTIES_MAX];
	struct agrevidence_report *r = calloc(1, sizeof *r);
	const char *why = NULL;
	struct buf out;
	status rc;
	int e;

	if (!r)
		return cli_fail("out of memory");
	for (int i = 0; i < n_cards; i++)
		if (cli_load_card(cardpath[i], &cards[i])) {
			free(r);
			return 1;
		}
	rc = agrevidence_verify(text->p, text->len, cards, (size_t)n_cards, r, &why);
	if (rc) {
		/* why may point into r */
		e = cli_fail("agreement evidence does NOT verify: %s (%s)",
		    why ? why : "invalid", status_str(rc));
		free(r);
		return e;
	}
	buf_init(&out, 1u << 20);
	rc = agrevidence_describe(r, &out);
	e = rc ? cli_fail("cannot describe the evidence: %s", status_str(rc)) :
	    printf("%s", buf_str(&out)) < 0;
	buf_free(&out);
	free(r);
	return e;
}

/* is_type - 1 when text is a JSON object whose "type" is type. */
static int
is_type(const struct buf *text, const char *type)
{
	json_t *j = json_loadb(text->p, text->len, 0, NULL);
	const char *t = json_string_value(json_object_get(j, "type"));
	int yes = t && strcmp(t, type) == 0;

	json_decref(j);
	return yes;
}

/* object_check - an object's evidence of sharing (fmt/stixbatch.h):
 * the batch message's account, then the object's place in its batch. */
static int
object_check(const struct buf *text, const struct card cards[2])
{
	struct stixbatch_report r;
	const char *why = NULL;
	char root[2 * TLOG_HASH + 1], sha[ENV_HASH_HEX];
	json_t *o;
	struct buf out;
	status rc;
	int e;

	rc = stixbatch_verify(text->p, text->len, cards, &r, &why);
	if (rc) {
		stixbatch_report_clear(&r);
		return cli_fail("evidence does NOT verify: %s (%s)", why ? why : "invalid",
		    status_str(rc));
	}
	buf_init(&out, 1u << 20);
	rc = evidence_describe(&r.ev, &out);
	e = rc ? cli_fail("cannot describe the evidence: %s", status_str(rc)) :
	    printf("%s", buf_str(&out)) < 0;
	buf_free(&out);
	o = json_loadb(r.obj.p, r.obj.len, 0, NULL);
	sodium_bin2hex(root, sizeof root, r.m.root, TLOG_HASH);
	envelope_hash(r.obj.p, r.obj.len, sha);
	if (!e)
		e = printf("The STIX object %s (%s, modified %s), SHA-256 %s, is leaf %lld of"
		    " the %lld objects of batch %s (Merkle root %s) that message signs.\n",
		    cli_text(json_string_value(json_object_get(o, "id")), 0),
		    cli_text(json_string_value(json_object_get(o, "type")), 0),
		    json_is_string(json_object_get(o, "modified")) ?
		    cli_text(json_string_value(json_object_get(o, "modified")), 0) : "-",
		    sha, (long long)r.leaf, (long long)r.m.n, r.m.batch, root) < 0;
	json_decref(o);
	stixbatch_report_clear(&r);
	return e;
}

static int
evidence_check(const char *path, const char *const *cardpath, int n_cards)
{
	struct card cards[2];
	struct evidence_report r;
	const char *why = NULL;
	struct buf out, text;
	status rc;
	int e;

	/* a bundle or a fork proof */
	buf_init(&text, STIXBATCH_EVIDENCE_MAX);	/* the largest of the three kinds */
	rc = file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read: %s", path, status_str(rc));
	}
	if (forkproof_is(text.p, text.len)) {
		e = n_cards == 1 ? fork_check(&text, cardpath[0]) :
		    cli_fail("%s is a fork proof: verify it with one --card, the signer's", path);
		buf_free(&text);
		return e;
	}
	if (is_type(&text, AGREVIDENCE_TYPE)) {
		e = agreement_check(&text, cardpath, n_cards);
		buf_free(&text);
		return e;
	}
	if (n_cards != 2 || cli_load_card(cardpath[0], &cards[0]) ||
	    cli_load_card(cardpath[1], &cards[1])) {
		buf_free(&text);
		return n_cards != 2 ? cli_fail("an evidence bundle is verified with two --card"
		    " options, the sender's and the receiver's") : 1;
	}
	if (is_type(&text, STIXBATCH_TYPE)) {
		e = object_check(&text, cards);
		buf_free(&text);
		return e;
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

/* fork_one - fork f as a proof in out; a declared loss is not one. */
static int
fork_one(void *arg, const struct store_fork *f)
{
	struct buf *out = arg;

	if (strcmp(f->kind, STORE_FORK_LOSS) == 0 ||
	    forkproof_make(f->kind, f->held, f->presented, out) != ST_OK)
		buf_reset(out);
	return 1;
}

static int
fork_write(const char *dir, const char *num)
{
	char *end = NULL;
	long long id = strtoll(num, &end, 10);
	struct node *n;
	struct buf out;
	status rc;
	int e;

	if (!*num || *end || id <= 0)
		return cli_fail("fork: \"%s\" is not a fork number (see parley log forks)",
		    cli_text(num, 0));
	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	buf_init(&out, FORKPROOF_MAX);	/* no larger than evidence verify reads */
	rc = store_fork_get(node_store(n), id, fork_one, &out);
	if (rc == ST_NOTFOUND)
		e = cli_fail("no fork %lld on record (see parley log forks)", id);
	else if (rc || !out.len)
		e = cli_fail("cannot read fork %lld: %s", id, rc ? status_str(rc) :
		    "a loss the peer declared, not an equivocation to prove (its signed"
		    " statement is in parley log forks)");
	else
		e = fwrite(out.p, 1, out.len, stdout) != out.len;
	buf_free(&out);
	node_close(n);
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
	const char *dir = NULL, *cards[AGREEMENT_PARTIES_MAX];
	int ch, n_cards = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'c':
			if (n_cards == AGREEMENT_PARTIES_MAX)
				return cli_fail("at most %d --card options", AGREEMENT_PARTIES_MAX);
			cards[n_cards++] = optarg;
			break;
		case 'h': return cli_usage(evidence_usage, 0);
		default: return cli_usage(evidence_usage, 1);
		}
	}
	if (argc - optind == 2 && strcmp(argv[optind], "verify") == 0) {
		if (n_cards == 0)	/* --dir is taken, and not used: no node */
			return cli_fail("evidence verify takes a FILE and --card options: two for"
			    " a bundle, the signer's for a fork proof");
		return evidence_check(argv[optind + 1], cards, n_cards);
	}
	if (argc - optind == 2 && strcmp(argv[optind], "fork") == 0 && !n_cards)
		return fork_write(dir, argv[optind + 1]);
	if (argc - optind != 1 || n_cards)
		return cli_usage(evidence_usage, 1);
	return evidence_fetch(dir, argv[optind], 60);
}
