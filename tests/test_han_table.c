/*
 * Tests of the Chinese table (src/text/han.h): a Chinese word romanized from it is byte for byte
 * what ICU gives, ICU being opened here directly through the library's chain and run word by
 * word, as translit.c did before the table. Checked on every Chinese name of the evaluation
 * negatives (zh_CN) and of the UN list, on hand-written cases (the context rules, mixed words,
 * characters outside the BMP or without a reading), on every code point of the table, and
 * on broken copies of the table, which these checks must catch.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

#include "embargo/embargo.h"
#include "icu_chain.h"
#include "test.h"
#include "text/chain.h"
#include "text/han.h"
#include "text/text.h"

#define OUT_MAX 4096
#define NAMES_MAX 8192

static UTransliterator *icu[EM_TRANSLIT_COUNT];

/* ICU's answer for one word, as translit.c computed it before the tables (icu_chain.h). */
static int icu_word(em_translit which, const char *w, size_t wl, char *out, size_t cap)
{
	return icu_chain_word(icu[which], w, wl, out, cap);
}

/* ICU's answer for a name: word by word (split at spaces), as translit.c did. */
static int icu_text(em_translit which, const char *s, char *out, size_t cap)
{
	size_t len = strlen(s), o = 0;
	for (size_t w = 0; w <= len;) {
		size_t e = w;
		while (e < len && s[e] != ' ')
			e++;
		if (e > w) {
			int n = icu_word(which, s + w, e - w, out + o, cap - o);
			if (n < 0)
				return -1;
			o += (size_t)n;
		}
		if (e < len && o + 1 < cap)
			out[o++] = ' ';
		w = e + 1;
	}
	out[o] = '\0';
	return (int)o;
}

static bool has_han(const char *s, size_t len)
{
	for (int32_t i = 0; (size_t)i < len;) {
		UChar32 c;
		UErrorCode st = U_ZERO_ERROR;
		U8_NEXT(s, i, (int32_t)len, c);
		if (c >= 0 && uscript_getScript(c, &st) == USCRIPT_HAN)
			return true;
	}
	return false;
}

typedef struct tally {
	size_t names, words, covered, wrong_names, wrong_words;
} tally;

/*
 * Compares, for each name, every Chinese word the table covers with ICU (in both romanizations),
 * and with `whole` the library's answer for the name with ICU's. Counts what differs.
 */
static tally compare(const em_han_table *t, char *const *names, size_t n, bool whole)
{
	tally r = {0, 0, 0, 0, 0};
	for (size_t k = 0; k < n; k++) {
		const char *s = names[k];
		size_t len = strlen(s);
		bool wrong = false;
		r.names++;
		for (int which = 0; which < EM_TRANSLIT_COUNT; which++) {
			char mine[OUT_MAX], ref[OUT_MAX];
			for (size_t w = 0; w < len;) {
				size_t e = w;
				while (e < len && s[e] != ' ')
					e++;
				if (e > w && has_han(s + w, e - w)) {
					int m = em_han_romanize(t, s + w, e - w, mine, sizeof mine, 1024);
					int i = icu_word((em_translit)which, s + w, e - w, ref, sizeof ref);
					r.words += which == 0;
					if (m >= 0) {
						r.covered += which == 0;
						if (m != i || strcmp(mine, ref)) {
							r.wrong_words++;
							wrong = true;
							if (r.wrong_words <= 3 && t == &em_han_icu)
								fprintf(stderr, "  '%.*s': table '%s', ICU '%s'\n", (int)(e - w), s + w,
									mine, ref);
						}
					}
				}
				w = e + 1;
			}
			if (whole) {
				int m = em_text_to_ascii_with(s, len, mine, sizeof mine, NULL, (em_translit)which);
				int i = icu_text((em_translit)which, s, ref, sizeof ref);
				if (m != i || (m >= 0 && strcmp(mine, ref))) {
					wrong = true;
					fprintf(stderr, "  '%s': library '%s', ICU '%s'\n", s, m >= 0 ? mine : "(failed)",
						i >= 0 ? ref : "(failed)");
				}
			}
		}
		r.wrong_names += wrong;
	}
	return r;
}

