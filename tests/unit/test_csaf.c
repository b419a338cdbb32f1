/* test_csaf.c - CSAF 2.0 documents as csaf_read reads them: a minimal
 * document of each profile accepted; for every mandatory test of section
 * 6.1, a small document that fails it, refused with that test's number
 * and the JSON path of the offending value (a table of named cases, each
 * a JSON merge patch on a valid document; the refusals first-class); the
 * schema's rules broken in turn; documents that are not JSON, too big,
 * too deep; hostile shapes (long chains and circles of relationships,
 * many products through groups) in bounded time; the accessors, summary
 * and TLP mapping of one document; section 5.1's file names; the order
 * of versions; and the published material: the OASIS TC's examples
 * accepted and its invalid documents refused on the expected test
 * ($PARLEY_SHARED_DATA/csaf, default ../shared/data; skipped when
 * absent). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt/csaf.h"
#include "testcheck.h"

/* The documents below are written with ' for " (dq turns them back). */
#define D1 "2024-01-01T00:00:00.000Z"
#define D2 "2024-01-02T00:00:00.000Z"
#define D3 "2024-01-03T00:00:00.000Z"
#define V31 "'version':'3.1','vectorString':'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'"
#define CVSS98 "{" V31 ",'baseScore':9.8,'baseSeverity':'CRITICAL'}"
#define CVSS91 "{'version':'3.1','vectorString':'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N'," \
	"'baseScore':9.1,'baseSeverity':'CRITICAL'}"

#define BASE "{'document':{'category':'csaf_base','csaf_version':'2.0'," \
	"'distribution':{'tlp':{'label':'WHITE'}},'lang':'en'," \
	"'publisher':{'category':'vendor','name':'Example','namespace':'https://example.com'}," \
	"'title':'Example advisory','tracking':{'current_release_date':'" D2 "'," \
	"'id':'Example Company - 2019-YH3234','initial_release_date':'" D1 "'," \
	"'revision_history':[{'date':'" D1 "','number':'1','summary':'Initial'}]," \
	"'status':'final','version':'1'}}," \
	"'product_tree':{'full_product_names':[{'name':'A 1.0','product_id':'A1'}," \
	"{'name':'A 2.0','product_id':'A2'}],'product_groups':[{'group_id':'G1'," \
	"'product_ids':['A1','A2']}]}," \
	"'vulnerabilities':[{'cve':'CVE-2024-0001','title':'Overflow'," \
	"'product_status':{'known_affected':['A1'],'fixed':['A2']}," \
	"'scores':[{'cvss_v3':" CVSS98 ",'products':['A1']}]," \
	"'remediations':[{'category':'vendor_fix','details':'Update to 2.0'," \
	"'url':'https://example.com/fix','product_ids':['A1']}]}]}"

#define NOTES "'notes':[{'category':'description','text':'What happened'}]"
#define SA_PATCH "{'document':{'category':'csaf_security_advisory'},'vulnerabilities':" \
	"[{'cve':'CVE-2024-0001'," NOTES ",'product_status':{'known_affected':['A1']}," \
	"'remediations':[{'category':'vendor_fix','details':'Update','product_ids':['A1']}]}]}"
#define VEX_STATUS "'product_status':{'known_affected':['A1'],'known_not_affected':['A2']}"
#define VEX_FLAGS "'flags':[{'label':'component_not_present','product_ids':['A2']}]"
#define VEX_REM "'remediations':[{'category':'vendor_fix','details':'Update'," \
	"'product_ids':['A1']}]"
#define VEX_VULN "'cve':'CVE-2024-0001'," NOTES "," VEX_STATUS "," VEX_FLAGS "," VEX_REM
#define VEX_PATCH "{'document':{'category':'csaf_vex'},'vulnerabilities':[{" VEX_VULN "}]}"
#define IA_PATCH "{'document':{'category':'csaf_informational_advisory'," NOTES "," \
	"'references':[{'category':'external','summary':'More','url':'https://example.com/a'}]}," \
	"'vulnerabilities':null}"

/* dq - s with every ' as ", the caller's to free. */
static char *
dq(const char *s)
{
	char *t = strdup(s);

	assert_non_null(t);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static json_t *
parse(const char *s)
{
	char *t = dq(s);
	json_error_t err;
	json_t *j = json_loads(t, 0, &err);

	if (!j)
		fail_msg("bad test JSON: %s: %s", err.text, t);
	free(t);
	return j;
}

/* merge - RFC 7396: patch applied to target (null deletes). */
static void
merge(json_t *target, json_t *patch)
{
	const char *k;
	json_t *v;

	json_object_foreach(patch, k, v) {
		json_t *t = json_object_get(target, k);

		if (json_is_null(v))
			json_object_del(target, k);
		else if (json_is_object(v) && json_is_object(t))
			merge(t, v);
		else
			json_object_set(target, k, v);
	}
}

/* doc - BASE with the patches (NULL-terminated) applied, as text. */
static char *
doc(const char *first, ...)
{
	json_t *d = parse(BASE);
	const char *p;
	va_list ap;
	char *text;

	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *)) {
		json_t *j = parse(p);

		merge(d, j);
		json_decref(j);
	}
	va_end(ap);
	text = json_dumps(d, JSON_COMPACT);
	assert_non_null(text);
	json_decref(d);
	return text;
}

static void
show(const struct csaf_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		print_message("  %s %s: %s\n", rep->p[i].test, rep->p[i].path, rep->p[i].what);
}

