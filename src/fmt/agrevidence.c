/* agrevidence.c - the evidence bundle of an agreement (agrevidence.h):
 * make one, verify one against the parties' cards, and put what a
 * verified one proves into plain words.
 *
 * SECURITY: a bundle is untrusted input.  Its shape is checked whole
 * before any signature; then the document is verified with the cards
 * (matched by the key ids its payload names), and only then its payload
 * read.  The one thing read from an act before it verifies is the key id
 * its header names, to choose which party's card to verify it with:
 * agract_open then holds the header, the signature and the payload's
 * "by" to that very key.  A proof's cosigner must be another party of
 * this agreement, never a card that is merely given.  Text the parties
 * chose (the title, reasons) reaches a person only through text_escape,
 * and a `why` only as the printable ASCII agreement.c and agract.c give.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "util/text.h"
#include "crypto/jws.h"
#include "fmt/agrevidence.h"

#define HDR_MAX 1024		/* an act's protected header, decoded */
#define ACT_PROOF_PREFIX "act proof: "
#define NOT_COSIGNED ACT_PROOF_PREFIX "checkpoint not cosigned by the other party"

/* ---- making ---- */

/* put_text - set key to the string s[0..n) in j; 0 when s is not a string
 * JSON carries back unchanged (invalid UTF-8, or a NUL, which verify's
 * parser refuses). */
static int
put_text(json_t *j, const char *key, const char *s, size_t n)
{
	json_t *v;

	if (memchr(s, '\0', n) || !(v = json_stringn(s, n)))
		return 0;
	return json_object_set_new(j, key, v) == 0;
}

/* acts_json - the "acts" array of acts[0..n); ST_INVALID for a member
 * that is not UTF-8 text. */
static status
acts_json(const struct agrevidence_act *acts, size_t n, json_t **out)
{
	json_t *arr = json_array();

	*out = NULL;
	if (!arr)
		return ST_NOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		if (!o || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			return ST_NOMEM;
		}
		if (!put_text(o, "act", acts[i].act, acts[i].act_len) ||
		    !put_text(o, "proof", acts[i].proof, acts[i].proof_len)) {
			json_decref(arr);
			return ST_INVALID;	/* the caller's input, not memory */
		}
	}
	*out = arr;
	return ST_OK;
}

status
agrevidence_make(const char *doc, size_t doc_len, const struct agrevidence_act *acts,
    size_t n, struct buf *out)
{
	json_t *j = NULL, *d, *arr = NULL;
	size_t start = out->len;
	char *text = NULL;
	status rc;

	if (n > AGREVIDENCE_ACTS_MAX)
		return ST_TOOBIG;	/* make only what agrevidence_verify reads */
	d = json_loadb(doc, doc_len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(d)) {
		json_decref(d);
		return ST_PARSE;
	}
	rc = acts_json(acts, n, &arr);
	/* Members in the order of agrevidence.h: jansson keeps insertion order. */
	if (!rc && (!(j = json_object()) ||
	    json_object_set_new(j, "type", json_string(AGREVIDENCE_TYPE)) != 0 ||
	    json_object_set_new(j, "v", json_integer(1)) != 0 ||
	    json_object_set(j, "agreement", d) != 0 || json_object_set(j, "acts", arr) != 0))
		rc = ST_NOMEM;
	if (!rc && !(text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		rc = ST_NOMEM;
	if (!rc && strlen(text) + 1 > EVIDENCE_MAX)
		rc = ST_TOOBIG;
	if (!rc)
		rc = buf_adds(out, text);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	if (rc)
		buf_truncate(out, start);
	free(text);
	json_decref(j);
	json_decref(arr);
	json_decref(d);
	return rc;
}

/* ---- verifying ---- */

/* fail - "FMT..." into r->why, *why pointed at it; returns rc. */
static status __attribute__((format(printf, 4, 5)))
fail(struct agrevidence_report *r, const char **why, status rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
	*why = r->why;
	return rc;
}

/* The bundle's members, borrowed from its JSON. */
struct parts {
	json_t *doc;			/* the "agreement" object */
	size_t n_acts;
	const char *act[AGREVIDENCE_ACTS_MAX], *proof[AGREVIDENCE_ACTS_MAX];
	size_t act_len[AGREVIDENCE_ACTS_MAX], proof_len[AGREVIDENCE_ACTS_MAX];
};

/* only - 1 when every member of o is among names[0..n). */
static int
only(json_t *o, const char *const *names, size_t n)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;

		(void)v;
		for (i = 0; i < n && strcmp(k, names[i]) != 0; i++)
			;
		if (i == n)
			return 0;
	}
	return 1;
}

