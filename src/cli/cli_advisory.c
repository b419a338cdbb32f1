/* cli_advisory.c - parley advisory: CSAF 2.0 vulnerability advisories
 * checked, kept, sent to partners, and the proof of when each was told
 * (advisory/advisory.h, fmt/csaf.h, docs/CSAF.md).
 *
 * SYNOPSIS
 *	parley advisory validate FILE|- [--json]
 *	parley advisory import FILE [--priority P] [--json] [--dir DIR]
 *	parley advisory list [--from PEER | --ours] [--json] [--dir DIR]
 *	parley advisory show ID [--version V] [--from PEER] [--json] [--dir DIR]
 *	parley advisory send ID (--to PEER[,PEER...] | --all) [--version V]
 *	    [--from PEER] [--priority P] [--json] [--dir DIR]
 *	parley advisory timeline ID [--version V] [--json] [--dir DIR]
 *	parley advisory publish|unpublish ID ...	(cli_csaf.c)
 *
 * DESCRIPTION
 *	ID is a document's tracking id.  validate needs no node.  import and
 *	send ask the running parleyd (what they keep and queue is committed
 *	with fsync before the answer); list, show and timeline read the
 *	node's store and need no daemon.
 *
 * DIAGNOSTICS
 *	Exit 0 on success; 1 when the document is not valid (each problem
 *	named by its test and JSON path), nothing is held under ID, a
 *	partner was refused, or the daemon or store fails; 2 on a usage
 *	error.
 *
 * SECURITY
 *	Every text from a document or a peer goes through cli_text before it
 *	reaches the terminal.  Remedies are printed as information: parley
 *	never downloads, installs or pushes an update.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fmt/csaf.h"
#include "store/store_advisory.h"
#include "store/store_csafpub.h"
#include "store/store_desk.h"
#include "store/store_peer.h"
#include "util/buf.h"
#include "util/file.h"

static const char advisory_usage[] =
    "usage: parley advisory validate FILE|- [--json]\n"
    "       parley advisory import FILE [--priority P] [--json] [--dir DIR]\n"
    "       parley advisory list [--from PEER|--ours] [--json] [--dir DIR]\n"
    "       parley advisory show ID [--version V] [--from PEER] [--json] [--dir DIR]\n"
    "       parley advisory send ID --to PEER[,PEER...]|--all [--version V] [--from PEER]\n"
    "                            [--priority P] [--json] [--dir DIR]\n"
    "       parley advisory timeline ID [--version V] [--json] [--dir DIR]\n"
    "       parley advisory publish ID [--version V] [--json] [--dir DIR]\n"
    "       parley advisory unpublish ID [--dir DIR]\n"
    "  CSAF 2.0 advisories: checked against the standard's schema rules and\n"
    "  mandatory tests (validate), kept by this node (import), read back (list,\n"
    "  show), sent to partners over the cert link as signed messages their desks\n"
    "  acknowledge (send), when each partner was told and who acknowledged\n"
    "  (timeline), served to users by the CSAF provider (publish).  ID is the\n"
    "  document's tracking id.  Remedies are information only: parley never\n"
    "  downloads, installs or pushes an update.  parley advisory SUBCOMMAND\n"
    "  --help says more.\n";

static const char validate_usage[] =
    "usage: parley advisory validate FILE|- [--json]\n"
    "  check a CSAF 2.0 document (FILE, or stdin for -) against the rules of the\n"
    "  standard's JSON schema and its mandatory tests (section 6.1), as import\n"
    "  and a receiving node do.  Prints VALID with its tracking id and version,\n"
    "  or INVALID and one line per problem: the test (schema, or 6.1.N), the\n"
    "  JSON path, what is wrong.  Exits 1 when invalid.  Needs no node.\n";

static const char import_usage[] =
    "usage: parley advisory import FILE [--priority P] [--json] [--dir DIR]\n"
    "  validate FILE and keep it as this node's own advisory (one version per\n"
    "  tracking version; the same version again changes nothing, the same\n"
    "  version with other content is refused).  A newer tracking version of an\n"
    "  advisory already sent goes at once to every partner that had an earlier\n"
    "  one (priority P on the cert link, by default priority).  Needs the\n"
    "  running parleyd.  Exits 1 when the document is invalid.\n";

static const char list_usage[] =
    "usage: parley advisory list [--from PEER|--ours] [--json] [--dir DIR]\n"
    "  every advisory version this node keeps, newest first: tracking id,\n"
    "  version, TLP label, status, where it came from (ours, or the peer), to\n"
    "  how many partners it was sent, its title.  --from PEER: only those PEER\n"
    "  sent; --ours: only this node's own.\n";

static const char show_usage[] =
    "usage: parley advisory show ID [--version V] [--from PEER] [--json] [--dir DIR]\n"
    "  advisory ID (its newest version, or V; this node's own, or PEER's):\n"
    "  title, tracking id and version, status, TLP, publisher, release dates,\n"
    "  products, vulnerabilities with CVE and CVSS scores, remediations by\n"
    "  category.  --json gives the same as one object.\n";

static const char send_usage[] =
    "usage: parley advisory send ID --to PEER[,PEER...]|--all [--version V] [--from PEER]\n"
    "                            [--priority P] [--json] [--dir DIR]\n"
    "  send advisory ID (its newest version, or V) to each PEER, or to every\n"
    "  partner whose agreement in force names csaf-advisory on the cert link\n"
    "  (--all), as a signed message at priority P (by default priority) that the\n"
    "  partner's desk acknowledges within the agreement's deadline.  A version a\n"
    "  partner has had is not sent twice.  An advisory received from a peer goes\n"
    "  to another only when that peer's agreement allows onward transfer and it\n"
    "  is TLP:WHITE or GREEN.  Queued (fsync) before the answer.  Needs the\n"
    "  running parleyd.  Exits 1 when a partner is refused.\n";

static const char timeline_usage[] =
    "usage: parley advisory timeline ID [--version V] [--json] [--dir DIR]\n"
    "  when each partner was told of advisory ID: per version, its release\n"
    "  date, when this node kept it and when its CSAF provider published it,\n"
    "  then per partner when it was sent, when the partner's signed receipt\n"
    "  says it was received, the deadline for the acknowledgement, when and\n"
    "  by which officer it was acknowledged, and an overdue notice if one was\n"
    "  sent.  For an advisory received, when it arrived and who acknowledged\n"
    "  it here.  parley evidence MSG proves each delivery to a third party.\n";

/* ---- validate ---- */

