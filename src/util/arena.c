/*
 * arena.c: a bump allocator for the many small strings and arrays of a list. Blocks grow
 * geometrically; everything is released at once by em_arena_free().
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct em_arena_block {
	em_arena_block *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

#define ARENA_MIN_BLOCK (64 * 1024)

void em_arena_init_small(em_arena *a, size_t first)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
	a->min_block = first;
}

void em_arena_init(em_arena *a)
{
	em_arena_init_small(a, ARENA_MIN_BLOCK);
}

void em_arena_free(em_arena *a)
{
	em_arena_block *b = a->head;
	while (b) {
		em_arena_block *next = b->next;
		free(b);
		b = next;
	}
	em_arena_init_small(a, a->min_block);
}

void *em_arena_alloc(em_arena *a, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	if (need < n)
		return NULL;
	if (!a->head || a->head->size - a->used < need) {
		size_t min = a->min_block ? a->min_block : ARENA_MIN_BLOCK; /* zeroed, not initialized */
		size_t size = a->total < min ? min : a->total;
		if (size < need)
			size = need;
		em_arena_block *b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->total += size;
	}
	void *p = a->head->data + a->used;
	a->used += need;
	return p;
}

void *em_arena_calloc(em_arena *a, size_t n)
{
	void *p = em_arena_alloc(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

char *em_arena_strndup(em_arena *a, const char *s, size_t n)
{
	char *p = em_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *em_arena_strdup(em_arena *a, const char *s)
{
	return s ? em_arena_strndup(a, s, strlen(s)) : NULL;
}
