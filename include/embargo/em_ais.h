/*
 * em_ais.h: decoding AIS (the marine Automatic Identification System) as received: NMEA 0183
 * !AIVDM/!AIVDO sentences from any talker, with their receive times (NMEA 4.10 tag blocks, the
 * USCG suffix, Gatehouse $PGHP lines), and CSV position exports (MarineCadastre, Danish
 * Maritime Authority and similar layouts, recognised by their header).
 *
 * An em_ais_decoder is fed the bytes of one input after another and calls back once per decoded
 * message, in input order (a multi-sentence message when its last sentence arrives). Sentences it
 * cannot use are counted by reason (em_ais_stats) and never stop the run. Messages of types 1, 2,
 * 3, 4, 5, 18, 19, 21, 24 (parts A and B) and 27 are decoded; other types are counted as skipped.
 *
 * Fields keep the units of the radio message (ITU-R M.1371) so nothing is lost; em_ais_msg_json()
 * prints them named and scaled as gpsd's JSON (the `gpsdecode` tool), so users and tools that know
 * gpsd read it as they are used to. A decoder is used by one thread at a time.
 */
#ifndef EMBARGO_EM_AIS_H
#define EMBARGO_EM_AIS_H

#include <stddef.h>
#include <stdint.h>

#include "em_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "No receive time known" in em_ais_msg.rxtime. */
#define EM_AIS_NO_TIME INT64_MIN

/* Values that mean "not available" in the radio message. */
#define EM_AIS_LON_NA (181 * 600000)  /* lon, 1/10000 minute */
#define EM_AIS_LAT_NA (91 * 600000)   /* lat, 1/10000 minute */
#define EM_AIS_SPEED_NA 1023          /* speed, 1/10 knot (1022: 102.2 knots or more) */
#define EM_AIS_COURSE_NA 3600         /* course, 1/10 degree */
#define EM_AIS_HEADING_NA 511         /* heading, degrees */
#define EM_AIS_TURN_NA (-128)         /* turn, raw rate-of-turn indicator */

/* Where a message came from. */
typedef enum em_ais_source {
	EM_AIS_SRC_NMEA = 0,       /* a radio message in NMEA sentences */
	EM_AIS_SRC_CSV = 1,        /* a row of a CSV export: only the fields in `has` are set */
} em_ais_source;

/* em_ais_msg.has bits: which fields of a CSV row are set (radio messages set them by type). */
enum {
	EM_AIS_HAS_POS = 1u << 0,        /* lon, lat */
	EM_AIS_HAS_SPEED = 1u << 1,
	EM_AIS_HAS_COURSE = 1u << 2,
	EM_AIS_HAS_HEADING = 1u << 3,
	EM_AIS_HAS_STATUS = 1u << 4,
	EM_AIS_HAS_TURN = 1u << 5,
	EM_AIS_HAS_SHIPNAME = 1u << 6,
	EM_AIS_HAS_CALLSIGN = 1u << 7,
	EM_AIS_HAS_IMO = 1u << 8,
	EM_AIS_HAS_SHIPTYPE = 1u << 9,
	EM_AIS_HAS_DIMENSIONS = 1u << 10, /* to_bow, to_stern, to_port, to_starboard */
	EM_AIS_HAS_DRAUGHT = 1u << 11,
	EM_AIS_HAS_DESTINATION = 1u << 12,
	EM_AIS_HAS_LENGTH = 1u << 13,     /* length, width (exports that give no reference point) */
	EM_AIS_HAS_ETA = 1u << 14,        /* month, day, hour, minute */
};

/*
 * One decoded message. Which fields mean something depends on `type` (see docs/ais.md for the
 * table); strings are NUL-terminated, cut at the first '@' and without trailing spaces, as gpsd
 * does. Units are those of the radio message; em_ais_msg_json() scales them.
 */
