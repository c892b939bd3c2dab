/*
 * cli.h: the embargo command-line tool. main.c dispatches the first word to a command
 * function; each command lives in its own file and uses only the public API.
 */
#ifndef EMBARGO_CLI_H
#define EMBARGO_CLI_H

#include <stdio.h>

#include "embargo/em_store.h"

/* Exit codes shared by every command. */
enum {
	CLI_OK = 0,       /* success (for screening: no match) */
	CLI_FAIL = 1,     /* the operation failed */
	CLI_USAGE = 2,    /* bad command line */
};

int cmd_lists(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_ais(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_rescreen(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
/* `lists update` (lists_update.c); argv[0] is "update", --store was taken out by cmd_lists. */
int cmd_lists_update(const char *store_url, int argc, char **argv);

/*
 * The lists to screen against: the given files, or else the active versions in the store at
 * `store_url` (NULL: the default store). Reports failures (and an empty store) on stderr and
 * returns CLI_FAIL.
 */
int cli_load_lists(em_active_lists *out, const char *const *files, size_t n_files,
		   const char *store_url);

/* Prints "embargo: <message of em_error_last()>" to stderr and returns CLI_FAIL. */
int cli_report_error(const char *what);

#endif
