/* buf.c - bounded growable buffer. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/buf.h"
#include "util/diag.h"

void
buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static status
grow(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	/* need + 1 (the NUL) must not wrap, even when max is SIZE_MAX */
	if (need > b->max || need == SIZE_MAX)
		return ST_TOOBIG;
	if (need + 1 <= b->cap)
		return ST_OK;
	/* 1 KiB at first: a statement, a row, a JWS fits or nearly, so the
	 * hot paths grow a buffer once or twice, not five times (each growth a
	 * realloc and a copy) */
	cap = b->cap ? b->cap : 1024;
	while (cap < need + 1)
		cap = cap > SIZE_MAX / 2 ? need + 1 : cap * 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->p, cap);
	if (!p)
		return ST_NOMEM;
	b->p = p;
	b->cap = cap;
	return ST_OK;
}

status
buf_add(struct buf *b, const void *data, size_t n)
{
	status rc;

	if (n > b->max - b->len)
		return ST_TOOBIG;
	rc = grow(b, b->len + n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return ST_OK;
}

status
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

status
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	status rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ST_INVALID;
	if ((size_t)n > b->max - b->len)
		return ST_TOOBIG;
	rc = grow(b, b->len + (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return ST_OK;
}

status
buf_extend(struct buf *b, size_t n, char **at)
{
	status rc;

	if (n > b->max - b->len)
		return ST_TOOBIG;
	rc = grow(b, b->len + n);
	if (rc)
		return rc;
	memset(b->p + b->len, 0, n + 1);
	*at = b->p + b->len;
	b->len += n;
	return ST_OK;
}

void
buf_truncate(struct buf *b, size_t n)
{
	if (n > b->len)
		diag_panic("buf_truncate past end");
	b->len = n;
	if (b->p)
		b->p[n] = '\0';
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *p = b->p;

	if (len)
		*len = b->len;
	if (!p)
		p = calloc(1, 1);
	buf_init(b, b->max);
	return p;
}

const char *
buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}
