/*
 * letters.c: romanizes a Cyrillic or Arabic-script word from the table of ICU's answers (see
 * letters.h). Pure lookups on read-only data, so any thread may call it; no ICU object is
 * involved.
 */
#include <stdbool.h>
#include <string.h>

#include <unicode/utf8.h>

#include "text/letters.h"

/* The reading of letter `cur` after letter `prev` (t->n: at the start of the word). */
static uint16_t reading_after(const em_letter_table *t, em_translit which, size_t cur, size_t prev)
{
	uint16_t d = t->defaults[which][cur];
	if (!(d & EM_LETTERS_HAS_PAIRS))
		return d;
	const uint16_t *prevs = t->pair_prev[which];
	size_t lo = t->pair_first[which][cur], hi = t->pair_first[which][cur + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (prev < prevs[mid])
			hi = mid;
		else if (prev > prevs[mid])
			lo = mid + 1;
		else
			return t->pair_readings[which][mid];
	}
	return (uint16_t)(d & ~EM_LETTERS_HAS_PAIRS);
}

int em_letters_romanize(const em_letter_table *t, em_translit which, const char *w, size_t len, char *out,
			size_t cap)
{
	if (cap == 0 || len > EM_LETTERS_WORD_MAX * 4 || (unsigned)which >= EM_TRANSLIT_COUNT)
		return -1;
	size_t o = 0, prev = t->n, count = 0;
	for (int32_t i = 0; (size_t)i < len;) {
		UChar32 c;
		U8_NEXT(w, i, (int32_t)len, c);
		if (c < 0 || ++count > EM_LETTERS_WORD_MAX)
			return -1;
		size_t cur = (size_t)c < t->n_index ? t->index[c] : t->n;
		if (cur == t->n)
			return -1;
		uint16_t id = reading_after(t, which, cur, prev);
		if (id == EM_LETTERS_LEFT_TO_ICU)
			return -1;
		const char *r = t->pool + t->offsets[id];
		size_t rl = strlen(r);
		if (o + rl >= cap)
			return -1;
		memcpy(out + o, r, rl);
		o += rl;
		prev = cur;
	}
	out[o] = '\0';
	return (int)o;
}
