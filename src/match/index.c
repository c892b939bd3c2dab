/*
 * index.c: building the screening index from lists. Two passes over the names: the first
 * collects terms and counts how many names hold each (document frequency, for rarity weights),
 * the second lays out posting lists; the lookup maps (phonetic key with one-letter deletions,
 * skeleton, identifiers) are built last as sorted pair arrays grouped by key.
 */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

/* ---- multimap building: collect (key, value) pairs, then group ------------------------ */

typedef struct pair_vec {
	const char **keys;
	uint32_t *vals;
	size_t n, cap;
} pair_vec;

static int pair_push(pair_vec *v, const char *key, uint32_t val)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4096;
		const char **k = realloc(v->keys, cap * sizeof *k);
		if (!k)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		v->keys = k;
		uint32_t *p = realloc(v->vals, cap * sizeof *p);
		if (!p)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		v->vals = p;
		v->cap = cap;
	}
	v->keys[v->n] = key;
	v->vals[v->n++] = val;
	return 0;
}

static void pair_free(pair_vec *v)
{
	free(v->keys);
	free(v->vals);
	memset(v, 0, sizeof *v);
}

/* Groups pairs by key (keys must be arena strings that outlive the map). */
static int multimap_build(em_multimap *m, pair_vec *v)
{
	memset(m, 0, sizeof *m);
	size_t *group = malloc((v->n + 1) * sizeof *group);
	uint32_t *count = calloc(v->n + 1, sizeof *count);
	if (!group || !count) {
		free(group);
		free(count);
		return em_fail(EM_ENOMEM, "out of memory building the index");
	}
	if (em_strmap_reserve(&m->keys, v->n))
		goto oom;
	for (size_t i = 0; i < v->n; i++) {
		size_t g;
		bool found;
		if (em_strmap_get_or_put(&m->keys, v->keys[i], m->n_groups, &g, &found))
			goto oom;
		if (!found)
			m->n_groups++;
		group[i] = g;
		count[g]++;
	}
	m->starts = malloc((m->n_groups + 1) * sizeof *m->starts);
	m->vals = malloc((v->n ? v->n : 1) * sizeof *m->vals);
	if (!m->starts || !m->vals)
		goto oom;
	uint32_t acc = 0;
	for (size_t g = 0; g < m->n_groups; g++) {
		m->starts[g] = acc;
		acc += count[g];
		count[g] = m->starts[g];
	}
	m->starts[m->n_groups] = acc;
	for (size_t i = 0; i < v->n; i++) {
		uint32_t *slot = &m->vals[count[group[i]]];
		/* Skip a value repeated in one group (one name holding a term twice). */
		if (count[group[i]] > m->starts[group[i]] && slot[-1] == v->vals[i]) {
			continue;
		}
		*slot = v->vals[i];
		count[group[i]]++;
	}
	/* Groups may have shrunk through skipped repeats: compact. */
	uint32_t w = 0;
	for (size_t g = 0; g < m->n_groups; g++) {
		uint32_t s = m->starts[g], e = (uint32_t)count[g];
		m->starts[g] = w;
		for (uint32_t k = s; k < e; k++)
			m->vals[w++] = m->vals[k];
	}
	m->starts[m->n_groups] = w;
	free(group);
	free(count);
	return 0;
oom:
	free(group);
	free(count);
	return em_fail(EM_ENOMEM, "out of memory building the index");
}

