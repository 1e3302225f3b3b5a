/*
 * Storage of people (see db_user.h): accounts with their organisation, the scoped roles they
 * hold, their sessions and their API tokens. Sessions and tokens are found by the SHA-256 of
 * the secret the client holds. Changes to an account that must end its sessions (a new
 * password, disabling) run both statements here; the caller holds the transaction.
 */
#include "db/db_user.h"

#include <stdio.h>
#include <string.h>

#include "core/classif.h"
#include "core/time.h"
#include "db/db_internal.h"
#include "core/banned.h"

/* Copies src (NULL reads as "") into dst of n bytes, cutting what does not fit. */
static void copy_text(char *dst, size_t n, const char *src)
{
	size_t len = src ? strlen(src) : 0;
	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The rows the last statement changed. */
static int64_t changes(ep_db *db)
{
	return (int64_t)sqlite3_changes(db->h);
}

/* ---- accounts ---- */

#define USER_COLS                                                                                          \
	"u.id, u.username, u.display_name, u.email, u.org_id, o.code, o.kind, o.country, u.clearance, u.disabled," \
	" u.password_hash, u.totp_secret, u.totp_pending, u.totp_last_step, u.version"
#define USER_FROM " FROM users u LEFT JOIN organisations o ON o.id = u.org_id"

static void read_user(sqlite3_stmt *st, ep_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_col_i64(st, 0);
	copy_text(u->username, sizeof u->username, db_col_text(st, 1));
	copy_text(u->display_name, sizeof u->display_name, db_col_text(st, 2));
	copy_text(u->email, sizeof u->email, db_col_text(st, 3));
	u->org_id = db_col_i64(st, 4);
	copy_text(u->org_code, sizeof u->org_code, db_col_text(st, 5));
	copy_text(u->org_kind, sizeof u->org_kind, db_col_text(st, 6));
	copy_text(u->org_country, sizeof u->org_country, db_col_text(st, 7));
	u->clearance = (int)db_col_i64(st, 8);
	u->disabled = db_col_i64(st, 9) != 0;
	copy_text(u->password_hash, sizeof u->password_hash, db_col_text(st, 10));
	copy_text(u->totp_secret, sizeof u->totp_secret, db_col_text(st, 11));
	copy_text(u->totp_pending, sizeof u->totp_pending, db_col_text(st, 12));
	u->totp_last_step = db_col_i64(st, 13);
	u->version = db_col_i64(st, 14);
}

/* Steps a query for one account; what names it in the not-found message. */
static ep_status one_user(ep_db *db, sqlite3_stmt *st, ep_user *u, ep_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_ROW)
		read_user(st, u);
	else if (rc == SQLITE_DONE)
		s = ep_err_set(err, EP_E_NOTFOUND, "username", "no account %s", what);
	else
		s = db_fail(db, err, "reading an account");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_user_by_name(ep_db *db, const char *username, ep_user *u, ep_err *err)
{
	static const char SQL[] = "SELECT " USER_COLS USER_FROM " WHERE u.username = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, username);
	char what[EP_USERNAME_MAX + 8];
	snprintf(what, sizeof what, "'%.*s'", EP_USERNAME_MAX, username);
	return one_user(db, st, u, err, what);
}

ep_status ep_db_user_by_id(ep_db *db, int64_t id, ep_user *u, ep_err *err)
{
	static const char SQL[] = "SELECT " USER_COLS USER_FROM " WHERE u.id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	char what[32];
	snprintf(what, sizeof what, "%lld", (long long)id);
	return one_user(db, st, u, err, what);
}

ep_status ep_db_user_roles(ep_db *db, int64_t user_id, ep_user_role *roles, size_t max, size_t *n, ep_err *err)
{
	static const char SQL[] =
		"SELECT id, role, scope_kind, scope_id, scope_country FROM user_roles WHERE user_id = ?1 ORDER BY id";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		ep_user_role *r = &roles[(*n)++];
		r->id = db_col_i64(st, 0);
		copy_text(r->role, sizeof r->role, db_col_text(st, 1));
		copy_text(r->scope_kind, sizeof r->scope_kind, db_col_text(st, 2));
		r->scope_id = db_col_i64(st, 3);
		copy_text(r->scope_country, sizeof r->scope_country, db_col_text(st, 4));
	}
	ep_status s = rc == SQLITE_ROW || rc == SQLITE_DONE ? EP_OK : db_fail(db, err, "reading roles");
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_user_insert(ep_db *db, const char *username, const char *display_name, const char *email,
			    int64_t org_id, int clearance, const char *password_hash, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO users (username, display_name, email, org_id, clearance, password_hash,"
				  " created_at, password_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	char now[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), now);
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, display_name && display_name[0] ? display_name : username);
	db_bind_text(st, 3, email && email[0] ? email : NULL);
	db_bind_id(st, 4, org_id);
	db_bind_i64(st, 5, clearance);
	db_bind_text(st, 6, password_hash);
	db_bind_text(st, 7, now);
	db_bind_text(st, 8, password_hash ? now : NULL);
	/* The step is taken here rather than by db_insert_stmt, to tell a taken name from a
	 * missing organisation by the extended code before the statement is reset. */
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_DONE) {
		if (id)
			*id = sqlite3_last_insert_rowid(db->h);
	} else if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE) {
		s = ep_err_set(err, EP_E_CONFLICT, "username", "there is already an account '%s'", username);
	} else if (sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_FOREIGNKEY) {
		s = ep_err_set(err, EP_E_NOTFOUND, "org_id", "no organisation %lld", (long long)org_id);
	} else {
		s = db_fail(db, err, "storing an account");
	}
	sqlite3_reset(st);
	return s;
}

