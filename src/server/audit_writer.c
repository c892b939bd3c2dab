/*
 * audit_writer.c: one thread that records screenings in the audit trail for every worker.
 * Workers queue jobs and suspend their connection; the writer takes everything queued, records
 * it in one transaction (group commit: the screenings that arrive while a commit is being
 * written make the next one, so under load a commit carries many and the trail keeps up with
 * the screening rate; waiting on purpose for more was measured to lose more than it gains),
 * then calls each job's done() which queues the response and resumes the connection. A
 * response is therefore only sent once its screening is committed, and a store failure
 * becomes an error response, never a silently lost record.
 *
 * When the store is unreachable (a PostgreSQL restart, a network cut) the writer holds the
 * batch and retries it as soon as the store answers again, for up to OUTAGE_WAIT_S; the
 * requests wait meanwhile, new ones queue behind them up to MAX_QUEUED (beyond that they get
 * 503 at once), and after OUTAGE_WAIT_S the held batch fails with 503. Nothing is answered
 * unrecorded and nothing is dropped. (A commit whose acknowledgement was lost with the
 * connection is retried too, so such a rare batch can be recorded twice, never zero times.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define MAX_QUEUED 20000     /* screenings waiting at most; beyond, requests get 503 */
#define MAX_PER_COMMIT 2000  /* screenings in one transaction at most */
#define OUTAGE_WAIT_S 15.0   /* how long a batch waits for an unreachable store */

struct audit_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	audit_job *head, *tail;
	size_t queued;           /* screenings in the queue */
	bool stop;
	em_store *store;
	metrics *m;
};

/*
 * Records the batch; on a database server (not an SQLite file, which has no outages to wait
 * out), while the store is unreachable, waits for it and tries again, up to OUTAGE_WAIT_S.
 * A failure while the store answers is a real one: returned at once.
 */
static int record_batch(audit_writer *w, em_screening **items, size_t n)
{
	int rc = em_audit_record(w->store, items, n);
	if (rc && !strncmp(em_store_url(w->store), "sqlite:", 7))
		return rc;
	bool retried_up = false;
	double t0 = now_mono();
	while (rc && now_mono() - t0 < OUTAGE_WAIT_S) {
		if (em_store_ping(w->store) == 0) {
			if (retried_up)
				break;
			retried_up = true; /* the failure may have been the connection itself */
			rc = em_audit_record(w->store, items, n);
			continue;
		}
		retried_up = false;
		struct timespec ts = {0, 200 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return rc;
}

static void *writer_main(void *arg)
{
	audit_writer *w = arg;
	em_screening **items = NULL;
	size_t cap = 0;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head && w->stop) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		/* take jobs up to MAX_PER_COMMIT screenings (at least one job) */
		audit_job *batch = w->head, *last = w->head;
		size_t n = last->n;
		while (last->next && n + last->next->n <= MAX_PER_COMMIT) {
			last = last->next;
			n += last->n;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		w->queued -= n;
		pthread_mutex_unlock(&w->mu);

		if (n > cap) {
			em_screening **p = realloc(items, n * sizeof *p);
			if (p) {
				items = p;
				cap = n;
			}
		}
		int rc;
		const char *msg = "";
		if (n > cap) {
			rc = EM_ENOMEM;
			msg = "out of memory";
		} else {
			size_t k = 0;
			for (audit_job *j = batch; j; j = j->next)
				for (size_t i = 0; i < j->n; i++)
					items[k++] = j->items[i];
			rc = record_batch(w, items, n);
			msg = rc ? em_error_last()->message : "";
		}
		atomic_fetch_add(&w->m->audit_batches, 1);
		if (rc) {
			atomic_fetch_add(&w->m->audit_failures, 1);
			log_json("error", "audit trail write failed", json_pack("{s:s,s:i}", "error", msg, "screenings", (int)n));
		} else {
			atomic_fetch_add(&w->m->audit_records, n);
		}
		for (audit_job *j = batch, *next; j; j = next) {
			next = j->next; /* done() may free the job */
			j->rc = rc;
			snprintf(j->message, sizeof j->message, "%s", msg);
			j->done(j);
		}
	}
	free(items);
	return NULL;
}

int writer_start(audit_writer **out, const char *store_url, int fsync, metrics *m)
{
	*out = NULL;
	audit_writer *w = calloc(1, sizeof *w);
	if (!w)
		return EM_ENOMEM;
	int rc = em_store_open(&w->store, store_url);
	if (!rc)
		rc = em_store_set_durability(w->store, fsync);
	if (rc) {
		em_store_free(w->store);
		free(w);
		return rc;
	}
	w->m = m;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		em_store_free(w->store);
		free(w);
		return EM_ERROR;
	}
	*out = w;
	return 0;
}

bool writer_submit(audit_writer *w, audit_job *job)
{
	pthread_mutex_lock(&w->mu);
	bool ok = !w->stop && w->queued + job->n <= MAX_QUEUED;
	if (ok) {
		job->next = NULL;
		if (w->tail)
			w->tail->next = job;
		else
			w->head = job;
		w->tail = job;
		w->queued += job->n;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return ok;
}

size_t writer_depth(audit_writer *w)
{
	pthread_mutex_lock(&w->mu);
	size_t n = w->queued;
	pthread_mutex_unlock(&w->mu);
	return n;
}

void writer_stop(audit_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	em_store_free(w->store);
	free(w);
}
