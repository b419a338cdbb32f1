/* test_hook.c - the notification command runner (desk/hook.c).
 *
 * Small /bin/sh scripts in a temp dir stand in for the operator's command
 * (the runner itself uses no shell: a script is just an executable); they
 * write what they saw to files beside them, found from $0.  One event_base
 * is run until a callback comes or a deadline passes; nothing sleeps.
 * SIGPIPE keeps its default action throughout, so a write to a command
 * that stopped reading would kill this test unless the runner guards it.
 * What a user must see:
 *   - the command gets exactly the event's bytes on stdin and exactly the
 *     environment asked for, with PATH and LANG unless given, in "/", with
 *     no signal blocked or ignored and no descriptor but 0, 1 and 2;
 *   - exit 0 is OK, another status FAILED with it, a signal FAILED with
 *     minus its number; stdout and stderr come back together, cut at 1 KiB,
 *     and a command that writes a megabyte is not stalled;
 *   - a command past its timeout is killed with what it started;
 *   - 4 MiB of stdin to a command that reads none, or closes it, is no
 *     failure and blocks nothing; a daemon without a stdin of its own
 *     still gives the command one;
 *   - a command that cannot start is NOEXEC with its errno, on a later
 *     turn; a relative path and bad arguments are refused at once;
 *   - at most max_running at once (ST_BUSY past it);
 *   - freeing the runner kills and reaps what runs, and calls nobody;
 *   - a callback may run the next command or free the runner;
 *   - no run leaves a zombie.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "desk/hook.h"
#include "util/stamp.h"
#include "testcheck.h"
#include "testdir.h"
#include "testloop.h"

#define WAIT_MS 10000		/* the longest any run here may take */
#define MIB (1024u * 1024u)

static char dir[] = "/tmp/parley-test-hook-XXXXXX";

/* ---- files and scripts ---- */

static void
path(char out[static 256], const char *name)
{
	int n = snprintf(out, 256, "%s/%s", dir, name);

	assert_true(n > 0 && n < 256);
}

