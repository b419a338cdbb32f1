/* test_forkproof.c - fork proofs built from real statements: alpha signs
 * two different messages to bravo for one (link, seq), bravo signs two
 * different receipts for one message of alpha's, alpha signs two
 * checkpoints of its log of one size with different roots.  Each proves
 * the fork with the signer's card alone, and is described as FORK PROVEN;
 * a statement that proves nothing (another signer, the same bytes twice,
 * other links, numbers, recipients or messages, another log, two sizes)
 * and a proof that is not one (wrong type or version, not JSON, cut
 * short, members repeated, statements missing) are each refused with their
 * own status and their own reason. */
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

#include "crypto/jws.h"
#include "fmt/card.h"
#include "fmt/ckpt.h"
#include "fmt/envelope.h"
#include "fmt/forkproof.h"
#include "fmt/note.h"
#include "node/config.h"
#include "testkeys.h"

#define PREFIX "{\"type\":\"parley-fork\",\"v\":1,\"kind\":\""
#define W_MSG_SAME "the two statements are the same"
#define W_MSG1_SIG "the first message does not verify with the card's key"
#define W_MSG2_SIG "the second message does not verify with the card's key"
#define W_MSG_TO "the two messages are to different recipients"
#define W_MSG_SEQ "the two messages are for different links or sequence numbers"
#define W_MSG1_NOT "the first statement is not a message"
#define W_RC1_NOT "the first statement is not a receipt as parley signs them"
#define W_RC1_SIG "the first receipt does not verify with the card's key"
#define W_RC2_SIG "the second receipt does not verify with the card's key"
#define W_RC_TO "the two receipts are to different parties"
#define W_RC_MSG "the two receipts are for different messages"
#define W_CK1_SIG "the first checkpoint is not signed by the card's key"
#define W_CK2_SIG "the second checkpoint is not signed by the card's key"
#define W_CK_ORIGIN "a checkpoint is not of the card's log"
#define W_CK_AGREE "the two checkpoints agree"
#define W_SHAPE "not a parley fork proof (type parley-fork, v 1)"
#define W_STMTS "a fork proof needs a known kind and two statements"

/* ---- the parties ---- */

struct side {
	const char *name;
	struct ident *id;
	struct card card;
};

static struct side alpha = { .name = "alpha" };
static struct side bravo = { .name = "bravo" };
static struct side carol = { .name = "carol" };	/* a third party */

static void
make_side(struct side *s)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct buf text;

	s->id = testkey();
	buf_init(&text, CARD_MAX_BYTES);
	if (card_make(s->id, s->name, eps, 1, "2026-11-01T09:00:00.000Z", &text) != ST_OK ||
	    card_parse(text.p, text.len, &s->card) != ST_OK)
		abort();
	buf_free(&text);
}

/* ---- statements ---- */

/* A statement as signed, with the id it carries (messages, receipts). */
struct stmt {
	struct buf text;
	char id[STAMP_UUID_LEN];
};

static void
stmt_free(struct stmt *s)
{
	buf_free(&s->text);
}

/* msg_sized - by signs a message to to_kid for (link, seq) with subject;
 * its body is a line of text, or body_len bytes of it when not 0. */
static void
msg_sized(const struct side *by, const char *to_kid, const char *link, int64_t seq,
    const char *subject, size_t body_len, struct stmt *out)
{
	struct message m;

	envelope_message_init(&m, body_len + 4096);
	stamp_uuid7(m.id);
	snprintf(m.to, sizeof m.to, "%s", to_kid);
	snprintf(m.link, sizeof m.link, "%s", link);
	m.seq = seq;
	snprintf(m.type, sizeof m.type, "incident-notification");
	snprintf(m.priority, sizeof m.priority, "flash");
	snprintf(m.subject, sizeof m.subject, "%s", subject);
	snprintf(m.created_at, sizeof m.created_at, "2026-11-18T11:05:00.000Z");
	if (body_len) {
		char *at;

		assert_int_equal(buf_extend(&m.body, body_len, &at), ST_OK);
		memset(at, 'x', body_len);
	} else
		assert_int_equal(buf_adds(&m.body, "Substation 4 is down.\n"), ST_OK);
	buf_init(&out->text, 2 * body_len + (1 << 16));
	assert_int_equal(envelope_message_seal(by->id, &m, &out->text), ST_OK);
	memcpy(out->id, m.id, sizeof out->id);
	envelope_message_clear(&m);
}

static void
msg(const struct side *by, const char *to_kid, const char *link, int64_t seq,
    const char *subject, struct stmt *out)
{
	msg_sized(by, to_kid, link, seq, subject, 0, out);
}

/* rcpt - by signs a receipt to to_kid for message msg_id (whose bytes hash
 * to the SHA-256 of hashed) on (link, seq). */