/* problems_print - one line per problem of ps (csaf_report_json's form),
 * then how many more there were of total. */
static void
problems_print(const json_t *ps, size_t total)
{
	for (size_t i = 0; i < json_array_size(ps); i++) {
		const json_t *p = json_array_get(ps, i);
		const char *t = json_string_value(json_object_get(p, "test"));

		printf("  %-10s ", cli_text(t ? t : "?", 0));
		t = json_string_value(json_object_get(p, "path"));
		printf("%s  ", cli_text(t ? t : "?", 0));
		t = json_string_value(json_object_get(p, "what"));
		printf("%s\n", cli_text(t ? t : "", 0));
	}
	if (total > json_array_size(ps))
		printf("  ... and %zu more\n", total - json_array_size(ps));
}

/* check - read and validate path ("-": stdin); print the verdict (JSON
 * when json); 0 valid, 1 not (or unreadable). */
static int
check(const char *path, int json)
{
	struct csaf_report rep;
	struct csaf *c = NULL;
	struct buf text;
	status rc;

	buf_init(&text, CSAF_BYTES_MAX + 1);
	rc = strcmp(path, "-") == 0 ? file_read_fd(STDIN_FILENO, &text) : file_read(path, &text);
	if (rc == ST_TOOBIG) {
		buf_free(&text);
		return cli_fail("%s: over the %u bytes a CSAF document may have", cli_text(path, 0),
		    CSAF_BYTES_MAX);
	}
	if (rc) {
		buf_free(&text);
		return cli_fail("cannot read the advisory: %s", cli_cause(rc, errno, NULL, path));
	}
	rc = csaf_read(buf_str(&text), text.len, &c, &rep);
	buf_free(&text);
	if (json)
		cli_json(rc ? json_pack("{s:b, s:I, s:o}", "valid", 0, "problems_total",
		    (json_int_t)rep.total, "problems", csaf_report_json(&rep)) :
		    json_pack("{s:b, s:s, s:s, s:s, s:s?}", "valid", 1, "tracking_id",
		    csaf_tracking_id(c), "version", csaf_version(c), "title", csaf_title(c), "tlp",
		    csaf_tlp_label(c)[0] ? csaf_tlp_label(c) : NULL));
	else if (rc) {
		json_t *ps = csaf_report_json(&rep);

		printf("INVALID  %s: %zu problem%s\n", cli_text(path, 0), rep.total,
		    rep.total == 1 ? "" : "s");
		problems_print(ps, rep.total);
		json_decref(ps);
	} else
		printf("VALID    %s version %s: %s\n", cli_text(csaf_tracking_id(c), 0),
		    cli_text(csaf_version(c), 0), cli_text(csaf_title(c), 0));
	csaf_free(c);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the report");
	return rc ? 1 : 0;
}

