/* cli_desk.c - the watch desk's verbs: parley desk (the board), parley
 * ack (an officer's signed acknowledgement) and parley reply (the answer,
 * a form of the reply template).  desk reads the store, so it works
 * whether or not parleyd runs; ack and reply sign, through the daemon.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "desk/desk.h"
#include "fmt/duration.h"
#include "util/stamp.h"
#include "util/text.h"

static const char desk_usage[] =
    "usage: parley desk [--json] [--since DURATION] [--dir DIR]\n"
    "       parley desk --events [--json] [--limit N] [--dir DIR]\n"
    "  The board: every open formal message, sent and received, the most\n"
    "  urgent first, and those closed within --since (an ISO 8601 duration,\n"
    "  default PT24H).  For each: id, peer, direction, template, priority,\n"
    "  state (queued, delivered, acknowledged, answered, overdue-ack,\n"
    "  overdue-reply), the time left to the acknowledgement and reply\n"
    "  deadlines, who acknowledged and when, the seconds from receipt to\n"
    "  acknowledgement and to answer, the escalation level reached, and the\n"
    "  subject.  Deadlines come from the agreement the message was sent\n"
    "  under and run from its signed receipt.\n"
    "  --events lists the desk's events for the notify command, newest first:\n"
    "  event, item, role, officers, made, state (pending, done, retrying),\n"
    "  tries and the last error.\n";

static int
event_row(void *arg, const struct store_desk_event *e)
{
	json_t *arr = arg;
	const char *state = e->done_ms ? "done" : e->tries ? "retrying" : "pending";
	char t1[32], t2[32];

	if (arr) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s?}",
		    "event", e->event, "key", e->key, "id", e->msg, "peer", e->peer, "priority",
		    e->priority, "role", e->role, "officer", e->officer, "state", state, "tries",
		    (json_int_t)e->tries, "made_at", cli_time(e->made_ms, t1), "done_at",
		    e->done_ms ? cli_time(e->done_ms, t2) : NULL);

		json_object_set_new(j, "json", json_loads(e->json, 0, NULL));
		json_object_set_new(j, "last_error", e->last_error[0] ?
		    json_string(e->last_error) : json_null());
		json_array_append_new(arr, j);
	} else {
		printf("%-13s %-36s %-10s %-20s %-24s %-8s %3lld  %s\n", e->event, e->msg,
		    e->role[0] ? e->role : "-", e->officer[0] ? e->officer : "-",
		    cli_time(e->made_ms, t1), state, (long long)e->tries,
		    cli_text(e->last_error, 0));
	}
	return 0;
}

static int
desk_events(const char *dir, int json, long limit)
{
	json_t *arr = json ? json_array() : NULL;
	struct node *n = cli_open(cli_dir(dir));
	status rc;

	if (!n) {
		json_decref(arr);
		return 1;
	}
	if (!json)
		printf("%-13s %-36s %-10s %-20s %-24s %-8s %3s  %s\n", "EVENT", "ID", "ROLE",
		    "OFFICER", "MADE", "STATE", "TRY", "LAST ERROR");
	rc = store_desk_event_list(node_store(n), (int)limit, event_row, arr);
	node_close(n);
	if (rc) {
		json_decref(arr);
		return cli_fail("cannot read the desk's events: %s", status_str(rc));
	}
	return json ? cli_json(arr) : 0;
}

/* left - the time to a deadline in words: "12m left", "3m OVER", "-". */
static const char *
left(int64_t due, int64_t done, int64_t now, char out[32])
{
	int64_t s;

	if (!due || done)
		return "-";
	s = (due - now) / 1000;
	if (s >= 0)
		snprintf(out, 32, s >= 7200 ? "%lldh left" : s >= 120 ? "%lldm left" : "%llds left",
		    (long long)(s >= 7200 ? s / 3600 : s >= 120 ? s / 60 : s));
	else
		snprintf(out, 32, -s >= 7200 ? "%lldh OVER" : -s >= 120 ? "%lldm OVER" : "%llds OVER",
		    (long long)(-s >= 7200 ? -s / 3600 : -s >= 120 ? -s / 60 : -s));
	return out;
}

struct board {
	json_t *arr;
	int64_t now;
	size_t n;
};

static int
board_row(void *arg, const struct store_desk_item *it)
{
	struct board *b = arg;
	char l1[32], l2[32], by[80];

	b->n++;
	if (b->arr) {
		json_array_append_new(b->arr, desk_item_json(it, b->now));
		return 0;
	}
	if (it->ack_ms)
		snprintf(by, sizeof by, "%s %llds", it->ack_officer,
		    (long long)((it->ack_ms - it->receipt_ms) / 1000));
	else
		snprintf(by, sizeof by, "-");
	printf("%-36s %-10s %-3s %-22s %-9s %-13s %-9s %-9s %-18s %3d  %s\n", it->msg, it->peer,
	    it->out ? "out" : "in", it->tmpl, it->priority, desk_state(it, b->now),
	    left(it->ack_due_ms, it->ack_ms, b->now, l1),
	    left(it->reply_due_ms, it->reply_ms, b->now, l2), by, it->esc_level,
	    cli_text(it->subject, 0));
	return 0;
}

