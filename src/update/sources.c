/*
 * sources.c: the download sources configuration (data/sources.conf). The format is a small
 * INI dialect, described in docs/lists-update.md:
 *
 *     # comment
 *     [ofac-sdn]
 *     format = ofac-csv
 *     file = sdn.csv https://.../SDN.CSV
 *     file = alt.csv https://.../ALT.CSV
 *
 * Parsing is strict: an unknown key, a repeated section or file name, a file name that could
 * leave the download folder, or an address that is not http(s) is an error naming the file,
 * line and key, because a silently ignored typo here means a list that quietly never updates.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_update.h"
#include "util/util.h"

#ifndef EM_SOURCES_DEFAULT
#define EM_SOURCES_DEFAULT "data/sources.conf"
#endif

#define NAME_MAX_LEN 64
#define FILE_NAME_MAX_LEN 128
#define URL_MAX_LEN 2048

struct em_sources {
	em_arena arena;          /* every string */
	em_source *items;
	size_t n, cap;
	em_source_file **files;  /* files[i]: the malloc'd file array of items[i] */
	size_t *files_cap;
	int rescreen;            /* rescreen_after_update: -1 not given, 0 no, 1 yes */
};

void em_sources_free(em_sources *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->files[i]);
	free(s->files);
	free(s->files_cap);
	free(s->items);
	em_arena_free(&s->arena);
	free(s);
}

const char *em_sources_default_path(void)
{
	const char *env = getenv("EMBARGO_SOURCES");
	return env && *env ? env : EM_SOURCES_DEFAULT;
}

size_t em_sources_count(const em_sources *s)
{
	return s ? s->n : 0;
}

const em_source *em_sources_get(const em_sources *s, size_t i)
{
	return s && i < s->n ? &s->items[i] : NULL;
}

int em_sources_rescreen_after_update(const em_sources *s)
{
	return s ? s->rescreen : -1;
}

const em_source *em_sources_find(const em_sources *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->n; i++)
		if (strcmp(s->items[i].name, name) == 0)
			return &s->items[i];
	return NULL;
}

/* A parse position: the text, where we are, and what to say in messages. */
typedef struct parser {
	const char *name;
	size_t line;
	em_sources *out;
	em_source *cur;          /* the section being filled, or NULL before the first */
	size_t cur_line;         /* line of its [header] */
	unsigned seen;           /* keys already given in the current section (bit per key) */
} parser;

enum { SEEN_FORMAT = 1, SEEN_DESCRIPTION = 2, SEEN_ENABLED = 4 };

