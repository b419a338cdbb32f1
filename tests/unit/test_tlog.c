/* test_tlog.c - RFC 9162 tree hashes and proofs: published vectors, then
 * every proof of every tree up to 64 leaves, then tampered proofs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "fmt/tlog.h"

#define MAXN 64

/* In-memory node store: level L holds MAXN >> L nodes. */
struct mem {
	uint8_t node[8][MAXN][TLOG_HASH];
	uint8_t have[8][MAXN];
	int reads;
};

static status
mget(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH])
{
	struct mem *m = arg;

	m->reads++;
	if (level >= 8 || index >= MAXN || !m->have[level][index])
		return ST_NOTFOUND;
	memcpy(hash, m->node[level][index], TLOG_HASH);
	return ST_OK;
}

static status
mput(void *arg, int level, uint64_t index, const uint8_t hash[TLOG_HASH])
{
	struct mem *m = arg;

	if (level >= 8 || index >= MAXN)
		return ST_TOOBIG;
	memcpy(m->node[level][index], hash, TLOG_HASH);
	m->have[level][index] = 1;
	return ST_OK;
}

static void
unhex(const char *h, uint8_t *out, size_t n)
{
	size_t got;

	assert_int_equal(sodium_hex2bin(out, n, h, strlen(h), NULL, &got, NULL), 0);
	assert_int_equal(got, n);
}

/* The RFC 6962 reference leaves (certificate-transparency test data). */
static const struct {
	const char *hex;
} ct_leaves[8] = {
	{ "" }, { "00" }, { "10" }, { "2021" }, { "3031" }, { "40414243" },
	{ "5051525354555657" }, { "606162636465666768696a6b6c6d6e6f" },
};

static const char *const ct_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static struct mem ct;
static uint8_t ct_leafhash[8][TLOG_HASH];

static int
setup_ct(void **state)
{
	(void)state;
	memset(&ct, 0, sizeof ct);
	for (uint64_t i = 0; i < 8; i++) {
		uint8_t data[16];
		size_t n = strlen(ct_leaves[i].hex) / 2;

		unhex(ct_leaves[i].hex, data, n);
		tlog_leaf_hash(data, n, ct_leafhash[i]);
		if (tlog_append(i, ct_leafhash[i], mget, mput, &ct) != ST_OK)
			return -1;
	}
	return 0;
}

static void
test_ct_roots(void **state)
{
	(void)state;
	for (uint64_t n = 0; n <= 8; n++) {
		uint8_t got[TLOG_HASH], want[TLOG_HASH];

		assert_int_equal(tlog_tree_hash(n, mget, &ct, got), ST_OK);
		unhex(ct_roots[n], want, TLOG_HASH);
		assert_memory_equal(got, want, TLOG_HASH);
	}
}

static const struct {
	const char *name;
	uint64_t a, b;		/* inclusion: index, size; consistency: m, n */
	int consistency;
	const char *proof[3];
	size_t len;
} vectors[] = {
	{ "inclusion 0 in 8", 0, 8, 0, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" }, 3 },
	{ "inclusion 5 in 8", 5, 8, 0, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" }, 3 },
	{ "consistency 2 to 8", 2, 8, 1, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" }, 2 },
	{ "consistency 6 to 8", 6, 8, 1, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" }, 3 },
};

static void
test_ct_proofs(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
		uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH], want[TLOG_HASH];
		uint8_t ra[TLOG_HASH], rb[TLOG_HASH];
		size_t n;

		print_message("%s\n", vectors[v].name);
		if (vectors[v].consistency)
			assert_int_equal(tlog_consistency(vectors[v].a, vectors[v].b, mget, &ct,
			    proof, &n), ST_OK);
		else
			assert_int_equal(tlog_inclusion(vectors[v].a, vectors[v].b, mget, &ct,
			    proof, &n), ST_OK);
		assert_int_equal(n, vectors[v].len);
		for (size_t i = 0; i < n; i++) {
			unhex(vectors[v].proof[i], want, TLOG_HASH);
			assert_memory_equal(proof[i], want, TLOG_HASH);
		}
		unhex(ct_roots[vectors[v].b], rb, TLOG_HASH);
		if (vectors[v].consistency) {
			unhex(ct_roots[vectors[v].a], ra, TLOG_HASH);
			assert_int_equal(tlog_verify_consistency(vectors[v].a, vectors[v].b, ra, rb,
			    (const uint8_t (*)[TLOG_HASH])proof, n), ST_OK);
		} else
			assert_int_equal(tlog_verify_inclusion(vectors[v].a, vectors[v].b,
			    ct_leafhash[vectors[v].a], (const uint8_t (*)[TLOG_HASH])proof, n, rb),
			    ST_OK);
	}
}

/* naive - RFC 9162 MTH computed directly from leaf hashes. */
static void
naive(const uint8_t leaves[][TLOG_HASH], uint64_t n, uint8_t out[TLOG_HASH])
{
	uint8_t l[TLOG_HASH], r[TLOG_HASH];
	uint64_t k = 1;

	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], TLOG_HASH);
		return;
	}
	while (k << 1 < n)
		k <<= 1;
	naive(leaves, k, l);
	naive(leaves + k, n - k, r);
	tlog_node_hash(l, r, out);
}

