/*
 * backend.h: the interface between the store front (store.c) and one database backend
 * (store_sqlite.c now, a libpq backend later). The operations are high-level on purpose: each
 * one is a complete unit of work with its own transaction, so a backend can use whatever
 * locking its database offers (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE)
 * and the front never builds SQL. Policy (what counts as unchanged, when to refuse an
 * import) lives in the front and reaches the backend as a callback run inside the import
 * transaction, so every backend applies the same rules on the same snapshot.
 *
 * Every backend keeps the same logical schema (see README.md in this folder): list_versions,
 * entities, meta and schema_migrations (migration 1); api_keys, screenings, alerts,
 * alert_decisions, customers and customer_matches (migration 2); screenings.kind (migration 3);
 * the same numbered migrations.
 */
#ifndef EMBARGO_STORE_BACKEND_H
#define EMBARGO_STORE_BACKEND_H

#include "embargo/em_audit.h"
#include "embargo/em_keys.h"
#include "embargo/em_store.h"
#include "util/util.h"

typedef struct em_backend em_backend; /* one open connection, defined by each backend */

/* One entity ready to store: serialized by the front before the transaction starts. */
typedef struct em_store_row {
	const char *source_id;    /* the entity's list id, never NULL */
	const char *type;         /* em_entity_type_name() */
	const char *primary_name; /* names[0].full, or NULL */
	const char *json;         /* em_entity_to_json() text */
	size_t json_len;          /* strlen(json) */
} em_store_row;

/* A version to insert, with its entities in list order. */
typedef struct em_store_new_version {
	const char *source;       /* list source ("ofac-sdn") */
	const char *format;       /* reader name */
	const char *sha256;       /* hex SHA-256 */
	const char *path;         /* file path or URL */
	const char *retrieved_at; /* ISO 8601 UTC */
	const char *imported_at;  /* ISO 8601 UTC */
	const char *published;    /* or NULL */
	const em_store_row *rows; /* the entities */
	size_t n_rows;
	int activate;             /* 1: make it the active version of its source */
} em_store_new_version;

/*
 * Called by import() inside its write transaction with the active version of the source
 * (NULL when there is none). Returns 0 to go on, EM_STORE_UNCHANGED to stop without writing
 * anything, or a negative code (with its message set) to roll back and fail.
 */
#define EM_STORE_UNCHANGED 1
typedef int (*em_store_import_check)(void *ctx, const em_version_info *active);

/* Which versions versions() returns; zero fields do not filter. */
typedef struct em_version_filter {
	int64_t id;          /* only this version (0: any) */
	const char *source;  /* only this source (NULL: any) */
	int active_only;     /* 1: only active versions */
} em_version_filter;

/* Receives each stored entity's JSON in list order; a non-zero return stops the load. */
typedef int (*em_store_row_fn)(void *ctx, const char *json, size_t len);

/* --- audit trail, alerts, customers, keys ------------------------------------------------ */

/* A match at or above the alert threshold, ready to store. */
typedef struct em_store_alert_row {
	const char *source;       /* the listed entity's list */
	const char *source_id;    /* its id there */
	const char *entity_name;  /* its primary name */
	const char *entity_hash;  /* hex SHA-256 of its canonical JSON */
	int64_t list_version_id;  /* 0: a file outside the store (stored as NULL) */
	double score;
	em_alert_ref result;      /* OUT: what the policy decided, and the alert id */
} em_store_alert_row;

/* One screening ready to store: serialized by the front before the transaction starts. */
typedef struct em_store_screening_row {
	const char *kind;         /* "party" or "goods" (goods rows have no customer and no alerts) */
	const char *screened_at;  /* ISO 8601 UTC with milliseconds */
	const char *who, *channel, *node;
	const char *customer_ref; /* NULL: no customer is kept */
	const char *query_name;   /* the customer's fields (query_json holds them too) */
	const char *query_type, *query_dob, *query_country; /* or NULL */
	const char *query_ids_json; /* JSON array of strings */
	const char *query_json, *lists_json, *results_json;
	double threshold;
	size_t match_count;
	int only_changed;
	em_store_alert_row *alerts; /* in match order */
	size_t n_alerts;
	int64_t id;               /* OUT: the screening's id */
} em_store_screening_row;

/* What the store holds about one customer and listed entity when an alert row is recorded. */
typedef struct em_store_prior {
	const char *match_hash;       /* entity hash of the customer's previous match, or NULL */
	int64_t alert_id;             /* the customer's latest alert for the entity, 0 if none */
	em_alert_status alert_status; /* its status */
	const char *alert_hash;       /* its entity hash */
} em_store_prior;

/*
 * The alert policy, run by record() inside its transaction for each alert row of a screening
 * with a customer reference (rows without one always open an alert).
 */
typedef em_alert_outcome (*em_store_alert_policy)(const em_store_screening_row *s,
						  const em_store_alert_row *a,
						  const em_store_prior *prior);