static void
rcpt(const struct side *by, const char *to_kid, const char *msg_id, const char *hashed,
    const char *link, int64_t seq, struct stmt *out)
{
	struct receipt r;

	memset(&r, 0, sizeof r);
	stamp_uuid7(r.id);
	snprintf(r.msg, sizeof r.msg, "%s", msg_id);
	envelope_hash(hashed, strlen(hashed), r.msg_sha256);
	snprintf(r.to, sizeof r.to, "%s", to_kid);
	snprintf(r.link, sizeof r.link, "%s", link);
	r.seq = seq;
	snprintf(r.received_at, sizeof r.received_at, "2026-11-18T11:05:01.250Z");
	buf_init(&out->text, 1 << 16);
	assert_int_equal(envelope_receipt_seal(by->id, &r, &out->text), ST_OK);
	memcpy(out->id, r.id, sizeof out->id);
}

/* ckpt - by signs, under the key name name, a checkpoint of origin at size
 * whose root is 32 bytes of fill (a log's root is a hash: any 32 bytes do
 * for a fork, which never looks inside the tree). */
static void
ckpt(const struct side *by, const char *name, const char *origin, uint64_t size,
    uint8_t fill, struct stmt *out)
{
	struct ckpt c;
	struct buf text;

	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", origin);
	c.size = size;
	memset(c.root, fill, sizeof c.root);
	buf_init(&text, 4096);
	assert_int_equal(ckpt_format(&c, &text), ST_OK);
	buf_init(&out->text, NOTE_MAX);
	assert_int_equal(note_sign(by->id, name, text.p, text.len, &out->text), ST_OK);
	out->id[0] = '\0';
	buf_free(&text);
}

/* alpha's own checkpoint at size with root fill. */
static void
alpha_ckpt(uint64_t size, uint8_t fill, struct stmt *out)
{
	ckpt(&alpha, alpha.card.origin, alpha.card.origin, size, fill, out);
}

/* cosign - by adds its cosignature line to the signed note s. */
static void
cosign(const struct side *by, struct stmt *s)
{
	size_t text_len;

	assert_int_equal(note_split(s->text.p, s->text.len, &text_len), ST_OK);
	assert_int_equal(note_cosign(by->id, by->card.origin, s->text.p, text_len, 1795000000u,
	    &s->text), ST_OK);
}

/* flip - change text[i] to another base64url character. */
static void
flip(struct buf *b, size_t i)
{
	assert_true(i < b->len);
	b->p[i] = b->p[i] == 'A' ? 'B' : 'A';
}

/* sig_mid - the offset of a character in the middle of a JWS's signature. */
static size_t
sig_mid(const struct buf *jws)
{
	struct jws_parts p;

	assert_int_equal(jws_split(jws->p, jws->len, &p), ST_OK);
	return (size_t)(p.sig - jws->p) + p.sig_len / 2;
}

/* proof - the fork proof of kind over a and b, into out (made here). */
static void
proof(const char *kind, const struct buf *a, const struct buf *b, struct buf *out)
{
	buf_init(out, FORKPROOF_MAX);
	assert_int_equal(forkproof_make(kind, buf_str(a), buf_str(b), out), ST_OK);
}

static void
expect(const char *name, status rc, const char *why, status want_rc, const char *want_why)
{
	if (rc != want_rc)
		fail_msg("%s: got \"%s\" (%s), want \"%s\" (%s)", name, status_str(rc),
		    why ? why : "no reason", status_str(want_rc), want_why ? want_why : "no reason");
	if ((why == NULL) != (want_why == NULL) || (why && strcmp(why, want_why) != 0))
		fail_msg("%s: reason \"%s\", want \"%s\"", name, why ? why : "(none)",
		    want_why ? want_why : "(none)");
}

/* check_text - verify text[0..n) with card; expect want_rc and want_why. */
static void
check_text(const char *name, const char *text, size_t n, const struct card *card,
    status want_rc, const char *want_why)
{
	struct forkproof_report r;
	const char *why = "unset";
	status rc = forkproof_verify(text, n, card, &r, &why);

	expect(name, rc, why, want_rc, want_why);
}

/* check_pair - the proof of kind over (a, b), verified with card. */
static void
check_pair(const char *name, const char *kind, const struct buf *a, const struct buf *b,
    const struct card *card, status want_rc, const char *want_why)
{
	struct buf p;

	proof(kind, a, b, &p);
	check_text(name, p.p, p.len, card, want_rc, want_why);
	buf_free(&p);
}

/* describe - forkproof_describe of r as a string (static storage). */
static const char *
describe(const struct forkproof_report *r)
{
	static char text[2048];
	struct buf out;

	buf_init(&out, sizeof text - 1);
	assert_int_equal(forkproof_describe(r, &out), ST_OK);
	snprintf(text, sizeof text, "%s", buf_str(&out));
	buf_free(&out);
	return text;
}

