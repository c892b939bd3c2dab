/*
 * un_xml.c: the UN Security Council Consolidated List (XML) as entities.
 *
 * The document is <CONSOLIDATED_LIST dateGenerated=...> holding <INDIVIDUALS> of <INDIVIDUAL>
 * and <ENTITIES> of <ENTITY> records. A record's children are either plain fields
 * (FIRST_NAME, REFERENCE_NUMBER, COMMENTS1...), lists of <VALUE> (NATIONALITY, DESIGNATION,
 * TITLE), or groups of fields (INDIVIDUAL_ALIAS, INDIVIDUAL_DATE_OF_BIRTH, INDIVIDUAL_DOCUMENT,
 * ..._ADDRESS...). The reader streams the document (see xml.h): a group's fields are gathered
 * until the group closes, then turned into a name, date, identifier or address; the record is
 * checked and completed when it closes. Fields the reader does not know are skipped so a new
 * field in the list does not break reading; a record without REFERENCE_NUMBER or name does.
 *
 * The UN's FIRST_NAME is the first name as written, which for many names (Korean, Arabic
 * chains) is not the given name; the primary name keeps the parts in list order, and gives
 * FIRST_NAME as `given` and the rest as `family` only as the list's own split.
 */
#include <string.h>

#include "xml.h"

typedef struct un_state {
	em_list *l;
	em_xml x;
	em_entity *e;         /* the record being read, NULL between records */
	const char *parts[4]; /* FIRST_NAME .. FOURTH_NAME, in the list's arena */
	em_xml_kv group;      /* fields of the group being read */
	em_buf tmp, tmp2;     /* scratch text */
} un_state;

typedef int (*un_handler)(un_state *s, const char *text);

typedef enum { UN_LEAF, UN_GROUP, UN_VALUES } un_kind;

static int oom(void)
{
	return em_fail(EM_ENOMEM, "out of memory reading the UN list");
}

/* --- plain fields ------------------------------------------------------------------------- */

/* The text, or NULL when empty or the list's "na" (not available: FOURTH_NAME, NATIONALITY). */
static const char *available(const char *t)
{
	const char *p = t;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (em_starts_with_ci(p, "na")) {
		const char *q = p + 2;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			q++;
		if (!*q)
			return NULL;
	}
	return t;
}

static int name_part(un_state *s, const char *text, int i)
{
	s->parts[i] = em_list_str(s->l, available(text));
	return 0;
}
static int first_name(un_state *s, const char *t) { return name_part(s, t, 0); }
static int second_name(un_state *s, const char *t) { return name_part(s, t, 1); }
static int third_name(un_state *s, const char *t) { return name_part(s, t, 2); }
static int fourth_name(un_state *s, const char *t) { return name_part(s, t, 3); }

static int reference(un_state *s, const char *t)
{
	return em_entity_set_id(s->l, s->e, t);
}

static int dataid(un_state *s, const char *t)
{
	return em_entity_add_attribute(s->l, s->e, "dataid", t);
}

static int versionnum(un_state *s, const char *t)
{
	return em_entity_add_attribute(s->l, s->e, "versionnum", t);
}

static int list_type(un_state *s, const char *t)
{
	return em_entity_add_string(s->l, s->e, EM_FIELD_PROGRAM, t);
}

/* "2015-04-07-04:00" carries a time zone; the date is what matters. */
static int listed_on(un_state *s, const char *t)
{
	char iso[11];
	if (em_xml_iso_date(t, iso))
		return em_entity_set_listed_on(s->l, s->e, iso);
	return em_entity_add_attribute(s->l, s->e, "listed_on_text", t);
}

static int gender(un_state *s, const char *t)
{
	return em_entity_set_gender(s->l, s->e, t);
}

static int comments(un_state *s, const char *t)
{
	return em_entity_set_remarks(s->l, s->e, t);
}

static int original_script(un_state *s, const char *t)
{
	return em_entity_add_name(s->l, s->e, EM_NAME_ORIGINAL_SCRIPT, t, NULL, NULL, NULL);
}

/* --- <VALUE> lists ------------------------------------------------------------------------- */

static int nationality(un_state *s, const char *t)
{
	return em_entity_add_string(s->l, s->e, EM_FIELD_NATIONALITY, available(t));
}

static int designation(un_state *s, const char *t)
{
	return em_entity_add_attribute(s->l, s->e, "designation", t);
}

static int title(un_state *s, const char *t)
{
	return em_entity_add_attribute(s->l, s->e, "title", t);
}

static int last_updated(un_state *s, const char *t)
{
	return em_entity_add_attribute(s->l, s->e, "last_updated", t);
}

/* --- groups ----------------------------------------------------------------------------- */

static const char *field(const un_state *s, const char *key)
{
	return em_xml_kv_get(&s->group, key);
}

