/*
 * test_ais_encode.c: the AIVDM encoder (em_ais_encode) is the exact inverse of the decoder.
 * Real sentences from the samples (gpsd, pyais) are decoded and encoded again and must come back
 * character for character, checksum included; many random messages of types 1, 2, 3, 5, 18
 * and 24 (a fixed PRNG, with the edge values: lat 91 / lon 181 "not available", negative
 * coordinates, speed 102.2 and "not available", '@'-padded and 20-character names) are encoded
 * with a tag block, decoded by the project's decoder and compared field by field, and encoding
 * what was decoded must give the same sentences again. Values that do not fit are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_ais.h"
#include "embargo/em_ais_gen.h"
#include "test.h"

#define MAXMSG 4

typedef struct got {
	em_ais_msg m[MAXMSG];
	size_t n;
	em_ais_stats st;
} got;

static int keep(void *ctx, const em_ais_msg *m)
{
	got *g = ctx;
	if (g->n < MAXMSG) {
		g->m[g->n] = *m;
		g->m[g->n++].input = NULL;
	}
	return 0;
}

/* Decodes `text` with a fresh decoder (a type 24 part B takes the name of an earlier part A of
 * the same MMSI, so messages are kept apart). */
static void decode(const char *text, got *g)
{
	memset(g, 0, sizeof *g);
	em_ais_decoder *d;
	if (em_ais_decoder_new(&d, NULL) != 0)
		abort();
	CHECK(em_ais_input_begin(d, "test") == 0);
	CHECK(em_ais_input_feed(d, text, strlen(text), keep, g) == 0);
	CHECK(em_ais_input_end(d, keep, g) == 0);
	em_ais_decoder_stats(d, &g->st);
	em_ais_decoder_free(d);
}

/* --- real sentences ------------------------------------------------------------------- */

/*
 * Sentences from ../shared/ais/samples; the sequence id of a two-sentence message is kept. The
 * type 5 transmitter padded its texts with spaces, which the decoder drops: they are put back
 * before encoding (the encoder writes what it is given and pads with '@').
 */
static const struct {
	const char *text;
	int seqid;
} real[] = {
	{"!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C\n", 0},          /* pyais, type 1 */
	{"!AIVDM,1,1,,A,14S:lr02j>1Tv?LDi:;5:D8F0H6L,0*79\n", 0},
	{"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n", 0},          /* gpsd, turn -128 */
	{"!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C\n"
	 "!AIVDM,2,2,1,A,88888888880,2*25\n", 1},                           /* gpsd, type 5 */
	{"!AIVDM,1,1,,B,H3`u5VDT47I4dcD@8olnh01P0030,0*2A\n", 0},          /* gpsd, type 24 B */
	{"!AIVDM,1,1,,B,B39H9GP0;@H136UI3ijEowU5oP06,0*14\n", 0},          /* type 18 */
	{"!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D\n", 0},           /* type 24 part A */
	{"!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40\n", 0},          /* type 24 part B */
};

static void pad_spaces(char *s, size_t width)
{
	size_t n = strlen(s);
	memset(s + n, ' ', width - n);
	s[width] = '\0';
}

static void test_real_sentences_come_back(void)
{
	for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
		got g;
		decode(real[i].text, &g);
		CHECK_EQ_INT(g.n, 1);
		if (g.n != 1)
			continue;
		if (g.m[0].type == 5) {
			pad_spaces(g.m[0].callsign, 7);
			pad_spaces(g.m[0].shipname, 20);
			pad_spaces(g.m[0].destination, 20);
		}
		char out[EM_AIS_ENCODE_MAX];
		int n = em_ais_encode(out, sizeof out, &g.m[0], NULL, real[i].seqid);
		CHECK(n > 0);
		if (n > 0)
			CHECK_EQ_STR(out, real[i].text);
	}
}

/* --- random messages ------------------------------------------------------------------ */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static long long between(long long lo, long long hi)
{
	return lo + (long long)(rnd() % (uint64_t)(hi - lo + 1));
}

/* One time in `n`. */
static int chance(unsigned n)
{
	return rnd() % n == 0;
}

/* A text of up to `max` characters of the 6-bit set without '@' and without trailing spaces
 * (the decoder cuts at '@' and drops trailing spaces); full length one time in four. */
