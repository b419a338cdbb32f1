/* policy.c - the agreements in force (policy.h). */
#include "node/policy.h"

const char *
policy_state(const struct store_agree *a, int64_t now_ms)
{
	if (a->declined_ms != 0)
		return "declined";
	if (a->n_signed < a->n_parties)
		return "proposed";
	if (now_ms < a->effective_ms)
		return "signed";
	if (now_ms >= a->superseded_ms)
		return "superseded";
	if (now_ms >= a->ends_ms)
		return "terminated";
	if (now_ms >= a->expires_ms)
		return "expired";
	return a->ends_ms != INT64_MAX ? "terminating" : "in force";
}
