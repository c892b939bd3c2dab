/*
 * analyze_out.c: the results of an AIS analysis written out: JSON lines (one event per line),
 * GeoJSON (one LineString per track, the events and the ports as features), and one HTML page
 * that carries everything it shows: an SVG map drawn from the coordinates (equirectangular
 * projection, no tiles, no coastline), tracks, gaps as dashed lines, ports, and tables of the
 * events and vessels. The page loads nothing: no scripts, fonts or images from elsewhere.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ais/analyze.h"
#include "ais/ais.h"

void an_time_iso(int64_t t, char out[32])
{
	ais_time_iso(t * 1000, out);
}

int an_json_str(em_buf *b, const char *s)
{
	em_buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			em_buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			em_buf_printf(b, "\\u%04x", *p);
		else
			em_buf_putc(b, (char)*p);
	}
	return em_buf_putc(b, '"');
}

/* The vessel of an MMSI (vessels are sorted by MMSI after the run). */
static const an_vessel *vessel_of(const em_ais_analysis *a, uint32_t mmsi)
{
	size_t lo = 0, hi = a->n_v;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->v[mid].mmsi < mmsi)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->n_v && a->v[lo].mmsi == mmsi ? &a->v[lo] : NULL;
}

/* The identity the vessel had at time t: the latest begun by then, else its first. */
static const em_ais_identity *identity_at(const em_ais_analysis *a, uint32_t mmsi, int64_t t)
{
	const an_vessel *v = vessel_of(a, mmsi);
	if (!v || !v->n_ids)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < v->n_ids; i++)
		if (v->ids[i].first_seen <= t)
			k = i;
	return &v->ids[k];
}

/* `"mmsi":N,"name":"..","imo":N,"callsign":".."` (name, imo, callsign when known). */
static void vessel_fields(em_buf *b, const em_ais_analysis *a, uint32_t mmsi, int64_t t)
{
	em_buf_printf(b, "\"mmsi\":%u", (unsigned)mmsi);
	const em_ais_identity *id = identity_at(a, mmsi, t);
	if (!id)
		return;
	if (id->name[0]) {
		em_buf_puts(b, ",\"name\":");
		an_json_str(b, id->name);
	}
	if (id->imo)
		em_buf_printf(b, ",\"imo\":%u", (unsigned)id->imo);
	if (id->callsign[0]) {
		em_buf_puts(b, ",\"callsign\":");
		an_json_str(b, id->callsign);
	}
}

static void point_json(em_buf *b, const em_ais_point *p)
{
	char t[32];
	an_time_iso(p->time, t);
	em_buf_printf(b, "{\"lat\":%.6f,\"lon\":%.6f,\"time\":\"%s\"}", p->lat, p->lon, t);
}

/* One event as a JSON object; `lead` (members and a comma, or "") opens it. */
static void event_json(em_buf *b, const em_ais_analysis *a, const em_ais_event *e, const char *lead)
{
	char s[32], t[32];
	an_time_iso(e->start, s);
	an_time_iso(e->end, t);
	em_buf_printf(b, "{%s\"event\":\"%s\",", lead, em_ais_event_name(e->kind));
	vessel_fields(b, a, e->mmsi, e->start);
	if (e->other_mmsi) {
		em_buf_puts(b, ",\"other\":{");
		vessel_fields(b, a, e->other_mmsi, e->start);
		em_buf_puts(b, "}");
	}
	em_buf_printf(b, ",\"start\":\"%s\",\"end\":\"%s\",\"positions\":[", s, t);
	for (size_t i = 0; i < e->n_positions; i++) {
		if (i)
			em_buf_putc(b, ',');
		point_json(b, &e->positions[i]);
	}
	em_buf_printf(b, "],\"evidence\":%s}", e->evidence);
}

static int write_buf(em_buf *b, FILE *f)
{
	if (!b->data && b->len == 0)
		return 0;
	if (!b->data)
		return em_fail(EM_ENOMEM, "out of memory");
	if (fwrite(b->data, 1, b->len, f) != b->len)
		return em_fail(EM_EIO, "cannot write the analysis");
	em_buf_clear(b);
	return 0;
}

static int write_jsonl(const em_ais_analysis *a, FILE *f)
{
	em_buf b = EM_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < a->n_ev && !rc; i++) {
		event_json(&b, a, &a->ev[i], "");
		em_buf_putc(&b, '\n');
		if (b.len > 65536 || i + 1 == a->n_ev)
			rc = write_buf(&b, f);
	}
	em_buf_free(&b);
	return rc;
}

