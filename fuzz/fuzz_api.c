/* fuzz_api.c - local API request lines as parleyd reads them. */
#include "api/api.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_request req;
	const char *why;

	fuzz_init();
	(void)api_request_parse((const char *)data, size, &req, &why);
	api_request_clear(&req);
	return 0;
}
