/* test_policy_check.c - the questions node/policy answers per message
 * (policy_send, policy_receive, policy_local, policy_reload), against a
 * store in a temp dir holding agreements signed by test keys: which
 * agreement a message goes under and with which label; each clause that
 * refuses, named; what is not in force (not fully signed, not yet
 * effective, expired, superseded) and whom an agreement binds; what a
 * receiver refuses for good (ST_BREACH) and what it asks again later
 * (ST_DOWN); the local agreement of an old pin, and its end.  (policy_state
 * is test_policy.c's.) */
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

#include "fmt/agreement.h"
#include "node/policy.h"
#include "store/store.h"
#include "testcheck.h"
#include "testdir.h"
#include "testkeys.h"

#define DAY_MS (86400 * (int64_t)1000)
#define MAX_BODY (1024 * 1024)	/* the node's max_body: bounds the local agreement */

/* alice is this node; bob and carol its peers; dave a key no agreement names */
static struct ident *alice, *bob, *carol, *dave;
static struct ident *everyone[4];
static const char *const names[] = { "alpha", "bravo", "charlie", "delta" };
static int64_t now;	/* 2027-03-01T00:00:00Z: every test's "now" */

struct fx {
	char dir[64];
	struct store *st;
	struct policy *p;
};

/* ---- agreements, as a node holds them -------------------------------- */

static status
lookup(void *arg, const char *name, const char *kid, uint8_t pk[static IDENT_PK_LEN])
{
	(void)arg, (void)name;
	for (size_t i = 0; i < 4; i++)
		if (strcmp(ident_kid(everyone[i]), kid) == 0) {
			memcpy(pk, ident_pk(everyone[i]), IDENT_PK_LEN);
			return ST_OK;
		}
	return ST_NOTFOUND;
}

/* draft - agreement_draft's payload for parties (their names as in names[],
 * by key), effective at effective_ms, as a tree to edit; id gets its id. */
static json_t *
draft(struct ident *const *parties, size_t n, int64_t effective_ms,
    char id[static STAMP_UUID_LEN])
{
	struct agreement_party ps[4];
	char why[AGREEMENT_WHY_MAX];
	struct buf d;
	json_t *j;

	memset(ps, 0, sizeof ps);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (everyone[k] != parties[i])
			k++;
		snprintf(ps[i].name, sizeof ps[i].name, "%s", names[k]);
		snprintf(ps[i].kid, sizeof ps[i].kid, "%s", ident_kid(parties[i]));
	}
	stamp_uuid7(id);
	buf_init(&d, AGREEMENT_PAYLOAD_MAX);
	EXPECT(agreement_draft(ps, n, NULL, id, effective_ms, &d, why), ST_OK);
	j = json_loadb(d.p, d.len, 0, NULL);
	assert_non_null(j);
	buf_free(&d);
	return j;
}

/* set - the member at the dotted path (objects only) of j to the JSON text
 * value; NULL deletes it. */
static void
set(json_t *j, const char *path, const char *value)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		assert_true((size_t)(dot - path) < sizeof key);
		memcpy(key, path, (size_t)(dot - path));
		key[dot - path] = '\0';
		j = json_object_get(j, key);
		assert_non_null(j);
		path = dot + 1;
	}
	if (value)
		assert_int_equal(json_object_set_new(j, path, json_loads(value, JSON_DECODE_ANY,
		    NULL)), 0);
	else
		assert_int_equal(json_object_del(j, path), 0);
}

/* set_time - the member key of j to the time ms, as a JSON string. */
static void
set_time(json_t *j, const char *key, int64_t ms)
{
	char t[STAMP_TIME_LEN];

	stamp_format(ms, t);
	assert_int_equal(json_object_set_new(j, key, json_string(t)), 0);
}

/* hold - sign payload j (taken) by signers[0], countersigned by the rest,
 * and hold the document in st as the agreements service does: verified
 * once, with the row its verification gives (agree.c's agree_summary). */
static void
hold(struct store *st, json_t *j, struct ident *const *signers, size_t n_signers)
{
	char why[AGREEMENT_WHY_MAX], parties[1024] = "", signed_by[1024] = "";
	char *text = json_dumps(j, JSON_INDENT(2));
	struct agreement_sigs sigs;
	struct store_agree row;
	struct agreement *a;
	struct buf doc, next;

	assert_non_null(text);
	buf_init(&doc, AGREEMENT_DOC_MAX);
	EXPECT(agreement_sign(signers[0], text, strlen(text), &doc, why), ST_OK);
	for (size_t i = 1; i < n_signers; i++) {
		buf_init(&next, AGREEMENT_DOC_MAX);
		EXPECT(agreement_countersign(signers[i], doc.p, doc.len, lookup, NULL, &next, why),
		    ST_OK);
		buf_free(&doc);
		doc = next;
	}
	EXPECT(agreement_verify(doc.p, doc.len, lookup, NULL, &a, &sigs, why), ST_OK);
	memset(&row, 0, sizeof row);
	for (size_t i = 0; i < agreement_n_parties(a); i++) {
		const char *name = agreement_party_at(a, i)->name;

		snprintf(parties + strlen(parties), sizeof parties - strlen(parties), "%s%s",
		    i ? "," : "", name);
		if (sigs.signed_by[i])
			snprintf(signed_by + strlen(signed_by), sizeof signed_by - strlen(signed_by),
			    "%s%s", signed_by[0] ? "," : "", name);
	}
	row.id = agreement_id(a);
	row.doc = buf_str(&doc);
	row.title = agreement_title(a);
	row.parties = parties;
	row.signed_by = signed_by;
	row.n_parties = (int64_t)sigs.n_parties;
	row.n_signed = (int64_t)sigs.n_signed;
	row.effective_ms = agreement_effective_ms(a);
	row.expires_ms = agreement_expires_ms(a);
	EXPECT(store_agree_put(st, &row, now), ST_OK);
	agreement_free(a);
	buf_free(&doc);
	free(text);
	json_decref(j);
}

