/* fuzz_eu_xml.c: libFuzzer target for the EU XML list reader (format "eu-xml"). */
#include "list_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_list_format(data, size, "eu-xml");
}
