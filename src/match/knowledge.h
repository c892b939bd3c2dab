/*
 * knowledge.h: the name knowledge the matcher applies to both sides of a comparison, loaded
 * from the data tables in data/ (embedded at build time): legal forms (multi-word phrases
 * become one canonical token), transliteration variants of name parts (each becomes its
 * canonical spelling), and low-information words (honorifics, articles, connectors) with the
 * weight factor they keep.
 */
#ifndef EMBARGO_MATCH_KNOWLEDGE_H
#define EMBARGO_MATCH_KNOWLEDGE_H

#include <stdint.h>

#include "text/text.h"

typedef enum em_term_class {
	EM_TERM_NAME = 0,  /* an ordinary name part: weighs by rarity */
	EM_TERM_LEGAL,     /* a legal form (LLC, JSC...) */
	EM_TERM_STOP,      /* honorific, article or connector */
} em_term_class;

/* A token after name knowledge was applied. */
typedef struct em_term {
	char text[EM_TEXT_MAX_TOKEN];  /* canonical text (legal forms: the canonical form) */
	char orig[EM_TEXT_MAX_TOKEN];  /* the token as written (normalized), before knowledge */
	unsigned char len;
	unsigned char orig_len;
	unsigned char corrected;       /* 1 when a query token was taken for a knowledge word it resembles */
	unsigned char cls;             /* em_term_class */
	unsigned char family;          /* 1 when the list marks it as part of the family name */
	unsigned char joined;          /* 1 when this term came from joining initials */
	float factor;                  /* weight factor for LEGAL and STOP terms */
} em_term;

typedef struct em_terms {
	em_term t[EM_TEXT_MAX_TOKENS];
	size_t n;
	em_script_class script;
} em_terms;

/* Loads the tables once (thread-safe); returns 0 or a negative code. */
int em_knowledge_init(void);

/* Empties what this thread keeps of the knowledge words its query tokens resemble (see
 * em_screen_forget). */
void em_knowledge_forget(void);

/* Flags of em_terms_from_name. */
#define EM_TERMS_QUERY 1  /* the name is a query, not a listed name */
#define EM_TERMS_PERSON 2 /* a person's name: no legal forms ("AG" in IYAD AG GHALI is a name part) */

/*
 * Tokenizes a name and applies the knowledge. When `family` is given (the list's family-name
 * field), tokens of the name that also occur in it are marked as family; otherwise the part
 * before a comma ("FAMILY, Given", the OFAC form) is. For a query (EM_TERMS_QUERY), a token that
 * is no knowledge word but sounds like one or is one typo away from one ("Mhsen", "LIMIYTED")
 * is taken for it and marked `corrected`: listed names are spelled as listed, queries are not.
 */
void em_terms_from_name(const char *name, const char *family, int flags, em_terms *out);
/* The same with a chosen romanization of Cyrillic (see text.h). */
void em_terms_from_name_with(const char *name, const char *family, int flags, em_translit which,
			     em_terms *out);

/*
 * When `text` ends with a legal form, a connector or a word of five letters or more of a
 * legal-form phrase written onto it ("CAMARYLTDA", "TRADEAND", "WINGSPRIVATE"), returns the
 * length of the part before it (>= 3), else 0.
 */
size_t em_knowledge_suffix_split(const char *text, size_t len);

/* The English word a romanized Arabic-script word of an organization name translates to
 * ("shbkh", شبكة: "network"), or NULL (data/name_translations.tsv). */
const char *em_knowledge_translation(const char *text);

/* 1 when the word is a legal form, a part of one, a stop word or a name variant. */
int em_knowledge_is_word(const char *text);
/* The same when the word's em_hash_bytes is known already: most words are turned away by a
 * small filter of the known words' hashes, without a lookup. */
int em_knowledge_is_word_hashed(const char *text, uint64_t h);

#endif
