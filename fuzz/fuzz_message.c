/* fuzz_message.c - messages and receipts as a receiving node sees them.
 * A message that opens is opened again with a body limit it exceeds: the
 * header promises ST_TOOBIG with every other field still filled (version 2's
 * label and agreement too), since the node refuses that sequence number
 * for good on the strength of them. */
#include "fmt/envelope.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* version_ok - what was read is what its version says: version 1 has no
 * label and no agreement; version 2 a TLP 2.0 label and a UUIDv7 or
 * "local". */
static int
version_ok(const struct message *m)
{
	enum tlp t;

	if (m->v == 1)
		return !m->tlp[0] && !m->agreement[0];
	return m->v == 2 && tlp_parse(m->tlp, &t) == ST_OK && envelope_agreement_ok(m->agreement);
}

static void
check_toobig(const char *jws, size_t n, const struct message *m)
{
	struct message small;

	envelope_message_init(&small, m->body.len - 1);
	if (envelope_message_open(jws, n, fuzz_pk, fuzz_kid, &small) != ST_TOOBIG ||
	    small.seq != m->seq || strcmp(small.id, m->id) != 0 ||
	    strcmp(small.from, m->from) != 0 || strcmp(small.link, m->link) != 0 ||
	    small.v != m->v || strcmp(small.tlp, m->tlp) != 0 ||
	    strcmp(small.agreement, m->agreement) != 0)
		abort();
	envelope_message_clear(&small);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message m;
	struct receipt r;

	fuzz_init();
	envelope_message_init(&m, 4096);
	if (envelope_message_open((const char *)data, size, fuzz_pk, fuzz_kid, &m) == ST_OK) {
		if (!version_ok(&m))
			abort();
		if (m.body.len > 0)
			check_toobig((const char *)data, size, &m);
	}
	envelope_message_clear(&m);
	(void)envelope_receipt_open((const char *)data, size, fuzz_pk, fuzz_kid, &r);
	return 0;
}
