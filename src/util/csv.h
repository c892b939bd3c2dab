/*
 * csv.h: an RFC 4180 record reader over a memory buffer (comma, tab or any one-byte
 * delimiter), tracking the line each record starts on so errors can name it. Quoted fields may
 * span lines; an unterminated quote at the end of the buffer is reported as truncation.
 */
#ifndef EMBARGO_CSV_H
#define EMBARGO_CSV_H

#include "util.h"

typedef struct em_csv {
	const char *name;    /* file name for messages */
	const char *data;
	size_t len;
	size_t pos;
	char delim;
	size_t line;         /* 1-based line where the current record starts */
	size_t next_line;    /* line where the next record starts */
	em_buf text;         /* the fields of the current record, each NUL-terminated */
	size_t *offsets;     /* start of each field in text.data */
	size_t nfields;
	size_t cap_fields;
} em_csv;

/* Skips a UTF-8 byte order mark. `data` must stay valid while the reader is used. */
void em_csv_init(em_csv *c, const char *name, const char *data, size_t len, char delim);
/* 1: a record was read; 0: end of input; negative: error (message names file and line). */
int em_csv_next(em_csv *c);
static inline size_t em_csv_count(const em_csv *c) { return c->nfields; }
/* Field i of the current record ("" when i is past the end). */
const char *em_csv_field(const em_csv *c, size_t i);
void em_csv_free(em_csv *c);

#endif
