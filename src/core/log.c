/*
 * Diagnostics (see log.h). A whole line is formatted first and written with one call, so that
 * lines from concurrent threads do not interleave.
 */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"
#include "core/banned.h"

static atomic_int log_level = EP_LOG_INFO;
static _Thread_local char request_id[64];

void ep_log_set_level(ep_log_level level)
{
	atomic_store(&log_level, (int)level);
}

ep_log_level ep_log_get_level(void)
{
	return (ep_log_level)atomic_load(&log_level);
}

static const char *const names[] = {"debug", "info", "warn", "error", "off"};

int ep_log_level_parse(const char *s, ep_log_level *out)
{
	for (int i = 0; i <= EP_LOG_OFF; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (ep_log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *ep_log_level_name(ep_log_level level)
{
	return level >= EP_LOG_DEBUG && level <= EP_LOG_OFF ? names[level] : "?";
}

void ep_log_set_request_id(const char *id)
{
	snprintf(request_id, sizeof request_id, "%s", id ? id : "");
}

void ep_log(ep_log_level level, const char *fmt, ...)
{
	if (level < ep_log_get_level() || level >= EP_LOG_OFF)
		return;
	char line[2048], ts[EP_TIMESTAMP_LEN];
	ep_time_format(ep_time_now(), ts);
	int n = snprintf(line, sizeof line, "%s %-5s %s%s%s", ts, names[level],
			 request_id[0] ? "[" : "", request_id, request_id[0] ? "] " : "");
	if (n < 0)
		return;
	size_t used = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + used, sizeof line - used, fmt, ap);
	va_end(ap);
	if (m > 0)
		used += (size_t)m < sizeof line - used ? (size_t)m : sizeof line - used - 1;
	if (used > sizeof line - 2)
		used = sizeof line - 2;
	line[used++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, used);
	(void)w;
}
