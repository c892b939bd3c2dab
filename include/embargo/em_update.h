/*
 * em_update.h: downloading the official list files and importing them into the store.
 *
 * The download addresses live in one configuration file (data/sources.conf, described in
 * docs/lists-update.md): one section per source naming its reader format and its files. An
 * update of a source downloads every file of the source into a fresh temporary folder, reads
 * the list completely, and only then imports it with em_store_import(); any failure on the way
 * (network, HTTP status, size or time limit, truncated or malformed file, a refused entity-count
 * drop) leaves the previously active version active. Download validators (ETag, Last-Modified)
 * are kept in the store's meta table per URL and sent back, so an unchanged list costs one
 * conditional request.
 */
#ifndef EMBARGO_EM_UPDATE_H
#define EMBARGO_EM_UPDATE_H

#include "em_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- the sources configuration --------------------------------------------------------- */

typedef struct em_source_file {
	const char *name;   /* file name in the download folder, as the reader expects ("sdn.csv") */
	const char *url;    /* http:// or https:// address */
} em_source_file;

typedef struct em_source {
	const char *name;             /* section name, the store's source name ("ofac-sdn") */
	const char *format;           /* reader format the file must have ("ofac-csv"), or NULL */
	const char *description;      /* one line for people, or NULL */
	int enabled;                  /* 0: skipped unless asked for by name */
	const em_source_file *files;  /* files[0] is the list file; the rest are companions */
	size_t n_files;               /* at least 1 */
} em_source;

typedef struct em_sources em_sources;

/* Reads a sources file; errors name the file, the line and the key. */
int em_sources_load(em_sources **out, const char *path);
/* Parses sources text from memory; `name` is used in error messages. */
int em_sources_parse(em_sources **out, const char *name, const char *text, size_t len);
void em_sources_free(em_sources *sources);

/*
 * The sources file to use when none is given: $EMBARGO_SOURCES if set and not empty, else the
 * path compiled in at build time (the source tree's data/sources.conf unless configured).
 */
const char *em_sources_default_path(void);

size_t em_sources_count(const em_sources *sources);
const em_source *em_sources_get(const em_sources *sources, size_t i); /* i < count, else NULL */
const em_source *em_sources_find(const em_sources *sources, const char *name); /* NULL if absent */
/* The file's `rescreen_after_update = yes|no` (given before the first section): 1, 0, or -1 when
 * the file does not say. */
int em_sources_rescreen_after_update(const em_sources *sources);

/* --- updating ------------------------------------------------------------------------- */

typedef struct em_update_options {
	unsigned version;           /* EM_UPDATE_OPTIONS_VERSION */
	int force;                  /* 1: import even when the entity-count check refuses */
	double max_drop;            /* passed to em_store_import (0 = the store's default) */
	long connect_timeout_ms;    /* to establish a connection (0 = 30 s) */
	long timeout_ms;            /* whole transfer of one file, redirects included (0 = 600 s) */
	long low_speed_bytes;       /* abort when slower than this many bytes per second... (0 = 1024) */
	long low_speed_time_s;      /* ...for this many seconds (0 = 60, never above the timeout) */
	size_t max_bytes;           /* largest accepted file, after decompression (0 = 512 MiB) */
	long max_redirects;         /* redirects followed per file (0 = 5; -1 = none) */
	const char *tmp_dir;        /* where download folders are made (NULL = $TMPDIR or /tmp) */
	int no_conditional;         /* 1: do not send stored validators (always download) */
} em_update_options;

#define EM_UPDATE_OPTIONS_VERSION 1
#define EM_UPDATE_OPTIONS_INIT {EM_UPDATE_OPTIONS_VERSION, 0, 0.0, 0, 0, 0, 0, 0, 0, NULL, 0}

typedef enum em_update_status {
	EM_UPDATE_FAILED = 0,       /* nothing changed in the store; see code and reason */
	EM_UPDATE_UPDATED = 1,      /* a new version was imported and activated */
	EM_UPDATE_UNCHANGED = 2,    /* the server said 304, or the bytes equal the active version */
} em_update_status;

typedef struct em_update_result {
	em_update_status status;
	int code;                   /* FAILED: the EM_E* code, else 0 */
	char *reason;               /* FAILED: why (malloc'd, freed by em_update_result_clear) */
	int not_modified;           /* UNCHANGED: 1 when every file was answered 304 */
	int64_t version_id;         /* UPDATED: the new version; UNCHANGED: the active one */
	size_t entity_count;        /* entities in that version */
	size_t previous_count;      /* UPDATED: entities in the version it replaced (0 if none) */
	size_t bytes;               /* bytes downloaded for this source (all files) */
	char retrieved_at[24];      /* ISO 8601 UTC time the files were obtained, or "" */
} em_update_result;

/*
 * Downloads, reads and imports one source. Returns 0 when the source was updated or is
 * unchanged, else a negative code with em_error_last() and result->reason saying why; the
 * active version of the source is then untouched. `result` is always filled; release it with
 * em_update_result_clear().
 */
int em_update_source(em_store *store, const em_source *source, const em_update_options *opts,
		     em_update_result *result);
void em_update_result_clear(em_update_result *result);

#ifdef __cplusplus
}
#endif
#endif
