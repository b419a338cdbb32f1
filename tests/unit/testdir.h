/* testdir.h - removing a unit test's temp dir (flat: files only). */
#ifndef PARLEY_TESTDIR_H
#define PARLEY_TESTDIR_H

#include <dirent.h>
#include <fcntl.h>
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

#endif