/* ---- import, send: the daemon ---- */

/* outcomes - a line per partner of l ({"peer" (or "peer_id"), "msg" or
 * "error"}): lead, the partner, then "(message ID)" or ": WHY". */
static void
outcomes(const char *lead, const json_t *l)
{
	for (size_t i = 0; i < json_array_size(l); i++) {
		const json_t *o = json_array_get(l, i);
		const char *peer = json_string_value(json_object_get(o, "peer"));
		const char *msg = json_string_value(json_object_get(o, "msg"));
		const char *err = json_string_value(json_object_get(o, "error"));

		if (peer)
			printf("%s%s", lead, cli_text(peer, 0));
		else
			printf("%speer %lld", lead,
			    (long long)json_integer_value(json_object_get(o, "peer_id")));
		if (msg)
			printf(" (message %s)\n", cli_text(msg, 0));
		else
			printf(": %s\n", cli_text(err ? err : "?", 0));
	}
}

static int
import(const char *dir, const char *file, const char *prio, int json)
{
	char path[PATH_MAX];
	json_t *req, *resp;

	if (!realpath(file, path))
		return cli_fail("cannot read the advisory: %s", cli_cause(ST_IO, errno, NULL, file));
	req = json_pack("{s:s, s:s}", "op", "advisory_import", "path", path);
	if (prio)
		json_object_set_new(req, "priority", json_string(prio));
	/* the daemon validates: its refusal names the problems */
	if (cli_answer(dir, req, 120, &resp))
		return 1;
	if (json) {
		int bad = !json_is_true(json_object_get(resp, "ok"));

		cli_json(resp);
		return bad;
	}
	if (!json_is_true(json_object_get(resp, "ok"))) {
		const json_t *ps = json_object_get(resp, "problems");
		const char *err = json_string_value(json_object_get(resp, "error"));

		if (ps) {
			json_int_t total = json_integer_value(json_object_get(resp,
			    "problems_total"));

			printf("INVALID  %s: %lld problem%s\n", cli_text(path, 0), (long long)total,
			    total == 1 ? "" : "s");
			problems_print(ps, (size_t)total);
		}
		cli_fail("import: %s", err ? cli_text(err, 0) : "parleyd refused");
		json_decref(resp);
		return 1;
	}
	printf("%s %s version %s\n", json_is_true(json_object_get(resp, "held")) ?
	    "held already:" : "imported:",
	    cli_text(json_string_value(json_object_get(resp, "tracking_id")), 0),
	    cli_text(json_string_value(json_object_get(resp, "version")), 0));
	outcomes("  update sent to ", json_object_get(resp, "updates"));
	outcomes("  update NOT sent to ", json_object_get(resp, "refused"));
	json_decref(resp);
	return 0;
}

