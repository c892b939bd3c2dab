/*
 * internal.h: what the files of the server share: the server object, the served index and
 * its holder, a request's state, and the small helpers (string builder, JSON errors, logs,
 * metrics, rate limits, the audit writer). Nothing here is used outside src/server.
 */
#ifndef EMBARGO_SERVER_INTERNAL_H
#define EMBARGO_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "embargo/em_audit.h"
#include "embargo/em_goods.h"
#include "embargo/em_keys.h"
#include "embargo/em_screen.h"
#include "embargo/em_store.h"
#include "server.h"

/* ---- a growable string -------------------------------------------------------------------- */
typedef struct sbuf {
	char *data;
	size_t len, cap;
	bool failed; /* an allocation failed: the contents are incomplete */
} sbuf;

void sb_put(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string (quoted, escaped), or null for NULL. */
void sb_json_str(sbuf *b, const char *s);
/* Appends ,"key":"value" (value as sb_json_str: null for NULL); the object is already open. */
void sb_field(sbuf *b, const char *key, const char *value);
/* Appends ,"key":id, or ,"key":null for 0 (a list file has no version id). */
void sb_id_field(sbuf *b, const char *key, int64_t id);
/* Hands the text over (malloc'd) or NULL when an allocation failed. */
char *sb_take(sbuf *b, size_t *len);
void sb_free(sbuf *b);

/* ---- the served index ------------------------------------------------------------------- */

/* One generation of lists and the screener over them; shared read-only, reference-counted. */
typedef struct served_index {
	atomic_long refs;
	uint64_t generation;       /* 1, 2, ... in the order the server loaded them */
	em_active_lists lists;
	em_screener *screener;
	em_goods *goods;           /* goods screening over the same lists, or NULL (see goods_error) */
	char goods_error[256];     /* why goods screening is not available */
	char *goods_tables_json;   /* em_goods_tables_json(goods), for the audit trail */
	em_list_ref *refs_arr;     /* the list versions, for the audit trail */
	size_t entities;
	char *lists_json;          /* [{"source","version_id","sha256"}] for responses */
	char *versions_json;       /* the whole version descriptions, for GET /v1/lists */
	char loaded_at[32];        /* ISO 8601 UTC */
	double loaded_unix;        /* the same in seconds */
} served_index;

typedef struct index_holder {
	pthread_mutex_t mu;
	served_index *current;     /* NULL until the first load */
} index_holder;

void holder_init(index_holder *h);
/* A reference to the current index (NULL if none); give it back with index_release. */
served_index *index_acquire(index_holder *h);
void index_release(served_index *ix);
/* Puts `ix` in place (the holder takes the caller's reference) and releases the old one. */
void holder_swap(index_holder *h, served_index *ix);
void holder_destroy(index_holder *h);

/* Loads the lists (the files, or the store's active versions) and builds the screener. */
int index_build(served_index **out, const em_server_config *cfg, uint64_t generation);

/* ---- metrics ----------------------------------------------------------------------------- */
enum endpoint {
	EP_SCREEN, EP_BATCH, EP_ENTITY, EP_LISTS, EP_ALERTS, EP_ALERT, EP_DECISION, EP_RELOAD,
	EP_ME, EP_HEALTHZ, EP_METRICS, EP_OPENAPI, EP_WEB, EP_GOODS, EP_ACTIVATE, EP_OTHER, EP_COUNT
};
extern const char *const endpoint_names[EP_COUNT];

#define N_STATUS 18
#define N_BUCKETS 14

typedef struct metrics {
	atomic_ulong by_status[EP_COUNT][N_STATUS];
	atomic_ulong buckets[EP_COUNT][N_BUCKETS]; /* cumulative on output, per bucket here */
	atomic_ulong sum_us[EP_COUNT];
	atomic_ulong count[EP_COUNT];
	atomic_ulong rate_limited;
	atomic_ulong alerts_opened;
	atomic_ulong audit_batches;
	atomic_ulong audit_records;
	atomic_ulong audit_failures;
	atomic_ulong reloads;
	atomic_ulong reload_failures;
} metrics;

extern const unsigned metric_statuses[N_STATUS];
extern const double metric_buckets[N_BUCKETS];
void metrics_observe(metrics *m, enum endpoint ep, unsigned status, double seconds);

/* ---- rate limits ------------------------------------------------------------------------- */
typedef struct rate_limiter rate_limiter;
rate_limiter *rate_new(double rate, double burst);
void rate_free(rate_limiter *r);
/* Takes one token from `who`'s bucket; false (and the seconds to wait) when it is empty. */
bool rate_take(rate_limiter *r, const char *who, double *retry_after);

/* ---- logs -------------------------------------------------------------------------------- */
/* Writes one JSON line on stderr: {"ts", "level", "msg", ...fields of `extra`}; steals extra. */
void log_json(const char *level, const char *msg, json_t *extra);

/* ---- the audit writer -------------------------------------------------------------------- */
typedef struct audit_job audit_job;
struct audit_job {
	em_screening **items;      /* the screenings to record */
	size_t n;
	int rc;                    /* OUT: 0 or the em_audit_record code */
	char message[256];         /* OUT: the error message */
	void (*done)(audit_job *); /* called on the writer thread once recorded (or failed) */
	audit_job *next;
};

typedef struct audit_writer audit_writer;
/* Starts the writer thread on its own store connection; fsync: see em_store_set_durability. */
int writer_start(audit_writer **out, const char *store_url, int fsync, metrics *m);
/* Queues a job; false when the queue is full or the writer stopped (the job is not run). */
bool writer_submit(audit_writer *w, audit_job *job);
size_t writer_depth(audit_writer *w);
/* Records what is queued, then stops the thread. */
void writer_stop(audit_writer *w);

/* ---- the batch pool (pool.c) ---------------------------------------------------------------- */
typedef struct batch_pool batch_pool;
/* Starts `threads` helper threads (0: none; pool_run then works alone). -1 when out of memory. */
int pool_start(batch_pool **out, unsigned threads);
/* Calls fn(ctx, i) for every i < n, on this thread and any idle helpers; returns when all are
 * done. fn must be safe to run on several threads at once for different i. */
void pool_run(batch_pool *p, size_t n, void (*fn)(void *ctx, size_t i), void *ctx);
void pool_stop(batch_pool *p); /* accepts NULL; no pool_run may be in progress */

/* Batches with more queries than this are spread over the pool. */
#define POOL_MIN_BATCH 64

/* ---- the server -------------------------------------------------------------------------- */
typedef struct em_server {
	em_server_config cfg;
	struct MHD_Daemon *daemon;
	index_holder index;
	pthread_mutex_t reload_mu;  /* one reload at a time */
	atomic_ulong generation;
	em_store *store;            /* for requests (alerts, decisions, keys); guarded by store_mu */
	pthread_mutex_t store_mu;
	pthread_rwlock_t keys_mu;
	em_key_set keys;            /* guarded by keys_mu */
	size_t valid_keys;
	audit_writer *writer;
	batch_pool *pool;           /* helpers for large batches */
	rate_limiter *rate;
	metrics metrics;
	atomic_long suspended;      /* connections waiting for the audit writer */
	atomic_int stopping;
	double started_unix;
	char store_url[512];        /* the store's URL, password blanked */
	em_store *watch;            /* the maintenance thread's connection: waits for new versions */
	atomic_int store_state;     /* STORE_OK or STORE_DOWN, as the watch found it last */
} em_server;

enum { STORE_OK = 1, STORE_DOWN = 2 };

/* A request, from its first byte to its completion. */
typedef struct request {
	em_server *srv;
	struct MHD_Connection *conn;
	enum endpoint ep;
	double t0;
	const char *method;
	char *url;
	sbuf body;
	bool too_large;
	bool responded;             /* a response was queued */
	unsigned status;
	unsigned retry_after;       /* seconds, sent as Retry-After when non-zero */
	char who[80];               /* the key's name, or "anonymous" */
	em_role role;
	/* a screening waiting for the audit writer */
	served_index *ix;
	audit_job job;
	struct screen_work *work;
	char *reply;                /* the response to send once resumed */
	size_t reply_len;
	bool resumed;
} request;

/* Queues a response with this content type (the text is taken over; NULL answers 500). */
void respond_text(request *r, unsigned status, const char *content_type, char *text, size_t len);
/* Queues a JSON response (the text is taken over). */
void respond_json(request *r, unsigned status, char *json, size_t len);
/* Queues {"error": {"code", "message"}}. */
void respond_error(request *r, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- reading request bodies (request.c) ------------------------------------------------ */

#define EM_SERVER_MAX_IDS 20

/* What is wrong with a request: the HTTP status, the error code, a message naming the field. */
typedef struct problem {
	unsigned status;
	const char *code;
	char message[512];
} problem;

/* One query of a screening request, and what becomes of it. */
typedef struct screen_item {
	const char *type_text;
	const char *ids[EM_SERVER_MAX_IDS];
	em_query q;                /* strings point into the parsed body */
	em_screen_params params;
	const char *customer_ref;
	em_result *res;
	char *matches_json;
	em_alert_ref *alerts;
	em_screening sc;
	char *error;               /* why screening failed (malloc'd), or NULL */
} screen_item;

/* Checks and parses a body (content type: the header, or NULL); NULL with a problem. The body
 * is `len` bytes followed by a NUL (as a request's sbuf always is), or NULL for none. */
json_t *request_json(const char *body, size_t len, const char *content_type, unsigned max_depth, problem *p);
/* Fills `it` (zeroed) from one query object; `where` prefixes field names ("queries[3]"). */
int request_query(json_t *o, screen_item *it, const em_server_config *cfg, const char *where, problem *p);
/* The queries array of a batch body (1..max_batch of them); NULL with a problem. */
json_t *request_batch(json_t *root, size_t max_batch, problem *p);
/* The decision of a decision body (EM_STATUS_TRUE_MATCH or _FALSE_POSITIVE), or -1 with a
 * problem; decision and reason point into root. */
int request_decision(json_t *root, const char **decision, const char **reason, problem *p);

/* ---- request handling -------------------------------------------------------------------- */

/* Each handler queues a response, or suspends the connection for the audit writer. */
void handle_screen(request *r);
void handle_batch(request *r);
void handle_entity(request *r, const char *source, const char *id);
void handle_lists(request *r);
void handle_goods(request *r);
void handle_alerts(request *r);
void handle_alert(request *r, int64_t id);
void handle_decision(request *r, int64_t id);
void handle_reload(request *r);
void handle_activate(request *r, int64_t version_id);
void handle_me(request *r);
void handle_healthz(request *r);
void handle_metrics(request *r);
/* Static files: the web page and the OpenAPI document; false if there is no such file. */
bool handle_static(request *r, const char *path);

/* Frees what a screening request holds (its results and index reference). */
void screen_work_free(struct screen_work *w);

/* Reloads the lists and swaps the index; fills *gen and *unchanged. 0 or -1 with message. */
int server_reload(em_server *srv, bool force, uint64_t *gen, bool *unchanged, char *msg, size_t n);
/* Re-reads the API keys from the store. */
int server_load_keys(em_server *srv);

double now_unix(void);
double now_mono(void);

#endif
