/* test_envelope.c - messages and receipts: what a node seals another opens
 * unchanged; a statement forged, truncated, misaddressed, attributed to
 * another sender or of the wrong kind is refused, each with its own status. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "util/b64.h"
#include "fmt/envelope.h"
#include "crypto/jws.h"
#include "testkeys.h"

#define BODY "line one\nline two: \"quoted\", caf\xc3\xa9, \xe2\x9c\x93"
#define MAX_BODY 4096

static struct ident *alice, *bob, *carol;	/* alice sends to bob */

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* fill - a valid message to to_kid (not yet sealed). */
static void
fill(struct message *m, const char *to_kid, const char *body)
{
	envelope_message_init(m, MAX_BODY);
	stamp_uuid7(m->id);
	snprintf(m->to, sizeof m->to, "%s", to_kid);
	snprintf(m->link, sizeof m->link, "urgent");
	m->seq = 7;
	snprintf(m->type, sizeof m->type, "notification");
	snprintf(m->priority, sizeof m->priority, "flash");
	snprintf(m->subject, sizeof m->subject, "grid status");
	snprintf(m->created_at, sizeof m->created_at, "2026-11-22T10:00:00.123Z");
	assert_int_equal(buf_adds(&m->body, body), ST_OK);
}

/* sealed_msg - alice's message to bob, sealed into a fresh buf. */
static void
sealed_msg(const struct ident *from, const char *to_kid, struct message *m, struct buf *jws)
{
	fill(m, to_kid, BODY);
	buf_init(jws, 1 << 16);
	assert_int_equal(envelope_message_seal(from, m, jws), ST_OK);
}

/* fill_receipt - a valid receipt for a message, to to_kid. */
static void
fill_receipt(struct receipt *r, const char *to_kid, const struct buf *msg_jws)
{
	memset(r, 0, sizeof *r);
	stamp_uuid7(r->id);
	stamp_uuid7(r->msg);
	envelope_hash(msg_jws->p, msg_jws->len, r->msg_sha256);
	snprintf(r->to, sizeof r->to, "%s", to_kid);
	snprintf(r->link, sizeof r->link, "cert");
	r->seq = 3;
	snprintf(r->received_at, sizeof r->received_at, "2026-11-22T10:00:01.000Z");
}

static void
test_message_round_trip(void **state)
{
	struct message m, got;
	struct buf jws, hdr;
	struct jws_parts p;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	assert_string_equal(m.from, ident_kid(alice));	/* set by seal */
	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_OK);
	assert_string_equal(got.id, m.id);
	assert_string_equal(got.from, ident_kid(alice));
	assert_string_equal(got.to, ident_kid(bob));
	assert_string_equal(got.link, "urgent");
	assert_int_equal(got.seq, 7);
	assert_string_equal(got.type, "notification");
	assert_string_equal(got.priority, "flash");
	assert_string_equal(got.subject, "grid status");
	assert_string_equal(got.created_at, "2026-11-22T10:00:00.123Z");
	assert_int_equal(got.body.len, strlen(BODY));
	assert_string_equal(buf_str(&got.body), BODY);

	/* it is a JWS of typ parley-message */
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	buf_init(&hdr, 512);
	assert_int_equal(b64_url_decode_buf(&hdr, p.hdr, p.hdr_len), ST_OK);
	assert_non_null(strstr(buf_str(&hdr), "\"typ\":\"" ENV_MSG_TYP "\""));
	buf_free(&hdr);

	/* opening again into the same struct replaces the body */
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_OK);
	assert_string_equal(buf_str(&got.body), BODY);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
}

/* An empty body is a body. */
static void
test_message_empty_body(void **state)
{
	struct message m, got;
	struct buf jws;

	(void)state;
	fill(&m, ident_kid(bob), "");
	buf_init(&jws, 1 << 16);
	assert_int_equal(envelope_message_seal(alice, &m, &jws), ST_OK);
	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_OK);
	assert_int_equal(got.body.len, 0);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
}

static void
test_receipt_round_trip(void **state)
{
	struct message m;
	struct receipt r, got;
	struct buf msg, jws;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &msg);
	fill_receipt(&r, ident_kid(alice), &msg);
	buf_init(&jws, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &jws), ST_OK);
	assert_string_equal(r.from, ident_kid(bob));
	assert_int_equal(envelope_receipt_open(jws.p, jws.len, ident_pk(bob), ident_kid(alice),
	    &got), ST_OK);
	assert_string_equal(got.id, r.id);
	assert_string_equal(got.msg, r.msg);
	assert_string_equal(got.msg_sha256, r.msg_sha256);
	assert_string_equal(got.from, ident_kid(bob));
	assert_string_equal(got.to, ident_kid(alice));
	assert_string_equal(got.link, "cert");
	assert_int_equal(got.seq, 3);
	assert_string_equal(got.received_at, "2026-11-22T10:00:01.000Z");
	envelope_message_clear(&m);
	buf_free(&msg);
	buf_free(&jws);
}

/* A receipt made or opened as the template writes it says so (exact, with
 * its signature), so the store may keep its fields alone; one that verifies
 * but is written otherwise (members in another order, a space) does not. */
static void
test_receipt_exact(void **state)
{
	struct message m;
	struct receipt r, got;
	struct buf msg, jws, again, pl, odd;
	uint8_t sig[IDENT_SIG_LEN];
	json_t *j;
	char *text;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &msg);
	fill_receipt(&r, ident_kid(alice), &msg);
	r.exact = 1;	/* what seal says, not what the caller left */
	buf_init(&jws, 1 << 16);
	buf_init(&again, 1 << 16);
	buf_init(&pl, 1 << 16);
	buf_init(&odd, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &jws), ST_OK);
	assert_int_equal(r.exact, 1);
	assert_int_equal(envelope_receipt_build(&r, r.sig, &again), ST_OK);
	assert_int_equal(again.len, jws.len);
	assert_memory_equal(again.p, jws.p, jws.len);
	assert_int_equal(envelope_receipt_open(jws.p, jws.len, ident_pk(bob), ident_kid(alice),
	    &got), ST_OK);
	assert_int_equal(got.exact, 1);
	assert_memory_equal(got.sig, r.sig, IDENT_SIG_LEN);
	assert_int_equal(envelope_receipt_fields(jws.p, jws.len, &got, sig), ST_OK);
	assert_int_equal(got.exact, 1);
	assert_memory_equal(got.sig, sig, IDENT_SIG_LEN);
	/* the same fields, signed as jansson writes them sorted, then with a
	 * space: valid receipts, not the template's bytes */
	assert_int_equal(jws_verify(jws.p, jws.len, ident_pk(bob), ENV_RCPT_TYP, &pl), ST_OK);
	j = json_loadb(pl.p, pl.len, 0, NULL);
	assert_non_null(j);
	for (int k = 0; k < 2; k++) {
		text = json_dumps(j, k ? JSON_SORT_KEYS | JSON_INDENT(1) : JSON_SORT_KEYS |
		    JSON_COMPACT);
		assert_non_null(text);
		buf_reset(&odd);
		assert_int_equal(jws_sign(bob, ENV_RCPT_TYP, text, strlen(text), &odd), ST_OK);
		assert_int_equal(envelope_receipt_open(odd.p, odd.len, ident_pk(bob),
		    ident_kid(alice), &got), ST_OK);
		assert_string_equal(got.id, r.id);
		assert_int_equal(got.exact, 0);
		free(text);
	}
	json_decref(j);
	envelope_message_clear(&m);
	buf_free(&msg);
	buf_free(&jws);
	buf_free(&again);
	buf_free(&pl);
	buf_free(&odd);
}

/* Any character of the signature changed: a bad signature. */
/* A receipt comes back byte for byte from its fields and signature
 * (envelope_receipt_build), and still verifies; bytes the template would
 * not make are refused by envelope_receipt_fields (the store then keeps
 * them whole). */
