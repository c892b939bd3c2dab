/*
 * encounter.c: two vessels together at sea. Tracks are compared at common instants, not fix by
 * fix: every vessel's position is interpolated at each 10-minute mark (only across silences up to
 * the interpolation limit, only at least encounter_port_km from a port), and the samples are
 * sorted by (mark, latitude row, longitude cell). Pairs closer than the encounter distance can
 * only lie in the same or a neighbouring cell of the same mark, so each sample looks at three
 * short ranges of the sorted array instead of every other vessel: the work grows with the samples,
 * not with their square. Consecutive marks of one pair form a run; its true start and end are then
 * found between the marks from the fixes themselves, and the run is an encounter when it lasts
 * long enough and the median speed of both vessels in it is low enough.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ais/analyze.h"

#define MARK_S 600u          /* seconds between marks */
#define ROW_DEG 0.005        /* latitude row: 556 m, above any sane encounter distance */
#define CELL_DEG 0.03        /* longitude cell: wider than 500 m up to 80 degrees of latitude */

typedef struct sample {
	uint64_t key;        /* mark << 32 | row << 16 | cell */
	uint32_t vessel;
	int32_t lat, lon;    /* 1/600000 degree */
} sample;

typedef struct hit {
	uint32_t a, b;       /* vessel indices, a < b */
	uint32_t mark;
	float metres;
} hit;

static uint64_t key_of(uint32_t mark, double lat, double lon, int drow, int dcell)
{
	int64_t row = (int64_t)floor((lat + 90) / ROW_DEG) + drow;
	int64_t cell = (int64_t)floor((lon + 180) / CELL_DEG) + dcell;
	if (row < 0)
		row = 0;
	if (row > 0xFFFF)
		row = 0xFFFF;
	if (cell < 0)
		cell = 0;
	if (cell > 0xFFFF)
		cell = 0xFFFF;
	return (uint64_t)mark << 32 | (uint64_t)row << 16 | (uint64_t)cell;
}

static double metres(double lat1, double lon1, double lat2, double lon2)
{
	double x = (lon2 - lon1) * cos((lat1 + lat2) * (M_PI / 360.0));
	double y = lat2 - lat1;
	return sqrt(x * x + y * y) * 111195.0;
}

/* Index of the last fix at or before t, or SIZE_MAX when t is before the first. */
static size_t fix_at_or_before(const an_vessel *v, uint32_t t)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v->fix[mid].t <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : SIZE_MAX;
}

bool an_position_at(const em_ais_analysis *a, const an_vessel *v, uint32_t t, double *lat, double *lon)
{
	size_t i = fix_at_or_before(v, t);
	if (i == SIZE_MAX)
		return false;
	const an_fix *f = &v->fix[i];
	if (f->t == t) {
		*lat = an_fix_lat(f);
		*lon = an_fix_lon(f);
		return true;
	}
	if (i + 1 >= v->n)
		return false;
	const an_fix *g = &v->fix[i + 1];
	double span = (double)g->t - f->t;
	if (span > a->cfg.interpolate_minutes * 60)
		return false;
	double w = ((double)t - f->t) / span;
	*lat = (f->lat + w * (g->lat - f->lat)) / AN_DEG;
	*lon = (f->lon + w * (g->lon - f->lon)) / AN_DEG;
	return true;
}

static bool at_sea(const em_ais_analysis *a, double lat, double lon)
{
	double km;
	return an_port_nearest(a, lat, lon, &km) < 0 || km >= a->cfg.encounter_port_km;
}

static int cmp_sample(const void *x, const void *y)
{
	const sample *p = x, *q = y;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	return p->vessel < q->vessel ? -1 : p->vessel > q->vessel;
}

static int cmp_hit(const void *x, const void *y)
{
	const hit *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->mark < q->mark ? -1 : p->mark > q->mark;
}

typedef struct vec {
	void *data;
	size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		void *nd = realloc(v->data, cap * v->size);
		if (!nd) {
			em_fail(EM_ENOMEM, "out of memory");
			return NULL;
		}
		v->data = nd;
		v->cap = cap;
	}
	return (char *)v->data + v->n++ * v->size;
}

