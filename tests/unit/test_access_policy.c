/*
 * The permission table and the one policy check: scopes, limited fields, clearance on writes,
 * what principals may read, and docs/access.md being the table's own output.
 */
#include "testutil.h"

#include "access/access.h"
#include "http/router.h"

/* Fills *out (a principal's lists point into itself: it is never returned by value). */
static void who(ep_principal *out, ep_role role, const char *kind, int64_t id, const char *country, int clearance,
		const char *org_kind)
{
	ep_principal p;
	memset(&p, 0, sizeof p);
	p.auth = EP_AUTH_TOKEN;
	p.user.id = 7;
	snprintf(p.user.username, sizeof p.user.username, "someone");
	snprintf(p.user.org_kind, sizeof p.user.org_kind, "%s", org_kind);
	p.user.clearance = clearance;
	p.grants[0].role = role;
	snprintf(p.grants[0].scope_kind, sizeof p.grants[0].scope_kind, "%s", kind);
	p.grants[0].scope_id = id;
	if (country)
		snprintf(p.grants[0].country, sizeof p.grants[0].country, "%s", country);
	p.ngrants = 1;
	ep_principal_derive(&p, EP_CLASS_RESTREINT, NULL);
	ep_principal_copy(out, &p);
}

static ep_target on(int64_t priority, int64_t oap, int64_t action, json_t *body)
{
	ep_target t = {.has_scope = true, .scope = {priority, oap, action}, .body = body, .writes = true};
	return t;
}

static void test_driver_writes_only_its_priority(void **state)
{
	(void)state;
	ep_principal d;
	who(&d, EP_ROLE_DRIVER, "priority", 9, NULL, 1, "member_state");
	ep_err err;
	ep_target mine = on(9, 1, 0, NULL), other = on(3, 2, 0, NULL);
	assert_int_equal(ep_access_check(&d, "oaps.write", &mine, &err), EP_OK);
	assert_int_equal(ep_access_check(&d, "oaps.write", &other, &err), EP_E_DENIED);
	assert_non_null(strstr(err.msg, "do not cover"));
	assert_int_equal(ep_access_check(&d, "oaps.transition.adopted", &mine, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&d, "documents.write", &mine, &err), EP_E_DENIED);
	/* Reads are decided in SQL: holding a reading role is enough here. */
	ep_target read = {.writes = false};
	assert_int_equal(ep_access_check(&d, "actions.read", &read, &err), EP_OK);
}

static void test_action_leader_changes_only_operational_fields(void **state)
{
	(void)state;
	ep_principal al;
	who(&al, EP_ROLE_ACTION_LEADER, "action", 5, NULL, 1, "member_state");
	ep_err err;
	json_t *ok = json_pack("{s:s, s:s}", "what", "x", "start_date", "2018-01-01");
	json_t *bad = json_pack("{s:s}", "title", "x");
	ep_target t1 = on(9, 1, 5, ok), t2 = on(9, 1, 5, bad), t3 = on(9, 1, 6, ok), t4 = on(9, 1, 5, NULL);
	assert_int_equal(ep_access_check(&al, "actions.write", &t1, &err), EP_OK);
	assert_int_equal(ep_access_check(&al, "actions.write", &t2, &err), EP_E_DENIED);
	assert_string_equal(err.field, "title");
	assert_int_equal(ep_access_check(&al, "actions.write", &t3, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&al, "actions.write", &t4, &err), EP_E_DENIED); /* no removing */
	assert_int_equal(ep_access_check(&al, "actions.links", &t1, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&al, "actions.transition.ongoing", &t4, &err), EP_OK);
	assert_int_equal(ep_access_check(&al, "actions.transition.cancelled", &t4, &err), EP_E_DENIED);
	json_decref(ok);
	json_decref(bad);
}

static void test_nec_confirms_its_own_country(void **state)
{
	(void)state;
	ep_principal nec;
	who(&nec, EP_ROLE_NEC, "country", 0, "NL", 1, "member_state");
	ep_err err;
	ep_target nl = on(9, 1, 5, NULL), it = on(9, 1, 5, NULL);
	nl.country = "NL";
	it.country = "IT";
	assert_int_equal(ep_access_check(&nec, "actions.participation", &nl, &err), EP_OK);
	assert_int_equal(ep_access_check(&nec, "actions.participation", &it, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&nec, "actions.write", &nl, &err), EP_E_DENIED);
	assert_true(nec.vis.all);
}

