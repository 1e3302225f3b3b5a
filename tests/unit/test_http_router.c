/*
 * The route table, the path matcher, the query decoder and the OpenAPI document: every route
 * is in the document and the document names no route that does not exist.
 */
#include "testutil.h"

#include "core/arena.h"
#include "http/http.h"
#include "http/query.h"
#include "http/router.h"

static void test_match_item_and_collection(void **state)
{
	(void)state;
	const ep_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t n;
	unsigned allow = 0;
	assert_int_equal(ep_router_match(EP_GET, "/api/v1/oaps/12", &r, ids, &n, &allow), EP_MATCH_OK);
	assert_string_equal(r->pattern, "/api/v1/oaps/{id}");
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 12);
	assert_int_equal(ep_router_match(EP_GET, "/api/v1/oaps/7/actions", &r, ids, &n, &allow), EP_MATCH_OK);
	assert_string_equal(r->schema, "actions");
	assert_string_equal(r->bind, "oap_id");
	assert_int_equal(ep_router_match(EP_DELETE, "/api/v1/actions/3/participants/9", &r, ids, &n, &allow), EP_MATCH_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[1], 9);
}

static void test_match_rejects_bad_ids(void **state)
{
	(void)state;
	const ep_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t n;
	unsigned allow = 0;
	const char *bad[] = {"/api/v1/oaps/0", "/api/v1/oaps/-1", "/api/v1/oaps/01", "/api/v1/oaps/1x",
			     "/api/v1/oaps/99999999999999999999", "/api/v1/oaps/", "/api/v1/oaps//actions",
			     "/api/v1/oaps/1/", "/api/v1/nothing", "", "/"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ep_router_match(EP_GET, bad[i], &r, ids, &n, &allow), EP_MATCH_NOPATH);
}

static void test_wrong_method_lists_allowed(void **state)
{
	(void)state;
	const ep_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t n;
	unsigned allow = 0;
	assert_int_equal(ep_router_match(EP_PUT, "/api/v1/cycles/1", &r, ids, &n, &allow), EP_MATCH_NOMETHOD);
	char text[64];
	ep_methods_text(allow, text, sizeof text);
	assert_string_equal(text, "GET, HEAD, PATCH, DELETE");
	assert_int_equal(ep_router_match(EP_HEAD, "/api/v1/cycles", &r, ids, &n, &allow), EP_MATCH_OK);
}

static void test_query_decoding(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	ep_query q;
	ep_err err;
	const char *s = "q=h%C3%A9llo+world&limit=5&&empty=";
	assert_int_equal(ep_query_parse(s, strlen(s), a, &q, &err), EP_OK);
	assert_int_equal(q.n, 3);
	assert_string_equal(ep_query_get(&q, "q"), "h\xc3\xa9llo world");
	assert_string_equal(ep_query_get(&q, "empty"), "");
	const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", "=1", "a=1&a=2", "a=%ff%fe", "%zz=1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(ep_query_parse(bad[i], strlen(bad[i]), a, &q, &err), EP_E_INVALID);
	char many[400] = "";
	for (int i = 0; i < 40; i++) {
		char one[16];
		snprintf(one, sizeof one, "p%d=1&", i);
		memcpy(many + strlen(many), one, strlen(one) + 1);
	}
	assert_int_equal(ep_query_parse(many, strlen(many), a, &q, &err), EP_E_LIMIT);
	ep_arena_free(a);
}

