/*
 * cli.h: the embargo command-line tool. main.c dispatches the first word to a command
 * function; each command lives in its own file and uses only the public API.
 */
#ifndef EMBARGO_CLI_H
#define EMBARGO_CLI_H

#include <stdio.h>

#include "embargo/em_audit.h"
#include "embargo/em_screen.h"
#include "embargo/em_store.h"

/* Exit codes shared by every command. */
enum {
	CLI_OK = 0,       /* success (for screening: no match) */
	CLI_FAIL = 1,     /* the operation failed */
	CLI_USAGE = 2,    /* bad command line */
};

int cmd_lists(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_goods(int argc, char **argv);
int cmd_ais(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_rescreen(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
/* `lists update` (lists_update.c); argv[0] is "update", --store was taken out by cmd_lists. */
int cmd_lists_update(const char *store_url, int argc, char **argv);

/* Prints "embargo: <message of em_error_last()>" to stderr and returns CLI_FAIL. */
int cli_report_error(const char *what);

/* ---- cli_common.c ---- */

#define CLI_MAX_LISTS 64

/* The lists a command screens against, with the version each one is. */
typedef struct cli_lists {
	em_list *lists[CLI_MAX_LISTS]; /* the lists, n of them (owned by `all`) */
	size_t n;
	em_active_lists all;           /* the lists and their versions (id 0 for a file) */
} cli_lists;

/*
 * Reads the files given (--list FILE...) or, when there are none, the active versions in the
 * store at store_url (NULL: the default store). Reports on stderr and returns CLI_FAIL when a
 * file does not read or there is no list at all.
 */
int cli_lists_load(cli_lists *ll, char **files, size_t n_files, const char *store_url);
void cli_lists_free(cli_lists *ll);
/* The list versions of ll for the audit trail (malloc'd, ll->n of them; NULL: no memory). */
em_list_ref *cli_lists_refs(const cli_lists *ll);

/* ---- rescreen_cmd.c ---- */

/* What a re-screening did: customers screened and what became of their alerting matches. */
typedef struct cli_rescreen_tally {
	size_t customers, with_matches, opened, pending, suppressed, confirmed, unchanged;
} cli_rescreen_tally;

/*
 * Re-screens every stored customer against the store's active lists (`embargo rescreen`, and
 * `lists update` / `lists import` when re-screening after an update is on): alerts open only
 * for matches new or changed for the customer. Prints one summary line on stdout ("re-screened
 * N customers ...: K alerts opened ..."); *out (may be NULL) gets the counts. CLI_OK or CLI_FAIL
 * after a message on stderr.
 */
int cli_rescreen(const char *store_url, long threads, const em_screen_params *params,
		 cli_rescreen_tally *out);
/*
 * Whether to re-screen after activating new list versions: `flag` (1 --rescreen, 0
 * --no-rescreen, -1 not given) wins, then $EMBARGO_RESCREEN_AFTER_UPDATE (0/no/off/false or
 * anything else for on), then `setting` (the sources file's rescreen_after_update; -1 unset).
 */
int cli_rescreen_after_update(int flag, int setting);

/* Writes one CSV field, quoted when it has to be. */
void cli_csv_field(FILE *f, const char *s);

/* Output formats of the screening commands. */
typedef enum { CLI_FORMAT_TEXT, CLI_FORMAT_JSON, CLI_FORMAT_JSONL, CLI_FORMAT_CSV } cli_format;

/* The options the screening commands share. */
typedef struct cli_screen_opts {
	char *files[CLI_MAX_LISTS]; /* --list FILE, in order */
	size_t n_files;
	const char *store_url;      /* --store URL, or NULL */
	double threshold;           /* --threshold X, or 0 for the default */
	cli_format format;          /* --format F (default text) */
	long threads;               /* -j N (default: the online processors) */
} cli_screen_opts;

void cli_screen_opts_init(cli_screen_opts *o);
/*
 * When argv[*i] is one of the shared options (--list, --store, --threshold, --format, -j N,
 * -jN or --jobs), takes it and its value, advances *i and returns 1; returns 0 for any other argument,
 * and -1 after a message on stderr (prefixed with `cmd`) when the value is missing or bad.
 */
int cli_screen_option(const char *cmd, int argc, char **argv, int *i, cli_screen_opts *o);

#endif
