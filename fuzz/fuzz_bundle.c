/* fuzz_bundle.c - evidence bundles as `parley evidence verify` reads them,
 * against two fixed parties: "alpha" with the fuzz key (seed 7s) and
 * "bravo" with a second key (seed 8s), their cards made and parsed once, so
 * that seeds signed by them reach the proof checks.  A bundle that verifies
 * must also describe, and its report must point into the cards passed. */
#include <stdio.h>
#include <unistd.h>

#include "util/b64.h"
#include "fmt/evidence.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card cards[2];

/* ident_of - an identity with the key of seed (PKCS#8 PEM in a temp file,
 * as ident_load reads keys). */
static struct ident *
ident_of(uint8_t fill)
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	char path[] = "/tmp/fuzz_bundle.XXXXXX";
	struct ident *id = NULL;
	uint8_t der[48];
	struct buf pem;
	int fd;

	memcpy(der, prefix, sizeof prefix);
	memset(der + sizeof prefix, fill, 32);
	buf_init(&pem, 256);
	if (buf_adds(&pem, "-----BEGIN PRIVATE KEY-----\n") ||
	    b64_std_encode(&pem, der, sizeof der) ||
	    buf_adds(&pem, "\n-----END PRIVATE KEY-----\n"))
		abort();
	fd = mkstemp(path);	/* mode 0600 */
	if (fd < 0 || write(fd, pem.p, pem.len) != (ssize_t)pem.len || close(fd) != 0 ||
	    ident_load(path, &id) != ST_OK)
		abort();
	unlink(path);
	buf_free(&pem);
	return id;
}

static void
party(struct card *c, const char *name, uint8_t fill)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct ident *id = ident_of(fill);
	struct buf text;

	buf_init(&text, CARD_MAX_BYTES);
	if (card_make(id, name, eps, 1, "2026-11-01T09:00:00.000Z", &text) != ST_OK ||
	    card_parse(text.p, text.len, c) != ST_OK)
		abort();
	buf_free(&text);
	ident_free(id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evidence_report r;
	const char *why = NULL;
	status rc;

	fuzz_init();
	if (!cards[0].name[0]) {
		party(&cards[0], "alpha", 7);	/* fuzz_common.h's key */
		party(&cards[1], "bravo", 8);
		if (memcmp(cards[0].pk, fuzz_pk, IDENT_PK_LEN) != 0)
			abort();
	}
	rc = evidence_verify((const char *)data, size, cards, &r, &why);
	if (rc == ST_OK) {
		struct buf out;

		if (why || !r.sender || !r.receiver || r.sender == r.receiver ||
		    (r.sender != &cards[0] && r.sender != &cards[1]) ||
		    (r.receiver != &cards[0] && r.receiver != &cards[1]) ||
		    r.msg_log.index >= r.msg_log.size || r.rcpt_log.index >= r.rcpt_log.size)
			abort();
		buf_init(&out, 1u << 20);
		if (evidence_describe(&r, &out) != ST_OK)
			abort();
		buf_free(&out);
	} else if (!why)
		abort();
	evidence_report_clear(&r);
	return 0;
}
