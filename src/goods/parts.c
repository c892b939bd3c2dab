/*
 * parts.c: part numbers: reading them out of free text, and matching them tolerant of the
 * suffixes that only say how a part is packaged, graded or shipped.
 *
 * A part number is compared as a key of upper-case letters and digits ("STM32F405RGT6");
 * hyphens and slashes are dropped but their places remembered, since what follows one is
 * usually an ordering suffix ("NEO-M8N-0", "PIC16C65A-20/P"). Cyrillic and Greek letters that
 * look like Latin ones, as markings transcribed in Ukraine often have them ("МАХ2235"), are read
 * as the Latin letters. Free text is cut into tokens at spaces and punctuation; a token is a
 * candidate when it is long enough, has letters and digits and is not a package, unit or
 * interface name (part_stopwords.tsv). Tokens a marking splits ("TMS320 F28335PGFA",
 * "ADM 3222 ARUZ") are also tried joined.
 *
 * Two keys match exactly, by suffix (one is the other plus an ordering suffix: STM32F405RG +
 * T6) or as variants (a common base, different suffixes: STM32F405 + RGT6 / VGT6). A suffix
 * never cuts through a number (MAX203 is not MAX2035) and never starts a new model number
 * (STM32 + F405, TMS320 + C6713). The index is a sorted array of keys; a query looks up its
 * own prefixes, the keys it prefixes, and the keys sharing a long enough base.
 */
#include <stdlib.h>
#include <string.h>

#include "goods.h"

