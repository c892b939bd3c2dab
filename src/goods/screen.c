/*
 * screen.c: screening one order line. The tables, the components index and the party index
 * are loaded once by em_goods_new(); em_goods_screen() checks the line's HS code, its part
 * numbers, its destination and route, its parties and its red flags, each finding a flag with
 * its source, and combines the flags into a risk level by the rules of docs/goods.md (kept in
 * one function, goods_risk, in the order the document lists them).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goods.h"

#ifndef EM_COMPONENTS_DEFAULT
#define EM_COMPONENTS_DEFAULT "../shared/goods/weapon-components-gur.csv"
#endif

#define MAX_VERSIONS 80
#define MAX_ROUTE 16
#define PARTY_MATCHES 3

struct em_goods {
	em_arena arena;
	goods_tables t;
	goods_components comp;
	bool have_components;
	const em_list *const *lists;
	size_t n_lists;
	em_screener *own_screener;
	const em_screener *screener;
	double threshold;
	size_t max_components;
	em_goods_version versions[MAX_VERSIONS];
	size_t n_versions;
	size_t n_table_versions;   /* versions[0..n_table_versions): the tables and files, then lists */
	em_goods_source components_source;
};

/* The documents behind the red flags that have no table row of their own. */
static const em_goods_source src_kyc = {
	"BIS Know Your Customer guidance and red flags, Supplement No. 3 to EAR Part 732", NULL,
	"https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-732"};
static const em_goods_source src_triseal = {
	"Tri-Seal Compliance Note: Cracking Down on Third-Party Intermediaries Used to Evade Russia-Related "
	"Sanctions and Export Controls (DOJ, OFAC, BIS)",
	"2023-03-02", "https://ofac.treasury.gov/recent-actions/20230302"};

const char *em_goods_components_default(void)
{
	return EM_COMPONENTS_DEFAULT;
}

const char *em_goods_risk_name(em_goods_risk risk)
{
	static const char *const names[] = {"none", "low", "medium", "high", "prohibited"};
	return (unsigned)risk < 5 ? names[risk] : "none";
}

int em_goods_risk_parse(const char *name, em_goods_risk *out)
{
	for (int i = 0; i < 5; i++)
		if (name && !strcmp(name, em_goods_risk_name((em_goods_risk)i))) {
			*out = (em_goods_risk)i;
			return 0;
		}
	return em_fail(EM_EINVAL, "'%s' is not a risk level (none, low, medium, high, prohibited)", name ? name : "");
}

/* ---- building ------------------------------------------------------------------------------ */

static void version_add(em_goods *g, const char *name, const char *version)
{
	if (g->n_versions < MAX_VERSIONS) {
		g->versions[g->n_versions].name = em_arena_strdup(&g->arena, name);
		g->versions[g->n_versions].version = em_arena_strdup(&g->arena, version ? version : "");
		g->n_versions++;
	}
}

/* The latest source date of the HS rows of one list ("chpl"). */
static const char *hs_list_date(const goods_tables *t, const char *list)
{
	const char *best = NULL;
	for (size_t i = 0; i < t->n_hs; i++)
		if (!strcmp(t->hs[i].list, list) && t->hs[i].source.date &&
		    (!best || strcmp(t->hs[i].source.date, best) > 0))
			best = t->hs[i].source.date;
	return best;
}

static void versions_build(em_goods *g, const char *data_dir)
{
	char buf[512];
	snprintf(buf, sizeof buf, "sha256:%s, %s", g->t.sha256, data_dir ? data_dir : "built in (embargo " EM_VERSION ")");
	version_add(g, "goods-tables", buf);
	version_add(g, "chpl", hs_list_date(&g->t, "chpl"));
	version_add(g, "iran-uav", hs_list_date(&g->t, "iran-uav"));
	const char *dd = NULL;
	for (size_t i = 0; i < g->t.n_dests; i++)
		if (g->t.dests[i].source.date && (!dd || strcmp(g->t.dests[i].source.date, dd) > 0))
			dd = g->t.dests[i].source.date;
	version_add(g, "destinations", dd);
	if (g->have_components) {
		snprintf(buf, sizeof buf, "sha256:%.16s, %zu rows, last verified %s", g->comp.sha256, g->comp.n_read,
			 g->comp.last_verified[0] ? g->comp.last_verified : "unknown");
		version_add(g, "gur-components", buf);
	} else {
		version_add(g, "gur-components", "not used");
	}
	g->n_table_versions = g->n_versions;
	for (size_t i = 0; i < g->n_lists; i++) {
		const em_list *l = g->lists[i];
		const char *sha = em_list_sha256(l), *pub = em_list_published(l);
		snprintf(buf, sizeof buf, "%s%.16s%s%s", *sha ? "sha256:" : "", *sha ? sha : "built",
			 pub ? ", published " : "", pub ? pub : "");
		version_add(g, em_list_source(l), buf);
	}
}

