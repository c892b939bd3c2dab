/*
 * read.c: the front end of list reading. It loads the file, picks the reader from the content
 * (each reader sniffs the first bytes; the most confident wins), runs it, and hands back the
 * list only when the reader consumed everything without error.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* One line per reader; detection asks each in turn. */
const em_reader *const em_readers[] = {
	&em_reader_ofac_csv,
	&em_reader_csl_csv,
	&em_reader_csl_json,
	&em_reader_bis_dpl,
	&em_reader_uk_csv,
	&em_reader_ftm_json,
	&em_reader_un_xml,
	&em_reader_eu_xml,
	NULL,
};

#define SNIFF_BYTES 8192

static const em_reader *detect(const char *data, size_t len)
{
	char head[SNIFF_BYTES + 1];
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES;
	memcpy(head, data, n);
	head[n] = '\0';
	const em_reader *best = NULL;
	int best_score = 0;
	for (size_t i = 0; em_readers[i]; i++) {
		int s = em_readers[i]->sniff(head, n);
		if (s > best_score) {
			best = em_readers[i];
			best_score = s;
		}
	}
	return best_score >= 50 ? best : NULL;
}

const char *em_list_detect_format(const void *data, size_t len)
{
	const em_reader *r = detect(data, len);
	return r ? r->format : NULL;
}

static const em_reader *by_name(const char *format)
{
	for (size_t i = 0; em_readers[i]; i++)
		if (strcmp(em_readers[i]->format, format) == 0)
			return em_readers[i];
	return NULL;
}

static int read_with(em_list **out, const char *name, const char *dir, const char *data,
		     size_t len, const em_read_options *opts)
{
	*out = NULL;
	const em_reader *r;
	if (opts && opts->format) {
		if (!(r = by_name(opts->format)))
			return em_fail(EM_EINVAL, "unknown list format '%s'", opts->format);
	} else if (!(r = detect(data, len))) {
		return em_fail(EM_EFORMAT, "%s: not a list format embargo reads (OFAC CSV, UN XML, "
				      "CSL CSV/JSON, BIS DPL, OpenSanctions JSON lines, EU XML, UK CSV)",
			       name);
	}
	em_list *l;
	int rc = em_list_new(&l, opts && opts->source ? opts->source : r->source, r->format);
	if (rc)
		return rc;
	if ((rc = em_list_set_meta(l, NULL, NULL, name, NULL))) {
		em_list_free(l);
		return rc;
	}
	em_sha256_hex(data, len, l->sha256);
	em_read_ctx ctx = {name, (opts && opts->no_companions) ? NULL : dir, data, len, l};
	rc = r->read(&ctx);
	if (!rc)
		rc = em_list_finish(l);
	if (!rc && l->n == 0)
		rc = em_fail(EM_EPARSE, "%s: no entities in the file", name);
	if (rc) {
		em_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int em_list_read_memory(em_list **out, const char *name, const void *data, size_t len,
			const em_read_options *opts)
{
	/* Readers rely on a NUL after the last byte. */
	char *copy = malloc(len + 1);
	if (!copy)
		return em_fail(EM_ENOMEM, "out of memory");
	memcpy(copy, data, len);
	copy[len] = '\0';
	int rc = read_with(out, name ? name : "<memory>", NULL, copy, len, opts);
	free(copy);
	return rc;
}

int em_list_read_file(em_list **out, const char *path, const em_read_options *opts)
{
	*out = NULL;
	char *data;
	size_t len;
	int rc = em_file_read(path, &data, &len);
	if (rc)
		return rc;
	char dirbuf[PATH_MAX];
	snprintf(dirbuf, sizeof dirbuf, "%s", path);
	rc = read_with(out, path, dirname(dirbuf), data, len, opts);
	free(data);
	return rc;
}