/* agree - hold the draft between parties, effective a day before now,
 * signed by all of them; id gets its id. */
static void
agree(struct fx *f, struct ident *const *parties, size_t n, char id[static STAMP_UUID_LEN])
{
	hold(f->st, draft(parties, n, now - DAY_MS, id), parties, n);
}

/* pin - pin peer as `peer add --links` did before agreements: links is its
 * local agreement. */
static void
pin(struct fx *f, struct ident *peer, const char *name, const char *links)
{
	struct store_peer sp;

	memset(&sp, 0, sizeof sp);
	sp.name = name;
	memcpy(sp.pk, ident_pk(peer), IDENT_PK_LEN);
	sp.kid = ident_kid(peer);
	sp.endpoint = "https://127.0.0.1:7402";
	sp.links = links;
	sp.card = "{}";
	sp.added_ms = now - 30 * DAY_MS;
	EXPECT(store_peer_add(f->st, &sp, NULL), ST_OK);
}

/* load - (re)make the policy of alice from the store. */
static void
load(struct fx *f)
{
	policy_free(f->p);
	f->p = NULL;
	EXPECT(policy_new(f->st, ident_kid(alice), MAX_BODY, &f->p), ST_OK);
}

/* ---- asking ---------------------------------------------------------- */

/* A message's terms: link, type, priority, body size, label, agreement. */
static struct policy_msg
msg(const char *link, const char *type, const char *prio, size_t size, const char *tlp,
    const char *agreement)
{
	struct policy_msg m = { link, type, prio, size, tlp, agreement, NULL };

	return m;
}

#define CERT(tlp, agreement) msg("cert", "indicator", "routine", 100, tlp, agreement)

/* send_as - policy_send of p to peer at t: the status, and (want_agreement,
 * want_tlp on ST_OK, NULL: not checked) what the message is to carry, or
 * (on refusal) a why starting with want_why; on refusal nothing is to be
 * carried. */
#define SEND(p, peer, m, t, rc, agr, tlp, why) \
	send_as(__LINE__, p, peer, m, t, rc, agr, tlp, why)
static void
send_as(int line, struct policy *p, const struct ident *peer, struct policy_msg m, int64_t t,
    status want, const char *want_agreement, const char *want_tlp, const char *want_why)
{
	char agreement[STAMP_UUID_LEN] = "x", tlp[TLP_NAME_MAX] = "x", why[AGREEMENT_WHY_MAX];
	status rc = policy_send(p, ident_kid(peer), &m, t, agreement, tlp, why);

	if (rc != want)
		fail_msg("line %d: got \"%s\" (%s), want \"%s\"", line, status_str(rc), why,
		    status_str(want));
	if (rc == ST_OK) {
		if (want_agreement && strcmp(agreement, want_agreement) != 0)
			fail_msg("line %d: sent under %s, want %s", line, agreement, want_agreement);
		if (want_tlp && strcmp(tlp, want_tlp) != 0)
			fail_msg("line %d: labelled %s, want %s", line, tlp, want_tlp);
		return;
	}
	if (agreement[0] || tlp[0])
		fail_msg("line %d: refused, yet agreement \"%s\" tlp \"%s\"", line, agreement, tlp);
	if (want_why && strncmp(why, want_why, strlen(want_why)) != 0)
		fail_msg("line %d: why \"%s\", want \"%s...\"", line, why, want_why);
	if (!why[0])
		fail_msg("line %d: refused without a why", line);
}

/* RECV - policy_receive of p from peer at t: the status, and a why starting
 * with want_why (NULL: any) when refused. */
#define RECV(p, peer, m, t, rc, why) recv_as(__LINE__, p, peer, m, t, rc, why)
static void
recv_as(int line, struct policy *p, const struct ident *peer, struct policy_msg m, int64_t t,
    status want, const char *want_why)
{
	char why[AGREEMENT_WHY_MAX];
	status rc = policy_receive(p, ident_kid(peer), &m, t, why);

	if (rc != want)
		fail_msg("line %d: got \"%s\" (%s), want \"%s\"", line, status_str(rc), why,
		    status_str(want));
	if (rc != ST_OK && want_why && strncmp(why, want_why, strlen(want_why)) != 0)
		fail_msg("line %d: why \"%s\", want \"%s...\"", line, why, want_why);
	if (rc != ST_OK && !why[0])
		fail_msg("line %d: refused without a why", line);
}

