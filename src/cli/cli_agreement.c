/* cli_agreement.c - parley agreement: draft, propose, sign, decline,
 * terminate, list, show, verify (docs/AGREEMENTS.md).
 *
 * draft, list and show read the node's store (show verifies the document
 * and every act on it again with the keys pinned); propose, sign, decline
 * and terminate go through parleyd, which signs, keeps and sends; verify
 * needs no node and no network: the signed document and the parties'
 * cards are enough.  A reason a party gave is its text: it is escaped
 * wherever a person reads it.
 */
#include <getopt.h>
#include <string.h>

#include "agree/agree.h"
#include "api/apiclient.h"
#include "cli/cli.h"
#include "fmt/agract.h"
#include "fmt/agreement.h"
#include "fmt/card.h"
#include "node/node.h"
#include "node/policy.h"
#include "store/store_msg.h"
#include "store/store_peer.h"
#include "util/file.h"
#include "util/stamp.h"
#include "util/text.h"

#define CARDS_MAX AGREEMENT_PARTIES_MAX

static const char agreement_usage[] =
    "usage: parley agreement draft PEER [PEER...] [--title TEXT] [--dir DIR] > draft.json\n"
    "       parley agreement propose FILE [--dir DIR]\n"
    "       parley agreement sign ID [--dir DIR]\n"
    "       parley agreement decline ID --reason TEXT [--dir DIR]\n"
    "       parley agreement terminate ID --reason TEXT [--dir DIR]\n"
    "       parley agreement list [--json] [--dir DIR]\n"
    "       parley agreement show ID [--json | --jws] [--dir DIR]\n"
    "       parley agreement verify FILE --card CARD [--card CARD...] [--json]\n"
    "       parley agreement import FILE [--dir DIR]\n"
    "       parley agreement breaches [--json] [--dir DIR]\n"
    "  draft   print an agreement between this node and the pinned PEERs, with\n"
    "          defaults for the links urgent, cert, leaders and wg, to edit\n"
    "          (docs/AGREEMENTS.md says what every field means)\n"
    "  propose check FILE (a payload: a draft as edited), sign it, keep it and\n"
    "          send it to every other party; prints its id (last line)\n"
    "  sign    countersign agreement ID received from a party, keep it and send\n"
    "          it to every other party; prints its id (last line)\n"
    "  decline refuse proposal ID, which this node has not signed, for the\n"
    "          reason given: no party can sign it after; prints its id\n"
    "  terminate  give notice to end agreement ID, signed by every party: it\n"
    "          ends its notice period from now; prints its id\n"
    "  list    every agreement held: id, state, effective, expires, who signed\n"
    "          (state: declined, proposed, signed, superseded, terminated,\n"
    "          expired, terminating, in force)\n"
    "  show    one agreement, after verifying every signature and act again:\n"
    "          who signed, declined, gave notice (why, and when it ends),\n"
    "          what it supersedes or is superseded by; --jws prints the signed\n"
    "          document (JWS General Serialization)\n"
    "  verify  check a signed agreement (JWS General Serialization) offline\n"
    "          against the parties' cards: its schema and every signature.\n"
    "          Exits 0 when every party has signed and every signature\n"
    "          verifies; 1 naming the problem, or the parties yet to sign.\n"
    "          Needs no node: --dir and $PARLEY_DIR are ignored.\n"
    "  import  hold a signed agreement carried by hand (parley agreement show\n"
    "          --jws at another party): verified with the keys pinned, merged\n"
    "          with the signatures held; works with parleyd stopped, and tells a\n"
    "          running one; prints its id (last line)\n"
    "  breaches the messages peers sent that an agreement did not allow: each\n"
    "          refused (HTTP 451) and kept whole as signed evidence\n";

struct party_of {
	struct agreement_party *p;
	int found;
};

static int
party_row(void *arg, const struct store_peer *sp)
{
	struct party_of *po = arg;

	snprintf(po->p->kid, sizeof po->p->kid, "%s", sp->kid);
	po->found = 1;
	return 1;
}

