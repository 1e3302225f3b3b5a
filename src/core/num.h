/*
 * Range-checked number parsing, in the manner of OpenBSD's strtonum: the whole text must be
 * the number, and it must lie in [min, max]. Replaces atoi and friends (banned).
 */
#ifndef EP_NUM_H
#define EP_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Parses the decimal integer s[0..n) (an optional '-', then digits; no spaces, no '+').
 * EP_E_INVALID for anything else, EP_E_LIMIT when outside [min, max]. */
ep_status ep_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);
/* The same for a NUL-terminated string. */
ep_status ep_parse_i64z(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
