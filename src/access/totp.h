/*
 * TOTP second factor (RFC 6238 over RFC 4226 HOTP, through liboath): secrets, codes, and the
 * check a login makes, which refuses a code of a time step already used (a replayed code).
 */
#ifndef EP_ACCESS_TOTP_H
#define EP_ACCESS_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/status.h"

#define EP_TOTP_SECRET_BYTES 20  /* 160 bits, as RFC 4226 recommends */
#define EP_TOTP_SECRET_B32 33    /* base32 of 20 bytes (32 chars) + NUL */
#define EP_TOTP_STEP 30          /* seconds */
#define EP_TOTP_DIGITS 6

typedef enum ep_totp_algo { EP_TOTP_SHA1, EP_TOTP_SHA256, EP_TOTP_SHA512 } ep_totp_algo;

/* Starts liboath; call once before anything else here (idempotent, thread-safe). */
ep_status ep_totp_init(ep_err *err);

/* A new random secret, as unpadded RFC 4648 base32 (upper case). */
ep_status ep_totp_secret_new(char out[EP_TOTP_SECRET_B32], ep_err *err);

/* The code for the raw secret at unix time t: digits (6-8) decimal digits into out. */
ep_status ep_totp_code(const unsigned char *secret, size_t len, time_t t, unsigned digits, ep_totp_algo algo,
		       char out[9], ep_err *err);

/* Checks a 6-digit SHA-1 code against a base32 secret at time now, accepting the current step
 * and one step either side (clock drift). A code whose step is not later than last_step (the
 * step of the last code accepted for this account) is refused as a replay. On success *step
 * gets the step the code belongs to, which the caller stores as the new last_step.
 * EP_E_INVALID (field "totp") for a malformed code, a wrong code or a replay; the message says
 * which of the three, except that a wrong code and a replay both read "the code is wrong or
 * already used". */
ep_status ep_totp_check(const char *secret_b32, const char *code, time_t now, int64_t last_step, int64_t *step,
			ep_err *err);

/* The otpauth:// URI an authenticator app reads from the QR code:
 * otpauth://totp/empact:USER?secret=S&issuer=empact&algorithm=SHA1&digits=6&period=30
 * with the label and issuer percent-encoded. EP_E_LIMIT if it does not fit in n. */
ep_status ep_totp_uri(const char *issuer, const char *user, const char *secret_b32, char *out, size_t n, ep_err *err);

#endif
