/* cli_intel.c - parley intel: STIX 2.1 objects read, checked and kept
 * (fmt/stix.h, store/store_intel.h, docs/STIX.md).
 *
 * SYNOPSIS
 *	parley intel validate FILE|- [--json]
 *	parley intel import FILE|- [--json] [--dir DIR]
 *	parley intel list [--type T] [--all-versions] [--from PEER | --to PEER] [--json]
 *	parley intel show ID [--from PEER | --to PEER] [--json] [--dir DIR]
 *	parley intel reconcile PEER [--json] [--dir DIR]
 *	parley intel evidence ID --peer PEER [--dir DIR]
 *	parley intel refusals [--json] [--dir DIR]
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
 *	conflicts, older, refused.  list and show read what is kept: the
 *	node's own (collection local), what PEER shared (--from PEER) or
 *	what was shared with PEER (--to PEER).  The daemon need not run.
 *
 *	reconcile and evidence ask the running parleyd: reconcile compares
 *	with PEER what each holds of the other's; evidence writes an
 *	object's proof of sharing.  refusals lists the objects refused on
 *	the way out or in, with the clause.
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
#include "store/store_peer.h"
#include "fmt/stix.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/stamp.h"

static const char intel_usage[] =
    "usage: parley intel validate FILE|- [--json]\n"
    "       parley intel import FILE|- [--json] [--dir DIR]\n"
    "       parley intel list [--type T] [--all-versions] [--from PEER|--to PEER] [--json]\n"
    "       parley intel show ID [--from PEER|--to PEER] [--json] [--dir DIR]\n"
    "       parley intel reconcile PEER [--json] [--dir DIR]\n"
    "       parley intel evidence ID --peer PEER [--dir DIR]\n"
    "       parley intel refusals [--json] [--dir DIR]\n"
    "  STIX 2.1 objects: checked (validate), kept by this node (import), read\n"
    "  back (list, show), compared with a peer (reconcile), proved shared\n"
    "  (evidence), refused by the rules (refusals).  parley intel SUBCOMMAND\n"
    "  --help says more.\n";

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
    "usage: parley intel list [--type T] [--all-versions] [--from PEER|--to PEER] [--json]\n"
    "                         [--dir DIR]\n"
    "  the STIX objects this node keeps, in the order they were added: the\n"
    "  current version of each (every version with --all-versions), only\n"
    "  type T with --type: id, type, modified, TLP label, revoked, conflict,\n"
    "  when added.  The node's own (imported) by default; what PEER shared\n"
    "  with --from PEER; what was shared with PEER, as it left, with --to PEER\n"
    "  (each marked queued, on its way or delivered).  --json adds the count\n"
    "  per type.\n";

static const char reconcile_usage[] =
    "usage: parley intel reconcile PEER [--json] [--dir DIR]\n"
    "  compare with PEER what each side holds of the other's: what this node\n"
    "  shared and had receipted against what PEER holds from it, and what PEER\n"
    "  shared against what this node holds from PEER.  Prints per side the\n"
    "  counts and a SHA-256 over the sorted versions (id, modified, content\n"
    "  hash) of each, and names up to 20 ids missing on either side; objects\n"
    "  still queued or on their way are counted apart.  Exits 1 when a side\n"
    "  differs.  Needs the running parleyd and PEER reachable.\n";

static const char evidence_usage[] =
    "usage: parley intel evidence ID --peer PEER [--dir DIR]\n"
    "  write to stdout the proof that STIX object ID was shared with PEER (its\n"
    "  current version there) or by PEER: the object, its Merkle path in its\n"
    "  batch, and the batch message's evidence bundle (signed manifest, signed\n"
    "  receipt, both cosigned log proofs).  parley evidence verify checks it\n"
    "  offline with the two cards.  Needs the running parleyd.\n";

static const char refusals_usage[] =
    "usage: parley intel refusals [--json] [--dir DIR]\n"
    "  every object the rules kept from leaving for a peer (out), or that a\n"
    "  peer sent and this node did not keep (in), oldest first: when, the\n"
    "  peer, the direction, the object's id and the clause or problem.\n";

static const char show_usage[] =
    "usage: parley intel show ID [--from PEER|--to PEER] [--json] [--dir DIR]\n"
    "  the current version of STIX object ID, pretty-printed, then every\n"
    "  version this node keeps of it (the node's own; with --from or --to,\n"
    "  as received from or shared with PEER).  Exits 1 when none is kept.\n";

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
		status rc;

		if (!o->ok)
			continue;
		if ((rc = store_intel_put_stix(st, COLLECTION, 0, o, now, &out)) != ST_OK)
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
	struct store *st;
	int to;			/* to:PEER: say where each version is */
};

