/*
 * gen_letter_table.c: writes the table Cyrillic and Arabic-script words are romanized from
 * (src/text/letters.h), asking ICU at build time through the library's own chain (chain.h).
 *
 * The letters are printable ASCII, the Cyrillic letters and the Arabic letters of the Arabic
 * block (read_letters says why not more). For each romanization, ICU romanizes every letter alone and
 * every pair of letters; a letter's reading after another is what the pair gives after the
 * first letter's own reading. A pair whose answer does not begin with the first letter's
 * reading (its reading depends on what follows it) is left to ICU. Then every triple of the
 * Cyrillic letters and of a sample of the others is checked against ICU: where the table's
 * answer differs, the second letter's reading depended on how the first was read (BGN/PCGN
 * rewrites some letters in a first pass), and that pair is left to ICU too. Last, random
 * words of up to twelve letters must come out byte for byte as ICU writes them, or the build
 * fails: then ICU has changed in a way the model in letters.c does not cover.
 *
 * usage: gen-letter-table OUT.c
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

#define GEN_NAME "gen-letter-table"
#include "gen_common.h"
#include "text/chain.h"
#include "text/letters.h"

#define OUT_MAX 1024
#define READING_MAX 64
#define LETTERS_MAX 1024
#define RANDOM_WORDS 200000

static const char *out_path;

/* ---- the letters ---- */

static uint32_t cps[LETTERS_MAX];
static size_t n_cps;

static bool is_mark_or_format(UChar32 c)
{
	int8_t gc = u_charType(c);
	return gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_COMBINING_SPACING_MARK ||
	       gc == U_FORMAT_CHAR || gc == U_UNASSIGNED || gc == U_CONTROL_CHAR;
}

/*
 * Printable ASCII, which no step of the chain rewrites; the Cyrillic letters; the characters of
 * the Arabic block of Arabic script. Not the block's Common characters (Arabic comma and
 * question mark, the Arabic-Indic digits, tatweel): Any-Latin rewrites those only inside an
 * Arabic run of text, so their reading depends on letters further away. Not marks either:
 * harakat and shadda combine with the letter before them. A word holding one goes to ICU.
 */
static void read_letters(void)
{
	for (UChar32 c = 0x21; c < 0x7F; c++)
		cps[n_cps++] = (uint32_t)c;
	for (UChar32 c = 0x0400; c <= 0x04FF; c++) {
		UErrorCode st = U_ZERO_ERROR;
		if (!is_mark_or_format(c) && u_isalpha(c) && uscript_getScript(c, &st) == USCRIPT_CYRILLIC)
			cps[n_cps++] = (uint32_t)c;
	}
	for (UChar32 c = 0x0600; c <= 0x06FF; c++) {
		UErrorCode st = U_ZERO_ERROR;
		if (!is_mark_or_format(c) && uscript_getScript(c, &st) == USCRIPT_ARABIC)
			cps[n_cps++] = (uint32_t)c;
	}
	if (n_cps >= LETTERS_MAX || n_cps >= 0xFFFF)
		die("too many letters");
}

/* ---- readings ---- */

static char (*single)[READING_MAX];         /* [which * n_cps + letter] */
static uint16_t *reading;                   /* [(which * (n_cps + 1) + prev) * n_cps + cur], prev n_cps: start */
static char *pool;
static size_t pool_len, pool_cap;
static uint32_t *offsets;
static size_t n_readings;

static uint16_t *reading_at(em_translit which, size_t prev, size_t cur)
{
	return &reading[((size_t)which * (n_cps + 1) + prev) * n_cps + cur];
}

static uint16_t pool_add(const char *s)
{
	for (size_t k = 0; k < n_readings; k++)
		if (strcmp(pool + offsets[k], s) == 0)
			return (uint16_t)k;
	if (n_readings >= EM_LETTERS_LEFT_TO_ICU)
		die("too many distinct readings");
	size_t len = strlen(s) + 1;
	if (pool_len + len > pool_cap) {
		pool_cap = (pool_len + len) * 2;
		char *p = realloc(pool, pool_cap);
		if (!p)
			die("out of memory");
		pool = p;
	}
	memcpy(pool + pool_len, s, len);
	offsets[n_readings] = (uint32_t)pool_len;
	pool_len += len;
	return (uint16_t)n_readings++;
}

static size_t n_left_alone;

/* A consonant to stand before a pair, so that the pair is read inside a word. */
#define INSIDE 0x0431u /* б */

