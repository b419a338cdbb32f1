/* backoff.c - exponential backoff with jitter (backoff.h).
 *
 * SECURITY: the jitter comes from libsodium's generator; nothing here is
 * secret, but a predictable schedule lets a peer time its requests.
 */
#include <sodium.h>

#include "util/backoff.h"

int
backoff_next(int *ceiling_ms, int min_ms, int max_ms)
{
	int c = *ceiling_ms;

	c = c ? (c > max_ms / 2 ? max_ms : c * 2) : min_ms;
	if (c > max_ms)
		c = max_ms;
	if (c < 1)
		c = 1;
	*ceiling_ms = c;
	return c / 2 + (int)randombytes_uniform((uint32_t)(c - c / 2) + 1);
}
