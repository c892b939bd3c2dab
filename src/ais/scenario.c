/*
 * scenario.c: a reproducible synthetic AIS scenario on the Caspian Sea, to test dark-activity
 * analysis against events known to be there and no others (docs/ais.md, "Synthetic scenario").
 *
 * Each vessel has a plan: a list of segments, straight in latitude and longitude, during which
 * it is berthed, under way or drifting, and may be silent (its transmitter off). The incidents
 * are plans written out below with fixed places and times; the seed only changes the reporting
 * times and the small noise on positions, speeds and courses. Vessels report their position every
 * 2 to 10 minutes and their static data every 6 minutes; the last report before and the first
 * after a silence fall exactly on its ends. All vessels' reports are merged in time order through
 * a heap (one entry per vessel), so memory grows with the number of vessels, not of messages.
 * Every vessel draws from its own PRNG stream: the same seed gives the same bytes.
 *
 * The ground truth is written from what was actually sent: the fixes of the incident vessels
 * are kept, and each event's times and places are read from them (the first fix within 3 km of
 * a port, the two fixes around a silence or a jump, the last and first static messages around a
 * change of name).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais.h"
#include "embargo/em_ais_gen.h"
#include "util/util.h"

/* 2025-01-06T00:00:00Z: the scenario's time zero. */
#define T_ZERO 1736121600ll
#define HOUR 3600ll
#define EARTH_KM 6371.0088
#define NM_KM 1.852
#define DEG (3.14159265358979323846 / 180.0)
#define SOURCE "caspian-sim"

/* Reporting: positions every 2-10 minutes, static data every 6 minutes or so. */
#define POS_MIN 120
#define POS_MAX 600
#define STATIC_EVERY 360
#define STATIC_JITTER 15
/* Background vessels keep this far (km) from every other vessel at all times. */
#define CLEAR_KM 3.0
#define MAX_BACKGROUND 200u
#define MAX_VESSELS 100000u

/* The ports of ../shared/ais/README.md: port calls are within 3 km of these points. */
static const struct port {
	const char *name, *country;
	double lat, lon;
} ports[] = {
	{"Amirabad", "IR", 36.86, 53.38},      {"Bandar-e Anzali", "IR", 37.473, 49.462},
	{"Nowshahr", "IR", 36.648, 51.493},    {"Astara", "IR", 38.43, 48.87},
	{"Makhachkala", "RU", 42.98, 47.51},   {"Astrakhan", "RU", 46.35, 48.03},
	{"Olya", "RU", 45.78, 47.55},          {"Aktau", "KZ", 43.60, 51.20},
	{"Turkmenbashi", "TM", 40.00, 53.03},  {"Baku/Alat", "AZ", 40.234, 49.526},
};
enum { PORT_AMIRABAD = 0, PORT_MAKHACHKALA = 4 };

/* Open water well away from coasts and ports (checked on a chart): traffic that is not an
 * incident sails straight between points of one box, which stays at sea because a box is convex. */
static const struct box {
	double lat0, lat1, lon0, lon1;
} boxes[] = {
	{37.6, 39.2, 50.2, 52.2},   /* the southern basin */
	{40.9, 43.0, 49.8, 51.0},   /* the middle basin */
};

/* --- PRNG: splitmix64, one stream per vessel -------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_range(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(s);
}

static int64_t rng_int(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

/* Roughly bell-shaped in [-1, 1]. */
static double rng_noise(uint64_t *s)
{
	return rng_unit(s) + rng_unit(s) - 1.0;
}

/* --- geometry ------------------------------------------------------------------------- */

static double dist_km(double lat1, double lon1, double lat2, double lon2)
{
	double a = sin((lat2 - lat1) * DEG / 2), b = sin((lon2 - lon1) * DEG / 2);
	double h = a * a + cos(lat1 * DEG) * cos(lat2 * DEG) * b * b;
	return 2 * EARTH_KM * asin(sqrt(h < 1 ? h : 1));
}

/* The point `km` from (lat, lon) on the great circle of initial bearing `brg` degrees. */
static void dest(double lat, double lon, double brg, double km, double *olat, double *olon)
{
	double d = km / EARTH_KM, p = lat * DEG, b = brg * DEG;
	double p2 = asin(sin(p) * cos(d) + cos(p) * sin(d) * cos(b));
	double l2 = lon * DEG + atan2(sin(b) * sin(d) * cos(p), cos(d) - sin(p) * sin(p2));
	*olat = p2 / DEG;
	*olon = l2 / DEG;
}

/* --- plans ---------------------------------------------------------------------------- */

typedef struct seg {
	int64_t t0, t1;             /* seconds after T_ZERO */
	double lat0, lon0, lat1, lon1;
	unsigned char moored;       /* berthed: speed 0, status "moored" */
	unsigned char silent;       /* the transmitter is off */
} seg;

typedef struct fix {
	int64_t t;
	double lat, lon;            /* as sent (after noise and rounding) */
} fix;

typedef struct vessel {
	uint32_t mmsi, imo;
	int class_b;                /* types 18 and 24 instead of 1 and 5 */
	char name[21], new_name[21];
	int64_t rename_at;          /* new_name from this time on; -1: never */
	char callsign[8], destination[21];
	int shiptype, to_bow, to_stern, to_port, to_starboard, draught;
	int eta_month, eta_day, eta_hour, eta_minute;
	int berth_heading;
	seg *segs;
	size_t nsegs, cap;
	uint64_t rng;

	/* Sending. */
	size_t cur;                 /* segment of the last position */
	size_t pos_seg, static_seg; /* first segment of the on-air stretch of the next report */
	int64_t air_end_pos, air_end_static; /* end of that stretch */
	int64_t next_pos, next_static; /* INT64_MAX: no more */
	int64_t first, last;        /* first and last report, -1 before any */

	/* Incident vessels keep what they sent, for the ground truth. */
	int keep;
	fix *fixes;
	size_t nfixes, fixcap;
	int64_t last_old_name, first_new_name;
} vessel;

/* The array p of n elements of `size` bytes (room for *cap) with room for one more: p itself or
 * its new place; NULL when out of memory (p is then left as it was). */
