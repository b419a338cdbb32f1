/* test_ident.c - the node key: how it is kept on disk (0600, never
 * overwritten, refused when exposed), what it signs, and the names a person
 * reads for it (RFC 7638 thumbprint, RFC 8037 Appendix A, fingerprint). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "util/b64.h"
#include "crypto/ident.h"
#include "testdir.h"

/* RFC 8037 Appendix A.1: the Ed25519 key, as PKCS#8 PEM (the seed d below). */
#define RFC8037_PEM "-----BEGIN PRIVATE KEY-----\n" \
	"MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n" \
	"-----END PRIVATE KEY-----\n"
#define RFC8037_D "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define RFC8037_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
#define RFC8037_KID "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

static char dir[] = "/tmp/parley-test-ident-XXXXXX";
static struct ident *alice, *bob;

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

static void
path_of(char *out, size_t cap, const char *name)
{
	assert_true((size_t)snprintf(out, cap, "%s/%s", dir, name) < cap);
}

/* write_file - name in the temp dir with text and mode (exactly). */
static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[512];
	int fd;

	path_of(path, sizeof path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void
pk_of(const char *x, uint8_t pk[IDENT_PK_LEN])
{
	size_t n;

	assert_int_equal(b64_url_decode(x, strlen(x), pk, IDENT_PK_LEN, &n), ST_OK);
	assert_int_equal(n, IDENT_PK_LEN);
}

static int
setup(void **state)
{
	char path[512];

	(void)state;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return -1;
	path_of(path, sizeof path, "alice.key");
	if (ident_create(path) || ident_load(path, &alice))
		return -1;
	path_of(path, sizeof path, "bob.key");
	if (ident_create(path) || ident_load(path, &bob))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	return testdir_remove(dir);
}

/* The key file is 0600 whatever the umask, and is PKCS#8 PEM. */
static void
test_create_mode(void **state)
{
	static const mode_t masks[] = { 0, 022, 077 };
	char path[512];

	(void)state;
	for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		char name[32], head[28];
		struct stat sb;
		mode_t old;
		status rc;
		FILE *f;

		snprintf(name, sizeof name, "mode%zu.key", i);
		path_of(path, sizeof path, name);
		old = umask(masks[i]);
		rc = ident_create(path);
		umask(old);
		assert_int_equal(rc, ST_OK);
		assert_int_equal(stat(path, &sb), 0);
		assert_true(S_ISREG(sb.st_mode));
		assert_int_equal(sb.st_mode & 07777, 0600);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(head, sizeof head, f));
		fclose(f);
		assert_string_equal(head, "-----BEGIN PRIVATE KEY-----");
	}
}

/* Creating over an existing file refuses and leaves the file alone. */
static void
test_create_refuses_existing(void **state)
{
	char path[512], target[512];
	struct ident *id;
	struct stat sb;

	(void)state;
	path_of(path, sizeof path, "alice.key");
	assert_int_equal(ident_create(path), ST_EXISTS);
	assert_int_equal(ident_load(path, &id), ST_OK);
	assert_memory_equal(ident_pk(id), ident_pk(alice), IDENT_PK_LEN);
	ident_free(id);

	/* nor through a planted symlink: the target must not appear */
	path_of(path, sizeof path, "planted.key");
	path_of(target, sizeof target, "target");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(ident_create(path), ST_EXISTS);
	assert_int_equal(lstat(target, &sb), -1);
}

static void
test_create_bad_dir(void **state)
{
	char path[512];
	struct stat sb;

	(void)state;
	path_of(path, sizeof path, "no-such-dir/x.key");
	assert_int_equal(ident_create(path), ST_IO);
	assert_int_equal(stat(path, &sb), -1);
}

static const struct {
	const char *name;
	mode_t mode;
	status rc;
} modes[] = {
	{ "0600", 0600, ST_OK },
	{ "0400", 0400, ST_OK },
	{ "0644 (world-readable)", 0644, ST_IO },
	{ "0640 (group-readable)", 0640, ST_IO },
	{ "0604 (other-readable)", 0604, ST_IO },
	{ "0620 (group-writable)", 0620, ST_IO },
	{ "0601 (other-executable)", 0601, ST_IO },
};

