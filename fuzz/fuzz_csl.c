/* Fuzz target: the US Consolidated Screening List readers, CSV and JSON, on the same bytes. */
#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, "csl-csv");
	fuzz_read(data, size, "csl-json");
	em_list_detect_format(data, size);
	return 0;
}
