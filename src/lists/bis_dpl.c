/*
 * bis_dpl.c: the BIS Denied Persons List, a tab-separated file with quoted fields and the
 * header "Name" "Street_Address" "City" "State" "Country" "Postal_Code" "Effective_Date"
 * "Expiration_Date" "Standard_Order" "Last_Update" "Action" "FR_Citation". One row is one
 * entity (a party listed at two addresses is two rows, as the list has it).
 *
 * The file has no ids: a row's id is the first 16 hex digits of SHA-256(name|street|city|
 * effective date), with an occurrence number appended to a repeat. The file does not say
 * who is a person; a name with a clear legal-form word (LLC, LTD, GMBH...) is taken for an
 * organization and every other party is left unknown rather than guessed.
 */
#include <ctype.h>
#include <string.h>

#include "fields.h"
#include "reader.h"

/* Legal-form words that mark a company name, compared without dots and case. */
static const char *const dpl_legal_forms[] = {
	"LLC", "LTD", "LTDA", "LIMITED", "INC", "INCORPORATED", "CORP", "CORPORATION", "CO",
	"COMPANY", "GMBH", "AG", "KG", "PLC", "LLP", "SA", "SL", "SRL", "SARL", "SPA", "BV", "NV",
	"PTE", "PVT", "BHD", "OOO", "ZAO", "OAO", "PAO", "JSC", "FZE", "FZCO", "FZC", "KFT",
};

/* Columns by header name; the first four are required. */
enum { DPL_NAME, DPL_STREET, DPL_CITY, DPL_EFFECTIVE, DPL_STATE, DPL_COUNTRY, DPL_POSTAL,
       DPL_EXPIRATION, DPL_ORDER, DPL_LAST_UPDATE, DPL_ACTION, DPL_FR, DPL_NCOLS };
static const char *const dpl_columns[DPL_NCOLS] = {
	"Name", "Street_Address", "City", "Effective_Date", "State", "Country", "Postal_Code",
	"Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
};
#define DPL_REQUIRED 4

/* True when a word of the name, dots removed, is a legal form ("L.L.C." is "LLC"). */
static bool dpl_is_company(const char *name)
{
	const char *p = name;
	while (*p) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		char word[16];
		size_t n = 0;
		bool fits = true;
		while (*p && (isalnum((unsigned char)*p) || *p == '.')) {
			if (*p != '.') {
				if (n + 1 < sizeof word)
					word[n++] = (char)toupper((unsigned char)*p);
				else
					fits = false;
			}
			p++;
		}
		word[n] = '\0';
		if (!n || !fits)
			continue;
		for (size_t i = 0; i < sizeof dpl_legal_forms / sizeof dpl_legal_forms[0]; i++)
			if (strcmp(word, dpl_legal_forms[i]) == 0)
				return true;
	}
	return false;
}

/* Position of `word` in s, ignoring ASCII case, or NULL. */
static const char *dpl_find_ci(const char *s, const char *word)
{
	for (; *s; s++)
		if (em_starts_with_ci(s, word))
			return s;
	return NULL;
}

/*
 * Other names the list writes into the name: "PEARL (A.K.A. NEI-CHIEN CHU) LI" also gives
 * "NEI-CHIEN CHU" and "PEARL LI"; "SIBERIAN AIRLINES D/B/A S7 AIRLINES" gives both halves.
 */
static int dpl_embedded_names(em_list *l, em_entity *e, const char *name)
{
	const char *aka = dpl_find_ci(name, "(A.K.A. ");
	const char *close = aka ? strchr(aka, ')') : NULL;
	const char *dba = dpl_find_ci(name, " D/B/A ");
	em_buf b = EM_BUF_INIT;
	int rc = 0;
	if (aka && close) {
		const char *inner = aka + strlen("(A.K.A. ");
		rc = em_buf_append(&b, inner, (size_t)(close - inner));
		if (!rc)
			rc = em_entity_add_name(l, e, EM_NAME_AKA_STRONG, b.data, NULL, NULL, NULL);
		em_buf_clear(&b);
		if (!rc && !(rc = em_buf_append(&b, name, (size_t)(aka - name))) &&
		    !(rc = em_buf_puts(&b, close + 1)))
			rc = em_entity_add_name(l, e, EM_NAME_AKA_STRONG, b.data, NULL, NULL, NULL);
	} else if (dba) {
		rc = em_buf_append(&b, name, (size_t)(dba - name));
		if (!rc)
			rc = em_entity_add_name(l, e, EM_NAME_AKA_STRONG, b.data, NULL, NULL, NULL);
		if (!rc)
			rc = em_entity_add_name(l, e, EM_NAME_AKA_STRONG, dba + strlen(" D/B/A "), NULL,
						NULL, NULL);
	}
	em_buf_free(&b);
	return rc;
}

