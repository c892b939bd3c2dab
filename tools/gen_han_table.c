/*
 * gen_han_table.c: writes the table Chinese words are romanized from (src/text/han.h), asking ICU
 * at build time. For every code point of Han script it runs the library's own chain (chain.h:
 * the project's rules around Any-Latin, Latin-ASCII, then keep_ascii) and keeps the answer, and
 * the characters' spacing classes; it reads Han-Latin's context rules ({重}' '?庆 > chóng) and
 * keeps, for each, ICU's reading of the pair; it asks ICU what a Chinese word makes of digits
 * and punctuation. Then it checks src/text/han.c with that table against ICU on every Han code
 * point between two neighbours, on all pairs and many triples of representative characters and
 * on random words, and writes the table only if every answer is byte-identical.
 *
 * It fails (exit 1, and the build with it) when ICU's Han-Latin or Han-Spacedhan rules hold
 * anything this file does not know, or when the table and ICU disagree anywhere: then ICU has
 * changed and the table, or the model in han.c, must be looked at again.
 *
 * usage: gen-han-table OUT.c
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

#define GEN_NAME "gen-han-table"
#include "gen_common.h"
#include "text/chain.h"
#include "text/han.h"

#define OUT_MAX 4096
#define POOL_SLOTS 8192 /* a power of two, above the distinct readings (about 1,500) */
#define CONTEXT_MAX 16
#define REPS_MAX 512

/* What ICU's Han-Spacedhan is, word for word (ICU 72): its rules are what han.c reproduces. */
static const char SPACEDHAN_RULES[] =
	"::[[㆒-㆟㈠-㉇㊀-㊰㋀-㋋㍘-㍰㍻-㍿㏠-㏾ 🈐-🈒🈔-🈺🉀-🉈🉐🉑][:ideographic:][:sc=han:]] nfkc;\n"
	"::fullwidth-halfwidth;\n"
	"｡ > '.';\n"
	"[[:Ideographic:][.,\\:;?!．，：？！｡、；[:Pe:][:Pf:]]]{}[:Letter:] > ' ';\n"
	"[:Letter:][:Mark:]*{}[[:Ideographic:][:Ps:][:Pi:]] > ' ';";

/*
 * Non-Han characters a Chinese word may hold next to its ideographs: ASCII and fullwidth digits
 * and punctuation, Latin-1 and general punctuation, CJK punctuation. Each is kept only if it is
 * of Common script, not a letter, mark or ideograph, and ICU's answers for it fit the model.
 */
static const uint32_t SYMBOL_RANGES[][2] = {
	{0x0021, 0x007E}, {0x00A1, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7}, {0x2010, 0x205E},
	{0x3001, 0x303F}, {0x30FB, 0x30FB}, {0xFF01, 0xFF65},
};

/* Two Han characters whose classes make the spacing of a neighbour visible (checked below). */
#define HAN_ZERO 0x3007       /* 〇: ideograph, not a letter */
#define HAN_ITERATION 0x3005  /* 々: letter, not an ideograph */

static const char *out_path;

/* ---- ICU ---- */

static size_t to_utf8(const uint32_t *cps, size_t n, char *out, size_t cap)
{
	int32_t o = 0;
	for (size_t k = 0; k < n; k++) {
		if ((size_t)o + 4 >= cap)
			die("a test word is too long");
		U8_APPEND_UNSAFE(out, o, cps[k]);
	}
	out[o] = '\0';
	return (size_t)o;
}

/* A transliterator's rules as UTF-8 (caller frees). */
static char *rules_of(const char *id)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar uid[64];
	u_uastrcpy(uid, id);
	UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st))
		die("ICU has no %s transliterator: %s", id, u_errorName(st));
	int32_t n = utrans_toRules(t, false, NULL, 0, &st);
	st = U_ZERO_ERROR;
	UChar *r = xcalloc((size_t)n + 1, sizeof *r);
	utrans_toRules(t, false, r, n + 1, &st);
	int32_t m = 0;
	u_strToUTF8(NULL, 0, &m, r, n, &st);
	st = U_ZERO_ERROR;
	char *s = xcalloc((size_t)m + 1, 1);
	u_strToUTF8(s, m + 1, NULL, r, n, &st);
	if (U_FAILURE(st))
		die("cannot read the rules of %s: %s", id, u_errorName(st));
	free(r);
	utrans_close(t);
	return s;
}

