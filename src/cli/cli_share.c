/* cli_share.c - parley share: a STIX 2.1 document shared with a peer over
 * the cert link (intel/intel.h, docs/STIX.md "Sharing with a peer").
 *
 * SYNOPSIS
 *	parley share FILE --to PEER [--json] [--dir DIR]
 *
 * DESCRIPTION
 *	The running parleyd reads FILE (a bundle or one object), checks
 *	every object as `parley intel validate` does, applies the rules of
 *	the agreement in force with PEER (TLP ceiling and default, critical
 *	infrastructure, personal data, onward transfer), and keeps what may
 *	leave in to:PEER, queued, in one transaction committed with fsync
 *	before it answers.  The objects then travel in signed batches.
 *	Prints per refused object its id and the clause, then how many were
 *	queued and refused.
 *
 * DIAGNOSTICS
 *	Exit 0 when every object was queued, 1 when one was refused or the
 *	whole document was (nothing is kept then), 2 on a usage error.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char share_usage[] =
    "usage: parley share FILE --to PEER [--json] [--dir DIR]\n"
    "  share the STIX 2.1 objects of FILE (a bundle or one object) with PEER\n"
    "  over the cert link.  Each object is checked (parley intel validate) and\n"
    "  held to the agreement in force with PEER: its TLP label (an unmarked\n"
    "  object counts as TLP:AMBER) at most the link's tlp_max, TLP:RED only where\n"
    "  tlp_max is TLP:RED, critical-infrastructure data only where the agreement\n"
    "  allows it, personal data refused, pseudonymised or allowed as agreed,\n"
    "  nothing received from a third party unless its agreement allows onward\n"
    "  transfer and its label is CLEAR or GREEN.  What passes is kept and queued\n"
    "  (fsync) before the answer, then sent in signed batches; parley intel list\n"
    "  --to PEER shows it.  Refused objects are named with the clause, and kept\n"
    "  in parley intel refusals.  Needs the running parleyd.  Exits 1 when any\n"
    "  object is refused.\n";

int
cli_share(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *to = NULL;
	char path[PATH_MAX];
	json_t *resp = NULL, *results;
	int ch, json = 0;
	json_int_t queued, refused;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 't': to = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(share_usage, 0);
		default: return cli_usage(share_usage, 1);
		}
	}
	if (argc - optind != 1 || !to || !to[0])
		return cli_usage(share_usage, 1);
	if (!realpath(argv[optind], path))
		return cli_fail("cannot read %s: no such file", cli_text(argv[optind], 0));
	if (cli_request(dir, json_pack("{s:s, s:s, s:s}", "op", "intel_share", "peer", to, "path",
	    path), 600, &resp, "nothing shared"))
		return 1;
	queued = json_integer_value(json_object_get(resp, "queued"));
	refused = json_integer_value(json_object_get(resp, "refused"));
	if (json) {
		json_object_del(resp, "ok");
		cli_json(resp);
		return refused ? 1 : 0;
	}
	results = json_object_get(resp, "results");
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *r = json_array_get(results, i);
		const char *why = json_string_value(json_object_get(r, "why"));

		if (why)
			printf("REFUSED  %s\n", cli_text(why, 0));
	}
	printf("%lld queued for %s, %lld refused\n", (long long)queued, cli_text(to, 0),
	    (long long)refused);
	json_decref(resp);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the summary");
	return refused ? 1 : 0;
}
