/*
 * common.c: the helpers of bench.h. Peak memory is measured per phase by forking: the kernel
 * keeps one high-water mark per process, so a phase run in its own child reports only itself
 * (plus the small parent it was forked from).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "embargo/em_lists.h"

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q) {
		fprintf(stderr, "bench: out of memory\n");
		exit(2);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

void bench_samples_add(bench_samples *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = x;
}

double bench_samples_min(const bench_samples *s)
{
	double m = s->n ? s->v[0] : 0.0;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] < m)
			m = s->v[i];
	return m;
}

double bench_samples_mean(const bench_samples *s)
{
	double sum = 0.0;
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	return s->n ? sum / (double)s->n : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_samples_quantile(bench_samples *s, double q)
{
	if (!s->n)
		return 0.0;
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	/* Nearest rank: the smallest value with at least q of the samples at or below it. */
	double rank = q * (double)s->n;
	size_t k = (size_t)rank;
	if ((double)k < rank)
		k++;
	return s->v[k ? k - 1 : 0];
}

void bench_samples_free(bench_samples *s)
{
	free(s->v);
	*s = (bench_samples){0};
}

/* --- finding the list files --- */

typedef struct path_vec {
	char **v;
	size_t n, cap;
} path_vec;

static void path_vec_push(path_vec *p, char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = s;
}

static int walk(const char *dir, path_vec *out)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "bench: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		if (name[0] == '.' || (len > 3 && !strcmp(name + len - 3, ".md")))
			continue;
		char path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
			continue;
		struct stat st;
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			rc = walk(path, out);
		else if (S_ISREG(st.st_mode))
			path_vec_push(out, xstrdup(path));
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? 0 : (size_t)st.st_size;
}

static bool same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;
	return la == lb && !strncmp(a, b, la);
}

typedef struct probe_arg {
	char **paths;
	size_t n;
} probe_arg;

/* In the child: whether each file reads, and how many entities it holds. */
static int probe_child(void *arg, double *vals, size_t cap)
{
	const probe_arg *p = arg;
	if (cap < 2 * p->n)
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		em_list *l = NULL;
		int ok = em_list_read_file(&l, p->paths[i], NULL) == 0;
		vals[2 * i] = ok;
		vals[2 * i + 1] = ok ? (double)em_list_count(l) : 0.0;
		em_list_free(l);
	}
	return (int)(2 * p->n);
}

/* The format of a file from its first bytes, read without growing the heap. */
static void detect_format(const char *path, char *out, size_t cap)
{
	char head[8192];
	size_t n = 0;
	FILE *f = fopen(path, "rb");
	if (f) {
		n = fread(head, 1, sizeof head, f);
		fclose(f);
	}
	const char *fmt = em_list_detect_format(head, n);
	snprintf(out, cap, "%s", fmt ? fmt : "?");
}

int bench_list_files_find(bench_list_files *out, const char *data_dir)
{
	*out = (bench_list_files){0};
	path_vec all = {0};
	if (walk(data_dir, &all))
		goto fail;
	qsort(all.v, all.n, sizeof *all.v, cmp_str);
	double *vals = xrealloc(NULL, 2 * all.n * sizeof *vals);
	size_t n_vals = 0;
	long rss;
	probe_arg pa = {all.v, all.n};
	int rc = bench_in_child(probe_child, &pa, vals, 2 * all.n, &n_vals, &rss);
	if (rc || n_vals != 2 * all.n) {
		free(vals);
		fprintf(stderr, "bench: reading the files of %s failed\n", data_dir);
		goto fail;
	}
	size_t prefix = strlen(data_dir) + 1;
	out->items = xrealloc(NULL, all.n * sizeof *out->items);
	for (size_t i = 0; i < all.n; i++) {
		if (!vals[2 * i])
			continue;
		bench_list_file *f = &out->items[out->count++];
		*f = (bench_list_file){.path = xstrdup(all.v[i]), .entities = (size_t)vals[2 * i + 1]};
		f->label = f->path + (strlen(f->path) > prefix ? prefix : 0);
		f->bytes = file_size(f->path);
		detect_format(f->path, f->format, sizeof f->format);
	}
	for (size_t i = 0; i < all.n; i++) {
		if (vals[2 * i])
			continue;
		bool companion = false;
		for (size_t k = 0; k < out->count; k++) {
			bench_list_file *f = &out->items[k];
			if (!same_dir(f->path, all.v[i]))
				continue;
			f->companions = xrealloc(f->companions, (f->n_companions + 1) * sizeof *f->companions);
			f->companions[f->n_companions++] = xstrdup(all.v[i]);
			f->bytes += file_size(all.v[i]);
			companion = true;
		}
		if (!companion) {
			out->skipped = xrealloc(out->skipped, (out->n_skipped + 1) * sizeof *out->skipped);
			out->skipped[out->n_skipped++] = xstrdup(all.v[i]);
		}
	}
	free(vals);
	for (size_t i = 0; i < all.n; i++)
		free(all.v[i]);
	free(all.v);
	return 0;
fail:
	for (size_t i = 0; i < all.n; i++)
		free(all.v[i]);
	free(all.v);
	bench_list_files_free(out);
	return -1;
}

