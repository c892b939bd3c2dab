/*
 * events.c: the events one vessel's track shows on its own, found in one pass over its sorted
 * positions: port calls (entry within a port's entry radius, exit beyond its exit radius), AIS
 * gaps (a silence at or over the threshold, unless both ends lie in the same port: a vessel at
 * berth may switch off), transits (a call in one transit country, then one in the other),
 * impossible jumps grouped into episodes, invalid MMSIs, identity changes from its static
 * reports, loitering (after the encounters, which it must not repeat), and the screening of its
 * identities against the lists. Rules and thresholds: docs/ais.md.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ais/analyze.h"

const char *em_ais_event_name(em_ais_event_kind kind)
{
	static const char *const names[EM_AIS_EV_COUNT] = {
		"gap", "port_call", "transit", "encounter", "loitering", "identity_change", "spoofing", "listed_vessel",
	};
	return (unsigned)kind < EM_AIS_EV_COUNT ? names[kind] : "unknown";
}

em_ais_event *an_event_add(em_ais_analysis *a, em_ais_event_kind kind, uint32_t mmsi, int64_t start,
			   int64_t end, const em_ais_point *pos, size_t n_pos, const char *evidence)
{
	if (a->n_ev == a->cap_ev) {
		size_t cap = a->cap_ev ? a->cap_ev * 2 : 64;
		em_ais_event *ne = realloc(a->ev, cap * sizeof *ne);
		if (!ne) {
			em_fail(EM_ENOMEM, "out of memory");
			return NULL;
		}
		a->ev = ne;
		a->cap_ev = cap;
	}
	em_ais_point *p = NULL;
	if (n_pos) {
		p = em_arena_alloc(&a->arena, n_pos * sizeof *p);
		if (!p) {
			em_fail(EM_ENOMEM, "out of memory");
			return NULL;
		}
		memcpy(p, pos, n_pos * sizeof *p);
	}
	const char *evc = em_arena_strdup(&a->arena, evidence ? evidence : "{}");
	if (!evc) {
		em_fail(EM_ENOMEM, "out of memory");
		return NULL;
	}
	em_ais_event *e = &a->ev[a->n_ev++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->mmsi = mmsi;
	e->start = start;
	e->end = end;
	e->positions = p;
	e->n_positions = n_pos;
	e->detail = "";
	e->evidence = evc;
	e->speed_knots = -1;
	return e;
}

static em_ais_point point(const an_fix *f)
{
	return (em_ais_point){an_fix_lat(f), an_fix_lon(f), f->t};
}

static double fix_km(const an_fix *f, const an_fix *g)
{
	return an_distance_km(an_fix_lat(f), an_fix_lon(f), an_fix_lat(g), an_fix_lon(g));
}

/* Knots from km and seconds (-1 when no time passed). */
static double knots(double km, double secs)
{
	return secs > 0 ? km / AN_KNOT_KM / (secs / 3600.0) : -1;
}

/* Appends `"key":value` with value a number, or null when negative (unknown). */
static void json_num(em_buf *b, const char *key, double v, int decimals)
{
	if (v < 0 || !isfinite(v))
		em_buf_printf(b, "\"%s\":null", key);
	else
		em_buf_printf(b, "\"%s\":%.*f", key, decimals, v);
}

static int buf_done(em_buf *b)
{
	return b->data ? 0 : em_fail(EM_ENOMEM, "out of memory");
}

/* ---- identity ----------------------------------------------------------------------------------- */

typedef struct id_change {
	const char *field;
	char old_v[24], new_v[24];
	uint32_t last_old, first_new;
	uint32_t times;
} id_change;

static void field_text(const an_static *s, int f, char out[24])
{
	out[0] = '\0';
	if (f == 0)
		snprintf(out, 24, "%s", s->name);
	else if (f == 1)
		snprintf(out, 24, "%s", s->callsign);
	else if (f == 2 && s->imo)
		snprintf(out, 24, "%u", (unsigned)s->imo);
	else if (f == 3 && s->shiptype)
		snprintf(out, 24, "%d", s->shiptype);
}