static void identities_json(em_buf *b, const an_vessel *v)
{
	em_buf_puts(b, "[");
	for (size_t k = 0; k < v->n_ids; k++) {
		const em_ais_identity *id = &v->ids[k];
		char s[32], t[32];
		an_time_iso(id->first_seen, s);
		an_time_iso(id->last_seen, t);
		em_buf_puts(b, k ? ",{\"name\":" : "{\"name\":");
		an_json_str(b, id->name);
		em_buf_puts(b, ",\"callsign\":");
		an_json_str(b, id->callsign);
		em_buf_printf(b, ",\"imo\":%u,\"shiptype\":%d,\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"messages\":%llu}",
			      (unsigned)id->imo, id->shiptype, s, t, (unsigned long long)id->messages);
	}
	em_buf_puts(b, "]");
}

static void stats_json(em_buf *b, const em_ais_analysis *a)
{
	const em_ais_analysis_stats *s = &a->stats;
	em_buf_printf(b,
		      "{\"messages\":%llu,\"positions\":%llu,\"static_reports\":%llu,\"no_time\":%llu,"
		      "\"no_position\":%llu,\"not_vessel\":%llu,\"duplicates\":%llu,\"vessels\":%zu,\"events\":%zu}",
		      (unsigned long long)s->messages, (unsigned long long)s->positions, (unsigned long long)s->statics,
		      (unsigned long long)s->no_time, (unsigned long long)s->no_position,
		      (unsigned long long)s->not_vessel, (unsigned long long)s->duplicates, a->n_v, a->n_ev);
}

/* The geometry of an event: a line for gaps, transits and jumps, else a point or null. */
static void event_geometry(em_buf *b, const em_ais_event *e)
{
	if (!e->n_positions) {
		em_buf_puts(b, "null");
		return;
	}
	bool line = e->n_positions == 2 &&
		    (e->kind == EM_AIS_EV_GAP || e->kind == EM_AIS_EV_TRANSIT || e->kind == EM_AIS_EV_SPOOFING);
	if (line)
		em_buf_printf(b, "{\"type\":\"LineString\",\"coordinates\":[[%.6f,%.6f],[%.6f,%.6f]]}", e->positions[0].lon,
			      e->positions[0].lat, e->positions[1].lon, e->positions[1].lat);
	else
		em_buf_printf(b, "{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}", e->positions[0].lon,
			      e->positions[0].lat);
}

static int write_geojson(const em_ais_analysis *a, FILE *f)
{
	em_buf b = EM_BUF_INIT;
	em_buf_puts(&b, "{\"type\":\"FeatureCollection\",\"embargo\":");
	stats_json(&b, a);
	em_buf_puts(&b, ",\"features\":[\n");
	bool first = true;
	int rc = 0;
	for (size_t i = 0; i < a->n_v && !rc; i++) {
		const an_vessel *v = &a->v[i];
		if (!v->n)
			continue;
		em_buf_puts(&b, first ? "" : ",\n");
		first = false;
		em_buf_printf(&b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"%s\",\"coordinates\":",
			      v->n > 1 ? "LineString" : "Point");
		if (v->n > 1)
			em_buf_puts(&b, "[");
		for (size_t k = 0; k < v->n; k++) {
			em_buf_printf(&b, "%s[%.6f,%.6f]", k ? "," : "", an_fix_lon(&v->fix[k]), an_fix_lat(&v->fix[k]));
			if (b.len > 65536 && (rc = write_buf(&b, f)))
				break;
		}
		if (v->n > 1)
			em_buf_puts(&b, "]");
		char s[32], t[32];
		an_time_iso(v->fix[0].t, s);
		an_time_iso(v->fix[v->n - 1].t, t);
		em_buf_puts(&b, "},\"properties\":{\"kind\":\"track\",");
		vessel_fields(&b, a, v->mmsi, v->fix[v->n - 1].t);
		em_buf_printf(&b, ",\"positions\":%zu,\"start\":\"%s\",\"end\":\"%s\",\"identities\":", v->n, s, t);
		identities_json(&b, v);
		em_buf_printf(&b, ",\"screening\":%s}}", v->screening ? v->screening : "null");
	}
	for (size_t i = 0; i < a->n_ev && !rc; i++) {
		const em_ais_event *e = &a->ev[i];
		em_buf_puts(&b, first ? "" : ",\n");
		first = false;
		em_buf_puts(&b, "{\"type\":\"Feature\",\"geometry\":");
		event_geometry(&b, e);
		em_buf_puts(&b, ",\"properties\":");
		event_json(&b, a, e, "\"kind\":\"event\",");
		em_buf_puts(&b, "}");
		if (b.len > 65536)
			rc = write_buf(&b, f);
	}
	for (size_t i = 0; i < a->n_ports && !rc; i++) {
		const an_port *p = &a->ports[i];
		em_buf_puts(&b, first ? "" : ",\n");
		first = false;
		em_buf_printf(&b,
			      "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]},"
			      "\"properties\":{\"kind\":\"port\",\"name\":",
			      p->lon, p->lat);
		an_json_str(&b, p->name);
		em_buf_printf(&b, ",\"country\":\"%s\",\"entry_km\":%g,\"exit_km\":%g}}", p->country, p->entry_km,
			      p->exit_km);
	}
	em_buf_puts(&b, "\n]}\n");
	if (!rc)
		rc = write_buf(&b, f);
	em_buf_free(&b);
	return rc;
}