static void
test_receipt_rebuilt(void **state)
{
	struct message m;
	struct receipt r, fields, got;
	struct buf msg, jws, again, odd;
	uint8_t sig[IDENT_SIG_LEN];

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &msg);
	fill_receipt(&r, ident_kid(alice), &msg);
	buf_init(&jws, 1 << 16);
	buf_init(&again, 1 << 16);
	buf_init(&odd, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &jws), ST_OK);
	assert_int_equal(envelope_receipt_fields(jws.p, jws.len, &fields, sig), ST_OK);
	assert_string_equal(fields.id, r.id);
	assert_string_equal(fields.from, ident_kid(bob));
	assert_string_equal(fields.received_at, r.received_at);
	assert_int_equal(envelope_receipt_build(&fields, sig, &again), ST_OK);
	assert_int_equal(again.len, jws.len);
	assert_memory_equal(again.p, jws.p, jws.len);
	assert_int_equal(envelope_receipt_open(again.p, again.len, ident_pk(bob),
	    ident_kid(alice), &got), ST_OK);
	/* a field changed: it rebuilds, but no longer verifies */
	fields.seq++;
	buf_reset(&again);
	assert_int_equal(envelope_receipt_build(&fields, sig, &again), ST_OK);
	check_rc("rebuilt with another seq", envelope_receipt_open(again.p, again.len,
	    ident_pk(bob), ident_kid(alice), &got), ST_BADSIG);
	/* not the template's bytes: a space in the payload, members reordered,
	 * a truncated signature, not a JWS */
	{
		static const char *const payloads[] = {
			"{\"v\":1, \"id\":\"x\"}",
			"{\"id\":\"0190c1e4-0000-7000-8000-000000000000\",\"v\":1}",
		};

		for (int k = 0; k < 2; k++) {
			buf_reset(&odd);
			assert_int_equal(jws_sign(bob, ENV_RCPT_TYP, payloads[k], strlen(payloads[k]),
			    &odd), ST_OK);
			check_rc("not the template", envelope_receipt_fields(odd.p, odd.len, &fields,
			    sig), ST_PARSE);
		}
	}
	check_rc("truncated", envelope_receipt_fields(jws.p, jws.len - 2, &fields, sig),
	    ST_PARSE);
	check_rc("not a JWS", envelope_receipt_fields("r.e.c", 5, &fields, sig), ST_PARSE);
	envelope_message_clear(&m);
	buf_free(&msg);
	buf_free(&jws);
	buf_free(&again);
	buf_free(&odd);
}

static void
test_forged(void **state)
{
	struct message m, got;
	struct receipt r, rgot;
	struct buf jws, rj;
	struct jws_parts p;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	envelope_message_init(&got, MAX_BODY);
	for (size_t i = (size_t)(p.pay - jws.p); i < jws.len; i++) {
		char keep = jws.p[i];

		if (keep == '.')
			continue;
		jws.p[i] = keep == 'A' ? 'B' : 'A';
		check_rc("message char changed", envelope_message_open(jws.p, jws.len,
		    ident_pk(alice), ident_kid(bob), &got), ST_BADSIG);
		jws.p[i] = keep;
	}
	assert_int_equal(got.body.len, 0);

	fill_receipt(&r, ident_kid(alice), &jws);
	buf_init(&rj, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &rj), ST_OK);
	rj.p[rj.len - 3] = rj.p[rj.len - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(envelope_receipt_open(rj.p, rj.len, ident_pk(bob), ident_kid(alice),
	    &rgot), ST_BADSIG);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
	buf_free(&rj);
}

/* Opened with the pinned key of another sender: refused. */
static void
test_wrong_sender_key(void **state)
{
	struct message m, got;
	struct receipt r, rgot;
	struct buf jws, rj;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(carol), ident_kid(bob),
	    &got), ST_UNKNOWN_KEY);
	fill_receipt(&r, ident_kid(alice), &jws);
	buf_init(&rj, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &rj), ST_OK);
	assert_int_equal(envelope_receipt_open(rj.p, rj.len, ident_pk(carol), ident_kid(alice),
	    &rgot), ST_UNKNOWN_KEY);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
	buf_free(&rj);
}

/* carol signs a message whose payload claims alice sent it: whichever key
 * bob opens it with, it is not alice's message. */
static void
test_impersonation(void **state)
{
	struct message m, got;
	struct buf jws;
	json_t *pl;
	char *text;

	(void)state;
	fill(&m, ident_kid(bob), "wire the money");
	pl = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "v", 1, "id", m.id,
	    "from", ident_kid(alice), "to", ident_kid(bob), "link", m.link, "seq",
	    (json_int_t)m.seq, "type", m.type, "priority", m.priority, "subject", m.subject,
	    "body", buf_str(&m.body), "created_at", m.created_at);
	text = json_dumps(pl, JSON_COMPACT);
	buf_init(&jws, 1 << 16);
	assert_int_equal(jws_sign(carol, ENV_MSG_TYP, text, strlen(text), &jws), ST_OK);
	envelope_message_init(&got, MAX_BODY);
	/* with carol's key the signature holds, but "from" is not carol */
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(carol), ident_kid(bob),
	    &got), ST_UNKNOWN_KEY);
	/* with alice's key the header names carol */
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_UNKNOWN_KEY);
	assert_int_equal(got.body.len, 0);

	/* and carol sealing in her own name is not alice either */
	buf_reset(&jws);
	assert_int_equal(envelope_message_seal(carol, &m, &jws), ST_OK);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_UNKNOWN_KEY);
	free(text);
	json_decref(pl);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
}

/* envelope_message_fields reads what was signed without checking the
 * signature: the same fields as envelope_message_open; anything that is
 * not a message's bytes is refused and nothing handed on. */
static void
test_message_fields(void **state)
{
	struct message m, got;
	struct buf jws;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_fields(jws.p, jws.len, &got), ST_OK);
	assert_string_equal(got.id, m.id);
	assert_string_equal(got.subject, m.subject);
	assert_string_equal(got.link, m.link);
	assert_int_equal(got.seq, m.seq);
	assert_int_equal(got.body.len, m.body.len);
	assert_int_equal(envelope_message_fields(jws.p, jws.len / 2, &got), ST_PARSE);
	assert_int_equal(got.body.len, 0);
	assert_int_equal(envelope_message_fields("a.b.c", 5, &got), ST_PARSE);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
}

/* A statement for another node cannot be replayed to this one. */
static void
test_recipient(void **state)
{
	struct message m, got;
	struct receipt r, rgot;
	struct buf jws, rj;

	(void)state;
	sealed_msg(alice, ident_kid(carol), &m, &jws);
	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_RECIPIENT);
	assert_int_equal(got.body.len, 0);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(carol),
	    &got), ST_OK);

	fill_receipt(&r, ident_kid(carol), &jws);
	buf_init(&rj, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &rj), ST_OK);
	assert_int_equal(envelope_receipt_open(rj.p, rj.len, ident_pk(bob), ident_kid(alice),
	    &rgot), ST_RECIPIENT);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
	buf_free(&rj);
}

/* A body over the receiver's limit: refused, but the other fields are
 * filled so the receiver can refuse that sequence number for good. */
static void
test_body_too_big(void **state)
{
	struct message m, got;
	struct buf jws;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	envelope_message_init(&got, strlen(BODY) - 1);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_TOOBIG);
	assert_string_equal(got.id, m.id);
	assert_int_equal(got.seq, 7);
	assert_string_equal(got.link, "urgent");
	assert_string_equal(got.from, ident_kid(alice));
	assert_string_equal(got.type, "notification");
	assert_string_equal(got.subject, "grid status");
	assert_int_equal(got.body.len, 0);
	envelope_message_clear(&got);

	envelope_message_init(&got, strlen(BODY));	/* exactly the limit */
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_OK);
	assert_string_equal(buf_str(&got.body), BODY);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
}

static void
test_truncated(void **state)
{
	struct message m, got;
	struct receipt r, rgot;
	struct buf jws, rj;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	envelope_message_init(&got, MAX_BODY);
	for (size_t cut = 0; cut < jws.len; cut++)
		if (envelope_message_open(jws.p, cut, ident_pk(alice), ident_kid(bob), &got) ==
		    ST_OK)
			fail_msg("message cut at %zu of %zu opens", cut, jws.len);
	fill_receipt(&r, ident_kid(alice), &jws);
	buf_init(&rj, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bob, &r, &rj), ST_OK);
	for (size_t cut = 0; cut < rj.len; cut++)
		if (envelope_receipt_open(rj.p, cut, ident_pk(bob), ident_kid(alice), &rgot) ==
		    ST_OK)
			fail_msg("receipt cut at %zu of %zu opens", cut, rj.len);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
	buf_free(&rj);
}

