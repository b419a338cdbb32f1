/* cli_views.c - parley outbox, inbox, show, receipt: read the store.
 *
 * These verbs read the node's store directly, so the record stays readable
 * while parleyd is stopped.  show and receipt verify signatures again with
 * the pinned keys before printing, and say so.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fmt/envelope.h"

struct view {
	const char *dir;
	int json, jws;
	size_t limit;
	const char *id;
};

/* view_opts - the options shared by the read-only verbs; -1 to go on. */
static int
view_opts(int argc, char **argv, const char *usage, struct view *v, int want_id)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "jws", no_argument, NULL, 'w' },
		{ "limit", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(v, 0, sizeof *v);
	v->limit = 100;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': v->dir = optarg; break;
		case 'j': v->json = 1; break;
		case 'w': v->jws = 1; break;
		case 'a': v->limit = 0; break;
		case 'n': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || !optarg[0] || n < 0)
				return cli_fail("--limit takes a count (0: all)");
			v->limit = (size_t)n;
			break;
		}
		case 'h': return cli_usage(usage, 0);
		default: return cli_usage(usage, 1);
		}
	}
	if (argc - optind != want_id || (v->jws && !want_id))
		return cli_usage(usage, 1);
	if (want_id)
		v->id = argv[optind];
	if (!(v->dir = cli_dir(v->dir)))
		return 1;
	return -1;
}

struct rows {
	json_t *arr;
	int json;
};

static int
out_row(void *arg, const struct store_out *m)
{
	struct rows *r = arg;
	char c[32], d[32];

	if (r->json)
		json_array_append_new(r->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
		    "id", m->id, "to", m->peer, "link", m->link, "seq", (json_int_t)m->seq,
		    "type", m->type, "priority", m->priority, "subject", m->subject,
		    "state", cli_state(m->state), "created_at", cli_time(m->created_ms, c),
		    "delivered_at", cli_time(m->delivered_ms, d), "attempts", (json_int_t)m->attempts,
		    "last_error", m->last_error));
	else
		printf("%-36s %-12s %-8s %6lld %-9s %-24s %-24s %3lld %s\n", m->id, m->peer, m->link,
		    (long long)m->seq, cli_state(m->state), cli_time(m->created_ms, c),
		    cli_time(m->delivered_ms, d), (long long)m->attempts,
		    m->last_error[0] ? m->last_error : "-");
	return 0;
}

static const char outbox_usage[] =
    "usage: parley outbox [--json] [--limit N | --all] [--dir DIR]\n"
    "  List sent messages, oldest first (the newest N, default 100): id, to,\n"
    "  link, seq, state (queued, delivered, rejected), created_at,\n"
    "  delivered_at, attempts, last_error.\n";

/* list - the body shared by outbox and inbox: options, header, rows. */
static int
list(int argc, char **argv, const char *usage, const char *header, const char *what,
    status (*fetch)(struct store *, size_t, struct rows *))
{
	struct rows r = { NULL, 0 };
	struct view v;
	struct node *n;
	status rc;
	int e = view_opts(argc, argv, usage, &v, 0);

	if (e >= 0)
		return e;
	if (!(n = cli_open(v.dir)))
		return 1;
	r.json = v.json;
	if (r.json)
		r.arr = json_array();
	else
		fputs(header, stdout);
	rc = fetch(node_store(n), v.limit, &r);
	node_close(n);
	if (rc) {
		json_decref(r.arr);
		return cli_fail("cannot read the %s: %s", what, status_str(rc));
	}
	return r.json ? cli_json(r.arr) : 0;
}

static status
fetch_out(struct store *st, size_t limit, struct rows *r)
{
	return store_out_list(st, limit, out_row, r);
}

int
cli_outbox(int argc, char **argv)
{
	char header[160];

	snprintf(header, sizeof header, "%-36s %-12s %-8s %6s %-9s %-24s %-24s %3s %s\n", "ID",
	    "TO", "LINK", "SEQ", "STATE", "CREATED", "DELIVERED", "TRY", "LAST ERROR");
	return list(argc, argv, outbox_usage, header, "outbox", fetch_out);
}

