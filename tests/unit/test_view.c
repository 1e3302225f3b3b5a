/*
 * Unit tests of the web UI's own parsing and rendering: the form decoder (repeated names,
 * escapes, CR LF, limits, refusals), the page table (patterns, ids, methods), and the view:
 * every embedded template compiles, the layout escapes what it is given, shows the
 * classification banner at the top and the bottom, and the navigation follows the roles.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "api/page.h"
#include "core/embed.h"
#include "http/form.h"
#include "view/view.h"

static void test_form_decodes_fields(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	json_t *f;
	ep_err err;
	const char *s = "_csrf=abc&title=A+%3Cb%3E%26+c&text=line1%0D%0Aline2%0D%0D%0Aline4%0Dx&status=confirmed&status=declined&empty=&bare";
	assert_int_equal(ep_form_parse(s, strlen(s), a, &f, &err), EP_OK);
	assert_string_equal(ep_form_get(f, "_csrf"), "abc");
	assert_string_equal(ep_form_get(f, "title"), "A <b>& c");
	assert_string_equal(ep_form_get(f, "text"), "line1\nline2\n\nline4\nx");
	assert_true(json_is_array(json_object_get(f, "status")));
	assert_int_equal(json_array_size(json_object_get(f, "status")), 2);
	assert_string_equal(ep_form_get(f, "status"), "declined");
	assert_string_equal(ep_form_get(f, "empty"), "");
	assert_string_equal(ep_form_get(f, "bare"), "");
	assert_null(ep_form_get(f, "missing"));
	json_decref(f);
	ep_arena_free(a);
}

static void test_form_refuses_bad_input(void **state)
{
	(void)state;
	ep_arena *a = ep_arena_new(0);
	json_t *f = NULL;
	ep_err err;
	static const char *const bad[] = {"a=%ZZ", "a=%00", "=x", "a=%C3%28", "%FF=1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(ep_form_parse(bad[i], strlen(bad[i]), a, &f, &err), EP_E_INVALID);
		assert_null(f);
	}
	/* Past the field cap: a limit, not a truncated form. */
	size_t n = (EP_FORM_MAX_FIELDS + 1) * 4;
	char *big = malloc(n + 1);
	size_t o = 0;
	for (int i = 0; i <= EP_FORM_MAX_FIELDS; i++) {
		memcpy(big + o, "a=1&", 4);
		o += 4;
	}
	big[o] = '\0';
	assert_int_equal(ep_form_parse(big, o, a, &f, &err), EP_E_LIMIT);
	assert_null(f);
	assert_non_null(strstr(err.msg, "more than"));
	free(big);
	ep_arena_free(a);
}

static void test_page_table(void **state)
{
	(void)state;
	const ep_page_route *r;
	int64_t ids[EP_MAX_PATH_IDS];
	size_t n;
	unsigned allow;
	assert_true(ep_page_match(EP_GET, "/oaps/12", &r, ids, &n, &allow));
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 12);
	assert_string_equal(r->pattern, "/oaps/{id}");
	assert_true(ep_page_match(EP_POST, "/actions/3/participants/44", &r, ids, &n, &allow));
	assert_int_equal(n, 2);
	assert_int_equal(ids[1], 44);
	/* A known path with another method: no page, but the methods it has. */
	assert_false(ep_page_match(EP_POST, "/oaps/12", &r, ids, &n, &allow));
	assert_true(allow & EP_GET);
	assert_false(ep_page_match(EP_GET, "/oaps/0", &r, ids, &n, &allow));
	assert_false(ep_page_match(EP_GET, "/oaps/-1", &r, ids, &n, &allow));
	assert_false(ep_page_match(EP_GET, "/oaps/12/", &r, ids, &n, &allow));
	assert_false(ep_page_match(EP_GET, "/oaps/99999999999999999999", &r, ids, &n, &allow));
	assert_false(ep_page_match(EP_GET, "/nothing", &r, ids, &n, &allow));
	assert_int_equal(allow, 0);
	assert_true(ep_page_match(EP_GET, "/sign-in", &r, ids, &n, &allow));
	assert_true(r->anonymous);
	assert_true(ep_page_match(EP_GET, "/", &r, ids, &n, &allow));
	assert_false(r->anonymous);
}

