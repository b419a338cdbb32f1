/* policy.h - the agreements in force, as the node enforces them (issue 13).
 *
 * Which agreements are in force is a question of their held rows
 * (store_agree.h) and the time: every party has signed, the effective time
 * has come, and the agreement has not ended (expired, terminated,
 * declined, superseded by one in force).
 */
#ifndef PARLEY_POLICY_H
#define PARLEY_POLICY_H

#include <stdint.h>

#include "store/store_agree.h"

/* policy_state - a held agreement's state at now_ms, in words: "proposed"
 * (not every party signed), "signed" (all signed, not yet effective),
 * "in force", "expired". */
const char *policy_state(const struct store_agree *a, int64_t now_ms);

#endif
