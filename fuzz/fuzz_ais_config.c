/*
 * fuzz_ais_config.c: libFuzzer target for the two text inputs of the AIS analysis: the
 * thresholds file (`key = value` lines) and the port table (tab-separated, header first). The
 * first byte picks which one reads the rest; ports that load are then used by a small analysis
 * (a few positions near the first port), so odd coordinates and radii reach the port index too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_ais_analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	em_ais_config c;
	em_ais_config_default(&c);
	if (data[0] & 1) {
		if (em_ais_config_parse(&c, text, len, "fuzz.conf") != 0)
			return 0;
		/* a configuration that parsed stays within its documented ranges */
		if (!(c.gap_hours > 0 && c.encounter_distance_m >= 1 && c.port_exit_km >= c.port_entry_km))
			abort();
	}
	em_ais_analysis *a;
	if (em_ais_analysis_new(&a, &c) != 0)
		return 0;
	if (!(data[0] & 1)) {
		if (data[0] & 2)
			em_ais_analysis_ports_clear(a);
		if (em_ais_analysis_ports_parse(a, text, len, "fuzz.tsv") != 0) {
			em_ais_analysis_free(a);
			return 0;
		}
	}
	for (int k = 0; k < 8; k++)
		em_ais_analysis_add_position(a, 273000000u + (uint32_t)(k & 1), 1700000000 + k * 600, 42.98 + k * 0.01,
					     47.51 - k * 0.01, k * 0.5);
	if (em_ais_analysis_run(a, NULL, 0) == 0) {
		size_t n;
		em_ais_analysis_events(a, &n);
	}
	em_ais_analysis_free(a);
	return 0;
}
