/* test_jtext.c - jtext writes what json_dumps writes, byte for byte: named
 * documents at the edges (escapes, UTF-8, key order, integers, what goes
 * to json_dumps), then random trees, and a full buffer left as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/jtext.h"

#define SORTED (JSON_COMPACT | JSON_SORT_KEYS)

/* same - jtext_sorted(j) after a prefix equals json_dumps(j); name says
 * which case failed. */
static void
same(const char *name, const json_t *j)
{
	char *want = json_dumps(j, SORTED);
	struct buf b;
	status rc;

	buf_init(&b, SIZE_MAX);
	assert_int_equal(buf_adds(&b, "prefix"), ST_OK);
	rc = jtext_sorted(j, &b);
	if (!want) {
		if (rc != ST_NOMEM)
			fail_msg("%s: json_dumps refused, jtext gave \"%s\"", name, status_str(rc));
		assert_string_equal(buf_str(&b), "prefix");
	} else {
		if (rc != ST_OK)
			fail_msg("%s: %s", name, status_str(rc));
		if (strcmp(buf_str(&b) + 6, want) != 0 || strncmp(buf_str(&b), "prefix", 6) != 0)
			fail_msg("%s:\n got %s\nwant %s", name, buf_str(&b) + 6, want);
	}
	free(want);
	buf_free(&b);
}

static void
test_documents(void **state)
{
	static const struct {
		const char *name, *text;
	} docs[] = {
		{ "empty object", "{}" },
		{ "empty list", "[]" },
		{ "empty members", "{\"a\":{},\"b\":[],\"c\":\"\"}" },
		{ "keys sorted by bytes", "{\"b\":1,\"a\":2,\"B\":3,\"_\":4,\"a_b\":5,\"ab\":6}" },
		{ "a key before its extensions", "{\"abc\":1,\"ab\":2,\"a\":3,\"abcd\":4}" },
		{ "UTF-8 keys sorted by bytes", "{\"\\u00e9\":1,\"z\":2,\"\\u4e2d\":3,"
		    "\"\\ud83d\\ude00\":4}" },
		{ "nested, sorted at every level", "{\"z\":{\"y\":[{\"b\":1,\"a\":[2,{\"d\":0,"
		    "\"c\":1}]}]},\"a\":null}" },
		{ "scalars", "[true,false,null,0,-1,1,9007199254740991,-9007199254740991,"
		    "9223372036854775807,-9223372036854775808]" },
		{ "escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"a\\u0001b\\u001fc\\u007f\","
		    "\"\\u0000x\"]" },
		{ "UTF-8 as it is", "[\"caf\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00 \\u2028 "
		    "\\uffff \\ue000\"]" },
		{ "escapes in keys", "{\"a\\nb\":1,\"a\\\"b\":2,\"a\\u0001\":3}" },
		{ "a real goes to json_dumps", "{\"a\":[1.5,2.0,1e300,-0.0,0.1],\"b\":\"x\"}" },
		{ "a real deep down", "{\"a\":{\"b\":[{\"c\":3.25}]}}" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		json_error_t err;
		json_t *j = json_loads(docs[i].text, JSON_ALLOW_NUL, &err);

		if (!j)
			fail_msg("%s: %s", docs[i].name, err.text);
		same(docs[i].name, j);
		json_decref(j);
	}
}

/* test_punted - what json_dumps refuses, jtext refuses the same way; what
 * only it covers (depth) it writes. */
static void
test_punted(void **state)
{
	json_t *j = json_object(), *deep = json_array(), *top = deep, *s = json_string("x");

	(void)state;
	/* not UTF-8, in a value and in a key: json_dumps refuses both */
	json_object_set_new_nocheck(j, "a", json_stringn_nocheck("\xff", 1));
	same("a value that is not UTF-8", j);
	json_decref(j);
	j = json_object();
	json_object_set_new_nocheck(j, "\xc0\x80", json_true());
	same("a key that is not UTF-8", j);
	json_decref(j);
	j = json_object();
	json_object_set_new_nocheck(j, "a", json_stringn_nocheck("\xed\xa0\x80", 3));
	same("a surrogate", j);
	json_object_set_new_nocheck(j, "a", json_stringn_nocheck("\xe0\x80\x80", 3));
	same("an overlong sequence", j);
	json_object_set_new_nocheck(j, "a", json_stringn_nocheck("\xf4\x90\x80\x80", 4));
	same("past U+10FFFF", j);
	json_object_set_new_nocheck(j, "a", json_stringn_nocheck("\xe4\xb8", 2));
	same("a sequence cut short", j);
	json_decref(j);
	/* a top that is not an object or a list */
	same("a string alone", s);
	json_decref(s);
	/* deeper than jtext writes itself */
	for (int d = 0; d < 100; d++) {
		json_t *x = json_array();

		json_array_append_new(deep, x);
		deep = x;
	}
	json_array_append_new(deep, json_integer(7));
	same("100 levels", top);
	json_decref(top);
}

/* rnd - a small deterministic generator (the tests repeat). */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static json_t *
random_string(uint32_t *s)
{
	static const char *const parts[] = { "a", "b", "ab", "_", "A", "\"", "\\", "\n",
		"\x01", "\x1f", "\x7f", "/", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", " ",
		"0", "z" };
	char text[64] = "";
	size_t n = rnd(s) % 6;

	for (size_t i = 0; i < n; i++)
		strcat(text, parts[rnd(s) % (sizeof parts / sizeof *parts)]);
	return json_string(text);
}

static json_t *
random_tree(uint32_t *s, int depth)
{
	json_t *j, *k;
	size_t n;

	switch (depth > 4 ? rnd(s) % 5 : rnd(s) % 7) {
	case 0: return random_string(s);
	case 1: return json_integer((json_int_t)rnd(s) - (json_int_t)UINT32_MAX / 2);
	case 2: return rnd(s) % 2 ? json_true() : json_false();
	case 3: return json_null();
	case 4: return rnd(s) % 8 == 0 ? json_real(rnd(s) / 7.0) : random_string(s);
	case 5:
		j = json_array();
		for (n = rnd(s) % 5; n > 0; n--)
			json_array_append_new(j, random_tree(s, depth + 1));
		return j;
	default:
		j = json_object();
		for (n = rnd(s) % 8; n > 0; n--) {
			k = random_string(s);
			json_object_set_new(j, json_string_value(k), random_tree(s, depth + 1));
			json_decref(k);
		}
		return j;
	}
}

static void
test_random_trees(void **state)
{
	uint32_t s = 2463534242u;
	char name[48];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		json_t *j = json_object();

		json_object_set_new(j, "t", random_tree(&s, 1));
		snprintf(name, sizeof name, "tree %d", i);
		same(name, j);
		json_decref(j);
	}
}