static void random_text(char *s, unsigned max)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";
	unsigned n = chance(4) ? max : (unsigned)between(0, max);
	for (unsigned i = 0; i < n; i++)
		s[i] = set[between(0, (long long)sizeof set - 2)];
	s[n] = '\0';
	if (n > 0 && s[n - 1] == ' ')
		s[n - 1] = 'X';
}

static int32_t random_lon(void)
{
	if (chance(10))
		return EM_AIS_LON_NA;
	if (chance(20))
		return chance(2) ? 180 * 600000 : -180 * 600000;
	return (int32_t)between(-180ll * 600000, 180ll * 600000);
}

static int32_t random_lat(void)
{
	if (chance(10))
		return EM_AIS_LAT_NA;
	if (chance(20))
		return chance(2) ? 90 * 600000 : -90 * 600000;
	return (int32_t)between(-90ll * 600000, 90ll * 600000);
}

static int random_speed(void)
{
	if (chance(8))
		return 1022; /* 102.2 knots or more */
	if (chance(8))
		return EM_AIS_SPEED_NA;
	return (int)between(0, 1021);
}

static int random_heading(void)
{
	return chance(5) ? EM_AIS_HEADING_NA : (int)between(0, 359);
}

static uint32_t random_mmsi(void)
{
	switch (rnd() % 8) {
	case 0:
		return 0;
	case 1:
		return (1u << 30) - 1;
	case 2:
		return (uint32_t)between(980000000, 989999999); /* auxiliary craft */
	default:
		return (uint32_t)between(200000000, 799999999);
	}
}

/* The fields both position reports share. */
static void random_motion(em_ais_msg *m)
{
	m->speed = random_speed();
	m->accuracy = (int)between(0, 1);
	m->lon = random_lon();
	m->lat = random_lat();
	m->course = chance(5) ? EM_AIS_COURSE_NA : (int)between(0, 3599);
	m->heading = random_heading();
	m->second = (int)between(0, 63);
	m->raim = (int)between(0, 1);
	m->has = EM_AIS_HAS_POS | EM_AIS_HAS_SPEED | EM_AIS_HAS_COURSE | EM_AIS_HAS_HEADING;
}

static void random_msg(em_ais_msg *m)
{
	static const int types[] = {1, 2, 3, 5, 18, 24};
	memset(m, 0, sizeof *m);
	m->type = types[rnd() % 6];
	m->repeat = (int)between(0, 3);
	m->mmsi = random_mmsi();
	m->source = EM_AIS_SRC_NMEA;
	/* Whole seconds mostly; milliseconds sometimes. */
	m->rxtime = between(0, 4102444800ll) * 1000 + (chance(4) ? between(0, 999) : 0);
	m->channel = chance(2) ? 'A' : 'B';
	switch (m->type) {
	case 1: case 2: case 3:
		random_motion(m);
		m->status = (int)between(0, 15);
		m->turn = (int)between(-128, 127);
		m->maneuver = (int)between(0, 3);
		m->radio = (uint32_t)between(0, (1 << 19) - 1);
		m->has |= EM_AIS_HAS_STATUS | EM_AIS_HAS_TURN;
		break;
	case 5:
		m->ais_version = (int)between(0, 3);
		m->imo = (uint32_t)(chance(4) ? between(0, (1 << 30) - 1) : between(1000000, 9999999));
		random_text(m->callsign, 7);
		random_text(m->shipname, 20);
		m->shiptype = (int)between(0, 255);
		m->to_bow = (int)between(0, 511);
		m->to_stern = (int)between(0, 511);
		m->to_port = (int)between(0, 63);
		m->to_starboard = (int)between(0, 63);
		m->epfd = (int)between(0, 15);
		m->eta_month = (int)between(0, 15);
		m->eta_day = (int)between(0, 31);
		m->eta_hour = (int)between(0, 31);
		m->eta_minute = (int)between(0, 63);
		m->draught = (int)between(0, 255);
		random_text(m->destination, 20);
		m->dte = (int)between(0, 1);
		m->has = EM_AIS_HAS_SHIPNAME | EM_AIS_HAS_CALLSIGN | EM_AIS_HAS_IMO |
			 EM_AIS_HAS_SHIPTYPE | EM_AIS_HAS_DIMENSIONS | EM_AIS_HAS_DRAUGHT |
			 EM_AIS_HAS_DESTINATION | EM_AIS_HAS_ETA;
		break;
	case 18:
		random_motion(m);
		m->reserved = (int)between(0, 255);
		m->regional = (int)between(0, 3);
		m->cs = (int)between(0, 1);
		m->display = (int)between(0, 1);
		m->dsc = (int)between(0, 1);
		m->band = (int)between(0, 1);
		m->msg22 = (int)between(0, 1);
		m->assigned = (int)between(0, 1);
		m->radio = (uint32_t)between(0, (1 << 20) - 1);
		break;
	default: /* 24 */
		m->part = chance(2) ? 'A' : 'B';
		if (m->part == 'A') {
			random_text(m->shipname, 20);
			m->has = EM_AIS_HAS_SHIPNAME;
			break;
		}
		m->shiptype = (int)between(0, 255);
		random_text(m->vendorid, 3);
		m->model = (int)between(0, 15);
		m->serial = (uint32_t)between(0, (1 << 20) - 1);
		random_text(m->callsign, 7);
		if (m->mmsi / 10000000u == 98u) {
			m->mothership_mmsi = (uint32_t)between(0, (1 << 30) - 1);
			m->has = EM_AIS_HAS_SHIPTYPE | EM_AIS_HAS_CALLSIGN;
		} else {
			m->to_bow = (int)between(0, 511);
			m->to_stern = (int)between(0, 511);
			m->to_port = (int)between(0, 63);
			m->to_starboard = (int)between(0, 63);
			m->has = EM_AIS_HAS_SHIPTYPE | EM_AIS_HAS_CALLSIGN | EM_AIS_HAS_DIMENSIONS;
		}
		break;
	}
}