/* The samples of every vessel at the marks its track covers. */
static int make_samples(const em_ais_analysis *a, vec *out)
{
	for (size_t vi = 0; vi < a->n_v; vi++) {
		const an_vessel *v = &a->v[vi];
		if (v->n < 2)
			continue;
		uint32_t first = (v->fix[0].t + MARK_S - 1) / MARK_S, last = v->fix[v->n - 1].t / MARK_S;
		size_t i = 0;
		for (uint32_t m = first; m <= last; m++) {
			uint32_t t = m * MARK_S;
			while (i + 1 < v->n && v->fix[i + 1].t <= t)
				i++;
			const an_fix *f = &v->fix[i];
			double lat, lon;
			if (f->t == t) {
				lat = an_fix_lat(f);
				lon = an_fix_lon(f);
			} else {
				if (i + 1 >= v->n)
					break;
				const an_fix *g = &v->fix[i + 1];
				double span = (double)g->t - f->t;
				if (span > a->cfg.interpolate_minutes * 60) {
					/* Skip the silence: on to the last mark before the next fix. */
					m = (g->t - 1) / MARK_S;
					continue;
				}
				double w = ((double)t - f->t) / span;
				lat = (f->lat + w * (g->lat - f->lat)) / AN_DEG;
				lon = (f->lon + w * (g->lon - f->lon)) / AN_DEG;
			}
			if (!at_sea(a, lat, lon))
				continue;
			sample *s = vec_push(out);
			if (!s)
				return EM_ENOMEM;
			s->key = key_of(m, lat, lon, 0, 0);
			s->vessel = (uint32_t)vi;
			s->lat = (int32_t)lround(lat * AN_DEG);
			s->lon = (int32_t)lround(lon * AN_DEG);
		}
	}
	return 0;
}

