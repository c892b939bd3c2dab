/*
 * lists_cmd.c: `embargo lists ...`: reading list files, and with the store importing them as
 * versions, listing those versions, comparing two lists (files or stored versions), switching
 * the active version and showing one stored entity. Uses only the public API (and jansson to
 * print JSON).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "embargo/em_diff.h"
#include "embargo/em_lists.h"
#include "embargo/em_store.h"

/* Values longer than this are cut in text diffs (the JSON output has them whole). */
#define DIFF_VALUE_MAX 72

static void lists_usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  embargo lists [--json]                      the active version of each list\n"
		"  embargo lists versions [--json] [SOURCE]    every stored version, newest first\n"
		"  embargo lists import [--force] [--source NAME] [--no-activate] [--[no-]rescreen] FILE...\n"
		"                                              store list files as new versions\n"
		"  embargo lists update [--force] [--config FILE] [--source NAME]... [--timeout SECONDS]\n"
		"                       [--[no-]rescreen]\n"
		"                                              download the official lists and import them\n"
		"  embargo lists diff [--format text|json] OLD NEW\n"
		"                                              compare two lists (files or versions)\n"
		"  embargo lists activate VERSION              make a stored version active (roll back)\n"
		"  embargo lists show SOURCE ID                one entity of the active version, as JSON\n"
		"  embargo lists inspect [--json] FILE...      read list files and print what they hold\n"
		"\n"
		"VERSION is a version id, a SOURCE (its active version) or SOURCE@N (its N-th version).\n"
		"The store is --store URL (sqlite:PATH or postgresql://...), else $EMBARGO_STORE, else\n"
		"sqlite:$EMBARGO_HOME/embargo.db, else $XDG_DATA_HOME/embargo/embargo.db\n"
		"(~/.local/share/embargo). An import is refused when a list loses more than 20%% of its\n"
		"entities against the active version, unless --force; its retrieval time is the file's\n"
		"modification time. --rescreen (or $EMBARGO_RESCREEN_AFTER_UPDATE=1; for update also the\n"
		"sources file's rescreen_after_update = yes) re-screens the stored customers once a new\n"
		"version is active, as 'embargo rescreen'.\n");
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "embargo lists: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see 'embargo lists --help')\n");
	va_end(ap);
	return CLI_USAGE;
}

/* The store named by --store (or the default); reports the failure itself. */
static int open_store(const char *url, em_store **out)
{
	if (em_store_open(out, url) != 0)
		return cli_report_error("cannot open the list store");
	return CLI_OK;
}

/* --- inspect -------------------------------------------------------------------------- */

/* `lists inspect`: read each file completely and print its format and counts (or every entity). */
static int lists_inspect(int argc, char **argv)
{
	int json = 0, rc = CLI_OK, nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
			continue;
		}
		nfiles++;
		em_list *l;
		if (em_list_read_file(&l, argv[i], NULL) != 0) {
			rc = cli_report_error(NULL);
			continue;
		}
		if (json) {
			for (size_t k = 0; k < em_list_count(l); k++) {
				char *s = em_entity_to_json(em_list_entity(l, k));
				if (s)
					puts(s);
				free(s);
			}
		} else {
			size_t types[5], names = 0;
			em_list_count_types(l, types);
			for (size_t k = 0; k < em_list_count(l); k++)
				names += em_list_entity(l, k)->n_names;
			printf("%s: format %s, source %s, %zu entities (%zu persons, %zu organizations, "
			       "%zu vessels, %zu aircraft, %zu other), %zu names, sha256 %s\n",
			       argv[i], em_list_format(l), em_list_source(l), em_list_count(l),
			       types[EM_ENTITY_PERSON], types[EM_ENTITY_ORGANIZATION],
			       types[EM_ENTITY_VESSEL], types[EM_ENTITY_AIRCRAFT],
			       types[EM_ENTITY_UNKNOWN], names, em_list_sha256(l));
		}
		em_list_free(l);
	}
	if (!nfiles) {
		lists_usage(stderr);
		return CLI_USAGE;
	}
	return rc;
}

/* --- import --------------------------------------------------------------------------- */

