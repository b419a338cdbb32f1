/* evidence.c - evidence bundles (evidence.h).
 *
 * SECURITY: a bundle is untrusted input.  Nothing in it is believed until
 * checked against the keys of the two cards the verifier supplies; the
 * checks run in a fixed order and the first failure is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "b64.h"
#include "ckpt.h"
#include "evidence.h"
#include "jws.h"
#include "note.h"
#include "tlog.h"

status
evidence_make(const char *message, size_t message_len, const char *receipt,
    size_t receipt_len, const char *message_proof, size_t message_proof_len,
    const char *receipt_proof, size_t receipt_proof_len, struct buf *out)
{
	json_t *j = json_pack("{s:s, s:i, s:s%, s:s%, s:s%, s:s%}", "type", EVIDENCE_TYPE,
	    "v", 1, "message", message, message_len, "receipt", receipt, receipt_len,
	    "message_proof", message_proof, message_proof_len,
	    "receipt_proof", receipt_proof, receipt_proof_len);
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	status rc = text ? buf_adds(out, text) : ST_NOMEM;

	if (!rc)
		rc = buf_add(out, "\n", 1);
	free(text);
	json_decref(j);
	return rc;
}

/* The from member of a message, read before verification only to choose
 * which card's key to verify it with. */
static status
claimed_sender(const char *jws, size_t n, char kid[IDENT_KID_LEN])
{
	struct jws_parts parts;
	struct buf pl;
	json_t *j;
	const char *from;
	status rc = jws_split(jws, n, &parts);

	if (rc)
		return rc;
	buf_init(&pl, n);
	rc = b64_url_decode_buf(&pl, parts.pay, parts.pay_len);
	j = rc ? NULL : json_loadb(pl.p, pl.len, 0, NULL);
	from = json_string_value(json_object_get(j, "from"));
	if (!from || strlen(from) >= IDENT_KID_LEN)
		rc = ST_PARSE;
	else
		memcpy(kid, from, strlen(from) + 1);
	json_decref(j);
	buf_free(&pl);
	return rc;
}

/* check_proof - one log's half: proof of statement in log's log, signed
 * by log and cosigned by other. */
static status
check_proof(const char *proof, size_t n, const char *stmt, size_t stmt_len,
    const struct card *log, const struct card *other, struct evidence_log *out,
    const char **why, const char *const whys[5])
{
	struct ckpt_proof p;
	struct note_key keys[2];
	struct note_check chk;
	struct ckpt c;
	uint8_t leaf[TLOG_HASH];
	status rc;

	if ((rc = ckpt_proof_parse(proof, n, &p)) != ST_OK) {
		*why = whys[0];
		return rc;
	}
	if (note_key_init(&keys[0], log->origin, NOTE_ED25519, log->pk) ||
	    note_key_init(&keys[1], other->origin, NOTE_COSIG, other->pk)) {
		*why = whys[1];
		return ST_INVALID;
	}
	rc = note_verify(p.note, p.note_len, keys, 2, &chk);
	if (rc || !(chk.verified & 1)) {
		*why = whys[1];
		return rc ? rc : ST_UNKNOWN_KEY;
	}
	if (!(chk.verified & 2)) {
		*why = whys[2];
		return ST_UNKNOWN_KEY;
	}
	if ((rc = ckpt_parse(p.note, chk.text_len, &c)) != ST_OK ||
	    strcmp(c.origin, log->origin) != 0) {
		*why = whys[3];
		return rc ? rc : ST_INVALID;
	}
	tlog_leaf_hash(stmt, stmt_len, leaf);
	if (tlog_verify_inclusion(p.index, c.size, leaf, (const uint8_t (*)[TLOG_HASH])p.hashes,
	    p.n_hashes, c.root) != ST_OK) {
		*why = whys[4];
		return ST_BADSIG;
	}
	memcpy(out->origin, c.origin, strlen(c.origin) + 1);
	out->index = p.index;
	out->size = c.size;
	out->cosigned_at = chk.time[1];
	return ST_OK;
}

static const char *const msg_whys[5] = {
	"message proof: not a tlog-proof",
	"message proof: checkpoint not signed by the sender's log key",
	"message proof: checkpoint not cosigned by the receiver",
	"message proof: origin is not the sender's log",
	"message proof: message is not included at the stated index",
};
static const char *const rcpt_whys[5] = {
	"receipt proof: not a tlog-proof",
	"receipt proof: checkpoint not signed by the receiver's log key",
	"receipt proof: checkpoint not cosigned by the sender",
	"receipt proof: origin is not the receiver's log",
	"receipt proof: receipt is not included at the stated index",
};

static const char *
member(json_t *j, const char *k, size_t *n)
{
	json_t *v = json_object_get(j, k);

	*n = json_string_length(v);
	return json_string_value(v);
}

status
evidence_verify(const char *bundle, size_t n, const struct card cards[2],
    struct evidence_report *r, const char **why)
{
	const char *msg, *rcpt, *mp, *rp, *type;
	size_t msg_len, rcpt_len, mp_len, rp_len, tl;
	char kid[IDENT_KID_LEN];
	json_t *j;
	status rc;
	int s;