static void
accepted(const char *text, const char *name)
{
	struct csaf_report rep;
	struct csaf *c;
	status rc = csaf_read(text, strlen(text), &c, &rep);

	if (rc != ST_OK) {
		show(&rep);
		fail_msg("%s: refused (%s)", name, status_str(rc));
	}
	assert_int_equal(rep.n, 0);
	csaf_free(c);
}

/* ---- valid documents ---------------------------------------------------- */

static void
test_valid(void **state)
{
	static const struct {
		const char *name, *patch;
	} cases[] = {
		{ "base", "{}" },
		{ "security advisory", SA_PATCH },
		{ "vex", VEX_PATCH },
		{ "informational advisory", IA_PATCH },
		{ "incident response", "{'document':{'category':'csaf_security_incident_response',"
		    NOTES ",'references':[{'category':'external','summary':'s','url':'https://x.org/'}]}}" },
		{ "own category", "{'document':{'category':'Example Bulletin'}}" },
		{ "semantic versions, draft", "{'document':{'tracking':{'status':'draft',"
		    "'version':'1.0.0-rc.2','revision_history':[{'date':'" D1 "','number':'0.9.0',"
		    "'summary':'a'},{'date':'" D2 "','number':'1.0.0','summary':'b'}]}}}" },
		{ "cvss v2 and v3.0", "{'vulnerabilities':[{'product_status':{'known_affected':['A1']},"
		    "'scores':[{'products':['A1'],'cvss_v2':{'version':'2.0',"
		    "'vectorString':'AV:N/AC:L/Au:N/C:P/I:P/A:P','baseScore':7.5}},{'products':['A1'],"
		    "'cvss_v3':{'version':'3.0','vectorString':'CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N',"
		    "'baseScore':2.3,'baseSeverity':'LOW','attackVector':'LOCAL'}}]}]}" },
		{ "branches and relationships", "{'product_tree':{'branches':[{'category':'vendor',"
		    "'name':'Example','branches':[{'category':'product_version','name':'4.2',"
		    "'product':{'name':'B 4.2','product_id':'B42','product_identification_helper':"
		    "{'purl':'pkg:npm/%40example/b@4.2','cpe':'cpe:2.3:a:example:b:4.2:*:*:*:*:*:*:*',"
		    "'hashes':[{'filename':'b.tgz','file_hashes':[{'algorithm':'sha256','value':"
		    "'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}]}]}}}]}],"
		    "'relationships':[{'category':'installed_on','full_product_name':{'name':'B on A',"
		    "'product_id':'B42-A1'},'product_reference':'B42','relates_to_product_reference':'A1'}]}}" },
		{ "times with offsets", "{'document':{'tracking':{'current_release_date':"
		    "'2024-01-02T01:00:00.5+01:00','initial_release_date':'2023-12-31T23:00:00-01:00'}}}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = doc(cases[i].patch, (char *)NULL);

		accepted(text, cases[i].name);
		free(text);
	}
}

/* ---- refused documents: a table of named cases --------------------------- */

struct bad {
	const char *name;
	const char *patch;	/* on BASE */
	const char *test, *path;	/* a problem that must be there */
	const char *also;	/* other tests the same flaw fails, space-separated */
};

static const struct bad bads[] = {
	/* section 6.1 */
	{ "6.1.1 product not defined", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A9']}}]}", "6.1.1", "$.vulnerabilities[0].product_status.known_affected[0]", "" },
	{ "6.1.1 relationship reference", "{'product_tree':{'relationships':[{'category':"
	    "'installed_on','full_product_name':{'name':'R','product_id':'R1'},"
	    "'product_reference':'Z9','relates_to_product_reference':'A1'}]}}",
	    "6.1.1", "$.product_tree.relationships[0].product_reference", "" },
	{ "6.1.2 product twice", "{'product_tree':{'full_product_names':[{'name':'A','product_id':"
	    "'A1'},{'name':'B','product_id':'A1'}],'product_groups':null},'vulnerabilities':null}",
	    "6.1.2", "$.product_tree.full_product_names[1].product_id", "" },
	{ "6.1.3 relationship on itself", "{'product_tree':{'relationships':[{'category':"
	    "'installed_on','full_product_name':{'name':'R','product_id':'R1'},"
	    "'product_reference':'R1','relates_to_product_reference':'A1'}]}}",
	    "6.1.3", "$.product_tree.relationships[0].full_product_name.product_id", "" },
	{ "6.1.4 group not defined", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A1']},'threats':[{'category':'impact','details':'x','group_ids':['G9']}]}]}",
	    "6.1.4", "$.vulnerabilities[0].threats[0].group_ids[0]", "" },
	{ "6.1.5 group twice", "{'product_tree':{'product_groups':[{'group_id':'G1','product_ids':"
	    "['A1','A2']},{'group_id':'G1','product_ids':['A2','A1']}]}}",
	    "6.1.5", "$.product_tree.product_groups[1].group_id", "" },
	{ "6.1.6 contradicting status", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A1'],'known_not_affected':['A1']}}]}",
	    "6.1.6", "$.vulnerabilities[0].product_status.known_not_affected[0]", "" },
	{ "6.1.7 two v3.1 scores", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A1']},'scores':[{'products':['A1'],'cvss_v3':" CVSS98 "},{'products':['A1'],"
	    "'cvss_v3':" CVSS91 "}]}]}", "6.1.7", "$.vulnerabilities[0].scores[1]", "" },
	{ "6.1.8 cvss without baseSeverity", "{'vulnerabilities':[{'product_status':"
	    "{'known_affected':['A1']},'scores':[{'products':['A1'],'cvss_v3':{" V31
	    ",'baseScore':9.8}}]}]}", "6.1.8", "$.vulnerabilities[0].scores[0].cvss_v3", "" },
	{ "6.1.8 cvss vector", "{'vulnerabilities':[{'product_status':{'known_affected':['A1']},"
	    "'scores':[{'products':['A1'],'cvss_v3':{'version':'3.1','vectorString':"
	    "'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H','baseScore':9.8,'baseSeverity':'CRITICAL'}}]}]}",
	    "6.1.8", "$.vulnerabilities[0].scores[0].cvss_v3.vectorString", "" },
	{ "6.1.9 wrong base score", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A1']},'scores':[{'products':['A1'],'cvss_v3':{" V31 ",'baseScore':9.0,"
	    "'baseSeverity':'CRITICAL'}}]}]}",
	    "6.1.9", "$.vulnerabilities[0].scores[0].cvss_v3.baseScore", "" },
	{ "6.1.9 wrong v2 score", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A1']},'scores':[{'products':['A1'],'cvss_v2':{'version':'2.0','vectorString':"
	    "'AV:N/AC:L/Au:N/C:P/I:P/A:P','baseScore':7.0}}]}]}",
	    "6.1.9", "$.vulnerabilities[0].scores[0].cvss_v2.baseScore", "" },
	{ "6.1.10 property against vector", "{'vulnerabilities':[{'product_status':"
	    "{'known_affected':['A1']},'scores':[{'products':['A1'],'cvss_v3':{" V31
	    ",'baseScore':9.8,'baseSeverity':'CRITICAL','attackVector':'LOCAL'}}]}]}",
	    "6.1.10", "$.vulnerabilities[0].scores[0].cvss_v3.attackVector", "" },
	{ "6.1.11 CWE name", "{'vulnerabilities':[{'product_status':{'known_affected':['A1']},"
	    "'cwe':{'id':'CWE-79','name':'Improper Input Validation'}}]}",
	    "6.1.11", "$.vulnerabilities[0].cwe.name", "" },
	{ "6.1.12 language", "{'document':{'lang':'EZ'}}", "6.1.12", "$.document.lang", "" },
	{ "6.1.13 purl without a name", "{'product_tree':{'full_product_names':[{'name':'A',"
	    "'product_id':'A1','product_identification_helper':{'purl':'pkg:maven/@1.3.4'}},"
	    "{'name':'B','product_id':'A2'}]}}",
	    "6.1.13", "$.product_tree.full_product_names[0].product_identification_helper.purl", "" },
	{ "6.1.14 revisions out of order", "{'document':{'tracking':{'version':'1.0.1',"
	    "'revision_history':[{'date':'" D1 "','number':'1.0.0','summary':'a'},{'date':'" D2
	    "','number':'1.1.0','summary':'b'},{'date':'" D3 "','number':'1.0.1','summary':'c'}]}}}",
	    "6.1.14", "$.document.tracking.revision_history[2].number", "" },
	{ "6.1.15 translator", "{'document':{'publisher':{'category':'translator'}}}",
	    "6.1.15", "$.document.source_lang", "" },
	{ "6.1.16 latest version", "{'document':{'tracking':{'version':'2'}}}",
	    "6.1.16", "$.document.tracking.version", "" },
	{ "6.1.17 status draft", "{'document':{'tracking':{'status':'interim','version':'0',"
	    "'revision_history':[{'date':'" D1 "','number':'0','summary':'a'}]}}}",
	    "6.1.17", "$.document.tracking.status", "6.1.18" },
	{ "6.1.18 released history", "{'document':{'tracking':{'revision_history':[{'date':'" D1
	    "','number':'0','summary':'a'},{'date':'" D2 "','number':'1','summary':'b'}]}}}",
	    "6.1.18", "$.document.tracking.revision_history[0].number", "" },
	{ "6.1.19 pre-release in history", "{'document':{'tracking':{'version':'1.0.0',"
	    "'revision_history':[{'date':'" D1 "','number':'1.0.0-rc','summary':'a'},{'date':'" D2
	    "','number':'1.0.0','summary':'b'}]}}}",
	    "6.1.19", "$.document.tracking.revision_history[0].number", "" },
	{ "6.1.20 non-draft pre-release", "{'document':{'tracking':{'status':'interim',"
	    "'version':'1.0.0-rc','revision_history':[{'date':'" D1 "','number':'1.0.0',"
	    "'summary':'a'}]}}}", "6.1.20", "$.document.tracking.version", "6.1.16 6.1.17" },
	{ "6.1.21 missing revision", "{'document':{'tracking':{'version':'3','revision_history':"
	    "[{'date':'" D1 "','number':'1','summary':'a'},{'date':'" D2 "','number':'3',"
	    "'summary':'b'}]}}}", "6.1.21", "$.document.tracking.revision_history[1].number", "" },
	{ "6.1.22 revision twice", "{'document':{'tracking':{'revision_history':[{'date':'" D1
	    "','number':'1','summary':'a'},{'date':'" D2 "','number':'1','summary':'b'}]}}}",
	    "6.1.22", "$.document.tracking.revision_history[1].number", "" },
	{ "6.1.23 CVE twice", "{'vulnerabilities':[{'cve':'CVE-2024-0001'},{'cve':'CVE-2024-0001',"
	    "'title':'again'}]}", "6.1.23", "$.vulnerabilities[1].cve", "" },
	{ "6.1.24 involvement twice", "{'vulnerabilities':[{'involvements':[{'party':'vendor',"
	    "'status':'open','date':'" D1 "'},{'party':'vendor','status':'completed','date':'"
	    "2024-01-01T01:00:00+01:00'}]}]}", "6.1.24", "$.vulnerabilities[0].involvements[1]", "" },
	{ "6.1.25 hash algorithm twice", "{'product_tree':{'full_product_names':[{'name':'A',"
	    "'product_id':'A1','product_identification_helper':{'hashes':[{'filename':'a',"
	    "'file_hashes':[{'algorithm':'sha256','value':'" "0123456789abcdef0123456789abcdef"
	    "'},{'algorithm':'sha256','value':'" "fedcba9876543210fedcba9876543210" "'}]}]}},"
	    "{'name':'B','product_id':'A2'}]}}", "6.1.25",
	    "$.product_tree.full_product_names[0].product_identification_helper.hashes[0]"
	    ".file_hashes[1].algorithm", "" },
	{ "6.1.26 profile's name", "{'document':{'category':'Security_Incident_Response'}}",
	    "6.1.26", "$.document.category", "" },
	{ "6.1.26 reserved prefix", "{'document':{'category':'csaf_own'}}",
	    "6.1.26", "$.document.category", "" },
	{ "6.1.27.1 document notes", IA_PATCH "", "6.1.27.1", "$.document.notes", "" },
	{ "6.1.27.2 document references", IA_PATCH, "6.1.27.2", "$.document.references", "" },
	{ "6.1.27.3 vulnerabilities in an informational advisory", IA_PATCH, "6.1.27.3",
	    "$.vulnerabilities", "" },
	{ "6.1.27.4 product tree", SA_PATCH, "6.1.27.4", "$.product_tree", "6.1.1" },
	{ "6.1.27.5 vulnerability notes", SA_PATCH, "6.1.27.5", "$.vulnerabilities[0].notes", "" },
	{ "6.1.27.6 product status", SA_PATCH, "6.1.27.6",
	    "$.vulnerabilities[0].product_status", "6.1.27.10" },
	{ "6.1.27.7 vex product status", VEX_PATCH, "6.1.27.7",
	    "$.vulnerabilities[0].product_status", "" },
	{ "6.1.27.8 vulnerability id", VEX_PATCH, "6.1.27.8", "$.vulnerabilities[0]", "" },
	{ "6.1.27.9 impact statement", VEX_PATCH, "6.1.27.9",
	    "$.vulnerabilities[0].product_status.known_not_affected[0]", "" },
	{ "6.1.27.10 action statement", VEX_PATCH, "6.1.27.10",
	    "$.vulnerabilities[0].product_status.known_affected[0]", "" },
	{ "6.1.27.11 vulnerabilities", SA_PATCH, "6.1.27.11", "$.vulnerabilities", "" },
	{ "6.1.28 translation", "{'document':{'source_lang':'EN'}}", "6.1.28",
	    "$.document.source_lang", "" },
	{ "6.1.29 remediation without products", "{'vulnerabilities':[{'product_status':"
	    "{'known_affected':['A1']},'remediations':[{'category':'workaround','details':'x'}]}]}",
	    "6.1.29", "$.vulnerabilities[0].remediations[0]", "" },
	{ "6.1.30 mixed versioning", "{'document':{'tracking':{'version':'2.0.0',"
	    "'revision_history':[{'date':'" D1 "','number':'1','summary':'a'},{'date':'" D2
	    "','number':'2.0.0','summary':'b'}]}}}",
	    "6.1.30", "$.document.tracking.revision_history[0].number", "" },
	{ "6.1.31 version range", "{'product_tree':{'branches':[{'category':'vendor','name':'V',"
	    "'branches':[{'category':'product_version','name':'prior to 4.2','product':{'name':"
	    "'B','product_id':'B1'}}]}]}}",
	    "6.1.31", "$.product_tree.branches[0].branches[0].name", "" },
	{ "6.1.32 flag without products", "{'vulnerabilities':[{'product_status':"
	    "{'known_affected':['A1']},'flags':[{'label':'component_not_present'}]}]}",
	    "6.1.32", "$.vulnerabilities[0].flags[0]", "" },
	{ "6.1.33 two flags for a product", "{'vulnerabilities':[{'product_status':"
	    "{'known_not_affected':['A1','A2']},'flags':[{'label':'component_not_present',"
	    "'product_ids':['A1']},{'label':'vulnerable_code_not_present','group_ids':['G1']}]}]}",
	    "6.1.33", "$.vulnerabilities[0].flags[1]", "" },

	/* the schema's rules (section 3) */
	{ "missing title", "{'document':{'title':null}}", "schema", "$.document", "" },
	{ "missing revision history", "{'document':{'tracking':{'revision_history':null}}}",
	    "schema", "$.document.tracking", "" },
	{ "empty revision history", "{'document':{'tracking':{'revision_history':[]}}}",
	    "schema", "$.document.tracking.revision_history", "" },
	{ "bad status", "{'document':{'tracking':{'status':'done'}}}", "schema",
	    "$.document.tracking.status", "" },
	{ "bad csaf_version", "{'document':{'csaf_version':'2.1'}}", "schema",
	    "$.document.csaf_version", "" },
	{ "bad publisher category", "{'document':{'publisher':{'category':'vendors'}}}", "schema",
	    "$.document.publisher.category", "" },
	{ "namespace not a URI", "{'document':{'publisher':{'namespace':'example.com'}}}",
	    "schema", "$.document.publisher.namespace", "" },
	{ "bad tlp", "{'document':{'distribution':{'tlp':{'label':'CLEAR'}}}}", "schema",
	    "$.document.distribution.tlp.label", "" },
	{ "unknown property in document", "{'document':{'severity':'high'}}", "schema",
	    "$.document.severity", "" },
	{ "unknown property in tracking", "{'document':{'tracking':{'x':1}}}", "schema",
	    "$.document.tracking.x", "" },
	{ "unknown property in a vulnerability", "{'vulnerabilities':[{'cve':'CVE-2024-0001',"
	    "'cvss':9}]}", "schema", "$.vulnerabilities[0].cvss", "" },
	{ "bad date", "{'document':{'tracking':{'current_release_date':'2024-13-01T00:00:00Z'}}}",
	    "schema", "$.document.tracking.current_release_date", "" },
	{ "date without zone", "{'document':{'tracking':{'initial_release_date':"
	    "'2024-01-01T00:00:00'}}}", "schema", "$.document.tracking.initial_release_date", "" },
	{ "bad version", "{'document':{'tracking':{'version':'01'}}}", "schema",
	    "$.document.tracking.version", "6.1.16" },
	{ "bad category pattern", "{'document':{'category':'_base'}}", "schema",
	    "$.document.category", "" },
	{ "empty title", "{'document':{'title':''}}", "schema", "$.document.title", "" },
	{ "title not a string", "{'document':{'title':5}}", "schema", "$.document.title", "" },
	{ "bad CVE", "{'vulnerabilities':[{'cve':'CVE-24-1'}]}", "schema",
	    "$.vulnerabilities[0].cve", "" },
	{ "bad CWE", "{'vulnerabilities':[{'cwe':{'id':'CWE-079','name':'x'}}]}", "schema",
	    "$.vulnerabilities[0].cwe.id", "" },
	{ "product ids not unique", "{'vulnerabilities':[{'product_status':{'known_affected':"
	    "['A1','A1']}}]}", "schema", "$.vulnerabilities[0].product_status.known_affected[1]", "" },
	{ "branch with product and branches", "{'product_tree':{'branches':[{'category':'vendor',"
	    "'name':'V','product':{'name':'B','product_id':'B1'},'branches':[{'category':"
	    "'product_name','name':'N','product':{'name':'C','product_id':'C1'}}]}]}}",
	    "schema", "$.product_tree.branches[0]", "" },
	{ "bad branch category", "{'product_tree':{'branches':[{'category':'model','name':'V',"
	    "'product':{'name':'B','product_id':'B1'}}]}}", "schema",
	    "$.product_tree.branches[0].category", "" },
	{ "bad remediation category", "{'vulnerabilities':[{'remediations':[{'category':'fix',"
	    "'details':'x','product_ids':['A1']}]}]}", "schema",
	    "$.vulnerabilities[0].remediations[0].category", "" },
	{ "empty product status", "{'vulnerabilities':[{'cve':'CVE-2024-0001',"
	    "'product_status':{}}]}", "schema", "$.vulnerabilities[0].product_status", "" },
	{ "unknown product status", "{'vulnerabilities':[{'product_status':{'affected':['A1']}}]}",
	    "schema", "$.vulnerabilities[0].product_status.affected", "" },
	{ "group of one", "{'product_tree':{'product_groups':[{'group_id':'G1','product_ids':"
	    "['A1']}]}}", "schema", "$.product_tree.product_groups[0].product_ids", "" },
	{ "short hash", "{'product_tree':{'full_product_names':[{'name':'A','product_id':'A1',"
	    "'product_identification_helper':{'hashes':[{'filename':'a','file_hashes':"
	    "[{'algorithm':'md5','value':'abc'}]}]}},{'name':'B','product_id':'A2'}]}}", "schema",
	    "$.product_tree.full_product_names[0].product_identification_helper.hashes[0]"
	    ".file_hashes[0].value", "" },
	{ "bad lang", "{'document':{'lang':'en_US'}}", "schema", "$.document.lang", "" },
	{ "bad cpe", "{'product_tree':{'full_product_names':[{'name':'A','product_id':'A1',"
	    "'product_identification_helper':{'cpe':'cpe:2.3:a:b'}},{'name':'B','product_id':'A2'}]}}",
	    "schema", "$.product_tree.full_product_names[0].product_identification_helper.cpe", "" },
	{ "cvss score out of range", "{'vulnerabilities':[{'scores':[{'products':['A1'],"
	    "'cvss_v3':{" V31 ",'baseScore':11,'baseSeverity':'CRITICAL'}}]}]}", "6.1.8",
	    "$.vulnerabilities[0].scores[0].cvss_v3.baseScore", "" },
	{ "score without cvss", "{'vulnerabilities':[{'scores':[{'products':['A1']}]}]}", "schema",
	    "$.vulnerabilities[0].scores[0]", "" },
	{ "no document", "{'document':null}", "schema", "$", "" },
	{ "unknown top property", "{'signature':'x'}", "schema", "$.signature", "" },
};

/* the extra patches the profile cases need beyond their profile's
 * patch, by name */
static const char *
extra(const char *name)
{
	if (strstr(name, "6.1.27.1 "))
		return "{'document':{'notes':null}}";
	if (strstr(name, "6.1.27.2 "))
		return "{'document':{'references':null}}";
	if (strstr(name, "6.1.27.3 "))
		return "{'vulnerabilities':[{'cve':'CVE-2024-0001'}]}";
	if (strstr(name, "6.1.27.4 "))
		return "{'product_tree':null}";
	if (strstr(name, "6.1.27.5 "))
		return "{'vulnerabilities':[{'cve':'CVE-2024-0001','product_status':{'known_affected':"
		    "['A1']},'remediations':[{'category':'vendor_fix','details':'x','product_ids':"
		    "['A1']}]}]}";
	if (strstr(name, "6.1.27.6 "))
		return "{'vulnerabilities':[{'cve':'CVE-2024-0001'," NOTES "}]}";
	if (strstr(name, "6.1.27.7 "))
		return "{'vulnerabilities':[{'cve':'CVE-2024-0001'," NOTES ",'product_status':"
		    "{'recommended':['A1']}}]}";
	if (strstr(name, "6.1.27.8 "))
		return "{'vulnerabilities':[{" NOTES "," VEX_STATUS "," VEX_FLAGS "," VEX_REM "}]}";
	if (strstr(name, "6.1.27.9 "))
		return "{'vulnerabilities':[{'cve':'CVE-2024-0001'," NOTES "," VEX_STATUS "," VEX_REM
		    "}]}";
	if (strstr(name, "6.1.27.10 "))
		return "{'vulnerabilities':[{'cve':'CVE-2024-0001'," NOTES "," VEX_STATUS ","
		    VEX_FLAGS "}]}";
	if (strstr(name, "6.1.27.11 "))
		return "{'vulnerabilities':null}";
	return NULL;
}

static void
refused(const struct bad *b)
{
	struct csaf_report rep;
	struct csaf *c = (struct csaf *)1;
	const char *x = extra(b->name);
	char *text = x ? doc(b->patch, x, (char *)NULL) : doc(b->patch, (char *)NULL);
	status rc = csaf_read(text, strlen(text), &c, &rep);
	int found = 0;

	assert_null(c);
	if (rc != ST_INVALID) {
		show(&rep);
		fail_msg("%s: got %s, want invalid", b->name, status_str(rc));
	}
	assert_true(rep.n >= 1 && rep.n <= rep.total);
	for (size_t i = 0; i < rep.n; i++) {
		const struct csaf_problem *p = &rep.p[i];
		char pad[64], also[128];

		if (strcmp(p->test, b->test) == 0 && strcmp(p->path, b->path) == 0) {
			found = 1;
		} else if (strcmp(p->test, b->test) != 0) {
			/* another test may fail only when the case names it */
			snprintf(pad, sizeof pad, " %s ", p->test);
			snprintf(also, sizeof also, " %s ", b->also);
			if (!strstr(also, pad)) {
				show(&rep);
				fail_msg("%s: also fails %s at %s", b->name, p->test, p->path);
			}
		}
		assert_true(strlen(p->what) > 0);
	}
	if (!found) {
		show(&rep);
		fail_msg("%s: no problem %s at %s", b->name, b->test, b->path);
	}
	free(text);
}

static void
test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++)
		refused(&bads[i]);
}

