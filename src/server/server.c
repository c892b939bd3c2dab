/*
 * server.c: the server's life and a request's way in. em_server_run() loads the index, opens
 * the store, starts the audit writer and libmicrohttpd (a pool of worker threads, each with
 * its own epoll loop), then waits for signals: SIGHUP reloads lists and keys, SIGINT and
 * SIGTERM stop it cleanly. A maintenance thread re-reads the keys and, when asked to, polls the
 * store for newly activated lists.
 *
 * A request goes through on_request(): the body is gathered up to max_body, then dispatch()
 * serves /healthz and the web page without a key, checks the key and its role, takes a token
 * from the caller's rate bucket and calls the endpoint's handler. Screenings suspend their
 * connection while the audit writer records them; on_completed() counts and logs every request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* ---- responses ------------------------------------------------------------------------- */

static void add_common_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
}

void respond_json(request *r, unsigned status, char *json, size_t len)
{
	respond_text(r, status, "application/json", json, len);
}

void respond_text(request *r, unsigned status, const char *content_type, char *json, size_t len)
{
	if (r->responded) {
		free(json);
		return;
	}
	if (!json) {
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
		status = 500;
		content_type = "application/json";
		json = strdup(oom);
		len = json ? strlen(json) : 0;
		if (!json)
			return;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, json, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(json);
		return;
	}
	MHD_add_response_header(resp, "Content-Type", content_type);
	add_common_headers(resp);
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"embargo\"");
	if (r->retry_after) {
		char secs[16];
		snprintf(secs, sizeof secs, "%u", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", secs);
	}
	MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->responded = true;
	r->status = status;
}

__attribute__((format(printf, 4, 0))) static void respond_verror(request *r, unsigned status, const char *code,
								   const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	sbuf b = {0};
	sb_puts(&b, "{\"error\":{\"code\":");
	sb_json_str(&b, code);
	sb_puts(&b, ",\"message\":");
	sb_json_str(&b, msg);
	sb_puts(&b, "}}");
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, status, text, len);
}

void respond_error(request *r, unsigned status, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	respond_verror(r, status, code, fmt, ap);
	va_end(ap);
}

/* ---- keys, roles and limits -------------------------------------------------------------- */

int server_load_keys(em_server *srv)
{
	em_key_set fresh = {NULL, 0};
	pthread_mutex_lock(&srv->store_mu);
	int rc = em_keys_list(srv->store, &fresh);
	pthread_mutex_unlock(&srv->store_mu);
	if (rc)
		return rc;
	pthread_rwlock_wrlock(&srv->keys_mu);
	em_key_set old = srv->keys;
	srv->keys = fresh;
	srv->valid_keys = em_keys_valid_count(&fresh);
	pthread_rwlock_unlock(&srv->keys_mu);
	em_key_set_free(&old);
	return 0;
}

/* The key text the request presents, or NULL; *malformed when a header is there but unusable. */
static const char *presented_key(request *r, bool *malformed)
{
	*malformed = false;
	const char *x = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-API-Key");
	if (x && *x)
		return x;
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!auth)
		return NULL;
	if (strncasecmp(auth, "Bearer ", 7) != 0) {
		*malformed = true;
		return NULL;
	}
	auth += 7;
	while (*auth == ' ')
		auth++;
	return auth;
}

/* Sets who and role, or answers 401. Without any valid key in the store the server is open. */
static bool authenticate(request *r)
{
	em_server *srv = r->srv;
	bool malformed;
	const char *key = presented_key(r, &malformed);
	pthread_rwlock_rdlock(&srv->keys_mu);
	bool open = srv->valid_keys == 0;
	const em_api_key *k = !open && key ? em_keys_verify(&srv->keys, key) : NULL;
	if (k) {
		snprintf(r->who, sizeof r->who, "%s", k->name);
		r->role = k->role;
	}
	pthread_rwlock_unlock(&srv->keys_mu);
	if (open) {
		snprintf(r->who, sizeof r->who, "anonymous");
		r->role = EM_ROLE_ADMIN;
		return true;
	}
	if (k)
		return true;
	if (malformed)
		respond_error(r, 401, "unauthorized", "the Authorization header must read 'Bearer KEY'");
	else if (!key)
		respond_error(r, 401, "unauthorized",
			      "this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'");
	else
		respond_error(r, 401, "invalid_key", "the API key is not valid (unknown, revoked or mistyped)");
	return false;
}

