/*
 * ftm.c: OpenSanctions data in FollowTheMoney JSON lines ("ftm-json"): one entity a line,
 * {"id", "schema", "properties": {prop: [values]}, "datasets", "first_seen", "target"...}.
 *
 * Lines of a party schema (Person, Organization, Company, PublicBody, LegalEntity, Vessel,
 * Airplane) become entities, with the source id the FtM id. The other schemas add to them:
 * a Sanction gives programs and the listing date to its `entity`, an Identification or
 * Passport an identifier to its `holder`, an Address its fields to the parties whose
 * `addressEntity` names it, and a link (Ownership, Directorship, Family, Associate...) a
 * relation to each of its ends. Such lines may come before or after the party, so they are
 * kept aside on the first pass and applied on a second; one that reaches no party of the file
 * is skipped and counted. In the "nested" shape (targets.nested.json) these objects sit
 * inside a party's properties instead of holding its id, and apply to that party.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fields.h"
#include "ftm.h"

#define FTM_MAX_LINE ((size_t)64 << 20) /* one entity this large is refused */

static const struct {
	const char *schema;
	em_entity_type type;
} ftm_parties[] = {
	{"Person", EM_ENTITY_PERSON},         {"Organization", EM_ENTITY_ORGANIZATION},
	{"Company", EM_ENTITY_ORGANIZATION},  {"PublicBody", EM_ENTITY_ORGANIZATION},
	{"LegalEntity", EM_ENTITY_UNKNOWN},   {"Vessel", EM_ENTITY_VESSEL},
	{"Airplane", EM_ENTITY_AIRCRAFT},
};

typedef enum ftm_kind {
	P_ALIAS, P_WEAK_ALIAS, P_PREVIOUS_NAME, P_BIRTH_DATE, P_BIRTH_PLACE, P_NATIONALITY,
	P_CITIZENSHIP, P_GENDER, P_ID, P_ADDRESS, P_ADDRESS_REF, P_PROGRAM, P_NOTES, P_ATTR,
} ftm_kind;

/* Party properties read; `label` is the identifier label or the attribute key. */
static const struct ftm_prop {
	const char *prop;
	ftm_kind kind;
	em_id_type id;
	const char *label;
} ftm_props[] = {
	{"alias", P_ALIAS, EM_ID_OTHER, NULL},
	{"weakAlias", P_WEAK_ALIAS, EM_ID_OTHER, NULL},
	{"previousName", P_PREVIOUS_NAME, EM_ID_OTHER, NULL},
	{"birthDate", P_BIRTH_DATE, EM_ID_OTHER, NULL},
	{"birthPlace", P_BIRTH_PLACE, EM_ID_OTHER, NULL},
	{"nationality", P_NATIONALITY, EM_ID_OTHER, NULL},
	{"citizenship", P_CITIZENSHIP, EM_ID_OTHER, NULL},
	{"gender", P_GENDER, EM_ID_OTHER, NULL},
	{"idNumber", P_ID, EM_ID_OTHER, "ID number"},
	{"passportNumber", P_ID, EM_ID_PASSPORT, "Passport"},
	{"taxNumber", P_ID, EM_ID_TAX_ID, "Tax number"},
	{"registrationNumber", P_ID, EM_ID_REGISTRATION, "Registration number"},
	{"innCode", P_ID, EM_ID_TAX_ID, "INN"},
	{"ogrnCode", P_ID, EM_ID_REGISTRATION, "OGRN"},
	{"okpoCode", P_ID, EM_ID_REGISTRATION, "OKPO"},
	{"leiCode", P_ID, EM_ID_LEI, "LEI"},
	{"swiftBic", P_ID, EM_ID_SWIFT_BIC, "SWIFT/BIC"},
	{"imoNumber", P_ID, EM_ID_IMO, "IMO"},
	{"mmsi", P_ID, EM_ID_MMSI, "MMSI"},
	{"callSign", P_ID, EM_ID_CALL_SIGN, "Call sign"},
	{"serialNumber", P_ID, EM_ID_AIRCRAFT_SERIAL, "Serial number"},
	{"email", P_ID, EM_ID_EMAIL, "Email"},
	{"website", P_ID, EM_ID_WEBSITE, "Website"},
	{"phone", P_ID, EM_ID_PHONE, "Phone"},
	{"address", P_ADDRESS, EM_ID_OTHER, NULL},
	{"addressEntity", P_ADDRESS_REF, EM_ID_OTHER, NULL},
	{"program", P_PROGRAM, EM_ID_OTHER, NULL},
	{"programId", P_PROGRAM, EM_ID_OTHER, NULL},
	{"notes", P_NOTES, EM_ID_OTHER, NULL},
	{"topics", P_ATTR, EM_ID_OTHER, "topic"},
	{"country", P_ATTR, EM_ID_OTHER, "country"},
	{"position", P_ATTR, EM_ID_OTHER, "position"},
	{"title", P_ATTR, EM_ID_OTHER, "title"},
	{"flag", P_ATTR, EM_ID_OTHER, "vessel_flag"},
	{"pastFlags", P_ATTR, EM_ID_OTHER, "former_vessel_flag"},
	{"type", P_ATTR, EM_ID_OTHER, "type"},
	{"model", P_ATTR, EM_ID_OTHER, "model"},
	{"buildDate", P_ATTR, EM_ID_OTHER, "build_date"},
	{"tonnage", P_ATTR, EM_ID_OTHER, "gross_tonnage"},
	{"grossRegisteredTonnage", P_ATTR, EM_ID_OTHER, "gross_registered_tonnage"},
	{"jurisdiction", P_ATTR, EM_ID_OTHER, "jurisdiction"},
	{"incorporationDate", P_ATTR, EM_ID_OTHER, "incorporation_date"},
};

