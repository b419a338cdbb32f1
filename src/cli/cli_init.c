/* cli_init.c - parley init, card, fingerprint. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/card.h"
#include "cli/cli.h"
#include "util/file.h"
#include "util/stamp.h"

static const char init_usage[] =
    "usage: parley init NAME --dir DIR --listen HOST:PORT [--endpoint URL]\n"
    "                   [--max-body BYTES]\n"
    "  Create a node named NAME in DIR: an Ed25519 identity key (mode 0600),\n"
    "  a TLS certificate for it, parley.json and the store.  Refuses to\n"
    "  overwrite an existing node.  --endpoint is the https://HOST:PORT peers\n"
    "  dial (default: https://LISTEN).  --max-body caps message bodies sent\n"
    "  and accepted (default 1048576).\n";

int
cli_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "max-body", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *listen = NULL, *endpoint = NULL, *name;
	struct config c;
	char fp[IDENT_FP_LEN], path[NODE_PATH_MAX], host[CARD_ENDPOINT_MAX + 1];
	struct node *n;
	int ch, port;
	status rc;

	memset(&c, 0, sizeof c);
	c.max_body = CONFIG_MAX_BODY_DEFAULT;
	c.retry_max_ms = 10000;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'l': listen = optarg; break;
		case 'e': endpoint = optarg; break;
		case 'm': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*end || !optarg[0] || v < 1 || v > CONFIG_MAX_BODY_LIMIT)
				return cli_fail("--max-body must be 1 to %d bytes", CONFIG_MAX_BODY_LIMIT);
			c.max_body = (size_t)v;
			break;
		}
		case 'h': return cli_usage(init_usage, 0);
		default: return cli_usage(init_usage, 1);
		}
	}
	if (optind + 1 != argc || !listen)
		return cli_usage(init_usage, 1);
	name = argv[optind];
	if (!(dir = cli_dir(dir)))
		return 1;
	if (!card_name_ok(name))
		return cli_fail("invalid name '%s': use [a-z0-9][a-z0-9._-]{0,62}", name);
	snprintf(c.name, sizeof c.name, "%s", name);
	if (config_listen_parse(listen, &c))
		return cli_fail("invalid --listen '%s': use HOST:PORT", listen);
	if (endpoint) {
		if (strlen(endpoint) > CARD_ENDPOINT_MAX ||
		    card_endpoint_parse(endpoint, host, sizeof host, &port))
			return cli_fail("invalid --endpoint '%s': use https://HOST:PORT", endpoint);
		snprintf(c.endpoint, sizeof c.endpoint, "%s", endpoint);
	} else {
		if (strcmp(c.listen_host, "0.0.0.0") == 0 || strcmp(c.listen_host, "::") == 0)
			return cli_fail("listening on all addresses: say which one peers dial with --endpoint https://HOST:PORT");
		snprintf(c.endpoint, sizeof c.endpoint, "https://%s", listen);
	}
	stamp_format(stamp_now_ms(), c.created_at);
	rc = node_init(dir, &c);
	if (rc == ST_EXISTS)
		return cli_fail("%s already holds a node; refusing to overwrite it", dir);
	if (rc)
		return cli_fail("cannot create the node in %s: %s", dir, status_str(rc));
	if (!(n = cli_open(dir)))
		return 1;
	ident_fingerprint(ident_pk(node_ident(n)), fp);
	if (node_path(dir, "identity.key", path) != ST_OK)
		path[0] = '\0';
	printf("created node %s in %s\n  key:         %s (mode 0600)\n  endpoint:    %s\n"
	    "  fingerprint: %s\n\nnext: parley card --dir %s > %s.card, and give it to your peer\n",
	    name, dir, path, c.endpoint, fp, dir, name);
	node_close(n);
	return 0;
}

static const char card_usage[] =
    "usage: parley card [--dir DIR]\n"
    "  Print this node's card: a self-signed JSON document (a JWS in the\n"
    "  flattened JSON serialization) with its name, public key as a JWK,\n"
    "  endpoints and creation time.  Give it to a peer for 'parley peer add'.\n";

/* dir_only - parse the options of a verb that takes only --dir; -1 to go
 * on, else the exit status. */
static int
dir_only(int argc, char **argv, const char *usage, const char **dir, int max_args)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*dir = NULL;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'd')
			*dir = optarg;
		else
			return cli_usage(usage, ch != 'h');
	}
	if (argc - optind > max_args)
		return cli_usage(usage, 1);
	return -1;
}

int
cli_card(int argc, char **argv)
{
	const char *dir;
	struct node *n;
	struct buf out;
	int r = dir_only(argc, argv, card_usage, &dir, 0);

	if (r >= 0)
		return r;
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	buf_init(&out, CARD_MAX_BYTES);
	if (node_card(n, &out) != ST_OK)
		r = cli_fail("cannot make the card");
	else {
		fputs(buf_str(&out), stdout);
		r = 0;
	}
	buf_free(&out);
	node_close(n);
	return r;
}

static const char fp_usage[] =
    "usage: parley fingerprint [--dir DIR] [CARD_FILE]\n"
    "  Print this node's key fingerprint (or that of the key in CARD_FILE,\n"
    "  after checking the card's signature): 8 groups of 5 digits to read\n"
    "  aloud and compare over a second channel before 'parley peer add'.\n";

int
cli_fingerprint(int argc, char **argv)
{
	char fp[IDENT_FP_LEN];
	const char *dir;
	int r = dir_only(argc, argv, fp_usage, &dir, 1);

	if (r >= 0)
		return r;
	if (optind < argc) {
		struct buf text;
		struct card card;
		status rc;

		buf_init(&text, CARD_MAX_BYTES);
		rc = file_read(argv[optind], &text);
		if (!rc)
			rc = card_parse(text.p, text.len, &card);
		buf_free(&text);
		if (rc)
			return cli_fail("%s: not a valid card: %s", argv[optind], status_str(rc));
		ident_fingerprint(card.pk, fp);
		printf("%s  (%s)\n", fp, card.name);
		return 0;
	} else {
		struct node *n = cli_open(cli_dir(dir));

		if (!n)
			return 1;
		ident_fingerprint(ident_pk(node_ident(n)), fp);
		printf("%s  (%s)\n", fp, node_config(n)->name);
		node_close(n);
	}
	return 0;
}
