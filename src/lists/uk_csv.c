/*
 * uk_csv.c: the HM Treasury / OFSI "Consolidated List of Financial Sanctions Targets" in its
 * CSV form (ConList.csv). Line 1 is "Last Updated,DD/MM/YYYY" (the publication date), line 2
 * the header (Name 6, Name 1..5, Title, Name Non-Latin Script, ..., Group Type, Alias Type,
 * Alias Quality, Regime, Listed On, ..., Group ID). Every row is one name of one target; the
 * rows of a target share its Group ID and need not be next to each other (the file is sorted
 * by name), so rows are gathered by Group ID into one entity. Columns are found by name, so
 * the pre-2022 layout (Passport Details, NI Number, no Alias Quality) reads too.
 *
 * Names: Name 6 is the family name (or a whole entity name), Names 1-5 the others. Alias Type
 * "Primary name" is the primary name, "Primary name variation" an a.k.a., "AKA"/"Alias" an
 * a.k.a. that is weak when its Alias Quality is "Low"; a name in non-Latin script is kept as
 * the original-script name. Several facts are enumerated in one field as "(1) x (2) y".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "reader.h"

/* Columns by header name. */
enum {
	UK_NAME1, UK_NAME2, UK_NAME3, UK_NAME4, UK_NAME5, UK_NAME6, UK_TITLE, UK_NONLATIN,
	UK_NONLATIN_TYPE, UK_NONLATIN_LANG, UK_DOB, UK_TOWN, UK_COUNTRY_OF_BIRTH, UK_NATIONALITY,
	UK_PASSPORT_NUMBER, UK_PASSPORT_DETAILS, UK_NI_NUMBER, UK_NI_DETAILS, UK_NI_OLD, UK_POSITION,
	UK_ADDR1, UK_ADDR2, UK_ADDR3, UK_ADDR4, UK_ADDR5, UK_ADDR6, UK_POSTCODE, UK_COUNTRY,
	UK_OTHER, UK_GROUP_TYPE, UK_ALIAS_TYPE, UK_ALIAS_QUALITY, UK_REGIME, UK_LISTED_ON,
	UK_DESIGNATED, UK_LAST_UPDATED, UK_GROUP_ID, UK_SHIP_TYPE, UK_SHIP_FLAG, UK_IMO, UK_NCOLS
};
static const char *const uk_columns[UK_NCOLS] = {
	"Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6", "Title", "Name Non-Latin Script",
	"Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth",
	"Country of Birth", "Nationality", "Passport Number", "Passport Details",
	"National Identification Number", "National Identification Details", "NI Number",
	"Position", "Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6",
	"Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type", "Alias Quality",
	"Regime", "Listed On", "UK Sanctions List Date Designated", "Last Updated", "Group ID",
	"Type of ship", "Current believed flag of ship", "IMO number",
};

typedef struct uk_ctx {
	em_list *l;
	const em_table *t;
	int col[UK_NCOLS];
	em_strmap groups; /* Group ID -> entity index; keys are the entities' source ids */
	em_buf piece, text;
} uk_ctx;

static const char *uk_get(const uk_ctx *c, int which)
{
	return em_table_get(c->t, c->col[which]);
}

/*
 * The next item of a field that may enumerate "(1) x (2) y": true with the item in *piece,
 * false at the end. A field that does not start with "(1)" is one item.
 */
static bool uk_next_item(const char **cur, em_buf *piece)
{
	const char *s = *cur;
	while (*s == ' ')
		s++;
	bool numbered = *s == '(' && isdigit((unsigned char)s[1]);
	while (*s) {
		const char *start = s, *end;
		if (numbered) {
			while (*start && *start != ')')
				start++;
			if (*start)
				start++;
			/* The item runs to the next " (N)". */
			for (end = start; *end; end++)
				if (end[0] == '(' && isdigit((unsigned char)end[1]) && end > start &&
				    end[-1] == ' ') {
					const char *q = end + 1;
					while (isdigit((unsigned char)*q))
						q++;
					if (*q == ')')
						break;
				}
		} else {
			end = start + strlen(start);
		}
		s = end;
		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (end == start)
			continue;
		*cur = s;
		em_buf_clear(piece);
		return em_buf_append(piece, start, (size_t)(end - start)) == 0;
	}
	*cur = s;
	return false;
}

/* Adds each item of a field to a string array of the entity. */
static int uk_add_items(uk_ctx *c, em_entity *e, em_string_field field, int which)
{
	const char *cur = uk_get(c, which);
	while (uk_next_item(&cur, &c->piece)) {
		int rc = em_entity_add_string(c->l, e, field, c->piece.data);
		if (rc)
			return rc;
	}
	return 0;
}

