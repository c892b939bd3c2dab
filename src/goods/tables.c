/*
 * tables.c: the goods tables (the .tsv files of data/goods) read into memory: HS codes of the
 * CHPL and the Iran UAV advisory, country names and codes, destinations of concern, red-flag
 * words, manufacturer names and part-number stop words. The copies built into the library are
 * used unless a folder is given. Each table is tab-separated with '#' comment lines and a
 * header row; columns are found by name, so a table may gain columns without breaking this
 * reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goods.h"
#include "text/text.h"

extern const char em_goods_data_chpl[];
extern const char em_goods_data_countries[];
extern const char em_goods_data_destinations[];
extern const char em_goods_data_words[];
extern const char em_goods_data_manufacturers[];
extern const char em_goods_data_part_stopwords[];

#define TSV_MAX_COLS 8

/* Called with the row's fields in the order the caller named the columns. */
typedef int (*tsv_row_fn)(void *ctx, char **f, const char *table, size_t line);

/*
 * Walks a table held in `text` (modified in place). `cols` names the columns wanted; a missing
 * column fails at the header, a row without one of them fails at that row.
 */
static int tsv_walk(char *text, const char *table, const char *const *cols, size_t ncols, tsv_row_fn fn,
		    void *ctx)
{
	int idx[TSV_MAX_COLS];
	bool have_header = false;
	size_t line = 0;
	char *p = text;
	while (*p) {
		char *nl = strchr(p, '\n');
		char *next = nl ? nl + 1 : p + strlen(p);
		if (nl)
			*nl = '\0';
		line++;
		size_t len = strlen(p);
		if (len && p[len - 1] == '\r')
			p[--len] = '\0';
		if (len == 0 || p[0] == '#') {
			p = next;
			continue;
		}
		char *fields[32];
		size_t nf = 0;
		for (char *s = p;;) {
			if (nf == 32)
				return em_fail(EM_EPARSE, "%s:%zu: more than 32 fields", table, line);
			fields[nf++] = s;
			char *tab = strchr(s, '\t');
			if (!tab)
				break;
			*tab = '\0';
			s = tab + 1;
		}
		if (!have_header) {
			for (size_t c = 0; c < ncols; c++) {
				idx[c] = -1;
				for (size_t k = 0; k < nf; k++)
					if (!strcmp(fields[k], cols[c]))
						idx[c] = (int)k;
				if (idx[c] < 0)
					return em_fail(EM_EPARSE, "%s:%zu: field '%s': no such column in the header", table,
						       line, cols[c]);
			}
			have_header = true;
		} else {
			char *row[TSV_MAX_COLS];
			for (size_t c = 0; c < ncols; c++) {
				if ((size_t)idx[c] >= nf)
					return em_fail(EM_EPARSE, "%s:%zu: field '%s': missing (the row has %zu fields)",
						       table, line, cols[c], nf);
				row[c] = fields[idx[c]];
			}
			int rc = fn(ctx, row, table, line);
			if (rc)
				return rc;
		}
		p = next;
	}
	if (!have_header)
		return em_fail(EM_EPARSE, "%s: no header row", table);
	return 0;
}

/* The text of table `name`: from dir when given (malloc'd into *owned), else built in. */
static int table_text(const char *dir, const char *name, const char *builtin, char **text, char *label,
		      size_t label_cap)
{
	if (!dir) {
		snprintf(label, label_cap, "%s (built in)", name);
		*text = strdup(builtin);
		return *text ? 0 : em_fail(EM_ENOMEM, "out of memory reading %s", name);
	}
	snprintf(label, label_cap, "%s/%s", dir, name);
	size_t len;
	return em_file_read(label, text, &len);
}

