/*
 * Unit tests of UTC time and calendar dates (core/time.h): leap years, date parsing with real
 * calendar checks, timestamp formatting and parsing (before 1970 too), and the civil-date
 * conversions, checked against known values, libc's gmtime_r and each other.
 */
#include "testutil.h"

#include <time.h>

#include "core/time.h"

static void test_leap_years(void **state)
{
	(void)state;
	assert_true(ep_is_leap_year(2024));
	assert_true(ep_is_leap_year(2000));
	assert_true(ep_is_leap_year(1600));
	assert_true(ep_is_leap_year(4));
	assert_true(ep_is_leap_year(0));
	assert_true(ep_is_leap_year(-4));
	assert_false(ep_is_leap_year(2023));
	assert_false(ep_is_leap_year(1900));
	assert_false(ep_is_leap_year(2100));
	assert_false(ep_is_leap_year(1));
	assert_false(ep_is_leap_year(-100));
}

static void test_days_in_month(void **state)
{
	(void)state;
	static const unsigned dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (unsigned m = 1; m <= 12; m++) {
		assert_int_equal(ep_days_in_month(2023, m), dim[m - 1]);
		assert_int_equal(ep_days_in_month(2024, m), m == 2 ? 29 : dim[m - 1]);
	}
	assert_int_equal(ep_days_in_month(1900, 2), 28);
	assert_int_equal(ep_days_in_month(2000, 2), 29);
	assert_int_equal(ep_days_in_month(2024, 0), 0);
	assert_int_equal(ep_days_in_month(2024, 13), 0);
}

static void test_date_parse_valid(void **state)
{
	(void)state;
	int64_t days = -1;
	assert_int_equal(ep_date_parse("1970-01-01", &days), EP_OK);
	assert_int_equal(days, 0);
	assert_int_equal(ep_date_parse("1970-01-02", &days), EP_OK);
	assert_int_equal(days, 1);
	assert_int_equal(ep_date_parse("1969-12-31", &days), EP_OK);
	assert_int_equal(days, -1);
	assert_int_equal(ep_date_parse("2000-03-01", &days), EP_OK);
	assert_int_equal(days, 11017);
	assert_int_equal(ep_date_parse("1600-03-01", &days), EP_OK);
	assert_int_equal(days, -135080);
	assert_int_equal(ep_date_parse("1000-01-01", &days), EP_OK);
	assert_int_equal(days, -354285);
	assert_int_equal(ep_date_parse("9999-12-31", &days), EP_OK);
	assert_int_equal(days, 2932896);
	assert_int_equal(ep_date_parse("2011-12-31", NULL), EP_OK); /* days may be NULL */
	/* Last day of each month of a common year. */
	assert_int_equal(ep_date_parse("2023-01-31", NULL), EP_OK);
	assert_int_equal(ep_date_parse("2023-04-30", NULL), EP_OK);
	assert_int_equal(ep_date_parse("2023-06-30", NULL), EP_OK);
	assert_int_equal(ep_date_parse("2023-09-30", NULL), EP_OK);
	assert_int_equal(ep_date_parse("2023-11-30", NULL), EP_OK);
	assert_int_equal(ep_date_parse("2023-12-31", NULL), EP_OK);
}

static void test_date_parse_leap_days(void **state)
{
	(void)state;
	int64_t days;
	assert_int_equal(ep_date_parse("2024-02-29", &days), EP_OK);
	assert_int_equal(ep_date_parse("2024-03-01", NULL), EP_OK);
	int64_t next;
	ep_date_parse("2024-03-01", &next);
	assert_int_equal(next - days, 1);
	assert_int_equal(ep_date_parse("2000-02-29", NULL), EP_OK);  /* divisible by 400 */
	assert_int_equal(ep_date_parse("1600-02-29", NULL), EP_OK);
	assert_int_equal(ep_date_parse("2023-02-29", NULL), EP_E_INVALID);
	assert_int_equal(ep_date_parse("1900-02-29", NULL), EP_E_INVALID); /* divisible by 100 */
	assert_int_equal(ep_date_parse("2100-02-29", NULL), EP_E_INVALID);
	assert_int_equal(ep_date_parse("2024-02-30", NULL), EP_E_INVALID);
	assert_int_equal(ep_date_parse("2023-02-28", NULL), EP_OK);
}

static void test_date_parse_invalid(void **state)
{
	(void)state;
	const char *bad[] = {
		"",            "2024",        "2024-01",     "2024-1-01",   "2024-01-1",   "24-01-01",
		"2024-01-011", " 2024-01-01", "2024-01-01 ", "2024/01/01",  "2024.01.01",  "20240101",
		"2024-00-10",  "2024-13-01",  "2024-01-00",  "2024-01-32",  "2024-04-31",  "2024-06-31",
		"2024-09-31",  "2024-11-31",  "2024-99-99",  "abcd-ef-gh",  "2024-0a-01",  "2024-01-0a",
		"+024-01-01",  "-024-01-01",  "2024--1-01",  "2024-01- 1",  "0999-12-31",  "0000-01-01",
		"2024-01-01T00:00:00Z", "１９７０-01-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t days = 12345;
		if (ep_date_parse(bad[i], &days) != EP_E_INVALID)
			fail_msg("'%s' was accepted as a date", bad[i]);
		assert_int_equal(days, 12345);
	}
}

