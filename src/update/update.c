/*
 * update.c: `lists update` for one source: download every file of the source into a fresh
 * temporary folder, read the list completely, and only then hand it to em_store_import(), which
 * activates it in one transaction (or refuses a sharp drop in entities). Nothing reaches the
 * store before the whole list has been read, so a network failure, a cut or garbled file, or a
 * refused import leaves the active version as it was.
 *
 * Conditional requests: after a successful import the ETag and Last-Modified of each file are
 * kept in the store meta under "update:SOURCE:URL", together with the version they produced.
 * They are sent back only while that version is still the active one (a rollback or a failed
 * import must not turn into a "not modified"). When every file answers 304 the source is
 * unchanged; when only some do, those are fetched again without validators, because the reader
 * needs every file of the set.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "download.h"
#include "model/model.h"
#include "util/util.h"

void em_update_result_clear(em_update_result *r)
{
	if (!r)
		return;
	free(r->reason);
	memset(r, 0, sizeof *r);
}

/* The validators of one file as kept in the store meta. */
typedef struct validators {
	int64_t version;
	char *etag;
	char *last_modified;
} validators;

static void validators_free(validators *v)
{
	free(v->etag);
	free(v->last_modified);
	memset(v, 0, sizeof *v);
}

static int meta_key(em_buf *key, const em_source *src, const em_source_file *f)
{
	em_buf_clear(key);
	return em_buf_printf(key, "update:%s:%s", src->name, f->url);
}

/* Parses "version=N\netag=...\nlast-modified=...\n"; unknown or broken lines are ignored. */
static void validators_parse(validators *v, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		if (n > 8 && memcmp(text, "version=", 8) == 0) {
			char num[24];
			long val;
			if (n - 8 < sizeof num) {
				memcpy(num, text + 8, n - 8);
				num[n - 8] = '\0';
				if (em_parse_long(num, &val))
					v->version = val;
			}
		} else if (n > 5 && memcmp(text, "etag=", 5) == 0 && !v->etag) {
			v->etag = strndup(text + 5, n - 5);
		} else if (n > 14 && memcmp(text, "last-modified=", 14) == 0 && !v->last_modified) {
			v->last_modified = strndup(text + 14, n - 14);
		}
		text += n + (nl ? 1 : 0);
	}
}

/* Loads the validators of a file; a missing or unreadable entry just means "no validators". */
static void validators_load(em_store *store, const em_source *src, const em_source_file *f,
			    validators *v)
{
	em_buf key = EM_BUF_INIT;
	char *value = NULL;
	memset(v, 0, sizeof *v);
	if (!meta_key(&key, src, f) && em_store_meta_get(store, key.data, &value) == 0 && value)
		validators_parse(v, value);
	free(value);
	em_buf_free(&key);
}

static int validators_save(em_store *store, const em_source *src, const em_source_file *f,
			   int64_t version, const em_download *d)
{
	em_buf key = EM_BUF_INIT, value = EM_BUF_INIT;
	int rc = meta_key(&key, src, f);
	if (!rc)
		rc = em_buf_printf(&value, "version=%" PRId64 "\n", version);
	if (!rc && d->new_etag)
		rc = em_buf_printf(&value, "etag=%s\n", d->new_etag);
	if (!rc && d->new_last_modified)
		rc = em_buf_printf(&value, "last-modified=%s\n", d->new_last_modified);
	if (!rc)
		rc = em_store_meta_set(store, key.data, value.data);
	em_buf_free(&key);
	em_buf_free(&value);
	return rc;
}

/* The active version of a source (id 0 when there is none). */
static int active_version(em_store *store, const char *source, int64_t *id, size_t *count)
{
	em_version_set set = {0};
	*id = 0;
	*count = 0;
	int rc = em_store_versions(store, 1, &set);
	if (rc)
		return rc;
	for (size_t i = 0; i < set.count; i++) {
		if (set.items[i].source && strcmp(set.items[i].source, source) == 0) {
			*id = set.items[i].id;
			*count = set.items[i].entity_count;
			break;
		}
	}
	em_version_set_free(&set);
	return 0;
}

