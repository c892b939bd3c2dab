/*
 * Tests of the romanization tables (src/text/translit.c and letters.c): a word in another
 * script than Latin, romanized letter by letter from the Cyrillic and Arabic table, or by the
 * chain without its last step and then folded from the Latin-ASCII table, must come out byte
 * for byte as the whole chain gives it, ICU being opened here directly through the library's
 * chain. Checked in both romanizations on every word of the evaluation sets and of
 * the UN list, and on hand-written words: BGN/PCGN primes and middle dots, marks and
 * punctuation, Cyrillic letters BGN/PCGN leaves to Any-Latin (Serbian, Macedonian, Kazakh),
 * Arabic with vowel marks and tatweel, ta marbuta, words mixing scripts. The library's cache is
 * emptied before each word, so every answer is computed, not remembered.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "embargo/embargo.h"
#include "icu_chain.h"
#include "test.h"
#include "text/chain.h"
#include "text/letters.h"
#include "text/text.h"

#define OUT_MAX 4096

static UTransliterator *icu[EM_TRANSLIT_COUNT];
static size_t words, differ;

/* ICU's answer for one word, as translit.c computed it before the tables (icu_chain.h). */
static int icu_word(em_translit which, const char *w, size_t wl, char *out, size_t cap)
{
	return icu_chain_word(icu[which], w, wl, out, cap);
}

/* Whether a word holds a letter of a script other than Latin: the words the chain romanizes
 * (Latin words are folded from another table, before any chain). */
static bool other_script(const char *w, size_t wl)
{
	for (int32_t i = 0; (size_t)i < wl;) {
		UChar32 c;
		U8_NEXT(w, i, (int32_t)wl, c);
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode sc = c < 0 ? USCRIPT_COMMON : uscript_getScript(c, &st);
		if (sc != USCRIPT_LATIN && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED)
			return true;
	}
	return false;
}

/* Compares the library with the whole chain on each word of s (split at spaces) in another script. */
static void compare_words(const char *s)
{
	size_t len = strlen(s);
	for (size_t w = 0; w < len;) {
		size_t e = w;
		while (e < len && s[e] != ' ')
			e++;
		if (e > w && e - w < 200 && other_script(s + w, e - w)) {
			for (int which = 0; which < EM_TRANSLIT_COUNT; which++) {
				char want[OUT_MAX], got[OUT_MAX];
				int wn = icu_word((em_translit)which, s + w, e - w, want, sizeof want);
				em_text_forget_words();
				int gn = em_text_to_ascii_with(s + w, e - w, got, sizeof got, NULL, (em_translit)which);
				words++;
				if (wn < 0 || gn < 0 || strcmp(want, got) != 0) {
					if (differ++ < 10)
						printf("     '%.*s' (%d): chain '%s', library '%s'\n", (int)(e - w), s + w, which,
						       wn < 0 ? "-" : want, gn < 0 ? "-" : got);
				}
			}
		}
		w = e + 1;
	}
}

static void eval_file(const char *name)
{
	FILE *f = fopen(shared_path(name), "r");
	CHECK(f != NULL);
	char line[4096];
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		for (char *p = line; *p; p++)
			if (*p == '\t' || *p == ',')
				*p = ' ';
		compare_words(line);
	}
	if (f)
		fclose(f);
}

static void evaluation_sets(void)
{
	words = differ = 0;
	eval_file("eval/positives.tsv");
	eval_file("eval/crossscript.tsv");
	eval_file("eval/negatives.tsv");
	printf("     %zu words (both romanizations), %zu differ\n", words, differ);
	CHECK(words > 20000);
	CHECK_EQ_INT((int)differ, 0);
}

static void un_list(void)
{
	words = differ = 0;
	em_list *un = NULL;
	CHECK_EQ_INT(em_list_read_file(&un, shared_path("data/un/consolidated.xml"), NULL), 0);
	for (size_t i = 0; un && i < em_list_count(un); i++) {
		const em_entity *e = em_list_entity(un, i);
		for (size_t k = 0; k < e->n_names; k++)
			compare_words(e->names[k].full);
	}
	em_list_free(un);
	printf("     %zu words (both romanizations), %zu differ\n", words, differ);
	CHECK(words > 500);
	CHECK_EQ_INT((int)differ, 0);
}

