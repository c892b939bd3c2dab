/*
 * metrics.c: request counters by endpoint and status and a latency histogram per endpoint,
 * kept in atomics so workers never wait on each other to count; rendered in the Prometheus
 * text format by handle_metrics().
 */
#include "internal.h"

const char *const endpoint_names[EP_COUNT] = {
	"screen", "screen_batch", "entity", "lists", "alerts", "alert", "decision", "reload",
	"me", "healthz", "metrics", "openapi", "web", "goods", "activate", "other",
};

/* The status codes counted one by one; 0 is a request that ended without a response (the
 * client went away), and anything else counts in the last slot, "other". */
const unsigned metric_statuses[N_STATUS] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
					    409, 413, 415, 429, 500, 503, 504, 0, 999};
/* Upper bounds of the latency buckets in seconds; the last is +Inf. */
const double metric_buckets[N_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
					  0.1, 0.25, 0.5, 1, 2.5, 10, 0};

void metrics_observe(metrics *m, enum endpoint ep, unsigned status, double seconds)
{
	size_t s = N_STATUS - 1;
	for (size_t i = 0; i + 1 < N_STATUS; i++)
		if (metric_statuses[i] == status)
			s = i;
	atomic_fetch_add_explicit(&m->by_status[ep][s], 1, memory_order_relaxed);
	size_t b = N_BUCKETS - 1;
	for (size_t i = 0; i + 1 < N_BUCKETS; i++)
		if (seconds <= metric_buckets[i]) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&m->buckets[ep][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_us[ep], (unsigned long)(seconds * 1e6), memory_order_relaxed);
	atomic_fetch_add_explicit(&m->count[ep], 1, memory_order_relaxed);
}

/* Prometheus label values escape backslash, double quote and newline. */
static void label(sbuf *b, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			sb_put(b, "\\", 1);
		if (*v == '\n')
			sb_puts(b, "\\n");
		else
			sb_put(b, v, 1);
	}
}

