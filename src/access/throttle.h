/*
 * Throttling of failed logins, in memory, per account, per client address and per pair. The
 * aim is to make guessing slow without letting an attacker lock a person out: a pair (this
 * account from this address) backs off exponentially after a few failures; an address that
 * fails against many accounts is slowed as a whole; an account failed against from many
 * addresses is slowed to a few attempts a minute, never closed. Successful logins clear the
 * pair. The table is bounded; the oldest entries are forgotten first.
 */
#ifndef EP_ACCESS_THROTTLE_H
#define EP_ACCESS_THROTTLE_H

#include <stdint.h>
#include <time.h>

typedef struct ep_throttle ep_throttle;

typedef struct ep_throttle_limits {
	int pair_free;       /* failures of one account from one address before backing off (5) */
	int pair_max_wait;   /* the longest back-off of a pair, seconds (900) */
	int addr_free;       /* failures from one address, over all accounts, in window (20) */
	int account_free;    /* failures against one account, over all addresses, in window (10) */
	int account_spacing; /* past that, at most one attempt per this many seconds (5) */
	int window;          /* seconds the counts of an address or account cover (900) */
	int capacity;        /* entries kept (65536) */
} ep_throttle_limits;

/* The defaults above. */
ep_throttle_limits ep_throttle_defaults(void);

ep_throttle *ep_throttle_new(const ep_throttle_limits *limits);
void ep_throttle_free(ep_throttle *t);

/* Seconds the caller must wait before trying account from addr at time now (0: go ahead).
 * Thread-safe. account is the name as typed (an unknown account is throttled the same way). */
int ep_throttle_wait(ep_throttle *t, const char *account, const char *addr, time_t now);
/* Records a failed attempt. */
void ep_throttle_fail(ep_throttle *t, const char *account, const char *addr, time_t now);
/* Records a successful login: clears the pair. */
void ep_throttle_ok(ep_throttle *t, const char *account, const char *addr, time_t now);

#endif