/* EP_E_NOTFOUND unless the last statement changed a row of the account. */
static ep_status changed_one(ep_db *db, int64_t id, ep_err *err)
{
	if (changes(db) == 0)
		return ep_err_set(err, EP_E_NOTFOUND, "username", "no account %lld", (long long)id);
	return EP_OK;
}

ep_status ep_db_user_set_password(ep_db *db, int64_t id, const char *password_hash, ep_err *err)
{
	static const char SQL[] =
		"UPDATE users SET password_hash = ?2, password_changed_at = ?3, version = version + 1 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	char now[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), now);
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, password_hash);
	db_bind_text(st, 3, now);
	ep_status s = db_exec_stmt(db, st, err, "changing a password");
	if (s == EP_OK)
		s = changed_one(db, id, err);
	if (s == EP_OK)
		s = ep_db_sessions_end_user(db, id, 0, err);
	return s;
}

ep_status ep_db_user_set_disabled(ep_db *db, int64_t id, bool disabled, ep_err *err)
{
	static const char SQL[] = "UPDATE users SET disabled = ?2, version = version + 1 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, disabled ? 1 : 0);
	ep_status s = db_exec_stmt(db, st, err, "disabling an account");
	if (s == EP_OK)
		s = changed_one(db, id, err);
	if (s == EP_OK && disabled)
		s = ep_db_sessions_end_user(db, id, 0, err);
	if (s == EP_OK && disabled) {
		/* Re-enabling an account must not bring its old API tokens back to life. */
		static const char SQL_TOKENS[] =
			"UPDATE api_tokens SET revoked_at = strftime('%s', 'now') WHERE user_id = ?1 AND revoked_at IS NULL";
		sqlite3_stmt *t = db_stmt(db, SQL_TOKENS, err);
		if (!t)
			return EP_E_INTERNAL;
		db_bind_i64(t, 1, id);
		s = db_exec_stmt(db, t, err, "revoking the account's API tokens");
	}
	return s;
}

ep_status ep_db_user_set_totp(ep_db *db, int64_t id, const char *secret, const char *pending, ep_err *err)
{
	/* The right-hand sides see the row as it was, so the CASE compares with the old secret. */
	static const char SQL[] =
		"UPDATE users SET totp_last_step = CASE WHEN totp_secret IS ?2 THEN totp_last_step ELSE 0 END,"
		" totp_secret = ?2, totp_pending = ?3, version = version + 1 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, secret);
	db_bind_text(st, 3, pending);
	ep_status s = db_exec_stmt(db, st, err, "storing a TOTP secret");
	return s == EP_OK ? changed_one(db, id, err) : s;
}

