/* cli_peer.c - parley peer add, update, remove, list.
 *
 * A pin is written to the store here, whether parleyd runs or not, and a
 * running parleyd is then told to read its peers again (the local API's
 * "reload"), as for every verb that changes the pins.
 *
 * SECURITY: a peer is pinned only when its card's self-signature verifies
 * and its key matches the fingerprint the operator confirmed out of band; a
 * card for a new key under a pinned name is such a new pin.  A card for the
 * same key moves the endpoint only when it is newer than the one pinned, so
 * a replayed old card cannot move it back.  Removing a pin never deletes
 * history: messages, receipts, log entries and cosignatures stay, and the
 * ended pin's row keeps the key and card they verify with
 * (docs/decisions/0008-pins-that-end.md).
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "api/apiclient.h"
#include "fmt/card.h"
#include "cli/cli.h"
#include "fmt/envelope.h"
#include "util/file.h"
#include "util/stamp.h"

static const char peer_usage[] =
    "usage: parley peer add CARD_FILE --fingerprint FP [--endpoint URL] [--dir DIR]\n"
    "       parley peer update CARD_FILE [--fingerprint FP] [--endpoint URL]\n"
    "                       [--force] [--dir DIR]\n"
    "       parley peer remove NAME [--force] [--dir DIR]\n"
    "       parley peer list [--all] [--json] [--dir DIR]\n"
    "  add pins the peer whose card is in CARD_FILE ('-' for stdin), only if\n"
    "  the card's self-signature is valid and its key matches FP, the\n"
    "  fingerprint you confirmed with the peer over a second channel.\n"
    "  The pin keeps every endpoint of the card, in order: the daemon dials\n"
    "  the first that works.  --endpoint URL replaces the card's list with\n"
    "  that one URL.  A pin carries no links: what may flow comes from an\n"
    "  agreement both sign (parley agreement draft NAME).\n"
    "  update takes a new card of a pinned peer (found by the card's name).\n"
    "  Same key: a card made later than the pinned one replaces its endpoints;\n"
    "  an older or the same card is refused.  New key: a new pin, only with\n"
    "  --fingerprint FP confirmed out of band; the old key's history stays.\n"
    "  remove NAME ends NAME's pin at once; the running parleyd stops talking\n"
    "  to it.  Refused while messages to NAME are queued, unless --force,\n"
    "  which marks them failed (\"peer removed\").  Nothing is deleted: its\n"
    "  messages, receipts and log entries stay and still verify.\n"
    "  list prints the pinned peers; --all adds the pins that ended.\n"
    "  Exit status: 0 done, 1 refused or failed (nothing changed), 2 usage.\n";

/* read_card - the card in path ('-': stdin) into *card and text (which the
 * caller frees either way); 0, or 1 after a message. */
static int
read_card(const char *path, struct card *card, struct buf *text, const char *nothing)
{
	status rc;

	buf_init(text, CARD_MAX_BYTES);
	if (strcmp(path, "-") == 0)
		rc = file_read_fd(STDIN_FILENO, text);
	else
		rc = file_read(path, text);
	if (rc)
		return cli_fail("cannot read the card: %s", cli_cause(rc, errno, NULL, path));
	rc = card_parse(text->p, text->len, card);
	if (rc)
		return cli_fail("%s is not a valid card (%s): %s", path, status_str(rc), nothing);
	return 0;
}

/* fingerprint_ok - 0 when fpr is a fingerprint and matches pk; else 1
 * after a message (a format error, or a mismatch). */
static int
fingerprint_ok(const char *fpr, const uint8_t pk[static IDENT_PK_LEN], const char *name,
    const char *nothing)
{
	if (ident_fingerprint_parse(fpr, (char[IDENT_FP_GROUPS * 5]){ 0 }) != ST_OK)
		return cli_fail("--fingerprint: not a fingerprint: give the 8 groups of 5 digits"
		    " that `parley fingerprint` prints (the name after them may stay): %s", nothing);
	if (!ident_fingerprint_match(pk, fpr))
		return cli_fail("the card's key does not match the fingerprint you gave: "
		    "%s.  Confirm it again with %s over a second channel", nothing, name);
	return 0;
}