static void test_date_format(void **state)
{
	(void)state;
	char out[EP_DATE_LEN];
	ep_date_format(0, out);
	assert_string_equal(out, "1970-01-01");
	ep_date_format(-1, out);
	assert_string_equal(out, "1969-12-31");
	ep_date_format(11017, out);
	assert_string_equal(out, "2000-03-01");
	ep_date_format(2932896, out);
	assert_string_equal(out, "9999-12-31");
	ep_date_format(-354285, out);
	assert_string_equal(out, "1000-01-01");
}

static void test_date_round_trip(void **state)
{
	(void)state;
	/* Every day from 1000-01-01 to 9999-12-31 formats and parses back to itself. */
	char out[EP_DATE_LEN];
	for (int64_t d = -354285; d <= 2932896; d++) {
		ep_date_format(d, out);
		int64_t back;
		if (ep_date_parse(out, &back) != EP_OK || back != d)
			fail_msg("day %lld formats as '%s', which does not read back", (long long)d, out);
	}
}

static void test_time_format_known(void **state)
{
	(void)state;
	char out[EP_TIMESTAMP_LEN];
	ep_time_format(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	ep_time_format(-1, out);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	ep_time_format(-86400, out);
	assert_string_equal(out, "1969-12-31T00:00:00Z");
	ep_time_format(-86401, out);
	assert_string_equal(out, "1969-12-30T23:59:59Z");
	ep_time_format(-14182940, out);
	assert_string_equal(out, "1969-07-20T20:17:40Z");
	ep_time_format(946684800, out);
	assert_string_equal(out, "2000-01-01T00:00:00Z");
	ep_time_format(951825600, out);
	assert_string_equal(out, "2000-02-29T12:00:00Z");
	ep_time_format(2147483647, out);
	assert_string_equal(out, "2038-01-19T03:14:07Z");
	ep_time_format(2147483648LL, out);
	assert_string_equal(out, "2038-01-19T03:14:08Z");
	ep_time_format(1795436742, out);
	assert_string_equal(out, "2026-11-23T12:25:42Z");
	ep_time_format(253402300799LL, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	ep_time_format(-30610224000LL, out);
	assert_string_equal(out, "1000-01-01T00:00:00Z");
	assert_int_equal(strlen(out), EP_TIMESTAMP_LEN - 1);
}

static void test_time_parse_known(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(ep_time_parse("1970-01-01T00:00:00Z", &t), EP_OK);
	assert_int_equal(t, 0);
	assert_int_equal(ep_time_parse("1969-12-31T23:59:59Z", &t), EP_OK);
	assert_int_equal(t, -1);
	assert_int_equal(ep_time_parse("1969-07-20T20:17:40Z", &t), EP_OK);
	assert_int_equal(t, -14182940);
	assert_int_equal(ep_time_parse("1900-03-01T00:00:00Z", &t), EP_OK);
	assert_true(t == -2203891200LL);
	assert_int_equal(ep_time_parse("2024-02-29T23:59:59Z", &t), EP_OK);
	assert_int_equal(t, 1709251199);
	assert_int_equal(ep_time_parse("2038-01-19T03:14:08Z", &t), EP_OK);
	assert_true(t == 2147483648LL);
	assert_int_equal(ep_time_parse("9999-12-31T23:59:59Z", &t), EP_OK);
	assert_true(t == 253402300799LL);
	assert_int_equal(ep_time_parse("1000-01-01T00:00:00Z", &t), EP_OK);
	assert_true(t == -30610224000LL);
}

static void test_time_parse_invalid(void **state)
{
	(void)state;
	const char *bad[] = {
		"",
		"2024-01-01",
		"2024-01-01T00:00:00",
		"2024-01-01T00:00:00z",
		"2024-01-01t00:00:00Z",
		"2024-01-01 00:00:00Z",
		"2024-01-01T00:00:00+00:00",
		"2024-01-01T00:00:00.000Z",
		"2024-01-01T00:00Z",
		"2024-01-01T0:00:00Z",
		"2024-01-01T00-00-00Z",
		"2024-01-01T24:00:00Z",
		"2024-01-01T23:60:00Z",
		"2024-01-01T23:59:60Z", /* no leap seconds */
		"2024-01-01T99:99:99Z",
		"2024-01-01Ta0:00:00Z",
		"2024-01-01T00:0a:00Z",
		"2024-01-01T00:00:0aZ",
		"2023-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z",
		"2024-13-01T00:00:00Z",
		"0999-12-31T23:59:59Z",
		" 2024-01-01T00:00:00Z",
		"2024-01-01T00:00:00Z ",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 777;
		if (ep_time_parse(bad[i], &t) != EP_E_INVALID)
			fail_msg("'%s' was accepted as a timestamp", bad[i]);
		assert_int_equal(t, 777);
	}
	int64_t t;
	assert_int_equal(ep_time_parse("2000-02-29T00:00:00Z", &t), EP_OK);
	assert_int_equal(ep_time_parse("2024-12-31T23:59:59Z", &t), EP_OK);
}

static void test_time_round_trip(void **state)
{
	(void)state;
	const int64_t vals[] = {
		0,           1,           -1,          59,          60,         86399,     86400,
		-86400,      -86401,      -14182940,   946684799,   946684800,  951825600, 1709251199,
		2147483647,  2147483648LL, 4102444800LL, 253402300799LL, -30610224000LL, -2203891200LL,
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		char out[EP_TIMESTAMP_LEN];
		ep_time_format(vals[i], out);
		int64_t back;
		assert_int_equal(ep_time_parse(out, &back), EP_OK);
		if (back != vals[i])
			fail_msg("%lld -> '%s' -> %lld", (long long)vals[i], out, (long long)back);
	}
	/* A sweep across the supported years with an odd step, so every second of the day is hit. */
	for (int64_t t = -30610224000LL; t <= 253402300799LL; t += 9876543) {
		char out[EP_TIMESTAMP_LEN];
		ep_time_format(t, out);
		int64_t back;
		if (ep_time_parse(out, &back) != EP_OK || back != t)
			fail_msg("%lld -> '%s' does not read back", (long long)t, out);
	}
}

static void test_time_format_matches_gmtime(void **state)
{
	(void)state;
	/* libc's gmtime_r is an independent oracle for the range time_t covers here. */
	for (int64_t t = -5000000000LL; t <= 5000000000LL; t += 7777777) {
		time_t tt = (time_t)t;
		struct tm tm;
		assert_non_null(gmtime_r(&tt, &tm));
		char want[64];
		snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		char out[EP_TIMESTAMP_LEN];
		ep_time_format(t, out);
		if (strcmp(out, want) != 0)
			fail_msg("%lld: '%s', gmtime says '%s'", (long long)t, out, want);
	}
}

static void test_civil_round_trip(void **state)
{
	(void)state;
	/* Over about 11,000 years around the epoch, including years before year 0: each day number
	 * gives a real date, consecutive days give consecutive dates, and the date gives the same
	 * day number back. */
	int64_t py;
	unsigned pm, pd;
	ep_civil_from_days(-2000000 - 1, &py, &pm, &pd);
	for (int64_t z = -2000000; z <= 2000000; z++) {
		int64_t y;
		unsigned m, d;
		ep_civil_from_days(z, &y, &m, &d);
		if (m < 1 || m > 12 || d < 1 || d > ep_days_in_month(y, m))
			fail_msg("day %lld gave %lld-%u-%u", (long long)z, (long long)y, m, d);
		if (ep_days_from_civil(y, m, d) != z)
			fail_msg("day %lld -> %lld-%u-%u -> %lld", (long long)z, (long long)y, m, d,
				 (long long)ep_days_from_civil(y, m, d));
		bool next_day = y == py && m == pm && d == pd + 1;
		bool next_month = y == py && m == pm + 1 && d == 1 && pd == ep_days_in_month(py, pm);
		bool next_year = y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31;
		if (!next_day && !next_month && !next_year)
			fail_msg("day %lld: %lld-%u-%u does not follow %lld-%u-%u", (long long)z, (long long)y, m,
				 d, (long long)py, pm, pd);
		py = y;
		pm = m;
		pd = d;
	}
}

static void test_civil_known(void **state)
{
	(void)state;
	assert_int_equal(ep_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(ep_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ep_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(ep_days_from_civil(0, 3, 1), -719468); /* the algorithm's own epoch */
	int64_t y;
	unsigned m, d;
	ep_civil_from_days(-719162, &y, &m, &d);
	assert_int_equal(y, 1);
	assert_int_equal(m, 1);
	assert_int_equal(d, 1);
	ep_civil_from_days(-719163, &y, &m, &d);
	assert_int_equal(y, 0);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
}

static void test_now(void **state)
{
	(void)state;
	int64_t t = ep_time_now();
	/* After this code was written and before the year 9999. */
	assert_true(t > 1700000000);
	assert_true(t < 253402300799LL);
	char out[EP_TIMESTAMP_LEN];
	ep_time_format(t, out);
	int64_t back;
	assert_int_equal(ep_time_parse(out, &back), EP_OK);
	assert_int_equal(back, t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_days_in_month),
		cmocka_unit_test(test_date_parse_valid),
		cmocka_unit_test(test_date_parse_leap_days),
		cmocka_unit_test(test_date_parse_invalid),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_date_round_trip),
		cmocka_unit_test(test_time_format_known),
		cmocka_unit_test(test_time_parse_known),
		cmocka_unit_test(test_time_parse_invalid),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_time_format_matches_gmtime),
		cmocka_unit_test(test_civil_round_trip),
		cmocka_unit_test(test_civil_known),
		cmocka_unit_test(test_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
