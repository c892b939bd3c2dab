/*
 * work.c: the front of the work queue (em_work.h). It cuts a re-screening job into chunks of
 * consecutive customer references, computes the lease times the backends compare, and hands
 * a chunk's screenings to the audit front so they are recorded in the same transaction that
 * marks the chunk done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"

#define DEFAULT_CHUNK 1000

void em_work_chunk_clear(em_work_chunk *c)
{
	if (!c)
		return;
	free(c->kind);
	free(c->after);
	free(c->last);
	memset(c, 0, sizeof *c);
}

/* "now + secs" as ISO 8601 UTC with milliseconds, the form the audit trail uses. */
static void time_in(unsigned secs, char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec + (time_t)secs;
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00");
	size_t n = strlen(out);
	snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

int em_work_enqueue_rescreen(em_store *s, size_t chunk_size, int64_t *job_id, size_t *n_chunks, size_t *n_items)
{
	*job_id = 0;
	if (!chunk_size)
		chunk_size = DEFAULT_CHUNK;
	em_work_range *ranges = NULL;
	size_t n = 0, cap = 0, items = 0;
	char *after = NULL;
	int rc = 0;
	/* one page of customers is one chunk: its references bound the range */
	for (;;) {
		em_customer_set cs;
		if ((rc = em_customers_page(s, after, chunk_size, &cs)))
			break;
		if (cs.count == 0) {
			em_customer_set_free(&cs);
			break;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			em_work_range *r = realloc(ranges, cap * sizeof *r);
			if (!r) {
				em_customer_set_free(&cs);
				rc = em_fail(EM_ENOMEM, "out of memory cutting the job into chunks");
				break;
			}
			ranges = r;
		}
		char *last = strdup(cs.items[cs.count - 1].ref);
		ranges[n] = (em_work_range){after, last, cs.count};
		items += cs.count;
		em_customer_set_free(&cs);
		if (!last) {
			rc = em_fail(EM_ENOMEM, "out of memory cutting the job into chunks");
			break;
		}
		n++;
		after = last; /* owned by ranges[n - 1].last; the next range's after */
	}
	if (!rc) {
		char now[32];
		em_store_now_ms(now);
		rc = s->ops->work_enqueue(s->db, "rescreen", now, ranges, n, job_id);
	}
	for (size_t i = 0; i < n; i++)
		free((char *)ranges[i].last); /* each after is the previous last */
	free(ranges);
	if (!rc && n_chunks)
		*n_chunks = n;
	if (!rc && n_items)
		*n_items = items;
	return rc;
}

int em_work_claim(em_store *s, const char *owner, unsigned lease_s, em_work_chunk *out)
{
	memset(out, 0, sizeof *out);
	if (!owner || !*owner || !lease_s)
		return em_fail(EM_EINVAL, "em_work_claim: a worker name and a lease are required");
	char now[32], expires[32];
	time_in(0, now);
	time_in(lease_s, expires);
	int rc = s->ops->work_claim(s->db, owner, now, expires, out);
	if (rc)
		em_work_chunk_clear(out);
	return rc;
}

int em_work_renew(em_store *s, const em_work_chunk *c, const char *owner, unsigned lease_s)
{
	char expires[32];
	time_in(lease_s, expires);
	return s->ops->work_renew(s->db, c->id, owner, expires);
}

int em_work_complete(em_store *s, const em_work_chunk *c, const char *owner, em_screening *const *items, size_t n)
{
	char now[32];
	em_store_now_ms(now);
	em_store_chunk_done done = {c->id, owner, now};
	return em_audit_record_chunk(s, items, n, &done);
}

int em_work_progress_get(em_store *s, int64_t job_id, em_work_progress *out)
{
	memset(out, 0, sizeof *out);
	return s->ops->work_progress(s->db, job_id, out);
}
