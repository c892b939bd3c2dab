/*
 * phonetic.c: keys and distances on normalized ASCII tokens.
 *
 * The phonetic key folds the spelling variants that transliteration produces for one sound:
 * digraphs (kh, gh, sh, ch, zh, ph, th, dh, ts), c/q/k, w/v, y/i, ou/oo/u, ee/eye/i (Russian ее
 * as BGN/PCGN writes it: Sergeyevich, Sergeevich), a final -off/-eff
 * (Russian -ov/-ev), a final h after a vowel (Abdallah/Abdalla), and doubled letters. The
 * skeleton goes further and keeps consonants only (also dropping w and y, which Arabic script
 * writes for long vowels, and a final h).
 */
#include <stdint.h>
#include <string.h>

#include "text.h"

static bool vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static size_t phonetic_key(const char *s, size_t n, char *out, size_t cap);

/*
 * Each thread remembers the keys it made last, direct-mapped by a hash of the word: a query
 * word's key is asked for twice (by the name knowledge, then by matching), and names repeat
 * their words. Slots of another generation are empty (em_text_forget_phonetic).
 */
#define PHON_SLOTS 256 /* a power of two */
#define PHON_WORD_MAX 24
#define PHON_KEY_MAX 48
typedef struct phon_slot {
	uint32_t gen;
	uint8_t n, kn;
	char word[PHON_WORD_MAX];
	char key[PHON_KEY_MAX];
} phon_slot;
static _Thread_local phon_slot phon_cache[PHON_SLOTS];
static _Thread_local uint32_t phon_gen = 1;

void em_text_forget_phonetic(void)
{
	if (++phon_gen == 0) { /* wrapped: old slots could look current again */
		memset(phon_cache, 0, sizeof phon_cache);
		phon_gen = 1;
	}
}

size_t em_text_phonetic(const char *s, size_t n, char *out, size_t cap)
{
	if (n > PHON_WORD_MAX || cap == 0)
		return phonetic_key(s, n, out, cap);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	phon_slot *sl = &phon_cache[(h ^ h >> 16) & (PHON_SLOTS - 1)];
	if (sl->gen == phon_gen && sl->n == n && memcmp(sl->word, s, n) == 0 && sl->kn < cap) {
		memcpy(out, sl->key, sl->kn + 1u);
		return sl->kn;
	}
	size_t k = phonetic_key(s, n, out, cap);
	if (k < PHON_KEY_MAX && k + 1 < cap) { /* the whole key: cap did not cut it */
		sl->gen = phon_gen;
		sl->n = (uint8_t)n;
		sl->kn = (uint8_t)k;
		memcpy(sl->word, s, n);
		memcpy(sl->key, out, k + 1);
	}
	return k;
}

