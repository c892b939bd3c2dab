/*
 * csl.c: the US Consolidated Screening List (trade.gov), which merges the Treasury, Commerce
 * and State lists (SDN, SSI, Entity List, Denied Persons, ITAR Debarred...) into one table.
 * Two forms: the CSV download ("csl-csv", multi-valued fields joined with "; ") and the JSON
 * of the API and download ("csl-json": {"results": [...]} or a bare array, multi-valued
 * fields as arrays of strings or objects). Both go through the same field table, so a record
 * gives the same entity in either form. The record's sub-list (`source`) is kept as the
 * attribute "list" and its short code (SDN, EL, DPL...) as a program.
 *
 * Ids: the file's own `_id`/`id` when it has one; else CODE:entity_number; else CODE and the
 * first 16 hex digits of SHA-256(name|addresses|start_date); repeats get an occurrence number.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fields.h"
#include "reader.h"

#define CSL_JSON_MAX ((size_t)1 << 30) /* a whole-file JSON document larger than this is refused */

/* --- the fields of a record ------------------------------------------------------------ */

typedef enum csl_kind {
	CSL_ATTR,       /* kept as an attribute under the field's name */
	CSL_PROGRAM,
	CSL_ADDRESS,
	CSL_START,      /* start_date: the listing date */
	CSL_CALL_SIGN,
	CSL_REMARKS,
	CSL_ALT_NAME,
	CSL_CITIZENSHIP,
	CSL_NATIONALITY,
	CSL_BIRTH_DATE,
	CSL_BIRTH_PLACE,
	CSL_ID,
} csl_kind;

/* Every field but source, type and name (read first); `multi`: "; "-joined in the CSV. */
static const struct csl_field {
	const char *key;
	csl_kind kind;
	bool multi;
} csl_fields[] = {
	{"entity_number", CSL_ATTR, false},
	{"programs", CSL_PROGRAM, true},
	{"title", CSL_ATTR, false},
	{"addresses", CSL_ADDRESS, true},
	{"federal_register_notice", CSL_ATTR, false},
	{"start_date", CSL_START, false},
	{"end_date", CSL_ATTR, false},
	{"standard_order", CSL_ATTR, false},
	{"license_requirement", CSL_ATTR, false},
	{"license_policy", CSL_ATTR, false},
	{"call_sign", CSL_CALL_SIGN, false},
	{"vessel_type", CSL_ATTR, false},
	{"gross_tonnage", CSL_ATTR, false},
	{"gross_registered_tonnage", CSL_ATTR, false},
	{"vessel_flag", CSL_ATTR, false},
	{"vessel_owner", CSL_ATTR, false},
	{"remarks", CSL_REMARKS, false},
	{"source_list_url", CSL_ATTR, false},
	{"alt_names", CSL_ALT_NAME, true},
	{"citizenships", CSL_CITIZENSHIP, true},
	{"dates_of_birth", CSL_BIRTH_DATE, true},
	{"nationalities", CSL_NATIONALITY, true},
	{"places_of_birth", CSL_BIRTH_PLACE, true},
	{"source_information_url", CSL_ATTR, false},
	{"ids", CSL_ID, true},
};
#define CSL_NFIELDS (sizeof csl_fields / sizeof csl_fields[0])

/* Short codes of the sub-lists, for names that carry none in parentheses. */
static const struct {
	const char *words;
	const char *code;
} csl_codes[] = {
	{"Specially Designated Nationals", "SDN"}, {"Sectoral Sanctions", "SSI"},
	{"Foreign Sanctions Evaders", "FSE"},      {"Palestinian Legislative", "PLC"},
	{"Menu-Based", "MBS"},                     {"Chinese Military", "CMIC"},
	{"Correspondent Account", "CAP"},          {"Capta", "CAP"},
	{"Denied Persons", "DPL"},                 {"Entity List", "EL"},
	{"Unverified", "UVL"},                     {"Military End User", "MEU"},
	{"Nonproliferation", "ISN"},               {"ITAR Debarred", "DTC"},
};

