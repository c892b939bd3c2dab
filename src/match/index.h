/*
 * index.h: the screening index (internal). Every listed name is cut into terms (see
 * knowledge.h); each distinct term is a vocabulary entry with its rarity weight, phonetic key,
 * consonant skeleton and posting list (the names that contain it). Candidate retrieval looks a
 * query term up by exact text, by phonetic key and its one-letter deletions (typos), and for
 * names written in Arabic script by skeleton; only names reached that way are scored.
 */
#ifndef EMBARGO_MATCH_INDEX_H
#define EMBARGO_MATCH_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "embargo/em_screen.h"
#include "knowledge.h"
#include "util/util.h"

/* A string -> list of uint32 map, built once, then read-only. */
typedef struct em_multimap {
	em_strmap keys;       /* key -> group index */
	uint32_t *starts;     /* group g holds vals[starts[g] .. starts[g + 1]) */
	uint32_t *vals;
	size_t n_groups;
} em_multimap;

/*
 * A key -> list of uint32 map keyed by a 64-bit hash of the key, built once, then read-only:
 * for the phonetic and skeleton keys with all their one-letter deletions (hundreds of thousands
 * of short keys). Keeping no key strings makes a lookup a probe in one array of 12-byte slots
 * (the slot comes from the hash's low bits, the tag is its high half) and the build free of
 * string copies. Two keys sharing a hash (about one chance in a billion per index) would
 * only add candidates, and every reader checks its candidates' keys (see screen.c).
 *
 * The map is larger than the caches, so a lookup costs a memory access or two: the tag, where
 * the values are and a single value share the slot, and callers looking up many keys at once
 * (a word's deletions) hash them all and prefetch their slots first (em_keymap_prefetch).
 */
typedef struct em_keyslot {
	uint32_t tag;   /* the hash's high half (0: empty) */
	uint32_t start; /* the values are vals[start .. start + count); one value is kept here itself */
	uint32_t count;
} em_keyslot;

typedef struct em_keymap {
	em_keyslot *slots;  /* probed from the hash's low bits until the tag agrees or a slot is empty */
	size_t cap;         /* a power of two, at least twice the keys */
	uint32_t *vals;
	size_t n_vals;
} em_keymap;

typedef struct em_vocab {
	const char *text;     /* canonical term */
	const char *phon;     /* phonetic key */
	const char *skel;     /* consonant skeleton */
	uint8_t len, plen, slen, cls;
	float weight;         /* rarity weight (legal forms and stop words: scaled down) */
	uint32_t df;          /* names containing it */
	uint32_t post_start;  /* postings[post_start .. post_start + df) are name ids */
} em_vocab;

typedef struct em_iname {
	uint32_t entity;      /* index into screener->entities */
	uint16_t name_idx;    /* index into entity->names */
	uint8_t n_terms;
	uint8_t kind;         /* em_name_kind */
	uint32_t terms;       /* term_vocab[terms .. terms + n_terms) */
	float total_weight;
	float least_weight;   /* total_weight less half of every word a name may leave out (see align) */
	bool derived;         /* a second form of a listed name (without its parentheses) */
} em_iname;

/* What a name's words written together could look like, for ruling joins out cheaply. */
typedef struct em_name_runs {
	uint64_t lens;  /* the lengths two or three consecutive terms add up to (em_run_mask) */
	uint64_t skels; /* the same for their skeletons */
	uint64_t words; /* the lengths of its terms of four letters or more, as bits (63: 63 or more) */
	uint64_t word_skels; /* those terms' skeleton lengths */
	uint32_t first; /* the terms' first letters (em_letter_bit) */
	uint32_t one_consonant; /* the consonant of its terms whose skeleton has only one (em_letter_bit) */
	/* The skeleton hashes (em_skel_sig) of every run of two or three terms written together,
	 * with assimilated articles left in and out, and of every term of four letters or more:
	 * which query words Arabic-script joins could pair, for the bounds. */
	uint64_t run_skel_sig, word_skel_sig;
	/* The same for spellings, where joins want them equal (words of fewer than seven letters):
	 * the runs spelt in four to six letters, and the terms of four to six. */
	uint64_t run_text_sig, word_text_sig;
	/* The first three letters of the terms of four letters or more: which query words may be
	 * one of them cut short (align). */
	uint64_t prefix_sig;
	/* Longer spellings are joined within an edit, and two spellings of six letters or more an
	 * edit apart share their first three or their last three letters: those of the terms of
	 * seven letters or more, and of the runs spelt in six or more (em_affix_sigs). */
	uint64_t long_affix_sig, run_affix_sig;
} em_name_runs;

/* Joined words are compared letter for letter below this length, and within an edit from it. */
#define EM_JOIN_EXACT_BELOW 7

/* A skeleton's hash (em_hash_bytes, low 32 bits) as two bits of a 64-bit signature: a set of
 * hashes in one word, to rule out most skeletons no run or term has (a filter, never a proof). */
static inline uint64_t em_skel_sig(uint32_t h)
{
	return (uint64_t)1 << (h & 63) | (uint64_t)1 << ((h >> 6) & 63);
}

/* The signature bits of a spelling's first three letters, and of its last three (len >= 3). */
static inline uint64_t em_prefix3_sig(const char *text)
{
	char a[4] = {'<', text[0], text[1], text[2]};
	return em_skel_sig((uint32_t)em_hash_bytes(a, 4));
}

static inline uint64_t em_suffix3_sig(const char *text, size_t len)
{
	char b[4] = {'>', text[len - 3], text[len - 2], text[len - 1]};
	return em_skel_sig((uint32_t)em_hash_bytes(b, 4));
}

/* Both, for a name's affix signature. */
static inline uint64_t em_affix_sigs(const char *text, size_t len)
{
	return em_prefix3_sig(text) | em_suffix3_sig(text, len);
}