/* ---- HTML ------------------------------------------------------------------------------------------ */

static void html_text(em_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': em_buf_puts(b, "&lt;"); break;
		case '>': em_buf_puts(b, "&gt;"); break;
		case '&': em_buf_puts(b, "&amp;"); break;
		case '"': em_buf_puts(b, "&quot;"); break;
		default: em_buf_putc(b, *s);
		}
	}
}

typedef struct proj {
	double lon0, lat1, kx, scale; /* x = (lon - lon0) * kx * scale, y = (lat1 - lat) * scale */
	double w, h;
} proj;

static void px(const proj *p, double lat, double lon, double *x, double *y)
{
	*x = (lon - p->lon0) * p->kx * p->scale + 20;
	*y = (p->lat1 - lat) * p->scale + 20;
}

static proj make_proj(const em_ais_analysis *a)
{
	double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
	bool any = false;
	for (size_t i = 0; i < a->n_v; i++)
		for (size_t k = 0; k < a->v[i].n; k++) {
			double la = an_fix_lat(&a->v[i].fix[k]), lo = an_fix_lon(&a->v[i].fix[k]);
			la0 = fmin(la0, la), la1 = fmax(la1, la), lo0 = fmin(lo0, lo), lo1 = fmax(lo1, lo);
			any = true;
		}
	/* Ports inside the tracks' area (with a margin) are drawn; all of them when there are no tracks. */
	for (size_t i = 0; i < a->n_ports; i++) {
		const an_port *p = &a->ports[i];
		if (!any || (p->lat > la0 - 1 && p->lat < la1 + 1 && p->lon > lo0 - 1 && p->lon < lo1 + 1)) {
			la0 = fmin(la0, p->lat), la1 = fmax(la1, p->lat), lo0 = fmin(lo0, p->lon), lo1 = fmax(lo1, p->lon);
		}
	}
	if (la0 > la1) {
		la0 = -60, la1 = 70, lo0 = -180, lo1 = 180;
	}
	double pad = fmax(0.05, 0.05 * fmax(la1 - la0, lo1 - lo0));
	la0 -= pad, la1 += pad, lo0 -= pad, lo1 += pad;
	proj p;
	p.lon0 = lo0;
	p.lat1 = la1;
	p.kx = cos((la0 + la1) * (M_PI / 360.0));
	if (p.kx < 0.1)
		p.kx = 0.1;
	double wdeg = (lo1 - lo0) * p.kx, hdeg = la1 - la0;
	p.scale = 960 / fmax(wdeg, hdeg * 960 / 900);
	p.w = wdeg * p.scale + 40 + 120; /* room on the right for port names */
	p.h = hdeg * p.scale + 40;
	return p;
}

static const char *const ev_colour[EM_AIS_EV_COUNT] = {
	"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#bcbd22", "#9467bd", "#e377c2", "#000000",
};