/* card_and_node - what peer add and peer update check first: --endpoint
 * (may be NULL) parses, the card at path reads and verifies, its key has
 * the fingerprint fpr (when not NULL), the node in dir opens, and the card
 * is not its own.  0 with *n open and *text holding the card; else 1 after
 * a message ending with nothing, with nothing held. */
static int
card_and_node(const char *dir, const char *path, const char *fpr, const char *endpoint,
    const char *nothing, struct card *card, struct buf *text, struct node **n)
{
	char host[CARD_ENDPOINT_MAX + 1];
	int port;

	*n = NULL;
	if (endpoint && (strlen(endpoint) > CARD_ENDPOINT_MAX ||
	    card_endpoint_parse(endpoint, host, sizeof host, &port)))
		return cli_fail("invalid --endpoint '%s': use https://HOST:PORT", endpoint);
	if (read_card(path, card, text, nothing) ||
	    (fpr && fingerprint_ok(fpr, card->pk, card->name, nothing)) ||
	    !(*n = cli_open(cli_dir(dir)))) {
		buf_free(text);
		return 1;
	}
	if (memcmp(card->pk, ident_pk(node_ident(*n)), IDENT_PK_LEN) == 0) {
		buf_free(text);
		node_close(*n);
		*n = NULL;
		return cli_fail("that is this node's own card");
	}
	return 0;
}

/* endpoints_of - where the pin dials: endpoint when given, else every
 * endpoint of the card, in its order, as the store keeps them. */
static void
endpoints_of(const struct card *card, const char *endpoint,
    char out[static CARD_ENDPOINTS_TEXT_MAX])
{
	const char *eps[CARD_MAX_ENDPOINTS];

	if (endpoint) {
		snprintf(out, CARD_ENDPOINTS_TEXT_MAX, "%s", endpoint);
		return;
	}
	for (size_t i = 0; i < card->n_endpoints; i++)
		eps[i] = card->endpoints[i];
	/* card_parse checked every endpoint, so this cannot fail */
	if (card_endpoints_join(eps, card->n_endpoints, out) != ST_OK)
		snprintf(out, CARD_ENDPOINTS_TEXT_MAX, "%s", card->endpoints[0]);
}

/* print_endpoints - "  endpoint:    URL" and a line for each further URL. */
static void
print_endpoints(const char *label, const char *list, const char *was)
{
	char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	size_t n = 0;

	if (card_endpoints_split(list, eps, &n) != ST_OK) {
		printf("  %-12s %s\n", label, list);
		return;
	}
	for (size_t i = 0; i < n; i++)
		printf("  %-12s %s%s%s%s\n", i ? "" : label, eps[i], i + 1 == n && was ? " (was " :
		    "", i + 1 == n && was ? was : "", i + 1 == n && was ? ")" : "");
}

static int
peer_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "links", required_argument, NULL, 'l' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *fpr = NULL, *links = NULL, *endpoint = NULL;
	char fp[IDENT_FP_LEN], eps[CARD_ENDPOINTS_TEXT_MAX];
	struct store_peer sp;
	struct card card;
	struct buf text;
	struct node *n;
	int ch;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'f': fpr = optarg; break;
		case 'l': links = optarg; break;
		case 'e': endpoint = optarg; break;
		case 'h': return cli_usage(peer_usage, 0);
		default: return cli_usage(peer_usage, 1);
		}
	}
	if (links)
		return cli_fail("--links is gone: a pin carries no links, an agreement does;"
		    " pin, then: parley agreement draft PEER > draft.json, edit it, and parley"
		    " agreement propose draft.json (README, Agreements)");
	if (optind + 1 != argc || !fpr)
		return cli_usage(peer_usage, 1);
	if (card_and_node(dir, argv[optind], fpr, endpoint, "nothing pinned", &card, &text, &n))
		return 1;
	memset(&sp, 0, sizeof sp);
	sp.name = card.name;
	memcpy(sp.pk, card.pk, IDENT_PK_LEN);
	sp.kid = card.kid;
	endpoints_of(&card, endpoint, eps);
	sp.endpoint = eps;
	sp.links = "";
	sp.card = text.p;
	sp.added_ms = stamp_now_ms();
	rc = store_peer_add(node_store(n), &sp, NULL);
	buf_free(&text);
	if (rc == ST_EXISTS) {
		node_close(n);
		return cli_fail("a peer named %s or with that key is already pinned, or the key"
		    " was pinned before under another name (see: parley peer list --all):"
		    " nothing pinned", card.name);
	}
	if (rc) {
		node_close(n);
		return cli_fail("cannot store the peer: %s", status_str(rc));
	}
	ident_fingerprint(card.pk, fp);
	printf("pinned peer %s\n  fingerprint: %s\n", card.name, fp);
	print_endpoints("endpoint:", eps, NULL);
	printf("  links come from an agreement: parley agreement draft %s\n", card.name);
	if (cli_reload(n))
		fprintf(stderr, "parley peer: warning: the running parleyd did not reload its peers; restart it\n");
	node_close(n);
	return 0;
}

