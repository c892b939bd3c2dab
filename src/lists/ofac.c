/*
 * ofac.c: the reader of OFAC's CSV files, the SDN list (sdn.csv) and the non-SDN
 * consolidated list (cons_prim.csv). A primary record has twelve fields (ent_num, name, type,
 * programs, title, call sign, vessel type, tonnage, GRT, flag, owner, remarks), "-0-" stands
 * for an empty field, and the file ends with CR LF and the DOS end-of-file byte 0x1A. Three
 * companion files keyed by ent_num may sit beside it: aliases (alt.csv), addresses (add.csv)
 * and the overflow of remarks cut at OFAC's field limit (sdn_comments.csv); the non-SDN set
 * names them cons_alt.csv, cons_add.csv and cons_comments.csv. Anything malformed fails the
 * whole read, and a primary file without its end-of-file byte is taken as cut short: a
 * sanctions list silently missing entries is worse than none.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ofac_remarks.h"
#include "reader.h"
#include "util/csv.h"

#define OFAC_EOF_BYTE '\x1a'
#define PRIMARY_FIELDS 12

static const char *const primary_fields[PRIMARY_FIELDS] = {
	"ent_num", "name", "type", "programs", "title", "call_sign", "vessel_type", "tonnage",
	"grt", "vessel_flag", "vessel_owner", "remarks",
};
static const char *const alt_fields[] = {"ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"};
static const char *const add_fields[] = {"ent_num", "add_num", "address", "city_state_postal",
					 "country", "add_remarks"};
static const char *const comment_fields[] = {"ent_num", "remarks"};

/* Programs only on the non-SDN lists: a file listing nothing else is the non-SDN set. */
static const char *const non_sdn_programs[] = {"NS-", "SSI", "FSE", "CMIC", "561", "PLC"};

/* Windows-1252 0x80..0x9F as Unicode (0xFFFD where the code page leaves a hole). */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

/* One input file made ready for the CSV reader. */
typedef struct ofac_input {
	const char *name; /* for messages */
	const char *data; /* UTF-8, without the end-of-file byte */
	size_t len;
	bool marker;      /* the file ended with the end-of-file byte */
	char *owned;      /* a transcoded copy of the bytes, or NULL */
} ofac_input;

/* The list's files are ASCII today; older ones carried Windows-1252 accents. */
static int transcode_cp1252(ofac_input *in)
{
	em_buf b = EM_BUF_INIT;
	for (size_t i = 0; i < in->len; i++) {
		unsigned char ch = (unsigned char)in->data[i];
		unsigned cp = ch < 0x80 ? ch : ch < 0xA0 ? cp1252_high[ch - 0x80] : ch;
		char u[3];
		size_t n;
		if (cp < 0x80) {
			u[0] = (char)cp;
			n = 1;
		} else if (cp < 0x800) {
			u[0] = (char)(0xC0 | (cp >> 6));
			u[1] = (char)(0x80 | (cp & 0x3F));
			n = 2;
		} else {
			u[0] = (char)(0xE0 | (cp >> 12));
			u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			u[2] = (char)(0x80 | (cp & 0x3F));
			n = 3;
		}
		if (em_buf_append(&b, u, n)) {
			em_buf_free(&b);
			return em_fail(EM_ENOMEM, "out of memory reading %s", in->name);
		}
	}
	in->owned = em_buf_detach(&b);
	if (!in->owned)
		return em_fail(EM_ENOMEM, "out of memory reading %s", in->name);
	in->data = in->owned;
	in->len = strlen(in->owned);
	return 0;
}

static int input_prepare(ofac_input *in, const char *name, const char *data, size_t len)
{
	memset(in, 0, sizeof *in);
	in->name = name;
	in->data = data;
	in->len = len;
	size_t n = len;
	while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	if (n && data[n - 1] == OFAC_EOF_BYTE) {
		in->marker = true;
		in->len = n - 1;
	}
	if (memchr(in->data, '\0', in->len))
		return em_fail(EM_EPARSE, "%s: the file contains NUL bytes: not an OFAC CSV file", name);
	if (!em_utf8_valid(in->data, in->len))
		return transcode_cp1252(in);
	return 0;
}

static void input_free(ofac_input *in)
{
	free(in->owned);
	in->owned = NULL;
}

