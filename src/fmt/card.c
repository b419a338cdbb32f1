/* card.c - a node's self-signed card.
 *
 * SECURITY: a card proves only that its key signed it.  Trust comes from
 * the fingerprint the operator confirms out of band (parley peer add
 * --fingerprint); card_parse does not decide trust, it checks integrity.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "util/b64.h"
#include "fmt/card.h"
#include "crypto/jws.h"
#include "fmt/note.h"
#include "util/stamp.h"

#define CARD_TYP "parley-card"

int
card_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CARD_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

void
card_origin(const char *name, const char *kid, char out[static CARD_ORIGIN_MAX])
{
	snprintf(out, CARD_ORIGIN_MAX, "parley/%s/%s", name, kid);
}

/* vkey - the signed-note verifier key of the log of name's key pk. */
static status
vkey(const char *name, const uint8_t pk[static IDENT_PK_LEN], struct buf *out)
{
	char kid[IDENT_KID_LEN], origin[CARD_ORIGIN_MAX];
	struct note_key k;
	status rc;

	ident_thumbprint(pk, kid);
	card_origin(name, kid, origin);
	rc = note_key_init(&k, origin, NOTE_ED25519, pk);
	return rc ? rc : note_vkey(&k, out);
}

status
card_endpoint_parse(const char *url, char *host, size_t hostcap, int *port)
{
	static const char scheme[] = "https://";
	const char *h, *end, *colon;
	size_t hl;
	long p = 0;

	if (strncmp(url, scheme, sizeof scheme - 1) != 0)
		return ST_INVALID;
	h = url + sizeof scheme - 1;
	if (*h == '[') {
		end = strchr(h, ']');
		if (!end || end[1] != ':')
			return ST_INVALID;
		h++;
		colon = end + 1;
	} else {
		colon = strrchr(h, ':');
		if (!colon)
			return ST_INVALID;
		end = colon;
	}
	hl = (size_t)(end - h);
	if (hl == 0 || hl >= hostcap)
		return ST_INVALID;
	for (size_t i = 0; i < hl; i++) {
		char c = h[i];

		int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

		if (h[-1] == '[') {	/* inside brackets: an IPv6 address only */
			if (!hex && c != ':' && c != '.')
				return ST_INVALID;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-'))
			return ST_INVALID;
	}
	if (h[-1] == '[' && !memchr(h, ':', hl))
		return ST_INVALID;
	if (!colon[1])
		return ST_INVALID;
	for (const char *q = colon + 1; *q; q++) {
		if (*q < '0' || *q > '9' || p > 65535)
			return ST_INVALID;
		p = p * 10 + (*q - '0');
	}
	if (p < 1 || p > 65535 || colon[1] == '0')
		return ST_INVALID;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (int)p;
	return ST_OK;
}

status
card_endpoints_join(const char *const *eps, size_t n,
    char out[static CARD_ENDPOINTS_TEXT_MAX])
{
	char host[CARD_ENDPOINT_MAX + 1];
	size_t off = 0;
	int port;

	out[0] = '\0';
	if (n == 0 || n > CARD_MAX_ENDPOINTS)
		return ST_INVALID;
	for (size_t i = 0; i < n; i++) {
		size_t len = strnlen(eps[i], CARD_ENDPOINT_MAX + 1);

		if (len > CARD_ENDPOINT_MAX ||
		    card_endpoint_parse(eps[i], host, sizeof host, &port) != ST_OK) {
			out[0] = '\0';
			return ST_INVALID;
		}
		if (i)
			out[off++] = ' ';
		memcpy(out + off, eps[i], len);
		off += len;
	}
	out[off] = '\0';
	return ST_OK;
}

status
card_endpoints_split(const char *text,
    char eps[static CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1], size_t *n)
{
	char host[CARD_ENDPOINT_MAX + 1];
	const char *p = text;
	int port;

	*n = 0;
	for (;;) {
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (*n == CARD_MAX_ENDPOINTS || len > CARD_ENDPOINT_MAX)
			return ST_INVALID;
		memcpy(eps[*n], p, len);
		eps[*n][len] = '\0';
		if (card_endpoint_parse(eps[*n], host, sizeof host, &port) != ST_OK)
			return ST_INVALID;
		(*n)++;
		p += len;
	}
	return *n ? ST_OK : ST_INVALID;
}

/* jwk_pk - the raw key from an Ed25519 public JWK. */
static status
jwk_pk(const json_t *jwk, uint8_t pk[static IDENT_PK_LEN])
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	const char *x = json_string_value(json_object_get(jwk, "x"));
	size_t n;

	if (!kty || !crv || !x || strcmp(kty, "OKP") != 0 || strcmp(crv, "Ed25519") != 0)
		return ST_INVALID;
	if (json_object_get(jwk, "d"))
		return ST_INVALID;	/* a private key has no place in a card */
	if (b64_url_decode(x, strlen(x), pk, IDENT_PK_LEN, &n) || n != IDENT_PK_LEN)
		return ST_INVALID;
	return ST_OK;
}

