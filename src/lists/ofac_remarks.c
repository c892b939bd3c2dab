/*
 * ofac_remarks.c: turns OFAC's remarks field into structured facts. The field is a run of
 * "; "-separated items, each a label followed by a value: "DOB 09 Feb 1951", "a.k.a. 'X'",
 * "Passport 123 (Egypt) issued 2010", "Linked To: X", "alt. Digital Currency Address - XBT
 * 1abc". One table below lists every label found in OFAC's files and what it becomes; the
 * longest label that starts an item wins. Items no label fits (job titles, family ties) are
 * left alone: the entity keeps the whole remarks text, so nothing is lost.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofac_remarks.h"

typedef enum remark_kind {
	RK_AKA,         /* a.k.a. 'X' (and d.b.a. 'X') */
	RK_FKA,         /* f.k.a. 'X' */
	RK_NKA,         /* n.k.a. 'X' */
	RK_DOB,         /* date of birth */
	RK_POB,         /* place of birth */
	RK_NATIONALITY,
	RK_CITIZEN,
	RK_GENDER,
	RK_LINKED,      /* Linked To: NAME */
	RK_ID,          /* identifier: VALUE (Country) issued D expires D */
	RK_CRYPTO,      /* Digital Currency Address - XBT addr */
	RK_ATTR,        /* a labelled fact kept as an attribute */
} remark_kind;

typedef struct remark_label {
	const char *label;  /* as OFAC writes it; matched without regard to case */
	remark_kind kind;
	em_id_type id;      /* RK_ID: the identifier type */
	const char *key;    /* RK_ATTR: the attribute key */
} remark_label;

#define K(lab, kind) {lab, kind, EM_ID_OTHER, NULL}
#define ID(lab, type) {lab, RK_ID, type, NULL}
#define ATTR(lab, key) {lab, RK_ATTR, EM_ID_OTHER, key}

