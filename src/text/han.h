/*
 * han.h: Chinese (Han) words romanized from a table instead of ICU's Han-Latin transliterator.
 *
 * ICU stays the source of truth: the table (generated/han_table.c, made at build time by
 * tools/gen_han_table.c) is ICU's own answers, asked once per Han code point through the very
 * chain the library runs (chain.h). It exists because ICU compiles its Han-Latin rules the first
 * time a process meets a Han character, about 110 ms, and then spends tens of microseconds per
 * name; the table answers in well under a microsecond and needs no set-up.
 *
 * What ICU does to a Chinese word, and the table reproduces: Han-Spacedhan puts a space between
 * two characters when the first may precede a letter (an ideograph, or . , : ; ? ! and closing
 * punctuation) and the second is a letter, or when the first is a letter and the second an
 * ideograph or opening punctuation; Han-Latin then reads each character alone, except four
 * characters whose reading depends on the next one (重庆 is chong qing, 重 alone zhong); then
 * Latin-ASCII and keep_ascii. A word that holds anything else (Latin letters, kana, a symbol the
 * generator did not vouch for) is left to ICU.
 */
#ifndef EMBARGO_TEXT_HAN_H
#define EMBARGO_TEXT_HAN_H

#include <stddef.h>
#include <stdint.h>

/* Spacing classes of a character, as Han-Spacedhan's two rules test them (see above). */
#define EM_HAN_BEFORE 1u  /* may precede the space before a letter: ideograph, . , : ; ? ! ) */
#define EM_HAN_LETTER 2u  /* a letter */
#define EM_HAN_AFTER 4u   /* may follow the space after a letter: ideograph, opening punctuation */
#define EM_HAN_CONTEXT 8u /* its reading may depend on the next character (em_han_pair) */

/* A table entry: the reading's index in the pool, and the classes above shifted by this. */
#define EM_HAN_ID_BITS 12
#define EM_HAN_ID_MASK ((1u << EM_HAN_ID_BITS) - 1)

/* The reading of `first` when `second` follows it (Han-Latin's context rules). */
typedef struct em_han_pair {
	uint32_t first, second; /* code points */
	uint16_t reading;       /* index in the pool */
} em_han_pair;

/* A non-Han character a Chinese word may hold (digits, punctuation), with ICU's output for it. */
typedef struct em_han_symbol {
	uint32_t cp;      /* code point */
	uint16_t output;  /* index in the pool: what ICU writes for it inside a Chinese word */
	uint8_t classes;  /* EM_HAN_BEFORE / EM_HAN_AFTER */
} em_han_symbol;

typedef struct em_han_table {
	const uint32_t (*ranges)[3];  /* first code point, count, index of its first entry; sorted */
	size_t n_ranges;
	const uint16_t *entries;      /* per code point: reading index | classes << EM_HAN_ID_BITS */
	const em_han_symbol *symbols; /* sorted by code point */
	size_t n_symbols;
	const em_han_pair *pairs;     /* sorted by (first, second) */
	size_t n_pairs;
	const char *pool;             /* the readings and symbol outputs, each NUL-terminated */
	const uint32_t *offsets;      /* start of each reading in the pool */
	size_t n_readings;
	unsigned units_max;           /* longest ICU output of one character, in UTF-16 units */
	const char *icu_version;      /* the ICU that answered */
} em_han_table;

/* The table generated from ICU at build time (generated/han_table.c). */
extern const em_han_table em_han_icu;

/*
 * Romanizes one word (no spaces) of `len` bytes of UTF-8 into out (cap bytes, NUL-terminated):
 * the result is byte for byte what ICU and keep_ascii give for it. Returns the length, or -1
 * when the table does not apply and the word must go to ICU: it holds no Han character, or a
 * character outside the table and its symbols, or is not valid UTF-8, or ICU's output could
 * exceed max_units UTF-16 units (the caller's buffers), or the result does not fit in cap.
 */
int em_han_romanize(const em_han_table *t, const char *w, size_t len, char *out, size_t cap,
		    size_t max_units);

#endif