/*
 * What an identifier's label (the CSL's "type") means, by prefix. OFAC also files facts that
 * are not identifiers among them: those become attributes.
 */
typedef enum { LBL_ID, LBL_GENDER, LBL_ATTR } csl_label_kind;
static const struct {
	const char *prefix;
	csl_label_kind kind;
	em_id_type type;
	const char *attr;
} csl_labels[] = {
	{"Passport", LBL_ID, EM_ID_PASSPORT, NULL},
	{"National ID", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"National Foreign ID", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"Cedula", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"Identification Number", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"C.U.R.P", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"D.N.I", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"SSN", LBL_ID, EM_ID_NATIONAL_ID, NULL},
	{"Tax ID", LBL_ID, EM_ID_TAX_ID, NULL},
	{"NIT #", LBL_ID, EM_ID_TAX_ID, NULL},
	{"RUC #", LBL_ID, EM_ID_TAX_ID, NULL},
	{"R.F.C", LBL_ID, EM_ID_TAX_ID, NULL},
	{"RFC", LBL_ID, EM_ID_TAX_ID, NULL},
	{"CUIT", LBL_ID, EM_ID_TAX_ID, NULL},
	{"VAT", LBL_ID, EM_ID_TAX_ID, NULL},
	{"Registration", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Company Number", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Commercial Registry", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Matricula Mercantil", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Business Registration", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Business Number", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Government Gazette Number", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Chamber of Commerce", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Trade License", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Certificate of Incorporation", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Unified Social Credit Code", LBL_ID, EM_ID_REGISTRATION, NULL},
	{"Vessel Registration Identification", LBL_ID, EM_ID_IMO, NULL},
	{"MMSI", LBL_ID, EM_ID_MMSI, NULL},
	{"Call Sign", LBL_ID, EM_ID_CALL_SIGN, NULL},
	{"Aircraft Construction Number", LBL_ID, EM_ID_AIRCRAFT_SERIAL, NULL},
	{"Aircraft Manufacturer's Serial Number", LBL_ID, EM_ID_AIRCRAFT_SERIAL, NULL},
	{"Aircraft Tail Number", LBL_ID, EM_ID_AIRCRAFT_TAIL, NULL},
	{"Digital Currency Address", LBL_ID, EM_ID_CRYPTO_ADDRESS, NULL},
	{"Website", LBL_ID, EM_ID_WEBSITE, NULL},
	{"Email", LBL_ID, EM_ID_EMAIL, NULL},
	{"Phone", LBL_ID, EM_ID_PHONE, NULL},
	{"Telephone", LBL_ID, EM_ID_PHONE, NULL},
	{"SWIFT", LBL_ID, EM_ID_SWIFT_BIC, NULL},
	{"Legal Entity Number", LBL_ID, EM_ID_LEI, NULL},
	{"LEI", LBL_ID, EM_ID_LEI, NULL},
	{"Gender", LBL_GENDER, EM_ID_OTHER, NULL},
	{"Former Vessel Flag", LBL_ATTR, EM_ID_OTHER, "former_vessel_flag"},
	{"Vessel Year of Build", LBL_ATTR, EM_ID_OTHER, "vessel_year_of_build"},
	{"Aircraft Model", LBL_ATTR, EM_ID_OTHER, "aircraft_model"},
	{"Aircraft Operator", LBL_ATTR, EM_ID_OTHER, "aircraft_operator"},
	{"Aircraft Manufacture Date", LBL_ATTR, EM_ID_OTHER, "aircraft_manufacture_date"},
	{"Organization Established Date", LBL_ATTR, EM_ID_OTHER, "established"},
	{"Organization Type", LBL_ATTR, EM_ID_OTHER, "organization_type"},
	{"Nationality of Registration", LBL_ATTR, EM_ID_OTHER, "nationality_of_registration"},
};

