/*
 * fuzz_ofac.c: libFuzzer target for the OFAC CSV reader and its remarks parser. The input is
 * read as an "ofac-csv" list from memory (no companion files); when it is accepted, every
 * entity is turned into JSON so that each parsed field is touched. Format detection runs on
 * the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "embargo/em_lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "ofac-csv";
	em_list *l = NULL;
	if (em_list_read_memory(&l, "fuzz.csv", data, size, &o) == 0) {
		for (size_t i = 0; i < em_list_count(l); i++)
			free(em_entity_to_json(em_list_entity(l, i)));
	}
	em_list_free(l);
	(void)em_list_detect_format(data, size);
	return 0;
}
