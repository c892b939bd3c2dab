/*
 * orders.c: reading order lines from CSV or JSON lines into em_goods_line records, one at a
 * time. The reader checks the form of a line (fields, numbers, text encoding); what the values
 * mean (an HS code, a country) is checked by em_goods_screen. A bad line is reported with its
 * file, line and field and the reader goes on with the next one: in CSV, a quote left open
 * would swallow the rest of the file, so after a record that fails to parse the reader starts
 * again on the line after the one the record began on.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "goods.h"
#include "util/csv.h"

#define MAX_ROUTE 16
#define MAX_JSON_LINE (1u << 20)

enum {
	F_LINE_ID,
	F_HS,
	F_DESC,
	F_MFR,
	F_PART,
	F_QTY,
	F_VALUE,
	F_CCY,
	F_DEST,
	F_CONSIGNEE,
	F_END_USER,
	F_ROUTE,
	F_PAYER,
	F_END_USE,
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"line_id",  "hs_code",     "description", "manufacturer",           "part_number",   "quantity", "unit_value",
	"currency", "destination_country", "consignee", "end_user", "intermediate_countries", "payer_country", "end_use",
};

/* Other names a column or key goes by in order exports. */
static const struct {
	const char *name;
	int field;
} aliases[] = {
	{"id", F_LINE_ID},
	{"line", F_LINE_ID},
	{"order_line", F_LINE_ID},
	{"hs", F_HS},
	{"hts", F_HS},
	{"hts_code", F_HS},
	{"tariff_code", F_HS},
	{"mpn", F_PART},
	{"part_no", F_PART},
	{"pn", F_PART},
	{"qty", F_QTY},
	{"unit_price", F_VALUE},
	{"destination", F_DEST},
	{"ship_to_country", F_DEST},
	{"enduser", F_END_USER},
	{"intermediate_country", F_ROUTE},
	{"transit_countries", F_ROUTE},
	{"via", F_ROUTE},
	{"payment_country", F_PAYER},
	{"enduse", F_END_USE},
	{"purpose", F_END_USE},
};

struct em_goods_reader {
	const char *name;
	const char *data;
	size_t len;
	bool jsonl;
	/* CSV */
	em_csv csv;
	size_t base;            /* offset of csv.data in data (after a restart) */
	char delim;
	int col[F_COUNT];       /* column of each field, or -1 */
	size_t ncols;
	/* JSON lines */
	size_t pos, line;
	json_t *json;           /* the current record, holding its strings */
	/* the current record */
	em_arena arena;
	const char *route[MAX_ROUTE];
};

/* Lower case, spaces and hyphens as underscores, surrounding white space dropped. */
static void column_key(const char *in, char *out, size_t cap)
{
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = 0;
	for (; *in && n + 1 < cap; in++) {
		char c = *in;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == ' ' || c == '-')
			c = '_';
		out[n++] = c;
	}
	while (n && (out[n - 1] == '_' || out[n - 1] == '\t' || out[n - 1] == '\r'))
		n--;
	out[n] = '\0';
}

static int field_of(const char *column)
{
	char key[64];
	column_key(column, key, sizeof key);
	for (int f = 0; f < F_COUNT; f++)
		if (!strcmp(key, field_names[f]))
			return f;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcmp(key, aliases[i].name))
			return aliases[i].field;
	return -1;
}

