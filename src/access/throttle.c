/*
 * Login throttling (see throttle.h). One table holds three kinds of entries, told apart by the
 * key they were made from: "p:" account and address (a pair), "i:" address, "a:" account.
 * Keys are kept as 128-bit BLAKE2b hashes under a random key of the table, so entries have a
 * fixed size and nobody can craft two keys that collide. The table is a chained hash over a
 * fixed array of entries threaded on a least-recently-used list: when every entry is in use,
 * the one touched longest ago is forgotten, which costs constant time however full it is.
 */
#include "access/throttle.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/banned.h"

#define KEY_BYTES 16
#define NIL UINT32_MAX
#define CAPACITY_MIN 16
#define CAPACITY_MAX (1 << 24)

typedef struct entry {
	unsigned char key[KEY_BYTES];
	uint32_t chain;      /* next entry of the same bucket */
	uint32_t prev, next; /* the LRU list: head is the most recently used */
	int64_t count;       /* failures counted */
	int64_t first;       /* address and account: when the counting window began */
	int64_t last;        /* time of the last failure */
} entry;

struct ep_throttle {
	pthread_mutex_t mu;
	ep_throttle_limits lim;
	unsigned char hkey[crypto_generichash_KEYBYTES];
	entry *e;
	uint32_t *bucket;
	uint32_t mask;         /* buckets - 1 (a power of two) */
	uint32_t used, cap;    /* entries in use, entries allocated */
	uint32_t head, tail;   /* LRU list ends */
};

ep_throttle_limits ep_throttle_defaults(void)
{
	return (ep_throttle_limits){
		.pair_free = 5,
		.pair_max_wait = 900,
		.addr_free = 20,
		.account_free = 10,
		.account_spacing = 5,
		.window = 900,
		.capacity = 65536,
	};
}

ep_throttle *ep_throttle_new(const ep_throttle_limits *limits)
{
	if (sodium_init() < 0)
		return NULL;
	ep_throttle *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->lim = limits ? *limits : ep_throttle_defaults();
	if (t->lim.capacity < CAPACITY_MIN)
		t->lim.capacity = CAPACITY_MIN;
	if (t->lim.capacity > CAPACITY_MAX)
		t->lim.capacity = CAPACITY_MAX;
	t->cap = (uint32_t)t->lim.capacity;
	uint32_t nb = 1;
	while (nb < t->cap)
		nb <<= 1;
	t->mask = nb - 1;
	t->e = calloc(t->cap, sizeof *t->e);
	t->bucket = malloc((size_t)nb * sizeof *t->bucket);
	if (!t->e || !t->bucket || pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t->e);
		free(t->bucket);
		free(t);
		return NULL;
	}
	for (uint32_t i = 0; i < nb; i++)
		t->bucket[i] = NIL;
	t->head = t->tail = NIL;
	randombytes_buf(t->hkey, sizeof t->hkey);
	return t;
}

void ep_throttle_free(ep_throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t->e);
	free(t->bucket);
	sodium_memzero(t->hkey, sizeof t->hkey);
	free(t);
}

/* The key of an entry. Each part is preceded by its length so that no two different
 * (kind, account, address) triples hash the same input. Account names are compared without
 * regard to ASCII case, since an attacker could otherwise vary the case to reset the count of
 * an account whose login ignores it. */
