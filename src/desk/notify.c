/* notify.c - the desk's events to the notify command (notify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk/hook.h"
#include "desk/notify.h"
#include "util/diag.h"
#include "util/stamp.h"
#include "util/text.h"

/* One event being run, and then its outcome until it is written. */
struct run {
	struct notify *t;
	int64_t id;
	int64_t tries;
	char event[32];
	int busy;		/* running, or its outcome not yet written */
	int ended;		/* the command ended: ok, or next_ms and why */
	int ok;
	int64_t next_ms;
	char why[160];
};

struct notify {
	struct event_base *base;
	struct node *n;
	struct hook_runner *hooks;
	struct event *timer;
	struct event *flush;	/* writes the outcomes that came, in one transaction */
	struct run runs[NOTIFY_RUNNING];
	int64_t armed;
};

static void look(struct notify *t);

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	((struct notify *)arg)->armed = 0;
	look(arg);
}

/* arm - look again at due_ms (0: on the next turn). */
static void
arm(struct notify *t, int64_t due_ms)
{
	int64_t wait = due_ms ? due_ms - stamp_now_ms() : 0;
	struct timeval tv;

	if (t->armed && t->armed <= due_ms && evtimer_pending(t->timer, NULL))
		return;
	if (wait < 0)
		wait = 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000 * 1000);
	t->armed = due_ms ? due_ms : stamp_now_ms();
	evtimer_add(t->timer, &tv);
}

void
notify_kick(struct notify *t)
{
	if (t)
		arm(t, 0);
}

static int
running(const struct notify *t, int64_t id)
{
	for (int i = 0; i < NOTIFY_RUNNING; i++)
		if (t->runs[i].busy && t->runs[i].id == id)
			return 1;
	return 0;
}

/* on_flush - write every outcome that came since the last, in one
 * transaction (one fsync however many commands ended), then look again. */
static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct notify *t = arg;
	struct store *st = node_store(t->n);
	int64_t now = stamp_now_ms();
	status rc = store_begin(st);

	(void)fd;
	(void)what;
	for (int i = 0; i < NOTIFY_RUNNING && !rc; i++) {
		struct run *r = &t->runs[i];

		if (r->busy && r->ended)
			rc = r->ok ? store_desk_event_done(st, r->id, now) :
			    store_desk_event_retry(st, r->id, r->next_ms, r->why);
	}
	if (!rc)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc)
		diag_warn("notify: cannot record what the command did: %s; it runs again",
		    status_str(rc));
	for (int i = 0; i < NOTIFY_RUNNING; i++)
		if (t->runs[i].busy && t->runs[i].ended)
			t->runs[i].busy = t->runs[i].ended = 0;
	arm(t, 0);
}

static void
on_done(void *arg, enum hook_result res, int code, const char *output)
{
	struct run *r = arg;
	struct notify *t = r->t;
	int64_t backoff;
	struct buf shown;

	r->ended = 1;
	r->ok = res == HOOK_OK;
	if (!r->ok) {
		snprintf(r->why, sizeof r->why, "%s %d", res == HOOK_TIMEOUT ? "timed out:" :
		    res == HOOK_NOEXEC ? "cannot run it: errno" : "exited", code);
		backoff = 1000;
		for (int64_t i = 0; i < r->tries && backoff < NOTIFY_RETRY_MAX_MS; i++)
			backoff *= 2;
		if (backoff > NOTIFY_RETRY_MAX_MS)
			backoff = NOTIFY_RETRY_MAX_MS;
		r->next_ms = stamp_now_ms() + backoff;
		buf_init(&shown, 2 * HOOK_OUTPUT_MAX);
		if (text_escape(&shown, output, strlen(output), 0) != ST_OK)
			buf_reset(&shown);	/* cut: say nothing of it rather than half */
		diag_warn("notify: the %s event's command %s; tried again in %lld s%s%s",
		    r->event, r->why, (long long)(backoff / 1000), shown.len ? ": " : "",
		    buf_str(&shown));
		buf_free(&shown);
	}
	event_active(t->flush, EV_TIMEOUT, 0);
}

