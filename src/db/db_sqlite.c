/*
 * The SQLite backend: opening a database with empact's settings (WAL, foreign keys, full
 * synchronous writes, a busy timeout), the statement cache, the migration runner and
 * transactions. The table-group files (db_plan.c, db_oap.c, db_doc.c) hold the queries.
 */
#include "db/db_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/embed.h"
#include "core/num.h"
#include "core/time.h"
#include "core/banned.h"

#define MIGRATION_PREFIX "migrations/"

static atomic_ullong busy_retries;

uint64_t ep_db_busy_retries(void)
{
	return atomic_load(&busy_retries);
}

/* Waits for another writer with a growing pause, up to the configured timeout, counting each
 * wait for the metrics. */
static int on_busy(void *arg, int count)
{
	ep_db *db = arg;
	int pause_ms = count < 10 ? count + 1 : 20;
	if ((int64_t)count * 20 > db->busy_timeout_ms)
		return 0;
	atomic_fetch_add(&busy_retries, 1);
	struct timespec ts = {0, (long)pause_ms * 1000000L};
	nanosleep(&ts, NULL);
	return 1;
}

sqlite3_stmt *db_stmt(ep_db *db, const char *sql, ep_err *err)
{
	size_t h = ((uintptr_t)sql >> 3) * 11400714819323198485ull >> 55; /* 9 bits */
	for (size_t n = 0; n < DB_STMT_CACHE; n++, h = (h + 1) & (DB_STMT_CACHE - 1)) {
		if (db->cache[h].sql == sql) {
			sqlite3_stmt *st = db->cache[h].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
		if (!db->cache[h].sql) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
				db_fail(db, err, "preparing a statement");
				return NULL;
			}
			db->cache[h].sql = sql;
			db->cache[h].stmt = st;
			return st;
		}
	}
	ep_err_set(err, EP_E_INTERNAL, NULL, "statement cache full");
	return NULL;
}

sqlite3_stmt *db_stmt_text(ep_db *db, const char *sql, ep_err *err)
{
	int64_t idx;
	if (ep_map_get(&db->dyn, sql, &idx)) {
		sqlite3_stmt *st = db->dynv[idx];
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (db->ndyn == db->capdyn) {
		size_t cap = db->capdyn ? db->capdyn * 2 : 32;
		sqlite3_stmt **nv = realloc(db->dynv, cap * sizeof *nv);
		if (!nv) {
			ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
			return NULL;
		}
		db->dynv = nv;
		db->capdyn = cap;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		db_fail(db, err, "preparing a statement");
		return NULL;
	}
	if (ep_map_put(&db->dyn, sql, (int64_t)db->ndyn) != 0) {
		sqlite3_finalize(st);
		ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	db->dynv[db->ndyn++] = st;
	return st;
}

ep_status db_fail(ep_db *db, ep_err *err, const char *what)
{
	int code = sqlite3_extended_errcode(db->h);
	ep_status s = (code & 0xff) == SQLITE_CONSTRAINT ? EP_E_CONFLICT : EP_E_INTERNAL;
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "%s: the database is busy (another writer held it too long)", what);
	return ep_err_set(err, s, NULL, "%s: %s", what, sqlite3_errmsg(db->h));
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void db_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

void db_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st, i, v);
}

ep_status db_exec_stmt(ep_db *db, sqlite3_stmt *st, ep_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	ep_status s = rc == SQLITE_DONE || rc == SQLITE_ROW ? EP_OK : db_fail(db, err, what);
	sqlite3_reset(st);
	return s;
}

ep_status db_insert_stmt(ep_db *db, sqlite3_stmt *st, int64_t *id, ep_err *err, const char *what)
{
	ep_status s = db_exec_stmt(db, st, err, what);
	if (s == EP_OK && id)
		*id = sqlite3_last_insert_rowid(db->h);
	return s;
}

ep_status db_one_i64(ep_db *db, sqlite3_stmt *st, int64_t *out, ep_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "%s: not found", what);
	else
		s = db_fail(db, err, what);
	sqlite3_reset(st);
	return s;
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int64_t db_col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

/* ---- migrations ---- */

/* The embedded migrations are "migrations/NNNN_what.sql", embedded in name order; their
 * numbers must run 1, 2, 3, ... */
static int migration_number(const ep_embedded *e)
{
	size_t plen = strlen(MIGRATION_PREFIX);
	if (strncmp(e->name, MIGRATION_PREFIX, plen) != 0)
		return 0;
	int64_t n;
	if (ep_parse_i64(e->name + plen, 4, 1, 9999, &n) != EP_OK)
		return 0;
	return (int)n;
}

int ep_db_latest_schema(void)
{
	int latest = 0;
	for (const ep_embedded *e = ep_embedded_files; e->name; e++) {
		int n = migration_number(e);
		if (n == latest + 1)
			latest = n;
	}
	return latest;
}

static ep_status exec_sql(ep_db *db, const char *sql, ep_err *err, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ep_status s = ep_err_set(err, EP_E_INTERNAL, NULL, "%s: %s", what, msg ? msg : "failed");
		sqlite3_free(msg);
		return s;
	}
	return EP_OK;
}

