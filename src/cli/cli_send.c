/* cli_send.c - parley send: sign and queue a message through parleyd;
 * with --wait, wait for the peer's signed receipt.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/apiclient.h"
#include "cli/cli.h"
#include "fmt/deskmsg.h"
#include "util/file.h"

static const char send_usage[] =
    "usage: parley send PEER --link LINK --type TYPE\n"
    "                   --priority flash|immediate|priority|routine --subject TEXT\n"
    "                   [--tlp LABEL] [--agreement ID] [--body FILE|-]\n"
    "                   [--wait[=SECONDS]] [--dir DIR]\n"
    "       parley send PEER --link LINK --template NAME --form FILE|-\n"
    "                   --priority PRIO [--in-reply-to ID] [--as OFFICER]\n"
    "                   [--tlp LABEL]\n"
    "                   [--agreement ID] [--wait[=SECONDS]] [--dir DIR]\n"
    "  Sign a message to PEER on LINK and queue it durably; prints the new\n"
    "  message's id once it is committed.  With --wait (default 30 s), waits\n"
    "  for the peer's signed receipt and prints the round-trip time, or fails\n"
    "  at the deadline.  The body (UTF-8 text) is read from FILE or stdin.\n"
    "  The message is sent under an agreement in force with PEER that allows\n"
    "  it (--agreement: that one) and labelled --tlp (TLP:CLEAR, TLP:GREEN,\n"
    "  TLP:AMBER, TLP:AMBER+STRICT, TLP:RED; default: the link's tlp_max).\n"
    "  Exits 1 naming the clause when no agreement allows it.  LINK is urgent,\n"
    "  cert, leaders, wg, or another link an agreement with PEER names.\n"
    "  With --template, the message is a formal one: the form (a JSON object,\n"
    "  see parley template show NAME) is checked against the template before\n"
    "  anything is signed (exit 1 naming the field), the subject is taken from\n"
    "  it, and --in-reply-to names the message it answers (required for the\n"
    "  reply template), --as the officer who sends it.  The agreement must\n"
    "  list the template for LINK.\n";

/* form_body - the body of a form message: the form read from file (or
 * stdin for "-"), checked against template name, wrapped (fmt/deskmsg.h)
 * with reply_to and this desk's time zone; subject from the form.  0, or
 * the exit status after a message. */
static int
form_body(const struct cli_send_args *a, struct buf *body,
    char subject[static TEMPLATE_SUBJECT_MAX + 1])
{
	const char *dir = a->dir, *name = a->tmpl, *file = a->formfile;
	const struct template *t = template_find(name);
	char why[DESKMSG_WHY_MAX];
	struct buf form;
	status rc;

	if (!t)
		return cli_fail("no template named '%s' (see: parley templates)", name);
	buf_init(&form, TEMPLATE_FORM_MAX + 1);
	rc = !file ? buf_adds(&form, a->form ? a->form : "{}") :
	    strcmp(file, "-") == 0 ? file_read_fd(STDIN_FILENO, &form) : file_read(file, &form);
	if (rc) {
		buf_free(&form);
		return cli_fail("cannot read the form from %s: %s", file ? file : "the command line",
		    rc == ST_TOOBIG ? "larger than 64 KiB" : status_str(rc));
	}
	rc = deskmsg_form_make(t, form.p ? form.p : "", form.len, a->reply_to,
	    cli_desk_tz(dir), a->officer, a->check, body, why);
	if (!rc)
		rc = template_subject(t, buf_str(&form), subject, TEMPLATE_SUBJECT_MAX + 1);
	buf_free(&form);
	if (rc)
		return cli_fail("the form does not fit template %s: %s", name, why[0] ? why :
		    status_str(rc));
	return 0;
}

static int
officer_row(void *arg, const struct store_officer *o)
{
	(void)arg;
	(void)o;
	return 1;
}

/* officer_known - 1 when dir's node has an officer named name (else a
 * message and 0). */
static int
officer_known(const char *dir, const char *name)
{
	struct node *n = cli_open(dir);
	status rc;

	if (!n)
		return 0;
	rc = store_officer_get(node_store(n), name, officer_row, NULL);
	node_close(n);
	if (rc == ST_NOTFOUND)
		cli_fail("no officer named '%s' (see: parley officer list)", name);
	else if (rc)
		cli_fail("cannot read the officers: %s", status_str(rc));
	return rc == ST_OK;
}

