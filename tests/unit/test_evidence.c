/* test_evidence.c - evidence bundles built from real parts: two parties'
 * cards, a sealed message and receipt, a small log on each side with the
 * statement among other leaves, checkpoints signed by the log owner and
 * cosigned by the other.  A good bundle verifies with the cards in either
 * order and is described in plain words; each kind of forgery or mistake
 * is refused with its own status and its own reason. */
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

#include "fmt/card.h"
#include "fmt/ckpt.h"
#include "fmt/envelope.h"
#include "fmt/evidence.h"
#include "crypto/jws.h"
#include "fmt/note.h"
#include "fmt/tlog.h"
#include "testkeys.h"
#include "testlog.h"

#define T_MSG 1795000000u	/* bravo cosigns alpha's checkpoint */
#define T_MSG_TEXT "2026-11-18T11:06:40Z"
#define T_RCPT 1795000100u	/* alpha cosigns bravo's checkpoint */
#define T_RCPT_TEXT "2026-11-18T11:08:20Z"
#define SUBJECT "grid status"
#define PREFIX "{\"type\":\"parley-evidence\",\"v\":1,\"message\":\""

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

/* ---- an array-backed log ---- */

static void
mlog_fill(struct mlog *l, const char *who, int count)
{
	for (int i = 0; i < count; i++) {
		char other[64];

		snprintf(other, sizeof other, "another statement %s %d", who, i);
		mlog_add(l, other, strlen(other));
	}
}

/* ---- how to build a bundle, and how to spoil it ---- */

enum who { DEFAULT, ALPHA, BRAVO, CAROL, NOBODY };

enum mutation {
	M_NONE,
	M_MSG_SIG,		/* one character of the message's signature */
	M_MSG_PAYLOAD,		/* one character of the message's payload */
	M_RCPT_SIG,		/* one character of the receipt's signature */
	M_MP_LOG_SIG,		/* one character of the sender's checkpoint signature */
	M_MP_COSIG,		/* one character of the receiver's cosignature */
	M_MP_SIZE,		/* the checkpoint's size, without signing again */
	M_MP_GARBAGE,		/* the message proof is not a tlog-proof */
	M_MP_HASH,		/* one proof hash replaced */
	M_SWAP,			/* message proof in the receipt slot and back */
	M_RP_IN_MP,		/* receipt proof in both slots */
};

/* One way of building a bundle: everything zero is a good bundle from
 * alpha to bravo.  Proof arrays: [0] the message's, [1] the receipt's. */
struct tweak {
	const char *name;
	int rcpt_other_msg;		/* receipt for another message */
	int rcpt_bad_hash;		/* receipt names another SHA-256 */
	int rcpt_other_seq;
	enum who rcpt_signer;		/* default: the receiver */
	enum who signer[2];		/* checkpoint signer (under the log's name) */
	enum who cosigner[2];		/* NOBODY: no cosignature */
	int cosign_own_name[2];		/* cosigner signs under its own origin */
	int index_delta[2];		/* added to the proof's index */
	int other_origin[2];		/* checkpoint of another origin */
	enum mutation mut;
	status rc;
	const char *why;
};

struct bundle {
	struct buf msg, rcpt, mp, rp, text;
	char msg_id[STAMP_UUID_LEN];
};

static struct side *
who(enum who w, struct side *dflt)
{
	switch (w) {
	case ALPHA: return &alpha;
	case BRAVO: return &bravo;
	case CAROL: return &carol;
	case NOBODY: return NULL;
	default: return dflt;
	}
}

/* flip - change s[i] to another base64url character. */
static void
flip(struct buf *b, size_t i)
{
	assert_true(i < b->len);
	b->p[i] = b->p[i] == 'A' ? 'B' : 'A';
}

/* segment - offset of the middle of the k-th '.'-separated segment. */
static size_t
segment_mid(const struct buf *jws, int k)
{
	struct jws_parts p;

	assert_int_equal(jws_split(jws->p, jws->len, &p), ST_OK);
	if (k == 1)
		return (size_t)(p.pay - jws->p) + p.pay_len / 2;
	return (size_t)(p.sig - jws->p) + p.sig_len / 2;
}

static void
seal_message(const struct side *from, const struct side *to, const char *subject,
    struct buf *jws, char id[STAMP_UUID_LEN])
{
	struct message m;

	envelope_message_init(&m, 4096);
	stamp_uuid7(m.id);
	snprintf(m.to, sizeof m.to, "%s", to->card.kid);
	snprintf(m.link, sizeof m.link, "urgent");
	m.seq = 3;
	snprintf(m.type, sizeof m.type, "incident-notification");
	snprintf(m.priority, sizeof m.priority, "flash");
	snprintf(m.subject, sizeof m.subject, "%s", subject);
	snprintf(m.created_at, sizeof m.created_at, "2026-11-18T11:05:00.000Z");
	assert_int_equal(buf_adds(&m.body, "Substation 4 is down.\n"), ST_OK);
	buf_init(jws, 1 << 16);
	assert_int_equal(envelope_message_seal(from->id, &m, jws), ST_OK);
	memcpy(id, m.id, STAMP_UUID_LEN);
	envelope_message_clear(&m);
}

