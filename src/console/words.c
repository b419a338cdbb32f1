/* words.c - the duty console's words (words.h). */
#include <string.h>

#include "console/words.h"

const char *
words_in(const struct words *w, size_t n, enum template_lang l, const char *en)
{
	if (l <= TEMPLATE_EN || l >= TEMPLATE_LANGS)
		return en;
	for (size_t i = 0; i < n; i++)
		if (w[i].t[TEMPLATE_EN] == en || strcmp(w[i].t[TEMPLATE_EN], en) == 0)
			return w[i].t[l] ? w[i].t[l] : en;
	return en;
}

int
words_lang_ok(enum template_lang l)
{
	return l == TEMPLATE_EN || l == TEMPLATE_FR;
}
