/*
 * diff.c: what changed between two versions of a list. Entities are matched by their list id;
 * one counts as changed when its canonical JSON (em_entity_to_json) differs, and the change is
 * then broken down over the top-level keys of that JSON ("names", "ids", "remarks"...), each
 * reported with its old and new value as JSON text. Everything the diff hands out lives in
 * one arena freed by em_diff_free().
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "embargo/em_diff.h"
#include "util/util.h"

typedef struct change_vec {
	em_entity_change *items;
	size_t n, cap;
} change_vec;

/* The public struct comes first so an em_diff pointer is also a diff_impl pointer. */
typedef struct diff_impl {
	em_diff pub;
	em_arena arena;
	change_vec added, removed, changed;
} diff_impl;

static em_entity_change *vec_push(change_vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		em_entity_change *p = realloc(v->items, cap * sizeof *p);
		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	em_entity_change *c = &v->items[v->n++];
	memset(c, 0, sizeof *c);
	return c;
}

void em_diff_free(em_diff *diff)
{
	diff_impl *d = (diff_impl *)diff;
	if (!d)
		return;
	free(d->added.items);
	free(d->removed.items);
	free(d->changed.items);
	em_arena_free(&d->arena);
	free(d);
}

/* Maps every id of the list to its index; a list with a repeated id cannot be compared. */
static int index_ids(const em_list *l, em_strmap *m)
{
	for (size_t i = 0; i < em_list_count(l); i++) {
		const char *id = em_list_entity(l, i)->source_id;
		if (!id)
			return em_fail(EM_EINVAL, "%s: entity %zu has no list id", em_list_path(l), i + 1);
		if (em_strmap_get(m, id, NULL))
			return em_fail(EM_EINVAL, "%s: id '%s' appears twice", em_list_path(l), id);
		int rc = em_strmap_put(m, id, i);
		if (rc)
			return rc;
	}
	return 0;
}

static const char *primary_name(const em_entity *e)
{
	return e->n_names ? e->names[0].full : NULL;
}

/* A JSON value as compact text in the arena, or NULL for an absent value. */
static int dump_value(em_arena *a, json_t *v, const char **out)
{
	*out = NULL;
	if (!v)
		return 0;
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (!s)
		return EM_ENOMEM;
	*out = em_arena_strdup(a, s);
	free(s);
	return *out ? 0 : EM_ENOMEM;
}

/* Appends a field change to the growable array *fields (count *n, capacity *cap). */
static int add_field(em_arena *a, em_field_change **fields, size_t *n, size_t *cap, const char *key,
		     json_t *old_v, json_t *new_v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		em_field_change *p = realloc(*fields, c * sizeof *p);
		if (!p)
			return EM_ENOMEM;
		*fields = p;
		*cap = c;
	}
	em_field_change *f = &(*fields)[*n];
	if (!(f->field = em_arena_strdup(a, key)) || dump_value(a, old_v, &f->old_json) ||
	    dump_value(a, new_v, &f->new_json))
		return EM_ENOMEM;
	(*n)++;
	return 0;
}