ep_status ep_db_user_totp_used(ep_db *db, int64_t id, int64_t step, ep_err *err)
{
	/* No version bump: signing in is not an edit of the account, and must not make an
	 * administrator's pending change stale. */
	static const char SQL[] = "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, step);
	ep_status s = db_exec_stmt(db, st, err, "recording a TOTP code");
	if (s != EP_OK || changes(db) > 0)
		return s;
	ep_user u;
	s = ep_db_user_by_id(db, id, &u, err);
	if (s != EP_OK)
		return s;
	return ep_err_set(err, EP_E_CONFLICT, "totp", "the code is wrong or already used");
}

ep_status ep_db_user_update(ep_db *db, int64_t id, int64_t version, const char *display_name, const char *email,
			    int64_t org_id, int clearance, ep_err *err)
{
	static const char SQL[] = "UPDATE users SET display_name = ?3, email = ?4, org_id = ?5, clearance = ?6,"
				  " version = version + 1 WHERE id = ?1 AND version = ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, version);
	db_bind_text(st, 3, display_name && display_name[0] ? display_name : NULL);
	db_bind_text(st, 4, email && email[0] ? email : NULL);
	db_bind_id(st, 5, org_id);
	db_bind_i64(st, 6, clearance);
	ep_status s = db_exec_stmt(db, st, err, "changing an account");
	if (s != EP_OK || changes(db) > 0)
		return s;
	ep_user u;
	if ((s = ep_db_user_by_id(db, id, &u, err)) != EP_OK)
		return s;
	return ep_err_set(err, EP_E_CONFLICT, "version", "the account is at version %lld, not %lld: someone changed it since",
			  (long long)u.version, (long long)version);
}

ep_status ep_db_admins_enabled(ep_db *db, int64_t *n, ep_err *err)
{
	static const char SQL[] = "SELECT count(DISTINCT u.id) FROM users u JOIN user_roles r ON r.user_id = u.id"
				  " WHERE r.role = 'admin' AND u.disabled = 0";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	return db_one_i64(db, st, n, err, "counting administrators");
}

/* ---- roles ---- */

/* The id of the role row the user holds with exactly this scope, EP_E_NOTFOUND if none.
 * Absent scope parts are stored as NULL, which a UNIQUE constraint does not compare, so
 * duplicates are found here with IS. */
static ep_status role_find(ep_db *db, int64_t user_id, const char *role, const char *scope_kind, int64_t scope_id,
			   const char *country, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM user_roles WHERE user_id = ?1 AND role = ?2 AND scope_kind = ?3"
				  " AND scope_id IS ?4 AND scope_country IS ?5";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	db_bind_text(st, 2, role);
	db_bind_text(st, 3, scope_kind);
	db_bind_id(st, 4, scope_id);
	db_bind_text(st, 5, country && country[0] ? country : NULL);
	return db_one_i64(db, st, id, err, "role");
}

ep_status ep_db_role_add(ep_db *db, int64_t user_id, const char *role, const char *scope_kind, int64_t scope_id,
			 const char *country, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO user_roles (user_id, role, scope_kind, scope_id, scope_country)"
				  " VALUES (?1, ?2, ?3, ?4, ?5)";
	int64_t have;
	ep_status s = role_find(db, user_id, role, scope_kind, scope_id, country, &have, err);
	if (s == EP_OK)
		return ep_err_set(err, EP_E_CONFLICT, "role", "the account already holds the role %s with that scope", role);
	if (s != EP_E_NOTFOUND)
		return s;
	/* A principal holds at most EP_ROLES_MAX grants: one more would be silently ignored. */
	static const char SQL_COUNT[] = "SELECT count(*) FROM user_roles WHERE user_id = ?1";
	sqlite3_stmt *c = db_stmt(db, SQL_COUNT, err);
	if (!c)
		return EP_E_INTERNAL;
	db_bind_i64(c, 1, user_id);
	int64_t n = 0;
	if ((s = db_one_i64(db, c, &n, err, "counting roles")) != EP_OK)
		return s;
	if (n >= EP_ROLES_MAX)
		return ep_err_set(err, EP_E_LIMIT, "role", "the account already holds %d roles, the most one account may hold",
				  EP_ROLES_MAX);
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	db_bind_text(st, 2, role);
	db_bind_text(st, 3, scope_kind);
	db_bind_id(st, 4, scope_id);
	db_bind_text(st, 5, country && country[0] ? country : NULL);
	int64_t rid = 0;
	s = db_insert_stmt(db, st, &rid, err, "granting a role");
	if (s == EP_OK && id)
		*id = rid;
	return s;
}

