/*
 * ports.c: the two text inputs of the AIS analysis, the thresholds (`key = value` lines, one
 * table of keys with their ranges below) and the port table (data/ais/ports.tsv built in,
 * --ports files over it), and the nearest-port question every position asks. Ports are few
 * (tens), but a user may load thousands: they are indexed by 1-degree cell, and a question looks
 * at the 3 x 3 cells around the point, enough for any radius under 1 degree of latitude.
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ais/analyze.h"

extern const char em_ais_data_ports[];

/* ---- configuration ---------------------------------------------------------------------------- */

typedef struct conf_key {
	const char *key;
	size_t off;
	double min, max;
} conf_key;

#define K(name, lo, hi) {#name, offsetof(em_ais_config, name), lo, hi}
static const conf_key conf_keys[] = {
	K(gap_hours, 0.01, 24 * 365),
	K(port_entry_km, 0.01, 100),
	K(port_exit_km, 0.01, 100),
	K(port_stop_knots, 0, 50),
	K(encounter_distance_m, 1, 50000),
	K(encounter_hours, 0.01, 24 * 30),
	K(encounter_speed_knots, 0, 50),
	K(encounter_port_km, 0, 100),
	K(loitering_speed_knots, 0, 50),
	K(loitering_hours, 0.01, 24 * 30),
	K(loitering_port_km, 0, 100),
	K(spoofing_speed_knots, 1, 100000),
	K(spoofing_min_km, 0, 10000),
	K(spoofing_episode_hours, 0, 24 * 30),
	K(interpolate_minutes, 1, 24 * 60),
};
#undef K

void em_ais_config_default(em_ais_config *c)
{
	memset(c, 0, sizeof *c);
	c->gap_hours = 12;
	c->port_entry_km = 3;
	c->port_exit_km = 4;
	c->port_stop_knots = 0.2;
	c->encounter_distance_m = 500;
	c->encounter_hours = 2;
	c->encounter_speed_knots = 2;
	c->encounter_port_km = 10;
	c->loitering_speed_knots = 2;
	c->loitering_hours = 4;
	c->loitering_port_km = 10;
	c->spoofing_speed_knots = 50;
	c->spoofing_min_km = 5;
	c->spoofing_episode_hours = 1;
	c->interpolate_minutes = 30;
	memcpy(c->transit_from, "IR", 3);
	memcpy(c->transit_to, "RU", 3);
}

