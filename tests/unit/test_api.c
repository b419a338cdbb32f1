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
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
