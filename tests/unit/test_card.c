/* test_card.c - cards, fingerprints and key files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "card.h"
#include "testkeys.h"

static struct ident *alpha, *mallory;

static void
make(struct ident *id, struct buf *out)
{
	const char *eps[2] = { "https://127.0.0.1:7401", "https://[::1]:7401" };

	buf_init(out, CARD_MAX_BYTES);
	assert_int_equal(card_make(id, "alpha", eps, 2, "2026-11-22T10:00:00.000Z", out), ST_OK);
}

static void
test_round_trip(void **state)
{
	struct buf b;
	struct card c;

	(void)state;
	make(alpha, &b);
	assert_int_equal(card_parse(b.p, b.len, &c), ST_OK);
	assert_string_equal(c.name, "alpha");
	assert_string_equal(c.kid, ident_kid(alpha));
	assert_memory_equal(c.pk, ident_pk(alpha), IDENT_PK_LEN);
	assert_int_equal(c.n_endpoints, 2);
	assert_string_equal(c.endpoints[1], "https://[::1]:7401");
	buf_free(&b);
}

/* edited - parse the card, change it with fn, dump it again. */
static status
edited(struct buf *b, void (*fn)(json_t *))
{
	json_t *j = json_loadb(b->p, b->len, 0, NULL);
	char *text;
	struct card c;
	status rc;

	fn(j);
	text = json_dumps(j, 0);
	rc = card_parse(text, strlen(text), &c);
	free(text);
	json_decref(j);
	return rc;
}

static void
rename_readable(json_t *j)
{
	json_object_set_new(json_object_get(j, "card"), "name", json_string("mallory"));
}

static void
flip_payload(json_t *j)
{
	char p[4096];

	snprintf(p, sizeof p, "%s", json_string_value(json_object_get(j, "payload")));
	p[20] = p[20] == 'A' ? 'B' : 'A';
	json_object_set_new(j, "payload", json_string(p));
	json_object_del(j, "card");
}

static void
drop_readable(json_t *j)
{
	json_object_del(j, "card");
}

static void
add_unprotected(json_t *j)
{
	json_object_set_new(j, "header", json_pack("{s:s}", "kid", "x"));
}

static void
test_tampering(void **state)
{
	struct buf b;

	(void)state;
	make(alpha, &b);
	assert_int_equal(edited(&b, rename_readable), ST_INVALID);
	assert_int_not_equal(edited(&b, flip_payload), ST_OK);
	assert_int_equal(edited(&b, drop_readable), ST_OK);	/* the copy is optional */
	assert_int_equal(edited(&b, add_unprotected), ST_INVALID);
	{
		struct card c;

		assert_int_not_equal(card_parse(b.p, b.len / 2, &c), ST_OK);
	}
	buf_free(&b);
}

static void
test_signed_by_another_key(void **state)
{
	struct buf a, m;
	json_t *ja, *jm;
	char *text;
	struct card c;

	(void)state;
	/* alpha's payload (with alpha's key) under mallory's signature */
	make(alpha, &a);
	make(mallory, &m);
	ja = json_loadb(a.p, a.len, 0, NULL);
	jm = json_loadb(m.p, m.len, 0, NULL);
	json_object_set(jm, "payload", json_object_get(ja, "payload"));
	json_object_del(jm, "card");
	text = json_dumps(jm, 0);
	assert_int_not_equal(card_parse(text, strlen(text), &c), ST_OK);
	free(text);
	json_decref(ja);
	json_decref(jm);
	buf_free(&a);
	buf_free(&m);
}

static void
test_names_and_endpoints(void **state)
{
	static const char *const good_names[] = { "a", "state-a", "cert.gov_1", NULL };
	static const char *const bad_names[] = { "", "Alpha", "-a", "a b", "a/b",
	    "0123456789012345678901234567890123456789012345678901234567890123", NULL };
	static const char *const bad_eps[] = { "http://1.2.3.4:1", "https://1.2.3.4",
	    "https://1.2.3.4:0", "https://1.2.3.4:70000", "https://:80", "https://[::1:80",
	    "https://a b:80", "https://h:08", NULL };
	char host[64];
	int port;

	(void)state;
	for (int i = 0; good_names[i]; i++)
		assert_true(card_name_ok(good_names[i]));
	for (int i = 0; bad_names[i]; i++)
		assert_false(card_name_ok(bad_names[i]));
	for (int i = 0; bad_eps[i]; i++)
		assert_int_not_equal(card_endpoint_parse(bad_eps[i], host, sizeof host, &port), ST_OK);
	assert_int_equal(card_endpoint_parse("https://[::1]:7400", host, sizeof host, &port), ST_OK);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 7400);
}

static void
test_fingerprint(void **state)
{
	char fp[IDENT_FP_LEN], edit[IDENT_FP_LEN], dashed[IDENT_FP_LEN];

	(void)state;
	ident_fingerprint(ident_pk(alpha), fp);
	assert_int_equal(strlen(fp), 47);
	for (int g = 0; g < 8; g++)
		for (int i = 0; i < 5; i++)
			assert_true(fp[g * 6 + i] >= '0' && fp[g * 6 + i] <= '9');
	assert_true(ident_fingerprint_match(ident_pk(alpha), fp));
	memcpy(dashed, fp, sizeof fp);
	for (char *p = dashed; *p; p++)
		if (*p == ' ')
			*p = '-';
	assert_true(ident_fingerprint_match(ident_pk(alpha), dashed));
	memcpy(edit, fp, sizeof fp);
	edit[10] = edit[10] == '9' ? '0' : (char)(edit[10] + 1);
	assert_false(ident_fingerprint_match(ident_pk(alpha), edit));
	edit[30] = '\0';
	assert_false(ident_fingerprint_match(ident_pk(alpha), edit));	/* a prefix */
	assert_false(ident_fingerprint_match(ident_pk(mallory), fp));
	assert_false(ident_fingerprint_match(ident_pk(alpha), "abcde"));
}

static void
test_key_files(void **state)
{
	char dir[] = "/tmp/pkeyXXXXXX", path[64];
	struct ident *id;
	struct stat sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/identity.key", dir);
	assert_int_equal(ident_create(path), ST_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(ident_create(path), ST_EXISTS);
	chmod(path, 0640);
	assert_int_equal(ident_load(path, &id), ST_IO);
	assert_null(id);
	chmod(path, 0600);
	assert_int_equal(ident_load(path, &id), ST_OK);
	ident_free(id);
	ident_free(NULL);
	unlink(path);
	rmdir(dir);
}

static int
setup(void **state)
{
	(void)state;
	alpha = testkey();
	mallory = testkey();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alpha);
	ident_free(mallory);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_signed_by_another_key),
		cmocka_unit_test(test_names_and_endpoints),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_key_files),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