/* One reading: the list, the id maker and where we are (for messages). */
typedef struct csl_ctx {
	em_list *l;
	em_idgen ids;
	const char *name; /* file name */
	char where[64];   /* ":LINE" or ": results[N]" after the file name */
	em_buf piece;     /* scratch for split values */
} csl_ctx;

/* The short code of a sub-list: "(SDN)" in its name, a known name, or its capitals. */
static void csl_source_code(const char *source, char out[16])
{
	const char *open = strchr(source, '(');
	const char *close = open ? strchr(open, ')') : NULL;
	if (open && close && close - open > 1 && close - open <= 12) {
		bool ok = true;
		for (const char *p = open + 1; p < close; p++)
			if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
				ok = false;
		if (ok) {
			memcpy(out, open + 1, (size_t)(close - open - 1));
			out[close - open - 1] = '\0';
			return;
		}
	}
	for (size_t i = 0; i < sizeof csl_codes / sizeof csl_codes[0]; i++) {
		if (strstr(source, csl_codes[i].words)) {
			snprintf(out, 16, "%s", csl_codes[i].code);
			return;
		}
	}
	size_t n = 0;
	for (const char *p = source; *p && n < 15; p++)
		if (isupper((unsigned char)*p) && (p == source || *(p - 1) == ' '))
			out[n++] = *p;
	out[n] = '\0';
	if (!n)
		snprintf(out, 16, "CSL");
}

/* The country of a one-line address: its last part when that is a two-letter code. */
static const char *csl_address_country(em_list *l, const char *full)
{
	const char *last = strrchr(full, ',');
	last = last ? last + 1 : full;
	while (*last == ' ')
		last++;
	if (isupper((unsigned char)last[0]) && isupper((unsigned char)last[1]) &&
	    (last[2] == '\0' || last[2] == ' '))
		return em_list_strn(l, last, 2);
	return NULL;
}

static int csl_add_identifier(csl_ctx *c, em_entity *e, const char *label, const char *number,
			      const char *country, const char *note, const char *whole)
{
	size_t ll = strlen(label);
	/* OFAC's informational entries end their label with ':' or '-' ("Secondary sanctions risk:"). */
	while (ll && label[ll - 1] == ' ')
		ll--;
	if (ll && (label[ll - 1] == ':' || label[ll - 1] == '-'))
		return em_entity_add_attribute(c->l, e, "sanctions_info", whole);
	for (size_t i = 0; i < sizeof csl_labels / sizeof csl_labels[0]; i++) {
		if (!em_starts_with_ci(label, csl_labels[i].prefix))
			continue;
		switch (csl_labels[i].kind) {
		case LBL_GENDER:
			return em_entity_set_gender(c->l, e, number);
		case LBL_ATTR:
			return em_entity_add_attribute(c->l, e, csl_labels[i].attr, number);
		case LBL_ID:
			break;
		}
		if (csl_labels[i].type == EM_ID_IMO && em_starts_with_ci(number, "IMO"))
			number += 3;
		return em_entity_add_id(c->l, e, csl_labels[i].type, label, number, country, note);
	}
	return em_entity_add_id(c->l, e, EM_ID_OTHER, *label ? label : "id", number, country, note);
}

/* An identifier as the CSV writes it: "COUNTRY, NUMBER, TYPE" or "NUMBER, TYPE". */
static int csl_add_identifier_text(csl_ctx *c, em_entity *e, const char *text)
{
	const char *last = strrchr(text, ',');
	if (!last)
		return csl_add_identifier(c, e, "", text, NULL, NULL, text);
	const char *label = last + 1;
	while (*label == ' ')
		label++;
	const char *start = text, *country = NULL;
	const char *first = strchr(text, ',');
	/* A leading two-letter code is the issuing country when a number follows it. */
	if (first != last && first - text == 2 && isupper((unsigned char)text[0]) &&
	    isupper((unsigned char)text[1])) {
		country = em_list_strn(c->l, text, 2);
		start = first + 1;
	}
	const char *number = em_list_strn(c->l, start, (size_t)(last - start));
	if (!number)
		number = "";
	return csl_add_identifier(c, e, label, number, country, NULL, text);
}

