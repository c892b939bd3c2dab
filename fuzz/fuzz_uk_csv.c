/* Fuzz target: the UK OFSI consolidated list CSV reader (rows grouped by Group ID). */
#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, "uk-csv");
	return 0;
}
