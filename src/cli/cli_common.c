/*
 * cli_common.c: what several commands share: loading the lists to screen against (the files
 * given with --list, or the active versions in the store) and writing a CSV field.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "embargo/em_store.h"

void cli_lists_free(cli_lists *ll)
{
	for (size_t i = 0; i < ll->n; i++)
		em_list_free(ll->lists[i]);
	ll->n = 0;
}

int cli_lists_load(cli_lists *ll, char **files, size_t n_files, const char *store_url)
{
	ll->n = 0;
	if (n_files) {
		for (size_t i = 0; i < n_files && i < CLI_MAX_LISTS; i++) {
			if (em_list_read_file(&ll->lists[ll->n], files[i], NULL) != 0) {
				cli_lists_free(ll);
				return cli_report_error(NULL);
			}
			ll->n++;
		}
		return 0;
	}
	em_store *st;
	if (em_store_open(&st, store_url) != 0)
		return cli_report_error("opening the store");
	em_version_set vs;
	if (em_store_versions(st, 1, &vs) != 0) {
		em_store_free(st);
		return cli_report_error("reading list versions");
	}
	int rc = 0;
	for (size_t i = 0; i < vs.count && ll->n < CLI_MAX_LISTS; i++) {
		if (em_store_load_version(st, vs.items[i].id, &ll->lists[ll->n]) != 0) {
			rc = cli_report_error("loading a list version");
			break;
		}
		ll->n++;
	}
	em_version_set_free(&vs);
	em_store_free(st);
	if (!rc && ll->n == 0) {
		fprintf(stderr, "embargo: no list to screen against: import one with `embargo lists import FILE` "
				"or pass --list FILE\n");
		rc = CLI_FAIL;
	}
	if (rc)
		cli_lists_free(ll);
	return rc;
}

void cli_csv_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