/* Every label in OFAC's SDN and non-SDN files (found with grep over the published files). */
static const remark_label labels[] = {
	/* names, birth, nationality */
	K("a.k.a.", RK_AKA), K("d.b.a.", RK_AKA), K("f.k.a.", RK_FKA), K("n.k.a.", RK_NKA),
	K("DOB", RK_DOB), K("POB", RK_POB),
	K("nationality", RK_NATIONALITY),
	K("citizen", RK_CITIZEN), K("citizenship", RK_CITIZEN),
	K("Gender", RK_GENDER),
	K("Linked To", RK_LINKED),

	/* passports and travel documents */
	ID("Passport", EM_ID_PASSPORT),
	ID("Passport No.", EM_ID_PASSPORT),
	ID("Passport Booklet", EM_ID_PASSPORT),
	ID("Diplomatic Passport", EM_ID_PASSPORT),
	ID("Diplomatic Passport Laissez-Passer", EM_ID_PASSPORT),
	ID("British National Overseas Passport", EM_ID_PASSPORT),
	ID("Stateless Person Passport", EM_ID_PASSPORT),
	ID("Travel Document Number", EM_ID_PASSPORT),

	/* personal identity numbers */
	ID("National ID No.", EM_ID_NATIONAL_ID),
	ID("National Foreign ID Number", EM_ID_NATIONAL_ID),
	ID("Personal ID Card", EM_ID_NATIONAL_ID),
	ID("Cedula No.", EM_ID_NATIONAL_ID),
	ID("C.U.R.P.", EM_ID_NATIONAL_ID),
	ID("C.U.R.P. #", EM_ID_NATIONAL_ID),
	ID("D.N.I.", EM_ID_NATIONAL_ID),
	ID("N.I.E.", EM_ID_NATIONAL_ID),
	ID("C.U.I.", EM_ID_NATIONAL_ID),
	ID("CNP (Personal Numerical Code)", EM_ID_NATIONAL_ID),
	ID("SSN", EM_ID_NATIONAL_ID),
	ID("Numero de Identidad", EM_ID_NATIONAL_ID),
	ID("Turkish Identification Number", EM_ID_NATIONAL_ID),
	ID("Citizen's Card Number", EM_ID_NATIONAL_ID),
	ID("Kenyan ID No.", EM_ID_NATIONAL_ID),
	ID("Moroccan Personal ID No.", EM_ID_NATIONAL_ID),
	ID("Bosnian Personal ID No.", EM_ID_NATIONAL_ID),
	ID("Tazkira National ID Card", EM_ID_NATIONAL_ID),
	ID("UAE Identification", EM_ID_NATIONAL_ID),
	ID("Stateless Person ID Card", EM_ID_NATIONAL_ID),
	ID("Refugee ID Card", EM_ID_NATIONAL_ID),
	ID("Identification Number", EM_ID_OTHER),
	ID("Electoral Registry No.", EM_ID_OTHER),
	ID("Credencial electoral", EM_ID_OTHER),
	ID("I.F.E.", EM_ID_OTHER),
	ID("C.U.I.P.", EM_ID_OTHER),
	ID("Residency Number", EM_ID_OTHER),
	ID("Romanian Permanent Resident CAN", EM_ID_OTHER),
	ID("Birth Certificate Number", EM_ID_OTHER),
	ID("Driver's License No.", EM_ID_OTHER),
	ID("Pilot License Number", EM_ID_OTHER),
	ID("Military Registration Number", EM_ID_OTHER),
	ID("Cartilla de Servicio Militar Nacional", EM_ID_OTHER),
	ID("Public Security and Immigration No.", EM_ID_OTHER),
	ID("Immigration No.", EM_ID_OTHER),
	ID("VisaNumberID", EM_ID_OTHER),
	ID("SRE Permit No.", EM_ID_OTHER),
	ID("Permit Number", EM_ID_OTHER),
	ID("Seafarer's Identification Document", EM_ID_OTHER),
	ID("Tarjeta Profesional", EM_ID_OTHER),
	ID("Temporary suspension of deportation No.", EM_ID_OTHER),

	/* tax numbers */
	ID("Tax ID No.", EM_ID_TAX_ID),
	ID("R.F.C.", EM_ID_TAX_ID),
	ID("R.F.C. #", EM_ID_TAX_ID),
	ID("RFC", EM_ID_TAX_ID),
	ID("NIT #", EM_ID_TAX_ID),
	ID("RUC #", EM_ID_TAX_ID),
	ID("RIF #", EM_ID_TAX_ID),
	ID("RTN", EM_ID_TAX_ID),
	ID("V.A.T. Number", EM_ID_TAX_ID),
	ID("C.U.I.T.", EM_ID_TAX_ID),
	ID("C.I.F.", EM_ID_TAX_ID),
	ID("N.I.F.", EM_ID_TAX_ID),
	ID("US FEIN", EM_ID_TAX_ID),
	ID("RSIN", EM_ID_TAX_ID),
	ID("Italian Fiscal Code", EM_ID_TAX_ID),
	ID("Fiscal Code", EM_ID_TAX_ID),
	ID("Romanian Tax Registration", EM_ID_TAX_ID),
	ID("Paraguayan tax identification number", EM_ID_TAX_ID),
	ID("Numero Unico de Identificacao Tributaria (NUIT)", EM_ID_TAX_ID),

	/* company registrations */
	ID("Registration Number", EM_ID_REGISTRATION),
	ID("Registration ID", EM_ID_REGISTRATION),
	ID("Registration Certificate Number", EM_ID_REGISTRATION),
	ID("Business Registration Number", EM_ID_REGISTRATION),
	ID("Business Registration Document #", EM_ID_REGISTRATION),
	ID("Business Number", EM_ID_REGISTRATION),
	ID("Company Number", EM_ID_REGISTRATION),
	ID("Company ID", EM_ID_REGISTRATION),
	ID("UK Company Number", EM_ID_REGISTRATION),
	ID("Commercial Registry Number", EM_ID_REGISTRATION),
	ID("C.R. No.", EM_ID_REGISTRATION),
	ID("Romanian C.R.", EM_ID_REGISTRATION),
	ID("Folio Mercantil No.", EM_ID_REGISTRATION),
	ID("Matricula Mercantil No", EM_ID_REGISTRATION),
	ID("Trade License No.", EM_ID_REGISTRATION),
	ID("Government Gazette Number", EM_ID_REGISTRATION),
	ID("Unified Social Credit Code (USCC)", EM_ID_REGISTRATION),
	ID("United Social Credit Code Certificate (USCCC)", EM_ID_REGISTRATION),
	ID("Economic Register Number (CBLS)", EM_ID_REGISTRATION),
	ID("Chamber of Commerce Number", EM_ID_REGISTRATION),
	ID("Istanbul Chamber of Comm. No.", EM_ID_REGISTRATION),
	ID("Dubai Chamber of Commerce Membership No.", EM_ID_REGISTRATION),
	ID("Central Registration System Number", EM_ID_REGISTRATION),
	ID("Enterprise Number", EM_ID_REGISTRATION),
	ID("Branch Unit Number", EM_ID_REGISTRATION),
	ID("Certificate of Incorporation Number", EM_ID_REGISTRATION),
	ID("Registered Charity No.", EM_ID_REGISTRATION),
	ID("Public Registration Number", EM_ID_REGISTRATION),
	ID("Organization Code", EM_ID_REGISTRATION),
	ID("File Number", EM_ID_REGISTRATION),
	ID("LE Number", EM_ID_REGISTRATION),
	ID("MSB Registration Number", EM_ID_REGISTRATION),
	ID("C.I.N.", EM_ID_REGISTRATION),
	ID("Russian State Individual Business Registration Number Pattern (OGRNIP)",
	   EM_ID_REGISTRATION),
	ID("License", EM_ID_OTHER),
	ID("Tourism License No.", EM_ID_OTHER),
	ID("Afghan Money Service Provider License Number", EM_ID_OTHER),
	ID("Trademark number", EM_ID_OTHER),
	ID("D-U-N-S Number", EM_ID_OTHER),
	ID("ISIN", EM_ID_OTHER),
	ID("Identification Number ISIN", EM_ID_OTHER),
	ID("Equity Ticker", EM_ID_OTHER),
	ID("BIK (RU)", EM_ID_OTHER),
	ID("BIK", EM_ID_OTHER),
	ID("Chinese Commercial Code", EM_ID_OTHER),
	ID("Serial No.", EM_ID_OTHER),
	ID("Legal Entity Number", EM_ID_LEI),
	ID("SWIFT/BIC", EM_ID_SWIFT_BIC),

	/* vessels: company and ship IMO numbers share one numbering */
	ID("Vessel Registration Identification IMO", EM_ID_IMO),
	ID("Vessel Registration Identification", EM_ID_OTHER),
	ID("Identification Number IMO", EM_ID_IMO),
	ID("Company Number IMO", EM_ID_IMO),
	ID("International Maritime Organization No.", EM_ID_IMO),
	ID("IMO", EM_ID_IMO),
	ID("MMSI", EM_ID_MMSI),
	ID("Other Vessel Call Sign", EM_ID_CALL_SIGN),
	ATTR("Vessel Year of Build", "vessel_year_of_build"),
	ATTR("Other Vessel Flag", "other_vessel_flag"),
	ATTR("Former Vessel Flag", "former_vessel_flag"),
	ATTR("Other Vessel Type", "other_vessel_type"),

	/* aircraft */
	ID("Aircraft Manufacturer's Serial Number (MSN)", EM_ID_AIRCRAFT_SERIAL),
	ID("Aircraft Construction Number (also called L/N or S/N or F/N)", EM_ID_AIRCRAFT_SERIAL),
	ID("Aircraft Construction Number", EM_ID_AIRCRAFT_SERIAL),
	ID("Aircraft Serial Identification", EM_ID_AIRCRAFT_SERIAL),
	ID("Aircraft Tail Number", EM_ID_AIRCRAFT_TAIL),
	ID("Previous Aircraft Tail Number", EM_ID_AIRCRAFT_TAIL),
	ID("Aircraft Mode S Transponder Code", EM_ID_OTHER),
	ATTR("Aircraft Model", "aircraft_model"),
	ATTR("Aircraft Manufacture Date", "aircraft_manufacture_date"),
	ATTR("Aircraft Operator", "aircraft_operator"),
	ATTR("Nationality of Registration", "nationality_of_registration"),

	/* contact details and digital currency */
	ID("Website", EM_ID_WEBSITE),
	ID("Email Address", EM_ID_EMAIL),
	ID("Email", EM_ID_EMAIL),
	ID("Phone Number", EM_ID_PHONE),
	ID("Phone No.", EM_ID_PHONE),
	ID("Phone", EM_ID_PHONE),
	ID("Telephone", EM_ID_PHONE),
	ID("Telephone No.", EM_ID_PHONE),
	ID("Telephone Number", EM_ID_PHONE),
	ID("Fax", EM_ID_PHONE),
	ID("Fax No.", EM_ID_PHONE),
	ID("TELEX", EM_ID_OTHER),
	K("Digital Currency Address -", RK_CRYPTO),

	/* labelled facts */
	ATTR("Additional Sanctions Information -", "additional_sanctions_information"),
	ATTR("Secondary sanctions risk:", "secondary_sanctions_risk"),
	ATTR("Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
	     "Institutions:", "transactions_prohibited"),
	ATTR("Organization Established Date", "organization_established_date"),
	ATTR("Organization Type:", "organization_type"),
	ATTR("Target Type", "target_type"),
	ATTR("Executive Order", "executive_order"),
	ATTR("CAATSA Section", "caatsa_section"),
	ATTR("IFCA Determination -", "ifca_determination"),
	ATTR("Listing Date", "listing_date"),
	ATTR("Effective Date", "effective_date"),
	ATTR("Purchase/Sales For Divestment Date", "divestment_date"),
	ATTR("Issuer Name", "issuer_name"),
	ATTR("Position:", "position"),
	ATTR("Occupation:", "occupation"),
	ATTR("Tribe:", "tribe"),
	ATTR("arrested", "arrested"),
};

