/*
 * test_ais.c: unit tests of the AIS decoder: sentence checks (checksum, syntax, armour), fragment
 * assembly with interleaving and stale fragments, receive times from tag blocks, the USCG suffix
 * and $PGHP lines, type 24 part merging, lines split across feeds, and the CSV exports
 * (MarineCadastre and Danish Maritime Authority layouts). Sentences are real ones from the
 * sample files (gpsd, libais, pyais) unless said otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_ais.h"
#include "test.h"

#define MAXMSG 256

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
		g->m[g->n++].input = "test"; /* the decoder's name dies with the decoder */
	}
	return 0;
}

/* Decodes `text` as one input, fed `step` bytes at a time (0: all at once). */
static got *decode(const char *text, size_t step)
{
	got *g = calloc(1, sizeof *g);
	em_ais_decoder *d;
	if (!g || em_ais_decoder_new(&d, NULL) != 0)
		abort();
	CHECK(em_ais_input_begin(d, "test") == 0);
	size_t n = strlen(text);
	if (step == 0)
		step = n ? n : 1;
	for (size_t i = 0; i < n; i += step)
		CHECK(em_ais_input_feed(d, text + i, n - i < step ? n - i : step, keep, g) == 0);
	CHECK(em_ais_input_end(d, keep, g) == 0);
	em_ais_decoder_stats(d, &g->st);
	em_ais_decoder_free(d);
	return g;
}

#define T1 "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n"
#define T5A "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C\n"
#define T5B "!AIVDM,2,2,1,A,88888888880,2*25\n"
#define S5A "!SAVDM,2,1,2,B,55Mw@A7J1adAL@?;7WPl58F0U<h4pB222222220t1PN5553fN4g?`4iSp5Rc,0*26\n"
#define S5B "!SAVDM,2,2,2,B,iP`88888880,2*5E\n"

static void test_position_report(void)
{
	got *g = decode(T1, 0);
	CHECK_EQ_INT(g->n, 1);
	em_ais_msg *m = &g->m[0];
	CHECK_EQ_INT(m->type, 1);
	CHECK_EQ_INT(m->mmsi, 371798000);
	CHECK_EQ_INT(m->speed, 123);
	CHECK_EQ_INT(m->heading, 215);
	CHECK_EQ_INT(m->course, 2240);
	CHECK_EQ_INT(m->channel, 'A');
	CHECK(m->rxtime == EM_AIS_NO_TIME);
	double lat, lon;
	CHECK(em_ais_msg_position(m, &lat, &lon));
	CHECK(lat > 48.3816 && lat < 48.3817 && lon > -123.3954 && lon < -123.3953);
	char buf[EM_AIS_RECORD_MAX];
	CHECK(em_ais_msg_json(m, buf, sizeof buf) > 0);
	CHECK(strstr(buf, "\"lon\":-123.395383,\"lat\":48.381633,") != NULL);
	CHECK(strstr(buf, "\"turn\":\"fastleft\",\"speed\":12.3,") != NULL);
	CHECK(em_ais_msg_json(m, buf, 10) == EM_ELIMIT);
	free(g);
}

static void test_bad_sentences_counted(void)
{
	got *g = decode("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\n"  /* checksum */
			"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0\n"      /* no checksum */
			"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208C~,0*65\n"   /* armour (fixed sum) */
			"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,7*4D\n"   /* fill bits */
			"$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D\n"
			"# a comment\n\n"
			"foobar\n"
			"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8,0*5B\n"           /* too short for type 1 */
			"!AIVDM,1,1,,B,6B?n;be:cbapalgc;i6?Ow4,2*4A\n"        /* type 6: not decoded */
			T1,
			0);
	CHECK_EQ_INT(g->n, 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_CHECKSUM], 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_SYNTAX], 2);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_PAYLOAD], 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_OTHER], 2);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_LENGTH], 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_TYPE], 1);
	CHECK_EQ_INT(g->st.sentences, 7);
	CHECK_EQ_INT(g->st.lines, 11);
	free(g);
}

