/*
 * test_ais_analyze.c: the AIS analysis on small hand-built tracks in the middle of the Caspian
 * Sea, one case per event kind, each with the near misses that must not fire (an 11-hour
 * silence, a silence at berth, a 1.9-hour meeting, a convoy, a 40-knot run), the scenario the
 * analysis exists for (Amirabad to Makhachkala with a 20-hour gap), the configuration and port
 * files with their error messages, and screening against a fixture list.
 */
#include <math.h>
#include <stdint.h>

#include "embargo/em_ais_analyze.h"
#include "embargo/em_lists.h"
#include "test.h"

#define T0 1700000000 /* 2023-11-14T22:13:20Z */
#define SEA_LAT 41.5  /* mid-Caspian: over 100 km from every port */
#define SEA_LON 50.5

/* The point north_km and east_km away from (lat, lon). */
static void offset(double lat, double lon, double north_km, double east_km, double *la, double *lo)
{
	*la = lat + north_km / 111.195;
	*lo = lon + east_km / (111.195 * cos(lat * M_PI / 180));
}

/* Fixes every `step` seconds from t0 to t0 + secs (both included), moving in a straight line
 * (linear in degrees) from p0 to p1 and reporting `knots`, and one at t0 + secs. Returns that time. */
static int64_t leg(em_ais_analysis *a, uint32_t mmsi, int64_t t0, double lat0, double lon0, double lat1,
		   double lon1, int64_t secs, int64_t step, double knots)
{
	for (int64_t t = 0; t <= secs; t = t < secs && t + step > secs ? secs : t + step) {
		double w = secs ? (double)t / secs : 0;
		CHECK(em_ais_analysis_add_position(a, mmsi, t0 + t, lat0 + w * (lat1 - lat0), lon0 + w * (lon1 - lon0),
						   knots) == 0);
	}
	return t0 + secs;
}

/* Seconds to cover km at knots. */
static int64_t secs_for(double km, double knots)
{
	return (int64_t)llround(km / 1.852 / knots * 3600);
}

static em_ais_analysis *new_analysis(void)
{
	em_ais_analysis *a = NULL;
	CHECK(em_ais_analysis_new(&a, NULL) == 0);
	return a;
}

static size_t count(const em_ais_analysis *a, em_ais_event_kind kind)
{
	size_t n, c = 0;
	const em_ais_event *ev = em_ais_analysis_events(a, &n);
	for (size_t i = 0; i < n; i++)
		c += ev[i].kind == kind;
	return c;
}

static const em_ais_event *first(const em_ais_analysis *a, em_ais_event_kind kind)
{
	size_t n;
	const em_ais_event *ev = em_ais_analysis_events(a, &n);
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == kind)
			return &ev[i];
	return NULL;
}

static size_t total(const em_ais_analysis *a)
{
	size_t n;
	em_ais_analysis_events(a, &n);
	return n;
}

/* A vessel sailing east at 10 knots for 3 h, silent `silence` seconds, then 3 h more. */
static em_ais_analysis *silent_run(int64_t silence)
{
	em_ais_analysis *a = new_analysis();
	double la, lo, la2, lo2, la3, lo3;
	offset(SEA_LAT, SEA_LON, 0, -150, &la, &lo);
	double km3h = 10 * 1.852 * 3;
	offset(la, lo, 0, km3h, &la2, &lo2);
	int64_t t = leg(a, 273000001, T0, la, lo, la2, lo2, 3 * 3600, 300, 10);
	double km_gap = 10 * 1.852 * silence / 3600.0;
	offset(la2, lo2, 0, km_gap, &la3, &lo3);
	offset(la3, lo3, 0, km3h, &la, &lo);
	leg(a, 273000001, t + silence, la3, lo3, la, lo, 3 * 3600, 300, 10);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	return a;
}

static void test_gap(void)
{
	em_ais_analysis *a = silent_run(13 * 3600);
	CHECK_EQ_INT(total(a), 1);
	const em_ais_event *g = first(a, EM_AIS_EV_GAP);
	CHECK(g != NULL);
	if (g) {
		CHECK_EQ_INT(g->end - g->start, 13 * 3600);
		CHECK_EQ_INT(g->n_positions, 2);
		CHECK(fabs(g->distance_km - 130 * 1.852) < 2);
		CHECK(fabs(g->speed_knots - 10) < 0.1);
		CHECK(strstr(g->evidence, "\"hours\":13.00") != NULL);
		CHECK(strstr(g->evidence, "\"port_before\":null") != NULL);
	}
	em_ais_analysis_free(a);
	/* 11 hours: under the threshold, nothing */
	a = silent_run(11 * 3600);
	CHECK_EQ_INT(total(a), 0);
	em_ais_analysis_free(a);
}