/* prove - put stmt in a log of owner's among other leaves; sign a
 * checkpoint, cosign it, and write the tlog-proof of stmt into out. */
static void
prove(const struct buf *stmt, const struct tweak *t, int k, struct side *owner,
    struct side *other, int before, int after, uint64_t when, struct buf *out)
{
	struct mlog *l = calloc(1, sizeof *l);
	struct side *sgn = who(t->signer[k], owner), *cos = who(t->cosigner[k], other);
	uint8_t hashes[TLOG_PROOF_MAX][TLOG_HASH];
	struct ckpt c;
	struct buf text, note;
	uint64_t index;
	size_t n;

	assert_non_null(l);
	mlog_fill(l, owner->name, before);
	index = l->n;
	mlog_add(l, stmt->p, stmt->len);
	mlog_fill(l, owner->name, after);
	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", t->other_origin[k] ? "parley/elsewhere" :
	    owner->card.origin);
	c.size = l->n;
	assert_int_equal(tlog_tree_hash(c.size, mlog_get, l, c.root), ST_OK);
	buf_init(&text, 4096);
	buf_init(&note, 4096);
	assert_int_equal(ckpt_format(&c, &text), ST_OK);
	assert_int_equal(note_sign(sgn->id, owner->card.origin, text.p, text.len, &note), ST_OK);
	if (cos)
		assert_int_equal(note_cosign(cos->id, t->cosign_own_name[k] ? cos->card.origin :
		    other->card.origin, text.p, text.len, when, &note), ST_OK);
	assert_int_equal(tlog_inclusion(index, c.size, mlog_get, l, hashes, &n), ST_OK);
	buf_init(out, 1 << 16);
	assert_int_equal(ckpt_proof_format(index + (uint64_t)t->index_delta[k],
	    (const uint8_t (*)[TLOG_HASH])hashes, n, note.p, note.len, out), ST_OK);
	buf_free(&text);
	buf_free(&note);
	free(l);
}

/* signature_char - offset of a character in the middle of the signature
 * of the sig-th signature line (0: the first) of the note ending a proof. */
static size_t
signature_char(const struct buf *proof, int sig)
{
	const char *end = proof->p + proof->len, *line = NULL, *sp, *nl;

	for (const char *q = proof->p; q + 1 < end; q++)
		if (q[0] == '\n' && q[1] == '\n')
			line = q + 2;	/* after the last blank line */
	assert_non_null(line);
	for (int i = 0; i < sig; i++) {
		line = memchr(line, '\n', (size_t)(end - line));
		assert_non_null(line);
		line++;
	}
	/* "— NAME BASE64\n" (the dash is 3 bytes) */
	sp = memchr(line + 4, ' ', (size_t)(end - line - 4));
	assert_non_null(sp);
	nl = memchr(sp, '\n', (size_t)(end - sp));
	assert_non_null(nl);
	return (size_t)(sp + 1 - proof->p) + (size_t)(nl - sp - 1) / 2;
}

static void
mutate(struct bundle *b, enum mutation m)
{
	struct buf tmp;
	char *at;

	switch (m) {
	case M_MSG_SIG:
		flip(&b->msg, segment_mid(&b->msg, 2));
		break;
	case M_MSG_PAYLOAD:
		flip(&b->msg, segment_mid(&b->msg, 1));
		break;
	case M_RCPT_SIG:
		flip(&b->rcpt, segment_mid(&b->rcpt, 2));
		break;
	case M_MP_LOG_SIG:
		flip(&b->mp, signature_char(&b->mp, 0));
		break;
	case M_MP_COSIG:
		flip(&b->mp, signature_char(&b->mp, 1));
		break;
	case M_MP_SIZE:
		/* "ORIGIN\n9\n" in the note: 9 leaves become 8 */
		at = strstr(b->mp.p, alpha.card.origin);
		assert_non_null(at);
		at += strlen(alpha.card.origin) + 1;
		assert_int_equal(*at, '9');
		*at = '8';
		break;
	case M_MP_GARBAGE:
		buf_reset(&b->mp);
		assert_int_equal(buf_adds(&b->mp, "c2sp.org/tlog-proof@v2\nindex 5\n\n"), ST_OK);
		break;
	case M_MP_HASH:
		/* the first hash line, after "header\nindex 5\n" */
		at = strstr(b->mp.p, "\nindex 5\n");
		assert_non_null(at);
		flip(&b->mp, (size_t)(at - b->mp.p) + 9 + 10);
		break;
	case M_SWAP:
		tmp = b->mp;
		b->mp = b->rp;
		b->rp = tmp;
		break;
	case M_RP_IN_MP:
		buf_reset(&b->mp);
		assert_int_equal(buf_add(&b->mp, b->rp.p, b->rp.len), ST_OK);
		break;
	default:
		break;
	}
}