static void test_interleaved_fragments(void)
{
	/* Two two-sentence messages on different channels and sequence ids, crossed, with a
	 * single-sentence message between: each is whole when its last sentence comes. */
	got *g = decode(T5A S5A T1 S5B T5B, 0);
	CHECK_EQ_INT(g->n, 3);
	CHECK_EQ_INT(g->m[0].type, 1);
	CHECK_EQ_INT(g->m[1].type, 5);
	CHECK_EQ_INT(g->m[1].channel, 'B');
	CHECK_EQ_INT(g->m[2].type, 5);
	CHECK_EQ_STR(g->m[2].shipname, "EVER DIADEM");
	CHECK_EQ_STR(g->m[2].callsign, "3FOF8");
	CHECK_EQ_STR(g->m[2].destination, "NEW YORK");
	CHECK_EQ_INT(g->m[2].imo, 9134270);
	CHECK_EQ_INT(g->m[2].draught, 122);
	CHECK_EQ_INT(g->m[2].eta_month, 5);
	CHECK_EQ_INT(g->m[2].eta_day, 15);
	CHECK_EQ_INT(g->m[2].line, 5);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_FRAGMENT] + g->st.skipped[EM_AIS_SKIP_INCOMPLETE], 0);
	free(g);
}

static void test_stale_and_orphan_fragments(void)
{
	/* The second half after 101 other sentences: the first was dropped as stale. */
	size_t cap = 200 * sizeof T1;
	char *text = malloc(cap);
	CHECK(text != NULL);
	if (!text)
		return;
	strcpy(text, T5A);
	for (int i = 0; i < 101; i++)
		strcat(text, T1);
	strcat(text, T5B);
	got *g = decode(text, 0);
	CHECK_EQ_INT(g->n, 101);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_INCOMPLETE], 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_FRAGMENT], 1);
	free(g);
	free(text);

	/* A second fragment alone; a first one never finished (counted at the end). */
	g = decode(T5B S5A, 0);
	CHECK_EQ_INT(g->n, 0);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_FRAGMENT], 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_INCOMPLETE], 1);
	free(g);

	/* A new first fragment on the same key replaces the unfinished one. */
	g = decode(T5A T5A T5B, 0);
	CHECK_EQ_INT(g->n, 1);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_INCOMPLETE], 1);
	free(g);
}

static void test_receive_times(void)
{
	got *g = decode(
		"\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78\n"
		"!AIVDM,1,1,,A,15N1u<PP1FJuvSRHOE6QIwwh0HQ6,0*30,d-080,S2118,t050056.00,T56.4837741,r003669946,1325394060,1325394001\n"
		"$PGHP,1,2008,5,9,0,0,0,10,338,2,,1,09*17\n"
		"!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n"
		"!AIVDM,1,1,,A,16:=?;0P00`SstvFnFbeGH6L088h,0*44\n"
		/* a tag block whose checksum is wrong: the sentence is kept, its time is not */
		"\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*56\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78\n"
		/* a two-sentence message whose time is on its first sentence */
		"\\g:1-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*37\\!AIVDM,2,1,6,A,53@o0E000001Q0CG37U8u<Tp4q@D00000000000018330400000000000000,0*63\n"
		"\\g:2-2-1604,s:rORBCOMM008,c:1418169601,T:2014-12-10 00.00.01*34\\!AIVDM,2,2,6,A,00000000008,2*2A\n",
		0);
	CHECK_EQ_INT(g->n, 6);
	CHECK(g->m[0].rxtime == 1418172113000LL);
	CHECK(g->m[1].rxtime == 1325394060000LL);
	CHECK(g->m[2].rxtime == 1210291200010LL); /* 2008-05-09T00:00:00.010Z */
	CHECK(g->m[3].rxtime == EM_AIS_NO_TIME);   /* a $PGHP time is for one sentence */
	CHECK(g->m[4].rxtime == EM_AIS_NO_TIME);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_TAGBLOCK], 1);
	CHECK_EQ_INT(g->m[5].type, 5);
	CHECK(g->m[5].rxtime == 1418169601000LL);
	char buf[EM_AIS_RECORD_MAX];
	CHECK(em_ais_msg_json(&g->m[2], buf, sizeof buf) > 0);
	CHECK(strstr(buf, "\"rxtime\":\"2008-05-09T00:00:00.010Z\"") != NULL);
	free(g);
}