static void test_gap_threshold_configurable(void)
{
	em_ais_config c;
	em_ais_config_default(&c);
	CHECK(em_ais_config_set(&c, "gap_hours", "6", "test") == 0);
	em_ais_analysis *a = NULL;
	CHECK(em_ais_analysis_new(&a, &c) == 0);
	double la, lo;
	offset(SEA_LAT, SEA_LON, 0, 1, &la, &lo);
	leg(a, 273000002, T0, SEA_LAT, SEA_LON, la, lo, 600, 600, 3);
	leg(a, 273000002, T0 + 600 + 7 * 3600, la, lo, SEA_LAT, SEA_LON, 600, 600, 3);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_GAP), 1);
	em_ais_analysis_free(a);
}

static void test_gap_in_port_ignored(void)
{
	em_ais_analysis *a = new_analysis();
	double la, lo;
	offset(36.86, 53.38, 0.5, 0, &la, &lo); /* 500 m from Amirabad's point */
	int64_t t = leg(a, 273000003, T0, la, lo, la, lo, 2 * 3600, 600, 0);
	leg(a, 273000003, t + 20 * 3600, la, lo, la, lo, 2 * 3600, 600, 0);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_GAP), 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_PORT_CALL), 1);
	CHECK_EQ_INT(total(a), 1);
	const em_ais_event *c = first(a, EM_AIS_EV_PORT_CALL);
	if (c) {
		CHECK_EQ_STR(c->detail, "Amirabad");
		CHECK_EQ_INT(c->end - c->start, 24 * 3600);
		CHECK(strstr(c->evidence, "\"stopped\":true") != NULL);
	}
	em_ais_analysis_free(a);

	/* Leaving the port dark and reappearing at sea is a gap, its port named. */
	a = new_analysis();
	t = leg(a, 273000004, T0, la, lo, la, lo, 2 * 3600, 600, 0);
	leg(a, 273000004, t + 14 * 3600, SEA_LAT, SEA_LON, SEA_LAT, SEA_LON, 600, 600, 0);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_GAP), 1);
	const em_ais_event *g = first(a, EM_AIS_EV_GAP);
	CHECK(g && strstr(g->evidence, "\"port_before\":\"Amirabad\"") != NULL);
	em_ais_analysis_free(a);
}

/* Amirabad -> Makhachkala at 10 knots with a 20-hour silence at sea, as the scenario has it. */
static void test_transit_with_gap(void)
{
	em_ais_analysis *a = new_analysis();
	const double alat = 36.86, alon = 53.38, mlat = 42.98, mlon = 47.51;
	uint32_t id = 273000005;
	int64_t t = leg(a, id, T0, alat, alon, alat, alon, 6 * 3600, 600, 0);
	double km = 0;
	{
		/* along the straight line, the first third, silence, the rest */
		double la1 = alat + (mlat - alat) / 3, lo1 = alon + (mlon - alon) / 3;
		double la2 = alat + 2 * (mlat - alat) / 3, lo2 = alon + 2 * (mlon - alon) / 3;
		double third = 0;
		/* distance of a third, measured the way the leg interpolates (straight in degrees) */
		double dy = (la1 - alat) * 111.195, dx = (lo1 - alon) * 111.195 * cos((alat + la1) / 2 * M_PI / 180);
		third = sqrt(dx * dx + dy * dy);
		km = third;
		t = leg(a, id, t + 600, alat, alon, la1, lo1, secs_for(third, 10), 600, 10);
		t = leg(a, id, t + 20 * 3600, la2, lo2, mlat, mlon, secs_for(third, 10), 600, 10);
	}
	leg(a, id, t + 600, mlat, mlon, mlat, mlon, 6 * 3600, 600, 0);
	CHECK(km > 200);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	/* exactly: two port calls, one gap, one transit */
	CHECK_EQ_INT(count(a, EM_AIS_EV_PORT_CALL), 2);
	CHECK_EQ_INT(count(a, EM_AIS_EV_GAP), 1);
	CHECK_EQ_INT(count(a, EM_AIS_EV_TRANSIT), 1);
	CHECK_EQ_INT(total(a), 4);
	const em_ais_event *tr = first(a, EM_AIS_EV_TRANSIT);
	const em_ais_event *g = first(a, EM_AIS_EV_GAP);
	if (tr && g) {
		CHECK_EQ_STR(tr->detail, "IR->RU");
		CHECK(tr->dark);
		CHECK(strstr(tr->evidence, "\"from_port\":\"Amirabad\"") != NULL);
		CHECK(strstr(tr->evidence, "\"to_port\":\"Makhachkala\"") != NULL);
		CHECK(strstr(tr->evidence, "\"gaps\":[{\"start\"") != NULL);
		CHECK(g->start > tr->start && g->end < tr->end);
		CHECK_EQ_INT(g->end - g->start, 20 * 3600);
		CHECK(fabs(g->distance_km - km) < 5);
		CHECK(fabs(tr->distance_km - 842) < 15); /* the two ports are ~455 nm apart */
	}
	em_ais_analysis_free(a);
}