/* A receipt is not a message, nor the other way round (typ). */
static void
test_kind_crossed(void **state)
{
	struct message m, got;
	struct receipt r, rgot;
	struct buf jws, rj;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	fill_receipt(&r, ident_kid(bob), &jws);
	buf_init(&rj, 1 << 16);
	assert_int_equal(envelope_receipt_seal(alice, &r, &rj), ST_OK);
	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_open(rj.p, rj.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_INVALID);
	assert_int_equal(envelope_receipt_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &rgot), ST_INVALID);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
	buf_free(&rj);
}

static const struct {
	const char *name;
	const char *id, *link, *type, *priority, *subject, *created_at, *body;
	size_t body_len;	/* 0: strlen(body) */
	int64_t seq;
} bad_msgs[] = {
	{ "not a link name", NULL, "Fax", NULL, NULL, NULL, NULL, NULL, 0, 7 },
	{ "uppercase link", NULL, "URGENT", NULL, NULL, NULL, NULL, NULL, 0, 7 },
	{ "empty link", NULL, "", NULL, NULL, NULL, NULL, NULL, 0, 7 },
	{ "unknown priority", NULL, NULL, NULL, "asap", NULL, NULL, NULL, 0, 7 },
	{ "priority as link", NULL, NULL, NULL, "urgent", NULL, NULL, NULL, 0, 7 },
	{ "type with space", NULL, NULL, "a b", NULL, NULL, NULL, NULL, 0, 7 },
	{ "uppercase type", NULL, NULL, "Notice", NULL, NULL, NULL, NULL, 0, 7 },
	{ "type leading dash", NULL, NULL, "-x", NULL, NULL, NULL, NULL, 0, 7 },
	{ "empty type", NULL, NULL, "", NULL, NULL, NULL, NULL, 0, 7 },
	{ "empty subject", NULL, NULL, NULL, NULL, "", NULL, NULL, 0, 7 },
	{ "seq zero", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 },
	{ "seq negative", NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, -1 },
	{ "id not a uuid", "not-a-uuid", NULL, NULL, NULL, NULL, NULL, NULL, 0, 7 },
	{ "uppercase id", "017F22E2-79B0-7CC3-98C4-DC0C0C07398F", NULL, NULL, NULL, NULL, NULL,
	    NULL, 0, 7 },
	{ "created_at not a time", NULL, NULL, NULL, NULL, NULL, "2026-11-22", NULL, 0, 7 },
	{ "body with NUL", NULL, NULL, NULL, NULL, NULL, NULL, "a\0b", 3, 7 },
};

#define SET(dst, v) do { if (v) snprintf(dst, sizeof dst, "%s", v); } while (0)

static void
test_seal_refuses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_msgs / sizeof bad_msgs[0]; i++) {
		struct message m;
		struct buf jws;

		fill(&m, ident_kid(bob), "x");
		SET(m.id, bad_msgs[i].id);
		SET(m.link, bad_msgs[i].link);
		SET(m.type, bad_msgs[i].type);
		SET(m.priority, bad_msgs[i].priority);
		SET(m.subject, bad_msgs[i].subject);
		SET(m.created_at, bad_msgs[i].created_at);
		if (bad_msgs[i].body) {
			buf_reset(&m.body);
			assert_int_equal(buf_add(&m.body, bad_msgs[i].body, bad_msgs[i].body_len),
			    ST_OK);
		}
		m.seq = bad_msgs[i].seq;
		buf_init(&jws, 1 << 16);
		assert_int_equal(buf_adds(&jws, "keep"), ST_OK);
		check_rc(bad_msgs[i].name, envelope_message_seal(alice, &m, &jws), ST_INVALID);
		assert_string_equal(buf_str(&jws), "keep");
		envelope_message_clear(&m);
		buf_free(&jws);
	}
}

static void
test_receipt_seal_refuses(void **state)
{
	static const struct {
		const char *name, *field, *value;
		int64_t seq;
	} cases[] = {
		{ "id not a uuid", "id", "x", 3 },
		{ "msg not a uuid", "msg", "x", 3 },
		{ "short hash", "msg_sha256", "abcdef", 3 },
		{ "not a link name", "link", "Fax", 3 },
		{ "received_at not a time", "received_at", "now", 3 },
		{ "seq zero", NULL, NULL, 0 },
	};
	struct message m;
	struct buf msg;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &msg);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct receipt r;
		struct buf jws;

		fill_receipt(&r, ident_kid(alice), &msg);
		if (cases[i].field && strcmp(cases[i].field, "id") == 0)
			SET(r.id, cases[i].value);
		if (cases[i].field && strcmp(cases[i].field, "msg") == 0)
			SET(r.msg, cases[i].value);
		if (cases[i].field && strcmp(cases[i].field, "msg_sha256") == 0)
			SET(r.msg_sha256, cases[i].value);
		if (cases[i].field && strcmp(cases[i].field, "link") == 0)
			SET(r.link, cases[i].value);
		if (cases[i].field && strcmp(cases[i].field, "received_at") == 0)
			SET(r.received_at, cases[i].value);
		r.seq = cases[i].seq;
		buf_init(&jws, 1 << 16);
		check_rc(cases[i].name, envelope_receipt_seal(bob, &r, &jws), ST_INVALID);
		assert_int_equal(jws.len, 0);
		buf_free(&jws);
	}
	envelope_message_clear(&m);
	buf_free(&msg);
}

/*
 * Regression test for a bug fixed on 2026-11-22 (src/envelope.c, envelope_message_seal): a body or subject that
 * is not UTF-8 makes json_pack fail, and sealed() reports that as ST_NOMEM
 * ("out of memory"), where the contract says ST_INVALID names a field out of
 * range.  Today's callers check UTF-8 first (cli_send.c; the API input is
 * JSON), so the wrong status is latent.  Fix: check the subject and body with
 * a UTF-8 validator before json_pack and return ST_INVALID (or map a NULL
 * from json_pack to ST_INVALID, since every string there is caller input).
 */
static void
test_seal_non_utf8(void **state)
{
	struct message m;
	struct buf jws;
	status body_rc, subject_rc;

	(void)state;
	fill(&m, ident_kid(bob), "caf\xe9");	/* Latin-1 */
	buf_init(&jws, 1 << 16);
	body_rc = envelope_message_seal(alice, &m, &jws);
	envelope_message_clear(&m);
	fill(&m, ident_kid(bob), "ok");
	snprintf(m.subject, sizeof m.subject, "\xff\xfe");
	subject_rc = envelope_message_seal(alice, &m, &jws);
	envelope_message_clear(&m);
	assert_int_equal(jws.len, 0);
	buf_free(&jws);
	if (body_rc != ST_INVALID || subject_rc != ST_INVALID)
		fail_msg("regression in envelope_message_seal: non-UTF-8 body gives \"%s\", "
		    "subject gives \"%s\", want \"%s\"", status_str(body_rc),
		    status_str(subject_rc), status_str(ST_INVALID));
}

/*
 * Regression test for a bug fixed on 2026-11-22 (src/envelope.c, envelope_receipt_seal): msg_sha256 is checked
 * for length only (strlen == 64), but envelope_receipt_open requires 64
 * lowercase hex digits (hex64), so a node can sign and send a receipt that
 * its peer refuses.  Fix: use hex64(r->msg_sha256) in envelope_receipt_seal.
 */
static void
test_receipt_seal_non_hex(void **state)
{
	static const char *const hashes[] = {
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	};
	int signed_bad = 0;
	struct message m;
	struct buf msg;

	(void)state;
	sealed_msg(alice, ident_kid(bob), &m, &msg);
	for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		struct receipt r, got;
		struct buf jws;
		status sealed_rc;

		fill_receipt(&r, ident_kid(alice), &msg);
		snprintf(r.msg_sha256, sizeof r.msg_sha256, "%s", hashes[i]);
		buf_init(&jws, 1 << 16);
		sealed_rc = envelope_receipt_seal(bob, &r, &jws);
		if (sealed_rc == ST_OK) {
			/* what the peer makes of it */
			assert_int_equal(envelope_receipt_open(jws.p, jws.len, ident_pk(bob),
			    ident_kid(alice), &got), ST_INVALID);
			signed_bad++;
		}
		buf_free(&jws);
	}
	envelope_message_clear(&m);
	buf_free(&msg);
	if (signed_bad)
		fail_msg("regression in envelope_receipt_seal: signed %d receipt(s) with a "
		    "non-hex msg_sha256 that envelope_receipt_open refuses", signed_bad);
}