static void test_split_feeds(void)
{
	/* Fed one byte at a time, or in 7-byte pieces, with CRLF and no final newline. */
	const char *text = T5A S5A T1 S5B "\r\n" T5B "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A";
	got *whole = decode(text, 0);
	CHECK_EQ_INT(whole->n, 4);
	for (size_t step = 1; step <= 7; step += 6) {
		got *g = decode(text, step);
		CHECK_EQ_INT(g->n, whole->n);
		for (size_t i = 0; i < g->n && i < whole->n; i++) {
			CHECK_EQ_INT(g->m[i].type, whole->m[i].type);
			CHECK_EQ_INT(g->m[i].mmsi, whole->m[i].mmsi);
			CHECK_EQ_INT(g->m[i].line, whole->m[i].line);
		}
		free(g);
	}
	free(whole);
}

static void test_too_long_line(void)
{
	size_t n = 70000;
	char *text = malloc(n + sizeof T1 + 2);
	CHECK(text != NULL);
	if (!text)
		return;
	memset(text, 'x', n);
	text[n] = '\n';
	strcpy(text + n + 1, T1);
	for (size_t step = 0; step <= 4096; step += 4096) {
		got *g = decode(text, step);
		CHECK_EQ_INT(g->n, 1);
		CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_TOO_LONG], 1);
		CHECK_EQ_INT(g->m[0].line, 2);
		free(g);
	}
	free(text);
}

static void test_type24_parts(void)
{
	/* Part A then B of one MMSI: B carries the name; a B alone has none. */
	got *g = decode("!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D\n"
			"!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40\n"
			"!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40\n",
			0);
	CHECK_EQ_INT(g->n, 3);
	CHECK_EQ_INT(g->m[0].part, 'A');
	CHECK_EQ_STR(g->m[0].shipname, "PROGUY");
	CHECK_EQ_INT(g->m[1].part, 'B');
	CHECK_EQ_STR(g->m[1].shipname, "PROGUY");
	CHECK_EQ_STR(g->m[1].callsign, "TC6163");
	CHECK_EQ_INT(g->m[1].shiptype, 60);
	CHECK_EQ_INT(g->m[1].to_stern, 15);
	CHECK_EQ_STR(g->m[2].shipname, "");
	free(g);
}

static void test_csv_marinecadastre(void)
{
	got *g = decode(
		"MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass\n"
		"367752440,2023-01-11T00:00:00,43.07917,-70.75733,0.0,360.0,95.0,SAN JOSE,,WDI9818,31,0.0,,,,52.0,A\n"
		"636021061,2023-01-11T00:00:00,26.09241,-80.04806,8.8,272.7,270.0,MSC NAISHA III,IMO9307839,5LCB4,70,8.0,208.0,30.0,8.0,70.0,A\n"
		"123,not a time,1,2,3,4,5,X,,,,,,,,,B\n"
		"338087471,2023-01-11T00:00:05,40.68454,-74.072132,0.1,79.6,511.0,\"A, B\",,,37,,,,,,B\n",
		0);
	CHECK_EQ_INT(g->n, 3);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_CSV], 1);
	em_ais_msg *m = &g->m[1];
	CHECK_EQ_INT(m->source, EM_AIS_SRC_CSV);
	CHECK_EQ_INT(m->mmsi, 636021061);
	CHECK(m->rxtime == 1673395200000LL);
	CHECK_EQ_INT(m->imo, 9307839);
	CHECK_EQ_STR(m->shipname, "MSC NAISHA III");
	CHECK_EQ_STR(m->callsign, "5LCB4");
	CHECK_EQ_INT(m->shiptype, 70);
	CHECK_EQ_INT(m->speed, 88);
	CHECK_EQ_INT(m->course, 2727);
	CHECK_EQ_INT(m->status, 8);
	CHECK_EQ_INT(m->draught, 80);
	CHECK_EQ_INT(m->length, 208);
	CHECK_EQ_INT(m->lat, 15655446); /* 26.09241 * 600000 */
	CHECK(!(g->m[0].has & EM_AIS_HAS_IMO));
	CHECK_EQ_INT(g->m[2].type, 18);
	CHECK_EQ_STR(g->m[2].shipname, "A, B");
	char buf[EM_AIS_RECORD_MAX];
	CHECK(em_ais_msg_json(m, buf, sizeof buf) > 0);
	CHECK(strstr(buf, "\"lon\":-80.048060,\"lat\":26.092410,") != NULL);
	CHECK(strstr(buf, "\"imo\":9307839,") != NULL);
	CHECK(em_ais_msg_csv(&g->m[2], buf, sizeof buf) > 0);
	CHECK_EQ_STR(buf, "2023-01-11T00:00:05Z,18,,338087471,40.684540,-74.072132,0.1,79.6,,,,\"A, B\","
			  ",,37,,,,,,,");
	free(g);
}