/* build - a bundle of from's message to to, built as t says. */
static void
build(const struct tweak *t, struct side *from, struct side *to, struct bundle *b)
{
	struct side *rsigner = who(t->rcpt_signer, to);
	char other_id[STAMP_UUID_LEN];
	struct receipt r;

	seal_message(from, to, SUBJECT, &b->msg, b->msg_id);
	memset(&r, 0, sizeof r);
	stamp_uuid7(r.id);
	stamp_uuid7(other_id);
	snprintf(r.msg, sizeof r.msg, "%s", t->rcpt_other_msg ? other_id : b->msg_id);
	if (t->rcpt_bad_hash)
		envelope_hash("something else", 14, r.msg_sha256);
	else
		envelope_hash(b->msg.p, b->msg.len, r.msg_sha256);
	snprintf(r.to, sizeof r.to, "%s", from->card.kid);
	snprintf(r.link, sizeof r.link, "urgent");
	r.seq = t->rcpt_other_seq ? 4 : 3;
	snprintf(r.received_at, sizeof r.received_at, "2026-11-18T11:05:01.250Z");
	buf_init(&b->rcpt, 1 << 16);
	assert_int_equal(envelope_receipt_seal(rsigner->id, &r, &b->rcpt), ST_OK);

	prove(&b->msg, t, 0, from, to, 5, 3, T_MSG, &b->mp);	/* entry 5 of 9 */
	prove(&b->rcpt, t, 1, to, from, 2, 2, T_RCPT, &b->rp);	/* entry 2 of 5 */
	mutate(b, t->mut);

	buf_init(&b->text, EVIDENCE_MAX);
	assert_int_equal(evidence_make(b->msg.p, b->msg.len, b->rcpt.p, b->rcpt.len, b->mp.p,
	    b->mp.len, b->rp.p, b->rp.len, &b->text), ST_OK);
}

static void
bundle_free(struct bundle *b)
{
	buf_free(&b->msg);
	buf_free(&b->rcpt);
	buf_free(&b->mp);
	buf_free(&b->rp);
	buf_free(&b->text);
}