/* "DD/MM/YYYY" with 00 for unknown parts as a date of birth; other text as it is. */
static int uk_add_birth_date(uk_ctx *c, em_entity *e, const char *text)
{
	int y, m, d;
	if (!em_date_slashed(text, false, &y, &m, &d))
		return em_entity_add_birth_date(c->l, e, text);
	em_date date;
	em_date_from_ymd(&date, y, m, d, text);
	return em_entity_add_date(c->l, e, &date);
}

/* An ISO date from "DD/MM/YYYY" into iso[11]; false when incomplete or not a date. */
static bool uk_iso(const char *text, char iso[11])
{
	int y, m, d;
	return em_date_slashed(text, false, &y, &m, &d) && em_date_iso(iso, y, m, d);
}

static int uk_date_attr(uk_ctx *c, em_entity *e, const char *key, int which)
{
	char iso[11];
	const char *v = uk_get(c, which);
	return em_entity_add_attribute(c->l, e, key, uk_iso(v, iso) ? iso : v);
}

/* Passport or national id numbers with their details (the note, when there is one number). */
static int uk_add_ids(uk_ctx *c, em_entity *e, em_id_type type, const char *label, int number,
		      int details)
{
	const char *num = uk_get(c, number), *det = details < 0 ? "" : uk_get(c, details);
	if (!*num) /* the old layout has only the details column */
		num = det, det = "";
	const char *cur = num;
	bool many = *num == '(';
	while (uk_next_item(&cur, &c->piece)) {
		int rc = em_entity_add_id(c->l, e, type, label, c->piece.data, NULL, many ? NULL : det);
		if (rc)
			return rc;
	}
	return 0;
}

/* Name kind from Alias Type and Alias Quality. */
static em_name_kind uk_name_kind(const char *type, const char *quality)
{
	if (!strcmp(type, "Primary name") || !strcmp(type, "Prime Alias"))
		return EM_NAME_PRIMARY;
	if (em_starts_with_ci(type, "FKA") || em_starts_with_ci(type, "formerly"))
		return EM_NAME_FKA;
	if (em_starts_with_ci(type, "NKA"))
		return EM_NAME_NKA;
	return em_starts_with_ci(quality, "Low") ? EM_NAME_AKA_WEAK : EM_NAME_AKA_STRONG;
}

static bool uk_has_kind(const em_entity *e, em_name_kind kind)
{
	for (size_t i = 0; i < e->n_names; i++)
		if (e->names[i].kind == kind)
			return true;
	return false;
}

/* Makes names[i] the primary name, at the front where em_entity wants it. */
static void uk_make_primary(em_entity *e, size_t i)
{
	/* The arrays are the list's own memory: the const in em_entity is for its users. */
	em_name *names = (em_name *)e->names, primary = names[i];
	memmove(names + 1, names, i * sizeof *names);
	primary.kind = EM_NAME_PRIMARY;
	names[0] = primary;
}

/* Adds a name; a new primary name moves to the front. */
static int uk_add_name(uk_ctx *c, em_entity *e, em_name_kind kind, const char *full,
		       const char *given, const char *family, const char *lang)
{
	if (kind == EM_NAME_PRIMARY && uk_has_kind(e, EM_NAME_PRIMARY))
		kind = EM_NAME_AKA_STRONG;
	size_t before = e->n_names;
	int rc = em_entity_add_name(c->l, e, kind, full, given, family, lang);
	if (!rc && kind == EM_NAME_PRIMARY && e->n_names > before)
		uk_make_primary(e, before);
	return rc;
}

static int uk_names(uk_ctx *c, em_entity *e)
{
	em_name_kind kind = uk_name_kind(uk_get(c, UK_ALIAS_TYPE), uk_get(c, UK_ALIAS_QUALITY));
	em_buf_clear(&c->text);
	for (int i = UK_NAME1; i <= UK_NAME5; i++) {
		const char *part = uk_get(c, i);
		if (!em_list_str(c->l, part))
			continue;
		if ((c->text.len && em_buf_putc(&c->text, ' ')) || em_buf_puts(&c->text, part))
			return EM_ENOMEM;
	}
	const char *given = em_list_str(c->l, c->text.data);
	const char *family = em_list_str(c->l, uk_get(c, UK_NAME6));
	if (family && ((c->text.len && em_buf_putc(&c->text, ' ')) || em_buf_puts(&c->text, family)))
		return EM_ENOMEM;
	const char *nonlatin = em_list_str(c->l, uk_get(c, UK_NONLATIN));
	if (!c->text.len && !nonlatin)
		return em_fail(EM_EPARSE, "%s:%zu: field 'Name 6': no name in the row", c->t->csv.name,
			       c->t->csv.line);
	bool person = e->type == EM_ENTITY_PERSON;
	int rc = 0;
	if (c->text.len)
		rc = uk_add_name(c, e, kind, c->text.data, person ? given : NULL, person ? family : NULL,
				 NULL);
	if (!rc && nonlatin) {
		const char *lang = em_list_str(c->l, uk_get(c, UK_NONLATIN_LANG));
		if (!lang)
			lang = em_list_str(c->l, uk_get(c, UK_NONLATIN_TYPE));
		if (!lang)
			lang = em_text_script(nonlatin);
		rc = uk_add_name(c, e, EM_NAME_ORIGINAL_SCRIPT, nonlatin, NULL, NULL, lang);
	}
	return rc;
}

