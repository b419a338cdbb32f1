/* forkproof.c - fork proofs (forkproof.h).
 *
 * SECURITY: everything in a proof is untrusted.  Each statement is verified
 * with the one card's key before any of its fields is compared, and the
 * two must differ as bytes: a statement shown twice proves nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/ckpt.h"
#include "fmt/forkproof.h"
#include "fmt/note.h"

static int
kind_ok(const char *k)
{
	return k && (strcmp(k, "message") == 0 || strcmp(k, "receipt") == 0 ||
	    strcmp(k, "checkpoint") == 0);
}

status
forkproof_make(const char *kind, const char *a, const char *b, struct buf *out)
{
	json_t *j;
	char *text;
	status rc;

	if (!kind_ok(kind))
		return ST_INVALID;
	j = json_pack("{s:s, s:i, s:s, s:[s,s]}", "type", FORKPROOF_TYPE, "v", 1,
	    "kind", kind, "statements", a, b);
	if (!j)
		return ST_INVALID;	/* not UTF-8 */
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	rc = buf_adds(out, text);
	free(text);
	if (!rc)
		rc = buf_adds(out, "\n");
	return rc;
}

int
forkproof_is(const char *text, size_t n)
{
	json_t *j = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
	const char *t = json_string_value(json_object_get(j, "type"));
	int is = t && strcmp(t, FORKPROOF_TYPE) == 0;

	json_decref(j);
	return is;
}

static status
fail(const char **why, const char *text, status rc)
{
	*why = text;
	return rc;
}

/* sig_failed - 1 when a statement's opening failed on its signature or
 * signer (rc from envelope_*_open).  Any other failure is a statement of
 * another kind or shape (a receipt among messages): its reason must not
 * say that the card's key did not sign it, which reads as a forgery. */
static int
sig_failed(status rc)
{
	return rc == ST_BADSIG || rc == ST_UNKNOWN_KEY;
}

static status
two_messages(const char *s[2], const size_t len[2], const struct card *card,
    struct forkproof_report *r, const char **why)
{
	struct message m[2];
	status rc = ST_OK;
	int i;

	for (i = 0; i < 2; i++)
		envelope_message_init(&m[i], FORKPROOF_MAX);
	if (envelope_message_fields(s[0], len[0], &m[0]) != ST_OK)
		rc = fail(why, "the first statement is not a message", ST_PARSE);
	for (i = 0; !rc && i < 2; i++) {
		rc = envelope_message_open(s[i], len[i], card->pk, m[0].to, &m[i]);
		if (rc == ST_RECIPIENT)
			rc = fail(why, "the two messages are to different recipients", ST_INVALID);
		else if (sig_failed(rc))
			rc = fail(why, i ? "the second message does not verify with the card's key" :
			    "the first message does not verify with the card's key", rc);
		else if (rc)
			rc = fail(why, i ? "the second statement is not a message" :
			    "the first statement is not a message", rc);
	}
	if (!rc && (strcmp(m[0].link, m[1].link) != 0 || m[0].seq != m[1].seq))
		rc = fail(why, "the two messages are for different links or sequence numbers",
		    ST_INVALID);
	if (!rc) {
		memcpy(r->to, m[0].to, sizeof r->to);
		memcpy(r->link, m[0].link, sizeof r->link);
		r->seq = m[0].seq;
		memcpy(r->ids[0], m[0].id, sizeof r->ids[0]);
		memcpy(r->ids[1], m[1].id, sizeof r->ids[1]);
	}
	for (i = 0; i < 2; i++)
		envelope_message_clear(&m[i]);
	return rc;
}

static status
two_receipts(const char *s[2], const size_t len[2], const struct card *card,
    struct forkproof_report *r, const char **why)
{
	struct receipt rc0, rc1, *rr[2] = { &rc0, &rc1 };
	uint8_t sig[IDENT_SIG_LEN];
	status rc;

	memset(&rc0, 0, sizeof rc0);
	if (envelope_receipt_fields(s[0], len[0], &rc0, sig) != ST_OK)
		return fail(why, "the first statement is not a receipt as parley signs them",
		    ST_PARSE);
	for (int i = 0; i < 2; i++) {
		char to[IDENT_KID_LEN];

		memcpy(to, rc0.to, sizeof to);
		if ((rc = envelope_receipt_open(s[i], len[i], card->pk, to, rr[i])) == ST_RECIPIENT)
			return fail(why, "the two receipts are to different parties", ST_INVALID);
		if (sig_failed(rc))
			return fail(why, i ? "the second receipt does not verify with the card's key" :
			    "the first receipt does not verify with the card's key", rc);
		if (rc)
			return fail(why, i ? "the second statement is not a receipt" :
			    "the first statement is not a receipt", rc);
	}
	if (strcmp(rc0.msg, rc1.msg) != 0 || strcmp(rc0.msg_sha256, rc1.msg_sha256) != 0 ||
	    strcmp(rc0.link, rc1.link) != 0 || rc0.seq != rc1.seq)
		return fail(why, "the two receipts are for different messages", ST_INVALID);
	memcpy(r->to, rc0.to, sizeof r->to);
	memcpy(r->link, rc0.link, sizeof r->link);
	r->seq = rc0.seq;
	memcpy(r->msg, rc0.msg, sizeof r->msg);
	memcpy(r->ids[0], rc0.id, sizeof r->ids[0]);
	memcpy(r->ids[1], rc1.id, sizeof r->ids[1]);
	return ST_OK;
}

