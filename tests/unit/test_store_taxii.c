/* test_store_taxii.c - what the TAXII server keeps (store_taxii.h): users
 * (a name taken, its limits, removed with its tokens), tokens' hashes,
 * status resources kept and replaced; and the queries it makes of the
 * STIX objects (store_intel_query: ids, types, each version rule, the
 * cursor, the limit; store_intel_delete).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "testcheck.h"
#include "teststore.h"

#define ID_A "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
#define ID_B "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"

static int
setup(void **state)
{
	return fx_setup(state, "taxii");
}

static int
names(void *arg, const struct store_taxii_user *u)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 256 - n, "%s[%s|%s] ", u->name, u->read, u->write);
	return 0;
}

static int
tokens(void *arg, const uint8_t *hash, const char *user)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 256 - n, "%02x:%s ", hash[0], user);
	return 0;
}

static void
test_users_and_tokens(void **state)
{
	struct fx *f = *state;
	struct store_taxii_user u = { "ana", "$argon2id$x", "all", "local", 1 };
	uint8_t h1[STORE_TAXII_HASH], h2[STORE_TAXII_HASH];
	char seen[256] = "";

	memset(h1, 0xa1, sizeof h1);
	memset(h2, 0xb2, sizeof h2);
	EXPECT(store_taxii_user_add(f->st, &u), ST_OK);
	EXPECT(store_taxii_user_add(f->st, &u), ST_EXISTS);
	u.name = "bob", u.read = "local,from bravo", u.write = "";
	EXPECT(store_taxii_user_add(f->st, &u), ST_OK);
	u.name = "";
	EXPECT(store_taxii_user_add(f->st, &u), ST_INVALID);
	u.name = "a-name-far-too-long-for-a-user-of-the-taxii-server-of-parley-0123456789";
	EXPECT(store_taxii_user_add(f->st, &u), ST_INVALID);
	EXPECT(store_taxii_user_list(f->st, names, seen), ST_OK);
	assert_string_equal(seen, "ana[all|local] bob[local,from bravo|] ");
	seen[0] = '\0';
	EXPECT(store_taxii_user_get(f->st, "bob", names, seen), ST_OK);
	assert_string_equal(seen, "bob[local,from bravo|] ");
	EXPECT(store_taxii_user_get(f->st, "carl", names, seen), ST_NOTFOUND);

	EXPECT(store_taxii_token_add(f->st, "ana", h1, 5), ST_OK);
	EXPECT(store_taxii_token_add(f->st, "bob", h2, 5), ST_OK);
	EXPECT(store_taxii_token_add(f->st, "carl", h2, 5), ST_EXISTS);	/* the hash held */
	seen[0] = '\0';
	EXPECT(store_taxii_tokens(f->st, tokens, seen), ST_OK);
	assert_string_equal(seen, "a1:ana b2:bob ");
	EXPECT(store_taxii_user_remove(f->st, "ana"), ST_OK);
	EXPECT(store_taxii_user_remove(f->st, "ana"), ST_NOTFOUND);
	seen[0] = '\0';
	EXPECT(store_taxii_tokens(f->st, tokens, seen), ST_OK);
	assert_string_equal(seen, "b2:bob ");
}

static int
status_seen(void *arg, const struct store_taxii_status *s)
{
	snprintf(arg, 256, "%s %s %s %lld %lld %s", s->id, s->user, s->collection,
	    (long long)s->peer_id, (long long)s->made_ms, s->json);
	return 1;
}