/* Reads and walks one table; `hash` gets the hex SHA-256 of its text. */
static int table_load(const char *dir, const char *name, const char *builtin, const char *const *cols,
		      size_t ncols, tsv_row_fn fn, void *ctx, char hash[65])
{
	char label[1024];
	char *text = NULL;
	int rc = table_text(dir, name, builtin, &text, label, sizeof label);
	if (rc)
		return rc;
	em_sha256_hex(text, strlen(text), hash);
	rc = tsv_walk(text, label, cols, ncols, fn, ctx);
	free(text);
	return rc;
}

/* ---- normalization ------------------------------------------------------------------------- */

int goods_norm(const char *text, char *out, size_t cap)
{
	size_t n = strlen(text);
	if (cap == 0 || !em_utf8_valid(text, n))
		return -1;
	char small[512];
	size_t tcap = n * 4 + 16;
	char *tmp = tcap <= sizeof small ? small : malloc(tcap);
	if (!tmp)
		return -1;
	em_script_class sc;
	int m = em_text_to_ascii(text, n, tmp, tcap, &sc);
	if (m < 0) {
		if (tmp != small)
			free(tmp);
		return -1;
	}
	size_t o = 0;
	bool space = false;
	for (int i = 0; i < m; i++) {
		unsigned char ch = (unsigned char)tmp[i];
		if (ch == '\'' || ch == '.' || ch == '`')
			continue; /* "people's", "U.S.A." */
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (space && o) {
				if (o + 1 >= cap)
					break;
				out[o++] = ' ';
			}
			space = false;
			if (o + 1 >= cap)
				break;
			out[o++] = (char)ch;
		} else if (ch >= 'A' && ch <= 'Z') {
			if (space && o && o + 1 < cap)
				out[o++] = ' ';
			space = false;
			if (o + 1 >= cap)
				break;
			out[o++] = (char)(ch - 'A' + 'a');
		} else {
			space = true;
		}
	}
	out[o] = '\0';
	if (tmp != small)
		free(tmp);
	return (int)o;
}

/* The array `items` (n used, *cap allocated) with room for one more: the same array, a larger
 * one, or NULL when out of memory (the old one is then still valid). */
static void *grow(void *items, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return items;
	size_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(items, c * size);
	if (!p) {
		em_fail(EM_ENOMEM, "out of memory reading the goods tables");
		return NULL;
	}
	*cap = c;
	return p;
}

/* ---- HS codes ------------------------------------------------------------------------------ */

typedef struct load_ctx {
	goods_tables *t;
	em_arena *arena;
	size_t cap;
} load_ctx;

static const char *dup_or_null(em_arena *a, const char *s)
{
	return (s && *s && strcmp(s, "-") != 0) ? em_arena_strdup(a, s) : NULL;
}

static int hs_row(void *vctx, char **f, const char *table, size_t line)
{
	load_ctx *c = vctx;
	goods_tables *t = c->t;
	if (strlen(f[0]) != 6 || strspn(f[0], "0123456789") != 6)
		return em_fail(EM_EPARSE, "%s:%zu: field 'hs6': '%s' is not six digits", table, line, f[0]);
	if (strcmp(f[1], "chpl") != 0 && strcmp(f[1], "iran-uav") != 0)
		return em_fail(EM_EPARSE, "%s:%zu: field 'list': '%s' is neither chpl nor iran-uav", table, line, f[1]);
	if (!strcmp(f[1], "chpl") && f[2][0] != '1' && f[2][0] != '2' && f[2][0] != '3' && f[2][0] != '4')
		return em_fail(EM_EPARSE, "%s:%zu: field 'tier': '%s' is not a CHPL tier (1, 2, 3.A, 3.B, 4.A, 4.B)",
			       table, line, f[2]);
	if (!*f[4])
		return em_fail(EM_EPARSE, "%s:%zu: field 'source': empty", table, line);
	void *grown = grow(t->hs, &c->cap, t->n_hs, sizeof *t->hs);
	if (!grown)
		return EM_ENOMEM;
	t->hs = grown;
	goods_hs_row *r = &t->hs[t->n_hs++];
	memcpy(r->hs6, f[0], 7);
	r->list = em_arena_strdup(c->arena, f[1]);
	r->tier = em_arena_strdup(c->arena, f[2]);
	r->description = em_arena_strdup(c->arena, f[3]);
	r->source.name = em_arena_strdup(c->arena, f[4]);
	r->source.date = dup_or_null(c->arena, f[5]);
	r->source.url = dup_or_null(c->arena, f[6]);
	return 0;
}

