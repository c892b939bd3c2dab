/*
 * screen.c: answering a query. The query's name becomes terms; each term finds the listed
 * terms it may be (exact, transliteration variant, phonetic key, a typo away, or for Arabic-
 * script queries the same consonant skeleton); the names holding those terms are candidates;
 * each candidate name is aligned token by token with the query and scored (see docs/scoring.md);
 * the optional fields then move the score; the best name of each entity is its match.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* ---- scoring constants (docs/scoring.md explains each) ------------------------------------ */
#define SIM_PHONETIC 0.95      /* same phonetic key, different spelling */
#define SIM_MIN 0.72           /* weakest token similarity that still aligns */
#define SIM_SKELETON_LONG 0.95 /* same consonant skeleton of 3+ letters that fits (Arabic-script query) */
#define SIM_SKELETON_SHORT 0.9 /* same skeleton of 2 letters that fits */
#define SIM_SKELETON_TYPO 0.86 /* skeletons one consonant apart (4+ letters) that fit */
#define SIM_JOINED 0.95        /* one token equals two adjacent tokens of the other side */
#define SIM_TRANSLATED 0.9     /* an Arabic-script word of an organization name and its English word */
#define SIM_TRUNCATED 0.85     /* the query's last word is the start of a listed word (a name cut short) */
#define RETRIEVE_SHARE 0.35    /* a candidate must reach this share of the query weight */
#define MAX_CANDIDATES 3000    /* names scored at most per query (best reached first) */
#define MAX_TERM_MATCHES 64    /* listed terms kept per query term */
#define KNOWN_GUESS 0.80f     /* a knowledge guess for a token the lists also know as written */
#define VSLOTS 512             /* slots of a query's listed-term table (a power of two) */
#define RUN_SKEL_SLOTS 256     /* slots of a query's set of run skeletons (a power of two) */

typedef struct term_match {
	uint32_t vocab;
	float sim;
	uint8_t how; /* index into how_names */
} term_match;

static const char *const how_names[] = {"exact", "variant", "phonetic", "typo", "skeleton", "joined", "unmatched",
					 "translated", "truncated"};
enum { HOW_EXACT, HOW_VARIANT, HOW_PHONETIC, HOW_TYPO, HOW_SKELETON, HOW_JOINED, HOW_UNMATCHED, HOW_TRANSLATED,
       HOW_TRUNCATED };

typedef struct qterm {
	em_term term;
	char phon[EM_TEXT_MAX_TOKEN * 2];
	char skel[EM_TEXT_MAX_TOKEN * 2];
	size_t plen, slen;
	float weight;                 /* estimated weight of the query term */
	term_match m[MAX_TERM_MATCHES];
	size_t n_m;
	uint64_t m_bits[4];           /* a bit per listed term in m (vocabulary id mod 256): most are not */
} qterm;

/* A (listed term, query term) similarity, kept sorted by listed term for the alignment. */
typedef struct vmatch {
	uint32_t vocab;
	uint8_t qi;
	uint8_t how;
	float sim;
} vmatch;

/* Query terms i .. i + np - 1 written together: the spelling, and the skeleton as is and with an
 * article "al" before a sun letter left out (join_skeleton_agrees). */
typedef struct qrun {
	char orig[EM_TEXT_MAX_TOKEN * 3 + 4];
	char skel[2][EM_TEXT_MAX_TOKEN * 6 + 4];
	size_t olen, slen[2]; /* olen 0: no spelling (a part is empty) */
	uint64_t sig[2];      /* em_skel_sig of each skeleton */
	uint64_t text_sig;    /* and of the spelling, when it has fewer than EM_JOIN_EXACT_BELOW letters */
	uint64_t affix_sig[2]; /* em_prefix3_sig and em_suffix3_sig of the spelling, when of six letters or more */
} qrun;

typedef struct query_ctx {
	const em_screener *s;
	qterm q[EM_TEXT_MAX_TOKENS];
	em_term read[EM_TEXT_MAX_TOKENS]; /* each term as read, before match_terms (the memo's key) */
	size_t n;
	em_script_class script;
	float total_weight;
	vmatch by_vocab[EM_TEXT_MAX_TOKENS * MAX_TERM_MATCHES];
	vmatch by_vocab_tmp[EM_TEXT_MAX_TOKENS * MAX_TERM_MATCHES]; /* the radix sort's other half */
	size_t n_by_vocab;
	/* Where each listed term's entries start in by_vocab: open addressing on the vocabulary id
	 * (UINT32_MAX: empty), used when by_vocab is small enough, else a binary search. */
	uint32_t vslot_vocab[VSLOTS];
	uint16_t vslot_start[VSLOTS];
	bool vslots;
	uint32_t vslot_shift;     /* the table is 2^(32 - vslot_shift) slots: at least four per entry */
	uint64_t runs, skel_runs; /* em_run_mask of the terms' lengths and skeleton lengths */
	uint32_t first;           /* the terms' first letters (em_letter_bit) */
	/* Each run of two or three query terms written together (run_at[np - 2][i]), to rule out
	 * a listed word that is such a run with a comparison instead of join_similarity. */
	qrun qruns[2 * EM_TEXT_MAX_TOKENS];
	uint8_t run_at[2][EM_TEXT_MAX_TOKENS];
	/* What the runs could be, to rule a listed word out at once: the hashes of their skeletons
	 * (both ways; 0 is empty, see run_skel_has), and their spelt lengths by first letter. */
	uint32_t run_skel_set[RUN_SKEL_SLOTS];
	size_t run_skel_mask;     /* the set's slots in use, less one: twice its keys or more */
	uint64_t run_lens_by_first[32];
	uint64_t word_sig[EM_TEXT_MAX_TOKENS]; /* em_skel_sig of each term's skeleton */
	uint64_t word_text_sig[EM_TEXT_MAX_TOKENS]; /* and of its spelling, when shorter than EM_JOIN_EXACT_BELOW */
	uint64_t last_prefix_sig; /* of the last term's first three letters (em_name_runs.prefix_sig) */
	/* em_prefix3_sig and em_suffix3_sig of spellings of EM_JOIN_EXACT_BELOW letters or more */
	uint64_t word_affix_sig[EM_TEXT_MAX_TOKENS][2];
} query_ctx;

/* Per-thread scratch: one accumulator per indexed name, reset after each query. */
struct query_work;

/* What retrieval gathers for one name: both in one place, one memory access a posting. */
typedef struct name_acc {
	float acc;        /* the weight of the query terms that reached it */
	uint64_t reached; /* those terms, a bit each */
} name_acc;

typedef struct scratch {
	name_acc *acc;      /* per name */
	uint32_t *touched;
	size_t cap;
	size_t n_touched;
	struct query_work *work; /* the per-query buffers (large: kept per thread, not per query) */
	em_ring_cache *memo;     /* what match_terms found for terms seen before (see term_memo) */
} scratch;

static _Thread_local scratch tls_scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_destroy(void *p)
{
	scratch *sc = p;
	if (sc) {
		free(sc->work);
		sc->work = NULL;
		em_ring_cache_free(sc->memo);
		sc->memo = NULL;
		free(sc->acc);
		free(sc->touched);
		sc->acc = NULL;
		sc->touched = NULL;
		sc->cap = 0;
	}
}

static void scratch_key_make(void)
{
	pthread_key_create(&scratch_key, scratch_destroy);
}

static scratch *get_scratch(size_t n)
{
	scratch *sc = &tls_scratch;
	if (sc->cap < n) {
		pthread_once(&scratch_once, scratch_key_make);
		free(sc->acc);
		free(sc->touched);
		sc->acc = calloc(n, sizeof *sc->acc);
		sc->touched = malloc(n * sizeof *sc->touched);
		if (!sc->acc || !sc->touched) {
			free(sc->acc);
			free(sc->touched);
			sc->acc = NULL;
			sc->touched = NULL;
			sc->cap = 0;
			return NULL;
		}
		sc->cap = n;
		pthread_setspecific(scratch_key, sc);
	}
	sc->n_touched = 0;
	return sc;
}

/* ---- token similarity ----------------------------------------------------------------------- */

static bool may_have_match(const qterm *q, uint32_t v)
{
	return (q->m_bits[(v >> 6) & 3] >> (v & 63)) & 1;
}

static void add_match(qterm *q, uint32_t v, float sim, int how)
{
	if (!may_have_match(q, v)) {
		q->m_bits[(v >> 6) & 3] |= (uint64_t)1 << (v & 63);
		if (q->n_m < MAX_TERM_MATCHES) {
			q->m[q->n_m++] = (term_match){v, sim, (uint8_t)how};
			return;
		}
	}
	for (size_t i = 0; i < q->n_m; i++) {
		if (q->m[i].vocab == v) {
			if (sim > q->m[i].sim) {
				q->m[i].sim = sim;
				q->m[i].how = (uint8_t)how;
			}
			return;
		}
	}
	if (q->n_m < MAX_TERM_MATCHES) {
		q->m[q->n_m++] = (term_match){v, sim, (uint8_t)how};
		return;
	}
	/* Full: replace the weakest. */
	size_t worst = 0;
	for (size_t i = 1; i < q->n_m; i++)
		if (q->m[i].sim < q->m[worst].sim)
			worst = i;
	if (sim > q->m[worst].sim)
		q->m[worst] = (term_match){v, sim, (uint8_t)how};
}

/*
 * Similarity of two spellings one edit apart. Typing slips (two letters swapped, one dropped or
 * doubled) keep more of a word than a letter replaced by another, and one edit weighs more in a
 * short word: "Faina" and "Faiza" are two names, "Destiy" is "Destiny".
 */
static double one_edit_similarity(const char *a, size_t la, const char *b, size_t lb)
{
	size_t l = la > lb ? la : lb;
	if (la != lb)
		return 1.0 - 0.65 / (double)l; /* a letter dropped or added */
	size_t i = 0;
	while (i < la && a[i] == b[i])
		i++;
	if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i])
		return 1.0 - 0.5 / (double)l; /* two letters swapped */
	return 1.0 - (l <= 5 ? 0.8 : 0.7) / (double)l; /* a letter replaced */
}

static bool is_vowel(char c);

/* The bounded edit distance the typo similarity needs: at most 2 from eight letters on. */
static int typo_distance(const char *a, size_t la, const char *b, size_t lb, size_t longer)
{
	return longer >= 8 ? em_osa_distance_within(a, la, b, lb, 2) : em_osa_within_one(a, la, b, lb);
}

/* Similarity of two different spellings: edit distance on phonetic keys and on the text. */
static float typo_similarity(const qterm *q, const em_vocab *v)
{
	size_t lp = q->plen > v->plen ? q->plen : v->plen;
	size_t lt = q->term.len > v->len ? q->term.len : v->len;
	/* People rarely get the first letter wrong: a different one makes it likelier another name.
	 * Not so an initial vowel, which transliterations write as they hear it (Ibrahim, Ebrahim;
	 * Osama, Usama; an Arabic initial alef, "ayad" for IYAD). In a short word that is another
	 * name outright (YANG / ZHANG, PANG / WANG). */
	bool other_start = q->term.text[0] != v->text[0] && q->phon[0] != v->phon[0] &&
			   !(is_vowel(q->term.text[0]) && is_vowel(v->text[0]));
	if ((other_start && lt <= 4) || (lp < 4 && lt < 4))
		return 0;
	/* Only distances of one and two count below: one edit is a typo in a word of 4 or more
	 * letters, two need 8 or more. The spelling is not compared when it could not beat the
	 * phonetic key (one edit in it gives at most 1 - 0.5 / lt). */
	double sp = 0, st = 0;
	if (lp >= 4) {
		int dp = typo_distance(q->phon, q->plen, v->phon, v->plen, lp);
		if (dp == 1)
			sp = one_edit_similarity(q->phon, q->plen, v->phon, v->plen);
		else if (dp == 2 && lp >= 8)
			sp = 1.0 - 1.4 / (double)lp;
	}
	if (lt >= 4 && sp < 1.0 - 0.5 / (double)lt) {
		int dt = typo_distance(q->term.text, q->term.len, v->text, v->len, lt);
		if (dt == 1)
			st = one_edit_similarity(q->term.text, q->term.len, v->text, v->len);
		else if (dt == 2 && lt >= 8)
			st = 1.0 - 1.5 / (double)lt;
	}
	double s = sp > st ? sp : st;
	if (s > 0 && other_start)
		s -= 0.06;
	return (float)(s > 0.93 ? 0.93 : s);
}

static bool has_match(const qterm *q, uint32_t v)
{
	if (!may_have_match(q, v))
		return false;
	for (size_t i = 0; i < q->n_m; i++)
		if (q->m[i].vocab == v)
			return true;
	return false;
}

/* Name words can be misspelt; so can long stop words ("GENEREL"), not legal forms (see knowledge). */
static bool typo_target(const em_vocab *e)
{
	return e->cls == EM_TERM_NAME || (e->cls == EM_TERM_STOP && e->len >= 5);
}

enum { MAX_KEYS = EM_KEYMAP_KEY_MAX + 1 }; /* a key and its deletions */

/* A key's and its deletions' values in a key map: vals[k][0 .. n[k]) for key k (0: the key). */
typedef struct key_lookups {
	const uint32_t *vals[MAX_KEYS];
	size_t n[MAX_KEYS];
	size_t nk;
} key_lookups;

/*
 * Looks a key and its deletions (em_keymap_deletion_hashes) up in m. The key maps are larger than the
 * caches: the slots of all the keys are fetched first, then their values, then the vocabulary
 * entries those name, so that a word's memory accesses overlap instead of queueing.
 */
static void look_up_deletions(const em_screener *s, const em_keymap *m, const char *key, size_t len, bool distinct,
			      key_lookups *kl)
{
	uint64_t hash[MAX_KEYS];
	size_t nk = kl->nk = em_keymap_deletion_hashes(key, len, distinct, hash);
	for (size_t k = 0; k < nk; k++)
		em_keymap_prefetch(m, hash[k]);
	for (size_t k = 0; k < nk; k++) {
		kl->vals[k] = em_keymap_get_hash(m, hash[k], &kl->n[k]);
		if (kl->n[k] > 1)
			__builtin_prefetch(kl->vals[k]);
	}
	for (size_t k = 0; k < nk; k++)
		for (size_t i = 0; i < kl->n[k] && i < 8; i++)
			__builtin_prefetch(&s->vocab[kl->vals[k][i]]);
}