ep_status ep_db_role_remove(ep_db *db, int64_t user_id, const char *role, const char *scope_kind, int64_t scope_id,
			    const char *country, ep_err *err)
{
	static const char SQL[] = "DELETE FROM user_roles WHERE id = ?1";
	int64_t have;
	ep_status s = role_find(db, user_id, role, scope_kind, scope_id, country, &have, err);
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_NOTFOUND, "role", "the account does not hold the role %s with that scope", role);
	if (s != EP_OK)
		return s;
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, have);
	return db_exec_stmt(db, st, err, "withdrawing a role");
}

/* ---- accounts as JSON ---- */

static json_t *json_text_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *json_id_or_null(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

/* Reads the accounts (all when id is 0) into *items, each with its roles. */
static ep_status users_json(ep_db *db, int64_t id, json_t **items, ep_err *err)
{
	static const char SQL_USERS[] =
		"SELECT u.id, u.username, u.display_name, u.email, u.org_id, o.code, u.clearance, u.disabled,"
		" u.totp_secret IS NOT NULL AND u.totp_secret <> '', u.version" USER_FROM
		" WHERE ?1 = 0 OR u.id = ?1 ORDER BY u.username";
	static const char SQL_ROLES[] = "SELECT user_id, role, scope_kind, scope_id, scope_country, id FROM user_roles"
					" WHERE ?1 = 0 OR user_id = ?1 ORDER BY user_id, id";
	json_t *arr = json_array();
	json_t *by_id = json_object(); /* "id" -> the account's roles array (borrowed) */
	ep_status s = EP_OK;
	if (!arr || !by_id) {
		s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
		goto done;
	}
	sqlite3_stmt *st = db_stmt(db, SQL_USERS, err);
	if (!st) {
		s = EP_E_INTERNAL;
		goto done;
	}
	db_bind_i64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *roles = json_array();
		json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:b, s:b, s:O, s:I}", "id",
				      (json_int_t)db_col_i64(st, 0), "username", db_col_text(st, 1), "display_name",
				      json_text_or_null(db_col_text(st, 2)), "email", json_text_or_null(db_col_text(st, 3)),
				      "org_id", json_id_or_null(db_col_i64(st, 4)), "org_code",
				      json_text_or_null(db_col_text(st, 5)), "clearance",
				      ep_class_token((ep_class)db_col_i64(st, 6)), "disabled", (int)(db_col_i64(st, 7) != 0),
				      "totp", (int)(db_col_i64(st, 8) != 0), "roles", roles, "version",
				      (json_int_t)db_col_i64(st, 9));
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)db_col_i64(st, 0));
		if (!roles || !o || json_array_append_new(arr, o) != 0 || json_object_set(by_id, key, roles) != 0) {
			json_decref(roles);
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
			break;
		}
		json_decref(roles);
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading accounts");
	sqlite3_reset(st);
	if (s != EP_OK)
		goto done;

	if (!(st = db_stmt(db, SQL_ROLES, err))) {
		s = EP_E_INTERNAL;
		goto done;
	}
	db_bind_i64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[32];
		snprintf(key, sizeof key, "%lld", (long long)db_col_i64(st, 0));
		json_t *roles = json_object_get(by_id, key);
		if (!roles)
			continue;
		json_t *r = json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)db_col_i64(st, 5), "role",
				      db_col_text(st, 1), "scope_kind", db_col_text(st, 2), "scope_id",
				      json_id_or_null(db_col_i64(st, 3)), "scope_country", json_text_or_null(db_col_text(st, 4)));
		if (!r || json_array_append_new(roles, r) != 0) {
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
			break;
		}
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading roles");
	sqlite3_reset(st);
