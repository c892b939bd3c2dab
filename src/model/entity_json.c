/*
 * entity_json.c: the canonical JSON form of an entity, and back. The store keeps this text,
 * `lists diff` compares it field by field and the API returns it, so the key order is fixed
 * and empty fields are left out: two equal entities always give byte-identical JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model.h"

static const char *const date_kind_names[] = {"exact", "year_month", "year", "range", "text"};

static void put_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static void put_strings(json_t *o, const char *key, const char *const *v, size_t n)
{
	if (!n)
		return;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	json_object_set_new(o, key, a);
}

char *em_entity_to_json(const em_entity *e)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	put_str(o, "source", e->source);
	put_str(o, "id", e->source_id);
	json_object_set_new(o, "type", json_string(em_entity_type_name(e->type)));
	json_t *names = json_array();
	for (size_t i = 0; i < e->n_names; i++) {
		const em_name *n = &e->names[i];
		json_t *j = json_object();
		json_object_set_new(j, "kind", json_string(em_name_kind_name(n->kind)));
		put_str(j, "name", n->full);
		put_str(j, "given", n->given);
		put_str(j, "family", n->family);
		put_str(j, "lang", n->lang);
		json_array_append_new(names, j);
	}
	json_object_set_new(o, "names", names);
	if (e->n_birth_dates) {
		json_t *a = json_array();
		for (size_t i = 0; i < e->n_birth_dates; i++) {
			const em_date *d = &e->birth_dates[i];
			json_t *j = json_object();
			put_str(j, "text", d->text);
			json_object_set_new(j, "kind", json_string(date_kind_names[d->kind <= EM_DATE_TEXT ? d->kind : EM_DATE_TEXT]));
			if (d->year)
				json_object_set_new(j, "year", json_integer(d->year));
			if (d->month)
				json_object_set_new(j, "month", json_integer(d->month));
			if (d->day)
				json_object_set_new(j, "day", json_integer(d->day));
			if (d->year2)
				json_object_set_new(j, "year2", json_integer(d->year2));
			if (d->month2)
				json_object_set_new(j, "month2", json_integer(d->month2));
			if (d->day2)
				json_object_set_new(j, "day2", json_integer(d->day2));
			if (d->circa)
				json_object_set_new(j, "circa", json_true());
			json_array_append_new(a, j);
		}
		json_object_set_new(o, "birth_dates", a);
	}
	put_strings(o, "birth_places", e->birth_places, e->n_birth_places);
	put_strings(o, "nationalities", e->nationalities, e->n_nationalities);
	put_strings(o, "citizenships", e->citizenships, e->n_citizenships);
	if (e->n_addresses) {
		json_t *a = json_array();
		for (size_t i = 0; i < e->n_addresses; i++) {
			const em_address *ad = &e->addresses[i];
			json_t *j = json_object();
			put_str(j, "full", ad->full);
			put_str(j, "street", ad->street);
			put_str(j, "city", ad->city);
			put_str(j, "region", ad->region);
			put_str(j, "postal_code", ad->postal_code);
			put_str(j, "country", ad->country);
			json_array_append_new(a, j);
		}
		json_object_set_new(o, "addresses", a);
	}
	if (e->n_ids) {
		json_t *a = json_array();
		for (size_t i = 0; i < e->n_ids; i++) {
			const em_identifier *id = &e->ids[i];
			json_t *j = json_object();
			json_object_set_new(j, "type", json_string(em_id_type_name(id->type)));
			put_str(j, "label", id->label);
			put_str(j, "value", id->value);
			put_str(j, "country", id->country);
			put_str(j, "note", id->note);
			json_array_append_new(a, j);
		}
		json_object_set_new(o, "ids", a);
	}
	put_strings(o, "programs", e->programs, e->n_programs);
	if (e->n_relations) {
		json_t *a = json_array();
		for (size_t i = 0; i < e->n_relations; i++) {
			json_t *j = json_object();
			put_str(j, "relation", e->relations[i].relation);
			put_str(j, "target", e->relations[i].target);
			json_array_append_new(a, j);
		}
		json_object_set_new(o, "relations", a);
	}
	if (e->n_attributes) {
		json_t *a = json_array();
		for (size_t i = 0; i < e->n_attributes; i++) {
			json_t *j = json_object();
			put_str(j, "key", e->attributes[i].key);
			put_str(j, "value", e->attributes[i].value);
			json_array_append_new(a, j);
		}
		json_object_set_new(o, "attributes", a);
	}
	put_str(o, "listed_on", e->listed_on);
	put_str(o, "gender", e->gender);
	put_str(o, "remarks", e->remarks);
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	return s;
}

static const char *get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int get_int(json_t *o, const char *key)
{
	return (int)json_integer_value(json_object_get(o, key));
}

static int add_strings(em_list *l, em_entity *e, json_t *o, const char *key, em_string_field f)
{
	json_t *a = json_object_get(o, key);
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		int rc = em_entity_add_string(l, e, f, json_string_value(v));
		if (rc)
			return rc;
	}
	return 0;
}

int em_entity_from_json(em_list *l, const char *text, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb(text, len, 0, &err);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return em_fail(EM_EPARSE, "stored entity: bad JSON at line %d column %d: %s", err.line,
			       err.column, err.text);
	}
	em_entity *e = em_list_add(l);
	if (!e) {
		json_decref(o);
		return EM_ENOMEM;
	}
	int rc = 0;
	const char *source = get_str(o, "source");
	if (source && (!l->source || strcmp(source, l->source) != 0))
		e->source = em_list_str(l, source);
	em_entity_set_id(l, e, get_str(o, "id"));
	e->type = em_entity_type_parse(get_str(o, "type"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "names"), i, v)
	{
		rc = em_entity_add_name(l, e, em_name_kind_parse(get_str(v, "kind")), get_str(v, "name"),
					get_str(v, "given"), get_str(v, "family"), get_str(v, "lang"));
		if (rc)
			goto out;
	}
	json_array_foreach(json_object_get(o, "birth_dates"), i, v)
	{
		em_date d = {0};
		const char *k = get_str(v, "kind");
		d.kind = EM_DATE_TEXT;
		for (int n = 0; n < 5; n++)
			if (k && strcmp(k, date_kind_names[n]) == 0)
				d.kind = (em_date_kind)n;
		d.year = get_int(v, "year"), d.month = get_int(v, "month"), d.day = get_int(v, "day");
		d.year2 = get_int(v, "year2"), d.month2 = get_int(v, "month2"), d.day2 = get_int(v, "day2");
		d.circa = json_is_true(json_object_get(v, "circa"));
		d.text = get_str(v, "text");
		if ((rc = em_entity_add_date(l, e, &d)))
			goto out;
	}
	if ((rc = add_strings(l, e, o, "birth_places", EM_FIELD_BIRTH_PLACE)) ||
	    (rc = add_strings(l, e, o, "nationalities", EM_FIELD_NATIONALITY)) ||
	    (rc = add_strings(l, e, o, "citizenships", EM_FIELD_CITIZENSHIP)) ||
	    (rc = add_strings(l, e, o, "programs", EM_FIELD_PROGRAM)))
		goto out;
	json_array_foreach(json_object_get(o, "addresses"), i, v)
	{
		em_address a = {get_str(v, "street"), get_str(v, "city"), get_str(v, "region"),
				 get_str(v, "postal_code"), get_str(v, "country"), get_str(v, "full")};
		if ((rc = em_entity_add_address(l, e, &a)))
			goto out;
	}
	json_array_foreach(json_object_get(o, "ids"), i, v)
	{
		rc = em_entity_add_id(l, e, em_id_type_parse(get_str(v, "type")), get_str(v, "label"),
				      get_str(v, "value"), get_str(v, "country"), get_str(v, "note"));
		if (rc)
			goto out;
	}
	json_array_foreach(json_object_get(o, "relations"), i, v)
	{
		if ((rc = em_entity_add_relation(l, e, get_str(v, "relation"), get_str(v, "target"))))
			goto out;
	}
	json_array_foreach(json_object_get(o, "attributes"), i, v)
	{
		if ((rc = em_entity_add_attribute(l, e, get_str(v, "key"), get_str(v, "value"))))
			goto out;
	}
	em_entity_set_listed_on(l, e, get_str(o, "listed_on"));
	e->gender = em_list_str(l, get_str(o, "gender"));
	em_entity_set_remarks(l, e, get_str(o, "remarks"));
out:
	json_decref(o);
	return rc;
}
