/* test_agreement.c - agreements: the example of docs/AGREEMENTS.md parses
 * (read from the doc itself, the one copy); every field made wrong in turn
 * is refused with a why naming exactly its path; the General Serialization
 * refuses a forged signature, a signer who is not a party, a party signing
 * twice, a payload changed after signing, a header of another typ or alg,
 * and reports who has not signed yet; the term's boundaries; each clause
 * of agreement_allows; deadlines; drafts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/agreement.h"
#include "util/b64.h"
#include "crypto/jws.h"
#include "fmt/duration.h"
#include "testcheck.h"
#include "testkeys.h"

#define DOC "docs/AGREEMENTS.md"
#define EX_EFFECTIVE "2026-12-01T00:00:00.000Z"
#define EX_EXPIRES "2028-12-01T00:00:00.000Z"

static struct ident *alice, *bob, *carol, *mallory;

/* ---- the example, from the doc --------------------------------------- */

/* example_text - the JSON between the doc's example markers (the lines
 * of the ```json fence left out); the caller frees it. */
static char *
example_text(void)
{
	FILE *f = fopen(DOC, "r");
	char line[1024];
	struct buf b;
	int in = 0;

	if (!f)
		fail_msg("%s: cannot open (run the tests from the repository's top)", DOC);
	buf_init(&b, AGREEMENT_PAYLOAD_MAX);
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "<!-- agreement-example:begin -->")) {
			in = 1;
			continue;
		}
		if (strstr(line, "<!-- agreement-example:end -->"))
			break;
		if (in && strncmp(line, "```", 3) != 0)
			assert_int_equal(buf_adds(&b, line), ST_OK);
	}
	fclose(f);
	assert_true(b.len > 100);
	return buf_take(&b, NULL);
}