static const char SQL_HAS_TABLE[] = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1";
static const char SQL_ANY_TABLE[] = "SELECT count(*) FROM sqlite_schema WHERE type = 'table'";
static const char SQL_MAX_MIGRATION[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";

ep_status ep_db_schema_version(ep_db *db, int *version, ep_err *err)
{
	sqlite3_stmt *st = db_stmt(db, SQL_HAS_TABLE, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, "schema_migrations");
	int64_t has;
	ep_status s = db_one_i64(db, st, &has, err, "reading the schema version");
	if (s != EP_OK)
		return s;
	if (!has) {
		int64_t any;
		st = db_stmt(db, SQL_ANY_TABLE, err);
		if (!st || (s = db_one_i64(db, st, &any, err, "reading the schema")) != EP_OK)
			return st ? s : EP_E_INTERNAL;
		if (any)
			return ep_err_set(err, EP_E_INVALID, NULL,
					  "%s holds tables but is not an empact database (no schema_migrations table)",
					  db->path);
		*version = 0;
		return EP_OK;
	}
	int64_t v;
	st = db_stmt(db, SQL_MAX_MIGRATION, err);
	if (!st || (s = db_one_i64(db, st, &v, err, "reading the schema version")) != EP_OK)
		return st ? s : EP_E_INTERNAL;
	*version = (int)v;
	return EP_OK;
}

static ep_status check_not_newer(ep_db *db, int *version, ep_err *err)
{
	ep_status s = ep_db_schema_version(db, version, err);
	if (s != EP_OK)
		return s;
	if (*version > ep_db_latest_schema())
		return ep_err_set(err, EP_E_INVALID, NULL,
				  "%s has schema version %d, newer than this empact knows (%d): use a newer empact",
				  db->path, *version, ep_db_latest_schema());
	return EP_OK;
}

ep_status ep_db_migrate(ep_db *db, int *applied, ep_err *err)
{
	int version, count = 0;
	ep_status s = check_not_newer(db, &version, err);
	if (s != EP_OK)
		return s;
	s = exec_sql(db,
		     "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
		     "name TEXT NOT NULL, applied_at TEXT NOT NULL)",
		     err, "creating the migration table");
	for (const ep_embedded *e = ep_embedded_files; s == EP_OK && e->name; e++) {
		int n = migration_number(e);
		if (n <= version || n > ep_db_latest_schema())
			continue;
		if ((s = ep_db_begin(db, err)) != EP_OK)
			break;
		char what[128];
		snprintf(what, sizeof what, "applying migration %s", e->name);
		s = exec_sql(db, (const char *)e->data, err, what);
		if (s == EP_OK) {
			static const char SQL_RECORD[] =
				"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)";
			sqlite3_stmt *st = db_stmt(db, SQL_RECORD, err);
			char now[EP_TIMESTAMP_LEN];
			ep_time_format(ep_time_now(), now);
			if (!st) {
				s = EP_E_INTERNAL;
			} else {
				db_bind_i64(st, 1, n);
				db_bind_text(st, 2, e->name + strlen(MIGRATION_PREFIX));
				db_bind_text(st, 3, now);
				s = db_exec_stmt(db, st, err, what);
			}
		}
		if (s == EP_OK)
			s = ep_db_commit(db, err);
		else
			ep_db_rollback(db);
		if (s == EP_OK)
			count++;
	}
	if (applied)
		*applied = count;
	return s;
}

ep_status ep_db_require_current(ep_db *db, ep_err *err)
{
	int version;
	ep_status s = check_not_newer(db, &version, err);
	if (s != EP_OK)
		return s;
	if (version == 0)
		return ep_err_set(err, EP_E_INVALID, NULL, "%s is empty: create it with 'empact init'", db->path);
	if (version < ep_db_latest_schema())
		return ep_err_set(err, EP_E_INVALID, NULL,
				  "%s has schema version %d, this empact needs %d: run 'empact migrate'", db->path,
				  version, ep_db_latest_schema());
	return EP_OK;
}

/* ---- opening and transactions ---- */

/* SQLite keeps memory statistics under one global mutex by default, which makes every
 * allocation of every worker's connection wait for the others. empact does not read them. */
static void configure_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

ep_status ep_db_open(const char *path, const ep_db_opts *opts, ep_db **out, ep_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_sqlite);
	*out = NULL;
	if (!path || !path[0])
		return ep_err_set(err, EP_E_INVALID, "db", "no database path given (--db PATH or EMPACT_DB)");
	if (!opts->create && access(path, F_OK) != 0)
		return ep_err_set(err, EP_E_NOTFOUND, "db", "no database at %s: create one with 'empact init'", path);
	ep_db *db = calloc(1, sizeof *db);
	if (!db)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	snprintf(db->path, sizeof db->path, "%s", path);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
		    (opts->create ? SQLITE_OPEN_CREATE : 0);
	ep_status s = EP_OK;
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		s = ep_err_set(err, EP_E_INVALID, "db", "cannot open the database %s: %s", path,
			       db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto done;
	}
	db->busy_timeout_ms = opts->busy_timeout_ms ? opts->busy_timeout_ms : 5000;
	sqlite3_busy_handler(db->h, on_busy, db);
	sqlite3_extended_result_codes(db->h, 1);
	/* journal_mode is the first statement to read the file: a file that is not a database
	 * fails here. */
	char *msg = NULL;
	if (sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL, NULL, &msg) != SQLITE_OK) {
		int code = sqlite3_errcode(db->h);
		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			s = ep_err_set(err, EP_E_INVALID, "db", "%s is not an empact database (SQLite: %s)", path,
				       msg ? msg : "file is not a database");
		else
			s = ep_err_set(err, EP_E_INVALID, "db", "cannot use the database %s: %s", path,
				       msg ? msg : "unknown error");
		sqlite3_free(msg);
		goto done;
	}
	if ((s = exec_sql(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", err, "configuring the database")) !=
	    EP_OK)
		goto done;
	int version;
	s = check_not_newer(db, &version, err);
done:
	if (s != EP_OK) {
		ep_db_close(db);
		return s;
	}
	*out = db;
	return EP_OK;
}

void ep_db_close(ep_db *db)
{
	if (!db)
		return;
	while (db->in_tx)
		ep_db_rollback(db);
	for (size_t i = 0; i < DB_STMT_CACHE; i++)
		if (db->cache[i].stmt)
			sqlite3_finalize(db->cache[i].stmt);
	for (size_t i = 0; i < db->ndyn; i++)
		sqlite3_finalize(db->dynv[i]);
	free(db->dynv);
	ep_map_release(&db->dyn);
	sqlite3_close(db->h);
	free(db);
}

/*
 * Transactions nest: the outermost is BEGIN IMMEDIATE (the write lock is taken at once, so a
 * writer never fails half-way on a lock upgrade), inner ones are savepoints. The server wraps a
 * whole request in one so that a change and its audit record commit together; the services
 * inside keep their own begin/commit, which then only mark a savepoint.
 */
ep_status ep_db_begin(ep_db *db, ep_err *err)
{
	static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
	static const char SQL_SAVEPOINT[] = "SAVEPOINT ep_inner";
	sqlite3_stmt *st = db_stmt(db, db->in_tx ? SQL_SAVEPOINT : SQL_BEGIN, err);
	if (!st)
		return EP_E_INTERNAL;
	ep_status s = db_exec_stmt(db, st, err, "starting a transaction");
	if (s == EP_OK)
		db->in_tx++;
	return s;
}

ep_status ep_db_commit(ep_db *db, ep_err *err)
{
	static const char SQL_COMMIT[] = "COMMIT";
	static const char SQL_RELEASE[] = "RELEASE ep_inner";
	sqlite3_stmt *st = db_stmt(db, db->in_tx > 1 ? SQL_RELEASE : SQL_COMMIT, err);
	if (!st)
		return EP_E_INTERNAL;
	ep_status s = db_exec_stmt(db, st, err, "committing");
	if (s == EP_OK && db->in_tx > 0)
		db->in_tx--;
	return s;
}

void ep_db_rollback(ep_db *db)
{
	if (db->in_tx > 1) {
		sqlite3_exec(db->h, "ROLLBACK TO ep_inner; RELEASE ep_inner", NULL, NULL, NULL);
		db->in_tx--;
		return;
	}
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = 0;
}

bool ep_db_in_transaction(const ep_db *db)
{
	return db->in_tx > 0;
}

ep_status ep_db_change_stamp(ep_db *db, uint64_t stamp[2], ep_err *err)
{
	static const char SQL[] = "PRAGMA data_version";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	int64_t v;
	ep_status s = db_one_i64(db, st, &v, err, "reading the data version");
	if (s != EP_OK)
		return s;
	stamp[0] = (uint64_t)v;
	stamp[1] = (uint64_t)sqlite3_total_changes64(db->h);
	return EP_OK;
}

ep_status ep_db_counts_get(ep_db *db, ep_db_counts *c, ep_err *err)
{
	static const char SQL_COUNTS[] =
		"SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM cycles),"
		" (SELECT count(*) FROM priorities), (SELECT count(*) FROM strategic_goals),"
		" (SELECT count(*) FROM shared_goals), (SELECT count(*) FROM oaps),"
		" (SELECT count(*) FROM oap_sections), (SELECT count(*) FROM actions),"
		" (SELECT count(*) FROM action_participants), (SELECT count(*) FROM kpis),"
		" (SELECT count(*) FROM council_documents)";
	sqlite3_stmt *st = db_stmt(db, SQL_COUNTS, err);
	if (!st)
		return EP_E_INTERNAL;
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(db, err, "counting rows");
	int64_t *f[] = {&c->organisations, &c->cycles, &c->priorities, &c->goals, &c->shared_goals, &c->oaps,
			&c->sections, &c->actions, &c->participants, &c->kpis, &c->documents};
	for (int i = 0; i < 11; i++)
		*f[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	return EP_OK;
}
