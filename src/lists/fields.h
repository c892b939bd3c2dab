/*
 * fields.h: pieces shared by the CSL, BIS DPL, UK and FollowTheMoney readers. A CSV table
 * whose columns are found by header name, whose records must have the header's width and
 * whose fields must be UTF-8; ids made deterministic from a record's fields (SHA-256) and
 * kept unique by an occurrence number; "; "-separated multi-values; slashed dates with
 * unknown parts written as 00; and a guess of the script a name is written in.
 */
#ifndef EMBARGO_LISTS_FIELDS_H
#define EMBARGO_LISTS_FIELDS_H

#include "model/model.h"
#include "util/csv.h"

/* --- CSV with a header row ------------------------------------------------------------ */
typedef struct em_table {
	em_csv csv;      /* the record reader; csv.line is the current record's line */
	char **header;   /* column names as the header gives them, trimmed (malloc'd) */
	size_t ncols;    /* number of header columns */
} em_table;

void em_table_init(em_table *t, const char *name, const char *data, size_t len, char delim);
/* Reads the next record as the header: 1 read, 0 end of input, negative on error. */
int em_table_read_header(em_table *t);
/*
 * Reads the next record: 1 read, 0 end of input, negative on error. A record whose width
 * differs from the header's, or a field that is not UTF-8, fails naming the line and field.
 */
int em_table_next(em_table *t);
/* Index of the column with this name (ASCII case-insensitive), or -1. */
int em_table_col(const em_table *t, const char *name);
/* Field `col` of the current record; "" when col is negative. */
const char *em_table_get(const em_table *t, int col);
void em_table_free(em_table *t);

/* --- ids ------------------------------------------------------------------------------ */
/* First 16 hex digits of the SHA-256 of the parts joined with '|' (NULL counts as ""). */
void em_hash_fields(const char *const *parts, size_t n, char out[17]);

/* Hands out each id once: a repeat of `base` gets "-2", "-3"... by occurrence. */
typedef struct em_idgen {
	em_strmap seen; /* id -> times handed out; keys live in the list's arena */
} em_idgen;

/* *out is `base` or base-N, copied into l's arena. */
int em_idgen_make(em_idgen *g, em_list *l, const char *base, const char **out);
void em_idgen_free(em_idgen *g);

/* --- text ----------------------------------------------------------------------------- */
/* s past a UTF-8 byte order mark, if it starts with one (for the sniffers). */
const char *em_skip_bom(const char *s);

/*
 * Splits at `sep`: each call puts the next piece, trimmed, in *piece and returns true, or
 * returns false at the end. Empty pieces are skipped. *cur starts at the text.
 */
bool em_split_next(const char **cur, const char *sep, em_buf *piece);

/*
 * Reads "DD/MM/YYYY" (day first) or "MM/DD/YYYY" (month first); a day or month of 00 means
 * unknown. False unless the whole text is such a date with a plausible year.
 */
bool em_date_slashed(const char *s, bool month_first, int *y, int *m, int *d);
/* Fills an em_date from year, month, day (0 = unknown); `text` is borrowed. */
void em_date_from_ymd(em_date *out, int y, int m, int d, const char *text);
/* "YYYY-MM-DD" into out[11] when y, m and d are all known; else false. */
bool em_date_iso(char out[11], int y, int m, int d);

/*
 * The script of the first letters outside Latin ("cyrillic", "arabic", "greek", "hebrew",
 * "han", "hangul", "georgian", "armenian", "thai", "devanagari", "kana"), or NULL when the
 * text is written in Latin letters only. `s` must be valid UTF-8.
 */
const char *em_text_script(const char *s);

#endif