static json_t *
example(void)
{
	char *t = example_text();
	json_t *j = json_loads(t, JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(j);
	free(t);
	return j;
}

/* with_parties - set the parties of payload j to these keys, named
 * alpha, bravo, charlie... in order. */
static json_t *
with_parties(json_t *j, struct ident *const *ids, size_t n)
{
	static const char *const names[] = { "alpha", "bravo", "charlie", "delta" };
	json_t *ps = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(ps, json_pack("{s:s, s:s}", "name", names[i], "kid",
		    ident_kid(ids[i])));
	json_object_set_new(j, "parties", ps);
	return j;
}

/* dump - j as text (j kept); the caller frees it. */
static char *
dump(const json_t *j)
{
	char *t = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	assert_non_null(t);
	return t;
}

static status
parse_j(const json_t *j, struct agreement **a, char why[static AGREEMENT_WHY_MAX])
{
	char *t = dump(j);
	status rc = agreement_parse(t, strlen(t), a, why);

	free(t);
	return rc;
}

/* ---- JSON paths, for mutating the example ------------------------------ */

/* at - the parent of the last step of path in root, and that step: a key
 * (*key) or an index (*idx, *key NULL). */
static json_t *
at(json_t *root, const char *path, char key[static 64], size_t *idx, int *is_idx)
{
	json_t *cur = root;
	const char *p = path;

	for (;;) {
		size_t n = strcspn(p, ".[");
		json_t *next;

		if (*p == '[') {
			*idx = strtoul(p + 1, NULL, 10);
			*is_idx = 1;
			p = strchr(p, ']') + 1;
			if (*p == '\0')
				return cur;
			next = json_array_get(cur, *idx);
			if (*p == '.')
				p++;
		} else {
			assert_true(n < 64);
			memcpy(key, p, n);
			key[n] = '\0';
			*is_idx = 0;
			p += n;
			if (*p == '\0')
				return cur;
			next = json_object_get(cur, key);
			if (*p == '.')
				p++;
		}
		if (!next)
			fail_msg("%s: no such path in the example", path);
		cur = next;
	}
}

/* mutate - set path in root to the JSON value text (NULL: delete it). */
static void
mutate(json_t *root, const char *path, const char *value)
{
	char key[64];
	size_t idx = 0;
	int is_idx = 0;
	json_t *parent = at(root, path, key, &idx, &is_idx);
	json_t *v = NULL;

	if (value) {
		v = json_loads(value, JSON_DECODE_ANY, NULL);
		if (!v)
			fail_msg("%s: bad test value %s", path, value);
	}
	if (is_idx) {
		if (v && idx == json_array_size(parent))	/* one past the end: append */
			assert_int_equal(json_array_append_new(parent, v), 0);
		else if (v)
			assert_int_equal(json_array_set_new(parent, idx, v), 0);
		else
			assert_int_equal(json_array_remove(parent, idx), 0);
	} else if (v)
		assert_int_equal(json_object_set_new(parent, key, v), 0);
	else
		assert_int_equal(json_object_del(parent, key), 0);
}

/* ---- every field wrong in turn ---------------------------------------- */

static void
many_parties(json_t *j)
{
	json_t *ps = json_array();

	for (int i = 0; i < AGREEMENT_PARTIES_MAX + 1; i++) {
		uint8_t raw[32];
		char kid[IDENT_KID_LEN], name[16];

		memset(raw, i + 1, sizeof raw);
		ident_thumbprint(raw, kid);
		snprintf(name, sizeof name, "p%d", i);
		json_array_append_new(ps, json_pack("{s:s, s:s}", "name", name, "kid", kid));
	}
	json_object_set_new(j, "parties", ps);
}

static void
many_links(json_t *j)
{
	json_t *ls = json_object_get(j, "links"), *wg = json_object_get(ls, "wg");

	for (int i = 0; json_object_size(ls) <= AGREEMENT_LINKS_MAX; i++) {
		char name[16];

		snprintf(name, sizeof name, "l%d", i);
		json_object_set_new(ls, name, json_deep_copy(wg));
	}
}

static void
many_types(json_t *j)
{
	json_t *ts = json_array();

	for (int i = 0; i <= AGREEMENT_TYPES_MAX; i++) {
		char name[16];

		snprintf(name, sizeof name, "t%d", i);
		json_array_append_new(ts, json_string(name));
	}
	json_object_set_new(json_object_get(json_object_get(j, "links"), "urgent"), "types", ts);
}

static void
many_refs(json_t *j)
{
	json_t *rs = json_array();

	for (int i = 0; i <= AGREEMENT_REFS_MAX; i++)
		json_array_append_new(rs, json_string("a treaty"));
	json_object_set_new(j, "references", rs);
}

static void
long_title(json_t *j)
{
	char t[AGREEMENT_TITLE_MAX + 2];

	memset(t, 'x', sizeof t - 1);
	t[sizeof t - 1] = '\0';
	json_object_set_new(j, "title", json_string(t));
}

static void
long_ref(json_t *j)
{
	char t[AGREEMENT_REF_MAX + 2];

	memset(t, 'x', sizeof t - 1);
	t[sizeof t - 1] = '\0';
	json_array_set_new(json_object_get(j, "references"), 1, json_string(t));
}

static void
same_kid(json_t *j)
{
	json_t *ps = json_object_get(j, "parties");

	json_object_set(json_array_get(ps, 1), "kid",
	    json_object_get(json_array_get(ps, 0), "kid"));
}

static void
supersedes_self(json_t *j)
{
	json_object_set(j, "supersedes", json_object_get(j, "id"));
}

static const struct mutation {
	const char *path;	/* what to change */
	const char *value;	/* its new JSON value; NULL: delete it */
	void (*fn)(json_t *);	/* or this, when not path */
	status want;
	const char *why;	/* the why must start with this */
} mutations[] = {
	/* v */
	{ "v", NULL, NULL, ST_INVALID, "v: missing" },
	{ "v", "\"1\"", NULL, ST_INVALID, "v: not an integer" },
	{ "v", "1.0", NULL, ST_INVALID, "v: not an integer" },
	{ "v", "3", NULL, ST_INVALID, "v: version 3 is not supported (1 and 2 are)" },
	{ "links.urgent.templates", "[\"inquiry\"]", NULL, ST_INVALID,
	    "links.urgent.templates: unknown member" },
	{ "extra", "1", NULL, ST_INVALID, "extra: unknown member" },
	{ "Effective", "1", NULL, ST_INVALID, "Effective: unknown member" },
	/* id */
	{ "id", NULL, NULL, ST_INVALID, "id: missing" },
	{ "id", "7", NULL, ST_INVALID, "id: not a UUIDv7" },
	{ "id", "\"agreement-1\"", NULL, ST_INVALID, "id: not a UUIDv7" },
	{ "id", "\"019a3c2e-7b10-4c4a-9d2e-5f6a7b8c9d0e\"", NULL, ST_INVALID, "id: not a UUIDv7" },
	{ "id", "\"019a3c2e-7b10-7c4a-cd2e-5f6a7b8c9d0e\"", NULL, ST_INVALID, "id: not a UUIDv7" },
	{ "id", "\"019A3C2E-7B10-7C4A-9D2E-5F6A7B8C9D0E\"", NULL, ST_INVALID, "id: not a UUIDv7" },
	/* title */
	{ "title", NULL, NULL, ST_INVALID, "title: missing" },
	{ "title", "[]", NULL, ST_INVALID, "title: not a string" },
	{ "title", "\"\"", NULL, ST_INVALID, "title: empty" },
	{ "title", "\"two\\nlines\"", NULL, ST_INVALID, "title: holds a control character" },
	{ NULL, NULL, long_title, ST_INVALID, "title: longer than 200 bytes" },
	/* references */
	{ "references", NULL, NULL, ST_INVALID, "references: missing" },
	{ "references", "\"a treaty\"", NULL, ST_INVALID, "references: not an array" },
	{ "references[0]", "3", NULL, ST_INVALID, "references[0]: not a string" },
	{ "references[1]", "\"\"", NULL, ST_INVALID, "references[1]: empty" },
	{ "references[1]", "\"tab\\there\"", NULL, ST_INVALID, "references[1]: holds a control" },
	{ NULL, NULL, long_ref, ST_INVALID, "references[1]: longer than 1000 bytes" },
	{ NULL, NULL, many_refs, ST_INVALID, "references: more than 16 elements" },
	/* parties */
	{ "parties", NULL, NULL, ST_INVALID, "parties: missing" },
	{ "parties", "{}", NULL, ST_INVALID, "parties: not an array" },
	{ "parties", "[]", NULL, ST_INVALID, "parties: fewer than 2 elements" },
	{ "parties[1]", NULL, NULL, ST_INVALID, "parties: fewer than 2 elements" },
	{ NULL, NULL, many_parties, ST_INVALID, "parties: more than 16 elements" },
	{ "parties[1]", "\"bravo\"", NULL, ST_INVALID, "parties[1]: not an object" },
	{ "parties[1].role", "\"chair\"", NULL, ST_INVALID, "parties[1].role: unknown member" },
	{ "parties[0].name", NULL, NULL, ST_INVALID, "parties[0].name: missing" },
	{ "parties[0].name", "1", NULL, ST_INVALID, "parties[0].name: not a string" },
	{ "parties[0].name", "\"Alpha\"", NULL, ST_INVALID, "parties[0].name: not a node name" },
	{ "parties[0].name", "\"-alpha\"", NULL, ST_INVALID, "parties[0].name: not a node name" },
	{ "parties[1].name", "\"alpha\"", NULL, ST_INVALID,
	    "parties[1].name: \"alpha\" is also parties[0]'s name" },
	{ "parties[1].kid", NULL, NULL, ST_INVALID, "parties[1].kid: missing" },
	{ "parties[1].kid", "\"E916XTjJCK82vAibEGGhB3lDV7wANvlLfxiCNTqfo\"", NULL, ST_INVALID,
	    "parties[1].kid: not a key id" },
	{ "parties[1].kid", "\"E916XTjJCK82vAibEGGhB3lDV7wANvlLfxiCNTqfo+c\"", NULL, ST_INVALID,
	    "parties[1].kid: not a key id" },
	{ "parties[1].kid", "\"E916XTjJCK82vAibEGGhB3lDV7wANvlLfxiCNTqfo_d\"", NULL, ST_INVALID,
	    "parties[1].kid: not a key id" },	/* non-zero trailing bits: not canonical */
	{ NULL, NULL, same_kid, ST_INVALID, "parties[1].kid: also parties[0]'s key id" },
	/* supersedes */
	{ "supersedes", NULL, NULL, ST_INVALID, "supersedes: missing" },
	{ "supersedes", "false", NULL, ST_INVALID, "supersedes: not a UUIDv7" },
	{ "supersedes", "\"none\"", NULL, ST_INVALID, "supersedes: not a UUIDv7" },
	{ NULL, NULL, supersedes_self, ST_INVALID, "supersedes: the agreement's own id" },
	/* effective, expires */
	{ "effective", NULL, NULL, ST_INVALID, "effective: missing" },
	{ "effective", "1795341600000", NULL, ST_INVALID, "effective: not a string" },
	{ "effective", "\"2026-12-01\"", NULL, ST_INVALID, "effective: not an RFC 3339 UTC time" },
	{ "effective", "\"2026-12-01T01:00:00+01:00\"", NULL, ST_INVALID,
	    "effective: not an RFC 3339 UTC time" },
	{ "effective", "\"2026-02-30T00:00:00Z\"", NULL, ST_INVALID,
	    "effective: not an RFC 3339 UTC time" },
	{ "expires", NULL, NULL, ST_INVALID, "expires: missing" },
	{ "expires", "\"never\"", NULL, ST_INVALID, "expires: not an RFC 3339 UTC time" },
	{ "expires", "\"" EX_EFFECTIVE "\"", NULL, ST_INVALID, "expires: not after effective" },
	{ "expires", "\"2026-11-30T23:59:59.999Z\"", NULL, ST_INVALID,
	    "expires: not after effective" },
	/* notice */
	{ "notice", NULL, NULL, ST_INVALID, "notice: missing" },
	{ "notice", "30", NULL, ST_INVALID, "notice: not a string" },
	{ "notice", "\"30 days\"", NULL, ST_INVALID, "notice: not an ISO 8601 duration" },
	{ "notice", "\"P1M\"", NULL, ST_INVALID, "notice: not an ISO 8601 duration" },
	{ "notice", "\"P1Y\"", NULL, ST_INVALID, "notice: not an ISO 8601 duration" },
	{ "notice", "\"P36526D\"", NULL, ST_INVALID, "notice: longer than 36525 days" },
	/* links */
	{ "links", NULL, NULL, ST_INVALID, "links: missing" },
	{ "links", "[]", NULL, ST_INVALID, "links: not an object" },
	{ "links", "{}", NULL, ST_INVALID, "links: empty" },
	{ NULL, NULL, many_links, ST_INVALID, "links: more than 16 links" },
	{ "links.Urgent", "{}", NULL, ST_INVALID, "links.Urgent: not a link name" },
	{ "links.abcdefghijklmnop", "{}", NULL, ST_INVALID,
	    "links.abcdefghijklmnop: not a link name" },
	{ "links.urgent", "true", NULL, ST_INVALID, "links.urgent: not an object" },
	{ "links.urgent.ttl", "1", NULL, ST_INVALID, "links.urgent.ttl: unknown member" },
	/* links.NAME.types */
	{ "links.cert.types", NULL, NULL, ST_INVALID, "links.cert.types: missing" },
	{ "links.cert.types", "\"advisory\"", NULL, ST_INVALID, "links.cert.types: not an array" },
	{ "links.cert.types", "[]", NULL, ST_INVALID, "links.cert.types: empty" },
	{ "links.cert.types[1]", "\"Indicator\"", NULL, ST_INVALID,
	    "links.cert.types[1]: not a message type" },
	{ "links.cert.types[1]", "2", NULL, ST_INVALID, "links.cert.types[1]: not a string" },
	{ "links.cert.types[1]", "\"advisory\"", NULL, ST_INVALID,
	    "links.cert.types[1]: \"advisory\" is listed twice" },
	{ NULL, NULL, many_types, ST_INVALID, "links.urgent.types: more than 32 elements" },
	/* links.NAME.priorities */
	{ "links.wg.priorities", NULL, NULL, ST_INVALID, "links.wg.priorities: missing" },
	{ "links.wg.priorities", "[]", NULL, ST_INVALID, "links.wg.priorities: empty" },
	{ "links.wg.priorities[0]", "\"urgent\"", NULL, ST_INVALID,
	    "links.wg.priorities[0]: not a priority" },
	{ "links.wg.priorities[1]", "\"priority\"", NULL, ST_INVALID,
	    "links.wg.priorities[1]: \"priority\" is listed twice" },
	{ "links.urgent.priorities[4]", "\"flash\"", NULL, ST_INVALID,
	    "links.urgent.priorities: more than 4 elements" },
	/* links.NAME.max_body */
	{ "links.leaders.max_body", NULL, NULL, ST_INVALID, "links.leaders.max_body: missing" },
	{ "links.leaders.max_body", "\"1 MiB\"", NULL, ST_INVALID,
	    "links.leaders.max_body: not an integer" },
	{ "links.leaders.max_body", "1024.0", NULL, ST_INVALID,
	    "links.leaders.max_body: not an integer" },
	{ "links.leaders.max_body", "0", NULL, ST_INVALID, "links.leaders.max_body: out of range" },
	{ "links.leaders.max_body", "-1", NULL, ST_INVALID, "links.leaders.max_body: out of range" },
	{ "links.leaders.max_body", "16777217", NULL, ST_INVALID,
	    "links.leaders.max_body: out of range" },
	/* links.NAME.tlp_max */
	{ "links.cert.tlp_max", NULL, NULL, ST_INVALID, "links.cert.tlp_max: missing" },
	{ "links.cert.tlp_max", "2", NULL, ST_INVALID, "links.cert.tlp_max: not a string" },
	{ "links.cert.tlp_max", "\"TLP:WHITE\"", NULL, ST_INVALID,
	    "links.cert.tlp_max: not a TLP 2.0 label" },
	{ "links.cert.tlp_max", "\"tlp:amber\"", NULL, ST_INVALID,
	    "links.cert.tlp_max: not a TLP 2.0 label" },
	{ "links.cert.tlp_max", "\"AMBER\"", NULL, ST_INVALID,
	    "links.cert.tlp_max: not a TLP 2.0 label" },
	/* links.NAME.deadlines */
	{ "links.urgent.deadlines", NULL, NULL, ST_INVALID, "links.urgent.deadlines: missing" },
	{ "links.urgent.deadlines", "[]", NULL, ST_INVALID,
	    "links.urgent.deadlines: not an object" },
	{ "links.urgent.deadlines.asap", "{}", NULL, ST_INVALID,
	    "links.urgent.deadlines.asap: not a priority" },
	{ "links.cert.deadlines.flash", "{\"ack\":\"PT1M\",\"reply\":\"PT1H\"}", NULL, ST_INVALID,
	    "links.cert.deadlines.flash: flash is not among links.cert.priorities" },
	{ "links.urgent.deadlines.flash", "\"PT10M\"", NULL, ST_INVALID,
	    "links.urgent.deadlines.flash: not an object" },
	{ "links.urgent.deadlines.flash.remind", "\"PT5M\"", NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.remind: unknown member" },
	{ "links.urgent.deadlines.flash.ack", NULL, NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.ack: missing" },
	{ "links.urgent.deadlines.flash.ack", "600", NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.ack: not a string" },
	{ "links.urgent.deadlines.flash.ack", "\"10 minutes\"", NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.ack: not an ISO 8601 duration" },
	{ "links.urgent.deadlines.flash.ack", "\"PT0S\"", NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.ack: must be longer than zero" },
	{ "links.urgent.deadlines.flash.reply", NULL, NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.reply: missing" },
	{ "links.urgent.deadlines.flash.reply", "\"PT5M\"", NULL, ST_INVALID,
	    "links.urgent.deadlines.flash.reply: shorter than ack" },
	{ "links.urgent.deadlines.routine.reply", "\"P1M\"", NULL, ST_INVALID,
	    "links.urgent.deadlines.routine.reply: not an ISO 8601 duration" },
	/* data */
	{ "data", NULL, NULL, ST_INVALID, "data: missing" },
	{ "data", "\"none\"", NULL, ST_INVALID, "data: not an object" },
	{ "data.sharing", "true", NULL, ST_INVALID, "data.sharing: unknown member" },
	{ "data.critical_infrastructure", NULL, NULL, ST_INVALID,
	    "data.critical_infrastructure: missing" },
	{ "data.critical_infrastructure", "\"yes\"", NULL, ST_INVALID,
	    "data.critical_infrastructure: not a boolean" },
	{ "data.critical_infrastructure", "1", NULL, ST_INVALID,
	    "data.critical_infrastructure: not a boolean" },
	{ "data.personal_data", NULL, NULL, ST_INVALID, "data.personal_data: missing" },
	{ "data.personal_data", "\"pseudonymize\"", NULL, ST_INVALID,
	    "data.personal_data: not one of refuse, pseudonymise, allow" },
	{ "data.personal_data", "false", NULL, ST_INVALID, "data.personal_data: not a string" },
	{ "data.onward_transfer", "\"always\"", NULL, ST_INVALID,
	    "data.onward_transfer: not one of never, with-consent" },
	{ "data.onward_transfer", "null", NULL, ST_INVALID, "data.onward_transfer: not a string" },
	{ "data.retention", NULL, NULL, ST_INVALID, "data.retention: missing" },
	{ "data.retention", "\"P0D\"", NULL, ST_INVALID, "data.retention: must be longer than zero" },
	{ "data.retention", "\"P1Y\"", NULL, ST_INVALID,
	    "data.retention: not an ISO 8601 duration" },

	/* and what the schema lets be */
	{ "supersedes", "null", NULL, ST_OK, "" },
	{ "expires", "null", NULL, ST_OK, "" },
	{ "notice", "\"PT0S\"", NULL, ST_OK, "" },
	{ "references", "[]", NULL, ST_OK, "" },
	{ "data.onward_transfer", NULL, NULL, ST_OK, "" },
	{ "data.onward_transfer", "\"with-consent\"", NULL, ST_OK, "" },
	{ "links.urgent.deadlines", "{}", NULL, ST_OK, "" },
	{ "links.urgent.deadlines.flash.reply", "\"PT10M\"", NULL, ST_OK, "" },
	{ "links.cert", NULL, NULL, ST_OK, "" },
	{ "links.cert.tlp_max", "\"TLP:AMBER+STRICT\"", NULL, ST_OK, "" },
	{ "links.leaders.max_body", "16777216", NULL, ST_OK, "" },
	{ "title", "\"Accord entre alpha et bravo \u2014 coop\u00e9ration\"", NULL, ST_OK, "" },
	{ "effective", "\"2026-12-01T00:00:00Z\"", NULL, ST_OK, "" },
	{ "links.x-1_b", "{\"types\":[\"t\"],\"priorities\":[\"routine\"],\"max_body\":1,"
	    "\"tlp_max\":\"TLP:CLEAR\",\"deadlines\":{}}", NULL, ST_OK, "" },
};

static void
test_example(void **state)
{
	char why[AGREEMENT_WHY_MAX], *t = example_text();
	struct agreement *a = NULL;
	const struct agreement_data *d;
	int64_t ms;

	(void)state;
	EXPECT(agreement_parse(t, strlen(t), &a, why), ST_OK);
	assert_string_equal(why, "");
	assert_string_equal(agreement_id(a), "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e");
	assert_string_equal(agreement_title(a),
	    "Agreement between alpha and bravo on incident cooperation");
	assert_string_equal(agreement_supersedes(a), "019a2f10-1e00-7a00-8b00-0123456789ab");
	assert_int_equal(agreement_n_parties(a), 2);
	assert_string_equal(agreement_party_at(a, 0)->name, "alpha");
	assert_string_equal(agreement_party_at(a, 1)->kid,
	    "E916XTjJCK82vAibEGGhB3lDV7wANvlLfxiCNTqfo_c");
	assert_null(agreement_party_at(a, 2));
	assert_string_equal(agreement_party(a, "--6IM5l0OosLj9yWskISYhUA3n_3CURQkmrYMSha_ck")->name,
	    "alpha");
	assert_null(agreement_party(a, ident_kid(mallory)));
	EXPECT(stamp_parse(EX_EFFECTIVE, &ms), ST_OK);
	assert_int_equal(agreement_effective_ms(a), ms);
	EXPECT(stamp_parse(EX_EXPIRES, &ms), ST_OK);
	assert_int_equal(agreement_expires_ms(a), ms);
	assert_int_equal(agreement_notice_s(a), 30 * 86400);
	assert_int_equal(agreement_n_links(a), 5);
	assert_string_equal(agreement_link_at(a, 0), "cert");	/* sorted by name */
	assert_string_equal(agreement_link_at(a, 1), "exercise");
	assert_string_equal(agreement_link_at(a, 4), "wg");
	assert_null(agreement_link_at(a, 5));
	d = agreement_data(a);
	assert_true(d->critical_infrastructure);
	assert_int_equal(d->personal_data, AGREEMENT_PD_PSEUDONYMISE);
	assert_int_equal(d->onward_transfer, AGREEMENT_ONWARD_NEVER);
	assert_int_equal(d->retention_s, 365 * 86400);
	agreement_free(a);
	agreement_free(NULL);
	free(t);
}

static void
test_every_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof mutations / sizeof *mutations; i++) {
		const struct mutation *m = &mutations[i];
		char why[AGREEMENT_WHY_MAX];
		struct agreement *a = (struct agreement *)&a;
		json_t *j = example();
		status rc;

		if (m->fn)
			m->fn(j);
		else
			mutate(j, m->path, m->value);
		rc = parse_j(j, &a, why);
		if (rc != m->want || strncmp(why, m->why, strlen(m->why)) != 0)
			fail_msg("case %zu (%s): got \"%s\" (%s), want \"%s\" (%s)", i,
			    m->path ? m->path : m->why, why, status_str(rc), m->why,
			    status_str(m->want));
		if (rc)
			assert_null(a);
		else
			assert_non_null(a);
		agreement_free(a);
		json_decref(j);
	}
}

/* not JSON, not an object, duplicate members, too big: refused as such */
static void
test_not_a_payload(void **state)
{
	static const struct {
		const char *text;
		status want;
		const char *why;
	} cases[] = {
		{ "", ST_PARSE, "payload: not JSON" },
		{ "{", ST_PARSE, "payload: not JSON" },
		{ "[1,2]", ST_PARSE, "(top): not a JSON object" },
		{ "\"v\"", ST_PARSE, "payload: not JSON" },	/* jansson: no bare values */
		{ "{\"v\":1,\"v\":1}", ST_PARSE, "payload: not JSON: duplicate object key" },
		{ "{\"v\":1,\"title\":\"a\\u0000b\"}", ST_PARSE, "payload: not JSON" },
		{ "{\"v\":1}", ST_INVALID, "id: missing" },
		{ "{\"id\":\"x\"}", ST_INVALID, "v: missing" },
	};
	char why[AGREEMENT_WHY_MAX], *big;
	struct agreement *a;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		status rc = agreement_parse(cases[i].text, strlen(cases[i].text), &a, why);

		if (rc != cases[i].want || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("%s: got \"%s\" (%s)", cases[i].text, why, status_str(rc));
		assert_null(a);
	}
	big = calloc(1, AGREEMENT_PAYLOAD_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', AGREEMENT_PAYLOAD_MAX + 1);
	EXPECT(agreement_parse(big, AGREEMENT_PAYLOAD_MAX + 1, &a, why), ST_TOOBIG);
	assert_null(a);
	free(big);
}

/* text from the input reaches why as printable ASCII, quoted and cut */
static void
test_why_is_safe(void **state)
{
	char why[AGREEMENT_WHY_MAX];
	struct agreement *a;
	json_t *j = example();

	(void)state;
	json_object_set_new(j, "\x1b[31mred\xe2\x80\xae\"and a very long name, longer than "
	    "anything", json_true());
	EXPECT(parse_j(j, &a, why), ST_INVALID);
	for (const char *p = why; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			fail_msg("why holds byte 0x%02x: %s", (unsigned char)*p, why);
	assert_non_null(strstr(why, "...: unknown member"));
	assert_null(strchr(why, '"'));
	json_decref(j);
}

/* ---- signatures -------------------------------------------------------- */

/* The verifier's keys: these identities, by kid. */
struct keys {
	struct ident *const *ids;
	size_t n;
};

static status
lookup(void *arg, const char *name, const char *kid, uint8_t pk[static IDENT_PK_LEN])
{
	const struct keys *k = arg;

	(void)name;
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(ident_kid(k->ids[i]), kid) == 0) {
			memcpy(pk, ident_pk(k->ids[i]), IDENT_PK_LEN);
			return ST_OK;
		}
	return ST_NOTFOUND;
}

/* a lookup that gives carol's key whatever is asked */
static status
wrong_key(void *arg, const char *name, const char *kid, uint8_t pk[static IDENT_PK_LEN])
{
	(void)arg, (void)name, (void)kid;
	memcpy(pk, ident_pk(carol), IDENT_PK_LEN);
	return ST_OK;
}

static struct ident *everyone[4];
static struct keys all_keys = { everyone, 4 };

/* payload_for - the example's payload for these parties, as text. */
static char *
payload_for(struct ident *const *ids, size_t n)
{
	json_t *j = with_parties(example(), ids, n);
	char *t = dump(j);

	json_decref(j);
	return t;
}

/* signed_by - the example for alice and bob (and carol, n 3), signed by
 * the first signer and countersigned by the others, into out. */
static void
signed_by(size_t n, struct ident *const *signers, size_t n_signers, struct buf *out)
{
	struct ident *ids[3] = { alice, bob, carol };
	char why[AGREEMENT_WHY_MAX], *t = payload_for(ids, n);
	struct buf cur;

	buf_init(out, AGREEMENT_DOC_MAX);
	EXPECT(agreement_sign(signers[0], t, strlen(t), out, why), ST_OK);
	for (size_t i = 1; i < n_signers; i++) {
		buf_init(&cur, AGREEMENT_DOC_MAX);
		EXPECT(agreement_countersign(signers[i], out->p, out->len, lookup, &all_keys, &cur,
		    why), ST_OK);
		buf_free(out);
		*out = cur;
	}
	free(t);
}

static status
verify_j(const json_t *doc, struct agreement_sigs *r, char why[static AGREEMENT_WHY_MAX])
{
	char *t = dump(doc);
	struct agreement *a = (struct agreement *)&a;
	status rc = agreement_verify(t, strlen(t), lookup, &all_keys, &a, r, why);

	if (rc)
		assert_null(a);
	agreement_free(a);
	free(t);
	return rc;
}

static json_t *
load(const struct buf *b)
{
	json_t *j = json_loadb(b->p, b->len, JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(j);
	return j;
}

static json_t *
sig_at(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "signatures"), i);
}

static void
expect_why(status got, status want, const char *why, const char *start)
{
	if (got != want || strncmp(why, start, strlen(start)) != 0)
		fail_msg("got \"%s\" (%s), want \"%s\" (%s)", why, status_str(got), start,
		    status_str(want));
}

static void
test_sign_and_countersign(void **state)
{
	struct ident *ids[2] = { alice, bob }, *two[2] = { alice, bob };
	char why[AGREEMENT_WHY_MAX], *t = payload_for(ids, 2);
	struct agreement_sigs r;
	struct agreement *a;
	struct buf one, both;
	json_t *j1, *j2;

	(void)state;
	buf_init(&one, AGREEMENT_DOC_MAX);
	EXPECT(agreement_sign(alice, t, strlen(t), &one, why), ST_OK);
	assert_int_equal(one.p[one.len - 1], '\n');

	/* partially signed: it verifies, and the report shows who is missing */
	EXPECT(agreement_verify(one.p, one.len, lookup, &all_keys, &a, &r, why), ST_OK);
	assert_string_equal(agreement_title(a),
	    "Agreement between alpha and bravo on incident cooperation");
	assert_int_equal(r.n_parties, 2);
	assert_int_equal(r.n_signed, 1);
	assert_int_equal(r.signed_by[0], 1);
	assert_int_equal(r.signed_by[1], 0);
	assert_false(agreement_sigs_complete(&r));
	agreement_free(a);

	signed_by(2, two, 2, &both);
	EXPECT(agreement_verify(both.p, both.len, lookup, &all_keys, NULL, &r, why), ST_OK);
	assert_int_equal(r.n_signed, 2);
	assert_true(agreement_sigs_complete(&r));

	/* the payload and the first signature are carried byte for byte */
	j1 = load(&one);
	j2 = load(&both);
	assert_true(json_equal(json_object_get(j1, "payload"), json_object_get(j2, "payload")));
	assert_true(json_equal(sig_at(j1, 0), sig_at(j2, 0)));
	assert_int_equal(json_array_size(json_object_get(j2, "signatures")), 2);

	/* bob again, mallory, or mallory first: refused */
	buf_reset(&one);
	expect_why(agreement_countersign(bob, both.p, both.len, lookup, &all_keys, &one, why),
	    ST_EXISTS, why, "signatures: parties[1] (bravo) has signed already");
	expect_why(agreement_countersign(mallory, both.p, both.len, lookup, &all_keys, &one, why),
	    ST_UNKNOWN_KEY, why, "parties: the signing key");
	expect_why(agreement_sign(mallory, t, strlen(t), &one, why), ST_UNKNOWN_KEY, why,
	    "parties: the signing key");
	assert_int_equal(one.len, 0);	/* nothing written on refusal */
	/* a countersigner verifies first: it will not sign beside a forgery */
	json_object_set(sig_at(j1, 0), "signature", json_object_get(sig_at(j2, 1), "signature"));
	{
		char *forged = dump(j1);

		expect_why(agreement_countersign(bob, forged, strlen(forged), lookup, &all_keys,
		    &one, why), ST_BADSIG, why, "signatures[0]: the signature of parties[0] (alpha)");
		free(forged);
	}
	json_decref(j1);
	json_decref(j2);
	buf_free(&one);
	buf_free(&both);
	free(t);
}

/* the signed payload is the canonical form, whatever the draft's layout */
static void
test_canonical_payload(void **state)
{
	struct ident *ids[2] = { alice, bob };
	char why[AGREEMENT_WHY_MAX], *pretty = payload_for(ids, 2), *canon, *compact;
	json_t *j = json_loads(pretty, 0, NULL), *d1, *d2;
	struct buf a, b, raw;
	const char *pay;

	(void)state;
	compact = json_dumps(j, JSON_COMPACT);	/* another member order */
	canon = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	buf_init(&a, AGREEMENT_DOC_MAX);
	buf_init(&b, AGREEMENT_DOC_MAX);
	EXPECT(agreement_sign(alice, pretty, strlen(pretty), &a, why), ST_OK);
	EXPECT(agreement_sign(alice, compact, strlen(compact), &b, why), ST_OK);
	d1 = load(&a);
	d2 = load(&b);
	assert_true(json_equal(d1, d2));	/* Ed25519 is deterministic too */
	pay = json_string_value(json_object_get(d1, "payload"));
	buf_init(&raw, AGREEMENT_PAYLOAD_MAX);
	EXPECT(jws_b64_decode(&raw, pay, strlen(pay)), ST_OK);
	assert_string_equal(buf_str(&raw), canon);
	assert_null(strchr(canon, '\n'));
	json_decref(j);
	json_decref(d1);
	json_decref(d2);
	buf_free(&a);
	buf_free(&b);
	buf_free(&raw);
	free(pretty);
	free(compact);
	free(canon);
}

/* a document whose payload was signed in another form (any JOSE library's)
 * verifies: nothing is re-serialised before verifying */
static void
test_foreign_layout(void **state)
{
	struct ident *ids[2] = { alice, bob };
	char why[AGREEMENT_WHY_MAX], *pretty = payload_for(ids, 2);
	struct agreement_sigs r;
	struct jws_parts p;
	struct buf jws;
	json_t *doc;

	(void)state;
	buf_init(&jws, AGREEMENT_DOC_MAX);
	EXPECT(jws_sign(bob, AGREEMENT_TYP, pretty, strlen(pretty), &jws), ST_OK);
	EXPECT(jws_split(jws.p, jws.len, &p), ST_OK);
	doc = json_pack("{s:s%, s:[{s:s%, s:s%}]}", "payload", p.pay, p.pay_len, "signatures",
	    "protected", p.hdr, p.hdr_len, "signature", p.sig, p.sig_len);
	EXPECT(verify_j(doc, &r, why), ST_OK);
	assert_int_equal(r.signed_by[1], 1);
	assert_int_equal(r.n_signed, 1);
	json_decref(doc);
	buf_free(&jws);
	free(pretty);
}

/* splice - a signature of signer over the document's payload, with this
 * header text, appended to doc's signatures (sig by ident_sign). */
static void
splice(json_t *doc, const struct ident *signer, const char *hdr)
{
	const char *pay = json_string_value(json_object_get(doc, "payload"));
	uint8_t sig[IDENT_SIG_LEN];
	struct buf input, s64;
	size_t hl;

	buf_init(&input, AGREEMENT_DOC_MAX * 2);
	buf_init(&s64, 256);
	EXPECT(jws_b64_encode(&input, hdr, strlen(hdr)), ST_OK);
	hl = input.len;
	EXPECT(buf_addf(&input, ".%s", pay), ST_OK);
	ident_sign(signer, (const uint8_t *)input.p, input.len, sig);
	EXPECT(jws_b64_encode(&s64, sig, sizeof sig), ST_OK);
	input.p[hl] = '\0';
	json_array_append_new(json_object_get(doc, "signatures"), json_pack("{s:s, s:s}",
	    "protected", input.p, "signature", s64.p));
	buf_free(&input);
	buf_free(&s64);
}

static char *
header_of(const char *alg, const struct ident *id, const char *typ, const char *extra)
{
	char *h = malloc(512);

	assert_non_null(h);
	snprintf(h, 512, "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"%s\"%s}", alg, ident_kid(id),
	    typ, extra);
	return h;
}

static void
test_refused_signatures(void **state)
{
	struct ident *alice_only[1] = { alice };
	char why[AGREEMENT_WHY_MAX], *h;
	struct agreement_sigs r;
	struct buf one;
	json_t *doc;

	(void)state;
	signed_by(2, alice_only, 1, &one);

	/* control: bob's own header, by hand, verifies */
	doc = load(&one);
	h = header_of("EdDSA", bob, AGREEMENT_TYP, "");
	splice(doc, bob, h);
	free(h);
	EXPECT(verify_j(doc, &r, why), ST_OK);
	assert_true(agreement_sigs_complete(&r));
	json_decref(doc);

	/* a signer who is not a party */
	doc = load(&one);
	h = header_of("EdDSA", mallory, AGREEMENT_TYP, "");
	splice(doc, mallory, h);
	free(h);
	expect_why(verify_j(doc, &r, why), ST_UNKNOWN_KEY, why, "signatures[1]: signed by ");
	assert_non_null(strstr(why, "who is not a party"));
	assert_int_equal(r.n_signed, 0);	/* nothing reported on refusal */
	json_decref(doc);

	/* a header naming bob, signed by mallory: a forgery */
	doc = load(&one);
	h = header_of("EdDSA", bob, AGREEMENT_TYP, "");
	splice(doc, mallory, h);
	free(h);
	expect_why(verify_j(doc, &r, why), ST_BADSIG, why,
	    "signatures[1]: the signature of parties[1] (bravo) does not verify");
	json_decref(doc);

	/* another typ, another alg, or a member more: refused before any key */
	doc = load(&one);
	h = header_of("EdDSA", bob, "parley-message", "");
	splice(doc, bob, h);
	free(h);
	expect_why(verify_j(doc, &r, why), ST_INVALID, why,
	    "signatures[1].protected.typ: not \"parley-agreement\"");
	json_decref(doc);
	doc = load(&one);
	h = header_of("Ed25519", bob, AGREEMENT_TYP, "");
	splice(doc, bob, h);
	free(h);
	expect_why(verify_j(doc, &r, why), ST_INVALID, why,
	    "signatures[1].protected.alg: not \"EdDSA\"");
	json_decref(doc);
	doc = load(&one);
	h = header_of("EdDSA", bob, AGREEMENT_TYP, ",\"crit\":[\"exp\"]");
	splice(doc, bob, h);
	free(h);
	expect_why(verify_j(doc, &r, why), ST_INVALID, why,
	    "signatures[1].protected.crit: unknown member");
	json_decref(doc);
	doc = load(&one);
	splice(doc, bob, "{\"alg\":\"EdDSA\",\"typ\":\"parley-agreement\"}");
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "signatures[1].protected.kid: missing");
	json_decref(doc);
	doc = load(&one);
	splice(doc, bob, "{\"alg\":\"EdDSA\",\"alg\":\"none\",\"kid\":\"x\"}");
	expect_why(verify_j(doc, &r, why), ST_PARSE, why, "signatures[1].protected: not JSON");
	json_decref(doc);

	/* alice twice */
	doc = load(&one);
	json_array_append(json_object_get(doc, "signatures"), sig_at(doc, 0));
	expect_why(verify_j(doc, &r, why), ST_INVALID, why,
	    "signatures[1]: parties[0] (alpha) has signed already");
	json_decref(doc);

	buf_free(&one);
}

static void
test_forged_and_changed(void **state)
{
	struct ident *signers[2] = { alice, bob };
	char why[AGREEMENT_WHY_MAX];
	uint8_t sig[IDENT_SIG_LEN];
	struct agreement_sigs r;
	struct buf both, b, raw;
	const char *s, *pay;
	size_t n;
	json_t *doc, *pl;

	(void)state;
	signed_by(2, signers, 2, &both);

	/* one bit of bob's signature flipped */
	doc = load(&both);
	s = json_string_value(json_object_get(sig_at(doc, 1), "signature"));
	EXPECT(b64_url_decode(s, strlen(s), sig, sizeof sig, &n), ST_OK);
	sig[10] ^= 1;
	buf_init(&b, 128);
	EXPECT(b64_url_encode(&b, sig, sizeof sig), ST_OK);
	json_object_set_new(sig_at(doc, 1), "signature", json_string(b.p));
	expect_why(verify_j(doc, &r, why), ST_BADSIG, why,
	    "signatures[1]: the signature of parties[1] (bravo) does not verify");
	/* a signature that is not even base64url, or too short */
	json_object_set_new(sig_at(doc, 1), "signature", json_string("not.base64"));
	expect_why(verify_j(doc, &r, why), ST_BADSIG, why, "signatures[1]: the signature of");
	json_object_set_new(sig_at(doc, 1), "signature", json_string("AAAA"));
	expect_why(verify_j(doc, &r, why), ST_BADSIG, why, "signatures[1]: the signature of");
	json_decref(doc);
	buf_free(&b);

	/* the payload changed after signing: the first signature fails */
	doc = load(&both);
	pay = json_string_value(json_object_get(doc, "payload"));
	buf_init(&raw, AGREEMENT_PAYLOAD_MAX);
	EXPECT(jws_b64_decode(&raw, pay, strlen(pay)), ST_OK);
	pl = json_loadb(raw.p, raw.len, 0, NULL);
	assert_non_null(pl);
	json_object_set_new(json_object_get(json_object_get(pl, "links"), "cert"), "tlp_max",
	    json_string("TLP:RED"));
	{
		char *t = json_dumps(pl, JSON_COMPACT | JSON_SORT_KEYS);

		buf_init(&b, AGREEMENT_DOC_MAX);
		EXPECT(jws_b64_encode(&b, t, strlen(t)), ST_OK);
		free(t);
	}
	json_object_set_new(doc, "payload", json_string(b.p));
	expect_why(verify_j(doc, &r, why), ST_BADSIG, why,
	    "signatures[0]: the signature of parties[0] (alpha) does not verify");
	json_decref(pl);
	json_decref(doc);
	buf_free(&b);
	buf_free(&raw);

	/* keys: none at hand for bob; a lookup that answers with another key */
	{
		struct ident *only_alice[1] = { alice };
		struct keys k = { only_alice, 1 };

		EXPECT(agreement_verify(both.p, both.len, lookup, &k, NULL, &r, why),
		    ST_UNKNOWN_KEY);
		expect_why(ST_UNKNOWN_KEY, ST_UNKNOWN_KEY, why,
		    "signatures[1]: no key at hand for parties[1] (bravo)");
		EXPECT(agreement_verify(both.p, both.len, wrong_key, NULL, NULL, &r, why),
		    ST_UNKNOWN_KEY);
		expect_why(ST_UNKNOWN_KEY, ST_UNKNOWN_KEY, why,
		    "signatures[0]: the key at hand for parties[0] (alpha) is not the one");
	}
	buf_free(&both);
}

/* the document's own shape */
static void
test_document_shape(void **state)
{
	struct ident *alice_only[1] = { alice };
	char why[AGREEMENT_WHY_MAX];
	struct agreement_sigs r;
	struct buf one;
	json_t *doc;

	(void)state;
	signed_by(2, alice_only, 1, &one);
	doc = load(&one);
	json_object_set_new(doc, "header", json_object());
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "header: unknown member");
	json_decref(doc);
	doc = load(&one);
	json_object_set_new(sig_at(doc, 0), "header", json_pack("{s:s}", "kid", "x"));
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "signatures[0].header: unknown member");
	json_decref(doc);
	doc = load(&one);
	json_object_set_new(doc, "signatures", json_array());
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "signatures: empty");
	json_object_set_new(doc, "signatures", json_object());
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "signatures: not an array");
	json_object_del(doc, "signatures");
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "signatures: missing");
	json_decref(doc);
	doc = load(&one);
	json_object_del(sig_at(doc, 0), "signature");
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "signatures[0].signature: missing");
	json_decref(doc);
	doc = load(&one);
	json_object_set_new(doc, "payload", json_string("eyJ2IjoxfQ=="));	/* padded */
	expect_why(verify_j(doc, &r, why), ST_PARSE, why, "payload: not base64url");
	json_object_set_new(doc, "payload", json_integer(1));
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "payload: not a string");
	json_object_set_new(doc, "payload", json_string("eyJ2IjoxfQ"));	/* {"v":1} */
	expect_why(verify_j(doc, &r, why), ST_INVALID, why, "id: missing");
	json_decref(doc);
	EXPECT(agreement_verify("[]", 2, lookup, &all_keys, NULL, &r, why), ST_INVALID);
	EXPECT(agreement_verify("{", 1, lookup, &all_keys, NULL, &r, why), ST_PARSE);
	buf_free(&one);
}

