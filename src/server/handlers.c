/*
 * handlers.c: the endpoints. A screening request is checked strictly (unknown fields, wrong
 * types and out-of-range values are 400s that name the field), screened on the worker thread
 * against a reference to the current index, rendered once, and handed to the audit writer with
 * its connection suspended; the response goes out when the writer has committed the record and
 * knows which alerts it opened. The other endpoints answer directly.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- one query ----------------------------------------------------------------------------- */

struct screen_work {
	json_t *root;       /* owns every string the items point to */
	served_index *ix;   /* the index screened against, held until the response is sent */
	bool batch;
	size_t n;
	screen_item *items;
	em_screening **ptrs;
	/* POST /v1/goods/screen: each line's answer, and the screenings of the screened ones */
	char **goods_out;       /* n: a result or error object */
	em_screening *goods_sc; /* n: kind "goods" for the screened lines, else zero */
	char **goods_lines;     /* n: the screened lines' em_goods_line_json */
};

void screen_work_free(struct screen_work *w)
{
	if (!w)
		return;
	for (size_t i = 0; w->items && i < w->n; i++) {
		em_result_free(w->items[i].res);
		free(w->items[i].matches_json);
		free(w->items[i].alerts);
		free(w->items[i].error);
	}
	for (size_t i = 0; w->goods_out && i < w->n; i++) {
		free(w->goods_out[i]);
		free(w->goods_lines[i]);
	}
	free(w->goods_out);
	free(w->goods_lines);
	free(w->goods_sc);
	free(w->items);
	free(w->ptrs);
	json_decref(w->root);
	index_release(w->ix);
	free(w);
}

/* Parses the body as JSON after the byte-level checks; NULL after answering 400 or 415. */
static json_t *parse_body(request *r)
{
	problem p;
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	json_t *root = request_json(r->body.data, r->body.len, ct, r->srv->cfg.max_depth, &p);
	if (!root)
		respond_error(r, p.status, p.code, "%s", p.message);
	return root;
}

/* ---- screening ---------------------------------------------------------------------------- */

static double threshold_of(const screen_item *it)
{
	return it->params.threshold > 0 ? it->params.threshold : EM_SCREEN_DEFAULT_THRESHOLD;
}

static void render_item(sbuf *b, const struct screen_work *w, const screen_item *it)
{
	sb_printf(b, "{\"screening_id\":%lld", (long long)it->sc.id);
	sb_field(b, "query", it->q.name);
	sb_field(b, "customer_ref", it->customer_ref);
	sb_printf(b, ",\"threshold\":%g,\"lists\":", threshold_of(it));
	sb_puts(b, w->ix->lists_json);
	sb_puts(b, ",\"matches\":");
	sb_puts(b, it->matches_json);
	sb_puts(b, ",\"alerts\":[");
	bool first = true;
	for (size_t m = 0; it->res && m < it->res->n_matches; m++) {
		const em_alert_ref *a = &it->alerts[m];
		if (a->outcome == EM_OUTCOME_NONE)
			continue;
		const em_entity *e = it->res->matches[m].entity;
		sb_printf(b, "%s{\"alert_id\":%lld", first ? "" : ",", (long long)a->alert_id);
		sb_field(b, "outcome", em_alert_outcome_name(a->outcome));
		sb_field(b, "source", e->source);
		sb_field(b, "source_id", e->source_id);
		sb_printf(b, ",\"match\":%zu}", m);
		first = false;
	}
	sb_puts(b, "]}");
}

static request *request_of(audit_job *job)
{
	return (request *)(void *)((char *)job - offsetof(request, job));
}

/* The 503 a request gets when its screenings could not be recorded. */
static void render_audit_failed(request *r, sbuf *b)
{
	r->status = 503;
	sb_puts(b, "{\"error\":{\"code\":\"audit_unavailable\",\"message\":");
	char msg[400];
	snprintf(msg, sizeof msg, "the screening could not be recorded in the audit trail, so no result is given: %s",
		 r->job.message);
	sb_json_str(b, msg);
	sb_puts(b, "}}");
}

