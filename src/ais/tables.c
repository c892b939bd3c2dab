/*
 * tables.c: the texts of AIS coded fields (navigation status, ship and cargo type, position
 * fixing device, aid-to-navigation type) from ITU-R M.1371, worded as gpsd prints them in its
 * JSON "_text" fields so that our output reads the same. One table per field.
 */
#include "ais.h"

static const char *const status_texts[] = {
	"Under way using engine", /* 0 */
	"At anchor", /* 1 */
	"Not under command", /* 2 */
	"Restricted manoeuverability", /* 3 */
	"Constrained by her draught", /* 4 */
	"Moored", /* 5 */
	"Aground", /* 6 */
	"Engaged in fishing", /* 7 */
	"Under way sailing", /* 8 */
	"Reserved for HSC", /* 9 */
	"Reserved for WIG", /* 10 */
	"Reserved", /* 11 */
	"Reserved", /* 12 */
	"Reserved", /* 13 */
	"Reserved", /* 14 */
	"Not defined", /* 15 */
};

static const char *const epfd_texts[] = {
	"Undefined", /* 0 */
	"GPS", /* 1 */
	"GLONASS", /* 2 */
	"Combined GPS/GLONASS", /* 3 */
	"Loran-C", /* 4 */
	"Chayka", /* 5 */
	"Integrated navigation system", /* 6 */
	"Surveyed", /* 7 */
	"Galileo", /* 8 */
};

static const char *const aid_type_texts[] = {
	"Unspecified", /* 0 */
	"Reference point", /* 1 */
	"RACON", /* 2 */
	"Fixed offshore structure", /* 3 */
	"Spare, Reserved for future use.", /* 4 */
	"Light, without sectors", /* 5 */
	"Light, with sectors", /* 6 */
	"Leading Light Front", /* 7 */
	"Leading Light Rear", /* 8 */
	"Beacon, Cardinal N", /* 9 */
	"Beacon, Cardinal E", /* 10 */
	"Beacon, Cardinal S", /* 11 */
	"Beacon, Cardinal W", /* 12 */
	"Beacon, Port hand", /* 13 */
	"Beacon, Starboard hand", /* 14 */
	"Beacon, Preferred Channel port hand", /* 15 */
	"Beacon, Preferred Channel starboard hand", /* 16 */
	"Beacon, Isolated danger", /* 17 */
	"Beacon, Safe water", /* 18 */
	"Beacon, Special mark", /* 19 */
	"Cardinal Mark N", /* 20 */
	"Cardinal Mark E", /* 21 */
	"Cardinal Mark S", /* 22 */
	"Cardinal Mark W", /* 23 */
	"Port hand Mark", /* 24 */
	"Starboard hand Mark", /* 25 */
	"Preferred Channel Port hand", /* 26 */
	"Preferred Channel Starboard hand", /* 27 */
	"Isolated danger", /* 28 */
	"Safe Water", /* 29 */
	"Special Mark", /* 30 */
	"Light Vessel / LANBY / Rigs", /* 31 */
};

