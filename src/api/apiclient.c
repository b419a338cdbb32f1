/* apiclient.c - a blocking client for the local API. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "api/apiclient.h"
#include "util/file.h"
#include "util/stamp.h"

#define LINE_MAX_BYTES (128u << 20)

struct apiclient {
	int fd;
	struct buf in;
};

status
apiclient_open(const char *dir, struct apiclient **out)
{
	struct sockaddr_un sun;
	struct apiclient *c;
	int fd;

	*out = NULL;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (file_join(sun.sun_path, sizeof sun.sun_path, dir, "parleyd.sock"))
		return ST_TOOBIG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ST_IO;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		int err = errno;

		close(fd);
		errno = err;
		/* nothing listens there; any other cause is not "not running" */
		return err == ENOENT || err == ECONNREFUSED ? ST_DOWN : ST_IO;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return ST_NOMEM;
	}
	c->fd = fd;
	buf_init(&c->in, LINE_MAX_BYTES);
	*out = c;
	return ST_OK;
}

void
apiclient_close(struct apiclient *c)
{
	if (!c)
		return;
	close(c->fd);
	buf_free(&c->in);
	free(c);
}

status
apiclient_send(struct apiclient *c, const json_t *req)
{
	char *text = json_dumps(req, JSON_COMPACT);
	size_t n, off = 0;
	status rc = ST_OK;

	if (!text)
		return ST_NOMEM;
	n = strlen(text);
	text[n] = '\n';	/* json_dumps leaves room: the NUL becomes the newline */
	n++;
	while (off < n) {
		ssize_t w = send(c->fd, text + off, n - off, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = ST_DOWN;
			break;
		}
		off += (size_t)w;
	}
	free(text);
	return rc;
}

status
apiclient_recv(struct apiclient *c, int timeout_ms, json_t **resp)
{
	int64_t deadline = stamp_mono_ms() + timeout_ms;
	char chunk[65536];

	*resp = NULL;
	for (;;) {
		char *nl = c->in.len ? memchr(c->in.p, '\n', c->in.len) : NULL;
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		int wait = -1;
		ssize_t r;

		if (nl) {
			size_t n = (size_t)(nl - c->in.p);

			*resp = json_loadb(c->in.p, n, 0, NULL);
			memmove(c->in.p, nl + 1, c->in.len - n - 1);
			buf_truncate(&c->in, c->in.len - n - 1);
			return *resp ? ST_OK : ST_PARSE;
		}
		if (timeout_ms >= 0) {
			int64_t left = deadline - stamp_mono_ms();

			if (left <= 0)
				return ST_TIMEOUT;
			wait = (int)left;
		}
		if (poll(&pfd, 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			return ST_IO;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = recv(c->fd, chunk, sizeof chunk, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ST_DOWN;
		if (buf_add(&c->in, chunk, (size_t)r) != ST_OK)
			return ST_TOOBIG;
	}
}
