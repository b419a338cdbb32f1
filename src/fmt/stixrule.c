/* stixrule.c - the rules before a STIX object leaves the node (stixrule.h,
 * docs/STIX.md "The rules before an object leaves").
 *
 * NAME
 *	stixrule - hold one STIX object to an agreement's terms, in order:
 *	TLP ceiling, onward transfer, critical infrastructure, personal data;
 *	and parley's origin extension
 *
 * DESCRIPTION
 *	stixrule_apply reads the object stix_read accepted, decides, and
 *	writes what is sent: the object as it is (compact, keys sorted), or
 *	under "pseudonymise" a deep copy rewritten with keyed pseudonyms and
 *	read again by stix_read, so nothing leaves that the reader refuses
 *	or whose TLP label the rewriting changed.
 *
 * SECURITY
 *	The object is a tool's or a peer's text, already walked under
 *	stix_read's limits (depth, string length), so the recursion here is
 *	bounded.  A pseudonym is BLAKE2b keyed with the node's key over a
 *	domain-separated input ("parley-pseudonym" NUL property NUL value):
 *	without the key no one can test a guess of an address against it,
 *	and the property in the input keeps a value's pseudonym as one
 *	property from serving as another's.  The origin extension is found by
 *	its id with the UUID's case ignored, as RFC 4122 reads UUIDs (and as
 *	stix.c finds TLP markings), so an upper-case copy of the id cannot
 *	carry an object past the onward-transfer rule.  A reason quotes only
 *	the object's id (checked by stix_read) and text cut and shown as
 *	printable ASCII.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/card.h"
#include "fmt/jtext.h"
#include "fmt/stixrule.h"
#include "fmt/why.h"
#include "util/stamp.h"

#define PSEUDO_DOMAIN "parley-pseudonym"	/* its NUL is part of the input */
#define PSEUDO_MAIL "@pseudonymised.invalid"
#define PSEUDO_ID "id"		/* the property an identifier is hashed as */
#define HASH_LEN 32
#define PSEUDO_BYTES 16		/* hash bytes shown in a pseudonym */
#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

static const char *const ci_default[] = { "critical-infrastructure" };

/* ---- reasons ------------------------------------------------------------ */