static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 16;
	void *q = realloc(p, c * size);
	if (!q) {
		em_fail(EM_ENOMEM, "ais scenario: out of memory");
		return NULL;
	}
	*cap = c;
	return q;
}

static int plan_push(vessel *v, seg s)
{
	seg *segs = grow(v->segs, &v->cap, v->nsegs, sizeof s);
	if (!segs)
		return EM_ENOMEM;
	v->segs = segs;
	v->segs[v->nsegs++] = s;
	return 0;
}

/* Where the plan stands: the end of its last segment. */
typedef struct cursor {
	int64_t t;
	double lat, lon;
} cursor;

static int64_t sail_seconds(const cursor *c, double lat, double lon, double knots)
{
	return llround(dist_km(c->lat, c->lon, lat, lon) / NM_KM / knots * 3600.0);
}

static int plan_sail(vessel *v, cursor *c, double lat, double lon, double knots)
{
	int64_t dt = sail_seconds(c, lat, lon, knots);
	seg s = {c->t, c->t + dt, c->lat, c->lon, lat, lon, 0, 0};
	c->t += dt;
	c->lat = lat;
	c->lon = lon;
	return plan_push(v, s);
}

static int plan_moor(vessel *v, cursor *c, int64_t seconds)
{
	seg s = {c->t, c->t + seconds, c->lat, c->lon, c->lat, c->lon, 1, 0};
	c->t += seconds;
	return plan_push(v, s);
}

/* A silent move: reported at one place, then (seconds later) at another. */
static int plan_jump(vessel *v, cursor *c, double lat, double lon, int64_t seconds)
{
	seg s = {c->t, c->t + seconds, c->lat, c->lon, lat, lon, 0, 1};
	c->t += seconds;
	c->lat = lat;
	c->lon = lon;
	return plan_push(v, s);
}

static void seg_at(const seg *s, int64_t t, double *lat, double *lon)
{
	double f = s->t1 > s->t0 ? (double)(t - s->t0) / (double)(s->t1 - s->t0) : 0.0;
	*lat = s->lat0 + (s->lat1 - s->lat0) * f;
	*lon = s->lon0 + (s->lon1 - s->lon0) * f;
}

/* Cuts the segment that holds `t` inside it in two at t. */
static int plan_split(vessel *v, int64_t t)
{
	for (size_t i = 0; i < v->nsegs; i++) {
		seg *s = &v->segs[i];
		if (t <= s->t0 || t >= s->t1)
			continue;
		seg b = *s;
		double lat, lon;
		seg_at(s, t, &lat, &lon);
		s->t1 = t;
		s->lat1 = lat;
		s->lon1 = lon;
		b.t0 = t;
		b.lat0 = lat;
		b.lon0 = lon;
		if (plan_push(v, b) != 0)
			return EM_ENOMEM;
		/* Keep the order: move the new segment just after i. */
		memmove(&v->segs[i + 2], &v->segs[i + 1], (v->nsegs - i - 2) * sizeof(seg));
		v->segs[i + 1] = b;
		return 0;
	}
	return 0;
}

/* The transmitter is off from `from` to `to`; the vessel keeps moving as planned. */
static int plan_silence(vessel *v, int64_t from, int64_t to)
{
	if (plan_split(v, from) != 0 || plan_split(v, to) != 0)
		return EM_ENOMEM;
	for (size_t i = 0; i < v->nsegs; i++)
		if (v->segs[i].t0 >= from && v->segs[i].t1 <= to)
			v->segs[i].silent = 1;
	return 0;
}

/* --- identities ----------------------------------------------------------------------- */

