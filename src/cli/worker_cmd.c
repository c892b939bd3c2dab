/*
 * worker_cmd.c: `embargo worker`, and `embargo rescreen` on a shared store. A worker claims
 * chunks of the store's work queue (em_work.h) one at a time, re-screens the chunk's customers
 * against the active lists (the index is rebuilt when the active versions change), and records
 * them in the transaction that completes the chunk, while a heartbeat thread renews the lease.
 * A worker that dies leaves its chunk to be claimed again when the lease expires; one that
 * loses its lease records nothing. On a PostgreSQL store `embargo rescreen` queues the job,
 * works on it like any worker and prints its progress until every chunk is done.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "embargo/em_screen.h"
#include "embargo/em_work.h"

#define DEFAULT_LEASE 60   /* seconds a claimed chunk stays the worker's without renewal */
#define DEFAULT_CHUNK 1000 /* customers per chunk */

typedef struct worker {
	const char *store_url;
	long threads;
	unsigned lease;
	long delay_ms;            /* pause before recording each chunk (tests: a worker to kill) */
	char name[160];           /* the lease owner: host:pid unless --name */
	em_screen_params params;
	em_store *st;             /* claims and records */
	em_store *beat;           /* the heartbeat's own connection */
	cli_lists ll;             /* the active lists the index was built over */
	int loaded;
	em_screener *scr;
	em_list_ref *refs;
	cli_rescreen_tally tally; /* what this worker did */
	size_t chunks;
} worker;

static void index_free(worker *w)
{
	if (!w->loaded)
		return;
	em_screener_free(w->scr);
	free(w->refs);
	cli_lists_free(&w->ll);
	w->scr = NULL;
	w->refs = NULL;
	w->loaded = 0;
}

/* Builds the index over the active lists, again when they changed since the last build. */
static int index_fresh(worker *w)
{
	em_version_set vs;
	if (em_store_versions(w->st, 1, &vs))
		return cli_report_error("reading the active lists");
	int same = w->loaded && vs.count == w->ll.all.versions.count;
	for (size_t i = 0; same && i < vs.count; i++)
		same = vs.items[i].id == w->ll.all.versions.items[i].id;
	em_version_set_free(&vs);
	if (same)
		return CLI_OK;
	index_free(w);
	if (cli_lists_load(&w->ll, NULL, 0, w->store_url))
		return CLI_FAIL;
	w->loaded = 1;
	if (!(w->refs = cli_lists_refs(&w->ll))) {
		fprintf(stderr, "embargo worker: out of memory\n");
		return CLI_FAIL;
	}
	if (em_screener_new(&w->scr, (const em_list *const *)w->ll.lists, w->ll.n))
		return cli_report_error("building the index");
	return CLI_OK;
}

/* Renews the lease every third of it while a chunk is worked on. */
typedef struct heartbeat {
	worker *w;
	const em_work_chunk *chunk;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
} heartbeat;

static void *heartbeat_main(void *arg)
{
	heartbeat *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		long ms = (long)h->w->lease * 1000 / 3;
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->cv, &h->mu, &until);
		if (h->stop)
			break;
		pthread_mutex_unlock(&h->mu);
		if (em_work_renew(h->w->beat, h->chunk, h->w->name, h->w->lease))
			fprintf(stderr, "embargo worker: chunk %lld: %s\n", (long long)h->chunk->id,
				em_error_last()->message);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* The stored customers of the chunk (after < ref <= last), read in one page. */
static int chunk_customers(worker *w, const em_work_chunk *c, em_customer_set *cs, size_t *n)
{
	size_t limit = c->items + 1000; /* room for customers added since the job was made */
	for (;;) {
		if (em_customers_page(w->st, c->after, limit, cs))
			return cli_report_error("reading the chunk's customers");
		size_t k = 0;
		while (k < cs->count && strcmp(cs->items[k].ref, c->last) <= 0)
			k++;
		if (k < limit) {
			*n = k;
			return CLI_OK;
		}
		em_customer_set_free(cs);
		limit *= 2;
	}
}

