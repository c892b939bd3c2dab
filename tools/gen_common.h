/*
 * gen_common.h: what the build-time table generators (gen_han_table.c, gen_letter_table.c)
 * share: failing loudly, allocating or failing, asking the library's chain (chain.h) what it
 * writes, and writing the table file. Each defines GEN_NAME, its program name for the
 * messages, before including this.
 */
#ifndef EMBARGO_TOOLS_GEN_COMMON_H
#define EMBARGO_TOOLS_GEN_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "text/chain.h"

#define GEN_ICU_MAX 4096 /* UTF-16 units of a word asked, and of ICU's answer */

__attribute__((format(printf, 1, 2), noreturn)) static inline void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(GEN_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n", stderr);
	va_end(ap);
	exit(1);
}

static inline void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory");
	return p;
}

static UTransliterator *chain[EM_TRANSLIT_COUNT];
static size_t n_asked;

static inline void gen_open_chains(void)
{
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
		if (!(chain[i] = em_translit_open((em_translit)i)))
			die("ICU has no Latin transliterator");
}

static inline void gen_close_chains(void)
{
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
		utrans_close(chain[i]);
}

/* ICU's answer for the code points cps[0..n): the whole chain, then keep_ascii. *units (when
 * not NULL): ICU's raw output length in UTF-16 units. */
static inline void icu_answer(em_translit which, const uint32_t *cps, size_t n, char *out, size_t cap, int32_t *units)
{
	UChar buf[GEN_ICU_MAX];
	int32_t len = 0;
	for (size_t k = 0; k < n; k++) {
		if (len + 2 > GEN_ICU_MAX)
			die("a test word is too long");
		U16_APPEND_UNSAFE(buf, len, (UChar32)cps[k]);
	}
	int32_t limit = len;
	UErrorCode st = U_ZERO_ERROR;
	utrans_transUChars(chain[which], buf, &len, GEN_ICU_MAX, 0, &limit, &st);
	if (U_FAILURE(st))
		die("ICU failed on U+%04X...: %s", cps[0], u_errorName(st));
	if (units)
		*units = len;
	em_translit_keep_ascii(buf, len, out, cap);
	n_asked++;
}

/* Opens path's temporary file (path.tmp, written into tmp) for the table. */
static inline FILE *gen_open(const char *path, char *tmp, size_t cap)
{
	snprintf(tmp, cap, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		die("cannot write %s", tmp);
	return f;
}

/* Closes the table and puts it in place: a build stopped halfway leaves no half table. */
static inline void gen_close(FILE *f, const char *tmp, const char *path)
{
	if (ferror(f) | fclose(f))
		die("cannot write %s", tmp);
	if (rename(tmp, path))
		die("cannot rename %s to %s", tmp, path);
}

/* Writes `static const char pool[]`: NUL-separated strings as one literal, octal escapes for
 * anything but letters, digits and spaces (no trigraphs, no encoding questions). */
static inline void gen_write_pool(FILE *f, const char *pool, size_t len)
{
	fprintf(f, "\nstatic const char pool[] =");
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)pool[k];
		if (k % 64 == 0)
			fprintf(f, "\n\t\"");
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')
			fputc(c, f);
		else
			fprintf(f, "\\%03o", c);
		if (k % 64 == 63 || k + 1 == len)
			fputc('"', f);
	}
	fprintf(f, ";\n");
}

#endif
