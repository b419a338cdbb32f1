/* tlsctx.c - TLS 1.3 contexts for peer links, with pinned Ed25519 keys.
 *
 * One SSL_CTX accepts connections, one makes them.  Both present the node's
 * self-signed certificate for its identity key and replace OpenSSL's chain
 * verification with a callback that looks only at the leaf's Ed25519 key:
 * a server asks pin(), a client compares with the key it dialled for.
 *
 * SECURITY: a refused key fails the handshake, before any application data.
 * Only TLS 1.3 is enabled.  Session tickets and the session cache are off,
 * because a resumed session carries no certificate and would skip the pin
 * check.  The private key stays inside OpenSSL; nothing here logs keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "util/diag.h"
#include "util/file.h"
#include "crypto/tlsctx.h"

#define CERT_DAYS (100 * 365)	/* validity is not used for trust */

struct tlsctx {
	SSL_CTX *srv;
	SSL_CTX *cli;
	tlsctx_pin_fn pin;
	void *arg;
};

/* The key a client SSL expects from its server: a malloc'd IDENT_PK_LEN copy
 * in SSL ex_data, freed with the SSL. */
static CRYPTO_ONCE expected_once = CRYPTO_ONCE_STATIC_INIT;
static int expected_idx = -1;
/* Why verify_peer refused a server SSL's client: a static string in ex_data,
 * and the refused key's id beside it (not secret). */
static int refusal_idx = -1;

static void
expected_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	free(ptr);
}

static void
expected_init(void)
{
	expected_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, expected_free);
	refusal_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, expected_free);
}

/* refuse - record why ssl's peer was refused: why, after "key KID" when
 * there is a key. */
static void
refuse(SSL *ssl, const char *why, const uint8_t *pk)
{
	char *text = malloc(160);

	if (!text)
		return;
	if (pk) {
		char kid[IDENT_KID_LEN];

		ident_thumbprint(pk, kid);
		snprintf(text, 160, "key %s %s", kid, why);
	} else
		snprintf(text, 160, "%s", why);
	free(SSL_get_ex_data(ssl, refusal_idx));
	if (SSL_set_ex_data(ssl, refusal_idx, text) != 1)
		free(text);
}

/* crypto_fail - say which OpenSSL call failed and why, and empty the error
 * queue so a later SSL_get_error() is not misled by it. */
static status
crypto_fail(const char *what)
{
	unsigned long e = ERR_peek_last_error();

	diag_warn("tls: %s: %s", what, e ? ERR_reason_error_string(e) : "failed");
	ERR_clear_error();
	return ST_CRYPTO;
}

static status
leaf_key(X509 *x, uint8_t pk[static IDENT_PK_LEN])
{
	EVP_PKEY *k = x ? X509_get0_pubkey(x) : NULL;
	size_t n = IDENT_PK_LEN;

	if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(k, pk, &n) != 1 || n != IDENT_PK_LEN)
		return ST_UNKNOWN_KEY;
	return ST_OK;
}

/* verify_peer - replaces chain building: the leaf's key alone decides. */
static int
verify_peer(X509_STORE_CTX *xs, void *arg)
{
	const struct tlsctx *t = arg;
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	uint8_t pk[IDENT_PK_LEN];
	const uint8_t *want;
	int ok = 0;

	if (ssl && leaf_key(X509_STORE_CTX_get0_cert(xs), pk) != ST_OK) {
		refuse(ssl, "the certificate's key is not an Ed25519 key", NULL);
	} else if (ssl) {
		if (SSL_is_server(ssl)) {
			ok = t->pin && t->pin(t->arg, pk) == 1;
			if (!ok)
				refuse(ssl, "is not pinned", pk);
		} else {
			want = SSL_get_ex_data(ssl, expected_idx);
			ok = want && memcmp(want, pk, IDENT_PK_LEN) == 0;
		}
	}
	X509_STORE_CTX_set_error(xs, ok ? X509_V_OK : X509_V_ERR_APPLICATION_VERIFICATION);
	return ok;
}

/* cert_build - a self-signed certificate for key; san (may be NULL) is a
 * subjectAltName value ("DNS:localhost,IP:127.0.0.1"). */