/* Screens and records one claimed chunk. CLI_OK, CLI_LEASE_LOST or CLI_FAIL. */
static int work_chunk(worker *w, const em_work_chunk *c)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = index_fresh(w);
	em_customer_set cs = {NULL, 0};
	size_t n = 0;
	if (rc || (rc = chunk_customers(w, c, &cs, &n)))
		return rc;
	heartbeat h = {w, c, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	pthread_t beat;
	int beating = pthread_create(&beat, NULL, heartbeat_main, &h) == 0;
	if (w->delay_ms > 0) {
		struct timespec ts = {w->delay_ms / 1000, (w->delay_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	em_customer_set view = {cs.items, n};
	cli_chunk chunk = {c, w->name};
	rc = cli_rescreen_page(w->st, w->scr, &w->params, w->refs, w->ll.n, &view, (int)w->threads, &w->tally,
			       &chunk);
	if (beating) {
		pthread_mutex_lock(&h.mu);
		h.stop = 1;
		pthread_cond_signal(&h.cv);
		pthread_mutex_unlock(&h.mu);
		pthread_join(beat, NULL);
	}
	em_customer_set_free(&cs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc == CLI_LEASE_LOST)
		fprintf(stderr, "embargo worker: chunk %lld of job %lld: the lease was lost; another worker "
				"does it, nothing was recorded here\n", (long long)c->id, (long long)c->job_id);
	else if (rc == CLI_OK) {
		w->chunks++;
		fprintf(stderr, "chunk %lld of job %lld: %zu customers in %.2f s%s\n", (long long)c->id,
			(long long)c->job_id, n, secs, c->attempts > 1 ? " (claimed again after a lease expired)" : "");
	}
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Prints the job's progress; *finished when every chunk is done. */
static int job_progress(worker *w, int64_t job, int *finished, int print)
{
	em_work_progress p;
	if (em_work_progress_get(w->st, job, &p))
		return cli_report_error("reading the job's progress");
	*finished = p.done == p.chunks;
	if (print)
		printf("job %lld: %zu of %zu chunks done (%zu of %zu customers), %zu being worked on\n",
		       (long long)job, p.done, p.chunks, p.items_done, p.items, p.claimed);
	fflush(stdout);
	return CLI_OK;
}

/*
 * Claims and works chunks until: `job` (if not 0) is finished; or, with idle_exit, nothing is
 * left to claim; or forever. Progress of `job` is printed about once a second.
 */
static int worker_loop(worker *w, int64_t job, int idle_exit)
{
	struct timespec last = {0, 0};
	for (;;) {
		em_work_chunk c;
		int rc = em_work_claim(w->st, w->name, w->lease, &c);
		if (rc == 0) {
			rc = work_chunk(w, &c);
			em_work_chunk_clear(&c);
			if (rc == CLI_FAIL)
				return rc;
		} else if (rc != EM_ENOTFOUND) {
			/* the store may be restarting: say so and try again */
			fprintf(stderr, "embargo worker: claiming a chunk: %s\n", em_error_last()->message);
			sleep_ms(1000);
			continue;
		}
		if (job) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			int print = now.tv_sec != last.tv_sec, finished = 0;
			if (print)
				last = now;
			if (job_progress(w, job, &finished, print))
				return CLI_FAIL;
			if (finished)
				return CLI_OK;
		} else if (rc == EM_ENOTFOUND && idle_exit) {
			return CLI_OK;
		}
		if (rc == EM_ENOTFOUND)
			sleep_ms(500); /* chunks held by others, or none yet */
	}
}

static int worker_open(worker *w)
{
	if (!w->name[0]) {
		char host[128] = "localhost";
		gethostname(host, sizeof host - 1);
		snprintf(w->name, sizeof w->name, "%s:%ld", host, (long)getpid());
	}
	if (em_store_open(&w->st, w->store_url) || em_store_open(&w->beat, w->store_url))
		return cli_report_error("opening the store");
	return CLI_OK;
}

static void worker_close(worker *w)
{
	index_free(w);
	em_store_free(w->st);
	em_store_free(w->beat);
}

static void print_summary(const worker *w, int64_t job, size_t customers, double secs)
{
	const cli_rescreen_tally *t = &w->tally;
	printf("re-screened %zu customers (job %lld) in %.2f s; this process did %zu chunks, %zu customers: "
	       "%zu with matches; %zu alerts opened (new or changed matches), %zu already open, %zu unchanged, "
	       "%zu suppressed false positives, %zu confirmed true matches\n",
	       customers, (long long)job, secs, w->chunks, t->customers, t->with_matches, t->opened, t->pending,
	       t->unchanged, t->suppressed, t->confirmed);
	fflush(stdout);
}

/* Queues a re-screening job of every customer; *job gets it. */
static int enqueue(worker *w, size_t chunk, int64_t *job, size_t *customers)
{
	size_t chunks = 0;
	if (em_work_enqueue_rescreen(w->st, chunk, job, &chunks, customers))
		return cli_report_error("queueing the re-screening");
	printf("job %lld: re-screening %zu customers in %zu chunks of up to %zu\n", (long long)*job, *customers,
	       chunks, chunk);
	fflush(stdout);
	return CLI_OK;
}

/* Queue, work, wait: the re-screening of every customer through the work queue. */
static int rescreen_through_queue(worker *w, size_t chunk, int work, cli_rescreen_tally *out)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t job = 0;
	size_t customers = 0;
	int rc = enqueue(w, chunk, &job, &customers);
	if (!rc && work)
		rc = worker_loop(w, job, 0);
	for (int finished = 0; !rc && !work && !finished;) {
		if ((rc = job_progress(w, job, &finished, 1)))
			break;
		if (!finished)
			sleep_ms(1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!rc)
		print_summary(w, job, customers,
			      (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (out)
		*out = w->tally;
	return rc;
}

int cli_rescreen_queued(const char *store_url, long threads, const em_screen_params *params,
			cli_rescreen_tally *out)
{
	em_store *st = NULL;
	if (em_store_open(&st, store_url))
		return cli_report_error("opening the store");
	int shared = strncmp(em_store_url(st), "sqlite:", 7) != 0;
	em_store_free(st);
	if (!shared)
		return CLI_NOT_SHARED;
	worker w;
	memset(&w, 0, sizeof w);
	w.store_url = store_url;
	w.threads = threads;
	w.lease = DEFAULT_LEASE;
	w.params = *params;
	int rc = worker_open(&w);
	if (!rc)
		rc = rescreen_through_queue(&w, DEFAULT_CHUNK, 1, out);
	worker_close(&w);
	return rc;
}

static void worker_usage(FILE *f)
{
	fprintf(f,
		"usage: embargo worker [--store URL] [-j N] [--threshold X] [--name NAME] [--lease SECONDS]\n"
		"                      [--exit-when-idle] [--job ID] [--rescreen [--chunk N] [--no-work]]\n"
		"Works on the store's queue: claims a chunk of a job, re-screens its customers against the\n"
		"active lists and records them in the transaction that completes the chunk, renewing its\n"
		"lease (default 60 s) meanwhile; a chunk whose worker died is claimed again once its lease\n"
		"expires. Runs until stopped, or with --exit-when-idle until nothing is left to claim, or\n"
		"with --job ID until that job is done. --rescreen first queues the re-screening of every\n"
		"stored customer in chunks of N (default 1000) and works until it is done (--no-work: only\n"
		"report its progress). --delay-ms MS pauses before recording each chunk (for tests).\n");
}

int cmd_worker(int argc, char **argv)
{
	worker w;
	memset(&w, 0, sizeof w);
	w.threads = sysconf(_SC_NPROCESSORS_ONLN);
	w.lease = DEFAULT_LEASE;
	w.params = (em_screen_params)EM_SCREEN_PARAMS_INIT;
	int idle_exit = 0, rescreen = 0, work = 1;
	long chunk = DEFAULT_CHUNK;
	int64_t job = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			worker_usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--exit-when-idle") || !strcmp(a, "--rescreen") || !strcmp(a, "--no-work")) {
			idle_exit |= a[2] == 'e';
			rescreen |= a[2] == 'r';
			work &= a[2] != 'n';
			continue;
		}
		static const char *const valued[] = {"--store", "-j", "--threshold", "--name", "--lease", "--job",
						     "--chunk", "--delay-ms"};
		size_t k = 0;
		while (k < sizeof valued / sizeof valued[0] && strcmp(a, valued[k]))
			k++;
		if (k == sizeof valued / sizeof valued[0] || i + 1 >= argc) {
			fprintf(stderr, "embargo worker: unexpected argument '%s'\n", a);
			worker_usage(stderr);
			return CLI_USAGE;
		}
		const char *v = argv[++i];
		char *end;
		if (k == 0) {
			w.store_url = v;
		} else if (k == 2) {
			w.params.threshold = strtod(v, &end);
			if (*end || w.params.threshold <= 0 || w.params.threshold > 1) {
				fprintf(stderr, "embargo worker: --threshold must be a number in (0, 1]\n");
				return CLI_USAGE;
			}
		} else if (k == 3) {
			snprintf(w.name, sizeof w.name, "%s", v);
		} else {
			long n = strtol(v, &end, 10);
			static const long lo[] = {0, 1, 0, 0, 1, 1, 1, 0}, hi[] = {0, 64, 0, 0, 86400, 0, 1000000, 3600000};
			if (*end || !*v || n < lo[k] || (hi[k] && n > hi[k])) {
				fprintf(stderr, "embargo worker: %s: '%s' is out of range\n", a, v);
				return CLI_USAGE;
			}
			if (k == 1)
				w.threads = n;
			else if (k == 4)
				w.lease = (unsigned)n;
			else if (k == 5)
				job = n;
			else if (k == 6)
				chunk = n;
			else
				w.delay_ms = n;
		}
	}
	int rc = worker_open(&w);
	if (!rc && rescreen)
		rc = rescreen_through_queue(&w, (size_t)chunk, work, NULL);
	else if (!rc)
		rc = worker_loop(&w, job, idle_exit);
	if (!rc && !rescreen)
		fprintf(stderr, "embargo worker %s: %zu chunks, %zu customers re-screened\n", w.name, w.chunks,
			w.tally.customers);
	worker_close(&w);
	return rc == CLI_LEASE_LOST ? CLI_OK : rc;
}
