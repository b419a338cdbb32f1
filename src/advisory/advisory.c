/* advisory.c - the advisory service (advisory.h).  Being built (issue 17). */
#include <stdlib.h>

#include "advisory/advisory.h"

struct advisory {
	struct node *n;
	struct peers *ps;
	struct link_engine *e;
};

status
advisory_new(struct node *n, struct peers *ps, struct link_engine *e, struct advisory **out)
{
	struct advisory *a = calloc(1, sizeof *a);

	*out = NULL;
	if (!a)
		return ST_NOMEM;
	a->n = n;
	a->ps = ps;
	a->e = e;
	*out = a;
	return ST_OK;
}

void
advisory_free(struct advisory *a)
{
	free(a);
}

json_t *
advisory_api(struct advisory *a, const json_t *req)
{
	(void)a, (void)req;
	return json_pack("{s:b, s:s}", "ok", 0, "error", "not built yet");
}

int
advisory_onward_ok(struct advisory *a, int64_t origin, const char *tlp, char why[static 256])
{
	(void)a, (void)tlp;
	why[0] = '\0';
	return origin == 0;
}
