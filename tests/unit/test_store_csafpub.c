/* test_store_csafpub.c - what the CSAF provider keeps (store_csafpub.h):
 * publications (one listed per path, withdrawn and kept, a document read
 * back with its advisory's fields), users with their tokens' hashes; and
 * what is pure in the provider (csafpub_int.h): the paths of the
 * distribution, the names of section 5.1 it takes, TLP labels, and the listings
 * changed by one publication at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csafpub/csafpub_int.h"
#include "store/store.h"
#include "store/store_advisory.h"
#include "testcheck.h"
#include "teststore.h"

static int
setup(void **state)
{
	return fx_setup(state, "csafpub");
}

/* advisory - keep one advisory version; its row. */
static int64_t
advisory(struct store *st, const char *tracking, const char *version, const char *tlp)
{
	static const uint8_t h[STORE_ADVISORY_HASH];
	struct store_advisory a = { .ns = "https://example.org", .tracking = tracking,
		.version = version, .title = "T", .status = "final", .tlp = tlp,
		.publisher = "P", .initial_ms = 1709251200000, .current_ms = 1709337600000,
		.added_ms = 1, .msg = "", .doc = "{\"document\":{}}", .doc_len = 15,
		.sha256 = h };
	int64_t row = 0;

	EXPECT(store_advisory_add(st, &a, &row), ST_OK);
	return row;
}

static int
seen_doc(void *arg, const struct store_csafpub_doc *d)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 512 - n, "%lld:%s:%s:%s:%lld:%s ", (long long)d->seq, d->path,
	    d->tracking, d->version, (long long)d->withdrawn_ms, d->doc ? d->doc : "-");
	return 0;
}

static void
test_publications(void **state)
{
	struct fx *f = *state;
	int64_t r1 = advisory(f->st, "EX-1", "1", "WHITE"), r2 = advisory(f->st, "EX-1", "2",
	    "WHITE"), seq1 = 0, seq2 = 0, ms = 0, n = 0;
	struct store_csafpub_doc d = { .advisory = r1, .published_ms = 10,
		.path = "white/2024/ex-1.json", .sha256 = "aa", .sha512 = "bb",
		.sig = "-----BEGIN PGP SIGNATURE-----", .initial = "2024-03-01T00:00:00Z",
		.current = "" };
	char seen[512] = "";

	EXPECT(store_csafpub_add(f->st, &d, &seq1), ST_OK);
	d.advisory = r2;
	EXPECT(store_csafpub_add(f->st, &d, &seq2), ST_EXISTS);	/* the path is listed */
	EXPECT(store_csafpub_withdraw(f->st, seq1, 20), ST_OK);
	EXPECT(store_csafpub_withdraw(f->st, seq1, 21), ST_NOTFOUND);	/* not listed now */
	d.published_ms = 30;
	EXPECT(store_csafpub_add(f->st, &d, &seq2), ST_OK);
	assert_true(seq2 > seq1);
	EXPECT(store_csafpub_listed(f->st, seen_doc, seen), ST_OK);
	assert_string_equal(seen, "2:white/2024/ex-1.json:EX-1:2:0:- ");
	seen[0] = '\0';
	EXPECT(store_csafpub_at(f->st, "white/2024/ex-1.json", seen_doc, seen), ST_OK);
	assert_string_equal(seen, "2:white/2024/ex-1.json:EX-1:2:0:{\"document\":{}} ");
	seen[0] = '\0';
	EXPECT(store_csafpub_at(f->st, "white/2024/ex-2.json", seen_doc, seen), ST_NOTFOUND);
	EXPECT(store_csafpub_of(f->st, "EX-1", seen_doc, seen), ST_OK);
	assert_string_equal(seen, "2:white/2024/ex-1.json:EX-1:2:0:- ");
	EXPECT(store_csafpub_of(f->st, "EX-9", seen_doc, seen), ST_NOTFOUND);
	EXPECT(store_csafpub_changed(f->st, "white/", &ms), ST_OK);
	assert_int_equal(ms, 30);
	EXPECT(store_csafpub_withdraw(f->st, seq2, 40), ST_OK);
	EXPECT(store_csafpub_changed(f->st, "white/", &ms), ST_OK);
	assert_int_equal(ms, 40);
	EXPECT(store_csafpub_changed(f->st, "green/", &ms), ST_OK);
	assert_int_equal(ms, 0);
	EXPECT(store_csafpub_count(f->st, &n), ST_OK);
	assert_int_equal(n, 2);	/* withdrawn, the records kept */
	seen[0] = '\0';
	EXPECT(store_csafpub_listed(f->st, seen_doc, seen), ST_OK);
	assert_string_equal(seen, "");
	/* the limits */
	d.path = "";
	EXPECT(store_csafpub_add(f->st, &d, &seq2), ST_INVALID);
	d.path = "white/2024/ex-1.json", d.sig = "";
	EXPECT(store_csafpub_add(f->st, &d, &seq2), ST_INVALID);
	d.sig = "x", d.withdrawn_ms = 5;
	EXPECT(store_csafpub_add(f->st, &d, &seq2), ST_INVALID);
}

