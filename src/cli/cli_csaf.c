/* cli_csaf.c - parley csaf (the CSAF trusted provider: its metadata URL,
 * key, what is published; its users) and parley advisory publish |
 * unpublish.  Everything goes through the running parleyd (cli_request):
 * publishing signs with the provider's key, which only the daemon holds
 * open, and changes the listings it serves.
 *
 * SECURITY: a user's token is printed once, by user add; only its SHA-256
 * is kept.  Text from advisories and from the daemon is printed escaped.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/text.h"

static const char publish_usage[] =
    "usage: parley advisory publish ID [--version V] [--json] [--dir DIR]\n"
    "       parley advisory unpublish ID [--dir DIR]\n"
    "  publish: make advisory ID (its tracking id) available from the CSAF trusted\n"
    "  provider (csaf_listen): TLP:WHITE to anyone, GREEN, AMBER and RED to the\n"
    "  provider's users allowed that label.  Default: the newest version held of\n"
    "  our own; a newer version takes the older one's place.  The document is\n"
    "  signed with the provider's OpenPGP key and its SHA-256 and SHA-512 kept.\n"
    "  An advisory received from a peer is published only when its origin's\n"
    "  agreement allows passing it on.\n"
    "  unpublish: withdraw ID from every listing and feed; its files answer 404.\n"
    "  The record of the publication is kept.\n";

static const char csaf_usage[] =
    "usage: parley csaf [--json] [--dir DIR]\n"
    "       parley csaf user add NAME --tlp LABELS [--dir DIR]\n"
    "       parley csaf user list [--json] [--dir DIR]\n"
    "       parley csaf user remove NAME [--dir DIR]\n"
    "  The CSAF trusted provider parleyd serves when csaf_listen is set.\n"
    "  Without a subcommand: the provider metadata's URL, the OpenPGP key's\n"
    "  fingerprint and URL, and how many advisories are published per TLP label.\n"
    "  user add: a user who reads TLP:GREEN, AMBER or RED advisories with a bearer\n"
    "  token (printed once; kept as its SHA-256).  NAME: [a-z0-9][a-z0-9._-]{0,62};\n"
    "  LABELS: GREEN, AMBER, RED separated by commas.\n"
    "  user remove: NAME and their token.\n";

static int
publish(const char *dir, const char *id, const char *version, int json)
{
	json_t *resp;
	int e;

	if (cli_request(dir, json_pack("{s:s, s:s, s:s*}", "op", "csaf_publish", "id", id,
	    "version", version), 120, &resp, "cannot publish"))
		return 1;
	if (json)
		return cli_json(resp);
	if (json_is_true(json_object_get(resp, "held")))
		e = printf("%s version %s is published already: %s\n",
		    cli_text(json_string_value(json_object_get(resp, "tracking_id")), 0),
		    cli_text(json_string_value(json_object_get(resp, "version")), 0),
		    cli_text(json_string_value(json_object_get(resp, "url")), 0)) < 0;
	else {
		size_t i;
		json_t *v;

		e = printf("published %s version %s (TLP:%s)\n  %s\n",
		    cli_text(json_string_value(json_object_get(resp, "tracking_id")), 0),
		    cli_text(json_string_value(json_object_get(resp, "version")), 0),
		    cli_text(json_string_value(json_object_get(resp, "tlp")), 0),
		    cli_text(json_string_value(json_object_get(resp, "url")), 0)) < 0;
		json_array_foreach(json_object_get(resp, "replaced"), i, v)
			e |= printf("  replaces %s\n", cli_text(json_string_value(v), 0)) < 0;
	}
	json_decref(resp);
	return e;
}

static int
unpublish(const char *dir, const char *id)
{
	json_t *resp, *v;
	size_t i;
	int e = 0;

	if (cli_request(dir, json_pack("{s:s, s:s}", "op", "csaf_unpublish", "id", id), 60,
	    &resp, "cannot unpublish"))
		return 1;
	json_array_foreach(json_object_get(resp, "withdrawn"), i, v)
		e |= printf("withdrawn %s\n", cli_text(json_string_value(v), 0)) < 0;
	json_decref(resp);
	return e;
}

/* pub_args - ID [--version V] [--json] for publish (unpublish: ID only). */
static int
pub_args(int argc, char **argv, int is_publish)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "version", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *version = NULL;
	int ch, json = 0;

	optind = 0;	/* glibc: start again, whatever the caller's getopt did */
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'v': version = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(publish_usage, 0);
		default: return cli_usage(publish_usage, 1);
		}
	}
	if (argc - optind != 1 || (!is_publish && (version || json)))
		return cli_usage(publish_usage, 1);
	if (!argv[optind][0])
		return cli_fail("give the advisory's tracking id");
	return is_publish ? publish(dir, argv[optind], version, json) :
	    unpublish(dir, argv[optind]);
}