static bool need_role(request *r, em_role role)
{
	if (r->role >= role)
		return true;
	respond_error(r, 403, "forbidden", "this needs the %s role; key '%s' has the %s role", em_role_name(role),
		      r->who, em_role_name(r->role));
	return false;
}

/* The caller's rate bucket: its key, or its address when the server has no keys. */
static bool within_rate(request *r)
{
	em_server *srv = r->srv;
	if (!srv->rate)
		return true;
	char who[96];
	if (strcmp(r->who, "anonymous") != 0) {
		snprintf(who, sizeof who, "key:%s", r->who);
	} else {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char host[64] = "?";
		if (ci && ci->client_addr)
			getnameinfo(ci->client_addr,
				    ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
									   : sizeof(struct sockaddr_in),
				    host, sizeof host, NULL, 0, NI_NUMERICHOST);
		snprintf(who, sizeof who, "addr:%s", host);
	}
	double wait = 1;
	if (rate_take(srv->rate, who, &wait))
		return true;
	atomic_fetch_add(&srv->metrics.rate_limited, 1);
	r->retry_after = wait < 1 ? 1 : (unsigned)(wait + 0.999);
	respond_error(r, 429, "rate_limited", "too many requests for '%s': at most %g a second (burst %g); retry in %u s",
		      r->who, srv->cfg.rate_limit, srv->cfg.rate_burst > 0 ? srv->cfg.rate_burst : 2 * srv->cfg.rate_limit,
		      r->retry_after);
	return false;
}

/* ---- routing ------------------------------------------------------------------------------ */

static bool is_get(const char *m)
{
	return !strcmp(m, MHD_HTTP_METHOD_GET) || !strcmp(m, MHD_HTTP_METHOD_HEAD);
}

/* Answers 405 unless the method is `want` (GET also allows HEAD). */
static bool method_is(request *r, const char *want)
{
	if (!strcmp(want, MHD_HTTP_METHOD_GET) ? is_get(r->method) : !strcmp(r->method, want))
		return true;
	char allow[16];
	snprintf(allow, sizeof allow, "%s", !strcmp(want, MHD_HTTP_METHOD_GET) ? "GET, HEAD" : want);
	respond_error(r, 405, "method_not_allowed", "%s %s: use %s", r->method, r->url, allow);
	return false;
}

/* A positive decimal id from a path segment that ends at '/' or the end; 0 if it is not one. */
static int64_t path_id(const char *s, const char **rest)
{
	int64_t v = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && v < (INT64_MAX - 9) / 10)
		v = v * 10 + (*p++ - '0');
	if (p == s || (*p && *p != '/'))
		return 0;
	*rest = p;
	return v;
}

