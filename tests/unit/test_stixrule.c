/* test_stixrule.c - the rules before a STIX object leaves (fmt/stixrule.h):
 * the TLP ceiling at every level, TLP 1.0 and 2.0 markings mixed, onward
 * transfer and the origin extension, critical infrastructure by label and
 * by property, personal data refused, allowed and pseudonymised (the
 * pseudonyms keyed and consistent, references kept pointing at the
 * rewritten objects, the result one stix_read accepts), and the origin
 * extension written, replaced, read back and defined. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fmt/stixrule.h"
#include "testcheck.h"

/* The TLP marking-definitions stix.c knows. */
#define V1_WHITE "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
#define V1_GREEN "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define V1_AMBER "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
#define V1_RED "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
#define V2_CLEAR "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
#define V2_GREEN "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
#define V2_AMBER "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define V2_STRICT "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
#define V2_RED "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"

static const char *const v2[TLP__COUNT] = { V2_CLEAR, V2_GREEN, V2_AMBER, V2_STRICT, V2_RED };

#define IND_ID "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define MAIL_ID "email-addr--2d77a846-6264-5d51-b586-e43822ea1ea3"
#define USER_ID "user-account--0d5b424b-93b8-5cd8-ac36-306e1789d63c"
#define PERSON_ID "identity--b60cc09c-ef41-4931-ba78-5508493d1db7"
#define ORG_ID "identity--e6e663ad-ecbb-49ed-bd00-a07da273d756"
#define MSG_ID "email-message--7ce207d4-b1e9-4843-a5ee-28259a761904"
#define REL_ID "relationship--d281e4da-a2cc-4264-ac5a-06ddf56a2c68"
#define KID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define TIMES "\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\""

static uint8_t key1[STIXRULE_KEY_LEN], key2[STIXRULE_KEY_LEN];

/* An indicator with extra members (", ..." or ""). */
static char *
indicator(const char *extra)
{
	static char s[4096];

	snprintf(s, sizeof s, "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" IND_ID
	    "\"," TIMES ",\"pattern\":\"[ipv4-addr:value = '203.0.113.7']\","
	    "\"pattern_type\":\"stix\",\"valid_from\":\"2026-01-01T00:00:00Z\"%s}", extra);
	return s;
}

static const char mail[] = "{\"type\":\"email-addr\",\"spec_version\":\"2.1\",\"id\":\"" MAIL_ID
    "\",\"value\":\"alice@example.org\",\"display_name\":\"Alice Example\","
    "\"belongs_to_ref\":\"" USER_ID "\"}";
static const char user[] = "{\"type\":\"user-account\",\"spec_version\":\"2.1\",\"id\":\"" USER_ID
    "\",\"user_id\":\"1001\",\"account_login\":\"alice\",\"display_name\":\"Alice\","
    "\"credential\":\"hunter2\",\"account_type\":\"unix\"}";
static const char person[] = "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"" PERSON_ID
    "\"," TIMES ",\"name\":\"Alice Example\",\"identity_class\":\"individual\","
    "\"contact_information\":\"alice@example.org\",\"description\":\"an analyst\","
    "\"roles\":[\"analyst\"]}";
static const char org[] = "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"" ORG_ID
    "\"," TIMES ",\"name\":\"CERT-EX\",\"identity_class\":\"organization\"}";
static const char msg[] = "{\"type\":\"email-message\",\"spec_version\":\"2.1\",\"id\":\"" MSG_ID
    "\",\"is_multipart\":false,\"from_ref\":\"" MAIL_ID "\",\"to_refs\":[\"" MAIL_ID "\"],"
    "\"subject\":\"invoice\"}";
static const char msg_plain[] = "{\"type\":\"email-message\",\"spec_version\":\"2.1\",\"id\":\""
    MSG_ID "\",\"is_multipart\":false,\"subject\":\"invoice\"}";
static const char rel[] = "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"" REL_ID
    "\"," TIMES ",\"relationship_type\":\"related-to\",\"source_ref\":\"" IND_ID "\","
    "\"target_ref\":\"" MAIL_ID "\",\"x_more\":{\"deep\":[{\"owner_ref\":\"" USER_ID "\","
    "\"other_refs\":[\"" USER_ID "\",\"" IND_ID "\"]}]}}";

