/*
 * entity.c: em_list and the entity builder. Entity arrays live in the list's arena and grow
 * by doubling; their capacity is implied by their count (the next power of two), so an entity
 * carries no bookkeeping beyond the public struct.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

int em_list_new(em_list **out, const char *source, const char *format)
{
	*out = NULL;
	em_list *l = calloc(1, sizeof *l);
	if (!l)
		return em_fail(EM_ENOMEM, "out of memory");
	em_arena_init(&l->arena);
	if (em_list_set_meta(l, source ? source : "custom", format ? format : "built", "", NULL)) {
		em_list_free(l);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	*out = l;
	return 0;
}

static int set_owned(char **dst, const char *s)
{
	if (!s)
		return 0;
	char *p = strdup(s);
	if (!p)
		return em_fail(EM_ENOMEM, "out of memory");
	free(*dst);
	*dst = p;
	return 0;
}

int em_list_set_meta(em_list *l, const char *source, const char *format, const char *path,
		     const char *published)
{
	int rc;
	if ((rc = set_owned(&l->source, source)) || (rc = set_owned(&l->format, format)) ||
	    (rc = set_owned(&l->path, path)) || (rc = set_owned(&l->published, published)))
		return rc;
	return 0;
}

void em_list_free(em_list *l)
{
	if (!l)
		return;
	em_arena_free(&l->arena);
	em_strmap_free(&l->by_id);
	free(l->entities);
	free(l->source);
	free(l->format);
	free(l->path);
	free(l->published);
	free(l);
}

size_t em_list_count(const em_list *l) { return l ? l->n : 0; }
const em_entity *em_list_entity(const em_list *l, size_t i) { return l && i < l->n ? &l->entities[i] : NULL; }
const char *em_list_source(const em_list *l) { return l->source ? l->source : ""; }
const char *em_list_format(const em_list *l) { return l->format ? l->format : ""; }
const char *em_list_sha256(const em_list *l) { return l->sha256; }
const char *em_list_path(const em_list *l) { return l->path ? l->path : ""; }
const char *em_list_published(const em_list *l) { return l->published; }

const em_entity *em_list_find(const em_list *l, const char *source_id)
{
	size_t i;
	if (!l || !source_id || !em_strmap_get(&l->by_id, source_id, &i))
		return NULL;
	return &l->entities[i];
}

void em_list_count_types(const em_list *l, size_t out[5])
{
	memset(out, 0, 5 * sizeof out[0]);
	for (size_t i = 0; i < l->n; i++)
		if ((unsigned)l->entities[i].type < 5)
			out[l->entities[i].type]++;
}

em_entity *em_list_add(em_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		em_entity *p = realloc(l->entities, cap * sizeof *p);
		if (!p) {
			em_fail(EM_ENOMEM, "out of memory adding entity %zu", l->n);
			return NULL;
		}
		l->entities = p;
		l->cap = cap;
	}
	em_entity *e = &l->entities[l->n++];
	memset(e, 0, sizeof *e);
	e->source = l->source;
	return e;
}

void em_list_drop_last(em_list *l)
{
	if (l->n)
		l->n--;
}

int em_list_finish(em_list *l)
{
	em_strmap_free(&l->by_id);
	for (size_t i = 0; i < l->n; i++) {
		const char *id = l->entities[i].source_id;
		if (!id)
			return em_fail(EM_EPARSE, "%s: entity %zu has no list id", em_list_path(l), i + 1);
		if (em_strmap_get(&l->by_id, id, NULL))
			return em_fail(EM_EPARSE, "%s: id '%s' appears twice", em_list_path(l), id);
		int rc = em_strmap_put(&l->by_id, id, i);
		if (rc)
			return rc;
	}
	return 0;
}

const char *em_list_strn(em_list *l, const char *s, size_t n)
{
	if (!s)
		return NULL;
	const char *p = em_squeeze_ws(s, n, &l->arena);
	return p && *p ? p : NULL;
}

const char *em_list_str(em_list *l, const char *s)
{
	return s ? em_list_strn(l, s, strlen(s)) : NULL;
}

/* Returns arr with room for one more element, reallocated in the arena when full. */
static void *grow(em_list *l, const void *arr, size_t n, size_t elem)
{
	if (n && (n & (n - 1)))
		return (void *)arr;
	size_t cap = n ? n * 2 : 1;
	void *p = em_arena_alloc(&l->arena, cap * elem);
	if (!p) {
		em_fail(EM_ENOMEM, "out of memory");
		return NULL;
	}
	if (n)
		memcpy(p, arr, n * elem);
	return p;
}

