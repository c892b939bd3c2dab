/*
 * bench_lists.c: how fast list files are read and imported. For every list in the shared data
 * folder (OFAC SDN snapshots, the 2021 SDN set with its companion files, the non-SDN list, the
 * UN XML, the CSL sample, the BIS DPL) it times, best and median of N runs: the floor (reading
 * the bytes and hashing them with SHA-256, which any reader must do), em_list_read_file,
 * em_store_import into a fresh SQLite store in a temporary folder, and em_store_load_version
 * back out of it. Peak memory of each phase is measured in its own child process, before the
 * parent has read anything, so one phase's peak does not hide another's.
 *
 * usage: bench_lists [--shared DIR] [--runs N] [--only A,B...] [--quick] [--json]
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "embargo/em_lists.h"
#include "embargo/em_store.h"

enum { PH_FLOOR, PH_READ, PH_IMPORT, PH_LOAD, N_PHASES };
static const char *const phase_names[N_PHASES] = {"floor", "read", "import", "load"};

typedef struct file_result {
	bench_samples t[N_PHASES];  /* seconds per run */
	long rss_kb[N_PHASES];      /* peak resident set of the child that ran the phase once */
} file_result;

static void die_em(const char *what, const char *path)
{
	fprintf(stderr, "bench_lists: %s %s: %s\n", what, path, em_error_last()->message);
	exit(1);
}

/* The floor: reads one file whole into memory and hashes it, as a reader must. */
static int read_and_hash(const char *path, unsigned char digest[EVP_MAX_MD_SIZE])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	int rc = -1;
	char *data = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1)) &&
		    fread(data, 1, (size_t)size, f) == (size_t)size &&
		    EVP_Digest(data, (size_t)size, digest, NULL, EVP_sha256(), NULL))
			rc = 0;
	}
	free(data);
	fclose(f);
	return rc;
}

static int floor_once(const bench_list_file *f)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	int rc = read_and_hash(f->path, digest);
	for (size_t k = 0; !rc && k < f->n_companions; k++)
		rc = read_and_hash(f->companions[k], digest);
	return rc;
}

static em_list *read_list(const bench_list_file *f)
{
	em_list *l;
	if (em_list_read_file(&l, f->path, NULL))
		die_em("reading", f->path);
	if (em_list_count(l) != f->entities) {
		fprintf(stderr, "bench_lists: %s read as %zu entities, then %zu\n", f->path,
			f->entities, em_list_count(l));
		exit(1);
	}
	return l;
}

static em_store *open_store(const char *dir)
{
	char url[4200];
	snprintf(url, sizeof url, "sqlite:%s/store.db", dir);
	em_store *s;
	if (em_store_open(&s, url))
		die_em("opening store", url);
	return s;
}

static int64_t import_list(em_store *s, const em_list *l, const char *path)
{
	em_import_options io = EM_IMPORT_OPTIONS_INIT;
	em_import_result res;
	if (em_store_import(s, l, &io, &res))
		die_em("importing", path);
	return res.version_id;
}

static void load_version(em_store *s, int64_t id, const bench_list_file *f)
{
	em_list *l;
	if (em_store_load_version(s, id, &l))
		die_em("loading the stored version of", f->path);
	if (em_list_count(l) != f->entities) {
		fprintf(stderr, "bench_lists: %s loaded back as %zu entities, not %zu\n", f->path,
			em_list_count(l), f->entities);
		exit(1);
	}
	em_list_free(l);
}

/* --- peak memory: one phase in one child --- */

typedef struct child_arg {
	const bench_list_file *file;
	int phase;
	const char *store_dir;  /* PH_IMPORT writes the store there, PH_LOAD reads it */
	int64_t version_id;     /* for PH_LOAD */
} child_arg;

