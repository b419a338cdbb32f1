/* cli_view.h - what outbox, inbox, show and receipt share.
 *
 * These verbs read the node's store directly, so the record stays readable
 * while parleyd is stopped.
 */
#ifndef PARLEY_CLI_VIEW_H
#define PARLEY_CLI_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"
#include "desk/deskview.h"
#include "fmt/card.h"
#include "fmt/deskmsg.h"
#include "fmt/envelope.h"

/* The options of the read-only verbs. */
struct cli_view {
	const char *dir;	/* the node directory, after cli_dir */
	int json, jws;		/* --json, --jws */
	size_t limit;		/* --limit N (default 100); 0: --all */
	const char *id;		/* show, receipt: the message id operand */
	const char *lang;	/* show: --lang, the labels' language; NULL: the desk's */
};

/* cli_view_opts - parse the options shared by the read-only verbs into v;
 * want_id: 1 when the verb takes an ID operand (and allows --jws).  -1 to
 * go on, else the exit status (usage, --help, or no node directory). */
int cli_view_opts(int argc, char **argv, const char *usage, struct cli_view *v,
    int want_id);

/* The rows a listing collects: into arr (--json), else printed at once. */
struct cli_view_rows {
	json_t *arr;
	int json;
};

/* cli_view_list - the body of outbox and inbox: options, then the header
 * (text) or a JSON array, then every row fetch hands to its row callback.
 * what names the listing in an error message.  Returns the exit status. */
int cli_view_list(int argc, char **argv, const char *usage, const char *header,
    const char *what, status (*fetch)(struct store *, size_t, struct cli_view_rows *));

/* The columns of a listed row, to be shown as its signed bytes say. */
struct cli_view_row {
	const char *id, *link, *type, *priority, *subject;
	int64_t seq;
	int altered;	/* set: the columns disagreed with the signed bytes */
};

/* cli_view_signed - replace r's columns by the fields of jws[0..n), the
 * statement as stored (unverified: `show` and `log verify` check
 * signatures), setting r->altered when any differed.  The strings live
 * until the next call.  A row with no bytes (a refused message) is left. */
void cli_view_signed(struct cli_view_row *r, const char *jws, size_t n);

/* cli_form_print - f, the form of m, for a person: labels in lang, free
 * text escaped, every time in UTC and in the zones given (sender_tz: the
 * sender's desk's, named sender; here_tz: the receiver's, named receiver;
 * NULL: unknown). */
void cli_form_print(const struct message *m, const struct deskmsg_form *f, const char *sender,
    const char *sender_tz, const char *receiver, const char *here_tz, enum template_lang lang);
/* cli_form_json - f as show --json's "form" member. */
json_t *cli_form_json(const struct message *m, const struct deskmsg_form *f,
    const char *sender_tz, const char *here_tz, enum template_lang lang);

#endif
