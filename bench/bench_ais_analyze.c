/*
 * bench_ais_analyze.c: AIS analysis throughput on synthetic positions (default 10,000,000 from
 * 5,000 vessels on the Caspian, made in memory with a fixed-seed PRNG, interleaved in time as a
 * feed delivers them): vessels sail between random points at 0-14 knots and report every 1-3
 * minutes; some fall silent for 13 hours, one in 20 starts drifting beside another for 3 hours
 * (encounters), some drift alone for 5 hours (loitering), some are renamed. Phases timed: ingesting the positions, the analysis run
 * (sorting, all event finders), and two baselines in the same run:
 *  - sort: qsort of all positions by (MMSI, time), the least any track building costs;
 *  - naive encounters: comparing every pair of tracks fix by fix (the obvious method) on a
 *    subset of vessels, and that cost projected to all vessels (it grows with the square of the
 *    vessels), against the grid/time-bucket method of the analysis.
 *
 *   bench_ais_analyze [--positions N] [--vessels V] [--naive-vessels S] [--quick] [--json]
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "embargo/em_ais_analyze.h"

#define T0 1700000000

typedef struct pos {
	uint32_t mmsi, t;
	float lat, lon, speed;
} pos;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double unif(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

typedef struct ship {
	double lat, lon, tlat, tlon, knots;
	uint32_t t, silent_until, slow_until;
} ship;

static void new_target(ship *s)
{
	s->tlat = 37.0 + unif() * 9.0;
	s->tlon = 47.5 + unif() * 5.0;
	s->knots = 4 + unif() * 10;
}

/* Advances ship s by dt seconds toward its target. */
static void sail(ship *s, double dt)
{
	double km = s->knots * 1.852 * dt / 3600;
	double dy = (s->tlat - s->lat) * 111.195, dx = (s->tlon - s->lon) * 111.195 * cos(s->lat * M_PI / 180);
	double d = sqrt(dx * dx + dy * dy);
	if (d < km || d < 1) {
		new_target(s);
		return;
	}
	s->lat += dy / d * km / 111.195;
	s->lon += dx / d * km / (111.195 * cos(s->lat * M_PI / 180));
}

/* The positions, in time order across vessels. */
static pos *synthesize(size_t n, size_t nv, size_t *out_n)
{
	pos *p = malloc(n * sizeof *p);
	ship *s = calloc(nv, sizeof *s);
	if (!p || !s) {
		free(p);
		free(s);
		return NULL;
	}
	for (size_t i = 0; i < nv; i++) {
		s[i].lat = 37.5 + unif() * 8;
		s[i].lon = 48 + unif() * 4;
		s[i].t = T0 + (uint32_t)(unif() * 180);
		new_target(&s[i]);
		/* one vessel in 20 starts beside the one before it, both drifting for 3 hours */
		if (i % 20 == 1) {
			s[i].lat = s[i - 1].lat + 0.002;
			s[i].lon = s[i - 1].lon;
			s[i].t = s[i - 1].t;
			s[i].tlat = s[i - 1].tlat;
			s[i].tlon = s[i - 1].tlon;
			s[i].slow_until = s[i - 1].slow_until = T0 + 3 * 3600;
		}
	}
	size_t k = 0;
	while (k < n) {
		for (size_t i = 0; i < nv && k < n; i++) {
			ship *v = &s[i];
			uint32_t dt = 60 + (uint32_t)(rng() % 121);
			double r = unif();
			if (v->t >= v->slow_until && v->t >= v->silent_until) {
				if (r < 0.0005) {
					v->silent_until = v->t + 13 * 3600; /* goes dark */
				} else if (r < 0.0010) {
					v->slow_until = v->t + 5 * 3600; /* loiters */
				}
			}
			if (v->t < v->silent_until) {
				sail(v, v->silent_until - v->t);
				v->t = v->silent_until;
			}
			bool slow = v->t < v->slow_until;
			double kn = slow ? 0.3 : v->knots;
			double keep = v->knots;
			v->knots = kn;
			sail(v, dt);
			if (slow)
				v->knots = keep;
			v->t += dt;
			p[k++] = (pos){(uint32_t)(273000000 + i), v->t, (float)v->lat, (float)v->lon, (float)kn};
		}
	}
	free(s);
	*out_n = k;
	return p;
}

