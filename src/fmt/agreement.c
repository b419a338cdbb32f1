/* agreement.c - agreements: the payload's schema, its General
 * Serialization (several signatures over one payload), and the questions
 * enforcement asks of an agreement (agreement.h, docs/AGREEMENTS.md).
 *
 * SECURITY: a document is untrusted until agreement_verify has checked
 * every signature in it with the key of the party its kid names, over the
 * payload's bytes exactly as they stand: nothing is re-serialised before
 * it is verified, so what was signed is what is read.  The schema is
 * strict (an unknown member is refused, not ignored): a treaty text that
 * two nodes could read two ways is worse than one refused.  Text from the
 * input reaches `why` only quoted, cut and as printable ASCII.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/why.h"
#include "fmt/agreement.h"
#include "util/b64.h"
#include "crypto/jws.h"
#include "fmt/deskmsg.h"
#include "fmt/duration.h"
#include "fmt/template.h"

#define PATH_LEN 128
#define SHOWN_MAX WHY_SHOWN_MAX
/* the reasons of why.h, at this reader's size */
#define fail(why, rc, path, ...) why_fail(why, AGREEMENT_WHY_MAX, rc, path, __VA_ARGS__)
#define shown(s, out) why_shown(s, out)
#define kid_ok(s) why_kid_ok(s)
#define HDR_MAX 1024		/* a protected header, decoded */
#define N_PRIOS 4

/* The priorities, in the order of their bits in ag_link.prios. */
static const char *const prio_names[N_PRIOS + 1] = {
	"flash", "immediate", "priority", "routine", NULL
};

struct ag_link {
	char name[ENV_LINK_MAX + 1];
	char types[AGREEMENT_TYPES_MAX][ENV_TYPE_MAX + 1];
	size_t n_types;
	char templates[AGREEMENT_TYPES_MAX][ENV_TYPE_MAX + 1];	/* version 2 */
	size_t n_templates;
	unsigned prios;			/* bit i: prio_names[i] allowed */
	int64_t max_body;
	enum tlp tlp_max;
	int64_t ack[N_PRIOS], reply[N_PRIOS];	/* seconds; -1: no deadline */
};

struct agreement {
	int v;				/* 1 or 2 (templates) */
	char id[STAMP_UUID_LEN];
	char title[AGREEMENT_TITLE_MAX + 1];
	char supersedes[STAMP_UUID_LEN];	/* "": none */
	struct agreement_party parties[AGREEMENT_PARTIES_MAX];
	size_t n_parties;
	int64_t effective_ms, expires_ms, notice_s;
	struct ag_link links[AGREEMENT_LINKS_MAX];	/* sorted by name */
	size_t n_links;
	int has_checks;
	struct agreement_checks checks;
	struct agreement_data data;
};

/* ---- why and paths ---------------------------------------------------- */



/* cut - end a path that snprintf (which returned n) cut short with "...". */
static void
cut(char out[static PATH_LEN], int n)
{
	if (n < 0 || n >= PATH_LEN)
		memcpy(out + PATH_LEN - 4, "...", 4);
}

/* path_key - parent.key (key alone at the top); key is shown safely. */
static void
path_key(char out[static PATH_LEN], const char *parent, const char *key)
{
	char k[SHOWN_MAX + 4];

	cut(out, snprintf(out, PATH_LEN, "%s%s%s", parent, parent[0] ? "." : "", shown(key, k)));
}

/* path_idx - parent[i]. */
static void
path_idx(char out[static PATH_LEN], const char *parent, size_t i)
{
	cut(out, snprintf(out, PATH_LEN, "%s[%zu]", parent, i));
}

/* ---- JSON members ----------------------------------------------------- */

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* sorted_keys - o's keys in byte order into keys (cap of them at most),
 * so that members are checked, and refused, in one order everywhere. */
static size_t
sorted_keys(const json_t *o, const char **keys, size_t cap)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	json_object_foreach((json_t *)o, k, v) {
		(void)v;
		if (n == cap)
			break;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof *keys, cmp_str);
	return n;
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* index_of - the position of s in list, or -1. */
static int
index_of(const char *s, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return i;
	return -1;
}

/* check_object - v must be an object whose members are all in allowed;
 * an other member is refused as "PATH.NAME: " + say. */
static status
members_in(const json_t *v, const char *path, const char *const *allowed, const char *say,
    char *why)
{
	const char *keys[32];
	char p[PATH_LEN];
	const char *k;
	json_t *m;
	size_t n;

	if (!json_is_object(v))
		return fail(why, ST_INVALID, path[0] ? path : "(top)", "not an object");
	if (json_object_size(v) > sizeof keys / sizeof *keys) {
		json_object_foreach((json_t *)v, k, m) {
			(void)m;
			if (!in_list(k, allowed)) {
				path_key(p, path, k);
				return fail(why, ST_INVALID, p, "%s", say);
			}
		}
	}
	n = sorted_keys(v, keys, sizeof keys / sizeof *keys);
	for (size_t i = 0; i < n; i++)
		if (!in_list(keys[i], allowed)) {
			path_key(p, path, keys[i]);
			return fail(why, ST_INVALID, p, "%s", say);
		}
	return ST_OK;
}

static status
check_object(const json_t *v, const char *path, const char *const *allowed, char *why)
{
	return members_in(v, path, allowed, "unknown member", why);
}

/* member - o's member key, which must be there; its path into p. */
static status
need(const json_t *o, const char *path, const char *key, const json_t **v,
    char p[static PATH_LEN], char *why)
{
	path_key(p, path, key);
	*v = json_object_get(o, key);
	return *v ? ST_OK : fail(why, ST_INVALID, p, "missing");
}

/* text - v must be a string of min..max bytes with no control character. */
static status
get_text(const json_t *v, const char *p, size_t min, size_t max, const char **s, char *why)
{
	size_t n;

	if (!json_is_string(v))
		return fail(why, ST_INVALID, p, "not a string");
	*s = json_string_value(v);
	n = json_string_length(v);
	if (n < min)
		return fail(why, ST_INVALID, p, "empty");
	if (n > max)
		return fail(why, ST_INVALID, p, "longer than %zu bytes", max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)(*s)[i] < 0x20 || (*s)[i] == 0x7f)
			return fail(why, ST_INVALID, p, "holds a control character");
	return ST_OK;
}

static int
uuid7_ok(const char *s)
{
	return stamp_is_uuid(s) && s[14] == '7' && strchr("89ab", s[19]);
}

static status
uuid7(const json_t *v, const char *p, char out[static STAMP_UUID_LEN], char *why)
{
	const char *s;
	status rc = get_text(v, p, 1, STAMP_UUID_LEN - 1, &s, why);

	if (rc || !uuid7_ok(s))
		return fail(why, ST_INVALID, p, "not a UUIDv7 (lowercase 8-4-4-4-12 hex, version 7)");
	memcpy(out, s, STAMP_UUID_LEN);
	return ST_OK;
}