/* Facts in Other Information worth a field of their own: the UK list reference, an IMO number. */
static int uk_other_info(uk_ctx *c, em_entity *e, const char *info)
{
	int rc = 0;
	const char *ref = strstr(info, "(UK Sanctions List Ref):");
	if (ref) {
		ref += strlen("(UK Sanctions List Ref):");
		size_t n = 0;
		while (isalnum((unsigned char)ref[n]))
			n++;
		if (n && (rc = em_entity_add_attribute(c->l, e, "uk_sanctions_list_ref",
						       em_list_strn(c->l, ref, n))))
			return rc;
	}
	for (const char *p = strstr(info, "IMO"); p && !rc; p = strstr(p + 3, "IMO")) {
		const char *q = p + 3;
		while (*q && !isdigit((unsigned char)*q) && q - p < 12)
			q++;
		size_t n = 0;
		while (isdigit((unsigned char)q[n]))
			n++;
		if (n == 7)
			rc = em_entity_add_id(c->l, e, EM_ID_IMO, "IMO", em_list_strn(c->l, q, n), NULL,
					      NULL);
	}
	return rc;
}

static int uk_row(uk_ctx *c)
{
	const char *gid = em_list_str(c->l, uk_get(c, UK_GROUP_ID));
	if (!gid)
		return em_fail(EM_EPARSE, "%s:%zu: field 'Group ID': empty", c->t->csv.name,
			       c->t->csv.line);
	size_t idx;
	em_entity *e;
	int rc;
	if (em_strmap_get(&c->groups, gid, &idx)) {
		e = &c->l->entities[idx];
	} else {
		if (!(e = em_list_add(c->l)))
			return EM_ENOMEM;
		em_entity_set_id(c->l, e, gid);
		const char *gt = uk_get(c, UK_GROUP_TYPE);
		e->type = em_starts_with_ci(gt, "Individual") ? EM_ENTITY_PERSON
			  : em_starts_with_ci(gt, "Entity")   ? EM_ENTITY_ORGANIZATION
			  : em_starts_with_ci(gt, "Ship")     ? EM_ENTITY_VESSEL
							      : em_entity_type_parse(em_list_str(c->l, gt));
		if ((rc = em_strmap_put(&c->groups, e->source_id, c->l->n - 1)))
			return rc;
	}
	if ((rc = uk_names(c, e)))
		return rc;

	const char *cur = uk_get(c, UK_DOB);
	while (uk_next_item(&cur, &c->piece))
		if ((rc = uk_add_birth_date(c, e, c->piece.data)))
			return rc;
	const char *town = em_list_str(c->l, uk_get(c, UK_TOWN));
	const char *country = em_list_str(c->l, uk_get(c, UK_COUNTRY_OF_BIRTH));
	if (town && country && *town != '(' && *country != '(') {
		em_buf_clear(&c->text);
		if (em_buf_printf(&c->text, "%s, %s", town, country))
			return EM_ENOMEM;
		rc = em_entity_add_string(c->l, e, EM_FIELD_BIRTH_PLACE, c->text.data);
	} else if (!(rc = uk_add_items(c, e, EM_FIELD_BIRTH_PLACE, UK_TOWN))) {
		rc = uk_add_items(c, e, EM_FIELD_BIRTH_PLACE, UK_COUNTRY_OF_BIRTH);
	}
	if (rc || (rc = uk_add_items(c, e, EM_FIELD_NATIONALITY, UK_NATIONALITY)) ||
	    (rc = uk_add_items(c, e, EM_FIELD_PROGRAM, UK_REGIME)) ||
	    (rc = uk_add_ids(c, e, EM_ID_PASSPORT, "Passport", UK_PASSPORT_NUMBER, UK_PASSPORT_DETAILS)) ||
	    (rc = uk_add_ids(c, e, EM_ID_NATIONAL_ID, "National Identification Number", UK_NI_NUMBER,
			     UK_NI_DETAILS)) ||
	    (rc = uk_add_ids(c, e, EM_ID_NATIONAL_ID, "NI Number", UK_NI_OLD, -1)))
		return rc;

	cur = uk_get(c, UK_POSITION);
	while (uk_next_item(&cur, &c->piece))
		if ((rc = em_entity_add_attribute(c->l, e, "position", c->piece.data)))
			return rc;

	em_buf_clear(&c->text);
	for (int i = UK_ADDR1; i <= UK_ADDR6; i++) {
		const char *line = em_list_str(c->l, uk_get(c, i));
		if (line && ((c->text.len && em_buf_puts(&c->text, ", ")) || em_buf_puts(&c->text, line)))
			return EM_ENOMEM;
	}
	em_address a = {c->text.data, NULL, NULL, uk_get(c, UK_POSTCODE), uk_get(c, UK_COUNTRY), NULL};
	char iso[11];
	const char *other = uk_get(c, UK_OTHER);
	if (!e->listed_on && uk_iso(uk_get(c, UK_LISTED_ON), iso))
		em_entity_set_listed_on(c->l, e, iso);
	if (!e->remarks)
		em_entity_set_remarks(c->l, e, other);
	if ((rc = em_entity_add_address(c->l, e, &a)) ||
	    (rc = em_entity_add_attribute(c->l, e, "title", uk_get(c, UK_TITLE))) ||
	    (rc = uk_date_attr(c, e, "date_designated", UK_DESIGNATED)) ||
	    (rc = uk_date_attr(c, e, "last_updated", UK_LAST_UPDATED)) ||
	    (rc = em_entity_add_attribute(c->l, e, "vessel_type", uk_get(c, UK_SHIP_TYPE))) ||
	    (rc = em_entity_add_attribute(c->l, e, "vessel_flag", uk_get(c, UK_SHIP_FLAG))) ||
	    (rc = em_entity_add_id(c->l, e, EM_ID_IMO, "IMO", uk_get(c, UK_IMO), NULL, NULL)) ||
	    (rc = uk_other_info(c, e, other)))
		return rc;
	return 0;
}