status
card_make(const struct ident *id, const char *name, const char *const *endpoints,
    size_t n_endpoints, const char *created_at, struct buf *out)
{
	struct buf jwk, vk, compact;
	json_t *pl, *eps, *doc = NULL;
	struct jws_parts parts;
	char *payload = NULL, *text = NULL;
	status rc;

	int64_t ms;

	/* Sign only what every peer's card_parse will accept. */
	if (!card_name_ok(name) || n_endpoints == 0 || n_endpoints > CARD_MAX_ENDPOINTS ||
	    stamp_parse(created_at, &ms) != ST_OK)
		return ST_INVALID;
	for (size_t i = 0; i < n_endpoints; i++) {
		char host[CARD_ENDPOINT_MAX + 1];
		int port;

		if (strlen(endpoints[i]) > CARD_ENDPOINT_MAX ||
		    card_endpoint_parse(endpoints[i], host, sizeof host, &port) != ST_OK)
			return ST_INVALID;
	}
	buf_init(&jwk, 256);
	buf_init(&vk, 256);
	buf_init(&compact, CARD_MAX_BYTES);
	rc = ident_jwk(ident_pk(id), &jwk);
	if (!rc)
		rc = vkey(name, ident_pk(id), &vk);
	if (rc)
		goto out;
	pl = json_pack("{s:i, s:s, s:o, s:[], s:s, s:s}", "v", 1, "name", name, "key",
	    json_loads(buf_str(&jwk), 0, NULL), "endpoints", "created_at", created_at,
	    "vkey", buf_str(&vk));
	if (!pl) {
		rc = ST_NOMEM;
		goto out;
	}
	eps = json_object_get(pl, "endpoints");
	for (size_t i = 0; i < n_endpoints; i++)
		json_array_append_new(eps, json_string(endpoints[i]));
	payload = json_dumps(pl, JSON_COMPACT | JSON_PRESERVE_ORDER);
	rc = payload ? jws_sign(id, CARD_TYP, payload, strlen(payload), &compact) : ST_NOMEM;
	if (!rc)
		rc = jws_split(compact.p, compact.len, &parts);
	if (!rc) {
		doc = json_pack("{s:s%, s:s%, s:s%, s:O}",
		    "protected", parts.hdr, parts.hdr_len,
		    "payload", parts.pay, parts.pay_len,
		    "signature", parts.sig, parts.sig_len, "card", pl);
		text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		rc = text ? buf_adds(out, text) : ST_NOMEM;
		if (!rc)
			rc = buf_add(out, "\n", 1);
	}
	json_decref(pl);
	json_decref(doc);
	free(payload);
	free(text);
out:
	buf_free(&jwk);
	buf_free(&vk);
	buf_free(&compact);
	return rc;
}

static status
fields(const json_t *pl, struct card *c)
{
	const char *name = json_string_value(json_object_get(pl, "name"));
	const char *created = json_string_value(json_object_get(pl, "created_at"));
	const char *vk = json_string_value(json_object_get(pl, "vkey"));
	const json_t *eps = json_object_get(pl, "endpoints");
	json_int_t v = json_integer_value(json_object_get(pl, "v"));
	struct buf want;
	int64_t ms;
	status rc;

	if (v != 1 || !name || !card_name_ok(name) || !created ||
	    stamp_parse(created, &ms) != ST_OK || !json_is_array(eps) ||
	    json_array_size(eps) == 0 || json_array_size(eps) > CARD_MAX_ENDPOINTS)
		return ST_INVALID;
	if (json_object_get(pl, "vkey")) {	/* optional; must name this key */
		buf_init(&want, 256);
		rc = vk ? vkey(name, c->pk, &want) : ST_INVALID;
		if (!rc && strcmp(vk, buf_str(&want)) != 0)
			rc = ST_INVALID;
		buf_free(&want);
		if (rc)
			return rc;
	}
	memcpy(c->name, name, strlen(name) + 1);
	snprintf(c->created_at, sizeof c->created_at, "%s", created);
	c->n_endpoints = json_array_size(eps);
	for (size_t i = 0; i < c->n_endpoints; i++) {
		const char *e = json_string_value(json_array_get(eps, i));
		char host[CARD_ENDPOINT_MAX + 1];
		int port;

		if (!e || strlen(e) > CARD_ENDPOINT_MAX)
			return ST_INVALID;
		rc = card_endpoint_parse(e, host, sizeof host, &port);
		if (rc)
			return rc;
		memcpy(c->endpoints[i], e, strlen(e) + 1);
	}
	return ST_OK;
}

status
card_parse(const char *text, size_t n, struct card *c)
{
	struct buf compact, unverified, payload;
	json_t *doc = NULL, *pl = NULL, *shown;
	status rc;

	memset(c, 0, sizeof *c);
	if (n > CARD_MAX_BYTES)
		return ST_TOOBIG;
	buf_init(&compact, CARD_MAX_BYTES * 2);
	buf_init(&unverified, CARD_MAX_BYTES);
	buf_init(&payload, CARD_MAX_BYTES);
	rc = jws_flat_to_compact(text, n, &compact, &unverified);
	if (rc)
		goto out;
	pl = json_loadb(unverified.p, unverified.len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(pl)) {
		rc = ST_PARSE;
		goto out;
	}
	rc = jwk_pk(json_object_get(pl, "key"), c->pk);
	if (rc)
		goto out;
	rc = jws_verify(compact.p, compact.len, c->pk, CARD_TYP, &payload);
	if (rc)
		goto out;
	rc = fields(pl, c);
	if (rc)
		goto out;
	doc = json_loadb(text, n, 0, NULL);
	shown = json_object_get(doc, "card");
	if (shown && !json_equal(shown, pl))
		rc = ST_INVALID;	/* the readable copy must say what is signed */
	ident_thumbprint(c->pk, c->kid);
	card_origin(c->name, c->kid, c->origin);
out:
	json_decref(doc);
	json_decref(pl);
	buf_free(&compact);
	buf_free(&unverified);
	buf_free(&payload);
	if (rc)
		memset(c, 0, sizeof *c);
	return rc;
}
