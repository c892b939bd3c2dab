/*
 * knowledge.c: loads data/legal_forms.tsv, data/name_variants.tsv, data/name_stopwords.tsv and
 * data/name_translations.tsv (embedded as strings by cmake/embed.cmake) into hash maps, and
 * applies them to token lists.
 * Legal-form phrases are matched greedily, longest first, over token sequences.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "util/util.h"

extern const char em_data_legal_forms[];
extern const char em_data_name_variants[];
extern const char em_data_name_stopwords[];
extern const char em_data_name_translations[];

#define MAX_PHRASE 6

static struct {
	em_arena arena;
	em_strmap variants;   /* variant -> index into canon[] */
	em_strmap legal;      /* phrase ("co ltd") -> index into canon[] */
	em_strmap stop;       /* word -> index into stop_factor[] */
	em_strmap legal_words;/* single words occurring in legal-form phrases -> 1 */
	em_strmap translations; /* romanized Arabic-script word -> index into canon[] (English) */
	em_strmap known;      /* every key of variants, legal_words, stop and legal -> 1 */
	em_strmap legal_starts; /* the first words of legal-form phrases of more words ("limited liability") -> 1 */
	em_strmap any_word;   /* every key of known and legal_starts: a token not here is a name word */
	uint64_t legal_lens, legal_word_lens; /* the lengths of legal's one-word keys and legal_words' keys, as bits */
	em_strmap fuzzy;      /* phonetic key, word and one-letter deletions -> index into fuzzy_words[] */
	const char **fuzzy_words; /* words reachable by fuzzy lookup (variants, legal words) */
	size_t n_fuzzy, cap_fuzzy;
	const char **canon;   /* canonical strings */
	size_t n_canon, cap_canon;
	float *stop_factor;
	size_t n_stop, cap_stop;
	int rc;
} K;

static pthread_once_t k_once = PTHREAD_ONCE_INIT;

static size_t add_canon(const char *s)
{
	if (K.n_canon == K.cap_canon) {
		K.cap_canon = K.cap_canon ? K.cap_canon * 2 : 256;
		const char **p = realloc(K.canon, K.cap_canon * sizeof *p);
		if (!p)
			abort(); /* start-up tables of a few kilobytes: nothing sensible to do without memory */
		K.canon = p;
	}
	K.canon[K.n_canon] = s;
	return K.n_canon++;
}

/* Splits a table into lines, and lines into tab-separated fields; '#' lines are comments. */
static void load_table(const char *text, void (*row)(char **fields, size_t n))
{
	char *copy = em_arena_strdup(&K.arena, text);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *fields[4];
		size_t n = 0;
		char *fs = NULL;
		for (char *f = strtok_r(line, "\t", &fs); f && n < 4; f = strtok_r(NULL, "\t", &fs))
			fields[n++] = f;
		row(fields, n);
	}
}

/* canonical<TAB>a|b|c: each of a, b, c (and the canonical itself, when `self`) maps to it. */
static void canon_row(em_strmap *m, char **f, size_t n, bool self)
{
	if (n < 2)
		return;
	size_t c = add_canon(f[0]);
	char *save = NULL;
	for (char *v = strtok_r(f[1], "|", &save); v; v = strtok_r(NULL, "|", &save))
		em_strmap_put(m, v, c);
	if (self)
		em_strmap_put(m, f[0], c);
}

static void variant_row(char **f, size_t n)
{
	canon_row(&K.variants, f, n, true);
}

/* English<TAB>romanized words: the English word is no romanization of itself. */
static void translation_row(char **f, size_t n)
{
	canon_row(&K.translations, f, n, false);
}

/* A length as a bit (lengths of 63 and more share the last). */
static uint64_t length_bit(size_t len)
{
	return (uint64_t)1 << (len < 63 ? len : 63);
}

static void legal_row(char **f, size_t n)
{
	if (n < 2)
		return;
	size_t c = add_canon(f[0]);
	char *save = NULL;
	for (char *v = strtok_r(f[1], "|", &save); v; v = strtok_r(NULL, "|", &save)) {
		em_strmap_put(&K.legal, v, c);
		/* Remember each word of the phrase: alone in a query it is still a legal-form word. */
		char *copy = em_arena_strdup(&K.arena, v), *ws = NULL;
		for (char *w = strtok_r(copy, " ", &ws); w; w = strtok_r(NULL, " ", &ws))
			em_strmap_put(&K.legal_words, w, 1);
	}
	em_strmap_put(&K.legal, f[0], c);
}

