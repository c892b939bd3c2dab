/*
 * Fuzz target: the romanization tables against ICU. Every word (split at spaces) that the
 * Chinese table romanizes must come out byte for byte as ICU and keep_ascii give it, in both
 * romanizations; so must every word holding a letter of another script than Latin, as the
 * library romanizes it (the Cyrillic and Arabic letter table, else the chain without
 * Latin-ASCII and the Latin-ASCII table). A difference aborts. The whole text also goes
 * through em_text_to_ascii_with.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "text/chain.h"
#include "text/han.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX 4096

static void compare(UTransliterator *t, const char *w, size_t wl)
{
	char mine[OUT_MAX], ref[OUT_MAX];
	if (em_han_romanize(&em_han_icu, w, wl, mine, sizeof mine, 1024) < 0)
		return;
	UChar buf[OUT_MAX];
	int32_t ulen = 0;
	UErrorCode st = U_ZERO_ERROR;
	u_strFromUTF8(buf, 1024, &ulen, w, (int32_t)wl, &st);
	int32_t limit = ulen;
	utrans_transUChars(t, buf, &ulen, OUT_MAX, 0, &limit, &st);
	if (U_FAILURE(st))
		abort(); /* the table took a word ICU cannot read */
	em_translit_keep_ascii(buf, ulen, ref, sizeof ref);
	if (strcmp(mine, ref)) {
		fprintf(stderr, "'%.*s': table '%s', ICU '%s'\n", (int)wl, w, mine, ref);
		abort();
	}
}

/* Whether a valid UTF-8 word holds a letter of a script other than Latin (see the test). */
static bool other_script(const char *w, size_t wl)
{
	for (int32_t i = 0; (size_t)i < wl;) {
		UChar32 c;
		U8_NEXT(w, i, (int32_t)wl, c);
		if (c < 0)
			return false;
		UErrorCode st = U_ZERO_ERROR;
		UScriptCode sc = uscript_getScript(c, &st);
		if (sc != USCRIPT_LATIN && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED)
			return true;
	}
	return false;
}

/* The library's answer for a word of another script, against the whole chain's. */
static void compare_library(UTransliterator *t, em_translit which, const char *w, size_t wl)
{
	if (wl > 200 || !other_script(w, wl))
		return;
	UChar buf[OUT_MAX];
	int32_t ulen = 0;
	UErrorCode st = U_ZERO_ERROR;
	u_strFromUTF8(buf, 1024, &ulen, w, (int32_t)wl, &st);
	if (U_FAILURE(st))
		return;
	int32_t limit = ulen;
	utrans_transUChars(t, buf, &ulen, OUT_MAX, 0, &limit, &st);
	if (U_FAILURE(st))
		return;
	char ref[OUT_MAX], mine[OUT_MAX];
	em_translit_keep_ascii(buf, ulen, ref, sizeof ref);
	em_text_forget_words();
	if (em_text_to_ascii_with(w, wl, mine, sizeof mine, NULL, which) < 0 || strcmp(mine, ref)) {
		fprintf(stderr, "'%.*s': library '%s', chain '%s'\n", (int)wl, w, mine, ref);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static UTransliterator *icu[EM_TRANSLIT_COUNT];
	if (!icu[0])
		for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
			if (!(icu[i] = em_translit_open((em_translit)i)))
				abort();
	if (size > 1024)
		return 0;
	const char *s = (const char *)data;
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++) {
		for (size_t w = 0; w < size;) {
			size_t e = w;
			while (e < size && s[e] != ' ')
				e++;
			if (e > w) {
				compare(icu[i], s + w, e - w);
				compare_library(icu[i], (em_translit)i, s + w, e - w);
			}
			w = e + 1;
		}
		char out[OUT_MAX];
		em_text_to_ascii_with(s, size, out, sizeof out, NULL, (em_translit)i);
	}
	return 0;
}