static void now_iso(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

/* The download folder: a fresh mkdtemp() folder that only this run writes to. */
static int make_folder(const em_update_options *opts, char *dir, size_t size)
{
	const char *base = opts->tmp_dir;
	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	if ((size_t)snprintf(dir, size, "%s/embargo-update-XXXXXX", base) >= size)
		return em_fail(EM_EINVAL, "%s: temporary folder path too long", base);
	if (!mkdtemp(dir))
		return em_fail(EM_EIO, "%s: cannot create a download folder: %s", dir, strerror(errno));
	return 0;
}

static void remove_folder(const char *dir, const em_source *src)
{
	char path[PATH_MAX];
	for (size_t i = 0; i < src->n_files; i++)
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, src->files[i].name) < sizeof path)
			unlink(path);
	rmdir(dir);
}

/*
 * For a source of several files the version's hash covers all of them, so a change in a
 * companion alone (a new alias in alt.csv) is not mistaken for "same bytes as before".
 */
static int set_set_hash(em_list *list, const em_source *src, const char *dir)
{
	if (src->n_files < 2)
		return 0;
	em_buf all = EM_BUF_INIT;
	char path[PATH_MAX], hex[65];
	int rc = 0;
	for (size_t i = 0; !rc && i < src->n_files; i++) {
		char *data;
		size_t len;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, src->files[i].name) >= sizeof path)
			rc = em_fail(EM_EINVAL, "%s: path too long", src->files[i].name);
		if (rc || (rc = em_file_read(path, &data, &len)))
			break;
		em_sha256_hex(data, len, hex);
		free(data);
		rc = em_buf_printf(&all, "%s %s\n", hex, src->files[i].name);
	}
	if (!rc)
		em_sha256_hex(all.data, all.len, list->sha256);
	em_buf_free(&all);
	return rc;
}

/* Downloads every file; on return dl[i] describes file i. */
static int fetch_all(em_store *store, const em_source *src, const em_update_options *opts,
		     const char *dir, int64_t active, em_download *dl, char (*paths)[PATH_MAX],
		     size_t *bytes, int *all_not_modified)
{
	int rc = 0;
	size_t n304 = 0;
	for (size_t i = 0; !rc && i < src->n_files; i++) {
		validators v = {0};
		if (active && !opts->no_conditional)
			validators_load(store, src, &src->files[i], &v);
		int use = active && v.version == active;
		dl[i].url = src->files[i].url;
		dl[i].path = paths[i];
		dl[i].etag = use ? v.etag : NULL;
		dl[i].last_modified = use ? v.last_modified : NULL;
		rc = em_download_file(&dl[i], opts);
		dl[i].etag = dl[i].last_modified = NULL;
		validators_free(&v);
		*bytes += dl[i].bytes;
		n304 += !rc && dl[i].not_modified;
	}
	*all_not_modified = !rc && n304 == src->n_files;
	/* Some files changed and some did not: the reader needs all of them, so fetch those again. */
	for (size_t i = 0; !rc && !*all_not_modified && i < src->n_files; i++) {
		if (!dl[i].not_modified)
			continue;
		rc = em_download_file(&dl[i], opts);
		*bytes += dl[i].bytes;
		if (!rc && dl[i].not_modified)
			rc = em_fail(EM_ENET, "%s: HTTP 304 to an unconditional request", dl[i].url);
	}
	return rc;
}

/*
 * The reader names the files it read, which were in the temporary folder, gone by the time
 * anyone reads the message: name the addresses they came from instead.
 */
static void name_urls(int code, const em_source *src, const char *dir)
{
	em_buf msg = EM_BUF_INIT, local = EM_BUF_INIT;
	const char *m = em_error_last()->message;
	while (*m) {
		size_t i = 0, n = 0;
		for (; i < src->n_files; i++) {
			em_buf_clear(&local);
			if (em_buf_printf(&local, "%s/%s", dir, src->files[i].name))
				break;
			n = local.len;
			if (strncmp(m, local.data, n) == 0)
				break;
		}
		int rc = i < src->n_files ? em_buf_puts(&msg, src->files[i].url) : em_buf_putc(&msg, *m);
		if (rc) {
			em_buf_free(&msg);
			em_buf_free(&local);
			return; /* out of memory: keep the message as it is */
		}
		m += i < src->n_files ? n : 1;
	}
	em_fail(code, "%s", msg.data ? msg.data : "");
	em_buf_free(&msg);
	em_buf_free(&local);
}