/* What the reader knows about each entity besides the entity itself. */
typedef struct ofac_row {
	char *remarks;  /* remarks as written (comments appended), in the arena, or NULL */
	size_t len;
	size_t line;    /* line of the primary record */
} ofac_row;

typedef struct ofac_reader {
	em_read_ctx *ctx;
	em_list *l;
	em_strmap ids;   /* ent_num -> entity index */
	ofac_row *rows;  /* one per entity */
	em_buf path;     /* scratch for companion paths */
} ofac_reader;

static bool is_empty(const char *s)
{
	while (*s == ' ')
		s++;
	if (strncmp(s, "-0-", 3) == 0)
		s += 3;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

/* The field, or NULL for OFAC's empty marker. */
static const char *field(const em_csv *c, size_t i)
{
	const char *s = em_csv_field(c, i);
	return is_empty(s) ? NULL : s;
}

/* ent_num: digits only (spaces around allowed), written back without leading zeros. */
static bool parse_ent_num(const char *s, char out[24])
{
	while (*s == ' ')
		s++;
	size_t n = 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	const char *rest = s + n;
	while (*rest == ' ')
		rest++;
	if (n == 0 || n > 12 || *rest)
		return false;
	char digits[16];
	memcpy(digits, s, n);
	digits[n] = '\0';
	long v;
	if (!em_parse_long(digits, &v) || v <= 0)
		return false;
	snprintf(out, 24, "%ld", v);
	return true;
}

/* True when only line ends remain after the current record. */
static bool csv_at_end(const em_csv *c)
{
	for (size_t i = c->pos; i < c->len; i++)
		if (c->data[i] != '\r' && c->data[i] != '\n')
			return false;
	return true;
}

/* Restates a CSV reader failure with the field's name, as every input error here reads. */
static int csv_failure(const em_csv *c, int rc, const char *const *names, size_t n_names)
{
	if (rc != EM_ETRUNCATED && rc != EM_EPARSE)
		return rc;
	size_t i = c->nfields ? c->nfields - 1 : 0;
	const char *fname = names[i < n_names ? i : n_names - 1];
	if (rc == EM_ETRUNCATED)
		return em_fail(rc, "%s:%zu: field '%s': a quoted field is never closed: the file "
				   "looks cut short", c->name, c->line, fname);
	return em_fail(rc, "%s:%zu: field '%s': text after a closing quote", c->name, c->line, fname);
}

/* Checks the field count of the current record of a file whose records have `n` fields. */
static int check_count(const em_csv *c, const char *const *names, size_t n)
{
	size_t got = em_csv_count(c);
	if (got == n)
		return 0;
	if (got < n)
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': missing: the record has %zu fields "
				   "where OFAC writes %zu", c->name, c->line, names[got], got, n);
	return em_fail(EM_EPARSE, "%s:%zu: field '%s': the record has %zu fields where OFAC "
			   "writes %zu (a comma outside quotes?)", c->name, c->line, names[n - 1], got, n);
}

/* The entity index of a companion record's ent_num, which must be in the primary file. */
static int known_entity(ofac_reader *r, const em_csv *c, size_t *idx)
{
	char id[24];
	const char *s = em_csv_field(c, 0);
	if (!parse_ent_num(s, id))
		return em_fail(EM_EPARSE, "%s:%zu: field 'ent_num': '%.40s' is not a number", c->name,
			       c->line, s);
	if (!em_strmap_get(&r->ids, id, idx))
		return em_fail(EM_EPARSE, "%s:%zu: field 'ent_num': %s is not in the primary file %s",
			       c->name, c->line, id, r->ctx->name);
	return 0;
}

static int check_number(const em_csv *c, size_t i, const char *const *names)
{
	char id[24];
	const char *s = em_csv_field(c, i);
	if (!parse_ent_num(s, id))
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': '%.40s' is not a number", c->name,
			       c->line, names[i], s);
	return 0;
}

