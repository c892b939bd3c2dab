/*
 * knowledge.c: loads data/legal_forms.tsv, data/name_variants.tsv and data/name_stopwords.tsv
 * (embedded as strings by cmake/embed.cmake) into hash maps, and applies them to token lists.
 * Legal-form phrases are matched greedily, longest first, over token sequences.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "util/util.h"

extern const char em_data_legal_forms[];
extern const char em_data_name_variants[];
extern const char em_data_name_stopwords[];

#define MAX_PHRASE 6

static struct {
	em_arena arena;
	em_strmap variants;   /* variant -> index into canon[] */
	em_strmap legal;      /* phrase ("co ltd") -> index into canon[] */
	em_strmap stop;       /* word -> index into stop_factor[] */
	const char **canon;   /* canonical strings */
	size_t n_canon, cap_canon;
	float *stop_factor;
	size_t n_stop, cap_stop;
	int rc;
} K;

static pthread_once_t k_once = PTHREAD_ONCE_INIT;

static size_t add_canon(const char *s)
{
	if (K.n_canon == K.cap_canon) {
		K.cap_canon = K.cap_canon ? K.cap_canon * 2 : 256;
		const char **p = realloc(K.canon, K.cap_canon * sizeof *p);
		if (!p)
			abort(); /* start-up tables of a few kilobytes: nothing sensible to do without memory */
		K.canon = p;
	}
	K.canon[K.n_canon] = s;
	return K.n_canon++;
}

/* Splits a table into lines, and lines into tab-separated fields; '#' lines are comments. */
static void load_table(const char *text, void (*row)(char **fields, size_t n))
{
	char *copy = em_arena_strdup(&K.arena, text);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *fields[4];
		size_t n = 0;
		char *fs = NULL;
		for (char *f = strtok_r(line, "\t", &fs); f && n < 4; f = strtok_r(NULL, "\t", &fs))
			fields[n++] = f;
		row(fields, n);
	}
}

static void variant_row(char **f, size_t n)
{
	if (n < 2)
		return;
	size_t c = add_canon(f[0]);
	char *save = NULL;
	for (char *v = strtok_r(f[1], "|", &save); v; v = strtok_r(NULL, "|", &save))
		em_strmap_put(&K.variants, v, c);
	em_strmap_put(&K.variants, f[0], c);
}

static void legal_row(char **f, size_t n)
{
	if (n < 2)
		return;
	size_t c = add_canon(f[0]);
	char *save = NULL;
	for (char *v = strtok_r(f[1], "|", &save); v; v = strtok_r(NULL, "|", &save))
		em_strmap_put(&K.legal, v, c);
	em_strmap_put(&K.legal, f[0], c);
}

static void stop_row(char **f, size_t n)
{
	if (n < 3)
		return;
	if (K.n_stop == K.cap_stop) {
		K.cap_stop = K.cap_stop ? K.cap_stop * 2 : 128;
		float *p = realloc(K.stop_factor, K.cap_stop * sizeof *p);
		if (!p)
			abort();
		K.stop_factor = p;
	}
	K.stop_factor[K.n_stop] = strtof(f[2], NULL);
	em_strmap_put(&K.stop, f[0], K.n_stop++);
}

static void load(void)
{
	em_arena_init(&K.arena);
	load_table(em_data_name_variants, variant_row);
	load_table(em_data_legal_forms, legal_row);
	load_table(em_data_name_stopwords, stop_row);
	K.rc = 0;
}

int em_knowledge_init(void)
{
	pthread_once(&k_once, load);
	return K.rc;
}

static void set_term(em_term *t, const char *s, size_t n, em_term_class cls, float factor)
{
	if (n >= EM_TEXT_MAX_TOKEN)
		n = EM_TEXT_MAX_TOKEN - 1;
	memcpy(t->text, s, n);
	t->text[n] = '\0';
	t->len = (unsigned char)n;
	t->cls = (unsigned char)cls;
	t->factor = factor;
	t->family = 0;
	t->joined = 0;
}

void em_terms_from_name(const char *name, const char *family, em_terms *out)
{
	em_knowledge_init();
	em_tokens tk;
	em_text_tokenize(name, &tk);
	out->n = 0;
	out->script = tk.script;
	/* Family-name tokens: from the list's own field, else the part before the comma. */
	em_tokens fam;
	fam.n = 0;
	if (family)
		em_text_tokenize(family, &fam);
	for (size_t i = 0; i < tk.n && out->n < EM_TEXT_MAX_TOKENS;) {
		/* Longest legal-form phrase starting here. */
		size_t best = 0, canon = 0;
		char phrase[EM_TEXT_MAX_TOKEN * MAX_PHRASE];
		for (size_t len = 1; len <= MAX_PHRASE && i + len <= tk.n; len++) {
			size_t pl = 0;
			for (size_t k = i; k < i + len; k++) {
				if (k > i)
					phrase[pl++] = ' ';
				memcpy(phrase + pl, tk.tok[k].text, tk.tok[k].len);
				pl += tk.tok[k].len;
			}
			phrase[pl] = '\0';
			size_t c;
			if (em_strmap_get(&K.legal, phrase, &c)) {
				best = len;
				canon = c;
			}
		}
		em_term *t = &out->t[out->n];
		bool in_family;
		if (family)
			in_family = false;
		else
			in_family = tk.comma_at > 0 && (int)i < tk.comma_at;
		if (family) {
			for (size_t k = 0; k < fam.n; k++)
				if (strcmp(fam.tok[k].text, tk.tok[i].text) == 0)
					in_family = true;
		}
		if (best) {
			set_term(t, K.canon[canon], strlen(K.canon[canon]), EM_TERM_LEGAL, 0.12f);
			i += best;
		} else {
			const em_token *k = &tk.tok[i];
			size_t c, si;
			const char *s = k->text;
			if (em_strmap_get(&K.variants, s, &c))
				s = K.canon[c];
			if (em_strmap_get(&K.stop, s, &si))
				set_term(t, s, strlen(s), EM_TERM_STOP, K.stop_factor[si]);
			else
				set_term(t, s, strlen(s), EM_TERM_NAME, 1.0f);
			i++;
		}
		t->family = in_family;
		out->n++;
	}
}
