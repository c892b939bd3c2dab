/*
 * csv_input.c: AIS position exports in CSV, the already-decoded form that agencies publish:
 * MarineCadastre (MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, VesselName, IMO, CallSign,
 * VesselType, Status, Length, Width, Draft, Cargo, TransceiverClass), the Danish Maritime
 * Authority (# Timestamp, Type of mobile, MMSI, Latitude, Longitude, Navigational status, ROT,
 * SOG, COG, Heading, IMO, Callsign, Name, Ship type, ..., A, B, C, D) and raw decoder dumps with
 * the same kinds of column names. Columns are found by name in the header, so their order does
 * not matter; each row becomes one em_ais_msg with the fields it has, in the units of the radio
 * message (so 43.07917 degrees is kept as 25847502 1/10000 minutes, about 0.2 m of rounding).
 * Also here: the UTC date arithmetic the module uses for receive times.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais.h"

/* --- time ----------------------------------------------------------------------------- */

/* Days from 1970-01-01 to a proleptic Gregorian date (era arithmetic, exact for all years). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t ais_time_from_civil(int year, int month, int day, int hour, int minute, int second)
{
	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 ||
	    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
		return EM_AIS_NO_TIME;
	int64_t days = days_from_civil(year, month, day);
	return ((days * 24 + hour) * 60 + minute) * 60000 + (int64_t)second * 1000;
}

size_t ais_time_iso(int64_t ms, char out[32])
{
	int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int msec = (int)(ms - secs * 1000);
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	/* civil_from_days, the inverse of days_from_civil */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	int hh = (int)(rem / 3600), mi = (int)(rem / 60 % 60), ss = (int)(rem % 60);
	int n;
	if (msec)
		n = snprintf(out, 32, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, m, d, hh,
			     mi, ss, msec);
	else
		n = snprintf(out, 32, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, hh, mi,
			     ss);
	return n < 0 ? 0 : (size_t)n;
}

/* --- header --------------------------------------------------------------------------- */

/* Column names, lower case without spaces, underscores or '#', and the column each means. */
static const struct {
	const char *name;
	int col;
} column_names[] = {
	{"mmsi", CSV_MMSI},
	{"basedatetime", CSV_TIME}, {"timestamp", CSV_TIME}, {"time", CSV_TIME},
	{"datetime", CSV_TIME},
	{"millisecond", CSV_MS},
	{"lat", CSV_LAT}, {"latitude", CSV_LAT},
	{"lon", CSV_LON}, {"longitude", CSV_LON},
	{"sog", CSV_SOG}, {"cog", CSV_COG}, {"heading", CSV_HEADING},
	{"vesselname", CSV_NAME}, {"name", CSV_NAME}, {"shipname", CSV_NAME},
	{"imo", CSV_IMO},
	{"callsign", CSV_CALLSIGN},
	{"vesseltype", CSV_SHIPTYPE}, {"shiptype", CSV_SHIPTYPE},
	{"status", CSV_STATUS}, {"navigationalstatus", CSV_STATUS},
	{"length", CSV_LENGTH}, {"width", CSV_WIDTH},
	{"draft", CSV_DRAUGHT}, {"draught", CSV_DRAUGHT},
	{"destination", CSV_DEST},
	{"transceiverclass", CSV_CLASS}, {"typeofmobile", CSV_CLASS},
	{"messageid", CSV_MSGTYPE},
	{"a", CSV_A}, {"b", CSV_B}, {"c", CSV_C}, {"d", CSV_D},
	{"dimensiontobow", CSV_A}, {"dimensiontostern", CSV_B},
	{"dimensiontoport", CSV_C}, {"dimensiontostarboard", CSV_D},
};