static void stop_row(char **f, size_t n)
{
	if (n < 3)
		return;
	if (K.n_stop == K.cap_stop) {
		K.cap_stop = K.cap_stop ? K.cap_stop * 2 : 128;
		float *p = realloc(K.stop_factor, K.cap_stop * sizeof *p);
		if (!p)
			abort();
		K.stop_factor = p;
	}
	/* Honorifics and connectors are Latin-script words: a vowelless Arabic-script token like
	 * "mr" (Omar) must not be taken for one, so they are marked apart from the articles. */
	float factor = strtof(f[2], NULL);
	K.stop_factor[K.n_stop] = strcmp(f[1], "article") == 0 ? factor : -factor;
	em_strmap_put(&K.stop, f[0], K.n_stop++);
}

/* The knowledge word a fuzzy hit stands for: a variant's canonical spelling, else itself. */
static const char *fuzzy_target(const char *word)
{
	size_t c;
	if (em_strmap_get(&K.variants, word, &c))
		return K.canon[c];
	return word;
}

/*
 * Most query words are near no knowledge word, yet each asks the fuzzy map for itself, its
 * phonetic key and every one-letter deletion of both (a dozen lookups for a 6-letter word). A
 * Bloom filter over the map's keys answers most of those first; its hash is polynomial, so the
 * hashes of all deletions of a key come from its prefix and suffix hashes without rehashing.
 * A key not in the filter is not in the map (no false negatives), so the answers are the same.
 */
#define BLOOM_BITS (1u << 20)
#define POLY 0x100000001b3ULL
static uint64_t fuzzy_bloom[BLOOM_BITS / 64];
/*
 * Filters of the hashes (em_hash_bytes) of the keys of K.known and of K.any_word, two bits each
 * in 2^15: a word not in a filter is not in its map, and most query words and their pieces are
 * in neither, so they are turned away without a lookup.
 */
#define WORD_FILTER_BITS 32768u
typedef struct word_filter {
	uint64_t bits[WORD_FILTER_BITS / 64];
} word_filter;
static word_filter known_filter, any_filter;

static void filter_bits(uint64_t h, uint32_t bit[2])
{
	bit[0] = (uint32_t)(h % WORD_FILTER_BITS);
	bit[1] = (uint32_t)((h >> 32) % WORD_FILTER_BITS);
}

static void filter_add(word_filter *f, const char *key)
{
	uint32_t bit[2];
	filter_bits(em_hash_bytes(key, strlen(key)), bit);
	for (int k = 0; k < 2; k++)
		f->bits[bit[k] / 64] |= (uint64_t)1 << (bit[k] % 64);
}

static bool filter_may_have(const word_filter *f, uint64_t h)
{
	uint32_t bit[2];
	filter_bits(h, bit);
	return (f->bits[bit[0] / 64] >> (bit[0] % 64) & 1) && (f->bits[bit[1] / 64] >> (bit[1] % 64) & 1);
}

/* Whether `text` (hash h) is a key of map m, whose keys are all in filter f. */
static bool filtered_get(const em_strmap *m, const word_filter *f, const char *text, uint64_t h, size_t *val)
{
	return filter_may_have(f, h) && em_strmap_get_hashed(m, text, h, val);
}