static char *zh_names[NAMES_MAX], *un_names[NAMES_MAX];
static size_t n_zh, n_un;

static void load_names(void)
{
	FILE *f = fopen(shared_path("eval/negatives.tsv"), "r");
	char line[4096];
	while (f && fgets(line, sizeof line, f) && n_zh < NAMES_MAX) {
		char *loc = strchr(line, '\t'), *name = loc ? strchr(loc + 1, '\t') : NULL;
		if (!name || strncmp(loc + 1, "zh_CN\t", 6))
			continue;
		name[1 + strcspn(name + 1, "\r\n")] = '\0';
		if (has_han(name + 1, strlen(name + 1)))
			zh_names[n_zh++] = strdup(name + 1);
	}
	if (f)
		fclose(f);
	em_list *un = NULL;
	if (em_list_read_file(&un, shared_path("data/un/consolidated.xml"), NULL) == 0) {
		for (size_t i = 0; i < em_list_count(un); i++) {
			const em_entity *e = em_list_entity(un, i);
			for (size_t k = 0; k < e->n_names && n_un < NAMES_MAX; k++)
				if (has_han(e->names[k].full, strlen(e->names[k].full)))
					un_names[n_un++] = strdup(e->names[k].full);
		}
		em_list_free(un);
	}
}

/* Names whose every Chinese word the table must romanize, identically to ICU. */
static void check_names(const char *what, char *const *names, size_t n)
{
	tally r = compare(&em_han_icu, names, n, true);
	printf("     %s: %zu names, %zu words, %zu from the table, %zu differ\n", what, r.names, r.words, r.covered,
	       r.wrong_words);
	CHECK_EQ_INT(r.covered, r.words);
	CHECK_EQ_INT(r.wrong_names, 0);
}

/* Every Chinese name of the negatives. */
static void zh_cn_negatives(void)
{
	CHECK(n_zh >= 2500); /* 2,549 names in zh_CN */
	check_names("zh_CN", zh_names, n_zh);
}

/* The UN list's Chinese names ("Jin Tiesan (金铁三)", "華信船務(香港)有限公司"). */
static void un_names_in_chinese(void)
{
	CHECK(n_un >= 5);
	check_names("UN", un_names, n_un);
}