/* Payloads properly signed by alice, each wrong in one field: the receiver
 * checks the content, not only the signature. */
static const struct {
	const char *name, *key, *json;	/* json NULL: delete key */
	status rc;
} bad_fields[] = {
	{ "as sealed", "subject", "\"grid status\"", ST_OK },
	{ "unknown member ignored", "note", "\"hi\"", ST_OK },
	{ "version 2", "v", "2", ST_INVALID },
	{ "version as string", "v", "\"1\"", ST_INVALID },
	{ "no version", "v", NULL, ST_INVALID },
	{ "seq 0", "seq", "0", ST_INVALID },
	{ "seq negative", "seq", "-5", ST_INVALID },
	{ "seq as string", "seq", "\"7\"", ST_INVALID },
	{ "seq fractional", "seq", "7.5", ST_INVALID },
	{ "no seq", "seq", NULL, ST_INVALID },
	{ "not a link name", "link", "\"fa x\"", ST_INVALID },
	{ "unknown priority", "priority", "\"asap\"", ST_INVALID },
	{ "bad type", "type", "\"Bad Type\"", ST_INVALID },
	{ "empty subject", "subject", "\"\"", ST_INVALID },
	/* \u0000 is refused by the JSON parser itself, before any field check */
	{ "subject with NUL", "subject", "\"a\\u0000b\"", ST_PARSE },
	{ "subject too long", "subject", "@LONG", ST_INVALID },
	{ "id not a uuid", "id", "\"x\"", ST_INVALID },
	{ "created_at not a time", "created_at", "\"2026-11-22T10:00:00+01:00\"", ST_INVALID },
	{ "no body", "body", NULL, ST_INVALID },
	{ "body not a string", "body", "42", ST_INVALID },
	{ "body with NUL", "body", "\"a\\u0000b\"", ST_PARSE },
	{ "from not a string", "from", "1", ST_INVALID },
	{ "no to", "to", NULL, ST_INVALID },
};

static void
test_open_checks_fields(void **state)
{
	struct message m;
	json_t *base;

	(void)state;
	fill(&m, ident_kid(bob), "body");
	memcpy(m.from, ident_kid(alice), IDENT_KID_LEN);
	base = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "v", 1, "id", m.id,
	    "from", m.from, "to", m.to, "link", m.link, "seq", (json_int_t)m.seq, "type",
	    m.type, "priority", m.priority, "subject", m.subject, "body", buf_str(&m.body),
	    "created_at", m.created_at);
	assert_non_null(base);
	for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
		json_t *pl = json_deep_copy(base);
		struct message got;
		struct buf jws;
		char *text;

		if (!bad_fields[i].json)
			json_object_del(pl, bad_fields[i].key);
		else if (strcmp(bad_fields[i].json, "@LONG") == 0) {
			char long_subject[ENV_SUBJECT_MAX + 2];

			memset(long_subject, 's', sizeof long_subject - 1);
			long_subject[sizeof long_subject - 1] = '\0';
			json_object_set_new(pl, bad_fields[i].key, json_string(long_subject));
		} else
			json_object_set_new(pl, bad_fields[i].key,
			    json_loads(bad_fields[i].json, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL));
		text = json_dumps(pl, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_non_null(text);
		buf_init(&jws, 1 << 16);
		assert_int_equal(jws_sign(alice, ENV_MSG_TYP, text, strlen(text), &jws), ST_OK);
		envelope_message_init(&got, MAX_BODY);
		check_rc(bad_fields[i].name, envelope_message_open(jws.p, jws.len,
		    ident_pk(alice), ident_kid(bob), &got), bad_fields[i].rc);
		envelope_message_clear(&got);
		buf_free(&jws);
		free(text);
		json_decref(pl);
	}
	json_decref(base);
	envelope_message_clear(&m);
}