static status
refuse(char why[static STIXRULE_WHY_MAX], status rc, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* refuse - "NAME: WHAT" into why; returns rc. */
static status
refuse(char why[static STIXRULE_WHY_MAX], status rc, const char *name, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, STIXRULE_WHY_MAX, "%s: ", name);

	if (n > 0 && n < STIXRULE_WHY_MAX) {
		va_start(ap, fmt);
		vsnprintf(why + n, STIXRULE_WHY_MAX - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* show - s as a reason may quote it: at most 60 bytes, each outside
 * printable ASCII (and each quote or backslash) as '?', "..." after a cut. */
static const char *
show(const char *s, char out[static STIXRULE_NAME_MAX])
{
	size_t i;

	for (i = 0; i < STIXRULE_NAME_MAX - 4 && s[i]; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\' ? s[i] : '?';
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

/* ---- pseudonyms --------------------------------------------------------- */

/* keyed - BLAKE2b keyed with key over "parley-pseudonym" NUL prop NUL
 * val[0..n), into h. */
static void
keyed(const uint8_t *key, const char *prop, const char *val, size_t n, uint8_t h[static HASH_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, STIXRULE_KEY_LEN, HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)PSEUDO_DOMAIN, sizeof PSEUDO_DOMAIN);
	crypto_generichash_update(&st, (const unsigned char *)prop, strlen(prop) + 1);
	crypto_generichash_update(&st, (const unsigned char *)val, n);
	crypto_generichash_final(&st, h, HASH_LEN);
	sodium_memzero(&st, sizeof st);
}

/* pseudonym - the string "p-HEX" (+ "@pseudonymised.invalid" when mail)
 * for prop's value v; NULL out of memory. */
static json_t *
pseudonym(const uint8_t *key, const char *prop, const json_t *v, int mail)
{
	char s[2 + 2 * PSEUDO_BYTES + 1 + sizeof PSEUDO_MAIL];
	uint8_t h[HASH_LEN];

	keyed(key, prop, json_string_value(v), json_string_length(v), h);
	memcpy(s, "p-", 2);
	sodium_bin2hex(s + 2, 2 * PSEUDO_BYTES + 1, h, PSEUDO_BYTES);
	if (mail)
		memcpy(s + 2 + 2 * PSEUDO_BYTES, PSEUDO_MAIL, sizeof PSEUDO_MAIL);
	return json_string(s);
}

/* pd_id - 1 when s is (the start of) an identifier of a type whose
 * objects are personal data and whose identifiers are pseudonymised. */
static int
pd_id(const char *s)
{
	return strncmp(s, "email-addr--", 12) == 0 || strncmp(s, "user-account--", 14) == 0;
}

/* pseudo_id - TYPE--UUID for the identifier v (pd_id): TYPE kept, the
 * UUID from the keyed hash of the whole identifier, with the version 5
 * and RFC 4122 variant bits; NULL out of memory. */
static json_t *
pseudo_id(const uint8_t *key, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t tn = (size_t)(strstr(s, "--") - s);	/* pd_id: there is one */
	char out[sizeof "user-account--" + 36];
	uint8_t h[HASH_LEN];
	char *p;

	keyed(key, PSEUDO_ID, s, json_string_length(v), h);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	memcpy(out, s, tn + 2);
	p = out + tn + 2;
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = "0123456789abcdef"[h[i] >> 4];
		*p++ = "0123456789abcdef"[h[i] & 15];
	}
	*p = '\0';
	return json_string(out);
}

static int
ends(const char *k, const char *suffix)
{
	size_t n = strlen(k), m = strlen(suffix);

	return n > m && strcmp(k + n - m, suffix) == 0;
}

/* rewrite_refs - every "*_ref" string and "*_refs" element naming an
 * email-addr or user-account in v, at any depth, as pseudo_id makes it.
 * v was walked by stix_read, so its depth is bounded. */
static status
rewrite_refs(const uint8_t *key, json_t *v)
{
	json_t *x, *y, *n;
	size_t i, j;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (rewrite_refs(key, x))
				return ST_NOMEM;
		return ST_OK;
	}
	if (!json_is_object(v))
		return ST_OK;
	for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
		const char *k = json_object_iter_key(it);

		x = json_object_iter_value(it);
		if (ends(k, "_ref") && json_is_string(x) && pd_id(json_string_value(x))) {
			if (!(n = pseudo_id(key, x)) || json_object_iter_set_new(v, it, n))
				return ST_NOMEM;
		} else if (ends(k, "_refs") && json_is_array(x)) {
			json_array_foreach(x, j, y) {
				if (json_is_string(y) && pd_id(json_string_value(y))) {
					if (!(n = pseudo_id(key, y)) || json_array_set_new(x, j, n))
						return ST_NOMEM;
				} else if (rewrite_refs(key, y)) {
					return ST_NOMEM;
				}
			}
		} else if (rewrite_refs(key, x)) {
			return ST_NOMEM;
		}
	}
	return ST_OK;
}

/* set_pseudo - j's member prop, when there: a string as pseudonym makes
 * it, anything else removed. */
static status
set_pseudo(const uint8_t *key, json_t *j, const char *prop, int mail)
{
	const json_t *v = json_object_get(j, prop);
	json_t *n;

	if (!v)
		return ST_OK;
	if (!json_is_string(v))
		return json_object_del(j, prop) ? ST_NOMEM : ST_OK;
	if (!(n = pseudonym(key, prop, v, mail)) || json_object_set_new(j, prop, n))
		return ST_NOMEM;
	return ST_OK;
}

/* ---- personal data ------------------------------------------------------ */

/* listed - the property entry names ("TYPE.PROP" or "*.PROP") if it is
 * one for an object of type and j has it, else NULL. */
static const char *
listed(const char *entry, const char *type, const json_t *j)
{
	const char *dot = entry ? strchr(entry, '.') : NULL;
	size_t tn;

	if (!dot || !dot[1])
		return NULL;
	tn = (size_t)(dot - entry);
	if (!(tn == 1 && entry[0] == '*') && !(tn == strlen(type) && memcmp(entry, type, tn) == 0))
		return NULL;
	return json_object_get(j, dot + 1) ? dot + 1 : NULL;
}

static int
individual(const json_t *j)
{
	const json_t *c = json_object_get(j, "identity_class");

	return json_is_string(c) && strcmp(json_string_value(c), "individual") == 0;
}

/* personal - whether o holds personal data (stixrule.h, rule 4): 1 with
 * what (for a reason) set, else 0. */
static int
personal(const struct stixrule_terms *t, const struct stix_obj *o, char *what, size_t cap)
{
	static const char *const mail_refs[] = { "from_ref", "sender_ref", "to_refs", "cc_refs",
		"bcc_refs", NULL };
	char shown[STIXRULE_NAME_MAX];
	const char *p;

	if (strcmp(o->type, "email-addr") == 0 || strcmp(o->type, "user-account") == 0) {
		snprintf(what, cap, "%s is personal data", o->type);
		return 1;
	}
	if (strcmp(o->type, "identity") == 0 && individual(o->json)) {
		snprintf(what, cap, "an identity of identity_class individual is personal data");
		return 1;
	}
	if (strcmp(o->type, "email-message") == 0)
		for (size_t i = 0; mail_refs[i]; i++)
			if (json_object_get(o->json, mail_refs[i])) {
				snprintf(what, cap, "an email-message with %s is personal data",
				    mail_refs[i]);
				return 1;
			}
	for (size_t i = 0; i < t->n_pd_props; i++)
		if ((p = listed(t->pd_props[i], o->type, o->json))) {
			snprintf(what, cap, "%.64s.%s is personal data (listed by the operator)",
			    o->type, show(p, shown));
			return 1;
		}
	return 0;
}

/* pseudonymise - j (a copy of o's object) rewritten as stixrule.h says. */
static status
pseudonymise(const struct stixrule_terms *t, const char *type, json_t *j)
{
	status rc = ST_OK;
	const char *p;
	json_t *n;

	if (strcmp(type, "email-addr") == 0) {
		if ((rc = set_pseudo(t->key, j, "value", 1)))
			return rc;
		json_object_del(j, "display_name");
	} else if (strcmp(type, "user-account") == 0) {
		if ((rc = set_pseudo(t->key, j, "user_id", 0)) ||
		    (rc = set_pseudo(t->key, j, "account_login", 0)))
			return rc;
		json_object_del(j, "display_name");
		json_object_del(j, "credential");
	} else if (strcmp(type, "identity") == 0 && individual(j)) {
		if ((rc = set_pseudo(t->key, j, "name", 0)))
			return rc;
		json_object_del(j, "contact_information");
		json_object_del(j, "description");
	}
	for (size_t i = 0; i < t->n_pd_props; i++)
		if ((p = listed(t->pd_props[i], type, j)) && (rc = set_pseudo(t->key, j, p, 0)))
			return rc;
	if (strcmp(type, "email-addr") == 0 || strcmp(type, "user-account") == 0) {
		const json_t *id = json_object_get(j, "id");

		if (json_is_string(id) && pd_id(json_string_value(id)) &&
		    (!(n = pseudo_id(t->key, id)) || json_object_set_new(j, "id", n)))
			return ST_NOMEM;
	}
	return rewrite_refs(t->key, j);
}

/* ---- the origin extension ----------------------------------------------- */

/* find_ext - the member of extensions e whose key is STIXRULE_ORIGIN_EXT
 * with case ignored; *count how many there are. */
static json_t *
find_ext(const json_t *e, size_t *count)
{
	json_t *found = NULL, *x;
	const char *k;

	*count = 0;
	if (!json_is_object(e))
		return NULL;
	json_object_foreach((json_t *)e, k, x)
		if (strcasecmp(k, STIXRULE_ORIGIN_EXT) == 0) {
			if (!found)
				found = x;
			(*count)++;
		}
	return found;
}

status
stixrule_origin(const json_t *obj, char name[static STIXRULE_NAME_MAX],
    char kid[static STIXRULE_NAME_MAX])
{
	static const char *const members[] = { "extension_type", "origin", "origin_kid",
		"received_at", NULL };
	const json_t *x, *et, *on, *ok, *ra;
	char w[WHY_MAX];
	size_t count;
	int64_t ms;

	name[0] = kid[0] = '\0';
	if (!json_is_object(obj))
		return ST_INVALID;
	x = find_ext(json_object_get(obj, "extensions"), &count);
	if (!x)
		return ST_NOTFOUND;
	if (count > 1 || why_members(x, "origin", members, w) != ST_OK)
		return ST_INVALID;
	et = json_object_get(x, "extension_type");
	on = json_object_get(x, "origin");
	ok = json_object_get(x, "origin_kid");
	ra = json_object_get(x, "received_at");
	if (!json_is_string(et) || strcmp(json_string_value(et), "property-extension") != 0 ||
	    !json_is_string(on) || json_string_length(on) >= STIXRULE_NAME_MAX ||
	    strlen(json_string_value(on)) != json_string_length(on) ||
	    !card_name_ok(json_string_value(on)) ||
	    !json_is_string(ok) || json_string_length(ok) >= STIXRULE_NAME_MAX ||
	    strlen(json_string_value(ok)) != json_string_length(ok) ||
	    !why_kid_ok(json_string_value(ok)) ||
	    !json_is_string(ra) || stamp_parse(json_string_value(ra), &ms) != ST_OK)
		return ST_INVALID;
	memcpy(name, json_string_value(on), json_string_length(on) + 1);
	memcpy(kid, json_string_value(ok), json_string_length(ok) + 1);
	return ST_OK;
}

/* dump_to - j as compact JSON, keys sorted, appended to out. */
static status
dump_to(const json_t *j, struct buf *out)
{
	return jtext_sorted(j, out);	/* json_dumps(j, DUMP_FLAGS)'s bytes */
}

status
stixrule_with_origin(const char *obj, size_t n, const char *origin_name,
    const char *origin_kid, const char *received_at, struct buf *out)
{
	json_t *root = NULL, *e, *x, *tmp;
	char w[WHY_MAX];
	const char *k;
	int64_t ms;
	status rc;

	if (!origin_name || strlen(origin_name) >= STIXRULE_NAME_MAX || !card_name_ok(origin_name) ||
	    !origin_kid || !why_kid_ok(origin_kid) || !received_at ||
	    stamp_parse(received_at, &ms) != ST_OK)
		return ST_INVALID;
	if ((rc = why_load(obj, n, STIX_BYTES_MAX, &root, w)))
		return rc;
	e = json_object_get(root, "extensions");
	if (e && !json_is_object(e)) {
		json_decref(root);
		return ST_INVALID;
	}
	if (!e && (!(e = json_object()) || json_object_set_new(root, "extensions", e))) {
		json_decref(root);
		return ST_NOMEM;
	}
	json_object_foreach_safe(e, tmp, k, x)
		if (strcasecmp(k, STIXRULE_ORIGIN_EXT) == 0)
			json_object_del(e, k);
	x = json_pack("{s:s,s:s,s:s,s:s}", "extension_type", "property-extension",
	    "origin", origin_name, "origin_kid", origin_kid, "received_at", received_at);
	if (!x || json_object_set_new(e, STIXRULE_ORIGIN_EXT, x))
		rc = ST_NOMEM;
	else
		rc = dump_to(root, out);
	json_decref(root);
	return rc;
}

status
stixrule_extension_definition(struct buf *out)
{
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}",
	    "type", "extension-definition",
	    "spec_version", "2.1",
	    "id", STIXRULE_ORIGIN_EXT,
	    "created_by_ref", STIXRULE_ORIGIN_CREATOR,
	    "created", "2026-11-27T00:00:00.000Z",
	    "modified", "2026-11-27T00:00:00.000Z",
	    "name", "parley origin",
	    "description", "The party a parley node received this object from: origin, the "
	    "party's node name; origin_kid, its key id (an RFC 7638 thumbprint of its "
	    "Ed25519 key); received_at, when this node received it (UTC).  Set by the "
	    "receiving node on the objects it serves to local tools.",
	    "schema", "https://parley.invalid/stix/origin-extension.json",
	    "version", "1.0",
	    "extension_types", "property-extension");
	status rc;

	if (!j)
		return ST_NOMEM;
	rc = dump_to(j, out);
	json_decref(j);
	return rc;
}