static int
seen_user(void *arg, const struct store_csafpub_user *u)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 256 - n, "%s[%s] ", u->name, u->tlp);
	return 0;
}

static int
seen_token(void *arg, const uint8_t *hash, const char *user)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 256 - n, "%02x:%s ", hash[0], user);
	return 0;
}

static void
test_users(void **state)
{
	struct fx *f = *state;
	struct store_csafpub_user u = { "ana", "GREEN,AMBER", 1 };
	uint8_t h1[STORE_CSAFPUB_HASH], h2[STORE_CSAFPUB_HASH];
	char seen[256] = "";

	memset(h1, 0xa1, sizeof h1);
	memset(h2, 0xb2, sizeof h2);
	EXPECT(store_csafpub_user_add(f->st, &u, h1), ST_OK);
	EXPECT(store_csafpub_user_add(f->st, &u, h2), ST_EXISTS);
	u.name = "bob", u.tlp = "RED";
	EXPECT(store_csafpub_user_add(f->st, &u, h1), ST_EXISTS);	/* the hash held */
	EXPECT(store_csafpub_user_get(f->st, "bob", seen_user, seen), ST_NOTFOUND);	/* rolled back */
	EXPECT(store_csafpub_user_add(f->st, &u, h2), ST_OK);
	u.name = "";
	EXPECT(store_csafpub_user_add(f->st, &u, h2), ST_INVALID);
	u.name = "a-name-far-too-long-for-a-user-of-the-csaf-provider-of-parley-0123456789";
	EXPECT(store_csafpub_user_add(f->st, &u, h2), ST_INVALID);
	EXPECT(store_csafpub_user_list(f->st, seen_user, seen), ST_OK);
	assert_string_equal(seen, "ana[GREEN,AMBER] bob[RED] ");
	seen[0] = '\0';
	EXPECT(store_csafpub_tokens(f->st, seen_token, seen), ST_OK);
	assert_string_equal(seen, "a1:ana b2:bob ");
	EXPECT(store_csafpub_user_remove(f->st, "ana"), ST_OK);
	EXPECT(store_csafpub_user_remove(f->st, "ana"), ST_NOTFOUND);
	seen[0] = '\0';
	EXPECT(store_csafpub_tokens(f->st, seen_token, seen), ST_OK);
	assert_string_equal(seen, "b2:bob ");
}

/* ---- what is pure ---- */

/* Every name csaf_filename (fmt/csaf.h) makes is one the paths take. */
static void
test_filename(void **state)
{
	static const char *const ids[] = { "Example Company - 2019-YH3234", "RHBA-2019:0024",
		"cisco-sa-20190513-secureboot", "a//b  c+d", "\xc3\x9c" "n\xc3\xaf" "code" };
	char out[CSAF_FILENAME_MAX], path[CSAF_FILENAME_MAX + 16];
	struct csafpub_path cp;

	(void)state;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		EXPECT(csaf_filename(ids[i], out), ST_OK);
		snprintf(path, sizeof path, "amber/2019/%s", out);
		EXPECT(csafpub_path_parse(path, &cp), ST_OK);
		assert_int_equal(cp.kind, CSAFPUB_DOC);
		assert_string_equal(cp.doc, path);
	}
}

static void
test_tlp(void **state)
{
	enum csafpub_tlp t;
	unsigned m;

	(void)state;
	EXPECT(csafpub_tlp_parse("CLEAR", &t), ST_OK);
	assert_int_equal(t, CSAFPUB_WHITE);
	EXPECT(csafpub_tlp_parse("amber", &t), ST_OK);
	assert_int_equal(t, CSAFPUB_AMBER);
	EXPECT(csafpub_tlp_parse("", &t), ST_INVALID);
	EXPECT(csafpub_tlp_parse("AMBER+STRICT", &t), ST_INVALID);
	EXPECT(csafpub_tlp_list("GREEN,RED", &m), ST_OK);
	assert_int_equal(m, (1u << CSAFPUB_GREEN) | (1u << CSAFPUB_RED));
	EXPECT(csafpub_tlp_list("WHITE", &m), ST_INVALID);	/* public: no grant */
	EXPECT(csafpub_tlp_list("GREEN,", &m), ST_INVALID);
	EXPECT(csafpub_tlp_list(",GREEN", &m), ST_INVALID);
	EXPECT(csafpub_tlp_list("", &m), ST_INVALID);
	EXPECT(csafpub_tlp_list("GREEN, RED", &m), ST_INVALID);
}