/* Up to max fields of a line (quotes stripped, "" left as is); returns the count. */
static size_t split_fields(const char *s, size_t n, char delim, const char **f, size_t *fl,
			   size_t max)
{
	size_t k = 0, p = 0;
	while (k < max) {
		if (p < n && s[p] == '"') {
			size_t q = p + 1;
			while (q < n && !(s[q] == '"' && (q + 1 >= n || s[q + 1] != '"')))
				q += (s[q] == '"') ? 2 : 1;
			f[k] = s + p + 1;
			fl[k] = (q < n ? q : n) - p - 1;
			k++;
			p = q + 1;
			while (p < n && s[p] != delim)
				p++;
		} else {
			size_t q = p;
			while (q < n && s[q] != delim)
				q++;
			f[k] = s + p;
			fl[k] = q - p;
			k++;
			p = q;
		}
		if (p >= n)
			break;
		p++; /* the delimiter */
	}
	return k;
}

#define MAX_FIELDS 256

int ais_csv_header(ais_csv_map *map, const char *s, size_t n)
{
	const char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS];
	char delim = memchr(s, ';', n) && !memchr(s, ',', n) ? ';' : ',';
	if (memchr(s, '\t', n) && !memchr(s, ',', n))
		delim = '\t';
	size_t k = split_fields(s, n, delim, f, fl, MAX_FIELDS);
	for (int i = 0; i < CSV_NCOLS; i++)
		map->col[i] = -1;
	map->delim = delim;
	int known = 0;
	for (size_t i = 0; i < k; i++) {
		char name[48];
		size_t m = 0;
		for (size_t j = 0; j < fl[i] && m + 1 < sizeof name; j++) {
			char c = f[i][j];
			if (c == ' ' || c == '_' || c == '#' || c == '-')
				continue;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			name[m++] = c;
		}
		name[m] = '\0';
		for (size_t j = 0; j < sizeof column_names / sizeof column_names[0]; j++) {
			if (!strcmp(name, column_names[j].name) && map->col[column_names[j].col] < 0) {
				map->col[column_names[j].col] = (int)i;
				known++;
				break;
			}
		}
	}
	if (map->col[CSV_MMSI] < 0 || map->col[CSV_TIME] < 0 || known < 4)
		return -1;
	return 0;
}

/* --- rows ----------------------------------------------------------------------------- */