/* ---- the rules ---------------------------------------------------------- */

/* ci - the reason's end when o is critical-infrastructure data (rule 3),
 * into what; 0 when it is not. */
static int
ci(const struct stixrule_terms *t, const json_t *j, char *what, size_t cap)
{
	const char *const *labels = t->ci_labels && t->n_ci_labels ? t->ci_labels : ci_default;
	size_t n = t->ci_labels && t->n_ci_labels ? t->n_ci_labels : 1, i;
	char shown[STIXRULE_NAME_MAX];
	const json_t *x;

	json_array_foreach(json_object_get(j, "labels"), i, x) {
		if (!json_is_string(x))
			continue;
		for (size_t k = 0; k < n; k++)
			if (labels[k] && strcmp(json_string_value(x), labels[k]) == 0) {
				snprintf(what, cap, "the object is labelled %s",
				    show(labels[k], shown));
				return 1;
			}
	}
	if (json_is_true(json_object_get(j, "x_parley_critical_infrastructure"))) {
		snprintf(what, cap, "the object's x_parley_critical_infrastructure is true");
		return 1;
	}
	return 0;
}

/* check_again - j, the object rewritten, read by stix_read: ST_OK when
 * accepted with the label o had; else ST_BREACH with why. */
static status
check_again(const struct stix_obj *o, const char *text, char why[static STIXRULE_WHY_MAX])
{
	static const char clause[] = "data.personal_data is pseudonymise; the object "
	    "pseudonymised";
	char w[STIX_WHY_MAX];
	const struct stix_obj *b;
	struct stix_doc *d;
	status rc;

	if ((rc = stix_read(text, strlen(text), &d, w)))
		return rc == ST_NOMEM ? refuse(why, ST_NOMEM, o->id, "out of memory") :
		    refuse(why, ST_BREACH, o->id, "%s is not valid STIX (%s)", clause, w);
	b = stix_at(d, 0);
	if (!b->ok) {
		const char *r = strstr(b->why, ": ");

		rc = refuse(why, ST_BREACH, o->id, "%s is not valid STIX (%s)", clause,
		    r ? r + 2 : b->why);
	} else if (b->marked != o->marked || (o->marked && b->tlp != o->tlp)) {
		rc = refuse(why, ST_BREACH, o->id, "%s would carry another TLP marking", clause);
	}
	stix_free(d);
	return rc;
}