/* An IMO number with its check digit: the six digits weighted 7..2, sum modulo 10. */
static uint32_t imo_number(uint32_t six)
{
	uint32_t sum = 0, d = six;
	for (uint32_t w = 2; w <= 7; w++, d /= 10)
		sum += (d % 10) * w;
	return six * 10 + sum % 10;
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void identity(vessel *v, uint32_t mmsi, uint32_t imo, const char *name, const char *callsign,
		     const char *destination, int shiptype, int length, int beam, int draught)
{
	v->mmsi = mmsi;
	v->imo = imo;
	copy_text(v->name, sizeof v->name, name);
	copy_text(v->callsign, sizeof v->callsign, callsign);
	copy_text(v->destination, sizeof v->destination, destination);
	v->shiptype = shiptype;
	v->to_bow = length * 3 / 4;
	v->to_stern = length - v->to_bow;
	v->to_port = beam / 2;
	v->to_starboard = beam - v->to_port;
	v->draught = draught;
	v->rename_at = -1;
	v->last_old_name = v->first_new_name = -1;
	v->eta_month = 0;
	v->eta_day = 0;
	v->eta_hour = 24;
	v->eta_minute = 60;
}

/* --- the incidents -------------------------------------------------------------------- */

typedef struct scenario {
	vessel *v;
	size_t n, cap;
	int64_t end;                /* seconds after T_ZERO: nobody reports after this */
	uint64_t seed;
} scenario;

/* Incident vessels, in this order at the start of scenario.v. */
enum { V_A, V_B, V_C, V_D, V_E, N_INCIDENT };

static vessel *add_vessel(scenario *sc)
{
	vessel *all = grow(sc->v, &sc->cap, sc->n, sizeof *sc->v);
	if (!all)
		return NULL;
	sc->v = all;
	vessel *v = &sc->v[sc->n];
	memset(v, 0, sizeof *v);
	/* Every vessel its own stream, whatever the others draw. */
	v->rng = sc->seed * 0xD1B54A32D192ED03ull + (uint64_t)sc->n * 0x9E3779B97F4A7C15ull + 1;
	rng_next(&v->rng);
	sc->n++;
	return v;
}

/* ETA fields of the type 5 message from a plan time. */
static void set_eta(vessel *v, int64_t t)
{
	char iso[32];
	ais_time_iso((T_ZERO + t) * 1000, iso);
	v->eta_month = (iso[5] - '0') * 10 + (iso[6] - '0');
	v->eta_day = (iso[8] - '0') * 10 + (iso[9] - '0');
	v->eta_hour = (iso[11] - '0') * 10 + (iso[12] - '0');
	v->eta_minute = (iso[14] - '0') * 10 + (iso[15] - '0');
}

/* A: berthed at Amirabad, sails to Makhachkala along the middle of the sea at 10 knots, silent
 * for 20 hours mid-route, berthed at Makhachkala, then leaves. */
static int plan_a(scenario *sc)
{
	static const double route[][2] = {
		{37.30, 52.60}, {38.50, 51.80}, {40.00, 51.50}, {41.20, 50.30}, {42.95, 48.00},
	};
	vessel *v = add_vessel(sc);
	if (!v)
		return EM_ENOMEM;
	identity(v, 273415620, imo_number(941235), "SEVERNY OBLAK", "UBRX7", "MAKHACHKALA", 70,
		 124, 16, 42);
	v->berth_heading = 312;
	const struct port *from = &ports[PORT_AMIRABAD], *to = &ports[PORT_MAKHACHKALA];
	cursor c = {0, from->lat, from->lon};
	int rc = plan_moor(v, &c, 6 * HOUR);
	/* Out of port at 6 knots for 2 nautical miles, then 10 knots. */
	double lat, lon;
	dest(from->lat, from->lon, 305.0, 2 * NM_KM, &lat, &lon);
	rc = rc ? rc : plan_sail(v, &c, lat, lon, 6.0);
	for (size_t i = 0; i < sizeof route / sizeof route[0] && !rc; i++)
		rc = plan_sail(v, &c, route[i][0], route[i][1], 10.0);
	/* In at 6 knots for the last 2 nautical miles, square to the coast (which runs NW-SE). */
	dest(to->lat, to->lon, 60.0, 2 * NM_KM, &lat, &lon);
	rc = rc ? rc : plan_sail(v, &c, lat, lon, 10.0);
	rc = rc ? rc : plan_sail(v, &c, to->lat, to->lon, 6.0);
	set_eta(v, c.t);
	rc = rc ? rc : plan_moor(v, &c, 8 * HOUR);
	dest(to->lat, to->lon, 80.0, 2 * NM_KM, &lat, &lon);
	rc = rc ? rc : plan_sail(v, &c, lat, lon, 6.0);
	dest(lat, lon, 80.0, 20 * NM_KM, &lat, &lon);
	rc = rc ? rc : plan_sail(v, &c, lat, lon, 10.0);
	rc = rc ? rc : plan_silence(v, 18 * HOUR, 38 * HOUR);
	sc->end = c.t;
	return rc;
}

/*
 * One side of the meeting: from 51 nautical miles out at 10 knots, the last mile at 3 knots,
 * drifting with the other ship at 0.5 knots for 3 hours, a mile at 4 knots and 50 at 10 away.
 */
static int plan_meeting_side(vessel *v, double mlat, double mlon, double drift_lat,
			     double drift_lon, double from_brg, double away_brg, int64_t meet)
{
	double lat, lon, slat, slon;
	dest(mlat, mlon, from_brg, NM_KM, &lat, &lon);
	dest(mlat, mlon, from_brg, 51 * NM_KM, &slat, &slon);
	cursor c = {0, slat, slon};
	int64_t t_slow = sail_seconds(&(cursor){0, lat, lon}, mlat, mlon, 3.0);
	int64_t t_fast = sail_seconds(&c, lat, lon, 10.0);
	c.t = meet - t_slow - t_fast;
	int rc = plan_sail(v, &c, lat, lon, 10.0);
	rc = rc ? rc : plan_sail(v, &c, mlat, mlon, 3.0);
	if (rc)
		return rc;
	/* Drift: the speed follows from the distance; the end time is fixed. */
	seg s = {c.t, c.t + 3 * HOUR, mlat, mlon, drift_lat, drift_lon, 0, 0};
	c = (cursor){s.t1, drift_lat, drift_lon};
	rc = plan_push(v, s);
	dest(drift_lat, drift_lon, away_brg, NM_KM, &lat, &lon);
	rc = rc ? rc : plan_sail(v, &c, lat, lon, 4.0);
	dest(lat, lon, away_brg, 50 * NM_KM, &lat, &lon);
	return rc ? rc : plan_sail(v, &c, lat, lon, 10.0);
}

/* B and C: meet mid-sea (42.10 N 50.60 E, far from any port) 180-230 m apart for 3 hours. */
static int plan_bc(scenario *sc)
{
	const double mlat = 42.10, mlon = 50.60;
	const int64_t meet = 24 * HOUR;
	vessel *b = add_vessel(sc);
	if (!b)
		return EM_ENOMEM;
	identity(b, 273318440, imo_number(927384), "NEFT BEREG", "UCKL4", "FOR ORDERS", 80, 141,
		 17, 58);
	vessel *c = add_vessel(sc);
	if (!c)
		return EM_ENOMEM;
	identity(c, 422907310, 0, "KARA MORE", "EPQZ3", "", 80, 64, 11, 0);
	c->class_b = 1;
	b = &sc->v[V_B];
	/* Both drift south-east at 0.5 knots; C 180 m north-east of B at first, 230 m at the end. */
	double be_lat, be_lon, cs_lat, cs_lon, ce_lat, ce_lon;
	dest(mlat, mlon, 135.0, 1.5 * NM_KM, &be_lat, &be_lon);
	dest(mlat, mlon, 45.0, 0.180, &cs_lat, &cs_lon);
	dest(be_lat, be_lon, 45.0, 0.230, &ce_lat, &ce_lon);
	int rc = plan_meeting_side(b, mlat, mlon, be_lat, be_lon, 315.0, 0.0, meet);
	return rc ? rc : plan_meeting_side(c, cs_lat, cs_lon, ce_lat, ce_lon, 180.0, 200.0, meet);
}

/* D: northbound at 11 knots; its reports jump 300 km north in 10 minutes and go on from there. */
static int plan_d(scenario *sc)
{
	vessel *v = add_vessel(sc);
	if (!v)
		return EM_ENOMEM;
	identity(v, 422561870, imo_number(915873), "SAHAR ANZALI", "EPBV9", "ASTRAKHAN", 70, 118,
		 17, 46);
	cursor c = {8 * HOUR, 37.80, 51.00};
	double lat, lon;
	dest(c.lat, c.lon, 0.0, 66 * NM_KM, &lat, &lon);
	int rc = plan_sail(v, &c, lat, lon, 11.0);
	dest(lat, lon, 0.0, 300.0, &lat, &lon);
	rc = rc ? rc : plan_jump(v, &c, lat, lon, 600);
	dest(lat, lon, 0.0, 66 * NM_KM, &lat, &lon);
	return rc ? rc : plan_sail(v, &c, lat, lon, 11.0);
}

/* E: sails north at 11 knots without a gap; its static data change name at hour 34. */
static int plan_e(scenario *sc)
{
	vessel *v = add_vessel(sc);
	if (!v)
		return EM_ENOMEM;
	identity(v, 423190450, imo_number(936612), "ARAS 1", "4JKP2", "BAKU", 70, 110, 16, 39);
	copy_text(v->new_name, sizeof v->new_name, "ARAS PEYK");
	v->rename_at = 34 * HOUR;
	cursor c = {30 * HOUR, 37.90, 49.90};
	return plan_sail(v, &c, 39.60, 50.30, 11.0);
}

/* --- normal traffic ------------------------------------------------------------------- */

static const char *const name_a[] = {
	"KASPIY", "VOLGA", "SULAK", "TEREK", "KURA", "GILAN", "MAZANDARAN", "SHIRVAN",
	"MANGYSHLAK", "BALKAN", "ABSHERON", "DAGESTAN", "TALYSH", "SAMUR",
};
static const char *const name_b[] = {
	"STAR", "TRADER", "SPIRIT", "WAVE", "PRIDE", "EXPRESS", "HOPE", "LINE", "BRIDGE", "GLORY",
};
static const uint32_t mids[] = {273, 422, 423, 436, 434};

/* A normal vessel's identity from its number k (distinct MMSIs, valid IMO numbers). */
static void normal_identity(vessel *v, unsigned k, uint64_t *rng)
{
	uint32_t mmsi = mids[k % 5] * 1000000u + 500000u + k / 5;
	char name[21], callsign[8];
	snprintf(name, sizeof name, "%s %s %u", name_a[k % 14], name_b[(k / 14) % 10], k % 97 + 1);
	snprintf(callsign, sizeof callsign, "%c%c%04u", "UEJTU"[k % 5], (char)('A' + k % 26),
		 k % 10000);
	int class_b = rng_unit(rng) < 0.25;
	identity(v, mmsi, class_b ? 0 : imo_number(900000u + k % 100000u), name, callsign,
		 class_b ? "" : "CASPIAN", class_b ? 37 : (rng_unit(rng) < 0.5 ? 70 : 80),
		 class_b ? 24 : (int)rng_int(rng, 80, 150), class_b ? 7 : 16,
		 class_b ? 0 : (int)rng_int(rng, 30, 60));
	v->class_b = class_b;
}

static void box_point(const struct box *b, uint64_t *rng, double *lat, double *lon)
{
	*lat = rng_range(rng, b->lat0, b->lat1);
	*lon = rng_range(rng, b->lon0, b->lon1);
}

/* The smaller box more rarely, by area. */
static const struct box *pick_box(uint64_t *rng)
{
	return rng_unit(rng) < 0.55 ? &boxes[0] : &boxes[1];
}

/* Positions on a flat chart (km) good enough to keep vessels kilometres apart. */
static void chart(double lat, double lon, double *x, double *y)
{
	*x = lon * cos(41.0 * DEG) * (EARTH_KM * DEG);
	*y = lat * (EARTH_KM * DEG);
}

/* Closest approach (km, on the chart) of two segments over the time both are under way. */
static double seg_closest(const seg *a, const seg *b)
{
	int64_t t0 = a->t0 > b->t0 ? a->t0 : b->t0, t1 = a->t1 < b->t1 ? a->t1 : b->t1;
	if (t0 > t1)
		return INFINITY;
	double p[2][2], q[2][2];
	double la, lo;
	seg_at(a, t0, &la, &lo);
	chart(la, lo, &p[0][0], &p[0][1]);
	seg_at(a, t1, &la, &lo);
	chart(la, lo, &p[1][0], &p[1][1]);
	seg_at(b, t0, &la, &lo);
	chart(la, lo, &q[0][0], &q[0][1]);
	seg_at(b, t1, &la, &lo);
	chart(la, lo, &q[1][0], &q[1][1]);
	/* Relative position r(f) = r0 + f * dr for f in [0, 1]. */
	double rx = q[0][0] - p[0][0], ry = q[0][1] - p[0][1];
	double dx = (q[1][0] - p[1][0]) - rx, dy = (q[1][1] - p[1][1]) - ry;
	double dd = dx * dx + dy * dy, f = dd > 0 ? -(rx * dx + ry * dy) / dd : 0.0;
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	return hypot(rx + f * dx, ry + f * dy);
}

static double vessel_closest(const vessel *a, const vessel *b)
{
	double best = INFINITY;
	for (size_t i = 0; i < a->nsegs; i++)
		for (size_t j = 0; j < b->nsegs; j++) {
			double d = seg_closest(&a->segs[i], &b->segs[j]);
			if (d < best)
				best = d;
		}
	return best;
}

/*
 * Background vessels: each a straight line at 10-15 knots across one box, some time within
 * the scenario, at least CLEAR_KM from every other vessel all along (tried again otherwise).
 */
static int plan_background(scenario *sc, unsigned count)
{
	uint64_t rng = sc->seed ^ 0x6A09E667F3BCC909ull;
	for (unsigned k = 0; k < count; k++) {
		vessel *v = add_vessel(sc);
		if (!v)
			return EM_ENOMEM;
		normal_identity(v, k, &rng);
		int placed = 0;
		for (int attempt = 0; attempt < 500 && !placed; attempt++) {
			const struct box *b = pick_box(&rng);
			double lat0, lon0, lat1, lon1;
			do {
				box_point(b, &rng, &lat0, &lon0);
				box_point(b, &rng, &lat1, &lon1);
			} while (dist_km(lat0, lon0, lat1, lon1) < 60.0);
			double knots = rng_range(&rng, 10.0, 15.0);
			cursor c = {0, lat0, lon0};
			int64_t dur = sail_seconds(&c, lat1, lon1, knots);
			if (dur >= sc->end)
				continue;
			c.t = rng_int(&rng, 0, sc->end - dur);
			v->nsegs = 0;
			if (plan_sail(v, &c, lat1, lon1, knots) != 0)
				return EM_ENOMEM;
			placed = 1;
			for (size_t o = 0; o + 1 < sc->n && placed; o++)
				if (vessel_closest(v, &sc->v[o]) < CLEAR_KM)
					placed = 0;
		}
		if (!placed)
			return em_fail(EM_ELIMIT, "ais scenario: no room for background vessel %u "
				       "at %.0f km from the others", k + 1, CLEAR_KM);
	}
	return 0;
}

/* Scale mode: vessels sailing from point to point of a box at 10-16 knots for the whole time. */
static int plan_traffic(scenario *sc, unsigned count, unsigned hours)
{
	uint64_t rng = sc->seed ^ 0xBB67AE8584CAA73Bull;
	sc->end = (int64_t)hours * HOUR;
	for (unsigned k = 0; k < count; k++) {
		vessel *v = add_vessel(sc);
		if (!v)
			return EM_ENOMEM;
		normal_identity(v, k, &rng);
		const struct box *b = pick_box(&rng);
		cursor c = {0, 0, 0};
		box_point(b, &rng, &c.lat, &c.lon);
		double knots = rng_range(&rng, 10.0, 16.0);
		while (c.t < sc->end) {
			double lat, lon;
			do
				box_point(b, &rng, &lat, &lon);
			while (dist_km(c.lat, c.lon, lat, lon) < 30.0);
			if (plan_sail(v, &c, lat, lon, knots) != 0)
				return EM_ENOMEM;
		}
		/* End every track at the same time. */
		if (plan_split(v, sc->end) != 0)
			return EM_ENOMEM;
		while (v->nsegs > 0 && v->segs[v->nsegs - 1].t0 >= sc->end)
			v->nsegs--;
	}
	return 0;
}

/* --- sending -------------------------------------------------------------------------- */

/* The end of the on-air stretch that starts at segment i. */
static int64_t air_end(const vessel *v, size_t i)
{
	while (i + 1 < v->nsegs && !v->segs[i + 1].silent)
		i++;
	return v->segs[i].t1;
}

/* The first segment on air at or after segment i, or nsegs. */
static size_t next_on_air(const vessel *v, size_t i)
{
	while (i < v->nsegs && v->segs[i].silent)
		i++;
	return i;
}

static void schedule_start(vessel *v)
{
	size_t i = next_on_air(v, 0);
	v->first = v->last = -1;
	v->next_pos = v->next_static = INT64_MAX;
	if (i == v->nsegs)
		return;
	v->pos_seg = v->static_seg = i;
	v->air_end_pos = v->air_end_static = air_end(v, i);
	v->next_pos = v->segs[i].t0;
	v->next_static = v->segs[i].t0 + rng_int(&v->rng, 0, STATIC_EVERY);
	if (v->next_static > v->air_end_static)
		v->next_static = v->air_end_static;
}

/* The stretch after the one that ends at `end` (seg index updated), or INT64_MAX. */
static int64_t next_stretch(const vessel *v, size_t *seg_i, int64_t *end, int64_t offset)
{
	size_t i = *seg_i;
	while (i < v->nsegs && v->segs[i].t1 <= *end)
		i++;
	i = next_on_air(v, i);
	*seg_i = i;
	if (i == v->nsegs)
		return INT64_MAX;
	*end = air_end(v, i);
	int64_t t = v->segs[i].t0 + offset;
	return t < *end ? t : *end;
}

static void schedule_pos(vessel *v, int64_t t)
{
	if (t >= v->air_end_pos) {
		v->next_pos = next_stretch(v, &v->pos_seg, &v->air_end_pos, 0);
		return;
	}
	/* The last report falls on the end of the stretch, never closer than POS_MIN to the one
	 * before nor further than POS_MAX. */
	int64_t n = t + rng_int(&v->rng, POS_MIN, POS_MAX), end = v->air_end_pos;
	if (n > end - POS_MIN)
		n = end - t <= POS_MAX ? end : end - POS_MIN;
	v->next_pos = n;
}

static void schedule_static(vessel *v, int64_t t)
{
	int64_t n = t + STATIC_EVERY + rng_int(&v->rng, -STATIC_JITTER, STATIC_JITTER);
	if (n <= v->air_end_static) {
		v->next_static = n;
		return;
	}
	v->next_static = next_stretch(v, &v->static_seg, &v->air_end_static,
				      rng_int(&v->rng, 0, STATIC_EVERY));
}

typedef struct writer {
	FILE *f;
	em_ais_scenario_stats st;
	unsigned seqid;
	int failed;
} writer;

/* Sends on the channel given, or on either at random (0). */
static void send(writer *w, em_ais_msg *m, int64_t t, vessel *v, char channel)
{
	m->mmsi = v->mmsi;
	m->rxtime = (T_ZERO + t) * 1000;
	m->channel = channel ? channel : (rng_next(&v->rng) & 1) ? 'B' : 'A';
	char buf[EM_AIS_ENCODE_MAX];
	int n = em_ais_encode(buf, sizeof buf, m, SOURCE, (int)(w->seqid % 10));
	if (n < 0) {
		w->failed = n;
		return;
	}
	if (m->type == 5)
		w->seqid++;
	if (fwrite(buf, 1, (size_t)n, w->f) != (size_t)n)
		w->failed = em_fail(EM_EIO, "ais scenario: cannot write the output");
	w->st.messages++;
	w->st.sentences += m->type == 5 ? 2 : 1;
	w->st.bytes += (uint64_t)n;
	if (v->first < 0)
		v->first = t;
	v->last = t;
}

static int keep_fix(vessel *v, int64_t t, double lat, double lon)
{
	fix *fixes = grow(v->fixes, &v->fixcap, v->nfixes, sizeof *fixes);
	if (!fixes)
		return EM_ENOMEM;
	v->fixes = fixes;
	v->fixes[v->nfixes++] = (fix){t, lat, lon};
	return 0;
}

static int32_t to_raw(double deg)
{
	return (int32_t)lround(deg * 600000.0);
}

static void send_position(writer *w, vessel *v, int64_t t)
{
	/* At the end of a silence (or a jump) the segment after it says how the vessel moves. */
	while (v->cur + 1 < v->nsegs &&
	       (v->segs[v->cur].t1 < t || (v->segs[v->cur].t1 == t && v->segs[v->cur].silent)))
		v->cur++;
	const seg *s = &v->segs[v->cur];
	double lat, lon;
	seg_at(s, t, &lat, &lon);
	em_ais_msg m = {0};
	m.type = v->class_b ? 18 : 1;
	m.accuracy = 1;
	m.second = (int)(t % 60);
	m.radio = (uint32_t)(rng_next(&v->rng) & (v->class_b ? 0xFFFFF : 0x7FFFF));
	double noise_m = s->moored ? 3.0 : 8.0;
	lat += rng_noise(&v->rng) * noise_m / 1000.0 / (EARTH_KM * DEG);
	lon += rng_noise(&v->rng) * noise_m / 1000.0 / (EARTH_KM * DEG * cos(lat * DEG));
	m.lat = to_raw(lat);
	m.lon = to_raw(lon);
	if (s->moored) {
		m.status = 5;
		m.speed = 0;
		m.course = EM_AIS_COURSE_NA;
		m.heading = v->berth_heading;
	} else {
		/* Speed and course of the straight line, measured where the vessel is. */
		double dlat = s->lat1 - s->lat0, dlon = (s->lon1 - s->lon0) * cos(lat * DEG);
		double hours = (double)(s->t1 - s->t0) / 3600.0;
		double knots = hours > 0 ? hypot(dlat, dlon) * 60.0 / hours : 0.0;
		double course = atan2(dlon, dlat) / DEG;
		knots += rng_noise(&v->rng) * (knots < 2.0 ? 0.1 : 0.2);
		course += rng_noise(&v->rng) * 1.0;
		course = fmod(course + 360.0, 360.0);
		int heading = (int)lround(course + rng_noise(&v->rng) * 2.0);
		m.status = 0;
		m.speed = (int)lround((knots < 0 ? 0 : knots) * 10.0);
		m.course = (int)lround(course * 10.0) % 3600;
		m.heading = (heading % 360 + 360) % 360;
	}
	if (v->class_b) {
		/* A carrier-sense unit that uses the whole band and takes message 22. */
		m.cs = 1;
		m.band = 1;
		m.msg22 = 1;
	}
	send(w, &m, t, v, 0);
	if (v->keep && keep_fix(v, t, m.lat / 600000.0, m.lon / 600000.0) != 0)
		w->failed = EM_ENOMEM;
}

static void send_static(writer *w, vessel *v, int64_t t)
{
	const char *name = v->rename_at >= 0 && t >= v->rename_at ? v->new_name : v->name;
	if (v->rename_at >= 0) {
		if (t < v->rename_at)
			v->last_old_name = t;
		else if (v->first_new_name < 0)
			v->first_new_name = t;
	}
	em_ais_msg m = {0};
	if (v->class_b) {
		m.type = 24;
		m.part = 'A';
		copy_text(m.shipname, sizeof m.shipname, name);
		send(w, &m, t, v, 0);
		/* Part B right after on the same channel, as a transponder sends them. */
		char channel = m.channel;
		memset(&m, 0, sizeof m);
		m.channel = channel;
		m.type = 24;
		m.part = 'B';
		m.shiptype = v->shiptype;
		copy_text(m.vendorid, sizeof m.vendorid, "SRT");
		m.model = 2;
		m.serial = v->mmsi % 1000000u;
		copy_text(m.callsign, sizeof m.callsign, v->callsign);
	} else {
		m.type = 5;
		m.imo = v->imo;
		copy_text(m.callsign, sizeof m.callsign, v->callsign);
		copy_text(m.shipname, sizeof m.shipname, name);
		m.shiptype = v->shiptype;
		m.epfd = 1;
		m.eta_month = v->eta_month;
		m.eta_day = v->eta_day;
		m.eta_hour = v->eta_hour;
		m.eta_minute = v->eta_minute;
		m.draught = v->draught;
		copy_text(m.destination, sizeof m.destination, v->destination);
	}
	m.to_bow = v->to_bow;
	m.to_stern = v->to_stern;
	m.to_port = v->to_port;
	m.to_starboard = v->to_starboard;
	send(w, &m, t, v, m.channel);
}

/* A binary heap of vessel numbers by their next report (time, then vessel number). */
typedef struct heap {
	size_t *h, n;
	const vessel *v;
} heap;

static int64_t next_time(const vessel *v)
{
	return v->next_pos < v->next_static ? v->next_pos : v->next_static;
}

static int heap_less(const heap *hp, size_t a, size_t b)
{
	int64_t ta = next_time(&hp->v[a]), tb = next_time(&hp->v[b]);
	return ta < tb || (ta == tb && a < b);
}

static void heap_down(heap *hp, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < hp->n && heap_less(hp, hp->h[l], hp->h[m]))
			m = l;
		if (r < hp->n && heap_less(hp, hp->h[r], hp->h[m]))
			m = r;
		if (m == i)
			return;
		size_t tmp = hp->h[i];
		hp->h[i] = hp->h[m];
		hp->h[m] = tmp;
		i = m;
	}
}

