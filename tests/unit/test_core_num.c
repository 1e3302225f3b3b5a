/*
 * Unit tests of range-checked number parsing (core/num.h): the whole text must be a decimal
 * integer (optional '-', digits), EP_E_INVALID otherwise, EP_E_LIMIT outside [min, max] or
 * past int64_t, including the INT64_MIN/INT64_MAX edges.
 */
#include "testutil.h"

#include "core/num.h"

#define SENTINEL ((int64_t)0x5A5A5A5A)

static ep_status parse(const char *s, int64_t *out)
{
	return ep_parse_i64z(s, INT64_MIN, INT64_MAX, out);
}

static void test_plain_values(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse("0", &v), EP_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse("7", &v), EP_OK);
	assert_int_equal(v, 7);
	assert_int_equal(parse("-7", &v), EP_OK);
	assert_int_equal(v, -7);
	assert_int_equal(parse("1234567890", &v), EP_OK);
	assert_int_equal(v, 1234567890);
	assert_int_equal(parse("-0", &v), EP_OK);
	assert_int_equal(v, 0);
	/* Leading zeros are digits like any other. */
	assert_int_equal(parse("007", &v), EP_OK);
	assert_int_equal(v, 7);
	assert_int_equal(parse("-000000000000000000000000000042", &v), EP_OK);
	assert_int_equal(v, -42);
}