static const char *const field_names[4] = {"shipname", "callsign", "imo", "shiptype"};

static int identity_push(em_ais_analysis *a, em_ais_identity **ids, size_t *n, size_t *cap, const an_static *c,
			 uint32_t first, uint32_t last, uint64_t count)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		em_ais_identity *ni = realloc(*ids, nc * sizeof *ni);
		if (!ni)
			return em_fail(EM_ENOMEM, "out of memory");
		*ids = ni;
		*cap = nc;
	}
	em_ais_identity *id = &(*ids)[(*n)++];
	id->name = em_arena_strdup(&a->arena, c->name);
	id->callsign = em_arena_strdup(&a->arena, c->callsign);
	if (!id->name || !id->callsign)
		return em_fail(EM_ENOMEM, "out of memory");
	id->imo = c->imo;
	id->shiptype = c->shiptype;
	id->first_seen = first;
	id->last_seen = last;
	id->messages = count;
	return 0;
}

/*
 * The identity history of a vessel: a field sent for the first time fills the current identity;
 * a field sent with another value than the current one starts a new identity and is a change.
 */
static int vessel_identity(em_ais_analysis *a, an_vessel *v)
{
	if (!v->n_st)
		return 0;
	em_ais_identity *ids = NULL;
	size_t n = 0, cap = 0, n_ch = 0, cap_ch = 0;
	id_change *ch = NULL;
	an_static cur = v->st[0];
	uint32_t first = cur.t, last = cur.t_last;
	uint64_t count = cur.count;
	int rc = 0;
	for (size_t i = 1; i < v->n_st && !rc; i++) {
		const an_static *s = &v->st[i];
		bool changed = false;
		for (int f = 0; f < 4 && !rc; f++) {
			char ov[24], nv[24];
			field_text(&cur, f, ov);
			field_text(s, f, nv);
			if (!ov[0] || !nv[0] || !strcmp(ov, nv))
				continue;
			changed = true;
			size_t k;
			for (k = 0; k < n_ch; k++)
				if (ch[k].field == field_names[f] && !strcmp(ch[k].old_v, ov) && !strcmp(ch[k].new_v, nv))
					break;
			if (k < n_ch) {
				ch[k].times++;
				continue;
			}
			if (n_ch == cap_ch) {
				size_t nc = cap_ch ? cap_ch * 2 : 4;
				id_change *nch = realloc(ch, nc * sizeof *nch);
				if (!nch) {
					rc = em_fail(EM_ENOMEM, "out of memory");
					break;
				}
				ch = nch;
				cap_ch = nc;
			}
			id_change *c = &ch[n_ch++];
			c->field = field_names[f];
			memcpy(c->old_v, ov, sizeof ov);
			memcpy(c->new_v, nv, sizeof nv);
			c->last_old = last;
			c->first_new = s->t;
			c->times = 1;
		}
		if (rc)
			break;
		if (changed) {
			rc = identity_push(a, &ids, &n, &cap, &cur, first, last, count);
			first = s->t;
			count = 0;
		}
		/* The report's fields override or fill in; fields it did not send carry over. */
		if (s->name[0])
			memcpy(cur.name, s->name, sizeof cur.name);
		if (s->callsign[0])
			memcpy(cur.callsign, s->callsign, sizeof cur.callsign);
		if (s->imo)
			cur.imo = s->imo;
		if (s->shiptype)
			cur.shiptype = s->shiptype;
		if (s->t_last > last || changed)
			last = s->t_last;
		count += s->count;
	}
	if (!rc)
		rc = identity_push(a, &ids, &n, &cap, &cur, first, last, count);
	if (!rc) {
		v->ids = em_arena_alloc(&a->arena, n * sizeof *ids);
		if (!v->ids)
			rc = em_fail(EM_ENOMEM, "out of memory");
		else {
			memcpy(v->ids, ids, n * sizeof *ids);
			v->n_ids = n;
		}
	}
	for (size_t k = 0; k < n_ch && !rc; k++) {
		em_buf b = EM_BUF_INIT;
		em_buf_printf(&b, "{\"field\":\"%s\",\"old\":", ch[k].field);
		an_json_str(&b, ch[k].old_v);
		em_buf_puts(&b, ",\"new\":");
		an_json_str(&b, ch[k].new_v);
		em_buf_printf(&b, ",\"times\":%u}", (unsigned)ch[k].times);
		if (!(rc = buf_done(&b))) {
			em_ais_event *e = an_event_add(a, EM_AIS_EV_IDENTITY_CHANGE, v->mmsi, ch[k].last_old, ch[k].first_new,
						       NULL, 0, b.data);
			if (!e)
				rc = EM_ENOMEM;
			else
				e->detail = ch[k].field;
		}
		em_buf_free(&b);
	}
	free(ids);
	free(ch);
	return rc;
}

