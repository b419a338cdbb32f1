/* test_buf.c - the bounded buffer: the maximum holds, a refused append leaves
 * the contents as they were, and ownership moves only through buf_take. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "util/buf.h"

/* check_rc - fail naming the case when a status is not the one expected. */
static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* fill - a buffer with max bytes allowed, holding s. */
static void
fill(struct buf *b, size_t max, const char *s)
{
	buf_init(b, max);
	assert_int_equal(buf_adds(b, s), ST_OK);
}

static void
test_fresh_is_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	buf_reset(&b);		/* on a buffer that never allocated */
	buf_truncate(&b, 0);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
	buf_free(&b);		/* twice is harmless */
}

static const struct {
	const char *name;
	size_t max;
	const char *before, *add;
	status rc;
	const char *after;
} add_cases[] = {
	{ "fits", 8, "1234", "5678", ST_OK, "12345678" },
	{ "one past max", 8, "1234", "56789", ST_TOOBIG, "1234" },
	{ "empty append at max", 8, "12345678", "", ST_OK, "12345678" },
	{ "one byte at max", 8, "12345678", "9", ST_TOOBIG, "12345678" },
	{ "max zero, empty", 0, "", "", ST_OK, "" },
	{ "max zero, one byte", 0, "", "x", ST_TOOBIG, "" },
	{ "far past max", 4, "ab", "0123456789abcdef", ST_TOOBIG, "ab" },
	{ "grows past first block", 300, "", "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789",
	    ST_OK, "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789" },
};

static void
test_add_max(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof add_cases / sizeof add_cases[0]; i++) {
		struct buf b;

		fill(&b, add_cases[i].max, add_cases[i].before);
		check_rc(add_cases[i].name, buf_adds(&b, add_cases[i].add), add_cases[i].rc);
		assert_string_equal(buf_str(&b), add_cases[i].after);
		assert_int_equal(b.len, strlen(add_cases[i].after));
		assert_true(b.len <= b.max);
		buf_free(&b);
	}
}

static void
test_add_binary(void **state)
{
	static const char data[] = { 'a', '\0', 'b', '\0' };
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_add(&b, data, sizeof data), ST_OK);
	assert_int_equal(b.len, sizeof data);
	assert_memory_equal(b.p, data, sizeof data);
	assert_int_equal(b.p[b.len], '\0');	/* NUL after the counted bytes */
	buf_free(&b);
}

/* Byte by byte up to the maximum: every byte kept, the next one refused. */
static void
test_add_bytewise_to_max(void **state)
{
	enum { MAX = 1000 };
	struct buf b;

	(void)state;
	buf_init(&b, MAX);
	for (size_t i = 0; i < MAX; i++) {
		char c = (char)('a' + i % 26);

		assert_int_equal(buf_add(&b, &c, 1), ST_OK);
	}
	assert_int_equal(buf_add(&b, "z", 1), ST_TOOBIG);
	assert_int_equal(b.len, MAX);
	for (size_t i = 0; i < MAX; i++)
		assert_int_equal(b.p[i], 'a' + i % 26);
	assert_int_equal(b.p[MAX], '\0');
	buf_free(&b);
}

static void
test_addf(void **state)
{
	struct buf b;

	(void)state;
	fill(&b, 32, "x=");
	assert_int_equal(buf_addf(&b, "%d,%s,%05.1f", -42, "ok", 2.5), ST_OK);
	assert_string_equal(buf_str(&b), "x=-42,ok,002.5");
	assert_int_equal(b.len, strlen("x=-42,ok,002.5"));
	/* "x=-42,ok,002.5" is 14 bytes; 18 more reach the max of 32 exactly */
	assert_int_equal(buf_addf(&b, "%018d", 7), ST_OK);
	assert_int_equal(b.len, 32);
	assert_string_equal(buf_str(&b), "x=-42,ok,002.5000000000000000007");
	assert_int_equal(buf_addf(&b, "%s", ""), ST_OK);
	assert_int_equal(buf_addf(&b, "%c", 'y'), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "x=-42,ok,002.5000000000000000007");
	buf_free(&b);
}

static void
test_addf_toobig_unchanged(void **state)
{
	struct buf b;

	(void)state;
	fill(&b, 10, "hello");
	assert_int_equal(buf_addf(&b, "%s", "world!"), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "hello");
	assert_int_equal(b.len, 5);
	assert_int_equal(buf_addf(&b, "%s", "world"), ST_OK);
	assert_string_equal(buf_str(&b), "helloworld");
	buf_free(&b);
}

