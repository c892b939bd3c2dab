/*
 * serve_cmd.c: `embargo serve`: reads the config file, then the flags (which win), and runs
 * the HTTP server (src/server). Every config-file setting is also a flag: `max_body = 2m` in
 * the file is `--max-body 2m` on the command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "embargo/em_screen.h"
#include "server/server.h"

static void serve_usage(FILE *f)
{
	fprintf(f,
		"usage: embargo serve [--listen ADDR:PORT] [--config FILE] [--list FILE]... [options]\n"
		"Screens parties over HTTP (docs/api.md); logs JSON lines on stderr. SIGHUP reloads the\n"
		"lists and the API keys; SIGINT or SIGTERM stop the server after the requests in flight.\n"
		"options (each is also a config-file setting, with _ for -):\n"
		"  --listen ADDR:PORT     where to listen (default 127.0.0.1:8080; port 0: any free port)\n"
		"  --config FILE          read settings from FILE (key = value lines) before the flags\n"
		"  --store URL            the store: lists, keys, audit trail, alerts (default: $EMBARGO_STORE\n"
		"                         or $EMBARGO_HOME)\n"
		"  --list FILE            serve this list file instead of the store's active lists (repeatable)\n"
		"  --threads N            worker threads (default: one per core)\n"
		"  --batch-threads N      threads screening one batch of more than 64 queries, its own\n"
		"                         included, shared by all batches (default: one per core; 1: none)\n"
		"  --max-body BYTES       largest request body (default 1m; k and m suffixes)\n"
		"  --max-depth N          deepest JSON nesting (default 32)\n"
		"  --max-batch N          most queries in one batch (default 1000)\n"
		"  --max-connections N    open connections at most (default 1024)\n"
		"  --rate-limit R         requests a second per API key (default 0: no limit)\n"
		"  --rate-burst B         requests a key may make at once (default 2 x rate)\n"
		"  --threshold X          default screening threshold (default %.2f)\n"
		"  --alert-threshold X    matches at or above X open alerts (default %.2f)\n"
		"  --limit N              default matches per query (default 10)\n"
		"  --node NAME            this node's name in the audit trail (default: the host name)\n"
		"  --access-log on|off    one log line per request (default on)\n"
		"  --keys-refresh S       seconds between re-reading the API keys (default 5)\n"
		"  --reload-poll S        seconds between checks for newly activated lists (default 0: never)\n"
		"  --web-root DIR         serve the web page from DIR instead of the built-in copy\n"
		"  --audit-fsync on|off   on: each audit commit reaches the disk before its responses go out;\n"
		"                         off: commits survive a crash of the server, not of the machine,\n"
		"                         with far fewer disk flushes (default on)\n",
		EM_SCREEN_DEFAULT_THRESHOLD, EM_SCREEN_DEFAULT_THRESHOLD);
}

int cmd_serve(int argc, char **argv)
{
	em_server_config cfg;
	em_server_config_init(&cfg);
	char err[1024];
	/* the config file first, wherever --config is, so that flags override it */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			serve_usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "embargo serve: --config needs a file\n");
				return CLI_USAGE;
			}
			if (em_server_config_read(&cfg, argv[i + 1], err, sizeof err)) {
				fprintf(stderr, "embargo serve: %s\n", err);
				em_server_config_free(&cfg);
				return CLI_USAGE;
			}
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || !a[2]) {
			fprintf(stderr, "embargo serve: unexpected argument '%s'\n", a);
			serve_usage(stderr);
			em_server_config_free(&cfg);
			return CLI_USAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "embargo serve: %s needs a value\n", a);
			em_server_config_free(&cfg);
			return CLI_USAGE;
		}
		const char *v = argv[++i];
		if (!strcmp(a, "--config"))
			continue;
		char key[64];
		snprintf(key, sizeof key, "%s", a + 2);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		if (em_server_config_set(&cfg, key, v, err, sizeof err)) {
			fprintf(stderr, "embargo serve: --%s\n", err);
			em_server_config_free(&cfg);
			return CLI_USAGE;
		}
	}
	int rc = em_server_run(&cfg);
	em_server_config_free(&cfg);
	return rc ? CLI_FAIL : CLI_OK;
}
