/* test_tries.c - failed attempts per key (util/tries.h): free failures,
 * then a lock that doubles up to its maximum, a success that forgets,
 * keys apart, and a full table that recycles the slot locked least.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "util/tries.h"

static void
test_lock_doubles(void **state)
{
	struct tries *t;

	(void)state;
	assert_int_equal(tries_new(8, 3, 10000, &t), ST_OK);
	for (int i = 0; i < 3; i++) {
		tries_failed(t, "u:ana", 1000);
		assert_int_equal(tries_locked(t, "u:ana", 1000), 0);
	}
	tries_failed(t, "u:ana", 1000);	/* the fourth: 2 s */
	assert_int_equal(tries_locked(t, "u:ana", 1000), 2000);
	assert_int_equal(tries_locked(t, "u:ana", 2500), 500);
	assert_int_equal(tries_locked(t, "u:ana", 3000), 0);
	tries_failed(t, "u:ana", 3000);	/* 4 s */
	assert_int_equal(tries_locked(t, "u:ana", 3000), 4000);
	for (int i = 0; i < 10; i++)
		tries_failed(t, "u:ana", 3000);
	assert_int_equal(tries_locked(t, "u:ana", 3000), 10000);	/* the maximum */
	assert_int_equal(tries_locked(t, "u:bob", 3000), 0);	/* keys apart */
	tries_clear(t, "u:ana");
	tries_failed(t, "u:ana", 20000);
	assert_int_equal(tries_locked(t, "u:ana", 20000), 0);	/* forgotten: free again */
	tries_free(t);
	tries_free(NULL);
}

static void
test_full_table(void **state)
{
	struct tries *t;
	char k[16];

	(void)state;
	assert_int_equal(tries_new(4, 0, 60000, &t), ST_OK);
	for (int i = 0; i < 4; i++) {	/* every slot locked, key 0 for the least time */
		snprintf(k, sizeof k, "a:%d", i);
		for (int j = 0; j <= i; j++)
			tries_failed(t, k, 0);
	}
	assert_int_equal(tries_locked(t, "a:3", 0), 16000);
	tries_failed(t, "a:new", 0);	/* takes key 0's slot */
	assert_int_equal(tries_locked(t, "a:new", 0), 2000);
	assert_int_equal(tries_locked(t, "a:3", 0), 16000);
	tries_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_doubles),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
