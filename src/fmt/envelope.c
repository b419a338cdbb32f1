/* envelope.c - build and check messages and receipts.
 *
 * SECURITY: open() verifies the signature before reading any field, then
 * binds the statement to the key that verified it ("from") and to this node
 * ("to"), so a valid statement cannot be replayed to another node or
 * attributed to another sender.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "fmt/envelope.h"
#include "crypto/jws.h"

static int
in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

const char *const envelope_links[ENV_LINKS + 1] = { "urgent", "leaders", "wg", "cert", NULL };

int
envelope_link_ok(const char *s)
{
	return in_set(s, envelope_links);
}

int
envelope_priority_ok(const char *s)
{
	static const char *const prios[] = { "flash", "immediate", "priority", "routine", NULL };

	return in_set(s, prios);
}

int
envelope_type_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ENV_TYPE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

/* OpenSSL's SHA-256 uses the CPU's SHA extensions where libsodium 1.0.18's
 * does not: a 1 KiB message hashes about four times faster.  Same digest. */
void
envelope_hash(const void *data, size_t n, char hex[static ENV_HASH_HEX])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	if (EVP_Digest(data, n, h, NULL, EVP_sha256(), NULL) != 1)
		crypto_hash_sha256(h, data, n);
	sodium_bin2hex(hex, ENV_HASH_HEX, h, sizeof h);
}

/* utf8_seq - the length of the well-formed UTF-8 sequence (RFC 3629) that
 * starts with the non-ASCII byte at p, or 0: no stray continuation bytes,
 * overlong forms, surrogates or code points past U+10FFFF (as jansson). */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t k;

	if (*p >= 0xc2 && *p <= 0xdf)
		k = 2, cp = *p & 0x1fu;
	else if (*p >= 0xe0 && *p <= 0xef)
		k = 3, cp = *p & 0x0fu;
	else if (*p >= 0xf0 && *p <= 0xf4)
		k = 4, cp = *p & 0x07u;
	else
		return 0;
	if ((size_t)(end - p) < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* json_escape - the escape of an ASCII byte that JSON strings may not hold
 * as is, written as jansson writes it. */
static void
json_escape(unsigned char c, char esc[static 8])
{
	char e;

	switch (c) {
	case '"': e = '"'; break;
	case '\\': e = '\\'; break;
	case '\b': e = 'b'; break;
	case '\f': e = 'f'; break;
	case '\n': e = 'n'; break;
	case '\r': e = 'r'; break;
	case '\t': e = 't'; break;
	default:
		snprintf(esc, 8, "\\u%04X", c);
		return;
	}
	esc[0] = '\\', esc[1] = e, esc[2] = '\0';
}

status
envelope_json_str(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t start = out->len;
	status rc = buf_add(out, "\"", 1);

	while (!rc && p < end) {
		const unsigned char *run = p;
		char esc[8];
		size_t k;

		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\') {
			if (*p < 0x80)
				p++;
			else if ((k = utf8_seq(p, end)) != 0)
				p += k;
			else {
				buf_truncate(out, start);
				return ST_INVALID;
			}
		}
		rc = buf_add(out, run, (size_t)(p - run));
		if (rc || p == end)
			break;
		json_escape(*p++, esc);
		rc = buf_adds(out, esc);
	}
	if (!rc)
		rc = buf_add(out, "\"", 1);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

void
envelope_message_init(struct message *m, size_t max_body)
{
	memset(m, 0, sizeof *m);
	buf_init(&m->body, max_body);
}

void
envelope_message_clear(struct message *m)
{
	buf_free(&m->body);
}

/* copy - a JSON string member into a fixed field; 0 if absent or too long. */
static int
copy(const json_t *o, const char *key, char *dst, size_t cap)
{
	const json_t *v = json_object_get(o, key);
	size_t n;

	if (!json_is_string(v))
		return 0;
	n = json_string_length(v);
	if (n >= cap || memchr(json_string_value(v), '\0', n))
		return 0;
	memcpy(dst, json_string_value(v), n + 1);
	return 1;
}

static int
seq_of(const json_t *o, int64_t *seq)
{
	const json_t *v = json_object_get(o, "seq");

	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return 0;
	*seq = json_integer_value(v);
	return 1;
}

static int
time_ok(const char *s)
{
	int64_t ms;

	return stamp_parse(s, &ms) == ST_OK;
}

/*
 * Payloads are written from templates, members in the order envelope.h
 * gives.  Every field is either checked first (uuid, kid, link, seq, type,
 * priority, time) or written by envelope_json_str (to, subject, body), which
 * also refuses text that is not UTF-8.  The text is byte for byte what
 * jansson's compact dump gave before (test_envelope.c holds this).
 */

/* addf - append printf output of a template with bounded fields: one
 * formatting pass through the stack (buf_addf formats twice). */
static status __attribute__((format(printf, 2, 3)))
addf(struct buf *b, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof text)
		return ST_INVALID;
	return buf_add(b, text, (size_t)n);
}

