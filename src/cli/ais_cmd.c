/*
 * ais_cmd.c: `embargo ais decode`: decodes AIS inputs (NMEA sentences with their receive times,
 * or CSV position exports) and prints one record per message in input order, as gpsd-style JSON
 * lines or CSV, with a summary of what was skipped and why on standard error. `embargo ais
 * analyze`: the same inputs made into tracks and events (gaps, port calls, transits, encounters,
 * loitering, identity changes, spoofing, listed vessels) as JSON lines, GeoJSON or one HTML page.
 * `embargo ais scenario` writes the synthetic Caspian test scenario and its ground truth
 * (em_ais_gen.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "embargo/em_ais.h"
#include "embargo/em_ais_analyze.h"
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
		"  embargo ais analyze [--format jsonl|geojson|html] [--config FILE] [--ports FILE]...\n"
		"                      [--list FILE]... [--store URL] [--screen] [--threshold X]\n"
		"                      [--KEY VALUE]... [-o FILE] [--quiet] FILE...|-\n"
		"      tracks per MMSI and events: gap, port_call, transit, encounter, loitering,\n"
		"      identity_change, spoofing, listed_vessel. jsonl: one event per line; geojson:\n"
		"      tracks, events and ports as features; html: one self-contained page with a map.\n"
		"      --config FILE: thresholds as `key = value` lines (see data/ais/thresholds.conf);\n"
		"      --KEY VALUE sets one of them (--gap-hours 6, --encounter-distance-m 300).\n"
		"      --ports FILE adds or overrides ports (name, country, lat, lon, entry_km, exit_km).\n"
		"      Vessels are screened when --list, --store or --screen (the default store) is given.\n"
		"      Messages without a receive time are counted, not analysed.\n"
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
	int quiet = 0, errors = 0, rc = CLI_OK;
	/* Options may come before or after the inputs (`ais decode FILE --format csv`). */
	const char **inputs = calloc((size_t)argc, sizeof *inputs);
	size_t n_inputs = 0;
	if (!inputs) {
		free(c);
		fprintf(stderr, "embargo ais: out of memory\n");
		return CLI_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (!strcmp(f, "csv"))
				c->csv = 1;
			else if (strcmp(f, "jsonl") && strcmp(f, "json")) {
				fprintf(stderr, "embargo ais: unknown format '%s' (jsonl or csv)\n", f);
				free(inputs);
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
			free(inputs);
			free(c);
			return CLI_USAGE;
		} else {
			inputs[n_inputs++] = argv[i];
		}
	}
	if (n_inputs == 0) {
		fprintf(stderr, "embargo ais decode: no input (a FILE or - for standard input)\n");
		free(inputs);
		free(c);
		return CLI_USAGE;
	}
	em_ais_options opts = EM_AIS_OPTIONS_INIT;
	if (errors)
		opts.on_skip = print_skip;
	em_ais_decoder *d;
	if (em_ais_decoder_new(&d, &opts) != 0) {
		free(inputs);
		free(c);
		return cli_report_error("ais decode");
	}
	if (c->csv)
		printf("%s\n", em_ais_csv_header());
	for (size_t i = 0; i < n_inputs && rc == CLI_OK; i++) {
		if (em_ais_decode_file(d, inputs[i], print_msg, c) != 0)
			rc = cli_report_error("ais decode");
	}
	free(inputs);
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

/* ---- analyze ---- */

typedef struct analyze_opts {
	em_ais_format format;
	const char *config, *output;
	const char *ports[CLI_MAX_LISTS];
	size_t n_ports;
	const char *keys[64], *values[64]; /* --KEY VALUE, applied after --config */
	size_t n_keys;
	bool screen, quiet;
	cli_screen_opts so;
	const char **inputs; /* the FILE arguments, wherever they stand among the options */
	size_t n_inputs;
} analyze_opts;

/* Parses the options and collects the inputs (before, after or between options); 0 or -1. */
static int analyze_args(int argc, char **argv, analyze_opts *o)
{
	static char keybuf[64][64];
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == '\0') {
			o->inputs[o->n_inputs++] = a;
			continue;
		}
		if (!strcmp(a, "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (!strcmp(f, "jsonl"))
				o->format = EM_AIS_FORMAT_JSONL;
			else if (!strcmp(f, "geojson"))
				o->format = EM_AIS_FORMAT_GEOJSON;
			else if (!strcmp(f, "html"))
				o->format = EM_AIS_FORMAT_HTML;
			else {
				fprintf(stderr, "embargo ais analyze: unknown format '%s' (jsonl, geojson or html)\n", f);
				return -1;
			}
			continue;
		}
		int r = cli_screen_option("embargo ais analyze", argc, argv, &i, &o->so);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (!strcmp(a, "--list") || !strcmp(a, "--store"))
				o->screen = true;
			continue;
		}
		if (!strcmp(a, "--screen")) {
			o->screen = true;
		} else if (!strcmp(a, "--quiet")) {
			o->quiet = true;
		} else if (i + 1 >= argc) {
			fprintf(stderr, "embargo ais analyze: '%s' needs a value or is unknown\n", a);
			return -1;
		} else if (!strcmp(a, "--config")) {
			o->config = argv[++i];
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			o->output = argv[++i];
		} else if (!strcmp(a, "--ports")) {
			if (o->n_ports == CLI_MAX_LISTS) {
				fprintf(stderr, "embargo ais analyze: at most %d port files\n", CLI_MAX_LISTS);
				return -1;
			}
			o->ports[o->n_ports++] = argv[++i];
		} else if (a[1] == '-' && strlen(a) < sizeof keybuf[0] + 2 && o->n_keys < 64) {
			/* --gap-hours 6 is the configuration key gap_hours */
			char *k = keybuf[o->n_keys];
			size_t n = 0;
			for (const char *p = a + 2; *p; p++)
				k[n++] = *p == '-' ? '_' : *p;
			k[n] = '\0';
			o->keys[o->n_keys] = k;
			o->values[o->n_keys++] = argv[++i];
		} else {
			fprintf(stderr, "embargo ais analyze: unknown option '%s' (see 'embargo ais --help')\n", a);
			return -1;
		}
	}
	return 0;
}