static int alias(un_state *s, const char *unused)
{
	const char *name = field(s, "ALIAS_NAME");
	if (!name)
		return 0; /* the UN writes <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></...> for "none" */
	const char *q = field(s, "QUALITY");
	em_name_kind kind = EM_NAME_AKA_STRONG; /* "Good", "a.k.a." and unstated */
	if (q && em_starts_with_ci(q, "low"))
		kind = EM_NAME_AKA_WEAK;
	else if (q && em_starts_with_ci(q, "f.k.a"))
		kind = EM_NAME_FKA;
	int rc = em_entity_add_name(s->l, s->e, kind, name, NULL, NULL, NULL);
	/* A date or place of birth given for an alias is one the person has used: keep it. */
	const char *place[] = {field(s, "CITY_OF_BIRTH"), field(s, "COUNTRY_OF_BIRTH")};
	if (!rc)
		rc = em_entity_add_birth_date(s->l, s->e, field(s, "DATE_OF_BIRTH"));
	if (!rc)
		rc = em_xml_join(&s->tmp, ", ", place, 2, NULL);
	if (!rc)
		rc = em_entity_add_string(s->l, s->e, EM_FIELD_BIRTH_PLACE, em_xml_str(&s->tmp));
	return rc;
}

static bool read_year(const char *t, int *out)
{
	long v;
	if (!t || !em_parse_long(t, &v) || v < 1000 || v > 2999)
		return false;
	*out = (int)v;
	return true;
}

/*
 * TYPE_OF_DATE EXACT or APPROXIMATELY with DATE or YEAR, or BETWEEN with FROM_YEAR and
 * TO_YEAR; NOTE sometimes completes it ("Approximately", a month) and is otherwise kept in
 * the text. With nothing else, NOTE itself is read as the date.
 */
static int birth_date(un_state *s, const char *unused)
{
	const char *type = field(s, "TYPE_OF_DATE"), *date = field(s, "DATE");
	const char *year = field(s, "YEAR"), *note = field(s, "NOTE");
	em_date d;
	int from, to;
	if (type && em_starts_with_ci(type, "between") &&
	    read_year(field(s, "FROM_YEAR"), &from) && read_year(field(s, "TO_YEAR"), &to) && from <= to) {
		memset(&d, 0, sizeof d);
		d.kind = EM_DATE_RANGE;
		d.year = from;
		d.year2 = to;
	} else if (date || year) {
		em_date_parse(date ? date : year, &d);
	} else if (note) {
		em_date_parse(note, &d);
		note = NULL;
	} else {
		return 0; /* <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE/></...>: no date */
	}
	if (type && em_starts_with_ci(type, "approx"))
		d.circa = 1;
	if (note && em_starts_with_ci(note, "approx")) {
		d.circa = 1;
		note = NULL;
	} else if (note && d.kind == EM_DATE_YEAR && em_month_from_name(note, strlen(note)) &&
		   strlen(note) <= 10) {
		d.month = em_month_from_name(note, strlen(note)); /* YEAR 1958 with NOTE "Sep." */
		d.kind = EM_DATE_YEAR_MONTH;
		note = NULL;
	}
	int rc = em_xml_date_render(&s->tmp, &d);
	const char *text = d.kind == EM_DATE_TEXT ? d.text : em_xml_str(&s->tmp);
	const char *parts[] = {text};
	if (!rc)
		rc = em_xml_join(&s->tmp2, "", parts, 1, note);
	d.text = em_xml_str(&s->tmp2);
	return rc ? rc : d.text ? em_entity_add_date(s->l, s->e, &d) : 0;
}

static int birth_place(un_state *s, const char *unused)
{
	const char *parts[] = {field(s, "STREET"), field(s, "CITY"), field(s, "STATE_PROVINCE"),
			       field(s, "COUNTRY")};
	int rc = em_xml_join(&s->tmp, ", ", parts, 4, field(s, "NOTE"));
	return rc ? rc : em_entity_add_string(s->l, s->e, EM_FIELD_BIRTH_PLACE, em_xml_str(&s->tmp));
}

/* Words in TYPE_OF_DOCUMENT / TYPE_OF_DOCUMENT2 and the identifier type they mean. */
static const struct {
	const char *word;
	em_id_type type;
} doc_types[] = {
	{"passport", EM_ID_PASSPORT},
	{"passeport", EM_ID_PASSPORT},
	{"pasaporte", EM_ID_PASSPORT},
	{"fiscal code", EM_ID_TAX_ID},
	{"tax", EM_ID_TAX_ID},
	{"national identification", EM_ID_NATIONAL_ID},
	{"national identity", EM_ID_NATIONAL_ID},
	{"national id", EM_ID_NATIONAL_ID},
	{"identity card", EM_ID_NATIONAL_ID},
	{"identification card", EM_ID_NATIONAL_ID},
	{"civil identification", EM_ID_NATIONAL_ID},
	{"social security", EM_ID_NATIONAL_ID},
};

