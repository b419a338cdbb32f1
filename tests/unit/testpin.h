/* testpin.h - pin functions for tests that have no peer registry. */
#ifndef PARLEY_TESTPIN_H
#define PARLEY_TESTPIN_H

#include <stdint.h>
#include <string.h>

#include "crypto/ident.h"

/* pin_one, pin_any - tlsctx_pin_fn's without a peer registry: the one key
 * arg points to, or any Ed25519 key. */
static inline int
pin_one(void *arg, const uint8_t pk[IDENT_PK_LEN])
{
	return memcmp(arg, pk, IDENT_PK_LEN) == 0;
}

static inline int
pin_any(void *arg, const uint8_t pk[IDENT_PK_LEN])
{
	(void)arg, (void)pk;
	return 1;
}

#endif