/* Looks one key and its one-letter deletions up in the spelling/phonetic map. */
static void lookup_typos(const em_screener *s, qterm *q, const char *key, size_t len)
{
	key_lookups kl;
	look_up_deletions(s, &s->by_phon, key, len, true, &kl);
	const uint32_t *const *vals = kl.vals;
	const size_t *n = kl.n;
	for (size_t i = 0; i < n[0]; i++) {
		const em_vocab *e = &s->vocab[vals[0][i]];
		if (!typo_target(e))
			continue;
		bool same_sound = e->plen == q->plen && em_same_letters(e->phon, q->phon, q->plen);
		if (has_match(q, vals[0][i]) && !same_sound)
			continue; /* scored already through another key */
		if (same_sound) {
			/* Same sound: short words that sound alike are often different names. */
			add_match(q, vals[0][i], q->plen >= 5 ? SIM_PHONETIC : SIM_PHONETIC - 0.07f, HOW_PHONETIC);
		} else {
			float t = typo_similarity(q, e);
			if (t >= SIM_MIN)
				add_match(q, vals[0][i], t, HOW_TYPO);
		}
	}
	/* The deletions. */
	for (size_t d = 1; d < kl.nk; d++)
		for (size_t k = 0; k < n[d]; k++) {
			const em_vocab *e = &s->vocab[vals[d][k]];
			if (!typo_target(e) || has_match(q, vals[d][k]))
				continue;
			float t = typo_similarity(q, e);
			if (t >= SIM_MIN)
				add_match(q, vals[d][k], t, HOW_TYPO);
		}
}

static bool letter_fits(char want, char have)
{
	if (want == have)
		return true;
	switch (want) {
	case 'v': return have == 'u' || have == 'o';              /* waw is a long u or o */
	case 'i': return have == 'e';                             /* ya is a long i or e */
	case 'a': return have == 'e';
	case 'z': case 't': case 'd':                             /* th, dh, z: see em_text_skeleton */
		return have == 'z' || have == 't' || have == 'd' || (want == 't' && have == 's');
	case 'k': case 'j': return have == 'g';                   /* qaf and jim spelt g (Gasmi, Ragab) */
	case 'h': return have == 'c';                             /* kha spelt ch (Barich) */
	default: return false;
	}
}

static bool is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Does q[0..qn) fit c from c[ci] on? Letters of c may be skipped, letters of q may not, except
 * the optional ones: the initial alef of a short word (ibn, written BIN), the alef of the
 * article before l (al, el, ul: Abdullah), and a final h (ta marbuta, -eh). A longer word keeps
 * its initial alef: "عاشور" (ayn, alef: ASHUR) is no spelling of SURI. */
static bool fits_from(const char *q, size_t qi, size_t qn, const char *c, size_t ci)
{
	if (qi == qn)
		return true;
	char want = q[qi];
	/* A final ya may be alef maqsura, read a (Mustafa, Isa). */
	if (want == 'i' && qi + 1 == qn && qn >= 3) {
		for (size_t k = ci; c[k]; k++)
			if (c[k] == 'a')
				return true;
	}
	bool optional = (want == 'a' && ((qi == 0 && qn <= 3) || (qi + 1 < qn && q[qi + 1] == 'l'))) ||
			(want == 'h' && qi + 1 == qn && qn >= 2);
	if (optional && fits_from(q, qi + 1, qn, c, ci))
		return true;
	for (; c[ci]; ci++) {
		char have = c[ci];
		if (letter_fits(want, have) || (want == 'a' && qi == 0 && is_vowel(have)))
			return fits_from(q, qi + 1, qn, c, ci + 1);
	}
	return false;
}

/*
 * Arabic script writes consonants and long vowels (alef, waw, ya), never short vowels. So a
 * Latin spelling of the same name holds the Arabic letters in order, with vowels in between:
 * "mhmwd" fits "mahmud" (Mahmoud) but not "muhamad" (Muhammad), "hsyn" fits "husain" (Hussein)
 * but not "hasan". The phonetic keys of both are compared that way.
 */
static bool abjad_fits(const char *q, const char *c)
{
	return fits_from(q, 0, strlen(q), c, 0);
}

/* A Latin word that starts with w or y before a vowel (WAYSIDE, YUSUF) starts with a consonant
 * Arabic script writes (و, ي): the romanized word must start with it too; and a word Arabic
 * script starts with waw or ya (وسيم WASIM) is no Latin word starting with a vowel (USAMA),
 * unless French writes the waw "ou" (OUALID). The skeletons leave w and y out, as inside a word
 * they are long vowels. */
static bool initial_glide_fits(const char *q, const char *listed)
{
	if ((listed[0] == 'w' || listed[0] == 'y') && is_vowel(listed[1]))
		return q[0] == 'w' || q[0] == 'y' || q[0] == 'v' || q[0] == 'u' || q[0] == 'i';
	if ((q[0] == 'w' || q[0] == 'y') && is_vowel(listed[0]))
		return listed[0] == 'o' && listed[1] == 'u';
	return true;
}

static float skeleton_similarity(const qterm *q, const em_vocab *e, bool same_length)
{
	bool fits = abjad_fits(q->phon, e->phon) && initial_glide_fits(q->term.text, e->text);
	if (same_length) {
		if (q->slen >= 3)
			return fits ? (float)SIM_SKELETON_LONG : 0.78f;
		return fits ? (float)SIM_SKELETON_SHORT : 0.75f;
	}
	/* One consonant apart and the long vowels do not fit: another name (MAHDI / MUHAMMAD). */
	return fits ? (float)SIM_SKELETON_TYPO : 0.0f;
}

#define MAX_READINGS 8

/*
 * The skeletons a romanized Arabic-script word may have in Latin spellings. ICU writes a letter
 * pair for one Arabic letter (sh, kh, th, dh, gh, zh), which may also be two letters; and some
 * letters have regional spellings: qaf as g (Maghreb), jim as g (Egypt), tha as s (Persian,
 * Urdu), kha as ch. Readings are built left to right, at most MAX_READINGS; the first is the
 * plain skeleton. Returns how many.
 */
static size_t abjad_readings(const char *t, size_t n, char out[MAX_READINGS][EM_TEXT_MAX_TOKEN * 2])
{
	char base[EM_TEXT_MAX_TOKEN * 2];
	size_t bl = em_text_skeleton(t, n, base, sizeof base);
	memcpy(out[0], base, bl + 1);
	size_t count = 1;
	/* Variants of the text itself, each skeletonized like the plain one. */
	static const struct { const char *from, *to; } swaps[] = {
		{"th", "s"}, {"q", "g"}, {"j", "g"}, {"k", "g"}, {"kh", "ch"}, {"sh", "s-h"}, {"kh", "k-h"},
		{"th", "t-h"}, {"zh", "z-h"}, {"gh", "g-h"},
	};
	for (size_t k = 0; k < sizeof swaps / sizeof swaps[0] && count < MAX_READINGS; k++) {
		const char *at = strstr(t, swaps[k].from);
		if (!at || (size_t)(at - t) >= n)
			continue;
		char v[EM_TEXT_MAX_TOKEN * 2];
		size_t fl = strlen(swaps[k].from), tl = strlen(swaps[k].to), pre = (size_t)(at - t);
		if (n - fl + tl + 1 > sizeof v)
			continue;
		memcpy(v, t, pre);
		memcpy(v + pre, swaps[k].to, tl);
		memcpy(v + pre + tl, at + fl, n - pre - fl);
		size_t vl = n - fl + tl;
		v[vl] = '\0';
		/* "s-h": the hyphen keeps the letters apart for the skeleton and is dropped after. */
		char sk[EM_TEXT_MAX_TOKEN * 2];
		size_t o = 0;
		for (char *part = v, *dash; part; part = dash ? dash + 1 : NULL) {
			dash = strchr(part, '-');
			size_t pl = dash ? (size_t)(dash - part) : strlen(part);
			o += em_text_skeleton_with(part, pl, sk + o, sizeof sk - o, 1);
		}
		bool seen = false;
		for (size_t m = 0; m < count; m++)
			seen |= strcmp(out[m], sk) == 0;
		if (!seen)
			memcpy(out[count++], sk, o + 1);
	}
	/* A final h is dropped as ta marbuta (Fatima), but ha is a letter too, and Latin spellings
	 * often give it a vowel after it (TAHA for "طه", ALLAHI). */
	if (n >= 2 && t[n - 1] == 'h' && count < MAX_READINGS) {
		char sk[EM_TEXT_MAX_TOKEN * 2];
		size_t o = em_text_skeleton(t, n - 1, sk, sizeof sk - 1);
		sk[o++] = 'h';
		sk[o] = '\0';
		bool seen = false;
		for (size_t m = 0; m < count; m++)
			seen |= strcmp(out[m], sk) == 0;
		if (!seen)
			memcpy(out[count++], sk, o + 1);
	}
	return count;
}

/* Listed terms whose skeleton is `skel`, or one consonant longer (a deletion key, see index.c). */
static void skeleton_lookup(const em_screener *s, qterm *q, const char *skel, size_t slen, bool plain)
{
	key_lookups kl;
	look_up_deletions(s, &s->by_skel, skel, slen, false, &kl);
	const uint32_t *const *vals = kl.vals;
	const size_t *n = kl.n;
	for (size_t i = 0; i < n[0]; i++) {
		const em_vocab *e = &s->vocab[vals[0][i]];
		if (e->cls == EM_TERM_LEGAL || (e->slen != slen && slen < 3))
			continue;
		/* The key map files by hash: the skeleton itself, or it with a letter more. */
		if (e->slen == slen ? !em_same_letters(e->skel, skel, slen)
				    : e->slen != slen + 1 || em_osa_distance_within(e->skel, e->slen, skel, slen, 1) != 1)
			continue;
		float sim = skeleton_similarity(q, e, e->slen == slen);
		/* A first consonant left out is another name, not a slip (HAMID is not MUHAMMAD). */
		if (e->slen != slen && e->skel[0] != skel[0])
			sim = 0;
		if (sim > 0)
			add_match(q, vals[0][i], sim - (plain ? 0.0f : 0.03f), HOW_SKELETON);
	}
	/* One consonant fewer in the listed spelling. */
	char buf[MAX_KEYS];
	for (size_t d = 0; d + 1 < kl.nk; d++) {
		memcpy(buf, skel, d);
		memcpy(buf + d, skel + d + 1, slen - d);
		for (size_t i = 0; i < n[d + 1]; i++) {
			uint32_t v = vals[d + 1][i];
			const em_vocab *e = &s->vocab[v];
			if (e->cls == EM_TERM_LEGAL || has_match(q, v) || (size_t)e->slen + 1 != slen ||
			    !em_same_letters(e->skel, buf, e->slen))
				continue;
			float sim = skeleton_similarity(q, e, false);
			if (sim > 0)
				add_match(q, v, sim - (plain ? 0.0f : 0.03f), HOW_SKELETON);
		}
	}
}

static void find_term_matches(const em_screener *s, qterm *q, em_script_class script)
{
	q->n_m = 0;
	memset(q->m_bits, 0, sizeof q->m_bits);
	size_t v;
	if (em_vocab_lookup(s, q->term.text, em_hash_bytes(q->term.text, q->term.len), &v))
		add_match(q, (uint32_t)v, 1.0f, HOW_EXACT);
	if (q->term.cls == EM_TERM_LEGAL) {
		/* Any legal form is weak evidence for any other: LLC and JSC are both companies. */
		for (size_t k = 0; k < s->n_legal; k++)
			add_match(q, s->legal_vocab[k], 0.75f, HOW_VARIANT); /* keeps 1.0 for the same form */
		/* A person's name keeps its words as written ("IYAD AG GHALI"): meet them too. */
		if (q->term.orig_len && em_strmap_get(&s->by_text, q->term.orig, &v))
			add_match(q, (uint32_t)v, 1.0f, HOW_EXACT);
		return;
	}
	if (q->term.cls != EM_TERM_NAME)
		return; /* stop words only match exactly */
	/* Organization names are often listed translated (شبكة is NETWORK): the English word too. */
	if (script == EM_SCRIPT_ABJAD) {
		const char *en = em_knowledge_translation(q->term.text);
		if (en && em_strmap_get(&s->by_text, en, &v))
			add_match(q, (uint32_t)v, (float)SIM_TRANSLATED, HOW_TRANSLATED);
	}
	/* A vowelless Arabic-script spelling is compared by its skeleton below, not as a typo;
	 * unless the skeleton is one letter, too short to find it by ("اياد" ayad, IYAD). */
	if (script != EM_SCRIPT_ABJAD || q->slen < 2) {
		lookup_typos(s, q, q->phon, q->plen);
		if (strcmp(q->phon, q->term.text) != 0)
			lookup_typos(s, q, q->term.text, q->term.len);
	}
	/* Arabic script leaves short vowels unwritten: compare consonant skeletons, under every
	 * plausible Latin reading of the romanized letters (see abjad_readings). */
	if (script == EM_SCRIPT_ABJAD && q->term.len >= 2) {
		char alts[MAX_READINGS][EM_TEXT_MAX_TOKEN * 2];
		size_t n = abjad_readings(q->term.text, q->term.len, alts);
		for (size_t k = 0; k < n; k++) {
			size_t len = strlen(alts[k]);
			if (len >= 2)
				skeleton_lookup(s, q, alts[k], len, k == 0);
		}
	}
}

/*
 * A query token written together with a legal form ("CAMARYLTDA", "TRADEAND") that matches no
 * listed term is split before the name is read again. Returns true when anything was split.
 */
