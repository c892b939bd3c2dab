/*
 * output.c: writing decoded messages as gpsd's JSON (field names, order and scaling of
 * `gpsdecode`, which users of gpsd know) and as CSV rows. Scaled values are written from the
 * integers of the message with integer arithmetic, which gives the same digits as gpsd's
 * printf("%.6f", raw / 600000.0) because raw * 10 / 6 never falls halfway between two
 * millionths. The writer needs no bounds checks: every record fits EM_AIS_RECORD_MAX (strings
 * are at most 34 characters, the input name is cut at 100 bytes).
 *
 * Where we differ from gpsd 3.22 on purpose (docs/ais.md): "turn" keeps its sign (gpsd drops
 * it for turns to port); type 27 "status" is the number with "status_text" beside it (gpsd
 * writes the text in "status"); receive times are added as "rxtime".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ais.h"
#include "util/util.h"

#define NAME_MAX_BYTES 100

typedef struct out {
	char *p;
} out;

static inline void lit(out *o, const char *s, size_t n)
{
	memcpy(o->p, s, n);
	o->p += n;
}
#define LIT(o, s) lit((o), (s), sizeof(s) - 1)

static void u64(out *o, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*o->p++ = tmp[--n];
}

static void i64(out *o, int64_t v)
{
	if (v < 0) {
		*o->p++ = '-';
		u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		u64(o, (uint64_t)v);
	}
}

/* v / 10^dec with dec decimals (v may be negative). */
static void fixed(out *o, int64_t v, int dec)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t scale = 1;
	for (int i = 0; i < dec; i++)
		scale *= 10;
	if (v < 0)
		*o->p++ = '-';
	u64(o, a / scale);
	*o->p++ = '.';
	uint64_t frac = a % scale;
	for (int i = dec - 1; i >= 0; i--) {
		o->p[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	o->p += dec;
}

/* 1/10000 minute as degrees with six decimals (the nearest millionth, as printf rounds). */
static void degrees6(out *o, int32_t raw)
{
	int64_t n = (int64_t)raw * 5;
	int64_t a = n < 0 ? -n : n;
	int64_t q = a / 3 + (a % 3 == 2);
	fixed(o, n < 0 ? -q : q, 6);
}

/* A JSON string: quotes and backslashes escaped, control characters as \u00XX. */
static void str(out *o, const char *s, size_t max)
{
	*o->p++ = '"';
	for (size_t i = 0; s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*o->p++ = '\\';
			*o->p++ = (char)c;
		} else if (c < 0x20) {
			static const char hex[] = "0123456789abcdef";
			LIT(o, "\\u00");
			*o->p++ = hex[c >> 4];
			*o->p++ = hex[c & 15];
		} else {
			*o->p++ = (char)c;
		}
	}
	*o->p++ = '"';
}

static void key(out *o, const char *k, size_t n)
{
	*o->p++ = ',';
	*o->p++ = '"';
	lit(o, k, n);
	*o->p++ = '"';
	*o->p++ = ':';
}
#define KEY(o, k) key((o), (k), sizeof(k) - 1)

static void kint(out *o, const char *k, size_t n, int64_t v)
{
	key(o, k, n);
	i64(o, v);
}
#define KINT(o, k, v) kint((o), (k), sizeof(k) - 1, (v))

static void kbool(out *o, const char *k, size_t n, int v)
{
	key(o, k, n);
	if (v)
		LIT(o, "true");
	else
		LIT(o, "false");
}
#define KBOOL(o, k, v) kbool((o), (k), sizeof(k) - 1, (v))

static void kstr(out *o, const char *k, size_t n, const char *v)
{
	key(o, k, n);
	str(o, v, 64);
}
#define KSTR(o, k, v) kstr((o), (k), sizeof(k) - 1, (v))

/* Rate of turn in degrees per minute from the indicator: (raw / 4.733)^2 with its sign. */
static void turn(out *o, int raw)
{
	KEY(o, "turn");
	if (raw == -128)
		LIT(o, "\"nan\"");
	else if (raw == -127)
		LIT(o, "\"fastleft\"");
	else if (raw == 127)
		LIT(o, "\"fastright\"");
	else {
		double r = raw / 4.733;
		long v = lround(r * r);
		i64(o, raw < 0 ? -v : v);
	}
}