static size_t lower_bound(const sample *s, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Pairs of samples of the same mark within the encounter distance. */
static int make_hits(const em_ais_analysis *a, const sample *s, size_t n, vec *out)
{
	double limit = a->cfg.encounter_distance_m;
	for (size_t i = 0; i < n; i++) {
		uint32_t mark = (uint32_t)(s[i].key >> 32);
		double lat = s[i].lat / AN_DEG, lon = s[i].lon / AN_DEG;
		for (int dr = -1; dr <= 1; dr++) {
			uint64_t lo = key_of(mark, lat, lon, dr, -1), hi = key_of(mark, lat, lon, dr, 1);
			for (size_t j = lower_bound(s, n, lo); j < n && s[j].key <= hi; j++) {
				if (s[j].vessel <= s[i].vessel)
					continue; /* each pair once, from its lower vessel */
				double d = metres(lat, lon, s[j].lat / AN_DEG, s[j].lon / AN_DEG);
				if (d > limit)
					continue;
				hit *h = vec_push(out);
				if (!h)
					return EM_ENOMEM;
				*h = (hit){s[i].vessel, s[j].vessel, mark, (float)d};
			}
		}
	}
	return 0;
}

/* Distance of two vessels at t, when both positions are known there and both are at sea. */
static bool close_at(const em_ais_analysis *a, const an_vessel *va, const an_vessel *vb, uint32_t t)
{
	double la, oa, lb, ob;
	return an_position_at(a, va, t, &la, &oa) && an_position_at(a, vb, t, &lb, &ob) &&
	       metres(la, oa, lb, ob) <= a->cfg.encounter_distance_m && at_sea(a, la, oa) && at_sea(a, lb, ob);
}

/* Moves the start of a run back (dir -1) or its end forward (dir 1) over the fixes of both vessels
 * between the last mark inside and the first mark outside, while they stay close. */
static uint32_t refine(const em_ais_analysis *a, const an_vessel *va, const an_vessel *vb, uint32_t t, int dir)
{
	uint32_t bound = dir < 0 ? (t >= MARK_S ? t - MARK_S : 0) : t + MARK_S;
	for (;;) {
		uint32_t next = bound;
		bool any = false;
		const an_vessel *vs[2] = {va, vb};
		for (int k = 0; k < 2; k++) {
			const an_vessel *v = vs[k];
			size_t i = fix_at_or_before(v, dir < 0 ? t - 1 : t);
			size_t j = dir < 0 ? i : (i == SIZE_MAX ? 0 : i + 1);
			if (j == SIZE_MAX || j >= v->n)
				continue;
			uint32_t ft = v->fix[j].t;
			if (dir < 0 ? (ft > bound && (!any || ft > next)) : (ft < bound && (!any || ft < next))) {
				next = ft;
				any = true;
			}
		}
		if (!any || !close_at(a, va, vb, next))
			return t;
		t = next;
	}
}

static int cmp_double(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;
	return p < q ? -1 : p > q;
}

/* Speeds (reported, else implied from the fix before) of v's fixes in [t0, t1], appended. */
static int speeds_in(const an_vessel *v, uint32_t t0, uint32_t t1, vec *out)
{
	size_t i = fix_at_or_before(v, t0);
	if (i == SIZE_MAX || v->fix[i].t < t0)
		i = i == SIZE_MAX ? 0 : i + 1;
	for (; i < v->n && v->fix[i].t <= t1; i++) {
		double s = an_fix_speed(&v->fix[i]);
		if (s < 0 && i > 0) {
			const an_fix *f = &v->fix[i - 1], *g = &v->fix[i];
			double dt = (double)g->t - f->t;
			if (dt > 0)
				s = an_distance_km(an_fix_lat(f), an_fix_lon(f), an_fix_lat(g), an_fix_lon(g)) / AN_KNOT_KM /
				    (dt / 3600.0);
		}
		if (s < 0)
			continue;
		double *d = vec_push(out);
		if (!d)
			return EM_ENOMEM;
		*d = s;
	}
	return 0;
}

static double median(vec *v)
{
	if (!v->n)
		return -1;
	double *d = v->data;
	qsort(d, v->n, sizeof *d, cmp_double);
	return v->n % 2 ? d[v->n / 2] : (d[v->n / 2 - 1] + d[v->n / 2]) / 2;
}

static int run_event(em_ais_analysis *a, const hit *h, size_t n, vec *speeds, vec *dists)
{
	const an_vessel *va = &a->v[h[0].a], *vb = &a->v[h[0].b];
	uint32_t start = refine(a, va, vb, h[0].mark * MARK_S, -1);
	uint32_t end = refine(a, va, vb, h[n - 1].mark * MARK_S, 1);
	if ((double)end - start < a->cfg.encounter_hours * 3600)
		return 0;
	speeds->n = 0;
	int rc;
	if ((rc = speeds_in(va, start, end, speeds)) || (rc = speeds_in(vb, start, end, speeds)))
		return rc;
	double med_speed = median(speeds);
	if (med_speed < 0 || med_speed >= a->cfg.encounter_speed_knots)
		return 0;
	dists->n = 0;
	double min_d = INFINITY;
	for (size_t k = 0; k < n; k++) {
		double *d = vec_push(dists);
		if (!d)
			return EM_ENOMEM;
		*d = h[k].metres;
		if (h[k].metres < min_d)
			min_d = h[k].metres;
	}
	double med_d = median(dists);
	em_ais_point p[4];
	uint32_t ts[2] = {start, end};
	for (int k = 0; k < 2; k++) {
		double la = 0, oa = 0, lb = 0, ob = 0;
		an_position_at(a, va, ts[k], &la, &oa);
		an_position_at(a, vb, ts[k], &lb, &ob);
		p[2 * k] = (em_ais_point){la, oa, ts[k]};
		p[2 * k + 1] = (em_ais_point){lb, ob, ts[k]};
	}
	em_buf b = EM_BUF_INIT;
	em_buf_printf(&b,
		      "{\"other_mmsi\":\"%09u\",\"hours\":%.2f,\"median_distance_m\":%.0f,\"min_distance_m\":%.0f,"
		      "\"median_knots\":%.2f,\"speeds\":%zu,\"marks\":%zu,\"mark_minutes\":%u,\"limit_m\":%g,"
		      "\"limit_knots\":%g,\"port_km\":%g}",
		      (unsigned)vb->mmsi, ((double)end - start) / 3600.0, med_d, min_d, med_speed, speeds->n, n,
		      MARK_S / 60, a->cfg.encounter_distance_m, a->cfg.encounter_speed_knots, a->cfg.encounter_port_km);
	if (!b.data)
		return em_fail(EM_ENOMEM, "out of memory");
	em_ais_event *e = an_event_add(a, EM_AIS_EV_ENCOUNTER, va->mmsi, start, end, p, 4, b.data);
	em_buf_free(&b);
	if (!e)
		return EM_ENOMEM;
	e->other_mmsi = vb->mmsi;
	e->distance_km = med_d / 1000.0;
	e->speed_knots = med_speed;
	return 0;
}

int an_events_encounters(em_ais_analysis *a)
{
	vec samples = {NULL, 0, 0, sizeof(sample)}, hits = {NULL, 0, 0, sizeof(hit)};
	vec speeds = {NULL, 0, 0, sizeof(double)}, dists = {NULL, 0, 0, sizeof(double)};
	int rc = make_samples(a, &samples);
	if (!rc && samples.n) {
		qsort(samples.data, samples.n, sizeof(sample), cmp_sample);
		rc = make_hits(a, samples.data, samples.n, &hits);
	}
	free(samples.data);
	if (!rc && hits.n) {
		hit *h = hits.data;
		qsort(h, hits.n, sizeof *h, cmp_hit);
		size_t s = 0;
		for (size_t i = 1; i <= hits.n && !rc; i++) {
			if (i < hits.n && h[i].a == h[s].a && h[i].b == h[s].b && h[i].mark == h[i - 1].mark + 1)
				continue;
			rc = run_event(a, h + s, i - s, &speeds, &dists);
			s = i;
		}
	}
	free(hits.data);
	free(speeds.data);
	free(dists.data);
	return rc;
}

bool an_in_encounter(const em_ais_analysis *a, uint32_t mmsi, int64_t start, int64_t end)
{
	for (size_t i = 0; i < a->n_ev; i++) {
		const em_ais_event *e = &a->ev[i];
		if (e->kind == EM_AIS_EV_ENCOUNTER && (e->mmsi == mmsi || e->other_mmsi == mmsi) && e->start <= end &&
		    e->end >= start)
			return true;
	}
	return false;
}