static int add_programs(em_list *l, em_entity *e, const char *s)
{
	/* Several programs are written "SDGT] [IRGC" (the outer brackets dropped). */
	while (*s == ' ' || *s == '[')
		s++;
	while (*s) {
		const char *end = strstr(s, "] [");
		size_t n = end ? (size_t)(end - s) : strlen(s);
		while (n && (s[n - 1] == ']' || s[n - 1] == ' '))
			n--;
		const char *p = em_list_strn(l, s, n);
		int rc;
		if (p && !is_empty(p) && (rc = em_entity_add_string(l, e, EM_FIELD_PROGRAM, p)))
			return rc;
		if (!end)
			break;
		s = end + 3;
	}
	return 0;
}

static int parse_type(const em_csv *c, em_entity_type *out)
{
	const char *s = field(c, 2);
	if (!s) {
		*out = EM_ENTITY_ORGANIZATION; /* OFAC leaves the type empty for organizations */
		return 0;
	}
	char t[16];
	size_t n = 0;
	while (*s == ' ')
		s++;
	while (s[n] && s[n] != ' ' && n < sizeof t - 1) {
		t[n] = s[n];
		n++;
	}
	t[n] = '\0';
	*out = strcasecmp(t, "individual") == 0 ? EM_ENTITY_PERSON
	       : strcasecmp(t, "vessel") == 0   ? EM_ENTITY_VESSEL
	       : strcasecmp(t, "aircraft") == 0 ? EM_ENTITY_AIRCRAFT
						: EM_ENTITY_UNKNOWN;
	if (*out == EM_ENTITY_UNKNOWN || !is_empty(s + n))
		return em_fail(EM_EPARSE, "%s:%zu: field 'type': '%.40s' is not an OFAC entity type "
				   "(individual, vessel, aircraft or -0-)", c->name, c->line, s);
	return 0;
}

/* Attributes that have their own column in the primary file. */
static const struct {
	size_t col;
	const char *key;
} primary_attrs[] = {
	{4, "title"}, {6, "vessel_type"}, {7, "tonnage"}, {8, "grt"}, {9, "vessel_flag"},
	{10, "vessel_owner"},
};

static int add_primary(ofac_reader *r, const em_csv *c, size_t *cap)
{
	em_list *l = r->l;
	char id[24];
	const char *s = em_csv_field(c, 0);
	if (!parse_ent_num(s, id))
		return em_fail(EM_EPARSE, "%s:%zu: field 'ent_num': '%.40s' is not a number", c->name,
			       c->line, s);
	size_t first;
	if (em_strmap_get(&r->ids, id, &first))
		return em_fail(EM_EPARSE, "%s:%zu: field 'ent_num': %s appears twice (first on line %zu)",
			       c->name, c->line, id, r->rows[first].line);
	const char *name = field(c, 1);
	if (!name)
		return em_fail(EM_EPARSE, "%s:%zu: field 'name': empty", c->name, c->line);
	em_entity_type type;
	int rc = parse_type(c, &type);
	if (rc)
		return rc;
	if (l->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		ofac_row *rows = realloc(r->rows, ncap * sizeof *rows);
		if (!rows)
			return em_fail(EM_ENOMEM, "out of memory reading %s", c->name);
		r->rows = rows;
		*cap = ncap;
	}
	em_entity *e = em_list_add(l);
	if (!e)
		return EM_ENOMEM;
	size_t idx = l->n - 1;
	ofac_row *row = &r->rows[idx];
	memset(row, 0, sizeof *row);
	row->line = c->line;
	e->type = type;
	if ((rc = em_entity_set_id(l, e, id)) || !e->source_id)
		return rc ? rc : em_fail(EM_ENOMEM, "out of memory reading %s", c->name);
	if ((rc = em_strmap_put(&r->ids, e->source_id, idx)) ||
	    (rc = em_ofac_add_name(l, e, EM_NAME_PRIMARY, name)))
		return rc;
	if (field(c, 3) && (rc = add_programs(l, e, field(c, 3))))
		return rc;
	for (size_t i = 0; i < sizeof primary_attrs / sizeof primary_attrs[0]; i++) {
		const char *v = field(c, primary_attrs[i].col);
		if (v && (rc = em_entity_add_attribute(l, e, primary_attrs[i].key, v)))
			return rc;
	}
	const char *call_sign = field(c, 5);
	if (call_sign &&
	    (rc = em_entity_add_id(l, e, EM_ID_CALL_SIGN, "Call Sign", call_sign, NULL, NULL)))
		return rc;
	const char *remarks = field(c, 11);
	if (remarks) {
		row->len = strlen(remarks);
		if (!(row->remarks = em_arena_strndup(&l->arena, remarks, row->len)))
			return em_fail(EM_ENOMEM, "out of memory reading %s", c->name);
	}
	return 0;
}