static int phase_child(void *arg, double *vals, size_t cap)
{
	const child_arg *a = arg;
	em_list *l = NULL;
	em_store *s = NULL;
	vals[0] = 0;
	switch (a->phase) {
	case PH_FLOOR:
		if (floor_once(a->file))
			return -1;
		break;
	case PH_READ:
		l = read_list(a->file);
		break;
	case PH_IMPORT:
		l = read_list(a->file);
		s = open_store(a->store_dir);
		vals[0] = (double)import_list(s, l, a->file->path);
		break;
	case PH_LOAD:
		s = open_store(a->store_dir);
		load_version(s, a->version_id, a->file);
		break;
	default: /* an idle child: the floor every figure stands on */
		break;
	}
	em_store_free(s);
	em_list_free(l);
	return 1;
}

static long measure_rss(child_arg *a, double *val)
{
	double vals[1];
	size_t n;
	long rss;
	if (bench_in_child(phase_child, a, vals, 1, &n, &rss) || n != 1) {
		fprintf(stderr, "bench_lists: the %s child for %s failed\n",
			a->phase < N_PHASES ? phase_names[a->phase] : "idle", a->file ? a->file->path : "-");
		exit(1);
	}
	if (val)
		*val = vals[0];
	return rss;
}

static void measure_memory(const bench_list_files *lists, file_result *res)
{
	for (size_t i = 0; i < lists->count; i++) {
		char *dir = bench_tempdir_new("embargo-bench-lists");
		if (!dir)
			exit(1);
		child_arg a = {&lists->items[i], PH_FLOOR, dir, 0};
		double vid = 0;
		for (a.phase = 0; a.phase < N_PHASES; a.phase++) {
			res[i].rss_kb[a.phase] = measure_rss(&a, &vid);
			if (a.phase == PH_IMPORT)
				a.version_id = (int64_t)vid;
		}
		bench_tempdir_remove(dir);
		free(dir);
	}
}

/* --- timing, in this process --- */

static void time_file(const bench_list_file *f, size_t runs, file_result *r)
{
	for (size_t k = 0; k < runs; k++) {
		double t0 = bench_now();
		if (floor_once(f)) {
			fprintf(stderr, "bench_lists: cannot read %s\n", f->path);
			exit(1);
		}
		bench_samples_add(&r->t[PH_FLOOR], bench_now() - t0);
	}
	em_list *keep = NULL;
	for (size_t k = 0; k < runs; k++) {
		double t0 = bench_now();
		em_list *l = read_list(f);
		bench_samples_add(&r->t[PH_READ], bench_now() - t0);
		em_list_free(keep);
		keep = l;
	}
	/* Each import goes into a store of its own, created fresh; the last one is loaded back. */
	char *dir = NULL;
	int64_t vid = 0;
	for (size_t k = 0; k < runs; k++) {
		bench_tempdir_remove(dir);
		free(dir);
		if (!(dir = bench_tempdir_new("embargo-bench-lists")))
			exit(1);
		em_store *s = open_store(dir);
		double t0 = bench_now();
		vid = import_list(s, keep, f->path);
		bench_samples_add(&r->t[PH_IMPORT], bench_now() - t0);
		em_store_free(s);
	}
	em_list_free(keep);
	em_store *s = open_store(dir);
	for (size_t k = 0; k < runs; k++) {
		double t0 = bench_now();
		load_version(s, vid, f);
		bench_samples_add(&r->t[PH_LOAD], bench_now() - t0);
	}
	em_store_free(s);
	bench_tempdir_remove(dir);
	free(dir);
}

/* --- report --- */

static double mib(long kb)
{
	return (double)kb / 1024.0;
}

static double rate(double amount, double seconds)
{
	return seconds > 0 ? amount / seconds : 0.0;
}