static void test_classification_above_clearance_is_refused(void **state)
{
	(void)state;
	ep_principal d;
	who(&d, EP_ROLE_DRIVER, "priority", 9, NULL, 0, "member_state");
	ep_err err;
	json_t *b = json_pack("{s:s}", "classification", "restreint_ue");
	ep_target t = on(9, 1, 0, b);
	assert_int_equal(ep_access_check(&d, "oaps.write", &t, &err), EP_E_DENIED);
	assert_string_equal(err.field, "classification");
	/* Above the accredited level it is the service rules' 422, for everyone. */
	json_object_set_new(b, "classification", json_string("secret_ue"));
	assert_int_equal(ep_access_check(&d, "oaps.write", &t, &err), EP_OK);
	json_decref(b);
}

static void test_what_principals_may_read(void **state)
{
	(void)state;
	ep_principal anon;
	ep_principal_anonymous(&anon);
	assert_int_equal(anon.vis.clearance, 0);
	assert_false(anon.vis.limite);
	assert_false(anon.vis.member);
	ep_principal us;
	who(&us, EP_ROLE_PARTICIPANT, "action", 3, NULL, 1, "third_country");
	assert_false(us.vis.limite);
	assert_true(us.vis.member);
	assert_string_equal(us.vis.actions, "[3]");
	ep_principal high;
	who(&high, EP_ROLE_OBSERVER, "global", 0, NULL, 4, "eu_agency");
	assert_int_equal(high.vis.clearance, EP_CLASS_RESTREINT); /* capped at the accredited level */
	assert_true(high.vis.limite);
	assert_string_not_equal(high.vis_key, us.vis_key);
	ep_err err;
	ep_target t = {.writes = false};
	assert_int_equal(ep_access_check(&anon, "documents.read", &t, &err), EP_OK);
	assert_int_equal(ep_access_check(&anon, "actions.read", &t, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&anon, "session", &t, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&anon, "no.such.permission", &t, &err), EP_E_DENIED);
}

static void test_enrol_only_sessions_may_only_enrol(void **state)
{
	(void)state;
	ep_principal p;
	who(&p, EP_ROLE_ADMIN, "global", 0, NULL, 1, "eu_institution");
	p.enrol_only = true;
	ep_err err;
	ep_target t = {.writes = false};
	assert_int_equal(ep_access_check(&p, "session", &t, &err), EP_OK);
	assert_int_equal(ep_access_check(&p, "self", &t, &err), EP_E_DENIED);
	assert_int_equal(ep_access_check(&p, "actions.read", &t, &err), EP_E_DENIED);
	assert_non_null(strstr(err.msg, "TOTP"));
}

static void test_every_permission_of_the_routes_has_a_row_and_roles(void **state)
{
	(void)state;
	size_t n;
	const ep_perm *p = ep_perms(&n);
	for (size_t i = 0; i < n; i++) {
		assert_true(p[i].anywhere & EP_ROLE_BIT(EP_ROLE_ADMIN) || p[i].anywhere || p[i].in_scope);
		assert_ptr_equal(ep_perm_find(p[i].name), &p[i]);
		assert_true(strlen(p[i].doc) > 10);
	}
	for (int r = 0; r < EP_ROLE_COUNT; r++)
		assert_int_equal(ep_role_parse(ep_role_token((ep_role)r)), r);
	assert_int_equal(ep_role_parse("root"), -1);
}

/* The router asks for every route's permission: each must be in the table (or be one of the
 * three held without a row), or no one could ever use the route. */
static void test_every_route_names_a_permission_of_the_table(void **state)
{
	(void)state;
	ep_router_init();
	size_t n;
	const ep_route *r = ep_routes(&n);
	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		const char *p = r[i].permission;
		if (strcmp(p, "public") == 0 || strcmp(p, "session") == 0 || strcmp(p, "self") == 0)
			continue;
		if (!ep_perm_find(p))
			fail_msg("%s %s asks for %s, which the permission table does not have", ep_method_name((ep_method)r[i].methods),
				 r[i].pattern, p);
	}
}

static void test_docs_access_md_is_current(void **state)
{
	(void)state;
	char *md = ep_access_doc_markdown();
	assert_non_null(md);
	FILE *f = fopen("docs/access.md", "rb");
	assert_non_null(f);
	char *file = calloc(1, 1 << 20);
	size_t len = fread(file, 1, (1 << 20) - 1, f);
	fclose(f);
	file[len] = '\0';
	if (strcmp(md, file) != 0)
		fail_msg("docs/access.md is out of date: run make docs/access.md");
	free(file);
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_writes_only_its_priority),
		cmocka_unit_test(test_action_leader_changes_only_operational_fields),
		cmocka_unit_test(test_nec_confirms_its_own_country),
		cmocka_unit_test(test_classification_above_clearance_is_refused),
		cmocka_unit_test(test_what_principals_may_read),
		cmocka_unit_test(test_enrol_only_sessions_may_only_enrol),
		cmocka_unit_test(test_every_permission_of_the_routes_has_a_row_and_roles),
		cmocka_unit_test(test_every_route_names_a_permission_of_the_table),
		cmocka_unit_test(test_docs_access_md_is_current),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
