/*
 * Unit tests of the credential header parsers (access/authhdr.h): Cookie (found, absent,
 * quoted, other cookies, whitespace, malformed pairs, duplicates, length), the session
 * Set-Cookie value, Authorization: Bearer, and Origin against Host.
 */
#include "testutil.h"

#include "access/authhdr.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static ep_status find(const char *h, char out[EP_COOKIE_VALUE_MAX], bool *found, ep_err *err)
{
	return ep_cookie_find(h, strlen(h), EP_SESSION_COOKIE, out, found, err);
}

static void expect_cookie(const char *h, const char *want)
{
	char out[EP_COOKIE_VALUE_MAX];
	bool found = false;
	ep_err err;
	ep_status st = find(h, out, &found, &err);
	if (st != EP_OK)
		fail_msg("[%s]: status %d (%s)", h, (int)st, err.msg);
	if (!want) {
		assert_false(found);
		assert_string_equal(out, "");
	} else {
		assert_true(found);
		assert_string_equal(out, want);
	}
}

static void expect_cookie_invalid(const char *h)
{
	char out[EP_COOKIE_VALUE_MAX];
	bool found = true;
	ep_err err;
	memset(&err, 0, sizeof err);
	ep_status st = find(h, out, &found, &err);
	if (st != EP_E_INVALID)
		fail_msg("[%s]: status %d, expected invalid", h, (int)st);
	assert_false(found);
	assert_string_equal(err.field, "cookie");
}

static void test_cookie_found(void **state)
{
	(void)state;
	expect_cookie("__Host-empact=eps_abc", "eps_abc");
	expect_cookie("a=1; __Host-empact=eps_abc; b=2", "eps_abc");
	expect_cookie("a=1;__Host-empact=eps_abc", "eps_abc");
	expect_cookie("a=1 ;  __Host-empact=v\t; b=", "v");
	expect_cookie("  __Host-empact=v  ", "v");
	expect_cookie("__Host-empact=\"quoted-v\"", "quoted-v");
	expect_cookie("__Host-empact=", "");
	expect_cookie("__Host-empact=\"\"", "");
	expect_cookie("x=!#$%&'()*+-./:<=>?@[]^_`{|}~", NULL);
	expect_cookie("__Host-empact=!#$%&'()*+-./:<=>?@[]^_`{|}~", "!#$%&'()*+-./:<=>?@[]^_`{|}~");
}

static void test_cookie_absent(void **state)
{
	(void)state;
	expect_cookie("a=1", NULL);
	expect_cookie("a=1; b=\"x\"; c=", NULL);
	expect_cookie("__host-empact=v", NULL);  /* names are case-sensitive */
	expect_cookie("__Host-empactx=v", NULL); /* and compared whole */
	expect_cookie("__Host-empac=v", NULL);
	expect_cookie("empact=v", NULL);
}

static void test_cookie_malformed(void **state)
{
	(void)state;
	expect_cookie_invalid("");
	expect_cookie_invalid("   ");
	expect_cookie_invalid("a");
	expect_cookie_invalid("a=1; b");
	expect_cookie_invalid("=1");
	expect_cookie_invalid("a=1;");
	expect_cookie_invalid("a=1; ");
	expect_cookie_invalid(";a=1");
	expect_cookie_invalid("a=1;; b=2");
	expect_cookie_invalid("a=1, b=2");
	expect_cookie_invalid("a=1 2");
	expect_cookie_invalid("a b=1");
	expect_cookie_invalid("a=\"1");
	expect_cookie_invalid("a=\"1\"x");
	expect_cookie_invalid("a=x\"");
	expect_cookie_invalid("a=\\x");
	expect_cookie_invalid("a=caf\xc3\xa9");
	expect_cookie_invalid("a=\x01");
	expect_cookie_invalid("a(b)=1");
	expect_cookie_invalid("a=1; __Host-empact=v w");
	expect_cookie_invalid("__Host-empact=v; a=1 b=2"); /* the other cookies are checked too */
	/* An embedded NUL is a malformed byte, not the end. */
	char out[EP_COOKIE_VALUE_MAX];
	bool found;
	ep_err err;
	assert_int_equal(ep_cookie_find(S("__Host-empact=v\0x"), EP_SESSION_COOKIE, out, &found, &err), EP_E_INVALID);
	assert_int_equal(ep_cookie_find(NULL, 0, EP_SESSION_COOKIE, out, &found, &err), EP_E_INVALID);
	/* Only len bytes are read. */
	assert_int_equal(ep_cookie_find("__Host-empact=ab; junk", 16, EP_SESSION_COOKIE, out, &found, &err), EP_OK);
	assert_true(found);
	assert_string_equal(out, "ab");
}