/* three parties: two have signed, the report names the third */
static void
test_three_parties(void **state)
{
	struct ident *signers[2] = { carol, alice };
	char why[AGREEMENT_WHY_MAX];
	struct agreement_sigs r;
	struct agreement *a;
	struct buf two, three;

	(void)state;
	signed_by(3, signers, 2, &two);
	EXPECT(agreement_verify(two.p, two.len, lookup, &all_keys, &a, &r, why), ST_OK);
	assert_int_equal(r.n_parties, 3);
	assert_int_equal(r.n_signed, 2);
	assert_int_equal(r.signed_by[0], 1);
	assert_int_equal(r.signed_by[1], 0);	/* bravo has not signed */
	assert_int_equal(r.signed_by[2], 1);
	assert_false(agreement_sigs_complete(&r));
	assert_string_equal(agreement_party_at(a, 1)->name, "bravo");
	agreement_free(a);
	buf_init(&three, AGREEMENT_DOC_MAX);
	EXPECT(agreement_countersign(bob, two.p, two.len, lookup, &all_keys, &three, why), ST_OK);
	EXPECT(agreement_verify(three.p, three.len, lookup, &all_keys, NULL, &r, why), ST_OK);
	assert_true(agreement_sigs_complete(&r));
	buf_free(&two);
	buf_free(&three);
}