int goods_hs_normalize(const char *text, char hs6[7])
{
	size_t digits = 0;
	for (const char *s = text; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (digits < 6)
				hs6[digits] = *s;
			digits++;
		} else if (*s != '.' && *s != ' ') {
			return -1;
		}
	}
	if (digits != 6 && digits != 8 && digits != 10)
		return -1;
	hs6[6] = '\0';
	return 0;
}

size_t goods_hs_find(const goods_tables *t, const char hs6[7], const goods_hs_row **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_hs && n < max; i++)
		if (!memcmp(t->hs[i].hs6, hs6, 6))
			out[n++] = &t->hs[i];
	return n;
}

/* ---- countries ------------------------------------------------------------------------------ */

typedef struct country_ctx {
	goods_tables *t;
	em_arena *arena;
	size_t cap;
	em_strmap by_code;
} country_ctx;

static int country_row(void *vctx, char **f, const char *table, size_t line)
{
	country_ctx *c = vctx;
	goods_tables *t = c->t;
	const char *code = f[0], *name = f[1], *kind = f[2];
	size_t clen = strlen(code);
	bool region = clen == 5 && code[2] == '-';
	if (!((clen == 2 || region) && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z'))
		return em_fail(EM_EPARSE, "%s:%zu: field 'code': '%s' is not an ISO 3166 code", table, line, code);
	if (!*name)
		return em_fail(EM_EPARSE, "%s:%zu: field 'name': empty", table, line);
	size_t ci;
	if (!em_strmap_get(&c->by_code, code, &ci)) {
		void *grown = grow(t->countries, &c->cap, t->n_countries, sizeof *t->countries);
		if (!grown)
			return EM_ENOMEM;
		t->countries = grown;
		ci = t->n_countries++;
		t->countries[ci].code = em_arena_strdup(c->arena, code);
		t->countries[ci].name = NULL;
		if (em_strmap_put(&c->by_code, t->countries[ci].code, ci))
			return em_fail(EM_ENOMEM, "out of memory");
	}
	goods_country *co = &t->countries[ci];
	/* shown as: the common name ("Iran"), else the ISO name, else a region's first name */
	bool shown = !strcmp(kind, "name") || (!strcmp(kind, "region") && strcmp(name, code) != 0);
	if (!strcmp(kind, "common") || (!co->name && shown))
		co->name = em_arena_strdup(c->arena, name);
	char key[256];
	if (goods_norm(name, key, sizeof key) <= 0)
		return em_fail(EM_EPARSE, "%s:%zu: field 'name': '%s' has no letters or digits", table, line, name);
	size_t old;
	if (em_strmap_get(&t->country_keys, key, &old)) {
		if (old != ci && old != SIZE_MAX) {
			em_strmap_put(&t->country_keys, em_arena_strdup(c->arena, key), SIZE_MAX);
			t->country_ambiguous++;
			t->country_names--;
		}
		return 0;
	}
	if (em_strmap_put(&t->country_keys, em_arena_strdup(c->arena, key), ci))
		return em_fail(EM_ENOMEM, "out of memory");
	t->country_names++;
	return 0;
}

const goods_country *goods_country_find(const goods_tables *t, const char *text)
{
	char key[256];
	if (!text || goods_norm(text, key, sizeof key) <= 0)
		return NULL;
	size_t i;
	if (em_strmap_get(&t->country_keys, key, &i) && i != SIZE_MAX)
		return &t->countries[i];
	/* "the Netherlands", "Republic of Korea (the)" */
	const char *k = key;
	if (!strncmp(k, "the ", 4))
		k += 4;
	size_t n = strlen(k);
	char trimmed[256];
	memcpy(trimmed, k, n + 1);
	if (n > 4 && !strcmp(trimmed + n - 4, " the"))
		trimmed[n - 4] = '\0';
	if (strcmp(trimmed, key) != 0 && em_strmap_get(&t->country_keys, trimmed, &i) && i != SIZE_MAX)
		return &t->countries[i];
	return NULL;
}

/* ---- destinations --------------------------------------------------------------------------- */

static int dest_row(void *vctx, char **f, const char *table, size_t line)
{
	load_ctx *c = vctx;
	goods_tables *t = c->t;
	goods_dest_kind kind;
	if (!strcmp(f[1], "embargoed"))
		kind = GOODS_DEST_EMBARGOED;
	else if (!strcmp(f[1], "occupied"))
		kind = GOODS_DEST_OCCUPIED;
	else if (!strcmp(f[1], "transshipment"))
		kind = GOODS_DEST_TRANSSHIPMENT;
	else
		return em_fail(EM_EPARSE, "%s:%zu: field 'kind': '%s' is not embargoed, occupied or transshipment",
			       table, line, f[1]);
	if (!*f[0] || !*f[3] || !*f[4])
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': empty", table, line, !*f[0] ? "code" : !*f[3] ? "alert" : "source");
	void *grown = grow(t->dests, &c->cap, t->n_dests, sizeof *t->dests);
	if (!grown)
		return EM_ENOMEM;
	t->dests = grown;
	goods_dest_row *r = &t->dests[t->n_dests++];
	r->code = em_arena_strdup(c->arena, f[0]);
	r->kind = kind;
	r->name = em_arena_strdup(c->arena, f[2]);
	r->alert = em_arena_strdup(c->arena, f[3]);
	r->source.name = em_arena_strdup(c->arena, f[4]);
	r->source.date = dup_or_null(c->arena, f[5]);
	r->source.url = dup_or_null(c->arena, f[6]);
	return 0;
}

size_t goods_dest_find(const goods_tables *t, const char *code, const goods_dest_row **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_dests && n < max; i++)
		if (!strcmp(t->dests[i].code, code))
			out[n++] = &t->dests[i];
	return n;
}

/* ---- red-flag words ------------------------------------------------------------------------- */

static int word_row(void *vctx, char **f, const char *table, size_t line)
{
	load_ctx *c = vctx;
	goods_tables *t = c->t;
	goods_word w;
	if (!strcmp(f[0], "forwarder"))
		w.kind = GOODS_WORD_FORWARDER;
	else if (!strcmp(f[0], "vague_end_use"))
		w.kind = GOODS_WORD_VAGUE_END_USE;
	else if (!strcmp(f[0], "vague_end_user"))
		w.kind = GOODS_WORD_VAGUE_END_USER;
	else
		return em_fail(EM_EPARSE, "%s:%zu: field 'kind': '%s' is not forwarder, vague_end_use or vague_end_user",
			       table, line, f[0]);
	if (!strcmp(f[1], "word"))
		w.match = GOODS_MATCH_WORD;
	else if (!strcmp(f[1], "prefix"))
		w.match = GOODS_MATCH_PREFIX;
	else if (!strcmp(f[1], "substring"))
		w.match = GOODS_MATCH_SUBSTRING;
	else if (!strcmp(f[1], "whole"))
		w.match = GOODS_MATCH_WHOLE;
	else
		return em_fail(EM_EPARSE, "%s:%zu: field 'match': '%s' is not word, prefix, substring or whole", table,
			       line, f[1]);
	char key[256];
	int n = goods_norm(f[2], key, sizeof key);
	if (n < 0)
		return em_fail(EM_EPARSE, "%s:%zu: field 'phrase': not valid UTF-8", table, line);
	if (n == 0 && w.match != GOODS_MATCH_WHOLE)
		return em_fail(EM_EPARSE, "%s:%zu: field 'phrase': '%s' has no letters or digits", table, line, f[2]);
	if (n == 0)
		return 0; /* "-" or "?" as a whole field: an empty field is caught as missing anyway */
	w.phrase = em_arena_strdup(c->arena, key);
	w.original = em_arena_strdup(c->arena, f[2]);
	w.source.name = em_arena_strdup(c->arena, f[3]);
	w.source.date = dup_or_null(c->arena, f[4]);
	w.source.url = NULL;
	void *grown = grow(t->words, &c->cap, t->n_words, sizeof *t->words);
	if (!grown)
		return EM_ENOMEM;
	t->words = grown;
	t->words[t->n_words++] = w;
	return 0;
}

/* Whether `phrase` occurs in the normalized `text` starting at a word start and, for whole
 * words, ending at a word end. */
static bool find_words(const char *text, const char *phrase, bool whole_end)
{
	size_t pl = strlen(phrase);
	for (const char *s = strstr(text, phrase); s; s = strstr(s + 1, phrase)) {
		if (s != text && s[-1] != ' ')
			continue;
		if (whole_end && s[pl] != '\0' && s[pl] != ' ')
			continue;
		return true;
	}
	return false;
}

const goods_word *goods_words_find(const goods_tables *t, goods_word_kind kind, const char *text)
{
	char norm[1024];
	if (!text || goods_norm(text, norm, sizeof norm) < 0)
		return NULL;
	for (size_t i = 0; i < t->n_words; i++) {
		const goods_word *w = &t->words[i];
		if (w->kind != kind)
			continue;
		bool hit = false;
		switch (w->match) {
		case GOODS_MATCH_WHOLE:
			hit = !strcmp(norm, w->phrase);
			break;
		case GOODS_MATCH_WORD:
			hit = find_words(norm, w->phrase, true);
			break;
		case GOODS_MATCH_PREFIX:
			hit = find_words(norm, w->phrase, false);
			break;
		case GOODS_MATCH_SUBSTRING:
			hit = strstr(norm, w->phrase) != NULL;
			break;
		}
		if (hit)
			return w;
	}
	return NULL;
}

/* ---- manufacturers -------------------------------------------------------------------------- */

static int mfr_row(void *vctx, char **f, const char *table, size_t line)
{
	load_ctx *c = vctx;
	goods_mfr *m = &c->t->mfr;
	char key[256];
	if (goods_norm(f[1], key, sizeof key) <= 0)
		return em_fail(EM_EPARSE, "%s:%zu: field 'name': '%s' has no letters or digits", table, line, f[1]);
	if (!strcmp(f[0], "stopword")) {
		return em_strmap_put(&m->stop, em_arena_strdup(c->arena, key), 1) ? em_fail(EM_ENOMEM, "out of memory")
										 : 0;
	}
	if (strcmp(f[0], "alias") != 0)
		return em_fail(EM_EPARSE, "%s:%zu: field 'kind': '%s' is neither alias nor stopword", table, line, f[0]);
	char canon[256];
	if (goods_norm(f[2], canon, sizeof canon) <= 0)
		return em_fail(EM_EPARSE, "%s:%zu: field 'canonical': empty", table, line);
	void *grown = grow(m->canon, &m->cap_canon, m->n_canon, sizeof *m->canon);
	if (!grown)
		return EM_ENOMEM;
	m->canon = grown;
	m->canon[m->n_canon] = em_arena_strdup(c->arena, canon);
	if (em_strmap_put(&m->alias, em_arena_strdup(c->arena, key), m->n_canon++))
		return em_fail(EM_ENOMEM, "out of memory");
	return 0;
}

/* Appends a word to the space-separated set in out unless it is there already. */
static void words_add(char *out, size_t cap, const char *w, size_t wl)
{
	size_t ol = strlen(out);
	for (const char *s = out; *s;) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l == wl && !memcmp(s, w, wl))
			return;
		s = e ? e + 1 : s + l;
	}
	if (ol + wl + 2 > cap)
		return;
	if (ol)
		out[ol++] = ' ';
	memcpy(out + ol, w, wl);
	out[ol + wl] = '\0';
}

