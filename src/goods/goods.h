/*
 * goods.h: the parts of goods screening shared between its files (internal to the library).
 * tables.c reads the data tables (HS codes, countries, destinations, red-flag words,
 * manufacturer names, part-number stop words); country.c resolves country names and codes;
 * parts.c turns free text into part numbers and matches them in an index; components.c reads
 * the GUR components file into that index; screen.c applies it all to one order line.
 */
#ifndef EMBARGO_GOODS_H
#define EMBARGO_GOODS_H

#include <stdbool.h>
#include <stdint.h>

#include "embargo/em_goods.h"
#include "util/util.h"

/* ---- table rows --------------------------------------------------------------------------- */

typedef struct goods_hs_row {
	char hs6[7];              /* six digits */
	const char *list;         /* "chpl" or "iran-uav" */
	const char *tier;         /* CHPL tier ("1", "3.A") or Iran UAV category */
	const char *description;
	em_goods_source source;
} goods_hs_row;

typedef struct goods_country {
	const char *code;         /* "RU", "UA-43" */
	const char *name;         /* the English name */
} goods_country;

typedef enum goods_dest_kind { GOODS_DEST_EMBARGOED, GOODS_DEST_OCCUPIED, GOODS_DEST_TRANSSHIPMENT } goods_dest_kind;

typedef struct goods_dest_row {
	const char *code;
	goods_dest_kind kind;
	const char *name;
	const char *alert;        /* what the flag's reason cites */
	em_goods_source source;
} goods_dest_row;

typedef enum goods_word_kind { GOODS_WORD_FORWARDER, GOODS_WORD_VAGUE_END_USE, GOODS_WORD_VAGUE_END_USER } goods_word_kind;
typedef enum goods_word_match { GOODS_MATCH_WORD, GOODS_MATCH_PREFIX, GOODS_MATCH_SUBSTRING, GOODS_MATCH_WHOLE } goods_word_match;

typedef struct goods_word {
	goods_word_kind kind;
	goods_word_match match;
	const char *phrase;       /* normalized (goods_norm) */
	const char *original;     /* as the table writes it */
	em_goods_source source;
} goods_word;

/* Part-number look-alikes that are not part numbers (part_stopwords.tsv). */
typedef struct goods_partstop {
	em_strmap words;          /* whole keys */
	em_strmap prefix_digits;  /* letters that, followed by digits only, make no part number */
	em_strmap digits_unit;    /* letters that, after digits only, are a unit */
} goods_partstop;

/* Manufacturer names (manufacturers.tsv). */
typedef struct goods_mfr {
	em_strmap alias;          /* normalized alias -> index into canon */
	const char **canon;       /* normalized canonical names */
	size_t n_canon, cap_canon;
	em_strmap stop;           /* words too common to tell manufacturers apart */
} goods_mfr;

typedef struct goods_tables {
	goods_hs_row *hs;
	size_t n_hs;
	goods_country *countries;
	size_t n_countries;
	em_strmap country_keys;   /* normalized name or code -> index, SIZE_MAX when ambiguous */
	size_t country_names;     /* keys that resolve */
	size_t country_ambiguous; /* keys dropped because two countries share them */
	goods_dest_row *dests;
	size_t n_dests;
	goods_word *words;
	size_t n_words;
	goods_mfr mfr;
	goods_partstop partstop;
	char sha256[65];          /* SHA-256 of the six tables' SHA-256s, in load order */
} goods_tables;

/*
 * Loads the six tables from `dir` (NULL: the built-in copies) into t; strings live in `arena`.
 * A bad row fails with "TABLE:LINE: field 'F': ...".
 */
int goods_tables_load(goods_tables *t, const char *dir, em_arena *arena);
void goods_tables_free(goods_tables *t);

/*
 * Normalizes text for lookups: transliterated to lower-case ASCII, apostrophes and dots
 * dropped, every other character that is not a letter or digit a single space, no leading or
 * trailing space. Returns the length, or -1 when the text is not valid UTF-8 or too long.
 */
int goods_norm(const char *text, char *out, size_t cap);

/* The country a code or name stands for, or NULL. */
const goods_country *goods_country_find(const goods_tables *t, const char *text);

/* The rows of the HS table for the six digits, through *out; returns how many (at most max). */
size_t goods_hs_find(const goods_tables *t, const char hs6[7], const goods_hs_row **out, size_t max);

/*
 * Normalizes an HS code: digits kept, dots and spaces skipped; anything else, or a digit count
 * other than 6, 8 or 10, is an error (returns -1). On success hs6 holds the first six digits.
 */
