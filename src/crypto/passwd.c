/* passwd.c - Argon2id password hashes through libsodium (passwd.h).
 *
 * SECURITY: the password is read, never copied, kept or logged; wiping it
 * is the caller's.  Verification is crypto_pwhash_str_verify, constant
 * time in the password.  Only Argon2id strings are accepted: an Argon2i
 * string, or anything else a store might hold, is refused as ST_INVALID
 * rather than verified under a weaker algorithm.
 */
#include <string.h>

#include <sodium.h>

#include "util/text.h"
#include "crypto/passwd.h"

_Static_assert(PASSWD_HASH_MAX == crypto_pwhash_STRBYTES, "PASSWD_HASH_MAX");

#define PASSWD_PREFIX crypto_pwhash_argon2id_STRPREFIX	/* "$argon2id$" */
#define PASSWD_OPS crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE
#define PASSWD_MEM crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE

status
passwd_check(const char *password, size_t len, const char **why)
{
	const unsigned char *p = (const unsigned char *)password;
	const char *w = NULL;
	uint32_t cp;

	if (len < PASSWD_MIN)
		w = "a password is at least 12 bytes";
	else if (len > PASSWD_MAX)
		w = "a password is at most 1024 bytes";
	for (size_t i = 0, k; !w && i < len; i += k) {
		k = text_utf8(p + i, len - i, &cp);
		if (k == 0)
			w = "a password is UTF-8 text";
		/* only controls: ZWJ and ZWNJ are letters of some scripts */
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			w = "a password holds no control character (NUL, tab, newline...)";
	}
	if (why)
		*why = w;
	return w ? ST_INVALID : ST_OK;
}

status
passwd_hash(const char *password, size_t len, char out[static PASSWD_HASH_MAX])
{
	status rc;

	memset(out, 0, PASSWD_HASH_MAX);
	rc = passwd_check(password, len, NULL);
	if (rc)
		return rc;
	/* with these limits its one failure is the allocation */
	if (crypto_pwhash_str_alg(out, password, len, PASSWD_OPS, PASSWD_MEM,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		memset(out, 0, PASSWD_HASH_MAX);
		return ST_NOMEM;
	}
	return ST_OK;
}

/* well_formed - hash is a NUL-terminated Argon2id string libsodium reads
 * (needs_rehash answers -1 when it cannot decode the string). */
static int
well_formed(const char *hash)
{
	size_t n = strnlen(hash, PASSWD_HASH_MAX);

	return n < PASSWD_HASH_MAX && n > strlen(PASSWD_PREFIX) &&
	    memcmp(hash, PASSWD_PREFIX, strlen(PASSWD_PREFIX)) == 0 &&
	    crypto_pwhash_argon2id_str_needs_rehash(hash, PASSWD_OPS, PASSWD_MEM) != -1;
}

status
passwd_verify(const char *hash, const char *password, size_t len)
{
	if (!well_formed(hash))
		return ST_INVALID;
	if (len > PASSWD_MAX)	/* never hashed; and no unbounded prehash */
		return ST_BADSIG;
	return crypto_pwhash_argon2id_str_verify(hash, password, len) == 0 ? ST_OK :
	    ST_BADSIG;
}

int
passwd_needs_rehash(const char *hash)
{
	return !well_formed(hash) ||
	    crypto_pwhash_argon2id_str_needs_rehash(hash, PASSWD_OPS, PASSWD_MEM) != 0;
}