static int send_all(scenario *sc, writer *w)
{
	heap hp = {malloc(sc->n * sizeof(size_t)), 0, sc->v};
	if (!hp.h)
		return em_fail(EM_ENOMEM, "ais scenario: out of memory");
	for (size_t i = 0; i < sc->n; i++) {
		schedule_start(&sc->v[i]);
		if (next_time(&sc->v[i]) != INT64_MAX)
			hp.h[hp.n++] = i;
	}
	for (size_t i = hp.n; i-- > 0;)
		heap_down(&hp, i);
	while (hp.n > 0 && !w->failed) {
		vessel *v = &sc->v[hp.h[0]];
		if (v->next_pos <= v->next_static) {
			int64_t t = v->next_pos;
			send_position(w, v, t);
			schedule_pos(v, t);
		} else {
			int64_t t = v->next_static;
			send_static(w, v, t);
			schedule_static(v, t);
		}
		if (next_time(v) == INT64_MAX)
			hp.h[0] = hp.h[--hp.n];
		heap_down(&hp, 0);
	}
	free(hp.h);
	return w->failed;
}

/* --- ground truth --------------------------------------------------------------------- */

static void iso(int64_t t, char out[32])
{
	ais_time_iso((T_ZERO + t) * 1000, out);
}

typedef struct truth {
	FILE *f;
	uint64_t events;
} truth;