/* ---- the table being built ---- */

typedef struct context_rule {
	uint32_t first, second; /* as the rule writes them (after NFKC) */
} context_rule;

static context_rule contexts[CONTEXT_MAX];
static size_t n_contexts;

static uint32_t *cps;      /* the Han code points kept, ascending */
static uint32_t *nfkc_of;  /* each one's NFKC form */
static uint16_t *entries;  /* as em_han_table.entries, parallel to cps */
static size_t n_cps, n_skipped;
static unsigned units_max;

static char *pool;
static size_t pool_len, pool_cap;
static uint32_t *offsets;
static size_t n_readings;
static int32_t pool_slot[POOL_SLOTS]; /* reading index + 1, by hash */

static em_han_symbol symbols[512];
static size_t n_symbols;
static em_han_pair pairs[256];
static size_t n_pairs;
static uint32_t (*ranges)[3];
static size_t n_ranges;
static em_han_table table;

/* The pool index of a reading, added when new. */
static uint16_t pool_add(const char *s)
{
	uint32_t h = 2166136261u;
	for (const char *p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (uint32_t i = h & (POOL_SLOTS - 1);; i = (i + 1) & (POOL_SLOTS - 1)) {
		if (!pool_slot[i]) {
			size_t len = strlen(s) + 1;
			if (n_readings + 1 >= POOL_SLOTS / 2)
				die("more than %d distinct readings", POOL_SLOTS / 2);
			if (pool_len + len > pool_cap) {
				pool_cap = (pool_cap + len) * 2;
				if (!(pool = realloc(pool, pool_cap)))
					die("out of memory");
			}
			offsets[n_readings] = (uint32_t)pool_len;
			memcpy(pool + pool_len, s, len);
			pool_len += len;
			pool_slot[i] = (int32_t)++n_readings;
			return (uint16_t)(n_readings - 1);
		}
		if (!strcmp(pool + offsets[pool_slot[i] - 1], s))
			return (uint16_t)(pool_slot[i] - 1);
	}
}

static long cp_index(uint32_t cp)
{
	size_t lo = 0, hi = n_cps;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cps[mid] < cp)
			lo = mid + 1;
		else if (cps[mid] > cp)
			hi = mid;
		else
			return (long)mid;
	}
	return -1;
}

static const char *reading_of(uint32_t cp)
{
	long k = cp_index(cp);
	if (k < 0)
		die("U+%04X is not in the table", cp);
	return pool + offsets[entries[k] & EM_HAN_ID_MASK];
}

static unsigned classes_of(uint32_t cp)
{
	long k = cp_index(cp);
	return k < 0 ? 0 : entries[k] >> EM_HAN_ID_BITS;
}

/* ---- reading ICU's rules ---- */

/* One code point at *s, advanced past it; -1 at the end. */
static int32_t next_cp(const char **s)
{
	int32_t i = 0, len = (int32_t)strnlen(*s, 4);
	UChar32 c;
	if (!len)
		return -1;
	U8_NEXT(*s, i, len, c);
	*s += i;
	return c;
}

/* A reading as Han-Latin writes one: letters and tone marks, nothing else. */
static bool plain_reading(const char *s)
{
	int32_t c;
	if (!*s)
		return false;
	while ((c = next_cp(&s)) >= 0)
		if (!u_isalpha(c) && !(U_GET_GC_MASK(c) & U_GC_M_MASK))
			return false;
	return true;
}

/*
 * Han-Latin must be Han-Spacedhan, context rules {A}' '?B > reading; and rules
 * [characters] > reading; nothing else. Keeps the context rules.
 */