/* Hand-written words; `table`: whether the table should romanize all of their Chinese words. */
static void hand_written(void)
{
	static const struct {
		const char *text;
		bool table;
	} cases[] = {
		{"藏文", true}, {"重庆", true}, {"沈阳", true}, {"秘鲁", true}, /* Han-Latin's context rules */
		{"重重庆", true}, {"重庆重", true}, {"藏⽂", true}, /* ⽂: a Kangxi radical, NFKC 文 */
		{"沈陽", true}, {"重 庆", true}, {"重-庆", true},
		{"Jin Tiesan (金铁三)", true}, {"重庆市建华水产（集团）有限公司", true}, {"華信船務(香港)有限公司", true},
		{"3号楼", true}, {"１２３号", true}, {"金·李", true}, {"约翰·史密斯", true}, {"【金】、李。", true},
		{"金\"李\"", true}, {"金,李", true}, {"金，李！", true}, {"〇〇七", true}, {"金々", true},
		{"⺀⺁金", true}, /* radicals: read, but not letters */
		{"𠀀金", true}, {"金𠀁三", true}, /* outside the BMP */
		{"𠀂", true}, {"金𠀂三", true}, {"金𤋮", true}, /* no reading in ICU */
		{"A公司", false}, {"公司A", false}, {"王Li", false}, {"田中さん", false}, {"金　李", false},
		{"金\xff", false}, /* not UTF-8: the library fails as ICU did */
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char *one[1] = {(char *)cases[k].text};
		tally r = compare(&em_han_icu, one, 1, true);
		if (r.wrong_names || (r.covered == r.words) != cases[k].table)
			fprintf(stderr, "  case '%s': %zu of %zu words from the table, %zu differ\n", cases[k].text,
				r.covered, r.words, r.wrong_words);
		CHECK_EQ_INT(r.wrong_names, 0);
		CHECK_EQ_INT(r.covered == r.words, cases[k].table);
	}
	/* Words the table leaves to ICU: none without Han, none longer than the caller allows. */
	char out[OUT_MAX], lng[OUT_MAX] = "";
	CHECK_EQ_INT(em_han_romanize(&em_han_icu, "（１）", strlen("（１）"), out, sizeof out, 1024), -1);
	CHECK_EQ_INT(em_han_romanize(&em_han_icu, "Иван", strlen("Иван"), out, sizeof out, 1024), -1);
	for (size_t i = 0; i < 300; i++)
		memcpy(lng + 3 * i, "金", 4);
	CHECK_EQ_INT(em_han_romanize(&em_han_icu, lng, strlen(lng), out, sizeof out, 1024), -1);
	char *one[1] = {lng};
	CHECK_EQ_INT(compare(&em_han_icu, one, 1, true).wrong_names, 0);
	CHECK_EQ_STR(em_han_icu.icu_version, U_ICU_VERSION); /* the ICU the table came from */
}

/* Every code point of the table alone, and every symbol between two ideographs. */
static void every_code_point(void)
{
	size_t n = 0, wrong = 0;
	for (size_t r = 0; r < em_han_icu.n_ranges; r++) {
		for (uint32_t c = em_han_icu.ranges[r][0]; c < em_han_icu.ranges[r][0] + em_han_icu.ranges[r][1]; c++) {
			char w[8], mine[64], ref[64];
			int32_t len = 0;
			U8_APPEND_UNSAFE(w, len, c);
			int m = em_han_romanize(&em_han_icu, w, (size_t)len, mine, sizeof mine, 1024);
			int i = icu_word(EM_TRANSLIT_DEFAULT, w, (size_t)len, ref, sizeof ref);
			n++;
			if (m < 0 || m != i || strcmp(mine, ref))
				if (wrong++ < 3)
					fprintf(stderr, "  U+%04X: table '%s', ICU '%s'\n", c, m < 0 ? "(refused)" : mine, ref);
		}
	}
	for (size_t s = 0; s < em_han_icu.n_symbols; s++) {
		char w[16], mine[64], ref[64];
		int32_t len = 0;
		U8_APPEND_UNSAFE(w, len, 0x91CD); /* 重 */
		U8_APPEND_UNSAFE(w, len, em_han_icu.symbols[s].cp);
		U8_APPEND_UNSAFE(w, len, 0x5E86); /* 庆 */
		int m = em_han_romanize(&em_han_icu, w, (size_t)len, mine, sizeof mine, 1024);
		int i = icu_word(EM_TRANSLIT_DEFAULT, w, (size_t)len, ref, sizeof ref);
		n++;
		if (m < 0 || m != i || strcmp(mine, ref))
			if (wrong++ < 3)
				fprintf(stderr, "  '%.*s': table '%s', ICU '%s'\n", (int)len, w, m < 0 ? "(refused)" : mine, ref);
	}
	printf("     %zu code points and symbols, %zu differ\n", n, wrong);
	CHECK(n > 90000);
	CHECK_EQ_INT(wrong, 0);
}

static bool has_context_pair(const char *s)
{
	static const char *const pairs[] = {"藏文", "重庆", "沈阳", "秘鲁"};
	for (size_t k = 0; k < 4; k++)
		if (strstr(s, pairs[k]))
			return true;
	return false;
}

