/*
 * ais_cmd.c: `embargo ais decode`: decodes AIS inputs (NMEA sentences with their receive times,
 * or CSV position exports) and prints one record per message in input order, as gpsd-style JSON
 * lines or CSV, with a summary of what was skipped and why on standard error. `embargo ais
 * scenario` writes the synthetic Caspian test scenario and its ground truth (em_ais_gen.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "embargo/em_ais.h"
#include "embargo/em_ais_gen.h"

static void ais_usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  embargo ais decode [--format jsonl|csv] [--quiet] [--errors] FILE...|-\n"
		"      decode AIS: NMEA !AIVDM/!AIVDO sentences (any talker; receive times from NMEA\n"
		"      4.10 tag blocks, the USCG suffix or Gatehouse $PGHP lines) or CSV position\n"
		"      exports (MarineCadastre, Danish Maritime Authority); one record per message in\n"
		"      input order, fields named and scaled as gpsd's JSON. Skipped lines are counted\n"
		"      by reason on standard error (--quiet: no summary; --errors: each one).\n"
		"  embargo ais scenario [--seed N] [--background N] [--vessels N [--hours H]]\n"
		"                       [--out FILE] [--truth FILE]\n"
		"      write the synthetic Caspian scenario (NMEA with tag-block times; the same\n"
		"      seed gives the same bytes) and its expected events as JSON lines (--truth);\n"
		"      --vessels N: N normal vessels for H hours (default 24), no incidents.\n");
}

typedef struct decode_ctx {
	int csv;
	FILE *out;
	char buf[EM_AIS_RECORD_MAX];
} decode_ctx;

static int print_msg(void *ctx, const em_ais_msg *m)
{
	decode_ctx *c = ctx;
	int n = c->csv ? em_ais_msg_csv(m, c->buf, sizeof c->buf)
		       : em_ais_msg_json(m, c->buf, sizeof c->buf);
	if (n < 0)
		return n;
	c->buf[n] = '\n';
	if (fwrite(c->buf, 1, (size_t)n + 1, c->out) != (size_t)n + 1)
		return -1;
	return 0;
}

static void print_skip(void *ctx, const char *input, size_t line, int reason)
{
	(void)ctx;
	fprintf(stderr, "%s:%zu: skipped: %s\n", input, line, em_ais_skip_name(reason));
}

static int ais_decode(int argc, char **argv)
{
	decode_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		fprintf(stderr, "embargo ais: out of memory\n");
		return CLI_FAIL;
	}
	c->out = stdout;
	int quiet = 0, errors = 0, first = argc, rc = CLI_OK;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (!strcmp(f, "csv"))
				c->csv = 1;
			else if (strcmp(f, "jsonl") && strcmp(f, "json")) {
				fprintf(stderr, "embargo ais: unknown format '%s' (jsonl or csv)\n", f);
				free(c);
				return CLI_USAGE;
			}
		} else if (!strcmp(argv[i], "--quiet")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "--errors")) {
			errors = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "embargo ais: unknown option '%s' (see 'embargo ais --help')\n",
				argv[i]);
			free(c);
			return CLI_USAGE;
		} else {
			first = i;
			break;
		}
	}
	if (first >= argc) {
		fprintf(stderr, "embargo ais decode: no input (a FILE or - for standard input)\n");
		free(c);
		return CLI_USAGE;
	}
	em_ais_options opts = EM_AIS_OPTIONS_INIT;
	if (errors)
		opts.on_skip = print_skip;
	em_ais_decoder *d;
	if (em_ais_decoder_new(&d, &opts) != 0) {
		free(c);
		return cli_report_error("ais decode");
	}
	if (c->csv)
		printf("%s\n", em_ais_csv_header());
	for (int i = first; i < argc && rc == CLI_OK; i++) {
		if (em_ais_decode_file(d, argv[i], print_msg, c) != 0)
			rc = cli_report_error("ais decode");
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "embargo ais decode: cannot write the output\n");
		rc = CLI_FAIL;
	}
	if (!quiet) {
		em_ais_stats st;
		em_ais_decoder_stats(d, &st);
		fprintf(stderr, "ais decode: %llu lines, %llu sentences, %llu messages",
			(unsigned long long)st.lines, (unsigned long long)st.sentences,
			(unsigned long long)st.messages);
		for (int r = 0; r < EM_AIS_SKIP_COUNT; r++)
			if (st.skipped[r])
				fprintf(stderr, ", %llu %s", (unsigned long long)st.skipped[r],
					em_ais_skip_name(r));
		fprintf(stderr, "\n");
	}
	em_ais_decoder_free(d);
	free(c);
	return rc;
}

static int ais_scenario(int argc, char **argv)
{
	em_ais_scenario_options o = EM_AIS_SCENARIO_OPTIONS_INIT;
	const char *out = "-", *truth = NULL;
	for (int i = 1; i < argc; i += 2) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
			fprintf(stderr, "embargo ais scenario: '%s' wants a value (see 'embargo ais "
				"--help')\n", argv[i]);
			return CLI_USAGE;
		}
		const char *name = argv[i] + 2, *value = argv[i + 1];
		if (!strcmp(name, "out"))
			out = value;
		else if (!strcmp(name, "truth"))
			truth = value;
		else if (em_ais_scenario_set(&o, name, value) != 0) {
			fprintf(stderr, "embargo %s\n", em_error_last()->message);
			return CLI_USAGE;
		}
	}
	em_ais_scenario_stats st;
	int rc = em_ais_scenario_write(&o, out, truth, &st);
	if (rc != 0) {
		cli_report_error("ais scenario");
		return rc == EM_EINVAL ? CLI_USAGE : CLI_FAIL;
	}
	fprintf(stderr, "ais scenario: %llu vessels, %.1f vessel-hours, %llu messages, %llu "
		"sentences, %llu bytes, %llu events\n", (unsigned long long)st.vessels,
		st.vessel_hours, (unsigned long long)st.messages, (unsigned long long)st.sentences,
		(unsigned long long)st.bytes, (unsigned long long)st.events);
	return CLI_OK;
}

int cmd_ais(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		ais_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (!strcmp(argv[1], "decode"))
		return ais_decode(argc - 1, argv + 1);
	if (!strcmp(argv[1], "scenario"))
		return ais_scenario(argc - 1, argv + 1);
	fprintf(stderr, "embargo ais: unknown subcommand '%s' (see 'embargo ais --help')\n", argv[1]);
	return CLI_USAGE;
}
