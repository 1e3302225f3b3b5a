/*
 * Unit tests of login throttling (access/throttle.h), with time passed in: the pair back-off
 * and its cap, an account attacked from many addresses (its owner never waits more than the
 * spacing), an address spraying many accounts, success clearing a pair, the pair forgetting
 * old failures, the bounded table under eviction, and a few threads at once.
 */
#include "testutil.h"

#include <pthread.h>

#include "access/throttle.h"

/* Limits where only the pair matters. */
static ep_throttle_limits pair_only(void)
{
	ep_throttle_limits l = ep_throttle_defaults();
	l.addr_free = 1 << 30;
	l.account_free = 1 << 30;
	return l;
}

static void test_defaults(void **state)
{
	(void)state;
	ep_throttle_limits l = ep_throttle_defaults();
	assert_int_equal(l.pair_free, 5);
	assert_int_equal(l.pair_max_wait, 900);
	assert_int_equal(l.addr_free, 20);
	assert_int_equal(l.account_free, 10);
	assert_int_equal(l.account_spacing, 5);
	assert_int_equal(l.window, 900);
	assert_int_equal(l.capacity, 65536);
	ep_throttle *t = ep_throttle_new(NULL);
	assert_non_null(t);
	assert_int_equal(ep_throttle_wait(t, "alice", "192.0.2.1", 1000), 0);
	ep_throttle_free(t);
	ep_throttle_free(NULL);
}

static void test_pair_backoff(void **state)
{
	(void)state;
	ep_throttle_limits l = pair_only();
	ep_throttle *t = ep_throttle_new(&l);
	assert_non_null(t);
	const time_t now = 100000;
	for (int f = 1; f <= 4; f++) {
		ep_throttle_fail(t, "alice", "192.0.2.1", now);
		assert_int_equal(ep_throttle_wait(t, "alice", "192.0.2.1", now), 0);
	}
	int expect = 1, prev = 0;
	for (int f = 5; f <= 20; f++) {
		ep_throttle_fail(t, "alice", "192.0.2.1", now);
		int w = ep_throttle_wait(t, "alice", "192.0.2.1", now);
		assert_int_equal(w, expect > 900 ? 900 : expect);
		assert_true(w >= prev);
		prev = w;
		expect *= 2;
	}
	assert_int_equal(prev, 900); /* capped */
	/* The wait counts from the last failure. */
	assert_int_equal(ep_throttle_wait(t, "alice", "192.0.2.1", now + 100), 800);
	assert_int_equal(ep_throttle_wait(t, "alice", "192.0.2.1", now + 900), 0);
	/* Only this pair waits. */
	assert_int_equal(ep_throttle_wait(t, "alice", "192.0.2.2", now), 0);
	assert_int_equal(ep_throttle_wait(t, "bob", "192.0.2.1", now), 0);
	/* Account names differ in ASCII case only: the same account. */
	assert_int_equal(ep_throttle_wait(t, "ALICE", "192.0.2.1", now), 900);
	ep_throttle_free(t);
}

static void test_pair_ok_clears(void **state)
{
	(void)state;
	ep_throttle *t = ep_throttle_new(NULL);
	const time_t now = 5000;
	for (int f = 0; f < 7; f++)
		ep_throttle_fail(t, "bob", "198.51.100.7", now);
	assert_int_equal(ep_throttle_wait(t, "bob", "198.51.100.7", now), 4);
	ep_throttle_ok(t, "bob", "198.51.100.7", now + 4);
	assert_int_equal(ep_throttle_wait(t, "bob", "198.51.100.7", now + 4), 0);
	/* The back-off starts from scratch (three more failures keep the account under its ten). */
	for (int f = 0; f < 3; f++)
		ep_throttle_fail(t, "bob", "198.51.100.7", now + 5);
	assert_int_equal(ep_throttle_wait(t, "bob", "198.51.100.7", now + 5), 0);
	/* Clearing a pair that never failed is harmless. */
	ep_throttle_ok(t, "carol", "198.51.100.8", now);
	ep_throttle_free(t);
}

static void test_pair_forgets(void **state)
{
	(void)state;
	ep_throttle_limits l = pair_only();
	ep_throttle *t = ep_throttle_new(&l);
	for (int f = 0; f < 10; f++)
		ep_throttle_fail(t, "dora", "192.0.2.9", 0);
	assert_int_equal(ep_throttle_wait(t, "dora", "192.0.2.9", 0), 32);
	/* A day later, one more typo costs nothing. */
	ep_throttle_fail(t, "dora", "192.0.2.9", 86400);
	assert_int_equal(ep_throttle_wait(t, "dora", "192.0.2.9", 86400), 0);
	ep_throttle_free(t);
}

static void test_account_under_attack(void **state)
{
	(void)state;
	ep_throttle *t = ep_throttle_new(NULL);
	ep_throttle_limits l = ep_throttle_defaults();
	int attempts = 0, worst = 0;
	/* An attacker with an address per try, at every second, for an hour. */
	for (time_t now = 0; now < 3600; now++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.%d.%d.%d", (int)(now >> 16) & 255, (int)(now >> 8) & 255,
			 (int)now & 255);
		if (ep_throttle_wait(t, "erin", addr, now) == 0) {
			ep_throttle_fail(t, "erin", addr, now);
			attempts++;
		}
		int w = ep_throttle_wait(t, "erin", "192.0.2.50", now);
		if (w > worst)
			worst = w;
		assert_true(w <= l.account_spacing);
	}
	assert_int_equal(worst, l.account_spacing);
	/* Slowed to one try per spacing, plus the free ones of each window. */
	assert_true(attempts <= 3600 / l.account_spacing + 4 * l.account_free + 4);
	assert_true(attempts > 3600 / l.account_spacing / 2);
	/* Other accounts are not affected. */
	assert_int_equal(ep_throttle_wait(t, "frank", "192.0.2.50", 3600), 0);
	ep_throttle_free(t);
}

