/* cli_peer.c - parley peer add, parley peer list.
 *
 * SECURITY: a peer is pinned only when its card's self-signature verifies
 * and its key matches the fingerprint the operator confirmed out of band.
 */
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
    "usage: parley peer add CARD_FILE --fingerprint FP --links LINK[,LINK...]\n"
    "                       [--endpoint URL] [--dir DIR]\n"
    "       parley peer list [--json] [--dir DIR]\n"
    "  add pins the peer whose card is in CARD_FILE ('-' for stdin), only if\n"
    "  the card's self-signature is valid and its key matches FP, the\n"
    "  fingerprint you confirmed with the peer over a second channel.\n"
    "  LINKs: urgent, cert, leaders, wg.  --endpoint overrides the card's.\n"
    "  list prints the pinned peers.\n";

/* links_ok - 1 for a comma-separated list of known link classes. */
static int
links_ok(const char *links)
{
	const char *s = links;

	if (strlen(links) >= 64)
		return 0;
	for (;;) {
		const char *c = strchr(s, ',');
		size_t k = c ? (size_t)(c - s) : strlen(s);
		char one[ENV_LINK_MAX + 1];

		if (k == 0 || k >= sizeof one)
			return 0;
		memcpy(one, s, k);
		one[k] = '\0';
		if (!envelope_link_ok(one))
			return 0;
		if (!c)
			return 1;
		s = c + 1;
	}
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
	char fp[IDENT_FP_LEN], host[CARD_ENDPOINT_MAX + 1];
	struct store_peer sp;
	struct apiclient *api;
	struct card card;
	struct buf text;
	struct node *n;
	int ch, port;
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
	if (optind + 1 != argc || !fpr || !links)
		return cli_usage(peer_usage, 1);
	if (!links_ok(links))
		return cli_fail("invalid --links '%s': a comma-separated list of urgent, cert, leaders, wg", links);
	if (endpoint && (strlen(endpoint) > CARD_ENDPOINT_MAX ||
	    card_endpoint_parse(endpoint, host, sizeof host, &port)))
		return cli_fail("invalid --endpoint '%s': use https://HOST:PORT", endpoint);
	buf_init(&text, CARD_MAX_BYTES);
	if (strcmp(argv[optind], "-") == 0)
		rc = file_read_fd(STDIN_FILENO, &text);
	else
		rc = file_read(argv[optind], &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("cannot read %s: %s", argv[optind], status_str(rc));
	}
	rc = card_parse(text.p, text.len, &card);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s is not a valid card (%s): nothing pinned", argv[optind],
		    status_str(rc));
	}
	if (ident_fingerprint_parse(fpr, (char[IDENT_FP_GROUPS * 5]){ 0 }) != ST_OK) {
		buf_free(&text);
		return cli_fail("--fingerprint: not a fingerprint: give the 8 groups of 5 digits"
		    " that `parley fingerprint` prints (the name after them may stay): nothing"
		    " pinned");
	}
	if (!ident_fingerprint_match(card.pk, fpr)) {
		buf_free(&text);
		ident_fingerprint(card.pk, fp);
		return cli_fail("the card's key does not match the fingerprint you gave: "
		    "nothing pinned.  Confirm it again with %s over a second channel", card.name);
	}
	if (!(n = cli_open(cli_dir(dir)))) {
		buf_free(&text);
		return 1;
	}
	if (memcmp(card.pk, ident_pk(node_ident(n)), IDENT_PK_LEN) == 0) {
		buf_free(&text);
		node_close(n);
		return cli_fail("that is this node's own card");
	}
	memset(&sp, 0, sizeof sp);
	sp.name = card.name;
	memcpy(sp.pk, card.pk, IDENT_PK_LEN);
	sp.kid = card.kid;
	sp.endpoint = endpoint ? endpoint : card.endpoints[0];
	sp.links = links;
	sp.card = text.p;
	sp.added_ms = stamp_now_ms();
	rc = store_peer_add(node_store(n), &sp, NULL);
	buf_free(&text);
	if (rc == ST_EXISTS) {
		node_close(n);
		return cli_fail("a peer named %s or with that key is already pinned", card.name);
	}
	if (rc) {
		node_close(n);
		return cli_fail("cannot store the peer: %s", status_str(rc));
	}
	ident_fingerprint(card.pk, fp);
	printf("pinned peer %s\n  fingerprint: %s\n  endpoint:    %s\n  links:       %s\n",
	    card.name, fp, sp.endpoint, links);
	/* Tell a running daemon; if none runs, it reads the peer at start. */
	if (apiclient_open(node_dir(n), &api) == ST_OK) {
		json_t *req = json_pack("{s:s}", "op", "reload"), *resp = NULL;

		if (apiclient_send(api, req) != ST_OK || apiclient_recv(api, 5000, &resp) != ST_OK ||
		    !json_is_true(json_object_get(resp, "ok")))
			fprintf(stderr, "parley peer: warning: the running parleyd did not reload its peers; restart it\n");
		json_decref(req);
		json_decref(resp);
		apiclient_close(api);
	}
	node_close(n);
	return 0;
}

struct list_ctx {
	json_t *arr;
	int json;
};

static int
list_row(void *arg, const struct store_peer *p)
{
	struct list_ctx *c = arg;
	char fp[IDENT_FP_LEN], when[32];

	ident_fingerprint(p->pk, fp);
	if (c->json)
		json_array_append_new(c->arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
		    "name", p->name, "kid", p->kid, "fingerprint", fp, "endpoint", p->endpoint,
		    "links", p->links, "added_at", cli_time(p->added_ms, when)));
	else
		printf("%-16s %-20s %-28s %s\n", p->name, p->links, p->endpoint, fp);
	return 0;
}

static int
peer_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_ctx c = { NULL, 0 };
	const char *dir = NULL;
	struct node *n;
	int ch;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': c.json = 1; break;
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
		printf("%-16s %-20s %-28s %s\n", "NAME", "LINKS", "ENDPOINT", "FINGERPRINT");
	rc = store_peer_list(node_store(n), list_row, &c);
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
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_usage(peer_usage, 0);
	return cli_usage(peer_usage, 1);
}