/* ---- fixture --------------------------------------------------------- */

static int
teardown(void **state)
{
	struct fx *f = *state;

	policy_free(f->p);
	store_close(f->st);
	if (f->dir[0])
		(void)testdir_remove(f->dir);
	free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char path[128];

	if (!f)
		return -1;
	*state = f;
	snprintf(f->dir, sizeof f->dir, "/tmp/parley-test-policy-XXXXXX");
	if (!mkdtemp(f->dir)) {
		f->dir[0] = '\0';
		(void)teardown(state);
		return -1;
	}
	snprintf(path, sizeof path, "%s/parley.db", f->dir);
	if (store_open(path, 1, &f->st) != ST_OK) {
		(void)teardown(state);	/* cmocka skips teardown when setup fails */
		return -1;
	}
	return 0;
}

/* ---- sending ---------------------------------------------------------- */

/* The agreement in force that allows the message, and the link's tlp_max
 * when no label is given; of two, the newest that allows it. */
static void
test_send_picks(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob };
	char old[STAMP_UUID_LEN], new[STAMP_UUID_LEN];
	json_t *j;

	hold(f->st, draft(ab, 2, now - 2 * DAY_MS, old), ab, 2);
	load(f);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, old, "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("leaders", "message", "flash", 100, NULL, NULL), now, ST_OK, old,
	    "TLP:RED", NULL);
	SEND(f->p, bob, msg("wg", "minutes", "routine", 100, NULL, NULL), now, ST_OK, old,
	    "TLP:GREEN", NULL);
	SEND(f->p, bob, msg("urgent", "notification", "flash", 0, NULL, NULL), now, ST_OK, old,
	    "TLP:AMBER", NULL);
	/* a template the link lists: the body must be a form of it (fmt/deskmsg.h) */
	{
		static const char form[] = "{\"form\":{},\"template\":\"comm-check\",\"version\":1}";
		struct policy_msg m = msg("urgent", "comm-check", "flash", 0, NULL, NULL);

		SEND(f->p, bob, m, now, ST_INVALID, NULL, NULL,
		    "not a form of template comm-check: (body): not JSON");
		m.body = form;
		m.body_size = sizeof form - 1;
		SEND(f->p, bob, m, now, ST_OK, old, "TLP:AMBER", NULL);
		m.body = "{\"form\":{\"x\":1},\"template\":\"comm-check\",\"version\":1}";
		m.body_size = strlen(m.body);
		SEND(f->p, bob, m, now, ST_INVALID, NULL, NULL,
		    "not a form of template comm-check: form.x: unknown member");
		/* and a desk statement must be one, on any link */
		m = msg("cert", "desk.ack", "routine", 2, NULL, NULL);
		m.body = "{}";
		SEND(f->p, bob, m, now, ST_INVALID, NULL, NULL,
		    "not a desk.ack statement: ack: missing");
	}
	/* a label given is carried as given, up to tlp_max */
	SEND(f->p, bob, CERT("TLP:CLEAR", NULL), now, ST_OK, old, "TLP:CLEAR", NULL);
	SEND(f->p, bob, CERT("TLP:AMBER", NULL), now, ST_OK, old, "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("leaders", "reply", "immediate", 262144, "TLP:AMBER+STRICT", NULL),
	    now, ST_OK, old, "TLP:AMBER+STRICT", NULL);

	/* a newer one, narrower on cert (GREEN, no "incident"), wider on wg */
	j = draft(ab, 2, now - DAY_MS, new);
	set(j, "links.cert.tlp_max", "\"TLP:GREEN\"");
	set(j, "links.cert.types", "[\"advisory\", \"indicator\"]");
	set(j, "links.wg.tlp_max", "\"TLP:AMBER\"");
	hold(f->st, j, ab, 2);
	load(f);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, new, "TLP:GREEN", NULL);
	SEND(f->p, bob, CERT("TLP:GREEN", NULL), now, ST_OK, new, "TLP:GREEN", NULL);
	SEND(f->p, bob, CERT("TLP:AMBER", NULL), now, ST_OK, old, "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("cert", "incident", "routine", 1, NULL, NULL), now, ST_OK, old,
	    "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("wg", "minutes", "routine", 1, NULL, NULL), now, ST_OK, new,
	    "TLP:AMBER", NULL);
	/* what neither allows: the newest one's clause */
	SEND(f->p, bob, CERT("TLP:RED", NULL), now, ST_LINK, NULL, NULL,
	    "links.cert.tlp_max is TLP:GREEN; the message is TLP:RED");
}

/* Each clause that refuses is named; a label that is not TLP 2.0's is not
 * a question of terms; no agreement with the peer, or none naming the
 * link, is ST_NOTFOUND. */
