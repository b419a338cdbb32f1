/* cli_taxii.c - parley taxii: where the TAXII 2.1 server answers, and its
 * users (add, token, list, remove).  Users are kept in the node's store,
 * so the verb works whether or not parleyd runs; the daemon reads them at
 * each request.
 *
 * SECURITY: a password is read from a file (never from the command line,
 * where ps shows it), checked by passwd_check and kept as an Argon2id
 * hash; a token is 32 random bytes printed once and kept as its SHA-256.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "crypto/passwd.h"
#include "crypto/tlsctx.h"
#include "fmt/card.h"
#include "store/store_taxii.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/stamp.h"
#include "util/text.h"

static const char taxii_usage[] =
    "usage: parley taxii [--json] [--dir DIR]\n"
    "       parley taxii user add NAME --password-file FILE --read COLLECTIONS\n"
    "                                  --write COLLECTIONS [--dir DIR]\n"
    "       parley taxii user token NAME [--dir DIR]\n"
    "       parley taxii user list [--json] [--dir DIR]\n"
    "       parley taxii user remove NAME [--dir DIR]\n"
    "  The TAXII 2.1 server parleyd runs when taxii_listen is set (parley config).\n"
    "  Without a subcommand: its discovery URL and the SHA-256 fingerprint of its\n"
    "  certificate (for https), for a TAXII client to pin.\n"
    "  user add: a user who signs in with HTTP Basic, NAME ([a-z0-9][a-z0-9._-]{0,62})\n"
    "  and the password on the first line of FILE (12 to 1024 bytes; kept as an\n"
    "  Argon2id hash).  COLLECTIONS: collection titles separated by commas\n"
    "  (local, \"to PEER\", \"from PEER\"), \"all\", or \"\" for none; --read and\n"
    "  --write say which collections NAME sees and may read or write.\n"
    "  user token: a new bearer token for NAME, printed once (kept as its SHA-256).\n"
    "  user remove: NAME and every token of theirs.\n";

/* grants_ok - "all", "", or titles (local, to NAME, from NAME) with commas. */
static int
grants_ok(const char *g)
{
	if (strcmp(g, "all") == 0 || !g[0])
		return 1;
	if (strlen(g) > STORE_TAXII_GRANTS_MAX)
		return 0;
	for (const char *p = g;;) {
		const char *e = strchr(p, ',');
		char t[CARD_NAME_MAX + 16];
		size_t n = e ? (size_t)(e - p) : strlen(p);

		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof t)
			return 0;
		memcpy(t, p, n);
		t[n] = '\0';
		if (strcmp(t, "local") != 0 && !(strncmp(t, "to ", 3) == 0 && card_name_ok(t + 3)) &&
		    !(strncmp(t, "from ", 5) == 0 && card_name_ok(t + 5)))
			return 0;
		if (!e)
			return 1;
		p = e + 1;
	}
}

static int
user_add(struct node *n, const char *name, const char *pwfile, const char *rd,
    const char *wr)
{
	char hash[PASSWD_HASH_MAX];
	const char *why = NULL;
	struct store_taxii_user u;
	struct buf b;
	size_t len;
	status rc;

	if (!card_name_ok(name))
		return cli_fail("invalid user name %s: use [a-z0-9][a-z0-9._-]{0,62}",
		    cli_text(name, TEXT_QUOTED));
	if (!pwfile || !rd || !wr)
		return cli_fail("user add needs --password-file, --read and --write");
	if (!grants_ok(rd) || !grants_ok(wr))
		return cli_fail("--read and --write take \"all\", \"\", or titles separated by"
		    " commas: local, \"to PEER\", \"from PEER\"");
	buf_init(&b, PASSWD_MAX + 4);
	if ((rc = file_read(pwfile, &b)) != ST_OK) {
		buf_free(&b);
		return cli_fail("cannot read %s: %s", cli_text(pwfile, TEXT_QUOTED),
		    rc == ST_TOOBIG ? "longer than a password may be" : status_str(rc));
	}
	len = strcspn(buf_str(&b), "\r\n");
	if (passwd_check(buf_str(&b), len, &why) != ST_OK ||
	    (rc = passwd_hash(buf_str(&b), len, hash)) != ST_OK) {
		sodium_memzero(b.p, b.len);
		buf_free(&b);
		return cli_fail("the password is refused: %s", why ? why : "cannot hash it");
	}
	sodium_memzero(b.p, b.len);
	buf_free(&b);
	u = (struct store_taxii_user){ name, hash, rd, wr, stamp_now_ms() };
	rc = store_taxii_user_add(node_store(n), &u);
	if (rc == ST_EXISTS)
		return cli_fail("a user named %s exists already (parley taxii user remove)", name);
	if (rc)
		return cli_fail("cannot keep the user: %s", status_str(rc));
	printf("user %s added (read: %s; write: %s)\n", name, rd[0] ? rd : "none",
	    wr[0] ? wr : "none");
	return 0;
}

static int
found(void *arg, const struct store_taxii_user *u)
{
	(void)u;
	*(int *)arg = 1;
	return 1;
}

