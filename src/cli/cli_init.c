/* cli_init.c - parley init: create a node (key, certificate, config, store).
 *
 * SECURITY: the identity key is written mode 0600 and never printed; an
 * existing node is never overwritten.
 */
#include <sys/un.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fmt/card.h"
#include "util/stamp.h"

static const char init_usage[] =
    "usage: parley init NAME --dir DIR --listen HOST:PORT [--endpoint URL]...\n"
    "                   [--max-body BYTES]\n"
    "  Create a node named NAME in DIR: an Ed25519 identity key (mode 0600),\n"
    "  a TLS certificate for it, parley.json and the store.  Refuses to\n"
    "  overwrite an existing node.  --endpoint is an https://HOST:PORT peers\n"
    "  dial (default: https://LISTEN); give it up to 4 times, in order of\n"
    "  preference (a primary route, then backups): peers use the first that\n"
    "  works.  --max-body caps message bodies sent and accepted (default\n"
    "  1048576).\n";

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
	const char *dir = NULL, *listen = NULL, *name;
	struct config c;
	char fp[IDENT_FP_LEN], path[NODE_PATH_MAX], host[CARD_ENDPOINT_MAX + 1];
	struct node *n;
	int ch, port;
	status rc;

	memset(&c, 0, sizeof c);
	c.max_body = CONFIG_MAX_BODY_DEFAULT;
	c.retry_max_ms = CONFIG_RETRY_MAX_DEFAULT;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'l': listen = optarg; break;
		case 'e':
			if (c.n_endpoints == CARD_MAX_ENDPOINTS)
				return cli_fail("at most %d --endpoint", CARD_MAX_ENDPOINTS);
			if (strlen(optarg) > CARD_ENDPOINT_MAX ||
			    card_endpoint_parse(optarg, host, sizeof host, &port))
				return cli_fail("invalid --endpoint '%s': use https://HOST:PORT",
				    optarg);
			for (size_t i = 0; i < c.n_endpoints; i++)
				if (strcmp(c.endpoints[i], optarg) == 0)
					return cli_fail("--endpoint %s is given twice", optarg);
			snprintf(c.endpoints[c.n_endpoints++], sizeof c.endpoints[0], "%s", optarg);
			break;
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
	if (!c.n_endpoints) {
		if (strcmp(c.listen_host, "0.0.0.0") == 0 || strcmp(c.listen_host, "::") == 0)
			return cli_fail("listening on all addresses: say which one peers dial with --endpoint https://HOST:PORT");
		snprintf(c.endpoints[c.n_endpoints++], sizeof c.endpoints[0], "https://%s", listen);
	}
	stamp_format(stamp_now_ms(), c.created_at);
	rc = node_init(dir, &c);
	if (rc == ST_EXISTS)
		return cli_fail("%s already holds a node; refusing to overwrite it", dir);
	if (rc == ST_TOOBIG)
		return cli_fail("%s is too long a path: the daemon's socket %s/parleyd.sock must"
		    " fit in %zu bytes; choose a shorter DIR", dir, dir,
		    sizeof ((struct sockaddr_un *)0)->sun_path - 1);
	if (rc)
		return cli_fail("cannot create the node in %s: %s", dir, status_str(rc));
	if (!(n = cli_open(dir)))
		return 1;
	ident_fingerprint(ident_pk(node_ident(n)), fp);
	if (node_path(dir, "identity.key", path) != ST_OK)
		path[0] = '\0';
	printf("created node %s in %s\n  key:         %s (mode 0600)\n", name, dir, path);
	for (size_t i = 0; i < c.n_endpoints; i++)
		printf("  %-12s %s\n", i == 0 ? "endpoint:" : "", c.endpoints[i]);
	printf("  fingerprint: %s\n\nnext: parley card --dir %s > %s.card, and give it to your"
	    " peer\n", fp, dir, name);
	node_close(n);
	return 0;
}