/* A US date (MM/DD/YYYY) as ISO into iso[11]; false when it is not one. */
static bool dpl_date(const char *text, char iso[11])
{
	int y, m, d;
	return em_date_slashed(text, true, &y, &m, &d) && em_date_iso(iso, y, m, d);
}

/* A date attribute: ISO when the text is a US date, else the text as it is. */
static int dpl_date_attr(em_list *l, em_entity *e, const char *key, const char *text)
{
	char iso[11];
	return em_entity_add_attribute(l, e, key, dpl_date(text, iso) ? iso : text);
}

static int dpl_row(em_list *l, em_idgen *ids, const em_table *t, const int *col)
{
	const char *v[DPL_NCOLS];
	for (size_t i = 0; i < DPL_NCOLS; i++)
		v[i] = em_table_get(t, col[i]);
	const char *name = em_list_str(l, v[DPL_NAME]);
	if (!name)
		return em_fail(EM_EPARSE, "%s:%zu: field 'Name': empty", t->csv.name, t->csv.line);
	const char *parts[] = {name, em_list_str(l, v[DPL_STREET]), em_list_str(l, v[DPL_CITY]),
			       em_list_str(l, v[DPL_EFFECTIVE])};
	char hash[17];
	em_hash_fields(parts, 4, hash);
	const char *id;
	int rc = em_idgen_make(ids, l, hash, &id);
	if (rc)
		return rc;
	em_entity *e = em_list_add(l);
	if (!e)
		return EM_ENOMEM;
	e->type = dpl_is_company(name) ? EM_ENTITY_ORGANIZATION : EM_ENTITY_UNKNOWN;
	em_entity_set_id(l, e, id);
	em_address a = {v[DPL_STREET], v[DPL_CITY], v[DPL_STATE], v[DPL_POSTAL], v[DPL_COUNTRY], NULL};
	char iso[11];
	if (dpl_date(v[DPL_EFFECTIVE], iso))
		em_entity_set_listed_on(l, e, iso);
	if ((rc = em_entity_add_name(l, e, EM_NAME_PRIMARY, name, NULL, NULL, NULL)) ||
	    (rc = dpl_embedded_names(l, e, name)) ||
	    (rc = em_entity_add_address(l, e, &a)) ||
	    (rc = dpl_date_attr(l, e, "effective_date", v[DPL_EFFECTIVE])) ||
	    (rc = dpl_date_attr(l, e, "expiration_date", v[DPL_EXPIRATION])) ||
	    (rc = em_entity_add_attribute(l, e, "standard_order", v[DPL_ORDER])) ||
	    (rc = em_entity_add_attribute(l, e, "last_update", v[DPL_LAST_UPDATE])) ||
	    (rc = em_entity_add_attribute(l, e, "action", v[DPL_ACTION])) ||
	    (rc = em_entity_add_attribute(l, e, "fr_citation", v[DPL_FR])))
		return rc;
	return em_entity_add_string(l, e, EM_FIELD_PROGRAM, "DPL");
}

static int dpl_read(em_read_ctx *ctx)
{
	em_table t;
	em_idgen ids = {0};
	em_table_init(&t, ctx->name, ctx->data, ctx->len, '\t');
	int rc = em_table_read_header(&t);
	if (rc == 0)
		rc = em_fail(EM_EPARSE, "%s:1: field 'Name': no header", ctx->name);
	int col[DPL_NCOLS];
	for (size_t i = 0; rc > 0 && i < DPL_NCOLS; i++) {
		col[i] = em_table_col(&t, dpl_columns[i]);
		if (col[i] < 0 && i < DPL_REQUIRED)
			rc = em_fail(EM_EPARSE, "%s:%zu: field '%s': the header has no such column",
				     ctx->name, t.csv.line, dpl_columns[i]);
	}
	while (rc > 0 && (rc = em_table_next(&t)) == 1) {
		int r = dpl_row(ctx->list, &ids, &t, col);
		if (r) {
			rc = r;
			break;
		}
	}
	em_idgen_free(&ids);
	em_table_free(&t);
	return rc < 0 ? rc : 0;
}

static int dpl_sniff(const char *head, size_t n)
{
	head = em_skip_bom(head);
	if (*head == '"')
		head++;
	if (!em_starts_with_ci(head, "Name"))
		return 0;
	head += 4;
	if (*head == '"')
		head++;
	if (*head != '\t')
		return 0;
	head++;
	if (*head == '"')
		head++;
	return em_starts_with_ci(head, "Street_Address") ? 95 : 0;
}

const em_reader em_reader_bis_dpl = {"bis-dpl", "bis-dpl", dpl_sniff, dpl_read};