/* Records a failure; the reason leaves out the source name, which the caller already shows. */
static int fail(em_update_result *r, const em_source *src, int code)
{
	const char *m = em_error_last()->message;
	size_t n = src ? strlen(src->name) : 0;
	if (n && strncmp(m, src->name, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		m += n + 2;
	r->status = EM_UPDATE_FAILED;
	r->code = code;
	free(r->reason);
	r->reason = strdup(m);
	return code;
}

int em_update_source(em_store *store, const em_source *src, const em_update_options *opts,
		     em_update_result *r)
{
	static const em_update_options defaults = EM_UPDATE_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	memset(r, 0, sizeof *r);
	if (!store || !src || !src->n_files)
		return fail(r, NULL, em_fail(EM_EINVAL, "em_update_source: no store or no files"));

	int64_t active;
	size_t active_count;
	int rc = active_version(store, src->name, &active, &active_count);
	if (rc) {
		em_error_prefix("reading the active version");
		fail(r, src, rc);
		em_error_prefix("%s", src->name);
		return rc;
	}

	char dir[PATH_MAX];
	if ((rc = make_folder(opts, dir, sizeof dir))) {
		fail(r, src, rc);
		em_error_prefix("%s", src->name);
		return rc;
	}
	em_download *dl = calloc(src->n_files, sizeof *dl);
	char (*paths)[PATH_MAX] = calloc(src->n_files, sizeof *paths);
	em_list *list = NULL;
	int all_not_modified = 0;
	if (!dl || !paths)
		rc = em_fail(EM_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < src->n_files; i++)
		if ((size_t)snprintf(paths[i], PATH_MAX, "%s/%s", dir, src->files[i].name) >= PATH_MAX)
			rc = em_fail(EM_EINVAL, "%s: path too long", src->files[i].name);
	if (!rc)
		rc = fetch_all(store, src, opts, dir, active, dl, paths, &r->bytes, &all_not_modified);
	now_iso(r->retrieved_at);

	if (!rc && all_not_modified) {
		r->status = EM_UPDATE_UNCHANGED;
		r->not_modified = 1;
		r->version_id = active;
		r->entity_count = active_count;
		goto done;
	}
	if (!rc) {
		em_read_options ro = EM_READ_OPTIONS_INIT;
		ro.source = src->name;
		if ((rc = em_list_read_file(&list, paths[0], &ro)))
			name_urls(rc, src, dir);
	}
	if (!rc && src->format && strcmp(em_list_format(list), src->format) != 0)
		rc = em_fail(EM_EFORMAT, "%s: expected a '%s' list, the file is '%s'",
			     src->files[0].url, src->format, em_list_format(list));
	/* The version records where the list came from, not the temporary folder. */
	if (!rc)
		rc = em_list_set_meta(list, NULL, NULL, src->files[0].url, NULL);
	if (!rc)
		rc = set_set_hash(list, src, dir);
	if (!rc) {
		em_import_options io = EM_IMPORT_OPTIONS_INIT;
		em_import_result ir = {0};
		io.force = opts->force;
		io.max_drop = opts->max_drop;
		io.retrieved_at = r->retrieved_at[0] ? r->retrieved_at : NULL;
		rc = em_store_import(store, list, &io, &ir);
		if (!rc) {
			r->status = ir.unchanged ? EM_UPDATE_UNCHANGED : EM_UPDATE_UPDATED;
			r->version_id = ir.version_id;
			r->entity_count = em_list_count(list);
			r->previous_count = ir.previous_count;
			/*
			 * Validators only now, tied to the version they produced. Failing to keep
			 * them costs a full download next time, nothing more, so it is not an error.
			 */
			for (size_t i = 0; i < src->n_files; i++)
				validators_save(store, src, &src->files[i], ir.version_id, &dl[i]);
			em_error_clear();
		}
	}
done:
	if (rc) {
		fail(r, src, rc);
		em_error_prefix("%s", src->name);
	}
	em_list_free(list);
	for (size_t i = 0; dl && i < src->n_files; i++)
		em_download_clear(&dl[i]);
	free(dl);
	free(paths);
	remove_folder(dir, src);
	return rc;
}
