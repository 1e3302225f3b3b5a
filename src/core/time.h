/*
 * UTC time and calendar dates. empact stores times as UTC ISO 8601 timestamps
 * ("2026-11-23T12:25:42Z") and dates as "YYYY-MM-DD", and never uses the local time zone.
 */
#ifndef EP_TIME_H
#define EP_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

#define EP_TIMESTAMP_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and NUL */
#define EP_DATE_LEN 11      /* "YYYY-MM-DD" and NUL */

/* Seconds since the Unix epoch, UTC. */
int64_t ep_time_now(void);
/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out. */
void ep_time_format(int64_t t, char out[EP_TIMESTAMP_LEN]);
/* Parses exactly "YYYY-MM-DDTHH:MM:SSZ". */
ep_status ep_time_parse(const char *s, int64_t *out);

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
int64_t ep_days_from_civil(int64_t y, unsigned m, unsigned d);
void ep_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
bool ep_is_leap_year(int64_t y);
unsigned ep_days_in_month(int64_t y, unsigned m);

/* Parses exactly "YYYY-MM-DD" with a real calendar date (years 1000-9999); *days gets the
 * day number (may be NULL). EP_E_INVALID otherwise. */
ep_status ep_date_parse(const char *s, int64_t *days);
/* Formats a day number as "YYYY-MM-DD". */
void ep_date_format(int64_t days, char out[EP_DATE_LEN]);

#endif