static void test_int64_edges(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse("9223372036854775807", &v), EP_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(parse("-9223372036854775808", &v), EP_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(parse("9223372036854775806", &v), EP_OK);
	assert_true(v == INT64_MAX - 1);
	assert_int_equal(parse("-9223372036854775807", &v), EP_OK);
	assert_true(v == INT64_MIN + 1);
	assert_int_equal(parse("0009223372036854775807", &v), EP_OK);
	assert_true(v == INT64_MAX);
}

static void test_overflow_is_limit(void **state)
{
	(void)state;
	int64_t v = SENTINEL;
	assert_int_equal(parse("9223372036854775808", &v), EP_E_LIMIT);
	assert_int_equal(parse("-9223372036854775809", &v), EP_E_LIMIT);
	assert_int_equal(parse("9223372036854775810", &v), EP_E_LIMIT);
	assert_int_equal(parse("18446744073709551615", &v), EP_E_LIMIT);
	assert_int_equal(parse("18446744073709551616", &v), EP_E_LIMIT);
	assert_int_equal(parse("-18446744073709551616", &v), EP_E_LIMIT);
	assert_int_equal(parse("99999999999999999999999999999999999999", &v), EP_E_LIMIT);
	assert_int_equal(parse("92233720368547758070", &v), EP_E_LIMIT);
	/* Nothing is written on failure. */
	assert_true(v == SENTINEL);
}

static void test_invalid_forms(void **state)
{
	(void)state;
	const char *bad[] = {
		"",     "-",     "+1",   " 1",   "1 ",   "\t1",  "1\n",  "--1",  "-+1",  "+-1", "1-",
		"1.0",  "1e3",   "0x10", "1,000", "1_000", "a",    "12a",  "a12",  "-a",   "--",  " ",
		"\xef\xbc\x91", /* FULLWIDTH DIGIT ONE */
		"\xd9\xa1",     /* ARABIC-INDIC DIGIT ONE */
		"\xc2\xa0" "1",  /* NO-BREAK SPACE then 1 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = SENTINEL;
		ep_status s = parse(bad[i], &v);
		if (s != EP_E_INVALID)
			fail_msg("'%s' gave %d, expected EP_E_INVALID", bad[i], (int)s);
		assert_true(v == SENTINEL);
	}
	/* An overlong number with a bad character is refused too, whichever error is named. */
	int64_t v = SENTINEL;
	assert_int_not_equal(parse("99999999999999999999999x", &v), EP_OK);
	assert_true(v == SENTINEL);
}

static void test_length_bounds_the_text(void **state)
{
	(void)state;
	int64_t v;
	/* Only s[0..n) is read: no NUL terminator needed. */
	assert_int_equal(ep_parse_i64("123abc", 3, INT64_MIN, INT64_MAX, &v), EP_OK);
	assert_int_equal(v, 123);
	assert_int_equal(ep_parse_i64("-45;", 3, INT64_MIN, INT64_MAX, &v), EP_OK);
	assert_int_equal(v, -45);
	assert_int_equal(ep_parse_i64("123abc", 4, INT64_MIN, INT64_MAX, &v), EP_E_INVALID);
	assert_int_equal(ep_parse_i64("123", 0, INT64_MIN, INT64_MAX, &v), EP_E_INVALID);
	assert_int_equal(ep_parse_i64("-5", 1, INT64_MIN, INT64_MAX, &v), EP_E_INVALID);
	/* An embedded NUL inside the length is not a digit. */
	assert_int_equal(ep_parse_i64("1\0002", 3, INT64_MIN, INT64_MAX, &v), EP_E_INVALID);
	char digits[4] = {'9', '8', '7', '6'}; /* not NUL-terminated */
	assert_int_equal(ep_parse_i64(digits, sizeof digits, INT64_MIN, INT64_MAX, &v), EP_OK);
	assert_int_equal(v, 9876);
}

static void test_range(void **state)
{
	(void)state;
	int64_t v = SENTINEL;
	assert_int_equal(ep_parse_i64z("0", 0, 10, &v), EP_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ep_parse_i64z("10", 0, 10, &v), EP_OK);
	assert_int_equal(v, 10);
	assert_int_equal(ep_parse_i64z("5", 0, 10, &v), EP_OK);
	assert_int_equal(v, 5);
	v = SENTINEL;
	assert_int_equal(ep_parse_i64z("11", 0, 10, &v), EP_E_LIMIT);
	assert_int_equal(ep_parse_i64z("-1", 0, 10, &v), EP_E_LIMIT);
	assert_int_equal(ep_parse_i64z("1000000", 0, 10, &v), EP_E_LIMIT);
	assert_true(v == SENTINEL);
	/* Negative ranges. */
	assert_int_equal(ep_parse_i64z("-5", -10, -5, &v), EP_OK);
	assert_int_equal(v, -5);
	assert_int_equal(ep_parse_i64z("-10", -10, -5, &v), EP_OK);
	assert_int_equal(v, -10);
	assert_int_equal(ep_parse_i64z("-4", -10, -5, &v), EP_E_LIMIT);
	assert_int_equal(ep_parse_i64z("-11", -10, -5, &v), EP_E_LIMIT);
	/* A range of one value. */
	assert_int_equal(ep_parse_i64z("42", 42, 42, &v), EP_OK);
	assert_int_equal(ep_parse_i64z("43", 42, 42, &v), EP_E_LIMIT);
	/* A port. */
	assert_int_equal(ep_parse_i64z("65535", 0, 65535, &v), EP_OK);
	assert_int_equal(ep_parse_i64z("65536", 0, 65535, &v), EP_E_LIMIT);
	/* Bad syntax is EP_E_INVALID even when a range is given. */
	assert_int_equal(ep_parse_i64z("+5", 0, 10, &v), EP_E_INVALID);
	assert_int_equal(ep_parse_i64z("", 0, 10, &v), EP_E_INVALID);
	/* Range edges at the ends of int64_t. */
	assert_int_equal(ep_parse_i64z("9223372036854775807", 0, INT64_MAX - 1, &v), EP_E_LIMIT);
	assert_int_equal(ep_parse_i64z("-9223372036854775808", INT64_MIN + 1, 0, &v), EP_E_LIMIT);
}

static void test_round_trip(void **state)
{
	(void)state;
	/* Values across the whole range read back exactly as printed. */
	int64_t x = 1;
	for (int i = 0; i < 200; i++) {
		int64_t vals[2] = {x, -x};
		for (int k = 0; k < 2; k++) {
			char text[32];
			snprintf(text, sizeof text, "%lld", (long long)vals[k]);
			int64_t v;
			assert_int_equal(parse(text, &v), EP_OK);
			assert_true(v == vals[k]);
		}
		x = (int64_t)((uint64_t)x * 3u + 7u) & INT64_MAX;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_values),
		cmocka_unit_test(test_int64_edges),
		cmocka_unit_test(test_overflow_is_limit),
		cmocka_unit_test(test_invalid_forms),
		cmocka_unit_test(test_length_bounds_the_text),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
