/* agract.c - acts on an agreement: decline and notice of termination,
 * each a compact JWS signed by one party (agract.h, docs/AGREEMENTS.md).
 *
 * SECURITY: an act is read only after its header has been checked to be
 * exactly ours, naming the very key it is verified with, and its signature
 * verifies with that key; the key comes from the caller (a pinned peer),
 * never from the act.  The payload is strict: an unknown member is refused,
 * not ignored, as in an agreement.  Text from the input reaches `why` only
 * quoted, cut and as printable ASCII; the reason is handed on as the UTF-8
 * it is, for the caller to escape where a person reads it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/why.h"
#include "fmt/agract.h"
#include "util/b64.h"
#include "crypto/jws.h"
#include "fmt/agreement.h"
#include "fmt/envelope.h"

#define HDR_MAX 1024		/* a protected header, decoded */
#define SHOWN_MAX WHY_SHOWN_MAX
/* the reasons of why.h, at this reader's size */
#define fail(why, rc, path, ...) why_fail(why, AGRACT_WHY_MAX, rc, path, __VA_ARGS__)
#define shown(s, out) why_shown(s, out)
#define kid_ok(s) why_kid_ok(s)
#define PAYLOAD_MAX 4096	/* an act's payload, decoded */

_Static_assert(AGRACT_SHA_HEX == ENV_HASH_HEX, "an act names a SHA-256 in hex");

struct agract {
	enum agract_kind kind;
	char agreement[STAMP_UUID_LEN];
	char sha[AGRACT_SHA_HEX];
	char by[IDENT_KID_LEN];
	char reason[AGRACT_REASON_MAX + 1];
	int64_t at_ms;
};

static const char *const kinds[] = { NULL, "decline", "terminate", "sign" };



/* only - o must be an object whose members are all in allowed; the first
 * other one, in byte order, is named. */
static status
only(const json_t *o, const char *path, const char *const *allowed, char *why)
{
	const char *k, *worst = NULL;
	char s[SHOWN_MAX + 4];
	json_t *v;

	if (!json_is_object(o))
		return fail(why, ST_INVALID, path, "not a JSON object");
	json_object_foreach((json_t *)o, k, v) {
		const char *const *a;

		(void)v;
		for (a = allowed; *a && strcmp(*a, k) != 0; a++)
			;
		if (!*a && (!worst || strcmp(k, worst) < 0))
			worst = k;
	}
	if (!worst)
		return ST_OK;
	if (path[0])
		return fail(why, ST_INVALID, path, "%s: unknown member", shown(worst, s));
	return fail(why, ST_INVALID, shown(worst, s), "unknown member");
}

/* member_text - member k of o: a string of min..max bytes without control
 * characters (jansson has checked it is UTF-8 without NUL). */
static status
member_text(const json_t *o, const char *k, size_t min, size_t max, const char **s, char *why)
{
	const json_t *v = json_object_get(o, k);
	size_t n;

	if (!v)
		return fail(why, ST_INVALID, k, "missing");
	if (!json_is_string(v))
		return fail(why, ST_INVALID, k, "not a string");
	*s = json_string_value(v);
	n = json_string_length(v);
	if (n < min)
		return fail(why, ST_INVALID, k, "empty");
	if (n > max)
		return fail(why, ST_INVALID, k, "longer than %zu bytes", max);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)(*s)[i] < 0x20 || (*s)[i] == 0x7f)
			return fail(why, ST_INVALID, k, "holds a control character");
	return ST_OK;
}



