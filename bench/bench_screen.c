/*
 * bench_screen.c: party screening speed, against a brute-force baseline run in the same
 * process. Two list sets: the SDN snapshot ofac/sdn-history/sdn-2024-05-03.csv, and all sources
 * together (each list of the shared data folder once, in its latest version; --lists '' takes
 * every file that reads), all in one index. The queries are a fixed-seed mix of
 * the evaluation sets (positives.tsv queries and negatives.tsv names), so the traffic has both
 * listed names with typos, reorderings and other scripts and ordinary names that must not match.
 *
 * Figures per list set: index build (em_screener_new); index load, meaning read the list files
 * and build, or load the stored versions and build, both in a fresh process (what a server start
 * pays: ICU and the name tables are set up there too) and warm (best of N in this process);
 * queries per second on one thread and on N threads sharing one em_screener, with p50 and p99
 * latency; the index's own memory (em_screener_get_stats) and the peak RSS of a fresh process
 * holding the lists and the index. The baseline is screening as people write it themselves:
 * ICU "Any-Latin; Latin-ASCII", lower case, tokens sorted and joined, then Jaro-Winkler of the
 * query against every listed name (normalized once beforehand), threshold 0.88. It screens the
 * first 300 queries of the mix once (seconds of CPU); the engine screens the same queries in 15
 * passes, each with the thread's word cache emptied first (em_screen_forget), the median kept,
 * and the speed-up is the ratio of the two. A second ratio divides the
 * baseline by the engine's mean over the whole mix, each query screened once, in a pass timed
 * as a whole (no clock read between queries) after the word cache is emptied.
 *
 * usage: bench_screen [--shared DIR] [--queries N] [--threads N] [--baseline-queries N]
 *                     [--runs N] [--set sdn|all] [--lists A,B] [--seed N] [--positive-pct N]
 *                     [--quick] [--json]
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "bench.h"
#include "embargo/em_lists.h"
#include "embargo/em_screen.h"
#include "embargo/em_store.h"

/* The targets printed next to the figures. */
#define TARGET_QPS_PER_CORE 20000.0
#define TARGET_SPEEDUP 1000.0
#define TARGET_LOAD_MS 200.0
#define TARGET_ALL_MIB 100.0

#define SDN_FILE "ofac/sdn-history/sdn-2024-05-03.csv"
#define BASELINE_THRESHOLD 0.88
#define WARMUP_QUERIES 50
/* Queries screened in the fresh process, so its peak includes what screening holds. */
#define COLD_QUERIES 1000

typedef struct options {
	const char *shared;
	const char *only_set;   /* "sdn", "all" or NULL for both */
	const char *lists;      /* comma-separated parts of paths: the second set instead of all */
	size_t queries, threads, baseline, runs, seed, positive_pct;
	bool json;
} options;

static void die(const char *what)
{
	fprintf(stderr, "bench_screen: %s: %s\n", what, em_error_last()->message);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "bench_screen: out of memory\n");
		exit(2);
	}
	return p;
}

/* --- the query mix --- */

typedef struct query_mix {
	char **pool;         /* every candidate query text (owned) */
	size_t n_pool, n_pool_pos;  /* pool[0 .. n_pool_pos) are positives */
	const char **q;      /* the mix, in screening order (points into pool) */
	bool *positive;      /* whether q[i] came from positives.tsv */
	size_t n, n_positive;
} query_mix;

/* Appends column `col` (0-based) of every line of a TSV file to the pool. */
static size_t load_column(query_mix *m, size_t *cap, const char *path, int col)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "bench_screen: cannot open %s\n", path);
		exit(1);
	}
	char *line = NULL;
	size_t lcap = 0, added = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, f)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line;
		for (int c = 0; c < col && s; c++)
			s = (s = strchr(s, '\t')) ? s + 1 : NULL;
		if (!s)
			continue;
		s[strcspn(s, "\t")] = '\0';
		if (!*s)
			continue;
		if (m->n_pool == *cap) {
			*cap = *cap ? 2 * *cap : 1024;
			char **p = realloc(m->pool, *cap * sizeof *p);
			if (!p)
				exit(2);
			m->pool = p;
		}
		size_t n = strlen(s) + 1;
		m->pool[m->n_pool++] = memcpy(xmalloc(n), s, n);
		added++;
	}
	free(line);
	fclose(f);
	if (!added) {
		fprintf(stderr, "bench_screen: no queries in %s\n", path);
		exit(1);
	}
	return added;
}

/* splitmix64: a small generator whose sequence is the same everywhere for a seed. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void build_mix(query_mix *m, const options *o)
{
	char path[4096];
	size_t cap = 0;
	snprintf(path, sizeof path, "%s/eval/positives.tsv", o->shared);
	m->n_pool_pos = load_column(m, &cap, path, 0);
	snprintf(path, sizeof path, "%s/eval/negatives.tsv", o->shared);
	load_column(m, &cap, path, 2);
	m->n = o->queries;
	m->q = xmalloc(m->n * sizeof *m->q);
	m->positive = xmalloc(m->n * sizeof *m->positive);
	uint64_t state = o->seed;
	size_t n_neg = m->n_pool - m->n_pool_pos;
	for (size_t i = 0; i < m->n; i++) {
		bool pos = next_random(&state) % 100 < o->positive_pct;
		uint64_t r = next_random(&state);
		m->q[i] = pos ? m->pool[r % m->n_pool_pos] : m->pool[m->n_pool_pos + r % n_neg];
		m->positive[i] = pos;
		m->n_positive += pos;
	}
}

static void free_mix(query_mix *m)
{
	for (size_t i = 0; i < m->n_pool; i++)
		free(m->pool[i]);
	free(m->pool);
	free(m->q);
	free(m->positive);
}

/* --- list sets --- */

typedef struct list_set {
	const char *name;
	const bench_list_file **files;
	size_t n_files, bytes;
	bool many;              /* the set of many lists, which the memory target is about */
	char *store_dir;        /* a store holding one version per file */
	int64_t *versions;
} list_set;

/* Reads the files as `embargo screen --list` and `embargo serve` do (em_active_lists_read: the
 * files in parallel on the cores), keeping the lists and dropping the version records. */
static void read_set(const list_set *set, em_list **lists)
{
	const char *paths[64];
	if (set->n_files > sizeof paths / sizeof paths[0])
		die("too many files");
	for (size_t i = 0; i < set->n_files; i++)
		paths[i] = set->files[i]->path;
	em_active_lists all;
	if (em_active_lists_read(&all, paths, set->n_files))
		die("reading the lists");
	for (size_t i = 0; i < set->n_files; i++)
		lists[i] = all.lists[i];
	free(all.lists);
	em_version_set_free(&all.versions);
}

static em_store *open_store(const char *dir)
{
	char url[4200];
	snprintf(url, sizeof url, "sqlite:%s/store.db", dir);
	em_store *s;
	if (em_store_open(&s, url))
		die(url);
	return s;
}

