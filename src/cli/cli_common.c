/*
 * cli_common.c: what several commands share: the options of the screening commands, loading
 * the lists to screen against (the files given with --list, or the active versions in the
 * store) and writing a CSV field.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void cli_screen_opts_init(cli_screen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = CLI_FORMAT_TEXT;
	o->threads = sysconf(_SC_NPROCESSORS_ONLN);
	if (o->threads < 1)
		o->threads = 1;
}

int cli_screen_option(const char *cmd, int argc, char **argv, int *i, cli_screen_opts *o)
{
	const char *a = argv[*i];
	bool attached = a[0] == '-' && a[1] == 'j' && a[2] >= '0' && a[2] <= '9'; /* -j4 */
	bool ours = !strcmp(a, "--list") || !strcmp(a, "--store") || !strcmp(a, "--threshold") ||
		    !strcmp(a, "--format") || !strcmp(a, "-j") || !strcmp(a, "--jobs") || attached;
	if (!ours)
		return 0;
	if (!attached && *i + 1 >= argc) {
		fprintf(stderr, "%s: %s needs a value\n", cmd, a);
		return -1;
	}
	const char *v = attached ? a + 2 : argv[++*i];
	char *end;
	if (!strcmp(a, "--list")) {
		if (o->n_files == CLI_MAX_LISTS) {
			fprintf(stderr, "%s: at most %d lists\n", cmd, CLI_MAX_LISTS);
			return -1;
		}
		o->files[o->n_files++] = argv[*i]; /* argv, not v: the caller keeps char * */
	} else if (!strcmp(a, "--store")) {
		o->store_url = v;
	} else if (!strcmp(a, "--threshold")) {
		o->threshold = strtod(v, &end);
		if (*end || o->threshold <= 0 || o->threshold > 1) {
			fprintf(stderr, "%s: --threshold must be a number in (0, 1]\n", cmd);
			return -1;
		}
	} else if (!strcmp(a, "--format")) {
		static const char *const names[] = {"text", "json", "jsonl", "csv"};
		int f = -1;
		for (int k = 0; k < 4; k++)
			if (!strcmp(v, names[k]))
				f = k;
		if (f < 0) {
			fprintf(stderr, "%s: unknown format '%s' (text, json, jsonl, csv)\n", cmd, v);
			return -1;
		}
		o->format = (cli_format)f;
	} else {
		o->threads = strtol(v, &end, 10);
		if (*end || o->threads < 1 || o->threads > 64) {
			fprintf(stderr, "%s: -j must be 1..64\n", cmd);
			return -1;
		}
	}
	return 1;
}