static void dispatch(request *r)
{
	em_server *srv = r->srv;
	const char *u = r->url;
	if (!strcmp(u, "/healthz")) {
		r->ep = EP_HEALTHZ;
		if (method_is(r, MHD_HTTP_METHOD_GET))
			handle_healthz(r);
		return;
	}
	/* the page itself holds no data: a browser cannot send a key with a page load */
	if (is_get(r->method) && (!strcmp(u, "/") || !strcmp(u, "/index.html") || !strncmp(u, "/web/", 5))) {
		r->ep = EP_WEB;
		if (!handle_static(r, u))
			respond_error(r, 404, "not_found", "no such file: %s", u);
		return;
	}
	if (!authenticate(r) || !within_rate(r))
		return;
	const char *rest;
	int64_t id;
	if (!strcmp(u, "/v1/screen")) {
		r->ep = EP_SCREEN;
		if (method_is(r, MHD_HTTP_METHOD_POST) && need_role(r, EM_ROLE_SCREEN))
			handle_screen(r);
	} else if (!strcmp(u, "/v1/screen/batch")) {
		r->ep = EP_BATCH;
		if (method_is(r, MHD_HTTP_METHOD_POST) && need_role(r, EM_ROLE_SCREEN))
			handle_batch(r);
	} else if (!strncmp(u, "/v1/entities/", 13)) {
		r->ep = EP_ENTITY;
		const char *src = u + 13, *slash = strchr(src, '/');
		if (!slash || slash == src || !slash[1]) {
			respond_error(r, 404, "not_found", "expected /v1/entities/SOURCE/ID");
		} else if (method_is(r, MHD_HTTP_METHOD_GET) && need_role(r, EM_ROLE_SCREEN)) {
			char source[128];
			snprintf(source, sizeof source, "%.*s", (int)(slash - src), src);
			handle_entity(r, source, slash + 1);
		}
	} else if (!strcmp(u, "/v1/lists")) {
		r->ep = EP_LISTS;
		if (method_is(r, MHD_HTTP_METHOD_GET) && need_role(r, EM_ROLE_SCREEN))
			handle_lists(r);
	} else if (!strcmp(u, "/v1/me")) {
		r->ep = EP_ME;
		if (method_is(r, MHD_HTTP_METHOD_GET))
			handle_me(r);
	} else if (!strcmp(u, "/v1/alerts")) {
		r->ep = EP_ALERTS;
		if (method_is(r, MHD_HTTP_METHOD_GET) && need_role(r, EM_ROLE_ANALYST))
			handle_alerts(r);
	} else if (!strncmp(u, "/v1/alerts/", 11) && (id = path_id(u + 11, &rest)) > 0) {
		if (!*rest) {
			r->ep = EP_ALERT;
			if (method_is(r, MHD_HTTP_METHOD_GET) && need_role(r, EM_ROLE_ANALYST))
				handle_alert(r, id);
		} else if (!strcmp(rest, "/decision")) {
			r->ep = EP_DECISION;
			if (method_is(r, MHD_HTTP_METHOD_POST) && need_role(r, EM_ROLE_ANALYST))
				handle_decision(r, id);
		} else {
			respond_error(r, 404, "not_found", "no such resource: %s", u);
		}
	} else if (!strcmp(u, "/v1/goods/screen")) {
		r->ep = EP_GOODS;
		if (method_is(r, MHD_HTTP_METHOD_POST) && need_role(r, EM_ROLE_SCREEN))
			handle_goods(r);
	} else if (!strncmp(u, "/v1/admin/lists/", 16) && (id = path_id(u + 16, &rest)) > 0 &&
		   !strcmp(rest, "/activate")) {
		r->ep = EP_ACTIVATE;
		if (method_is(r, MHD_HTTP_METHOD_POST) && need_role(r, EM_ROLE_ADMIN))
			handle_activate(r, id);
	} else if (!strcmp(u, "/v1/admin/reload")) {
		r->ep = EP_RELOAD;
		if (method_is(r, MHD_HTTP_METHOD_POST) && need_role(r, EM_ROLE_ADMIN))
			handle_reload(r);
	} else if (!strcmp(u, "/metrics")) {
		r->ep = EP_METRICS;
		if (method_is(r, MHD_HTTP_METHOD_GET))
			handle_metrics(r);
	} else if (!strcmp(u, "/openapi.json")) {
		r->ep = EP_OPENAPI;
		if (method_is(r, MHD_HTTP_METHOD_GET) && !handle_static(r, u))
			respond_error(r, 404, "not_found", "no OpenAPI document in this build");
	} else {
		respond_error(r, 404, "not_found", "no such resource: %s %s (see /openapi.json)", r->method, u);
	}
	(void)srv;
}