/* One value of a field (already split). */
static int csl_value(csl_ctx *c, em_entity *e, const struct csl_field *f, const char *v)
{
	em_address a = {0};
	char iso[11];
	int y, m, d;
	switch (f->kind) {
	case CSL_ATTR:
		return em_entity_add_attribute(c->l, e, f->key, v);
	case CSL_PROGRAM:
		return em_entity_add_string(c->l, e, EM_FIELD_PROGRAM, v);
	case CSL_ADDRESS:
		a.full = v;
		a.country = csl_address_country(c->l, v);
		return em_entity_add_address(c->l, e, &a);
	case CSL_START:
		/* ISO in both forms; anything else stays only as the attribute. */
		if (sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3 && em_date_iso(iso, y, m, d))
			em_entity_set_listed_on(c->l, e, iso);
		return em_entity_add_attribute(c->l, e, f->key, v);
	case CSL_CALL_SIGN:
		return em_entity_add_id(c->l, e, EM_ID_CALL_SIGN, "Call Sign", v, NULL, NULL);
	case CSL_REMARKS:
		return em_entity_set_remarks(c->l, e, v);
	case CSL_ALT_NAME: {
		const char *script = em_text_script(v);
		return em_entity_add_name(c->l, e, script ? EM_NAME_ORIGINAL_SCRIPT : EM_NAME_AKA_STRONG,
					  v, NULL, NULL, script);
	}
	case CSL_CITIZENSHIP:
		return em_entity_add_string(c->l, e, EM_FIELD_CITIZENSHIP, v);
	case CSL_NATIONALITY:
		return em_entity_add_string(c->l, e, EM_FIELD_NATIONALITY, v);
	case CSL_BIRTH_DATE:
		return em_entity_add_birth_date(c->l, e, v);
	case CSL_BIRTH_PLACE:
		return em_entity_add_string(c->l, e, EM_FIELD_BIRTH_PLACE, v);
	case CSL_ID:
		return csl_add_identifier_text(c, e, v);
	}
	return 0;
}

