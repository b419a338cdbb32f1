/* ident.c - the node's Ed25519 identity.
 *
 * SECURITY: the secret key is held only in sodium_malloc'd memory (guarded,
 * mlocked, wiped on free); the seed read from the key file is wiped at once.
 * Nothing here prints or logs key material.  A key file readable by anyone
 * but its owner is refused.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "util/b64.h"
#include "util/diag.h"
#include "util/file.h"
#include "crypto/ident.h"

struct ident {
	unsigned char *sk;	/* sodium_malloc'd, crypto_sign_SECRETKEYBYTES */
	uint8_t pk[IDENT_PK_LEN];
	char kid[IDENT_KID_LEN];
};

status
ident_create(const char *path)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	EVP_PKEY *key;
	BIO *mem = NULL;
	char *pem;
	long n;
	status rc = ST_CRYPTO;

	randombytes_buf(seed, sizeof seed);
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
	sodium_memzero(seed, sizeof seed);
	if (!key)
		return ST_CRYPTO;
	mem = BIO_new(BIO_s_secmem());
	if (mem && PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL) == 1) {
		n = BIO_get_mem_data(mem, &pem);
		rc = n > 0 ? file_write_new(path, pem, (size_t)n, 0600) : ST_CRYPTO;
	}
	BIO_free(mem);	/* secmem BIO clears its buffer */
	EVP_PKEY_free(key);
	return rc;
}

status
ident_load(const char *path, struct ident **out)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	size_t seedlen = sizeof seed;
	struct ident *id;
	struct stat sb;
	EVP_PKEY *key;
	FILE *f;
	int err;

	*out = NULL;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? ST_NOTFOUND : ST_IO;	/* errno says why */
	err = fstat(fileno(f), &sb) != 0 ? errno : S_ISDIR(sb.st_mode) ? EISDIR :
	    !S_ISREG(sb.st_mode) ? EINVAL : 0;
	if (err) {	/* a directory opens for reading: not "malformed" */
		fclose(f);
		errno = err;
		return ST_IO;
	}
	if ((sb.st_mode & 077) != 0) {
		diag_warn("%s: key file must be mode 0600 (chmod 600 %s)", path, path);
		fclose(f);
		return ST_IO;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!key)
		return ST_PARSE;
	if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_private_key(key, seed, &seedlen) != 1 ||
	    seedlen != sizeof seed) {
		EVP_PKEY_free(key);
		sodium_memzero(seed, sizeof seed);
		return ST_PARSE;
	}
	EVP_PKEY_free(key);
	id = calloc(1, sizeof *id);
	if (!id || !(id->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES))) {
		free(id);
		sodium_memzero(seed, sizeof seed);
		return ST_NOMEM;
	}
	crypto_sign_seed_keypair(id->pk, id->sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_mprotect_readonly(id->sk);
	ident_thumbprint(id->pk, id->kid);
	*out = id;
	return ST_OK;
}

void
ident_free(struct ident *id)
{
	if (!id)
		return;
	sodium_free(id->sk);
	free(id);
}

const uint8_t *
ident_pk(const struct ident *id)
{
	return id->pk;
}

const char *
ident_kid(const struct ident *id)
{
	return id->kid;
}

void
ident_sign(const struct ident *id, const uint8_t *m, size_t n,
    uint8_t sig[static IDENT_SIG_LEN])
{
	crypto_sign_detached(sig, NULL, m, n, id->sk);
}

status
ident_verify(const uint8_t pk[static IDENT_PK_LEN], const uint8_t *m, size_t n,
    const uint8_t sig[static IDENT_SIG_LEN])
{
	return crypto_sign_verify_detached(sig, m, n, pk) == 0 ? ST_OK : ST_BADSIG;
}

/* canonical_jwk - RFC 7638 §3.2 member order for an OKP key (RFC 8037 §2). */
static void
canonical_jwk(const uint8_t pk[static IDENT_PK_LEN], char out[static 96], size_t *len)
{
	char x[sodium_base64_ENCODED_LEN(IDENT_PK_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	sodium_bin2base64(x, sizeof x, pk, IDENT_PK_LEN,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*len = (size_t)snprintf(out, 96, "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}", x);
}

void
ident_thumbprint(const uint8_t pk[static IDENT_PK_LEN], char kid[static IDENT_KID_LEN])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	char jwk[96];
	size_t n;

	canonical_jwk(pk, jwk, &n);
	crypto_hash_sha256(h, (const uint8_t *)jwk, n);
	sodium_bin2base64(kid, IDENT_KID_LEN, h, sizeof h,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

status
ident_jwk(const uint8_t pk[static IDENT_PK_LEN], struct buf *out)
{
	status rc;

	rc = buf_adds(out, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"");
	if (!rc)
		rc = b64_url_encode(out, pk, IDENT_PK_LEN);
	if (!rc)
		rc = buf_adds(out, "\"}");
	return rc;
}

/*
 * The fingerprint is SHA-512 over the RFC 7638 JWK, cut into 8 chunks of
 * 5 bytes, each shown as its value mod 100000: 40 digits, about 133 bits,
 * short enough to read over a phone line (after Signal's safety numbers).
 */
void
ident_fingerprint(const uint8_t pk[static IDENT_PK_LEN], char fp[static IDENT_FP_LEN])
{
	uint8_t h[crypto_hash_sha512_BYTES];
	char jwk[96];
	size_t n;

	canonical_jwk(pk, jwk, &n);
	crypto_hash_sha512(h, (const uint8_t *)jwk, n);
	for (int g = 0; g < IDENT_FP_GROUPS; g++) {
		uint64_t v = 0;

		for (int i = 0; i < 5; i++)
			v = v << 8 | h[g * 5 + i];
		snprintf(fp + g * 6, 7, "%05u%s", (unsigned)(v % 100000),
		    g + 1 < IDENT_FP_GROUPS ? " " : "");
	}
}

status
ident_fingerprint_parse(const char *text, char digits[static IDENT_FP_GROUPS * 5])
{
	const char *end = text + strlen(text), *open = strchr(text, '(');
	size_t n = 0;

	/* "  (bravo)" as `parley fingerprint` prints it: the name is not read */
	while (end > text && end[-1] == ' ')
		end--;
	if (open && end > open && end[-1] == ')')
		end = open;
	for (const char *p = text; p < end; p++) {
		if (*p == ' ' || *p == '-' || *p == ':')
			continue;
		if (*p < '0' || *p > '9' || n == IDENT_FP_GROUPS * 5)
			return ST_PARSE;
		digits[n++] = *p;
	}
	return n == IDENT_FP_GROUPS * 5 ? ST_OK : ST_PARSE;
}

int
ident_fingerprint_match(const uint8_t pk[static IDENT_PK_LEN], const char *text)
{
	char fp[IDENT_FP_LEN], want[IDENT_FP_GROUPS * 5], got[IDENT_FP_GROUPS * 5];
	size_t nw = 0;

	ident_fingerprint(pk, fp);
	for (const char *p = fp; *p; p++)
		if (*p != ' ')
			want[nw++] = *p;
	return ident_fingerprint_parse(text, got) == ST_OK && nw == sizeof got &&
	    sodium_memcmp(want, got, nw) == 0;
}
