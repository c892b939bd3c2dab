/*
 * pool.c: a small fixed set of helper threads that large batch requests share. A request
 * queues a task (n indices, one function) and works on it itself too; idle helpers join the
 * task at the head of the queue and take indices one at a time until none are left. However
 * many batches arrive at once, no more than the pool's threads help, so batches cannot
 * multiply threads; and since the requesting thread always works, a batch finishes even when
 * every helper is busy elsewhere.
 */
#include <stdlib.h>

#include "internal.h"

typedef struct pool_task pool_task;
struct pool_task {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	atomic_size_t next;   /* the next index to take */
	unsigned active;      /* helpers working on it (under the pool's lock) */
	pool_task *link;      /* the queue */
};

struct batch_pool {
	pthread_mutex_t mu;
	pthread_cond_t work;  /* a task was queued, or stop */
	pthread_cond_t idle;  /* a helper left a task */
	pool_task *head;
	bool stop;
	pthread_t *threads;
	unsigned n_threads;
};

/* Takes indices of t until there are none left. */
static void drain(pool_task *t)
{
	for (;;) {
		size_t i = atomic_fetch_add(&t->next, 1);
		if (i >= t->n)
			return;
		t->fn(t->ctx, i);
	}
}

/* Takes t out of the queue if it is still there (under the lock). */
static void unqueue(batch_pool *p, pool_task *t)
{
	for (pool_task **q = &p->head; *q; q = &(*q)->link)
		if (*q == t) {
			*q = t->link;
			return;
		}
}

static void *helper_main(void *arg)
{
	batch_pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		pool_task *t = p->head;
		t->active++;
		pthread_mutex_unlock(&p->mu);
		drain(t);
		pthread_mutex_lock(&p->mu);
		unqueue(p, t); /* nothing left to take: no other helper should join it */
		if (--t->active == 0)
			pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int pool_start(batch_pool **out, unsigned threads)
{
	*out = NULL;
	batch_pool *p = calloc(1, sizeof *p);
	if (!p || (threads && !(p->threads = calloc(threads, sizeof *p->threads)))) {
		free(p);
		return -1;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&p->threads[p->n_threads], NULL, helper_main, p) == 0)
			p->n_threads++;
	*out = p;
	return 0;
}

void pool_run(batch_pool *p, size_t n, void (*fn)(void *ctx, size_t i), void *ctx)
{
	pool_task t = {fn, ctx, n, 0, 0, NULL};
	if (!p || p->n_threads == 0 || n < 2) {
		drain(&t);
		return;
	}
	pthread_mutex_lock(&p->mu);
	pool_task **q = &p->head;
	while (*q)
		q = &(*q)->link;
	*q = &t;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	drain(&t);
	/* every index is taken: wait for the helpers still on one before t goes out of scope */
	pthread_mutex_lock(&p->mu);
	unqueue(p, &t);
	while (t.active)
		pthread_cond_wait(&p->idle, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void pool_stop(batch_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}