static void put_head(truth *tr, const char *kind, const vessel *a, const vessel *b, int64_t t0,
		     int64_t t1)
{
	char s[32], e[32];
	iso(t0, s);
	iso(t1, e);
	fprintf(tr->f, "{\"kind\":\"%s\",\"mmsi\":[%u", kind, (unsigned)a->mmsi);
	if (b)
		fprintf(tr->f, ",%u", (unsigned)b->mmsi);
	fprintf(tr->f, "],\"name\":\"%s\",\"start\":\"%s\",\"end\":\"%s\"", a->name, s, e);
	tr->events++;
}

/* A port call: from the first fix within 3 km of the port to the last within 4 km before the
 * vessel is beyond 4 km again (or its last fix). */
typedef struct call {
	int64_t t0, t1;
	int found;
} call;

static call port_call(const vessel *v, const struct port *p)
{
	call c = {0, 0, 0};
	for (size_t i = 0; i < v->nfixes; i++) {
		double d = dist_km(v->fixes[i].lat, v->fixes[i].lon, p->lat, p->lon);
		if (!c.found && d <= 3.0) {
			c.found = 1;
			c.t0 = c.t1 = v->fixes[i].t;
		} else if (c.found && d <= 4.0) {
			c.t1 = v->fixes[i].t;
		} else if (c.found) {
			break;
		}
	}
	return c;
}