/* The pin in force under a name, copied out of the store's row. */
struct pin {
	int found;
	int64_t id;
	uint8_t pk[IDENT_PK_LEN];
	char endpoint[CARD_ENDPOINTS_TEXT_MAX];	/* the list, as stored */
	char links[64];
	int64_t card_ms;	/* its card's created_at; 0 if unreadable */
	char card_at[32];
};

static int
pin_row(void *arg, const struct store_peer *p)
{
	struct pin *pin = arg;
	struct card c;

	pin->found = 1;
	pin->id = p->id;
	memcpy(pin->pk, p->pk, IDENT_PK_LEN);
	snprintf(pin->endpoint, sizeof pin->endpoint, "%s", p->endpoint);
	snprintf(pin->links, sizeof pin->links, "%s", p->links);
	if (card_parse(p->card, strlen(p->card), &c) == ST_OK &&
	    stamp_parse(c.created_at, &pin->card_ms) == ST_OK)
		snprintf(pin->card_at, sizeof pin->card_at, "%s", c.created_at);
	else
		snprintf(pin->card_at, sizeof pin->card_at, "unknown");
	return 1;
}

/* find_pin - the pin in force named name into *pin; 0, or 1 after a message. */
static int
find_pin(struct node *n, const char *name, struct pin *pin, const char *nothing)
{
	status rc;

	memset(pin, 0, sizeof *pin);
	rc = store_peer_find(node_store(n), name, NULL, pin_row, pin);
	if (rc == ST_NOTFOUND)
		return cli_fail("no peer named %s is pinned (see: parley peer list): %s",
		    cli_text(name, 0), nothing);
	if (rc)
		return cli_fail("cannot read the peers: %s", status_str(rc));
	return 0;
}

/* end_pin - in an open transaction: end pin (why), unless messages are
 * queued to it and force is 0; *failed gets how many were marked failed.
 * 0, or 1 after a message (the caller rolls back). */
static int
end_pin(struct node *n, const char *name, const struct pin *pin, const char *why, int force,
    const char *nothing, const char *redo, int64_t *failed)
{
	int64_t queued = 0;
	status rc = store_peer_queued(node_store(n), pin->id, &queued);

	if (!rc && queued && !force)
		return cli_fail("%lld message%s to %s %s still queued: %s.  Wait until %s"
		    " delivered (parley outbox), or %s with --force: %s then marked failed"
		    " (\"%s\") and kept", (long long)queued, queued == 1 ? "" : "s", name,
		    queued == 1 ? "is" : "are", nothing, queued == 1 ? "it is" : "they are",
		    redo, queued == 1 ? "it is" : "they are", why);
	if (!rc)
		rc = store_peer_retire(node_store(n), pin->id, why, stamp_now_ms(), failed);
	return rc ? cli_fail("cannot end the pin: %s", status_str(rc)) : 0;
}

