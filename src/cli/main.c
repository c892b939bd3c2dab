/*
 * main.c: entry point of the `embargo` command: dispatches to the command named by the first
 * argument.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "embargo/em_common.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{"lists", cmd_lists, "read, import, compare and update sanctions lists"},
	{"screen", cmd_screen, "screen names (one, or a batch) against the lists"},
	{"goods", cmd_goods, "screen order lines: high-priority goods, weapon parts, destinations, red flags"},
	{"ais", cmd_ais, "decode AIS messages; write the synthetic AIS test scenario"},
	{"serve", cmd_serve, "run the HTTP API and the analysts' web page"},
	{"keys", cmd_keys, "add, list and revoke the server's API keys"},
	{"alerts", cmd_alerts, "the alert queue, and analysts' decisions"},
	{"rescreen", cmd_rescreen, "re-screen stored customers after a list update"},
	{"audit", cmd_audit, "export the audit trail of screenings"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: embargo COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-10s %s\n", "version", "print the version");
	fprintf(f, "\n`embargo COMMAND --help` describes each command.\n");
}

int cli_report_error(const char *what)
{
	const em_error *e = em_error_last();
	if (what)
		fprintf(stderr, "embargo: %s: %s\n", what, e->message);
	else
		fprintf(stderr, "embargo: %s\n", e->message);
	return CLI_FAIL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("embargo %s\n", EM_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "embargo: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