static status
time_of(const json_t *v, const char *p, int64_t *ms, char *why)
{
	const char *s;

	if (!json_is_string(v))
		return fail(why, ST_INVALID, p, "not a string");
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || stamp_parse(s, ms) != ST_OK)
		return fail(why, ST_INVALID, p,
		    "not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)");
	return ST_OK;
}

/* duration - an ISO 8601 duration of at least min seconds (0 or 1). */
static status
get_duration(const json_t *v, const char *p, int64_t min, int64_t *secs, char *why)
{
	const char *s;
	status rc;

	if (!json_is_string(v))
		return fail(why, ST_INVALID, p, "not a string");
	s = json_string_value(v);
	rc = strlen(s) == json_string_length(v) ? duration_parse(s, secs) : ST_PARSE;
	if (rc == ST_INVALID)
		return fail(why, ST_INVALID, p, "longer than %lld days",
		    (long long)(DURATION_MAX_S / 86400));
	if (rc)
		return fail(why, ST_INVALID, p,
		    "not an ISO 8601 duration (PnW or P[nD][T[nH][nM][nS]])");
	if (*secs < min)
		return fail(why, ST_INVALID, p, "must be longer than zero");
	return ST_OK;
}

/* choice - a string among list; its index into *i. */
static status
choice(const json_t *v, const char *p, const char *const *list, const char *say, int *i,
    char *why)
{
	const char *s = json_string_value(v);

	if (!json_is_string(v))
		return fail(why, ST_INVALID, p, "not a string");
	*i = index_of(s, list);
	return *i < 0 ? fail(why, ST_INVALID, p, "not one of %s", say) : ST_OK;
}

/* array - v must be an array of min..max elements. */
static status
get_array(const json_t *v, const char *p, size_t min, size_t max, char *why)
{
	if (!json_is_array(v))
		return fail(why, ST_INVALID, p, "not an array");
	if (json_array_size(v) < min)
		return fail(why, ST_INVALID, p, min == 1 ? "empty" : "fewer than %zu elements", min);
	if (json_array_size(v) > max)
		return fail(why, ST_INVALID, p, "more than %zu elements", max);
	return ST_OK;
}


/* link_name_ok - a link name: the four standard links, or any name of the
 * characters of a message type short enough for a message's link field. */
static int
link_name_ok(const char *s)
{
	return envelope_link_ok(s);
}

/* ---- the payload ------------------------------------------------------ */

static status
parties(const json_t *v, const char *path, struct agreement *a, char *why)
{
	static const char *const allowed[] = { "name", "kid", NULL };
	char p[PATH_LEN], q[PATH_LEN];
	status rc = get_array(v, path, 2, AGREEMENT_PARTIES_MAX, why);

	if (rc)
		return rc;
	for (size_t i = 0; i < json_array_size(v); i++) {
		struct agreement_party *pt = &a->parties[i];
		const json_t *e = json_array_get(v, i), *m = NULL;
		const char *s;

		path_idx(p, path, i);
		rc = check_object(e, p, allowed, why);
		if (!rc)
			rc = need(e, p, "name", &m, q, why);
		if (!rc)
			rc = get_text(m, q, 1, CARD_NAME_MAX, &s, why);
		if (rc)
			return rc;
		if (!card_name_ok(s))
			return fail(why, ST_INVALID, q, "not a node name ([a-z0-9][a-z0-9._-]{0,62})");
		memcpy(pt->name, s, strlen(s) + 1);
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->parties[j].name, s) == 0)
				return fail(why, ST_INVALID, q, "\"%s\" is also parties[%zu]'s name", s, j);
		rc = need(e, p, "kid", &m, q, why);
		if (rc)
			return rc;
		if (!json_is_string(m))
			return fail(why, ST_INVALID, q, "not a string");
		s = json_string_value(m);
		if (!kid_ok(s))
			return fail(why, ST_INVALID, q,
			    "not a key id (RFC 7638 thumbprint: 43 characters of base64url)");
		memcpy(pt->kid, s, IDENT_KID_LEN);
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->parties[j].kid, s) == 0)
				return fail(why, ST_INVALID, q, "also parties[%zu]'s key id", j);
		a->n_parties = i + 1;
	}
	return ST_OK;
}

/* names - an array of distinct strings, each passing ok, into names. */
static status
get_names(const json_t *v, const char *path, size_t min, size_t max,
    int (*ok)(const char *), const char *say, char out[][ENV_TYPE_MAX + 1], size_t *n,
    char *why)
{
	char p[PATH_LEN], k[SHOWN_MAX + 4];
	status rc = get_array(v, path, min, max, why);

	if (rc)
		return rc;
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *s;

		path_idx(p, path, i);
		rc = get_text(json_array_get(v, i), p, 0, ENV_TYPE_MAX, &s, why);
		if (!rc && !ok(s))
			rc = fail(why, ST_INVALID, p, "not %s", say);
		for (size_t j = 0; !rc && j < i; j++)
			if (strcmp(out[j], s) == 0)
				rc = fail(why, ST_INVALID, p, "\"%s\" is listed twice", shown(s, k));
		if (rc)
			return rc;
		memcpy(out[i], s, strlen(s) + 1);
	}
	*n = json_array_size(v);
	return ST_OK;
}

static status
deadlines(const json_t *v, const char *path, struct ag_link *l, char *why)
{
	static const char *const allowed[] = { "ack", "reply", NULL };
	const char *keys[N_PRIOS];
	char p[PATH_LEN], q[PATH_LEN];
	size_t n;
	status rc;

	rc = members_in(v, path, prio_names,
	    "not a priority (flash, immediate, priority, routine)", why);
	if (rc)
		return rc;
	n = sorted_keys(v, keys, N_PRIOS);
	for (size_t i = 0; i < n; i++) {
		int pi = index_of(keys[i], prio_names);
		const json_t *e = json_object_get(v, keys[i]), *m = NULL;

		path_key(p, path, keys[i]);
		if (!(l->prios & 1u << pi))
			return fail(why, ST_INVALID, p, "%s is not among links.%s.priorities",
			    keys[i], l->name);
		rc = check_object(e, p, allowed, why);
		if (!rc)
			rc = need(e, p, "ack", &m, q, why);
		if (!rc)
			rc = get_duration(m, q, 1, &l->ack[pi], why);
		if (!rc)
			rc = need(e, p, "reply", &m, q, why);
		if (!rc)
			rc = get_duration(m, q, 1, &l->reply[pi], why);
		if (!rc && l->reply[pi] < l->ack[pi])
			rc = fail(why, ST_INVALID, q, "shorter than ack");
		if (rc)
			return rc;
	}
	return ST_OK;
}