#undef K
#undef ID
#undef ATTR

static bool is_alnum(char c)
{
	return isalnum((unsigned char)c) != 0;
}

/* The longest label that starts `s` on a word boundary; *len gets its length in s. */
#define N_LABELS (sizeof labels / sizeof labels[0])

/* The labels grouped by their first letter (lower case), in table order within each group, with
 * their lengths: every remark item is looked up, and most share no first letter with a label. */
static uint16_t label_order[N_LABELS];
static uint16_t label_from[257];
static uint8_t label_len[N_LABELS];
static pthread_once_t label_once = PTHREAD_ONCE_INIT;

static void group_labels(void)
{
	uint16_t count[256] = {0};
	for (size_t i = 0; i < N_LABELS; i++) {
		count[tolower((unsigned char)labels[i].label[0])]++;
		label_len[i] = (uint8_t)strlen(labels[i].label);
	}
	uint16_t acc = 0;
	for (int c = 0; c < 256; c++) {
		label_from[c] = acc;
		acc = (uint16_t)(acc + count[c]);
		count[c] = label_from[c];
	}
	label_from[256] = acc;
	for (size_t i = 0; i < N_LABELS; i++)
		label_order[count[tolower((unsigned char)labels[i].label[0])]++] = (uint16_t)i;
}

