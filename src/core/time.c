/*
 * UTC time and dates (see time.h). Calendar arithmetic follows Howard Hinnant's civil-date
 * algorithms, which are exact over the whole proleptic Gregorian calendar and need no libc
 * time-zone state.
 */
#include "core/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/num.h"
#include "core/banned.h"

int64_t ep_time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t ep_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void ep_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

bool ep_is_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned ep_days_in_month(int64_t y, unsigned m)
{
	static const unsigned dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && ep_is_leap_year(y) ? 29 : dim[m - 1];
}

void ep_time_format(int64_t t, char out[EP_TIMESTAMP_LEN])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int64_t y;
	unsigned m, d;
	ep_civil_from_days(days, &y, &m, &d);
	/* Formatted into a roomy buffer first: years past 9999 cannot occur from the clock, but
	 * the compiler cannot know that. */
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
	memcpy(out, tmp, EP_TIMESTAMP_LEN - 1);
	out[EP_TIMESTAMP_LEN - 1] = '\0';
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static ep_status parse_date_prefix(const char *s, int64_t *days)
{
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return EP_E_INVALID;
	int64_t y, m, d;
	ep_parse_i64(s, 4, 0, 9999, &y);
	ep_parse_i64(s + 5, 2, 0, 99, &m);
	ep_parse_i64(s + 8, 2, 0, 99, &d);
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > ep_days_in_month(y, (unsigned)m))
		return EP_E_INVALID;
	if (days)
		*days = ep_days_from_civil(y, (unsigned)m, (unsigned)d);
	return EP_OK;
}

ep_status ep_date_parse(const char *s, int64_t *days)
{
	if (strlen(s) != 10)
		return EP_E_INVALID;
	return parse_date_prefix(s, days);
}

void ep_date_format(int64_t days, char out[EP_DATE_LEN])
{
	int64_t y;
	unsigned m, d;
	ep_civil_from_days(days, &y, &m, &d);
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02u-%02u", (int)y, m, d);
	memcpy(out, tmp, EP_DATE_LEN - 1);
	out[EP_DATE_LEN - 1] = '\0';
}

ep_status ep_time_parse(const char *s, int64_t *out)
{
	int64_t days, h, mi, se;
	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return EP_E_INVALID;
	if (parse_date_prefix(s, &days) != EP_OK || !digits(s + 11, 2) || !digits(s + 14, 2) ||
	    !digits(s + 17, 2))
		return EP_E_INVALID;
	ep_parse_i64(s + 11, 2, 0, 99, &h);
	ep_parse_i64(s + 14, 2, 0, 99, &mi);
	ep_parse_i64(s + 17, 2, 0, 99, &se);
	if (h > 23 || mi > 59 || se > 59)
		return EP_E_INVALID;
	*out = days * 86400 + h * 3600 + mi * 60 + se;
	return EP_OK;
}