int goods_hs_normalize(const char *text, char hs6[7]);

/* The destination rows for a country code, through *out; returns how many (at most max). */
size_t goods_dest_find(const goods_tables *t, const char *code, const goods_dest_row **out, size_t max);

/* The first word of `kind` found in `text` under its match rule, or NULL. */
const goods_word *goods_words_find(const goods_tables *t, goods_word_kind kind, const char *text);

/* The significant words of a manufacturer name with its aliases' canonical names, as one
 * space-separated normalized string in out (cap bytes); "" when none. */
void goods_mfr_words(const goods_mfr *m, const char *name, char *out, size_t cap);
/* 1 when two goods_mfr_words() strings share a word, 0 when not, -1 when either is empty. */
int goods_mfr_agree(const char *a, const char *b);

/* ---- part numbers -------------------------------------------------------------------------- */

#define GOODS_PART_MAX 48     /* longest key kept */
#define GOODS_PART_CANDS 64   /* most candidates taken from one text */

/* A part number as compared: upper-case letters and digits; `bounds` marks the positions
 * where a '-' or '/' stood (bit i: a separator before key[i]). */
typedef struct goods_part {
	char key[GOODS_PART_MAX + 1];
	unsigned char len;
	uint64_t bounds;
	size_t at;                /* byte offset of the token in the text it came from */
} goods_part;

typedef enum goods_match_kind {
	GOODS_PART_NONE = 0,
	GOODS_PART_VARIANT,       /* same base, different ordering suffixes (RGT6 / VGT6) */
	GOODS_PART_SUFFIX,        /* one is the other plus an ordering suffix */
	GOODS_PART_EXACT,
} goods_match_kind;

const char *goods_match_name(goods_match_kind k);

/* Part numbers in free text (markings, descriptions), in order, without repeats. */
size_t goods_parts_extract(const goods_partstop *ps, const char *text, goods_part *out, size_t max);
/* A whole field (an order's part_number) as one key, if it makes a usable part number. */
bool goods_part_whole(const goods_partstop *ps, const char *text, goods_part *out);
/* Whether a key is a usable part number (long enough, letters and digits, not a stop word). */
bool goods_part_usable(const goods_partstop *ps, const goods_part *p);
/* How two part numbers match (the rules are in docs/goods.md). */
goods_match_kind goods_part_compare(const goods_part *q, const goods_part *k);

/* An index of part numbers, each pointing to the rows (of the components file) it came from. */
typedef struct goods_part_entry {
	const char *key;
	unsigned char len;
	uint64_t bounds;
	uint32_t first, count;    /* rows: index->rows[first .. first + count) */
} goods_part_entry;

typedef struct goods_part_index {
	goods_part_entry *entries; /* sorted by key */
	size_t n;
	uint32_t *rows;
	size_t n_rows;
	/* while building */
	struct goods_part_pending *pending;
	size_t n_pending, cap_pending;
} goods_part_index;

int goods_index_add(goods_part_index *ix, const goods_part *p, uint32_t row, em_arena *arena);
int goods_index_finish(goods_part_index *ix);
void goods_index_free(goods_part_index *ix);

typedef void (*goods_hit_fn)(void *ctx, const goods_part_entry *e, goods_match_kind kind);
/* Calls fn for every indexed key that matches q (exact, suffix or variant). */
void goods_index_find(const goods_part_index *ix, const goods_part *q, goods_hit_fn fn, void *ctx);

/* ---- the components file ------------------------------------------------------------------ */

typedef struct goods_component_row {
	const char *id;
	const char *marking;
	const char *manufacturer;
	const char *mfr_words;    /* goods_mfr_words() of the manufacturer */
	const char *category;
	const char *url;
	const char *weapon_name;
	const char **weapons;
	size_t n_weapons;
	const char *part;         /* first part number read from the marking, or NULL */
} goods_component_row;

typedef struct goods_components {
	goods_component_row *rows;
	size_t n_rows;            /* distinct components */
	size_t n_read;            /* rows read, duplicates included */
	size_t named;             /* components whose marking names something */
	size_t with_part;         /* components with a usable part number */
	char sha256[65];
	char last_verified[16];
	goods_part_index index;
} goods_components;

int goods_components_load(goods_components *c, const char *path, const goods_tables *t, em_arena *arena);
void goods_components_free(goods_components *c);

/* How many of em_goods_get_versions' entries are the goods tables and files (the party lists
 * follow them). */
size_t goods_table_versions(const em_goods *g);

#endif
