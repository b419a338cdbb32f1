/* cli_intel.c - parley intel: STIX 2.1 objects read, checked and kept
 * (fmt/stix.h, store/store_intel.h, docs/STIX.md).
 *
 * SYNOPSIS
 *	parley intel validate FILE|- [--json]
 *	parley intel import FILE|- [--json] [--dir DIR]
 *	parley intel list [--type T] [--all-versions] [--json] [--dir DIR]
 *	parley intel show ID [--json] [--dir DIR]
 *
 * DESCRIPTION
 *	validate needs no node and no network: --dir and $PARLEY_DIR are
 *	taken and ignored.  Its text output is one line per object, "OK"
 *	with its type, id, version and TLP label, or "REFUSED" with the
 *	reason, then a summary; --json gives the same as one JSON document.
 *
 *	import reads the same way and keeps every accepted object in the
 *	node's store, collection "local", all in one transaction committed
 *	with fsync before the summary is printed: new, newer, same,
 *	conflicts, older, refused.  list and show read what is kept.  The
 *	daemon need not run.
 *
 * DIAGNOSTICS
 *	Exit 0 when every object is accepted, 1 when one is refused or the
 *	document is (not JSON, over a limit, a bundle gone wrong; nothing is
 *	kept then), when the store fails (nothing is kept) or an id is not
 *	held, 2 on a usage error.
 *
 * SECURITY
 *	What a reason quotes of the input is printable ASCII already
 *	(fmt/stix.c); the type and id of an accepted object passed the
 *	identifier rules.  An object shown is JSON with every character
 *	past ASCII escaped, so no byte of it reaches a terminal raw.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "fmt/stix.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/stamp.h"

static const char intel_usage[] =
    "usage: parley intel validate FILE|- [--json]\n"
    "       parley intel import FILE|- [--json] [--dir DIR]\n"
    "       parley intel list [--type T] [--all-versions] [--json] [--dir DIR]\n"
    "       parley intel show ID [--json] [--dir DIR]\n"
    "  STIX 2.1 objects: checked (validate), kept by this node (import), read\n"
    "  back (list, show).  parley intel SUBCOMMAND --help says more.\n";

static const char validate_usage[] =
    "usage: parley intel validate FILE|- [--json] [--dir DIR]\n"
    "  read a STIX 2.1 object or bundle (from FILE, or stdin for -) and check\n"
    "  every object as parley will before sharing it: required properties,\n"
    "  identifiers, timestamps, spec_version, references and their types\n"
    "  (docs/STIX.md).  Prints per object OK (type, id, version, TLP label) or\n"
    "  REFUSED with the reason, then a summary.  --json gives it as JSON.\n"
    "  Exits 1 when any object, or the document, is refused.  Needs no node:\n"
    "  --dir and $PARLEY_DIR are ignored.\n";

static const char import_usage[] =
    "usage: parley intel import FILE|- [--json] [--dir DIR]\n"
    "  read a STIX 2.1 object or bundle (from FILE, or stdin for -), check it\n"
    "  as intel validate does, and keep every accepted object in this node's\n"
    "  store (collection local), all in one transaction.  A version is the\n"
    "  object's (id, modified): a new one is kept, and is current when newer\n"
    "  than the one held; the same version again changes nothing; the same\n"
    "  version with other content is kept as a conflict (the first stays\n"
    "  current); an older one is kept as history.  Refused objects are named\n"
    "  and not kept; a refused document keeps nothing.  Prints conflicts and\n"
    "  refusals, then how many were new, newer, same, conflicts, older and\n"
    "  refused.  Exits 1 when anything is refused.  The daemon need not run.\n";

static const char list_usage[] =
    "usage: parley intel list [--type T] [--all-versions] [--json] [--dir DIR]\n"
    "  the STIX objects this node keeps, in the order they were added: the\n"
    "  current version of each (every version with --all-versions), only\n"
    "  type T with --type: id, type, modified, TLP label, revoked, conflict,\n"
    "  when added.  --json adds the count per type.\n";

static const char show_usage[] =
    "usage: parley intel show ID [--json] [--dir DIR]\n"
    "  the current version of STIX object ID, pretty-printed, then every\n"
    "  version this node keeps of it.  Exits 1 when none is kept.\n";

/* tlp_versions - o's TLP markings' versions as a JSON array. */
static json_t *
tlp_versions(const struct stix_obj *o)
{
	json_t *a = json_array();

	if (o->tlp_from & STIX_TLP_V1)
		json_array_append_new(a, json_string("1.0"));
	if (o->tlp_from & STIX_TLP_V2)
		json_array_append_new(a, json_string("2.0"));
	return a;
}