static int
draft(const char *dir, char **names, int n_names, const char *title)
{
	struct agreement_party parties[AGREEMENT_PARTIES_MAX];
	char why[AGREEMENT_WHY_MAX] = "", id[STAMP_UUID_LEN];
	struct node *n;
	struct buf out;
	size_t np = 0;
	status rc;
	int e = 0;

	if (n_names + 1 > AGREEMENT_PARTIES_MAX)
		return cli_fail("an agreement has at most %d parties", AGREEMENT_PARTIES_MAX);
	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	memset(parties, 0, sizeof parties);
	snprintf(parties[np].name, sizeof parties[np].name, "%s", node_config(n)->name);
	snprintf(parties[np].kid, sizeof parties[np].kid, "%s", ident_kid(node_ident(n)));
	np++;
	for (int i = 0; i < n_names && !e; i++) {
		struct party_of po = { &parties[np], 0 };

		snprintf(parties[np].name, sizeof parties[np].name, "%s", names[i]);
		rc = card_name_ok(names[i]) ?
		    store_peer_find(node_store(n), names[i], NULL, party_row, &po) : ST_INVALID;
		if (rc == ST_INVALID || (rc == ST_NOTFOUND && !po.found))
			e = cli_fail("%s: no such pinned peer (see parley peer list)",
			    cli_text(names[i], 0));
		else if (rc && rc != ST_NOTFOUND)
			e = cli_fail("cannot read the pinned peers: %s", status_str(rc));
		np++;
	}
	node_close(n);
	if (e)
		return e;
	stamp_uuid7(id);
	buf_init(&out, AGREEMENT_PAYLOAD_MAX);
	rc = agreement_draft(parties, np, title, id, stamp_now_ms(), &out, why);
	e = rc ? cli_fail("cannot make the draft: %s", why[0] ? why : status_str(rc)) :
	    fwrite(out.p, 1, out.len, stdout) != out.len;
	buf_free(&out);
	return e;
}

static int
verify(const char *path, char **cardpaths, int n_cards, int json)
{
	struct card cards[CARDS_MAX];
	struct agreement_cards ac = { cards, 0 };
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	char why[AGREEMENT_WHY_MAX] = "";
	struct buf text, missing;
	json_t *parties;
	status rc;
	int e;

	for (int i = 0; i < n_cards; i++)
		if (cli_load_card(cardpaths[i], &cards[ac.n++]))
			return 1;
	buf_init(&text, AGREEMENT_DOC_MAX);
	rc = file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read: %s", path, status_str(rc));
	}
	memset(&sigs, 0, sizeof sigs);
	rc = agreement_verify(text.p, text.len, agreement_key_cards, &ac, &a, &sigs, why);
	buf_free(&text);
	if (rc)
		return cli_fail("agreement does NOT verify: %s (%s)", why[0] ? why : "invalid",
		    status_str(rc));
	parties = json_array();
	buf_init(&missing, 4096);
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const struct agreement_party *p = agreement_party_at(a, i);

		json_array_append_new(parties, json_pack("{s:s, s:s, s:b}", "name", p->name,
		    "kid", p->kid, "signed", sigs.signed_by[i]));
		if (!sigs.signed_by[i] && buf_addf(&missing, "%s%s", missing.len ? ", " : "",
		    p->name) != ST_OK)
			buf_reset(&missing);
	}
	if (json)
		(void)cli_json(json_pack("{s:s, s:s, s:O, s:b}", "id", agreement_id(a), "title",
		    agreement_title(a), "parties", parties, "complete",
		    agreement_sigs_complete(&sigs)));
	else
		printf("agreement %s \"%s\": %zu of %zu parties signed, every signature valid\n",
		    agreement_id(a), cli_text(agreement_title(a), 0), sigs.n_signed,
		    sigs.n_parties);
	e = agreement_sigs_complete(&sigs) ? 0 :
	    cli_fail("not every party has signed: missing %s", buf_str(&missing));
	json_decref(parties);
	buf_free(&missing);
	agreement_free(a);
	return e;
}

static int
propose(const char *dir, const char *path)
{
	struct buf text;
	status rc;
	int e;

	buf_init(&text, AGREEMENT_PAYLOAD_MAX);
	rc = strcmp(path, "-") == 0 ? file_read_fd(0, &text) : file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read: %s", path, status_str(rc));
	}
	e = cli_ask(dir, json_pack("{s:s, s:s%}", "op", "agreement_propose", "payload", text.p,
	    text.len));
	buf_free(&text);
	return e;
}

struct listing {
	json_t *arr;
	int json, n;
	int64_t now;
};