/* verify - evidence_verify with cards (a, b); the report is cleared. */
static status
verify(const char *text, size_t n, const struct card *a, const struct card *b,
    const char **why)
{
	struct card cards[2];
	struct evidence_report r;
	status rc;

	cards[0] = *a;
	cards[1] = *b;
	rc = evidence_verify(text, n, cards, &r, why);
	evidence_report_clear(&r);
	return rc;
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

/* check_verify - verify with cards (a, b) and expect want_rc, want_why. */
static void
check_verify(const char *name, const char *text, size_t n, const struct card *a,
    const struct card *b, status want_rc, const char *want_why)
{
	const char *why = "unset";
	status rc = verify(text, n, a, b, &why);

	expect(name, rc, why, want_rc, want_why);
}

/* ---- good bundles ---- */

static const struct tweak good = { .name = "good" };

static void
check_report(const struct evidence_report *r, const struct bundle *b, const struct side *from,
    const struct side *to)
{
	char hex[ENV_HASH_HEX];

	assert_string_equal(r->sender->kid, from->card.kid);
	assert_string_equal(r->receiver->kid, to->card.kid);
	assert_string_equal(r->msg.id, b->msg_id);
	assert_string_equal(r->msg.from, from->card.kid);
	assert_string_equal(r->msg.subject, SUBJECT);
	assert_string_equal(buf_str(&r->msg.body), "Substation 4 is down.\n");
	assert_string_equal(r->rcpt.msg, b->msg_id);
	envelope_hash(b->msg.p, b->msg.len, hex);
	assert_string_equal(r->msg_sha256, hex);
	assert_string_equal(r->rcpt.msg_sha256, hex);
	assert_string_equal(r->msg_log.origin, from->card.origin);
	assert_int_equal(r->msg_log.index, 5);
	assert_int_equal(r->msg_log.size, 9);
	assert_int_equal(r->msg_log.cosigned_at, T_MSG);
	assert_string_equal(r->rcpt_log.origin, to->card.origin);
	assert_int_equal(r->rcpt_log.index, 2);
	assert_int_equal(r->rcpt_log.size, 5);
	assert_int_equal(r->rcpt_log.cosigned_at, T_RCPT);
}

static void
test_good_either_order(void **state)
{
	struct bundle b;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	for (int order = 0; order < 2; order++) {
		struct card cards[2];
		struct evidence_report r;
		const char *why = "unset";

		cards[order] = alpha.card;
		cards[1 - order] = bravo.card;
		assert_int_equal(evidence_verify(b.text.p, b.text.len, cards, &r, &why), ST_OK);
		assert_null(why);
		assert_ptr_equal(r.sender, &cards[order]);
		assert_ptr_equal(r.receiver, &cards[1 - order]);
		check_report(&r, &b, &alpha, &bravo);
		evidence_report_clear(&r);
	}
	bundle_free(&b);
}

/* The other direction: bravo sent, alpha received; same cards. */
static void
test_good_other_direction(void **state)
{
	struct bundle b;
	struct card cards[2];
	struct evidence_report r;
	const char *why;

	(void)state;
	build(&good, &bravo, &alpha, &b);
	cards[0] = alpha.card;
	cards[1] = bravo.card;
	assert_int_equal(evidence_verify(b.text.p, b.text.len, cards, &r, &why), ST_OK);
	assert_ptr_equal(r.sender, &cards[1]);
	check_report(&r, &b, &bravo, &alpha);
	evidence_report_clear(&r);
	bundle_free(&b);
}

/* The bundle is one line of JSON, members in the order evidence.h gives,
 * holding the four parts verbatim. */
static void
test_make_shape(void **state)
{
	static const char *const order[] = { "\"type\":", "\"v\":", "\"message\":",
	    "\"receipt\":", "\"message_proof\":", "\"receipt_proof\":" };
	struct bundle b;
	const char *last;
	json_t *j;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	assert_int_equal(b.text.p[b.text.len - 1], '\n');
	assert_ptr_equal(memchr(b.text.p, '\n', b.text.len), b.text.p + b.text.len - 1);
	assert_int_equal(strncmp(b.text.p, PREFIX, strlen(PREFIX)), 0);
	last = b.text.p;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *at = strstr(b.text.p, order[i]);

		assert_non_null(at);
		assert_true(at >= last);
		last = at;
	}
	j = json_loadb(b.text.p, b.text.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 6);
	assert_string_equal(json_string_value(json_object_get(j, "message")), buf_str(&b.msg));
	assert_string_equal(json_string_value(json_object_get(j, "receipt")), buf_str(&b.rcpt));
	assert_string_equal(json_string_value(json_object_get(j, "message_proof")),
	    buf_str(&b.mp));
	assert_string_equal(json_string_value(json_object_get(j, "receipt_proof")),
	    buf_str(&b.rp));
	json_decref(j);
	bundle_free(&b);
}

