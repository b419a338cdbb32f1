/* test_text.c - text_escape: what could redraw a screen, forge a line or
 * reorder what is read never comes out raw; ordinary text comes out as it
 * went in. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/text.h"

static const struct {
	const char *name, *in;
	size_t len;		/* 0: strlen(in) */
	unsigned flags;
	const char *want;
} cases[] = {
	{ "plain ASCII unchanged", "Scanning of SCADA gateways", 0, 0,
	    "Scanning of SCADA gateways" },
	{ "UTF-8 unchanged", "Сканирование — 扫描 — مسح", 0, 0,
	    "Сканирование — 扫描 — مسح" },
	{ "ESC clears no screen", "\x1b[2Jfake", 0, 0, "\\u001b[2Jfake" },
	{ "CR cannot overwrite a line", "ok\rsignature: valid", 0, 0,
	    "ok\\rsignature: valid" },
	{ "newline cannot forge a log line", "a\nparleyd: warning: b", 0, 0,
	    "a\\nparleyd: warning: b" },
	{ "a body keeps its line breaks", "line 1\nline 2\x1b]0;t\x07", 0, TEXT_LINES,
	    "line 1\nline 2\\u001b]0;t\\u0007" },
	{ "tab named", "a\tb", 0, 0, "a\\tb" },
	{ "DEL", "a\x7f", 0, 0, "a\\u007f" },
	{ "C1 CSI (U+009B)", "a\xc2\x9b" "2J", 0, 0, "a\\u009b2J" },
	{ "bidi override U+202E", "invoice\xe2\x80\xaetxt.exe", 0, 0,
	    "invoice\\u202etxt.exe" },
	{ "bidi isolate U+2066", "\xe2\x81\xa6x", 0, 0, "\\u2066x" },
	{ "zero width space U+200B", "a\xe2\x80\x8b" "b", 0, 0, "a\\u200bb" },
	{ "line separator U+2028", "a\xe2\x80\xa8" "b", 0, 0, "a\\u2028b" },
	{ "BOM U+FEFF", "\xef\xbb\xbfx", 0, 0, "\\ufeffx" },
	{ "not UTF-8: a lone byte", "a\xff" "b", 0, 0, "a\\xffb" },
	{ "not UTF-8: overlong slash", "\xc0\xaf", 0, 0, "\\xc0\\xaf" },
	{ "not UTF-8: a surrogate", "\xed\xa0\x80", 0, 0, "\\xed\\xa0\\x80" },
	{ "not UTF-8: cut short", "a\xe2\x80", 0, 0, "a\\xe2\\x80" },
	{ "NUL inside", "a\0b", 3, 0, "a\\u0000b" },
	{ "quoted", "say \"hi\" \\ bye", 0, TEXT_QUOTED, "\"say \\\"hi\\\" \\\\ bye\"" },
	{ "unquoted keeps quotes", "say \"hi\"", 0, 0, "say \"hi\"" },
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;
		size_t n = cases[i].len ? cases[i].len : strlen(cases[i].in);

		buf_init(&b, 4096);
		if (text_escape(&b, cases[i].in, n, cases[i].flags) != ST_OK ||
		    strcmp(buf_str(&b), cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name, buf_str(&b),
			    cases[i].want);
		buf_free(&b);
	}
}

static void
test_bounded(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(text_escape(&b, "\x1b\x1b\x1b", 3, 0), ST_TOOBIG);
	assert_true(b.len <= 8);
	buf_free(&b);
}

/* text_utf8_prefix: a cut never splits a character or keeps a bad byte */
static void
test_utf8_prefix(void **state)
{
	static const char s[] = "ab\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";	/* ab é € 😀 */

	(void)state;
	assert_int_equal(text_utf8_prefix(s, 0), 0);
	assert_int_equal(text_utf8_prefix(s, 2), 2);
	assert_int_equal(text_utf8_prefix(s, 3), 2);	/* inside é */
	assert_int_equal(text_utf8_prefix(s, 4), 4);
	assert_int_equal(text_utf8_prefix(s, 6), 4);	/* inside € */
	assert_int_equal(text_utf8_prefix(s, 7), 7);
	assert_int_equal(text_utf8_prefix(s, 10), 7);	/* inside the emoji */
	assert_int_equal(text_utf8_prefix(s, 11), 11);
	assert_int_equal(text_utf8_prefix("a\xff" "b", 3), 1);	/* not UTF-8: cut before */
	assert_int_equal(text_utf8_prefix("\xe2\x82", 2), 0);	/* truncated sequence */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_utf8_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