/* Reads the primary records; *at_end tells whether the last record read ends the input. */
static int read_primary(ofac_reader *r, const ofac_input *in, bool *at_end, size_t *last_line,
			size_t *last_fields)
{
	em_csv c;
	em_csv_init(&c, in->name, in->data, in->len, ',');
	size_t cap = 0;
	int rc;
	*at_end = false;
	*last_line = 1;
	*last_fields = 0;
	for (;;) {
		if ((rc = em_csv_next(&c)) <= 0) {
			if (rc < 0) {
				*last_line = c.line;
				*at_end = rc == EM_ETRUNCATED;
				rc = csv_failure(&c, rc, primary_fields, PRIMARY_FIELDS);
			}
			break;
		}
		*last_line = c.line;
		*last_fields = em_csv_count(&c);
		*at_end = csv_at_end(&c);
		if ((rc = check_count(&c, primary_fields, PRIMARY_FIELDS)) || (rc = add_primary(r, &c, &cap)))
			break;
	}
	em_csv_free(&c);
	return rc;
}

/* Reads a companion file from beside the primary; *found is false when there is none. */
static int companion_load(ofac_reader *r, const char *file, char **data, size_t *len, bool *found)
{
	*found = false;
	*data = NULL;
	em_buf_clear(&r->path);
	if (em_buf_printf(&r->path, "%s/%s", r->ctx->dir, file))
		return EM_ENOMEM;
	struct stat st;
	if (stat(r->path.data, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return em_fail(EM_EIO, "%s: %s", r->path.data, strerror(errno));
	}
	*found = true;
	return em_file_read(r->path.data, data, len);
}

typedef int (*companion_fn)(ofac_reader *r, const em_csv *c, size_t idx);

static int comment_record(ofac_reader *r, const em_csv *c, size_t idx)
{
	/* The primary field was cut at OFAC's size limit, mid-word: join without a space. */
	ofac_row *row = &r->rows[idx];
	const char *more = em_csv_field(c, 1);
	size_t n = strlen(more);
	char *joined = em_arena_alloc(&r->l->arena, row->len + n + 1);
	if (!joined)
		return em_fail(EM_ENOMEM, "out of memory reading %s", c->name);
	if (row->len)
		memcpy(joined, row->remarks, row->len);
	memcpy(joined + row->len, more, n + 1);
	row->remarks = joined;
	row->len += n;
	return 0;
}

static int alt_record(ofac_reader *r, const em_csv *c, size_t idx)
{
	em_list *l = r->l;
	em_entity *e = &l->entities[idx];
	const char *type = field(c, 2), *name = field(c, 3), *remarks = field(c, 4);
	char t[8] = "";
	if (type) {
		while (*type == ' ')
			type++;
		size_t n = strcspn(type, " ");
		if (n < sizeof t && is_empty(type + n)) {
			memcpy(t, type, n);
			t[n] = '\0';
		}
	}
	em_name_kind kind = strcasecmp(t, "aka") == 0 ? EM_NAME_AKA_STRONG
			    : strcasecmp(t, "fka") == 0 ? EM_NAME_FKA
			    : strcasecmp(t, "nka") == 0 ? EM_NAME_NKA
							: EM_NAME_PRIMARY;
	if (kind == EM_NAME_PRIMARY)
		return em_fail(EM_EPARSE, "%s:%zu: field 'alt_type': '%.20s' is not aka, fka or nka",
			       c->name, c->line, type ? type : "-0-");
	if (!name)
		return em_fail(EM_EPARSE, "%s:%zu: field 'alt_name': empty", c->name, c->line);
	int rc = em_ofac_add_name(l, e, kind, name);
	if (!rc && remarks)
		rc = em_entity_add_attribute(l, e, "alt_remarks", remarks);
	return rc;
}

static int add_record(ofac_reader *r, const em_csv *c, size_t idx)
{
	em_list *l = r->l;
	em_entity *e = &l->entities[idx];
	/* OFAC writes city, state and postal code as one field; it is kept whole as the city. */
	em_address a = {field(c, 2), field(c, 3), NULL, NULL, field(c, 4), NULL};
	int rc = em_entity_add_address(l, e, &a);
	const char *remarks = field(c, 5);
	if (!rc && remarks)
		rc = em_entity_add_attribute(l, e, "address_remarks", remarks);
	return rc;
}

static const struct companion {
	const char *sdn_file;  /* beside sdn.csv */
	const char *cons_file; /* beside cons_prim.csv */
	const char *const *fields;
	size_t n_fields;
	size_t n_numbers;      /* leading numeric fields (ent_num, alt_num / add_num) */
	companion_fn record;
} comments_file = {"sdn_comments.csv", "cons_comments.csv", comment_fields, 2, 1, comment_record},
  alt_file = {"alt.csv", "cons_alt.csv", alt_fields, 5, 2, alt_record},
  add_file = {"add.csv", "cons_add.csv", add_fields, 6, 2, add_record};

static int companion_read(ofac_reader *r, const struct companion *k, bool cons)
{
	char *data;
	size_t len;
	bool found;
	int rc = companion_load(r, cons ? k->cons_file : k->sdn_file, &data, &len, &found);
	if (rc || !found)
		return rc;
	/* The end-of-file byte is optional here: OFAC's sdn_comments.csv has gone without it. */
	ofac_input in;
	if ((rc = input_prepare(&in, r->path.data, data, len))) {
		free(data);
		return rc;
	}
	em_csv c;
	em_csv_init(&c, in.name, in.data, in.len, ',');
	size_t idx;
	for (;;) {
		if ((rc = em_csv_next(&c)) <= 0) {
			if (rc < 0)
				rc = csv_failure(&c, rc, k->fields, k->n_fields);
			break;
		}
		if ((rc = check_count(&c, k->fields, k->n_fields)) || (rc = known_entity(r, &c, &idx)))
			break;
		for (size_t i = 1; i < k->n_numbers && !rc; i++)
			rc = check_number(&c, i, k->fields);
		if (rc || (rc = k->record(r, &c, idx)))
			break;
	}
	em_csv_free(&c);
	input_free(&in);
	free(data);
	return rc;
}

static bool non_sdn_program(const char *p)
{
	for (size_t i = 0; i < sizeof non_sdn_programs / sizeof non_sdn_programs[0]; i++)
		if (strncmp(p, non_sdn_programs[i], strlen(non_sdn_programs[i])) == 0)
			return true;
	return false;
}

/* The non-SDN set: named cons_*, or listing only non-SDN programs. */
static bool is_non_sdn(const em_list *l, const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strncmp(base, "cons_", 5) == 0)
		return true;
	size_t programs = 0;
	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < l->entities[i].n_programs; j++, programs++)
			if (!non_sdn_program(l->entities[i].programs[j]))
				return false;
	return programs > 0;
}