typedef struct em_ais_msg {
	int type;                  /* message type 1..27 */
	int repeat;                /* repeat indicator 0..3 */
	uint32_t mmsi;             /* source MMSI */
	int64_t rxtime;            /* receive time, ms since 1970-01-01 UTC, or EM_AIS_NO_TIME */
	em_ais_source source;      /* radio message or CSV row */
	unsigned has;              /* EM_AIS_HAS_* (CSV rows; radio messages set it by type too) */
	char channel;              /* radio channel 'A', 'B', '1', '2', or 0 when not given */
	const char *input;         /* name of the input (borrowed from the decoder) */
	size_t line;               /* line of the input where the message was completed */

	/* Position reports (1-3, 18, 19, 27), base station (4), aid to navigation (21). */
	int status;                /* navigation status 0..15 (1-3, 27) */
	int turn;                  /* rate-of-turn indicator -128..127 (1-3) */
	int speed;                 /* speed over ground, 1/10 knot (27: knots) */
	int accuracy;              /* position accuracy flag */
	int32_t lon, lat;          /* 1/10000 minute (27: 1/10 minute) */
	int course;                /* course over ground, 1/10 degree (27: degrees) */
	int heading;               /* true heading, degrees */
	int second;                /* UTC second of the report 0..63 */
	int maneuver;              /* maneuver indicator (1-3) */
	int raim;                  /* RAIM flag */
	uint32_t radio;            /* radio status bits */
	int reserved;              /* regional reserved (18, 19) */
	int regional;              /* regional bits (18, 19, 21) */
	int cs, display, dsc, band, msg22, assigned; /* class B unit flags (18, 19) */
	int gnss;                  /* GNSS position status (27) */

	/* Base station report (4): UTC date and time of the station. */
	int year, month, day, hour, minute, utc_second;

	/* Static and voyage data (5), class B extended report (19), static data report (24). */
	int ais_version;           /* (5) */
	uint32_t imo;              /* IMO number, 0 when not given (5) */
	char callsign[8];          /* (5, 24B) */
	char shipname[21];         /* (5, 19, 24A; 24B when a part A of the same MMSI came before) */
	int shiptype;              /* ship and cargo type 0..255 (5, 19, 24B) */
	int to_bow, to_stern;      /* metres from the reference point (5, 19, 21, 24B) */
	int to_port, to_starboard;
	int epfd;                  /* position fixing device (4, 5, 19, 21) */
	int eta_month, eta_day, eta_hour, eta_minute; /* estimated arrival, UTC (5) */
	int draught;               /* 1/10 metre (5) */
	char destination[21];      /* (5) */
	int dte;                   /* data terminal flag (5, 19) */

	/* Aid to navigation (21). */
	int aid_type;              /* 0..31 */
	char name[35];             /* name and name extension */
	int off_position, virtual_aid;

	/* Static data report (24). */
	char part;                 /* 'A' or 'B' */
	char vendorid[8];          /* (24B) */
	int model;                 /* (24B) */
	uint32_t serial;           /* (24B) */
	uint32_t mothership_mmsi;  /* (24B of an auxiliary craft, MMSI 98xxxxxxx), else 0 */

	/* CSV exports that give length and width instead of the reference point, in metres. */
	int length, width;
} em_ais_msg;

/* Why a line or sentence was not used. */
typedef enum em_ais_skip {
	EM_AIS_SKIP_CHECKSUM = 0,  /* the NMEA checksum does not match */
	EM_AIS_SKIP_SYNTAX,        /* a malformed sentence (fields missing or not numbers) */
	EM_AIS_SKIP_PAYLOAD,       /* a character outside the 6-bit armour, or bad fill bits */
	EM_AIS_SKIP_TOO_LONG,      /* a line or message longer than any AIS message */
	EM_AIS_SKIP_FRAGMENT,      /* a fragment without its earlier ones, or out of order */
	EM_AIS_SKIP_INCOMPLETE,    /* a message whose later fragments never came (dropped) */
	EM_AIS_SKIP_LENGTH,        /* a message of a length its type cannot have */
	EM_AIS_SKIP_TYPE,          /* a message type this decoder does not decode */
	EM_AIS_SKIP_TAGBLOCK,      /* a bad tag block (its fields ignored, the sentence kept) */
	EM_AIS_SKIP_CSV,           /* a CSV row without a usable MMSI, time or position */
	EM_AIS_SKIP_OTHER,         /* a line that is neither AIS nor a comment (other NMEA, text) */
	EM_AIS_SKIP_COUNT
} em_ais_skip;

/* A short name for a skip reason ("checksum"). */
const char *em_ais_skip_name(int reason);