/* Link schemas: the property naming each end, and the relation as seen from each end. */
static const struct ftm_link {
	const char *schema, *a, *b, *a_to_b, *b_to_a;
} ftm_links[] = {
	{"Ownership", "owner", "asset", "owner of", "owned by"},
	{"Directorship", "director", "organization", "director of", "directed by"},
	{"Family", "person", "relative", "relative of", "relative of"},
	{"Associate", "person", "associate", "associate of", "associate of"},
	{"Membership", "member", "organization", "member of", "has member"},
	{"Employment", "employee", "employer", "employee of", "employer of"},
	{"Representation", "agent", "client", "agent of", "represented by"},
	{"UnknownLink", "subject", "object", "linked to", "linked to"},
};

/* A line kept for the second pass. */
typedef struct ftm_line {
	size_t off, len, line;
} ftm_line;

/* A party naming an Address by id; refs of one address are chained through `next`. */
typedef struct ftm_ref {
	size_t entity, next;
} ftm_ref;
#define FTM_NONE ((size_t)-1)

typedef struct ftm_ctx {
	em_list *l;
	const char *name;
	size_t line;
	em_strmap ids;       /* party id -> entity index */
	em_strmap addr_refs; /* address id -> first ftm_ref */
	ftm_ref *refs;
	size_t n_refs, cap_refs;
	ftm_line *later;
	size_t n_later, cap_later;
	em_ftm_stats st;
	em_buf text;
} ftm_ctx;

static em_entity_type ftm_party_type(const char *schema, bool *is_party)
{
	for (size_t i = 0; i < sizeof ftm_parties / sizeof ftm_parties[0]; i++)
		if (!strcmp(schema, ftm_parties[i].schema)) {
			*is_party = true;
			return ftm_parties[i].type;
		}
	*is_party = false;
	return EM_ENTITY_UNKNOWN;
}

/* Grows a malloc'd array to hold one more element. */
static int ftm_reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*arr, c * elem);
	if (!p)
		return em_fail(EM_ENOMEM, "out of memory");
	*arr = p;
	*cap = c;
	return 0;
}

/* The id a value refers to: the string, or a nested object's "id". */
static const char *ftm_ref_id(const json_t *v)
{
	if (json_is_object(v))
		v = json_object_get(v, "id");
	return json_string_value(v);
}

/* The entity a value refers to, when it is a party of the file. */
static em_entity *ftm_lookup(ftm_ctx *c, const json_t *v)
{
	const char *id = ftm_ref_id(v);
	size_t i;
	return id && em_strmap_get(&c->ids, id, &i) ? &c->l->entities[i] : NULL;
}