static void
test_paths(void **state)
{
	static const struct {
		const char *p;
		status rc;
		enum csafpub_kind kind;
		enum csafpub_tlp tlp;
		int year;
		const char *doc;
	} cases[] = {
		{ "", ST_OK, CSAFPUB_TOP, 0, 0, "" },
		{ "white", ST_OK, CSAFPUB_DIR, CSAFPUB_WHITE, 0, "" },
		{ "red/", ST_OK, CSAFPUB_DIR, CSAFPUB_RED, 0, "" },
		{ "green/index.txt", ST_OK, CSAFPUB_INDEX, CSAFPUB_GREEN, 0, "" },
		{ "amber/changes.csv", ST_OK, CSAFPUB_CHANGES, CSAFPUB_AMBER, 0, "" },
		{ "white/csaf-feed-tlp-white.json", ST_OK, CSAFPUB_FEED, CSAFPUB_WHITE, 0, "" },
		{ "white/2024", ST_OK, CSAFPUB_YEAR, CSAFPUB_WHITE, 2024, "" },
		{ "white/2024/", ST_OK, CSAFPUB_YEAR, CSAFPUB_WHITE, 2024, "" },
		{ "white/2024/ex-1.json", ST_OK, CSAFPUB_DOC, CSAFPUB_WHITE, 2024,
		    "white/2024/ex-1.json" },
		{ "green/2019/a_b+c.json.sha256", ST_OK, CSAFPUB_SHA256, CSAFPUB_GREEN, 2019,
		    "green/2019/a_b+c.json" },
		{ "green/2019/a.json.sha512", ST_OK, CSAFPUB_SHA512, CSAFPUB_GREEN, 2019,
		    "green/2019/a.json" },
		{ "red/2019/a.json.asc", ST_OK, CSAFPUB_ASC, CSAFPUB_RED, 2019, "red/2019/a.json" },
		/* what the distribution never holds */
		{ "WHITE/", ST_NOTFOUND, 0, 0, 0, "" },
		{ "clear/index.txt", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/green/index.txt", ST_NOTFOUND, 0, 0, 0, "" },
		{ "green/csaf-feed-tlp-white.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/0999/a.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/202/a.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/20245/a.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/../2023/a.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/..", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/A.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/.json", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/a.json.md5", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/a.txt", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/a.json/", ST_NOTFOUND, 0, 0, 0, "" },
		{ "white/2024/a b.json", ST_NOTFOUND, 0, 0, 0, "" },
	};
	struct csafpub_path cp;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		status rc = csafpub_path_parse(cases[i].p, &cp);

		if (rc != cases[i].rc)
			fail_msg("\"%s\": got %s, want %s", cases[i].p, status_str(rc),
			    status_str(cases[i].rc));
		if (rc)
			continue;
		assert_int_equal(cp.kind, cases[i].kind);
		assert_int_equal(cp.tlp, cases[i].tlp);
		assert_int_equal(cp.year, cases[i].year);
		assert_string_equal(cp.doc, cases[i].doc);
	}
}

static struct csafpub_item
item(int64_t seq, const char *path, const char *tracking, int64_t current_ms)
{
	struct csafpub_item it = { seq, path, tracking, "A \"title\" <b>", 1709251200000,
		current_ms, 5, NULL, NULL };

	return it;
}