int em_goods_new(em_goods **out, const em_goods_options *opts)
{
	*out = NULL;
	em_goods_options o = EM_GOODS_OPTIONS_INIT;
	if (opts) {
		if (opts->version != EM_GOODS_OPTIONS_VERSION)
			return em_fail(EM_EINVAL, "em_goods_options version %u, expected %d", opts->version,
				       EM_GOODS_OPTIONS_VERSION);
		o = *opts;
	}
	if (o.threshold < 0 || o.threshold > 1)
		return em_fail(EM_EINVAL, "threshold %g is not in [0, 1]", o.threshold);
	em_goods *g = calloc(1, sizeof *g);
	if (!g)
		return em_fail(EM_ENOMEM, "out of memory");
	em_arena_init(&g->arena);
	int rc = goods_tables_load(&g->t, o.data_dir, &g->arena);
	if (rc)
		goto fail;
	const char *path = o.components_path;
	if (!path)
		path = getenv("EMBARGO_COMPONENTS");
	if (!path || !*path)
		path = o.components_path ? "" : EM_COMPONENTS_DEFAULT;
	if (*path) {
		if ((rc = goods_components_load(&g->comp, path, &g->t, &g->arena)) != 0)
			goto fail;
		g->have_components = true;
		g->components_source.name = "GUR War & Sanctions portal: foreign components in Russian and Iranian weapons "
					    "(collected by Awesome Drone Warfare OSINT Contributors, CC BY 4.0)";
		g->components_source.date = g->comp.last_verified[0] ? g->comp.last_verified : NULL;
	}
	g->lists = o.lists;
	g->n_lists = o.lists ? o.n_lists : 0;
	g->threshold = o.threshold > 0 ? o.threshold : EM_SCREEN_DEFAULT_THRESHOLD;
	g->max_components = o.max_components ? o.max_components : EM_GOODS_MAX_COMPONENTS;
	g->screener = o.screener;
	if (!g->screener && g->n_lists) {
		if ((rc = em_screener_new(&g->own_screener, g->lists, g->n_lists)) != 0)
			goto fail;
		g->screener = g->own_screener;
	}
	versions_build(g, o.data_dir);
	*out = g;
	return 0;
fail:
	em_goods_free(g);
	return rc;
}

void em_goods_free(em_goods *g)
{
	if (!g)
		return;
	em_screener_free(g->own_screener);
	if (g->have_components)
		goods_components_free(&g->comp);
	goods_tables_free(&g->t);
	em_arena_free(&g->arena);
	free(g);
}

void em_goods_get_stats(const em_goods *g, em_goods_stats *out)
{
	memset(out, 0, sizeof *out);
	out->hs_codes = g->t.n_hs;
	out->country_names = g->t.country_names;
	if (g->have_components) {
		out->component_rows = g->comp.n_read;
		out->components = g->comp.n_rows;
		out->components_named = g->comp.named;
		out->components_with_part = g->comp.with_part;
		out->part_keys = g->comp.index.n;
	}
	out->party_lists = g->screener ? g->n_lists : 0;
}

void em_goods_get_versions(const em_goods *g, const em_goods_version **out, size_t *n)
{
	*out = g->versions;
	*n = g->n_versions;
}

size_t goods_table_versions(const em_goods *g)
{
	return g->n_table_versions;
}

/* ---- results --------------------------------------------------------------------------------- */

typedef struct result_impl {
	em_goods_result pub;    /* first: the public pointer is the struct's */
	em_arena arena;
	em_goods_flag *flags;
	size_t n, cap;
	em_result **party;      /* party screening results the flags point into */
	size_t n_party;
} result_impl;

void em_goods_result_free(em_goods_result *r)
{
	if (!r)
		return;
	result_impl *ri = (result_impl *)r;
	for (size_t i = 0; i < ri->n_party; i++)
		em_result_free(ri->party[i]);
	free(ri->party);
	free(ri->flags);
	em_arena_free(&ri->arena);
	free(ri);
}

static const char *rfmt(result_impl *r, const char *fmt, ...) EM_PRINTF(2, 3);
static const char *rfmt(result_impl *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return "";
	char *s = em_arena_alloc(&r->arena, (size_t)n + 1);
	if (!s)
		return "";
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static em_goods_flag *flag_add(result_impl *r, const char *code, const char *field, const char *value,
			       const em_goods_source *src)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		em_goods_flag *p = realloc(r->flags, cap * sizeof *p);
		if (!p)
			return NULL;
		r->flags = p;
		r->cap = cap;
	}
	em_goods_flag *f = &r->flags[r->n++];
	memset(f, 0, sizeof *f);
	f->code = code;
	f->field = field;
	f->value = value ? em_arena_strdup(&r->arena, value) : NULL;
	if (src)
		f->source = *src;
	f->reason = "";
	return f;
}

/* ---- the HS code ------------------------------------------------------------------------------ */