/* A field as a NUL-terminated copy without surrounding spaces ("" when absent). */
static const char *field(const ais_csv_map *map, int col, const char **f, const size_t *fl,
			 size_t k, char *buf, size_t cap)
{
	buf[0] = '\0';
	int i = map->col[col];
	if (i < 0 || (size_t)i >= k)
		return buf;
	const char *p = f[i];
	size_t n = fl[i];
	while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static int parse_double(const char *s, double *out)
{
	if (!*s)
		return -1;
	char *end;
	double v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* n digits as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "2023-01-11T00:00:00[.fff][Z]", "2023-01-11 00:00:00", "11/01/2023 00:00:00" (day first, as
 * the Danish exports) or "20210701_185151". */
static int64_t parse_time(const char *s)
{
	size_t n = strlen(s);
	int y, mo, d, h, mi, se;
	size_t rest;
	if (n >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') &&
	    s[13] == ':' && s[16] == ':') {
		y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
		h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
		rest = 19;
	} else if (n >= 19 && s[2] == '/' && s[5] == '/' && s[10] == ' ' && s[13] == ':' &&
		   s[16] == ':') {
		d = digits(s, 2), mo = digits(s + 3, 2), y = digits(s + 6, 4);
		h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
		rest = 19;
	} else if (n >= 15 && s[8] == '_') {
		y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
		h = digits(s + 9, 2), mi = digits(s + 11, 2), se = digits(s + 13, 2);
		rest = 15;
	} else {
		return EM_AIS_NO_TIME;
	}
	int64_t t = ais_time_from_civil(y, mo, d, h, mi, se);
	if (t == EM_AIS_NO_TIME)
		return t;
	if (s[rest] == '.') {
		int scale = 100;
		for (rest++; s[rest] >= '0' && s[rest] <= '9'; rest++) {
			t += (s[rest] - '0') * scale;
			scale /= 10;
		}
	}
	if (s[rest] == 'Z')
		rest++;
	return s[rest] == '\0' ? t : EM_AIS_NO_TIME;
}

/* Case-insensitive equality of ASCII text. */
static int same_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* Navigation status written out, as the Danish exports do (American spellings included). */
static int status_from_text(const char *s)
{
	static const struct {
		const char *text;
		int status;
	} extra[] = {
		{"Restricted maneuverability", 3}, {"Reserved for future amendment [HSC]", 9},
		{"Reserved for future amendment [WIG]", 10}, {"Unknown value", 15},
	};
	for (int i = 0; i < 16; i++)
		if (same_ci(s, em_ais_status_text(i)))
			return i;
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (same_ci(s, extra[i].text))
			return extra[i].status;
	return -1;
}

/* Ship types written out, as the Danish exports do: the first code of each kind. */
static int shiptype_from_text(const char *s)
{
	static const struct {
		const char *text;
		int code;
	} kinds[] = {
		{"Undefined", 0}, {"WIG", 20}, {"Fishing", 30}, {"Towing", 31},
		{"Towing long/wide", 32}, {"Dredging", 33}, {"Diving", 34}, {"Military", 35},
		{"Sailing", 36}, {"Pleasure", 37}, {"HSC", 40}, {"Pilot", 50}, {"SAR", 51},
		{"Tug", 52}, {"Port tender", 53}, {"Anti-pollution", 54}, {"Law enforcement", 55},
		{"Medical", 58}, {"Not party to conflict", 59}, {"Passenger", 60}, {"Cargo", 70},
		{"Tanker", 80}, {"Other", 90},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (same_ci(s, kinds[i].text))
			return kinds[i].code;
	return -1;
}

/* Copies text into out (cap bytes), cut on a UTF-8 character boundary. */
static void copy_text(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* A number field rounded to an integer, or -1 (also for negative values). */
static long whole(const char *s, double scale)
{
	double v;
	if (parse_double(s, &v) != 0 || v < 0 || v * scale > 1e9)
		return -1;
	return lround(v * scale);
}

int ais_csv_row(const ais_csv_map *map, const char *s, size_t n, em_ais_msg *m)
{
	const char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS];
	size_t k = split_fields(s, n, map->delim, f, fl, MAX_FIELDS);
	char b[128];
	memset(m, 0, sizeof *m);
	m->source = EM_AIS_SRC_CSV;
	m->type = 1;

	long v = whole(field(map, CSV_MMSI, f, fl, k, b, sizeof b), 1);
	if (v <= 0 || v > 999999999)
		return EM_AIS_SKIP_CSV + 1;
	m->mmsi = (uint32_t)v;
	m->rxtime = parse_time(field(map, CSV_TIME, f, fl, k, b, sizeof b));
	if (m->rxtime == EM_AIS_NO_TIME)
		return EM_AIS_SKIP_CSV + 1;
	if ((v = whole(field(map, CSV_MS, f, fl, k, b, sizeof b), 1)) >= 0 && v < 1000)
		m->rxtime += v;

	const char *cls = field(map, CSV_CLASS, f, fl, k, b, sizeof b);
	if (same_ci(cls, "B") || same_ci(cls, "Class B"))
		m->type = 18;
	else if (same_ci(cls, "Base Station"))
		m->type = 4;
	else if (same_ci(cls, "AtoN"))
		m->type = 21;
	if ((v = whole(field(map, CSV_MSGTYPE, f, fl, k, b, sizeof b), 1)) >= 1 && v <= 27)
		m->type = (int)v;

	double lat, lon;
	if (parse_double(field(map, CSV_LAT, f, fl, k, b, sizeof b), &lat) == 0 &&
	    parse_double(field(map, CSV_LON, f, fl, k, b, sizeof b), &lon) == 0) {
		if (lat < -91 || lat > 91 || lon < -181 || lon > 181)
			return EM_AIS_SKIP_CSV + 1;
		m->lat = (int32_t)lround(lat * 600000.0);
		m->lon = (int32_t)lround(lon * 600000.0);
		m->has |= EM_AIS_HAS_POS;
	}
	if ((v = whole(field(map, CSV_SOG, f, fl, k, b, sizeof b), 10)) >= 0) {
		m->speed = v > 1022 ? 1022 : (int)v;
		m->has |= EM_AIS_HAS_SPEED;
	}
	if ((v = whole(field(map, CSV_COG, f, fl, k, b, sizeof b), 10)) >= 0 && v <= 3600) {
		m->course = (int)v;
		m->has |= EM_AIS_HAS_COURSE;
	}
	if ((v = whole(field(map, CSV_HEADING, f, fl, k, b, sizeof b), 1)) >= 0 && v <= 511) {
		m->heading = (int)v;
		m->has |= EM_AIS_HAS_HEADING;
	}
	const char *st = field(map, CSV_STATUS, f, fl, k, b, sizeof b);
	if ((v = whole(st, 1)) >= 0 && v <= 15)
		m->status = (int)v, m->has |= EM_AIS_HAS_STATUS;
	else if ((v = status_from_text(st)) >= 0)
		m->status = (int)v, m->has |= EM_AIS_HAS_STATUS;

	const char *name = field(map, CSV_NAME, f, fl, k, b, sizeof b);
	if (*name && !same_ci(name, "Unknown")) {
		copy_text(m->shipname, sizeof m->shipname, name);
		m->has |= EM_AIS_HAS_SHIPNAME;
	}
	const char *cs = field(map, CSV_CALLSIGN, f, fl, k, b, sizeof b);
	if (*cs && !same_ci(cs, "Unknown")) {
		copy_text(m->callsign, sizeof m->callsign, cs);
		m->has |= EM_AIS_HAS_CALLSIGN;
	}
	const char *imo = field(map, CSV_IMO, f, fl, k, b, sizeof b);
	if (imo[0] == 'I' && imo[1] == 'M' && imo[2] == 'O')
		imo += 3;
	if ((v = whole(imo, 1)) > 0 && v <= 999999999) {
		m->imo = (uint32_t)v;
		m->has |= EM_AIS_HAS_IMO;
	}
	const char *ty = field(map, CSV_SHIPTYPE, f, fl, k, b, sizeof b);
	if ((v = whole(ty, 1)) >= 0 && v <= 255)
		m->shiptype = (int)v, m->has |= EM_AIS_HAS_SHIPTYPE;
	else if ((v = shiptype_from_text(ty)) >= 0)
		m->shiptype = (int)v, m->has |= EM_AIS_HAS_SHIPTYPE;
	long a = whole(field(map, CSV_A, f, fl, k, b, sizeof b), 1);
	long bb = whole(field(map, CSV_B, f, fl, k, b, sizeof b), 1);
	long c = whole(field(map, CSV_C, f, fl, k, b, sizeof b), 1);
	long d = whole(field(map, CSV_D, f, fl, k, b, sizeof b), 1);
	if (a >= 0 && bb >= 0 && c >= 0 && d >= 0 && a <= 511 && bb <= 511 && c <= 63 && d <= 63) {
		m->to_bow = (int)a, m->to_stern = (int)bb, m->to_port = (int)c;
		m->to_starboard = (int)d;
		m->has |= EM_AIS_HAS_DIMENSIONS;
	}
	long len = whole(field(map, CSV_LENGTH, f, fl, k, b, sizeof b), 1);
	long wid = whole(field(map, CSV_WIDTH, f, fl, k, b, sizeof b), 1);
	if (len > 0 && len < 1000 && wid >= 0 && wid < 200) {
		m->length = (int)len, m->width = (int)wid;
		m->has |= EM_AIS_HAS_LENGTH;
	}
	if ((v = whole(field(map, CSV_DRAUGHT, f, fl, k, b, sizeof b), 10)) >= 0 && v <= 255) {
		m->draught = (int)v;
		m->has |= EM_AIS_HAS_DRAUGHT;
	}
	const char *dest = field(map, CSV_DEST, f, fl, k, b, sizeof b);
	if (*dest && !same_ci(dest, "Unknown")) {
		copy_text(m->destination, sizeof m->destination, dest);
		m->has |= EM_AIS_HAS_DESTINATION;
	}
	return 0;
}