static void put_port_call(truth *tr, const vessel *v, const struct port *p, call c)
{
	put_head(tr, "port_call", v, NULL, c.t0, c.t1);
	fprintf(tr->f, ",\"port\":\"%s\",\"country\":\"%s\",\"lat\":%.4f,\"lon\":%.4f}\n", p->name,
		p->country, p->lat, p->lon);
}

/* The two fixes around the longest silence. */
static size_t widest(const vessel *v)
{
	size_t best = 1;
	for (size_t i = 1; i < v->nfixes; i++)
		if (v->fixes[i].t - v->fixes[i - 1].t > v->fixes[best].t - v->fixes[best - 1].t)
			best = i;
	return best;
}

static double implied_knots(const fix *a, const fix *b)
{
	double h = (double)(b->t - a->t) / 3600.0;
	return dist_km(a->lat, a->lon, b->lat, b->lon) / NM_KM / (h > 0 ? h : 1.0 / 3600.0);
}

/* The two fixes around the fastest implied move. */
static size_t fastest(const vessel *v)
{
	size_t best = 1;
	for (size_t i = 1; i < v->nfixes; i++)
		if (implied_knots(&v->fixes[i - 1], &v->fixes[i]) >
		    implied_knots(&v->fixes[best - 1], &v->fixes[best]))
			best = i;
	return best;
}

