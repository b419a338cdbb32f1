/* hook.h - running the operator's notification command, from the event loop.
 *
 * The command is how desk events reach people: parley never sends mail or
 * SMS itself.  A runner starts the command with posix_spawn (no shell),
 * feeds it the event on standard input, keeps the first HOOK_OUTPUT_MAX
 * bytes it writes, and reports how it ended through a callback; nothing
 * waits, so a hung command never holds up the daemon.  Queueing and
 * retrying are the caller's (the desk's durable queue); a runner only runs.
 */
#ifndef PARLEY_HOOK_H
#define PARLEY_HOOK_H

#include <stddef.h>

#include "util/status.h"

struct event_base;
struct hook_runner;

/* What of the command's standard output and error is kept, bytes. */
#define HOOK_OUTPUT_MAX 1024
/* How long a command that has exited may keep its output pipe open
 * (through a background child) before it is reported anyway, ms. */
#define HOOK_DRAIN_MS 100
/* How often running commands are polled besides SIGCHLD, ms: a SIGCHLD
 * that is blocked, or that libevent delivers to another event_base, then
 * costs this much delay and not a lost callback. */
#define HOOK_POLL_MS 250

enum hook_result {
	HOOK_OK,	/* exited 0 */
	HOOK_FAILED,	/* exited non-zero, or was killed by a signal */
	HOOK_TIMEOUT,	/* ran past its timeout; its process group was killed */
	HOOK_NOEXEC,	/* could not be started (ENOENT, EACCES, ENOEXEC, ...) */
};

/* hook_done_fn - one run ended.  code: the exit status for HOOK_OK and
 * HOOK_FAILED, minus the signal number when a signal killed it (for
 * HOOK_TIMEOUT too, normally -SIGKILL), errno for HOOK_NOEXEC; HOOK_FAILED
 * with code 0 when its status was lost (another waitpid reaped it).
 * output: the first HOOK_OUTPUT_MAX bytes the command wrote to stdout and
 * stderr together, NUL-terminated and NOT escaped (escape it with
 * util/text before a person sees it; a NUL the command wrote ends the
 * string early); borrowed for the call.  fn may call hook_run and
 * hook_runner_free. */
typedef void (*hook_done_fn)(void *arg, enum hook_result res, int code, const char *output);

/* hook_runner_new - a runner on base running at most max_running commands
 * at once (> 0).  It watches SIGCHLD on base (evsignal) from now on, and
 * reaps only the children it started.  ST_INVALID, ST_NOMEM. */
status hook_runner_new(struct event_base *base, int max_running,
    struct hook_runner **out) WUR;

/* hook_runner_free - NULL is a no-op.  Kills the process group of every
 * command still running with SIGKILL and reaps it (waiting for it to die),
 * forgets the runs whose callback has not come, and calls no callback. */
void hook_runner_free(struct hook_runner *r);

/* hook_run - start path (absolute; argv is {path, NULL}) with environment
 * env (NULL-terminated "NAME=value" strings, or NULL for none) plus
 * PATH=/usr/bin:/bin and LANG=C.UTF-8 unless env names them, in "/", in a
 * process group of its own, with default signal dispositions and an empty
 * signal mask, and only descriptors 0, 1 and 2 open.  The in_len bytes at
 * in (NULL when in_len is 0) are copied and written to its standard input
 * as it reads them, then it is closed; a command that exits without
 * reading them all is not a failure.  After timeout_ms (> 0) its process
 * group is killed (HOOK_TIMEOUT).  The one step that waits is posix_spawn
 * itself, until the child has exec'd.
 *
 * On ST_OK, fn(arg, ...) is called exactly once, later, from the event
 * loop, never from inside hook_run (a command that cannot be started is
 * reported on the loop's next turn); on any other status it is never
 * called.  ST_BUSY when max_running runs are under way (retry after a
 * callback); ST_INVALID for a path that is not absolute, an env entry
 * without "NAME=", timeout_ms <= 0 or no fn; ST_NOMEM; ST_IO when no pipe
 * could be made (descriptors exhausted). */
status hook_run(struct hook_runner *r, const char *path, const char *const *env,
    const void *in, size_t in_len, int timeout_ms, hook_done_fn fn, void *arg) WUR;

/* hook_running - the runs whose callback has not come yet. */
int hook_running(const struct hook_runner *r);

#endif