/* First text value of a property, or NULL. */
static const char *ftm_first(const json_t *props, const char *prop)
{
	const json_t *v = json_object_get(props, prop);
	return json_string_value(json_is_array(v) ? json_array_get(v, 0) : v);
}

/* --- facts from other schemas ------------------------------------------------------------ */

static int ftm_apply_sanction(ftm_ctx *c, em_entity *e, const json_t *props)
{
	/* The program id ("RUSSIA-EO14024") is what screening filters on; the name if there is none. */
	const json_t *programs = json_object_get(props, "programId");
	if (!json_array_size(programs))
		programs = json_object_get(props, "program");
	size_t i;
	json_t *v;
	int rc;
	json_array_foreach(programs, i, v) {
		if ((rc = em_entity_add_string(c->l, e, EM_FIELD_PROGRAM, json_string_value(v))))
			return rc;
	}
	json_array_foreach(json_object_get(props, "authority"), i, v) {
		if ((rc = em_entity_add_attribute(c->l, e, "authority", json_string_value(v))))
			return rc;
	}
	/* The earliest listing date of all its sanctions. */
	static const char *const dates[] = {"listingDate", "startDate"};
	for (size_t k = 0; k < 2; k++) {
		const char *d = ftm_first(props, dates[k]);
		int y, m, dd;
		char iso[11];
		if (d && sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) == 3 && em_date_iso(iso, y, m, dd) &&
		    (!e->listed_on || strcmp(iso, e->listed_on) < 0))
			em_entity_set_listed_on(c->l, e, iso);
	}
	return 0;
}

static int ftm_apply_identification(ftm_ctx *c, em_entity *e, const char *schema,
				    const json_t *props)
{
	const char *type = ftm_first(props, "type");
	em_id_type t = EM_ID_OTHER;
	if (!strcmp(schema, "Passport") || (type && strstr(type, "assport")))
		t = EM_ID_PASSPORT;
	else if (type && (strstr(type, "ational") || strstr(type, "dentity")))
		t = EM_ID_NATIONAL_ID;
	else if (type && strstr(type, "ax"))
		t = EM_ID_TAX_ID;
	else if (type && (strstr(type, "egistration") || !strcmp(type, "OGRN") || !strcmp(type, "OKPO")))
		t = EM_ID_REGISTRATION;
	return em_entity_add_id(c->l, e, t, type ? type : schema, ftm_first(props, "number"),
				ftm_first(props, "country"), ftm_first(props, "summary"));
}

static int ftm_apply_address(ftm_ctx *c, em_entity *e, const json_t *props)
{
	em_address a = {ftm_first(props, "street"), ftm_first(props, "city"),
			ftm_first(props, "region"), ftm_first(props, "postalCode"),
			ftm_first(props, "country"), ftm_first(props, "full")};
	if (!a.region)
		a.region = ftm_first(props, "state");
	return em_entity_add_address(c->l, e, &a);
}

static int ftm_apply(ftm_ctx *c, em_entity *e, const char *schema, const json_t *props)
{
	if (!strcmp(schema, "Sanction"))
		return ftm_apply_sanction(c, e, props);
	if (!strcmp(schema, "Address"))
		return ftm_apply_address(c, e, props);
	return ftm_apply_identification(c, e, schema, props);
}

