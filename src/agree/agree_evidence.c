/* agree_evidence.c - the evidence bundle of an agreement (agree.h,
 * fmt/agrevidence.h): the signed document and every act on it held here,
 * each with the proof that it is a leaf of its signer's cosigned log.
 *
 * Our own acts are proven from our log, against a checkpoint a party has
 * cosigned; a party's acts are proven by that party (POST
 * /v1/witness/prove with the act's SHA-256), fetched over the pinned link.
 * The bundle is verified, with the parties' cards as pinned, before it is
 * handed over.
 */
#include <stdlib.h>
#include <string.h>

#include "agree/agree_int.h"
#include "fmt/agrevidence.h"
#include "log/ledger.h"
#include "log/witness.h"
#include "store/store.h"

/* One act in the bundle being made. */
struct aact {
	char *jws;
	char by[IDENT_KID_LEN];
	struct buf proof;
};

/* One bundle being made: its document, its acts, the proofs still asked. */
struct ajob {
	struct agree *g;
	agree_evidence_fn fn;	/* NULL once cancelled */
	void *arg;
	struct buf doc;
	struct aact v[AGREVIDENCE_ACTS_MAX];
	size_t n, pending;
	char error[300];
	struct ajob *next;
};

/* A proof asked of a party, for act i of job j. */
struct afetch {
	struct ajob *j;
	size_t i;
};

static void
job_free(struct ajob *j)
{
	struct ajob **pp;

	for (pp = &j->g->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].jws);
		buf_free(&j->v[i].proof);
	}
	buf_free(&j->doc);
	free(j);
}

void
agree_jobs_free(struct agree *g)
{
	while (g->jobs)
		job_free(g->jobs);
}

void
agree_cancel(struct agree *g, void *arg)
{
	for (struct ajob *j = g->jobs; j; j = j->next)
		if (j->arg == arg)
			j->fn = NULL;
}

/* ---- cards ---- */

struct cards {
	struct card v[AGREEMENT_PARTIES_MAX];
	size_t n;
	status rc;
};

static int
card_row(void *arg, const struct store_peer *sp)
{
	struct cards *c = arg;

	if (c->n < AGREEMENT_PARTIES_MAX &&
	    card_parse(sp->card, strlen(sp->card), &c->v[c->n]) == ST_OK)
		c->n++;
	return 1;
}

/* party_cards - this node's card and the pinned card of every other party
 * of a, into c. */
static status
party_cards(struct agree *g, const struct agreement *a, struct cards *c)
{
	struct buf own;
	status rc;

	c->n = 0;
	buf_init(&own, CARD_MAX_BYTES);
	rc = node_card(g->node, &own);
	if (!rc)
		rc = card_parse(own.p, own.len, &c->v[c->n]);
	buf_free(&own);
	if (rc)
		return rc;
	c->n++;
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const struct agreement_party *pt = agreement_party_at(a, i);
		struct peer *pr = peers_by_name(g->peers, pt->name);

		if (pr && strcmp(pr->kid, pt->kid) == 0 &&
		    store_peer_get(node_store(g->node), pr->id, card_row, c) != ST_OK)
			return ST_DB;
	}
	return ST_OK;
}

/* ---- finishing ---- */

/* finish - every proof is in (or one failed): make the bundle, verify it,
 * hand it over. */
static void
finish(struct ajob *j)
{
	struct agrevidence_act acts[AGREVIDENCE_ACTS_MAX];
	struct agrevidence_report *r = NULL;
	struct agreement *a = NULL;
	struct cards *c = NULL;
	char why[AGREEMENT_WHY_MAX];
	const char *bad = NULL;
	struct buf bundle;
	status rc = ST_OK;

	if (!j->fn) {
		job_free(j);
		return;
	}
	if (j->error[0]) {
		j->fn(j->arg, NULL, 0, j->error);
		job_free(j);
		return;
	}
	buf_init(&bundle, EVIDENCE_MAX);
	for (size_t i = 0; i < j->n; i++)
		acts[i] = (struct agrevidence_act){ j->v[i].jws, strlen(j->v[i].jws),
		    j->v[i].proof.p, j->v[i].proof.len };
	if (!(c = calloc(1, sizeof *c)) || !(r = calloc(1, sizeof *r)))
		rc = ST_NOMEM;
	if (!rc)
		rc = agreement_read(j->doc.p, j->doc.len, &a, why);
	if (!rc)
		rc = party_cards(j->g, a, c);
	if (!rc)
		rc = agrevidence_make(j->doc.p, j->doc.len, acts, j->n, &bundle);
	if (!rc && (rc = agrevidence_verify(bundle.p, bundle.len, c->v, c->n, r, &bad)) != ST_OK)
		snprintf(j->error, sizeof j->error, "the bundle does not verify: %s",
		    bad ? bad : status_str(rc));
	else if (rc)
		snprintf(j->error, sizeof j->error, "%s", status_str(rc));
	if (j->error[0])
		j->fn(j->arg, NULL, 0, j->error);
	else
		j->fn(j->arg, bundle.p, bundle.len, NULL);
	agreement_free(a);
	free(c);
	free(r);
	buf_free(&bundle);
	job_free(j);
}

