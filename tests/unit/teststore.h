/* teststore.h - the fixture of a unit test over a store of its own: a new
 * temp dir with a store opened (created) in it, removed after the test.
 * cmocka.h first. */
#ifndef PARLEY_TESTSTORE_H
#define PARLEY_TESTSTORE_H

#include <stdlib.h>

#include "store/store.h"
#include "testdir.h"

struct fx {
	char dir[64], path[96];
	struct store *st;
};

/* teardown - close the store, remove its dir. */
static int
teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	store_close(f->st);
	(void)testdir_remove(f->dir);
	free(f);
	return 0;
}

/* fx_setup - a store in /tmp/parley-test-NAME-XXXXXX, in *state. */
static int
fx_setup(void **state, const char *name)
{
	struct fx *f = calloc(1, sizeof *f);

	*state = f;
	if (!f)
		return -1;
	if (testdir_store_path(name, f->dir, sizeof f->dir, f->path, sizeof f->path) != 0 ||
	    store_open(f->path, 1, &f->st)) {
		(void)teardown(state);
		return -1;
	}
	return 0;
}

#endif
