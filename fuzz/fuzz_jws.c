/* fuzz_jws.c - compact and flattened JWS parsing and verification, and
 * the packed form the store keeps: what packs unpacks to the same bytes. */
#include <stdlib.h>
#include <string.h>

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
	/* the input as a JWS to pack, and as a packed JWS to unpack */
	buf_reset(&payload);
	buf_reset(&compact);
	if (jws_pack((const char *)data, size, &payload) == ST_OK &&
	    (jws_unpack(payload.p, payload.len, &compact) != ST_OK || compact.len != size ||
	    memcmp(compact.p, data, size) != 0))
		abort();
	if (jws_unpack(data, size, &compact) == ST_OK &&
	    jws_pack(compact.p, compact.len, &payload) == ST_OK &&
	    (payload.len != size || memcmp(payload.p, data, size) != 0))
		abort();
	buf_free(&payload);
	buf_free(&compact);
	return 0;
}