/* A part that JSON cannot carry back unchanged is refused, out untouched. */
static void
test_make_refuses(void **state)
{
	static const char latin1[] = "caf\xe9";
	static const char nul[] = "a\0b";
	struct buf out;

	(void)state;
	buf_init(&out, 1 << 16);
	assert_int_equal(buf_adds(&out, "keep"), ST_OK);
	assert_int_equal(evidence_make("m", 1, "r", 1, latin1, 4, "p", 1, &out), ST_INVALID);
	assert_int_equal(evidence_make("m", 1, nul, 3, "p", 1, "p", 1, &out), ST_INVALID);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

static void
test_describe(void **state)
{
	struct bundle b;
	struct card cards[2];
	struct evidence_report r;
	struct buf out;
	const char *why;
	char line[512];
	int lines = 0;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	cards[0] = bravo.card;
	cards[1] = alpha.card;
	assert_int_equal(evidence_verify(b.text.p, b.text.len, cards, &r, &why), ST_OK);
	buf_init(&out, 1 << 16);
	assert_int_equal(evidence_describe(&r, &out), ST_OK);
	for (size_t i = 0; i < out.len; i++)
		lines += out.p[i] == '\n';
	assert_int_equal(lines, 6);
	snprintf(line, sizeof line, "alpha (%s) sent message %s to bravo (%s) on link urgent, "
	    "seq 3, created 2026-11-18T11:05:00.000Z\n", alpha.card.origin, b.msg_id,
	    bravo.card.origin);
	assert_non_null(strstr(buf_str(&out), line));
	assert_non_null(strstr(buf_str(&out),
	    "  type incident-notification, priority flash, subject \"" SUBJECT "\"\n"));
	snprintf(line, sizeof line, "  message SHA-256 %s\n", r.msg_sha256);
	assert_non_null(strstr(buf_str(&out), line));
	assert_non_null(strstr(buf_str(&out), "bravo signed a receipt for exactly these bytes, "
	    "received at 2026-11-18T11:05:01.250Z\n"));
	assert_non_null(strstr(buf_str(&out), "The message is entry 5 of alpha's log "
	    "(checkpoint of size 9), cosigned by bravo at " T_MSG_TEXT ".\n"));
	assert_non_null(strstr(buf_str(&out), "The receipt is entry 2 of bravo's log "
	    "(checkpoint of size 5), cosigned by alpha at " T_RCPT_TEXT ".\n"));
	evidence_report_clear(&r);
	buf_free(&out);
	bundle_free(&b);
}

/* The sender chose the subject: it cannot add lines to the account or
 * turn it round with bidi controls. */
static void
test_describe_escapes_subject(void **state)
{
	struct bundle b;
	struct card cards[2];
	struct evidence_report r;
	struct buf out, rcpt;
	struct receipt rr;
	const char *why;
	int lines = 0;

	(void)state;
	memset(&b, 0, sizeof b);
	seal_message(&alpha, &bravo,
	    "ok\nThe message is entry 0\t\x1b[2J \"q\" \\ caf\xc3\xa9 \xe2\x80\xae" "evil",
	    &b.msg, b.msg_id);
	/* the rest as for a good bundle of this message */
	memset(&rr, 0, sizeof rr);
	stamp_uuid7(rr.id);
	memcpy(rr.msg, b.msg_id, STAMP_UUID_LEN);
	envelope_hash(b.msg.p, b.msg.len, rr.msg_sha256);
	snprintf(rr.to, sizeof rr.to, "%s", alpha.card.kid);
	snprintf(rr.link, sizeof rr.link, "urgent");
	rr.seq = 3;
	snprintf(rr.received_at, sizeof rr.received_at, "2026-11-18T11:05:01.250Z");
	buf_init(&rcpt, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bravo.id, &rr, &rcpt), ST_OK);
	b.rcpt = rcpt;
	prove(&b.msg, &good, 0, &alpha, &bravo, 5, 3, T_MSG, &b.mp);
	prove(&b.rcpt, &good, 1, &bravo, &alpha, 2, 2, T_RCPT, &b.rp);
	buf_init(&b.text, EVIDENCE_MAX);
	assert_int_equal(evidence_make(b.msg.p, b.msg.len, b.rcpt.p, b.rcpt.len, b.mp.p,
	    b.mp.len, b.rp.p, b.rp.len, &b.text), ST_OK);
	cards[0] = alpha.card;
	cards[1] = bravo.card;
	assert_int_equal(evidence_verify(b.text.p, b.text.len, cards, &r, &why), ST_OK);
	buf_init(&out, 1 << 16);
	assert_int_equal(evidence_describe(&r, &out), ST_OK);
	for (size_t i = 0; i < out.len; i++)
		lines += out.p[i] == '\n';
	assert_int_equal(lines, 6);
	assert_non_null(strstr(buf_str(&out), "subject \"ok\\nThe message is entry 0\\t\\u001b[2J "
	    "\\\"q\\\" \\\\ caf\xc3\xa9 \\u202e" "evil\"\n"));
	assert_null(strchr(buf_str(&out), 0x1b));
	assert_null(strstr(buf_str(&out), "\xe2\x80\xae"));
	evidence_report_clear(&r);
	buf_free(&out);
	bundle_free(&b);
}

/* ---- bad bundles, each with its reason ---- */

