/*
 * Generic storage of resources (see db_res.h). Every statement is assembled from the column
 * names of a resource description, which are constants of empact, and values are always
 * bound; the assembled text is prepared once per connection and cached by its text.
 */
#include "db/db_res.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/classif.h"
#include "core/num.h"
#include "db/db_internal.h"
#include "core/banned.h"

#define SQL_MAX 8192

static bool has_archived(const ep_resdef *d)
{
	return d->archive;
}

static void select_cols(ep_buf *b, const ep_resdef *d, const char *alias)
{
	ep_buf_printf(b, "SELECT %s%sid", alias, alias[0] ? "." : "");
	for (size_t i = 0; i < d->nfields; i++)
		ep_buf_printf(b, ", %s%s%s", alias, alias[0] ? "." : "", d->fields[i].column);
	if (d->has_version)
		ep_buf_printf(b, ", %s%sversion", alias, alias[0] ? "." : "");
	if (has_archived(d))
		ep_buf_printf(b, ", %s%sarchived", alias, alias[0] ? "." : "");
	ep_buf_printf(b, " FROM %s", d->table);
}

/* The row the statement is on, as a JSON object. */
static json_t *row_json(sqlite3_stmt *st, const ep_resdef *d)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	for (size_t i = 0; i < d->nfields; i++) {
		const ep_field *f = &d->fields[i];
		int c = (int)i + 1;
		json_t *v;
		if (sqlite3_column_type(st, c) == SQLITE_NULL) {
			v = json_null();
		} else {
			switch (f->type) {
			case EP_F_INT:
			case EP_F_REF: v = json_integer(sqlite3_column_int64(st, c)); break;
			case EP_F_BOOL: v = json_boolean(sqlite3_column_int64(st, c) != 0); break;
			case EP_F_REAL: v = json_real(sqlite3_column_double(st, c)); break;
			case EP_F_CLASS: v = json_string(ep_class_token((ep_class)sqlite3_column_int64(st, c))); break;
			case EP_F_MARK: v = json_string(ep_marking_token((ep_marking)sqlite3_column_int64(st, c))); break;
			default: v = json_string((const char *)sqlite3_column_text(st, c)); break;
			}
		}
		json_object_set_new(o, f->name, v ? v : json_null());
	}
	int c = (int)d->nfields + 1;
	if (d->has_version)
		json_object_set_new(o, "version", json_integer(sqlite3_column_int64(st, c++)));
	if (has_archived(d))
		json_object_set_new(o, "archived", json_boolean(sqlite3_column_int64(st, c) != 0));
	return o;
}

ep_status ep_db_res_get(ep_db *db, const ep_resdef *d, int64_t id, json_t **out, ep_err *err)
{
	char sql[SQL_MAX];
	ep_buf b;
	ep_buf_init(&b, SQL_MAX);
	select_cols(&b, d, "");
	ep_buf_puts(&b, " WHERE id = ?1");
	snprintf(sql, sizeof sql, "%s", ep_buf_str(&b));
	ep_buf_release(&b);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_ROW) {
		*out = row_json(st, d);
		if (!*out)
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	} else if (rc == SQLITE_DONE) {
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no %s %lld", d->singular, (long long)id);
	} else {
		s = db_fail(db, err, "reading a row");
	}
	sqlite3_reset(st);
	return s;
}

/* Binds what a caller may read to the named parameters of a visibility condition; a
 * statement without one of them simply lacks it. */
void db_bind_vis(sqlite3_stmt *st, const ep_vis *v)
{
	/* A statement without a parameter refuses its binding (SQLITE_RANGE), which is harmless. */
	sqlite3_bind_int(st, 91, v->clearance);
	sqlite3_bind_int(st, 92, v->limite);
	sqlite3_bind_int(st, 93, v->all);
	sqlite3_bind_int(st, 94, v->member);
	sqlite3_bind_text(st, 95, v->priorities ? v->priorities : "[]", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 96, v->oaps ? v->oaps : "[]", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 97, v->actions ? v->actions : "[]", -1, SQLITE_TRANSIENT);
}

ep_status ep_db_res_scope(ep_db *db, const ep_resdef *d, int64_t id, const ep_vis *vis, ep_scope *out, ep_err *err)
{
	ep_buf b;
	ep_buf_init(&b, SQL_MAX);
	ep_buf_printf(&b, "%s WHERE t.id = ?1", d->scope);
	if (vis && d->vis)
		ep_buf_printf(&b, " AND %s", d->vis);
	sqlite3_stmt *st = b.len < SQL_MAX - 1 ? db_stmt_text(db, ep_buf_str(&b), err) : NULL;
	ep_buf_release(&b);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (vis)
		db_bind_vis(st, vis);
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_ROW) {
		out->priority_id = sqlite3_column_int64(st, 0);
		out->oap_id = sqlite3_column_int64(st, 1);
		out->action_id = sqlite3_column_int64(st, 2);
	} else if (rc == SQLITE_DONE) {
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no %s %lld", d->singular, (long long)id);
	} else {
		s = db_fail(db, err, "reading where a row belongs");
	}
	sqlite3_reset(st);
	return s;
}

