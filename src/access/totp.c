/*
 * TOTP (see totp.h): liboath computes the HOTP values; this file adds what a login needs
 * around them: fresh secrets from libsodium's CSPRNG, the check with one step of clock drift
 * either side and replay refusal, and the otpauth:// URI that enrolment shows as a QR code.
 */
#include "access/totp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "core/str.h"
#include "core/banned.h"

#define FIELD "totp"
/* RFC 4226 section 4: a shared secret has at least 128 bits. */
#define SECRET_MIN_BYTES 16

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int init_rc = OATH_OK;

static void oath_start(void)
{
	init_rc = oath_init();
}

ep_status ep_totp_init(ep_err *err)
{
	pthread_once(&oath_once, oath_start);
	if (init_rc != OATH_OK)
		return ep_err_set(err, EP_E_INTERNAL, "", "liboath could not be initialised: %s", oath_strerror(init_rc));
	return EP_OK;
}

ep_status ep_totp_secret_new(char out[EP_TOTP_SECRET_B32], ep_err *err)
{
	out[0] = '\0';
	ep_status st = ep_totp_init(err);
	if (st != EP_OK)
		return st;
	if (sodium_init() < 0)
		return ep_err_set(err, EP_E_INTERNAL, "", "libsodium could not be initialised");
	unsigned char raw[EP_TOTP_SECRET_BYTES];
	randombytes_buf(raw, sizeof raw);
	char *b32 = NULL;
	size_t n = 0;
	int rc = oath_base32_encode((const char *)raw, sizeof raw, &b32, &n);
	sodium_memzero(raw, sizeof raw);
	if (rc != OATH_OK || !b32)
		return ep_err_set(err, EP_E_INTERNAL, "", "encoding the TOTP secret failed: %s", oath_strerror(rc));
	/* 20 bytes are exactly 32 base32 characters, so there is no padding to drop; the loop
	 * keeps that true should the secret size change. */
	while (n > 0 && b32[n - 1] == '=')
		n--;
	if (n >= EP_TOTP_SECRET_B32) {
		sodium_memzero(b32, n);
		free(b32);
		return ep_err_set(err, EP_E_INTERNAL, "", "the TOTP secret does not fit its buffer");
	}
	memcpy(out, b32, n);
	out[n] = '\0';
	sodium_memzero(b32, n);
	free(b32);
	return EP_OK;
}

ep_status ep_totp_code(const unsigned char *secret, size_t len, time_t t, unsigned digits, ep_totp_algo algo,
		       char out[9], ep_err *err)
{
	out[0] = '\0';
	if (digits < 6 || digits > 8)
		return ep_err_set(err, EP_E_INVALID, "digits", "a TOTP code has 6 to 8 digits, not %u", digits);
	if (t < 0)
		return ep_err_set(err, EP_E_INVALID, "time", "TOTP is not defined before 1970");
	int flags;
	switch (algo) {
	case EP_TOTP_SHA1:
		flags = 0;
		break;
	case EP_TOTP_SHA256:
		flags = OATH_TOTP_HMAC_SHA256;
		break;
	case EP_TOTP_SHA512:
		flags = OATH_TOTP_HMAC_SHA512;
		break;
	default:
		return ep_err_set(err, EP_E_INVALID, "algorithm", "unknown TOTP algorithm %d", (int)algo);
	}
	ep_status st = ep_totp_init(err);
	if (st != EP_OK)
		return st;
	int rc = oath_totp_generate2((const char *)secret, len, t, EP_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, digits,
				     flags, out);
	if (rc != OATH_OK) {
		out[0] = '\0';
		return ep_err_set(err, EP_E_INTERNAL, "", "computing the TOTP code failed: %s", oath_strerror(rc));
	}
	return EP_OK;
}