static size_t phonetic_key(const char *s, size_t n, char *out, size_t cap)
{
	char tmp[EM_TEXT_MAX_TOKEN * 2];
	size_t o = 0;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n && o + 2 < sizeof tmp; i++) {
		char c = s[i], d = i + 1 < n ? s[i + 1] : '\0', e = i + 2 < n ? s[i + 2] : '\0';
		if (c == 'd' && d == 'z' && e == 'h') { tmp[o++] = 'j'; i += 2; continue; }
		if (c == 's' && d == 'c' && e == 'h') { tmp[o++] = 's'; i += 2; continue; }
		if (c == 't' && d == 'c' && e == 'h') { tmp[o++] = 'c'; i += 2; continue; }
		if (d == 'h' && (c == 'k' || c == 'g' || c == 's' || c == 'c' || c == 'z' || c == 'p' ||
				 c == 't' || c == 'd')) {
			static const char map[] = "khggsscczjpfttdd";
			for (int k = 0; k < 16; k += 2)
				if (map[k] == c)
					tmp[o++] = map[k + 1];
			i++;
			continue;
		}
		if ((c == 't' && (d == 's' || d == 'z')) || (c == 'd' && d == 'j')) {
			tmp[o++] = c == 'd' ? 'j' : 'c';
			i++;
			continue;
		}
		if (c == 'c' && d == 'k') { tmp[o++] = 'k'; i++; continue; }
		if ((c == 'o' && (d == 'u' || d == 'o'))) { tmp[o++] = 'u'; i++; continue; }
		/* BGN/PCGN writes Russian e after e as "ye", other spellings "e": SERGEYEVICH and
		 * SERGEEVICH, ALEKSEYEV and ALEKSEEV. (Not after other vowels: BAYER is no BAER.) */
		if (c == 'e' && d == 'y' && e == 'e') { tmp[o++] = 'i'; i += 2; continue; }
		if ((c == 'e' && (d == 'e' || d == 'i'))) { tmp[o++] = 'i'; i++; continue; }
		switch (c) {
		case 'c': case 'q': tmp[o++] = 'k'; break;
		case 'w': tmp[o++] = 'v'; break;
		case 'y': tmp[o++] = 'i'; break;
		case 'x': tmp[o++] = 'k'; tmp[o++] = 's'; break;
		default: tmp[o++] = c;
		}
	}
	/* A final -ce is an s (finance, service: Russian финанс, сервис). */
	if (o >= 4 && tmp[o - 1] == 'e' && tmp[o - 2] == 'k' && n >= 2 && s[n - 2] == 'c') {
		tmp[o - 2] = 's';
		o--;
	}
	/* -off / -eff endings are Russian -ov / -ev */
	if (o >= 4 && tmp[o - 1] == 'f' && tmp[o - 2] == 'f' && (tmp[o - 3] == 'o' || tmp[o - 3] == 'e')) {
		tmp[o - 2] = 'v';
		o--;
	}
	/* a final h after a vowel is silent */
	if (o >= 3 && tmp[o - 1] == 'h' && vowel(tmp[o - 2]))
		o--;
	size_t r = 0;
	for (size_t i = 0; i < o && r + 1 < cap; i++)
		if (r == 0 || out[r - 1] != tmp[i])
			out[r++] = tmp[i];
	out[r] = '\0';
	return r;
}

/*
 * The skeleton works on the spelling, not the phonetic key: Arabic romanization has its own
 * equivalences. th, dh and z are one class (ث and ذ are written th/dh, ظ z, and Latin spellings
 * mix them: Kazim, Kadhim, Kathim); sh and ch are one (French spellings of ش); kh is h; q, k and c
 * are one; j, dj and dzh are one; w, v, y and the vowels go; a final h goes (-ah, -eh endings).
 */
size_t em_text_skeleton(const char *s, size_t n, char *out, size_t cap)
{
	return em_text_skeleton_with(s, n, out, cap, 1);
}

size_t em_text_skeleton_with(const char *s, size_t n, char *out, size_t cap, int digraphs)
{
	/* Written straight into out; up to two letters a step, so stop two short of the end. */
	char *tmp = out;
	size_t o = 0;
	if (cap < 3) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		char c = s[i], d = i + 1 < n ? s[i + 1] : '\0', e = i + 2 < n ? s[i + 2] : '\0';
		char k = 0;
		size_t skip = 0;
		if (c == 'd' && d == 'z' && e == 'h')
			k = 'j', skip = 2;
		else if (c == 't' && d == 'c' && e == 'h')
			k = 's', skip = 2;
		else if (digraphs && d == 'h' && (c == 'k' || c == 'g' || c == 's' || c == 'c' || c == 'z' || c == 'p' || c == 't' || c == 'd')) {
			static const char map[] = "khggsscszjpftzdz";
			for (int m = 0; m < 16; m += 2)
				if (map[m] == c)
					k = map[m + 1];
			skip = 1;
		} else if (c == 'd' && d == 'j')
			k = 'j', skip = 1;
		else if (c == 'c' && d == 'k')
			k = 'k', skip = 1;
		if (k) {
			tmp[o++] = k;
			i += skip;
			continue;
		}
		if (c == 'x') {
			tmp[o++] = 'k';
			tmp[o++] = 's';
			continue;
		}
		if (vowel(c) || c == 'w' || c == 'v' || (c == 'h' && i + 1 == n))
			continue; /* vowels, the letters of long vowels, a final h */
		/* c before e, i, y is s in Romance spellings (Belgacem). */
		char m = c == 'c' ? ((d == 'e' || d == 'i' || d == 'y') ? 's' : 'k') : c == 'q' ? 'k' : c == 'd' ? 'z' : c;
		/* Doubled letters (gemination) count once. */
		if (!(o > 0 && i > 0 && s[i - 1] == c && tmp[o - 1] == m))
			tmp[o++] = m;
	}
	out[o] = '\0';
	return o;
}