static int
prio_ok(const char *s)
{
	return index_of(s, prio_names) >= 0;
}

static int
template_ok(const char *s)
{
	return template_find(s) != NULL;
}

/* templates - version 2's links.NAME.templates: names of templates of the
 * registry (fmt/template.h), none also among the link's types; absent is
 * none.  A link needs a type or a template. */
static status
templates(const json_t *v, const char *path, struct ag_link *l, char *why)
{
	char p[PATH_LEN], k[SHOWN_MAX + 4];
	const json_t *m = json_object_get(v, "templates");
	status rc;

	path_key(p, path, "templates");
	if (m) {
		rc = get_names(m, p, 0, AGREEMENT_TYPES_MAX, template_ok,
		    "a template of this version of parley (parley templates)", l->templates,
		    &l->n_templates, why);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < l->n_templates; i++)
		for (size_t j = 0; j < l->n_types; j++)
			if (strcmp(l->templates[i], l->types[j]) == 0) {
				char q[PATH_LEN];

				path_idx(q, p, i);
				return fail(why, ST_INVALID, q, "\"%s\" is also among links.%s.types: "
				    "a type is a template's or free", shown(l->templates[i], k),
				    l->name);
			}
	if (l->n_types + l->n_templates == 0)
		return fail(why, ST_INVALID, path, "neither a type nor a template: the link "
		    "carries nothing");
	return ST_OK;
}

static status
one_link(const json_t *v, const char *path, int version, struct ag_link *l, char *why)
{
	static const char *const allowed1[] = {
		"types", "priorities", "max_body", "tlp_max", "deadlines", NULL
	};
	static const char *const allowed2[] = {
		"types", "templates", "priorities", "max_body", "tlp_max", "deadlines", NULL
	};
	char prios[N_PRIOS][ENV_TYPE_MAX + 1], p[PATH_LEN];
	size_t n_prios;
	const json_t *m = NULL;
	const char *s;
	status rc;

	for (int i = 0; i < N_PRIOS; i++)
		l->ack[i] = l->reply[i] = -1;
	rc = check_object(v, path, version >= 2 ? allowed2 : allowed1, why);
	if (!rc)
		rc = need(v, path, "types", &m, p, why);
	if (!rc)
		rc = get_names(m, p, version >= 2 ? 0 : 1, AGREEMENT_TYPES_MAX, envelope_type_ok,
		    "a message type ([a-z0-9][a-z0-9._-]{0,62})", l->types, &l->n_types, why);
	if (!rc && version >= 2)
		rc = templates(v, path, l, why);
	if (!rc)
		rc = need(v, path, "priorities", &m, p, why);
	if (!rc)
		rc = get_names(m, p, 1, N_PRIOS, prio_ok,
		    "a priority (flash, immediate, priority, routine)", prios, &n_prios, why);
	if (rc)
		return rc;
	for (size_t i = 0; i < n_prios; i++)
		l->prios |= 1u << index_of(prios[i], prio_names);
	rc = need(v, path, "max_body", &m, p, why);
	if (rc)
		return rc;
	if (!json_is_integer(m))
		return fail(why, ST_INVALID, p, "not an integer");
	l->max_body = json_integer_value(m);
	if (l->max_body < 1 || l->max_body > AGREEMENT_BODY_LIMIT)
		return fail(why, ST_INVALID, p, "out of range (1 to %d bytes)", AGREEMENT_BODY_LIMIT);
	rc = need(v, path, "tlp_max", &m, p, why);
	if (rc)
		return rc;
	s = json_string_value(m);
	if (!json_is_string(m))
		return fail(why, ST_INVALID, p, "not a string");
	if (strlen(s) != json_string_length(m) || tlp_parse(s, &l->tlp_max) != ST_OK)
		return fail(why, ST_INVALID, p, "not a TLP 2.0 label (TLP:CLEAR, TLP:GREEN, "
		    "TLP:AMBER, TLP:AMBER+STRICT, TLP:RED)");
	rc = need(v, path, "deadlines", &m, p, why);
	return rc ? rc : deadlines(m, p, l, why);
}

static status
links(const json_t *v, const char *path, struct agreement *a, char *why)
{
	const char *keys[AGREEMENT_LINKS_MAX];
	char p[PATH_LEN];
	size_t n;
	status rc;

	if (!json_is_object(v))
		return fail(why, ST_INVALID, path, "not an object");
	if (json_object_size(v) == 0)
		return fail(why, ST_INVALID, path, "empty: an agreement allows at least one link");
	if (json_object_size(v) > AGREEMENT_LINKS_MAX)
		return fail(why, ST_INVALID, path, "more than %d links", AGREEMENT_LINKS_MAX);
	n = sorted_keys(v, keys, AGREEMENT_LINKS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct ag_link *l = &a->links[i];

		path_key(p, path, keys[i]);
		if (!link_name_ok(keys[i]))
			return fail(why, ST_INVALID, p, "not a link name ([a-z0-9][a-z0-9._-]{0,14})");
		memcpy(l->name, keys[i], strlen(keys[i]) + 1);
		rc = one_link(json_object_get(v, keys[i]), p, a->v, l, why);
		if (rc)
			return rc;
		a->n_links = i + 1;
	}
	return ST_OK;
}

static status
data(const json_t *v, const char *path, struct agreement_data *d, char *why)
{
	static const char *const allowed[] = {
		"critical_infrastructure", "personal_data", "onward_transfer", "retention", NULL
	};
	static const char *const personal[] = { "refuse", "pseudonymise", "allow", NULL };
	static const char *const onward[] = { "never", "with-consent", NULL };
	char p[PATH_LEN];
	const json_t *m = NULL;
	int i;
	status rc;

	rc = check_object(v, path, allowed, why);
	if (!rc)
		rc = need(v, path, "critical_infrastructure", &m, p, why);
	if (rc)
		return rc;
	if (!json_is_boolean(m))
		return fail(why, ST_INVALID, p, "not a boolean (true or false)");
	d->critical_infrastructure = json_is_true(m);
	rc = need(v, path, "personal_data", &m, p, why);
	if (!rc)
		rc = choice(m, p, personal, "refuse, pseudonymise, allow", &i, why);
	if (rc)
		return rc;
	d->personal_data = (enum agreement_personal)i;
	/* absent: never, the default, and the one that fails safe */
	path_key(p, path, "onward_transfer");
	m = json_object_get(v, "onward_transfer");
	i = AGREEMENT_ONWARD_NEVER;
	if (m && (rc = choice(m, p, onward, "never, with-consent", &i, why)) != ST_OK)
		return rc;
	d->onward_transfer = (enum agreement_onward)i;
	rc = need(v, path, "retention", &m, p, why);
	return rc ? rc : get_duration(m, p, 1, &d->retention_s, why);
}

