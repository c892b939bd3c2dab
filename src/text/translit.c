/*
 * translit.c: UTF-8 to lower-case ASCII through ICU. An ICU transliterator is costly to build
 * (milliseconds) and may not be shared between threads, so one is built once as a prototype
 * and each thread clones its own on first use; ASCII input skips ICU entirely (most queries).
 * Two kinds of words skip it too, read from tables of ICU's own answers: accented Latin (folded
 * from a table made at start-up) and Chinese words (from a table made at build time, han.h):
 * ICU compiles its Han-Latin rules the first time a process meets a Han character, about
 * 110 ms, and then costs tens of microseconds a name. ICU stays the source of truth: both
 * tables are its answers, and anything they do not cover still goes to ICU.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "text/chain.h"
#include "text/fold.h"
#include "text/han.h"
#include "text/letters.h"
#include "text/text.h"
#include "util/util.h"

static UTransliterator *prototypes[EM_TRANSLIT_COUNT];
/* The chains without Latin-ASCII, and Latin-ASCII alone (chain.h); NULL: the whole chain only. */
static UTransliterator *prefix_prototypes[EM_TRANSLIT_COUNT], *latin_ascii_prototype;
/* The fold table (no ICU: see fold.h) first; ICU's transliterators, which take about 13 ms to
 * set up in a process, only when a word needs them: the tables answer most words without. */
static pthread_once_t fold_once = PTHREAD_ONCE_INIT, chain_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
/*
 * ICU's rule-based transliterators cost tens of microseconds per name (Arabic, Chinese), and
 * names repeat the same words (Muhammad, Ali, Hossein) over and over. So text is transliterated a
 * word at a time (ICU gives the same result: its rules see a word boundary either way, checked
 * on every non-Latin name of the evaluation sets and the lists) and each thread keeps the last
 * words it saw in a direct-mapped cache.
 */
#define WORD_CACHE_SLOTS 4096 /* a power of two */
#define WORD_KEY_MAX 62
#define WORD_OUT_MAX 126
typedef struct word_slot {
	uint32_t hash;
	uint32_t gen;       /* the thread's generation when stored (see em_text_forget_words) */
	uint8_t klen, olen; /* klen 0: empty */
	char key[WORD_KEY_MAX];
	char out[WORD_OUT_MAX];
} word_slot;

typedef struct thread_trans_set {
	UTransliterator *t[EM_TRANSLIT_COUNT];
	UTransliterator *prefix[EM_TRANSLIT_COUNT];
	UTransliterator *latin_ascii;
	word_slot *cache[EM_TRANSLIT_COUNT]; /* WORD_CACHE_SLOTS each, allocated on first use */
	uint32_t gen; /* slots of another generation are empty */
} thread_trans_set;
static _Thread_local thread_trans_set thread_trans;

static void free_thread_trans(void *p)
{
	thread_trans_set *set = p;
	for (int i = 0; set && i < EM_TRANSLIT_COUNT; i++) {
		if (set->t[i])
			utrans_close(set->t[i]);
		set->t[i] = NULL;
		if (set->prefix[i])
			utrans_close(set->prefix[i]);
		set->prefix[i] = NULL;
		free(set->cache[i]);
		set->cache[i] = NULL;
	}
	if (set && set->latin_ascii)
		utrans_close(set->latin_ascii);
	if (set)
		set->latin_ascii = NULL;
}

/*
 * Accented Latin (German, French, Spanish, Turkish, Vietnamese, Azerbaijani names) needs no
 * script conversion, only ICU's Latin-ASCII folding, and ICU's transliterator costs far more per
 * call than the folding itself. So the Latin blocks' rows of the Latin-ASCII table (fold.h) are
 * kept as letters; text made only of those letters is folded from them (see bench/ for the
 * figures). Anything else still goes through ICU.
 */
#define FOLD_BLOCKS 2
static const UChar32 fold_lo[FOLD_BLOCKS] = {0x00C0, 0x1E00};
static const UChar32 fold_hi[FOLD_BLOCKS] = {0x024F, 0x1EFF};
static char fold_table[0x024F - 0x00C0 + 1 + 0x1EFF - 0x1E00 + 1][4]; /* "" = not foldable */

static int fold_index(UChar32 c)
{
	int base = 0;
	for (int b = 0; b < FOLD_BLOCKS; b++) {
		if (c >= fold_lo[b] && c <= fold_hi[b])
			return base + (int)(c - fold_lo[b]);
		base += (int)(fold_hi[b] - fold_lo[b] + 1);
	}
	return -1;
}

/* The accented Latin letters' rows, from the Latin-ASCII table (fold.h). */
static void make_fold_table(void);
/* Folds accented Latin (and the signs Latin text holds) from the tables; -1 when the text holds
 * anything they lack. */
