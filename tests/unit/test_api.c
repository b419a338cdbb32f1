/* test_api.c - the local API's request parser and the config loader: the
 * two places parleyd reads text it did not write itself. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "node/config.h"
#include "util/diag.h"

static void
test_requests(void **state)
{
	static const struct {
		const char *name, *line;
		status want;
		const char *why;	/* a word the refusal must contain */
	} cases[] = {
		{ "status", "{\"op\":\"status\"}", ST_OK, NULL },
		{ "reload", "{\"op\":\"reload\"}", ST_OK, NULL },
		{ "send", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"body\":\"x\",\"wait_ms\":5}", ST_OK, NULL },
		{ "send without body", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\"}", ST_OK, NULL },
		{ "not JSON", "op=send", ST_PARSE, "JSON" },
		{ "array", "[]", ST_PARSE, "JSON" },
		{ "truncated", "{\"op\":\"sta", ST_PARSE, "JSON" },
		{ "duplicate key", "{\"op\":\"status\",\"op\":\"send\"}", ST_PARSE, "JSON" },
		{ "no op", "{}", ST_INVALID, "op" },
		{ "unknown op", "{\"op\":\"shutdown\"}", ST_INVALID, "op" },
		{ "send missing subject", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\","
		    "\"type\":\"t\",\"priority\":\"flash\"}", ST_INVALID, "subject" },
		{ "body not a string", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"body\":5}", ST_INVALID, "body" },
		{ "NUL in body", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"body\":\"a\\u0000b\"}", ST_PARSE, "NUL" },
		{ "negative wait", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"wait_ms\":-1}", ST_INVALID, "wait_ms" },
		{ "huge wait", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"wait_ms\":99999999999}", ST_INVALID, "wait_ms" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct api_request req;
		const char *why;
		status rc;

		print_message("%s\n", cases[i].name);
		rc = api_request_parse(cases[i].line, strlen(cases[i].line), &req, &why);
		assert_int_equal(rc, cases[i].want);
		if (cases[i].why) {
			assert_non_null(why);
			assert_non_null(strstr(why, cases[i].why));
		}
		if (rc == ST_OK && req.op == API_SEND) {
			assert_string_equal(req.msg.peer, "b");
			assert_int_equal(req.msg.body_len, strstr(cases[i].line, "\"body\"") ? 1 : 0);
		}
		api_request_clear(&req);
	}
}

/* test_request_readers - the template reader takes the lines parley send
 * and Python's json.dumps write, and leaves every other shape to jansson;
 * where it applies, jansson gives the same answer and fields. */
static void
test_request_readers(void **state)
{
	static const struct {
		const char *name, *line;
		int fixed;	/* the template reader applies */
		status want;
	} cases[] = {
		{ "compact send", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"body\":\"xy\",\"wait_ms\":5}", 1, ST_OK },
		{ "json.dumps send", "{\"op\": \"send\", \"peer\": \"b\", \"link\": \"urgent\", "
		    "\"type\": \"t\", \"priority\": \"flash\", \"subject\": \"s\", \"body\": \"xy\", "
		    "\"wait_ms\": 0}", 1, ST_OK },
		{ "UTF-8 subject", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"\xc3\xa9\",\"body\":\"xy\"}", 1, ST_OK },
		{ "status", "{\"op\":\"status\"}", 1, ST_OK },
		{ "evidence without id", "{\"op\":\"evidence\",\"id\":7}", 1, ST_INVALID },
		{ "body a number", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"body\":5}", 1, ST_INVALID },
		{ "wait too long", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"wait_ms\":3600001}", 1, ST_INVALID },
		/* left to jansson */
		{ "escape", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\\n\",\"body\":\"xy\"}", 0, ST_OK },
		{ "NUL escape", "{\"op\":\"status\",\"x\":\"a\\u0000\"}", 0, ST_PARSE },
		{ "raw control character", "{\"op\":\"status\",\"x\":\"a\tb\"}", 0, ST_PARSE },
		{ "overlong UTF-8", "{\"op\":\"status\",\"x\":\"\xc0\xaf\"}", 0, ST_PARSE },
		{ "repeated name", "{\"op\":\"status\",\"op\":\"reload\"}", 0, ST_PARSE },
		{ "leading zero", "{\"op\":\"status\",\"wait_ms\":05}", 0, ST_PARSE },
		{ "negative", "{\"op\":\"send\",\"peer\":\"b\",\"link\":\"urgent\",\"type\":\"t\","
		    "\"priority\":\"flash\",\"subject\":\"s\",\"wait_ms\":-5}", 0, ST_INVALID },
		{ "real", "{\"op\":\"status\",\"wait_ms\":5.0}", 0, ST_OK },
		{ "nested", "{\"op\":\"status\",\"x\":{}}", 0, ST_OK },
		{ "two spaces", "{\"op\":  \"status\"}", 0, ST_OK },
		{ "trailing space", "{\"op\":\"status\"} ", 0, ST_OK },
		{ "text after", "{\"op\":\"status\"}x", 0, ST_PARSE },
		{ "truncated", "{\"op\":\"status\"", 0, ST_PARSE },
		{ "empty", "{}", 0, ST_INVALID },
		{ "eleven members", "{\"op\":\"status\",\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,"
		    "\"f\":1,\"g\":1,\"h\":1,\"i\":1,\"j\":1}", 0, ST_OK },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct api_request f, j, a;
		const char *wf, *wj, *wa, *line = cases[i].line;
		status rf, rj, ra;

		print_message("%s\n", cases[i].name);
		rf = api_request_read(line, strlen(line), TMPL_FIXED, &f, &wf);
		rj = api_request_read(line, strlen(line), TMPL_JSON, &j, &wj);
		ra = api_request_read(line, strlen(line), TMPL_ANY, &a, &wa);
		assert_int_equal(rj, cases[i].want);
		assert_int_equal(ra, rj);
		assert_int_equal(f.text != NULL, cases[i].fixed);
		assert_int_equal(a.text != NULL, cases[i].fixed);
		assert_int_equal(rf, cases[i].fixed ? rj : ST_PARSE);
		if (cases[i].fixed && wj)
			assert_string_equal(wf, wj);
		if (ra == ST_OK && a.op == API_SEND) {
			assert_string_equal(a.msg.peer, j.msg.peer);
			assert_string_equal(a.msg.subject, j.msg.subject);
			assert_int_equal(a.msg.body_len, j.msg.body_len);
			assert_memory_equal(a.msg.body, j.msg.body, j.msg.body_len);
			assert_int_equal(a.wait_ms, j.wait_ms);
		}
		api_request_clear(&f);
		api_request_clear(&j);
		api_request_clear(&a);
	}
}

