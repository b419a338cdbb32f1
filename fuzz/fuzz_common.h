/* fuzz_common.h - one fixed key pair for the fuzz targets, so that seeds
 * signed with it reach the code behind signature checks. */
#ifndef PARLEY_FUZZ_COMMON_H
#define PARLEY_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/ident.h"

static uint8_t fuzz_pk[IDENT_PK_LEN], fuzz_sk[64];
static char fuzz_kid[IDENT_KID_LEN];

static void
fuzz_init(void)
{
	static int done;
	uint8_t seed[32];

	if (done)
		return;
	if (sodium_init() < 0)
		abort();
	memset(seed, 7, sizeof seed);
	crypto_sign_seed_keypair(fuzz_pk, fuzz_sk, seed);
	ident_thumbprint(fuzz_pk, fuzz_kid);
	done = 1;
}

#endif