static int cmp_pos(const void *x, const void *y)
{
	const pos *a = x, *b = y;
	if (a->mmsi != b->mmsi)
		return a->mmsi < b->mmsi ? -1 : 1;
	return a->t < b->t ? -1 : a->t > b->t;
}

/*
 * The naive encounter check: every pair of the first s vessels, their fixes walked together in
 * time order, each fix compared with the other vessel's nearest fix in time. Returns close pairs
 * of fixes (so the work cannot be optimised away).
 */
static size_t naive_pairs(const pos *sorted, size_t n, size_t s, size_t *pairs)
{
	size_t *start = calloc(s + 1, sizeof *start);
	if (!start)
		return 0;
	size_t v = 0;
	bool done = false;
	for (size_t i = 0; i < n && !done; i++)
		if (i == 0 || sorted[i].mmsi != sorted[i - 1].mmsi) {
			start[v] = i;
			done = v == s;
			v += !done;
		}
	if (!done) {
		start[v] = n;
		s = v;
	}
	/* vessel k's fixes are sorted[start[k] .. start[k + 1]) */
	size_t close = 0;
	*pairs = 0;
	for (size_t a = 0; a < s; a++) {
		size_t ea = start[a + 1];
		for (size_t b = a + 1; b < s; b++) {
			size_t eb = start[b + 1];
			(*pairs)++;
			size_t j = start[b];
			for (size_t i = start[a]; i < ea; i++) {
				while (j + 1 < eb && sorted[j + 1].t <= sorted[i].t)
					j++;
				if (j >= eb)
					break;
				double dy = (sorted[i].lat - sorted[j].lat) * 111195.0;
				double dx = (sorted[i].lon - sorted[j].lon) * 111195.0 * 0.75;
				if (dx * dx + dy * dy < 500.0 * 500.0)
					close++;
			}
		}
	}
	free(start);
	return close;
}

