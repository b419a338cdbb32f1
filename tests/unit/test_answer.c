/* test_answer.c - the answer to a batch, read by the template reader when
 * it is exactly as link_in writes it and by jansson otherwise: the same
 * results either way; a truncated, reordered or escaped answer is never
 * read differently by the template reader, only handed to jansson. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fmt/answer.h"
#include "testcheck.h"

#define RCPT "eyJhbGciOiJFZERTQSJ9.eyJ2IjoxfQ.c2ln"
#define OK1 "{\"seq\":1,\"id\":\"0192f0c2-5b7e-7a41-8f00-0123456789ab\",\"receipt\":\"" \
	RCPT "\",\"status\":200}"
#define WAIT2 "{\"seq\":2,\"id\":\"0192f0c2-5b7e-7a41-8f00-0123456789ac\",\"expected\":1," \
	"\"status\":425,\"reason\":\"out of order: expected sequence 1 on link cert\"}"
#define ANSWER "{\"results\":[" OK1 "," WAIT2 "]}"

static int
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* read3 - read text[0..n) three ways; the template reader must apply
 * exactly when fixed says, and every reader agree with jansson (want). */
static void
read3(const char *name, const char *text, size_t n, int fixed, status want)
{
	struct answer *f, *j, *a;
	status fr = answer_read(text, n, TMPL_FIXED, &f);
	status jr = answer_read(text, n, TMPL_JSON, &j);
	status ar = answer_read(text, n, TMPL_ANY, &a);

	if (jr != want || ar != want || fr != (fixed ? want : ST_PARSE))
		fail_msg("%s: fixed %s, jansson %s, any %s; want %s (fixed reader %s)", name,
		    status_str(fr), status_str(jr), status_str(ar), status_str(want),
		    fixed ? "applies" : "does not apply");
	for (int k = 0; k < 2 && jr == ST_OK; k++) {
		const struct answer *x = k ? a : f;

		if (!x)
			continue;
		assert_int_equal(answer_count(x), answer_count(j));
		for (size_t i = 0; i < answer_count(j); i++) {
			const struct answer_result *p = answer_at(x, i), *q = answer_at(j, i);

			assert_int_equal(p->seq, q->seq);
			assert_int_equal(p->expected, q->expected);
			assert_int_equal(p->status, q->status);
			assert_int_equal(p->receipt_len, q->receipt_len);
			assert_true(same_str(p->receipt, q->receipt));
			assert_true(same_str(p->reason, q->reason));
		}
	}
	answer_free(f);
	answer_free(j);
	answer_free(a);
}

static void
test_answer_read(void **state)
{
	static const struct {
		const char *name, *text;
		int fixed;
		status rc;
	} cases[] = {
		{ "as link_in writes it", ANSWER, 1, ST_OK },
		{ "no results", "{\"results\":[]}", 1, ST_OK },
		{ "an empty result", "{\"results\":[{}]}", 1, ST_OK },
		{ "an escaped reason", "{\"results\":[{\"status\":400,\"reason\":\"a \\\"b\\\"\"}]}",
		    0, ST_OK },
		{ "spaces", "{\"results\": [" OK1 "]}", 0, ST_OK },
		{ "members reordered", "{\"results\":[{\"status\":200,\"seq\":1}]}", 0, ST_OK },
		{ "a member twice", "{\"results\":[{\"seq\":1,\"seq\":2}]}", 0, ST_OK },
		{ "another member", "{\"results\":[{\"seq\":1,\"more\":2}]}", 0, ST_OK },
		{ "status a string", "{\"results\":[{\"status\":\"200\"}]}", 0, ST_OK },
		{ "status 0", "{\"results\":[{\"status\":0}]}", 0, ST_OK },
		{ "status 200.0", "{\"results\":[{\"status\":200.0}]}", 0, ST_OK },
		{ "seq past int64", "{\"results\":[{\"seq\":99999999999999999999}]}", 0, ST_PARSE },
		{ "a result not an object", "{\"results\":[1," OK1 "]}", 0, ST_OK },
		{ "results not an array", "{\"results\":{}}", 0, ST_PARSE },
		{ "no results member", "{\"answers\":[]}", 0, ST_PARSE },
		{ "trailing text", ANSWER "x", 0, ST_PARSE },
		{ "trailing space", ANSWER " ", 0, ST_OK },
		{ "NUL escaped", "{\"results\":[{\"reason\":\"a\\u0000b\"}]}", 0, ST_PARSE },
		{ "raw control character", "{\"results\":[{\"reason\":\"a\tb\"}]}", 0, ST_PARSE },
		{ "not JSON", "results", 0, ST_PARSE },
		{ "empty", "", 0, ST_PARSE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		read3(cases[i].name, cases[i].text, strlen(cases[i].text), cases[i].fixed,
		    cases[i].rc);
	/* every cut of a whole answer is refused by both, never read otherwise */
	for (size_t cut = 0; cut < strlen(ANSWER); cut++)
		read3("cut", ANSWER, cut, 0, ST_PARSE);
}

/* What the sender acts on, read from the template. */
static void
test_answer_fields(void **state)
{
	struct answer *a;
	const struct answer_result *r;

	(void)state;
	EXPECT(answer_read(ANSWER, strlen(ANSWER), TMPL_FIXED, &a), ST_OK);
	assert_int_equal(answer_count(a), 2);
	r = answer_at(a, 0);
	assert_int_equal(r->seq, 1);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->receipt, RCPT);
	assert_int_equal(r->receipt_len, strlen(RCPT));
	assert_null(r->reason);
	r = answer_at(a, 1);
	assert_int_equal(r->seq, 2);
	assert_int_equal(r->expected, 1);
	assert_int_equal(r->status, 425);
	assert_null(r->receipt);
	assert_string_equal(r->reason, "out of order: expected sequence 1 on link cert");
	answer_free(a);
	answer_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_read),
		cmocka_unit_test(test_answer_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
