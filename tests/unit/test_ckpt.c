/* test_ckpt.c - checkpoint, tlog-proof and add-checkpoint texts (ckpt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ckpt.h"

#define ROOT "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
#define H1 "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw="
#define NOTE "example.com/behind-the-sofa\n20852163\n" ROOT "\n\n\xe2\x80\x94 x AAAAAQ==\n"

static void
check(const char *what, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", what, status_str(got), status_str(want));
}

static status
parse(const char *text)
{
	struct ckpt c;

	return ckpt_parse(text, strlen(text), &c);
}

static void
test_checkpoint(void **state)
{
	struct ckpt c, d;
	struct buf b;
	static const char spec[] = "example.com/behind-the-sofa\n20852163\n" ROOT "\n";

	(void)state;
	/* the tlog-checkpoint spec's example */
	assert_int_equal(ckpt_parse(spec, strlen(spec), &c), ST_OK);
	assert_string_equal(c.origin, "example.com/behind-the-sofa");
	assert_int_equal(c.size, 20852163);
	buf_init(&b, 1024);
	assert_int_equal(ckpt_format(&c, &b), ST_OK);
	assert_string_equal(buf_str(&b), spec);
	assert_int_equal(ckpt_parse(b.p, b.len, &d), ST_OK);
	assert_memory_equal(&c, &d, sizeof c);
	buf_free(&b);
	check("extension line", parse("o\n0\n" ROOT "\next\n"), ST_OK);
	check("size 0", parse("o\n0\n" ROOT "\n"), ST_OK);
	check("leading zero", parse("o\n007\n" ROOT "\n"), ST_PARSE);
	check("size 00", parse("o\n00\n" ROOT "\n"), ST_PARSE);
	check("negative", parse("o\n-1\n" ROOT "\n"), ST_PARSE);
	check("over 2^64", parse("o\n18446744073709551616\n" ROOT "\n"), ST_PARSE);
	check("2^64-1", parse("o\n18446744073709551615\n" ROOT "\n"), ST_OK);
	check("31-byte hash", parse("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n"), ST_PARSE);
	check("33-byte hash", parse("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n"), ST_PARSE);
	check("non-canonical base64", parse("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n"),
	    ST_PARSE);
	check("missing newline", parse("o\n1\n" ROOT), ST_PARSE);
	check("empty extension line", parse("o\n1\n" ROOT "\n\n"), ST_PARSE);
	check("empty origin", parse("\n1\n" ROOT "\n"), ST_PARSE);
	check("origin with space", parse("a b\n1\n" ROOT "\n"), ST_PARSE);
	check("two lines", parse("o\n1\n"), ST_PARSE);
}

static void
test_proof(void **state)
{
	uint8_t h[2][TLOG_HASH];
	struct ckpt_proof p;
	struct buf b;
	static const char extra[] = CKPT_PROOF_HEADER "\nextra YWJj\nindex 5\n" H1 "\n\n" NOTE;

	(void)state;
	memset(h[0], 1, TLOG_HASH);
	memset(h[1], 2, TLOG_HASH);
	buf_init(&b, 4096);
	assert_int_equal(ckpt_proof_format(73894, (const uint8_t (*)[TLOG_HASH])h, 2, NOTE,
	    strlen(NOTE), &b), ST_OK);
	assert_int_equal(ckpt_proof_parse(b.p, b.len, &p), ST_OK);
	assert_int_equal(p.index, 73894);
	assert_int_equal(p.n_hashes, 2);
	assert_memory_equal(p.hashes, h, sizeof h);
	assert_int_equal(p.note_len, strlen(NOTE));
	assert_memory_equal(p.note, NOTE, p.note_len);
	assert_true(strncmp(b.p, CKPT_PROOF_HEADER "\nindex 73894\n", 35) == 0);
	assert_int_equal(ckpt_proof_parse(extra, strlen(extra), &p), ST_OK);
	assert_int_equal(p.index, 5);
	assert_int_equal(p.n_hashes, 1);
	check("index 01", ckpt_proof_parse(CKPT_PROOF_HEADER "\nindex 01\n\n" NOTE, 40, &p),
	    ST_PARSE);
	check("wrong header", ckpt_proof_parse("c2sp.org/tlog-proof@v2\nindex 1\n\n" NOTE,
	    strlen("c2sp.org/tlog-proof@v2\nindex 1\n\n" NOTE), &p), ST_PARSE);
	check("no checkpoint", ckpt_proof_parse(CKPT_PROOF_HEADER "\nindex 1\n\n",
	    strlen(CKPT_PROOF_HEADER "\nindex 1\n\n"), &p), ST_PARSE);
	for (size_t i = 0; i < b.len - strlen(NOTE); i++)
		if (ckpt_proof_parse(b.p, i, &p) == ST_OK)
			fail_msg("proof truncated to %zu bytes parses", i);
	buf_free(&b);
}

static void
test_witness(void **state)
{
	static uint8_t h[64][TLOG_HASH];
	struct ckpt_witness_req r;
	struct buf b;
	uint64_t size;
	static const char spec[] = "old 20852014\n" H1 "\n" H1 "\n\n" NOTE;

	(void)state;
	assert_int_equal(ckpt_witness_req_parse(spec, strlen(spec), &r), ST_OK);
	assert_int_equal(r.old, 20852014);
	assert_int_equal(r.n_hashes, 2);
	assert_int_equal(r.note_len, strlen(NOTE));
	buf_init(&b, 1u << 16);
	check("64 proof lines", ckpt_witness_req_format(0, (const uint8_t (*)[TLOG_HASH])h, 64,
	    NOTE, strlen(NOTE), &b), ST_INVALID);
	assert_int_equal(ckpt_witness_req_format(7, (const uint8_t (*)[TLOG_HASH])h, 63, NOTE,
	    strlen(NOTE), &b), ST_OK);
	assert_int_equal(ckpt_witness_req_parse(b.p, b.len, &r), ST_OK);
	assert_int_equal(r.n_hashes, 63);
	/* one more hash line than tlog-witness allows */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "old 7\n"), ST_OK);
	for (int i = 0; i < 64; i++)
		assert_int_equal(buf_adds(&b, H1 "\n"), ST_OK);
	assert_int_equal(buf_adds(&b, "\n" NOTE), ST_OK);
	check("64 lines parsed", ckpt_witness_req_parse(b.p, b.len, &r), ST_PARSE);
	check("old 01", ckpt_witness_req_parse("old 01\n\n" NOTE, strlen("old 01\n\n" NOTE), &r),
	    ST_PARSE);
	check("no old line", ckpt_witness_req_parse("\n" NOTE, strlen("\n" NOTE), &r), ST_PARSE);
	assert_int_equal(ckpt_size_parse("42\n", 3, &size), ST_OK);
	assert_int_equal(size, 42);
	check("size without newline", ckpt_size_parse("42", 2, &size), ST_PARSE);
	check("size 042", ckpt_size_parse("042\n", 4, &size), ST_PARSE);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_proof),
		cmocka_unit_test(test_witness),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