/* A key's polynomial hash h and length n, mixed (MurmurHash3's fmix64). */
static uint64_t bloom_mix(uint64_t h, size_t n)
{
	uint64_t x = h ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t poly_hash(const char *s, size_t n)
{
	uint64_t h = 0;
	for (size_t i = 0; i < n; i++)
		h = h * POLY + (unsigned char)s[i];
	return h;
}

/* The filter's two bit positions for a key of polynomial hash h and length n. */
static void bloom_bits(uint64_t h, size_t n, uint32_t bit[2])
{
	uint64_t x = bloom_mix(h, n);
	bit[0] = (uint32_t)(x % BLOOM_BITS);
	bit[1] = (uint32_t)((x >> 32) % BLOOM_BITS);
}

static void bloom_add(uint64_t h, size_t n)
{
	uint32_t bit[2];
	bloom_bits(h, n, bit);
	for (int k = 0; k < 2; k++)
		fuzzy_bloom[bit[k] / 64] |= (uint64_t)1 << (bit[k] % 64);
}

static bool bloom_may_have(uint64_t h, size_t n)
{
	uint32_t bit[2];
	bloom_bits(h, n, bit);
	return (fuzzy_bloom[bit[0] / 64] >> (bit[0] % 64) & 1) && (fuzzy_bloom[bit[1] / 64] >> (bit[1] % 64) & 1);
}

static void fuzzy_add_key(const char *key, size_t word)
{
	size_t kl = strlen(key);
	bloom_add(poly_hash(key, kl), kl);
	size_t old;
	if (em_strmap_get(&K.fuzzy, key, &old) && old != word &&
	    (old == SIZE_MAX || strcmp(fuzzy_target(K.fuzzy_words[old]), fuzzy_target(K.fuzzy_words[word])) != 0))
		em_strmap_put(&K.fuzzy, key, SIZE_MAX); /* ambiguous: two different words share it */
	else if (!em_strmap_get(&K.fuzzy, key, &old))
		em_strmap_put(&K.fuzzy, key, word);
	else if (old != SIZE_MAX && old != word && strcmp(K.fuzzy_words[word], K.fuzzy_words[old]) < 0)
		em_strmap_put(&K.fuzzy, key, word); /* spellings of one word: the same one whatever the order */
}

/* Indexes one word for fuzzy lookup: itself, its phonetic key, and their one-letter deletions. */
static void fuzzy_add(const char *word)
{
	if (K.n_fuzzy == K.cap_fuzzy) {
		K.cap_fuzzy = K.cap_fuzzy ? K.cap_fuzzy * 2 : 512;
		const char **p = realloc(K.fuzzy_words, K.cap_fuzzy * sizeof *p);
		if (!p)
			abort();
		K.fuzzy_words = p;
	}
	size_t id = K.n_fuzzy;
	K.fuzzy_words[K.n_fuzzy++] = word;
	char keys[2][EM_TEXT_MAX_TOKEN * 2];
	size_t lens[2];
	lens[0] = strlen(word);
	if (lens[0] >= EM_TEXT_MAX_TOKEN)
		return;
	memcpy(keys[0], word, lens[0] + 1);
	lens[1] = em_text_phonetic(word, lens[0], keys[1], sizeof keys[1]);
	for (int k = 0; k < 2; k++) {
		fuzzy_add_key(em_arena_strdup(&K.arena, keys[k]), id);
		if (lens[k] < 5)
			continue; /* one letter off in a short word is another word */
		for (size_t i = 0; i < lens[k]; i++) {
			char del[EM_TEXT_MAX_TOKEN * 2];
			memcpy(del, keys[k], i);
			memcpy(del + i, keys[k] + i + 1, lens[k] - i);
			fuzzy_add_key(em_arena_strdup(&K.arena, del), id);
		}
	}
}

static void load(void)
{
	em_arena_init(&K.arena);
	load_table(em_data_name_variants, variant_row);
	load_table(em_data_legal_forms, legal_row);
	load_table(em_data_name_stopwords, stop_row);
	load_table(em_data_name_translations, translation_row);
	/* Fuzzy lookup reaches the variant spellings and the legal-form words. */
	for (size_t i = 0; i < K.variants.cap; i++)
		if (em_strmap_key_at(&K.variants, i) && !strchr(em_strmap_key_at(&K.variants, i), ' '))
			fuzzy_add(em_strmap_key_at(&K.variants, i));
	for (size_t i = 0; i < K.legal_words.cap; i++)
		if (em_strmap_key_at(&K.legal_words, i) && strlen(em_strmap_key_at(&K.legal_words, i)) >= 3)
			fuzzy_add(em_strmap_key_at(&K.legal_words, i));
	/* One lookup instead of four for whether a word is known (asked of every query word). */
	const em_strmap *tables[] = {&K.variants, &K.legal_words, &K.stop, &K.legal};
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (size_t i = 0; i < tables[t]->cap; i++) {
			const char *key = em_strmap_key_at(tables[t], i);
			if (!key)
				continue;
			if (em_strmap_put(&K.known, key, 1))
				abort();
			filter_add(&known_filter, key);
		}
	/* A longer phrase is looked for only after words that begin one. */
	for (size_t i = 0; i < K.legal.cap; i++) {
		const char *phrase = em_strmap_key_at(&K.legal, i);
		if (!phrase)
			continue;
		for (const char *sp = strchr(phrase, ' '); sp; sp = strchr(sp + 1, ' ')) {
			char *start = em_arena_strndup(&K.arena, phrase, (size_t)(sp - phrase));
			if (!start || em_strmap_put(&K.legal_starts, start, 1))
				abort();
		}
	}
	/* One lookup tells most query words apart from anything the tables could take them for. */
	const em_strmap *words[] = {&K.known, &K.legal_starts};
	for (size_t t = 0; t < sizeof words / sizeof words[0]; t++)
		for (size_t i = 0; i < words[t]->cap; i++)
			if (em_strmap_key_at(words[t], i)) {
				if (em_strmap_put(&K.any_word, em_strmap_key_at(words[t], i), 1))
					abort();
				filter_add(&any_filter, em_strmap_key_at(words[t], i));
			}
	/* The tails em_knowledge_suffix_split may find, by length. */
	for (size_t i = 0; i < K.legal.cap; i++) {
		const char *key = em_strmap_key_at(&K.legal, i);
		if (key && !strchr(key, ' '))
			K.legal_lens |= length_bit(strlen(key));
	}
	for (size_t i = 0; i < K.legal_words.cap; i++)
		if (em_strmap_key_at(&K.legal_words, i))
			K.legal_word_lens |= length_bit(strlen(em_strmap_key_at(&K.legal_words, i)));
	K.rc = 0;
}

const char *em_knowledge_translation(const char *text)
{
	em_knowledge_init();
	size_t c;
	return em_strmap_get(&K.translations, text, &c) ? K.canon[c] : NULL;
}

int em_knowledge_is_word(const char *text)
{
	return em_knowledge_is_word_hashed(text, em_hash_bytes(text, strlen(text)));
}

int em_knowledge_is_word_hashed(const char *text, uint64_t h)
{
	em_knowledge_init();
	return filtered_get(&K.known, &known_filter, text, h, NULL);
}

size_t em_knowledge_suffix_split(const char *text, size_t len)
{
	em_knowledge_init();
	for (size_t cut = 3; cut + 2 <= len; cut++) {
		const char *tail = text + cut;
		uint64_t bit = length_bit(len - cut);
		/* A legal form, "and", or a long word of a legal-form phrase ("WINGSPRIVATE JSC" is
		 * WINGS PRIVATE JSC, "private jsc" a closed joint stock company). */
		if (strcmp(tail, "and") == 0)
			return cut;
		/* Legal forms and their words are known words: most tails are turned away by the filter. */
		if (!(K.legal_lens & bit) && !(len - cut >= 5 && (K.legal_word_lens & bit)))
			continue;
		uint64_t h = em_hash_bytes(tail, len - cut);
		if (!filter_may_have(&known_filter, h))
			continue;
		if (((K.legal_lens & bit) && em_strmap_get_hashed(&K.legal, tail, h, NULL)) ||
		    (len - cut >= 5 && (K.legal_word_lens & bit) && em_strmap_get_hashed(&K.legal_words, tail, h, NULL)))
			return cut;
	}
	return 0;
}

/* Whether two words start alike: the same letter, or both a vowel (Ibrahim, Ebrahim). */
static bool same_start(const char *a, const char *b)
{
	return a[0] == b[0] || (strchr("aeiou", a[0]) && strchr("aeiou", b[0]));
}

/* A knowledge word the query token resembles: same sound, or one edit away; NULL if none or ambiguous. */
static const char *fuzzy_search(const char *tok, size_t len)
{
	char keys[2][EM_TEXT_MAX_TOKEN * 2];
	size_t lens[2];
	if (len >= EM_TEXT_MAX_TOKEN || len < 4)
		return NULL;
	memcpy(keys[0], tok, len + 1);
	lens[0] = len;
	lens[1] = em_text_phonetic(tok, len, keys[1], sizeof keys[1]);
	size_t found = SIZE_MAX;
	for (int k = 0; k < 2; k++) {
		size_t id, n = lens[k];
		/* Prefix and suffix hashes: a deletion's hash is pre[i] * POLY^(n-1-i) + suf[i+1]. */
		uint64_t pre[EM_TEXT_MAX_TOKEN * 2 + 1], suf[EM_TEXT_MAX_TOKEN * 2 + 1], pw[EM_TEXT_MAX_TOKEN * 2 + 1];
		pre[0] = 0;
		pw[0] = 1;
		for (size_t i = 0; i < n; i++) {
			pre[i + 1] = pre[i] * POLY + (unsigned char)keys[k][i];
			pw[i + 1] = pw[i] * POLY;
		}
		suf[n] = 0;
		for (size_t i = n; i-- > 0;)
			suf[i] = (unsigned char)keys[k][i] * pw[n - 1 - i] + suf[i + 1];
		if (bloom_may_have(pre[n], n) && em_strmap_get(&K.fuzzy, keys[k], &id) && id != SIZE_MAX) {
			const char *w = K.fuzzy_words[id];
			/* Same sound; or, for the spelling, one edit (a deletion key may be the word itself). */
			if (k == 1 ? lens[1] >= 3 : em_osa_distance(tok, len, w, strlen(w)) <= 1)
				return w;
		}
		if (lens[k] < 5)
			continue;
		for (size_t i = 0; i < lens[k]; i++) {
			if (!bloom_may_have(pre[i] * pw[n - 1 - i] + suf[i + 1], n - 1))
				continue;
			char del[EM_TEXT_MAX_TOKEN * 2];
			memcpy(del, keys[k], i);
			memcpy(del + i, keys[k] + i + 1, lens[k] - i);
			if (!em_strmap_get(&K.fuzzy, del, &id) || id == SIZE_MAX)
				continue;
			const char *w = K.fuzzy_words[id];
			char wk[EM_TEXT_MAX_TOKEN * 2];
			size_t wl = k ? em_text_phonetic(w, strlen(w), wk, sizeof wk) : strlen(w);
			if (!k)
				memcpy(wk, w, wl + 1);
			if (em_osa_distance(keys[k], lens[k], wk, wl) > 1)
				continue;
			if (found != SIZE_MAX && strcmp(fuzzy_target(K.fuzzy_words[found]), fuzzy_target(w)) != 0)
				return NULL;
			found = id;
		}
	}
	return found != SIZE_MAX ? K.fuzzy_words[found] : NULL;
}

/*
 * fuzzy_search depends on the token alone, and a batch repeats its tokens: each thread keeps its
 * answers for the tokens it has seen, in a direct-mapped table made on first use (freed when the
 * thread ends) and emptied by em_knowledge_forget.
 */
#define FUZZY_MEMO_SLOTS 8192 /* a power of two */
#define FUZZY_MEMO_WORD 24

typedef struct fuzzy_slot {
	uint32_t gen;       /* the thread's generation when stored: others are empty */
	uint8_t len;
	char word[FUZZY_MEMO_WORD];
	const char *found;  /* fuzzy_search's answer */
} fuzzy_slot;

static _Thread_local fuzzy_slot *fuzzy_memo;
static _Thread_local uint32_t fuzzy_gen = 1;
static pthread_key_t fuzzy_key;
static pthread_once_t fuzzy_key_once = PTHREAD_ONCE_INIT;

static void fuzzy_memo_free(void *p)
{
	free(p);
	fuzzy_memo = NULL;
}

static void fuzzy_key_make(void)
{
	pthread_key_create(&fuzzy_key, fuzzy_memo_free);
}

void em_knowledge_forget(void)
{
	if (++fuzzy_gen == 0) { /* wrapped: old slots could look current again */
		if (fuzzy_memo)
			memset(fuzzy_memo, 0, FUZZY_MEMO_SLOTS * sizeof *fuzzy_memo);
		fuzzy_gen = 1;
	}
}

static const char *fuzzy_lookup(const char *tok, size_t len)
{
	if (len >= FUZZY_MEMO_WORD || len < 4)
		return fuzzy_search(tok, len);
	if (!fuzzy_memo) {
		pthread_once(&fuzzy_key_once, fuzzy_key_make);
		fuzzy_memo = calloc(FUZZY_MEMO_SLOTS, sizeof *fuzzy_memo);
		if (!fuzzy_memo)
			return fuzzy_search(tok, len);
		pthread_setspecific(fuzzy_key, fuzzy_memo);
	}
	fuzzy_slot *sl = &fuzzy_memo[em_hash_bytes(tok, len) & (FUZZY_MEMO_SLOTS - 1)];
	if (sl->gen == fuzzy_gen && sl->len == len && memcmp(sl->word, tok, len) == 0)
		return sl->found;
	const char *found = fuzzy_search(tok, len);
	sl->gen = fuzzy_gen;
	sl->len = (uint8_t)len;
	memcpy(sl->word, tok, len);
	sl->found = found;
	return found;
}

int em_knowledge_init(void)
{
	pthread_once(&k_once, load);
	return K.rc;
}

static void set_term(em_term *t, const char *s, size_t n, em_term_class cls, float factor)
{
	if (n >= EM_TEXT_MAX_TOKEN)
		n = EM_TEXT_MAX_TOKEN - 1;
	memcpy(t->text, s, n);
	t->text[n] = '\0';
	t->len = (unsigned char)n;
	t->cls = (unsigned char)cls;
	t->factor = factor;
	t->family = 0;
	t->joined = 0;
	t->corrected = 0;
}

void em_terms_from_name(const char *name, const char *family, int flags, em_terms *out)
{
	em_terms_from_name_with(name, family, flags, EM_TRANSLIT_DEFAULT, out);
}

/*
 * A word written onto a dotted legal form takes its first letter: "TRADINGL.L.C" reads as
 * "tradingl" and "lc", and is "trading" and "llc". Only when the letter and the rest make a legal
 * form and the rest alone is none (a trailing initial, "JONES A", is left alone).
 */
static void rejoin_initialisms(em_tokens *tk)
{
	for (size_t i = 0; i + 1 < tk->n; i++) {
		em_token *a = &tk->tok[i], *b = &tk->tok[i + 1];
		char last = a->len ? a->text[a->len - 1] : '\0';
		if (a->len < 5 || b->len < 2 || b->len > 4 || last < 'a' || last > 'z' ||
		    em_strmap_get(&K.legal, b->text, NULL) || em_knowledge_is_word(a->text))
			continue;
		char joined[8];
		joined[0] = last;
		memcpy(joined + 1, b->text, b->len + 1u);
		if (!em_strmap_get(&K.legal, joined, NULL))
			continue;
		a->text[--a->len] = '\0';
		memcpy(b->text, joined, b->len + 2u);
		b->len++;
	}
}

void em_terms_from_name_with(const char *name, const char *family, int flags, em_translit which,
			     em_terms *out)
{
	em_knowledge_init();
	bool is_query = flags & EM_TERMS_QUERY, person = flags & EM_TERMS_PERSON;
	em_tokens tk;
	em_text_tokenize_with(name, &tk, which);
	if (is_query)
		rejoin_initialisms(&tk);
	/* Queries: a token that resembles a knowledge word is taken for it. */
	unsigned char corrected[EM_TEXT_MAX_TOKENS] = {0};
	em_token orig[EM_TEXT_MAX_TOKENS];
	memcpy(orig, tk.tok, tk.n * sizeof tk.tok[0]);
	if (is_query) {
		for (size_t i = 0; i < tk.n; i++) {
			em_token *k = &tk.tok[i];
			if (em_knowledge_is_word(k->text))
				continue;
			const char *w = fuzzy_lookup(k->text, k->len);
			/* Not a romanized Arabic-script word: without its vowels one letter is a whole
			 * sound, and a word a letter away is another word (شركة company, "shrkh", is
			 * not Shaykh; حركة movement, "hrkh", is not شركة). A word romanized from Korean,
			 * Chinese, Greek... is spelt by rule, not by hand: only a knowledge word that
			 * starts alike ("dusein", 두세인, is not Husein). */
			if (!w || tk.script == EM_SCRIPT_ABJAD || (tk.script == EM_SCRIPT_OTHER && !same_start(k->text, w)))
				continue;
			size_t wl = strlen(w);
			memcpy(k->text, w, wl + 1);
			k->len = (unsigned char)wl;
			corrected[i] = 1;
		}
	}
	out->n = 0;
	out->script = tk.script;
	/* Family-name tokens: from the list's own field, else the part before the comma. */
	em_tokens fam;
	fam.n = 0;
	if (family)
		em_text_tokenize(family, &fam);
	for (size_t i = 0; i < tk.n && out->n < EM_TEXT_MAX_TOKENS;) {
		/* A token no table holds is a name word: neither a legal form nor the start of one,
		 * nor a variant, stop word or legal-form word. */
		bool any = filtered_get(&K.any_word, &any_filter, tk.tok[i].text, em_hash_bytes(tk.tok[i].text, tk.tok[i].len),
					NULL);
		/* Longest legal-form phrase starting here. */
		size_t best = 0, canon = 0;
		char phrase[EM_TEXT_MAX_TOKEN * MAX_PHRASE];
		for (size_t len = 1; any && !person && len <= MAX_PHRASE && i + len <= tk.n; len++) {
			size_t pl = 0;
			for (size_t k = i; k < i + len; k++) {
				if (k > i)
					phrase[pl++] = ' ';
				memcpy(phrase + pl, tk.tok[k].text, tk.tok[k].len);
				pl += tk.tok[k].len;
			}
			phrase[pl] = '\0';
			size_t c;
			if (em_strmap_get(&K.legal, phrase, &c)) {
				best = len;
				canon = c;
			}
			if (!em_strmap_get(&K.legal_starts, phrase, NULL))
				break;
		}
		em_term *t = &out->t[out->n];
		bool in_family;
		if (family)
			in_family = false;
		else
			in_family = tk.comma_at > 0 && (int)i < tk.comma_at;
		if (family) {
			for (size_t k = 0; k < fam.n; k++)
				if (strcmp(fam.tok[k].text, tk.tok[i].text) == 0)
					in_family = true;
		}
		size_t first = i;
		unsigned char was_corrected = 0;
		if (best) {
			set_term(t, K.canon[canon], strlen(K.canon[canon]), EM_TERM_LEGAL, 0.12f);
			for (size_t k = i; k < i + best; k++)
				was_corrected |= corrected[k];
			i += best;
		} else {
			const em_token *k = &tk.tok[i];
			size_t c, si;
			const char *s = k->text;
			if (any && em_strmap_get(&K.variants, s, &c))
				s = K.canon[c];
			bool stop = any && em_strmap_get(&K.stop, s, &si);
			if (stop && tk.script == EM_SCRIPT_ABJAD && K.stop_factor[si] < 0)
				stop = false;
			if (stop)
				set_term(t, s, strlen(s), EM_TERM_STOP, K.stop_factor[si] < 0 ? -K.stop_factor[si] : K.stop_factor[si]);
			else if (is_query && !person && any && em_strmap_get(&K.legal_words, s, NULL))
				set_term(t, s, strlen(s), EM_TERM_LEGAL, 0.12f); /* "OPEN", "JOINT" alone */
			else
				set_term(t, s, strlen(s), EM_TERM_NAME, 1.0f);
			was_corrected = corrected[i];
			i++;
		}
		/* The original spelling: of one token, or of a whole legal-form phrase joined. */
		size_t ol = 0;
		for (size_t k = first; k < i && ol + 1 < EM_TEXT_MAX_TOKEN; k++) {
			size_t n = orig[k].len;
			if (ol + n + 1 > EM_TEXT_MAX_TOKEN)
				n = EM_TEXT_MAX_TOKEN - 1 - ol;
			memcpy(t->orig + ol, orig[k].text, n);
			ol += n;
		}
		t->orig[ol] = '\0';
		t->orig_len = (unsigned char)ol;
		t->corrected = was_corrected;
		t->family = in_family;
		out->n++;
	}
}
