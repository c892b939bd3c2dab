/*
 * encode.c: the AIVDM encoder, the inverse of msg.c and decoder.c for the types a vessel sends
 * about itself: 1-3 (class A position), 5 (static and voyage data), 18 (class B position) and
 * 24 (class B static data, parts A and B). Fields are packed most significant bit first at the
 * offsets msg.c reads them from, armoured six bits to a character, and cut into sentences of
 * at most 60 payload characters (360 bits), each with its checksum and an optional NMEA 4.10
 * tag block. Every field is range-checked against its bits, so a value the decoder could not
 * give back is refused instead of silently wrapped.
 */
#include <stdio.h>
#include <string.h>

#include "ais.h"
#include "embargo/em_ais_gen.h"
#include "util/util.h"

/* Payload characters per sentence: 60 keeps a sentence within NMEA's 82 characters. */
#define SENTENCE_CHARS 60

typedef struct bitw {
	uint8_t b[AIS_BITS_BYTES];
	const em_ais_msg *m;       /* for error messages */
	int bad;                   /* a field did not fit (the error is recorded) */
} bitw;

static void put_u(bitw *w, unsigned start, unsigned len, uint32_t v)
{
	for (unsigned i = 0; i < len; i++) {
		unsigned bit = (v >> (len - 1 - i)) & 1u;
		unsigned pos = start + i;
		if (bit)
			w->b[pos >> 3] |= (uint8_t)(0x80u >> (pos & 7));
	}
}

static void field_range(bitw *w, const char *field, long long v)
{
	if (!w->bad)
		em_fail(EM_EINVAL, "ais encode: type %d mmsi %u: field '%s': %lld out of range",
			w->m->type, (unsigned)w->m->mmsi, field, v);
	w->bad = 1;
}

/* An unsigned field of `len` bits; `max` is the largest value the field may carry. */
static void fu(bitw *w, const char *field, unsigned start, unsigned len, long long v, long long max)
{
	if (v < 0 || v > max || (len < 32 && v >= (1ll << len))) {
		field_range(w, field, v);
		return;
	}
	put_u(w, start, len, (uint32_t)v);
}

/* A two's complement field of `len` bits within [lo, hi]. */
static void fs(bitw *w, const char *field, unsigned start, unsigned len, long long v, long long lo,
	       long long hi)
{
	if (v < lo || v > hi) {
		field_range(w, field, v);
		return;
	}
	put_u(w, start, len, (uint32_t)v & (uint32_t)((1ull << len) - 1));
}

static int sixbit_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	for (int v = 0; v < 64; v++)
		if (ais_sixbit_chars[v] == c)
			return v;
	return -1;
}

/* A text field of `nchars` characters, '@'-padded. */
static void ftext(bitw *w, const char *field, unsigned start, unsigned nchars, const char *s)
{
	size_t n = strlen(s);
	if (n > nchars) {
		if (!w->bad)
			em_fail(EM_EINVAL, "ais encode: type %d mmsi %u: field '%s': \"%s\" is longer "
				"than %u characters", w->m->type, (unsigned)w->m->mmsi, field, s, nchars);
		w->bad = 1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int v = sixbit_value(s[i]);
		if (v < 0) {
			if (!w->bad)
				em_fail(EM_EINVAL, "ais encode: type %d mmsi %u: field '%s': character "
					"0x%02x is not in the AIS 6-bit set", w->m->type,
					(unsigned)w->m->mmsi, field, (unsigned char)s[i]);
			w->bad = 1;
			return;
		}
		put_u(w, start + 6 * (unsigned)i, 6, (uint32_t)v);
	}
	/* The rest stays 0, which is '@'. */
}

#define LON_LIMIT (181ll * 600000)
#define LAT_LIMIT (91ll * 600000)

/* Longitude and latitude: within +-180 / +-90 degrees, or exactly the "not available" value. */
static void fpos(bitw *w, unsigned lon_at, unsigned lat_at, const em_ais_msg *m)
{
	if (m->lon == EM_AIS_LON_NA || (m->lon >= -180ll * 600000 && m->lon <= 180ll * 600000))
		fs(w, "lon", lon_at, 28, m->lon, -LON_LIMIT, LON_LIMIT);
	else
		field_range(w, "lon", m->lon);
	if (m->lat == EM_AIS_LAT_NA || (m->lat >= -90ll * 600000 && m->lat <= 90ll * 600000))
		fs(w, "lat", lat_at, 27, m->lat, -LAT_LIMIT, LAT_LIMIT);
	else
		field_range(w, "lat", m->lat);
}

static void heading(bitw *w, unsigned at, int v)
{
	if (v == EM_AIS_HEADING_NA || (v >= 0 && v <= 359))
		put_u(w, at, 9, (uint32_t)v);
	else
		field_range(w, "heading", v);
}

/* Speed, accuracy, position, course, heading and second: the same fields in the same order in
 * both position reports, from bit `at` (50 in types 1-3, 46 in type 18). */