/* ---- documents refused whole ---------------------------------------------- */

static void
test_not_json(void **state)
{
	static const char *const texts[] = { "", "{", "[]", "\"csaf\"", "42", "{\"a\":1,\"a\":2}",
		"{\"document\":{}} x" };
	struct csaf_report rep;
	struct csaf *c;

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		EXPECT(csaf_read(texts[i], strlen(texts[i]), &c, &rep), ST_PARSE);
		assert_null(c);
		assert_int_equal(rep.n, 1);
		assert_int_equal(rep.total, 1);
		assert_string_equal(rep.p[0].test, "json");
		assert_string_equal(rep.p[0].path, "$");
	}
	/* an empty object is JSON, but no CSAF document */
	EXPECT(csaf_read("{}", 2, &c, &rep), ST_INVALID);
	assert_string_equal(rep.p[0].test, "schema");
}

static void
test_limits(void **state)
{
	struct csaf_report rep;
	struct csaf *c;
	size_t n = CSAF_BYTES_MAX + 1, o = 0;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	EXPECT(csaf_read(big, n, &c, &rep), ST_TOOBIG);
	assert_null(c);
	assert_string_equal(rep.p[0].test, "limit");
	/* nested deeper than CSAF_DEPTH_MAX */
	o += (size_t)snprintf(big, n, "{\"document\":{\"notes\":");
	for (int i = 0; i < 100; i++)
		big[o++] = '[';
	for (int i = 0; i < 100; i++)
		big[o++] = ']';
	o += (size_t)snprintf(big + o, n - o, "}}");
	EXPECT(csaf_read(big, o, &c, &rep), ST_TOOBIG);
	assert_string_equal(rep.p[0].test, "limit");
	assert_non_null(strstr(rep.p[0].path, "$.document.notes[0][0]"));
	/* an array over CSAF_ITEMS_MAX */
	o = (size_t)snprintf(big, n, "{\"x\":[");
	for (int i = 0; i <= CSAF_ITEMS_MAX; i++) {
		big[o++] = '0';
		big[o++] = ',';
	}
	big[o - 1] = ']';
	big[o++] = '}';
	EXPECT(csaf_read(big, o, &c, &rep), ST_TOOBIG);
	assert_string_equal(rep.p[0].path, "$.x");
	free(big);
}

