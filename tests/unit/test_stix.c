/* test_stix.c - STIX 2.1 objects as stix_read reads them: a valid object
 * of every type the specification defines accepted, and each rule broken
 * in turn refused with a reason naming the property and the rule (a table
 * of named cases, the refusals first-class); documents refused whole
 * (truncated JSON, a member twice, bundles gone wrong, the limits); the
 * version of each kind of object; TLP labels from TLP 1.0 and 2.0
 * markings, mixed, the highest winning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/stix.h"
#include "util/stamp.h"
#include "testcheck.h"

/* The objects below are written with ' for " (dq turns them back). */
#define U4 "11111111-2222-4333-8444-555555555555"
#define U5 "11111111-2222-5333-8444-555555555555"
#define T0 "2024-01-02T03:04:05.678Z"
#define T1 "2024-03-04T05:06:07.890Z"
#define SDO(type, rest) "{'type':'" type "','spec_version':'2.1','id':'" type "--" U4 \
	"','created':'" T0 "','modified':'" T0 "'" rest "}"
#define SCO(type, rest) "{'type':'" type "','spec_version':'2.1','id':'" type "--" U5 "'" \
	rest "}"

#define ATTACK_PATTERN SDO("attack-pattern", ",'name':'Spearphishing'")
#define CAMPAIGN SDO("campaign", ",'name':'Operation X'")
#define COURSE SDO("course-of-action", ",'name':'Patch'")
#define GROUPING SDO("grouping", ",'context':'suspicious-activity'," \
	"'object_refs':['indicator--" U4 "']")
#define IDENTITY SDO("identity", ",'name':'CERT-A','identity_class':'organization'")
#define INCIDENT SDO("incident", ",'name':'Outage'")
#define INDICATOR SDO("indicator", ",'pattern':'[file:size = 25]','pattern_type':'stix'," \
	"'valid_from':'" T0 "'")
#define INFRA SDO("infrastructure", ",'name':'C2'")
#define INTRUSION SDO("intrusion-set", ",'name':'APT0'")
#define LOCATION SDO("location", ",'region':'europe'")
#define MALWARE SDO("malware", ",'is_family':false")
#define ANALYSIS SDO("malware-analysis", ",'product':'av','result':'malicious'")
#define NOTE SDO("note", ",'content':'seen','object_refs':['malware--" U4 "']")
#define OBSERVED SDO("observed-data", ",'first_observed':'" T0 "','last_observed':'" T1 "'," \
	"'number_observed':1,'object_refs':['ipv4-addr--" U5 "']")
#define OPINION SDO("opinion", ",'opinion':'agree','object_refs':['report--" U4 "']")
#define REPORT SDO("report", ",'name':'Weekly','published':'" T1 "'," \
	"'object_refs':['indicator--" U4 "']")
#define ACTOR SDO("threat-actor", ",'name':'Mallory'")
#define TOOL SDO("tool", ",'name':'nmap'")
#define VULN SDO("vulnerability", ",'name':'CVE-2014-0160','external_references':" \
	"[{'source_name':'cve','external_id':'CVE-2014-0160'}]")
#define RELATIONSHIP SDO("relationship", ",'relationship_type':'uses'," \
	"'source_ref':'malware--" U4 "','target_ref':'attack-pattern--" U4 "'")
#define SIGHTING SDO("sighting", ",'sighting_of_ref':'indicator--" U4 "'")
#define LANGUAGE SDO("language-content", ",'object_ref':'campaign--" U4 "'," \
	"'contents':{'de':{'name':'Operation X'}}")
#define EXTDEF SDO("extension-definition", ",'created_by_ref':'identity--" U4 "'," \
	"'name':'ext','schema':'https://example.com/s.json','version':'1.0.0'," \
	"'extension_types':['property-extension']")
#define MARKING "{'type':'marking-definition','spec_version':'2.1','id':" \
	"'marking-definition--" U4 "','created':'" T0 "','definition_type':'statement'," \
	"'definition':{'statement':'Copyright 2024'}}"
#define CUSTOM SDO("x-example-thing", ",'x_example_score':10")

#define ARTIFACT SCO("artifact", ",'payload_bin':'aGVsbG8='")
#define ASN SCO("autonomous-system", ",'number':64496")
#define DIRECTORY SCO("directory", ",'path':'/tmp'")
#define DOMAIN SCO("domain-name", ",'value':'example.com'")
#define EMAIL_ADDR SCO("email-addr", ",'value':'a@example.com'")
#define EMAIL_MSG SCO("email-message", ",'is_multipart':false")
#define FILE_ SCO("file", ",'name':'a.exe'")
#define IPV4 SCO("ipv4-addr", ",'value':'198.51.100.1'")
#define IPV6 SCO("ipv6-addr", ",'value':'2001:db8::1'")
#define MAC SCO("mac-addr", ",'value':'aa:bb:cc:dd:ee:0f'")
#define MUTEX SCO("mutex", ",'name':'m'")
#define NETFLOW SCO("network-traffic", ",'protocols':['tcp'],'src_ref':'ipv4-addr--" U5 "'")
#define PROCESS SCO("process", ",'pid':42")
#define SOFTWARE SCO("software", ",'name':'Word'")
#define URL SCO("url", ",'value':'https://example.com/'")
#define ACCOUNT SCO("user-account", ",'user_id':'1001'")
#define REGKEY SCO("windows-registry-key", ",'key':'HKEY_LOCAL_MACHINE\\\\Software'")
#define X509 SCO("x509-certificate", ",'serial_number':'01'")

/* dq - s with every ' as ", the caller's to free. */
static char *
dq(const char *s)
{
	char *r = strdup(s);

	assert_non_null(r);
	for (char *p = r; *p; p++)
		if (*p == '\'')
			*p = '"';
	return r;
}

/* read_text - stix_read text, which must give ST_OK. */
static struct stix_doc *
read_text(const char *text, size_t n)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d = NULL;

	if (stix_read(text, n, &d, why) != ST_OK)
		fail_msg("document refused: %s", why);
	assert_string_equal(why, "");
	return d;
}

/* A case: base, with each edit ("-name" removes a property, "name=JSON"
 * sets one; ' for "), is accepted (want NULL) or refused with a reason
 * holding want. */
struct tcase {
	const char *name, *base, *edit[4], *want;
};