static const struct tweak bad[] = {
	{ .name = "message signature altered", .mut = M_MSG_SIG, .rc = ST_BADSIG,
	  .why = "message signature does not verify with either card's key" },
	{ .name = "message payload altered", .mut = M_MSG_PAYLOAD, .rc = ST_BADSIG,
	  .why = "message signature does not verify with either card's key" },
	{ .name = "receipt for another message", .rcpt_other_msg = 1, .rc = ST_CONFLICT,
	  .why = "receipt acknowledges another message" },
	{ .name = "receipt hash mismatch", .rcpt_bad_hash = 1, .rc = ST_CONFLICT,
	  .why = "receipt does not name the message's SHA-256" },
	{ .name = "receipt of another seq", .rcpt_other_seq = 1, .rc = ST_CONFLICT,
	  .why = "receipt names another link or sequence number" },
	{ .name = "receipt signed by a third key", .rcpt_signer = CAROL, .rc = ST_UNKNOWN_KEY,
	  .why = "receipt is not signed by the receiver's key" },
	{ .name = "receipt signed by the sender", .rcpt_signer = ALPHA, .rc = ST_UNKNOWN_KEY,
	  .why = "receipt is not signed by the receiver's key" },
	{ .name = "receipt signature altered", .mut = M_RCPT_SIG, .rc = ST_BADSIG,
	  .why = "receipt signature does not verify with the receiver's key" },
	{ .name = "message proof not a tlog-proof", .mut = M_MP_GARBAGE, .rc = ST_PARSE,
	  .why = "message proof: not a tlog-proof" },
	{ .name = "message proof with wrong index", .index_delta = { 1, 0 }, .rc = ST_BADSIG,
	  .why = "message proof: message is not included at the stated index" },
	{ .name = "message proof index one before", .index_delta = { -1, 0 }, .rc = ST_BADSIG,
	  .why = "message proof: message is not included at the stated index" },
	{ .name = "message proof hash altered", .mut = M_MP_HASH, .rc = ST_BADSIG,
	  .why = "message proof: message is not included at the stated index" },
	{ .name = "message proof lacks the cosignature", .cosigner = { NOBODY, 0 },
	  .rc = ST_UNKNOWN_KEY, .why = "message proof: checkpoint not cosigned by the receiver" },
	{ .name = "message proof cosigned by a third key in the receiver's name",
	  .cosigner = { CAROL, 0 }, .rc = ST_UNKNOWN_KEY,
	  .why = "message proof: checkpoint not cosigned by the receiver" },
	{ .name = "message proof cosigned by a third key in its own name",
	  .cosigner = { CAROL, 0 }, .cosign_own_name = { 1, 0 }, .rc = ST_UNKNOWN_KEY,
	  .why = "message proof: checkpoint not cosigned by the receiver" },
	{ .name = "message proof cosigned by the sender", .cosigner = { ALPHA, 0 },
	  .rc = ST_UNKNOWN_KEY, .why = "message proof: checkpoint not cosigned by the receiver" },
	{ .name = "message proof cosignature altered", .mut = M_MP_COSIG, .rc = ST_BADSIG,
	  .why = "message proof: checkpoint not cosigned by the receiver" },
	{ .name = "message proof checkpoint signed by a third key", .signer = { CAROL, 0 },
	  .rc = ST_UNKNOWN_KEY, .why = "message proof: checkpoint not signed by the sender's log key" },
	{ .name = "message proof checkpoint signed by the receiver", .signer = { BRAVO, 0 },
	  .rc = ST_UNKNOWN_KEY, .why = "message proof: checkpoint not signed by the sender's log key" },
	{ .name = "message proof checkpoint signature altered", .mut = M_MP_LOG_SIG,
	  .rc = ST_BADSIG, .why = "message proof: checkpoint not signed by the sender's log key" },
	{ .name = "message proof checkpoint size altered", .mut = M_MP_SIZE, .rc = ST_BADSIG,
	  .why = "message proof: checkpoint not signed by the sender's log key" },
	{ .name = "message proof checkpoint of another origin", .other_origin = { 1, 0 },
	  .rc = ST_INVALID, .why = "message proof: origin is not the sender's" },
	{ .name = "receipt proof with wrong index", .index_delta = { 0, 1 }, .rc = ST_BADSIG,
	  .why = "receipt proof: receipt is not included at the stated index" },
	{ .name = "receipt proof lacks the cosignature", .cosigner = { 0, NOBODY },
	  .rc = ST_UNKNOWN_KEY, .why = "receipt proof: checkpoint not cosigned by the sender" },
	{ .name = "receipt proof cosigned by a third key", .cosigner = { 0, CAROL },
	  .rc = ST_UNKNOWN_KEY, .why = "receipt proof: checkpoint not cosigned by the sender" },
	{ .name = "receipt proof checkpoint signed by a third key", .signer = { 0, CAROL },
	  .rc = ST_UNKNOWN_KEY,
	  .why = "receipt proof: checkpoint not signed by the receiver's log key" },
	{ .name = "receipt proof checkpoint of another origin", .other_origin = { 0, 1 },
	  .rc = ST_INVALID, .why = "receipt proof: origin is not the receiver's" },
	{ .name = "proofs swapped", .mut = M_SWAP, .rc = ST_UNKNOWN_KEY,
	  .why = "message proof: checkpoint not signed by the sender's log key" },
	{ .name = "receipt proof in the message slot", .mut = M_RP_IN_MP, .rc = ST_UNKNOWN_KEY,
	  .why = "message proof: checkpoint not signed by the sender's log key" },
};

static void
test_bad_bundles(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct bundle b;
		const char *why;

		build(&bad[i], &alpha, &bravo, &b);
		for (int order = 0; order < 2; order++) {
			status rc = order ? verify(b.text.p, b.text.len, &bravo.card, &alpha.card, &why) :
			    verify(b.text.p, b.text.len, &alpha.card, &bravo.card, &why);

			expect(bad[i].name, rc, why, bad[i].rc, bad[i].why);
		}
		bundle_free(&b);
	}
}