/* many - a document with n relationships chained (each on the one
 * before; the first on itself when circle), and n products in one group
 * each vulnerability's flags and threats refer to: read in bounded
 * time. */
static void
hostile(size_t n, int circle, status want)
{
	json_t *d = parse(BASE), *rels = json_array(), *ids = json_array(), *v;
	struct csaf_report rep;
	struct csaf *c;
	clock_t t0;
	char *text;

	for (size_t i = 0; i < n; i++) {
		char id[32], prev[32];

		snprintf(id, sizeof id, "R%zu", i);
		snprintf(prev, sizeof prev, "R%zu", i ? i - 1 : (circle ? n - 1 : 0));
		json_array_append_new(rels, json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "category",
		    "installed_on", "full_product_name", "name", id, "product_id", id,
		    "product_reference", i || circle ? prev : "A1", "relates_to_product_reference",
		    "A2"));
		json_array_append_new(ids, json_string(id));
	}
	json_object_set_new(json_object_get(d, "product_tree"), "relationships", rels);
	json_object_set_new(json_object_get(d, "product_tree"), "product_groups",
	    json_pack("[{s:s, s:o}]", "group_id", "G1", "product_ids", ids));
	v = json_array_get(json_object_get(d, "vulnerabilities"), 0);
	json_object_set_new(v, "flags", json_pack("[{s:s, s:[s]}, {s:s, s:[s]}]", "label",
	    "component_not_present", "group_ids", "G1", "label", "vulnerable_code_not_present",
	    "product_ids", "A2"));
	text = json_dumps(d, JSON_COMPACT);
	t0 = clock();
	EXPECT(csaf_read(text, strlen(text), &c, &rep), want);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	if (want == ST_INVALID)
		assert_string_equal(rep.p[0].test, "6.1.3");
	csaf_free(c);
	free(text);
	json_decref(d);
}