/* The file's modification time as ISO 8601 UTC: the best guess of when its bytes were fetched. */
static void file_time(const char *path, char out[32])
{
	struct stat st;
	struct tm tm;
	out[0] = '\0';
	if (stat(path, &st) == 0 && gmtime_r(&st.st_mtime, &tm))
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int lists_import(const char *store_url, int argc, char **argv)
{
	em_import_options iopts = EM_IMPORT_OPTIONS_INIT;
	em_read_options ropts = EM_READ_OPTIONS_INIT;
	/* options may come anywhere; after "--" everything is a file */
	char **files = calloc((size_t)argc, sizeof *files);
	int n = 0, dashdash = 0, rescreen = -1;
	if (!files) {
		fprintf(stderr, "embargo: out of memory\n");
		return CLI_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (dashdash || a[0] != '-' || !a[1]) {
			files[n++] = argv[i];
		} else if (!strcmp(a, "--")) {
			dashdash = 1;
		} else if (!strcmp(a, "--force")) {
			iopts.force = 1;
		} else if (!strcmp(a, "--no-activate")) {
			iopts.no_activate = 1;
		} else if (!strcmp(a, "--rescreen") || !strcmp(a, "--no-rescreen")) {
			rescreen = !strcmp(a, "--rescreen");
		} else if (!strcmp(a, "--source") && i + 1 < argc) {
			ropts.source = argv[++i];
		} else {
			free(files);
			return usage_error(strcmp(a, "--source") ? "unknown option '%s'" : "%s needs a NAME", a);
		}
	}
	if (n == 0) {
		free(files);
		return usage_error("import needs at least one FILE");
	}

	/* Read everything first: one bad file and nothing is imported. */
	em_list **lists = calloc((size_t)n, sizeof *lists);
	if (!lists) {
		free(files);
		fprintf(stderr, "embargo: out of memory\n");
		return CLI_FAIL;
	}
	int rc = CLI_OK;
	for (int i = 0; i < n && rc == CLI_OK; i++)
		if (em_list_read_file(&lists[i], files[i], &ropts) != 0) {
			cli_report_error(NULL);
			fprintf(stderr, "embargo: nothing imported\n");
			rc = CLI_FAIL;
		}
	em_store *store = NULL;
	if (rc == CLI_OK)
		rc = open_store(store_url, &store);
	int activated = 0; /* new versions made active */
	for (int i = 0; i < n && rc == CLI_OK; i++) {
		const char *path = files[i];
		char retrieved[32];
		file_time(path, retrieved);
		iopts.retrieved_at = retrieved[0] ? retrieved : NULL;
		em_import_result r;
		if (em_store_import(store, lists[i], &iopts, &r) != 0) {
			rc = cli_report_error(path);
			if (i + 1 < n)
				fprintf(stderr, "embargo: stopped; the %d file(s) after %s were not imported\n",
					n - i - 1, path);
			break;
		}
		size_t count = em_list_count(lists[i]);
		printf("%s: %s version %lld, %zu entities, ", path, em_list_source(lists[i]),
		       (long long)r.version_id, count);
		activated += !r.unchanged && !iopts.no_activate;
		if (r.unchanged)
			printf("unchanged\n");
		else if (r.previous_id == 0)
			printf("new list%s\n", iopts.no_activate ? ", not activated" : "");
		else
			printf("%+lld against version %lld (%zu entities)%s\n",
			       (long long)count - (long long)r.previous_count, (long long)r.previous_id,
			       r.previous_count, iopts.no_activate ? ", not activated" : "");
	}
	em_store_free(store);
	for (int i = 0; i < n; i++)
		em_list_free(lists[i]);
	free(lists);
	free(files);
	if (activated && cli_rescreen_after_update(rescreen, -1)) {
		fflush(stdout);
		em_screen_params params = EM_SCREEN_PARAMS_INIT;
		if (cli_rescreen(store_url, sysconf(_SC_NPROCESSORS_ONLN), &params, NULL) != CLI_OK)
			rc = CLI_FAIL;
	}
	return rc;
}

/* --- listing versions ------------------------------------------------------------------ */

static json_t *version_json(const em_version_info *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)v->id));
	json_object_set_new(o, "source", json_string(v->source));
	json_object_set_new(o, "format", json_string(v->format));
	json_object_set_new(o, "entities", json_integer((json_int_t)v->entity_count));
	json_object_set_new(o, "active", json_boolean(v->active));
	json_object_set_new(o, "imported_at", json_string(v->imported_at));
	json_object_set_new(o, "retrieved_at", json_string(v->retrieved_at));
	json_object_set_new(o, "published", v->published ? json_string(v->published) : json_null());
	json_object_set_new(o, "sha256", json_string(v->sha256));
	json_object_set_new(o, "path", json_string(v->path));
	return o;
}

