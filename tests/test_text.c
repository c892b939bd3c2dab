/* Unit tests of name normalization: transliteration, tokens, phonetic keys, skeletons,
 * name knowledge (legal forms, variants, stop words) and the string distances. */
#include <stdint.h>
#include <string.h>

#include "test.h"

#include "match/knowledge.h"
#include "text/text.h"

static const char *ascii(const char *in)
{
	static char buf[512];
	em_script_class sc;
	if (em_text_to_ascii(in, strlen(in), buf, sizeof buf, &sc) < 0)
		return "(error)";
	return buf;
}

static void transliteration(void)
{
	char two[64];
	CHECK_EQ_STR(ascii("ABU MARZOOK, Mousa"), "abu marzook, mousa");
	CHECK_EQ_STR(ascii("Светлана Савицкая"), "svetlana savitskaya"); /* BGN/PCGN */
	CHECK_EQ_STR(ascii("İbrahim Şahin"), "ibrahim sahin");
	CHECK_EQ_STR(ascii("Γιώργος"), "giorgos");
	CHECK_EQ_STR(ascii("钟明轩"), "zhong ming xuan");
	CHECK_EQ_STR(ascii("صدام حسين"), "sdam hsyn");
	/* Urdu and Pashto letters ICU leaves alone are read as their nearest Arabic letters (ICU's
	 * own chain would drop them: "لمیٹڈ" read "lmy"). */
	CHECK_EQ_STR(ascii("لمیٹڈ"), "lmytd");
	CHECK_EQ_STR(ascii("چوہدری"), "chwhdry");
	CHECK_EQ_STR(ascii("ډېر ړوند ټول"), "dyr rwnd twl");
	CHECK_EQ_STR(ascii("ڑ"), "r");
	/* Persian and Urdu read tha, dhal, dad and zah as s and z: the plain reading does too, and
	 * it is tried only on Persian or Urdu text that has one of them. */
	em_text_to_ascii_with("ثناء", strlen("ثناء"), two, sizeof two, NULL, EM_TRANSLIT_PLAIN);
	CHECK_EQ_STR(two, "sna'");
	CHECK(em_text_has_persian_reading("ثناء اللہ", strlen("ثناء اللہ")));
	CHECK(!em_text_has_persian_reading("ثناء الله", strlen("ثناء الله"))); /* Arabic */
	CHECK(!em_text_has_persian_reading("عامر علی", strlen("عامر علی")));  /* nothing to read otherwise */
	/* The two Cyrillic readings: BGN/PCGN writes yo as e, the plain one as yo. */
	em_text_to_ascii_with("Олег Белозёров", strlen("Олег Белозёров"), two, sizeof two, NULL, EM_TRANSLIT_DEFAULT);
	CHECK_EQ_STR(two, "oleg belozerov");
	em_text_to_ascii_with("Олег Белозёров", strlen("Олег Белозёров"), two, sizeof two, NULL, EM_TRANSLIT_PLAIN);
	CHECK_EQ_STR(two, "oleg belozyorov");
	em_text_to_ascii_with("Синно Електроникс Ко.", strlen("Синно Електроникс Ко."), two, sizeof two, NULL,
			      EM_TRANSLIT_PLAIN);
	CHECK_EQ_STR(two, "sinno electronics co.");
	/* Word by word through the cache gives what the whole name gives, twice over. */
	CHECK_EQ_STR(ascii("Светлана Савицкая Светлана"), "svetlana savitskaya svetlana");
	CHECK_EQ_STR(ascii("  عبد  الله  "), "  'bd  allh  "); /* spaces kept as they stand */
	em_script_class sc;
	char buf[64];
	em_text_to_ascii("حسين", strlen("حسين"), buf, sizeof buf, &sc);
	CHECK(sc == EM_SCRIPT_ABJAD);
	em_text_to_ascii("Иван", strlen("Иван"), buf, sizeof buf, &sc);
	CHECK(sc == EM_SCRIPT_CYRILLIC);
	CHECK(em_text_to_ascii("\xff\xfe", 2, buf, sizeof buf, &sc) <= 0);
}

static void tokens(void)
{
	em_tokens t;
	em_text_tokenize("AL-SA'DI, Amir Hamudi", &t);
	CHECK_EQ_INT(t.n, 4);
	CHECK_EQ_STR(t.tok[0].text, "al");
	CHECK_EQ_STR(t.tok[1].text, "sadi");
	CHECK_EQ_INT(t.comma_at, 2);
	em_text_tokenize("CLOSED J.S.C. RSK", &t);
	CHECK_EQ_INT(t.n, 3);
	CHECK_EQ_STR(t.tok[1].text, "jsc");
	em_text_tokenize("KT SERVICES & LOGISTICS", &t);
	CHECK_EQ_INT(t.n, 4);
	CHECK_EQ_STR(t.tok[2].text, "and");
	em_text_tokenize("صدام حسين التكريتي", &t);
	CHECK_EQ_INT(t.n, 4); /* the article is split off as Latin spellings write it */
	CHECK_EQ_STR(t.tok[2].text, "al");
	CHECK_EQ_STR(t.tok[3].text, "tkryty");
	em_text_tokenize("", &t);
	CHECK_EQ_INT(t.n, 0);
	em_text_tokenize(NULL, &t);
	CHECK_EQ_INT(t.n, 0);
}

