/* fuzz_jws.c - compact and flattened JWS parsing and verification. */
#include "util/buf.h"
#include "fuzz_common.h"
#include "crypto/jws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jws_parts parts;
	struct buf payload, compact;

	fuzz_init();
	buf_init(&payload, 1 << 20);
	buf_init(&compact, 1 << 20);
	(void)jws_split((const char *)data, size, &parts);
	(void)jws_verify((const char *)data, size, fuzz_pk, "parley-message", &payload);
	buf_reset(&payload);
	/* A flattened JWS that converts is then verified as the node would:
	 * against the fixed key, and against card typ so a card seed reaches
	 * the header checks even though its key is another. */
	if (jws_flat_to_compact((const char *)data, size, &compact, &payload) == ST_OK) {
		buf_reset(&payload);
		(void)jws_verify(compact.p, compact.len, fuzz_pk, "parley-message", &payload);
		buf_reset(&payload);
		(void)jws_verify(compact.p, compact.len, fuzz_pk, "parley-card", &payload);
	}
	buf_free(&payload);
	buf_free(&compact);
	return 0;
}