static int
peer_remove(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *name;
	char fp[IDENT_FP_LEN];
	int ch, force = 0;
	int64_t failed = 0;
	struct node *n;
	struct pin pin;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'F': force = 1; break;
		case 'h': return cli_usage(peer_usage, 0);
		default: return cli_usage(peer_usage, 1);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(peer_usage, 1);
	name = argv[optind];
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (find_pin(n, name, &pin, "nothing removed")) {
		node_close(n);
		return 1;
	}
	/* one transaction: no message is queued between the count and the end */
	rc = store_begin(node_store(n));
	if (rc) {
		node_close(n);
		return cli_fail("cannot write the store: %s", status_str(rc));
	}
	if (end_pin(n, name, &pin, "peer removed", force, "nothing removed", "remove it",
	    &failed)) {
		store_rollback(node_store(n));
		node_close(n);
		return 1;
	}
	if ((rc = store_commit(node_store(n))) != ST_OK) {
		node_close(n);
		return cli_fail("cannot commit: %s: nothing removed", status_str(rc));
	}
	ident_fingerprint(pin.pk, fp);
	printf("removed peer %s\n  fingerprint: %s\n", name, fp);
	if (failed)
		printf("  %lld queued message%s marked failed (\"peer removed\")\n",
		    (long long)failed, failed == 1 ? "" : "s");
	printf("  Its messages, receipts and log entries stay, and still verify.\n");
	if (cli_reload(n)) {
		node_close(n);
		return cli_fail("the pin is removed from the store, but the running parleyd did"
		    " not drop it: restart parleyd now");
	}
	node_close(n);
	return 0;
}

static int
peer_update(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *fpr = NULL, *endpoint = NULL;
	char fp[IDENT_FP_LEN], was[IDENT_FP_LEN], ep[CARD_ENDPOINTS_TEXT_MAX];
	int ch, force = 0, rekey;
	int64_t card_ms = 0, failed = 0;
	struct store_peer sp;
	struct card card;
	struct buf text;
	struct node *n;
	struct pin pin;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'f': fpr = optarg; break;
		case 'e': endpoint = optarg; break;
		case 'F': force = 1; break;
		case 'h': return cli_usage(peer_usage, 0);
		default: return cli_usage(peer_usage, 1);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(peer_usage, 1);
	if (card_and_node(dir, argv[optind], fpr, endpoint, "nothing updated", &card, &text, &n))
		return 1;
	if (find_pin(n, card.name, &pin, "nothing updated (to pin a new peer: parley peer add)"))
		goto fail;
	endpoints_of(&card, endpoint, ep);
	ident_fingerprint(card.pk, fp);
	ident_fingerprint(pin.pk, was);
	rekey = memcmp(card.pk, pin.pk, IDENT_PK_LEN) != 0;
	if (rekey && !fpr) {
		cli_fail("the card for %s carries a new key (fingerprint %s; pinned: %s): a new"
		    " key is a new pin, so nothing is updated.  Confirm the new fingerprint with"
		    " %s over a second channel, then: parley peer update %s --fingerprint FP",
		    card.name, fp, was, card.name, argv[optind]);
		goto fail;
	}
	if (!rekey && stamp_parse(card.created_at, &card_ms) == ST_OK && card_ms == pin.card_ms) {
		cli_fail("this card (made %s) is the one already pinned for %s: nothing updated",
		    card.created_at, card.name);
		goto fail;
	}
	if (!rekey && card_ms < pin.card_ms) {
		cli_fail("this card (made %s) is older than the one pinned for %s (made %s):"
		    " nothing updated.  An old card cannot move a peer back; ask %s for its"
		    " current card (parley card)", card.created_at, card.name, pin.card_at,
		    card.name);
		goto fail;
	}
	if ((rc = store_begin(node_store(n))) != ST_OK) {
		cli_fail("cannot write the store: %s", status_str(rc));
		goto fail;
	}
	if (!rekey)
		rc = store_peer_update(node_store(n), pin.id, ep, text.p);
	else if (end_pin(n, card.name, &pin, "peer key replaced", force, "nothing updated",
	    "re-pin", &failed)) {
		store_rollback(node_store(n));
		goto fail;
	} else {
		/* the new key: a new pin, with the links agreed with the old */
		memset(&sp, 0, sizeof sp);
		sp.name = card.name;
		memcpy(sp.pk, card.pk, IDENT_PK_LEN);
		sp.kid = card.kid;
		sp.endpoint = ep;
		sp.links = pin.links;
		sp.card = text.p;
		sp.added_ms = stamp_now_ms();
		rc = store_peer_add(node_store(n), &sp, NULL);
	}
	if (!rc)
		rc = store_commit(node_store(n));
	else
		store_rollback(node_store(n));
	if (rc == ST_EXISTS) {
		cli_fail("the card's key is already pinned, or was pinned before under another"
		    " name (see: parley peer list --all): nothing updated");
		goto fail;
	}
	if (rc) {
		cli_fail("cannot store the peer: %s: nothing updated", status_str(rc));
		goto fail;
	}
	if (rekey) {
		printf("re-pinned peer %s to a new key\n  fingerprint: %s\n  was:         %s\n",
		    card.name, fp, was);
		print_endpoints("endpoint:", ep, NULL);
		printf("  links:       %s\n", pin.links);
		if (failed)
			printf("  %lld queued message%s to the old key marked failed (\"peer key"
			    " replaced\")\n", (long long)failed, failed == 1 ? "" : "s");
		printf("  The old key's messages, receipts and cosignatures stay, and verify"
		    " with its card.\n");
	} else {
		printf("updated peer %s\n", card.name);
		print_endpoints("endpoint:", ep, pin.endpoint);
		printf("  card made:   %s (was %s)\n", card.created_at, pin.card_at);
	}
	buf_free(&text);
	if (cli_reload(n)) {
		node_close(n);
		return cli_fail("the store is updated, but the running parleyd did not reload"
		    " its peers: restart parleyd now");
	}
	node_close(n);
	return 0;
fail:
	buf_free(&text);
	node_close(n);
	return 1;
}