/* A field as text: multi-valued fields are split at "; ". */
static int csl_text(csl_ctx *c, em_entity *e, const struct csl_field *f, const char *text)
{
	if (!f->multi)
		return csl_value(c, e, f, text);
	const char *cur = text;
	while (em_split_next(&cur, "; ", &c->piece)) {
		int rc = csl_value(c, e, f, c->piece.data);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Starts an entity: id, type, sub-list and primary name. `id` is the file's own id or "";
 * `addresses` the record's addresses as one "; "-joined text (for the hashed id).
 */
static int csl_begin(csl_ctx *c, em_entity **out, const char *id, const char *source,
		     const char *type, const char *name, const char *entity_number,
		     const char *addresses, const char *start_date)
{
	*out = NULL;
	const char *src = em_list_str(c->l, source);
	const char *nm = em_list_str(c->l, name);
	if (!src)
		return em_fail(EM_EPARSE, "%s%s: field 'source': empty", c->name, c->where);
	if (!nm)
		return em_fail(EM_EPARSE, "%s%s: field 'name': empty", c->name, c->where);
	em_entity_type t = EM_ENTITY_UNKNOWN;
	const char *ty = em_list_str(c->l, type);
	if (ty && (t = em_entity_type_parse(ty)) == EM_ENTITY_UNKNOWN)
		return em_fail(EM_EPARSE, "%s%s: field 'type': unknown type '%s'", c->name, c->where, ty);

	char code[16], base[96], hash[17];
	csl_source_code(src, code);
	const char *own = em_list_str(c->l, id);
	const char *num = em_list_str(c->l, entity_number);
	if (num && strlen(num) > 64)
		return em_fail(EM_EPARSE, "%s%s: field 'entity_number': longer than 64 characters",
			       c->name, c->where);
	if (num) {
		snprintf(base, sizeof base, "%s:%s", code, num);
	} else {
		const char *parts[] = {nm, em_list_str(c->l, addresses), em_list_str(c->l, start_date)};
		em_hash_fields(parts, 3, hash);
		snprintf(base, sizeof base, "%s:%s", code, hash);
	}
	const char *sid = own;
	int rc;
	/* The file's own ids are taken as they are: a repeat is a corrupt file (em_list_finish). */
	if (!own && (rc = em_idgen_make(&c->ids, c->l, base, &sid)))
		return rc;
	em_entity *e = em_list_add(c->l);
	if (!e)
		return EM_ENOMEM;
	e->type = t;
	em_entity_set_id(c->l, e, sid);
	/* Individuals are listed "FAMILY, Given" by the Treasury lists. */
	const char *comma = strstr(nm, ", ");
	char *family = NULL;
	const char *given = NULL;
	if (t == EM_ENTITY_PERSON && comma && !strstr(comma + 2, ", ")) {
		family = em_arena_strndup(&c->l->arena, nm, (size_t)(comma - nm));
		given = comma + 2;
	}
	if ((rc = em_entity_add_name(c->l, e, EM_NAME_PRIMARY, nm, given, family, NULL)) ||
	    (rc = em_entity_add_attribute(c->l, e, "list", src)) ||
	    (rc = em_entity_add_string(c->l, e, EM_FIELD_PROGRAM, code)))
		return rc;
	*out = e;
	return 0;
}

static void csl_ctx_free(csl_ctx *c)
{
	em_idgen_free(&c->ids);
	em_buf_free(&c->piece);
}

/* --- CSV -------------------------------------------------------------------------------- */

static int csl_csv_read(em_read_ctx *ctx)
{
	csl_ctx c = {.l = ctx->list, .name = ctx->name};
	em_table t;
	em_table_init(&t, ctx->name, ctx->data, ctx->len, ',');
	int rc = em_table_read_header(&t);
	if (rc == 0)
		rc = em_fail(EM_EPARSE, "%s:1: field 'source': no header", ctx->name);
	if (rc < 0)
		goto done;
	int col_id = em_table_col(&t, "_id"), col_source = em_table_col(&t, "source");
	int col_type = em_table_col(&t, "type"), col_name = em_table_col(&t, "name");
	int cols[CSL_NFIELDS];
	for (size_t i = 0; i < CSL_NFIELDS; i++)
		cols[i] = em_table_col(&t, csl_fields[i].key);
	if (col_source < 0 || col_name < 0) {
		rc = em_fail(EM_EPARSE, "%s:%zu: field '%s': the header has no such column", ctx->name,
			     t.csv.line, col_source < 0 ? "source" : "name");
		goto done;
	}
	/* Columns the hashed id is made of. */
	int col_num = em_table_col(&t, "entity_number"), col_addr = em_table_col(&t, "addresses");
	int col_start = em_table_col(&t, "start_date");
	while ((rc = em_table_next(&t)) == 1) {
		snprintf(c.where, sizeof c.where, ":%zu", t.csv.line);
		em_entity *e;
		if ((rc = csl_begin(&c, &e, em_table_get(&t, col_id), em_table_get(&t, col_source),
				    em_table_get(&t, col_type), em_table_get(&t, col_name),
				    em_table_get(&t, col_num), em_table_get(&t, col_addr),
				    em_table_get(&t, col_start))))
			break;
		for (size_t i = 0; i < CSL_NFIELDS && !rc; i++)
			if (cols[i] >= 0)
				rc = csl_text(&c, e, &csl_fields[i], em_table_get(&t, cols[i]));
		if (rc)
			break;
	}
done:
	em_table_free(&t);
	csl_ctx_free(&c);
	return rc < 0 ? rc : 0;
}

static const char *skip_bom_ws(const char *s)
{
	s = em_skip_bom(s);
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

static int csl_csv_sniff(const char *head, size_t n)
{
	const char *s = skip_bom_ws(head);
	const char *eol = strchr(s, '\n');
	size_t len = eol ? (size_t)(eol - s) : strlen(s);
	char line[1024];
	if (len >= sizeof line)
		return 0;
	memcpy(line, s, len);
	line[len] = '\0';
	if (strchr(line, '\t') || !strstr(line, "source") || !strstr(line, "entity_number") ||
	    !strstr(line, ",name"))
		return 0;
	return em_starts_with_ci(line, "source,") || em_starts_with_ci(line, "_id,") ? 95 : 80;
}

const em_reader em_reader_csl_csv = {"csl-csv", "us-csl", csl_csv_sniff, csl_csv_read};

/* --- JSON ------------------------------------------------------------------------------- */

/* A scalar as text: strings as they are, numbers written out; NULL for anything else. */
static const char *json_text(const json_t *v, char buf[32])
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, 32, "%g", json_real_value(v));
		return buf;
	}
	return NULL;
}

