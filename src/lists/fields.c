/*
 * fields.c: the helpers declared in fields.h. The table checks every record as it is read,
 * so a reader only ever sees records of the header's width holding UTF-8 text.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

void em_table_init(em_table *t, const char *name, const char *data, size_t len, char delim)
{
	memset(t, 0, sizeof *t);
	em_csv_init(&t->csv, name, data, len, delim);
}

static char *trim_dup(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Every field valid UTF-8; `names` names the fields in the message when given. */
static int check_utf8(const em_table *t, bool names)
{
	for (size_t i = 0; i < em_csv_count(&t->csv); i++) {
		const char *f = em_csv_field(&t->csv, i);
		if (em_utf8_valid(f, strlen(f)))
			continue;
		if (names)
			return em_fail(EM_EPARSE, "%s:%zu: field '%s': not valid UTF-8", t->csv.name,
				       t->csv.line, t->header[i]);
		return em_fail(EM_EPARSE, "%s:%zu: field %zu of the header: not valid UTF-8",
			       t->csv.name, t->csv.line, i + 1);
	}
	return 0;
}

int em_table_read_header(em_table *t)
{
	int rc = em_csv_next(&t->csv);
	if (rc <= 0)
		return rc;
	if ((rc = check_utf8(t, false)))
		return rc;
	size_t n = em_csv_count(&t->csv);
	t->header = calloc(n, sizeof *t->header);
	if (!t->header)
		return em_fail(EM_ENOMEM, "out of memory reading %s", t->csv.name);
	for (size_t i = 0; i < n; i++) {
		if (!(t->header[i] = trim_dup(em_csv_field(&t->csv, i)))) {
			t->ncols = i;
			return em_fail(EM_ENOMEM, "out of memory reading %s", t->csv.name);
		}
	}
	t->ncols = n;
	return 1;
}

int em_table_next(em_table *t)
{
	int rc = em_csv_next(&t->csv);
	if (rc <= 0)
		return rc;
	size_t n = em_csv_count(&t->csv);
	if (n < t->ncols)
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': missing (the record has %zu fields, "
				      "the header %zu)", t->csv.name, t->csv.line, t->header[n], n,
			       t->ncols);
	if (n > t->ncols)
		return em_fail(EM_EPARSE, "%s:%zu: field %zu: beyond the last column '%s' (the record "
				      "has %zu fields, the header %zu)", t->csv.name, t->csv.line,
			       t->ncols + 1, t->ncols ? t->header[t->ncols - 1] : "", n, t->ncols);
	return check_utf8(t, true) ? EM_EPARSE : 1;
}

int em_table_col(const em_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strlen(t->header[i]) == strlen(name) && em_starts_with_ci(t->header[i], name))
			return (int)i;
	return -1;
}

const char *em_table_get(const em_table *t, int col)
{
	return col < 0 ? "" : em_csv_field(&t->csv, (size_t)col);
}

void em_table_free(em_table *t)
{
	for (size_t i = 0; i < t->ncols; i++)
		free(t->header[i]);
	free(t->header);
	t->header = NULL;
	t->ncols = 0;
	em_csv_free(&t->csv);
}

void em_hash_fields(const char *const *parts, size_t n, char out[17])
{
	em_buf b = EM_BUF_INIT;
	char hex[65];
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = em_buf_putc(&b, '|');
		if (!rc && parts[i])
			rc = em_buf_puts(&b, parts[i]);
	}
	/* Out of memory hashes what was joined so far: still deterministic for the input. */
	em_sha256_hex(b.data ? b.data : "", b.len, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
	em_buf_free(&b);
}

int em_idgen_make(em_idgen *g, em_list *l, const char *base, const char **out)
{
	*out = NULL;
	size_t count = 0;
	char *key;
	if (!em_strmap_get(&g->seen, base, &count)) {
		if (!(key = em_arena_strdup(&l->arena, base)))
			return em_fail(EM_ENOMEM, "out of memory");
		*out = key;
		return em_strmap_put(&g->seen, key, 1);
	}
	/* A repeat: the next free occurrence number (base-2 may itself be a listed id). */
	em_buf b = EM_BUF_INIT;
	int rc;
	do {
		count++;
		em_buf_clear(&b);
		if ((rc = em_buf_printf(&b, "%s-%zu", base, count))) {
			em_buf_free(&b);
			return rc;
		}
	} while (em_strmap_get(&g->seen, b.data, NULL));
	key = em_arena_strdup(&l->arena, b.data);
	em_buf_free(&b);
	if (!key)
		return em_fail(EM_ENOMEM, "out of memory");
	if ((rc = em_strmap_put(&g->seen, base, count))) /* an existing key keeps its storage */
		return rc;
	*out = key;
	return em_strmap_put(&g->seen, key, 1);
}