void bench_list_files_free(bench_list_files *f)
{
	for (size_t i = 0; i < f->count; i++) {
		for (size_t k = 0; k < f->items[i].n_companions; k++)
			free(f->items[i].companions[k]);
		free(f->items[i].companions);
		free(f->items[i].path);
	}
	free(f->items);
	for (size_t i = 0; i < f->n_skipped; i++)
		free(f->skipped[i]);
	free(f->skipped);
	*f = (bench_list_files){0};
}

/* --- child processes --- */

static bool write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

int bench_in_child(bench_child_fn fn, void *arg, double *vals, size_t cap, size_t *n_vals,
		   long *maxrss_kb)
{
	*n_vals = 0;
	*maxrss_kb = 0;
	int fds[2];
	if (pipe(fds)) {
		perror("bench: pipe");
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		int n = fn(arg, vals, cap);
		bool ok = n >= 0 && (size_t)n <= cap && write_all(fds[1], vals, (size_t)n * sizeof *vals);
		close(fds[1]);
		fflush(stdout);
		fflush(stderr);
		_exit(ok ? 0 : 1);
	}
	close(fds[1]);
	/* Read before waiting: a child blocked on a full pipe would never exit. */
	size_t got = 0, want = cap * sizeof *vals;
	char *buf = (char *)vals;
	for (;;) {
		ssize_t r = read(fds[0], buf + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == want)
			break;
	}
	close(fds[0]);
	int status = 0;
	struct rusage ru;
	pid_t w;
	while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	if (w != pid) {
		perror("bench: wait4");
		return -1;
	}
	*maxrss_kb = ru.ru_maxrss;
	*n_vals = got / sizeof *vals;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

long bench_maxrss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_maxrss;
}

/* --- temporary folders --- */

/*
 * The folders not removed yet, so that a benchmark that stops on an error (exit) leaves none
 * behind. Only the process that made a folder removes it: a child exiting must not take away
 * its parent's store.
 */
static struct {
	char *path;
	pid_t owner;
} live_dirs[16];

static void remove_files_and_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char path[PATH_MAX];
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < sizeof path)
				unlink(path);
		}
		closedir(d);
	}
	if (rmdir(dir))
		fprintf(stderr, "bench: could not remove %s: %s\n", dir, strerror(errno));
}

static void remove_live_dirs(void)
{
	for (size_t i = 0; i < sizeof live_dirs / sizeof *live_dirs; i++)
		if (live_dirs[i].path && live_dirs[i].owner == getpid())
			remove_files_and_dir(live_dirs[i].path);
}

char *bench_tempdir_new(const char *prefix)
{
	static bool registered;
	if (!registered)
		registered = atexit(remove_live_dirs) == 0;
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix) >=
	    sizeof path)
		return NULL;
	if (!mkdtemp(path)) {
		fprintf(stderr, "bench: mkdtemp %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *dir = xstrdup(path);
	for (size_t i = 0; i < sizeof live_dirs / sizeof *live_dirs; i++)
		if (!live_dirs[i].path) {
			live_dirs[i].path = dir;
			live_dirs[i].owner = getpid();
			break;
		}
	return dir;
}

void bench_tempdir_remove(const char *dir)
{
	if (!dir)
		return;
	for (size_t i = 0; i < sizeof live_dirs / sizeof *live_dirs; i++)
		if (live_dirs[i].path == dir)
			live_dirs[i].path = NULL;
	remove_files_and_dir(dir);
}

/* --- options --- */

bool bench_match_any(const char *text, const char *parts)
{
	for (const char *p = parts; *p;) {
		size_t n = strcspn(p, ",");
		char part[256];
		if (n && n < sizeof part) {
			memcpy(part, p, n);
			part[n] = '\0';
			if (strstr(text, part))
				return true;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

bool bench_opt_str(int argc, char **argv, int *i, const char *name, const char **out)
{
	if (strcmp(argv[*i], name))
		return false;
	if (*i + 1 >= argc) {
		fprintf(stderr, "bench: %s needs a value\n", name);
		exit(2);
	}
	*out = argv[++*i];
	return true;
}

bool bench_opt_size(int argc, char **argv, int *i, const char *name, size_t *out, bool allow_zero)
{
	const char *s;
	if (!bench_opt_str(argc, argv, i, name, &s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || (!allow_zero && v == 0) || v > 100000000ULL) {
		fprintf(stderr, "bench: %s: '%s' is not a valid count\n", name, s);
		exit(2);
	}
	*out = (size_t)v;
	return true;
}

const char *bench_mark(bool ok)
{
	return ok ? "PASS" : "FAIL";
}

size_t bench_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}