static void test_csv_danish(void)
{
	/* The Danish Maritime Authority layout (header as published; rows written for the test). */
	got *g = decode(
		"# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D\n"
		"01/11/2021 00:00:00,Class A,219000873,56.990903,10.304543,Under way using engine,0.0,10.2,38.1,37,9235517,OXPP2,DANA,Fishing,,13,79,GPS,6.0,HIRTSHALS,02/11/2021 06:00:00,AIS,65,14,7,6\n"
		"01/11/2021 00:00:01,Class B,219024336,55.6,12.6,Unknown value,,0.0,,,Unknown,Unknown,Unknown,Undefined,,,,Undefined,,Unknown,,AIS,,,,\n",
		0);
	CHECK_EQ_INT(g->n, 2);
	em_ais_msg *m = &g->m[0];
	CHECK(m->rxtime == 1635724800000LL);
	CHECK_EQ_INT(m->type, 1);
	CHECK_EQ_INT(m->status, 0);
	CHECK_EQ_INT(m->shiptype, 30);
	CHECK_EQ_STR(m->shipname, "DANA");
	CHECK_EQ_INT(m->imo, 9235517);
	CHECK_EQ_INT(m->to_bow, 65);
	CHECK_EQ_INT(m->to_starboard, 6);
	CHECK_EQ_STR(m->destination, "HIRTSHALS");
	CHECK_EQ_INT(g->m[1].type, 18);
	CHECK_EQ_INT(g->m[1].status, 15);
	CHECK(!(g->m[1].has & (EM_AIS_HAS_SHIPNAME | EM_AIS_HAS_IMO | EM_AIS_HAS_CALLSIGN)));
	free(g);
}

static void test_real_csv_samples(void)
{
	em_ais_decoder *d;
	CHECK(em_ais_decoder_new(&d, NULL) == 0);
	got *g = calloc(1, sizeof *g);
	CHECK(em_ais_decode_file(d, shared_path("ais/samples/aisdb_test_data_noaa_20230101.csv"), keep, g) == 0);
	em_ais_decoder_stats(d, &g->st);
	CHECK_EQ_INT(g->st.messages, 1000);
	CHECK_EQ_INT(g->st.skipped[EM_AIS_SKIP_CSV], 0);
	CHECK(em_ais_decode_file(d, shared_path("ais/samples/aisdb_test_data_20210701.csv"), NULL, NULL) == 0);
	em_ais_decoder_stats(d, &g->st);
	/* 2,498 rows; one has no usable time */
	CHECK_EQ_INT(g->st.messages, 1000 + 2497);
	CHECK(em_ais_decode_file(d, "/nonexistent/ais.nmea", NULL, NULL) == EM_EIO);
	CHECK(strstr(em_error_last()->message, "/nonexistent/ais.nmea") != NULL);
	em_ais_decoder_free(d);
	free(g);
}

int main(void)
{
	RUN(test_position_report);
	RUN(test_bad_sentences_counted);
	RUN(test_interleaved_fragments);
	RUN(test_stale_and_orphan_fragments);
	RUN(test_receive_times);
	RUN(test_split_feeds);
	RUN(test_too_long_line);
	RUN(test_type24_parts);
	RUN(test_csv_marinecadastre);
	RUN(test_csv_danish);
	RUN(test_real_csv_samples);
	return TEST_REPORT();
}