static void speed(out *o, int raw)
{
	KEY(o, "speed");
	if (raw == EM_AIS_SPEED_NA)
		LIT(o, "\"nan\"");
	else if (raw == EM_AIS_SPEED_NA - 1)
		LIT(o, "\"fast\"");
	else
		fixed(o, raw, 1);
}

static void lonlat(out *o, const em_ais_msg *m)
{
	KEY(o, "lon");
	degrees6(o, m->lon);
	KEY(o, "lat");
	degrees6(o, m->lat);
}

static void dimensions(out *o, const em_ais_msg *m)
{
	KINT(o, "to_bow", m->to_bow);
	KINT(o, "to_stern", m->to_stern);
	KINT(o, "to_port", m->to_port);
	KINT(o, "to_starboard", m->to_starboard);
}

static void epfd(out *o, int v)
{
	KINT(o, "epfd", v);
	KSTR(o, "epfd_text", em_ais_epfd_text(v));
}

static void shiptype(out *o, int v)
{
	KINT(o, "shiptype", v);
	KSTR(o, "shiptype_text", em_ais_shiptype_text(v));
}

/* "%02u" of a small number */
static void two(out *o, int v)
{
	unsigned u = (unsigned)v;
	if (u < 10)
		*o->p++ = '0';
	u64(o, u);
}

static void type_1_2_3(out *o, const em_ais_msg *m)
{
	KINT(o, "status", m->status);
	KSTR(o, "status_text", em_ais_status_text(m->status));
	turn(o, m->turn);
	speed(o, m->speed);
	KBOOL(o, "accuracy", m->accuracy);
	lonlat(o, m);
	KEY(o, "course");
	fixed(o, m->course, 1);
	KINT(o, "heading", m->heading);
	KINT(o, "second", m->second);
	KINT(o, "maneuver", m->maneuver);
	KBOOL(o, "raim", m->raim);
	KINT(o, "radio", m->radio);
}

static void type_4(out *o, const em_ais_msg *m)
{
	KEY(o, "timestamp");
	*o->p++ = '"';
	unsigned y = (unsigned)m->year; /* 14 bits: "%04u" may give five digits */
	for (unsigned d = 1000; d > y && d > 1; d /= 10)
		*o->p++ = '0';
	u64(o, y);
	*o->p++ = '-';
	two(o, m->month);
	*o->p++ = '-';
	two(o, m->day);
	*o->p++ = 'T';
	two(o, m->hour);
	*o->p++ = ':';
	two(o, m->minute);
	*o->p++ = ':';
	two(o, m->utc_second);
	LIT(o, "Z\"");
	KBOOL(o, "accuracy", m->accuracy);
	lonlat(o, m);
	epfd(o, m->epfd);
	KBOOL(o, "raim", m->raim);
	KINT(o, "radio", m->radio);
}

static void type_5(out *o, const em_ais_msg *m)
{
	KINT(o, "imo", m->imo);
	KINT(o, "ais_version", m->ais_version);
	KSTR(o, "callsign", m->callsign);
	KSTR(o, "shipname", m->shipname);
	shiptype(o, m->shiptype);
	dimensions(o, m);
	epfd(o, m->epfd);
	KEY(o, "eta");
	*o->p++ = '"';
	two(o, m->eta_month);
	*o->p++ = '-';
	two(o, m->eta_day);
	*o->p++ = 'T';
	two(o, m->eta_hour);
	*o->p++ = ':';
	two(o, m->eta_minute);
	LIT(o, "Z\"");
	KEY(o, "draught");
	fixed(o, m->draught, 1);
	KSTR(o, "destination", m->destination);
	KINT(o, "dte", m->dte);
}