static void encode_motion(bitw *w, const em_ais_msg *m, unsigned at)
{
	fu(w, "speed", at, 10, m->speed, EM_AIS_SPEED_NA);
	fu(w, "accuracy", at + 10, 1, m->accuracy, 1);
	fpos(w, at + 11, at + 39, m);
	fu(w, "course", at + 66, 12, m->course, EM_AIS_COURSE_NA);
	heading(w, at + 78, m->heading);
	fu(w, "second", at + 87, 6, m->second, 63);
}

static unsigned encode_position_a(bitw *w, const em_ais_msg *m)
{
	fu(w, "status", 38, 4, m->status, 15);
	fs(w, "turn", 42, 8, m->turn, -128, 127);
	encode_motion(w, m, 50);
	fu(w, "maneuver", 143, 2, m->maneuver, 3);
	fu(w, "raim", 148, 1, m->raim, 1);
	fu(w, "radio", 149, 19, m->radio, (1 << 19) - 1);
	return 168;
}

static unsigned encode_static_voyage(bitw *w, const em_ais_msg *m)
{
	fu(w, "ais_version", 38, 2, m->ais_version, 3);
	fu(w, "imo", 40, 30, m->imo, (1ll << 30) - 1);
	ftext(w, "callsign", 70, 7, m->callsign);
	ftext(w, "shipname", 112, 20, m->shipname);
	fu(w, "shiptype", 232, 8, m->shiptype, 255);
	fu(w, "to_bow", 240, 9, m->to_bow, 511);
	fu(w, "to_stern", 249, 9, m->to_stern, 511);
	fu(w, "to_port", 258, 6, m->to_port, 63);
	fu(w, "to_starboard", 264, 6, m->to_starboard, 63);
	fu(w, "epfd", 270, 4, m->epfd, 15);
	fu(w, "eta_month", 274, 4, m->eta_month, 15);
	fu(w, "eta_day", 278, 5, m->eta_day, 31);
	fu(w, "eta_hour", 283, 5, m->eta_hour, 31);
	fu(w, "eta_minute", 288, 6, m->eta_minute, 63);
	fu(w, "draught", 294, 8, m->draught, 255);
	ftext(w, "destination", 302, 20, m->destination);
	fu(w, "dte", 422, 1, m->dte, 1);
	return 424;
}

static unsigned encode_position_b(bitw *w, const em_ais_msg *m)
{
	fu(w, "reserved", 38, 8, m->reserved, 255);
	encode_motion(w, m, 46);
	fu(w, "regional", 139, 2, m->regional, 3);
	fu(w, "cs", 141, 1, m->cs, 1);
	fu(w, "display", 142, 1, m->display, 1);
	fu(w, "dsc", 143, 1, m->dsc, 1);
	fu(w, "band", 144, 1, m->band, 1);
	fu(w, "msg22", 145, 1, m->msg22, 1);
	fu(w, "assigned", 146, 1, m->assigned, 1);
	fu(w, "raim", 147, 1, m->raim, 1);
	fu(w, "radio", 148, 20, m->radio, (1 << 20) - 1);
	return 168;
}

static unsigned encode_static_b(bitw *w, const em_ais_msg *m)
{
	if (m->part == 'A') {
		ftext(w, "shipname", 40, 20, m->shipname);
		return 160;
	}
	if (m->part != 'B') {
		em_fail(EM_EINVAL, "ais encode: type 24 mmsi %u: field 'part': not 'A' or 'B'",
			(unsigned)m->mmsi);
		w->bad = 1;
		return 0;
	}
	put_u(w, 38, 2, 1);
	fu(w, "shiptype", 40, 8, m->shiptype, 255);
	char vendor[4] = {0};
	memcpy(vendor, m->vendorid, strnlen(m->vendorid, 3));
	ftext(w, "vendorid", 48, 3, vendor);
	fu(w, "model", 66, 4, m->model, 15);
	fu(w, "serial", 70, 20, m->serial, (1 << 20) - 1);
	ftext(w, "callsign", 90, 7, m->callsign);
	if (m->mmsi / 10000000u == 98u) {
		fu(w, "mothership_mmsi", 132, 30, m->mothership_mmsi, (1ll << 30) - 1);
	} else {
		fu(w, "to_bow", 132, 9, m->to_bow, 511);
		fu(w, "to_stern", 141, 9, m->to_stern, 511);
		fu(w, "to_port", 150, 6, m->to_port, 63);
		fu(w, "to_starboard", 156, 6, m->to_starboard, 63);
	}
	return 168;
}

static const char hex[] = "0123456789ABCDEF";

/* Appends "*hh" with the XOR of s[from..to). */
static void put_checksum(char *s, size_t from, size_t *len)
{
	uint8_t x = 0;
	for (size_t i = from; i < *len; i++)
		x ^= (uint8_t)s[i];
	s[(*len)++] = '*';
	s[(*len)++] = hex[x >> 4];
	s[(*len)++] = hex[x & 15];
}