static void print_text(const bench_list_files *lists, file_result *res, size_t runs, long idle_kb)
{
	printf("bench_lists: %zu list files, %zu runs each (best / median), %zu CPUs\n\n",
	       lists->count, runs, bench_cpus());
	printf("%-36s %-8s %8s %7s | %8s | %8s %8s %7s %9s %6s\n", "reading", "format", "entities",
	       "MB", "floor ms", "read ms", "median", "MB/s", "ent/s", "xfloor");
	double tot_mb = 0, tot_floor = 0, tot_read = 0;
	size_t tot_ent = 0;
	for (size_t i = 0; i < lists->count; i++) {
		const bench_list_file *f = &lists->items[i];
		file_result *r = &res[i];
		double mb = (double)f->bytes / 1e6, fl = bench_samples_min(&r->t[PH_FLOOR]);
		double rd = bench_samples_min(&r->t[PH_READ]);
		printf("%-36s %-8s %8zu %7.2f | %8.2f | %8.2f %8.2f %7.1f %9.0f %6.1f\n", f->label,
		       f->format, f->entities, mb, fl * 1e3, rd * 1e3,
		       bench_samples_quantile(&r->t[PH_READ], 0.5) * 1e3, rate(mb, rd),
		       rate((double)f->entities, rd), fl > 0 ? rd / fl : 0.0);
		tot_mb += mb;
		tot_floor += fl;
		tot_read += rd;
		tot_ent += f->entities;
	}
	printf("%-36s %-8s %8zu %7.2f | %8.2f | %8.2f %8s %7.1f %9.0f %6.1f\n", "total (sum of best)",
	       "", tot_ent, tot_mb, tot_floor * 1e3, tot_read * 1e3, "", rate(tot_mb, tot_read),
	       rate((double)tot_ent, tot_read), tot_floor > 0 ? tot_read / tot_floor : 0.0);

	printf("\n%-36s %10s %8s %9s | %8s %8s %9s\n", "SQLite store (fresh per run)", "import ms",
	       "median", "ent/s", "load ms", "median", "ent/s");
	for (size_t i = 0; i < lists->count; i++) {
		const bench_list_file *f = &lists->items[i];
		file_result *r = &res[i];
		double im = bench_samples_min(&r->t[PH_IMPORT]), ld = bench_samples_min(&r->t[PH_LOAD]);
		printf("%-36s %10.1f %8.1f %9.0f | %8.1f %8.1f %9.0f\n", f->label, im * 1e3,
		       bench_samples_quantile(&r->t[PH_IMPORT], 0.5) * 1e3, rate((double)f->entities, im),
		       ld * 1e3, bench_samples_quantile(&r->t[PH_LOAD], 0.5) * 1e3,
		       rate((double)f->entities, ld));
	}

	printf("\n%-36s %8s %8s %8s %8s   (one child per phase; an idle child peaks at %.1f MiB)\n",
	       "peak RSS, MiB", "floor", "read", "+import", "load", mib(idle_kb));
	for (size_t i = 0; i < lists->count; i++) {
		file_result *r = &res[i];
		printf("%-36s %8.1f %8.1f %8.1f %8.1f\n", lists->items[i].label, mib(r->rss_kb[PH_FLOOR]),
		       mib(r->rss_kb[PH_READ]), mib(r->rss_kb[PH_IMPORT]), mib(r->rss_kb[PH_LOAD]));
	}
	for (size_t i = 0; i < lists->n_skipped; i++)
		printf("skipped (does not read as a list): %s\n", lists->skipped[i]);
}

static json_t *samples_json(bench_samples *s)
{
	return json_pack("{s:f, s:f, s:i}", "best_ms", bench_samples_min(s) * 1e3, "median_ms",
			 bench_samples_quantile(s, 0.5) * 1e3, "runs", (json_int_t)s->n);
}