static const char *tier_meaning(const char *tier)
{
	switch (tier[0]) {
	case '1':
		return "items of the highest concern, critical to Russian precision-guided weapons";
	case '2':
		return "electronics Russia prefers to source from the coalition's suppliers";
	case '3':
		return tier[2] == 'B' ? "mechanical and other components of Russian weapons"
				      : "further electronic components of Russian weapons";
	default:
		return tier[2] == 'B' ? "CNC machine tools" : "equipment to make and test electronics";
	}
}

static int screen_hs(result_impl *r, const em_goods *g, const char hs6[7])
{
	const goods_hs_row *rows[8];
	size_t n = goods_hs_find(&g->t, hs6, rows, 8);
	const char *heading = rfmt(r, "%.4s.%.2s", hs6, hs6 + 4);
	for (size_t i = 0; i < n; i++) {
		const goods_hs_row *h = rows[i];
		em_goods_flag *f;
		if (!strcmp(h->list, "chpl")) {
			static const char *const codes[] = {"HS_CHPL_TIER1", "HS_CHPL_TIER2", "HS_CHPL_TIER3", "HS_CHPL_TIER4"};
			int tier = h->tier[0] - '1';
			if (tier < 0 || tier > 3)
				continue;
			if (!(f = flag_add(r, codes[tier], "hs_code", heading, &h->source)))
				return EM_ENOMEM;
			f->reason = rfmt(r, "HS %s (%s) is on the Common High Priority Items List, tier %s: %s", heading,
					 h->description, h->tier, tier_meaning(h->tier));
		} else {
			if (!(f = flag_add(r, "HS_IRAN_UAV", "hs_code", heading, &h->source)))
				return EM_ENOMEM;
			f->reason = rfmt(r, "HS %s (%s) is in the %s category of the items Iran procures for its UAVs", heading,
					 h->description, h->tier);
		}
	}
	return 0;
}

/* ---- part numbers ---------------------------------------------------------------------------- */

typedef struct part_hit {
	uint32_t row;
	goods_match_kind kind;
	const char *key;        /* the component's part number that matched */
	int agrees;
} part_hit;

typedef struct hit_set {
	const goods_components *c;
	part_hit *hits;
	size_t n, cap;
	bool oom;
} hit_set;

static void on_hit(void *ctx, const goods_part_entry *e, goods_match_kind kind)
{
	hit_set *h = ctx;
	for (uint32_t k = 0; k < e->count; k++) {
		uint32_t row = h->c->index.rows[e->first + k];
		size_t i;
		for (i = 0; i < h->n && h->hits[i].row != row; i++)
			;
		if (i < h->n) {
			if (kind > h->hits[i].kind) {
				h->hits[i].kind = kind;
				h->hits[i].key = e->key;
			}
			continue;
		}
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 32;
			part_hit *p = realloc(h->hits, cap * sizeof *p);
			if (!p) {
				h->oom = true;
				return;
			}
			h->hits = p;
			h->cap = cap;
		}
		h->hits[h->n++] = (part_hit){row, kind, e->key, -1};
	}
}

