/*
 * chain.c: which ICU transliterators make each romanization (the rules below), and how their
 * output becomes lower-case ASCII. See chain.h for why this is a file of its own.
 */
#include <stdbool.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "text/chain.h"

/*
 * Two romanizations: BGN/PCGN first for Russian, Ukrainian and Belarusian (as OFAC and the UN
 * write names from those languages), and ICU's plain Any-Latin, which undoes a letter-by-letter
 * Cyrillic spelling of a foreign word ("Енгинееринг" -> "engineering") better than BGN does.
 */
static const char *const TRANSLIT_IDS[EM_TRANSLIT_COUNT] = {
	"Russian-Latin/BGN; Ukrainian-Latin/BGN; Belarusian-Latin/BGN; Any-Latin; Latin-ASCII",
	"Any-Latin; Latin-ASCII",
};

/*
 * Letters of Urdu, Pashto, Sindhi, Kurdish and Uyghur that ICU's Any-Latin leaves alone (they
 * would vanish from the name: "لمیٹڈ" read "lmy"): each becomes the Arabic or Persian letter
 * that sounds closest, so the rest of the chain and the skeletons treat it as that letter.
 * Tteh, ddal, rreh (Urdu retroflexes) as t, d, r; Pashto dze and tse as z and s; the nasal and
 * ng letters as n; the Kurdish and Uyghur vowels as waw, ya or e.
 */
#define ARABIC_SCRIPT_EXTRAS                                                                                       \
	"[\\u0679\\u067A\\u067C\\u067D\\u067F] > \\u062A; [\\u067B\\u0680] > \\u0628; \\u0681 > \\u0632; \\u0685 > \\u0633; "      \
	"\\u0684 > \\u062C; \\u0687 > \\u0686; [\\u0688-\\u068F] > \\u062F; [\\u0691-\\u0695\\u0699] > \\u0631; \\u0696 > \\u0698; "   \
	"[\\u06AB\\u06B3] > \\u06AF; \\u06AA > \\u06A9; \\u06A6 > \\u0641; \\u06B5 > \\u0644; [\\u0683\\u06B1\\u06BA-\\u06BC] > \\u0646; "   \
	"[\\u06C0\\u06C2] > \\u0647; [\\u06C4-\\u06CA\\u06CF] > \\u0648; [\\u06CD\\u06CE\\u06D0\\u06D3] > \\u06CC; \\u06D5 > e; "         \
	"\\u0671 > \\u0627; "

/*
 * The same as rules, with two repairs: Urdu letters ICU leaves alone (yeh barree, heh goal,
 * heh doachashmee) become their Arabic counterparts, and ta marbuta, which Latin spellings end
 * with -a or -ah (Hamza, Hamzah), becomes h rather than t. The plain reading, the one for
 * foreign words spelt letter by letter in Cyrillic, also writes yo as "yo" (BELOZYOROV, where
 * BGN/PCGN writes "e") and ka as "c", as English words written in Cyrillic use it ("Ко" for Co.,
 * "Електроникс" for Electronics; Russian names still meet their k spellings through the
 * phonetic keys, and the BGN reading is always tried too). It also reads tha as s and dhal,
 * dad and zah as z, as Persian and Urdu say them: the matcher tries it on Persian and Urdu names
 * (em_text_has_persian_reading). Used when ICU accepts the rules.
 */
#define DEFAULT_RULES                                                                                              \
	ARABIC_SCRIPT_EXTRAS "\\u06D2 > \\u06CC; \\u06C1 > \\u0647; \\u06BE > \\u0647; \\u06C3 > \\u0629; "                    \
	":: Russian-Latin/BGN; :: Ukrainian-Latin/BGN; :: Belarusian-Latin/BGN; :: Any-Latin; "                    \
	"\\u1E97 > h; "
#define PLAIN_RULES                                                                                                \
	ARABIC_SCRIPT_EXTRAS "\\u06D2 > \\u06CC; \\u06C1 > \\u0647; \\u06BE > \\u0647; \\u06C3 > \\u0629; "                    \
	"\\u0451 > yo; \\u0401 > Yo; \\u043A > c; \\u041A > C; "                                                     \
	"\\u062B > \\u0633; [\\u0630\\u0636\\u0638] > \\u0632; "                                                      \
	":: Any-Latin; \\u1E97 > h; "
static const char *const TRANSLIT_RULES[EM_TRANSLIT_COUNT] = {
	DEFAULT_RULES ":: Latin-ASCII;",
	PLAIN_RULES ":: Latin-ASCII;",
};
/* The same without the last step, Latin-ASCII (see em_translit_open_prefix). */
static const char *const TRANSLIT_PREFIX_RULES[EM_TRANSLIT_COUNT] = {DEFAULT_RULES, PLAIN_RULES};

/* A transliterator from the project's rules, under a name of its own; NULL when ICU refuses them. */
static UTransliterator *open_rules(const char *name, const char *rules_text)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar id[64], rules[2048];
	UParseError pe;
	u_uastrcpy(id, name);
	int32_t rl = u_unescape(rules_text, rules, (int32_t)(sizeof rules / sizeof rules[0]));
	UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, rules, rl, &pe, &st);
	return U_FAILURE(st) ? NULL : t;
}

UTransliterator *em_translit_open(em_translit which)
{
	bool plain = which == EM_TRANSLIT_PLAIN;
	UTransliterator *t = open_rules(plain ? "embargo-plain" : "embargo-default", TRANSLIT_RULES[which]);
	if (t)
		return t;
	/* Fall back to the plain IDs, then to Any-Latin alone (an ICU without BGN tables). */
	UErrorCode st = U_ZERO_ERROR;
	UChar id[256];
	u_uastrcpy(id, TRANSLIT_IDS[which]);
	t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		st = U_ZERO_ERROR;
		u_uastrcpy(id, TRANSLIT_IDS[EM_TRANSLIT_PLAIN]);
		t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	}
	return U_FAILURE(st) ? NULL : t;
}

UTransliterator *em_translit_open_prefix(em_translit which)
{
	return open_rules(which == EM_TRANSLIT_PLAIN ? "embargo-plain-prefix" : "embargo-default-prefix",
			  TRANSLIT_PREFIX_RULES[which]);
}

UTransliterator *em_translit_open_latin_ascii(void)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar id[16];
	u_uastrcpy(id, "Latin-ASCII");
	UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	return U_FAILURE(st) ? NULL : t;
}

size_t em_translit_keep_ascii(const UChar *buf, int32_t ulen, char *out, size_t cap)
{
	size_t o = 0;
	for (int32_t k = 0; k < ulen && o + 1 < cap; k++) {
		UChar c = buf[k];
		if (c < 0x80) {
			out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
		} else if (c == 0x00B7 || c == 0x02B9) {
			/* BGN/PCGN's middle dot and prime only disambiguate letters: drop them */
		} else if (c == 0x02BF || c == 0x02BE || c == 0x02BB || c == 0x02BC || c == 0x2019 ||
			   c == 0x2018 || c == 0x00B4) {
			out[o++] = '\''; /* ayn, hamza and curly apostrophes: treated as apostrophes */
		} else if (u_isspace(c) || u_ispunct(c)) {
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
	return o;
}