static int fold_latin(const char *utf8, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	int32_t i = 0;
	while ((size_t)i < len) {
		UChar32 c;
		U8_NEXT(utf8, i, (int32_t)len, c);
		if (c < 0)
			return -1;
		const char *rep;
		char one[16] = {0};
		if (c < 0x80) {
			one[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			rep = one;
		} else if (c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x00B4) {
			rep = "'";
		} else if (c == 0x00A0) {
			rep = " ";
		} else if (fold_index(c) >= 0 && fold_table[fold_index(c)][0]) {
			rep = fold_table[fold_index(c)];
		} else {
			/* Anything else Latin-ASCII answers alone (ə, ʿ, dashes, joiners), as the whole
			 * chain writes it: Latin-ASCII's answer through keep_ascii. Not ẗ, which the chain
			 * rewrites first (as an Arabic ta marbuta), nor marks, which need their letter. */
			int f = em_fold_index((uint32_t)c);
			if (f < 0 || !em_fold_icu[f].ok || c == 0x1E97)
				return -1;
			UChar units[4];
			for (int u = 0; u < em_fold_icu[f].len; u++)
				units[u] = (UChar)em_fold_icu[f].out[u];
			em_translit_keep_ascii(units, em_fold_icu[f].len, one, sizeof one);
			rep = one;
		}
		for (; *rep; rep++) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = *rep;
		}
	}
	out[o] = '\0';
	return (int)o;
}

/*
 * The non-Latin scripts' chains end with ICU's Latin-ASCII, which costs more than the rest of the
 * chain on a word (BGN/PCGN Russian writes accents and primes: 2.4 of 3.7 us a word). So the
 * chain runs without it (em_translit_open_prefix), and what it leaves is folded from the table
 * of Latin-ASCII's answers made at build time (fold.h). A word with any other character, or a
 * combining mark, still goes through ICU's Latin-ASCII. tests/test_translit_fold.c checks that
 * both ways give the same for every non-Latin word of the evaluation sets and the lists;
 * fuzz_han compares them on random text.
 */
/* A row of fold_table is the letters (1 to 3, lower-cased) Latin-ASCII writes for the character,
 * when it writes only letters. */
static void make_fold_table(void)
{
	for (int b = 0; b < FOLD_BLOCKS; b++) {
		for (UChar32 c = fold_lo[b]; c <= fold_hi[b]; c++) {
			const em_fold *pf = &em_fold_icu[em_fold_index((uint32_t)c)];
			if (!pf->ok || pf->len < 1 || pf->len > 3)
				continue;
			bool letters = true;
			for (int k = 0; k < pf->len; k++)
				letters &= (pf->out[k] >= 'a' && pf->out[k] <= 'z') || (pf->out[k] >= 'A' && pf->out[k] <= 'Z');
			if (!letters)
				continue;
			char *dst = fold_table[fold_index(c)];
			for (int k = 0; k < pf->len; k++)
				dst[k] = (char)(pf->out[k] >= 'A' && pf->out[k] <= 'Z' ? pf->out[k] + 32 : pf->out[k]);
			dst[pf->len] = '\0';
		}
	}
}

/*
 * Latin-ASCII over buf from the table, into out (at most cap units); -1 when buf holds a
 * character the table lacks (then ICU must do it).
 */
static int32_t post_fold_text(const UChar *buf, int32_t len, UChar *out, int32_t cap)
{
	int32_t o = 0;
	for (int32_t i = 0; i < len; i++) {
		UChar c = buf[i];
		if (c < 0x80) {
			if (o >= cap)
				return -1;
			out[o++] = c;
			continue;
		}
		int k = em_fold_index(c);
		if (k < 0 || !em_fold_icu[k].ok || o + em_fold_icu[k].len > cap)
			return -1;
		for (int u = 0; u < em_fold_icu[k].len; u++)
			out[o++] = (UChar)em_fold_icu[k].out[u];
	}
	return o;
}

static void make_folds(void)
{
	make_fold_table();
	pthread_key_create(&thread_key, free_thread_trans);
}

static void make_chains(void)
{
	pthread_once(&fold_once, make_folds);
	latin_ascii_prototype = em_translit_open_latin_ascii();
	for (int i = 0; i < EM_TRANSLIT_COUNT; i++) {
		prototypes[i] = em_translit_open((em_translit)i);
		prefix_prototypes[i] = latin_ascii_prototype ? em_translit_open_prefix((em_translit)i) : NULL;
	}
}

static UTransliterator *thread_clone(UTransliterator *proto, UTransliterator **slot);

static UTransliterator *get_trans(em_translit which)
{
	if (thread_trans.t[which])
		return thread_trans.t[which];
	pthread_once(&chain_once, make_chains);
	return thread_clone(prototypes[which], &thread_trans.t[which]);
}

