/*
 * explain.c: a match's explanation as JSON: the name score with its two coverages, each
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

char *em_match_explanation_json(const em_match *m)
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
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
}
