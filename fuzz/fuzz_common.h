/* fuzz_common.h - one fixed key pair for the fuzz targets, so that seeds
 * signed with it reach the code behind signature checks; and identities
 * and cards of fixed keys for the targets that verify against cards. */
#ifndef PARLEY_FUZZ_COMMON_H
#define PARLEY_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/ident.h"
#include "fmt/card.h"
#include "util/b64.h"

static uint8_t fuzz_pk[IDENT_PK_LEN], fuzz_sk[64];
static char fuzz_kid[IDENT_KID_LEN];

static void
fuzz_init(void)
{
	static int done;
	uint8_t seed[32];

	if (done)
		return;
	if (sodium_init() < 0)
		abort();
	memset(seed, 7, sizeof seed);
	crypto_sign_seed_keypair(fuzz_pk, fuzz_sk, seed);
	ident_thumbprint(fuzz_pk, fuzz_kid);
	done = 1;
}

/* fuzz_ident - an identity with the key of seed (PKCS#8 PEM in a temp file,
 * as ident_load reads keys). */
static inline struct ident *
fuzz_ident(uint8_t fill)
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	char path[] = "/tmp/fuzz_ident.XXXXXX";
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

/* fuzz_card - the card of fuzz_ident(fill) named name, made and parsed
 * (fill 7 is fuzz_pk's key). */
static inline void
fuzz_card(struct card *c, const char *name, uint8_t fill)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct ident *id = fuzz_ident(fill);
	struct buf text;

	buf_init(&text, CARD_MAX_BYTES);
	if (card_make(id, name, eps, 1, "2026-11-01T09:00:00.000Z", &text) != ST_OK ||
	    card_parse(text.p, text.len, c) != ST_OK)
		abort();
	buf_free(&text);
	ident_free(id);
}

#endif
