/* cli.h - shared pieces of the parley(1) verbs. */
#ifndef PARLEY_CLI_H
#define PARLEY_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "api/apiclient.h"
#include "util/diag.h"
#include "node/node.h"

/* Each verb: argv[0] is the verb; returns the exit status (0, 1 error, 2 usage). */
int cli_init(int argc, char **argv);
int cli_card(int argc, char **argv);
int cli_fingerprint(int argc, char **argv);
int cli_peer(int argc, char **argv);
int cli_send(int argc, char **argv);
int cli_outbox(int argc, char **argv);
int cli_inbox(int argc, char **argv);
int cli_show(int argc, char **argv);
int cli_receipt(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_log(int argc, char **argv);
int cli_evidence(int argc, char **argv);
int cli_agreement(int argc, char **argv);
int cli_templates(int argc, char **argv);
int cli_desk(int argc, char **argv);
int cli_ack(int argc, char **argv);
int cli_reply(int argc, char **argv);
int cli_officer(int argc, char **argv);
int cli_contacts(int argc, char **argv);
int cli_directory(int argc, char **argv);
int cli_roster(int argc, char **argv);
int cli_escalation(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_checks(int argc, char **argv);
int cli_template(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_intel(int argc, char **argv);
int cli_share(int argc, char **argv);
int cli_taxii(int argc, char **argv);
int cli_advisory(int argc, char **argv);
int cli_csaf(int argc, char **argv);
/* parley advisory publish | unpublish (cli_csaf.c), for the advisory
 * verb to dispatch to: argv[0] is "publish" or "unpublish", the rest its
 * operands and options, read with a getopt started afresh. */
int cli_advisory_publish(int argc, char **argv);
int cli_advisory_unpublish(int argc, char **argv);

/* cli_fail - print "parley VERB: message" on stderr; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_usage - print usage text to stdout (help) or stderr (error); returns 0 or 2. */
int cli_usage(const char *text, int error);
/* cli_dir_only - parse the options of a verb that takes only --dir (into
 * *dir, NULL when absent) and at most max_args operands, left at
 * argv[optind..]; -1 to go on, else the exit status (usage or --help). */
int cli_dir_only(int argc, char **argv, const char *usage, const char **dir, int max_args);
/* cli_dir - the node directory: the --dir value, else $PARLEY_DIR; NULL
 * (with a message) when neither is set. */
const char *cli_dir(const char *given);
/* What parley send sends (cli_send.c): a message with type, subject and
 * body (bodyfile: a file, "-" for stdin, NULL for none), or a form of
 * template tmpl read from formfile, answering reply_to, sent by officer
 * (each NULL when not given); wait_s 0: do not wait for the receipt. */
struct cli_send_args {
	const char *dir, *peer, *link, *type, *prio, *subject, *bodyfile, *tlp, *agreement;
	const char *tmpl, *formfile, *reply_to, *officer;
	const char *check;	/* a comm-check's kind: "machine", "human"; NULL */
	int path;		/* the peer's path to go on; -1: the one in use */
	const char *form;	/* the form itself, when formfile is NULL */
	long wait_s;
};
/* cli_send_run - send a through the daemon, print the id (and, waiting,
 * the receipt's round trip); the exit status. */
int cli_send_run(const struct cli_send_args *a);
/* cli_wait_arg - --wait's optional SECONDS (arg may be NULL: 30) into
 * *wait_s; 0, or 1 after a message. */
int cli_wait_arg(const char *arg, long *wait_s);
/* cli_contacts_print - the points of contact c for a person, each line
 * after indent (cli_contacts.c). */
struct contacts;
void cli_contacts_print(const struct contacts *c, const char *indent);
/* cli_contacts_json - c's contacts as a JSON array. */
json_t *cli_contacts_json(const struct contacts *c);
/* cli_answer - send req (taken) to the running parleyd and read its one
 * answer into *resp (the caller's), whether "ok" is true or not: for a
 * verb that reads what a refusal carries.  1 after a message when the
 * daemon cannot be reached or does not answer. */
int cli_answer(const char *dir, json_t *req, int timeout_s, json_t **resp);
/* cli_request - send req (consumed; NULL: out of memory) to the parleyd
 * of dir and read its answer, waiting at most timeout_s, into *resp (the
 * caller's, when "ok" is true): 0, or 1 after a line naming why it did
 * not answer or the refusal (escaped; after "WHAT: " when what is set). */
int cli_request(const char *dir, json_t *req, int timeout_s, json_t **resp, const char *what);
/* cli_ask - send req (consumed; NULL: out of memory) to the parleyd of
 * dir and print the id it answers: 0, or 1 after a line naming the
 * refusal (escaped) or why it did not answer. */
int cli_ask(const char *dir, json_t *req);
/* cli_set_or_show - the options of a verb "VERB set FILE | VERB [--json]"
 * (roster, escalation, contacts): the node opened into *n, *file the
 * FILE of set (NULL: show), *json.  -1 to go on (close *n after), else the
 * exit status (usage, --help, no node). */
int cli_set_or_show(int argc, char **argv, const char *usage, struct node **n,
    const char **file, int *json);
/* cli_desk_lang - the desk's language (parley config desk_lang) of the
 * node in dir: "en" when none is set.  Static storage. */
const char *cli_desk_lang(const char *dir);
/* cli_desk_tz - the desk's time zone (parley config desk_tz) of the node
 * in dir, or NULL when none is set or it cannot be read.  Static storage. */
const char *cli_desk_tz(const char *dir);
/* cli_open - open the node in dir, or NULL with a message. */
struct node *cli_open(const char *dir);
/* cli_cause - one line naming why an operation on dir/file (dir may be
 * NULL: file is the whole path) failed with rc: for ST_IO and ST_NOTFOUND
 * the errno err it left ("permission denied: DIR/parleyd.sock", "is a
 * directory: ..."), else status_str(rc).  Lives until the next call. */
const char *cli_cause(status rc, int err, const char *dir, const char *file);
/* cli_daemon - connect to the running parleyd of dir, or NULL with a
 * message: how to start it when none listens, else the cause (a socket
 * the user may not reach is not a daemon that is not running). */
struct apiclient *cli_daemon(const char *dir);
/* cli_reload - tell a running parleyd to read its pins and agreements
 * again (one that does not run reads them when it starts): 0 when told
 * or none runs, else 1 after a line on stderr. */
int cli_reload(struct node *n);
/* cli_reload_dir - the same for the node in dir, without opening it;
 * *told (may be NULL) is 1 when a running parleyd took it. */
int cli_reload_dir(const char *dir, int *told);
/* cli_load_card - read and verify the card at path into c; 1 after a
 * message naming the file when it cannot. */
struct card;
int cli_load_card(const char *path, struct card *c);
/* cli_json - print j indented and release it; returns 0. */
int cli_json(json_t *j);
/* cli_time - RFC 3339 text of ms, or "-" when ms is 0. */
const char *cli_time(int64_t ms, char out[32]);
/* cli_text - s escaped for a person to read (util/text.h; flags TEXT_*):
 * every subject, body, reason or alarm a human view prints goes through
 * it.  The result lives until the fourth call after this one. */
const char *cli_text(const char *s, unsigned flags);
/* cli_state - "queued", "delivered", "rejected" or "failed". */
const char *cli_state(int state);

#endif
