/*
 * Unit tests of the migration runner and of the rules for opening a database (db/db.h): a new
 * file starts at schema 0 and migrates to the latest version once; a database that is empty,
 * newer than this empact, not a database at all, or some other program's SQLite file is refused
 * with a message that says so and what to do; foreign keys are enforced; the audit trail is
 * append-only. Some tests write to the file with the SQLite C API directly, as another program
 * (or a newer empact) would.
 */
#include "testutil.h"

#include <sqlite3.h>

#include "core/status.h"
#include "db/db.h"

static const ep_db_opts CREATE = {.create = true};
static const ep_db_opts EXISTING = {.create = false};

/* Runs sql on the file at path with a connection of its own; returns the SQLite result code and
 * copies the error message (if any) into msg. */
static int raw_exec(const char *path, const char *sql, char *msg, size_t n)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	assert_int_equal(rc, SQLITE_OK);
	char *m = NULL;
	rc = sqlite3_exec(h, sql, NULL, NULL, &m);
	if (msg)
		snprintf(msg, n, "%s", m ? m : "");
	sqlite3_free(m);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
	return rc;
}

/* The single integer a query returns, read with a connection of its own. */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* A new database file migrated to the latest schema, closed again. */
static void make_current(const char *path)
{
	ep_db *db = NULL;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &CREATE, &db, &err), EP_OK);
	int applied = -1;
	assert_int_equal(ep_db_migrate(db, &applied, &err), EP_OK);
	assert_int_equal(applied, ep_db_latest_schema());
	ep_db_close(db);
}

static void test_new_file_migrates_once(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "migrate");
	ep_db *db = NULL;
	ep_err err;
	ep_err_clear(&err);
	assert_true(ep_db_latest_schema() >= 1);
	assert_int_equal(ep_db_open(path, &CREATE, &db, &err), EP_OK);
	assert_non_null(db);
	int version = -1;
	assert_int_equal(ep_db_schema_version(db, &version, &err), EP_OK);
	assert_int_equal(version, 0);

	int applied = -1;
	assert_int_equal(ep_db_migrate(db, &applied, &err), EP_OK);
	assert_int_equal(applied, ep_db_latest_schema());
	assert_int_equal(ep_db_schema_version(db, &version, &err), EP_OK);
	assert_int_equal(version, ep_db_latest_schema());

	applied = -1;
	assert_int_equal(ep_db_migrate(db, &applied, &err), EP_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(ep_db_migrate(db, NULL, &err), EP_OK);
	ep_db_close(db);

	/* Reopened without create, it is still at the latest version, each migration recorded once. */
	db = NULL;
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_OK);
	assert_int_equal(ep_db_schema_version(db, &version, &err), EP_OK);
	assert_int_equal(version, ep_db_latest_schema());
	applied = -1;
	assert_int_equal(ep_db_migrate(db, &applied, &err), EP_OK);
	assert_int_equal(applied, 0);
	ep_db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM schema_migrations"), ep_db_latest_schema());
	assert_int_equal(raw_int(path, "SELECT count(DISTINCT version) FROM schema_migrations"), ep_db_latest_schema());
	tu_remove_db(path);
}

static void test_require_current(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "current");
	ep_db *db = NULL;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &CREATE, &db, &err), EP_OK);
	assert_int_equal(ep_db_require_current(db, &err), EP_E_INVALID);
	assert_non_null(strstr(err.msg, "empact init"));
	assert_non_null(strstr(err.msg, "empty"));

	ep_err_clear(&err);
	assert_int_equal(ep_db_migrate(db, NULL, &err), EP_OK);
	assert_int_equal(ep_db_require_current(db, &err), EP_OK);
	ep_db_close(db);

	/* One migration short of the latest: told to migrate. */
	char sql[128], msg[256];
	snprintf(sql, sizeof sql, "DELETE FROM schema_migrations WHERE version = %d", ep_db_latest_schema());
	assert_int_equal(raw_exec(path, sql, msg, sizeof msg), SQLITE_OK);
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_OK);
	ep_err_clear(&err);
	if (ep_db_latest_schema() > 1) {
		assert_int_equal(ep_db_require_current(db, &err), EP_E_INVALID);
		assert_non_null(strstr(err.msg, "empact migrate"));
	}
	ep_db_close(db);
	tu_remove_db(path);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "newer");
	make_current(path);
	char sql[200], msg[256];
	snprintf(sql, sizeof sql,
		 "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '9999_future.sql', "
		 "'2099-01-01T00:00:00Z')",
		 ep_db_latest_schema() + 1);
	assert_int_equal(raw_exec(path, sql, msg, sizeof msg), SQLITE_OK);

	ep_db *db = (ep_db *)1;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_E_INVALID);
	assert_null(db);
	assert_non_null(strstr(err.msg, "newer"));
	/* Also with create: the file exists, and it is still newer. */
	ep_err_clear(&err);
	assert_int_not_equal(ep_db_open(path, &CREATE, &db, &err), EP_OK);
	assert_null(db);
	assert_non_null(strstr(err.msg, "newer"));
	/* Nothing was changed by the attempts. */
	assert_int_equal(raw_int(path, "SELECT max(version) FROM schema_migrations"), ep_db_latest_schema() + 1);
	tu_remove_db(path);
}

