/* tlog.c - RFC 9162 Merkle tree hashing, proofs and their verification.
 *
 * Every range the proof algorithms (PATH, SUBPROOF) ask for is either a
 * complete aligned subtree, read from storage in one call, or the log's
 * right edge, built from at most log2(n) stored subtrees.
 *
 * SECURITY: verifiers take sizes from untrusted input; they bound loops by
 * the proof length and compare hashes with sodium_memcmp.
 */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "fmt/tlog.h"

/* sha256 - SHA-256(prefix || data).  OpenSSL's, which uses the CPU's SHA
 * instructions where there are some: hashing is most of the cost of an
 * append (libsodium's portable SHA-256 is several times slower).  Falls
 * back to libsodium if OpenSSL cannot allocate. */
static EVP_MD *md;		/* fetched once: an implicit fetch per hash locks */
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
md_fetch(void)
{
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* sha256 - SHA-256(prefix || data), or of data alone when prefix < 0. */
static void
sha256(int prefix, const void *data, size_t n, uint8_t out[static TLOG_HASH])
{
	uint8_t p = (uint8_t)prefix;
	EVP_MD_CTX *c;
	unsigned len = 0;
	int ok;

	(void)pthread_once(&md_once, md_fetch);
	c = md ? EVP_MD_CTX_new() : NULL;
	ok = c && EVP_DigestInit_ex2(c, md, NULL) == 1 &&
	    (prefix < 0 || EVP_DigestUpdate(c, &p, 1) == 1) &&
	    EVP_DigestUpdate(c, data, n) == 1 &&
	    EVP_DigestFinal_ex(c, out, &len) == 1 && len == TLOG_HASH;

	EVP_MD_CTX_free(c);
	if (!ok) {
		crypto_hash_sha256_state st;

		crypto_hash_sha256_init(&st);
		if (prefix >= 0)
			crypto_hash_sha256_update(&st, &p, 1);
		crypto_hash_sha256_update(&st, data, n);
		crypto_hash_sha256_final(&st, out);
	}
}

void
tlog_sha256(const void *data, size_t n, uint8_t out[static TLOG_HASH])
{
	sha256(-1, data, n, out);
}

void
tlog_leaf_hash(const void *data, size_t n, uint8_t out[static TLOG_HASH])
{
	sha256(0x00, data, n, out);
}

void
tlog_node_hash(const uint8_t left[static TLOG_HASH], const uint8_t right[static TLOG_HASH],
    uint8_t out[static TLOG_HASH])
{
	uint8_t in[2 * TLOG_HASH];

	memcpy(in, left, TLOG_HASH);
	memcpy(in + TLOG_HASH, right, TLOG_HASH);
	sha256(0x01, in, sizeof in, out);
}

/* split - the largest power of two strictly less than n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static int
level_of(uint64_t pow2)
{
	int l = 0;

	while ((UINT64_C(1) << l) < pow2)
		l++;
	return l;
}

status
tlog_append(uint64_t index, const uint8_t leaf[static TLOG_HASH], tlog_get_fn get,
    tlog_put_fn put, void *arg)
{
	uint8_t h[TLOG_HASH], left[TLOG_HASH];
	int level = 0;
	status rc;

	memcpy(h, leaf, TLOG_HASH);
	rc = put(arg, 0, index, h);
	/* Each trailing 1 bit of index closes a subtree one level up. */
	while (!rc && (index & 1)) {
		rc = get(arg, level, index - 1, left);
		if (rc)
			break;
		tlog_node_hash(left, h, h);
		index >>= 1;
		level++;
		rc = put(arg, level, index, h);
	}
	return rc;
}

uint64_t
tlog_pos(int level, uint64_t index)
{
	/* The subtree's last leaf e has 2e - popcount(e) nodes before it in
	 * post-order; the subtrees e completes follow it, one per level. */
	uint64_t e = ((index + 1) << level) - 1, ones = 0;

	for (uint64_t b = e; b; b &= b - 1)
		ones++;
	return 2 * e - ones + (uint64_t)level;
}

/* mth - the tree hash of leaves [lo, hi), lo < hi, where [lo, hi) is a
 * complete aligned subtree or a right edge (hi is the log's size). */
static status
mth(uint64_t lo, uint64_t hi, tlog_get_fn get, void *arg, uint8_t out[static TLOG_HASH])
{
	uint64_t n = hi - lo, k;
	uint8_t right[TLOG_HASH];
	status rc;

	if ((n & (n - 1)) == 0 && lo % n == 0)
		return get(arg, level_of(n), lo / n, out);
	k = split(n);
	rc = mth(lo + k, hi, get, arg, right);
	if (!rc)
		rc = mth(lo, lo + k, get, arg, out);
	if (!rc)
		tlog_node_hash(out, right, out);
	return rc;
}