static struct mem big;
static uint8_t big_leaf[MAXN][TLOG_HASH], big_root[MAXN + 1][TLOG_HASH];

static void
test_every_tree(void **state)
{
	(void)state;
	memset(&big, 0, sizeof big);
	for (uint64_t i = 0; i < MAXN; i++) {
		uint8_t data[2] = { (uint8_t)i, (uint8_t)(i * 7) };

		tlog_leaf_hash(data, sizeof data, big_leaf[i]);
		assert_int_equal(tlog_append(i, big_leaf[i], mget, mput, &big), ST_OK);
	}
	for (uint64_t n = 0; n <= MAXN; n++) {
		uint8_t want[TLOG_HASH];

		naive((const uint8_t (*)[TLOG_HASH])big_leaf, n, want);
		assert_int_equal(tlog_tree_hash(n, mget, &big, big_root[n]), ST_OK);
		assert_memory_equal(big_root[n], want, TLOG_HASH);
	}
	for (uint64_t n = 1; n <= MAXN; n++) {
		for (uint64_t i = 0; i < n; i++) {
			uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH];
			const uint8_t (*cp)[TLOG_HASH] = (const uint8_t (*)[TLOG_HASH])proof;
			size_t len;

			big.reads = 0;
			assert_int_equal(tlog_inclusion(i, n, mget, &big, proof, &len), ST_OK);
			assert_true(big.reads <= 2 * 7);	/* O(log n) stored reads */
			assert_int_equal(tlog_verify_inclusion(i, n, big_leaf[i], cp, len,
			    big_root[n]), ST_OK);
			/* wrong leaf, wrong index, truncated, extended, flipped */
			assert_int_not_equal(tlog_verify_inclusion(i, n, big_leaf[(i + 1) % MAXN],
			    cp, len, big_root[n]), ST_OK);
			if (n > 1)
				assert_int_not_equal(tlog_verify_inclusion((i + 1) % n, n, big_leaf[i],
				    cp, len, big_root[n]), ST_OK);
			assert_int_not_equal(tlog_verify_inclusion(n, n, big_leaf[i], cp, len,
			    big_root[n]), ST_OK);
			if (len) {
				assert_int_not_equal(tlog_verify_inclusion(i, n, big_leaf[i], cp,
				    len - 1, big_root[n]), ST_OK);
				memset(proof[len], 0xab, TLOG_HASH);
				assert_int_not_equal(tlog_verify_inclusion(i, n, big_leaf[i], cp,
				    len + 1, big_root[n]), ST_OK);
				proof[len - 1][7] ^= 1;
				assert_int_not_equal(tlog_verify_inclusion(i, n, big_leaf[i], cp,
				    len, big_root[n]), ST_OK);
			}
		}
	}
}