static const remark_label *match_label(const char *s, size_t n, size_t *len)
{
	const remark_label *best = NULL;
	size_t best_len = 0;
	*len = 0;
	if (!n)
		return NULL;
	pthread_once(&label_once, group_labels);
	int first = tolower((unsigned char)s[0]);
	for (size_t k = label_from[first]; k < label_from[first + 1]; k++) {
		size_t i = label_order[k];
		size_t ln = label_len[i];
		if (ln > n || ln <= best_len || strncasecmp(s, labels[i].label, ln) != 0)
			continue;
		/* "Passport" must not match "PassportX"; a label ending in "." or "#" may. */
		if (ln < n && is_alnum(labels[i].label[ln - 1]) && is_alnum(s[ln]))
			continue;
		best = &labels[i];
		best_len = ln;
	}
	*len = best_len;
	return best;
}

/* A working copy of one value, trimmed at both ends. */
typedef struct span {
	const char *p;
	size_t n;
} span;

static span trim(span v)
{
	while (v.n && (v.p[0] == ' '))
		v.p++, v.n--;
	while (v.n && (v.p[v.n - 1] == ' '))
		v.n--;
	return v;
}

/* Drops leading separators OFAC puts between a label and its value (": ", "- ", "# "). */
static span skip_separators(span v)
{
	v = trim(v);
	while (v.n && (v.p[0] == ':' || v.p[0] == '-' || v.p[0] == '#' || v.p[0] == ' '))
		v.p++, v.n--;
	return v;
}

