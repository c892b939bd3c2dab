/*
 * track.c: the AIS analysis object: decoded messages become positions on one track per MMSI
 * (16 bytes each, appended in arrival order and sorted by time only when they arrived out of
 * order) and static reports become identity observations (identical repeats folded into one).
 * The run sorts, then hands the tracks to the event finders in a fixed order: single-vessel
 * events, encounters, loitering (which must know the encounters), screening.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ais/analyze.h"

#define EARTH_KM 6371.0088

double an_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = M_PI / 180.0;
	double p1 = lat1 * r, p2 = lat2 * r;
	double dp = (lat2 - lat1) * r, dl = (lon2 - lon1) * r;
	double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	if (h > 1)
		h = 1;
	return 2 * EARTH_KM * asin(sqrt(h));
}

bool an_mmsi_is_ship(uint32_t mmsi)
{
	return mmsi >= 200000000u && mmsi <= 799999999u;
}

int em_ais_analysis_new(em_ais_analysis **out, const em_ais_config *cfg)
{
	*out = NULL;
	em_ais_analysis *a = calloc(1, sizeof *a);
	if (!a)
		return em_fail(EM_ENOMEM, "out of memory");
	if (cfg)
		a->cfg = *cfg;
	else
		em_ais_config_default(&a->cfg);
	em_arena_init(&a->arena);
	int rc = an_ports_builtin(a);
	if (rc) {
		em_ais_analysis_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void em_ais_analysis_free(em_ais_analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_v; i++) {
		free(a->v[i].fix);
		free(a->v[i].st);
	}
	free(a->v);
	free(a->slot);
	free(a->ports);
	free(a->cell_key);
	free(a->cell_port);
	free(a->ev);
	free(a->pub);
	em_arena_free(&a->arena);
	free(a);
}

static size_t slot_of(uint32_t mmsi, size_t cap)
{
	return (size_t)((mmsi * 2654435761u) ^ (mmsi >> 16)) & (cap - 1);
}

static int grow_slots(em_ais_analysis *a)
{
	size_t cap = a->cap_slot ? a->cap_slot * 2 : 1024;
	uint32_t *s = calloc(cap, sizeof *s);
	if (!s)
		return em_fail(EM_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->n_v; i++) {
		size_t k = slot_of(a->v[i].mmsi, cap);
		while (s[k])
			k = (k + 1) & (cap - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(a->slot);
	a->slot = s;
	a->cap_slot = cap;
	return 0;
}

/* The vessel of an MMSI, made on first sight; NULL when out of memory. */
static an_vessel *vessel_get(em_ais_analysis *a, uint32_t mmsi)
{
	if ((a->n_v + 1) * 2 > a->cap_slot && grow_slots(a))
		return NULL;
	size_t k = slot_of(mmsi, a->cap_slot);
	while (a->slot[k]) {
		an_vessel *v = &a->v[a->slot[k] - 1];
		if (v->mmsi == mmsi)
			return v;
		k = (k + 1) & (a->cap_slot - 1);
	}
	if (a->n_v == a->cap_v) {
		size_t cap = a->cap_v ? a->cap_v * 2 : 256;
		an_vessel *nv = realloc(a->v, cap * sizeof *nv);
		if (!nv) {
			em_fail(EM_ENOMEM, "out of memory");
			return NULL;
		}
		a->v = nv;
		a->cap_v = cap;
	}
	an_vessel *v = &a->v[a->n_v];
	memset(v, 0, sizeof *v);
	v->mmsi = mmsi;
	a->slot[k] = (uint32_t)++a->n_v;
	return v;
}

static bool time_ok(int64_t t)
{
	return t >= 0 && t <= (int64_t)UINT32_MAX;
}

