/*
 * chain.h: the ICU transliteration chain of each romanization, in one place. The library
 * (translit.c), the build-time generator of the Chinese table (tools/gen_han_table.c) and the
 * tests all open the chain and read its output through these two functions, so that the table
 * holds the answers of exactly the chain the library would otherwise run.
 */
#ifndef EMBARGO_TEXT_CHAIN_H
#define EMBARGO_TEXT_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/utrans.h>

#include "text/text.h"

/*
 * Opens the transliterator of one romanization: the project's rules, else ICU's plain IDs, else
 * Any-Latin alone (an ICU without the BGN tables). NULL when ICU has none of them. The caller
 * closes it with utrans_close(); one transliterator may not be shared between threads.
 */
UTransliterator *em_translit_open(em_translit which);

/*
 * The rules of em_translit_open without their last step, ICU's Latin-ASCII, and that step alone:
 * one after the other they give what the whole chain gives (ICU runs a chain's steps over the
 * whole text in turn), and the library folds most of the first one's output from a table
 * instead of running the second (translit.c). NULL when ICU refuses the rules: then only the
 * whole chain is used.
 */
UTransliterator *em_translit_open_prefix(em_translit which);
UTransliterator *em_translit_open_latin_ascii(void);

/*
 * ICU's output (buf, ulen UTF-16 units) to lower-case ASCII: anything ICU left (marks, modifier
 * letters) is dropped or becomes an apostrophe or a space. Writes at most cap-1 bytes and a NUL
 * (cap > 0); returns the length written.
 */
size_t em_translit_keep_ascii(const UChar *buf, int32_t ulen, char *out, size_t cap);

#endif