static void
put(const char *name, const char *text, mode_t mode)
{
	char p[256];
	int fd;

	path(p, name);
	(void)unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

/* script - a #!/bin/sh script named name running body, with $d its dir;
 * its absolute path in out. */
static void
script(char out[static 256], const char *name, const char *body)
{
	char text[4096];
	int n = snprintf(text, sizeof text, "#!/bin/sh\nd=${0%%/*}\n%s\n", body);

	assert_true(n > 0 && (size_t)n < sizeof text);
	put(name, text, 0700);
	path(out, name);
}

/* slurp - the file name in dir into out (NUL-terminated); its length, or
 * -1 when it does not exist. */
static ssize_t
slurp(const char *name, char *out, size_t max)
{
	char p[256];
	ssize_t n, got = 0;
	int fd;

	path(p, name);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)got < max - 1 && (n = read(fd, out + got, max - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	out[got] = '\0';
	return got;
}

static void
forget(const char *name)
{
	char p[256];

	path(p, name);
	(void)unlink(p);
}

/* ---- processes ---- */

/* gone - 1 when pid is dead: no such process, or a zombie left to an
 * init that does not reap (any state but Z or X is alive). */
static int
gone(void *arg)
{
	pid_t pid = *(pid_t *)arg;
	char p[64], st[512];
	const char *close_paren;
	ssize_t n;
	int fd;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	snprintf(p, sizeof p, "/proc/%ld/stat", (long)pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, st, sizeof st - 1);
	close(fd);
	if (n <= 0)
		return 1;
	st[n] = '\0';
	close_paren = strrchr(st, ')');
	return close_paren && close_paren[1] == ' ' &&
	    (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

/* no_children - this process has no child left, running or zombie. */
static void
no_children(void)
{
	int st;

	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static pid_t
read_pid(const char *name)
{
	char text[64], *end;
	long v;

	assert_true(slurp(name, text, sizeof text) > 0);
	v = strtol(text, &end, 10);
	assert_true(end != text && v > 1);
	return (pid_t)v;
}

/* ---- runs ---- */

static struct event_base *base;	/* testloop_base */

struct done {
	int calls;
	enum hook_result res;
	int code;
	char out[HOOK_OUTPUT_MAX + 64];
	size_t out_len;
	int64_t at_ms;
};

static void
on_done(void *arg, enum hook_result res, int code, const char *output)
{
	struct done *d = arg;

	d->calls++;
	d->res = res;
	d->code = code;
	d->out_len = strlen(output);
	assert_true(d->out_len <= HOOK_OUTPUT_MAX);
	memcpy(d->out, output, d->out_len + 1);
	d->at_ms = stamp_mono_ms();
}

static int
called(void *arg)
{
	return ((struct done *)arg)->calls > 0;
}

static const char *const result_names[] = { "OK", "FAILED", "TIMEOUT", "NOEXEC" };

static void
expect_result(const char *what, const struct done *d, enum hook_result res, int code)
{
	if (d->calls != 1 || d->res != res || d->code != code)
		fail_msg("%s: %d calls, %s code %d; want 1 call, %s code %d (output \"%s\")",
		    what, d->calls, d->calls ? result_names[d->res] : "-", d->code,
		    result_names[res], code, d->out);
}

/* run - run path on a runner of its own until its callback; the callback
 * must not come from inside hook_run. */
static void
run(const char *path_, const char *const *env, const void *in, size_t in_len,
    int timeout_ms, struct done *d)
{
	struct hook_runner *r;

	memset(d, 0, sizeof *d);
	EXPECT(hook_runner_new(base, 1, &r), ST_OK);
	EXPECT(hook_run(r, path_, env, in, in_len, timeout_ms, on_done, d), ST_OK);
	assert_int_equal(d->calls, 0);
	assert_int_equal(hook_running(r), 1);
	if (!run_until(called, d, WAIT_MS))
		fail_msg("%s: no callback in %d ms", path_, WAIT_MS);
	assert_int_equal(hook_running(r), 0);
	settle(20);	/* and no second callback */
	assert_int_equal(d->calls, 1);
	hook_runner_free(r);
}

/* ---- 1. what the command gets ---- */

static const char *const event_env[] = {
	"PARLEY_EVENT=ack-overdue", "PARLEY_ID=01890a5d-ac96-774b-bcce-b302099a8057",
	"PARLEY_PEER=cert-b", "PARLEY_PRIORITY=flash", "PARLEY_ROLE=duty officer",
	"PARLEY_OFFICER=J. Doe; rm -rf / $(reboot)", NULL
};
static const char *const own_path_env[] = { "PATH=/bin", "PARLEY_EVENT=x", NULL };
static const char *const own_lang_env[] = { "LANG=fr_FR.UTF-8", NULL };

static const struct env_case {
	const char *name;
	const char *const *env;
	const char *want;	/* the environ it must see, entries joined by '|' */
} env_cases[] = {
	{ "the event's variables, PATH and LANG", event_env,
	  "PARLEY_EVENT=ack-overdue|PARLEY_ID=01890a5d-ac96-774b-bcce-b302099a8057|"
	  "PARLEY_PEER=cert-b|PARLEY_PRIORITY=flash|PARLEY_ROLE=duty officer|"
	  "PARLEY_OFFICER=J. Doe; rm -rf / $(reboot)|PATH=/usr/bin:/bin|LANG=C.UTF-8" },
	{ "PATH of its own kept", own_path_env, "PATH=/bin|PARLEY_EVENT=x|LANG=C.UTF-8" },
	{ "LANG of its own kept", own_lang_env, "LANG=fr_FR.UTF-8|PATH=/usr/bin:/bin" },
	{ "no env: only the defaults", NULL, "PATH=/usr/bin:/bin|LANG=C.UTF-8" },
};

/* The script writes its descriptors as "N target" lines to its output,
 * from a child while the shell has no redirection open, and records its
 * stdin, environ and cwd in files. */
static const char saw_body[] =
	"find /proc/$$/fd -mindepth 1 -printf '%f %l\\n'\n"
	"cat > \"$d/stdin\"\n"
	"cat /proc/$$/environ > \"$d/environ\"\n"
	"pwd > \"$d/cwd\"\n"
	"exit 0\n";

/* expect_signals_default - /proc's "SigBlk:\tHEX\nSigIgn:\tHEX\n": none
 * blocked, none ignored but glibc's two internal signals (32 and 33, its
 * thread cancellation and set*id broadcast), which its posix_spawn leaves
 * ignored in every child it starts and which only glibc itself uses. */
static void
expect_signals_default(const char *sig)
{
	const unsigned long long internal = (1ull << (32 - 1)) | (1ull << (33 - 1));
	unsigned long long blk, ign;
	char *end;

	assert_true(strncmp(sig, "SigBlk:\t", 8) == 0);
	blk = strtoull(sig + 8, &end, 16);
	assert_true(strncmp(end, "\nSigIgn:\t", 9) == 0);
	ign = strtoull(end + 9, &end, 16);
	assert_string_equal(end, "\n");
	if (blk != 0 || (ign & ~internal) != 0)
		fail_msg("signals blocked %llx, ignored %llx; want none", blk, ign);
}

/* expect_only_stdio - fds ("N target" lines) holds 0 (a pipe), 1 and 2
 * (one other pipe), and nothing else but the shell's own descriptor on
 * its script: not the test's leak, nor anything else of this process. */
static void
expect_only_stdio(char *fds, const char *script_path)
{
	char in[64] = "", out[64] = "", err[64] = "";
	char *line, *next;

	for (line = fds; *line; line = next) {
		char *nl = strchr(line, '\n'), *sp;
		long fd;

		assert_non_null(nl);
		*nl = '\0';
		next = nl + 1;
		fd = strtol(line, &sp, 10);
		assert_true(sp != line && *sp == ' ');
		sp++;
		if (fd >= 0 && fd <= 2)
			snprintf(fd == 0 ? in : fd == 1 ? out : err, 64, "%s", sp);
		else if (strcmp(sp, script_path) != 0)
			fail_msg("the command inherited descriptor %ld (%s)", fd, sp);
	}
	assert_true(strncmp(in, "pipe:", 5) == 0);
	assert_true(strncmp(out, "pipe:", 5) == 0);
	assert_string_equal(out, err);
	assert_string_not_equal(in, out);
}

static void
test_env(void **state)
{
	const struct env_case *c = *state;
	char p[256], got[4096], want[1024];
	unsigned char in[1000];
	struct done d;
	ssize_t n;
	int leak;

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 7);	/* NULs, newlines, bytes >= 0x80 */
	script(p, "saw.sh", saw_body);
	/* a descriptor the daemon (or a library) left without O_CLOEXEC */
	leak = fcntl(STDERR_FILENO, F_DUPFD, 100);
	assert_true(leak >= 100);
	run(p, c->env, in, sizeof in, WAIT_MS, &d);
	close(leak);

	expect_result(c->name, &d, HOOK_OK, 0);
	expect_only_stdio(d.out, p);
	n = slurp("stdin", got, sizeof got);
	assert_int_equal(n, sizeof in);
	assert_memory_equal(got, in, sizeof in);
	n = slurp("environ", got, sizeof got);
	assert_true(n > 0);
	for (ssize_t i = 0; i < n; i++)
		if (got[i] == '\0')
			got[i] = '|';
	snprintf(want, sizeof want, "%s|", c->want);
	assert_string_equal(got, want);
	assert_true(slurp("cwd", got, sizeof got) > 0);
	assert_string_equal(got, "/\n");
	no_children();
}

/* test_signals - what the daemon does to its own signals, the command
 * does not get: with SIGPIPE ignored and SIGUSR1 blocked here, an awk
 * program run as the command reads its own /proc status (not a shell:
 * dash clears its signal mask when it starts). */
static void
test_signals(void **state)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	sigset_t usr1, old_mask;
	struct done d;
	char p[256];

	(void)state;
	put("sig.awk", "#!/usr/bin/awk -f\n"
	    "BEGIN { while ((getline l < \"/proc/self/status\") > 0)"
	    " if (l ~ /^Sig(Blk|Ign):/) print l }\n", 0700);
	path(p, "sig.awk");
	assert_int_equal(sigaction(SIGPIPE, &ign, &old_pipe), 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, &old_mask), 0);
	run(p, NULL, NULL, 0, WAIT_MS, &d);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old_mask, NULL), 0);
	assert_int_equal(sigaction(SIGPIPE, &old_pipe, NULL), 0);
	expect_result("awk reads its signal state", &d, HOOK_OK, 0);
	expect_signals_default(d.out);
	no_children();
}

