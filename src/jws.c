/* jws.c - compact and flattened JWS with Ed25519 (RFC 7515, RFC 8037).
 *
 * SECURITY: the verifying key comes from the caller (a pinned peer or, for a
 * self-signed card, the card itself); nothing in the JWS chooses the key or
 * the algorithm.  A header naming another key (kid) or carrying "crit" is
 * refused before the signature is checked.
 */
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "b64.h"
#include "jws.h"

#define JWS_HDR_MAX 1024

static int
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

status
jws_split(const char *text, size_t n, struct jws_parts *p)
{
	const char *seg[3] = { NULL, NULL, NULL };
	size_t len[3] = { 0, 0, 0 }, k = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || text[i] == '.') {
			if (k == 3)
				return ST_PARSE;
			seg[k] = text + start;
			len[k++] = i - start;
			start = i + 1;
		} else if (!b64url_char(text[i]))
			return ST_PARSE;
	}
	if (k != 3 || len[0] == 0 || len[2] == 0)
		return ST_PARSE;
	p->hdr = seg[0], p->hdr_len = len[0];
	p->pay = seg[1], p->pay_len = len[1];
	p->sig = seg[2], p->sig_len = len[2];
	return ST_OK;
}

status
jws_sign(const struct ident *id, const char *typ, const void *payload, size_t n,
    struct buf *out)
{
	uint8_t sig[IDENT_SIG_LEN];
	char hdr[256];
	size_t start = out->len;
	int hn;
	status rc;

	hn = snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    ident_kid(id), typ);
	if (hn < 0 || (size_t)hn >= sizeof hdr)
		return ST_INVALID;
	rc = b64_url_encode(out, (const uint8_t *)hdr, (size_t)hn);
	if (!rc)
		rc = buf_add(out, ".", 1);
	if (!rc)
		rc = b64_url_encode(out, payload, n);
	if (!rc) {
		ident_sign(id, (const uint8_t *)out->p + start, out->len - start, sig);
		rc = buf_add(out, ".", 1);
	}
	if (!rc)
		rc = b64_url_encode(out, sig, sizeof sig);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

/* check_header - the protected header must be ours to accept. */
static status
check_header(const struct jws_parts *p, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ)
{
	uint8_t raw[JWS_HDR_MAX];
	char kid[IDENT_KID_LEN];
	const char *alg, *t;
	json_t *h, *k;
	size_t n;
	status rc;

	rc = b64_url_decode(p->hdr, p->hdr_len, raw, sizeof raw, &n);
	if (rc)
		return rc == ST_TOOBIG ? ST_INVALID : ST_PARSE;
	h = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(h)) {
		json_decref(h);
		return ST_PARSE;
	}
	alg = json_string_value(json_object_get(h, "alg"));
	t = json_string_value(json_object_get(h, "typ"));
	k = json_object_get(h, "kid");
	rc = ST_OK;
	if (!alg || (strcmp(alg, "EdDSA") != 0 && strcmp(alg, "Ed25519") != 0))
		rc = ST_INVALID;
	else if (!t || strcmp(t, typ) != 0)
		rc = ST_INVALID;
	else if (json_object_get(h, "crit") || json_object_get(h, "b64"))
		rc = ST_INVALID;
	else if (k) {
		ident_thumbprint(pk, kid);
		if (!json_is_string(k) || strcmp(json_string_value(k), kid) != 0)
			rc = ST_UNKNOWN_KEY;
	}
	json_decref(h);
	return rc;
}

status
jws_verify(const char *text, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ, struct buf *payload)
{
	uint8_t sig[IDENT_SIG_LEN];
	struct jws_parts p;
	size_t siglen;
	status rc;

	rc = jws_split(text, n, &p);
	if (rc)
		return rc;
	rc = check_header(&p, pk, typ);
	if (rc)
		return rc;
	rc = b64_url_decode(p.sig, p.sig_len, sig, sizeof sig, &siglen);
	if (rc || siglen != sizeof sig)
		return ST_BADSIG;
	rc = ident_verify(pk, (const uint8_t *)text, p.hdr_len + 1 + p.pay_len, sig);
	if (rc)
		return rc;
	return b64_url_decode_buf(payload, p.pay, p.pay_len);
}

status
jws_flat_to_compact(const char *text, size_t n, struct buf *compact,
    struct buf *payload_out)
{
	const char *prot, *pay, *sig;
	size_t start = compact->len;
	json_t *j;
	status rc;

	j = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return ST_PARSE;
	}
	prot = json_string_value(json_object_get(j, "protected"));
	pay = json_string_value(json_object_get(j, "payload"));
	sig = json_string_value(json_object_get(j, "signature"));
	if (!prot || !pay || !sig)
		rc = ST_PARSE;
	else if (json_object_get(j, "header"))
		rc = ST_INVALID;	/* unprotected header: not signed, not accepted */
	else
		rc = buf_addf(compact, "%s.%s.%s", prot, pay, sig);
	if (!rc && payload_out)
		rc = b64_url_decode_buf(payload_out, pay, strlen(pay));
	json_decref(j);
	if (rc)
		buf_truncate(compact, start);
	return rc;
}
