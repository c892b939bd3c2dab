/*
 * em_lists.h: reading sanctions and export-control list files into entities.
 *
 * A list file is read completely or not at all: a truncated or malformed file fails with
 * EM_EPARSE or EM_ETRUNCATED and a message naming the file, line and field, and no partial
 * list is returned. The format is detected from the content, never from the file name.
 *
 * Formats: "ofac-csv" (OFAC SDN sdn.csv and non-SDN cons_prim.csv, with alt/add/comments files
 * read from beside them), "un-xml" (UN Security Council Consolidated List), "csl-csv" and
 * "csl-json" (US Consolidated Screening List), "bis-dpl" (BIS Denied Persons List, tab
 * separated), "ftm-json" (OpenSanctions FollowTheMoney JSON lines), "eu-xml" (EU financial
 * sanctions files XML), "uk-csv" (UK HM Treasury / OFSI consolidated list CSV).
 */
#ifndef EMBARGO_EM_LISTS_H
#define EMBARGO_EM_LISTS_H

#include "em_entity.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct em_list em_list;

typedef struct em_read_options {
	unsigned version;       /* EM_READ_OPTIONS_VERSION */
	const char *format;     /* force a format by name instead of detecting it, or NULL */
	const char *source;     /* override the source name ("ofac-sdn"...), or NULL */
	int no_companions;      /* 1: do not read OFAC alt/add/comments files from beside the file */
} em_read_options;

#define EM_READ_OPTIONS_VERSION 1
#define EM_READ_OPTIONS_INIT {EM_READ_OPTIONS_VERSION, NULL, NULL, 0}

/* Reads a list file (format detected). On success *out owns every entity. */
int em_list_read_file(em_list **out, const char *path, const em_read_options *opts);

/*
 * Reads a list from memory. `name` is used in error messages and, like a path, may hint the
 * source; no companion files are read. The bytes are copied as needed and may be freed after.
 */
int em_list_read_memory(em_list **out, const char *name, const void *data, size_t len,
			const em_read_options *opts);

/* Detects the format of a list from its first bytes; returns the format name or NULL. */
const char *em_list_detect_format(const void *data, size_t len);

/* An empty list for building entities by hand (the store loads versions this way). */
int em_list_new(em_list **out, const char *source, const char *format);

void em_list_free(em_list *list);

size_t em_list_count(const em_list *list);                    /* number of entities */
const em_entity *em_list_entity(const em_list *list, size_t i); /* i < count, else NULL */
const char *em_list_source(const em_list *list);   /* "ofac-sdn", "un", ... */
const char *em_list_format(const em_list *list);   /* detected format name */
const char *em_list_sha256(const em_list *list);   /* hex SHA-256 of the bytes read ("" if built) */
const char *em_list_path(const em_list *list);     /* the path or name it was read from */
/* The publication date or time the file states about itself (UN dateGenerated...), or NULL. */
const char *em_list_published(const em_list *list);

/* Finds an entity by its list id; NULL if absent. */
const em_entity *em_list_find(const em_list *list, const char *source_id);

/* Entity counts by type: out[EM_ENTITY_UNKNOWN..EM_ENTITY_AIRCRAFT]. */
void em_list_count_types(const em_list *list, size_t out[5]);

#ifdef __cplusplus
}
#endif
#endif