/* Adds the significant words of a normalized name (no alias expansion). */
static void words_add_significant(const goods_mfr *m, char *out, size_t cap, const char *norm)
{
	char w[128];
	for (const char *s = norm; *s;) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l < sizeof w) {
			memcpy(w, s, l);
			w[l] = '\0';
			size_t dummy;
			if (!em_strmap_get(&m->stop, w, &dummy))
				words_add(out, cap, w, l);
		}
		s = e ? e + 1 : s + l;
	}
}

void goods_mfr_words(const goods_mfr *m, const char *name, char *out, size_t cap)
{
	out[0] = '\0';
	char norm[512];
	if (!name || goods_norm(name, norm, sizeof norm) <= 0)
		return;
	const char *words[64];
	size_t lens[64], n = 0;
	for (const char *s = norm; *s && n < 64;) {
		const char *e = strchr(s, ' ');
		words[n] = s;
		lens[n] = e ? (size_t)(e - s) : strlen(s);
		n++;
		s = e ? e + 1 : s + strlen(s);
	}
	for (size_t i = 0; i < n;) {
		size_t used = 0;
		/* The longest alias starting here wins; its words stand for the alias alone, so that
		 * "National Instruments" does not agree with "National Semiconductor". */
		for (size_t k = 3; k >= 1 && !used; k--) {
			if (i + k > n)
				continue;
			size_t len = (size_t)(words[i + k - 1] + lens[i + k - 1] - words[i]);
			char phrase[256];
			if (len >= sizeof phrase)
				continue;
			memcpy(phrase, words[i], len);
			phrase[len] = '\0';
			size_t ci;
			if (em_strmap_get(&m->alias, phrase, &ci)) {
				for (char *p = phrase; *p; p++)
					if (*p == ' ')
						*p = '_';
				words_add(out, cap, phrase, len);
				words_add_significant(m, out, cap, m->canon[ci]);
				used = k;
			}
		}
		if (!used) {
			char w[128];
			if (lens[i] < sizeof w) {
				memcpy(w, words[i], lens[i]);
				w[lens[i]] = '\0';
				words_add_significant(m, out, cap, w);
			}
			used = 1;
		}
		i += used;
	}
}

