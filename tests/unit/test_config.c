/* test_config.c - parley.json: what config_parse takes and refuses (the
 * refusal names the key and its rule), an older configuration's one
 * "endpoint", what config_set writes and refuses (nothing of a refused
 * value is used), config_show's listing, and which settings a running
 * daemon takes at once (config_apply_now). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "node/config.h"
#include "util/diag.h"

#define BASE "\"name\":\"alpha\",\"listen\":\"127.0.0.1:7401\"," \
    "\"created_at\":\"2026-11-22T10:00:00.000Z\""
#define EPS "\"endpoints\":[\"https://127.0.0.1:7401\",\"https://b.example.net:7400\"]"

static void
check_rc(const char *name, status got, status want, const char *why)
{
	if (got != want)
		fail_msg("%s: got \"%s\" (%s), want \"%s\"", name, status_str(got), why,
		    status_str(want));
}

static status
parse(const char *text, struct config *c, char why[static CONFIG_WHY_MAX])
{
	why[0] = '\0';
	return config_parse(text, strlen(text), c, why);
}

static void
test_parse(void **state)
{
	static const struct {
		const char *name, *text;
		status want;
		const char *why;	/* a refusal says this */
	} cases[] = {
		{ "endpoints, two", "{" BASE "," EPS "}", ST_OK, NULL },
		{ "an older configuration's one endpoint", "{" BASE ",\"endpoint\":"
		    "\"https://127.0.0.1:7401\"}", ST_OK, NULL },
		{ "every desk setting", "{" BASE "," EPS ",\"notify_cmd\":\"/bin/true\","
		    "\"notify_timeout_ms\":100,\"desk_tz\":\"Europe/Paris\",\"desk_lang\":\"fr\","
		    "\"path_probe_ms\":1000}", ST_OK, NULL },
		{ "an unknown key is left alone", "{" BASE "," EPS ",\"future\":1}", ST_OK, NULL },
		{ "not JSON", "name = a", ST_PARSE, "line 1" },
		{ "not an object", "[1]", ST_PARSE, "not a JSON object" },
		{ "no endpoints at all", "{" BASE "}", ST_INVALID, "endpoints is missing" },
		{ "both endpoint and endpoints", "{" BASE "," EPS ",\"endpoint\":\"https://h:1\"}",
		    ST_INVALID, "keep endpoints" },
		{ "endpoints empty", "{" BASE ",\"endpoints\":[]}", ST_INVALID,
		    "endpoints must be 1 to 4 URLs" },
		{ "five endpoints", "{" BASE ",\"endpoints\":[\"https://a:1\",\"https://b:1\","
		    "\"https://c:1\",\"https://d:1\",\"https://e:1\"]}", ST_INVALID, "endpoints must" },
		{ "an endpoint twice", "{" BASE ",\"endpoints\":[\"https://a:1\",\"https://a:1\"]}",
		    ST_INVALID, "listed twice" },
		{ "endpoints a string", "{" BASE ",\"endpoints\":\"https://a:1\"}", ST_INVALID,
		    "endpoints must" },
		{ "an older endpoint that is plain http", "{" BASE ",\"endpoint\":\"http://h:1\"}",
		    ST_INVALID, "endpoints must" },
		{ "notify_cmd relative", "{" BASE "," EPS ",\"notify_cmd\":\"bin/true\"}",
		    ST_INVALID, "notify_cmd must be the absolute path" },
		{ "notify_timeout_ms 99", "{" BASE "," EPS ",\"notify_timeout_ms\":99}", ST_INVALID,
		    "notify_timeout_ms must be an integer from 100 to 600000" },
		{ "notify_timeout_ms 600001", "{" BASE "," EPS ",\"notify_timeout_ms\":600001}",
		    ST_INVALID, "notify_timeout_ms must" },
		{ "notify_timeout_ms a string", "{" BASE "," EPS ",\"notify_timeout_ms\":\"5\"}",
		    ST_INVALID, "notify_timeout_ms must" },
		{ "desk_tz with ..", "{" BASE "," EPS ",\"desk_tz\":\"../etc/passwd\"}", ST_INVALID,
		    "desk_tz must be a time zone" },
		{ "desk_lang de", "{" BASE "," EPS ",\"desk_lang\":\"de\"}", ST_INVALID,
		    "desk_lang must be one of en, fr, ru, zh, es, ar" },
		{ "path_probe_ms 999", "{" BASE "," EPS ",\"path_probe_ms\":999}", ST_INVALID,
		    "path_probe_ms must" },
		{ "max_body 0", "{" BASE "," EPS ",\"max_body\":0}", ST_INVALID, "max_body must" },
		{ "a string with a NUL", "{" BASE "," EPS ",\"desk_tz\":\"UTC\\u0000x\"}",
		    ST_PARSE, "not allowed" },
	};
	char why[CONFIG_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;
		status rc;

		print_message("%s\n", cases[i].name);
		rc = parse(cases[i].text, &c, why);
		check_rc(cases[i].name, rc, cases[i].want, why);
		if (cases[i].why && !strstr(why, cases[i].why))
			fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].name, why, cases[i].why);
		if (rc == ST_OK)
			assert_true(c.n_endpoints >= 1 && c.n_endpoints <= CARD_MAX_ENDPOINTS);
		else	/* nothing of a refused configuration is used */
			assert_int_equal(c.n_endpoints, 0);
	}
}

