/* cli_receipt.c - parley receipt: the peer's signed receipt for a sent
 * message, after verifying it again with the peer's pinned key.
 */
#include <stdio.h>

#include "cli/cli_view.h"
#include "fmt/envelope.h"

static const char receipt_usage[] =
    "usage: parley receipt ID [--json | --jws] [--dir DIR]\n"
    "  Show the peer's signed receipt for the sent message ID, after\n"
    "  verifying it with the peer's pinned key.  --jws prints its exact bytes.\n";

int
cli_receipt(int argc, char **argv)
{
	struct cli_view v;
	struct deskview_msg f;
	struct receipt r;
	struct node *n;
	status rc;
	int e = cli_view_opts(argc, argv, receipt_usage, &v, 1);

	if (e >= 0)
		return e;
	if (!(n = cli_open(v.dir)))
		return 1;
	rc = deskview_find(n, v.id, &f);
	if (rc || !f.sent) {
		deskview_msg_free(&f);
		node_close(n);
		return cli_fail("no sent message %s%s", v.id, rc ? "" : " (it was received: see parley show)");
	}
	if (!f.receipt.len) {
		deskview_msg_free(&f);
		node_close(n);
		return cli_fail("message %s has no receipt yet (state: %s)", v.id, f.state);
	}
	if (v.jws) {
		printf("%s\n", buf_str(&f.receipt));
		deskview_msg_free(&f);
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
	deskview_msg_free(&f);
	node_close(n);
	return e;
}