/* Sends b as the reply of a suspended request (from the writer thread, or a worker). */
static void resume_with(request *r, sbuf *b)
{
	em_server *srv = r->srv;
	r->reply = sb_take(b, &r->reply_len);
	r->resumed = true;
	atomic_fetch_sub(&srv->suspended, 1);
	/* r may be completed and freed as soon as the connection resumes */
	MHD_resume_connection(r->conn);
}

/* On the writer thread, once the screenings are committed (or failed). */
static void on_recorded(audit_job *job)
{
	request *r = request_of(job);
	em_server *srv = r->srv;
	struct screen_work *w = r->work;
	sbuf b = {0};
	if (job->rc) {
		render_audit_failed(r, &b);
	} else {
		r->status = 200;
		size_t opened = 0;
		for (size_t i = 0; i < w->n; i++)
			for (size_t m = 0; w->items[i].res && m < w->items[i].res->n_matches; m++)
				opened += w->items[i].alerts[m].outcome == EM_OUTCOME_OPENED;
		atomic_fetch_add(&srv->metrics.alerts_opened, opened);
		if (w->batch) {
			sb_puts(&b, "{\"results\":[");
			for (size_t i = 0; i < w->n; i++) {
				if (i)
					sb_puts(&b, ",");
				render_item(&b, w, &w->items[i]);
			}
			sb_puts(&b, "]}");
		} else {
			render_item(&b, w, &w->items[0]);
		}
	}
	resume_with(r, &b);
}

/*
 * Suspends the connection and queues the n screenings for the audit writer, which calls done()
 * once they are committed; answers 503 at once when the writer is full or stopping.
 */
static void submit_for_record(request *r, em_screening **items, size_t n, void (*done)(audit_job *))
{
	em_server *srv = r->srv;
	r->job.items = items;
	r->job.n = n;
	r->job.done = done;
	atomic_fetch_add(&srv->suspended, 1);
	MHD_suspend_connection(r->conn);
	if (!writer_submit(srv->writer, &r->job)) {
		sbuf b = {0};
		sb_puts(&b, "{\"error\":{\"code\":\"busy\",\"message\":\"the audit trail is behind; retry shortly\"}}");
		r->status = 503;
		resume_with(r, &b);
	}
}

/* Screens item i of w: its result, its matches as JSON, room for its alerts; it->error on failure. */
static void screen_one(void *ctx, size_t i)
{
	struct screen_work *w = ctx;
	screen_item *it = &w->items[i];
	if (em_screen(w->ix->screener, &it->q, &it->params, &it->res) != 0) {
		it->error = strdup(em_error_last()->message);
		return;
	}
	size_t nm = it->res->n_matches;
	if (!(it->matches_json = em_result_matches_json(it->res)) ||
	    !(it->alerts = calloc(nm ? nm : 1, sizeof *it->alerts)))
		it->error = strdup("out of memory");
}

/*
 * Screens every item of w (a large batch on the batch pool as well as this thread; the items
 * keep their order whoever screens them), then hands them to the audit writer.
 */
static void screen_and_record(request *r, struct screen_work *w)
{
	em_server *srv = r->srv;
	if (w->n > POOL_MIN_BATCH)
		pool_run(srv->pool, w->n, screen_one, w);
	else
		for (size_t i = 0; i < w->n; i++)
			screen_one(w, i);
	for (size_t i = 0; i < w->n; i++) {
		screen_item *it = &w->items[i];
		if (it->error || !it->matches_json || !it->alerts) {
			respond_error(r, 500, "internal", "screening failed: %s", it->error ? it->error : "out of memory");
			return;
		}
		em_screening sc = EM_SCREENING_INIT;
		sc.who = r->who;
		sc.channel = "api";
		sc.node = srv->cfg.node[0] ? srv->cfg.node : NULL;
		sc.customer_ref = it->customer_ref;
		sc.query = &it->q;
		sc.result = it->res;
		sc.results_json = it->matches_json;
		sc.threshold = threshold_of(it);
		sc.alert_threshold = srv->cfg.alert_threshold;
		sc.lists = w->ix->refs_arr;
		sc.n_lists = w->ix->lists.versions.count;
		sc.alerts = it->alerts;
		it->sc = sc;
		w->ptrs[i] = &it->sc;
	}
	submit_for_record(r, w->ptrs, w->n, on_recorded);
}

