/*
 * ais.h: internals of the AIS module shared by its files: the bit buffer a message payload is
 * de-armoured into, the bit reader, and the per-type message decoder (msg.c) that the sentence
 * layer (decoder.c) calls once a message is whole.
 */
#ifndef EMBARGO_AIS_INTERNAL_H
#define EMBARGO_AIS_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "embargo/em_ais.h"

/*
 * The longest message: five slots of 256 bits is more than any AIS message carries (type 26
 * reaches 1064 bits with its overhead); 1280 bits leaves room and bounds every buffer.
 */
#define AIS_MAX_BITS 1280
/* 8 bytes of zeros after the last bit so the bit reader may always load 8 bytes. */
#define AIS_BITS_BYTES (AIS_MAX_BITS / 8 + 8)

/*
 * Reads `len` (1..32) bits starting at bit `start`, most significant bit first. The buffer must
 * hold AIS_BITS_BYTES bytes and `start + len` must not exceed AIS_MAX_BITS; bits past the end of
 * the message read as they were left (zero in a cleared buffer).
 */
static inline uint32_t ais_bits_u(const uint8_t *b, unsigned start, unsigned len)
{
	const uint8_t *q = b + (start >> 3);
	uint64_t w = (uint64_t)q[0] << 56 | (uint64_t)q[1] << 48 | (uint64_t)q[2] << 40 |
		     (uint64_t)q[3] << 32 | (uint64_t)q[4] << 24 | (uint64_t)q[5] << 16 |
		     (uint64_t)q[6] << 8 | (uint64_t)q[7];
	w <<= (start & 7);
	return (uint32_t)(w >> (64 - len));
}

/* The same bits as a two's complement signed number. */
static inline int32_t ais_bits_s(const uint8_t *b, unsigned start, unsigned len)
{
	uint32_t u = ais_bits_u(b, start, len);
	uint32_t sign = 1u << (len - 1);
	return (int32_t)((u ^ sign)) - (int32_t)sign;
}

/* The 6-bit character set of AIS text fields, indexed by the 6-bit value. */
extern const char ais_sixbit_chars[65];

/*
 * Decodes the message in `bits` (nbits long) into *m, cleared first: the caller sets `rxtime`,
 * `channel`, `input` and `line` after. Returns 0, or an EM_AIS_SKIP_* reason + 1
 * when the message cannot be used (an unknown type, a length its type cannot have).
 */
int ais_msg_decode(const uint8_t *bits, unsigned nbits, em_ais_msg *m);

/* Reads a 6-bit text field of `nchars` characters into out (nchars + 1 bytes), as gpsd does. */
void ais_text(const uint8_t *bits, unsigned start, unsigned nchars, char *out);

/* Unix time in ms of a UTC date and time, or EM_AIS_NO_TIME when a field is out of range. */
int64_t ais_time_from_civil(int year, int month, int day, int hour, int minute, int second);
/* Writes "2021-11-01T00:00:01Z" (".123" before the Z when there are milliseconds); returns the
 * length. */
size_t ais_time_iso(int64_t ms, char out[32]);

/* Columns of CSV exports that the CSV reader (csv_input.c) uses. */
enum ais_csv_col {
	CSV_MMSI, CSV_TIME, CSV_MS, CSV_LAT, CSV_LON, CSV_SOG, CSV_COG, CSV_HEADING, CSV_NAME,
	CSV_IMO, CSV_CALLSIGN, CSV_SHIPTYPE, CSV_STATUS, CSV_LENGTH, CSV_WIDTH, CSV_DRAUGHT,
	CSV_DEST, CSV_CLASS, CSV_MSGTYPE, CSV_A, CSV_B, CSV_C, CSV_D, CSV_NCOLS
};

/* Where each column is in the rows of one CSV input (-1: absent). */
typedef struct ais_csv_map {
	int col[CSV_NCOLS];
	char delim;
} ais_csv_map;

/* 0 when the line is the header of a CSV position export (the map is then filled), else -1. */
int ais_csv_header(ais_csv_map *map, const char *s, size_t n);
/* Reads one row into *m (cleared first); 0, or an EM_AIS_SKIP_* reason + 1. */
int ais_csv_row(const ais_csv_map *map, const char *s, size_t n, em_ais_msg *m);

#endif