static void test_transit_reverse_without_gap(void)
{
	em_ais_analysis *a = new_analysis();
	uint32_t id = 273000006;
	/* Olya (RU) -> Bandar-e Anzali (IR), via Baku, no silence */
	const double olat = 45.78, olon = 47.55, blat = 40.234, blon = 49.526, zlat = 37.473, zlon = 49.462;
	int64_t t = leg(a, id, T0, olat, olon, olat, olon, 3600, 600, 0);
	t = leg(a, id, t + 600, olat, olon, blat, blon, 40 * 3600, 600, 12);
	t = leg(a, id, t + 600, blat, blon, blat, blon, 3600, 600, 0);
	t = leg(a, id, t + 600, blat, blon, zlat, zlon, 25 * 3600, 600, 12);
	leg(a, id, t + 600, zlat, zlon, zlat, zlon, 3600, 600, 0);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_PORT_CALL), 3);
	CHECK_EQ_INT(count(a, EM_AIS_EV_TRANSIT), 1);
	const em_ais_event *tr = first(a, EM_AIS_EV_TRANSIT);
	if (tr) {
		CHECK_EQ_STR(tr->detail, "RU->IR");
		CHECK(!tr->dark);
		CHECK(strstr(tr->evidence, "\"via\":[\"Baku/Alat\"]") != NULL);
		CHECK(strstr(tr->evidence, "\"gaps\":[]") != NULL);
	}
	em_ais_analysis_free(a);
}

/*
 * Two vessels come together from 40 km apart at 10 knots, drift together 200 m apart at 0.3
 * knots for `together` seconds, then part at 10 knots. With `convoy` they keep 8 knots all along.
 */
static em_ais_analysis *meeting(int64_t together, double drift_knots)
{
	em_ais_analysis *a = new_analysis();
	uint32_t va = 273000010, vb = 273000011;
	double a0la, a0lo, b0la, b0lo, bla, blo, a1la, a1lo, b1la, b1lo, a2la, a2lo, b2la, b2lo;
	offset(SEA_LAT, SEA_LON, 0, -20, &a0la, &a0lo);
	offset(SEA_LAT, SEA_LON, 0.2, 20, &b0la, &b0lo);
	offset(SEA_LAT, SEA_LON, 0.2, 0, &bla, &blo);
	int64_t approach = secs_for(20, 10);
	int64_t t = leg(a, va, T0, a0la, a0lo, SEA_LAT, SEA_LON, approach, 60, 10);
	leg(a, vb, T0, b0la, b0lo, bla, blo, approach, 60, 10);
	double drift_km = drift_knots * 1.852 * together / 3600.0;
	offset(SEA_LAT, SEA_LON, 0, drift_km, &a1la, &a1lo);
	offset(bla, blo, 0, drift_km, &b1la, &b1lo);
	leg(a, va, t + 60, SEA_LAT, SEA_LON, a1la, a1lo, together - 60, 60, drift_knots);
	t = leg(a, vb, t + 60, bla, blo, b1la, b1lo, together - 60, 60, drift_knots);
	offset(a1la, a1lo, -18.52, 0, &a2la, &a2lo);
	offset(b1la, b1lo, 18.52, 0, &b2la, &b2lo);
	leg(a, va, t + 60, a1la, a1lo, a2la, a2lo, 3600, 60, 10);
	leg(a, vb, t + 60, b1la, b1lo, b2la, b2lo, 3600, 60, 10);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	return a;
}