/* ---- messages ---- */

static void
test_message_proven(void **state)
{
	struct stmt a, b;
	struct buf p;
	struct forkproof_report r;
	const char *why = "unset", *text;
	char line[512];

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
	proof("message", &a.text, &b.text, &p);
	assert_int_equal(forkproof_verify(p.p, p.len, &alpha.card, &r, &why), ST_OK);
	assert_null(why);
	assert_ptr_equal(r.signer, &alpha.card);
	assert_string_equal(r.kind, "message");
	assert_string_equal(r.to, bravo.card.kid);
	assert_string_equal(r.link, "urgent");
	assert_int_equal(r.seq, 3);
	assert_string_equal(r.ids[0], a.id);
	assert_string_equal(r.ids[1], b.id);

	text = describe(&r);
	assert_int_equal(strncmp(text, "FORK PROVEN: ", 13), 0);
	snprintf(line, sizeof line, "alpha (key %s) signed two different messages to %s for"
	    " link urgent, seq 3:\n", alpha.card.kid, bravo.card.kid);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof line, "  message %s\n  message %s\n", a.id, b.id);
	assert_non_null(strstr(text, line));

	/* the other order proves it too, the ids in that order */
	buf_free(&p);
	proof("message", &b.text, &a.text, &p);
	assert_int_equal(forkproof_verify(p.p, p.len, &alpha.card, &r, &why), ST_OK);
	assert_null(why);
	assert_string_equal(r.ids[0], b.id);
	assert_string_equal(r.ids[1], a.id);

	/* without the final newline (JSON whitespace) it still holds */
	check_text("without the newline", p.p, p.len - 1, &alpha.card, ST_OK, NULL);
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* Two messages as large as a node takes by default (max_body 1 MiB): their
 * proof is over 2 MB, and it proves the fork as a small one does. */
