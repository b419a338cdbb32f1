/* hook.c - the operator's notification command, run from the event loop.
 *
 * A run is a child started with posix_spawn (glibc's is vfork-like: it
 * returns once the child has exec'd or failed, with exec's errno), two
 * pipes and a timer, all watched by libevent; nothing here waits, but
 * hook_runner_free, which reaps what it has just killed.
 *
 * The child: argv {path, NULL}; the caller's environment plus PATH and LANG
 * defaults, nothing of the daemon's; cwd "/"; a process group of its own,
 * so that a timeout kills what it started too (a child that leaves the
 * group with setsid escapes that, as from any supervisor); an empty signal
 * mask and every disposition default (the daemon ignores SIGPIPE, and an
 * ignored signal would stay ignored across exec; glibc's spawn still leaves
 * its two internal signals, 32 and 33, ignored); descriptors 0 (the event
 * on a pipe), 1 and 2 (one pipe for both) and no other: every descriptor
 * made here is O_CLOEXEC, and closefrom(3) in the child drops whatever
 * else the daemon or a library left open without O_CLOEXEC.  They are
 * numbered 3 or above, too: a daemon started with 0-2 closed must not
 * write its diagnostics into a command's pipe, nor a dup2 onto 0-2 in
 * the child clobber another.
 *
 * Standard input is written as the child reads it, from the loop.  A child
 * that exits or closes it early makes the write fail with EPIPE, which is
 * fine; the SIGPIPE that comes with it must not kill the daemon, whatever
 * the process's disposition, so each write runs with SIGPIPE blocked in
 * this thread and a SIGPIPE it raised is taken back with sigtimedwait
 * before the mask is restored (write_quiet).  The output pipe is read to
 * its end; bytes past HOOK_OUTPUT_MAX are read and dropped, never left to
 * fill the pipe and stall the child.
 *
 * A run ends when its child is reaped and its output pipe is at EOF; when
 * a background child keeps the pipe open, HOOK_DRAIN_MS after the reap
 * (what the command wrote before exiting is in the pipe by then, and is
 * read first).  Children are reaped by pid with WNOHANG on SIGCHLD (an
 * evsignal), at the output's EOF, and every HOOK_POLL_MS while any runs,
 * never with waitpid(-1): other children of the daemon are not ours.  On
 * timeout the group gets SIGKILL before its leader is reaped (so its id
 * cannot have been reused), and the run ends at the reap.  What a command
 * leaves running after it exited is its own business (a notifier may
 * hand a slow send to a background child): only a timeout, or
 * hook_runner_free, kills a group.
 *
 * Every callback goes out from the run's own timer event and is the last
 * thing that event does, so fn may run or free anything here.
 *
 * SECURITY: no shell and no command line built from data: the event
 * reaches the command on stdin and in the caller's variables only.  The
 * daemon's environment and descriptors (key files, sockets, the store)
 * are not passed on.  The output is the command's, untrusted, and handed
 * over unescaped.
 */
#define _GNU_SOURCE	/* pipe2, posix_spawn_file_actions_add{chdir,closefrom}_np */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "desk/hook.h"

_Static_assert(HOOK_DRAIN_MS < 1000 && HOOK_POLL_MS < 1000, "a timeval's microseconds");

#define READ_CHUNK 4096
#define READS_PER_TURN 16	/* a command that writes without end yields the loop */

struct hook_job {
	struct hook_runner *r;
	struct hook_job *next;
	pid_t pid;		/* > 0 once spawned */
	int reaped, lost;	/* lost: someone else reaped it (ECHILD) */
	int wstatus;
	int spawn_err;		/* errno of a failed spawn: HOOK_NOEXEC */
	int timed_out, draining, complete;
	int in_fd, out_fd;	/* our ends, -1 once closed */
	struct event *in_ev, *out_ev;
	struct event *timer;	/* timeout, then drain, then the callback */
	unsigned char *in;
	size_t in_len, in_off;
	char out[HOOK_OUTPUT_MAX + 1];
	size_t out_len;
	hook_done_fn fn;
	void *arg;
};

struct hook_runner {
	struct event_base *base;
	struct event *sigchld;
	struct event *poll;
	struct hook_job *jobs;
	int max_running, running;
};

/* ---- descriptors ---- */

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
	*fd = -1;
}

/* above_stdio - fd moved to 3 or above, still O_CLOEXEC; -1 on failure
 * (fd closed either way).  Only in a daemon started with 0-2 closed does
 * it move anything. */
static int
above_stdio(int fd)
{
	int moved;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	(void)close(fd);
	return moved;
}

