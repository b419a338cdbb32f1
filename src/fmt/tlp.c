/* tlp.c - TLP 2.0 labels.
 *
 * SECURITY: a label decides how far information may go; parse it exactly
 * (no case folding, no trimming), so that two nodes never read one label
 * two ways.
 */
#include <string.h>

#include "fmt/tlp.h"

static const char *const names[TLP__COUNT] = {
	[TLP_CLEAR] = "TLP:CLEAR",
	[TLP_GREEN] = "TLP:GREEN",
	[TLP_AMBER] = "TLP:AMBER",
	[TLP_AMBER_STRICT] = "TLP:AMBER+STRICT",
	[TLP_RED] = "TLP:RED",
};

status
tlp_parse(const char *s, enum tlp *out)
{
	for (int t = 0; t < TLP__COUNT; t++)
		if (strcmp(s, names[t]) == 0) {
			*out = (enum tlp)t;
			return ST_OK;
		}
	return ST_PARSE;
}

const char *
tlp_name(enum tlp t)
{
	return (unsigned)t < TLP__COUNT ? names[t] : "?";
}