static void
test_message_large(void **state)
{
	struct stmt a, b;
	struct buf p;
	struct forkproof_report r;
	const char *why = "unset";

	(void)state;
	msg_sized(&alpha, bravo.card.kid, "urgent", 3, "grid status", CONFIG_MAX_BODY_DEFAULT, &a);
	msg_sized(&alpha, bravo.card.kid, "urgent", 3, "all clear", CONFIG_MAX_BODY_DEFAULT, &b);
	proof("message", &a.text, &b.text, &p);
	assert_true(p.len > 2 * CONFIG_MAX_BODY_DEFAULT);
	assert_int_equal(forkproof_verify(p.p, p.len, &alpha.card, &r, &why), ST_OK);
	assert_null(why);
	assert_string_equal(r.ids[0], a.id);
	assert_string_equal(r.ids[1], b.id);
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* The proof is one line of JSON, members in the order forkproof.h gives,
 * the two statements verbatim. */
static void
test_make_shape(void **state)
{
	struct stmt a, b;
	struct buf p;
	json_t *j, *st;

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
	proof("message", &a.text, &b.text, &p);
	assert_int_equal(p.p[p.len - 1], '\n');
	assert_ptr_equal(memchr(p.p, '\n', p.len), p.p + p.len - 1);
	assert_int_equal(strncmp(p.p, PREFIX "message\",\"statements\":[",
	    strlen(PREFIX "message\",\"statements\":[")), 0);
	j = json_loadb(p.p, p.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 4);
	st = json_object_get(j, "statements");
	assert_int_equal(json_array_size(st), 2);
	assert_string_equal(json_string_value(json_array_get(st, 0)), buf_str(&a.text));
	assert_string_equal(json_string_value(json_array_get(st, 1)), buf_str(&b.text));
	json_decref(j);
	assert_int_equal(forkproof_is(p.p, p.len), 1);
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* What JSON cannot carry back unchanged, or an unknown kind, is refused
 * with out untouched. */
static void
test_make_refuses(void **state)
{
	struct buf out;

	(void)state;
	buf_init(&out, 4096);
	assert_int_equal(buf_adds(&out, "keep"), ST_OK);
	assert_int_equal(forkproof_make("tree", "a", "b", &out), ST_INVALID);
	assert_int_equal(forkproof_make("", "a", "b", &out), ST_INVALID);
	assert_int_equal(forkproof_make(NULL, "a", "b", &out), ST_INVALID);
	assert_int_equal(forkproof_make("message", "caf\xe9", "b", &out), ST_INVALID);
	assert_int_equal(forkproof_make("receipt", "a", "\xff", &out), ST_INVALID);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

static void
test_message_refused(void **state)
{
	enum { OK_PAIR, SAME, SIG1, SIG2, SEQ, LINK, TO, BY_CAROL, RCPT2, RCPT1, MSG_AS_RCPT,
	    MSG_AS_CKPT };
	static const struct {
		const char *name;
		int how;
		const struct side *card;
		status rc;
		const char *why;
	} cases[] = {
		{ "the recipient's card, not the signer's", OK_PAIR, &bravo, ST_UNKNOWN_KEY,
		  W_MSG1_SIG },
		{ "a third party's card", OK_PAIR, &carol, ST_UNKNOWN_KEY, W_MSG1_SIG },
		{ "the same message twice", SAME, &alpha, ST_INVALID, W_MSG_SAME },
		{ "first signature altered", SIG1, &alpha, ST_BADSIG, W_MSG1_SIG },
		{ "second signature altered", SIG2, &alpha, ST_BADSIG, W_MSG2_SIG },
		{ "different sequence numbers", SEQ, &alpha, ST_INVALID, W_MSG_SEQ },
		{ "different links", LINK, &alpha, ST_INVALID, W_MSG_SEQ },
		{ "different recipients", TO, &alpha, ST_INVALID, W_MSG_TO },
		{ "the second signed by a third party", BY_CAROL, &alpha, ST_UNKNOWN_KEY,
		  W_MSG2_SIG },
		{ "a message and a receipt", RCPT2, &alpha, ST_INVALID,
		  "the second statement is not a message" },
		{ "a receipt and a message", RCPT1, &alpha, ST_PARSE, W_MSG1_NOT },
		{ "two messages as kind receipt", MSG_AS_RCPT, &alpha, ST_PARSE, W_RC1_NOT },
		{ "two messages as kind checkpoint", MSG_AS_CKPT, &alpha, ST_PARSE,
		  "the first statement is not a checkpoint" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct stmt a, b;
		const char *kind = "message";

		msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
		switch (cases[i].how) {
		case SEQ:
			msg(&alpha, bravo.card.kid, "urgent", 4, "all clear", &b);
			break;
		case LINK:
			msg(&alpha, bravo.card.kid, "cert", 3, "all clear", &b);
			break;
		case TO:
			msg(&alpha, carol.card.kid, "urgent", 3, "all clear", &b);
			break;
		case BY_CAROL:
			msg(&carol, bravo.card.kid, "urgent", 3, "all clear", &b);
			break;
		case RCPT1:
		case RCPT2:
			/* alpha's receipt of one of bravo's messages */
			rcpt(&alpha, bravo.card.kid, a.id, "x", "urgent", 3, &b);
			if (cases[i].how == RCPT1) {
				struct buf t = a.text;

				a.text = b.text;
				b.text = t;
			}
			break;
		default:
			msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
			break;
		}
		if (cases[i].how == SAME) {
			buf_reset(&b.text);
			assert_int_equal(buf_add(&b.text, a.text.p, a.text.len), ST_OK);
		}
		if (cases[i].how == SIG1)
			flip(&a.text, sig_mid(&a.text));
		if (cases[i].how == SIG2)
			flip(&b.text, sig_mid(&b.text));
		if (cases[i].how == MSG_AS_RCPT)
			kind = "receipt";
		if (cases[i].how == MSG_AS_CKPT)
			kind = "checkpoint";
		check_pair(cases[i].name, kind, &a.text, &b.text, &cases[i].card->card,
		    cases[i].rc, cases[i].why);
		stmt_free(&a);
		stmt_free(&b);
	}
}

/* The last character of a signature carries 2 bits of it and 4 bits of
 * padding: with padding bits set, the bytes differ but a lax decoder gives
 * the same signature.  Were that
 * accepted, anyone could make a "second" statement from one honest one. */
static void
test_message_noncanonical(void **state)
{
	struct stmt a;
	struct buf b;
	char *last;

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	buf_init(&b, 1 << 16);
	assert_int_equal(buf_add(&b, a.text.p, a.text.len), ST_OK);
	last = b.p + b.len - 1;	/* 64 bytes: 86 characters, the last holds 4 bits */
	assert_true(*last == 'A' || *last == 'Q' || *last == 'g' || *last == 'w');
	*last = (char)(*last + 1);
	check_pair("the same message, signature padding bits set", "message", &a.text, &b,
	    &alpha.card, ST_BADSIG, W_MSG2_SIG);
	buf_free(&b);
	stmt_free(&a);
}

/* Changing any one byte of a good proof never yields a proof that
 * verifies, and always names a reason. */
static void
test_every_byte(void **state)
{
	struct stmt a, b;
	struct buf p;

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
	proof("message", &a.text, &b.text, &p);
	for (size_t i = 0; i < p.len; i++) {
		struct forkproof_report r;
		const char *why = NULL;
		char keep = p.p[i];
		status rc;

		p.p[i] = (char)(keep ^ 1);
		rc = forkproof_verify(p.p, p.len, &alpha.card, &r, &why);
		if (rc == ST_OK || !why)
			fail_msg("byte %zu of %zu changed: %s, %s", i, p.len, status_str(rc),
			    why ? why : "no reason");
		p.p[i] = keep;
	}
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* Cut short anywhere, a proof is not one; a copy of exactly cut bytes, so
 * that ASan sees any read past it. */
static void
test_truncated(void **state)
{
	struct stmt a, b;
	struct buf p;

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
	proof("message", &a.text, &b.text, &p);
	for (size_t cut = 0; cut + 1 < p.len; cut++) {
		struct forkproof_report r;
		const char *why = NULL;
		char *t = malloc(cut ? cut : 1);
		status rc;

		assert_non_null(t);
		memcpy(t, p.p, cut);
		rc = forkproof_verify(t, cut, &alpha.card, &r, &why);
		if (rc != ST_PARSE || !why || strcmp(why, W_SHAPE) != 0)
			fail_msg("cut at %zu of %zu: %s, %s", cut, p.len, status_str(rc),
			    why ? why : "no reason");
		if (forkproof_is(t, cut))
			fail_msg("cut at %zu of %zu: still sniffed as a fork proof", cut, p.len);
		free(t);
	}
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* ---- the proof's own fields ---- */

/* Edited as JSON, the statements left good. */
static void
test_proof_fields(void **state)
{
	static const struct {
		const char *name, *key, *json;	/* json NULL: delete key */
		status rc;
		const char *why;
	} cases[] = {
		{ "unknown member ignored", "note", "\"hello\"", ST_OK, NULL },
		{ "wrong type", "type", "\"parley-evidence\"", ST_PARSE, W_SHAPE },
		{ "type not a string", "type", "1", ST_PARSE, W_SHAPE },
		{ "no type", "type", NULL, ST_PARSE, W_SHAPE },
		{ "version 2", "v", "2", ST_PARSE, W_SHAPE },
		{ "version 0", "v", "0", ST_PARSE, W_SHAPE },
		{ "version as string", "v", "\"1\"", ST_PARSE, W_SHAPE },
		{ "version as real", "v", "1.0", ST_PARSE, W_SHAPE },
		{ "version true", "v", "true", ST_PARSE, W_SHAPE },
		{ "no version", "v", NULL, ST_PARSE, W_SHAPE },
		{ "unknown kind", "kind", "\"tree\"", ST_PARSE, W_STMTS },
		{ "kind in capitals", "kind", "\"MESSAGE\"", ST_PARSE, W_STMTS },
		{ "kind not a string", "kind", "[\"message\"]", ST_PARSE, W_STMTS },
		{ "no kind", "kind", NULL, ST_PARSE, W_STMTS },
		{ "no statements", "statements", NULL, ST_PARSE, W_STMTS },
		{ "statements a string", "statements", "\"a.b.c\"", ST_PARSE, W_STMTS },
		{ "statements an object", "statements", "{\"0\":\"a\",\"1\":\"b\"}", ST_PARSE,
		  W_STMTS },
		{ "no statement", "statements", "[]", ST_PARSE, W_STMTS },
		{ "one statement", "statements", "@1", ST_PARSE, W_STMTS },
		{ "three statements", "statements", "@3", ST_PARSE, W_STMTS },
		{ "statements not strings", "statements", "[1, 2]", ST_PARSE, W_STMTS },
		{ "the second null", "statements", "@NULL2", ST_PARSE, W_STMTS },
	};
	struct stmt a, b;
	struct buf p;
	json_t *base;

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
	proof("message", &a.text, &b.text, &p);
	base = json_loadb(p.p, p.len, 0, NULL);
	assert_non_null(base);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_deep_copy(base), *v;
		char *text;

		if (!cases[i].json)
			json_object_del(j, cases[i].key);
		else if (cases[i].json[0] == '@') {
			v = json_deep_copy(json_object_get(base, "statements"));
			if (strcmp(cases[i].json, "@1") == 0)
				json_array_remove(v, 1);
			else if (strcmp(cases[i].json, "@3") == 0)
				json_array_append_new(v, json_string(buf_str(&a.text)));
			else
				json_array_set_new(v, 1, json_null());
			json_object_set_new(j, cases[i].key, v);
		} else
			json_object_set_new(j, cases[i].key, json_loads(cases[i].json,
			    JSON_DECODE_ANY, NULL));
		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		check_text(cases[i].name, text, strlen(text), &alpha.card, cases[i].rc,
		    cases[i].why);
		free(text);
		json_decref(j);
	}
	json_decref(base);
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* Not a JSON object, repeated members, too big. */
static void
test_proof_shape(void **state)
{
	static const struct {
		const char *name, *text;
		int is;		/* forkproof_is */
	} cases[] = {
		{ "empty", "", 0 },
		{ "not JSON", "parley-fork", 0 },
		{ "array", "[\"parley-fork\"]", 0 },
		{ "string", "\"parley-fork\"", 0 },
		{ "two objects", "{\"type\":\"parley-fork\",\"v\":1}{}", 0 },
		{ "empty object", "{}", 0 },
		{ "duplicate type", "{\"type\":\"parley-fork\",\"type\":\"parley-fork\",\"v\":1}", 0 },
		{ "right type, nothing else", "{\"type\":\"parley-fork\"}", 1 },
		{ "right type, version 2", "{\"type\":\"parley-fork\",\"v\":2}", 1 },
	};
	struct stmt a, b;
	struct buf p, dup;
	char *big;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_text(cases[i].name, cases[i].text, strlen(cases[i].text), &alpha.card,
		    ST_PARSE, W_SHAPE);
		if (forkproof_is(cases[i].text, strlen(cases[i].text)) != cases[i].is)
			fail_msg("%s: forkproof_is %d, want %d", cases[i].name, !cases[i].is,
			    cases[i].is);
	}

	/* a good proof with one member repeated, same value */
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &a);
	msg(&alpha, bravo.card.kid, "urgent", 3, "all clear", &b);
	proof("message", &a.text, &b.text, &p);
	buf_init(&dup, FORKPROOF_MAX + 64);
	assert_int_equal(buf_adds(&dup, "{\"kind\":\"message\","), ST_OK);
	assert_int_equal(buf_add(&dup, p.p + 1, p.len - 1), ST_OK);
	check_text("good proof, kind repeated", dup.p, dup.len, &alpha.card, ST_PARSE, W_SHAPE);
	assert_int_equal(forkproof_is(dup.p, dup.len), 0);
	/* repeated with another statement list: which one would count? */
	buf_reset(&dup);
	assert_int_equal(buf_add(&dup, p.p, p.len - 2), ST_OK);	/* without "}\n" */
	assert_int_equal(buf_adds(&dup, ",\"statements\":[\"a\",\"b\"]}"), ST_OK);
	check_text("good proof, statements repeated", dup.p, dup.len, &alpha.card, ST_PARSE,
	    W_SHAPE);
	buf_free(&dup);

	/* over the limit: refused before parsing (a good proof padded with
	 * whitespace, which JSON would accept) */
	big = malloc(FORKPROOF_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', FORKPROOF_MAX + 1);
	memcpy(big, p.p, p.len);
	check_text("one byte over", big, FORKPROOF_MAX + 1, &alpha.card, ST_TOOBIG,
	    "the proof is too large");
	check_text("at the limit", big, FORKPROOF_MAX, &alpha.card, ST_OK, NULL);
	free(big);
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

/* ---- receipts ---- */

static void
test_receipt_proven(void **state)
{
	static const char msg_bytes[] = "the exact bytes of alpha's message";
	struct stmt m, a, b;
	struct buf p;
	struct forkproof_report r;
	const char *why = "unset", *text;
	char line[512];

	(void)state;
	msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &m);
	rcpt(&bravo, alpha.card.kid, m.id, msg_bytes, "urgent", 3, &a);
	rcpt(&bravo, alpha.card.kid, m.id, msg_bytes, "urgent", 3, &b);
	proof("receipt", &a.text, &b.text, &p);
	assert_int_equal(forkproof_verify(p.p, p.len, &bravo.card, &r, &why), ST_OK);
	assert_null(why);
	assert_ptr_equal(r.signer, &bravo.card);
	assert_string_equal(r.kind, "receipt");
	assert_string_equal(r.to, alpha.card.kid);
	assert_string_equal(r.msg, m.id);
	assert_string_equal(r.link, "urgent");
	assert_int_equal(r.seq, 3);
	assert_string_equal(r.ids[0], a.id);
	assert_string_equal(r.ids[1], b.id);
	text = describe(&r);
	snprintf(line, sizeof line, "FORK PROVEN: bravo (key %s) signed two different receipts"
	    " for message %s (link urgent, seq 3) from %s:\n  receipt %s\n  receipt %s\n",
	    bravo.card.kid, m.id, alpha.card.kid, a.id, b.id);
	assert_string_equal(text, line);
	/* the signer is bravo: alpha's card proves nothing */
	check_text("the receiver's card, not the signer's", p.p, p.len, &alpha.card,
	    ST_UNKNOWN_KEY, W_RC1_SIG);
	check_text("a third party's card", p.p, p.len, &carol.card, ST_UNKNOWN_KEY, W_RC1_SIG);
	buf_free(&p);
	stmt_free(&m);
	stmt_free(&a);
	stmt_free(&b);
}

static void
test_receipt_refused(void **state)
{
	static const struct {
		const char *name;
		const char *msg;	/* NULL: the message's id */
		const char *hashed, *link;
		int64_t seq;
		int to_carol, by_carol, same, sig1, sig2, msg2;
		status rc;
		const char *why;
	} cases[] = {
		{ "for another message", "0190a000-0000-7000-8000-000000000001", "m", "urgent", 3,
		  0, 0, 0, 0, 0, 0, ST_INVALID, W_RC_MSG },
		{ "for other bytes of the message", NULL, "other bytes", "urgent", 3,
		  0, 0, 0, 0, 0, 0, ST_INVALID, W_RC_MSG },
		{ "for another sequence number", NULL, "m", "urgent", 4,
		  0, 0, 0, 0, 0, 0, ST_INVALID, W_RC_MSG },
		{ "for another link", NULL, "m", "cert", 3, 0, 0, 0, 0, 0, 0, ST_INVALID, W_RC_MSG },
		{ "to another party", NULL, "m", "urgent", 3, 1, 0, 0, 0, 0, 0, ST_INVALID, W_RC_TO },
		{ "the second signed by a third party", NULL, "m", "urgent", 3,
		  0, 1, 0, 0, 0, 0, ST_UNKNOWN_KEY, W_RC2_SIG },
		{ "the same receipt twice", NULL, "m", "urgent", 3, 0, 0, 1, 0, 0, 0, ST_INVALID,
		  W_MSG_SAME },
		{ "first signature altered", NULL, "m", "urgent", 3, 0, 0, 0, 1, 0, 0, ST_BADSIG,
		  W_RC1_SIG },
		{ "second signature altered", NULL, "m", "urgent", 3, 0, 0, 0, 0, 1, 0, ST_BADSIG,
		  W_RC2_SIG },
		{ "a receipt and a message", NULL, "m", "urgent", 3, 0, 0, 0, 0, 0, 1, ST_INVALID,
		  "the second statement is not a receipt" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct stmt m, a, b;

		msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &m);
		rcpt(&bravo, alpha.card.kid, m.id, "m", "urgent", 3, &a);
		if (cases[i].msg2)
			msg(&bravo, alpha.card.kid, "urgent", 3, "grid status", &b);
		else
			rcpt(cases[i].by_carol ? &carol : &bravo,
			    cases[i].to_carol ? carol.card.kid : alpha.card.kid,
			    cases[i].msg ? cases[i].msg : m.id, cases[i].hashed, cases[i].link,
			    cases[i].seq, &b);
		if (cases[i].same) {
			buf_reset(&b.text);
			assert_int_equal(buf_add(&b.text, a.text.p, a.text.len), ST_OK);
		}
		if (cases[i].sig1)
			flip(&a.text, sig_mid(&a.text));
		if (cases[i].sig2)
			flip(&b.text, sig_mid(&b.text));
		check_pair(cases[i].name, "receipt", &a.text, &b.text, &bravo.card, cases[i].rc,
		    cases[i].why);
		stmt_free(&m);
		stmt_free(&a);
		stmt_free(&b);
	}
}

/* ---- checkpoints ---- */

static void
test_checkpoint_proven(void **state)
{
	struct stmt a, b;
	struct buf p;
	struct forkproof_report r;
	const char *why = "unset";
	char line[512];

	(void)state;
	alpha_ckpt(5, 0x11, &a);
	alpha_ckpt(5, 0x22, &b);
	proof("checkpoint", &a.text, &b.text, &p);
	assert_int_equal(forkproof_verify(p.p, p.len, &alpha.card, &r, &why), ST_OK);
	assert_null(why);
	assert_ptr_equal(r.signer, &alpha.card);
	assert_string_equal(r.kind, "checkpoint");
	assert_int_equal(r.size, 5);
	snprintf(line, sizeof line, "FORK PROVEN: alpha (key %s) signed two different"
	    " checkpoints of its log at size 5.\n", alpha.card.kid);
	assert_string_equal(describe(&r), line);

	/* a checkpoint cosigned by a witness is still the signer's */
	cosign(&bravo, &a);
	buf_free(&p);
	proof("checkpoint", &a.text, &b.text, &p);
	check_text("the first cosigned by bravo", p.p, p.len, &alpha.card, ST_OK, NULL);
	check_text("bravo's card", p.p, p.len, &bravo.card, ST_UNKNOWN_KEY, W_CK1_SIG);
	check_text("a third party's card", p.p, p.len, &carol.card, ST_UNKNOWN_KEY, W_CK1_SIG);
	buf_free(&p);
	stmt_free(&a);
	stmt_free(&b);
}

static void
test_checkpoint_refused(void **state)
{
	enum { SAME, COSIGNED, SIZES, BY_CAROL, OTHER_NAME, OTHER_ORIGIN, SIG2, MSG2 };
	static const struct {
		const char *name;
		int how;
		status rc;
		const char *why;
	} cases[] = {
		{ "the same checkpoint twice", SAME, ST_INVALID, W_MSG_SAME },
		{ "same size, same root, one cosigned", COSIGNED, ST_INVALID, W_CK_AGREE },
		{ "different sizes", SIZES, ST_INVALID,
		  "the checkpoints are of different sizes: that they are inconsistent needs the"
		  " log's consistency proof, which this file does not hold" },
		{ "the second signed by a third party in alpha's name", BY_CAROL, ST_UNKNOWN_KEY,
		  W_CK2_SIG },
		{ "the second signed by alpha under another name", OTHER_NAME, ST_UNKNOWN_KEY,
		  W_CK2_SIG },
		{ "the second of another log", OTHER_ORIGIN, ST_INVALID, W_CK_ORIGIN },
		{ "second signature altered", SIG2, ST_BADSIG, W_CK2_SIG },
		{ "a checkpoint and a message", MSG2, ST_PARSE,
		  "the second statement is not a checkpoint" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct stmt a, b;

		alpha_ckpt(5, 0x11, &a);
		switch (cases[i].how) {
		case SAME:
			alpha_ckpt(5, 0x11, &b);
			break;
		case COSIGNED:
			alpha_ckpt(5, 0x11, &b);
			cosign(&bravo, &b);
			break;
		case SIZES:
			alpha_ckpt(6, 0x22, &b);
			break;
		case BY_CAROL:
			ckpt(&carol, alpha.card.origin, alpha.card.origin, 5, 0x22, &b);
			break;
		case OTHER_NAME:
			ckpt(&alpha, "parley/elsewhere", alpha.card.origin, 5, 0x22, &b);
			break;
		case OTHER_ORIGIN:
			ckpt(&alpha, alpha.card.origin, "parley/elsewhere", 5, 0x22, &b);
			break;
		case SIG2:
			alpha_ckpt(5, 0x22, &b);
			/* a letter in the signature line ("— NAME BASE64\n") */
			b.text.p[b.text.len - 20] = b.text.p[b.text.len - 20] == 'A' ? 'B' : 'A';
			break;
		default:
			msg(&alpha, bravo.card.kid, "urgent", 3, "grid status", &b);
			break;
		}
		check_pair(cases[i].name, "checkpoint", &a.text, &b.text, &alpha.card,
		    cases[i].rc, cases[i].why);
		/* and the same the other way round, first and second swapped */
		if (cases[i].how == BY_CAROL || cases[i].how == OTHER_NAME || cases[i].how == SIG2)
			check_pair(cases[i].name, "checkpoint", &b.text, &a.text, &alpha.card,
			    cases[i].rc, W_CK1_SIG);
		stmt_free(&a);
		stmt_free(&b);
	}
}

/* A card renamed (same key, another name, so another log origin): the
 * checkpoints are of the old name's log and prove nothing against it. */
static void
test_checkpoint_renamed_card(void **state)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct stmt a, b;
	struct buf text;
	struct card renamed;

	(void)state;
	buf_init(&text, CARD_MAX_BYTES);
	assert_int_equal(card_make(alpha.id, "alpha2", eps, 1, "2026-11-01T09:00:00.000Z",
	    &text), ST_OK);
	assert_int_equal(card_parse(text.p, text.len, &renamed), ST_OK);
	buf_free(&text);
	alpha_ckpt(5, 0x11, &a);
	alpha_ckpt(5, 0x22, &b);
	check_pair("alpha renamed", "checkpoint", &a.text, &b.text, &renamed, ST_UNKNOWN_KEY,
	    W_CK1_SIG);
	stmt_free(&a);
	stmt_free(&b);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	make_side(&alpha);
	make_side(&bravo);
	make_side(&carol);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alpha.id);
	ident_free(bravo.id);
	ident_free(carol.id);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_proven),
		cmocka_unit_test(test_message_large),
		cmocka_unit_test(test_make_shape),
		cmocka_unit_test(test_make_refuses),
		cmocka_unit_test(test_message_refused),
		cmocka_unit_test(test_message_noncanonical),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_proof_fields),
		cmocka_unit_test(test_proof_shape),
		cmocka_unit_test(test_receipt_proven),
		cmocka_unit_test(test_receipt_refused),
		cmocka_unit_test(test_checkpoint_proven),
		cmocka_unit_test(test_checkpoint_refused),
		cmocka_unit_test(test_checkpoint_renamed_card),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
