/*
 * tokenize.c: a name (already ASCII, lower case) becomes tokens. Apostrophes join
 * ("Sa'di" -> "sadi", as lists spell it both ways), every other non-alphanumeric separates,
 * runs of single letters join ("J.S.C." -> "jsc", "S. A." -> "sa") so initialisms compare as
 * one word, and in names written in Arabic script the article "al-" written onto the next word
 * is split off as Latin spellings do ("altkryty" -> "al tkryty").
 */
#include <stdbool.h>
#include <string.h>

#include "text.h"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static void push(em_tokens *t, const char *s, size_t n)
{
	if (n == 0 || t->n >= EM_TEXT_MAX_TOKENS)
		return;
	if (n >= EM_TEXT_MAX_TOKEN)
		n = EM_TEXT_MAX_TOKEN - 1;
	memcpy(t->tok[t->n].text, s, n);
	t->tok[t->n].text[n] = '\0';
	t->tok[t->n].len = (unsigned char)n;
	t->n++;
}

/* Joins runs of two or more one-letter tokens into one token, in place. */
static void join_initials(em_tokens *t)
{
	size_t o = 0;
	for (size_t i = 0; i < t->n;) {
		size_t j = i;
		while (j < t->n && t->tok[j].len == 1 && t->tok[j].text[0] >= 'a')
			j++;
		if (j - i >= 2) {
			em_token joined;
			size_t n = 0;
			for (size_t k = i; k < j && n + 1 < EM_TEXT_MAX_TOKEN; k++)
				joined.text[n++] = t->tok[k].text[0];
			joined.text[n] = '\0';
			joined.len = (unsigned char)n;
			if (t->comma_at > (int)i && t->comma_at < (int)j)
				t->comma_at = (int)o + 1;
			else if (t->comma_at >= (int)j)
				t->comma_at -= (int)(j - i - 1);
			t->tok[o++] = joined;
			i = j;
		} else {
			if (o != i)
				t->tok[o] = t->tok[i];
			o++;
			i++;
		}
	}
	t->n = o;
}

/* Arabic script writes the article onto the word: "الرحمن" -> "alrhmn"; Latin writes "al-". */
static void split_articles(em_tokens *t)
{
	em_tokens out = *t;
	out.n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const em_token *k = &t->tok[i];
		if (t->comma_at == (int)i)
			out.comma_at = (int)out.n;
		/* "and the" (وال) and "for the" (لل) are written onto the word too: the article is
		 * kept, the conjunction and the preposition carry nothing ("والشام", "للصرافة"). */
		size_t skip = 0;
		if (k->len >= 6 && strncmp(k->text, "wal", 3) == 0)
			skip = 3;
		else if (k->len >= 5 && k->text[0] == 'l' && k->text[1] == 'l')
			skip = 2; /* li + al, written lam lam */
		/* "allh" is Allah, not an article: it stays whole. */
		if (skip && out.n + 2 <= EM_TEXT_MAX_TOKENS) {
			push(&out, "al", 2);
			push(&out, k->text + skip, k->len - skip);
		} else if (k->len >= 4 && k->text[0] == 'a' && k->text[1] == 'l' && strcmp(k->text, "allh") != 0 &&
			   out.n + 2 <= EM_TEXT_MAX_TOKENS) {
			push(&out, "al", 2);
			push(&out, k->text + 2, k->len - 2u);
		} else {
			push(&out, k->text, k->len);
		}
	}
	*t = out;
}

void em_text_tokenize(const char *utf8, em_tokens *t)
{
	em_text_tokenize_with(utf8, t, EM_TRANSLIT_DEFAULT);
}

void em_text_tokenize_with(const char *utf8, em_tokens *t, em_translit which)
{
	char buf[2048];
	t->n = 0;
	t->comma_at = -1;
	t->script = EM_SCRIPT_LATIN;
	if (!utf8)
		return;
	int n = em_text_to_ascii_with(utf8, strlen(utf8), buf, sizeof buf, &t->script, which);
	if (n <= 0)
		return;
	char cur[EM_TEXT_MAX_TOKEN * 2];
	size_t cl = 0;
	for (int i = 0; i <= n; i++) {
		char c = i < n ? buf[i] : ' ';
		if (is_alnum(c)) {
			/* A change between letters and digits separates ("GANG2" is "GANG 2"). */
			bool digit = c >= '0' && c <= '9', prev = cl && cur[cl - 1] >= '0' && cur[cl - 1] <= '9';
			if (cl && digit != prev) {
				push(t, cur, cl);
				cl = 0;
			}
			if (cl + 1 < sizeof cur)
				cur[cl++] = c;
			continue;
		}
		if (c == '\'' || c == '`')
			continue; /* apostrophes join the parts of a word */
		push(t, cur, cl);
		cl = 0;
		if (c == '&')
			push(t, "and", 3);
		if (c == ',' && t->comma_at < 0 && t->n > 0)
			t->comma_at = (int)t->n;
	}
	join_initials(t);
	if (t->script == EM_SCRIPT_ABJAD)
		split_articles(t);
	if (t->comma_at >= (int)t->n)
		t->comma_at = -1;
}