static void make_key(const ep_throttle *t, char kind, const char *account, const char *addr,
		     unsigned char key[KEY_BYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, t->hkey, sizeof t->hkey, KEY_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
	const char *parts[2] = {account, addr};
	for (int k = 0; k < 2; k++) {
		const char *s = parts[k];
		uint64_t n = s ? (uint64_t)strlen(s) : UINT64_MAX; /* absent differs from empty */
		crypto_generichash_update(&st, (const unsigned char *)&n, sizeof n);
		if (!s)
			continue;
		if (k == 0) {
			for (const char *p = s; *p; p++) {
				unsigned char c = (unsigned char)*p;
				if (c >= 'A' && c <= 'Z')
					c = (unsigned char)(c - 'A' + 'a');
				crypto_generichash_update(&st, &c, 1);
			}
		} else {
			crypto_generichash_update(&st, (const unsigned char *)s, (size_t)n);
		}
	}
	crypto_generichash_final(&st, key, KEY_BYTES);
}

static uint32_t bucket_of(const ep_throttle *t, const unsigned char key[KEY_BYTES])
{
	uint32_t h;
	memcpy(&h, key, sizeof h); /* the key is already a keyed hash: any 32 bits of it will do */
	return h & t->mask;
}

static void lru_unlink(ep_throttle *t, uint32_t i)
{
	entry *e = &t->e[i];
	if (e->prev != NIL)
		t->e[e->prev].next = e->next;
	else
		t->head = e->next;
	if (e->next != NIL)
		t->e[e->next].prev = e->prev;
	else
		t->tail = e->prev;
	e->prev = e->next = NIL;
}

static void lru_push_front(ep_throttle *t, uint32_t i)
{
	entry *e = &t->e[i];
	e->prev = NIL;
	e->next = t->head;
	if (t->head != NIL)
		t->e[t->head].prev = i;
	t->head = i;
	if (t->tail == NIL)
		t->tail = i;
}

static void chain_unlink(ep_throttle *t, uint32_t i)
{
	uint32_t *p = &t->bucket[bucket_of(t, t->e[i].key)];
	while (*p != NIL && *p != i)
		p = &t->e[*p].chain;
	if (*p == i)
		*p = t->e[i].chain;
}

/* The entry of key, moved to the front of the LRU list; NULL when there is none and create is
 * false. A created entry takes a free slot or, when the table is full, the least recently
 * used one. */
static entry *lookup(ep_throttle *t, const unsigned char key[KEY_BYTES], bool create)
{
	uint32_t b = bucket_of(t, key);
	for (uint32_t i = t->bucket[b]; i != NIL; i = t->e[i].chain) {
		if (memcmp(t->e[i].key, key, KEY_BYTES) == 0) {
			lru_unlink(t, i);
			lru_push_front(t, i);
			return &t->e[i];
		}
	}
	if (!create)
		return NULL;
	uint32_t i;
	if (t->used < t->cap) {
		i = t->used++;
	} else {
		i = t->tail;
		lru_unlink(t, i);
		chain_unlink(t, i);
	}
	entry *e = &t->e[i];
	memset(e, 0, sizeof *e);
	memcpy(e->key, key, KEY_BYTES);
	e->chain = t->bucket[b];
	t->bucket[b] = i;
	lru_push_front(t, i);
	return e;
}

static int64_t clamp_wait(int64_t w)
{
	return w < 0 ? 0 : w > INT32_MAX ? INT32_MAX : w;
}

/* The back-off of a pair with count failures: none for the first pair_free - 1, then 1, 2, 4
 * ... seconds, at most pair_max_wait. */
static int64_t pair_backoff(const ep_throttle_limits *l, int64_t count)
{
	if (count < l->pair_free)
		return 0;
	int64_t exp = count - l->pair_free;
	if (exp >= 30)
		return l->pair_max_wait;
	int64_t w = (int64_t)1 << exp;
	return w > l->pair_max_wait ? l->pair_max_wait : w;
}

/* A pair whose back-off ended a whole window ago starts again, so that someone who mistyped
 * a password many times is not kept waiting the longest back-off on their next day's typo. */
static bool pair_stale(const ep_throttle_limits *l, const entry *e, int64_t now)
{
	return now - e->last >= pair_backoff(l, e->count) + l->window;
}

/* Addresses and accounts count failures in a window that starts at the first failure counted
 * and lasts window seconds; a failure after it starts a new window. */
static bool window_over(const ep_throttle_limits *l, const entry *e, int64_t now)
{
	return now - e->first >= l->window;
}

int ep_throttle_wait(ep_throttle *t, const char *account, const char *addr, time_t now_t)
{
	int64_t now = (int64_t)now_t, wait = 0;
	const ep_throttle_limits *l = &t->lim;
	unsigned char kp[KEY_BYTES], ki[KEY_BYTES], ka[KEY_BYTES];
	make_key(t, 'p', account, addr, kp);
	make_key(t, 'i', NULL, addr, ki);
	make_key(t, 'a', account, NULL, ka);

	pthread_mutex_lock(&t->mu);
	const entry *e = lookup(t, kp, false);
	if (e && !pair_stale(l, e, now)) {
		int64_t w = e->last + pair_backoff(l, e->count) - now;
		if (w > wait)
			wait = w;
	}
	e = lookup(t, ki, false);
	if (e && e->count > l->addr_free && !window_over(l, e, now)) {
		int64_t w = e->first + l->window - now;
		if (w > wait)
			wait = w;
	}
	/* An account under attack is slowed, never closed: the wait is at most the spacing, so the
	 * person it belongs to can always get a try in within a few seconds. */
	e = lookup(t, ka, false);
	if (e && e->count > l->account_free && !window_over(l, e, now)) {
		int64_t w = e->last + l->account_spacing - now;
		if (w > wait)
			wait = w;
	}
	pthread_mutex_unlock(&t->mu);
	return (int)clamp_wait(wait);
}

void ep_throttle_fail(ep_throttle *t, const char *account, const char *addr, time_t now_t)
{
	int64_t now = (int64_t)now_t;
	const ep_throttle_limits *l = &t->lim;
	unsigned char kp[KEY_BYTES], ki[KEY_BYTES], ka[KEY_BYTES];
	make_key(t, 'p', account, addr, kp);
	make_key(t, 'i', NULL, addr, ki);
	make_key(t, 'a', account, NULL, ka);

	pthread_mutex_lock(&t->mu);
	entry *e = lookup(t, kp, true);
	if (e->count > 0 && pair_stale(l, e, now))
		e->count = 0;
	e->count++;
	e->last = now;
	const unsigned char *windowed[2] = {ki, ka};
	for (int k = 0; k < 2; k++) {
		e = lookup(t, windowed[k], true);
		if (e->count == 0 || window_over(l, e, now)) {
			e->count = 0;
			e->first = now;
		}
		e->count++;
		e->last = now;
	}
	pthread_mutex_unlock(&t->mu);
}

void ep_throttle_ok(ep_throttle *t, const char *account, const char *addr, time_t now_t)
{
	(void)now_t;
	unsigned char kp[KEY_BYTES];
	make_key(t, 'p', account, addr, kp);
	pthread_mutex_lock(&t->mu);
	entry *e = lookup(t, kp, false);
	if (e) {
		/* Clearing the counts is enough: the entry drifts to the end of the LRU list and is
		 * reused from there, which is simpler than unlinking it now. */
		e->count = 0;
		e->last = 0;
	}
	pthread_mutex_unlock(&t->mu);
}