/* ---- 2. how it ended, and what it said ---- */

static const struct end_case {
	const char *name;
	const char *body;
	enum hook_result res;
	int code;
	const char *out;	/* NULL: the 1 KiB cases check for themselves */
} end_cases[] = {
	{ "exit 0", "exit 0", HOOK_OK, 0, "" },
	{ "exit 3: FAILED 3, stdout and stderr in order",
	  "echo out; echo err >&2; echo out2; exit 3", HOOK_FAILED, 3, "out\nerr\nout2\n" },
	{ "exit 255", "exit 255", HOOK_FAILED, 255, "" },
	{ "killed by SIGTERM: minus its number", "echo bye; kill -TERM $$; exit 0",
	  HOOK_FAILED, -SIGTERM, "bye\n" },
	{ "killed by SIGKILL", "kill -KILL $$", HOOK_FAILED, -SIGKILL, "" },
	{ "SIGPIPE at its default in the command", "kill -PIPE $$; exit 0",
	  HOOK_FAILED, -SIGPIPE, "" },
	{ "5000 bytes: the first 1 KiB",
	  "i=0; while [ $i -lt 100 ]; do printf '%049d\\n' $i; i=$((i+1)); done; exit 0",
	  HOOK_OK, 0, NULL },
	{ "1 MiB of output: not stalled, 1 KiB kept",
	  "head -c 1048576 /dev/zero | tr '\\0' x; exit 4", HOOK_FAILED, 4, NULL },
};

