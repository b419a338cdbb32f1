/* test_policy.c - policy_state: an agreement's state from its held row and
 * the time, as a table of named cases: each state, its boundaries (an end
 * is exclusive: at ends_ms it has ended), and the order in which the
 * states take precedence when several hold; then the timing of a notice
 * of termination (it ends the notice period after the act, the earliest
 * of two notices standing) and of supersession (the old one stays in
 * force until the new one is). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "node/policy.h"

#define NEVER INT64_MAX
#define S 1000			/* a second, in ms */

/* row - an agreement of two parties, n_signed of them signed, effective
 * at eff, expiring at exp, neither declined, ending nor superseded. */
static struct store_agree
row(int64_t n_signed, int64_t eff, int64_t exp)
{
	struct store_agree a;

	memset(&a, 0, sizeof a);
	a.id = "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e";
	a.n_parties = 2;
	a.n_signed = n_signed;
	a.effective_ms = eff;
	a.expires_ms = exp;
	a.declined_by = "";
	a.ends_ms = a.superseded_ms = NEVER;
	return a;
}

struct state_case {
	const char *name;
	int64_t n_signed, eff, exp, declined, ends, superseded, now;
	const char *want;
};

static const struct state_case cases[] = {
	/* one state at a time, and its edges */
	{ "half signed", 1, 100, NEVER, 0, NEVER, NEVER, 500, "proposed" },
	{ "all signed, before effective", 2, 100, NEVER, 0, NEVER, NEVER, 99, "signed" },
	{ "at effective", 2, 100, NEVER, 0, NEVER, NEVER, 100, "in force" },
	{ "before expiry", 2, 100, 200, 0, NEVER, NEVER, 199, "in force" },
	{ "at expiry", 2, 100, 200, 0, NEVER, NEVER, 200, "expired" },
	{ "declined proposal", 1, 100, NEVER, 50, NEVER, NEVER, 500, "declined" },
	{ "notice running", 2, 100, NEVER, 0, 300, NEVER, 299, "terminating" },
	{ "notice run out", 2, 100, NEVER, 0, 300, NEVER, 300, "terminated" },
	{ "superseded from", 2, 100, NEVER, 0, NEVER, 250, 250, "superseded" },
	{ "not superseded yet", 2, 100, NEVER, 0, NEVER, 250, 249, "in force" },
	/* precedence: the first in the order wins */
	{ "declined beats proposed", 1, 100, 200, 50, NEVER, NEVER, 500, "declined" },
	{ "declined beats a (forged) full signing", 2, 100, NEVER, 50, NEVER, NEVER, 500,
	    "declined" },
	{ "proposed beats expired", 1, 100, 200, 0, NEVER, NEVER, 500, "proposed" },
	{ "signed beats terminated", 2, 100, NEVER, 0, 50, NEVER, 99, "signed" },
	{ "signed beats superseded", 2, 100, NEVER, 0, NEVER, 50, 99, "signed" },
	{ "superseded beats terminated", 2, 100, NEVER, 0, 300, 300, 400, "superseded" },
	{ "superseded beats expired", 2, 100, 300, 0, NEVER, 350, 400, "superseded" },
	{ "terminated beats expired", 2, 100, 300, 0, 250, NEVER, 400, "terminated" },
	{ "expired beats terminating", 2, 100, 300, 0, 500, NEVER, 400, "expired" },
	{ "terminating beats in force", 2, 100, 300, 0, 500, NEVER, 200, "terminating" },
	{ "terminating while superseded later", 2, 100, NEVER, 0, 500, 600, 200,
	    "terminating" },
};

static void
test_states(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct state_case *c = &cases[i];
		struct store_agree a = row(c->n_signed, c->eff, c->exp);
		const char *got;

		a.declined_ms = c->declined;
		a.declined_by = c->declined ? "bravo" : "";
		a.ends_ms = c->ends;
		a.superseded_ms = c->superseded;
		got = policy_state(&a, c->now);
		if (strcmp(got, c->want) != 0)
			fail_msg("case %zu (%s): got \"%s\", want \"%s\"", i, c->name, got, c->want);
	}
}

/* A notice given at t with a notice period of p ends the agreement at
 * t + p: in force until then (terminating), terminated from then.  A
 * second, later notice does not move the end; an earlier one does, as the
 * store keeps the earliest (store_agree_end). */
static void
test_termination_timing(void **state)
{
	const int64_t eff = 1000 * S, at = 2000 * S, notice = 3 * S;
	struct store_agree a = row(2, eff, NEVER);

	(void)state;
	assert_string_equal(policy_state(&a, at - 1), "in force");
	a.ends_ms = at + notice;
	assert_string_equal(policy_state(&a, at), "terminating");
	assert_string_equal(policy_state(&a, at + notice - 1), "terminating");
	assert_string_equal(policy_state(&a, at + notice), "terminated");
	assert_string_equal(policy_state(&a, NEVER - 1), "terminated");
	/* notice given before the effective time: signed, then terminated */
	a = row(2, eff, NEVER);
	a.ends_ms = eff - S + notice;
	assert_string_equal(policy_state(&a, eff - S), "signed");
	assert_string_equal(policy_state(&a, eff), "terminating");
	assert_string_equal(policy_state(&a, eff + notice), "terminated");
	/* a notice period of zero ends it at the notice itself */
	a = row(2, eff, NEVER);
	a.ends_ms = at;
	assert_string_equal(policy_state(&a, at - 1), "terminating");
	assert_string_equal(policy_state(&a, at), "terminated");
	/* an expiry before the notice runs out: expired, as the earlier end */
	a = row(2, eff, at + S);
	a.ends_ms = at + notice;
	assert_string_equal(policy_state(&a, at), "terminating");
	assert_string_equal(policy_state(&a, at + S), "expired");
	assert_string_equal(policy_state(&a, at + notice), "terminated");
}

/* B supersedes A, effective at b_eff: once every party has signed B, A is
 * superseded from b_eff (store_agree_supersede); until then A stays as it
 * was, and B declined leaves A untouched. */
static void
test_supersession_timing(void **state)
{
	const int64_t a_eff = 1000 * S, b_eff = 5000 * S;
	struct store_agree a = row(2, a_eff, NEVER), b = row(1, b_eff, NEVER);

	(void)state;
	/* B proposed: A in force, B proposed */
	assert_string_equal(policy_state(&a, b_eff + S), "in force");
	assert_string_equal(policy_state(&b, b_eff + S), "proposed");
	/* B signed by all before its effective time: A in force until then */
	b.n_signed = 2;
	a.superseded_ms = b.effective_ms;
	assert_string_equal(policy_state(&a, b_eff - 1), "in force");
	assert_string_equal(policy_state(&b, b_eff - 1), "signed");
	assert_string_equal(policy_state(&a, b_eff), "superseded");
	assert_string_equal(policy_state(&b, b_eff), "in force");
	/* A under notice when B takes over: superseded wins */
	a.ends_ms = b_eff + 10 * S;
	assert_string_equal(policy_state(&a, b_eff - 1), "terminating");
	assert_string_equal(policy_state(&a, b_eff + 20 * S), "superseded");
	/* B declined instead: A untouched */
	a = row(2, a_eff, NEVER);
	b = row(1, b_eff, NEVER);
	b.declined_ms = b_eff - S;
	assert_string_equal(policy_state(&b, b_eff + S), "declined");
	assert_string_equal(policy_state(&a, b_eff + S), "in force");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_termination_timing),
		cmocka_unit_test(test_supersession_timing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