static int hit_cmp(const void *a, const void *b)
{
	const part_hit *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind > y->kind ? -1 : 1;
	if (x->agrees != y->agrees)
		return x->agrees > y->agrees ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

typedef struct order_part {
	goods_part p;
	const char *field;
	int order;               /* 0 part_number, 1 description */
} order_part;

static int order_part_cmp(const void *a, const void *b)
{
	const order_part *x = a, *y = b;
	if (x->order != y->order)
		return x->order - y->order;
	if (x->p.len != y->p.len)
		return x->p.len > y->p.len ? -1 : 1;
	return x->p.at < y->p.at ? -1 : x->p.at > y->p.at;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills a PART_IN_WEAPON flag from the hits of one part number of the order. */
static int part_flag(result_impl *r, const em_goods *g, const order_part *op, part_hit *hits, size_t n,
		     const char *order_mfr)
{
	const goods_components *c = &g->comp;
	qsort(hits, n, sizeof *hits, hit_cmp);
	em_goods_flag *f = flag_add(r, "PART_IN_WEAPON", op->field, op->p.key, &g->components_source);
	if (!f)
		return EM_ENOMEM;
	f->components_total = n;
	size_t shown = n < g->max_components ? n : g->max_components;
	em_goods_component *comps = em_arena_calloc(&r->arena, (shown ? shown : 1) * sizeof *comps);
	size_t n_weapons = 0;
	for (size_t i = 0; i < n; i++)
		n_weapons += c->rows[hits[i].row].n_weapons;
	const char **weapons = em_arena_calloc(&r->arena, (n_weapons ? n_weapons : 1) * sizeof *weapons);
	const char **names = em_arena_calloc(&r->arena, (n ? n : 1) * sizeof *names);
	if (!comps || !weapons || !names)
		return EM_ENOMEM;
	size_t nw = 0, nn = 0, disagree = 0;
	for (size_t i = 0; i < n; i++) {
		const goods_component_row *row = &c->rows[hits[i].row];
		for (size_t k = 0; k < row->n_weapons; k++)
			weapons[nw++] = row->weapons[k];
		if (row->weapon_name)
			names[nn++] = row->weapon_name;
		disagree += hits[i].agrees == 0;
		if (i < shown) {
			em_goods_component *cp = &comps[i];
			cp->component_id = row->id;
			cp->name_marking = row->marking;
			cp->manufacturer = row->manufacturer;
			cp->part = hits[i].key;
			cp->match = goods_match_name(hits[i].kind);
			cp->manufacturer_agrees = hits[i].agrees;
			cp->weapons = row->weapons;
			cp->n_weapons = row->n_weapons;
			cp->weapon_name = row->weapon_name;
			cp->source_url = row->url;
		}
	}
	qsort(weapons, nw, sizeof *weapons, str_cmp);
	size_t u = 0;
	for (size_t i = 0; i < nw; i++)
		if (!u || strcmp(weapons[u - 1], weapons[i]) != 0)
			weapons[u++] = weapons[i];
	qsort(names, nn, sizeof *names, str_cmp);
	size_t un = 0;
	for (size_t i = 0; i < nn; i++)
		if (!un || strcmp(names[un - 1], names[i]) != 0)
			names[un++] = names[i];
	f->components = comps;
	f->n_components = shown;
	f->weapons = weapons;
	f->n_weapons = u;
	f->source.url = comps[0].source_url;
	em_buf b = EM_BUF_INIT;
	em_buf_printf(&b, "part number %s (%s) matches %s (%s match) of %s in %zu component record%s of weapons found in "
			  "Ukraine: ",
		      op->p.key, op->field, hits[0].key, goods_match_name(hits[0].kind),
		      c->rows[hits[0].row].manufacturer ? c->rows[hits[0].row].manufacturer : "an unidentified maker", n,
		      n == 1 ? "" : "s");
	for (size_t i = 0; i < un && i < 5; i++)
		em_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	if (!un)
		em_buf_printf(&b, "%zu weapon%s", u, u == 1 ? "" : "s");
	else if (un > 5)
		em_buf_printf(&b, " and %zu more", un - 5);
	if (disagree)
		em_buf_printf(&b, "; the order names %s as manufacturer, %zu of the records another", order_mfr, disagree);
	f->reason = b.data ? em_arena_strdup(&r->arena, b.data) : "";
	em_buf_free(&b);
	return 0;
}

static int screen_parts(result_impl *r, const em_goods *g, const em_goods_line *in)
{
	if (!g->have_components)
		return 0;
	order_part *ops = malloc(sizeof *ops * (2 * GOODS_PART_CANDS + 1));
	goods_part tmp[GOODS_PART_CANDS];
	if (!ops)
		return EM_ENOMEM;
	size_t n = 0;
	if (in->part_number && goods_part_whole(&g->t.partstop, in->part_number, &ops[n].p)) {
		ops[n].field = "part_number";
		ops[n++].order = 0;
	}
	size_t k = in->part_number ? goods_parts_extract(&g->t.partstop, in->part_number, tmp, GOODS_PART_CANDS) : 0;
	for (size_t i = 0; i < k; i++) {
		ops[n].p = tmp[i];
		ops[n].field = "part_number";
		ops[n++].order = 0;
	}
	k = in->description ? goods_parts_extract(&g->t.partstop, in->description, tmp, GOODS_PART_CANDS) : 0;
	for (size_t i = 0; i < k; i++) {
		ops[n].p = tmp[i];
		ops[n].field = "description";
		ops[n++].order = 1;
	}
	qsort(ops, n, sizeof *ops, order_part_cmp);
	char order_mfr[256];
	goods_mfr_words(&g->t.mfr, in->manufacturer, order_mfr, sizeof order_mfr);
	uint32_t *covered = NULL;
	size_t n_covered = 0, cap_covered = 0;
	int rc = 0;
	hit_set h = {&g->comp, NULL, 0, 0, false};
	for (size_t i = 0; i < n && !rc; i++) {
		bool repeat = false;
		for (size_t j = 0; j < i && !repeat; j++)
			repeat = !strcmp(ops[j].p.key, ops[i].p.key);
		if (repeat)
			continue;
		h.n = 0;
		goods_index_find(&g->comp.index, &ops[i].p, on_hit, &h);
		if (h.oom) {
			rc = EM_ENOMEM;
			break;
		}
		/* A different manufacturer rules out all but the same part number: second sources
		 * keep the number, a near number from another maker is another part. */
		size_t kept = 0, fresh = 0;
		for (size_t j = 0; j < h.n; j++) {
			part_hit *ph = &h.hits[j];
			ph->agrees = goods_mfr_agree(order_mfr, g->comp.rows[ph->row].mfr_words);
			if (ph->agrees == 0 && ph->kind != GOODS_PART_EXACT)
				continue;
			bool seen = false;
			for (size_t c = 0; c < n_covered && !seen; c++)
				seen = covered[c] == ph->row;
			fresh += !seen;
			h.hits[kept++] = *ph;
		}
		if (!kept || !fresh)
			continue; /* nothing, or only rows an earlier part number of the line reported */
		if (n_covered + kept > cap_covered) {
			cap_covered = (n_covered + kept) * 2;
			uint32_t *p = realloc(covered, cap_covered * sizeof *p);
			if (!p) {
				rc = EM_ENOMEM;
				break;
			}
			covered = p;
		}
		for (size_t j = 0; j < kept; j++)
			covered[n_covered++] = h.hits[j].row;
		rc = part_flag(r, g, &ops[i], h.hits, kept, in->manufacturer ? in->manufacturer : "");
	}
	free(h.hits);
	free(covered);
	free(ops);
	return rc;
}

/* ---- destination, route, payer ------------------------------------------------------------- */

/* The ISO 3166-1 country of a code ("UA" for "UA-43"). */
static void country_of(const char *code, char out[3])
{
	out[0] = code[0];
	out[1] = code[1];
	out[2] = '\0';
}

static bool embargoed(const em_goods *g, const char *code, const goods_dest_row **row)
{
	const goods_dest_row *rows[4];
	size_t n = goods_dest_find(&g->t, code, rows, 4);
	for (size_t i = 0; i < n; i++)
		if (rows[i]->kind != GOODS_DEST_TRANSSHIPMENT) {
			if (row)
				*row = rows[i];
			return true;
		}
	return false;
}

static int screen_destination(result_impl *r, const em_goods *g, const goods_country *dest)
{
	const goods_dest_row *rows[4];
	size_t n = goods_dest_find(&g->t, dest->code, rows, 4);
	for (size_t i = 0; i < n; i++) {
		const goods_dest_row *d = rows[i];
		static const char *const codes[] = {"DEST_EMBARGOED", "DEST_OCCUPIED", "DEST_TRANSSHIPMENT"};
		em_goods_flag *f = flag_add(r, codes[d->kind], "destination_country", dest->code, &d->source);
		if (!f)
			return EM_ENOMEM;
		if (d->kind == GOODS_DEST_TRANSSHIPMENT)
			f->reason = rfmt(r, "the destination, %s, is a transshipment and diversion-risk country named by the %s",
					 d->name, d->alert);
		else if (d->kind == GOODS_DEST_OCCUPIED)
			f->reason = rfmt(r, "the destination, %s, is a Russia-occupied region of Ukraine: %s", d->name, d->alert);
		else
			f->reason = rfmt(r, "the destination, %s, is under embargo: %s", d->name, d->alert);
	}
	return 0;
}

static int screen_route(result_impl *r, const em_goods *g, const goods_country *dest,
			const goods_country *const *route, size_t n_route)
{
	for (size_t i = 0; i < n_route; i++) {
		const goods_country *c = route[i];
		bool repeat = c == dest;
		for (size_t j = 0; j < i && !repeat; j++)
			repeat = route[j] == c;
		if (repeat)
			continue;
		const goods_dest_row *rows[4];
		size_t n = goods_dest_find(&g->t, c->code, rows, 4);
		for (size_t k = 0; k < n; k++) {
			const goods_dest_row *d = rows[k];
			bool emb = d->kind != GOODS_DEST_TRANSSHIPMENT;
			em_goods_flag *f = flag_add(r, emb ? "ROUTE_EMBARGOED" : "ROUTE_TRANSSHIPMENT", "intermediate_countries",
						    c->code, &d->source);
			if (!f)
				return EM_ENOMEM;
			f->reason = emb ? rfmt(r, "the goods pass through %s, under embargo: %s", d->name, d->alert)
					: rfmt(r, "the goods pass through %s, a transshipment and diversion-risk country named by "
						  "the %s",
					       d->name, d->alert);
		}
	}
	return 0;
}

static int screen_payer(result_impl *r, const em_goods *g, const goods_country *dest, const goods_country *payer)
{
	char a[3], b[3];
	country_of(dest->code, a);
	country_of(payer->code, b);
	const goods_dest_row *row = NULL;
	if (embargoed(g, payer->code, &row) && strcmp(payer->code, dest->code) != 0) {
		em_goods_flag *f = flag_add(r, "PAYER_EMBARGOED", "payer_country", payer->code, &row->source);
		if (!f)
			return EM_ENOMEM;
		f->reason = rfmt(r, "payment comes from %s, under embargo (%s), for goods going to %s", payer->name,
				 row->alert, dest->name);
		return 0;
	}
	if (!strcmp(a, b))
		return 0;
	em_goods_flag *f = flag_add(r, "PAYER_COUNTRY", "payer_country", payer->code, &src_triseal);
	if (!f)
		return EM_ENOMEM;
	f->reason = rfmt(r, "payment comes from %s, not from the buyer's country (%s)", payer->name, dest->name);
	return 0;
}

/* ---- parties ---------------------------------------------------------------------------------- */

static const char *list_published(const em_goods *g, const char *source)
{
	for (size_t i = 0; i < g->n_lists; i++)
		if (source && !strcmp(em_list_source(g->lists[i]), source))
			return em_list_published(g->lists[i]);
	return NULL;
}

static int screen_party(result_impl *r, const em_goods *g, const char *field, const char *name,
			const goods_country *dest)
{
	if (!g->screener || !name || !*name)
		return 0;
	char cc[3];
	country_of(dest->code, cc);
	em_query q = {name, EM_ENTITY_UNKNOWN, NULL, cc, NULL, 0};
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = g->threshold;
	p.limit = PARTY_MATCHES;
	em_result *res = NULL;
	int rc = em_screen(g->screener, &q, &p, &res);
	if (rc)
		return rc;
	em_result **keep = realloc(r->party, (r->n_party + 1) * sizeof *keep);
	if (!keep) {
		em_result_free(res);
		return EM_ENOMEM;
	}
	r->party = keep;
	r->party[r->n_party++] = res;
	for (size_t i = 0; i < res->n_matches; i++) {
		const em_match *m = &res->matches[i];
		const em_entity *e = m->entity;
		em_goods_source src = {rfmt(r, "%s list", e->source ? e->source : "party"), list_published(g, e->source),
				       NULL};
		em_goods_flag *f = flag_add(r, "PARTY_LISTED", field, name, &src);
		if (!f)
			return EM_ENOMEM;
		f->entity = e;
		f->matched_name = m->matched_name;
		f->score = m->score;
		em_buf b = EM_BUF_INIT;
		em_buf_printf(&b, "the %s, %s, matches the listed %s \"%s\" (%s %s", !strcmp(field, "end_user") ? "end user" : field,
			      name, em_entity_type_name(e->type), e->n_names ? e->names[0].full : "",
			      e->source ? e->source : "", e->source_id ? e->source_id : "");
		for (size_t k = 0; k < e->n_programs; k++)
			em_buf_printf(&b, "%s%s", k ? ", " : "; programs ", e->programs[k]);
		em_buf_printf(&b, ") with score %.2f", m->score);
		if (m->matched_name && e->n_names && strcmp(m->matched_name, e->names[0].full) != 0)
			em_buf_printf(&b, " on the name \"%s\"", m->matched_name);
		f->reason = b.data ? em_arena_strdup(&r->arena, b.data) : "";
		em_buf_free(&b);
	}
	return 0;
}

/* ---- red flags -------------------------------------------------------------------------------- */

static bool blank(const char *s)
{
	char norm[64];
	return !s || goods_norm(s, norm, sizeof norm) <= 0;
}

static int screen_red_flags(result_impl *r, const em_goods *g, const em_goods_line *in)
{
	em_goods_flag *f;
	const goods_word *w;
	if (blank(in->end_user)) {
		if (!(f = flag_add(r, "NO_END_USER", "end_user", NULL, &src_kyc)))
			return EM_ENOMEM;
		f->reason = "the order names no end user";
	} else if ((w = goods_words_find(&g->t, GOODS_WORD_VAGUE_END_USER, in->end_user)) != NULL) {
		if (!(f = flag_add(r, "NO_END_USER", "end_user", in->end_user, &w->source)))
			return EM_ENOMEM;
		f->reason = rfmt(r, "the end user, \"%s\", names no one", in->end_user);
	}
	if (blank(in->end_use)) {
		if (!(f = flag_add(r, "NO_END_USE", "end_use", NULL, &src_kyc)))
			return EM_ENOMEM;
		f->reason = "the order states no end use";
	} else if ((w = goods_words_find(&g->t, GOODS_WORD_VAGUE_END_USE, in->end_use)) != NULL) {
		if (!(f = flag_add(r, "NO_END_USE", "end_use", in->end_use, &w->source)))
			return EM_ENOMEM;
		f->reason = rfmt(r, "the end use, \"%s\", says nothing of what the goods are for", in->end_use);
	}
	if (!blank(in->consignee) && (w = goods_words_find(&g->t, GOODS_WORD_FORWARDER, in->consignee)) != NULL) {
		if (!(f = flag_add(r, "FORWARDER_CONSIGNEE", "consignee", in->consignee, &w->source)))
			return EM_ENOMEM;
		f->reason = rfmt(r, "the consignee, %s, looks like a freight forwarder, logistics firm, mail centre or bank "
				    "(\"%s\"): the goods' real destination may lie beyond it",
				 in->consignee, w->original);
	}
	if (!blank(in->end_user) && (w = goods_words_find(&g->t, GOODS_WORD_FORWARDER, in->end_user)) != NULL) {
		if (!(f = flag_add(r, "FORWARDER_END_USER", "end_user", in->end_user, &w->source)))
			return EM_ENOMEM;
		f->reason = rfmt(r, "the end user, %s, looks like a freight forwarder, logistics firm, mail centre or bank "
				    "(\"%s\"), which uses no goods itself",
				 in->end_user, w->original);
	}
	return 0;
}

/* ---- the risk level --------------------------------------------------------------------------- */

/* The rules of docs/goods.md, first match wins. */
static void goods_risk(result_impl *r)
{
	int goods = 0, red = 0;
	bool dest_emb = false, dest_trans = false, route_emb = false, route_trans = false, payer_emb = false,
	     party = false;
	for (size_t i = 0; i < r->n; i++) {
		const em_goods_flag *f = &r->flags[i];
		const char *c = f->code;
		int level = 0;
		if (!strcmp(c, "HS_CHPL_TIER1") || !strcmp(c, "HS_CHPL_TIER2"))
			level = 3;
		else if (!strcmp(c, "PART_IN_WEAPON"))
			level = f->n_components && strcmp(f->components[0].match, "variant") != 0 ? 3 : 2;
		else if (!strcmp(c, "HS_CHPL_TIER3") || !strcmp(c, "HS_IRAN_UAV"))
			level = 2;
		else if (!strcmp(c, "HS_CHPL_TIER4"))
			level = 1;
		if (level > goods)
			goods = level;
		dest_emb |= !strcmp(c, "DEST_EMBARGOED") || !strcmp(c, "DEST_OCCUPIED");
		dest_trans |= !strcmp(c, "DEST_TRANSSHIPMENT");
		route_emb |= !strcmp(c, "ROUTE_EMBARGOED");
		route_trans |= !strcmp(c, "ROUTE_TRANSSHIPMENT");
		payer_emb |= !strcmp(c, "PAYER_EMBARGOED");
		party |= !strcmp(c, "PARTY_LISTED");
		red += !strcmp(c, "NO_END_USER") || !strcmp(c, "NO_END_USE") || !strcmp(c, "FORWARDER_CONSIGNEE") ||
		       !strcmp(c, "FORWARDER_END_USER") || !strcmp(c, "PAYER_COUNTRY");
	}
	bool transit = dest_trans || route_trans;
	em_goods_risk risk = EM_GOODS_RISK_NONE;
	const char *rule = "R14: nothing found";
	if (dest_emb && party)
		risk = EM_GOODS_RISK_PROHIBITED, rule = "R1: a listed party and an embargoed destination";
	else if (dest_emb && goods >= 1)
		risk = EM_GOODS_RISK_PROHIBITED, rule = "R2: goods of concern to an embargoed destination";
	else if (party)
		risk = EM_GOODS_RISK_HIGH, rule = "R3: a party matches a listed party";
	else if (dest_emb)
		risk = EM_GOODS_RISK_HIGH, rule = "R4: an embargoed destination";
	else if (goods >= 1 && (route_emb || payer_emb))
		risk = EM_GOODS_RISK_HIGH, rule = "R5: goods of concern routed through or paid from an embargoed country";
	else if (goods == 3 && transit)
		risk = EM_GOODS_RISK_HIGH, rule = "R6: critical goods to or through a transshipment country";
	else if (goods >= 1 && transit && red >= 1)
		risk = EM_GOODS_RISK_HIGH, rule = "R7: goods of concern to or through a transshipment country, with a red flag";
	else if (goods >= 2 && red >= 2)
		risk = EM_GOODS_RISK_HIGH, rule = "R8: goods of concern with two or more red flags";
	else if (goods == 3)
		risk = EM_GOODS_RISK_MEDIUM, rule = "R9: critical goods (CHPL tier 1 or 2, or a part found in weapons)";
	else if (goods >= 1 && (transit || red >= 1))
		risk = EM_GOODS_RISK_MEDIUM, rule = "R10: goods of concern with a transshipment country or a red flag";
	else if (route_emb || payer_emb)
		risk = EM_GOODS_RISK_MEDIUM, rule = "R11: routed through or paid from an embargoed country";
	else if (red >= 2)
		risk = EM_GOODS_RISK_MEDIUM, rule = "R12: two or more red flags";
	else if (r->n)
		risk = EM_GOODS_RISK_LOW, rule = "R13: one weak sign";
	r->pub.risk = risk;
	r->pub.risk_rule = rule;
}

/* ---- one line ------------------------------------------------------------------------------- */

static int check_text(const char *field, const char *s)
{
	if (s && !em_utf8_valid(s, strlen(s)))
		return em_fail(EM_EINVAL, "field '%s': not valid UTF-8", field);
	return 0;
}

static const goods_country *resolve(const em_goods *g, const char *field, const char *text, int *rc)
{
	const goods_country *c = goods_country_find(&g->t, text);
	if (!c)
		*rc = em_fail(EM_EINVAL, "field '%s': '%s' is not a country or region this table knows (ISO 3166 "
					 "code or name)",
			      field, text);
	return c;
}

int em_goods_screen(const em_goods *g, const em_goods_line *in, em_goods_result **out)
{
	*out = NULL;
	int rc = 0;
	static const char *const names[] = {"line_id",      "hs_code",   "description",   "manufacturer",
					    "part_number",  "currency",  "destination_country", "consignee",
					    "end_user",     "payer_country", "end_use"};
	const char *values[] = {in->line_id,   in->hs_code,   in->description,         in->manufacturer,
				in->part_number, in->currency, in->destination_country, in->consignee,
				in->end_user,  in->payer_country, in->end_use};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((rc = check_text(names[i], values[i])) != 0)
			return rc;
	if (!in->line_id || !*in->line_id)
		return em_fail(EM_EINVAL, "field 'line_id': missing");
	if (isnan(in->quantity) || isinf(in->quantity))
		return em_fail(EM_EINVAL, "field 'quantity': not a number");
	if (isnan(in->unit_value) || isinf(in->unit_value))
		return em_fail(EM_EINVAL, "field 'unit_value': not a number");
	if (in->currency && *in->currency) {
		const char *c = in->currency;
		bool ok = strlen(c) == 3;
		for (size_t i = 0; ok && i < 3; i++)
			ok = (c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= 'a' && c[i] <= 'z');
		if (!ok)
			return em_fail(EM_EINVAL, "field 'currency': '%s' is not an ISO 4217 code (three letters)", c);
	}
	if (blank(in->destination_country))
		return em_fail(EM_EINVAL, "field 'destination_country': missing");
	const goods_country *dest = resolve(g, "destination_country", in->destination_country, &rc);
	if (!dest)
		return rc;
	char hs6[7];
	bool have_hs = in->hs_code && *in->hs_code;
	if (have_hs && goods_hs_normalize(in->hs_code, hs6) != 0)
		return em_fail(EM_EINVAL, "field 'hs_code': '%s' is not an HS code (6, 8 or 10 digits; dots and spaces "
					  "allowed)",
			       in->hs_code);
	const goods_country *route[MAX_ROUTE];
	size_t n_route = 0;
	if (in->n_intermediate > MAX_ROUTE)
		return em_fail(EM_EINVAL, "field 'intermediate_countries': more than %d countries", MAX_ROUTE);
	for (size_t i = 0; i < in->n_intermediate; i++) {
		const char *c = in->intermediate_countries[i];
		if ((rc = check_text("intermediate_countries", c)) != 0)
			return rc;
		if (blank(c))
			continue;
		if (!(route[n_route++] = resolve(g, "intermediate_countries", c, &rc)))
			return rc;
	}
	const goods_country *payer = NULL;
	if (!blank(in->payer_country) && !(payer = resolve(g, "payer_country", in->payer_country, &rc)))
		return rc;

	result_impl *r = calloc(1, sizeof *r);
	if (!r)
		return em_fail(EM_ENOMEM, "out of memory");
	em_arena_init(&r->arena);
	r->pub.line_id = em_arena_strdup(&r->arena, in->line_id);
	r->pub.hs6 = have_hs ? em_arena_strdup(&r->arena, hs6) : NULL;
	r->pub.destination = dest->code;
	r->pub.destination_name = dest->name ? dest->name : dest->code;
	r->pub.versions = g->versions;
	r->pub.n_versions = g->n_versions;
	/* a vague end user ("TBD") is a red flag, not a name to screen */
	bool user_vague = !blank(in->end_user) && goods_words_find(&g->t, GOODS_WORD_VAGUE_END_USER, in->end_user);
	if (have_hs)
		rc = screen_hs(r, g, hs6);
	if (!rc)
		rc = screen_parts(r, g, in);
	if (!rc)
		rc = screen_destination(r, g, dest);
	if (!rc)
		rc = screen_route(r, g, dest, route, n_route);
	if (!rc)
		rc = screen_party(r, g, "consignee", in->consignee, dest);
	if (!rc && !user_vague && !(in->consignee && in->end_user && !strcmp(in->consignee, in->end_user)))
		rc = screen_party(r, g, "end_user", in->end_user, dest);
	if (!rc)
		rc = screen_red_flags(r, g, in);
	if (!rc && payer)
		rc = screen_payer(r, g, dest, payer);
	if (rc) {
		if (rc == EM_ENOMEM)
			em_fail(EM_ENOMEM, "out of memory screening line %s", in->line_id);
		em_goods_result_free(&r->pub);
		return rc;
	}
	r->pub.flags = r->flags;
	r->pub.n_flags = r->n;
	goods_risk(r);
	*out = &r->pub;
	return 0;
}