static status
load(const char *text, struct config *c)
{
	char path[] = "/tmp/pconfXXXXXX";
	int fd = mkstemp(path);
	status rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = config_load(path, c);
	unlink(path);
	return rc;
}

static void
test_config(void **state)
{
	static const struct {
		const char *name, *text;
		status want;
	} cases[] = {
		{ "minimal", "{\"name\":\"a\",\"listen\":\"127.0.0.1:7401\",\"endpoint\":"
		    "\"https://127.0.0.1:7401\",\"created_at\":\"2026-11-22T10:00:00.000Z\"}", ST_OK },
		{ "ipv6 listen", "{\"name\":\"a\",\"listen\":\"[::1]:7401\",\"endpoint\":"
		    "\"https://[::1]:7401\",\"created_at\":\"2026-11-22T10:00:00Z\"}", ST_OK },
		{ "not JSON", "name = a", ST_PARSE },
		{ "created_at not a time", "{\"name\":\"a\",\"listen\":\"127.0.0.1:1\",\"endpoint\":"
		    "\"https://h:1\",\"created_at\":\"yesterday\"}", ST_INVALID },
		{ "colon in a bare host", "{\"name\":\"a\",\"listen\":\"127.0.0.1:1\",\"endpoint\":"
		    "\"https://a:b:1\",\"created_at\":\"2026-11-22T10:00:00Z\"}", ST_INVALID },
		{ "bad name", "{\"name\":\"A\",\"listen\":\"127.0.0.1:1\",\"endpoint\":"
		    "\"https://h:1\",\"created_at\":\"2026-11-22T10:00:00Z\"}", ST_INVALID },
		{ "bad listen", "{\"name\":\"a\",\"listen\":\"127.0.0.1\",\"endpoint\":"
		    "\"https://h:1\",\"created_at\":\"2026-11-22T10:00:00Z\"}", ST_INVALID },
		{ "plain http endpoint", "{\"name\":\"a\",\"listen\":\"127.0.0.1:1\",\"endpoint\":"
		    "\"http://h:1\",\"created_at\":\"2026-11-22T10:00:00Z\"}", ST_INVALID },
		{ "max_body zero", "{\"name\":\"a\",\"listen\":\"127.0.0.1:1\",\"endpoint\":"
		    "\"https://h:1\",\"created_at\":\"2026-11-22T10:00:00Z\",\"max_body\":0}", ST_INVALID },
		{ "max_body too big", "{\"name\":\"a\",\"listen\":\"127.0.0.1:1\",\"endpoint\":"
		    "\"https://h:1\",\"created_at\":\"2026-11-22T10:00:00Z\",\"max_body\":999999999}", ST_INVALID },
	};

	(void)state;
	diag_quiet(1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;

		print_message("%s\n", cases[i].name);
		assert_int_equal(load(cases[i].text, &c), cases[i].want);
		if (cases[i].want == ST_OK) {
			assert_int_equal(c.listen_port, 7401);
			assert_int_equal(c.max_body, CONFIG_MAX_BODY_DEFAULT);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_request_readers),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