/* Appends *(valp) to arr (count n); valp points to a value of the element type. */
#define PUSH(l, arr, n, valp)                                                  \
	do {                                                                   \
		char *grown_ = grow((l), (arr), (n), sizeof *(arr));           \
		if (!grown_)                                                   \
			return EM_ENOMEM;                                      \
		memcpy(grown_ + (n) * sizeof *(arr), (valp), sizeof *(arr));   \
		(arr) = (void *)grown_;                                        \
		(n)++;                                                         \
	} while (0)

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int em_entity_set_id(em_list *l, em_entity *e, const char *source_id)
{
	e->source_id = em_list_str(l, source_id);
	return 0;
}

int em_entity_add_name(em_list *l, em_entity *e, em_name_kind kind, const char *full,
		       const char *given, const char *family, const char *lang)
{
	em_name n = {kind, em_list_str(l, full), em_list_str(l, given), em_list_str(l, family),
		     em_list_str(l, lang)};
	if (!n.full)
		return 0;
	for (size_t i = 0; i < e->n_names; i++)
		if (e->names[i].kind == kind && strcmp(e->names[i].full, n.full) == 0)
			return 0;
	PUSH(l, e->names, e->n_names, &n);
	return 0;
}

int em_entity_add_date(em_list *l, em_entity *e, const em_date *d)
{
	em_date c = *d;
	c.text = em_list_str(l, d->text);
	if (!c.text)
		return 0;
	for (size_t i = 0; i < e->n_birth_dates; i++)
		if (strcmp(e->birth_dates[i].text, c.text) == 0)
			return 0;
	PUSH(l, e->birth_dates, e->n_birth_dates, &c);
	return 0;
}

int em_entity_add_birth_date(em_list *l, em_entity *e, const char *text)
{
	em_date d;
	const char *t = em_list_str(l, text);
	if (!t)
		return 0;
	em_date_parse(t, &d);
	return em_entity_add_date(l, e, &d);
}

int em_entity_add_string(em_list *l, em_entity *e, em_string_field field, const char *s)
{
	const char *v = em_list_str(l, s);
	if (!v)
		return 0;
	const char **arr;
	size_t *n;
	switch (field) {
	case EM_FIELD_BIRTH_PLACE: arr = (const char **)e->birth_places; n = &e->n_birth_places; break;
	case EM_FIELD_NATIONALITY: arr = (const char **)e->nationalities; n = &e->n_nationalities; break;
	case EM_FIELD_CITIZENSHIP: arr = (const char **)e->citizenships; n = &e->n_citizenships; break;
	case EM_FIELD_PROGRAM: arr = (const char **)e->programs; n = &e->n_programs; break;
	default: return em_fail(EM_EINVAL, "unknown string field %d", (int)field);
	}
	for (size_t i = 0; i < *n; i++)
		if (strcmp(arr[i], v) == 0)
			return 0;
	PUSH(l, arr, *n, &v);
	switch (field) {
	case EM_FIELD_BIRTH_PLACE: e->birth_places = arr; break;
	case EM_FIELD_NATIONALITY: e->nationalities = arr; break;
	case EM_FIELD_CITIZENSHIP: e->citizenships = arr; break;
	case EM_FIELD_PROGRAM: e->programs = arr; break;
	}
	return 0;
}

int em_entity_add_address(em_list *l, em_entity *e, const em_address *a)
{
	em_address c = {em_list_str(l, a->street), em_list_str(l, a->city), em_list_str(l, a->region),
			em_list_str(l, a->postal_code), em_list_str(l, a->country), NULL};
	if (a->full) {
		c.full = em_list_str(l, a->full);
	} else {
		em_buf b = EM_BUF_INIT;
		const char *parts[] = {c.street, c.city, c.region, c.postal_code, c.country};
		for (size_t i = 0; i < 5; i++) {
			if (!parts[i])
				continue;
			if (b.len && em_buf_puts(&b, ", "))
				break;
			if (em_buf_puts(&b, parts[i]))
				break;
		}
		c.full = b.len ? em_list_str(l, b.data) : NULL;
		em_buf_free(&b);
	}
	if (!c.full)
		return 0;
	for (size_t i = 0; i < e->n_addresses; i++)
		if (strcmp(e->addresses[i].full, c.full) == 0)
			return 0;
	PUSH(l, e->addresses, e->n_addresses, &c);
	return 0;
}

int em_entity_add_id(em_list *l, em_entity *e, em_id_type type, const char *label,
		     const char *value, const char *country, const char *note)
{
	em_identifier id = {type, em_list_str(l, label), em_list_str(l, value),
			    em_list_str(l, country), em_list_str(l, note)};
	if (!id.value)
		return 0;
	if (!id.label)
		id.label = em_id_type_name(type);
	for (size_t i = 0; i < e->n_ids; i++) {
		const em_identifier *o = &e->ids[i];
		if (o->type == type && strcmp(o->value, id.value) == 0 && same(o->country, id.country) &&
		    strcmp(o->label, id.label) == 0)
			return 0;
	}
	PUSH(l, e->ids, e->n_ids, &id);
	return 0;
}

