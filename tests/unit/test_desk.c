/* test_desk.c - the watch desk's timing, driven through the node's
 * message hooks on a real store and event loop, with no link engine (a
 * desk that keeps and times items and signs nothing): escalation skips a
 * step with nobody on duty at once, an acknowledgement stops it, a restart
 * rebuilds the timers (one missed while down fires, marked late), and a
 * deadline is an instant that no time zone moves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk/desk.h"
#include "fmt/deskmsg.h"
#include "util/stamp.h"
#include "util/tz.h"
#include "testkeys.h"
#include "testloop.h"
#include "testnode.h"

struct fx {
	char dir[TESTNODE_DIR_MAX];
	struct node *n;
	struct desk *d;
	struct ident *peer;
	int64_t peer_id;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct store_peer sp;

	if (!f || testloop_init() != 0 ||
	    testnode_make(f->dir, "desk", "bravo", 7499, 65536, &f->n) != ST_OK)
		return -1;
	f->peer = testkey();
	memset(&sp, 0, sizeof sp);
	sp.name = "alpha";
	memcpy(sp.pk, ident_pk(f->peer), IDENT_PK_LEN);
	sp.kid = ident_kid(f->peer);
	sp.endpoint = "https://127.0.0.1:7498";
	sp.links = "";
	sp.card = "{}";
	sp.added_ms = stamp_now_ms();
	if (store_peer_add(node_store(f->n), &sp, &f->peer_id) != ST_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[TESTNODE_DIR_MAX + 16];

	desk_free(f->d);
	node_close(f->n);
	ident_free(f->peer);
	testloop_done();
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (f->dir[0] && system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* doc - keep a desk document (roster, escalation) as its file says. */
static void
doc(struct fx *f, const char *kind, const char *text)
{
	assert_int_equal(store_desk_doc_put(node_store(f->n), kind, text, stamp_now_ms()), ST_OK);
}

/* shift - "{officer, role}" on duty from an hour ago for a day. */
static void
roster(struct fx *f, const char *a, const char *ra, const char *b, const char *rb)
{
	char t0[STAMP_TIME_LEN], t1[STAMP_TIME_LEN], text[512];
	int64_t now = stamp_now_ms();

	stamp_format(now - 3600000, t0);
	stamp_format(now + 86400000, t1);
	snprintf(text, sizeof text, "{\"shifts\":[{\"officer\":\"%s\",\"role\":\"%s\",\"start\":\"%s\","
	    "\"end\":\"%s\"},{\"officer\":\"%s\",\"role\":\"%s\",\"start\":\"%s\",\"end\":\"%s\"}]}",
	    a, ra, t0, t1, b, rb, t0, t1);
	doc(f, "roster", text);
}

/* receive - an incident notification from alpha, received (its signed
 * receipt's time) ago_ms ago, accepted as link_in would: in a transaction,
 * through the node's hook.  Its id into id. */
static void
receive(struct fx *f, int64_t ago_ms, char id[static STAMP_UUID_LEN])
{
	static const char form[] = "{\"observed\":\"scan\",\"observed_at\":\"2026-11-26T08:00:00Z\","
	    "\"sector\":\"energy\",\"systems\":\"gw\",\"severity\":\"high\",\"action_requested\":\"?\"}";
	char why[DESKMSG_WHY_MAX];
	struct message m;
	struct receipt r;
	struct store *st = node_store(f->n);

	envelope_message_init(&m, 65536);
	stamp_uuid7(m.id);
	snprintf(m.link, sizeof m.link, "urgent");
	snprintf(m.type, sizeof m.type, "incident-notification");
	snprintf(m.priority, sizeof m.priority, "flash");
	snprintf(m.subject, sizeof m.subject, "scan");
	snprintf(m.agreement, sizeof m.agreement, "%s", ENV_AGREEMENT_LOCAL);
	stamp_format(stamp_now_ms() - ago_ms, m.created_at);
	assert_int_equal(deskmsg_form_make(template_find(m.type), form, sizeof form - 1, NULL,
	    NULL, NULL, NULL, &m.body, why), ST_OK);
	memset(&r, 0, sizeof r);
	memcpy(r.msg, m.id, sizeof r.msg);
	stamp_format(stamp_now_ms() - ago_ms, r.received_at);
	assert_int_equal(store_begin(st), ST_OK);
	assert_int_equal(node_msg_accepted(f->n, f->peer_id, &m, &r), ST_OK);
	assert_int_equal(store_commit(st), ST_OK);
	memcpy(id, m.id, STAMP_UUID_LEN);
	envelope_message_clear(&m);
}

struct esc {
	const char *msg;
	int n;			/* escalate events of msg */
	char roles[4][16], officers[4][64];
	int levels[4], late[4];
};

