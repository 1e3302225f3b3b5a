/*
 * A string-keyed hash map to 64-bit integers (open addressing, linear probing). The dataset
 * loader resolves natural keys ("IT", "2018-2021/3/2018/1.2") to database ids with it, and
 * spots duplicates in a file. Keys are copied; the map owns its memory.
 */
#ifndef EP_MAP_H
#define EP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ep_map_slot {
	char *key; /* NULL: empty */
	size_t klen;
	uint64_t hash;
	int64_t value;
} ep_map_slot;

typedef struct ep_map {
	ep_map_slot *slots;
	size_t cap, n;
} ep_map;

void ep_map_init(ep_map *m);
void ep_map_release(ep_map *m);
/* Sets key to value, replacing an existing value. 0 on success, -1 out of memory. */
int ep_map_put(ep_map *m, const char *key, int64_t value);
/* Looks key up: true and *value if present (value may be NULL). */
bool ep_map_get(const ep_map *m, const char *key, int64_t *value);
size_t ep_map_size(const ep_map *m);

#endif