static void
test_hostile(void **state)
{
	(void)state;
	hostile(100000, 0, ST_OK);
	hostile(100000, 1, ST_INVALID);
}

/* ---- what a document that passed gives --------------------------------- */

static void
test_accessors(void **state)
{
	char *text = doc("{'product_tree':{'relationships':[{'category':'installed_on',"
	    "'full_product_name':{'name':'A1 on A2','product_id':'A1-A2'},'product_reference':"
	    "'A1','relates_to_product_reference':'A2'}]}}", (char *)NULL);
	struct csaf_report rep;
	struct csaf *c;
	enum tlp t = TLP_RED;
	json_t *s, *want;

	(void)state;
	EXPECT(csaf_read(text, strlen(text), &c, &rep), ST_OK);
	assert_string_equal(csaf_tracking_id(c), "Example Company - 2019-YH3234");
	assert_string_equal(csaf_version(c), "1");
	assert_string_equal(csaf_title(c), "Example advisory");
	assert_string_equal(csaf_status(c), "final");
	assert_string_equal(csaf_category(c), "csaf_base");
	assert_string_equal(csaf_publisher(c), "Example");
	assert_string_equal(csaf_namespace(c), "https://example.com");
	assert_string_equal(csaf_lang(c), "en");
	assert_string_equal(csaf_tlp_label(c), "WHITE");
	EXPECT(csaf_tlp(c, &t), ST_OK);
	assert_int_equal(t, TLP_CLEAR);
	assert_int_equal(csaf_initial_ms(c), 1704067200000LL);
	assert_int_equal(csaf_current_ms(c), 1704153600000LL);
	assert_int_equal(csaf_n_products(c), 3);
	assert_int_equal(csaf_n_vulns(c), 1);
	assert_non_null(json_object_get(csaf_json(c), "document"));
	s = csaf_summary(c);
	want = parse("{'title':'Example advisory','tracking_id':'Example Company - 2019-YH3234',"
	    "'version':'1','status':'final','category':'csaf_base','publisher':'Example',"
	    "'namespace':'https://example.com','lang':'en','tlp':'WHITE',"
	    "'initial_release_date':'" D1 "','current_release_date':'" D2 "',"
	    "'products':[{'product_id':'A1','name':'A 1.0'},{'product_id':'A2','name':'A 2.0'},"
	    "{'product_id':'A1-A2','name':'A1 on A2'}],"
	    "'vulnerabilities':[{'cve':'CVE-2024-0001','title':'Overflow','cvss':[{'version':'3.1',"
	    "'base_score':9.8,'base_severity':'CRITICAL','vector':"
	    "'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H','products':['A1']}],"
	    "'remediations':[{'category':'vendor_fix','details':'Update to 2.0',"
	    "'url':'https://example.com/fix','product_ids':['A1']}]}]}");
	if (!json_equal(s, want)) {
		char *got = json_dumps(s, JSON_SORT_KEYS);

		fail_msg("summary: %s", got);
	}
	json_decref(s);
	json_decref(want);
	csaf_free(c);
	free(text);
	csaf_free(NULL);
}

