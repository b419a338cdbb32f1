/* fuzz_escalation.c - escalation plans as escalation_parse reads them:
 * besides memory safety it checks that every why is printable ASCII and
 * set exactly when the plan is refused, with a status the contract names;
 * that the canonical text reads back to the same text; and that
 * escalation_due, for times and deadlines taken from the input's last
 * bytes, never goes back in time from one step to the next nor before the
 * receipt, and skips a share only when there is no deadline. */
#include "fuzz_common.h"
#include "fmt/escalation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t
take(const uint8_t *data, size_t size, size_t from)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8 && from + i < size; i++)
		v = v << 8 | data[from + i];
	return (int64_t)v;
}

static void
check_due(const struct escalation *p, int64_t received, int64_t ack)
{
	int64_t last = INT64_MIN, t;

	for (size_t i = 0; i < escalation_n_steps(p); i++) {
		status rc = escalation_due(p, i, received, ack, &t);

		if (rc == ST_NOTFOUND) {
			if (ack >= 0 || !strchr(escalation_step_after(p, i), '%'))
				abort();
			continue;
		}
		if (rc != ST_OK || t < last || t < received)
			abort();
		last = t;
	}
	if (escalation_due(p, escalation_n_steps(p), received, ack, &t) != ST_INVALID)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[ESCALATION_WHY_MAX];
	struct escalation *p, *back;
	struct buf a, b;
	status rc;

	rc = escalation_parse((const char *)data, size, &p, why);
	for (const char *c = why; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			abort();
	if (rc == ST_OK ? why[0] != '\0' : why[0] == '\0' || p || (rc != ST_PARSE &&
	    rc != ST_INVALID && rc != ST_TOOBIG && rc != ST_NOMEM))
		abort();
	if (rc)
		return 0;
	if (escalation_n_steps(p) < 1 || escalation_n_steps(p) > ESCALATION_STEPS_MAX)
		abort();
	check_due(p, take(data, size, size > 16 ? size - 16 : 0),
	    take(data, size, size > 8 ? size - 8 : 0));
	check_due(p, 1795651200000, -1);
	check_due(p, 1795651200000, 3600000);
	check_due(p, INT64_MAX - 1, INT64_MAX);
	buf_init(&a, ESCALATION_BYTES_MAX);
	buf_init(&b, ESCALATION_BYTES_MAX);
	if (escalation_canon(p, &a) != ST_OK ||
	    escalation_parse(a.p, a.len, &back, why) != ST_OK ||
	    escalation_canon(back, &b) != ST_OK || a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
		abort();
	for (size_t i = 0; i < escalation_n_steps(p); i++) {
		int64_t t1 = 0, t2 = 0;
		status r1 = escalation_due(p, i, 0, 86400000, &t1);
		status r2 = escalation_due(back, i, 0, 86400000, &t2);

		if (r1 != r2 || t1 != t2 || escalation_step_role(p, i) != escalation_step_role(back, i))
			abort();
	}
	escalation_free(back);
	buf_free(&a);
	buf_free(&b);
	escalation_free(p);
	return 0;
}
