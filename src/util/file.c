/* file.c - durable file operations.
 *
 * SECURITY: key files go through file_write_new with mode 0600; O_EXCL
 * guarantees we never write through a planted file or symlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"

static status
sync_dir(const char *path)
{
	char copy[4096];
	int fd, rc;

	if (strlen(path) >= sizeof copy)
		return ST_TOOBIG;
	memcpy(copy, path, strlen(path) + 1);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ST_IO;
	rc = fsync(fd);
	close(fd);
	return rc == 0 ? ST_OK : ST_IO;
}

static status
write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return ST_IO;
		}
		p += w;
		n -= (size_t)w;
	}
	return fsync(fd) == 0 ? ST_OK : ST_IO;
}

status
file_write_new(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd;
	status rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == EEXIST ? ST_EXISTS : ST_IO;
	if (fchmod(fd, mode) != 0)	/* umask must not widen or narrow it */
		rc = ST_IO;
	else
		rc = write_all(fd, data, n);
	if (close(fd) != 0 && !rc)
		rc = ST_IO;
	if (!rc)
		rc = sync_dir(path);
	if (rc)
		unlink(path);
	return rc;
}

status
file_replace(const char *path, const void *data, size_t n, mode_t mode)
{
	char tmp[4096];
	status rc;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return ST_TOOBIG;
	unlink(tmp);	/* a leftover from a crash mid-write */
	rc = file_write_new(tmp, data, n, mode);
	if (rc)
		return rc;
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return ST_IO;
	}
	return sync_dir(path);
}

status
file_read_fd(int fd, struct buf *out)
{
	char chunk[65536];

	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		status rc;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ST_IO;
		}
		if (r == 0)
			return ST_OK;
		rc = buf_add(out, chunk, (size_t)r);
		if (rc)
			return rc;
	}
}

status
file_read(const char *path, struct buf *out)
{
	int fd, err;
	status rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ST_NOTFOUND : ST_IO;
	rc = file_read_fd(fd, out);
	err = errno;
	close(fd);
	errno = err;	/* the cause of a failed read, not close's */
	return rc;
}

status
file_join(char *path, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(path, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? ST_TOOBIG : ST_OK;
}