/* share_state - where a version of to:PEER is: "queued" (its batch not
 * yet staged at the peer), "on its way" (staged, its signed message not
 * yet receipted), "delivered". */
static const char *
share_state(struct store *st, const struct store_intel_obj *o)
{
	int state = -1;

	if (store_intel_state(st, o->collection, o->id, o->version_ms, o->hash, &state) != ST_OK)
		return "?";
	return state < 0 || state == STORE_BATCH_STAGING ? "queued" :
	    state == STORE_BATCH_DELIVERED ? "delivered" : "on its way";
}

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

		json_t *m = obj_meta(o);

		if (a->to)
			json_object_set_new(m, "shared", json_string(share_state(a->st, o)));
		json_array_append_new(a->objs, m);
		json_object_set_new(a->types, o->type,
		    json_integer(c ? json_integer_value(c) + 1 : 1));
		return 0;
	}
	printf("%s  %s  %s  %s%s%s%s  added %s%s%s\n", cli_text(o->id, 0), cli_text(o->type, 0),
	    o->modified[0] ? o->modified : "unversioned", o->tlp, o->revoked ? "  revoked" : "",
	    o->conflict ? "  CONFLICT" : "", a->all && o->current ? "  current" : "",
	    cli_time(o->added_ms, when), a->to ? "  " : "", a->to ? share_state(a->st, o) : "");
	return 0;
}

#define LIST_PAGE 1000	/* rows read at a time: the cursor walks the rest */

struct peer_seek {
	int64_t id;
};

static int
peer_row(void *arg, const struct store_peer *p)
{
	((struct peer_seek *)arg)->id = p->id;
	return 1;
}

/* collection_of - the collection --from PEER or --to PEER names (both
 * NULL: local) in col; 0, or 1 after a message. */
static int
collection_of(struct store *st, const char *from, const char *to,
    char col[static STORE_INTEL_TEXT_MAX + 1])
{
	struct peer_seek k = { 0 };
	const char *name = from ? from : to;
	status rc;

	if (!name) {
		snprintf(col, STORE_INTEL_TEXT_MAX + 1, "%s", COLLECTION);
		return 0;
	}
	rc = store_peer_find(st, name, NULL, peer_row, &k);
	if (rc == ST_NOTFOUND)
		return cli_fail("no peer named %s (parley peer list)", cli_text(name, 0));
	if (rc)
		return cli_fail("cannot read the peers: %s", status_str(rc));
	snprintf(col, STORE_INTEL_TEXT_MAX + 1, "%s:%lld", from ? "from" : "to", (long long)k.id);
	return 0;
}