void handle_metrics(request *r)
{
	em_server *srv = r->srv;
	metrics *m = &srv->metrics;
	sbuf b = {0};
	sb_puts(&b, "# HELP embargo_http_requests_total HTTP requests answered, by endpoint and status.\n"
		    "# TYPE embargo_http_requests_total counter\n");
	for (int e = 0; e < EP_COUNT; e++)
		for (int s = 0; s < N_STATUS; s++) {
			unsigned long n = atomic_load(&m->by_status[e][s]);
			if (!n)
				continue;
			char status[16];
			if (s + 1 == N_STATUS)
				snprintf(status, sizeof status, "other");
			else if (metric_statuses[s] == 0)
				snprintf(status, sizeof status, "none");
			else
				snprintf(status, sizeof status, "%u", metric_statuses[s]);
			sb_printf(&b, "embargo_http_requests_total{endpoint=\"%s\",status=\"%s\"} %lu\n", endpoint_names[e],
				  status, n);
		}
	sb_puts(&b, "# HELP embargo_http_request_duration_seconds Time from a request's headers to its response.\n"
		    "# TYPE embargo_http_request_duration_seconds histogram\n");
	for (int e = 0; e < EP_COUNT; e++) {
		unsigned long count = atomic_load(&m->count[e]);
		if (!count)
			continue;
		unsigned long cum = 0;
		for (int k = 0; k < N_BUCKETS; k++) {
			cum += atomic_load(&m->buckets[e][k]);
			if (k + 1 < N_BUCKETS)
				sb_printf(&b, "embargo_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
					  endpoint_names[e], metric_buckets[k], cum);
			else
				sb_printf(&b, "embargo_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n",
					  endpoint_names[e], cum);
		}
		sb_printf(&b, "embargo_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", endpoint_names[e],
			  (double)atomic_load(&m->sum_us[e]) / 1e6);
		sb_printf(&b, "embargo_http_request_duration_seconds_count{endpoint=\"%s\"} %lu\n", endpoint_names[e], count);
	}
	served_index *ix = index_acquire(&srv->index);
	sb_printf(&b,
		  "# HELP embargo_index_generation Generation of the screening index in service (1 = first load).\n"
		  "# TYPE embargo_index_generation gauge\nembargo_index_generation %llu\n"
		  "# HELP embargo_index_entities Listed entities in the index in service.\n"
		  "# TYPE embargo_index_entities gauge\nembargo_index_entities %zu\n"
		  "# HELP embargo_index_loaded_timestamp_seconds When the index in service was loaded.\n"
		  "# TYPE embargo_index_loaded_timestamp_seconds gauge\nembargo_index_loaded_timestamp_seconds %.0f\n"
		  "# HELP embargo_list_version The list versions in service (value: the version id, 0 for a file).\n"
		  "# TYPE embargo_list_version gauge\n",
		  ix ? (unsigned long long)ix->generation : 0ULL, ix ? ix->entities : 0, ix ? ix->loaded_unix : 0.0);
	for (size_t i = 0; ix && i < ix->lists.versions.count; i++) {
		const em_version_info *v = &ix->lists.versions.items[i];
		sb_puts(&b, "embargo_list_version{source=\"");
		label(&b, v->source);
		sb_puts(&b, "\",sha256=\"");
		label(&b, v->sha256);
		sb_printf(&b, "\"} %lld\n", (long long)v->id);
	}
	sb_puts(&b, "# HELP embargo_list_entities Entities of each list in service.\n# TYPE embargo_list_entities gauge\n");
	for (size_t i = 0; ix && i < ix->lists.versions.count; i++) {
		sb_puts(&b, "embargo_list_entities{source=\"");
		label(&b, ix->lists.versions.items[i].source);
		sb_printf(&b, "\"} %zu\n", ix->lists.versions.items[i].entity_count);
	}
	index_release(ix);
	pthread_rwlock_rdlock(&srv->keys_mu);
	size_t keys = srv->valid_keys;
	pthread_rwlock_unlock(&srv->keys_mu);
	sb_printf(&b,
		  "# HELP embargo_audit_queue_depth Screenings waiting to be recorded in the audit trail.\n"
		  "# TYPE embargo_audit_queue_depth gauge\nembargo_audit_queue_depth %zu\n"
		  "# HELP embargo_audit_records_total Screenings recorded in the audit trail.\n"
		  "# TYPE embargo_audit_records_total counter\nembargo_audit_records_total %lu\n"
		  "# HELP embargo_audit_commits_total Audit trail transactions (each holds one or more screenings).\n"
		  "# TYPE embargo_audit_commits_total counter\nembargo_audit_commits_total %lu\n"
		  "# HELP embargo_audit_failures_total Audit trail transactions that failed (their requests got 503).\n"
		  "# TYPE embargo_audit_failures_total counter\nembargo_audit_failures_total %lu\n"
		  "# HELP embargo_alerts_opened_total Alerts opened by screenings.\n"
		  "# TYPE embargo_alerts_opened_total counter\nembargo_alerts_opened_total %lu\n"
		  "# HELP embargo_rate_limited_total Requests refused by the rate limit.\n"
		  "# TYPE embargo_rate_limited_total counter\nembargo_rate_limited_total %lu\n"
		  "# HELP embargo_reloads_total Index reloads that swapped in new lists.\n"
		  "# TYPE embargo_reloads_total counter\nembargo_reloads_total %lu\n"
		  "# HELP embargo_reload_failures_total Index reloads that failed (the previous index stayed).\n"
		  "# TYPE embargo_reload_failures_total counter\nembargo_reload_failures_total %lu\n"
		  "# HELP embargo_api_keys Valid API keys (0: the server is open).\n"
		  "# TYPE embargo_api_keys gauge\nembargo_api_keys %zu\n"
		  "# HELP embargo_uptime_seconds Seconds since the server started.\n"
		  "# TYPE embargo_uptime_seconds gauge\nembargo_uptime_seconds %.0f\n"
		  "# HELP embargo_store_up 1 when the store answered the last check (every 200 ms), 0 when it did not.\n"
		  "# TYPE embargo_store_up gauge\nembargo_store_up %d\n",
		  writer_depth(srv->writer), atomic_load(&m->audit_records), atomic_load(&m->audit_batches),
		  atomic_load(&m->audit_failures), atomic_load(&m->alerts_opened), atomic_load(&m->rate_limited),
		  atomic_load(&m->reloads), atomic_load(&m->reload_failures), keys, now_unix() - srv->started_unix,
		  atomic_load(&srv->store_state) != STORE_DOWN);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_text(r, text ? 200 : 500, "text/plain; version=0.0.4; charset=utf-8", text, len);
}
