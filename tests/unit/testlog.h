/* testlog.h - an array-backed Merkle log for unit tests that build
 * checkpoints and inclusion proofs by hand (fmt/tlog.h): up to
 * TESTLOG_LEAVES leaves. */
#ifndef PARLEY_TESTLOG_H
#define PARLEY_TESTLOG_H

#include <stdlib.h>
#include <string.h>

#include "fmt/tlog.h"

#define TESTLOG_LEVELS 6
#define TESTLOG_LEAVES 32

struct mlog {
	uint8_t hash[TESTLOG_LEVELS][TESTLOG_LEAVES][TLOG_HASH];
	uint8_t have[TESTLOG_LEVELS][TESTLOG_LEAVES];
	uint64_t n;
};

/* mlog_get, mlog_put - the tlog_get_fn and tlog_put_fn of an mlog. */
static status
mlog_get(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH])
{
	struct mlog *l = arg;

	if (level < 0 || level >= TESTLOG_LEVELS || index >= TESTLOG_LEAVES ||
	    !l->have[level][index])
		return ST_NOTFOUND;
	memcpy(hash, l->hash[level][index], TLOG_HASH);
	return ST_OK;
}

static status
mlog_put(void *arg, int level, uint64_t index, const uint8_t hash[TLOG_HASH])
{
	struct mlog *l = arg;

	if (level < 0 || level >= TESTLOG_LEVELS || index >= TESTLOG_LEAVES)
		return ST_INVALID;
	memcpy(l->hash[level][index], hash, TLOG_HASH);
	l->have[level][index] = 1;
	return ST_OK;
}

/* mlog_add - append data[0..n) as the next leaf; aborts when it does not
 * fit (a test's own mistake). */
static void
mlog_add(struct mlog *l, const void *data, size_t n)
{
	uint8_t leaf[TLOG_HASH];

	tlog_leaf_hash(data, n, leaf);
	if (tlog_append(l->n, leaf, mlog_get, mlog_put, l) != ST_OK)
		abort();
	l->n++;
}

#endif