/* ---- spoofing ------------------------------------------------------------------------------------ */

static int invalid_mmsi(em_ais_analysis *a, const an_vessel *v)
{
	if (an_mmsi_is_ship(v->mmsi))
		return 0;
	em_ais_point p[2];
	size_t np = 0;
	int64_t start = 0, end = 0;
	if (v->n) {
		p[0] = point(&v->fix[0]);
		p[1] = point(&v->fix[v->n - 1]);
		np = 2;
		start = v->fix[0].t;
		end = v->fix[v->n - 1].t;
	} else if (v->n_st) {
		start = v->st[0].t;
		end = v->st[v->n_st - 1].t_last;
	}
	em_buf b = EM_BUF_INIT;
	em_buf_printf(&b,
		      "{\"reason\":\"MMSI %09u is outside 200000000-799999999, the range of ships' MMSIs\","
		      "\"positions\":%zu,\"static_reports\":%zu}",
		      (unsigned)v->mmsi, v->n, v->n_st);
	int rc = buf_done(&b);
	if (!rc) {
		em_ais_event *e = an_event_add(a, EM_AIS_EV_SPOOFING, v->mmsi, start, end, p, np, b.data);
		if (!e)
			rc = EM_ENOMEM;
		else
			e->detail = "invalid_mmsi";
	}
	em_buf_free(&b);
	return rc;
}

static bool is_jump(const em_ais_config *c, const an_fix *f, const an_fix *g, double *km)
{
	*km = fix_km(f, g);
	if (*km < c->spoofing_min_km)
		return false;
	double dt = (double)g->t - (double)f->t;
	return dt <= 0 || knots(*km, dt) > c->spoofing_speed_knots;
}

/* Emits the episode of jumps between fixes [i0, i1] (n jumps, the fastest being `fast`). */
static int jump_episode(em_ais_analysis *a, const an_vessel *v, size_t i0, size_t i1, size_t n, size_t fast)
{
	const an_fix *f = &v->fix[fast], *g = &v->fix[fast + 1];
	double km = fix_km(f, g), dt = (double)g->t - (double)f->t;
	em_buf b = EM_BUF_INIT;
	em_buf_printf(&b, "{\"jumps\":%zu,", n);
	json_num(&b, "distance_km", km, 1);
	em_buf_printf(&b, ",\"minutes\":%.1f,", dt / 60.0);
	json_num(&b, "implied_knots", knots(km, dt), 1);
	em_buf_printf(&b, ",\"limit_knots\":%g,\"fixes\":%zu}", a->cfg.spoofing_speed_knots, i1 - i0 + 1);
	int rc = buf_done(&b);
	if (!rc) {
		em_ais_point p[2] = {point(f), point(g)};
		em_ais_event *e = an_event_add(a, EM_AIS_EV_SPOOFING, v->mmsi, v->fix[i0].t, v->fix[i1].t, p, 2, b.data);
		if (!e)
			rc = EM_ENOMEM;
		else {
			/* Back and forth again and again: two transmitters sending one MMSI from two
			 * places. One jump, or out and back once (a single stray position), is a jump. */
			e->detail = n > 2 ? "two_places" : "jump";
			e->distance_km = km;
			e->speed_knots = knots(km, dt);
		}
	}
	em_buf_free(&b);
	return rc;
}

