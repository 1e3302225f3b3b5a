/*
 * Unit tests of the storage of people (db/db_user.h): accounts with their organisation, roles
 * with every kind of scope, the JSON readers, TOTP state, sessions (which end when the
 * password changes or the account is disabled) and API tokens (found by hash, revoked once).
 * Each test works on a fresh database migrated to the latest schema.
 */
#include "testutil.h"

#include <jansson.h>

#include "core/status.h"
#include "db/db.h"
#include "db/db_user.h"

typedef struct fixture {
	char path[1024];
	ep_db *db;
	int64_t org_nl, org_europol;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	tu_temp_path(f->path, sizeof f->path, "user");
	ep_db_opts opts = {.create = true};
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(f->path, &opts, &f->db, &err), EP_OK);
	assert_int_equal(ep_db_migrate(f->db, NULL, &err), EP_OK);
	ep_org nl = {.code = "NL", .kind = "member_state", .name = "Netherlands", .country = "NL"};
	ep_org eu = {.code = "EUROPOL", .kind = "eu_agency", .name = "Europol"};
	assert_int_equal(ep_db_org_insert(f->db, &nl, &f->org_nl, &err), EP_OK);
	assert_int_equal(ep_db_org_insert(f->db, &eu, &f->org_europol, &err), EP_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	ep_db_close(f->db);
	tu_remove_db(f->path);
	free(f);
	return 0;
}

static const unsigned char HASH_A[32] = {1, 2, 3};
static const unsigned char HASH_B[32] = {4, 5, 6};
static const unsigned char HASH_C[32] = {7, 8, 9};

