/*
 * gen_fold_table.c: writes the table of ICU's Latin-ASCII answers a character at a time
 * (src/text/fold.h), asking ICU at build time through the library's own Latin-ASCII
 * (chain.h). A character is left out, and goes to ICU at run time, when it is a combining
 * mark (Latin-ASCII must see it with the letter before it), a surrogate, of a script other than
 * Latin or Common, or when ICU's answer is longer than four units.
 *
 * usage: gen-fold-table OUT.c
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

#define GEN_NAME "gen-fold-table"
#include "gen_common.h"
#include "text/chain.h"
#include "text/fold.h"

/* Whether the table may hold c: Latin text folds from it (translit.c), and a letter of another
 * script (the Bopomofo tone marks U+02EA-U+02EB) goes through that script's chain instead. */
static bool latin_or_common(UChar c)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode sc = uscript_getScript(c, &st);
	return sc == USCRIPT_LATIN || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED;
}

static bool is_mark(UChar c)
{
	int8_t gc = u_charType(c);
	return u_getCombiningClass(c) != 0 || gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK ||
	       gc == U_COMBINING_SPACING_MARK || U16_IS_SURROGATE(c);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-fold-table OUT.c\n");
		return 2;
	}
	UTransliterator *la = em_translit_open_latin_ascii();
	if (!la)
		die("ICU has no Latin-ASCII transliterator");
	static em_fold table[EM_FOLD_SIZE];
	size_t kept = 0;
	for (uint32_t c = EM_FOLD_LO; c <= EM_FOLD_HI3; c++) {
		int k = em_fold_index(c);
		if (k < 0 || is_mark((UChar)c) || !latin_or_common((UChar)c))
			continue;
		UChar buf[16] = {(UChar)c};
		int32_t len = 1, limit = 1;
		UErrorCode st = U_ZERO_ERROR;
		utrans_transUChars(la, buf, &len, 16, 0, &limit, &st);
		if (U_FAILURE(st) || len > 4)
			continue;
		memcpy(table[k].out, buf, (size_t)len * sizeof *buf);
		table[k].len = (uint8_t)len;
		table[k].ok = true;
		kept++;
	}
	utrans_close(la);
	char tmp[4096];
	FILE *f = gen_open(argv[1], tmp, sizeof tmp, "gen_fold_table.c", "text/fold.h");
	fprintf(f, "const char em_fold_icu_version[] = \"%s\";\n\nconst em_fold em_fold_icu[EM_FOLD_SIZE] = {\n",
		U_ICU_VERSION);
	for (int k = 0; k < EM_FOLD_SIZE; k++) {
		const em_fold *e = &table[k];
		if (!e->ok)
			continue;
		fprintf(f, "\t[%d] = {{0x%04X, 0x%04X, 0x%04X, 0x%04X}, %u, true},\n", k, e->out[0], e->out[1], e->out[2],
			e->out[3], e->len);
	}
	fprintf(f, "};\n");
	gen_close(f, tmp, argv[1]);
	fprintf(stderr, "gen-fold-table: Latin-ASCII's answers for %zu characters\n", kept);
	u_cleanup();
	return 0;
}