/* A good bundle checked against the wrong pair of cards. */
static void
test_wrong_cards(void **state)
{
	struct bundle b;
	struct card impostor;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	/* carol stands in for the receiver */
	check_verify("third party as receiver", b.text.p, b.text.len, &alpha.card, &carol.card,
	    ST_RECIPIENT, "message is not addressed to the other card");
	/* carol stands in for the sender */
	check_verify("third party as sender", b.text.p, b.text.len, &carol.card, &bravo.card,
	    ST_UNKNOWN_KEY, "message is signed by neither card's key");
	/* the same card twice */
	check_verify("same card twice", b.text.p, b.text.len, &alpha.card, &alpha.card,
	    ST_INVALID, "the two cards are the same key");
	/* a card with alpha's name and origin text but carol's key */
	impostor = carol.card;
	memcpy(impostor.name, alpha.card.name, sizeof impostor.name);
	check_verify("renamed third party", b.text.p, b.text.len, &impostor, &bravo.card,
	    ST_UNKNOWN_KEY, "message is signed by neither card's key");
	bundle_free(&b);
}

/* A card under another name but the same key: the logs' origins name the
 * card, so the proofs do not fit. */
static void
test_renamed_card(void **state)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct bundle b;
	struct buf text;
	struct card renamed;

	(void)state;
	buf_init(&text, CARD_MAX_BYTES);
	assert_int_equal(card_make(alpha.id, "alpha2", eps, 1, "2026-11-01T09:00:00.000Z",
	    &text), ST_OK);
	assert_int_equal(card_parse(text.p, text.len, &renamed), ST_OK);
	buf_free(&text);
	build(&good, &alpha, &bravo, &b);
	check_verify("sender renamed", b.text.p, b.text.len, &renamed, &bravo.card,
	    ST_UNKNOWN_KEY, "message proof: checkpoint not signed by the sender's log key");
	bundle_free(&b);
}

/* Changing any one byte of a good bundle never yields a bundle that
 * verifies, and always names a reason. */
static void
test_every_byte(void **state)
{
	struct bundle b;
	const char *why;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	for (size_t i = 0; i < b.text.len; i++) {
		char keep = b.text.p[i];
		status rc;

		b.text.p[i] = (char)(keep ^ 1);
		rc = verify(b.text.p, b.text.len, &alpha.card, &bravo.card, &why);
		if (rc == ST_OK || !why)
			fail_msg("byte %zu of %zu changed: %s, %s", i, b.text.len, status_str(rc),
			    why ? why : "no reason");
		b.text.p[i] = keep;
	}
	bundle_free(&b);
}

static void
test_truncated(void **state)
{
	struct bundle b;
	const char *why;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	/* the final newline is JSON whitespace: without it the bundle still holds */
	check_verify("without the newline", b.text.p, b.text.len - 1, &alpha.card, &bravo.card,
	    ST_OK, NULL);
	for (size_t cut = 0; cut + 1 < b.text.len; cut++) {
		/* a copy of exactly cut bytes, so ASan sees any read past it */
		char *p = malloc(cut ? cut : 1);
		status rc;

		assert_non_null(p);
		memcpy(p, b.text.p, cut);
		rc = verify(p, cut, &alpha.card, &bravo.card, &why);
		if (rc != ST_PARSE || !why)
			fail_msg("cut at %zu of %zu: %s, %s", cut, b.text.len, status_str(rc),
			    why ? why : "no reason");
		free(p);
	}
	bundle_free(&b);
}

/* The bundle's own fields: edited as JSON, the parts left good. */
static void
test_bundle_fields(void **state)
{
	static const struct {
		const char *name, *key, *json;	/* json NULL: delete key */
		status rc;
		const char *why;
	} cases[] = {
		{ "unknown member ignored", "note", "\"hello\"", ST_OK, NULL },
		{ "wrong type", "type", "\"parley-card\"", ST_INVALID,
		  "bundle type is not \"parley-evidence\"" },
		{ "type not a string", "type", "1", ST_INVALID,
		  "bundle type is not \"parley-evidence\"" },
		{ "no type", "type", NULL, ST_INVALID, "bundle type is not \"parley-evidence\"" },
		{ "version 2", "v", "2", ST_INVALID, "bundle version is not 1" },
		{ "version 0", "v", "0", ST_INVALID, "bundle version is not 1" },
		{ "version as string", "v", "\"1\"", ST_INVALID, "bundle version is not 1" },
		{ "version as real", "v", "1.0", ST_INVALID, "bundle version is not 1" },
		{ "no version", "v", NULL, ST_INVALID, "bundle version is not 1" },
		{ "no message", "message", NULL, ST_INVALID,
		  "bundle lacks a message, receipt, message_proof or receipt_proof string" },
		{ "receipt not a string", "receipt", "[]", ST_INVALID,
		  "bundle lacks a message, receipt, message_proof or receipt_proof string" },
		{ "no receipt_proof", "receipt_proof", NULL, ST_INVALID,
		  "bundle lacks a message, receipt, message_proof or receipt_proof string" },
		{ "message_proof null", "message_proof", "null", ST_INVALID,
		  "bundle lacks a message, receipt, message_proof or receipt_proof string" },
		{ "message not a JWS", "message", "\"hello\"", ST_PARSE,
		  "message is not a parley message JWS" },
		{ "receipt in the message slot", "message", "@RECEIPT", ST_INVALID,
		  "message is not a parley message JWS" },
	};
	struct bundle b;
	json_t *base;

	(void)state;
	build(&good, &alpha, &bravo, &b);
	base = json_loadb(b.text.p, b.text.len, 0, NULL);
	assert_non_null(base);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_deep_copy(base);
		char *text;

		if (!cases[i].json)
			json_object_del(j, cases[i].key);
		else if (strcmp(cases[i].json, "@RECEIPT") == 0)
			json_object_set_new(j, cases[i].key, json_string(buf_str(&b.rcpt)));
		else
			json_object_set_new(j, cases[i].key, json_loads(cases[i].json,
			    JSON_DECODE_ANY, NULL));
		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		check_verify(cases[i].name, text, strlen(text), &alpha.card, &bravo.card,
		    cases[i].rc, cases[i].why);
		free(text);
		json_decref(j);
	}
	json_decref(base);
	bundle_free(&b);
}