/* Broken copies of the table: the comparisons above must notice each. */
static void broken_tables_are_caught(void)
{
	em_han_table t = em_han_icu;
	/* Without the context pairs, exactly the names holding one of them differ (重庆: 13). */
	t.n_pairs = 0;
	size_t expect = 0;
	for (size_t k = 0; k < n_zh; k++)
		expect += has_context_pair(zh_names[k]);
	tally r = compare(&t, zh_names, n_zh, false);
	printf("     without the context pairs: %zu names differ (%zu hold one)\n", r.wrong_names, expect);
	CHECK(expect > 0);
	CHECK_EQ_INT(r.wrong_names, expect);

	/* One reading changed: 金 read as the reading of 木. */
	size_t total = 0;
	for (size_t k = 0; k < em_han_icu.n_ranges; k++)
		total += em_han_icu.ranges[k][1];
	uint16_t *entries = malloc(total * sizeof *entries);
	CHECK(entries != NULL);
	if (!entries)
		return;
	memcpy(entries, em_han_icu.entries, total * sizeof *entries);
	size_t jin = 0, mu = 0;
	for (size_t k = 0; k < em_han_icu.n_ranges; k++) {
		const uint32_t *rg = em_han_icu.ranges[k];
		if (0x91D1 >= rg[0] && 0x91D1 < rg[0] + rg[1])
			jin = rg[2] + (0x91D1 - rg[0]);
		if (0x6728 >= rg[0] && 0x6728 < rg[0] + rg[1])
			mu = rg[2] + (0x6728 - rg[0]);
	}
	t = em_han_icu;
	t.entries = entries;
	entries[jin] = (uint16_t)((entries[jin] & ~EM_HAN_ID_MASK) | (entries[mu] & EM_HAN_ID_MASK));
	r = compare(&t, zh_names, n_zh, false);
	printf("     金 read as 木: %zu names differ\n", r.wrong_names);
	CHECK(r.wrong_names > 0);

	/* Spacing broken: ideographs no longer letters, so no space between two of them. */
	memcpy(entries, em_han_icu.entries, total * sizeof *entries);
	for (size_t k = 0; k < total; k++)
		entries[k] &= (uint16_t)~(EM_HAN_LETTER << EM_HAN_ID_BITS);
	r = compare(&t, un_names, n_un, false);
	printf("     no space between ideographs: %zu of %zu UN names differ\n", r.wrong_names, r.names);
	CHECK_EQ_INT(r.wrong_names, r.names);
	free(entries);

	/* Symbols broken: '(' no longer spaced after a letter ("華信船務(香港)有限公司"). */
	em_han_symbol *symbols = malloc(em_han_icu.n_symbols * sizeof *symbols);
	CHECK(symbols != NULL);
	if (!symbols)
		return;
	memcpy(symbols, em_han_icu.symbols, em_han_icu.n_symbols * sizeof *symbols);
	for (size_t k = 0; k < em_han_icu.n_symbols; k++)
		if (symbols[k].cp == '(')
			symbols[k].classes = 0;
	t = em_han_icu;
	t.symbols = symbols;
	r = compare(&t, un_names, n_un, false);
	printf("     '(' without its class: %zu of %zu UN names differ\n", r.wrong_names, r.names);
	CHECK(r.wrong_names > 0);
	free(symbols);
}

int main(void)
{
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
		icu[i] = em_translit_open((em_translit)i);
	if (!icu[0] || !icu[1]) {
		fprintf(stderr, "ICU has no Latin transliterator\n");
		return 1;
	}
	load_names();
	RUN(zh_cn_negatives);
	RUN(un_names_in_chinese);
	RUN(hand_written);
	RUN(every_code_point);
	RUN(broken_tables_are_caught);
	for (size_t k = 0; k < n_zh; k++)
		free(zh_names[k]);
	for (size_t k = 0; k < n_un; k++)
		free(un_names[k]);
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
		utrans_close(icu[i]);
	em_text_thread_cleanup();
	return TEST_REPORT();
}