static void print_versions(const em_version_set *set, int json, int show_active, const char *url)
{
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < set->count; i++)
			json_array_append_new(a, version_json(&set->items[i]));
		char *s = json_dumps(a, JSON_PRESERVE_ORDER | JSON_INDENT(2));
		if (s)
			puts(s);
		free(s);
		json_decref(a);
		return;
	}
	if (!set->count) {
		printf("no list versions in the store (%s)\n", url);
		return;
	}
	printf("%-12s %7s %8s  %-20s  %-20s  %-10s  %-12s  %s\n", "SOURCE", "VERSION", "ENTITIES",
	       "IMPORTED", "RETRIEVED", "PUBLISHED", "SHA256", "PATH");
	for (size_t i = 0; i < set->count; i++) {
		const em_version_info *v = &set->items[i];
		printf("%-12s %6lld%s %8zu  %-20s  %-20s  %-10s  %-12.12s  %s\n", v->source,
		       (long long)v->id, show_active && v->active ? "*" : " ", v->entity_count,
		       v->imported_at, v->retrieved_at, v->published ? v->published : "-", v->sha256,
		       v->path);
	}
	if (show_active)
		printf("(* = active)\n");
}

/* `lists [--json]` (active_only) and `lists versions [--json] [SOURCE]`. */
static int lists_versions(const char *store_url, int argc, char **argv, int active_only)
{
	int json = 0;
	const char *source = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' || active_only || source)
			return usage_error("unexpected argument '%s'", argv[i]);
		else
			source = argv[i];
	}
	em_store *store;
	int rc = open_store(store_url, &store);
	if (rc)
		return rc;
	em_version_set set;
	if (em_store_versions(store, active_only, &set) != 0) {
		rc = cli_report_error("listing versions");
	} else {
		/* keep only that source, moved to the front in order; the set still frees all */
		size_t k = set.count;
		if (source) {
			k = 0;
			for (size_t i = 0; i < set.count; i++) {
				if (strcmp(set.items[i].source, source) != 0)
					continue;
				em_version_info tmp = set.items[k];
				set.items[k++] = set.items[i];
				set.items[i] = tmp;
			}
		}
		em_version_set shown = {set.items, k};
		print_versions(&shown, json, !active_only, em_store_url(store));
		em_version_set_free(&set);
	}
	em_store_free(store);
	return rc;
}

/* --- diff ------------------------------------------------------------------------------ */

/* One side of a diff: an existing file, else a stored version (the store opened on demand). */
static int load_side(const char *ref, const char *store_url, em_store **store, em_list **out)
{
	if (access(ref, F_OK) == 0)
		return em_list_read_file(out, ref, NULL) == 0 ? CLI_OK : cli_report_error(NULL);
	int rc;
	if (!*store && (rc = open_store(store_url, store)))
		return rc;
	int64_t id;
	if (em_store_resolve_version(*store, ref, &id) != 0) {
		fprintf(stderr, "embargo: '%s' is not a file; as a stored version: %s\n", ref,
			em_error_last()->message);
		return CLI_FAIL;
	}
	if (em_store_load_version(*store, id, out) != 0)
		return cli_report_error(ref);
	return CLI_OK;
}

/* Prints a JSON value text, cut to DIFF_VALUE_MAX bytes at a UTF-8 boundary. */
static void print_value(const char *v)
{
	if (!v) {
		fputs("(none)", stdout);
		return;
	}
	size_t n = strlen(v);
	if (n <= DIFF_VALUE_MAX) {
		fputs(v, stdout);
		return;
	}
	n = DIFF_VALUE_MAX - 3;
	while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--;
	printf("%.*s...", (int)n, v);
}

static void print_diff_text(const em_diff *d)
{
	printf("%zu added, %zu removed, %zu changed\n", d->n_added, d->n_removed, d->n_changed);
	for (size_t i = 0; i < d->n_added; i++)
		printf("+ %s %s\n", d->added[i].source_id, d->added[i].name ? d->added[i].name : "");
	for (size_t i = 0; i < d->n_removed; i++)
		printf("- %s %s\n", d->removed[i].source_id, d->removed[i].name ? d->removed[i].name : "");
	for (size_t i = 0; i < d->n_changed; i++) {
		const em_entity_change *c = &d->changed[i];
		for (size_t k = 0; k < c->n_fields; k++) {
			printf("~ %s %s: %s: ", c->source_id, c->name ? c->name : "", c->fields[k].field);
			print_value(c->fields[k].old_json);
			fputs(" -> ", stdout);
			print_value(c->fields[k].new_json);
			putchar('\n');
		}
	}
}

