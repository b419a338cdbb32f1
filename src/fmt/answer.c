/* answer.c - reading the answer to a batch of messages.
 *
 * The sender reads one answer per batch of up to 256 messages, each
 * result carrying a receipt of some 700 bytes: as a jansson tree that was
 * a twentieth of its CPU per message.  So an answer exactly as link_in
 * writes it is read by walking the template (fmt/tmpl.h); any other goes to
 * jansson, which decides, and the results are the same either way
 * (fuzz_answer checks it).
 *
 * SECURITY: the answer comes from the peer and is untrusted; nothing here
 * checks a receipt (link_out verifies each with the peer's pinned key).
 * The template reader keeps its strings in a copy of the body, each ended
 * with a NUL written over its closing quote.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fmt/answer.h"

struct answer {
	json_t *tree;		/* jansson's reading, or NULL */
	char *text;		/* the template reader's copy of the body, or NULL */
	size_t n;
	struct answer_result *r;
};

size_t
answer_count(const struct answer *a)
{
	return a->n;
}

const struct answer_result *
answer_at(const struct answer *a, size_t i)
{
	return &a->r[i];
}

void
answer_free(struct answer *a)
{
	if (!a)
		return;
	json_decref(a->tree);
	free(a->text);
	free(a->r);
	free(a);
}

/* A result's members, in the order link_in writes them; each at most once. */
enum { A_SEQ, A_ID, A_EXPECTED, A_RECEIPT, A_STATUS, A_REASON, A__N };
static const char *const keys[A__N] = {
	"\"seq\":", "\"id\":", "\"expected\":", "\"receipt\":", "\"status\":", "\"reason\":",
};

/* fixed_result - one result at t's cursor into r, its strings ended in
 * place (t reads a copy); 0 when it is not as the template writes it. */
static int
fixed_result(struct tmpl *t, struct answer_result *r)
{
	int k = 0, first = 1;

	if (!tmpl_lit(t, "{"))
		return 0;
	while (!tmpl_lit(t, "}")) {
		const char *s;
		size_t n;
		int64_t v;

		if (!first && !tmpl_lit(t, ","))
			return 0;
		first = 0;
		while (k < A__N && !tmpl_lit(t, keys[k]))
			k++;
		if (k == A__N)
			return 0;	/* another member, or one out of order */
		if (k == A_ID || k == A_RECEIPT || k == A_REASON) {
			if (!tmpl_str(t, &s, &n))
				return 0;
			((char *)s)[n] = '\0';	/* over the closing quote */
			if (k == A_RECEIPT)
				r->receipt = s, r->receipt_len = n;
			else if (k == A_REASON)
				r->reason = s;
		} else {
			if (!tmpl_int(t, &v))
				return 0;
			if (k == A_SEQ)
				r->seq = v;
			else if (k == A_EXPECTED)
				r->expected = v;
			else
				r->status = v;
		}
		k++;
	}
	return 1;
}

/* fixed_read - a's results from body[0..len) by the template; 0 when the
 * answer is not as the template writes it. */
static int
fixed_read(const char *body, size_t len, struct answer *a)
{
	struct tmpl t;
	size_t max = 0;

	for (size_t i = 0; i < len; i++)
		max += body[i] == '{';	/* a result opens with one */
	a->text = malloc(len + 1);
	a->r = calloc(max ? max : 1, sizeof *a->r);
	if (!a->text || !a->r)
		return 0;
	memcpy(a->text, body, len);
	a->text[len] = '\0';
	t = (struct tmpl){ a->text, a->text + len };
	if (!tmpl_lit(&t, "{\"results\":["))
		return 0;
	if (tmpl_lit(&t, "]}"))
		return tmpl_done(&t);
	do {
		if (a->n == max || !fixed_result(&t, &a->r[a->n]))
			return 0;
		a->n++;
	} while (tmpl_lit(&t, ","));
	return tmpl_lit(&t, "]}") && tmpl_done(&t);
}

/* json_read - a's results from body[0..len) by jansson: a member absent or
 * of another type reads as absent. */
static status
json_read(const char *body, size_t len, struct answer *a)
{
	const json_t *results;

	a->tree = json_loadb(body, len, 0, NULL);
	results = json_object_get(a->tree, "results");
	if (!json_is_array(results))
		return ST_PARSE;
	a->n = json_array_size(results);
	a->r = calloc(a->n ? a->n : 1, sizeof *a->r);
	if (!a->r)
		return ST_NOMEM;
	for (size_t i = 0; i < a->n; i++) {
		const json_t *res = json_array_get(results, i), *rc;
		struct answer_result *r = &a->r[i];

		r->seq = json_integer_value(json_object_get(res, "seq"));
		r->expected = json_integer_value(json_object_get(res, "expected"));
		r->status = json_integer_value(json_object_get(res, "status"));
		rc = json_object_get(res, "receipt");
		r->receipt = json_string_value(rc);
		r->receipt_len = r->receipt ? json_string_length(rc) : 0;
		r->reason = json_string_value(json_object_get(res, "reason"));
	}
	return ST_OK;
}

/* clear - a back to empty. */
static void
clear(struct answer *a)
{
	json_decref(a->tree);
	free(a->text);
	free(a->r);
	memset(a, 0, sizeof *a);
}

status
answer_read(const char *body, size_t len, enum tmpl_how how, struct answer **out)
{
	struct answer *a = calloc(1, sizeof *a);
	status rc = ST_OK;

	*out = NULL;
	if (!a)
		return ST_NOMEM;
	if (how == TMPL_JSON || !fixed_read(body, len, a)) {
		clear(a);
		rc = how == TMPL_FIXED ? ST_PARSE : json_read(body, len, a);
	}
	if (rc) {
		answer_free(a);
		return rc;
	}
	*out = a;
	return ST_OK;
}