/* A refused key file says how to fix it, on stderr. */
static void
test_load_refuses_exposed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		char name[32], path[512], errpath[512], said[1024], want[600];
		struct ident *id = NULL;
		int saved, fd;
		ssize_t n;
		status rc;

		snprintf(name, sizeof name, "perm%zu.key", i);
		write_file(name, RFC8037_PEM, modes[i].mode);
		path_of(path, sizeof path, name);

		path_of(errpath, sizeof errpath, "stderr.txt");
		fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		fflush(stderr);
		saved = dup(STDERR_FILENO);
		assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
		rc = ident_load(path, &id);
		fflush(stderr);
		assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
		close(saved);
		n = pread(fd, said, sizeof said - 1, 0);
		close(fd);
		assert_true(n >= 0);
		said[n] = '\0';

		check_rc(modes[i].name, rc, modes[i].rc);
		snprintf(want, sizeof want, "chmod 600 %s", path);
		if (modes[i].rc) {
			assert_null(id);
			assert_non_null(strstr(said, want));
		} else
			assert_string_equal(said, "");
		ident_free(id);
	}
}

static void
test_load_refuses_bad_files(void **state)
{
	char path[512];
	struct ident *id;
	EVP_PKEY *x;
	FILE *f;

	(void)state;
	path_of(path, sizeof path, "missing.key");
	assert_int_equal(ident_load(path, &id), ST_NOTFOUND);
	assert_null(id);

	write_file("garbage.key", "not a key\n", 0600);
	path_of(path, sizeof path, "garbage.key");
	assert_int_equal(ident_load(path, &id), ST_PARSE);
	assert_null(id);

	write_file("empty.key", "", 0600);
	path_of(path, sizeof path, "empty.key");
	assert_int_equal(ident_load(path, &id), ST_PARSE);

	/* a valid PEM key of another kind (X25519) is not a node key */
	x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	assert_non_null(x);
	write_file("x25519.key", "", 0600);
	path_of(path, sizeof path, "x25519.key");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, x, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	EVP_PKEY_free(x);
	assert_int_equal(ident_load(path, &id), ST_PARSE);
	assert_null(id);
}

/* RFC 8037 A.1/A.3: the published key loads to the published x and kid. */
static void
test_rfc8037_key(void **state)
{
	uint8_t x[IDENT_PK_LEN];
	char path[512], kid[IDENT_KID_LEN];
	struct ident *id;
	struct buf jwk;

	(void)state;
	pk_of(RFC8037_X, x);
	ident_thumbprint(x, kid);
	assert_string_equal(kid, RFC8037_KID);

	write_file("rfc8037.key", RFC8037_PEM, 0600);
	path_of(path, sizeof path, "rfc8037.key");
	assert_int_equal(ident_load(path, &id), ST_OK);
	assert_memory_equal(ident_pk(id), x, IDENT_PK_LEN);
	assert_string_equal(ident_kid(id), RFC8037_KID);
	ident_free(id);

	buf_init(&jwk, 256);
	assert_int_equal(ident_jwk(x, &jwk), ST_OK);
	assert_string_equal(buf_str(&jwk),
	    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" RFC8037_X "\"}");
	buf_free(&jwk);
}

