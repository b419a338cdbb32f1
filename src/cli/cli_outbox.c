/* cli_outbox.c - parley outbox: sent messages and their delivery state. */
#include <stdio.h>

#include "util/text.h"
#include "cli/cli_view.h"

static int
out_row(void *arg, const struct store_out *m)
{
	struct cli_view_rows *r = arg;
	struct cli_view_row v = { m->id, m->link, m->type, m->priority, m->subject, m->seq, 0 };
	char c[32], d[32];

	/* what was signed, not what the row's columns say */
	cli_view_signed(&v, m->jws, m->jws_len);
	if (r->json)
		json_array_append_new(r->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b}",
		    "id", v.id, "to", m->peer, "link", v.link, "seq", (json_int_t)v.seq,
		    "type", v.type, "priority", v.priority, "subject", v.subject,
		    "state", cli_state(m->state), "created_at", cli_time(m->created_ms, c),
		    "delivered_at", cli_time(m->delivered_ms, d), "attempts", (json_int_t)m->attempts,
		    "last_error", m->last_error, "altered", v.altered));
	else
		printf("%-36s %-12s %-8s %6lld %-9s %-24s %-24s %3lld %s%s\n", v.id, m->peer, v.link,
		    (long long)v.seq, cli_state(m->state), cli_time(m->created_ms, c),
		    cli_time(m->delivered_ms, d), (long long)m->attempts,
		    m->last_error[0] ? cli_text(m->last_error, 0) : "-",
		    v.altered ? "  [STORED ROW ALTERED: shown as signed]" : "");
	return 0;
}

static const char outbox_usage[] =
    "usage: parley outbox [--json] [--limit N | --all] [--dir DIR]\n"
    "  List sent messages, oldest first (the newest N, default 100): id, to,\n"
    "  link, seq, state (queued, delivered, rejected), created_at,\n"
    "  delivered_at, attempts, last_error.\n";

static status
fetch_out(struct store *st, size_t limit, struct cli_view_rows *r)
{
	return store_out_list(st, limit, out_row, r);
}

int
cli_outbox(int argc, char **argv)
{
	char header[160];

	snprintf(header, sizeof header, "%-36s %-12s %-8s %6s %-9s %-24s %-24s %3s %s\n", "ID",
	    "TO", "LINK", "SEQ", "STATE", "CREATED", "DELIVERED", "TRY", "LAST ERROR");
	return cli_view_list(argc, argv, outbox_usage, header, "outbox", fetch_out);
}