static const struct ag_link *find_link(const struct agreement *a, const char *name);

/* hhmm - "HH:MM" (00:00 to 24:00) as minutes of the day. */
static status
hhmm(const json_t *v, const char *p, int *min, char *why)
{
	const char *s = json_string_value(v);

	if (!json_is_string(v) || json_string_length(v) != 5 || s[2] != ':' ||
	    s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' ||
	    s[4] < '0' || s[4] > '9')
		return fail(why, ST_INVALID, p, "not a time of day, HH:MM (UTC)");
	*min = ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
	if (*min > 24 * 60)
		return fail(why, ST_INVALID, p, "not a time of day, HH:MM (UTC)");
	return ST_OK;
}

/* checks - version 2's optional "checks": {"link", "machine_every"?,
 * "human_window"?: {"from","to"}}, at least one of the two; the link one
 * of the agreement's, listing the comm-check template. */
static status
checks(const json_t *v, const char *path, struct agreement *a, char *why)
{
	static const char *const allowed[] = { "link", "machine_every", "human_window", NULL };
	static const char *const window[] = { "from", "to", NULL };
	struct agreement_checks *c = &a->checks;
	char p[PATH_LEN], q[PATH_LEN], k[SHOWN_MAX + 4];
	const json_t *m = NULL, *w;
	const char *s;
	status rc = check_object(v, path, allowed, why);

	if (!rc)
		rc = need(v, path, "link", &m, p, why);
	if (!rc)
		rc = get_text(m, p, 1, ENV_LINK_MAX, &s, why);
	if (rc)
		return rc;
	if (!find_link(a, s))
		return fail(why, ST_INVALID, p, "\"%s\" is not among links", shown(s, k));
	if (!agreement_template_ok(a, s, "comm-check"))
		return fail(why, ST_INVALID, p, "links.%s.templates does not list comm-check", s);
	memcpy(c->link, s, strlen(s) + 1);
	path_key(p, path, "machine_every");
	if ((m = json_object_get(v, "machine_every")) != NULL) {
		if ((rc = get_duration(m, p, 1, &c->machine_every_s, why)) != ST_OK)
			return rc;
		if (c->machine_every_s < 60)
			return fail(why, ST_INVALID, p, "shorter than a minute (PT1M)");
	}
	path_key(p, path, "human_window");
	if ((w = json_object_get(v, "human_window")) != NULL) {
		rc = check_object(w, p, window, why);
		if (!rc)
			rc = need(w, p, "from", &m, q, why);
		if (!rc)
			rc = hhmm(m, q, &c->human_from_min, why);
		if (!rc)
			rc = need(w, p, "to", &m, q, why);
		if (!rc)
			rc = hhmm(m, q, &c->human_to_min, why);
		if (!rc && c->human_to_min <= c->human_from_min)
			rc = fail(why, ST_INVALID, q, "not after from");
		if (rc)
			return rc;
		c->has_human = 1;
	}
	if (!c->machine_every_s && !c->has_human)
		return fail(why, ST_INVALID, path, "schedules nothing: give machine_every,"
		    " human_window or both");
	a->has_checks = 1;
	return ST_OK;
}

/* fields - check the payload object root into a. */
static status
fields(const json_t *root, struct agreement *a, char *why)
{
	static const char *const allowed[] = {
		"v", "id", "title", "references", "parties", "supersedes", "effective",
		"expires", "notice", "links", "data", NULL
	};
	static const char *const allowed2[] = {
		"v", "id", "title", "references", "parties", "supersedes", "effective",
		"expires", "notice", "links", "data", "checks", NULL
	};
	char p[PATH_LEN];
	const json_t *m = NULL;
	const char *s;
	status rc;

	if (!json_is_object(root))
		return fail(why, ST_PARSE, "(top)", "not a JSON object");
	/* the version first: a later version's members are not unknown to it */
	rc = need(root, "", "v", &m, p, why);
	if (rc)
		return rc;
	if (!json_is_integer(m))
		return fail(why, ST_INVALID, p, "not an integer");
	if (json_integer_value(m) != 1 && json_integer_value(m) != 2)
		return fail(why, ST_INVALID, p, "version %lld is not supported (1 and 2 are)",
		    (long long)json_integer_value(m));
	a->v = (int)json_integer_value(m);
	rc = check_object(root, "", a->v >= 2 ? allowed2 : allowed, why);
	if (!rc)
		rc = need(root, "", "id", &m, p, why);
	if (!rc)
		rc = uuid7(m, p, a->id, why);
	if (!rc)
		rc = need(root, "", "title", &m, p, why);
	if (!rc)
		rc = get_text(m, p, 1, AGREEMENT_TITLE_MAX, &s, why);
	if (rc)
		return rc;
	memcpy(a->title, s, strlen(s) + 1);
	rc = need(root, "", "references", &m, p, why);
	if (!rc && !json_is_array(m))
		rc = fail(why, ST_INVALID, p, "not an array");
	if (!rc && json_array_size(m) > AGREEMENT_REFS_MAX)
		rc = fail(why, ST_INVALID, p, "more than %d elements", AGREEMENT_REFS_MAX);
	for (size_t i = 0; !rc && i < json_array_size(m); i++) {
		char q[PATH_LEN];

		path_idx(q, "references", i);
		rc = get_text(json_array_get(m, i), q, 1, AGREEMENT_REF_MAX, &s, why);
	}
	if (!rc)
		rc = need(root, "", "parties", &m, p, why);
	if (!rc)
		rc = parties(m, p, a, why);
	if (!rc)
		rc = need(root, "", "supersedes", &m, p, why);
	if (!rc && !json_is_null(m)) {
		rc = uuid7(m, p, a->supersedes, why);
		if (!rc && strcmp(a->supersedes, a->id) == 0)
			rc = fail(why, ST_INVALID, p, "the agreement's own id");
	}
	if (!rc)
		rc = need(root, "", "effective", &m, p, why);
	if (!rc)
		rc = time_of(m, p, &a->effective_ms, why);
	if (!rc)
		rc = need(root, "", "expires", &m, p, why);
	a->expires_ms = AGREEMENT_NEVER;
	if (!rc && !json_is_null(m)) {
		rc = time_of(m, p, &a->expires_ms, why);
		if (!rc && a->expires_ms <= a->effective_ms)
			rc = fail(why, ST_INVALID, p, "not after effective");
	}
	if (!rc)
		rc = need(root, "", "notice", &m, p, why);
	if (!rc)
		rc = get_duration(m, p, 0, &a->notice_s, why);
	if (!rc)
		rc = need(root, "", "links", &m, p, why);
	if (!rc)
		rc = links(m, p, a, why);
	if (!rc)
		rc = need(root, "", "data", &m, p, why);
	if (!rc)
		rc = data(m, p, &a->data, why);
	if (!rc && (m = json_object_get(root, "checks")) != NULL) {
		path_key(p, "", "checks");
		rc = checks(m, p, a, why);
	}
	return rc;
}

