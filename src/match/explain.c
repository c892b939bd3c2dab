/*
 * explain.c: matches as JSON, the one rendering the CLI, the server and the audit trail share.
 * A match names the listed entity (source, id, primary name, type, programs), the name that
 * matched and the score; its explanation gives the name score with its two coverages, each
 * aligned token pair with its similarity, weight and kind of match, and the adjustments made
 * by the optional query fields.
 */
#include <stdlib.h>

#include <jansson.h>

#include "embargo/em_screen.h"

static double round4(double x)
{
	return (double)(long long)(x * 10000.0 + (x >= 0 ? 0.5 : -0.5)) / 10000.0;
}

static json_t *explanation(const em_match *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "name_score", json_real(round4(m->name_score)));
	json_object_set_new(o, "query_coverage", json_real(round4(m->query_coverage)));
	json_object_set_new(o, "name_coverage", json_real(round4(m->name_coverage)));
	json_object_set_new(o, "matched_name_kind", json_string(em_name_kind_name(m->matched_kind)));
	json_t *toks = json_array();
	for (size_t i = 0; i < m->n_tokens; i++) {
		const em_token_match *t = &m->tokens[i];
		json_t *j = json_object();
		json_object_set_new(j, "query", t->query_token[0] ? json_string(t->query_token) : json_null());
		json_object_set_new(j, "listed", t->listed_token[0] ? json_string(t->listed_token) : json_null());
		json_object_set_new(j, "similarity", json_real(round4(t->similarity)));
		json_object_set_new(j, "weight", json_real(round4(t->weight)));
		json_object_set_new(j, "how", json_string(t->how));
		json_array_append_new(toks, j);
	}
	json_object_set_new(o, "tokens", toks);
	json_t *adj = json_array();
	for (size_t i = 0; i < m->n_adjustments; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "field", json_string(m->adjustments[i].field));
		json_object_set_new(j, "effect", json_real(round4(m->adjustments[i].effect)));
		json_object_set_new(j, "reason", json_string(m->adjustments[i].reason));
		json_array_append_new(adj, j);
	}
	json_object_set_new(o, "adjustments", adj);
	return o;
}

/* Compact, keys in insertion order, scores to six significant digits; NULL when out of memory. */
static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
	json_decref(o);
	return s;
}

char *em_match_explanation_json(const em_match *m)
{
	return dump(explanation(m));
}

static json_t *str_or_empty(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *match_object(const em_match *m)
{
	const em_entity *e = m->entity;
	json_t *o = json_object();
	json_object_set_new(o, "source", str_or_empty(e->source));
	json_object_set_new(o, "source_id", str_or_empty(e->source_id));
	json_object_set_new(o, "name", str_or_empty(e->n_names ? e->names[0].full : NULL));
	json_object_set_new(o, "matched_name", str_or_empty(m->matched_name));
	json_object_set_new(o, "score", json_real(round4(m->score)));
	json_object_set_new(o, "type", json_string(em_entity_type_name(e->type)));
	json_t *progs = json_array();
	for (size_t i = 0; i < e->n_programs; i++)
		json_array_append_new(progs, json_string(e->programs[i]));
	json_object_set_new(o, "programs", progs);
	json_object_set_new(o, "explanation", explanation(m));
	return o;
}

char *em_match_json(const em_match *m)
{
	return dump(match_object(m));
}

char *em_result_matches_json(const em_result *r)
{
	json_t *a = json_array();
	for (size_t i = 0; r && i < r->n_matches; i++)
		json_array_append_new(a, match_object(&r->matches[i]));
	return dump(a);
}