status
stixrule_apply(const struct stixrule_terms *t, const struct stix_obj *o, struct buf *out,
    enum tlp *label, char why[static STIXRULE_WHY_MAX])
{
	char what[256], shown[STIXRULE_NAME_MAX], ext_name[STIXRULE_NAME_MAX];
	char ext_kid[STIXRULE_NAME_MAX];
	const json_t *exts;
	json_t *copy;
	char *text;
	size_t count;
	status rc;

	why[0] = '\0';
	*label = t->unmarked;
	if (!o->ok || !o->json || !o->id || !o->type)
		return refuse(why, ST_INVALID, "(object)", "not an object stix_read accepted");
	*label = o->marked ? o->tlp : t->unmarked;

	/* 1. TLP: TLP:RED is the top, so it passes only a ceiling of TLP:RED */
	if (*label > t->ceiling)
		return refuse(why, ST_BREACH, o->id, "links.cert.tlp_max is %s; the object is %s",
		    tlp_name(t->ceiling), tlp_name(*label));

	/* 2. onward transfer */
	exts = json_object_get(o->json, "extensions");
	if (t->foreign || find_ext(exts, &count)) {
		const char *from = t->foreign && t->origin ? t->origin :
		    stixrule_origin(o->json, ext_name, ext_kid) == ST_OK ? ext_name :
		    "another party";

		if (!t->onward_ok)
			return refuse(why, ST_BREACH, o->id, "data.onward_transfer is never; the "
			    "object came from %s", show(from, shown));
		if (*label > TLP_GREEN)
			return refuse(why, ST_BREACH, o->id, "data.onward_transfer is with-consent; "
			    "%s data from %s may not move on", tlp_name(*label), show(from, shown));
	}