int main(int argc, char **argv)
{
	size_t n = 10000000, nv = 5000, ns = 300;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--positions") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--vessels") && i + 1 < argc)
			nv = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--naive-vessels") && i + 1 < argc)
			ns = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--quick")) {
			n = 200000;
			nv = 200;
			ns = 50;
		} else if (!strcmp(argv[i], "--json"))
			json = true;
		else {
			fprintf(stderr, "usage: bench_ais_analyze [--positions N] [--vessels V] [--naive-vessels S] [--quick] [--json]\n");
			return 2;
		}
	}
	if (!n || !nv || ns < 2) {
		fprintf(stderr, "bench_ais_analyze: positions, vessels and naive vessels (>= 2) must be positive\n");
		return 2;
	}
	if (ns > nv)
		ns = nv;
	double t = bench_now();
	size_t np;
	pos *p = synthesize(n, nv, &np);
	if (!p) {
		fprintf(stderr, "bench_ais_analyze: out of memory\n");
		return 1;
	}
	double gen_s = bench_now() - t;

	/* The analysis: ingest, then run. */
	em_ais_analysis *a;
	if (em_ais_analysis_new(&a, NULL) != 0)
		return 1;
	for (size_t i = 0; i < nv; i += 50) {
		em_ais_analysis_add_static(a, 273000000 + (uint32_t)i, T0, "SYNTH", "UABC1", 0, 70);
		if (i % 100 == 0)
			em_ais_analysis_add_static(a, 273000000 + (uint32_t)i, T0 + 86400, "SYNTH RENAMED", "UABC1", 0, 70);
	}
	t = bench_now();
	for (size_t i = 0; i < np; i++)
		if (em_ais_analysis_add_position(a, p[i].mmsi, p[i].t, p[i].lat, p[i].lon, p[i].speed) != 0) {
			fprintf(stderr, "bench_ais_analyze: %s\n", em_error_last()->message);
			return 1;
		}
	double ingest_s = bench_now() - t;
	t = bench_now();
	if (em_ais_analysis_run(a, NULL, 0) != 0) {
		fprintf(stderr, "bench_ais_analyze: %s\n", em_error_last()->message);
		return 1;
	}
	double run_s = bench_now() - t;
	long rss_kb = bench_maxrss_kb();
	size_t ne, nvs, by_kind[EM_AIS_EV_COUNT] = {0};
	const em_ais_event *ev = em_ais_analysis_events(a, &ne);
	for (size_t i = 0; i < ne; i++)
		by_kind[ev[i].kind]++;
	em_ais_analysis_vessels(a, &nvs);
	em_ais_analysis_stats st;
	em_ais_analysis_get_stats(a, &st);
	em_ais_analysis_free(a);

	/* Baseline 1: sorting the positions by vessel and time. */
	t = bench_now();
	qsort(p, np, sizeof *p, cmp_pos);
	double sort_s = bench_now() - t;
	/* Baseline 2: naive all-pairs encounter comparison on a subset. */
	size_t pairs = 0;
	t = bench_now();
	size_t close = naive_pairs(p, np, ns, &pairs);
	double naive_s = bench_now() - t;
	double all_pairs = (double)nvs * (nvs - 1) / 2;
	double naive_projected_s = pairs ? naive_s * all_pairs / pairs : 0;
	free(p);

	double total_s = ingest_s + run_s;
	if (json) {
		printf("{\"positions\":%zu,\"kept\":%llu,\"vessels\":%zu,\"generate_s\":%.3f,\"ingest_s\":%.3f,\"run_s\":%.3f,"
		       "\"positions_per_s\":%.0f,\"run_positions_per_s\":%.0f,\"peak_rss_kb\":%ld,\"events\":{",
		       np, (unsigned long long)st.positions, nvs, gen_s, ingest_s, run_s, np / total_s, np / run_s, rss_kb);
		for (int k = 0; k < EM_AIS_EV_COUNT; k++)
			printf("%s\"%s\":%zu", k ? "," : "", em_ais_event_name(k), by_kind[k]);
		printf("},\"baseline\":{\"sort_s\":%.3f,\"sort_positions_per_s\":%.0f,\"naive_vessels\":%zu,\"naive_pairs\":%zu,"
		       "\"naive_close_fixes\":%zu,\"naive_s\":%.3f,\"naive_projected_all_s\":%.1f}}\n",
		       sort_s, np / sort_s, ns, pairs, close, naive_s, naive_projected_s);
	} else {
		printf("AIS analysis of %zu synthetic positions, %zu vessels (generated in %.2f s)\n", np, nvs, gen_s);
		printf("  ingest %.2f s, run %.2f s: %.0f positions/s (run alone %.0f/s), peak RSS %.0f MB\n", ingest_s,
		       run_s, np / total_s, np / run_s, rss_kb / 1024.0);
		printf("  events:");
		for (int k = 0; k < EM_AIS_EV_COUNT; k++)
			printf(" %zu %s", by_kind[k], em_ais_event_name(k));
		printf("\n  baseline: qsort of the positions by (MMSI, time) %.2f s (%.0f positions/s)\n", sort_s, np / sort_s);
		printf("  baseline: naive all-pairs encounter check on %zu vessels (%zu pairs) %.2f s; projected to all %zu "
		       "vessels %.0f s, against the whole analysis run %.2f s\n",
		       ns, pairs, naive_s, nvs, naive_projected_s, run_s);
	}
	return 0;
}
