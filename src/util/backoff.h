/* backoff.h - the one retry policy: exponential backoff with jitter.
 *
 * Every retry in parley (delivery to a peer, cosigning rounds) waits
 * backoff_next(): the ceiling doubles from min to max, and the delay is
 * drawn uniformly from its upper half, so peers that failed together do
 * not retry together.
 */
#ifndef PARLEY_BACKOFF_H
#define PARLEY_BACKOFF_H

/* The first delay of a retry. */
#define BACKOFF_MIN_MS 50

/* backoff_next - advance *ceiling_ms (0: not backing off yet) to the next
 * ceiling between min_ms and max_ms, and return the delay to wait, in ms. */
int backoff_next(int *ceiling_ms, int min_ms, int max_ms);

#endif
