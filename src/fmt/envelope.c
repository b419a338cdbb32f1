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

#include "fmt/envelope.h"
#include "fmt/why.h"
#include "fmt/tmpl.h"
#include "fmt/tlog.h"
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
	return strlen(s) <= ENV_LINK_MAX && envelope_type_ok(s);
}

const char *const envelope_priorities[] = { "flash", "immediate", "priority", "routine", NULL };

int
envelope_priority_ok(const char *s)
{
	return in_set(s, envelope_priorities);
}

/* An agreement's id is a UUIDv7 (agreement_parse holds it to that): a
 * message naming any other UUID names no agreement, and is malformed. */
int
envelope_agreement_ok(const char *s)
{
	return strcmp(s, ENV_AGREEMENT_LOCAL) == 0 ||
	    (stamp_is_uuid(s) && s[14] == '7' && strchr("89ab", s[19]) != NULL);
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
	uint8_t h[TLOG_HASH];

	tlog_sha256(data, n, h);	/* OpenSSL's, the digest fetched once */
	sodium_bin2hex(hex, ENV_HASH_HEX, h, sizeof h);
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
			else if ((k = tmpl_utf8(p, end)) != 0)
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

static int
time_ok(const char *s)
{
	int64_t ms;

	return stamp_parse(s, &ms) == ST_OK;
}

/*
 * Reading payloads.  Two readers give a payload's members as spans
 * (struct fields); one set of checks per statement (message_set,
 * receipt_copy, receipt_check) then copies them into a message or a
 * receipt, so what is accepted never depends on the reader.
 *
 * The template reader (fixed_read, with tmpl.h's steps) takes a payload
 * only as this file's templates write it: "v":1 first, the other members
 * in the template's order, no whitespace, every string free of escapes,
 * seq as [1-9][0-9]{0,17}.  It never refuses
 * anything: a payload it does not take (another order, an escape,
 * whitespace, another number) goes to jansson, which decides.  So the
 * fields, and what is accepted and refused, are the same either way
 * (fuzz_payload holds it to jansson's answers).  It is there for speed:
 * a jansson tree costs about a tenth of a daemon's CPU per message
 * (docs/BENCHMARKS.md, "CPU per message").
 */
#define SEQ_MEMBER (-1)
#define FIELDS_MAX 11

struct member {
	const char *key;
	int f;			/* its span in struct fields, or SEQ_MEMBER */
};

enum { M_ID, M_FROM, M_TO, M_LINK, M_TYPE, M_PRIO, M_SUBJECT, M_BODY, M_CREATED, M_TLP,
	M_AGREEMENT };
/* Version 2 (issue 13): the TLP label and the agreement it was sent under. */
static const struct member msg_members[] = {
	{ "id", M_ID }, { "from", M_FROM }, { "to", M_TO }, { "link", M_LINK },
	{ "seq", SEQ_MEMBER }, { "type", M_TYPE }, { "priority", M_PRIO },
	{ "tlp", M_TLP }, { "agreement", M_AGREEMENT },
	{ "subject", M_SUBJECT }, { "body", M_BODY }, { "created_at", M_CREATED },
	{ NULL, 0 },
};
/* Version 1, the previous one: read still (what stores and older peers hold). */
static const struct member msg_members_v1[] = {
	{ "id", M_ID }, { "from", M_FROM }, { "to", M_TO }, { "link", M_LINK },
	{ "seq", SEQ_MEMBER }, { "type", M_TYPE }, { "priority", M_PRIO },
	{ "subject", M_SUBJECT }, { "body", M_BODY }, { "created_at", M_CREATED },
	{ NULL, 0 },
};

enum { R_ID, R_MSG, R_HASH, R_FROM, R_TO, R_LINK, R_RECEIVED };
static const struct member rcpt_members[] = {
	{ "id", R_ID }, { "msg", R_MSG }, { "msg_sha256", R_HASH }, { "from", R_FROM },
	{ "to", R_TO }, { "link", R_LINK }, { "seq", SEQ_MEMBER },
	{ "received_at", R_RECEIVED }, { NULL, 0 },
};

struct span {
	const char *p;		/* NULL: absent, or not a string */
	size_t n;
};

struct fields {
	struct span s[FIELDS_MAX];
	int64_t v;		/* "v"; 0 when absent or not an integer */
	int64_t seq;		/* 0 when absent, not an integer, or below 1 */
	json_t *tree;		/* jansson's, when it read them: the spans point into it */
};

/* fixed_read - f from the payload pl[0..n) when it is exactly as the
 * template of members, version v, writes it; 0 (f partly filled) when it
 * is not. */
static int
fixed_read(const char *pl, size_t n, const struct member *members, int v, struct fields *f)
{
	struct tmpl t = { pl, pl + n };

	if (!tmpl_lit(&t, v == 2 ? "{\"v\":2" : "{\"v\":1"))
		return 0;
	f->v = v;
	for (const struct member *m = members; m->key; m++) {
		struct span *s = &f->s[m->f < 0 ? 0 : m->f];

		if (!tmpl_lit(&t, ",\"") || !tmpl_lit(&t, m->key) || !tmpl_lit(&t, "\":"))
			return 0;
		if (m->f == SEQ_MEMBER ? !tmpl_int(&t, &f->seq) : !tmpl_str(&t, &s->p, &s->n))
			return 0;
	}
	return tmpl_lit(&t, "}") && tmpl_done(&t);
}

/* json_read - f from the payload pl[0..n) as jansson reads it (duplicate
 * members refused); ST_PARSE when it is not a JSON object. */
static status
json_read(const char *pl, size_t n, const struct member *members, struct fields *f)
{
	const json_t *v;

	f->tree = json_loadb(pl, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(f->tree))
		return ST_PARSE;
	f->v = json_integer_value(json_object_get(f->tree, "v"));
	for (const struct member *m = members; m->key; m++) {
		v = json_object_get(f->tree, m->key);
		if (m->f == SEQ_MEMBER) {
			if (json_is_integer(v) && json_integer_value(v) >= 1)
				f->seq = json_integer_value(v);
		} else if (json_is_string(v)) {
			f->s[m->f].p = json_string_value(v);
			f->s[m->f].n = json_string_length(v);
		}
	}
	return ST_OK;
}

/* payload_read - f from the payload pl[0..n), read as how says
 * (fmt/tmpl.h); the spans point into pl or into f->tree, which
 * fields_free releases.  members is the template of version 1, or, with
 * v2 not NULL, v2 is version 2's and members version 1's; jansson reads
 * the members of the latest.  ST_PARSE: not a JSON object (or, with
 * TMPL_FIXED, not as a template writes it). */
static status
payload_read(const char *pl, size_t n, const struct member *members,
    const struct member *v2, enum tmpl_how how, struct fields *f)
{
	memset(f, 0, sizeof *f);
	if (how != TMPL_JSON && v2 && fixed_read(pl, n, v2, 2, f))
		return ST_OK;
	memset(f, 0, sizeof *f);
	if (how != TMPL_JSON && fixed_read(pl, n, members, 1, f))
		return ST_OK;
	memset(f, 0, sizeof *f);
	if (how == TMPL_FIXED)
		return ST_PARSE;
	return json_read(pl, n, v2 ? v2 : members, f);
}

static void
fields_free(struct fields *f)
{
	json_decref(f->tree);
	f->tree = NULL;
}

/* span_copy - a string member into a fixed field; 0 if absent, too long,
 * or holding NUL. */
static int
span_copy(const struct span *s, char *dst, size_t cap)
{
	if (!s->p || s->n >= cap || memchr(s->p, '\0', s->n))
		return 0;
	memcpy(dst, s->p, s->n);
	dst[s->n] = '\0';
	return 1;
}

/* message_set - m's fields from f, checked: ST_INVALID, or ST_TOOBIG when
 * the body exceeds m's limit (every other field then filled). */
static status
message_set(const struct fields *f, struct message *m)
{
	const struct span *body = &f->s[M_BODY];
	enum tlp t;

	m->tlp[0] = m->agreement[0] = '\0';
	if (f->v == 2) {
		if (!span_copy(&f->s[M_TLP], m->tlp, sizeof m->tlp) ||
		    tlp_parse(m->tlp, &t) != ST_OK ||
		    !span_copy(&f->s[M_AGREEMENT], m->agreement, sizeof m->agreement) ||
		    !envelope_agreement_ok(m->agreement))
			return ST_INVALID;
	} else if (f->v != 1)
		return ST_INVALID;
	m->v = (int)f->v;
	if (!span_copy(&f->s[M_ID], m->id, sizeof m->id) || !stamp_is_uuid(m->id) ||
	    !span_copy(&f->s[M_FROM], m->from, sizeof m->from) ||
	    !span_copy(&f->s[M_TO], m->to, sizeof m->to) ||
	    !span_copy(&f->s[M_LINK], m->link, sizeof m->link) ||
	    !envelope_link_ok(m->link) || f->seq < 1 ||
	    !span_copy(&f->s[M_TYPE], m->type, sizeof m->type) || !envelope_type_ok(m->type) ||
	    !span_copy(&f->s[M_PRIO], m->priority, sizeof m->priority) ||
	    !envelope_priority_ok(m->priority) ||
	    !span_copy(&f->s[M_SUBJECT], m->subject, sizeof m->subject) ||
	    m->subject[0] == '\0' ||
	    !span_copy(&f->s[M_CREATED], m->created_at, sizeof m->created_at) ||
	    !time_ok(m->created_at) || !body->p || memchr(body->p, '\0', body->n))
		return ST_INVALID;
	m->seq = f->seq;
	return buf_add(&m->body, body->p, body->n);
}

/* receipt_copy - r's fields from f, unchecked; 0 if one is missing. */
static int
receipt_copy(const struct fields *f, struct receipt *r)
{
	if (!span_copy(&f->s[R_ID], r->id, sizeof r->id) ||
	    !span_copy(&f->s[R_MSG], r->msg, sizeof r->msg) ||
	    !span_copy(&f->s[R_HASH], r->msg_sha256, sizeof r->msg_sha256) ||
	    !span_copy(&f->s[R_FROM], r->from, sizeof r->from) ||
	    !span_copy(&f->s[R_TO], r->to, sizeof r->to) ||
	    !span_copy(&f->s[R_LINK], r->link, sizeof r->link) || f->seq < 1 ||
	    !span_copy(&f->s[R_RECEIVED], r->received_at, sizeof r->received_at))
		return 0;
	r->seq = f->seq;
	return 1;
}


/* receipt_check - the receipt read from f is one a node may accept:
 * ST_OK or ST_INVALID. */
static status
receipt_check(const struct fields *f, struct receipt *r)
{
	if (f->v != 1 || !receipt_copy(f, r) || !stamp_is_uuid(r->id) ||
	    !stamp_is_uuid(r->msg) || !why_hex64_ok(r->msg_sha256) || !envelope_link_ok(r->link) ||
	    !time_ok(r->received_at))
		return ST_INVALID;
	return ST_OK;
}

status
envelope_message_payload(const char *pl, size_t n, enum tmpl_how how,
    struct message *m)
{
	struct fields f;
	status rc;

	buf_reset(&m->body);
	rc = payload_read(pl, n, msg_members_v1, msg_members, how, &f);
	if (!rc)
		rc = message_set(&f, m);
	if (rc)
		buf_reset(&m->body);
	fields_free(&f);
	return rc;
}

status
envelope_receipt_payload(const char *pl, size_t n, enum tmpl_how how,
    struct receipt *r)
{
	struct fields f;
	status rc;

	memset(r, 0, sizeof *r);
	rc = payload_read(pl, n, rcpt_members, NULL, how, &f);
	if (!rc)
		rc = receipt_check(&f, r);
	fields_free(&f);
	return rc;
}

/*
 * Payloads are written from templates, members in the order envelope.h
 * gives.  Every field is either checked first (uuid, kid, link, seq, type,
 * priority, time) or written by envelope_json_str (to, subject, body), which
 * also refuses text that is not UTF-8.  The text is byte for byte what
 * jansson's compact dump gave before (test_envelope.c holds this).
 */

/* adds - append the strings of parts, up to its NULL: a template's literal
 * text and its checked fields.  No printf pass: a template is filled
 * several times per message. */
static status
adds(struct buf *b, const char *const *parts)
{
	status rc = ST_OK;

	for (; !rc && *parts; parts++)
		rc = buf_add(b, *parts, strlen(*parts));
	return rc;
}

/* PARTS - a template's pieces, for adds. */
#define PARTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* dec - v in decimal, as %lld writes it, in out. */
static const char *
dec(int64_t v, char out[static 21])
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = out + 20;

	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return p;
}