/* Binds the text form of a value of field f (already validated by the caller). */
static void bind_text_value(sqlite3_stmt *st, int i, const ep_field *f, const char *v)
{
	int64_t n;
	ep_class c;
	ep_marking m;
	if (!v) {
		sqlite3_bind_null(st, i);
		return;
	}
	switch (f->type) {
	case EP_F_INT:
	case EP_F_REF:
		if (ep_parse_i64z(v, INT64_MIN, INT64_MAX, &n) == EP_OK)
			sqlite3_bind_int64(st, i, n);
		else
			sqlite3_bind_null(st, i);
		break;
	case EP_F_BOOL: sqlite3_bind_int(st, i, strcmp(v, "true") == 0); break;
	case EP_F_CLASS:
		sqlite3_bind_int(st, i, ep_class_parse(v, &c) == EP_OK ? (int)c : -1);
		break;
	case EP_F_MARK:
		sqlite3_bind_int(st, i, ep_marking_parse(v, &m) == EP_OK ? (int)m : -1);
		break;
	case EP_F_REAL: {
		char *end;
		double x = strtod(v, &end);
		sqlite3_bind_double(st, i, x);
		break;
	}
	default: sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT); break;
	}
}

ep_status ep_db_res_list(ep_db *db, const ep_resdef *d, const ep_list_opts *o, json_t **items, bool *more,
			 char *last_value, size_t last_value_len, int64_t *last_id, ep_err *err)
{
	ep_buf b;
	ep_buf_init(&b, SQL_MAX);
	select_cols(&b, d, "");
	ep_buf_puts(&b, " AS t WHERE 1");
	if (o->vis && d->vis)
		ep_buf_printf(&b, " AND %s", d->vis);
	int arg = 1;
	if (has_archived(d) && !o->include_archived)
		ep_buf_puts(&b, " AND archived = 0");
	for (size_t i = 0; i < o->nfilters; i++) {
		if (o->filters[i].value)
			ep_buf_printf(&b, " AND %s = ?%d", o->filters[i].field->column, arg++);
		else
			ep_buf_printf(&b, " AND %s IS NULL", o->filters[i].field->column);
	}
	int q_arg = 0;
	if (o->q && d->fts) {
		q_arg = arg++;
		ep_buf_printf(&b, " AND id IN (SELECT rowid FROM %s WHERE %s MATCH ?%d)", d->fts, d->fts, q_arg);
	}
	const char *col = o->sort ? o->sort->column : "id";
	const char *cmp = o->desc ? "<" : ">";
	int c_arg = 0;
	if (o->has_cursor) {
		c_arg = arg;
		if (o->sort)
			ep_buf_printf(&b, " AND (%s %s ?%d OR (%s = ?%d AND id %s ?%d))", col, cmp, arg, col, arg, cmp,
				      arg + 1);
		else
			ep_buf_printf(&b, " AND id %s ?%d", cmp, arg + 1);
		arg += 2;
	}
	if (o->sort)
		ep_buf_printf(&b, " ORDER BY %s %s, id %s", col, o->desc ? "DESC" : "ASC", o->desc ? "DESC" : "ASC");
	else
		ep_buf_printf(&b, " ORDER BY id %s", o->desc ? "DESC" : "ASC");
	int l_arg = arg++;
	ep_buf_printf(&b, " LIMIT ?%d", l_arg);
	if (b.len >= SQL_MAX - 1) {
		ep_buf_release(&b);
		return ep_err_set(err, EP_E_INTERNAL, NULL, "query too long");
	}
	sqlite3_stmt *st = db_stmt_text(db, ep_buf_str(&b), err);
	ep_buf_release(&b);
	if (!st)
		return EP_E_INTERNAL;
	arg = 1;
	for (size_t i = 0; i < o->nfilters; i++)
		if (o->filters[i].value)
			bind_text_value(st, arg++, o->filters[i].field, o->filters[i].value);
	if (q_arg)
		sqlite3_bind_text(st, q_arg, o->q, -1, SQLITE_TRANSIENT);
	if (c_arg) {
		if (o->sort)
			bind_text_value(st, c_arg, o->sort, o->cursor_value);
		sqlite3_bind_int64(st, c_arg + 1, o->cursor_id);
	}
	sqlite3_bind_int64(st, l_arg, o->limit + 1);
	if (o->vis)
		db_bind_vis(st, o->vis);

	json_t *arr = json_array();
	int rc;
	int64_t n = 0;
	bool cut = false;
	*more = false;
	while (arr && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == o->limit) {
			*more = true;
			break;
		}
		json_t *row = row_json(st, d);
		if (!row || json_array_append_new(arr, row) != 0) {
			json_decref(arr);
			arr = NULL;
			break;
		}
		n++;
		*last_id = sqlite3_column_int64(st, 0);
		if (o->sort) {
			int sc = 1;
			for (size_t i = 0; i < d->nfields; i++)
				if (&d->fields[i] == o->sort)
					sc = (int)i + 1;
			const char *t = (const char *)sqlite3_column_text(st, sc);
			/* A cut value would make the next page start inside this one. */
			if (snprintf(last_value, last_value_len, "%s", t ? t : "") >= (int)last_value_len) {
				cut = true;
				break;
			}
			/* Classifications and markings are compared as stored (numbers) but the
			 * cursor carries them as their numbers too, so no conversion is needed. */
		}
	}
	ep_status s = EP_OK;
	if (!arr)
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	else if (cut)
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "a sort value is too long for a cursor");
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = db_fail(db, err, "listing rows");
	sqlite3_reset(st);
	if (s != EP_OK) {
		json_decref(arr);
		return s;
	}
	*items = arr;
	return EP_OK;
}