static void
test_defaults(void **state)
{
	char why[CONFIG_WHY_MAX];
	struct config c;

	(void)state;
	check_rc("legacy", parse("{" BASE ",\"endpoint\":\"https://127.0.0.1:7401\"}", &c,
	    why), ST_OK, why);
	assert_int_equal(c.n_endpoints, 1);
	assert_string_equal(c.endpoints[0], "https://127.0.0.1:7401");
	assert_int_equal(c.max_body, CONFIG_MAX_BODY_DEFAULT);
	assert_int_equal(c.retry_max_ms, CONFIG_RETRY_MAX_DEFAULT);
	assert_int_equal(c.path_probe_ms, CONFIG_PROBE_DEFAULT);
	assert_int_equal(c.notify_timeout_ms, CONFIG_NOTIFY_TIMEOUT_DEFAULT);
	assert_string_equal(c.notify_cmd, "");
	assert_string_equal(c.desk_tz, "UTC");
	assert_int_equal(c.desk_lang, TEMPLATE_EN);
	assert_int_equal(c.max_conns, 0);	/* the HTTP layer's default */
	check_rc("set", parse("{" BASE "," EPS ",\"desk_tz\":\"Asia/Tokyo\",\"desk_lang\":"
	    "\"zh\",\"notify_timeout_ms\":250}", &c, why), ST_OK, why);
	assert_int_equal(c.n_endpoints, 2);
	assert_string_equal(c.endpoints[1], "https://b.example.net:7400");
	assert_string_equal(c.desk_tz, "Asia/Tokyo");
	assert_int_equal(c.desk_lang, TEMPLATE_ZH);
	assert_int_equal(c.notify_timeout_ms, 250);
}

/* set - config_set on text; the result (or "") in out. */
static status
set(const char *text, const char *key, const char *value, char **out,
    char why[static CONFIG_WHY_MAX])
{
	struct buf b;
	status rc;

	buf_init(&b, CONFIG_FILE_MAX);
	rc = config_set(text, strlen(text), key, value, &b, why);
	*out = strdup(rc == ST_OK ? buf_str(&b) : "");
	buf_free(&b);
	return rc;
}

/* a file no one may run (made by main) */
#define PLAIN_FILE "/tmp/parley-test-config-plain"

