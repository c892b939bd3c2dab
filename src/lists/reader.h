/*
 * reader.h: the contract between list readers and the list front end (read.c).
 *
 * A reader turns the bytes of one list file into entities of an em_list. It must read the
 * whole input or fail: on any error it returns a negative code with a message naming the file
 * (ctx->name), the line or element and the field, and the front end throws the list away.
 * Readers work on memory so the fuzz targets can drive them; only the OFAC reader looks for
 * companion files, in ctx->dir, and only when it is not NULL.
 */
#ifndef EMBARGO_LISTS_READER_H
#define EMBARGO_LISTS_READER_H

#include "model/model.h"

typedef struct em_read_ctx {
	const char *name;         /* file path or display name, for messages */
	const char *dir;          /* folder holding the file (for companions), or NULL */
	const char *data;         /* the bytes, NUL-terminated at data[len] */
	size_t len;
	em_list *list;            /* where entities go; metadata already set by the front end */
} em_read_ctx;

typedef struct em_reader {
	const char *format;       /* "ofac-csv", "un-xml", ... */
	const char *source;       /* default source name for em_list_source() */
	/* Confidence 0..100 that `head` (the first bytes, NUL-terminated) is this format. */
	int (*sniff)(const char *head, size_t n);
	int (*read)(em_read_ctx *ctx);
} em_reader;

/* Every reader; the table is in read.c. */
extern const em_reader em_reader_ofac_csv;
extern const em_reader em_reader_un_xml;
extern const em_reader em_reader_csl_csv;
extern const em_reader em_reader_csl_json;
extern const em_reader em_reader_bis_dpl;
extern const em_reader em_reader_ftm_json;
extern const em_reader em_reader_eu_xml;
extern const em_reader em_reader_uk_csv;

/* The readers in detection order, NULL-terminated. */
extern const em_reader *const em_readers[];

#endif