static int
send_op(const char *dir, const char *id, const char *to, int all, const char *version,
    const char *from, const char *prio, int json)
{
	json_t *req = json_pack("{s:s, s:s}", "op", "advisory_send", "id", id), *resp, *l;
	int bad;

	if (version)
		json_object_set_new(req, "version", json_string(version));
	if (from)
		json_object_set_new(req, "from", json_string(from));
	if (prio)
		json_object_set_new(req, "priority", json_string(prio));
	if (!all) {
		char *copy = strdup(to), *save = NULL;
		json_t *names = json_array();

		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(names, json_string(t));
		free(copy);
		json_object_set_new(req, "to", names);
	}
	/* "ok" false may still carry what was sent: read the answer whole */
	if (cli_answer(dir, req, 120, &resp))
		return 1;
	bad = !json_is_true(json_object_get(resp, "ok"));
	if (json) {
		cli_json(resp);
		return bad;
	}
	if (json_object_get(resp, "error")) {
		cli_fail("send: %s", cli_text(json_string_value(json_object_get(resp, "error")), 0));
		json_decref(resp);
		return 1;
	}
	outcomes("sent to ", json_object_get(resp, "sent"));
	l = json_object_get(resp, "held");
	for (size_t i = 0; i < json_array_size(l); i++)
		printf("%s had this version already\n",
		    cli_text(json_string_value(json_array_get(l, i)), 0));
	l = json_object_get(resp, "refused");
	outcomes("REFUSED for ", l);
	json_decref(resp);
	return bad || json_array_size(l) ? 1 : 0;
}

/* ---- list, show, timeline: the store ---- */

static int
peer_name(void *arg, const struct store_peer *p)
{
	snprintf(arg, CARD_NAME_MAX + 1, "%s", p->name);
	return 1;
}

/* name_of - the peer's name, "ours" for origin 0. */
static const char *
name_of(struct store *st, int64_t id, char out[static CARD_NAME_MAX + 1])
{
	if (id == 0)
		return "ours";
	if (store_peer_get(st, id, peer_name, out) != ST_OK)
		snprintf(out, CARD_NAME_MAX + 1, "peer %lld", (long long)id);
	return out;
}

static int
peer_id_of(void *arg, const struct store_peer *p)
{
	*(int64_t *)arg = p->id;
	return 1;
}

/* origin_arg - the origin --from PEER names (-1 with --from absent), or
 * -2 after a message. */
static int64_t
origin_arg(struct store *st, const char *from)
{
	int64_t id = -1;

	if (!from)
		return -1;
	if (store_peer_find(st, from, NULL, peer_id_of, &id) != ST_OK) {
		cli_fail("no pinned peer is called %s", cli_text(from, 0));
		return -2;
	}
	return id;
}

struct list_arg {
	struct store *st;
	json_t *rows;
	int json;
	size_t n;
};

static int
count_sent(void *arg, const struct store_advisory_sent *s)
{
	(void)s;
	(*(size_t *)arg)++;
	return 0;
}

static int
list_row(void *arg, const struct store_advisory *a)
{
	struct list_arg *l = arg;
	char buf[CARD_NAME_MAX + 1], t[32];
	const char *name = name_of(l->st, a->origin, buf);
	size_t sent = 0;

	if (store_advisory_sent_list(l->st, a->row, count_sent, &sent) != ST_OK)
		sent = 0;
	l->n++;
	if (l->json) {
		json_array_append_new(l->rows, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s,"
		    " s:s, s:s, s:I, s:s}", "tracking_id", a->tracking, "version", a->version,
		    "title", a->title, "tlp", a->tlp[0] ? a->tlp : NULL, "status", a->status,
		    "publisher", a->publisher, "namespace", a->ns, "from", name,
		    "current_release_date", cli_time(a->current_ms, t), "sent_to",
		    (json_int_t)sent, "added", ""));
		json_object_set_new(json_array_get(l->rows, json_array_size(l->rows) - 1), "added",
		    json_string(cli_time(a->added_ms, t)));
		return 0;
	}
	/* cli_text keeps four results: a few per printf */
	printf("%-24s %-8s ", cli_text(a->tracking, 0), cli_text(a->version, 0));
	printf("%-6s %-8s %-10s ", a->tlp[0] ? a->tlp : "-", cli_text(a->status, 0),
	    cli_text(name, 0));
	printf("%5zu  %s\n", sent, cli_text(a->title, 0));
	return 0;
}

