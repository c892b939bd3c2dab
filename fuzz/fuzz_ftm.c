/* Fuzz target: the OpenSanctions FollowTheMoney JSON lines reader (flat and nested shapes). */
#include "fuzz_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, "ftm-json");
	return 0;
}
