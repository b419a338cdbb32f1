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

#include "util/b64.h"
#include "crypto/jws.h"

#define JWS_HDR_MAX 1024

/*
 * Headers already accepted.  check_header is a pure function of the header's
 * exact bytes, the key and the typ, and a node sees the same header on every
 * statement from a peer; so a header byte-identical to one accepted for the
 * same key and typ is accepted again with memcmp, without base64, JSON and a
 * thumbprint.  Only acceptances are kept (a refusal is always recomputed),
 * and nothing here is secret.  Per thread, so no locking.
 */
#define SEEN_SLOTS 4		/* a daemon verifies messages, receipts, cards */
#define SEEN_HDR_MAX 256	/* base64 characters; ours are about 120 */
#define SEEN_TYP_MAX 32

struct seen {
	size_t hdr_len;		/* 0: empty slot */
	uint8_t pk[IDENT_PK_LEN];
	char typ[SEEN_TYP_MAX];
	char hdr[SEEN_HDR_MAX];
};

static _Thread_local struct seen seen[SEEN_SLOTS];
static _Thread_local unsigned seen_next;

/*
 * Base64url for the payload segment.  A payload is public text, so it gets a
 * table codec here, several times faster than b64.c's constant-time one
 * (libsodium), which stays for the signature.  Both are equally strict: the
 * alphabet only, no padding, zero bits after the last byte.
 */
static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* b64url - each character's value plus one; 0 for none of the alphabet. */
static const unsigned char b64url[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['-'] = 63, ['_'] = 64,
};

/* pay_encode - append base64url of in[0..n) to out. */
static status
pay_encode(struct buf *out, const uint8_t *in, size_t n)
{
	size_t i = 0;
	uint32_t v;
	char *at;
	status rc = buf_extend(out, n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0), &at);

	if (rc)
		return rc;
	for (; n - i >= 3; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*at++ = b64url_chars[v >> 18];
		*at++ = b64url_chars[v >> 12 & 63];
		*at++ = b64url_chars[v >> 6 & 63];
		*at++ = b64url_chars[v & 63];
	}
	if (n - i == 0)
		return ST_OK;
	v = (uint32_t)in[i] << 16 | (n - i == 2 ? (uint32_t)in[i + 1] << 8 : 0);
	*at++ = b64url_chars[v >> 18];
	*at++ = b64url_chars[v >> 12 & 63];
	if (n - i == 2)
		*at = b64url_chars[v >> 6 & 63];
	return ST_OK;
}

/* pay_decode - append the bytes of base64url in[0..n) to out (bounded by
 * its max): as b64_url_decode_buf, ST_PARSE for anything not canonical. */
static status
pay_decode(struct buf *out, const char *in, size_t n)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t start = out->len, i = 0, tail = n % 4;
	uint32_t v = 0;
	char *at;
	status rc;

	if (tail == 1)
		return ST_PARSE;
	rc = buf_extend(out, n / 4 * 3 + (tail ? tail - 1 : 0), &at);
	if (rc)
		return rc;
	/* four characters, three bytes at a time (a character's value is its
	 * table entry minus one; 0 marks a character outside the alphabet) */
	for (; n - i >= 4; i += 4) {
		uint32_t a = b64url[u[i]], b = b64url[u[i + 1]], c = b64url[u[i + 2]],
		    d = b64url[u[i + 3]];

		if (!a || !b || !c || !d)
			goto bad;
		v = (a - 1) << 18 | (b - 1) << 12 | (c - 1) << 6 | (d - 1);
		*at++ = (char)(uint8_t)(v >> 16);
		*at++ = (char)(uint8_t)(v >> 8);
		*at++ = (char)(uint8_t)v;
	}
	v = 0;
	for (; i < n; i++) {
		if (!b64url[u[i]])
			goto bad;
		v = v << 6 | (uint32_t)(b64url[u[i]] - 1);
	}
	if (tail == 2) {
		if (v & 0x0f)
			goto bad;
		*at = (char)(uint8_t)(v >> 4);
	} else if (tail == 3) {
		if (v & 0x03)
			goto bad;
		*at++ = (char)(uint8_t)(v >> 10);
		*at = (char)(uint8_t)(v >> 2);
	}
	return ST_OK;