/* Whether `word`, before `next`, is an article Latin spellings may leave out ("shms al dyn" is
 * Shamsuddin: before a sun letter, t d r z s l n, the article is only a doubled letter, and
 * "al-din" is written "ud-din" or "ad-din"). */
static inline bool em_assimilated_article(const char *word, const char *next)
{
	char c = next[0];
	return word[0] == 'a' && word[1] == 'l' && word[2] == '\0' &&
	       (c == 't' || c == 'd' || c == 'r' || c == 'z' || c == 's' || c == 'l' || c == 'n');
}

/* A letter's bit in a 32-bit set (letters may share one: a filter, never a proof). */
static inline uint32_t em_letter_bit(char c)
{
	return (uint32_t)1 << ((unsigned char)c % 32u);
}

struct em_screener {
	em_arena arena;
	const em_entity **entities;
	size_t n_entities;
	em_iname *names;
	size_t n_names;
	uint32_t *term_vocab;   /* vocabulary id of each term of each name */
	uint8_t *term_family;   /* EM_TERM_FLAG_* bits of that term */
	const char **term_orig; /* each term as written in the list (before name knowledge) */
	const char **term_skel; /* the consonant skeleton of each term as written */
	uint8_t *term_orig_len; /* strlen(term_orig[i]) */
	char *term_first;       /* term_orig[i][0], kept apart: the join filters read it for every term */
	uint8_t *term_skel_len; /* strlen(term_skel[i]) */
	float *term_weight;     /* the weight of each term's vocabulary entry, kept beside the term */
	uint32_t *term_skel_hash; /* em_hash_bytes of term_skel[i] (low 32 bits): joined-word tests */
	size_t n_terms;
	em_name_runs *name_runs; /* per name: so scoring skips names no joined words can fit */
	em_vocab *vocab;
	size_t n_vocab;
	uint32_t *postings;
	em_strmap by_text;      /* term text -> vocabulary id */
	uint64_t *text_filter;  /* EM_TEXT_FILTER_BITS: two bits a key of by_text (em_vocab_lookup) */
	em_keymap by_phon;      /* phonetic key and its one-letter deletions -> vocabulary ids */
	em_keymap by_skel;      /* skeleton and its one-letter deletions -> vocabulary ids */
	em_multimap by_id;      /* normalized identifier -> entity indices */
	float unknown_weight;   /* weight of a term no listed name has */
	uint32_t *legal_vocab;  /* vocabulary ids of the legal forms */
	size_t n_legal;
	size_t memory;
	uint64_t serial;        /* unique among the screeners of a process: per-thread caches key on it */
};

/*
 * A filter of by_text's keys: most words a query looks up (the halves of a word that may be two
 * joined, runs of words written together) are no listed term, and the filter, small enough for
 * the caches, turns them away without touching the map. No false negatives.
 */
#define EM_TEXT_FILTER_BITS ((size_t)1 << 18)

static inline void em_text_filter_bits(uint64_t h, size_t bit[2])
{
	uint64_t x = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
	bit[0] = (size_t)(x >> 46);
	bit[1] = (size_t)(x >> 14) & (EM_TEXT_FILTER_BITS - 1);
}

/* The vocabulary id of `text` (its em_hash_bytes is h), through the filter. */
static inline bool em_vocab_lookup(const em_screener *s, const char *text, uint64_t h, size_t *v)
{
	size_t bit[2];
	em_text_filter_bits(h, bit);
	if (!(s->text_filter[bit[0] / 64] >> (bit[0] % 64) & 1) || !(s->text_filter[bit[1] / 64] >> (bit[1] % 64) & 1))
		return false;
	return em_strmap_get_hashed(&s->by_text, text, h, v);
}

/* Flags of a listed name's term. */
#define EM_TERM_FLAG_FAMILY 1 /* part of the family name */
#define EM_TERM_FLAG_MIDDLE 2 /* a given name after the first: often left out by whoever writes it */

/* Looks a key up; returns the values and sets *n (0 when absent). */
const uint32_t *em_multimap_get(const em_multimap *m, const char *key, size_t *n);

/* The values filed under a key of `len` bytes (or under another key with the same hash). */
const uint32_t *em_keymap_get(const em_keymap *m, const char *key, size_t len, size_t *n);

/* The hash a key map files a key by, and the values filed under a hash. */
uint64_t em_keymap_hash(const char *key, size_t len);
/*
 * The hashes of a key and, from four letters on (and up to EM_KEYMAP_KEY_MAX), of its
 * one-letter deletions in order, into out (len + 1 at most); with `distinct`, deleting the
 * second of two equal letters is skipped (the same key). Returns how many.
 */
#define EM_KEYMAP_KEY_MAX 128
size_t em_keymap_deletion_hashes(const char *key, size_t len, bool distinct, uint64_t *out);
const uint32_t *em_keymap_get_hash(const em_keymap *m, uint64_t h, size_t *n);

/* Starts fetching the slot of hash h into the cache, for a lookup soon after. */
static inline void em_keymap_prefetch(const em_keymap *m, uint64_t h)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[h & (m->cap - 1)]);
}

/* The totals of every two or three consecutive lengths as bits (totals >= 63 share bit 63). */
uint64_t em_run_mask(const uint8_t *lens, size_t n);

/*
 * em_screen, and with `exhaustive` the same without skipping names by score_bound: every
 * candidate is aligned in full, as before the bound existed. Tests compare the two.
 */
int em_screen_internal(const em_screener *s, const em_query *q, const em_screen_params *params, bool exhaustive,
		       em_result **out);

/* Normalizes an identifier for comparison (upper-case letters and digits only). */
size_t em_id_normalize(const char *in, char *out, size_t cap);

#endif