static void
test_listings(void **state)
{
	struct csafpub_list *l;
	struct csafpub_item it;
	struct buf b;
	const char *p;
	size_t n;
	json_t *j;

	(void)state;
	EXPECT(csafpub_list_new(CSAFPUB_WHITE, "https://h:1", "parley x", &l), ST_OK);
	EXPECT(csafpub_list_index(l, &p, &n), ST_OK);
	assert_int_equal(n, 0);
	EXPECT(csafpub_list_feed(l, &p, &n), ST_OK);
	assert_non_null(j = json_loadb(p, n, 0, NULL));
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "feed"), "entry")), 0);
	json_decref(j);
	it = item(1, "white/2024/b.json", "B", 2000);
	EXPECT(csafpub_list_add(l, &it, 10), ST_OK);
	it = item(2, "white/2024/a.json", "A", 3000);
	EXPECT(csafpub_list_add(l, &it, 11), ST_OK);
	it = item(3, "white/2023/c.json", "C", 1000);
	EXPECT(csafpub_list_add(l, &it, 12), ST_OK);
	it = item(4, "white/2024/d.json", "D", 2000);	/* ties: the later publication first */
	EXPECT(csafpub_list_add(l, &it, 13), ST_OK);
	EXPECT(csafpub_list_index(l, &p, &n), ST_OK);
	assert_string_equal(p, "2024/a.json\n2024/d.json\n2024/b.json\n2023/c.json\n");
	EXPECT(csafpub_list_changes(l, &p, &n), ST_OK);
	assert_string_equal(p, "\"2024/a.json\",\"1970-01-01T00:00:03.000Z\"\n"
	    "\"2024/d.json\",\"1970-01-01T00:00:02.000Z\"\n"
	    "\"2024/b.json\",\"1970-01-01T00:00:02.000Z\"\n"
	    "\"2023/c.json\",\"1970-01-01T00:00:01.000Z\"\n");
	EXPECT(csafpub_list_feed(l, &p, &n), ST_OK);
	assert_non_null(j = json_loadb(p, n, 0, NULL));	/* the title escaped: still JSON */
	{
		json_t *feed = json_object_get(j, "feed"), *e = json_object_get(feed, "entry");

		assert_int_equal(json_array_size(e), 4);
		assert_string_equal(json_string_value(json_object_get(json_array_get(e, 0), "id")),
		    "A");
		assert_string_equal(json_string_value(json_object_get(json_array_get(e, 0),
		    "title")), "A \"title\" <b>");
		assert_string_equal(json_string_value(json_object_get(feed, "updated")),
		    "1970-01-01T00:00:00.013Z");
	}
	json_decref(j);
	/* a date as the document writes it; one that is not a date's text is not */
	it = item(5, "white/2024/e.json", "E", 500);
	it.current = "2024-03-02T10:00:00+01:00";
	EXPECT(csafpub_list_add(l, &it, 14), ST_OK);
	it = item(6, "white/2024/f.json", "F", 400);
	it.current = "2024\",\"evil";
	EXPECT(csafpub_list_add(l, &it, 15), ST_OK);
	EXPECT(csafpub_list_changes(l, &p, &n), ST_OK);
	assert_non_null(strstr(p, "\"2024/e.json\",\"2024-03-02T10:00:00+01:00\"\n"));
	assert_non_null(strstr(p, "\"2024/f.json\",\"1970-01-01T00:00:00.400Z\"\n"));
	assert_int_equal(csafpub_list_remove(l, 5, 16), 1);
	assert_int_equal(csafpub_list_remove(l, 6, 17), 1);
	assert_int_equal(csafpub_list_remove(l, 2, 20), 1);
	assert_int_equal(csafpub_list_remove(l, 2, 21), 0);
	assert_int_equal(csafpub_list_count(l), 3);
	assert_int_equal(csafpub_list_changed(l), 20);
	EXPECT(csafpub_list_index(l, &p, &n), ST_OK);
	assert_string_equal(p, "2024/d.json\n2024/b.json\n2023/c.json\n");
	buf_init(&b, 1 << 20);
	EXPECT(csafpub_list_folder(l, 0, &b), ST_OK);
	assert_non_null(strstr(buf_str(&b), "href=\"/.well-known/csaf/white/2023/\""));
	assert_null(strstr(buf_str(&b), "<b>"));	/* no advisory text in pages */
	buf_reset(&b);
	EXPECT(csafpub_list_folder(l, 2024, &b), ST_OK);
	assert_non_null(strstr(buf_str(&b), "href=\"/.well-known/csaf/white/2024/d.json.asc\""));
	assert_null(strstr(buf_str(&b), "c.json"));
	buf_reset(&b);
	EXPECT(csafpub_list_folder(l, 2022, &b), ST_NOTFOUND);
	buf_free(&b);
	csafpub_list_free(l);
}

/* Many documents: each added costs its own pieces, in order. */
static void
test_listings_many(void **state)
{
	struct csafpub_list *l;
	char path[64], id[32];
	const char *p;
	size_t n;

	(void)state;
	EXPECT(csafpub_list_new(CSAFPUB_GREEN, "https://h:1", "x", &l), ST_OK);
	for (int i = 0; i < 5000; i++) {
		struct csafpub_item it;

		snprintf(path, sizeof path, "green/2024/x-%05d.json", i);
		snprintf(id, sizeof id, "X-%05d", i);
		it = item(i + 1, path, id, (int64_t)((i * 7919) % 5000) * 1000);
		EXPECT(csafpub_list_add(l, &it, i), ST_OK);
	}
	EXPECT(csafpub_list_changes(l, &p, &n), ST_OK);
	{
		const char *prev = NULL;

		for (const char *s = p; *s; s = strchr(s, '\n') + 1) {
			const char *date = strchr(s, ',') + 1;

			if (prev)
				assert_true(strncmp(prev, date, 26) >= 0);
			prev = date;
		}
	}
	csafpub_list_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_publications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users, setup, teardown),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_tlp),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_listings),
		cmocka_unit_test(test_listings_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