bad:
	buf_truncate(out, start);
	return ST_PARSE;
}

/* alphabet - 1 when s[0..n) is all base64url characters. */
static int
alphabet(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char bad = 0;

	for (size_t i = 0; i < n; i++)
		bad |= (unsigned char)(b64url[u[i]] == 0);
	return !bad;
}

status
jws_split(const char *text, size_t n, struct jws_parts *p)
{
	const char *d1 = n ? memchr(text, '.', n) : NULL, *d2, *end = text + n;

	if (!d1 || !(d2 = memchr(d1 + 1, '.', (size_t)(end - d1 - 1))))
		return ST_PARSE;
	p->hdr = text, p->hdr_len = (size_t)(d1 - text);
	p->pay = d1 + 1, p->pay_len = (size_t)(d2 - d1 - 1);
	p->sig = d2 + 1, p->sig_len = (size_t)(end - d2 - 1);
	/* a third dot is outside the alphabet */
	if (p->hdr_len == 0 || p->sig_len == 0 || !alphabet(p->hdr, p->hdr_len) ||
	    !alphabet(p->pay, p->pay_len) || !alphabet(p->sig, p->sig_len)) {
		memset(p, 0, sizeof *p);
		return ST_PARSE;
	}
	return ST_OK;
}

status
jws_b64_encode(struct buf *out, const void *in, size_t n)
{
	return pay_encode(out, in, n);
}

status
jws_b64_decode(struct buf *out, const char *in, size_t n)
{
	return pay_decode(out, in, n);
}

/*
 * The protected header of the last statement made, base64url: a node signs
 * with one key and makes two kinds of statement, so the same few headers
 * again and again.  Per thread; nothing here is secret (a header names a
 * kid and a typ).
 */
#define HDR_SLOTS 4
#define HDR_B64_MAX 256

struct hdr {
	char kid[IDENT_KID_LEN];
	char typ[SEEN_TYP_MAX];
	size_t len;		/* 0: empty slot */
	char b64[HDR_B64_MAX];
};

static _Thread_local struct hdr hdrs[HDR_SLOTS];
static _Thread_local unsigned hdr_next;

#define HDR_JSON_MAX 256	/* a header this node makes, with its NUL */

/* header_json - the protected header naming kid and typ into hdr; its
 * length, or 0 when it does not fit. */
static size_t
header_json(const char *kid, const char *typ, char hdr[static HDR_JSON_MAX])
{
	int hn = snprintf(hdr, HDR_JSON_MAX, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"typ\":\"%s\"}",
	    kid, typ);

	return hn < 0 || hn >= HDR_JSON_MAX ? 0 : (size_t)hn;
}

/* header_b64 - append the base64url of the header naming kid and typ. */
static status
header_b64(const char *kid, const char *typ, struct buf *out)
{
	struct hdr *h;
	char hdr[HDR_JSON_MAX];
	size_t at = out->len, kn = strlen(kid), tn = strlen(typ), hn;
	status rc;

	for (int i = 0; i < HDR_SLOTS; i++)
		if (hdrs[i].len && strcmp(hdrs[i].kid, kid) == 0 && strcmp(hdrs[i].typ, typ) == 0)
			return buf_add(out, hdrs[i].b64, hdrs[i].len);
	if (!(hn = header_json(kid, typ, hdr)))
		return ST_INVALID;
	rc = b64_url_encode(out, (const uint8_t *)hdr, hn);
	if (rc || kn >= IDENT_KID_LEN || tn >= SEEN_TYP_MAX || out->len - at > HDR_B64_MAX)
		return rc;
	h = &hdrs[hdr_next];
	hdr_next = (hdr_next + 1) % HDR_SLOTS;
	memcpy(h->kid, kid, kn + 1);
	memcpy(h->typ, typ, tn + 1);
	memcpy(h->b64, out->p + at, out->len - at);
	h->len = out->len - at;
	return ST_OK;
}

