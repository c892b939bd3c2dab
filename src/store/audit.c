/*
 * audit.c: the front of the audit trail, alerts and customers (em_audit.h). It turns
 * screenings into rows before any transaction starts (query and list versions as JSON, each
 * alerting match with the SHA-256 of its entity's canonical JSON) and holds the alert policy
 * every backend runs inside its recording transaction, so nodes on one database decide alike.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "backend.h"

static const char *const outcome_names[] = {"none", "opened", "pending", "suppressed", "confirmed"};
static const char *const status_names[] = {"open", "true_match", "false_positive"};

const char *em_alert_outcome_name(em_alert_outcome o)
{
	return o >= EM_OUTCOME_NONE && o <= EM_OUTCOME_CONFIRMED ? outcome_names[o] : "none";
}

const char *em_alert_status_name(em_alert_status s)
{
	return s >= EM_STATUS_OPEN && s <= EM_STATUS_FALSE_POSITIVE ? status_names[s] : "open";
}

int em_alert_status_parse(const char *name)
{
	for (int i = 0; name && i <= EM_STATUS_FALSE_POSITIVE; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return -1;
}

/* --- recording ------------------------------------------------------------------------ */

/*
 * Runs inside the backend's transaction for each alerting match of a customer: unchanged
 * matches of a re-screening are quiet; an open alert absorbs the match; a decision stands
 * while the listed entry is the same one that was decided.
 */
static em_alert_outcome alert_policy(const em_store_screening_row *s, const em_store_alert_row *a,
				     const em_store_prior *prior)
{
	if (s->only_changed && prior->match_hash && !strcmp(prior->match_hash, a->entity_hash))
		return EM_OUTCOME_NONE;
	if (prior->alert_id) {
		if (prior->alert_status == EM_STATUS_OPEN)
			return EM_OUTCOME_PENDING;
		if (prior->alert_hash && !strcmp(prior->alert_hash, a->entity_hash))
			return prior->alert_status == EM_STATUS_FALSE_POSITIVE ? EM_OUTCOME_SUPPRESSED
									       : EM_OUTCOME_CONFIRMED;
	}
	return EM_OUTCOME_OPENED;
}

static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static void put(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static json_t *ids_array(const em_query *q)
{
	json_t *a = json_array();
	for (size_t i = 0; q && i < q->n_ids; i++)
		if (q->ids[i] && *q->ids[i])
			json_array_append_new(a, json_string(q->ids[i]));
	return a;
}

static char *query_json(const em_query *q)
{
	json_t *o = json_object();
	put(o, "name", q->name);
	if (q->type != EM_ENTITY_UNKNOWN)
		put(o, "type", em_entity_type_name(q->type));
	put(o, "dob", q->dob);
	put(o, "country", q->country);
	if (q->n_ids)
		json_object_set_new(o, "ids", ids_array(q));
	return dump(o);
}

static char *lists_json_of(const em_list_ref *lists, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "source", json_string(lists[i].source ? lists[i].source : ""));
		json_object_set_new(o, "version_id", lists[i].version_id ? json_integer(lists[i].version_id)
									 : json_null());
		json_object_set_new(o, "sha256", json_string(lists[i].sha256 ? lists[i].sha256 : ""));
		json_array_append_new(a, o);
	}
	return dump(a);
}

/* Everything a row owns, freed together. */
typedef struct row_mem {
	char *query_json, *ids_json, *lists_json, *results_json;
	char (*hashes)[65];
	double alert_at;  /* the alert threshold the rows were made with */
} row_mem;

static void rows_free(em_store_screening_row *rows, row_mem *mem, size_t n)
{
	for (size_t i = 0; rows && i < n; i++) {
		free(mem[i].query_json);
		free(mem[i].ids_json);
		free(mem[i].lists_json);
		free(mem[i].results_json);
		free(mem[i].hashes);
		free(rows[i].alerts);
	}
	free(rows);
	free(mem);
}

