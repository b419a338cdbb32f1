/* test_note.c - signed notes, verifier keys and cosignatures (note.c).
 *
 * Known answers: the PeterNeumann key and note of golang.org/x/mod
 * sumdb/note note_test.go (Ed25519 is deterministic, so signing the same
 * text with the same key must give the published bytes), and the
 * example.com/foo note of c2sp.org/signed-note.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sodium.h>

#include "b64.h"
#include "note.h"
#include "testkeys.h"

#define EM "\xe2\x80\x94"

static const char peter_vkey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char peter_skey_b64[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char peter_text[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char peter_note[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    EM " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_vkey[] =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char enoch_line[] =
    EM " EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
static const char foo_vkey[] =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char foo_note[] =
    "This is an example message.\n\n"
    EM " example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
/* a type 0x04 key of transparency-dev/formats note/note_cosigv1_test.go */
static const char cosig_vkey[] =
    "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got), status_str(want));
}

static struct note_key
vkey(const char *s)
{
	struct note_key k;

	assert_int_equal(note_vkey_parse(s, strlen(s), &k), ST_OK);
	return k;
}

/* ident_from_seed - an ident for a known seed, through a PKCS#8 PEM file. */
static struct ident *
ident_from_seed(const uint8_t seed[32])
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	uint8_t der[48];
	struct buf pem;
	struct ident *id = NULL;
	char path[128];
	FILE *f;

	memcpy(der, prefix, 16);
	memcpy(der + 16, seed, 32);
	buf_init(&pem, 256);
	assert_int_equal(buf_adds(&pem, "-----BEGIN PRIVATE KEY-----\n"), ST_OK);
	assert_int_equal(b64_std_encode(&pem, der, sizeof der), ST_OK);
	assert_int_equal(buf_adds(&pem, "\n-----END PRIVATE KEY-----\n"), ST_OK);
	if (!testkeys_dir[0])
		ident_free(testkey());	/* makes the temp dir */
	snprintf(path, sizeof path, "%s/seed.pem", testkeys_dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(buf_str(&pem), f);
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(ident_load(path, &id), ST_OK);
	unlink(path);
	buf_free(&pem);
	return id;
}

static void
test_known_answers(void **state)
{
	struct note_key keys[2];
	struct note_check chk;
	struct buf out;
	uint8_t raw[33];
	size_t len;
	struct ident *id;

	(void)state;
	keys[0] = vkey(peter_vkey);
	assert_string_equal(keys[0].name, "PeterNeumann");
	assert_int_equal(keys[0].id, 0xc74f20a3);
	assert_int_equal(keys[0].type, NOTE_ED25519);
	assert_int_equal(note_verify(peter_note, strlen(peter_note), keys, 1, &chk), ST_OK);
	assert_int_equal(chk.text_len, strlen(peter_text));
	assert_int_equal(chk.verified, 1);
	/* the vkey prints back byte for byte */
	buf_init(&out, 4096);
	assert_int_equal(note_vkey(&keys[0], &out), ST_OK);
	assert_string_equal(buf_str(&out), peter_vkey);
	/* signing the text with the published private key gives the published note */
	assert_int_equal(b64_std_decode(peter_skey_b64, strlen(peter_skey_b64), raw,
	    sizeof raw, &len), ST_OK);
	assert_int_equal(len, 33);
	id = ident_from_seed(raw + 1);
	assert_memory_equal(ident_pk(id), keys[0].pk, 32);
	buf_reset(&out);
	assert_int_equal(note_sign(id, "PeterNeumann", peter_text, strlen(peter_text), &out),
	    ST_OK);
	assert_string_equal(buf_str(&out), peter_note);
	ident_free(id);
	/* two signers; either key alone verifies; both together set both bits */
	buf_reset(&out);
	assert_int_equal(buf_adds(&out, peter_note), ST_OK);
	assert_int_equal(buf_adds(&out, enoch_line), ST_OK);
	keys[1] = vkey(enoch_vkey);
	assert_int_equal(note_verify(out.p, out.len, keys, 2, &chk), ST_OK);
	assert_int_equal(chk.verified, 3);
	assert_int_equal(note_verify(out.p, out.len, &keys[1], 1, &chk), ST_OK);
	/* the signed-note spec's example */
	keys[0] = vkey(foo_vkey);
	assert_int_equal(note_verify(foo_note, strlen(foo_note), keys, 1, &chk), ST_OK);
	/* a type 0x04 verifier key of another implementation */
	keys[0] = vkey(cosig_vkey);
	assert_int_equal(keys[0].type, NOTE_COSIG);
	assert_int_equal(keys[0].id, 0xda77ade7);
	buf_free(&out);
}