/* A work item for n queries against the current index; NULL after answering. */
static struct screen_work *work_new(request *r, json_t *root, size_t n, bool batch)
{
	struct screen_work *w = calloc(1, sizeof *w);
	if (!w || !(w->items = calloc(n ? n : 1, sizeof *w->items)) || !(w->ptrs = calloc(n ? n : 1, sizeof *w->ptrs))) {
		if (w)
			free(w->items);
		free(w);
		json_decref(root);
		respond_error(r, 500, "internal", "out of memory");
		return NULL;
	}
	w->root = root;
	w->n = n;
	w->batch = batch;
	w->ix = index_acquire(&r->srv->index);
	r->work = w; /* freed when the request completes */
	if (!w->ix || w->ix->lists.versions.count == 0) {
		respond_error(r, 503, "no_lists",
			      "no list is loaded: import one (embargo lists import FILE) and reload the server");
		return NULL;
	}
	return w;
}

void handle_screen(request *r)
{
	json_t *root = parse_body(r);
	if (!root)
		return;
	struct screen_work *w = work_new(r, root, 1, false);
	if (!w)
		return;
	problem p;
	if (request_query(root, &w->items[0], &r->srv->cfg, "", &p)) {
		respond_error(r, p.status, p.code, "%s", p.message);
		return;
	}
	screen_and_record(r, w);
}

void handle_batch(request *r)
{
	json_t *root = parse_body(r);
	if (!root)
		return;
	problem p;
	json_t *queries = request_batch(root, r->srv->cfg.max_batch, &p);
	if (!queries) {
		json_decref(root);
		respond_error(r, p.status, p.code, "%s", p.message);
		return;
	}
	size_t n = json_array_size(queries);
	struct screen_work *w = work_new(r, root, n, true);
	if (!w)
		return;
	for (size_t i = 0; i < n; i++) {
		char where[32];
		snprintf(where, sizeof where, "queries[%zu]", i);
		if (request_query(json_array_get(queries, i), &w->items[i], &r->srv->cfg, where, &p)) {
			respond_error(r, p.status, p.code, "%s", p.message);
			return;
		}
	}
	screen_and_record(r, w);
}

/* ---- goods ----------------------------------------------------------------------------------- */

/* {"results": [...], "lists": [...]}: each line's answer, the screened ones with the id of their
 * audit record first. */
static void render_goods(sbuf *b, const struct screen_work *w)
{
	sb_puts(b, "{\"results\":[");
	for (size_t i = 0; i < w->n; i++) {
		const char *out = w->goods_out[i];
		if (i)
			sb_puts(b, ",");
		if (!out) {
			sb_puts(b, "null");
		} else if (w->goods_sc[i].kind && out[0] == '{' && out[1] != '}') {
			sb_printf(b, "{\"screening_id\":%lld,", (long long)w->goods_sc[i].id);
			sb_puts(b, out + 1);
		} else {
			sb_puts(b, out);
		}
	}
	sb_puts(b, "],\"lists\":");
	sb_puts(b, w->ix->lists_json);
	sb_puts(b, "}");
}

/* On the writer thread, once the goods screenings are committed (or failed). */
static void on_goods_recorded(audit_job *job)
{
	request *r = request_of(job);
	sbuf b = {0};
	if (job->rc) {
		render_audit_failed(r, &b);
	} else {
		r->status = 200;
		render_goods(&b, r->work);
	}
	resume_with(r, &b);
}

/*
 * POST /v1/goods/screen: one order line (an object), or {"lines": [...]}, each with the fields of
 * `embargo goods screen` (line_id, hs_code, description, ..., destination_country). The lines go
 * through the same order-line reader as the command line (as JSON lines), so a bad line gets its
 * own record with the error and the rest are screened. Each screened line is recorded in the
 * audit trail (kind "goods") before the answer goes out, as party screenings are, and its
 * result carries the record's screening_id. Answers {"results": [...], "lists": [...]}.
 */