static int64_t version_of(const em_screening *sc, const char *source)
{
	for (size_t i = 0; i < sc->n_lists; i++)
		if (sc->lists[i].source && source && !strcmp(sc->lists[i].source, source))
			return sc->lists[i].version_id;
	return 0;
}

/* The party list versions followed by the goods tables (a JSON array, or NULL: none). */
static char *goods_lists_json(const em_screening *sc)
{
	json_t *a = NULL;
	char *lists = lists_json_of(sc->lists, sc->n_lists);
	if (lists)
		a = json_loads(lists, 0, NULL);
	free(lists);
	json_t *tables = sc->tables_json ? json_loads(sc->tables_json, 0, NULL) : NULL;
	if (a && json_is_array(tables))
		json_array_extend(a, tables);
	json_decref(tables);
	return dump(a);
}

/* A goods screening: the caller made the order line's and the result's JSON; no alerts, no
 * customer. */
static int make_goods_row(const em_screening *sc, const char *node, const char *now, em_store_screening_row *r,
			  row_mem *m)
{
	if (!(m->lists_json = goods_lists_json(sc)))
		return em_fail(EM_ENOMEM, "out of memory recording a goods screening");
	r->kind = "goods";
	r->screened_at = now;
	r->who = sc->who && *sc->who ? sc->who : "cli";
	r->channel = sc->channel && *sc->channel ? sc->channel : "cli";
	r->node = node;
	r->query_json = sc->query_json;
	r->lists_json = m->lists_json;
	r->results_json = sc->results_json;
	r->threshold = sc->threshold > 0 ? sc->threshold : EM_SCREEN_DEFAULT_THRESHOLD;
	r->match_count = sc->n_findings;
	return 0;
}

static int is_goods(const em_screening *sc)
{
	return sc->kind && !strcmp(sc->kind, "goods");
}

/* `lists_json`: the JSON of sc->lists when the previous screening had the same (a server's
 * batch shares one index), or NULL to make it. */
static int make_row(const em_screening *sc, const char *node, const char *now, const char *lists_json,
		    em_store_screening_row *r, row_mem *m)
{
	const em_query *q = sc->query;
	const em_result *res = sc->result;
	size_t n_matches = res ? res->n_matches : 0;
	double alert_at = sc->alert_threshold > 0 ? sc->alert_threshold : EM_SCREEN_DEFAULT_THRESHOLD;
	m->alert_at = alert_at;
	if (!(m->query_json = query_json(q)) || !(m->ids_json = dump(ids_array(q))) ||
	    (!lists_json && !(m->lists_json = lists_json_of(sc->lists, sc->n_lists))) ||
	    (!sc->results_json && !(m->results_json = em_result_matches_json(res))))
		return em_fail(EM_ENOMEM, "out of memory recording a screening");
	size_t n_alerts = 0;
	for (size_t i = 0; i < n_matches; i++)
		n_alerts += res->matches[i].score >= alert_at;
	if (n_alerts && (!(r->alerts = calloc(n_alerts, sizeof *r->alerts)) ||
			 !(m->hashes = calloc(n_alerts, sizeof *m->hashes))))
		return em_fail(EM_ENOMEM, "out of memory recording a screening");
	for (size_t i = 0, k = 0; i < n_matches; i++) {
		const em_match *mt = &res->matches[i];
		if (mt->score < alert_at)
			continue;
		const em_entity *e = mt->entity;
		char *json = em_entity_to_json(e);
		if (!json)
			return em_fail(EM_ENOMEM, "out of memory recording a screening");
		em_sha256_hex(json, strlen(json), m->hashes[k]);
		free(json);
		r->alerts[k] = (em_store_alert_row){e->source ? e->source : "", e->source_id ? e->source_id : "",
						    e->n_names ? e->names[0].full : "", m->hashes[k],
						    version_of(sc, e->source), mt->score, {EM_OUTCOME_NONE, 0}};
		k++;
	}
	r->n_alerts = n_alerts;
	r->kind = "party";
	r->screened_at = now;
	r->who = sc->who && *sc->who ? sc->who : "cli";
	r->channel = sc->channel && *sc->channel ? sc->channel : "cli";
	r->node = node;
	r->customer_ref = sc->customer_ref && *sc->customer_ref ? sc->customer_ref : NULL;
	r->query_name = q->name;
	r->query_type = q->type != EM_ENTITY_UNKNOWN ? em_entity_type_name(q->type) : NULL;
	r->query_dob = q->dob && *q->dob ? q->dob : NULL;
	r->query_country = q->country && *q->country ? q->country : NULL;
	r->query_ids_json = m->ids_json;
	r->query_json = m->query_json;
	r->lists_json = lists_json ? lists_json : m->lists_json;
	r->results_json = sc->results_json ? sc->results_json : m->results_json;
	r->threshold = sc->threshold > 0 ? sc->threshold : EM_SCREEN_DEFAULT_THRESHOLD;
	r->match_count = n_matches;
	r->only_changed = sc->only_changed;
	return 0;
}