static void load_set(const list_set *set, em_store *store, em_list **lists)
{
	for (size_t i = 0; i < set->n_files; i++)
		if (em_store_load_version(store, set->versions[i], &lists[i]))
			die("loading a stored version");
}

static void free_lists(em_list **lists, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		em_list_free(lists[i]);
		lists[i] = NULL;
	}
}

static em_screener *build_index(em_list **lists, size_t n)
{
	em_screener *s;
	if (em_screener_new(&s, (const em_list *const *)lists, n))
		die("building the index");
	return s;
}

/* Screens one name; returns its number of matches, and the names scored in *candidates. */
static size_t screen_one(const em_screener *s, const char *name, size_t *candidates)
{
	em_query q = {.name = name};
	em_result *r;
	if (em_screen(s, &q, NULL, &r))
		die(name);
	size_t n = r->n_matches;
	if (candidates)
		*candidates = r->candidates;
	em_result_free(r);
	return n;
}

/* CPU seconds of this thread, or of the whole process: on a shared machine they do not count
 * the time other programs held the core. */
static double cpu_now(clockid_t which)
{
	struct timespec ts;
	clock_gettime(which, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* --- fresh processes: the cold figures and peak memory --- */

enum { COLD_FROM_FILES, COLD_FROM_STORE, COLD_IMPORT };
enum {
	CV_LOAD, CV_BUILD, CV_ENTITIES, CV_NAMES, CV_VOCAB, CV_BYTES,
	CV_FIRST_QUERY,     /* the first query screened (ASCII or not) */
	CV_FIRST_OTHER,     /* the first query in another script after it: ICU's setup, if not done yet */
	CV_RSS_LISTS, /* peak RSS once the lists are in memory, before the index */
	CV_COUNT
};

typedef struct cold_arg {
	const list_set *set;
	const query_mix *mix;
	int mode;
} cold_arg;

static int cold_child(void *arg, double *vals, size_t cap)
{
	const cold_arg *a = arg;
	const list_set *set = a->set;
	em_list **lists = calloc(set->n_files, sizeof *lists);
	if (!lists || cap < CV_COUNT || (a->mode == COLD_IMPORT && cap < set->n_files))
		return -1;
	if (a->mode == COLD_IMPORT) {
		/* Every file becomes a version; none is activated, so files of one source coexist. */
		read_set(set, lists);
		em_store *store = open_store(set->store_dir);
		em_import_options io = EM_IMPORT_OPTIONS_INIT;
		io.no_activate = 1;
		io.force = 1;
		for (size_t i = 0; i < set->n_files; i++) {
			em_import_result res;
			if (em_store_import(store, lists[i], &io, &res))
				die(set->files[i]->path);
			vals[i] = (double)res.version_id;
		}
		em_store_free(store);
		free_lists(lists, set->n_files);
		free(lists);
		return (int)set->n_files;
	}
	double t0 = bench_now();
	em_store *store = NULL;
	if (a->mode == COLD_FROM_STORE) {
		store = open_store(set->store_dir);
		load_set(set, store, lists);
	} else {
		read_set(set, lists);
	}
	double t1 = bench_now();
	vals[CV_RSS_LISTS] = (double)bench_maxrss_kb();
	em_screener *s = build_index(lists, set->n_files);
	double t2 = bench_now();
	screen_one(s, a->mix->q[0], NULL);
	double t3 = bench_now();
	vals[CV_FIRST_OTHER] = 0.0;
	for (size_t i = 1; i < a->mix->n; i++)
		if (!is_ascii(a->mix->q[i])) {
			double t4 = bench_now();
			screen_one(s, a->mix->q[i], NULL);
			vals[CV_FIRST_OTHER] = bench_now() - t4;
			break;
		}
	for (size_t i = 1; i < a->mix->n && i < COLD_QUERIES; i++)
		screen_one(s, a->mix->q[i], NULL);
	em_screener_stats st;
	em_screener_get_stats(s, &st);
	vals[CV_LOAD] = t1 - t0;
	vals[CV_BUILD] = t2 - t1;
	vals[CV_FIRST_QUERY] = t3 - t2;
	vals[CV_ENTITIES] = (double)st.entities;
	vals[CV_NAMES] = (double)st.names;
	vals[CV_VOCAB] = (double)st.vocabulary;
	vals[CV_BYTES] = (double)st.memory_bytes;
	em_screener_free(s);
	free_lists(lists, set->n_files);
	free(lists);
	em_store_free(store);
	return CV_COUNT;
}

typedef struct cold_result {
	double vals[CV_COUNT];
	long rss_kb;
} cold_result;

static void run_cold(const list_set *set, const query_mix *mix, int mode, double *vals,
		     size_t cap, long *rss_kb)
{
	cold_arg a = {set, mix, mode};
	size_t n;
	if (bench_in_child(cold_child, &a, vals, cap, &n, rss_kb) || n == 0) {
		fprintf(stderr, "bench_screen: the fresh process for '%s' failed\n", set->name);
		exit(1);
	}
}

/* --- queries on one and on many threads --- */

#define N_SLOWEST 3

typedef struct query_run {
	bench_samples lat;    /* seconds per query, in mix order (until a quantile sorts them) */
	double wall;          /* seconds for all of them */
	double cpu;           /* CPU seconds the screening threads used for them */
	size_t threads;
	size_t hits, hits_pos; /* queries with at least one match (of them, positives) */
	/* One thread only: where the time goes, in CPU time (preemption left out). */
	double sum_ascii, sum_other, sum_pos, sum_neg; /* CPU seconds, by kind of query */
	size_t n_ascii, candidates;                    /* ASCII queries; names scored in all */
	size_t slowest[N_SLOWEST];                     /* mix indices, slowest first */
	size_t slowest_cand[N_SLOWEST];
	double slowest_t[N_SLOWEST];
} query_run;

/* Keeps the N_SLOWEST slowest queries seen, slowest first. */
static void note_slow(query_run *r, size_t i, double t, size_t cand)
{
	size_t k = N_SLOWEST;
	while (k > 0 && t > r->slowest_t[k - 1]) {
		if (k < N_SLOWEST) {
			r->slowest[k] = r->slowest[k - 1];
			r->slowest_t[k] = r->slowest_t[k - 1];
			r->slowest_cand[k] = r->slowest_cand[k - 1];
		}
		k--;
	}
	if (k < N_SLOWEST) {
		r->slowest[k] = i;
		r->slowest_t[k] = t;
		r->slowest_cand[k] = cand;
	}
}

static void warm_up(const em_screener *s, const query_mix *mix)
{
	for (size_t i = 0; i < mix->n && i < WARMUP_QUERIES; i++)
		screen_one(s, mix->q[i], NULL);
}

/* Screens the mix on this thread: first a pass timed per query, for the latency figures and
 * where the time goes, then, with the thread's word cache emptied, a pass timed as a whole for the
 * throughput (and the speed-up over the mix). Reading a thread's CPU clock is a system call of
 * about 0.5 us here: two per query are a tenth of what a query costs, so the throughput pass reads
 * the clocks only at its ends. */
static void run_single(const em_screener *s, const query_mix *mix, query_run *r)
{
	warm_up(s, mix);
	r->threads = 1;
	for (size_t i = 0; i < mix->n; i++) {
		size_t cand;
		double c0 = cpu_now(CLOCK_THREAD_CPUTIME_ID), t0 = bench_now();
		size_t n = screen_one(s, mix->q[i], &cand);
		double t1 = bench_now(), t = cpu_now(CLOCK_THREAD_CPUTIME_ID) - c0;
		bench_samples_add(&r->lat, t1 - t0);
		r->hits += n > 0;
		r->hits_pos += n > 0 && mix->positive[i];
		r->candidates += cand;
		bool ascii = is_ascii(mix->q[i]);
		r->n_ascii += ascii;
		*(ascii ? &r->sum_ascii : &r->sum_other) += t;
		*(mix->positive[i] ? &r->sum_pos : &r->sum_neg) += t;
		note_slow(r, i, t, cand);
	}
	em_screen_forget();
	size_t hits = 0;
	double start = bench_now(), cpu0 = cpu_now(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < mix->n; i++)
		hits += screen_one(s, mix->q[i], NULL) > 0;
	r->wall = bench_now() - start;
	r->cpu = cpu_now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	if (hits != r->hits) {
		fprintf(stderr, "bench_screen: the two passes over the mix found %zu and %zu queries "
			"with a match\n", r->hits, hits);
		exit(1);
	}
}

typedef struct mt_ctx {
	const em_screener *s;
	const query_mix *mix;
	double *lat;
	atomic_size_t next, hits, hits_pos;
	pthread_barrier_t ready;
} mt_ctx;

#define MT_CHUNK 16

static void *mt_worker(void *arg)
{
	mt_ctx *c = arg;
	/* Each thread sets up its own transliterator on first use: done before the clock starts. */
	warm_up(c->s, c->mix);
	pthread_barrier_wait(&c->ready);
	for (;;) {
		size_t from = atomic_fetch_add(&c->next, MT_CHUNK);
		if (from >= c->mix->n)
			break;
		size_t to = from + MT_CHUNK < c->mix->n ? from + MT_CHUNK : c->mix->n;
		for (size_t i = from; i < to; i++) {
			double t0 = bench_now();
			size_t n = screen_one(c->s, c->mix->q[i], NULL);
			c->lat[i] = bench_now() - t0;
			if (n) {
				atomic_fetch_add(&c->hits, 1);
				if (c->mix->positive[i])
					atomic_fetch_add(&c->hits_pos, 1);
			}
		}
	}
	return NULL;
}

static void run_threads(const em_screener *s, const query_mix *mix, size_t threads, query_run *r)
{
	mt_ctx c = {.s = s, .mix = mix, .lat = xmalloc(mix->n * sizeof(double))};
	atomic_init(&c.next, 0);
	atomic_init(&c.hits, 0);
	atomic_init(&c.hits_pos, 0);
	pthread_barrier_init(&c.ready, NULL, (unsigned)threads + 1);
	pthread_t *tid = xmalloc(threads * sizeof *tid);
	for (size_t t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, mt_worker, &c)) {
			fprintf(stderr, "bench_screen: cannot start a thread\n");
			exit(1);
		}
	pthread_barrier_wait(&c.ready);
	double start = bench_now(), cpu0 = cpu_now(CLOCK_PROCESS_CPUTIME_ID);
	for (size_t t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	r->wall = bench_now() - start;
	/* The waiting main thread adds next to nothing; the workers' warm-up ended before cpu0. */
	r->cpu = cpu_now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	r->threads = threads;
	r->hits = atomic_load(&c.hits);
	r->hits_pos = atomic_load(&c.hits_pos);
	for (size_t i = 0; i < mix->n; i++)
		bench_samples_add(&r->lat, c.lat[i]);
	pthread_barrier_destroy(&c.ready);
	free(tid);
	free(c.lat);
}

/* --- the brute-force baseline --- */

typedef struct baseline {
	UTransliterator *tr;
	UChar *u1, *u2;
	int32_t ucap;
	char *u8;
	size_t u8cap;
	char **tok;
	size_t tcap;
	/* The listed names, normalized: text + off[i], each with its entity. */
	char *text;
	size_t *off, *len;
	uint32_t *entity;
	size_t n_names, max_len;
	unsigned char *flags;  /* Jaro match flags for the query and a listed name */
} baseline;

static void baseline_init(baseline *b)
{
	*b = (baseline){0};
	UChar id[32];
	u_uastrcpy(id, "Any-Latin; Latin-ASCII");
	UErrorCode st = U_ZERO_ERROR;
	b->tr = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		fprintf(stderr, "bench_screen: ICU transliterator: %s\n", u_errorName(st));
		exit(1);
	}
}

static void baseline_grow(baseline *b, int32_t need)
{
	if (need <= b->ucap)
		return;
	b->ucap = need;
	free(b->u1);
	free(b->u2);
	free(b->u8);
	b->u1 = xmalloc((size_t)need * sizeof(UChar));
	b->u2 = xmalloc((size_t)need * sizeof(UChar));
	b->u8cap = (size_t)need * 3 + 1;
	b->u8 = xmalloc(b->u8cap);
}

static int cmp_tok(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Transliterates, lower-cases, splits on anything but letters and digits, sorts the tokens and
 * joins them with one space, into out (NUL-terminated; at least strlen(text) * 6 + 64 bytes
 * are enough for the names seen here, cap is checked). Returns the length.
 */
static size_t baseline_normalize(baseline *b, const char *text, char **out, size_t *cap)
{
	size_t len = strlen(text);
	if (len > (1u << 20))
		len = 1u << 20;
	int32_t need = (int32_t)len * 4 + 64, ulen, limit, llen, n8;
	UErrorCode st;
	for (;;) {
		baseline_grow(b, need);
		st = U_ZERO_ERROR;
		u_strFromUTF8Lenient(b->u1, b->ucap, &ulen, text, (int32_t)len, &st);
		limit = ulen;
		if (U_SUCCESS(st))
			utrans_transUChars(b->tr, b->u1, &ulen, b->ucap, 0, &limit, &st);
		if (U_SUCCESS(st))
			llen = u_strToLower(b->u2, b->ucap, b->u1, ulen, "", &st);
		if (U_SUCCESS(st))
			u_strToUTF8(b->u8, (int32_t)b->u8cap, &n8, b->u2, llen, &st);
		if (st != U_BUFFER_OVERFLOW_ERROR && st != U_STRING_NOT_TERMINATED_WARNING)
			break;
		need *= 2;
	}
	if (U_FAILURE(st))
		n8 = 0;
	b->u8[n8] = '\0';
	size_t nt = 0;
	for (char *p = b->u8; *p;) {
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80))
			*p++ = '\0';
		if (!*p)
			break;
		if (nt == b->tcap) {
			b->tcap = b->tcap ? 2 * b->tcap : 32;
			char **t = realloc(b->tok, b->tcap * sizeof *t);
			if (!t)
				exit(2);
			b->tok = t;
		}
		b->tok[nt++] = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80)
			p++;
	}
	qsort(b->tok, nt, sizeof *b->tok, cmp_tok);
	size_t total = 1;
	for (size_t i = 0; i < nt; i++)
		total += strlen(b->tok[i]) + 1;
	if (total > *cap) {
		*cap = total * 2;
		char *o = realloc(*out, *cap);
		if (!o)
			exit(2);
		*out = o;
	}
	size_t w = 0;
	for (size_t i = 0; i < nt; i++) {
		size_t tl = strlen(b->tok[i]);
		if (w)
			(*out)[w++] = ' ';
		memcpy(*out + w, b->tok[i], tl);
		w += tl;
	}
	(*out)[w] = '\0';
	return w;
}