/* fields - check the payload object root into a. */
static status
fields(const json_t *root, struct agract *a, char *why)
{
	static const char *const allowed[] = {
		"v", "act", "agreement", "payload_sha256", "by", "reason", "at", NULL
	};
	const json_t *v;
	const char *s;
	status rc;

	if (!json_is_object(root))
		return fail(why, ST_INVALID, "payload", "not a JSON object");
	/* the version first: a later version's members are not unknown to it */
	v = json_object_get(root, "v");
	if (!v)
		return fail(why, ST_INVALID, "v", "missing");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return fail(why, ST_INVALID, "v", "not 1 (the version this parley reads)");
	rc = only(root, "", allowed, why);
	if (!rc)
		rc = member_text(root, "act", 1, 16, &s, why);
	if (rc)
		return rc;
	if (strcmp(s, kinds[AGRACT_DECLINE]) == 0)
		a->kind = AGRACT_DECLINE;
	else if (strcmp(s, kinds[AGRACT_TERMINATE]) == 0)
		a->kind = AGRACT_TERMINATE;
	else if (strcmp(s, kinds[AGRACT_SIGN]) == 0)
		a->kind = AGRACT_SIGN;
	else
		return fail(why, ST_INVALID, "act", "not \"decline\", \"terminate\" or \"sign\"");
	rc = member_text(root, "agreement", 1, STAMP_UUID_LEN - 1, &s, why);
	if (!rc && (!stamp_is_uuid(s) || s[14] != '7' || !strchr("89ab", s[19])))
		rc = fail(why, ST_INVALID, "agreement", "not a UUIDv7 (lowercase 8-4-4-4-12 hex, "
		    "version 7)");
	if (rc)
		return rc;
	memcpy(a->agreement, s, STAMP_UUID_LEN);
	rc = member_text(root, "payload_sha256", 1, AGRACT_SHA_HEX - 1, &s, why);
	if (!rc && !why_hex64_ok(s))
		rc = fail(why, ST_INVALID, "payload_sha256", "not 64 lowercase hex digits");
	if (rc)
		return rc;
	memcpy(a->sha, s, AGRACT_SHA_HEX);
	rc = member_text(root, "by", 1, IDENT_KID_LEN - 1, &s, why);
	if (!rc && !kid_ok(s))
		rc = fail(why, ST_INVALID, "by", "not a key id (RFC 7638 thumbprint: 43 characters "
		    "of base64url)");
	if (rc)
		return rc;
	memcpy(a->by, s, IDENT_KID_LEN);
	rc = member_text(root, "reason", 1, AGRACT_REASON_MAX, &s, why);
	if (rc)
		return rc;
	memcpy(a->reason, s, strlen(s) + 1);
	rc = member_text(root, "at", 1, STAMP_TIME_LEN - 1, &s, why);
	if (!rc && stamp_parse(s, &a->at_ms) != ST_OK)
		rc = fail(why, ST_INVALID, "at", "not an RFC 3339 UTC time "
		    "(YYYY-MM-DDTHH:MM:SS[.fff]Z)");
	return rc;
}

/* parse - check the payload pl[0..n) into a new *out. */
static status
parse(const char *pl, size_t n, struct agract **out, char *why)
{
	struct agract *a;
	json_t *root;
	status rc;

	*out = NULL;
	root = json_loadb(pl, n, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return fail(why, ST_PARSE, "payload", "not JSON (UTF-8, no duplicate members)");
	a = calloc(1, sizeof *a);
	rc = a ? fields(root, a, why) : fail(why, ST_NOMEM, "payload", "out of memory");
	json_decref(root);
	if (rc) {
		free(a);
		return rc;
	}
	*out = a;
	return ST_OK;
}

status
agract_make(const struct ident *id, enum agract_kind kind, const char *agreement,
    const char *payload_sha256, const char *reason, int64_t at_ms, struct buf *out,
    char why[static AGRACT_WHY_MAX])
{
	char at[STAMP_TIME_LEN];
	struct agract *a = NULL;
	json_t *pl;
	char *js = NULL;
	status rc;

	why[0] = '\0';
	if (kind != AGRACT_DECLINE && kind != AGRACT_TERMINATE && kind != AGRACT_SIGN)
		return fail(why, ST_INVALID, "act", "not \"decline\", \"terminate\" or \"sign\"");
	stamp_format(at_ms, at);
	/* in the order of the format's description; members are read by name */
	pl = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "v", 1, "act", kinds[kind],
	    "agreement", agreement, "payload_sha256", payload_sha256, "by", ident_kid(id),
	    "reason", reason, "at", at);
	if (pl)
		js = json_dumps(pl, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(pl);
	if (!js)	/* json_pack refuses a string that is not UTF-8 */
		return fail(why, ST_INVALID, "(act)", "the agreement id, payload_sha256 or "
		    "reason is not UTF-8 text");
	/* an act its own parser refuses is never signed */
	rc = parse(js, strlen(js), &a, why);
	agract_free(a);
	if (!rc && (rc = jws_sign(id, AGRACT_TYP, js, strlen(js), out)) != ST_OK)
		fail(why, rc, "(act)", "%s", status_str(rc));
	free(js);
	return rc;
}

/* header - the protected header hdr[0..n) (base64url): exactly alg EdDSA,
 * typ AGRACT_TYP, and the kid of pk. */
static status
header(const char *hdr, size_t n, const uint8_t pk[static IDENT_PK_LEN], char *why)
{
	static const char *const allowed[] = { "alg", "kid", "typ", NULL };
	char want[IDENT_KID_LEN];
	uint8_t raw[HDR_MAX];
	const char *s;
	json_t *h;
	size_t len;
	status rc;

	if (b64_url_decode(hdr, n, raw, sizeof raw, &len) != ST_OK)
		return fail(why, ST_PARSE, "protected", "not base64url of at most %d bytes",
		    HDR_MAX);
	h = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL);
	if (!h)
		return fail(why, ST_PARSE, "protected", "not JSON");
	rc = only(h, "protected", allowed, why);
	s = json_string_value(json_object_get(h, "alg"));
	if (!rc && (!s || strcmp(s, "EdDSA") != 0))
		rc = fail(why, ST_INVALID, "protected.alg", "not \"EdDSA\"");
	s = json_string_value(json_object_get(h, "typ"));
	if (!rc && (!s || strcmp(s, AGRACT_TYP) != 0))
		rc = fail(why, ST_INVALID, "protected.typ", "not \"%s\"", AGRACT_TYP);
	s = json_string_value(json_object_get(h, "kid"));
	if (!rc && (!s || !kid_ok(s)))
		rc = fail(why, ST_INVALID, "protected.kid", "not a key id");
	if (!rc) {
		ident_thumbprint(pk, want);
		if (strcmp(s, want) != 0)
			rc = fail(why, ST_UNKNOWN_KEY, "protected.kid", "names another key than "
			    "the one at hand (%s)", want);
	}
	json_decref(h);
	return rc;
}