/* load - parse json[0..n) into a JSON object *root and a checked *a (both
 * the caller's on success; NULL on error). */
static status
load(const char *json, size_t n, json_t **root, struct agreement **out, char *why)
{
	char k[SHOWN_MAX + 4];
	struct agreement *a;
	json_error_t err;
	status rc;

	*root = NULL;
	*out = NULL;
	why[0] = '\0';
	if (n > AGREEMENT_PAYLOAD_MAX)
		return fail(why, ST_TOOBIG, "payload", "%zu bytes, over the %d allowed", n,
		    AGREEMENT_PAYLOAD_MAX);
	*root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &err);
	if (!*root)
		return fail(why, ST_PARSE, "payload", "not JSON: %s (line %d, column %d)",
		    shown(err.text, k), err.line, err.column);
	a = calloc(1, sizeof *a);
	if (!a) {
		json_decref(*root);
		*root = NULL;
		return fail(why, ST_NOMEM, "payload", "out of memory");
	}
	rc = fields(*root, a, why);
	if (rc) {
		free(a);
		json_decref(*root);
		*root = NULL;
		return rc;
	}
	*out = a;
	return ST_OK;
}

status
agreement_parse(const char *json, size_t n, struct agreement **out,
    char why[static AGREEMENT_WHY_MAX])
{
	json_t *root;
	status rc = load(json, n, &root, out, why);

	json_decref(root);
	return rc;
}

void
agreement_free(struct agreement *a)
{
	free(a);
}

/* ---- the draft -------------------------------------------------------- */

/* The defaults of a draft (docs/AGREEMENTS.md, "Drafts"): per standard
 * link, the types, priorities, body, TLP ceiling, and per priority the
 * deadlines for acknowledgement and reply (NULL: none). */
struct draft_link {
	const char *name;
	const char *types[8];
	int forms;		/* 1: every template of the registry */
	const char *prios[N_PRIOS + 1];
	json_int_t max_body;
	const char *tlp;
	const char *ack[N_PRIOS], *reply[N_PRIOS];	/* by prio_names order */
};

static const struct draft_link draft_links[] = {
	{ "urgent", { "notification", NULL }, 1,
	    { "flash", "immediate", "priority", "routine", NULL }, 1048576, "TLP:AMBER",
	    { "PT10M", "PT30M", "PT2H", "P1D" }, { "PT1H", "PT4H", "P1D", "P3D" } },
	{ "cert", { "advisory", "indicator", "incident", "inquiry", "reply", "stix-batch",
	    "csaf-advisory", NULL }, 0,
	    { "immediate", "priority", "routine", NULL }, 1048576, "TLP:AMBER",
	    { NULL, "PT1H", "PT4H", "P1D" }, { NULL, "PT8H", "P2D", "P5D" } },
	{ "leaders", { "message", "reply", NULL }, 0,
	    { "flash", "immediate", "priority", NULL }, 262144, "TLP:RED",
	    { "PT15M", "PT1H", "PT12H", NULL }, { "PT2H", "PT12H", "P3D", NULL } },
	{ "wg", { "document", "comment", "minutes", "inquiry", "reply", NULL }, 0,
	    { "priority", "routine", NULL }, 1048576, "TLP:GREEN",
	    { NULL, NULL, "P1D", "P2D" }, { NULL, NULL, "P5D", "P10D" } },
};

static json_t *
draft_link(const struct draft_link *d)
{
	json_t *l, *types = json_array(), *prios = json_array(), *dl = json_object();

	for (size_t i = 0; d->types[i]; i++)
		json_array_append_new(types, json_string(d->types[i]));
	for (size_t i = 0; d->prios[i]; i++)
		json_array_append_new(prios, json_string(d->prios[i]));
	for (size_t i = 0; i < N_PRIOS; i++)
		if (d->ack[i])
			json_object_set_new(dl, prio_names[i],
			    json_pack("{s:s, s:s}", "ack", d->ack[i], "reply", d->reply[i]));
	l = json_pack("{s:o, s:o, s:I, s:s, s:o}", "types", types, "priorities", prios,
	    "max_body", d->max_body, "tlp_max", d->tlp, "deadlines", dl);
	if (l && d->forms) {
		json_t *ts = json_array();

		for (size_t i = 0; i < template_count(); i++)
			json_array_append_new(ts, json_string(template_name(template_at(i))));
		json_object_set_new(l, "templates", ts);
	}
	return l;
}

/* draft_title - "Agreement between a, b and c", or "... N parties" when
 * that is too long for a title. */
static void
draft_title(const struct agreement_party *p, size_t n, char out[static AGREEMENT_TITLE_MAX + 1])
{
	size_t len = (size_t)snprintf(out, AGREEMENT_TITLE_MAX + 1, "Agreement between");

	for (size_t i = 0; i < n && len <= AGREEMENT_TITLE_MAX; i++)
		len += (size_t)snprintf(out + len, AGREEMENT_TITLE_MAX + 1 - len, "%s%s",
		    i == 0 ? " " : i + 1 == n ? " and " : ", ", p[i].name);
	if (len > AGREEMENT_TITLE_MAX)
		snprintf(out, AGREEMENT_TITLE_MAX + 1, "Agreement between %zu parties", n);
}

status
agreement_draft(const struct agreement_party *parties, size_t n, const char *title,
    const char *id, int64_t effective_ms, struct buf *out, char why[static AGREEMENT_WHY_MAX])
{
	char eff[STAMP_TIME_LEN], t[AGREEMENT_TITLE_MAX + 1];
	json_t *pl, *ps, *ls;
	struct agreement *a;
	char *text = NULL;
	status rc;

	why[0] = '\0';
	if (n > AGREEMENT_PARTIES_MAX)
		return fail(why, ST_INVALID, "parties", "more than %d elements",
		    AGREEMENT_PARTIES_MAX);
	if (!title) {
		draft_title(parties, n, t);
		title = t;
	}
	stamp_format(effective_ms, eff);
	ps = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ps, json_pack("{s:s, s:s}", "name", parties[i].name,
		    "kid", parties[i].kid));
	ls = json_object();
	for (size_t i = 0; i < sizeof draft_links / sizeof *draft_links; i++)
		json_object_set_new(ls, draft_links[i].name, draft_link(&draft_links[i]));
	pl = json_pack("{s:i, s:s, s:s, s:[], s:o, s:n, s:s, s:n, s:s, s:o, "
	    "s:{s:b, s:s, s:s, s:s}}", "v", 2, "id", id, "title", title, "references",
	    "parties", ps, "supersedes", "effective", eff, "expires", "notice", "P30D",
	    "links", ls, "data", "critical_infrastructure", 0, "personal_data", "refuse",
	    "onward_transfer", "never", "retention", "P365D");
	if (pl)
		text = json_dumps(pl, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(pl);
	if (!text)	/* json_pack refuses a string that is not UTF-8 */
		return fail(why, ST_INVALID, "(draft)", "a party's name, the title or the id is "
		    "not text");
	/* a draft that its own parser refuses is no starting point */
	rc = agreement_parse(text, strlen(text), &a, why);
	agreement_free(a);
	if (!rc)
		rc = buf_adds(out, text);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	free(text);
	return rc;
}