/* verified against cards, as `parley agreement verify FILE --card...` will */
static void
test_cards(void **state)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct ident *signers[2] = { alice, bob };
	char why[AGREEMENT_WHY_MAX];
	struct agreement_sigs r;
	struct card cards[2];
	struct agreement_cards ac = { cards, 2 };
	struct buf both, text;

	(void)state;
	for (int i = 0; i < 2; i++) {
		buf_init(&text, CARD_MAX_BYTES);
		EXPECT(card_make(signers[i], i ? "bravo" : "alpha", eps, 1,
		    "2026-11-01T09:00:00.000Z", &text), ST_OK);
		EXPECT(card_parse(text.p, text.len, &cards[i]), ST_OK);
		buf_free(&text);
	}
	signed_by(2, signers, 2, &both);
	EXPECT(agreement_verify(both.p, both.len, agreement_key_cards, &ac, NULL, &r, why), ST_OK);
	assert_true(agreement_sigs_complete(&r));
	ac.n = 1;
	expect_why(agreement_verify(both.p, both.len, agreement_key_cards, &ac, NULL, &r, why),
	    ST_UNKNOWN_KEY, why, "signatures[1]: no key at hand for parties[1] (bravo)");
	buf_free(&both);
}

/* ---- what enforcement asks -------------------------------------------- */

