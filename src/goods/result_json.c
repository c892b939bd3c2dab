/*
 * result_json.c: a goods screening result as one JSON object, the form the command line writes
 * in JSON lines and the server will answer with. Keys come in a fixed order; absent values are
 * null rather than left out, so every record has the same shape.
 */
#include <math.h>
#include <stdlib.h>

#include <jansson.h>

#include "goods.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *source_json(const em_goods_source *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", str_or_null(s->name));
	json_object_set_new(o, "date", str_or_null(s->date));
	json_object_set_new(o, "url", str_or_null(s->url));
	return o;
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *component_json(const em_goods_component *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "component_id", str_or_null(c->component_id));
	json_object_set_new(o, "part", str_or_null(c->part));
	json_object_set_new(o, "match", str_or_null(c->match));
	json_object_set_new(o, "name_marking", str_or_null(c->name_marking));
	json_object_set_new(o, "manufacturer", str_or_null(c->manufacturer));
	json_object_set_new(o, "manufacturer_agrees",
			    c->manufacturer_agrees < 0 ? json_null() : json_boolean(c->manufacturer_agrees));
	json_object_set_new(o, "weapons", strings_json(c->weapons, c->n_weapons));
	json_object_set_new(o, "weapon_name", str_or_null(c->weapon_name));
	json_object_set_new(o, "source_url", str_or_null(c->source_url));
	return o;
}

static json_t *party_json(const em_goods_flag *f)
{
	const em_entity *e = f->entity;
	json_t *o = json_object();
	json_object_set_new(o, "source", str_or_null(e->source));
	json_object_set_new(o, "source_id", str_or_null(e->source_id));
	json_object_set_new(o, "name", str_or_null(e->n_names ? e->names[0].full : NULL));
	json_object_set_new(o, "type", json_string(em_entity_type_name(e->type)));
	json_object_set_new(o, "matched_name", str_or_null(f->matched_name));
	json_object_set_new(o, "score", json_real(round(f->score * 10000) / 10000));
	json_object_set_new(o, "programs", strings_json(e->programs, e->n_programs));
	return o;
}

static json_t *flag_json(const em_goods_flag *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "code", json_string(f->code));
	json_object_set_new(o, "field", str_or_null(f->field));
	json_object_set_new(o, "value", str_or_null(f->value));
	json_object_set_new(o, "reason", str_or_null(f->reason));
	json_object_set_new(o, "source", source_json(&f->source));
	if (f->n_components) {
		json_object_set_new(o, "match", json_string(f->components[0].match));
		json_object_set_new(o, "weapons", strings_json(f->weapons, f->n_weapons));
		json_object_set_new(o, "components_total", json_integer((json_int_t)f->components_total));
		json_t *a = json_array();
		for (size_t i = 0; i < f->n_components; i++)
			json_array_append_new(a, component_json(&f->components[i]));
		json_object_set_new(o, "components", a);
	}
	if (f->entity)
		json_object_set_new(o, "party", party_json(f));
	return o;
}

char *em_goods_result_json(const em_goods_result *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "line_id", str_or_null(r->line_id));
	json_object_set_new(o, "risk", json_string(em_goods_risk_name(r->risk)));
	json_object_set_new(o, "risk_rule", str_or_null(r->risk_rule));
	json_object_set_new(o, "hs6", str_or_null(r->hs6));
	json_t *d = json_object();
	json_object_set_new(d, "code", str_or_null(r->destination));
	json_object_set_new(d, "name", str_or_null(r->destination_name));
	json_object_set_new(o, "destination", d);
	json_t *flags = json_array();
	for (size_t i = 0; i < r->n_flags; i++)
		json_array_append_new(flags, flag_json(&r->flags[i]));
	json_object_set_new(o, "flags", flags);
	json_t *v = json_array();
	for (size_t i = 0; i < r->n_versions; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "name", json_string(r->versions[i].name));
		json_object_set_new(x, "version", json_string(r->versions[i].version));
		json_array_append_new(v, x);
	}
	json_object_set_new(o, "versions", v);
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
}

char *em_goods_line_json(const em_goods_line *l)
{
	json_t *o = json_object();
	const char *const keys[] = {"line_id", "hs_code", "description", "manufacturer", "part_number"};
	const char *const vals[] = {l->line_id, l->hs_code, l->description, l->manufacturer, l->part_number};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (vals[i] && *vals[i])
			json_object_set_new(o, keys[i], json_string(vals[i]));
	if (l->quantity >= 0 && isfinite(l->quantity))
		json_object_set_new(o, "quantity", json_real(l->quantity));
	if (l->unit_value >= 0 && isfinite(l->unit_value))
		json_object_set_new(o, "unit_value", json_real(l->unit_value));
	const char *const keys2[] = {"currency", "destination_country", "consignee", "end_user"};
	const char *const vals2[] = {l->currency, l->destination_country, l->consignee, l->end_user};
	for (size_t i = 0; i < sizeof keys2 / sizeof keys2[0]; i++)
		if (vals2[i] && *vals2[i])
			json_object_set_new(o, keys2[i], json_string(vals2[i]));
	if (l->n_intermediate)
		json_object_set_new(o, "intermediate_countries", strings_json(l->intermediate_countries, l->n_intermediate));
	if (l->payer_country && *l->payer_country)
		json_object_set_new(o, "payer_country", json_string(l->payer_country));
	if (l->end_use && *l->end_use)
		json_object_set_new(o, "end_use", json_string(l->end_use));
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(o);
	return s;
}

char *em_goods_tables_json(const em_goods *g)
{
	const em_goods_version *v;
	size_t n;
	em_goods_get_versions(g, &v, &n);
	size_t tables = goods_table_versions(g);
	json_t *a = json_array();
	for (size_t i = 0; i < tables && i < n; i++) {
		json_t *x = json_object();
		json_object_set_new(x, "source", json_string(v[i].name));
		json_object_set_new(x, "version", json_string(v[i].version));
		json_array_append_new(a, x);
	}
	char *s = json_dumps(a, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(a);
	return s;
}