static int
list(const char *dir, const char *type, int all, const char *from, const char *to, int json)
{
	char col[STORE_INTEL_TEXT_MAX + 1];
	struct list_arg a = { NULL, NULL, all, 0, 0, 0, NULL, to != NULL };
	struct store_intel_filter f = { col, -1, type, !all, 0, 0, LIST_PAGE };
	struct node *n;
	int64_t before;
	status rc;

	if (type && (!type[0] || strlen(type) > STORE_INTEL_TYPE_MAX))
		return cli_fail("--type: not a STIX type: %s", cli_text(type, 0));
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	a.st = node_store(n);
	if (collection_of(a.st, from, to, col)) {
		node_close(n);
		return 1;
	}
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
show(const char *dir, const char *id, const char *from, const char *to, int json)
{
	struct show_arg a = { json_array(), NULL, 0 };
	char col[STORE_INTEL_TEXT_MAX + 1];
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
	if (collection_of(node_store(n), from, to, col)) {
		node_close(n);
		json_decref(a.versions);
		return 1;
	}
	rc = store_intel_get(node_store(n), col, id, 1, show_row, &a);
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

/* ---- reconcile, evidence: the daemon's; refusals: the store's ---- */

/* side_lines - one side of a reconcile report, for a person; 1 when it
 * differs. */
static int
side_lines(const char *title, const json_t *s, const char *here, const char *there)
{
	const json_t *miss = json_object_get(s, "missing_there"),
	    *only = json_object_get(s, "only_there");
	int same = json_is_true(json_object_get(s, "same"));

	printf("%s: %lld here, %lld at %s: %s\n", title,
	    (long long)json_integer_value(json_object_get(s, "here")),
	    (long long)json_integer_value(json_object_get(s, "there")), there,
	    same ? "the same" : "DIFFERENT");
	printf("  sha256 here  %s\n  sha256 there %s\n",
	    json_string_value(json_object_get(s, "digest_here")),
	    json_string_value(json_object_get(s, "digest_there")));
	for (size_t i = 0; i < json_array_size(miss); i++)
		printf("  held %s, not at %s: %s\n", here, there,
		    cli_text(json_string_value(json_array_get(miss, i)), 0));
	for (size_t i = 0; i < json_array_size(only); i++)
		printf("  held at %s, not %s: %s\n", there, here,
		    cli_text(json_string_value(json_array_get(only, i)), 0));
	return !same;
}

static int
reconcile(const char *dir, const char *peer, int json)
{
	json_t *resp, *rep;
	int diff;

	if (cli_request(dir, json_pack("{s:s, s:s}", "op", "intel_reconcile", "peer", peer), 600,
	    &resp, "reconcile"))
		return 1;
	rep = json_object_get(resp, "report");
	diff = !json_is_true(json_object_get(json_object_get(rep, "shared"), "same")) ||
	    !json_is_true(json_object_get(json_object_get(rep, "received"), "same"));
	if (json) {
		cli_json(json_incref(rep));
		json_decref(resp);
		return diff;
	}
	side_lines("shared with the peer (receipted)", json_object_get(rep, "shared"),
	    "here", cli_text(peer, 0));
	side_lines("received from the peer", json_object_get(rep, "received"), "here",
	    cli_text(peer, 0));
	printf("still queued here: %lld; on their way: %lld\n",
	    (long long)json_integer_value(json_object_get(rep, "queued")),
	    (long long)json_integer_value(json_object_get(rep, "on_the_way")));
	json_decref(resp);
	if (fflush(stdout) != 0)
		return cli_fail("cannot write the report");
	return diff;
}

static int
evidence(const char *dir, const char *id, const char *peer)
{
	json_t *resp;
	const char *text;
	int e;

	if (cli_request(dir, json_pack("{s:s, s:s, s:s}", "op", "intel_evidence", "peer", peer, "id", id),
	    120, &resp, cli_text(id, 0)))
		return 1;
	text = json_string_value(json_object_get(resp, "evidence"));
	e = !text || fputs(text, stdout) == EOF || fflush(stdout) != 0;
	json_decref(resp);
	return e ? cli_fail("cannot write the evidence") : 0;
}

struct refusals_arg {
	json_t *list;
	struct store *st;
	int64_t n;
};

static int
name_row(void *arg, const struct store_peer *p)
{
	snprintf(arg, CARD_NAME_MAX + 1, "%s", p->name);
	return 1;
}

static int
refusal_row(void *arg, const struct store_intel_refusal *r)
{
	struct refusals_arg *a = arg;
	char when[32], name[CARD_NAME_MAX + 1];

	/* the peer by name, as pinned then (a pin ended keeps its row) */
	if (store_peer_get(a->st, r->peer_id, name_row, name) != ST_OK)
		snprintf(name, sizeof name, "#%lld", (long long)r->peer_id);
	a->n++;
	if (a->list)
		json_array_append_new(a->list, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s}",
		    "seq", (json_int_t)r->seq, "at", cli_time(r->at_ms, when), "peer", name,
		    "peer_id", (json_int_t)r->peer_id, "direction", r->inbound ? "in" : "out", "id",
		    r->id, "why", r->why));
	else
		printf("%s  %s  %s  %s  %s\n", cli_time(r->at_ms, when), name,
		    r->inbound ? "in " : "out", cli_text(r->id, 0), cli_text(r->why, 0));
	return 0;
}