static void
test_every_consistency(void **state)
{
	(void)state;
	for (uint64_t n = 0; n <= MAXN; n++) {
		for (uint64_t m = 0; m <= n; m++) {
			uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH];
			const uint8_t (*cp)[TLOG_HASH] = (const uint8_t (*)[TLOG_HASH])proof;
			size_t len;

			assert_int_equal(tlog_consistency(m, n, mget, &big, proof, &len), ST_OK);
			assert_int_equal(tlog_verify_consistency(m, n, big_root[m], big_root[n], cp,
			    len), ST_OK);
			if (m == 0 || m == n)
				continue;
			/* a fork: the same proof against another old root must fail */
			assert_int_not_equal(tlog_verify_consistency(m, n, big_root[m - 1],
			    big_root[n], cp, len), ST_OK);
			assert_int_not_equal(tlog_verify_consistency(m, n, big_root[m],
			    big_root[n - 1], cp, len), ST_OK);
			assert_int_not_equal(tlog_verify_consistency(m, n, big_root[m], big_root[n],
			    cp, len - 1), ST_OK);
			proof[0][3] ^= 0x80;
			assert_int_not_equal(tlog_verify_consistency(m, n, big_root[m], big_root[n],
			    cp, len), ST_OK);
		}
	}
}

static void
test_degenerate(void **state)
{
	uint8_t proof[TLOG_PROOF_MAX][TLOG_HASH];
	const uint8_t (*cp)[TLOG_HASH] = (const uint8_t (*)[TLOG_HASH])proof;
	size_t len;

	(void)state;
	assert_int_equal(tlog_inclusion(8, 8, mget, &ct, proof, &len), ST_INVALID);
	assert_int_equal(tlog_consistency(5, 3, mget, &ct, proof, &len), ST_INVALID);
	assert_int_not_equal(tlog_verify_consistency(8, 6, big_root[8], big_root[6], cp, 0), ST_OK);
	assert_int_equal(tlog_verify_consistency(4, 4, big_root[4], big_root[4], cp, 0), ST_OK);
	assert_int_not_equal(tlog_verify_consistency(4, 4, big_root[4], big_root[5], cp, 0), ST_OK);
	assert_int_equal(tlog_verify_consistency(0, 8, big_root[0], big_root[8], cp, 0), ST_OK);
	memset(proof[0], 0, TLOG_HASH);
	assert_int_not_equal(tlog_verify_consistency(0, 8, big_root[0], big_root[8], cp, 1), ST_OK);
	assert_int_not_equal(tlog_verify_consistency(6, 8, big_root[6], big_root[8], cp, 0), ST_OK);
	/* a store that lost a node makes proofs fail, not lie */
	big.have[0][3] = 0;
	assert_int_equal(tlog_inclusion(2, 8, mget, &big, proof, &len), ST_NOTFOUND);
	big.have[0][3] = 1;
}

/* Positions follow the order tlog_append stores nodes in: numbered as
 * they are put, they count 0, 1, 2, ... with no gap and no repeat. */
struct order {
	struct mem m;
	uint64_t next;
	int bad;
};

static status
oput(void *arg, int level, uint64_t index, const uint8_t hash[TLOG_HASH])
{
	struct order *o = arg;

	if (tlog_pos(level, index) != o->next++)
		o->bad++;
	return mput(&o->m, level, index, hash);
}

static status
oget(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH])
{
	return mget(&((struct order *)arg)->m, level, index, hash);
}

static void
test_post_order(void **state)
{
	static struct order o;
	uint8_t leaf[TLOG_HASH] = { 0 };

	(void)state;
	for (uint64_t i = 0; i < MAXN; i++)
		assert_int_equal(tlog_append(i, leaf, oget, oput, &o), ST_OK);
	assert_int_equal(o.bad, 0);
	assert_int_equal(o.next, 2 * MAXN - 1);
	assert_int_equal(tlog_pos(0, 0), 0);
	assert_int_equal(tlog_pos(2, 0), 6);
	assert_int_equal(tlog_pos(0, 4), 7);
	/* the root of 2^40 leaves is the last of its 2^41 - 1 nodes */
	assert_true(tlog_pos(40, 0) == (UINT64_C(1) << 41) - 2);
	assert_true(tlog_pos(0, UINT64_C(1) << 40) == (UINT64_C(1) << 41) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_roots),
		cmocka_unit_test(test_ct_proofs),
		cmocka_unit_test(test_every_tree),
		cmocka_unit_test(test_every_consistency),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_post_order),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup_ct, NULL);
}
