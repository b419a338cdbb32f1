/* envelope.c - build and check messages and receipts.
 *
 * SECURITY: open() verifies the signature before reading any field, then
 * binds the statement to the key that verified it ("from") and to this node
 * ("to"), so a valid statement cannot be replayed to another node or
 * attributed to another sender.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "envelope.h"
#include "jws.h"

static int
in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

int
envelope_link_ok(const char *s)
{
	static const char *const links[] = { "cert", "urgent", "leaders", "wg", NULL };

	return in_set(s, links);
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

void
envelope_hash(const void *data, size_t n, char hex[static ENV_HASH_HEX])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(hex, ENV_HASH_HEX, h, sizeof h);
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

/* sealed - dump payload compactly, in insertion order, and sign it. */
static status
sealed(const struct ident *id, const char *typ, json_t *pl, struct buf *out)
{
	char *text;
	status rc;

	if (!pl)
		return ST_INVALID;	/* json_pack refuses text that is not UTF-8 */
	text = json_dumps(pl, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(pl);
	if (!text)
		return ST_NOMEM;
	rc = jws_sign(id, typ, text, strlen(text), out);
	free(text);
	return rc;
}

status
envelope_message_seal(const struct ident *id, struct message *m, struct buf *out)
{
	if (!stamp_is_uuid(m->id) || !envelope_link_ok(m->link) || m->seq < 1 ||
	    !envelope_type_ok(m->type) || !envelope_priority_ok(m->priority) ||
	    m->subject[0] == '\0' || !time_ok(m->created_at) ||
	    memchr(buf_str(&m->body), '\0', m->body.len))
		return ST_INVALID;
	memcpy(m->from, ident_kid(id), IDENT_KID_LEN);
	return sealed(id, ENV_MSG_TYP, json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s%,s:s}",
	    "v", 1, "id", m->id, "from", m->from, "to", m->to, "link", m->link,
	    "seq", (json_int_t)m->seq, "type", m->type, "priority", m->priority,
	    "subject", m->subject, "body", buf_str(&m->body), m->body.len,
	    "created_at", m->created_at), out);
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
	char kid[IDENT_KID_LEN];

	ident_thumbprint(signer, kid);
	if (strcmp(from, kid) != 0)
		return ST_UNKNOWN_KEY;
	if (strcmp(to, self_kid) != 0)
		return ST_RECIPIENT;
	return ST_OK;
}

status
envelope_message_open(const char *jws, size_t n, const uint8_t sender_pk[static IDENT_PK_LEN],
    const char *self_kid, struct message *m)
{
	const json_t *body;
	json_t *pl;
	status rc;

	buf_reset(&m->body);
	/* The payload is bounded by the JWS already in memory, so an oversized
	 * body still parses and its sequence number can be refused for good. */
	rc = opened(jws, n, sender_pk, ENV_MSG_TYP, n, &pl);
	if (rc)
		return rc == ST_TOOBIG ? ST_PARSE : rc;
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
		rc = bound(m->from, m->to, sender_pk, self_kid);
	if (!rc)
		rc = buf_add(&m->body, json_string_value(body), json_string_length(body));
	json_decref(pl);
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

status
envelope_receipt_seal(const struct ident *id, struct receipt *r, struct buf *out)
{
	if (!stamp_is_uuid(r->id) || !stamp_is_uuid(r->msg) || !hex64(r->msg_sha256) ||
	    !envelope_link_ok(r->link) || r->seq < 1 || !time_ok(r->received_at))
		return ST_INVALID;
	memcpy(r->from, ident_kid(id), IDENT_KID_LEN);
	return sealed(id, ENV_RCPT_TYP, json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s}",
	    "v", 1, "id", r->id, "msg", r->msg, "msg_sha256", r->msg_sha256,
	    "from", r->from, "to", r->to, "link", r->link, "seq", (json_int_t)r->seq,
	    "received_at", r->received_at), out);
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