static void html_map(em_buf *b, const em_ais_analysis *a)
{
	proj p = make_proj(a);
	em_buf_printf(b, "<svg viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
			 "aria-label=\"map of tracks and events\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#eef4f8\"/>\n",
		      p.w, p.h, p.w, p.h);
	/* Tracks, thinned to at most 2000 points each so a page of millions of positions stays light. */
	for (size_t i = 0; i < a->n_v; i++) {
		const an_vessel *v = &a->v[i];
		if (v->n < 2)
			continue;
		size_t step = v->n > 2000 ? v->n / 2000 : 1;
		uint32_t gap_s = (uint32_t)ceil(a->cfg.gap_hours * 3600);
		em_buf_printf(b, "<path class=\"track\" data-mmsi=\"%u\" d=\"", (unsigned)v->mmsi);
		for (size_t k = 0; k < v->n; k += step) {
			double x, y;
			px(&p, an_fix_lat(&v->fix[k]), an_fix_lon(&v->fix[k]), &x, &y);
			/* a silence breaks the line: the gap is drawn dashed below */
			bool move = k == 0 || v->fix[k].t - v->fix[k - step].t >= gap_s;
			em_buf_printf(b, "%s%.1f %.1f", move ? (k ? " M" : "M") : " L", x, y);
		}
		em_buf_printf(b, "\"><title>MMSI %u</title></path>\n", (unsigned)v->mmsi);
	}
	for (size_t i = 0; i < a->n_ev; i++) {
		const em_ais_event *e = &a->ev[i];
		if (!e->n_positions)
			continue;
		double x, y, x2, y2;
		px(&p, e->positions[0].lat, e->positions[0].lon, &x, &y);
		const char *c = ev_colour[e->kind];
		if (e->n_positions == 2 && (e->kind == EM_AIS_EV_GAP || e->kind == EM_AIS_EV_SPOOFING ||
					    e->kind == EM_AIS_EV_TRANSIT)) {
			px(&p, e->positions[1].lat, e->positions[1].lon, &x2, &y2);
			em_buf_printf(b,
				      "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				      "stroke-width=\"2\" stroke-dasharray=\"%s\"><title>%s MMSI %u</title></line>\n",
				      em_ais_event_name(e->kind), x, y, x2, y2, c,
				      e->kind == EM_AIS_EV_TRANSIT ? "2 6" : "8 5", em_ais_event_name(e->kind),
				      (unsigned)e->mmsi);
		} else if (e->kind != EM_AIS_EV_PORT_CALL) {
			em_buf_printf(b,
				      "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"none\" stroke=\"%s\" "
				      "stroke-width=\"2\"><title>%s MMSI %u</title></circle>\n",
				      em_ais_event_name(e->kind), x, y, c, em_ais_event_name(e->kind), (unsigned)e->mmsi);
		}
	}
	for (size_t i = 0; i < a->n_ports; i++) {
		const an_port *pt = &a->ports[i];
		double x, y;
		px(&p, pt->lat, pt->lon, &x, &y);
		if (x < 0 || y < 0 || x > p.w || y > p.h)
			continue;
		em_buf_printf(b, "<g class=\"port\"><rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#1f77b4\"/>"
				 "<text x=\"%.1f\" y=\"%.1f\">",
			      x - 4, y - 4, x + 7, y + 4);
		html_text(b, pt->name);
		em_buf_printf(b, " (%s)</text></g>\n", pt->country);
	}
	em_buf_puts(b, "</svg>\n");
}