/* This thread's copy of a prototype, cloned on first use into *slot. */
static UTransliterator *thread_clone(UTransliterator *proto, UTransliterator **slot)
{
	if (*slot || !proto)
		return *slot;
	UErrorCode st = U_ZERO_ERROR;
	*slot = utrans_clone(proto, &st);
	if (U_FAILURE(st))
		*slot = NULL;
	else
		pthread_setspecific(thread_key, &thread_trans);
	return *slot;
}

void em_text_prepare(void)
{
	pthread_once(&chain_once, make_chains);
}

void em_text_forget_words(void)
{
	em_text_forget_phonetic();
	thread_trans.gen++;
	if (thread_trans.gen == 0) { /* wrapped: old slots could look current again */
		for (int i = 0; i < EM_TRANSLIT_COUNT; i++)
			if (thread_trans.cache[i])
				memset(thread_trans.cache[i], 0, WORD_CACHE_SLOTS * sizeof *thread_trans.cache[i]);
	}
}

void em_text_thread_cleanup(void)
{
	pthread_once(&fold_once, make_folds);
	pthread_setspecific(thread_key, NULL);
	free_thread_trans(&thread_trans);
}

static em_script_class classify(UChar32 c)
{
	UErrorCode st = U_ZERO_ERROR;
	UScriptCode s = uscript_getScript(c, &st);
	switch (s) {
	case USCRIPT_LATIN: case USCRIPT_COMMON: case USCRIPT_INHERITED: return EM_SCRIPT_LATIN;
	case USCRIPT_CYRILLIC: return EM_SCRIPT_CYRILLIC;
	case USCRIPT_ARABIC: case USCRIPT_HEBREW: case USCRIPT_SYRIAC: case USCRIPT_THAANA:
		return EM_SCRIPT_ABJAD;
	default: return EM_SCRIPT_OTHER;
	}
}

#define TRANSLIT_MAX 1024

/* The dominant non-Latin script of the text (Latin when it has none). */
static em_script_class dominant_script(const char *utf8, size_t len)
{
	int counts[4] = {0};
	for (int32_t k = 0; (size_t)k < len;) {
		UChar32 c;
		U8_NEXT(utf8, k, (int32_t)len, c);
		if (c >= 0 && u_isalpha(c))
			counts[classify(c)]++;
	}
	int best = EM_SCRIPT_LATIN;
	for (int k = 1; k < 4; k++)
		if (counts[k] > counts[best])
			best = k;
	return (em_script_class)best;
}

/* One word (no spaces) to ASCII: a Cyrillic, Arabic or Chinese word from its table, else
 * through the thread's cache, else ICU (set up on first need). Returns its length. */
