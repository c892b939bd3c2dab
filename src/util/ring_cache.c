/*
 * ring_cache.c: a bounded cache of byte keys to byte values. Entries are written one after the
 * other into a ring of bytes, oldest overwritten first, so entries of any size share the memory
 * without a free list; a set-associative index (EM_RING_CACHE_WAYS ways, most recent first)
 * points into the ring. An index entry is valid while the bytes it points at have not been
 * written over, which the ring's running write position tells.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ALIGN 8

typedef struct ring_slot {
	uint64_t pos;  /* where the entry starts in the running write position, plus 1; 0: empty */
	uint32_t hash; /* the key's hash, low 32 bits */
} ring_slot;

/* In the ring: the header, the key, then the value at the next multiple of ALIGN. */
typedef struct ring_entry {
	uint32_t klen, vlen;
} ring_entry;

struct em_ring_cache {
	unsigned char *ring;
	size_t ring_bytes;
	uint64_t wpos; /* bytes written since the start (or the last clear) */
	ring_slot *slots;
	size_t sets;
};

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

em_ring_cache *em_ring_cache_new(size_t ring_bytes, size_t sets)
{
	if (ring_bytes < 4096 || sets == 0 || (sets & (sets - 1)) != 0)
		return NULL;
	em_ring_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->ring_bytes = round_up(ring_bytes);
	c->ring = malloc(c->ring_bytes);
	c->slots = calloc(sets * EM_RING_CACHE_WAYS, sizeof *c->slots);
	c->sets = sets;
	if (!c->ring || !c->slots) {
		em_ring_cache_free(c);
		return NULL;
	}
	return c;
}

void em_ring_cache_free(em_ring_cache *c)
{
	if (!c)
		return;
	free(c->ring);
	free(c->slots);
	free(c);
}

void em_ring_cache_clear(em_ring_cache *c)
{
	memset(c->slots, 0, c->sets * EM_RING_CACHE_WAYS * sizeof *c->slots);
	c->wpos = 0;
}

/* Whether the entry a slot points at is still whole in the ring. */
static bool slot_live(const em_ring_cache *c, const ring_slot *s)
{
	return s->pos && c->wpos - (s->pos - 1) <= c->ring_bytes;
}

static const unsigned char *entry_at(const em_ring_cache *c, uint64_t pos)
{
	return c->ring + (size_t)((pos - 1) % c->ring_bytes);
}

void em_ring_cache_prefetch(const em_ring_cache *c, uint64_t hash)
{
	__builtin_prefetch(&c->slots[(hash & (c->sets - 1)) * EM_RING_CACHE_WAYS]);
}

const void *em_ring_cache_get(em_ring_cache *c, const void *key, size_t klen, uint64_t hash, size_t *vlen)
{
	ring_slot *set = &c->slots[(hash & (c->sets - 1)) * EM_RING_CACHE_WAYS];
	uint32_t h = (uint32_t)hash;
	for (size_t w = 0; w < EM_RING_CACHE_WAYS; w++) {
		ring_slot *s = &set[w];
		if (s->hash != h || !slot_live(c, s))
			continue;
		const unsigned char *e = entry_at(c, s->pos);
		ring_entry hd;
		memcpy(&hd, e, sizeof hd);
		if (hd.klen != klen || memcmp(e + sizeof hd, key, klen) != 0)
			continue;
		/* Most recently used first. */
		ring_slot hit = *s;
		memmove(&set[1], &set[0], w * sizeof *set);
		set[0] = hit;
		*vlen = hd.vlen;
		return e + round_up(sizeof hd + klen);
	}
	return NULL;
}

bool em_ring_cache_put(em_ring_cache *c, const void *key, size_t klen, uint64_t hash, const void *val, size_t vlen)
{
	size_t voff = round_up(sizeof(ring_entry) + klen);
	size_t size = round_up(voff + vlen);
	/* An entry larger than an eighth of the ring would push out too much at once. */
	if (klen > UINT32_MAX || vlen > UINT32_MAX || size > c->ring_bytes / 8)
		return false;
	/* An entry does not wrap: when it would cross the end, the rest of the ring is skipped. */
	size_t at = (size_t)(c->wpos % c->ring_bytes);
	if (at + size > c->ring_bytes)
		c->wpos += c->ring_bytes - at;
	uint64_t pos = c->wpos + 1;
	unsigned char *e = c->ring + (size_t)(c->wpos % c->ring_bytes);
	ring_entry hd = {(uint32_t)klen, (uint32_t)vlen};
	memcpy(e, &hd, sizeof hd);
	memcpy(e + sizeof hd, key, klen);
	memcpy(e + voff, val, vlen);
	c->wpos += size;
	/* The new entry goes first; the least recent (or a dead one) makes room. */
	ring_slot *set = &c->slots[(hash & (c->sets - 1)) * EM_RING_CACHE_WAYS];
	size_t w = EM_RING_CACHE_WAYS - 1;
	for (size_t k = 0; k < EM_RING_CACHE_WAYS; k++)
		if (!slot_live(c, &set[k])) {
			w = k;
			break;
		}
	memmove(&set[1], &set[0], w * sizeof *set);
	set[0] = (ring_slot){pos, (uint32_t)hash};
	return true;
}