static bool split_suffixes(const query_ctx *c, char *out, size_t cap)
{
	size_t o = 0;
	bool changed = false;
	out[0] = '\0';
	for (size_t i = 0; i < c->n; i++) {
		const qterm *q = &c->q[i];
		/* A legal form is written as its canonical form: its original spelling may be a
		 * phrase written together ("companylimited"), which would not read as one again. */
		const char *t = q->term.cls == EM_TERM_LEGAL || !q->term.orig_len ? q->term.text : q->term.orig;
		size_t len = strlen(t), cut = 0;
		bool close = false;
		for (size_t k = 0; k < q->n_m; k++)
			close |= q->m[k].sim >= SIM_PHONETIC - 0.001f;
		if (!close && q->term.cls == EM_TERM_NAME && len >= 5) {
			cut = em_knowledge_suffix_split(t, len);
			/* Only when the part before it is a listed word: "CAROURIAS" is not "CAROURI AS". */
			char head[EM_TEXT_MAX_TOKEN];
			if (cut) {
				memcpy(head, t, cut);
				head[cut] = '\0';
				if (!em_strmap_get(&c->s->by_text, head, NULL))
					cut = 0;
			}
		}
		/* The word, a space where it was cut, a space before the next: copied, not printed
		 * (this runs for every query). */
		if (o + len + 3 > cap)
			return false;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, t, cut ? cut : len);
		o += cut ? cut : len;
		if (cut) {
			out[o++] = ' ';
			memcpy(out + o, t + cut, len - cut);
			o += len - cut;
		}
		out[o] = '\0';
		changed |= cut != 0;
	}
	return changed;
}

/*
 * A query word read as a known variant ("Магомед" -> magomed -> muhammad) is also looked up as
 * written: a listed spelling the variant table does not know (MAGHOMED) is still one letter
 * or one sound away from it.
 */
static void match_as_written(const em_screener *s, qterm *q, em_script_class script)
{
	qterm alt = *q;
	memcpy(alt.term.text, q->term.orig, q->term.orig_len + 1u);
	alt.term.len = q->term.orig_len;
	alt.plen = em_text_phonetic(alt.term.text, alt.term.len, alt.phon, sizeof alt.phon);
	alt.slen = em_text_skeleton(alt.term.text, alt.term.len, alt.skel, sizeof alt.skel);
	find_term_matches(s, &alt, script);
	for (size_t k = 0; k < alt.n_m; k++)
		add_match(q, alt.m[k].vocab, alt.m[k].sim, alt.m[k].how);
}

/*
 * The term memo. What match_terms finds for a term depends on the term as read, the script and
 * the index alone, and a batch of names repeats its words: in the benchmark's mix of 20,000
 * queries, 72% of the words were in an earlier query. The thread keeps the answers in a ring
 * cache: the key is the screener's serial, the script and the term as read; the value is the
 * term after match_terms with its phonetic key, skeleton, weight and matches.
 */
#define MEMO_RING_BYTES ((size_t)4 << 20)
#define MEMO_SETS 8192

/* The fixed part of a term, written field by field (em_term has padding). */
typedef struct memo_term {
	uint8_t len, orig_len, corrected, cls, family, joined;
	float factor;
} memo_term;

static size_t memo_put_term(unsigned char *p, const em_term *t)
{
	memo_term m;
	memset(&m, 0, sizeof m); /* the padding too: the key is compared byte for byte */
	m.len = t->len;
	m.orig_len = t->orig_len;
	m.corrected = t->corrected;
	m.cls = t->cls;
	m.family = t->family;
	m.joined = t->joined;
	m.factor = t->factor;
	memcpy(p, &m, sizeof m);
	memcpy(p + sizeof m, t->text, t->len);
	memcpy(p + sizeof m + t->len, t->orig, t->orig_len);
	return sizeof m + t->len + t->orig_len;
}

static size_t memo_get_term(const unsigned char *p, em_term *t)
{
	memo_term m;
	memcpy(&m, p, sizeof m);
	t->len = m.len;
	t->orig_len = m.orig_len;
	t->corrected = m.corrected;
	t->cls = m.cls;
	t->family = m.family;
	t->joined = m.joined;
	t->factor = m.factor;
	memcpy(t->text, p + sizeof m, m.len);
	t->text[m.len] = '\0';
	memcpy(t->orig, p + sizeof m + m.len, m.orig_len);
	t->orig[m.orig_len] = '\0';
	return sizeof m + m.len + m.orig_len;
}

#define MEMO_KEY_MAX (sizeof(uint64_t) + 1 + sizeof(memo_term) + 2 * EM_TEXT_MAX_TOKEN)

static size_t memo_key(const em_screener *s, em_script_class script, const em_term *read, unsigned char *key)
{
	memcpy(key, &s->serial, sizeof s->serial);
	key[sizeof s->serial] = (unsigned char)script;
	return sizeof s->serial + 1 + memo_put_term(key + sizeof s->serial + 1, read);
}

/* The memo key's hash, eight bytes at a step (the key is some 30 bytes: FNV-1a's byte at a
 * step cost more than the rest of a memo hit). */
static uint64_t memo_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* The thread's memo, made on first use; NULL when there is no memory for it. */
static em_ring_cache *term_memo(void)
{
	if (!tls_scratch.memo)
		tls_scratch.memo = em_ring_cache_new(MEMO_RING_BYTES, MEMO_SETS);
	return tls_scratch.memo;
}

typedef struct memo_head {
	uint8_t plen, slen, n_m;
	float weight;
} memo_head;

static void memo_store(em_ring_cache *memo, const unsigned char *key, size_t kl, uint64_t h, const qterm *q)
{
	unsigned char val[sizeof(memo_term) + 2 * EM_TEXT_MAX_TOKEN + sizeof(memo_head) + sizeof q->phon +
			  sizeof q->skel + sizeof q->m];
	if (q->plen > UINT8_MAX || q->slen > UINT8_MAX || q->n_m > UINT8_MAX)
		return;
	size_t o = memo_put_term(val, &q->term);
	memo_head hd = {(uint8_t)q->plen, (uint8_t)q->slen, (uint8_t)q->n_m, q->weight};
	memcpy(val + o, &hd, sizeof hd);
	o += sizeof hd;
	memcpy(val + o, q->phon, q->plen);
	o += q->plen;
	memcpy(val + o, q->skel, q->slen);
	o += q->slen;
	memcpy(val + o, q->m, q->n_m * sizeof q->m[0]);
	o += q->n_m * sizeof q->m[0];
	em_ring_cache_put(memo, key, kl, h, val, o);
}

static void memo_load(const unsigned char *val, qterm *q)
{
	size_t o = memo_get_term(val, &q->term);
	memo_head hd;
	memcpy(&hd, val + o, sizeof hd);
	o += sizeof hd;
	q->plen = hd.plen;
	q->slen = hd.slen;
	q->n_m = hd.n_m;
	q->weight = hd.weight;
	memcpy(q->phon, val + o, hd.plen);
	q->phon[hd.plen] = '\0';
	o += hd.plen;
	memcpy(q->skel, val + o, hd.slen);
	q->skel[hd.slen] = '\0';
	o += hd.slen;
	memcpy(q->m, val + o, hd.n_m * sizeof q->m[0]);
	memset(q->m_bits, 0, sizeof q->m_bits);
	for (size_t k = 0; k < hd.n_m; k++)
		q->m_bits[(q->m[k].vocab >> 6) & 3] |= (uint64_t)1 << (q->m[k].vocab & 63);
}

/* Finds the listed terms each query term may be, and the term weights. */
static void match_terms(query_ctx *c, const em_screener *s)
{
	c->total_weight = 0;
	/* Every term's memo key first, and its set fetched: the memo is larger than the caches. */
	em_ring_cache *memo = term_memo();
	unsigned char keys[EM_TEXT_MAX_TOKENS][MEMO_KEY_MAX];
	size_t key_lens[EM_TEXT_MAX_TOKENS];
	uint64_t hashes[EM_TEXT_MAX_TOKENS];
	if (memo)
		for (size_t i = 0; i < c->n; i++) {
			key_lens[i] = memo_key(s, c->script, &c->read[i], keys[i]);
			hashes[i] = memo_hash(keys[i], key_lens[i]);
			em_ring_cache_prefetch(memo, hashes[i]);
		}
	for (size_t i = 0; i < c->n; i++) {
		qterm *q = &c->q[i];
		if (memo) {
			size_t vl;
			const unsigned char *val = em_ring_cache_get(memo, keys[i], key_lens[i], hashes[i], &vl);
			if (val) {
				memo_load(val, q);
				c->total_weight += q->weight;
				continue;
			}
		}
		q->plen = em_text_phonetic(q->term.text, q->term.len, q->phon, sizeof q->phon);
		q->slen = em_text_skeleton(q->term.text, q->term.len, q->skel, sizeof q->skel);
		if (q->term.corrected) {
			/*
			 * The token resembles a knowledge word ("Mhsen" ~ Mohsen): read it both as written
			 * and as that word, the guess a little weaker; if the lists know it as written, or
			 * the guess finds nothing, it stays as written.
			 */
			qterm guess = *q;
			find_term_matches(s, &guess, c->script);
			memcpy(q->term.text, q->term.orig, q->term.orig_len + 1u);
			q->term.len = q->term.orig_len;
			q->term.cls = EM_TERM_NAME;
			q->term.factor = 1.0f;
			q->plen = em_text_phonetic(q->term.text, q->term.len, q->phon, sizeof q->phon);
			q->slen = em_text_skeleton(q->term.text, q->term.len, q->skel, sizeof q->skel);
			find_term_matches(s, q, c->script);
			bool known = em_strmap_get(&s->by_text, q->term.text, NULL);
			float best = 0;
			for (size_t k = 0; k < q->n_m; k++)
				best = q->m[k].sim > best ? q->m[k].sim : best;
			if (!known && guess.n_m) {
				if (guess.term.cls != EM_TERM_NAME) {
					/* "DZHSC" sounds like JSC and like no listed word: it is the legal form. */
					if (best < 0.9f)
						*q = guess;
				} else {
					for (size_t k = 0; k < guess.n_m; k++)
						add_match(q, guess.m[k].vocab, guess.m[k].sim * 0.92f, guess.m[k].how);
				}
			} else if (known && guess.term.cls == EM_TERM_NAME) {
				/* A rare listed spelling ("HSEIN") may still be a slip for the common name. */
				for (size_t k = 0; k < guess.n_m; k++)
					add_match(q, guess.m[k].vocab, guess.m[k].sim * KNOWN_GUESS, guess.m[k].how);
			}
			q->term.corrected = !known;
		} else {
			find_term_matches(s, q, c->script);
			if (q->term.cls == EM_TERM_NAME && q->term.orig_len && strcmp(q->term.orig, q->term.text) != 0)
				match_as_written(s, q, c->script);
		}
		/* Weight: the listed weight of the closest listed term, else "unseen". */
		float w = 0, best = 0;
		for (size_t k = 0; k < q->n_m; k++) {
			if (q->m[k].sim > best || (q->m[k].sim == best && s->vocab[q->m[k].vocab].weight > w)) {
				best = q->m[k].sim;
				w = s->vocab[q->m[k].vocab].weight;
			}
		}
		if (q->n_m == 0)
			w = q->term.cls == EM_TERM_NAME ? s->unknown_weight * 0.8f : q->term.factor * 3.0f;
		q->weight = w;
		c->total_weight += w;
		if (memo)
			memo_store(memo, keys[i], key_lens[i], hashes[i], q);
	}
}

/* Indexes every query term's matches by listed term, so aligning a name costs a lookup a word. */
static void index_matches(query_ctx *c)
{
	c->n_by_vocab = 0;
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->q[i].n_m; k++)
			c->by_vocab[c->n_by_vocab++] = (vmatch){c->q[i].m[k].vocab, (uint8_t)i, c->q[i].m[k].how,
								c->q[i].m[k].sim};
	/* Usually a few dozen: insertion sort beats qsort's calls through a pointer. Arabic-script
	 * queries can have thousands: a radix sort, a byte of the listed term id at a time (stable,
	 * as insertion sort is: equal ids keep their order). */
	if (c->n_by_vocab > 64) {
		uint32_t top = 0;
		for (size_t k = 0; k < c->n_by_vocab; k++)
			top |= c->by_vocab[k].vocab;
		vmatch *from = c->by_vocab, *to = c->by_vocab_tmp;
		for (unsigned shift = 0; shift < 32 && (top >> shift) != 0; shift += 8) {
			size_t count[257] = {0};
			for (size_t k = 0; k < c->n_by_vocab; k++)
				count[((from[k].vocab >> shift) & 0xff) + 1]++;
			for (size_t b = 1; b < 257; b++)
				count[b] += count[b - 1];
			for (size_t k = 0; k < c->n_by_vocab; k++)
				to[count[(from[k].vocab >> shift) & 0xff]++] = from[k];
			vmatch *t = from;
			from = to;
			to = t;
		}
		if (from != c->by_vocab)
			memcpy(c->by_vocab, from, c->n_by_vocab * sizeof *from);
	} else {
		for (size_t a = 1; a < c->n_by_vocab; a++) {
			vmatch t = c->by_vocab[a];
			size_t b = a;
			while (b > 0 && c->by_vocab[b - 1].vocab > t.vocab) {
				c->by_vocab[b] = c->by_vocab[b - 1];
				b--;
			}
			c->by_vocab[b] = t;
		}
	}
	/* A table at most a quarter full, else the binary search in first_match(). */
	c->vslots = c->n_by_vocab * 4 <= VSLOTS;
	if (!c->vslots)
		return;
	/* Only as many slots as the entries need: the table is cleared for every query. */
	size_t slots = 16;
	c->vslot_shift = 28;
	while (slots < c->n_by_vocab * 4) {
		slots *= 2;
		c->vslot_shift--;
	}
	memset(c->vslot_vocab, 0xff, slots * sizeof c->vslot_vocab[0]);
	for (size_t k = 0; k < c->n_by_vocab; k++) {
		uint32_t v = c->by_vocab[k].vocab;
		if (k > 0 && c->by_vocab[k - 1].vocab == v)
			continue;
		size_t j = (v * 2654435761u) >> c->vslot_shift;
		while (c->vslot_vocab[j] != UINT32_MAX)
			j = (j + 1) & (slots - 1);
		c->vslot_vocab[j] = v;
		c->vslot_start[j] = (uint16_t)k;
	}
}

