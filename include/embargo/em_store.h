/*
 * em_store.h: the list store: every imported list file becomes a list version (source, file
 * hash, retrieval time, entity count) with its entities; one version per source is active and
 * a new one is activated atomically. The store is chosen by a URL: "sqlite:PATH" (the embedded
 * default) or, for many nodes, a "postgresql://" connection string. One logical schema for
 * every backend, with versioned migrations applied on open.
 */
#ifndef EMBARGO_EM_STORE_H
#define EMBARGO_EM_STORE_H

#include "em_lists.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct em_store em_store;

/*
 * Opens (creating when needed) the store at `url`. NULL means: $EMBARGO_STORE if set, else
 * "sqlite:$EMBARGO_HOME/embargo.db", else "sqlite:$XDG_DATA_HOME/embargo/embargo.db" (XDG
 * default ~/.local/share).
 */
int em_store_open(em_store **out, const char *url);
void em_store_free(em_store *store);
/* The URL the store was opened with, with any password blanked. */
const char *em_store_url(const em_store *store);

typedef struct em_version_info {
	int64_t id;               /* version id, unique in the store, increasing */
	const char *source;       /* "ofac-sdn", "un", ... */
	const char *format;       /* reader that produced it */
	const char *sha256;       /* hex SHA-256 of the source bytes */
	const char *path;         /* file path or URL it came from */
	const char *retrieved_at; /* when the bytes were obtained, ISO 8601 UTC */
	const char *imported_at;  /* when the version was stored, ISO 8601 UTC */
	const char *published;    /* date the file states about itself, or NULL */
	size_t entity_count;      /* entities in the version */
	int active;               /* 1 when this is the active version of its source */
} em_version_info;

typedef struct em_version_set {
	em_version_info *items;   /* newest first */
	size_t count;
} em_version_set;

typedef struct em_import_options {
	unsigned version;         /* EM_IMPORT_OPTIONS_VERSION */
	int force;                /* 1: import even when the safety checks refuse */
	double max_drop;          /* refuse when entity count falls by more than this share (0 = 0.2) */
	const char *retrieved_at; /* ISO 8601 time the bytes were obtained (NULL = now) */
	int no_activate;          /* 1: store the version without activating it */
} em_import_options;

#define EM_IMPORT_OPTIONS_VERSION 1
#define EM_IMPORT_OPTIONS_INIT {EM_IMPORT_OPTIONS_VERSION, 0, 0.0, NULL, 0}

typedef struct em_import_result {
	int64_t version_id;       /* the new (or, when unchanged, the existing) version */
	int unchanged;            /* 1: the active version already has these exact bytes */
	size_t previous_count;    /* entity count of the version it replaced (0 if none) */
	int64_t previous_id;      /* the active version it was compared with (0 if none) */
} em_import_result;

/*
 * Stores `list` as a new version of its source and activates it, all in one transaction:
 * on any failure the previously active version stays active and nothing is left behind.
 * Refused with EM_EREFUSED (unless opts->force) when the entity count falls by more than
 * opts->max_drop against the active version of the same source.
 */
int em_store_import(em_store *store, const em_list *list, const em_import_options *opts,
		    em_import_result *result);

/* All versions (active_only: only the active ones), newest first. */
int em_store_versions(em_store *store, int active_only, em_version_set *out);
void em_version_set_free(em_version_set *set);

/*
 * Resolves a version reference: a version id ("12"), a source name for its active version
 * ("ofac-sdn"), or "SOURCE@N" for the N-th version of a source (1 = first imported).
 */
int em_store_resolve_version(em_store *store, const char *ref, int64_t *id);

/* Loads one stored version as a list (entities exactly as imported). */
int em_store_load_version(em_store *store, int64_t version_id, em_list **out);

/* The active version of every source, loaded: what a screener is built over. */
typedef struct em_active_lists {
	em_version_set versions;  /* the active versions, newest first */
	em_list **lists;          /* lists[i] holds versions.items[i]; versions.count of them */
} em_active_lists;

/* Loads every active version (an empty set when the store has none). */
int em_store_load_active(em_store *store, em_active_lists *out);

/*
 * Reads list files into the same shape, for screening without a store: each version has id
 * 0, the file's source, format, SHA-256, path and publication date, and its modification
 * time as retrieved_at and imported_at. Fails (nothing returned) if any file fails.
 */
int em_active_lists_read(em_active_lists *out, const char *const *paths, size_t n_paths);
void em_active_lists_free(em_active_lists *a); /* accepts NULL; frees the lists too */

/* Makes a stored version the active one of its source (e.g. to roll back). */
int em_store_activate(em_store *store, int64_t version_id);

/* The canonical JSON of one entity of the active version of `source`; caller frees. */
int em_store_get_entity(em_store *store, const char *source, const char *source_id, char **json);

/*
 * How commits wait for the disk on this connection. full (the default): a commit returns once
 * its data is on the disk, so it survives a power loss. Not full: a commit survives a crash of
 * the program but not of the machine, and the disk is flushed far less often (SQLite:
 * synchronous NORMAL in WAL mode). A backend that has no such choice ignores it.
 */
int em_store_set_durability(em_store *store, int full);

/*
 * Waits up to timeout_ms for a list version to be activated through another connection (any
 * node: PostgreSQL sends a notification when the activation commits). *changed is 1 when one
 * was announced, or when the connection was lost and re-established meanwhile (one may have
 * been missed: check the active versions); 0 when the time ran out. A store without such
 * notices (SQLite) just waits and answers 0: poll em_store_versions() instead. Fails with
 * EM_ESTORE while the database is unreachable (reconnecting on later calls).
 */
int em_store_wait_change(em_store *store, int timeout_ms, int *changed);

/* 0 when the store answers now (reconnecting first if needed), else EM_ESTORE with why. */
int em_store_ping(em_store *store);

/* Small key-value settings kept in the store (download validators, schedules...). */
int em_store_meta_get(em_store *store, const char *key, char **value); /* EM_ENOTFOUND if unset */
int em_store_meta_set(em_store *store, const char *key, const char *value);

#ifdef __cplusplus
}
#endif
#endif