static int
list(const char *dir, const char *from, int ours, int json)
{
	struct list_arg l = { NULL, NULL, json, 0 };
	struct node *n;
	int64_t origin;
	status rc;

	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	l.st = node_store(n);
	origin = ours ? 0 : origin_arg(l.st, from);
	if (origin == -2) {
		node_close(n);
		return 1;
	}
	if (json)
		l.rows = json_array();
	else
		printf("%-24s %-8s %-6s %-8s %-10s %5s  %s\n", "TRACKING ID", "VERSION", "TLP",
		    "STATUS", "FROM", "SENT", "TITLE");
	rc = store_advisory_list(l.st, origin, list_row, &l);
	node_close(n);
	if (rc) {
		json_decref(l.rows);
		return cli_fail("cannot read the advisories: %s", status_str(rc));
	}
	if (json)
		return cli_json(json_pack("{s:o, s:I}", "advisories", l.rows, "count",
		    (json_int_t)l.n));
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the list");
	return 0;
}

/* One version found for show and timeline. */
struct found {
	int64_t row, origin;
	struct buf doc;
	int n;
};

static int
found_copy(void *arg, const struct store_advisory *a)
{
	struct found *f = arg;

	f->doc.len = 0;
	if (buf_add(&f->doc, a->doc, a->doc_len) != ST_OK)
		return 1;
	f->row = a->row;
	f->origin = a->origin;
	f->n++;
	return 0;	/* the last (newest kept) wins */
}

/* find - the version show or timeline means: ours first, else any, or
 * from origin; the newest kept unless version is named. */
static status
find(struct store *st, const char *id, const char *version, int64_t origin, struct found *f)
{
	status rc;

	memset(f, 0, sizeof *f);
	buf_init(&f->doc, CSAF_BYTES_MAX);
	rc = store_advisory_find(st, id, origin >= 0 ? origin : 0, version, found_copy, f);
	if (rc == ST_NOTFOUND && origin < 0)
		rc = store_advisory_find(st, id, -1, version, found_copy, f);
	return rc;
}

