/* cli_escalation.c - parley escalation: the plan the desk follows while
 * nobody acknowledges a received formal message (set, show).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fmt/escalation.h"
#include "fmt/roster.h"
#include "util/file.h"
#include "util/stamp.h"

static const char escalation_usage[] =
    "usage: parley escalation set FILE|- [--dir DIR]\n"
    "       parley escalation [--json] [--dir DIR]\n"
    "  The escalation plan (docs/DESK_FILES.md): ordered steps, each after a\n"
    "  duration from the signed receipt or a share of the acknowledgement\n"
    "  deadline (\"50%\"), naming the role to notify through the notify\n"
    "  command.  A step whose role has nobody on duty is skipped at once; an\n"
    "  acknowledgement stops the plan.  Applies to items received after it\n"
    "  is set, and to the next step of those already escalating.\n";

int
cli_escalation(int argc, char **argv)
{
	char why[ESCALATION_WHY_MAX], t[32];
	const char *file;
	struct escalation *p = NULL;
	struct buf text, canon;
	struct node *n;
	int64_t set_ms = 0;
	int json, r = cli_set_or_show(argc, argv, escalation_usage, &n, &file, &json);
	status rc;

	if (r >= 0)
		return r;
	r = 1;
	buf_init(&text, ESCALATION_BYTES_MAX * 2);
	buf_init(&canon, ESCALATION_BYTES_MAX * 2);
	if (file) {
		rc = strcmp(file, "-") == 0 ? file_read_fd(STDIN_FILENO, &text) :
		    file_read(file, &text);
		if (rc)
			cli_fail("cannot read %s: %s", file, rc == ST_TOOBIG ? "too large" :
			    status_str(rc));
		else if (escalation_parse(text.p ? text.p : "", text.len, &p, why) != ST_OK)
			cli_fail("%s: %s", file, why);
		else if ((rc = escalation_canon(p, &canon)) != ST_OK ||
		    (rc = store_desk_doc_put(node_store(n), "escalation", buf_str(&canon),
		    stamp_now_ms())) != ST_OK)
			cli_fail("cannot keep the plan: %s", status_str(rc));
		else
			r = printf("escalation plan set: %zu steps\n", escalation_n_steps(p)) < 0;
		goto out;
	}
	rc = store_desk_doc_get(node_store(n), "escalation", &text, &set_ms);
	if (rc == ST_NOTFOUND) {
		r = json ? cli_json(json_pack("{s:n, s:[]}", "set_at", "steps")) :
		    printf("no escalation plan set (parley escalation set FILE)\n") < 0;
		goto out;
	}
	if (rc || escalation_parse(buf_str(&text), text.len, &p, why) != ST_OK) {
		cli_fail("cannot read the plan: %s", rc ? status_str(rc) : why);
		goto out;
	}
	if (json) {
		json_t *steps = json_array();

		for (size_t i = 0; i < escalation_n_steps(p); i++)
			json_array_append_new(steps, json_pack("{s:i, s:s, s:s}", "step", (int)i + 1,
			    "after", escalation_step_after(p, i), "role",
			    roster_role_name(escalation_step_role(p, i))));
		r = cli_json(json_pack("{s:s, s:o}", "set_at", cli_time(set_ms, t), "steps", steps));
	} else {
		printf("%-5s %-10s %s\n", "STEP", "AFTER", "ROLE");
		for (size_t i = 0; i < escalation_n_steps(p); i++)
			printf("%-5zu %-10s %s\n", i + 1, escalation_step_after(p, i),
			    roster_role_name(escalation_step_role(p, i)));
		r = 0;
	}
out:
	escalation_free(p);
	buf_free(&text);
	buf_free(&canon);
	node_close(n);
	return r;
}