/* Drops trailing full stops and commas: the one ending the remarks, or stray ones. */
static span drop_stop(span v)
{
	v = trim(v);
	while (v.n && (v.p[v.n - 1] == '.' || v.p[v.n - 1] == ','))
		v.n--;
	return trim(v);
}

static bool has_alnum(span v)
{
	for (size_t i = 0; i < v.n; i++)
		if (is_alnum(v.p[i]))
			return true;
	return false;
}

static bool has_digit(span v)
{
	for (size_t i = 0; i < v.n; i++)
		if (isdigit((unsigned char)v.p[i]))
			return true;
	return false;
}

/* Numbers have digits; codes and addresses (SWIFT/BIC, tail numbers, web sites) need not. */
static bool needs_digit(em_id_type t)
{
	switch (t) {
	case EM_ID_SWIFT_BIC:
	case EM_ID_AIRCRAFT_TAIL:
	case EM_ID_CALL_SIGN:
	case EM_ID_WEBSITE:
	case EM_ID_EMAIL:
	case EM_ID_CRYPTO_ADDRESS:
		return false;
	default:
		return true;
	}
}

/* Copies a span into the list's arena as a NUL-terminated string (NULL when empty). */
static const char *dup_span(em_list *l, span v)
{
	return v.n ? em_list_strn(l, v.p, v.n) : NULL;
}

typedef struct parse_ctx {
	em_list *l;
	em_entity *e;
	em_buf note;  /* scratch for identifier notes */
} parse_ctx;

int em_ofac_add_name(em_list *l, em_entity *e, em_name_kind kind, const char *full)
{
	if (!full)
		return 0;
	const char *comma = strstr(full, ", ");
	if (e->type != EM_ENTITY_PERSON || !comma)
		return em_entity_add_name(l, e, kind, full, NULL, NULL, NULL);
	/* OFAC lists individuals as "FAMILY NAME, Given Names". */
	const char *family = em_list_strn(l, full, (size_t)(comma - full));
	const char *given = em_list_str(l, comma + 2);
	if (!family || !given)
		return em_entity_add_name(l, e, kind, full, NULL, NULL, NULL);
	return em_entity_add_name(l, e, kind, full, given, family, NULL);
}

/* a.k.a. 'NAME': the value must be quoted; the quotes are OFAC's, not the name's. */
static int add_quoted_name(parse_ctx *c, em_name_kind kind, span v, bool *done)
{
	v = trim(v);
	if (v.n && v.p[v.n - 1] == '.')
		v.n--;
	if (v.n < 3 || v.p[0] != '\'' || v.p[v.n - 1] != '\'')
		return 0;
	span inner = trim((span){v.p + 1, v.n - 2});
	const char *name = dup_span(c->l, inner);
	if (!name)
		return 0;
	*done = true;
	return em_ofac_add_name(c->l, c->e, kind, name);
}