static void
test_end(void **state)
{
	const struct end_case *c = *state;
	char p[256], want[HOOK_OUTPUT_MAX + 64];
	struct done d;

	script(p, "end.sh", c->body);
	run(p, NULL, NULL, 0, WAIT_MS, &d);
	expect_result(c->name, &d, c->res, c->code);
	if (c->out)
		assert_string_equal(d.out, c->out);
	else if (c->code == 0) {
		size_t at = 0;

		for (int i = 0; at < HOOK_OUTPUT_MAX; i++)
			at += (size_t)snprintf(want + at, sizeof want - at, "%049d\n", i);
		want[HOOK_OUTPUT_MAX] = '\0';
		assert_int_equal(d.out_len, HOOK_OUTPUT_MAX);
		assert_string_equal(d.out, want);
	} else {
		memset(want, 'x', HOOK_OUTPUT_MAX);
		want[HOOK_OUTPUT_MAX] = '\0';
		assert_int_equal(d.out_len, HOOK_OUTPUT_MAX);
		assert_string_equal(d.out, want);
	}
	no_children();
}

/* ---- 3. the timeout ---- */

static void
test_timeout(void **state)
{
	char p[256];
	struct done d;
	int64_t t0;
	pid_t lead, bg;

	(void)state;
	forget("lead.pid");
	forget("bg.pid");
	script(p, "slow.sh",
	    "echo $$ > \"$d/lead.pid\"\n"
	    "sleep 30 &\n"
	    "echo $! > \"$d/bg.pid\"\n"
	    "echo waiting\n"
	    "sleep 30\n"
	    "exit 0");
	t0 = stamp_mono_ms();
	run(p, event_env, "{}", 2, 200, &d);
	expect_result("sleeps 30 s, timeout 200 ms", &d, HOOK_TIMEOUT, -SIGKILL);
	assert_string_equal(d.out, "waiting\n");
	/* libevent's timers run on the coarse monotonic clock: a tick early */
	assert_true(d.at_ms - t0 >= 180);
	assert_true(d.at_ms - t0 < 5000);
	lead = read_pid("lead.pid");
	bg = read_pid("bg.pid");
	/* the command was reaped; what it started died with its group */
	assert_true(kill(lead, 0) != 0 && errno == ESRCH);
	if (!run_until(gone, &bg, WAIT_MS))
		fail_msg("the command's background sleep %ld outlived the timeout", (long)bg);
	no_children();
}

