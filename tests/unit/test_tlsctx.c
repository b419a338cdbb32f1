/* test_tlsctx.c - real TLS 1.3 handshakes over an in-memory BIO pair.
 *
 * Node A serves, node B dials, node C is a stranger.  Each handshake case
 * names who pins what and which client shows up; every refusal must stop the
 * handshake, and the client must not be able to read from the link.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "util/file.h"
#include "crypto/ident.h"
#include "crypto/tlsctx.h"
#include "testdir.h"
#include "testpin.h"

enum { KEY_A, KEY_B, KEY_C, NKEYS };

static char dir[] = "/tmp/parley-tlsctx-XXXXXX";
static char keyp[NKEYS][256], certp[NKEYS][256];
static char eckey[256], eccert[256];
static uint8_t pks[NKEYS][IDENT_PK_LEN];

static void
path(char *out, const char *name)
{
	assert_int_equal(file_join(out, 256, dir, name), ST_OK);
}


/* ec_identity - a P-256 key and self-signed certificate: a well-formed TLS
 * identity that is not an Ed25519 one. */
static void
ec_identity(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	FILE *f;

	assert_non_null(k);
	assert_non_null(x);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"ec", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_non_null(f = fopen(eckey, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	assert_non_null(f = fopen(eccert, "w"));
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

static int
setup(void **state)
{
	static const char *names[NKEYS] = { "a", "b", "c" };
	char n[16];

	(void)state;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return -1;
	for (int i = 0; i < NKEYS; i++) {
		struct ident *id;

		snprintf(n, sizeof n, "%s.key", names[i]);
		path(keyp[i], n);
		snprintf(n, sizeof n, "%s.crt", names[i]);
		path(certp[i], n);
		if (ident_create(keyp[i]) || ident_load(keyp[i], &id))
			return -1;
		memcpy(pks[i], ident_pk(id), IDENT_PK_LEN);
		ident_free(id);
		if (tlsctx_make_cert(keyp[i], names[i], certp[i]))
			return -1;
	}
	path(eckey, "ec.key");
	path(eccert, "ec.crt");
	ec_identity();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return testdir_remove(dir);
}

/* handshake - drive both ends until both finish or one fails.  1 when both
 * finished. */
static int
handshake(SSL *srv, SSL *cli)
{
	SSL *end[2] = { cli, srv };
	int done[2] = { 0, 0 };

	for (int round = 0; round < 50 && !(done[0] && done[1]); round++) {
		for (int i = 0; i < 2; i++) {
			int r;

			if (done[i])
				continue;
			r = SSL_do_handshake(end[i]);
			if (r == 1) {
				done[i] = 1;
				continue;
			}
			r = SSL_get_error(end[i], r);
			if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE)
				return 0;
		}
	}
	return done[0] && done[1];
}

/* read_fails - 1 when SSL_read on ssl reports an error, not data, "wait" or
 * a clean close.  The error queue is emptied first: SSL_get_error() reads it,
 * and the other end's failure is still on it.  An SSL that failed its own
 * handshake reports SSL_ERROR_SYSCALL on later reads, with nothing queued. */
static int
read_fails(SSL *ssl)
{
	char c;
	int r, e;

	ERR_clear_error();
	r = SSL_read(ssl, &c, 1);
	e = SSL_get_error(ssl, r);
	return r <= 0 && (e == SSL_ERROR_SSL || e == SSL_ERROR_SYSCALL);
}

enum client { CLI_NODE, CLI_NOCERT, CLI_TLS12, CLI_EC };

struct hs_case {
	const char *name;
	int pinned;		/* key the server pins, -1: any key */
	enum client who;	/* which client dials */
	int expect;		/* key the node client expects from the server */
	int ok;
};

static const struct hs_case hs_cases[] = {
	{ "both pinned: handshake, keys, TLS 1.3", KEY_B, CLI_NODE, KEY_A, 1 },
	{ "server does not pin the client's key", KEY_C, CLI_NODE, KEY_A, 0 },
	{ "client expects another server key", KEY_B, CLI_NODE, KEY_C, 0 },
	{ "client presents no certificate", -1, CLI_NOCERT, 0, 0 },
	{ "client offers only TLS 1.2", -1, CLI_TLS12, 0, 0 },
	{ "client certificate is not Ed25519", -1, CLI_EC, 0, 0 },
};

/* plain_client - an SSL from an ordinary OpenSSL context, not a tlsctx. */
static SSL *
plain_client(const char *key, const char *cert, int maxver)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());
	SSL *ssl;

	assert_non_null(c);
	assert_int_equal(SSL_CTX_set_max_proto_version(c, maxver), 1);
	if (cert) {
		assert_int_equal(SSL_CTX_use_certificate_file(c, cert, SSL_FILETYPE_PEM), 1);
		assert_int_equal(SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM), 1);
	}
	SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	ssl = SSL_new(c);
	SSL_CTX_free(c);	/* the SSL holds its own reference */
	assert_non_null(ssl);
	return ssl;
}