static int vessel_jumps(em_ais_analysis *a, const an_vessel *v)
{
	const em_ais_config *c = &a->cfg;
	uint32_t episode = (uint32_t)(c->spoofing_episode_hours * 3600);
	size_t i0 = 0, i1 = 0, n = 0, fast = 0;
	double fast_kn = -1;
	for (size_t i = 0; i + 1 < v->n; i++) {
		double km;
		if (!is_jump(c, &v->fix[i], &v->fix[i + 1], &km))
			continue;
		double dt = (double)v->fix[i + 1].t - v->fix[i].t;
		double kn = dt > 0 ? knots(km, dt) : INFINITY;
		if (n && v->fix[i].t - v->fix[i1].t <= episode) {
			i1 = i + 1;
			n++;
		} else {
			if (n) {
				int rc = jump_episode(a, v, i0, i1, n, fast);
				if (rc)
					return rc;
			}
			i0 = i;
			i1 = i + 1;
			n = 1;
			fast_kn = -1;
		}
		if (kn > fast_kn) {
			fast_kn = kn;
			fast = i;
		}
	}
	return n ? jump_episode(a, v, i0, i1, n, fast) : 0;
}

/* ---- port calls, gaps, transits ------------------------------------------------------------------ */

typedef struct call {
	int port;
	size_t first, last; /* fixes */
} call;

typedef struct gap {
	uint32_t start, end;
} gap;

static int port_call_event(em_ais_analysis *a, const an_vessel *v, const call *c, bool open_end, double min_km,
			   bool stopped)
{
	const an_port *p = &a->ports[c->port];
	const an_fix *f = &v->fix[c->first], *g = &v->fix[c->last];
	em_buf b = EM_BUF_INIT;
	em_buf_puts(&b, "{\"port\":");
	an_json_str(&b, p->name);
	em_buf_printf(&b,
		      ",\"country\":\"%s\",\"port_lat\":%.4f,\"port_lon\":%.4f,\"entry_km\":%g,\"exit_km\":%g,"
		      "\"hours\":%.2f,\"closest_km\":%.2f,\"stopped\":%s,\"fixes\":%zu,\"in_port_at_start\":%s,"
		      "\"in_port_at_end\":%s}",
		      p->country, p->lat, p->lon, p->entry_km, p->exit_km, ((double)g->t - f->t) / 3600.0, min_km,
		      stopped ? "true" : "false", c->last - c->first + 1, c->first == 0 ? "true" : "false",
		      open_end ? "true" : "false");
	int rc = buf_done(&b);
	if (!rc) {
		em_ais_point pt[2] = {point(f), point(g)};
		em_ais_event *e = an_event_add(a, EM_AIS_EV_PORT_CALL, v->mmsi, f->t, g->t, pt, 2, b.data);
		if (!e)
			rc = EM_ENOMEM;
		else
			e->detail = p->name;
	}
	em_buf_free(&b);
	return rc;
}

static int gap_event(em_ais_analysis *a, const an_vessel *v, size_t i, int pa, double da, int pb, double db)
{
	const an_fix *f = &v->fix[i], *g = &v->fix[i + 1];
	double km = fix_km(f, g), dt = (double)g->t - f->t;
	em_buf b = EM_BUF_INIT;
	em_buf_printf(&b, "{\"hours\":%.2f,\"distance_km\":%.1f,", dt / 3600.0, km);
	json_num(&b, "implied_knots", knots(km, dt), 2);
	em_buf_puts(&b, ",");
	json_num(&b, "speed_before_knots", an_fix_speed(f), 1);
	em_buf_puts(&b, ",");
	json_num(&b, "speed_after_knots", an_fix_speed(g), 1);
	em_buf_puts(&b, ",\"port_before\":");
	if (pa >= 0 && da <= a->ports[pa].exit_km)
		an_json_str(&b, a->ports[pa].name);
	else
		em_buf_puts(&b, "null");
	em_buf_puts(&b, ",\"port_after\":");
	if (pb >= 0 && db <= a->ports[pb].exit_km)
		an_json_str(&b, a->ports[pb].name);
	else
		em_buf_puts(&b, "null");
	em_buf_printf(&b, ",\"threshold_hours\":%g}", a->cfg.gap_hours);
	int rc = buf_done(&b);
	if (!rc) {
		em_ais_point pt[2] = {point(f), point(g)};
		em_ais_event *e = an_event_add(a, EM_AIS_EV_GAP, v->mmsi, f->t, g->t, pt, 2, b.data);
		if (!e)
			rc = EM_ENOMEM;
		else {
			e->distance_km = km;
			e->speed_knots = knots(km, dt);
		}
	}
	em_buf_free(&b);
	return rc;
}

