/*
 * Unit tests of the string-keyed map (core/map.h): put, get, overwrite, missing keys, keys
 * that are copied, growth far past the first table (more than 10,000 keys), and reuse after
 * release.
 */
#include "testutil.h"

#include "core/map.h"

static void test_empty(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_size(&m), 0);
	int64_t v = 99;
	assert_false(ep_map_get(&m, "anything", &v));
	assert_false(ep_map_get(&m, "", &v));
	assert_int_equal(v, 99);
	ep_map_release(&m);
	ep_map_release(&m); /* twice is harmless */
}

static void test_put_get(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_put(&m, "IT", 1), 0);
	assert_int_equal(ep_map_put(&m, "FR", 2), 0);
	assert_int_equal(ep_map_put(&m, "2018-2021/3/2018/1.2", -42), 0);
	assert_int_equal(ep_map_put(&m, "big", INT64_MAX), 0);
	assert_int_equal(ep_map_put(&m, "small", INT64_MIN), 0);
	assert_int_equal(ep_map_size(&m), 5);
	int64_t v;
	assert_true(ep_map_get(&m, "IT", &v));
	assert_int_equal(v, 1);
	assert_true(ep_map_get(&m, "FR", &v));
	assert_int_equal(v, 2);
	assert_true(ep_map_get(&m, "2018-2021/3/2018/1.2", &v));
	assert_int_equal(v, -42);
	assert_true(ep_map_get(&m, "big", &v));
	assert_true(v == INT64_MAX);
	assert_true(ep_map_get(&m, "small", &v));
	assert_true(v == INT64_MIN);
	/* value may be NULL: a membership test. */
	assert_true(ep_map_get(&m, "IT", NULL));
	assert_false(ep_map_get(&m, "DE", NULL));
	ep_map_release(&m);
}

static void test_missing_keys(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_put(&m, "abc", 1), 0);
	int64_t v = 7;
	/* Prefixes, extensions and case variants are other keys. */
	assert_false(ep_map_get(&m, "ab", &v));
	assert_false(ep_map_get(&m, "abcd", &v));
	assert_false(ep_map_get(&m, "ABC", &v));
	assert_false(ep_map_get(&m, "abc ", &v));
	assert_false(ep_map_get(&m, "", &v));
	assert_int_equal(v, 7); /* untouched when absent */
	ep_map_release(&m);
}

static void test_overwrite(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_put(&m, "k", 1), 0);
	assert_int_equal(ep_map_put(&m, "k", 2), 0);
	assert_int_equal(ep_map_put(&m, "k", 3), 0);
	assert_int_equal(ep_map_size(&m), 1);
	int64_t v;
	assert_true(ep_map_get(&m, "k", &v));
	assert_int_equal(v, 3);
	ep_map_release(&m);
}

static void test_empty_key(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_put(&m, "", 5), 0);
	int64_t v;
	assert_true(ep_map_get(&m, "", &v));
	assert_int_equal(v, 5);
	assert_int_equal(ep_map_size(&m), 1);
	ep_map_release(&m);
}

static void test_keys_are_copied(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	char key[16];
	snprintf(key, sizeof key, "%s", "mutable");
	assert_int_equal(ep_map_put(&m, key, 10), 0);
	key[0] = 'X';
	assert_true(ep_map_get(&m, "mutable", NULL));
	assert_false(ep_map_get(&m, key, NULL));
	ep_map_release(&m);
}

static void test_growth_many_keys(void **state)
{
	(void)state;
	enum { N = 25000 };
	ep_map m;
	ep_map_init(&m);
	char key[64];
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof key, "org/%d/item", i);
		assert_int_equal(ep_map_put(&m, key, (int64_t)i * 3), 0);
		assert_int_equal(ep_map_size(&m), (size_t)i + 1);
	}
	/* Every key survives every rehash with its own value. */
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof key, "org/%d/item", i);
		int64_t v = -1;
		if (!ep_map_get(&m, key, &v) || v != (int64_t)i * 3)
			fail_msg("key %s lost or wrong after growth", key);
	}
	/* Keys that were never put are still absent. */
	for (int i = N; i < N + 1000; i++) {
		snprintf(key, sizeof key, "org/%d/item", i);
		assert_false(ep_map_get(&m, key, NULL));
	}
	assert_false(ep_map_get(&m, "org/1/ite", NULL));
	/* Overwrites after growth keep the count. */
	for (int i = 0; i < N; i += 2) {
		snprintf(key, sizeof key, "org/%d/item", i);
		assert_int_equal(ep_map_put(&m, key, -i), 0);
	}
	assert_int_equal(ep_map_size(&m), N);
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof key, "org/%d/item", i);
		int64_t v;
		assert_true(ep_map_get(&m, key, &v));
		assert_int_equal(v, i % 2 ? (int64_t)i * 3 : -i);
	}
	/* The load stays below the table size, so probing always ends. */
	assert_true(m.cap > m.n);
	ep_map_release(&m);
}

static void test_similar_keys(void **state)
{
	(void)state;
	/* Short keys that differ in one byte, and keys that are prefixes of each other. */
	ep_map m;
	ep_map_init(&m);
	char key[8];
	int n = 0;
	for (int a = 0; a < 64; a++)
		for (int b = 0; b < 64; b++) {
			key[0] = (char)('0' + a);
			key[1] = (char)('0' + b);
			key[2] = '\0';
			assert_int_equal(ep_map_put(&m, key, a * 64 + b), 0);
			key[1] = '\0';
			assert_int_equal(ep_map_put(&m, key, -(a + 1)), 0);
			n++;
		}
	assert_int_equal(ep_map_size(&m), (size_t)n + 64);
	for (int a = 0; a < 64; a++) {
		int64_t v;
		key[0] = (char)('0' + a);
		key[1] = '\0';
		assert_true(ep_map_get(&m, key, &v));
		assert_int_equal(v, -(a + 1));
		for (int b = 0; b < 64; b++) {
			key[1] = (char)('0' + b);
			key[2] = '\0';
			assert_true(ep_map_get(&m, key, &v));
			assert_int_equal(v, a * 64 + b);
		}
	}
	ep_map_release(&m);
}

static void test_utf8_keys(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_put(&m, "\xc3\xa9t\xc3\xa9", 1), 0);
	assert_int_equal(ep_map_put(&m, "ete", 2), 0);
	int64_t v;
	assert_true(ep_map_get(&m, "\xc3\xa9t\xc3\xa9", &v));
	assert_int_equal(v, 1);
	assert_true(ep_map_get(&m, "ete", &v));
	assert_int_equal(v, 2);
	ep_map_release(&m);
}

static void test_release_then_reuse(void **state)
{
	(void)state;
	ep_map m;
	ep_map_init(&m);
	assert_int_equal(ep_map_put(&m, "a", 1), 0);
	ep_map_release(&m);
	assert_int_equal(ep_map_size(&m), 0);
	assert_false(ep_map_get(&m, "a", NULL));
	assert_int_equal(ep_map_put(&m, "b", 2), 0);
	assert_true(ep_map_get(&m, "b", NULL));
	assert_false(ep_map_get(&m, "a", NULL));
	assert_int_equal(ep_map_size(&m), 1);
	ep_map_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_overwrite),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_keys_are_copied),
		cmocka_unit_test(test_growth_many_keys),
		cmocka_unit_test(test_similar_keys),
		cmocka_unit_test(test_utf8_keys),
		cmocka_unit_test(test_release_then_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
