/*
 * lists_update.c: `embargo lists update`: download the official lists named in the sources
 * file and import each into the store. Every source is tried even when another fails; each
 * gets one line (updated / unchanged / failed: reason), and the exit status is non-zero when
 * any source failed. When re-screening after updates is on and a source was updated, the
 * stored customers are then re-screened (cli_rescreen, as `embargo rescreen`).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "embargo/em_update.h"

static void update_usage(FILE *f)
{
	fprintf(f, "usage: embargo lists update [--force] [--config FILE] [--source NAME]...\n"
		   "                           [--timeout SECONDS] [--store URL] [--[no-]rescreen]\n"
		   "  --force            import even when the entity count drops sharply\n"
		   "  --config FILE      sources file (default: $EMBARGO_SOURCES, else %s)\n"
		   "  --source NAME      update only this source (repeatable; also disabled ones)\n"
		   "  --timeout SECONDS  time limit for each file transfer (default 600)\n"
		   "  --store URL        the store (see 'embargo lists --help')\n"
		   "  --rescreen         once a new version is active, re-screen the stored customers\n"
		   "                     (as 'embargo rescreen'); --no-rescreen: do not. Default: the\n"
		   "                     sources file's rescreen_after_update, overridden by\n"
		   "                     $EMBARGO_RESCREEN_AFTER_UPDATE (1 or 0)\n",
		em_sources_default_path());
}

/* Seconds (fractions allowed) to milliseconds; false when not a sensible duration. */
static int parse_seconds(const char *s, long *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 86400)
		return 0;
	*ms = (long)(v * 1000.0 + 0.5);
	if (*ms < 1)
		*ms = 1;
	return 1;
}

static void print_result(const em_source *src, const em_update_result *r)
{
	switch (r->status) {
	case EM_UPDATE_UPDATED:
		printf("%s: updated: version %" PRId64 ", %zu entities (was %zu), %zu bytes retrieved %s\n",
		       src->name, r->version_id, r->entity_count, r->previous_count, r->bytes,
		       r->retrieved_at);
		break;
	case EM_UPDATE_UNCHANGED:
		printf("%s: unchanged: %s version %" PRId64 ", %zu entities\n", src->name,
		       r->not_modified ? "not modified since" : "same content as", r->version_id,
		       r->entity_count);
		break;
	default:
		printf("%s: failed: %s\n", src->name, r->reason ? r->reason : "unknown error");
		break;
	}
}

int cmd_lists_update(const char *store_url, int argc, char **argv)
{
	em_update_options opts = EM_UPDATE_OPTIONS_INIT;
	const char *config = NULL;
	const char **names = calloc((size_t)argc + 1, sizeof *names);
	size_t n_names = 0;
	int rescreen = -1;
	if (!names) {
		fprintf(stderr, "embargo: out of memory\n");
		return CLI_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			update_usage(stdout);
			free(names);
			return CLI_OK;
		} else if (!strcmp(a, "--force")) {
			opts.force = 1;
		} else if (!strcmp(a, "--rescreen") || !strcmp(a, "--no-rescreen")) {
			rescreen = !strcmp(a, "--rescreen");
		} else if (!strcmp(a, "--config") && has_value) {
			config = argv[++i];
		} else if (!strcmp(a, "--source") && has_value) {
			const char *name = argv[++i];
			size_t k = 0;
			while (k < n_names && strcmp(names[k], name) != 0)
				k++;
			if (k == n_names)
				names[n_names++] = name;
		} else if (!strcmp(a, "--timeout") && has_value) {
			if (!parse_seconds(argv[++i], &opts.timeout_ms)) {
				fprintf(stderr, "embargo: --timeout: '%s' is not a number of seconds "
						"(0 < s <= 86400)\n", argv[i]);
				free(names);
				return CLI_USAGE;
			}
		} else {
			fprintf(stderr, "embargo: lists update: unexpected argument '%s'\n", a);
			update_usage(stderr);
			free(names);
			return CLI_USAGE;
		}
	}

	em_sources *sources = NULL;
	if (em_sources_load(&sources, config ? config : em_sources_default_path()) != 0) {
		free(names);
		return cli_report_error("sources");
	}
	for (size_t i = 0; i < n_names; i++) {
		if (!em_sources_find(sources, names[i])) {
			fprintf(stderr, "embargo: lists update: no source '%s' in the sources file\n",
				names[i]);
			em_sources_free(sources);
			free(names);
			return CLI_USAGE;
		}
	}
	em_store *store = NULL;
	if (em_store_open(&store, store_url) != 0) {
		em_sources_free(sources);
		free(names);
		return cli_report_error("store");
	}

	size_t updated = 0, unchanged = 0, failed = 0;
	size_t total = n_names ? n_names : em_sources_count(sources);
	for (size_t i = 0; i < total; i++) {
		const em_source *src = n_names ? em_sources_find(sources, names[i])
					       : em_sources_get(sources, i);
		if (!n_names && !src->enabled)
			continue;
		em_update_result r;
		em_update_source(store, src, &opts, &r);
		print_result(src, &r);
		fflush(stdout);
		updated += r.status == EM_UPDATE_UPDATED;
		unchanged += r.status == EM_UPDATE_UNCHANGED;
		failed += r.status == EM_UPDATE_FAILED;
		em_update_result_clear(&r);
	}
	printf("%zu updated, %zu unchanged, %zu failed\n", updated, unchanged, failed);
	fflush(stdout);
	em_store_free(store);
	int rc = failed ? CLI_FAIL : CLI_OK;
	/* Only a newly active version can change what a customer matches. */
	if (updated && cli_rescreen_after_update(rescreen, em_sources_rescreen_after_update(sources))) {
		em_screen_params params = EM_SCREEN_PARAMS_INIT;
		if (cli_rescreen(store_url, sysconf(_SC_NPROCESSORS_ONLN), &params, NULL) != CLI_OK)
			rc = CLI_FAIL;
	}
	em_sources_free(sources);
	free(names);
	return rc;
}
