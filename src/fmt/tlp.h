/* tlp.h - Traffic Light Protocol 2.0 labels (FIRST, 2022).
 *
 * A label is written exactly as TLP 2.0 writes it, in capitals:
 * TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED.  The enum is
 * ordered from the least to the most restricted, so "at most max" is
 * `t <= max`.  TLP 1.0's TLP:WHITE is not a TLP 2.0 label and is refused.
 */
#ifndef PARLEY_TLP_H
#define PARLEY_TLP_H

#include "util/status.h"

enum tlp {
	TLP_CLEAR = 0,
	TLP_GREEN,
	TLP_AMBER,
	TLP_AMBER_STRICT,
	TLP_RED,
	TLP__COUNT
};

#define TLP_NAME_MAX 17	/* "TLP:AMBER+STRICT" + NUL */

/* tlp_parse - the label s names, exactly as TLP 2.0 writes it, into *out.
 * ST_PARSE (*out untouched) for anything else: other case, spaces, TLP 1.0
 * labels.  s is NUL-terminated. */
status tlp_parse(const char *s, enum tlp *out) WUR;
/* tlp_name - the label's text ("TLP:AMBER+STRICT"); "?" for a value out of
 * range.  Static storage. */
const char *tlp_name(enum tlp t);

#endif