static void test_missing_file(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "missing");
	ep_db *db = (ep_db *)1;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_E_NOTFOUND);
	assert_null(db);
	assert_non_null(strstr(err.msg, "empact init"));
	/* Refusing did not create it. */
	assert_int_not_equal(access(path, F_OK), 0);

	ep_err_clear(&err);
	assert_int_equal(ep_db_open("", &CREATE, &db, &err), EP_E_INVALID);
	assert_null(db);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_garbage_file(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "garbage");
	unsigned char junk[8192];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof junk; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	write_bytes(path, junk, sizeof junk);
	ep_db *db = (ep_db *)1;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_E_INVALID);
	assert_null(db);
	assert_non_null(strstr(err.msg, "not an empact database"));

	/* A text file, as someone might pass by mistake. */
	static const char text[] = "[server]\nlisten = 127.0.0.1:8080\n"
				   "This is a configuration file, not a database. It is long enough to have a "
				   "header's worth of bytes that SQLite would read as its own header.\n";
	write_bytes(path, text, sizeof text - 1);
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &CREATE, &db, &err), EP_E_INVALID);
	assert_null(db);
	assert_non_null(strstr(err.msg, "not an empact database"));
	/* The file was left as it was. */
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char back[sizeof text];
	size_t n = fread(back, 1, sizeof back, f);
	fclose(f);
	assert_int_equal(n, sizeof text - 1);
	assert_memory_equal(back, text, sizeof text - 1);
	tu_remove_db(path);
}

static void test_other_sqlite_file(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "other");
	char msg[256];
	assert_int_equal(raw_exec(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
					"INSERT INTO notes (body) VALUES ('mine');",
				  msg, sizeof msg),
			 SQLITE_OK);
	ep_db *db = (ep_db *)1;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_E_INVALID);
	assert_null(db);
	assert_non_null(strstr(err.msg, "not an empact database"));
	ep_err_clear(&err);
	assert_int_not_equal(ep_db_open(path, &CREATE, &db, &err), EP_OK);
	assert_null(db);
	assert_non_null(strstr(err.msg, "not an empact database"));
	/* Not touched: no schema_migrations table was added. */
	assert_int_equal(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'"), 0);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM notes"), 1);
	tu_remove_db(path);
}

static void test_foreign_keys_on(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "fk");
	make_current(path);
	ep_db *db = NULL;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(path, &EXISTING, &db, &err), EP_OK);
	assert_int_equal(ep_db_begin(db, &err), EP_OK);
	ep_priority p = {.cycle_id = 999, .position = 1, .code = "A", .short_name = "Synthetic drugs",
			 .aim = "Reduce the production of synthetic drugs."};
	int64_t id = 0;
	ep_err_clear(&err);
	assert_int_equal(ep_db_priority_insert(db, &p, &id, &err), EP_E_CONFLICT);
	assert_true(err.msg[0] != '\0');
	ep_db_rollback(db);

	/* With a cycle that exists the same insert goes through. */
	assert_int_equal(ep_db_begin(db, &err), EP_OK);
	ep_cycle c = {.label = "2011-2013", .first_year = 2011, .last_year = 2013, .oap_period_years = 1,
		      .status = "closed"};
	int64_t cid = 0;
	assert_int_equal(ep_db_cycle_insert(db, &c, &cid, &err), EP_OK);
	p.cycle_id = cid;
	assert_int_equal(ep_db_priority_insert(db, &p, &id, &err), EP_OK);
	assert_true(id > 0);
	assert_int_equal(ep_db_commit(db, &err), EP_OK);
	ep_db_close(db);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM priorities"), 1);
	tu_remove_db(path);
}

static void test_audit_append_only(void **state)
{
	(void)state;
	char path[1024];
	tu_temp_path(path, sizeof path, "audit");
	make_current(path);
	char msg[256];
	assert_int_equal(raw_exec(path,
				  "INSERT INTO audit (at, actor, action, outcome, prev_hash, hash) VALUES "
				  "('2024-01-01T00:00:00Z', 'admin', 'load', 'ok', '0', 'h1')",
				  msg, sizeof msg),
			 SQLITE_OK);
	int rc = raw_exec(path, "UPDATE audit SET actor = 'mallory'", msg, sizeof msg);
	assert_int_not_equal(rc, SQLITE_OK);
	assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
	assert_non_null(strstr(msg, "append-only"));
	rc = raw_exec(path, "DELETE FROM audit", msg, sizeof msg);
	assert_int_not_equal(rc, SQLITE_OK);
	assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
	assert_non_null(strstr(msg, "append-only"));
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit WHERE actor = 'admin' AND hash = 'h1'"), 1);
	assert_int_equal(raw_int(path, "SELECT count(*) FROM audit"), 1);
	tu_remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_migrates_once),
		cmocka_unit_test(test_require_current),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_garbage_file),
		cmocka_unit_test(test_other_sqlite_file),
		cmocka_unit_test(test_foreign_keys_on),
		cmocka_unit_test(test_audit_append_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
