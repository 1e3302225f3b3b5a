/*
 * Unit tests of account administration (svc/svc_user.h): the role table agrees with the
 * permission table, scopes parse as the command line and the API write them, user names follow
 * their rule, and the changes check their whole input, refuse what would lock everyone out, and
 * report each problem with its field. Each test works on a fresh migrated database.
 */
#include "testutil.h"

#include <jansson.h>

#include "access/access.h"
#include "core/config.h"
#include "core/status.h"
#include "db/db.h"
#include "db/db_user.h"
#include "svc/svc_user.h"

typedef struct fixture {
	char path[1024];
	ep_db *db;
	ep_config cfg;
	int64_t org_nl, admin_id;
	ep_user_admin a;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	tu_temp_path(f->path, sizeof f->path, "svcuser");
	ep_db_opts opts = {.create = true};
	ep_err err;
	ep_err_clear(&err);
	assert_int_equal(ep_db_open(f->path, &opts, &f->db, &err), EP_OK);
	assert_int_equal(ep_db_migrate(f->db, NULL, &err), EP_OK);
	ep_org nl = {.code = "NL", .kind = "member_state", .name = "Netherlands", .country = "NL"};
	assert_int_equal(ep_db_org_insert(f->db, &nl, &f->org_nl, &err), EP_OK);
	assert_int_equal(ep_db_user_insert(f->db, "root", NULL, NULL, f->org_nl, 1, "$hash$", &f->admin_id, &err), EP_OK);
	assert_int_equal(ep_db_role_add(f->db, f->admin_id, "admin", "global", 0, NULL, NULL, &err), EP_OK);
	f->cfg.max_classification = EP_CLASS_RESTREINT;
	f->a = (ep_user_admin){.db = f->db, .cfg = &f->cfg, .actor_id = f->admin_id};
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

/* Empties the problem list before the next call. */
static void reset(ep_errs *e)
{
	ep_errs_release(e);
	ep_errs_init(e);
}

/* The fields of the problems, in order, joined by commas. */
static const char *fields_of(const ep_errs *e, char *buf, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s", i ? "," : "", e->items[i].path);
	}
	return buf;
}

static void test_roles_match_the_permission_table(void **state)
{
	(void)state;
	size_t n;
	const ep_role_def *d = ep_role_defs(&n);
	assert_int_equal(n, EP_ROLE_COUNT);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(d[i].name, ep_role_token((ep_role)i));
		assert_ptr_equal(ep_role_def_find(d[i].name), &d[i]);
		/* A scoped role says how to write its scope. */
		assert_true((d[i].kinds[0] != NULL) == (d[i].scope_help != NULL));
	}
	assert_null(ep_role_def_find("wizard"));
	assert_null(ep_role_def_find(NULL));
	json_t *roles = ep_svc_roles_json();
	assert_int_equal(json_array_size(roles), EP_ROLE_COUNT);
	json_t *admin = json_array_get(roles, 0);
	assert_string_equal(json_string_value(json_object_get(admin, "title")), "Administrator");
	bool users_write = false;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(admin, "permissions"), i, p) users_write =
		users_write || strcmp(json_string_value(json_object_get(p, "name")), "users.write") == 0;
	assert_true(users_write);
	json_decref(roles);
}

