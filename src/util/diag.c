/* diag.c - diagnostics on stderr.
 *
 * SECURITY: callers never pass secrets; this module prints what it is given.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/text.h"
#include "util/stamp.h"

static const char *prog = "parley";
static int stamps;
static int quiet;

void
diag_init(const char *p, int ts)
{
	prog = p;
	stamps = ts;
}

void
diag_quiet(int q)
{
	quiet = q;
}

static void
emit(const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	char when[32] = "";

	if (stamps) {
		stamp_format(stamp_now_ms(), when);
		when[STAMP_TIME_LEN - 1] = ' ';
		when[STAMP_TIME_LEN] = '\0';
	}
	struct buf safe;

	vsnprintf(line, sizeof line, fmt, ap);
	/* one line, whatever a peer put in what is logged: no newline,
	 * control or bidi character reaches the log raw (text.h) */
	buf_init(&safe, sizeof line * 6);
	if (text_escape(&safe, line, strlen(line), 0) == ST_OK)
		fprintf(stderr, "%s%s: %s%s\n", when, prog, level, buf_str(&safe));
	else
		fprintf(stderr, "%s%s: %s(unprintable message)\n", when, prog, level);
	buf_free(&safe);
}

void
diag_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

/* pass - 1 when l lets one more line through now; a line saying how many
 * were suppressed is due when *said is set. */
static int
pass(struct diag_limit *l, long *said)
{
	long long now = stamp_mono_ms();

	*said = 0;
	if (now - l->window_ms >= DIAG_LIMIT_MS) {
		l->window_ms = now;
		l->lines = 0;
	}
	if (l->lines >= DIAG_LIMIT_LINES) {
		l->suppressed++;
		return 0;
	}
	l->lines++;
	*said = l->suppressed;
	l->suppressed = 0;
	return 1;
}

static void
suppressed(long n)
{
	if (n)
		fprintf(stderr, "%s: warning: (suppressed %ld similar messages in the last"
		    " minute)\n", prog, n);
}

/* Every warning is limited by its kind, its format string: a peer or a
 * stranger that can cause one can cause it a million times. */
#define KINDS 256
static struct {
	const char *fmt;
	struct diag_limit lim;
} kinds[KINDS];

static struct diag_limit *
kind_of(const char *fmt)
{
	size_t h = ((size_t)fmt >> 4) % KINDS;

	for (size_t i = 0; i < KINDS; i++, h = (h + 1) % KINDS) {
		if (kinds[h].fmt == fmt)
			return &kinds[h].lim;
		if (!kinds[h].fmt) {
			kinds[h].fmt = fmt;
			return &kinds[h].lim;
		}
	}
	return NULL;	/* full: not limited */
}

void
diag_warn(const char *fmt, ...)
{
	struct diag_limit *l = kind_of(fmt);
	long said = 0;
	va_list ap;

	if (l && !pass(l, &said))
		return;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
	suppressed(said);
}

void
diag_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("fatal: ", fmt, ap);
	va_end(ap);
	exit(1);
}

void
diag_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("panic: ", fmt, ap);
	va_end(ap);
	abort();
}

void
diag_warn_limit(struct diag_limit *l, const char *fmt, ...)
{
	long said;
	va_list ap;

	if (!pass(l, &said))
		return;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
	suppressed(said);
}