int em_audit_record(em_store *s, em_screening *const *items, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (items[i]->version != EM_SCREENING_VERSION)
			return em_fail(EM_EINVAL, "em_audit_record: screening version %u, expected %u",
				       items[i]->version, EM_SCREENING_VERSION);
		const em_screening *sc = items[i];
		if (sc->kind && strcmp(sc->kind, "party") && strcmp(sc->kind, "goods"))
			return em_fail(EM_EINVAL, "em_audit_record: screening %zu: kind '%s' (party or goods)",
				       i + 1, sc->kind);
		if (is_goods(sc) ? !sc->query_json || !sc->results_json : !sc->query || !sc->query->name)
			return em_fail(EM_EINVAL, "em_audit_record: screening %zu has no %s", i + 1,
				       is_goods(sc) ? "order line or result JSON" : "query name");
	}
	char host[256] = "";
	const char *node = NULL;
	char now[32];
	em_store_now_ms(now);
	em_store_screening_row *rows = calloc(n, sizeof *rows);
	row_mem *mem = calloc(n, sizeof *mem);
	if (!rows || !mem) {
		rows_free(rows, mem, 0);
		return em_fail(EM_ENOMEM, "out of memory recording %zu screenings", n);
	}
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		node = items[i]->node;
		if (!node || !*node) {
			if (!host[0] && gethostname(host, sizeof host - 1) != 0)
				snprintf(host, sizeof host, "localhost");
			node = host;
		}
		if (is_goods(items[i])) {
			rc = make_goods_row(items[i], node, now, &rows[i], &mem[i]);
			continue;
		}
		int same_lists = i > 0 && !is_goods(items[i - 1]) && items[i]->lists == items[i - 1]->lists &&
				 items[i]->n_lists == items[i - 1]->n_lists;
		rc = make_row(items[i], node, now, same_lists ? rows[i - 1].lists_json : NULL, &rows[i], &mem[i]);
	}
	if (!rc)
		rc = s->ops->record(s->db, rows, n, alert_policy);
	for (size_t i = 0; !rc && i < n; i++) {
		items[i]->id = rows[i].id;
		if (!items[i]->alerts)
			continue;
		const em_result *res = items[i]->result;
		/* alert rows were made in match order from the matches at or above alert_at */
		for (size_t m = 0, k = 0; res && m < res->n_matches; m++)
			items[i]->alerts[m] = res->matches[m].score >= mem[i].alert_at && k < rows[i].n_alerts
						      ? rows[i].alerts[k++].result
						      : (em_alert_ref){EM_OUTCOME_NONE, 0};
	}
	rows_free(rows, mem, n);
	return rc;
}

/* --- audit export ---------------------------------------------------------------------- */

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Turns a bound into the stored form at full precision: a date covers its whole day, a time
 * without fractions its whole second. Stored times sort as text, so bounds compare directly.
 */