static void read_han_latin(void)
{
	char *rules = rules_of("Han-Latin");
	size_t n_spaced = 0, n_sets = 0;
	for (char *line = rules, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t len = strlen(line);
		if (!strcmp(line, "::Han-Spacedhan();")) {
			n_spaced++;
			continue;
		}
		const char *p = line;
		if (line[0] == '{') {
			p++;
			int32_t a = next_cp(&p);
			bool ok = a > 0 && !strncmp(p, "}' '?", 5);
			p += ok ? 5 : 0;
			int32_t b = ok ? next_cp(&p) : -1;
			ok = ok && b > 0 && !strncmp(p, " > ", 3) && len > 0 && line[len - 1] == ';';
			if (ok) {
				line[len - 1] = '\0';
				ok = plain_reading(p + 3);
			}
			if (ok && n_contexts < CONTEXT_MAX) {
				contexts[n_contexts++] = (context_rule){(uint32_t)a, (uint32_t)b};
				continue;
			}
		} else if (line[0] == '[') {
			char *end = strstr(line, "] > ");
			if (end && !strchr(end + 4, '[') && len > 0 && line[len - 1] == ';') {
				line[len - 1] = '\0';
				if (plain_reading(end + 4)) {
					n_sets++;
					continue;
				}
			}
		}
		die("ICU's Han-Latin has a rule this generator does not know: '%s'. ICU has changed: "
		    "look at the rules (utrans_toRules) and at tools/gen_han_table.c and src/text/han.c again", line);
	}
	if (n_spaced != 1 || n_sets < 1000)
		die("ICU's Han-Latin is not Han-Spacedhan then rules per character (%zu, %zu): look again", n_spaced, n_sets);
	free(rules);
	rules = rules_of("Han-Spacedhan");
	if (strcmp(rules, SPACEDHAN_RULES))
		die("ICU's Han-Spacedhan rules have changed; src/text/han.c reproduces these:\n%s\nICU now has:\n%s",
		    SPACEDHAN_RULES, rules);
	free(rules);
}

/* ---- building ---- */

/* Every code point of Han script whose NFKC form is one character: its reading and classes. */
static void read_characters(void)
{
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
	if (U_FAILURE(st))
		die("no NFKC normalizer: %s", u_errorName(st));
	size_t cap = 1 << 17;
	cps = xcalloc(cap, sizeof *cps);
	nfkc_of = xcalloc(cap, sizeof *nfkc_of);
	entries = xcalloc(cap, sizeof *entries);
	for (UChar32 c = 0; c <= 0x10FFFF; c++) {
		st = U_ZERO_ERROR;
		if (uscript_getScript(c, &st) != USCRIPT_HAN)
			continue;
		UChar s[2], d[8];
		int32_t sl = 0, di = 0;
		U16_APPEND_UNSAFE(s, sl, c);
		int32_t dl = unorm2_normalize(nfkc, s, sl, d, 8, &st);
		UChar32 n;
		U16_NEXT(d, di, dl, n);
		if (U_FAILURE(st) || di != dl || (U_GET_GC_MASK(n) & (U_GC_P_MASK | U_GC_M_MASK))) {
			n_skipped++; /* left to ICU */
			continue;
		}
		/* Han-Spacedhan tests the classes of the NFKC form (it normalizes first). */
		unsigned cl = 0;
		if (u_hasBinaryProperty(n, UCHAR_IDEOGRAPHIC))
			cl |= EM_HAN_BEFORE | EM_HAN_AFTER;
		if (u_isalpha(n))
			cl |= EM_HAN_LETTER;
		uint32_t one = (uint32_t)c;
		char a[OUT_MAX], b[OUT_MAX];
		int32_t units;
		icu_answer(EM_TRANSLIT_DEFAULT, &one, 1, a, sizeof a, &units);
		icu_answer(EM_TRANSLIT_PLAIN, &one, 1, b, sizeof b, NULL);
		if (strcmp(a, b))
			die("the two romanizations read U+%04X differently ('%s', '%s'): the table holds one", one, a, b);
		if ((unsigned)units > units_max)
			units_max = (unsigned)units;
		uint16_t id = pool_add(a);
		if (id > EM_HAN_ID_MASK)
			die("more than %u distinct readings", EM_HAN_ID_MASK + 1);
		if (n_cps == cap)
			die("more Han code points than expected");
		cps[n_cps] = one;
		nfkc_of[n_cps] = (uint32_t)n;
		entries[n_cps++] = (uint16_t)(id | cl << EM_HAN_ID_BITS);
	}
	if (classes_of(HAN_ZERO) != (EM_HAN_BEFORE | EM_HAN_AFTER) || classes_of(HAN_ITERATION) != EM_HAN_LETTER)
		die("〇 and 々 no longer have the classes the checks below rely on");
	/* Ranges of consecutive code points. */
	ranges = xcalloc(n_cps, sizeof *ranges);
	for (size_t k = 0; k < n_cps; k++) {
		if (n_ranges && cps[k] == ranges[n_ranges - 1][0] + ranges[n_ranges - 1][1]) {
			ranges[n_ranges - 1][1]++;
		} else {
			ranges[n_ranges][0] = cps[k];
			ranges[n_ranges][1] = 1;
			ranges[n_ranges++][2] = (uint32_t)k;
		}
	}
}