/* Rotating buffers so two results can be compared in one expression. */
static char *slot(void)
{
	static char buf[4][128];
	static int n;
	return buf[n++ % 4];
}

static const char *phon(const char *s)
{
	char *b = slot();
	em_text_phonetic(s, strlen(s), b, 128);
	return b;
}

static const char *skel(const char *s)
{
	char *b = slot();
	em_text_skeleton(s, strlen(s), b, 128);
	return b;
}

static void phonetic_keys(void)
{
	CHECK_EQ_STR(phon("khaled"), phon("haled"));
	CHECK_EQ_STR(phon("joumaa"), phon("jumaa"));
	CHECK_EQ_STR(phon("petroff"), phon("petrov"));
	CHECK_EQ_STR(phon("genrikh"), phon("genrih"));
	CHECK_EQ_STR(phon("scientific"), phon("skientifik"));
	CHECK_EQ_STR(phon("technical"), phon("technikal"));
	CHECK_EQ_STR(phon("tolchinskiy"), phon("tolchinskii"));
	CHECK(strcmp(phon("ivanov"), phon("petrov")) != 0);
	/* Russian ее as BGN/PCGN writes it and as others do; not other vowels before ye. */
	CHECK_EQ_STR(phon("sergeyevich"), phon("sergeevich"));
	CHECK_EQ_STR(phon("alekseyevna"), phon("alexeevna"));
	CHECK(strcmp(phon("bayer"), phon("baer")) != 0);
	/* Arabic-script spellings meet Latin ones through the skeleton. */
	CHECK_EQ_STR(skel("saddam"), skel("sdam"));
	CHECK_EQ_STR(skel("hussein"), skel("hsyn"));
	CHECK_EQ_STR(skel("tikriti"), skel("tkryty"));
	CHECK_EQ_STR(skel("akhund"), skel("akhwnd"));
	CHECK_EQ_STR(skel("abdallah"), skel("bdallh"));
	CHECK(strcmp(skel("hussein"), skel("hassan")) == 0); /* by design: vowels carry nothing */
	CHECK(strcmp(skel("tikriti"), skel("hassan")) != 0);
}

static void knowledge(void)
{
	em_terms t;
	em_terms_from_name("SOLLERS-FINANCE LIMITED LIABILITY COMPANY", NULL, 0, &t);
	CHECK_EQ_INT(t.n, 3);
	CHECK_EQ_STR(t.t[2].text, "llc");
	CHECK_EQ_INT(t.t[2].cls, EM_TERM_LEGAL);
	em_terms_from_name("Соллерс-Финанс ООО", NULL, 0, &t);
	CHECK_EQ_STR(t.t[t.n - 1].text, "llc");
	em_terms_from_name("Дджеко Холдинг", NULL, EM_TERMS_QUERY, &t); /* BGN writes "kholding" */
	CHECK_EQ_STR(t.t[t.n - 1].text, "group");
	CHECK_EQ_INT(t.t[t.n - 1].cls, EM_TERM_LEGAL);
	em_terms_from_name("ZEEL - M CO., LTD.", NULL, 0, &t);
	CHECK_EQ_STR(t.t[t.n - 1].text, "coltd");
	em_terms_from_name("ZEEL - M COMPANY LIMITED", NULL, 0, &t);
	CHECK_EQ_STR(t.t[t.n - 1].text, "coltd");
	em_terms_from_name("PUBLIC JOINT STOCK COMPANY ALMAZ", NULL, 0, &t);
	CHECK_EQ_STR(t.t[0].text, "pjsc");
	em_terms_from_name("PUBLIC AO ALMAZ", NULL, 0, &t);
	CHECK_EQ_STR(t.t[0].text, "pjsc");
	em_terms_from_name("Mohamed Hossein", NULL, 0, &t);
	CHECK_EQ_STR(t.t[0].text, "muhammad");
	CHECK_EQ_STR(t.t[1].text, "husayn");
	em_terms_from_name("AL-RAWI, Dr. Adnan", NULL, 0, &t);
	CHECK_EQ_INT(t.t[0].cls, EM_TERM_STOP);
	CHECK(t.t[1].family);
	CHECK(!t.t[3].family);
	CHECK_EQ_INT(t.t[2].cls, EM_TERM_STOP); /* dr */
	/* A person's name keeps a word that is also a legal form ("AG" in a Tuareg name). */
	em_terms_from_name("IYAD AG GHALI", NULL, 0, &t);
	CHECK_EQ_INT(t.t[1].cls, EM_TERM_LEGAL);
	em_terms_from_name("IYAD AG GHALI", NULL, EM_TERMS_PERSON, &t);
	CHECK(t.t[1].cls != EM_TERM_LEGAL);
	CHECK_EQ_STR(t.t[1].text, "ag");
	em_terms_from_name("IYAD AG GHALI", NULL, EM_TERMS_QUERY | EM_TERMS_PERSON, &t);
	CHECK(t.t[1].cls != EM_TERM_LEGAL);
	/* Arabic-script legal forms, as romanized; and a romanized Arabic word is never corrected
	 * to a knowledge word it resembles (شبكة, network, is no spelling of Shaykh). */
	em_terms_from_name("شركة النور", NULL, EM_TERMS_QUERY, &t);
	CHECK_EQ_STR(t.t[0].text, "co");
	CHECK_EQ_INT(t.t[0].cls, EM_TERM_LEGAL);
	em_terms_from_name("شبكة محمد", NULL, EM_TERMS_QUERY, &t);
	CHECK_EQ_STR(t.t[0].text, "shbkh");
	CHECK_EQ_INT(t.t[0].cls, EM_TERM_NAME);
	em_terms_from_name("shaykx", NULL, EM_TERMS_QUERY, &t); /* in Latin a slip is still read as the word */
	CHECK_EQ_STR(t.t[0].text, "shaykh");
	em_terms_from_name("حركة", NULL, EM_TERMS_QUERY, &t); /* movement, one letter from شركة */
	CHECK_EQ_INT(t.t[0].cls, EM_TERM_NAME);
	/* "and the" and "for the" written onto a word: the article stays, the rest goes. */
	em_terms_from_name("والشام للصرافة", NULL, EM_TERMS_QUERY, &t);
	CHECK_EQ_INT(t.n, 4);
	CHECK_EQ_STR(t.t[1].text, "sham");
	CHECK_EQ_STR(t.t[3].text, "srafh");
	CHECK_EQ_STR(em_knowledge_translation("sham"), "levant");
	CHECK_EQ_STR(em_knowledge_translation("shbkh"), "network");
	CHECK(em_knowledge_translation("network") == NULL);
	em_terms_from_name("راحت لمیٹڈ", NULL, EM_TERMS_QUERY, &t);
	CHECK_EQ_STR(t.t[1].text, "ltd");
}

