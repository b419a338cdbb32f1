/* evidence.c - evidence bundles (evidence.h): make one, verify one against
 * two cards, and put what a verified one proves into plain words.
 *
 * SECURITY: a bundle is untrusted input.  Nothing in it is believed until
 * checked against the keys of the two cards the verifier supplies, and the
 * checks run in a fixed order so that the first failure is the one named.
 * The only unverified thing read is which card's key the message's
 * signature verifies with: that decides who is the sender, and every later
 * check is made against that choice.  evidence_describe prints text a
 * sender chose (the subject) with control and bidi characters escaped, so
 * it cannot forge lines or reorder the account it sits in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "util/text.h"
#include "fmt/ckpt.h"
#include "fmt/evidence.h"
#include "crypto/jws.h"
#include "fmt/note.h"
#include "fmt/tlog.h"

/* ---- making ---- */

/* put - set key to the string s[0..n) in j; 0 when s is not a string we
 * can write and read back (invalid UTF-8, or a NUL, which verify's parser
 * refuses). */
static int
put(json_t *j, const char *key, const char *s, size_t n)
{
	json_t *v;

	if (memchr(s, '\0', n) || !(v = json_stringn(s, n)))
		return 0;
	return json_object_set_new(j, key, v) == 0;
}

status
evidence_make(const char *message, size_t message_len, const char *receipt,
    size_t receipt_len, const char *message_proof, size_t message_proof_len,
    const char *receipt_proof, size_t receipt_proof_len, struct buf *out)
{
	json_t *j = json_object();
	size_t start = out->len;
	char *text = NULL;
	status rc = ST_OK;

	if (!j)
		return ST_NOMEM;
	/* Members in the order of evidence.h: jansson keeps insertion order. */
	if (json_object_set_new(j, "type", json_string(EVIDENCE_TYPE)) != 0 ||
	    json_object_set_new(j, "v", json_integer(1)) != 0)
		rc = ST_NOMEM;
	else if (!put(j, "message", message, message_len) ||
	    !put(j, "receipt", receipt, receipt_len) ||
	    !put(j, "message_proof", message_proof, message_proof_len) ||
	    !put(j, "receipt_proof", receipt_proof, receipt_proof_len))
		rc = ST_INVALID;	/* caller input, not memory, in all but name */
	else if (!(text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		rc = ST_NOMEM;
	else if (strlen(text) + 1 > EVIDENCE_MAX)
		rc = ST_TOOBIG;	/* make only what evidence_verify reads */
	if (!rc)
		rc = buf_adds(out, text);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	if (rc)
		buf_truncate(out, start);
	free(text);
	json_decref(j);
	return rc;
}

/* ---- verifying ---- */

/* The reasons a proof fails, one set per log. */
struct proof_whys {
	const char *parse, *note, *signer, *cosigner, *ckpt, *origin, *inclusion;
};

static const struct proof_whys msg_whys = {
	"message proof: not a tlog-proof",
	"message proof: checkpoint is not a well-formed signed note",
	"message proof: checkpoint not signed by the sender's log key",
	"message proof: checkpoint not cosigned by the receiver",
	"message proof: signed note is not a checkpoint",
	"message proof: origin is not the sender's",
	"message proof: message is not included at the stated index",
};

static const struct proof_whys act_whys = {
	"act proof: not a tlog-proof",
	"act proof: checkpoint is not a well-formed signed note",
	"act proof: checkpoint not signed by the acting party's log key",
	"act proof: checkpoint not cosigned by the other party",
	"act proof: signed note is not a checkpoint",
	"act proof: origin is not the acting party's",
	"act proof: the act is not included at the stated index",
};

static const struct proof_whys rcpt_whys = {
	"receipt proof: not a tlog-proof",
	"receipt proof: checkpoint is not a well-formed signed note",
	"receipt proof: checkpoint not signed by the receiver's log key",
	"receipt proof: checkpoint not cosigned by the sender",
	"receipt proof: signed note is not a checkpoint",
	"receipt proof: origin is not the receiver's",
	"receipt proof: receipt is not included at the stated index",
};

/* check_proof - proof[0..n) shows stmt[0..stmt_len) is in log's log, at a
 * checkpoint signed by log and cosigned by other. */
static status
check_proof(const char *proof, size_t n, const char *stmt, size_t stmt_len,
    const struct card *log, const struct card *other, const struct proof_whys *w,
    struct evidence_log *out, const char **why)
{
	struct ckpt_proof p;
	struct note_key keys[2];
	struct note_check chk;
	struct ckpt c;
	uint8_t leaf[TLOG_HASH];
	size_t text_len;
	status rc;

	if ((rc = ckpt_proof_parse(proof, n, &p)) != ST_OK) {
		*why = w->parse;
		return rc;
	}
	if ((rc = note_split(p.note, p.note_len, &text_len)) != ST_OK) {
		*why = w->note;
		return rc;
	}
	if (note_key_init(&keys[0], log->origin, NOTE_ED25519, log->pk) != ST_OK ||
	    note_key_init(&keys[1], other->origin, NOTE_COSIG, other->pk) != ST_OK) {
		*why = "a card's log origin is not a valid signed-note key name";
		return ST_INVALID;
	}
	rc = note_verify(p.note, p.note_len, keys, 2, &chk);
	if (rc != ST_OK && rc != ST_UNKNOWN_KEY) {
		/* A line by one of the two keys is bad: name which. */
		struct note_check one;

		*why = note_verify(p.note, p.note_len, &keys[0], 1, &one) != ST_OK ?
		    w->signer : w->cosigner;
		return rc;
	}
	if (rc || !(chk.verified & 1)) {
		*why = w->signer;
		return rc ? rc : ST_UNKNOWN_KEY;
	}
	if (!(chk.verified & 2)) {
		*why = w->cosigner;
		return ST_UNKNOWN_KEY;
	}
	if ((rc = ckpt_parse(p.note, chk.text_len, &c)) != ST_OK) {
		*why = w->ckpt;
		return rc;
	}
	if (strcmp(c.origin, log->origin) != 0) {
		*why = w->origin;
		return ST_INVALID;
	}
	tlog_leaf_hash(stmt, stmt_len, leaf);
	if ((rc = tlog_verify_inclusion(p.index, c.size, leaf,
	    (const uint8_t (*)[TLOG_HASH])p.hashes, p.n_hashes, c.root)) != ST_OK) {
		*why = w->inclusion;
		return rc;
	}
	memcpy(out->origin, log->origin, sizeof out->origin);	/* == c.origin */
	out->index = p.index;
	out->size = c.size;
	out->cosigned_at = chk.time[1];
	return ST_OK;
}

/* signer - which card's key the message's signature verifies with; -1 and
 * a reason when neither does. */
static int
signer(const char *jws, size_t n, const struct card cards[2], status *rc, const char **why)
{
	status got[2];

	for (int i = 0; i < 2; i++) {
		struct buf scratch;

		buf_init(&scratch, n);
		got[i] = jws_verify(jws, n, cards[i].pk, ENV_MSG_TYP, &scratch);
		buf_free(&scratch);
		if (got[i] == ST_OK)
			return i;
	}
	if (got[0] == ST_BADSIG || got[1] == ST_BADSIG) {
		*rc = ST_BADSIG;
		*why = "message signature does not verify with either card's key";
	} else if (got[0] == ST_UNKNOWN_KEY && got[1] == ST_UNKNOWN_KEY) {
		*rc = ST_UNKNOWN_KEY;
		*why = "message is signed by neither card's key";
	} else {
		*rc = got[0] == ST_UNKNOWN_KEY ? got[1] : got[0];
		*why = "message is not a parley message JWS";
	}
	return -1;
}

/* member - the string member k of j, or NULL. */
static const char *
member(const json_t *j, const char *k, size_t *n)
{
	const json_t *v = json_object_get(j, k);

	*n = json_string_length(v);
	return json_string_value(v);
}

status
evidence_act_proof(const char *proof, size_t n, const char *act, size_t act_len,
    const struct card *log, const struct card *other, struct evidence_log *out,
    const char **why)
{
	return check_proof(proof, n, act, act_len, log, other, &act_whys, out, why);
}

status
evidence_verify(const char *bundle, size_t n, const struct card cards[2],
    struct evidence_report *r, const char **why)
{
	const char *msg, *rcpt, *mp, *rp, *type;
	size_t msg_len, rcpt_len, mp_len, rp_len, type_len;
	json_error_t err;
	json_t *j, *v;
	status rc = ST_OK;
	int s;

	memset(r, 0, sizeof *r);
	envelope_message_init(&r->msg, EVIDENCE_MAX);
	*why = NULL;
	if (n > EVIDENCE_MAX) {
		*why = "bundle is larger than EVIDENCE_MAX";
		return ST_TOOBIG;
	}
	j = json_loadb(bundle, n, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(j)) {
		*why = !j && json_error_code(&err) == json_error_duplicate_key ?
		    "bundle repeats a member" : "bundle is not a JSON object";
		json_decref(j);
		return ST_PARSE;
	}
	type = member(j, "type", &type_len);
	v = json_object_get(j, "v");
	msg = member(j, "message", &msg_len);
	rcpt = member(j, "receipt", &rcpt_len);
	mp = member(j, "message_proof", &mp_len);
	rp = member(j, "receipt_proof", &rp_len);
	if (!type || type_len != strlen(EVIDENCE_TYPE) || strcmp(type, EVIDENCE_TYPE) != 0) {
		*why = "bundle type is not \"" EVIDENCE_TYPE "\"";
		rc = ST_INVALID;
	} else if (!json_is_integer(v) || json_integer_value(v) != 1) {
		*why = "bundle version is not 1";
		rc = ST_INVALID;
	} else if (!msg || !rcpt || !mp || !rp) {
		*why = "bundle lacks a message, receipt, message_proof or receipt_proof string";
		rc = ST_INVALID;
	} else if (strcmp(cards[0].kid, cards[1].kid) == 0 ||
	    memcmp(cards[0].pk, cards[1].pk, IDENT_PK_LEN) == 0) {
		*why = "the two cards are the same key";
		rc = ST_INVALID;
	}
	if (rc)
		goto out;

	/* 1. The message: signed by one card, from it, to the other. */
	if ((s = signer(msg, msg_len, cards, &rc, why)) < 0)
		goto out;
	r->sender = &cards[s];
	r->receiver = &cards[1 - s];
	rc = envelope_message_open(msg, msg_len, r->sender->pk, r->receiver->kid, &r->msg);
	if (rc) {
		*why = rc == ST_UNKNOWN_KEY ? "message \"from\" is not the card whose key signed it" :
		    rc == ST_RECIPIENT ? "message is not addressed to the other card" :
		    "message is signed but is not a valid parley message";
		goto out;
	}
	envelope_hash(msg, msg_len, r->msg_sha256);

	/* 2. The receipt: signed by the receiver, for exactly this message. */
	rc = envelope_receipt_open(rcpt, rcpt_len, r->receiver->pk, r->sender->kid, &r->rcpt);
	if (rc) {
		*why = rc == ST_BADSIG ? "receipt signature does not verify with the receiver's key" :
		    rc == ST_UNKNOWN_KEY ? "receipt is not signed by the receiver's key" :
		    rc == ST_RECIPIENT ? "receipt is not addressed to the sender" :
		    "receipt is not a valid parley receipt";
		goto out;
	}
	if (strcmp(r->rcpt.msg, r->msg.id) != 0) {
		*why = "receipt acknowledges another message";
		rc = ST_CONFLICT;
	} else if (strcmp(r->rcpt.msg_sha256, r->msg_sha256) != 0) {
		*why = "receipt does not name the message's SHA-256";
		rc = ST_CONFLICT;
	} else if (strcmp(r->rcpt.link, r->msg.link) != 0 || r->rcpt.seq != r->msg.seq) {
		*why = "receipt names another link or sequence number";
		rc = ST_CONFLICT;
	}
	if (rc)
		goto out;

	/* 3. Each statement is in its signer's log, cosigned by the other. */
	rc = check_proof(mp, mp_len, msg, msg_len, r->sender, r->receiver, &msg_whys,
	    &r->msg_log, why);
	if (!rc)
		rc = check_proof(rp, rp_len, rcpt, rcpt_len, r->receiver, r->sender, &rcpt_whys,
		    &r->rcpt_log, why);
out:
	json_decref(j);
	return rc;
}

void
evidence_report_clear(struct evidence_report *r)
{
	envelope_message_clear(&r->msg);
}

/* ---- describing ---- */

status
evidence_add_time(struct buf *out, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if ((uint64_t)tt != t || !gmtime_r(&tt, &tm) || tm.tm_year > 9999 - 1900 ||
	    !strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return buf_addf(out, "%llu (POSIX seconds)", (unsigned long long)t);
	return buf_adds(out, s);
}

/* add_quoted - s in double quotes, escaped for a person (text.h). */
static status
add_quoted(struct buf *out, const char *s)
{
	return text_escape(out, s, strlen(s), TEXT_QUOTED);
}

/* add_log - "The W is entry I of L's log (checkpoint of size S), cosigned
 * by O at T.\n" */
static status
add_log(struct buf *out, const char *what, const struct evidence_log *l,
    const struct card *log, const struct card *other)
{
	status rc = buf_addf(out, "The %s is entry %llu of %s's log (checkpoint of size %llu),"
	    " cosigned by %s at ", what, (unsigned long long)l->index, log->name,
	    (unsigned long long)l->size, other->name);

	if (!rc)
		rc = evidence_add_time(out, l->cosigned_at);
	return rc ? rc : buf_adds(out, ".\n");
}

status
evidence_describe(const struct evidence_report *r, struct buf *out)
{
	size_t start = out->len;
	status rc;

	rc = buf_addf(out, "%s (%s) sent message %s to %s (%s) on link %s, seq %lld, "
	    "created %s\n  type %s, priority %s, subject ", r->sender->name, r->sender->origin,
	    r->msg.id, r->receiver->name, r->receiver->origin, r->msg.link,
	    (long long)r->msg.seq, r->msg.created_at, r->msg.type, r->msg.priority);
	if (!rc)
		rc = add_quoted(out, r->msg.subject);
	if (!rc)
		rc = buf_addf(out, "\n  message SHA-256 %s\n"
		    "%s signed a receipt for exactly these bytes, received at %s\n",
		    r->msg_sha256, r->receiver->name, r->rcpt.received_at);
	if (!rc)
		rc = add_log(out, "message", &r->msg_log, r->sender, r->receiver);
	if (!rc)
		rc = add_log(out, "receipt", &r->rcpt_log, r->receiver, r->sender);
	if (rc)
		buf_truncate(out, start);
	return rc;
}