static void put_ends(truth *tr, const fix *a, const fix *b)
{
	fprintf(tr->f, ",\"start_lat\":%.6f,\"start_lon\":%.6f,\"end_lat\":%.6f,\"end_lon\":%.6f",
		a->lat, a->lon, b->lat, b->lon);
}

/* The events in the order of their start. */
static int write_truth(scenario *sc, truth *tr)
{
	const vessel *a = &sc->v[V_A], *b = &sc->v[V_B], *c = &sc->v[V_C], *d = &sc->v[V_D],
		     *e = &sc->v[V_E];
	if (a->nfixes < 2 || b->nsegs < 3 || c->nsegs < 3 || d->nfixes < 2 ||
	    e->first_new_name < 0)
		return em_fail(EM_ERROR, "ais scenario: the incidents were not all sent");
	const struct port *pa = &ports[PORT_AMIRABAD], *pm = &ports[PORT_MAKHACHKALA];
	call ca = port_call(a, pa), cm = port_call(a, pm);
	if (!ca.found || !cm.found)
		return em_fail(EM_ERROR, "ais scenario: vessel A made no port call");
	put_port_call(tr, a, pa, ca);

	put_head(tr, "transit", a, NULL, ca.t1, cm.t0);
	fprintf(tr->f, ",\"from\":\"%s\",\"from_country\":\"%s\",\"to\":\"%s\",\"to_country\":"
		"\"%s\"}\n", pa->name, pa->country, pm->name, pm->country);

	size_t j = fastest(d);
	const fix *j0 = &d->fixes[j - 1], *j1 = &d->fixes[j];
	put_head(tr, "spoofing", d, NULL, j0->t, j1->t);
	put_ends(tr, j0, j1);
	fprintf(tr->f, ",\"distance_km\":%.1f,\"implied_speed_kn\":%.0f}\n",
		dist_km(j0->lat, j0->lon, j1->lat, j1->lon), implied_knots(j0, j1));

	size_t g = widest(a);
	const fix *g0 = &a->fixes[g - 1], *g1 = &a->fixes[g];
	put_head(tr, "gap", a, NULL, g0->t, g1->t);
	put_ends(tr, g0, g1);
	fprintf(tr->f, ",\"hours\":%.2f}\n", (double)(g1->t - g0->t) / 3600.0);

	/* The encounter: B's and C's drifting segments (the third of each plan). */
	const seg *sb = &b->segs[2], *scg = &c->segs[2];
	double d0 = dist_km(sb->lat0, sb->lon0, scg->lat0, scg->lon0);
	double d1 = dist_km(sb->lat1, sb->lon1, scg->lat1, scg->lon1);
	put_head(tr, "encounter", b, c, sb->t0, sb->t1);
	fprintf(tr->f, ",\"names\":[\"%s\",\"%s\"],\"lat\":%.4f,\"lon\":%.4f,\"min_distance_m\":%.0f,"
		"\"max_distance_m\":%.0f,\"speed_kn\":%.1f}\n", b->name, c->name,
		(sb->lat0 + sb->lat1) / 2, (sb->lon0 + sb->lon1) / 2, 1000 * (d0 < d1 ? d0 : d1),
		1000 * (d0 > d1 ? d0 : d1),
		dist_km(sb->lat0, sb->lon0, sb->lat1, sb->lon1) / NM_KM / 3.0);

	put_head(tr, "identity_change", e, NULL, e->last_old_name, e->first_new_name);
	fprintf(tr->f, ",\"imo\":%u,\"field\":\"shipname\",\"old\":\"%s\",\"new\":\"%s\"}\n",
		(unsigned)e->imo, e->name, e->new_name);

	put_port_call(tr, a, pm, cm);
	return 0;
}

