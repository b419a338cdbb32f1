/* answer.h - the answer to a batch of messages (POST /v1/messages):
 *   {"results":[RESULT,...]}
 * one RESULT per message the receiver took, in the batch's order:
 *   {"seq":N,"id":ID,"expected":N,"receipt":JWS,"status":CODE,"reason":TEXT}
 * each member only when it applies (link_in.c writes it, link_out.c reads
 * it with answer_read).
 */
#ifndef PARLEY_ANSWER_H
#define PARLEY_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/tmpl.h"
#include "util/status.h"

/* One result as read, NOT checked: the receipt is the peer's word until
 * envelope_receipt_open verifies it. */
struct answer_result {
	int64_t seq;		/* 0: absent, or not an integer */
	int64_t expected;	/* likewise */
	int64_t status;		/* the HTTP code; likewise */
	const char *receipt;	/* NUL-terminated, no NUL inside; NULL: absent or not a string */
	size_t receipt_len;
	const char *reason;	/* likewise */
};

struct answer;

/* answer_read - the results of the answer body[0..len), read as how says
 * (fmt/tmpl.h: the template reader when the answer is exactly as link_in
 * writes it, else jansson); *out owns them and what they point to
 * (answer_free).  ST_PARSE: not a JSON object with a "results" array;
 * ST_NOMEM. */
status answer_read(const char *body, size_t len, enum tmpl_how how,
    struct answer **out) WUR;
/* answer_count - how many results a holds. */
size_t answer_count(const struct answer *a);
/* answer_at - result i (< answer_count), owned by a. */
const struct answer_result *answer_at(const struct answer *a, size_t i);
/* answer_free - release a and its results; NULL is a no-op. */
void answer_free(struct answer *a);

#endif
