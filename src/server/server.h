/*
 * server.h: the embargo HTTP server (`embargo serve`): its configuration and the call that runs
 * it. The server uses only the public API of libembargo; src/server/README.md describes how a
 * request flows through it.
 */
#ifndef EMBARGO_SERVER_H
#define EMBARGO_SERVER_H

#include <stddef.h>

#define EM_SERVER_MAX_LISTS 64

typedef struct em_server_config {
	char listen[128];        /* ADDR:PORT to listen on; port 0 picks a free one (logged) */
	char *store;             /* store URL, or NULL for the default store */
	char *lists[EM_SERVER_MAX_LISTS]; /* list files to serve instead of the store's active lists */
	size_t n_lists;
	unsigned threads;        /* HTTP worker threads (0: one per core) */
	unsigned batch_threads;  /* threads screening one large batch, its own included (0: one per core) */
	size_t max_body;         /* largest request body in bytes */
	unsigned max_depth;      /* deepest JSON nesting accepted */
	size_t max_batch;        /* most queries in one batch request */
	size_t max_connections;  /* open connections at most */
	double rate_limit;       /* requests per second per key (0: no limit) */
	double rate_burst;       /* bucket size: requests a key may make at once (0: 2 x rate) */
	double threshold;        /* default screening threshold (0: the library default) */
	double alert_threshold;  /* matches at or above it open alerts (0: the library default) */
	unsigned limit;          /* default matches per query */
	char node[128];          /* this node's name in the audit trail ("" : host name) */
	int access_log;          /* 1: one log line per request */
	unsigned keys_refresh;   /* seconds between re-reading API keys from the store */
	unsigned reload_poll;    /* seconds between checks for newly activated lists (0: never) */
	char *web_root;          /* serve the web page from this folder instead of the built-in copy */
	int audit_fsync;         /* 1: each audit commit reaches the disk before responses go out */
} em_server_config;

/* Fills the defaults. */
void em_server_config_init(em_server_config *c);
void em_server_config_free(em_server_config *c);

/*
 * Sets one setting by its config-file name ("max_body", "list"...); the command-line flags
 * are the same names with dashes (--max-body). Returns 0, or -1 with a message in err.
 */
int em_server_config_set(em_server_config *c, const char *key, const char *value, char *err,
			 size_t err_len);

/* Reads a config file of `key = value` lines (# starts a comment). -1 with a message in err. */
int em_server_config_read(em_server_config *c, const char *path, char *err, size_t err_len);

/*
 * Runs the server until SIGINT or SIGTERM: SIGHUP reloads the lists and the keys. Logs JSON
 * lines on stderr. Returns 0 after a clean stop, 1 when it could not start.
 */
int em_server_run(const em_server_config *c);

#endif