/* Binds a JSON value to a column of field f. */
static void bind_json(sqlite3_stmt *st, int i, const ep_field *f, json_t *v)
{
	ep_class c;
	ep_marking m;
	if (!v || json_is_null(v)) {
		sqlite3_bind_null(st, i);
		return;
	}
	switch (f->type) {
	case EP_F_INT:
	case EP_F_REF: sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v)); break;
	case EP_F_BOOL: sqlite3_bind_int(st, i, json_is_true(v)); break;
	case EP_F_REAL: sqlite3_bind_double(st, i, json_number_value(v)); break;
	case EP_F_CLASS:
		sqlite3_bind_int(st, i, ep_class_parse(json_string_value(v), &c) == EP_OK ? (int)c : -1);
		break;
	case EP_F_MARK:
		sqlite3_bind_int(st, i, ep_marking_parse(json_string_value(v), &m) == EP_OK ? (int)m : -1);
		break;
	default: sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT); break;
	}
}

/* Rewrites SQLite's constraint messages in the words of the API: field names, not columns. */
static ep_status constraint_error(ep_db *db, const ep_resdef *d, ep_err *err, const char *what)
{
	ep_status s = db_fail(db, err, what);
	if (s != EP_E_CONFLICT)
		return s;
	const char *msg = sqlite3_errmsg(db->h);
	const char *u = strstr(msg, "UNIQUE constraint failed: ");
	if (u) {
		char fields[256] = "";
		size_t used = 0;
		const char *p = u + strlen("UNIQUE constraint failed: ");
		while (*p) {
			const char *dot = strchr(p, '.');
			const char *end = strstr(p, ", ");
			if (!dot)
				break;
			size_t len = end ? (size_t)(end - dot - 1) : strlen(dot + 1);
			char col[64];
			if (len >= sizeof col)
				break;
			memcpy(col, dot + 1, len);
			col[len] = '\0';
			const char *name = col;
			for (size_t i = 0; i < d->nfields; i++)
				if (strcmp(d->fields[i].column, col) == 0)
					name = d->fields[i].name;
			int w = snprintf(fields + used, sizeof fields - used, "%s%s", used ? ", " : "", name);
			if (w > 0 && (size_t)w < sizeof fields - used)
				used += (size_t)w;
			if (!end)
				break;
			p = end + 2;
		}
		return ep_err_set(err, EP_E_CONFLICT, fields, "another %s already has the same %s", d->singular, fields);
	}
	if (strstr(msg, "FOREIGN KEY"))
		return ep_err_set(err, EP_E_CONFLICT, NULL,
				  "this %s is still referred to by other records, or refers to one that does not exist",
				  d->singular);
	return ep_err_set(err, EP_E_CONFLICT, NULL, "the %s breaks a rule of the database: %s", d->singular, msg);
}