static void test_encounter(void)
{
	em_ais_analysis *a = meeting(3 * 3600, 0.3);
	CHECK_EQ_INT(count(a, EM_AIS_EV_ENCOUNTER), 1);
	CHECK_EQ_INT(total(a), 1); /* no loitering: 3 h slow is under 4 h anyway */
	const em_ais_event *e = first(a, EM_AIS_EV_ENCOUNTER);
	if (e) {
		CHECK_EQ_INT(e->mmsi, 273000010);
		CHECK_EQ_INT(e->other_mmsi, 273000011);
		CHECK(e->end - e->start >= 3 * 3600 && e->end - e->start <= 3 * 3600 + 300);
		CHECK(fabs(e->distance_km - 0.2) < 0.02);
		CHECK(e->speed_knots < 1);
		CHECK_EQ_INT(e->n_positions, 4);
	}
	em_ais_analysis_free(a);

	/* 1.9 hours together: not long enough */
	a = meeting(114 * 60, 0.3);
	CHECK_EQ_INT(count(a, EM_AIS_EV_ENCOUNTER), 0);
	CHECK_EQ_INT(total(a), 0);
	em_ais_analysis_free(a);

	/* a convoy: 200 m apart for 3 hours but at 8 knots */
	a = meeting(3 * 3600, 8);
	CHECK_EQ_INT(count(a, EM_AIS_EV_ENCOUNTER), 0);
	em_ais_analysis_free(a);

	/* 5 hours together: one encounter, and no loitering repeating it */
	a = meeting(5 * 3600, 0.3);
	CHECK_EQ_INT(count(a, EM_AIS_EV_ENCOUNTER), 1);
	CHECK_EQ_INT(count(a, EM_AIS_EV_LOITERING), 0);
	CHECK_EQ_INT(total(a), 1);
	em_ais_analysis_free(a);
}

static void test_encounter_near_port_ignored(void)
{
	/* Two vessels side by side for 3 hours, 5 km off Aktau: a port, not an encounter. */
	em_ais_analysis *a = new_analysis();
	double la, lo, lb, ob;
	offset(43.60, 51.20, -5, 0, &la, &lo);
	offset(la, lo, 0.1, 0, &lb, &ob);
	leg(a, 273000012, T0, la, lo, la, lo, 3 * 3600, 60, 0.1);
	leg(a, 273000013, T0, lb, ob, lb, ob, 3 * 3600, 60, 0.1);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_ENCOUNTER), 0);
	em_ais_analysis_free(a);
}

static em_ais_analysis *slow_at(double lat, double lon, int64_t slow)
{
	em_ais_analysis *a = new_analysis();
	double la, lo, la2, lo2, la3, lo3;
	offset(lat, lon, 0, -18.52, &la, &lo);
	int64_t t = leg(a, 273000020, T0, la, lo, lat, lon, 3600, 120, 10);
	offset(lat, lon, 0, 0.5 * 1.852 * slow / 3600.0, &la2, &lo2);
	t = leg(a, 273000020, t + 120, lat, lon, la2, lo2, slow - 120, 120, 0.5);
	offset(la2, lo2, 0, 18.52, &la3, &lo3);
	leg(a, 273000020, t + 120, la2, lo2, la3, lo3, 3600, 120, 10);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	return a;
}

static void test_loitering(void)
{
	em_ais_analysis *a = slow_at(SEA_LAT, SEA_LON, 5 * 3600);
	CHECK_EQ_INT(count(a, EM_AIS_EV_LOITERING), 1);
	CHECK_EQ_INT(total(a), 1);
	const em_ais_event *e = first(a, EM_AIS_EV_LOITERING);
	if (e) {
		CHECK(e->end - e->start >= 5 * 3600 - 240 && e->end - e->start <= 5 * 3600);
		CHECK(fabs(e->speed_knots - 0.5) < 0.01);
	}
	em_ais_analysis_free(a);
	/* 3.5 hours: too short */
	a = slow_at(SEA_LAT, SEA_LON, 3 * 3600 + 1800);
	CHECK_EQ_INT(total(a), 0);
	em_ais_analysis_free(a);
	/* 5 hours but 6 km off Aktau */
	a = slow_at(43.60 - 6 / 111.195, 51.20, 5 * 3600);
	CHECK_EQ_INT(count(a, EM_AIS_EV_LOITERING), 0);
	em_ais_analysis_free(a);
}