static int
list_row(void *arg, const struct store_agree *a)
{
	struct listing *l = arg;
	char eff[32], exp[32];

	cli_time(a->effective_ms, eff);
	if (a->expires_ms == AGREEMENT_NEVER)
		snprintf(exp, sizeof exp, "never");
	else
		cli_time(a->expires_ms, exp);
	l->n++;
	if (l->json) {
		json_array_append_new(l->arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		    " s:I, s:I}", "id", a->id, "title", a->title, "state", policy_state(a, l->now),
		    "effective", eff, "expires", exp, "parties", a->parties, "signed", a->signed_by,
		    "n_parties", (json_int_t)a->n_parties, "n_signed", (json_int_t)a->n_signed));
		return 0;
	}
	printf("%-36s  %-11s  %-24s  %-24s  %s  signed: %s\n    %s\n", a->id,
	    policy_state(a, l->now), eff, exp, a->parties, a->signed_by[0] ? a->signed_by : "-",
	    cli_text(a->title, 0));
	return 0;
}

struct locals {
	struct listing *l;
	struct node *n;
	struct policy *p;	/* read before the pins are listed (list) */
};

/* local_row - a pin's local agreement (node/policy.h), while it stands. */
static int
local_row(void *arg, const struct store_peer *sp)
{
	struct locals *lc = arg;
	const char *links = lc->p ? policy_local(lc->p, sp->kid, lc->l->now) : NULL;
	char parties[2 * CARD_NAME_MAX + 2];

	if (!links)
		return 0;
	snprintf(parties, sizeof parties, "%s,%s", node_config(lc->n)->name, sp->name);
	lc->l->n++;
	if (lc->l->json) {
		json_array_append_new(lc->l->arr, json_pack("{s:s, s:s, s:s, s:n, s:n, s:s, s:s,"
		    " s:s}", "id", "local", "title", "local agreement (the previous version's"
		    " --links)", "state", "local", "effective", "expires", "parties", parties,
		    "signed", node_config(lc->n)->name, "links", links));
		return 0;
	}
	printf("%-36s  %-9s  %-24s  %-24s  %s  links: %s\n    local agreement: replace it"
	    " (parley agreement draft %s)\n", "local", "local", "-", "-", parties, links,
	    sp->name);
	return 0;
}

static int
list(const char *dir, int json)
{
	struct listing l = { json ? json_array() : NULL, json, 0, stamp_now_ms() };
	struct locals lc;
	struct node *n;
	status rc;
	int e = 0;

	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	rc = store_agree_list(node_store(n), list_row, &l);
	/* The policy is read before the pins are listed, not at the first
	 * local_row: reading it lists the pins too, and that would reset the
	 * statement this listing steps, freeing the row local_row reads. */
	lc = (struct locals){ &l, n, node_policy(n) };
	if (!rc)
		rc = store_peer_list(node_store(n), local_row, &lc);
	node_close(n);
	if (rc)
		e = cli_fail("cannot read the agreements: %s", status_str(rc));
	else if (json)
		e = cli_json(json_incref(l.arr));
	else if (l.n == 0)
		printf("no agreements held\n");
	json_decref(l.arr);
	return e;
}

struct shown {
	struct buf *doc;
	struct store_agree row;	/* the numbers and times; strings below */
	char supersedes[STAMP_UUID_LEN];	/* "": none */
	char declined_by[CARD_NAME_MAX + 1];
	status rc;
};

static int
show_row(void *arg, const struct store_agree *a)
{
	struct shown *s = arg;

	s->row = *a;
	snprintf(s->supersedes, sizeof s->supersedes, "%s", a->supersedes ? a->supersedes : "");
	snprintf(s->declined_by, sizeof s->declined_by, "%s", a->declined_by);
	s->row.id = s->row.doc = s->row.title = s->row.parties = s->row.signed_by = NULL;
	s->row.supersedes = s->supersedes[0] ? s->supersedes : NULL;
	s->row.declined_by = s->declined_by;
	s->rc = buf_adds(s->doc, a->doc);
	return 1;
}

/* The fully signed agreement held that supersedes id, if any. */
struct successor {
	const char *id;
	char found[STAMP_UUID_LEN];
};

static int
successor_row(void *arg, const struct store_agree *a)
{
	struct successor *s = arg;

	if (!a->supersedes || strcmp(a->supersedes, s->id) != 0 || a->n_signed < a->n_parties)
		return 0;
	snprintf(s->found, sizeof s->found, "%s", a->id);
	return 1;
}

/* The acts on one agreement, each opened again with its signer's pinned
 * key and checked to name the payload held. */
