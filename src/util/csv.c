/*
 * csv.c: the record reader declared in csv.h. One pass, no backtracking: a field is copied
 * into the record buffer as it is scanned, with doubled quotes undone. Limits on record size
 * and field count keep hostile input from exhausting memory.
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define CSV_MAX_RECORD (16u << 20)
#define CSV_MAX_FIELDS 4096

void em_csv_init(em_csv *c, const char *name, const char *data, size_t len, char delim)
{
	memset(c, 0, sizeof *c);
	c->name = name;
	c->data = data;
	c->len = len;
	c->delim = delim;
	c->next_line = 1;
	c->text.limit = CSV_MAX_RECORD;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
}

static int csv_start_field(em_csv *c)
{
	if (c->nfields == c->cap_fields) {
		if (c->nfields >= CSV_MAX_FIELDS)
			return em_fail(EM_ELIMIT, "%s:%zu: more than %d fields in one record", c->name,
				       c->line, CSV_MAX_FIELDS);
		size_t cap = c->cap_fields ? c->cap_fields * 2 : 32;
		size_t *p = realloc(c->offsets, cap * sizeof *p);
		if (!p)
			return em_fail(EM_ENOMEM, "out of memory reading %s", c->name);
		c->offsets = p;
		c->cap_fields = cap;
	}
	c->offsets[c->nfields++] = c->text.len;
	return 0;
}

static int csv_end_field(em_csv *c)
{
	int rc = em_buf_putc(&c->text, '\0');
	if (rc)
		em_error_prefix("%s:%zu", c->name, c->line);
	return rc;
}

int em_csv_next(em_csv *c)
{
	em_buf_clear(&c->text);
	c->nfields = 0;
	/* Blank lines between records carry nothing. */
	while (c->pos < c->len && (c->data[c->pos] == '\n' || c->data[c->pos] == '\r')) {
		if (c->data[c->pos] == '\n')
			c->next_line++;
		c->pos++;
	}
	if (c->pos >= c->len)
		return 0;
	c->line = c->next_line;
	int rc = csv_start_field(c);
	if (rc)
		return rc;
	while (c->pos < c->len) {
		char ch = c->data[c->pos];
		if (ch == '"' && (c->text.len == c->offsets[c->nfields - 1])) {
			/* A quoted field: runs to the matching quote, across lines. */
			size_t start_line = c->next_line;
			c->pos++;
			for (;;) {
				if (c->pos >= c->len)
					return em_fail(EM_ETRUNCATED,
						       "%s:%zu: field %zu: quoted field never closed (file cut short?)",
						       c->name, start_line, c->nfields);
				/* Copy the run up to the next quote in one go, counting lines. */
				const char *run = c->data + c->pos;
				const char *q = memchr(run, '"', c->len - c->pos);
				size_t n = q ? (size_t)(q - run) : c->len - c->pos;
				for (size_t k = 0; k < n; k++)
					c->next_line += run[k] == '\n';
				if (n && (rc = em_buf_append(&c->text, run, n)) != 0) {
					em_error_prefix("%s:%zu", c->name, c->line);
					return rc;
				}
				c->pos += n;
				if (c->pos >= c->len)
					continue; /* reports the unterminated quote above */
				c->pos++; /* the quote */
				if (c->pos < c->len && c->data[c->pos] == '"') {
					c->pos++;
					if ((rc = em_buf_putc(&c->text, '"')) != 0) {
						em_error_prefix("%s:%zu", c->name, c->line);
						return rc;
					}
					continue;
				}
				break;
			}
			/* Only spaces may follow the closing quote before the delimiter. */
			while (c->pos < c->len && c->data[c->pos] == ' ' && c->delim != ' ')
				c->pos++;
			if (c->pos < c->len && c->data[c->pos] != c->delim && c->data[c->pos] != '\n' &&
			    c->data[c->pos] != '\r')
				return em_fail(EM_EPARSE, "%s:%zu: field %zu: unexpected '%c' after closing quote",
					       c->name, c->next_line, c->nfields, c->data[c->pos]);
			continue;
		}
		c->pos++;
		if (ch == c->delim) {
			if ((rc = csv_end_field(c)) != 0 || (rc = csv_start_field(c)) != 0)
				return rc;
			continue;
		}
		if (ch == '\r' && c->pos < c->len && c->data[c->pos] == '\n')
			continue;
		if (ch == '\n' || ch == '\r') {
			c->next_line += ch == '\n';
			break;
		}
		/* An unquoted run: copy up to the next delimiter or line end at once. */
		size_t end = c->pos;
		while (end < c->len && c->data[end] != c->delim && c->data[end] != '\n' && c->data[end] != '\r')
			end++;
		if ((rc = em_buf_putc(&c->text, ch)) != 0 ||
		    (end > c->pos && (rc = em_buf_append(&c->text, c->data + c->pos, end - c->pos)) != 0)) {
			em_error_prefix("%s:%zu", c->name, c->line);
			return rc;
		}
		c->pos = end;
	}
	rc = csv_end_field(c);
	return rc ? rc : 1;
}

const char *em_csv_field(const em_csv *c, size_t i)
{
	return i < c->nfields ? c->text.data + c->offsets[i] : "";
}

void em_csv_free(em_csv *c)
{
	em_buf_free(&c->text);
	free(c->offsets);
	c->offsets = NULL;
	c->nfields = c->cap_fields = 0;
}