/* A whole decimal number, finite. */
static bool parse_double(const char *s, double *out)
{
	if (!*s || isspace((unsigned char)*s))
		return false;
	char *end;
	double v = strtod(s, &end);
	if (*end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}

int em_ais_config_set(em_ais_config *c, const char *key, const char *value, const char *where)
{
	if (!strcmp(key, "transit_from") || !strcmp(key, "transit_to")) {
		if (strlen(value) != 2 || !isalpha((unsigned char)value[0]) || !isalpha((unsigned char)value[1]))
			return em_fail(EM_EPARSE, "%s: key '%s': '%s' is not a two-letter country code", where, key,
				       value);
		char *dst = key[8] == 'f' ? c->transit_from : c->transit_to;
		dst[0] = (char)toupper((unsigned char)value[0]);
		dst[1] = (char)toupper((unsigned char)value[1]);
		dst[2] = '\0';
		return 0;
	}
	for (size_t i = 0; i < sizeof conf_keys / sizeof *conf_keys; i++) {
		const conf_key *k = &conf_keys[i];
		if (strcmp(k->key, key) != 0)
			continue;
		double v;
		if (!parse_double(value, &v))
			return em_fail(EM_EPARSE, "%s: key '%s': '%s' is not a number", where, key, value);
		if (v < k->min || v > k->max)
			return em_fail(EM_EPARSE, "%s: key '%s': %s is outside %g..%g", where, key, value, k->min,
				       k->max);
		double *dst = (double *)(void *)((char *)c + k->off);
		*dst = v;
		return 0;
	}
	return em_fail(EM_EPARSE, "%s: unknown key '%s'", where, key);
}

/* Trims spaces and tabs at both ends of s[0..n) in place; returns the new start. */
static char *trim(char *s, size_t *n)
{
	while (*n && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
		(*n)--;
	s[*n] = '\0';
	return s;
}

int em_ais_config_parse(em_ais_config *c, const char *text, size_t len, const char *name)
{
	char line[512];
	size_t lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *src = text + pos;
		pos += n + (nl != NULL);
		lineno++;
		if (n >= sizeof line)
			return em_fail(EM_EPARSE, "%s:%zu: line longer than %zu bytes", name, lineno, sizeof line - 1);
		if (memchr(src, '\0', n))
			return em_fail(EM_EPARSE, "%s:%zu: a NUL byte in the line", name, lineno);
		memcpy(line, src, n);
		line[n] = '\0';
		char *hash = strchr(line, '#');
		if (hash) {
			*hash = '\0';
			n = (size_t)(hash - line);
		}
		char *s = trim(line, &n);
		if (!n)
			continue;
		char *eq = strchr(s, '=');
		char where[300];
		if (!eq) {
			snprintf(where, sizeof where, "%s:%zu", name, lineno);
			return em_fail(EM_EPARSE, "%s: '%s' is not `key = value`", where, s);
		}
		*eq = '\0';
		size_t kn = (size_t)(eq - s), vn = strlen(eq + 1);
		char *key = trim(s, &kn), *val = trim(eq + 1, &vn);
		snprintf(where, sizeof where, "%s:%zu", name, lineno);
		if (!kn)
			return em_fail(EM_EPARSE, "%s: a value without a key", where);
		int rc = em_ais_config_set(c, key, val, where);
		if (rc)
			return rc;
	}
	if (c->port_exit_km < c->port_entry_km)
		return em_fail(EM_EPARSE, "%s: key 'port_exit_km': %g is smaller than port_entry_km %g", name,
			       c->port_exit_km, c->port_entry_km);
	return 0;
}

int em_ais_config_load(em_ais_config *c, const char *path)
{
	char *text;
	size_t len;
	int rc = em_file_read(path, &text, &len);
	if (rc)
		return rc;
	rc = em_ais_config_parse(c, text, len, path);
	free(text);
	return rc;
}

/* ---- ports ------------------------------------------------------------------------------------ */

enum { P_NAME, P_COUNTRY, P_LAT, P_LON, P_ENTRY, P_EXIT, P_NCOLS };
static const char *const port_cols[P_NCOLS] = {"name", "country", "lat", "lon", "entry_km", "exit_km"};

static int port_put(em_ais_analysis *a, const an_port *p)
{
	for (size_t i = 0; i < a->n_ports; i++)
		if (!strcasecmp(a->ports[i].name, p->name)) {
			a->ports[i] = *p;
			return 0;
		}
	if (a->n_ports == a->cap_ports) {
		size_t cap = a->cap_ports ? a->cap_ports * 2 : 16;
		an_port *np = realloc(a->ports, cap * sizeof *np);
		if (!np)
			return em_fail(EM_ENOMEM, "out of memory");
		a->ports = np;
		a->cap_ports = cap;
	}
	a->ports[a->n_ports++] = *p;
	return 0;
}

/* Splits line at tabs into at most max fields (in place); returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *s = line;
	while (n < max) {
		f[n++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			break;
		*t = '\0';
		s = t + 1;
	}
	return n;
}

static int port_number(const char *s, double lo, double hi, double *out, const char *name, size_t line,
		       const char *field)
{
	size_t n = strlen(s);
	char buf[64];
	if (n >= sizeof buf)
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': value too long", name, line, field);
	memcpy(buf, s, n + 1);
	char *v = trim(buf, &n);
	if (!parse_double(v, out) || *out < lo || *out > hi)
		return em_fail(EM_EPARSE, "%s:%zu: field '%s': '%s' is not a number in %g..%g", name, line, field, v,
			       lo, hi);
	return 0;
}

int em_ais_analysis_ports_parse(em_ais_analysis *a, const char *text, size_t len, const char *name)
{
	if (a->ran)
		return em_fail(EM_EINVAL, "%s: ports must be loaded before the analysis runs", name);
	char line[1024];
	int col[P_NCOLS] = {0}; /* set by the header line, which must come first */
	bool header = false;
	size_t lineno = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *src = text + pos;
		pos += n + (nl != NULL);
		lineno++;
		if (n >= sizeof line)
			return em_fail(EM_EPARSE, "%s:%zu: line longer than %zu bytes", name, lineno, sizeof line - 1);
		if (memchr(src, '\0', n))
			return em_fail(EM_EPARSE, "%s:%zu: a NUL byte in the line", name, lineno);
		memcpy(line, src, n);
		if (n && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		size_t m = n;
		if (!*trim(line, &m) || line[0] == '#')
			continue;
		line[n] = '\0'; /* trim may have cut trailing tabs of empty fields: restore them */
		char *f[16];
		size_t nf = split_tabs(line, f, 16);
		if (!header) {
			for (int c = 0; c < P_NCOLS; c++)
				col[c] = -1;
			for (size_t i = 0; i < nf; i++) {
				size_t fl = strlen(f[i]);
				char *h = trim(f[i], &fl);
				for (int c = 0; c < P_NCOLS; c++)
					if (!strcasecmp(h, port_cols[c]) && col[c] < 0)
						col[c] = (int)i;
			}
			for (int c = 0; c <= P_LON; c++)
				if (col[c] < 0)
					return em_fail(EM_EPARSE, "%s:%zu: the header has no '%s' column", name, lineno,
						       port_cols[c]);
			header = true;
			continue;
		}
		an_port p;
		memset(&p, 0, sizeof p);
		size_t fl;
		if ((size_t)col[P_NAME] >= nf || (fl = strlen(f[col[P_NAME]]), !*trim(f[col[P_NAME]], &fl)))
			return em_fail(EM_EPARSE, "%s:%zu: field 'name': empty", name, lineno);
		if (fl >= sizeof p.name)
			return em_fail(EM_EPARSE, "%s:%zu: field 'name': longer than %zu bytes", name, lineno,
				       sizeof p.name - 1);
		memcpy(p.name, f[col[P_NAME]], fl + 1);
		const char *cc = (size_t)col[P_COUNTRY] < nf ? f[col[P_COUNTRY]] : "";
		fl = strlen(cc);
		if (fl != 2 || !isalpha((unsigned char)cc[0]) || !isalpha((unsigned char)cc[1]))
			return em_fail(EM_EPARSE, "%s:%zu: field 'country': '%s' is not an ISO 3166 two-letter code",
				       name, lineno, cc);
		p.country[0] = (char)toupper((unsigned char)cc[0]);
		p.country[1] = (char)toupper((unsigned char)cc[1]);
		int rc;
		if ((size_t)col[P_LAT] >= nf || (size_t)col[P_LON] >= nf)
			return em_fail(EM_EPARSE, "%s:%zu: field 'lat': missing", name, lineno);
		if ((rc = port_number(f[col[P_LAT]], -90, 90, &p.lat, name, lineno, "lat")) ||
		    (rc = port_number(f[col[P_LON]], -180, 180, &p.lon, name, lineno, "lon")))
			return rc;
		p.entry_km = a->cfg.port_entry_km;
		p.exit_km = a->cfg.port_exit_km;
		if (col[P_ENTRY] >= 0 && (size_t)col[P_ENTRY] < nf && *f[col[P_ENTRY]] &&
		    (rc = port_number(f[col[P_ENTRY]], 0.01, 100, &p.entry_km, name, lineno, "entry_km")))
			return rc;
		if (col[P_EXIT] >= 0 && (size_t)col[P_EXIT] < nf && *f[col[P_EXIT]] &&
		    (rc = port_number(f[col[P_EXIT]], 0.01, 100, &p.exit_km, name, lineno, "exit_km")))
			return rc;
		if (p.exit_km < p.entry_km)
			return em_fail(EM_EPARSE, "%s:%zu: field 'exit_km': %g is smaller than entry_km %g", name,
				       lineno, p.exit_km, p.entry_km);
		if ((rc = port_put(a, &p)))
			return rc;
	}
	if (!header)
		return em_fail(EM_EPARSE, "%s: no header line (name, country, lat, lon, entry_km, exit_km)", name);
	return 0;
}

