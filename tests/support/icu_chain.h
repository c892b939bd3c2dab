/*
 * icu_chain.h: the reference the romanization tables are tested against. One word through a
 * whole ICU chain (em_translit_open) and keep_ascii, as translit.c romanized every word before
 * the tables: test_han_table.c and test_translit_fold.c compare the library with it.
 */
#ifndef EMBARGO_TEST_ICU_CHAIN_H
#define EMBARGO_TEST_ICU_CHAIN_H

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "text/chain.h"

#define ICU_CHAIN_MAX 4096

/* Writes the chain's answer for one word (w, wl bytes) into out; -1 when ICU fails. */
static inline int icu_chain_word(UTransliterator *t, const char *w, size_t wl, char *out, size_t cap)
{
	UChar buf[ICU_CHAIN_MAX];
	int32_t ulen = 0;
	UErrorCode st = U_ZERO_ERROR;
	u_strFromUTF8(buf, ICU_CHAIN_MAX / 3, &ulen, w, (int32_t)wl, &st);
	if (U_FAILURE(st))
		return -1;
	int32_t limit = ulen;
	utrans_transUChars(t, buf, &ulen, ICU_CHAIN_MAX, 0, &limit, &st);
	if (U_FAILURE(st))
		return -1;
	return (int)em_translit_keep_ascii(buf, ulen, out, cap);
}

#endif