/* ---- signatures ------------------------------------------------------- */

status
agreement_key_cards(void *arg, const char *name, const char *kid,
    uint8_t pk[static IDENT_PK_LEN])
{
	const struct agreement_cards *c = arg;

	(void)name;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->cards[i].kid, kid) == 0) {
			memcpy(pk, c->cards[i].pk, IDENT_PK_LEN);
			return ST_OK;
		}
	return ST_NOTFOUND;
}

/* party_index - the index of the party with key id kid, or -1. */
static int
party_index(const struct agreement *a, const char *kid)
{
	for (size_t i = 0; i < a->n_parties; i++)
		if (strcmp(a->parties[i].kid, kid) == 0)
			return (int)i;
	return -1;
}

/* dump_doc - append the General Serialization of payload (base64url, as
 * it stands) and signatures (the array, as it stands) to out. */
static status
dump_doc(const char *payload, json_t *sigs, struct buf *out)
{
	json_t *doc = json_pack("{s:s, s:O}", "payload", payload, "signatures", sigs);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	size_t start = out->len;
	status rc = text ? buf_adds(out, text) : ST_NOMEM;

	if (!rc)
		rc = buf_add(out, "\n", 1);
	if (rc)
		buf_truncate(out, start);
	free(text);
	json_decref(doc);
	return rc;
}

/* signature_of - id's signature object {"protected","signature"} over
 * payload[0..n); when want_b64 is given, the payload segment must be it. */
static status
signature_of(const struct ident *id, const char *payload, size_t n, const char *want_b64,
    json_t **sig)
{
	struct jws_parts parts;
	struct buf compact;
	status rc;

	*sig = NULL;
	buf_init(&compact, AGREEMENT_DOC_MAX);
	rc = jws_sign(id, AGREEMENT_TYP, payload, n, &compact);
	if (!rc)
		rc = jws_split(compact.p, compact.len, &parts);
	/* the payload segment is the document's, byte for byte: base64url
	 * read strictly has one encoding */
	if (!rc && want_b64 && (strlen(want_b64) != parts.pay_len ||
	    memcmp(want_b64, parts.pay, parts.pay_len) != 0))
		abort();
	if (!rc) {
		*sig = json_pack("{s:s%, s:s%}", "protected", parts.hdr, parts.hdr_len,
		    "signature", parts.sig, parts.sig_len);
		rc = *sig ? ST_OK : ST_NOMEM;
	}
	buf_free(&compact);
	return rc;
}

status
agreement_sign(const struct ident *id, const char *payload, size_t n, struct buf *out,
    char why[static AGREEMENT_WHY_MAX])
{
	struct agreement *a;
	struct buf b64;
	json_t *root, *sig = NULL, *sigs = NULL;
	char *canon = NULL;
	status rc;

	rc = load(payload, n, &root, &a, why);
	if (rc)
		return rc;
	buf_init(&b64, AGREEMENT_DOC_MAX);
	if (party_index(a, ident_kid(id)) < 0) {
		rc = fail(why, ST_UNKNOWN_KEY, "parties", "the signing key %s is not a party's",
		    ident_kid(id));
		goto out;
	}
	/* the canonical form (docs/AGREEMENTS.md): sorted keys, no spaces */
	canon = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	if (!canon) {
		rc = fail(why, ST_NOMEM, "payload", "out of memory");
		goto out;
	}
	rc = jws_b64_encode(&b64, canon, strlen(canon));
	if (!rc)
		rc = signature_of(id, canon, strlen(canon), NULL, &sig);
	if (!rc) {
		sigs = json_pack("[o]", sig);
		rc = sigs ? dump_doc(buf_str(&b64), sigs, out) : ST_NOMEM;
	}
	if (rc)
		fail(why, rc, "payload", "%s", status_str(rc));
out:
	json_decref(sigs);
	json_decref(root);
	agreement_free(a);
	free(canon);
	buf_free(&b64);
	return rc;
}

/* header - check the protected header at path (base64url text): exactly
 * alg EdDSA, typ AGREEMENT_TYP and a kid, which goes into kid. */
static status
header(const char *b64, const char *path, char kid[static IDENT_KID_LEN], char *why)
{
	static const char *const allowed[] = { "alg", "kid", "typ", NULL };
	uint8_t raw[HDR_MAX];
	char p[PATH_LEN];
	const json_t *m = NULL;
	json_t *h;
	size_t n;
	status rc;

	if (b64_url_decode(b64, strlen(b64), raw, sizeof raw, &n) != ST_OK)
		return fail(why, ST_PARSE, path, "not base64url of at most %d bytes", HDR_MAX);
	h = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
	if (!h)
		return fail(why, ST_PARSE, path, "not JSON");
	rc = check_object(h, path, allowed, why);
	if (!rc)
		rc = need(h, path, "alg", &m, p, why);
	if (!rc && (!json_is_string(m) || strcmp(json_string_value(m), "EdDSA") != 0))
		rc = fail(why, ST_INVALID, p, "not \"EdDSA\"");
	if (!rc)
		rc = need(h, path, "typ", &m, p, why);
	if (!rc && (!json_is_string(m) || strcmp(json_string_value(m), AGREEMENT_TYP) != 0))
		rc = fail(why, ST_INVALID, p, "not \"%s\"", AGREEMENT_TYP);
	if (!rc)
		rc = need(h, path, "kid", &m, p, why);
	if (!rc && (!json_is_string(m) || !kid_ok(json_string_value(m))))
		rc = fail(why, ST_INVALID, p, "not a key id");
	if (!rc)
		memcpy(kid, json_string_value(m), IDENT_KID_LEN);
	json_decref(h);
	return rc;
}