static void test_templates_compile(void **state)
{
	(void)state;
	ep_err err;
	assert_int_equal(ep_view_init(&err), EP_OK);
	size_t n = 0;
	for (const ep_embedded *e = ep_embedded_files; e->name; e++)
		n += strncmp(e->name, "templates/", 10) == 0;
	assert_true(n >= 20);
}

/* A cleared user with two roles, signed in. */
static void who_of(ep_principal *p, int clearance)
{
	memset(p, 0, sizeof *p);
	p->auth = EP_AUTH_SESSION;
	p->user.id = 7;
	snprintf(p->user.username, sizeof p->user.username, "driver");
	snprintf(p->user.display_name, sizeof p->user.display_name, "Dana <Driver>");
	snprintf(p->user.org_code, sizeof p->user.org_code, "FR");
	p->user.clearance = clearance;
	p->grants[0].role = EP_ROLE_DRIVER;
	p->grants[1].role = EP_ROLE_ADMIN;
	p->ngrants = 2;
	p->vis.member = 1;
	p->vis.clearance = clearance;
	snprintf(p->csrf, sizeof p->csrf, "tok\"en");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_layout_escapes_and_banners(void **state)
{
	(void)state;
	ep_principal who;
	who_of(&who, 1);
	json_t *ctx = json_pack("{s:s, s:s}", "message", "<script>alert(1)</script>", "title", "x");
	json_t *crumbs = json_pack("[{s:s, s:s}, {s:s}]", "label", "Home", "href", "/", "label", "<b>here</b>");
	ep_view_frame f = {.title = "A <title>", .who = &who, .crumbs = crumbs, .banner_class = 1, .banner_limite = true, .path = "/cycles"};
	ep_buf out;
	ep_buf_init(&out, 1 << 20);
	ep_err err;
	assert_int_equal(ep_view_render("error", ctx, &f, &out, &err), EP_OK);
	const char *html = ep_buf_str(&out);
	assert_null(strstr(html, "<script>alert"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "<title>A &lt;title&gt; · empact</title>"));
	assert_non_null(strstr(html, "Dana &lt;Driver&gt;"));
	assert_non_null(strstr(html, "&lt;b&gt;here&lt;/b&gt;"));
	/* The banner at the top and at the bottom of the page. */
	assert_int_equal(count(html, "RESTREINT UE/EU RESTRICTED - LIMITE"), 2);
	/* The CSRF token of the sign-out form is an attribute, escaped. */
	assert_non_null(strstr(html, "value=\"tok&quot;en\""));
	/* The navigation follows the roles: an administrator sees Users; the current place is marked. */
	assert_non_null(strstr(html, "href=\"/admin/users\""));
	assert_non_null(strstr(html, "href=\"/cycles\" aria-current=\"page\""));
	/* No inline script or style: the page's CSP forbids them. */
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "style="));
	ep_buf_release(&out);

	/* Public content: no banner; an anonymous visitor: no navigation, a sign-in link. */
	ep_buf_init(&out, 1 << 20);
	ep_view_frame g = {.title = "Public", .who = NULL};
	assert_int_equal(ep_view_render("error", ctx, &g, &out, &err), EP_OK);
	html = ep_buf_str(&out);
	assert_null(strstr(html, "class=\"banner"));
	assert_null(strstr(html, "href=\"/admin/users\""));
	assert_non_null(strstr(html, "href=\"/sign-in\""));
	ep_buf_release(&out);
	json_decref(ctx);
	json_decref(crumbs);
}

static void test_error_page(void **state)
{
	(void)state;
	ep_buf out;
	ep_buf_init(&out, 1 << 20);
	ep_view_error(&out, 404, "secret detail", NULL, "/oaps/1");
	assert_non_null(strstr(ep_buf_str(&out), "Page not found"));
	assert_null(strstr(ep_buf_str(&out), "secret detail"));
	ep_view_error(&out, 413, "the form is too large", NULL, "/x");
	assert_non_null(strstr(ep_buf_str(&out), "the form is too large"));
	ep_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_decodes_fields),
		cmocka_unit_test(test_form_refuses_bad_input),
		cmocka_unit_test(test_page_table),
		cmocka_unit_test(test_templates_compile),
		cmocka_unit_test(test_layout_escapes_and_banners),
		cmocka_unit_test(test_error_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