/* A link: a relation on each end that is a party (or the parent, for a nested link). */
static int ftm_link(ftm_ctx *c, const struct ftm_link *k, const json_t *props, em_entity *parent,
		    bool *used)
{
	const json_t *a = json_object_get(props, k->a), *b = json_object_get(props, k->b);
	size_t na = json_is_array(a) ? json_array_size(a) : 0, nb = json_is_array(b) ? json_array_size(b) : 0;
	int rc = 0;
	if (parent) {
		/* The end that is not the parent (often left out in the nested shape) is the other. */
		bool parent_is_a = !na;
		for (size_t i = 0; i < na && !parent_is_a; i++) {
			const char *id = ftm_ref_id(json_array_get(a, i));
			parent_is_a = id && parent->source_id && !strcmp(id, parent->source_id);
		}
		const json_t *other = parent_is_a ? b : a;
		size_t n = parent_is_a ? nb : na;
		for (size_t i = 0; i < n && !rc; i++) {
			rc = em_entity_add_relation(c->l, parent, parent_is_a ? k->a_to_b : k->b_to_a,
						    ftm_ref_id(json_array_get(other, i)));
			*used = true;
		}
		return rc;
	}
	for (size_t i = 0; i < na && !rc; i++) {
		for (size_t j = 0; j < nb && !rc; j++) {
			const json_t *x = json_array_get(a, i), *y = json_array_get(b, j);
			em_entity *ex = ftm_lookup(c, x), *ey = ftm_lookup(c, y);
			if (ex && !(rc = em_entity_add_relation(c->l, ex, k->a_to_b, ftm_ref_id(y))))
				*used = true;
			if (!rc && ey && !(rc = em_entity_add_relation(c->l, ey, k->b_to_a, ftm_ref_id(x))))
				*used = true;
		}
	}
	return rc;
}

/*
 * Applies a non-party object to the parties it reaches: the parent when it is nested in one,
 * else those it names. *used tells whether any was reached.
 */
static int ftm_enrich(ftm_ctx *c, const char *schema, const json_t *props, em_entity *parent,
		      bool *used)
{
	*used = false;
	for (size_t i = 0; i < sizeof ftm_links / sizeof ftm_links[0]; i++)
		if (!strcmp(schema, ftm_links[i].schema))
			return ftm_link(c, &ftm_links[i], props, parent, used);
	const char *holder = !strcmp(schema, "Sanction") ? "entity"
			     : !strcmp(schema, "Identification") || !strcmp(schema, "Passport") ? "holder"
			     : !strcmp(schema, "Address") ? ""
			     : NULL;
	if (!holder)
		return 0;
	if (parent) {
		*used = true;
		return ftm_apply(c, parent, schema, props);
	}
	size_t i;
	json_t *v;
	int rc;
	json_array_foreach(json_object_get(props, holder), i, v) {
		em_entity *e = ftm_lookup(c, v);
		if (e && (rc = ftm_apply(c, e, schema, props)))
			return rc;
		*used |= e != NULL;
	}
	return 0;
}

/* An Address line: to every party whose addressEntity names it. */
static int ftm_enrich_address(ftm_ctx *c, const char *id, const json_t *props, bool *used)
{
	size_t r;
	*used = false;
	if (!em_strmap_get(&c->addr_refs, id, &r))
		return 0;
	for (; r != FTM_NONE; r = c->refs[r].next) {
		int rc = ftm_apply_address(c, &c->l->entities[c->refs[r].entity], props);
		if (rc)
			return rc;
		*used = true;
	}
	return 0;
}

/* --- parties ---------------------------------------------------------------------------- */

static int ftm_add_address_ref(ftm_ctx *c, size_t entity, const char *id)
{
	int rc = ftm_reserve((void **)&c->refs, &c->cap_refs, c->n_refs, sizeof *c->refs);
	if (rc)
		return rc;
	size_t head;
	ftm_ref *r = &c->refs[c->n_refs];
	r->entity = entity;
	r->next = FTM_NONE;
	if (em_strmap_get(&c->addr_refs, id, &head)) {
		r->next = head;
		return em_strmap_put(&c->addr_refs, id, c->n_refs++);
	}
	char *key = em_arena_strdup(&c->l->arena, id);
	if (!key)
		return em_fail(EM_ENOMEM, "out of memory");
	return em_strmap_put(&c->addr_refs, key, c->n_refs++);
}

static const struct ftm_prop *ftm_find_prop(const char *prop)
{
	for (size_t i = 0; i < sizeof ftm_props / sizeof ftm_props[0]; i++)
		if (!strcmp(prop, ftm_props[i].prop))
			return &ftm_props[i];
	return NULL;
}

/* A name: written in another script than Latin, it is kept as the original-script name. */
static int ftm_add_alias(ftm_ctx *c, em_entity *e, em_name_kind kind, const char *v)
{
	const char *script = em_text_script(v);
	if (script && kind == EM_NAME_AKA_STRONG)
		kind = EM_NAME_ORIGINAL_SCRIPT;
	return em_entity_add_name(c->l, e, kind, v, NULL, NULL, script);
}