/* Signed payloads that are not JSON objects, or repeat a member. */
static void
test_open_bad_payload(void **state)
{
	static const struct {
		const char *name, *payload;
		status rc;
	} cases[] = {
		{ "not JSON", "hello", ST_PARSE },
		{ "array", "[1]", ST_PARSE },
		{ "empty", "", ST_PARSE },
		{ "duplicate to", "{\"v\":1,\"to\":\"a\",\"to\":\"b\"}", ST_PARSE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct message got;
		struct receipt rgot;
		struct buf jws;

		buf_init(&jws, 4096);
		assert_int_equal(jws_sign(alice, ENV_MSG_TYP, cases[i].payload,
		    strlen(cases[i].payload), &jws), ST_OK);
		envelope_message_init(&got, MAX_BODY);
		check_rc(cases[i].name, envelope_message_open(jws.p, jws.len, ident_pk(alice),
		    ident_kid(bob), &got), cases[i].rc);
		envelope_message_clear(&got);
		buf_reset(&jws);
		assert_int_equal(jws_sign(alice, ENV_RCPT_TYP, cases[i].payload,
		    strlen(cases[i].payload), &jws), ST_OK);
		check_rc(cases[i].name, envelope_receipt_open(jws.p, jws.len, ident_pk(alice),
		    ident_kid(bob), &rgot), cases[i].rc);
		buf_free(&jws);
	}
}

/* sealed_payload - the decoded payload of the JWS in jws, into pl. */
static void
sealed_payload(const struct buf *jws, struct buf *pl)
{
	struct jws_parts parts;

	buf_init(pl, 1 << 16);
	assert_int_equal(jws_split(jws->p, jws->len, &parts), ST_OK);
	assert_int_equal(jws_b64_decode(pl, parts.pay, parts.pay_len), ST_OK);
}

/* same_as_jansson - read pl three ways; the template reader must apply
 * exactly when fixed says, and every reader that applies must agree with
 * jansson (want) on the status and the fields. */
static void
same_as_jansson(const char *name, const char *pl, size_t n, int fixed, status want)
{
	struct message mj, mf, ma;
	struct receipt rj, rf, ra;
	status j, f, a;

	envelope_message_init(&mj, MAX_BODY);
	envelope_message_init(&mf, MAX_BODY);
	envelope_message_init(&ma, MAX_BODY);
	j = envelope_message_payload(pl, n, TMPL_JSON, &mj);
	f = envelope_message_payload(pl, n, TMPL_FIXED, &mf);
	a = envelope_message_payload(pl, n, TMPL_ANY, &ma);
	if (strstr(pl, "\"msg\"")) {	/* a receipt's payload */
		j = envelope_receipt_payload(pl, n, TMPL_JSON, &rj);
		f = envelope_receipt_payload(pl, n, TMPL_FIXED, &rf);
		a = envelope_receipt_payload(pl, n, TMPL_ANY, &ra);
		if (j == ST_OK)
			assert_memory_equal(&ra, &rj, sizeof rj);
		if (j == ST_OK && fixed)
			assert_memory_equal(&rf, &rj, sizeof rj);
	} else if (j == ST_OK) {
		assert_string_equal(ma.id, mj.id);
		assert_int_equal(ma.seq, mj.seq);
		assert_string_equal(ma.subject, mj.subject);
		assert_int_equal(ma.body.len, mj.body.len);
		assert_memory_equal(buf_str(&ma.body), buf_str(&mj.body), mj.body.len);
		if (fixed) {
			assert_string_equal(mf.created_at, mj.created_at);
			assert_memory_equal(buf_str(&mf.body), buf_str(&mj.body), mj.body.len);
		}
	}
	check_rc(name, j, want);
	check_rc(name, a, want);
	if (fixed)
		check_rc(name, f, want);
	else
		check_rc(name, f, ST_PARSE);	/* not the template's: jansson decides */
	envelope_message_clear(&mj);
	envelope_message_clear(&mf);
	envelope_message_clear(&ma);
}

/* The template reader (envelope.c) takes what the templates write and
 * nothing else; where it does not apply, jansson decides; and the answer
 * is the same whichever reads.  Forged, truncated or reordered payloads are
 * refused as jansson refuses them, never accepted differently. */
static void
test_template_reader(void **state)
{
#define ID "\"id\":\"0192f0c2-5b7e-7a41-8f00-0123456789ab\""
#define KIDS "\"from\":\"Ab-_0123456789abcdefghijklmnopqrstuvwxyzABC\"," \
	"\"to\":\"Zz-_0123456789abcdefghijklmnopqrstuvwxyzABC\""
#define MSG(seq, body) "{\"v\":1," ID "," KIDS ",\"link\":\"cert\",\"seq\":" seq \
	",\"type\":\"indicator\",\"priority\":\"routine\",\"subject\":\"s\",\"body\":\"" body \
	"\",\"created_at\":\"2026-11-22T10:00:00.123Z\"}"
#define HASH "\"msg_sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\""
#define RCPT(link) "{\"v\":1,\"id\":\"0192f0c2-5b7e-7a41-8f00-0123456789ac\"," \
	"\"msg\":\"0192f0c2-5b7e-7a41-8f00-0123456789ab\"," HASH "," KIDS ",\"link\":\"" link \
	"\",\"seq\":42,\"received_at\":\"2026-11-22T10:00:01.456Z\"}"
	static const struct {
		const char *name, *pl;
		int fixed;
		status rc;
	} cases[] = {
		{ "message", MSG("42", "plain text, caf\xc3\xa9"), 1, ST_OK },
		{ "message, seq of 18 digits", MSG("999999999999999999", "x"), 1, ST_OK },
		{ "message, seq of 19 digits", MSG("1000000000000000000", "x"), 0, ST_OK },
		{ "message, seq 0", MSG("0", "x"), 0, ST_INVALID },
		{ "message, seq -1", MSG("-1", "x"), 0, ST_INVALID },
		{ "message, seq 042", MSG("042", "x"), 0, ST_PARSE },
		{ "message, seq 4.0", MSG("4.0", "x"), 0, ST_INVALID },
		{ "message, seq a string", MSG("\"4\"", "x"), 0, ST_INVALID },
		{ "message, escaped body", MSG("42", "a\\nb \\\"q\\\""), 0, ST_OK },
		{ "message, \\u escape", MSG("42", "\\u0041"), 0, ST_OK },
		{ "message, NUL escaped (jansson refuses it)", MSG("42", "a\\u0000b"), 0, ST_PARSE },
		{ "message, raw control character", MSG("42", "a\tb"), 0, ST_PARSE },
		{ "message, overlong UTF-8", MSG("42", "\xc0\x80"), 0, ST_PARSE },
		{ "message, surrogate in UTF-8", MSG("42", "\xed\xa0\x80"), 0, ST_PARSE },
		{ "message, cut UTF-8", MSG("42", "\xe2\x9c"), 0, ST_PARSE },
		{ "message, trailing space", MSG("42", "x") " ", 0, ST_OK },
		{ "message, trailing member", MSG("42", "x") ",", 0, ST_PARSE },
		{ "message, v 2", "{\"v\":2," ID "}", 0, ST_INVALID },
		{ "message, v 10", "{\"v\":10," ID "}", 0, ST_INVALID },
		{ "message, space after v", "{\"v\": 1," ID "}", 0, ST_INVALID },
		{ "message, members reordered",
		    "{\"v\":1,\"seq\":42," ID "," KIDS ",\"link\":\"cert\",\"type\":\"indicator\","
		    "\"priority\":\"routine\",\"subject\":\"s\",\"body\":\"x\","
		    "\"created_at\":\"2026-11-22T10:00:00.123Z\"}", 0, ST_OK },
		{ "message, a member twice", "{\"v\":1," ID "," ID "}", 0, ST_PARSE },
		{ "receipt", RCPT("cert"), 1, ST_OK },
		{ "receipt, not a link name", RCPT("No"), 1, ST_INVALID },
		{ "receipt, escaped link", RCPT("c\\u0065rt"), 0, ST_OK },
		{ "receipt, no v", "{\"id\":\"x\",\"msg\":\"y\"}", 0, ST_INVALID },
		{ "not an object", "[\"msg\"]", 0, ST_PARSE },
		{ "empty", "", 0, ST_PARSE },
	};
	struct message m;
	struct receipt r;
	struct buf jws, pl;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		same_as_jansson(cases[i].name, cases[i].pl, strlen(cases[i].pl), cases[i].fixed,
		    cases[i].rc);
	/* every cut of a template's payload: never taken by the reader */
	for (size_t cut = 0; cut < strlen(cases[0].pl); cut++)
		same_as_jansson("message cut", cases[0].pl, cut, 0, ST_PARSE);
	for (size_t cut = 0; cut < strlen(RCPT("cert")); cut++)
		same_as_jansson("receipt cut", RCPT("cert"), cut, 0, ST_PARSE);
	/* what the templates write, the reader takes (a plain body) */
	fill(&m, ident_kid(bob), "plain");
	buf_init(&jws, 1 << 16);
	assert_int_equal(envelope_message_seal(alice, &m, &jws), ST_OK);
	sealed_payload(&jws, &pl);
	same_as_jansson("sealed message", pl.p, pl.len, 1, ST_OK);
	buf_free(&pl);
	fill_receipt(&r, ident_kid(alice), &jws);
	buf_reset(&jws);
	assert_int_equal(envelope_receipt_seal(bob, &r, &jws), ST_OK);
	sealed_payload(&jws, &pl);
	same_as_jansson("sealed receipt", pl.p, pl.len, 1, ST_OK);
	envelope_message_clear(&m);
	buf_free(&pl);
	buf_free(&jws);
#undef ID
#undef KIDS
#undef MSG
#undef HASH
#undef RCPT
}

static void
test_hash(void **state)
{
	char hex[ENV_HASH_HEX];

	(void)state;
	envelope_hash("abc", 3, hex);	/* FIPS 180-2 B.1 */
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	envelope_hash("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	envelope_hash("abd", 3, hex);
	assert_string_not_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_vocabularies(void **state)
{
	/* the standard four, and any other an agreement names */
	static const char *const links_ok[] = { "cert", "urgent", "leaders", "wg", "fax", "wg2",
	    "c", "exercise.2026", "a23456789012345" };
	static const char *const links_bad[] = { "", "Cert", "urgent ", "-x", "a b",
	    "a234567890123456" };
	static const char *const prios_ok[] = { "flash", "immediate", "priority", "routine" };
	static const char *const prios_bad[] = { "", "Flash", "urgent", "low", "routine\n" };
	static const char *const types_ok[] = { "a", "notification", "sitrep.v2", "x_y-z",
	    "0", "a12345678901234567890123456789012345678901234567890123456789012" };
	static const char *const types_bad[] = { "", "-a", ".a", "_a", "A", "a b", "a/b",
	    "a123456789012345678901234567890123456789012345678901234567890123" };

	(void)state;
	for (size_t i = 0; i < sizeof links_ok / sizeof links_ok[0]; i++)
		assert_true(envelope_link_ok(links_ok[i]));
	for (size_t i = 0; i < sizeof links_bad / sizeof links_bad[0]; i++)
		assert_false(envelope_link_ok(links_bad[i]));
	for (size_t i = 0; i < sizeof prios_ok / sizeof prios_ok[0]; i++)
		assert_true(envelope_priority_ok(prios_ok[i]));
	for (size_t i = 0; i < sizeof prios_bad / sizeof prios_bad[0]; i++)
		assert_false(envelope_priority_ok(prios_bad[i]));
	for (size_t i = 0; i < sizeof types_ok / sizeof types_ok[0]; i++)
		assert_true(envelope_type_ok(types_ok[i]));
	for (size_t i = 0; i < sizeof types_bad / sizeof types_bad[0]; i++)
		assert_false(envelope_type_ok(types_bad[i]));
}

/* jansson_str - what jansson's compact dump makes of s[0..n), or NULL when
 * jansson refuses it (not UTF-8). */
static char *
jansson_str(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	return text;
}

/* check_json_str - envelope_json_str agrees with jansson on s[0..n). */
static void
check_json_str(const char *name, const char *s, size_t n)
{
	char *want = jansson_str(s, n);
	struct buf got;
	status rc;

	buf_init(&got, 4096);
	assert_int_equal(buf_adds(&got, "keep"), ST_OK);
	rc = envelope_json_str(&got, s, n);
	if (!want) {
		if (rc != ST_INVALID)
			fail_msg("%s: jansson refuses it, envelope_json_str gives \"%s\"", name,
			    status_str(rc));
		assert_string_equal(buf_str(&got), "keep");
	} else {
		if (rc != ST_OK)
			fail_msg("%s: jansson takes it, envelope_json_str gives \"%s\"", name,
			    status_str(rc));
		if (strcmp(buf_str(&got) + 4, want) != 0)
			fail_msg("%s: got %s, jansson %s", name, buf_str(&got) + 4, want);
	}
	free(want);
	buf_free(&got);
}

/* Payloads are written from templates (envelope.c); their strings must be
 * escaped as jansson escapes them, and refused where jansson refuses. */
static void
test_json_str(void **state)
{
	static const struct {
		const char *name, *s;
		size_t n;	/* 0: strlen(s) */
	} cases[] = {
		{ "plain", "grid status", 0 },
		{ "empty", "", 0 },
		{ "quote and backslash", "a \"b\" \\c\\", 0 },
		{ "short escapes", "\b\f\n\r\t", 0 },
		{ "other controls", "\x01\x1f\x0b", 0 },
		{ "NUL", "a\0b", 3 },
		{ "DEL and slash", "\x7f/</script>", 0 },
		{ "two-byte", "caf\xc3\xa9", 0 },
		{ "three-byte", "\xe2\x9c\x93 \xef\xbf\xbd", 0 },
		{ "four-byte", "\xf0\x9f\x98\x80", 0 },
		{ "U+2028", "\xe2\x80\xa8", 0 },
		{ "max code point", "\xf4\x8f\xbf\xbf", 0 },
		{ "Latin-1", "caf\xe9", 0 },
		{ "stray continuation", "\x80", 0 },
		{ "overlong slash", "\xc0\xaf", 0 },
		{ "overlong three-byte", "\xe0\x80\xaf", 0 },
		{ "overlong four-byte", "\xf0\x80\x80\xaf", 0 },
		{ "surrogate", "\xed\xa0\x80", 0 },
		{ "past U+10FFFF", "\xf4\x90\x80\x80", 0 },
		{ "lead byte F5", "\xf5\x80\x80\x80", 0 },
		{ "truncated", "ok\xe2\x9c", 0 },
		{ "lead then ASCII", "\xc3(", 0 },
		{ "FF", "\xff", 0 },
	};
	uint8_t seed[randombytes_SEEDBYTES] = { 3 };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_json_str(cases[i].name, cases[i].s,
		    cases[i].n ? cases[i].n : strlen(cases[i].s));
	/* random short strings over bytes that matter */
	for (int i = 0; i < 20000; i++) {
		static const uint8_t pick[] = { 'a', '"', '\\', '\n', 0x01, 0x1f, 0x7f, 0x80,
		    0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
		    0x9f, 0xa0, 0x8f, 0x90, 0 };
		uint8_t r[9];
		char s[8];
		size_t n;

		seed[1] = (uint8_t)i, seed[2] = (uint8_t)(i >> 8);
		randombytes_buf_deterministic(r, sizeof r, seed);
		n = r[0] % sizeof s;
		for (size_t k = 0; k < n; k++)
			s[k] = (char)pick[r[k + 1] % sizeof pick];
		check_json_str("random", s, n);
	}
}

/* payload_of - the decoded payload of a JWS. */
static char *
payload_of(const struct buf *jws)
{
	struct jws_parts p;
	struct buf pl;

	assert_int_equal(jws_split(jws->p, jws->len, &p), ST_OK);
	buf_init(&pl, 1 << 16);
	assert_int_equal(b64_url_decode_buf(&pl, p.pay, p.pay_len), ST_OK);
	return buf_take(&pl, NULL);
}

/* The signed payloads are byte for byte what json_pack + json_dumps made
 * before the templates: statements stay the same on the wire. */
static void
test_seal_as_jansson(void **state)
{
	static const char *const bodies[] = { BODY, "", "tab\there \"q\" \\ \x01\x7f",
	    "\xf0\x9f\x98\x80 </b>" };
	struct message m;
	struct receipt r;
	struct buf jws;
	char *got, *want;
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		fill(&m, ident_kid(bob), bodies[i]);
		snprintf(m.subject, sizeof m.subject, "subject %zu: \"%s\"\t\xc3\xa9", i, "x\\y");
		m.seq = (int64_t)1 << (40 + i);
		buf_init(&jws, 1 << 16);
		assert_int_equal(envelope_message_seal(alice, &m, &jws), ST_OK);
		j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s%,s:s}",
		    "v", 1, "id", m.id, "from", m.from, "to", m.to, "link", m.link,
		    "seq", (json_int_t)m.seq, "type", m.type, "priority", m.priority,
		    "subject", m.subject, "body", buf_str(&m.body), m.body.len,
		    "created_at", m.created_at);
		assert_non_null(j);
		want = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		got = payload_of(&jws);
		assert_string_equal(got, want);
		free(got);
		free(want);
		json_decref(j);

		fill_receipt(&r, ident_kid(alice), &jws);
		r.seq = m.seq;
		buf_reset(&jws);
		assert_int_equal(envelope_receipt_seal(bob, &r, &jws), ST_OK);
		j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s}",
		    "v", 1, "id", r.id, "msg", r.msg, "msg_sha256", r.msg_sha256,
		    "from", r.from, "to", r.to, "link", r.link, "seq", (json_int_t)r.seq,
		    "received_at", r.received_at);
		assert_non_null(j);
		want = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		got = payload_of(&jws);
		assert_string_equal(got, want);
		free(got);
		free(want);
		json_decref(j);
		envelope_message_clear(&m);
		buf_free(&jws);
	}
}

