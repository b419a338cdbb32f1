/* fuzz_payload.c - the template reader of message and receipt payloads
 * (envelope.c) against jansson.  Wherever the template reader takes a
 * payload, jansson must give the same status and the same fields; where it
 * does not, the daemon's reader (TMPL_ANY) must answer as jansson.  Both
 * versions of a message: a version 1 payload is read with tlp and
 * agreement empty, a version 2 one must carry both, valid. */
#include "fmt/envelope.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same_message - a and b hold the same fields and body (version 2's label
 * and agreement, and the version itself, included). */
static int
same_message(const struct message *a, const struct message *b)
{
	return a->v == b->v && strcmp(a->tlp, b->tlp) == 0 &&
	    strcmp(a->agreement, b->agreement) == 0 &&
	    strcmp(a->id, b->id) == 0 && strcmp(a->from, b->from) == 0 &&
	    strcmp(a->to, b->to) == 0 && strcmp(a->link, b->link) == 0 && a->seq == b->seq &&
	    strcmp(a->type, b->type) == 0 && strcmp(a->priority, b->priority) == 0 &&
	    strcmp(a->subject, b->subject) == 0 &&
	    strcmp(a->created_at, b->created_at) == 0 && a->body.len == b->body.len &&
	    memcmp(buf_str(&a->body), buf_str(&b->body), a->body.len) == 0;
}

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
messages(const char *pl, size_t n, size_t max_body)
{
	struct message fixed, json, any;
	status f, j, a;

	envelope_message_init(&fixed, max_body);
	envelope_message_init(&json, max_body);
	envelope_message_init(&any, max_body);
	f = envelope_message_payload(pl, n, TMPL_FIXED, &fixed);
	j = envelope_message_payload(pl, n, TMPL_JSON, &json);
	a = envelope_message_payload(pl, n, TMPL_ANY, &any);
	if (f != ST_PARSE) {
		/* the template applied: a JSON object, so never ST_PARSE */
		if (j != f || a != f)
			abort();
		if ((f == ST_OK || f == ST_TOOBIG) &&
		    (!same_message(&fixed, &json) || !same_message(&any, &json)))
			abort();
	} else if (a != j || ((j == ST_OK || j == ST_TOOBIG) && !same_message(&any, &json)))
		abort();
	if ((j == ST_OK || j == ST_TOOBIG) && !version_ok(&json))
		abort();
	envelope_message_clear(&fixed);
	envelope_message_clear(&json);
	envelope_message_clear(&any);
}

static void
receipts(const char *pl, size_t n)
{
	struct receipt fixed, json, any;
	status f, j, a;

	f = envelope_receipt_payload(pl, n, TMPL_FIXED, &fixed);
	j = envelope_receipt_payload(pl, n, TMPL_JSON, &json);
	a = envelope_receipt_payload(pl, n, TMPL_ANY, &any);
	if (f != ST_PARSE && (j != f || a != f))
		abort();
	if (f == ST_PARSE && a != j)
		abort();
	/* both zero the receipt and fill it the same way */
	if (j == ST_OK && (memcmp(&any, &json, sizeof json) != 0 ||
	    (f == ST_OK && memcmp(&fixed, &json, sizeof json) != 0)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *pl = (const char *)data;

	messages(pl, size, 4096);
	messages(pl, size, 8);	/* a body over the limit: ST_TOOBIG either way */
	receipts(pl, size);
	return 0;
}