static int lists_diff(const char *store_url, int argc, char **argv)
{
	int json = 0;
	const char *refs[2];
	int nrefs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format")) {
			if (++i == argc)
				return usage_error("--format needs text or json");
			if (!strcmp(argv[i], "json"))
				json = 1;
			else if (!strcmp(argv[i], "text"))
				json = 0;
			else
				return usage_error("unknown format '%s' (text or json)", argv[i]);
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (argv[i][0] == '-' && argv[i][1] && access(argv[i], F_OK) != 0) {
			return usage_error("unknown option '%s'", argv[i]);
		} else if (nrefs == 2) {
			return usage_error("unexpected argument '%s'", argv[i]);
		} else {
			refs[nrefs++] = argv[i];
		}
	}
	if (nrefs != 2)
		return usage_error("diff needs OLD and NEW");
	em_store *store = NULL;
	em_list *old_list = NULL, *new_list = NULL;
	em_diff *d = NULL;
	int rc = load_side(refs[0], store_url, &store, &old_list);
	if (!rc)
		rc = load_side(refs[1], store_url, &store, &new_list);
	if (!rc && em_list_diff(old_list, new_list, &d) != 0)
		rc = cli_report_error("diff");
	if (!rc && json) {
		char *s = em_diff_to_json(d);
		if (s)
			puts(s);
		else
			rc = CLI_FAIL;
		free(s);
	} else if (!rc) {
		print_diff_text(d);
	}
	em_diff_free(d);
	em_list_free(old_list);
	em_list_free(new_list);
	em_store_free(store);
	return rc;
}

/* --- activate, show ----------------------------------------------------------------------- */

static int lists_activate(const char *store_url, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return usage_error("activate needs exactly one VERSION");
	em_store *store;
	int rc = open_store(store_url, &store);
	if (rc)
		return rc;
	int64_t id;
	em_version_set set = {NULL, 0};
	if (em_store_resolve_version(store, argv[1], &id) != 0 || em_store_activate(store, id) != 0 ||
	    em_store_versions(store, 0, &set) != 0) {
		rc = cli_report_error(argv[1]);
	} else {
		for (size_t i = 0; i < set.count; i++)
			if (set.items[i].id == id)
				printf("%s: version %lld is active (%zu entities, imported %s from %s)\n",
				       set.items[i].source, (long long)id, set.items[i].entity_count,
				       set.items[i].imported_at, set.items[i].path);
	}
	em_version_set_free(&set);
	em_store_free(store);
	return rc;
}

static int lists_show(const char *store_url, int argc, char **argv)
{
	if (argc != 3)
		return usage_error("show needs SOURCE and ID");
	em_store *store;
	int rc = open_store(store_url, &store);
	if (rc)
		return rc;
	char *json;
	if (em_store_get_entity(store, argv[1], argv[2], &json) != 0) {
		rc = cli_report_error(NULL);
	} else {
		puts(json);
		free(json);
	}
	em_store_free(store);
	return rc;
}

/* --- dispatch ----------------------------------------------------------------------------- */

int cmd_lists(int argc, char **argv)
{
	/* --store URL may come anywhere after `lists`: take it out before the subcommand parses. */
	const char *store_url = NULL;
	int n = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--store")) {
			if (++i == argc)
				return usage_error("--store needs a URL");
			store_url = argv[i];
		} else if (!strncmp(argv[i], "--store=", 8)) {
			store_url = argv[i] + 8;
		} else {
			argv[n++] = argv[i];
		}
	}
	argc = n;
	const char *sub = argc >= 2 ? argv[1] : NULL;
	if (!sub || sub[0] == '-') {
		if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
			lists_usage(stdout);
			return CLI_OK;
		}
		return lists_versions(store_url, argc, argv, 1);
	}
	if (!strcmp(sub, "inspect"))
		return lists_inspect(argc - 1, argv + 1);
	if (!strcmp(sub, "import"))
		return lists_import(store_url, argc - 1, argv + 1);
	if (!strcmp(sub, "update"))
		return cmd_lists_update(store_url, argc - 1, argv + 1);
	if (!strcmp(sub, "versions"))
		return lists_versions(store_url, argc - 1, argv + 1, 0);
	if (!strcmp(sub, "diff"))
		return lists_diff(store_url, argc - 1, argv + 1);
	if (!strcmp(sub, "activate"))
		return lists_activate(store_url, argc - 1, argv + 1);
	if (!strcmp(sub, "show"))
		return lists_show(store_url, argc - 1, argv + 1);
	return usage_error("unknown subcommand '%s'", sub);
}