void handle_goods(request *r)
{
	json_t *root = parse_body(r);
	if (!root)
		return;
	json_t *lines = json_is_object(root) && json_object_get(root, "lines") ? json_object_get(root, "lines") : NULL;
	if (lines && !json_is_array(lines)) {
		json_decref(root);
		respond_error(r, 400, "invalid_field", "field 'lines': expected an array of order lines");
		return;
	}
	if (!lines && !json_is_object(root)) {
		json_decref(root);
		respond_error(r, 400, "invalid_field", "expected an order line (an object) or {\"lines\": [...]}");
		return;
	}
	size_t n = lines ? json_array_size(lines) : 1;
	if (n == 0 || n > r->srv->cfg.max_batch) {
		json_decref(root);
		respond_error(r, n ? 413 : 400, n ? "batch_too_large" : "invalid_field", "field 'lines': 1 to %zu order lines",
			      r->srv->cfg.max_batch);
		return;
	}
	/* The lines as JSON lines, one object a line, for the order-line reader. */
	sbuf in = {0};
	for (size_t i = 0; i < n; i++) {
		json_t *line = lines ? json_array_get(lines, i) : root;
		char *text = json_is_object(line) ? json_dumps(line, JSON_COMPACT) : NULL;
		sb_puts(&in, text ? text : "[]"); /* not an object: the reader reports the line */
		sb_puts(&in, "\n");
		free(text);
	}
	size_t in_len = 0;
	char *in_text = sb_take(&in, &in_len);
	served_index *ix = index_acquire(&r->srv->index);
	if (!ix || !ix->goods) {
		free(in_text);
		json_decref(root);
		respond_error(r, 503, "unavailable", "goods screening is not available: %s",
			      !ix ? "no lists are loaded" : ix->goods_error);
		index_release(ix);
		return;
	}
	em_goods_reader *rd = NULL;
	if (!in_text || em_goods_reader_new(&rd, "request", in_text, in_len) != 0) {
		free(in_text);
		json_decref(root);
		index_release(ix);
		respond_error(r, 400, "invalid_field", "%s", em_error_last()->message);
		return;
	}
	struct screen_work *w = calloc(1, sizeof *w);
	if (!w || !(w->goods_out = calloc(n, sizeof *w->goods_out)) ||
	    !(w->goods_lines = calloc(n, sizeof *w->goods_lines)) || !(w->goods_sc = calloc(n, sizeof *w->goods_sc)) ||
	    !(w->ptrs = calloc(n, sizeof *w->ptrs))) {
		if (w) {
			free(w->goods_out);
			free(w->goods_lines);
			free(w->goods_sc);
		}
		free(w);
		em_goods_reader_free(rd);
		free(in_text);
		json_decref(root);
		index_release(ix);
		respond_error(r, 500, "internal", "out of memory");
		return;
	}
	w->root = root;
	w->ix = ix;
	w->n = n;
	r->work = w; /* holds the body and the index until the request completes */
	size_t done = 0, screened = 0;
	while (done < n) {
		em_goods_line line;
		size_t lineno = 0;
		const char *bad_id = NULL;
		int rc = em_goods_reader_next(rd, &line, &lineno, &bad_id);
		if (rc == 0 || (rc < 0 && rc != EM_EPARSE))
			break; /* the end of the lines, or a reader that cannot go on */
		size_t k = done++;
		em_goods_result *res = NULL;
		char *json = NULL;
		if (rc > 0 && em_goods_screen(ix->goods, &line, &res) == 0 && (json = em_goods_result_json(res)) &&
		    (w->goods_lines[k] = em_goods_line_json(&line))) {
			w->goods_out[k] = json;
			em_screening *sc = &w->goods_sc[k];
			*sc = (em_screening)EM_SCREENING_INIT;
			sc->kind = "goods";
			sc->who = r->who;
			sc->channel = "api";
			sc->node = r->srv->cfg.node[0] ? r->srv->cfg.node : NULL;
			sc->query_json = w->goods_lines[k];
			sc->results_json = json;
			sc->n_findings = res->n_flags;
			sc->lists = ix->refs_arr;
			sc->n_lists = ix->lists.versions.count;
			sc->tables_json = ix->goods_tables_json;
			w->ptrs[screened++] = sc;
			em_goods_result_free(res);
			continue;
		}
		/* A line not screened: its own record with the error (and its line_id when it has one). */
		free(json);
		em_goods_result_free(res);
		if (rc < 0) {
			json_t *src = lines ? json_array_get(lines, lineno - 1) : root;
			if (!bad_id && json_is_object(src))
				bad_id = json_string_value(json_object_get(src, "line_id"));
		} else {
			bad_id = line.line_id;
		}
		sbuf e = {0};
		sb_printf(&e, "{\"line\":%zu,\"line_id\":", lineno);
		sb_json_str(&e, bad_id);
		sb_puts(&e, ",\"error\":");
		sb_json_str(&e, em_error_last()->message);
		sb_puts(&e, "}");
		w->goods_out[k] = sb_take(&e, NULL);
	}
	em_goods_reader_free(rd);
	free(in_text);
	w->n = done;
	if (screened) {
		submit_for_record(r, w->ptrs, screened, on_goods_recorded);
		return;
	}
	sbuf b = {0};
	render_goods(&b, w);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, 200, text, len);
}

