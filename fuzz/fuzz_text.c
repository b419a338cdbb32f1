/* fuzz_text.c - the small text parsers: base64, times, endpoints, listen
 * addresses, fingerprints.  Besides memory safety it checks two promises:
 * base64 that decodes is canonical (it re-encodes to the same text), and a
 * time that parses formats back to itself. */
#include "util/b64.h"
#include "fmt/card.h"
#include "node/config.h"
#include "fuzz_common.h"
#include "util/stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same_b64 - abort unless out[0..n), encoded again, is exactly in[0..len). */
static void
same_b64(const uint8_t *in, size_t len, const uint8_t *out, size_t n,
    status (*encode)(struct buf *, const uint8_t *, size_t))
{
	struct buf b;

	buf_init(&b, 1024);
	if (encode(&b, out, n) != ST_OK || b.len != len || memcmp(b.p, in, len) != 0)
		abort();
	buf_free(&b);
}

/* same_time - abort unless ms formats back to s (".000" added when absent). */
static void
same_time(const char *s, int64_t ms)
{
	char t[STAMP_TIME_LEN];
	size_t n = strlen(s);

	stamp_format(ms, t);
	if (n == STAMP_TIME_LEN - 1 ? strcmp(s, t) != 0 :
	    n != 20 || memcmp(s, t, 19) != 0 || strcmp(t + 19, ".000Z") != 0)
		abort();
}

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
	if (b64_url_decode((const char *)data, size, out, sizeof out, &n) == ST_OK)
		same_b64(data, size, out, n, b64_url_encode);
	if (b64_std_decode((const char *)data, size, out, sizeof out, &n) == ST_OK)
		same_b64(data, size, out, n, b64_std_encode);
	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (stamp_parse(s, &ms) == ST_OK)
		same_time(s, ms);
	(void)stamp_is_uuid(s);
	(void)card_endpoint_parse(s, host, sizeof host, &port);
	(void)config_listen_parse(s, &c);
	(void)ident_fingerprint_match(fuzz_pk, s);
	free(s);
	return 0;
}