status
agract_open(const char *jws, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    struct agract **out, char why[static AGRACT_WHY_MAX])
{
	struct jws_parts parts;
	struct agract *a = NULL;
	struct buf pl;
	status rc;

	*out = NULL;
	why[0] = '\0';
	if (n > AGRACT_MAX)
		return fail(why, ST_TOOBIG, "(act)", "%zu bytes, over the %d allowed", n,
		    AGRACT_MAX);
	if (jws_split(jws, n, &parts) != ST_OK)
		return fail(why, ST_PARSE, "(act)", "not a compact JWS (three base64url segments)");
	rc = header(parts.hdr, parts.hdr_len, pk, why);
	if (rc)
		return rc;
	buf_init(&pl, PAYLOAD_MAX);
	rc = jws_verify(jws, n, pk, AGRACT_TYP, &pl);
	if (rc == ST_BADSIG)
		fail(why, rc, "signature", "does not verify with the key at hand");
	else if (rc == ST_TOOBIG)
		fail(why, rc, "payload", "over %d bytes", PAYLOAD_MAX);
	else if (rc)
		fail(why, rc, "(act)", "not a compact JWS of base64url segments (%s)",
		    status_str(rc));
	if (!rc)
		rc = parse(pl.p, pl.len, &a, why);
	buf_free(&pl);
	if (!rc) {
		char want[IDENT_KID_LEN];

		ident_thumbprint(pk, want);
		if (strcmp(a->by, want) != 0)
			rc = fail(why, ST_UNKNOWN_KEY, "by", "not the key id of the signer (%s)",
			    want);
	}
	if (rc) {
		agract_free(a);
		return rc;
	}
	*out = a;
	return ST_OK;
}

void
agract_free(struct agract *a)
{
	free(a);
}

status
agract_doc_sha256(const char *doc, size_t n, char hex[static AGRACT_SHA_HEX])
{
	json_t *j = json_loadb(doc, n, JSON_REJECT_DUPLICATES, NULL);
	const json_t *p = json_object_get(j, "payload");
	struct buf pl;
	status rc;

	hex[0] = '\0';
	buf_init(&pl, AGREEMENT_PAYLOAD_MAX);
	rc = json_is_string(p) ? jws_b64_decode(&pl, json_string_value(p), json_string_length(p))
	    : ST_PARSE;
	if (!rc)
		envelope_hash(pl.p, pl.len, hex);
	buf_free(&pl);
	json_decref(j);
	return rc ? ST_PARSE : ST_OK;
}

const char *
agract_kind_name(enum agract_kind k)
{
	return k == AGRACT_DECLINE || k == AGRACT_TERMINATE || k == AGRACT_SIGN ? kinds[k] : "?";
}

const char *
agract_kind_words(enum agract_kind k)
{
	static const char *const words[] = { "?", "declined", "notice of termination",
	    "signed" };

	return k >= AGRACT_DECLINE && k <= AGRACT_SIGN ? words[k] : words[0];
}

enum agract_kind
agract_kind(const struct agract *a)
{
	return a->kind;
}

const char *
agract_agreement(const struct agract *a)
{
	return a->agreement;
}

const char *
agract_payload_sha256(const struct agract *a)
{
	return a->sha;
}

const char *
agract_by(const struct agract *a)
{
	return a->by;
}

const char *
agract_reason(const struct agract *a)
{
	return a->reason;
}

int64_t
agract_at_ms(const struct agract *a)
{
	return a->at_ms;
}