static int
user_token(struct node *n, const char *name)
{
	uint8_t raw[32], h[STORE_TAXII_HASH];
	int known = 0;
	struct buf b;
	status rc;

	if (store_taxii_user_get(node_store(n), name, found, &known) != ST_OK || !known)
		return cli_fail("no user named %s (parley taxii user list)",
		    cli_text(name, TEXT_QUOTED));
	randombytes_buf(raw, sizeof raw);
	buf_init(&b, 64);
	rc = b64_url_encode(&b, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	if (!rc) {
		crypto_hash_sha256(h, (const uint8_t *)b.p, b.len);
		rc = store_taxii_token_add(node_store(n), name, h, stamp_now_ms());
	}
	if (rc) {
		sodium_memzero(b.p, b.len);
		buf_free(&b);
		return cli_fail("cannot make a token: %s", status_str(rc));
	}
	printf("%s\n", buf_str(&b));
	sodium_memzero(b.p, b.len);
	buf_free(&b);
	return fflush(stdout) != 0;
}

static int
user_row(void *arg, const struct store_taxii_user *u)
{
	json_t *arr = arg;
	char t[32];

	if (arr)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "name", u->name,
		    "read", u->read, "write", u->write, "added_at", cli_time(u->added_ms, t)));
	else
		printf("%-24s %-24s %-24s %s\n", u->name, u->read[0] ? u->read : "-",
		    u->write[0] ? u->write : "-", cli_time(u->added_ms, t));
	return 0;
}

static int
user_list(struct node *n, int json)
{
	json_t *arr = json ? json_array() : NULL;
	status rc;

	if (!json)
		printf("%-24s %-24s %-24s %s\n", "NAME", "READ", "WRITE", "ADDED");
	rc = store_taxii_user_list(node_store(n), user_row, arr);
	if (rc) {
		json_decref(arr);
		return cli_fail("cannot read the users: %s", status_str(rc));
	}
	return json ? cli_json(arr) : 0;
}

static int
user_remove(struct node *n, const char *name)
{
	status rc = store_taxii_user_remove(node_store(n), name);

	if (rc == ST_NOTFOUND)
		return cli_fail("no user named %s", cli_text(name, TEXT_QUOTED));
	if (rc)
		return cli_fail("cannot remove the user: %s", status_str(rc));
	printf("user %s removed, with their tokens\n", name);
	return 0;
}

/* show - the discovery URL and the certificate's fingerprint. */
static int
show(struct node *n, int json)
{
	const char *url = node_config(n)->taxii_listen;
	char crt[NODE_PATH_MAX], fp[32 * 3] = "", disc[CARD_ENDPOINT_MAX + 16];
	uint8_t h[32];
	status rc;

	if (!url[0])
		return cli_fail("no TAXII server: set taxii_listen (parley config set taxii_listen"
		    " https://HOST:PORT) and restart parleyd");
	snprintf(disc, sizeof disc, "%s/taxii2/", url);
	if (strncmp(url, "https://", 8) == 0) {
		if ((rc = node_path(node_dir(n), "server.crt", crt)) != ST_OK ||
		    (rc = tlsctx_cert_sha256(crt, h)) != ST_OK)
			return cli_fail("cannot read the server certificate: %s", status_str(rc));
		for (size_t i = 0; i < 32; i++)
			snprintf(fp + 3 * i, sizeof fp - 3 * i, "%02X%s", h[i], i < 31 ? ":" : "");
	}
	if (json)
		return cli_json(json_pack("{s:s, s:s?}", "discovery", disc, "sha256",
		    fp[0] ? fp : NULL));
	printf("discovery: %s\n", disc);
	if (fp[0])
		printf("sha256:    %s\n", fp);
	else
		printf("plain HTTP on loopback: no certificate\n");
	return 0;
}

int
cli_taxii(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "read", required_argument, NULL, 'r' },
		{ "write", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *pwfile = NULL, *rd = NULL, *wr = NULL, *sub = NULL;
	int ch, json = 0, r, args;
	struct node *n;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'p': pwfile = optarg; break;
		case 'r': rd = optarg; break;
		case 'w': wr = optarg; break;
		case 'h': return cli_usage(taxii_usage, 0);
		default: return cli_usage(taxii_usage, 1);
		}
	}
	args = argc - optind;
	if (args > 0 && strcmp(argv[optind], "user") != 0)
		return cli_usage(taxii_usage, 1);
	if (args > 1)
		sub = argv[optind + 1];
	if (args == 1 || (args == 0 && (pwfile || rd || wr)) ||
	    (sub && (strcmp(sub, "add") == 0 ? args != 3 || json :
	    strcmp(sub, "list") == 0 ? args != 2 || pwfile || rd || wr :
	    strcmp(sub, "token") == 0 || strcmp(sub, "remove") == 0 ?
	    args != 3 || json || pwfile || rd || wr : 1)))
		return cli_usage(taxii_usage, 1);
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (!sub)
		r = show(n, json);
	else if (strcmp(sub, "add") == 0)
		r = user_add(n, argv[optind + 2], pwfile, rd, wr);
	else if (strcmp(sub, "token") == 0)
		r = user_token(n, argv[optind + 2]);
	else if (strcmp(sub, "list") == 0)
		r = user_list(n, json);
	else
		r = user_remove(n, argv[optind + 2]);
	node_close(n);
	return r;
}
