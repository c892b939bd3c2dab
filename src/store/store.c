/*
 * store.c: the backend-independent front of the list store. It picks the backend from the
 * URL, works out the default location, serializes entities before any transaction starts,
 * and holds the import policy (unchanged when the active version has the same hash, refused
 * when the entity count drops sharply) that every backend runs inside its import
 * transaction. Loading a version rebuilds the entities from their canonical JSON.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "model/model.h"

/* Default share of entities an import may lose against the active version. */
#define DEFAULT_MAX_DROP 0.2

void em_store_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

void em_store_now_ms(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!gmtime_r(&ts.tv_sec, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00");
	size_t n = strlen(out);
	snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

int em_store_default_url(char **out)
{
	*out = NULL;
	const char *v = env("EMBARGO_STORE");
	if (v) {
		*out = strdup(v);
		return *out ? 0 : em_fail(EM_ENOMEM, "out of memory");
	}
	em_buf dir = EM_BUF_INIT;
	int rc;
	if ((v = env("EMBARGO_HOME")))
		rc = em_buf_puts(&dir, v);
	else if ((v = env("XDG_DATA_HOME")))
		rc = em_buf_printf(&dir, "%s/embargo", v);
	else if ((v = env("HOME")))
		rc = em_buf_printf(&dir, "%s/.local/share/embargo", v);
	else
		return em_fail(EM_EINVAL, "no store location: set EMBARGO_STORE, EMBARGO_HOME or HOME");
	if (!rc)
		rc = em_mkdirs(dir.data);
	em_buf url = EM_BUF_INIT;
	if (!rc)
		rc = em_buf_printf(&url, "sqlite:%s/embargo.db", dir.data);
	em_buf_free(&dir);
	if (rc) {
		em_buf_free(&url);
		return rc;
	}
	*out = em_buf_detach(&url);
	return *out ? 0 : em_fail(EM_ENOMEM, "out of memory");
}

char *em_store_url_redact(const char *url)
{
	em_buf b = EM_BUF_INIT;
	const char *p = url;
	/* scheme://user:password@host */
	const char *scheme_end = strstr(url, "://");
	if (scheme_end) {
		const char *auth = scheme_end + 3;
		size_t auth_len = strcspn(auth, "/?#");
		const char *at = NULL;
		for (const char *q = auth; q < auth + auth_len; q++)
			if (*q == '@')
				at = q;
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			if (em_buf_append(&b, url, (size_t)(colon + 1 - url)) || em_buf_puts(&b, "***"))
				goto oom;
			p = at;
		}
	}
	/* password=... as a URL parameter or a libpq key=value pair */
	for (;;) {
		const char *k = p;
		while ((k = strstr(k, "password=")) != NULL) {
			if (k == url || k[-1] == '?' || k[-1] == '&' || k[-1] == ' ' || k[-1] == ';')
				break;
			k++;
		}
		if (!k)
			break;
		k += strlen("password=");
		if (em_buf_append(&b, p, (size_t)(k - p)) || em_buf_puts(&b, "***"))
			goto oom;
		p = k + strcspn(k, "& ;#");
	}
	if (em_buf_puts(&b, p))
		goto oom;
	return em_buf_detach(&b);
oom:
	em_buf_free(&b);
	return NULL;
}

/* Fails with a message that shows the URL without its password. */
static int url_fail(int code, const char *url, const char *why)
{
	char *shown = em_store_url_redact(url);
	em_fail(code, "store URL '%s': %s", shown ? shown : "(out of memory)", why);
	free(shown);
	return code;
}

int em_store_open(em_store **out, const char *url)
{
	*out = NULL;
	char *def = NULL;
	int rc;
	if (!url) {
		if ((rc = em_store_default_url(&def)))
			return rc;
		url = def;
	}
	const em_backend_ops *ops = NULL;
	const char *location = NULL;
	if (strncmp(url, "sqlite:", 7) == 0) {
		ops = &em_backend_sqlite;
		location = url + 7;
		/* sqlite:///abs/path and sqlite://rel/path, as other tools write them */
		if (strncmp(location, "//", 2) == 0)
			location += 2;
		if (!*location) {
			free(def);
			return url_fail(EM_EINVAL, url, "no file path after 'sqlite:'");
		}
	} else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		ops = &em_backend_pg;
		location = url; /* libpq reads the URL itself */
	} else {
		free(def);
		return url_fail(EM_EINVAL, url, "expected sqlite:PATH or postgresql://...");
	}
	em_store *s = calloc(1, sizeof *s);
	if (!s || !(s->url = em_store_url_redact(url))) {
		free(s);
		free(def);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	s->ops = ops;
	rc = ops->open(&s->db, location);
	free(def);
	if (rc) {
		em_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void em_store_free(em_store *s)
{
	if (!s)
		return;
	if (s->db)
		s->ops->close(s->db);
	free(s->url);
	free(s);
}

const char *em_store_url(const em_store *s)
{
	return s ? s->url : "";
}

/* --- version sets ---------------------------------------------------------------------- */

static void version_info_free(em_version_info *v)
{
	free((char *)v->source);
	free((char *)v->format);
	free((char *)v->sha256);
	free((char *)v->path);
	free((char *)v->retrieved_at);
	free((char *)v->imported_at);
	free((char *)v->published);
}

/* strdup that keeps NULL as NULL; sets *bad when a copy fails. */
static const char *dup_or_null(const char *s, int *bad)
{
	if (!s)
		return NULL;
	char *c = strdup(s);
	if (!c)
		*bad = 1;
	return c;
}

int em_version_set_add(em_version_set *set, const em_version_info *v)
{
	em_version_info *items = realloc(set->items, (set->count + 1) * sizeof *items);
	if (!items)
		return em_fail(EM_ENOMEM, "out of memory listing versions");
	set->items = items;
	em_version_info *c = &items[set->count];
	int bad = 0;
	*c = *v;
	c->source = dup_or_null(v->source ? v->source : "", &bad);
	c->format = dup_or_null(v->format ? v->format : "", &bad);
	c->sha256 = dup_or_null(v->sha256 ? v->sha256 : "", &bad);
	c->path = dup_or_null(v->path ? v->path : "", &bad);
	c->retrieved_at = dup_or_null(v->retrieved_at ? v->retrieved_at : "", &bad);
	c->imported_at = dup_or_null(v->imported_at ? v->imported_at : "", &bad);
	c->published = dup_or_null(v->published, &bad);
	if (bad) {
		version_info_free(c);
		return em_fail(EM_ENOMEM, "out of memory listing versions");
	}
	set->count++;
	return 0;
}

void em_version_set_free(em_version_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		version_info_free(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

int em_store_versions(em_store *s, int active_only, em_version_set *out)
{
	out->items = NULL;
	out->count = 0;
	em_version_filter f = {0, NULL, active_only};
	int rc = s->ops->versions(s->db, &f, out);
	if (rc)
		em_version_set_free(out);
	return rc;
}

/* --- import ---------------------------------------------------------------------------- */

typedef struct import_policy {
	const char *source;
	const char *sha256;
	size_t new_count;
	double max_drop;
	int force;
	size_t previous_count; /* OUT: entity count of the active version */
	int64_t previous_id;   /* OUT: its id */
} import_policy;

/* Runs inside the backend's write transaction: the decision sees what it is about to replace. */
static int import_check(void *ctx, const em_version_info *active)
{
	import_policy *p = ctx;
	if (!active)
		return 0;
	p->previous_count = active->entity_count;
	p->previous_id = active->id;
	if (strcmp(active->sha256, p->sha256) == 0)
		return EM_STORE_UNCHANGED;
	if (!p->force && (double)p->new_count < (1.0 - p->max_drop) * (double)active->entity_count) {
		double drop = 100.0 * (1.0 - (double)p->new_count / (double)active->entity_count);
		return em_fail(EM_EREFUSED,
			       "%s: the new list has %zu entities, the active version %lld has %zu "
			       "(%.1f%% fewer, more than the %.0f%% allowed); use --force to import it anyway",
			       p->source, p->new_count, (long long)active->id, active->entity_count, drop,
			       100.0 * p->max_drop);
	}
	return 0;
}

/* A built list has no file bytes: hash its canonical content so re-imports are recognised. */
static int content_sha256(em_store_row *rows, size_t n, char out[65])
{
	em_buf b = EM_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (em_buf_append(&b, rows[i].json, rows[i].json_len) || em_buf_putc(&b, '\n')) {
			em_buf_free(&b);
			return EM_ENOMEM;
		}
	em_sha256_hex(b.data ? b.data : "", b.len, out);
	em_buf_free(&b);
	return 0;
}

static void rows_free(em_store_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)rows[i].json);
	free(rows);
}

int em_store_import(em_store *s, const em_list *list, const em_import_options *opts,
		    em_import_result *result)
{
	em_import_options defaults = EM_IMPORT_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (result)
		memset(result, 0, sizeof *result);
	if (opts->version != EM_IMPORT_OPTIONS_VERSION)
		return em_fail(EM_EINVAL, "em_store_import: options version %u, expected %u",
			       opts->version, EM_IMPORT_OPTIONS_VERSION);
	double max_drop = opts->max_drop == 0.0 ? DEFAULT_MAX_DROP : opts->max_drop;
	if (!(max_drop > 0.0 && max_drop <= 1.0))
		return em_fail(EM_EINVAL, "em_store_import: max_drop %g is not in (0, 1]", opts->max_drop);
	const char *source = em_list_source(list);
	if (!*source)
		return em_fail(EM_EINVAL, "em_store_import: the list has no source name");
	size_t n = em_list_count(list);
	if (n == 0 && !opts->force)
		return em_fail(EM_EREFUSED, "%s: %s has no entities; use --force to import it anyway",
			       source, em_list_path(list));

	/* Serialize first, so the write transaction only inserts. */
	em_store_row *rows = calloc(n ? n : 1, sizeof *rows);
	if (!rows)
		return em_fail(EM_ENOMEM, "out of memory importing %zu entities", n);
	for (size_t i = 0; i < n; i++) {
		const em_entity *e = em_list_entity(list, i);
		char *json = em_entity_to_json(e);
		if (!json) {
			rows_free(rows, i);
			return em_fail(EM_ENOMEM, "out of memory importing entity %zu", i + 1);
		}
		if (!e->source_id) {
			free(json);
			rows_free(rows, i);
			return em_fail(EM_EINVAL, "%s: entity %zu has no list id", em_list_path(list), i + 1);
		}
		rows[i] = (em_store_row){e->source_id, em_entity_type_name(e->type),
					 e->n_names ? e->names[0].full : NULL, json, strlen(json)};
	}
	char sha[65];
	const char *list_sha = em_list_sha256(list);
	if (*list_sha) {
		snprintf(sha, sizeof sha, "%s", list_sha);
	} else if (content_sha256(rows, n, sha)) {
		rows_free(rows, n);
		return em_fail(EM_ENOMEM, "out of memory hashing %s", source);
	}
	char now[32];
	em_store_now(now);
	em_store_new_version v = {
		.source = source,
		.format = em_list_format(list),
		.sha256 = sha,
		.path = em_list_path(list),
		.retrieved_at = opts->retrieved_at ? opts->retrieved_at : now,
		.imported_at = now,
		.published = em_list_published(list),
		.rows = rows,
		.n_rows = n,
		.activate = !opts->no_activate,
	};
	import_policy policy = {source, sha, n, max_drop, opts->force, 0, 0};
	int64_t id = 0;
	int rc = s->ops->import(s->db, &v, import_check, &policy, &id);
	rows_free(rows, n);
	if (rc < 0)
		return rc;
	if (result) {
		result->version_id = id;
		result->unchanged = rc == EM_STORE_UNCHANGED;
		result->previous_count = policy.previous_count;
		result->previous_id = policy.previous_id;
	}
	return 0;
}

/* --- versions, entities, settings ------------------------------------------------------- */

static int version_get(em_store *s, int64_t id, em_version_set *out)
{
	out->items = NULL;
	out->count = 0;
	em_version_filter f = {id, NULL, 0};
	int rc = s->ops->versions(s->db, &f, out);
	if (!rc && out->count == 0)
		rc = em_fail(EM_ENOTFOUND, "no list version %lld in the store", (long long)id);
	if (rc)
		em_version_set_free(out);
	return rc;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int em_store_resolve_version(em_store *s, const char *ref, int64_t *id)
{
	*id = 0;
	if (!ref || !*ref)
		return em_fail(EM_EINVAL, "empty version reference");
	em_version_set set;
	int rc;
	long n;
	if (all_digits(ref)) {
		if (!em_parse_long(ref, &n) || n <= 0)
			return em_fail(EM_EINVAL, "version '%s': not a valid version id", ref);
		if ((rc = version_get(s, n, &set)))
			return rc;
		*id = set.items[0].id;
		em_version_set_free(&set);
		return 0;
	}
	const char *at = strrchr(ref, '@');
	char *source = strndup(ref, at ? (size_t)(at - ref) : strlen(ref));
	if (!source)
		return em_fail(EM_ENOMEM, "out of memory");
	if (at && (!em_parse_long(at + 1, &n) || n <= 0)) {
		free(source);
		return em_fail(EM_EINVAL, "version '%s': expected SOURCE@N with N = 1 for the first version",
			       ref);
	}
	em_version_filter f = {0, source, !at};
	set.items = NULL;
	set.count = 0;
	rc = s->ops->versions(s->db, &f, &set);
	if (!rc) {
		if (!at && set.count == 0)
			rc = em_fail(EM_ENOTFOUND, "no active version of list '%s' in the store", source);
		else if (at && (size_t)n > set.count)
			rc = em_fail(EM_ENOTFOUND, "list '%s' has %zu version(s) in the store, not %ld",
				     source, set.count, n);
		else /* newest first: the first imported is last */
			*id = at ? set.items[set.count - (size_t)n].id : set.items[0].id;
	}
	em_version_set_free(&set);
	free(source);
	return rc;
}

typedef struct load_ctx {
	em_list *list;
	int64_t version_id;
	size_t row;
} load_ctx;

static int load_row(void *ctx, const char *json, size_t len)
{
	load_ctx *c = ctx;
	c->row++;
	int rc = em_entity_from_json(c->list, json, len);
	if (rc)
		em_error_prefix("store version %lld, entity %zu", (long long)c->version_id, c->row);
	return rc;
}

int em_store_load_version(em_store *s, int64_t version_id, em_list **out)
{
	*out = NULL;
	em_version_set set;
	int rc = version_get(s, version_id, &set);
	if (rc)
		return rc;
	const em_version_info *v = &set.items[0];
	em_list *l = NULL;
	if (!(rc = em_list_new(&l, v->source, v->format)) &&
	    !(rc = em_list_set_meta(l, NULL, NULL, v->path, v->published))) {
		snprintf(l->sha256, sizeof l->sha256, "%s", v->sha256);
		load_ctx ctx = {l, version_id, 0};
		rc = s->ops->load(s->db, version_id, load_row, &ctx);
		if (!rc && ctx.row != v->entity_count)
			rc = em_fail(EM_ESTORE, "store version %lld: %zu entities stored, %zu recorded",
				     (long long)version_id, ctx.row, v->entity_count);
		if (!rc)
			rc = em_list_finish(l);
	}
	em_version_set_free(&set);
	if (rc) {
		em_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void em_active_lists_free(em_active_lists *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->lists && i < a->versions.count; i++)
		em_list_free(a->lists[i]);
	free(a->lists);
	a->lists = NULL;
	em_version_set_free(&a->versions);
}

int em_store_load_active(em_store *s, em_active_lists *out)
{
	out->lists = NULL;
	int rc = em_store_versions(s, 1, &out->versions);
	if (rc)
		return rc;
	if (!(out->lists = calloc(out->versions.count ? out->versions.count : 1, sizeof *out->lists))) {
		em_version_set_free(&out->versions);
		return em_fail(EM_ENOMEM, "out of memory loading the active lists");
	}
	for (size_t i = 0; i < out->versions.count; i++)
		if ((rc = em_store_load_version(s, out->versions.items[i].id, &out->lists[i]))) {
			em_active_lists_free(out);
			return rc;
		}
	return 0;
}

/* Reading several list files: each file on its own, on as many threads as there are cores. */
#define READ_ERROR_MAX 1024

typedef struct read_job {
	const char *const *paths;
	em_list **lists;
	int *rcs;
	char (*errors)[READ_ERROR_MAX];
	size_t n;
	atomic_size_t next;
} read_job;

static void *read_files(void *arg)
{
	read_job *job = arg;
	for (size_t i; (i = atomic_fetch_add(&job->next, 1)) < job->n;) {
		job->rcs[i] = em_list_read_file(&job->lists[i], job->paths[i], NULL);
		if (job->rcs[i])
			snprintf(job->errors[i], READ_ERROR_MAX, "%s", em_error_last()->message);
	}
	return NULL;
}

int em_active_lists_read(em_active_lists *out, const char *const *paths, size_t n)
{
	memset(out, 0, sizeof *out);
	if (!(out->lists = calloc(n ? n : 1, sizeof *out->lists)))
		return em_fail(EM_ENOMEM, "out of memory reading %zu lists", n);
	/* The files are independent: a server or a screening run starting on several lists waits
	 * for the largest, not for their sum. */
	int *rcs = calloc(n ? n : 1, sizeof *rcs);
	char (*errors)[READ_ERROR_MAX] = calloc(n ? n : 1, sizeof *errors);
	if (!rcs || !errors) {
		free(rcs);
		free(errors);
		em_active_lists_free(out);
		return em_fail(EM_ENOMEM, "out of memory reading %zu lists", n);
	}
	read_job job = {paths, out->lists, rcs, errors, n, 0};
	/* One thread per core beyond this one (which reads too), no more than files beyond the first. */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n_threads = cpus > 1 ? (size_t)cpus - 1 : 0;
	if (n_threads + 1 > n)
		n_threads = n ? n - 1 : 0;
	pthread_t threads[15];
	if (n_threads > sizeof threads / sizeof threads[0])
		n_threads = sizeof threads / sizeof threads[0];
	size_t started = 0;
	while (started < n_threads && pthread_create(&threads[started], NULL, read_files, &job) == 0)
		started++;
	read_files(&job);
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if ((rc = rcs[i]) != 0) {
			em_fail(rc, "%s", errors[i]); /* the first file that failed, in the order given */
			break;
		}
		em_list *l = out->lists[i];
		char when[32] = "";
		struct stat st;
		struct tm tm;
		if (stat(paths[i], &st) == 0 && gmtime_r(&st.st_mtime, &tm))
			strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		em_version_info v = {0, em_list_source(l), em_list_format(l), em_list_sha256(l), paths[i],
				     when, when, em_list_published(l), em_list_count(l), 1};
		rc = em_version_set_add(&out->versions, &v);
	}
	free(rcs);
	free(errors);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			em_list_free(out->lists[i]);
		free(out->lists);
		out->lists = NULL;
		em_version_set_free(&out->versions);
		return rc;
	}
	return 0;
}

int em_store_activate(em_store *s, int64_t version_id)
{
	return s->ops->activate(s->db, version_id);
}

int em_store_get_entity(em_store *s, const char *source, const char *source_id, char **json)
{
	*json = NULL;
	if (!source || !source_id)
		return em_fail(EM_EINVAL, "em_store_get_entity: source and id are required");
	return s->ops->get_entity(s->db, source, source_id, json);
}

int em_store_set_durability(em_store *s, int full)
{
	return s->ops->set_durability ? s->ops->set_durability(s->db, full) : 0;
}

int em_store_wait_change(em_store *s, int timeout_ms, int *changed)
{
	*changed = 0;
	if (timeout_ms < 0)
		timeout_ms = 0;
	if (s->ops->wait_change)
		return s->ops->wait_change(s->db, timeout_ms, changed);
	struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return 0;
}

int em_store_ping(em_store *s)
{
	return s->ops->ping ? s->ops->ping(s->db) : 0;
}

int em_store_meta_get(em_store *s, const char *key, char **value)
{
	*value = NULL;
	if (!key)
		return em_fail(EM_EINVAL, "em_store_meta_get: no key");
	return s->ops->meta_get(s->db, key, value);
}

int em_store_meta_set(em_store *s, const char *key, const char *value)
{
	if (!key || !value)
		return em_fail(EM_EINVAL, "em_store_meta_set: key and value are required");
	return s->ops->meta_set(s->db, key, value);
}
