/*
 * ais_scenario.c: the program ais-scenario, which writes the synthetic Caspian AIS scenario of
 * em_ais_gen.h (the same as `embargo ais scenario`): NMEA sentences with tag-block times, the
 * ground truth as JSON lines, and the counts on standard error. Uses only the public API.
 *
 * usage: ais-scenario [--seed N] [--background N] [--vessels N [--hours H]] [--out FILE]
 *                     [--truth FILE]
 */
#include <stdio.h>
#include <string.h>

#include "embargo/em_ais_gen.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ais-scenario [--seed N] [--background N] [--vessels N [--hours H]]\n"
		   "                    [--out FILE] [--truth FILE]\n"
		   "  writes the synthetic Caspian scenario (docs/ais.md, \"Synthetic scenario\")\n"
		   "  to FILE (default: standard output) and its expected events to --truth;\n"
		   "  --vessels N: N normal vessels for H hours (default 24) and no incidents.\n");
}

int main(int argc, char **argv)
{
	em_ais_scenario_options o = EM_AIS_SCENARIO_OPTIONS_INIT;
	const char *out = "-", *truth = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		const char *name = argv[i] + 2, *value = argv[++i];
		if (!strcmp(name, "out"))
			out = value;
		else if (!strcmp(name, "truth"))
			truth = value;
		else if (em_ais_scenario_set(&o, name, value) != 0) {
			fprintf(stderr, "ais-scenario: %s\n", em_error_last()->message);
			return 2;
		}
	}
	em_ais_scenario_stats st;
	if (em_ais_scenario_write(&o, out, truth, &st) != 0) {
		fprintf(stderr, "ais-scenario: %s\n", em_error_last()->message);
		return 1;
	}
	fprintf(stderr, "ais-scenario: %llu vessels, %.1f vessel-hours, %llu messages, %llu "
		"sentences, %llu bytes, %llu events\n", (unsigned long long)st.vessels,
		st.vessel_hours, (unsigned long long)st.messages, (unsigned long long)st.sentences,
		(unsigned long long)st.bytes, (unsigned long long)st.events);
	return 0;
}