static void test_account_spacing(void **state)
{
	(void)state;
	ep_throttle *t = ep_throttle_new(NULL);
	char addr[32];
	for (int i = 0; i < 11; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		ep_throttle_fail(t, "gina", addr, 1000);
	}
	assert_int_equal(ep_throttle_wait(t, "gina", "192.0.2.1", 1000), 5);
	assert_int_equal(ep_throttle_wait(t, "gina", "192.0.2.1", 1003), 2);
	assert_int_equal(ep_throttle_wait(t, "gina", "192.0.2.1", 1005), 0);
	/* Ten failures are free. */
	ep_throttle *u = ep_throttle_new(NULL);
	for (int i = 0; i < 10; i++) {
		snprintf(addr, sizeof addr, "203.0.113.%d", i);
		ep_throttle_fail(u, "gina", addr, 1000);
	}
	assert_int_equal(ep_throttle_wait(u, "gina", "192.0.2.1", 1000), 0);
	/* After the window the count starts again. */
	ep_throttle_fail(t, "gina", "203.0.113.99", 1000 + 900);
	assert_int_equal(ep_throttle_wait(t, "gina", "192.0.2.1", 1000 + 900), 0);
	ep_throttle_free(u);
	ep_throttle_free(t);
}

static void test_address_spraying(void **state)
{
	(void)state;
	ep_throttle *t = ep_throttle_new(NULL);
	char acct[32];
	const time_t start = 50000;
	for (int i = 0; i < 20; i++) {
		snprintf(acct, sizeof acct, "user%d", i);
		ep_throttle_fail(t, acct, "203.0.113.66", start + i);
	}
	assert_int_equal(ep_throttle_wait(t, "user99", "203.0.113.66", start + 20), 0);
	ep_throttle_fail(t, "user20", "203.0.113.66", start + 20);
	/* 21 failures in the window: stopped until the window that began at start ends. */
	assert_int_equal(ep_throttle_wait(t, "user99", "203.0.113.66", start + 21), 900 - 21);
	assert_int_equal(ep_throttle_wait(t, "user0", "203.0.113.66", start + 500), 400);
	assert_int_equal(ep_throttle_wait(t, "user99", "203.0.113.66", start + 900), 0);
	/* The accounts themselves are fine from elsewhere. */
	assert_int_equal(ep_throttle_wait(t, "user3", "192.0.2.1", start + 21), 0);
	ep_throttle_free(t);
}

static void test_capacity(void **state)
{
	(void)state;
	ep_throttle_limits l = pair_only();
	l.capacity = 0; /* raised to the smallest table */
	ep_throttle *t = ep_throttle_new(&l);
	assert_non_null(t);
	for (int f = 0; f < 6; f++)
		ep_throttle_fail(t, "old", "192.0.2.1", 10);
	assert_int_equal(ep_throttle_wait(t, "old", "192.0.2.1", 10), 2);
	char acct[32], addr[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(acct, sizeof acct, "a%d", i);
		snprintf(addr, sizeof addr, "198.18.%d.%d", i >> 8, i & 255);
		ep_throttle_fail(t, acct, addr, 11);
		if (i % 7 == 0)
			ep_throttle_ok(t, acct, addr, 11);
		(void)ep_throttle_wait(t, acct, addr, 11);
	}
	/* The oldest entries were forgotten... */
	assert_int_equal(ep_throttle_wait(t, "old", "192.0.2.1", 11), 0);
	/* ...and the table still works. */
	for (int f = 0; f < 5; f++)
		ep_throttle_fail(t, "new", "192.0.2.2", 20);
	assert_int_equal(ep_throttle_wait(t, "new", "192.0.2.2", 20), 1);
	ep_throttle_free(t);

	/* A pair that keeps failing stays at the front of the table and is never evicted. */
	l.capacity = 100;
	t = ep_throttle_new(&l);
	for (int i = 0; i < 300; i++) {
		ep_throttle_fail(t, "kept", "192.0.2.3", 30);
		ep_throttle_wait(t, "kept", "192.0.2.3", 30);
	}
	assert_int_equal(ep_throttle_wait(t, "kept", "192.0.2.3", 30), 900);
	ep_throttle_free(t);
}

struct worker {
	ep_throttle *t;
	int id;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char acct[32], addr[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(acct, sizeof acct, "u%d", (i * 7 + w->id) % 97);
		snprintf(addr, sizeof addr, "10.0.%d.%d", w->id, i % 41);
		time_t now = 1000 + i / 10;
		if (ep_throttle_wait(w->t, acct, addr, now) < 0)
			abort();
		if (i % 5 == 0)
			ep_throttle_ok(w->t, acct, addr, now);
		else
			ep_throttle_fail(w->t, acct, addr, now);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	ep_throttle_limits l = ep_throttle_defaults();
	l.capacity = 200; /* small, so that the threads also evict */
	ep_throttle *t = ep_throttle_new(&l);
	enum { N = 4 };
	pthread_t th[N];
	struct worker w[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){t, i};
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int f = 0; f < 6; f++)
		ep_throttle_fail(t, "after", "192.0.2.77", 100000);
	assert_int_equal(ep_throttle_wait(t, "after", "192.0.2.77", 100000), 2);
	ep_throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_pair_backoff),
		cmocka_unit_test(test_pair_ok_clears),
		cmocka_unit_test(test_pair_forgets),
		cmocka_unit_test(test_account_under_attack),
		cmocka_unit_test(test_account_spacing),
		cmocka_unit_test(test_address_spraying),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
