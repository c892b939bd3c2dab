/*
 * text.h: turning names into comparable tokens. A name in any script is transliterated to
 * ASCII Latin with ICU (Cyrillic with the BGN/PCGN romanization that the US and UK lists use,
 * every other script with ICU's Any-Latin), lower-cased, stripped of apostrophes and
 * punctuation, and split into tokens. Each token also gets a phonetic key (spelling variants
 * of one sound collapse: kh/h, ph/f, c/k, y/i, doubled letters...) and a consonant skeleton
 * (vowels dropped), which is how a name written in Arabic or Persian script, where short vowels
 * are not written, can meet its Latin spelling.
 */
#ifndef EMBARGO_TEXT_H
#define EMBARGO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define EM_TEXT_MAX_TOKENS 48
#define EM_TEXT_MAX_TOKEN 64

/* Which writing system the original text used; decides which keys are worth comparing. */
typedef enum em_script_class {
	EM_SCRIPT_LATIN = 0, /* ASCII or Latin with accents */
	EM_SCRIPT_CYRILLIC,
	EM_SCRIPT_ABJAD,     /* Arabic, Persian, Urdu, Hebrew, Syriac: short vowels unwritten */
	EM_SCRIPT_OTHER,     /* Greek, CJK, Hangul, Indic... */
} em_script_class;

typedef struct em_token {
	char text[EM_TEXT_MAX_TOKEN];  /* normalized ASCII, lower case */
	unsigned char len;
} em_token;

typedef struct em_tokens {
	em_token tok[EM_TEXT_MAX_TOKENS];
	size_t n;
	em_script_class script; /* dominant script of the original text */
	int comma_at;           /* index of the first token after a comma ("FAMILY, Given"), or -1 */
} em_tokens;

/* Which romanization to use for Cyrillic and for Arabic-script letters that Persian and Urdu
 * pronounce otherwise (every other script has one). */
typedef enum em_translit {
	EM_TRANSLIT_DEFAULT = 0, /* BGN/PCGN for Russian, Ukrainian, Belarusian; Arabic sounds */
	EM_TRANSLIT_PLAIN,       /* ICU Any-Latin letter by letter; Persian and Urdu sounds (ث as s) */
	EM_TRANSLIT_COUNT,
} em_translit;

/*
 * 1 when the text is Persian or Urdu (it holds a letter Arabic does not use: پ چ ژ گ ک ی ہ ے...)
 * and has a letter those languages read otherwise than Arabic (ث ذ ض ظ): then the
 * EM_TRANSLIT_PLAIN reading differs and is worth trying.
 */
int em_text_has_persian_reading(const char *utf8, size_t len);

/*
 * Transliterates UTF-8 text to lower-case ASCII (with ICU when it is not ASCII already),
 * writing at most cap-1 bytes and a NUL. Returns the length, or -1 when ICU fails or the
 * input is not valid UTF-8. Thread-safe: each thread uses its own transliterator.
 */
int em_text_to_ascii(const char *utf8, size_t len, char *out, size_t cap, em_script_class *script);
int em_text_to_ascii_with(const char *utf8, size_t len, char *out, size_t cap, em_script_class *script,
			  em_translit which);

/* Normalizes and splits a name into tokens (see above). Never fails: bad input gives no tokens. */
void em_text_tokenize(const char *utf8, em_tokens *out);
void em_text_tokenize_with(const char *utf8, em_tokens *out, em_translit which);

/* Phonetic key of a normalized token into out (cap bytes); returns its length. */
size_t em_text_phonetic(const char *tok, size_t len, char *out, size_t cap);
/* Consonant skeleton of a normalized token; returns its length (may be 0). */
size_t em_text_skeleton(const char *tok, size_t len, char *out, size_t cap);
/*
 * The skeleton with digraphs (sh, kh, th...) read as one letter (digraphs = 1) or as two
 * letters (0): a romanized Arabic-script word may hold either, "zhrany" is z-h-r-n.
 */
size_t em_text_skeleton_with(const char *tok, size_t len, char *out, size_t cap, int digraphs);

/* Similarity measures on short ASCII strings, in [0, 1]. */
double em_jaro_winkler(const char *a, size_t la, const char *b, size_t lb);
/* Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
int em_osa_distance(const char *a, size_t la, const char *b, size_t lb);
/*
 * The same when only small distances matter: the distance if it is at most max, else max + 1.
 * Computed bit-parallel (words up to 63 letters), far cheaper than the table above.
 */
int em_osa_distance_within(const char *a, size_t la, const char *b, size_t lb, int max);

/*
 * em_osa_distance_within(a, la, b, lb, 1), inline: 0 for equal strings, 1 for one letter
 * replaced, added, dropped or two neighbours swapped, 2 for anything further. The typo
 * similarity asks it of about twenty pairs a query, most of them further.
 */
/* Whether a[0..n) equals b[0..n): a loop, the strings being a few letters long. */
static inline bool em_same_letters(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static inline int em_osa_within_one(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > 63)
		la = 63;
	if (lb > 63)
		lb = 63;
	if (la + 1 < lb || lb + 1 < la)
		return 2;
	size_t m = la < lb ? la : lb, p = 0;
	while (p < m && a[p] == b[p])
		p++;
	if (la == lb) {
		if (p == la)
			return 0;
		if (em_same_letters(a + p + 1, b + p + 1, la - p - 1))
			return 1; /* replaced */
		return p + 1 < la && a[p] == b[p + 1] && a[p + 1] == b[p] && em_same_letters(a + p + 2, b + p + 2, la - p - 2)
			       ? 1 /* swapped */
			       : 2;
	}
	/* One letter more on one side: dropping it at the first difference must leave the other. */
	return la > lb ? (em_same_letters(a + p + 1, b + p, lb - p) ? 1 : 2) : (em_same_letters(a + p, b + p + 1, la - p) ? 1 : 2);
}

/* Empties this thread's cache of romanized words (in O(1): the cache moves to a new generation). */
void em_text_forget_words(void);
/* Empties the calling thread's cache of phonetic keys (em_text_forget_words does too). */
void em_text_forget_phonetic(void);

/* Frees this thread's transliterator early (threads that exit clean up by themselves). */
void em_text_thread_cleanup(void);

/*
 * Sets ICU up now (its transliterator registry, the project's chains, the Latin folding table)
 * instead of at the first non-ASCII text: 10 to 25 ms a process, which a caller about to need it
 * may pay on another thread. Thread-safe; does the work once.
 */
void em_text_prepare(void);

#endif
