/* Fuzz target: the BIS Denied Persons List reader (tab-separated, quoted). */
#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, "bis-dpl");
	return 0;
}