/* A companion file given alone: recognised by its shape, refused with what to do instead. */
static int refuse_companion(const em_csv *c)
{
	const char *what = NULL;
	size_t n = em_csv_count(c);
	char id[24];
	if (!parse_ent_num(em_csv_field(c, 0), id))
		return 0;
	if (n == 5 && parse_ent_num(em_csv_field(c, 1), id))
		what = "alt.csv, the aliases";
	else if (n == 6 && parse_ent_num(em_csv_field(c, 1), id))
		what = "add.csv, the addresses";
	else if (n == 2)
		what = "sdn_comments.csv, the remarks continued";
	if (!what)
		return 0;
	return em_fail(EM_EFORMAT, "%s:%zu: field 'ent_num': this is an OFAC companion file (%s), "
			   "not a list: import the primary file beside it (sdn.csv or cons_prim.csv), "
			   "which reads this one too", c->name, c->line, what);
}

static int first_record_check(const ofac_input *in)
{
	em_csv c;
	em_csv_init(&c, in->name, in->data, in->len, ',');
	int rc = em_csv_next(&c);
	rc = rc == 1 && em_csv_count(&c) != PRIMARY_FIELDS ? refuse_companion(&c) : 0;
	em_csv_free(&c);
	return rc;
}

static int ofac_read(em_read_ctx *ctx)
{
	ofac_reader r = {ctx, ctx->list, {0}, NULL, EM_BUF_INIT};
	ofac_input in;
	int rc = input_prepare(&in, ctx->name, ctx->data, ctx->len);
	if (rc)
		return rc;
	if ((rc = first_record_check(&in)))
		goto done;
	bool at_end;
	size_t last_line, last_fields;
	rc = read_primary(&r, &in, &at_end, &last_line, &last_fields);
	if (!in.marker) {
		/* OFAC ends every primary file with 0x1A: without it the file was cut. */
		if (rc && at_end) {
			char msg[768];
			snprintf(msg, sizeof msg, "%s", em_error_last()->message);
			rc = em_fail(EM_ETRUNCATED, "%s (and the file lacks the end-of-file byte 0x1A "
						    "OFAC writes: it looks cut short)", msg);
		} else if (!rc) {
			size_t f = last_fields ? last_fields - 1 : 0;
			rc = em_fail(EM_ETRUNCATED, "%s:%zu: field '%s': the file ends without the "
						    "end-of-file byte 0x1A that OFAC writes after the "
						    "last record: it looks cut short",
				     in.name, last_line,
				     primary_fields[f < PRIMARY_FIELDS ? f : PRIMARY_FIELDS - 1]);
		}
	}
	if (rc)
		goto done;
	bool cons = is_non_sdn(r.l, ctx->name);
	if (ctx->dir && (rc = companion_read(&r, &comments_file, cons)))
		goto done;
	for (size_t i = 0; i < r.l->n && !rc; i++) {
		em_entity *e = &r.l->entities[i];
		if (!r.rows[i].remarks)
			continue;
		if (!(rc = em_entity_set_remarks(r.l, e, r.rows[i].remarks)))
			rc = em_ofac_remarks_parse(r.l, e, e->remarks, NULL, NULL);
	}
	if (!rc && ctx->dir && !(rc = companion_read(&r, &alt_file, cons)))
		rc = companion_read(&r, &add_file, cons);
	if (!rc)
		rc = em_ofac_resolve_links(r.l);
	/* Only the default source changes: a source the caller chose stays. */
	if (!rc && cons && strcmp(em_list_source(r.l), "ofac-sdn") == 0) {
		if (!(rc = em_list_set_meta(r.l, "ofac-cons", NULL, NULL, NULL)))
			for (size_t i = 0; i < r.l->n; i++)
				r.l->entities[i].source = r.l->source;
	}
done:
	input_free(&in);
	em_strmap_free(&r.ids);
	em_buf_free(&r.path);
	free(r.rows);
	return rc;
}