/* ---- version 2: the TLP label and the agreement ----------------------- */

#define AGR7 "0192f0c2-5b7e-7a41-8f00-0123456789ab"	/* a UUIDv7 */

/* fill_v2 - fill, with tlp and agreement set (a version 2 message). */
static void
fill_v2(struct message *m, const char *to_kid, const char *body, const char *tlp,
    const char *agreement)
{
	fill(m, to_kid, body);
	snprintf(m->tlp, sizeof m->tlp, "%s", tlp);
	snprintf(m->agreement, sizeof m->agreement, "%s", agreement);
}

/* A version 2 message opens with its label and agreement, and its payload
 * is byte for byte what jansson makes of the members in envelope.h's
 * order; it is still what the template reader takes. */
static void
test_v2_round_trip(void **state)
{
	static const struct {
		const char *tlp, *agreement;
	} cases[] = {
		{ "TLP:AMBER", AGR7 },
		{ "TLP:AMBER+STRICT", ENV_AGREEMENT_LOCAL },
		{ "TLP:CLEAR", AGR7 },
		{ "TLP:RED", ENV_AGREEMENT_LOCAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct message m, got;
		struct buf jws, pl;
		char *text, *want;
		json_t *j;

		fill_v2(&m, ident_kid(bob), BODY, cases[i].tlp, cases[i].agreement);
		buf_init(&jws, 1 << 16);
		assert_int_equal(envelope_message_seal(alice, &m, &jws), ST_OK);
		assert_int_equal(m.v, 2);
		envelope_message_init(&got, MAX_BODY);
		assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice),
		    ident_kid(bob), &got), ST_OK);
		assert_int_equal(got.v, 2);
		assert_string_equal(got.tlp, cases[i].tlp);
		assert_string_equal(got.agreement, cases[i].agreement);
		assert_string_equal(got.id, m.id);
		assert_string_equal(got.subject, m.subject);
		assert_string_equal(buf_str(&got.body), BODY);

		text = payload_of(&jws);
		j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s%,s:s}",
		    "v", 2, "id", m.id, "from", m.from, "to", m.to, "link", m.link,
		    "seq", (json_int_t)m.seq, "type", m.type, "priority", m.priority,
		    "tlp", m.tlp, "agreement", m.agreement, "subject", m.subject,
		    "body", buf_str(&m.body), m.body.len, "created_at", m.created_at);
		assert_non_null(j);
		want = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_string_equal(text, want);
		free(want);
		json_decref(j);
		free(text);

		/* the template reader takes what the template wrote (a plain body) */
		envelope_message_clear(&m);
		fill_v2(&m, ident_kid(bob), "plain", cases[i].tlp, cases[i].agreement);
		buf_reset(&jws);
		assert_int_equal(envelope_message_seal(alice, &m, &jws), ST_OK);
		sealed_payload(&jws, &pl);
		assert_int_equal(envelope_message_payload(pl.p, pl.len, TMPL_FIXED, &got), ST_OK);
		assert_int_equal(got.v, 2);
		assert_string_equal(got.tlp, cases[i].tlp);
		assert_string_equal(got.agreement, cases[i].agreement);
		buf_free(&pl);
		envelope_message_clear(&got);
		envelope_message_clear(&m);
		buf_free(&jws);
	}
}