static const char *const shiptype_texts[] = {
	"Not available", /* 0 */
	"Reserved for future use", /* 1 */
	"Reserved for future use", /* 2 */
	"Reserved for future use", /* 3 */
	"Reserved for future use", /* 4 */
	"Reserved for future use", /* 5 */
	"Reserved for future use", /* 6 */
	"Reserved for future use", /* 7 */
	"Reserved for future use", /* 8 */
	"Reserved for future use", /* 9 */
	"Reserved for future use", /* 10 */
	"Reserved for future use", /* 11 */
	"Reserved for future use", /* 12 */
	"Reserved for future use", /* 13 */
	"Reserved for future use", /* 14 */
	"Reserved for future use", /* 15 */
	"Reserved for future use", /* 16 */
	"Reserved for future use", /* 17 */
	"Reserved for future use", /* 18 */
	"Reserved for future use", /* 19 */
	"Wing in ground (WIG) - all ships of this type", /* 20 */
	"Wing in ground (WIG) - Hazardous category A", /* 21 */
	"Wing in ground (WIG) - Hazardous category B", /* 22 */
	"Wing in ground (WIG) - Hazardous category C", /* 23 */
	"Wing in ground (WIG) - Hazardous category D", /* 24 */
	"Wing in ground (WIG) - Reserved for future use", /* 25 */
	"Wing in ground (WIG) - Reserved for future use", /* 26 */
	"Wing in ground (WIG) - Reserved for future use", /* 27 */
	"Wing in ground (WIG) - Reserved for future use", /* 28 */
	"Wing in ground (WIG) - Reserved for future use", /* 29 */
	"Fishing", /* 30 */
	"Towing", /* 31 */
	"Towing: length exceeds 200m or breadth exceeds 25m", /* 32 */
	"Dredging or underwater ops", /* 33 */
	"Diving ops", /* 34 */
	"Military ops", /* 35 */
	"Sailing", /* 36 */
	"Pleasure Craft", /* 37 */
	"Reserved", /* 38 */
	"Reserved", /* 39 */
	"High speed craft (HSC) - all ships of this type", /* 40 */
	"High speed craft (HSC) - Hazardous category A", /* 41 */
	"High speed craft (HSC) - Hazardous category B", /* 42 */
	"High speed craft (HSC) - Hazardous category C", /* 43 */
	"High speed craft (HSC) - Hazardous category D", /* 44 */
	"High speed craft (HSC) - Reserved for future use", /* 45 */
	"High speed craft (HSC) - Reserved for future use", /* 46 */
	"High speed craft (HSC) - Reserved for future use", /* 47 */
	"High speed craft (HSC) - Reserved for future use", /* 48 */
	"High speed craft (HSC) - No additional information", /* 49 */
	"Pilot Vessel", /* 50 */
	"Search and Rescue vessel", /* 51 */
	"Tug", /* 52 */
	"Port Tender", /* 53 */
	"Anti-pollution equipment", /* 54 */
	"Law Enforcement", /* 55 */
	"Spare - Local Vessel", /* 56 */
	"Spare - Local Vessel", /* 57 */
	"Medical Transport", /* 58 */
	"Ship according to RR Resolution No. 18", /* 59 */
	"Passenger - all ships of this type", /* 60 */
	"Passenger - Hazardous category A", /* 61 */
	"Passenger - Hazardous category B", /* 62 */
	"Passenger - Hazardous category C", /* 63 */
	"Passenger - Hazardous category D", /* 64 */
	"Passenger - Reserved for future use", /* 65 */
	"Passenger - Reserved for future use", /* 66 */
	"Passenger - Reserved for future use", /* 67 */
	"Passenger - Reserved for future use", /* 68 */
	"Passenger - No additional information", /* 69 */
	"Cargo - all ships of this type", /* 70 */
	"Cargo - Hazardous category A", /* 71 */
	"Cargo - Hazardous category B", /* 72 */
	"Cargo - Hazardous category C", /* 73 */
	"Cargo - Hazardous category D", /* 74 */
	"Cargo - Reserved for future use", /* 75 */
	"Cargo - Reserved for future use", /* 76 */
	"Cargo - Reserved for future use", /* 77 */
	"Cargo - Reserved for future use", /* 78 */
	"Cargo - No additional information", /* 79 */
	"Tanker - all ships of this type", /* 80 */
	"Tanker - Hazardous category A", /* 81 */
	"Tanker - Hazardous category B", /* 82 */
	"Tanker - Hazardous category C", /* 83 */
	"Tanker - Hazardous category D", /* 84 */
	"Tanker - Reserved for future use", /* 85 */
	"Tanker - Reserved for future use", /* 86 */
	"Tanker - Reserved for future use", /* 87 */
	"Tanker - Reserved for future use", /* 88 */
	"Tanker - No additional information", /* 89 */
	"Other Type - all ships of this type", /* 90 */
	"Other Type - Hazardous category A", /* 91 */
	"Other Type - Hazardous category B", /* 92 */
	"Other Type - Hazardous category C", /* 93 */
	"Other Type - Hazardous category D", /* 94 */
	"Other Type - Reserved for future use", /* 95 */
	"Other Type - Reserved for future use", /* 96 */
	"Other Type - Reserved for future use", /* 97 */
	"Other Type - Reserved for future use", /* 98 */
	"Other Type - no additional information", /* 99 */
};

const char *em_ais_status_text(int status)
{
	if (status < 0 || status >= (int)(sizeof status_texts / sizeof status_texts[0]))
		return "Not defined";
	return status_texts[status];
}

const char *em_ais_epfd_text(int epfd)
{
	if (epfd < 0 || epfd >= (int)(sizeof epfd_texts / sizeof epfd_texts[0]))
		return "INVALID EPFD";
	return epfd_texts[epfd];
}

const char *em_ais_aid_type_text(int aid_type)
{
	if (aid_type < 0 || aid_type >= (int)(sizeof aid_type_texts / sizeof aid_type_texts[0]))
		return "INVALID NAVAID TYPE";
	return aid_type_texts[aid_type];
}

const char *em_ais_shiptype_text(int shiptype)
{
	if (shiptype < 0 || shiptype >= (int)(sizeof shiptype_texts / sizeof shiptype_texts[0]))
		return "INVALID SHIP TYPE";
	return shiptype_texts[shiptype];
}
