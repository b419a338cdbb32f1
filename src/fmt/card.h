/* card.h - a node's card: a small self-signed JSON document naming the node.
 *
 * The card is a JWS in the flattened JSON serialization (RFC 7515 §7.2.2),
 * typ "parley-card", signed by the key it carries.  Its payload:
 *   {"v":1,"name":...,"key":{JWK},"endpoints":[...],"links":[...],
 *    "created_at":...}
 * For people, the printed card also carries a "card" member holding the same
 * payload as plain JSON; card_parse refuses a card whose "card" member
 * differs from the signed payload, so what a person reads is what is signed.
 */
#ifndef PARLEY_CARD_H
#define PARLEY_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ident.h"

#define CARD_NAME_MAX 63
#define CARD_ENDPOINT_MAX 255
#define CARD_MAX_ENDPOINTS 4
#define CARD_MAX_BYTES 16384
#define CARD_ORIGIN_MAX (sizeof "parley/" + CARD_NAME_MAX + IDENT_KID_LEN)
/* A list of endpoints as text: the URLs in order, joined by single spaces
 * (how a pin keeps them, store_peer.h), with its NUL. */
#define CARD_ENDPOINTS_TEXT_MAX (CARD_MAX_ENDPOINTS * (CARD_ENDPOINT_MAX + 1))

struct card {
	char name[CARD_NAME_MAX + 1];
	uint8_t pk[IDENT_PK_LEN];
	char kid[IDENT_KID_LEN];
	char endpoints[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	size_t n_endpoints;
	char created_at[32];
	char origin[CARD_ORIGIN_MAX];	/* card_origin(name, kid) */
};

/* card_make - sign a card for id; endpoints are "https://host:port" URLs. */
status card_make(const struct ident *id, const char *name,
    const char *const *endpoints, size_t n_endpoints, const char *created_at,
    struct buf *out) WUR;
/* card_parse - parse and verify text[0..n) (self-signature, fields).
 * ST_PARSE / ST_INVALID name the problem; ST_BADSIG when the signature fails. */
status card_parse(const char *text, size_t n, struct card *out) WUR;
/* card_name_ok - 1 when s is a valid node name: [a-z0-9][a-z0-9._-]{0,62}. */
int card_name_ok(const char *s);
/* card_origin - the node's log origin, also the key name of its signed
 * notes and cosignatures: "parley/NAME/KID" (unique to the key). */
void card_origin(const char *name, const char *kid, char out[static CARD_ORIGIN_MAX]);
/* card_endpoint_parse - split "https://HOST:PORT" into host and port. */
status card_endpoint_parse(const char *url, char *host, size_t hostcap, int *port) WUR;
/* card_endpoints_join - eps[0..n) as one text, joined by single spaces
 * (a URL never holds a space: card_endpoint_parse).  ST_INVALID when n is
 * 0 or over CARD_MAX_ENDPOINTS or a URL is not an endpoint. */
status card_endpoints_join(const char *const *eps, size_t n,
    char out[static CARD_ENDPOINTS_TEXT_MAX]) WUR;
/* card_endpoints_split - the reverse: 1 to CARD_MAX_ENDPOINTS endpoints
 * separated by spaces (runs of them, and spaces around, are allowed) into
 * eps, *n of them.  ST_INVALID (nothing promised of eps) for an empty
 * text, too many, or a URL that is not an endpoint. */
status card_endpoints_split(const char *text,
    char eps[static CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1], size_t *n) WUR;

#endif
