/*
 * em_screen.h: party screening. An em_screener is an index over the names of one or more lists,
 * built once and then shared read-only by any number of threads. em_screen() finds the listed
 * persons, organizations, vessels and aircraft a query may be, scores them in [0, 1] and explains
 * each score: which query token met which listed token, how alike they were, how much each
 * weighed, and how the optional fields (type, date of birth, country, identifiers) moved it.
 */
#ifndef EMBARGO_EM_SCREEN_H
#define EMBARGO_EM_SCREEN_H

#include "em_lists.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default threshold: a score at or above it is an alert (see docs/scoring.md to tune it). */
#define EM_SCREEN_DEFAULT_THRESHOLD 0.84

typedef struct em_screener em_screener;

/*
 * Builds an index over every name of every entity in `lists`. The lists are borrowed: they must
 * outlive the screener. Thread-safe to use from many threads once built.
 */
int em_screener_new(em_screener **out, const em_list *const *lists, size_t n_lists);
void em_screener_free(em_screener *s);

typedef struct em_screener_stats {
	size_t entities;      /* entities indexed */
	size_t names;         /* names indexed (primary, aliases, original script) */
	size_t vocabulary;    /* distinct name tokens */
	size_t memory_bytes;  /* memory held by the index */
} em_screener_stats;

void em_screener_get_stats(const em_screener *s, em_screener_stats *out);

typedef struct em_query {
	const char *name;          /* the name to screen (any script), required */
	em_entity_type type;       /* EM_ENTITY_UNKNOWN when not known */
	const char *dob;           /* date or year of birth as text ("1962", "1962-05-01"), or NULL */
	const char *country;       /* country name or ISO 3166 code, or NULL */
	const char *const *ids;    /* identifiers (passport, tax ID, IMO, MMSI...), or NULL */
	size_t n_ids;
} em_query;

typedef struct em_screen_params {
	unsigned version;          /* EM_SCREEN_PARAMS_VERSION */
	double threshold;          /* minimum score (0 = EM_SCREEN_DEFAULT_THRESHOLD) */
	size_t limit;              /* maximum matches returned (0 = 10) */
} em_screen_params;

#define EM_SCREEN_PARAMS_VERSION 1
#define EM_SCREEN_PARAMS_INIT {EM_SCREEN_PARAMS_VERSION, 0.0, 0}

/* One aligned pair of tokens in an explanation. */
typedef struct em_token_match {
	const char *query_token;   /* normalized query token ("" for none) */
	const char *listed_token;  /* normalized listed token ("" for none) */
	double similarity;         /* 0..1 */
	double weight;             /* the pair's weight in the name score */
	const char *how;           /* "exact", "variant", "phonetic", "typo", "skeleton", "joined", "unmatched",
				      "translated" (an Arabic-script word and its English word), "truncated"
				      (the query's last word begins the listed word: a name cut short) */
} em_token_match;

typedef struct em_adjustment {
	const char *field;         /* "type", "dob", "country", "id", "weak_alias" */
	double effect;             /* added to the score (negative lowers it) */
	const char *reason;        /* human-readable */
} em_adjustment;

typedef struct em_match {
	const em_entity *entity;       /* the listed entity (owned by its list) */
	const char *matched_name;      /* the entity's name that matched best */
	em_name_kind matched_kind;     /* its kind (primary, aka...) */
	double score;                  /* final score, 0..1 */
	double name_score;             /* the name part alone */
	double query_coverage;         /* share of the query's weight matched */
	double name_coverage;          /* share of the listed name's weight matched */
	const em_token_match *tokens;  /* the alignment, query order, then unmatched listed tokens */
	size_t n_tokens;
	const em_adjustment *adjustments;
	size_t n_adjustments;
} em_match;

typedef struct em_result {
	const em_match *matches;   /* best first */
	size_t n_matches;
	size_t candidates;         /* names scored (for diagnostics) */
} em_result;

/*
 * Forgets what screening on this thread keeps from one query to the next (the romanizations of
 * the words it has seen, the knowledge words they resemble, and what each was found to match:
 * some 7 MiB a thread at most), so the next queries cost what they would the first time. For
 * benchmarks that screen the same queries again; screening itself never needs it, and answers
 * are the same either way.
 */
void em_screen_forget(void);

/* Screens one query. *out is freed with em_result_free. */
int em_screen(const em_screener *s, const em_query *q, const em_screen_params *params,
	      em_result **out);
void em_result_free(em_result *r);

/* The explanation of one match as a JSON object (caller frees). */
char *em_match_explanation_json(const em_match *m);

/*
 * One match as a compact JSON object (caller frees; NULL when out of memory):
 * {"source", "source_id", "name" (the entity's primary name), "matched_name", "score" (four
 * decimals), "type", "programs": [...], "explanation": em_match_explanation_json()}.
 * The command line, the HTTP API and the audit trail all render matches this way.
 */
char *em_match_json(const em_match *m);

/* The matches of a result, best first, as a JSON array of em_match_json() objects ("[]" for
 * none or a NULL result). Caller frees; NULL when out of memory. */
char *em_result_matches_json(const em_result *r);

#ifdef __cplusplus
}
#endif
#endif