/* shape - the bundle's members, exactly; no signature checked yet. */
static status
shape(json_t *j, struct parts *p, struct agrevidence_report *r, const char **why)
{
	static const char *const top[] = { "type", "v", "agreement", "acts" };
	static const char *const act[] = { "act", "proof" };
	const json_t *type = json_object_get(j, "type"), *v = json_object_get(j, "v");
	json_t *acts;

	if (!json_is_string(type) || json_string_length(type) != strlen(AGREVIDENCE_TYPE) ||
	    strcmp(json_string_value(type), AGREVIDENCE_TYPE) != 0) {
		*why = "bundle type is not \"" AGREVIDENCE_TYPE "\"";
		return ST_INVALID;
	}
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		*why = "bundle version is not 1";
		return ST_INVALID;
	}
	if (!only(j, top, sizeof top / sizeof top[0])) {
		*why = "bundle has an unknown member";
		return ST_INVALID;
	}
	p->doc = json_object_get(j, "agreement");
	if (!json_is_object(p->doc)) {
		*why = "bundle lacks an agreement object";
		return ST_INVALID;
	}
	acts = json_object_get(j, "acts");
	if (!json_is_array(acts)) {
		*why = "bundle lacks an acts array";
		return ST_INVALID;
	}
	p->n_acts = json_array_size(acts);
	if (p->n_acts > AGREVIDENCE_ACTS_MAX) {
		*why = "bundle has more acts than AGREVIDENCE_ACTS_MAX";
		return ST_TOOBIG;
	}
	for (size_t i = 0; i < p->n_acts; i++) {
		json_t *o = json_array_get(acts, i);
		const json_t *a = json_object_get(o, "act"), *pr = json_object_get(o, "proof");

		if (!json_is_object(o) || !json_is_string(a) || !json_is_string(pr))
			return fail(r, why, ST_INVALID, "acts[%zu]: not an object of an act and a "
			    "proof string", i);
		if (!only(o, act, sizeof act / sizeof act[0]))
			return fail(r, why, ST_INVALID, "acts[%zu]: has an unknown member", i);
		p->act[i] = json_string_value(a);
		p->act_len[i] = json_string_length(a);
		p->proof[i] = json_string_value(pr);
		p->proof_len[i] = json_string_length(pr);
	}
	return ST_OK;
}

/* card_of - the card whose key id is kid, or NULL. */
static const struct card *
card_of(const struct card *cards, size_t n, const char *kid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cards[i].kid, kid) == 0)
			return &cards[i];
	return NULL;
}

/* header_kid - the key id the protected header of the compact JWS
 * jws[0..n) names, into kid: read unverified, only to choose the key to
 * verify with.  0 when there is none. */
static int
header_kid(const char *jws, size_t n, char kid[static IDENT_KID_LEN])
{
	struct jws_parts parts;
	struct buf hdr;
	json_t *h = NULL;
	const json_t *k;
	int ok = 0;

	buf_init(&hdr, HDR_MAX);
	if (jws_split(jws, n, &parts) == ST_OK &&
	    jws_b64_decode(&hdr, parts.hdr, parts.hdr_len) == ST_OK &&
	    (h = json_loadb(hdr.p, hdr.len, JSON_REJECT_DUPLICATES, NULL)) != NULL &&
	    json_is_string(k = json_object_get(h, "kid")) &&
	    json_string_length(k) == IDENT_KID_LEN - 1) {
		memcpy(kid, json_string_value(k), IDENT_KID_LEN);
		ok = 1;
	}
	json_decref(h);
	buf_free(&hdr);
	return ok;
}

/* The verifier's state while it walks the acts. */
struct walk {
	const struct card *cards;
	size_t n_cards;
	const struct agreement *a;
	int party[AGREVIDENCE_ACTS_MAX];	/* acts[i]'s party, an index into a's */
};

/* prove - acts[i]'s proof shows it in the log of party ps (card lc),
 * cosigned by another party: each tried in the payload's order.  Of the
 * failures the one named is the first that is not about the cosigner (it
 * got furthest, or failed before the cosigner mattered), else the first. */
static status
prove(const struct walk *w, const struct parts *p, size_t i, size_t ps, const struct card *lc,
    struct agrevidence_proven *out, struct agrevidence_report *r, const char **why)
{
	const char *best = NULL;
	status best_rc = ST_UNKNOWN_KEY;