static void test_identity_change(void)
{
	em_ais_analysis *a = new_analysis();
	uint32_t id = 273000030;
	/* a type 24 pair (A: name; B: call sign and type), then type 5, then a new name */
	CHECK(em_ais_analysis_add_static(a, id, T0, "ALPHA", NULL, 0, 0) == 0);
	CHECK(em_ais_analysis_add_static(a, id, T0 + 60, NULL, "UBAA1", 0, 70) == 0);
	CHECK(em_ais_analysis_add_static(a, id, T0 + 3600, "ALPHA", "UBAA1", 9123457, 70) == 0);
	CHECK(em_ais_analysis_add_static(a, id, T0 + 7200, "ALPHA", "UBAA1", 9123457, 70) == 0);
	CHECK(em_ais_analysis_add_static(a, id, T0 + 86400, "BRAVO", "UBAA1", 9123457, 70) == 0);
	CHECK(em_ais_analysis_add_static(a, id, T0 + 90000, "BRAVO", "UBAA1", 9123457, 70) == 0);
	leg(a, id, T0, SEA_LAT, SEA_LON, SEA_LAT + 0.5, SEA_LON, 8 * 3600, 600, 4);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_IDENTITY_CHANGE), 1);
	CHECK_EQ_INT(total(a), 1);
	const em_ais_event *e = first(a, EM_AIS_EV_IDENTITY_CHANGE);
	if (e) {
		CHECK_EQ_STR(e->detail, "shipname");
		CHECK(strstr(e->evidence, "\"old\":\"ALPHA\",\"new\":\"BRAVO\"") != NULL);
		CHECK_EQ_INT(e->start, T0 + 7200);
		CHECK_EQ_INT(e->end, T0 + 86400);
	}
	size_t nv;
	const em_ais_vessel *v = em_ais_analysis_vessels(a, &nv);
	CHECK_EQ_INT(nv, 1);
	if (nv == 1) {
		CHECK_EQ_INT(v[0].n_identities, 2);
		if (v[0].n_identities == 2) {
			CHECK_EQ_STR(v[0].identities[0].name, "ALPHA");
			CHECK_EQ_STR(v[0].identities[0].callsign, "UBAA1");
			CHECK_EQ_INT(v[0].identities[0].imo, 9123457);
			CHECK_EQ_INT(v[0].identities[0].shiptype, 70);
			CHECK_EQ_INT(v[0].identities[0].first_seen, T0);
			CHECK_EQ_INT(v[0].identities[0].last_seen, T0 + 7200);
			CHECK_EQ_STR(v[0].identities[1].name, "BRAVO");
			CHECK_EQ_INT(v[0].identities[1].last_seen, T0 + 90000);
		}
	}
	em_ais_analysis_free(a);

	/* IMO and ship type changes, each its own event */
	a = new_analysis();
	CHECK(em_ais_analysis_add_static(a, id, T0, "ALPHA", "UBAA1", 9123457, 70) == 0);
	CHECK(em_ais_analysis_add_static(a, id, T0 + 86400 * 2, "ALPHA", "UBAA1", 9234568, 80) == 0);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_IDENTITY_CHANGE), 2);
	em_ais_analysis_free(a);
}