/* ---- entities and lists --------------------------------------------------------------------- */

void handle_entity(request *r, const char *source, const char *id)
{
	served_index *ix = index_acquire(&r->srv->index);
	const em_entity *e = NULL;
	const em_version_info *v = NULL;
	bool have_source = false;
	for (size_t i = 0; ix && i < ix->lists.versions.count && !e; i++) {
		if (strcmp(em_list_source(ix->lists.lists[i]), source) != 0)
			continue;
		have_source = true;
		if ((e = em_list_find(ix->lists.lists[i], id)))
			v = &ix->lists.versions.items[i];
	}
	if (!e) {
		if (!have_source)
			respond_error(r, 404, "not_found", "no list '%s' is loaded (see /v1/lists)", source);
		else
			respond_error(r, 404, "not_found", "list '%s' has no entity '%s'", source, id);
		index_release(ix);
		return;
	}
	char *json = em_entity_to_json(e);
	sbuf b = {0};
	sb_puts(&b, "{\"source\":");
	sb_json_str(&b, v->source);
	sb_id_field(&b, "version_id", v->id);
	sb_field(&b, "sha256", v->sha256);
	sb_puts(&b, ",\"entity\":");
	sb_puts(&b, json ? json : "null");
	sb_puts(&b, "}");
	free(json);
	index_release(ix);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, 200, text, len);
}

void handle_lists(request *r)
{
	served_index *ix = index_acquire(&r->srv->index);
	sbuf b = {0};
	if (ix)
		sb_printf(&b, "{\"generation\":%llu,\"loaded_at\":\"%s\",\"entities\":%zu,\"lists\":%s}",
			  (unsigned long long)ix->generation, ix->loaded_at, ix->entities, ix->versions_json);
	else
		sb_puts(&b, "{\"generation\":0,\"loaded_at\":null,\"entities\":0,\"lists\":[]}");
	index_release(ix);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, 200, text, len);
}

void handle_me(request *r)
{
	sbuf b = {0};
	sb_puts(&b, "{\"name\":");
	sb_json_str(&b, r->who);
	sb_printf(&b, ",\"role\":\"%s\",\"auth\":\"%s\"}", em_role_name(r->role),
		  strcmp(r->who, "anonymous") ? "key" : "open");
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, 200, text, len);
}

void handle_healthz(request *r)
{
	served_index *ix = index_acquire(&r->srv->index);
	bool ok = ix && ix->lists.versions.count > 0;
	sbuf b = {0};
	/* the node screens on the index it holds even while the store is down: report, still 200 */
	int store = atomic_load(&r->srv->store_state);
	sb_printf(&b, "{\"status\":\"%s\",\"generation\":%llu,\"lists\":%zu,\"entities\":%zu,\"uptime_s\":%.0f,"
		      "\"store\":\"%s\"}",
		  ok ? "ok" : "no_lists", ix ? (unsigned long long)ix->generation : 0ULL,
		  ix ? ix->lists.versions.count : 0, ix ? ix->entities : 0, now_unix() - r->srv->started_unix,
		  store == STORE_DOWN ? "unreachable" : "ok");
	index_release(ix);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, ok ? 200 : 503, text, len);
}