static void
test_set(void **state)
{
	static const char *const text = "{" BASE "," EPS ",\"future\":[1,2]}";
	static const struct {
		const char *name, *key, *value;
		status want;
		const char *why;	/* a refusal says this */
		const char *has;	/* the new text holds this */
	} cases[] = {
		{ "desk_tz", "desk_tz", "Europe/Paris", ST_OK, NULL, "\"desk_tz\": \"Europe/Paris\"" },
		{ "desk_lang", "desk_lang", "ar", ST_OK, NULL, "\"desk_lang\": \"ar\"" },
		{ "notify_cmd, an executable", "notify_cmd", "/bin/sh", ST_OK, NULL,
		    "\"notify_cmd\": \"/bin/sh\"" },
		{ "notify_timeout_ms", "notify_timeout_ms", "600000", ST_OK, NULL,
		    "\"notify_timeout_ms\": 600000" },
		{ "endpoints, spaces between", "endpoints", "https://x:1   https://y:2", ST_OK, NULL,
		    "\"https://x:1\",\n    \"https://y:2\"" },
		{ "unset an optional one", "desk_tz", "", ST_OK, NULL, "\"future\"" },
		{ "max_body, a restart setting", "max_body", "2048", ST_OK, NULL,
		    "\"max_body\": 2048" },
		{ "an unknown key is kept", "desk_lang", "fr", ST_OK, NULL, "\"future\": [" },
		{ "name is read-only", "name", "beta", ST_CONFLICT, "name is read-only", NULL },
		{ "created_at is read-only", "created_at", "2026-11-22T10:00:00Z", ST_CONFLICT,
		    "read-only", NULL },
		{ "no such setting", "colour", "blue", ST_NOTFOUND, "no setting is named", NULL },
		{ "endpoints cannot be unset", "endpoints", "", ST_INVALID, "cannot be unset", NULL },
		{ "desk_tz not a zone the system knows", "desk_tz", "Mars/Olympus", ST_INVALID,
		    "no such zone", NULL },
		{ "desk_lang xx", "desk_lang", "xx", ST_INVALID, "desk_lang must be one of", NULL },
		{ "notify_cmd not executable", "notify_cmd", PLAIN_FILE, ST_INVALID,
		    "is not executable", NULL },
		{ "notify_cmd a directory", "notify_cmd", "/bin/", ST_INVALID,
		    "is not a regular file", NULL },
		{ "notify_cmd missing", "notify_cmd", "/nonexistent/notify", ST_INVALID,
		    "No such file", NULL },
		{ "notify_cmd relative", "notify_cmd", "notify.sh", ST_INVALID,
		    "notify_cmd must be the absolute path", NULL },
		{ "notify_timeout_ms not a number", "notify_timeout_ms", "10s", ST_INVALID,
		    "notify_timeout_ms must be an integer", NULL },
		{ "notify_timeout_ms negative", "notify_timeout_ms", "-5", ST_INVALID,
		    "notify_timeout_ms must", NULL },
		{ "notify_timeout_ms huge", "notify_timeout_ms", "99999999999999999999", ST_INVALID,
		    "notify_timeout_ms must", NULL },
		{ "endpoints, one bad", "endpoints", "https://x:1 ftp://y:2", ST_INVALID,
		    "endpoints must", NULL },
		{ "endpoints, five", "endpoints", "https://a:1 https://b:1 https://c:1 https://d:1"
		    " https://e:1", ST_INVALID, "endpoints must", NULL },
		{ "endpoints, twice the same", "endpoints", "https://a:1 https://a:1", ST_INVALID,
		    "listed twice", NULL },
		{ "listen without a port", "listen", "127.0.0.1", ST_INVALID, "listen must", NULL },
	};
	char why[CONFIG_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;
		char *out;
		status rc;

		print_message("%s\n", cases[i].name);
		rc = set(text, cases[i].key, cases[i].value, &out, why);
		check_rc(cases[i].name, rc, cases[i].want, why);
		if (cases[i].why && !strstr(why, cases[i].why))
			fail_msg("%s: \"%s\" does not say \"%s\"", cases[i].name, why, cases[i].why);
		if (rc == ST_OK) {
			if (!strstr(out, cases[i].has))
				fail_msg("%s: the new text lacks %s:\n%s", cases[i].name, cases[i].has,
				    out);
			/* what config_set writes, config_parse reads */
			check_rc(cases[i].name, parse(out, &c, why), ST_OK, why);
		} else
			assert_string_equal(out, "");
		free(out);
	}
}

static void
test_set_legacy_and_unset(void **state)
{
	static const char *const old = "{" BASE ",\"endpoint\":\"https://127.0.0.1:7401\","
	    "\"desk_tz\":\"Asia/Tokyo\"}";
	char why[CONFIG_WHY_MAX], *out;
	struct config c;

	(void)state;
	/* setting endpoints replaces the older "endpoint" */
	check_rc("endpoints", set(old, "endpoints", "https://a:1 https://b:2", &out, why),
	    ST_OK, why);
	assert_null(strstr(out, "\"endpoint\""));
	check_rc("parse", parse(out, &c, why), ST_OK, why);
	assert_int_equal(c.n_endpoints, 2);
	free(out);
	/* another key leaves "endpoint" as it is */
	check_rc("desk_lang", set(old, "desk_lang", "ru", &out, why), ST_OK, why);
	assert_non_null(strstr(out, "\"endpoint\": \"https://127.0.0.1:7401\""));
	free(out);
	/* unset: the key goes, its default comes back */
	check_rc("unset", set(old, "desk_tz", "", &out, why), ST_OK, why);
	assert_null(strstr(out, "desk_tz"));
	check_rc("parse", parse(out, &c, why), ST_OK, why);
	assert_string_equal(c.desk_tz, "UTC");
	free(out);
	/* a text that is no configuration stays refused */
	check_rc("broken", set("{\"name\":1}", "desk_tz", "UTC", &out, why), ST_INVALID, why);
	assert_non_null(strstr(why, "name must be"));
	free(out);
	check_rc("not JSON", set("{", "desk_tz", "UTC", &out, why), ST_PARSE, why);
	free(out);
}