/*
 * Content sniffing: the first record starts with a numeric ent_num. Twelve fields with a
 * quoted name is a primary file; the companions' shapes are recognised too, so that reading
 * one alone fails with a message saying what to do rather than "unknown format".
 */
static int ofac_sniff(const char *head, size_t n)
{
	const char *p = head, *end = head + n;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	enum { MAXF = 16 };
	bool quoted[MAXF] = {false}, numeric[MAXF] = {false};
	size_t fields = 0;
	for (;;) {
		if (fields == MAXF)
			return 0;
		const char *start = p;
		if (p < end && *p == '"') {
			quoted[fields] = true;
			for (p++;; p++) {
				if (p >= end)
					return 0;
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"')
						p++;
					else
						break;
				}
			}
			p++;
			while (p < end && *p == ' ')
				p++;
		} else {
			bool digits = p < end && isdigit((unsigned char)*p);
			while (p < end && *p != ',' && *p != '\r' && *p != '\n') {
				digits = digits && (isdigit((unsigned char)*p) || *p == ' ');
				p++;
			}
			numeric[fields] = digits && p > start;
		}
		fields++;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p != '\r' && *p != '\n')
			return 0;
		break;
	}
	if (!numeric[0])
		return 0;
	if (fields == PRIMARY_FIELDS && quoted[1])
		return 90;
	if ((fields == 5 && numeric[1] && quoted[2]) || (fields == 6 && numeric[1]) ||
	    (fields == 2 && quoted[1]))
		return 60;
	return 0;
}

const em_reader em_reader_ofac_csv = {"ofac-csv", "ofac-sdn", ofac_sniff, ofac_read};