/* The start shared by types 18 and 19. */
static void class_b_position(out *o, const em_ais_msg *m)
{
	KINT(o, "reserved", m->reserved);
	speed(o, m->speed);
	KBOOL(o, "accuracy", m->accuracy);
	lonlat(o, m);
	KEY(o, "course");
	fixed(o, m->course, 1);
	KINT(o, "heading", m->heading);
	KINT(o, "second", m->second);
	KINT(o, "regional", m->regional);
}

static void type_18(out *o, const em_ais_msg *m)
{
	class_b_position(o, m);
	KBOOL(o, "cs", m->cs);
	KBOOL(o, "display", m->display);
	KBOOL(o, "dsc", m->dsc);
	KBOOL(o, "band", m->band);
	KBOOL(o, "msg22", m->msg22);
	KBOOL(o, "raim", m->raim);
	KINT(o, "radio", m->radio);
}

static void type_19(out *o, const em_ais_msg *m)
{
	class_b_position(o, m);
	KSTR(o, "shipname", m->shipname);
	shiptype(o, m->shiptype);
	dimensions(o, m);
	epfd(o, m->epfd);
	KBOOL(o, "raim", m->raim);
	KINT(o, "dte", m->dte);
	KBOOL(o, "assigned", m->assigned);
}

static void type_21(out *o, const em_ais_msg *m)
{
	KINT(o, "aid_type", m->aid_type);
	KSTR(o, "aid_type_text", em_ais_aid_type_text(m->aid_type));
	KSTR(o, "name", m->name);
	lonlat(o, m);
	KBOOL(o, "accuracy", m->accuracy);
	dimensions(o, m);
	epfd(o, m->epfd);
	KINT(o, "second", m->second);
	KINT(o, "regional", m->regional);
	KBOOL(o, "off_position", m->off_position);
	KBOOL(o, "raim", m->raim);
	KBOOL(o, "virtual_aid", m->virtual_aid);
}

static void type_24(out *o, const em_ais_msg *m)
{
	KEY(o, "part");
	*o->p++ = '"';
	*o->p++ = m->part;
	*o->p++ = '"';
	if (m->has & EM_AIS_HAS_SHIPNAME)
		KSTR(o, "shipname", m->shipname);
	if (m->part == 'A')
		return;
	shiptype(o, m->shiptype);
	KSTR(o, "vendorid", m->vendorid);
	KINT(o, "model", m->model);
	KINT(o, "serial", m->serial);
	KSTR(o, "callsign", m->callsign);
	if (m->has & EM_AIS_HAS_DIMENSIONS)
		dimensions(o, m);
	else
		KINT(o, "mothership_mmsi", m->mothership_mmsi);
}

static void type_27(out *o, const em_ais_msg *m)
{
	char tmp[32];
	KINT(o, "status", m->status);
	KSTR(o, "status_text", em_ais_status_text(m->status));
	KBOOL(o, "accuracy", m->accuracy);
	/* 1/10 minute, one decimal of a degree: printf rounds these the way gpsd does. */
	int n = snprintf(tmp, sizeof tmp, "%.1f", m->lon / 600.0);
	KEY(o, "lon");
	lit(o, tmp, (size_t)n);
	n = snprintf(tmp, sizeof tmp, "%.1f", m->lat / 600.0);
	KEY(o, "lat");
	lit(o, tmp, (size_t)n);
	KINT(o, "speed", m->speed);
	KINT(o, "course", m->course);
	KBOOL(o, "raim", m->raim);
	KBOOL(o, "gnss", m->gnss);
}