static int ftm_prop_value(ftm_ctx *c, em_entity *e, size_t idx, const char *schema,
			  const struct ftm_prop *p, const char *v)
{
	em_address a = {0};
	em_id_type t = p->id;
	switch (p->kind) {
	case P_ALIAS: return ftm_add_alias(c, e, EM_NAME_AKA_STRONG, v);
	case P_WEAK_ALIAS: return ftm_add_alias(c, e, EM_NAME_AKA_WEAK, v);
	case P_PREVIOUS_NAME: return ftm_add_alias(c, e, EM_NAME_FKA, v);
	case P_BIRTH_DATE: return em_entity_add_birth_date(c->l, e, v);
	case P_BIRTH_PLACE: return em_entity_add_string(c->l, e, EM_FIELD_BIRTH_PLACE, v);
	case P_NATIONALITY: return em_entity_add_string(c->l, e, EM_FIELD_NATIONALITY, v);
	case P_CITIZENSHIP: return em_entity_add_string(c->l, e, EM_FIELD_CITIZENSHIP, v);
	case P_GENDER: return em_entity_set_gender(c->l, e, v);
	case P_PROGRAM: return em_entity_add_string(c->l, e, EM_FIELD_PROGRAM, v);
	case P_ATTR: return em_entity_add_attribute(c->l, e, p->label, v);
	case P_ADDRESS_REF: return ftm_add_address_ref(c, idx, v);
	case P_NOTES:
		/* Notes are joined into the remarks. */
		em_buf_clear(&c->text);
		if ((e->remarks && em_buf_printf(&c->text, "%s; ", e->remarks)) || em_buf_puts(&c->text, v))
			return EM_ENOMEM;
		return em_entity_set_remarks(c->l, e, c->text.data);
	case P_ADDRESS:
		a.full = v;
		return em_entity_add_address(c->l, e, &a);
	case P_ID:
		if (!strcmp(p->prop, "idNumber") && e->type == EM_ENTITY_PERSON)
			t = EM_ID_NATIONAL_ID;
		else if (!strcmp(p->prop, "registrationNumber") && !strcmp(schema, "Airplane"))
			t = EM_ID_AIRCRAFT_TAIL;
		return em_entity_add_id(c->l, e, t, p->label, v, NULL, NULL);
	}
	return 0;
}

/* The primary name and the other names; given and family names when there is one of each. */
static int ftm_names(ftm_ctx *c, em_entity *e, const json_t *o, const json_t *props)
{
	const json_t *names = json_object_get(props, "name");
	const json_t *first = json_object_get(props, "firstName"), *last = json_object_get(props, "lastName");
	const char *given = json_array_size(first) == 1 ? json_string_value(json_array_get(first, 0)) : NULL;
	const char *family = json_array_size(last) == 1 ? json_string_value(json_array_get(last, 0)) : NULL;
	const char *middle = ftm_first(props, "middleName");
	em_buf_clear(&c->text);
	if (given && middle && em_buf_printf(&c->text, "%s %s", given, middle))
		return EM_ENOMEM;
	if (c->text.len)
		given = c->text.data;
	size_t i;
	json_t *v;
	int rc = 0;
	json_array_foreach(names, i, v) {
		const char *n = json_string_value(v);
		if (!n)
			continue;
		if (!e->n_names)
			rc = em_entity_add_name(c->l, e, EM_NAME_PRIMARY, n, given, family, em_text_script(n));
		else
			rc = ftm_add_alias(c, e, EM_NAME_AKA_STRONG, n);
		if (rc)
			return rc;
	}
	if (!e->n_names && given && family) {
		em_buf b = EM_BUF_INIT;
		rc = em_buf_printf(&b, "%s %s", given, family);
		if (!rc)
			rc = em_entity_add_name(c->l, e, EM_NAME_PRIMARY, b.data, given, family, NULL);
		em_buf_free(&b);
	}
	if (!rc && !e->n_names && json_string_value(json_object_get(o, "caption")))
		rc = em_entity_add_name(c->l, e, EM_NAME_PRIMARY,
					json_string_value(json_object_get(o, "caption")), NULL, NULL, NULL);
	if (!rc && !e->n_names)
		rc = em_fail(EM_EPARSE, "%s:%zu: field 'properties.name': missing", c->name, c->line);
	return rc;
}