/* sealed - sign the payload text in pl (built with status rc) as typ,
 * append the JWS to out, and free pl. */
static status
sealed(const struct ident *id, const char *typ, struct buf *pl, status rc, struct buf *out)
{
	if (!rc)
		rc = jws_sign(id, typ, pl->p, pl->len, out);
	buf_free(pl);
	return rc;
}

status
envelope_message_seal(const struct ident *id, struct message *m, struct buf *out)
{
	struct buf pl;
	status rc;

	if (!stamp_is_uuid(m->id) || !envelope_link_ok(m->link) || m->seq < 1 ||
	    !envelope_type_ok(m->type) || !envelope_priority_ok(m->priority) ||
	    m->subject[0] == '\0' || !time_ok(m->created_at) ||
	    memchr(buf_str(&m->body), '\0', m->body.len))
		return ST_INVALID;
	memcpy(m->from, ident_kid(id), IDENT_KID_LEN);
	/* a byte escapes to at most six characters */
	buf_init(&pl, (m->body.len + sizeof m->subject + sizeof m->to) * 6 + 1024);
	rc = addf(&pl, "{\"v\":1,\"id\":\"%s\",\"from\":\"%s\",\"to\":", m->id, m->from);
	if (!rc)
		rc = envelope_json_str(&pl, m->to, strnlen(m->to, sizeof m->to));
	if (!rc)
		rc = addf(&pl, ",\"link\":\"%s\",\"seq\":%lld,\"type\":\"%s\","
		    "\"priority\":\"%s\",\"subject\":", m->link, (long long)m->seq, m->type,
		    m->priority);
	if (!rc)
		rc = envelope_json_str(&pl, m->subject, strnlen(m->subject, sizeof m->subject));
	if (!rc)
		rc = buf_adds(&pl, ",\"body\":");
	if (!rc)
		rc = envelope_json_str(&pl, buf_str(&m->body), m->body.len);
	if (!rc)
		rc = addf(&pl, ",\"created_at\":\"%s\"}", m->created_at);
	return sealed(id, ENV_MSG_TYP, &pl, rc, out);
}

/* opened - verify a statement and parse its payload object. */
static status
opened(const char *jws, size_t n, const uint8_t pk[static IDENT_PK_LEN],
    const char *typ, size_t max, json_t **pl)
{
	struct buf payload;
	status rc;

	*pl = NULL;
	buf_init(&payload, max);
	rc = jws_verify(jws, n, pk, typ, &payload);
	if (!rc) {
		*pl = json_loadb(payload.p, payload.len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(*pl)) {
			json_decref(*pl);
			*pl = NULL;
			rc = ST_PARSE;
		} else if (json_integer_value(json_object_get(*pl, "v")) != 1) {
			json_decref(*pl);
			*pl = NULL;
			rc = ST_INVALID;
		}
	}
	buf_free(&payload);
	return rc;
}

/* bound - check the "from"/"to" binding of a verified statement. */
static status
bound(const char *from, const char *to, const uint8_t signer[static IDENT_PK_LEN],
    const char *self_kid)
{
	/* the last signer's kid: a node opens statements from few keys */
	static _Thread_local uint8_t last_pk[IDENT_PK_LEN];
	static _Thread_local char kid[IDENT_KID_LEN];

	if (!kid[0] || memcmp(last_pk, signer, IDENT_PK_LEN) != 0) {
		ident_thumbprint(signer, kid);
		memcpy(last_pk, signer, IDENT_PK_LEN);
	}
	if (strcmp(from, kid) != 0)
		return ST_UNKNOWN_KEY;
	if (strcmp(to, self_kid) != 0)
		return ST_RECIPIENT;
	return ST_OK;
}

static status message_fill(const json_t *pl, struct message *m);