static void
test_show(void **state)
{
	static const char *const text = "{" BASE "," EPS ",\"desk_lang\":\"es\"}";
	char why[CONFIG_WHY_MAX];
	const struct config_setting *all;
	json_t *j, *e;
	size_t n;

	(void)state;
	check_rc("show", config_show(text, strlen(text), &j, why), ST_OK, why);
	all = config_settings(&n);
	assert_int_equal(json_object_size(j), n);
	for (size_t i = 0; i < n; i++) {
		e = json_object_get(j, all[i].key);
		assert_non_null(e);
		assert_non_null(json_object_get(e, "value"));
		assert_non_null(json_object_get(e, "default"));
		assert_non_null(json_string_value(json_object_get(e, "applies")));
		assert_string_equal(config_setting(all[i].key)->key, all[i].key);
	}
	e = json_object_get(j, "desk_lang");
	assert_string_equal(json_string_value(json_object_get(e, "value")), "es");
	assert_string_equal(json_string_value(json_object_get(e, "default")), "en");
	assert_string_equal(json_string_value(json_object_get(e, "applies")), "now");
	e = json_object_get(j, "desk_tz");
	assert_true(json_is_null(json_object_get(e, "value")));
	assert_string_equal(json_string_value(json_object_get(e, "default")), "UTC");
	e = json_object_get(j, "notify_timeout_ms");
	assert_int_equal(json_integer_value(json_object_get(e, "default")), 10000);
	e = json_object_get(j, "max_conns");
	assert_true(json_is_null(json_object_get(e, "default")));	/* computed at start */
	e = json_object_get(j, "endpoints");
	assert_int_equal(json_array_size(json_object_get(e, "value")), 2);
	assert_string_equal(json_string_value(json_object_get(e, "applies")), "restart");
	e = json_object_get(j, "name");
	assert_string_equal(json_string_value(json_object_get(e, "applies")), "read-only");
	json_decref(j);
	/* an older configuration's endpoint shows as the list of one */
	check_rc("legacy", config_show("{" BASE ",\"endpoint\":\"https://h:1\"}", strlen("{" BASE
	    ",\"endpoint\":\"https://h:1\"}"), &j, why), ST_OK, why);
	e = json_object_get(json_object_get(j, "endpoints"), "value");
	assert_string_equal(json_string_value(json_array_get(e, 0)), "https://h:1");
	json_decref(j);
}

static void
test_apply_now(void **state)
{
	char why[CONFIG_WHY_MAX];
	struct config running, fresh;

	(void)state;
	check_rc("running", parse("{" BASE "," EPS "}", &running, why), ST_OK, why);
	check_rc("fresh", parse("{\"name\":\"alpha\",\"listen\":\"127.0.0.1:9999\","
	    "\"created_at\":\"2026-11-22T10:00:00.000Z\",\"endpoints\":[\"https://z:1\"],"
	    "\"max_body\":77,\"retry_max_ms\":500,\"path_probe_ms\":2000,\"desk_tz\":"
	    "\"Europe/Paris\",\"desk_lang\":\"fr\",\"notify_cmd\":\"/bin/true\","
	    "\"notify_timeout_ms\":300,\"max_conns\":5}", &fresh, why), ST_OK, why);
	config_apply_now(&running, &fresh);
	/* taken at once */
	assert_int_equal(running.retry_max_ms, 500);
	assert_int_equal(running.path_probe_ms, 2000);
	assert_string_equal(running.desk_tz, "Europe/Paris");
	assert_int_equal(running.desk_lang, TEMPLATE_FR);
	assert_string_equal(running.notify_cmd, "/bin/true");
	assert_int_equal(running.notify_timeout_ms, 300);
	/* at the next start */
	assert_int_equal(running.listen_port, 7401);
	assert_int_equal(running.n_endpoints, 2);
	assert_int_equal(running.max_body, CONFIG_MAX_BODY_DEFAULT);
	assert_int_equal(running.max_conns, 0);
}

