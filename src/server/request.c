/*
 * request.c: reading request bodies, apart from HTTP so that a fuzzer can drive it. A body
 * first passes byte-level checks (no NUL, valid UTF-8, nesting no deeper than max_depth: the
 * JSON parser's own limit is in the thousands, which lets a small body cost a deep recursion),
 * then is parsed with duplicate keys refused, then each endpoint's fields are checked strictly:
 * unknown fields, wrong types and out-of-range values are refused with a message naming the
 * field, so a client's mistake never passes silently.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define MAX_NAME_BYTES 1024
#define MAX_FIELD_BYTES 256
#define MAX_REASON_BYTES 4096
#define MAX_LIMIT 100

__attribute__((format(printf, 4, 5))) static int problem_set(problem *p, unsigned status, const char *code,
							      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof p->message, fmt, ap);
	va_end(ap);
	p->status = status;
	p->code = code;
	return -1;
}

/* A 400 about one field: "where.field: what" ("field: what" at the top level). */
static int field_fail(problem *p, const char *code, const char *where, const char *field, const char *what)
{
	return problem_set(p, 400, code, "%s%s%s: %s", where, *where ? "." : "", field, what);
}

static const char *body_check(const char *body, size_t len, unsigned max_depth, const char **message)
{
	if (len == 0) {
		*message = "the request body is empty: send a JSON object";
		return "invalid_json";
	}
	if (memchr(body, '\0', len)) {
		*message = "the request body contains a NUL byte";
		return "invalid_json";
	}
	if (!em_utf8_valid_text(body)) {
		*message = "the request body is not valid UTF-8";
		return "invalid_utf8";
	}
	unsigned depth = 0;
	bool in_string = false, escaped = false;
	for (size_t i = 0; i < len; i++) {
		char c = body[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max_depth) {
				*message = "the JSON is nested too deeply";
				return "json_too_deep";
			}
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
		}
	}
	return NULL;
}

json_t *request_json(const char *body, size_t len, const char *content_type, unsigned max_depth, problem *p)
{
	if (content_type && strncasecmp(content_type, "application/json", 16) != 0) {
		problem_set(p, 415, "unsupported_media_type", "send the body as application/json, not %s", content_type);
		return NULL;
	}
	const char *message = NULL, *code = body_check(body ? body : "", body ? len : 0, max_depth, &message);
	if (code) {
		problem_set(p, 400, code, "%s", message);
		return NULL;
	}
	json_error_t err;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		problem_set(p, 400, "invalid_json", "the body is not valid JSON: %s (line %d, column %d)", err.text,
			    err.line, err.column);
	return root;
}

/* An optional string field: NULL when absent or null; a problem for other types or lengths. */
static int opt_string(json_t *o, const char *key, size_t max, const char **out, const char *where, problem *p)
{
	*out = NULL;
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return field_fail(p, "invalid_field", where, key, "expected a string");
	if (json_string_length(v) > max) {
		char what[64];
		snprintf(what, sizeof what, "longer than %zu bytes", max);
		return field_fail(p, "invalid_field", where, key, what);
	}
	if (strlen(json_string_value(v)) != json_string_length(v))
		return field_fail(p, "invalid_field", where, key, "contains a NUL character");
	*out = json_string_value(v);
	return 0;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Refuses a key of `o` that is not in known[] (named in `expected`). */
static int only_known(json_t *o, const char *const *known, size_t n, const char *expected, const char *where,
		      problem *p)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		bool ok = false;
		for (size_t i = 0; i < n; i++)
			ok |= !strcmp(key, known[i]);
		if (!ok) {
			char what[160];
			snprintf(what, sizeof what, "unknown field (expected %s)", expected);
			return field_fail(p, "unknown_field", where, key, what);
		}
	}
	return 0;
}

