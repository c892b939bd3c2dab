/*
 * fold.h: ICU's Latin-ASCII answers, a character at a time, as a table made at build time by
 * tools/gen_fold_table.c (generated/fold_table.c).
 *
 * The non-Latin scripts' chains end with Latin-ASCII, which costs more than the rest of the
 * chain on a word (BGN/PCGN Russian writes accents and primes), and accented Latin needs only
 * Latin-ASCII. So translit.c folds what a chain without Latin-ASCII leaves, and accented Latin
 * text, from this table of Latin-ASCII's own answers for the characters romanizations leave:
 * Latin letters with marks, modifier letters and punctuation. Made at build time so that a
 * process folds its first accented name without setting ICU's transliterators up (about 13 ms).
 */
#ifndef EMBARGO_TEXT_FOLD_H
#define EMBARGO_TEXT_FOLD_H

#include <stdbool.h>
#include <stdint.h>

#define EM_FOLD_LO 0x0080
#define EM_FOLD_HI 0x02FF
#define EM_FOLD_LO2 0x1E00
#define EM_FOLD_HI2 0x1EFF
#define EM_FOLD_LO3 0x2000
#define EM_FOLD_HI3 0x206F
#define EM_FOLD_SIZE ((EM_FOLD_HI - EM_FOLD_LO + 1) + (EM_FOLD_HI2 - EM_FOLD_LO2 + 1) + (EM_FOLD_HI3 - EM_FOLD_LO3 + 1))

/* Latin-ASCII's answer for one character: at most four UTF-16 units. */
typedef struct em_fold {
	uint16_t out[4];
	uint8_t len;
	bool ok; /* false: not in the table (a combining mark, or a longer answer): ask ICU */
} em_fold;

/* The table's index of a UTF-16 unit, or -1 outside its ranges. */
static inline int em_fold_index(uint32_t c)
{
	if (c >= EM_FOLD_LO && c <= EM_FOLD_HI)
		return (int)(c - EM_FOLD_LO);
	if (c >= EM_FOLD_LO2 && c <= EM_FOLD_HI2)
		return (EM_FOLD_HI - EM_FOLD_LO + 1) + (int)(c - EM_FOLD_LO2);
	if (c >= EM_FOLD_LO3 && c <= EM_FOLD_HI3)
		return (EM_FOLD_HI - EM_FOLD_LO + 1) + (EM_FOLD_HI2 - EM_FOLD_LO2 + 1) + (int)(c - EM_FOLD_LO3);
	return -1;
}

/* The table generated from ICU at build time (generated/fold_table.c). */
extern const em_fold em_fold_icu[EM_FOLD_SIZE];
extern const char em_fold_icu_version[];

#endif