static void
test_send_refuses(void **state)
{
	static const struct {
		const char *name;
		const char *link, *type, *prio;
		size_t size;
		const char *tlp;
		status rc;
		const char *why;
	} cases[] = {
		{ "type", "cert", "minutes", "routine", 1, NULL, ST_LINK,
		    "links.cert.types does not include \"minutes\"" },
		{ "priority", "cert", "indicator", "flash", 1, NULL, ST_LINK,
		    "links.cert.priorities does not include \"flash\"" },
		{ "size", "cert", "indicator", "routine", 1048577, NULL, ST_LINK,
		    "links.cert.max_body is 1048576 bytes; the message body is 1048577" },
		{ "size on leaders", "leaders", "message", "flash", 262145, NULL, ST_LINK,
		    "links.leaders.max_body is 262144 bytes; the message body is 262145" },
		{ "label", "cert", "indicator", "routine", 1, "TLP:RED", ST_LINK,
		    "links.cert.tlp_max is TLP:AMBER; the message is TLP:RED" },
		{ "label AMBER+STRICT", "urgent", "notification", "flash", 1, "TLP:AMBER+STRICT",
		    ST_LINK, "links.urgent.tlp_max is TLP:AMBER; the message is TLP:AMBER+STRICT" },
		/* a link the agreement does not name: no agreement names it */
		{ "link", "wg", "minutes", "routine", 1, NULL, ST_NOTFOUND,
		    "no agreement in force with this peer names link wg" },
		{ "TLP 1.0's TLP:WHITE", "cert", "indicator", "routine", 1, "TLP:WHITE", ST_INVALID,
		    "not a TLP 2.0 label" },
		{ "label in lowercase", "cert", "indicator", "routine", 1, "tlp:amber", ST_INVALID,
		    "not a TLP 2.0 label" },
		{ "label empty", "cert", "indicator", "routine", 1, "", ST_INVALID,
		    "not a TLP 2.0 label" },
	};
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob };
	char id[STAMP_UUID_LEN];
	json_t *j;

	j = draft(ab, 2, now - DAY_MS, id);
	set(j, "links.wg", NULL);
	hold(f->st, j, ab, 2);
	load(f);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char agreement[STAMP_UUID_LEN], tlp[TLP_NAME_MAX], why[AGREEMENT_WHY_MAX];
		struct policy_msg m = msg(cases[i].link, cases[i].type, cases[i].prio,
		    cases[i].size, cases[i].tlp, NULL);
		status rc = policy_send(f->p, ident_kid(bob), &m, now, agreement, tlp, why);

		if (rc != cases[i].rc || strncmp(why, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("%s: got \"%s\" (%s), want \"%s\" (%s)", cases[i].name, why,
			    status_str(rc), cases[i].why, status_str(cases[i].rc));
		if (agreement[0] || tlp[0])
			fail_msg("%s: refused, yet it names %s %s", cases[i].name, agreement, tlp);
	}
	/* no agreement binds carol or dave */
	SEND(f->p, carol, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL,
	    "no agreement in force with this peer");
	SEND(f->p, dave, CERT("TLP:CLEAR", NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
}

/* --agreement: the one named, when it is in force between the two; never
 * another in its stead. */
static void
test_send_named(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob }, *ac[2] = { alice, carol };
	char a1[STAMP_UUID_LEN], a2[STAMP_UUID_LEN], ac_id[STAMP_UUID_LEN];
	char half[STAMP_UUID_LEN], unknown[STAMP_UUID_LEN];
	json_t *j;

	hold(f->st, draft(ab, 2, now - 2 * DAY_MS, a1), ab, 2);
	j = draft(ab, 2, now - DAY_MS, a2);
	set(j, "links.cert.tlp_max", "\"TLP:RED\"");
	hold(f->st, j, ab, 2);
	agree(f, ac, 2, ac_id);
	hold(f->st, draft(ab, 2, now - DAY_MS, half), ab, 1);	/* bob has not signed */
	stamp_uuid7(unknown);
	load(f);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, a2, "TLP:RED", NULL);
	SEND(f->p, bob, CERT(NULL, a1), now, ST_OK, a1, "TLP:AMBER", NULL);
	SEND(f->p, bob, CERT(NULL, a2), now, ST_OK, a2, "TLP:RED", NULL);
	/* the one named refuses: its clause, not another agreement's consent */
	SEND(f->p, bob, CERT("TLP:RED", a1), now, ST_LINK, NULL, NULL,
	    "links.cert.tlp_max is TLP:AMBER; the message is TLP:RED");
	/* unknown, binding others, not signed by all */
	SEND(f->p, bob, CERT(NULL, unknown), now, ST_NOTFOUND, NULL, NULL, "agreement ");
	SEND(f->p, bob, CERT(NULL, ac_id), now, ST_NOTFOUND, NULL, NULL, "agreement ");
	SEND(f->p, carol, CERT(NULL, ac_id), now, ST_OK, ac_id, "TLP:AMBER", NULL);
	SEND(f->p, carol, CERT(NULL, a1), now, ST_NOTFOUND, NULL, NULL, "agreement ");
	SEND(f->p, bob, CERT(NULL, half), now, ST_NOTFOUND, NULL, NULL, "agreement ");
	/* "local" with no local agreement */
	SEND(f->p, bob, CERT(NULL, ENV_AGREEMENT_LOCAL), now, ST_NOTFOUND, NULL, NULL, NULL);
}