/* A nested object found in a property of a party. */
static int ftm_nested(ftm_ctx *c, em_entity *e, const char *prop, const json_t *v)
{
	const char *schema = json_string_value(json_object_get(v, "schema"));
	const json_t *props = json_object_get(v, "properties");
	if (!schema || (props && !json_is_object(props)))
		return em_fail(EM_EPARSE, "%s:%zu: field 'properties.%s': a nested object without "
				      "'schema' and 'properties'", c->name, c->line, prop);
	bool used, party;
	ftm_party_type(schema, &party);
	if (party) /* another party (an owner, a relative): only a link names it */
		return 0;
	int rc = ftm_enrich(c, schema, props, e, &used);
	c->st.enriched += used;
	return rc;
}

static int ftm_party(ftm_ctx *c, const json_t *o, const char *id, const char *schema,
		     em_entity_type type, const json_t *props)
{
	em_entity *e = em_list_add(c->l);
	if (!e)
		return EM_ENOMEM;
	size_t idx = c->l->n - 1, first;
	e->type = type;
	em_entity_set_id(c->l, e, id);
	if (!e->source_id)
		return em_fail(EM_EPARSE, "%s:%zu: field 'id': empty", c->name, c->line);
	if (em_strmap_get(&c->ids, e->source_id, &first))
		return em_fail(EM_EPARSE, "%s:%zu: field 'id': '%s' appears twice", c->name, c->line,
			       e->source_id);
	int rc;
	if ((rc = em_strmap_put(&c->ids, e->source_id, idx)) || (rc = ftm_names(c, e, o, props)))
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "datasets"), i, v) {
		if ((rc = em_entity_add_attribute(c->l, e, "dataset", json_string_value(v))))
			return rc;
	}
	if ((rc = em_entity_add_attribute(c->l, e, "first_seen",
					  json_string_value(json_object_get(o, "first_seen")))))
		return rc;
	const json_t *target = json_object_get(o, "target");
	if (json_is_boolean(target) &&
	    (rc = em_entity_add_attribute(c->l, e, "target", json_is_true(target) ? "true" : "false")))
		return rc;

	const char *prop;
	json_t *vals;
	json_object_foreach((json_t *)props, prop, vals) {
		if (!json_is_array(vals))
			return em_fail(EM_EPARSE, "%s:%zu: field 'properties.%s': not a list", c->name,
				       c->line, prop);
		const struct ftm_prop *p = ftm_find_prop(prop);
		json_array_foreach(vals, i, v) {
			if (json_is_object(v))
				rc = ftm_nested(c, e, prop, v);
			else if (!json_is_string(v))
				rc = em_fail(EM_EPARSE, "%s:%zu: field 'properties.%s': a value is not text",
					     c->name, c->line, prop);
			else if (p)
				rc = ftm_prop_value(c, e, idx, schema, p, json_string_value(v));
			if (rc)
				return rc;
		}
	}
	c->st.entities++;
	return 0;
}

/* --- lines ------------------------------------------------------------------------------ */

/* Parses one line; the error names the line, and a last line cut short is truncation. */
static int ftm_parse(ftm_ctx *c, const char *s, size_t n, bool last_unterminated, json_t **out)
{
	json_error_t err;
	*out = json_loadb(s, n, 0, &err);
	if (!*out) {
		bool cut = last_unterminated && (size_t)err.position >= n;
		return em_fail(cut ? EM_ETRUNCATED : EM_EPARSE, "%s:%zu: field 'json': %s (column %d)%s",
			       c->name, c->line, err.text, err.column, cut ? " (file cut short?)" : "");
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return em_fail(EM_EPARSE, "%s:%zu: field 'json': not an object", c->name, c->line);
	}
	return 0;
}

/* Checks the members every line has; *props is NULL when the line has none (jansson's
 * getters take NULL for an empty object). */
