/*
 * em_work.h: the work queue kept in the store, so that large jobs (re-screening every stored
 * customer after a list update) are spread over workers on any node. A job is cut into chunks
 * of consecutive customer references; a worker claims a chunk with a lease, renews the lease
 * while it works, and records the chunk's screenings and marks the chunk done in one
 * transaction. A chunk whose worker died is claimed again once its lease has expired; a worker
 * that lost its lease cannot complete the chunk. So every customer is screened exactly once in
 * the result, however many workers start, stop or die. On PostgreSQL, claims use FOR UPDATE
 * SKIP LOCKED (workers never wait for each other); on SQLite, BEGIN IMMEDIATE.
 *
 * Leases are compared as ISO 8601 UTC times written by the workers: keep the nodes' clocks in
 * step (NTP); a lease is tens of seconds, far above their drift.
 */
#ifndef EMBARGO_EM_WORK_H
#define EMBARGO_EM_WORK_H

#include "em_audit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The customers a chunk covers: after < ref <= last, in byte order. */
typedef struct em_work_range {
	const char *after;   /* NULL: from the first */
	const char *last;    /* the last reference included */
	size_t items;        /* customers in the range when the job was made */
} em_work_range;

/* A claimed chunk (strings owned: em_work_chunk_clear). */
typedef struct em_work_chunk {
	int64_t id;          /* the chunk */
	int64_t job_id;      /* its job */
	char *kind;          /* "rescreen" */
	char *after;         /* as em_work_range; NULL from the first */
	char *last;
	size_t items;
	int attempts;        /* claims so far, this one included (above 1: a worker died or gave up) */
} em_work_chunk;

void em_work_chunk_clear(em_work_chunk *c); /* frees the strings; accepts a zeroed chunk */

typedef struct em_work_progress {
	size_t chunks;       /* chunks of the job */
	size_t pending;      /* not claimed yet */
	size_t claimed;      /* being worked on (or held by a dead worker until its lease expires) */
	size_t done;         /* recorded */
	size_t items;        /* customers of the job */
	size_t items_done;   /* customers of its done chunks */
} em_work_progress;

/*
 * Makes a re-screening job over every stored customer, in chunks of `chunk_size` (0: 1000)
 * consecutive references. *job_id gets its id, *n_chunks and *n_items its size (either may be
 * NULL). A store without customers makes a job of no chunks.
 */
int em_work_enqueue_rescreen(em_store *store, size_t chunk_size, int64_t *job_id, size_t *n_chunks,
			     size_t *n_items);

/* Claims a chunk for `owner` (a worker name unique among workers) for lease_s seconds;
 * EM_ENOTFOUND when there is nothing to do now. */
int em_work_claim(em_store *store, const char *owner, unsigned lease_s, em_work_chunk *out);

/* Extends the lease to lease_s seconds from now; EM_EREFUSED when the lease was lost. */
int em_work_renew(em_store *store, const em_work_chunk *chunk, const char *owner, unsigned lease_s);

/*
 * Records the chunk's screenings (as em_audit_record) and marks it done, in one transaction;
 * EM_EREFUSED (nothing recorded) when `owner` no longer holds the chunk.
 */
int em_work_complete(em_store *store, const em_work_chunk *chunk, const char *owner,
		     em_screening *const *items, size_t n);

int em_work_progress_get(em_store *store, int64_t job_id, em_work_progress *out);

#ifdef __cplusplus
}
#endif
#endif
