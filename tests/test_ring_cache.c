/*
 * Tests of em_ring_cache (src/util/ring_cache.c): what is put is found whole or not at all,
 * however the ring wraps and the sets fill; a reference map checks a long random run.
 */
#include "test.h"

#include <stdint.h>

#include "util/util.h"

static uint64_t hash_of(const char *key)
{
	return em_hash_bytes(key, strlen(key));
}

static bool put_str(em_ring_cache *c, const char *key, const char *val)
{
	return em_ring_cache_put(c, key, strlen(key), hash_of(key), val, strlen(val) + 1);
}

static const char *get_str(em_ring_cache *c, const char *key)
{
	size_t n;
	const char *v = em_ring_cache_get(c, key, strlen(key), hash_of(key), &n);
	return v && n == strlen(v) + 1 ? v : v ? "(bad length)" : NULL;
}

static void test_put_get(void)
{
	em_ring_cache *c = em_ring_cache_new(4096, 16);
	CHECK(c != NULL);
	CHECK(get_str(c, "mohammad") == NULL);
	CHECK(put_str(c, "mohammad", "muhammad"));
	CHECK(put_str(c, "llc", "limited liability company"));
	CHECK_EQ_STR(get_str(c, "mohammad"), "muhammad");
	CHECK_EQ_STR(get_str(c, "llc"), "limited liability company");
	CHECK(get_str(c, "mohammed") == NULL);
	/* Values come back aligned for any reading. */
	size_t n;
	const void *v = em_ring_cache_get(c, "llc", 3, hash_of("llc"), &n);
	CHECK(v && ((uintptr_t)v & 7) == 0);
	em_ring_cache_clear(c);
	CHECK(get_str(c, "mohammad") == NULL);
	CHECK(put_str(c, "ali", "ali"));
	CHECK_EQ_STR(get_str(c, "ali"), "ali");
	em_ring_cache_free(c);
	CHECK(em_ring_cache_new(4096, 12) == NULL); /* sets: a power of two */
	CHECK(em_ring_cache_new(100, 16) == NULL);
}

/* The same hash for other keys is no hit; every way of a set holds a key of its own. */
static void test_same_hash(void)
{
	em_ring_cache *c = em_ring_cache_new(4096, 1);
	const char *keys[] = {"a", "b", "c", "d", "e"};
	for (size_t i = 0; i < 4; i++)
		CHECK(em_ring_cache_put(c, keys[i], 1, 42, keys[i], 2));
	for (size_t i = 0; i < 4; i++) {
		size_t n;
		const char *v = em_ring_cache_get(c, keys[i], 1, 42, &n);
		CHECK(v && n == 2 && strcmp(v, keys[i]) == 0);
	}
	/* The least recently used goes: "a" was read first above, so "a" makes room for "e". */
	CHECK(em_ring_cache_put(c, "e", 1, 42, "e", 2));
	size_t n;
	CHECK(em_ring_cache_get(c, "a", 1, 42, &n) == NULL);
	CHECK(em_ring_cache_get(c, "e", 1, 42, &n) != NULL);
	CHECK(em_ring_cache_get(c, "b", 1, 42, &n) != NULL);
	em_ring_cache_free(c);
}

/* An entry larger than an eighth of the ring is refused and leaves the rest as it was. */
static void test_too_large(void)
{
	em_ring_cache *c = em_ring_cache_new(4096, 16);
	char big[600];
	memset(big, 'x', sizeof big);
	CHECK(put_str(c, "k", "v"));
	CHECK(!em_ring_cache_put(c, "big", 3, hash_of("big"), big, sizeof big));
	CHECK(em_ring_cache_get(c, "big", 3, hash_of("big"), &(size_t){0}) == NULL);
	CHECK_EQ_STR(get_str(c, "k"), "v");
	em_ring_cache_free(c);
}

/* Old entries are written over as the ring wraps: they are gone, never half there. */
static void test_wrap(void)
{
	em_ring_cache *c = em_ring_cache_new(4096, 1024);
	char key[32], val[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "key%d", i);
		snprintf(val, sizeof val, "value %d %.*s", i, i % 30, "..............................");
		CHECK(put_str(c, key, val));
	}
	int found = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "key%d", i);
		snprintf(val, sizeof val, "value %d %.*s", i, i % 30, "..............................");
		const char *v = get_str(c, key);
		if (v) {
			CHECK_EQ_STR(v, val);
			found++;
		}
	}
	/* The last entries fit in the ring and are all there; the first are gone. */
	CHECK(get_str(c, "key999") != NULL);
	CHECK(get_str(c, "key0") == NULL);
	CHECK(found > 20 && found < 200);
	em_ring_cache_free(c);
}

/* A long random run against a reference: a hit returns the last value put for the key. */
static void test_random_against_reference(void)
{
	enum { KEYS = 500, STEPS = 200000 };
	em_ring_cache *c = em_ring_cache_new(8192, 64);
	static char last[KEYS][80];
	uint64_t x = 88172645463325252ULL;
	size_t hits = 0;
	for (int step = 0; step < STEPS; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int k = (int)(x % KEYS);
		char key[16];
		snprintf(key, sizeof key, "k%d", k);
		if ((x >> 20) % 3 == 0) {
			snprintf(last[k], sizeof last[k], "%d:%.*s", step, (int)((x >> 30) % 60),
				 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh");
			CHECK(put_str(c, key, last[k]));
		} else {
			const char *v = get_str(c, key);
			if (v) {
				hits++;
				if (strcmp(v, last[k]) != 0) {
					CHECK_EQ_STR(v, last[k]);
					break;
				}
			}
		}
	}
	CHECK(hits > 1000);
	em_ring_cache_free(c);
}

int main(void)
{
	RUN(test_put_get);
	RUN(test_same_hash);
	RUN(test_too_large);
	RUN(test_wrap);
	RUN(test_random_against_reference);
	return TEST_REPORT();
}