static void print_json(const bench_list_files *lists, file_result *res, size_t runs, long idle_kb)
{
	json_t *files = json_array();
	for (size_t i = 0; i < lists->count; i++) {
		const bench_list_file *f = &lists->items[i];
		file_result *r = &res[i];
		double mb = (double)f->bytes / 1e6, rd = bench_samples_min(&r->t[PH_READ]);
		json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:f, s:f}", "file", f->label, "format",
				      f->format, "entities", (json_int_t)f->entities, "bytes",
				      (json_int_t)f->bytes, "companions", (json_int_t)f->n_companions,
				      "read_mb_per_s", rate(mb, rd), "read_entities_per_s",
				      rate((double)f->entities, rd));
		json_object_set_new(o, "import_entities_per_s",
				    json_real(rate((double)f->entities, bench_samples_min(&r->t[PH_IMPORT]))));
		json_object_set_new(o, "load_entities_per_s",
				    json_real(rate((double)f->entities, bench_samples_min(&r->t[PH_LOAD]))));
		for (int p = 0; p < N_PHASES; p++) {
			json_t *ph = samples_json(&r->t[p]);
			json_object_set_new(ph, "peak_rss_kb", json_integer(r->rss_kb[p]));
			json_object_set_new(o, phase_names[p], ph);
		}
		json_array_append_new(files, o);
	}
	json_t *skipped = json_array();
	for (size_t i = 0; i < lists->n_skipped; i++)
		json_array_append_new(skipped, json_string(lists->skipped[i]));
	json_t *root = json_pack("{s:s, s:i, s:i, s:i, s:o, s:o}", "benchmark", "lists", "runs",
				 (json_int_t)runs, "cpus", (json_int_t)bench_cpus(), "idle_rss_kb",
				 (json_int_t)idle_kb, "files", files, "skipped", skipped);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	if (text)
		puts(text);
	free(text);
	json_decref(root);
}

static void usage(void)
{
	fputs("usage: bench_lists [--shared DIR] [--runs N] [--only A,B...] [--quick] [--json]\n"
	      "  --shared DIR  folder with data/ (default: the build's EM_SHARED_DIR)\n"
	      "  --runs N      timed runs per figure (default 5; --quick: 1)\n"
	      "  --only A,B    only the list files whose path contains A or B\n"
	      "  --json        print the figures as one JSON object\n",
	      stderr);
}

int main(int argc, char **argv)
{
	const char *shared = EM_SHARED_DIR, *only = NULL;
	size_t runs = 5;
	bool json = false, quick = false, runs_set = false;
	for (int i = 1; i < argc; i++) {
		if (bench_opt_str(argc, argv, &i, "--shared", &shared) ||
		    bench_opt_str(argc, argv, &i, "--only", &only))
			continue;
		if (bench_opt_size(argc, argv, &i, "--runs", &runs, false)) {
			runs_set = true;
			continue;
		}
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--quick"))
			quick = true;
		else {
			usage();
			return 2;
		}
	}
	if (quick && !runs_set)
		runs = 1;

	char data_dir[4096];
	snprintf(data_dir, sizeof data_dir, "%s/data", shared);
	bench_list_files lists;
	if (bench_list_files_find(&lists, data_dir))
		return 1;
	/* Keep only the files asked for; the rest are freed with the set. */
	size_t kept = 0;
	for (size_t i = 0; i < lists.count; i++) {
		if (only && !bench_match_any(lists.items[i].label, only))
			continue;
		bench_list_file t = lists.items[kept];
		lists.items[kept++] = lists.items[i];
		lists.items[i] = t;
	}
	size_t all = lists.count;
	lists.count = kept;
	if (!kept) {
		fprintf(stderr, "bench_lists: no list file in %s%s%s\n", data_dir,
			only ? " matches " : "", only ? only : "");
		lists.count = all;
		bench_list_files_free(&lists);
		return 1;
	}

	file_result *res = calloc(kept, sizeof *res);
	if (!res)
		return 1;
	/* Memory first, while this process has read nothing. */
	child_arg idle = {NULL, N_PHASES, NULL, 0};
	long idle_kb = measure_rss(&idle, NULL);
	measure_memory(&lists, res);
	for (size_t i = 0; i < kept; i++) {
		if (!json)
			fprintf(stderr, "timing %s\n", lists.items[i].label);
		time_file(&lists.items[i], runs, &res[i]);
	}
	if (json)
		print_json(&lists, res, runs, idle_kb);
	else
		print_text(&lists, res, runs, idle_kb);

	for (size_t i = 0; i < kept; i++)
		for (int p = 0; p < N_PHASES; p++)
			bench_samples_free(&res[i].t[p]);
	free(res);
	lists.count = all;
	bench_list_files_free(&lists);
	return 0;
}