typedef struct em_ais_stats {
	uint64_t lines;            /* lines read */
	uint64_t sentences;        /* AIS sentences read (good or bad) */
	uint64_t messages;         /* messages handed to the callback */
	uint64_t skipped[EM_AIS_SKIP_COUNT]; /* lines, sentences or messages not used, by reason */
} em_ais_stats;

typedef struct em_ais_options {
	unsigned version;          /* EM_AIS_OPTIONS_VERSION */
	unsigned max_partial;      /* multi-sentence messages assembled at once (0 = 32) */
	/* A partial message idle for this many sentences is dropped (0 = 100). Sentences count,
	 * not receive times: merged feeds (satellite ones especially) are not in time order. */
	unsigned stale_sentences;
	/* Called for each skipped line or sentence (may be NULL): input name, line, reason. */
	void (*on_skip)(void *ctx, const char *input, size_t line, int reason);
	void *skip_ctx;
} em_ais_options;

#define EM_AIS_OPTIONS_VERSION 1
#define EM_AIS_OPTIONS_INIT {EM_AIS_OPTIONS_VERSION, 0, 0, NULL, NULL}

typedef struct em_ais_decoder em_ais_decoder;

/* Called once per decoded message; `m` is valid during the call. Non-zero stops the input. */
typedef int (*em_ais_msg_fn)(void *ctx, const em_ais_msg *m);

/* A decoder; `opts` may be NULL for the defaults. */
int em_ais_decoder_new(em_ais_decoder **out, const em_ais_options *opts);
void em_ais_decoder_free(em_ais_decoder *d);

/*
 * Starts an input named `name` (kept by the decoder, for messages): the format (NMEA or CSV)
 * is recognised from its first line. Inputs may follow each other on one decoder; the
 * type 24 part A names survive between them, partial messages and pending times do not.
 */
int em_ais_input_begin(em_ais_decoder *d, const char *name);
/*
 * Feeds the next bytes of the current input; lines may be split anywhere between calls.
 * Returns 0, a negative code (EM_ENOMEM), or the callback's non-zero value.
 */
int em_ais_input_feed(em_ais_decoder *d, const char *data, size_t len, em_ais_msg_fn fn, void *ctx);
/* Ends the current input: decodes a last line without a newline, drops partial messages. */
int em_ais_input_end(em_ais_decoder *d, em_ais_msg_fn fn, void *ctx);

/* begin + feed the whole file ("-" is standard input) + end. */
int em_ais_decode_file(em_ais_decoder *d, const char *path, em_ais_msg_fn fn, void *ctx);

/* Counters since the decoder was made. */
void em_ais_decoder_stats(const em_ais_decoder *d, em_ais_stats *out);

/* Largest output of em_ais_msg_json() and em_ais_msg_csv(), NUL included. */
#define EM_AIS_RECORD_MAX 1024

/*
 * The message as one JSON object (no newline) with gpsd's field names and scaling, plus
 * "rxtime" (ISO 8601 UTC) when the receive time is known and "part" for type 24. Writes at most
 * `cap` bytes with a NUL; returns the length, or EM_ELIMIT when cap < EM_AIS_RECORD_MAX would
 * not do.
 */
int em_ais_msg_json(const em_ais_msg *m, char *buf, size_t cap);

/* The CSV header line (no newline) for em_ais_msg_csv(). */
const char *em_ais_csv_header(void);
/* The message as one CSV row (no newline) of the columns in em_ais_csv_header(). */
int em_ais_msg_csv(const em_ais_msg *m, char *buf, size_t cap);

/* Latitude and longitude in degrees, whatever the message type; 0 when not available. */
int em_ais_msg_position(const em_ais_msg *m, double *lat, double *lon);
/* Speed over ground in knots, or -1 when not available. */
double em_ais_msg_speed(const em_ais_msg *m);

/* Texts of coded fields, as gpsd prints them ("Moored", "Cargo - all ships of this type"). */
const char *em_ais_status_text(int status);
const char *em_ais_shiptype_text(int shiptype);
const char *em_ais_epfd_text(int epfd);
const char *em_ais_aid_type_text(int aid_type);

#ifdef __cplusplus
}
#endif
#endif