/* The first entry of by_vocab for listed term v, or n_by_vocab when the query has none. */
static size_t first_match(const query_ctx *c, uint32_t v)
{
	if (c->vslots) {
		size_t mask = ((size_t)1 << (32 - c->vslot_shift)) - 1;
		size_t j = (v * 2654435761u) >> c->vslot_shift;
		for (; c->vslot_vocab[j] != UINT32_MAX; j = (j + 1) & mask)
			if (c->vslot_vocab[j] == v)
				return c->vslot_start[j];
		return c->n_by_vocab;
	}
	size_t lo = 0, hi = c->n_by_vocab;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->by_vocab[mid].vocab < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void load_terms(query_ctx *c, const em_terms *terms)
{
	c->n = terms->n;
	for (size_t i = 0; i < terms->n; i++)
		c->q[i].term = c->read[i] = terms->t[i];
}

/* The set's value for a hash: never 0, which marks an empty slot. */
static uint32_t run_skel_key(uint32_t h)
{
	return h ? h : 1;
}

/* Whether a run of the query may have the skeleton whose hash (em_hash_bytes, low 32 bits) is h. */
static bool run_skel_has(const query_ctx *c, uint32_t h)
{
	uint32_t key = run_skel_key(h);
	for (size_t j = key & c->run_skel_mask; c->run_skel_set[j]; j = (j + 1) & c->run_skel_mask)
		if (c->run_skel_set[j] == key)
			return true;
	return false;
}

static void run_skel_add(query_ctx *c, uint32_t h)
{
	uint32_t key = run_skel_key(h);
	size_t j = key & c->run_skel_mask;
	while (c->run_skel_set[j] && c->run_skel_set[j] != key)
		j = (j + 1) & c->run_skel_mask;
	c->run_skel_set[j] = key;
}

/* Fills c->qruns: every run of two or three query terms written together. */
static void build_runs(query_ctx *c)
{
	/* Two skeletons a run, 2n - 3 runs: a set at most half full, cleared for every query. */
	size_t slots = 16;
	while (slots < 4 * (2 * c->n) && slots < RUN_SKEL_SLOTS)
		slots *= 2;
	c->run_skel_mask = slots - 1;
	memset(c->run_skel_set, 0, slots * sizeof c->run_skel_set[0]);
	memset(c->run_lens_by_first, 0, sizeof c->run_lens_by_first);
	size_t k = 0;
	for (size_t np = 2; np <= 3; np++)
		for (size_t i = 0; i + np <= c->n; i++) {
			qrun *r = &c->qruns[k];
			c->run_at[np - 2][i] = (uint8_t)k++;
			size_t o = 0;
			bool spelt = true;
			for (size_t j = i; j < i + np; j++) {
				memcpy(r->orig + o, c->q[j].term.orig, c->q[j].term.orig_len);
				o += c->q[j].term.orig_len;
				spelt &= c->q[j].term.orig_len > 0;
			}
			r->orig[o] = '\0';
			r->olen = spelt ? o : 0;
			r->text_sig = r->olen && r->olen < EM_JOIN_EXACT_BELOW ? em_skel_sig((uint32_t)em_hash_bytes(r->orig, o)) : 0;
			if (r->olen >= EM_JOIN_EXACT_BELOW - 1) {
				r->affix_sig[0] = em_prefix3_sig(r->orig);
				r->affix_sig[1] = em_suffix3_sig(r->orig, r->olen);
			} else {
				r->affix_sig[0] = r->affix_sig[1] = 0;
			}
			for (int assimilate = 0; assimilate < 2; assimilate++) {
				o = 0;
				for (size_t j = i; j < i + np; j++) {
					if (assimilate && j + 1 < i + np && em_assimilated_article(c->q[j].term.orig, c->q[j + 1].term.orig))
						continue;
					memcpy(r->skel[assimilate] + o, c->q[j].skel, c->q[j].slen);
					o += c->q[j].slen;
				}
				r->slen[assimilate] = o;
				uint32_t h = (uint32_t)em_hash_bytes(r->skel[assimilate], o);
				run_skel_add(c, h);
				r->sig[assimilate] = em_skel_sig(h);
			}
			if (r->olen)
				c->run_lens_by_first[(unsigned char)r->orig[0] % 32] |= (uint64_t)1 << (r->olen < 63 ? r->olen : 63);
		}
}

static void prepare_query(query_ctx *c, const em_screener *s, const em_query *q, em_translit which)
{
	em_terms terms;
	int flags = EM_TERMS_QUERY | (q->type == EM_ENTITY_PERSON ? EM_TERMS_PERSON : 0);
	em_terms_from_name_with(q->name, NULL, flags, which, &terms);
	c->s = s;
	c->script = terms.script;
	load_terms(c, &terms);
	match_terms(c, s);
	char split[1024];
	if (split_suffixes(c, split, sizeof split)) {
		em_terms_from_name(split, NULL, flags, &terms);
		load_terms(c, &terms);
		match_terms(c, s);
	}
	index_matches(c);
	uint8_t lens[EM_TEXT_MAX_TOKENS], skels[EM_TEXT_MAX_TOKENS];
	for (size_t i = 0; i < c->n; i++) {
		lens[i] = (uint8_t)(c->q[i].term.orig_len < 255 ? c->q[i].term.orig_len : 255);
		skels[i] = (uint8_t)(c->q[i].slen < 255 ? c->q[i].slen : 255);
	}
	c->runs = em_run_mask(lens, c->n);
	c->skel_runs = em_run_mask(skels, c->n);
	c->first = 0;
	for (size_t i = 0; i < c->n; i++) {
		c->first |= em_letter_bit(c->q[i].term.orig[0]);
		c->word_sig[i] = em_skel_sig((uint32_t)em_hash_bytes(c->q[i].skel, c->q[i].slen));
		c->word_text_sig[i] = em_skel_sig((uint32_t)em_hash_bytes(c->q[i].term.orig, c->q[i].term.orig_len));
		if (c->q[i].term.orig_len >= EM_JOIN_EXACT_BELOW) {
			c->word_affix_sig[i][0] = em_prefix3_sig(c->q[i].term.orig);
			c->word_affix_sig[i][1] = em_suffix3_sig(c->q[i].term.orig, c->q[i].term.orig_len);
		}
	}
	c->last_prefix_sig = c->n && c->q[c->n - 1].term.orig_len >= 3
				     ? em_skel_sig((uint32_t)em_hash_bytes(c->q[c->n - 1].term.orig, 3))
				     : 0;
	build_runs(c);
}

/* ---- retrieval ------------------------------------------------------------------------------ */

typedef struct cand {
	float acc;
	uint32_t name;
	uint64_t reached; /* the query terms whose matches reached the name (scratch.reached) */
} cand;

static int cmp_cand_desc(const void *a, const void *b)
{
	float x = ((const cand *)a)->acc, y = ((const cand *)b)->acc;
	return (x < y) - (x > y);
}


/*
 * Writes parts together into buf. With `assimilate`, an article "al" before a sun letter is left
 * out, as Latin spellings of Arabic names do ("shms al dyn" -> "shmsdyn" for Shamsuddin, where
 * the article is only a vowel and a doubled letter). Returns the length, 0 if it does not fit.
 */
static size_t concat_parts(char *buf, size_t cap, const char *const *parts, size_t np, bool assimilate)
{
	size_t bl = 0;
	for (size_t k = 0; k < np; k++) {
		const char *p = parts[k];
		size_t n = strlen(p);
		if (assimilate && k + 1 < np && em_assimilated_article(p, parts[k + 1]))
			continue;
		if (bl + n + 1 > cap || n == 0)
			return 0;
		memcpy(buf + bl, p, n);
		bl += n;
	}
	buf[bl] = '\0';
	return bl;
}

/* Adds `gain` to every name holding listed term v. */
static void reach(const em_screener *s, scratch *sc, uint32_t v, float gain)
{
	const em_vocab *e = &s->vocab[v];
	for (uint32_t p = 0; p < e->df; p++) {
		uint32_t nm = s->postings[e->post_start + p];
		if (sc->acc[nm].acc == 0.0f)
			sc->touched[sc->n_touched++] = nm;
		sc->acc[nm].acc += gain;
	}
}

/* Accumulates, per name, the weight of query terms that reach it; returns the candidates. */
#define RETRIEVE_AHEAD 8 /* postings */

static size_t retrieve(const query_ctx *c, scratch *sc, cand *out, size_t cap)
{
	const em_screener *s = c->s;
	/* The index is larger than the caches: every matched term's entry is fetched first, then
	 * the start of its postings, then the names' accumulators a few postings ahead. */
	for (size_t i = 0; i < c->n; i++)
		if (c->q[i].term.cls == EM_TERM_NAME)
			for (size_t k = 0; k < c->q[i].n_m; k++)
				__builtin_prefetch(&s->vocab[c->q[i].m[k].vocab]);
	for (size_t i = 0; i < c->n; i++)
		if (c->q[i].term.cls == EM_TERM_NAME)
			for (size_t k = 0; k < c->q[i].n_m; k++)
				__builtin_prefetch(&s->postings[s->vocab[c->q[i].m[k].vocab].post_start]);
	/* Only name words retrieve: a legal form or an article alone reaches thousands of names
	 * and cannot carry a query to the threshold. */
	for (size_t i = 0; i < c->n; i++) {
		const qterm *q = &c->q[i];
		if (q->term.cls != EM_TERM_NAME)
			continue;
		for (size_t k = 0; k < q->n_m; k++) {
			const em_vocab *v = &s->vocab[q->m[k].vocab];
			float gain = q->weight * q->m[k].sim;
			const uint32_t *post = s->postings + v->post_start;
			for (uint32_t p = 0; p < v->df; p++) {
				if (p + RETRIEVE_AHEAD < v->df)
					__builtin_prefetch(&sc->acc[post[p + RETRIEVE_AHEAD]]);
				uint32_t nm = post[p];
				name_acc *a = &sc->acc[nm];
				if (a->acc == 0.0f && !a->reached)
					sc->touched[sc->n_touched++] = nm;
				a->acc += gain;
				a->reached |= (uint64_t)1 << i;
			}
		}
	}
	/* Joined tokens ("NUNEZJUAN"): a term no listed term resembles may be two listed terms. */
	for (size_t i = 0; i < c->n; i++) {
		const qterm *q = &c->q[i];
		bool close = false;
		for (size_t k = 0; k < q->n_m; k++)
			close |= q->m[k].sim >= SIM_PHONETIC - 0.001f;
		if (close || q->term.cls != EM_TERM_NAME || q->term.len < 5)
			continue;
		/* The left half's hash grows with the cut; the right half is the rest of the text. */
		uint64_t hl = em_hash_step(em_hash_step(EM_HASH_EMPTY, (unsigned char)q->term.text[0]),
					   (unsigned char)q->term.text[1]);
		for (size_t cut = 2; cut + 1 < q->term.len; hl = em_hash_step(hl, (unsigned char)q->term.text[cut++])) {
			char left[EM_TEXT_MAX_TOKEN];
			memcpy(left, q->term.text, cut);
			left[cut] = '\0';
			/* Each half a listed word, or one listed and the other a name variant ("TATIANA"):
			 * the knowledge (a small table) is asked before the index (a large one). */
			size_t v;
			const char *right = q->term.text + cut;
			if (em_vocab_lookup(s, left, hl, &v)) {
				if (!em_knowledge_is_word(right) &&
				    !em_vocab_lookup(s, right, em_hash_bytes(right, q->term.len - cut), NULL))
					continue;
			} else if (!em_knowledge_is_word_hashed(left, hl) ||
				   !em_vocab_lookup(s, right, em_hash_bytes(right, q->term.len - cut), &v)) {
				continue;
			}
			reach(s, sc, (uint32_t)v, q->weight * 0.5f);
		}
	}
	/* Query words a listed name writes as one ("wly jan" / WALIJAN, "mty allh" / MATIULLAH). */
	bool abjad = c->script == EM_SCRIPT_ABJAD;
	for (size_t i = 0; i + 1 < c->n; i++) {
		for (size_t np = 2; np <= 3 && i + np <= c->n; np++) {
			const char *parts[3];
			float w = 0;
			for (size_t k = 0; k < np; k++) {
				parts[k] = c->q[i + k].term.orig;
				w += c->q[i + k].weight;
			}
			char buf[EM_TEXT_MAX_TOKEN * 3 + 4], key[EM_TEXT_MAX_TOKEN * 3 + 4];
			for (int assimilate = 0; assimilate < (abjad ? 2 : 1); assimilate++) {
				size_t bl = concat_parts(buf, sizeof buf, parts, np, assimilate);
				if (bl < 4)
					continue;
				size_t one;
				if (!abjad) {
					if (em_vocab_lookup(s, buf, em_hash_bytes(buf, bl), &one))
						reach(s, sc, (uint32_t)one, w * 0.9f);
					continue;
				}
				size_t kl = em_text_skeleton(buf, bl, key, sizeof key), nv;
				if (kl < 3)
					continue;
				const uint32_t *vals = em_keymap_get(&s->by_skel, key, kl, &nv);
				for (size_t k = 0; k < nv; k++)
					if (s->vocab[vals[k]].slen == kl && memcmp(s->vocab[vals[k]].skel, key, kl) == 0)
						reach(s, sc, vals[k], w * 0.9f); /* the skeleton itself, not a deletion key */
			}
		}
	}
	float need = c->total_weight * RETRIEVE_SHARE;
	size_t n = 0;
	bool full = false;
	for (size_t t = 0; t < sc->n_touched; t++) {
		uint32_t nm = sc->touched[t];
		if (sc->acc[nm].acc < need)
			continue;
		if (n == cap) {
			/* Too many: keep the ones the query reached most strongly. */
			if (!full)
				qsort(out, n, sizeof *out, cmp_cand_desc);
			full = true;
			if (sc->acc[nm].acc > out[n - 1].acc) {
				size_t k = n - 1;
				while (k > 0 && out[k - 1].acc < sc->acc[nm].acc) {
					out[k] = out[k - 1];
					k--;
				}
				out[k] = (cand){sc->acc[nm].acc, nm, sc->acc[nm].reached};
			}
			continue;
		}
		out[n++] = (cand){sc->acc[nm].acc, nm, sc->acc[nm].reached};
	}
	for (size_t t = 0; t < sc->n_touched; t++) {
		sc->acc[sc->touched[t]] = (name_acc){0.0f, 0};
	}
	sc->n_touched = 0;
	return n;
}

/* ---- alignment and name score ---------------------------------------------------------------- */

typedef struct pair {
	int8_t qi, ci;  /* query term, listed term; -1 for none */
	int8_t ci2;     /* further listed terms when a query term equals listed terms joined ... */
	int8_t qi2;     /* ... and further query terms when a listed term equals query terms joined */
	int8_t ncj, nqj; /* how many listed / query terms the pair covers (1 to 3) */
	float sim;
	float weight;
	uint8_t how;
} pair;

typedef struct alignment {
	pair p[EM_TEXT_MAX_TOKENS * 2];
	size_t n;
	double qcov, ccov, score;
} alignment;

typedef struct cpair {
	float sim, key;
	uint8_t qi, ci, how;
} cpair;

/*
 * How well `single` equals `parts` written together: exactly (0.95), one edit off in a long word
 * (0.88, not in exact mode), or for Arabic-script queries the same consonant skeleton (0.9).
 */
static bool abjad_fits(const char *q, const char *c);

/* One side of a join: a word or words with their lengths and skeletons. */
typedef struct join_side {
	const char *text[3];
	const char *skel[3];
	size_t len[3];
	size_t slen[3];
	size_t n;
} join_side;

/*
 * Whether the parts' skeletons written together are the single word's skeleton, with an article
 * "al" before a sun letter left in or (`assimilate`) left out.
 */
static bool join_skeleton_agrees(const join_side *one, const join_side *many, bool assimilate)
{
	size_t ssl = one->slen[0], o = 0;
	for (size_t k = 0; k < many->n; k++) {
		if (assimilate && k + 1 < many->n && em_assimilated_article(many->text[k], many->text[k + 1]))
			continue;
		size_t pl = many->slen[k];
		if (o + pl > ssl || memcmp(one->skel[0] + o, many->skel[k], pl) != 0)
			return false;
		o += pl;
	}
	return o == ssl;
}

static float join_similarity(const join_side *one, const join_side *many, bool abjad, bool exact,
			     bool single_is_query)
{
	const char *single = one->text[0];
	const char *const *parts = many->text;
	size_t np = many->n;
	/* Cheap tests first: this runs for every run of words of every candidate name. */
	size_t sl = one->len[0], total = 0;
	for (size_t k = 0; k < np; k++)
		total += many->len[k];
	bool spelled = sl + 1 >= total && sl <= total + 1 && single[0] == parts[0][0];
	if (!spelled && !abjad)
		return 0;
	char buf[EM_TEXT_MAX_TOKEN * 3 + 4];
	size_t bl = 0;
	if (spelled && (bl = concat_parts(buf, sizeof buf, parts, np, false)) != 0) {
		/* One edit counts only for long words outside exact mode; otherwise only equality. */
		int d = exact || sl < 7 ? (sl == bl && memcmp(single, buf, bl) == 0 ? 0 : 2)
					: em_osa_distance_within(single, sl, buf, bl, 1);
		if (d == 0)
			return (float)SIM_JOINED;
		if (d == 1)
			return 0.88f;
	}
	if (!abjad)
		return 0;
	/*
	 * The skeletons must agree (the parts' skeletons written together, the article left in or
	 * assimilated), then the Arabic-script side must fit the Latin side, long vowels and all.
	 */
	size_t ssl = one->slen[0];
	if (ssl < 2)
		return 0;
	for (int assimilate = 0; assimilate < 2; assimilate++) {
		if (!join_skeleton_agrees(one, many, assimilate))
			continue;
		char a[EM_TEXT_MAX_TOKEN * 3], b[EM_TEXT_MAX_TOKEN * 3];
		bl = concat_parts(buf, sizeof buf, parts, np, assimilate);
		em_text_phonetic(single, sl, a, sizeof a);
		em_text_phonetic(buf, bl, b, sizeof b);
		if (single_is_query ? abjad_fits(a, b) : abjad_fits(b, a))
			return ssl >= 3 ? 0.92f : 0.88f;
		if (ssl >= 4)
			return 0.80f;
	}
	return 0;
}


static double combine(double qcov, double ccov)
{
	/* Every query part should be found; listed parts the query leaves out cost less. */
	return qcov * (0.56 + 0.44 * ccov);
}

/*
 * Word and skeleton lengths of both sides as running sums (a run's length in O(1)), and which
 * lengths a run of two or three words can have, as bit masks (em_run_mask): a word whose length
 * no run comes within one of cannot be a run written together, and most words are ruled out so.
 */
typedef struct join_lens {
	uint16_t clen[257], cskel[257], qlen[EM_TEXT_MAX_TOKENS + 1], qskel[EM_TEXT_MAX_TOKENS + 1];
	const em_name_runs *runs;
	size_t nc;
} join_lens;

/* Whether a run length in [lo, hi] may be in the mask (lengths >= 63 share the top bit). */
static bool mask_has(uint64_t m, size_t lo, size_t hi)
{
	if (hi >= 63)
		return (m >> (lo < 63 ? lo : 63)) != 0;
	uint64_t want = (((uint64_t)1 << (hi - lo + 1)) - 1) << lo;
	return (m & want) != 0;
}

/* Whether a signature (em_skel_sig) may hold a skeleton whose own signature is `one`. */
static bool sig_may_have(uint64_t sig, uint64_t one)
{
	return (sig & one) == one;
}

/* Whether an affix signature (em_name_runs) may hold the first or the last three letters of a
 * spelling of six letters or more, whose em_prefix3_sig and em_suffix3_sig are `two`: it may
 * then be an edit from one of the signature's. */
static bool affix_may_share(uint64_t sig, const uint64_t two[2])
{
	return sig_may_have(sig, two[0]) || sig_may_have(sig, two[1]);
}

/*
 * Whether query term i may be listed terms written together, by lengths and first letters, and
 * in Arabic script by skeletons (join_skeleton_agrees wants the runs' skeletons to be the
 * word's, which the name's run signature may rule out).
 */
static bool query_term_may_join(const query_ctx *c, size_t i, const em_name_runs *r)
{
	const qterm *qt = &c->q[i];
	size_t ql = qt->term.orig_len;
	/* Spelt: equal to a run's spelling below EM_JOIN_EXACT_BELOW letters, else within an edit. */
	return ql >= 4 &&
	       (((r->first & em_letter_bit(qt->term.orig[0])) &&
		 (ql < EM_JOIN_EXACT_BELOW ? sig_may_have(r->run_text_sig, c->word_text_sig[i])
					   : mask_has(r->lens, ql - 1u, ql + 1u) && affix_may_share(r->run_affix_sig, c->word_affix_sig[i]))) ||
		(c->script == EM_SCRIPT_ABJAD && mask_has(r->skels, qt->slen, qt->slen + 1u) &&
		 sig_may_have(r->run_skel_sig, c->word_sig[i])));
}

/* Whether listed term t may be query terms written together, by lengths and first letters, and
 * in Arabic script by the set of the query runs' skeletons. */
static bool listed_term_may_join(const query_ctx *c, size_t t)
{
	const em_screener *s = c->s;
	return s->term_orig_len[t] >= 4 &&
	       (((c->first & em_letter_bit(s->term_first[t])) &&
		 mask_has(c->runs, s->term_orig_len[t] - 1u, s->term_orig_len[t] + 1u)) ||
		(c->script == EM_SCRIPT_ABJAD && mask_has(c->skel_runs, s->term_skel_len[t], s->term_skel_len[t] + 1u) &&
		 run_skel_has(c, s->term_skel_hash[t])));
}

/* Whether any word of either side may be a run of the other's written together. */
static bool may_join(const query_ctx *c, const em_iname *nm, const em_name_runs *r)
{
	for (size_t i = 0; i < c->n; i++)
		if (query_term_may_join(c, i, r))
			return true;
	for (size_t j = 0; j < nm->n_terms; j++)
		if (listed_term_may_join(c, nm->terms + j))
			return true;
	return false;
}

static void join_lens_init(join_lens *L, const query_ctx *c, const em_iname *nm, const em_name_runs *r)
{
	const em_screener *s = c->s;
	size_t nc = nm->n_terms; /* at most 255 */
	L->nc = nc;
	L->clen[0] = L->cskel[0] = 0;
	for (size_t j = 0; j < nc; j++) {
		L->clen[j + 1] = (uint16_t)(L->clen[j] + s->term_orig_len[nm->terms + j]);
		L->cskel[j + 1] = (uint16_t)(L->cskel[j] + s->term_skel_len[nm->terms + j]);
	}
	L->qlen[0] = L->qskel[0] = 0;
	for (size_t i = 0; i < c->n; i++) {
		L->qlen[i + 1] = (uint16_t)(L->qlen[i] + c->q[i].term.orig_len);
		L->qskel[i + 1] = (uint16_t)(L->qskel[i] + c->q[i].slen);
	}
	L->runs = r;
}

/*
 * Claims query terms that are two or three listed terms written together, and listed terms that
 * are two or three query terms written together ("CAROURIAS" / "CARO URIAS", "YURYALEKSANDROVICH").
 */
static void join_pass(const query_ctx *c, uint32_t name, const join_lens *L, bool *qused, bool *cused,
		      alignment *al, double *matched, double *qden, double *caligned, bool exact)
{
	const em_screener *s = c->s;
	const em_iname *nm = &s->names[name];
	const uint32_t *cv = s->term_vocab + nm->terms;
	size_t nc = L->nc;
	bool abjad = c->script == EM_SCRIPT_ABJAD;
	const uint16_t *clen = L->clen, *cskel = L->cskel, *qlen = L->qlen, *qskel = L->qskel;
	for (size_t i = 0; i < c->n; i++) {
		if (qused[i] || c->q[i].term.orig_len < 4)
			continue;
		const qterm *qt = &c->q[i];
		if (!query_term_may_join(c, i, L->runs))
			continue;
		join_side one = {{qt->term.orig}, {qt->skel}, {qt->term.orig_len}, {qt->slen}, 1};
		for (size_t np = 2; np <= 3 && !qused[i]; np++) {
			for (size_t j = 0; j + np <= nc; j++) {
				/* Lengths and first letters rule out almost every run before any work. */
				size_t tl = (size_t)(clen[j + np] - clen[j]), ts = (size_t)(cskel[j + np] - cskel[j]);
				bool spelled = one.len[0] + 1 >= tl && one.len[0] <= tl + 1 &&
					       one.text[0][0] == s->term_first[nm->terms + j];
				if (!spelled && !(abjad && (ts == one.slen[0] || ts == one.slen[0] + 1)))
					continue;
				join_side many = {.n = np};
				bool free_run = true;
				for (size_t k = 0; k < np; k++) {
					size_t t = nm->terms + j + k;
					free_run &= !cused[j + k];
					many.text[k] = s->term_orig[t];
					many.skel[k] = s->term_skel[t];
					many.len[k] = s->term_orig_len[t];
					many.slen[k] = s->term_skel_len[t];
				}
				if (!free_run)
					continue;
				float sim = join_similarity(&one, &many, abjad, exact, true);
				if (sim == 0)
					continue;
				float w = 0;
				for (size_t k = 0; k < np; k++) {
					cused[j + k] = true;
					w += s->vocab[cv[j + k]].weight;
				}
				qused[i] = true;
				al->p[al->n++] = (pair){(int8_t)i, (int8_t)j, (int8_t)(j + 1), -1, (uint8_t)np, 1, sim, w, HOW_JOINED};
				*matched += sim * w;
				*qden += w;
				*caligned += w;
				break;
			}
		}
	}
	for (size_t j = 0; j < nc; j++) {
		size_t t = nm->terms + j;
		if (cused[j] || s->term_orig_len[t] < 4)
			continue;
		if (!listed_term_may_join(c, t))
			continue;
		join_side one = {{s->term_orig[t]}, {s->term_skel[t]}, {s->term_orig_len[t]}, {s->term_skel_len[t]}, 1};
		for (size_t np = 2; np <= 3 && !cused[j]; np++) {
			for (size_t i = 0; i + np <= c->n; i++) {
				size_t tl = (size_t)(qlen[i + np] - qlen[i]), ts = (size_t)(qskel[i + np] - qskel[i]);
				bool spelled = one.len[0] + 1 >= tl && one.len[0] <= tl + 1 &&
					       one.text[0][0] == c->q[i].term.orig[0];
				if (!spelled && !(abjad && (ts == one.slen[0] || ts == one.slen[0] + 1)))
					continue;
				join_side many = {.n = np};
				bool free_run = true;
				for (size_t k = 0; k < np; k++) {
					const qterm *qk = &c->q[i + k];
					free_run &= !qused[i + k];
					many.text[k] = qk->term.orig;
					many.skel[k] = qk->skel;
					many.len[k] = qk->term.orig_len;
					many.slen[k] = qk->slen;
				}
				if (!free_run)
					continue;
				float sim = join_similarity(&one, &many, abjad, exact, false);
				if (sim == 0)
					continue;
				for (size_t k = 0; k < np; k++)
					qused[i + k] = true;
				cused[j] = true;
				float w = s->vocab[cv[j]].weight;
				al->p[al->n++] = (pair){(int8_t)i, (int8_t)j, -1, (int8_t)(i + 1), 1, (uint8_t)np, sim, w, HOW_JOINED};
				*matched += sim * w;
				*qden += w;
				*caligned += w;
				break;
			}
		}
	}
}

/*
 * Whether join_similarity may pair listed word `one` with query run r, by the tests it makes,
 * without building anything: the spelling (the same, or one edit off from 7 letters) when
 * `spelled` (lengths and first letter agree), or in Arabic script the skeleton.
 */
static bool run_may_be(const qrun *r, const join_side *one, bool spelled, bool abjad)
{
	size_t sl = one->len[0], ssl = one->slen[0];
	if (spelled && r->olen) {
		if (sl < 7 ? sl == r->olen && memcmp(one->text[0], r->orig, sl) == 0
			   : em_osa_distance_within(one->text[0], sl, r->orig, r->olen, 1) <= 1)
			return true;
	}
	if (!abjad || ssl < 2)
		return false;
	for (int assimilate = 0; assimilate < 2; assimilate++)
		if (r->slen[assimilate] == ssl && memcmp(r->skel[assimilate], one->skel[0], ssl) == 0)
			return true;
	return false;
}

/*
 * The bound itself (see score_bound) from which query terms may pair (qpair) and the best
 * similarity each listed term may reach (best, raised to `least`).
 */
static double bound_from(const query_ctx *c, const em_iname *nm, const bool *qpair, const float *best, float least)
{
	const float *tw = c->s->term_weight + nm->terms;
	double x = 0, p = 0, d = nm->least_weight, u = 0;
	for (size_t j = 0; j < nm->n_terms; j++) {
		float b = best[j] > least ? best[j] : least;
		x += (double)b * tw[j];
		p += b > 0 ? tw[j] : 0;
	}
	for (size_t i = 0; i < c->n; i++)
		u += qpair[i] ? 0 : c->q[i].weight;
	double qcov = x + u > 0 ? x / (x + u) : 1.0;
	double ccov = d > 0 && p < d ? p / d : 1.0;
	return combine(qcov, ccov) + 1e-6; /* float sums in align may round a hair above */
}

/* Whether the query's last term may be a listed word cut short (see align). */
static bool may_be_cut_short(const query_ctx *c)
{
	return c->n >= 3 && c->q[c->n - 1].term.cls == EM_TERM_NAME && c->q[c->n - 1].term.orig_len >= 3;
}

/* The same, for a name that may have a word the last query term begins (same first three
 * letters, by the name's prefix signature). */
static bool may_be_cut_short_of(const query_ctx *c, const em_name_runs *r)
{
	return may_be_cut_short(c) && sig_may_have(r->prefix_sig, c->last_prefix_sig);
}

/* Whether query terms start .. start + np - 1 may be one listed word of the name written
 * together, judging the name only by its em_name_runs masks. */
static bool run_fits_masks(const query_ctx *c, const em_name_runs *r, size_t start, size_t np)
{
	const qrun *run = &c->qruns[c->run_at[np - 2][start]];
	size_t tl = run->olen, ts = run->slen[0]; /* the spelling (0: none) and the whole skeleton */
	/* A listed word of fewer than EM_JOIN_EXACT_BELOW letters must be the run's spelling; a
	 * longer one within an edit of it. */
	uint64_t long_words = r->words & ~(((uint64_t)1 << EM_JOIN_EXACT_BELOW) - 1);
	return ((r->first & em_letter_bit(c->q[start].term.orig[0])) &&
		((run->text_sig && sig_may_have(r->word_text_sig, run->text_sig)) ||
		 (tl >= EM_JOIN_EXACT_BELOW - 1 && mask_has(long_words, tl - 1, tl + 1) &&
		  affix_may_share(r->long_affix_sig, run->affix_sig)))) ||
	       (c->script == EM_SCRIPT_ABJAD && mask_has(r->word_skels, ts ? ts - 1 : 0, ts) &&
		(sig_may_have(r->word_skel_sig, run->sig[0]) || sig_may_have(r->word_skel_sig, run->sig[1])));
}

/*
 * Marks the query terms that may pair as a name cut short, and with `joins` those that may pair
 * with words of this name written together, judging the name only by its em_name_runs masks;
 * returns the similarity every listed word may then reach (SIM_JOINED, SIM_TRUNCATED or 0).
 */
static float mask_pairs(const query_ctx *c, const em_name_runs *r, bool joins, bool *qpair)
{
	float least = 0;
	for (size_t i = 0; joins && i < c->n; i++) {
		if (c->q[i].term.orig_len >= 4 && query_term_may_join(c, i, r)) {
			qpair[i] = true;
			least = (float)SIM_JOINED;
		}
		for (size_t np = 2; np <= 3 && i + np <= c->n; np++) {
			if (!run_fits_masks(c, r, i, np))
				continue;
			for (size_t k = 0; k < np; k++)
				qpair[i + k] = true;
			least = (float)SIM_JOINED;
		}
	}
	if (may_be_cut_short_of(c, r)) {
		qpair[c->n - 1] = true;
		least = least > (float)SIM_TRUNCATED ? least : (float)SIM_TRUNCATED;
	}
	return least;
}

/*
 * Whether query term i counts as paired from retrieval alone: it reached the name by a match,
 * or is no name word (those pair through their own matches), or is an Arabic-script word of one
 * consonant and the name has a word of that one consonant (compared in align itself), or may be
 * the name cut short.
 */
static bool paired_by_reach(const query_ctx *c, const em_name_runs *r, size_t i, uint64_t reached)
{
	const qterm *qt = &c->q[i];
	return ((reached >> i) & 1) || qt->term.cls != EM_TERM_NAME ||
	       (c->script == EM_SCRIPT_ABJAD && qt->slen == 1 && (r->one_consonant & em_letter_bit(qt->skel[0]))) ||
	       (i == c->n - 1 && may_be_cut_short_of(c, r));
}

/*
 * The loosest bound, before a candidate's pairs are even listed: every listed word counts as
 * paired at 1.0, and a query term as unpaired when it reached the name by no match in retrieval
 * (`reached`, a bit per term), is a name word (other words pair through their own matches), and
 * cannot be part of words written together or of a name cut short by the masks. Arabic-script
 * words of one consonant are compared in align itself, so they count as paired with a name that
 * has a word of that consonant.
 */
static double reach_bound(const query_ctx *c, const em_iname *nm, const em_name_runs *r, uint64_t reached,
			  double floor)
{
	double u = 0, w = nm->total_weight;
	for (size_t i = 0; i < c->n; i++) {
		const qterm *qt = &c->q[i];
		if (paired_by_reach(c, r, i, reached) || (qt->term.orig_len >= 4 && query_term_may_join(c, i, r)))
			continue;
		/* In a run of query terms a listed word may be (mask_pairs' test). */
		bool in_run = false;
		for (size_t np = 2; np <= 3 && !in_run; np++)
			for (size_t start = i + 1 >= np ? i + 1 - np : 0; start <= i && start + np <= c->n && !in_run; start++)
				in_run = run_fits_masks(c, r, start, np);
		if (in_run)
			continue;
		/* The bound only decides against the floor: stop as soon as the unpaired weight sinks
		 * it (unpaired weight only adds up). */
		u += qt->weight;
		if ((w + u > 0 ? w / (w + u) : 1.0) + 1e-6 < floor)
			return 0;
	}
	return (w + u > 0 ? w / (w + u) : 1.0) + 1e-6;
}

/*
 * A bound looser than score_bound, and cheaper: it looks at the name's words only through
 * em_name_runs (mask_pairs) and at the candidate pairs.
 */
static double quick_bound(const query_ctx *c, const em_iname *nm, const em_name_runs *r, const cpair *cands,
			  size_t ncand, bool joins)
{
	size_t nc = nm->n_terms;
	bool qpair[EM_TEXT_MAX_TOKENS] = {false};
	float best[256];
	for (size_t j = 0; j < nc; j++)
		best[j] = 0;
	for (size_t k = 0; k < ncand; k++) {
		qpair[cands[k].qi] = true;
		if (best[cands[k].ci] < cands[k].sim)
			best[cands[k].ci] = cands[k].sim;
	}
	return bound_from(c, nm, qpair, best, mask_pairs(c, r, joins, qpair));
}

/* Raises a listed term's best similarity to at least sim. */
static void raise_best(float *best, size_t j, float sim)
{
	if (best[j] < sim)
		best[j] = sim;
}

/*
 * Marks in qpair the query terms that words written together may pair (join_similarity decides,
 * after its cheap tests), and raises best[] for the listed terms they would pair with. With
 * `paired`, only joins that would pair a query term `paired` leaves out are tried.
 */
static void mark_joins(const query_ctx *c, const em_iname *nm, const join_lens *L, const bool *paired, bool *qpair,
		       float *best)
{
	const em_screener *s = c->s;
	size_t nc = nm->n_terms;
	bool abjad = c->script == EM_SCRIPT_ABJAD;
	for (size_t i = 0; i < c->n; i++) {
		const qterm *qt = &c->q[i];
		if (qt->term.orig_len < 4 || (paired && paired[i]) || !query_term_may_join(c, i, L->runs))
			continue;
		join_side one = {{qt->term.orig}, {qt->skel}, {qt->term.orig_len}, {qt->slen}, 1};
		for (size_t np = 2; np <= 3; np++)
			for (size_t j = 0; j + np <= nc; j++) {
				size_t tl = (size_t)(L->clen[j + np] - L->clen[j]), ts = (size_t)(L->cskel[j + np] - L->cskel[j]);
				bool spelled = one.len[0] + 1 >= tl && one.len[0] <= tl + 1 && one.text[0][0] == s->term_first[nm->terms + j];
				if (!spelled && !(abjad && (ts == one.slen[0] || ts == one.slen[0] + 1)))
					continue;
				/* The skeletons written together begin with the first word's (unless it is an
				 * article that may be left out, or has none): the query word's must too. */
				size_t t0 = nm->terms + j;
				if (!spelled && s->term_skel_len[t0] && !em_assimilated_article(s->term_orig[t0], s->term_orig[t0 + 1]) &&
				    s->term_skel[t0][0] != one.skel[0][0])
					continue;
				join_side many = {.n = np};
				for (size_t k = 0; k < np; k++) {
					size_t t = nm->terms + j + k;
					many.text[k] = s->term_orig[t];
					many.skel[k] = s->term_skel[t];
					many.len[k] = s->term_orig_len[t];
					many.slen[k] = s->term_skel_len[t];
				}
				float sim = join_similarity(&one, &many, abjad, false, true);
				if (sim == 0)
					continue;
				qpair[i] = true;
				for (size_t k = 0; k < np; k++)
					raise_best(best, j + k, sim);
			}
	}
	for (size_t j = 0; j < nc; j++) {
		size_t t = nm->terms + j;
		if (s->term_orig_len[t] < 4)
			continue;
		/* No run of the query spelt within a letter of it with its first letter, nor with its
		 * skeleton: run_may_be would refuse every run. */
		size_t ol = s->term_orig_len[t];
		if (!mask_has(c->run_lens_by_first[(unsigned char)s->term_first[t] % 32], ol - 1, ol + 1) &&
		    !(abjad && s->term_skel_len[t] >= 2 && run_skel_has(c, s->term_skel_hash[t])))
			continue;
		if (!listed_term_may_join(c, t))
			continue;
		join_side one = {{s->term_orig[t]}, {s->term_skel[t]}, {s->term_orig_len[t]}, {s->term_skel_len[t]}, 1};
		for (size_t np = 2; np <= 3; np++)
			for (size_t i = 0; i + np <= c->n; i++) {
				bool all_paired = paired != NULL;
				for (size_t k = 0; k < np && all_paired; k++)
					all_paired = paired[i + k];
				if (all_paired)
					continue;
				size_t tl = (size_t)(L->qlen[i + np] - L->qlen[i]), ts = (size_t)(L->qskel[i + np] - L->qskel[i]);
				bool spelled = one.len[0] + 1 >= tl && one.len[0] <= tl + 1 && one.text[0][0] == c->q[i].term.orig[0];
				if (!spelled && !(abjad && (ts == one.slen[0] || ts == one.slen[0] + 1)))
					continue;
				if (!run_may_be(&c->qruns[c->run_at[np - 2][i]], &one, spelled, abjad))
					continue;
				join_side many = {.n = np};
				for (size_t k = 0; k < np; k++) {
					const qterm *qk = &c->q[i + k];
					many.text[k] = qk->term.orig;
					many.skel[k] = qk->skel;
					many.len[k] = qk->term.orig_len;
					many.slen[k] = qk->slen;
				}
				float sim = join_similarity(&one, &many, abjad, false, false);
				if (sim == 0)
					continue;
				for (size_t k = 0; k < np; k++)
					qpair[i + k] = true;
				raise_best(best, j, sim);
			}
	}
}

/*
 * The reach bound again (see reach_bound), with join_similarity instead of the masks deciding
 * which query terms words written together may pair.
 */
static double reach_join_bound(const query_ctx *c, const em_iname *nm, const join_lens *L, uint64_t reached)
{
	bool paired[EM_TEXT_MAX_TOKENS], qpair[EM_TEXT_MAX_TOKENS], any = false;
	for (size_t i = 0; i < c->n; i++) {
		paired[i] = qpair[i] = paired_by_reach(c, L->runs, i, reached);
		any |= !paired[i];
	}
	if (!any)
		return 1.0;
	float best[256];
	for (size_t j = 0; j < nm->n_terms; j++)
		best[j] = 0;
	mark_joins(c, nm, L, paired, qpair, best);
	double w = nm->total_weight, u = 0;
	for (size_t i = 0; i < c->n; i++)
		u += qpair[i] ? 0 : c->q[i].weight;
	return (w + u > 0 ? w / (w + u) : 1.0) + 1e-6;
}

/*
 * An upper bound of align's score, from which words can pair at all, before the costly part
 * (the joined-word passes and the assignment). A query term that can pair with nothing stays
 * unmatched and adds its weight U to the query side; a listed term j that can pair brings at
 * most its best similarity s_j times its weight w_j. So the query coverage is at most
 * X / (X + U) with X the sum of s_j * w_j, and the listed coverage at most P / D with P the sum of
 * w_j and D the name's weight less half of every word a name may leave out. A pair can come
 * from the candidate pairs, from words written together (where join_similarity pairs them) or
 * from a name cut short. With `unpaired_only`, only the joins that would pair a query term no
 * candidate pair holds are tried, and every listed term counts as paired at SIM_JOINED: a
 * cheaper, looser bound, which is enough when a heavy query word pairs with nothing.
 */
static double score_bound(const query_ctx *c, const em_iname *nm, const cpair *cands, size_t ncand,
			  const join_lens *L, bool joins, bool unpaired_only)
{
	const em_screener *s = c->s;
	size_t nc = nm->n_terms;
	bool qpair[EM_TEXT_MAX_TOKENS] = {false}, cand_pair[EM_TEXT_MAX_TOKENS] = {false};
	float best[256], least = 0;
	for (size_t j = 0; j < nc; j++)
		best[j] = 0;
	for (size_t k = 0; k < ncand; k++) {
		qpair[cands[k].qi] = cand_pair[cands[k].qi] = true;
		raise_best(best, cands[k].ci, cands[k].sim);
	}
	if (joins && unpaired_only)
		least = (float)SIM_JOINED;
	if (joins)
		mark_joins(c, nm, L, unpaired_only ? cand_pair : NULL, qpair, best);
	/* The name cut short (see align): the last query term, even paired, may be left over. */
	size_t last = c->n ? c->n - 1 : 0;
	if (may_be_cut_short(c)) {
		const qterm *qt = &c->q[last];
		for (size_t j = 0; j < nc; j++) {
			size_t t = nm->terms + j;
			if (s->term_orig_len[t] <= qt->term.orig_len || memcmp(s->term_orig[t], qt->term.orig, qt->term.orig_len) != 0)
				continue;
			qpair[last] = true;
			raise_best(best, j, (float)SIM_TRUNCATED);
		}
	}
	return bound_from(c, nm, qpair, best, least);
}

/* A name left unscored: it cannot reach the floor. */
static void no_score(alignment *al)
{
	al->n = 0;
	al->qcov = al->ccov = al->score = 0;
}

/* Aligns the query with a name and scores it; a name whose score cannot reach `floor` is left
 * with score 0 and no pairs (floor 0: always aligned in full, as explanations need). `reached`:
 * the query terms whose matches reached the name in retrieval. */
static void align(const query_ctx *c, uint32_t name, uint64_t reached, alignment *al, double floor)
{
	const em_screener *s = c->s;
	const em_iname *nm = &s->names[name];
	const em_name_runs *runs = &s->name_runs[name];
	al->n = 0;
	/* The bounds, cheapest first: a name none can rule out is aligned in full. */
	if (floor > 0 && reach_bound(c, nm, runs, reached, floor) < floor) {
		no_score(al);
		return;
	}
	bool joins = may_join(c, nm, runs);
	join_lens lens;
	if (joins)
		join_lens_init(&lens, c, nm, runs);
	if (floor > 0 && joins && reach_join_bound(c, nm, &lens, reached) < floor) {
		no_score(al);
		return;
	}
	const uint32_t *cv = s->term_vocab + nm->terms;
	size_t nc = nm->n_terms;
	bool qused[EM_TEXT_MAX_TOKENS], cused[256];
	memset(qused, 0, c->n * sizeof *qused);
	memset(cused, 0, nc * sizeof *cused);
	/* Candidate pairs, best first (greedy assignment is near optimal for names this short). */
	cpair cands[EM_TEXT_MAX_TOKENS * 8];
	size_t ncand = 0;
	for (size_t j = 0; j < nc; j++) {
		/* The query terms that matched this listed term. */
		for (size_t k = first_match(c, cv[j]); k < c->n_by_vocab && c->by_vocab[k].vocab == cv[j]; k++) {
			const vmatch *vm = &c->by_vocab[k];
			if (vm->sim < (float)SIM_MIN || ncand >= sizeof cands / sizeof cands[0])
				continue;
			size_t i = vm->qi;
			/* Prefer the pair that matters most; break ties toward keeping order. */
			cands[ncand++] = (cpair){vm->sim, vm->sim * s->term_weight[nm->terms + j] - 0.001f * (float)(i > j ? i - j : j - i),
						 (uint8_t)i, (uint8_t)j, vm->how};
		}
	}
	/* Arabic-script words of one consonant ("dy" / Uday) are too short to look up: compare them here. */
	if (c->script == EM_SCRIPT_ABJAD) {
		for (size_t i = 0; i < c->n; i++) {
			if (c->q[i].slen != 1 || !(runs->one_consonant & em_letter_bit(c->q[i].skel[0])))
				continue;
			for (size_t j = 0; j < nc && ncand < sizeof cands / sizeof cands[0]; j++) {
				const em_vocab *v = &s->vocab[cv[j]];
				if (v->slen != 1 || c->q[i].skel[0] != v->skel[0])
					continue; /* the cheap tests first: few listed words have one consonant */
				bool paired = false;
				for (size_t k = 0; k < ncand; k++)
					paired |= cands[k].qi == i && cands[k].ci == j;
				if (!paired && abjad_fits(c->q[i].phon, v->phon))
					cands[ncand++] = (cpair){0.85f, 0.85f * s->term_weight[nm->terms + j], (uint8_t)i, (uint8_t)j, HOW_SKELETON};
			}
		}
	}
	if (floor > 0 && (quick_bound(c, nm, runs, cands, ncand, joins) < floor ||
			  (joins && score_bound(c, nm, cands, ncand, &lens, joins, true) < floor) ||
			  score_bound(c, nm, cands, ncand, &lens, joins, false) < floor)) {
		no_score(al);
		return;
	}
	/* Sort by key, descending (insertion sort: a few dozen pairs). */
	for (size_t a = 1; a < ncand; a++) {
		cpair t = cands[a];
		size_t b = a;
		while (b > 0 && cands[b - 1].key < t.key) {
			cands[b] = cands[b - 1];
			b--;
		}
		cands[b] = t;
	}
	double matched = 0, qden = 0, cden = nm->total_weight, caligned = 0;
	/* Words written together ("NAJIBULLAH" for "njyb allh") first: they explain more tokens. */
	if (joins) {
		join_pass(c, name, &lens, qused, cused, al, &matched, &qden, &caligned, true);
	}
	for (size_t k = 0; k < ncand; k++) {
		if (qused[cands[k].qi] || cused[cands[k].ci])
			continue;
		qused[cands[k].qi] = cused[cands[k].ci] = true;
		float w = s->vocab[cv[cands[k].ci]].weight;
		pair *p = &al->p[al->n++];
		*p = (pair){(int8_t)cands[k].qi, (int8_t)cands[k].ci, -1, -1, 1, 1, cands[k].sim, w, cands[k].how};
		matched += cands[k].sim * w;
		qden += w;
		caligned += w;
	}
	if (joins)
		join_pass(c, name, &lens, qused, cused, al, &matched, &qden, &caligned, false);
	/* A name cut short (a form field's limit, a payment message's 35-character line) ends in part
	 * of a word: the last word of a query of three words or more, itself of three letters or
	 * more, may begin a listed word. Short names are seldom cut, and in them a syllable that
	 * begins a listed word is more often another name (GUO, GUOYING). */
	size_t last = c->n ? c->n - 1 : 0;
	if (may_be_cut_short(c) && !qused[last]) {
		const qterm *qt = &c->q[last];
		for (size_t j = 0; j < nc; j++) {
			size_t t = nm->terms + j;
			if (cused[j] || s->term_orig_len[t] <= qt->term.orig_len ||
			    memcmp(s->term_orig[t], qt->term.orig, qt->term.orig_len) != 0)
				continue;
			qused[last] = cused[j] = true;
			float w = s->vocab[cv[j]].weight;
			al->p[al->n++] = (pair){(int8_t)last, (int8_t)j, -1, -1, 1, 1, (float)SIM_TRUNCATED, w, HOW_TRUNCATED};
			matched += SIM_TRUNCATED * w;
			qden += w;
			caligned += w;
			break;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		if (qused[i])
			continue;
		qden += c->q[i].weight;
		al->p[al->n++] = (pair){(int8_t)i, -1, -1, -1, 1, 0, 0, c->q[i].weight, HOW_UNMATCHED};
	}
	bool family_matched = false;
	for (size_t j = 0; j < nc; j++)
		family_matched |= cused[j] && (s->term_family[nm->terms + j] & EM_TERM_FLAG_FAMILY) &&
				  s->vocab[cv[j]].cls == EM_TERM_NAME;
	for (size_t j = 0; j < nc; j++) {
		if (cused[j])
			continue;
		float w = s->vocab[cv[j]].weight;
		/*
		 * A middle name left out counts half: people often write only the first given name. So
		 * does one of two family names when the other is there (Spanish paternal and maternal).
		 */
		uint8_t fl = s->term_family[nm->terms + j];
		if ((fl & EM_TERM_FLAG_MIDDLE) || ((fl & EM_TERM_FLAG_FAMILY) && family_matched &&
						   s->vocab[cv[j]].cls == EM_TERM_NAME)) {
			cden -= 0.5 * w;
			w *= 0.5f;
		}
		al->p[al->n++] = (pair){-1, (int8_t)j, -1, -1, 0, 1, 0, w, HOW_UNMATCHED};
	}
	al->qcov = qden > 0 ? matched / qden : 0;
	al->ccov = cden > 0 ? caligned / cden : 0;
	if (al->ccov > 1)
		al->ccov = 1;
	al->score = combine(al->qcov, al->ccov);
	/* One misspelt word is a typo; several at once are more likely another name. */
	size_t typos = 0;
	for (size_t k = 0; k < al->n; k++)
		typos += al->p[k].how == HOW_TYPO;
	if (typos > 1)
		al->score *= 1.0 - 0.04 * (double)(typos - 1);
}

/* ---- optional fields ------------------------------------------------------------------------- */

typedef struct adj_list {
	em_adjustment a[6];
	size_t n;
	double total;
	bool id_hit;
} adj_list;

static void adj_add(adj_list *l, const char *field, double effect, const char *reason)
{
	if (l->n < sizeof l->a / sizeof l->a[0])
		l->a[l->n++] = (em_adjustment){field, effect, reason};
	l->total += effect;
}

static bool ci_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return *a == *b;
}

static bool country_in(const char *country, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] && ci_equal(country, list[i]))
			return true;
	return false;
}