status
envelope_message_open(const char *jws, size_t n, const uint8_t sender_pk[static IDENT_PK_LEN],
    const char *self_kid, struct message *m)
{
	json_t *pl;
	status rc;

	buf_reset(&m->body);
	/* The payload is bounded by the JWS already in memory, so an oversized
	 * body still parses and its sequence number can be refused for good. */
	rc = opened(jws, n, sender_pk, ENV_MSG_TYP, n, &pl);
	if (rc)
		return rc == ST_TOOBIG ? ST_PARSE : rc;
	rc = message_fill(pl, m);
	if (!rc)
		rc = bound(m->from, m->to, sender_pk, self_kid);
	if (rc)
		buf_reset(&m->body);	/* nothing of a refused message is handed on */
	json_decref(pl);
	return rc;
}

/* message_fill - m's fields from the payload object pl, checked. */
static status
message_fill(const json_t *pl, struct message *m)
{
	const json_t *body;
	status rc = ST_OK;

	body = json_object_get(pl, "body");
	if (!copy(pl, "id", m->id, sizeof m->id) || !stamp_is_uuid(m->id) ||
	    !copy(pl, "from", m->from, sizeof m->from) ||
	    !copy(pl, "to", m->to, sizeof m->to) ||
	    !copy(pl, "link", m->link, sizeof m->link) || !envelope_link_ok(m->link) ||
	    !seq_of(pl, &m->seq) ||
	    !copy(pl, "type", m->type, sizeof m->type) || !envelope_type_ok(m->type) ||
	    !copy(pl, "priority", m->priority, sizeof m->priority) ||
	    !envelope_priority_ok(m->priority) ||
	    !copy(pl, "subject", m->subject, sizeof m->subject) || m->subject[0] == '\0' ||
	    !copy(pl, "created_at", m->created_at, sizeof m->created_at) ||
	    !time_ok(m->created_at) || !json_is_string(body) ||
	    memchr(json_string_value(body), '\0', json_string_length(body)))
		rc = ST_INVALID;
	if (!rc)
		rc = buf_add(&m->body, json_string_value(body), json_string_length(body));
	return rc;
}

status
envelope_message_fields(const char *jws, size_t n, struct message *m)
{
	struct jws_parts parts;
	struct buf pl;
	json_t *o = NULL;
	status rc;

	buf_reset(&m->body);
	buf_init(&pl, n);
	rc = jws_split(jws, n, &parts);
	if (!rc)
		rc = jws_b64_decode(&pl, parts.pay, parts.pay_len);
	if (!rc) {
		o = json_loadb(pl.p, pl.len, JSON_REJECT_DUPLICATES, NULL);
		rc = json_is_object(o) ? message_fill(o, m) : ST_PARSE;
	}
	if (rc)
		buf_reset(&m->body);
	json_decref(o);
	buf_free(&pl);
	return rc;
}

static int
hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* receipt_payload - r's payload text, the one template a receipt is made
 * from (envelope_receipt_build rebuilds receipts from it: change it only
 * with a new "v"). */
static status
receipt_payload(const struct receipt *r, struct buf *pl)
{
	status rc = addf(pl, "{\"v\":1,\"id\":\"%s\",\"msg\":\"%s\",\"msg_sha256\":\"%s\","
	    "\"from\":\"%s\",\"to\":", r->id, r->msg, r->msg_sha256, r->from);

	if (!rc)
		rc = envelope_json_str(pl, r->to, strnlen(r->to, sizeof r->to));
	if (!rc)
		rc = addf(pl, ",\"link\":\"%s\",\"seq\":%lld,\"received_at\":\"%s\"}",
		    r->link, (long long)r->seq, r->received_at);
	return rc;
}

status
envelope_receipt_seal(const struct ident *id, struct receipt *r, struct buf *out)
{
	struct buf pl;

	if (!stamp_is_uuid(r->id) || !stamp_is_uuid(r->msg) || !hex64(r->msg_sha256) ||
	    !envelope_link_ok(r->link) || r->seq < 1 || !time_ok(r->received_at))
		return ST_INVALID;
	memcpy(r->from, ident_kid(id), IDENT_KID_LEN);
	buf_init(&pl, 4096);
	return sealed(id, ENV_RCPT_TYP, &pl, receipt_payload(r, &pl), out);
}

status
envelope_receipt_build(const struct receipt *r, const uint8_t sig[static IDENT_SIG_LEN],
    struct buf *out)
{
	struct buf pl;
	status rc;

	buf_init(&pl, 4096);
	rc = receipt_payload(r, &pl);
	if (!rc)
		rc = jws_assemble(r->from, ENV_RCPT_TYP, pl.p, pl.len, sig, out);
	buf_free(&pl);
	return rc;
}