/* Loading is deterministic, keys differ, and OpenSSL reads the same key. */
static void
test_load_consistent(void **state)
{
	uint8_t raw[IDENT_PK_LEN];
	size_t rawlen = sizeof raw;
	char path[512], kid[IDENT_KID_LEN];
	struct ident *again;
	EVP_PKEY *k;
	FILE *f;

	(void)state;
	path_of(path, sizeof path, "alice.key");
	assert_int_equal(ident_load(path, &again), ST_OK);
	assert_memory_equal(ident_pk(again), ident_pk(alice), IDENT_PK_LEN);
	assert_string_equal(ident_kid(again), ident_kid(alice));
	ident_free(again);

	assert_memory_not_equal(ident_pk(alice), ident_pk(bob), IDENT_PK_LEN);
	assert_string_not_equal(ident_kid(alice), ident_kid(bob));
	assert_int_equal(strlen(ident_kid(alice)), IDENT_KID_LEN - 1);
	ident_thumbprint(ident_pk(alice), kid);
	assert_string_equal(kid, ident_kid(alice));

	f = fopen(path, "r");
	assert_non_null(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_raw_public_key(k, raw, &rawlen), 1);
	EVP_PKEY_free(k);
	assert_memory_equal(raw, ident_pk(alice), IDENT_PK_LEN);
}

static void
test_sign_verify(void **state)
{
	static const char msg[] = "attack at dawn";
	uint8_t sig[IDENT_SIG_LEN], sig2[IDENT_SIG_LEN], m[sizeof msg - 1];

	(void)state;
	ident_sign(alice, (const uint8_t *)msg, sizeof msg - 1, sig);
	assert_int_equal(ident_verify(ident_pk(alice), (const uint8_t *)msg,
	    sizeof msg - 1, sig), ST_OK);
	ident_sign(alice, (const uint8_t *)msg, sizeof msg - 1, sig2);
	assert_memory_equal(sig, sig2, IDENT_SIG_LEN);	/* Ed25519 is deterministic */

	/* another key, a shorter or longer message */
	assert_int_equal(ident_verify(ident_pk(bob), (const uint8_t *)msg,
	    sizeof msg - 1, sig), ST_BADSIG);
	assert_int_equal(ident_verify(ident_pk(alice), (const uint8_t *)msg,
	    sizeof msg - 2, sig), ST_BADSIG);
	assert_int_equal(ident_verify(ident_pk(alice), (const uint8_t *)msg,
	    sizeof msg, sig), ST_BADSIG);

	/* every single flipped bit, in the message and in the signature */
	memcpy(m, msg, sizeof m);
	for (size_t bit = 0; bit < sizeof m * 8; bit++) {
		m[bit / 8] ^= (uint8_t)(1u << bit % 8);
		assert_int_equal(ident_verify(ident_pk(alice), m, sizeof m, sig), ST_BADSIG);
		m[bit / 8] ^= (uint8_t)(1u << bit % 8);
	}
	for (size_t bit = 0; bit < IDENT_SIG_LEN * 8; bit++) {
		sig2[bit / 8] ^= (uint8_t)(1u << bit % 8);
		assert_int_equal(ident_verify(ident_pk(alice), m, sizeof m, sig2), ST_BADSIG);
		sig2[bit / 8] ^= (uint8_t)(1u << bit % 8);
	}
	assert_int_equal(ident_verify(ident_pk(alice), m, sizeof m, sig2), ST_OK);

	/* the empty message is a message too */
	ident_sign(bob, (const uint8_t *)"", 0, sig);
	assert_int_equal(ident_verify(ident_pk(bob), (const uint8_t *)"", 0, sig), ST_OK);
	assert_int_equal(ident_verify(ident_pk(alice), (const uint8_t *)"", 0, sig), ST_BADSIG);
}

static void
test_fingerprint_format(void **state)
{
	char fp[IDENT_FP_LEN], fp2[IDENT_FP_LEN], other[IDENT_FP_LEN];

	(void)state;
	ident_fingerprint(ident_pk(alice), fp);
	assert_int_equal(strlen(fp), IDENT_FP_LEN - 1);
	for (int i = 0; i < IDENT_FP_LEN - 1; i++) {
		if (i % 6 == 5)
			assert_int_equal(fp[i], ' ');
		else
			assert_true(fp[i] >= '0' && fp[i] <= '9');
	}
	ident_fingerprint(ident_pk(alice), fp2);
	assert_string_equal(fp, fp2);
	ident_fingerprint(ident_pk(bob), other);
	assert_string_not_equal(fp, other);
}

