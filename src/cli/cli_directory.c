/* cli_directory.c - parley directory: the peers' points of contact, as
 * each peer signed and sent them (desk.contacts), every version kept.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "fmt/contacts.h"
#include "util/stamp.h"

static const char directory_usage[] =
    "usage: parley directory [PEER] [--history] [--json] [--dir DIR]\n"
    "  The peers' points of contact, as each signed and sent them: the\n"
    "  current version of each (of PEER alone, given), with when it was\n"
    "  issued; contacts not confirmed for 12 months are flagged STALE.\n"
    "  --history adds every earlier version and what changed in each.\n";

/* One peer's versions, in order, as the store hands them out. */
struct dir {
	const char *only;	/* a peer's name, or NULL */
	int history, json;
	int64_t now;
	json_t *out;		/* --json: the array */
	char peer[CARD_NAME_MAX + 1];
	struct contacts *prev;	/* the previous version of peer, parsed */
	json_t *versions;	/* the peer's versions (JSON), or NULL */
	json_t *current;	/* its newest so far (JSON) */
	size_t shown;
	int bad;
};

static void
flush_peer(struct dir *d)
{
	if (!d->peer[0])
		return;
	if (!d->json && !d->history && d->prev && d->current) {
		json_t *v = json_object_get(d->current, "version");

		printf("%s  version %lld, issued %s%s\n", d->peer, (long long)json_integer_value(v),
		    json_string_value(json_object_get(d->current, "issued_at")),
		    json_is_true(json_object_get(d->current, "stale")) ? "  STALE" : "");
		cli_contacts_print(d->prev, "  ");
	}
	if (d->json && d->current) {
		json_object_set_new(d->current, "peer", json_string(d->peer));
		if (d->history)
			json_object_set(d->current, "history", d->versions);
		json_array_append(d->out, d->current);
	}
	json_decref(d->current);
	json_decref(d->versions);
	d->current = d->versions = NULL;
	contacts_free(d->prev);
	d->prev = NULL;
	d->peer[0] = '\0';
}

static int
version_row(void *arg, const struct store_contacts *row)
{
	struct dir *d = arg;
	char why[CONTACTS_WHY_MAX], t[32];
	struct contacts *c = NULL;
	json_t *changes;
	int stale;

	if (row->peer_id == 0 || (d->only && strcmp(d->only, row->peer) != 0))
		return 0;
	if (strcmp(d->peer, row->peer) != 0) {
		flush_peer(d);
		snprintf(d->peer, sizeof d->peer, "%s", row->peer);
		d->versions = json_array();
	}
	if (contacts_parse(row->doc, strlen(row->doc), CONTACTS_STATEMENT, &c, why) != ST_OK) {
		d->bad = 1;
		return 0;
	}
	changes = contacts_diff(d->prev, c);
	stale = d->now - row->issued_ms > CONTACTS_STALE_MS;
	json_decref(d->current);
	d->current = json_pack("{s:I, s:s, s:s, s:b, s:o, s:o}", "version",
	    (json_int_t)row->version, "issued_at", cli_time(row->issued_ms, t), "message", row->msg,
	    "stale", stale, "contacts", cli_contacts_json(c), "changes", changes);
	json_array_append_new(d->versions, json_deep_copy(d->current));
	if (!d->json) {
		/* text: every version with --history, else the newest (printed
		 * when the next peer comes or the listing ends) */
		if (d->history) {
			printf("%s  version %lld, issued %s%s\n", row->peer, (long long)row->version,
			    cli_time(row->issued_ms, t), stale ? "  STALE" : "");
			for (size_t i = 0; i < json_array_size(changes); i++) {
				json_t *ch = json_array_get(changes, i);

				printf("    %s %s %s%s%s\n",
				    json_string_value(json_object_get(ch, "change")),
				    json_string_value(json_object_get(ch, "role")),
				    cli_text(json_string_value(json_object_get(ch, "name")), 0),
				    json_object_get(ch, "field") ? ": " : "",
				    json_object_get(ch, "field") ?
				    json_string_value(json_object_get(ch, "field")) : "");
			}
			cli_contacts_print(c, "      ");
		}
	}
	contacts_free(d->prev);
	d->prev = c;
	d->shown++;
	return 0;
}

int
cli_directory(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "history", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dir d;
	const char *dir = NULL;
	struct node *n;
	int ch;
	status rc;

	memset(&d, 0, sizeof d);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': d.json = 1; break;
		case 'H': d.history = 1; break;
		case 'h': return cli_usage(directory_usage, 0);
		default: return cli_usage(directory_usage, 1);
		}
	}
	if (optind + 1 < argc)
		return cli_usage(directory_usage, 1);
	d.only = optind < argc ? argv[optind] : NULL;
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	d.now = stamp_now_ms();
	d.out = json_array();
	rc = store_contacts_list(node_store(n), -1, version_row, &d);
	flush_peer(&d);
	node_close(n);
	if (rc) {
		json_decref(d.out);
		return cli_fail("cannot read the directory: %s", status_str(rc));
	}
	if (d.bad)
		cli_fail("warning: a version held does not read as contacts; left out");
	if (d.json)
		return cli_json(d.out);
	json_decref(d.out);
	if (!d.shown)
		printf(d.only ? "no contacts from %s yet\n" : "no contacts from any peer yet\n",
		    d.only);
	return 0;
}
