/* cli_roster.c - parley roster: the desk's shifts (set), and who is on
 * duty now and next per role.  Shifts are kept and compared in UTC and
 * shown in the desk's time zone (parley config desk_tz).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fmt/roster.h"
#include "util/file.h"
#include "util/stamp.h"
#include "util/tz.h"

static const char roster_usage[] =
    "usage: parley roster set FILE|- [--dir DIR]\n"
    "       parley roster [--json] [--dir DIR]\n"
    "  The desk's roster of shifts (docs/DESK_FILES.md): set replaces it with\n"
    "  FILE, whose every officer must exist (parley officer add); without a\n"
    "  verb, who is on duty now and who comes next, per role, in UTC and in\n"
    "  the desk's time zone.  Escalation notifies only roles with someone on\n"
    "  duty; with no roster set, every role counts as staffed.\n";

static int
officer_row(void *arg, const struct store_officer *o)
{
	(void)arg;
	(void)o;
	return 1;
}

static int
roster_set(struct node *n, const char *file)
{
	char why[ROSTER_WHY_MAX];
	struct roster *r = NULL;
	struct buf text, canon;
	status rc;
	int e = 1;

	buf_init(&text, ROSTER_BYTES_MAX + 1);
	buf_init(&canon, ROSTER_BYTES_MAX * 2);
	rc = strcmp(file, "-") == 0 ? file_read_fd(STDIN_FILENO, &text) : file_read(file, &text);
	if (rc) {
		cli_fail("cannot read %s: %s", file, rc == ST_TOOBIG ? "larger than 2 MiB" :
		    status_str(rc));
		goto out;
	}
	if (roster_parse(text.p ? text.p : "", text.len, &r, why) != ST_OK) {
		cli_fail("%s: %s", file, why);
		goto out;
	}
	for (size_t i = 0; i < roster_n_shifts(r); i++) {
		const char *who = roster_shift_at(r, i)->officer;

		rc = store_officer_get(node_store(n), who, officer_row, NULL);
		if (rc) {
			cli_fail("%s: shift %zu names %s, %s", file, i, who, rc == ST_NOTFOUND ?
			    "who is not an officer (parley officer add)" : status_str(rc));
			goto out;
		}
	}
	if ((rc = roster_canon(r, &canon)) != ST_OK ||
	    (rc = store_desk_doc_put(node_store(n), "roster", buf_str(&canon), stamp_now_ms())))
		cli_fail("cannot keep the roster: %s", status_str(rc));
	else
		e = printf("roster set: %zu shifts\n", roster_n_shifts(r)) < 0;
out:
	roster_free(r);
	buf_free(&text);
	buf_free(&canon);
	return e;
}

/* shown - ms in UTC and, when tz is set, in the desk's zone. */
static const char *
shown(int64_t ms, const char *tz, char out[160])
{
	char t[STAMP_TIME_LEN], l[TZ_LOCAL_LEN];

	stamp_format(ms, t);
	if (tz && tz_local(ms, tz, l) == ST_OK)
		snprintf(out, 160, "%s (%s)", t, l);
	else
		snprintf(out, 160, "%s", t);
	return out;
}

static json_t *
shift_json(const struct roster_shift *s)
{
	char a[STAMP_TIME_LEN], b[STAMP_TIME_LEN];

	stamp_format(s->start_ms, a);
	stamp_format(s->end_ms, b);
	return json_pack("{s:s, s:s, s:s}", "officer", s->officer, "start", a, "end", b);
}

static int
roster_show(struct node *n, const char *tz, int json)
{
	char why[ROSTER_WHY_MAX], t1[160], t2[160];
	int64_t now = stamp_now_ms(), set_ms = 0;
	struct roster *r = NULL;
	json_t *out = NULL;
	struct buf text;
	status rc;

	buf_init(&text, ROSTER_BYTES_MAX * 2);
	rc = store_desk_doc_get(node_store(n), "roster", &text, &set_ms);
	if (rc == ST_NOTFOUND) {
		buf_free(&text);
		if (json)
			return cli_json(json_pack("{s:n, s:[]}", "set_at", "roles"));
		printf("no roster set (parley roster set FILE): every role counts as staffed\n");
		return 0;
	}
	if (rc || roster_parse(buf_str(&text), text.len, &r, why) != ST_OK) {
		buf_free(&text);
		return cli_fail("cannot read the roster: %s", rc ? status_str(rc) : why);
	}
	buf_free(&text);
	if (json)
		out = json_pack("{s:s, s:s?, s:[]}", "set_at", cli_time(set_ms, t1), "tz", tz,
		    "roles");
	for (int role = 0; role < ROSTER_ROLES; role++) {
		const struct roster_shift *on[64], *next = roster_next(r, (enum roster_role)role, now);
		size_t k = roster_on_duty(r, (enum roster_role)role, now, on, 64);
		json_t *now_j = json ? json_array() : NULL;

		if (k > 64)
			k = 64;
		if (!json)
			printf("%s:\n", roster_role_name((enum roster_role)role));
		for (size_t i = 0; i < k; i++) {
			if (json)
				json_array_append_new(now_j, shift_json(on[i]));
			else
				printf("  on duty  %-20s until %s\n", on[i]->officer,
				    shown(on[i]->end_ms, tz, t1));
		}
		if (!json && !k)
			printf("  on duty  nobody\n");
		if (json) {
			json_array_append_new(json_object_get(out, "roles"), json_pack("{s:s, s:o, s:o}",
			    "role", roster_role_name((enum roster_role)role), "on_duty", now_j, "next",
			    next ? shift_json(next) : json_null()));
		} else if (next) {
			printf("  next     %-20s from %s until %s\n", next->officer,
			    shown(next->start_ms, tz, t1), shown(next->end_ms, tz, t2));
		}
	}
	roster_free(r);
	return json ? cli_json(out) : 0;
}

int
cli_roster(int argc, char **argv)
{
	const char *file;
	struct node *n;
	int json, r = cli_set_or_show(argc, argv, roster_usage, &n, &file, &json);

	if (r >= 0)
		return r;
	r = file ? roster_set(n, file) : roster_show(n, cli_desk_tz(node_dir(n)), json);
	node_close(n);
	return r;
}
