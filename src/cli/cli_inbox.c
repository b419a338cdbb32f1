/* cli_inbox.c - parley inbox: received messages. */
#include <stdio.h>

#include "util/text.h"
#include "cli/cli_view.h"

static int
in_row(void *arg, const struct store_in *m)
{
	struct cli_view_rows *r = arg;
	char t[32];

	if (r->json)
		json_array_append_new(r->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
		    "id", m->id, "from", m->peer, "link", m->link, "seq", (json_int_t)m->seq,
		    "type", m->type, "priority", m->priority, "subject", m->subject,
		    "received_at", cli_time(m->received_ms, t)));
	else
		printf("%-36s %-12s %-8s %6lld %-14s %-9s %-24s %s\n", m->id, m->peer, m->link,
		    (long long)m->seq, m->type, m->priority, cli_time(m->received_ms, t),
		    cli_text(m->subject, 0));
	return 0;
}

static const char inbox_usage[] =
    "usage: parley inbox [--json] [--limit N | --all] [--dir DIR]\n"
    "  List received messages, oldest first (the newest N, default 100): id,\n"
    "  from, link, seq, type, priority, subject, received_at.\n";

static status
fetch_in(struct store *st, size_t limit, struct cli_view_rows *r)
{
	return store_in_list(st, limit, in_row, r);
}

int
cli_inbox(int argc, char **argv)
{
	char header[160];

	snprintf(header, sizeof header, "%-36s %-12s %-8s %6s %-14s %-9s %-24s %s\n", "ID",
	    "FROM", "LINK", "SEQ", "TYPE", "PRIORITY", "RECEIVED", "SUBJECT");
	return cli_view_list(argc, argv, inbox_usage, header, "inbox", fetch_in);
}