ep_status ep_db_res_insert(ep_db *db, const ep_resdef *d, json_t *obj, int64_t *id, ep_err *err)
{
	ep_buf b;
	ep_buf_init(&b, SQL_MAX);
	ep_buf_printf(&b, "INSERT INTO %s (", d->table);
	int n = 0;
	for (size_t i = 0; i < d->nfields; i++)
		if (json_object_get(obj, d->fields[i].name))
			ep_buf_printf(&b, "%s%s", n++ ? ", " : "", d->fields[i].column);
	if (n == 0) {
		ep_buf_release(&b);
		return ep_err_set(err, EP_E_INVALID, NULL, "nothing to store");
	}
	ep_buf_puts(&b, ") VALUES (");
	for (int i = 1; i <= n; i++)
		ep_buf_printf(&b, "%s?%d", i > 1 ? ", " : "", i);
	ep_buf_puts(&b, ")");
	sqlite3_stmt *st = db_stmt_text(db, ep_buf_str(&b), err);
	ep_buf_release(&b);
	if (!st)
		return EP_E_INTERNAL;
	int k = 1;
	for (size_t i = 0; i < d->nfields; i++) {
		json_t *v = json_object_get(obj, d->fields[i].name);
		if (v)
			bind_json(st, k++, &d->fields[i], v);
	}
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc != SQLITE_DONE)
		s = constraint_error(db, d, err, "storing");
	else
		*id = sqlite3_last_insert_rowid(db->h);
	sqlite3_reset(st);
	return s;
}

/* After an update or delete that changed nothing: stale version, or no such row? */
static ep_status why_unchanged(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, ep_err *err)
{
	json_t *row;
	ep_status s = ep_db_res_get(db, d, id, &row, err);
	if (s != EP_OK)
		return s;
	int64_t current = json_integer_value(json_object_get(row, "version"));
	json_decref(row);
	return ep_err_set(err, EP_E_CONFLICT, "version",
			  "the %s was changed by someone else: you sent version %lld, it is now at version %lld; "
			  "read it again and reapply your change",
			  d->singular, (long long)version, (long long)current);
}

/* Steps a write that names the version it was made against, and tells a stale version
 * (EP_E_CONFLICT on "version") from a missing row. new_version may be NULL. */
static ep_status versioned_step(ep_db *db, const ep_resdef *d, sqlite3_stmt *st, int64_t id, int64_t version,
				int64_t *new_version, ep_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc != SQLITE_DONE)
		s = constraint_error(db, d, err, what);
	else if (sqlite3_changes(db->h) == 0)
		s = why_unchanged(db, d, id, version, err);
	else if (new_version)
		*new_version = version + 1;
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_res_update(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, json_t *patch,
			   int64_t *new_version, ep_err *err)
{
	ep_buf b;
	ep_buf_init(&b, SQL_MAX);
	ep_buf_printf(&b, "UPDATE %s SET ", d->table);
	int n = 0;
	for (size_t i = 0; i < d->nfields; i++)
		if (json_object_get(patch, d->fields[i].name))
			ep_buf_printf(&b, "%s = ?%d, ", d->fields[i].column, ++n);
	ep_buf_printf(&b, "version = version + 1 WHERE id = ?%d AND version = ?%d", n + 1, n + 2);
	sqlite3_stmt *st = db_stmt_text(db, ep_buf_str(&b), err);
	ep_buf_release(&b);
	if (!st)
		return EP_E_INTERNAL;
	int k = 1;
	for (size_t i = 0; i < d->nfields; i++) {
		json_t *v = json_object_get(patch, d->fields[i].name);
		if (v)
			bind_json(st, k++, &d->fields[i], v);
	}
	sqlite3_bind_int64(st, k++, id);
	sqlite3_bind_int64(st, k, version);
	return versioned_step(db, d, st, id, version, new_version, err, "updating");
}

ep_status ep_db_res_delete(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, ep_err *err)
{
	char sql[512];
	if (d->archive)
		snprintf(sql, sizeof sql, "UPDATE %s SET archived = 1, version = version + 1 WHERE id = ?1 AND version = ?2",
			 d->table);
	else
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?1 AND version = ?2", d->table);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	return versioned_step(db, d, st, id, version, NULL, err, "deleting");
}

ep_status ep_db_res_exists(ep_db *db, const char *ref, int64_t id, ep_err *err)
{
	const ep_resdef *d = ep_resdef_find(ref);
	if (!d)
		return ep_err_set(err, EP_E_INTERNAL, NULL, "unknown resource %s", ref);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id = ?1", d->table);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int64_t got;
	return db_one_i64(db, st, &got, err, d->singular);
}

ep_status ep_db_res_set_state(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, const char *column,
			      const char *value, int64_t *new_version, ep_err *err)
{
	char sql[512];
	snprintf(sql, sizeof sql, "UPDATE %s SET %s = ?3, version = version + 1 WHERE id = ?1 AND version = ?2", d->table,
		 column);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_TRANSIENT);
	return versioned_step(db, d, st, id, version, new_version, err, "changing the state");
}

ep_status ep_db_res_touch(ep_db *db, const ep_resdef *d, int64_t id, int64_t version, int64_t *new_version,
			  ep_err *err)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE %s SET version = version + 1 WHERE id = ?1 AND version = ?2", d->table);
	sqlite3_stmt *st = db_stmt_text(db, sql, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	return versioned_step(db, d, st, id, version, new_version, err, "updating");
}