static int transit_event(em_ais_analysis *a, const an_vessel *v, const call *calls, size_t from, size_t to,
			 const gap *gaps, size_t n_gaps)
{
	const an_port *pf = &a->ports[calls[from].port], *pt = &a->ports[calls[to].port];
	const an_fix *dep = &v->fix[calls[from].last], *arr = &v->fix[calls[to].first];
	double km = an_distance_km(pf->lat, pf->lon, pt->lat, pt->lon);
	em_buf b = EM_BUF_INIT;
	em_buf_puts(&b, "{\"from_port\":");
	an_json_str(&b, pf->name);
	em_buf_printf(&b, ",\"from_country\":\"%s\",\"to_port\":", pf->country);
	an_json_str(&b, pt->name);
	em_buf_printf(&b, ",\"to_country\":\"%s\",\"hours\":%.2f,\"port_distance_km\":%.1f,\"via\":[", pt->country,
		      ((double)arr->t - dep->t) / 3600.0, km);
	for (size_t k = from + 1; k < to; k++) {
		if (k > from + 1)
			em_buf_puts(&b, ",");
		an_json_str(&b, a->ports[calls[k].port].name);
	}
	em_buf_puts(&b, "],\"gaps\":[");
	size_t ng = 0;
	for (size_t k = 0; k < n_gaps; k++) {
		if (gaps[k].start < dep->t || gaps[k].end > arr->t)
			continue;
		char s[32], e[32];
		an_time_iso(gaps[k].start, s);
		an_time_iso(gaps[k].end, e);
		em_buf_printf(&b, "%s{\"start\":\"%s\",\"end\":\"%s\",\"hours\":%.2f}", ng ? "," : "", s, e,
			      ((double)gaps[k].end - gaps[k].start) / 3600.0);
		ng++;
	}
	em_buf_printf(&b, "],\"dark\":%s}", ng ? "true" : "false");
	int rc = buf_done(&b);
	if (!rc) {
		em_ais_point p[2] = {point(dep), point(arr)};
		em_ais_event *e = an_event_add(a, EM_AIS_EV_TRANSIT, v->mmsi, dep->t, arr->t, p, 2, b.data);
		if (!e)
			rc = EM_ENOMEM;
		else {
			char *d = em_arena_alloc(&a->arena, 8);
			if (!d)
				rc = em_fail(EM_ENOMEM, "out of memory");
			else {
				snprintf(d, 8, "%s->%s", pf->country, pt->country);
				e->detail = d;
			}
			e->distance_km = km;
			e->dark = ng > 0;
		}
	}
	em_buf_free(&b);
	return rc;
}

static int vessel_transits(em_ais_analysis *a, const an_vessel *v, const call *calls, size_t n_calls,
			   const gap *gaps, size_t n_gaps)
{
	const char *x = a->cfg.transit_from, *y = a->cfg.transit_to;
	size_t last = SIZE_MAX; /* the latest call in either transit country */
	for (size_t k = 0; k < n_calls; k++) {
		const char *cc = a->ports[calls[k].port].country;
		if (strcmp(cc, x) != 0 && strcmp(cc, y) != 0)
			continue; /* a third country: a port on the way */
		if (last != SIZE_MAX && strcmp(a->ports[calls[last].port].country, cc) != 0) {
			int rc = transit_event(a, v, calls, last, k, gaps, n_gaps);
			if (rc)
				return rc;
		}
		last = k;
	}
	return 0;
}