	for (size_t j = 0; j < agreement_n_parties(w->a); j++) {
		const struct agreement_party *pt = agreement_party_at(w->a, j);
		const struct card *oc = card_of(w->cards, w->n_cards, pt->kid);
		const char *pwhy = NULL;
		status rc;

		if (j == ps || !oc)
			continue;
		rc = evidence_act_proof(p->proof[i], p->proof_len[i], p->act[i], p->act_len[i],
		    lc, oc, &out->log, &pwhy);
		if (rc == ST_OK) {
			memcpy(out->cosigner, pt->name, sizeof out->cosigner);
			return ST_OK;
		}
		if (!pwhy)
			pwhy = "act proof: does not verify";
		if (!best || (strcmp(best, NOT_COSIGNED) == 0 && strcmp(pwhy, NOT_COSIGNED) != 0)) {
			best = pwhy;
			best_rc = rc;
		}
	}
	if (!best)	/* no other party has a card: cannot be, every party signed */
		return fail(r, why, ST_UNKNOWN_KEY, "acts[%zu] proof: no other party's card", i);
	if (strncmp(best, ACT_PROOF_PREFIX, strlen(ACT_PROOF_PREFIX)) == 0)
		best += strlen(ACT_PROOF_PREFIX);
	return fail(r, why, best_rc, "acts[%zu] proof: %s", i, best);
}

/* check_act - acts[i]: by a party, verified with its card, on this text,
 * not a second of its kind, and in that party's cosigned log. */
static status
check_act(struct walk *w, const struct parts *p, size_t i, struct agrevidence_report *r,
    const char **why)
{
	struct agrevidence_proven *out = &r->acts[i];
	const struct agreement_party *pt = NULL;
	const struct card *lc;
	struct agract *act = NULL;
	char kid[IDENT_KID_LEN], awhy[AGRACT_WHY_MAX];
	size_t ps;
	status rc;

	if (!header_kid(p->act[i], p->act_len[i], kid))
		return fail(r, why, ST_PARSE, "acts[%zu]: not a compact JWS naming its signer's key",
		    i);
	for (ps = 0; ps < agreement_n_parties(w->a); ps++) {
		pt = agreement_party_at(w->a, ps);
		if (strcmp(pt->kid, kid) == 0)
			break;
	}
	if (ps == agreement_n_parties(w->a))
		return fail(r, why, ST_UNKNOWN_KEY, "acts[%zu]: signed by a key that is not a "
		    "party's", i);
	if (!(lc = card_of(w->cards, w->n_cards, kid)))	/* cannot be: every party signed */
		return fail(r, why, ST_UNKNOWN_KEY, "acts[%zu]: no card for party %s", i,
		    pt->name);
	rc = agract_open(p->act[i], p->act_len[i], lc->pk, &act, awhy);
	if (rc == ST_BADSIG)
		return fail(r, why, rc, "acts[%zu]: not signed by the party it names", i);
	if (rc)
		return fail(r, why, rc, "acts[%zu]: %s", i, awhy);
	if (strcmp(agract_agreement(act), r->id) != 0)
		rc = fail(r, why, ST_CONFLICT, "acts[%zu]: names another agreement", i);
	else if (strcmp(agract_payload_sha256(act), r->payload_sha256) != 0)
		rc = fail(r, why, ST_CONFLICT, "acts[%zu]: names another text (its payload_sha256 "
		    "is not the document's)", i);
	for (size_t k = 0; !rc && k < i; k++)
		if (w->party[k] == (int)ps && r->acts[k].kind == agract_kind(act))
			rc = fail(r, why, ST_INVALID, "acts[%zu]: %s's %s act again (as acts[%zu])",
			    i, pt->name, agract_kind_name(agract_kind(act)), k);
	if (!rc) {
		w->party[i] = (int)ps;
		memcpy(out->party, pt->name, sizeof out->party);
		out->kind = agract_kind(act);
		out->at_ms = agract_at_ms(act);
		snprintf(out->reason, sizeof out->reason, "%s", agract_reason(act));
	}
	agract_free(act);
	return rc ? rc : prove(w, p, i, ps, lc, out, r, why);
}

/* check_doc - the document verifies with the cards and every party signed. */
static status
check_doc(const struct parts *p, const struct card *cards, size_t n_cards,
    struct agreement **a, struct agrevidence_report *r, const char **why)
{
	struct agreement_cards set = { cards, n_cards };
	struct agreement_sigs sigs;
	char awhy[AGREEMENT_WHY_MAX];
	char *doc = json_dumps(p->doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	status rc;

	if (!doc)
		return ST_NOMEM;
	rc = agreement_verify(doc, strlen(doc), agreement_key_cards, &set, a, &sigs, awhy);
	if (rc)
		rc = fail(r, why, rc, "agreement: %s", awhy);
	else if (!agreement_sigs_complete(&sigs))
		rc = fail(r, why, ST_INVALID, "agreement: not signed by every party");
	else if (agract_doc_sha256(doc, strlen(doc), r->payload_sha256) != ST_OK)
		rc = fail(r, why, ST_PARSE, "agreement: no payload");	/* verified: cannot be */
	free(doc);
	if (rc)
		return rc;
	snprintf(r->id, sizeof r->id, "%s", agreement_id(*a));
	snprintf(r->title, sizeof r->title, "%s", agreement_title(*a));
	r->n_parties = agreement_n_parties(*a);
	for (size_t i = 0; i < r->n_parties; i++)
		memcpy(r->parties[i], agreement_party_at(*a, i)->name, sizeof r->parties[i]);
	return ST_OK;
}

status
agrevidence_verify(const char *bundle, size_t n, const struct card *cards, size_t n_cards,
    struct agrevidence_report *r, const char **why)
{
	struct agreement *a = NULL;
	struct parts p;
	struct walk w;
	json_error_t err;
	json_t *j;
	status rc;

