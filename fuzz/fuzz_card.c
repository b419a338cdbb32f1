/* fuzz_card.c - cards as `parley peer add` reads them. */
#include "fmt/card.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct card c;

	fuzz_init();
	(void)card_parse((const char *)data, size, &c);
	return 0;
}