static void test_insert_and_read(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t id = 0, id2 = 0;
	assert_int_equal(ep_db_user_insert(f->db, "anna", "Anna de Vries", "anna@example.nl", f->org_nl, 1, "$hash$",
					   &id, &err),
			 EP_OK);
	assert_true(id > 0);
	ep_user u;
	assert_int_equal(ep_db_user_by_name(f->db, "anna", &u, &err), EP_OK);
	assert_int_equal(u.id, id);
	assert_string_equal(u.username, "anna");
	assert_string_equal(u.display_name, "Anna de Vries");
	assert_string_equal(u.email, "anna@example.nl");
	assert_int_equal(u.org_id, f->org_nl);
	assert_string_equal(u.org_code, "NL");
	assert_string_equal(u.org_kind, "member_state");
	assert_string_equal(u.org_country, "NL");
	assert_int_equal(u.clearance, 1);
	assert_false(u.disabled);
	assert_string_equal(u.password_hash, "$hash$");
	assert_string_equal(u.totp_secret, "");
	assert_string_equal(u.totp_pending, "");
	assert_int_equal(u.totp_last_step, 0);
	assert_int_equal(u.version, 1);

	/* No organisation, no password, no display name: the name stands in for it. */
	assert_int_equal(ep_db_user_insert(f->db, "guest", NULL, NULL, 0, 0, NULL, &id2, &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, id2, &u, &err), EP_OK);
	assert_string_equal(u.username, "guest");
	assert_string_equal(u.display_name, "guest");
	assert_string_equal(u.email, "");
	assert_int_equal(u.org_id, 0);
	assert_string_equal(u.org_code, "");
	assert_string_equal(u.org_kind, "");
	assert_string_equal(u.org_country, "");
	assert_string_equal(u.password_hash, "");

	/* An organisation without a country. */
	assert_int_equal(ep_db_user_insert(f->db, "eve", "Eve", NULL, f->org_europol, 0, "$h$", NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_by_name(f->db, "eve", &u, &err), EP_OK);
	assert_string_equal(u.org_code, "EUROPOL");
	assert_string_equal(u.org_country, "");
}

static void test_insert_conflicts_and_not_found(void **state)
{
	fixture *f = *state;
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_user_insert(f->db, "anna", "A", NULL, f->org_nl, 0, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_insert(f->db, "anna", "B", NULL, 0, 0, NULL, NULL, &err), EP_E_CONFLICT);
	assert_string_equal(err.field, "username");
	assert_non_null(strstr(err.msg, "anna"));
	assert_int_equal(ep_db_user_insert(f->db, "bob", "B", NULL, 987654, 0, NULL, NULL, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_user_insert(f->db, "carl", "C", NULL, 0, 9, NULL, NULL, &err), EP_E_CONFLICT);

	ep_user u;
	assert_int_equal(ep_db_user_by_name(f->db, "nobody", &u, &err), EP_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "nobody"));
	assert_int_equal(ep_db_user_by_id(f->db, 987654, &u, &err), EP_E_NOTFOUND);

	int64_t id;
	assert_int_equal(ep_db_org_id_by_code(f->db, "NL", &id, &err), EP_OK);
	assert_int_equal(id, f->org_nl);
	assert_int_equal(ep_db_org_id_by_code(f->db, "XX", &id, &err), EP_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "XX"));

	/* Changes to an account that does not exist. */
	assert_int_equal(ep_db_user_set_password(f->db, 987654, "$h$", &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_user_set_disabled(f->db, 987654, true, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_user_set_totp(f->db, 987654, "ABC", NULL, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_user_totp_used(f->db, 987654, 5, &err), EP_E_NOTFOUND);
}

static void test_roles(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t uid, rid = 0;
	assert_int_equal(ep_db_user_insert(f->db, "anna", "A", NULL, f->org_nl, 1, NULL, &uid, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, uid, "admin", "global", 0, NULL, &rid, &err), EP_OK);
	assert_true(rid > 0);
	assert_int_equal(ep_db_role_add(f->db, uid, "nec", "country", 0, "NL", NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, uid, "driver", "priority", 7, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, uid, "driver", "oap", 7, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, uid, "participant", "action", 3, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, uid, "participant", "action", 4, NULL, NULL, &err), EP_OK);

	/* Exactly the same role twice is a conflict, also where the scope has NULL parts. */
	assert_int_equal(ep_db_role_add(f->db, uid, "admin", "global", 0, NULL, NULL, &err), EP_E_CONFLICT);
	assert_int_equal(ep_db_role_add(f->db, uid, "nec", "country", 0, "NL", NULL, &err), EP_E_CONFLICT);
	assert_int_equal(ep_db_role_add(f->db, uid, "driver", "priority", 7, NULL, NULL, &err), EP_E_CONFLICT);
	/* The schema refuses a role or scope kind it does not know. */
	assert_int_equal(ep_db_role_add(f->db, uid, "king", "global", 0, NULL, NULL, &err), EP_E_CONFLICT);
	assert_int_equal(ep_db_role_add(f->db, uid, "nec", "planet", 0, NULL, NULL, &err), EP_E_CONFLICT);

	ep_user_role roles[EP_ROLES_MAX];
	size_t n = 0;
	assert_int_equal(ep_db_user_roles(f->db, uid, roles, EP_ROLES_MAX, &n, &err), EP_OK);
	assert_int_equal(n, 6);
	assert_int_equal(roles[0].id, rid);
	assert_string_equal(roles[0].role, "admin");
	assert_string_equal(roles[0].scope_kind, "global");
	assert_int_equal(roles[0].scope_id, 0);
	assert_string_equal(roles[0].scope_country, "");
	assert_string_equal(roles[1].role, "nec");
	assert_string_equal(roles[1].scope_kind, "country");
	assert_string_equal(roles[1].scope_country, "NL");
	assert_string_equal(roles[2].scope_kind, "priority");
	assert_int_equal(roles[2].scope_id, 7);
	assert_string_equal(roles[3].scope_kind, "oap");
	assert_int_equal(roles[5].scope_id, 4);

	/* max caps what is returned. */
	assert_int_equal(ep_db_user_roles(f->db, uid, roles, 2, &n, &err), EP_OK);
	assert_int_equal(n, 2);

	assert_int_equal(ep_db_role_remove(f->db, uid, "participant", "action", 3, NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_remove(f->db, uid, "participant", "action", 3, NULL, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_role_remove(f->db, uid, "nec", "country", 0, "DE", &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_role_remove(f->db, uid, "nec", "country", 0, "NL", &err), EP_OK);
	assert_int_equal(ep_db_role_remove(f->db, uid, "admin", "global", 0, NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_roles(f->db, uid, roles, EP_ROLES_MAX, &n, &err), EP_OK);
	assert_int_equal(n, 3);
	assert_string_equal(roles[0].role, "driver");

	/* Roles of an account with none, and of no account. */
	assert_int_equal(ep_db_user_roles(f->db, 987654, roles, EP_ROLES_MAX, &n, &err), EP_OK);
	assert_int_equal(n, 0);
}

static void test_json(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t a, b;
	assert_int_equal(ep_db_user_insert(f->db, "zoe", "Zoe", "z@example.eu", f->org_europol, 2, "$h$", &a, &err), EP_OK);
	assert_int_equal(ep_db_user_insert(f->db, "adam", "Adam", NULL, 0, 0, NULL, &b, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, a, "est", "global", 0, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, a, "nec", "country", 0, "NL", NULL, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, a, "driver", "priority", 12, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_set_totp(f->db, a, "JBSWY3DPEHPK3PXP", NULL, &err), EP_OK);

	json_t *items = NULL;
	assert_int_equal(ep_db_users_json(f->db, &items, &err), EP_OK);
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 0), *z = json_array_get(items, 1);
	assert_string_equal(json_string_value(json_object_get(first, "username")), "adam");
	assert_true(json_is_null(json_object_get(first, "org_id")));
	assert_true(json_is_null(json_object_get(first, "org_code")));
	assert_true(json_is_null(json_object_get(first, "email")));
	assert_string_equal(json_string_value(json_object_get(first, "clearance")), "unclassified");
	assert_true(json_is_false(json_object_get(first, "totp")));
	assert_int_equal(json_array_size(json_object_get(first, "roles")), 0);

	assert_int_equal(json_integer_value(json_object_get(z, "id")), a);
	assert_string_equal(json_string_value(json_object_get(z, "display_name")), "Zoe");
	assert_string_equal(json_string_value(json_object_get(z, "email")), "z@example.eu");
	assert_int_equal(json_integer_value(json_object_get(z, "org_id")), f->org_europol);
	assert_string_equal(json_string_value(json_object_get(z, "org_code")), "EUROPOL");
	assert_string_equal(json_string_value(json_object_get(z, "clearance")), "confidentiel_ue");
	assert_true(json_is_false(json_object_get(z, "disabled")));
	assert_true(json_is_true(json_object_get(z, "totp")));
	assert_int_equal(json_integer_value(json_object_get(z, "version")), 2);
	assert_null(json_object_get(z, "password_hash"));
	assert_null(json_object_get(z, "totp_secret"));
	json_t *roles = json_object_get(z, "roles");
	assert_int_equal(json_array_size(roles), 3);
	json_t *r0 = json_array_get(roles, 0), *r1 = json_array_get(roles, 1), *r2 = json_array_get(roles, 2);
	assert_string_equal(json_string_value(json_object_get(r0, "role")), "est");
	assert_string_equal(json_string_value(json_object_get(r0, "scope_kind")), "global");
	assert_true(json_is_null(json_object_get(r0, "scope_id")));
	assert_true(json_is_null(json_object_get(r0, "scope_country")));
	assert_string_equal(json_string_value(json_object_get(r1, "scope_country")), "NL");
	assert_int_equal(json_integer_value(json_object_get(r2, "scope_id")), 12);
	json_decref(items);

	json_t *one = NULL;
	assert_int_equal(ep_db_user_json(f->db, a, &one, &err), EP_OK);
	assert_string_equal(json_string_value(json_object_get(one, "username")), "zoe");
	assert_int_equal(json_array_size(json_object_get(one, "roles")), 3);
	json_decref(one);
	assert_int_equal(ep_db_user_json(f->db, 987654, &one, &err), EP_E_NOTFOUND);
}

static void test_password_and_disable_end_sessions(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t uid, other, s1, s2, s3;
	assert_int_equal(ep_db_user_insert(f->db, "anna", "A", NULL, f->org_nl, 0, "$old$", &uid, &err), EP_OK);
	assert_int_equal(ep_db_user_insert(f->db, "bert", "B", NULL, f->org_nl, 0, "$b$", &other, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_A, uid, "csrf-a", "full", 1000, "192.0.2.1", &s1, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_B, uid, "csrf-b", "enrol", 1000, NULL, &s2, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_C, other, "csrf-c", "full", 1000, NULL, &s3, &err), EP_OK);

	assert_int_equal(ep_db_begin(f->db, &err), EP_OK);
	assert_int_equal(ep_db_user_set_password(f->db, uid, "$new$", &err), EP_OK);
	assert_int_equal(ep_db_commit(f->db, &err), EP_OK);
	ep_user u;
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_string_equal(u.password_hash, "$new$");
	assert_int_equal(u.version, 2);
	ep_session s;
	assert_int_equal(ep_db_session_get(f->db, HASH_A, &s, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_session_get(f->db, HASH_B, &s, &err), EP_E_NOTFOUND);
	/* Another account's session lives on. */
	assert_int_equal(ep_db_session_get(f->db, HASH_C, &s, &err), EP_OK);

	assert_int_equal(ep_db_user_set_disabled(f->db, other, true, &err), EP_OK);
	assert_int_equal(ep_db_session_get(f->db, HASH_C, &s, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_user_by_id(f->db, other, &u, &err), EP_OK);
	assert_true(u.disabled);
	assert_int_equal(u.version, 2);
	assert_int_equal(ep_db_user_set_disabled(f->db, other, false, &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, other, &u, &err), EP_OK);
	assert_false(u.disabled);
	assert_int_equal(u.version, 3);
}

static void test_sessions(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t uid, s1, s2, s3;
	assert_int_equal(ep_db_user_insert(f->db, "anna", "A", NULL, f->org_nl, 0, "$h$", &uid, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_A, uid, "csrf-a", "enrol", 1000, "192.0.2.1", &s1, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_A, uid, "csrf-x", "full", 1000, NULL, NULL, &err), EP_E_CONFLICT);
	assert_int_equal(ep_db_session_insert(f->db, HASH_B, uid, "csrf-x", "weird", 1000, NULL, NULL, &err),
			 EP_E_CONFLICT);
	assert_int_equal(ep_db_session_insert(f->db, HASH_C, 987654, "csrf-x", "full", 1000, NULL, NULL, &err),
			 EP_E_CONFLICT);

	ep_session s;
	assert_int_equal(ep_db_session_get(f->db, HASH_A, &s, &err), EP_OK);
	assert_int_equal(s.id, s1);
	assert_int_equal(s.user_id, uid);
	assert_string_equal(s.csrf, "csrf-a");
	assert_string_equal(s.state, "enrol");
	assert_int_equal(s.created_at, 1000);
	assert_int_equal(s.seen_at, 1000);

	assert_int_equal(ep_db_session_touch(f->db, s1, 1500, &err), EP_OK);
	assert_int_equal(ep_db_session_set_state(f->db, s1, "full", &err), EP_OK);
	assert_int_equal(ep_db_session_get(f->db, HASH_A, &s, &err), EP_OK);
	assert_int_equal(s.seen_at, 1500);
	assert_int_equal(s.created_at, 1000);
	assert_string_equal(s.state, "full");
	assert_int_equal(ep_db_session_touch(f->db, 987654, 1500, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_session_set_state(f->db, 987654, "full", &err), EP_E_NOTFOUND);

	/* Ending every session but one, then that one. */
	assert_int_equal(ep_db_session_insert(f->db, HASH_B, uid, "csrf-b", "full", 2000, NULL, &s2, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_C, uid, "csrf-c", "full", 2000, NULL, &s3, &err), EP_OK);
	assert_int_equal(ep_db_sessions_end_user(f->db, uid, s2, &err), EP_OK);
	assert_int_equal(ep_db_session_get(f->db, HASH_A, &s, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_session_get(f->db, HASH_C, &s, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_session_get(f->db, HASH_B, &s, &err), EP_OK);
	assert_int_equal(ep_db_session_delete(f->db, s2, &err), EP_OK);
	assert_int_equal(ep_db_session_get(f->db, HASH_B, &s, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_session_delete(f->db, s2, &err), EP_OK);

	/* Expiry: idle too long, or too old however busy. */
	assert_int_equal(ep_db_session_insert(f->db, HASH_A, uid, "a", "full", 1000, NULL, &s1, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_B, uid, "b", "full", 5000, NULL, &s2, &err), EP_OK);
	assert_int_equal(ep_db_session_insert(f->db, HASH_C, uid, "c", "full", 100, NULL, &s3, &err), EP_OK);
	assert_int_equal(ep_db_session_touch(f->db, s3, 6000, &err), EP_OK);
	assert_int_equal(ep_db_sessions_expire(f->db, 2000, 500, &err), EP_OK);
	assert_int_equal(ep_db_session_get(f->db, HASH_A, &s, &err), EP_E_NOTFOUND); /* idle */
	assert_int_equal(ep_db_session_get(f->db, HASH_C, &s, &err), EP_E_NOTFOUND); /* old */
	assert_int_equal(ep_db_session_get(f->db, HASH_B, &s, &err), EP_OK);
	assert_int_equal(ep_db_sessions_end_user(f->db, uid, 0, &err), EP_OK);
	assert_int_equal(ep_db_session_get(f->db, HASH_B, &s, &err), EP_E_NOTFOUND);
}

static void test_totp(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t uid;
	ep_user u;
	assert_int_equal(ep_db_user_insert(f->db, "anna", "A", NULL, f->org_nl, 1, "$h$", &uid, &err), EP_OK);
	assert_int_equal(ep_db_user_set_totp(f->db, uid, NULL, "PENDINGSECRET", &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_string_equal(u.totp_secret, "");
	assert_string_equal(u.totp_pending, "PENDINGSECRET");
	assert_int_equal(ep_db_user_set_totp(f->db, uid, "PENDINGSECRET", NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_string_equal(u.totp_secret, "PENDINGSECRET");
	assert_string_equal(u.totp_pending, "");

	assert_int_equal(ep_db_user_totp_used(f->db, uid, 100, &err), EP_OK);
	assert_int_equal(ep_db_user_totp_used(f->db, uid, 100, &err), EP_E_CONFLICT);
	assert_int_equal(ep_db_user_totp_used(f->db, uid, 99, &err), EP_E_CONFLICT);
	assert_int_equal(ep_db_user_totp_used(f->db, uid, 101, &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_int_equal(u.totp_last_step, 101);
	int64_t version = u.version;

	/* A pending secret alone keeps the step; a new active secret resets it. */
	assert_int_equal(ep_db_user_set_totp(f->db, uid, "PENDINGSECRET", "NEXTSECRET", &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_int_equal(u.totp_last_step, 101);
	assert_int_equal(u.version, version + 1);
	assert_int_equal(ep_db_user_set_totp(f->db, uid, "NEXTSECRET", NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_int_equal(u.totp_last_step, 0);
	assert_string_equal(u.totp_secret, "NEXTSECRET");
	assert_int_equal(ep_db_user_set_totp(f->db, uid, NULL, NULL, &err), EP_OK);
	assert_int_equal(ep_db_user_by_id(f->db, uid, &u, &err), EP_OK);
	assert_string_equal(u.totp_secret, "");
}

static void test_tokens(void **state)
{
	fixture *f = *state;
	ep_err err;
	int64_t uid, other, t1, t2;
	assert_int_equal(ep_db_user_insert(f->db, "anna", "A", NULL, f->org_nl, 0, "$h$", &uid, &err), EP_OK);
	assert_int_equal(ep_db_user_insert(f->db, "bert", "B", NULL, f->org_nl, 0, "$h$", &other, &err), EP_OK);
	assert_int_equal(ep_db_token_insert(f->db, uid, "ci", HASH_A, 1000, 1000 + 86400, &t1, &err), EP_OK);
	assert_int_equal(ep_db_token_insert(f->db, uid, "report", HASH_B, 2000, 3000, &t2, &err), EP_OK);
	assert_int_equal(ep_db_token_insert(f->db, other, "dup", HASH_A, 2000, 3000, NULL, &err), EP_E_CONFLICT);

	ep_api_token t;
	assert_int_equal(ep_db_token_get(f->db, HASH_A, &t, &err), EP_OK);
	assert_int_equal(t.id, t1);
	assert_int_equal(t.user_id, uid);
	assert_string_equal(t.name, "ci");
	assert_int_equal(t.created_at, 1000);
	assert_int_equal(t.expires_at, 1000 + 86400);
	assert_int_equal(t.revoked_at, 0);
	assert_int_equal(ep_db_token_get(f->db, HASH_C, &t, &err), EP_E_NOTFOUND);

	/* Only the owner's tokens can be revoked; a second revocation keeps the first time. */
	assert_int_equal(ep_db_token_revoke(f->db, other, t1, 5000, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_token_revoke(f->db, uid, 987654, 5000, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_db_token_revoke(f->db, uid, t1, 5000, &err), EP_OK);
	assert_int_equal(ep_db_token_revoke(f->db, uid, t1, 6000, &err), EP_OK);
	assert_int_equal(ep_db_token_get(f->db, HASH_A, &t, &err), EP_OK);
	assert_int_equal(t.revoked_at, 5000);

	json_t *items = NULL;
	assert_int_equal(ep_db_tokens_json(f->db, uid, &items, &err), EP_OK);
	assert_int_equal(json_array_size(items), 2);
	json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1);
	assert_int_equal(json_integer_value(json_object_get(a, "id")), t1);
	assert_string_equal(json_string_value(json_object_get(a, "name")), "ci");
	assert_string_equal(json_string_value(json_object_get(a, "created_at")), "1970-01-01T00:16:40Z");
	assert_string_equal(json_string_value(json_object_get(a, "expires_at")), "1970-01-02T00:16:40Z");
	assert_string_equal(json_string_value(json_object_get(a, "revoked_at")), "1970-01-01T01:23:20Z");
	assert_true(json_is_null(json_object_get(b, "revoked_at")));
	assert_null(json_object_get(a, "token_hash"));
	json_decref(items);
	assert_int_equal(ep_db_tokens_json(f->db, other, &items, &err), EP_OK);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_conflicts_and_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_and_disable_end_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_totp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