/* In force: every party signed, from effective up to (not at) expires. */
static void
test_in_force(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob }, *ac[2] = { alice, carol };
	char id[STAMP_UUID_LEN], half[STAMP_UUID_LEN], again[STAMP_UUID_LEN];
	int64_t eff = now + DAY_MS, exp = now + 10 * DAY_MS;
	json_t *j;

	j = draft(ab, 2, eff, id);
	set_time(j, "expires", exp);
	hold(f->st, j, ab, 2);
	hold(f->st, draft(ac, 2, now - DAY_MS, half), ac, 1);	/* carol has not signed */
	load(f);
	SEND(f->p, bob, CERT(NULL, NULL), eff - 1, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(f->p, bob, CERT(NULL, id), eff - 1, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(f->p, bob, CERT(NULL, NULL), eff, ST_OK, id, "TLP:AMBER", NULL);
	SEND(f->p, bob, CERT(NULL, NULL), exp - 1, ST_OK, id, "TLP:AMBER", NULL);
	SEND(f->p, bob, CERT(NULL, NULL), exp, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(f->p, bob, CERT(NULL, id), exp, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(f->p, carol, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);

	/* carol signs: the same agreement, now in force */
	j = draft(ac, 2, now - DAY_MS, again);
	assert_int_equal(json_object_set_new(j, "id", json_string(half)), 0);
	hold(f->st, j, ac, 2);
	load(f);
	SEND(f->p, carol, CERT(NULL, NULL), now, ST_OK, half, "TLP:AMBER", NULL);
}

/* policy_in_force: the agreements in force with a peer, the last held
 * first; not one that is not yet effective or not signed by all, nor the
 * local agreement; a non-zero return stops the walk. */
struct seen {
	char ids[4][STAMP_UUID_LEN];
	size_t n, stop_at;
};

static int
seen_one(void *arg, const struct agreement *a)
{
	struct seen *s = arg;

	assert_true(s->n < 4);
	snprintf(s->ids[s->n++], STAMP_UUID_LEN, "%s", agreement_id(a));
	return s->n == s->stop_at;
}

static void
test_in_force_walk(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob }, *ac[2] = { alice, carol };
	char one[STAMP_UUID_LEN], two[STAMP_UUID_LEN], later[STAMP_UUID_LEN];
	char half[STAMP_UUID_LEN];
	struct seen s;

	agree(f, ab, 2, one);
	agree(f, ab, 2, two);
	hold(f->st, draft(ab, 2, now + DAY_MS, later), ab, 2);	/* not yet effective */
	hold(f->st, draft(ac, 2, now - DAY_MS, half), ac, 1);	/* carol has not signed */
	pin(f, carol, "charlie", "wg");				/* a local agreement */
	load(f);
	memset(&s, 0, sizeof s);
	policy_in_force(f->p, ident_kid(bob), now, seen_one, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.ids[0], two);
	assert_string_equal(s.ids[1], one);
	memset(&s, 0, sizeof s);
	s.stop_at = 1;
	policy_in_force(f->p, ident_kid(bob), now, seen_one, &s);
	assert_int_equal(s.n, 1);
	memset(&s, 0, sizeof s);
	policy_in_force(f->p, ident_kid(bob), now + DAY_MS, seen_one, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ids[0], later);
	memset(&s, 0, sizeof s);
	policy_in_force(f->p, ident_kid(carol), now, seen_one, &s);
	policy_in_force(f->p, ident_kid(dave), now, seen_one, &s);
	policy_in_force(f->p, ident_kid(alice), now, seen_one, &s);	/* itself */
	assert_int_equal(s.n, 0);
}

/* Of three parties every pair is bound, and no one else. */
static void
test_three_parties(void **state)
{
	struct fx *f = *state;
	struct ident *abc[3] = { alice, bob, carol };
	char id[STAMP_UUID_LEN], two[STAMP_UUID_LEN];
	struct ident *abd[3] = { alice, bob, dave };
	struct policy *bobs;

	agree(f, abc, 3, id);
	hold(f->st, draft(abd, 3, now - DAY_MS, two), abd, 2);	/* dave has not signed */
	load(f);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, id, "TLP:AMBER", NULL);
	SEND(f->p, carol, CERT(NULL, NULL), now, ST_OK, id, "TLP:AMBER", NULL);
	SEND(f->p, dave, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(f->p, dave, CERT(NULL, id), now, ST_NOTFOUND, NULL, NULL, NULL);
	RECV(f->p, carol, CERT("TLP:AMBER", id), now, ST_OK, NULL);
	RECV(f->p, dave, CERT("TLP:AMBER", id), now, ST_BREACH, "agreement ");
	/* bob's node: the pair bob-carol is bound too, and alice is to it */
	EXPECT(policy_new(f->st, ident_kid(bob), MAX_BODY, &bobs), ST_OK);
	SEND(bobs, carol, CERT(NULL, NULL), now, ST_OK, id, "TLP:AMBER", NULL);
	SEND(bobs, alice, CERT(NULL, NULL), now, ST_OK, id, "TLP:AMBER", NULL);
	SEND(bobs, dave, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(bobs, bob, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);	/* itself */
	RECV(bobs, alice, CERT("TLP:AMBER", id), now, ST_OK, NULL);
	policy_free(bobs);
}

/* ---- receiving ------------------------------------------------------- */

/* By this node's own copy: ST_OK; a breach of a clause, named; ST_DOWN
 * while the agreement may yet come into force here; ST_BREACH once it
 * has ended, or when it does not bind the sender. */
static void
test_receive(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob }, *ac[2] = { alice, carol };
	char id[STAMP_UUID_LEN], half[STAMP_UUID_LEN], later[STAMP_UUID_LEN];
	char ended[STAMP_UUID_LEN], unknown[STAMP_UUID_LEN], theirs[STAMP_UUID_LEN];
	int64_t exp = now - DAY_MS;
	json_t *j;

	agree(f, ab, 2, id);
	hold(f->st, draft(ab, 2, now - DAY_MS, half), ab, 1);
	hold(f->st, draft(ab, 2, now + DAY_MS, later), ab, 2);
	j = draft(ab, 2, now - 10 * DAY_MS, ended);
	set_time(j, "expires", exp);
	hold(f->st, j, ab, 2);
	hold(f->st, draft(ac, 2, now - DAY_MS, theirs), ac, 2);
	stamp_uuid7(unknown);
	load(f);

	RECV(f->p, bob, CERT("TLP:AMBER", id), now, ST_OK, NULL);
	RECV(f->p, bob, CERT("TLP:CLEAR", id), now, ST_OK, NULL);
	RECV(f->p, bob, msg("leaders", "message", "flash", 262144, "TLP:RED", id), now, ST_OK,
	    NULL);
	/* each clause */
	RECV(f->p, bob, CERT("TLP:RED", id), now, ST_BREACH,
	    "links.cert.tlp_max is TLP:AMBER; the message is TLP:RED");
	RECV(f->p, bob, msg("cert", "minutes", "routine", 1, "TLP:CLEAR", id), now, ST_BREACH,
	    "links.cert.types does not include \"minutes\"");
	RECV(f->p, bob, msg("cert", "indicator", "flash", 1, "TLP:CLEAR", id), now, ST_BREACH,
	    "links.cert.priorities does not include \"flash\"");
	RECV(f->p, bob, msg("cert", "indicator", "routine", 1048577, "TLP:CLEAR", id), now,
	    ST_BREACH, "links.cert.max_body is 1048576 bytes; the message body is 1048577");
	RECV(f->p, bob, msg("ops", "indicator", "routine", 1, "TLP:CLEAR", id), now, ST_BREACH,
	    "links.ops: no such link");
	RECV(f->p, bob, CERT("TLP:WHITE", id), now, ST_BREACH, NULL);
	/* not in force here yet: asked again later */
	RECV(f->p, bob, CERT("TLP:AMBER", unknown), now, ST_DOWN, "agreement ");
	RECV(f->p, bob, CERT("TLP:AMBER", half), now, ST_DOWN, "agreement ");
	RECV(f->p, bob, CERT("TLP:AMBER", later), now, ST_DOWN, "agreement ");
	RECV(f->p, bob, CERT("TLP:AMBER", later), now + DAY_MS, ST_OK, NULL);
	/* ended, or not the sender's */
	RECV(f->p, bob, CERT("TLP:AMBER", ended), now, ST_BREACH, "agreement ");
	RECV(f->p, bob, CERT("TLP:AMBER", ended), exp - 1, ST_OK, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", theirs), now, ST_BREACH, "agreement ");
	RECV(f->p, carol, CERT("TLP:AMBER", theirs), now, ST_OK, NULL);
	RECV(f->p, carol, CERT("TLP:AMBER", id), now, ST_BREACH, "agreement ");
	RECV(f->p, dave, CERT("TLP:AMBER", id), now, ST_BREACH, "agreement ");
	/* version 1 (no agreement named) and no local agreement */
	RECV(f->p, bob, CERT(NULL, NULL), now, ST_BREACH, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", ENV_AGREEMENT_LOCAL), now, ST_BREACH, NULL);
}

/* superseding - hold, between alice and bob, an agreement effective at
 * effective_ms, superseding prev, whose cert link's tlp_max is GREEN
 * (narrower than the draft's AMBER), signed by n_signers of the two. */
static void
superseding(struct fx *f, const char *prev, int64_t effective_ms, size_t n_signers,
    char id[static STAMP_UUID_LEN])
{
	struct ident *ab[2] = { alice, bob };
	char quoted[STAMP_UUID_LEN + 2];
	json_t *j = draft(ab, 2, effective_ms, id);

	snprintf(quoted, sizeof quoted, "\"%s\"", prev);
	set(j, "supersedes", quoted);
	set(j, "links.cert.tlp_max", "\"TLP:GREEN\"");
	if (n_signers < 2)
		set(j, "links.leaders", NULL);
	hold(f->st, j, ab, n_signers);
}

/* An agreement that expired, superseded by one in force: a message still
 * naming it is read by its successor's terms. */
static void
test_superseded_expired(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob };
	char gone[STAMP_UUID_LEN], next[STAMP_UUID_LEN];
	int64_t exp = now - DAY_MS;
	json_t *j;

	j = draft(ab, 2, now - 10 * DAY_MS, gone);
	set_time(j, "expires", exp);
	hold(f->st, j, ab, 2);
	load(f);
	RECV(f->p, bob, CERT("TLP:AMBER", gone), now, ST_BREACH, "agreement ");
	superseding(f, gone, exp, 2, next);
	load(f);
	RECV(f->p, bob, CERT("TLP:GREEN", gone), now, ST_OK, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", gone), now, ST_BREACH,
	    "links.cert.tlp_max is TLP:GREEN; the message is TLP:AMBER");
	RECV(f->p, bob, CERT("TLP:AMBER", gone), exp - 1, ST_OK, NULL);	/* before its end */
	/* the successor must bind the sender too */
	RECV(f->p, carol, CERT("TLP:GREEN", gone), now, ST_BREACH, "agreement ");
}

/* An agreement within its term, superseded by one in force: it has ended
 * (policy.h); on receipt it is read as its successor, and a sender goes
 * under the successor, never under the one it ended.  A successor not
 * signed by all supersedes nothing. */
static void
test_superseded_in_term(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob };
	char old[STAMP_UUID_LEN], new[STAMP_UUID_LEN], unsigned_id[STAMP_UUID_LEN];
	int64_t took = now - DAY_MS;	/* when new took effect */

	hold(f->st, draft(ab, 2, now - 10 * DAY_MS, old), ab, 2);	/* never expires */
	superseding(f, old, now + 30 * DAY_MS, 1, unsigned_id);
	load(f);
	RECV(f->p, bob, CERT("TLP:AMBER", old), now, ST_OK, NULL);
	SEND(f->p, bob, CERT("TLP:AMBER", NULL), now, ST_OK, old, "TLP:AMBER", NULL);

	superseding(f, old, took, 2, new);
	load(f);
	RECV(f->p, bob, CERT("TLP:GREEN", old), now, ST_OK, NULL);
	RECV(f->p, bob, msg("leaders", "message", "flash", 1, "TLP:RED", old), now, ST_OK, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", old), now, ST_BREACH,
	    "links.cert.tlp_max is TLP:GREEN; the message is TLP:AMBER");
	RECV(f->p, bob, CERT("TLP:AMBER", old), took - 1, ST_OK, NULL);	/* old alone then */
	SEND(f->p, bob, CERT("TLP:AMBER", old), now, ST_NOTFOUND, NULL, NULL, "agreement ");
	SEND(f->p, bob, CERT("TLP:AMBER", NULL), now, ST_LINK, NULL, NULL,
	    "links.cert.tlp_max is TLP:GREEN; the message is TLP:AMBER");
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, new, "TLP:GREEN", NULL);
	SEND(f->p, bob, CERT("TLP:AMBER", NULL), took - 1, ST_OK, old, "TLP:AMBER", NULL);
	SEND(f->p, bob, CERT("TLP:AMBER", old), took - 1, ST_OK, old, "TLP:AMBER", NULL);
}

/* A successor that leaves a party out ends the old agreement for it too. */
static void
test_superseded_party_left(void **state)
{
	struct fx *f = *state;
	struct ident *abc[3] = { alice, bob, carol };
	char three[STAMP_UUID_LEN], two[STAMP_UUID_LEN], why[AGREEMENT_WHY_MAX + 64];

	agree(f, abc, 3, three);
	load(f);
	RECV(f->p, carol, CERT("TLP:AMBER", three), now, ST_OK, NULL);
	superseding(f, three, now - DAY_MS / 2, 2, two);
	load(f);
	snprintf(why, sizeof why, "agreement %s is superseded", three);
	RECV(f->p, carol, CERT("TLP:GREEN", three), now, ST_BREACH, why);
	RECV(f->p, bob, CERT("TLP:GREEN", three), now, ST_OK, NULL);
	SEND(f->p, carol, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, two, "TLP:GREEN", NULL);
}

/* ---- the local agreement ---------------------------------------------- */

/* An old pin's links: any type, priority and label on them, bodies up to
 * max_body, TLP:AMBER when no label is given; it ends when an agreement
 * both signed is in force. */
static void
test_local(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob };
	char id[STAMP_UUID_LEN];
	const char *links;

	pin(f, bob, "bravo", "urgent,cert");
	pin(f, carol, "charlie", "");
	load(f);
	links = policy_local(f->p, ident_kid(bob), now);
	assert_non_null(links);
	assert_string_equal(links, "urgent,cert");
	assert_null(policy_local(f->p, ident_kid(carol), now));
	assert_null(policy_local(f->p, ident_kid(dave), now));

	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, ENV_AGREEMENT_LOCAL, "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("urgent", "anything.at-all", "flash", MAX_BODY, "TLP:RED", NULL),
	    now, ST_OK, ENV_AGREEMENT_LOCAL, "TLP:RED", NULL);
	SEND(f->p, bob, CERT(NULL, ENV_AGREEMENT_LOCAL), now, ST_OK, ENV_AGREEMENT_LOCAL,
	    "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("wg", "minutes", "routine", 1, NULL, NULL), now, ST_LINK, NULL, NULL,
	    "the local agreement (links urgent,cert) does not name link wg");
	SEND(f->p, bob, msg("cert", "indicator", "routine", MAX_BODY + 1, NULL, NULL), now,
	    ST_LINK, NULL, NULL, "the local agreement allows bodies up to max_body");
	SEND(f->p, bob, CERT("TLP:WHITE", NULL), now, ST_INVALID, NULL, NULL, NULL);
	SEND(f->p, carol, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
	RECV(f->p, bob, CERT(NULL, NULL), now, ST_OK, NULL);	/* version 1 */
	RECV(f->p, bob, CERT("TLP:RED", ENV_AGREEMENT_LOCAL), now, ST_OK, NULL);
	RECV(f->p, bob, msg("wg", "minutes", "routine", 1, NULL, NULL), now, ST_BREACH,
	    "the local agreement (links urgent,cert) does not name link wg");
	RECV(f->p, bob, msg("cert", "x", "routine", MAX_BODY + 1, NULL, NULL), now, ST_BREACH,
	    NULL);
	RECV(f->p, carol, CERT(NULL, NULL), now, ST_BREACH, NULL);

	/* an agreement both signed, effective from tomorrow: local until then */
	hold(f->st, draft(ab, 2, now + DAY_MS, id), ab, 2);
	EXPECT(policy_reload(f->p), ST_OK);
	assert_non_null(policy_local(f->p, ident_kid(bob), now));
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, ENV_AGREEMENT_LOCAL, "TLP:AMBER", NULL);
	assert_null(policy_local(f->p, ident_kid(bob), now + DAY_MS));
	SEND(f->p, bob, CERT(NULL, NULL), now + DAY_MS, ST_OK, id, "TLP:AMBER", NULL);
	SEND(f->p, bob, msg("urgent", "anything", "flash", 1, NULL, NULL), now + DAY_MS, ST_LINK,
	    NULL, NULL, "links.urgent.types does not include \"anything\"");
	SEND(f->p, bob, CERT(NULL, ENV_AGREEMENT_LOCAL), now + DAY_MS, ST_NOTFOUND, NULL, NULL,
	    NULL);
	/* a message under the local agreement, sent before its sender knew of
	 * the new one: honoured for POLICY_LOCAL_GRACE_MS, then a breach */
	RECV(f->p, bob, CERT(NULL, NULL), now + DAY_MS, ST_OK, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", ENV_AGREEMENT_LOCAL),
	    now + DAY_MS + POLICY_LOCAL_GRACE_MS - 1, ST_OK, NULL);
	RECV(f->p, bob, CERT(NULL, NULL), now + DAY_MS + POLICY_LOCAL_GRACE_MS, ST_BREACH, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", ENV_AGREEMENT_LOCAL),
	    now + DAY_MS + POLICY_LOCAL_GRACE_MS, ST_BREACH, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", id), now + DAY_MS, ST_OK, NULL);
}