static void test_spoofing_jump(void)
{
	em_ais_analysis *a = new_analysis();
	uint32_t id = 273000040;
	double la, lo, la2, lo2, la3, lo3;
	offset(SEA_LAT, SEA_LON, 0, 3, &la, &lo);
	int64_t t = leg(a, id, T0, SEA_LAT, SEA_LON, la, lo, 600, 60, 10);
	offset(la, lo, -300, 0, &la2, &lo2); /* 300 km south, 10 minutes later */
	offset(la2, lo2, 0, 3, &la3, &lo3);
	leg(a, id, t + 600, la2, lo2, la3, lo3, 600, 60, 10);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_SPOOFING), 1);
	CHECK_EQ_INT(total(a), 1);
	const em_ais_event *e = first(a, EM_AIS_EV_SPOOFING);
	if (e) {
		CHECK_EQ_STR(e->detail, "jump");
		CHECK(fabs(e->distance_km - 300) < 1);
		CHECK(fabs(e->speed_knots - 300 / 1.852 * 6) < 5);
		CHECK(strstr(e->evidence, "\"minutes\":10.0") != NULL);
	}
	em_ais_analysis_free(a);

	/* one stray position 300 km away, then back on track: one jump episode, reported once */
	a = new_analysis();
	t = leg(a, id, T0, SEA_LAT, SEA_LON, la, lo, 600, 60, 10);
	CHECK(em_ais_analysis_add_position(a, id, t + 60, la2, lo2, 10) == 0);
	leg(a, id, t + 120, la, lo, la, lo + 0.03, 600, 60, 8);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(total(a), 1);
	e = first(a, EM_AIS_EV_SPOOFING);
	CHECK(e && !strcmp(e->detail, "jump") && strstr(e->evidence, "\"jumps\":2,") != NULL);
	em_ais_analysis_free(a);

	/* 12 km in 10 minutes is 38.9 knots: fast, not impossible */
	a = new_analysis();
	offset(la, lo, 0, 12, &la2, &lo2);
	t = leg(a, id, T0, SEA_LAT, SEA_LON, la, lo, 600, 60, 10);
	leg(a, id, t + 600, la2, lo2, la2, lo2, 600, 60, 10);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_SPOOFING), 0);
	em_ais_analysis_free(a);
}

static void test_spoofing_two_places_and_invalid(void)
{
	em_ais_analysis *a = new_analysis();
	uint32_t id = 273000041;
	double la, lo;
	offset(SEA_LAT, SEA_LON, 0, 200, &la, &lo);
	/* one MMSI sent from two places 200 km apart, alternately, every 2 minutes for an hour */
	for (int k = 0; k <= 30; k++)
		CHECK(em_ais_analysis_add_position(a, id, T0 + k * 120, k % 2 ? la : SEA_LAT, k % 2 ? lo : SEA_LON, 0) ==
		      0);
	/* an MMSI no ship may have */
	leg(a, 123456789, T0, SEA_LAT - 1, SEA_LON, SEA_LAT - 1, SEA_LON + 0.2, 3600, 600, 8);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_SPOOFING), 2);
	size_t n;
	const em_ais_event *ev = em_ais_analysis_events(a, &n);
	int two = 0, invalid = 0;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != EM_AIS_EV_SPOOFING)
			continue;
		if (ev[i].mmsi == id && !strcmp(ev[i].detail, "two_places")) {
			two++;
			CHECK(strstr(ev[i].evidence, "\"jumps\":30") != NULL);
			CHECK_EQ_INT(ev[i].end - ev[i].start, 3600);
		}
		if (ev[i].mmsi == 123456789 && !strcmp(ev[i].detail, "invalid_mmsi"))
			invalid++;
	}
	CHECK_EQ_INT(two, 1);
	CHECK_EQ_INT(invalid, 1);
	em_ais_analysis_free(a);
}

static void test_messages_without_time(void)
{
	em_ais_analysis *a = new_analysis();
	em_ais_msg m;
	memset(&m, 0, sizeof m);
	m.type = 1;
	m.mmsi = 273000050;
	m.rxtime = EM_AIS_NO_TIME;
	m.has = EM_AIS_HAS_POS | EM_AIS_HAS_SPEED;
	m.lat = (int32_t)(SEA_LAT * 600000);
	m.lon = (int32_t)(SEA_LON * 600000);
	m.speed = 100;
	CHECK(em_ais_analysis_add_msg(a, &m) == 0);
	m.rxtime = (int64_t)T0 * 1000 + 500;
	CHECK(em_ais_analysis_add_msg(a, &m) == 0);
	m.type = 4; /* a base station: not a vessel */
	CHECK(em_ais_analysis_add_msg(a, &m) == 0);
	m.type = 1;
	m.lat = EM_AIS_LAT_NA;
	m.lon = EM_AIS_LON_NA;
	CHECK(em_ais_analysis_add_msg(a, &m) == 0);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	em_ais_analysis_stats st;
	em_ais_analysis_get_stats(a, &st);
	CHECK_EQ_INT(st.messages, 4);
	CHECK_EQ_INT(st.no_time, 1);
	CHECK_EQ_INT(st.positions, 1);
	CHECK_EQ_INT(st.not_vessel, 1);
	CHECK_EQ_INT(st.no_position, 1);
	em_ais_point *p;
	size_t n;
	CHECK(em_ais_analysis_track(a, 0, &p, &n) == 0);
	CHECK_EQ_INT(n, 1);
	if (n == 1) {
		CHECK_EQ_INT(p[0].time, T0);
		CHECK(fabs(p[0].lat - SEA_LAT) < 1e-5);
	}
	free(p);
	em_ais_analysis_free(a);
}