static void multimap_free(em_multimap *m)
{
	em_strmap_free(&m->keys);
	free(m->starts);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ---- key maps: (hash, value) pairs, grouped by hash ------------------------------------- */

typedef struct hash_vec {
	uint64_t *hash;
	uint32_t *vals;
	size_t n, cap;
} hash_vec;

/*
 * A polynomial hash of the letters, then a finalizer (MurmurHash3's fmix64) so that the low bits
 * pick slots well; never 0. Polynomial, so that the hashes of a key's one-letter deletions come
 * from its prefix and suffix hashes in a multiply and an add each (em_keymap_deletion_hashes).
 */
#define KEY_BASE 0x100000001B3ULL

static uint64_t key_finish(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

uint64_t em_keymap_hash(const char *key, size_t len)
{
	uint64_t h = 0;
	for (size_t i = 0; i < len; i++)
		h = h * KEY_BASE + (unsigned char)key[i];
	return key_finish(h);
}

size_t em_keymap_deletion_hashes(const char *key, size_t len, bool distinct, uint64_t *out)
{
	size_t n = 0;
	out[n++] = em_keymap_hash(key, len);
	if (len < 4 || len > EM_KEYMAP_KEY_MAX)
		return n;
	/* pre[i]: the hash of key[0 .. i); suf[i]: of key[i .. len) as the end of a longer key. */
	uint64_t pre[EM_KEYMAP_KEY_MAX + 1], suf[EM_KEYMAP_KEY_MAX + 1], pw[EM_KEYMAP_KEY_MAX + 1];
	pre[0] = 0;
	pw[0] = 1;
	for (size_t i = 0; i < len; i++) {
		pre[i + 1] = pre[i] * KEY_BASE + (unsigned char)key[i];
		pw[i + 1] = pw[i] * KEY_BASE;
	}
	suf[len] = 0;
	for (size_t i = len; i-- > 0;)
		suf[i] = (unsigned char)key[i] * pw[len - 1 - i] + suf[i + 1];
	for (size_t i = 0; i < len; i++) {
		if (distinct && i > 0 && key[i] == key[i - 1])
			continue;
		out[n++] = key_finish(pre[i] * pw[len - 1 - i] + suf[i + 1]);
	}
	return n;
}

static int hash_push(hash_vec *v, uint64_t hash, uint32_t val)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4096;
		uint64_t *h = realloc(v->hash, cap * sizeof *h);
		if (!h)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		v->hash = h;
		uint32_t *p = realloc(v->vals, cap * sizeof *p);
		if (!p)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		v->vals = p;
		v->cap = cap;
	}
	v->hash[v->n] = hash;
	v->vals[v->n++] = val;
	return 0;
}

static void hash_vec_free(hash_vec *v)
{
	free(v->hash);
	free(v->vals);
	memset(v, 0, sizeof *v);
}

/* A key and its one-letter deletions (deleting either of two equal letters gives one key). */
static int push_deletions(hash_vec *v, const char *key, size_t len, uint32_t val)
{
	uint64_t h[EM_KEYMAP_KEY_MAX + 1];
	size_t n = em_keymap_deletion_hashes(key, len, true, h);
	int rc = 0;
	for (size_t k = 0; k < n && !rc; k++)
		rc = hash_push(v, h[k], val);
	return rc;
}

static uint32_t key_tag(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1u;
}

/* The slot holding hash h, or the empty one where it would go (the map is never full). */
static size_t keymap_slot(const em_keymap *m, uint64_t h)
{
	size_t j = (size_t)h & (m->cap - 1);
	uint32_t tag = key_tag(h);
	while (m->slots[j].tag && m->slots[j].tag != tag)
		j = (j + 1) & (m->cap - 1);
	return j;
}

/* Groups the pairs by hash: count, lay the groups out, fill (a value repeated in a row once). */
static int keymap_build(em_keymap *m, const hash_vec *v)
{
	memset(m, 0, sizeof *m);
	m->cap = 16;
	while (m->cap < v->n * 2)
		m->cap *= 2;
	m->slots = calloc(m->cap, sizeof *m->slots);
	uint32_t *at = malloc((v->n ? v->n : 1) * sizeof *at);
	m->vals = malloc((v->n ? v->n : 1) * sizeof *m->vals);
	if (!m->slots || !at || !m->vals) {
		free(at);
		return em_fail(EM_ENOMEM, "out of memory building the index");
	}
	for (size_t i = 0; i < v->n; i++) {
		size_t j = keymap_slot(m, v->hash[i]);
		m->slots[j].tag = key_tag(v->hash[i]);
		m->slots[j].count++;
		at[i] = (uint32_t)j;
	}
	uint32_t acc = 0;
	for (size_t j = 0; j < m->cap; j++) {
		m->slots[j].start = acc;
		acc += m->slots[j].count;
		m->slots[j].count = 0;
	}
	for (size_t i = 0; i < v->n; i++) {
		em_keyslot *sl = &m->slots[at[i]];
		if (sl->count && m->vals[sl->start + sl->count - 1] == v->vals[i])
			continue; /* one name holding a term twice, or two keys of one term alike */
		m->vals[sl->start + sl->count++] = v->vals[i];
	}
	/* Most keys (deletions above all) have one value: keep it in the slot, a memory access less. */
	for (size_t j = 0; j < m->cap; j++)
		if (m->slots[j].count == 1)
			m->slots[j].start = m->vals[m->slots[j].start];
	m->n_vals = v->n;
	free(at);
	return 0;
}