static int audit_bound(const char *in, int upper, char out[32], const char *what)
{
	size_t n = strlen(in);
	char frac[4] = "000";
	if (n == 10 && digits(in, 4) && in[4] == '-' && digits(in + 5, 2) && in[7] == '-' && digits(in + 8, 2)) {
		snprintf(out, 32, "%sT%s", in, upper ? "23:59:59.999Z" : "00:00:00.000Z");
		return 0;
	}
	if (n >= 19 && digits(in, 4) && in[4] == '-' && digits(in + 5, 2) && in[7] == '-' &&
	    digits(in + 8, 2) && in[10] == 'T' && digits(in + 11, 2) && in[13] == ':' &&
	    digits(in + 14, 2) && in[16] == ':' && digits(in + 17, 2)) {
		const char *p = in + 19;
		if (upper)
			memcpy(frac, "999", 3);
		if (*p == '.') {
			size_t k = 0;
			for (p++; isdigit((unsigned char)*p); p++, k++)
				if (k < 3)
					frac[k] = *p;
			for (; k < 3; k++)
				frac[k] = upper ? '9' : '0';
		}
		if (*p == 'Z')
			p++;
		if (!*p) {
			snprintf(out, 32, "%.19s.%sZ", in, frac);
			return 0;
		}
	}
	return em_fail(EM_EINVAL, "%s '%s': expected a date (2024-05-03) or a UTC time (2024-05-03T14:05:09Z)",
		       what, in);
}

int em_audit_scan(em_store *s, const char *from, const char *to, em_audit_fn fn, void *ctx)
{
	char lo[32], hi[32];
	int rc;
	if (from && (rc = audit_bound(from, 0, lo, "from")))
		return rc;
	if (to && (rc = audit_bound(to, 1, hi, "to")))
		return rc;
	if (from && to && strcmp(lo, hi) > 0)
		return em_fail(EM_EINVAL, "from '%s' is after to '%s'", from, to);
	return s->ops->audit_scan(s->db, from ? lo : NULL, to ? hi : NULL, fn, ctx);
}

/* --- alerts ---------------------------------------------------------------------------- */

static void alert_free(em_alert *a)
{
	free((char *)a->opened_at);
	free((char *)a->customer_ref);
	free((char *)a->query_name);
	free((char *)a->source);
	free((char *)a->source_id);
	free((char *)a->entity_name);
	free((char *)a->entity_hash);
	free((char *)a->decided_at);
	free((char *)a->decided_by);
	free((char *)a->reason);
}

/* strdup keeping NULL; sets *bad when out of memory. */
static const char *copy(const char *v, int *bad)
{
	if (!v)
		return NULL;
	char *c = strdup(v);
	if (!c)
		*bad = 1;
	return c;
}

int em_alert_set_add(em_alert_set *set, const em_alert *a)
{
	em_alert *items = realloc(set->items, (set->count + 1) * sizeof *items);
	if (!items)
		return em_fail(EM_ENOMEM, "out of memory listing alerts");
	set->items = items;
	em_alert *c = &items[set->count];
	int bad = 0;
	*c = *a;
	c->opened_at = copy(a->opened_at ? a->opened_at : "", &bad);
	c->customer_ref = copy(a->customer_ref, &bad);
	c->query_name = copy(a->query_name ? a->query_name : "", &bad);
	c->source = copy(a->source ? a->source : "", &bad);
	c->source_id = copy(a->source_id ? a->source_id : "", &bad);
	c->entity_name = copy(a->entity_name ? a->entity_name : "", &bad);
	c->entity_hash = copy(a->entity_hash ? a->entity_hash : "", &bad);
	c->decided_at = copy(a->decided_at, &bad);
	c->decided_by = copy(a->decided_by, &bad);
	c->reason = copy(a->reason, &bad);
	if (bad) {
		alert_free(c);
		return em_fail(EM_ENOMEM, "out of memory listing alerts");
	}
	set->count++;
	return 0;
}

