/*
 * eu_xml.c: the EU "Consolidated list of persons, groups and entities subject to EU financial
 * sanctions" (Financial Sanctions Files, XML 1.1) as entities.
 *
 * The document is <export generationDate=... xmlns="http://eu.europa.ec/fpi/fsd/export">
 * holding <sanctionEntity logicalId euReferenceNumber unitedNationId designationDate ...>
 * records. Nearly everything about a record is in the attributes of its children: <regulation
 * programme>, <subjectType code="person|enterprise">, <nameAlias wholeName firstName lastName
 * strong nameLanguage function gender title>, <citizenship>, <birthdate>, <identification>,
 * <address>; only <remark> carries text, directly under the record or under a child. The
 * reader streams the document (see xml.h), keeps a child's attributes until the child closes
 * (its <remark> arrives in between), and completes the record when it closes. Unknown
 * elements are skipped; a record without logicalId or any name fails the whole file.
 *
 * Names: weak aliases (strong="false") are EM_NAME_AKA_WEAK; a strong alias written in a
 * non-Latin script (the Russian, Arabic or Chinese form) is EM_NAME_ORIGINAL_SCRIPT with
 * nameLanguage as its lang; the first strong Latin-script alias becomes the primary name.
 */
#include <ctype.h>
#include <string.h>

#include "xml.h"

#define EU_NS "http://eu.europa.ec/fpi/fsd/export"

typedef struct eu_state {
	em_list *l;
	em_xml x;
	em_entity *e;         /* the record being read, NULL between records */
	em_xml_kv group;      /* attributes (and remark) of the record child being read */
	em_buf remarks;       /* the record's remarks, joined */
	char listed[11];      /* earliest regulation publication date, when no designationDate */
	em_buf tmp, tmp2, note; /* scratch text */
} eu_state;

static const char *field(const eu_state *s, const char *key)
{
	return em_xml_kv_get(&s->group, key);
}

static bool is_true(const char *v)
{
	return v && em_starts_with_ci(v, "true");
}

/* countryDescription, or NULL for the list's "UNKNOWN" (code "00"). */
static const char *country(const eu_state *s)
{
	const char *code = field(s, "countryIso2Code"), *desc = field(s, "countryDescription");
	if ((code && strcmp(code, "00") == 0) || (desc && em_starts_with_ci(desc, "unknown")))
		return NULL;
	return desc ? desc : code;
}

static int regulation(eu_state *s)
{
	int rc = em_entity_add_string(s->l, s->e, EM_FIELD_PROGRAM, field(s, "programme"));
	if (!rc)
		rc = em_entity_add_attribute(s->l, s->e, "regulation", field(s, "numberTitle"));
	char iso[11];
	if (!rc && em_xml_iso_date(field(s, "publicationDate"), iso) &&
	    (!s->listed[0] || strcmp(iso, s->listed) < 0))
		memcpy(s->listed, iso, sizeof iso);
	return rc;
}

static int subject_type(eu_state *s)
{
	const char *code = field(s, "code");
	if (code && strcmp(code, "enterprise") == 0)
		s->e->type = EM_ENTITY_ORGANIZATION;
	else if (code)
		s->e->type = em_entity_type_parse(code);
	return 0;
}

static int name_alias(eu_state *s)
{
	const char *first = field(s, "firstName"), *middle = field(s, "middleName");
	const char *last = field(s, "lastName"), *whole = field(s, "wholeName");
	const char *given_parts[] = {first, middle};
	int rc = em_xml_join(&s->tmp2, " ", given_parts, 2, NULL);
	const char *given = em_xml_str(&s->tmp2);
	if (!rc && !whole) {
		const char *parts[] = {given, last};
		rc = em_xml_join(&s->tmp, " ", parts, 2, NULL);
		whole = em_xml_str(&s->tmp);
	}
	if (rc || !whole)
		return rc;
	char lang[16] = "";
	const char *nl = field(s, "nameLanguage");
	for (size_t i = 0; nl && nl[i] && i + 1 < sizeof lang; i++)
		lang[i] = (char)tolower((unsigned char)nl[i]), lang[i + 1] = '\0';
	em_name_kind kind = EM_NAME_AKA_STRONG;
	if (field(s, "strong") && !is_true(field(s, "strong")))
		kind = EM_NAME_AKA_WEAK;
	else if (em_xml_non_latin(whole))
		kind = EM_NAME_ORIGINAL_SCRIPT;
	rc = em_entity_add_name(s->l, s->e, kind, whole, given, last, lang);
	if (!rc)
		rc = em_entity_add_attribute(s->l, s->e, "position", field(s, "function"));
	if (!rc)
		rc = em_entity_add_attribute(s->l, s->e, "title", field(s, "title"));
	if (!rc && !s->e->gender && field(s, "gender"))
		rc = em_entity_set_gender(s->l, s->e, field(s, "gender"));
	return rc;
}