/* A CSV row: the fields it had, in the gpsd names. */
static void csv_row(out *o, const em_ais_msg *m)
{
	unsigned h = m->has;
	if (h & EM_AIS_HAS_STATUS) {
		KINT(o, "status", m->status);
		KSTR(o, "status_text", em_ais_status_text(m->status));
	}
	if (h & EM_AIS_HAS_SPEED)
		speed(o, m->speed);
	if (h & EM_AIS_HAS_POS)
		lonlat(o, m);
	if (h & EM_AIS_HAS_COURSE) {
		KEY(o, "course");
		fixed(o, m->course, 1);
	}
	if (h & EM_AIS_HAS_HEADING)
		KINT(o, "heading", m->heading);
	if (h & EM_AIS_HAS_IMO)
		KINT(o, "imo", m->imo);
	if (h & EM_AIS_HAS_CALLSIGN)
		KSTR(o, "callsign", m->callsign);
	if (h & EM_AIS_HAS_SHIPNAME)
		KSTR(o, "shipname", m->shipname);
	if (h & EM_AIS_HAS_SHIPTYPE)
		shiptype(o, m->shiptype);
	if (h & EM_AIS_HAS_DIMENSIONS)
		dimensions(o, m);
	if (h & EM_AIS_HAS_LENGTH) {
		KINT(o, "length", m->length);
		KINT(o, "width", m->width);
	}
	if (h & EM_AIS_HAS_DRAUGHT) {
		KEY(o, "draught");
		fixed(o, m->draught, 1);
	}
	if (h & EM_AIS_HAS_DESTINATION)
		KSTR(o, "destination", m->destination);
}

int em_ais_msg_json(const em_ais_msg *m, char *buf, size_t cap)
{
	if (cap < EM_AIS_RECORD_MAX)
		return em_fail(EM_ELIMIT, "em_ais_msg_json: buffer of %zu bytes, need %d", cap,
			       EM_AIS_RECORD_MAX);
	out o = {buf};
	LIT(&o, "{\"class\":\"AIS\",\"device\":");
	str(&o, m->input ? m->input : "", NAME_MAX_BYTES);
	KINT(&o, "type", m->type);
	KINT(&o, "repeat", m->repeat);
	KINT(&o, "mmsi", m->mmsi);
	LIT(&o, ",\"scaled\":true");
	if (m->rxtime != EM_AIS_NO_TIME) {
		char t[32];
		size_t n = ais_time_iso(m->rxtime, t);
		KEY(&o, "rxtime");
		*o.p++ = '"';
		lit(&o, t, n);
		*o.p++ = '"';
	}
	if (m->source == EM_AIS_SRC_CSV) {
		csv_row(&o, m);
	} else {
		switch (m->type) {
		case 1: case 2: case 3: type_1_2_3(&o, m); break;
		case 4: type_4(&o, m); break;
		case 5: type_5(&o, m); break;
		case 18: type_18(&o, m); break;
		case 19: type_19(&o, m); break;
		case 21: type_21(&o, m); break;
		case 24: type_24(&o, m); break;
		case 27: type_27(&o, m); break;
		default: break;
		}
	}
	*o.p++ = '}';
	*o.p = '\0';
	return (int)(o.p - buf);
}

/* --- CSV ------------------------------------------------------------------------------ */

const char *em_ais_csv_header(void)
{
	return "rxtime,type,part,mmsi,lat,lon,speed,course,heading,status,turn,shipname,callsign,"
	       "imo,shiptype,to_bow,to_stern,to_port,to_starboard,draught,destination,eta";
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_str(out *o, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		lit(o, s, n);
		return;
	}
	*o->p++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*o->p++ = '"';
		*o->p++ = s[i];
	}
	*o->p++ = '"';
}

int em_ais_msg_position(const em_ais_msg *m, double *lat, double *lon)
{
	if (!(m->has & EM_AIS_HAS_POS))
		return 0;
	double div = (m->source == EM_AIS_SRC_NMEA && m->type == 27) ? 600.0 : 600000.0;
	double la = m->lat / div, lo = m->lon / div;
	if (la < -90 || la > 90 || lo < -180 || lo > 180)
		return 0;
	*lat = la;
	*lon = lo;
	return 1;
}

double em_ais_msg_speed(const em_ais_msg *m)
{
	if (!(m->has & EM_AIS_HAS_SPEED))
		return -1;
	if (m->source == EM_AIS_SRC_NMEA && m->type == 27)
		return m->speed == 63 ? -1 : m->speed;
	return m->speed >= EM_AIS_SPEED_NA ? -1 : m->speed / 10.0;
}

