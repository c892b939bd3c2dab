/*
 * ratelimit.c: a token bucket per caller (API key name, or client address without keys).
 * A bucket holds at most `burst` tokens and refills at `rate` per second; a request takes
 * one. Buckets live in a small open-addressing table under one mutex: the critical section
 * is a few arithmetic operations, far cheaper than the screening it guards.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_BUCKETS 4096 /* distinct callers remembered; the table is cleared when full */

typedef struct bucket {
	char who[80];
	double tokens;
	double last;
} bucket;

struct rate_limiter {
	pthread_mutex_t mu;
	double rate, burst;
	bucket *table; /* MAX_BUCKETS slots, who[0] == 0 when free */
	size_t used;
};

rate_limiter *rate_new(double rate, double burst)
{
	rate_limiter *r = calloc(1, sizeof *r);
	if (!r || !(r->table = calloc(MAX_BUCKETS, sizeof *r->table))) {
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	r->rate = rate;
	r->burst = burst > 0 ? burst : 2 * rate;
	if (r->burst < 1)
		r->burst = 1;
	return r;
}

void rate_free(rate_limiter *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r->table);
	free(r);
}

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

bool rate_take(rate_limiter *r, const char *who, double *retry_after)
{
	double now = now_mono();
	pthread_mutex_lock(&r->mu);
	if (r->used >= MAX_BUCKETS / 2) {
		/* many callers (addresses): start over rather than grow without bound */
		memset(r->table, 0, MAX_BUCKETS * sizeof *r->table);
		r->used = 0;
	}
	size_t i = hash(who) & (MAX_BUCKETS - 1);
	while (r->table[i].who[0] && strncmp(r->table[i].who, who, sizeof r->table[i].who - 1) != 0)
		i = (i + 1) & (MAX_BUCKETS - 1);
	bucket *b = &r->table[i];
	if (!b->who[0]) {
		snprintf(b->who, sizeof b->who, "%s", who);
		b->tokens = r->burst;
		b->last = now;
		r->used++;
	}
	b->tokens += (now - b->last) * r->rate;
	if (b->tokens > r->burst)
		b->tokens = r->burst;
	b->last = now;
	bool ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	else if (retry_after)
		*retry_after = (1.0 - b->tokens) / r->rate;
	pthread_mutex_unlock(&r->mu);
	return ok;
}
