/* fuzz_card.c - cards as `parley peer add` reads them, and a pin's list of
 * endpoints as the daemon reads it back (card_endpoints_split): what
 * splits joins again, and the join splits to the same URLs. */
#include "fmt/card.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
endpoints(const uint8_t *data, size_t size)
{
	char text[CARD_ENDPOINTS_TEXT_MAX * 2], joined[CARD_ENDPOINTS_TEXT_MAX];
	char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	char again[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	const char *ptr[CARD_MAX_ENDPOINTS];
	size_t n, m;

	if (size >= sizeof text || memchr(data, '\0', size))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (card_endpoints_split(text, eps, &n) != ST_OK)
		return;
	if (n < 1 || n > CARD_MAX_ENDPOINTS)
		abort();
	for (size_t i = 0; i < n; i++)
		ptr[i] = eps[i];
	if (card_endpoints_join(ptr, n, joined) != ST_OK ||
	    card_endpoints_split(joined, again, &m) != ST_OK || m != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(eps[i], again[i]) != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct card c;

	fuzz_init();
	(void)card_parse((const char *)data, size, &c);
	endpoints(data, size);
	return 0;
}