static void
test_negative(void **state)
{
	struct note_key k = vkey(peter_vkey), wrong = vkey(enoch_vkey), same_name;
	struct note_check chk;
	char bad[sizeof peter_note + 64];
	size_t n = strlen(peter_note), sig = n - 3;

	(void)state;
	check_rc("unknown key only", note_verify(peter_note, n, &wrong, 1, &chk),
	    ST_UNKNOWN_KEY);
	/* a key with the same name but another ID is another key */
	same_name = wrong;
	strcpy(same_name.name, "PeterNeumann");
	check_rc("same name, other id", note_verify(peter_note, n, &same_name, 1, &chk),
	    ST_UNKNOWN_KEY);
	/* a known key whose signature fails: the whole note is refused */
	memcpy(bad, peter_note, n + 1);
	bad[10] ^= 0x20;
	check_rc("text altered", note_verify(bad, n, &k, 1, &chk), ST_BADSIG);
	memcpy(bad, peter_note, n + 1);
	bad[sig - 10] = bad[sig - 10] == 'A' ? 'B' : 'A';
	check_rc("signature altered", note_verify(bad, n, &k, 1, &chk), ST_BADSIG);
	/* structure */
	snprintf(bad, sizeof bad, "%s", peter_note);
	bad[n - 1] = '\0';
	check_rc("missing final newline", note_verify(bad, n - 1, &k, 1, &chk), ST_PARSE);
	snprintf(bad, sizeof bad, "%s\n", peter_note);
	check_rc("extra final newline", note_verify(bad, n + 1, &k, 1, &chk), ST_PARSE);
	check_rc("no blank line", note_verify(peter_note, strlen(peter_text), &k, 1, &chk),
	    ST_PARSE);
	snprintf(bad, sizeof bad, "%.*s%s", (int)strlen(peter_text) - 1, peter_note,
	    peter_note + strlen(peter_text));
	check_rc("text without its newline", note_verify(bad, strlen(bad), &k, 1, &chk),
	    ST_PARSE);
	snprintf(bad, sizeof bad, "%s", peter_note);
	memcpy(strstr(bad, "JnAM="), "JnAN=", 5);	/* non-zero trailing bits */
	check_rc("non-canonical base64", note_verify(bad, n, &k, 1, &chk), ST_PARSE);
	snprintf(bad, sizeof bad, "%s", peter_note);
	bad[3] = '\t';
	check_rc("control character", note_verify(bad, n, &k, 1, &chk), ST_PARSE);
	snprintf(bad, sizeof bad, "%s", peter_note);
	bad[3] = (char)0xc3;
	check_rc("invalid UTF-8", note_verify(bad, n, &k, 1, &chk), ST_PARSE);
	snprintf(bad, sizeof bad, "%s", peter_note);
	memcpy(strstr(bad, EM), "--- ", 4);
	check_rc("no em dash", note_verify(bad, strlen(bad), &k, 1, &chk), ST_PARSE);
	/* every truncation is refused, never a crash */
	for (size_t i = 0; i < n; i++)
		if (note_verify(peter_note, i, &k, 1, &chk) == ST_OK)
			fail_msg("truncated to %zu bytes still verifies", i);
	/* bad names and keys */
	assert_false(note_name_ok("a+b", 3));
	assert_false(note_name_ok("a b", 3));
	assert_false(note_name_ok("", 0));
	{
		static const char v[] =
		    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

		check_rc("vkey with wrong id", note_vkey_parse(v, strlen(v), &k), ST_INVALID);
	}
	{
		uint8_t raw[33] = { 0x02 };
		struct buf v;

		buf_init(&v, 256);
		assert_int_equal(buf_adds(&v, "PeterNeumann+c74f20a3+"), ST_OK);
		assert_int_equal(b64_std_encode(&v, raw, sizeof raw), ST_OK);
		check_rc("vkey of unsupported type", note_vkey_parse(v.p, v.len, &k), ST_INVALID);
		buf_free(&v);
	}
	check_rc("vkey without key", note_vkey_parse("PeterNeumann+c74f20a3", 21, &k), ST_PARSE);
}

