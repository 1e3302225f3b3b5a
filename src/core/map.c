/*
 * The string map (see map.h). FNV-1a hashes; the table doubles at 70% load.
 */
#include "core/map.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void ep_map_init(ep_map *m)
{
	memset(m, 0, sizeof *m);
}

void ep_map_release(ep_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static ep_map_slot *find(const ep_map *m, const char *key, size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		ep_map_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0))
			return s;
	}
}

static int grow(ep_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	ep_map_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	ep_map old = *m;
	m->slots = slots;
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash) = old.slots[i];
	}
	free(old.slots);
	return 0;
}

int ep_map_put(ep_map *m, const char *key, int64_t value)
{
	if ((m->n + 1) * 10 > m->cap * 7 && grow(m) != 0)
		return -1;
	size_t klen = strlen(key);
	uint64_t h = hash_bytes(key, klen);
	ep_map_slot *s = find(m, key, klen, h);
	if (!s->key) {
		s->key = malloc(klen + 1);
		if (!s->key)
			return -1;
		memcpy(s->key, key, klen + 1);
		s->klen = klen;
		s->hash = h;
		m->n++;
	}
	s->value = value;
	return 0;
}

bool ep_map_get(const ep_map *m, const char *key, int64_t *value)
{
	if (!m->cap)
		return false;
	size_t klen = strlen(key);
	ep_map_slot *s = find(m, key, klen, hash_bytes(key, klen));
	if (!s->key)
		return false;
	if (value)
		*value = s->value;
	return true;
}

size_t ep_map_size(const ep_map *m)
{
	return m->n;
}
