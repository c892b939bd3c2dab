/*
 * list_fuzz.h: the body shared by the list-reader fuzz targets. The input is read as a list of
 * one forced format (so the reader itself, not only detection, sees every input); a list that
 * reads is also rendered to JSON so every stored field is touched. Sanitizers report crashes,
 * undefined behaviour and leaks.
 */
#ifndef EMBARGO_FUZZ_LIST_FUZZ_H
#define EMBARGO_FUZZ_LIST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "embargo/em_lists.h"

static inline int fuzz_list_format(const uint8_t *data, size_t size, const char *format)
{
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = format;
	em_list *l;
	if (em_list_read_memory(&l, "fuzz.xml", data, size, &o) == 0) {
		for (size_t i = 0; i < em_list_count(l); i++)
			free(em_entity_to_json(em_list_entity(l, i)));
		em_list_free(l);
	}
	(void)em_list_detect_format(data, size);
	return 0;
}

#endif