static void
test_tlp(void **state)
{
	static const struct {
		const char *patch, *label;
		status rc;
		enum tlp t;
	} cases[] = {
		{ "{}", "WHITE", ST_OK, TLP_CLEAR },
		{ "{'document':{'distribution':{'tlp':{'label':'GREEN'}}}}", "GREEN", ST_OK, TLP_GREEN },
		{ "{'document':{'distribution':{'tlp':{'label':'AMBER'}}}}", "AMBER", ST_OK, TLP_AMBER },
		{ "{'document':{'distribution':{'tlp':{'label':'RED'}}}}", "RED", ST_OK, TLP_RED },
		{ "{'document':{'distribution':{'tlp':null,'text':'Share freely'}}}", "", ST_NOTFOUND,
		    TLP_RED },
		{ "{'document':{'distribution':null,'lang':null}}", "", ST_NOTFOUND, TLP_RED },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = doc(cases[i].patch, (char *)NULL);
		struct csaf_report rep;
		struct csaf *c;
		enum tlp t = TLP_RED;
		json_t *s;

		EXPECT(csaf_read(text, strlen(text), &c, &rep), ST_OK);
		assert_string_equal(csaf_tlp_label(c), cases[i].label);
		EXPECT(csaf_tlp(c, &t), cases[i].rc);
		assert_int_equal(t, cases[i].t);
		s = csaf_summary(c);
		assert_true(cases[i].label[0] ? json_is_string(json_object_get(s, "tlp")) :
		    json_is_null(json_object_get(s, "tlp")));
		json_decref(s);
		csaf_free(c);
		free(text);
	}
}