int em_ais_analysis_ports_load(em_ais_analysis *a, const char *path)
{
	char *text;
	size_t len;
	int rc = em_file_read(path, &text, &len);
	if (rc)
		return rc;
	rc = em_ais_analysis_ports_parse(a, text, len, path);
	free(text);
	return rc;
}

void em_ais_analysis_ports_clear(em_ais_analysis *a)
{
	a->n_ports = 0;
}

int an_ports_builtin(em_ais_analysis *a)
{
	return em_ais_analysis_ports_parse(a, em_ais_data_ports, strlen(em_ais_data_ports), "data/ais/ports.tsv");
}

/* ---- nearest port ----------------------------------------------------------------------------- */

static uint32_t cell_of(double lat, double lon)
{
	int y = (int)floor(lat) + 90, x = (int)floor(lon) + 180;
	if (y < 0)
		y = 0;
	if (y > 180)
		y = 180;
	x = ((x % 360) + 360) % 360;
	return (uint32_t)y * 360u + (uint32_t)x;
}

typedef struct cell_pair {
	uint32_t key, port;
} cell_pair;

static int cmp_cell(const void *x, const void *y)
{
	const cell_pair *p = x, *q = y;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	return p->port < q->port ? -1 : p->port > q->port;
}

int an_ports_index(em_ais_analysis *a)
{
	const em_ais_config *c = &a->cfg;
	double reach = c->encounter_port_km > c->loitering_port_km ? c->encounter_port_km : c->loitering_port_km;
	for (size_t i = 0; i < a->n_ports; i++)
		if (a->ports[i].exit_km > reach)
			reach = a->ports[i].exit_km;
	a->port_reach_km = reach;
	free(a->cell_key);
	free(a->cell_port);
	a->cell_key = a->cell_port = NULL;
	a->n_cells = 0;
	if (!a->n_ports)
		return 0;
	cell_pair *cp = malloc(a->n_ports * sizeof *cp);
	a->cell_key = malloc(a->n_ports * sizeof *a->cell_key);
	a->cell_port = malloc(a->n_ports * sizeof *a->cell_port);
	if (!cp || !a->cell_key || !a->cell_port) {
		free(cp);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < a->n_ports; i++)
		cp[i] = (cell_pair){cell_of(a->ports[i].lat, a->ports[i].lon), (uint32_t)i};
	qsort(cp, a->n_ports, sizeof *cp, cmp_cell);
	for (size_t i = 0; i < a->n_ports; i++) {
		a->cell_key[i] = cp[i].key;
		a->cell_port[i] = cp[i].port;
	}
	a->n_cells = a->n_ports;
	free(cp);
	/* Cells with a port in reach: most positions are at sea, and this answers them at once. */
	memset(a->cell_near, 0, sizeof a->cell_near);
	for (size_t i = 0; i < a->n_ports; i++)
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++) {
				uint32_t k = cell_of(a->ports[i].lat + dy, a->ports[i].lon + dx);
				a->cell_near[k >> 3] |= (uint8_t)(1u << (k & 7));
			}
	return 0;
}