static json_t *
obj_json(const struct stix_obj *o)
{
	json_t *j;

	if (!o->ok)
		return json_pack("{s:I, s:b, s:s?, s:s?, s:s}", "index", (json_int_t)o->index, "ok",
		    0, "type", NULL, "id", NULL, "why", o->why);
	j = json_pack("{s:I, s:b, s:s, s:s, s:s, s:b, s:s?, s:s?, s:s?, s:s, s:s, s:o, s:b}",
	    "index", (json_int_t)o->index, "ok", 1, "type", o->type, "id", o->id, "kind",
	    stix_kind_name(o->kind), "custom", o->custom, "spec_version", o->spec_version,
	    "created", o->created, "modified", o->modified, "version_key",
	    o->versioned ? "id+modified" : "id", "tlp", stix_tlp_name(o), "tlp_versions",
	    tlp_versions(o), "revoked", o->revoked);
	return j;
}

/* report - print d: lines or JSON; the exit status. */
static int
report(const struct stix_doc *d, int json)
{
	size_t n = stix_count(d), refused = stix_refused(d);
	json_t *objs = json_array(), *types = json_object();

	for (size_t i = 0; i < n; i++) {
		const struct stix_obj *o = stix_at(d, i);

		if (o->ok) {
			json_t *c = json_object_get(types, o->type);

			json_object_set_new(types, o->type,
			    json_integer(c ? json_integer_value(c) + 1 : 1));
		}
		if (json)
			json_array_append_new(objs, obj_json(o));
		else if (o->ok)
			printf("OK       %s  %s%s  %s\n", o->id, o->versioned ? "modified " :
			    "unversioned", o->versioned ? o->modified : "", stix_tlp_name(o));
		else
			printf("REFUSED  %s\n", o->why);
	}
	if (json) {
		cli_json(json_pack("{s:s?, s:o, s:{s:I, s:I, s:I, s:o}}", "bundle",
		    stix_bundle_id(d), "objects", objs, "summary", "objects", (json_int_t)n,
		    "accepted", (json_int_t)(n - refused), "refused", (json_int_t)refused, "types",
		    types));
		return refused ? 1 : 0;
	}
	json_decref(objs);
	json_decref(types);
	printf("%zu object%s: %zu accepted, %zu refused\n", n, n == 1 ? "" : "s", n - refused,
	    refused);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the report");
	return refused ? 1 : 0;
}

/* read_doc - read the document at path ("-": stdin) into *d; 0, or 1
 * after a message (*d NULL; why[0] set when stix_read refused it). */
static int
read_doc(const char *path, struct stix_doc **d, char why[static STIX_WHY_MAX])
{
	struct buf text;
	status rc;

	*d = NULL;
	why[0] = '\0';
	buf_init(&text, STIX_BYTES_MAX + 1);
	rc = strcmp(path, "-") == 0 ? file_read_fd(STDIN_FILENO, &text) : file_read(path, &text);
	if (rc == ST_TOOBIG) {
		buf_free(&text);
		return cli_fail("%s: over the %u bytes a STIX document may have",
		    cli_text(path, 0), STIX_BYTES_MAX);
	}
	if (rc) {
		buf_free(&text);
		return cli_fail("cannot read the STIX document: %s", cli_cause(rc, errno, NULL, path));
	}
	rc = stix_read(text.p ? text.p : "", text.len, d, why);
	buf_free(&text);
	return rc ? 1 : 0;
}