static void
test_sign_and_cosign(void **state)
{
	struct ident *a = testkey(), *b = testkey();
	struct note_key keys[2];
	struct note_check chk;
	struct buf note, line;
	char many[NOTE_MAX + 1024];
	static const char text[] = "parley/alpha/kid\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

	(void)state;
	buf_init(&note, NOTE_MAX * 2);
	buf_init(&line, 1024);
	assert_int_equal(note_key_init(&keys[0], "parley/alpha/kid", NOTE_ED25519, ident_pk(a)),
	    ST_OK);
	assert_int_equal(note_key_init(&keys[1], "parley/bravo/kid", NOTE_COSIG, ident_pk(b)),
	    ST_OK);
	assert_int_equal(note_sign(a, "parley/alpha/kid", text, strlen(text), &note), ST_OK);
	assert_int_equal(note_cosign(b, "parley/bravo/kid", text, strlen(text), 1700000123,
	    &line), ST_OK);
	assert_int_equal(buf_add(&note, line.p, line.len), ST_OK);
	assert_int_equal(note_verify(note.p, note.len, keys, 2, &chk), ST_OK);
	assert_int_equal(chk.verified, 3);
	assert_int_equal(chk.time[1], 1700000123);
	/* the cosigner key as a 0x01 key, or the signer as a 0x04 key: unknown */
	assert_int_equal(note_key_init(&keys[1], "parley/bravo/kid", NOTE_ED25519, ident_pk(b)),
	    ST_OK);
	assert_int_equal(note_verify(note.p, note.len, &keys[1], 1, &chk), ST_UNKNOWN_KEY);
	/* a cosignature over another time does not verify */
	{
		char *p = strstr(note.p, "parley/bravo/kid ") + 17 + 8;	/* inside the time */
		*p = *p == 'A' ? 'B' : 'A';
		assert_int_equal(note_key_init(&keys[1], "parley/bravo/kid", NOTE_COSIG,
		    ident_pk(b)), ST_OK);
		assert_int_equal(note_verify(note.p, note.len, keys, 2, &chk), ST_BADSIG);
	}
	/* texts we refuse to sign */
	check_rc("no final newline", note_sign(a, "n", "abc", 3, &note), ST_INVALID);
	check_rc("name with space", note_sign(a, "a b", "abc\n", 4, &note), ST_INVALID);
	check_rc("time >= 2^63", note_cosign(b, "n", "abc\n", 4, UINT64_C(1) << 63, &line),
	    ST_INVALID);
	/* too many signature lines, too many bytes */
	buf_reset(&note);
	assert_int_equal(note_sign(a, "parley/alpha/kid", text, strlen(text), &note), ST_OK);
	for (int i = 0; i < NOTE_SIGS_MAX; i++)
		assert_int_equal(buf_add(&note, line.p, line.len), ST_OK);
	check_rc("33 signatures", note_verify(note.p, note.len, keys, 1, &chk), ST_PARSE);
	memset(many, 'a', sizeof many);
	many[sizeof many - 1] = '\n';
	check_rc("over NOTE_MAX", note_verify(many, sizeof many, keys, 1, &chk), ST_TOOBIG);
	buf_free(&note);
	buf_free(&line);
	ident_free(a);
	ident_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_sign_and_cosign),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testkeys_done();
	return rc;
}
