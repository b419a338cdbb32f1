/* fuzz_api_tmpl.c - the template reader of local API requests (api.c)
 * against jansson.  Wherever the template reader takes a line, jansson must
 * give the same status, the same refusal and the same fields; where it
 * does not, the daemon's reader (TMPL_ANY) must answer as jansson. */
#include "api/api.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* same - a and b say the same (status rc, refusals wa and wb). */
static int
same(const struct api_request *a, const char *wa, const struct api_request *b,
    const char *wb)
{
	return same_str(wa, wb) && a->op == b->op && a->wait_ms == b->wait_ms &&
	    same_str(a->id, b->id) && same_str(a->msg.peer, b->msg.peer) &&
	    same_str(a->msg.link, b->msg.link) && same_str(a->msg.type, b->msg.type) &&
	    same_str(a->msg.priority, b->msg.priority) &&
	    same_str(a->msg.subject, b->msg.subject) && a->msg.body_len == b->msg.body_len &&
	    (a->msg.body == b->msg.body || (a->msg.body && b->msg.body &&
	    memcmp(a->msg.body, b->msg.body, a->msg.body_len) == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct api_request fixed, json, any;
	const char *wf, *wj, *wa;
	status f, j, a;

	fuzz_init();
	f = api_request_read(line, size, TMPL_FIXED, &fixed, &wf);
	j = api_request_read(line, size, TMPL_JSON, &json, &wj);
	a = api_request_read(line, size, TMPL_ANY, &any, &wa);
	if (fixed.text) {
		/* the template applied */
		if (f == ST_PARSE || j != f || a != f || !same(&fixed, wf, &json, wj) ||
		    !same(&any, wa, &json, wj))
			abort();
	} else if (f != ST_PARSE || a != j || !same(&any, wa, &json, wj))
		abort();
	api_request_clear(&fixed);
	api_request_clear(&json);
	api_request_clear(&any);
	return 0;
}
