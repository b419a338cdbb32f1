/* testcheck.h - EXPECT: a status check that names the call, the line and
 * both statuses in words when it fails (cmocka's assert_int_equal gives
 * numbers only). */
#ifndef PARLEY_TESTCHECK_H
#define PARLEY_TESTCHECK_H

#include "util/status.h"

#define EXPECT(call, want) expect_rc(__LINE__, #call, (call), (want))

static inline void
expect_rc(int line, const char *what, status got, status want)
{
	if (got != want)
		fail_msg("line %d: %s: got \"%s\", want \"%s\"", line, what, status_str(got),
		    status_str(want));
}

#endif
