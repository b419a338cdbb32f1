/* words.c - the duty console's words (words.h). */
#include <string.h>

#include "console/words.h"

/* The words every page may show: the priorities and the desk's states. */
static const struct words common[] = {
	{ { "flash", "flash" } },
	{ { "immediate", "immédiat" } },
	{ { "priority", "prioritaire" } },
	{ { "routine", "routine" } },
	{ { "queued", "en file" } },
	{ { "delivered", "remis" } },
	{ { "acknowledged", "réception accusée" } },
	{ { "answered", "répondu" } },
	{ { "overdue-ack", "accusé en retard" } },
	{ { "overdue-reply", "réponse en retard" } },
	{ { "closed", "clos" } },
};

static const struct words *
find(const struct words *w, size_t n, const char *en)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].t[TEMPLATE_EN] == en || strcmp(w[i].t[TEMPLATE_EN], en) == 0)
			return &w[i];
	return NULL;
}

const char *
words_in(const struct words *w, size_t n, enum template_lang l, const char *en)
{
	const struct words *row;

	if (l <= TEMPLATE_EN || l >= TEMPLATE_LANGS)
		return en;
	if (!(row = find(w, n, en)))
		row = find(common, sizeof common / sizeof common[0], en);
	return row && row->t[l] ? row->t[l] : en;
}

int
words_lang_ok(enum template_lang l)
{
	return l == TEMPLATE_EN || l == TEMPLATE_FR;
}