static int add_birth_date(parse_ctx *c, span v, bool *done)
{
	const char *text = dup_span(c->l, drop_stop(skip_separators(v)));
	if (!text)
		return 0;
	em_date d;
	em_date_parse(text, &d);
	/* "circa 1960-1962": the shared date parser reads ranges written with "to". */
	const char *dash = strchr(text, '-');
	if (d.kind == EM_DATE_TEXT && dash) {
		em_buf b = EM_BUF_INIT;
		if (em_buf_append(&b, text, (size_t)(dash - text)) || em_buf_puts(&b, " to ") ||
		    em_buf_puts(&b, dash + 1)) {
			em_buf_free(&b);
			return EM_ENOMEM;
		}
		em_date d2;
		em_date_parse(b.data, &d2);
		if (d2.kind != EM_DATE_TEXT)
			d = d2;
		em_buf_free(&b);
		d.text = text;
	}
	*done = true;
	return em_entity_add_date(c->l, c->e, &d);
}

/* Finds " issued"/" expires"/" expired" as a word: the start of an identifier's dates. */
static size_t find_dates(span v)
{
	static const char *const words[] = {"issued", "expires", "expired"};
	for (size_t i = 0; i < v.n; i++) {
		if (i && v.p[i - 1] != ' ')
			continue;
		for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
			size_t wn = strlen(words[w]);
			if (i + wn <= v.n && strncasecmp(v.p + i, words[w], wn) == 0 &&
			    (i + wn == v.n || !is_alnum(v.p[i + wn])))
				return i;
		}
	}
	return v.n;
}

/* Splits a trailing " (...)" group off v; true when there was one. */
static bool split_paren(span *v, span *inside)
{
	if (!v->n || v->p[v->n - 1] != ')')
		return false;
	int depth = 0;
	for (size_t i = v->n; i-- > 0;) {
		if (v->p[i] == ')')
			depth++;
		else if (v->p[i] == '(' && --depth == 0) {
			/* "D489833(9)" is one value; the country group is set off by a space. */
			if (i == 0 || v->p[i - 1] != ' ')
				return false;
			*inside = trim((span){v->p + i + 1, v->n - i - 2});
			*v = trim((span){v->p, i});
			return true;
		}
	}
	return false;
}

static int note_add(em_buf *b, span s)
{
	if (!s.n)
		return 0;
	if (b->len && em_buf_puts(b, "; "))
		return EM_ENOMEM;
	return em_buf_append(b, s.p, s.n) ? EM_ENOMEM : 0;
}

/* "VALUE (Country) issued D expires D", or a bare value for contact details. */
static int add_identifier(parse_ctx *c, const remark_label *lab, span label, span v, bool alt,
			  bool *done)
{
	em_buf_clear(&c->note);
	if (alt && note_add(&c->note, (span){"alt.", 4}))
		return EM_ENOMEM;
	v = drop_stop(skip_separators(v));
	span country = {NULL, 0};
	bool contact = lab->id == EM_ID_PHONE || lab->id == EM_ID_WEBSITE || lab->id == EM_ID_EMAIL;
	if (!contact) {
		size_t d = find_dates(v);
		span dates = drop_stop((span){v.p + d, v.n - d});
		v = drop_stop((span){v.p, d});
		split_paren(&v, &country);
		/* "HRA 738077 (Stuttgart) (Germany)": the inner group is a place, not the value. */
		span place;
		if (country.n && split_paren(&v, &place) && note_add(&c->note, place))
			return EM_ENOMEM;
		if (note_add(&c->note, dates))
			return EM_ENOMEM;
		/* "International Maritime Organization No. (5777731)" */
		if (v.n > 2 && v.p[0] == '(' && v.p[v.n - 1] == ')' && !memchr(v.p + 1, '(', v.n - 2))
			v = trim((span){v.p + 1, v.n - 2});
		v = drop_stop(v);
	}
	if (!has_alnum(v) || (needs_digit(lab->id) && !has_digit(v)))
		return 0;
	const char *value = dup_span(c->l, v), *lbl = dup_span(c->l, label);
	const char *ctry = dup_span(c->l, country);
	const char *note = c->note.len ? em_list_str(c->l, c->note.data) : NULL;
	if (!value || !lbl || (country.n && !ctry) || (c->note.len && !note))
		return EM_ENOMEM;
	*done = true;
	return em_entity_add_id(c->l, c->e, lab->id, lbl, value, ctry, note);
}