/* Normalizes every name of every entity once, as the baseline's "index". */
static void baseline_prepare(baseline *b, em_list **lists, size_t n_lists)
{
	size_t n = 0;
	for (size_t l = 0; l < n_lists; l++)
		for (size_t i = 0; i < em_list_count(lists[l]); i++)
			n += em_list_entity(lists[l], i)->n_names;
	b->off = xmalloc(n * sizeof *b->off);
	b->len = xmalloc(n * sizeof *b->len);
	b->entity = xmalloc(n * sizeof *b->entity);
	size_t cap = 1 << 20, used = 0, scap = 256;
	b->text = xmalloc(cap);
	char *scratch = xmalloc(scap);
	uint32_t ent = 0;
	for (size_t l = 0; l < n_lists; l++)
		for (size_t i = 0; i < em_list_count(lists[l]); i++, ent++) {
			const em_entity *e = em_list_entity(lists[l], i);
			for (size_t k = 0; k < e->n_names; k++) {
				size_t len = baseline_normalize(b, e->names[k].full, &scratch, &scap);
				if (used + len + 1 > cap) {
					cap = 2 * (used + len + 1);
					char *t = realloc(b->text, cap);
					if (!t)
						exit(2);
					b->text = t;
				}
				memcpy(b->text + used, scratch, len + 1);
				b->off[b->n_names] = used;
				b->len[b->n_names] = len;
				b->entity[b->n_names++] = ent;
				used += len + 1;
				if (len > b->max_len)
					b->max_len = len;
			}
		}
	free(scratch);
}