/* ---- alerts and decisions ------------------------------------------------------------------ */

static void render_alert(sbuf *b, const em_alert *a)
{
	sb_printf(b, "{\"id\":%lld,\"screening_id\":%lld", (long long)a->id, (long long)a->screening_id);
	sb_field(b, "opened_at", a->opened_at);
	sb_field(b, "customer_ref", a->customer_ref);
	sb_field(b, "query_name", a->query_name);
	sb_field(b, "source", a->source);
	sb_field(b, "source_id", a->source_id);
	sb_field(b, "entity_name", a->entity_name);
	sb_field(b, "entity_hash", a->entity_hash);
	sb_id_field(b, "list_version_id", a->list_version_id);
	sb_printf(b, ",\"score\":%.4f", a->score);
	sb_field(b, "status", em_alert_status_name(a->status));
	sb_field(b, "decided_at", a->decided_at);
	sb_field(b, "decided_by", a->decided_by);
	sb_field(b, "reason", a->reason);
	sb_puts(b, "}");
}

/* Answers a store failure: busy or broken store is 503, the rest as the code says. */
static void respond_store_error(request *r)
{
	const em_error *e = em_error_last();
	switch (e->code) {
	case EM_ENOTFOUND:
		respond_error(r, 404, "not_found", "%s", e->message);
		break;
	case EM_EREFUSED:
		respond_error(r, 409, "conflict", "%s", e->message);
		break;
	case EM_EINVAL:
		respond_error(r, 400, "invalid_field", "%s", e->message);
		break;
	default:
		respond_error(r, 503, "store_unavailable", "%s", e->message);
	}
}

static const char *arg(request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A whole number argument in [lo, hi]; -1 after answering 400. */
static long long num_arg(request *r, const char *name, long long dflt, long long lo, long long hi)
{
	const char *s = arg(r, name);
	if (!s)
		return dflt;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		respond_error(r, 400, "invalid_field", "%s: expected a whole number from %lld to %lld", name, lo, hi);
		return -1;
	}
	return v;
}

void handle_alerts(request *r)
{
	em_alert_filter f = EM_ALERT_FILTER_INIT;
	const char *status = arg(r, "status");
	if (!status || !*status)
		status = "open";
	if (strcmp(status, "all") != 0 && (f.status = em_alert_status_parse(status)) < 0) {
		respond_error(r, 400, "invalid_field", "status: expected open, true_match, false_positive or all");
		return;
	}
	if (!strcmp(status, "all"))
		f.status = -1;
	f.customer_ref = arg(r, "customer_ref");
	long long before = num_arg(r, "before", 0, 1, INT64_MAX), limit = num_arg(r, "limit", 50, 1, 500);
	if (before < 0 || limit < 0)
		return;
	f.before_id = before;
	f.limit = (size_t)limit;
	em_alert_set set = {NULL, 0};
	size_t counts[3];
	pthread_mutex_lock(&r->srv->store_mu);
	int rc = em_alerts_list(r->srv->store, &f, &set);
	if (!rc)
		rc = em_alerts_count(r->srv->store, counts);
	pthread_mutex_unlock(&r->srv->store_mu);
	if (rc) {
		em_alert_set_free(&set);
		respond_store_error(r);
		return;
	}
	sbuf b = {0};
	sb_puts(&b, "{\"alerts\":[");
	for (size_t i = 0; i < set.count; i++) {
		if (i)
			sb_puts(&b, ",");
		render_alert(&b, &set.items[i]);
	}
	sb_printf(&b, "],\"counts\":{\"open\":%zu,\"true_match\":%zu,\"false_positive\":%zu}", counts[0], counts[1],
		  counts[2]);
	if (set.count == f.limit)
		sb_printf(&b, ",\"next_before\":%lld", (long long)set.items[set.count - 1].id);
	sb_puts(&b, "}");
	em_alert_set_free(&set);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, 200, text, len);
}