status
envelope_receipt_match(const char *jws, size_t n, const struct receipt *r,
    uint8_t sig[static IDENT_SIG_LEN])
{
	struct jws_parts parts;
	struct buf b;
	status rc;

	buf_init(&b, 8192);
	rc = jws_split(jws, n, &parts);
	if (!rc)
		rc = jws_b64_decode(&b, parts.sig, parts.sig_len);
	if (!rc && b.len != IDENT_SIG_LEN)
		rc = ST_PARSE;
	if (!rc) {
		memcpy(sig, b.p, IDENT_SIG_LEN);
		buf_reset(&b);
		rc = envelope_receipt_build(r, sig, &b);
	}
	if (!rc && (b.len != n || memcmp(b.p, jws, n) != 0))
		rc = ST_PARSE;
	buf_free(&b);
	if (rc)
		memset(sig, 0, IDENT_SIG_LEN);
	return rc ? ST_PARSE : ST_OK;
}

status
envelope_receipt_fields(const char *jws, size_t n, struct receipt *r,
    uint8_t sig[static IDENT_SIG_LEN])
{
	struct jws_parts parts;
	struct buf pl, again;
	json_t *o = NULL;
	status rc;

	memset(r, 0, sizeof *r);
	buf_init(&pl, 4096);
	buf_init(&again, 8192);
	rc = jws_split(jws, n, &parts);
	if (!rc)
		rc = jws_b64_decode(&again, parts.sig, parts.sig_len);
	if (!rc && again.len != IDENT_SIG_LEN)
		rc = ST_PARSE;
	if (!rc) {
		memcpy(sig, again.p, IDENT_SIG_LEN);
		buf_reset(&again);
		rc = jws_b64_decode(&pl, parts.pay, parts.pay_len);
	}
	if (!rc) {
		o = json_loadb(pl.p, pl.len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(o) || !copy(o, "id", r->id, sizeof r->id) ||
		    !copy(o, "msg", r->msg, sizeof r->msg) ||
		    !copy(o, "msg_sha256", r->msg_sha256, sizeof r->msg_sha256) ||
		    !copy(o, "from", r->from, sizeof r->from) ||
		    !copy(o, "to", r->to, sizeof r->to) ||
		    !copy(o, "link", r->link, sizeof r->link) || !seq_of(o, &r->seq) ||
		    !copy(o, "received_at", r->received_at, sizeof r->received_at))
			rc = ST_PARSE;
	}
	/* the template gives back these very bytes, or the receipt is kept whole */
	if (!rc)
		rc = envelope_receipt_build(r, sig, &again);
	if (!rc && (again.len != n || memcmp(again.p, jws, n) != 0))
		rc = ST_PARSE;
	json_decref(o);
	buf_free(&pl);
	buf_free(&again);
	if (rc) {
		memset(r, 0, sizeof *r);
		memset(sig, 0, IDENT_SIG_LEN);
	}
	return rc ? ST_PARSE : ST_OK;
}

status
envelope_receipt_open(const char *jws, size_t n, const uint8_t receiver_pk[static IDENT_PK_LEN],
    const char *self_kid, struct receipt *r)
{
	json_t *pl;
	status rc;

	memset(r, 0, sizeof *r);
	rc = opened(jws, n, receiver_pk, ENV_RCPT_TYP, 4096, &pl);
	if (rc)
		return rc == ST_TOOBIG ? ST_PARSE : rc;
	if (!copy(pl, "id", r->id, sizeof r->id) || !stamp_is_uuid(r->id) ||
	    !copy(pl, "msg", r->msg, sizeof r->msg) || !stamp_is_uuid(r->msg) ||
	    !copy(pl, "msg_sha256", r->msg_sha256, sizeof r->msg_sha256) ||
	    !hex64(r->msg_sha256) ||
	    !copy(pl, "from", r->from, sizeof r->from) ||
	    !copy(pl, "to", r->to, sizeof r->to) ||
	    !copy(pl, "link", r->link, sizeof r->link) || !envelope_link_ok(r->link) ||
	    !seq_of(pl, &r->seq) ||
	    !copy(pl, "received_at", r->received_at, sizeof r->received_at) ||
	    !time_ok(r->received_at))
		rc = ST_INVALID;
	if (!rc)
		rc = bound(r->from, r->to, receiver_pk, self_kid);
	json_decref(pl);
	return rc;
}