static void
test_string(void **state)
{
	static const char *const strs[] = { "", "plain", "\"q\" \\b\\", "tab\tnl\nnul",
		"\x01\x1f\x7f", "caf\xc3\xa9 /slash/" };

	(void)state;
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
		size_t n = strlen(strs[i]) + (i == 3);	/* the NUL of case 3 included */
		json_t *j = json_stringn(strs[i], n);
		char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		struct buf b;

		buf_init(&b, SIZE_MAX);
		assert_non_null(want);
		assert_int_equal(jtext_str(strs[i], n, &b), ST_OK);
		assert_string_equal(buf_str(&b), want);
		buf_free(&b);
		free(want);
		json_decref(j);
	}
}

/* test_full - past the buffer's maximum: ST_TOOBIG, the buffer as it was. */
static void
test_full(void **state)
{
	json_t *j = json_loads("{\"a\":\"0123456789\",\"b\":[1,2,3]}", 0, NULL);
	struct buf b;

	(void)state;
	buf_init(&b, 20);
	assert_int_equal(buf_adds(&b, "kept"), ST_OK);
	assert_int_equal(jtext_sorted(j, &b), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "kept");
	assert_int_equal(jtext_str("0123456789abcdefghij", 20, &b), ST_TOOBIG);
	assert_string_equal(buf_str(&b), "kept");
	buf_free(&b);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_punted),
		cmocka_unit_test(test_random_trees),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
