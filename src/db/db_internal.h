/*
 * Shared by the SQLite backend's files only: the connection, its statement cache and the
 * binding and error helpers. Nothing outside src/db/ includes this.
 */
#ifndef EP_DB_INTERNAL_H
#define EP_DB_INTERNAL_H

#include <sqlite3.h>

#include "core/map.h"
#include "db/db.h"

#define DB_STMT_CACHE 512 /* a power of two, more than the statements empact has */

struct ep_db {
	sqlite3 *h;
	int in_tx;
	int64_t busy_timeout_ms;
	struct {
		const char *sql; /* the cache is keyed by the address of the SQL text */
		sqlite3_stmt *stmt;
	} cache[DB_STMT_CACHE];
	/* statements whose SQL is assembled at run time (from resource descriptions), keyed by
	 * their text */
	ep_map dyn;
	sqlite3_stmt **dynv;
	size_t ndyn, capdyn;
	char path[1024];
};

/* The prepared statement for sql (a string literal: it is cached by address), reset and with
 * its bindings cleared. NULL on failure, with err filled. */
sqlite3_stmt *db_stmt(ep_db *db, const char *sql, ep_err *err);
/* The same for SQL assembled at run time: cached by its text (copied). */
sqlite3_stmt *db_stmt_text(ep_db *db, const char *sql, ep_err *err);
/* Turns the connection's last error into a status and message: constraint failures become
 * EP_E_CONFLICT, everything else EP_E_INTERNAL. what says what was being done. */
ep_status db_fail(ep_db *db, ep_err *err, const char *what);

void db_bind_text(sqlite3_stmt *st, int i, const char *s); /* NULL binds NULL */
void db_bind_id(sqlite3_stmt *st, int i, int64_t id);       /* 0 binds NULL */
void db_bind_i64(sqlite3_stmt *st, int i, int64_t v);
/* Steps a statement that returns no rows. */
ep_status db_exec_stmt(ep_db *db, sqlite3_stmt *st, ep_err *err, const char *what);
/* Steps an INSERT and returns the new row id. */
ep_status db_insert_stmt(ep_db *db, sqlite3_stmt *st, int64_t *id, ep_err *err, const char *what);
/* Steps a query expecting one row with one integer. EP_E_NOTFOUND if no row. */
ep_status db_one_i64(ep_db *db, sqlite3_stmt *st, int64_t *out, ep_err *err, const char *what);
/* A column as text, or NULL when SQL NULL. */
const char *db_col_text(sqlite3_stmt *st, int i);
int64_t db_col_i64(sqlite3_stmt *st, int i); /* NULL reads as 0 */

/* Binds what a caller may read to ?91-?97 of a visibility condition (db_res_defs.c). */
struct ep_vis;
void db_bind_vis(sqlite3_stmt *st, const struct ep_vis *v);
#define DB_STOPPED(err) ep_err_set(err, EP_E_INTERNAL, NULL, "stopped")

#endif
