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
	em_active_lists_free(&ll->all);
	ll->n = 0;
}

int cli_lists_load(cli_lists *ll, char **files, size_t n_files, const char *store_url)
{
	memset(ll, 0, sizeof *ll);
	if (n_files > CLI_MAX_LISTS) {
		fprintf(stderr, "embargo: at most %d lists\n", CLI_MAX_LISTS);
		return CLI_FAIL;
	}
	if (n_files) {
		if (em_active_lists_read(&ll->all, (const char *const *)files, n_files) != 0)
			return cli_report_error(NULL);
	} else {
		em_store *st;
		if (em_store_open(&st, store_url) != 0)
			return cli_report_error("opening the store");
		int rc = em_store_load_active(st, &ll->all);
		em_store_free(st);
		if (rc)
			return cli_report_error("loading the active lists");
	}
	if (ll->all.versions.count == 0 || ll->all.versions.count > CLI_MAX_LISTS) {
		if (ll->all.versions.count)
			fprintf(stderr, "embargo: the store has more than %d active lists\n", CLI_MAX_LISTS);
		else
			fprintf(stderr, "embargo: no list to screen against: import one with `embargo lists import FILE` "
					"or pass --list FILE\n");
		cli_lists_free(ll);
		return CLI_FAIL;
	}
	for (size_t i = 0; i < ll->all.versions.count; i++)
		ll->lists[ll->n++] = ll->all.lists[i];
	return 0;
}

em_list_ref *cli_lists_refs(const cli_lists *ll)
{
	em_list_ref *refs = calloc(ll->n ? ll->n : 1, sizeof *refs);
	for (size_t i = 0; refs && i < ll->n; i++) {
		const em_version_info *v = &ll->all.versions.items[i];
		refs[i] = (em_list_ref){v->source, v->id, v->sha256};
	}
	return refs;
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
