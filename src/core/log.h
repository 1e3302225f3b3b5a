/*
 * Levelled diagnostics on standard error. Each line carries the UTC time, the level and, when
 * the thread is serving a request, its request id. Secrets never go into a log line.
 */
#ifndef EP_LOG_H
#define EP_LOG_H

typedef enum ep_log_level {
	EP_LOG_DEBUG = 0,
	EP_LOG_INFO,
	EP_LOG_WARN,
	EP_LOG_ERROR,
	EP_LOG_OFF,
} ep_log_level;

void ep_log_set_level(ep_log_level level);
ep_log_level ep_log_get_level(void);
/* Parses "debug", "info", "warn", "error", "off". Returns 0, or -1 for anything else. */
int ep_log_level_parse(const char *s, ep_log_level *out);
const char *ep_log_level_name(ep_log_level level);
/* The request id shown on this thread's lines ("" or NULL for none). Copied. */
void ep_log_set_request_id(const char *id);

void ep_log(ep_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define ep_debug(...) ep_log(EP_LOG_DEBUG, __VA_ARGS__)
#define ep_info(...) ep_log(EP_LOG_INFO, __VA_ARGS__)
#define ep_warn(...) ep_log(EP_LOG_WARN, __VA_ARGS__)
#define ep_error(...) ep_log(EP_LOG_ERROR, __VA_ARGS__)

#endif
