/*
 * Shared by the unit tests: cmocka, and small helpers for temporary database files.
 */
#ifndef EP_TESTUTIL_H
#define EP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdbool.h>
#include <cmocka.h>

/* A fresh path for a temporary database under $TMPDIR (or /tmp); the file does not exist. */
static inline void tu_temp_path(char *out, size_t n, const char *tag)
{
	const char *dir = getenv("TMPDIR");
	static unsigned counter;
	snprintf(out, n, "%s/empact-test-%ld-%s-%u.db", dir && dir[0] ? dir : "/tmp", (long)getpid(), tag,
		 counter++);
	unlink(out);
}

/* Removes a database file and its WAL companions. */
static inline void tu_remove_db(const char *path)
{
	char p[1200];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof p, "%s.anchor", path);
	unlink(p);
}

#endif