/* Words whose romanization leaves what the table must fold: BGN/PCGN primes and middle dots,
 * ayn and hamza, marks, punctuation, letters of many scripts. */
static void hand_written(void)
{
	words = differ = 0;
	static const char *const cases[] = {
		"Подъячев", "Мальцев", "Выезжаев", "Ыйыы", "Ёлкин", "Щукин", "Їжак", "Ґанок", "Ўладзімір", "Єгор",
		"عبدالله", "مسعود", "ؤ", "إبراهيم", "القاعدة", "ة", "ّ", "ﷲ", "پاکستان", "ڈیرہ",
		"Ἀθῆναι", "Ψωμί", "ΤΡΑΠΕΖΑ", "שלום", "ירושלים", "Հայաստան", "საქართველო", "हिन्दी", "ภาษาไทย",
		"한국어", "カタカナ", "ひらがな", "Ærøпорт", "Œuvreский", "straßeвич", "Ŀl", "Сабʼави", "Даʹуд",
		"Пётр-Иванович", "Ђорђевић", "Љубљана", "Његош", "Ќерка", "Ѕвезда", "Џон", "Қазақстан", "Әлем", "Ұлы",
		"Өзбек", "Һава", "Ғалым", "مُحَمَّد", "أَحْمَد", "ـعلـي", "مدرسة", "Рзаعلي", "ΑλφаВ", "Ωмега", "ئۇيغۇر", "«Газпром»", "Сбер…банк", "ООО“Ромашка”", "№5", "Юлия‐Мария",
		/* What the letter table leaves to ICU, and what is next to it: Ё at the start and after
		 * punctuation, BGN/PCGN's first pass (э, ы, е, ё before е or ё), joiners, Common signs. */
		"Алексеевич", "СЕРГЕЕВНА", "ЭЕ", "эё", "Выё", "Ёё", "иее", "аеее", "Ё", "ё", "Ёж", "ЁЖ", "СЕМЁН", "ПЁТР",
		"-Ёлка", "1Ёж", "۔Ёж", "Ivanов", "Sergeeвич", "مصباح‌زاده", "علم‌الهدی-مصباح", "٣٤", "؟", "محمد،", "ۀ",
		"Тс", "ТСЫ", "шчь", "Йа", "ЪЕ", "ьё", "йе", "Зг", "зг", "Ії", "Є", "ЇЄ", "Ў", "Ґґ",
		/* Latin text with letters and signs beyond the accented ones (Azerbaijani schwa,
		 * ayn and hamza of romanized Arabic, joiners, dashes), with a letter of another script
		 * so that the words go through the chain. */
		"Əhmədov ж", "ʿbdallh ж", "alʿwany ж", "braʾt ж", "msbah‌zadh ж", "Gövhər–Rəsad ж", "ɡʁɛ ж",
		/* Bopomofo tone marks sit among the modifier letters, but are no Latin: the chain's. */
		"ma˫", "Tee˪é",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		compare_words(cases[i]);
	printf("     %zu words (both romanizations), %zu differ\n", words, differ);
	CHECK_EQ_INT((int)differ, 0);
}

/* Every accented Latin letter, modifier letter and general punctuation sign alone: the Latin
 * fold tables (made from the same answers of Latin-ASCII) or ICU, as the whole chain gives it.
 * Not t with a dieresis (U+1E97), which the chain rewrites as h for the Arabic ta marbuta it
 * comes from, and Latin text keeps as t; nor the right single quotation mark (U+2019), an
 * apostrophe in Latin text and a double prime after the chain's Ukrainian BGN/PCGN step:
 * neither is a letter, so names match the same. */
static void latin_blocks(void)
{
	words = differ = 0;
	for (UChar32 c = 0xA0; c <= 0x206F; c++) {
		if ((c > 0x2FF && c < 0x1E00) || (c > 0x1EFF && c < 0x2000) || c == 0x1E97 || c == 0x2019)
			continue;
		char w[8], want[OUT_MAX], got[OUT_MAX];
		int32_t n = 0;
		U8_APPEND_UNSAFE(w, n, c);
		int wn = icu_word(EM_TRANSLIT_DEFAULT, w, (size_t)n, want, sizeof want);
		int gn = em_text_to_ascii_with(w, (size_t)n, got, sizeof got, NULL, EM_TRANSLIT_DEFAULT);
		words++;
		if (wn < 0 || gn < 0 || strcmp(want, got) != 0) {
			if (differ++ < 10)
				printf("     U+%04X: chain '%s', library '%s'\n", (unsigned)c, wn < 0 ? "-" : want, gn < 0 ? "-" : got);
		}
	}
	printf("     %zu letters, %zu differ\n", words, differ);
	CHECK_EQ_INT((int)differ, 0);
}

/*
 * The letter table answers for the Cyrillic and Arabic words of the evaluation sets, all but a
 * few (the first pass of BGN/PCGN), and leaves to ICU what it must: a broken table, or one
 * that sent everything to ICU, fails here.
 */
static void letter_table(void)
{
	char out[OUT_MAX], want[OUT_MAX];
	static const char *const served[] = {"Иванов", "Сергей", "Наталья", "محمد", "عبدالله", "پاکستان", "Їжак", "Пётр"};
	for (size_t i = 0; i < sizeof served / sizeof served[0]; i++)
		for (int which = 0; which < EM_TRANSLIT_COUNT; which++) {
			size_t len = strlen(served[i]);
			int n = em_letters_romanize(&em_letters_icu, (em_translit)which, served[i], len, out, sizeof out);
			CHECK(n > 0);
			CHECK(icu_word((em_translit)which, served[i], len, want, sizeof want) >= 0);
			CHECK_EQ_STR(n > 0 ? out : "-", want);
		}
	static const char *const left[] = {"Ёлкин", "Алексеевич", "مُحَمَّد", "محمد،", "한국"};
	for (size_t i = 0; i < sizeof left / sizeof left[0]; i++)
		CHECK(em_letters_romanize(&em_letters_icu, EM_TRANSLIT_DEFAULT, left[i], strlen(left[i]), out, sizeof out) < 0);
	/* ASCII is the table's too: the chain leaves it as it is, in lower case. */
	CHECK_EQ_INT(em_letters_romanize(&em_letters_icu, EM_TRANSLIT_DEFAULT, "Ivan", 4, out, sizeof out), 4);
	CHECK_EQ_STR(out, "ivan");
	/* A reading that does not fit the caller's buffer goes to ICU, which truncates. */
	CHECK(em_letters_romanize(&em_letters_icu, EM_TRANSLIT_DEFAULT, "Щукин", strlen("Щукин"), out, 4) < 0);
	CHECK(em_letters_romanize(&em_letters_icu, EM_TRANSLIT_DEFAULT, "\xD0", 1, out, sizeof out) < 0);
	/* The share of the evaluation sets' Cyrillic and Arabic words the table answers. */
	size_t total = 0, answered = 0;
	static const char *const files[] = {"eval/positives.tsv", "eval/crossscript.tsv", "eval/negatives.tsv"};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		FILE *f = fopen(shared_path(files[k]), "r");
		CHECK(f != NULL);
		char line[4096];
		while (f && fgets(line, sizeof line, f)) {
			for (char *w = strtok(line, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
				size_t len = strlen(w);
				bool cyrillic_or_arabic = len >= 2 && ((unsigned char)w[0] == 0xD0 || (unsigned char)w[0] == 0xD1 ||
								       (unsigned char)w[0] == 0xD8 || (unsigned char)w[0] == 0xD9 ||
								       (unsigned char)w[0] == 0xDA || (unsigned char)w[0] == 0xDB);
				if (!cyrillic_or_arabic)
					continue;
				for (int which = 0; which < EM_TRANSLIT_COUNT; which++) {
					total++;
					answered += em_letters_romanize(&em_letters_icu, (em_translit)which, w, len, out, sizeof out) >= 0;
				}
			}
		}
		if (f)
			fclose(f);
	}
	printf("     %zu of %zu Cyrillic and Arabic readings from the table (ICU %s)\n", answered, total,
	       em_letters_icu.icu_version);
	CHECK(total > 5000);
	CHECK(answered * 100 > total * 95);
}

int main(void)
{
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
		CHECK((icu[i] = em_translit_open((em_translit)i)) != NULL);
	RUN(hand_written);
	RUN(letter_table);
	RUN(latin_blocks);
	RUN(evaluation_sets);
	RUN(un_list);
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
		utrans_close(icu[i]);
	return TEST_REPORT();
}