typedef struct tally {
	size_t messages, fields, differ, by_type[28];
} tally;

#define SAME(f)                                                                          \
	do {                                                                             \
		t->fields++;                                                             \
		if ((long long)a->f != (long long)b->f) {                                \
			t->differ++;                                                     \
			fprintf(stderr, "type %d mmsi %u: field %s: sent %lld, decoded %lld\n", \
				a->type, (unsigned)a->mmsi, #f, (long long)a->f, (long long)b->f); \
		}                                                                        \
	} while (0)

#define SAME_STR(f)                                                                      \
	do {                                                                             \
		t->fields++;                                                             \
		if (strcmp(a->f, b->f) != 0) {                                           \
			t->differ++;                                                     \
			fprintf(stderr, "type %d mmsi %u: field %s: sent \"%s\", decoded \"%s\"\n", \
				a->type, (unsigned)a->mmsi, #f, a->f, b->f);             \
		}                                                                        \
	} while (0)

/* Every field the decoder fills for the type, sent (a) against decoded (b). */
static void compare(const em_ais_msg *a, const em_ais_msg *b, tally *t)
{
	SAME(type); SAME(repeat); SAME(mmsi); SAME(rxtime); SAME(channel); SAME(has);
	SAME(source);
	switch (a->type) {
	case 1: case 2: case 3:
		SAME(status); SAME(turn); SAME(speed); SAME(accuracy); SAME(lon); SAME(lat);
		SAME(course); SAME(heading); SAME(second); SAME(maneuver); SAME(raim); SAME(radio);
		break;
	case 5:
		SAME(ais_version); SAME(imo); SAME_STR(callsign); SAME_STR(shipname);
		SAME(shiptype); SAME(to_bow); SAME(to_stern); SAME(to_port); SAME(to_starboard);
		SAME(epfd); SAME(eta_month); SAME(eta_day); SAME(eta_hour); SAME(eta_minute);
		SAME(draught); SAME_STR(destination); SAME(dte);
		break;
	case 18:
		SAME(reserved); SAME(speed); SAME(accuracy); SAME(lon); SAME(lat); SAME(course);
		SAME(heading); SAME(second); SAME(regional); SAME(cs); SAME(display); SAME(dsc);
		SAME(band); SAME(msg22); SAME(assigned); SAME(raim); SAME(radio);
		break;
	default:
		SAME(part);
		if (a->part == 'A') {
			SAME_STR(shipname);
			break;
		}
		SAME(shiptype); SAME(model); SAME(serial); SAME_STR(callsign);
		SAME(mothership_mmsi); SAME(to_bow); SAME(to_stern); SAME(to_port);
		SAME(to_starboard);
		/* The decoder reads seven characters of vendor id (model and serial bits too): the
		 * three sent must be its start, and all of it when fewer than three were sent. */
		t->fields++;
		size_t vl = strlen(a->vendorid);
		if (strncmp(a->vendorid, b->vendorid, vl) != 0 || (vl < 3 && strlen(b->vendorid) != vl)) {
			t->differ++;
			fprintf(stderr, "type 24 mmsi %u: field vendorid: sent \"%s\", decoded \"%s\"\n",
				(unsigned)a->mmsi, a->vendorid, b->vendorid);
		}
		break;
	}
}

static void test_random_round_trip(void)
{
	tally t = {0};
	size_t reencoded_same = 0, two_sentences = 0;
	const size_t rounds = 20000;
	for (size_t i = 0; i < rounds; i++) {
		em_ais_msg m;
		random_msg(&m);
		const char *source = chance(3) ? NULL : "gen-1";
		int seqid = (int)(i % 10);
		char out[EM_AIS_ENCODE_MAX], again[EM_AIS_ENCODE_MAX];
		int n = em_ais_encode(out, sizeof out, &m, source, seqid);
		CHECK(n > 0);
		if (n <= 0) {
			fprintf(stderr, "%s\n", em_error_last()->message);
			continue;
		}
		got g;
		decode(out, &g);
		CHECK_EQ_INT(g.n, 1);
		/* Every sentence used: no checksum, tag block or length trouble. */
		CHECK_EQ_INT(g.st.messages, g.st.sentences - (m.type == 5));
		for (int r = 0; r < EM_AIS_SKIP_COUNT; r++)
			CHECK_EQ_INT(g.st.skipped[r], 0);
		if (g.n != 1)
			continue;
		t.messages++;
		t.by_type[m.type]++;
		two_sentences += g.st.sentences == 2;
		compare(&m, &g.m[0], &t);
		/* What was decoded encodes to the same sentences. */
		int n2 = em_ais_encode(again, sizeof again, &g.m[0], source, seqid);
		if (n2 == n && !strcmp(out, again))
			reencoded_same++;
		else
			fprintf(stderr, "re-encoded differently:\n%s%s", out, again);
	}
	printf("%zu random messages (types 1-3: %zu, 5: %zu, 18: %zu, 24: %zu; %zu of two "
	       "sentences): %zu fields compared, %zu differ; %zu re-encoded to the same text\n",
	       t.messages, t.by_type[1] + t.by_type[2] + t.by_type[3], t.by_type[5],
	       t.by_type[18], t.by_type[24], two_sentences, t.fields, t.differ, reencoded_same);
	CHECK_EQ_INT(t.messages, rounds);
	CHECK(t.by_type[5] > rounds / 10 && t.by_type[24] > rounds / 10);
	CHECK_EQ_INT(two_sentences, t.by_type[5]);
	CHECK_EQ_INT(t.differ, 0);
	CHECK_EQ_INT(reencoded_same, rounds);
}

/* --- the sentence text ---------------------------------------------------------------- */

static unsigned xor_of(const char *s, size_t n)
{
	unsigned x = 0;
	for (size_t i = 0; i < n; i++)
		x ^= (unsigned char)s[i];
	return x;
}

static void test_sentence_layout(void)
{
	em_ais_msg m = {0};
	m.type = 5;
	m.mmsi = 273456780;
	m.imo = 9387421;
	memcpy(m.shipname, "volga star", 11); /* written in uppercase */
	memcpy(m.callsign, "UBXY7", 6);
	m.eta_hour = 24;
	m.eta_minute = 60;
	m.rxtime = 1736121600000ll;
	m.channel = 'B';
	char out[EM_AIS_ENCODE_MAX];
	int n = em_ais_encode(out, sizeof out, &m, "caspian-1", 7);
	CHECK(n > 0);
	/* Two lines, each "\c:...,s:...*hh\!AIVDM,2,k,7,B,<payload>,f*hh". */
	const char *l1 = out, *l2 = strchr(out, '\n');
	CHECK(l2 != NULL);
	if (!l2)
		return;
	l2++;
	CHECK(!strncmp(l1, "\\c:1736121600,s:caspian-1*", 26));
	CHECK(!strncmp(l2, "\\c:1736121600,s:caspian-1*", 26));
	unsigned tagsum = xor_of("c:1736121600,s:caspian-1", 24);
	char want[8];
	snprintf(want, sizeof want, "%02X\\!", tagsum);
	CHECK(!strncmp(l1 + 26, want, 4));
	const char *s1 = l1 + 29, *s2 = l2 + 29;
	CHECK(!strncmp(s1, "!AIVDM,2,1,7,B,", 15));
	CHECK(!strncmp(s2, "!AIVDM,2,2,7,B,", 15));
	/* 424 bits: 60 characters, then 11 with 2 fill bits. */
	const char *c1 = strchr(s1 + 15, ','), *c2 = strchr(s2 + 15, ',');
	CHECK(c1 && c1 - (s1 + 15) == 60 && !strncmp(c1, ",0*", 3));
	CHECK(c2 && c2 - (s2 + 15) == 11 && !strncmp(c2, ",2*", 3));
	if (c1) {
		snprintf(want, sizeof want, "%02X\n", xor_of(s1 + 1, (size_t)(c1 + 2 - s1 - 1)));
		CHECK(!strncmp(c1 + 3, want, 3));
		CHECK(strlen(s1) - strlen(l2) <= 82 + 1); /* NMEA's limit, newline aside */
	}
	got g;
	decode(out, &g);
	CHECK_EQ_INT(g.n, 1);
	CHECK_EQ_STR(g.m[0].shipname, "VOLGA STAR");
	CHECK(g.m[0].rxtime == 1736121600000ll);

	/* Milliseconds are written as a fraction; no time and no source: no tag block. */
	em_ais_msg p = {0};
	p.type = 1;
	p.mmsi = 422000001;
	p.rxtime = 1736121600123ll;
	p.lon = EM_AIS_LON_NA;
	p.lat = EM_AIS_LAT_NA;
	CHECK(em_ais_encode(out, sizeof out, &p, NULL, 0) > 0);
	CHECK(!strncmp(out, "\\c:1736121600.123*", 18));
	p.rxtime = EM_AIS_NO_TIME;
	CHECK(em_ais_encode(out, sizeof out, &p, NULL, 0) > 0);
	CHECK(!strncmp(out, "!AIVDM,1,1,,A,", 14));
	CHECK_EQ_INT(strlen(out), 14 + 28 + 6);
}

static void expect_refused(const em_ais_msg *m, const char *field)
{
	char out[EM_AIS_ENCODE_MAX];
	CHECK_EQ_INT(em_ais_encode(out, sizeof out, m, NULL, 0), EM_EINVAL);
	const char *msg = em_error_last()->message;
	if (!strstr(msg, field)) {
		fprintf(stderr, "message \"%s\" does not name '%s'\n", msg, field);
		CHECK(0);
	}
}

static void test_out_of_range_refused(void)
{
	em_ais_msg m = {0};
	m.type = 1;
	m.mmsi = 273456780;
	m.lat = 91 * 600000 + 1;
	expect_refused(&m, "'lat'");
	m.lat = 0;
	m.lon = -181 * 600000;
	expect_refused(&m, "'lon'");
	m.lon = 0;
	m.speed = 1024;
	expect_refused(&m, "'speed'");
	m.speed = 0;
	m.heading = 360;
	expect_refused(&m, "'heading'");
	m.heading = 0;
	m.turn = 128;
	expect_refused(&m, "'turn'");
	m.turn = 0;
	m.radio = 1u << 19;
	expect_refused(&m, "'radio'");
	m.radio = 0;
	m.mmsi = 1u << 30;
	expect_refused(&m, "'mmsi'");
	m.mmsi = 1;
	m.type = 4;
	expect_refused(&m, "'type'");
	m.type = 5;
	memcpy(m.shipname, "NAME WITH \xC3\xA9", 13);
	expect_refused(&m, "'shipname'");
	memcpy(m.shipname, "TWENTY-ONE CHARACTERS", 22);
	expect_refused(&m, "'shipname'");
	m.shipname[0] = '\0';
	char out[EM_AIS_ENCODE_MAX];
	CHECK_EQ_INT(em_ais_encode(out, sizeof out, &m, NULL, 10), EM_EINVAL); /* sequence id */
	CHECK_EQ_INT(em_ais_encode(out, sizeof out, &m, "a,b", 1), EM_EINVAL); /* source */
	CHECK_EQ_INT(em_ais_encode(out, 100, &m, NULL, 1), EM_ELIMIT);
	CHECK(em_ais_encode(out, sizeof out, &m, NULL, 1) > 0);
	m.type = 24;
	m.part = 'C';
	expect_refused(&m, "'part'");
}

int main(void)
{
	RUN(test_real_sentences_come_back);
	RUN(test_random_round_trip);
	RUN(test_sentence_layout);
	RUN(test_out_of_range_refused);
	return TEST_REPORT();
}