static em_id_type doc_type(const char *label)
{
	for (size_t i = 0; label && i < sizeof doc_types / sizeof doc_types[0]; i++)
		if (em_xml_contains_ci(label, doc_types[i].word))
			return doc_types[i].type;
	return EM_ID_OTHER;
}

static int document(un_state *s, const char *unused)
{
	const char *type1 = field(s, "TYPE_OF_DOCUMENT"), *type2 = field(s, "TYPE_OF_DOCUMENT2");
	const char *number = field(s, "NUMBER"), *note = field(s, "NOTE");
	const char *country = field(s, "ISSUING_COUNTRY");
	if (!country)
		country = field(s, "COUNTRY_OF_ISSUE");
	em_id_type type = doc_type(type1);
	if (type == EM_ID_OTHER)
		type = doc_type(type2);
	const char *label = type1 ? type1 : type2;
	const char *issued = field(s, "DATE_OF_ISSUE"), *city = field(s, "CITY_OF_ISSUE");
	int rc = 0;
	em_buf_clear(&s->tmp2);
	if (issued)
		rc = em_buf_printf(&s->tmp2, "issued %s", issued);
	if (!rc && city)
		rc = em_buf_printf(&s->tmp2, "%s in %s", issued ? "" : "issued", city);
	const char *parts[] = {type1 && type2 && strcmp(type1, type2) ? type2 : NULL,
			       em_xml_str(&s->tmp2), note};
	if (!rc)
		rc = em_xml_join(&s->tmp, "; ", parts, 3, NULL);
	if (rc)
		return rc;
	if (number)
		return em_entity_add_id(s->l, s->e, type, label, number, country, em_xml_str(&s->tmp));
	/* No NUMBER: the UN then writes the number inside NOTE; keep the words, not as an id. */
	if (!em_xml_str(&s->tmp))
		return 0;
	const char *what[] = {label ? label : "document", country};
	if ((rc = em_xml_join(&s->tmp2, ", ", what, 2, NULL)) ||
	    (rc = em_buf_printf(&s->tmp2, ": %s", em_xml_str(&s->tmp))))
		return rc;
	return em_entity_add_attribute(s->l, s->e, "document", em_xml_str(&s->tmp2));
}

static int address(un_state *s, const char *unused)
{
	em_address a = {field(s, "STREET"), field(s, "CITY"), field(s, "STATE_PROVINCE"),
			field(s, "ZIP_CODE"), field(s, "COUNTRY"), NULL};
	const char *note = field(s, "NOTE");
	if (note) {
		/* The note ("as of June 2016") belongs with the address it qualifies. */
		const char *parts[] = {a.street, a.city, a.region, a.postal_code, a.country};
		int rc = em_xml_join(&s->tmp, ", ", parts, 5, note);
		if (rc)
			return rc;
		a.full = em_xml_str(&s->tmp);
	}
	return em_entity_add_address(s->l, s->e, &a);
}

/* Every child of a record the reader uses, and how. */
static const struct {
	const char *name;
	un_kind kind;
	un_handler fn;
} un_fields[] = {
	{"DATAID", UN_LEAF, dataid},
	{"VERSIONNUM", UN_LEAF, versionnum},
	{"FIRST_NAME", UN_LEAF, first_name},
	{"SECOND_NAME", UN_LEAF, second_name},
	{"THIRD_NAME", UN_LEAF, third_name},
	{"FOURTH_NAME", UN_LEAF, fourth_name},
	{"UN_LIST_TYPE", UN_LEAF, list_type},
	{"REFERENCE_NUMBER", UN_LEAF, reference},
	{"LISTED_ON", UN_LEAF, listed_on},
	{"GENDER", UN_LEAF, gender},
	{"COMMENTS1", UN_LEAF, comments},
	{"NAME_ORIGINAL_SCRIPT", UN_LEAF, original_script},
	{"NATIONALITY", UN_VALUES, nationality},
	{"DESIGNATION", UN_VALUES, designation},
	{"TITLE", UN_VALUES, title},
	{"LAST_DAY_UPDATED", UN_VALUES, last_updated},
	{"INDIVIDUAL_ALIAS", UN_GROUP, alias},
	{"ENTITY_ALIAS", UN_GROUP, alias},
	{"INDIVIDUAL_DATE_OF_BIRTH", UN_GROUP, birth_date},
	{"INDIVIDUAL_PLACE_OF_BIRTH", UN_GROUP, birth_place},
	{"INDIVIDUAL_DOCUMENT", UN_GROUP, document},
	{"INDIVIDUAL_ADDRESS", UN_GROUP, address},
	{"ENTITY_ADDRESS", UN_GROUP, address},
};