status
tlog_tree_hash(uint64_t size, tlog_get_fn get, void *arg, uint8_t out[static TLOG_HASH])
{
	if (size == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return ST_OK;
	}
	return mth(0, size, get, arg, out);
}

/* path - RFC 9162 PATH(m, D[lo:hi]), appended leaf-first. */
static status
path(uint64_t m, uint64_t lo, uint64_t hi, tlog_get_fn get, void *arg,
    uint8_t proof[][TLOG_HASH], size_t *n)
{
	uint64_t k;
	status rc;

	if (hi - lo <= 1)
		return ST_OK;
	if (*n >= TLOG_PROOF_MAX)
		return ST_TOOBIG;
	k = split(hi - lo);
	if (m < lo + k) {
		rc = path(m, lo, lo + k, get, arg, proof, n);
		return rc ? rc : mth(lo + k, hi, get, arg, proof[(*n)++]);
	}
	rc = path(m, lo + k, hi, get, arg, proof, n);
	return rc ? rc : mth(lo, lo + k, get, arg, proof[(*n)++]);
}

status
tlog_inclusion(uint64_t index, uint64_t size, tlog_get_fn get, void *arg,
    uint8_t proof[][TLOG_HASH], size_t *n)
{
	*n = 0;
	if (index >= size)
		return ST_INVALID;
	return path(index, 0, size, get, arg, proof, n);
}

/* subproof - RFC 9162 SUBPROOF(m, D[lo:hi], b). */
static status
subproof(uint64_t m, uint64_t lo, uint64_t hi, int b, tlog_get_fn get, void *arg,
    uint8_t proof[][TLOG_HASH], size_t *n)
{
	uint64_t k;
	status rc;

	if (*n >= TLOG_PROOF_MAX)
		return ST_TOOBIG;
	if (m == hi - lo)
		return b ? ST_OK : mth(lo, hi, get, arg, proof[(*n)++]);
	k = split(hi - lo);
	if (m <= k) {
		rc = subproof(m, lo, lo + k, b, get, arg, proof, n);
		return rc ? rc : mth(lo + k, hi, get, arg, proof[(*n)++]);
	}
	rc = subproof(m - k, lo + k, hi, 0, get, arg, proof, n);
	return rc ? rc : mth(lo, lo + k, get, arg, proof[(*n)++]);
}

status
tlog_consistency(uint64_t m, uint64_t n, tlog_get_fn get, void *arg,
    uint8_t proof[][TLOG_HASH], size_t *len)
{
	*len = 0;
	if (m > n)
		return ST_INVALID;
	if (m == 0 || m == n)
		return ST_OK;
	return subproof(m, 0, n, 1, get, arg, proof, len);
}

status
tlog_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[static TLOG_HASH],
    const uint8_t proof[][TLOG_HASH], size_t n, const uint8_t root[static TLOG_HASH])
{
	uint64_t fn = index, sn;
	uint8_t r[TLOG_HASH];

	if (index >= size)
		return ST_BADSIG;
	sn = size - 1;
	memcpy(r, leaf, TLOG_HASH);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return ST_BADSIG;
		if ((fn & 1) || fn == sn) {
			tlog_node_hash(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			tlog_node_hash(r, proof[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(r, root, TLOG_HASH) == 0 ? ST_OK : ST_BADSIG;
}

status
tlog_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[static TLOG_HASH],
    const uint8_t root_n[static TLOG_HASH], const uint8_t proof[][TLOG_HASH], size_t len)
{
	uint8_t fr[TLOG_HASH], sr[TLOG_HASH];
	uint64_t fn, sn;
	size_t i = 0;

	if (m > n)
		return ST_BADSIG;
	if (m == n)
		return len == 0 && sodium_memcmp(root_m, root_n, TLOG_HASH) == 0 ? ST_OK : ST_BADSIG;
	if (m == 0)
		return len == 0 ? ST_OK : ST_BADSIG;
	if (len == 0)
		return ST_BADSIG;
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* When m is a power of two, root_m itself starts the path. */
	if ((m & (m - 1)) == 0) {
		memcpy(fr, root_m, TLOG_HASH);
	} else {
		memcpy(fr, proof[0], TLOG_HASH);
		i = 1;
	}
	memcpy(sr, fr, TLOG_HASH);
	for (; i < len; i++) {
		if (sn == 0)
			return ST_BADSIG;
		if ((fn & 1) || fn == sn) {
			tlog_node_hash(proof[i], fr, fr);
			tlog_node_hash(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			tlog_node_hash(sr, proof[i], sr);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(fr, root_m, TLOG_HASH) == 0 &&
	    sodium_memcmp(sr, root_n, TLOG_HASH) == 0 ? ST_OK : ST_BADSIG;
}
