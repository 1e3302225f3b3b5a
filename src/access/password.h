/*
 * Passwords: Argon2id hashes in the PHC string format (libsodium's crypto_pwhash_str), and the
 * password policy every new password must meet. A hash carries its own parameters, so hashes
 * made with other costs (older ones, or the cheap ones the tests use) still verify.
 */
#ifndef EP_ACCESS_PASSWORD_H
#define EP_ACCESS_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* The PHC string of an Argon2id hash ("$argon2id$v=19$m=65536,t=2,p=1$...") fits in this. */
#define EP_PASSWORD_HASH_MAX 128
/* Shortest and longest password accepted (bytes of UTF-8). */
#define EP_PASSWORD_MIN 12
#define EP_PASSWORD_MAX 1024

/* The cost of new hashes. The default is libsodium's "interactive" Argon2id limits: 2 passes
 * over 64 MiB. EMPACT_PASSWORD_COST=test (read by ep_password_cost_default) selects the
 * smallest cost libsodium allows, so that test suites that create many accounts stay fast. */
typedef struct ep_password_cost {
	unsigned long long opslimit; /* passes */
	size_t memlimit;             /* bytes */
} ep_password_cost;

ep_password_cost ep_password_cost_default(void);

/* Hashes pw into out (EP_PASSWORD_HASH_MAX bytes, NUL-terminated). EP_E_INTERNAL if the
 * machine cannot give the memory. */
ep_status ep_password_hash(const char *pw, const ep_password_cost *cost, char out[EP_PASSWORD_HASH_MAX],
			   ep_err *err);
/* Whether pw matches the PHC string stored; false for a malformed hash. Runs in time that does
 * not depend on where a wrong password differs. */
bool ep_password_verify(const char *stored, const char *pw);
/* Spends as long as a verification does, for an unknown user, so that a wrong password and an
 * unknown user cannot be told apart by their timing. */
void ep_password_verify_dummy(const char *pw);

/* The password policy: EP_OK, or EP_E_INVALID with field "password" and a message that says
 * what to change: shorter than EP_PASSWORD_MIN characters (code points), longer than
 * EP_PASSWORD_MAX bytes, not UTF-8, one of the commonly used passwords (a built-in list,
 * compared case-insensitively and ignoring trailing digits and punctuation), the user name or
 * organisation code itself or contained in it, or one repeated or sequential character run
 * ("aaaaaaaaaaaa", "123456789012", "abcdefghijkl"). username and org_code may be NULL. */
ep_status ep_password_check_policy(const char *pw, const char *username, const char *org_code, ep_err *err);

#endif