static int
refusals(const char *dir, int json)
{
	struct refusals_arg a = { json ? json_array() : NULL, NULL, 0 };
	struct node *n;
	status rc;

	if (!(n = cli_open(cli_dir(dir)))) {
		json_decref(a.list);
		return 1;
	}
	a.st = node_store(n);
	rc = store_intel_refusals(node_store(n), 0, 0, refusal_row, &a);
	node_close(n);
	if (rc) {
		json_decref(a.list);
		return cli_fail("cannot read the refusals: %s", status_str(rc));
	}
	if (json)
		return cli_json(json_pack("{s:I, s:o}", "count", (json_int_t)a.n, "refusals",
		    a.list));
	printf("%lld refusal%s\n", (long long)a.n, a.n == 1 ? "" : "s");
	return fflush(stdout) != 0 ? cli_fail("cannot write the list") : 0;
}

int
cli_intel(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "type", required_argument, NULL, 't' },
		{ "all-versions", no_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'o' },
		{ "peer", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *type = NULL, *from = NULL, *to = NULL, *peer = NULL, *sub, *usage;
	int ch, json = 0, all = 0, help = 0, ops;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 't': type = optarg; break;
		case 'a': all = 1; break;
		case 'f': from = optarg; break;
		case 'o': to = optarg; break;
		case 'p': peer = optarg; break;
		case 'h': help = 1; break;
		default: return cli_usage(intel_usage, 1);
		}
	}
	sub = optind < argc ? argv[optind] : "";
	ops = argc - optind - 1;
	usage = strcmp(sub, "validate") == 0 ? validate_usage :
	    strcmp(sub, "import") == 0 ? import_usage : strcmp(sub, "list") == 0 ? list_usage :
	    strcmp(sub, "show") == 0 ? show_usage : strcmp(sub, "reconcile") == 0 ?
	    reconcile_usage : strcmp(sub, "evidence") == 0 ? evidence_usage :
	    strcmp(sub, "refusals") == 0 ? refusals_usage : intel_usage;
	if (help)
		return cli_usage(usage, 0);
	if (usage == intel_usage)
		return cli_usage(intel_usage, 1);
	if (from && to)
		return cli_usage(usage, 1);
	if ((from || to) && usage != list_usage && usage != show_usage)
		return cli_usage(usage, 1);
	if (peer && usage != evidence_usage)
		return cli_usage(usage, 1);
	if (usage == refusals_usage)
		return ops != 0 || type || all ? cli_usage(usage, 1) : refusals(dir, json);
	if (usage == evidence_usage)
		return ops != 1 || !peer || type || all || json ? cli_usage(usage, 1) :
		    evidence(dir, argv[optind + 1], peer);
	if (usage == reconcile_usage)
		return ops != 1 || type || all ? cli_usage(usage, 1) :
		    reconcile(dir, argv[optind + 1], json);
	if (usage == list_usage ? ops != 0 : ops != 1 || type || all)
		return cli_usage(usage, 1);
	if (usage == validate_usage)
		return validate(argv[optind + 1], json);	/* --dir: taken, not used */
	if (usage == import_usage)
		return import(dir, argv[optind + 1], json);
	if (usage == list_usage)
		return list(dir, type, all, from, to, json);
	return show(dir, argv[optind + 1], from, to, json);
}