/* Jaro-Winkler (prefix scale 0.1 over at most 4 characters, applied above 0.7). */
static double jaro_winkler(const char *a, size_t la, const char *b, size_t lb, unsigned char *flags)
{
	if (!la || !lb)
		return la == lb ? 1.0 : 0.0;
	unsigned char *fa = flags, *fb = flags + la;
	memset(flags, 0, la + lb);
	size_t window = (la > lb ? la : lb) / 2;
	window = window ? window - 1 : 0;
	size_t m = 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;
		for (size_t j = lo; j < hi; j++)
			if (!fb[j] && a[i] == b[j]) {
				fa[i] = fb[j] = 1;
				m++;
				break;
			}
	}
	if (!m)
		return 0.0;
	size_t t = 0, k = 0;
	for (size_t i = 0; i < la; i++) {
		if (!fa[i])
			continue;
		while (!fb[k])
			k++;
		t += a[i] != b[k];
		k++;
	}
	double dm = (double)m;
	double jaro = (dm / (double)la + dm / (double)lb + (dm - (double)t / 2.0) / dm) / 3.0;
	if (jaro <= 0.7)
		return jaro;
	size_t p = 0;
	while (p < 4 && p < la && p < lb && a[p] == b[p])
		p++;
	return jaro + (double)p * 0.1 * (1.0 - jaro);
}

/* Screens one query by brute force; returns the number of entities at or above the threshold. */
static size_t baseline_screen(baseline *b, const char *query, char **scratch, size_t *scap)
{
	size_t ql = baseline_normalize(b, query, scratch, scap);
	unsigned char *flags = xmalloc(ql + b->max_len + 1);
	size_t hits = 0;
	uint32_t last = UINT32_MAX;
	for (size_t i = 0; i < b->n_names; i++) {
		double s = jaro_winkler(*scratch, ql, b->text + b->off[i], b->len[i], flags);
		if (s >= BASELINE_THRESHOLD && b->entity[i] != last) {
			hits++;
			last = b->entity[i];
		}
	}
	free(flags);
	return hits;
}

static void baseline_free(baseline *b)
{
	utrans_close(b->tr);
	free(b->u1);
	free(b->u2);
	free(b->u8);
	free(b->tok);
	free(b->text);
	free(b->off);
	free(b->len);
	free(b->entity);
}

typedef struct baseline_run {
	size_t queries, names, hits, engine_hits;
	double prep;
	double per_query, engine_per_query;          /* wall seconds per query */
	double cpu_per_query, engine_cpu_per_query;  /* CPU seconds per query */
} baseline_run;

/* Engine passes over the baseline's queries: the median is kept. One pass takes a few
 * milliseconds, short enough for a busy minute to move it by half. */
#define ENGINE_PASSES 15

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * The baseline on the first n queries of the mix, and the engine on the same queries: the
 * engine in ENGINE_PASSES passes (or `runs`, if more; the median kept), the baseline in one
 * (it is slow, and so an average over seconds already). Both are timed in CPU time too, which
 * leaves out the time other programs held the core.
 */
static void run_baseline(em_list **lists, size_t n_lists, const em_screener *s,
			 const query_mix *mix, size_t n, size_t runs, baseline_run *r)
{
	baseline b;
	baseline_init(&b);
	double t0 = bench_now();
	baseline_prepare(&b, lists, n_lists);
	r->prep = bench_now() - t0;
	r->names = b.n_names;
	r->queries = n < mix->n ? n : mix->n;
	char *scratch = NULL;
	size_t scap = 0;
	size_t passes = runs > ENGINE_PASSES ? runs : ENGINE_PASSES;
	double *walls = xmalloc(passes * sizeof *walls), *cpus = xmalloc(passes * sizeof *cpus);
	for (size_t k = 0; k < passes; k++) {
		size_t hits = 0;
		/* Each pass as the first: words romanized in the previous pass would be cached. */
		em_screen_forget();
		double c0 = cpu_now(CLOCK_THREAD_CPUTIME_ID), q0 = bench_now();
		for (size_t i = 0; i < r->queries; i++)
			hits += screen_one(s, mix->q[i], NULL) > 0;
		walls[k] = bench_now() - q0;
		cpus[k] = cpu_now(CLOCK_THREAD_CPUTIME_ID) - c0;
		r->engine_hits = hits;
	}
	qsort(walls, passes, sizeof *walls, cmp_double);
	qsort(cpus, passes, sizeof *cpus, cmp_double);
	double engine = walls[passes / 2], engine_cpu = cpus[passes / 2];
	free(walls);
	free(cpus);
	double c0 = cpu_now(CLOCK_THREAD_CPUTIME_ID), q0 = bench_now();
	for (size_t i = 0; i < r->queries; i++)
		r->hits += baseline_screen(&b, mix->q[i], &scratch, &scap) > 0;
	double total = bench_now() - q0, total_cpu = cpu_now(CLOCK_THREAD_CPUTIME_ID) - c0;
	double nq = r->queries ? (double)r->queries : 1.0;
	r->per_query = total / nq;
	r->engine_per_query = engine / nq;
	r->cpu_per_query = total_cpu / nq;
	r->engine_cpu_per_query = engine_cpu / nq;
	free(scratch);
	baseline_free(&b);
}