struct pick {
	struct notify *t;
	const struct config *cfg;
	int started;
	int full;
};

static int
start(void *arg, const struct store_desk_event *e)
{
	struct pick *p = arg;
	struct notify *t = p->t;
	char env[6][320];
	const char *envp[7];
	struct run *r = NULL;
	status rc;

	if (running(t, e->id))
		return 0;
	for (int i = 0; i < NOTIFY_RUNNING && !r; i++)
		if (!t->runs[i].busy)
			r = &t->runs[i];
	if (!r) {
		p->full = 1;
		return 1;
	}
	snprintf(env[0], sizeof env[0], "PARLEY_EVENT=%s", e->event);
	snprintf(env[1], sizeof env[1], "PARLEY_ID=%s", e->msg);
	snprintf(env[2], sizeof env[2], "PARLEY_PEER=%s", e->peer);
	snprintf(env[3], sizeof env[3], "PARLEY_PRIORITY=%s", e->priority);
	snprintf(env[4], sizeof env[4], "PARLEY_ROLE=%s", e->role);
	snprintf(env[5], sizeof env[5], "PARLEY_OFFICER=%s", e->officer);
	for (int i = 0; i < 6; i++)
		envp[i] = env[i];
	envp[6] = NULL;
	r->t = t;
	r->ended = 0;
	r->id = e->id;
	r->tries = e->tries;
	snprintf(r->event, sizeof r->event, "%s", e->event);
	rc = hook_run(t->hooks, p->cfg->notify_cmd, envp, e->json, strlen(e->json),
	    p->cfg->notify_timeout_ms, on_done, r);
	if (rc == ST_BUSY) {
		p->full = 1;
		return 1;
	}
	if (rc) {
		diag_warn("notify: cannot start %s: %s", p->cfg->notify_cmd, status_str(rc));
		return 1;
	}
	r->busy = 1;
	p->started++;
	return 0;
}

static void
look(struct notify *t)
{
	const struct config *cfg = node_config(t->n);
	struct store *st = node_store(t->n);
	struct pick p = { t, cfg, 0, 0 };
	int64_t next, now;
	status rc;

	if (!cfg->notify_cmd[0]) {
		/* none set: every pending event done, in one statement */
		if ((rc = store_desk_event_skip_all(st, stamp_now_ms(), "no notify_cmd set")))
			diag_warn("notify: cannot record the events: %s", status_str(rc));
		return;
	}
	rc = store_desk_event_due(st, stamp_now_ms(), NOTIFY_RUNNING * 2, start, &p);
	if (rc)
		diag_warn("notify: cannot read the desk's events: %s", status_str(rc));
	if (p.full || store_desk_event_next(st, &next) != ST_OK)
		return;	/* a callback looks again; or nothing is pending */
	now = stamp_now_ms();
	if (next > now)
		arm(t, next);
	else if (!hook_running(t->hooks))
		arm(t, now + 1000);	/* due, yet none could start: in a second */
	/* else the due ones run, and their callbacks look again */
}

status
notify_new(struct event_base *base, struct node *n, struct notify **out)
{
	struct notify *t = calloc(1, sizeof *t);
	status rc;

	*out = NULL;
	if (!t)
		return ST_NOMEM;
	t->base = base;
	t->n = n;
	if ((rc = hook_runner_new(base, NOTIFY_RUNNING, &t->hooks)) != ST_OK) {
		free(t);
		return rc;
	}
	if (!(t->timer = evtimer_new(base, on_timer, t)) ||
	    !(t->flush = event_new(base, -1, 0, on_flush, t))) {
		notify_free(t);
		return ST_NOMEM;
	}
	arm(t, 0);
	*out = t;
	return ST_OK;
}

void
notify_free(struct notify *t)
{
	if (!t)
		return;
	hook_runner_free(t->hooks);
	if (t->timer)
		event_free(t->timer);
	if (t->flush)
		event_free(t->flush);
	free(t);
}