/* Fast distance for short ranges (equirectangular); exact enough below 100 km. */
static double near_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlon = lon2 - lon1;
	if (dlon > 180)
		dlon -= 360;
	else if (dlon < -180)
		dlon += 360;
	double x = dlon * cos((lat1 + lat2) * (M_PI / 360.0));
	double y = lat2 - lat1;
	return sqrt(x * x + y * y) * 111.195;
}

int an_port_nearest(const em_ais_analysis *a, double lat, double lon, double *km)
{
	int best = -1;
	double best_km = a->port_reach_km;
	/* The 3 x 3 cells cover the reach only while a degree of longitude is wider than it (not
	 * near the poles, nor for radii over 100 km): otherwise ask every port. */
	double alat = fabs(lat) + 1;
	bool all = alat >= 89 || a->port_reach_km >= 111.195 * cos(alat * (M_PI / 180.0));
	if (!all) {
		uint32_t k = cell_of(lat, lon);
		if (!(a->cell_near[k >> 3] & (1u << (k & 7))))
			return -1;
	}
	if (all) {
		for (size_t i = 0; i < a->n_ports; i++) {
			double d = near_km(lat, lon, a->ports[i].lat, a->ports[i].lon);
			if (d <= best_km) {
				best_km = d;
				best = (int)i;
			}
		}
	} else {
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++) {
				uint32_t key = cell_of(lat + dy, lon + dx);
				size_t lo = 0, hi = a->n_cells;
				while (lo < hi) {
					size_t mid = (lo + hi) / 2;
					if (a->cell_key[mid] < key)
						lo = mid + 1;
					else
						hi = mid;
				}
				for (; lo < a->n_cells && a->cell_key[lo] == key; lo++) {
					const an_port *p = &a->ports[a->cell_port[lo]];
					double d = near_km(lat, lon, p->lat, p->lon);
					if (d <= best_km) {
						best_km = d;
						best = (int)a->cell_port[lo];
					}
				}
			}
	}
	if (best >= 0)
		*km = best_km;
	return best;
}
