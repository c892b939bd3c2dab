/*
 * analyze.h: internals of the AIS analysis (em_ais_analyze.h) shared by its files: the compact
 * position record, vessels with their tracks and identity observations, ports, and the event
 * list. track.c ingests and sorts, ports.c reads the configuration and the port table and answers
 * "which port is near", events.c finds the single-vessel events, encounter.c the two-vessel
 * ones, analyze_out.c writes the results.
 */
#ifndef EMBARGO_AIS_ANALYZE_INTERNAL_H
#define EMBARGO_AIS_ANALYZE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "embargo/em_ais_analyze.h"
#include "util/util.h"

/* Positions are 1/600000 degree (1/10000 minute, the unit of the radio message). */
#define AN_DEG 600000.0
#define AN_SPEED_NONE 0xFFFFu /* fix.speed when the speed is not known */
#define AN_KNOT_KM 1.852

/* One position: 16 bytes, so 10 million fit in 160 MB. */
typedef struct an_fix {
	uint32_t t;        /* Unix seconds */
	int32_t lat, lon;  /* 1/600000 degree */
	uint16_t speed;    /* 1/10 knot, or AN_SPEED_NONE */
	uint16_t spare;
} an_fix;

/* One static report as received: fields not sent are empty or 0. */
typedef struct an_static {
	uint32_t t;
	uint32_t imo;
	int16_t shiptype;
	char name[21];
	char callsign[8];
	uint32_t count;    /* identical reports folded into this one (times up to t_last) */
	uint32_t t_last;
} an_static;

typedef struct an_vessel {
	uint32_t mmsi;
	an_fix *fix;
	size_t n, cap;
	bool unsorted;     /* a fix arrived older than the one before it */
	an_static *st;
	size_t n_st, cap_st;
	em_ais_identity *ids; /* history (built by the run) */
	size_t n_ids;
	const char *screening;
} an_vessel;

typedef struct an_port {
	char name[64];
	char country[3];
	double lat, lon;   /* degrees */
	double entry_km, exit_km;
} an_port;

struct em_ais_analysis {
	em_ais_config cfg;
	an_port *ports;
	size_t n_ports, cap_ports;
	double port_reach_km; /* the largest radius any port question asks about */
	/* ports by 1-degree cell for nearest-port lookups (built by the run) */
	uint32_t *cell_key, *cell_port;
	size_t n_cells;
	uint8_t cell_near[(181 * 360 + 7) / 8]; /* bit per cell: a port within one cell of it */

	an_vessel *v;
	size_t n_v, cap_v;
	uint32_t *slot;    /* open-addressing MMSI -> vessel index + 1 */
	size_t cap_slot;

	em_ais_event *ev;
	size_t n_ev, cap_ev;
	em_arena arena;    /* event strings, positions, identities */
	em_ais_vessel *pub; /* public view of the vessels (built by the run) */
	em_ais_analysis_stats stats;
	bool ran;
};

/* ---- track.c ---- */
/* Great-circle distance in km between two points in degrees. */
double an_distance_km(double lat1, double lon1, double lat2, double lon2);
static inline double an_fix_lat(const an_fix *f) { return f->lat / AN_DEG; }
static inline double an_fix_lon(const an_fix *f) { return f->lon / AN_DEG; }
/* The speed of a fix in knots, or -1 when unknown. */
static inline double an_fix_speed(const an_fix *f)
{
	return f->speed == AN_SPEED_NONE ? -1.0 : f->speed / 10.0;
}
/* True for MMSIs of ships (200000000-799999999: a country's maritime identification digits). */
bool an_mmsi_is_ship(uint32_t mmsi);

/* ---- ports.c ---- */
/* The built-in port table. */
int an_ports_builtin(em_ais_analysis *a);
/* Builds the cell index of the ports; called by the run. */
int an_ports_index(em_ais_analysis *a);
/* The port nearest to a point within port_reach_km, with its distance; -1 when none. */
int an_port_nearest(const em_ais_analysis *a, double lat, double lon, double *km);

/* ---- events.c ---- */
/* Adds an event of the vessel (positions and evidence copied into the arena). */
em_ais_event *an_event_add(em_ais_analysis *a, em_ais_event_kind kind, uint32_t mmsi, int64_t start,
			   int64_t end, const em_ais_point *pos, size_t n_pos, const char *evidence);
/* The single-vessel events of every vessel (tracks sorted first). */
int an_events_vessels(em_ais_analysis *a);
/* Loitering of every vessel, run after the encounters it must not repeat. */
int an_events_loitering(em_ais_analysis *a);
/* Vessel screening against the lists. */
int an_events_screen(em_ais_analysis *a, const em_screener *s, double threshold);

/* ---- encounter.c ---- */
int an_events_encounters(em_ais_analysis *a);
/* The position of vessel v at time t, interpolated between its fixes when they are at most the
 * interpolation limit apart; false when the vessel was silent then. */
bool an_position_at(const em_ais_analysis *a, const an_vessel *v, uint32_t t, double *lat, double *lon);
/* True when the vessel has an encounter overlapping [start, end]. */
bool an_in_encounter(const em_ais_analysis *a, uint32_t mmsi, int64_t start, int64_t end);

/* ---- analyze_out.c ---- */
/* Writes "2021-11-01T00:00:01Z". */
void an_time_iso(int64_t t, char out[32]);
/* Appends s as a JSON string (quoted). */
int an_json_str(em_buf *b, const char *s);

#endif
