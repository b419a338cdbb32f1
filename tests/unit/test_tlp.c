/* test_tlp.c - TLP 2.0 labels: the five, exactly spelt, in their order;
 * TLP 1.0's WHITE and every other spelling refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fmt/tlp.h"
#include "testcheck.h"

static void
test_labels(void **state)
{
	static const char *const in_order[] = {
		"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED",
	};

	(void)state;
	for (int i = 0; i < TLP__COUNT; i++) {
		enum tlp t = TLP__COUNT;

		EXPECT(tlp_parse(in_order[i], &t), ST_OK);
		assert_int_equal(t, i);	/* the enum is the order, least restricted first */
		assert_string_equal(tlp_name(t), in_order[i]);
		assert_true(strlen(in_order[i]) < TLP_NAME_MAX);
	}
	assert_true(TLP_AMBER < TLP_AMBER_STRICT && TLP_AMBER_STRICT < TLP_RED);
	assert_string_equal(tlp_name(TLP__COUNT), "?");
	assert_string_equal(tlp_name((enum tlp)-1), "?");
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"", "TLP:WHITE", "tlp:amber", "TLP:Amber", "TLP: AMBER", "TLP:AMBER ",
		" TLP:AMBER", "AMBER", "TLP:AMBER+", "TLP:AMBER+strict", "TLP:AMBER STRICT",
		"TLP:AMBERSTRICT", "TLP:RED\n", "TLP:", "TLP:CLEAR:GREEN",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		enum tlp t = TLP_RED;

		if (tlp_parse(bad[i], &t) != ST_PARSE)
			fail_msg("\"%s\" was read", bad[i]);
		assert_int_equal(t, TLP_RED);	/* untouched */
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