/* ---- 4. standard input it does not read ---- */

static const struct in_case {
	const char *name;
	const char *body;
	const char *count;	/* what "count" must hold, or NULL */
} in_cases[] = {
	{ "4 MiB, read by none: OK", "exit 0", NULL },
	/* stdin closed while it lives on: our next write fails with EPIPE, and
	 * SIGPIPE, at its default here, would kill this test */
	{ "4 MiB, stdin closed at once: OK", "exec 0<&-; sleep 0.3; exit 0", NULL },
	{ "4 MiB, read in full", "wc -c > \"$d/count\"", "4194304\n" },
};

static void
test_stdin(void **state)
{
	const struct in_case *c = *state;
	unsigned char *big = malloc(4 * MIB);
	char p[256], got[64];
	struct sigaction sa;
	sigset_t pending;
	struct done d;

	assert_non_null(big);
	memset(big, 'e', 4 * MIB);
	assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_DFL);
	forget("count");
	script(p, "in.sh", c->body);
	run(p, event_env, big, 4 * MIB, WAIT_MS, &d);
	free(big);
	expect_result(c->name, &d, HOOK_OK, 0);
	if (c->count) {
		assert_true(slurp("count", got, sizeof got) > 0);
		assert_string_equal(got, c->count);
	}
	/* nothing left pending for this process either */
	assert_int_equal(sigpending(&pending), 0);
	assert_int_equal(sigismember(&pending, SIGPIPE), 0);
	no_children();
}

/* test_stdin_closed - a daemon started with descriptor 0 closed: the
 * pipe the runner makes would be 0 itself, and the command still gets
 * the event on its stdin. */
static void
test_stdin_closed(void **state)
{
	char p[256], got[64];
	struct done d;
	int saved;

	(void)state;
	forget("stdin");
	script(p, "cat.sh", "cat > \"$d/stdin\"");
	saved = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	assert_true(saved >= 3);
	assert_int_equal(close(STDIN_FILENO), 0);
	run(p, event_env, "the event", 9, WAIT_MS, &d);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	expect_result("stdin closed in the daemon", &d, HOOK_OK, 0);
	assert_int_equal(slurp("stdin", got, sizeof got), 9);
	assert_string_equal(got, "the event");
	no_children();
}

/* ---- 5. commands that cannot start, and refusals ---- */

static const struct noexec_case {
	const char *name;
	const char *file;	/* made in dir, or NULL */
	const char *text;
	mode_t mode;
	const char *path;	/* NULL: dir/file */
	int err;
} noexec_cases[] = {
	{ "no such file: ENOENT", NULL, NULL, 0, "/nonexistent/parley-hook", ENOENT },
	{ "not executable: EACCES", "plain.sh", "#!/bin/sh\nexit 0\n", 0600, NULL, EACCES },
	{ "a directory: EACCES", NULL, NULL, 0, "/", EACCES },
	{ "no #! and no ELF: ENOEXEC, and no shell tried", "text.sh", "exit 0\n", 0700, NULL,
	  ENOEXEC },
};

static void
test_noexec(void **state)
{
	const struct noexec_case *c = *state;
	char p[256];
	struct done d;

	if (c->file) {
		put(c->file, c->text, c->mode);
		path(p, c->file);
	} else
		snprintf(p, sizeof p, "%s", c->path);
	run(p, event_env, "{}", 2, WAIT_MS, &d);	/* run: not from inside hook_run */
	expect_result(c->name, &d, HOOK_NOEXEC, c->err);
	assert_string_equal(d.out, "");
	no_children();
}