/* terms - everything allowed: ceiling TLP:RED, unmarked TLP:AMBER. */
static struct stixrule_terms
terms(void)
{
	struct stixrule_terms t;

	memset(&t, 0, sizeof t);
	t.ceiling = TLP_RED;
	t.unmarked = TLP_AMBER;
	t.ci_allowed = 1;
	t.personal = AGREEMENT_PD_ALLOW;
	t.key = key1;
	return t;
}

/* run - text (one object stix_read accepts) through stixrule_apply; the
 * object sent in *out (the caller frees it; NULL unless ST_OK). */
static status
run(const struct stixrule_terms *t, const char *text, char **out, enum tlp *label,
    char why[static STIXRULE_WHY_MAX])
{
	char w[STIX_WHY_MAX];
	struct stix_doc *d;
	struct buf b;
	status rc;

	EXPECT(stix_read(text, strlen(text), &d, w), ST_OK);
	assert_int_equal(stix_count(d), 1);
	if (!stix_at(d, 0)->ok)
		fail_msg("%s", stix_at(d, 0)->why);
	buf_init(&b, 1 << 20);
	rc = stixrule_apply(t, stix_at(d, 0), &b, label, why);
	if (rc) {
		assert_int_equal(b.len, 0);	/* untouched */
		assert_true(why[0] != '\0');
	} else {
		assert_string_equal(why, "");
	}
	*out = rc ? NULL : buf_take(&b, NULL);
	buf_free(&b);
	stix_free(d);
	return rc;
}

/* readable - s is one object stix_read accepts; its JSON (the caller's). */
static json_t *
readable(const char *s)
{
	char w[STIX_WHY_MAX];
	struct stix_doc *d;
	json_t *j;

	EXPECT(stix_read(s, strlen(s), &d, w), ST_OK);
	if (!stix_at(d, 0)->ok)
		fail_msg("%s", stix_at(d, 0)->why);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	stix_free(d);
	return j;
}

static const char *
str(const json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

/* sorted - text as stixrule writes objects: compact, keys sorted. */
static char *
sorted(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

/* ---- TLP ---------------------------------------------------------------- */

static void
test_tlp_ceiling(void **state)
{
	char why[STIXRULE_WHY_MAX], extra[256], want[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	for (int c = TLP_CLEAR; c < TLP__COUNT; c++)
		for (int l = TLP_CLEAR; l < TLP__COUNT; l++) {
			t.ceiling = (enum tlp)c;
			snprintf(extra, sizeof extra, ",\"object_marking_refs\":[\"%s\"]", v2[l]);
			if (l <= c) {
				EXPECT(run(&t, indicator(extra), &out, &label, why), ST_OK);
				assert_int_equal(label, l);
				free(out);
			} else {
				EXPECT(run(&t, indicator(extra), &out, &label, why), ST_BREACH);
				assert_int_equal(label, l);
				snprintf(want, sizeof want, IND_ID ": links.cert.tlp_max is %s; the "
				    "object is %s", tlp_name((enum tlp)c), tlp_name((enum tlp)l));
				assert_string_equal(why, want);
			}
		}
	/* TLP:RED leaves only under a ceiling of exactly TLP:RED */
	t.ceiling = TLP_AMBER_STRICT;
	EXPECT(run(&t, indicator(",\"object_marking_refs\":[\"" V2_RED "\"]"), &out, &label, why),
	    ST_BREACH);
	assert_string_equal(why, IND_ID ": links.cert.tlp_max is TLP:AMBER+STRICT; the object is "
	    "TLP:RED");
	t.ceiling = TLP_RED;
	EXPECT(run(&t, indicator(",\"object_marking_refs\":[\"" V2_RED "\"]"), &out, &label, why),
	    ST_OK);
	free(out);
}

static void
test_tlp_unmarked(void **state)
{
	char why[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	t.ceiling = TLP_AMBER;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_OK);
	assert_int_equal(label, TLP_AMBER);
	free(out);
	t.ceiling = TLP_GREEN;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_BREACH);
	assert_int_equal(label, TLP_AMBER);
	assert_string_equal(why, IND_ID ": links.cert.tlp_max is TLP:GREEN; the object is "
	    "TLP:AMBER");
	t.unmarked = TLP_GREEN;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_OK);
	assert_int_equal(label, TLP_GREEN);
	free(out);
	t.unmarked = TLP_RED;
	t.ceiling = TLP_AMBER_STRICT;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_BREACH);
	assert_int_equal(label, TLP_RED);
}