/* Answers {"alert": {...}} for one alert, with `status`. */
static void respond_alert(request *r, int64_t id, unsigned status)
{
	em_alert_filter f = EM_ALERT_FILTER_INIT;
	f.id = id;
	em_alert_set set = {NULL, 0};
	pthread_mutex_lock(&r->srv->store_mu);
	int rc = em_alerts_list(r->srv->store, &f, &set);
	pthread_mutex_unlock(&r->srv->store_mu);
	if (rc) {
		respond_store_error(r);
		return;
	}
	if (set.count == 0) {
		respond_error(r, 404, "not_found", "no alert %lld", (long long)id);
		return;
	}
	sbuf b = {0};
	sb_puts(&b, "{\"alert\":");
	render_alert(&b, &set.items[0]);
	sb_puts(&b, "}");
	em_alert_set_free(&set);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, status, text, len);
}

void handle_alert(request *r, int64_t id)
{
	respond_alert(r, id, 200);
}

void handle_decision(request *r, int64_t id)
{
	json_t *root = parse_body(r);
	if (!root)
		return;
	problem p;
	const char *decision = NULL, *reason = NULL;
	int d = request_decision(root, &decision, &reason, &p);
	if (d < 0) {
		json_decref(root);
		respond_error(r, p.status, p.code, "%s", p.message);
		return;
	}
	pthread_mutex_lock(&r->srv->store_mu);
	int rc = em_alert_decide(r->srv->store, id, (em_alert_status)d, reason, r->who);
	pthread_mutex_unlock(&r->srv->store_mu);
	if (rc) {
		json_decref(root);
		respond_store_error(r);
		return;
	}
	log_json("info", "alert decided",
		 json_pack("{s:I,s:s,s:s}", "alert", (json_int_t)id, "decision", decision, "who", r->who));
	json_decref(root); /* decision and reason point into it */
	respond_alert(r, id, 200);
}

/* ---- administration -------------------------------------------------------------------------- */

/* Reloads from the store (unless nothing changed) and answers with what is served now. */
static void reload_and_respond(request *r, bool force)
{
	uint64_t gen = 0;
	bool unchanged = false;
	char msg[512];
	if (server_reload(r->srv, force, &gen, &unchanged, msg, sizeof msg)) {
		respond_error(r, 500, "reload_failed", "the lists could not be loaded (the previous ones stay in service): %s",
			      msg);
		return;
	}
	served_index *ix = index_acquire(&r->srv->index);
	sbuf b = {0};
	sb_printf(&b, "{\"generation\":%llu,\"unchanged\":%s,\"entities\":%zu,\"lists\":%s}",
		  (unsigned long long)gen, unchanged ? "true" : "false", ix ? ix->entities : 0,
		  ix ? ix->versions_json : "[]");
	index_release(ix);
	size_t len = 0;
	char *text = sb_take(&b, &len);
	respond_json(r, 200, text, len);
}

void handle_reload(request *r)
{
	const char *force = arg(r, "force");
	reload_and_respond(r, force && (!strcmp(force, "1") || !strcmp(force, "true")));
}

/*
 * Makes a stored version the active one of its source (a newer one, or an older one to roll a
 * bad list back), then serves it here at once; other nodes on the same store hear of it through
 * the store (PostgreSQL NOTIFY, or polling) and reload by themselves.
 */
void handle_activate(request *r, int64_t version_id)
{
	if (r->srv->cfg.n_lists) {
		respond_error(r, 409, "conflict", "this server screens list files given at start, not the store's versions");
		return;
	}
	pthread_mutex_lock(&r->srv->store_mu);
	int rc = em_store_activate(r->srv->store, version_id);
	pthread_mutex_unlock(&r->srv->store_mu);
	if (rc) {
		respond_store_error(r);
		return;
	}
	log_json("info", "version activated", json_pack("{s:I,s:s}", "version_id", (json_int_t)version_id, "who", r->who));
	reload_and_respond(r, false);
}