static void
test_refused(void **state)
{
	static const char *const no_eq[] = { "PARLEY_EVENT", NULL };
	static const char *const no_name[] = { "=x", NULL };
	struct hook_runner *r;
	struct done d = { 0 };
	char p[256];

	(void)state;
	script(p, "fine.sh", "exit 0");
	EXPECT(hook_runner_new(base, 0, &r), ST_INVALID);
	assert_null(r);
	EXPECT(hook_runner_new(base, 1, &r), ST_OK);
	EXPECT(hook_run(r, "fine.sh", NULL, NULL, 0, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, "./fine.sh", NULL, NULL, 0, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, "", NULL, NULL, 0, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, NULL, NULL, NULL, 0, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, p, no_eq, NULL, 0, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, p, no_name, NULL, 0, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, p, NULL, NULL, 0, 0, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, p, NULL, NULL, 5, 1000, on_done, &d), ST_INVALID);
	EXPECT(hook_run(r, p, NULL, NULL, 0, 1000, NULL, &d), ST_INVALID);
	assert_int_equal(hook_running(r), 0);
	settle(50);
	assert_int_equal(d.calls, 0);
	hook_runner_free(r);
	no_children();
}

/* ---- 6. at most max_running ---- */

static int
both_called(void *arg)
{
	struct done *d = arg;

	return d[0].calls && d[1].calls;
}

static void
test_busy(void **state)
{
	struct hook_runner *r;
	struct done d[3];
	char p[256];

	(void)state;
	memset(d, 0, sizeof d);
	script(p, "quick.sh", "cat > /dev/null; exit 0");
	EXPECT(hook_runner_new(base, 2, &r), ST_OK);
	EXPECT(hook_run(r, p, NULL, "a", 1, WAIT_MS, on_done, &d[0]), ST_OK);
	EXPECT(hook_run(r, p, NULL, "b", 1, WAIT_MS, on_done, &d[1]), ST_OK);
	EXPECT(hook_run(r, p, NULL, "c", 1, WAIT_MS, on_done, &d[2]), ST_BUSY);
	assert_int_equal(hook_running(r), 2);
	assert_true(run_until(both_called, d, WAIT_MS));
	assert_int_equal(hook_running(r), 0);
	EXPECT(hook_run(r, p, NULL, "c", 1, WAIT_MS, on_done, &d[2]), ST_OK);
	assert_true(run_until(called, &d[2], WAIT_MS));
	for (int i = 0; i < 3; i++)
		expect_result("each of three", &d[i], HOOK_OK, 0);
	hook_runner_free(r);
	no_children();
}

/* ---- 7. freeing the runner ---- */

static int
exists(void *arg)
{
	char text[64];

	return slurp(arg, text, sizeof text) > 0 && strchr(text, '\n') != NULL;
}

static void
test_free_kills(void **state)
{
	struct hook_runner *r;
	struct done d = { 0 };
	char p[256], lead_file[] = "lead.pid";
	pid_t lead, bg;

	(void)state;
	forget("lead.pid");
	forget("bg.pid");
	script(p, "long.sh",
	    "sleep 30 &\n"
	    "echo $! > \"$d/bg.pid\"\n"
	    "echo $$ > \"$d/lead.tmp\" && mv \"$d/lead.tmp\" \"$d/lead.pid\"\n"
	    "wait");
	EXPECT(hook_runner_new(base, 1, &r), ST_OK);
	EXPECT(hook_run(r, p, NULL, NULL, 0, 60000, on_done, &d), ST_OK);
	assert_true(run_until(exists, lead_file, WAIT_MS));
	lead = read_pid("lead.pid");
	bg = read_pid("bg.pid");
	hook_runner_free(r);
	/* reaped at once, not a zombie; its group killed; no callback */
	assert_true(kill(lead, 0) != 0 && errno == ESRCH);
	if (!run_until(gone, &bg, WAIT_MS))
		fail_msg("background sleep %ld outlived hook_runner_free", (long)bg);
	settle(20);
	assert_int_equal(d.calls, 0);
	no_children();
}

/* ---- 8. callbacks that run or free ---- */

struct chain {
	struct hook_runner *r;
	const char *path;
	int calls;
	int running_in_fn;
	struct done next;
	int free_in_fn;
	struct done other;
};