/* digits - fp without its spaces (40 digits). */
static void
digits(const char *fp, char out[41])
{
	size_t n = 0;

	for (; *fp; fp++)
		if (*fp != ' ')
			out[n++] = *fp;
	out[n] = '\0';
	assert_int_equal(n, 40);
}

static void
test_fingerprint_match(void **state)
{
	char fp[IDENT_FP_LEN], d[41], text[128], other[IDENT_FP_LEN];
	const uint8_t *pk = ident_pk(alice);

	(void)state;
	ident_fingerprint(pk, fp);
	digits(fp, d);
	assert_true(ident_fingerprint_match(pk, fp));
	assert_true(ident_fingerprint_match(pk, d));
	/* dashes, colons and stray spaces, as a person might type it */
	snprintf(text, sizeof text, "%.5s-%.5s-%.5s-%.5s-%.5s-%.5s-%.5s-%.5s", d, d + 5,
	    d + 10, d + 15, d + 20, d + 25, d + 30, d + 35);
	assert_true(ident_fingerprint_match(pk, text));
	snprintf(text, sizeof text, "  %.20s : %.20s  ", d, d + 20);
	assert_true(ident_fingerprint_match(pk, text));
	/* the exact line `parley fingerprint CARD` prints, name and all */
	snprintf(text, sizeof text, "%s  (state-b)", fp);
	assert_true(ident_fingerprint_match(pk, text));
	snprintf(text, sizeof text, "%s  (state-b)  ", fp);
	assert_true(ident_fingerprint_match(pk, text));
	/* a name elsewhere, or digits after it, is no fingerprint */
	snprintf(text, sizeof text, "(state-b) %s", fp);
	assert_false(ident_fingerprint_match(pk, text));
	snprintf(text, sizeof text, "%.20s (x) %.20s", d, d + 20);
	assert_false(ident_fingerprint_match(pk, text));
	{
		char got[IDENT_FP_GROUPS * 5];

		assert_int_equal(ident_fingerprint_parse("12345", got), ST_PARSE);
		assert_int_equal(ident_fingerprint_parse("not a fingerprint", got), ST_PARSE);
		assert_int_equal(ident_fingerprint_parse(fp, got), ST_OK);
		assert_memory_equal(got, d, 40);
	}

	/* one digit changed, anywhere */
	for (int i = 0; i < 40; i++) {
		char keep = d[i];

		d[i] = keep == '9' ? '0' : (char)(keep + 1);
		if (ident_fingerprint_match(pk, d))
			fail_msg("digit %d changed, still matches", i);
		d[i] = keep;
	}
	/* a prefix, a longer string, the empty string */
	d[39] = '\0';
	assert_false(ident_fingerprint_match(pk, d));
	d[39] = fp[IDENT_FP_LEN - 2];
	snprintf(text, sizeof text, "%s0", d);
	assert_false(ident_fingerprint_match(pk, text));
	assert_false(ident_fingerprint_match(pk, ""));
	assert_false(ident_fingerprint_match(pk, "   "));
	/* letters, or another separator */
	snprintf(text, sizeof text, "%sa", d);
	assert_false(ident_fingerprint_match(pk, text));
	snprintf(text, sizeof text, "a%s", d);
	assert_false(ident_fingerprint_match(pk, text));
	snprintf(text, sizeof text, "%.20s.%.20s", d, d + 20);
	assert_false(ident_fingerprint_match(pk, text));
	/* another key's fingerprint */
	ident_fingerprint(ident_pk(bob), other);
	assert_false(ident_fingerprint_match(pk, other));
	assert_true(ident_fingerprint_match(ident_pk(bob), other));
}

static void
test_free_null(void **state)
{
	(void)state;
	ident_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_mode),
		cmocka_unit_test(test_create_refuses_existing),
		cmocka_unit_test(test_create_bad_dir),
		cmocka_unit_test(test_load_refuses_exposed),
		cmocka_unit_test(test_load_refuses_bad_files),
		cmocka_unit_test(test_rfc8037_key),
		cmocka_unit_test(test_load_consistent),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_fingerprint_format),
		cmocka_unit_test(test_fingerprint_match),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