double em_jaro_winkler(const char *a, size_t la, const char *b, size_t lb)
{
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	if (la > 64)
		la = 64;
	if (lb > 64)
		lb = 64;
	size_t range = (la > lb ? la : lb) / 2;
	range = range ? range - 1 : 0;
	bool am[64] = {false}, bm[64] = {false};
	size_t m = 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > range ? i - range : 0, hi = i + range + 1 < lb ? i + range + 1 : lb;
		for (size_t j = lo; j < hi; j++) {
			if (!bm[j] && a[i] == b[j]) {
				am[i] = bm[j] = true;
				m++;
				break;
			}
		}
	}
	if (m == 0)
		return 0.0;
	size_t t = 0, k = 0;
	for (size_t i = 0; i < la; i++) {
		if (!am[i])
			continue;
		while (!bm[k])
			k++;
		if (a[i] != b[k])
			t++;
		k++;
	}
	double md = (double)m;
	double jaro = (md / (double)la + md / (double)lb + (md - (double)t / 2.0) / md) / 3.0;
	size_t prefix = 0;
	while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
		prefix++;
	return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

/* Both words cut to 63 letters, then their common prefix and suffix, which do not change the
 * distance, stripped. */
static void trim_common(const char **a, size_t *la, const char **b, size_t *lb)
{
	if (*la > 63)
		*la = 63;
	if (*lb > 63)
		*lb = 63;
	while (*la && *lb && **a == **b)
		(*a)++, (*b)++, (*la)--, (*lb)--;
	while (*la && *lb && (*a)[*la - 1] == (*b)[*lb - 1])
		(*la)--, (*lb)--;
}

int em_osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
	trim_common(&a, &la, &b, &lb);
	if (la == 0 || lb == 0)
		return (int)(la + lb);
	int d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/*
 * Bit-parallel OSA distance (Hyyro 2003, Myers' algorithm with transpositions): one pass over b
 * with a few word operations per letter, a ~2-5x gain over the table on the short words screening
 * compares millions of times. a holds 1 to 63 letters.
 */
static int osa_bits(const char *a, size_t la, const char *b, size_t lb)
{
	uint64_t peq[256];
	for (size_t i = 0; i < la; i++)
		peq[(unsigned char)a[i]] = 0;
	for (size_t j = 0; j < lb; j++)
		peq[(unsigned char)b[j]] = 0;
	for (size_t i = 0; i < la; i++)
		peq[(unsigned char)a[i]] |= (uint64_t)1 << i;
	uint64_t vp = ~(uint64_t)0, vn = 0, d0 = 0, pm_prev = 0, last = (uint64_t)1 << (la - 1);
	int score = (int)la;
	for (size_t j = 0; j < lb; j++) {
		uint64_t pm = peq[(unsigned char)b[j]];
		uint64_t tr = (((~d0) & pm) << 1) & pm_prev;
		d0 = (((pm & vp) + vp) ^ vp) | pm | vn | tr;
		uint64_t hp = vn | ~(d0 | vp), hn = d0 & vp;
		if (hp & last)
			score++;
		else if (hn & last)
			score--;
		uint64_t x = (hp << 1) | 1;
		vn = x & d0;
		vp = (hn << 1) | ~(x | d0);
		pm_prev = pm;
	}
	return score;
}

int em_osa_distance_within(const char *a, size_t la, const char *b, size_t lb, int max)
{
	trim_common(&a, &la, &b, &lb);
	if (max < 0)
		max = 0;
	size_t diff = la > lb ? la - lb : lb - la;
	if (diff > (size_t)max)
		return max + 1;
	if (la == 0 || lb == 0)
		return (int)(la + lb);
	/* What is left differs in its first and last letters: most pairs screening compares end
	 * here, without the bit-parallel pass. One edit leaves at most two letters a side (a
	 * letter replaced, added or dropped, two swapped), so more is beyond a bound of one. */
	if (max <= 1 && (la > 2 || lb > 2))
		return max + 1;
	int d;
	if (la <= 2 && lb <= 2)
		d = la == 1 && lb == 1 ? 1 : la == 2 && lb == 2 && a[0] == b[1] && a[1] == b[0] ? 1 : 2;
	else
		d = osa_bits(a, la, b, lb);
	return d > max ? max + 1 : d;
}