/* sealed - sign the payload text in pl (built with status rc) as typ,
 * append the JWS to out, its signature to sig (and its packed form to
 * pack, when not NULL), and free pl. */
static status
sealed(const struct ident *id, const char *typ, struct buf *pl, status rc, struct buf *out,
    uint8_t sig[static IDENT_SIG_LEN], struct buf *pack)
{
	if (!rc)
		rc = jws_sign_kept(id, typ, pl->p, pl->len, out, sig, pack);
	buf_free(pl);
	return rc;
}

status
envelope_message_seal(const struct ident *id, struct message *m, struct buf *out)
{
	return envelope_message_seal_pack(id, m, out, NULL);
}

status
envelope_message_seal_pack(const struct ident *id, struct message *m, struct buf *out,
    struct buf *pack)
{
	struct buf pl;
	uint8_t sig[IDENT_SIG_LEN];
	char seq[21];
	status rc;

	enum tlp t;
	int v2 = m->tlp[0] != '\0' || m->agreement[0] != '\0';

	if (!stamp_is_uuid(m->id) || !envelope_link_ok(m->link) || m->seq < 1 ||
	    !envelope_type_ok(m->type) || !envelope_priority_ok(m->priority) ||
	    m->subject[0] == '\0' || !time_ok(m->created_at) ||
	    memchr(buf_str(&m->body), '\0', m->body.len) ||
	    (v2 && (tlp_parse(m->tlp, &t) != ST_OK || !envelope_agreement_ok(m->agreement))))
		return ST_INVALID;
	m->v = v2 ? 2 : 1;
	memcpy(m->from, ident_kid(id), IDENT_KID_LEN);
	/* a byte escapes to at most six characters */
	buf_init(&pl, (m->body.len + sizeof m->subject + sizeof m->to) * 6 + 1024);
	rc = adds(&pl, PARTS(v2 ? "{\"v\":2,\"id\":\"" : "{\"v\":1,\"id\":\"", m->id,
	    "\",\"from\":\"", m->from, "\",\"to\":"));
	if (!rc)
		rc = envelope_json_str(&pl, m->to, strnlen(m->to, sizeof m->to));
	if (!rc)
		rc = adds(&pl, PARTS(",\"link\":\"", m->link, "\",\"seq\":", dec(m->seq, seq),
		    ",\"type\":\"", m->type, "\",\"priority\":\"", m->priority, "\","));
	if (!rc && v2)
		rc = adds(&pl, PARTS("\"tlp\":\"", m->tlp, "\",\"agreement\":\"", m->agreement,
		    "\","));
	if (!rc)
		rc = buf_adds(&pl, "\"subject\":");
	if (!rc)
		rc = envelope_json_str(&pl, m->subject, strnlen(m->subject, sizeof m->subject));
	if (!rc)
		rc = buf_adds(&pl, ",\"body\":");
	if (!rc)
		rc = envelope_json_str(&pl, buf_str(&m->body), m->body.len);
	if (!rc)
		rc = adds(&pl, PARTS(",\"created_at\":\"", m->created_at, "\"}"));
	return sealed(id, ENV_MSG_TYP, &pl, rc, out, sig, pack);
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

status
envelope_message_open(const char *jws, size_t n, const uint8_t sender_pk[static IDENT_PK_LEN],
    const char *self_kid, struct message *m)
{
	return envelope_message_open_pack(jws, n, sender_pk, self_kid, m, NULL);
}

status
envelope_message_open_pack(const char *jws, size_t n,
    const uint8_t sender_pk[static IDENT_PK_LEN], const char *self_kid, struct message *m,
    struct buf *pack)
{
	struct buf pl;
	status rc;

