/*
 * em_audit.h: the audit trail, alerts and case decisions, kept in the store.
 *
 * Every screening (HTTP API, command-line batch, re-screening) is recorded append-only: who
 * asked, when, on which node, the query, the list versions screened against and the matches
 * returned. A match at or above the alert threshold opens an alert, which an analyst decides:
 * a true match, or a false positive with a reason. Decisions are recorded append-only too.
 *
 * Screenings that carry a customer reference also keep the customer (its query fields) and its
 * current matches, so that:
 * - a match for a customer and listed entity that already has an open alert joins that alert
 *   instead of opening another ("pending");
 * - a decided false positive for the same customer and entity is not raised again
 *   ("suppressed"), and a decided true match is not raised again ("confirmed"), unless the
 *   listed entry changed since: the SHA-256 of its canonical JSON (em_entity_to_json) differs;
 * - a re-screening (only_changed) alerts only on matches that are new for the customer or whose
 *   listed entry changed since the customer's previous screening.
 * Without a customer reference every match at or above the threshold opens an alert.
 *
 * Goods screenings (em_goods.h: an order line) are recorded in the same trail with kind
 * "goods": the order line as the query, the party list versions and the goods tables as the
 * lists, the goods result (risk, rule, flags) as the results. They open no alerts and keep no
 * customer.
 *
 * Times are ISO 8601 UTC with milliseconds ("2024-05-03T14:05:09.123Z").
 */
#ifndef EMBARGO_EM_AUDIT_H
#define EMBARGO_EM_AUDIT_H

#include "em_screen.h"
#include "em_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A list version a screening used. */
typedef struct em_list_ref {
	const char *source;  /* "ofac-sdn" */
	int64_t version_id;  /* the store's version id, or 0 for a file read outside the store */
	const char *sha256;  /* hex SHA-256 of the list's bytes */
} em_list_ref;

/* What became of one match of a recorded screening. */
typedef enum em_alert_outcome {
	EM_OUTCOME_NONE = 0,    /* below the alert threshold, or unchanged (only_changed) */
	EM_OUTCOME_OPENED,      /* a new alert */
	EM_OUTCOME_PENDING,     /* joined the open alert for this customer and entity */
	EM_OUTCOME_SUPPRESSED,  /* decided false positive for this customer and the same entry */
	EM_OUTCOME_CONFIRMED,   /* decided true match for this customer and the same entry */
} em_alert_outcome;

/* "none", "opened", "pending", "suppressed", "confirmed". */
const char *em_alert_outcome_name(em_alert_outcome outcome);

typedef struct em_alert_ref {
	em_alert_outcome outcome; /* see above */
	int64_t alert_id;         /* the alert opened, joined or deciding; 0 for NONE */
} em_alert_ref;

/* One screening to record: a party (the default) or a goods screening (kind "goods"). */
typedef struct em_screening {
	unsigned version;            /* EM_SCREENING_VERSION */
	const char *who;             /* the API key's name, or "cli" */
	const char *channel;         /* "api", "cli" or "rescreen" */
	const char *node;            /* the node that screened (NULL: this host's name) */
	const char *customer_ref;    /* the caller's customer reference, or NULL */
	const em_query *query;       /* what was screened (party; NULL for goods) */
	const em_result *result;     /* what was found, or NULL for nothing */
	const char *results_json;    /* em_result_matches_json(result) if already made, or NULL;
					goods: em_goods_result_json() (required) */
	double threshold;            /* the screening threshold used (0: the default) */
	double alert_threshold;      /* matches at or above it alert (0: EM_SCREEN_DEFAULT_THRESHOLD) */
	int only_changed;            /* 1: alert only on matches new or changed for the customer */
	const em_list_ref *lists;    /* the list versions screened against */
	size_t n_lists;
	int64_t id;                  /* OUT: the audit record's id */
	em_alert_ref *alerts;        /* OUT, or NULL: one per match of result, in its order */
	/* since version 2: */
	const char *kind;            /* "party" (NULL means party) or "goods" */
	const char *query_json;      /* goods: the order line, em_goods_line_json() (required) */
	const char *tables_json;     /* goods: em_goods_tables_json(), recorded after `lists`, or NULL */
	size_t n_findings;           /* goods: the result's flags, recorded as match_count */
} em_screening;

#define EM_SCREENING_VERSION 2
#define EM_SCREENING_INIT {EM_SCREENING_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
			   0.0, 0.0, 0, NULL, 0, 0, NULL, NULL, NULL, NULL, 0}

/*
 * Records `n` screenings, opens their alerts and updates their customers, all in one
 * transaction (a server gathers concurrent screenings into one call). The matches' entities
 * must still be alive (their lists not freed). On failure nothing is recorded.
 */
int em_audit_record(em_store *store, em_screening *const *items, size_t n);