/* ---- section 5.1, versions ------------------------------------------------ */

static void
test_filename(void **state)
{
	static const struct {
		const char *id, *name;
	} ok[] = {
		{ "Example Company - 2019-YH3234", "example_company_-_2019-yh3234.json" },
		{ "cisco-sa-20190513-secureboot", "cisco-sa-20190513-secureboot.json" },
		{ "RHBA-2019:0024", "rhba-2019_0024.json" },
		{ "2022_#01-A", "2022_01-a.json" },
		{ "a+b", "a+b.json" },
		{ "  x  ", "_x_.json" },
		{ "\xc3\xa9t\xc3\xa9", "_t_.json" },
	};
	char out[CSAF_FILENAME_MAX], longid[CSAF_FILENAME_MAX + 8];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		EXPECT(csaf_filename(ok[i].id, out), ST_OK);
		assert_string_equal(out, ok[i].name);
	}
	EXPECT(csaf_filename("", out), ST_INVALID);
	assert_string_equal(out, "");
	memset(longid, 'a', sizeof longid - 1);
	longid[sizeof longid - 1] = '\0';
	EXPECT(csaf_filename(longid, out), ST_INVALID);
	longid[CSAF_FILENAME_MAX - 6] = '\0';	/* with ".json" and NUL: exactly the room */
	EXPECT(csaf_filename(longid, out), ST_OK);
	assert_int_equal(strlen(out), CSAF_FILENAME_MAX - 1);
}