int request_query(json_t *o, screen_item *it, const em_server_config *cfg, const char *where, problem *p)
{
	if (!json_is_object(o))
		return field_fail(p, "invalid_field", where, where[0] ? "" : "body", "expected a JSON object");
	static const char *const known[] = {"name", "type", "dob", "country", "ids", "customer_ref",
					    "threshold", "limit"};
	if (only_known(o, known, sizeof known / sizeof known[0],
		       "name, type, dob, country, ids, customer_ref, threshold, limit", where, p))
		return -1;
	const char *name;
	if (opt_string(o, "name", MAX_NAME_BYTES, &name, where, p) ||
	    opt_string(o, "type", MAX_FIELD_BYTES, &it->type_text, where, p) ||
	    opt_string(o, "dob", MAX_FIELD_BYTES, &it->q.dob, where, p) ||
	    opt_string(o, "country", MAX_FIELD_BYTES, &it->q.country, where, p) ||
	    opt_string(o, "customer_ref", MAX_FIELD_BYTES, &it->customer_ref, where, p))
		return -1;
	if (!name)
		return field_fail(p, "missing_field", where, "name", "required: the name to screen");
	if (blank(name))
		return field_fail(p, "invalid_field", where, "name", "is empty");
	it->q.name = name;
	if (it->type_text) {
		it->q.type = em_entity_type_parse(it->type_text);
		if (it->q.type == EM_ENTITY_UNKNOWN)
			return field_fail(p, "invalid_field", where, "type", "expected person, organization, vessel or aircraft");
	}
	if (it->customer_ref && blank(it->customer_ref))
		return field_fail(p, "invalid_field", where, "customer_ref", "is empty");
	json_t *v, *ids = json_object_get(o, "ids");
	if (ids && !json_is_null(ids)) {
		if (!json_is_array(ids))
			return field_fail(p, "invalid_field", where, "ids", "expected an array of strings");
		if (json_array_size(ids) > EM_SERVER_MAX_IDS)
			return field_fail(p, "invalid_field", where, "ids", "at most 20 identifiers");
		size_t i;
		json_array_foreach(ids, i, v)
		{
			if (!json_is_string(v) || json_string_length(v) > MAX_FIELD_BYTES ||
			    strlen(json_string_value(v)) != json_string_length(v))
				return field_fail(p, "invalid_field", where, "ids", "expected strings of at most 256 bytes");
			it->ids[it->q.n_ids++] = json_string_value(v);
		}
		it->q.ids = it->ids;
	}
	it->params = (em_screen_params)EM_SCREEN_PARAMS_INIT;
	it->params.threshold = cfg->threshold;
	it->params.limit = cfg->limit;
	if ((v = json_object_get(o, "threshold")) && !json_is_null(v)) {
		double t = json_number_value(v);
		if (!json_is_number(v) || !(t > 0 && t <= 1))
			return field_fail(p, "invalid_field", where, "threshold", "expected a number above 0 and at most 1");
		it->params.threshold = t;
	}
	if ((v = json_object_get(o, "limit")) && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > MAX_LIMIT)
			return field_fail(p, "invalid_field", where, "limit", "expected a whole number from 1 to 100");
		it->params.limit = (size_t)json_integer_value(v);
	}
	return 0;
}

json_t *request_batch(json_t *root, size_t max_batch, problem *p)
{
	static const char *const known[] = {"queries"};
	if (!json_is_object(root)) {
		problem_set(p, 400, "invalid_field", "body: expected a JSON object {\"queries\": [...]}");
		return NULL;
	}
	if (only_known(root, known, 1, "queries", "", p))
		return NULL;
	json_t *queries = json_object_get(root, "queries");
	if (!queries) {
		field_fail(p, "missing_field", "", "queries", "required: an array of queries");
		return NULL;
	}
	if (!json_is_array(queries) || json_array_size(queries) == 0) {
		field_fail(p, "invalid_field", "", "queries", "expected a non-empty array of queries");
		return NULL;
	}
	if (json_array_size(queries) > max_batch) {
		problem_set(p, 413, "batch_too_large", "queries: %zu queries, at most %zu in one batch",
			    json_array_size(queries), max_batch);
		return NULL;
	}
	return queries;
}

int request_decision(json_t *root, const char **decision, const char **reason, problem *p)
{
	static const char *const known[] = {"decision", "reason"};
	*decision = *reason = NULL;
	if (!json_is_object(root))
		return field_fail(p, "invalid_field", "", "body", "expected a JSON object");
	if (only_known(root, known, 2, "decision, reason", "", p) ||
	    opt_string(root, "decision", MAX_FIELD_BYTES, decision, "", p) ||
	    opt_string(root, "reason", MAX_REASON_BYTES, reason, "", p))
		return -1;
	int d = *decision ? em_alert_status_parse(*decision) : -1;
	if (!*decision)
		return field_fail(p, "missing_field", "", "decision", "required: true_match or false_positive");
	if (d != EM_STATUS_TRUE_MATCH && d != EM_STATUS_FALSE_POSITIVE)
		return field_fail(p, "invalid_field", "", "decision", "expected true_match or false_positive");
	if (d == EM_STATUS_FALSE_POSITIVE && blank(*reason))
		return field_fail(p, "missing_field", "", "reason", "a false positive needs a reason");
	return d;
}