/* TLP 1.0 and 2.0 mixed: the highest wins, TLP:WHITE is TLP:CLEAR. */
static void
test_tlp_v1_mix(void **state)
{
	static const struct {
		const char *extra;
		enum tlp label;
	} cases[] = {
		{ ",\"object_marking_refs\":[\"" V1_WHITE "\"]", TLP_CLEAR },
		{ ",\"object_marking_refs\":[\"" V1_GREEN "\",\"" V2_CLEAR "\"]", TLP_GREEN },
		{ ",\"object_marking_refs\":[\"" V1_GREEN "\",\"" V2_AMBER "\"]", TLP_AMBER },
		{ ",\"object_marking_refs\":[\"" V1_AMBER "\",\"" V2_STRICT "\"]", TLP_AMBER_STRICT },
		{ ",\"object_marking_refs\":[\"" V2_GREEN "\"],\"granular_markings\":[{"
		    "\"marking_ref\":\"" V1_RED "\",\"selectors\":[\"pattern\"]}]", TLP_RED },
	};
	char why[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t.ceiling = cases[i].label;
		EXPECT(run(&t, indicator(cases[i].extra), &out, &label, why), ST_OK);
		assert_int_equal(label, cases[i].label);
		free(out);
		if (cases[i].label == TLP_CLEAR)
			continue;
		t.ceiling = (enum tlp)(cases[i].label - 1);
		EXPECT(run(&t, indicator(cases[i].extra), &out, &label, why), ST_BREACH);
		assert_int_equal(label, cases[i].label);
	}
}

/* ---- onward transfer ---------------------------------------------------- */

static void
test_onward(void **state)
{
	char why[STIXRULE_WHY_MAX], extra[256], want[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	t.foreign = 1;
	t.origin = "cert-a";
	for (int ok = 0; ok <= 1; ok++)
		for (int l = TLP_CLEAR; l <= TLP_AMBER; l++) {
			t.onward_ok = ok;
			snprintf(extra, sizeof extra, ",\"object_marking_refs\":[\"%s\"]", v2[l]);
			if (ok && l <= TLP_GREEN) {
				EXPECT(run(&t, indicator(extra), &out, &label, why), ST_OK);
				free(out);
				continue;
			}
			EXPECT(run(&t, indicator(extra), &out, &label, why), ST_BREACH);
			if (!ok)
				assert_string_equal(why, IND_ID ": data.onward_transfer is never; the "
				    "object came from cert-a");
			else {
				snprintf(want, sizeof want, IND_ID ": data.onward_transfer is "
				    "with-consent; %s data from cert-a may not move on",
				    tlp_name((enum tlp)l));
				assert_string_equal(why, want);
			}
		}
	/* not foreign: the onward clause does not apply */
	t.foreign = 0;
	t.onward_ok = 0;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_OK);
	free(out);
	/* the TLP ceiling comes first */
	t.foreign = 1;
	t.ceiling = TLP_GREEN;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": links.cert.tlp_max is TLP:GREEN; the object is "
	    "TLP:AMBER");
}

/* with_origin - text with the origin extension of name, as a string the
 * caller frees. */
static char *
with_origin(const char *text, const char *name)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	EXPECT(stixrule_with_origin(text, strlen(text), name, KID, "2026-11-27T10:00:00.000Z",
	    &b), ST_OK);
	return buf_take(&b, NULL);
}

/* An object that carries the origin extension is foreign though the caller
 * did not say so. */