int em_ais_msg_csv(const em_ais_msg *m, char *buf, size_t cap)
{
	if (cap < EM_AIS_RECORD_MAX)
		return em_fail(EM_ELIMIT, "em_ais_msg_csv: buffer of %zu bytes, need %d", cap,
			       EM_AIS_RECORD_MAX);
	out o = {buf};
	int t27 = m->source == EM_AIS_SRC_NMEA && m->type == 27;
	unsigned h = m->has;
	if (m->rxtime != EM_AIS_NO_TIME)
		o.p += ais_time_iso(m->rxtime, o.p);
	*o.p++ = ',';
	i64(&o, m->type);
	*o.p++ = ',';
	if (m->part)
		*o.p++ = m->part;
	*o.p++ = ',';
	u64(&o, m->mmsi);
	*o.p++ = ',';
	double lat, lon;
	if (em_ais_msg_position(m, &lat, &lon)) {
		if (t27) {
			degrees6(&o, m->lat * 1000);
			*o.p++ = ',';
			degrees6(&o, m->lon * 1000);
		} else {
			degrees6(&o, m->lat);
			*o.p++ = ',';
			degrees6(&o, m->lon);
		}
	} else {
		*o.p++ = ',';
	}
	*o.p++ = ',';
	double sp = em_ais_msg_speed(m);
	if (sp >= 0) {
		if (t27)
			i64(&o, m->speed);
		else
			fixed(&o, m->speed, 1);
	}
	*o.p++ = ',';
	if ((h & EM_AIS_HAS_COURSE) && (t27 ? m->course < 360 : m->course < 3600)) {
		if (t27)
			i64(&o, m->course);
		else
			fixed(&o, m->course, 1);
	}
	*o.p++ = ',';
	if ((h & EM_AIS_HAS_HEADING) && m->heading != EM_AIS_HEADING_NA)
		i64(&o, m->heading);
	*o.p++ = ',';
	if (h & EM_AIS_HAS_STATUS)
		i64(&o, m->status);
	*o.p++ = ',';
	if ((h & EM_AIS_HAS_TURN) && m->turn != EM_AIS_TURN_NA) {
		if (m->turn == -127 || m->turn == 127) {
			if (m->turn < 0)
				LIT(&o, "fastleft");
			else
				LIT(&o, "fastright");
		} else {
			double r = m->turn / 4.733;
			long v = lround(r * r);
			i64(&o, m->turn < 0 ? -v : v);
		}
	}
	*o.p++ = ',';
	if (h & EM_AIS_HAS_SHIPNAME)
		csv_str(&o, m->shipname, sizeof m->shipname);
	*o.p++ = ',';
	if (h & EM_AIS_HAS_CALLSIGN)
		csv_str(&o, m->callsign, sizeof m->callsign);
	*o.p++ = ',';
	if ((h & EM_AIS_HAS_IMO) && m->imo)
		u64(&o, m->imo);
	*o.p++ = ',';
	if (h & EM_AIS_HAS_SHIPTYPE)
		i64(&o, m->shiptype);
	*o.p++ = ',';
	if (h & EM_AIS_HAS_DIMENSIONS) {
		i64(&o, m->to_bow);
		*o.p++ = ',';
		i64(&o, m->to_stern);
		*o.p++ = ',';
		i64(&o, m->to_port);
		*o.p++ = ',';
		i64(&o, m->to_starboard);
	} else {
		LIT(&o, ",,,");
	}
	*o.p++ = ',';
	if (h & EM_AIS_HAS_DRAUGHT)
		fixed(&o, m->draught, 1);
	*o.p++ = ',';
	if (h & EM_AIS_HAS_DESTINATION)
		csv_str(&o, m->destination, sizeof m->destination);
	*o.p++ = ',';
	if (h & EM_AIS_HAS_ETA) {
		two(&o, m->eta_month);
		*o.p++ = '-';
		two(&o, m->eta_day);
		*o.p++ = 'T';
		two(&o, m->eta_hour);
		*o.p++ = ':';
		two(&o, m->eta_minute);
		*o.p++ = 'Z';
	}
	*o.p = '\0';
	return (int)(o.p - buf);
}