/* One recorded screening, as em_audit_scan() hands it out. */
typedef struct em_audit_entry {
	int64_t id;               /* increasing */
	const char *screened_at;  /* ISO 8601 UTC with milliseconds */
	const char *who;          /* key name or "cli" */
	const char *channel;      /* "api", "cli", "rescreen" */
	const char *node;         /* the node that screened */
	const char *customer_ref; /* or NULL */
	const char *query_json;   /* {"name", "type", "dob", "country", "ids"} (absent fields left out);
				     goods: the order line */
	const char *lists_json;   /* [{"source", "version_id", "sha256"}]; goods: then the tables
				     [{"source", "version"}] */
	const char *results_json; /* the matches, as em_result_matches_json(); goods: the result */
	double threshold;         /* the screening threshold used */
	size_t match_count;       /* number of matches; goods: number of flags */
	const char *kind;         /* "party" or "goods" */
} em_audit_entry;

/* Receives each entry; a non-zero return stops the scan and is returned. */
typedef int (*em_audit_fn)(void *ctx, const em_audit_entry *entry);

/*
 * Calls fn for every screening recorded from `from` to `to`, both included, oldest first.
 * Each bound is NULL (open), a date "2024-05-03" (from its first to its last millisecond) or a
 * time "2024-05-03T14:05:09Z" (fractions of a second allowed). EM_EINVAL for other text.
 */
int em_audit_scan(em_store *store, const char *from, const char *to, em_audit_fn fn, void *ctx);

typedef enum em_alert_status {
	EM_STATUS_OPEN = 0,          /* waiting for a decision */
	EM_STATUS_TRUE_MATCH,        /* the customer is the listed party */
	EM_STATUS_FALSE_POSITIVE,    /* the customer is not the listed party */
} em_alert_status;

/* "open", "true_match", "false_positive". */
const char *em_alert_status_name(em_alert_status status);
/* The inverse of em_alert_status_name(); -1 for anything else. */
int em_alert_status_parse(const char *name);

typedef struct em_alert {
	int64_t id;                /* increasing */
	int64_t screening_id;      /* the audit record that opened it */
	const char *opened_at;     /* ISO 8601 UTC */
	const char *customer_ref;  /* or NULL */
	const char *query_name;    /* the name screened */
	const char *source;        /* the listed entity: its list */
	const char *source_id;     /* its id in the list */
	const char *entity_name;   /* its primary name */
	const char *entity_hash;   /* SHA-256 of its canonical JSON when the alert opened */
	int64_t list_version_id;   /* the version it was listed in (0: a file outside the store) */
	double score;              /* the match's score */
	em_alert_status status;    /* open or the decision */
	const char *decided_at;    /* NULL while open */
	const char *decided_by;    /* key name or "cli"; NULL while open */
	const char *reason;        /* the analyst's reason, or NULL */
} em_alert;

typedef struct em_alert_set {
	em_alert *items; /* newest first */
	size_t count;
} em_alert_set;

/* Which alerts em_alerts_list() returns; zero fields do not filter. */
typedef struct em_alert_filter {
	int64_t id;               /* only this alert */
	int status;               /* an em_alert_status, or -1 for any */
	const char *customer_ref; /* only this customer's */
	int64_t before_id;        /* only ids below this (paging, newest first) */
	size_t limit;             /* at most this many (0: 100) */
} em_alert_filter;

#define EM_ALERT_FILTER_INIT {0, -1, NULL, 0, 0}

int em_alerts_list(em_store *store, const em_alert_filter *filter, em_alert_set *out);
/* Counts of open, true-match and false-positive alerts: out[em_alert_status]. */
int em_alerts_count(em_store *store, size_t out[3]);
void em_alert_set_free(em_alert_set *set); /* accepts NULL; empties the set */

/*
 * Decides an open alert: EM_STATUS_TRUE_MATCH or EM_STATUS_FALSE_POSITIVE (which needs a
 * non-empty reason), by `who`. EM_ENOTFOUND for no such alert, EM_EREFUSED when it is already
 * decided (the decision stands: the trail is append-only).
 */
int em_alert_decide(em_store *store, int64_t alert_id, em_alert_status decision,
		    const char *reason, const char *who);

/* A stored customer: the query fields of its latest screening. */
typedef struct em_customer {
	const char *ref;               /* the caller's reference, unique */
	const char *name;
	const char *type;              /* or NULL */
	const char *dob;               /* or NULL */
	const char *country;           /* or NULL */
	const char *const *ids;        /* identifiers */
	size_t n_ids;
	const char *last_screened_at;  /* ISO 8601 UTC */
} em_customer;

typedef struct em_customer_set {
	em_customer *items; /* by reference, ascending */
	size_t count;
} em_customer_set;

/* Up to `limit` customers whose reference sorts after `after` (NULL: from the first). */
int em_customers_page(em_store *store, const char *after, size_t limit, em_customer_set *out);
void em_customer_set_free(em_customer_set *set); /* accepts NULL; empties the set */

#ifdef __cplusplus
}
#endif
#endif
