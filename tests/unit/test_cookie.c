/* test_cookie.c - reading a Cookie header: the named cookie's value, and
 * nothing taken from a malformed pair or another cookie's value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fmt/cookie.h"

static void
test_cookies(void **state)
{
	static const struct {
		const char *header;
		status want;
		const char *value;
	} cases[] = {
		{ "s=abc", ST_OK, "abc" },
		{ "a=1; s=abc; b=2", ST_OK, "abc" },
		{ "a=1;s=abc", ST_OK, "abc" },
		{ "s=\"q-x_y\"", ST_OK, "q-x_y" },
		{ "s=", ST_OK, "" },
		{ "ss=abc; xs=1", ST_NOTFOUND, "" },
		{ "a=s=abc", ST_NOTFOUND, "" },	/* another cookie's value */
		{ "", ST_NOTFOUND, "" },
		{ "s", ST_PARSE, "" },
		{ "s=a b", ST_PARSE, "" },
		{ "s=a\\b", ST_PARSE, "" },
		{ "s=a,b", ST_PARSE, "" },
		{ "s=0123456789abcdef", ST_TOOBIG, "" },
		{ "s=abc; s=def", ST_OK, "abc" },	/* the first */
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		status rc = cookie_get(cases[i].header, "s", out, sizeof out);

		if (rc != cases[i].want || strcmp(out, cases[i].value) != 0)
			fail_msg("case %zu (%s): got %s '%s'", i, cases[i].header, status_str(rc),
			    out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