static void test_config(void)
{
	em_ais_config c, d;
	em_ais_config_default(&d);
	c = d;
	const char *text = "# thresholds\n\ngap_hours = 6   # from 6 h, as GFW's raw gaps\nencounter_distance_m=300\n"
			   "transit_from = kz\n";
	CHECK(em_ais_config_parse(&c, text, strlen(text), "t.conf") == 0);
	CHECK(c.gap_hours == 6);
	CHECK(c.encounter_distance_m == 300);
	CHECK_EQ_STR(c.transit_from, "KZ");
	CHECK(c.loitering_hours == d.loitering_hours);

	text = "gap_hours = 6\nloitering_hours = four\n";
	CHECK(em_ais_config_parse(&c, text, strlen(text), "t.conf") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "t.conf:2: key 'loitering_hours': 'four' is not a number") != NULL);
	text = "gap_hour = 6\n";
	CHECK(em_ais_config_parse(&c, text, strlen(text), "t.conf") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "t.conf:1: unknown key 'gap_hour'") != NULL);
	text = "\n\nencounter_hours = -1\n";
	CHECK(em_ais_config_parse(&c, text, strlen(text), "t.conf") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "t.conf:3: key 'encounter_hours'") != NULL);
	text = "gap_hours\n";
	CHECK(em_ais_config_parse(&c, text, strlen(text), "t.conf") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "t.conf:1:") != NULL);
	text = "transit_to = RUS\n";
	CHECK(em_ais_config_parse(&c, text, strlen(text), "t.conf") == EM_EPARSE);

	/* the shipped example holds exactly the defaults */
	c = d;
	c.gap_hours = 99;
	CHECK(em_ais_config_load(&c, EM_SOURCE_DIR "/data/ais/thresholds.conf") == 0);
	CHECK(memcmp(&c, &d, sizeof c) == 0);
}

static void test_ports_file(void)
{
	em_ais_analysis *a = new_analysis();
	/* a new port and Amirabad moved 50 km north */
	const char *text = "# extra\nname\tcountry\tlat\tlon\tentry_km\texit_km\nTestport\tkz\t41.5\t50.5\t2\t3\n"
			   "amirabad\tIR\t37.31\t53.38\t\t\n";
	CHECK(em_ais_analysis_ports_parse(a, text, strlen(text), "p.tsv") == 0);
	leg(a, 273000060, T0, SEA_LAT, SEA_LON, SEA_LAT, SEA_LON, 3600, 600, 0);
	leg(a, 273000061, T0, 37.31, 53.38, 37.31, 53.38, 3600, 600, 0);
	leg(a, 273000062, T0, 36.86, 53.38, 36.86, 53.38, 3600, 600, 0);
	CHECK(em_ais_analysis_run(a, NULL, 0) == 0);
	CHECK_EQ_INT(count(a, EM_AIS_EV_PORT_CALL), 2);
	size_t n;
	const em_ais_event *ev = em_ais_analysis_events(a, &n);
	for (size_t i = 0; i < n; i++) {
		if (ev[i].mmsi == 273000060)
			CHECK_EQ_STR(ev[i].detail, "Testport");
		if (ev[i].mmsi == 273000061)
			CHECK_EQ_STR(ev[i].detail, "amirabad");
		CHECK(ev[i].mmsi != 273000062); /* the old Amirabad point is no port any more */
	}
	em_ais_analysis_free(a);

	a = new_analysis();
	text = "name\tcountry\tlat\tlon\nX\tIR\t95\t50\n";
	CHECK(em_ais_analysis_ports_parse(a, text, strlen(text), "p.tsv") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "p.tsv:2: field 'lat'") != NULL);
	text = "name\tcountry\tlon\nX\tIR\t50\n";
	CHECK(em_ais_analysis_ports_parse(a, text, strlen(text), "p.tsv") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "p.tsv:1: the header has no 'lat' column") != NULL);
	text = "name\tcountry\tlat\tlon\nX\tIran\t40\t50\n";
	CHECK(em_ais_analysis_ports_parse(a, text, strlen(text), "p.tsv") == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "p.tsv:2: field 'country'") != NULL);
	em_ais_analysis_free(a);
}

