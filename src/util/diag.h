/* diag.h - diagnostics on stderr, in three levels after Postfix.
 *
 * diag_info: normal events.  diag_warn: bad input, refused and logged.
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
/* diag_quiet - when q, diag_info prints nothing (warnings still do). */
void diag_quiet(int q);

#endif
