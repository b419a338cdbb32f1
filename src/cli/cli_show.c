/* cli_show.c - parley show: one sent or received message, after verifying
 * its signature again with the pinned key (or, --jws, its exact bytes).
 */
#include <stdio.h>

#include "util/text.h"
#include "net/http.h"
#include "cli/cli_view.h"
#include "fmt/envelope.h"

static const char show_usage[] =
    "usage: parley show ID [--json | --jws] [--lang L] [--dir DIR]\n"
    "  Show a sent or received message, after verifying its signature again.\n"
    "  A formal message is rendered from its template: the fixed labels in\n"
    "  language L (en, fr, ru, zh, es, ar; default: the desk's, parley config\n"
    "  desk_lang), the free text as written, every time in UTC, the sender's\n"
    "  zone and this desk's (desk_tz).\n"
    "  --jws prints the exact signed bytes (JWS compact serialization), which\n"
    "  any JOSE library can verify with the sender's key from its card.\n";

int
cli_show(int argc, char **argv)
{
	struct cli_view v;
	struct deskview_msg f;
	struct message m;
	struct deskmsg_form form;
	enum template_lang lang = TEMPLATE_EN;
	const char *here_tz, *sender_tz, *peer_tz;
	char peer_zone[TZ_NAME_MAX + 1];
	int is_form = 0;
	struct node *n;
	char t1[32], t2[32], hash[ENV_HASH_HEX];
	status rc;
	int e = cli_view_opts(argc, argv, show_usage, &v, 1);

	if (e >= 0)
		return e;
	if (v.lang ? template_lang_parse(v.lang, &lang) != ST_OK :
	    template_lang_parse(cli_desk_lang(v.dir), &lang) != ST_OK)
		return cli_fail("--lang takes en, fr, ru, zh, es or ar");
	if (!(n = cli_open(v.dir)))
		return 1;
	rc = deskview_find(n, v.id, &f);
	if (rc) {
		deskview_msg_free(&f);
		node_close(n);
		return cli_fail("no message %s: %s", v.id, status_str(rc));
	}
	if (!f.jws.len) {
		deskview_msg_free(&f);
		node_close(n);
		return cli_fail("message %s was refused on arrival; its bytes were not kept", v.id);
	}
	if (v.jws) {
		printf("%s\n", buf_str(&f.jws));
		deskview_msg_free(&f);
		node_close(n);
		return 0;
	}
	envelope_message_init(&m, HTTP_REQUEST_MAX);
	rc = deskview_open(n, &f, &m);
	envelope_hash(f.jws.p, f.jws.len, hash);
	memset(&form, 0, sizeof form);
	here_tz = cli_desk_tz(v.dir);
	if (!rc)
		is_form = deskview_form_read(&m, &form);
	/* the receiver's zone: ours, or (a message we sent) the peer's desk's,
	 * as its points of contact say */
	sender_tz = f.sent ? here_tz : form.tz;
	peer_tz = f.sent ? deskview_peer_desk(n, f.peer_id, peer_zone, NULL) : here_tz;
	if (rc) {
		e = cli_fail("message %s does NOT verify (%s): the store was altered", v.id,
		    status_str(rc));
	} else if (v.json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:s, s:s%, s:s, s:s, s:s, s:s, s:b}",
		    "id", m.id, "direction", f.sent ? "sent" : "received",
		    f.sent ? "to" : "from", f.peer, "link", m.link, "seq", (json_int_t)m.seq,
		    "type", m.type, "priority", m.priority,
		    "tlp", m.v == 2 ? json_string(m.tlp) : json_null(),
		    "agreement", m.v == 2 ? json_string(m.agreement) : json_null(),
		    "subject", m.subject, "body", buf_str(&m.body), m.body.len, "created_at", m.created_at,
		    "state", f.state, f.sent ? "delivered_at" : "received_at",
		    cli_time(f.sent ? f.done_ms : f.at_ms, t1), "sha256", hash,
		    "signature_valid", 1);

		if (j && is_form)
			json_object_set_new(j, "form", cli_form_json(&m, &form, sender_tz, peer_tz,
			    lang));
		e = cli_json(j);
	} else {
		printf("id:         %s\n%s %s\nlink:       %s  seq %lld\ntype:       %s\n"
		    "priority:   %s\ntlp:        %s\nagreement:  %s\nsubject:    %s\n"
		    "created:    %s\nstate:      %s  %s\n"
		    "sha256:     %s\nsignature:  valid (signed by %s)\n\n%s%s",
		    m.id, f.sent ? "to:        " : "from:      ", f.peer, m.link,
		    (long long)m.seq, m.type, m.priority, m.v == 2 ? m.tlp : "-",
		    m.v == 2 ? m.agreement : "- (a message of the previous version)",
		    cli_text(m.subject, 0), m.created_at,
		    f.state, cli_time(f.sent ? f.done_ms : f.at_ms, t2), hash,
		    f.sent ? node_config(n)->name : f.peer,
		    is_form ? "" : cli_text(buf_str(&m.body), TEXT_LINES), is_form ? "" : "\n");
		if (is_form)
			cli_form_print(&m, &form, f.sent ? node_config(n)->name : f.peer, sender_tz,
			    f.sent ? f.peer : node_config(n)->name, peer_tz, lang);
		e = 0;
	}
	deskmsg_form_clear(&form);
	envelope_message_clear(&m);
	deskview_msg_free(&f);
	node_close(n);
	return e;
}