static void
on_chain(void *arg, enum hook_result res, int code, const char *output)
{
	struct chain *c = arg;

	(void)output;
	c->calls++;
	assert_int_equal(res, HOOK_FAILED);
	assert_int_equal(code, 3);
	c->running_in_fn = hook_running(c->r);
	if (c->free_in_fn) {
		hook_runner_free(c->r);
		c->r = NULL;
	} else
		EXPECT(hook_run(c->r, c->path, NULL, NULL, 0, WAIT_MS, on_done, &c->next), ST_OK);
}

static void
test_fn_runs_next(void **state)
{
	struct chain c = { 0 };
	char fail3[256], ok[256];

	(void)state;
	script(fail3, "fail3.sh", "exit 3");
	script(ok, "ok.sh", "exit 0");
	c.path = ok;
	EXPECT(hook_runner_new(base, 1, &c.r), ST_OK);
	EXPECT(hook_run(c.r, fail3, NULL, NULL, 0, WAIT_MS, on_chain, &c), ST_OK);
	assert_true(run_until(called, &c.next, WAIT_MS));
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.running_in_fn, 0);	/* its slot was free for the next */
	expect_result("the run its callback started", &c.next, HOOK_OK, 0);
	hook_runner_free(c.r);
	no_children();
}

static int
chain_called(void *arg)
{
	return ((struct chain *)arg)->calls > 0;
}

static void
test_fn_frees(void **state)
{
	struct chain c = { 0 };
	char fail3[256], slow[256];

	(void)state;
	script(fail3, "fail3.sh", "exit 3");
	script(slow, "slow2.sh", "exec sleep 30");
	c.free_in_fn = 1;
	EXPECT(hook_runner_new(base, 2, &c.r), ST_OK);
	EXPECT(hook_run(c.r, slow, NULL, NULL, 0, 60000, on_done, &c.other), ST_OK);
	EXPECT(hook_run(c.r, fail3, NULL, NULL, 0, WAIT_MS, on_chain, &c), ST_OK);
	assert_true(run_until(chain_called, &c, WAIT_MS));
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.running_in_fn, 1);
	assert_null(c.r);
	settle(20);
	assert_int_equal(c.other.calls, 0);	/* killed and reaped, untold */
	no_children();
}

/* ---- 9. a background child that keeps the output open ---- */

static void
test_drain(void **state)
{
	char p[256];
	struct done d;
	int64_t t0;
	pid_t bg;

	(void)state;
	forget("bg.pid");
	script(p, "leaves.sh",
	    "sleep 30 &\n"
	    "echo $! > \"$d/bg.pid\"\n"
	    "echo sent\n"
	    "exit 0");
	t0 = stamp_mono_ms();
	run(p, NULL, NULL, 0, WAIT_MS, &d);
	expect_result("exits 0, its child holds stdout", &d, HOOK_OK, 0);
	assert_string_equal(d.out, "sent\n");
	assert_true(d.at_ms - t0 < 3000);	/* the drain, not the timeout */
	bg = read_pid("bg.pid");
	/* what outlives a command that succeeded is left to it; tidy up */
	assert_false(gone(&bg));
	assert_int_equal(kill(bg, SIGKILL), 0);
	assert_true(run_until(gone, &bg, WAIT_MS));
	no_children();
}

/* ---- the group ---- */

static int
group_setup(void **state)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)state;
	/* a write to a command that stopped reading kills us unless the
	 * runner guards it itself */
	if (sigaction(SIGPIPE, &dfl, NULL) != 0 || !mkdtemp(dir) || testloop_init())
		return -1;
	base = testloop_base;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	testloop_done();
	return testdir_remove(dir);
}

#define CASES(t, fn) \
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) \
		tests[n++] = (struct CMUnitTest){ t[i].name, fn, NULL, NULL, (void *)&t[i] }

int
main(void)
{
	struct CMUnitTest tests[64];
	size_t n = 0;

	CASES(env_cases, test_env);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_signals);
	CASES(end_cases, test_end);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_timeout);
	CASES(in_cases, test_stdin);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_stdin_closed);
	CASES(noexec_cases, test_noexec);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_refused);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_busy);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_free_kills);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fn_runs_next);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_fn_frees);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_drain);
	return _cmocka_run_group_tests("hook", tests, n, group_setup, group_teardown);
}