typedef struct scratch {
	call *calls;
	size_t n_calls, cap_calls;
	gap *gaps;
	size_t n_gaps, cap_gaps;
} scratch;

static int push(void **arr, size_t *n, size_t *cap, size_t size, const void *item)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *na = realloc(*arr, nc * size);
		if (!na)
			return em_fail(EM_ENOMEM, "out of memory");
		*arr = na;
		*cap = nc;
	}
	memcpy((char *)*arr + *n * size, item, size);
	(*n)++;
	return 0;
}

static int vessel_ports_gaps(em_ais_analysis *a, const an_vessel *v, scratch *sc)
{
	const em_ais_config *c = &a->cfg;
	uint32_t gap_s = (uint32_t)ceil(c->gap_hours * 3600);
	sc->n_calls = sc->n_gaps = 0;
	call cur = {-1, 0, 0};
	double min_km = 0, prev_km = 0;
	bool stopped = false;
	int prev_port = -1, rc = 0;
	for (size_t i = 0; i < v->n && !rc; i++) {
		const an_fix *f = &v->fix[i];
		double km = 0;
		int p = an_port_nearest(a, an_fix_lat(f), an_fix_lon(f), &km);
		if (i && f->t - v->fix[i - 1].t >= gap_s) {
			bool same_port = p >= 0 && p == prev_port && km <= a->ports[p].exit_km &&
					 prev_km <= a->ports[p].exit_km;
			if (!same_port) {
				rc = gap_event(a, v, i - 1, prev_port, prev_km, p, km);
				gap g = {v->fix[i - 1].t, f->t};
				if (!rc)
					rc = push((void **)&sc->gaps, &sc->n_gaps, &sc->cap_gaps, sizeof g, &g);
			}
		}
		if (cur.port >= 0) {
			if (p == cur.port && km <= a->ports[p].exit_km) {
				cur.last = i;
				if (km < min_km)
					min_km = km;
				double s = an_fix_speed(f);
				if (s >= 0 && s <= c->port_stop_knots)
					stopped = true;
			} else {
				if (!rc)
					rc = port_call_event(a, v, &cur, false, min_km, stopped);
				if (!rc)
					rc = push((void **)&sc->calls, &sc->n_calls, &sc->cap_calls, sizeof cur, &cur);
				cur.port = -1;
			}
		}
		if (cur.port < 0 && p >= 0 && km <= a->ports[p].entry_km) {
			cur = (call){p, i, i};
			min_km = km;
			double s = an_fix_speed(f);
			stopped = s >= 0 && s <= c->port_stop_knots;
		}
		prev_port = p;
		prev_km = km;
	}
	if (!rc && cur.port >= 0) {
		rc = port_call_event(a, v, &cur, true, min_km, stopped);
		if (!rc)
			rc = push((void **)&sc->calls, &sc->n_calls, &sc->cap_calls, sizeof cur, &cur);
	}
	if (!rc)
		rc = vessel_transits(a, v, sc->calls, sc->n_calls, sc->gaps, sc->n_gaps);
	return rc;
}

int an_events_vessels(em_ais_analysis *a)
{
	scratch sc;
	memset(&sc, 0, sizeof sc);
	int rc = 0;
	for (size_t i = 0; i < a->n_v && !rc; i++) {
		an_vessel *v = &a->v[i];
		if (!(rc = vessel_identity(a, v)) && !(rc = invalid_mmsi(a, v)) && !(rc = vessel_jumps(a, v)))
			rc = vessel_ports_gaps(a, v, &sc);
	}
	free(sc.calls);
	free(sc.gaps);
	return rc;
}

/* ---- loitering ----------------------------------------------------------------------------------- */

/* The speed at fix i: reported, else implied from the fix before; -1 when neither is known. */
static double fix_speed_or_implied(const an_vessel *v, size_t i)
{
	double s = an_fix_speed(&v->fix[i]);
	if (s >= 0 || i == 0)
		return s;
	return knots(fix_km(&v->fix[i - 1], &v->fix[i]), (double)v->fix[i].t - v->fix[i - 1].t);
}