static void adjust(const em_query *q, const em_entity *e, const em_date *qdob, bool id_hit,
		   em_name_kind kind, bool looks_org, adj_list *adj)
{
	adj->n = 0;
	adj->total = 0;
	adj->id_hit = id_hit;
	if (kind == EM_NAME_AKA_WEAK)
		adj_add(adj, "weak_alias", -0.05, "matched a low-quality alias");
	if (q->type != EM_ENTITY_UNKNOWN && e->type != EM_ENTITY_UNKNOWN && q->type != e->type) {
		/* A company may carry a person's name; a person is never a ship or an aircraft. */
		bool near_kind = (q->type == EM_ENTITY_PERSON || q->type == EM_ENTITY_ORGANIZATION) &&
				 (e->type == EM_ENTITY_PERSON || e->type == EM_ENTITY_ORGANIZATION);
		adj_add(adj, "type", near_kind ? -0.12 : -0.2, "the listed entity is of another type");
	}
	else if (q->type == EM_ENTITY_UNKNOWN && looks_org && e->type == EM_ENTITY_PERSON)
		adj_add(adj, "type", -0.08, "the query names a legal form, the listed entity is a person");
	else if (q->type == EM_ENTITY_UNKNOWN && looks_org && (e->type == EM_ENTITY_VESSEL || e->type == EM_ENTITY_AIRCRAFT))
		adj_add(adj, "type", -0.08, "the query names a legal form, the listed entity is a vessel or aircraft");
	if (qdob && qdob->year && e->n_birth_dates) {
		bool exact = false, near = false;
		for (size_t i = 0; i < e->n_birth_dates; i++) {
			const em_date *d = &e->birth_dates[i];
			if (!d->year)
				continue;
			int lo = d->year, hi = d->kind == EM_DATE_RANGE ? d->year2 : d->year;
			int slack = d->circa ? 2 : 1;
			if (qdob->year >= lo - slack && qdob->year <= hi + slack)
				near = true;
			if (d->kind == EM_DATE_EXACT && qdob->kind == EM_DATE_EXACT && d->year == qdob->year &&
			    d->month == qdob->month && d->day == qdob->day)
				exact = true;
			if (d->kind != EM_DATE_EXACT && d->kind != EM_DATE_TEXT && qdob->year >= lo && qdob->year <= hi)
				exact = exact || qdob->kind != EM_DATE_EXACT || d->kind == EM_DATE_YEAR;
		}
		bool any_year = false;
		for (size_t i = 0; i < e->n_birth_dates; i++)
			any_year |= e->birth_dates[i].year != 0;
		/* How far the nearest listed year is: a few years may be a mistake, a decade is not. */
		int gap = 9999;
		for (size_t i = 0; i < e->n_birth_dates; i++) {
			const em_date *d = &e->birth_dates[i];
			if (!d->year)
				continue;
			int hi = d->kind == EM_DATE_RANGE ? d->year2 : d->year;
			int g = qdob->year < d->year ? d->year - qdob->year : qdob->year > hi ? qdob->year - hi : 0;
			gap = g < gap ? g : gap;
		}
		if (exact)
			adj_add(adj, "dob", 0.05, "the date of birth agrees");
		else if (near)
			adj_add(adj, "dob", 0.01, "the year of birth is close");
		else if (any_year && gap >= 5)
			adj_add(adj, "dob", -0.22, "the date of birth is years apart");
		else if (any_year)
			adj_add(adj, "dob", -0.15, "the date of birth is clearly different");
	}
	if (q->country && *q->country) {
		bool hit = country_in(q->country, e->nationalities, e->n_nationalities) ||
			   country_in(q->country, e->citizenships, e->n_citizenships);
		bool any = e->n_nationalities || e->n_citizenships;
		for (size_t i = 0; i < e->n_addresses; i++) {
			if (e->addresses[i].country) {
				any = true;
				hit |= ci_equal(q->country, e->addresses[i].country);
			}
		}
		if (hit)
			adj_add(adj, "country", 0.03, "a country of the listed entity agrees");
		else if (any)
			adj_add(adj, "country", -0.03, "no country of the listed entity agrees");
	}
	if (id_hit)
		adj_add(adj, "id", 0.0, "an identifier is identical");
}

