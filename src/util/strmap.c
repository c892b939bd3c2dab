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
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
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

static int strmap_resize(em_strmap *m, size_t cap)
{
	const char **keys = calloc(cap, sizeof *keys);
	size_t *vals = calloc(cap, sizeof *vals);
	uint64_t *hashes = calloc(cap, sizeof *hashes);
	if (!keys || !vals || !hashes) {
		free(keys);
		free(vals);
		free(hashes);
		return em_fail(EM_ENOMEM, "out of memory growing a hash map");
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = m->hashes[i] & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
		hashes[j] = m->hashes[i];
	}
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	m->keys = keys;
	m->vals = vals;
	m->hashes = hashes;
	m->cap = cap;
	return 0;
}

/* The slot holding key, or the empty slot where it would go (the map is never full). */
static size_t probe(const em_strmap *m, const char *key, uint64_t h)
{
	size_t j = h & (m->cap - 1);
	while (m->keys[j] && !(m->hashes[j] == h && strcmp(m->keys[j], key) == 0))
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
	*found = m->keys[j] != NULL;
	if (!*found) {
		m->keys[j] = key;
		m->vals[j] = val;
		m->hashes[j] = h;
		m->count++;
	}
	*out = m->vals[j];
	return 0;
}

int em_strmap_put(em_strmap *m, const char *key, size_t val)
{
	size_t j;
	uint64_t h;
	int rc = slot_for(m, key, &j, &h);
	if (rc)
		return rc;
	if (!m->keys[j]) {
		m->keys[j] = key;
		m->hashes[j] = h;
		m->count++;
	}
	m->vals[j] = val; /* a new key, or a new value for an old one */
	return 0;
}

bool em_strmap_get(const em_strmap *m, const char *key, size_t *val)
{
	if (!m->cap)
		return false;
	size_t j = probe(m, key, em_hash_bytes(key, strlen(key)));
	if (!m->keys[j])
		return false;
	if (val)
		*val = m->vals[j];
	return true;
}

void em_strmap_free(em_strmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	memset(m, 0, sizeof *m);
}