/* --- one list set, all figures --- */

typedef struct set_result {
	double cold_files[CV_COUNT], cold_store[CV_COUNT];
	long cold_files_rss, cold_store_rss;
	bench_samples read, build, store_load;
	em_screener_stats stats;
	query_run single, multi;
	baseline_run base;
} set_result;

/* Runs a fresh process `runs` times and keeps the figures of the fastest load + build. */
static void run_cold_best(const list_set *set, const query_mix *mix, int mode, size_t runs,
			  double *best, long *best_rss)
{
	for (size_t k = 0; k < runs; k++) {
		double vals[CV_COUNT];
		long rss;
		run_cold(set, mix, mode, vals, CV_COUNT, &rss);
		if (k == 0 || vals[CV_LOAD] + vals[CV_BUILD] < best[CV_LOAD] + best[CV_BUILD]) {
			memcpy(best, vals, sizeof vals);
			*best_rss = rss;
		}
	}
}

static void measure_cold(list_set *set, const query_mix *mix, size_t runs, set_result *r)
{
	long rss;
	set->versions = xmalloc(set->n_files * sizeof *set->versions);
	double *vids = xmalloc((set->n_files + CV_COUNT) * sizeof *vids);
	run_cold(set, mix, COLD_IMPORT, vids, set->n_files + CV_COUNT, &rss);
	for (size_t i = 0; i < set->n_files; i++)
		set->versions[i] = (int64_t)vids[i];
	free(vids);
	run_cold_best(set, mix, COLD_FROM_FILES, runs, r->cold_files, &r->cold_files_rss);
	run_cold_best(set, mix, COLD_FROM_STORE, runs, r->cold_store, &r->cold_store_rss);
}

/* Keeps the faster of two passes over the queries in *best (pass k; the first is kept as is). */
static void keep_faster(query_run *best, query_run *pass, size_t k)
{
	if (k == 0 || pass->wall < best->wall) {
		bench_samples_free(&best->lat);
		*best = *pass;
	} else {
		bench_samples_free(&pass->lat);
	}
}

static void measure_warm(const list_set *set, const query_mix *mix, const options *o, set_result *r)
{
	em_list **lists = calloc(set->n_files, sizeof *lists);
	em_list **loaded = calloc(set->n_files, sizeof *loaded);
	if (!lists || !loaded)
		exit(2);
	for (size_t k = 0; k < o->runs; k++) {
		free_lists(lists, set->n_files);
		double t0 = bench_now();
		read_set(set, lists);
		bench_samples_add(&r->read, bench_now() - t0);
	}
	em_store *store = open_store(set->store_dir);
	for (size_t k = 0; k < o->runs; k++) {
		double t0 = bench_now();
		load_set(set, store, loaded);
		bench_samples_add(&r->store_load, bench_now() - t0);
		free_lists(loaded, set->n_files);
	}
	em_store_free(store);
	em_screener *s = NULL;
	for (size_t k = 0; k < o->runs; k++) {
		em_screener_free(s);
		double t0 = bench_now();
		s = build_index(lists, set->n_files);
		bench_samples_add(&r->build, bench_now() - t0);
	}
	em_screener_get_stats(s, &r->stats);
	if (!o->json)
		fprintf(stderr, "%s: %zu queries on 1 thread\n", set->name, mix->n);
	for (size_t k = 0; k < o->runs; k++) {
		query_run t = {0};
		run_single(s, mix, &t);
		keep_faster(&r->single, &t, k);
	}
	if (!o->json)
		fprintf(stderr, "%s: %zu queries on %zu threads\n", set->name, mix->n, o->threads);
	for (size_t k = 0; k < o->runs; k++) {
		query_run t = {0};
		run_threads(s, mix, o->threads, &t);
		keep_faster(&r->multi, &t, k);
	}
	if (!o->json)
		fprintf(stderr, "%s: baseline, %zu queries\n", set->name, o->baseline);
	run_baseline(lists, set->n_files, s, mix, o->baseline, o->runs, &r->base);
	em_screener_free(s);
	free_lists(lists, set->n_files);
	free(lists);
	free(loaded);
}

/* --- report --- */

typedef struct derived {
	double load_cold_ms, load_warm_ms, store_cold_ms, store_warm_ms;
	double qps1, qpsn, speedup, cold_mib, index_mib;   /* wall clock */
	double qps1_cpu, qpsn_cpu, speedup_cpu;            /* per CPU-second: what the targets judge */
	double speedup_mix_cpu; /* baseline per query over the engine's mean on the whole mix, each query once */
	double p50_1, p99_1, p50_n, p99_n, mean_1;
} derived;

static derived derive(set_result *r)
{
	derived d;
	d.load_cold_ms = (r->cold_files[CV_LOAD] + r->cold_files[CV_BUILD]) * 1e3;
	d.store_cold_ms = (r->cold_store[CV_LOAD] + r->cold_store[CV_BUILD]) * 1e3;
	d.load_warm_ms = (bench_samples_min(&r->read) + bench_samples_min(&r->build)) * 1e3;
	d.store_warm_ms = (bench_samples_min(&r->store_load) + bench_samples_min(&r->build)) * 1e3;
	d.qps1 = r->single.wall > 0 ? (double)r->single.lat.n / r->single.wall : 0.0;
	d.qpsn = r->multi.wall > 0 ? (double)r->multi.lat.n / r->multi.wall : 0.0;
	d.qps1_cpu = r->single.cpu > 0 ? (double)r->single.lat.n / r->single.cpu : 0.0;
	d.qpsn_cpu = r->multi.cpu > 0 ? (double)r->multi.lat.n / r->multi.cpu : 0.0;
	d.speedup_mix_cpu = d.qps1_cpu > 0 ? r->base.cpu_per_query * d.qps1_cpu : 0.0;
	d.speedup = r->base.engine_per_query > 0 ? r->base.per_query / r->base.engine_per_query : 0.0;
	d.speedup_cpu = r->base.engine_cpu_per_query > 0 ?
		r->base.cpu_per_query / r->base.engine_cpu_per_query : 0.0;
	d.cold_mib = (double)r->cold_files_rss / 1024.0;
	d.index_mib = (double)r->stats.memory_bytes / (1024.0 * 1024.0);
	/* Quantiles sort the samples: take the mean first (it does not care). */
	d.mean_1 = bench_samples_mean(&r->single.lat) * 1e6;
	d.p50_1 = bench_samples_quantile(&r->single.lat, 0.5) * 1e6;
	d.p99_1 = bench_samples_quantile(&r->single.lat, 0.99) * 1e6;
	d.p50_n = bench_samples_quantile(&r->multi.lat, 0.5) * 1e6;
	d.p99_n = bench_samples_quantile(&r->multi.lat, 0.99) * 1e6;
	return d;
}