done:
	json_decref(by_id);
	if (s != EP_OK) {
		json_decref(arr);
		return s;
	}
	*items = arr;
	return EP_OK;
}

ep_status ep_db_users_json(ep_db *db, json_t **items, ep_err *err)
{
	return users_json(db, 0, items, err);
}

ep_status ep_db_user_json(ep_db *db, int64_t id, json_t **out, ep_err *err)
{
	if (id <= 0)
		return ep_err_set(err, EP_E_NOTFOUND, "id", "no account %lld", (long long)id);
	json_t *items;
	ep_status s = users_json(db, id, &items, err);
	if (s != EP_OK)
		return s;
	if (json_array_size(items) == 0) {
		json_decref(items);
		return ep_err_set(err, EP_E_NOTFOUND, "id", "no account %lld", (long long)id);
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return EP_OK;
}

ep_status ep_db_org_id_by_code(ep_db *db, const char *code, int64_t *id, ep_err *err)
{
	static const char SQL[] = "SELECT id FROM organisations WHERE code = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_text(st, 1, code);
	ep_status s = db_one_i64(db, st, id, err, "organisation");
	if (s == EP_E_NOTFOUND)
		return ep_err_set(err, EP_E_NOTFOUND, "org", "no organisation '%s'", code);
	return s;
}

/* ---- sessions ---- */

ep_status ep_db_session_insert(ep_db *db, const unsigned char hash[32], int64_t user_id, const char *csrf,
			       const char *state, int64_t now, const char *address, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO sessions (token_hash, user_id, csrf, state, created_at, seen_at, address)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	db_bind_i64(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_text(st, 4, state);
	db_bind_i64(st, 5, now);
	db_bind_text(st, 6, address);
	return db_insert_stmt(db, st, id, err, "storing a session");
}

ep_status ep_db_session_get(ep_db *db, const unsigned char hash[32], ep_session *s, ep_err *err)
{
	static const char SQL[] =
		"SELECT id, user_id, csrf, state, created_at, seen_at FROM sessions WHERE token_hash = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	ep_status r = EP_OK;
	if (rc == SQLITE_ROW) {
		memset(s, 0, sizeof *s);
		s->id = db_col_i64(st, 0);
		s->user_id = db_col_i64(st, 1);
		copy_text(s->csrf, sizeof s->csrf, db_col_text(st, 2));
		copy_text(s->state, sizeof s->state, db_col_text(st, 3));
		s->created_at = db_col_i64(st, 4);
		s->seen_at = db_col_i64(st, 5);
	} else if (rc == SQLITE_DONE) {
		r = ep_err_set(err, EP_E_NOTFOUND, NULL, "no such session");
	} else {
		r = db_fail(db, err, "reading a session");
	}
	sqlite3_reset(st);
	return r;
}

/* EP_E_NOTFOUND unless the last statement changed the session. */
static ep_status session_changed(ep_db *db, ep_err *err)
{
	return changes(db) ? EP_OK : ep_err_set(err, EP_E_NOTFOUND, NULL, "no such session");
}

ep_status ep_db_session_touch(ep_db *db, int64_t id, int64_t now, ep_err *err)
{
	static const char SQL[] = "UPDATE sessions SET seen_at = ?2 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_i64(st, 2, now);
	ep_status s = db_exec_stmt(db, st, err, "touching a session");
	return s == EP_OK ? session_changed(db, err) : s;
}

ep_status ep_db_session_set_state(ep_db *db, int64_t id, const char *state, ep_err *err)
{
	static const char SQL[] = "UPDATE sessions SET state = ?2 WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	db_bind_text(st, 2, state);
	ep_status s = db_exec_stmt(db, st, err, "changing a session");
	return s == EP_OK ? session_changed(db, err) : s;
}

ep_status ep_db_session_delete(ep_db *db, int64_t id, ep_err *err)
{
	/* Ending a session that is already gone is not an error: signing out twice is fine. */
	static const char SQL[] = "DELETE FROM sessions WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, id);
	return db_exec_stmt(db, st, err, "ending a session");
}

ep_status ep_db_sessions_end_user(ep_db *db, int64_t user_id, int64_t except_id, ep_err *err)
{
	static const char SQL[] = "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	db_bind_i64(st, 2, except_id);
	return db_exec_stmt(db, st, err, "ending sessions");
}

ep_status ep_db_sessions_expire(ep_db *db, int64_t idle_before, int64_t created_before, ep_err *err)
{
	static const char SQL[] = "DELETE FROM sessions WHERE seen_at < ?1 OR created_at < ?2";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, idle_before);
	db_bind_i64(st, 2, created_before);
	return db_exec_stmt(db, st, err, "expiring sessions");
}

/* ---- API tokens ---- */

ep_status ep_db_token_insert(ep_db *db, int64_t user_id, const char *name, const unsigned char hash[32], int64_t now,
			     int64_t expires_at, int64_t *id, ep_err *err)
{
	static const char SQL[] = "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	db_bind_text(st, 2, name);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	db_bind_i64(st, 4, now);
	db_bind_i64(st, 5, expires_at);
	return db_insert_stmt(db, st, id, err, "storing an API token");
}

ep_status ep_db_token_get(ep_db *db, const unsigned char hash[32], ep_api_token *t, ep_err *err)
{
	static const char SQL[] = "SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens"
				  " WHERE token_hash = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	ep_status s = EP_OK;
	if (rc == SQLITE_ROW) {
		memset(t, 0, sizeof *t);
		t->id = db_col_i64(st, 0);
		t->user_id = db_col_i64(st, 1);
		copy_text(t->name, sizeof t->name, db_col_text(st, 2));
		t->created_at = db_col_i64(st, 3);
		t->expires_at = db_col_i64(st, 4);
		t->revoked_at = db_col_i64(st, 5);
	} else if (rc == SQLITE_DONE) {
		s = ep_err_set(err, EP_E_NOTFOUND, NULL, "no such API token");
	} else {
		s = db_fail(db, err, "reading an API token");
	}
	sqlite3_reset(st);
	return s;
}

ep_status ep_db_token_revoke(ep_db *db, int64_t user_id, int64_t id, int64_t now, ep_err *err)
{
	/* A token revoked already keeps the time it was first revoked. */
	static const char SQL[] =
		"UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?2 AND user_id = ?1";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	db_bind_i64(st, 2, id);
	db_bind_i64(st, 3, now);
	ep_status s = db_exec_stmt(db, st, err, "revoking an API token");
	if (s == EP_OK && changes(db) == 0)
		s = ep_err_set(err, EP_E_NOTFOUND, "id", "the account has no API token %lld", (long long)id);
	return s;
}

static json_t *json_time(int64_t t)
{
	char buf[EP_TIMESTAMP_LEN];
	ep_time_format(t, buf);
	return json_string(buf);
}

ep_status ep_db_tokens_json(ep_db *db, int64_t user_id, json_t **items, ep_err *err)
{
	static const char SQL[] = "SELECT id, name, created_at, expires_at, revoked_at FROM api_tokens"
				  " WHERE user_id = ?1 ORDER BY id";
	sqlite3_stmt *st = db_stmt(db, SQL, err);
	if (!st)
		return EP_E_INTERNAL;
	db_bind_i64(st, 1, user_id);
	json_t *arr = json_array();
	ep_status s = arr ? EP_OK : ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	int rc = SQLITE_DONE;
	while (s == EP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t revoked = db_col_i64(st, 4);
		json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)db_col_i64(st, 0), "name",
				      db_col_text(st, 1), "created_at", json_time(db_col_i64(st, 2)), "expires_at",
				      json_time(db_col_i64(st, 3)), "revoked_at",
				      sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null() : json_time(revoked));
		if (!o || json_array_append_new(arr, o) != 0)
			s = ep_err_set(err, EP_E_INTERNAL, NULL, "out of memory");
	}
	if (s == EP_OK && rc != SQLITE_DONE)
		s = db_fail(db, err, "reading API tokens");
	sqlite3_reset(st);
	if (s != EP_OK) {
		json_decref(arr);
		return s;
	}
	*items = arr;
	return EP_OK;
}
