/*
 * The header fields that carry credentials, parsed strictly: Cookie (RFC 6265 section 5.4
 * syntax, "name=value" pairs separated by "; "), Authorization (RFC 9110 section 11.6.2, the
 * Bearer scheme of RFC 6750) and Origin (RFC 6454 serialisation). Anything malformed is
 * EP_E_INVALID, never a guess.
 */
#ifndef EP_ACCESS_AUTHHDR_H
#define EP_ACCESS_AUTHHDR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* The name of empact's session cookie. The __Host- prefix makes browsers refuse it unless it
 * was set Secure, without Domain, with Path=/ (RFC 6265bis 4.1.3.2). */
#define EP_SESSION_COOKIE "__Host-empact"
#define EP_COOKIE_VALUE_MAX 256

/* Finds the value of cookie name in a Cookie header (len bytes, not NUL-terminated). EP_OK
 * with *found false when the header is well formed and has no such cookie; EP_E_INVALID when
 * the header is malformed or carries the cookie twice (a cookie-tossing attempt); EP_E_LIMIT
 * when the value is longer than EP_COOKIE_VALUE_MAX - 1. Values are copied to out (NUL-
 * terminated); a quoted value ("...") is unquoted. */
ep_status ep_cookie_find(const char *header, size_t len, const char *name, char out[EP_COOKIE_VALUE_MAX],
			 bool *found, ep_err *err);

/* The Set-Cookie value that sets the session cookie: NAME=VALUE; Path=/; Max-Age=N; HttpOnly;
 * Secure; SameSite=Strict. An empty value with max_age 0 clears it. EP_E_LIMIT if it does not
 * fit in n. */
ep_status ep_cookie_set_session(const char *value, long max_age, char *out, size_t n, ep_err *err);

/* Reads "Bearer TOKEN" (scheme case-insensitive, one space or more, token68 syntax) into out.
 * EP_E_INVALID for another scheme or a malformed value; EP_E_LIMIT past n - 1 bytes. */
ep_status ep_authz_bearer(const char *header, size_t len, char *out, size_t n, ep_err *err);

/* Whether an Origin header (len bytes) names the same host (and port) as the Host header:
 * "http://h:p" or "https://h:p" against "h:p", comparing host names case-insensitively and
 * treating a missing port as the scheme's default. "null" and anything malformed is false. */
bool ep_origin_matches_host(const char *origin, size_t len, const char *host);

#endif