static void test_cookie_twice(void **state)
{
	(void)state;
	char out[EP_COOKIE_VALUE_MAX];
	bool found;
	ep_err err;
	assert_int_equal(find("__Host-empact=a; __Host-empact=b", out, &found, &err), EP_E_INVALID);
	assert_non_null(strstr(err.msg, "appears twice"));
	assert_false(found);
	assert_int_equal(find("__Host-empact=a; x=1; __Host-empact=a", out, &found, &err), EP_E_INVALID);
	/* Other names may repeat. */
	expect_cookie("x=1; x=2; __Host-empact=v", "v");
}

static void test_cookie_length(void **state)
{
	(void)state;
	char h[600], out[EP_COOKIE_VALUE_MAX];
	bool found;
	ep_err err;
	int k = snprintf(h, sizeof h, "%s=", EP_SESSION_COOKIE);
	memset(h + k, 'v', EP_COOKIE_VALUE_MAX - 1);
	h[k + EP_COOKIE_VALUE_MAX - 1] = '\0';
	assert_int_equal(find(h, out, &found, &err), EP_OK);
	assert_true(found);
	assert_int_equal(strlen(out), EP_COOKIE_VALUE_MAX - 1);
	h[k + EP_COOKIE_VALUE_MAX - 1] = 'v';
	h[k + EP_COOKIE_VALUE_MAX] = '\0';
	assert_int_equal(find(h, out, &found, &err), EP_E_LIMIT);
	assert_false(found);
	/* A long other cookie does not matter. */
	memcpy(h, "zz", 2);
	assert_int_equal(find(h, out, &found, &err), EP_OK);
	assert_false(found);
}