/* Mean of `sum` seconds over n queries, in microseconds. */
static double per_us(double sum, size_t n)
{
	return n ? sum / (double)n * 1e6 : 0.0;
}

static void print_set_text(const list_set *set, set_result *r, const derived *d, const query_mix *mix)
{
	double mb = (double)set->bytes / 1e6;
	printf("\n== %s: %zu file%s, %.2f MB; %zu entities, %zu names, %zu distinct terms\n", set->name,
	       set->n_files, set->n_files == 1 ? "" : "s", mb, r->stats.entities, r->stats.names,
	       r->stats.vocabulary);
	printf("index build (em_screener_new)     best %8.1f ms   median %8.1f ms\n",
	       bench_samples_min(&r->build) * 1e3, bench_samples_quantile(&r->build, 0.5) * 1e3);
	printf("index load, fresh process         read %8.1f ms + build %7.1f ms = %8.1f ms  [%s < %.0f ms]\n",
	       r->cold_files[CV_LOAD] * 1e3, r->cold_files[CV_BUILD] * 1e3, d->load_cold_ms,
	       bench_mark(d->load_cold_ms < TARGET_LOAD_MS), TARGET_LOAD_MS);
	printf("index load, warm (best)           read %8.1f ms + build %7.1f ms = %8.1f ms  [%s < %.0f ms]\n",
	       bench_samples_min(&r->read) * 1e3, bench_samples_min(&r->build) * 1e3, d->load_warm_ms,
	       bench_mark(d->load_warm_ms < TARGET_LOAD_MS), TARGET_LOAD_MS);
	printf("from the store, fresh process     load %8.1f ms + build %7.1f ms = %8.1f ms\n",
	       r->cold_store[CV_LOAD] * 1e3, r->cold_store[CV_BUILD] * 1e3, d->store_cold_ms);
	printf("from the store, warm (best)       load %8.1f ms + build %7.1f ms = %8.1f ms\n",
	       bench_samples_min(&r->store_load) * 1e3, bench_samples_min(&r->build) * 1e3,
	       d->store_warm_ms);
	printf("first query after the build       %8.2f ms; first in another script %.2f ms (fresh process)\n",
	       r->cold_files[CV_FIRST_QUERY] * 1e3, r->cold_files[CV_FIRST_OTHER] * 1e3);
	printf("queries, 1 thread                 %8.0f q/s per CPU-second  [%s >= %.0f per core]; "
	       "wall %.0f q/s, p50 %.1f us, p99 %.1f us, mean %.1f us\n",
	       d->qps1_cpu, bench_mark(d->qps1_cpu >= TARGET_QPS_PER_CORE), TARGET_QPS_PER_CORE,
	       d->qps1, d->p50_1, d->p99_1, d->mean_1);
	printf("queries, %zu threads, one index    %8.0f q/s per CPU-second; wall %.0f q/s (%.0f per "
	       "thread), p50 %.1f us, p99 %.1f us\n",
	       r->multi.threads, d->qpsn_cpu, d->qpsn, d->qpsn / (double)r->multi.threads, d->p50_n,
	       d->p99_n);
	printf("queries with a match              %zu of %zu (positives %zu of %zu, negatives %zu of %zu)\n",
	       r->single.hits, mix->n, r->single.hits_pos, mix->n_positive,
	       r->single.hits - r->single.hits_pos, mix->n - mix->n_positive);
	const query_run *q = &r->single;
	size_t n = q->lat.n, n_other = n - q->n_ascii, n_neg = n - mix->n_positive;
	printf("1 thread, mean by query           ASCII %.1f us (%zu), other scripts %.1f us (%zu); "
	       "positives %.1f us, negatives %.1f us; %.0f names scored per query\n",
	       per_us(q->sum_ascii, q->n_ascii), q->n_ascii, per_us(q->sum_other, n_other), n_other,
	       per_us(q->sum_pos, mix->n_positive), per_us(q->sum_neg, n_neg),
	       n ? (double)q->candidates / (double)n : 0.0);
	for (size_t k = 0; k < N_SLOWEST && k < n; k++)
		printf("  slowest %zu: %7.2f ms, %6zu names scored: %s\n", k + 1, q->slowest_t[k] * 1e3,
		       q->slowest_cand[k], mix->q[q->slowest[k]]);
	printf("baseline: ICU + sorted tokens + Jaro-Winkler >= %.2f over %zu names, first %zu queries\n",
	       BASELINE_THRESHOLD, r->base.names, r->base.queries);
	printf("  normalizing the listed names    %8.1f ms\n", r->base.prep * 1e3);
	printf("  per query, CPU time: baseline %.3f ms, engine %.4f ms: speed-up %.0fx\n",
	       r->base.cpu_per_query * 1e3, r->base.engine_cpu_per_query * 1e3, d->speedup_cpu);
	printf("  per query, wall:     baseline %.3f ms, engine %.4f ms: speed-up %.0fx\n",
	       r->base.per_query * 1e3, r->base.engine_per_query * 1e3, d->speedup);
	/* The target judges this one: the same passes over 300 queries find the index warm in the
	 * processor's caches from the pass before, which no stream of different queries does. */
	printf("  against the engine's mean over the whole mix, each query once (CPU): %.4f ms, speed-up %.0fx  [%s >= %.0fx]\n",
	       d->qps1_cpu > 0 ? 1e3 / d->qps1_cpu : 0.0, d->speedup_mix_cpu,
	       bench_mark(d->speedup_mix_cpu >= TARGET_SPEEDUP), TARGET_SPEEDUP);
	printf("  queries with a match            baseline %zu, engine %zu\n", r->base.hits,
	       r->base.engine_hits);
	printf("memory: index %.1f MiB (em_screener_get_stats)\n", d->index_mib);
	printf("peak RSS, fresh process: lists read %.1f MiB; + index and %d queries %.1f MiB",
	       r->cold_files[CV_RSS_LISTS] / 1024.0, COLD_QUERIES, d->cold_mib);
	if (set->many)
		printf("  [%s < %.0f MB]", bench_mark(d->cold_mib < TARGET_ALL_MIB), TARGET_ALL_MIB);
	printf("\npeak RSS, fresh process from the store: lists loaded %.1f MiB; + index %.1f MiB\n",
	       r->cold_store[CV_RSS_LISTS] / 1024.0, (double)r->cold_store_rss / 1024.0);
}