static void test_screening(void)
{
	em_list *l = NULL;
	CHECK(em_list_read_file(&l, fixture_path("golden/list.csv"), NULL) == 0);
	if (!l)
		return;
	const em_list *lists[1] = {l};
	em_screener *s = NULL;
	CHECK(em_screener_new(&s, lists, 1) == 0);
	em_ais_analysis *a = new_analysis();
	/* by MMSI alone (no static report), by name and IMO, and a vessel on no list */
	leg(a, 351234000, T0, SEA_LAT, SEA_LON, SEA_LAT, SEA_LON + 0.1, 3600, 600, 5);
	CHECK(em_ais_analysis_add_static(a, 273111111, T0, "DARYA NOOR", NULL, 9176543, 70) == 0);
	leg(a, 273111111, T0, SEA_LAT + 1, SEA_LON, SEA_LAT + 1, SEA_LON + 0.1, 3600, 600, 5);
	CHECK(em_ais_analysis_add_static(a, 273222222, T0, "BLUE HORIZON", "UBCD7", 9999996, 70) == 0);
	leg(a, 273222222, T0, SEA_LAT - 1, SEA_LON, SEA_LAT - 1, SEA_LON + 0.1, 3600, 600, 5);
	CHECK(em_ais_analysis_run(a, s, 0) == 0);
	size_t n;
	const em_ais_event *ev = em_ais_analysis_events(a, &n);
	int by_mmsi = 0, by_imo = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != EM_AIS_EV_LISTED_VESSEL)
			continue;
		if (ev[i].mmsi == 351234000 && strstr(ev[i].evidence, "OCEAN PEARL"))
			by_mmsi++;
		else if (ev[i].mmsi == 273111111 && strstr(ev[i].evidence, "DARYA NOOR"))
			by_imo++;
		else
			other++;
	}
	CHECK_EQ_INT(by_mmsi, 1);
	CHECK_EQ_INT(by_imo, 1);
	CHECK_EQ_INT(other, 0);
	size_t nv;
	const em_ais_vessel *v = em_ais_analysis_vessels(a, &nv);
	for (size_t i = 0; i < nv; i++) {
		CHECK(v[i].screening != NULL);
		if (v[i].mmsi == 273222222 && v[i].screening)
			CHECK_EQ_STR(v[i].screening, "[]");
	}
	em_ais_analysis_free(a);
	em_screener_free(s);
	em_list_free(l);
}

static void test_output_formats(void)
{
	em_ais_analysis *a = silent_run(13 * 3600);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(em_ais_analysis_write(a, EM_AIS_FORMAT_JSONL, f) == 0);
	fclose(f);
	CHECK(buf && strncmp(buf, "{\"event\":\"gap\",\"mmsi\":273000001,\"start\":\"2023-11-15T01:13:20Z\"", 62) == 0);
	CHECK(buf && strchr(buf, '\n') == buf + len - 1);
	free(buf);
	f = open_memstream(&buf, &len);
	CHECK(em_ais_analysis_write(a, EM_AIS_FORMAT_HTML, f) == 0);
	fclose(f);
	CHECK(buf && strstr(buf, "<svg") && strstr(buf, "stroke-dasharray") && !strstr(buf, "http"));
	free(buf);
	em_ais_analysis_free(a);
}

int main(void)
{
	RUN(test_gap);
	RUN(test_gap_threshold_configurable);
	RUN(test_gap_in_port_ignored);
	RUN(test_transit_with_gap);
	RUN(test_transit_reverse_without_gap);
	RUN(test_encounter);
	RUN(test_encounter_near_port_ignored);
	RUN(test_loitering);
	RUN(test_identity_change);
	RUN(test_spoofing_jump);
	RUN(test_spoofing_two_places_and_invalid);
	RUN(test_messages_without_time);
	RUN(test_config);
	RUN(test_ports_file);
	RUN(test_screening);
	RUN(test_output_formats);
	return TEST_REPORT();
}