static int find_field(const char *name)
{
	for (size_t i = 0; i < sizeof un_fields / sizeof un_fields[0]; i++)
		if (strcmp(un_fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* --- records ----------------------------------------------------------------------------- */

static int record_start(un_state *s)
{
	em_xml *x = &s->x;
	const char *parent = em_xml_name_at(x, 1);
	em_entity_type type;
	if (strcmp(parent, "INDIVIDUALS") == 0 && strcmp(x->name, "INDIVIDUAL") == 0)
		type = EM_ENTITY_PERSON;
	else if (strcmp(parent, "ENTITIES") == 0 && strcmp(x->name, "ENTITY") == 0)
		type = EM_ENTITY_ORGANIZATION;
	else
		return em_xml_fail(x, EM_EPARSE, "unexpected element in %s", parent);
	if (!(s->e = em_list_add(s->l)))
		return EM_ENOMEM;
	s->e->type = type;
	memset(s->parts, 0, sizeof s->parts);
	return 0;
}

static int record_end(un_state *s)
{
	em_xml *x = &s->x;
	em_entity *e = s->e;
	s->e = NULL;
	if (!e->source_id)
		return em_xml_fail(x, EM_EPARSE, "field 'REFERENCE_NUMBER' is missing or empty");
	int rc = em_xml_join(&s->tmp, " ", s->parts, 4, NULL);
	if (rc)
		return rc;
	if (!em_xml_str(&s->tmp))
		return em_xml_fail(x, EM_EPARSE, "record '%s': fields 'FIRST_NAME'..'FOURTH_NAME' are all empty",
				   e->source_id);
	const char *given = NULL, *family = NULL;
	if (e->type == EM_ENTITY_PERSON && s->parts[0]) {
		if ((rc = em_xml_join(&s->tmp2, " ", s->parts + 1, 3, NULL)))
			return rc;
		if ((family = em_xml_str(&s->tmp2)))
			given = s->parts[0];
	}
	size_t before = e->n_names;
	if ((rc = em_entity_add_name(s->l, e, EM_NAME_PRIMARY, s->tmp.data, given, family, NULL)))
		return rc;
	if (e->n_names != before + 1)
		return oom();
	em_xml_name_first(e, e->n_names - 1);
	return 0;
}

static int root_start(un_state *s)
{
	em_xml *x = &s->x;
	if (strcmp(x->name, "CONSOLIDATED_LIST") != 0)
		return em_xml_fail(x, EM_EFORMAT, "the root is not CONSOLIDATED_LIST: not a UN list");
	const char *date = em_xml_attr(x, "dateGenerated");
	return date ? em_list_set_meta(s->l, NULL, NULL, NULL, date) : 0;
}

static int on_start(un_state *s)
{
	em_xml *x = &s->x;
	switch (x->at) {
	case 0:
		return root_start(s);
	case 1:
		if (strcmp(x->name, "INDIVIDUALS") && strcmp(x->name, "ENTITIES"))
			return em_xml_fail(x, EM_EPARSE, "unexpected element in CONSOLIDATED_LIST");
		return 0;
	case 2:
		return record_start(s);
	case 3:
		em_xml_kv_clear(&s->group);
		return 0;
	default:
		return 0;
	}
}

static int on_end(un_state *s)
{
	em_xml *x = &s->x;
	int f;
	if (x->at == 2)
		return record_end(s);
	if (x->at == 3 && (f = find_field(x->name)) >= 0 && un_fields[f].kind != UN_VALUES)
		return un_fields[f].fn(s, x->text);
	if (x->at == 4) {
		f = find_field(em_xml_name_at(x, 3));
		if (f >= 0 && un_fields[f].kind == UN_VALUES)
			return strcmp(x->name, "VALUE") == 0 ? un_fields[f].fn(s, x->text) : 0;
		return em_xml_kv_add(&s->group, x->name, x->text);
	}
	return 0;
}

static int un_read(em_read_ctx *ctx)
{
	un_state s = {.l = ctx->list, .tmp = EM_BUF_INIT, .tmp2 = EM_BUF_INIT};
	int rc = em_xml_open(&s.x, ctx);
	while (!rc && (rc = em_xml_next(&s.x)) == 1)
		rc = s.x.event == EM_XML_START ? on_start(&s) : on_end(&s);
	em_xml_close(&s.x);
	em_xml_kv_free(&s.group);
	em_buf_free(&s.tmp);
	em_buf_free(&s.tmp2);
	return rc;
}

static int un_sniff(const char *head, size_t n)
{
	char root[64];
	em_xml_sniff_root(head, n, root, sizeof root);
	return strcmp(root, "CONSOLIDATED_LIST") == 0 ? 95 : 0;
}

const em_reader em_reader_un_xml = {"un-xml", "un", un_sniff, un_read};