/* --- options and the whole run -------------------------------------------------------- */

int em_ais_scenario_set(em_ais_scenario_options *o, const char *name, const char *value)
{
	unsigned long long max;
	if (!strcmp(name, "seed"))
		max = UINT64_MAX;
	else if (!strcmp(name, "background"))
		max = MAX_BACKGROUND;
	else if (!strcmp(name, "vessels"))
		max = MAX_VESSELS;
	else if (!strcmp(name, "hours"))
		max = 8760;
	else
		return em_fail(EM_EINVAL, "ais scenario: unknown option '%s' (seed, background, "
			       "vessels, hours)", name);
	unsigned long long v = 0;
	int ok = value && value[0] >= '0' && value[0] <= '9';
	if (ok) {
		char *end;
		errno = 0;
		v = strtoull(value, &end, 10);
		ok = *end == '\0' && errno == 0 && v <= max;
	}
	if (!ok)
		return em_fail(EM_EINVAL, "ais scenario: option '%s': '%s' is not a number from 0 to "
			       "%llu", name, value ? value : "", max);
	if (!strcmp(name, "seed"))
		o->seed = v;
	else if (!strcmp(name, "background"))
		o->background = (unsigned)v;
	else if (!strcmp(name, "vessels"))
		o->vessels = (unsigned)v;
	else if (v == 0)
		return em_fail(EM_EINVAL, "ais scenario: option 'hours': at least 1");
	else
		o->hours = (unsigned)v;
	return 0;
}

static int plan(scenario *sc, const em_ais_scenario_options *o)
{
	if (o->vessels > 0)
		return plan_traffic(sc, o->vessels, o->hours);
	int rc = plan_a(sc);
	rc = rc ? rc : plan_bc(sc);
	rc = rc ? rc : plan_d(sc);
	rc = rc ? rc : plan_e(sc);
	if (rc)
		return rc;
	for (size_t i = 0; i < N_INCIDENT; i++)
		sc->v[i].keep = 1;
	return plan_background(sc, o->background);
}

static FILE *open_out(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!f)
		em_fail(EM_EIO, "ais scenario: %s: cannot open for writing", path);
	return f;
}

static int close_out(FILE *f, const char *path, int rc)
{
	if (!f)
		return rc;
	int bad = f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad && rc == 0)
		rc = em_fail(EM_EIO, "ais scenario: %s: cannot write", path);
	return rc;
}

int em_ais_scenario_write(const em_ais_scenario_options *o, const char *nmea_path,
			  const char *truth_path, em_ais_scenario_stats *out)
{
	if (!o || o->version != EM_AIS_SCENARIO_OPTIONS_VERSION || !nmea_path)
		return em_fail(EM_EINVAL, "ais scenario: no options or output");
	if (o->background > MAX_BACKGROUND || o->vessels > MAX_VESSELS || o->hours < 1 ||
	    o->hours > 8760)
		return em_fail(EM_EINVAL, "ais scenario: background at most %u, vessels at most "
			       "%u, hours 1 to 8760", MAX_BACKGROUND, MAX_VESSELS);
	if (o->background > 0 && o->vessels > 0)
		return em_fail(EM_EINVAL, "ais scenario: background vessels go with the incidents, "
			       "vessels with the scale mode: not both");
	scenario sc = {NULL, 0, 0, 0, o->seed};
	writer w = {0};
	truth tr = {NULL, 0};
	int rc = plan(&sc, o);
	if (rc == 0 && (w.f = open_out(nmea_path)) == NULL)
		rc = EM_EIO;
	if (rc == 0 && truth_path && (tr.f = open_out(truth_path)) == NULL)
		rc = EM_EIO;
	if (rc == 0)
		rc = send_all(&sc, &w);
	if (rc == 0 && tr.f && o->vessels == 0)
		rc = write_truth(&sc, &tr);
	rc = close_out(w.f, nmea_path, rc);
	rc = close_out(tr.f, truth_path, rc);
	if (rc == 0 && out) {
		*out = w.st;
		out->vessels = sc.n;
		out->events = tr.events;
		out->start = INT64_MAX;
		out->end = INT64_MIN;
		for (size_t i = 0; i < sc.n; i++) {
			const vessel *v = &sc.v[i];
			if (v->first < 0)
				continue;
			out->vessel_hours += (double)(v->last - v->first) / 3600.0;
			if (T_ZERO + v->first < out->start)
				out->start = T_ZERO + v->first;
			if (T_ZERO + v->last > out->end)
				out->end = T_ZERO + v->last;
		}
	}
	for (size_t i = 0; i < sc.n; i++) {
		free(sc.v[i].segs);
		free(sc.v[i].fixes);
	}
	free(sc.v);
	return rc;
}