static int
esc_row(void *arg, const struct store_desk_event *e)
{
	struct esc *x = arg;

	if (strcmp(e->event, "escalate") != 0 || strcmp(e->msg, x->msg) != 0 || x->n == 4)
		return 0;
	snprintf(x->roles[x->n], sizeof x->roles[0], "%s", e->role);
	snprintf(x->officers[x->n], sizeof x->officers[0], "%s", e->officer);
	x->late[x->n] = strstr(e->json, "\"late\":true") != NULL;
	x->levels[x->n] = strstr(e->json, "\"level\":1") ? 1 : strstr(e->json, "\"level\":2") ? 2 :
	    strstr(e->json, "\"level\":3") ? 3 : 0;
	x->n++;
	return 0;
}

/* escalations - the escalate events of msg, oldest first. */
static struct esc
escalations(struct fx *f, const char *msg)
{
	struct esc x;

	memset(&x, 0, sizeof x);
	x.msg = msg;
	assert_int_equal(store_desk_event_list(node_store(f->n), 1000, esc_row, &x), ST_OK);
	for (int i = 0; i < x.n / 2; i++) {	/* the list is newest first */
		struct esc t = x;

		memcpy(x.roles[i], t.roles[x.n - 1 - i], sizeof x.roles[0]);
		memcpy(x.roles[x.n - 1 - i], t.roles[i], sizeof x.roles[0]);
		memcpy(x.officers[i], t.officers[x.n - 1 - i], sizeof x.officers[0]);
		memcpy(x.officers[x.n - 1 - i], t.officers[i], sizeof x.officers[0]);
		x.levels[i] = t.levels[x.n - 1 - i];
		x.levels[x.n - 1 - i] = t.levels[i];
		x.late[i] = t.late[x.n - 1 - i];
		x.late[x.n - 1 - i] = t.late[i];
	}
	return x;
}

struct wait_n {
	struct fx *f;
	const char *msg;
	int n;
};

static int
has_n(void *arg)
{
	struct wait_n *w = arg;

	return escalations(w->f, w->msg).n >= w->n;
}

static int
item_row(void *arg, const struct store_desk_item *it)
{
	*(struct store_desk_item *)arg = *it;
	return 1;
}

static struct store_desk_item
item(struct fx *f, const char *msg)
{
	struct store_desk_item it;

	memset(&it, 0, sizeof it);
	assert_int_equal(store_desk_item_get(node_store(f->n), msg, item_row, &it), ST_OK);
	return it;	/* its strings are gone: the numbers only */
}

/* A step whose role has nobody on duty is skipped at once: the head is
 * called at the supervisor's time, not at its own (an hour later). */
static void
test_skips_empty_steps_at_once(void **state)
{
	struct fx *f = *state;
	char id[STAMP_UUID_LEN];
	struct wait_n w = { f, id, 2 };
	struct esc x;

	roster(f, "bob", "duty", "hal", "head");
	doc(f, "escalation", "{\"steps\":[{\"after\":\"PT1S\",\"role\":\"duty\"},"
	    "{\"after\":\"PT2S\",\"role\":\"supervisor\"},{\"after\":\"PT1H\",\"role\":\"head\"}]}");
	assert_int_equal(desk_new(testloop_base, f->n, NULL, &f->d), ST_OK);
	receive(f, 0, id);
	assert_int_equal(escalations(f, id).n, 0);	/* not before its time */
	assert_true(run_until(has_n, &w, 10000));
	x = escalations(f, id);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.roles[0], "duty");
	assert_string_equal(x.officers[0], "bob");
	assert_int_equal(x.levels[0], 1);
	assert_string_equal(x.roles[1], "head");
	assert_string_equal(x.officers[1], "hal");
	assert_int_equal(x.levels[1], 3);
	assert_int_equal(x.late[0] + x.late[1], 0);
	assert_int_equal(item(f, id).esc_level, 3);
	assert_int_equal(item(f, id).esc_next_ms, 0);	/* the plan is done */
	assert_int_equal(desk_next_due(f->d), 0);
}

/* An acknowledgement (ours, queued) stops escalation at once. */
static void
test_ack_stops_it(void **state)
{
	struct fx *f = *state;
	char id[STAMP_UUID_LEN], why[DESKMSG_WHY_MAX];
	struct wait_n w = { f, id, 1 };
	struct store *st = node_store(f->n);
	struct message ack;

	roster(f, "bob", "duty", "hal", "head");
	doc(f, "escalation", "{\"steps\":[{\"after\":\"PT0S\",\"role\":\"duty\"},"
	    "{\"after\":\"PT3S\",\"role\":\"head\"}]}");
	assert_int_equal(desk_new(testloop_base, f->n, NULL, &f->d), ST_OK);
	receive(f, 0, id);
	assert_true(run_until(has_n, &w, 10000));
	assert_true(item(f, id).esc_next_ms > 0);
	envelope_message_init(&ack, 4096);
	stamp_uuid7(ack.id);
	snprintf(ack.type, sizeof ack.type, DESK_TYPE_ACK);
	assert_int_equal(deskmsg_ack_make(id, "bob", "duty", NULL, stamp_now_ms(), &ack.body, why),
	    ST_OK);
	assert_int_equal(store_begin(st), ST_OK);
	assert_int_equal(node_msg_queued(f->n, f->peer_id, &ack), ST_OK);
	assert_int_equal(store_commit(st), ST_OK);
	envelope_message_clear(&ack);
	/* nothing more is planned: the head's step (at 3 s) never comes */
	assert_int_equal(item(f, id).esc_next_ms, 0);
	assert_true(item(f, id).ack_ms > 0);
	assert_int_equal(escalations(f, id).n, 1);
}

