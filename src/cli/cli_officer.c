/* cli_officer.c - parley officer: the desk's officers (add, list).  They
 * are kept in the node's store, so the verb works whether or not parleyd
 * runs; the daemon reads them when an officer acknowledges.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "fmt/deskmsg.h"
#include "node/node.h"
#include "util/stamp.h"
#include "util/text.h"

static const char officer_usage[] =
    "usage: parley officer add NAME --role duty|supervisor|head [--dir DIR]\n"
    "       parley officer list [--json] [--dir DIR]\n"
    "  The watch desk's officers.  An officer acknowledges and answers formal\n"
    "  messages by name (parley ack, parley reply --as NAME); the roster says\n"
    "  who is on duty when (parley roster).  NAME is [a-z0-9][a-z0-9._-]{0,62};\n"
    "  the role says who an escalation step notifies.\n";

static int
officer_row(void *arg, const struct store_officer *o)
{
	json_t *arr = arg;
	char t[32];

	if (arr)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", o->name, "role",
		    o->role, "added_at", cli_time(o->added_ms, t)));
	else
		printf("%-24s %-11s %s\n", o->name, o->role, cli_time(o->added_ms, t));
	return 0;
}

static int
officer_add(struct node *n, const char *name, const char *role)
{
	status rc;

	if (!card_name_ok(name))
		return cli_fail("invalid officer name '%s': use [a-z0-9][a-z0-9._-]{0,62}",
		    cli_text(name, TEXT_QUOTED));
	if (!role || !deskmsg_role_ok(role))
		return cli_fail("--role must be duty, supervisor or head");
	rc = store_officer_add(node_store(n), name, role, stamp_now_ms());
	if (rc == ST_EXISTS)
		return cli_fail("an officer named %s exists already", name);
	if (rc)
		return cli_fail("cannot keep the officer: %s", status_str(rc));
	printf("officer %s added (%s)\n", name, role);
	return 0;
}

int
cli_officer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *role = NULL, *sub;
	struct node *n;
	int ch, json = 0, r;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'r': role = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(officer_usage, 0);
		default: return cli_usage(officer_usage, 1);
		}
	}
	if (optind >= argc)
		return cli_usage(officer_usage, 1);
	sub = argv[optind];
	if (strcmp(sub, "add") == 0 ? optind + 2 != argc || json :
	    strcmp(sub, "list") == 0 ? optind + 1 != argc || role : 1)
		return cli_usage(officer_usage, 1);
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (strcmp(sub, "add") == 0) {
		r = officer_add(n, argv[optind + 1], role);
	} else {
		json_t *arr = json ? json_array() : NULL;
		status rc;

		if (!json)
			printf("%-24s %-11s %s\n", "NAME", "ROLE", "ADDED");
		rc = store_officer_list(node_store(n), officer_row, arr);
		if (rc) {
			json_decref(arr);
			r = cli_fail("cannot read the officers: %s", status_str(rc));
		} else {
			r = json ? cli_json(arr) : 0;
		}
	}
	node_close(n);
	return r;
}
