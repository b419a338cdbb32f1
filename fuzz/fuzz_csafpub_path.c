/* fuzz_csafpub_path.c - what the CSAF provider reads from a request and a
 * user's labels, on any input: csafpub_path_parse (the path after
 * /.well-known/csaf/), csafpub_tlp_list, and csaf_filename's names.  No crash;
 * a path read names a label's folder, a year of four digits and, for a
 * document, a file name csaf_filename could have made, which parses
 * back to itself; a file name made is one csafpub_path_parse takes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csafpub/csafpub_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), name[CSAFPUB_FILE_MAX], again[CSAFPUB_FILE_MAX + 32];
	struct csafpub_path cp, cq;
	unsigned mask;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (csafpub_path_parse(text, &cp) == ST_OK) {
		if (cp.tlp >= CSAFPUB_NTLP && cp.kind != CSAFPUB_TOP)
			abort();
		if (cp.kind >= CSAFPUB_DOC) {
			if (cp.year < 1000 || cp.year > 9999 || strstr(cp.doc, "..") ||
			    csafpub_path_parse(cp.doc, &cq) != ST_OK || cq.kind != CSAFPUB_DOC ||
			    strcmp(cq.doc, cp.doc) != 0)
				abort();
		}
	}
	if (csafpub_tlp_list(text, &mask) == ST_OK &&
	    (mask == 0 || (mask & 1u) || mask >= (1u << CSAFPUB_NTLP)))
		abort();
	if (csaf_filename(text, name) == ST_OK) {
		snprintf(again, sizeof again, "white/2024/%s", name);
		if (csafpub_path_parse(again, &cq) != ST_OK || cq.kind != CSAFPUB_DOC)
			abort();
	}
	free(text);
	return 0;
}