static int
validate(const char *path, int json)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d;
	int r;

	if (read_doc(path, &d, why)) {
		if (!why[0])
			return 1;
		if (json)
			cli_json(json_pack("{s:n, s:[], s:s, s:{s:i, s:i, s:i, s:{}}}", "bundle",
			    "objects", "why", why, "summary", "objects", 0, "accepted", 0,
			    "refused", 0, "types"));
		else
			printf("REFUSED  %s\n", why);
		return 1;
	}
	r = report(d, json);
	stix_free(d);
	return r;
}

/* ---- import, list, show: the node's store ---- */

#define COLLECTION "local"	/* the node's own objects; peers' come with sharing */
#define N_OUTCOMES (STORE_INTEL_OLDER + 1)

/* put_all - keep d's accepted objects in st, counting outcomes into
 * count[] and naming conflicts (into objs, or on stdout); ST_OK or the
 * first failure. */
static status
put_all(struct store *st, const struct stix_doc *d, size_t count[static N_OUTCOMES],
    json_t *objs)
{
	int64_t now = stamp_now_ms();

	for (size_t i = 0; i < stix_count(d); i++) {
		const struct stix_obj *o = stix_at(d, i);
		enum store_intel_outcome out;
		struct store_intel_in in;
		char *text;
		status rc;

		if (!o->ok)
			continue;
		/* the object's canonical text: compact, members by name (one
		 * object reads the same from a bundle or alone, and hashes so) */
		text = json_dumps(o->json, JSON_COMPACT | JSON_SORT_KEYS);
		if (!text)
			return ST_NOMEM;
		in = (struct store_intel_in){ COLLECTION, 0, o->id, o->type,
			o->versioned ? o->modified : "", o->versioned ? o->modified_ms : 0,
			stix_tlp_name(o), o->revoked, text, strlen(text) };
		rc = store_intel_put(st, &in, now, &out);
		free(text);
		if (rc)
			return rc;
		count[out]++;
		if (objs)
			json_array_append_new(objs, json_pack("{s:s, s:s, s:s?, s:s}", "id", o->id,
			    "type", o->type, "modified", o->versioned ? o->modified : NULL,
			    "outcome", store_intel_outcome_name(out)));
		else if (out == STORE_INTEL_CONFLICT)
			printf("CONFLICT %s  modified %s: held with other content; the first"
			    " stays current\n", o->id, o->versioned ? o->modified : "(unversioned)");
	}
	return ST_OK;
}

static int
import(const char *dir, const char *path, int json)
{
	size_t count[N_OUTCOMES] = { 0 }, refused;
	char why[STIX_WHY_MAX];
	json_t *objs = NULL, *bad = NULL;
	struct stix_doc *d;
	struct node *n;
	struct store *st;
	status rc;

	if (read_doc(path, &d, why)) {
		if (!why[0])
			return 1;
		if (json)
			cli_json(json_pack("{s:s, s:{s:i, s:i, s:i, s:i, s:i, s:i}}", "why", why,
			    "summary", "new", 0, "newer", 0, "same", 0, "conflict", 0, "older", 0,
			    "refused", 0));
		else
			printf("REFUSED  %s\nnothing kept\n", why);
		return 1;
	}
	if (!(n = cli_open(cli_dir(dir)))) {
		stix_free(d);
		return 1;
	}
	st = node_store(n);
	refused = stix_refused(d);
	if (json) {
		objs = json_array();
		bad = json_array();
	}
	for (size_t i = 0; i < stix_count(d); i++) {
		const struct stix_obj *o = stix_at(d, i);

		if (o->ok)
			continue;
		if (json)
			json_array_append_new(bad, json_string(o->why));
		else
			printf("REFUSED  %s\n", o->why);
	}
	rc = store_begin(st);
	if (!rc) {
		rc = put_all(st, d, count, objs);
		if (!rc)
			rc = store_commit(st);
		else
			store_rollback(st);
	}
	stix_free(d);
	if (rc) {
		int r = cli_fail("cannot keep the objects (nothing kept): %s: %s",
		    status_str(rc), store_errmsg(st));

		json_decref(objs);
		json_decref(bad);
		node_close(n);
		return r;
	}
	node_close(n);
	if (json) {
		cli_json(json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "objects", objs,
		    "refused", bad, "summary", "new", (json_int_t)count[STORE_INTEL_NEW], "newer",
		    (json_int_t)count[STORE_INTEL_NEWER], "same", (json_int_t)count[STORE_INTEL_SAME],
		    "conflict", (json_int_t)count[STORE_INTEL_CONFLICT], "older",
		    (json_int_t)count[STORE_INTEL_OLDER], "refused", (json_int_t)refused));
		return refused ? 1 : 0;
	}
	printf("%zu new, %zu newer, %zu same, %zu conflict%s, %zu older, %zu refused\n",
	    count[STORE_INTEL_NEW], count[STORE_INTEL_NEWER], count[STORE_INTEL_SAME],
	    count[STORE_INTEL_CONFLICT], count[STORE_INTEL_CONFLICT] == 1 ? "" : "s",
	    count[STORE_INTEL_OLDER], refused);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the summary");
	return refused ? 1 : 0;
}

