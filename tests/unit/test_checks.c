/* test_checks.c - what the communication checks showed (desk/checks.h),
 * fed rows as store_desk_checks hands them out: the groups by peer,
 * direction and path; the counts, the missed human checks and the
 * nearest-rank percentiles `parley checks` prints; the history of the
 * latest checks of both kinds, merged by time and cut to its size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "desk/checks.h"
#include "testcheck.h"

#define NOW 1000000000LL

/* One row: peer, out, path, human, made, receipt, ack, ack_due, overdue. */
struct row {
	const char *peer;
	int out, path, human;
	int64_t made, receipt, ack, ack_due, overdue;
};

static void
feed(struct checks *c, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct store_desk_item it;
		char msg[STAMP_UUID_LEN];

		snprintf(msg, sizeof msg, "00000000-0000-7000-8000-%012u", (unsigned)(i % 1000));
		memset(&it, 0, sizeof it);
		it.msg = msg;
		it.peer = rows[i].peer;
		it.out = rows[i].out;
		it.path = rows[i].path;
		it.human = rows[i].human;
		it.made_ms = rows[i].made;
		it.receipt_ms = rows[i].receipt;
		it.ack_ms = rows[i].ack;
		it.ack_officer = rows[i].ack ? "bob" : "";
		it.ack_due_ms = rows[i].ack_due;
		it.overdue_ack_ms = rows[i].overdue;
		EXPECT(checks_add(c, &it), ST_OK);
	}
	EXPECT(checks_done(c), ST_OK);
}

static void
test_groups_counts_and_figures(void **state)
{
	static const struct row rows[] = {
		/* bravo, sent, path 0: machine 10, 30, 20 ms and one not answered */
		{ "bravo", 1, 0, 0, 100, 110, 0, 0, 0 },
		{ "bravo", 1, 0, 0, 200, 230, 0, 0, 0 },
		{ "bravo", 1, 0, 0, 300, 320, 0, 0, 0 },
		{ "bravo", 1, 0, 0, 400, 0, 0, 0, 0 },
		/* human: answered in 5 s; missed by its deadline; missed by the
		 * notice; pending (deadline to come) */
		{ "bravo", 1, 0, 1, 500, 510, 5510, NOW + 1, 0 },
		{ "bravo", 1, 0, 1, 600, 610, 0, NOW - 1, 0 },
		{ "bravo", 1, 0, 1, 700, 710, 0, 0, 720 },
		{ "bravo", 1, 0, 1, 800, 810, 0, NOW + 1, 0 },
		/* bravo, sent, path 1 */
		{ "bravo", 1, 1, 0, 900, 905, 0, 0, 0 },
		/* bravo, received: the path is not ours to say */
		{ "bravo", 0, 3, 0, 1000, 1004, 0, 0, 0 },
	};
	struct checks *c;
	const struct checks_group *g;

	(void)state;
	EXPECT(checks_new(NOW, 0, &c), ST_OK);
	feed(c, rows, sizeof rows / sizeof rows[0]);
	assert_int_equal(checks_n(c), 3);
	g = checks_at(c, 0);
	assert_string_equal(g->peer, "bravo");
	assert_int_equal(g->out, 1);
	assert_int_equal(g->path, 0);
	assert_int_equal(g->m_sent, 4);
	assert_int_equal(g->m_answered, 3);
	assert_int_equal(g->rtt_p50, 20);
	assert_int_equal(g->rtt_p99, 30);
	assert_int_equal(g->h_sent, 4);
	assert_int_equal(g->h_answered, 1);
	assert_int_equal(g->h_missed, 2);
	assert_int_equal(g->resp_p50, 5000);
	assert_int_equal(g->resp_max, 5000);
	assert_int_equal(g->n_last, 0);		/* no history asked */
	assert_int_equal(checks_at(c, 1)->path, 1);
	assert_int_equal(checks_at(c, 2)->out, 0);
	assert_int_equal(checks_at(c, 2)->path, -1);
	assert_int_equal(checks_at(c, 2)->rtt_p50, 4);
	assert_int_equal(checks_at(c, 2)->resp_p50, -1);	/* none answered */
	assert_null(checks_at(c, 3));
	checks_free(c);
}

static void
test_history_is_the_latest_merged_by_time(void **state)
{
	static const struct row rows[] = {
		/* the store's order: machine first, then human, each by time */
		{ "bravo", 1, 0, 0, 100, 101, 0, 0, 0 },
		{ "bravo", 1, 0, 0, 300, 302, 0, 0, 0 },
		{ "bravo", 1, 0, 0, 500, 0, 0, 0, 0 },
		{ "bravo", 1, 0, 1, 200, 210, 1210, 0, 0 },
		{ "bravo", 1, 0, 1, 400, 410, 0, NOW - 1, 0 },
		{ "bravo", 1, 0, 1, 600, 610, 0, NOW + 1, 0 },
	};
	static const struct {
		int64_t made, ms;
		enum checks_outcome o;
	} want[] = {	/* the latest 4, oldest first */
		{ 300, 2, CHECKS_ANSWERED },
		{ 400, -1, CHECKS_MISSED },
		{ 500, -1, CHECKS_PENDING },
		{ 600, -1, CHECKS_PENDING },
	};
	struct checks *c;
	const struct checks_group *g;

	(void)state;
	EXPECT(checks_new(NOW, 4, &c), ST_OK);
	feed(c, rows, sizeof rows / sizeof rows[0]);
	g = checks_at(c, 0);
	assert_int_equal(g->n_last, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(g->last[i].made_ms, want[i].made);
		assert_int_equal(g->last[i].ms, want[i].ms);
		assert_int_equal(g->last[i].outcome, want[i].o);
	}
	checks_free(c);

	/* room for all: the human one answered shows with its officer */
	EXPECT(checks_new(NOW, 50, &c), ST_OK);
	feed(c, rows, sizeof rows / sizeof rows[0]);
	g = checks_at(c, 0);
	assert_int_equal(g->n_last, 6);
	assert_int_equal(g->last[1].made_ms, 200);
	assert_int_equal(g->last[1].ms, 1000);
	assert_string_equal(g->last[1].ack_officer, "bob");
	assert_int_equal(g->last[0].ack_officer[0], '\0');
	checks_free(c);
}

static void
test_empty(void **state)
{
	struct checks *c;

	(void)state;
	EXPECT(checks_new(NOW, 50, &c), ST_OK);
	EXPECT(checks_done(c), ST_OK);
	assert_int_equal(checks_n(c), 0);
	assert_null(checks_at(c, 0));
	checks_free(c);
	checks_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_counts_and_figures),
		cmocka_unit_test(test_history_is_the_latest_merged_by_time),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
