/*
 * test_ais_scenario.c: the synthetic Caspian scenario (em_ais_scenario_write) holds exactly the
 * incidents its ground truth lists and nothing else that the dark-activity thresholds would
 * catch. The output is decoded with the project's decoder and checked on its own, without the
 * generator's plans: gaps of 6 hours or more, implied speeds over 50 knots, positions within 3 km
 * of a port (and within 10 km for anybody but the vessel making port calls), speeds below 2 knots
 * away from ports, two vessels within 500 m, names changing for one MMSI, reporting intervals and
 * MMSI ranges; each found event must be the one of the truth file, at its times. The same seed
 * must give the same bytes, background vessels must add no event, and the scale mode none.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "embargo/em_ais.h"
#include "embargo/em_ais_gen.h"
#include "test.h"

static const struct {
	double lat, lon;
} ports[] = {
	{36.86, 53.38}, {37.473, 49.462}, {36.648, 51.493}, {38.43, 48.87}, {42.98, 47.51},
	{46.35, 48.03}, {45.78, 47.55},   {43.60, 51.20},   {40.00, 53.03}, {40.234, 49.526},
};
enum { AMIRABAD = 0, MAKHACHKALA = 4 };

static double dist_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 3.14159265358979323846 / 180.0;
	double a = sin((lat2 - lat1) * r / 2), b = sin((lon2 - lon1) * r / 2);
	double h = a * a + cos(lat1 * r) * cos(lat2 * r) * b * b;
	return 2 * 6371.0088 * asin(sqrt(h));
}

static double port_km(double lat, double lon, int *which)
{
	double best = INFINITY;
	for (int i = 0; i < (int)(sizeof ports / sizeof ports[0]); i++) {
		double d = dist_km(lat, lon, ports[i].lat, ports[i].lon);
		if (d < best) {
			best = d;
			*which = i;
		}
	}
	return best;
}

/* --- the decoded output, per MMSI ----------------------------------------------------- */

typedef struct pos {
	int64_t t;                 /* Unix seconds */
	double lat, lon, speed;
} pos;

typedef struct track {
	uint32_t mmsi;
	pos *p;
	size_t n, cap;
	char names[4][21];         /* names in the order first seen */
	int64_t name_first[4], name_last[4];
	size_t nnames;
	uint32_t imo;
	int imo_changed;
	size_t statics;
} track;

typedef struct data {
	track *t;
	size_t n, cap;
	size_t messages;
	int64_t last_time;
	int out_of_order, no_time;
} data;

static track *track_of(data *d, uint32_t mmsi)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->t[i].mmsi == mmsi)
			return &d->t[i];
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->t = realloc(d->t, d->cap * sizeof *d->t);
		if (!d->t)
			abort();
	}
	track *t = &d->t[d->n++];
	memset(t, 0, sizeof *t);
	t->mmsi = mmsi;
	return t;
}

static int collect(void *ctx, const em_ais_msg *m)
{
	data *d = ctx;
	d->messages++;
	if (m->rxtime == EM_AIS_NO_TIME) {
		d->no_time++;
		return 0;
	}
	int64_t t = m->rxtime / 1000;
	if (t < d->last_time)
		d->out_of_order++;
	d->last_time = t;
	track *k = track_of(d, m->mmsi);
	if (m->type == 1 || m->type == 18) {
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 256;
			k->p = realloc(k->p, k->cap * sizeof *k->p);
			if (!k->p)
				abort();
		}
		double lat, lon;
		em_ais_msg_position(m, &lat, &lon);
		k->p[k->n++] = (pos){t, lat, lon, em_ais_msg_speed(m)};
		return 0;
	}
	if (m->type == 5 || (m->type == 24 && m->part == 'A')) {
		k->statics++;
		if (m->type == 5) {
			if (k->imo && k->imo != m->imo)
				k->imo_changed = 1;
			k->imo = m->imo;
		}
		size_t i = 0;
		while (i < k->nnames && strcmp(k->names[i], m->shipname))
			i++;
		if (i == k->nnames && i < 4) {
			memcpy(k->names[i], m->shipname, sizeof k->names[i]);
			k->name_first[i] = t;
			k->nnames++;
		}
		if (i < 4)
			k->name_last[i] = t;
	}
	return 0;
}