static void
test_status(void **state)
{
	struct fx *f = *state;
	struct store_taxii_status s = { "01a21b43-0c7f-77e1-a5a6-d9866b61ffc6", "ana", "to:3", 3,
		77, "[{\"state\":\"pending\"}]" };
	char seen[256];

	EXPECT(store_taxii_status_get(f->st, s.id, status_seen, seen), ST_NOTFOUND);
	EXPECT(store_taxii_status_put(f->st, &s), ST_OK);
	EXPECT(store_taxii_status_get(f->st, s.id, status_seen, seen), ST_OK);
	assert_string_equal(seen, "01a21b43-0c7f-77e1-a5a6-d9866b61ffc6 ana to:3 3 77"
	    " [{\"state\":\"pending\"}]");
	s.json = "[{\"state\":\"success\"}]";
	EXPECT(store_taxii_status_put(f->st, &s), ST_OK);
	EXPECT(store_taxii_status_get(f->st, s.id, status_seen, seen), ST_OK);
	assert_non_null(strstr(seen, "success"));
}

/* put - a version of id, in its own transaction, at now. */
static void
put(struct fx *f, const char *id, const char *modified, int64_t ms, int64_t now)
{
	char json[256];
	struct store_intel_in in;
	const char *sep = strstr(id, "--");
	char type[32];

	snprintf(type, sizeof type, "%.*s", (int)(sep - id), id);
	snprintf(json, sizeof json, "{\"id\":\"%s\",\"modified\":\"%s\"}", id, modified);
	in = (struct store_intel_in){ "local", 0, id, type, modified, ms, "none", 0, json,
		strlen(json), NULL, 0 };
	EXPECT(store_begin(f->st), ST_OK);
	EXPECT(store_intel_put(f->st, &in, now, NULL), ST_OK);
	EXPECT(store_commit(f->st), ST_OK);
}

struct rows {
	char text[512];
	int64_t last_ms, last_seq;
};

static int
row(void *arg, const struct store_intel_obj *o)
{
	struct rows *r = arg;
	size_t n = strlen(r->text);

	snprintf(r->text + n, sizeof r->text - n, "%.3s@%lld ", o->id,
	    (long long)(o->version_ms / 1000));
	r->last_ms = o->added_ms;
	r->last_seq = o->seq;
	return 0;
}

static const char *
query(struct fx *f, struct store_intel_query q, struct rows *r)
{
	memset(r, 0, sizeof *r);
	q.collection = "local";
	EXPECT(store_intel_query(f->st, &q, row, r), ST_OK);
	return r->text;
}

static void
test_query_and_delete(void **state)
{
	struct fx *f = *state;
	struct rows r;
	int64_t n = 0;

	put(f, ID_A, "2", 2000, 100);
	put(f, ID_A, "1", 1000, 100);	/* older, added later: still the first version */
	put(f, ID_B, "5", 5000, 100);
	put(f, ID_A, "3", 3000, 101);
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 1 }, &r),
	    "mal@5 ind@3 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 2 }, &r),
	    "ind@1 mal@5 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4 }, &r),
	    "ind@2 ind@1 mal@5 ind@3 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 8,
	    .version_ms = "[2000,5000]" }, &r), "ind@2 mal@5 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 3 }, &r),
	    "ind@1 mal@5 ind@3 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4,
	    .types = "[\"malware\"]" }, &r), "mal@5 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4,
	    .ids = "[\"" ID_A "\"]", .limit = 2 }, &r), "ind@2 ind@1 ");
	/* the cursor: after the second row, all the rest, ties in one ms included */
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4, .limit = 2 },
	    &r), "ind@2 ind@1 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4,
	    .after_ms = r.last_ms, .after_seq = r.last_seq }, &r), "mal@5 ind@3 ");
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4,
	    .after_ms = 100, .after_seq = INT64_MAX }, &r), "ind@3 ");

	EXPECT(store_intel_delete(f->st, "local", ID_A, &n), ST_OK);
	assert_int_equal(n, 3);
	EXPECT(store_intel_delete(f->st, "local", ID_A, &n), ST_NOTFOUND);
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4 }, &r),
	    "mal@5 ");
	/* a sequence number is never used again after a delete */
	put(f, ID_A, "9", 9000, 102);
	assert_string_equal(query(f, (struct store_intel_query){ .versions = 4,
	    .after_ms = 101, .after_seq = INT64_MAX }, &r), "ind@9 ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_users_and_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_and_delete, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
