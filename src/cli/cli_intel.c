/* cli_intel.c - parley intel validate: read a STIX 2.1 object or bundle
 * and say, per object, whether parley accepts it and why not
 * (fmt/stix.h, docs/STIX.md).
 *
 * SYNOPSIS
 *	parley intel validate FILE|- [--json]
 *
 * DESCRIPTION
 *	Needs no node and no network: --dir and $PARLEY_DIR are taken and
 *	ignored.  The text output is one line per object, "OK" with its
 *	type, id, version and TLP label, or "REFUSED" with the reason, then
 *	a summary; --json gives the same as one JSON document.
 *
 * DIAGNOSTICS
 *	Exit 0 when every object is accepted, 1 when one is refused or the
 *	document is (not JSON, over a limit, a bundle gone wrong), 2 on a
 *	usage error.
 *
 * SECURITY
 *	What a reason quotes of the input is printable ASCII already
 *	(fmt/stix.c); the type and id of an accepted object passed the
 *	identifier rules.  Nothing else of the input is printed.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fmt/stix.h"
#include "util/buf.h"
#include "util/file.h"

static const char intel_usage[] =
    "usage: parley intel validate FILE|- [--json] [--dir DIR]\n"
    "  read a STIX 2.1 object or bundle (from FILE, or stdin for -) and check\n"
    "  every object as parley will before sharing it: required properties,\n"
    "  identifiers, timestamps, spec_version, references and their types\n"
    "  (docs/STIX.md).  Prints per object OK (type, id, version, TLP label) or\n"
    "  REFUSED with the reason, then a summary.  --json gives it as JSON.\n"
    "  Exits 1 when any object, or the document, is refused.  Needs no node:\n"
    "  --dir and $PARLEY_DIR are ignored.\n";

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

static int
validate(const char *path, int json)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d;
	struct buf text;
	status rc;
	int r;

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
	rc = stix_read(text.p ? text.p : "", text.len, &d, why);
	buf_free(&text);
	if (rc) {
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

int
cli_intel(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': break;	/* taken, not used: no node */
		case 'j': json = 1; break;
		case 'h': return cli_usage(intel_usage, 0);
		default: return cli_usage(intel_usage, 1);
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "validate") != 0)
		return cli_usage(intel_usage, 1);
	return validate(argv[optind + 1], json);
}