static status
cert_build(EVP_PKEY *key, const char *name, const char *san, BIO *out)
{
	X509 *x = X509_new();
	X509_NAME *dn = X509_NAME_new();
	X509_EXTENSION *bc = NULL, *alt = NULL;
	X509V3_CTX v3;
	BIGNUM *serial = BN_new();
	int ok;

	ok = x && dn && serial && X509_set_version(x, 2) == 1 &&
	    BN_rand(serial, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) != NULL &&
	    X509_NAME_add_entry_by_txt(dn, "CN", MBSTRING_UTF8,
		(const unsigned char *)name, -1, -1, 0) == 1 &&
	    X509_set_subject_name(x, dn) == 1 && X509_set_issuer_name(x, dn) == 1 &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -86400L) != NULL &&
	    X509_time_adj_ex(X509_getm_notAfter(x), CERT_DAYS, 0, NULL) != NULL &&
	    X509_set_pubkey(x, key) == 1 &&
	    (bc = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
		"critical,CA:FALSE")) != NULL &&
	    X509_add_ext(x, bc, -1) == 1;
	if (ok && san) {
		X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
		ok = (alt = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san)) != NULL &&
		    X509_add_ext(x, alt, -1) == 1;
	}
	/* Ed25519 takes no digest; ECDSA signs with SHA-256. */
	ok = ok && X509_sign(x, key, EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? NULL :
	    EVP_sha256()) > 0 && PEM_write_bio_X509(out, x) == 1;
	X509_EXTENSION_free(bc);
	X509_EXTENSION_free(alt);
	BN_free(serial);
	X509_NAME_free(dn);
	X509_free(x);
	return ok ? ST_OK : crypto_fail("building the certificate");
}

status
tlsctx_make_cert(const char *keypath, const char *name, const char *certpath)
{
	struct stat sb;
	EVP_PKEY *key;
	BIO *mem;
	char *pem;
	long n;
	FILE *f;
	status rc;

	if (lstat(certpath, &sb) == 0)	/* file_write_new's O_EXCL still decides */
		return ST_EXISTS;
	f = fopen(keypath, "re");
	if (!f)
		return ST_NOTFOUND;
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!key || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(key);
		ERR_clear_error();
		return ST_PARSE;
	}
	mem = BIO_new(BIO_s_mem());
	rc = mem ? cert_build(key, name, NULL, mem) : crypto_fail("BIO_new");
	EVP_PKEY_free(key);
	if (!rc) {
		n = BIO_get_mem_data(mem, &pem);
		rc = n > 0 ? file_write_new(certpath, pem, (size_t)n, 0644) : ST_CRYPTO;
	}
	BIO_free(mem);
	return rc;
}

/* ctx_new - a context presenting certpath/keypath.  With t (pinned mode),
 * TLS 1.3 only and verify_peer decides the peer's key; without, a server
 * context for browsers and standard clients: TLS 1.2 or later, no client
 * certificate asked. */
static status
ctx_new(const char *keypath, const char *certpath, int mode, struct tlsctx *t,
    SSL_CTX **out)
{
	SSL_CTX *c = SSL_CTX_new(TLS_method());

	*out = c;
	if (!c)
		return crypto_fail("SSL_CTX_new");
	if (SSL_CTX_set_min_proto_version(c, t ? TLS1_3_VERSION : TLS1_2_VERSION) != 1 ||
	    (t && SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION) != 1))
		return crypto_fail("setting the TLS versions");
	if (SSL_CTX_use_certificate_file(c, certpath, SSL_FILETYPE_PEM) != 1)
		return crypto_fail(certpath);
	if (SSL_CTX_use_PrivateKey_file(c, keypath, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c) != 1)
		return crypto_fail(keypath);
	SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
	if (SSL_CTX_set_num_tickets(c, 0) != 1)
		return crypto_fail("SSL_CTX_set_num_tickets");
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	if (t) {
		SSL_CTX_set_verify(c, mode, NULL);
		SSL_CTX_set_cert_verify_callback(c, verify_peer, t);
	}
	return ST_OK;
}

static status
once(void)
{
	if (!CRYPTO_THREAD_run_once(&expected_once, expected_init) || expected_idx < 0 ||
	    refusal_idx < 0)
		return crypto_fail("SSL_get_ex_new_index");
	return ST_OK;
}

/* make - a pinned context (server and client sides, pin decides) or a
 * server-only one for browsers and standard clients. */
static status
make(const char *keypath, const char *certpath, tlsctx_pin_fn pin, void *arg, int pinned,
    struct tlsctx **out)
{
	struct tlsctx *t;
	status rc;

