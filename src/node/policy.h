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

/* policy_state - a held agreement's state at now_ms, in words; the first
 * that holds, in this order (docs/AGREEMENTS.md, "States"):
 *   "declined"     a party declined it (declined_ms set), whoever signed;
 *   "proposed"     not every party has signed;
 *   "signed"       every party has, and its effective time is to come;
 *   "superseded"   now_ms >= superseded_ms: one superseding it is in force;
 *   "terminated"   now_ms >= ends_ms: a notice of termination has run out;
 *   "expired"      now_ms >= expires_ms;
 *   "terminating"  a notice runs (ends_ms set), the agreement still in force;
 *   "in force".
 * A static string; a is only read. */
const char *policy_state(const struct store_agree *a, int64_t now_ms);

#endif