static void keymap_free(em_keymap *m)
{
	free(m->slots);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

const uint32_t *em_keymap_get_hash(const em_keymap *m, uint64_t h, size_t *n)
{
	*n = 0;
	if (!m->cap)
		return NULL;
	const em_keyslot *sl = &m->slots[keymap_slot(m, h)];
	if (!sl->tag)
		return NULL;
	*n = sl->count;
	return sl->count == 1 ? &sl->start : m->vals + sl->start;
}

const uint32_t *em_keymap_get(const em_keymap *m, const char *key, size_t len, size_t *n)
{
	return em_keymap_get_hash(m, em_keymap_hash(key, len), n);
}

const uint32_t *em_multimap_get(const em_multimap *m, const char *key, size_t *n)
{
	size_t g;
	if (!em_strmap_get(&m->keys, key, &g)) {
		*n = 0;
		return NULL;
	}
	*n = m->starts[g + 1] - m->starts[g];
	return m->vals + m->starts[g];
}

uint64_t em_run_mask(const uint8_t *lens, size_t n)
{
	uint64_t m = 0;
	for (size_t np = 2; np <= 3; np++)
		for (size_t j = 0; j + np <= n; j++) {
			unsigned total = 0;
			for (size_t k = 0; k < np; k++)
				total += lens[j + k];
			m |= (uint64_t)1 << (total < 63 ? total : 63);
		}
	return m;
}

size_t em_id_normalize(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (; *in && o + 1 < cap; in++) {
		char c = *in;
		if (c >= 'a' && c <= 'z')
			out[o++] = (char)(c - 32);
		else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

/* ---- building --------------------------------------------------------------------------- */

void em_screener_free(em_screener *s)
{
	if (!s)
		return;
	free(s->entities);
	free(s->names);
	free(s->term_vocab);
	free(s->term_family);
	free(s->term_orig);
	free(s->term_skel);
	free(s->term_orig_len);
	free(s->term_first);
	free(s->term_skel_len);
	free(s->term_weight);
	free(s->term_skel_hash);
	free(s->name_runs);
	free(s->vocab);
	free(s->postings);
	free(s->legal_vocab);
	em_strmap_free(&s->by_text);
	free(s->text_filter);
	keymap_free(&s->by_phon);
	keymap_free(&s->by_skel);
	multimap_free(&s->by_id);
	em_arena_free(&s->arena);
	free(s);
}

static int add_vocab(em_screener *s, const em_term *t, size_t *cap, uint32_t *id)
{
	size_t v;
	if (em_strmap_get(&s->by_text, t->text, &v)) {
		*id = (uint32_t)v;
		return 0;
	}
	if (s->n_vocab == *cap) {
		*cap = *cap ? *cap * 2 : 8192;
		em_vocab *p = realloc(s->vocab, *cap * sizeof *p);
		if (!p)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->vocab = p;
	}
	em_vocab *e = &s->vocab[s->n_vocab];
	memset(e, 0, sizeof *e);
	char buf[EM_TEXT_MAX_TOKEN * 2];
	e->text = em_arena_strndup(&s->arena, t->text, t->len);
	size_t pl = em_text_phonetic(t->text, t->len, buf, sizeof buf);
	e->phon = em_arena_strndup(&s->arena, buf, pl);
	size_t sl = em_text_skeleton(t->text, t->len, buf, sizeof buf);
	e->skel = em_arena_strndup(&s->arena, buf, sl);
	if (!e->text || !e->phon || !e->skel)
		return em_fail(EM_ENOMEM, "out of memory building the index");
	e->len = t->len;
	e->plen = (uint8_t)pl;
	e->slen = (uint8_t)sl;
	e->cls = t->cls;
	e->weight = t->factor; /* factor for now; the rarity weight is applied once counts are known */
	if (em_strmap_put(&s->by_text, e->text, s->n_vocab))
		return EM_ENOMEM;
	*id = (uint32_t)s->n_vocab++;
	return 0;
}

static int grow_names(em_screener *s, size_t *cap_names, size_t *cap_terms, size_t more_terms)
{
	if (s->n_names == *cap_names) {
		*cap_names = *cap_names ? *cap_names * 2 : 16384;
		em_iname *p = realloc(s->names, *cap_names * sizeof *p);
		if (!p)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->names = p;
	}
	while (s->n_terms + more_terms > *cap_terms) {
		*cap_terms = *cap_terms ? *cap_terms * 2 : 65536;
		uint32_t *p = realloc(s->term_vocab, *cap_terms * sizeof *p);
		if (!p)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_vocab = p;
		uint8_t *f = realloc(s->term_family, *cap_terms);
		if (!f)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_family = f;
		const char **o = realloc(s->term_orig, *cap_terms * sizeof *o);
		if (!o)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_orig = o;
		const char **k = realloc(s->term_skel, *cap_terms * sizeof *k);
		if (!k)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_skel = k;
		uint8_t *ol = realloc(s->term_orig_len, *cap_terms);
		if (!ol)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_orig_len = ol;
		char *fc = realloc(s->term_first, *cap_terms);
		if (!fc)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_first = fc;
		uint8_t *sl = realloc(s->term_skel_len, *cap_terms);
		if (!sl)
			return em_fail(EM_ENOMEM, "out of memory building the index");
		s->term_skel_len = sl;
	}
	return 0;
}

/*
 * A name with a part in parentheses (an acronym, the name in its own script, a former name:
 * "MUHAMMAD JAMAL NETWORK (MJN)", "Jin Tiesan (金铁三)") is also indexed without it, so that
 * whoever writes the name alone is not held to the aside. Returns 1 when `out` holds such a form.
 */
static int without_parentheses(const char *name, char *out, size_t cap)
{
	if (!strchr(name, '('))
		return 0;
	size_t o = 0, depth = 0, kept = 0;
	for (const char *p = name; *p; p++) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth) {
			depth--;
		} else if (!depth) {
			if (o + 1 >= cap)
				return 0;
			out[o++] = *p;
			kept += (*p != ' ' && *p != '-' && *p != ',');
		}
	}
	out[o] = '\0';
	return depth == 0 && kept >= 2;
}

/* Adds one name of entity `ei` to the index, read from `text` (the name, or a form of it). */
static int index_name(em_screener *s, uint32_t ei, size_t name_idx, const char *text, bool derived,
		      size_t *cap_vocab, size_t *cap_names, size_t *cap_terms)
{
	const em_name *nm = &s->entities[ei]->names[name_idx];
	em_terms terms;
	bool person = s->entities[ei]->type == EM_ENTITY_PERSON;
	em_terms_from_name(text, person ? nm->family : NULL, person ? EM_TERMS_PERSON : 0, &terms);
	if (terms.n == 0)
		return 0;
	if (terms.n > 255)
		terms.n = 255;
	int rc = grow_names(s, cap_names, cap_terms, terms.n);
	if (rc)
		return rc;
	em_iname *n = &s->names[s->n_names];
	n->entity = ei;
	n->name_idx = (uint16_t)(name_idx < 65535 ? name_idx : 65535);
	n->n_terms = (uint8_t)terms.n;
	n->kind = (uint8_t)nm->kind;
	n->terms = (uint32_t)s->n_terms;
	n->total_weight = 0;
	n->derived = derived;
	/* For a person whose family name is known, given names after the first are middle names. */
	bool has_family = false, first_given_seen = false;
	for (size_t i = 0; i < terms.n; i++)
		has_family |= terms.t[i].family;
	for (size_t i = 0; i < terms.n; i++) {
		uint32_t v = 0;
		if ((rc = add_vocab(s, &terms.t[i], cap_vocab, &v)))
			return rc;
		uint8_t flags = terms.t[i].family ? EM_TERM_FLAG_FAMILY : 0;
		if (has_family && !terms.t[i].family && terms.t[i].cls == EM_TERM_NAME &&
		    s->entities[ei]->type == EM_ENTITY_PERSON) {
			if (first_given_seen)
				flags |= EM_TERM_FLAG_MIDDLE;
			first_given_seen = true;
		}
		s->term_vocab[s->n_terms] = v;
		s->term_family[s->n_terms] = flags;
		s->term_orig[s->n_terms] = strcmp(terms.t[i].orig, s->vocab[v].text) == 0
						   ? s->vocab[v].text
						   : em_arena_strndup(&s->arena, terms.t[i].orig, terms.t[i].orig_len);
		if (!s->term_orig[s->n_terms])
			return em_fail(EM_ENOMEM, "out of memory building the index");
		if (s->term_orig[s->n_terms] == s->vocab[v].text) {
			s->term_skel[s->n_terms] = s->vocab[v].skel;
		} else {
			char sk[EM_TEXT_MAX_TOKEN * 2];
			size_t sl = em_text_skeleton(terms.t[i].orig, terms.t[i].orig_len, sk, sizeof sk);
			s->term_skel[s->n_terms] = em_arena_strndup(&s->arena, sk, sl);
			if (!s->term_skel[s->n_terms])
				return em_fail(EM_ENOMEM, "out of memory building the index");
		}
		s->term_orig_len[s->n_terms] = (uint8_t)strlen(s->term_orig[s->n_terms]);
		s->term_first[s->n_terms] = s->term_orig[s->n_terms][0];
		s->term_skel_len[s->n_terms] = (uint8_t)strlen(s->term_skel[s->n_terms]);
		s->n_terms++;
	}
	s->n_names++;
	return 0;
}


static void *prepare_text(void *arg)
{
	(void)arg;
	em_text_prepare();
	return NULL;
}

/* The signature (em_skel_sig) of the skeletons of a name's runs of two or three terms written
 * together, as join_skeleton_agrees in screen.c compares them: articles left in, and out. */
static uint64_t run_skeleton_signature(const em_screener *s, const em_iname *nm)
{
	uint64_t sig = 0;
	char buf[EM_TEXT_MAX_TOKEN * 6 + 4];
	for (size_t st = 0; st + 1 < nm->n_terms; st++)
		for (size_t np = 2; np <= 3 && st + np <= nm->n_terms; np++)
			for (int assimilate = 0; assimilate < 2; assimilate++) {
				size_t o = 0;
				for (size_t k = 0; k < np; k++) {
					size_t t = nm->terms + st + k, sl = s->term_skel_len[t];
					if (assimilate && k + 1 < np && em_assimilated_article(s->term_orig[t], s->term_orig[t + 1]))
						continue;
					if (o + sl >= sizeof buf)
						return ~(uint64_t)0; /* too long to spell out: any skeleton may fit */
					memcpy(buf + o, s->term_skel[t], sl);
					o += sl;
				}
				sig |= em_skel_sig((uint32_t)em_hash_bytes(buf, o));
			}
	return sig;
}

/*
 * The signatures of a name's runs of two or three terms spelt together (em_name_runs): of the
 * spellings of four to six letters, and of the first and last three letters of those of six or
 * more. A run with an empty term, or longer than screen.c's concat_parts spells, joins nothing.
 */
static void run_text_signatures(const em_screener *s, const em_iname *nm, uint64_t *text_sig, uint64_t *affix_sig)
{
	char buf[EM_TEXT_MAX_TOKEN * 3 + 4];
	*text_sig = *affix_sig = 0;
	for (size_t st = 0; st + 1 < nm->n_terms; st++)
		for (size_t np = 2; np <= 3 && st + np <= nm->n_terms; np++) {
			size_t o = 0;
			bool spelt = true;
			for (size_t k = 0; k < np && spelt; k++) {
				size_t t = nm->terms + st + k, len = s->term_orig_len[t];
				spelt = len > 0 && o + len + 1 <= sizeof buf;
				if (spelt) {
					memcpy(buf + o, s->term_orig[t], len);
					o += len;
				}
			}
			if (spelt && o >= 4 && o < EM_JOIN_EXACT_BELOW)
				*text_sig |= em_skel_sig((uint32_t)em_hash_bytes(buf, o));
			if (spelt && o >= EM_JOIN_EXACT_BELOW - 1)
				*affix_sig |= em_affix_sigs(buf, o);
		}
}

/* Whether any name needs more than ASCII (and so ICU, or its folding table). */
static bool any_non_ascii(const em_screener *s)
{
	for (size_t ei = 0; ei < s->n_entities; ei++)
		for (size_t k = 0; k < s->entities[ei]->n_names; k++)
			for (const unsigned char *p = (const unsigned char *)s->entities[ei]->names[k].full; *p; p++)
				if (*p >= 0x80)
					return true;
	return false;
}

int em_screener_new(em_screener **out, const em_list *const *lists, size_t n_lists)
{
	*out = NULL;
	int rc = em_knowledge_init();
	if (rc)
		return rc;
	em_screener *s = calloc(1, sizeof *s);
	if (!s)
		return em_fail(EM_ENOMEM, "out of memory");
	static atomic_uint_fast64_t serials;
	s->serial = atomic_fetch_add(&serials, 1) + 1;
	em_arena_init(&s->arena);
	size_t total = 0;
	for (size_t l = 0; l < n_lists; l++)
		total += em_list_count(lists[l]);
	s->entities = malloc((total ? total : 1) * sizeof *s->entities);
	if (!s->entities) {
		em_screener_free(s);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	for (size_t l = 0; l < n_lists; l++)
		for (size_t i = 0; i < em_list_count(lists[l]); i++)
			s->entities[s->n_entities++] = em_list_entity(lists[l], i);

	/* ICU takes 10 to 25 ms to set itself up in a fresh process: on another core, while this one
	 * indexes the ASCII names (the first name that needs ICU waits for it). */
	pthread_t preparer;
	bool preparing = any_non_ascii(s) && pthread_create(&preparer, NULL, prepare_text, NULL) == 0;
	size_t cap_vocab = 0, cap_names = 0, cap_terms = 0;
	for (size_t ei = 0; ei < s->n_entities && !rc; ei++) {
		const em_entity *e = s->entities[ei];
		for (size_t k = 0; k < e->n_names && !rc; k++) {
			rc = index_name(s, (uint32_t)ei, k, e->names[k].full, false, &cap_vocab, &cap_names, &cap_terms);
			char bare[1024];
			if (!rc && without_parentheses(e->names[k].full, bare, sizeof bare))
				rc = index_name(s, (uint32_t)ei, k, bare, true, &cap_vocab, &cap_names, &cap_terms);
		}
	}
	if (preparing)
		pthread_join(preparer, NULL);
	if (rc)
		goto fail;

	/* Document frequencies, then posting lists laid out by prefix sums. Rarity counts listed
	 * names only, not their second forms (they would count a term twice). */
	uint32_t *listed_df = calloc(s->n_vocab ? s->n_vocab : 1, sizeof *listed_df);
	size_t n_listed = 0;
	if (!listed_df) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t n = 0; n < s->n_names; n++) {
		const em_iname *nm = &s->names[n];
		n_listed += !nm->derived;
		for (size_t t = 0; t < nm->n_terms; t++) {
			uint32_t v = s->term_vocab[nm->terms + t];
			bool seen = false;
			for (size_t u = 0; u < t; u++)
				seen |= s->term_vocab[nm->terms + u] == v;
			if (!seen) {
				s->vocab[v].df++;
				listed_df[v] += !nm->derived;
			}
		}
	}
	size_t acc = 0;
	for (size_t v = 0; v < s->n_vocab; v++) {
		s->vocab[v].post_start = (uint32_t)acc;
		acc += s->vocab[v].df;
	}
	s->postings = malloc((acc ? acc : 1) * sizeof *s->postings);
	uint32_t *fill = calloc(s->n_vocab ? s->n_vocab : 1, sizeof *fill);
	if (!s->postings || !fill) {
		free(fill);
		free(listed_df);
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t n = 0; n < s->n_names; n++) {
		const em_iname *nm = &s->names[n];
		for (size_t t = 0; t < nm->n_terms; t++) {
			uint32_t v = s->term_vocab[nm->terms + t];
			if (fill[v] && s->postings[s->vocab[v].post_start + fill[v] - 1] == n)
				continue;
			s->postings[s->vocab[v].post_start + fill[v]++] = (uint32_t)n;
		}
	}
	free(fill);

	/* Rarity weights: inverse document frequency over names. */
	double N = (double)(n_listed ? n_listed : 1);
	s->unknown_weight = (float)log(1.0 + N);
	for (size_t v = 0; v < s->n_vocab; v++) {
		em_vocab *e = &s->vocab[v];
		double idf = log(1.0 + N / (double)(listed_df[v] ? listed_df[v] : 1));
		if (e->cls == EM_TERM_NAME)
			e->weight = (float)idf;
		else
			e->weight = e->weight * 3.0f; /* factor times a typical weight */
	}
	free(listed_df);
	s->name_runs = malloc((s->n_names ? s->n_names : 1) * sizeof *s->name_runs);
	if (!s->name_runs) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	s->term_weight = malloc((s->n_terms ? s->n_terms : 1) * sizeof *s->term_weight);
	if (!s->term_weight) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	s->term_skel_hash = malloc((s->n_terms ? s->n_terms : 1) * sizeof *s->term_skel_hash);
	if (!s->term_skel_hash) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t t = 0; t < s->n_terms; t++) {
		s->term_weight[t] = s->vocab[s->term_vocab[t]].weight;
		s->term_skel_hash[t] = (uint32_t)em_hash_bytes(s->term_skel[t], s->term_skel_len[t]);
	}
	for (size_t n = 0; n < s->n_names; n++) {
		em_iname *nm = &s->names[n];
		double halves = 0;
		for (size_t t = 0; t < nm->n_terms; t++) {
			nm->total_weight += s->term_weight[nm->terms + t];
			if (s->term_family[nm->terms + t] & (EM_TERM_FLAG_MIDDLE | EM_TERM_FLAG_FAMILY))
				halves += 0.5 * s->term_weight[nm->terms + t];
		}
		nm->least_weight = (float)(nm->total_weight - halves);
		em_name_runs *r = &s->name_runs[n];
		r->lens = em_run_mask(s->term_orig_len + nm->terms, nm->n_terms);
		r->skels = em_run_mask(s->term_skel_len + nm->terms, nm->n_terms);
		r->first = r->one_consonant = 0;
		r->words = r->word_skels = 0;
		r->word_skel_sig = r->word_text_sig = r->prefix_sig = r->long_affix_sig = 0;
		for (size_t t = 0; t < nm->n_terms; t++) {
			size_t k = nm->terms + t;
			r->first |= em_letter_bit(s->term_first[k]);
			if (s->vocab[s->term_vocab[k]].slen == 1)
				r->one_consonant |= em_letter_bit(s->vocab[s->term_vocab[k]].skel[0]);
			if (s->term_orig_len[k] >= 4) {
				r->words |= (uint64_t)1 << (s->term_orig_len[k] < 63 ? s->term_orig_len[k] : 63);
				r->word_skels |= (uint64_t)1 << (s->term_skel_len[k] < 63 ? s->term_skel_len[k] : 63);
				r->word_skel_sig |= em_skel_sig(s->term_skel_hash[k]);
				if (s->term_orig_len[k] < EM_JOIN_EXACT_BELOW)
					r->word_text_sig |= em_skel_sig((uint32_t)em_hash_bytes(s->term_orig[k], s->term_orig_len[k]));
				r->prefix_sig |= em_skel_sig((uint32_t)em_hash_bytes(s->term_orig[k], 3));
				if (s->term_orig_len[k] >= EM_JOIN_EXACT_BELOW)
					r->long_affix_sig |= em_affix_sigs(s->term_orig[k], s->term_orig_len[k]);
			}
		}
		r->run_skel_sig = run_skeleton_signature(s, nm);
		run_text_signatures(s, nm, &r->run_text_sig, &r->run_affix_sig);
	}

	s->legal_vocab = malloc((s->n_vocab ? s->n_vocab : 1) * sizeof *s->legal_vocab);
	if (!s->legal_vocab) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t v = 0; v < s->n_vocab; v++)
		if (s->vocab[v].cls == EM_TERM_LEGAL)
			s->legal_vocab[s->n_legal++] = (uint32_t)v;

	/* Lookup maps. */
	hash_vec hv = {0};
	/* Phonetic keys and spellings, each with its one-letter deletions: a typo can break a
	 * digraph ("AsUhraf" / "Ashraf"), so neither key alone finds every misspelling. */
	for (size_t v = 0; v < s->n_vocab && !rc; v++) {
		rc = push_deletions(&hv, s->vocab[v].phon, s->vocab[v].plen, (uint32_t)v);
		if (!rc && strcmp(s->vocab[v].phon, s->vocab[v].text) != 0)
			rc = push_deletions(&hv, s->vocab[v].text, s->vocab[v].len, (uint32_t)v);
	}
	if (!rc)
		rc = keymap_build(&s->by_phon, &hv);
	hv.n = 0;
	/* Skeletons, with one-letter deletions of the longer ones (see screen.c). */
	for (size_t v = 0; v < s->n_vocab && !rc; v++)
		if (s->vocab[v].slen >= 2)
			rc = push_deletions(&hv, s->vocab[v].skel, s->vocab[v].slen, (uint32_t)v);
	if (!rc)
		rc = keymap_build(&s->by_skel, &hv);
	hash_vec_free(&hv);
	pair_vec pv = {0};
	for (size_t ei = 0; ei < s->n_entities && !rc; ei++) {
		const em_entity *e = s->entities[ei];
		for (size_t k = 0; k < e->n_ids && !rc; k++) {
			char buf[128];
			size_t n = em_id_normalize(e->ids[k].value, buf, sizeof buf);
			if (n < 4)
				continue; /* too short to identify anyone */
			const char *key = em_arena_strndup(&s->arena, buf, n);
			rc = key ? pair_push(&pv, key, (uint32_t)ei) : EM_ENOMEM;
		}
	}
	if (!rc)
		rc = multimap_build(&s->by_id, &pv);
	pair_free(&pv);
	if (rc)
		goto fail;

	s->text_filter = calloc(EM_TEXT_FILTER_BITS / 64, sizeof *s->text_filter);
	if (!s->text_filter) {
		rc = em_fail(EM_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t v = 0; v < s->n_vocab; v++) {
		size_t bit[2];
		em_text_filter_bits(em_hash_bytes(s->vocab[v].text, strlen(s->vocab[v].text)), bit);
		for (int k = 0; k < 2; k++)
			s->text_filter[bit[k] / 64] |= (uint64_t)1 << (bit[k] % 64);
	}

	s->memory = EM_TEXT_FILTER_BITS / 8 + s->arena.total + s->n_entities * sizeof *s->entities + s->n_names * sizeof *s->names +
		    s->n_terms * (sizeof *s->term_vocab + sizeof *s->term_family + sizeof *s->term_orig + sizeof *s->term_skel +
				  sizeof *s->term_orig_len + sizeof *s->term_first + sizeof *s->term_skel_len +
				  sizeof *s->term_weight + sizeof *s->term_skel_hash) +
		    s->n_names * sizeof *s->name_runs + s->n_vocab * sizeof *s->vocab + acc * 4 +
		    (s->by_text.cap + s->by_id.keys.cap) * (sizeof(em_strmap_slot) + 4) +
		    (s->by_phon.cap + s->by_skel.cap) * sizeof(em_keyslot) + (s->by_phon.n_vals + s->by_skel.n_vals) * 4;
	*out = s;
	return 0;
fail:
	em_screener_free(s);
	return rc;
}

void em_screener_get_stats(const em_screener *s, em_screener_stats *out)
{
	out->entities = s->n_entities;
	out->names = s->n_names;
	out->vocabulary = s->n_vocab;
	out->memory_bytes = s->memory;
}
