/* test_envelope.c - messages and receipts: what a receiving node accepts,
 * and the forgeries it must refuse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>

#include "envelope.h"
#include "testkeys.h"

static struct ident *alpha, *bravo, *charlie;

static void
fill(struct message *m, const char *to_kid, const char *body)
{
	envelope_message_init(m, 64);
	stamp_uuid7(m->id);
	snprintf(m->to, sizeof m->to, "%s", to_kid);
	snprintf(m->link, sizeof m->link, "urgent");
	m->seq = 7;
	snprintf(m->type, sizeof m->type, "notification");
	snprintf(m->priority, sizeof m->priority, "flash");
	snprintf(m->subject, sizeof m->subject, "grid");
	stamp_format(stamp_now_ms(), m->created_at);
	assert_int_equal(buf_adds(&m->body, body), ST_OK);
}

static void
test_message_round_trip(void **state)
{
	struct message m, got;
	struct buf j;

	(void)state;
	fill(&m, ident_kid(bravo), "body text");
	buf_init(&j, 1 << 16);
	assert_int_equal(envelope_message_seal(alpha, &m, &j), ST_OK);
	assert_string_equal(m.from, ident_kid(alpha));
	envelope_message_init(&got, 64);
	assert_int_equal(envelope_message_open(j.p, j.len, ident_pk(alpha), ident_kid(bravo),
	    &got), ST_OK);
	assert_string_equal(got.id, m.id);
	assert_int_equal(got.seq, 7);
	assert_string_equal(got.subject, "grid");
	assert_string_equal(buf_str(&got.body), "body text");
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&j);
}

static void
test_message_refusals(void **state)
{
	struct message m, got;
	struct buf j;

	(void)state;
	fill(&m, ident_kid(bravo), "x");
	buf_init(&j, 1 << 16);
	assert_int_equal(envelope_message_seal(alpha, &m, &j), ST_OK);
	envelope_message_init(&got, 64);
	/* opened with another sender's pinned key */
	assert_int_not_equal(envelope_message_open(j.p, j.len, ident_pk(charlie), ident_kid(bravo),
	    &got), ST_OK);
	/* delivered to the wrong node */
	assert_int_equal(envelope_message_open(j.p, j.len, ident_pk(alpha), ident_kid(charlie),
	    &got), ST_RECIPIENT);
	/* truncated anywhere */
	for (size_t n = 0; n < j.len; n += 7)
		assert_int_not_equal(envelope_message_open(j.p, n, ident_pk(alpha),
		    ident_kid(bravo), &got), ST_OK);
	/* forged: last signature character changed */
	j.p[j.len - 2] = j.p[j.len - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(envelope_message_open(j.p, j.len, ident_pk(alpha), ident_kid(bravo),
	    &got), ST_BADSIG);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&j);
}

static void
test_impersonation(void **state)
{
	struct message m, got;
	struct buf j;

	(void)state;
	/* charlie signs a message that claims alpha sent it */
	fill(&m, ident_kid(bravo), "x");
	buf_init(&j, 1 << 16);
	assert_int_equal(envelope_message_seal(charlie, &m, &j), ST_OK);
	envelope_message_init(&got, 64);
	assert_int_not_equal(envelope_message_open(j.p, j.len, ident_pk(alpha), ident_kid(bravo),
	    &got), ST_OK);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&j);
}

static void
test_body_too_big_keeps_fields(void **state)
{
	struct message m, got;
	struct buf j;

	(void)state;
	fill(&m, ident_kid(bravo), "0123456789012345678901234567890123456789");
	buf_init(&j, 1 << 16);
	assert_int_equal(envelope_message_seal(alpha, &m, &j), ST_OK);
	envelope_message_init(&got, 16);
	assert_int_equal(envelope_message_open(j.p, j.len, ident_pk(alpha), ident_kid(bravo),
	    &got), ST_TOOBIG);
	/* the receiver can still refuse that sequence number for good */
	assert_int_equal(got.seq, 7);
	assert_string_equal(got.link, "urgent");
	assert_string_equal(got.id, m.id);
	envelope_message_clear(&got);
	envelope_message_clear(&m);
	buf_free(&j);
}

static void
test_seal_refuses_bad_fields(void **state)
{
	static const struct {
		const char *name, *link, *prio, *type;
		int64_t seq;
	} cases[] = {
		{ "unknown link", "fax", "flash", "t", 1 },
		{ "unknown priority", "urgent", "asap", "t", 1 },
		{ "type with space", "urgent", "flash", "a b", 1 },
		{ "seq zero", "urgent", "flash", "t", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct message m;
		struct buf j;

		print_message("%s\n", cases[i].name);
		fill(&m, ident_kid(bravo), "x");
		snprintf(m.link, sizeof m.link, "%s", cases[i].link);
		snprintf(m.priority, sizeof m.priority, "%s", cases[i].prio);
		snprintf(m.type, sizeof m.type, "%s", cases[i].type);
		m.seq = cases[i].seq;
		buf_init(&j, 1 << 16);
		assert_int_equal(envelope_message_seal(alpha, &m, &j), ST_INVALID);
		assert_int_equal(j.len, 0);
		envelope_message_clear(&m);
		buf_free(&j);
	}
}

static void
test_receipt(void **state)
{
	struct receipt r, got;
	struct message m;
	struct buf j;

	(void)state;
	memset(&r, 0, sizeof r);
	stamp_uuid7(r.id);
	stamp_uuid7(r.msg);
	envelope_hash("abc", 3, r.msg_sha256);
	assert_string_equal(r.msg_sha256,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snprintf(r.to, sizeof r.to, "%s", ident_kid(alpha));
	snprintf(r.link, sizeof r.link, "cert");
	r.seq = 3;
	stamp_format(stamp_now_ms(), r.received_at);
	buf_init(&j, 1 << 16);
	assert_int_equal(envelope_receipt_seal(bravo, &r, &j), ST_OK);
	assert_int_equal(envelope_receipt_open(j.p, j.len, ident_pk(bravo), ident_kid(alpha), &got),
	    ST_OK);
	assert_string_equal(got.msg, r.msg);
	assert_string_equal(got.msg_sha256, r.msg_sha256);
	assert_int_equal(got.seq, 3);
	/* a receipt by another key, or for another sender */
	assert_int_not_equal(envelope_receipt_open(j.p, j.len, ident_pk(charlie), ident_kid(alpha),
	    &got), ST_OK);
	assert_int_equal(envelope_receipt_open(j.p, j.len, ident_pk(bravo), ident_kid(charlie),
	    &got), ST_RECIPIENT);
	/* a receipt is not a message (typ) */
	envelope_message_init(&m, 64);
	assert_int_equal(envelope_message_open(j.p, j.len, ident_pk(bravo), ident_kid(alpha), &m),
	    ST_INVALID);
	envelope_message_clear(&m);
	buf_free(&j);
}

static int
setup(void **state)
{
	(void)state;
	alpha = testkey();
	bravo = testkey();
	charlie = testkey();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alpha);
	ident_free(bravo);
	ident_free(charlie);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_round_trip),
		cmocka_unit_test(test_message_refusals),
		cmocka_unit_test(test_impersonation),
		cmocka_unit_test(test_body_too_big_keeps_fields),
		cmocka_unit_test(test_seal_refuses_bad_fields),
		cmocka_unit_test(test_receipt),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