static int ftm_header(ftm_ctx *c, const json_t *o, const char **id, const char **schema,
		      const json_t **props)
{
	*id = json_string_value(json_object_get(o, "id"));
	*schema = json_string_value(json_object_get(o, "schema"));
	*props = json_object_get(o, "properties");
	if (!*id || !**id)
		return em_fail(EM_EPARSE, "%s:%zu: field 'id': missing", c->name, c->line);
	if (!*schema || !**schema)
		return em_fail(EM_EPARSE, "%s:%zu: field 'schema': missing", c->name, c->line);
	if (*props && !json_is_object(*props))
		return em_fail(EM_EPARSE, "%s:%zu: field 'properties': not an object", c->name, c->line);
	return 0;
}

static int ftm_line_pass1(ftm_ctx *c, const char *s, size_t n, size_t off, bool unterminated)
{
	json_t *o;
	int rc = ftm_parse(c, s, n, unterminated, &o);
	if (rc)
		return rc;
	const char *id, *schema;
	const json_t *props;
	bool party;
	c->st.lines++;
	if (!(rc = ftm_header(c, o, &id, &schema, &props))) {
		em_entity_type type = ftm_party_type(schema, &party);
		if (party) {
			rc = ftm_party(c, o, id, schema, type, props);
		} else if (!(rc = ftm_reserve((void **)&c->later, &c->cap_later, c->n_later,
					      sizeof *c->later))) {
			c->later[c->n_later++] = (ftm_line){off, n, c->line};
		}
	}
	json_decref(o);
	return rc;
}

static int ftm_line_pass2(ftm_ctx *c, const char *data, const ftm_line *ln)
{
	json_t *o;
	c->line = ln->line;
	int rc = ftm_parse(c, data + ln->off, ln->len, false, &o);
	if (rc)
		return rc;
	const char *id, *schema;
	const json_t *props;
	bool used = false;
	if (!(rc = ftm_header(c, o, &id, &schema, &props))) {
		if (!strcmp(schema, "Address"))
			rc = ftm_enrich_address(c, id, props, &used);
		else
			rc = ftm_enrich(c, schema, props, NULL, &used);
	}
	if (used)
		c->st.enriched++;
	else
		c->st.skipped++;
	json_decref(o);
	return rc;
}

int em_ftm_read(em_read_ctx *ctx, em_ftm_stats *stats)
{
	ftm_ctx c = {.l = ctx->list, .name = ctx->name};
	const char *data = ctx->data;
	size_t pos = 0, len = ctx->len;
	int rc = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		pos = 3;
	while (pos < len && !rc) {
		c.line++;
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		size_t off = pos;
		pos += n + (nl != NULL);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		size_t lead = 0;
		while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		if (lead == n)
			continue;
		if (n > FTM_MAX_LINE)
			rc = em_fail(EM_ELIMIT, "%s:%zu: field 'json': a line longer than %zu bytes",
				     ctx->name, c.line, FTM_MAX_LINE);
		else
			rc = ftm_line_pass1(&c, s, n, off, nl == NULL);
	}
	for (size_t i = 0; i < c.n_later && !rc; i++)
		rc = ftm_line_pass2(&c, data, &c.later[i]);
	if (stats)
		*stats = c.st;
	em_strmap_free(&c.ids);
	em_strmap_free(&c.addr_refs);
	free(c.refs);
	free(c.later);
	em_buf_free(&c.text);
	return rc;
}

static int ftm_read(em_read_ctx *ctx)
{
	return em_ftm_read(ctx, NULL);
}

static int ftm_sniff(const char *head, size_t n)
{
	head = em_skip_bom(head);
	while (*head == ' ' || *head == '\t' || *head == '\r' || *head == '\n')
		head++;
	if (*head != '{')
		return 0;
	/* The first line must itself be an entity with a schema and properties. */
	const char *eol = strchr(head, '\n');
	const char *schema = strstr(head, "\"schema\""), *props = strstr(head, "\"properties\"");
	if (!schema || !props || (eol && (schema > eol || props > eol)))
		return 0;
	return 90;
}

const em_reader em_reader_ftm_json = {"ftm-json", "opensanctions", ftm_sniff, ftm_read};