/* obj_meta - what list and show say of a version, as JSON. */
static json_t *
obj_meta(const struct store_intel_obj *o)
{
	char hex[STORE_INTEL_HASH * 2 + 1], when[32];

	sodium_bin2hex(hex, sizeof hex, o->hash, STORE_INTEL_HASH);
	return json_pack("{s:s, s:s, s:s?, s:s, s:b, s:b, s:b, s:s, s:I, s:s, s:I}", "id", o->id,
	    "type", o->type, "modified", o->modified[0] ? o->modified : NULL, "tlp", o->tlp,
	    "revoked", o->revoked, "conflict", o->conflict, "current", o->current, "added",
	    cli_time(o->added_ms, when), "seq", (json_int_t)o->seq, "sha256", hex, "origin",
	    (json_int_t)o->origin);
}

struct list_arg {
	json_t *objs, *types;	/* --json; NULL for lines */
	int all;
	int64_t n, last_ms, last_seq;
};

static int
list_row(void *arg, const struct store_intel_obj *o)
{
	struct list_arg *a = arg;
	char when[32];

	a->n++;
	a->last_ms = o->added_ms;
	a->last_seq = o->seq;
	if (a->objs) {
		json_t *c = json_object_get(a->types, o->type);

		json_array_append_new(a->objs, obj_meta(o));
		json_object_set_new(a->types, o->type,
		    json_integer(c ? json_integer_value(c) + 1 : 1));
		return 0;
	}
	printf("%s  %s  %s  %s%s%s%s  added %s\n", cli_text(o->id, 0), cli_text(o->type, 0),
	    o->modified[0] ? o->modified : "unversioned", o->tlp, o->revoked ? "  revoked" : "",
	    o->conflict ? "  CONFLICT" : "", a->all && o->current ? "  current" : "",
	    cli_time(o->added_ms, when));
	return 0;
}

#define LIST_PAGE 1000	/* rows read at a time: the cursor walks the rest */

static int
list(const char *dir, const char *type, int all, int json)
{
	struct list_arg a = { NULL, NULL, all, 0, 0, 0 };
	struct store_intel_filter f = { COLLECTION, -1, type, !all, 0, 0, LIST_PAGE };
	struct node *n;
	int64_t before;
	status rc;

	if (type && (!type[0] || strlen(type) > STORE_INTEL_TYPE_MAX))
		return cli_fail("--type: not a STIX type: %s", cli_text(type, 0));
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (json) {
		a.objs = json_array();
		a.types = json_object();
	}
	do {
		before = a.n;
		rc = store_intel_list(node_store(n), &f, list_row, &a);
		f.after_ms = a.last_ms;
		f.after_seq = a.last_seq;
	} while (!rc && a.n - before == LIST_PAGE);
	node_close(n);
	if (rc) {
		json_decref(a.objs);
		json_decref(a.types);
		return cli_fail("cannot read the objects: %s", status_str(rc));
	}
	if (json)
		return cli_json(json_pack("{s:I, s:o, s:o}", "count", (json_int_t)a.n, "types",
		    a.types, "objects", a.objs));
	printf("%lld %s\n", (long long)a.n, all ? (a.n == 1 ? "version" : "versions") :
	    (a.n == 1 ? "object" : "objects"));
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the list");
	return 0;
}

