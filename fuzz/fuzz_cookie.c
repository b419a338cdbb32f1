/* fuzz_cookie.c - cookie_get on any header: no crash, and a value found
 * is made only of cookie octets and fits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/cookie.h"
#include "fuzz_common.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1), out[64];

	fuzz_init();
	if (!h)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	if (cookie_get(h, "parley_session", out, sizeof out) == ST_OK) {
		size_t n = strlen(out);

		if (n >= sizeof out)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] <= 0x20 || out[i] == ';' || out[i] == '"')
				abort();
	}
	free(h);
	return 0;
}