static void
show_text(const json_t *s, const char *from)
{
	const json_t *vs = json_object_get(s, "vulnerabilities"), *ps = json_object_get(s, "products");
	const char *k;
	size_t i, j;

#define S(o, key) cli_text(json_string_value(json_object_get(o, key)) ? \
	json_string_value(json_object_get(o, key)) : "-", 0)
	printf("%s\n", S(s, "title"));
	printf("  tracking id   %s, version %s (%s)\n", S(s, "tracking_id"), S(s, "version"),
	    S(s, "status"));
	printf("  category      %s\n", S(s, "category"));
	printf("  publisher     %s (%s)\n", S(s, "publisher"), S(s, "namespace"));
	printf("  TLP           %s\n", S(s, "tlp"));
	printf("  released      %s, current %s\n", S(s, "initial_release_date"),
	    S(s, "current_release_date"));
	printf("  from          %s\n", cli_text(from, 0));
	printf("  products      %zu\n", json_array_size(ps));
	for (i = 0; i < json_array_size(ps) && i < 20; i++)
		printf("    %-20s %s\n", S(json_array_get(ps, i), "product_id"),
		    S(json_array_get(ps, i), "name"));
	if (i < json_array_size(ps))
		printf("    ... and %zu more (--json lists all)\n", json_array_size(ps) - i);
	printf("  vulnerabilities %zu\n", json_array_size(vs));
	for (i = 0; i < json_array_size(vs); i++) {
		const json_t *v = json_array_get(vs, i), *cv = json_object_get(v, "cvss"),
		    *rs = json_object_get(v, "remediations");
		json_t *by = json_object();

		printf("  - %s  %s\n", S(v, "cve"), S(v, "title"));
		for (j = 0; j < json_array_size(cv); j++) {
			const json_t *c = json_array_get(cv, j);

			printf("      CVSS %s  %.1f %s  %s\n", S(c, "version"),
			    json_number_value(json_object_get(c, "base_score")),
			    S(c, "base_severity"), S(c, "vector"));
		}
		/* remediations by category */
		for (j = 0; j < json_array_size(rs); j++) {
			const char *cat = json_string_value(json_object_get(json_array_get(rs, j),
			    "category"));

			if (!cat)
				continue;
			if (!json_object_get(by, cat))
				json_object_set_new(by, cat, json_array());
			json_array_append(json_object_get(by, cat), json_array_get(rs, j));
		}
		json_object_foreach(by, k, cv) {
			printf("      remediation: %s\n", cli_text(k, 0));
			for (j = 0; j < json_array_size(cv); j++) {
				const json_t *r = json_array_get(cv, j);

				printf("        %s%s%s\n", S(r, "details"),
				    json_string_value(json_object_get(r, "url")) ? "  " : "",
				    json_string_value(json_object_get(r, "url")) ? S(r, "url") : "");
			}
		}
		json_decref(by);
	}
#undef S
}

static int
show(const char *dir, const char *id, const char *version, const char *from, int json)
{
	char buf[CARD_NAME_MAX + 1];
	const char *name;
	struct csaf_report rep;
	struct csaf *c = NULL;
	struct found f;
	struct node *n;
	int64_t origin;
	json_t *s;
	status rc;

	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	origin = origin_arg(node_store(n), from);
	if (origin == -2) {
		node_close(n);
		return 1;
	}
	rc = find(node_store(n), id, version, origin, &f);
	name = name_of(node_store(n), f.origin, buf);
	node_close(n);
	if (rc) {
		buf_free(&f.doc);
		return cli_fail(rc == ST_NOTFOUND ? "no advisory %s%s%s is held" :
		    "cannot read advisory %s%s%s", cli_text(id, 0), version ? " version " : "",
		    version ? cli_text(version, 0) : "");
	}
	rc = csaf_read(buf_str(&f.doc), f.doc.len, &c, &rep);
	buf_free(&f.doc);
	if (rc)
		return cli_fail("advisory %s as kept no longer reads as valid (%s at %s)",
		    cli_text(id, 0), rep.n ? rep.p[0].test : "?", rep.n ? rep.p[0].path : "?");
	s = csaf_summary(c);
	csaf_free(c);
	if (!s)
		return cli_fail("out of memory");
	json_object_set_new(s, "from", json_string(name));
	if (json)
		return cli_json(s);
	show_text(s, name);
	json_decref(s);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the advisory");
	return 0;
}

/* ---- timeline ---- */

struct tl {
	struct store *st;
	const char *id;
	json_t *versions, *cur;	/* cur: the current version's "partners" */
};

/* The provider's listed publication of one version (store_csafpub.h). */
struct pub_seek {
	int64_t row;
	json_t *v;
};

static int
pub_row(void *arg, const struct store_csafpub_doc *d)
{
	struct pub_seek *k = arg;
	char t[32];

	if (d->advisory != k->row)
		return 0;
	json_object_set_new(k->v, "published", json_string(cli_time(d->published_ms, t)));
	json_object_set_new(k->v, "published_path", json_string(d->path));
	return 1;
}