static int loiter_event(em_ais_analysis *a, const an_vessel *v, size_t i0, size_t i1, double sum, size_t n_speed)
{
	const an_fix *f = &v->fix[i0], *g = &v->fix[i1];
	if (an_in_encounter(a, v->mmsi, f->t, g->t))
		return 0;
	double path = 0;
	for (size_t k = i0; k < i1; k++)
		path += fix_km(&v->fix[k], &v->fix[k + 1]);
	double mean = n_speed ? sum / n_speed : -1;
	em_buf b = EM_BUF_INIT;
	em_buf_printf(&b, "{\"hours\":%.2f,", ((double)g->t - f->t) / 3600.0);
	json_num(&b, "mean_knots", mean, 2);
	em_buf_printf(&b, ",\"path_km\":%.2f,\"net_km\":%.2f,\"fixes\":%zu,\"limit_knots\":%g,\"port_km\":%g}", path,
		      fix_km(f, g), i1 - i0 + 1, a->cfg.loitering_speed_knots, a->cfg.loitering_port_km);
	int rc = buf_done(&b);
	if (!rc) {
		em_ais_point p[2] = {point(f), point(g)};
		em_ais_event *e = an_event_add(a, EM_AIS_EV_LOITERING, v->mmsi, f->t, g->t, p, 2, b.data);
		if (!e)
			rc = EM_ENOMEM;
		else {
			e->distance_km = path;
			e->speed_knots = mean;
		}
	}
	em_buf_free(&b);
	return rc;
}

int an_events_loitering(em_ais_analysis *a)
{
	const em_ais_config *c = &a->cfg;
	uint32_t gap_s = (uint32_t)ceil(c->gap_hours * 3600);
	double min_s = c->loitering_hours * 3600;
	int rc = 0;
	for (size_t vi = 0; vi < a->n_v && !rc; vi++) {
		const an_vessel *v = &a->v[vi];
		size_t i0 = SIZE_MAX, n_speed = 0;
		double sum = 0;
		for (size_t i = 0; i <= v->n && !rc; i++) {
			bool slow = false;
			double s = -1;
			if (i < v->n) {
				const an_fix *f = &v->fix[i];
				double km;
				s = fix_speed_or_implied(v, i);
				slow = s >= 0 && s < c->loitering_speed_knots &&
				       (an_port_nearest(a, an_fix_lat(f), an_fix_lon(f), &km) < 0 ||
					km >= c->loitering_port_km);
				if (slow && i0 != SIZE_MAX && f->t - v->fix[i - 1].t >= gap_s)
					slow = false; /* a gap ends the run (it is an event of its own) */
			}
			if (slow && i0 == SIZE_MAX) {
				i0 = i;
				sum = 0;
				n_speed = 0;
			}
			if (slow) {
				sum += s;
				n_speed++;
				continue;
			}
			if (i0 != SIZE_MAX && (double)v->fix[i - 1].t - v->fix[i0].t >= min_s)
				rc = loiter_event(a, v, i0, i - 1, sum, n_speed);
			i0 = SIZE_MAX;
			/* This fix may start the next run when only the gap broke the previous one. */
			if (i < v->n && s >= 0 && s < c->loitering_speed_knots && i > 0 &&
			    v->fix[i].t - v->fix[i - 1].t >= gap_s) {
				double km;
				const an_fix *f = &v->fix[i];
				if (an_port_nearest(a, an_fix_lat(f), an_fix_lon(f), &km) < 0 || km >= c->loitering_port_km) {
					i0 = i;
					sum = s;
					n_speed = 1;
				}
			}
		}
	}
	return rc;
}

/* ---- screening ----------------------------------------------------------------------------------- */

typedef struct found {
	const em_entity *entity;
	char *json;
	double score;
} found;

