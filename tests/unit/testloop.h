/* testloop.h - running one event_base until a condition, with a deadline,
 * and picking free loopback ports (unit tests on real sockets). */
#ifndef PARLEY_TESTLOOP_H
#define PARLEY_TESTLOOP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "util/stamp.h"

static struct event_base *testloop_base;
static struct event *testloop_tick;	/* keeps EVLOOP_ONCE returning while idle */

typedef int (*testloop_cond_fn)(void *arg);

static void
testloop_on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
}

/* testloop_init - the base, with a 5 ms tick; 0 or -1. */
static int
testloop_init(void)
{
	struct timeval tv = { 0, 5000 };

	testloop_base = event_base_new();
	testloop_tick = testloop_base ? event_new(testloop_base, -1, EV_PERSIST,
	    testloop_on_tick, NULL) : NULL;
	return testloop_tick && event_add(testloop_tick, &tv) == 0 ? 0 : -1;
}

static void
testloop_done(void)
{
	if (testloop_tick)
		event_free(testloop_tick);
	if (testloop_base)
		event_base_free(testloop_base);
	testloop_tick = NULL;
	testloop_base = NULL;
}

/* run_until - turn the loop until cond(arg) or ms pass; 1 when cond held. */
static int
run_until(testloop_cond_fn cond, void *arg, int ms)
{
	int64_t end = stamp_mono_ms() + ms;

	while (!cond(arg)) {
		if (stamp_mono_ms() >= end)
			return 0;
		event_base_loop(testloop_base, EVLOOP_ONCE);
	}
	return 1;
}

static int
testloop_never(void *arg)
{
	(void)arg;
	return 0;
}

/* settle - turn the loop for ms: what happens with no one asking. */
static inline void
settle(int ms)
{
	(void)run_until(testloop_never, NULL, ms);
}

/* free_port - a TCP port on 127.0.0.1 that was free a moment ago
 * (http_listen takes a port, not a socket); -1 on failure. */
static inline int
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

#endif
