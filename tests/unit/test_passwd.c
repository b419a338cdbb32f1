/* test_passwd.c - Argon2id password hashes: a hash verifies its password
 * and no other, a tampered or foreign hash is refused, and the rules on
 * what may be a password hold at each edge. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "crypto/passwd.h"

static const char good_pw[] = "correct horse battery";

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

static void
test_hash_verify(void **state)
{
	char h[PASSWD_HASH_MAX], h2[PASSWD_HASH_MAX];

	(void)state;
	assert_int_equal(passwd_hash(good_pw, strlen(good_pw), h), ST_OK);
	assert_memory_equal(h, "$argon2id$v=19$m=65536,t=2,p=1$", 31);
	assert_int_equal(passwd_verify(h, good_pw, strlen(good_pw)), ST_OK);
	assert_int_equal(passwd_needs_rehash(h), 0);
	/* a fresh salt each time */
	assert_int_equal(passwd_hash(good_pw, strlen(good_pw), h2), ST_OK);
	assert_string_not_equal(h, h2);
	assert_int_equal(passwd_verify(h2, good_pw, strlen(good_pw)), ST_OK);
}

/* Every near miss of the password is refused, as a wrong password. */
static void
test_wrong_password(void **state)
{
	static const struct {
		const char *name, *pw;
		size_t len;	/* 0: strlen */
	} cases[] = {
		{ "other", "incorrect horse battery", 0 },
		{ "one letter changed", "correct horse batterY", 0 },
		{ "prefix", "correct horse batter", 0 },
		{ "one byte more", "correct horse battery!", 0 },
		{ "NUL appended", "correct horse battery\0", 22 },
		{ "empty", "", 0 },
	};
	char h[PASSWD_HASH_MAX];
	char big[PASSWD_MAX + 1];

	(void)state;
	assert_int_equal(passwd_hash(good_pw, strlen(good_pw), h), ST_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_rc(cases[i].name, passwd_verify(h, cases[i].pw,
		    cases[i].len ? cases[i].len : strlen(cases[i].pw)), ST_BADSIG);
	memset(big, 'a', sizeof big);
	check_rc("longer than PASSWD_MAX", passwd_verify(h, big, sizeof big), ST_BADSIG);
}

/* A hash changed anywhere is refused: as a wrong password when it still
 * reads as Argon2id, as ST_INVALID when it does not. */
static void
test_tampered_hash(void **state)
{
	char h[PASSWD_HASH_MAX], t[PASSWD_HASH_MAX];
	size_t len;

	(void)state;
	assert_int_equal(passwd_hash(good_pw, strlen(good_pw), h), ST_OK);
	len = strlen(h);
	/* each byte of the algorithm and limits, then every 7th (each costs
	 * an Argon2id run) */
	for (size_t i = 0; i < len; i += i < 31 ? 1 : 7) {
		status rc;

		memcpy(t, h, sizeof t);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		rc = passwd_verify(t, good_pw, strlen(good_pw));
		if (rc != ST_BADSIG && rc != ST_INVALID)
			fail_msg("byte %zu changed: got \"%s\"", i, status_str(rc));
	}
	/* the digest's last letter, then the salt's first: still well formed */
	memcpy(t, h, sizeof t);
	t[len - 2] = t[len - 2] == 'A' ? 'B' : 'A';
	check_rc("digest changed", passwd_verify(t, good_pw, strlen(good_pw)), ST_BADSIG);
	memcpy(t, h, sizeof t);
	t[31] = t[31] == 'A' ? 'B' : 'A';
	check_rc("salt changed", passwd_verify(t, good_pw, strlen(good_pw)), ST_BADSIG);
	/* cut short */
	memcpy(t, h, sizeof t);
	t[len - 10] = '\0';
	check_rc("truncated", passwd_verify(t, good_pw, strlen(good_pw)), ST_INVALID);
}

static void
test_not_argon2id(void **state)
{
	static const char *const bad[] = {
		"",
		"$argon2id$",
		"$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
		    "Pq0KQ2J8Xc1Ds4aPqvj0yKQ7Mjh8MAQcj4G7BQa6cM4",
		"$2b$12$abcdefghijklmnopqrstuuKoZf5WZ2T0kWcyzj7rcM3kCa1bYzVmK",
		"$argon2id$v=19$m=65536,t=2,p=1$bm90IGJhc2U2NCE$!!!!",
		"correct horse battery",
	};
	char unterminated[PASSWD_HASH_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		check_rc(bad[i], passwd_verify(bad[i], good_pw, strlen(good_pw)), ST_INVALID);
		assert_int_equal(passwd_needs_rehash(bad[i]), 1);
	}
	memset(unterminated, 'a', sizeof unterminated);
	memcpy(unterminated, "$argon2id$", 10);
	check_rc("no NUL within PASSWD_HASH_MAX",
	    passwd_verify(unterminated, good_pw, strlen(good_pw)), ST_INVALID);
}

/* A hash made with other limits (libsodium's MODERATE) still verifies, and
 * is marked for rehashing. */
static void
test_needs_rehash(void **state)
{
	char h[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(crypto_pwhash_str_alg(h, good_pw, strlen(good_pw),
	    crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE + 1,
	    crypto_pwhash_argon2id_MEMLIMIT_MIN * 8, crypto_pwhash_ALG_ARGON2ID13), 0);
	assert_int_equal(passwd_verify(h, good_pw, strlen(good_pw)), ST_OK);
	assert_int_equal(passwd_needs_rehash(h), 1);
}

static void
test_rules(void **state)
{
	static const struct {
		const char *name, *pw;
		size_t len;	/* 0: strlen */
		status want;
	} cases[] = {
		{ "11 bytes", "abcdefghijk", 0, ST_INVALID },
		{ "empty", "", 0, ST_INVALID },
		{ "NUL inside", "abcdef\0ghijkl", 13, ST_INVALID },
		{ "tab", "abcdef\tghijkl", 0, ST_INVALID },
		{ "newline at the end", "abcdefghijkl\n", 0, ST_INVALID },
		{ "escape", "abc\x1b[2Jdefghij", 0, ST_INVALID },
		{ "DEL", "abcdefghijkl\x7f", 0, ST_INVALID },
		{ "C1 control U+0085", "abcdefghijkl\xc2\x85", 0, ST_INVALID },
		{ "lone continuation byte", "abcdefghijkl\x80", 0, ST_INVALID },
		{ "truncated sequence", "abcdefghijkl\xc3", 0, ST_INVALID },
		{ "overlong slash", "abcdefghijkl\xc0\xaf", 0, ST_INVALID },
		{ "surrogate", "abcdefghijkl\xed\xa0\x80", 0, ST_INVALID },
		{ "byte 0xff", "abcdefghijkl\xff", 0, ST_INVALID },
		{ "12 bytes", "abcdefghijkl", 0, ST_OK },
		{ "spaces", "a b c d e f g h", 0, ST_OK },
		{ "UTF-8 (4 letters, 12 bytes)", "\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",
		    0, ST_OK },
		{ "ZWNJ (Persian)", "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85",
		    0, ST_OK },
	};
	static char big[PASSWD_MAX + 2];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].pw);

		why = "unset";
		check_rc(cases[i].name, passwd_check(cases[i].pw, len, &why), cases[i].want);
		if (cases[i].want == ST_OK)
			assert_null(why);
		else
			assert_non_null(why);
	}
	memset(big, 'x', sizeof big);
	check_rc("1024 bytes", passwd_check(big, PASSWD_MAX, &why), ST_OK);
	check_rc("1025 bytes", passwd_check(big, PASSWD_MAX + 1, &why), ST_INVALID);
	assert_string_equal(why, "a password is at most 1024 bytes");
	check_rc("11 bytes", passwd_check(big, PASSWD_MIN - 1, NULL), ST_INVALID);
	check_rc("11 bytes, why", passwd_check(big, PASSWD_MIN - 1, &why), ST_INVALID);
	assert_string_equal(why, "a password is at least 12 bytes");
}

/* passwd_hash applies the rules and leaves out empty when it refuses. */
static void
test_hash_refuses(void **state)
{
	char h[PASSWD_HASH_MAX];

	(void)state;
	memset(h, 'x', sizeof h);
	assert_int_equal(passwd_hash("short", 5, h), ST_INVALID);
	assert_int_equal(h[0], '\0');
	assert_int_equal(passwd_hash("abcdef\nghijkl", 13, h), ST_INVALID);
	assert_int_equal(h[0], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_tampered_hash),
		cmocka_unit_test(test_not_argon2id),
		cmocka_unit_test(test_needs_rehash),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_hash_refuses),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