	buf_reset(&m->body);
	if (pack)
		buf_reset(pack);
	/* The payload is bounded by the JWS already in memory, so an oversized
	 * body still parses and its sequence number can be refused for good. */
	buf_init(&pl, n);
	rc = jws_verify_pack(jws, n, sender_pk, ENV_MSG_TYP, &pl, pack);
	if (rc)
		rc = rc == ST_TOOBIG ? ST_PARSE : rc;
	else
		rc = envelope_message_payload(pl.p, pl.len, TMPL_ANY, m);
	if (!rc)
		rc = bound(m->from, m->to, sender_pk, self_kid);
	if (rc) {
		buf_reset(&m->body);	/* nothing of a refused message is handed on */
		if (pack)
			buf_reset(pack);
	}
	buf_free(&pl);
	return rc;
}

status
envelope_message_fields(const char *jws, size_t n, struct message *m)
{
	struct jws_parts parts;
	struct fields f;
	struct buf pl;
	status rc;

	buf_reset(&m->body);
	buf_init(&pl, n);
	rc = jws_split(jws, n, &parts);
	if (!rc)
		rc = jws_b64_decode(&pl, parts.pay, parts.pay_len);
	if (!rc) {
		rc = payload_read(pl.p, pl.len, msg_members_v1, msg_members, TMPL_ANY, &f);
		/* read as signed, "v" or not */
		if (!rc) {
			f.v = f.v == 2 ? 2 : 1;
			rc = message_set(&f, m);
		}
		fields_free(&f);
	}
	if (rc)
		buf_reset(&m->body);
	buf_free(&pl);
	return rc;
}

/* receipt_payload - r's payload text, the one template a receipt is made
 * from (envelope_receipt_build rebuilds receipts from it: change it only
 * with a new "v"). */
static status
receipt_payload(const struct receipt *r, struct buf *pl)
{
	char seq[21];
	status rc = adds(pl, PARTS("{\"v\":1,\"id\":\"", r->id, "\",\"msg\":\"", r->msg,
	    "\",\"msg_sha256\":\"", r->msg_sha256, "\",\"from\":\"", r->from, "\",\"to\":"));

	if (!rc)
		rc = envelope_json_str(pl, r->to, strnlen(r->to, sizeof r->to));
	if (!rc)
		rc = adds(pl, PARTS(",\"link\":\"", r->link, "\",\"seq\":", dec(r->seq, seq),
		    ",\"received_at\":\"", r->received_at, "\"}"));
	return rc;
}

status
envelope_receipt_seal(const struct ident *id, struct receipt *r, struct buf *out)
{
	struct buf pl;
	status rc;

	r->exact = 0;
	if (!stamp_is_uuid(r->id) || !stamp_is_uuid(r->msg) || !why_hex64_ok(r->msg_sha256) ||
	    !envelope_link_ok(r->link) || r->seq < 1 || !time_ok(r->received_at))
		return ST_INVALID;
	memcpy(r->from, ident_kid(id), IDENT_KID_LEN);
	buf_init(&pl, 4096);
	rc = sealed(id, ENV_RCPT_TYP, &pl, receipt_payload(r, &pl), out, r->sig, NULL);
	/* what envelope_receipt_build makes of r: the header it writes for
	 * r->from, the payload it writes, this signature */
	r->exact = rc == ST_OK;
	return rc;
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
	struct fields f;
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
		rc = payload_read(pl.p, pl.len, rcpt_members, NULL, TMPL_ANY, &f);
		if (!rc && !receipt_copy(&f, r))
			rc = ST_PARSE;
		fields_free(&f);
	}
	/* the template gives back these very bytes, or the receipt is kept whole */
	if (!rc)
		rc = envelope_receipt_build(r, sig, &again);
	if (!rc && (again.len != n || memcmp(again.p, jws, n) != 0))
		rc = ST_PARSE;
	buf_free(&pl);
	buf_free(&again);
	if (rc) {
		memset(r, 0, sizeof *r);
		memset(sig, 0, IDENT_SIG_LEN);
	} else {
		r->exact = 1;
		memcpy(r->sig, sig, IDENT_SIG_LEN);
	}
	return rc ? ST_PARSE : ST_OK;
}