static void
test_load_write(void **state)
{
	char path[] = "/tmp/parley-test-config-XXXXXX";
	struct config c, back;
	struct stat sb;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "alpha");
	assert_int_equal(config_listen_parse("[::1]:7401", &c), ST_OK);
	snprintf(c.endpoints[0], sizeof c.endpoints[0], "https://[::1]:7401");
	snprintf(c.endpoints[1], sizeof c.endpoints[1], "https://backup.example.net:443");
	c.n_endpoints = 2;
	c.max_body = 4096;
	c.retry_max_ms = 100;
	snprintf(c.created_at, sizeof c.created_at, "2026-11-22T10:00:00.000Z");
	assert_int_equal(config_write(path, &c), ST_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(config_load(path, &back), ST_OK);
	assert_string_equal(back.listen_host, "::1");
	assert_int_equal(back.n_endpoints, 2);
	assert_string_equal(back.endpoints[1], "https://backup.example.net:443");
	assert_int_equal(back.max_body, 4096);
	assert_int_equal(config_write(path, &c), ST_EXISTS);	/* never overwritten */
	unlink(path);
	assert_int_equal(config_load(path, &back), ST_NOTFOUND);
}

/* The CSAF provider's settings: a base URL, a category, a name. */
static void
test_csaf(void **state)
{
	static const struct {
		const char *url;
		int ok;
	} urls[] = {
		{ "https://csaf.example.org", 1 }, { "https://csaf.example.org:8443", 1 },
		{ "https://example.org/security/csaf", 1 }, { "https://[::1]:7445", 1 },
		{ "https://[::1]/x", 1 }, { "https://10.0.0.5", 1 },
		{ "http://example.org", 0 }, { "https://example.org/", 0 },
		{ "https://example.org/a//b", 0 }, { "https://example.org/a b", 0 },
		{ "https://example.org/a?b", 0 }, { "https://example.org/a#b", 0 },
		{ "https://", 0 }, { "https://:443", 0 }, { "example.org", 0 },
	};
	char why[CONFIG_WHY_MAX];
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
		if (config_url_ok(urls[i].url) != urls[i].ok)
			fail_msg("config_url_ok(\"%s\") should be %d", urls[i].url, urls[i].ok);
	assert_true(config_category_ok("vendor"));
	assert_false(config_category_ok("Vendor"));
	check_rc("defaults", parse("{" BASE "," EPS "}", &c, why), ST_OK, why);
	assert_string_equal(c.csaf_listen, "");
	assert_string_equal(c.csaf_publisher_category, "coordinator");
	check_rc("every CSAF setting", parse("{" BASE "," EPS ",\"csaf_listen\":"
	    "\"http://127.0.0.1:7482\",\"csaf_base_url\":\"https://csaf.example.org\","
	    "\"csaf_publisher_category\":\"vendor\",\"csaf_publisher_name\":\"Example PSIRT\","
	    "\"csaf_publisher_namespace\":\"https://example.org\"}", &c, why), ST_OK, why);
	assert_string_equal(c.csaf_base_url, "https://csaf.example.org");
	assert_string_equal(c.csaf_publisher_name, "Example PSIRT");
	check_rc("plain HTTP not on loopback", parse("{" BASE "," EPS ",\"csaf_listen\":"
	    "\"http://10.0.0.5:7482\"}", &c, why), ST_INVALID, why);
	assert_non_null(strstr(why, "csaf_listen"));
	check_rc("a control character in a name", parse("{" BASE "," EPS ","
	    "\"csaf_publisher_name\":\"a\\u001bb\"}", &c, why), ST_INVALID, why);
	check_rc("an unknown category", parse("{" BASE "," EPS ","
	    "\"csaf_publisher_category\":\"cert\"}", &c, why), ST_INVALID, why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_csaf),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_legacy_and_unset),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_apply_now),
		cmocka_unit_test(test_load_write),
	};

	FILE *f = fopen(PLAIN_FILE, "w");
	int rc;

	if (!f || fclose(f) != 0 || chmod(PLAIN_FILE, 0600) != 0)
		return 1;
	diag_quiet(1);
	diag_init("test", 0);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(PLAIN_FILE);
	return rc;
}