/* one_sig - verify signatures[i] (object s) over the payload b64 of a. */
static status
one_sig(const json_t *s, size_t i, const char *pay, const struct agreement *a,
    agreement_key_fn lookup, void *arg, struct agreement_sigs *r, char *why)
{
	static const char *const allowed[] = { "protected", "signature", NULL };
	char path[PATH_LEN], p[PATH_LEN], kid[IDENT_KID_LEN], want[IDENT_KID_LEN];
	const char *prot = NULL, *sig = NULL;
	uint8_t pk[IDENT_PK_LEN];
	struct buf compact, scratch;
	const json_t *m = NULL;
	int j;
	status rc;

	path_idx(path, "signatures", i);
	rc = check_object(s, path, allowed, why);
	if (!rc)
		rc = need(s, path, "protected", &m, p, why);
	if (!rc && !(prot = json_string_value(m)))
		rc = fail(why, ST_INVALID, p, "not a string");
	if (!rc)
		rc = need(s, path, "signature", &m, p, why);
	if (!rc && !(sig = json_string_value(m)))
		rc = fail(why, ST_INVALID, p, "not a string");
	if (!rc)
		path_key(p, path, "protected");
	if (!rc)
		rc = header(prot, p, kid, why);
	if (rc)
		return rc;
	j = party_index(a, kid);
	if (j < 0)
		return fail(why, ST_UNKNOWN_KEY, path, "signed by %s, who is not a party", kid);
	if (r->signed_by[j])
		return fail(why, ST_INVALID, path, "parties[%d] (%s) has signed already", j,
		    a->parties[j].name);
	if (lookup(arg, a->parties[j].name, kid, pk) != ST_OK)
		return fail(why, ST_UNKNOWN_KEY, path, "no key at hand for parties[%d] (%s)", j,
		    a->parties[j].name);
	ident_thumbprint(pk, want);
	if (strcmp(want, kid) != 0)
		return fail(why, ST_UNKNOWN_KEY, path, "the key at hand for parties[%d] (%s) is "
		    "not the one its kid names", j, a->parties[j].name);
	buf_init(&compact, AGREEMENT_DOC_MAX + 2 * HDR_MAX);
	buf_init(&scratch, AGREEMENT_PAYLOAD_MAX);
	rc = buf_addf(&compact, "%s.%s.%s", prot, pay, sig);
	if (!rc)
		rc = jws_verify(compact.p, compact.len, pk, AGREEMENT_TYP, &scratch);
	buf_free(&compact);
	buf_free(&scratch);
	if (rc == ST_BADSIG || rc == ST_PARSE)
		return fail(why, ST_BADSIG, path, "the signature of parties[%d] (%s) does not "
		    "verify", j, a->parties[j].name);
	if (rc)
		return fail(why, rc, path, "%s", status_str(rc));
	r->signed_by[j] = 1;
	r->n_signed++;
	return ST_OK;
}

/* verified - agreement_verify, keeping the document's JSON in *root. */
/* doc_open - the shape of the signed document doc[0..n) and its payload
 * parsed into *out; signatures not checked.  *root is the caller's to
 * decref (set once parsed); *sigs points into it. */
static status
doc_open(const char *doc, size_t n, json_t **root, const json_t **sigs,
    struct agreement **out, char *why)
{
	static const char *const allowed[] = { "payload", "signatures", NULL };
	char p[PATH_LEN], k[SHOWN_MAX + 4];
	const json_t *pay;
	struct buf payload;
	json_t *pl;
	json_error_t err;
	status rc;

	*out = NULL;
	why[0] = '\0';
	if (n > AGREEMENT_DOC_MAX)
		return fail(why, ST_TOOBIG, "(document)", "%zu bytes, over the %d allowed", n,
		    AGREEMENT_DOC_MAX);
	*root = json_loadb(doc, n, JSON_REJECT_DUPLICATES, &err);
	if (!*root)
		return fail(why, ST_PARSE, "(document)", "not JSON: %s (line %d, column %d)",
		    shown(err.text, k), err.line, err.column);
	rc = check_object(*root, "", allowed, why);	/* "header" (unprotected) refused */
	if (!rc)
		rc = need(*root, "", "payload", &pay, p, why);
	if (!rc && !json_is_string(pay))
		rc = fail(why, ST_INVALID, p, "not a string");
	if (!rc)
		rc = need(*root, "", "signatures", sigs, p, why);
	if (!rc && !json_is_array(*sigs))
		rc = fail(why, ST_INVALID, p, "not an array");
	if (!rc && json_array_size(*sigs) == 0)
		rc = fail(why, ST_INVALID, p, "empty: no one has signed");
	if (rc)
		return rc;
	buf_init(&payload, AGREEMENT_PAYLOAD_MAX);
	rc = jws_b64_decode(&payload, json_string_value(pay), json_string_length(pay));
	if (rc == ST_TOOBIG)
		rc = fail(why, ST_TOOBIG, "payload", "over %d bytes", AGREEMENT_PAYLOAD_MAX);
	else if (rc)
		rc = fail(why, ST_PARSE, "payload", "not base64url");
	if (!rc)
		rc = load(payload.p, payload.len, &pl, out, why);
	buf_free(&payload);
	if (!rc)
		json_decref(pl);
	return rc;
}

/* verified - doc_open, then every signature checked (agreement_verify). */
static status
verified(const char *doc, size_t n, agreement_key_fn lookup, void *arg, json_t **root,
    struct agreement **out, struct agreement_sigs *r, char *why)
{
	const json_t *sigs = NULL;
	status rc;

	memset(r, 0, sizeof *r);
	rc = doc_open(doc, n, root, &sigs, out, why);
	if (rc)
		return rc;
	r->n_parties = (*out)->n_parties;
	for (size_t i = 0; !rc && i < json_array_size(sigs); i++)
		rc = one_sig(json_array_get(sigs, i), i,
		    json_string_value(json_object_get(*root, "payload")), *out, lookup, arg, r, why);
	if (rc) {
		agreement_free(*out);
		*out = NULL;
		memset(r, 0, sizeof *r);
	}
	return rc;
}

status
agreement_read(const char *doc, size_t n, struct agreement **out,
    char why[static AGREEMENT_WHY_MAX])
{
	json_t *root = NULL;
	const json_t *sigs;
	status rc = doc_open(doc, n, &root, &sigs, out, why);

	json_decref(root);
	return rc;
}

status
agreement_verify(const char *doc, size_t n, agreement_key_fn lookup, void *arg,
    struct agreement **out, struct agreement_sigs *report, char why[static AGREEMENT_WHY_MAX])
{
	struct agreement *a;
	json_t *root = NULL;
	status rc = verified(doc, n, lookup, arg, &root, &a, report, why);

	json_decref(root);
	if (out)
		*out = a;
	else
		agreement_free(a);
	return rc;
}