static status
two_checkpoints(const char *s[2], const size_t len[2], const struct card *card,
    struct forkproof_report *r, const char **why)
{
	struct note_key key;
	struct ckpt c[2];

	if (note_key_init(&key, card->origin, NOTE_ED25519, card->pk) != ST_OK)
		return fail(why, "the card's log origin is not a valid signed-note key name",
		    ST_INVALID);
	for (int i = 0; i < 2; i++) {
		struct note_check chk;
		status rc = note_verify(s[i], len[i], &key, 1, &chk);

		if (rc == ST_PARSE || rc == ST_TOOBIG)
			return fail(why, i ? "the second statement is not a checkpoint" :
			    "the first statement is not a checkpoint", rc);
		if (rc)
			return fail(why, i ? "the second checkpoint is not signed by the card's key" :
			    "the first checkpoint is not signed by the card's key", rc);
		if ((rc = ckpt_parse(s[i], chk.text_len, &c[i])) != ST_OK)
			return fail(why, "a statement is not a checkpoint", rc);
		if (strcmp(c[i].origin, card->origin) != 0)
			return fail(why, "a checkpoint is not of the card's log", ST_INVALID);
	}
	if (c[0].size != c[1].size)
		return fail(why, "the checkpoints are of different sizes: that they are"
		    " inconsistent needs the log's consistency proof, which this file does"
		    " not hold", ST_INVALID);
	if (memcmp(c[0].root, c[1].root, sizeof c[0].root) == 0)
		return fail(why, "the two checkpoints agree", ST_INVALID);
	r->size = c[0].size;
	return ST_OK;
}

status
forkproof_verify(const char *proof, size_t n, const struct card *card,
    struct forkproof_report *r, const char **why)
{
	json_t *j, *st;
	const char *type, *kind, *s[2];
	size_t len[2];
	status rc;

	memset(r, 0, sizeof *r);
	*why = NULL;
	if (n > FORKPROOF_MAX)
		return fail(why, "the proof is too large", ST_TOOBIG);
	j = json_loadb(proof, n, JSON_REJECT_DUPLICATES, NULL);
	type = json_string_value(json_object_get(j, "type"));
	kind = json_string_value(json_object_get(j, "kind"));
	st = json_object_get(j, "statements");
	if (!json_is_object(j) || !type || strcmp(type, FORKPROOF_TYPE) != 0 ||
	    json_integer_value(json_object_get(j, "v")) != 1) {
		json_decref(j);
		return fail(why, "not a parley fork proof (type parley-fork, v 1)", ST_PARSE);
	}
	if (!kind_ok(kind) || json_array_size(st) != 2 ||
	    !json_is_string(json_array_get(st, 0)) || !json_is_string(json_array_get(st, 1))) {
		json_decref(j);
		return fail(why, "a fork proof needs a known kind and two statements", ST_PARSE);
	}
	for (int i = 0; i < 2; i++) {
		s[i] = json_string_value(json_array_get(st, (size_t)i));
		len[i] = json_string_length(json_array_get(st, (size_t)i));
	}
	snprintf(r->kind, sizeof r->kind, "%s", kind);
	r->signer = card;
	if (len[0] == len[1] && memcmp(s[0], s[1], len[0]) == 0)
		rc = fail(why, "the two statements are the same", ST_INVALID);
	else if (strcmp(kind, "message") == 0)
		rc = two_messages(s, len, card, r, why);
	else if (strcmp(kind, "receipt") == 0)
		rc = two_receipts(s, len, card, r, why);
	else
		rc = two_checkpoints(s, len, card, r, why);
	json_decref(j);
	return rc;
}

status
forkproof_describe(const struct forkproof_report *r, struct buf *out)
{
	const struct card *c = r->signer;

	if (strcmp(r->kind, "checkpoint") == 0)
		return buf_addf(out, "FORK PROVEN: %s (key %s) signed two different checkpoints"
		    " of its log at size %llu.\n", c->name, c->kid, (unsigned long long)r->size);
	if (strcmp(r->kind, "receipt") == 0)
		return buf_addf(out, "FORK PROVEN: %s (key %s) signed two different receipts for"
		    " message %s (link %s, seq %lld) from %s:\n  receipt %s\n  receipt %s\n",
		    c->name, c->kid, r->msg, r->link, (long long)r->seq, r->to, r->ids[0],
		    r->ids[1]);
	return buf_addf(out, "FORK PROVEN: %s (key %s) signed two different messages to %s for"
	    " link %s, seq %lld:\n  message %s\n  message %s\n", c->name, c->kid, r->to,
	    r->link, (long long)r->seq, r->ids[0], r->ids[1]);
}