struct acts_of {
	struct node *n;
	const struct agreement *a;
	const char *sha;
	json_t *arr;
	char why[AGRACT_WHY_MAX + CARD_NAME_MAX + 64];
};

static int
act_row(void *arg, const struct store_agree_act *t)
{
	struct acts_of *x = arg;
	const struct agreement_party *pt = agreement_party(x->a, t->by_kid);
	char why[AGRACT_WHY_MAX] = "", at[32], ends[32];
	uint8_t pk[IDENT_PK_LEN];
	struct agract *act = NULL;
	int64_t end;

	if (!pt || agree_key(x->n, pt->name, t->by_kid, pk) != ST_OK) {
		snprintf(x->why, sizeof x->why, "an act by %s: no pinned key of a party", t->by_kid);
		return 1;
	}
	if (agract_open(t->jws, strlen(t->jws), pk, &act, why) != ST_OK ||
	    strcmp(agract_agreement(act), agreement_id(x->a)) != 0 ||
	    strcmp(agract_payload_sha256(act), x->sha) != 0) {
		snprintf(x->why, sizeof x->why, "an act by %s does NOT verify: %s", pt->name,
		    why[0] ? why : "it names another text");
		agract_free(act);
		return 1;
	}
	end = agract_at_ms(act) + agreement_notice_s(x->a) * 1000;
	json_array_append_new(x->arr, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "act",
	    agract_kind_name(agract_kind(act)), "by", pt->name, "at",
	    cli_time(agract_at_ms(act), at), "reason", agract_reason(act), "ends",
	    agract_kind(act) == AGRACT_TERMINATE ? cli_time(end, ends) : NULL));
	agract_free(act);
	return 0;
}

/* show_acts - the human lines of what parties did to the agreement. */
static void
show_acts(const struct shown *sh, json_t *acts, const char *successor)
{
	char t[32];
	size_t i;
	json_t *x;

	json_array_foreach(acts, i, x) {
		const char *act = json_string_value(json_object_get(x, "act"));
		int notice = strcmp(act, agract_kind_name(AGRACT_TERMINATE)) == 0;

		if (strcmp(act, agract_kind_name(AGRACT_SIGN)) == 0) {
			printf("signed by %s at %s\n", json_string_value(json_object_get(x, "by")),
			    json_string_value(json_object_get(x, "at")));
			continue;
		}
		printf("%s by %s at %s: %s", notice ? "notice of termination" : "declined",
		    json_string_value(json_object_get(x, "by")),
		    json_string_value(json_object_get(x, "at")),
		    cli_text(json_string_value(json_object_get(x, "reason")), TEXT_QUOTED));
		if (notice)
			printf(" (ends %s)", json_string_value(json_object_get(x, "ends")));
		printf("\n");
	}
	if (sh->row.ends_ms != INT64_MAX)
		printf("ends %s (the earliest notice)\n", cli_time(sh->row.ends_ms, t));
	if (sh->supersedes[0])
		printf("supersedes %s\n", sh->supersedes);
	if (successor[0])
		printf("superseded by %s from %s\n", successor, cli_time(sh->row.superseded_ms, t));
}

/* declined_json - {"by","at","reason"} of the decline that stands, or null. */
static json_t *
declined_json(const struct shown *sh, json_t *acts)
{
	char t[32];
	size_t i;
	json_t *x;

	if (!sh->row.declined_ms)
		return json_null();
	cli_time(sh->row.declined_ms, t);
	json_array_foreach(acts, i, x)
		if (strcmp(json_string_value(json_object_get(x, "act")), "decline") == 0 &&
		    strcmp(json_string_value(json_object_get(x, "by")), sh->declined_by) == 0 &&
		    strcmp(json_string_value(json_object_get(x, "at")), t) == 0)
			return json_pack("{s:s, s:s, s:O}", "by", sh->declined_by, "at", t,
			    "reason", json_object_get(x, "reason"));
	return json_pack("{s:s, s:s, s:n}", "by", sh->declined_by, "at", t, "reason");
}

