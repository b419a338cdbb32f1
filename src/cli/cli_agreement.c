/* cli_agreement.c - parley agreement: draft, verify (docs/AGREEMENTS.md).
 *
 * draft reads the node's store (its own name and key, its pinned peers'
 * key ids) and prints a payload to edit; verify needs no node and no
 * network: the signed document and the parties' cards are enough.
 * Proposing, countersigning and enforcing come with the link's control
 * channel (issue 13).
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "fmt/agreement.h"
#include "fmt/card.h"
#include "node/node.h"
#include "store/store_peer.h"
#include "util/file.h"
#include "util/stamp.h"
#include "util/text.h"

#define CARDS_MAX AGREEMENT_PARTIES_MAX

static const char agreement_usage[] =
    "usage: parley agreement draft PEER [PEER...] [--title TEXT] [--dir DIR] > draft.json\n"
    "       parley agreement verify FILE --card CARD [--card CARD...] [--json]\n"
    "  draft   print an agreement between this node and the pinned PEERs, with\n"
    "          defaults for the links urgent, cert, leaders and wg, to edit\n"
    "          (docs/AGREEMENTS.md says what every field means)\n"
    "  verify  check a signed agreement (JWS General Serialization) offline\n"
    "          against the parties' cards: its schema and every signature.\n"
    "          Exits 0 when every party has signed and every signature\n"
    "          verifies; 1 naming the problem, or the parties yet to sign.\n"
    "          Needs no node: --dir and $PARLEY_DIR are ignored.\n";

struct party_of {
	struct agreement_party *p;
	int found;
};

static int
party_row(void *arg, const struct store_peer *sp)
{
	struct party_of *po = arg;

	snprintf(po->p->kid, sizeof po->p->kid, "%s", sp->kid);
	po->found = 1;
	return 1;
}

static int
draft(const char *dir, char **names, int n_names, const char *title)
{
	struct agreement_party parties[AGREEMENT_PARTIES_MAX];
	char why[AGREEMENT_WHY_MAX] = "", id[STAMP_UUID_LEN];
	struct node *n;
	struct buf out;
	size_t np = 0;
	status rc;
	int e = 0;

	if (n_names + 1 > AGREEMENT_PARTIES_MAX)
		return cli_fail("an agreement has at most %d parties", AGREEMENT_PARTIES_MAX);
	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	memset(parties, 0, sizeof parties);
	snprintf(parties[np].name, sizeof parties[np].name, "%s", node_config(n)->name);
	snprintf(parties[np].kid, sizeof parties[np].kid, "%s", ident_kid(node_ident(n)));
	np++;
	for (int i = 0; i < n_names && !e; i++) {
		struct party_of po = { &parties[np], 0 };

		snprintf(parties[np].name, sizeof parties[np].name, "%s", names[i]);
		rc = card_name_ok(names[i]) ?
		    store_peer_find(node_store(n), names[i], NULL, party_row, &po) : ST_INVALID;
		if (rc == ST_INVALID || (rc == ST_NOTFOUND && !po.found))
			e = cli_fail("%s: no such pinned peer (see parley peer list)",
			    cli_text(names[i], 0));
		else if (rc && rc != ST_NOTFOUND)
			e = cli_fail("cannot read the pinned peers: %s", status_str(rc));
		np++;
	}
	node_close(n);
	if (e)
		return e;
	stamp_uuid7(id);
	buf_init(&out, AGREEMENT_PAYLOAD_MAX);
	rc = agreement_draft(parties, np, title, id, stamp_now_ms(), &out, why);
	e = rc ? cli_fail("cannot make the draft: %s", why[0] ? why : status_str(rc)) :
	    fwrite(out.p, 1, out.len, stdout) != out.len;
	buf_free(&out);
	return e;
}

static int
verify(const char *path, char **cardpaths, int n_cards, int json)
{
	struct card cards[CARDS_MAX];
	struct agreement_cards ac = { cards, 0 };
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	char why[AGREEMENT_WHY_MAX] = "";
	struct buf text, missing;
	json_t *parties;
	status rc;
	int e;

	for (int i = 0; i < n_cards; i++)
		if (cli_load_card(cardpaths[i], &cards[ac.n++]))
			return 1;
	buf_init(&text, AGREEMENT_DOC_MAX);
	rc = file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read: %s", path, status_str(rc));
	}
	memset(&sigs, 0, sizeof sigs);
	rc = agreement_verify(text.p, text.len, agreement_key_cards, &ac, &a, &sigs, why);
	buf_free(&text);
	if (rc)
		return cli_fail("agreement does NOT verify: %s (%s)", why[0] ? why : "invalid",
		    status_str(rc));
	parties = json_array();
	buf_init(&missing, 4096);
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const struct agreement_party *p = agreement_party_at(a, i);

		json_array_append_new(parties, json_pack("{s:s, s:s, s:b}", "name", p->name,
		    "kid", p->kid, "signed", sigs.signed_by[i]));
		if (!sigs.signed_by[i] && buf_addf(&missing, "%s%s", missing.len ? ", " : "",
		    p->name) != ST_OK)
			buf_reset(&missing);
	}
	if (json)
		(void)cli_json(json_pack("{s:s, s:s, s:O, s:b}", "id", agreement_id(a), "title",
		    agreement_title(a), "parties", parties, "complete",
		    agreement_sigs_complete(&sigs)));
	else
		printf("agreement %s \"%s\": %zu of %zu parties signed, every signature valid\n",
		    agreement_id(a), cli_text(agreement_title(a), 0), sigs.n_signed,
		    sigs.n_parties);
	e = agreement_sigs_complete(&sigs) ? 0 :
	    cli_fail("not every party has signed: missing %s", buf_str(&missing));
	json_decref(parties);
	buf_free(&missing);
	agreement_free(a);
	return e;
}

int
cli_agreement(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "title", required_argument, NULL, 't' },
		{ "card", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *title = NULL;
	char *cards[CARDS_MAX];
	int ch, n_cards = 0, json = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 't': title = optarg; break;
		case 'c':
			if (n_cards == CARDS_MAX)
				return cli_fail("at most %d --card options", CARDS_MAX);
			cards[n_cards++] = optarg;
			break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(agreement_usage, 0);
		default: return cli_usage(agreement_usage, 1);
		}
	}
	if (argc - optind >= 2 && strcmp(argv[optind], "draft") == 0 && !n_cards && !json)
		return draft(dir, argv + optind + 1, argc - optind - 1, title);
	if (argc - optind == 2 && strcmp(argv[optind], "verify") == 0 && !title) {
		if (n_cards == 0)	/* --dir is taken, and not used: no node */
			return cli_fail("agreement verify takes FILE and a --card for each party");
		return verify(argv[optind + 1], cards, n_cards, json);
	}
	return cli_usage(agreement_usage, 1);
}