/* receipt_exact - set r->exact and r->sig when the verified receipt
 * jws[0..n), whose payload is pl and fields r, is what
 * envelope_receipt_build(r, sig) makes: our header for r->from, our payload
 * for r (compared decoded: both encodings are canonical), and its
 * signature.  Cheaper than building it again (envelope_receipt_match). */
static void
receipt_exact(const char *jws, size_t n, const struct buf *pl, struct receipt *r)
{
	const char *d1 = memchr(jws, '.', n), *d2;
	struct buf b;
	int ok;

	r->exact = 0;
	if (!d1 || !(d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - jws))))
		return;
	buf_init(&b, 4096);
	ok = jws_header(r->from, ENV_RCPT_TYP, &b) == ST_OK && b.len == (size_t)(d1 - jws) &&
	    memcmp(b.p, jws, b.len) == 0;
	buf_reset(&b);
	ok = ok && receipt_payload(r, &b) == ST_OK && b.len == pl->len &&
	    memcmp(b.p, pl->p, b.len) == 0;
	buf_reset(&b);
	ok = ok && jws_b64_decode(&b, d2 + 1, n - (size_t)(d2 + 1 - jws)) == ST_OK &&
	    b.len == IDENT_SIG_LEN;
	if (ok)
		memcpy(r->sig, b.p, IDENT_SIG_LEN);
	r->exact = ok;
	buf_free(&b);
}

status
envelope_receipt_open(const char *jws, size_t n, const uint8_t receiver_pk[static IDENT_PK_LEN],
    const char *self_kid, struct receipt *r)
{
	struct buf pl;
	status rc;

	memset(r, 0, sizeof *r);
	buf_init(&pl, 4096);
	rc = jws_verify(jws, n, receiver_pk, ENV_RCPT_TYP, &pl);
	if (rc)
		rc = rc == ST_TOOBIG ? ST_PARSE : rc;
	else
		rc = envelope_receipt_payload(pl.p, pl.len, TMPL_ANY, r);
	if (!rc)
		rc = bound(r->from, r->to, receiver_pk, self_kid);
	if (!rc)
		receipt_exact(jws, n, &pl, r);
	buf_free(&pl);
	return rc;
}