int
cli_advisory_publish(int argc, char **argv)
{
	return pub_args(argc, argv, 1);
}

int
cli_advisory_unpublish(int argc, char **argv)
{
	return pub_args(argc, argv, 0);
}

static int
show(const char *dir, int json)
{
	json_t *resp, *pub;
	const char *k;
	json_t *v;
	int e;

	if (cli_request(dir, json_pack("{s:s}", "op", "csaf_status"), 30, &resp, NULL))
		return 1;
	if (json)
		return cli_json(resp);
	e = printf("metadata:    %s\nfingerprint: %s\nkey:         %s\npublished:  ",
	    cli_text(json_string_value(json_object_get(resp, "metadata_url")), 0),
	    cli_text(json_string_value(json_object_get(resp, "fingerprint")), 0),
	    cli_text(json_string_value(json_object_get(resp, "key_url")), 0)) < 0;
	pub = json_object_get(resp, "published");
	json_object_foreach(pub, k, v)
		e |= printf(" TLP:%s %lld", k, (long long)json_integer_value(v)) < 0;
	e |= printf("\nusers:       %lld\n",
	    (long long)json_integer_value(json_object_get(resp, "users"))) < 0;
	json_decref(resp);
	return e;
}

static int
user_add(const char *dir, const char *name, const char *labels)
{
	json_t *list = json_array(), *resp;
	char one[16];
	int e;

	if (!labels)
		return cli_fail("user add needs --tlp GREEN,AMBER,RED (the labels NAME may read)");
	for (const char *p = labels; list;) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof one) {
			json_decref(list);
			return cli_fail("--tlp takes GREEN, AMBER or RED separated by commas");
		}
		memcpy(one, p, n);
		one[n] = '\0';
		json_array_append_new(list, json_string(one));
		p += n;
		if (!*p)
			break;
		p++;
	}
	if (cli_request(dir, json_pack("{s:s, s:s, s:o*}", "op", "csaf_user_add", "name", name,
	    "tlp", list), 30, &resp, "cannot add the user"))
		return 1;
	e = printf("user %s added; their bearer token (shown once):\n%s\n", cli_text(name, 0),
	    json_string_value(json_object_get(resp, "token"))) < 0;
	json_decref(resp);
	return e;
}

static int
user_list(const char *dir, int json)
{
	json_t *resp, *u, *t;
	size_t i, j;
	int e = 0;

	if (cli_request(dir, json_pack("{s:s}", "op", "csaf_user_list"), 30, &resp, NULL))
		return 1;
	if (json) {
		e = cli_json(json_incref(json_object_get(resp, "users")));
		json_decref(resp);
		return e;
	}
	json_array_foreach(json_object_get(resp, "users"), i, u) {
		e |= printf("%-20s ", cli_text(json_string_value(json_object_get(u, "name")), 0)) < 0;
		json_array_foreach(json_object_get(u, "tlp"), j, t)
			e |= printf("%s%s", j ? "," : "", cli_text(json_string_value(t), 0)) < 0;
		e |= printf("  (since %s)\n",
		    cli_text(json_string_value(json_object_get(u, "added")), 0)) < 0;
	}
	json_decref(resp);
	return e;
}

static int
user_remove(const char *dir, const char *name)
{
	json_t *resp;

	if (cli_request(dir, json_pack("{s:s, s:s}", "op", "csaf_user_remove", "name", name), 30,
	    &resp, "cannot remove the user"))
		return 1;
	json_decref(resp);
	return printf("user %s removed\n", cli_text(name, 0)) < 0;
}

int
cli_csaf(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "tlp", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *tlp = NULL, *sub = NULL;
	int ch, json = 0, args;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 't': tlp = optarg; break;
		case 'h': return cli_usage(csaf_usage, 0);
		default: return cli_usage(csaf_usage, 1);
		}
	}
	args = argc - optind;
	if (args > 0 && strcmp(argv[optind], "user") != 0)
		return cli_usage(csaf_usage, 1);
	if (args > 1)
		sub = argv[optind + 1];
	if (args == 1 || (!sub && tlp) ||
	    (sub && (strcmp(sub, "add") == 0 ? args != 3 || json :
	    strcmp(sub, "list") == 0 ? args != 2 || tlp :
	    strcmp(sub, "remove") == 0 ? args != 3 || json || tlp : 1)))
		return cli_usage(csaf_usage, 1);
	if (!sub)
		return show(dir, json);
	if (strcmp(sub, "add") == 0)
		return user_add(dir, argv[optind + 2], tlp);
	if (strcmp(sub, "list") == 0)
		return user_list(dir, json);
	return user_remove(dir, argv[optind + 2]);
}
