/* cli_check.c - communication checks: parley check (send one) and parley
 * checks (what they showed).  A check is a formal message of the
 * comm-check template: a machine check is answered by the peer's signed
 * receipt, a human check by an officer's signed acknowledgement at the
 * peer's desk within the agreement's acknowledgement deadline.  Every
 * figure is computed from signed times both parties hold (the check's
 * created_at, the receipt's received_at, the acknowledgement's at), so
 * both compute the same.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "desk/checks.h"
#include "desk/desk.h"
#include "fmt/duration.h"
#include "util/stamp.h"

static const char check_usage[] =
    "usage: parley check PEER [--human] [--path N] [--link LINK] [--priority PRIO]\n"
    "                    [--note TEXT] [--wait[=SECONDS]] [--dir DIR]\n"
    "  Send a communication check to PEER on LINK (default urgent) at PRIO\n"
    "  (default routine).  A machine check is answered by the peer's signed\n"
    "  receipt; with --human an officer on the peer's desk must acknowledge\n"
    "  it (parley ack) within the agreement's acknowledgement deadline, or it\n"
    "  is missed.  --path N sends it on the peer's path N (its card's\n"
    "  endpoints, from 0; parley status lists them): the link moves to that\n"
    "  path, and back to a better one after the probe interval; the check\n"
    "  records the path its receipt came on.  Prints the check's id; --wait\n"
    "  waits for the receipt.\n";

int
cli_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "human", no_argument, NULL, 'H' },
		{ "link", required_argument, NULL, 'l' },
		{ "priority", required_argument, NULL, 'p' },
		{ "note", required_argument, NULL, 'n' },
		{ "path", required_argument, NULL, 'P' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_send_args a;
	const char *note = NULL;
	json_t *form;
	char *text;
	int ch, human = 0, r;

	memset(&a, 0, sizeof a);
	a.path = -1;
	a.link = "urgent";
	a.prio = "routine";
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': a.dir = optarg; break;
		case 'H': human = 1; break;
		case 'l': a.link = optarg; break;
		case 'p': a.prio = optarg; break;
		case 'n': note = optarg; break;
		case 'P':
			if (strlen(optarg) != 1 || optarg[0] < '0' || optarg[0] > '3')
				return cli_fail("--path takes a path's number, 0 to 3");
			a.path = optarg[0] - '0';
			break;
		case 'w':
			if (cli_wait_arg(optarg, &a.wait_s))
				return 1;
			break;
		case 'h': return cli_usage(check_usage, 0);
		default: return cli_usage(check_usage, 1);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(check_usage, 1);
	if (!(a.dir = cli_dir(a.dir)))
		return 1;
	form = note ? json_pack("{s:s}", "note", note) : json_object();
	if (!form)
		return cli_fail("--note must be UTF-8 text");
	text = json_dumps(form, JSON_COMPACT);
	json_decref(form);
	if (!text)
		return cli_fail("out of memory");
	a.peer = argv[optind];
	a.tmpl = "comm-check";
	a.form = text;
	a.check = human ? "human" : "machine";
	r = cli_send_run(&a);
	free(text);
	return r;
}

static const char checks_usage[] =
    "usage: parley checks [--json] [--since DURATION] [--dir DIR]\n"
    "  What the communication checks of the last DURATION (ISO 8601, default\n"
    "  P7D) showed, per peer, direction (sent: the peer answered; received:\n"
    "  this desk answered) and, for those sent, the peer's path the receipt\n"
    "  came on: machine checks sent and answered, the time from\n"
    "  the check's creation to its signed receipt (p50, p99, ms); human checks\n"
    "  sent and answered, the time from receipt to the officer's signed\n"
    "  acknowledgement (p50, p90, max, s), and those missed (not acknowledged\n"
    "  by the deadline).\n";

static json_t *
num(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

int
cli_checks(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *since = "P7D";
	struct checks *c = NULL;
	json_t *arr = NULL;
	int64_t since_s, now = stamp_now_ms();
	struct node *n;
	int ch, json = 0, r = 0;
	status rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 's': since = optarg; break;
		case 'h': return cli_usage(checks_usage, 0);
		default: return cli_usage(checks_usage, 1);
		}
	}
	if (optind != argc)
		return cli_usage(checks_usage, 1);
	if (duration_parse(since, &since_s) != ST_OK)
		return cli_fail("--since takes an ISO 8601 duration such as PT24H or P7D");
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	rc = checks_new(now, 0, &c);
	if (!rc)
		rc = checks_read(c, node_store(n), now - since_s * 1000);
	node_close(n);
	if (rc) {
		r = cli_fail("cannot read the checks: %s", status_str(rc));
		goto out;
	}
	if (json)
		arr = json_array();
	else
		printf("%-12s %-8s %4s %5s %5s %8s %8s %5s %5s %6s %8s %8s %8s\n", "PEER", "DIR", "PATH",
		    "M.SENT", "M.ANS", "RTT.P50", "RTT.P99", "H.SENT", "H.ANS", "MISSED", "RESP.P50",
		    "RESP.P90", "RESP.MAX");
	for (size_t i = 0; i < checks_n(c); i++) {
		const struct checks_group *t = checks_at(c, i);
		int64_t r50 = t->rtt_p50, r99 = t->rtt_p99, h50 = t->resp_p50, h90 = t->resp_p90;
		int64_t hmax = t->resp_max;

		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:o, s:{s:I, s:I}, s:{s:I, s:I, s:I}}",
			    "peer", t->peer, "direction", t->out ? "sent" : "received", "path",
			    t->path >= 0 ? json_integer(t->path) : json_null(),
			    "machine", "sent", (json_int_t)t->m_sent, "answered",
			    (json_int_t)t->m_answered, "human", "sent", (json_int_t)t->h_sent,
			    "answered", (json_int_t)t->h_answered, "missed", (json_int_t)t->h_missed);

			json_object_set_new(json_object_get(o, "machine"), "rtt_ms_p50", num(r50));
			json_object_set_new(json_object_get(o, "machine"), "rtt_ms_p99", num(r99));
			json_object_set_new(json_object_get(o, "human"), "response_s_p50",
			    num(h50 < 0 ? -1 : h50 / 1000));
			json_object_set_new(json_object_get(o, "human"), "response_s_p90",
			    num(h90 < 0 ? -1 : h90 / 1000));
			json_object_set_new(json_object_get(o, "human"), "response_s_max",
			    num(hmax < 0 ? -1 : hmax / 1000));
			json_array_append_new(arr, o);
		} else {
			char path[8];

			snprintf(path, sizeof path, t->path >= 0 ? "%d" : "-", t->path);
			printf("%-12s %-8s %4s %5lld %5lld %8lld %8lld %5lld %5lld %6lld %8lld %8lld %8lld\n",
			    t->peer, t->out ? "sent" : "received", path, (long long)t->m_sent,
			    (long long)t->m_answered, (long long)r50, (long long)r99,
			    (long long)t->h_sent, (long long)t->h_answered, (long long)t->h_missed,
			    (long long)(h50 < 0 ? -1 : h50 / 1000), (long long)(h90 < 0 ? -1 : h90 / 1000),
			    (long long)(hmax < 0 ? -1 : hmax / 1000));
		}
	}
	if (json)
		r = cli_json(arr);
out:
	checks_free(c);
	return r;
}