static void data_free(data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->t[i].p);
	free(d->t);
	memset(d, 0, sizeof *d);
}

static void decode_file(const char *path, data *d)
{
	memset(d, 0, sizeof *d);
	em_ais_decoder *dec;
	CHECK(em_ais_decoder_new(&dec, NULL) == 0);
	CHECK(em_ais_decode_file(dec, path, collect, d) == 0);
	em_ais_stats st;
	em_ais_decoder_stats(dec, &st);
	for (int r = 0; r < EM_AIS_SKIP_COUNT; r++)
		CHECK_EQ_INT(st.skipped[r], 0);
	CHECK_EQ_INT(st.lines, st.sentences);
	em_ais_decoder_free(dec);
	CHECK_EQ_INT(d->no_time, 0);
	CHECK_EQ_INT(d->out_of_order, 0);
}

/* --- the truth file ------------------------------------------------------------------- */

typedef struct event {
	char kind[20];
	uint32_t mmsi[2];
	int64_t start, end;
	char port[24], name_old[21], name_new[21];
	double lat, lon;
} event;

typedef struct truth {
	event e[16];
	size_t n;
} truth;

static int64_t iso_time(const char *s)
{
	struct tm tm = {0};
	if (!s || sscanf(s, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			 &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static void copy_str(char *dst, size_t cap, json_t *j)
{
	const char *s = json_string_value(j);
	snprintf(dst, cap, "%s", s ? s : "");
}

static void read_truth(const char *path, truth *tr)
{
	memset(tr, 0, sizeof *tr);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	char line[2048];
	while (fgets(line, sizeof line, f)) {
		json_t *j = json_loads(line, 0, NULL);
		CHECK(j != NULL);
		if (!j || tr->n == 16)
			continue;
		event *e = &tr->e[tr->n++];
		copy_str(e->kind, sizeof e->kind, json_object_get(j, "kind"));
		json_t *m = json_object_get(j, "mmsi");
		for (size_t i = 0; i < 2 && i < json_array_size(m); i++)
			e->mmsi[i] = (uint32_t)json_integer_value(json_array_get(m, i));
		e->start = iso_time(json_string_value(json_object_get(j, "start")));
		e->end = iso_time(json_string_value(json_object_get(j, "end")));
		CHECK(e->start > 0 && e->end >= e->start);
		copy_str(e->port, sizeof e->port, json_object_get(j, "port"));
		copy_str(e->name_old, sizeof e->name_old, json_object_get(j, "old"));
		copy_str(e->name_new, sizeof e->name_new, json_object_get(j, "new"));
		e->lat = json_real_value(json_object_get(j, "lat"));
		e->lon = json_real_value(json_object_get(j, "lon"));
		json_decref(j);
	}
	fclose(f);
}

static const event *find(const truth *tr, const char *kind, const char *port)
{
	for (size_t i = 0; i < tr->n; i++)
		if (!strcmp(tr->e[i].kind, kind) && (!port || !strcmp(tr->e[i].port, port)))
			return &tr->e[i];
	return NULL;
}

static size_t count_kind(const truth *tr, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < tr->n; i++)
		n += !strcmp(tr->e[i].kind, kind);
	return n;
}

/* --- the checks ----------------------------------------------------------------------- */

/* What was found that no truth line explains, by kind. */
typedef struct found {
	size_t gaps, jumps, port_fixes, near_port, slow, close, renames, bad_mmsi, long_interval;
	size_t close_expected, slow_expected;
	double max_slow_hours;     /* longest run of slow fixes away from ports */
	double enc_min_m, enc_max_m;
} found;

static int in(int64_t t, const event *e, int64_t margin)
{
	return e && t >= e->start - margin && t <= e->end + margin;
}

static int is(const event *e, uint32_t mmsi)
{
	return e && (e->mmsi[0] == mmsi || e->mmsi[1] == mmsi);
}

static void check_track(const track *k, const truth *tr, found *f)
{
	const event *gap = find(tr, "gap", NULL), *spoof = find(tr, "spoofing", NULL);
	const event *enc = find(tr, "encounter", NULL), *ren = find(tr, "identity_change", NULL);
	const event *pa = find(tr, "port_call", "Amirabad"), *pm = find(tr, "port_call", "Makhachkala");
	if (k->mmsi < 200000000u || k->mmsi > 799999999u)
		f->bad_mmsi++;
	int64_t slow_from = -1;
	int64_t first_in[10];
	for (int i = 0; i < 10; i++)
		first_in[i] = -1;
	for (size_t i = 0; i < k->n; i++) {
		const pos *p = &k->p[i];
		int which = -1;
		double pk = port_km(p->lat, p->lon, &which);
		if (pk <= 3.0) {
			if (first_in[which] < 0)
				first_in[which] = p->t;
			if (!is(pa, k->mmsi) || (which != AMIRABAD && which != MAKHACHKALA))
				f->port_fixes++;
		} else if (pk <= 10.0 && !is(pa, k->mmsi)) {
			f->near_port++;
		}
		if (p->speed >= 0 && p->speed < 2.0 && pk > 10.0) {
			if (is(enc, k->mmsi) && in(p->t, enc, 0))
				f->slow_expected++;
			else
				f->slow++;
			if (slow_from < 0)
				slow_from = p->t;
			double h = (double)(p->t - slow_from) / 3600.0;
			if (h > f->max_slow_hours)
				f->max_slow_hours = h;
		} else {
			slow_from = -1;
		}
		if (i == 0)
			continue;
		const pos *q = &k->p[i - 1];
		int64_t dt = p->t - q->t;
		double kn = dist_km(q->lat, q->lon, p->lat, p->lon) / 1.852 / ((double)dt / 3600.0);
		if (dt >= 6 * 3600) {
			if (!(is(gap, k->mmsi) && q->t == gap->start && p->t == gap->end))
				f->gaps++;
		} else if (dt > 600 || dt < 60) {
			fprintf(stderr, "mmsi %u: %lld s between fixes at %lld\n", (unsigned)k->mmsi,
				(long long)dt, (long long)q->t);
			f->long_interval++;
		}
		if (kn > 50.0) {
			if (!(is(spoof, k->mmsi) && q->t == spoof->start && p->t == spoof->end))
				f->jumps++;
		} else if (kn > 20.0) {
			f->jumps++; /* nobody sails this fast */
		}
	}
	/* The port calls start at the first fix within 3 km. */
	if (is(pa, k->mmsi)) {
		CHECK_EQ_INT(first_in[AMIRABAD], pa->start);
		CHECK(pm && first_in[MAKHACHKALA] == pm->start);
	}
	if (k->nnames > 1) {
		if (!(is(ren, k->mmsi) && k->nnames == 2 && !strcmp(k->names[0], ren->name_old) &&
		      !strcmp(k->names[1], ren->name_new) && k->name_last[0] == ren->start &&
		      k->name_first[1] == ren->end && !k->imo_changed))
			f->renames++;
	}
}

/* Where track k was at time t, between its fixes at most 10 minutes either side. */
static int where(const track *k, size_t *cur, int64_t t, double *lat, double *lon)
{
	while (*cur + 1 < k->n && k->p[*cur + 1].t <= t)
		(*cur)++;
	if (k->n == 0 || k->p[*cur].t > t || t - k->p[*cur].t > 600)
		return 0;
	if (k->p[*cur].t == t || *cur + 1 >= k->n) {
		*lat = k->p[*cur].lat;
		*lon = k->p[*cur].lon;
		return k->p[*cur].t == t;
	}
	const pos *a = &k->p[*cur], *b = &k->p[*cur + 1];
	if (b->t - t > 600)
		return 0;
	double f = (double)(t - a->t) / (double)(b->t - a->t);
	*lat = a->lat + (b->lat - a->lat) * f;
	*lon = a->lon + (b->lon - a->lon) * f;
	return 1;
}

static void check_pair(const track *a, const track *b, const truth *tr, found *f)
{
	const event *enc = find(tr, "encounter", NULL);
	int pair = is(enc, a->mmsi) && is(enc, b->mmsi);
	size_t cur = 0;
	for (size_t i = 0; i < a->n; i++) {
		double lat, lon;
		if (!where(b, &cur, a->p[i].t, &lat, &lon))
			continue;
		double m = 1000.0 * dist_km(a->p[i].lat, a->p[i].lon, lat, lon);
		if (pair && in(a->p[i].t, enc, 0)) {
			if (m < f->enc_min_m)
				f->enc_min_m = m;
			if (m > f->enc_max_m)
				f->enc_max_m = m;
		}
		if (m >= 500.0)
			continue;
		if (pair && in(a->p[i].t, enc, 20 * 60))
			f->close_expected++;
		else
			f->close++;
	}
}

static found check_all(const data *d, const truth *tr)
{
	found f = {0};
	f.enc_min_m = INFINITY;
	for (size_t i = 0; i < d->n; i++)
		check_track(&d->t[i], tr, &f);
	for (size_t i = 0; i < d->n; i++)
		for (size_t j = 0; j < d->n; j++)
			if (i != j)
				check_pair(&d->t[i], &d->t[j], tr, &f);
	return f;
}

static void expect_clean(const found *f)
{
	CHECK_EQ_INT(f->gaps, 0);
	CHECK_EQ_INT(f->jumps, 0);
	CHECK_EQ_INT(f->port_fixes, 0);
	CHECK_EQ_INT(f->near_port, 0);
	CHECK_EQ_INT(f->slow, 0);
	CHECK_EQ_INT(f->close, 0);
	CHECK_EQ_INT(f->renames, 0);
	CHECK_EQ_INT(f->bad_mmsi, 0);
	CHECK_EQ_INT(f->long_interval, 0);
	CHECK(f->max_slow_hours < 4.0); /* no loitering */
}

/* --- cases ---------------------------------------------------------------------------- */

static char dir[64];

static const char *tmp(const char *name)
{
	static char buf[4][128];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", dir, name);
	return buf[slot];
}

static int write_scenario(uint64_t seed, unsigned background, const char *nmea, const char *tru,
			  em_ais_scenario_stats *st)
{
	em_ais_scenario_options o = EM_AIS_SCENARIO_OPTIONS_INIT;
	o.seed = seed;
	o.background = background;
	int rc = em_ais_scenario_write(&o, nmea, tru, st);
	if (rc != 0)
		fprintf(stderr, "%s\n", em_error_last()->message);
	return rc;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *s = NULL;
	size_t cap = 0;
	*n = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			s = realloc(s, cap);
			if (!s)
				abort();
		}
		size_t r = fread(s + *n, 1, cap - *n, f);
		*n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	return s;
}

static int same_file(const char *a, const char *b)
{
	size_t na, nb;
	char *x = slurp(a, &na), *y = slurp(b, &nb);
	int same = x && y && na == nb && memcmp(x, y, na) == 0;
	free(x);
	free(y);
	return same;
}

static void check_incidents(const char *nmea, const char *tru, size_t vessels)
{
	truth tr;
	read_truth(tru, &tr);
	CHECK_EQ_INT(tr.n, 7);
	CHECK_EQ_INT(count_kind(&tr, "port_call"), 2);
	CHECK_EQ_INT(count_kind(&tr, "transit"), 1);
	CHECK_EQ_INT(count_kind(&tr, "gap"), 1);
	CHECK_EQ_INT(count_kind(&tr, "encounter"), 1);
	CHECK_EQ_INT(count_kind(&tr, "spoofing"), 1);
	CHECK_EQ_INT(count_kind(&tr, "identity_change"), 1);
	data d;
	decode_file(nmea, &d);
	CHECK_EQ_INT(d.n, vessels);
	found f = check_all(&d, &tr);
	expect_clean(&f);
	printf("%zu vessels: B and C %zu slow fixes and %zu close ones (%.0f-%.0f m apart); "
	       "longest slow stretch away from ports %.1f h\n", d.n, f.slow_expected,
	       f.close_expected, f.enc_min_m, f.enc_max_m, f.max_slow_hours);
	/* The incidents are there. */
	CHECK(f.slow_expected >= 2 * 18);   /* B and C, 3 hours of fixes every 2-10 minutes */
	CHECK(f.close_expected >= 18);
	CHECK(f.enc_min_m >= 100.0 && f.enc_max_m <= 300.0);
	const event *gap = find(&tr, "gap", NULL), *sp = find(&tr, "spoofing", NULL);
	const event *pa = find(&tr, "port_call", "Amirabad"), *pm = find(&tr, "port_call", "Makhachkala");
	const event *tn = find(&tr, "transit", NULL), *enc = find(&tr, "encounter", NULL);
	if (gap && sp && pa && pm && tn && enc) {
		CHECK_EQ_INT(gap->end - gap->start, 20 * 3600);
		CHECK_EQ_INT(sp->end - sp->start, 600);
		CHECK_EQ_INT(enc->end - enc->start, 3 * 3600);
		CHECK(gap->mmsi[0] == pa->mmsi[0] && tn->mmsi[0] == pa->mmsi[0]);
		CHECK(tn->start == pa->end && tn->end == pm->start);
		CHECK(pa->end < gap->start && gap->end < pm->start);
		int which;
		CHECK(port_km(enc->lat, enc->lon, &which) >= 10.0);
	}
	data_free(&d);
}

static void test_incidents_and_nothing_else(void)
{
	em_ais_scenario_stats st;
	CHECK(write_scenario(1, 0, tmp("s1.nmea"), tmp("s1.jsonl"), &st) == 0);
	CHECK_EQ_INT(st.vessels, 5);
	CHECK_EQ_INT(st.events, 7);
	check_incidents(tmp("s1.nmea"), tmp("s1.jsonl"), 5);
	printf("scenario: %llu vessels, %.1f vessel-hours, %llu messages, %llu sentences, "
	       "%llu bytes, from %lld to %lld\n", (unsigned long long)st.vessels, st.vessel_hours,
	       (unsigned long long)st.messages, (unsigned long long)st.sentences,
	       (unsigned long long)st.bytes, (long long)st.start, (long long)st.end);
}

static void test_same_seed_same_bytes(void)
{
	CHECK(write_scenario(7, 3, tmp("a.nmea"), tmp("a.jsonl"), NULL) == 0);
	CHECK(write_scenario(7, 3, tmp("b.nmea"), tmp("b.jsonl"), NULL) == 0);
	CHECK(write_scenario(8, 3, tmp("c.nmea"), tmp("c.jsonl"), NULL) == 0);
	CHECK(same_file(tmp("a.nmea"), tmp("b.nmea")));
	CHECK(same_file(tmp("a.jsonl"), tmp("b.jsonl")));
	CHECK(!same_file(tmp("a.nmea"), tmp("c.nmea")));
	check_incidents(tmp("c.nmea"), tmp("c.jsonl"), 8);
}

static void test_background_adds_no_event(void)
{
	em_ais_scenario_stats st;
	CHECK(write_scenario(1, 0, tmp("s1.nmea"), tmp("s1.jsonl"), NULL) == 0);
	CHECK(write_scenario(1, 40, tmp("bg.nmea"), tmp("bg.jsonl"), &st) == 0);
	CHECK_EQ_INT(st.vessels, 45);
	/* Each vessel draws from its own stream: the incidents are sent exactly as without. */
	CHECK(same_file(tmp("s1.jsonl"), tmp("bg.jsonl")));
	check_incidents(tmp("bg.nmea"), tmp("bg.jsonl"), 45);
}

static void test_scale_mode(void)
{
	em_ais_scenario_options o = EM_AIS_SCENARIO_OPTIONS_INIT;
	CHECK(em_ais_scenario_set(&o, "vessels", "60") == 0);
	CHECK(em_ais_scenario_set(&o, "hours", "6") == 0);
	CHECK(em_ais_scenario_set(&o, "seed", "3") == 0);
	em_ais_scenario_stats st;
	CHECK(em_ais_scenario_write(&o, tmp("big.nmea"), tmp("big.jsonl"), &st) == 0);
	CHECK_EQ_INT(st.vessels, 60);
	CHECK_EQ_INT(st.events, 0);
	CHECK(st.vessel_hours > 60 * 5.9 && st.vessel_hours <= 60 * 6.0);
	truth tr;
	read_truth(tmp("big.jsonl"), &tr);
	CHECK_EQ_INT(tr.n, 0);
	data d;
	decode_file(tmp("big.nmea"), &d);
	CHECK_EQ_INT(d.n, 60);
	CHECK_EQ_INT(d.messages, st.messages);
	found f = check_all(&d, &tr);
	/* Normal vessels pass each other at speed: close passes are not encounters (both above
	 * 2 knots), so only the rest is checked. */
	f.close = 0;
	expect_clean(&f);
	CHECK_EQ_INT(f.slow_expected, 0);
	printf("scale mode: %llu vessels, %.1f vessel-hours, %llu messages, %llu bytes: "
	       "%.0f bytes and %.1f messages per vessel-hour\n", (unsigned long long)st.vessels,
	       st.vessel_hours, (unsigned long long)st.messages, (unsigned long long)st.bytes,
	       (double)st.bytes / st.vessel_hours, (double)st.messages / st.vessel_hours);
	data_free(&d);
}

static void test_bad_options(void)
{
	em_ais_scenario_options o = EM_AIS_SCENARIO_OPTIONS_INIT;
	CHECK_EQ_INT(em_ais_scenario_set(&o, "colour", "1"), EM_EINVAL);
	CHECK_EQ_INT(em_ais_scenario_set(&o, "seed", "-1"), EM_EINVAL);
	CHECK_EQ_INT(em_ais_scenario_set(&o, "seed", "12x"), EM_EINVAL);
	CHECK_EQ_INT(em_ais_scenario_set(&o, "seed", "99999999999999999999"), EM_EINVAL);
	CHECK_EQ_INT(em_ais_scenario_set(&o, "hours", "0"), EM_EINVAL);
	CHECK_EQ_INT(em_ais_scenario_set(&o, "background", "201"), EM_EINVAL);
	CHECK(em_ais_scenario_set(&o, "seed", "18446744073709551615") == 0);
	CHECK(o.seed == UINT64_MAX);
	o.background = 2;
	o.vessels = 2;
	CHECK_EQ_INT(em_ais_scenario_write(&o, tmp("x.nmea"), NULL, NULL), EM_EINVAL);
	o.vessels = 0;
	CHECK_EQ_INT(em_ais_scenario_write(&o, "/nonexistent/dir/x.nmea", NULL, NULL), EM_EIO);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_ais_scenario.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_incidents_and_nothing_else);
	RUN(test_same_seed_same_bytes);
	RUN(test_background_adds_no_event);
	RUN(test_scale_mode);
	RUN(test_bad_options);
	const char *files[] = {"s1.nmea", "s1.jsonl", "a.nmea", "a.jsonl", "b.nmea", "b.jsonl",
			       "c.nmea", "c.jsonl", "bg.nmea", "bg.jsonl", "big.nmea", "big.jsonl",
			       "x.nmea"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlink(tmp(files[i]));
	rmdir(dir);
	return TEST_REPORT();
}