/* Han-Latin's context rules, for every pair of code points that normalizes to one of them. */
static void read_pairs(void)
{
	for (size_t r = 0; r < n_contexts; r++) {
		for (size_t i = 0; i < n_cps; i++) {
			if (nfkc_of[i] != contexts[r].first)
				continue;
			for (size_t j = 0; j < n_cps; j++) {
				if (nfkc_of[j] != contexts[r].second)
					continue;
				uint32_t ab[2] = {cps[i], cps[j]};
				char out[OUT_MAX], tail[OUT_MAX];
				int32_t units, units_b;
				icu_answer(EM_TRANSLIT_DEFAULT, ab, 2, out, sizeof out, &units);
				icu_answer(EM_TRANSLIT_DEFAULT, &ab[1], 1, tail, sizeof tail, &units_b);
				unsigned ca = entries[i] >> EM_HAN_ID_BITS, cb = entries[j] >> EM_HAN_ID_BITS;
				bool space = ((ca & EM_HAN_BEFORE) && (cb & EM_HAN_LETTER)) ||
					     ((ca & EM_HAN_LETTER) && (cb & EM_HAN_AFTER));
				size_t ol = strlen(out), tl = strlen(tail) + space;
				if (ol < tl || strcmp(out + ol - strlen(tail), tail) || (space && out[ol - tl] != ' '))
					die("ICU reads U+%04X U+%04X as '%s', which does not end with the second's reading '%s'",
					    ab[0], ab[1], out, tail);
				out[ol - tl] = '\0';
				if (n_pairs == sizeof pairs / sizeof pairs[0])
					die("too many context pairs");
				pairs[n_pairs++] = (em_han_pair){ab[0], ab[1], pool_add(out)};
				entries[i] |= (uint16_t)(EM_HAN_CONTEXT << EM_HAN_ID_BITS);
				units -= units_b + (int32_t)space;
				if (units > 0 && (unsigned)units > units_max)
					units_max = (unsigned)units;
			}
		}
	}
	/* Sorted by (first, second), as han.h promises. */
	for (size_t i = 1; i < n_pairs; i++)
		for (size_t j = i; j > 0 && (pairs[j - 1].first > pairs[j].first ||
					     (pairs[j - 1].first == pairs[j].first && pairs[j - 1].second > pairs[j].second)); j--) {
			em_han_pair t = pairs[j];
			pairs[j] = pairs[j - 1];
			pairs[j - 1] = t;
		}
}

/* Whether ICU puts a space between a and b (written ra and rb alone): 1 or 0, -1 when its
 * answer is neither. */
static int spaced(uint32_t a, const char *ra, uint32_t b, const char *rb)
{
	char got[OUT_MAX], joined[OUT_MAX];
	icu_answer(EM_TRANSLIT_DEFAULT, (uint32_t[]){a, b}, 2, got, sizeof got, NULL);
	snprintf(joined, sizeof joined, "%s %s", ra, rb);
	if (!strcmp(got, joined))
		return 1;
	snprintf(joined, sizeof joined, "%s%s", ra, rb);
	return strcmp(got, joined) ? -1 : 0;
}

/*
 * The symbols: what ICU writes for each inside a Chinese word (after 〇), and whether a space
 * comes between it and a letter after it (々 after it) or a letter before it (々 before it).
 */
