/*
 * em_ais_analyze.h: what decoded AIS says about vessels: tracks per MMSI, the identities each
 * MMSI broadcast over time, and events worth an analyst's look: AIS gaps (dark periods), port
 * calls, transits between two countries' ports (Iran and Russia on the Caspian by default),
 * encounters of two vessels at sea, loitering, identity changes, spoofing (impossible jumps, one
 * MMSI in two places, invalid MMSIs) and vessels on the sanctions lists.
 *
 * An em_ais_analysis is fed messages (em_ais_analysis_add_msg(), whose signature fits
 * em_ais_msg_fn so a decoder can call it directly) or bare positions, then run once; its events
 * and vessels stay readable until it is freed. Only messages with a receive time are used: the
 * others are counted (em_ais_analysis_stats) because a position without a time cannot be placed
 * on a track. Thresholds come from an em_ais_config (defaults published by Global Fishing Watch,
 * see docs/ais.md), which a `key = value` file may change; ports from a tab-separated table (the
 * Caspian ports are built in, data/ais/ports.tsv). One thread at a time.
 */
#ifndef EMBARGO_EM_AIS_ANALYZE_H
#define EMBARGO_EM_AIS_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "em_ais.h"
#include "em_common.h"
#include "em_screen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Thresholds of the analysis; every field is a key of the configuration file (docs/ais.md). */
typedef struct em_ais_config {
	double gap_hours;              /* silence reported as a gap (12; GFW) */
	double port_entry_km;          /* default entry radius of a port without one (3; GFW) */
	double port_exit_km;           /* default exit radius (4; GFW) */
	double port_stop_knots;        /* a call "stopped" when a fix is this slow (0.2; GFW) */
	double encounter_distance_m;   /* two vessels this close (500; GFW) */
	double encounter_hours;        /* for at least this long (2; GFW) */
	double encounter_speed_knots;  /* with a median speed below (2; GFW) */
	double encounter_port_km;      /* and at least this far from any port (10; GFW) */
	double loitering_speed_knots;  /* mean speed below (2; GFW) */
	double loitering_hours;        /* for at least this long (4; GFW) */
	double loitering_port_km;      /* at least this far from any port (10; GFW) */
	double spoofing_speed_knots;   /* implied speed of an impossible jump (50; no published number) */
	double spoofing_min_km;        /* and its least distance, above position noise (5; ours) */
	double spoofing_episode_hours; /* jumps this close in time are one episode (1; ours) */
	double interpolate_minutes;    /* longest silence positions are interpolated across (30; ours) */
	char transit_from[3];          /* ISO 3166 country of one end of a transit ("IR") */
	char transit_to[3];            /* and of the other ("RU"); transits both ways are reported */
} em_ais_config;

/* Fills *c with the defaults above. */
void em_ais_config_default(em_ais_config *c);
/*
 * Reads `key = value` lines (# comments, blank lines) over *c. `name` names the text in
 * messages: "FILE:LINE: key 'gap_hours': ..." for a bad number, an unknown key or a value out
 * of range (EM_EPARSE). Keys not in the text keep their value.
 */
int em_ais_config_parse(em_ais_config *c, const char *text, size_t len, const char *name);
int em_ais_config_load(em_ais_config *c, const char *path);
/* Sets one key from text (as a line of the file would); `where` prefixes messages. */
int em_ais_config_set(em_ais_config *c, const char *key, const char *value, const char *where);

/* Event kinds, in the order they are documented. */
typedef enum em_ais_event_kind {
	EM_AIS_EV_GAP = 0,             /* AIS silence */
	EM_AIS_EV_PORT_CALL,           /* a stay inside a port's geofence */
	EM_AIS_EV_TRANSIT,             /* a call in one country, then one in the other */
	EM_AIS_EV_ENCOUNTER,           /* two vessels together at sea */
	EM_AIS_EV_LOITERING,           /* one vessel slow at sea */
	EM_AIS_EV_IDENTITY_CHANGE,     /* a name, IMO, call sign or ship type changed */
	EM_AIS_EV_SPOOFING,            /* impossible movement or an invalid MMSI */
	EM_AIS_EV_LISTED_VESSEL,       /* the vessel matches a listed vessel */
	EM_AIS_EV_COUNT
} em_ais_event_kind;

/* "gap", "port_call", "transit", "encounter", "loitering", "identity_change", "spoofing",
 * "listed_vessel". */
const char *em_ais_event_name(em_ais_event_kind kind);

/* A position on a track. */
typedef struct em_ais_point {
	double lat, lon;               /* degrees */
	int64_t time;                  /* Unix seconds UTC */
} em_ais_point;