static int
item_copy(void *arg, const struct store_desk_item *it)
{
	json_t *p = arg;
	char t[32];

	json_object_set_new(p, "received", it->receipt_ms ?
	    json_string(cli_time(it->receipt_ms, t)) : json_null());
	json_object_set_new(p, "ack_due", it->ack_due_ms ?
	    json_string(cli_time(it->ack_due_ms, t)) : json_null());
	json_object_set_new(p, "acknowledged", it->ack_ms ?
	    json_string(cli_time(it->ack_ms, t)) : json_null());
	json_object_set_new(p, "officer", it->ack_ms ? json_string(it->ack_officer) : json_null());
	json_object_set_new(p, "role", it->ack_ms ? json_string(it->ack_role) : json_null());
	json_object_set_new(p, "overdue_notice", it->overdue_ack_ms ?
	    json_string(cli_time(it->overdue_ack_ms, t)) : json_null());
	json_object_set_new(p, "overdue", json_boolean(!it->ack_ms && it->ack_due_ms &&
	    (it->overdue_ack_ms || it->ack_due_ms < stamp_now_ms())));
	return 1;
}

static int
tl_sent(void *arg, const struct store_advisory_sent *s)
{
	struct tl *x = arg;
	char name[CARD_NAME_MAX + 1], t[32];
	json_t *p = json_pack("{s:s, s:s, s:s}", "peer", name_of(x->st, s->peer_id, name), "msg",
	    s->msg, "sent", cli_time(s->queued_ms, t));

	if (store_desk_item_get(x->st, s->msg, item_copy, p) != ST_OK)
		item_copy(p, &(struct store_desk_item){ .ack_officer = "" });
	json_array_append_new(x->cur, p);
	return 0;
}

static int
tl_version(void *arg, const struct store_advisory *a)
{
	struct tl *x = arg;
	char name[CARD_NAME_MAX + 1], t[32];
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "version", a->version, "from",
	    name_of(x->st, a->origin, name), "current_release_date", cli_time(a->current_ms, t),
	    "kept", "", "partners");

	json_object_set_new(v, "kept", json_string(cli_time(a->added_ms, t)));
	json_object_set_new(v, "published", json_null());	/* by the CSAF provider */
	{
		struct pub_seek k = { a->row, v };

		status prc = store_csafpub_of(x->st, x->id, pub_row, &k);

		if (prc && prc != ST_NOTFOUND)	/* ST_NOTFOUND: not published */
			json_object_set_new(v, "error", json_string("store error"));
	}
	if (a->origin == 0) {
		x->cur = json_object_get(v, "partners");
		if (store_advisory_sent_list(x->st, a->row, tl_sent, x) != ST_OK)
			json_object_set_new(v, "error", json_string("store error"));
	} else {
		json_t *here = json_pack("{s:s}", "msg", a->msg);

		if (store_desk_item_get(x->st, a->msg, item_copy, here) != ST_OK)
			item_copy(here, &(struct store_desk_item){ .ack_officer = "" });
		json_object_set_new(v, "here", here);
	}
	json_array_append_new(x->versions, v);
	return 0;
}

static void
timeline_text(const char *id, const json_t *vs)
{
	size_t i, j;

#define S(o, key) (json_string_value(json_object_get(o, key)) ? \
	cli_text(json_string_value(json_object_get(o, key)), 0) : "-")
	printf("advisory %s\n", cli_text(id, 0));
	for (i = 0; i < json_array_size(vs); i++) {
		const json_t *v = json_array_get(vs, i), *ps = json_object_get(v, "partners"),
		    *h = json_object_get(v, "here");

		printf("version %s (%s)", S(v, "version"), S(v, "from"));
		printf(": released %s, kept here %s", S(v, "current_release_date"), S(v, "kept"));
		if (json_is_string(json_object_get(v, "published")))
			printf(", published by the provider %s", S(v, "published"));
		printf("\n");
		if (h) {
			printf("  arrived %s", S(h, "received"));
			printf("; acknowledged %s", S(h, "acknowledged"));
			if (json_is_string(json_object_get(h, "officer")))
				printf(" by %s", S(h, "officer"));
			printf("\n");
			continue;
		}
		if (!json_array_size(ps))
			printf("  sent to no partner\n");
		for (j = 0; j < json_array_size(ps); j++) {
			const json_t *p = json_array_get(ps, j);

			/* cli_text keeps four results: one or two per printf */
			printf("  %-12s sent %s", S(p, "peer"), S(p, "sent"));
			printf("  received %s", S(p, "received"));
			printf("  ack due %s", S(p, "ack_due"));
			printf("  acknowledged %s", S(p, "acknowledged"));
			if (json_is_string(json_object_get(p, "officer")))
				printf(" by %s", S(p, "officer"));
			printf("%s\n", json_is_true(json_object_get(p, "overdue")) ? "  OVERDUE" : "");
		}
	}