static void read_symbols(void)
{
	const char *zero = reading_of(HAN_ZERO), *iter = reading_of(HAN_ITERATION);
	for (size_t r = 0; r < sizeof SYMBOL_RANGES / sizeof SYMBOL_RANGES[0]; r++) {
		for (uint32_t p = SYMBOL_RANGES[r][0]; p <= SYMBOL_RANGES[r][1]; p++) {
			UErrorCode st = U_ZERO_ERROR;
			if (uscript_getScript((UChar32)p, &st) != USCRIPT_COMMON || u_isalpha((UChar32)p) ||
			    (U_GET_GC_MASK(p) & U_GC_M_MASK) || u_hasBinaryProperty((UChar32)p, UCHAR_IDEOGRAPHIC) ||
			    u_isspace((UChar32)p) || cp_index(p) >= 0)
				continue;
			uint32_t w[2] = {HAN_ZERO, p};
			char out[OUT_MAX];
			int32_t units, units_zero;
			icu_answer(EM_TRANSLIT_DEFAULT, w, 1, out, sizeof out, &units_zero);
			icu_answer(EM_TRANSLIT_DEFAULT, w, 2, out, sizeof out, &units);
			if (strncmp(out, zero, strlen(zero)))
				continue;
			const char *o = out + strlen(zero);
			int before = spaced(p, o, HAN_ITERATION, iter), after = spaced(HAN_ITERATION, iter, p, o);
			if (before < 0 || after < 0)
				continue;
			unsigned cl = (before ? EM_HAN_BEFORE : 0) | (after ? EM_HAN_AFTER : 0);
			if (n_symbols == sizeof symbols / sizeof symbols[0])
				die("too many symbols");
			symbols[n_symbols++] = (em_han_symbol){p, pool_add(o), (uint8_t)cl};
			units -= units_zero;
			if (units > 0 && (unsigned)units > units_max)
				units_max = (unsigned)units;
		}
	}
}

/* ---- checking han.c with the table against ICU ---- */

static size_t n_checked;

