/* fuzz_note.c - signed notes and verifier keys as witnesses and
 * `parley evidence verify` read them. */
#include "fuzz_common.h"
#include "note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct note_key keys[2];
	struct note_check chk;
	struct note_key k;
	size_t text_len;

	fuzz_init();
	if (!keys[0].id && (note_key_init(&keys[0], "fuzz", NOTE_ED25519, fuzz_pk) ||
	    note_key_init(&keys[1], "fuzz", NOTE_COSIG, fuzz_pk)))
		abort();
	if (note_verify((const char *)data, size, keys, 2, &chk) == ST_OK &&
	    (chk.text_len >= size || !chk.verified))
		abort();
	if (note_split((const char *)data, size, &text_len) == ST_OK && text_len >= size)
		abort();
	(void)note_vkey_parse((const char *)data, size, &k);
	return 0;
}