static void
test_onward_extension(void **state)
{
	char why[STIXRULE_WHY_MAX], *out, *in;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	in = with_origin(indicator(",\"object_marking_refs\":[\"" V2_GREEN "\"]"), "cert-b");
	EXPECT(run(&t, in, &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.onward_transfer is never; the object came from "
	    "cert-b");
	t.onward_ok = 1;
	EXPECT(run(&t, in, &out, &label, why), ST_OK);
	assert_string_equal(out, in);	/* sent as it is, the extension kept */
	free(out);
	free(in);
	in = with_origin(indicator(""), "cert-b");	/* TLP:AMBER by default */
	EXPECT(run(&t, in, &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.onward_transfer is with-consent; TLP:AMBER data "
	    "from cert-b may not move on");
	free(in);

	/* garbage in the extension: still foreign, its origin unnamed */
	t.onward_ok = 0;
	EXPECT(run(&t, indicator(",\"extensions\":{\"" STIXRULE_ORIGIN_EXT "\":{"
	    "\"extension_type\":\"property-extension\",\"origin\":\"Not A Name!\"}}"), &out,
	    &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.onward_transfer is never; the object came from "
	    "another party");
	/* the id in upper case is the same extension */
	EXPECT(run(&t, indicator(",\"extensions\":{"
	    "\"extension-definition--5FC28F09-479F-485D-B216-7A0291325A29\":{"
	    "\"extension_type\":\"property-extension\",\"origin\":\"cert-c\"}}"), &out,
	    &label, why), ST_BREACH);
}

/* ---- critical infrastructure -------------------------------------------- */

static void
test_ci(void **state)
{
	static const char *const mine[] = { "ci", "energy" };
	char why[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	t.ci_allowed = 0;
	EXPECT(run(&t, indicator(",\"labels\":[\"malicious\",\"critical-infrastructure\"]"), &out,
	    &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.critical_infrastructure is false; the object is "
	    "labelled critical-infrastructure");
	EXPECT(run(&t, indicator(",\"x_parley_critical_infrastructure\":true"), &out, &label,
	    why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.critical_infrastructure is false; the object's "
	    "x_parley_critical_infrastructure is true");
	/* not CI: another case, false, no label */
	EXPECT(run(&t, indicator(",\"labels\":[\"Critical-Infrastructure\"]"), &out, &label, why),
	    ST_OK);
	free(out);
	EXPECT(run(&t, indicator(",\"x_parley_critical_infrastructure\":false"), &out, &label,
	    why), ST_OK);
	free(out);
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_OK);
	free(out);
	/* the operator's labels replace the default */
	t.ci_labels = mine;
	t.n_ci_labels = 2;
	EXPECT(run(&t, indicator(",\"labels\":[\"energy\"]"), &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.critical_infrastructure is false; the object is "
	    "labelled energy");
	EXPECT(run(&t, indicator(",\"labels\":[\"critical-infrastructure\"]"), &out, &label, why),
	    ST_OK);
	free(out);
	/* allowed */
	t.ci_allowed = 1;
	EXPECT(run(&t, indicator(",\"labels\":[\"energy\"],\"x_parley_critical_infrastructure\":"
	    "true"), &out, &label, why), ST_OK);
	free(out);
}

/* ---- personal data ------------------------------------------------------ */

static void
test_personal_refuse_allow(void **state)
{
	static const struct {
		const char *text, *why;	/* why NULL: not personal */
	} cases[] = {
		{ mail, MAIL_ID ": data.personal_data is refuse; email-addr is personal data" },
		{ user, USER_ID ": data.personal_data is refuse; user-account is personal data" },
		{ person, PERSON_ID ": data.personal_data is refuse; an identity of identity_class "
		    "individual is personal data" },
		{ msg, MSG_ID ": data.personal_data is refuse; an email-message with from_ref is "
		    "personal data" },
		{ org, NULL },
		{ msg_plain, NULL },
		{ rel, NULL },
	};
	char why[STIXRULE_WHY_MAX], *out, *want;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		want = sorted(cases[i].text);
		t.personal = AGREEMENT_PD_REFUSE;
		if (cases[i].why) {
			EXPECT(run(&t, cases[i].text, &out, &label, why), ST_BREACH);
			assert_string_equal(why, cases[i].why);
		} else {
			EXPECT(run(&t, cases[i].text, &out, &label, why), ST_OK);
			assert_string_equal(out, want);
			free(out);
		}
		t.personal = AGREEMENT_PD_ALLOW;
		EXPECT(run(&t, cases[i].text, &out, &label, why), ST_OK);
		assert_string_equal(out, want);	/* unchanged */
		free(out);
		free(want);
	}
}

/* pseudo - text pseudonymised under t, read back (the caller's). */
static json_t *
pseudo(const struct stixrule_terms *t, const char *text)
{
	char why[STIXRULE_WHY_MAX], *out;
	enum tlp label;
	json_t *j;

	EXPECT(run(t, text, &out, &label, why), ST_OK);
	j = readable(out);
	free(out);
	return j;
}

static int
is_pseudonym(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0;

	if (n != 34 + strlen(suffix) || strncmp(s, "p-", 2) != 0 || strcmp(s + 34, suffix) != 0)
		return 0;
	for (size_t i = 2; i < 34; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

static void
test_pseudonymise_types(void **state)
{
	struct stixrule_terms t = terms();
	json_t *m, *u, *p, *e, *o;
	const char *id;

	(void)state;
	t.personal = AGREEMENT_PD_PSEUDONYMISE;
	m = pseudo(&t, mail);
	assert_true(is_pseudonym(str(m, "value"), "@pseudonymised.invalid"));
	assert_null(json_object_get(m, "display_name"));
	id = str(m, "id");
	assert_true(strncmp(id, "email-addr--", 12) == 0 && strcmp(id, MAIL_ID) != 0);
	assert_int_equal(id[12 + 14], '5');		/* version 5 */
	assert_non_null(strchr("89ab", id[12 + 19]));	/* RFC 4122 variant */

	u = pseudo(&t, user);
	assert_true(is_pseudonym(str(u, "user_id"), ""));
	assert_true(is_pseudonym(str(u, "account_login"), ""));
	assert_string_not_equal(str(u, "user_id"), str(u, "account_login"));
	assert_null(json_object_get(u, "display_name"));
	assert_null(json_object_get(u, "credential"));
	assert_string_equal(str(u, "account_type"), "unix");
	assert_true(strncmp(str(u, "id"), "user-account--", 14) == 0);
	assert_string_not_equal(str(u, "id"), USER_ID);
	/* the email-addr's belongs_to_ref names the user-account's new id */
	assert_string_equal(str(m, "belongs_to_ref"), str(u, "id"));

	p = pseudo(&t, person);
	assert_true(is_pseudonym(str(p, "name"), ""));
	assert_null(json_object_get(p, "contact_information"));
	assert_null(json_object_get(p, "description"));
	assert_string_equal(str(p, "id"), PERSON_ID);	/* an SDO's id is kept */

	/* from_ref and to_refs name the email-addr's new id */
	e = pseudo(&t, msg);
	assert_string_equal(str(e, "from_ref"), str(m, "id"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "to_refs"), 0)),
	    str(m, "id"));
	assert_string_equal(str(e, "subject"), "invoice");

	/* an organisation is not personal: unchanged */
	o = pseudo(&t, org);
	assert_string_equal(str(o, "name"), "CERT-EX");
	json_decref(o);

	/* references in any object, at any depth */
	o = pseudo(&t, rel);
	assert_string_equal(str(o, "target_ref"), str(m, "id"));
	assert_string_equal(str(o, "source_ref"), IND_ID);
	{
		const json_t *deep = json_array_get(json_object_get(json_object_get(o, "x_more"),
		    "deep"), 0), *refs = json_object_get(deep, "other_refs");

		assert_string_equal(str(deep, "owner_ref"), str(u, "id"));
		assert_string_equal(json_string_value(json_array_get(refs, 0)), str(u, "id"));
		assert_string_equal(json_string_value(json_array_get(refs, 1)), IND_ID);
	}
	json_decref(o);
	json_decref(m);
	json_decref(u);
	json_decref(p);
	json_decref(e);
}

/* The same input and key give the same pseudonyms, in every call; another
 * key others. */
static void
test_pseudonymise_consistent(void **state)
{
	char why[STIXRULE_WHY_MAX], *a, *b, *c;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	t.personal = AGREEMENT_PD_PSEUDONYMISE;
	EXPECT(run(&t, mail, &a, &label, why), ST_OK);
	EXPECT(run(&t, mail, &b, &label, why), ST_OK);
	assert_string_equal(a, b);
	t.key = key2;
	EXPECT(run(&t, mail, &c, &label, why), ST_OK);
	assert_string_not_equal(a, c);
	{
		json_t *ja = readable(a), *jc = readable(c);

		assert_string_not_equal(str(ja, "value"), str(jc, "value"));
		assert_string_not_equal(str(ja, "id"), str(jc, "id"));
		json_decref(ja);
		json_decref(jc);
	}
	free(a);
	free(b);
	free(c);
	/* no key: refused as the caller's mistake */
	t.key = NULL;
	EXPECT(run(&t, mail, &a, &label, why), ST_INVALID);
	assert_string_equal(why, MAIL_ID ": data.personal_data is pseudonymise and there is no key");
}

static void
test_listed(void **state)
{
	static const char *const listed[] = { "indicator.name", "*.x_owner", "*.x_contact",
		"nodot", "indicator.", "report.name" };
	char why[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;
	json_t *j;
	char *text = strdup(indicator(",\"name\":\"Bob's box\",\"x_owner\":{\"n\":1},"
	    "\"x_contact\":\"bob@example.org\",\"description\":\"kept\""));

	(void)state;
	assert_non_null(text);
	t.pd_props = listed;
	t.n_pd_props = sizeof listed / sizeof listed[0];
	t.personal = AGREEMENT_PD_REFUSE;
	EXPECT(run(&t, text, &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.personal_data is refuse; indicator.name is "
	    "personal data (listed by the operator)");
	EXPECT(run(&t, indicator(",\"x_contact\":\"bob\""), &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.personal_data is refuse; indicator.x_contact is "
	    "personal data (listed by the operator)");
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_OK);	/* none of them there */
	free(out);

	t.personal = AGREEMENT_PD_PSEUDONYMISE;
	j = pseudo(&t, text);
	assert_true(is_pseudonym(str(j, "name"), ""));
	assert_true(is_pseudonym(str(j, "x_contact"), ""));
	assert_null(json_object_get(j, "x_owner"));	/* not a string: removed */
	assert_string_equal(str(j, "description"), "kept");
	json_decref(j);
	/* a listed property on another type: the operator's "*." */
	j = pseudo(&t, org);
	assert_string_equal(str(j, "name"), "CERT-EX");
	json_decref(j);
	free(text);
}

/* A pseudonymised object stix_read would refuse, or one whose marking the
 * rewriting would change, does not leave. */
static void
test_listed_breaks(void **state)
{
	static const char *const times[] = { "indicator.valid_from" };
	static const char *const marks[] = { "*.object_marking_refs" };
	char why[STIXRULE_WHY_MAX], *out;
	struct stixrule_terms t = terms();
	enum tlp label;

	(void)state;
	t.personal = AGREEMENT_PD_PSEUDONYMISE;
	t.pd_props = times;
	t.n_pd_props = 1;
	EXPECT(run(&t, indicator(""), &out, &label, why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.personal_data is pseudonymise; the object "
	    "pseudonymised is not valid STIX (\"valid_from\" is not an RFC 3339 UTC timestamp "
	    "(YYYY-MM-DDTHH:MM:SS[.s+]Z, a real date))");
	t.pd_props = marks;
	EXPECT(run(&t, indicator(",\"object_marking_refs\":[\"" V2_GREEN "\"]"), &out, &label,
	    why), ST_BREACH);
	assert_string_equal(why, IND_ID ": data.personal_data is pseudonymise; the object "
	    "pseudonymised would carry another TLP marking");
}

/* ---- the origin extension ----------------------------------------------- */

static void
test_origin_extension(void **state)
{
	char name[STIXRULE_NAME_MAX], kid[STIXRULE_NAME_MAX], *a, *b;
	char *other = strdup(indicator(",\"extensions\":{\"x-acme-ext\":{\"score\":3}}"));
	json_t *j, *e;

	(void)state;
	assert_non_null(other);
	a = with_origin(other, "cert-a");
	j = readable(a);
	EXPECT(stixrule_origin(j, name, kid), ST_OK);
	assert_string_equal(name, "cert-a");
	assert_string_equal(kid, KID);
	e = json_object_get(j, "extensions");
	assert_int_equal(json_object_size(e), 2);	/* the other kept */
	assert_string_equal(str(json_object_get(e, STIXRULE_ORIGIN_EXT), "received_at"),
	    "2026-11-27T10:00:00.000Z");
	json_decref(j);

	/* again: replaced, not added */
	b = with_origin(a, "cert-b");
	j = readable(b);
	EXPECT(stixrule_origin(j, name, kid), ST_OK);
	assert_string_equal(name, "cert-b");
	assert_int_equal(json_object_size(json_object_get(j, "extensions")), 2);
	json_decref(j);
	free(a);
	free(b);

	/* an upper-case copy of the id is replaced too */
	a = with_origin(indicator(",\"extensions\":{"
	    "\"extension-definition--5FC28F09-479F-485D-B216-7A0291325A29\":{"
	    "\"extension_type\":\"property-extension\",\"origin\":\"cert-z\"}}"), "cert-a");
	j = readable(a);
	assert_int_equal(json_object_size(json_object_get(j, "extensions")), 1);
	EXPECT(stixrule_origin(j, name, kid), ST_OK);
	assert_string_equal(name, "cert-a");
	json_decref(j);
	free(a);

	/* none */
	j = readable(indicator(""));
	EXPECT(stixrule_origin(j, name, kid), ST_NOTFOUND);
	assert_string_equal(name, "");
	json_decref(j);
	j = readable(other);
	EXPECT(stixrule_origin(j, name, kid), ST_NOTFOUND);
	json_decref(j);
	free(other);
}

/* Garbage in the extension, and what stixrule_with_origin refuses. */
static void
test_origin_garbage(void **state)
{
	static const char *const bad[] = {
		"{\"extension_type\":\"property-extension\",\"origin\":\"Not A Name\","
		    "\"origin_kid\":\"" KID "\",\"received_at\":\"2026-11-27T10:00:00Z\"}",
		"{\"extension_type\":\"property-extension\",\"origin\":\"cert-a\","
		    "\"origin_kid\":\"short\",\"received_at\":\"2026-11-27T10:00:00Z\"}",
		"{\"extension_type\":\"property-extension\",\"origin\":\"cert-a\","
		    "\"origin_kid\":\"" KID "\",\"received_at\":\"yesterday\"}",
		"{\"extension_type\":\"property-extension\",\"origin\":\"cert-a\","
		    "\"origin_kid\":\"" KID "\"}",
		"{\"extension_type\":\"toplevel-property-extension\",\"origin\":\"cert-a\","
		    "\"origin_kid\":\"" KID "\",\"received_at\":\"2026-11-27T10:00:00Z\"}",
		"{\"extension_type\":\"property-extension\",\"origin\":7,"
		    "\"origin_kid\":\"" KID "\",\"received_at\":\"2026-11-27T10:00:00Z\"}",
		"{\"extension_type\":\"property-extension\",\"origin\":\"cert-a\","
		    "\"origin_kid\":\"" KID "\",\"received_at\":\"2026-11-27T10:00:00Z\","
		    "\"extra\":1}",
	};
	char name[STIXRULE_NAME_MAX], kid[STIXRULE_NAME_MAX], extra[1024];
	char *ok = strdup(indicator(""));
	struct buf b;
	json_t *j;

	(void)state;
	assert_non_null(ok);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(extra, sizeof extra, ",\"extensions\":{\"" STIXRULE_ORIGIN_EXT "\":%s}",
		    bad[i]);
		j = json_loads(indicator(extra), 0, NULL);
		assert_non_null(j);
		EXPECT(stixrule_origin(j, name, kid), ST_INVALID);
		assert_string_equal(name, "");
		assert_string_equal(kid, "");
		json_decref(j);
	}
	/* not an object at all */
	j = json_loads(indicator(",\"extensions\":{\"" STIXRULE_ORIGIN_EXT "\":\"x\"}"), 0, NULL);
	EXPECT(stixrule_origin(j, name, kid), ST_INVALID);
	json_decref(j);
	j = json_string("x");
	EXPECT(stixrule_origin(j, name, kid), ST_INVALID);
	json_decref(j);

	buf_init(&b, 1 << 20);
	EXPECT(stixrule_with_origin(ok, strlen(ok), "Cert A", KID, "2026-11-27T10:00:00Z", &b),
	    ST_INVALID);
	EXPECT(stixrule_with_origin(ok, strlen(ok), "cert-a", "nokid", "2026-11-27T10:00:00Z",
	    &b), ST_INVALID);
	EXPECT(stixrule_with_origin(ok, strlen(ok), "cert-a", KID, "2026-11-27", &b), ST_INVALID);
	EXPECT(stixrule_with_origin(ok, strlen(ok), NULL, KID, "2026-11-27T10:00:00Z", &b),
	    ST_INVALID);
	EXPECT(stixrule_with_origin("{\"a\":1", 6, "cert-a", KID, "2026-11-27T10:00:00Z", &b),
	    ST_PARSE);
	EXPECT(stixrule_with_origin("[1]", 3, "cert-a", KID, "2026-11-27T10:00:00Z", &b),
	    ST_PARSE);
	EXPECT(stixrule_with_origin("{\"a\":1,\"a\":2}", 13, "cert-a", KID,
	    "2026-11-27T10:00:00Z", &b), ST_PARSE);
	EXPECT(stixrule_with_origin("{\"extensions\":[]}", 17, "cert-a", KID,
	    "2026-11-27T10:00:00Z", &b), ST_INVALID);
	assert_int_equal(b.len, 0);	/* untouched */
	/* out's maximum */
	buf_free(&b);
	buf_init(&b, 16);
	EXPECT(stixrule_with_origin(ok, strlen(ok), "cert-a", KID, "2026-11-27T10:00:00Z", &b),
	    ST_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	free(ok);
}

static void
test_extension_definition(void **state)
{
	char w[STIX_WHY_MAX];
	struct stix_doc *d;
	struct buf a, b;
	const struct stix_obj *o;

	(void)state;
	buf_init(&a, 1 << 16);
	buf_init(&b, 1 << 16);
	EXPECT(stixrule_extension_definition(&a), ST_OK);
	EXPECT(stixrule_extension_definition(&b), ST_OK);
	assert_string_equal(a.p, b.p);	/* fixed */
	EXPECT(stix_read(a.p, a.len, &d, w), ST_OK);
	o = stix_at(d, 0);
	if (!o->ok)
		fail_msg("%s", o->why);
	assert_string_equal(o->type, "extension-definition");
	assert_string_equal(o->id, STIXRULE_ORIGIN_EXT);
	assert_string_equal(json_string_value(json_object_get(o->json, "created_by_ref")),
	    STIXRULE_ORIGIN_CREATOR);
	assert_string_equal(json_string_value(json_array_get(json_object_get(o->json,
	    "extension_types"), 0)), "property-extension");
	stix_free(d);
	buf_free(&a);
	buf_free(&b);
}

/* Not an object stix_read accepted; out's maximum. */
static void
test_misuse(void **state)
{
	char why[STIXRULE_WHY_MAX], w[STIX_WHY_MAX];
	struct stixrule_terms t = terms();
	const char *bad = "{\"type\":\"indicator\",\"id\":\"" IND_ID "\"}";
	struct stix_doc *d;
	enum tlp label;
	struct buf b;

	(void)state;
	EXPECT(stix_read(bad, strlen(bad), &d, w), ST_OK);
	assert_false(stix_at(d, 0)->ok);
	buf_init(&b, 1 << 16);
	EXPECT(stixrule_apply(&t, stix_at(d, 0), &b, &label, why), ST_INVALID);
	assert_string_equal(why, "(object): not an object stix_read accepted");
	stix_free(d);
	buf_free(&b);

	buf_init(&b, 16);
	EXPECT(stix_read(mail, strlen(mail), &d, w), ST_OK);
	EXPECT(stixrule_apply(&t, stix_at(d, 0), &b, &label, why), ST_TOOBIG);
	t.personal = AGREEMENT_PD_PSEUDONYMISE;
	EXPECT(stixrule_apply(&t, stix_at(d, 0), &b, &label, why), ST_TOOBIG);
	assert_int_equal(b.len, 0);
	stix_free(d);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlp_ceiling),
		cmocka_unit_test(test_tlp_unmarked),
		cmocka_unit_test(test_tlp_v1_mix),
		cmocka_unit_test(test_onward),
		cmocka_unit_test(test_onward_extension),
		cmocka_unit_test(test_ci),
		cmocka_unit_test(test_personal_refuse_allow),
		cmocka_unit_test(test_pseudonymise_types),
		cmocka_unit_test(test_pseudonymise_consistent),
		cmocka_unit_test(test_listed),
		cmocka_unit_test(test_listed_breaks),
		cmocka_unit_test(test_origin_extension),
		cmocka_unit_test(test_origin_garbage),
		cmocka_unit_test(test_extension_definition),
		cmocka_unit_test(test_misuse),
	};

	if (sodium_init() < 0)
		return 1;
	memset(key1, 1, sizeof key1);
	memset(key2, 2, sizeof key2);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
