/* file.h - small durable file operations (OpenSMTPD's queue_fs discipline). */
#ifndef PARLEY_FILE_H
#define PARLEY_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

/* file_write_new - create path (O_EXCL) with mode, write, fsync the file and
 * its directory.  ST_EXISTS if it exists; on any other failure the partial
 * file is removed. */
status file_write_new(const char *path, const void *data, size_t n, mode_t mode) WUR;
/* file_replace - write a temporary beside path, fsync, rename over path,
 * fsync the directory.  Readers see the old or the new file, never a mix. */
status file_replace(const char *path, const void *data, size_t n, mode_t mode) WUR;
/* file_read - append the whole file to out (bounded by out's max).
 * ST_NOTFOUND if missing, ST_TOOBIG if larger than out allows; ST_IO
 * otherwise, with errno naming the cause (EACCES, EISDIR, ENOTDIR...). */
status file_read(const char *path, struct buf *out) WUR;
/* file_read_fd - the same, from an open descriptor (e.g. stdin). */
status file_read_fd(int fd, struct buf *out) WUR;
/* file_join - path = dir "/" name, bounded; ST_TOOBIG if it does not fit. */
status file_join(char *path, size_t cap, const char *dir, const char *name) WUR;

#endif
