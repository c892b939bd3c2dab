/*
 * common.c: pieces several commands share: loading the lists to screen against (files given
 * on the command line, or the active versions in the store).
 */
#include <stdio.h>

#include "cli.h"

int cli_load_lists(em_active_lists *out, const char *const *files, size_t n_files,
		   const char *store_url)
{
	if (n_files)
		return em_active_lists_read(out, files, n_files) ? cli_report_error(NULL) : CLI_OK;
	em_store *st;
	if (em_store_open(&st, store_url) != 0)
		return cli_report_error("opening the store");
	int rc = em_store_load_active(st, out);
	em_store_free(st);
	if (rc)
		return cli_report_error("loading the active lists");
	if (out->versions.count == 0) {
		em_active_lists_free(out);
		fprintf(stderr, "embargo: no list to screen against: import one with `embargo lists import FILE` "
				"or pass --list FILE\n");
		return CLI_FAIL;
	}
	return CLI_OK;
}