/* Not a JSON object at all, repeated members, too big. */
static void
test_bundle_shape(void **state)
{
	static const struct {
		const char *name, *text;
		status rc;
		const char *why;
	} cases[] = {
		{ "empty", "", ST_PARSE, "bundle is not a JSON object" },
		{ "array", "[1]", ST_PARSE, "bundle is not a JSON object" },
		{ "string", "\"parley-evidence\"", ST_PARSE, "bundle is not a JSON object" },
		{ "two objects", "{}{}", ST_PARSE, "bundle is not a JSON object" },
		{ "empty object", "{}", ST_INVALID, "bundle type is not \"parley-evidence\"" },
		{ "duplicate type", "{\"type\":\"parley-evidence\",\"type\":\"parley-evidence\"}",
		  ST_PARSE, "bundle repeats a member" },
	};
	struct bundle b;
	struct buf dup;
	char *big;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_verify(cases[i].name, cases[i].text, strlen(cases[i].text), &alpha.card,
		    &bravo.card, cases[i].rc, cases[i].why);

	/* a good bundle with one member repeated, same value */
	build(&good, &alpha, &bravo, &b);
	buf_init(&dup, EVIDENCE_MAX);
	assert_int_equal(buf_adds(&dup, "{\"v\":1,"), ST_OK);
	assert_int_equal(buf_add(&dup, b.text.p + 1, b.text.len - 1), ST_OK);
	check_verify("good bundle, v repeated", dup.p, dup.len, &alpha.card, &bravo.card,
	    ST_PARSE, "bundle repeats a member");
	buf_reset(&dup);
	assert_int_equal(buf_adds(&dup, "{\"message\":"), ST_OK);
	{
		json_t *m = json_string(buf_str(&b.msg));
		char *q = json_dumps(m, JSON_ENCODE_ANY);

		assert_non_null(q);
		assert_int_equal(buf_adds(&dup, q), ST_OK);
		free(q);
		json_decref(m);
	}
	assert_int_equal(buf_adds(&dup, ","), ST_OK);
	assert_int_equal(buf_add(&dup, b.text.p + 1, b.text.len - 1), ST_OK);
	check_verify("good bundle, message repeated", dup.p, dup.len, &alpha.card, &bravo.card,
	    ST_PARSE, "bundle repeats a member");
	buf_free(&dup);

	/* over the limit: refused before parsing (the text is a good bundle
	 * padded with whitespace, which JSON would accept) */
	big = malloc(EVIDENCE_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', EVIDENCE_MAX + 1);
	memcpy(big, b.text.p, b.text.len);
	check_verify("one byte over", big, EVIDENCE_MAX + 1, &alpha.card, &bravo.card,
	    ST_TOOBIG, "bundle is larger than EVIDENCE_MAX");
	check_verify("at the limit", big, EVIDENCE_MAX, &alpha.card, &bravo.card, ST_OK, NULL);
	free(big);
	bundle_free(&b);
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
		cmocka_unit_test(test_good_either_order),
		cmocka_unit_test(test_good_other_direction),
		cmocka_unit_test(test_make_shape),
		cmocka_unit_test(test_make_refuses),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_escapes_subject),
		cmocka_unit_test(test_bad_bundles),
		cmocka_unit_test(test_wrong_cards),
		cmocka_unit_test(test_renamed_card),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bundle_fields),
		cmocka_unit_test(test_bundle_shape),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