	*out = NULL;
	if ((rc = once()) != ST_OK)
		return rc;
	t = calloc(1, sizeof *t);
	if (!t)
		return ST_NOMEM;
	t->pin = pin;
	t->arg = arg;
	if (pinned) {
		rc = ctx_new(keypath, certpath,
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, t, &t->srv);
		if (!rc)
			rc = ctx_new(keypath, certpath, SSL_VERIFY_PEER, t, &t->cli);
	} else
		rc = ctx_new(keypath, certpath, 0, NULL, &t->srv);
	if (rc) {
		tlsctx_free(t);
		return rc;
	}
	*out = t;
	return ST_OK;
}

status
tlsctx_new_server(const char *keypath, const char *certpath, struct tlsctx **out)
{
	return make(keypath, certpath, NULL, NULL, 0, out);
}

status
tlsctx_make_server_cert(const char *keypath, const char *certpath, const char *name,
    const char *san)
{
	EVP_PKEY *key = NULL;
	BIO *kmem = NULL, *cmem = NULL;
	char *pem;
	long n;
	status rc;

	key = EVP_EC_gen("P-256");
	kmem = BIO_new(BIO_s_mem());
	cmem = BIO_new(BIO_s_mem());
	if (!key || !kmem || !cmem)
		rc = crypto_fail("making a P-256 key");
	else if (PEM_write_bio_PrivateKey(kmem, key, NULL, NULL, 0, NULL, NULL) != 1)
		rc = crypto_fail("writing the P-256 key");
	else
		rc = cert_build(key, name, san, cmem);
	if (!rc) {
		n = BIO_get_mem_data(kmem, &pem);
		rc = n > 0 ? file_write_new(keypath, pem, (size_t)n, 0600) : ST_CRYPTO;
	}
	if (!rc) {
		n = BIO_get_mem_data(cmem, &pem);
		rc = n > 0 ? file_write_new(certpath, pem, (size_t)n, 0644) : ST_CRYPTO;
		if (rc)
			unlink(keypath);
	}
	EVP_PKEY_free(key);
	BIO_free(kmem);
	BIO_free(cmem);
	return rc;
}

void
tlsctx_refusal(SSL *ssl, unsigned long err, char *out, size_t cap)
{
	const char *why = ssl ? SSL_get_ex_data(ssl, refusal_idx) : NULL;

	if (why)
		snprintf(out, cap, "%s", why);
	else if (ERR_GET_REASON(err) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		snprintf(out, cap, "no certificate");
	else if (err) {
		char e[120];

		ERR_error_string_n(err, e, sizeof e);
		snprintf(out, cap, "%s", e);
	} else
		snprintf(out, cap, "handshake failed");
}

status
tlsctx_new(const char *keypath, const char *certpath, tlsctx_pin_fn pin,
    void *arg, struct tlsctx **out)
{
	return make(keypath, certpath, pin, arg, 1, out);
}

void
tlsctx_free(struct tlsctx *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->srv);
	SSL_CTX_free(t->cli);
	free(t);
}

SSL *
tlsctx_server_ssl(struct tlsctx *t)
{
	return SSL_new(t->srv);
}

SSL *
tlsctx_client_ssl(struct tlsctx *t, const uint8_t expected[static IDENT_PK_LEN])
{
	SSL *ssl = SSL_new(t->cli);
	uint8_t *want = malloc(IDENT_PK_LEN);

	if (!ssl || !want) {
		SSL_free(ssl);
		free(want);
		return NULL;
	}
	memcpy(want, expected, IDENT_PK_LEN);
	if (SSL_set_ex_data(ssl, expected_idx, want) != 1) {
		free(want);
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

status
tlsctx_peer_key(SSL *ssl, uint8_t pk[static IDENT_PK_LEN])
{
	/* A finished handshake with a verify result of OK means verify_peer
	 * accepted this certificate's key. */
	if (!SSL_is_init_finished(ssl) || SSL_get_verify_result(ssl) != X509_V_OK)
		return ST_UNKNOWN_KEY;
	return leaf_key(SSL_get0_peer_certificate(ssl), pk);
}

status
tlsctx_cert_sha256(const char *certpath, uint8_t out[static 32])
{
	FILE *f = fopen(certpath, "r");
	unsigned int n = 0;
	X509 *x;
	status rc;

	if (!f)
		return ST_IO;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!x)
		return ST_PARSE;
	rc = X509_digest(x, EVP_sha256(), out, &n) == 1 && n == 32 ? ST_OK : ST_CRYPTO;
	X509_free(x);
	return rc;
}