int em_entity_add_relation(em_list *l, em_entity *e, const char *relation, const char *target)
{
	em_relation r = {em_list_str(l, relation), em_list_str(l, target)};
	if (!r.target)
		return 0;
	if (!r.relation)
		r.relation = "related to";
	for (size_t i = 0; i < e->n_relations; i++)
		if (strcmp(e->relations[i].target, r.target) == 0 && strcmp(e->relations[i].relation, r.relation) == 0)
			return 0;
	PUSH(l, e->relations, e->n_relations, &r);
	return 0;
}

int em_entity_add_attribute(em_list *l, em_entity *e, const char *key, const char *value)
{
	em_attribute a = {em_list_str(l, key), em_list_str(l, value)};
	if (!a.key || !a.value)
		return 0;
	for (size_t i = 0; i < e->n_attributes; i++)
		if (strcmp(e->attributes[i].key, a.key) == 0 && strcmp(e->attributes[i].value, a.value) == 0)
			return 0;
	PUSH(l, e->attributes, e->n_attributes, &a);
	return 0;
}

int em_entity_set_listed_on(em_list *l, em_entity *e, const char *date)
{
	e->listed_on = em_list_str(l, date);
	return 0;
}

int em_entity_set_gender(em_list *l, em_entity *e, const char *gender)
{
	const char *g = em_list_str(l, gender);
	if (g && (em_starts_with_ci(g, "m") && !em_starts_with_ci(g, "mi")))
		g = "male";
	else if (g && em_starts_with_ci(g, "f"))
		g = "female";
	e->gender = g;
	return 0;
}

int em_entity_set_remarks(em_list *l, em_entity *e, const char *remarks)
{
	e->remarks = em_list_str(l, remarks);
	return 0;
}

const char *em_entity_attribute(const em_entity *e, const char *key)
{
	for (size_t i = 0; i < e->n_attributes; i++)
		if (strcmp(e->attributes[i].key, key) == 0)
			return e->attributes[i].value;
	return NULL;
}

const char *em_entity_type_name(em_entity_type type)
{
	switch (type) {
	case EM_ENTITY_PERSON: return "person";
	case EM_ENTITY_ORGANIZATION: return "organization";
	case EM_ENTITY_VESSEL: return "vessel";
	case EM_ENTITY_AIRCRAFT: return "aircraft";
	default: return "unknown";
	}
}

em_entity_type em_entity_type_parse(const char *t)
{
	if (!t)
		return EM_ENTITY_UNKNOWN;
	static const struct { const char *name; em_entity_type type; } names[] = {
		{"person", EM_ENTITY_PERSON}, {"individual", EM_ENTITY_PERSON},
		{"organization", EM_ENTITY_ORGANIZATION}, {"organisation", EM_ENTITY_ORGANIZATION},
		{"entity", EM_ENTITY_ORGANIZATION}, {"company", EM_ENTITY_ORGANIZATION},
		{"legalentity", EM_ENTITY_ORGANIZATION}, {"legal entity", EM_ENTITY_ORGANIZATION},
		{"vessel", EM_ENTITY_VESSEL}, {"ship", EM_ENTITY_VESSEL},
		{"aircraft", EM_ENTITY_AIRCRAFT}, {"airplane", EM_ENTITY_AIRCRAFT},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (em_starts_with_ci(t, names[i].name) && t[strlen(names[i].name)] == '\0')
			return names[i].type;
	return EM_ENTITY_UNKNOWN;
}

const char *em_name_kind_name(em_name_kind kind)
{
	switch (kind) {
	case EM_NAME_PRIMARY: return "primary";
	case EM_NAME_AKA_STRONG: return "aka";
	case EM_NAME_AKA_WEAK: return "weak_aka";
	case EM_NAME_FKA: return "fka";
	case EM_NAME_NKA: return "nka";
	case EM_NAME_ORIGINAL_SCRIPT: return "original_script";
	default: return "primary";
	}
}

static const char *const id_type_names[] = {
	"other", "passport", "national_id", "tax_id", "registration", "imo", "mmsi", "call_sign",
	"aircraft_serial", "aircraft_tail", "crypto_address", "website", "email", "phone",
	"swift_bic", "lei",
};

const char *em_id_type_name(em_id_type type)
{
	if ((unsigned)type < sizeof id_type_names / sizeof id_type_names[0])
		return id_type_names[type];
	return "other";
}

em_name_kind em_name_kind_parse(const char *name)
{
	for (int k = EM_NAME_PRIMARY; k <= EM_NAME_ORIGINAL_SCRIPT; k++)
		if (name && strcmp(name, em_name_kind_name((em_name_kind)k)) == 0)
			return (em_name_kind)k;
	return EM_NAME_PRIMARY;
}

em_id_type em_id_type_parse(const char *name)
{
	for (size_t i = 0; i < sizeof id_type_names / sizeof id_type_names[0]; i++)
		if (name && strcmp(name, id_type_names[i]) == 0)
			return (em_id_type)i;
	return EM_ID_OTHER;
}