/* ---- the query ---------------------------------------------------------------------------- */

typedef struct hit {
	uint32_t entity;
	uint32_t name;     /* best name, or UINT32_MAX for an identifier-only hit */
	uint8_t variant;   /* which reading of the query (romanization) found it */
	double name_score;
	double score;
	bool id_hit;
	bool org;          /* the query reads as a company against this hit (see names_company) */
} hit;

#define RESULT_FIRST_BLOCK (1024 - 32) /* with the block's header, within malloc's thread cache */

typedef struct result_impl {
	em_result pub;
	em_arena arena;
} result_impl;

void em_result_free(em_result *r)
{
	if (!r)
		return;
	result_impl *ri = (result_impl *)r;
	em_arena_free(&ri->arena);
	free(ri);
}

static int cmp_hit(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	if (x->score != y->score)
		return (x->score < y->score) - (x->score > y->score);
	return (x->entity > y->entity) - (x->entity < y->entity);
}

static const char *term_text(result_impl *ri, const char *s)
{
	const char *p = em_arena_strdup(&ri->arena, s);
	return p ? p : "";
}

/* Terms first..first+n-1 written with spaces: the query's, or a listed name's. */
static const char *run_text(result_impl *ri, const query_ctx *c, const uint32_t *cv, int first, int n, bool query)
{
	char buf[EM_TEXT_MAX_TOKEN * 3 + 4];
	size_t o = 0;
	for (int k = 0; k < n; k++) {
		const char *t = query ? c->q[first + k].term.text : c->s->vocab[cv[first + k]].text;
		size_t len = strlen(t), sep = k ? 1 : 0;
		if (o + sep + len >= sizeof buf)
			break; /* whole words only */
		buf[o] = ' ';
		memcpy(buf + o + sep, t, len);
		o += sep + len;
	}
	buf[o] = '\0';
	return term_text(ri, buf);
}

