/* testkeys.h - throwaway identities for unit tests (in a temp dir). */
#ifndef PARLEY_TESTKEYS_H
#define PARLEY_TESTKEYS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/ident.h"

static char testkeys_dir[64];

/* testkey - a new identity; the key file is removed at once. */
static struct ident *
testkey(void)
{
	static int n;
	char path[128];
	struct ident *id = NULL;

	if (!testkeys_dir[0]) {
		snprintf(testkeys_dir, sizeof testkeys_dir, "/tmp/ptestXXXXXX");
		if (!mkdtemp(testkeys_dir))
			abort();
	}
	snprintf(path, sizeof path, "%s/k%d.pem", testkeys_dir, n++);
	if (ident_create(path) != ST_OK || ident_load(path, &id) != ST_OK)
		abort();
	unlink(path);
	return id;
}

static void
testkeys_done(void)
{
	if (testkeys_dir[0])
		rmdir(testkeys_dir);
}

#endif