/*
 * A letter at the start of a word is read as it is alone, unless a letter after it changes
 * that (BGN/PCGN reads Ё alone "e", before a letter "ye"): then a word starting with it goes to
 * ICU. A letter after another is read as it is after that one inside a word: what ICU writes for
 * б, the first letter and the second, after what it writes for б and the first. Where that does
 * not begin the same way, the first letter's reading depends on the second, and the pair goes
 * to ICU.
 */
static void read_pairs(void)
{
	single = xcalloc((size_t)EM_TRANSLIT_COUNT * n_cps, sizeof *single);
	reading = xcalloc((size_t)EM_TRANSLIT_COUNT * (n_cps + 1) * n_cps, sizeof *reading);
	offsets = xcalloc(EM_LETTERS_LEFT_TO_ICU, sizeof *offsets);
	for (int w = 0; w < EM_TRANSLIT_COUNT; w++) {
		em_translit which = (em_translit)w;
		for (size_t c = 0; c < n_cps; c++) {
			icu_answer(which, &cps[c], 1, single[w * n_cps + c], READING_MAX, NULL);
			*reading_at(which, n_cps, c) = pool_add(single[w * n_cps + c]);
		}
		for (size_t p = 0; p < n_cps; p++) {
			char before[OUT_MAX];
			icu_answer(which, (uint32_t[]){INSIDE, cps[p]}, 2, before, sizeof before, NULL);
			size_t bl = strlen(before), sl = strlen(single[w * n_cps + p]);
			for (size_t c = 0; c < n_cps; c++) {
				char out[OUT_MAX];
				icu_answer(which, (uint32_t[]){cps[p], cps[c]}, 2, out, sizeof out, NULL);
				if (strncmp(out, single[w * n_cps + p], sl) != 0 && *reading_at(which, n_cps, p) != EM_LETTERS_LEFT_TO_ICU) {
					*reading_at(which, n_cps, p) = EM_LETTERS_LEFT_TO_ICU;
					n_left_alone++;
				}
				icu_answer(which, (uint32_t[]){INSIDE, cps[p], cps[c]}, 3, out, sizeof out, NULL);
				if (strncmp(out, before, bl) != 0 || strlen(out + bl) >= READING_MAX) {
					*reading_at(which, p, c) = EM_LETTERS_LEFT_TO_ICU;
					n_left_alone++;
					continue;
				}
				*reading_at(which, p, c) = pool_add(out + bl);
			}
		}
		/* A letter whose reading at the start depends on the letter after it (Ё) may do so
		 * after other letters too (after a full stop, ۔Ёж is " yezh"): try it before a few
		 * kinds of letter, and leave the pairs where that changes it to ICU. */
		static const uint32_t next[] = {0x0430, 0x0416, 'a', 'Z', '1', '-', 0x0628};
		for (size_t c = 0; c < n_cps; c++) {
			if (*reading_at(which, n_cps, c) != EM_LETTERS_LEFT_TO_ICU)
				continue;
			for (size_t p = 0; p < n_cps; p++) {
				uint16_t id = *reading_at(which, p, c);
				if (id == EM_LETTERS_LEFT_TO_ICU)
					continue;
				char before[OUT_MAX], out[OUT_MAX];
				icu_answer(which, (uint32_t[]){INSIDE, cps[p]}, 2, before, sizeof before, NULL);
				strncat(before, pool + offsets[id], sizeof before - strlen(before) - 1);
				for (size_t k = 0; k < sizeof next / sizeof next[0]; k++) {
					icu_answer(which, (uint32_t[]){INSIDE, cps[p], cps[c], next[k]}, 4, out, sizeof out, NULL);
					if (strncmp(out, before, strlen(before)) != 0) {
						*reading_at(which, p, c) = EM_LETTERS_LEFT_TO_ICU;
						n_left_alone++;
						break;
					}
				}
			}
		}
	}
}

/* ---- checking ---- */

/* The table's answer, as letters.c composes it; false when a pair is left to ICU. */
static bool table_answer(em_translit which, const size_t *idx, size_t n, char *out, size_t cap, size_t *bad_at)
{
	size_t o = 0;
	for (size_t k = 0; k < n; k++) {
		uint16_t id = *reading_at(which, k ? idx[k - 1] : n_cps, idx[k]);
		if (id == EM_LETTERS_LEFT_TO_ICU) {
			*bad_at = k;
			return false;
		}
		const char *r = pool + offsets[id];
		size_t rl = strlen(r);
		if (o + rl >= cap)
			die("a test word's reading is too long");
		memcpy(out + o, r, rl);
		o += rl;
	}
	out[o] = '\0';
	return true;
}