	memset(r, 0, sizeof *r);
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
	memset(&p, 0, sizeof p);
	memset(&w, 0, sizeof w);
	rc = shape(j, &p, r, why);
	for (size_t i = 0; !rc && i < n_cards; i++)
		for (size_t k = i + 1; !rc && k < n_cards; k++)
			if (strcmp(cards[i].kid, cards[k].kid) == 0 ||
			    memcmp(cards[i].pk, cards[k].pk, IDENT_PK_LEN) == 0)
				rc = fail(r, why, ST_INVALID, "cards[%zu] and cards[%zu] are the "
				    "same key", i, k);
	if (!rc)
		rc = check_doc(&p, cards, n_cards, &a, r, why);
	if (!rc) {
		w.cards = cards;
		w.n_cards = n_cards;
		w.a = a;
		for (size_t i = 0; !rc && i < p.n_acts; i++)
			rc = check_act(&w, &p, i, r, why);
	}
	/* Every party's signature is also a statement of its own log. */
	for (size_t k = 0; !rc && k < r->n_parties; k++) {
		size_t i;

		for (i = 0; i < p.n_acts; i++)
			if (w.party[i] == (int)k && r->acts[i].kind == AGRACT_SIGN)
				break;
		if (i == p.n_acts)
			rc = fail(r, why, ST_INVALID, "party %s's signature is not in its log's "
			    "evidence", r->parties[k]);
	}
	if (!rc)
		r->n_acts = p.n_acts;
	agreement_free(a);
	json_decref(j);
	return rc;
}

/* ---- describing ---- */

/* add_quoted - s in double quotes, escaped for a person (text.h). */
static status
add_quoted(struct buf *out, const char *s)
{
	return text_escape(out, s, strlen(s), TEXT_QUOTED);
}

/* verb - what a party did, in words. */
static const char *
verb(enum agract_kind k)
{
	switch (k) {
	case AGRACT_SIGN: return "signed";
	case AGRACT_DECLINE: return "declined";
	case AGRACT_TERMINATE: return "gave notice of termination";
	default: return "acted";
	}
}

/* add_act - "  P VERB at T[, reason "R"]: leaf I of P's log, checkpoint
 * of size S cosigned by C at T\n" */
static status
add_act(struct buf *out, const struct agrevidence_proven *t)
{
	char at[STAMP_TIME_LEN];
	status rc;

	stamp_format(t->at_ms, at);
	rc = buf_addf(out, "  %s %s at %s", t->party, verb(t->kind), at);
	if (!rc && t->kind != AGRACT_SIGN) {
		rc = buf_adds(out, ", reason ");
		if (!rc)
			rc = add_quoted(out, t->reason);
	}
	if (!rc)
		rc = buf_addf(out, ": leaf %llu of %s's log, checkpoint of size %llu cosigned by "
		    "%s at ", (unsigned long long)t->log.index, t->party,
		    (unsigned long long)t->log.size, t->cosigner);
	if (!rc)
		rc = evidence_add_time(out, t->log.cosigned_at);
	return rc ? rc : buf_adds(out, "\n");
}

status
agrevidence_describe(const struct agrevidence_report *r, struct buf *out)
{
	size_t start = out->len;
	status rc;

	rc = buf_addf(out, "AGREEMENT PROVEN: %s  ", r->id);
	if (!rc)
		rc = add_quoted(out, r->title);
	if (!rc)
		rc = buf_adds(out, "\n  parties: ");
	for (size_t i = 0; !rc && i < r->n_parties; i++)
		rc = buf_addf(out, "%s%s", i ? ", " : "", r->parties[i]);
	if (!rc)
		rc = buf_addf(out, " (every party signed)\n  payload SHA-256 %s, the text every "
		    "act names\n", r->payload_sha256);
	for (size_t i = 0; !rc && i < r->n_acts; i++)
		rc = add_act(out, &r->acts[i]);
	if (rc)
		buf_truncate(out, start);
	return rc;
}
