/* policy.c - the agreements in force (policy.h). */
#include "node/policy.h"

const char *
policy_state(const struct store_agree *a, int64_t now_ms)
{
	if (a->n_signed < a->n_parties)
		return "proposed";
	if (now_ms < a->effective_ms)
		return "signed";
	return now_ms < a->expires_ms ? "in force" : "expired";
}