/*
 * Whether the query names a company when set against listed name `name` (UINT32_MAX: none): it
 * has a legal form, and that word is not simply a word of the listed name ("Yu Pao" and the
 * person PAO, Yu Yi: PAO is a Russian legal form, and his family name).
 */
static bool names_company(const query_ctx *c, uint32_t name)
{
	const em_screener *s = c->s;
	for (size_t i = 0; i < c->n; i++) {
		const em_term *t = &c->q[i].term;
		if (t->cls != EM_TERM_LEGAL)
			continue;
		size_t v;
		if (name == UINT32_MAX || !t->orig_len || !em_strmap_get(&s->by_text, t->orig, &v) ||
		    s->vocab[v].cls == EM_TERM_LEGAL)
			return true;
		const em_iname *nm = &s->names[name];
		bool in_name = false;
		for (size_t k = 0; k < nm->n_terms && !in_name; k++)
			in_name = s->term_vocab[nm->terms + k] == v;
		if (!in_name)
			return true;
	}
	return false; /* no legal form, or each one a word of the listed name */
}

/* Fills one em_match (explanation included) for a hit. */
static int fill_match(result_impl *ri, const query_ctx *c, const em_query *q, const em_date *qdob, const hit *h,
		      em_match *m)
{
	const em_screener *s = c->s;
	const em_entity *e = s->entities[h->entity];
	memset(m, 0, sizeof *m);
	m->entity = e;
	m->score = h->score;
	m->name_score = h->name_score;
	em_name_kind kind = EM_NAME_PRIMARY;
	if (h->name != UINT32_MAX) {
		const em_iname *nm = &s->names[h->name];
		kind = (em_name_kind)nm->kind;
		m->matched_name = e->names[nm->name_idx].full;
		alignment al;
		align(c, h->name, 0, &al, 0);
		m->query_coverage = al.qcov;
		m->name_coverage = al.ccov;
		em_token_match *t = em_arena_alloc(&ri->arena, (al.n ? al.n : 1) * sizeof *t);
		if (!t)
			return EM_ENOMEM;
		const uint32_t *cv = s->term_vocab + nm->terms;
		for (size_t k = 0; k < al.n; k++) {
			const pair *p = &al.p[k];
			const char *qt = "", *ct = "";
			if (p->qi >= 0)
				qt = run_text(ri, c, cv, p->qi, p->nqj ? p->nqj : 1, true);
			if (p->ci >= 0)
				ct = run_text(ri, c, cv, p->ci, p->ncj ? p->ncj : 1, false);
			/* A query legal form that met a listed name word shows as written ("pao", not "pjsc"). */
			if (p->qi >= 0 && p->nqj <= 1 && p->ci >= 0 && p->ncj <= 1 && c->q[p->qi].term.cls == EM_TERM_LEGAL &&
			    s->vocab[cv[p->ci]].cls != EM_TERM_LEGAL && c->q[p->qi].term.orig_len)
				qt = term_text(ri, c->q[p->qi].term.orig);
			t[k] = (em_token_match){qt, ct, p->sim, p->weight, how_names[p->how]};
		}
		m->tokens = t;
		m->n_tokens = al.n;
	} else {
		m->matched_name = e->n_names ? e->names[0].full : "";
	}
	m->matched_kind = kind;
	adj_list adj;
	adjust(q, e, qdob, h->id_hit, kind, h->org, &adj);
	em_adjustment *a = em_arena_alloc(&ri->arena, (adj.n ? adj.n : 1) * sizeof *a);
	if (!a)
		return EM_ENOMEM;
	memcpy(a, adj.a, adj.n * sizeof *a);
	/* An identical identifier sets the score rather than adding to it: show what it added. */
	double others = 0;
	for (size_t k = 0; k < adj.n; k++)
		if (strcmp(a[k].field, "id") != 0)
			others += a[k].effect;
	for (size_t k = 0; k < adj.n; k++)
		if (strcmp(a[k].field, "id") == 0) {
			double added = m->score - m->name_score - others;
			a[k].effect = added > 0 ? added : 0;
		}
	m->adjustments = a;
	m->n_adjustments = adj.n;
	return 0;
}

