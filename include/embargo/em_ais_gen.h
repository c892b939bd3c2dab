/*
 * em_ais_gen.h: making AIS test data. em_ais_encode() writes a message as !AIVDM sentences, the
 * exact inverse of the decoder of em_ais.h; em_ais_scenario_write() writes a reproducible
 * synthetic Caspian Sea scenario (NMEA sentences with NMEA 4.10 tag-block times) with a known
 * set of incidents, and its ground truth as JSON lines, so that dark-activity analysis can be
 * tested against events that are known to be there and no others (docs/ais.md, "Synthetic
 * scenario").
 */
#ifndef EMBARGO_EM_AIS_GEN_H
#define EMBARGO_EM_AIS_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "em_ais.h"
#include "em_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest output of em_ais_encode() (two sentences with tag blocks), NUL included. */
#define EM_AIS_ENCODE_MAX 512

/*
 * Writes message `m` as AIVDM sentences ending in "\n" into `out` (at most `cap` bytes, NUL
 * included) and returns the length, or a negative code: EM_EINVAL when the type is not one of
 * 1, 2, 3, 5, 18, 24 or a field does not fit its bits (the message names the field), EM_ELIMIT
 * when `cap` is too small.
 *
 * The fields read are those the decoder fills for the type, in the same units. Text fields are
 * padded with '@'; lowercase letters are written in uppercase and any other character outside
 * the AIS 6-bit set is refused. Type 5 is 424 bits (two sentences, 2 fill bits), type 24 part A
 * 160 bits, part B and the position reports 168. Type 24 part B is written in the current
 * layout (ITU-R M.1371-5): the first three characters of `vendorid`, then `model` and `serial`
 * (the decoder's seven-character `vendorid` reads those bits as text too). The channel is
 * m->channel ('A' when 0). Each sentence is preceded by a tag block "\c:SECONDS,s:SOURCE*hh\"
 * when m->rxtime is a time (it must not be negative) or `source` is not NULL; `source` is
 * letters, digits and '-' only. `seqid` (0..9) is the sequence id of a two-sentence message.
 */
int em_ais_encode(char *out, size_t cap, const em_ais_msg *m, const char *source, int seqid);

/* What em_ais_scenario_write() makes. */
typedef struct em_ais_scenario_options {
	unsigned version;          /* EM_AIS_SCENARIO_OPTIONS_VERSION */
	uint64_t seed;             /* PRNG seed: the same seed gives the same bytes */
	unsigned background;       /* incident-free vessels added to the scenario (at most 200) */
	unsigned vessels;          /* scale mode: this many normal vessels and no incidents; 0: off */
	unsigned hours;            /* scale mode: hours of traffic (1..8760) */
} em_ais_scenario_options;

#define EM_AIS_SCENARIO_OPTIONS_VERSION 1
#define EM_AIS_SCENARIO_OPTIONS_INIT {EM_AIS_SCENARIO_OPTIONS_VERSION, 1, 0, 0, 24}

/*
 * Sets one option by its command-line name ("seed", "background", "vessels", "hours") from
 * its text, so that every front end reads options the same way. EM_EINVAL for an unknown
 * name or a value that is not a number in range (the message says which).
 */
int em_ais_scenario_set(em_ais_scenario_options *o, const char *name, const char *value);

/* Counts of what was written. */
typedef struct em_ais_scenario_stats {
	uint64_t vessels;          /* MMSIs in the output */
	uint64_t messages;         /* AIS messages */
	uint64_t sentences;        /* NMEA sentences (lines) */
	uint64_t bytes;            /* bytes of NMEA output */
	uint64_t events;           /* ground-truth lines */
	double vessel_hours;       /* sum over vessels of the time between first and last message */
	int64_t start, end;        /* first and last receive time, Unix seconds */
} em_ais_scenario_stats;

/*
 * Writes the scenario's sentences to `nmea_path` ("-": standard output) and, when `truth_path`
 * is not NULL, its expected events as JSON lines there. `out` (may be NULL) receives the
 * counts. EM_EIO when a file cannot be written, EM_EINVAL for bad options.
 */
int em_ais_scenario_write(const em_ais_scenario_options *o, const char *nmea_path,
			  const char *truth_path, em_ais_scenario_stats *out);

#ifdef __cplusplus
}
#endif
#endif