static struct agreement *
parsed_example(void)
{
	char why[AGREEMENT_WHY_MAX], *t = example_text();
	struct agreement *a;

	EXPECT(agreement_parse(t, strlen(t), &a, why), ST_OK);
	free(t);
	return a;
}

static void
test_in_force_at(void **state)
{
	struct agreement *a = parsed_example();
	char why[AGREEMENT_WHY_MAX];
	int64_t eff, exp;
	json_t *j;

	(void)state;
	EXPECT(stamp_parse(EX_EFFECTIVE, &eff), ST_OK);
	EXPECT(stamp_parse(EX_EXPIRES, &exp), ST_OK);
	assert_false(agreement_in_force_at(a, eff - 1));
	assert_true(agreement_in_force_at(a, eff));
	assert_true(agreement_in_force_at(a, exp - 1));
	assert_false(agreement_in_force_at(a, exp));
	assert_false(agreement_in_force_at(a, INT64_MAX));
	agreement_free(a);

	/* never expires */
	j = example();
	json_object_set_new(j, "expires", json_null());
	EXPECT(parse_j(j, &a, why), ST_OK);
	assert_int_equal(agreement_expires_ms(a), AGREEMENT_NEVER);
	assert_false(agreement_in_force_at(a, eff - 1));
	assert_true(agreement_in_force_at(a, eff));
	assert_true(agreement_in_force_at(a, INT64_MAX - 1));
	agreement_free(a);
	json_decref(j);
}