static double final_score(double name_score, const adj_list *adj)
{
	double sc = name_score + adj->total;
	if (adj->id_hit) /* an identical identifier is strong evidence on its own */
		sc = 0.9 + 0.1 * (name_score > 0 ? name_score : 0) + (adj->total > 0 ? adj->total : 0);
	if (sc > 1)
		sc = 1;
	if (sc < 0)
		sc = 0;
	/* Scores are reported to four decimals, and the threshold is met by the score as reported:
	 * float sums put an exact 0.84 (one letter replaced in a five-letter name) a hair below. */
	return round(sc * 10000.0) / 10000.0;
}

struct query_work {
	query_ctx ctx[EM_TRANSLIT_COUNT];
	cand cands[MAX_CANDIDATES];
	hit hits[MAX_CANDIDATES + 64];
};

/* Whether two readings of a query came to the same terms (all that screening reads of them). */
static bool same_terms(const query_ctx *a, const query_ctx *b)
{
	if (a->n != b->n || a->script != b->script)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const em_term *x = &a->q[i].term, *y = &b->q[i].term;
		if (x->cls != y->cls || x->corrected != y->corrected || x->family != y->family || x->joined != y->joined ||
		    x->factor != y->factor || strcmp(x->text, y->text) != 0 || strcmp(x->orig, y->orig) != 0)
			return false;
	}
	return true;
}

void em_screen_forget(void)
{
	em_text_forget_words();
	em_knowledge_forget();
	if (tls_scratch.memo)
		em_ring_cache_clear(tls_scratch.memo);
}

int em_screen(const em_screener *s, const em_query *q, const em_screen_params *params, em_result **out)
{
	return em_screen_internal(s, q, params, false, out);
}

int em_screen_internal(const em_screener *s, const em_query *q, const em_screen_params *params, bool exhaustive,
		       em_result **out)
{
	*out = NULL;
	if (!s || !q || !q->name)
		return em_fail(EM_EINVAL, "screening needs a name");
	double threshold = params && params->threshold > 0 ? params->threshold : EM_SCREEN_DEFAULT_THRESHOLD;
	size_t limit = params && params->limit ? params->limit : 10;
	/* malloc, not calloc: glibc's calloc does not take from the per-thread cache. */
	result_impl *ri = malloc(sizeof *ri);
	if (!ri)
		return em_fail(EM_ENOMEM, "out of memory");
	ri->pub = (em_result){0};
	/* Most results hold a few matches: a block malloc keeps at hand. */
	em_arena_init_small(&ri->arena, RESULT_FIRST_BLOCK);

	query_ctx *ctx[EM_TRANSLIT_COUNT] = {NULL};
	scratch *sc = get_scratch(s->n_names ? s->n_names : 1);
	if (sc && !sc->work)
		sc->work = malloc(sizeof *sc->work);
	int rc = 0;
	if (!sc || !sc->work) {
		em_result_free(&ri->pub);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	query_ctx *c = &sc->work->ctx[0];
	ctx[0] = c;
	cand *cands = sc->work->cands;
	hit *hits = sc->work->hits;
	/* Cyrillic has two plausible romanizations, and Persian and Urdu read some Arabic letters
	 * their own way (ثناء اللہ is SANAULLAH): read the query both ways, keep the better. */
	prepare_query(c, s, q, EM_TRANSLIT_DEFAULT);
	size_t n_variants = 1;
	if (c->script == EM_SCRIPT_CYRILLIC ||
	    (c->script == EM_SCRIPT_ABJAD && em_text_has_persian_reading(q->name, strlen(q->name)))) {
		ctx[1] = &sc->work->ctx[1];
		prepare_query(ctx[1], s, q, EM_TRANSLIT_PLAIN);
		/* The second reading often reads every word the same: then it would find the same. */
		n_variants = same_terms(ctx[0], ctx[1]) ? 1 : 2;
	}

	em_date dob, *qdob = NULL;
	if (q->dob && *q->dob) {
		em_date_parse(q->dob, &dob);
		if (dob.kind != EM_DATE_TEXT)
			qdob = &dob;
	}

	/*
	 * Names whose score cannot reach the threshold are not aligned in full. Only a date of birth
	 * or a country can raise a score, by at most 0.05 and 0.03, and the threshold is met by the
	 * score rounded to four decimals. An identical identifier scores the entity on its own, with
	 * a tenth of its best name's score: that keeps names further down.
	 */
	double min_score = threshold - 0.0001;
	if (qdob)
		min_score -= 0.05;
	if (q->country && *q->country)
		min_score -= 0.03;
	if (q->n_ids)
		min_score = threshold - 0.2;
	double floor_bound = exhaustive ? 0 : min_score;
	/* Best name per entity (a linear probe: few entities get this far). */
	size_t nh = 0;
	for (size_t var = 0; var < n_variants; var++) {
		size_t nc = retrieve(ctx[var], sc, cands, MAX_CANDIDATES);
		ri->pub.candidates += nc;
		for (size_t k = 0; k < nc; k++) {
			/* Candidates are scattered over the index: fetch what the first bound reads of a
			 * name a few candidates ahead. */
			if (k + 6 < nc) {
				const em_name_runs *ahead = &s->name_runs[cands[k + 6].name];
				__builtin_prefetch(&s->names[cands[k + 6].name]);
				__builtin_prefetch(ahead);
				__builtin_prefetch((const char *)ahead + sizeof *ahead - 1);
			}
			/* and, nearer, its terms, once its record is there to say where they are */
			if (k + 3 < nc) {
				uint32_t terms = s->names[cands[k + 3].name].terms;
				__builtin_prefetch(&s->term_vocab[terms]);
				__builtin_prefetch(&s->term_weight[terms]);
			}
			alignment al;
			align(ctx[var], cands[k].name, cands[k].reached, &al, floor_bound);
			if (al.score < (exhaustive ? threshold - 0.2 : min_score))
				continue;
			uint32_t ent = s->names[cands[k].name].entity;
			size_t h;
			for (h = 0; h < nh && hits[h].entity != ent; h++)
				;
			if (h == nh && nh < MAX_CANDIDATES + 64)
				hits[nh++] = (hit){ent, cands[k].name, (uint8_t)var, al.score, 0, false, false};
			else if (h < nh && al.score > hits[h].name_score) {
				hits[h].name = cands[k].name;
				hits[h].name_score = al.score;
				hits[h].variant = (uint8_t)var;
			}
		}
	}
	/* Identifiers: an identical one reaches the entity whatever its name. */
	for (size_t i = 0; i < q->n_ids; i++) {
		char buf[128];
		size_t len;
		if (!q->ids[i] || (len = em_id_normalize(q->ids[i], buf, sizeof buf)) < 4)
			continue;
		size_t n;
		const uint32_t *ents = em_multimap_get(&s->by_id, buf, &n);
		/* "IMO 9187629", "MMSI 273..." : the number alone is how lists store it. */
		size_t letters = 0;
		while (letters < len && buf[letters] >= 'A' && buf[letters] <= 'Z')
			letters++;
		if (!n && letters && len - letters >= 5)
			ents = em_multimap_get(&s->by_id, buf + letters, &n);
		for (size_t k = 0; k < n && nh < MAX_CANDIDATES + 64; k++) {
			size_t h;
			for (h = 0; h < nh && hits[h].entity != ents[k]; h++)
				;
			if (h == nh)
				hits[nh++] = (hit){ents[k], UINT32_MAX, 0, 0, 0, true, false};
			else
				hits[h].id_hit = true;
		}
	}
	/* The same for the scores and their explanations alike. */
	size_t kept = 0;
	for (size_t h = 0; h < nh; h++) {
		adj_list adj;
		em_name_kind kind = hits[h].name != UINT32_MAX ? (em_name_kind)s->names[hits[h].name].kind : EM_NAME_PRIMARY;
		hits[h].org = names_company(ctx[hits[h].variant], hits[h].name);
		adjust(q, s->entities[hits[h].entity], qdob, hits[h].id_hit, kind, hits[h].org, &adj);
		hits[h].score = final_score(hits[h].name_score, &adj);
		if (hits[h].score >= threshold)
			hits[kept++] = hits[h];
	}
	qsort(hits, kept, sizeof *hits, cmp_hit);
	if (kept > limit)
		kept = limit;
	em_match *m = em_arena_alloc(&ri->arena, (kept ? kept : 1) * sizeof *m);
	if (!m) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t h = 0; h < kept && !rc; h++)
		rc = fill_match(ri, ctx[hits[h].variant], q, qdob, &hits[h], &m[h]);
	ri->pub.matches = m;
	ri->pub.n_matches = kept;
done:
	if (rc) {
		em_result_free(&ri->pub);
		return rc;
	}
	*out = &ri->pub;
	return 0;
}