static int
in_row(void *arg, const struct store_in *m)
{
	struct rows *r = arg;
	char t[32];

	if (r->json)
		json_array_append_new(r->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
		    "id", m->id, "from", m->peer, "link", m->link, "seq", (json_int_t)m->seq,
		    "type", m->type, "priority", m->priority, "subject", m->subject,
		    "received_at", cli_time(m->received_ms, t)));
	else
		printf("%-36s %-12s %-8s %6lld %-14s %-9s %-24s %s\n", m->id, m->peer, m->link,
		    (long long)m->seq, m->type, m->priority, cli_time(m->received_ms, t), m->subject);
	return 0;
}

static const char inbox_usage[] =
    "usage: parley inbox [--json] [--limit N | --all] [--dir DIR]\n"
    "  List received messages, oldest first (the newest N, default 100): id,\n"
    "  from, link, seq, type, priority, subject, received_at.\n";

static status
fetch_in(struct store *st, size_t limit, struct rows *r)
{
	return store_in_list(st, limit, in_row, r);
}

int
cli_inbox(int argc, char **argv)
{
	char header[160];

	snprintf(header, sizeof header, "%-36s %-12s %-8s %6s %-14s %-9s %-24s %s\n", "ID",
	    "FROM", "LINK", "SEQ", "TYPE", "PRIORITY", "RECEIVED", "SUBJECT");
	return list(argc, argv, inbox_usage, header, "inbox", fetch_in);
}

/* A message found in the outbox or inbox, copied out of the store. */
struct found {
	int sent;		/* 1: we sent it; 0: we received it */
	char peer[CARD_NAME_MAX + 1];
	uint8_t peer_pk[IDENT_PK_LEN];
	char peer_kid[IDENT_KID_LEN];
	char state[16];
	int64_t at_ms, done_ms;
	struct buf jws, receipt;
};

static int
found_out(void *arg, const struct store_out *m)
{
	struct found *f = arg;

	f->sent = 1;
	snprintf(f->peer, sizeof f->peer, "%s", m->peer);
	snprintf(f->state, sizeof f->state, "%s", cli_state(m->state));
	f->at_ms = m->created_ms;
	f->done_ms = m->delivered_ms;
	if (buf_add(&f->jws, m->jws, m->jws_len) || buf_adds(&f->receipt, m->receipt))
		return 1;
	return 1;
}

static int
found_in(void *arg, const struct store_in *m)
{
	struct found *f = arg;

	f->sent = 0;
	snprintf(f->peer, sizeof f->peer, "%s", m->peer);
	snprintf(f->state, sizeof f->state, "%s", m->status == 200 ? "received" : "refused");
	f->at_ms = m->received_ms;
	if (buf_add(&f->jws, m->jws, m->jws_len) || buf_add(&f->receipt, m->receipt, m->receipt_len))
		return 1;
	return 1;
}

static int
peer_key(void *arg, const struct store_peer *p)
{
	struct found *f = arg;

	memcpy(f->peer_pk, p->pk, IDENT_PK_LEN);
	snprintf(f->peer_kid, sizeof f->peer_kid, "%s", p->kid);
	return 1;
}

/* find - look id up in the outbox, then the inbox; n stays open. */
static status
find(struct node *n, const char *id, struct found *f)
{
	status rc;

	memset(f, 0, sizeof *f);
	buf_init(&f->jws, 64u << 20);
	buf_init(&f->receipt, 64u << 10);
	rc = store_out_get(node_store(n), id, found_out, f);
	if (rc == ST_NOTFOUND)
		rc = store_in_get(node_store(n), id, found_in, f);
	if (!rc)
		rc = store_peer_find(node_store(n), f->peer, NULL, peer_key, f);
	return rc;
}

static void
found_free(struct found *f)
{
	buf_free(&f->jws);
	buf_free(&f->receipt);
}

static const char show_usage[] =
    "usage: parley show ID [--json | --jws] [--dir DIR]\n"
    "  Show a sent or received message, after verifying its signature again.\n"
    "  --jws prints the exact signed bytes (JWS compact serialization), which\n"
    "  any JOSE library can verify with the sender's key from its card.\n";