	memset(r, 0, sizeof *r);
	envelope_message_init(&r->msg, EVIDENCE_MAX);
	*why = "not an evidence bundle (JSON object)";
	if (n > EVIDENCE_MAX)
		return ST_TOOBIG;
	j = json_loadb(bundle, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return ST_PARSE;
	}
	type = member(j, "type", &tl);
	msg = member(j, "message", &msg_len);
	rcpt = member(j, "receipt", &rcpt_len);
	mp = member(j, "message_proof", &mp_len);
	rp = member(j, "receipt_proof", &rp_len);
	if (!type || strcmp(type, EVIDENCE_TYPE) != 0 ||
	    json_integer_value(json_object_get(j, "v")) != 1 ||
	    !json_is_integer(json_object_get(j, "v"))) {
		*why = "not a parley-evidence bundle of version 1";
		rc = ST_INVALID;
		goto out;
	}
	if (!msg || !rcpt || !mp || !rp) {
		*why = "bundle lacks message, receipt, message_proof or receipt_proof";
		rc = ST_INVALID;
		goto out;
	}
	rc = claimed_sender(msg, msg_len, kid);
	if (rc) {
		*why = "message is not a JWS naming its sender";
		goto out;
	}
	s = strcmp(kid, cards[0].kid) == 0 ? 0 : strcmp(kid, cards[1].kid) == 0 ? 1 : -1;
	if (s < 0 || memcmp(cards[0].pk, cards[1].pk, IDENT_PK_LEN) == 0) {
		*why = "message sender is not one of the two cards";
		rc = ST_UNKNOWN_KEY;
		goto out;
	}
	r->sender = &cards[s];
	r->receiver = &cards[1 - s];
	rc = envelope_message_open(msg, msg_len, r->sender->pk, r->receiver->kid, &r->msg);
	if (rc) {
		*why = rc == ST_RECIPIENT ? "message is not addressed to the other card" :
		    "message signature does not verify with the sender's key";
		goto out;
	}
	envelope_hash(msg, msg_len, r->msg_sha256);
	rc = envelope_receipt_open(rcpt, rcpt_len, r->receiver->pk, r->sender->kid, &r->rcpt);
	if (rc) {
		*why = "receipt signature does not verify with the receiver's key";
		goto out;
	}
	if (strcmp(r->rcpt.msg, r->msg.id) != 0) {
		*why = "receipt acknowledges another message";
		rc = ST_CONFLICT;
		goto out;
	}
	if (strcmp(r->rcpt.msg_sha256, r->msg_sha256) != 0) {
		*why = "receipt does not name the message's SHA-256";
		rc = ST_CONFLICT;
		goto out;
	}
	if (strcmp(r->rcpt.link, r->msg.link) != 0 || r->rcpt.seq != r->msg.seq) {
		*why = "receipt names another link or sequence number";
		rc = ST_CONFLICT;
		goto out;
	}
	rc = check_proof(mp, mp_len, msg, msg_len, r->sender, r->receiver, &r->msg_log, why,
	    msg_whys);
	if (!rc)
		rc = check_proof(rp, rp_len, rcpt, rcpt_len, r->receiver, r->sender, &r->rcpt_log,
		    why, rcpt_whys);
	if (!rc)
		*why = NULL;
out:
	json_decref(j);
	return rc;
}

void
evidence_report_clear(struct evidence_report *r)
{
	envelope_message_clear(&r->msg);
}

static void
posix_time(uint64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "%llu", (unsigned long long)t);
}

status
evidence_describe(const struct evidence_report *r, struct buf *out)
{
	json_t *subject = json_string(r->msg.subject);
	char *q = subject ? json_dumps(subject, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
	char t1[32], t2[32];
	status rc;

	posix_time(r->msg_log.cosigned_at, t1);
	posix_time(r->rcpt_log.cosigned_at, t2);
	rc = q ? buf_addf(out,
	    "%s (%s) sent message %s to %s (%s) on link %s, seq %lld, created %s\n"
	    "  type %s, priority %s, subject %s\n"
	    "  message SHA-256 %s\n"
	    "%s signed a receipt for exactly these bytes, received at %s\n"
	    "The message is entry %llu of %s's log (checkpoint of size %llu),"
	    " cosigned by %s at %s.\n"
	    "The receipt is entry %llu of %s's log (checkpoint of size %llu),"
	    " cosigned by %s at %s.\n",
	    r->sender->name, r->sender->origin, r->msg.id, r->receiver->name,
	    r->receiver->origin, r->msg.link, (long long)r->msg.seq, r->msg.created_at,
	    r->msg.type, r->msg.priority, q, r->msg_sha256,
	    r->receiver->name, r->rcpt.received_at,
	    (unsigned long long)r->msg_log.index, r->sender->name,
	    (unsigned long long)r->msg_log.size, r->receiver->name, t1,
	    (unsigned long long)r->rcpt_log.index, r->receiver->name,
	    (unsigned long long)r->rcpt_log.size, r->sender->name, t2) : ST_NOMEM;
	free(q);
	json_decref(subject);
	return rc;
}