status
jws_header(const char *kid, const char *typ, struct buf *out)
{
	return header_b64(kid, typ, out);
}

/* signing_input - append header.payload, base64url, with header kid and typ. */
static status
signing_input(const char *kid, const char *typ, const void *payload, size_t n,
    struct buf *out)
{
	status rc = header_b64(kid, typ, out);

	if (!rc)
		rc = buf_add(out, ".", 1);
	if (!rc)
		rc = pay_encode(out, payload, n);
	return rc;
}

/* pack_lengths - write the header's and the payload's byte counts into
 * the first 8 bytes of a packed form (4 each, big-endian). */
static status
pack_lengths(struct buf *out, size_t h, size_t pl)
{
	if (out->len < 8 || h > UINT32_MAX || pl > UINT32_MAX)
		return ST_TOOBIG;
	for (int k = 0; k < 4; k++) {
		out->p[k] = (char)(uint8_t)(h >> (24 - 8 * k));
		out->p[4 + k] = (char)(uint8_t)(pl >> (24 - 8 * k));
	}
	return ST_OK;
}

/* pack_parts - the packed form of a JWS's decoded parts into out (reset
 * first): see jws_pack. */
static status
pack_parts(const void *hdr, size_t h, const void *pay, size_t pl, const void *sig, size_t sl,
    struct buf *out)
{
	char *len;
	status rc;

	buf_reset(out);
	if ((rc = buf_extend(out, 8, &len)) || (rc = buf_add(out, hdr, h)) ||
	    (rc = buf_add(out, pay, pl)) || (rc = buf_add(out, sig, sl)))
		return rc;
	return pack_lengths(out, h, pl);
}

status
jws_sign_kept(const struct ident *id, const char *typ, const void *payload, size_t n,
    struct buf *out, uint8_t sig[static IDENT_SIG_LEN], struct buf *pack)
{
	char hdr[HDR_JSON_MAX];
	size_t start = out->len, hn;
	status rc = signing_input(ident_kid(id), typ, payload, n, out);

	if (!rc) {
		ident_sign(id, (const uint8_t *)out->p + start, out->len - start, sig);
		rc = buf_add(out, ".", 1);
	}
	if (!rc)
		rc = b64_url_encode(out, sig, IDENT_SIG_LEN);
	/* the parts as signed, without decoding what was just encoded */
	if (!rc && pack)
		rc = (hn = header_json(ident_kid(id), typ, hdr)) ?
		    pack_parts(hdr, hn, payload, n, sig, IDENT_SIG_LEN, pack) : ST_INVALID;
	if (rc)
		buf_truncate(out, start);
	return rc;
}

status
jws_sign(const struct ident *id, const char *typ, const void *payload, size_t n,
    struct buf *out)
{
	uint8_t sig[IDENT_SIG_LEN];

	return jws_sign_kept(id, typ, payload, n, out, sig, NULL);
}

status
jws_pack(const char *text, size_t n, struct buf *out)
{
	struct jws_parts p;
	size_t h, pl;
	status rc;

	buf_reset(out);
	if (!n || jws_split(text, n, &p) != ST_OK)
		return ST_PARSE;
	/* decoded in place after the 8 bytes of lengths */
	if ((rc = buf_add(out, "\0\0\0\0\0\0\0\0", 8)) ||
	    (rc = pay_decode(out, p.hdr, p.hdr_len)))
		goto out;
	h = out->len - 8;
	if ((rc = pay_decode(out, p.pay, p.pay_len)))
		goto out;
	pl = out->len - 8 - h;
	if (!(rc = pay_decode(out, p.sig, p.sig_len)))
		rc = pack_lengths(out, h, pl);
out:
	if (rc)
		buf_reset(out);
	return rc;
}