int
cli_show(int argc, char **argv)
{
	struct view v;
	struct found f;
	struct message m;
	struct node *n;
	char t1[32], t2[32], hash[ENV_HASH_HEX];
	status rc;
	int e = view_opts(argc, argv, show_usage, &v, 1);

	if (e >= 0)
		return e;
	if (!(n = cli_open(v.dir)))
		return 1;
	rc = find(n, v.id, &f);
	if (rc) {
		found_free(&f);
		node_close(n);
		return cli_fail("no message %s: %s", v.id, status_str(rc));
	}
	if (!f.jws.len) {
		found_free(&f);
		node_close(n);
		return cli_fail("message %s was refused on arrival; its bytes were not kept", v.id);
	}
	if (v.jws) {
		printf("%s\n", buf_str(&f.jws));
		found_free(&f);
		node_close(n);
		return 0;
	}
	envelope_message_init(&m, 64u << 20);
	rc = f.sent ? envelope_message_open(f.jws.p, f.jws.len, ident_pk(node_ident(n)),
	    f.peer_kid, &m) : envelope_message_open(f.jws.p, f.jws.len, f.peer_pk,
	    ident_kid(node_ident(n)), &m);
	envelope_hash(f.jws.p, f.jws.len, hash);
	if (rc) {
		e = cli_fail("message %s does NOT verify (%s): the store was altered", v.id,
		    status_str(rc));
	} else if (v.json) {
		e = cli_json(json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s%, s:s, s:s, s:s, s:s, s:b}",
		    "id", m.id, "direction", f.sent ? "sent" : "received",
		    f.sent ? "to" : "from", f.peer, "link", m.link, "seq", (json_int_t)m.seq,
		    "type", m.type, "priority", m.priority, "subject", m.subject,
		    "body", buf_str(&m.body), m.body.len, "created_at", m.created_at,
		    "state", f.state, f.sent ? "delivered_at" : "received_at",
		    cli_time(f.sent ? f.done_ms : f.at_ms, t1), "sha256", hash,
		    "signature_valid", 1));
	} else {
		printf("id:         %s\n%s %s\nlink:       %s  seq %lld\ntype:       %s\n"
		    "priority:   %s\nsubject:    %s\ncreated:    %s\nstate:      %s  %s\n"
		    "sha256:     %s\nsignature:  valid (signed by %s)\n\n%s\n",
		    m.id, f.sent ? "to:        " : "from:      ", f.peer, m.link,
		    (long long)m.seq, m.type, m.priority, m.subject, m.created_at, f.state,
		    cli_time(f.sent ? f.done_ms : f.at_ms, t2), hash,
		    f.sent ? node_config(n)->name : f.peer, buf_str(&m.body));
		e = 0;
	}
	envelope_message_clear(&m);
	found_free(&f);
	node_close(n);
	return e;
}

static const char receipt_usage[] =
    "usage: parley receipt ID [--json | --jws] [--dir DIR]\n"
    "  Show the peer's signed receipt for the sent message ID, after\n"
    "  verifying it with the peer's pinned key.  --jws prints its exact bytes.\n";

int
cli_receipt(int argc, char **argv)
{
	struct view v;
	struct found f;
	struct receipt r;
	struct node *n;
	status rc;
	int e = view_opts(argc, argv, receipt_usage, &v, 1);

	if (e >= 0)
		return e;
	if (!(n = cli_open(v.dir)))
		return 1;
	rc = find(n, v.id, &f);
	if (rc || !f.sent) {
		found_free(&f);
		node_close(n);
		return cli_fail("no sent message %s%s", v.id, rc ? "" : " (it was received: see parley show)");
	}
	if (!f.receipt.len) {
		found_free(&f);
		node_close(n);
		return cli_fail("message %s has no receipt yet (state: %s)", v.id, f.state);
	}
	if (v.jws) {
		printf("%s\n", buf_str(&f.receipt));
		found_free(&f);
		node_close(n);
		return 0;
	}
	rc = envelope_receipt_open(f.receipt.p, f.receipt.len, f.peer_pk,
	    ident_kid(node_ident(n)), &r);
	if (rc)
		e = cli_fail("the receipt for %s does NOT verify (%s)", v.id, status_str(rc));
	else if (v.json)
		e = cli_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b}", "id", r.id,
		    "msg", r.msg, "msg_sha256", r.msg_sha256, "from", f.peer, "link", r.link,
		    "seq", (json_int_t)r.seq, "received_at", r.received_at, "signature_valid", 1));
	else {
		printf("receipt:    %s\nmessage:    %s\nmsg sha256: %s\nfrom:       %s\n"
		    "link:       %s  seq %lld\nreceived:   %s\nsignature:  valid (signed by %s)\n",
		    r.id, r.msg, r.msg_sha256, f.peer, r.link, (long long)r.seq, r.received_at,
		    f.peer);
		e = 0;
	}
	found_free(&f);
	node_close(n);
	return e;
}