static void test_query_checked_against_route(void **state)
{
	(void)state;
	const ep_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t n;
	unsigned allow;
	ep_arena *a = ep_arena_new(0);
	ep_query q;
	ep_err err;
	assert_int_equal(ep_router_match(EP_GET, "/api/v1/actions", &r, ids, &n, &allow), EP_MATCH_OK);
	struct {
		const char *q;
		ep_status want;
		const char *field;
	} cases[] = {
		{"limit=100&sort=-number&status=ongoing&q=border", EP_OK, ""},
		{"limit=0", EP_E_INVALID, "limit"},
		{"limit=501", EP_E_INVALID, "limit"},
		{"limit=ten", EP_E_INVALID, "limit"},
		{"sort=colour", EP_E_INVALID, "sort"},
		{"status=finished", EP_E_INVALID, "status"},
		{"colour=red", EP_E_INVALID, "colour"},
		{"cursor=%21%21", EP_E_INVALID, "cursor"},
		{"possible_jad=yes", EP_E_INVALID, "possible_jad"},
		{"classification=secret_ue", EP_OK, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ep_err_clear(&err);
		assert_int_equal(ep_query_parse(cases[i].q, strlen(cases[i].q), a, &q, &err), EP_OK);
		assert_int_equal(ep_router_check_query(r, &q, &err), cases[i].want);
		assert_string_equal(err.field, cases[i].field);
	}
	ep_arena_free(a);
}

static void test_every_route_declares_a_permission(void **state)
{
	(void)state;
	size_t n;
	const ep_route *routes = ep_routes(&n);
	assert_true(n > 80);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(routes[i].permission);
		assert_true(strlen(routes[i].permission) > 0);
		assert_non_null(routes[i].handler);
		/* writes take a body, reads do not */
		if (routes[i].methods & (EP_POST | EP_PATCH))
			assert_true(routes[i].body_max > 0);
		if (routes[i].methods & (EP_GET | EP_DELETE))
			assert_int_equal(routes[i].body_max, 0);
	}
}

static void test_openapi_matches_route_table(void **state)
{
	(void)state;
	json_t *doc = ep_http_openapi_doc();
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_t *paths = json_object_get(doc, "paths");
	size_t n, ops = 0;
	const ep_route *routes = ep_routes(&n);
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_object_get(paths, routes[i].pattern);
		assert_non_null(item);
		char m[16];
		snprintf(m, sizeof m, "%s", ep_method_name((ep_method)routes[i].methods));
		for (char *p = m; *p; p++)
			*p = (char)(*p + 32);
		json_t *op = json_object_get(item, m);
		assert_non_null(op);
		assert_string_equal(json_string_value(json_object_get(op, "x-permission")), routes[i].permission);
	}
	/* ... and the document names nothing else */
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item)
	{
		const char *method;
		json_t *op;
		json_object_foreach(item, method, op)
		{
			ops++;
			bool found = false;
			for (size_t i = 0; i < n && !found; i++) {
				char m[16];
				snprintf(m, sizeof m, "%s", ep_method_name((ep_method)routes[i].methods));
				for (char *p = m; *p; p++)
					*p = (char)(*p + 32);
				found = strcmp(routes[i].pattern, path) == 0 && strcmp(m, method) == 0;
			}
			if (!found)
				fail_msg("the OpenAPI document names %s %s, which is not a route", method, path);
		}
	}
	assert_int_equal(ops, n);
	/* every $ref resolves */
	char *text = json_dumps(doc, JSON_COMPACT);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	for (const char *p = strstr(text, "#/components/schemas/"); p; p = strstr(p + 1, "#/components/schemas/")) {
		char name[64];
		size_t k = 0;
		for (const char *c = p + strlen("#/components/schemas/"); *c && *c != '"' && k < 63; c++)
			name[k++] = *c;
		name[k] = '\0';
		if (!json_object_get(schemas, name))
			fail_msg("$ref to missing schema %s", name);
	}
	free(text);
	json_decref(doc);
}

int main(void)
{
	ep_router_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_item_and_collection),
		cmocka_unit_test(test_match_rejects_bad_ids),
		cmocka_unit_test(test_wrong_method_lists_allowed),
		cmocka_unit_test(test_query_decoding),
		cmocka_unit_test(test_query_checked_against_route),
		cmocka_unit_test(test_every_route_declares_a_permission),
		cmocka_unit_test(test_openapi_matches_route_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
