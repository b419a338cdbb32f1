/* diag.c - diagnostics on stderr.
 *
 * SECURITY: callers never pass secrets; this module prints what it is given.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/diag.h"
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
	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "%s%s: %s%s\n", when, prog, level, line);
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

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
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
	long long now = stamp_mono_ms();
	va_list ap;

	if (now - l->window_ms >= DIAG_LIMIT_MS) {
		l->window_ms = now;
		l->lines = 0;
	}
	if (l->lines >= DIAG_LIMIT_LINES) {
		l->suppressed++;
		return;
	}
	l->lines++;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
	if (l->suppressed) {
		fprintf(stderr, "%s: warning: (suppressed %ld similar messages in the last"
		    " minute)\n", prog, l->suppressed);
		l->suppressed = 0;
	}
}