static void
test_handshake(void **state)
{
	const struct hs_case *tc = *state;
	struct tlsctx *a, *b = NULL;
	uint8_t pk[IDENT_PK_LEN];
	SSL *srv, *cli;
	BIO *bs, *bc;

	assert_int_equal(tlsctx_new(keyp[KEY_A], certp[KEY_A], tc->pinned < 0 ? pin_any :
	    pin_one, tc->pinned < 0 ? NULL : pks[tc->pinned], &a), ST_OK);
	assert_non_null(srv = tlsctx_server_ssl(a));
	switch (tc->who) {
	case CLI_NODE:
		assert_int_equal(tlsctx_new(keyp[KEY_B], certp[KEY_B], pin_any, NULL, &b),
		    ST_OK);
		assert_non_null(cli = tlsctx_client_ssl(b, pks[tc->expect]));
		break;
	case CLI_NOCERT:
		cli = plain_client(NULL, NULL, TLS1_3_VERSION);
		break;
	case CLI_TLS12:
		cli = plain_client(keyp[KEY_B], certp[KEY_B], TLS1_2_VERSION);
		break;
	default:
		cli = plain_client(eckey, eccert, TLS1_3_VERSION);
		break;
	}
	assert_int_equal(BIO_new_bio_pair(&bs, 0, &bc, 0), 1);
	SSL_set_bio(srv, bs, bs);
	SSL_set_bio(cli, bc, bc);
	SSL_set_accept_state(srv);
	SSL_set_connect_state(cli);

	assert_int_equal(handshake(srv, cli), tc->ok);
	if (tc->ok) {
		char msg[5] = "";

		assert_int_equal(SSL_version(srv), TLS1_3_VERSION);
		assert_int_equal(SSL_version(cli), TLS1_3_VERSION);
		assert_int_equal(tlsctx_peer_key(srv, pk), ST_OK);
		assert_memory_equal(pk, pks[KEY_B], IDENT_PK_LEN);
		assert_int_equal(tlsctx_peer_key(cli, pk), ST_OK);
		assert_memory_equal(pk, pks[KEY_A], IDENT_PK_LEN);
		assert_int_equal(SSL_write(cli, "ping", 4), 4);
		assert_int_equal(SSL_read(srv, msg, 4), 4);
		assert_memory_equal(msg, "ping", 4);
	} else {
		/* In TLS 1.3 the client may finish before the server has judged
		 * its certificate; the server's alert must still reach it. */
		assert_int_not_equal(tlsctx_peer_key(srv, pk), ST_OK);
		assert_true(read_fails(cli));
		assert_true(read_fails(srv));
	}
	SSL_free(cli);
	SSL_free(srv);
	tlsctx_free(b);
	tlsctx_free(a);
	ERR_clear_error();
}

/* certificate matches key: v3, self-signed by the identity key, CN = name. */
static void
test_cert_content(void **state)
{
	X509 *x;
	FILE *f;
	size_t n = IDENT_PK_LEN;
	uint8_t pk[IDENT_PK_LEN];
	char cn[16];

	(void)state;
	assert_non_null(f = fopen(certp[KEY_A], "r"));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	assert_int_equal(X509_get_version(x), 2);
	assert_int_equal(EVP_PKEY_get_id(X509_get0_pubkey(x)), EVP_PKEY_ED25519);
	assert_int_equal(EVP_PKEY_get_raw_public_key(X509_get0_pubkey(x), pk, &n), 1);
	assert_memory_equal(pk, pks[KEY_A], IDENT_PK_LEN);
	assert_int_equal(X509_verify(x, X509_get0_pubkey(x)), 1);
	assert_int_equal(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    cn, sizeof cn), 1);
	assert_string_equal(cn, "a");
	X509_free(x);
	tlsctx_free(NULL);
}

/* tlsctx_make_cert refuses to overwrite, and leaves the old file intact. */
static void
test_cert_exists(void **state)
{
	struct buf before, after;

	(void)state;
	buf_init(&before, 1 << 16);
	buf_init(&after, 1 << 16);
	assert_int_equal(file_read(certp[KEY_A], &before), ST_OK);
	assert_int_equal(tlsctx_make_cert(keyp[KEY_A], "again", certp[KEY_A]), ST_EXISTS);
	assert_int_equal(tlsctx_make_cert(keyp[KEY_B], "b", certp[KEY_A]), ST_EXISTS);
	assert_int_equal(file_read(certp[KEY_A], &after), ST_OK);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.p, after.p, before.len);
	buf_free(&before);
	buf_free(&after);
}

/* tlsctx_make_cert on something that is not an Ed25519 key: an error, and no
 * certificate file left behind. */
static void
test_cert_bad_key(void **state)
{
	static const struct {
		const char *file;
		const char *text;	/* NULL: use the file as it is */
		status want;
	} cases[] = {
		{ "garbage.key", "this is not a key\n", ST_PARSE },
		{ "empty.key", "", ST_PARSE },
		{ "ec.key", NULL, ST_PARSE },	/* a P-256 key */
		{ "a.crt", NULL, ST_PARSE },	/* a certificate, not a key */
		{ "missing.key", NULL, ST_NOTFOUND },
	};
	char kp[256], cp[256];

	(void)state;
	path(cp, "bad.crt");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path(kp, cases[i].file);
		if (cases[i].text)
			assert_int_equal(file_write_new(kp, cases[i].text,
			    strlen(cases[i].text), 0600), ST_OK);
		assert_int_equal(tlsctx_make_cert(kp, "bad", cp), cases[i].want);
		assert_int_equal(access(cp, F_OK), -1);
		assert_int_equal(errno, ENOENT);
	}
}

int
main(void)
{
	struct CMUnitTest tests[sizeof hs_cases / sizeof hs_cases[0] + 3];
	size_t n = 0;

	for (size_t i = 0; i < sizeof hs_cases / sizeof hs_cases[0]; i++)
		tests[n++] = (struct CMUnitTest){ hs_cases[i].name, test_handshake, NULL,
		    NULL, (void *)&hs_cases[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cert_content);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cert_exists);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cert_bad_key);
	return _cmocka_run_group_tests("tlsctx", tests, n, setup, teardown);
}