int
cli_send_run(const struct cli_send_args *a)
{
	char tsubject[TEMPLATE_SUBJECT_MAX + 1];
	const char *type = a->type, *subject = a->subject;
	struct apiclient *api;
	struct buf body;
	json_t *req, *jb, *resp = NULL;
	int r = 1;
	status rc;

	if (a->officer && !officer_known(a->dir, a->officer))
		return 1;
	buf_init(&body, CONFIG_MAX_BODY_LIMIT + 1);
	if (a->tmpl) {
		if ((r = form_body(a, &body, tsubject)) != 0) {
			buf_free(&body);
			return r;
		}
		type = a->tmpl;
		subject = tsubject;
	} else if (a->bodyfile) {
		rc = strcmp(a->bodyfile, "-") == 0 ? file_read_fd(STDIN_FILENO, &body) :
		    file_read(a->bodyfile, &body);
		if (rc) {
			buf_free(&body);
			return cli_fail("cannot read the body from %s: %s", a->bodyfile,
			    rc == ST_TOOBIG ? "larger than 16 MiB" : status_str(rc));
		}
	}
	jb = json_stringn(buf_str(&body), body.len);
	buf_free(&body);
	if (!jb)
		return cli_fail("the body is not UTF-8 text");
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "op", "send", "peer",
	    a->peer, "link", a->link, "type", type, "priority", a->prio, "subject", subject,
	    "body", jb);
	if (!req)
		return cli_fail("the subject is not UTF-8 text");
	if (a->wait_s)
		json_object_set_new(req, "wait_ms", json_integer(a->wait_s * 1000));
	if (a->path >= 0)
		json_object_set_new(req, "path", json_integer(a->path));
	if ((a->tlp && json_object_set_new(req, "tlp", json_string(a->tlp)) != 0) ||
	    (a->agreement && json_object_set_new(req, "agreement",
	    json_string(a->agreement)) != 0)) {
		json_decref(req);
		return cli_fail("--tlp and --agreement must be UTF-8 text");
	}
	if (!(api = cli_daemon(a->dir))) {
		json_decref(req);
		return 1;
	}
	rc = apiclient_send(api, req);
	json_decref(req);
	if (!rc)
		rc = apiclient_recv(api, 60000, &resp);
	if (rc) {
		r = cli_fail("no answer from parleyd: %s", status_str(rc));
		goto out;
	}
	if (!json_is_true(json_object_get(resp, "ok"))) {
		r = cli_fail("%s", json_string_value(json_object_get(resp, "error")));
		goto out;
	}
	printf("%s\n", json_string_value(json_object_get(resp, "id")));
	fflush(stdout);
	r = 0;
	if (a->wait_s) {
		json_decref(resp);
		resp = NULL;
		rc = apiclient_recv(api, (int)a->wait_s * 1000 + 5000, &resp);
		if (rc)
			r = cli_fail("no receipt: %s", status_str(rc));
		else if (json_is_true(json_object_get(resp, "ok")))
			printf("delivered: receipt verified, round trip %.3f ms\n",
			    json_real_value(json_object_get(resp, "rtt_ms")));
		else
			r = cli_fail("%s: %s", json_string_value(json_object_get(resp, "state")),
			    json_string_value(json_object_get(resp, "error")));
	}
out:
	json_decref(resp);
	apiclient_close(api);
	return r;
}

int
cli_wait_arg(const char *arg, long *wait_s)
{
	char *end;

	*wait_s = 30;
	if (!arg)
		return 0;
	*wait_s = strtol(arg, &end, 10);
	if (*end || !arg[0] || *wait_s < 1 || *wait_s > 3600)
		return cli_fail("--wait takes 1 to 3600 seconds");
	return 0;
}

int
cli_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "link", required_argument, NULL, 'l' },
		{ "type", required_argument, NULL, 't' },
		{ "priority", required_argument, NULL, 'p' },
		{ "subject", required_argument, NULL, 's' },
		{ "body", required_argument, NULL, 'b' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "tlp", required_argument, NULL, 'T' },
		{ "agreement", required_argument, NULL, 'a' },
		{ "template", required_argument, NULL, 'M' },
		{ "form", required_argument, NULL, 'f' },
		{ "in-reply-to", required_argument, NULL, 'r' },
		{ "as", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_send_args a;
	int ch;

	memset(&a, 0, sizeof a);
	a.path = -1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': a.dir = optarg; break;
		case 'l': a.link = optarg; break;
		case 't': a.type = optarg; break;
		case 'p': a.prio = optarg; break;
		case 's': a.subject = optarg; break;
		case 'b': a.bodyfile = optarg; break;
		case 'T': a.tlp = optarg; break;
		case 'a': a.agreement = optarg; break;
		case 'M': a.tmpl = optarg; break;
		case 'f': a.formfile = optarg; break;
		case 'r': a.reply_to = optarg; break;
		case 'o': a.officer = optarg; break;
		case 'w':
			if (cli_wait_arg(optarg, &a.wait_s))
				return 1;
			break;
		case 'h': return cli_usage(send_usage, 0);
		default: return cli_usage(send_usage, 1);
		}
	}
	if (a.tmpl ? (a.type || a.subject || a.bodyfile || !a.formfile) :
	    (a.formfile || a.reply_to || a.officer))
		return cli_usage(send_usage, 1);
	if (optind + 1 != argc || !a.link || (!a.tmpl && (!a.type || !a.subject)) || !a.prio)
		return cli_usage(send_usage, 1);
	if (!(a.dir = cli_dir(a.dir)))
		return 1;
	a.peer = argv[optind];
	return cli_send_run(&a);
}