/* One event. Strings and arrays are owned by the analysis. */
typedef struct em_ais_event {
	em_ais_event_kind kind;
	uint32_t mmsi;                 /* the vessel */
	uint32_t other_mmsi;           /* encounter: the other vessel; else 0 */
	int64_t start, end;            /* Unix seconds UTC */
	const em_ais_point *positions; /* gap: before, after; encounter: this vessel's and the
				        * other's at the start, then both at the end; port_call,
				        * loitering, invalid_mmsi: first and last; jump: from, to (the
				        * fastest of an episode); transit: departure, arrival */
	size_t n_positions;
	const char *detail;            /* port_call: port; transit: "IR->RU"; identity_change: the field
				        * ("shipname", "callsign", "imo", "shiptype", as gpsd names them);
				        * spoofing: "jump", "two_places" or "invalid_mmsi"; else "" */
	double distance_km;            /* gap, jump, transit: great-circle distance; encounter: median
				        * distance; loitering: distance covered */
	double speed_knots;            /* gap, jump: implied speed; encounter, loitering: median or
				        * mean speed */
	int dark;                      /* transit: a gap happened in between */
	const char *evidence;          /* everything else, as one JSON object */
} em_ais_event;

/* One identity an MMSI broadcast, with when it was seen. */
typedef struct em_ais_identity {
	const char *name;              /* "" when never sent */
	const char *callsign;          /* "" when never sent */
	uint32_t imo;                  /* 0 when never sent */
	int shiptype;                  /* 0 when never sent */
	int64_t first_seen, last_seen; /* Unix seconds UTC */
	uint64_t messages;             /* static messages that agreed with it */
} em_ais_identity;

/* One vessel (MMSI) after the run. */
typedef struct em_ais_vessel {
	uint32_t mmsi;
	size_t n_positions;            /* positions on its track */
	int64_t first_seen, last_seen; /* first and last position, Unix seconds UTC (0 without) */
	const em_ais_identity *identities; /* in time order */
	size_t n_identities;
	const char *screening;         /* JSON array of matches when screened, else NULL */
} em_ais_vessel;

typedef struct em_ais_analysis_stats {
	uint64_t messages;             /* messages offered */
	uint64_t positions;            /* positions kept on tracks */
	uint64_t statics;              /* static messages used for identities */
	uint64_t no_time;              /* messages without a receive time: not analysed */
	uint64_t no_position;          /* position reports with the position "not available" */
	uint64_t not_vessel;           /* base stations, aids to navigation and other non-vessels */
	uint64_t duplicates;           /* repeated positions (same vessel and second) dropped */
} em_ais_analysis_stats;

typedef struct em_ais_analysis em_ais_analysis;

/* A new analysis with the thresholds of `cfg` (NULL: the defaults) and the built-in ports. */
int em_ais_analysis_new(em_ais_analysis **out, const em_ais_config *cfg);
void em_ais_analysis_free(em_ais_analysis *a);

/*
 * Adds or replaces ports (by name, case-insensitively) from a table: tab-separated `name,
 * country, lat, lon[, entry_km, exit_km]` lines after a header line naming them, # comments.
 * Errors name `name`, the line and the field (EM_EPARSE).
 */
int em_ais_analysis_ports_parse(em_ais_analysis *a, const char *text, size_t len, const char *name);
int em_ais_analysis_ports_load(em_ais_analysis *a, const char *path);
/* Drops every port (the built-in ones too). */
void em_ais_analysis_ports_clear(em_ais_analysis *a);

/* Takes one decoded message; fits em_ais_msg_fn (ctx is the analysis). 0 or EM_ENOMEM. */
int em_ais_analysis_add_msg(void *analysis, const em_ais_msg *m);
/* Adds one position: Unix seconds, degrees, speed over ground in knots (< 0: unknown). */
int em_ais_analysis_add_position(em_ais_analysis *a, uint32_t mmsi, int64_t time, double lat,
				 double lon, double speed_knots);
/* Adds one static report: any of name, callsign (NULL or "": not sent), imo, shiptype (0: not sent). */
int em_ais_analysis_add_static(em_ais_analysis *a, uint32_t mmsi, int64_t time, const char *name,
			       const char *callsign, uint32_t imo, int shiptype);

/*
 * Builds the tracks and finds the events. When `screener` is not NULL each vessel's name, IMO,
 * MMSI and call sign are screened against it (threshold 0: the default) and the matches become
 * `listed_vessel` events. Called once; adding after it fails with EM_EINVAL.
 */
int em_ais_analysis_run(em_ais_analysis *a, const em_screener *screener, double threshold);

/* The events, sorted by start time, then MMSI, then kind. */
const em_ais_event *em_ais_analysis_events(const em_ais_analysis *a, size_t *n);
/* The vessels, sorted by MMSI. */
const em_ais_vessel *em_ais_analysis_vessels(const em_ais_analysis *a, size_t *n);
/* The positions of vessel i (of em_ais_analysis_vessels), in time order, into *out (malloc'd). */
int em_ais_analysis_track(const em_ais_analysis *a, size_t i, em_ais_point **out, size_t *n);
void em_ais_analysis_get_stats(const em_ais_analysis *a, em_ais_analysis_stats *out);

typedef enum em_ais_format {
	EM_AIS_FORMAT_JSONL = 0,       /* one event per line */
	EM_AIS_FORMAT_GEOJSON,         /* a FeatureCollection: tracks, events, ports */
	EM_AIS_FORMAT_HTML,            /* one self-contained page: map and event table */
} em_ais_format;

/* Writes the results of a run. 0, or EM_EIO when the stream fails. */
int em_ais_analysis_write(const em_ais_analysis *a, em_ais_format format, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