struct list_ctx {
	json_t *arr;
	int json;
	int all;
};

static int
list_row(void *arg, const struct store_peer *p)
{
	struct list_ctx *c = arg;
	char fp[IDENT_FP_LEN], when[32], gone[32];
	char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	size_t n = 0;

	/* a list that does not split (a hand-edited row) is shown as it is */
	if (card_endpoints_split(p->endpoint, eps, &n) != ST_OK) {
		snprintf(eps[0], sizeof eps[0], "%.*s", CARD_ENDPOINT_MAX, p->endpoint);
		n = 1;
	}
	ident_fingerprint(p->pk, fp);
	if (c->json) {
		json_t *all = json_array();

		for (size_t i = 0; all && i < n; i++)
			json_array_append_new(all, json_string(eps[i]));
		json_array_append_new(c->arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o,"
		    " s:o}", "name", p->name, "kid", p->kid, "fingerprint", fp, "endpoint", eps[0],
		    "endpoints", all ? all : json_array(),
		    "links", p->links, "added_at", cli_time(p->added_ms, when),
		    "removed_at", p->removed_ms ? json_string(cli_time(p->removed_ms, gone)) :
		    json_null(),
		    "removed_why", p->removed_ms ? json_string(p->removed_why) : json_null()));
		return 0;
	}
	if (c->all)
		printf("%-16s %-20s %-28s %s  %s%s%s\n", p->name, p->links, eps[0], fp,
		    p->removed_ms ? cli_time(p->removed_ms, gone) : "pinned",
		    p->removed_ms ? " " : "", p->removed_ms ? cli_text(p->removed_why, 0) : "");
	else
		printf("%-16s %-20s %-28s %s\n", p->name, p->links, eps[0], fp);
	for (size_t i = 1; i < n; i++)	/* the backups, under the first */
		printf("%-16s %-20s %s\n", "", "", eps[i]);
	return 0;
}

static int
peer_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_ctx c = { NULL, 0, 0 };
	const char *dir = NULL;
	struct node *n;
	int ch;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': c.json = 1; break;
		case 'a': c.all = 1; break;
		case 'h': return cli_usage(peer_usage, 0);
		default: return cli_usage(peer_usage, 1);
		}
	}
	if (optind != argc)
		return cli_usage(peer_usage, 1);
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (c.json)
		c.arr = json_array();
	else
		printf("%-16s %-20s %-28s %s%s\n", "NAME", "LINKS", "ENDPOINT", "FINGERPRINT",
		    c.all ? "                                          STATE" : "");
	rc = c.all ? store_peer_history(node_store(n), list_row, &c) :
	    store_peer_list(node_store(n), list_row, &c);
	node_close(n);
	if (rc) {
		json_decref(c.arr);
		return cli_fail("cannot read peers: %s", status_str(rc));
	}
	return c.json ? cli_json(c.arr) : 0;
}

int
cli_peer(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return peer_add(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return peer_list(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "update") == 0)
		return peer_update(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "remove") == 0)
		return peer_remove(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_usage(peer_usage, 0);
	return cli_usage(peer_usage, 1);
}
