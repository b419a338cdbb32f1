/* testdir.h - a unit test's temp dir: removing it (flat: files only), and
 * copying a file in it (a store backed up and put back). */
#ifndef PARLEY_TESTDIR_H
#define PARLEY_TESTDIR_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* testdir_remove - unlink every file in dir, then dir; rmdir's result
 * (-1 also when dir cannot be opened). */
static int
testdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	return rmdir(dir);
}

/* testdir_store_path - a new temp dir /tmp/parley-test-NAME-XXXXXX into
 * dir and the path of a store in it (DIR/parley.db) into path; 0, or -1
 * (dir not made, or a name too long). */
static inline int
testdir_store_path(const char *name, char *dir, size_t dcap, char *path, size_t pcap)
{
	int n = snprintf(dir, dcap, "/tmp/parley-test-%s-XXXXXX", name);

	if (n < 0 || (size_t)n >= dcap || !mkdtemp(dir))
		return -1;
	n = snprintf(path, pcap, "%s/parley.db", dir);
	return n < 0 || (size_t)n >= pcap ? -1 : 0;
}

/* testdir_copy - copy the file from to to (made 0600), asserting each step
 * (cmocka.h first). */
static inline void
testdir_copy(const char *from, const char *to)
{
	char chunk[8192];
	ssize_t got;
	int in = open(from, O_RDONLY), out;

	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);
	while ((got = read(in, chunk, sizeof chunk)) > 0)
		assert_int_equal(write(out, chunk, (size_t)got), got);
	assert_int_equal(got, 0);
	close(in);
	assert_int_equal(close(out), 0);
}

#endif