int goods_mfr_agree(const char *a, const char *b)
{
	if (!a || !b || !*a || !*b)
		return -1;
	for (const char *s = a; *s;) {
		const char *e = strchr(s, ' ');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		for (const char *t = b; *t;) {
			const char *f = strchr(t, ' ');
			size_t m = f ? (size_t)(f - t) : strlen(t);
			if (l == m && !memcmp(s, t, l))
				return 1;
			t = f ? f + 1 : t + m;
		}
		s = e ? e + 1 : s + l;
	}
	return 0;
}

/* ---- part-number stop words ----------------------------------------------------------------- */

static int partstop_row(void *vctx, char **f, const char *table, size_t line)
{
	load_ctx *c = vctx;
	goods_partstop *ps = &c->t->partstop;
	char key[64];
	size_t n = 0;
	for (const char *s = f[1]; *s; s++) {
		char ch = *s;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
			return em_fail(EM_EPARSE, "%s:%zu: field 'token': '%s' must be letters and digits only", table,
				       line, f[1]);
		if (n + 1 >= sizeof key)
			return em_fail(EM_EPARSE, "%s:%zu: field 'token': too long", table, line);
		key[n++] = ch;
	}
	key[n] = '\0';
	if (!n)
		return em_fail(EM_EPARSE, "%s:%zu: field 'token': empty", table, line);
	em_strmap *m;
	if (!strcmp(f[0], "word"))
		m = &ps->words;
	else if (!strcmp(f[0], "prefix_digits"))
		m = &ps->prefix_digits;
	else if (!strcmp(f[0], "digits_unit"))
		m = &ps->digits_unit;
	else
		return em_fail(EM_EPARSE, "%s:%zu: field 'kind': '%s' is not word, prefix_digits or digits_unit", table,
			       line, f[0]);
	return em_strmap_put(m, em_arena_strdup(c->arena, key), 1) ? em_fail(EM_ENOMEM, "out of memory") : 0;
}

