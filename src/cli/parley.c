/* parley - the command-line interface to a parley node.
 *
 * SYNOPSIS
 *	parley VERB [options]     (parley VERB --help for each)
 *
 * DESCRIPTION
 *	init, card, fingerprint and peer work on the node directory directly;
 *	send and status talk to the running parleyd over DIR/parleyd.sock;
 *	outbox, inbox, show and receipt read the node's store, so they work
 *	whether or not parleyd runs; templates and template need no node.
 *
 *	One file per verb, cli_VERB.c, each exporting cli_VERB() for the
 *	table below; what verbs share is in cli_util.c (cli.h) and, for the
 *	verbs that read the store, cli_view.c (cli_view.h).
 *
 * DIAGNOSTICS
 *	Exit 0 on success, 1 on an error (a one-line message names it), 2 on
 *	a usage error.
 */
#include <signal.h>
#include <string.h>

#include <sodium.h>

#include "util/version.h"
#include "cli/cli.h"

const char *cli_verb_name = "";

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} verbs[] = {
	{ "init", cli_init, "create a node: key, certificate, config, store" },
	{ "card", cli_card, "print this node's signed card" },
	{ "fingerprint", cli_fingerprint, "print a key's fingerprint to read aloud" },
	{ "peer", cli_peer, "pinned peers: add, update, remove, list" },
	{ "send", cli_send, "send a signed message to a peer" },
	{ "outbox", cli_outbox, "list sent messages and their delivery state" },
	{ "inbox", cli_inbox, "list received messages" },
	{ "show", cli_show, "show one message (or its exact JWS)" },
	{ "receipt", cli_receipt, "show the peer's signed receipt for a sent message" },
	{ "status", cli_status, "show the daemon's view of each peer" },
	{ "config", cli_config, "list, get or set the node's settings (parley.json)" },
	{ "log", cli_log, "the signed log: checkpoint, vkey, prove, verify, forks, accept-loss" },
	{ "evidence", cli_evidence, "write or verify (offline) an evidence bundle" },
	{ "agreement", cli_agreement,
	    "agreements: draft, propose, sign, decline, terminate, list, show, verify" },
	{ "templates", cli_templates, "list the formal message templates" },
	{ "desk", cli_desk, "the watch desk's board: formal messages, steps, deadlines" },
	{ "ack", cli_ack, "acknowledge a received formal message, as an officer" },
	{ "reply", cli_reply, "answer a received formal message with a reply form" },
	{ "officer", cli_officer, "the desk's officers: add, list" },
	{ "roster", cli_roster, "the desk's shifts: set, and who is on duty now and next" },
	{ "escalation", cli_escalation, "the desk's escalation plan: set, show" },
	{ "contacts", cli_contacts, "this node's points of contact: set (sent to every peer), show" },
	{ "directory", cli_directory, "the peers' points of contact, every version" },
	{ "check", cli_check, "send a communication check (machine or human) to a peer" },
	{ "checks", cli_checks, "what the communication checks showed, per peer" },
	{ "template", cli_template, "show a template's fields and labels (template show NAME)" },
	{ "intel", cli_intel, "STIX 2.1 intelligence: validate, import, list, show, reconcile, evidence, refusals" },
	{ "advisory", cli_advisory, "CSAF 2.0 advisories: validate, import, list, show, send, timeline, publish" },
	{ "share", cli_share, "share a STIX 2.1 document with a peer over the cert link" },
	{ "taxii", cli_taxii, "the TAXII 2.1 server: its URL, its users (taxii user add|token|list|remove)" },
	{ "csaf", cli_csaf, "the CSAF trusted provider: its metadata URL, key, users (csaf user add|list|remove)" },
};

static int
usage(FILE *f)
{
	fprintf(f, "usage: parley VERB [options]   (parley VERB --help)\n\nverbs:\n");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(f, "  %-12s %s\n", verbs[i].name, verbs[i].what);
	fprintf(f, "\nEvery verb takes --dir DIR (default: $PARLEY_DIR).\n"
	    "parley --version prints the version.\n");
	return f == stdout ? 0 : 2;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "parley: libsodium failed to initialise\n");
		return 1;
	}
	/* A reader that stops early (parley intel list | head) ends the
	 * command quietly, as for any Unix tool: the default SIGPIPE, whatever
	 * the parent left.  The daemon's socket is written with MSG_NOSIGNAL
	 * (api/apiclient.c), so a daemon going away is an error, not a signal. */
	signal(SIGPIPE, SIG_DFL);
	diag_init("parley", 0);
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "--version") == 0) {
		printf("parley %s\n", PARLEY_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(argv[1], verbs[i].name) == 0) {
			cli_verb_name = verbs[i].name;
			return verbs[i].fn(argc - 1, argv + 1);
		}
	if (strcmp(argv[1], "--dir") == 0 || strncmp(argv[1], "--dir=", 6) == 0) {
		fprintf(stderr, "parley: --dir comes after the verb: parley VERB ... --dir DIR\n");
		return 2;
	}
	fprintf(stderr, "parley: unknown verb '%s'\n", argv[1]);
	return usage(stderr);
}
