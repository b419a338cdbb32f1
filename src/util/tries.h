/* tries.h - failed attempts to authenticate, counted per key (a user's
 * name, a source address), and the time each key is refused after too
 * many: the duty console's sign-in and the TAXII server share it.
 *
 * After free_fails failures a key is refused for 1 s, then twice as long
 * at each further failure, up to max_ms.  The table has a fixed number of
 * slots; a new key takes a free one, else one no longer refused, else the
 * one refused for the least time.  Keys are short strings (TRIES_KEY_MAX).
 */
#ifndef PARLEY_TRIES_H
#define PARLEY_TRIES_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define TRIES_KEY_MAX 80	/* bytes of a key, with the NUL; longer keys are cut */

struct tries;

/* tries_new - a table of slots keys into *out (tries_free). */
status tries_new(size_t slots, int free_fails, int64_t max_ms, struct tries **out) WUR;
/* tries_free - NULL is a no-op. */
void tries_free(struct tries *t);
/* tries_locked - ms left while key is refused at now_ms (0: not). */
int64_t tries_locked(struct tries *t, const char *key, int64_t now_ms);
/* tries_failed - one more failure of key at now_ms. */
void tries_failed(struct tries *t, const char *key, int64_t now_ms);
/* tries_clear - key succeeded: its failures are forgotten. */
void tries_clear(struct tries *t, const char *key);

#endif