#undef S
}

static int
timeline(const char *dir, const char *id, const char *version, int json)
{
	struct tl x = { NULL, id, json_array(), NULL };
	struct node *n;
	status rc;

	if (!(n = cli_open(cli_dir(dir)))) {
		json_decref(x.versions);
		return 1;
	}
	x.st = node_store(n);
	rc = store_advisory_find(x.st, id, -1, version, tl_version, &x);
	node_close(n);
	if (rc) {
		json_decref(x.versions);
		return cli_fail(rc == ST_NOTFOUND ? "no advisory %s%s%s is held" :
		    "cannot read advisory %s%s%s", cli_text(id, 0), version ? " version " : "",
		    version ? cli_text(version, 0) : "");
	}
	if (json)
		return cli_json(json_pack("{s:s, s:o}", "tracking_id", id, "versions", x.versions));
	timeline_text(id, x.versions);
	json_decref(x.versions);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the timeline");
	return 0;
}

/* ---- the verb ---- */

int
cli_advisory(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "to", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "ours", no_argument, NULL, 'o' },
		{ "version", required_argument, NULL, 'v' },
		{ "priority", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *to = NULL, *from = NULL, *version = NULL, *prio = NULL, *sub;
	const char *usage = advisory_usage;
	int ch, json = 0, all = 0, ours = 0, help = 0;

	if (argc < 2)
		return cli_usage(advisory_usage, 1);
	sub = argv[1];
	if (strcmp(sub, "publish") == 0)
		return cli_advisory_publish(argc - 1, argv + 1);
	if (strcmp(sub, "unpublish") == 0)
		return cli_advisory_unpublish(argc - 1, argv + 1);
	usage = strcmp(sub, "validate") == 0 ? validate_usage : strcmp(sub, "import") == 0 ?
	    import_usage : strcmp(sub, "list") == 0 ? list_usage : strcmp(sub, "show") == 0 ?
	    show_usage : strcmp(sub, "send") == 0 ? send_usage : strcmp(sub, "timeline") == 0 ?
	    timeline_usage : NULL;
	if (!usage)
		return cli_usage(advisory_usage, strcmp(sub, "--help") != 0 &&
		    strcmp(sub, "-h") != 0);
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 't': to = optarg; break;
		case 'a': all = 1; break;
		case 'f': from = optarg; break;
		case 'o': ours = 1; break;
		case 'v': version = optarg; break;
		case 'p': prio = optarg; break;
		case 'h': help = 1; break;
		default: return cli_usage(usage, 1);
		}
	}
	if (help)
		return cli_usage(usage, 0);
	if (usage == list_usage)
		return argc != optind || (ours && from) ? cli_usage(usage, 1) :
		    list(dir, from, ours, json);
	if (argc - optind != 1)
		return cli_usage(usage, 1);
	if (usage == validate_usage)
		return check(argv[optind], json);
	if (usage == import_usage)
		return import(dir, argv[optind], prio, json);
	if (usage == show_usage)
		return show(dir, argv[optind], version, from, json);
	if (usage == timeline_usage)
		return timeline(dir, argv[optind], version, json);
	if (!all == !to || (to && !to[0]))
		return cli_usage(usage, 1);	/* send: --to or --all, one of them */
	return send_op(dir, argv[optind], to, all, version, from, prio, json);
}