/* edited - c's object as text (the caller's to free). */
static char *
edited(const struct tcase *c)
{
	char *base = dq(c->base), *text;
	json_error_t err;
	json_t *o = json_loads(base, 0, &err);

	if (!o)
		fail_msg("%s: base is not JSON: %s", c->name, err.text);
	for (int i = 0; i < 4 && c->edit[i]; i++) {
		const char *e = c->edit[i], *eq = strchr(e, '=');

		if (e[0] == '-') {
			if (json_object_del(o, e + 1) != 0)
				fail_msg("%s: no %s to remove", c->name, e + 1);
		} else {
			char *key, *val;
			json_t *v;

			assert_non_null(eq);
			key = strndup(e, (size_t)(eq - e));
			val = dq(eq + 1);
			v = json_loads(val, JSON_DECODE_ANY, &err);
			if (!v)
				fail_msg("%s: edit %s is not JSON: %s", c->name, e, err.text);
			json_object_set_new(o, key, v);
			free(key);
			free(val);
		}
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(base);
	return text;
}

static void
run(const struct tcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct tcase *c = &cases[i];
		char *text = edited(c);
		struct stix_doc *d = read_text(text, strlen(text));
		const struct stix_obj *o = stix_at(d, 0);

		assert_int_equal(stix_count(d), 1);
		if (!c->want && !o->ok)
			fail_msg("%s: refused: %s\n  %s", c->name, o->why, text);
		if (c->want && o->ok)
			fail_msg("%s: accepted, want a refusal holding '%s'\n  %s", c->name, c->want,
			    text);
		if (c->want && !strstr(o->why, c->want))
			fail_msg("%s: reason '%s' does not hold '%s'", c->name, o->why, c->want);
		if (c->want) {
			for (const char *p = o->why; *p; p++)
				if (*p < 0x20 || *p > 0x7e)
					fail_msg("%s: reason not printable ASCII", c->name);
			assert_int_equal(stix_refused(d), 1);
		} else {
			assert_null(o->why);
			assert_int_equal(stix_refused(d), 0);
		}
		stix_free(d);
		free(text);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- every type: valid, and each required property ------------------- */

static void
test_every_type_valid(void **state)
{
	static const struct tcase cases[] = {
		{ "attack-pattern", ATTACK_PATTERN, { NULL }, NULL },
		{ "campaign", CAMPAIGN, { NULL }, NULL },
		{ "course-of-action", COURSE, { NULL }, NULL },
		{ "grouping", GROUPING, { NULL }, NULL },
		{ "identity", IDENTITY, { NULL }, NULL },
		{ "incident", INCIDENT, { NULL }, NULL },
		{ "indicator", INDICATOR, { NULL }, NULL },
		{ "infrastructure", INFRA, { NULL }, NULL },
		{ "intrusion-set", INTRUSION, { NULL }, NULL },
		{ "location", LOCATION, { NULL }, NULL },
		{ "malware", MALWARE, { NULL }, NULL },
		{ "malware-analysis", ANALYSIS, { NULL }, NULL },
		{ "note", NOTE, { NULL }, NULL },
		{ "observed-data", OBSERVED, { NULL }, NULL },
		{ "opinion", OPINION, { NULL }, NULL },
		{ "report", REPORT, { NULL }, NULL },
		{ "threat-actor", ACTOR, { NULL }, NULL },
		{ "tool", TOOL, { NULL }, NULL },
		{ "vulnerability", VULN, { NULL }, NULL },
		{ "relationship", RELATIONSHIP, { NULL }, NULL },
		{ "sighting", SIGHTING, { NULL }, NULL },
		{ "language-content", LANGUAGE, { NULL }, NULL },
		{ "extension-definition", EXTDEF, { NULL }, NULL },
		{ "marking-definition", MARKING, { NULL }, NULL },
		{ "custom", CUSTOM, { NULL }, NULL },
		{ "artifact", ARTIFACT, { NULL }, NULL },
		{ "autonomous-system", ASN, { NULL }, NULL },
		{ "directory", DIRECTORY, { NULL }, NULL },
		{ "domain-name", DOMAIN, { NULL }, NULL },
		{ "email-addr", EMAIL_ADDR, { NULL }, NULL },
		{ "email-message", EMAIL_MSG, { NULL }, NULL },
		{ "file", FILE_, { NULL }, NULL },
		{ "ipv4-addr", IPV4, { NULL }, NULL },
		{ "ipv6-addr", IPV6, { NULL }, NULL },
		{ "mac-addr", MAC, { NULL }, NULL },
		{ "mutex", MUTEX, { NULL }, NULL },
		{ "network-traffic", NETFLOW, { NULL }, NULL },
		{ "process", PROCESS, { NULL }, NULL },
		{ "software", SOFTWARE, { NULL }, NULL },
		{ "url", URL, { NULL }, NULL },
		{ "user-account", ACCOUNT, { NULL }, NULL },
		{ "windows-registry-key", REGKEY, { NULL }, NULL },
		{ "x509-certificate", X509, { NULL }, NULL },
	};

	(void)state;
	run(cases, N(cases));
}

static void
test_required_properties(void **state)
{
	static const struct tcase cases[] = {
		/* the common ones, by kind */
		{ "sdo type", TOOL, { "-type" }, "\"type\" is required" },
		{ "sdo id", TOOL, { "-id" }, "\"id\" is required" },
		{ "sdo spec_version", TOOL, { "-spec_version" }, "\"spec_version\" is required" },
		{ "sdo created", TOOL, { "-created" }, "\"created\" is required" },
		{ "sdo modified", TOOL, { "-modified" }, "\"modified\" is required" },
		{ "sro created", RELATIONSHIP, { "-created" }, "\"created\" is required" },
		{ "sro modified", SIGHTING, { "-modified" }, "\"modified\" is required" },
		{ "sco spec_version optional", IPV4, { "-spec_version" }, NULL },
		{ "sco id", IPV4, { "-id" }, "\"id\" is required" },
		{ "marking created", MARKING, { "-created" }, "\"created\" is required" },
		{ "marking spec_version", MARKING, { "-spec_version" }, "\"spec_version\" is required" },
		{ "language-content modified", LANGUAGE, { "-modified" }, "\"modified\" is required" },
		{ "extension-definition created_by_ref", EXTDEF, { "-created_by_ref" },
		    "\"created_by_ref\" is required" },
		{ "custom sdo spec_version", CUSTOM, { "-spec_version" },
		    "\"spec_version\" is required" },
		{ "custom sdo modified", CUSTOM, { "-modified" }, "\"modified\" is required" },
		{ "custom sco: type and id alone", CUSTOM, { "-spec_version", "-created", "-modified" },
		    NULL },
		/* section 4 */
		{ "attack-pattern name", ATTACK_PATTERN, { "-name" }, "\"name\" is required" },
		{ "campaign name", CAMPAIGN, { "-name" }, "\"name\" is required" },
		{ "course-of-action name", COURSE, { "-name" }, "\"name\" is required" },
		{ "grouping context", GROUPING, { "-context" }, "\"context\" is required" },
		{ "grouping object_refs", GROUPING, { "-object_refs" }, "\"object_refs\" is required" },
		{ "grouping with a name", GROUPING, { "name='Weekly'" }, NULL },
		{ "identity name", IDENTITY, { "-name" }, "\"name\" is required" },
		{ "incident name", INCIDENT, { "-name" }, "\"name\" is required" },
		{ "indicator pattern", INDICATOR, { "-pattern" }, "\"pattern\" is required" },
		{ "indicator pattern_type", INDICATOR, { "-pattern_type" },
		    "\"pattern_type\" is required" },
		{ "indicator valid_from", INDICATOR, { "-valid_from" }, "\"valid_from\" is required" },
		{ "infrastructure name", INFRA, { "-name" }, "\"name\" is required" },
		{ "intrusion-set name", INTRUSION, { "-name" }, "\"name\" is required" },
		{ "malware is_family", MALWARE, { "-is_family" }, "\"is_family\" is required" },
		{ "malware family name", MALWARE, { "is_family=true" },
		    "\"name\" is required of a malware family" },
		{ "malware family with name", MALWARE, { "is_family=true", "name='Emotet'" }, NULL },
		{ "malware-analysis product", ANALYSIS, { "-product" }, "\"product\" is required" },
		{ "malware-analysis result or refs", ANALYSIS, { "-result" },
		    "neither \"result\" nor \"analysis_sco_refs\"" },
		{ "malware-analysis analysis_sco_refs", ANALYSIS,
		    { "-result", "analysis_sco_refs=['file--" U5 "']" }, NULL },
		{ "note content", NOTE, { "-content" }, "\"content\" is required" },
		{ "note object_refs", NOTE, { "-object_refs" }, "\"object_refs\" is required" },
		{ "observed-data first_observed", OBSERVED, { "-first_observed" },
		    "\"first_observed\" is required" },
		{ "observed-data last_observed", OBSERVED, { "-last_observed" },
		    "\"last_observed\" is required" },
		{ "observed-data number_observed", OBSERVED, { "-number_observed" },
		    "\"number_observed\" is required" },
		{ "observed-data neither objects nor refs", OBSERVED, { "-object_refs" },
		    "neither of \"objects\" and \"object_refs\"" },
		{ "observed-data both", OBSERVED,
		    { "objects={'0':{'type':'ipv4-addr','value':'198.51.100.1'}}" },
		    "both of \"objects\" and \"object_refs\"" },
		{ "observed-data objects (deprecated)", OBSERVED,
		    { "-object_refs", "objects={'0':{'type':'ipv4-addr','value':'198.51.100.1'}}" },
		    NULL },
		{ "opinion opinion", OPINION, { "-opinion" }, "\"opinion\" is required" },
		{ "opinion object_refs", OPINION, { "-object_refs" }, "\"object_refs\" is required" },
		{ "report name", REPORT, { "-name" }, "\"name\" is required" },
		{ "report published", REPORT, { "-published" }, "\"published\" is required" },
		{ "report object_refs", REPORT, { "-object_refs" }, "\"object_refs\" is required" },
		{ "threat-actor name", ACTOR, { "-name" }, "\"name\" is required" },
		{ "tool name", TOOL, { "-name" }, "\"name\" is required" },
		{ "vulnerability name", VULN, { "-name" }, "\"name\" is required" },
		/* section 5 */
		{ "relationship relationship_type", RELATIONSHIP, { "-relationship_type" },
		    "\"relationship_type\" is required" },
		{ "relationship source_ref", RELATIONSHIP, { "-source_ref" },
		    "\"source_ref\" is required" },
		{ "relationship target_ref", RELATIONSHIP, { "-target_ref" },
		    "\"target_ref\" is required" },
		{ "sighting sighting_of_ref", SIGHTING, { "-sighting_of_ref" },
		    "\"sighting_of_ref\" is required" },
		/* section 7 */
		{ "language-content object_ref", LANGUAGE, { "-object_ref" },
		    "\"object_ref\" is required" },
		{ "language-content contents", LANGUAGE, { "-contents" }, "\"contents\" is required" },
		{ "marking definition", MARKING, { "-definition" }, "\"definition\" is required" },
		{ "marking definition_type", MARKING, { "-definition_type" },
		    "\"definition_type\" is required" },
		{ "extension-definition name", EXTDEF, { "-name" }, "\"name\" is required" },
		{ "extension-definition schema", EXTDEF, { "-schema" }, "\"schema\" is required" },
		{ "extension-definition version", EXTDEF, { "-version" }, "\"version\" is required" },
		{ "extension-definition extension_types", EXTDEF, { "-extension_types" },
		    "\"extension_types\" is required" },
		/* section 6 */
		{ "artifact neither", ARTIFACT, { "-payload_bin" },
		    "neither of \"payload_bin\" and \"url\"" },
		{ "artifact url needs hashes", ARTIFACT, { "-payload_bin", "url='https://x.example/a'" },
		    "\"url\" without \"hashes\"" },
		{ "autonomous-system number", ASN, { "-number" }, "\"number\" is required" },
		{ "directory path", DIRECTORY, { "-path" }, "\"path\" is required" },
		{ "domain-name value", DOMAIN, { "-value" }, "\"value\" is required" },
		{ "email-addr value", EMAIL_ADDR, { "-value" }, "\"value\" is required" },
		{ "email-message is_multipart", EMAIL_MSG, { "-is_multipart" },
		    "\"is_multipart\" is required" },
		{ "file hashes or name", FILE_, { "-name" }, "neither \"hashes\" nor \"name\"" },
		{ "file hashes alone", FILE_, { "-name", "hashes={'SHA-256':'ab'}" }, NULL },
		{ "ipv4-addr value", IPV4, { "-value" }, "\"value\" is required" },
		{ "ipv6-addr value", IPV6, { "-value" }, "\"value\" is required" },
		{ "mac-addr value", MAC, { "-value" }, "\"value\" is required" },
		{ "mutex name", MUTEX, { "-name" }, "\"name\" is required" },
		{ "network-traffic protocols", NETFLOW, { "-protocols" }, "\"protocols\" is required" },
		{ "network-traffic src or dst", NETFLOW, { "-src_ref" },
		    "neither \"src_ref\" nor \"dst_ref\"" },
		{ "process one property", PROCESS, { "-pid" }, "no property of its own" },
		{ "software name", SOFTWARE, { "-name" }, "\"name\" is required" },
		{ "url value", URL, { "-value" }, "\"value\" is required" },
		{ "user-account one property", ACCOUNT, { "-user_id" }, "no property of its own" },
		{ "registry key one property", REGKEY, { "-key" }, "no property of its own" },
		{ "x509 one property", X509, { "-serial_number" }, "no property of its own" },
	};

	(void)state;
	run(cases, N(cases));
}

/* ---- types, identifiers, names ---------------------------------------- */

static void
test_types_and_ids(void **state)
{
	static const struct tcase cases[] = {
		{ "type not a string", TOOL, { "type=5" }, "\"type\" is not a string" },
		{ "type upper case", TOOL, { "type='Tool'" }, "\"type\" is not a type name" },
		{ "type double hyphen", TOOL, { "type='x--tool'" }, "\"type\" is not a type name" },
		{ "type too short", TOOL, { "type='xt'" }, "\"type\" is not a type name" },
		{ "type ends in hyphen", TOOL, { "type='x-tool-'" }, "\"type\" is not a type name" },
		{ "type starts with a digit", TOOL, { "type='9tool'" }, "\"type\" is not a type name" },
		{ "type with underscore", TOOL, { "type='x_tool'" }, "\"type\" is not a type name" },
		{ "type 251 characters", TOOL,
		    { "type='x" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'" },
		    "\"type\" is not a type name" },
		{ "id of another type", TOOL, { "id='malware--" U4 "'" },
		    "\"id\" is not type--UUID of this object's type" },
		{ "id not a string", TOOL, { "id=7" }, "\"id\" is not type--UUID" },
		{ "id without uuid", TOOL, { "id='tool--'" }, "\"id\" is not type--UUID" },
		{ "id one dash", TOOL, { "id='tool-" U4 "'" }, "\"id\" is not type--UUID" },
		{ "id uuid version 0", TOOL, { "id='tool--11111111-2222-0333-8444-555555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid version 6", TOOL, { "id='tool--11111111-2222-6333-8444-555555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid variant c", TOOL, { "id='tool--11111111-2222-4333-c444-555555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid not hex", TOOL, { "id='tool--1111111g-2222-4333-8444-555555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid short", TOOL, { "id='tool--11111111-2222-4333-8444-55555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid long", TOOL, { "id='tool--11111111-2222-4333-8444-5555555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid dashes moved", TOOL, { "id='tool--111111112-222-4333-8444-555555555555'" },
		    "\"id\" is not type--UUID" },
		{ "id uuid version 1", TOOL, { "id='tool--11111111-2222-1333-a444-555555555555'" },
		    NULL },
		{ "id uuid version 5", TOOL, { "id='tool--11111111-2222-5333-b444-555555555555'" },
		    NULL },
		{ "id uuid upper case", TOOL, { "id='tool--ABCDEF11-2222-4333-B444-555555555555'" },
		    NULL },
		{ "custom type x-", CUSTOM, { NULL }, NULL },
		{ "custom type without x-", TOOL, { "type='acme-tool'", "id='acme-tool--" U4 "'" },
		    NULL },
		{ "property name upper case", TOOL, { "Name='n'" }, "property \"Name\" is not a "
		    "property name" },
		{ "property name with hyphen", TOOL, { "x-score=1" }, "property \"x-score\" is not" },
		{ "property name too short", TOOL, { "xy=1" }, "property \"xy\" is not" },
		{ "property name digit first", TOOL, { "9abc=1" }, "property \"9abc\" is not" },
		{ "reserved severity", TOOL, { "severity='high'" }, "\"severity\" is a reserved" },
		{ "reserved action", COURSE, { "action='x'" }, "\"action\" is a reserved" },
		{ "reserved phone_number", IDENTITY, { "phone_number='1'" },
		    "\"phone_number\" is a reserved" },
		{ "reserved username", ACCOUNT, { "username='u'" }, "\"username\" is a reserved" },
		{ "custom property", TOOL, { "x_acme_score={'a':[1,2]}" }, NULL },
		{ "custom property null", TOOL, { "x_acme_score=null" }, "\"x_acme_score\" is null" },
		{ "custom property empty list", TOOL, { "x_acme_tags=[]" }, "\"x_acme_tags\" is an "
		    "empty list" },
		{ "custom property holding an empty list", TOOL, { "x_acme_tags=[[]]" }, NULL },
		{ "description null", TOOL, { "description=null" }, "\"description\" is null" },
		{ "custom _hex", TOOL, { "x_acme_flags_hex='00ff'" }, NULL },
		{ "custom _hex odd", TOOL, { "x_acme_flags_hex='0ff'" }, "\"x_acme_flags_hex\" is "
		    "not hex" },
		{ "custom _hex upper", TOOL, { "x_acme_flags_hex='00FF'" }, "is not hex" },
		{ "custom _bin", TOOL, { "x_acme_blob_bin='aGk='" }, NULL },
		{ "custom _bin bad", TOOL, { "x_acme_blob_bin='a*k='" }, "is not base64" },
		{ "custom _bin unpadded", TOOL, { "x_acme_blob_bin='aGk'" }, "is not base64" },
	};

	(void)state;
	run(cases, N(cases));
}

/* ---- spec_version and times ------------------------------------------- */

static void
test_versions_and_times(void **state)
{
	static const struct tcase cases[] = {
		{ "spec_version 2.0", TOOL, { "spec_version='2.0'" }, "\"spec_version\" is not "
		    "\"2.1\"" },
		{ "spec_version number", TOOL, { "spec_version=2.1" }, "\"spec_version\" is not" },
		{ "sco spec_version 2.0", IPV4, { "spec_version='2.0'" }, "\"spec_version\" is not" },
		{ "created not a string", TOOL, { "created=1704164645678" }, "\"created\" is not a "
		    "timestamp string" },
		{ "created without ms", TOOL, { "created='2024-01-02T03:04:05Z'",
		    "modified='2024-01-02T03:04:05Z'" }, "\"created\" is less precise than milliseconds" },
		{ "modified with 2 digits", TOOL, { "modified='2024-01-02T03:04:05.67Z'" },
		    "\"modified\" is less precise" },
		{ "created with microseconds", TOOL, { "created='2024-01-02T03:04:05.678901Z'",
		    "modified='2024-01-02T03:04:05.678901Z'" }, NULL },
		{ "created with a space", TOOL, { "created='2024-01-02 03:04:05.678Z'" },
		    "\"created\" is not an RFC 3339 UTC timestamp" },
		{ "created lower case z", TOOL, { "created='2024-01-02T03:04:05.678z'" },
		    "\"created\" is not an RFC 3339" },
		{ "created with an offset", TOOL, { "created='2024-01-02T03:04:05.678+00:00'" },
		    "\"created\" is not an RFC 3339" },
		{ "created point without digits", TOOL, { "created='2024-01-02T03:04:05.Z'" },
		    "\"created\" is not an RFC 3339" },
		{ "created February 30", TOOL, { "created='2024-02-30T03:04:05.678Z'" },
		    "\"created\" is not an RFC 3339" },
		{ "created 29 February, not a leap year", TOOL,
		    { "created='2023-02-29T03:04:05.678Z'" }, "\"created\" is not an RFC 3339" },
		{ "created 29 February, leap year", TOOL, { "created='2024-02-29T03:04:05.678Z'",
		    "modified='2024-02-29T03:04:05.678Z'" }, NULL },
		{ "created hour 24", TOOL, { "created='2024-01-02T24:00:00.000Z'" },
		    "\"created\" is not an RFC 3339" },
		{ "created month 13", TOOL, { "created='2024-13-02T03:04:05.678Z'" },
		    "\"created\" is not an RFC 3339" },
		{ "created leap second", TOOL, { "created='2016-12-31T23:59:60.000Z'" }, NULL },
		{ "created truncated", TOOL, { "created='2024-01-02T03:04'" },
		    "\"created\" is not an RFC 3339" },
		{ "valid_from without fraction", INDICATOR, { "valid_from='2024-01-02T03:04:05Z'" },
		    NULL },
		{ "valid_from bad", INDICATOR, { "valid_from='yesterday'" },
		    "\"valid_from\" is not an RFC 3339" },
		{ "modified earlier than created", TOOL, { "modified='2024-01-02T03:04:05.677Z'" },
		    "\"modified\" is earlier than \"created\"" },
		{ "modified earlier below the ms", TOOL, { "created='2024-01-02T03:04:05.6781Z'",
		    "modified='2024-01-02T03:04:05.67809Z'" }, "\"modified\" is earlier than" },
		{ "modified equal in other digits", TOOL, { "created='2024-01-02T03:04:05.6780Z'",
		    "modified='2024-01-02T03:04:05.678Z'" }, NULL },
		{ "modified later", TOOL, { "modified='" T1 "'" }, NULL },
		{ "modified earlier on an SCO", IPV4, { "created='" T1 "'", "modified='" T0 "'" },
		    "\"modified\" is earlier than \"created\"" },
		{ "last_seen before first_seen", CAMPAIGN, { "first_seen='" T1 "'",
		    "last_seen='" T0 "'" }, "\"last_seen\" is earlier than \"first_seen\"" },
		{ "last_seen equal first_seen", ACTOR, { "first_seen='" T0 "'", "last_seen='" T0 "'" },
		    NULL },
		{ "valid_until equal valid_from", INDICATOR, { "valid_until='" T0 "'" },
		    "\"valid_until\" is not later than \"valid_from\"" },
		{ "valid_until later", INDICATOR, { "valid_until='" T1 "'" }, NULL },
		{ "stop_time before start_time", RELATIONSHIP, { "start_time='" T1 "'",
		    "stop_time='" T0 "'" }, "\"stop_time\" is not later than \"start_time\"" },
		{ "last_observed before first_observed", OBSERVED, { "first_observed='" T1 "'",
		    "last_observed='" T0 "'" }, "\"last_observed\" is earlier than" },
		{ "network-traffic end before start", NETFLOW, { "start='" T1 "'", "end='" T0 "'" },
		    "\"end\" is earlier than \"start\"" },
		{ "published a number", REPORT, { "published=5" }, "\"published\" is not a "
		    "timestamp string" },
	};

	(void)state;
	run(cases, N(cases));
}

/* ---- values: common shapes and per type ------------------------------- */

static void
test_values(void **state)
{
	static const struct tcase cases[] = {
		{ "revoked a string", TOOL, { "revoked='true'" }, "\"revoked\" is not a boolean" },
		{ "labels empty", TOOL, { "labels=[]" }, "\"labels\" is an empty list" },
		{ "labels of numbers", TOOL, { "labels=[1]" }, "\"labels\"[0] is not a string" },
		{ "labels a string", TOOL, { "labels='a'" }, "\"labels\" is not a list" },
		{ "confidence 101", TOOL, { "confidence=101" }, "\"confidence\" is not an integer "
		    "in 0..100" },
		{ "confidence 50", TOOL, { "confidence=50" }, NULL },
		{ "lang with underscore", TOOL, { "lang='en_US'" }, "\"lang\" is not an RFC 5646" },
		{ "lang en-US", TOOL, { "lang='en-US'" }, NULL },
		{ "external reference without source_name", TOOL,
		    { "external_references=[{'url':'https://x.example'}]" }, "has no \"source_name\"" },
		{ "external reference source_name alone", TOOL,
		    { "external_references=[{'source_name':'x'}]" }, "has none of \"description\"" },
		{ "external reference not an object", TOOL, { "external_references=['x']" },
		    "\"external_references\"[0] is not an object" },
		{ "external references empty", TOOL, { "external_references=[]" },
		    "\"external_references\" is an empty list" },
		{ "external reference url a number", TOOL,
		    { "external_references=[{'source_name':'x','url':5}]" }, ".url is not a string" },
		{ "cve without CVE id", VULN,
		    { "external_references=[{'source_name':'cve','external_id':'2014-0160'}]" },
		    "a \"cve\" source needs" },
		{ "cve with a leading zero", VULN,
		    { "external_references=[{'source_name':'cve','external_id':'CVE-2014-01600'}]" },
		    "a \"cve\" source needs" },
		{ "cve with 5 digits", VULN,
		    { "external_references=[{'source_name':'cve','external_id':'CVE-2014-10160'}]" },
		    NULL },
		{ "capec bad", ATTACK_PATTERN,
		    { "external_references=[{'source_name':'capec','external_id':'CAPEC-x'}]" },
		    "a \"capec\" source needs" },
		{ "capec good", ATTACK_PATTERN,
		    { "external_references=[{'source_name':'capec','external_id':'CAPEC-550'}]" },
		    NULL },
		{ "kill chain phase without phase_name", ATTACK_PATTERN,
		    { "kill_chain_phases=[{'kill_chain_name':'lmco'}]" }, "is not a kill-chain-phase" },
		{ "defanged on an SDO", TOOL, { "defanged=true" }, "\"defanged\" is only for SCOs" },
		{ "defanged on an SCO", IPV4, { "defanged=true" }, NULL },
		{ "extensions empty", TOOL, { "extensions={}" }, "\"extensions\" is not a non-empty" },
		{ "extension key bad", TOOL, { "extensions={'acme':{'a_b':1}}" },
		    "neither an extension-definition identifier nor a name ending in -ext" },
		{ "extension definition without extension_type", TOOL,
		    { "extensions={'extension-definition--" U4 "':{'rank':1}}" },
		    "has no \"extension_type\"" },
		{ "extension definition bad extension_type", TOOL,
		    { "extensions={'extension-definition--" U4 "':{'extension_type':'new'}}" },
		    "extension_type is not one of" },
		{ "extension definition good", TOOL,
		    { "extensions={'extension-definition--" U4 "':"
		    "{'extension_type':'property-extension','rank':1}}" }, NULL },
		{ "custom -ext extension", FILE_, { "extensions={'x-acme-ext':{'sid':'1'}}" }, NULL },
		{ "extension property name", FILE_, { "extensions={'ntfs-ext':{'SID':'1'}}" },
		    "has property \"SID\"" },
		{ "extension empty", FILE_, { "extensions={'ntfs-ext':{}}" }, "is not a non-empty "
		    "object" },
		{ "name a number", TOOL, { "name=5" }, "\"name\" is not a string" },
		{ "aliases empty", TOOL, { "aliases=[]" }, "\"aliases\" is an empty list" },
		{ "is_family a string", MALWARE, { "is_family='no'" }, "\"is_family\" is not a "
		    "boolean" },
		{ "number_observed 0", OBSERVED, { "number_observed=0" }, "\"number_observed\" is not "
		    "in 1..999999999" },
		{ "number_observed 1.5", OBSERVED, { "number_observed=1.5" }, "\"number_observed\" is "
		    "not an integer" },
		{ "observed-data objects empty", OBSERVED, { "-object_refs", "objects={}" },
		    "\"objects\" is an empty dictionary" },
		{ "observed-data objects without type", OBSERVED, { "-object_refs",
		    "objects={'0':{'value':'x'}}" }, "not an object with a \"type\"" },
		{ "count 1000000000", SIGHTING, { "count=1000000000" }, "\"count\" is not in" },
		{ "count 0", SIGHTING, { "count=0" }, NULL },
		{ "opinion not in the enumeration", OPINION, { "opinion='maybe'" }, "\"opinion\" is "
		    "not one of" },
		{ "relationship_type upper case", RELATIONSHIP, { "relationship_type='Uses'" },
		    "\"relationship_type\" is not of a-z" },
		{ "relationship_type empty", RELATIONSHIP, { "relationship_type=''" },
		    "\"relationship_type\" is empty" },
		{ "location nothing", LOCATION, { "-region" }, "none of \"region\", \"country\"" },
		{ "location country", LOCATION, { "-region", "country='AT'" }, NULL },
		{ "location latitude alone", LOCATION, { "latitude=48.2" }, "\"latitude\" without "
		    "\"longitude\"" },
		{ "location coordinates", LOCATION, { "-region", "latitude=48.2", "longitude=16.4",
		    "precision=100" }, NULL },
		{ "location latitude 91", LOCATION, { "latitude=91", "longitude=16.4" },
		    "\"latitude\" is not in -90..90" },
		{ "location longitude -181", LOCATION, { "latitude=1", "longitude=-181" },
		    "\"longitude\" is not in -180..180" },
		{ "location precision alone", LOCATION, { "precision=10" }, "\"precision\" without" },
		{ "mac-addr upper case", MAC, { "value='AA:bb:cc:dd:ee:0f'" }, "not a MAC-48" },
		{ "mac-addr short", MAC, { "value='aa:bb:cc:dd:ee'" }, "not a MAC-48" },
		{ "mac-addr long", MAC, { "value='aa:bb:cc:dd:ee:0f:00'" }, "not a MAC-48" },
		{ "network-traffic port 65536", NETFLOW, { "dst_port=65536" }, "\"dst_port\" is not "
		    "in 0..65535" },
		{ "network-traffic active with end", NETFLOW, { "is_active=true", "end='" T0 "'" },
		    "\"end\" while \"is_active\" is true" },
		{ "email body in multipart", EMAIL_MSG, { "is_multipart=true", "body='x'" },
		    "\"body\" in a multipart message" },
		{ "email body_multipart in single part", EMAIL_MSG,
		    { "body_multipart=[{'body':'x'}]" }, "\"body_multipart\" in a message that" },
		{ "artifact both", ARTIFACT, { "url='https://x.example/a'",
		    "hashes={'SHA-256':'ab'}" }, "both of \"payload_bin\" and \"url\"" },
		{ "artifact payload_bin not base64", ARTIFACT, { "payload_bin='%%%'" },
		    "\"payload_bin\" is not base64" },
		{ "artifact key without algorithm", ARTIFACT, { "decryption_key='k'" },
		    "\"decryption_key\" without" },
		{ "hashes key too short", FILE_, { "hashes={'MD':'ab'}" }, "\"hashes\" has key "
		    "\"MD\"" },
		{ "hashes value a number", FILE_, { "hashes={'SHA-256':5}" }, "holds a hash that is "
		    "not a string" },
		{ "file size negative", FILE_, { "size=-1" }, "\"size\" is not in 0.." },
		{ "language-content key", LANGUAGE, { "contents={'de_AT':{'name':'x'}}" },
		    "\"contents\" has key \"de_AT\"" },
		{ "language-content value", LANGUAGE, { "contents={'de':'x'}" },
		    "\"contents\".\"de\" is not a non-empty dictionary" },
		{ "extension_types unknown", EXTDEF, { "extension_types=['new-thing']" },
		    "\"extension_types\"[0] is not one of" },
		{ "extension_properties without top-level", EXTDEF,
		    { "extension_properties=['rank']" }, "\"extension_properties\" without" },
		{ "extension_properties with top-level", EXTDEF,
		    { "extension_types=['toplevel-property-extension']",
		    "extension_properties=['rank']" }, NULL },
		{ "statement without statement", MARKING, { "definition={'text':'x'}" },
		    "has no string \"statement\"" },
		{ "marking with an extension, no definition", MARKING, { "-definition",
		    "-definition_type", "extensions={'extension-definition--" U4 "':"
		    "{'extension_type':'property-extension','level':'x'}}" }, NULL },
		{ "marking definition without definition_type", MARKING, { "-definition_type",
		    "extensions={'extension-definition--" U4 "':"
		    "{'extension_type':'property-extension','level':'x'}}" },
		    "\"definition\" without \"definition_type\"" },
	};

	(void)state;
	run(cases, N(cases));
}

/* ---- references ------------------------------------------------------- */

static void
test_references(void **state)
{
	static const struct tcase cases[] = {
		{ "created_by_ref to a tool", TOOL, { "created_by_ref='tool--" U4 "'" },
		    "\"created_by_ref\" refers to type tool; it must be identity" },
		{ "created_by_ref to an identity", TOOL, { "created_by_ref='identity--" U4 "'" },
		    NULL },
		{ "created_by_ref not an identifier", TOOL, { "created_by_ref='CERT-A'" },
		    "\"created_by_ref\" is not an identifier" },
		{ "created_by_ref bad uuid", TOOL,
		    { "created_by_ref='identity--11111111-2222-4333-7444-555555555555'" },
		    "\"created_by_ref\" is not an identifier" },
		{ "object_marking_refs to an identity", TOOL,
		    { "object_marking_refs=['identity--" U4 "']" },
		    "\"object_marking_refs\"[0] refers to type identity; it must be "
		    "marking-definition" },
		{ "object_marking_refs empty", TOOL, { "object_marking_refs=[]" },
		    "\"object_marking_refs\" is an empty list" },
		{ "object_marking_refs a string", TOOL,
		    { "object_marking_refs='marking-definition--" U4 "'" },
		    "\"object_marking_refs\" is not a list" },
		{ "marking marks itself", MARKING, { "object_marking_refs=['marking-definition--" U4
		    "']" }, "is this marking-definition itself" },
		{ "source_ref to a marking-definition", RELATIONSHIP,
		    { "source_ref='marking-definition--" U4 "'" },
		    "\"source_ref\" refers to type marking-definition; it must be an SDO or SCO" },
		{ "target_ref to a relationship", RELATIONSHIP,
		    { "target_ref='relationship--" U4 "'" }, "\"target_ref\" refers to type "
		    "relationship" },
		{ "target_ref to a sighting", RELATIONSHIP, { "target_ref='sighting--" U4 "'" },
		    "\"target_ref\" refers to type sighting" },
		{ "source_ref to a bundle", RELATIONSHIP, { "source_ref='bundle--" U4 "'" },
		    "\"source_ref\" refers to type bundle" },
		{ "source_ref to language-content", RELATIONSHIP,
		    { "source_ref='language-content--" U4 "'" }, "refers to type language-content" },
		{ "target_ref to an SCO", RELATIONSHIP, { "target_ref='ipv4-addr--" U5 "'" }, NULL },
		{ "target_ref to a custom object", RELATIONSHIP,
		    { "target_ref='x-mitre-tactic--" U4 "'" }, NULL },
		{ "source_ref not an identifier", RELATIONSHIP, { "source_ref='malware'" },
		    "\"source_ref\" is not an identifier" },
		{ "sighting_of_ref to an SCO", SIGHTING, { "sighting_of_ref='file--" U5 "'" },
		    "\"sighting_of_ref\" refers to type file; it must be an SDO" },
		{ "sighting_of_ref to an SRO", SIGHTING, { "sighting_of_ref='relationship--" U4 "'" },
		    "it must be an SDO" },
		{ "where_sighted_refs to a tool", SIGHTING, { "where_sighted_refs=['tool--" U4 "']" },
		    "\"where_sighted_refs\"[0] refers to type tool; it must be identity|location" },
		{ "where_sighted_refs to a location", SIGHTING,
		    { "where_sighted_refs=['identity--" U4 "','location--" U4 "']" }, NULL },
		{ "observed_data_refs to a report", SIGHTING,
		    { "observed_data_refs=['report--" U4 "']" }, "refers to type report" },
		{ "observed-data object_refs to an SDO", OBSERVED,
		    { "object_refs=['ipv4-addr--" U5 "','malware--" U4 "']" },
		    "\"object_refs\"[1] refers to type malware; it must be an SCO or SRO" },
		{ "observed-data object_refs SROs only", OBSERVED,
		    { "object_refs=['relationship--" U4 "']" }, "\"object_refs\" names no SCO" },
		{ "report object_refs to a bundle", REPORT, { "object_refs=['bundle--" U4 "']" },
		    "refers to type bundle; it must be a STIX object" },
		{ "report object_refs to anything else", REPORT,
		    { "object_refs=['relationship--" U4 "','file--" U5 "','x-acme--" U4 "']" }, NULL },
		{ "note object_refs empty", NOTE, { "object_refs=[]" }, "\"object_refs\" is an empty "
		    "list" },
		{ "malware operating_system_refs to a tool", MALWARE,
		    { "operating_system_refs=['tool--" U4 "']" }, "it must be software" },
		{ "malware sample_refs to an artifact", MALWARE,
		    { "sample_refs=['artifact--" U5 "']" }, NULL },
		{ "malware-analysis sample_ref to a url", ANALYSIS, { "sample_ref='url--" U5 "'" },
		    "\"sample_ref\" refers to type url" },
		{ "malware-analysis analysis_sco_refs to an SDO", ANALYSIS,
		    { "analysis_sco_refs=['malware--" U4 "']" }, "it must be an SCO" },
		{ "language-content object_ref to a bundle", LANGUAGE,
		    { "object_ref='bundle--" U4 "'" }, "refers to type bundle" },
		{ "domain-name resolves_to_refs to a url", DOMAIN,
		    { "resolves_to_refs=['url--" U5 "']" }, "refers to type url" },
		{ "network-traffic src_ref to a file", NETFLOW, { "src_ref='file--" U5 "'" },
		    "\"src_ref\" refers to type file" },
		{ "email from_ref to a url", EMAIL_MSG, { "from_ref='url--" U5 "'" },
		    "it must be email-addr" },
		{ "process parent_ref to a file", PROCESS, { "parent_ref='file--" U5 "'" },
		    "it must be process" },
		{ "granular marking to an identity", TOOL,
		    { "granular_markings=[{'selectors':['name'],'marking_ref':'identity--" U4 "'}]" },
		    "marking_ref refers to type identity" },
		{ "granular marking selects nothing", TOOL,
		    { "granular_markings=[{'selectors':['description'],"
		    "'marking_ref':'marking-definition--" U4 "'}]" }, "selects nothing" },
		{ "granular marking index out of range", TOOL, { "labels=['a']",
		    "granular_markings=[{'selectors':['labels.[1]'],"
		    "'marking_ref':'marking-definition--" U4 "'}]" }, "selects nothing" },
		{ "granular marking into a list", TOOL, { "labels=['a']",
		    "granular_markings=[{'selectors':['labels.[0]'],"
		    "'marking_ref':'marking-definition--" U4 "'}]" }, NULL },
		{ "granular marking deep", VULN,
		    { "granular_markings=[{'selectors':['external_references.[0].source_name'],"
		    "'lang':'de'}]" }, NULL },
		{ "granular marking index on a string", TOOL,
		    { "granular_markings=[{'selectors':['name.[0]'],'lang':'de'}]" },
		    "selects nothing" },
		{ "granular marking both", TOOL,
		    { "granular_markings=[{'selectors':['name'],'lang':'de',"
		    "'marking_ref':'marking-definition--" U4 "'}]" }, "has both of \"marking_ref\" "
		    "and \"lang\"" },
		{ "granular marking neither", TOOL, { "granular_markings=[{'selectors':['name']}]" },
		    "has neither of \"marking_ref\" and \"lang\"" },
		{ "granular marking without selectors", TOOL,
		    { "granular_markings=[{'lang':'de'}]" }, "has no \"selectors\"" },
		{ "custom _ref not interpreted", TOOL, { "x_acme_source_ref=''" }, NULL },
	};

	(void)state;
	run(cases, N(cases));
}

/* ---- what an accepted object reports ---------------------------------- */

static void
test_fields(void **state)
{
	char *text = dq(TOOL), *sco;
	struct stix_doc *d = read_text(text, strlen(text));
	const struct stix_obj *o = stix_at(d, 0);
	int64_t ms;

	(void)state;
	EXPECT(stamp_parse(T0, &ms), ST_OK);
	assert_true(o->ok);
	assert_int_equal(o->index, 0);
	assert_string_equal(o->type, "tool");
	assert_string_equal(o->id, "tool--" U4);
	assert_int_equal(o->kind, STIX_SDO);
	assert_false(o->custom);
	assert_string_equal(o->spec_version, "2.1");
	assert_string_equal(o->created, T0);
	assert_string_equal(o->modified, T0);
	assert_true(o->created_ms == ms && o->modified_ms == ms);
	assert_true(o->versioned);
	assert_false(o->revoked);
	assert_false(o->marked);
	assert_string_equal(stix_tlp_name(o), "none");
	assert_non_null(o->json);
	assert_null(stix_bundle_id(d));
	stix_free(d);
	free(text);

	/* an SCO is not versioned: its id alone names it */
	sco = dq(IPV4);
	d = read_text(sco, strlen(sco));
	o = stix_at(d, 0);
	assert_true(o->ok);
	assert_int_equal(o->kind, STIX_SCO);
	assert_false(o->versioned);
	assert_null(o->created);
	assert_null(o->modified);
	assert_true(o->created_ms == 0 && o->modified_ms == 0);
	stix_free(d);
	free(sco);

	/* ... unless it was given versioning properties (section 3.6) */
	sco = dq(SCO("ipv4-addr", ",'value':'198.51.100.1','created':'" T0 "','modified':'" T1
	    "'"));
	d = read_text(sco, strlen(sco));
	o = stix_at(d, 0);
	assert_true(o->ok);
	assert_true(o->versioned);
	assert_string_equal(o->modified, T1);
	stix_free(d);
	free(sco);

	/* a marking-definition is never versioned */
	sco = dq(MARKING);
	d = read_text(sco, strlen(sco));
	o = stix_at(d, 0);
	assert_true(o->ok);
	assert_int_equal(o->kind, STIX_META);
	assert_false(o->versioned);
	assert_string_equal(o->created, T0);
	assert_null(o->modified);
	stix_free(d);
	free(sco);

	/* a custom object: an SDO with created and modified, else an SCO */
	sco = dq(CUSTOM);
	d = read_text(sco, strlen(sco));
	o = stix_at(d, 0);
	assert_true(o->ok && o->custom);
	assert_int_equal(o->kind, STIX_SDO);
	stix_free(d);
	free(sco);
	sco = dq("{'type':'x-thing','id':'x-thing--" U4 "','x_value':1}");
	d = read_text(sco, strlen(sco));
	o = stix_at(d, 0);
	assert_true(o->ok && o->custom);
	assert_int_equal(o->kind, STIX_SCO);
	assert_null(o->spec_version);
	stix_free(d);
	free(sco);

	sco = dq(SDO("tool", ",'name':'n','revoked':true"));
	d = read_text(sco, strlen(sco));
	assert_true(stix_at(d, 0)->revoked);
	stix_free(d);
	free(sco);

	assert_string_equal(stix_kind_name(STIX_SDO), "sdo");
	assert_string_equal(stix_kind_name(STIX_SRO), "sro");
	assert_string_equal(stix_kind_name(STIX_SCO), "sco");
	assert_string_equal(stix_kind_name(STIX_META), "meta");
	assert_string_equal(stix_kind_name((enum stix_kind)9), "?");
}

/* ---- the document ----------------------------------------------------- */

static void
expect_doc(const char *text, size_t n, status want, const char *why_has)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d = (struct stix_doc *)1;

	EXPECT(stix_read(text, n, &d, why), want);
	assert_null(d);
	if (!strstr(why, why_has))
		fail_msg("why '%s' does not hold '%s'", why, why_has);
	for (const char *p = why; *p; p++)
		assert_true(*p >= 0x20 && *p <= 0x7e);
}

static void
test_documents_refused(void **state)
{
	char *t;

	(void)state;
	t = dq(TOOL);
	expect_doc(t, strlen(t) - 5, ST_PARSE, "(top): not JSON");	/* truncated */
	expect_doc(t, 0, ST_PARSE, "(top): not JSON");
	free(t);
	expect_doc("[1,2]", 5, ST_PARSE, "(top): not a JSON object");
	expect_doc("\"tool\"", 6, ST_PARSE, "(top): not a JSON object");
	t = dq("{'type':'tool','type':'malware'}");
	expect_doc(t, strlen(t), ST_PARSE, "duplicate");
	free(t);
	expect_doc("{\"a\":\"\\u0000\"}", 14, ST_PARSE, "(top): not JSON");
	expect_doc("{\"a\":1}garbage", 14, ST_PARSE, "(top): not JSON");
	t = dq("{'type':'bundle','objects':[]}");
	expect_doc(t, strlen(t), ST_INVALID, "bundle: \"id\" is not bundle--UUID");
	free(t);
	t = dq("{'type':'bundle','id':'report--" U4 "','objects':[1]}");
	expect_doc(t, strlen(t), ST_INVALID, "bundle: \"id\" is not bundle--UUID");
	free(t);
	t = dq("{'type':'bundle','id':'bundle--" U4 "','objects':{}}");
	expect_doc(t, strlen(t), ST_INVALID, "bundle: \"objects\" is not a list");
	free(t);
	t = dq("{'type':'bundle','id':'bundle--" U4 "','objects':[]}");
	expect_doc(t, strlen(t), ST_INVALID, "bundle: \"objects\" is an empty list");
	free(t);
	/* the published example of TLP 2.0 GREEN, whose bundle has no type
	 * and whose relationship has a month 101: read as one object, refused */
}

static void
test_document_limits(void **state)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d;
	size_t n = STIX_BYTES_MAX + 1, i, at;
	char *big = malloc(n + 64), *one;

	(void)state;
	assert_non_null(big);
	/* one byte over the limit: refused before it is parsed */
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	expect_doc(big, n, ST_TOOBIG, "over the");
	/* exactly at the limit: parsed (one object with no type, refused) */
	big[n - 2] = '}';
	EXPECT(stix_read(big, n - 1, &d, why), ST_OK);
	assert_false(stix_at(d, 0)->ok);
	stix_free(d);

	/* STIX_OBJECTS_MAX objects read; one more refused */
	at = (size_t)snprintf(big, n, "{\"type\":\"bundle\",\"id\":\"bundle--" U4
	    "\",\"objects\":[");
	for (i = 0; i < STIX_OBJECTS_MAX; i++) {
		memcpy(big + at, "0,", 2);
		at += 2;
	}
	memcpy(big + at - 1, "]}", 3);
	d = read_text(big, strlen(big));
	assert_int_equal(stix_count(d), STIX_OBJECTS_MAX);
	assert_int_equal(stix_refused(d), STIX_OBJECTS_MAX);
	assert_string_equal(stix_at(d, 7)->why, "objects[7]: not a JSON object");
	assert_string_equal(stix_bundle_id(d), "bundle--" U4);
	stix_free(d);
	memcpy(big + at - 1, ",0]}", 5);
	expect_doc(big, strlen(big), ST_TOOBIG, "100001 objects, over the 100000 allowed");

	/* a string of STIX_STRING_MAX bytes is read; one byte more is not */
	one = dq(SDO("tool", ",'name':'n','description':'"));
	at = (size_t)snprintf(big, n, "%s", one) - 1;	/* without its closing } */
	memset(big + at, 'a', STIX_STRING_MAX);
	memcpy(big + at + STIX_STRING_MAX, "\"}", 3);
	d = read_text(big, strlen(big));
	assert_true(stix_at(d, 0)->ok);
	stix_free(d);
	memcpy(big + at + STIX_STRING_MAX, "a\"}", 4);
	d = read_text(big, strlen(big));
	assert_false(stix_at(d, 0)->ok);
	assert_string_equal(stix_at(d, 0)->why, "tool--" U4 ": \"description\" holds a string "
	    "longer than 1048576 bytes");
	stix_free(d);
	free(one);
	free(big);
}

static void
test_object_limits(void **state)
{
	char text[1024], *base = dq(SDO("tool", ",'name':'n','x_deep':"));
	struct stix_doc *d;
	int at, depth;

	(void)state;
	/* the object is level 1, x_deep's array level 2: 31 arrays reach 32 */
	for (depth = 31; depth <= 32; depth++) {
		at = snprintf(text, sizeof text, "%.*s", (int)strlen(base) - 1, base);
		for (int i = 0; i < depth; i++)
			text[at++] = '[';
		for (int i = 0; i < depth; i++)
			text[at++] = ']';
		text[at++] = '}';
		text[at] = '\0';
		d = read_text(text, (size_t)at);
		if (depth == 31)
			assert_true(stix_at(d, 0)->ok);
		else
			assert_string_equal(stix_at(d, 0)->why, "tool--" U4 ": \"x_deep\" nests deeper "
			    "than 32 levels");
		stix_free(d);
	}
	free(base);

	static const struct tcase cases[] = {
		{ "integer 2^53", TOOL, { "x_count=9007199254740992" }, "\"x_count\" holds an "
		    "integer outside +-(2^53-1)" },
		{ "integer -2^53", TOOL, { "x_count=-9007199254740992" }, "outside +-(2^53-1)" },
		{ "integer 2^53-1", TOOL, { "x_count=9007199254740991" }, NULL },
		{ "deep in a custom property", TOOL, { "x_a={'b':{'c':[[[[1]]]]}}" }, NULL },
	};
	run(cases, N(cases));
}

static void
test_bundle(void **state)
{
	char *t = dq("{'type':'bundle','id':'bundle--" U4 "','objects':[" TOOL ","
	    "5," SDO("indicator", ",'pattern':'[file:size = 1]','pattern_type':'stix'") ","
	    "{'type':'tool','id':'tool','name':'n'}," IPV4 ","
	    "{'type':'bundle','id':'bundle--" U4 "','objects':[" TOOL "]}]}");
	struct stix_doc *d = read_text(t, strlen(t));

	(void)state;
	assert_string_equal(stix_bundle_id(d), "bundle--" U4);
	assert_int_equal(stix_count(d), 6);
	assert_int_equal(stix_refused(d), 4);
	assert_true(stix_at(d, 0)->ok);
	assert_string_equal(stix_at(d, 1)->why, "objects[1]: not a JSON object");
	assert_string_equal(stix_at(d, 2)->why, "indicator--" U4 ": \"valid_from\" is required");
	assert_string_equal(stix_at(d, 2)->type, "indicator");
	assert_string_equal(stix_at(d, 2)->id, "indicator--" U4);
	assert_string_equal(stix_at(d, 3)->why, "objects[3]: \"id\" is not type--UUID of this "
	    "object's type (section 2.9)");
	assert_string_equal(stix_at(d, 3)->id, "tool");
	assert_true(stix_at(d, 4)->ok);
	assert_int_equal(stix_at(d, 4)->index, 4);
	assert_string_equal(stix_at(d, 5)->why, "bundle--" U4 ": a bundle inside a bundle "
	    "(section 8)");
	stix_free(d);
	free(t);

	/* a bundle without objects is read, with none */
	t = dq("{'type':'bundle','id':'bundle--" U4 "','x_note':'empty'}");
	d = read_text(t, strlen(t));
	assert_int_equal(stix_count(d), 0);
	assert_int_equal(stix_refused(d), 0);
	stix_free(d);
	free(t);

	/* a lone object refused is named (top) when its id is unusable */
	t = dq("{'type':'tool','name':'n'}");
	d = read_text(t, strlen(t));
	assert_string_equal(stix_at(d, 0)->why, "(top): \"id\" is required");
	stix_free(d);
	free(t);

	/* the OASIS example of TLP 2.0 GREEN in use: its bundle has no type and
	 * its relationship a month 101, so it is one object without a type */
	t = dq("{'id':'bundle--161f8ade-b67d-11e3-b8af-f01faf20d111','objects':[{'created':"
	    "'2022-101-27T13:49:54.326Z','id':'relationship--1621d4d4-b67d-11e3-9670-"
	    "f01faf20d111','type':'relationship'}]}");
	d = read_text(t, strlen(t));
	assert_string_equal(stix_at(d, 0)->why, "bundle--161f8ade-b67d-11e3-b8af-f01faf20d111: "
	    "\"type\" is required");
	stix_free(d);
	free(t);
	t = dq("{'type':'bundle','id':'bundle--161f8ade-b67d-11e3-b8af-f01faf20d111','objects':"
	    "[{'created':'2022-101-27T13:49:54.326Z','id':'relationship--1621d4d4-b67d-11e3-9670-"
	    "f01faf20d111','modified':'2022-10-27T13:49:54.326Z','object_marking_refs':"
	    "['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],'relationship_type':"
	    "'attributed-to','source_ref':'threat-actor--9a8a0d25-7636-429b-a99e-b2a73cd0f11f',"
	    "'spec_version':'2.1','target_ref':'identity--1621d4d4-b67d-11e3-9670-f01faf20d111',"
	    "'type':'relationship'}]}");
	d = read_text(t, strlen(t));
	assert_string_equal(stix_at(d, 0)->why, "relationship--1621d4d4-b67d-11e3-9670-"
	    "f01faf20d111: \"created\" is not an RFC 3339 UTC timestamp "
	    "(YYYY-MM-DDTHH:MM:SS[.s+]Z, a real date)");
	stix_free(d);
	free(t);
}

/* ---- TLP -------------------------------------------------------------- */

#define MD "marking-definition--"
#define W1 MD "613f2e26-407d-48c7-9eca-b8e91df99dc9"
#define G1 MD "34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define A1 MD "f88d31f6-486f-44da-b317-01333bde0b82"
#define R1 MD "5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
#define C2 MD "94868c89-83c2-464b-929b-a1a8aa3c8487"
#define G2 MD "bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
#define A2 MD "55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define AS2 MD "939a9414-2ddd-4d32-a0cd-375ea402b003"
#define R2 MD "e828b379-4e03-4974-9ac4-e53a884c97c1"
#define OTHER MD "4a0042fe-8b88-40fe-9600-dfa128ce6fbd"

/* label - the label of TOOL marked with refs (and granular markings gm). */
static const struct stix_obj *
label(struct stix_doc **d, const char *refs, const char *gm)
{
	char text[2048];
	const struct stix_obj *o;

	snprintf(text, sizeof text, "{\"type\":\"tool\",\"spec_version\":\"2.1\",\"id\":\"tool--"
	    U4 "\",\"created\":\"" T0 "\",\"modified\":\"" T0 "\",\"name\":\"n\"%s%s%s%s%s}",
	    refs ? ",\"object_marking_refs\":[" : "", refs ? refs : "", refs ? "]" : "",
	    gm ? ",\"granular_markings\":" : "", gm ? gm : "");
	*d = read_text(text, strlen(text));
	o = stix_at(*d, 0);
	if (!o->ok)
		fail_msg("refused: %s", o->why);
	return o;
}

static void
test_tlp_labels(void **state)
{
	static const struct {
		const char *name, *refs, *gm, *want;
		unsigned from;
	} cases[] = {
		{ "unmarked", NULL, NULL, "none", 0 },
		{ "another marking", "\"" OTHER "\"", NULL, "none", 0 },
		{ "TLP 1.0 white", "\"" W1 "\"", NULL, "TLP:CLEAR", STIX_TLP_V1 },
		{ "TLP 1.0 green", "\"" G1 "\"", NULL, "TLP:GREEN", STIX_TLP_V1 },
		{ "TLP 1.0 amber", "\"" A1 "\"", NULL, "TLP:AMBER", STIX_TLP_V1 },
		{ "TLP 1.0 red", "\"" R1 "\"", NULL, "TLP:RED", STIX_TLP_V1 },
		{ "TLP 2.0 clear", "\"" C2 "\"", NULL, "TLP:CLEAR", STIX_TLP_V2 },
		{ "TLP 2.0 green", "\"" G2 "\"", NULL, "TLP:GREEN", STIX_TLP_V2 },
		{ "TLP 2.0 amber", "\"" A2 "\"", NULL, "TLP:AMBER", STIX_TLP_V2 },
		{ "TLP 2.0 amber+strict", "\"" AS2 "\"", NULL, "TLP:AMBER+STRICT", STIX_TLP_V2 },
		{ "TLP 2.0 red", "\"" R2 "\"", NULL, "TLP:RED", STIX_TLP_V2 },
		{ "white and clear mixed", "\"" W1 "\",\"" C2 "\"", NULL, "TLP:CLEAR",
		    STIX_TLP_V1 | STIX_TLP_V2 },
		{ "1.0 green under 2.0 amber", "\"" G1 "\",\"" A2 "\"", NULL, "TLP:AMBER",
		    STIX_TLP_V1 | STIX_TLP_V2 },
		{ "1.0 amber under 2.0 amber+strict", "\"" AS2 "\",\"" A1 "\"", NULL,
		    "TLP:AMBER+STRICT", STIX_TLP_V1 | STIX_TLP_V2 },
		{ "1.0 red over 2.0 amber+strict", "\"" AS2 "\",\"" R1 "\"", NULL, "TLP:RED",
		    STIX_TLP_V1 | STIX_TLP_V2 },
		{ "highest first", "\"" R2 "\",\"" W1 "\",\"" OTHER "\"", NULL, "TLP:RED",
		    STIX_TLP_V1 | STIX_TLP_V2 },
		{ "granular red over object green", "\"" G2 "\"",
		    "[{\"selectors\":[\"name\"],\"marking_ref\":\"" R2 "\"}]", "TLP:RED", STIX_TLP_V2 },
		{ "granular only", NULL, "[{\"selectors\":[\"name\"],\"lang\":\"en\"},"
		    "{\"selectors\":[\"name\"],\"marking_ref\":\"" A1 "\"}]", "TLP:AMBER",
		    STIX_TLP_V1 },
		{ "upper-case red is red",
		    "\"" MD "E828B379-4E03-4974-9AC4-E53A884C97C1\"", NULL, "TLP:RED", STIX_TLP_V2 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct stix_doc *d;
		const struct stix_obj *o = label(&d, cases[i].refs, cases[i].gm);

		if (strcmp(stix_tlp_name(o), cases[i].want) != 0 || o->tlp_from != cases[i].from)
			fail_msg("%s: %s from %u, want %s from %u", cases[i].name, stix_tlp_name(o),
			    o->tlp_from, cases[i].want, cases[i].from);
		assert_int_equal(o->marked, strcmp(cases[i].want, "none") != 0);
		stix_free(d);
	}
}

static void
test_tlp_of(void **state)
{
	enum tlp t = TLP_GREEN;
	unsigned from = 0;

	(void)state;
	assert_true(stix_tlp_of(AS2, &t, &from));
	assert_int_equal(t, TLP_AMBER_STRICT);
	assert_int_equal(from, STIX_TLP_V2);
	assert_true(stix_tlp_of(W1, &t, &from));
	assert_int_equal(t, TLP_CLEAR);
	assert_int_equal(from, STIX_TLP_V1);
	assert_false(stix_tlp_of(OTHER, &t, &from));
	assert_false(stix_tlp_of(W1 "0", &t, &from));
	assert_false(stix_tlp_of("identity--613f2e26-407d-48c7-9eca-b8e91df99dc9", &t, &from));
	assert_false(stix_tlp_of("Marking-Definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", &t,
	    &from));
	assert_false(stix_tlp_of("", &t, &from));
	assert_false(stix_tlp_of(NULL, &t, &from));
	assert_int_equal(t, TLP_CLEAR);
}

/* the marking-definitions of TLP themselves, as published */
#define TLP1(id, name, color) "{'type':'marking-definition','spec_version':'2.1','id':'" id \
	"','created':'2017-01-20T00:00:00.000Z','definition_type':'tlp','name':'" name "'," \
	"'definition':{'tlp':'" color "'}}"
#define TLP2(id, name, level) "{'type':'marking-definition','spec_version':'2.1','id':'" id \
	"','created':'2022-10-01T00:00:00.000Z','name':'" name "','extensions':" \
	"{'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d':" \
	"{'extension_type':'property-extension','tlp_2_0':'" level "'}}}"

static void
test_tlp_markings(void **state)
{
	static const struct tcase cases[] = {
		{ "TLP:WHITE", TLP1(W1, "TLP:WHITE", "white"), { NULL }, NULL },
		{ "TLP:GREEN 1.0", TLP1(G1, "TLP:GREEN", "green"), { NULL }, NULL },
		{ "TLP:AMBER 1.0", TLP1(A1, "TLP:AMBER", "amber"), { NULL }, NULL },
		{ "TLP:RED 1.0", TLP1(R1, "TLP:RED", "red"), { NULL }, NULL },
		{ "TLP:CLEAR", TLP2(C2, "TLP:CLEAR", "clear"), { NULL }, NULL },
		{ "TLP:GREEN 2.0", TLP2(G2, "TLP:GREEN", "green"), { NULL }, NULL },
		{ "TLP:AMBER 2.0", TLP2(A2, "TLP:AMBER", "amber"), { NULL }, NULL },
		{ "TLP:AMBER+STRICT", TLP2(AS2, "TLP:AMBER+STRICT", "amber+strict"), { NULL }, NULL },
		{ "TLP:RED 2.0", TLP2(R2, "TLP:RED", "red"), { NULL }, NULL },
		{ "a tlp marking of another id", TLP1(OTHER, "TLP:RED", "red"), { NULL },
		    "definition_type \"tlp\" is only for the four TLP marking-definitions" },
		{ "white's id saying red", TLP1(W1, "TLP:WHITE", "red"), { NULL },
		    "does not say TLP:WHITE" },
		{ "white's id named red", TLP1(W1, "TLP:RED", "white"), { NULL },
		    "\"name\" is not \"TLP:WHITE\"" },
		{ "red's id as a statement", TLP1(R1, "TLP:RED", "red"),
		    { "definition_type='statement'", "definition={'statement':'x'}" },
		    "does not say TLP:RED" },
		{ "TLP 2.0 extension on another id", TLP2(OTHER, "TLP:RED", "red"), { NULL },
		    "the TLP 2.0 extension is only for its five marking-definitions" },
		{ "TLP 2.0 red's id saying clear", TLP2(R2, "TLP:RED", "clear"), { NULL },
		    "does not say TLP:RED" },
		{ "TLP 2.0 id with a 1.0 definition", TLP1(AS2, "TLP:AMBER+STRICT", "amber"),
		    { NULL }, "definition_type \"tlp\" is only for" },
		{ "TLP 1.0 id with the 2.0 extension", TLP2(G1, "TLP:GREEN", "green"), { NULL },
		    "the TLP 2.0 extension is only for" },
	};

	(void)state;
	run(cases, N(cases));
}

/* A TAXII envelope's objects are read as a bundle's; an envelope without
 * a list of them, or with an empty one, is refused whole. */
static void
test_envelope(void **state)
{
	static const struct {
		const char *name, *text;
		status want;
		const char *why;
	} bad[] = {
		{ "no objects", "{'more':false}", ST_INVALID, "envelope: \"objects\" is not" },
		{ "empty", "{'objects':[]}", ST_INVALID, "envelope: \"objects\" is not" },
		{ "not a list", "{'objects':{}}", ST_INVALID, "envelope: \"objects\" is not" },
		{ "not JSON", "{'objects':[", ST_PARSE, NULL },
		{ "not an object", "[1]", ST_PARSE, NULL },
	};
	char why[STIX_WHY_MAX], *t = dq("{'more':false,'next':'x','objects':[" TOOL ",5,"
	    IPV4 "]}");
	struct stix_doc *d = NULL;

	(void)state;
	EXPECT(stix_read_envelope(t, strlen(t), &d, why), ST_OK);
	assert_null(stix_bundle_id(d));
	assert_int_equal(stix_count(d), 3);
	assert_int_equal(stix_refused(d), 1);
	assert_true(stix_at(d, 0)->ok);
	assert_string_equal(stix_at(d, 1)->why, "objects[1]: not a JSON object");
	assert_true(stix_at(d, 2)->ok);
	assert_int_equal(stix_at(d, 2)->index, 2);
	stix_free(d);
	free(t);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t = dq(bad[i].text);
		d = (struct stix_doc *)1;
		if (stix_read_envelope(t, strlen(t), &d, why) != bad[i].want || d ||
		    (bad[i].why && !strstr(why, bad[i].why)))
			fail_msg("%s: %s", bad[i].name, why);
		free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_valid),
		cmocka_unit_test(test_required_properties),
		cmocka_unit_test(test_types_and_ids),
		cmocka_unit_test(test_versions_and_times),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_documents_refused),
		cmocka_unit_test(test_document_limits),
		cmocka_unit_test(test_object_limits),
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_tlp_labels),
		cmocka_unit_test(test_tlp_of),
		cmocka_unit_test(test_tlp_markings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
