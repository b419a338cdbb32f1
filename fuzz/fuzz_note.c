/* fuzz_note.c - signed notes and verifier keys as witnesses and `parley
 * evidence verify` read them: note_split, note_verify with the fuzz key as a
 * type 0x01 and a type 0x04 key (both named "fuzz"; seeds signed with it
 * reach the signature checks), and note_vkey_parse.  Besides memory safety
 * it checks that verify agrees with split, that a failed verify reports
 * nothing, and that a verifier key that parses prints back to itself. */
#include "fuzz_common.h"
#include "fmt/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sig_line - each line note_sig_each hands over is a whole signature line. */
static int
sig_line(void *arg, const char *line, size_t len)
{
	size_t *n = arg;

	if (len < 6 || memcmp(line, "\xe2\x80\x94 ", 4) != 0 || line[len - 1] != '\n' ||
	    ++*n > NOTE_SIGS_MAX)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct note_key keys[2];
	const char *s = (const char *)data;
	struct note_check chk;
	struct note_key k;
	size_t text_len, lines = 0;
	status split;

	fuzz_init();
	if (!keys[0].id && (note_key_init(&keys[0], "fuzz", NOTE_ED25519, fuzz_pk) ||
	    note_key_init(&keys[1], "fuzz", NOTE_COSIG, fuzz_pk)))
		abort();
	split = note_split(s, size, &text_len);
	if (split == ST_OK) {
		if (text_len == 0 || text_len + 1 >= size || s[text_len - 1] != '\n' ||
		    s[text_len] != '\n')
			abort();
		note_sig_each(s, size, text_len, sig_line, &lines);
		if (lines == 0)
			abort();
	}
	if (note_verify(s, size, keys, 2, &chk) == ST_OK) {
		if (split != ST_OK || chk.text_len != text_len || !chk.verified || chk.verified > 3 ||
		    (chk.verified & 1 ? chk.time[0] : 0) || chk.time[1] >> 63 ||
		    (!(chk.verified & 2) && chk.time[1]))
			abort();
	} else if (chk.verified || chk.text_len || chk.time[0] || chk.time[1]) {
		abort();
	}
	if (note_vkey_parse(s, size, &k) == ST_OK) {
		struct buf out;

		buf_init(&out, 1024);
		if (note_vkey(&k, &out) != ST_OK || out.len != size || memcmp(out.p, s, size) != 0)
			abort();
		buf_free(&out);
	}
	return 0;
}