/* make_pipe - a pipe, both ends O_CLOEXEC and above 2, ours (the end
 * numbered ours) non-blocking and the child's blocking. */
static int
make_pipe(int fds[2], int ours)
{
	int fl;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fds[0] = above_stdio(fds[0]);
	fds[1] = above_stdio(fds[1]);
	if (fds[0] < 0 || fds[1] < 0 ||
	    (fl = fcntl(fds[ours], F_GETFL)) < 0 ||
	    fcntl(fds[ours], F_SETFL, fl | O_NONBLOCK) != 0) {
		close_fd(&fds[0]);
		close_fd(&fds[1]);
		return -1;
	}
	return 0;
}

/* write_quiet - write(2) that never raises SIGPIPE in this process: with
 * SIGPIPE blocked, an EPIPE leaves the signal pending on this thread, and
 * it is taken back unless one was pending before.  Works whatever the
 * disposition of SIGPIPE, without changing it. */
static ssize_t
write_quiet(int fd, const void *p, size_t n)
{
	static const struct timespec now = { 0, 0 };
	sigset_t pipe_only, old, pending;
	int err, was_pending;
	ssize_t w;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	if ((err = pthread_sigmask(SIG_BLOCK, &pipe_only, &old)) != 0) {
		errno = err;	/* it returns the error, and sets no errno */
		return -1;
	}
	was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	w = write(fd, p, n);
	err = errno;
	if (w < 0 && err == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
			;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return w;
}

/* ---- a run ---- */

static void
close_in(struct hook_job *j)
{
	if (j->in_ev) {
		event_free(j->in_ev);
		j->in_ev = NULL;
	}
	close_fd(&j->in_fd);
	free(j->in);
	j->in = NULL;
}

static void
close_out(struct hook_job *j)
{
	if (j->out_ev) {
		event_free(j->out_ev);
		j->out_ev = NULL;
	}
	close_fd(&j->out_fd);
}

/* job_free - unlink j from its runner and release it; calls nothing. */
static void
job_free(struct hook_job *j)
{
	struct hook_job **pp;

	for (pp = &j->r->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			j->r->running--;
			break;
		}
	close_in(j);
	close_out(j);
	if (j->timer)
		event_free(j->timer);
	free(j);
}

/* settle - after a reap or EOF: the run is complete (its callback is
 * queued on its timer) or starts draining.  Never calls fn. */
static void
settle(struct hook_job *j)
{
	if (j->complete || !j->reaped)
		return;
	if (j->out_fd < 0 || j->timed_out) {
		j->complete = 1;
		event_del(j->timer);
		event_active(j->timer, EV_TIMEOUT, 1);
	} else if (!j->draining) {
		struct timeval tv = { 0, HOOK_DRAIN_MS * 1000 };

		j->draining = 1;
		event_del(j->timer);
		if (evtimer_add(j->timer, &tv) != 0)
			event_active(j->timer, EV_TIMEOUT, 1);
	}
}

/* try_reap - waitpid(j's pid, WNOHANG); 1 when it has been reaped. */
static int
try_reap(struct hook_job *j)
{
	pid_t got;
	int st;

	if (j->pid <= 0 || j->reaped)
		return j->reaped;
	do
		got = waitpid(j->pid, &st, WNOHANG);
	while (got < 0 && errno == EINTR);
	if (got == j->pid) {
		j->reaped = 1;
		j->wstatus = st;
	} else if (got < 0 && errno == ECHILD) {
		j->reaped = 1;
		j->lost = 1;
	}
	if (j->reaped) {
		close_in(j);	/* no one reads it now but a background child */
		settle(j);
	}
	return j->reaped;
}

/* report - the run's one callback: j is freed first, and fn is the last
 * thing called (it may run or free anything). */
static void
report(struct hook_job *j)
{
	hook_done_fn fn = j->fn;
	void *arg = j->arg;
	enum hook_result res;
	int code = 0;
	char out[HOOK_OUTPUT_MAX + 1];

	if (j->spawn_err) {
		res = HOOK_NOEXEC;
		code = j->spawn_err;
	} else {
		if (j->lost)
			code = 0;
		else if (WIFEXITED(j->wstatus))
			code = WEXITSTATUS(j->wstatus);
		else if (WIFSIGNALED(j->wstatus))
			code = -WTERMSIG(j->wstatus);
		if (j->timed_out)
			res = HOOK_TIMEOUT;
		else if (!j->lost && WIFEXITED(j->wstatus) && code == 0)
			res = HOOK_OK;
		else
			res = HOOK_FAILED;
	}
	memcpy(out, j->out, j->out_len);
	out[j->out_len] = '\0';
	job_free(j);
	fn(arg, res, code, out);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct hook_job *j = arg;

	(void)fd;
	(void)what;
	if (j->complete || j->reaped) {	/* done, or the drain is over */
		report(j);
		return;
	}
	if (!j->timed_out) {
		/* the leader is not reaped, so its group id is still its own */
		j->timed_out = 1;
		(void)kill(-j->pid, SIGKILL);
		close_in(j);
	}
	(void)try_reap(j);	/* settle queues the callback; else SIGCHLD or the poll */
}

static void
on_in(evutil_socket_t fd, short what, void *arg)
{
	struct hook_job *j = arg;

	(void)fd;
	(void)what;
	while (j->in_off < j->in_len) {
		ssize_t w = write_quiet(j->in_fd, j->in + j->in_off, j->in_len - j->in_off);

		if (w > 0) {
			j->in_off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;	/* EPIPE: it reads no more, and need not */
	}
	close_in(j);	/* all written: the child sees EOF */
}

static void
on_out(evutil_socket_t fd, short what, void *arg)
{
	struct hook_job *j = arg;

	(void)fd;
	(void)what;
	for (int i = 0; i < READS_PER_TURN; i++) {
		char chunk[READ_CHUNK];
		ssize_t n = read(j->out_fd, chunk, sizeof chunk);

		if (n > 0) {
			size_t room = HOOK_OUTPUT_MAX - j->out_len;
			size_t keep = (size_t)n < room ? (size_t)n : room;

			memcpy(j->out + j->out_len, chunk, keep);
			j->out_len += keep;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* EOF (or an error, which ends the output just the same) */
		close_out(j);
		(void)try_reap(j);	/* EOF mostly means it exited */
		settle(j);
		return;
	}
}

/* ---- the runner ---- */

/* reap_all - try every child not yet reaped; 1 while any remains. */
static int
reap_all(struct hook_runner *r)
{
	int left = 0;

	for (struct hook_job *j = r->jobs; j; j = j->next)
		if (j->pid > 0 && !try_reap(j))
			left = 1;
	return left;
}

static void
on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)reap_all(arg);
}

static void
on_poll(evutil_socket_t fd, short what, void *arg)
{
	struct hook_runner *r = arg;

	(void)fd;
	(void)what;
	if (!reap_all(r))
		event_del(r->poll);
}

status
hook_runner_new(struct event_base *base, int max_running, struct hook_runner **out)
{
	struct hook_runner *r;

	*out = NULL;
	if (!base || max_running <= 0)
		return ST_INVALID;
	r = calloc(1, sizeof *r);
	if (!r)
		return ST_NOMEM;
	r->base = base;
	r->max_running = max_running;
	r->sigchld = evsignal_new(base, SIGCHLD, on_sigchld, r);
	r->poll = event_new(base, -1, EV_PERSIST, on_poll, r);
	if (!r->sigchld || !r->poll || evsignal_add(r->sigchld, NULL) != 0) {
		hook_runner_free(r);
		return ST_NOMEM;
	}
	*out = r;
	return ST_OK;
}

void
hook_runner_free(struct hook_runner *r)
{
	if (!r)
		return;
	while (r->jobs) {
		struct hook_job *j = r->jobs;

		if (j->pid > 0 && !j->reaped) {
			int st;

			(void)kill(-j->pid, SIGKILL);
			while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
				;
		}
		job_free(j);
	}
	if (r->sigchld)
		event_free(r->sigchld);
	if (r->poll)
		event_free(r->poll);
	free(r);
}

int
hook_running(const struct hook_runner *r)
{
	return r ? r->running : 0;
}

/* child_env - env plus the defaults it does not set, in a new array of
 * borrowed strings (free() it); ST_INVALID for an entry without "NAME=". */
static status
child_env(const char *const *env, char ***out)
{
	static const char *const defaults[] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8" };
	const size_t ndef = sizeof defaults / sizeof defaults[0];
	size_t n = 0, k;
	char **e;

	*out = NULL;
	for (; env && env[n]; n++) {
		const char *eq = strchr(env[n], '=');

		if (!eq || eq == env[n])
			return ST_INVALID;
	}
	e = calloc(n + ndef + 1, sizeof *e);
	if (!e)
		return ST_NOMEM;
	for (k = 0; k < n; k++)
		e[k] = (char *)env[k];
	for (size_t d = 0; d < ndef; d++) {
		size_t name = (size_t)(strchr(defaults[d], '=') - defaults[d]) + 1;
		int set = 0;

		for (size_t i = 0; i < n && !set; i++)
			set = strncmp(env[i], defaults[d], name) == 0;
		if (!set)
			e[k++] = (char *)defaults[d];
	}
	e[k] = NULL;
	*out = e;
	return ST_OK;
}

/* spawn - posix_spawn path with stdin from in_r and stdout and stderr to
 * out_w, as the file's header says; 0 or an errno. */
static int
spawn(const char *path, char *const envp[], int in_r, int out_w, pid_t *pid)
{
	char *const argv[] = { (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int err;

	if ((err = posix_spawn_file_actions_init(&fa)) != 0)
		return err;
	if ((err = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return err;
	}
	sigemptyset(&none);
	sigfillset(&all);
	if ((err = posix_spawn_file_actions_adddup2(&fa, in_r, 0)) == 0 &&
	    (err = posix_spawn_file_actions_adddup2(&fa, out_w, 1)) == 0 &&
	    (err = posix_spawn_file_actions_adddup2(&fa, out_w, 2)) == 0 &&
	    (err = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) == 0 &&
	    (err = posix_spawn_file_actions_addchdir_np(&fa, "/")) == 0 &&
	    (err = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (err = posix_spawnattr_setpgroup(&at, 0)) == 0 &&
	    (err = posix_spawnattr_setsigmask(&at, &none)) == 0 &&
	    (err = posix_spawnattr_setsigdefault(&at, &all)) == 0)
		err = posix_spawn(pid, path, &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

status
hook_run(struct hook_runner *r, const char *path, const char *const *env,
    const void *in, size_t in_len, int timeout_ms, hook_done_fn fn, void *arg)
{
	struct timeval tv, poll_tv = { 0, HOOK_POLL_MS * 1000 };
	struct hook_job *j;
	int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 };
	char **envp;
	status rc;

	if (!r || !path || path[0] != '/' || timeout_ms <= 0 || !fn || (in_len && !in))
		return ST_INVALID;
	if ((rc = child_env(env, &envp)) != ST_OK)
		return rc;
	if (r->running >= r->max_running) {
		free(envp);
		return ST_BUSY;
	}
	j = calloc(1, sizeof *j);
	if (!j) {
		free(envp);
		return ST_NOMEM;
	}
	j->r = r;
	j->in_fd = j->out_fd = -1;
	j->fn = fn;
	j->arg = arg;
	j->next = r->jobs;	/* linked now, so job_free can unlink it */
	r->jobs = j;
	r->running++;
	rc = ST_NOMEM;
	if (in_len && !(j->in = malloc(in_len)))
		goto fail;
	if (in_len)
		memcpy(j->in, in, in_len);
	j->in_len = in_len;
	rc = ST_IO;
	if (make_pipe(in_p, 1) != 0 || make_pipe(out_p, 0) != 0)
		goto fail;
	j->in_fd = in_p[1];
	j->out_fd = out_p[0];
	in_p[1] = out_p[0] = -1;
	/* every event is added before the spawn, so nothing can fail after it */
	rc = ST_NOMEM;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	j->timer = evtimer_new(r->base, on_timer, j);
	j->out_ev = event_new(r->base, j->out_fd, EV_READ | EV_PERSIST, on_out, j);
	if (in_len)
		j->in_ev = event_new(r->base, j->in_fd, EV_WRITE | EV_PERSIST, on_in, j);
	if (!j->timer || !j->out_ev || (in_len && !j->in_ev) ||
	    evtimer_add(j->timer, &tv) != 0 || event_add(j->out_ev, NULL) != 0 ||
	    (j->in_ev && event_add(j->in_ev, NULL) != 0) ||
	    (!evtimer_pending(r->poll, NULL) &&
	    evtimer_add(r->poll, &poll_tv) != 0))
		goto fail;
	j->spawn_err = spawn(path, envp, in_p[0], out_p[1], &j->pid);
	close_fd(&in_p[0]);
	close_fd(&out_p[1]);
	free(envp);
	if (!in_len)
		close_in(j);	/* EOF at once */
	if (j->spawn_err) {
		j->pid = 0;
		close_in(j);
		close_out(j);
		j->complete = 1;
		event_del(j->timer);
		event_active(j->timer, EV_TIMEOUT, 1);	/* reported on the next turn */
	}
	return ST_OK;
fail:
	close_fd(&in_p[0]);
	close_fd(&in_p[1]);
	close_fd(&out_p[0]);
	close_fd(&out_p[1]);
	free(envp);
	job_free(j);
	return rc;
}
