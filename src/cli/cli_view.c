/* cli_view.c - the options and the listing body that outbox, inbox, show
 * and receipt share (cli_view.h); the message lookup is desk/deskview.h's.
 *
 * SECURITY: only reads the store; verifying what it finds is the caller's
 * job (show and receipt verify signatures again before printing).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/envelope.h"
#include "net/http.h"
#include "cli/cli_view.h"

int
cli_view_opts(int argc, char **argv, const char *usage, struct cli_view *v, int want_id)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "jws", no_argument, NULL, 'w' },
		{ "limit", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "lang", required_argument, NULL, 'L' },
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
		case 'L': v->lang = optarg; break;
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
	if (argc - optind != want_id || ((v->jws || v->lang) && !want_id))
		return cli_usage(usage, 1);
	if (want_id)
		v->id = argv[optind];
	if (!(v->dir = cli_dir(v->dir)))
		return 1;
	return -1;
}

int
cli_view_list(int argc, char **argv, const char *usage, const char *header,
    const char *what, status (*fetch)(struct store *, size_t, struct cli_view_rows *))
{
	struct cli_view_rows r = { NULL, 0 };
	struct cli_view v;
	struct node *n;
	status rc;
	int e = cli_view_opts(argc, argv, usage, &v, 0);

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

void
cli_view_signed(struct cli_view_row *r, const char *jws, size_t n)
{
	static struct message m;
	static int ready;

	r->altered = 0;
	if (!jws || !n)
		return;
	if (!ready) {
		envelope_message_init(&m, HTTP_REQUEST_MAX);
		ready = 1;
	}
	if (envelope_message_fields(jws, n, &m) != ST_OK) {
		r->altered = 1;	/* its own bytes do not parse: not what was signed */
		return;
	}
	if (strcmp(m.id, r->id) != 0 || strcmp(m.link, r->link) != 0 || m.seq != r->seq ||
	    strcmp(m.type, r->type) != 0 || strcmp(m.priority, r->priority) != 0 ||
	    strcmp(m.subject, r->subject) != 0)
		r->altered = 1;
	r->id = m.id;
	r->link = m.link;
	r->seq = m.seq;
	r->type = m.type;
	r->priority = m.priority;
	r->subject = m.subject;
}
