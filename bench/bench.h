/*
 * bench.h: what the benchmark programs share. A monotonic clock; samples summarized as best,
 * median and percentiles; the list files of the shared data folder (found by trying to read
 * each one, companions grouped with the list they belong to); running a phase in a child
 * process to learn that phase's own peak memory; temporary folders; option parsing. The
 * benchmarks use only the public API (include/embargo), so this file does too.
 */
#ifndef EMBARGO_BENCH_H
#define EMBARGO_BENCH_H

#include <stdbool.h>
#include <stddef.h>

/* Seconds on a monotonic clock. */
double bench_now(void);

/* A growing set of measurements (seconds, bytes...). */
typedef struct bench_samples {
	double *v;      /* the values, in the order added until a quantile sorts them */
	size_t n;       /* how many */
	size_t cap;     /* allocated */
} bench_samples;

/* Adds a value; exits the program when out of memory (a benchmark cannot go on without it). */
void bench_samples_add(bench_samples *s, double x);
double bench_samples_min(const bench_samples *s);
double bench_samples_mean(const bench_samples *s);
/* The q-quantile (0..1, nearest rank); sorts the values in place. 0 when empty. */
double bench_samples_quantile(bench_samples *s, double q);
void bench_samples_free(bench_samples *s);

/* One list as the benchmarks read it: a file that reads on its own, and its companions. */
typedef struct bench_list_file {
	char *path;          /* the file given to em_list_read_file */
	const char *label;   /* path below the data folder ("ofac/sdn-2021/sdn.csv"), points into path */
	char **companions;   /* files beside it that do not read alone (OFAC alt.csv, add.csv...) */
	size_t n_companions;
	size_t bytes;        /* size of the file and its companions together */
	size_t entities;     /* entities it reads as */
	char format[32];     /* detected format */
} bench_list_file;

typedef struct bench_list_files {
	bench_list_file *items; /* sorted by path */
	size_t count;
	char **skipped;         /* files that neither read nor sit beside a list that reads */
	size_t n_skipped;
} bench_list_files;

/*
 * Finds the lists in `data_dir` (recursively; README and hidden files left out) by reading
 * every file in a child process, so the caller's memory stays as small as it was. A file that
 * fails to read but sits in a folder with one that reads is taken as its companion. Returns 0,
 * or -1 with a message on stderr.
 */
int bench_list_files_find(bench_list_files *out, const char *data_dir);
void bench_list_files_free(bench_list_files *f);

/*
 * Runs fn(arg, vals, cap) in a forked child and waits for it. The child writes up to cap
 * numbers to vals and returns how many, or -1 on failure; they come back in vals and *n_vals.
 * *maxrss_kb is the child's peak resident set (getrusage ru_maxrss through wait4). A forked
 * child starts with every page its parent holds, so call this while the parent is still small.
 * Returns 0, or -1 when the child failed.
 */
typedef int (*bench_child_fn)(void *arg, double *vals, size_t cap);
int bench_in_child(bench_child_fn fn, void *arg, double *vals, size_t cap, size_t *n_vals,
		   long *maxrss_kb);

/* The peak resident set of this process so far, in KiB. */
long bench_maxrss_kb(void);

/*
 * Creates a fresh folder under $TMPDIR (or /tmp); returns a malloc'd path or NULL. A folder
 * still there when the process that made it exits is removed then.
 */
char *bench_tempdir_new(const char *prefix);
/* Removes the files in a folder made by bench_tempdir_new (one level deep) and the folder. */
void bench_tempdir_remove(const char *dir);

/*
 * Option parsing: when argv[*i] is `name`, reads the next argument as a count (> 0 unless
 * allow_zero) into *out, advances *i and returns true; exits with a message when the value is
 * missing or bad. Returns false when argv[*i] is another option.
 */
bool bench_opt_size(int argc, char **argv, int *i, const char *name, size_t *out, bool allow_zero);
/* The same for a string value. */
bool bench_opt_str(int argc, char **argv, int *i, const char *name, const char **out);

/* Whether text contains one of the comma-separated parts ("un/,bis/"). */
bool bench_match_any(const char *text, const char *parts);

/* "PASS" or "FAIL", for the target markers. */
const char *bench_mark(bool ok);

/* Number of online processors (at least 1). */
size_t bench_cpus(void);

#endif
