/* buf.h - a growable byte buffer with a required maximum (after curl's dynbuf).
 *
 * The struct is visible so a buf can live on the stack; touch it only through
 * these functions.  The contents are always NUL-terminated (not counted in len).
 */
#ifndef PARLEY_BUF_H
#define PARLEY_BUF_H

#include <stddef.h>

#include "util/status.h"

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
};

/* buf_init - empty buffer that will refuse to grow past max bytes. */
void buf_init(struct buf *b, size_t max);
/* buf_free - release storage (wiped first); b can be reused after buf_init. */
void buf_free(struct buf *b);
/* buf_reset - length back to 0, storage kept. */
void buf_reset(struct buf *b);
/* buf_add - append n bytes; ST_TOOBIG past max, ST_NOMEM; b unchanged on error. */
status buf_add(struct buf *b, const void *data, size_t n) WUR;
/* buf_adds - append a NUL-terminated string. */
status buf_adds(struct buf *b, const char *s) WUR;
/* buf_addf - append printf output. */
status buf_addf(struct buf *b, const char *fmt, ...) WUR __attribute__((format(printf, 2, 3)));
/* buf_extend - grow len by n and point *at to the n new (zeroed) bytes. */
status buf_extend(struct buf *b, size_t n, char **at) WUR;
/* buf_truncate - cut len back to n (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* buf_take - hand the storage to the caller (free() it); b is left empty. */
char *buf_take(struct buf *b, size_t *len);
/* buf_str - the contents, NUL-terminated; "" when empty. */
const char *buf_str(const struct buf *b);

#endif