/* The delimiter of the header line: the most frequent of , ; and tab outside quotes. */
static char detect_delim(const char *s, size_t n)
{
	size_t comma = 0, semi = 0, tab = 0;
	bool quoted = false;
	for (size_t i = 0; i < n && s[i] != '\n'; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			comma += s[i] == ',', semi += s[i] == ';', tab += s[i] == '\t';
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

static int csv_header(em_goods_reader *r)
{
	int rc = em_csv_next(&r->csv);
	if (rc < 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", em_error_last()->message);
		return rc == EM_ENOMEM ? rc : em_fail(EM_EPARSE, "%s", msg);
	}
	if (rc == 0)
		return em_fail(EM_EPARSE, "%s: no header row", r->name);
	r->ncols = em_csv_count(&r->csv);
	for (int f = 0; f < F_COUNT; f++)
		r->col[f] = -1;
	for (size_t i = 0; i < r->ncols; i++) {
		int f = field_of(em_csv_field(&r->csv, i));
		if (f < 0)
			continue; /* columns of the caller's own: not ours to read */
		if (r->col[f] >= 0)
			return em_fail(EM_EPARSE, "%s:%zu: field '%s': two columns give it (%zu and %zu)", r->name, r->csv.line,
				       field_names[f], (size_t)r->col[f] + 1, i + 1);
		r->col[f] = (int)i;
	}
	static const int required[] = {F_LINE_ID, F_DEST};
	for (size_t k = 0; k < 2; k++)
		if (r->col[required[k]] < 0)
			return em_fail(EM_EPARSE, "%s:%zu: field '%s': no such column in the header (the columns are %s, %s, "
						  "... as docs/goods.md lists them)",
				       r->name, r->csv.line, field_names[required[k]], field_names[F_LINE_ID],
				       field_names[F_DEST]);
	return 0;
}

int em_goods_reader_new(em_goods_reader **out, const char *name, const char *data, size_t len)
{
	*out = NULL;
	em_goods_reader *r = calloc(1, sizeof *r);
	if (!r)
		return em_fail(EM_ENOMEM, "out of memory");
	r->name = name ? name : "orders";
	r->data = data;
	r->len = len;
	em_arena_init(&r->arena);
	size_t i = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '{') {
		r->jsonl = true;
		r->pos = 0;
		*out = r;
		return 0;
	}
	r->delim = detect_delim(data + i, len - i);
	em_csv_init(&r->csv, r->name, data, len, r->delim);
	int rc = csv_header(r);
	if (rc) {
		em_goods_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

const char *em_goods_reader_format(const em_goods_reader *r)
{
	return r->jsonl ? "jsonl" : "csv";
}

void em_goods_reader_free(em_goods_reader *r)
{
	if (!r)
		return;
	if (!r->jsonl)
		em_csv_free(&r->csv);
	json_decref(r->json);
	em_arena_free(&r->arena);
	free(r);
}

/* ---- values ------------------------------------------------------------------------------- */

/* A copy of s without surrounding white space; NULL when nothing is left. */
static const char *clean(em_goods_reader *r, const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n ? em_arena_strndup(&r->arena, s, n) : NULL;
}

/* A quantity or value: a plain decimal number, not negative. */
static int parse_amount(const char *s, double *out)
{
	if (!s) {
		*out = -1;
		return 0;
	}
	if (strspn(s, "0123456789.") != strlen(s) || strspn(s, "0123456789") == 0)
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* Splits "Kazakhstan; Kyrgyzstan | China" into the route. */
static int split_route(em_goods_reader *r, const char *s, em_goods_line *line)
{
	line->intermediate_countries = r->route;
	line->n_intermediate = 0;
	if (!s)
		return 0;
	char *copy = em_arena_strdup(&r->arena, s);
	if (!copy)
		return EM_ENOMEM;
	for (char *save = NULL, *t = strtok_r(copy, ";|", &save); t; t = strtok_r(NULL, ";|", &save)) {
		const char *c = clean(r, t);
		if (!c)
			continue;
		if (line->n_intermediate == MAX_ROUTE)
			return -1;
		r->route[line->n_intermediate++] = c;
	}
	return 0;
}

static int bad(em_goods_reader *r, size_t line, const char *field, const char *fmt, ...) EM_PRINTF(4, 5);
static int bad(em_goods_reader *r, size_t line, const char *field, const char *fmt, ...)
{
	char what[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (field)
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': %s", r->name, line, field, what);
	return em_fail(EM_EPARSE, "%s:%zu: %s", r->name, line, what);
}

/* Fills *line from the text values of one record (NULL for absent). */
static int fill(em_goods_reader *r, size_t lineno, const char *const v[F_COUNT], em_goods_line *line)
{
	memset(line, 0, sizeof *line);
	for (int f = 0; f < F_COUNT; f++)
		if (v[f] && !em_utf8_valid(v[f], strlen(v[f])))
			return bad(r, lineno, field_names[f], "not valid UTF-8");
	line->line_id = v[F_LINE_ID];
	line->hs_code = v[F_HS];
	line->description = v[F_DESC];
	line->manufacturer = v[F_MFR];
	line->part_number = v[F_PART];
	line->currency = v[F_CCY];
	line->destination_country = v[F_DEST];
	line->consignee = v[F_CONSIGNEE];
	line->end_user = v[F_END_USER];
	line->payer_country = v[F_PAYER];
	line->end_use = v[F_END_USE];
	if (parse_amount(v[F_QTY], &line->quantity))
		return bad(r, lineno, "quantity", "'%s' is not a number (digits and a decimal point)", v[F_QTY]);
	if (parse_amount(v[F_VALUE], &line->unit_value))
		return bad(r, lineno, "unit_value", "'%s' is not a number (digits and a decimal point)", v[F_VALUE]);
	int rc = split_route(r, v[F_ROUTE], line);
	if (rc == EM_ENOMEM)
		return rc;
	if (rc)
		return bad(r, lineno, "intermediate_countries", "more than 16 countries");
	return 0;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

/* After a record that would not parse: start again on the line after the one it began on. */
static void csv_restart(em_goods_reader *r, size_t start, size_t start_line)
{
	size_t p = start;
	while (p < r->len && (r->data[p] == '\n' || r->data[p] == '\r')) {
		if (r->data[p] == '\n')
			start_line++;
		p++;
	}
	while (p < r->len && r->data[p] != '\n')
		p++;
	if (p < r->len)
		p++;
	em_csv_free(&r->csv);
	em_csv_init(&r->csv, r->name, r->data + p, r->len - p, r->delim);
	r->csv.pos = 0; /* no byte order mark in the middle of a file */
	r->csv.next_line = start_line + 1;
	r->base = p;
}

static int csv_next(em_goods_reader *r, em_goods_line *line, size_t *lineno, const char **line_id)
{
	size_t start = r->base + r->csv.pos, start_line = r->csv.next_line;
	int rc = em_csv_next(&r->csv);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		if (rc == EM_ENOMEM)
			return rc;
		*lineno = r->csv.line ? r->csv.line : start_line;
		char msg[512];
		snprintf(msg, sizeof msg, "%s", em_error_last()->message);
		csv_restart(r, start, start_line);
		return em_fail(EM_EPARSE, "%s", msg);
	}
	*lineno = r->csv.line;
	size_t n = em_csv_count(&r->csv);
	const char *v[F_COUNT];
	for (int f = 0; f < F_COUNT; f++)
		v[f] = r->col[f] >= 0 && (size_t)r->col[f] < n ? clean(r, em_csv_field(&r->csv, (size_t)r->col[f])) : NULL;
	if (v[F_LINE_ID] && em_utf8_valid(v[F_LINE_ID], strlen(v[F_LINE_ID])))
		*line_id = v[F_LINE_ID];
	if (n != r->ncols) {
		char what[64];
		snprintf(what, sizeof what, "%zu", n);
		return em_fail(EM_EPARSE, "%s:%zu: expected %zu fields as in the header, found %s", r->name, r->csv.line,
			       r->ncols, what);
	}
	return fill(r, r->csv.line, v, line) ? EM_EPARSE : 1;
}

/* ---- JSON lines --------------------------------------------------------------------------- */

static int json_next(em_goods_reader *r, em_goods_line *line, size_t *lineno, const char **line_id)
{
	char num[64];
	for (;;) {
		if (r->pos >= r->len)
			return 0;
		const char *s = r->data + r->pos;
		const char *nl = memchr(s, '\n', r->len - r->pos);
		size_t n = nl ? (size_t)(nl - s) : r->len - r->pos;
		r->pos += n + (nl ? 1 : 0);
		r->line++;
		size_t k = 0;
		while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
			k++;
		if (k == n)
			continue; /* a blank line is no order line */
		*lineno = r->line;
		if (r->line == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
			s += 3, n -= 3;
		if (n > MAX_JSON_LINE)
			return bad(r, r->line, NULL, "longer than 1 MiB");
		json_error_t err;
		json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &err);
		if (!j) {
			char what[256];
			snprintf(what, sizeof what, "not JSON (column %d: %s)", err.column, err.text);
			return bad(r, r->line, NULL, "%s", what);
		}
		r->json = j;
		if (!json_is_object(j))
			return bad(r, r->line, NULL, "expected a JSON object");
		const char *v[F_COUNT] = {0};
		json_t *route = NULL;
		int route_from = -1;
		const char *key;
		json_t *val;
		json_t *lid = NULL;
		json_object_foreach(j, key, val)
		{
			int f = field_of(key);
			if (f == F_LINE_ID)
				lid = val;
		}
		if (lid && json_is_string(lid))
			*line_id = json_string_value(lid);
		json_object_foreach(j, key, val)
		{
			int f = field_of(key);
			if (f < 0 || json_is_null(val))
				continue;
			if (v[f] || (f == F_ROUTE && route_from >= 0))
				return bad(r, r->line, field_names[f], "given twice (as '%s' and another name)", key);
			if (json_is_string(val)) {
				v[f] = json_string_value(val);
			} else if (json_is_integer(val) && (f == F_LINE_ID || f == F_HS || f == F_QTY || f == F_VALUE)) {
				snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(val));
				v[f] = em_arena_strdup(&r->arena, num);
			} else if (json_is_real(val) && (f == F_QTY || f == F_VALUE)) {
				snprintf(num, sizeof num, "%.17g", json_real_value(val));
				if (json_real_value(val) < 0)
					return bad(r, r->line, field_names[f], "'%s' is negative", num);
				v[f] = em_arena_strdup(&r->arena, num);
			} else if (json_is_array(val) && f == F_ROUTE) {
				route = val;
				route_from = 1;
			} else {
				return bad(r, r->line, field_names[f], "expected %s",
					   f == F_ROUTE		     ? "a list of countries or a string"
					   : f == F_QTY || f == F_VALUE ? "a number"
									: "a string");
			}
		}
		if (v[F_LINE_ID])
			*line_id = v[F_LINE_ID];
		const char *cv[F_COUNT];
		for (int f = 0; f < F_COUNT; f++)
			cv[f] = clean(r, v[f]);
		/* a number written as a string is read as one; a JSON number as such */
		int rc = fill(r, r->line, cv, line);
		if (rc)
			return rc == EM_ENOMEM ? rc : EM_EPARSE;
		if (route) {
			line->n_intermediate = 0;
			size_t i;
			json_t *c;
			json_array_foreach(route, i, c)
			{
				if (!json_is_string(c))
					return bad(r, r->line, "intermediate_countries", "item %zu is not a string", i + 1);
				const char *cc = clean(r, json_string_value(c));
				if (!cc)
					continue;
				if (line->n_intermediate == MAX_ROUTE)
					return bad(r, r->line, "intermediate_countries", "more than 16 countries");
				r->route[line->n_intermediate++] = cc;
			}
		}
		return 1;
	}
}

int em_goods_reader_next(em_goods_reader *r, em_goods_line *line, size_t *lineno, const char **line_id)
{
	em_arena_free(&r->arena);
	em_arena_init(&r->arena);
	json_decref(r->json);
	r->json = NULL;
	*line_id = NULL;
	*lineno = 0;
	memset(line, 0, sizeof *line);
	line->quantity = line->unit_value = -1;
	return r->jsonl ? json_next(r, line, lineno, line_id) : csv_next(r, line, lineno, line_id);
}
