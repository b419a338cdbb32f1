/* diag.h - diagnostics on stderr, in three levels after Postfix.
 *
 * diag_info: normal events.  diag_warn: bad input, refused and logged;
 * every kind of warning (its format string) at most DIAG_LIMIT_LINES lines
 * a minute, as diag_warn_limit.
 * diag_fatal: a broken environment (say how to fix it); exits 1.
 * diag_panic: a broken invariant; aborts.
 * Never pass key material or message bodies to these.
 */
#ifndef PARLEY_DIAG_H
#define PARLEY_DIAG_H

#define DIAG_FMT(a, b) __attribute__((format(printf, a, b)))

/* diag_init - set the program name shown in each line; timestamps on when ts. */
void diag_init(const char *prog, int ts);
void diag_info(const char *fmt, ...) DIAG_FMT(1, 2);
void diag_warn(const char *fmt, ...) DIAG_FMT(1, 2);
_Noreturn void diag_fatal(const char *fmt, ...) DIAG_FMT(1, 2);
_Noreturn void diag_panic(const char *fmt, ...) DIAG_FMT(1, 2);
/* struct diag_limit - one kind of warning: at most DIAG_LIMIT_LINES lines
 * per DIAG_LIMIT_MS, then silence; the first line of a later window says
 * how many were suppressed.  diag_warn keeps one per format string; a kind
 * whose lines differ in format but not in cause (refused handshakes,
 * closed connections) shares one, defined with DIAG_LIMIT_INIT. */
struct diag_limit {
	long long window_ms;	/* start of the current window */
	int lines;		/* printed in it */
	long suppressed;	/* dropped since the last line printed */
};
#define DIAG_LIMIT_INIT { 0, 0, 0 }
#define DIAG_LIMIT_LINES 5
#define DIAG_LIMIT_MS 60000
/* diag_warn_limit - diag_warn, rate-limited by l. */
void diag_warn_limit(struct diag_limit *l, const char *fmt, ...) DIAG_FMT(2, 3);
/* diag_quiet - when q, diag_info prints nothing (warnings still do). */
void diag_quiet(int q);

#endif