static void
test_allows(void **state)
{
	static const struct {
		const char *link, *type, *prio;
		size_t size;
		enum tlp tlp;
		status want;
		const char *why;
	} cases[] = {
		{ "urgent", "notification", "flash", 100, TLP_AMBER, ST_OK, "" },
		{ "urgent", "comm-check", "routine", 0, TLP_CLEAR, ST_OK, "" },
		{ "urgent", "reply", "immediate", 1048576, TLP_GREEN, ST_OK, "" },
		{ "leaders", "message", "flash", 262144, TLP_RED, ST_OK, "" },
		{ "cert", "indicator", "priority", 5000, TLP_AMBER, ST_OK, "" },
		/* the link */
		{ "ops", "notification", "flash", 1, TLP_CLEAR, ST_LINK,
		    "links.ops: no such link in agreement 019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e" },
		{ "", "notification", "flash", 1, TLP_CLEAR, ST_LINK, "links.\"\": no such link" },
		/* the type */
		{ "urgent", "advisory", "flash", 1, TLP_CLEAR, ST_LINK,
		    "links.urgent.types does not include \"advisory\"" },
		{ "leaders", "Message", "flash", 1, TLP_CLEAR, ST_LINK,
		    "links.leaders.types does not include \"Message\"" },
		/* the priority */
		{ "cert", "advisory", "flash", 1, TLP_CLEAR, ST_LINK,
		    "links.cert.priorities does not include \"flash\"" },
		{ "exercise", "inject", "priority", 1, TLP_CLEAR, ST_LINK,
		    "links.exercise.priorities does not include \"priority\"" },
		{ "exercise", "inject", "urgent", 1, TLP_CLEAR, ST_LINK,
		    "links.exercise.priorities does not include \"urgent\"" },
		/* the size */
		{ "cert", "advisory", "routine", 1048577, TLP_CLEAR, ST_LINK,
		    "links.cert.max_body is 1048576 bytes; the message body is 1048577" },
		{ "leaders", "reply", "priority", 262145, TLP_CLEAR, ST_LINK,
		    "links.leaders.max_body is 262144 bytes; the message body is 262145" },
		/* the label */
		{ "cert", "advisory", "routine", 1, TLP_RED, ST_LINK,
		    "links.cert.tlp_max is TLP:AMBER; the message is TLP:RED" },
		{ "cert", "advisory", "routine", 1, TLP_AMBER_STRICT, ST_LINK,
		    "links.cert.tlp_max is TLP:AMBER; the message is TLP:AMBER+STRICT" },
		{ "exercise", "inject", "routine", 1, TLP_GREEN, ST_LINK,
		    "links.exercise.tlp_max is TLP:CLEAR; the message is TLP:GREEN" },
		{ "wg", "minutes", "routine", 1, TLP__COUNT, ST_LINK,
		    "links.wg.tlp_max is TLP:GREEN; the message is ?" },
	};
	struct agreement *a = parsed_example();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char why[AGREEMENT_WHY_MAX];
		status rc = agreement_allows(a, cases[i].link, cases[i].type, cases[i].prio,
		    cases[i].size, cases[i].tlp, why);

		if (rc != cases[i].want || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0 ||
		    (rc == ST_OK && why[0]))
			fail_msg("case %zu: got \"%s\" (%s), want \"%s\"", i, why, status_str(rc),
			    cases[i].why);
	}
	agreement_free(a);
}