static int screen_identity(em_ais_analysis *a, const an_vessel *v, const em_ais_identity *id,
			   const em_screener *s, double threshold, found **fl, size_t *nf, size_t *cap)
{
	char imo[24], mmsi[16];
	const char *ids[3];
	size_t n_ids = 0;
	snprintf(mmsi, sizeof mmsi, "%09u", (unsigned)v->mmsi);
	ids[n_ids++] = mmsi;
	if (id && id->imo) {
		snprintf(imo, sizeof imo, "IMO %07u", (unsigned)id->imo);
		ids[n_ids++] = imo;
	}
	if (id && id->callsign[0])
		ids[n_ids++] = id->callsign;
	em_query q = {id ? id->name : "", EM_ENTITY_VESSEL, NULL, NULL, ids, n_ids};
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = threshold;
	p.limit = 5;
	em_result *r = NULL;
	int rc = em_screen(s, &q, &p, &r);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->n_matches && !rc; i++) {
		const em_match *m = &r->matches[i];
		size_t k;
		for (k = 0; k < *nf && (*fl)[k].entity != m->entity; k++)
			;
		if (k < *nf && (*fl)[k].score >= m->score)
			continue;
		char *j = em_match_json(m);
		if (!j) {
			rc = em_fail(EM_ENOMEM, "out of memory");
			break;
		}
		if (k < *nf) {
			free((*fl)[k].json);
			(*fl)[k].json = j;
			(*fl)[k].score = m->score;
			continue;
		}
		found f = {m->entity, j, m->score};
		if ((rc = push((void **)fl, nf, cap, sizeof f, &f)))
			free(j);
	}
	em_result_free(r);
	(void)a;
	return rc;
}

int an_events_screen(em_ais_analysis *a, const em_screener *s, double threshold)
{
	int rc = 0;
	found *fl = NULL;
	size_t nf = 0, cap = 0;
	for (size_t vi = 0; vi < a->n_v && !rc; vi++) {
		an_vessel *v = &a->v[vi];
		nf = 0;
		if (!v->n_ids)
			rc = screen_identity(a, v, NULL, s, threshold, &fl, &nf, &cap);
		for (size_t k = 0; k < v->n_ids && !rc; k++)
			rc = screen_identity(a, v, &v->ids[k], s, threshold, &fl, &nf, &cap);
		em_buf all = EM_BUF_INIT;
		em_buf_puts(&all, "[");
		for (size_t k = 0; k < nf && !rc; k++) {
			em_buf_printf(&all, "%s%s", k ? "," : "", fl[k].json);
			em_buf b = EM_BUF_INIT;
			em_buf_puts(&b, "{\"match\":");
			em_buf_puts(&b, fl[k].json);
			em_buf_printf(&b, ",\"mmsi\":\"%09u\"", (unsigned)v->mmsi);
			if (v->n_ids) {
				const em_ais_identity *id = &v->ids[v->n_ids - 1];
				em_buf_puts(&b, ",\"name\":");
				an_json_str(&b, id->name);
				em_buf_puts(&b, ",\"callsign\":");
				an_json_str(&b, id->callsign);
				em_buf_printf(&b, ",\"imo\":%u", (unsigned)id->imo);
			}
			em_buf_puts(&b, "}");
			if (!(rc = buf_done(&b))) {
				int64_t start = v->n ? v->fix[0].t : (v->n_ids ? v->ids[0].first_seen : 0);
				int64_t end = v->n ? v->fix[v->n - 1].t : (v->n_ids ? v->ids[v->n_ids - 1].last_seen : 0);
				em_ais_event *e = an_event_add(a, EM_AIS_EV_LISTED_VESSEL, v->mmsi, start, end, NULL, 0, b.data);
				if (!e)
					rc = EM_ENOMEM;
				else {
					e->detail = em_arena_strdup(&a->arena, fl[k].entity->source ? fl[k].entity->source : "");
					e->speed_knots = -1;
				}
			}
			em_buf_free(&b);
		}
		em_buf_puts(&all, "]");
		if (!rc && !all.data)
			rc = em_fail(EM_ENOMEM, "out of memory");
		if (!rc && !(v->screening = em_arena_strdup(&a->arena, all.data)))
			rc = em_fail(EM_ENOMEM, "out of memory");
		em_buf_free(&all);
		for (size_t k = 0; k < nf; k++)
			free(fl[k].json);
	}
	free(fl);
	return rc;
}