static int
show(const char *dir, const char *id, int json, int jws)
{
	char why[AGREEMENT_WHY_MAX] = "", sha[AGRACT_SHA_HEX], t1[32], t2[32];
	struct agreement_sigs sigs;
	struct agreement *a = NULL;
	struct buf doc;
	struct shown sh = { .doc = &doc };
	struct successor succ = { id, "" };
	struct acts_of x = { NULL, NULL, sha, NULL, "" };
	struct node *n;
	status rc;
	int e = 0;

	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	buf_init(&doc, AGREEMENT_DOC_MAX);
	rc = store_agree_get(node_store(n), id, show_row, &sh);
	if (!rc)
		rc = sh.rc;
	if (rc == ST_NOTFOUND)
		e = cli_fail("no agreement %s is held (parley agreement list)", cli_text(id, 0));
	else if (rc)
		e = cli_fail("cannot read agreement %s: %s", cli_text(id, 0), status_str(rc));
	else if ((rc = agreement_verify(doc.p, doc.len, agree_key, n, &a, &sigs, why)) != ST_OK)
		e = cli_fail("agreement %s as held does NOT verify: %s", cli_text(id, 0), why);
	else if (jws)
		e = fwrite(doc.p, 1, doc.len, stdout) != doc.len;
	else {
		json_t *parties = json_array();
		const char *state = policy_state(&sh.row, stamp_now_ms());

		x.n = n;
		x.a = a;
		x.arr = json_array();
		rc = agract_doc_sha256(doc.p, doc.len, sha);
		if (!rc)
			rc = store_agree_act_list(node_store(n), id, act_row, &x);
		if (!rc && sh.row.superseded_ms != INT64_MAX)
			rc = store_agree_list(node_store(n), successor_row, &succ);
		for (size_t i = 0; i < agreement_n_parties(a); i++)
			json_array_append_new(parties, json_pack("{s:s, s:s, s:b}", "name",
			    agreement_party_at(a, i)->name, "kid", agreement_party_at(a, i)->kid,
			    "signed", sigs.signed_by[i]));
		if (rc)
			e = cli_fail("cannot read the acts on agreement %s: %s", id, status_str(rc));
		else if (x.why[0])
			e = cli_fail("agreement %s: %s", id, x.why);
		else if (json)
			e = cli_json(json_pack("{s:s, s:s, s:s, s:O, s:b, s:s?, s:s?, s:s?, s:o, s:s?,"
			    " s:O}", "id", agreement_id(a), "title", agreement_title(a), "state", state,
			    "parties", parties, "complete", agreement_sigs_complete(&sigs),
			    "supersedes", agreement_supersedes(a), "superseded_by",
			    succ.found[0] ? succ.found : NULL, "superseded_from",
			    succ.found[0] ? cli_time(sh.row.superseded_ms, t1) : NULL,
			    "declined", declined_json(&sh, x.arr), "ends",
			    sh.row.ends_ms != INT64_MAX ? cli_time(sh.row.ends_ms, t2) : NULL,
			    "acts", x.arr));
		else {
			size_t i;
			json_t *p;

			printf("agreement %s \"%s\"\n", agreement_id(a), cli_text(agreement_title(a),
			    0));
			json_array_foreach(parties, i, p) {
				printf("  %-16s %s  %s\n", json_string_value(json_object_get(p, "name")),
				    json_string_value(json_object_get(p, "kid")),
				    json_is_true(json_object_get(p, "signed")) ? "signed" : "not signed");
			}
			printf("%zu of %zu parties signed; every signature verifies\n", sigs.n_signed,
			    sigs.n_parties);
			printf("state: %s\n", state);
			show_acts(&sh, x.arr, succ.found);
		}
		json_decref(parties);
		json_decref(x.arr);
	}
	agreement_free(a);
	buf_free(&doc);
	node_close(n);
	return e;
}

static int
import(const char *dir, const char *path)
{
	char why[AGREEMENT_WHY_MAX] = "", id[STAMP_UUID_LEN];
	struct node *n;
	struct buf text;
	status rc;
	int e = 0;

	buf_init(&text, AGREEMENT_DOC_MAX);
	rc = strcmp(path, "-") == 0 ? file_read_fd(0, &text) : file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read: %s", path, status_str(rc));
	}
	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir))) {
		buf_free(&text);
		return 1;
	}
	rc = agree_import(n, text.p, text.len, id, why);
	buf_free(&text);
	if (rc)
		e = cli_fail("%s: not imported: %s", path, why[0] ? cli_text(why, 0) :
		    status_str(rc));
	else if (cli_reload(n))
		e = cli_fail("agreement %s is held, but the running parleyd did not read it;"
		    " restart it", id);
	else
		printf("%s\n", id);
	node_close(n);
	return e;
}

