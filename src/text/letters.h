/*
 * letters.h: Cyrillic and Arabic-script words romanized from a table of ICU's answers, letter
 * by letter, instead of running the ICU chain.
 *
 * ICU stays the source of truth, as for Chinese (han.h): the table (generated/letter_table.c,
 * made at build time by tools/gen_letter_table.c) holds what the library's own chain (chain.h)
 * writes for each letter after each other letter, in both romanizations. It exists because the
 * chain is slow: a Cyrillic word cost about 20,000 instructions through ICU (five
 * transliterators in a row, each with its normalizations), a Cyrillic query twice that for its
 * two readings, and a table lookup costs a few dozen.
 *
 * The model the generator checks: a word's romanization is its letters' readings written one
 * after the other, and a letter's reading depends on the letter before it and on nothing else
 * (BGN/PCGN writes "ye" for е at the start of a word or after a vowel, "e" after a consonant).
 * Two cases break it and are left to ICU: a letter whose reading depends on the letter after it
 * at the start of a word (Ё alone is "e", Ёлкин is "yelkin"), and a few pairs where BGN/PCGN's
 * first pass may already have rewritten the first letter, so that the second is read after
 * Latin text (э, ы, е or ё before е or ё: "Алексеевич" goes to ICU). The table marks those
 * pairs; a word holding one, or any character the table does not hold (harakat, Hangul, kana,
 * other scripts), is romanized by ICU as before.
 */
#ifndef EMBARGO_TEXT_LETTERS_H
#define EMBARGO_TEXT_LETTERS_H

#include <stddef.h>
#include <stdint.h>

#include "text/text.h"

/* A reading id: an index into the pool. */
#define EM_LETTERS_LEFT_TO_ICU 0x7FFFu /* the pair breaks the model: the word goes to ICU */
#define EM_LETTERS_HAS_PAIRS 0x8000u   /* in a default reading: some letters before it change it */

typedef struct em_letter_table {
	const uint32_t *cps;          /* the letters (code points), ascending; index n is "word start" */
	size_t n;
	const uint16_t *index;        /* per code point below n_index: its letter's index, n when none */
	size_t n_index;
	/*
	 * Per romanization: each letter's usual reading (| EM_LETTERS_HAS_PAIRS when some letters
	 * before it give another), and for letter c the letters before it that give another,
	 * pair_prev[pair_first[c] .. pair_first[c + 1]) ascending, with their readings.
	 */
	const uint16_t *defaults[EM_TRANSLIT_COUNT];
	const uint16_t *pair_first[EM_TRANSLIT_COUNT];
	const uint16_t *pair_prev[EM_TRANSLIT_COUNT];
	const uint16_t *pair_readings[EM_TRANSLIT_COUNT];
	const char *pool;             /* the readings, each NUL-terminated */
	const uint32_t *offsets;      /* start of each reading in the pool */
	size_t n_readings;
	const char *icu_version;      /* the ICU that answered */
} em_letter_table;

/* The table generated from ICU at build time (generated/letter_table.c). */
extern const em_letter_table em_letters_icu;

/*
 * Romanizes one word (no spaces) of `len` bytes of UTF-8 into out (cap bytes, NUL-terminated):
 * byte for byte what the chain of romanization `which` and keep_ascii give for it. Returns the
 * length, or -1 when the word must go to ICU: it holds a character outside the table or a pair
 * left to ICU, is not valid UTF-8, is longer than EM_LETTERS_WORD_MAX characters, or its
 * romanization does not fit in cap.
 */
#define EM_LETTERS_WORD_MAX 256
int em_letters_romanize(const em_letter_table *t, em_translit which, const char *w, size_t len, char *out,
			size_t cap);

#endif
