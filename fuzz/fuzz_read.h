/*
 * fuzz_read.h: the body shared by the list reader fuzz targets: read the input as one forced
 * format, and when it is accepted, turn every entity into JSON so that each pointer the
 * reader handed out is followed.
 */
#ifndef EMBARGO_FUZZ_READ_H
#define EMBARGO_FUZZ_READ_H

#include <stdint.h>
#include <stdlib.h>

#include "embargo/em_lists.h"

static void fuzz_read(const uint8_t *data, size_t size, const char *format)
{
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = format;
	em_list *l = NULL;
	if (em_list_read_memory(&l, "fuzz", data, size, &o) == 0) {
		for (size_t i = 0; i < em_list_count(l); i++)
			free(em_entity_to_json(em_list_entity(l, i)));
	}
	em_list_free(l);
}

#endif