static void distances(void)
{
	CHECK_EQ_INT(em_osa_distance("griber", 6, "griebr", 6), 1); /* one transposition */
	CHECK_EQ_INT(em_osa_distance("kitten", 6, "sitting", 7), 3);
	CHECK_EQ_INT(em_osa_distance("abcd", 4, "abdc", 4), 1);
	CHECK_EQ_INT(em_osa_distance("", 0, "abc", 3), 3);
	CHECK(em_jaro_winkler("martha", 6, "marhta", 6) > 0.96);
	CHECK(em_jaro_winkler("abc", 3, "xyz", 3) == 0.0);
	CHECK(em_jaro_winkler("same", 4, "same", 4) == 1.0);
	CHECK_EQ_INT(em_osa_distance_within("kitten", 6, "sitting", 7, 2), 3); /* 3 = more than 2 */
	CHECK_EQ_INT(em_osa_distance_within("griber", 6, "griebr", 6, 1), 1);
	CHECK_EQ_INT(em_osa_distance_within("abc", 3, "abcdef", 6, 2), 3);
}

/* The bit-parallel bounded distance agrees with the table wherever the table is within the bound. */
static void bounded_distance(void)
{
	uint32_t seed = 12345;
	size_t disagree = 0;
	for (int n = 0; n < 20000; n++) {
		char a[24], b[24];
		seed = seed * 1103515245u + 12345u;
		size_t la = 1 + (seed >> 16) % 12;
		for (size_t i = 0; i < la; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = (char)('a' + (seed >> 16) % 4); /* a small alphabet: many near strings */
		}
		/* b: a with up to three random edits */
		memcpy(b, a, la);
		size_t lb = la;
		seed = seed * 1103515245u + 12345u;
		for (unsigned e = (seed >> 16) % 4; e > 0; e--) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 16) % (lb + 1);
			unsigned op = (seed >> 8) % 4;
			if (op == 0 && lb < 20) { /* insert */
				memmove(b + at + 1, b + at, lb - at);
				b[at] = 'a' + (char)((seed >> 4) % 4);
				lb++;
			} else if (op == 1 && at < lb && lb > 1) { /* delete */
				memmove(b + at, b + at + 1, lb - at - 1);
				lb--;
			} else if (op == 2 && at < lb) {
				b[at] = 'a' + (char)((seed >> 4) % 4);
			} else if (at + 1 < lb) {
				char t = b[at];
				b[at] = b[at + 1];
				b[at + 1] = t;
			}
		}
		int full = em_osa_distance(a, la, b, lb);
		for (int max = 0; max <= 3; max++) {
			int banded = em_osa_distance_within(a, la, b, lb, max);
			disagree += banded != (full <= max ? full : max + 1);
		}
		disagree += em_osa_within_one(a, la, b, lb) != (full <= 1 ? full : 2);
	}
	CHECK_EQ_INT((int)disagree, 0);
}

int main(void)
{
	RUN(transliteration);
	RUN(tokens);
	RUN(phonetic_keys);
	RUN(knowledge);
	RUN(distances);
	RUN(bounded_distance);
	return TEST_REPORT();
}