typedef struct em_backend_ops {
	const char *name; /* "sqlite" */
	/* Opens the database at `location` (backend-specific: a path, a connection string),
	 * creating it and applying pending migrations in one transaction. */
	int (*open)(em_backend **out, const char *location);
	void (*close)(em_backend *db); /* accepts NULL */
	/* In one write transaction: runs check() on the active version of v->source, inserts the
	 * version and its rows, activates it when v->activate. *id gets the new version id, or
	 * the active one when check() answered EM_STORE_UNCHANGED (then returns that value). */
	int (*import)(em_backend *db, const em_store_new_version *v, em_store_import_check check,
		      void *ctx, int64_t *id);
	/* Versions matching the filter, newest first, appended to *out (em_version_set_add). */
	int (*versions)(em_backend *db, const em_version_filter *f, em_version_set *out);
	/* Streams the entities of a version, in list order. */
	int (*load)(em_backend *db, int64_t version_id, em_store_row_fn row, void *ctx);
	/* Makes the version the only active one of its source (EM_ENOTFOUND if no such id). */
	int (*activate)(em_backend *db, int64_t version_id);
	/* JSON of entity source_id in the active version of source (malloc'd); EM_ENOTFOUND. */
	int (*get_entity)(em_backend *db, const char *source, const char *source_id, char **json);
	int (*meta_get)(em_backend *db, const char *key, char **value); /* EM_ENOTFOUND if unset */
	int (*meta_set)(em_backend *db, const char *key, const char *value);

	/* In one write transaction, for each row: inserts the screening (row->id gets its id);
	 * with a customer reference, upserts the customer, asks policy() about each alert row
	 * (with the customer's previous match and latest alert for that entity), inserts an alert
	 * when it answers OPENED (a->result.alert_id gets the new id, else the prior alert's),
	 * and replaces the customer's matches with the alert rows. */
	int (*record)(em_backend *db, em_store_screening_row *rows, size_t n, em_store_alert_policy policy);
	/* Screenings with from <= screened_at <= to (full-precision bounds, NULL: open), oldest
	 * first; stops at fn's first non-zero return and returns it. */
	int (*audit_scan)(em_backend *db, const char *from, const char *to, em_audit_fn fn, void *ctx);
	/* Alerts matching the filter, newest first, appended with em_alert_set_add. */
	int (*alerts)(em_backend *db, const em_alert_filter *f, em_alert_set *out);
	int (*alerts_count)(em_backend *db, size_t out[3]);
	/* In one write transaction: EM_ENOTFOUND / EM_EREFUSED (already decided), else inserts
	 * the decision and sets the alert's status, decided_at, decided_by and reason. */
	int (*decide)(em_backend *db, int64_t alert_id, em_alert_status decision, const char *reason,
		      const char *who, const char *at);
	/* Customers with ref > after (NULL: all), by ref, at most limit; em_customer_set_add. */
	int (*customers)(em_backend *db, const char *after, size_t limit, em_customer_set *out);
	/* Commits wait for the disk (full) or survive only a program crash (0); see em_store.h. */
	int (*set_durability)(em_backend *db, int full);
	/* Inserts a key (id ignored); EM_EREFUSED when a valid key has the same name. */
	int (*key_add)(em_backend *db, const em_api_key *key);
	int (*keys)(em_backend *db, em_key_set *out); /* all, oldest first, em_key_set_add */
	/* Sets revoked_at on the valid key with that name or key id; EM_ENOTFOUND if none. */
	int (*key_revoke)(em_backend *db, const char *name, const char *at);
} em_backend_ops;

/* The store handle: the backend and its connection (one thread at a time). */
struct em_store {
	const em_backend_ops *ops;
	em_backend *db;
	char *url; /* as opened, password blanked */
};

extern const em_backend_ops em_backend_sqlite;

/* Appends a copy of *v (strings copied) to the set; for backends building results. */
int em_version_set_add(em_version_set *set, const em_version_info *v);

/* The current time as ISO 8601 UTC ("2024-05-03T14:05:09Z") into out[32]. */
void em_store_now(char out[32]);
/* The same with milliseconds ("2024-05-03T14:05:09.123Z"), for the audit trail. */
void em_store_now_ms(char out[32]);

/* Append copies (strings copied) for backends building results. */
int em_alert_set_add(em_alert_set *set, const em_alert *a);
int em_key_set_add(em_key_set *set, const em_api_key *k);
/* `ids_json` is the stored JSON array of identifiers. */
int em_customer_set_add(em_customer_set *set, const em_customer *c, const char *ids_json);

/*
 * A copy of a store URL safe to print: the password of "scheme://user:password@host" and any
 * "password=..." parameter replaced by "***". Returns a malloc'd string or NULL (no memory).
 */
char *em_store_url_redact(const char *url);

/* The location a NULL URL means (see em_store_open), malloc'd; creates its folder. */
int em_store_default_url(char **out);

#endif