/* The tag block "\c:SECONDS,s:SOURCE*hh\" into t (at least 96 bytes); returns its length. */
static size_t tag_block(char *t, int64_t rxtime, const char *source)
{
	size_t n = 0;
	t[n++] = '\\';
	if (rxtime != EM_AIS_NO_TIME) {
		int w = rxtime % 1000 == 0
				? snprintf(t + n, 40, "c:%lld", (long long)(rxtime / 1000))
				: snprintf(t + n, 40, "c:%lld.%03d", (long long)(rxtime / 1000),
					   (int)(rxtime % 1000));
		n += (size_t)w;
	}
	if (source) {
		if (n > 1)
			t[n++] = ',';
		t[n++] = 's';
		t[n++] = ':';
		memcpy(t + n, source, strlen(source));
		n += strlen(source);
	}
	put_checksum(t, 1, &n);
	t[n++] = '\\';
	return n;
}

static int check_source(const char *source)
{
	if (!source)
		return 0;
	size_t n = strlen(source);
	if (n == 0 || n > 40)
		return em_fail(EM_EINVAL, "ais encode: source '%s': 1 to 40 characters", source);
	for (size_t i = 0; i < n; i++) {
		char c = source[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return em_fail(EM_EINVAL, "ais encode: source '%s': letters, digits and '-' "
				       "only", source);
	}
	return 0;
}

int em_ais_encode(char *out, size_t cap, const em_ais_msg *m, const char *source, int seqid)
{
	bitw wb = {.m = m}, *w = &wb;
	if (check_source(source) != 0)
		return EM_EINVAL;
	if (m->rxtime != EM_AIS_NO_TIME && m->rxtime < 0)
		return em_fail(EM_EINVAL, "ais encode: type %d mmsi %u: field 'rxtime': before 1970",
			       m->type, (unsigned)m->mmsi);
	char channel = m->channel ? m->channel : 'A';
	if (!((channel >= 'A' && channel <= 'Z') || (channel >= '0' && channel <= '9')))
		return em_fail(EM_EINVAL, "ais encode: type %d mmsi %u: field 'channel': 0x%02x",
			       m->type, (unsigned)m->mmsi, (unsigned char)channel);
	fu(w, "type", 0, 6, m->type, 63);
	fu(w, "repeat", 6, 2, m->repeat, 3);
	fu(w, "mmsi", 8, 30, m->mmsi, (1ll << 30) - 1);
	unsigned nbits;
	switch (m->type) {
	case 1: case 2: case 3:
		nbits = encode_position_a(w, m);
		break;
	case 5:
		nbits = encode_static_voyage(w, m);
		break;
	case 18:
		nbits = encode_position_b(w, m);
		break;
	case 24:
		nbits = encode_static_b(w, m);
		break;
	default:
		return em_fail(EM_EINVAL, "ais encode: mmsi %u: field 'type': %d is not encoded "
			       "(1, 2, 3, 5, 18, 24)", (unsigned)m->mmsi, m->type);
	}
	if (w->bad)
		return EM_EINVAL;
	unsigned nchars = (nbits + 5) / 6, fill = nchars * 6 - nbits;
	unsigned count = (nchars + SENTENCE_CHARS - 1) / SENTENCE_CHARS;
	if (count > 1 && (seqid < 0 || seqid > 9))
		return em_fail(EM_EINVAL, "ais encode: type %d mmsi %u: sequence id %d (0..9)",
			       m->type, (unsigned)m->mmsi, seqid);
	char tag[96];
	size_t taglen = (m->rxtime != EM_AIS_NO_TIME || source) ? tag_block(tag, m->rxtime, source) : 0;
	char buf[EM_AIS_ENCODE_MAX];
	size_t len = 0;
	for (unsigned s = 0; s < count; s++) {
		memcpy(buf + len, tag, taglen);
		len += taglen;
		size_t start = len;
		int w0 = snprintf(buf + len, 32, "!AIVDM,%u,%u,", count, s + 1);
		len += (size_t)w0;
		if (count > 1)
			buf[len++] = (char)('0' + seqid);
		buf[len++] = ',';
		buf[len++] = channel;
		buf[len++] = ',';
		unsigned first = s * SENTENCE_CHARS;
		unsigned last = first + SENTENCE_CHARS < nchars ? first + SENTENCE_CHARS : nchars;
		for (unsigned c = first; c < last; c++) {
			unsigned v = ais_bits_u(w->b, c * 6, 6);
			buf[len++] = (char)(v < 40 ? v + 48 : v + 56);
		}
		buf[len++] = ',';
		buf[len++] = (char)('0' + (s + 1 == count ? fill : 0));
		put_checksum(buf, start + 1, &len);
		buf[len++] = '\n';
	}
	if (len + 1 > cap)
		return em_fail(EM_ELIMIT, "ais encode: type %d mmsi %u: %zu bytes do not fit in %zu",
			       m->type, (unsigned)m->mmsi, len + 1, cap);
	memcpy(out, buf, len);
	out[len] = '\0';
	return (int)len;
}
