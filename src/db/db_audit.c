/*
 * Storage of the audit trail: its head, appending a record, and reading records back either
 * all in id order (verification walks a million of them, so a row costs no allocation here)
 * or a filtered page, newest first.
 */
#include "db/db_audit.h"

#include <string.h>

#include "db/db_internal.h"
#include "core/banned.h"

#define AUDIT_COLS                                                                                                 \
	"id, at, actor_id, actor, org_code, action, object_kind, object_id, outcome, request_id, detail, prev_hash, " \
	"hash"

ep_status ep_db_audit_head(ep_db *db, int64_t *id, char hash[EP_DB_AUDIT_HASH_HEX], ep_err *err)
{
	static const char SQL[] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	*id = 0;
	hash[0] = '\0';
	ep_status s = EP_OK;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *h = db_col_text(st, 1);
		size_t n = h ? (size_t)sqlite3_column_bytes(st, 1) : 0;
		*id = db_col_i64(st, 0);
		/* A stored hash of another length is tampering, which verify reports; the next record
		 * then simply chains to what is stored, cut to size. */
		if (n >= EP_DB_AUDIT_HASH_HEX)
			n = EP_DB_AUDIT_HASH_HEX - 1;
		if (n)
			memcpy(hash, h, n);
		hash[n] = '\0';
	} else if (rc != SQLITE_DONE) {
		s = db_fail(db, err, "reading the head of the audit trail");
	}
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_audit_insert(ep_db *db, const ep_db_audit_rec *r, ep_err *err)
{
	static const char SQL[] = "INSERT INTO audit (" AUDIT_COLS ") "
				  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, r->id);
	db_bind_text(st, 2, r->at);
	db_bind_id(st, 3, r->actor_id);
	db_bind_text(st, 4, r->actor);
	db_bind_text(st, 5, r->org_code);
	db_bind_text(st, 6, r->action);
	db_bind_text(st, 7, r->object_kind);
	db_bind_id(st, 8, r->object_id);
	db_bind_text(st, 9, r->outcome);
	db_bind_text(st, 10, r->request_id);
	db_bind_text(st, 11, r->detail);
	db_bind_text(st, 12, r->prev_hash);
	db_bind_text(st, 13, r->hash);
	return db_exec_stmt(db, st, err, "storing an audit record");
}

/* Writes v in decimal into out (at least 21 bytes) and returns the length. Called three times
 * per row of a verification, where snprintf would be a noticeable share of the time. */
static size_t format_i64(int64_t v, char *out)
{
	char tmp[24];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t len = 0;
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	out[len] = '\0';
	return len;
}

/* Fills r from the current row of st, which selects AUDIT_COLS. Each column is taken exactly
 * as stored: NULL stays NULL, an integer is written in decimal, anything else is its bytes. */
static void read_row(sqlite3_stmt *st, ep_db_audit_row *r)
{
	/* The numbers are read before any column is read as text, so that no type conversion can
	 * move a text this row already points to. */
	r->id = sqlite3_column_int64(st, EP_DB_AUDIT_ID);
	r->actor_id = sqlite3_column_int64(st, EP_DB_AUDIT_ACTOR_ID);
	r->object_id = sqlite3_column_int64(st, EP_DB_AUDIT_OBJECT_ID);
	const int64_t nums[3] = {r->id, r->actor_id, r->object_id};
	for (int i = 0; i < EP_DB_AUDIT_NCOLS; i++) {
		int slot = i == EP_DB_AUDIT_ID ? 0 : i == EP_DB_AUDIT_ACTOR_ID ? 1 : i == EP_DB_AUDIT_OBJECT_ID ? 2 : -1;
		if (slot >= 0 && sqlite3_column_type(st, i) == SQLITE_INTEGER) {
			r->len[i] = format_i64(nums[slot], r->num[slot]);
			r->col[i] = r->num[slot];
			continue;
		}
		/* NULL gives NULL; any other value its text, as SQLite converts it (an empty BLOB
		 * also gives NULL there, but must not read as one). */
		const char *t = (const char *)sqlite3_column_text(st, i);
		if (!t && sqlite3_column_type(st, i) != SQLITE_NULL)
			t = "";
		r->col[i] = t;
		r->len[i] = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
	}
}

static ep_status walk(ep_db *db, sqlite3_stmt *st, ep_db_audit_fn fn, void *ctx, ep_err *err)
{
	ep_status s = EP_OK;
	ep_db_audit_row r;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &r);
		if (fn(ctx, &r)) {
			s = DB_STOPPED(err);
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading the audit trail");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_audit_each(ep_db *db, ep_db_audit_fn fn, void *ctx, ep_err *err)
{
	static const char SQL[] = "SELECT " AUDIT_COLS " FROM audit ORDER BY id";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	return walk(db, st, fn, ctx, err);
}

/* Appends s to the SQL being assembled in buf. The pieces are literals and short, and buf is
 * large enough for all of them together. */
static void add_sql(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n < cap) {
		memcpy(buf + *len, s, n + 1);
		*len += n;
	}
}

ep_status ep_db_audit_list(ep_db *db, const ep_db_audit_filter *f, ep_db_audit_fn fn, void *ctx, ep_err *err)
{
	/* Only the conditions of the filters given are in the SQL, so that SQLite can use the index
	 * on (object_kind, object_id) or on at; each filter keeps its parameter number, and the
	 * statement is cached per combination (at most 2^7). */
	char sql[640];
	size_t len = 0;
	add_sql(sql, sizeof sql, &len, "SELECT " AUDIT_COLS " FROM audit WHERE 1");
	if (f->object_kind)
		add_sql(sql, sizeof sql, &len, " AND object_kind = ?1");
	if (f->object_id)
		add_sql(sql, sizeof sql, &len, " AND object_id = ?2");
	if (f->actor)
		add_sql(sql, sizeof sql, &len, " AND actor = ?3");
	if (f->since)
		add_sql(sql, sizeof sql, &len, " AND at >= ?4");
	if (f->until)
		add_sql(sql, sizeof sql, &len, " AND at < ?5");
	if (f->outcome)
		add_sql(sql, sizeof sql, &len, " AND outcome = ?6");
	if (f->before_id)
		add_sql(sql, sizeof sql, &len, " AND id < ?7");
	add_sql(sql, sizeof sql, &len, " ORDER BY id DESC LIMIT ?8");
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, f->object_kind);
	db_bind_i64(st, 2, f->object_id);
	db_bind_text(st, 3, f->actor);
	db_bind_text(st, 4, f->since);
	db_bind_text(st, 5, f->until);
	db_bind_text(st, 6, f->outcome);
	db_bind_i64(st, 7, f->before_id);
	db_bind_i64(st, 8, f->limit);
	return walk(db, st, fn, ctx, err);
}