static json_t *set_json(const list_set *set, set_result *r, const derived *d, const query_mix *mix)
{
	json_t *files = json_array();
	for (size_t i = 0; i < set->n_files; i++)
		json_array_append_new(files, json_string(set->files[i]->label));
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(set->name));
	json_object_set_new(o, "files", files);
	json_object_set_new(o, "bytes", json_integer((json_int_t)set->bytes));
	json_object_set_new(o, "index", json_pack("{s:i, s:i, s:i, s:i, s:f, s:f}", "entities",
		(json_int_t)r->stats.entities, "names", (json_int_t)r->stats.names, "vocabulary",
		(json_int_t)r->stats.vocabulary, "memory_bytes", (json_int_t)r->stats.memory_bytes,
		"build_best_ms", bench_samples_min(&r->build) * 1e3, "build_median_ms",
		bench_samples_quantile(&r->build, 0.5) * 1e3));
	json_object_set_new(o, "load_cold", json_pack("{s:f, s:f, s:f, s:f, s:f, s:i, s:i}", "read_ms",
		r->cold_files[CV_LOAD] * 1e3, "build_ms", r->cold_files[CV_BUILD] * 1e3, "total_ms",
		d->load_cold_ms, "first_query_ms", r->cold_files[CV_FIRST_QUERY] * 1e3,
		"first_other_script_query_ms", r->cold_files[CV_FIRST_OTHER] * 1e3,
		"lists_peak_rss_kb", (json_int_t)r->cold_files[CV_RSS_LISTS], "peak_rss_kb",
		(json_int_t)r->cold_files_rss));
	json_object_set_new(o, "load_warm", json_pack("{s:f, s:f, s:f}", "read_best_ms",
		bench_samples_min(&r->read) * 1e3, "build_best_ms", bench_samples_min(&r->build) * 1e3,
		"total_ms", d->load_warm_ms));
	json_object_set_new(o, "store_cold", json_pack("{s:f, s:f, s:f, s:i, s:i}", "load_ms",
		r->cold_store[CV_LOAD] * 1e3, "build_ms", r->cold_store[CV_BUILD] * 1e3, "total_ms",
		d->store_cold_ms, "lists_peak_rss_kb", (json_int_t)r->cold_store[CV_RSS_LISTS],
		"peak_rss_kb", (json_int_t)r->cold_store_rss));
	json_object_set_new(o, "store_warm", json_pack("{s:f, s:f}", "load_best_ms",
		bench_samples_min(&r->store_load) * 1e3, "total_ms", d->store_warm_ms));
	json_object_set_new(o, "single", json_pack("{s:f, s:f, s:f, s:f, s:f, s:i, s:i}", "qps",
		d->qps1, "qps_per_cpu_second", d->qps1_cpu, "p50_us", d->p50_1, "p99_us", d->p99_1, "mean_us", d->mean_1, "hits",
		(json_int_t)r->single.hits, "hits_positive", (json_int_t)r->single.hits_pos));
	const query_run *q = &r->single;
	size_t n = q->lat.n;
	json_t *slow = json_array();
	for (size_t k = 0; k < N_SLOWEST && k < n; k++)
		json_array_append_new(slow, json_pack("{s:s, s:f, s:i}", "query", mix->q[q->slowest[k]],
			"ms", q->slowest_t[k] * 1e3, "candidates", (json_int_t)q->slowest_cand[k]));
	json_t *single = json_object_get(o, "single");
	json_object_set_new(single, "ascii_queries", json_integer((json_int_t)q->n_ascii));
	json_object_set_new(single, "mean_us_ascii", json_real(per_us(q->sum_ascii, q->n_ascii)));
	json_object_set_new(single, "mean_us_other_scripts", json_real(per_us(q->sum_other, n - q->n_ascii)));
	json_object_set_new(single, "mean_us_positives", json_real(per_us(q->sum_pos, mix->n_positive)));
	json_object_set_new(single, "mean_us_negatives", json_real(per_us(q->sum_neg, n - mix->n_positive)));
	json_object_set_new(single, "candidates_per_query",
			    json_real(n ? (double)q->candidates / (double)n : 0.0));
	json_object_set_new(single, "slowest", slow);
	json_object_set_new(o, "multi", json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:i}", "threads",
		(json_int_t)r->multi.threads, "qps", d->qpsn, "qps_per_cpu_second", d->qpsn_cpu,
		"qps_per_thread",
		d->qpsn / (double)r->multi.threads, "p50_us", d->p50_n, "p99_us", d->p99_n, "hits",
		(json_int_t)r->multi.hits));
	json_object_set_new(o, "baseline", json_pack("{s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:i, s:i}",
		"queries", (json_int_t)r->base.queries, "names", (json_int_t)r->base.names, "prep_ms",
		r->base.prep * 1e3, "ms_per_query", r->base.per_query * 1e3, "engine_ms_per_query",
		r->base.engine_per_query * 1e3, "speedup", d->speedup, "cpu_ms_per_query",
		r->base.cpu_per_query * 1e3, "engine_cpu_ms_per_query", r->base.engine_cpu_per_query * 1e3,
		"speedup_cpu", d->speedup_cpu, "speedup_mix_cpu", d->speedup_mix_cpu,
		"hits", (json_int_t)r->base.hits, "engine_hits", (json_int_t)r->base.engine_hits));
	json_t *targets = json_pack("{s:b, s:b, s:b, s:b}", "qps_per_core",
		d->qps1_cpu >= TARGET_QPS_PER_CORE, "speedup", d->speedup_mix_cpu >= TARGET_SPEEDUP,
		"index_load_cold", d->load_cold_ms < TARGET_LOAD_MS, "index_load_warm",
		d->load_warm_ms < TARGET_LOAD_MS);
	if (set->many)
		json_object_set_new(targets, "all_lists_memory", json_boolean(d->cold_mib < TARGET_ALL_MIB));
	json_object_set_new(o, "targets", targets);
	return o;
}

static void usage(void)
{
	fputs("usage: bench_screen [options]\n"
	      "  --shared DIR          folder with data/ and eval/ (default: the build's EM_SHARED_DIR)\n"
	      "  --queries N           queries in the mix (default 20000; --quick: 2000)\n"
	      "  --threads N           threads sharing one index (default: the CPUs)\n"
	      "  --baseline-queries N  queries for the brute-force baseline (default 300; --quick: 30)\n"
	      "  --runs N              runs of each timed step, the best kept (default 3; --quick: 1)\n"
	      "  --set sdn|all         only one of the list sets\n"
	      "  --lists A,B           the second set holds the files whose path contains A or B,\n"
	      "                        instead of all (e.g. one version of each source)\n"
	      "  --seed N              seed of the query mix (default 42)\n"
	      "  --positive-pct N      share of the mix drawn from positives.tsv (default 10)\n"
	      "  --quick               a smoke run with small counts\n"
	      "  --json                print the figures as one JSON object\n",
	      stderr);
}

