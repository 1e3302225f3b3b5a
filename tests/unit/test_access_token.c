/*
 * Unit tests of client secrets (access/token.h): shape and prefix of each kind, uniqueness,
 * the shape check against near misses, the stored hash (SHA-256 of the text) and the
 * comparison of secrets.
 */
#include "testutil.h"

#include "access/token.h"

static void test_new_shape(void **state)
{
	(void)state;
	static const struct {
		ep_token_kind kind;
		const char *prefix;
	} k[] = {{EP_TOKEN_SESSION, "eps_"}, {EP_TOKEN_API, "ept_"}, {EP_TOKEN_CSRF, "epc_"}};
	for (size_t i = 0; i < 3; i++) {
		char t[EP_TOKEN_LEN];
		ep_token_new(k[i].kind, t);
		assert_int_equal(strlen(t), EP_TOKEN_LEN - 1);
		assert_memory_equal(t, k[i].prefix, 4);
		assert_int_equal(strspn(t + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
		assert_true(ep_token_well_formed(k[i].kind, t));
		for (size_t j = 0; j < 3; j++)
			if (j != i)
				assert_false(ep_token_well_formed(k[j].kind, t));
	}
}

static void test_new_unique(void **state)
{
	(void)state;
	enum { N = 200 };
	static char t[N][EP_TOKEN_LEN];
	for (int i = 0; i < N; i++)
		ep_token_new(EP_TOKEN_SESSION, t[i]);
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_string_not_equal(t[i], t[j]);
}

static void test_well_formed(void **state)
{
	(void)state;
	char t[EP_TOKEN_LEN];
	ep_token_new(EP_TOKEN_API, t);
	char m[EP_TOKEN_LEN + 2];

	memcpy(m, t, EP_TOKEN_LEN);
	m[EP_TOKEN_LEN - 2] = '\0'; /* one short */
	assert_false(ep_token_well_formed(EP_TOKEN_API, m));
	memcpy(m, t, EP_TOKEN_LEN);
	m[EP_TOKEN_LEN - 1] = 'A'; /* one long */
	m[EP_TOKEN_LEN] = '\0';
	assert_false(ep_token_well_formed(EP_TOKEN_API, m));
	memcpy(m, t, EP_TOKEN_LEN);
	m[10] = '+'; /* standard base64, not base64url */
	assert_false(ep_token_well_formed(EP_TOKEN_API, m));
	memcpy(m, t, EP_TOKEN_LEN);
	m[20] = '=';
	assert_false(ep_token_well_formed(EP_TOKEN_API, m));
	memcpy(m, t, EP_TOKEN_LEN);
	m[0] = 'E'; /* the prefix is case-sensitive */
	assert_false(ep_token_well_formed(EP_TOKEN_API, m));
	assert_false(ep_token_well_formed(EP_TOKEN_API, ""));
	assert_false(ep_token_well_formed(EP_TOKEN_API, "ept_"));
	assert_false(ep_token_well_formed(EP_TOKEN_API, NULL));
	assert_true(ep_token_well_formed(EP_TOKEN_API, "ept_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-"));
}

static void test_hash(void **state)
{
	(void)state;
	unsigned char h[EP_TOKEN_HASH];
	/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
	static const unsigned char abc[EP_TOKEN_HASH] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	ep_token_hash("abc", h);
	assert_memory_equal(h, abc, EP_TOKEN_HASH);
	char t[EP_TOKEN_LEN];
	ep_token_new(EP_TOKEN_SESSION, t);
	unsigned char h1[EP_TOKEN_HASH], h2[EP_TOKEN_HASH];
	ep_token_hash(t, h1);
	ep_token_hash(t, h2);
	assert_memory_equal(h1, h2, EP_TOKEN_HASH);
	t[5] ^= 1;
	ep_token_hash(t, h2);
	assert_memory_not_equal(h1, h2, EP_TOKEN_HASH);
}

static void test_equal(void **state)
{
	(void)state;
	char a[EP_TOKEN_LEN], b[EP_TOKEN_LEN];
	ep_token_new(EP_TOKEN_CSRF, a);
	memcpy(b, a, sizeof b);
	assert_true(ep_token_equal(a, b));
	b[EP_TOKEN_LEN - 2] ^= 1;
	assert_false(ep_token_equal(a, b));
	b[EP_TOKEN_LEN - 2] ^= 1;
	b[EP_TOKEN_LEN - 2] = '\0';
	assert_false(ep_token_equal(a, b)); /* a prefix is not equal */
	assert_false(ep_token_equal(b, a));
	assert_false(ep_token_equal("", ""));
	assert_false(ep_token_equal(a, ""));
	assert_false(ep_token_equal(NULL, a));
	assert_false(ep_token_equal(a, NULL));
	assert_true(ep_token_equal("x", "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_shape),
		cmocka_unit_test(test_new_unique),
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
