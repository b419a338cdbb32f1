/* words.h - the duty console's words in the officer's language.
 *
 * Each page keeps a table of its own: a row is one phrase, its English
 * first and then its translations in template_lang order (a missing one,
 * NULL, is said in English).  Template labels are the templates' own
 * (fmt/template.h); these are the words around them.
 */
#ifndef PARLEY_WORDS_H
#define PARLEY_WORDS_H

#include <stddef.h>

#include "fmt/template.h"

struct words {
	const char *t[TEMPLATE_LANGS];	/* t[TEMPLATE_EN] is the key */
};

/* words_in - en in language l from the n rows of w, or else from the
 * words every page shares (the priorities, the desk's states): the row
 * whose English is en (the same text, not only the same pointer), its l
 * text, or en itself when there is none. */
const char *words_in(const struct words *w, size_t n, enum template_lang l, const char *en);

/* W - en in language l, from the table tab (an array) of the file. */
#define W(tab, l, en) words_in((tab), sizeof(tab) / sizeof((tab)[0]), (l), (en))

/* words_lang_ok - 1 when the console has its pages' words in l (English,
 * French); an officer can choose only these. */
int words_lang_ok(enum template_lang l);

#endif