/*
 * "All lists together" means every source once, in its latest version: the shared folder also
 * holds four older SDN snapshots and a 2021 SDN set, which would only repeat the same names.
 * --lists '' takes every file that reads.
 */
#define ALL_SOURCES "sdn-2024-05-03,non-sdn/cons_prim,un/consolidated,us-csl,bis/"

static void parse_options(int argc, char **argv, options *o)
{
	*o = (options){EM_SHARED_DIR, NULL, ALL_SOURCES, 20000, bench_cpus(), 300, 3, 42, 10, false};
	bool quick = false, set_q = false, set_b = false, set_r = false;
	for (int i = 1; i < argc; i++) {
		if (bench_opt_str(argc, argv, &i, "--shared", &o->shared) ||
		    bench_opt_str(argc, argv, &i, "--set", &o->only_set) ||
		    bench_opt_str(argc, argv, &i, "--lists", &o->lists) ||
		    bench_opt_size(argc, argv, &i, "--threads", &o->threads, false) ||
		    bench_opt_size(argc, argv, &i, "--seed", &o->seed, true) ||
		    bench_opt_size(argc, argv, &i, "--positive-pct", &o->positive_pct, true))
			continue;
		if (bench_opt_size(argc, argv, &i, "--queries", &o->queries, false))
			set_q = true;
		else if (bench_opt_size(argc, argv, &i, "--baseline-queries", &o->baseline, false))
			set_b = true;
		else if (bench_opt_size(argc, argv, &i, "--runs", &o->runs, false))
			set_r = true;
		else if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--json"))
			o->json = true;
		else {
			usage();
			exit(2);
		}
	}
	if (quick) {
		o->queries = set_q ? o->queries : 2000;
		o->baseline = set_b ? o->baseline : 30;
		o->runs = set_r ? o->runs : 1;
	}
	if (o->baseline > o->queries)
		o->baseline = o->queries;
	if (o->positive_pct > 100 ||
	    (o->only_set && strcmp(o->only_set, "sdn") && strcmp(o->only_set, "all"))) {
		usage();
		exit(2);
	}
}

int main(int argc, char **argv)
{
	options o;
	parse_options(argc, argv, &o);
	char data_dir[4096];
	snprintf(data_dir, sizeof data_dir, "%s/data", o.shared);
	bench_list_files files;
	if (bench_list_files_find(&files, data_dir))
		return 1;
	query_mix mix = {0};
	build_mix(&mix, &o);

	/* The two sets: the SDN snapshot, and every list file that reads. */
	if (o.lists && !*o.lists)
		o.lists = NULL; /* --lists '': every file */
	list_set sets[2] = {{.name = "sdn-2024-05-03"},
			    {.name = !o.lists ? "every file" : !strcmp(o.lists, ALL_SOURCES) ? "all sources" : "selected",
			     .many = true}};
	for (size_t i = 0; i < files.count; i++)
		if (!strcmp(files.items[i].label, SDN_FILE)) {
			sets[0].files = xmalloc(sizeof *sets[0].files);
			sets[0].files[sets[0].n_files++] = &files.items[i];
			sets[0].bytes = files.items[i].bytes;
		}
	sets[1].files = xmalloc(files.count * sizeof *sets[1].files);
	for (size_t i = 0; i < files.count; i++) {
		if (o.lists && !bench_match_any(files.items[i].label, o.lists))
			continue;
		sets[1].files[sets[1].n_files++] = &files.items[i];
		sets[1].bytes += files.items[i].bytes;
	}
	if (!sets[1].n_files) {
		fprintf(stderr, "bench_screen: no list file in %s matches %s\n", data_dir, o.lists);
		return 1;
	}
	if (!sets[0].n_files) {
		fprintf(stderr, "bench_screen: %s/%s does not read\n", data_dir, SDN_FILE);
		return 1;
	}
	size_t first = o.only_set && !strcmp(o.only_set, "all") ? 1 : 0;
	size_t last = o.only_set && !strcmp(o.only_set, "sdn") ? 1 : 2;
	set_result res[2] = {0};

	/* Fresh processes first, while this one is small (see bench_in_child). */
	for (size_t k = first; k < last; k++) {
		if (!(sets[k].store_dir = bench_tempdir_new("embargo-bench-screen")))
			return 1;
		if (!o.json)
			fprintf(stderr, "%s: fresh processes\n", sets[k].name);
		measure_cold(&sets[k], &mix, o.runs, &res[k]);
	}
	for (size_t k = first; k < last; k++)
		measure_warm(&sets[k], &mix, &o, &res[k]);

	json_t *root = NULL;
	if (o.json)
		root = json_pack("{s:s, s:i, s:{s:i, s:i, s:i, s:i}, s:[]}", "benchmark", "screen",
				 "cpus", (json_int_t)bench_cpus(), "queries", "count", (json_int_t)mix.n,
				 "positives", (json_int_t)mix.n_positive, "seed", (json_int_t)o.seed,
				 "positive_pct", (json_int_t)o.positive_pct, "sets");
	else
		printf("bench_screen: %zu queries (%zu from positives.tsv, %zu from negatives.tsv, seed %zu), "
		       "%zu CPUs, %zu runs per build figure\n", mix.n, mix.n_positive,
		       mix.n - mix.n_positive, o.seed, bench_cpus(), o.runs);
	for (size_t k = first; k < last; k++) {
		derived d = derive(&res[k]);
		if (o.json)
			json_array_append_new(json_object_get(root, "sets"), set_json(&sets[k], &res[k], &d, &mix));
		else
			print_set_text(&sets[k], &res[k], &d, &mix);
	}
	long peak = bench_maxrss_kb();
	if (o.json) {
		json_object_set_new(root, "process_peak_rss_kb", json_integer(peak));
		char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		if (text)
			puts(text);
		free(text);
		json_decref(root);
	} else {
		printf("\npeak RSS of this benchmark process (both sets, baseline included): %.1f MiB\n",
		       (double)peak / 1024.0);
	}

	for (size_t k = 0; k < 2; k++) {
		bench_tempdir_remove(sets[k].store_dir);
		free(sets[k].store_dir);
		free(sets[k].files);
		free(sets[k].versions);
		bench_samples_free(&res[k].read);
		bench_samples_free(&res[k].build);
		bench_samples_free(&res[k].store_load);
		bench_samples_free(&res[k].single.lat);
		bench_samples_free(&res[k].multi.lat);
	}
	free_mix(&mix);
	bench_list_files_free(&files);
	return 0;
}