struct show_arg {
	json_t *versions;	/* each version's meta and object */
	json_t *current;	/* the current version's object */
	int bad;		/* a kept object that is not JSON */
};

static int
show_row(void *arg, const struct store_intel_obj *o)
{
	struct show_arg *a = arg;
	json_t *m = obj_meta(o), *j = json_loadb((const char *)o->json, o->json_len, 0, NULL);

	if (!j)
		a->bad = 1;
	else if (o->current)
		a->current = json_incref(j);
	json_object_set_new(m, "object", j ? j : json_null());
	json_array_append_new(a->versions, m);
	return 0;
}

static int
show(const char *dir, const char *id, int json)
{
	struct show_arg a = { json_array(), NULL, 0 };
	struct node *n;
	size_t nv;
	status rc;
	char *text;

	if (!id[0] || strlen(id) > STORE_INTEL_ID_MAX)
		return cli_fail("not a STIX id: %s", cli_text(id, 0));
	if (!(n = cli_open(cli_dir(dir)))) {
		json_decref(a.versions);
		return 1;
	}
	rc = store_intel_get(node_store(n), COLLECTION, id, 1, show_row, &a);
	node_close(n);
	if (rc || a.bad || !a.current) {
		json_decref(a.versions);
		json_decref(a.current);
		if (rc == ST_NOTFOUND)
			return cli_fail("no STIX object %s is kept", cli_text(id, 0));
		return cli_fail("cannot read %s: %s", cli_text(id, 0),
		    rc ? status_str(rc) : "a version kept is not JSON");
	}
	nv = json_array_size(a.versions);
	if (json)
		return cli_json(json_pack("{s:s, s:o, s:o}", "id", id, "object", a.current,
		    "versions", a.versions));
	text = json_dumps(a.current, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(a.current);
	if (!text) {
		json_decref(a.versions);
		return cli_fail("out of memory");
	}
	printf("%s\n\n%zu version%s kept:\n", text, nv, nv == 1 ? "" : "s");
	free(text);
	for (size_t i = 0; i < nv; i++) {
		json_t *v = json_array_get(a.versions, i);
		const char *mod = json_string_value(json_object_get(v, "modified"));

		printf("  %s  %s%s%s%s  added %s  sha256 %s\n", mod ? mod : "unversioned",
		    json_string_value(json_object_get(v, "tlp")),
		    json_is_true(json_object_get(v, "current")) ? "  current" : "",
		    json_is_true(json_object_get(v, "revoked")) ? "  revoked" : "",
		    json_is_true(json_object_get(v, "conflict")) ? "  CONFLICT" : "",
		    json_string_value(json_object_get(v, "added")),
		    json_string_value(json_object_get(v, "sha256")));
	}
	json_decref(a.versions);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the object");
	return 0;
}

int
cli_intel(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "type", required_argument, NULL, 't' },
		{ "all-versions", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *type = NULL, *sub, *usage;
	int ch, json = 0, all = 0, help = 0, ops;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 't': type = optarg; break;
		case 'a': all = 1; break;
		case 'h': help = 1; break;
		default: return cli_usage(intel_usage, 1);
		}
	}
	sub = optind < argc ? argv[optind] : "";
	ops = argc - optind - 1;
	usage = strcmp(sub, "validate") == 0 ? validate_usage :
	    strcmp(sub, "import") == 0 ? import_usage : strcmp(sub, "list") == 0 ? list_usage :
	    strcmp(sub, "show") == 0 ? show_usage : intel_usage;
	if (help)
		return cli_usage(usage, 0);
	if (usage == intel_usage)
		return cli_usage(intel_usage, 1);
	if (usage == list_usage ? ops != 0 : ops != 1 || type || all)
		return cli_usage(usage, 1);
	if (usage == validate_usage)
		return validate(argv[optind + 1], json);	/* --dir: taken, not used */
	if (usage == import_usage)
		return import(dir, argv[optind + 1], json);
	if (usage == list_usage)
		return list(dir, type, all, json);
	return show(dir, argv[optind + 1], json);
}