/* "Digital Currency Address - XBT 1abc...": the currency is the identifier's label. */
static int add_crypto(parse_ctx *c, span v, bool alt, bool *done)
{
	v = drop_stop(skip_separators(v));
	const char *sp = memchr(v.p, ' ', v.n);
	if (!sp)
		return 0;
	span cur = trim((span){v.p, (size_t)(sp - v.p)});
	span addr = trim((span){sp + 1, v.n - (size_t)(sp + 1 - v.p)});
	if (!has_alnum(cur) || !has_alnum(addr) || memchr(addr.p, ' ', addr.n))
		return 0;
	const char *label = dup_span(c->l, cur), *value = dup_span(c->l, addr);
	if (!label || !value)
		return EM_ENOMEM;
	*done = true;
	return em_entity_add_id(c->l, c->e, EM_ID_CRYPTO_ADDRESS, label, value, NULL,
				alt ? "alt." : NULL);
}

static int add_string(parse_ctx *c, em_string_field field, span v, bool *done)
{
	const char *s = dup_span(c->l, drop_stop(skip_separators(v)));
	if (!s)
		return 0;
	*done = true;
	return em_entity_add_string(c->l, c->e, field, s);
}

/* Old entries list a web site or mail address alone: "www.x.org", "info@x.org (email)". */
static int add_bare_contact(parse_ctx *c, span item, bool *done)
{
	span v = drop_stop(item);
	span kind = {NULL, 0};
	split_paren(&v, &kind);
	v = drop_stop(v);
	if (!v.n || memchr(v.p, ' ', v.n))
		return 0;
	em_id_type t;
	if (memchr(v.p, '@', v.n) && memchr(v.p, '.', v.n))
		t = EM_ID_EMAIL;
	else if ((v.n > 4 && strncasecmp(v.p, "www.", 4) == 0) ||
		 (v.n > 7 && strncasecmp(v.p, "http://", 7) == 0) ||
		 (v.n > 8 && strncasecmp(v.p, "https://", 8) == 0))
		t = EM_ID_WEBSITE;
	else
		return 0;
	const char *value = dup_span(c->l, v);
	if (!value)
		return EM_ENOMEM;
	*done = true;
	return em_entity_add_id(c->l, c->e, t, em_id_type_name(t), value, NULL, NULL);
}

/* One item of the remarks; *done is set when it was understood. */
static int parse_item(parse_ctx *c, span item, bool *done)
{
	*done = false;
	bool alt = false;
	if (item.n > 5 && strncasecmp(item.p, "alt. ", 5) == 0) {
		alt = true;
		item = trim((span){item.p + 5, item.n - 5});
	}
	size_t ln;
	const remark_label *lab = match_label(item.p, item.n, &ln);
	if (!lab)
		return add_bare_contact(c, item, done);
	span label = trim((span){item.p, ln});
	/* Labels written with their separator ("Organization Type:") are stored without it. */
	while (label.n && (label.p[label.n - 1] == ':' || label.p[label.n - 1] == '-'))
		label = trim((span){label.p, label.n - 1});
	span v = {item.p + ln, item.n - ln};
	switch (lab->kind) {
	case RK_AKA: return add_quoted_name(c, EM_NAME_AKA_STRONG, v, done);
	case RK_FKA: return add_quoted_name(c, EM_NAME_FKA, v, done);
	case RK_NKA: return add_quoted_name(c, EM_NAME_NKA, v, done);
	case RK_DOB: return add_birth_date(c, v, done);
	case RK_POB: return add_string(c, EM_FIELD_BIRTH_PLACE, v, done);
	case RK_NATIONALITY: return add_string(c, EM_FIELD_NATIONALITY, v, done);
	case RK_CITIZEN: return add_string(c, EM_FIELD_CITIZENSHIP, v, done);
	case RK_GENDER: {
		span g = drop_stop(v);
		bool male = g.n == 4 && strncasecmp(g.p, "male", 4) == 0;
		bool female = g.n == 6 && strncasecmp(g.p, "female", 6) == 0;
		if (!male && !female)
			return 0;
		*done = true;
		return em_entity_set_gender(c->l, c->e, male ? "male" : "female");
	}
	case RK_LINKED: {
		/* The stop is kept: "X CO." may need it; em_ofac_resolve_links() decides. */
		const char *target = dup_span(c->l, trim(skip_separators(v)));
		if (!target)
			return 0;
		*done = true;
		return em_entity_add_relation(c->l, c->e, "linked to", target);
	}
	case RK_ID: return add_identifier(c, lab, label, v, alt, done);
	case RK_CRYPTO: return add_crypto(c, v, alt, done);
	case RK_ATTR: {
		const char *value = dup_span(c->l, drop_stop(skip_separators(v)));
		if (!value)
			return 0;
		*done = true;
		return em_entity_add_attribute(c->l, c->e, lab->key, value);
	}
	}
	return 0;
}