void em_idgen_free(em_idgen *g)
{
	em_strmap_free(&g->seen);
}

const char *em_skip_bom(const char *s)
{
	return (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF
		       ? s + 3
		       : s;
}

bool em_split_next(const char **cur, const char *sep, em_buf *piece)
{
	size_t seplen = strlen(sep);
	while (**cur) {
		const char *s = *cur;
		const char *e = strstr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		*cur = e ? e + seplen : s + n;
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
		if (!n)
			continue;
		em_buf_clear(piece);
		if (em_buf_append(piece, s, n))
			return false;
		return true;
	}
	return false;
}

/* Reads a run of min..max digits. */
static bool read_digits(const char **p, size_t min, size_t max, int *out)
{
	int v = 0;
	size_t n = 0;
	while (n < max && isdigit((unsigned char)(*p)[n])) {
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n < min || isdigit((unsigned char)(*p)[n]))
		return false;
	*p += n;
	*out = v;
	return true;
}

bool em_date_slashed(const char *s, bool month_first, int *y, int *m, int *d)
{
	int a, b;
	while (*s == ' ')
		s++;
	if (!read_digits(&s, 1, 2, &a) || *s++ != '/' || !read_digits(&s, 1, 2, &b) ||
	    *s++ != '/' || !read_digits(&s, 4, 4, y))
		return false;
	while (*s == ' ')
		s++;
	if (*s)
		return false;
	*m = month_first ? a : b;
	*d = month_first ? b : a;
	return *y >= 1000 && *y <= 2999 && *m >= 0 && *m <= 12 && *d >= 0 && *d <= 31 &&
	       !(*d && !*m);
}

void em_date_from_ymd(em_date *out, int y, int m, int d, const char *text)
{
	memset(out, 0, sizeof *out);
	out->year = y;
	out->month = m;
	out->day = m ? d : 0;
	out->kind = out->day ? EM_DATE_EXACT : m ? EM_DATE_YEAR_MONTH : EM_DATE_YEAR;
	out->text = text;
}

bool em_date_iso(char out[11], int y, int m, int d)
{
	if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* Unicode blocks of the scripts names are listed in besides Latin. */
static const struct {
	uint32_t lo, hi;
	const char *script;
} scripts[] = {
	{0x0370, 0x03FF, "greek"},     {0x0400, 0x052F, "cyrillic"}, {0x0530, 0x058F, "armenian"},
	{0x0590, 0x05FF, "hebrew"},    {0x0600, 0x06FF, "arabic"},   {0x0750, 0x077F, "arabic"},
	{0x0900, 0x097F, "devanagari"}, {0x0E00, 0x0E7F, "thai"},    {0x10A0, 0x10FF, "georgian"},
	{0x1100, 0x11FF, "hangul"},    {0x3040, 0x30FF, "kana"},     {0x3400, 0x4DBF, "han"},
	{0x4E00, 0x9FFF, "han"},       {0xAC00, 0xD7AF, "hangul"},   {0xFB50, 0xFDFF, "arabic"},
	{0xFE70, 0xFEFF, "arabic"},
};

const char *em_text_script(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		uint32_t cp;
		size_t len;
		if (*s < 0x80) {
			s++;
			continue;
		} else if ((*s & 0xE0) == 0xC0) {
			cp = *s & 0x1F, len = 2;
		} else if ((*s & 0xF0) == 0xE0) {
			cp = *s & 0x0F, len = 3;
		} else if ((*s & 0xF8) == 0xF0) {
			cp = *s & 0x07, len = 4;
		} else {
			return NULL;
		}
		for (size_t k = 1; k < len; k++) {
			if ((s[k] & 0xC0) != 0x80)
				return NULL;
			cp = (cp << 6) | (s[k] & 0x3F);
		}
		s += len;
		for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
			if (cp >= scripts[i].lo && cp <= scripts[i].hi)
				return scripts[i].script;
	}
	return NULL;
}