/* A message with neither label nor agreement is sealed as version 1, as
 * before, and opens as version 1 with both empty, even into a struct that
 * held a version 2 message. */
static void
test_v1_still_opens(void **state)
{
	struct message m, got;
	struct buf jws, v2;
	char *text;

	(void)state;
	fill_v2(&m, ident_kid(bob), BODY, "TLP:RED", AGR7);
	buf_init(&v2, 1 << 16);
	assert_int_equal(envelope_message_seal(alice, &m, &v2), ST_OK);
	envelope_message_clear(&m);
	sealed_msg(alice, ident_kid(bob), &m, &jws);
	assert_int_equal(m.v, 1);
	text = payload_of(&jws);
	assert_true(strncmp(text, "{\"v\":1,", 7) == 0);
	assert_null(strstr(text, "\"tlp\""));
	assert_null(strstr(text, "\"agreement\""));
	free(text);

	envelope_message_init(&got, MAX_BODY);
	assert_int_equal(envelope_message_open(v2.p, v2.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_OK);
	assert_string_equal(got.tlp, "TLP:RED");
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &got), ST_OK);
	assert_int_equal(got.v, 1);
	assert_string_equal(got.tlp, "");
	assert_string_equal(got.agreement, "");
	assert_string_equal(got.id, m.id);
	assert_string_equal(buf_str(&got.body), BODY);
	/* and envelope_message_fields reads it alike */
	assert_int_equal(envelope_message_fields(v2.p, v2.len, &got), ST_OK);
	assert_int_equal(envelope_message_fields(jws.p, jws.len, &got), ST_OK);
	assert_int_equal(got.v, 1);
	assert_string_equal(got.tlp, "");
	assert_string_equal(got.agreement, "");
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&jws);
	buf_free(&v2);
}

/* A label that is not TLP 2.0's, or an agreement that is neither a UUIDv7
 * nor "local": nothing is signed. */
static void
test_v2_seal_refuses(void **state)
{
	static const struct {
		const char *name, *tlp, *agreement;
	} cases[] = {
		{ "TLP 1.0's TLP:WHITE", "TLP:WHITE", AGR7 },
		{ "lowercase label", "tlp:amber", AGR7 },
		{ "label with a space", "TLP:AMBER ", AGR7 },
		{ "label without TLP:", "AMBER", AGR7 },
		{ "no label, an agreement", "", AGR7 },
		{ "agreement not a UUID", "TLP:AMBER", "agreement-1" },
		{ "agreement a UUIDv4", "TLP:AMBER", "0192f0c2-5b7e-4a41-8f00-0123456789ab" },
		{ "agreement of another variant", "TLP:AMBER",
		    "0192f0c2-5b7e-7a41-cf00-0123456789ab" },
		{ "agreement in capitals", "TLP:AMBER", "0192F0C2-5B7E-7A41-8F00-0123456789AB" },
		{ "agreement LOCAL", "TLP:AMBER", "LOCAL" },
		{ "a label, no agreement", "TLP:GREEN", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct message m;
		struct buf jws;

		fill_v2(&m, ident_kid(bob), "x", cases[i].tlp, cases[i].agreement);
		buf_init(&jws, 1 << 16);
		assert_int_equal(buf_adds(&jws, "keep"), ST_OK);
		check_rc(cases[i].name, envelope_message_seal(alice, &m, &jws), ST_INVALID);
		assert_string_equal(buf_str(&jws), "keep");
		envelope_message_clear(&m);
		buf_free(&jws);
	}
}

/* v2_payload - a message payload from alice to bob of version v, with
 * members (the text between "priority" and "subject", its comma last)
 * where version 2 has tlp and agreement. */
static void
v2_payload(struct buf *out, int v, const char *members)
{
	char head[256];

	buf_init(out, 4096);
	snprintf(head, sizeof head, "{\"v\":%d,\"id\":\"0192f0c2-5b7e-7a41-8f00-0000000000aa\","
	    "\"from\":\"%s\",\"to\":\"%s\",", v, ident_kid(alice), ident_kid(bob));
	assert_int_equal(buf_adds(out, head), ST_OK);
	assert_int_equal(buf_adds(out, "\"link\":\"cert\",\"seq\":42,\"type\":\"indicator\","
	    "\"priority\":\"routine\","), ST_OK);
	assert_int_equal(buf_adds(out, members), ST_OK);
	assert_int_equal(buf_adds(out, "\"subject\":\"s\",\"body\":\"b\","
	    "\"created_at\":\"2026-11-22T10:00:00.123Z\"}"), ST_OK);
}

/* read_as - read pl as how; the status, and on ST_OK the version, label and
 * agreement, must be what the case wants. */
static void
read_as(const char *name, const char *how_name, status got, const struct message *m,
    status want, int v, const char *tlp, const char *agreement)
{
	if (got != want)
		fail_msg("%s (%s): got \"%s\", want \"%s\"", name, how_name, status_str(got),
		    status_str(want));
	if (got == ST_OK && (m->v != v || strcmp(m->tlp, tlp) != 0 ||
	    strcmp(m->agreement, agreement) != 0))
		fail_msg("%s (%s): read as v%d \"%s\" \"%s\", want v%d \"%s\" \"%s\"", name,
		    how_name, m->v, m->tlp, m->agreement, v, tlp, agreement);
}

/* Version 2 payloads, right and wrong in tlp and agreement, read by the
 * template reader (where it applies: fixed), by jansson, by the daemon's
 * way, and signed and opened: the same answer and the same fields each
 * way.  A version 1 payload carrying a stray tlp or agreement is version 1,
 * both empty: the template reader leaves it to jansson (it is not the
 * template's text), which ignores them. */
static void
test_v2_payloads(void **state)
{
#define A7 "\"" AGR7 "\""
	static const struct {
		const char *name;
		int v;
		const char *members;
		int fixed;
		status want;
		const char *tlp, *agreement;	/* read on ST_OK */
	} cases[] = {
		{ "as the template writes it", 2, "\"tlp\":\"TLP:AMBER\",\"agreement\":" A7 ",", 1,
		    ST_OK, "TLP:AMBER", AGR7 },
		{ "local, AMBER+STRICT", 2, "\"tlp\":\"TLP:AMBER+STRICT\",\"agreement\":\"local\",",
		    1, ST_OK, "TLP:AMBER+STRICT", "local" },
		{ "label escaped", 2, "\"tlp\":\"TLP:AMBER\\u002bSTRICT\",\"agreement\":\"local\",",
		    0, ST_OK, "TLP:AMBER+STRICT", "local" },
		{ "agreement escaped", 2, "\"tlp\":\"TLP:RED\",\"agreement\":\"l\\u006fcal\",", 0,
		    ST_OK, "TLP:RED", "local" },
		{ "the two swapped", 2, "\"agreement\":" A7 ",\"tlp\":\"TLP:GREEN\",", 0, ST_OK,
		    "TLP:GREEN", AGR7 },
		/* missing */
		{ "no tlp", 2, "\"agreement\":" A7 ",", 0, ST_INVALID, NULL, NULL },
		{ "no agreement", 2, "\"tlp\":\"TLP:RED\",", 0, ST_INVALID, NULL, NULL },
		{ "neither", 2, "", 0, ST_INVALID, NULL, NULL },
		/* the label wrong */
		{ "TLP:WHITE", 2, "\"tlp\":\"TLP:WHITE\",\"agreement\":" A7 ",", 1, ST_INVALID,
		    NULL, NULL },
		{ "tlp:amber", 2, "\"tlp\":\"tlp:amber\",\"agreement\":" A7 ",", 1, ST_INVALID,
		    NULL, NULL },
		{ "label empty", 2, "\"tlp\":\"\",\"agreement\":" A7 ",", 1, ST_INVALID, NULL,
		    NULL },
		{ "label too long", 2, "\"tlp\":\"TLP:AMBER+STRICTX\",\"agreement\":" A7 ",", 1,
		    ST_INVALID, NULL, NULL },
		{ "label a number", 2, "\"tlp\":2,\"agreement\":" A7 ",", 0, ST_INVALID, NULL,
		    NULL },
		{ "label null", 2, "\"tlp\":null,\"agreement\":" A7 ",", 0, ST_INVALID, NULL,
		    NULL },
		{ "label with NUL (jansson refuses it)", 2,
		    "\"tlp\":\"TLP:RED\\u0000\",\"agreement\":" A7 ",", 0, ST_PARSE, NULL, NULL },
		{ "tlp twice", 2, "\"tlp\":\"TLP:RED\",\"tlp\":\"TLP:CLEAR\",\"agreement\":" A7 ",",
		    0, ST_PARSE, NULL, NULL },
		/* the agreement wrong */
		{ "agreement LOCAL", 2, "\"tlp\":\"TLP:RED\",\"agreement\":\"LOCAL\",", 1,
		    ST_INVALID, NULL, NULL },
		{ "agreement empty", 2, "\"tlp\":\"TLP:RED\",\"agreement\":\"\",", 1, ST_INVALID,
		    NULL, NULL },
		{ "agreement a UUIDv4", 2, "\"tlp\":\"TLP:RED\","
		    "\"agreement\":\"0192f0c2-5b7e-4a41-8f00-0123456789ab\",", 1, ST_INVALID, NULL,
		    NULL },
		{ "agreement in capitals", 2, "\"tlp\":\"TLP:RED\","
		    "\"agreement\":\"0192F0C2-5B7E-7A41-8F00-0123456789AB\",", 1, ST_INVALID, NULL,
		    NULL },
		{ "agreement too long", 2, "\"tlp\":\"TLP:RED\",\"agreement\":\"" AGR7 "0\",", 1,
		    ST_INVALID, NULL, NULL },
		{ "agreement an object", 2, "\"tlp\":\"TLP:RED\",\"agreement\":{},", 0,
		    ST_INVALID, NULL, NULL },
		/* version 1 with stray members; version 3 */
		{ "v1, a stray tlp", 1, "\"tlp\":\"TLP:RED\",", 0, ST_OK, "", "" },
		{ "v1, stray tlp and agreement", 1, "\"tlp\":\"TLP:RED\",\"agreement\":" A7 ",", 0,
		    ST_OK, "", "" },
		{ "v1, a stray label not TLP 2.0's", 1, "\"tlp\":\"TLP:WHITE\",", 0, ST_OK, "",
		    "" },
		{ "v1 as the template writes it", 1, "", 1, ST_OK, "", "" },
		{ "v3", 3, "\"tlp\":\"TLP:RED\",\"agreement\":" A7 ",", 0, ST_INVALID, NULL, NULL },
	};
#undef A7

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *name = cases[i].name;
		struct message mj, mf, ma, mo;
		struct buf pl, jws;
		status j, f, a;

		v2_payload(&pl, cases[i].v, cases[i].members);
		envelope_message_init(&mj, MAX_BODY);
		envelope_message_init(&mf, MAX_BODY);
		envelope_message_init(&ma, MAX_BODY);
		envelope_message_init(&mo, MAX_BODY);
		j = envelope_message_payload(pl.p, pl.len, TMPL_JSON, &mj);
		f = envelope_message_payload(pl.p, pl.len, TMPL_FIXED, &mf);
		a = envelope_message_payload(pl.p, pl.len, TMPL_ANY, &ma);
		read_as(name, "jansson", j, &mj, cases[i].want, cases[i].v, cases[i].tlp,
		    cases[i].agreement);
		read_as(name, "any", a, &ma, cases[i].want, cases[i].v, cases[i].tlp,
		    cases[i].agreement);
		if (cases[i].fixed)
			read_as(name, "template", f, &mf, cases[i].want, cases[i].v, cases[i].tlp,
			    cases[i].agreement);
		else	/* not the template's text: left to jansson */
			read_as(name, "template", f, &mf, ST_PARSE, 0, NULL, NULL);
		buf_init(&jws, 1 << 16);
		assert_int_equal(jws_sign(alice, ENV_MSG_TYP, pl.p, pl.len, &jws), ST_OK);
		read_as(name, "open", envelope_message_open(jws.p, jws.len, ident_pk(alice),
		    ident_kid(bob), &mo), &mo, cases[i].want, cases[i].v, cases[i].tlp,
		    cases[i].agreement);
		envelope_message_clear(&mj);
		envelope_message_clear(&mf);
		envelope_message_clear(&ma);
		envelope_message_clear(&mo);
		buf_free(&pl);
		buf_free(&jws);
	}
}