static int ais_analyze(int argc, char **argv)
{
	analyze_opts o;
	memset(&o, 0, sizeof o);
	cli_screen_opts_init(&o.so);
	o.so.format = CLI_FORMAT_JSONL;
	const char *inputs[256];
	o.inputs = argc <= 256 ? inputs : NULL;
	if (!o.inputs) {
		fprintf(stderr, "embargo ais analyze: too many arguments\n");
		return CLI_USAGE;
	}
	if (analyze_args(argc, argv, &o) < 0)
		return CLI_USAGE;
	if (o.n_inputs == 0) {
		fprintf(stderr, "embargo ais analyze: no input (a FILE or - for standard input)\n");
		return CLI_USAGE;
	}
	em_ais_config cfg;
	em_ais_config_default(&cfg);
	if (o.config && em_ais_config_load(&cfg, o.config) != 0)
		return cli_report_error("ais analyze");
	for (size_t k = 0; k < o.n_keys; k++) {
		if (em_ais_config_set(&cfg, o.keys[k], o.values[k], "command line") != 0) {
			cli_report_error("ais analyze");
			return CLI_USAGE;
		}
	}
	em_ais_analysis *an;
	if (em_ais_analysis_new(&an, &cfg) != 0)
		return cli_report_error("ais analyze");
	int rc = CLI_OK;
	for (size_t k = 0; k < o.n_ports && rc == CLI_OK; k++)
		if (em_ais_analysis_ports_load(an, o.ports[k]) != 0)
			rc = cli_report_error("ais analyze");
	em_ais_decoder *d = NULL;
	if (rc == CLI_OK && em_ais_decoder_new(&d, NULL) != 0)
		rc = cli_report_error("ais analyze");
	for (size_t i = 0; i < o.n_inputs && rc == CLI_OK; i++)
		if (em_ais_decode_file(d, o.inputs[i], em_ais_analysis_add_msg, an) != 0)
			rc = cli_report_error("ais analyze");
	cli_lists ll;
	memset(&ll, 0, sizeof ll);
	em_screener *scr = NULL;
	if (rc == CLI_OK && o.screen) {
		rc = cli_lists_load(&ll, o.so.files, o.so.n_files, o.so.store_url);
		if (rc == CLI_OK && em_screener_new(&scr, (const em_list *const *)ll.lists, ll.n) != 0)
			rc = cli_report_error("ais analyze");
	}
	if (rc == CLI_OK && em_ais_analysis_run(an, scr, o.so.threshold) != 0)
		rc = cli_report_error("ais analyze");
	FILE *out = stdout;
	if (rc == CLI_OK && o.output && !(out = fopen(o.output, "w"))) {
		fprintf(stderr, "embargo ais analyze: cannot write '%s'\n", o.output);
		rc = CLI_FAIL;
	}
	if (rc == CLI_OK && em_ais_analysis_write(an, o.format, out) != 0)
		rc = cli_report_error("ais analyze");
	if (out && out != stdout && fclose(out) != 0 && rc == CLI_OK) {
		fprintf(stderr, "embargo ais analyze: cannot write '%s'\n", o.output);
		rc = CLI_FAIL;
	}
	if (rc == CLI_OK && !o.quiet) {
		em_ais_analysis_stats st;
		em_ais_analysis_get_stats(an, &st);
		size_t nv, ne;
		em_ais_analysis_vessels(an, &nv);
		const em_ais_event *ev = em_ais_analysis_events(an, &ne);
		size_t by_kind[EM_AIS_EV_COUNT] = {0};
		for (size_t i = 0; i < ne; i++)
			by_kind[ev[i].kind]++;
		fprintf(stderr, "ais analyze: %llu messages, %llu positions, %zu vessels, %llu without a receive time "
				"(not analysed), %zu events",
			(unsigned long long)st.messages, (unsigned long long)st.positions, nv,
			(unsigned long long)st.no_time, ne);
		for (int k = 0; k < EM_AIS_EV_COUNT; k++)
			if (by_kind[k])
				fprintf(stderr, ", %zu %s", by_kind[k], em_ais_event_name(k));
		fprintf(stderr, "%s\n", o.screen ? "" : "; vessels not screened (no --list, --store or --screen)");
	}
	em_screener_free(scr);
	if (o.screen)
		cli_lists_free(&ll);
	em_ais_decoder_free(d);
	em_ais_analysis_free(an);
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
	if (!strcmp(argv[1], "analyze"))
		return ais_analyze(argc - 1, argv + 1);
	if (!strcmp(argv[1], "scenario"))
		return ais_scenario(argc - 1, argv + 1);
	fprintf(stderr, "embargo ais: unknown subcommand '%s' (see 'embargo ais --help')\n", argv[1]);
	return CLI_USAGE;
}