static void test_scopes(void **state)
{
	(void)state;
	ep_role_scope sc;
	ep_err err;
	const ep_role_def *nec = ep_role_def_find("nec"), *driver = ep_role_def_find("driver"), *admin = ep_role_def_find("admin");
	assert_int_equal(ep_role_scope_parse(nec, "country:NL", false, &sc, &err), EP_OK);
	assert_string_equal(sc.kind, "country");
	assert_string_equal(sc.country, "NL");
	assert_string_equal(sc.text, "country:NL");
	assert_int_equal(ep_role_scope_parse(driver, "oap:12", false, &sc, &err), EP_OK);
	assert_string_equal(sc.kind, "oap");
	assert_int_equal(sc.id, 12);
	assert_int_equal(ep_role_scope_parse(admin, NULL, false, &sc, &err), EP_OK);
	assert_string_equal(sc.kind, "global");
	assert_int_equal(ep_role_scope_parse(admin, "", true, &sc, &err), EP_OK);
	/* The command line names its flag, the API its field. */
	assert_int_equal(ep_role_scope_parse(admin, "country:NL", true, &sc, &err), EP_E_INVALID);
	assert_string_equal(err.msg, "admin is a global role and takes no --scope");
	assert_int_equal(ep_role_scope_parse(admin, "country:NL", false, &sc, &err), EP_E_INVALID);
	assert_string_equal(err.msg, "admin is a global role and takes no scope");
	assert_string_equal(err.field, "scope");
	assert_int_equal(ep_role_scope_parse(nec, NULL, false, &sc, &err), EP_E_INVALID);
	assert_non_null(strstr(err.msg, "nec needs a scope: country:CC"));
	assert_int_equal(ep_role_scope_parse(nec, "country:nl", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(nec, "country:NLD", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(driver, "action:3", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(driver, "priority", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(driver, "priority:0", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(driver, "priority:-1", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(driver, "priority:9x", false, &sc, &err), EP_E_INVALID);
	assert_int_equal(ep_role_scope_parse(driver, "prio:9", false, &sc, &err), EP_E_INVALID);
}

static void test_usernames(void **state)
{
	(void)state;
	assert_true(ep_username_ok("ana"));
	assert_true(ep_username_ok("j.de-vries_2"));
	assert_true(ep_username_ok("9lives"));
	assert_false(ep_username_ok(""));
	assert_false(ep_username_ok("Ana"));
	assert_false(ep_username_ok(".ana"));
	assert_false(ep_username_ok("ana vries"));
	assert_false(ep_username_ok("ana@x"));
	char long_name[EP_USERNAME_MAX + 2];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_false(ep_username_ok(long_name));
	long_name[EP_USERNAME_MAX] = '\0';
	assert_true(ep_username_ok(long_name));
}

static void test_create_checks_every_field(void **state)
{
	fixture *f = *state;
	ep_errs errs;
	ep_errs_init(&errs);
	ep_err err;
	int64_t id = 0;
	json_t *body = json_pack("{s:s, s:s, s:I, s:s, s:s, s:i}", "username", "Bad Name", "password", "short", "org_id",
				 (json_int_t)999, "clearance", "secret_ue", "email", "nope", "colour", 1);
	assert_int_equal(ep_svc_user_create(&f->a, body, &id, &errs, &err), EP_E_INVALID);
	char buf[256];
	assert_string_equal(fields_of(&errs, buf, sizeof buf), "colour,username,org_id,clearance,email,password");
	json_decref(body);
	ep_errs_release(&errs);

	ep_errs_init(&errs);
	body = json_pack("{s:s, s:s, s:I, s:s}", "username", "ana", "password", "Copper-Meadow-Lantern-4182", "org_id",
			 (json_int_t)f->org_nl, "clearance", "restreint_ue");
	assert_int_equal(ep_svc_user_create(&f->a, body, &id, &errs, &err), EP_OK);
	assert_true(id > 0);
	assert_non_null(strstr(f->a.note, "account ana created (organisation NL, clearance restreint_ue)"));
	ep_user u;
	assert_int_equal(ep_db_user_by_id(f->db, id, &u, &err), EP_OK);
	assert_int_equal(u.clearance, EP_CLASS_RESTREINT);
	assert_null(strstr(u.password_hash, "Copper"));
	/* The same name again. */
	reset(&errs);
	assert_int_equal(ep_svc_user_create(&f->a, body, &id, &errs, &err), EP_E_INVALID);
	assert_string_equal(fields_of(&errs, buf, sizeof buf), "username");
	json_decref(body);
	ep_errs_release(&errs);
}

static void test_update_and_the_last_administrator(void **state)
{
	fixture *f = *state;
	ep_err err;
	ep_errs errs;
	ep_errs_init(&errs);
	int64_t id;
	assert_int_equal(ep_db_user_insert(f->db, "bo", NULL, NULL, f->org_nl, 0, "$hash$", &id, &err), EP_OK);
	ep_user u;
	assert_int_equal(ep_db_user_by_id(f->db, id, &u, &err), EP_OK);
	json_t *body = json_pack("{s:s, s:s}", "display_name", "Bo Visser", "clearance", "restreint_ue");
	assert_int_equal(ep_svc_user_update(&f->a, id, u.version, body, &errs, &err), EP_OK);
	assert_non_null(strstr(f->a.note, "clearance unclassified -> restreint_ue"));
	/* The same version again is stale and changes nothing. */
	json_t *stale = json_pack("{s:s}", "display_name", "Lost");
	reset(&errs);
	assert_int_equal(ep_svc_user_update(&f->a, id, u.version, stale, &errs, &err), EP_E_CONFLICT);
	assert_string_equal(err.field, "version");
	assert_int_equal(ep_db_user_by_id(f->db, id, &u, &err), EP_OK);
	assert_string_equal(u.display_name, "Bo Visser");
	/* The administrator cannot disable themselves. */
	ep_user me;
	assert_int_equal(ep_db_user_by_id(f->db, f->admin_id, &me, &err), EP_OK);
	json_t *off = json_pack("{s:b}", "disabled", 1);
	assert_int_equal(ep_svc_user_update(&f->a, f->admin_id, me.version, off, &errs, &err), EP_E_INVALID);
	char buf[128];
	assert_string_equal(fields_of(&errs, buf, sizeof buf), "disabled");
	/* The last administrator keeps the role; with a second one, it may go. */
	ep_user_role roles[4];
	size_t n;
	assert_int_equal(ep_db_user_roles(f->db, f->admin_id, roles, 4, &n, &err), EP_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ep_db_begin(f->db, &err), EP_OK);
	assert_int_equal(ep_svc_user_role_withdraw(&f->a, f->admin_id, roles[0].id, &err), EP_E_CONFLICT);
	ep_db_rollback(f->db);
	assert_int_equal(ep_db_user_roles(f->db, f->admin_id, roles, 4, &n, &err), EP_OK);
	assert_int_equal(n, 1);
	json_t *grant = json_pack("{s:s}", "role", "admin");
	int64_t rid;
	reset(&errs);
	assert_int_equal(ep_svc_user_role_grant(&f->a, id, grant, &rid, &errs, &err), EP_OK);
	assert_int_equal(ep_svc_user_role_withdraw(&f->a, f->admin_id, roles[0].id, &err), EP_OK);
	assert_non_null(strstr(f->a.note, "role admin (global) withdrawn from root"));
	json_decref(body);
	json_decref(stale);
	json_decref(off);
	json_decref(grant);
	ep_errs_release(&errs);
}

static void test_grant_checks_the_scope(void **state)
{
	fixture *f = *state;
	ep_err err;
	ep_errs errs;
	ep_errs_init(&errs);
	int64_t id, rid;
	assert_int_equal(ep_db_user_insert(f->db, "cy", NULL, NULL, f->org_nl, 1, "$hash$", &id, &err), EP_OK);
	json_t *bad = json_pack("{s:s, s:s}", "role", "nec", "scope", "country:BE");
	assert_int_equal(ep_svc_user_role_grant(&f->a, id, bad, &rid, &errs, &err), EP_E_INVALID);
	assert_non_null(strstr(errs.items[0].msg, "no Member State organisation has the country 'BE'"));
	json_t *good = json_pack("{s:s, s:s}", "role", "nec", "scope", "country:NL");
	reset(&errs);
	assert_int_equal(ep_svc_user_role_grant(&f->a, id, good, &rid, &errs, &err), EP_OK);
	assert_true(rid > 0);
	assert_int_equal(ep_svc_user_role_grant(&f->a, id, good, &rid, &errs, &err), EP_E_CONFLICT);
	assert_int_equal(ep_svc_user_role_grant(&f->a, 999, good, &rid, &errs, &err), EP_E_NOTFOUND);
	assert_int_equal(ep_svc_user_role_withdraw(&f->a, id, 999, &err), EP_E_NOTFOUND);
	json_decref(bad);
	json_decref(good);
	ep_errs_release(&errs);
}

int main(void)
{
	setenv("EMPACT_PASSWORD_COST", "test", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_match_the_permission_table),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_usernames),
		cmocka_unit_test_setup_teardown(test_create_checks_every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_and_the_last_administrator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grant_checks_the_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