/* Fills c->fields with the top-level keys whose values differ: new key order, then keys gone. */
static int field_changes(diff_impl *d, const char *old_json, const char *new_json, em_entity_change *c)
{
	json_error_t err;
	json_t *o = json_loads(old_json, 0, &err), *n = json_loads(new_json, 0, &err);
	em_field_change *fields = NULL;
	size_t nf = 0, cap = 0;
	int rc = 0;
	if (!json_is_object(o) || !json_is_object(n)) {
		rc = em_fail(EM_ERROR, "entity '%s': canonical JSON did not parse: %s", c->source_id,
			     err.text);
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(n, key, v)
	{
		json_t *ov = json_object_get(o, key);
		if (!json_equal(ov, v) && (rc = add_field(&d->arena, &fields, &nf, &cap, key, ov, v)))
			goto out;
	}
	json_object_foreach(o, key, v)
	{
		if (!json_object_get(n, key) && (rc = add_field(&d->arena, &fields, &nf, &cap, key, v, NULL)))
			goto out;
	}
	if (nf) {
		em_field_change *kept = em_arena_alloc(&d->arena, nf * sizeof *kept);
		if (!kept) {
			rc = EM_ENOMEM;
			goto out;
		}
		memcpy(kept, fields, nf * sizeof *kept);
		c->fields = kept;
		c->n_fields = nf;
	}
out:
	free(fields);
	json_decref(o);
	json_decref(n);
	return rc;
}

/* Records an added or removed entity (id and name only). */
static int push_entity(diff_impl *d, change_vec *v, const em_entity *e)
{
	em_entity_change *c = vec_push(v);
	if (!c)
		return EM_ENOMEM;
	c->source_id = em_arena_strdup(&d->arena, e->source_id);
	const char *name = primary_name(e);
	c->name = name ? em_arena_strdup(&d->arena, name) : NULL;
	return c->source_id && (!name || c->name) ? 0 : EM_ENOMEM;
}

/* Compares one entity present in both lists; records it when its canonical JSON differs. */
static int compare(diff_impl *d, const em_entity *old_e, const em_entity *new_e)
{
	char *oj = em_entity_to_json(old_e), *nj = em_entity_to_json(new_e);
	int rc = 0;
	if (!oj || !nj) {
		rc = EM_ENOMEM;
	} else if (strcmp(oj, nj) != 0) {
		rc = push_entity(d, &d->changed, new_e);
		if (!rc)
			rc = field_changes(d, oj, nj, &d->changed.items[d->changed.n - 1]);
	}
	free(oj);
	free(nj);
	return rc;
}

int em_list_diff(const em_list *old_list, const em_list *new_list, em_diff **out)
{
	*out = NULL;
	if (!old_list || !new_list)
		return em_fail(EM_EINVAL, "em_list_diff: two lists are required");
	diff_impl *d = calloc(1, sizeof *d);
	if (!d)
		return em_fail(EM_ENOMEM, "out of memory");
	em_arena_init(&d->arena);
	em_strmap old_ids = {0}, new_ids = {0};
	int rc;
	if ((rc = index_ids(old_list, &old_ids)) || (rc = index_ids(new_list, &new_ids)))
		goto out;
	for (size_t i = 0; i < em_list_count(new_list) && !rc; i++) {
		const em_entity *e = em_list_entity(new_list, i);
		size_t k;
		if (em_strmap_get(&old_ids, e->source_id, &k))
			rc = compare(d, em_list_entity(old_list, k), e);
		else
			rc = push_entity(d, &d->added, e);
	}
	for (size_t i = 0; i < em_list_count(old_list) && !rc; i++) {
		const em_entity *e = em_list_entity(old_list, i);
		if (!em_strmap_get(&new_ids, e->source_id, NULL))
			rc = push_entity(d, &d->removed, e);
	}
out:
	em_strmap_free(&old_ids);
	em_strmap_free(&new_ids);
	if (rc) {
		em_diff_free(&d->pub);
		/* keep a message already set by a failing step; say what ran out otherwise */
		return rc == EM_ENOMEM ? em_fail(rc, "out of memory comparing lists") : rc;
	}
	d->pub = (em_diff){d->added.items, d->added.n, d->removed.items, d->removed.n,
			   d->changed.items, d->changed.n};
	*out = &d->pub;
	return 0;
}

/* {"id": ..., "name": ...} for one entity change. */
static json_t *change_head(const em_entity_change *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(c->source_id));
	json_object_set_new(o, "name", c->name ? json_string(c->name) : json_null());
	return o;
}

/* A stored JSON text back as a value (null when absent). */
static json_t *value_of(const char *text)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	return v ? v : json_null();
}

static json_t *entity_array(const em_entity_change *items, size_t n, int with_fields)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = change_head(&items[i]);
		if (with_fields) {
			json_t *fields = json_array();
			for (size_t k = 0; k < items[i].n_fields; k++) {
				const em_field_change *f = &items[i].fields[k];
				json_t *fo = json_object();
				json_object_set_new(fo, "field", json_string(f->field));
				json_object_set_new(fo, "old", value_of(f->old_json));
				json_object_set_new(fo, "new", value_of(f->new_json));
				json_array_append_new(fields, fo);
			}
			json_object_set_new(o, "fields", fields);
		}
		json_array_append_new(a, o);
	}
	return a;
}

char *em_diff_to_json(const em_diff *diff)
{
	if (!diff)
		return NULL;
	json_t *root = json_object(), *summary = json_object();
	json_object_set_new(summary, "added", json_integer((json_int_t)diff->n_added));
	json_object_set_new(summary, "removed", json_integer((json_int_t)diff->n_removed));
	json_object_set_new(summary, "changed", json_integer((json_int_t)diff->n_changed));
	json_object_set_new(root, "summary", summary);
	json_object_set_new(root, "added", entity_array(diff->added, diff->n_added, 0));
	json_object_set_new(root, "removed", entity_array(diff->removed, diff->n_removed, 0));
	json_object_set_new(root, "changed", entity_array(diff->changed, diff->n_changed, 1));
	char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(root);
	return s;
}