/* ---- all of them ---------------------------------------------------------------------------- */

int goods_tables_load(goods_tables *t, const char *dir, em_arena *arena)
{
	memset(t, 0, sizeof *t);
	static const char *const hs_cols[] = {"hs6", "list", "tier", "description", "source", "date", "url"};
	static const char *const country_cols[] = {"code", "name", "kind"};
	static const char *const dest_cols[] = {"code", "kind", "name", "alert", "source", "date", "url"};
	static const char *const word_cols[] = {"kind", "match", "phrase", "source", "date"};
	static const char *const mfr_cols[] = {"kind", "name", "canonical"};
	static const char *const stop_cols[] = {"kind", "token"};
	load_ctx c = {t, arena, 0};
	char hashes[6][65];
	int rc = table_load(dir, "chpl.tsv", em_goods_data_chpl, hs_cols, 7, hs_row, &c, hashes[0]);
	if (!rc) {
		country_ctx cc = {t, arena, 0, {0}};
		rc = table_load(dir, "countries.tsv", em_goods_data_countries, country_cols, 3, country_row, &cc, hashes[1]);
		em_strmap_free(&cc.by_code);
	}
	if (!rc) {
		c.cap = 0;
		rc = table_load(dir, "destinations.tsv", em_goods_data_destinations, dest_cols, 7, dest_row, &c, hashes[2]);
	}
	if (!rc) {
		c.cap = 0;
		rc = table_load(dir, "words.tsv", em_goods_data_words, word_cols, 5, word_row, &c, hashes[3]);
	}
	if (!rc)
		rc = table_load(dir, "manufacturers.tsv", em_goods_data_manufacturers, mfr_cols, 3, mfr_row, &c, hashes[4]);
	if (!rc)
		rc = table_load(dir, "part_stopwords.tsv", em_goods_data_part_stopwords, stop_cols, 2, partstop_row, &c, hashes[5]);
	/* Every destination must name a country the country table knows. */
	for (size_t i = 0; !rc && i < t->n_dests; i++) {
		bool known = false;
		for (size_t k = 0; k < t->n_countries && !known; k++)
			known = !strcmp(t->countries[k].code, t->dests[i].code);
		if (!known)
			rc = em_fail(EM_EPARSE, "destinations.tsv: field 'code': '%s' is not in countries.tsv",
				     t->dests[i].code);
	}
	if (!rc) {
		/* One identity for the six tables: the hash of their hashes, in load order. */
		char all[6 * 64];
		for (size_t i = 0; i < 6; i++)
			memcpy(all + i * 64, hashes[i], 64);
		em_sha256_hex(all, sizeof all, t->sha256);
	}
	if (rc)
		goods_tables_free(t);
	return rc;
}

void goods_tables_free(goods_tables *t)
{
	free(t->hs);
	free(t->countries);
	em_strmap_free(&t->country_keys);
	free(t->dests);
	free(t->words);
	em_strmap_free(&t->mfr.alias);
	free(t->mfr.canon);
	em_strmap_free(&t->mfr.stop);
	em_strmap_free(&t->partstop.words);
	em_strmap_free(&t->partstop.prefix_digits);
	em_strmap_free(&t->partstop.digits_unit);
	memset(t, 0, sizeof *t);
}