static void
test_deadline(void **state)
{
	struct agreement *a = parsed_example();
	int64_t s = -1;

	(void)state;
	EXPECT(agreement_deadline(a, "urgent", "flash", AGREEMENT_ACK, &s), ST_OK);
	assert_int_equal(s, 600);
	EXPECT(agreement_deadline(a, "urgent", "flash", AGREEMENT_REPLY, &s), ST_OK);
	assert_int_equal(s, 3600);
	EXPECT(agreement_deadline(a, "wg", "routine", AGREEMENT_REPLY, &s), ST_OK);
	assert_int_equal(s, 10 * 86400);
	s = -1;
	EXPECT(agreement_deadline(a, "cert", "flash", AGREEMENT_ACK, &s), ST_NOTFOUND);
	EXPECT(agreement_deadline(a, "exercise", "routine", AGREEMENT_ACK, &s), ST_NOTFOUND);
	EXPECT(agreement_deadline(a, "ops", "routine", AGREEMENT_ACK, &s), ST_NOTFOUND);
	EXPECT(agreement_deadline(a, "urgent", "soon", AGREEMENT_ACK, &s), ST_NOTFOUND);
	assert_int_equal(s, -1);
	agreement_free(a);
}

/* test_templates - version 2: a link names the templates it accepts; a
 * template's name is then no free type on it, and desk statements travel
 * on every link. */
static void
test_templates(void **state)
{
	static const struct {
		const char *value;	/* links.urgent.templates */
		const char *types;	/* links.urgent.types */
		const char *why;	/* "": parses */
	} cases[] = {
		{ "[\"incident-notification\", \"reply\"]", "[\"notification\"]", "" },
		{ "[]", "[\"notification\"]", "" },
		{ "[\"reply\"]", "[]", "" },
		{ "[]", "[]", "links.urgent: neither a type nor a template" },
		{ "[\"telegram\"]", "[\"notification\"]",
		    "links.urgent.templates[0]: not a template of this version of parley" },
		{ "[\"reply\", \"reply\"]", "[\"notification\"]",
		    "links.urgent.templates[1]: \"reply\" is listed twice" },
		{ "[\"inquiry\"]", "[\"inquiry\"]",
		    "links.urgent.templates[0]: \"inquiry\" is also among links.urgent.types" },
		{ "\"reply\"", "[\"notification\"]", "links.urgent.templates: not an array" },
	};
	char why[AGREEMENT_WHY_MAX];
	struct agreement *a;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = example(), *u;

		json_object_set_new(j, "v", json_integer(2));
		u = json_object_get(json_object_get(j, "links"), "urgent");
		json_object_set_new(u, "templates", json_loads(cases[i].value, JSON_DECODE_ANY, NULL));
		json_object_set_new(u, "types", json_loads(cases[i].types, 0, NULL));
		a = NULL;
		status rc = parse_j(j, &a, why);
		if ((cases[i].why[0] == '\0') != (rc == ST_OK) ||
		    strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("case %zu: got \"%s\" (%s), want \"%s\"", i, why,
			    status_str(rc), cases[i].why);
		if (i == 0) {
			assert_true(agreement_template_ok(a, "urgent", "reply"));
			assert_false(agreement_template_ok(a, "urgent", "inquiry"));
			assert_false(agreement_template_ok(a, "cert", "reply"));
			EXPECT(agreement_allows(a, "urgent", "reply", "flash", 10, TLP_AMBER, why),
			    ST_OK);
			EXPECT(agreement_allows(a, "urgent", "inquiry", "flash", 10, TLP_AMBER, why),
			    ST_LINK);
			assert_string_equal(why, "links.urgent.templates does not include \"inquiry\"");
			/* a statement about a message travels where the message did */
			EXPECT(agreement_allows(a, "urgent", "desk.ack", "flash", 10, TLP_AMBER, why),
			    ST_OK);
			EXPECT(agreement_allows(a, "exercise", "desk.overdue", "routine", 10,
			    TLP_CLEAR, why), ST_OK);
			EXPECT(agreement_allows(a, "urgent", "desk.other", "flash", 10, TLP_AMBER,
			    why), ST_LINK);
		}
		agreement_free(a);
		json_decref(j);
	}
}