	/* 3. critical infrastructure */
	if (!t->ci_allowed && ci(t, o->json, what, sizeof what))
		return refuse(why, ST_BREACH, o->id, "data.critical_infrastructure is false; %s",
		    what);

	/* 4. personal data */
	switch (t->personal) {
	case AGREEMENT_PD_REFUSE:
		if (personal(t, o, what, sizeof what))
			return refuse(why, ST_BREACH, o->id, "data.personal_data is refuse; %s", what);
		break;
	case AGREEMENT_PD_ALLOW:
		break;
	case AGREEMENT_PD_PSEUDONYMISE:
		if (!t->key)
			return refuse(why, ST_INVALID, o->id, "data.personal_data is pseudonymise "
			    "and there is no key");
		if (!(copy = json_deep_copy(o->json)))
			return refuse(why, ST_NOMEM, o->id, "out of memory");
		if ((rc = pseudonymise(t, o->type, copy)) ||
		    !(text = json_dumps(copy, DUMP_FLAGS))) {
			json_decref(copy);
			return refuse(why, ST_NOMEM, o->id, "out of memory");
		}
		/* read again only what the rewriting changed: most objects hold
		 * no personal data and name none */
		rc = json_equal(copy, o->json) ? ST_OK : check_again(o, text, why);
		json_decref(copy);
		if (rc == ST_OK && (rc = buf_adds(out, text)))
			refuse(why, rc, o->id, "%s", status_str(rc));
		free(text);
		return rc;
	default:
		return refuse(why, ST_INVALID, o->id, "data.personal_data is not a known value");
	}
	if ((rc = dump_to(o->json, out)))
		return refuse(why, rc, o->id, "%s", status_str(rc));
	return ST_OK;
}