int
cli_desk(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ "events", no_argument, NULL, 'e' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *since = "PT24H";
	int events = 0;
	long limit = 100;
	struct board b = { NULL, stamp_now_ms(), 0 };
	int64_t since_s;
	struct node *n;
	int ch, json = 0;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 's': since = optarg; break;
		case 'e': events = 1; break;
		case 'n': {
			char *end;

			limit = strtol(optarg, &end, 10);
			if (*end || !optarg[0] || limit < 1 || limit > 1000000)
				return cli_fail("--limit takes 1 to 1000000");
			break;
		}
		case 'h': return cli_usage(desk_usage, 0);
		default: return cli_usage(desk_usage, 1);
		}
	}
	if (optind != argc)
		return cli_usage(desk_usage, 1);
	if (events)
		return desk_events(dir, json, limit);
	if (duration_parse(since, &since_s) != ST_OK)
		return cli_fail("--since takes an ISO 8601 duration such as PT24H or P7D");
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (json)
		b.arr = json_array();
	else
		printf("%-36s %-10s %-3s %-22s %-9s %-13s %-9s %-9s %-18s %3s  %s\n", "ID", "PEER",
		    "DIR", "TEMPLATE", "PRIORITY", "STATE", "ACK", "REPLY", "ACKED BY", "ESC",
		    "SUBJECT");
	rc = store_desk_open(node_store(n), b.now - since_s * 1000, board_row, &b);
	node_close(n);
	if (rc) {
		json_decref(b.arr);
		return cli_fail("cannot read the desk: %s", status_str(rc));
	}
	return json ? cli_json(b.arr) : 0;
}

static const char ack_usage[] =
    "usage: parley ack ID --as OFFICER [--note TEXT] [--dir DIR]\n"
    "  OFFICER acknowledges the received formal message ID: parleyd signs an\n"
    "  acknowledgement naming the officer and sends it to the sender, whose\n"
    "  desk shows who acknowledged and when.  It stops escalation at once.\n"
    "  Prints the acknowledgement's message id once it is committed.\n";

int
cli_ack(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "as", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *officer = NULL, *note = NULL;
	json_t *req;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'a': officer = optarg; break;
		case 'n': note = optarg; break;
		case 'h': return cli_usage(ack_usage, 0);
		default: return cli_usage(ack_usage, 1);
		}
	}
	if (optind + 1 != argc || !officer)
		return cli_usage(ack_usage, 1);
	if (!(dir = cli_dir(dir)))
		return 1;
	req = json_pack("{s:s, s:s, s:s}", "op", "desk_ack", "id", argv[optind], "officer",
	    officer);
	if (req && note && json_object_set_new(req, "note", json_string(note)) != 0) {
		json_decref(req);
		return cli_fail("--note must be UTF-8 text");
	}
	if (!req)
		return cli_fail("ID and --as must be UTF-8 text");
	return cli_ask(dir, req);
}

static const char reply_usage[] =
    "usage: parley reply ID --as OFFICER --form FILE|- [--wait[=SECONDS]] [--dir DIR]\n"
    "  OFFICER answers the received formal message ID with a form of the reply\n"
    "  template (parley template show reply): sent to the same peer, on the\n"
    "  same link, at the same priority, naming ID.  The form is checked before\n"
    "  anything is signed (exit 1 naming the field).  Prints the reply's id.\n";

struct reply_to {
	char peer[CARD_NAME_MAX + 1], link[ENV_LINK_MAX + 1], prio[ENV_PRIO_MAX + 1];
	int out;
};

static int
reply_row(void *arg, const struct store_desk_item *it)
{
	struct reply_to *t = arg;

	snprintf(t->peer, sizeof t->peer, "%s", it->peer);
	snprintf(t->link, sizeof t->link, "%s", it->link);
	snprintf(t->prio, sizeof t->prio, "%s", it->priority);
	t->out = it->out;
	return 1;
}

int
cli_reply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "as", required_argument, NULL, 'a' },
		{ "form", required_argument, NULL, 'f' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_send_args a;
	struct reply_to t;
	struct node *n;
	int ch;
	status rc;

	memset(&a, 0, sizeof a);
	a.path = -1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': a.dir = optarg; break;
		case 'a': a.officer = optarg; break;
		case 'f': a.formfile = optarg; break;
		case 'w':
			if (cli_wait_arg(optarg, &a.wait_s))
				return 1;
			break;
		case 'h': return cli_usage(reply_usage, 0);
		default: return cli_usage(reply_usage, 1);
		}
	}
	if (optind + 1 != argc || !a.officer || !a.formfile)
		return cli_usage(reply_usage, 1);
	if (!(a.dir = cli_dir(a.dir)) || !(n = cli_open(a.dir)))
		return 1;
	memset(&t, 0, sizeof t);
	rc = store_desk_item_get(node_store(n), argv[optind], reply_row, &t);
	node_close(n);
	if (rc == ST_NOTFOUND || (!rc && t.out))
		return cli_fail("no received formal message has id %s (see: parley desk)",
		    cli_text(argv[optind], TEXT_QUOTED));
	if (rc)
		return cli_fail("cannot read the desk: %s", status_str(rc));
	a.peer = t.peer;
	a.link = t.link;
	a.prio = t.prio;
	a.tmpl = "reply";
	a.reply_to = argv[optind];
	return cli_send_run(&a);
}