/* A restart rebuilds every pending timer from the store; one that fell
 * due while the desk was down fires at start, marked late. */
static void
test_restart_rebuilds_and_marks_late(void **state)
{
	struct fx *f = *state;
	char id[STAMP_UUID_LEN];
	struct wait_n w = { f, id, 1 };
	struct esc x;

	doc(f, "escalation", "{\"steps\":[{\"after\":\"PT2S\",\"role\":\"duty\"}]}");
	assert_int_equal(desk_new(testloop_base, f->n, NULL, &f->d), ST_OK);
	receive(f, 0, id);
	assert_int_equal(desk_next_due(f->d), item(f, id).esc_next_ms);
	desk_free(f->d);	/* "down" */
	f->d = NULL;
	/* the step falls due, and more than a minute later the desk is back:
	 * the item's due time is moved back, as if it had been down that long */
	{
		struct store_desk_item it = item(f, id);
		struct store_desk_item back;

		memset(&back, 0, sizeof back);
		back = it;
		back.msg = id;
		back.ack_officer = back.ack_role = back.ack_note = back.ack_msg = "";
		back.reply_msg = "";
		back.esc_next_ms = stamp_now_ms() - 120000;
		assert_int_equal(store_desk_item_put(node_store(f->n), &back), ST_OK);
	}
	assert_int_equal(escalations(f, id).n, 0);
	assert_int_equal(desk_new(testloop_base, f->n, NULL, &f->d), ST_OK);
	assert_true(desk_next_due(f->d) > 0);	/* rebuilt from the store */
	assert_true(run_until(has_n, &w, 5000));
	x = escalations(f, id);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.late[0], 1);
	/* no roster set: every role counts as staffed, no officer named */
	assert_string_equal(x.officers[0], "");
}

/* A deadline is receipt + duration in UTC: the desk's zone changes how it
 * reads, never when it is.  Vienna's clocks go forward at 01:00Z on
 * 2026-03-29; a two-hour deadline from 00:30Z is 02:30Z, which the wall
 * clock there shows as 04:30, three hours after 01:30. */
static void
test_dst_moves_no_deadline(void **state)
{
	struct store_desk_item it;
	char l[TZ_LOCAL_LEN];
	int64_t rcpt, due;
	json_t *j;

	(void)state;
	assert_int_equal(stamp_parse("2026-03-29T00:30:00Z", &rcpt), ST_OK);
	memset(&it, 0, sizeof it);
	it.msg = it.peer = it.link = it.tmpl = it.priority = it.subject = "x";
	it.agreement = it.reply_to = it.ack_officer = it.ack_role = it.ack_note = "";
	it.ack_msg = it.reply_msg = "";
	it.receipt_ms = rcpt;
	it.ack_due_ms = rcpt + 2 * 3600 * 1000;
	it.open = 1;
	j = desk_item_json(&it, rcpt);
	assert_string_equal(json_string_value(json_object_get(j, "ack_due")),
	    "2026-03-29T02:30:00.000Z");
	assert_int_equal(json_integer_value(json_object_get(j, "ack_left_s")), 7200);
	json_decref(j);
	assert_int_equal(stamp_parse("2026-03-29T02:30:00Z", &due), ST_OK);
	assert_int_equal(due, it.ack_due_ms);
	if (!tz_known("Europe/Vienna"))
		skip();
	assert_int_equal(tz_local(rcpt, "Europe/Vienna", l), ST_OK);
	assert_string_equal(l, "2026-03-29 01:30:00 CET (UTC+01:00)");
	assert_int_equal(tz_local(due, "Europe/Vienna", l), ST_OK);
	assert_string_equal(l, "2026-03-29 04:30:00 CEST (UTC+02:00)");
	assert_string_equal(desk_state(&it, due - 1), "delivered");
	assert_string_equal(desk_state(&it, due), "overdue-ack");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_skips_empty_steps_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_stops_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_rebuilds_and_marks_late, setup, teardown),
		cmocka_unit_test(test_dst_moves_no_deadline),
	};

	int r;

	if (sodium_init() < 0)
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);

	testkeys_done();
	return r;
}
