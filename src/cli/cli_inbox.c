/* cli_inbox.c - parley inbox: received messages. */
#include <stdio.h>

#include "util/text.h"
#include "cli/cli_view.h"

static int
in_row(void *arg, const struct store_in *m)
{
	struct cli_view_rows *r = arg;
	struct cli_view_row v = { m->id, m->link, m->type, m->priority, m->subject, m->seq, 0 };
	char t[32];

	/* what was signed, not what the row's columns say */
	cli_view_signed(&v, m->jws, m->jws_len);
	if (r->json)
		json_array_append_new(r->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b}",
		    "id", v.id, "from", m->peer, "link", v.link, "seq", (json_int_t)v.seq,
		    "type", v.type, "priority", v.priority, "subject", v.subject,
		    "received_at", cli_time(m->received_ms, t), "altered", v.altered));
	else
		printf("%-36s %-12s %-8s %6lld %-14s %-9s %-24s %s%s\n", v.id, m->peer, v.link,
		    (long long)v.seq, v.type, v.priority, cli_time(m->received_ms, t),
		    cli_text(v.subject, 0), v.altered ? "  [STORED ROW ALTERED: shown as signed]" : "");
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