static int citizenship(eu_state *s)
{
	return em_entity_add_string(s->l, s->e, EM_FIELD_CITIZENSHIP, country(s));
}

static bool read_int(const char *t, long lo, long hi, int *out)
{
	long v;
	if (!t || !em_parse_long(t, &v) || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* birthdate="1937-04-28", or year / monthOfYear / dayOfMonth, or yearRangeFrom..To; circa. */
static int birth_date(eu_state *s)
{
	em_date d;
	memset(&d, 0, sizeof d);
	const char *full = field(s, "birthdate");
	int from, to;
	if (full) {
		em_date_parse(full, &d);
	} else if (read_int(field(s, "year"), 1000, 2999, &d.year)) {
		d.kind = EM_DATE_YEAR;
		if (read_int(field(s, "monthOfYear"), 1, 12, &d.month)) {
			d.kind = EM_DATE_YEAR_MONTH;
			if (read_int(field(s, "dayOfMonth"), 1, 31, &d.day))
				d.kind = EM_DATE_EXACT;
		}
	} else if (read_int(field(s, "yearRangeFrom"), 1000, 2999, &from) &&
		   read_int(field(s, "yearRangeTo"), from, 2999, &to)) {
		d.kind = EM_DATE_RANGE;
		d.year = from;
		d.year2 = to;
	} else {
		d.kind = EM_DATE_TEXT;
	}
	d.circa = d.circa || is_true(field(s, "circa"));
	int rc = em_xml_date_render(&s->tmp, &d);
	d.text = d.kind == EM_DATE_TEXT ? full : em_xml_str(&s->tmp);
	if (!rc && d.text)
		rc = em_entity_add_date(s->l, s->e, &d);
	const char *place[] = {field(s, "place"), field(s, "city"), field(s, "region"), country(s)};
	if (!rc)
		rc = em_xml_join(&s->tmp, ", ", place, 4, NULL);
	return rc ? rc : em_entity_add_string(s->l, s->e, EM_FIELD_BIRTH_PLACE, em_xml_str(&s->tmp));
}

/* identificationTypeCode values and the identifier type they mean; others are EM_ID_OTHER. */
static const struct {
	const char *code;
	em_id_type type;
} id_types[] = {
	{"passport", EM_ID_PASSPORT},
	{"id", EM_ID_NATIONAL_ID},
	{"ssn", EM_ID_NATIONAL_ID},
	{"fiscalcode", EM_ID_TAX_ID},
	{"tax", EM_ID_TAX_ID},
	{"regnumber", EM_ID_REGISTRATION},
	{"imo", EM_ID_IMO},
	{"swiftbic", EM_ID_SWIFT_BIC},
};

static em_id_type id_type(const char *code)
{
	for (size_t i = 0; code && i < sizeof id_types / sizeof id_types[0]; i++)
		if (strcmp(code, id_types[i].code) == 0)
			return id_types[i].type;
	return EM_ID_OTHER;
}

static int identification(eu_state *s)
{
	const char *code = field(s, "identificationTypeCode");
	const char *label = field(s, "identificationTypeDescription");
	const char *number = field(s, "number");
	if (!number)
		number = field(s, "latinNumber");
	int rc = 0;
	em_buf_clear(&s->tmp2);
	if (field(s, "issuedBy"))
		rc = em_buf_printf(&s->tmp2, "issued by %s", field(s, "issuedBy"));
	if (!rc && field(s, "issueDate"))
		rc = em_buf_printf(&s->tmp2, "%sissued %s", s->tmp2.len ? "; " : "", field(s, "issueDate"));
	if (!rc && field(s, "nameOnDocument"))
		rc = em_buf_printf(&s->tmp2, "%sname on document: %s", s->tmp2.len ? "; " : "",
				   field(s, "nameOnDocument"));
	/* The flags say the document cannot be trusted: they belong next to the number. */
	static const char *const flags[][2] = {{"diplomatic", "diplomatic"},
					       {"knownExpired", "known expired"},
					       {"knownFalse", "known false"},
					       {"reportedLost", "reported lost"},
					       {"revokedByIssuer", "revoked by issuer"}};
	const char *said[5] = {NULL};
	for (size_t i = 0; i < 5; i++)
		if (is_true(field(s, flags[i][0])))
			said[i] = flags[i][1];
	if (!rc)
		rc = em_xml_join(&s->tmp, ", ", said, 5, NULL);
	const char *parts[] = {em_xml_str(&s->tmp2), em_xml_str(&s->tmp), field(s, "remark")};
	if (!rc)
		rc = em_xml_join(&s->note, "; ", parts, 3, NULL);
	if (rc)
		return rc;
	if (number)
		return em_entity_add_id(s->l, s->e, id_type(code), label ? label : code, number,
					country(s), em_xml_str(&s->note));
	/* No number: what the list says about the document is still worth keeping. */
	if (!em_xml_str(&s->note))
		return 0;
	const char *what[] = {label ? label : code ? code : "identification", country(s)};
	if ((rc = em_xml_join(&s->tmp, ", ", what, 2, NULL)) ||
	    (rc = em_buf_printf(&s->tmp, ": %s", em_xml_str(&s->note))))
		return rc;
	return em_entity_add_attribute(s->l, s->e, "document", em_xml_str(&s->tmp));
}

static int address(eu_state *s)
{
	em_address a = {field(s, "street"), field(s, "city"), field(s, "region"),
			field(s, "zipCode"), country(s), NULL};
	const char *po = field(s, "poBox"), *place = field(s, "place"), *remark = field(s, "remark");
	int rc = 0;
	if (!a.city)
		a.city = place;
	if (po) {
		em_buf_clear(&s->tmp2);
		if ((a.street && (rc = em_buf_printf(&s->tmp2, "%s, ", a.street))) ||
		    (rc = em_buf_printf(&s->tmp2, "P.O. Box %s", po)))
			return rc;
		a.street = em_xml_str(&s->tmp2);
	}
	if (remark) {
		const char *parts[] = {a.street, a.city, a.region, a.postal_code, a.country};
		if ((rc = em_xml_join(&s->tmp, ", ", parts, 5, remark)))
			return rc;
		a.full = em_xml_str(&s->tmp);
	}
	return em_entity_add_address(s->l, s->e, &a);
}

static int remark(eu_state *s, const char *text)
{
	int rc = 0;
	const char *t = em_list_str(s->l, text);
	/* Remarks are sentences or notes: keep them apart without doubling a full stop. */
	if (t && s->remarks.len)
		rc = em_buf_puts(&s->remarks, s->remarks.data[s->remarks.len - 1] == '.' ? " " : "; ");
	return t && !rc ? em_buf_puts(&s->remarks, t) : rc;
}

/* Children of a record the reader uses. */
static const struct {
	const char *name;
	int (*fn)(eu_state *s);
} eu_children[] = {
	{"regulation", regulation},
	{"subjectType", subject_type},
	{"nameAlias", name_alias},
	{"citizenship", citizenship},
	{"birthdate", birth_date},
	{"identification", identification},
	{"address", address},
};

static int record_start(eu_state *s)
{
	em_xml *x = &s->x;
	if (strcmp(x->name, "sanctionEntity") != 0)
		return 0;
	const char *id = em_xml_attr(x, "logicalId");
	if (!id)
		return em_xml_fail(x, EM_EPARSE, "attribute 'logicalId' is missing or empty");
	if (!(s->e = em_list_add(s->l)))
		return EM_ENOMEM;
	em_entity *e = s->e;
	em_buf_clear(&s->remarks);
	s->listed[0] = '\0';
	char iso[11];
	int rc = em_entity_set_id(s->l, e, id);
	if (!rc)
		rc = em_entity_add_attribute(s->l, e, "eu_reference", em_xml_attr(x, "euReferenceNumber"));
	if (!rc)
		rc = em_entity_add_attribute(s->l, e, "un_reference", em_xml_attr(x, "unitedNationId"));
	if (!rc)
		rc = em_entity_add_attribute(s->l, e, "designation", em_xml_attr(x, "designationDetails"));
	if (!rc && em_xml_iso_date(em_xml_attr(x, "designationDate"), iso))
		rc = em_entity_set_listed_on(s->l, e, iso);
	return rc;
}

static int record_end(eu_state *s)
{
	em_entity *e = s->e;
	s->e = NULL;
	if (!e)
		return 0;
	if (!e->n_names)
		return em_xml_fail(&s->x, EM_EPARSE, "record '%s' has no nameAlias with a name",
				   e->source_id);
	/* The primary name: the first strong Latin-script alias, else the first strong one. */
	size_t pick = e->n_names;
	for (size_t i = 0; i < e->n_names && pick == e->n_names; i++)
		if (e->names[i].kind == EM_NAME_AKA_STRONG)
			pick = i;
	for (size_t i = 0; i < e->n_names && pick == e->n_names; i++)
		if (e->names[i].kind != EM_NAME_AKA_WEAK)
			pick = i;
	if (pick == e->n_names)
		pick = 0;
	((em_name *)e->names)[pick].kind = EM_NAME_PRIMARY;
	em_xml_name_first(e, pick);
	int rc = 0;
	if (!e->listed_on && s->listed[0])
		rc = em_entity_set_listed_on(s->l, e, s->listed);
	return rc ? rc : em_entity_set_remarks(s->l, e, em_xml_str(&s->remarks));
}

static int on_start(eu_state *s)
{
	em_xml *x = &s->x;
	if (x->at == 0) {
		if (strcmp(x->name, "export") != 0 || !x->ns || strcmp(x->ns, EU_NS) != 0)
			return em_xml_fail(x, EM_EFORMAT, "the root is not <export xmlns=\"" EU_NS
					   "\">: not an EU financial sanctions file");
		const char *date = em_xml_attr(x, "generationDate");
		return date ? em_list_set_meta(s->l, NULL, NULL, NULL, date) : 0;
	}
	if (x->at == 1)
		return record_start(s);
	if (x->at == 2 && s->e) {
		/* Keep the child's attributes: its <remark> comes before it closes. */
		em_xml_kv_clear(&s->group);
		for (size_t i = 0; i < x->attrs.n; i++) {
			int rc = em_xml_kv_add(&s->group, x->attrs.buf.data + x->attrs.off[i][0],
					       x->attrs.buf.data + x->attrs.off[i][1]);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int on_end(eu_state *s)
{
	em_xml *x = &s->x;
	if (x->at == 1)
		return record_end(s);
	if (!s->e)
		return 0;
	if (x->at == 2) {
		if (strcmp(x->name, "remark") == 0)
			return remark(s, x->text);
		for (size_t i = 0; i < sizeof eu_children / sizeof eu_children[0]; i++)
			if (strcmp(x->name, eu_children[i].name) == 0)
				return eu_children[i].fn(s);
		return 0;
	}
	if (x->at == 3 && strcmp(x->name, "remark") == 0)
		return em_xml_kv_add(&s->group, "remark", x->text);
	return 0;
}

static int eu_read(em_read_ctx *ctx)
{
	eu_state s = {.l = ctx->list, .remarks = EM_BUF_INIT, .tmp = EM_BUF_INIT, .tmp2 = EM_BUF_INIT,
		      .note = EM_BUF_INIT};
	int rc = em_xml_open(&s.x, ctx);
	while (!rc && (rc = em_xml_next(&s.x)) == 1)
		rc = s.x.event == EM_XML_START ? on_start(&s) : on_end(&s);
	em_xml_close(&s.x);
	em_xml_kv_free(&s.group);
	em_buf_free(&s.remarks);
	em_buf_free(&s.tmp);
	em_buf_free(&s.tmp2);
	em_buf_free(&s.note);
	return rc;
}

static int eu_sniff(const char *head, size_t n)
{
	char root[64];
	em_xml_sniff_root(head, n, root, sizeof root);
	return strcmp(root, "export") == 0 && strstr(head, EU_NS) ? 95 : 0;
}

const em_reader em_reader_eu_xml = {"eu-xml", "eu-fsf", eu_sniff, eu_read};