static int write_html(const em_ais_analysis *a, FILE *f)
{
	em_buf b = EM_BUF_INIT;
	em_buf_puts(&b,
		    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		    "<title>embargo: AIS analysis</title>\n<style>\n"
		    "body{font:14px system-ui,sans-serif;margin:1em;color:#222}\n"
		    "svg{border:1px solid #999;max-width:100%;height:auto}\n"
		    ".track{fill:none;stroke:#555;stroke-width:1.2;opacity:.7}\n"
		    "text{font-size:11px}\ntable{border-collapse:collapse;margin-top:1em}\n"
		    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}\n"
		    "td.ev{font-family:monospace;font-size:11px;max-width:60em;overflow-wrap:anywhere}\n"
		    ".key span{display:inline-block;margin-right:1.2em}\n"
		    "</style></head><body>\n<h1>AIS analysis</h1>\n<p>");
	const em_ais_analysis_stats *s = &a->stats;
	em_buf_printf(&b,
		      "%llu messages, %llu positions on %zu tracks, %llu static reports, %zu events. "
		      "<strong>%llu messages had no receive time</strong> and were not analysed; "
		      "%llu position reports had no position; %llu messages were not from vessels.</p>\n",
		      (unsigned long long)s->messages, (unsigned long long)s->positions, a->n_v,
		      (unsigned long long)s->statics, a->n_ev, (unsigned long long)s->no_time,
		      (unsigned long long)s->no_position, (unsigned long long)s->not_vessel);
	em_buf_puts(&b, "<p class=\"key\">");
	for (int k = 0; k < EM_AIS_EV_COUNT; k++)
		em_buf_printf(&b, "<span style=\"color:%s\">&#9632; %s</span>", ev_colour[k], em_ais_event_name(k));
	em_buf_puts(&b, "<span>gaps dashed, transits dotted, tracks grey, ports blue squares</span></p>\n");
	html_map(&b, a);
	int rc = write_buf(&b, f);
	em_buf_puts(&b, "<h2>Events</h2>\n<table><tr><th>event</th><th>MMSI</th><th>name</th><th>start</th>"
			"<th>end</th><th>detail</th><th>evidence</th></tr>\n");
	for (size_t i = 0; i < a->n_ev && !rc; i++) {
		const em_ais_event *e = &a->ev[i];
		char st[32], en[32];
		an_time_iso(e->start, st);
		an_time_iso(e->end, en);
		const em_ais_identity *id = identity_at(a, e->mmsi, e->start);
		em_buf_printf(&b, "<tr><td style=\"color:%s\">%s</td><td>%09u", ev_colour[e->kind],
			      em_ais_event_name(e->kind), (unsigned)e->mmsi);
		if (e->other_mmsi)
			em_buf_printf(&b, " with %09u", (unsigned)e->other_mmsi);
		em_buf_puts(&b, "</td><td>");
		html_text(&b, id ? id->name : "");
		em_buf_printf(&b, "</td><td>%s</td><td>%s</td><td>", st, en);
		html_text(&b, e->detail);
		em_buf_puts(&b, "</td><td class=\"ev\">");
		html_text(&b, e->evidence);
		em_buf_puts(&b, "</td></tr>\n");
		if (b.len > 65536)
			rc = write_buf(&b, f);
	}
	em_buf_puts(&b, "</table>\n<h2>Vessels</h2>\n<table><tr><th>MMSI</th><th>positions</th><th>first</th>"
			"<th>last</th><th>identities (name, call sign, IMO, ship type, seen)</th><th>screening</th></tr>\n");
	for (size_t i = 0; i < a->n_v && !rc; i++) {
		const an_vessel *v = &a->v[i];
		char st[32] = "", en[32] = "";
		if (v->n) {
			an_time_iso(v->fix[0].t, st);
			an_time_iso(v->fix[v->n - 1].t, en);
		}
		em_buf_printf(&b, "<tr><td>%09u</td><td>%zu</td><td>%s</td><td>%s</td><td>", (unsigned)v->mmsi, v->n, st,
			      en);
		for (size_t k = 0; k < v->n_ids; k++) {
			const em_ais_identity *id = &v->ids[k];
			char s1[32], s2[32];
			an_time_iso(id->first_seen, s1);
			an_time_iso(id->last_seen, s2);
			html_text(&b, id->name);
			em_buf_puts(&b, ", ");
			html_text(&b, id->callsign);
			em_buf_printf(&b, ", %u, %d, %s to %s<br>", (unsigned)id->imo, id->shiptype, s1, s2);
		}
		em_buf_puts(&b, "</td><td class=\"ev\">");
		html_text(&b, v->screening ? v->screening : "not screened");
		em_buf_puts(&b, "</td></tr>\n");
		if (b.len > 65536)
			rc = write_buf(&b, f);
	}
	em_buf_puts(&b, "</table>\n</body></html>\n");
	if (!rc)
		rc = write_buf(&b, f);
	em_buf_free(&b);
	return rc;
}

int em_ais_analysis_write(const em_ais_analysis *a, em_ais_format format, FILE *f)
{
	if (!a->ran)
		return em_fail(EM_EINVAL, "the analysis has not run");
	int rc;
	switch (format) {
	case EM_AIS_FORMAT_JSONL: rc = write_jsonl(a, f); break;
	case EM_AIS_FORMAT_GEOJSON: rc = write_geojson(a, f); break;
	case EM_AIS_FORMAT_HTML: rc = write_html(a, f); break;
	default: return em_fail(EM_EINVAL, "unknown output format %d", (int)format);
	}
	if (!rc && (fflush(f) != 0 || ferror(f)))
		rc = em_fail(EM_EIO, "cannot write the analysis");
	return rc;
}
