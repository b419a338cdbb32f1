/* fuzz_text.c - the small text parsers: base64, times, endpoints, listen
 * addresses, fingerprints. */
#include "b64.h"
#include "card.h"
#include "config.h"
#include "fuzz_common.h"
#include "stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[512];
	char host[CARD_ENDPOINT_MAX + 1];
	struct config c;
	size_t n;
	int64_t ms;
	int port;
	char *s;

	fuzz_init();
	(void)b64_url_decode((const char *)data, size, out, sizeof out, &n);
	(void)b64_std_decode((const char *)data, size, out, sizeof out, &n);
	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)stamp_parse(s, &ms);
	(void)stamp_is_uuid(s);
	(void)card_endpoint_parse(s, host, sizeof host, &port);
	(void)config_listen_parse(s, &c);
	(void)ident_fingerprint_match(fuzz_pk, s);
	free(s);
	return 0;
}