static bool is_source_name(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_LEN || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* A plain file name: no folder parts, no leading dot, so it cannot leave the download folder. */
static bool is_file_name(const char *s, size_t n)
{
	if (n == 0 || n > FILE_NAME_MAX_LEN || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Case-insensitive prefix test on n bytes that need not be NUL-terminated. */
static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (tolower((unsigned char)s[i]) != prefix[i])
			return false;
	return true;
}

static bool is_url(const char *s, size_t n)
{
	size_t scheme;
	if (has_prefix_ci(s, n, "https://"))
		scheme = 8;
	else if (has_prefix_ci(s, n, "http://"))
		scheme = 7;
	else
		return false;
	if (n <= scheme || n > URL_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

static int grow_items(em_sources *s)
{
	if (s->n < s->cap)
		return 0;
	size_t cap = s->cap ? s->cap * 2 : 8;
	em_source *items = realloc(s->items, cap * sizeof *items);
	if (!items)
		return em_fail(EM_ENOMEM, "out of memory reading sources");
	s->items = items;
	em_source_file **files = realloc(s->files, cap * sizeof *files);
	if (!files)
		return em_fail(EM_ENOMEM, "out of memory reading sources");
	s->files = files;
	size_t *fcap = realloc(s->files_cap, cap * sizeof *fcap);
	if (!fcap)
		return em_fail(EM_ENOMEM, "out of memory reading sources");
	s->files_cap = fcap;
	s->cap = cap;
	return 0;
}

/* Every section needs at least one file; checked when the next section starts and at the end. */
static int close_section(parser *p)
{
	if (p->cur && p->cur->n_files == 0)
		return em_fail(EM_EPARSE, "%s:%zu: section [%s]: no 'file' line", p->name, p->cur_line,
			       p->cur->name);
	return 0;
}

static int start_section(parser *p, const char *s, size_t n)
{
	int rc = close_section(p);
	if (rc)
		return rc;
	if (n < 2 || s[n - 1] != ']')
		return em_fail(EM_EPARSE, "%s:%zu: section header: missing ']'", p->name, p->line);
	s++;
	n -= 2;
	if (!is_source_name(s, n))
		return em_fail(EM_EPARSE, "%s:%zu: section header: '%.*s' is not a source name "
				      "(lower-case letters, digits, '-', '_', '.'; at most %d)",
			       p->name, p->line, (int)(n > 80 ? 80 : n), s, NAME_MAX_LEN);
	em_sources *o = p->out;
	for (size_t i = 0; i < o->n; i++)
		if (strlen(o->items[i].name) == n && memcmp(o->items[i].name, s, n) == 0)
			return em_fail(EM_EPARSE, "%s:%zu: section [%.*s]: repeated", p->name,
				       p->line, (int)n, s);
	if ((rc = grow_items(o)))
		return rc;
	em_source *src = &o->items[o->n];
	memset(src, 0, sizeof *src);
	if (!(src->name = em_arena_strndup(&o->arena, s, n)))
		return em_fail(EM_ENOMEM, "out of memory reading sources");
	src->enabled = 1;
	o->files[o->n] = NULL;
	o->files_cap[o->n] = 0;
	o->n++;
	p->cur = src;
	p->cur_line = p->line;
	p->seen = 0;
	return 0;
}

static int add_file(parser *p, const char *v, size_t n)
{
	size_t name_len = 0;
	while (name_len < n && !isspace((unsigned char)v[name_len]))
		name_len++;
	const char *url = v + name_len;
	size_t url_len = n - name_len;
	while (url_len && isspace((unsigned char)*url)) {
		url++;
		url_len--;
	}
	if (!is_file_name(v, name_len))
		return em_fail(EM_EPARSE, "%s:%zu: key 'file': '%.*s' is not a plain file name "
				      "(letters, digits, '-', '_', '.', not starting with '.')",
			       p->name, p->line, (int)(name_len > 80 ? 80 : name_len), v);
	if (!url_len)
		return em_fail(EM_EPARSE, "%s:%zu: key 'file': expected 'NAME URL', no URL after '%.*s'",
			       p->name, p->line, (int)name_len, v);
	if (!is_url(url, url_len))
		return em_fail(EM_EPARSE, "%s:%zu: key 'file': '%.*s' is not an http:// or https:// "
				      "address (one word, at most %d bytes)",
			       p->name, p->line, (int)(url_len > 80 ? 80 : url_len), url, URL_MAX_LEN);
	em_sources *o = p->out;
	size_t idx = (size_t)(p->cur - o->items);
	for (size_t i = 0; i < p->cur->n_files; i++)
		if (strlen(p->cur->files[i].name) == name_len &&
		    memcmp(p->cur->files[i].name, v, name_len) == 0)
			return em_fail(EM_EPARSE, "%s:%zu: key 'file': '%.*s' repeated in [%s]", p->name,
				       p->line, (int)name_len, v, p->cur->name);
	if (p->cur->n_files == o->files_cap[idx]) {
		size_t cap = o->files_cap[idx] ? o->files_cap[idx] * 2 : 4;
		em_source_file *f = realloc(o->files[idx], cap * sizeof *f);
		if (!f)
			return em_fail(EM_ENOMEM, "out of memory reading sources");
		o->files[idx] = f;
		o->files_cap[idx] = cap;
	}
	em_source_file *f = &o->files[idx][p->cur->n_files];
	f->name = em_arena_strndup(&o->arena, v, name_len);
	f->url = em_arena_strndup(&o->arena, url, url_len);
	if (!f->name || !f->url)
		return em_fail(EM_ENOMEM, "out of memory reading sources");
	p->cur->n_files++;
	p->cur->files = o->files[idx];
	return 0;
}

/* Marks a single-valued key as given; a second one is an error. */
static int once(parser *p, unsigned bit, const char *key)
{
	if (p->seen & bit)
		return em_fail(EM_EPARSE, "%s:%zu: key '%s': given twice in [%s]", p->name, p->line,
			       key, p->cur->name);
	p->seen |= bit;
	return 0;
}

/* yes / no; -1 for anything else. */
static int yes_no(const char *v, size_t vn)
{
	if (vn == 3 && memcmp(v, "yes", 3) == 0)
		return 1;
	if (vn == 2 && memcmp(v, "no", 2) == 0)
		return 0;
	return -1;
}

/* The settings before the first [section], for the whole file. */
static int set_global(parser *p, const char *k, size_t kn, const char *v, size_t vn)
{
	if (kn == 21 && memcmp(k, "rescreen_after_update", 21) == 0) {
		if (p->out->rescreen >= 0)
			return em_fail(EM_EPARSE, "%s:%zu: key 'rescreen_after_update': given twice", p->name,
				       p->line);
		if ((p->out->rescreen = yes_no(v, vn)) < 0)
			return em_fail(EM_EPARSE, "%s:%zu: key 'rescreen_after_update': expected 'yes' or 'no', "
					      "got '%.*s'", p->name, p->line, (int)(vn > 40 ? 40 : vn), v);
		return 0;
	}
	return em_fail(EM_EPARSE, "%s:%zu: key '%.*s': outside any [section] (the only setting "
			      "there is rescreen_after_update)", p->name, p->line, (int)(kn > 40 ? 40 : kn), k);
}

static int set_key(parser *p, const char *k, size_t kn, const char *v, size_t vn)
{
	if (!p->cur)
		return set_global(p, k, kn, v, vn);
	em_arena *a = &p->out->arena;
	int rc;
	if (kn == 4 && memcmp(k, "file", 4) == 0)
		return add_file(p, v, vn);
	if (kn == 6 && memcmp(k, "format", 6) == 0) {
		if ((rc = once(p, SEEN_FORMAT, "format")))
			return rc;
		if (!is_source_name(v, vn))
			return em_fail(EM_EPARSE, "%s:%zu: key 'format': '%.*s' is not a format name",
				       p->name, p->line, (int)(vn > 80 ? 80 : vn), v);
		return (p->cur->format = em_arena_strndup(a, v, vn)) ? 0
			: em_fail(EM_ENOMEM, "out of memory reading sources");
	}
	if (kn == 11 && memcmp(k, "description", 11) == 0) {
		if ((rc = once(p, SEEN_DESCRIPTION, "description")))
			return rc;
		return (p->cur->description = em_arena_strndup(a, v, vn)) ? 0
			: em_fail(EM_ENOMEM, "out of memory reading sources");
	}
	if (kn == 7 && memcmp(k, "enabled", 7) == 0) {
		if ((rc = once(p, SEEN_ENABLED, "enabled")))
			return rc;
		if ((p->cur->enabled = yes_no(v, vn)) < 0)
			return em_fail(EM_EPARSE, "%s:%zu: key 'enabled': expected 'yes' or 'no', got '%.*s'",
				       p->name, p->line, (int)(vn > 40 ? 40 : vn), v);
		return 0;
	}
	return em_fail(EM_EPARSE, "%s:%zu: key '%.*s': unknown (expected file, format, description "
			      "or enabled)", p->name, p->line, (int)(kn > 40 ? 40 : kn), k);
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int parse_line(parser *p, const char *s, size_t n)
{
	trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (memchr(s, '\0', n))
		return em_fail(EM_EPARSE, "%s:%zu: NUL byte in the line", p->name, p->line);
	if (s[0] == '[')
		return start_section(p, s, n);
	const char *eq = memchr(s, '=', n);
	if (!eq)
		return em_fail(EM_EPARSE, "%s:%zu: expected 'key = value' or '[section]'", p->name,
			       p->line);
	const char *k = s, *v = eq + 1;
	size_t kn = (size_t)(eq - s), vn = n - kn - 1;
	trim(&k, &kn);
	trim(&v, &vn);
	if (!kn)
		return em_fail(EM_EPARSE, "%s:%zu: missing key before '='", p->name, p->line);
	return set_key(p, k, kn, v, vn);
}

int em_sources_parse(em_sources **out, const char *name, const char *text, size_t len)
{
	*out = NULL;
	em_sources *s = calloc(1, sizeof *s);
	if (!s)
		return em_fail(EM_ENOMEM, "out of memory reading sources");
	s->rescreen = -1;
	em_arena_init(&s->arena);
	parser p = {name ? name : "<sources>", 0, s, NULL, 0, 0};
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	int rc = 0;
	size_t pos = 0;
	while (!rc && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		p.line++;
		rc = parse_line(&p, text + pos, end - pos);
		pos = end + 1;
	}
	if (!rc)
		rc = close_section(&p);
	if (!rc && s->n == 0)
		rc = em_fail(EM_EPARSE, "%s: no [source] sections", p.name);
	if (rc) {
		em_sources_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int em_sources_load(em_sources **out, const char *path)
{
	*out = NULL;
	char *text;
	size_t len;
	int rc = em_file_read(path, &text, &len);
	if (rc)
		return rc;
	rc = em_sources_parse(out, path, text, len);
	free(text);
	return rc;
}