/* Whether the table agrees with ICU on a word (a word holding a pair left to ICU agrees). */
static bool agrees(em_translit which, const size_t *idx, size_t n)
{
	uint32_t w[16];
	char want[OUT_MAX], got[OUT_MAX];
	size_t bad_at;
	if (!table_answer(which, idx, n, got, sizeof got, &bad_at))
		return true;
	for (size_t k = 0; k < n; k++)
		w[k] = cps[idx[k]];
	icu_answer(which, w, n, want, sizeof want, NULL);
	return strcmp(want, got) == 0;
}

static size_t n_hazards, n_checked;

/* Every pair of letters, and every triple over the Cyrillic letters of the basic block and a
 * sample of the others. */
static void check_triples(void)
{
	static const uint32_t sample[] = {'-', '.', ',', '\'', '(', '1', 'a', 'Z', 0x0627, 0x0628, 0x0629, 0x06CC, 0x06C0, 0x0671};
	size_t set[LETTERS_MAX], n = 0;
	for (size_t c = 0; c < n_cps; c++) {
		bool pick = cps[c] >= 0x0400 && cps[c] <= 0x045F;
		for (size_t k = 0; k < sizeof sample / sizeof sample[0]; k++)
			pick |= cps[c] == sample[k];
		if (pick)
			set[n++] = c;
	}
	/* Every word of two letters: the first letter's reading at the start and the second's
	 * after it. Where they disagree with ICU, the pair goes to ICU. */
	for (int w = 0; w < EM_TRANSLIT_COUNT; w++)
		for (size_t a = 0; a < n_cps; a++)
			for (size_t b = 0; b < n_cps; b++) {
				size_t idx[2] = {a, b};
				n_checked++;
				if (!agrees((em_translit)w, idx, 2)) {
					*reading_at((em_translit)w, a, b) = EM_LETTERS_LEFT_TO_ICU;
					n_hazards++;
				}
			}
	for (int w = 0; w < EM_TRANSLIT_COUNT; w++)
		for (size_t a = 0; a < n; a++)
			for (size_t b = 0; b < n; b++)
				for (size_t c = 0; c < n; c++) {
					size_t idx[3] = {set[a], set[b], set[c]};
					n_checked++;
					if (!agrees((em_translit)w, idx, 3)) {
						/* The middle letter's reading depended on the first's: leave the
						 * second pair to ICU. */
						*reading_at((em_translit)w, set[b], set[c]) = EM_LETTERS_LEFT_TO_ICU;
						n_hazards++;
					}
				}
}

static uint32_t rng_state = 2463534242u;

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state % n;
}

/* A letter of one block with seven chances in eight: words keep mostly to one script. */
static size_t pick_letter(int block)
{
	for (;;) {
		size_t c = rng((uint32_t)n_cps);
		bool in = block == 0 ? cps[c] < 0x80 : block == 1 ? (cps[c] >= 0x0400 && cps[c] <= 0x04FF) : cps[c] >= 0x0600;
		if (in || rng(8) == 0)
			return c;
	}
}

static void check_random(void)
{
	for (int r = 0; r < RANDOM_WORDS; r++) {
		size_t idx[12], n = 1 + rng(12);
		int block = (int)rng(3);
		for (size_t k = 0; k < n; k++)
			idx[k] = pick_letter(block);
		em_translit which = (em_translit)(r % EM_TRANSLIT_COUNT);
		n_checked++;
		if (!agrees(which, idx, n)) {
			char msg[256];
			size_t o = 0;
			for (size_t k = 0; k < n && o + 16 < sizeof msg; k++)
				o += (size_t)snprintf(msg + o, sizeof msg - o, " U+%04X", cps[idx[k]]);
			die("the table and ICU disagree on%s (romanization %d): the model in src/text/letters.c no longer "
			    "fits ICU %s",
			    msg, (int)which, U_ICU_VERSION);
		}
	}
}

/* ---- writing ---- */

