/* cli_status.c - parley status: each peer as the running parleyd sees it. */
#include <getopt.h>
#include <stdio.h>

#include "util/text.h"
#include "api/apiclient.h"
#include "cli/cli.h"

static const char status_usage[] =
    "usage: parley status [--json] [--dir DIR]\n"
    "  Show each peer as the running parleyd sees it: reachable, last heard,\n"
    "  backlog per link, alarm, and each path to it (the endpoints of its\n"
    "  card, in order): up, down or untried, the one in use (*), its last\n"
    "  success and last error.  Exits 1 when parleyd is not running.\n";

/* print_paths - one line per path of peer p. */
static void
print_paths(const json_t *p)
{
	const json_t *path;
	size_t i;

	json_array_foreach(json_object_get(p, "paths"), i, path) {
		const json_t *err = json_object_get(path, "last_error");
		const char *ok = json_string_value(json_object_get(path, "last_ok"));

		printf("%16s %s path %lld %-7s %s", "",
		    json_is_true(json_object_get(path, "active")) ? "*" : " ",
		    (long long)json_integer_value(json_object_get(path, "n")),
		    json_string_value(json_object_get(path, "state")),
		    json_string_value(json_object_get(path, "url")));
		if (ok)
			printf("  ok %s", ok);
		if (json_is_object(err))
			printf("  error %s: %s", json_string_value(json_object_get(err, "at")),
			    cli_text(json_string_value(json_object_get(err, "reason")), 0));
		printf("\n");
	}
}

int
cli_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	struct apiclient *api;
	json_t *req, *resp = NULL, *st, *p;
	int ch, json = 0;
	size_t i;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(status_usage, 0);
		default: return cli_usage(status_usage, 1);
		}
	}
	if (optind != argc)
		return cli_usage(status_usage, 1);
	if (!(dir = cli_dir(dir)) || !(api = cli_daemon(dir)))
		return 1;
	req = json_pack("{s:s}", "op", "status");
	rc = apiclient_send(api, req);
	json_decref(req);
	if (!rc)
		rc = apiclient_recv(api, 10000, &resp);
	apiclient_close(api);
	if (rc || !json_is_true(json_object_get(resp, "ok"))) {
		json_decref(resp);
		return cli_fail("parleyd did not answer: %s", rc ? status_str(rc) : "error");
	}
	st = json_incref(json_object_get(resp, "status"));
	json_decref(resp);
	if (json)
		return cli_json(st);
	printf("node %s  (key %s)\n", json_string_value(json_object_get(st, "node")),
	    json_string_value(json_object_get(st, "kid")));
	if (json_string_value(json_object_get(st, "halted")))
		printf("STOPPED: this node signs nothing new: peer %s\n",
		    cli_text(json_string_value(json_object_get(st, "halted")), 0));
	if (json_string_value(json_object_get(st, "store_damaged")))
		printf("ALARM: store damaged: SQLite says \"%s\"; new messages are refused, reads"
		    " work (README, Faults)\n",
		    cli_text(json_string_value(json_object_get(st, "store_damaged")), 0));
	printf("%-16s %-9s %-25s %-28s %s\n", "PEER", "REACHABLE", "LAST HEARD", "BACKLOG", "ALARM");
	json_array_foreach(json_object_get(st, "peers"), i, p) {
		char backlog[128] = "";
		const char *k, *alarm = json_string_value(json_object_get(p, "alarm"));
		const char *heard = json_string_value(json_object_get(p, "last_heard"));
		size_t off = 0;
		json_t *v;

		json_object_foreach(json_object_get(p, "backlog"), k, v) {
			int w = snprintf(backlog + off, sizeof backlog - off, "%s%s=%lld",
			    off ? " " : "", k, (long long)json_integer_value(v));

			if (w > 0 && (size_t)w < sizeof backlog - off)
				off += (size_t)w;
		}
		printf("%-16s %-9s %-25s %-28s %s\n", json_string_value(json_object_get(p, "name")),
		    json_is_true(json_object_get(p, "reachable")) ? "yes" : "no",
		    heard ? heard : "never", backlog, alarm ? cli_text(alarm, 0) : "-");
		if (json_string_value(json_object_get(p, "local_agreement")))
			printf("%16s links %s come from a local agreement (the previous version's"
			    " --links); replace it: parley agreement draft %s (README, Agreements)\n",
			    "", json_string_value(json_object_get(p, "local_agreement")),
			    json_string_value(json_object_get(p, "name")));
		if (!json_is_true(json_object_get(p, "reachable")) &&
		    json_string_value(json_object_get(p, "last_error")))
			printf("%16s last error: %s\n", "",
			    cli_text(json_string_value(json_object_get(p, "last_error")), 0));
		print_paths(p);
	}
	json_decref(st);
	return 0;
}