/* Member `key` of an object as text, "" when absent or null. */
static const char *json_member_text(const json_t *o, const char *key, char buf[32])
{
	const char *s = json_text(json_object_get(o, key), buf);
	return s ? s : "";
}

/* An address object: {address, city, state | state_or_province, postal_code, country}. */
static void csl_json_address(const json_t *o, em_address *a, char bufs[5][32])
{
	memset(a, 0, sizeof *a);
	a->street = json_member_text(o, "address", bufs[0]);
	a->city = json_member_text(o, "city", bufs[1]);
	a->region = json_member_text(o, "state", bufs[2]);
	if (!*a->region)
		a->region = json_member_text(o, "state_or_province", bufs[2]);
	a->postal_code = json_member_text(o, "postal_code", bufs[3]);
	a->country = json_member_text(o, "country", bufs[4]);
}

/* One element of a JSON field: text, or an object for addresses and ids. */
static int csl_json_value(csl_ctx *c, em_entity *e, const struct csl_field *f, const json_t *v)
{
	char buf[32];
	const char *s = json_text(v, buf);
	if (s)
		return csl_text(c, e, f, s);
	if (json_is_null(v))
		return 0;
	if (json_is_object(v) && f->kind == CSL_ADDRESS) {
		em_address a;
		char bufs[5][32];
		csl_json_address(v, &a, bufs);
		return em_entity_add_address(c->l, e, &a);
	}
	if (json_is_object(v) && f->kind == CSL_ID) {
		char b1[32], b2[32], b3[32], b4[32], b5[32], note[96] = "";
		const char *type = json_member_text(v, "type", b1);
		const char *number = json_member_text(v, "number", b2);
		const char *issued = json_member_text(v, "issue_date", b4);
		const char *expires = json_member_text(v, "expiration_date", b5);
		if (*issued || *expires)
			snprintf(note, sizeof note, "%s%s%s%s%s", *issued ? "issued " : "", issued,
				 *issued && *expires ? "; " : "", *expires ? "expires " : "", expires);
		return csl_add_identifier(c, e, type, number, json_member_text(v, "country", b3), note,
					  number);
	}
	return em_fail(EM_EPARSE, "%s%s: field '%s': expected text%s", c->name, c->where, f->key,
		       f->multi ? " or a list of text" : "");
}