int em_ais_analysis_add_position(em_ais_analysis *a, uint32_t mmsi, int64_t time, double lat, double lon,
				 double speed_knots)
{
	if (a->ran)
		return em_fail(EM_EINVAL, "positions must be added before the analysis runs");
	if (!time_ok(time)) {
		a->stats.no_time++;
		return 0;
	}
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
		a->stats.no_position++;
		return 0;
	}
	an_vessel *v = vessel_get(a, mmsi);
	if (!v)
		return EM_ENOMEM;
	an_fix f = {(uint32_t)time, (int32_t)lround(lat * AN_DEG), (int32_t)lround(lon * AN_DEG), AN_SPEED_NONE, 0};
	if (speed_knots >= 0 && speed_knots < 6553)
		f.speed = (uint16_t)lround(speed_knots * 10);
	if (v->n) {
		const an_fix *last = &v->fix[v->n - 1];
		if (last->t == f.t && last->lat == f.lat && last->lon == f.lon) {
			a->stats.duplicates++;
			return 0;
		}
		if (f.t < last->t)
			v->unsorted = true;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		an_fix *nf = realloc(v->fix, cap * sizeof *nf);
		if (!nf)
			return em_fail(EM_ENOMEM, "out of memory");
		v->fix = nf;
		v->cap = cap;
	}
	v->fix[v->n++] = f;
	a->stats.positions++;
	return 0;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int em_ais_analysis_add_static(em_ais_analysis *a, uint32_t mmsi, int64_t time, const char *name,
			       const char *callsign, uint32_t imo, int shiptype)
{
	if (a->ran)
		return em_fail(EM_EINVAL, "static reports must be added before the analysis runs");
	if (!time_ok(time)) {
		a->stats.no_time++;
		return 0;
	}
	an_static s;
	memset(&s, 0, sizeof s);
	s.t = s.t_last = (uint32_t)time;
	s.imo = imo;
	s.shiptype = (int16_t)(shiptype > 0 && shiptype < 256 ? shiptype : 0);
	copy_text(s.name, sizeof s.name, name);
	copy_text(s.callsign, sizeof s.callsign, callsign);
	s.count = 1;
	if (!s.name[0] && !s.callsign[0] && !s.imo && !s.shiptype)
		return 0;
	an_vessel *v = vessel_get(a, mmsi);
	if (!v)
		return EM_ENOMEM;
	a->stats.statics++;
	if (v->n_st) {
		an_static *l = &v->st[v->n_st - 1];
		if (l->imo == s.imo && l->shiptype == s.shiptype && !strcmp(l->name, s.name) &&
		    !strcmp(l->callsign, s.callsign) && s.t + 3600u * 24 >= l->t && s.t <= l->t_last + 3600u * 24) {
			/* Folded only when close in time, so the order of a history stays visible. */
			if (s.t < l->t)
				l->t = s.t;
			if (s.t > l->t_last)
				l->t_last = s.t;
			l->count++;
			return 0;
		}
	}
	if (v->n_st == v->cap_st) {
		size_t cap = v->cap_st ? v->cap_st * 2 : 4;
		an_static *ns = realloc(v->st, cap * sizeof *ns);
		if (!ns)
			return em_fail(EM_ENOMEM, "out of memory");
		v->st = ns;
		v->cap_st = cap;
	}
	v->st[v->n_st++] = s;
	return 0;
}

int em_ais_analysis_add_msg(void *analysis, const em_ais_msg *m)
{
	em_ais_analysis *a = analysis;
	if (a->ran)
		return em_fail(EM_EINVAL, "messages must be added before the analysis runs");
	a->stats.messages++;
	bool csv = m->source == EM_AIS_SRC_CSV;
	int t = m->type;
	bool pos = csv ? (m->has & EM_AIS_HAS_POS) != 0 : (t >= 1 && t <= 3) || t == 18 || t == 19 || t == 27;
	bool stat = csv ? (m->has & (EM_AIS_HAS_SHIPNAME | EM_AIS_HAS_CALLSIGN | EM_AIS_HAS_IMO |
				     EM_AIS_HAS_SHIPTYPE)) != 0
			: t == 5 || t == 19 || t == 24;
	/* A type 19 (or a CSV row with a name) is a position and a static report at once. */
	if (!pos && !stat) {
		a->stats.not_vessel++;
		return 0;
	}
	if (m->rxtime == EM_AIS_NO_TIME) {
		a->stats.no_time++;
		return 0;
	}
	int64_t ts = m->rxtime >= 0 ? m->rxtime / 1000 : (m->rxtime - 999) / 1000;
	int rc = 0;
	if (pos) {
		double lat, lon;
		if (em_ais_msg_position(m, &lat, &lon))
			rc = em_ais_analysis_add_position(a, m->mmsi, ts, lat, lon, em_ais_msg_speed(m));
		else
			a->stats.no_position++;
	}
	if (!rc && stat) {
		bool name = !csv || (m->has & EM_AIS_HAS_SHIPNAME);
		bool call = !csv || (m->has & EM_AIS_HAS_CALLSIGN);
		rc = em_ais_analysis_add_static(a, m->mmsi, ts, name ? m->shipname : NULL, call ? m->callsign : NULL,
						(!csv || (m->has & EM_AIS_HAS_IMO)) ? m->imo : 0,
						(!csv || (m->has & EM_AIS_HAS_SHIPTYPE)) ? m->shiptype : 0);
	}
	return rc;
}