/* ---- libmicrohttpd callbacks -------------------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	em_server *srv = cls;
	request *r = *con_cls;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		r->srv = srv;
		r->conn = conn;
		r->t0 = now_mono();
		r->method = method;
		r->ep = EP_OTHER;
		r->url = strdup(url ? url : "");
		*con_cls = r;
		if (!r->url)
			return MHD_NO;
		/* refuse an announced oversize body before reading it */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		char *end;
		errno = 0;
		unsigned long long n = cl ? strtoull(cl, &end, 10) : 0;
		if (cl && (errno || *end || n > srv->cfg.max_body)) {
			r->too_large = true;
			respond_error(r, 413, "body_too_large", "the request body is larger than %zu bytes", srv->cfg.max_body);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_large && !r->responded) {
			if (r->body.len + *upload_data_size > srv->cfg.max_body) {
				r->too_large = true;
				sb_free(&r->body);
			} else {
				sb_put(&r->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->responded)
		return MHD_YES;
	if (r->resumed) {
		char *reply = r->reply;
		r->reply = NULL;
		respond_json(r, r->status ? r->status : 200, reply, r->reply_len);
		return MHD_YES;
	}
	if (r->too_large) {
		respond_error(r, 413, "body_too_large", "the request body is larger than %zu bytes", srv->cfg.max_body);
		return MHD_YES;
	}
	if (r->body.failed) {
		respond_error(r, 500, "internal", "out of memory reading the request");
		return MHD_YES;
	}
	dispatch(r);
	(void)version;
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	em_server *srv = cls;
	request *r = *con_cls;
	if (!r)
		return;
	double secs = now_mono() - r->t0;
	unsigned status = r->responded ? r->status : 0;
	metrics_observe(&srv->metrics, r->ep, status, secs);
	if (srv->cfg.access_log || status == 500)
		log_json(status == 500 ? "error" : "info", "request",
			 json_pack("{s:s,s:s,s:i,s:f,s:s,s:s}", "method", r->method ? r->method : "", "path",
				   r->url ? r->url : "", "status", (int)status, "ms", secs * 1000.0, "who",
				   r->who[0] ? r->who : "-", "endpoint", endpoint_names[r->ep]));
	screen_work_free(r->work);
	free(r->reply);
	free(r->url);
	sb_free(&r->body);
	free(r);
	*con_cls = NULL;
	(void)conn;
	(void)toe;
}

/* ---- reloads and maintenance -------------------------------------------------------------- */

/* True when the store's active versions are the ones `ix` serves. */
static bool same_versions(const em_server *srv, const served_index *ix)
{
	if (srv->cfg.n_lists || !ix)
		return false;
	em_store *st = NULL;
	em_version_set vs = {NULL, 0};
	bool same = false;
	if (em_store_open(&st, srv->cfg.store) == 0 && em_store_versions(st, 1, &vs) == 0) {
		same = vs.count == ix->lists.versions.count;
		for (size_t i = 0; same && i < vs.count; i++)
			same = vs.items[i].id == ix->lists.versions.items[i].id;
	}
	em_version_set_free(&vs);
	em_store_free(st);
	return same;
}

int server_reload(em_server *srv, bool force, uint64_t *gen, bool *unchanged, char *msg, size_t n)
{
	pthread_mutex_lock(&srv->reload_mu);
	served_index *cur = index_acquire(&srv->index);
	*unchanged = !force && same_versions(srv, cur);
	*gen = cur ? cur->generation : 0;
	index_release(cur);
	int rc = 0;
	if (!*unchanged) {
		double t0 = now_mono();
		served_index *ix = NULL;
		uint64_t next = atomic_fetch_add(&srv->generation, 1) + 1;
		rc = index_build(&ix, &srv->cfg, next);
		if (rc) {
			snprintf(msg, n, "%s", em_error_last()->message);
			atomic_fetch_add(&srv->metrics.reload_failures, 1);
			log_json("error", "reload failed; the previous lists stay in service",
				 json_pack("{s:s}", "error", msg));
		} else {
			*gen = ix->generation;
			log_json("info", "lists loaded",
				 json_pack("{s:I,s:I,s:I,s:f,s:o}", "generation", (json_int_t)ix->generation, "lists",
					   (json_int_t)ix->lists.versions.count, "entities", (json_int_t)ix->entities,
					   "seconds", now_mono() - t0,
					   "versions", json_loads(ix->lists_json, 0, NULL)));
			holder_swap(&srv->index, ix);
			atomic_fetch_add(&srv->metrics.reloads, 1);
		}
	}
	pthread_mutex_unlock(&srv->reload_mu);
	return rc ? -1 : 0;
}

/* How long the maintenance thread waits at a time (ms), and the polling fallback for a shared
 * store when reload_poll is not set (s): a notification lost some other way is caught then. */
#define WATCH_MS 200
#define SHARED_POLL_S 60

/*
 * Waits WATCH_MS for a new list version (the store's notification: any node's activation
 * arrives within that), keeping store_state up to date. True when the lists should be
 * checked now.
 */
static bool watch_store(em_server *srv)
{
	struct timespec ts = {0, WATCH_MS * 1000000L};
	if (!srv->watch) {
		nanosleep(&ts, NULL);
		return false;
	}
	int changed = 0;
	int rc = em_store_wait_change(srv->watch, WATCH_MS, &changed);
	int was = atomic_exchange(&srv->store_state, rc ? STORE_DOWN : STORE_OK);
	if (rc) {
		if (was != STORE_DOWN)
			log_json("error", "the store is unreachable; screening goes on with the lists in service",
				 json_pack("{s:s}", "error", em_error_last()->message));
		nanosleep(&ts, NULL); /* the store fails fast while it is down */
	} else if (was == STORE_DOWN) {
		log_json("info", "the store is reachable again", NULL);
	}
	return changed && !srv->cfg.n_lists; /* list files do not change with the store */
}

static void *maintenance_main(void *arg)
{
	em_server *srv = arg;
	double last_keys = now_mono(), last_poll = now_mono();
	unsigned poll_every = srv->cfg.reload_poll;
	if (!poll_every && !srv->cfg.n_lists && strncmp(srv->store_url, "sqlite:", 7) != 0)
		poll_every = SHARED_POLL_S;
	while (!atomic_load(&srv->stopping)) {
		bool changed = watch_store(srv);
		double now = now_mono();
		if (now - last_keys >= srv->cfg.keys_refresh) {
			last_keys = now;
			if (server_load_keys(srv))
				log_json("error", "could not re-read the API keys; the previous ones stay in force",
					 json_pack("{s:s}", "error", em_error_last()->message));
		}
		if (changed || (poll_every && now - last_poll >= poll_every)) {
			last_poll = now;
			uint64_t gen;
			bool unchanged;
			char msg[512];
			server_reload(srv, false, &gen, &unchanged, msg, sizeof msg);
		}
	}
	return NULL;
}

/* ---- start and stop ------------------------------------------------------------------------ */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	snprintf(host, sizeof host, "%s", listen);
	char *colon = strrchr(host, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	char *port = colon + 1, *end;
	long p = strtol(port, &end, 10);
	if (!*port || *end || p < 0 || p > 65535)
		return -1;
	char *h = host;
	if (h[0] == '[' && colon > h && colon[-1] == ']') { /* [::1]:8080 */
		h++;
		colon[-1] = '\0';
	}
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (!*h || !strcmp(h, "*"))
		h = "0.0.0.0";
	if (inet_pton(AF_INET, h, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
		*len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, h, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
		*len = sizeof *v6;
		return 0;
	}
	return -1;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_json("warn", "http", json_pack("{s:s}", "detail", msg));
	(void)cls;
}

static void server_free(em_server *srv)
{
	writer_stop(srv->writer);
	pool_stop(srv->pool);
	holder_destroy(&srv->index);
	em_store_free(srv->store);
	em_store_free(srv->watch);
	em_key_set_free(&srv->keys);
	rate_free(srv->rate);
	pthread_mutex_destroy(&srv->reload_mu);
	pthread_mutex_destroy(&srv->store_mu);
	pthread_rwlock_destroy(&srv->keys_mu);
}

static int fail_start(em_server *srv, const char *what, const char *detail)
{
	log_json("error", what, json_pack("{s:s}", "error", detail ? detail : ""));
	server_free(srv);
	return 1;
}

int em_server_run(const em_server_config *cfg)
{
	em_server srv_storage, *srv = &srv_storage;
	memset(srv, 0, sizeof *srv);
	srv->cfg = *cfg;
	srv->started_unix = now_unix();
	holder_init(&srv->index);
	pthread_mutex_init(&srv->reload_mu, NULL);
	pthread_mutex_init(&srv->store_mu, NULL);
	pthread_rwlock_init(&srv->keys_mu, NULL);

	/* Signals go to the main thread's sigwait() only: block them before any thread starts. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_storage addr;
	socklen_t addr_len;
	if (parse_listen(cfg->listen, &addr, &addr_len))
		return fail_start(srv, "bad listen address (expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)",
				  cfg->listen);
	if (em_store_open(&srv->store, cfg->store))
		return fail_start(srv, "could not open the store", em_error_last()->message);
	snprintf(srv->store_url, sizeof srv->store_url, "%s", em_store_url(srv->store));
	/* a connection that watches the store: its health, and other nodes' activations */
	if (em_store_open(&srv->watch, cfg->store))
		return fail_start(srv, "could not open the store", em_error_last()->message);
	atomic_store(&srv->store_state, STORE_OK);
	if (server_load_keys(srv))
		return fail_start(srv, "could not read the API keys", em_error_last()->message);
	if (cfg->rate_limit > 0 && !(srv->rate = rate_new(cfg->rate_limit, cfg->rate_burst)))
		return fail_start(srv, "out of memory", NULL);
	/* the writer has a connection of its own to the same store */
	if (writer_start(&srv->writer, cfg->store, cfg->audit_fsync, &srv->metrics))
		return fail_start(srv, "could not start the audit writer", em_error_last()->message);
	uint64_t gen;
	bool unchanged;
	char msg[1024];
	if (server_reload(srv, true, &gen, &unchanged, msg, sizeof msg))
		return fail_start(srv, "could not load the lists", msg);

	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads;
	if (!threads)
		threads = cores > 0 ? (unsigned)cores : 2;
	/* helpers for large batches: the request's own thread is one of batch_threads */
	unsigned batch = cfg->batch_threads ? cfg->batch_threads : cores > 0 ? (unsigned)cores : 2;
	if (pool_start(&srv->pool, batch - 1))
		return fail_start(srv, "out of memory", NULL);
	srv->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
		threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_END);
	if (!srv->daemon)
		return fail_start(srv, "could not listen", cfg->listen);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	pthread_t maint;
	bool maint_ok = pthread_create(&maint, NULL, maintenance_main, srv) == 0;
	char host[128];
	snprintf(host, sizeof host, "%s", cfg->listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	log_json("info", "listening",
		 json_pack("{s:s,s:i,s:i,s:s,s:i,s:s}", "address", host, "port", di ? (int)di->port : -1, "threads",
			   (int)threads, "store", srv->store_url, "keys", (int)srv->valid_keys, "auth",
			   srv->valid_keys ? "keys" : "open (no API key in the store)"));

	for (;;) {
		int sig = 0;
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_json("info", "SIGHUP: reloading lists and keys", NULL);
			server_reload(srv, true, &gen, &unchanged, msg, sizeof msg);
			if (server_load_keys(srv))
				log_json("error", "could not re-read the API keys",
					 json_pack("{s:s}", "error", em_error_last()->message));
			continue;
		}
		break;
	}
	log_json("info", "stopping: finishing requests in flight", NULL);
	atomic_store(&srv->stopping, 1);
	MHD_quiesce_daemon(srv->daemon);
	/* suspended connections must be resumed (their screenings recorded) before the stop */
	for (int i = 0; i < 3000 && atomic_load(&srv->suspended) > 0; i++) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(srv->daemon);
	if (maint_ok)
		pthread_join(maint, NULL);
	server_free(srv);
	log_json("info", "stopped", NULL);
	return 0;
}