/* The addresses of a JSON record as one "; "-joined text, for the hashed id. */
static int csl_json_addresses(const json_t *v, em_buf *out)
{
	char buf[32];
	const char *s = json_text(v, buf);
	if (s)
		return em_buf_puts(out, s);
	size_t i;
	json_t *x;
	int rc = 0;
	json_array_foreach(v, i, x) {
		if (out->len && (rc = em_buf_puts(out, "; ")))
			return rc;
		if ((s = json_text(x, buf))) {
			rc = em_buf_puts(out, s);
		} else if (json_is_object(x)) {
			em_address a;
			char bufs[5][32];
			csl_json_address(x, &a, bufs);
			rc = em_buf_printf(out, "%s, %s, %s, %s, %s", a.street, a.city, a.region,
					   a.postal_code, a.country);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int csl_json_record(csl_ctx *c, const json_t *o)
{
	if (!json_is_object(o))
		return em_fail(EM_EPARSE, "%s%s: field 'results': an entry is not an object", c->name,
			       c->where);
	static const char *const scalars[] = {"id", "_id", "source", "type", "name", "entity_number",
					      "start_date"};
	const char *text[7];
	char bufs[7][32];
	for (size_t i = 0; i < 7; i++) {
		const json_t *v = json_object_get(o, scalars[i]);
		text[i] = json_text(v, bufs[i]);
		if (!text[i] && v && !json_is_null(v))
			return em_fail(EM_EPARSE, "%s%s: field '%s': expected text", c->name, c->where,
				       scalars[i]);
		if (!text[i])
			text[i] = "";
	}
	em_buf addresses = EM_BUF_INIT;
	int rc = csl_json_addresses(json_object_get(o, "addresses"), &addresses);
	em_entity *e = NULL;
	if (!rc)
		rc = csl_begin(c, &e, *text[0] ? text[0] : text[1], text[2], text[3], text[4], text[5],
			       addresses.data ? addresses.data : "", text[6]);
	em_buf_free(&addresses);
	for (size_t i = 0; i < CSL_NFIELDS && !rc; i++) {
		const json_t *v = json_object_get(o, csl_fields[i].key);
		if (json_is_array(v)) {
			size_t k;
			json_t *x;
			json_array_foreach(v, k, x) {
				if ((rc = csl_json_value(c, e, &csl_fields[i], x)))
					break;
			}
		} else if (v) {
			rc = csl_json_value(c, e, &csl_fields[i], v);
		}
	}
	return rc;
}

static int csl_json_read(em_read_ctx *ctx)
{
	if (ctx->len > CSL_JSON_MAX)
		return em_fail(EM_ELIMIT, "%s: larger than %zu bytes", ctx->name, CSL_JSON_MAX);
	json_error_t err;
	json_t *root = json_loadb(ctx->data, ctx->len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		/* Input that ends inside the document was cut short. */
		bool cut = (size_t)err.position >= ctx->len && strstr(err.text, "end of file");
		return em_fail(cut ? EM_ETRUNCATED : EM_EPARSE, "%s:%d: field 'json': %s%s", ctx->name,
			       err.line, err.text, cut ? " (file cut short?)" : "");
	}
	const json_t *results = json_is_array(root) ? root : json_object_get(root, "results");
	int rc = 0;
	if (!json_is_array(results)) {
		rc = em_fail(EM_EPARSE, "%s: field 'results': %s", ctx->name,
			     results ? "not a list" : "missing");
		json_decref(root);
		return rc;
	}
	csl_ctx c = {.l = ctx->list, .name = ctx->name};
	size_t i;
	json_t *o;
	json_array_foreach(results, i, o) {
		snprintf(c.where, sizeof c.where, ": results[%zu]", i);
		if ((rc = csl_json_record(&c, o)))
			break;
	}
	csl_ctx_free(&c);
	json_decref(root);
	return rc;
}

static int csl_json_sniff(const char *head, size_t n)
{
	const char *s = skip_bom_ws(head);
	/* FollowTheMoney lines also hold "name": they are told apart by "schema". */
	if (strstr(s, "\"schema\"") && strstr(s, "\"properties\""))
		return 0;
	if (*s == '{')
		return strstr(s, "\"results\"") ? (strstr(s, "\"source\"") ? 90 : 70) : 0;
	if (*s == '[') {
		s = skip_bom_ws(s + 1);
		return *s == '{' && strstr(s, "\"source\"") && strstr(s, "\"name\"") ? 80 : 0;
	}
	return 0;
}

const em_reader em_reader_csl_json = {"csl-json", "us-csl", csl_json_sniff, csl_json_read};