const char *goods_match_name(goods_match_kind k)
{
	switch (k) {
	case GOODS_PART_EXACT:
		return "exact";
	case GOODS_PART_SUFFIX:
		return "suffix";
	case GOODS_PART_VARIANT:
		return "variant";
	default:
		return "none";
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool bound_at(uint64_t b, size_t i)
{
	return i > 0 && i < 64 && ((b >> i) & 1);
}

/* ---- reading characters ---------------------------------------------------------------------- */

typedef enum { CH_PART, CH_SEP, CH_DROP, CH_BREAK, CH_SPACE } ch_class;

/* Cyrillic and Greek letters that markings use for the Latin ones they look like. */
static const struct {
	uint32_t cp;
	char latin;
} lookalikes[] = {
	{0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'},
	{0x0420, 'P'}, {0x0421, 'C'}, {0x0422, 'T'}, {0x0423, 'Y'}, {0x0425, 'X'}, {0x0406, 'I'}, {0x0408, 'J'},
	{0x0405, 'S'}, {0x0430, 'A'}, {0x0435, 'E'}, {0x043E, 'O'}, {0x0440, 'P'}, {0x0441, 'C'}, {0x0443, 'Y'},
	{0x0445, 'X'}, {0x0456, 'I'}, {0x0458, 'J'}, {0x0455, 'S'}, {0x043A, 'K'}, {0x043C, 'M'}, {0x0391, 'A'},
	{0x0392, 'B'}, {0x0395, 'E'}, {0x0396, 'Z'}, {0x0397, 'H'}, {0x0399, 'I'}, {0x039A, 'K'}, {0x039C, 'M'},
	{0x039D, 'N'}, {0x039F, 'O'}, {0x03A1, 'P'}, {0x03A4, 'T'}, {0x03A5, 'Y'}, {0x03A7, 'X'},
};

/* Decodes one UTF-8 character at s (valid UTF-8 assumed, checked by the caller); returns its
 * length and sets *cp. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && s[1]) {
		*cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
		*cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
		*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) | ((uint32_t)(s[2] & 0x3F) << 6) |
		      (s[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

/* What a character is to a part number; *out is the letter or digit for CH_PART. */
static ch_class classify(uint32_t cp, char *out, bool *lower)
{
	*lower = false;
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII */
		cp -= 0xFEE0;
	if (cp < 0x80) {
		char c = (char)cp;
		if (is_digit(c) || is_upper(c)) {
			*out = c;
			return CH_PART;
		}
		if (c >= 'a' && c <= 'z') {
			*out = (char)(c - 'a' + 'A');
			*lower = true;
			return CH_PART;
		}
		if (c == '-' || c == '/')
			return CH_SEP;
		if (c == '.')
			return CH_DROP;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			return CH_SPACE;
		return CH_BREAK;
	}
	if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
		return CH_SEP; /* hyphens, dashes, minus */
	if (cp == 0x00A0 || cp == 0x2009 || cp == 0x202F || cp == 0x3000)
		return CH_SPACE;
	for (size_t i = 0; i < sizeof lookalikes / sizeof lookalikes[0]; i++)
		if (lookalikes[i].cp == cp) {
			*out = lookalikes[i].latin;
			*lower = cp >= 0x0430 && cp <= 0x045F;
			return CH_PART;
		}
	return CH_BREAK;
}

/* ---- usable part numbers --------------------------------------------------------------------- */

bool goods_part_usable(const goods_partstop *ps, const goods_part *p)
{
	if (p->len < 4 || p->len > 40)
		return false;
	size_t letters = 0, digits = 0;
	for (size_t i = 0; i < p->len; i++) {
		if (is_digit(p->key[i]))
			digits++;
		else
			letters++;
	}
	if (!digits || (!letters && p->len < 7))
		return false; /* words; dates, quantities and lot numbers */
	size_t dummy;
	if (ps && em_strmap_get(&ps->words, p->key, &dummy))
		return false;
	/* letters then digits only: a package with its pin count, an interface (TQFP44, RS485) */
	size_t lead = 0;
	while (lead < p->len && !is_digit(p->key[lead]))
		lead++;
	if (ps && lead && lead + digits == p->len) {
		char head[GOODS_PART_MAX + 1];
		memcpy(head, p->key, lead);
		head[lead] = '\0';
		if (em_strmap_get(&ps->prefix_digits, head, &dummy))
			return false;
	}
	/* digits then letters only: a quantity with its unit (33V, 24GHZ, 16BIT) */
	size_t ld = 0;
	while (ld < p->len && is_digit(p->key[ld]))
		ld++;
	if (ps && ld && ld + letters == p->len && em_strmap_get(&ps->digits_unit, p->key + ld, &dummy))
		return false;
	return true;
}

/* ---- extraction --------------------------------------------------------------------------- */

/* One token as read: its key, where separators stood and what it looked like. */
typedef struct token {
	goods_part p;
	uint64_t slashes;   /* where a '/' stood (a subset of p.bounds) */
	bool too_long;
	bool has_lower;
	bool space_after;   /* only white space between it and the next token */
} token;

static void part_push(goods_part *out, size_t *n, size_t max, const goods_part *p)
{
	if (*n >= max)
		return;
	for (size_t i = 0; i < *n; i++)
		if (out[i].len == p->len && !memcmp(out[i].key, p->key, p->len))
			return;
	out[(*n)++] = *p;
}

/* Takes back a candidate pushed earlier from the same place in the text. */
static void part_drop(goods_part *out, size_t *n, const goods_part *p)
{
	for (size_t i = 0; i < *n; i++)
		if (out[i].at == p->at && out[i].len == p->len && !memcmp(out[i].key, p->key, p->len)) {
			memmove(out + i, out + i + 1, (*n - i - 1) * sizeof *out);
			(*n)--;
			return;
		}
}

static void push_usable(const goods_partstop *ps, goods_part *out, size_t *n, size_t max, const goods_part *p)
{
	if (goods_part_usable(ps, p))
		part_push(out, n, max, p);
}

/* The piece key[from, to) of a token as a part of its own. */
static void piece(const goods_part *src, size_t from, size_t to, goods_part *dst)
{
	dst->len = (unsigned char)(to - from);
	memcpy(dst->key, src->key + from, to - from);
	dst->key[to - from] = '\0';
	dst->bounds = from < 64 ? (src->bounds >> from) & ~(uint64_t)1 : 0;
	if (dst->len < 64)
		dst->bounds &= ((uint64_t)1 << dst->len) - 1;
	dst->at = src->at;
}

/* The candidates of one token: itself and, when it has slashes, each alternative. */
static void token_parts(const goods_partstop *ps, const token *t, goods_part *out, size_t *n, size_t max)
{
	if (t->too_long || !t->p.len)
		return;
	if (!t->slashes) {
		push_usable(ps, out, n, max, &t->p);
		return;
	}
	/* "RS232/V.28": an interface, not a part; "IRF4905S/L", "PIC16C65A-20/P": the whole and its pieces */
	size_t cut[66], nc = 0;
	cut[nc++] = 0;
	for (size_t i = 1; i < t->p.len && i < 64; i++)
		if ((t->slashes >> i) & 1)
			cut[nc++] = i;
	cut[nc++] = t->p.len;
	goods_part first;
	piece(&t->p, 0, cut[1], &first);
	size_t dummy;
	if (ps && em_strmap_get(&ps->words, first.key, &dummy))
		return;
	push_usable(ps, out, n, max, &t->p);
	for (size_t k = 0; k + 1 < nc; k++) {
		goods_part pc;
		piece(&t->p, cut[k], cut[k + 1], &pc);
		push_usable(ps, out, n, max, &pc);
	}
}

static bool letters_only(const goods_part *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (is_digit(p->key[i]))
			return false;
	return p->len > 0;
}

static bool has_letter(const goods_part *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (!is_digit(p->key[i]))
			return true;
	return false;
}

static bool digits_only(const goods_part *p)
{
	for (size_t i = 0; i < p->len; i++)
		if (!is_digit(p->key[i]))
			return false;
	return p->len > 0;
}

/* Digits and a unit ("24V", "100MHZ"): a quantity, which joins nothing. */
static bool quantity(const goods_partstop *ps, const goods_part *p)
{
	size_t d = 0, dummy;
	while (d < p->len && is_digit(p->key[d]))
		d++;
	return ps && d && d < p->len && em_strmap_get(&ps->digits_unit, p->key + d, &dummy);
}

/* Whether a marking split A and B that belong together ("TMS 320VC5416", "ATMEGA 328",
 * "AD7450 BR", "TMS320 F28335PGFA"); the joined key goes in *j. *family is set when A is only
 * the family of the device B names (TMS320), and so no part number of its own. */
static bool join(const goods_partstop *ps, const token *a, const token *b, token *j, bool *family)
{
	*family = false;
	const goods_part *A = &a->p, *B = &b->p;
	if (!a->space_after || a->too_long || b->too_long || !A->len || !B->len || A->len + B->len > GOODS_PART_MAX)
		return false;
	bool ok = false;
	if (letters_only(A) && !a->has_lower && A->len >= 2 && is_digit(B->key[0]) && !quantity(ps, B) &&
	    (A->len <= 4 || (A->len <= 6 && digits_only(B) && B->len >= 3)))
		ok = true; /* a family prefix written apart */
	else if (is_digit(A->key[A->len - 1]) && has_letter(A) && letters_only(B) && !b->has_lower && B->len <= 4)
		ok = true; /* a grade or package suffix written apart */
	else if (is_digit(A->key[A->len - 1]) && has_letter(A) && A->len <= 6 && B->len >= 2 && !is_digit(B->key[0]) &&
		 is_digit(B->key[1]))
		ok = *family = true; /* a family and its device written apart */
	if (!ok)
		return false;
	*j = *a;
	memcpy(j->p.key + A->len, B->key, B->len);
	j->p.len = (unsigned char)(A->len + B->len);
	j->p.key[j->p.len] = '\0';
	if (A->len < 64) {
		j->p.bounds = A->bounds | (B->bounds << A->len);
		j->slashes = a->slashes | (b->slashes << A->len);
	}
	j->has_lower = a->has_lower || b->has_lower;
	j->space_after = b->space_after;
	return true;
}

size_t goods_parts_extract(const goods_partstop *ps, const char *text, goods_part *out, size_t max)
{
	size_t n = 0;
	if (!text || !em_utf8_valid(text, strlen(text)))
		return 0;
	const unsigned char *s = (const unsigned char *)text;
	token cur, prev;
	bool have_prev = false, in_token = false;
	memset(&cur, 0, sizeof cur);
	memset(&prev, 0, sizeof prev);
	for (;;) {
		uint32_t cp = 0;
		size_t len = *s ? utf8_next(s, &cp) : 0;
		char c = 0;
		bool lower = false;
		ch_class cls = *s ? classify(cp, &c, &lower) : CH_BREAK;
		if (cls == CH_PART) {
			if (!in_token) {
				memset(&cur, 0, sizeof cur);
				cur.p.at = (size_t)(s - (const unsigned char *)text);
				in_token = true;
			}
			if (cur.p.len >= GOODS_PART_MAX)
				cur.too_long = true;
			else
				cur.p.key[cur.p.len++] = c;
			cur.has_lower |= lower;
		} else if (cls == CH_SEP && in_token) {
			if (cur.p.len < 64) {
				cur.p.bounds |= (uint64_t)1 << cur.p.len;
				if (cp == '/')
					cur.slashes |= (uint64_t)1 << cur.p.len;
			}
		} else if (cls == CH_DROP && in_token) {
			/* "3.3V", "CGGP.18.4": the dot goes, the token goes on */
		} else if (in_token || cls == CH_SPACE || cls == CH_BREAK) {
			if (in_token) {
				cur.p.key[cur.p.len] = '\0';
				/* a separator at the very end marks nothing */
				if (cur.p.len < 64) {
					cur.p.bounds &= ((uint64_t)1 << cur.p.len) - 1;
					cur.slashes &= ((uint64_t)1 << cur.p.len) - 1;
				}
				cur.space_after = cls == CH_SPACE;
				token_parts(ps, &cur, out, &n, max);
				token joined;
				bool family;
				if (have_prev && join(ps, &prev, &cur, &joined, &family)) {
					if (family)
						part_drop(out, &n, &prev.p);
					token_parts(ps, &joined, out, &n, max);
					prev = joined;
				} else {
					prev = cur;
				}
				have_prev = true;
				in_token = false;
			} else if (cls == CH_BREAK) {
				have_prev = false; /* "A, B": punctuation keeps tokens apart */
			}
		}
		if (!*s)
			break;
		s += len;
	}
	return n;
}

bool goods_part_whole(const goods_partstop *ps, const char *text, goods_part *out)
{
	memset(out, 0, sizeof *out);
	if (!text || !em_utf8_valid(text, strlen(text)))
		return false;
	const unsigned char *s = (const unsigned char *)text;
	while (*s) {
		uint32_t cp;
		size_t len = utf8_next(s, &cp);
		char c;
		bool lower;
		switch (classify(cp, &c, &lower)) {
		case CH_PART:
			if (out->len >= GOODS_PART_MAX)
				return false;
			out->key[out->len++] = c;
			break;
		case CH_SEP:
			if (out->len && out->len < 64)
				out->bounds |= (uint64_t)1 << out->len;
			break;
		case CH_DROP:
		case CH_SPACE:
			break;
		case CH_BREAK:
			return false;
		}
		s += len;
	}
	out->key[out->len] = '\0';
	if (out->len < 64)
		out->bounds &= ((uint64_t)1 << out->len) - 1;
	return goods_part_usable(ps, out);
}

/* ---- comparing --------------------------------------------------------------------------- */

static void count_kinds(const char *k, size_t n, size_t *letters, size_t *digits)
{
	*letters = *digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_digit(k[i]))
			(*digits)++;
		else
			(*letters)++;
	}
}

/* Whether a key is specific enough for longer keys to be taken as it plus a suffix. */
static bool specific(const goods_part *s)
{
	size_t l, d;
	count_kinds(s->key, s->len, &l, &d);
	if (!l || !d)
		return false;
	return (s->len >= 5 && d >= 2) || s->len >= 6;
}

/*
 * Whether x[p..] reads as an ordering suffix after its first p characters. A number is never
 * cut in two (MAX203 / MAX2035). While the first part has few digits it may be only a family
 * (STM32, TMS320, STM32F), so a new number after it starts another device (STM32 + F405,
 * TMS320 + C6713, STM32F + 405); once it has four digits or more the device is named, and what
 * follows is ordering detail (IDT71016 + S12YG: speed grade and package).
 */
static bool suffix_ok(const goods_part *x, size_t p)
{
	size_t r = x->len - p;
	if (r == 0 || r > 10 || p == 0)
		return false;
	if (bound_at(x->bounds, p))
		return true; /* "NEO-M8N" + "-0", "PIC16C65A" + "-20/P" */
	const char *k = x->key;
	if (is_digit(k[p]) && is_digit(k[p - 1]))
		return false;
	/* nor a word after a hyphen (ESP32-WROOM / ESP32-WROVER) */
	size_t b = p;
	while (b > 0 && !bound_at(x->bounds, b) && !is_digit(k[b - 1]))
		b--;
	if (!is_digit(k[p]) && b > 0 && b < p && bound_at(x->bounds, b))
		return false;
	size_t letters, digits;
	count_kinds(k, p, &letters, &digits);
	if (digits >= 4)
		return true;
	if (is_digit(k[p]))
		return !(r >= 2 && is_digit(k[p + 1]));
	return !(r >= 3 && is_digit(k[p + 1]) && is_digit(k[p + 2]));
}

/* Whether q's first p characters are a base that variants can share (STM32F405, TMP36G). */
static bool variant_base(const goods_part *q, size_t p)
{
	size_t l, d;
	count_kinds(q->key, p, &l, &d);
	return p >= 5 && l >= 1 && (d >= 3 || (d >= 2 && p >= 6));
}

goods_match_kind goods_part_compare(const goods_part *q, const goods_part *k)
{
	size_t p = 0;
	while (p < q->len && p < k->len && q->key[p] == k->key[p])
		p++;
	if (p == q->len && p == k->len)
		return GOODS_PART_EXACT;
	if (p == q->len || p == k->len) {
		const goods_part *shorter = p == q->len ? q : k, *longer = p == q->len ? k : q;
		return specific(shorter) && suffix_ok(longer, p) ? GOODS_PART_SUFFIX : GOODS_PART_NONE;
	}
	if (!variant_base(q, p))
		return GOODS_PART_NONE;
	if ((q->len - p > 8 && !bound_at(q->bounds, p)) || (k->len - p > 8 && !bound_at(k->bounds, p)))
		return GOODS_PART_NONE;
	return suffix_ok(q, p) && suffix_ok(k, p) ? GOODS_PART_VARIANT : GOODS_PART_NONE;
}

/* ---- the index ----------------------------------------------------------------------------- */

typedef struct goods_part_pending {
	const char *key;
	unsigned char len;
	uint64_t bounds;
	uint32_t row;
} goods_part_pending;

int goods_index_add(goods_part_index *ix, const goods_part *p, uint32_t row, em_arena *arena)
{
	if (ix->n_pending == ix->cap_pending) {
		size_t cap = ix->cap_pending ? ix->cap_pending * 2 : 1024;
		goods_part_pending *q = realloc(ix->pending, cap * sizeof *q);
		if (!q)
			return em_fail(EM_ENOMEM, "out of memory indexing part numbers");
		ix->pending = q;
		ix->cap_pending = cap;
	}
	const char *key = em_arena_strndup(arena, p->key, p->len);
	if (!key)
		return em_fail(EM_ENOMEM, "out of memory indexing part numbers");
	ix->pending[ix->n_pending++] = (goods_part_pending){key, p->len, p->bounds, row};
	return 0;
}

static int pending_cmp(const void *a, const void *b)
{
	const goods_part_pending *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

int goods_index_finish(goods_part_index *ix)
{
	qsort(ix->pending, ix->n_pending, sizeof *ix->pending, pending_cmp);
	ix->entries = calloc(ix->n_pending ? ix->n_pending : 1, sizeof *ix->entries);
	ix->rows = calloc(ix->n_pending ? ix->n_pending : 1, sizeof *ix->rows);
	if (!ix->entries || !ix->rows)
		return em_fail(EM_ENOMEM, "out of memory indexing part numbers");
	ix->n = ix->n_rows = 0;
	for (size_t i = 0; i < ix->n_pending; i++) {
		const goods_part_pending *p = &ix->pending[i];
		goods_part_entry *e = ix->n ? &ix->entries[ix->n - 1] : NULL;
		if (!e || strcmp(e->key, p->key) != 0) {
			e = &ix->entries[ix->n++];
			e->key = p->key;
			e->len = p->len;
			e->bounds = 0;
			e->first = (uint32_t)ix->n_rows;
			e->count = 0;
		}
		e->bounds |= p->bounds; /* "NEO-M8N" and "NEOM8N" are one key */
		if (e->count && ix->rows[ix->n_rows - 1] == p->row)
			continue;
		ix->rows[ix->n_rows++] = p->row;
		e->count++;
	}
	free(ix->pending);
	ix->pending = NULL;
	ix->n_pending = ix->cap_pending = 0;
	return 0;
}

void goods_index_free(goods_part_index *ix)
{
	free(ix->entries);
	free(ix->rows);
	free(ix->pending);
	memset(ix, 0, sizeof *ix);
}

/* The first entry whose key is >= s. */
static size_t lower_bound(const goods_part_index *ix, const char *s)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->entries[mid].key, s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void entry_part(const goods_part_entry *e, goods_part *p)
{
	memcpy(p->key, e->key, e->len);
	p->key[e->len] = '\0';
	p->len = e->len;
	p->bounds = e->bounds;
	p->at = 0;
}

static void try_entry(const goods_part_index *ix, size_t i, const goods_part *q, goods_hit_fn fn, void *ctx,
		      goods_match_kind want)
{
	goods_part k;
	entry_part(&ix->entries[i], &k);
	goods_match_kind kind = goods_part_compare(q, &k);
	if (kind != GOODS_PART_NONE && (want == GOODS_PART_NONE || kind == want))
		fn(ctx, &ix->entries[i], kind);
}

void goods_index_find(const goods_part_index *ix, const goods_part *q, goods_hit_fn fn, void *ctx)
{
	if (!ix->n || q->len < 4)
		return;
	char buf[GOODS_PART_MAX + 1];
	/* the query itself and the keys it extends (STM32F405RGT6 finds STM32F405RG) */
	for (size_t l = q->len; l >= 4; l--) {
		memcpy(buf, q->key, l);
		buf[l] = '\0';
		size_t i = lower_bound(ix, buf);
		if (i < ix->n && !strcmp(ix->entries[i].key, buf))
			try_entry(ix, i, q, fn, ctx, GOODS_PART_NONE);
	}
	/* the keys that extend the query (TMS320F28335 finds TMS320F28335PGFA) */
	for (size_t i = lower_bound(ix, q->key); i < ix->n && !strncmp(ix->entries[i].key, q->key, q->len); i++)
		if (ix->entries[i].len > q->len)
			try_entry(ix, i, q, fn, ctx, GOODS_PART_NONE);
	/* the keys that share a base and differ after it (STM32F405VGT6 finds STM32F405RGT6) */
	for (size_t p = q->len - 1; p >= 5; p--) {
		if (!variant_base(q, p) || !suffix_ok(q, p) || (q->len - p > 8 && !bound_at(q->bounds, p)))
			continue; /* no key can be a variant of q on this base */
		memcpy(buf, q->key, p);
		buf[p] = '\0';
		for (size_t i = lower_bound(ix, buf); i < ix->n && !strncmp(ix->entries[i].key, buf, p); i++) {
			const goods_part_entry *e = &ix->entries[i];
			if (e->len > p && e->key[p] != q->key[p])
				try_entry(ix, i, q, fn, ctx, GOODS_PART_VARIANT);
		}
	}
}