/* envelope_message_fields reads version 2 as signed: label, agreement and
 * the rest, the same as envelope_message_open. */
static void
test_v2_fields(void **state)
{
	struct message m, got, opened;
	struct buf jws;

	(void)state;
	fill_v2(&m, ident_kid(bob), BODY, "TLP:AMBER+STRICT", AGR7);
	buf_init(&jws, 1 << 16);
	assert_int_equal(envelope_message_seal(alice, &m, &jws), ST_OK);
	envelope_message_init(&got, MAX_BODY);
	envelope_message_init(&opened, MAX_BODY);
	assert_int_equal(envelope_message_fields(jws.p, jws.len, &got), ST_OK);
	assert_int_equal(envelope_message_open(jws.p, jws.len, ident_pk(alice), ident_kid(bob),
	    &opened), ST_OK);
	assert_int_equal(got.v, 2);
	assert_string_equal(got.tlp, "TLP:AMBER+STRICT");
	assert_string_equal(got.agreement, AGR7);
	assert_string_equal(got.id, opened.id);
	assert_string_equal(got.from, opened.from);
	assert_string_equal(got.to, opened.to);
	assert_string_equal(got.link, opened.link);
	assert_int_equal(got.seq, opened.seq);
	assert_string_equal(got.type, opened.type);
	assert_string_equal(got.priority, opened.priority);
	assert_string_equal(got.subject, opened.subject);
	assert_string_equal(got.created_at, opened.created_at);
	assert_int_equal(got.body.len, opened.body.len);
	assert_memory_equal(buf_str(&got.body), buf_str(&opened.body), got.body.len);
	/* cut: refused, nothing handed on */
	assert_int_equal(envelope_message_fields(jws.p, jws.len / 2, &got), ST_PARSE);
	assert_int_equal(got.body.len, 0);
	envelope_message_clear(&got);
	envelope_message_clear(&opened);
	envelope_message_clear(&m);
	buf_free(&jws);
}

#undef AGR7

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	alice = testkey();
	bob = testkey();
	carol = testkey();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	ident_free(carol);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_round_trip),
		cmocka_unit_test(test_message_empty_body),
		cmocka_unit_test(test_receipt_round_trip),
		cmocka_unit_test(test_receipt_rebuilt),
		cmocka_unit_test(test_receipt_exact),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_wrong_sender_key),
		cmocka_unit_test(test_impersonation),
		cmocka_unit_test(test_recipient),
		cmocka_unit_test(test_message_fields),
		cmocka_unit_test(test_body_too_big),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_kind_crossed),
		cmocka_unit_test(test_seal_refuses),
		cmocka_unit_test(test_receipt_seal_refuses),
		cmocka_unit_test(test_seal_non_utf8),
		cmocka_unit_test(test_receipt_seal_non_hex),
		cmocka_unit_test(test_open_checks_fields),
		cmocka_unit_test(test_open_bad_payload),
		cmocka_unit_test(test_template_reader),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_vocabularies),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_seal_as_jansson),
		cmocka_unit_test(test_v2_round_trip),
		cmocka_unit_test(test_v1_still_opens),
		cmocka_unit_test(test_v2_seal_refuses),
		cmocka_unit_test(test_v2_payloads),
		cmocka_unit_test(test_v2_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
