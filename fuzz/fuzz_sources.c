/*
 * fuzz_sources.c: the download sources parser (src/update/sources.c) on arbitrary bytes. It
 * must accept or refuse without crashing, and whatever it accepts must hold only plain file
 * names and http(s) addresses, since those become paths in the download folder and requests.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_update.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	em_sources *s;
	if (em_sources_parse(&s, "fuzz.conf", (const char *)data, size) != 0)
		return 0;
	for (size_t i = 0; i < em_sources_count(s); i++) {
		const em_source *src = em_sources_get(s, i);
		if (!src->n_files || em_sources_find(s, src->name) != src)
			abort();
		for (size_t k = 0; k < src->n_files; k++) {
			const em_source_file *f = &src->files[k];
			if (strchr(f->name, '/') || f->name[0] == '.' || !*f->name)
				abort();
			char scheme[9] = "";
			for (size_t j = 0; j < 8 && f->url[j]; j++)
				scheme[j] = (char)tolower((unsigned char)f->url[j]);
			if (strncmp(scheme, "http://", 7) != 0 && strncmp(scheme, "https://", 8) != 0)
				abort();
			for (const char *u = f->url; *u; u++)
				if ((unsigned char)*u <= ' ')
					abort();
		}
	}
	em_sources_free(s);
	return 0;
}
