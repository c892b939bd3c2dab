/* fuzz_un_xml.c: libFuzzer target for the UN XML list reader (format "un-xml"). */
#include "list_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_list_format(data, size, "un-xml");
}