/* test_checks - version 2's scheduled communication checks. */
static void
test_checks(void **state)
{
	static const struct {
		const char *value;
		const char *why;	/* "": parses */
	} cases[] = {
		{ "{\"link\":\"urgent\",\"machine_every\":\"PT5M\",\"human_window\":"
		    "{\"from\":\"08:00\",\"to\":\"17:30\"}}", "" },
		{ "{\"link\":\"urgent\",\"machine_every\":\"PT5M\"}", "" },
		{ "{\"link\":\"urgent\"}", "checks: schedules nothing" },
		{ "{\"link\":\"cert\",\"machine_every\":\"PT5M\"}",
		    "checks.link: links.cert.templates does not list comm-check" },
		{ "{\"link\":\"ops\",\"machine_every\":\"PT5M\"}",
		    "checks.link: \"ops\" is not among links" },
		{ "{\"link\":\"urgent\",\"machine_every\":\"PT30S\"}",
		    "checks.machine_every: shorter than a minute" },
		{ "{\"link\":\"urgent\",\"human_window\":{\"from\":\"17:00\",\"to\":\"08:00\"}}",
		    "checks.human_window.to: not after from" },
		{ "{\"link\":\"urgent\",\"human_window\":{\"from\":\"8:00\",\"to\":\"18:00\"}}",
		    "checks.human_window.from: not a time of day" },
		{ "{\"link\":\"urgent\",\"human_window\":{\"from\":\"08:00\",\"to\":\"25:00\"}}",
		    "checks.human_window.to: not a time of day" },
		{ "{\"link\":\"urgent\",\"machine_every\":\"PT5M\",\"every\":1}",
		    "checks.every: unknown member" },
	};
	struct agreement_checks c;
	char why[AGREEMENT_WHY_MAX];
	struct agreement *a;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = example(), *u;

		json_object_set_new(j, "v", json_integer(2));
		u = json_object_get(json_object_get(j, "links"), "urgent");
		json_object_set_new(u, "templates", json_pack("[s]", "comm-check"));
		json_object_set_new(u, "types", json_pack("[s]", "notification"));
		json_object_set_new(j, "checks", json_loads(cases[i].value, 0, NULL));
		a = NULL;
		status rc = parse_j(j, &a, why);
		if ((cases[i].why[0] == '\0') != (rc == ST_OK) ||
		    strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("case %zu: got \"%s\" (%s), want \"%s\"", i, why,
			    status_str(rc), cases[i].why);
		if (i == 0) {
			EXPECT(agreement_checks(a, &c), ST_OK);
			assert_string_equal(c.link, "urgent");
			assert_int_equal(c.machine_every_s, 300);
			assert_true(c.has_human);
			assert_int_equal(c.human_from_min, 480);
			assert_int_equal(c.human_to_min, 1050);
		}
		agreement_free(a);
		json_decref(j);
	}
	/* version 1 has no checks; an agreement without them schedules none */
	a = parsed_example();
	EXPECT(agreement_checks(a, &c), ST_NOTFOUND);
	agreement_free(a);
}

/* ---- drafts ------------------------------------------------------------ */

static void
test_draft(void **state)
{
	struct agreement_party ps[3];
	char why[AGREEMENT_WHY_MAX], id[STAMP_UUID_LEN], long_name[CARD_NAME_MAX + 1];
	struct agreement_sigs r;
	struct agreement *a;
	struct buf d, doc;
	int64_t s, eff;

	(void)state;
	memset(ps, 0, sizeof ps);
	snprintf(ps[0].name, sizeof ps[0].name, "alpha");
	snprintf(ps[0].kid, sizeof ps[0].kid, "%s", ident_kid(alice));
	snprintf(ps[1].name, sizeof ps[1].name, "bravo");
	snprintf(ps[1].kid, sizeof ps[1].kid, "%s", ident_kid(bob));
	snprintf(ps[2].name, sizeof ps[2].name, "charlie");
	snprintf(ps[2].kid, sizeof ps[2].kid, "%s", ident_kid(carol));
	stamp_uuid7(id);
	EXPECT(stamp_parse("2026-12-24T12:00:00.250Z", &eff), ST_OK);
	buf_init(&d, AGREEMENT_PAYLOAD_MAX);
	EXPECT(agreement_draft(ps, 2, NULL, id, eff, &d, why), ST_OK);
	assert_int_equal(d.p[d.len - 1], '\n');
	EXPECT(agreement_parse(d.p, d.len, &a, why), ST_OK);
	assert_string_equal(agreement_id(a), id);
	assert_string_equal(agreement_title(a), "Agreement between alpha and bravo");
	assert_null(agreement_supersedes(a));
	assert_int_equal(agreement_effective_ms(a), eff);
	assert_int_equal(agreement_expires_ms(a), AGREEMENT_NEVER);
	assert_int_equal(agreement_notice_s(a), 30 * 86400);
	assert_int_equal(agreement_n_links(a), 4);
	assert_string_equal(agreement_link_at(a, 0), "cert");
	EXPECT(agreement_deadline(a, "urgent", "flash", AGREEMENT_ACK, &s), ST_OK);
	assert_int_equal(s, 600);
	EXPECT(agreement_allows(a, "urgent", "comm-check", "flash", 1048576, TLP_AMBER, why), ST_OK);
	EXPECT(agreement_allows(a, "cert", "indicator", "routine", 10, TLP_RED, why), ST_LINK);
	EXPECT(agreement_allows(a, "leaders", "message", "flash", 10, TLP_RED, why), ST_OK);
	EXPECT(agreement_allows(a, "wg", "minutes", "routine", 10, TLP_AMBER, why), ST_LINK);
	assert_false(agreement_data(a)->critical_infrastructure);
	assert_int_equal(agreement_data(a)->personal_data, AGREEMENT_PD_REFUSE);
	assert_int_equal(agreement_data(a)->onward_transfer, AGREEMENT_ONWARD_NEVER);
	agreement_free(a);

	/* a draft is something to sign */
	buf_init(&doc, AGREEMENT_DOC_MAX);
	EXPECT(agreement_sign(bob, d.p, d.len, &doc, why), ST_OK);
	EXPECT(agreement_verify(doc.p, doc.len, lookup, &all_keys, NULL, &r, why), ST_OK);
	assert_int_equal(r.signed_by[1], 1);
	buf_free(&doc);

	/* three parties; a title given; titles too long for the default */
	buf_reset(&d);
	EXPECT(agreement_draft(ps, 3, "Regional accord", id, eff, &d, why), ST_OK);
	EXPECT(agreement_parse(d.p, d.len, &a, why), ST_OK);
	assert_string_equal(agreement_title(a), "Regional accord");
	agreement_free(a);
	buf_reset(&d);
	EXPECT(agreement_draft(ps, 3, NULL, id, eff, &d, why), ST_OK);
	EXPECT(agreement_parse(d.p, d.len, &a, why), ST_OK);
	assert_string_equal(agreement_title(a), "Agreement between alpha, bravo and charlie");
	agreement_free(a);
	memset(long_name, 'n', CARD_NAME_MAX);
	long_name[CARD_NAME_MAX] = '\0';
	for (int i = 0; i < 3; i++) {
		memcpy(ps[i].name, long_name, sizeof long_name);
		ps[i].name[0] = (char)('a' + i);
	}
	buf_reset(&d);
	EXPECT(agreement_draft(ps, 3, NULL, id, eff, &d, why), ST_OK);
	EXPECT(agreement_parse(d.p, d.len, &a, why), ST_OK);
	assert_string_equal(agreement_title(a), "Agreement between 3 parties");
	agreement_free(a);

	/* what the parser would refuse is not drafted */
	buf_reset(&d);
	expect_why(agreement_draft(ps, 1, NULL, id, eff, &d, why), ST_INVALID, why,
	    "parties: fewer than 2 elements");
	expect_why(agreement_draft(ps, 2, NULL, "not-an-id", eff, &d, why), ST_INVALID, why,
	    "id: not a UUIDv7");
	snprintf(ps[1].name, sizeof ps[1].name, "Bravo");
	expect_why(agreement_draft(ps, 2, NULL, id, eff, &d, why), ST_INVALID, why,
	    "parties[1].name: not a node name");
	expect_why(agreement_draft(ps, 2, "bad\xff", id, eff, &d, why), ST_INVALID, why,
	    "(draft)");
	assert_int_equal(d.len, 0);
	buf_free(&d);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	alice = testkey();
	bob = testkey();
	carol = testkey();
	mallory = testkey();
	everyone[0] = alice;
	everyone[1] = bob;
	everyone[2] = carol;
	everyone[3] = mallory;	/* a key at hand is not a party's for that */
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	ident_free(carol);
	ident_free(mallory);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_not_a_payload),
		cmocka_unit_test(test_why_is_safe),
		cmocka_unit_test(test_sign_and_countersign),
		cmocka_unit_test(test_canonical_payload),
		cmocka_unit_test(test_foreign_layout),
		cmocka_unit_test(test_refused_signatures),
		cmocka_unit_test(test_forged_and_changed),
		cmocka_unit_test(test_document_shape),
		cmocka_unit_test(test_three_parties),
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_in_force_at),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_draft),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