static void check(em_translit which, const uint32_t *w, size_t n)
{
	char utf8[OUT_MAX], mine[OUT_MAX], icu[OUT_MAX];
	size_t len = to_utf8(w, n, utf8, sizeof utf8);
	int m = em_han_romanize(&table, utf8, len, mine, sizeof mine, SIZE_MAX);
	bool han = false;
	for (size_t k = 0; k < n; k++)
		han |= cp_index(w[k]) >= 0;
	if (!han)
		return; /* not a Chinese word: ICU's alone */
	icu_answer(which, w, n, icu, sizeof icu, NULL);
	n_checked++;
	if (m < 0 || strcmp(mine, icu))
		die("the table and ICU disagree on '%s' (U+%04X...): table '%s', ICU '%s'. ICU (or src/text/han.c) "
		    "has changed: look at src/text/han.c and tools/gen_han_table.c again",
		    utf8, w[0], m < 0 ? "(refused)" : mine, icu);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

static void check_all(void)
{
	table = (em_han_table){(const uint32_t(*)[3])ranges, n_ranges, entries, symbols, n_symbols, pairs, n_pairs,
			       pool, offsets, n_readings, units_max, U_ICU_VERSION};
	/* Code points between neighbours that show their spacing on each side: 々 shows whether a
	 * space may follow one (before a letter) or precede it (after a letter), 〇 whether it is a
	 * letter. Every one that is not both an ideograph and a letter, and one in eight of the
	 * ideographs (ICU spends about 6 us on each Han character: all would take seconds). */
	unsigned usual = EM_HAN_BEFORE | EM_HAN_AFTER | EM_HAN_LETTER;
	for (size_t k = 0; k < n_cps; k++)
		if ((entries[k] >> EM_HAN_ID_BITS & usual) != usual || k % 8 == 0)
			check(EM_TRANSLIT_DEFAULT, (uint32_t[]){HAN_ITERATION, cps[k], HAN_ZERO, cps[k], HAN_ITERATION}, 5);
	/* Representatives: a character of each class (with a reading and without), then every
	 * character of a context rule, then every symbol. */
	uint32_t reps[REPS_MAX];
	size_t n_reps = 0, n_classes;
	unsigned seen = 0;
	for (size_t k = 0; k < n_cps; k++) {
		unsigned key = (entries[k] >> EM_HAN_ID_BITS) * 2 + (reading_of(cps[k])[0] != 0);
		if (!(seen & 1u << key)) {
			seen |= 1u << key;
			reps[n_reps++] = cps[k];
		}
	}
	n_classes = n_reps;
	for (size_t r = 0; r < n_pairs && n_reps + 2 < REPS_MAX; r++) {
		reps[n_reps++] = pairs[r].first;
		reps[n_reps++] = pairs[r].second;
	}
	size_t n_han_reps = n_reps;
	for (size_t s = 0; s < n_symbols && n_reps < REPS_MAX; s++)
		reps[n_reps++] = symbols[s].cp;
	/* All pairs (those without a Han character are not Chinese words: skipped). */
	for (size_t i = 0; i < n_reps; i++)
		for (size_t j = 0; j < n_reps; j++)
			for (int which = 0; which < EM_TRANSLIT_COUNT; which++)
				check((em_translit)which, (uint32_t[]){reps[i], reps[j]}, 2);
	/* Anything between two characters of each class, and between the two of a context rule. */
	for (size_t j = 0; j < n_reps; j++) {
		for (size_t i = 0; i < n_classes; i++)
			for (size_t k = 0; k < n_classes; k++)
				check(EM_TRANSLIT_DEFAULT, (uint32_t[]){reps[i], reps[j], reps[k]}, 3);
		for (size_t r = 0; r < n_pairs; r++)
			check(EM_TRANSLIT_DEFAULT, (uint32_t[]){pairs[r].first, reps[j], pairs[r].second}, 3);
	}
	/* Random words of any characters. */
	for (int r = 0; r < 10000; r++) {
		uint32_t w[12];
		size_t n = 1 + rng(12);
		for (size_t k = 0; k < n; k++) {
			uint32_t pick = rng(4);
			w[k] = pick < 2 ? cps[rng((uint32_t)n_cps)] : pick == 2 ? reps[rng((uint32_t)n_han_reps)]
									: symbols[rng((uint32_t)n_symbols)].cp;
		}
		check(r % 4 ? EM_TRANSLIT_DEFAULT : EM_TRANSLIT_PLAIN, w, n);
	}
	fprintf(stderr, "gen-han-table: %zu Han code points (%zu left to ICU), %zu distinct outputs, %zu context pairs, "
		"%zu symbols: ICU's answer on all %zu words checked\n", n_cps, n_skipped, n_readings, n_pairs, n_symbols,
		n_checked);
}

/* ---- writing ---- */

static void write_table(void)
{
	char tmp[4096];
	FILE *f = gen_open(out_path, tmp, sizeof tmp, "gen_han_table.c", "text/han.h");
	fprintf(f, "static const uint32_t ranges[][3] = {\n");
	for (size_t k = 0; k < n_ranges; k++)
		fprintf(f, "\t{0x%04X, %u, %u},\n", ranges[k][0], ranges[k][1], ranges[k][2]);
	fprintf(f, "};\n\nstatic const uint16_t entries[] = {");
	for (size_t k = 0; k < n_cps; k++)
		fprintf(f, "%s%u,", k % 16 ? "" : "\n\t", entries[k]);
	fprintf(f, "\n};\n\nstatic const em_han_symbol symbols[] = {\n");
	for (size_t k = 0; k < n_symbols; k++)
		fprintf(f, "\t{0x%04X, %u, %u},\n", symbols[k].cp, symbols[k].output, symbols[k].classes);
	fprintf(f, "};\n\nstatic const em_han_pair pairs[] = {\n");
	for (size_t k = 0; k < n_pairs; k++)
		fprintf(f, "\t{0x%04X, 0x%04X, %u},\n", pairs[k].first, pairs[k].second, pairs[k].reading);
	fprintf(f, "};\n\nstatic const uint32_t offsets[] = {");
	for (size_t k = 0; k < n_readings; k++)
		fprintf(f, "%s%u,", k % 16 ? "" : "\n\t", offsets[k]);
	fprintf(f, "\n};\n");
	gen_write_pool(f, pool, pool_len);
	fprintf(f, "\nconst em_han_table em_han_icu = {\n\tranges, %zu, entries, symbols, %zu, pairs, %zu,\n"
		   "\tpool, offsets, %zu, %u, \"%s\",\n};\n",
		n_ranges, n_symbols, n_pairs, n_readings, units_max, U_ICU_VERSION);
	gen_close(f, tmp, out_path);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-han-table OUT.c\n");
		return 2;
	}
	out_path = argv[1];
	gen_open_chains();
	offsets = xcalloc(POOL_SLOTS, sizeof *offsets);
	read_han_latin();
	read_characters();
	read_pairs();
	read_symbols();
	check_all();
	write_table();
	gen_close_chains();
	free(cps), free(nfkc_of), free(entries), free(ranges), free(offsets), free(pool);
	u_cleanup();
	return 0;
}
