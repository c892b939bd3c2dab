/*
 * strmap.c: string -> size_t hash map with open addressing and linear probing. Keys are
 * borrowed (they usually live in an arena that outlives the map). Load factor stays <= 1/2.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* FNV-1a, 64 bit: short keys, good enough spread, no dependency. */
uint64_t em_hash_bytes(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = EM_HASH_EMPTY;
	for (size_t i = 0; i < n; i++)
		h = em_hash_step(h, p[i]);
	return h;
}

static int strmap_resize(em_strmap *m, size_t cap);

static int strmap_grow(em_strmap *m)
{
	return strmap_resize(m, m->cap ? m->cap * 2 : 16);
}

int em_strmap_reserve(em_strmap *m, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	return cap > m->cap ? strmap_resize(m, cap) : 0;
}

/* The tag kept for a hash: its high 32 bits (the slot comes from the low ones), never 0. */
static uint32_t tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1u;
}

static int strmap_resize(em_strmap *m, size_t cap)
{
	uint32_t *tags = calloc(cap, sizeof *tags);
	em_strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!tags || !slots) {
		free(tags);
		free(slots);
		return em_fail(EM_ENOMEM, "out of memory growing a hash map");
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->tags[i])
			continue;
		uint64_t h = em_hash_bytes(m->slots[i].key, strlen(m->slots[i].key));
		size_t j = h & (cap - 1);
		while (tags[j])
			j = (j + 1) & (cap - 1);
		tags[j] = m->tags[i];
		slots[j] = m->slots[i];
	}
	free(m->tags);
	free(m->slots);
	m->tags = tags;
	m->slots = slots;
	m->cap = cap;
	return 0;
}

/* The slot holding key, or the empty slot where it would go (the map is never full). */
static size_t probe(const em_strmap *m, const char *key, uint64_t h)
{
	size_t j = h & (m->cap - 1);
	uint32_t tag = tag_of(h);
	const uint32_t *tags = m->tags;
	while (tags[j] && !(tags[j] == tag && strcmp(m->slots[j].key, key) == 0))
		j = (j + 1) & (m->cap - 1);
	return j;
}

/* Makes room for one more key, then finds key's slot; *h gets its hash. */
static int slot_for(em_strmap *m, const char *key, size_t *j, uint64_t *h)
{
	if ((m->count + 1) * 2 > m->cap) {
		int rc = strmap_grow(m);
		if (rc)
			return rc;
	}
	*h = em_hash_bytes(key, strlen(key));
	*j = probe(m, key, *h);
	return 0;
}

int em_strmap_get_or_put(em_strmap *m, const char *key, size_t val, size_t *out, bool *found)
{
	size_t j;
	uint64_t h;
	int rc = slot_for(m, key, &j, &h);
	if (rc)
		return rc;
	em_strmap_slot *sl = &m->slots[j];
	*found = m->tags[j] != 0;
	if (!*found) {
		m->tags[j] = tag_of(h);
		*sl = (em_strmap_slot){key, val};
		m->count++;
	}
	*out = sl->val;
	return 0;
}

int em_strmap_put(em_strmap *m, const char *key, size_t val)
{
	size_t j;
	uint64_t h;
	int rc = slot_for(m, key, &j, &h);
	if (rc)
		return rc;
	em_strmap_slot *sl = &m->slots[j];
	if (!m->tags[j]) {
		m->tags[j] = tag_of(h);
		sl->key = key;
		m->count++;
	}
	sl->val = val; /* a new key, or a new value for an old one */
	return 0;
}

bool em_strmap_get(const em_strmap *m, const char *key, size_t *val)
{
	return m->cap && em_strmap_get_hashed(m, key, em_hash_bytes(key, strlen(key)), val);
}

bool em_strmap_get_hashed(const em_strmap *m, const char *key, uint64_t h, size_t *val)
{
	if (!m->cap)
		return false;
	size_t j = probe(m, key, h);
	if (!m->tags[j])
		return false;
	if (val)
		*val = m->slots[j].val;
	return true;
}

void em_strmap_free(em_strmap *m)
{
	free(m->tags);
	free(m->slots);
	memset(m, 0, sizeof *m);
}
