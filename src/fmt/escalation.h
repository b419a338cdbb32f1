/* escalation.h - an escalation plan: whom a watch desk calls, and when,
 * about an item nobody has acknowledged (the file of `parley escalation
 * set FILE`; docs/DESK_FILES.md).
 *
 *   {"steps":[{"after":"PT5M","role":"duty"},
 *             {"after":"50%","role":"supervisor"},
 *             {"after":"100%","role":"head"}]}
 *
 * Steps fire in the order listed.  A step's "after" is an ISO 8601
 * duration as fmt/duration.h reads it (PT0S: at once), measured from the
 * signed receipt of the item, or "N%" (N an integer 1..100, no sign, no
 * leading zero): that share of the item's acknowledgement deadline, also
 * measured from receipt.  Its role is a roster role (fmt/roster.h).
 * Times are UTC milliseconds, integers only.  Pure: no I/O.
 */
#ifndef PARLEY_ESCALATION_H
#define PARLEY_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/roster.h"
#include "util/buf.h"
#include "util/status.h"

#define ESCALATION_WHY_MAX 256
#define ESCALATION_BYTES_MAX 16384	/* bytes of a plan */
#define ESCALATION_STEPS_MAX 16
#define ESCALATION_AFTER_MAX 32		/* room for a step's "after" + NUL */

struct escalation;	/* opaque */

/* escalation_parse - check the plan json[0..n) and give it in *out (the
 * caller's: escalation_free).  Both members of the file and of each step
 * are required and no other is allowed; 1..ESCALATION_STEPS_MAX steps; a
 * step equal to an earlier one (the same time and role) is refused.  On
 * failure *out is NULL and why says "PATH: WHAT" in printable ASCII
 * ("steps[1].after: ..."): ST_TOOBIG over ESCALATION_BYTES_MAX, ST_PARSE
 * for text that is not a JSON object (or holds a member twice),
 * ST_INVALID for a rule broken, ST_NOMEM.  On success why is "". */
status escalation_parse(const char *json, size_t n, struct escalation **out,
    char why[static ESCALATION_WHY_MAX]) WUR;
/* escalation_free - release p; NULL is a no-op. */
void escalation_free(struct escalation *p);

/* escalation_n_steps - how many steps p holds (1..ESCALATION_STEPS_MAX). */
size_t escalation_n_steps(const struct escalation *p);
/* escalation_step_role - the role step i calls (i < escalation_n_steps;
 * the caller keeps to it). */
enum roster_role escalation_step_role(const struct escalation *p, size_t i);
/* escalation_step_after - step i's "after" as the canonical text writes
 * it: a duration as duration_format writes it ("PT5M", "P7D" for "P1W"),
 * or "N%".  Borrowed from p. */
const char *escalation_step_after(const struct escalation *p, size_t i);

/* escalation_due - when step i of p is due for an item received (signed
 * receipt) at received_ms whose acknowledgement deadline is ack_ms
 * milliseconds after receipt, or -1 (any negative) when it has none.
 *
 * A step's own time is received_ms plus its duration, or plus
 * ack_ms * N / 100 (rounded down) for "N%".  Its due time is the later of
 * its own time and the due time of the last step before it that has one,
 * so the steps fire in list order even when a later one names an earlier
 * time.  A "%" step of an item with no deadline has no time: for it
 * ST_NOTFOUND (*due_ms untouched), and the caller skips it; the steps
 * after it are due as if it were not in the plan.  A time past INT64_MAX
 * is INT64_MAX.  ST_OK with *due_ms set; ST_INVALID when i is not a step. */
status escalation_due(const struct escalation *p, size_t i, int64_t received_ms,
    int64_t ack_ms, int64_t *due_ms) WUR;

/* escalation_canon - append p's canonical text to out: compact JSON, keys
 * sorted, steps in order, each "after" as escalation_step_after gives it.
 * escalation_parse reads it back to a plan with the same due times and
 * the same canonical text.  ST_TOOBIG past out's maximum, ST_NOMEM; out
 * is unchanged on error. */
status escalation_canon(const struct escalation *p, struct buf *out) WUR;

#endif