struct breaches {
	json_t *arr;
	int n;
};

static int
breach_row(void *arg, const struct store_in *m)
{
	struct breaches *b = arg;
	char when[32];

	cli_time(m->received_ms, when);
	b->n++;
	if (b->arr) {
		json_array_append_new(b->arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s,"
		    " s:s, s:s%}", "id", m->id, "peer", m->peer, "link", m->link,
		    "seq", (json_int_t)m->seq, "type", m->type, "priority", m->priority,
		    "subject", m->subject, "received_at", when, "reason", m->reason,
		    "jws", m->jws, m->jws_len));
		return 0;
	}
	printf("%s  %s  %-8s %s seq %lld  %s/%s\n    %s\n    subject: %s\n", when, m->id,
	    m->peer, m->link, (long long)m->seq, m->type, m->priority, cli_text(m->reason, 0),
	    cli_text(m->subject, 0));
	return 0;
}

static int
breaches(const char *dir, int json)
{
	struct breaches b = { json ? json_array() : NULL, 0 };
	struct node *n;
	status rc;

	if (!(dir = cli_dir(dir)) || !(n = cli_open(dir)))
		return 1;
	rc = store_in_breaches(node_store(n), breach_row, &b);
	node_close(n);
	if (rc) {
		json_decref(b.arr);
		return cli_fail("cannot read the store: %s", status_str(rc));
	}
	if (json)
		return cli_json(b.arr);
	if (b.n == 0)
		printf("no breaches: every message peers sent was allowed by an agreement\n");
	return 0;
}

int
cli_agreement(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "title", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ "card", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "jws", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *title = NULL, *reason = NULL, *what;
	char *cards[CARDS_MAX];
	int ch, n_cards = 0, json = 0, jws = 0, args;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 't': title = optarg; break;
		case 'r': reason = optarg; break;
		case 'c':
			if (n_cards == CARDS_MAX)
				return cli_fail("at most %d --card options", CARDS_MAX);
			cards[n_cards++] = optarg;
			break;
		case 'j': json = 1; break;
		case 'w': jws = 1; break;
		case 'h': return cli_usage(agreement_usage, 0);
		default: return cli_usage(agreement_usage, 1);
		}
	}
	if (optind >= argc)
		return cli_usage(agreement_usage, 1);
	what = argv[optind];
	args = argc - optind - 1;
	if (strcmp(what, "verify") != 0 && n_cards)
		return cli_usage(agreement_usage, 1);
	if (strcmp(what, "draft") == 0 && args >= 1 && !json && !jws && !reason)
		return draft(dir, argv + optind + 1, args, title);
	if ((strcmp(what, "decline") == 0 || strcmp(what, "terminate") == 0) && args == 1 &&
	    !json && !jws && !title) {
		if (!reason)
			return cli_fail("agreement %s takes --reason TEXT: the parties read why", what);
		return cli_ask(dir, json_pack("{s:s, s:s, s:s}", "op", what[0] == 'd' ?
		    "agreement_decline" : "agreement_terminate", "id", argv[optind + 1], "reason",
		    reason));
	}
	if (reason)
		return cli_usage(agreement_usage, 1);
	if (title || (jws && strcmp(what, "show") != 0) || (json && jws))
		return cli_usage(agreement_usage, 1);
	if (strcmp(what, "propose") == 0 && args == 1 && !json)
		return propose(dir, argv[optind + 1]);
	if (strcmp(what, "sign") == 0 && args == 1 && !json)
		return cli_ask(dir, json_pack("{s:s, s:s}", "op", "agreement_sign", "id",
		    argv[optind + 1]));
	if (strcmp(what, "list") == 0 && args == 0)
		return list(dir, json);
	if (strcmp(what, "import") == 0 && args == 1 && !json)
		return import(dir, argv[optind + 1]);
	if (strcmp(what, "breaches") == 0 && args == 0)
		return breaches(dir, json);
	if (strcmp(what, "show") == 0 && args == 1)
		return show(dir, argv[optind + 1], json, jws);
	if (argc - optind == 2 && strcmp(argv[optind], "verify") == 0 && !title) {
		if (n_cards == 0)	/* --dir is taken, and not used: no node */
			return cli_fail("agreement verify takes FILE and a --card for each party");
		return verify(argv[optind + 1], cards, n_cards, json);
	}
	return cli_usage(agreement_usage, 1);
}