/* What is put after the policy was read counts from policy_reload on. */
static void
test_reload(void **state)
{
	struct fx *f = *state;
	struct ident *ab[2] = { alice, bob };
	char id[STAMP_UUID_LEN];

	load(f);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
	agree(f, ab, 2, id);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_NOTFOUND, NULL, NULL, NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", id), now, ST_DOWN, NULL);
	EXPECT(policy_reload(f->p), ST_OK);
	SEND(f->p, bob, CERT(NULL, NULL), now, ST_OK, id, "TLP:AMBER", NULL);
	RECV(f->p, bob, CERT("TLP:AMBER", id), now, ST_OK, NULL);
	/* a pin's links too */
	pin(f, carol, "charlie", "wg");
	SEND(f->p, carol, msg("wg", "x", "routine", 1, NULL, NULL), now, ST_NOTFOUND, NULL, NULL,
	    NULL);
	EXPECT(policy_reload(f->p), ST_OK);
	SEND(f->p, carol, msg("wg", "x", "routine", 1, NULL, NULL), now, ST_OK,
	    ENV_AGREEMENT_LOCAL, "TLP:AMBER", NULL);
}

static int
group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || stamp_parse("2027-03-01T00:00:00.000Z", &now) != ST_OK)
		return -1;
	alice = everyone[0] = testkey();
	bob = everyone[1] = testkey();
	carol = everyone[2] = testkey();
	dave = everyone[3] = testkey();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < 4; i++)
		ident_free(everyone[i]);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_send_picks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_force_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_parties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superseded_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superseded_in_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superseded_party_left, setup, teardown),
		cmocka_unit_test_setup_teardown(test_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