static void
on_proof(void *arg, status st, const char *body, size_t len, const char *error)
{
	struct afetch *f = arg;
	struct ajob *j = f->j;
	struct aact *x = &j->v[f->i];

	if (st != ST_OK && !j->error[0])
		snprintf(j->error, sizeof j->error, "a party did not give the proof of its act: %s"
		    "%.*s", st == ST_DOWN ? error : "", st == ST_DOWN || !body ? 0 :
		    (int)(len > 160 ? 160 : len), body ? body : "");
	else if (st == ST_OK && buf_add(&x->proof, body, len) != ST_OK && !j->error[0])
		snprintf(j->error, sizeof j->error, "out of memory");
	free(f);
	if (--j->pending == 0)
		finish(j);
}

/* ---- starting ---- */

static int
doc_row(void *arg, const struct store_agree *a)
{
	struct ajob *j = arg;

	if (buf_adds(&j->doc, a->doc) != ST_OK)
		buf_reset(&j->doc);
	return 1;
}

static int
act_row(void *arg, const struct store_agree_act *t)
{
	struct ajob *j = arg;
	struct aact *x;

	if (j->n == AGREVIDENCE_ACTS_MAX)
		return 1;
	x = &j->v[j->n];
	if (!(x->jws = strdup(t->jws)))
		return 1;
	snprintf(x->by, sizeof x->by, "%s", t->by_kid);
	buf_init(&x->proof, 64u << 10);
	j->n++;
	return 0;
}

/* prove_ours - the proof of our act x (its SHA-256 sha), against a
 * checkpoint one of a's other parties cosigned. */
static status
prove_ours(struct agree *g, const struct agreement *a, struct aact *x, const char *sha,
    const char **why)
{
	status rc = ST_NOTFOUND;

	*why = "no other party is pinned";
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const struct agreement_party *pt = agreement_party_at(a, i);
		struct peer *pr = peers_by_name(g->peers, pt->name);

		if (!pr || strcmp(pr->kid, pt->kid) != 0)
			continue;
		buf_reset(&x->proof);
		rc = ledger_prove(g->node, sha, pr->id, NULL, &x->proof, why);
		if (!rc)
			return ST_OK;
	}
	if (rc == ST_TIMEOUT)
		*why = "our act is not yet in a checkpoint of our log a party has cosigned;"
		    " try again in a moment";
	return rc;
}

status
agree_evidence(struct agree *g, const char *id, agree_evidence_fn fn, void *arg,
    const char **why)
{
	const char *self = ident_kid(node_ident(g->node));
	struct store *st = node_store(g->node);
	struct agreement *a = NULL;
	char w[AGREEMENT_WHY_MAX];
	struct ajob *j;
	size_t i;
	status rc;

	*why = NULL;
	if (!(j = calloc(1, sizeof *j)))
		return ST_NOMEM;
	j->g = g;
	j->fn = fn;
	j->arg = arg;
	buf_init(&j->doc, AGREE_BODY_MAX);
	j->next = g->jobs;
	g->jobs = j;
	rc = store_agree_get(st, id, doc_row, j);
	if (rc == ST_NOTFOUND)
		*why = "no agreement with that id is held here";
	if (!rc && (!j->doc.len || agreement_read(j->doc.p, j->doc.len, &a, w) != ST_OK))
		rc = ST_DB;
	if (!rc && (rc = store_agree_act_list(st, id, act_row, j)) != ST_OK)
		*why = "cannot read the acts held";
	for (i = 0; !rc && i < j->n; i++) {
		struct aact *x = &j->v[i];
		const struct agreement_party *pt = agreement_party(a, x->by);
		char sha[ENV_HASH_HEX];

		envelope_hash(x->jws, strlen(x->jws), sha);
		if (strcmp(x->by, self) == 0) {
			rc = prove_ours(g, a, x, sha, why);
		} else {
			struct afetch *f = calloc(1, sizeof *f);
			struct peer *pr = pt ? peers_by_name(g->peers, pt->name) : NULL;

			if (!f || !pr || strcmp(pr->kid, x->by) != 0 || !g->witness) {
				free(f);
				*why = "a party that acted on it is no longer pinned with its key:"
				    " the proof of its act cannot be fetched";
				rc = ST_UNKNOWN_KEY;
				break;
			}
			*f = (struct afetch){ j, i };
			j->pending++;
			rc = witness_fetch_proof(g->witness, pr->name, sha, on_proof, f);
			if (rc) {
				j->pending--;
				free(f);
			}
		}
	}
	agreement_free(a);
	if (rc && !*why)
		*why = status_str(rc);
	if (rc && j->pending) {
		/* fetches in flight call back: the job ends with the last */
		snprintf(j->error, sizeof j->error, "%s", *why);
		j->fn = NULL;
		return rc;
	}
	if (rc) {
		job_free(j);
		return rc;
	}
	if (j->pending == 0)
		finish(j);
	return ST_OK;
}
