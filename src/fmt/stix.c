/* stix.c - STIX 2.1 objects read and checked (stix.h, docs/STIX.md).
 *
 * NAME
 *	stix - read a STIX 2.1 object or bundle and check each object
 *
 * DESCRIPTION
 *	One jansson parse of the whole document, then one pass per object:
 *	a walk of its values for the limits, its type and id, the names of
 *	its properties, the common properties its kind takes (section 3.2),
 *	the properties of its type from the tables below (sections 4-7),
 *	the rules between properties no table can say (a family's name,
 *	modified >= created, ...), and its TLP label.  The first rule an
 *	object breaks is its reason; the object is refused, the others go on.
 *	The rules come from the STIX 2.1 OASIS Standard (10 June 2021);
 *	tests/e2e/test_stix_data.py holds them to the OASIS JSON schemas and
 *	lists where parley differs on purpose.
 *
 * SECURITY
 *	Everything here is a peer's or a tool's text.  It is parsed only by
 *	jansson (a member twice in an object refuses the document, so no two
 *	readers see two values); every object is walked under fixed limits
 *	before any rule reads it; a reason quotes nothing of the input but
 *	an identifier that passed the identifier rule (printable, bounded)
 *	or a name cut and shown as printable ASCII (why_shown).  A TLP
 *	marking is recognised by its identifier with the UUID's case
 *	ignored, as RFC 4122 reads UUIDs, so that an upper-case TLP:RED is
 *	never taken for an unmarked object.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "fmt/stix.h"
#include "fmt/why.h"
#include "util/stamp.h"

struct stix_doc {
	json_t *root;
	const char *bundle_id;
	int many;		/* a list of objects (a bundle's, an envelope's) */
	size_t n, refused;
	struct stix_obj *v;
};

/* ---- the tables ------------------------------------------------------- */

/* The value types of the properties the specification defines. */
enum ptype {
	P_STR,		/* string */
	P_STRS,		/* list of string */
	P_TIME,		/* timestamp */
	P_BOOL,		/* boolean */
	P_INT,		/* integer in [lo, hi] */
	P_NUM,		/* number in [lo, hi] */
	P_REF,		/* identifier of a type "to" allows */
	P_REFS,		/* list of them */
	P_KCP,		/* list of kill-chain-phase */
	P_DICT,		/* dictionary */
	P_HASHES,	/* hashes */
	P_LIST,		/* list of anything */
	P_OBJ		/* a JSON object, not empty */
};

/* "to" of a reference: type names joined by '|', or one of these classes
 * (a custom type is allowed by every class: its kind is unknown). */
#define TO_NODE "@node"		/* an SDO or SCO: not an SRO, meta object or bundle */
#define TO_SDO "@sdo"		/* an SDO */
#define TO_SCO "@sco"		/* an SCO */
#define TO_OBSERVED "@observed"	/* an SCO or SRO */
#define TO_OBJECT "@object"	/* any STIX object: not a bundle */

struct prop {
	const char *name;
	unsigned char type;	/* enum ptype */
	unsigned char req;	/* required */
	const char *to;		/* P_REF, P_REFS */
	double lo, hi;		/* P_INT, P_NUM */
};

#define R 1
#define INF 1e300
#define I53 9007199254740991.0	/* 2^53 - 1: section 2.10 */
#define STR(n, r) { n, P_STR, r, NULL, 0, 0 }
#define STRS(n, r) { n, P_STRS, r, NULL, 0, 0 }
#define TIME(n, r) { n, P_TIME, r, NULL, 0, 0 }
#define BOOL(n, r) { n, P_BOOL, r, NULL, 0, 0 }
#define INT(n, r, lo, hi) { n, P_INT, r, NULL, lo, hi }
#define NUM(n, lo, hi) { n, P_NUM, 0, NULL, lo, hi }
#define REF(n, r, to) { n, P_REF, r, to, 0, 0 }
#define REFS(n, r, to) { n, P_REFS, r, to, 0, 0 }
#define KCP(n) { n, P_KCP, 0, NULL, 0, 0 }
#define DICT(n, r) { n, P_DICT, r, NULL, 0, 0 }
#define HASHES(n) { n, P_HASHES, 0, NULL, 0, 0 }
#define LIST(n) { n, P_LIST, 0, NULL, 0, 0 }
#define OBJ(n) { n, P_OBJ, 0, NULL, 0, 0 }
#define END { NULL, 0, 0, NULL, 0, 0 }

struct ctx;
typedef int (*check_fn)(struct ctx *c);

struct stype {
	const char *name;
	enum stix_kind kind;
	const struct prop *props;
	check_fn check;		/* the rules between properties; NULL: none */
};

/* the SDOs, section 4 */
static const struct prop p_attack_pattern[] = { STR("name", R), STR("description", 0),
	STRS("aliases", 0), KCP("kill_chain_phases"), END };
static const struct prop p_campaign[] = { STR("name", R), STR("description", 0),
	STRS("aliases", 0), TIME("first_seen", 0), TIME("last_seen", 0), STR("objective", 0),
	END };
static const struct prop p_course_of_action[] = { STR("name", R), STR("description", 0), END };
static const struct prop p_grouping[] = { STR("name", 0), STR("description", 0),
	STR("context", R), REFS("object_refs", R, TO_OBJECT), END };
static const struct prop p_identity[] = { STR("name", R), STR("description", 0),
	STRS("roles", 0), STR("identity_class", 0), STRS("sectors", 0),
	STR("contact_information", 0), END };
static const struct prop p_incident[] = { STR("name", R), STR("description", 0), END };
static const struct prop p_indicator[] = { STR("name", 0), STR("description", 0),
	STRS("indicator_types", 0), STR("pattern", R), STR("pattern_type", R),
	STR("pattern_version", 0), TIME("valid_from", R), TIME("valid_until", 0),
	KCP("kill_chain_phases"), END };
static const struct prop p_infrastructure[] = { STR("name", R), STR("description", 0),
	STRS("infrastructure_types", 0), STRS("aliases", 0), KCP("kill_chain_phases"),
	TIME("first_seen", 0), TIME("last_seen", 0), END };
static const struct prop p_intrusion_set[] = { STR("name", R), STR("description", 0),
	STRS("aliases", 0), TIME("first_seen", 0), TIME("last_seen", 0), STRS("goals", 0),
	STR("resource_level", 0), STR("primary_motivation", 0),
	STRS("secondary_motivations", 0), END };
static const struct prop p_location[] = { STR("name", 0), STR("description", 0),
	NUM("latitude", -90, 90), NUM("longitude", -180, 180), NUM("precision", -INF, INF),
	STR("region", 0), STR("country", 0), STR("administrative_area", 0), STR("city", 0),
	STR("street_address", 0), STR("postal_code", 0), END };
static const struct prop p_malware[] = { STR("name", 0), STR("description", 0),
	STRS("malware_types", 0), BOOL("is_family", R), STRS("aliases", 0),
	KCP("kill_chain_phases"), TIME("first_seen", 0), TIME("last_seen", 0),
	REFS("operating_system_refs", 0, "software"), STRS("architecture_execution_envs", 0),
	STRS("implementation_languages", 0), STRS("capabilities", 0),
	REFS("sample_refs", 0, "file|artifact"), END };
static const struct prop p_malware_analysis[] = { STR("product", R), STR("version", 0),
	REF("host_vm_ref", 0, "software"), REF("operating_system_ref", 0, "software"),
	REFS("installed_software_refs", 0, "software"), STR("configuration_version", 0),
	STRS("modules", 0), STR("analysis_engine_version", 0),
	STR("analysis_definition_version", 0), TIME("submitted", 0),
	TIME("analysis_started", 0), TIME("analysis_ended", 0), STR("result_name", 0),
	STR("result", 0), REFS("analysis_sco_refs", 0, TO_SCO),
	REF("sample_ref", 0, "file|network-traffic|artifact"), END };
static const struct prop p_note[] = { STR("abstract", 0), STR("content", R),
	STRS("authors", 0), REFS("object_refs", R, TO_OBJECT), END };
static const struct prop p_observed_data[] = { TIME("first_observed", R),
	TIME("last_observed", R), INT("number_observed", R, 1, 999999999),
	DICT("objects", 0), REFS("object_refs", 0, TO_OBSERVED), END };
static const struct prop p_opinion[] = { STR("explanation", 0), STRS("authors", 0),
	STR("opinion", R), REFS("object_refs", R, TO_OBJECT), END };
static const struct prop p_report[] = { STR("name", R), STR("description", 0),
	STRS("report_types", 0), TIME("published", R), REFS("object_refs", R, TO_OBJECT),
	END };
static const struct prop p_threat_actor[] = { STR("name", R), STR("description", 0),
	STRS("threat_actor_types", 0), STRS("aliases", 0), TIME("first_seen", 0),
	TIME("last_seen", 0), STRS("roles", 0), STRS("goals", 0), STR("sophistication", 0),
	STR("resource_level", 0), STR("primary_motivation", 0),
	STRS("secondary_motivations", 0), STRS("personal_motivations", 0), END };