static void test_set_session(void **state)
{
	(void)state;
	char out[256];
	ep_err err;
	assert_int_equal(ep_cookie_set_session("eps_abc", 3600, out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "__Host-empact=eps_abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict");
	assert_int_equal(ep_cookie_set_session("", 0, out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "__Host-empact=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
	assert_int_equal(ep_cookie_set_session("a;b", 10, out, sizeof out, &err), EP_E_INVALID);
	assert_int_equal(ep_cookie_set_session("a b", 10, out, sizeof out, &err), EP_E_INVALID);
	assert_int_equal(ep_cookie_set_session("v", -1, out, sizeof out, &err), EP_E_INVALID);
	size_t need = strlen("__Host-empact=v; Path=/; Max-Age=1; HttpOnly; Secure; SameSite=Strict");
	assert_int_equal(ep_cookie_set_session("v", 1, out, need + 1, &err), EP_OK);
	assert_int_equal(ep_cookie_set_session("v", 1, out, need, &err), EP_E_LIMIT);
	assert_string_equal(out, "");
	/* What is set is what ep_cookie_find reads back. */
	assert_int_equal(ep_cookie_set_session("eps_xyz", 60, out, sizeof out, &err), EP_OK);
	char val[EP_COOKIE_VALUE_MAX];
	bool found;
	assert_int_equal(ep_cookie_find(out, strcspn(out, ";"), EP_SESSION_COOKIE, val, &found, &err), EP_OK);
	assert_string_equal(val, "eps_xyz");
}

static void test_bearer(void **state)
{
	(void)state;
	char out[64];
	ep_err err;
	assert_int_equal(ep_authz_bearer(S("Bearer ept_abc-DEF_123"), out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "ept_abc-DEF_123");
	assert_int_equal(ep_authz_bearer(S("bearer   a.b~c+d/e=="), out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "a.b~c+d/e==");
	assert_int_equal(ep_authz_bearer(S("BEARER x"), out, sizeof out, &err), EP_OK);
	assert_string_equal(out, "x");

	const char *bad[] = {
		"", "Bearer", "Bearer ", "Bearer  ", "Bearerx", "Bearer\tx", "Bearer x y", "Bearer x ", "Bearer =",
		"Bearer x=y", "Bearer x,", " Bearer x", "Bear x", "Token x", "Bearer \"x\"", "Bearer x\r\n",
		"Basic dXNlcjpwYXNz", "Bearer caf\xc3\xa9",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		if (ep_authz_bearer(bad[i], strlen(bad[i]), out, sizeof out, &err) != EP_E_INVALID)
			fail_msg("[%s] was accepted", bad[i]);
		assert_string_equal(err.field, "authorization");
	}
	assert_int_equal(ep_authz_bearer(S("Bearer x\0y"), out, sizeof out, &err), EP_E_INVALID);
	assert_int_equal(ep_authz_bearer(NULL, 0, out, sizeof out, &err), EP_E_INVALID);
	/* Length: n - 1 bytes fit, n do not. */
	assert_int_equal(ep_authz_bearer(S("Bearer abcd"), out, 5, &err), EP_OK);
	assert_string_equal(out, "abcd");
	assert_int_equal(ep_authz_bearer(S("Bearer abcde"), out, 5, &err), EP_E_LIMIT);
	assert_int_equal(ep_authz_bearer(S("Bearer abcde"), out, 0, &err), EP_E_LIMIT);
}

static void test_origin(void **state)
{
	(void)state;
	static const struct {
		const char *origin, *host;
		bool ok;
	} c[] = {
		{"https://empact.example.org", "empact.example.org", true},
		{"https://EMPACT.example.org", "empact.Example.ORG", true},
		{"https://empact.example.org", "empact.example.org:443", true},
		{"https://empact.example.org:443", "empact.example.org", true},
		{"http://localhost:8080", "localhost:8080", true},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", true},
		{"http://localhost", "localhost:80", true},
		{"http://[::1]:8080", "[::1]:8080", true},
		{"https://[2001:DB8::1]", "[2001:db8::1]:443", true},
		{"https://empact.example.org", "empact.example.org:80", false},
		{"http://empact.example.org", "empact.example.org:443", false},
		{"http://localhost:8081", "localhost:8080", false},
		{"http://localhost:8080", "localhost", false},
		{"https://evil.example.org", "empact.example.org", false},
		{"https://empact.example.org.evil.org", "empact.example.org", false},
		{"https://empact.example", "empact.example.org", false},
		{"null", "empact.example.org", false},
		{"", "empact.example.org", false},
		{"https://", "", false},
		{"https://empact.example.org/", "empact.example.org", false},
		{"https://empact.example.org/path", "empact.example.org", false},
		{"https://user@empact.example.org", "empact.example.org", false},
		{"ftp://empact.example.org", "empact.example.org", false},
		{"HTTPS://empact.example.org", "empact.example.org", false},
		{"https://empact.example.org:", "empact.example.org", false},
		{"https://empact.example.org:0443", "empact.example.org", false},
		{"https://empact.example.org:99999", "empact.example.org:99999", false},
		{"https://empact.example.org:443x", "empact.example.org", false},
		{"https://empact.example.org", "empact.example.org:", false},
		{"https://empact.example.org", "", false},
		{"http://[::1]", "::1", false},
		{"http://[::1", "[::1", false},
		{"http://[]", "[]", false},
		{"https://empact.example.org ", "empact.example.org", false},
		{"https://empact.example.org", "empact.example.org ", false},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		bool got = ep_origin_matches_host(c[i].origin, strlen(c[i].origin), c[i].host);
		if (got != c[i].ok)
			fail_msg("origin [%s] host [%s]: got %d", c[i].origin, c[i].host, got);
	}
	assert_false(ep_origin_matches_host(NULL, 0, "h"));
	assert_false(ep_origin_matches_host("http://h", 8, NULL));
	/* Only len bytes of the origin count. */
	assert_true(ep_origin_matches_host("http://h:80/junk", 11, "h"));
	assert_false(ep_origin_matches_host(S("http://h\0.evil"), "h"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie_found),
		cmocka_unit_test(test_cookie_absent),
		cmocka_unit_test(test_cookie_malformed),
		cmocka_unit_test(test_cookie_twice),
		cmocka_unit_test(test_cookie_length),
		cmocka_unit_test(test_set_session),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_origin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