static bool six_digits(const char *code)
{
	if (!code)
		return false;
	for (int i = 0; i < EP_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return code[EP_TOTP_DIGITS] == '\0';
}

ep_status ep_totp_check(const char *secret_b32, const char *code, time_t now, int64_t last_step, int64_t *step,
			ep_err *err)
{
	if (!six_digits(code))
		return ep_err_set(err, EP_E_INVALID, FIELD, "the code must be the %d digits the authenticator app shows",
				  EP_TOTP_DIGITS);
	ep_status st = ep_totp_init(err);
	if (st != EP_OK)
		return st;
	char *secret = NULL;
	size_t len = 0;
	if (!secret_b32 || oath_base32_decode(secret_b32, strlen(secret_b32), &secret, &len) != OATH_OK || !secret ||
	    len < SECRET_MIN_BYTES) {
		if (secret) {
			sodium_memzero(secret, len);
			free(secret);
		}
		return ep_err_set(err, EP_E_INTERNAL, "", "the stored TOTP secret is malformed");
	}

	/* All three candidate steps are computed and compared whatever the outcome, so that the
	 * time taken says nothing about which one matched. A match not later than last_step is a
	 * replay, which reads like a wrong code so that neither tells a guesser more; of the steps
	 * that match and are later, the latest is the one recorded. */
	int64_t cur = (int64_t)(now < 0 ? 0 : now) / EP_TOTP_STEP;
	int64_t matched = -1;
	for (int d = -1; d <= 1; d++) {
		int64_t s = cur + d;
		if (s < 0)
			continue;
		char want[9];
		if (ep_totp_code((const unsigned char *)secret, len, (time_t)(s * EP_TOTP_STEP), EP_TOTP_DIGITS,
				 EP_TOTP_SHA1, want, err) != EP_OK) {
			sodium_memzero(secret, len);
			free(secret);
			return EP_E_INTERNAL;
		}
		bool eq = ep_mem_eq_ct(want, code, EP_TOTP_DIGITS);
		sodium_memzero(want, sizeof want);
		if (eq && s > last_step)
			matched = s;
	}
	sodium_memzero(secret, len);
	free(secret);
	if (matched < 0)
		return ep_err_set(err, EP_E_INVALID, FIELD, "the code is wrong or already used");
	if (step)
		*step = matched;
	return EP_OK;
}

/* A bounded writer into the caller's buffer: after an overflow everything is refused and the
 * caller reports EP_E_LIMIT. */
typedef struct out_w {
	char *p;
	size_t n, len;
	bool over;
} out_w;

static void put(out_w *w, const char *s, size_t k)
{
	if (w->over || w->len + k >= w->n) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->len, s, k);
	w->len += k;
	w->p[w->len] = '\0';
}

static void puts_(out_w *w, const char *s)
{
	put(w, s, strlen(s));
}

/* RFC 3986 percent-encoding: everything but the unreserved characters. */
static void put_pct(out_w *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			char one = (char)c;
			put(w, &one, 1);
		} else {
			char three[3] = {'%', hex[c >> 4], hex[c & 15]};
			put(w, three, 3);
		}
	}
}

ep_status ep_totp_uri(const char *issuer, const char *user, const char *secret_b32, char *out, size_t n, ep_err *err)
{
	if (n > 0)
		out[0] = '\0';
	if (!user || !user[0])
		return ep_err_set(err, EP_E_INVALID, "user", "the user name is required for the TOTP URI");
	if (!secret_b32 || !secret_b32[0])
		return ep_err_set(err, EP_E_INVALID, FIELD, "the TOTP secret is required for the TOTP URI");
	if (!issuer || !issuer[0])
		issuer = "empact";
	out_w w = {out, n, 0, n == 0};
	puts_(&w, "otpauth://totp/");
	put_pct(&w, issuer);
	puts_(&w, ":");
	put_pct(&w, user);
	puts_(&w, "?secret=");
	put_pct(&w, secret_b32);
	puts_(&w, "&issuer=");
	put_pct(&w, issuer);
	puts_(&w, "&algorithm=SHA1&digits=6&period=30");
	if (w.over) {
		if (n > 0)
			out[0] = '\0';
		return ep_err_set(err, EP_E_LIMIT, "", "the TOTP URI does not fit in %zu bytes", n);
	}
	return EP_OK;
}