static const struct prop p_tool[] = { STR("name", R), STR("description", 0),
	STRS("tool_types", 0), STRS("aliases", 0), KCP("kill_chain_phases"),
	STR("tool_version", 0), END };
static const struct prop p_vulnerability[] = { STR("name", R), STR("description", 0), END };

/* the SROs, section 5 */
static const struct prop p_relationship[] = { STR("relationship_type", R),
	STR("description", 0), REF("source_ref", R, TO_NODE), REF("target_ref", R, TO_NODE),
	TIME("start_time", 0), TIME("stop_time", 0), END };
static const struct prop p_sighting[] = { STR("description", 0), TIME("first_seen", 0),
	TIME("last_seen", 0), INT("count", 0, 0, 999999999), REF("sighting_of_ref", R, TO_SDO),
	REFS("observed_data_refs", 0, "observed-data"),
	REFS("where_sighted_refs", 0, "identity|location"), BOOL("summary", 0), END };

/* the SCOs, section 6: required properties, references and simple types */
#define NET_ADDR "ipv4-addr|ipv6-addr|mac-addr|domain-name"
static const struct prop p_artifact[] = { STR("mime_type", 0), STR("payload_bin", 0),
	STR("url", 0), HASHES("hashes"), STR("encryption_algorithm", 0),
	STR("decryption_key", 0), END };
static const struct prop p_autonomous_system[] = { INT("number", R, 0, I53), STR("name", 0),
	STR("rir", 0), END };
static const struct prop p_directory[] = { STR("path", R), STR("path_enc", 0),
	TIME("ctime", 0), TIME("mtime", 0), TIME("atime", 0),
	REFS("contains_refs", 0, "file|directory"), END };
static const struct prop p_domain_name[] = { STR("value", R),
	REFS("resolves_to_refs", 0, "ipv4-addr|ipv6-addr|domain-name"), END };
static const struct prop p_email_addr[] = { STR("value", R), STR("display_name", 0),
	REF("belongs_to_ref", 0, "user-account"), END };
static const struct prop p_email_message[] = { BOOL("is_multipart", R), TIME("date", 0),
	STR("content_type", 0), REF("from_ref", 0, "email-addr"),
	REF("sender_ref", 0, "email-addr"), REFS("to_refs", 0, "email-addr"),
	REFS("cc_refs", 0, "email-addr"), REFS("bcc_refs", 0, "email-addr"),
	STR("message_id", 0), STR("subject", 0), STRS("received_lines", 0),
	DICT("additional_header_fields", 0), STR("body", 0), LIST("body_multipart"),
	REF("raw_email_ref", 0, "artifact"), END };
static const struct prop p_file[] = { HASHES("hashes"), INT("size", 0, 0, I53),
	STR("name", 0), STR("name_enc", 0), STR("mime_type", 0), TIME("ctime", 0),
	TIME("mtime", 0), TIME("atime", 0), REF("parent_directory_ref", 0, "directory"),
	REFS("contains_refs", 0, TO_SCO), REF("content_ref", 0, "artifact"), END };
static const struct prop p_ip_addr[] = { STR("value", R),
	REFS("resolves_to_refs", 0, "mac-addr"),
	REFS("belongs_to_refs", 0, "autonomous-system"), END };
static const struct prop p_mac_addr[] = { STR("value", R), END };
static const struct prop p_mutex[] = { STR("name", R), END };
static const struct prop p_network_traffic[] = { TIME("start", 0), TIME("end", 0),
	BOOL("is_active", 0), REF("src_ref", 0, NET_ADDR), REF("dst_ref", 0, NET_ADDR),
	INT("src_port", 0, 0, 65535), INT("dst_port", 0, 0, 65535), STRS("protocols", R),
	INT("src_byte_count", 0, 0, I53), INT("dst_byte_count", 0, 0, I53),
	INT("src_packets", 0, 0, I53), INT("dst_packets", 0, 0, I53), DICT("ipfix", 0),
	REF("src_payload_ref", 0, "artifact"), REF("dst_payload_ref", 0, "artifact"),
	REFS("encapsulates_refs", 0, "network-traffic"),
	REF("encapsulated_by_ref", 0, "network-traffic"), END };
static const struct prop p_process[] = { BOOL("is_hidden", 0), INT("pid", 0, -I53, I53),
	TIME("created_time", 0), STR("cwd", 0), STR("command_line", 0),
	DICT("environment_variables", 0), REFS("opened_connection_refs", 0, "network-traffic"),
	REF("creator_user_ref", 0, "user-account"), REF("image_ref", 0, "file"),
	REF("parent_ref", 0, "process"), REFS("child_refs", 0, "process"), END };
static const struct prop p_software[] = { STR("name", R), STR("cpe", 0), STR("swid", 0),
	STRS("languages", 0), STR("vendor", 0), STR("version", 0), END };
static const struct prop p_url[] = { STR("value", R), END };
static const struct prop p_user_account[] = { STR("user_id", 0), STR("credential", 0),
	STR("account_login", 0), STR("account_type", 0), STR("display_name", 0),
	BOOL("is_service_account", 0), BOOL("is_privileged", 0),
	BOOL("can_escalate_privs", 0), BOOL("is_disabled", 0), TIME("account_created", 0),
	TIME("account_expires", 0), TIME("credential_last_changed", 0),
	TIME("account_first_login", 0), TIME("account_last_login", 0), END };
static const struct prop p_windows_registry_key[] = { STR("key", 0), LIST("values"),
	TIME("modified_time", 0), REF("creator_user_ref", 0, "user-account"),
	INT("number_of_subkeys", 0, 0, I53), END };
static const struct prop p_x509_certificate[] = { BOOL("is_self_signed", 0),
	HASHES("hashes"), STR("version", 0), STR("serial_number", 0),
	STR("signature_algorithm", 0), STR("issuer", 0), TIME("validity_not_before", 0),
	TIME("validity_not_after", 0), STR("subject", 0),
	STR("subject_public_key_algorithm", 0), STR("subject_public_key_modulus", 0),
	INT("subject_public_key_exponent", 0, 0, I53), OBJ("x509_v3_extensions"), END };

/* the meta objects, section 7 */
static const struct prop p_language_content[] = { REF("object_ref", R, TO_OBJECT),
	TIME("object_modified", 0), DICT("contents", R), END };
static const struct prop p_marking_definition[] = { STR("name", 0),
	STR("definition_type", 0), OBJ("definition"), END };
static const struct prop p_extension_definition[] = { STR("name", R),
	STR("description", 0), STR("schema", R), STR("version", R),
	STRS("extension_types", R), STRS("extension_properties", 0), END };

static int chk_seen(struct ctx *c);
static int chk_indicator(struct ctx *c);
static int chk_location(struct ctx *c);
static int chk_malware(struct ctx *c);
static int chk_malware_analysis(struct ctx *c);
static int chk_observed_data(struct ctx *c);
static int chk_opinion(struct ctx *c);
static int chk_relationship(struct ctx *c);
static int chk_artifact(struct ctx *c);
static int chk_email_message(struct ctx *c);
static int chk_file(struct ctx *c);
static int chk_mac_addr(struct ctx *c);
static int chk_network_traffic(struct ctx *c);
static int chk_one_property(struct ctx *c);
static int chk_language_content(struct ctx *c);
static int chk_marking_definition(struct ctx *c);
static int chk_extension_definition(struct ctx *c);

/* Sorted by name (strcmp): find_type searches it by halves. */
static const struct stype types[] = {
	{ "artifact", STIX_SCO, p_artifact, chk_artifact },
	{ "attack-pattern", STIX_SDO, p_attack_pattern, NULL },
	{ "autonomous-system", STIX_SCO, p_autonomous_system, NULL },
	{ "campaign", STIX_SDO, p_campaign, chk_seen },
	{ "course-of-action", STIX_SDO, p_course_of_action, NULL },
	{ "directory", STIX_SCO, p_directory, NULL },
	{ "domain-name", STIX_SCO, p_domain_name, NULL },
	{ "email-addr", STIX_SCO, p_email_addr, NULL },
	{ "email-message", STIX_SCO, p_email_message, chk_email_message },
	{ "extension-definition", STIX_META, p_extension_definition, chk_extension_definition },
	{ "file", STIX_SCO, p_file, chk_file },
	{ "grouping", STIX_SDO, p_grouping, NULL },
	{ "identity", STIX_SDO, p_identity, NULL },
	{ "incident", STIX_SDO, p_incident, NULL },
	{ "indicator", STIX_SDO, p_indicator, chk_indicator },
	{ "infrastructure", STIX_SDO, p_infrastructure, chk_seen },
	{ "intrusion-set", STIX_SDO, p_intrusion_set, chk_seen },
	{ "ipv4-addr", STIX_SCO, p_ip_addr, NULL },
	{ "ipv6-addr", STIX_SCO, p_ip_addr, NULL },
	{ "language-content", STIX_META, p_language_content, chk_language_content },
	{ "location", STIX_SDO, p_location, chk_location },
	{ "mac-addr", STIX_SCO, p_mac_addr, chk_mac_addr },
	{ "malware", STIX_SDO, p_malware, chk_malware },
	{ "malware-analysis", STIX_SDO, p_malware_analysis, chk_malware_analysis },
	{ "marking-definition", STIX_META, p_marking_definition, chk_marking_definition },
	{ "mutex", STIX_SCO, p_mutex, NULL },
	{ "network-traffic", STIX_SCO, p_network_traffic, chk_network_traffic },
	{ "note", STIX_SDO, p_note, NULL },
	{ "observed-data", STIX_SDO, p_observed_data, chk_observed_data },
	{ "opinion", STIX_SDO, p_opinion, chk_opinion },
	{ "process", STIX_SCO, p_process, chk_one_property },
	{ "relationship", STIX_SRO, p_relationship, chk_relationship },
	{ "report", STIX_SDO, p_report, NULL },
	{ "sighting", STIX_SRO, p_sighting, chk_seen },
	{ "software", STIX_SCO, p_software, NULL },
	{ "threat-actor", STIX_SDO, p_threat_actor, chk_seen },
	{ "tool", STIX_SDO, p_tool, NULL },
	{ "url", STIX_SCO, p_url, NULL },
	{ "user-account", STIX_SCO, p_user_account, chk_one_property },
	{ "vulnerability", STIX_SDO, p_vulnerability, NULL },
	{ "windows-registry-key", STIX_SCO, p_windows_registry_key, chk_one_property },
	{ "x509-certificate", STIX_SCO, p_x509_certificate, chk_one_property },
};
#define N_TYPES (sizeof types / sizeof types[0])

