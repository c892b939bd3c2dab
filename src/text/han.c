/*
 * han.c: romanizes a Chinese word from the table of ICU's answers (see han.h). Pure lookups on
 * read-only data, so any thread may call it; no ICU object is involved.
 */
#include <stdbool.h>
#include <string.h>

#include <unicode/utf8.h>

#include "text/han.h"

/* Longest word the table romanizes; longer ones (never a name) go to ICU. */
#define HAN_WORD_MAX 256

typedef struct han_item {
	uint32_t cp;
	uint16_t id;     /* reading or output, index in the pool */
	uint8_t classes; /* EM_HAN_* */
} han_item;

/* The table entry of a Han code point: 0 when it has none, else its entry + 1. */
static uint32_t han_entry(const em_han_table *t, uint32_t cp)
{
	size_t lo = 0, hi = t->n_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const uint32_t *r = t->ranges[mid];
		if (cp < r[0])
			hi = mid;
		else if (cp - r[0] >= r[1])
			lo = mid + 1;
		else
			return (uint32_t)t->entries[r[2] + (cp - r[0])] + 1;
	}
	return 0;
}

static const em_han_symbol *han_symbol(const em_han_table *t, uint32_t cp)
{
	size_t lo = 0, hi = t->n_symbols;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < t->symbols[mid].cp)
			hi = mid;
		else if (cp > t->symbols[mid].cp)
			lo = mid + 1;
		else
			return &t->symbols[mid];
	}
	return NULL;
}

/* The reading of `first` before `second`, when a context rule gives one; else `plain`. */
static uint16_t han_pair_reading(const em_han_table *t, uint32_t first, uint32_t second, uint16_t plain)
{
	for (size_t k = 0; k < t->n_pairs; k++)
		if (t->pairs[k].first == first && t->pairs[k].second == second)
			return t->pairs[k].reading;
	return plain;
}

/* Han-Spacedhan's two rules: does a space go between a and b? */
static bool han_spaced(uint8_t a, uint8_t b)
{
	return ((a & EM_HAN_BEFORE) && (b & EM_HAN_LETTER)) || ((a & EM_HAN_LETTER) && (b & EM_HAN_AFTER));
}

int em_han_romanize(const em_han_table *t, const char *w, size_t len, char *out, size_t cap,
		    size_t max_units)
{
	han_item item[HAN_WORD_MAX];
	size_t n = 0;
	bool han = false;
	if (cap == 0 || len > INT32_MAX)
		return -1;
	for (int32_t i = 0; (size_t)i < len;) {
		UChar32 c;
		U8_NEXT(w, i, (int32_t)len, c);
		if (c < 0 || n == HAN_WORD_MAX)
			return -1;
		uint32_t e = han_entry(t, (uint32_t)c);
		if (e) {
			e--;
			item[n] = (han_item){(uint32_t)c, (uint16_t)(e & EM_HAN_ID_MASK), (uint8_t)(e >> EM_HAN_ID_BITS)};
			han = true;
		} else {
			const em_han_symbol *s = han_symbol(t, (uint32_t)c);
			if (!s)
				return -1;
			item[n] = (han_item){(uint32_t)c, s->output, s->classes};
		}
		n++;
	}
	/* ICU writes at most units_max units a character and a space after it. */
	if (!han || n * (t->units_max + 1) > max_units)
		return -1;
	size_t o = 0;
	for (size_t k = 0; k < n; k++) {
		uint16_t id = item[k].id;
		if ((item[k].classes & EM_HAN_CONTEXT) && k + 1 < n)
			id = han_pair_reading(t, item[k].cp, item[k + 1].cp, id);
		const char *r = t->pool + t->offsets[id];
		size_t rl = strlen(r);
		bool space = k + 1 < n && han_spaced(item[k].classes, item[k + 1].classes);
		if (o + rl + space >= cap)
			return -1;
		memcpy(out + o, r, rl);
		o += rl;
		if (space)
			out[o++] = ' ';
	}
	out[o] = '\0';
	return (int)o;
}