/* True when s starts a quoted-name item ("a.k.a. '", "f.k.a. '", ...). */
static bool starts_quoted_name(const char *s)
{
	static const char *const prefixes[] = {"a.k.a. '", "f.k.a. '", "n.k.a. '", "d.b.a. '"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* True when [p, end) ends with a closing quote, a final full stop aside. */
static bool ends_with_quote(const char *p, const char *end)
{
	while (end > p && end[-1] == '.')
		end--;
	return end - p > 8 && end[-1] == '\'';
}

/*
 * Where the item starting at p ends. Items end at "; ", except that a quoted name runs to its
 * closing quote: "a.k.a. 'X; Y'" is one name. A quote still open when the next quoted name
 * starts leaves the plain split, so one bad item cannot swallow the next ones; the scan stops
 * there too, which keeps the whole parse linear in the length of the remarks.
 */
static const char *item_end(const char *p)
{
	const char *semi = strstr(p, "; ");
	if (!semi || !starts_quoted_name(p))
		return semi ? semi : p + strlen(p);
	for (const char *q = semi; q; q = strstr(q + 2, "; ")) {
		if (ends_with_quote(p, q))
			return q;
		if (starts_quoted_name(q + 2))
			return semi;
	}
	const char *end = p + strlen(p);
	return ends_with_quote(p, end) ? end : semi;
}

int em_ofac_remarks_parse(em_list *l, em_entity *e, const char *remarks,
			  em_ofac_unparsed_fn unparsed, void *arg)
{
	if (!remarks)
		return 0;
	parse_ctx c = {l, e, EM_BUF_INIT};
	int rc = 0;
	const char *p = remarks;
	while (*p && !rc) {
		const char *end = item_end(p);
		span item = trim((span){p, (size_t)(end - p)});
		bool done = false;
		if (item.n)
			rc = parse_item(&c, item, &done);
		if (!rc && !done && item.n && unparsed)
			unparsed(arg, item.p, item.n);
		p = end;
		while (*p == ';' || *p == ' ')
			p++;
	}
	em_buf_free(&c.note);
	return rc;
}

int em_ofac_resolve_links(em_list *l)
{
	em_strmap names = {0};
	int rc = 0;
	for (size_t i = 0; i < l->n && !rc; i++)
		if (l->entities[i].n_names)
			rc = em_strmap_put(&names, l->entities[i].names[0].full, i);
	for (size_t i = 0; i < l->n && !rc; i++) {
		em_entity *e = &l->entities[i];
		if (!e->remarks)
			continue;
		size_t rl = strlen(e->remarks);
		for (size_t r = 0; r < e->n_relations; r++) {
			em_relation *rel = (em_relation *)&e->relations[r];
			size_t tl = strlen(rel->target);
			/* Only the item that ends the remarks carries the remarks' own stop. */
			if (tl < 2 || rel->target[tl - 1] != '.' || rl < tl ||
			    strcmp(e->remarks + rl - tl, rel->target) != 0 ||
			    em_strmap_get(&names, rel->target, NULL))
				continue;
			const char *cut = em_list_strn(l, rel->target, tl - 1);
			if (!cut) {
				rc = em_fail(EM_ENOMEM, "out of memory");
				break;
			}
			rel->target = cut;
		}
	}
	em_strmap_free(&names);
	return rc;
}