static int cmp_fix(const void *x, const void *y)
{
	const an_fix *p = x, *q = y;
	if (p->t != q->t)
		return p->t < q->t ? -1 : 1;
	if (p->lat != q->lat)
		return p->lat < q->lat ? -1 : 1;
	return p->lon < q->lon ? -1 : p->lon > q->lon;
}

static int cmp_static(const void *x, const void *y)
{
	const an_static *p = x, *q = y;
	return p->t < q->t ? -1 : p->t > q->t;
}

static void track_sort(em_ais_analysis *a, an_vessel *v)
{
	if (v->unsorted) {
		qsort(v->fix, v->n, sizeof *v->fix, cmp_fix);
		size_t k = 0;
		for (size_t i = 0; i < v->n; i++) {
			if (k && v->fix[k - 1].t == v->fix[i].t && v->fix[k - 1].lat == v->fix[i].lat &&
			    v->fix[k - 1].lon == v->fix[i].lon) {
				a->stats.duplicates++;
				a->stats.positions--;
				continue;
			}
			v->fix[k++] = v->fix[i];
		}
		v->n = k;
	}
	if (v->n_st > 1)
		qsort(v->st, v->n_st, sizeof *v->st, cmp_static);
}

static int cmp_event(const void *x, const void *y)
{
	const em_ais_event *p = x, *q = y;
	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	if (p->mmsi != q->mmsi)
		return p->mmsi < q->mmsi ? -1 : 1;
	if (p->kind != q->kind)
		return p->kind < q->kind ? -1 : 1;
	return p->end < q->end ? -1 : p->end > q->end;
}

static int cmp_vessel(const void *x, const void *y)
{
	const an_vessel *p = x, *q = y;
	return p->mmsi < q->mmsi ? -1 : p->mmsi > q->mmsi;
}

int em_ais_analysis_run(em_ais_analysis *a, const em_screener *screener, double threshold)
{
	if (a->ran)
		return em_fail(EM_EINVAL, "the analysis has already run");
	a->ran = true;
	int rc = an_ports_index(a);
	if (rc)
		return rc;
	/* Vessels by MMSI: the output order, and the order encounter pairs are named in. */
	if (a->n_v)
		qsort(a->v, a->n_v, sizeof *a->v, cmp_vessel);
	free(a->slot);
	a->slot = NULL;
	a->cap_slot = 0;
	for (size_t i = 0; i < a->n_v; i++)
		track_sort(a, &a->v[i]);
	if ((rc = an_events_vessels(a)) || (rc = an_events_encounters(a)) || (rc = an_events_loitering(a)))
		return rc;
	if (screener && (rc = an_events_screen(a, screener, threshold)))
		return rc;
	if (a->n_ev)
		qsort(a->ev, a->n_ev, sizeof *a->ev, cmp_event);
	a->pub = calloc(a->n_v ? a->n_v : 1, sizeof *a->pub);
	if (!a->pub)
		return em_fail(EM_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->n_v; i++) {
		const an_vessel *v = &a->v[i];
		em_ais_vessel *p = &a->pub[i];
		p->mmsi = v->mmsi;
		p->n_positions = v->n;
		p->first_seen = v->n ? v->fix[0].t : 0;
		p->last_seen = v->n ? v->fix[v->n - 1].t : 0;
		p->identities = v->ids;
		p->n_identities = v->n_ids;
		p->screening = v->screening;
	}
	return 0;
}

const em_ais_event *em_ais_analysis_events(const em_ais_analysis *a, size_t *n)
{
	*n = a->n_ev;
	return a->ev;
}

const em_ais_vessel *em_ais_analysis_vessels(const em_ais_analysis *a, size_t *n)
{
	*n = a->pub ? a->n_v : 0;
	return a->pub;
}

int em_ais_analysis_track(const em_ais_analysis *a, size_t i, em_ais_point **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!a->pub || i >= a->n_v)
		return em_fail(EM_EINVAL, "no vessel %zu", i);
	const an_vessel *v = &a->v[i];
	em_ais_point *p = malloc((v->n ? v->n : 1) * sizeof *p);
	if (!p)
		return em_fail(EM_ENOMEM, "out of memory");
	for (size_t k = 0; k < v->n; k++)
		p[k] = (em_ais_point){an_fix_lat(&v->fix[k]), an_fix_lon(&v->fix[k]), v->fix[k].t};
	*out = p;
	*n = v->n;
	return 0;
}

void em_ais_analysis_get_stats(const em_ais_analysis *a, em_ais_analysis_stats *out)
{
	*out = a->stats;
}