void em_alert_set_free(em_alert_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		alert_free(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

int em_alerts_list(em_store *s, const em_alert_filter *filter, em_alert_set *out)
{
	em_alert_filter f = EM_ALERT_FILTER_INIT;
	if (filter)
		f = *filter;
	if (f.limit == 0)
		f.limit = 100;
	if (f.status > EM_STATUS_FALSE_POSITIVE)
		return em_fail(EM_EINVAL, "em_alerts_list: status %d", f.status);
	out->items = NULL;
	out->count = 0;
	int rc = s->ops->alerts(s->db, &f, out);
	if (rc)
		em_alert_set_free(out);
	return rc;
}

int em_alerts_count(em_store *s, size_t out[3])
{
	out[0] = out[1] = out[2] = 0;
	return s->ops->alerts_count(s->db, out);
}

int em_alert_decide(em_store *s, int64_t alert_id, em_alert_status decision, const char *reason,
		    const char *who)
{
	if (decision != EM_STATUS_TRUE_MATCH && decision != EM_STATUS_FALSE_POSITIVE)
		return em_fail(EM_EINVAL, "alert %lld: the decision must be true_match or false_positive",
			       (long long)alert_id);
	int blank = 1;
	for (const char *p = reason; p && *p; p++)
		if (!isspace((unsigned char)*p))
			blank = 0;
	if (decision == EM_STATUS_FALSE_POSITIVE && blank)
		return em_fail(EM_EINVAL, "alert %lld: a false positive needs a reason", (long long)alert_id);
	if (!who || !*who)
		return em_fail(EM_EINVAL, "alert %lld: who decided is required", (long long)alert_id);
	char now[32];
	em_store_now_ms(now);
	return s->ops->decide(s->db, alert_id, decision, blank ? NULL : reason, who, now);
}

/* --- customers ------------------------------------------------------------------------- */

static void customer_free(em_customer *c)
{
	free((char *)c->ref);
	free((char *)c->name);
	free((char *)c->type);
	free((char *)c->dob);
	free((char *)c->country);
	free((char *)c->last_screened_at);
	for (size_t i = 0; i < c->n_ids; i++)
		free((char *)c->ids[i]);
	free((void *)c->ids);
}

int em_customer_set_add(em_customer_set *set, const em_customer *c, const char *ids_json)
{
	em_customer *items = realloc(set->items, (set->count + 1) * sizeof *items);
	if (!items)
		return em_fail(EM_ENOMEM, "out of memory listing customers");
	set->items = items;
	em_customer *d = &items[set->count];
	memset(d, 0, sizeof *d);
	int bad = 0;
	d->ref = copy(c->ref ? c->ref : "", &bad);
	d->name = copy(c->name ? c->name : "", &bad);
	d->type = copy(c->type, &bad);
	d->dob = copy(c->dob, &bad);
	d->country = copy(c->country, &bad);
	d->last_screened_at = copy(c->last_screened_at ? c->last_screened_at : "", &bad);
	json_t *a = ids_json ? json_loads(ids_json, 0, NULL) : NULL;
	size_t n = json_is_array(a) ? json_array_size(a) : 0;
	const char **ids = n ? calloc(n, sizeof *ids) : NULL;
	if (n && !ids)
		bad = 1;
	for (size_t i = 0; ids && i < n; i++) {
		const char *v = json_string_value(json_array_get(a, i));
		if (v)
			ids[d->n_ids++] = copy(v, &bad);
	}
	d->ids = ids;
	json_decref(a);
	if (bad) {
		customer_free(d);
		return em_fail(EM_ENOMEM, "out of memory listing customers");
	}
	set->count++;
	return 0;
}

void em_customer_set_free(em_customer_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		customer_free(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

int em_customers_page(em_store *s, const char *after, size_t limit, em_customer_set *out)
{
	out->items = NULL;
	out->count = 0;
	int rc = s->ops->customers(s->db, after, limit ? limit : 1000, out);
	if (rc)
		em_customer_set_free(out);
	return rc;
}