/* find_type - the specification's type s[0..n), or NULL (a custom type). */
static const struct stype *
find_type(const char *s, size_t n)
{
	size_t lo = 0, hi = N_TYPES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, m = strlen(types[mid].name);
		int d = memcmp(s, types[mid].name, n < m ? n : m);

		if (d == 0)
			d = n < m ? -1 : n > m;
		if (d == 0)
			return &types[mid];
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The TLP marking-definitions: TLP 1.0 of section 7.2.1.4, TLP 2.0 of the
 * OASIS extension definition below.  TLP:WHITE is TLP:CLEAR's level. */
#define TLP2_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define MD_PREFIX "marking-definition--"
#define MD_PREFIX_LEN (sizeof MD_PREFIX - 1)

static const struct {
	const char *uuid;
	enum tlp tlp;
	unsigned from;
	const char *name, *value;	/* "name", and definition.tlp or tlp_2_0 */
} tlps[] = {
	{ "613f2e26-407d-48c7-9eca-b8e91df99dc9", TLP_CLEAR, STIX_TLP_V1, "TLP:WHITE", "white" },
	{ "34098fce-860f-48ae-8e50-ebd3cc5e41da", TLP_GREEN, STIX_TLP_V1, "TLP:GREEN", "green" },
	{ "f88d31f6-486f-44da-b317-01333bde0b82", TLP_AMBER, STIX_TLP_V1, "TLP:AMBER", "amber" },
	{ "5e57c739-391a-4eb3-b6be-7d15ca92d5ed", TLP_RED, STIX_TLP_V1, "TLP:RED", "red" },
	{ "94868c89-83c2-464b-929b-a1a8aa3c8487", TLP_CLEAR, STIX_TLP_V2, "TLP:CLEAR", "clear" },
	{ "bab4a63c-aed9-4cf5-a766-dfca5abac2bb", TLP_GREEN, STIX_TLP_V2, "TLP:GREEN", "green" },
	{ "55d920b0-5e8b-4f79-9ee9-91f868d9b421", TLP_AMBER, STIX_TLP_V2, "TLP:AMBER", "amber" },
	{ "939a9414-2ddd-4d32-a0cd-375ea402b003", TLP_AMBER_STRICT, STIX_TLP_V2,
	    "TLP:AMBER+STRICT", "amber+strict" },
	{ "e828b379-4e03-4974-9ac4-e53a884c97c1", TLP_RED, STIX_TLP_V2, "TLP:RED", "red" },
};
#define N_TLPS (sizeof tlps / sizeof tlps[0])

/* tlp_index - the entry of tlps id names, or -1. */
static int
tlp_index(const char *id)
{
	if (strncmp(id, MD_PREFIX, MD_PREFIX_LEN) != 0 || strlen(id) != MD_PREFIX_LEN + 36)
		return -1;
	for (size_t i = 0; i < N_TLPS; i++)
		if (strncasecmp(id + MD_PREFIX_LEN, tlps[i].uuid, 36) == 0)
			return (int)i;
	return -1;
}

int
stix_tlp_of(const char *id, enum tlp *t, unsigned *from)
{
	int i = id ? tlp_index(id) : -1;

	if (i < 0)
		return 0;
	*t = tlps[i].tlp;
	*from = tlps[i].from;
	return 1;
}

/* ---- the object being checked, and its reason ------------------------- */

struct ctx {
	struct stix_obj *o;
	const json_t *j;
	const struct stype *t;	/* NULL for a custom type */
	char name[STIX_ID_MAX + 32];	/* how the reason names the object */
	char why[STIX_WHY_MAX];
};

/* refuse - the reason "NAME: WHAT" into c->why; returns -1. */
static int refuse(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
refuse(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->why, sizeof c->why, "%s: ", c->name);

	if (n > 0 && (size_t)n < sizeof c->why) {
		va_start(ap, fmt);
		vsnprintf(c->why + n, sizeof c->why - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- the shapes of names, identifiers and times ------------------------ */

static int
lower(char ch)
{
	return ch >= 'a' && ch <= 'z';
}

static int
digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
hexdig(char ch)
{
	return digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* type_ok - s[0..n) is a type name (sections 3.1, 11.2): 3-250 of a-z,
 * 0-9 and '-', a letter first, no "--", no '-' last (no identifier could
 * then be written for it). */
static int
type_ok(const char *s, size_t n)
{
	if (n < 3 || n > STIX_TYPE_MAX || !lower(s[0]) || s[n - 1] == '-')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(lower(s[i]) || digit(s[i]) || (s[i] == '-' && s[i - 1] != '-')))
			return 0;
	return 1;
}

/* uuid_ok - s[0..36) is an RFC 4122 UUID: 8-4-4-4-12 hex digits of either
 * case, version 1-5, the RFC 4122 variant (10xx).  The specification asks
 * for RFC 4122 and recommends versions 4 and 5 (section 2.9); the OASIS
 * schemas accept versions 1-5, and so does parley. */
static int
uuid_ok(const char *s)
{
	for (int i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : !hexdig(s[i]))
			return 0;
	return s[14] >= '1' && s[14] <= '5' && strchr("89abAB", s[19]) && s[19];
}

/* id_split - s (n bytes) is an identifier TYPE--UUID (section 2.9): 1 with
 * *tn the length of TYPE, else 0.  A type holds no "--", so the first
 * "--" ends it. */
static int
id_split(const char *s, size_t n, size_t *tn)
{
	const char *p = n >= 2 ? memchr(s, '-', n - 1) : NULL;

	while (p && p[1] != '-')
		p = memchr(p + 1, '-', (size_t)(s + n - 1 - (p + 1)));
	if (!p || !type_ok(s, (size_t)(p - s)) || n - (size_t)(p - s) != 2 + 36 ||
	    !uuid_ok(p + 2))
		return 0;
	*tn = (size_t)(p - s);
	return 1;
}

/* name_ok - a property name (sections 3.1, 11.1): "id", or 3-250 of a-z,
 * 0-9 and '_', a letter first. */
static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (strcmp(s, "id") == 0)
		return 1;
	if (n < 3 || n > 250 || !lower(s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(lower(s[i]) || digit(s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* key_ok - a dictionary key (section 2.3): min..250 of a-z, A-Z, 0-9,
 * '-' and '_'. */
static int
key_ok(const char *s, size_t min)
{
	size_t n = strlen(s);

	if (n < min || n > 250)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(lower(s[i]) || (s[i] >= 'A' && s[i] <= 'Z') || digit(s[i]) || s[i] == '-' ||
		    s[i] == '_'))
			return 0;
	return 1;
}

/* lang_ok - the shape of an RFC 5646 language tag: 1-8 letters, then
 * subtags of 1-8 letters and digits after '-'.  The registry's subtags
 * are not checked. */
static int
lang_ok(const char *s)
{
	size_t run = 0, i;

	for (i = 0; s[i]; i++) {
		char ch = s[i];

		if (ch == '-') {
			if (run == 0)
				return 0;
			run = 0;
		} else if (((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || (digit(ch) && i > run)) {
			if (++run > 8)
				return 0;
		} else {
			return 0;
		}
	}
	return run > 0;
}

/* hex_ok - the hex type (section 2.8): pairs of 0-9 and lowercase a-f. */
static int
hex_ok(const char *s, size_t n)
{
	if (n == 0 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* b64_ok - the binary type (section 2.1): RFC 4648 base64, padded. */
static int
b64_ok(const char *s, size_t n)
{
	size_t pad = 0;

	if (n == 0 || n % 4)
		return 0;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < n - pad; i++)
		if (!((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') && !digit(s[i]) &&
		    s[i] != '+' && s[i] != '/')
			return 0;
	return 1;
}

/* A timestamp as read: milliseconds, and its digits past the millisecond
 * for comparing two that share one. */
struct ts {
	int64_t ms;
	const char *frac;	/* the digits after '.', or "" */
	size_t nfrac;
};

enum { TS_OK, TS_BAD, TS_COARSE };

/* ts_read - s[0..n) as YYYY-MM-DDTHH:MM:SS[.s+]Z (section 2.16), a real
 * date of RFC 3339 (second 60 for a leap second), into *t; TS_COARSE when
 * need_ms and it has fewer than three digits after the point.  The date
 * itself is read by stamp_parse, from the same text cut to milliseconds. */
static int
ts_read(const char *s, size_t n, int need_ms, struct ts *t)
{
	char norm[STAMP_TIME_LEN];
	size_t nf = 0;
	int leap = 0;

	if (n < 20 || s[n - 1] != 'Z' || (n > 20 && s[19] != '.') || n == 21)
		return TS_BAD;
	if (n > 20)
		nf = n - 21;
	for (size_t i = 0; i < nf; i++)
		if (!digit(s[20 + i]))
			return TS_BAD;
	memcpy(norm, s, 19);
	if (norm[17] == '6' && norm[18] == '0') {
		norm[18] = '9';
		norm[17] = '5';
		leap = 1;
	}
	norm[19] = '.';
	for (size_t i = 0; i < 3; i++)
		norm[20 + i] = i < nf ? s[20 + i] : '0';
	norm[23] = 'Z';
	norm[24] = '\0';
	if (stamp_parse(norm, &t->ms) != ST_OK)
		return TS_BAD;
	t->ms += leap * 1000;
	t->frac = nf ? s + 20 : "";
	t->nfrac = nf;
	return need_ms && nf < 3 ? TS_COARSE : TS_OK;
}

/* ts_cmp - <0, 0, >0 as a is before, at, after b, to every digit given. */
static int
ts_cmp(const struct ts *a, const struct ts *b)
{
	size_t n = a->nfrac > b->nfrac ? a->nfrac : b->nfrac;

	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	for (size_t i = 3; i < n; i++) {
		char x = i < a->nfrac ? a->frac[i] : '0', y = i < b->nfrac ? b->frac[i] : '0';

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* ---- values of the common types --------------------------------------- */

/* get_time - o's member name as a timestamp into *t: 0; 1 when absent;
 * -1 refused. */
static int
get_time(struct ctx *c, const char *name, int need_ms, struct ts *t)
{
	const json_t *v = json_object_get(c->j, name);
	int r;

	if (!v)
		return 1;
	if (!json_is_string(v))
		return refuse(c, "\"%s\" is not a timestamp string", name);
	r = ts_read(json_string_value(v), json_string_length(v), need_ms, t);
	if (r == TS_BAD)
		return refuse(c, "\"%s\" is not an RFC 3339 UTC timestamp "
		    "(YYYY-MM-DDTHH:MM:SS[.s+]Z, a real date)", name);
	if (r == TS_COARSE)
		return refuse(c, "\"%s\" is less precise than milliseconds (section 3.2)", name);
	return 0;
}

/* order - when both are present, b must not be before a (strict: must be
 * after a). */
static int
order(struct ctx *c, const char *a, const char *b, int strict)
{
	struct ts ta, tb;

	if (get_time(c, a, 0, &ta) || get_time(c, b, 0, &tb))
		return 0;	/* absent; a bad one is refused by its table */
	if (strict ? ts_cmp(&tb, &ta) <= 0 : ts_cmp(&tb, &ta) < 0)
		return refuse(c, "\"%s\" is %s \"%s\"", b, strict ? "not later than" :
		    "earlier than", a);
	return 0;
}

/* describe - what "to" allows, for a reason. */
static const char *
describe(const char *to)
{
	if (strcmp(to, TO_NODE) == 0)
		return "an SDO or SCO";
	if (strcmp(to, TO_SDO) == 0)
		return "an SDO";
	if (strcmp(to, TO_SCO) == 0)
		return "an SCO";
	if (strcmp(to, TO_OBSERVED) == 0)
		return "an SCO or SRO";
	if (strcmp(to, TO_OBJECT) == 0)
		return "a STIX object";
	return to;	/* "identity|location" */
}

/* allowed - may a reference of "to" name type s[0..n)? */
static int
allowed(const char *to, const char *s, size_t n)
{
	const struct stype *t = find_type(s, n);
	int bundle = n == 6 && memcmp(s, "bundle", 6) == 0;

	if (to[0] == '@') {
		if (bundle)
			return 0;
		if (!t || strcmp(to, TO_OBJECT) == 0)
			return 1;
		if (strcmp(to, TO_NODE) == 0)
			return t->kind == STIX_SDO || t->kind == STIX_SCO;
		if (strcmp(to, TO_SDO) == 0)
			return t->kind == STIX_SDO;
		if (strcmp(to, TO_SCO) == 0)
			return t->kind == STIX_SCO;
		return t->kind == STIX_SCO || t->kind == STIX_SRO;	/* TO_OBSERVED */
	}
	for (const char *p = to; *p;) {
		size_t k = strcspn(p, "|");

		if (k == n && memcmp(p, s, n) == 0)
			return 1;
		p += k + (p[k] == '|');
	}
	return 0;
}

/* ref_check - v, at what (a quoted name, perhaps with [N]), is an
 * identifier of a type "to" allows. */
static int
ref_check(struct ctx *c, const char *what, const json_t *v, const char *to)
{
	const char *s;
	size_t tn;

	if (!json_is_string(v) || !id_split(s = json_string_value(v), json_string_length(v), &tn))
		return refuse(c, "%s is not an identifier (type--UUID, RFC 4122)", what);
	if (!allowed(to, s, tn))	/* a type of 250 characters is cut to 64 */
		return refuse(c, "%s refers to type %.*s; it must be %s", what,
		    (int)(tn > 64 ? 64 : tn), s, describe(to));
	return 0;
}

/* list_check - v, o's member name, is a list of at least one value
 * (section 2.12: no empty lists). */
static int
list_check(struct ctx *c, const char *name, const json_t *v)
{
	if (!json_is_array(v))
		return refuse(c, "\"%s\" is not a list", name);
	if (json_array_size(v) == 0)
		return refuse(c, "\"%s\" is an empty list (section 2.12)", name);
	return 0;
}

/* dict_check - v is a dictionary: an object of at least one key, each
 * key_ok (min bytes) (section 2.3). */
static int
dict_check(struct ctx *c, const char *name, const json_t *v, size_t min)
{
	char shown[WHY_SHOWN_MAX + 4];
	const char *k;
	json_t *x;

	if (!json_is_object(v))
		return refuse(c, "\"%s\" is not a dictionary", name);
	if (json_object_size(v) == 0)
		return refuse(c, "\"%s\" is an empty dictionary (section 2.3)", name);
	json_object_foreach((json_t *)v, k, x) {
		(void)x;
		if (!key_ok(k, min))
			return refuse(c, "\"%s\" has key \"%s\", not %zu-250 of a-z, A-Z, 0-9, "
			    "'-', '_' (section 2.3)", name, why_shown(k, shown), min);
	}
	return 0;
}

/* prop_check - o's member p->name as the table says. */
static int
prop_check(struct ctx *c, const struct prop *p)
{
	const json_t *v = json_object_get(c->j, p->name), *x;
	const char *k;
	char what[300];
	struct ts t;
	double d;
	size_t i;

	if (!v)
		return p->req ? refuse(c, "\"%s\" is required", p->name) : 0;
	switch (p->type) {
	case P_STR:
		if (!json_is_string(v))
			return refuse(c, "\"%s\" is not a string", p->name);
		return 0;
	case P_STRS:
		if (list_check(c, p->name, v))
			return -1;
		json_array_foreach(v, i, x)
			if (!json_is_string(x))
				return refuse(c, "\"%s\"[%zu] is not a string", p->name, i);
		return 0;
	case P_TIME:
		return get_time(c, p->name, 0, &t) < 0 ? -1 : 0;
	case P_BOOL:
		if (!json_is_boolean(v))
			return refuse(c, "\"%s\" is not a boolean", p->name);
		return 0;
	case P_INT:
		if (!json_is_integer(v))
			return refuse(c, "\"%s\" is not an integer", p->name);
		d = (double)json_integer_value(v);
		if (d < p->lo || d > p->hi)
			return refuse(c, "\"%s\" is not in %.0f..%.0f", p->name, p->lo, p->hi);
		return 0;
	case P_NUM:
		if (!json_is_number(v))
			return refuse(c, "\"%s\" is not a number", p->name);
		d = json_number_value(v);
		if (d < p->lo || d > p->hi)
			return refuse(c, "\"%s\" is not in %g..%g", p->name, p->lo, p->hi);
		return 0;
	case P_REF:
		snprintf(what, sizeof what, "\"%s\"", p->name);
		return ref_check(c, what, v, p->to);
	case P_REFS:
		if (list_check(c, p->name, v))
			return -1;
		json_array_foreach(v, i, x) {
			snprintf(what, sizeof what, "\"%s\"[%zu]", p->name, i);
			if (ref_check(c, what, x, p->to))
				return -1;
		}
		return 0;
	case P_KCP:
		if (list_check(c, p->name, v))
			return -1;
		json_array_foreach(v, i, x)
			if (!json_is_object(x) ||
			    !json_is_string(json_object_get(x, "kill_chain_name")) ||
			    !json_is_string(json_object_get(x, "phase_name")))
				return refuse(c, "\"%s\"[%zu] is not a kill-chain-phase (strings "
				    "\"kill_chain_name\" and \"phase_name\", section 2.11)", p->name, i);
		return 0;
	case P_DICT:
		return dict_check(c, p->name, v, 1);
	case P_HASHES:
		if (dict_check(c, p->name, v, 3))
			return -1;
		json_object_foreach((json_t *)v, k, x)
			if (!json_is_string(x))
				return refuse(c, "\"%s\" holds a hash that is not a string (section 2.7)",
				    p->name);
		return 0;
	case P_LIST:
		return list_check(c, p->name, v);
	case P_OBJ:
		if (!json_is_object(v) || json_object_size(v) == 0)
			return refuse(c, "\"%s\" is not a non-empty object", p->name);
		return 0;
	}
	abort();	/* a table holds only the types above */
}

/* ---- the common properties (section 3.2) ------------------------------ */

/* extref_check - external_references[i] (section 2.5). */
static int
extref_check(struct ctx *c, size_t i, const json_t *r)
{
	static const char *const strs[] = { "source_name", "description", "url",
		"external_id", NULL };
	const json_t *src = json_object_get(r, "source_name"), *eid, *h;
	const char *s, *e, *k;
	json_t *x;

	if (!json_is_object(r))
		return refuse(c, "\"external_references\"[%zu] is not an object", i);
	if (!src)
		return refuse(c, "\"external_references\"[%zu] has no \"source_name\" "
		    "(section 2.5)", i);
	for (int k2 = 0; strs[k2]; k2++) {
		const json_t *v = json_object_get(r, strs[k2]);

		if (v && !json_is_string(v))
			return refuse(c, "\"external_references\"[%zu].%s is not a string", i,
			    strs[k2]);
	}
	if (!json_object_get(r, "description") && !json_object_get(r, "url") &&
	    !json_object_get(r, "external_id"))
		return refuse(c, "\"external_references\"[%zu] has none of \"description\", "
		    "\"url\", \"external_id\" (section 2.5)", i);
	if ((h = json_object_get(r, "hashes"))) {
		if (!json_is_object(h) || json_object_size(h) == 0)
			return refuse(c, "\"external_references\"[%zu].hashes is not a non-empty "
			    "dictionary", i);
		json_object_foreach((json_t *)h, k, x)
			if (!key_ok(k, 3) || !json_is_string(x))
				return refuse(c, "\"external_references\"[%zu].hashes is not a hashes "
				    "dictionary (section 2.7)", i);
	}
	/* a CVE or CAPEC identifier written as sections 4.1 and 4.19 say */
	s = json_string_value(src);
	eid = json_object_get(r, "external_id");
	e = eid ? json_string_value(eid) : NULL;
	if (strcmp(s, "cve") == 0) {
		size_t n = e ? strlen(e) : 0, d = 0;

		while (e && 9 + d < n && digit(e[9 + d]))
			d++;
		if (!e || n < 13 || strncmp(e, "CVE-", 4) != 0 || !digit(e[4]) || !digit(e[5]) ||
		    !digit(e[6]) || !digit(e[7]) || e[8] != '-' || 9 + d != n || d < 4 ||
		    (d > 4 && e[9] == '0'))
			return refuse(c, "\"external_references\"[%zu]: a \"cve\" source needs "
			    "\"external_id\" CVE-YYYY-NNNN", i);
	} else if (strcmp(s, "capec") == 0) {
		size_t n = e ? strlen(e) : 0, d = 6;

		while (e && d < n && digit(e[d]))
			d++;
		if (!e || n < 7 || strncmp(e, "CAPEC-", 6) != 0 || d != n)
			return refuse(c, "\"external_references\"[%zu]: a \"capec\" source needs "
			    "\"external_id\" CAPEC-N", i);
	}
	return 0;
}

/* selector_ok - sel names content present in the object (section 7.2.3):
 * components split by '.', each a property name or dictionary key, or
 * [N], a list index. */
static int
selector_ok(const json_t *o, const char *sel)
{
	const json_t *at = o;
	const char *p = sel;

	for (;;) {
		size_t n = strcspn(p, ".");

		if (n == 0)
			return 0;
		if (p[0] == '[') {
			size_t idx = 0;

			if (n < 3 || p[n - 1] != ']' || !json_is_array(at))
				return 0;
			for (size_t i = 1; i < n - 1; i++) {
				if (!digit(p[i]) || idx > SIZE_MAX / 10 - 10)
					return 0;
				idx = idx * 10 + (size_t)(p[i] - '0');
			}
			at = json_array_get(at, idx);
		} else {
			for (size_t i = 0; i < n; i++)
				if (!(lower(p[i]) || (p[i] >= 'A' && p[i] <= 'Z') || digit(p[i]) ||
				    p[i] == '_' || p[i] == '-'))
					return 0;
			at = json_is_object(at) ? json_object_getn(at, p, n) : NULL;
		}
		if (!at)
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* granular_check - granular_markings[i] (section 7.2.3). */
static int
granular_check(struct ctx *c, size_t i, const json_t *g)
{
	const json_t *sel, *mref, *lang, *x;
	char what[64];
	size_t k;

	if (!json_is_object(g))
		return refuse(c, "\"granular_markings\"[%zu] is not an object", i);
	sel = json_object_get(g, "selectors");
	mref = json_object_get(g, "marking_ref");
	lang = json_object_get(g, "lang");
	if (!sel)
		return refuse(c, "\"granular_markings\"[%zu] has no \"selectors\"", i);
	if (!json_is_array(sel) || json_array_size(sel) == 0)
		return refuse(c, "\"granular_markings\"[%zu].selectors is not a non-empty list", i);
	json_array_foreach(sel, k, x)
		if (!json_is_string(x) || !selector_ok(c->j, json_string_value(x)))
			return refuse(c, "\"granular_markings\"[%zu].selectors[%zu] selects nothing "
			    "in this object (section 7.2.3)", i, k);
	if (!mref == !lang)
		return refuse(c, "\"granular_markings\"[%zu] has %s of \"marking_ref\" and "
		    "\"lang\"; it must have one (section 7.2.3)", i, mref ? "both" : "neither");
	if (lang && (!json_is_string(lang) || !lang_ok(json_string_value(lang))))
		return refuse(c, "\"granular_markings\"[%zu].lang is not an RFC 5646 language "
		    "tag", i);
	snprintf(what, sizeof what, "\"granular_markings\"[%zu].marking_ref", i);
	return mref ? ref_check(c, what, mref, "marking-definition") : 0;
}

/* extension_check - extensions' member k (sections 3.2, 7.3, 11.3). */
static int
extension_check(struct ctx *c, const char *k, const json_t *v)
{
	static const char *const kinds[] = { "new-sdo", "new-sco", "new-sro",
		"property-extension", "toplevel-property-extension", NULL };
	char shown[WHY_SHOWN_MAX + 4], shown2[WHY_SHOWN_MAX + 4];
	size_t n = strlen(k), tn;
	const json_t *et;
	const char *pk;
	json_t *x;
	int def;

	def = id_split(k, n, &tn) && tn == 20 && memcmp(k, "extension-definition", 20) == 0;
	if (!def && !(n >= 7 && type_ok(k, n) && strcmp(k + n - 4, "-ext") == 0))
		return refuse(c, "\"extensions\" has key \"%s\": neither an extension-definition "
		    "identifier nor a name ending in -ext (sections 7.3, 11.3)",
		    why_shown(k, shown));
	if (!json_is_object(v) || json_object_size(v) == 0)
		return refuse(c, "\"extensions\".\"%s\" is not a non-empty object",
		    why_shown(k, shown));
	et = json_object_get(v, "extension_type");
	if (def && !et)
		return refuse(c, "\"extensions\".\"%s\" has no \"extension_type\" (section 3.2)",
		    why_shown(k, shown));
	if (et && (!json_is_string(et) || why_index(json_string_value(et), kinds) < 0))
		return refuse(c, "\"extensions\".\"%s\".extension_type is not one of new-sdo, "
		    "new-sco, new-sro, property-extension, toplevel-property-extension",
		    why_shown(k, shown));
	json_object_foreach((json_t *)v, pk, x) {
		(void)x;
		if (!name_ok(pk) || strcmp(pk, "id") == 0)
			return refuse(c, "\"extensions\".\"%s\" has property \"%s\", not 3-250 of "
			    "a-z, 0-9, '_' (section 7.3.2)", why_shown(k, shown),
			    why_shown(pk, shown2));
	}
	return 0;
}

/* common - the common properties of c's kind (section 3.2). */
static int
common(struct ctx *c)
{
	struct stix_obj *o = c->o;
	const int sco = o->kind == STIX_SCO;
	const int md = !o->custom && strcmp(o->type, "marking-definition") == 0;
	const json_t *v, *x;
	struct ts tc, tm;
	const char *k;
	int hc, hm;
	size_t i;

	/* spec_version: required but for SCOs; "2.1" always */
	v = json_object_get(c->j, "spec_version");
	if (!v && !sco)
		return refuse(c, "\"spec_version\" is required");
	if (v && (!json_is_string(v) || strcmp(json_string_value(v), "2.1") != 0))
		return refuse(c, "\"spec_version\" is not \"2.1\"");
	o->spec_version = v ? json_string_value(v) : NULL;

	/* created, modified: every kind but SCOs has created; every one but
	 * SCOs and marking-definitions has modified */
	if ((hc = get_time(c, "created", 1, &tc)) < 0 || (hm = get_time(c, "modified", 1, &tm)) < 0)
		return -1;
	if (hc && !sco)
		return refuse(c, "\"created\" is required");
	if (hm && !sco && !md)
		return refuse(c, "\"modified\" is required");
	if (!hc && !hm && ts_cmp(&tm, &tc) < 0)
		return refuse(c, "\"modified\" is earlier than \"created\" (section 3.6.1)");
	if (!hc) {
		o->created = json_string_value(json_object_get(c->j, "created"));
		o->created_ms = tc.ms;
	}
	if (!hm) {
		o->modified = json_string_value(json_object_get(c->j, "modified"));
		o->modified_ms = tm.ms;
	}
	o->versioned = !hm && !md;

	if ((v = json_object_get(c->j, "created_by_ref")) &&
	    ref_check(c, "\"created_by_ref\"", v, "identity"))
		return -1;
	if ((v = json_object_get(c->j, "revoked"))) {
		if (!json_is_boolean(v))
			return refuse(c, "\"revoked\" is not a boolean");
		o->revoked = json_is_true(v);
	}
	if ((v = json_object_get(c->j, "labels"))) {
		if (list_check(c, "labels", v))
			return -1;
		json_array_foreach(v, i, x)
			if (!json_is_string(x))
				return refuse(c, "\"labels\"[%zu] is not a string", i);
	}
	if ((v = json_object_get(c->j, "confidence")) &&
	    (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100))
		return refuse(c, "\"confidence\" is not an integer in 0..100");
	if ((v = json_object_get(c->j, "lang")) &&
	    (!json_is_string(v) || !lang_ok(json_string_value(v))))
		return refuse(c, "\"lang\" is not an RFC 5646 language tag");
	if ((v = json_object_get(c->j, "external_references"))) {
		if (list_check(c, "external_references", v))
			return -1;
		json_array_foreach(v, i, x)
			if (extref_check(c, i, x))
				return -1;
	}
	if ((v = json_object_get(c->j, "object_marking_refs"))) {
		char what[64];

		if (list_check(c, "object_marking_refs", v))
			return -1;
		json_array_foreach(v, i, x) {
			snprintf(what, sizeof what, "\"object_marking_refs\"[%zu]", i);
			if (ref_check(c, what, x, "marking-definition"))
				return -1;
			if (md && strcmp(json_string_value(x), o->id) == 0)
				return refuse(c, "\"object_marking_refs\"[%zu] is this marking-definition "
				    "itself (section 3.2)", i);
		}
	}
	if ((v = json_object_get(c->j, "granular_markings"))) {
		if (list_check(c, "granular_markings", v))
			return -1;
		json_array_foreach(v, i, x)
			if (granular_check(c, i, x))
				return -1;
	}
	if ((v = json_object_get(c->j, "defanged"))) {
		if (!sco)
			return refuse(c, "\"defanged\" is only for SCOs (section 3.2)");
		if (!json_is_boolean(v))
			return refuse(c, "\"defanged\" is not a boolean");
	}
	if ((v = json_object_get(c->j, "extensions"))) {
		if (!json_is_object(v) || json_object_size(v) == 0)
			return refuse(c, "\"extensions\" is not a non-empty dictionary");
		json_object_foreach((json_t *)v, k, x)
			if (extension_check(c, k, x))
				return -1;
	}
	return 0;
}

/* ---- the rules between properties ------------------------------------- */

static int
chk_seen(struct ctx *c)
{
	return order(c, "first_seen", "last_seen", 0);
}

static int
chk_indicator(struct ctx *c)
{
	return order(c, "valid_from", "valid_until", 1);
}

static int
chk_location(struct ctx *c)
{
	const int lat = json_object_get(c->j, "latitude") != NULL;
	const int lon = json_object_get(c->j, "longitude") != NULL;

	if (lat != lon)
		return refuse(c, "\"%s\" without \"%s\" (section 4.10)", lat ? "latitude" :
		    "longitude", lat ? "longitude" : "latitude");
	if (json_object_get(c->j, "precision") && !lat)
		return refuse(c, "\"precision\" without \"latitude\" and \"longitude\" "
		    "(section 4.10)");
	if (!lat && !json_object_get(c->j, "region") && !json_object_get(c->j, "country"))
		return refuse(c, "none of \"region\", \"country\", \"latitude\"+\"longitude\" "
		    "(section 4.10)");
	return 0;
}

static int
chk_malware(struct ctx *c)
{
	if (json_is_true(json_object_get(c->j, "is_family")) && !json_object_get(c->j, "name"))
		return refuse(c, "\"name\" is required of a malware family (section 4.11)");
	return chk_seen(c);
}

static int
chk_malware_analysis(struct ctx *c)
{
	if (!json_object_get(c->j, "result") && !json_object_get(c->j, "analysis_sco_refs"))
		return refuse(c, "neither \"result\" nor \"analysis_sco_refs\" (section 4.12)");
	return 0;
}

static int
chk_observed_data(struct ctx *c)
{
	const json_t *objs = json_object_get(c->j, "objects"), *refs, *x;
	const char *k;
	size_t i, tn;

	if (order(c, "first_observed", "last_observed", 0))
		return -1;
	refs = json_object_get(c->j, "object_refs");
	if (!objs == !refs)
		return refuse(c, "%s of \"objects\" and \"object_refs\"; it must have one "
		    "(section 4.14)", objs ? "both" : "neither");
	if (objs) {
		json_object_foreach((json_t *)objs, k, x)
			if (!json_is_object(x) || !json_is_string(json_object_get(x, "type")))
				return refuse(c, "\"objects\" holds a value that is not an object with "
				    "a \"type\" (section 2.13)");
		return 0;
	}
	json_array_foreach(refs, i, x) {
		const char *s = json_string_value(x);
		const struct stype *t;

		if (!id_split(s, strlen(s), &tn))
			abort();	/* its table checked it */
		t = find_type(s, tn);
		if (!t || t->kind == STIX_SCO)
			return 0;
	}
	return refuse(c, "\"object_refs\" names no SCO (section 4.14)");
}

static int
chk_opinion(struct ctx *c)
{
	static const char *const opinions[] = { "strongly-disagree", "disagree", "neutral",
		"agree", "strongly-agree", NULL };

	if (why_index(json_string_value(json_object_get(c->j, "opinion")), opinions) < 0)
		return refuse(c, "\"opinion\" is not one of strongly-disagree, disagree, neutral, "
		    "agree, strongly-agree (section 10.18)");
	return 0;
}

static int
chk_relationship(struct ctx *c)
{
	const char *s = json_string_value(json_object_get(c->j, "relationship_type"));

	if (!s[0])
		return refuse(c, "\"relationship_type\" is empty");
	for (; *s; s++)
		if (!(lower(*s) || digit(*s) || *s == '-'))
			return refuse(c, "\"relationship_type\" is not of a-z, 0-9, '-' "
			    "(section 5.1)");
	return order(c, "start_time", "stop_time", 1);
}

static int
chk_artifact(struct ctx *c)
{
	const int bin = json_object_get(c->j, "payload_bin") != NULL;
	const int url = json_object_get(c->j, "url") != NULL;

	if (bin == url)
		return refuse(c, "%s of \"payload_bin\" and \"url\"; it must have one "
		    "(section 6.1)", bin ? "both" : "neither");
	if (url && !json_object_get(c->j, "hashes"))
		return refuse(c, "\"url\" without \"hashes\" (section 6.1)");
	if (json_object_get(c->j, "decryption_key") &&
	    !json_object_get(c->j, "encryption_algorithm"))
		return refuse(c, "\"decryption_key\" without \"encryption_algorithm\" "
		    "(section 6.1)");
	return 0;
}

static int
chk_email_message(struct ctx *c)
{
	const int multi = json_is_true(json_object_get(c->j, "is_multipart"));

	if (multi && json_object_get(c->j, "body"))
		return refuse(c, "\"body\" in a multipart message (section 6.6)");
	if (!multi && json_object_get(c->j, "body_multipart"))
		return refuse(c, "\"body_multipart\" in a message that is not multipart "
		    "(section 6.6)");
	return 0;
}

static int
chk_file(struct ctx *c)
{
	if (!json_object_get(c->j, "hashes") && !json_object_get(c->j, "name"))
		return refuse(c, "neither \"hashes\" nor \"name\" (section 6.7)");
	return 0;
}

static int
chk_mac_addr(struct ctx *c)
{
	const char *s = json_string_value(json_object_get(c->j, "value"));

	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !(digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return refuse(c, "\"value\" is not a MAC-48 address as "
			    "aa:bb:cc:dd:ee:ff (section 6.10)");
	if (s[17])
		return refuse(c, "\"value\" is not a MAC-48 address as aa:bb:cc:dd:ee:ff "
		    "(section 6.10)");
	return 0;
}

static int
chk_network_traffic(struct ctx *c)
{
	if (!json_object_get(c->j, "src_ref") && !json_object_get(c->j, "dst_ref"))
		return refuse(c, "neither \"src_ref\" nor \"dst_ref\" (section 6.12)");
	if (json_is_true(json_object_get(c->j, "is_active")) && json_object_get(c->j, "end"))
		return refuse(c, "\"end\" while \"is_active\" is true (section 6.12)");
	return order(c, "start", "end", 0);
}

/* chk_one_property - "at least one of the properties defined below MUST
 * be included" (process, user-account, windows-registry-key, x509). */
static int
chk_one_property(struct ctx *c)
{
	static const char *const general[] = { "type", "id", "spec_version",
		"object_marking_refs", "granular_markings", "defanged", NULL };
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)c->j, k, x) {
		(void)x;
		if (why_index(k, general) < 0)
			return 0;
	}
	return refuse(c, "no property of its own (section 6)");
}

static int
chk_language_content(struct ctx *c)
{
	char shown[WHY_SHOWN_MAX + 4];
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)json_object_get(c->j, "contents"), k, x) {
		if (!lang_ok(k))
			return refuse(c, "\"contents\" has key \"%s\", not an RFC 5646 language tag "
			    "(section 7.1)", why_shown(k, shown));
		if (!json_is_object(x) || json_object_size(x) == 0)
			return refuse(c, "\"contents\".\"%s\" is not a non-empty dictionary "
			    "(section 7.1)", why_shown(k, shown));
	}
	return 0;
}

/* chk_marking_definition - definition_type and definition (section
 * 7.2.1), and the TLP marking-definitions: only the nine, and each as
 * published. */
static int
chk_marking_definition(struct ctx *c)
{
	const json_t *dt = json_object_get(c->j, "definition_type");
	const json_t *def = json_object_get(c->j, "definition");
	const json_t *ext = json_object_get(c->j, "extensions"), *tlp2, *name;
	const char *type = dt ? json_string_value(dt) : NULL;
	int i = tlp_index(c->o->id);

	if (!ext && (!dt || !def))
		return refuse(c, "\"%s\" is required without \"extensions\" (section 7.2.1)",
		    dt ? "definition" : "definition_type");
	if (!dt != !def)
		return refuse(c, "\"%s\" without \"%s\" (section 7.2.1)", dt ? "definition_type" :
		    "definition", dt ? "definition" : "definition_type");
	if (type && strcmp(type, "statement") == 0 &&
	    !json_is_string(json_object_get(def, "statement")))
		return refuse(c, "a statement marking's \"definition\" has no string "
		    "\"statement\" (section 7.2.1.3)");
	tlp2 = ext ? json_object_get(ext, TLP2_EXT) : NULL;
	if (type && strcmp(type, "tlp") == 0 && (i < 0 || tlps[i].from != STIX_TLP_V1))
		return refuse(c, "definition_type \"tlp\" is only for the four TLP "
		    "marking-definitions of section 7.2.1.4");
	if (tlp2 && (i < 0 || tlps[i].from != STIX_TLP_V2))
		return refuse(c, "the TLP 2.0 extension is only for its five marking-definitions");
	if (i < 0)
		return 0;
	/* one of the nine: its content must say what its id says */
	name = json_object_get(c->j, "name");
	if (name && strcmp(json_string_value(name), tlps[i].name) != 0)
		return refuse(c, "\"name\" is not \"%s\", the name of this TLP marking-definition",
		    tlps[i].name);
	if (tlps[i].from == STIX_TLP_V1 ? !type || strcmp(type, "tlp") != 0 ||
	    !json_is_string(json_object_get(def, "tlp")) ||
	    strcmp(json_string_value(json_object_get(def, "tlp")), tlps[i].value) != 0 :
	    !json_is_string(json_object_get(tlp2, "tlp_2_0")) ||
	    strcmp(json_string_value(json_object_get(tlp2, "tlp_2_0")), tlps[i].value) != 0)
		return refuse(c, "this TLP marking-definition does not say %s as %s",
		    tlps[i].name, tlps[i].from == STIX_TLP_V1 ? "section 7.2.1.4 publishes it" :
		    "the TLP 2.0 extension publishes it");
	return 0;
}

static int
chk_extension_definition(struct ctx *c)
{
	static const char *const kinds[] = { "new-sdo", "new-sco", "new-sro",
		"property-extension", "toplevel-property-extension", NULL };
	const json_t *types_v = json_object_get(c->j, "extension_types"), *x;
	int top = 0;
	size_t i;

	if (!json_object_get(c->j, "created_by_ref"))
		return refuse(c, "\"created_by_ref\" is required (section 7.3.1)");
	json_array_foreach(types_v, i, x) {
		int k = why_index(json_string_value(x), kinds);

		if (k < 0)
			return refuse(c, "\"extension_types\"[%zu] is not one of new-sdo, new-sco, "
			    "new-sro, property-extension, toplevel-property-extension", i);
		top |= k == 4;
	}
	if (json_object_get(c->j, "extension_properties") && !top)
		return refuse(c, "\"extension_properties\" without toplevel-property-extension "
		    "(section 7.3.1)");
	return 0;
}

/* ---- one object ------------------------------------------------------- */

/* walk - v, at depth within the object, under the limits: depth, the
 * length of strings and names, integers of section 2.10.  top names the
 * top-level property v is in. */
static int
walk(struct ctx *c, const json_t *v, int depth, const char *top)
{
	char shown[WHY_SHOWN_MAX + 4];
	const char *k;
	json_t *x;
	size_t i;

	if (depth > STIX_DEPTH_MAX)
		return refuse(c, "\"%s\" nests deeper than %d levels", why_shown(top, shown),
		    STIX_DEPTH_MAX);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, k, x) {
			if (strlen(k) > STIX_STRING_MAX)
				return refuse(c, "a property name longer than %u bytes",
				    STIX_STRING_MAX);
			if (walk(c, x, depth + 1, depth == 1 ? k : top))
				return -1;
		}
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, x)
			if (walk(c, x, depth + 1, top))
				return -1;
		return 0;
	case JSON_STRING:
		if (json_string_length(v) > STIX_STRING_MAX)
			return refuse(c, "\"%s\" holds a string longer than %u bytes",
			    why_shown(top, shown), STIX_STRING_MAX);
		return 0;
	case JSON_INTEGER:
		if (json_integer_value(v) > (json_int_t)I53 || json_integer_value(v) < -(json_int_t)I53)
			return refuse(c, "\"%s\" holds an integer outside +-(2^53-1) (section 2.10)",
			    why_shown(top, shown));
		return 0;
	default:
		return 0;
	}
}

/* names - every top-level property name is one (section 3.1), none is
 * reserved (section 3.8), none is null (STIX has no null, section 2) or
 * an empty list (section 2.12), and a custom _hex or _bin property holds
 * what its suffix says (sections 2.1, 2.8).  What is inside a custom
 * property is its definer's: an empty list there is not refused (ATT&CK
 * has them). */
static int
names(struct ctx *c)
{
	static const char *const reserved[] = { "severity", "username", "phone_number",
		"action", NULL };
	char shown[WHY_SHOWN_MAX + 4];
	const char *k;
	json_t *x;

	json_object_foreach((json_t *)c->j, k, x) {
		size_t n = strlen(k);

		if (!name_ok(k))
			return refuse(c, "property \"%s\" is not a property name (3-250 of a-z, 0-9, "
			    "'_', a letter first; section 3.1)", why_shown(k, shown));
		if (why_index(k, reserved) >= 0)
			return refuse(c, "\"%s\" is a reserved property name (section 3.8)", k);
		if (json_is_null(x))
			return refuse(c, "\"%s\" is null: STIX has no null (section 2)", k);
		if (json_is_array(x) && json_array_size(x) == 0)
			return refuse(c, "\"%s\" is an empty list (section 2.12)", k);
		if (n > 4 && strcmp(k + n - 4, "_hex") == 0 && (!json_is_string(x) ||
		    !hex_ok(json_string_value(x), json_string_length(x))))
			return refuse(c, "\"%s\" is not hex: pairs of 0-9, a-f (section 2.8)", k);
		if (n > 4 && strcmp(k + n - 4, "_bin") == 0 && (!json_is_string(x) ||
		    !b64_ok(json_string_value(x), json_string_length(x))))
			return refuse(c, "\"%s\" is not base64 (section 2.1)", k);
	}
	return 0;
}

/* label - the highest TLP of o's markings (stix.h). */
static void
label(struct stix_obj *o, const json_t *j)
{
	const json_t *v, *x;
	enum tlp t;
	unsigned from;
	size_t i;

	json_array_foreach(json_object_get(j, "object_marking_refs"), i, x)
		if (stix_tlp_of(json_string_value(x), &t, &from)) {
			if (!o->marked || t > o->tlp)
				o->tlp = t;
			o->marked = 1;
			o->tlp_from |= from;
		}
	json_array_foreach(json_object_get(j, "granular_markings"), i, v)
		if (stix_tlp_of(json_string_value(json_object_get(v, "marking_ref")), &t, &from)) {
			if (!o->marked || t > o->tlp)
				o->tlp = t;
			o->marked = 1;
			o->tlp_from |= from;
		}
}

/* check - c->o from c->j: 0 accepted, -1 refused with c->why. */
static int
check(struct ctx *c)
{
	struct stix_obj *o = c->o;
	const json_t *v;
	size_t tn;

	if (!json_is_object(c->j))
		return refuse(c, "not a JSON object");
	if ((v = json_object_get(c->j, "type")) && json_is_string(v))
		o->type = json_string_value(v);
	if ((v = json_object_get(c->j, "id")) && json_is_string(v)) {
		o->id = json_string_value(v);
		if (id_split(o->id, json_string_length(v), &tn))
			snprintf(c->name, sizeof c->name, "%s", o->id);
	}
	if (walk(c, c->j, 1, "(top)"))
		return -1;
	if (!(v = json_object_get(c->j, "type")))
		return refuse(c, "\"type\" is required");
	if (!o->type)
		return refuse(c, "\"type\" is not a string");
	if (!type_ok(o->type, strlen(o->type)))
		return refuse(c, "\"type\" is not a type name (3-250 of a-z, 0-9, single '-', "
		    "a letter first; section 3.1)");
	if (strcmp(o->type, "bundle") == 0)
		return refuse(c, "a bundle inside a bundle (section 8)");
	if (!json_object_get(c->j, "id"))
		return refuse(c, "\"id\" is required");
	if (!o->id || !id_split(o->id, strlen(o->id), &tn) || tn != strlen(o->type) ||
	    memcmp(o->id, o->type, tn) != 0)
		return refuse(c, "\"id\" is not type--UUID of this object's type (section 2.9)");
	c->t = find_type(o->type, strlen(o->type));
	o->custom = !c->t;
	o->kind = c->t ? c->t->kind : json_object_get(c->j, "created") ||
	    json_object_get(c->j, "modified") ? STIX_SDO : STIX_SCO;
	if (names(c) || common(c))
		return -1;
	if (c->t) {
		for (const struct prop *p = c->t->props; p->name; p++)
			if (prop_check(c, p))
				return -1;
		if (c->t->check && c->t->check(c))
			return -1;
	}
	label(o, c->j);
	return 0;
}

/* ---- the document ----------------------------------------------------- */

static status
doc_fail(char why[static STIX_WHY_MAX], status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static status
doc_fail(char why[static STIX_WHY_MAX], status rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, STIX_WHY_MAX, fmt, ap);
	va_end(ap);
	return rc;
}

/* read_one - object i of d from j, its name for a reason when its id is
 * unusable given by at; ST_NOMEM only. */
static status
read_one(struct stix_doc *d, size_t i, const json_t *j, const char *at)
{
	struct ctx c;

	c.o = &d->v[i];
	c.o->index = i;
	c.j = j;
	c.t = NULL;
	snprintf(c.name, sizeof c.name, "%s", at);
	c.o->json = j;
	if (check(&c) == 0) {
		c.o->ok = 1;
		return ST_OK;
	}
	c.o->ok = 0;
	d->refused++;
	if (!(c.o->why = strdup(c.why)))
		return ST_NOMEM;
	return ST_OK;
}

static status read_all(struct stix_doc *d, const json_t *objs, struct stix_doc **out,
    char why[static STIX_WHY_MAX]);

/* doc_load - a new document holding the JSON text[0..n), in *d. */
static status
doc_load(const char *text, size_t n, struct stix_doc **d, char why[static STIX_WHY_MAX])
{
	status rc;

	why[0] = '\0';
	if (!(*d = calloc(1, sizeof **d)))
		return doc_fail(why, ST_NOMEM, "(top): out of memory");
	if ((rc = why_load(text, n, STIX_BYTES_MAX, &(*d)->root, why)) != ST_OK) {
		stix_free(*d);
		*d = NULL;
	}
	return rc;
}

status
stix_read(const char *text, size_t n, struct stix_doc **out, char why[static STIX_WHY_MAX])
{
	const json_t *objs = NULL, *v;
	struct stix_doc *d;
	status rc;
	size_t tn;

	*out = NULL;
	if ((rc = doc_load(text, n, &d, why)) != ST_OK)
		return rc;
	v = json_object_get(d->root, "type");
	if (json_is_string(v) && strcmp(json_string_value(v), "bundle") == 0) {
		v = json_object_get(d->root, "id");
		if (!json_is_string(v) || !id_split(json_string_value(v), json_string_length(v),
		    &tn) || tn != 6 || memcmp(json_string_value(v), "bundle", 6) != 0)
			rc = doc_fail(why, ST_INVALID, "bundle: \"id\" is not bundle--UUID "
			    "(section 8.1)");
		else if ((objs = json_object_get(d->root, "objects")) && !json_is_array(objs))
			rc = doc_fail(why, ST_INVALID, "bundle: \"objects\" is not a list");
		else if (objs && json_array_size(objs) == 0)
			rc = doc_fail(why, ST_INVALID, "bundle: \"objects\" is an empty list "
			    "(section 2.12)");
		else if (objs && json_array_size(objs) > STIX_OBJECTS_MAX)
			rc = doc_fail(why, ST_TOOBIG, "bundle: %zu objects, over the %d allowed",
			    json_array_size(objs), STIX_OBJECTS_MAX);
		if (rc) {
			stix_free(d);
			return rc;
		}
		d->bundle_id = json_string_value(v);
		d->many = 1;
		d->n = objs ? json_array_size(objs) : 0;
	} else {
		d->n = 1;
	}
	return read_all(d, objs, out, why);
}

/* read_all - read d's objects (objs' when d->many, else its root) and
 * give d to *out; d is freed on failure. */
static status
read_all(struct stix_doc *d, const json_t *objs, struct stix_doc **out,
    char why[static STIX_WHY_MAX])
{
	status rc = ST_OK;
	char at[48];

	if (d->n && !(d->v = calloc(d->n, sizeof *d->v))) {
		stix_free(d);
		return doc_fail(why, ST_NOMEM, "(top): out of memory");
	}
	for (size_t i = 0; i < d->n && rc == ST_OK; i++) {
		if (d->many)
			snprintf(at, sizeof at, "objects[%zu]", i);
		rc = read_one(d, i, d->many ? json_array_get(objs, i) : d->root,
		    d->many ? at : "(top)");
	}
	if (rc) {
		stix_free(d);
		return doc_fail(why, rc, "(top): out of memory");
	}
	*out = d;
	return ST_OK;
}

status
stix_read_envelope(const char *text, size_t n, struct stix_doc **out,
    char why[static STIX_WHY_MAX])
{
	const json_t *objs;
	struct stix_doc *d;
	status rc;

	*out = NULL;
	if ((rc = doc_load(text, n, &d, why)) != ST_OK)
		return rc;
	objs = json_object_get(d->root, "objects");
	if (!json_is_array(objs) || json_array_size(objs) == 0)
		rc = doc_fail(why, ST_INVALID, "envelope: \"objects\" is not a non-empty list"
		    " (TAXII 2.1 section 3.7)");
	else if (json_array_size(objs) > STIX_OBJECTS_MAX)
		rc = doc_fail(why, ST_TOOBIG, "envelope: %zu objects, over the %d allowed",
		    json_array_size(objs), STIX_OBJECTS_MAX);
	if (rc) {
		stix_free(d);
		return rc;
	}
	d->many = 1;
	d->n = json_array_size(objs);
	return read_all(d, objs, out, why);
}

void
stix_free(struct stix_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->v && i < d->n; i++)
		free((char *)d->v[i].why);
	free(d->v);
	json_decref(d->root);
	free(d);
}

size_t
stix_count(const struct stix_doc *d)
{
	return d->n;
}

const struct stix_obj *
stix_at(const struct stix_doc *d, size_t i)
{
	if (i >= d->n)
		abort();	/* the caller's index is out of range: a broken invariant */
	return &d->v[i];
}

size_t
stix_refused(const struct stix_doc *d)
{
	return d->refused;
}

const char *
stix_bundle_id(const struct stix_doc *d)
{
	return d->bundle_id;
}

const char *
stix_tlp_name(const struct stix_obj *o)
{
	return o->marked ? tlp_name(o->tlp) : "none";
}

const char *
stix_kind_name(enum stix_kind k)
{
	static const char *const n[] = { "sdo", "sro", "sco", "meta" };

	return (unsigned)k < sizeof n / sizeof n[0] ? n[k] : "?";
}