status
agreement_countersign(const struct ident *id, const char *doc, size_t n,
    agreement_key_fn lookup, void *arg, struct buf *out, char why[static AGREEMENT_WHY_MAX])
{
	struct agreement_sigs r;
	struct agreement *a;
	struct buf payload;
	const char *pay;
	json_t *root = NULL, *sigs = NULL, *sig;
	size_t start;
	int j;
	status rc;

	rc = verified(doc, n, lookup, arg, &root, &a, &r, why);
	if (rc)
		goto out;
	j = party_index(a, ident_kid(id));
	if (j < 0) {
		rc = fail(why, ST_UNKNOWN_KEY, "parties", "the signing key %s is not a party's",
		    ident_kid(id));
		goto out;
	}
	if (r.signed_by[j]) {
		rc = fail(why, ST_EXISTS, "signatures", "parties[%d] (%s) has signed already", j,
		    a->parties[j].name);
		goto out;
	}
	pay = json_string_value(json_object_get(root, "payload"));
	buf_init(&payload, AGREEMENT_PAYLOAD_MAX);
	rc = jws_b64_decode(&payload, pay, strlen(pay));	/* verified decodes it */
	if (!rc)
		rc = signature_of(id, payload.p, payload.len, pay, &sig);
	buf_free(&payload);
	if (!rc) {
		sigs = json_copy(json_object_get(root, "signatures"));
		if (!sigs)
			json_decref(sig);
		rc = sigs && json_array_append_new(sigs, sig) == 0 ? ST_OK : ST_NOMEM;
	}
	start = out->len;
	if (!rc)
		rc = dump_doc(pay, sigs, out);
	if (!rc && out->len - start > AGREEMENT_DOC_MAX) {
		buf_truncate(out, start);	/* what no one could read back */
		rc = ST_TOOBIG;
	}
	if (rc)
		fail(why, rc, "(document)", "%s", status_str(rc));
out:
	json_decref(sigs);
	json_decref(root);
	agreement_free(a);
	return rc;
}

int
agreement_sigs_complete(const struct agreement_sigs *r)
{
	return r->n_parties > 0 && r->n_signed == r->n_parties;
}

/* ---- queries ---------------------------------------------------------- */

static const struct ag_link *
find_link(const struct agreement *a, const char *name)
{
	for (size_t i = 0; i < a->n_links; i++)
		if (strcmp(a->links[i].name, name) == 0)
			return &a->links[i];
	return NULL;
}

int
agreement_link_has(const struct agreement *a, const char *link, const char *type)
{
	const struct ag_link *l = find_link(a, link);

	for (size_t i = 0; l && i < l->n_types; i++)
		if (strcmp(l->types[i], type) == 0)
			return 1;
	return 0;
}

status
agreement_allows(const struct agreement *a, const char *link, const char *type,
    const char *priority, size_t body_size, enum tlp tlp, char why[static AGREEMENT_WHY_MAX])
{
	const struct ag_link *l = find_link(a, link);
	char k[SHOWN_MAX + 4], p[PATH_LEN];
	size_t i;
	int pi;

	why[0] = '\0';
	if (!l) {
		path_key(p, "links", link);
		return fail(why, ST_LINK, p, "no such link in agreement %s", a->id);
	}
	for (i = 0; i < l->n_types && strcmp(l->types[i], type) != 0; i++)
		;
	if (i == l->n_types && !agreement_template_ok(a, link, type) &&
	    !deskmsg_statement_type(type)) {
		snprintf(why, AGREEMENT_WHY_MAX, "links.%s.%s does not include \"%s\"",
		    l->name, template_find(type) ? "templates" : "types", shown(type, k));
		return ST_LINK;
	}
	pi = index_of(priority, prio_names);
	if (pi < 0 || !(l->prios & 1u << pi)) {
		snprintf(why, AGREEMENT_WHY_MAX, "links.%s.priorities does not include \"%s\"",
		    l->name, shown(priority, k));
		return ST_LINK;
	}
	if (body_size > (size_t)l->max_body) {
		snprintf(why, AGREEMENT_WHY_MAX, "links.%s.max_body is %lld bytes; the message "
		    "body is %zu", l->name, (long long)l->max_body, body_size);
		return ST_LINK;
	}
	if ((unsigned)tlp >= TLP__COUNT || tlp > l->tlp_max) {
		snprintf(why, AGREEMENT_WHY_MAX, "links.%s.tlp_max is %s; the message is %s",
		    l->name, tlp_name(l->tlp_max), tlp_name(tlp));
		return ST_LINK;
	}
	return ST_OK;
}

status
agreement_checks(const struct agreement *a, struct agreement_checks *out)
{
	if (!a->has_checks)
		return ST_NOTFOUND;
	*out = a->checks;
	return ST_OK;
}

int
agreement_template_ok(const struct agreement *a, const char *link, const char *name)
{
	const struct ag_link *l = find_link(a, link);

	for (size_t i = 0; l && i < l->n_templates; i++)
		if (strcmp(l->templates[i], name) == 0)
			return 1;
	return 0;
}

status
agreement_tlp_max(const struct agreement *a, const char *link, enum tlp *out)
{
	const struct ag_link *l = find_link(a, link);

	if (!l)
		return ST_NOTFOUND;
	*out = l->tlp_max;
	return ST_OK;
}

status
agreement_deadline(const struct agreement *a, const char *link, const char *priority,
    enum agreement_deadline_kind kind, int64_t *seconds)
{
	const struct ag_link *l = find_link(a, link);
	int pi = index_of(priority, prio_names);
	int64_t s;

	if (!l || pi < 0)
		return ST_NOTFOUND;
	s = kind == AGREEMENT_ACK ? l->ack[pi] : l->reply[pi];
	if (s < 0)
		return ST_NOTFOUND;
	*seconds = s;
	return ST_OK;
}

int
agreement_in_force_at(const struct agreement *a, int64_t now_ms)
{
	return a->effective_ms <= now_ms && now_ms < a->expires_ms;
}

const char *
agreement_id(const struct agreement *a)
{
	return a->id;
}

const char *
agreement_title(const struct agreement *a)
{
	return a->title;
}

int
agreement_version(const struct agreement *a)
{
	return a->v;
}

const char *
agreement_supersedes(const struct agreement *a)
{
	return a->supersedes[0] ? a->supersedes : NULL;
}

size_t
agreement_n_parties(const struct agreement *a)
{
	return a->n_parties;
}

const struct agreement_party *
agreement_party_at(const struct agreement *a, size_t i)
{
	return i < a->n_parties ? &a->parties[i] : NULL;
}

const struct agreement_party *
agreement_party(const struct agreement *a, const char *kid)
{
	int i = party_index(a, kid);

	return i < 0 ? NULL : &a->parties[i];
}

int64_t
agreement_effective_ms(const struct agreement *a)
{
	return a->effective_ms;
}

int64_t
agreement_expires_ms(const struct agreement *a)
{
	return a->expires_ms;
}

int64_t
agreement_notice_s(const struct agreement *a)
{
	return a->notice_s;
}

size_t
agreement_n_links(const struct agreement *a)
{
	return a->n_links;
}

const char *
agreement_link_at(const struct agreement *a, size_t i)
{
	return i < a->n_links ? a->links[i].name : NULL;
}

const struct agreement_data *
agreement_data(const struct agreement *a)
{
	return &a->data;
}
