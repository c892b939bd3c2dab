/*
 * msg.c: the bit layouts of the AIS message types we decode (ITU-R M.1371-5 and E. S. Raymond's
 * "AIVDM/AIVDO protocol decoding"): 1-3 class A position, 4 base station, 5 static and voyage
 * data, 18 and 19 class B position, 21 aid to navigation, 24 static data parts A and B, 27 long
 * range position. Each type accepts the lengths gpsd accepts (real transmitters send a few bits
 * more or less than the standard says); fields past the end of a short message read as the bits
 * the sentence left there.
 */
#include "ais.h"

const char ais_sixbit_chars[65] = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

void ais_text(const uint8_t *bits, unsigned start, unsigned nchars, char *out)
{
	unsigned n = 0;
	/* The text ends at the first '@' (value 0); trailing spaces are padding. */
	for (unsigned i = 0; i < nchars; i++) {
		unsigned v = ais_bits_u(bits, start + 6 * i, 6);
		if (v == 0)
			break;
		out[n++] = ais_sixbit_chars[v];
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

#define U(start, len) ais_bits_u(bits, (start), (len))
#define S(start, len) ais_bits_s(bits, (start), (len))

static void decode_position_a(const uint8_t *bits, unsigned nbits, em_ais_msg *m)
{
	m->status = (int)U(38, 4);
	m->turn = S(42, 8);
	m->speed = (int)U(50, 10);
	m->accuracy = (int)U(60, 1);
	m->lon = S(61, 28);
	m->lat = S(89, 27);
	m->course = (int)U(116, 12);
	m->heading = (int)U(128, 9);
	m->second = (int)U(137, 6);
	m->maneuver = (int)U(143, 2);
	m->raim = (int)U(148, 1);
	/* A short message (163-167 bits) keeps the radio bits it has, right-aligned, as gpsd. */
	m->radio = U(149, nbits < 168 ? nbits - 149 : 19);
	m->has = EM_AIS_HAS_POS | EM_AIS_HAS_SPEED | EM_AIS_HAS_COURSE | EM_AIS_HAS_HEADING |
		 EM_AIS_HAS_STATUS | EM_AIS_HAS_TURN;
}

static void decode_base_station(const uint8_t *bits, em_ais_msg *m)
{
	m->year = (int)U(38, 14);
	m->month = (int)U(52, 4);
	m->day = (int)U(56, 5);
	m->hour = (int)U(61, 5);
	m->minute = (int)U(66, 6);
	m->utc_second = (int)U(72, 6);
	m->accuracy = (int)U(78, 1);
	m->lon = S(79, 28);
	m->lat = S(107, 27);
	m->epfd = (int)U(134, 4);
	m->raim = (int)U(148, 1);
	m->radio = U(149, 19);
	m->has = EM_AIS_HAS_POS;
}

static void decode_static_voyage(const uint8_t *bits, em_ais_msg *m)
{
	m->ais_version = (int)U(38, 2);
	m->imo = U(40, 30);
	ais_text(bits, 70, 7, m->callsign);
	ais_text(bits, 112, 20, m->shipname);
	m->shiptype = (int)U(232, 8);
	m->to_bow = (int)U(240, 9);
	m->to_stern = (int)U(249, 9);
	m->to_port = (int)U(258, 6);
	m->to_starboard = (int)U(264, 6);
	m->epfd = (int)U(270, 4);
	m->eta_month = (int)U(274, 4);
	m->eta_day = (int)U(278, 5);
	m->eta_hour = (int)U(283, 5);
	m->eta_minute = (int)U(288, 6);
	m->draught = (int)U(294, 8);
	ais_text(bits, 302, 20, m->destination);
	m->dte = (int)U(422, 1);
	m->has = EM_AIS_HAS_SHIPNAME | EM_AIS_HAS_CALLSIGN | EM_AIS_HAS_IMO | EM_AIS_HAS_SHIPTYPE |
		 EM_AIS_HAS_DIMENSIONS | EM_AIS_HAS_DRAUGHT | EM_AIS_HAS_DESTINATION | EM_AIS_HAS_ETA;
}

/* The part shared by types 18 and 19 (up to the regional bits). */
static void decode_position_b(const uint8_t *bits, em_ais_msg *m)
{
	m->reserved = (int)U(38, 8);
	m->speed = (int)U(46, 10);
	m->accuracy = (int)U(56, 1);
	m->lon = S(57, 28);
	m->lat = S(85, 27);
	m->course = (int)U(112, 12);
	m->heading = (int)U(124, 9);
	m->second = (int)U(133, 6);
	m->has = EM_AIS_HAS_POS | EM_AIS_HAS_SPEED | EM_AIS_HAS_COURSE | EM_AIS_HAS_HEADING;
}

static void decode_type18(const uint8_t *bits, em_ais_msg *m)
{
	decode_position_b(bits, m);
	m->regional = (int)U(139, 2);
	m->cs = (int)U(141, 1);
	m->display = (int)U(142, 1);
	m->dsc = (int)U(143, 1);
	m->band = (int)U(144, 1);
	m->msg22 = (int)U(145, 1);
	m->assigned = (int)U(146, 1);
	m->raim = (int)U(147, 1);
	m->radio = U(148, 20);
}

static void decode_type19(const uint8_t *bits, em_ais_msg *m)
{
	decode_position_b(bits, m);
	m->regional = (int)U(139, 4);
	ais_text(bits, 143, 20, m->shipname);
	m->shiptype = (int)U(263, 8);
	m->to_bow = (int)U(271, 9);
	m->to_stern = (int)U(280, 9);
	m->to_port = (int)U(289, 6);
	m->to_starboard = (int)U(295, 6);
	m->epfd = (int)U(301, 4);
	m->raim = (int)U(305, 1);
	m->dte = (int)U(306, 1);
	m->assigned = (int)U(307, 1);
	m->has |= EM_AIS_HAS_SHIPNAME | EM_AIS_HAS_SHIPTYPE | EM_AIS_HAS_DIMENSIONS;
}

static void decode_aid(const uint8_t *bits, unsigned nbits, em_ais_msg *m)
{
	m->aid_type = (int)U(38, 5);
	ais_text(bits, 43, 20, m->name);
	m->accuracy = (int)U(163, 1);
	m->lon = S(164, 28);
	m->lat = S(192, 27);
	m->to_bow = (int)U(219, 9);
	m->to_stern = (int)U(228, 9);
	m->to_port = (int)U(237, 6);
	m->to_starboard = (int)U(243, 6);
	m->epfd = (int)U(249, 4);
	m->second = (int)U(253, 6);
	m->off_position = (int)U(259, 1);
	m->regional = (int)U(260, 8);
	m->raim = (int)U(268, 1);
	m->virtual_aid = (int)U(269, 1);
	m->assigned = (int)U(270, 1);
	/* The name extension: whole characters after bit 272, appended when the name fills 20. */
	unsigned ext = (nbits - 272) / 6;
	if (ext > 14)
		ext = 14;
	size_t n = strlen(m->name);
	if (ext > 0 && n == 20) {
		char more[15];
		ais_text(bits, 272, ext, more);
		memcpy(m->name + n, more, strlen(more) + 1);
	}
	m->has = EM_AIS_HAS_POS | EM_AIS_HAS_DIMENSIONS;
}

static void decode_static_b(const uint8_t *bits, em_ais_msg *m)
{
	m->part = U(38, 2) == 0 ? 'A' : 'B';
	if (m->part == 'A') {
		ais_text(bits, 40, 20, m->shipname);
		m->has = EM_AIS_HAS_SHIPNAME;
		return;
	}
	m->shiptype = (int)U(40, 8);
	/* gpsd reads seven characters of vendor id (the 2008 layout) and model and serial inside it. */
	ais_text(bits, 48, 7, m->vendorid);
	m->model = (int)U(66, 4);
	m->serial = U(70, 20);
	ais_text(bits, 90, 7, m->callsign);
	if (m->mmsi / 10000000u == 98u) {
		m->mothership_mmsi = U(132, 30);
		m->has = EM_AIS_HAS_SHIPTYPE | EM_AIS_HAS_CALLSIGN;
	} else {
		m->to_bow = (int)U(132, 9);
		m->to_stern = (int)U(141, 9);
		m->to_port = (int)U(150, 6);
		m->to_starboard = (int)U(156, 6);
		m->has = EM_AIS_HAS_SHIPTYPE | EM_AIS_HAS_CALLSIGN | EM_AIS_HAS_DIMENSIONS;
	}
}

static void decode_long_range(const uint8_t *bits, em_ais_msg *m)
{
	m->accuracy = (int)U(38, 1);
	m->raim = (int)U(39, 1);
	m->status = (int)U(40, 4);
	m->lon = S(44, 18);
	m->lat = S(62, 17);
	m->speed = (int)U(79, 6);
	m->course = (int)U(85, 9);
	m->gnss = (int)U(94, 1);
	m->has = EM_AIS_HAS_POS | EM_AIS_HAS_SPEED | EM_AIS_HAS_COURSE | EM_AIS_HAS_STATUS;
}

int ais_msg_decode(const uint8_t *bits, unsigned nbits, em_ais_msg *m)
{
	if (nbits < 38)
		return EM_AIS_SKIP_LENGTH + 1;
	memset(m, 0, sizeof *m);
	m->type = (int)U(0, 6);
	m->repeat = (int)U(6, 2);
	m->mmsi = U(8, 30);
	/* Accepted lengths follow gpsd 3.22, measured with gpsdecode on crafted messages. */
	switch (m->type) {
	case 1: case 2: case 3:
		if (nbits < 163)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_position_a(bits, nbits, m);
		return 0;
	case 4:
		if (nbits < 168)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_base_station(bits, m);
		return 0;
	case 5:
		if (nbits < 420)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_static_voyage(bits, m);
		return 0;
	case 18:
		if (nbits < 168)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_type18(bits, m);
		return 0;
	case 19:
		if (nbits < 312)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_type19(bits, m);
		return 0;
	case 21:
		if (nbits < 272 || nbits > 368)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_aid(bits, nbits, m);
		return 0;
	case 24:
		if (U(38, 2) == 0) {
			if (nbits < 160 || nbits > 168)
				return EM_AIS_SKIP_LENGTH + 1;
		} else if (U(38, 2) == 1) {
			if (nbits < 168)
				return EM_AIS_SKIP_LENGTH + 1;
		} else {
			return EM_AIS_SKIP_LENGTH + 1; /* parts C and D do not exist */
		}
		decode_static_b(bits, m);
		return 0;
	case 27:
		if (nbits != 96 && nbits != 168)
			return EM_AIS_SKIP_LENGTH + 1;
		decode_long_range(bits, m);
		return 0;
	default:
		return EM_AIS_SKIP_TYPE + 1;
	}
}