/* A long format result on an empty buffer: growth happens inside addf. */
static void
test_addf_grows(void **state)
{
	char want[501];
	struct buf b;

	(void)state;
	memset(want, 'q', 500);
	want[500] = '\0';
	buf_init(&b, 500);
	assert_int_equal(buf_addf(&b, "%s", want), ST_OK);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
test_extend(void **state)
{
	struct buf b;
	char *at = NULL;

	(void)state;
	fill(&b, 16, "abc");
	assert_int_equal(buf_extend(&b, 5, &at), ST_OK);
	assert_ptr_equal(at, b.p + 3);
	assert_int_equal(b.len, 8);
	for (int i = 0; i < 5; i++)
		assert_int_equal(at[i], 0);
	assert_int_equal(at[5], '\0');
	memcpy(at, "defgh", 5);
	assert_string_equal(buf_str(&b), "abcdefgh");

	at = NULL;
	assert_int_equal(buf_extend(&b, 9, &at), ST_TOOBIG);
	assert_null(at);
	assert_string_equal(buf_str(&b), "abcdefgh");
	assert_int_equal(buf_extend(&b, 8, &at), ST_OK);
	assert_int_equal(b.len, 16);
	assert_int_equal(buf_extend(&b, 0, &at), ST_OK);
	assert_int_equal(b.len, 16);
	buf_free(&b);
}

static void
test_truncate_reset(void **state)
{
	struct buf b;

	(void)state;
	fill(&b, 16, "abcdef");
	buf_truncate(&b, 6);
	assert_string_equal(buf_str(&b), "abcdef");
	buf_truncate(&b, 2);
	assert_int_equal(b.len, 2);
	assert_string_equal(buf_str(&b), "ab");
	assert_int_equal(buf_adds(&b, "XY"), ST_OK);
	assert_string_equal(buf_str(&b), "abXY");
	buf_truncate(&b, 0);
	assert_string_equal(buf_str(&b), "");
	/* the room freed by truncate is usable again, up to max */
	assert_int_equal(buf_adds(&b, "0123456789abcdef"), ST_OK);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_adds(&b, "0123456789abcdef"), ST_OK);
	assert_int_equal(buf_adds(&b, "!"), ST_TOOBIG);
	buf_free(&b);
}

/* Truncating past the end is a broken invariant: the process aborts. */
static void
test_truncate_past_end_aborts(void **state)
{
	int ws;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct buf b;

		close(STDERR_FILENO);	/* the panic line is expected */
		fill(&b, 16, "abc");
		buf_truncate(&b, 4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFSIGNALED(ws));
	assert_int_equal(WTERMSIG(ws), SIGABRT);
}

static void
test_take(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	fill(&b, 16, "payload");
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 7);
	assert_string_equal(p, "payload");
	/* b is empty, keeps its max, and is usable again */
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.max, 16);
	assert_int_equal(buf_adds(&b, "0123456789abcdef"), ST_OK);
	assert_int_equal(buf_adds(&b, "x"), ST_TOOBIG);
	assert_string_equal(p, "payload");	/* the taken storage is separate */
	free(p);
	buf_free(&b);
}

static void
test_take_empty(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 16);
	p = buf_take(&b, &len);
	assert_non_null(p);	/* never NULL: the caller always has a string */
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	p = buf_take(&b, NULL);	/* len is optional */
	assert_non_null(p);
	free(p);
}

/*
 * Regression test for a bug fixed on 2026-11-22 (src/buf.c, grow): with max == SIZE_MAX, "b->max + 1" wraps to
 * 0, so the capacity is clamped to 0: the first append writes past a
 * zero-byte allocation (heap overflow), the next realloc(p, 0) frees p and
 * returns NULL, and buf_free then frees it again.  SIZE_MAX is the natural
 * way to say "no limit of my own".  Fix: clamp with
 * "if (b->max < SIZE_MAX && cap > b->max + 1) cap = b->max + 1;" (and guard
 * need + 1 and cap * 2 against overflow), or refuse max == SIZE_MAX in
 * buf_init.  Run in a child so the crash fails only this test.
 */
static void
test_max_size_max(void **state)
{
	int ws;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct buf b;
		int ok;

		buf_init(&b, SIZE_MAX);
		ok = buf_adds(&b, "hello") == ST_OK && buf_adds(&b, ", world") == ST_OK &&
		    strcmp(buf_str(&b), "hello, world") == 0;
		buf_free(&b);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	if (WIFSIGNALED(ws))
		fail_msg("regression in buf.c grow(): a buffer with max SIZE_MAX crashes "
		    "(signal %d)", WTERMSIG(ws));
	if (WEXITSTATUS(ws) != 0)
		fail_msg("regression in buf.c grow(): a buffer with max SIZE_MAX fails "
		    "(exit %d; any sanitizer report is above)", WEXITSTATUS(ws));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_is_empty),
		cmocka_unit_test(test_add_max),
		cmocka_unit_test(test_add_binary),
		cmocka_unit_test(test_add_bytewise_to_max),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_addf_toobig_unchanged),
		cmocka_unit_test(test_addf_grows),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_truncate_reset),
		cmocka_unit_test(test_truncate_past_end_aborts),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_empty),
		cmocka_unit_test(test_max_size_max),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