static void
test_version_cmp(void **state)
{
	/* each before the next (Semantic Versioning 2.0.0, item 11, for the
	 * semantic ones) */
	static const char *const order[] = { "zz", "0", "1", "2", "10", "100", "0.9.9",
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "2.0.0", "10.0.0" };
	size_t n = sizeof order / sizeof order[0];

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int r = csaf_version_cmp(order[i], order[j]);

			if ((i < j && r >= 0) || (i == j && r != 0) || (i > j && r <= 0))
				fail_msg("%s vs %s: %d", order[i], order[j], r);
		}
	assert_int_equal(csaf_version_cmp("1.0.0+build.1", "1.0.0"), 0);
	assert_int_equal(csaf_version_cmp("1.0.0-rc+b", "1.0.0-rc"), 0);
	assert_true(csaf_version_cmp(NULL, "1") < 0);
	assert_true(csaf_version_cmp("99999999999999999999999", "100000000000000000000000") < 0);
}

/* ---- the published material ------------------------------------------------ */

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (b = malloc((size_t)len + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*n = fread(b, 1, (size_t)len, f);
	fclose(f);
	return b;
}

static void
test_published(void **state)
{
	const char *top = getenv("PARLEY_SHARED_DATA");
	char dir[512], path[1024], line[384];
	size_t valid = 0, invalid = 0;
	struct csaf_report rep;
	struct dirent *e;
	FILE *tsv;
	DIR *d;

	(void)state;
	top = top && *top ? top : "../shared/data";
	snprintf(dir, sizeof dir, "%s/csaf/examples", top);
	if ((d = opendir(dir)) == NULL) {
		print_message("skipped: %s/csaf absent\n", top);
		skip();
	}
	while ((e = readdir(d)) != NULL) {
		size_t n, l = strlen(e->d_name);
		struct csaf *c;
		char *text;
		status rc;

		if (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_non_null(text = slurp(path, &n));
		rc = csaf_read(text, n, &c, &rep);
		if (rc != ST_OK) {
			show(&rep);
			fail_msg("%s: refused (%s)", e->d_name, status_str(rc));
		}
		csaf_free(c);
		free(text);
		valid++;
	}
	closedir(d);
	assert_true(valid >= 25);
	snprintf(path, sizeof path, "%s/csaf/invalid/EXPECTED.tsv", top);
	assert_non_null(tsv = fopen(path, "r"));
	while (fgets(line, sizeof line, tsv)) {
		char *tab = strchr(line, '\t'), *tab2, *text;
		struct csaf *c;
		int found = 0;
		size_t n;

		if (strncmp(line, "file\t", 5) == 0 || !tab)
			continue;
		*tab = '\0';
		if ((tab2 = strchr(tab + 1, '\t')) != NULL)
			*tab2 = '\0';
		if (snprintf(path, sizeof path, "%s/csaf/invalid/%s", top, line) >= (int)sizeof path)
			fail_msg("path too long");
		assert_non_null(text = slurp(path, &n));
		EXPECT(csaf_read(text, n, &c, &rep), ST_INVALID);
		for (size_t i = 0; i < rep.n; i++)
			found |= strcmp(rep.p[i].test, tab + 1) == 0;
		if (!found) {
			show(&rep);
			fail_msg("%s: not refused on %s", line, tab + 1);
		}
		free(text);
		invalid++;
	}
	fclose(tsv);
	assert_true(invalid >= 13);
	print_message("published: %zu valid accepted, %zu invalid refused on their test\n", valid,
	    invalid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_tlp),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_published),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