static void write_table(void)
{
	size_t n_apart[EM_TRANSLIT_COUNT];
	char tmp[4096];
	FILE *f = gen_open(out_path, tmp, sizeof tmp, "gen_letter_table.c", "text/letters.h");
	fprintf(f, "static const uint32_t cps[] = {");
	for (size_t k = 0; k < n_cps; k++)
		fprintf(f, "%s0x%04X,", k % 12 ? " " : "\n\t", cps[k]);
	fprintf(f, "\n};\n");
	/* Code point -> letter index, for the code points up to the last letter. */
	uint32_t n_index = cps[n_cps - 1] + 1;
	fprintf(f, "\nstatic const uint16_t letter_index[] = {");
	for (uint32_t cp = 0, k = 0; cp < n_index; cp++) {
		while (k < n_cps && cps[k] < cp)
			k++;
		fprintf(f, "%s%zu,", cp % 16 ? " " : "\n\t", k < n_cps && cps[k] == cp ? (size_t)k : n_cps);
	}
	fprintf(f, "\n};\n");
	for (int w = 0; w < EM_TRANSLIT_COUNT; w++) {
		/* Each letter's usual reading: the one most letters before it give. */
		uint16_t *def = xcalloc(n_cps, sizeof *def);
		uint16_t *count = xcalloc((size_t)EM_LETTERS_LEFT_TO_ICU + 1, sizeof *count);
		for (size_t c = 0; c < n_cps; c++) {
			uint16_t best = *reading_at((em_translit)w, 0, c);
			for (size_t p = 0; p <= n_cps; p++) {
				uint16_t id = *reading_at((em_translit)w, p, c);
				if (++count[id] > count[best])
					best = id;
			}
			for (size_t p = 0; p <= n_cps; p++)
				count[*reading_at((em_translit)w, p, c)] = 0;
			def[c] = best;
		}
		/* The letters before each letter that give another reading, with those readings. */
		size_t *first = xcalloc(n_cps + 1, sizeof *first), n_pairs = 0;
		fprintf(f, "\nstatic const uint16_t pair_prev_%d[] = {", w);
		for (size_t c = 0; c < n_cps; c++) {
			first[c] = n_pairs;
			for (size_t p = 0; p <= n_cps; p++)
				if (*reading_at((em_translit)w, p, c) != def[c])
					fprintf(f, "%s%zu,", n_pairs++ % 16 ? " " : "\n\t", p);
		}
		first[n_cps] = n_pairs;
		if (n_pairs > 0xFFFF)
			die("too many pairs");
		fprintf(f, "\n\t0, /* past the end: C has no empty arrays */\n};\n\nstatic const uint16_t pair_readings_%d[] = {", w);
		for (size_t c = 0, k = 0; c < n_cps; c++)
			for (size_t p = 0; p <= n_cps; p++) {
				uint16_t id = *reading_at((em_translit)w, p, c);
				if (id != def[c])
					fprintf(f, "%s%u,", k++ % 16 ? " " : "\n\t", id);
			}
		fprintf(f, "\n\t0,\n};\n\nstatic const uint16_t pair_first_%d[] = {", w);
		for (size_t c = 0; c <= n_cps; c++)
			fprintf(f, "%s%zu,", c % 16 ? " " : "\n\t", first[c]);
		fprintf(f, "\n};\n\nstatic const uint16_t defaults_%d[] = {", w);
		for (size_t c = 0; c < n_cps; c++)
			fprintf(f, "%s%u,", c % 16 ? " " : "\n\t", def[c] | (first[c + 1] > first[c] ? EM_LETTERS_HAS_PAIRS : 0));
		fprintf(f, "\n};\n");
		n_apart[w] = n_pairs;
		free(def);
		free(count);
		free(first);
	}
	fprintf(f, "\nstatic const uint32_t offsets[] = {");
	for (size_t k = 0; k < n_readings; k++)
		fprintf(f, "%s%u,", k % 16 ? " " : "\n\t", offsets[k]);
	fprintf(f, "\n};\n");
	gen_write_pool(f, pool, pool_len);
	fprintf(f, "\nconst em_letter_table em_letters_icu = {\n\tcps, %zu, letter_index, %u,\n"
		   "\t{defaults_0, defaults_1},\n\t{pair_first_0, pair_first_1},\n\t{pair_prev_0, pair_prev_1},\n"
		   "\t{pair_readings_0, pair_readings_1},\n\tpool, offsets, %zu, \"%s\",\n};\n",
		n_cps, n_index, n_readings, U_ICU_VERSION);
	gen_close(f, tmp, out_path);
	fprintf(stderr, "gen-letter-table: %zu letters, %zu distinct readings, %zu + %zu pairs apart, %zu pairs left to ICU "
		"(%zu after the triples): %zu words checked, %zu questions to ICU\n",
		n_cps, n_readings, n_apart[0], n_apart[1], n_left_alone + n_hazards, n_hazards, n_checked, n_asked);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-letter-table OUT.c\n");
		return 2;
	}
	_Static_assert(EM_TRANSLIT_COUNT == 2, "write_table writes two romanizations");
	out_path = argv[1];
	gen_open_chains();
	read_letters();
	read_pairs();
	check_triples();
	check_random();
	write_table();
	gen_close_chains();
	free(single), free(reading), free(offsets), free(pool);
	u_cleanup();
	return 0;
}
