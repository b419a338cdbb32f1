/* test_diag.c - warnings are rate-limited per kind: a flood of one kind
 * prints DIAG_LIMIT_LINES lines, other kinds still print, and a shared
 * limiter holds different formats to one budget. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/diag.h"

/* lines - run fn with stderr sent to a temporary file; count lines that
 * contain needle. */
static int
lines(void (*fn)(void), const char *needle)
{
	char path[] = "/tmp/test-diag-XXXXXX", line[4096];
	int fd = mkstemp(path), saved = dup(2), n = 0;
	FILE *f;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	assert_true(dup2(fd, 2) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	unlink(path);
	return n;
}

static void
flood(void)
{
	for (int i = 0; i < 1000; i++)
		diag_warn("flooded kind %d", i);
	diag_warn("another kind");
}

static void
test_per_kind(void **state)
{
	(void)state;
	assert_int_equal(lines(flood, "flooded kind"), DIAG_LIMIT_LINES);
}

static void
other_kind(void)
{
	for (int i = 0; i < 1000; i++)
		diag_warn("flooded again %d", i);
	diag_warn("a different warning");
}

static void
test_other_kind_still_prints(void **state)
{
	(void)state;
	assert_int_equal(lines(other_kind, "a different warning"), 1);
}

static struct diag_limit shared = DIAG_LIMIT_INIT;

static void
shared_kinds(void)
{
	for (int i = 0; i < 100; i++) {
		diag_warn_limit(&shared, "refused A %d", i);
		diag_warn_limit(&shared, "refused B %d", i);
	}
}

static void
test_shared_limiter(void **state)
{
	(void)state;
	assert_int_equal(lines(shared_kinds, "refused"), DIAG_LIMIT_LINES);
}

static void
forged(void)
{
	diag_warn("refused by %s: %s", "bravo", "no\nparleyd: warning: forged \x1b[2J");
}

/* A peer's text in a warning cannot make a second log line or reach the
 * terminal raw. */
static void
test_one_line(void **state)
{
	(void)state;
	assert_int_equal(lines(forged, "parleyd: warning: forged"), 1);
	assert_int_equal(lines(forged, "\x1b"), 0);
	assert_int_equal(lines(forged, "no\\nparleyd"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_kind),
		cmocka_unit_test(test_other_kind_still_prints),
		cmocka_unit_test(test_shared_limiter),
		cmocka_unit_test(test_one_line),
	};

	diag_init("test", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