/* Line 1: "Last Updated,DD/MM/YYYY"; the date becomes the list's publication date. */
static int uk_preamble(em_read_ctx *ctx, em_table *t)
{
	int rc = em_csv_next(&t->csv);
	if (rc < 0)
		return rc;
	if (rc == 0 || !em_starts_with_ci(em_csv_field(&t->csv, 0), "Last Updated"))
		return em_fail(EM_EPARSE, "%s:1: field 'Last Updated': missing", ctx->name);
	for (size_t i = 0; i < em_csv_count(&t->csv); i++) {
		const char *f = em_csv_field(&t->csv, i);
		const char *colon = strchr(f, ':');
		char iso[11];
		if (uk_iso(i == 0 && colon ? colon + 1 : f, iso))
			return em_list_set_meta(ctx->list, NULL, NULL, NULL, iso);
	}
	return 0;
}

static int uk_read(em_read_ctx *ctx)
{
	em_table t;
	em_table_init(&t, ctx->name, ctx->data, ctx->len, ',');
	uk_ctx c = {.l = ctx->list, .t = &t};
	int rc = uk_preamble(ctx, &t);
	if (!rc && (rc = em_table_read_header(&t)) == 0)
		rc = em_fail(EM_EPARSE, "%s:2: field 'Group ID': no header", ctx->name);
	for (size_t i = 0; rc > 0 && i < UK_NCOLS; i++)
		c.col[i] = em_table_col(&t, uk_columns[i]);
	if (rc > 0 && (c.col[UK_NAME6] < 0 || c.col[UK_GROUP_ID] < 0))
		rc = em_fail(EM_EPARSE, "%s:%zu: field '%s': the header has no such column", ctx->name,
			     t.csv.line, c.col[UK_NAME6] < 0 ? "Name 6" : "Group ID");
	while (rc > 0 && (rc = em_table_next(&t)) == 1) {
		int r = uk_row(&c);
		if (r) {
			rc = r;
			break;
		}
	}
	/* A target whose rows never said "Primary name" is filed under its first strong name. */
	for (size_t i = 0; rc == 0 && i < ctx->list->n; i++) {
		em_entity *e = &ctx->list->entities[i];
		if (!e->n_names || uk_has_kind(e, EM_NAME_PRIMARY))
			continue;
		size_t k = 0;
		while (k < e->n_names && e->names[k].kind != EM_NAME_AKA_STRONG)
			k++;
		uk_make_primary(e, k < e->n_names ? k : 0);
	}
	em_strmap_free(&c.groups);
	em_buf_free(&c.piece);
	em_buf_free(&c.text);
	em_table_free(&t);
	return rc < 0 ? rc : 0;
}

static int uk_sniff(const char *head, size_t n)
{
	head = em_skip_bom(head);
	if (!em_starts_with_ci(head, "Last Updated"))
		return 0;
	return strstr(head, "Name 6") && strstr(head, "Group ID") ? 95 : 0;
}

const em_reader em_reader_uk_csv = {"uk-csv", "uk-ofsi", uk_sniff, uk_read};