static int word_to_ascii(em_translit which, const char *w, size_t wl, char *out, size_t cap)
{
	if (cap == 0)
		return -1;
	/* Cyrillic and Arabic letters from their table, byte for byte what ICU below would write
	 * (tools/gen_letter_table.c checks it, tests/test_translit_fold.c too). */
	int ln = em_letters_romanize(&em_letters_icu, which, w, wl, out, cap);
	if (ln >= 0)
		return ln;
	/* The same answer as ICU's below, byte for byte (tests/test_han_table.c); TRANSLIT_MAX
	 * keeps to words whose ICU output the buffers below would hold whole. */
	char han[TRANSLIT_MAX * 2];
	int hn = em_han_romanize(&em_han_icu, w, wl, han, sizeof han, TRANSLIT_MAX);
	if (hn >= 0) {
		size_t n = (size_t)hn < cap - 1 ? (size_t)hn : cap - 1;
		memcpy(out, han, n);
		out[n] = '\0';
		return (int)n;
	}
	word_slot *cache = thread_trans.cache[which], *slot = NULL;
	if (!cache && (cache = calloc(WORD_CACHE_SLOTS, sizeof *cache)) != NULL)
		thread_trans.cache[which] = cache;
	uint32_t h = (uint32_t)em_hash_bytes(w, wl);
	if (cache && wl <= WORD_KEY_MAX) {
		slot = &cache[h & (WORD_CACHE_SLOTS - 1)];
		if (slot->klen == wl && slot->hash == h && slot->gen == thread_trans.gen && memcmp(slot->key, w, wl) == 0) {
			size_t n = slot->olen < cap - 1 ? slot->olen : cap - 1;
			memcpy(out, slot->out, n);
			out[n] = '\0';
			return (int)n;
		}
	}
	UTransliterator *t = get_trans(which);
	if (!t)
		return -1;
	UChar buf[TRANSLIT_MAX * 3];
	int32_t ulen = 0;
	UErrorCode st = U_ZERO_ERROR;
	u_strFromUTF8(buf, TRANSLIT_MAX, &ulen, w, (int32_t)wl, &st);
	if (U_FAILURE(st) && st != U_BUFFER_OVERFLOW_ERROR)
		return -1;
	if (ulen > TRANSLIT_MAX)
		ulen = TRANSLIT_MAX;
	int32_t limit = ulen, cap16 = (int32_t)(sizeof buf / sizeof buf[0]);
	st = U_ZERO_ERROR;
	UTransliterator *pre = thread_clone(prefix_prototypes[which], &thread_trans.prefix[which]), *la = NULL;
	UChar folded[TRANSLIT_MAX * 3];
	const UChar *res = buf;
	if (pre && (la = thread_clone(latin_ascii_prototype, &thread_trans.latin_ascii)) != NULL) {
		/* The chain less Latin-ASCII, then Latin-ASCII from the table, else from ICU. */
		utrans_transUChars(pre, buf, &ulen, cap16, 0, &limit, &st);
		int32_t fl = U_SUCCESS(st) ? post_fold_text(buf, ulen, folded, (int32_t)(sizeof folded / sizeof folded[0])) : -1;
		if (fl >= 0) {
			res = folded;
			ulen = fl;
		} else if (U_SUCCESS(st)) {
			limit = ulen;
			utrans_transUChars(la, buf, &ulen, cap16, 0, &limit, &st);
		}
	} else {
		utrans_transUChars(t, buf, &ulen, cap16, 0, &limit, &st);
	}
	if (U_FAILURE(st))
		return -1;
	char tmp[TRANSLIT_MAX * 2];
	size_t n = em_translit_keep_ascii(res, ulen, tmp, sizeof tmp);
	if (slot && n <= WORD_OUT_MAX) {
		slot->hash = h;
		slot->gen = thread_trans.gen;
		slot->klen = (uint8_t)wl;
		slot->olen = (uint8_t)n;
		memcpy(slot->key, w, wl);
		memcpy(slot->out, tmp, n);
	}
	if (n > cap - 1)
		n = cap - 1;
	memcpy(out, tmp, n);
	out[n] = '\0';
	return (int)n;
}

int em_text_has_persian_reading(const char *utf8, size_t len)
{
	bool persian = false, differs = false;
	for (int32_t k = 0; (size_t)k < len;) {
		UChar32 c;
		U8_NEXT(utf8, k, (int32_t)len, c);
		switch (c) {
		case 0x067E: case 0x0686: case 0x0698: case 0x06AF: case 0x06A9: case 0x06CC: /* پ چ ژ گ ک ی */
		case 0x06C1: case 0x06BE: case 0x06D2: case 0x0679: case 0x0688: case 0x0691: /* ہ ھ ے ٹ ڈ ڑ */
			persian = true;
			break;
		case 0x062B: case 0x0630: case 0x0636: case 0x0638: /* ث ذ ض ظ */
			differs = true;
			break;
		default:
			break;
		}
	}
	return persian && differs;
}

int em_text_to_ascii(const char *utf8, size_t len, char *out, size_t cap, em_script_class *script)
{
	return em_text_to_ascii_with(utf8, len, out, cap, script, EM_TRANSLIT_DEFAULT);
}

int em_text_to_ascii_with(const char *utf8, size_t len, char *out, size_t cap, em_script_class *script,
			  em_translit which)
{
	if (script)
		*script = EM_SCRIPT_LATIN;
	if (cap == 0)
		return -1;
	size_t i;
	for (i = 0; i < len && !(utf8[i] & 0x80); i++)
		;
	if (i == len) { /* ASCII: copy in lower case */
		size_t n = len < cap - 1 ? len : cap - 1;
		for (size_t k = 0; k < n; k++) {
			char c = utf8[k];
			out[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		out[n] = '\0';
		return (int)n;
	}
	pthread_once(&fold_once, make_folds);
	int folded = fold_latin(utf8, len, out, cap);
	if (folded >= 0)
		return folded;
	if (len > TRANSLIT_MAX * 2)
		len = TRANSLIT_MAX * 2;
	/* The dominant non-Latin script decides how the tokens are compared later. */
	if (script)
		*script = dominant_script(utf8, len);
	/* Word by word (split at spaces), each from a table, the cache or ICU. */
	size_t o = 0;
	for (size_t w = 0; w <= len;) {
		size_t e = w;
		while (e < len && utf8[e] != ' ')
			e++;
		if (e > w) {
			int n = word_to_ascii(which, utf8 + w, e - w, out + o, cap - o);
			if (n < 0)
				return -1;
			o += (size_t)n;
		}
		if (e < len && o + 1 < cap)
			out[o++] = ' ';
		w = e + 1;
	}
	out[o] = '\0';
	return (int)o;
}