status
jws_unpack(const void *packed, size_t len, struct buf *out)
{
	const uint8_t *v = packed;
	size_t h = 0, pl = 0;

	for (int k = 0; len >= 8 && k < 4; k++) {
		h = h << 8 | v[k];
		pl = pl << 8 | v[4 + k];
	}
	buf_reset(out);
	if (len < 8 || h > len - 8 || pl > len - 8 - h ||
	    pay_encode(out, v + 8, h) || buf_add(out, ".", 1) ||
	    pay_encode(out, v + 8 + h, pl) || buf_add(out, ".", 1) ||
	    pay_encode(out, v + 8 + h + pl, len - 8 - h - pl)) {
		buf_reset(out);
		return ST_PARSE;
	}
	return ST_OK;
}

status
jws_assemble(const char *kid, const char *typ, const void *payload, size_t n,
    const uint8_t sig[static IDENT_SIG_LEN], struct buf *out)
{
	size_t start = out->len;
	status rc = signing_input(kid, typ, payload, n, out);

	if (!rc)
		rc = buf_add(out, ".", 1);
	if (!rc)
		rc = pay_encode(out, sig, IDENT_SIG_LEN);
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

/* seen_slot - the slot remembering this header for pk and typ, or NULL. */
static const struct seen *
seen_slot(const struct jws_parts *p, const uint8_t pk[static IDENT_PK_LEN], const char *typ)
{
	for (size_t i = 0; i < SEEN_SLOTS; i++) {
		const struct seen *s = &seen[i];

		if (s->hdr_len == p->hdr_len && memcmp(s->hdr, p->hdr, p->hdr_len) == 0 &&
		    memcmp(s->pk, pk, IDENT_PK_LEN) == 0 && strcmp(s->typ, typ) == 0)
			return s;
	}
	return NULL;
}

/* seen_add - remember a header check_header accepted for pk and typ. */
static void
seen_add(const struct jws_parts *p, const uint8_t pk[static IDENT_PK_LEN], const char *typ)
{
	struct seen *s = &seen[seen_next];
	size_t tn = strlen(typ);

	if (p->hdr_len > SEEN_HDR_MAX || tn >= SEEN_TYP_MAX)
		return;
	seen_next = (seen_next + 1) % SEEN_SLOTS;
	memcpy(s->hdr, p->hdr, p->hdr_len);
	s->hdr_len = p->hdr_len;
	memcpy(s->pk, pk, IDENT_PK_LEN);
	memcpy(s->typ, typ, tn + 1);
}

status
jws_verify(const char *text, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ, struct buf *payload)
{
	return jws_verify_pack(text, n, pk, typ, payload, NULL);
}

status
jws_verify_pack(const char *text, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ, struct buf *payload, struct buf *pack)
{
	uint8_t sig[IDENT_SIG_LEN];
	struct jws_parts p;
	size_t siglen, start = payload->len, h;
	status rc;

	rc = jws_split(text, n, &p);
	if (rc)
		return rc;
	if (!seen_slot(&p, pk, typ)) {
		rc = check_header(&p, pk, typ);
		if (rc)
			return rc;
		seen_add(&p, pk, typ);
	}
	rc = b64_url_decode(p.sig, p.sig_len, sig, sizeof sig, &siglen);
	if (rc || siglen != sizeof sig)
		return ST_BADSIG;
	rc = ident_verify(pk, (const uint8_t *)text, p.hdr_len + 1 + p.pay_len, sig);
	if (rc)
		return rc;
	if ((rc = pay_decode(payload, p.pay, p.pay_len)) || !pack)
		return rc;
	/* the parts as verified, the header decoded in place; a pack that
	 * cannot be made is left empty, and the keeper packs the text itself */
	buf_reset(pack);
	rc = buf_add(pack, "\0\0\0\0\0\0\0\0", 8);
	if (!rc)
		rc = pay_decode(pack, p.hdr, p.hdr_len);
	h = pack->len - 8;
	if (!rc)
		rc = buf_add(pack, payload->p + start, payload->len - start);
	if (!rc)
		rc = buf_add(pack, sig, sizeof sig);
	if (!rc)
		rc = pack_lengths(pack, h, payload->len - start);
	if (rc)
		buf_reset(pack);
	return ST_OK;
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
