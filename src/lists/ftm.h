/*
 * ftm.h: the OpenSanctions FollowTheMoney reader with its counts, for tests and reports that
 * want to know how much of a file became entities (the list front end uses em_reader_ftm_json).
 */
#ifndef EMBARGO_LISTS_FTM_H
#define EMBARGO_LISTS_FTM_H

#include "reader.h"

typedef struct em_ftm_stats {
	size_t lines;    /* JSON objects read, one a line */
	size_t entities; /* lines of a party schema that became entities */
	size_t enriched; /* other lines and nested objects that added facts to an entity */
	size_t skipped;  /* other lines linked to no entity of the file, or of a schema not used */
} em_ftm_stats;

/* Reads ctx's bytes into ctx->list like the reader; *stats (may be NULL) gets the counts. */
int em_ftm_read(em_read_ctx *ctx, em_ftm_stats *stats);

#endif
