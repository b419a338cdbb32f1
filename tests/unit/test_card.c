/* test_card.c - node cards: what card_make signs card_parse accepts, with the
 * same name, key and endpoints; a card edited anywhere (signed payload,
 * readable copy, key, signature) is refused; names and endpoints are strict. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "util/b64.h"
#include "fmt/card.h"
#include "crypto/jws.h"
#include "testkeys.h"

#define CREATED "2026-11-22T10:00:00.000Z"

static struct ident *alice, *bob;
static const char *const two_eps[] = { "https://127.0.0.1:7401", "https://[::1]:7402" };

static void
check_rc(const char *name, status got, status want)
{
	if (got != want)
		fail_msg("%s: got \"%s\", want \"%s\"", name, status_str(got),
		    status_str(want));
}

/* make - alice's card "alpha" with two endpoints, into a fresh buf. */
static void
make(const struct ident *id, struct buf *out)
{
	buf_init(out, CARD_MAX_BYTES);
	assert_int_equal(card_make(id, "alpha", two_eps, 2, CREATED, out), ST_OK);
}

/* parse_json - card_parse of a JSON document (consumed). */
static status
parse_json(json_t *doc, struct card *c)
{
	char *text = json_dumps(doc, JSON_INDENT(2));
	status rc;

	assert_non_null(text);
	rc = card_parse(text, strlen(text), c);
	free(text);
	json_decref(doc);
	return rc;
}

/* payload_of - the signed payload of a card document, decoded. */
static json_t *
payload_of(const json_t *doc)
{
	const char *pay = json_string_value(json_object_get(doc, "payload"));
	struct buf raw;
	json_t *pl;

	assert_non_null(pay);
	buf_init(&raw, CARD_MAX_BYTES);
	assert_int_equal(b64_url_decode_buf(&raw, pay, strlen(pay)), ST_OK);
	pl = json_loadb(raw.p, raw.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(pl);
	buf_free(&raw);
	return pl;
}

/* self_signed - a flattened card over payload text, signed by id with
 * jws_sign (a valid signature), with the readable "card" copy when asked. */
static json_t *
self_signed(const struct ident *id, const char *payload, int with_copy)
{
	struct jws_parts p;
	struct buf jws;
	json_t *doc;

	buf_init(&jws, CARD_MAX_BYTES);
	assert_int_equal(jws_sign(id, "parley-card", payload, strlen(payload), &jws), ST_OK);
	assert_int_equal(jws_split(jws.p, jws.len, &p), ST_OK);
	doc = json_pack("{s:s%,s:s%,s:s%}", "protected", p.hdr, p.hdr_len, "payload", p.pay,
	    p.pay_len, "signature", p.sig, p.sig_len);
	assert_non_null(doc);
	if (with_copy)
		json_object_set_new(doc, "card", json_loads(payload, 0, NULL));
	buf_free(&jws);
	return doc;
}

static void
test_round_trip(void **state)
{
	struct buf b;
	struct card c;
	json_t *doc, *pl;

	(void)state;
	make(alice, &b);
	assert_int_equal(b.p[b.len - 1], '\n');
	assert_int_equal(card_parse(b.p, b.len, &c), ST_OK);
	assert_string_equal(c.name, "alpha");
	assert_memory_equal(c.pk, ident_pk(alice), IDENT_PK_LEN);
	assert_string_equal(c.kid, ident_kid(alice));
	assert_int_equal(c.n_endpoints, 2);
	assert_string_equal(c.endpoints[0], "https://127.0.0.1:7401");
	assert_string_equal(c.endpoints[1], "https://[::1]:7402");
	assert_string_equal(c.created_at, CREATED);

	/* a flattened JWS whose readable copy is exactly the signed payload */
	doc = json_loadb(b.p, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(doc);
	assert_non_null(json_string_value(json_object_get(doc, "protected")));
	assert_non_null(json_string_value(json_object_get(doc, "signature")));
	pl = payload_of(doc);
	assert_true(json_equal(pl, json_object_get(doc, "card")));
	assert_int_equal(json_integer_value(json_object_get(pl, "v")), 1);
	assert_null(json_object_get(json_object_get(pl, "key"), "d"));	/* public only */
	json_decref(pl);
	json_decref(doc);
	buf_free(&b);
}

static void
test_make_refuses(void **state)
{
	static const char *const five[] = { "https://a:1", "https://b:2", "https://c:3",
	    "https://d:4", "https://e:5" };
	static const struct {
		const char *name, *node;
		size_t n_eps;
	} cases[] = {
		{ "uppercase name", "Alpha", 1 },
		{ "leading dash", "-alpha", 1 },
		{ "empty name", "", 1 },
		{ "64-char name", "a123456789012345678901234567890123456789012345678901234567890123",
		    1 },
		{ "no endpoints", "alpha", 0 },
		{ "five endpoints", "alpha", 5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;

		buf_init(&b, CARD_MAX_BYTES);
		check_rc(cases[i].name, card_make(alice, cases[i].node, five, cases[i].n_eps,
		    CREATED, &b), ST_INVALID);
		assert_int_equal(b.len, 0);
		buf_free(&b);
	}
}

/*
 * Regression test for a bug fixed on 2026-11-22 (src/card.c, card_make): card_make checks the name and the
 * number of endpoints but not the endpoints themselves nor created_at, so it
 * signs and prints a card that every peer's card_parse refuses (ST_INVALID).
 * Reachable: config_load only bounds the length of created_at, so a
 * hand-edited parley.json makes a node publish a card no one can pin, and
 * the failure shows up on the other node.  Fix: in card_make, refuse
 * (ST_INVALID) an endpoint that fails card_endpoint_parse or is longer than
 * CARD_ENDPOINT_MAX, and a created_at that fails stamp_parse (and check
 * created_at with stamp_parse in config_load).
 */
static void
test_make_refuses_unparseable(void **state)
{
	static const struct {
		const char *name, *ep, *created;
	} cases[] = {
		{ "http endpoint", "http://127.0.0.1:7401", CREATED },
		{ "endpoint without port", "https://127.0.0.1", CREATED },
		{ "port 0", "https://127.0.0.1:0", CREATED },
		{ "port 70000", "https://127.0.0.1:70000", CREATED },
		{ "created_at not a time", "https://127.0.0.1:7401", "yesterday" },
	};

	int signed_bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b;
		struct card c;
		status made, parsed = ST_OK;

		buf_init(&b, CARD_MAX_BYTES);
		made = card_make(alice, "alpha", &cases[i].ep, 1, cases[i].created, &b);
		if (made == ST_OK)
			parsed = card_parse(b.p, b.len, &c);	/* what a peer sees */
		buf_free(&b);
		if (made == ST_OK) {
			print_error("regression in card_make: %s: signed a card that card_parse "
			    "refuses (%s)\n", cases[i].name, status_str(parsed));
			signed_bad++;
		} else
			check_rc(cases[i].name, made, ST_INVALID);
	}
	if (signed_bad)
		fail_msg("card_make signed %d of %zu unparseable cards", signed_bad,
		    sizeof cases / sizeof cases[0]);
}

/* The name changed inside the signed payload (and in the readable copy, so
 * only the signature can catch it). */
static void
test_tampered_payload(void **state)
{
	struct buf b, enc;
	struct card c;
	json_t *doc, *pl;
	char *text;

	(void)state;
	make(alice, &b);
	doc = json_loadb(b.p, b.len, 0, NULL);
	pl = payload_of(doc);
	json_object_set_new(pl, "name", json_string("mallory"));
	text = json_dumps(pl, JSON_COMPACT | JSON_PRESERVE_ORDER);
	buf_init(&enc, CARD_MAX_BYTES);
	assert_int_equal(b64_url_encode(&enc, (const uint8_t *)text, strlen(text)), ST_OK);
	json_object_set_new(doc, "payload", json_string(buf_str(&enc)));
	json_object_set(doc, "card", pl);
	assert_int_equal(parse_json(doc, &c), ST_BADSIG);
	assert_string_equal(c.name, "");	/* nothing half-filled */
	free(text);
	json_decref(pl);
	buf_free(&enc);

	/* one character of the payload segment changed, copy dropped */
	doc = json_loadb(b.p, b.len, 0, NULL);
	{
		char p[CARD_MAX_BYTES];

		snprintf(p, sizeof p, "%s", json_string_value(json_object_get(doc, "payload")));
		p[20] = p[20] == 'A' ? 'B' : 'A';
		json_object_set_new(doc, "payload", json_string(p));
		json_object_del(doc, "card");
	}
	assert_int_not_equal(parse_json(doc, &c), ST_OK);
	buf_free(&b);
}

/* The readable copy must say what is signed. */
static void
test_readable_copy(void **state)
{
	struct buf b;
	struct card c;
	json_t *doc;

	(void)state;
	make(alice, &b);

	doc = json_loadb(b.p, b.len, 0, NULL);
	json_object_set_new(json_object_get(doc, "card"), "name", json_string("mallory"));
	assert_int_equal(parse_json(doc, &c), ST_INVALID);
	assert_string_equal(c.name, "");

	doc = json_loadb(b.p, b.len, 0, NULL);
	json_array_set_new(json_object_get(json_object_get(doc, "card"), "endpoints"), 0,
	    json_string("https://203.0.113.9:443"));
	assert_int_equal(parse_json(doc, &c), ST_INVALID);

	doc = json_loadb(b.p, b.len, 0, NULL);
	json_object_set_new(json_object_get(doc, "card"), "note", json_string("trust me"));
	assert_int_equal(parse_json(doc, &c), ST_INVALID);

	doc = json_loadb(b.p, b.len, 0, NULL);
	json_object_set_new(doc, "card", json_string("alpha"));
	assert_int_equal(parse_json(doc, &c), ST_INVALID);

	/* without the copy the signed payload stands alone */
	doc = json_loadb(b.p, b.len, 0, NULL);
	json_object_del(doc, "card");
	assert_int_equal(parse_json(doc, &c), ST_OK);
	assert_string_equal(c.name, "alpha");

	/* an unprotected header is refused */
	doc = json_loadb(b.p, b.len, 0, NULL);
	json_object_set_new(doc, "header", json_pack("{s:s}", "kid", ident_kid(bob)));
	assert_int_equal(parse_json(doc, &c), ST_INVALID);
	buf_free(&b);
}

static void
test_signed_by_another_key(void **state)
{
	struct buf a, m, sig;
	struct card c;
	json_t *ja, *jm;
	uint8_t raw[IDENT_SIG_LEN];
	struct buf input;

	(void)state;
	make(alice, &a);
	make(bob, &m);

	/* alice's payload (alice's key) under bob's header and signature */
	ja = json_loadb(a.p, a.len, 0, NULL);
	jm = json_loadb(m.p, m.len, 0, NULL);
	json_object_set(jm, "payload", json_object_get(ja, "payload"));
	json_object_set(jm, "card", json_object_get(ja, "card"));
	assert_int_equal(parse_json(jm, &c), ST_UNKNOWN_KEY);

	/* alice's header and payload, signed by bob */
	buf_init(&input, CARD_MAX_BYTES);
	assert_int_equal(buf_addf(&input, "%s.%s",
	    json_string_value(json_object_get(ja, "protected")),
	    json_string_value(json_object_get(ja, "payload"))), ST_OK);
	ident_sign(bob, (const uint8_t *)input.p, input.len, raw);
	buf_init(&sig, 128);
	assert_int_equal(b64_url_encode(&sig, raw, sizeof raw), ST_OK);
	json_object_set_new(ja, "signature", json_string(buf_str(&sig)));
	assert_int_equal(parse_json(ja, &c), ST_BADSIG);

	/* bob signs a payload carrying alice's key: the header names bob */
	ja = json_loadb(a.p, a.len, 0, NULL);
	{
		json_t *pl = payload_of(ja);
		char *text = json_dumps(pl, JSON_COMPACT | JSON_PRESERVE_ORDER);

		assert_int_equal(parse_json(self_signed(bob, text, 1), &c), ST_UNKNOWN_KEY);
		free(text);
		json_decref(pl);
	}
	json_decref(ja);
	buf_free(&input);
	buf_free(&sig);
	buf_free(&a);
	buf_free(&m);
}

/* Cards properly self-signed by alice whose payload is wrong in one field:
 * the signature is fine, the content is not (see expand for @K, @D, @E). */
static const struct {
	const char *name, *payload;
	status rc;
} fields[] = {
	{ "good", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":[\"https://h:1\"],"
	    "\"created_at\":\"" CREATED "\"}", ST_OK },
	{ "http endpoint", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"http://h:1\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "endpoint without port", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "port 0", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:0\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "port 70000", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:70000\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "second endpoint bad", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:1\",\"https://h:1/x\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "no endpoints", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":[],"
	    "\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "five endpoints", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://a:1\",\"https://b:1\",\"https://c:1\",\"https://d:1\",\"https://e:1\"],"
	    "\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "endpoints not an array", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "\"https://h:1\",\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "endpoint not a string", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":[1],"
	    "\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "uppercase name", "{\"v\":1,\"name\":\"Alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:1\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "64-char name", "{\"v\":1,\"name\":"
	    "\"a123456789012345678901234567890123456789012345678901234567890123\","
	    "\"key\":@K,\"endpoints\":[\"https://h:1\"],\"created_at\":\"" CREATED "\"}",
	    ST_INVALID },
	{ "no name", "{\"v\":1,\"key\":@K,\"endpoints\":[\"https://h:1\"],"
	    "\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "version 2", "{\"v\":2,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:1\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "no version", "{\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:1\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "created_at not a time", "{\"v\":1,\"name\":\"alpha\",\"key\":@K,\"endpoints\":"
	    "[\"https://h:1\"],\"created_at\":\"2026-02-30T00:00:00Z\"}", ST_INVALID },
	{ "no key", "{\"v\":1,\"name\":\"alpha\",\"endpoints\":[\"https://h:1\"],"
	    "\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "private key in card", "{\"v\":1,\"name\":\"alpha\",\"key\":@D,\"endpoints\":"
	    "[\"https://h:1\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "kty EC", "{\"v\":1,\"name\":\"alpha\",\"key\":@E,\"endpoints\":"
	    "[\"https://h:1\"],\"created_at\":\"" CREATED "\"}", ST_INVALID },
	{ "duplicate name", "{\"v\":1,\"name\":\"alpha\",\"name\":\"bravo\",\"key\":@K,"
	    "\"endpoints\":[\"https://h:1\"],\"created_at\":\"" CREATED "\"}", ST_PARSE },
	{ "not an object", "[1,2,3]", ST_PARSE },
};

/* expand - the payload with @K (alice's JWK), @D (with a "d"), @E (kty EC). */
static char *
expand(const char *fmt)
{
	struct buf jwk, out;
	char *text;

	buf_init(&jwk, 256);
	assert_int_equal(ident_jwk(ident_pk(alice), &jwk), ST_OK);
	buf_init(&out, CARD_MAX_BYTES);
	for (const char *s = fmt; *s; s++) {
		if (s[0] == '@' && (s[1] == 'K' || s[1] == 'D' || s[1] == 'E')) {
			json_t *k = json_loads(jwk.p, 0, NULL);

			if (s[1] == 'D')
				json_object_set_new(k, "d", json_string(
				    "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"));
			if (s[1] == 'E')
				json_object_set_new(k, "kty", json_string("EC"));
			text = json_dumps(k, JSON_COMPACT);
			assert_int_equal(buf_adds(&out, text), ST_OK);
			free(text);
			json_decref(k);
			s++;
		} else
			assert_int_equal(buf_add(&out, s, 1), ST_OK);
	}
	buf_free(&jwk);
	return buf_take(&out, NULL);
}

static void
test_signed_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char *payload = expand(fields[i].payload);
		struct card c;

		check_rc(fields[i].name, parse_json(self_signed(alice, payload, 0), &c),
		    fields[i].rc);
		free(payload);
	}
}

static void
test_parse_garbage(void **state)
{
	static const char *const junk[] = {
		"", "null", "[]", "{}", "not json", "{\"protected\":1}",
	};
	struct buf b, compact;
	struct card c;
	char *big;

	(void)state;
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		check_rc(junk[i], card_parse(junk[i], strlen(junk[i]), &c), ST_PARSE);

	/* a compact JWS is not a card */
	buf_init(&compact, CARD_MAX_BYTES);
	assert_int_equal(jws_sign(alice, "parley-card", "{}", 2, &compact), ST_OK);
	assert_int_equal(card_parse(compact.p, compact.len, &c), ST_PARSE);
	buf_free(&compact);

	/* cut anywhere */
	make(alice, &b);
	for (size_t cut = 0; cut < b.len - 2; cut++)
		if (card_parse(b.p, cut, &c) == ST_OK)
			fail_msg("card cut at %zu of %zu parses", cut, b.len);

	/* bounded before it is parsed */
	big = calloc(1, CARD_MAX_BYTES + 2);
	assert_non_null(big);
	memcpy(big, b.p, b.len);
	memset(big + b.len, ' ', CARD_MAX_BYTES + 1 - b.len);
	assert_int_equal(card_parse(big, CARD_MAX_BYTES + 1, &c), ST_TOOBIG);
	assert_int_equal(card_parse(big, CARD_MAX_BYTES, &c), ST_OK);	/* whitespace */
	free(big);
	buf_free(&b);
}

static const struct {
	const char *url;
	status rc;
	const char *host;
	int port;
} endpoints[] = {
	{ "https://127.0.0.1:7400", ST_OK, "127.0.0.1", 7400 },
	{ "https://[::1]:7400", ST_OK, "::1", 7400 },
	{ "https://[2001:db8::2]:443", ST_OK, "2001:db8::2", 443 },
	{ "https://node-1.example.org:1", ST_OK, "node-1.example.org", 1 },
	{ "https://h:65535", ST_OK, "h", 65535 },
	{ "http://127.0.0.1:7400", ST_INVALID, NULL, 0 },
	{ "HTTPS://h:1", ST_INVALID, NULL, 0 },
	{ "https://", ST_INVALID, NULL, 0 },
	{ "https://h", ST_INVALID, NULL, 0 },
	{ "https://h:", ST_INVALID, NULL, 0 },
	{ "https://h:0", ST_INVALID, NULL, 0 },
	{ "https://h:08", ST_INVALID, NULL, 0 },
	{ "https://h:65536", ST_INVALID, NULL, 0 },
	{ "https://h:70000", ST_INVALID, NULL, 0 },
	{ "https://h:99999999999999999999999", ST_INVALID, NULL, 0 },
	{ "https://h:-1", ST_INVALID, NULL, 0 },
	{ "https://h:80a", ST_INVALID, NULL, 0 },
	{ "https://h:80/", ST_INVALID, NULL, 0 },
	{ "https://h:80/path", ST_INVALID, NULL, 0 },
	{ "https://:80", ST_INVALID, NULL, 0 },
	{ "https://a b:80", ST_INVALID, NULL, 0 },
	{ "https://user@h:80", ST_INVALID, NULL, 0 },
	{ "https://h_1:80", ST_INVALID, NULL, 0 },
	{ "https://[::1:80", ST_INVALID, NULL, 0 },
	{ "https://[::1]80", ST_INVALID, NULL, 0 },
	{ "https://[::1]", ST_INVALID, NULL, 0 },
	{ "https://[]:80", ST_INVALID, NULL, 0 },
	{ "", ST_INVALID, NULL, 0 },
};

static void
test_endpoint_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
		char host[64] = "untouched";
		int port = -1;

		check_rc(endpoints[i].url, card_endpoint_parse(endpoints[i].url, host,
		    sizeof host, &port), endpoints[i].rc);
		if (endpoints[i].rc == ST_OK) {
			assert_string_equal(host, endpoints[i].host);
			assert_int_equal(port, endpoints[i].port);
		}
	}
}

/* The host must fit the caller's buffer, NUL included. */
static void
test_endpoint_hostcap(void **state)
{
	char host[10];
	int port;

	(void)state;
	assert_int_equal(card_endpoint_parse("https://123456789:1", host, sizeof host, &port),
	    ST_OK);
	assert_string_equal(host, "123456789");
	assert_int_equal(card_endpoint_parse("https://1234567890:1", host, sizeof host, &port),
	    ST_INVALID);
	assert_int_equal(card_endpoint_parse("https://[::ffff:1.2.3.4]:1", host, sizeof host,
	    &port), ST_INVALID);
}

static const struct {
	const char *name;
	int ok;
} names[] = {
	{ "a", 1 },
	{ "alpha", 1 },
	{ "state-a", 1 },
	{ "cert.gov_1", 1 },
	{ "0day", 1 },
	{ "a12345678901234567890123456789012345678901234567890123456789012", 1 },	/* 63 */
	{ "a123456789012345678901234567890123456789012345678901234567890123", 0 },	/* 64 */
	{ "", 0 },
	{ "Alpha", 0 },
	{ "alphA", 0 },
	{ "-alpha", 0 },
	{ ".alpha", 0 },
	{ "_alpha", 0 },
	{ "a b", 0 },
	{ "a/b", 0 },
	{ "a:b", 0 },
	{ "\xc3\xa9t\xc3\xa9", 0 },
};

/* The endpoints of a pin, as one text (store_peer.h): split and join. */
static void
test_endpoints_text(void **state)
{
	static const struct {
		const char *name, *text;
		status want;
		size_t n;
		const char *joined;	/* what join makes of the split */
	} cases[] = {
		{ "one URL (a pin made before lists)", "https://h:1", ST_OK, 1, "https://h:1" },
		{ "two, one space", "https://a:1 https://[::1]:2", ST_OK, 2,
		    "https://a:1 https://[::1]:2" },
		{ "four, runs of spaces and spaces around", "  https://a:1   https://b:2 "
		    "https://c:3 https://d:4 ", ST_OK, 4,
		    "https://a:1 https://b:2 https://c:3 https://d:4" },
		{ "empty", "", ST_INVALID, 0, NULL },
		{ "only spaces", "   ", ST_INVALID, 0, NULL },
		{ "five", "https://a:1 https://b:2 https://c:3 https://d:4 https://e:5",
		    ST_INVALID, 0, NULL },
		{ "a plain http URL among them", "https://a:1 http://b:2", ST_INVALID, 0, NULL },
		{ "no port", "https://a:1 https://b", ST_INVALID, 0, NULL },
		{ "a tab is no separator", "https://a:1\thttps://b:2", ST_INVALID, 0, NULL },
	};
	char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	char out[CARD_ENDPOINTS_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *ptr[CARD_MAX_ENDPOINTS];
		size_t n = 99;

		print_message("%s\n", cases[i].name);
		check_rc(cases[i].name, card_endpoints_split(cases[i].text, eps, &n), cases[i].want);
		if (cases[i].want != ST_OK)
			continue;
		assert_int_equal(n, cases[i].n);
		for (size_t k = 0; k < n; k++)
			ptr[k] = eps[k];
		check_rc(cases[i].name, card_endpoints_join(ptr, n, out), ST_OK);
		assert_string_equal(out, cases[i].joined);
	}
	/* join refuses what a pin must not hold */
	{
		const char *bad[] = { "https://a:1", "not a url" };
		const char *five[] = { "https://a:1", "https://b:2", "https://c:3", "https://d:4",
		    "https://e:5" };

		check_rc("join: a bad URL", card_endpoints_join(bad, 2, out), ST_INVALID);
		assert_string_equal(out, "");
		check_rc("join: none", card_endpoints_join(bad, 0, out), ST_INVALID);
		check_rc("join: five", card_endpoints_join(five, 5, out), ST_INVALID);
	}
	/* the longest list fits */
	{
		char url[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
		const char *ptr[CARD_MAX_ENDPOINTS];
		size_t n;

		for (size_t k = 0; k < CARD_MAX_ENDPOINTS; k++) {
			size_t host = CARD_ENDPOINT_MAX - strlen("https://:65535");

			memcpy(url[k], "https://", 8);
			memset(url[k] + 8, 'a' + (int)k, host);
			snprintf(url[k] + 8 + host, sizeof url[k] - 8 - host, ":65535");
			assert_int_equal(strlen(url[k]), CARD_ENDPOINT_MAX);
			ptr[k] = url[k];
		}
		check_rc("join: the longest", card_endpoints_join(ptr, CARD_MAX_ENDPOINTS, out),
		    ST_OK);
		assert_int_equal(strlen(out), CARD_ENDPOINTS_TEXT_MAX - 1);
		check_rc("split: the longest", card_endpoints_split(out, eps, &n), ST_OK);
		assert_int_equal(n, CARD_MAX_ENDPOINTS);
		assert_string_equal(eps[3], url[3]);
	}
}

static void
test_name_ok(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (card_name_ok(names[i].name) != names[i].ok)
			fail_msg("card_name_ok(\"%s\") is %d", names[i].name, !names[i].ok);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	alice = testkey();
	bob = testkey();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alice);
	ident_free(bob);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_make_refuses),
		cmocka_unit_test(test_make_refuses_unparseable),
		cmocka_unit_test(test_tampered_payload),
		cmocka_unit_test(test_readable_copy),
		cmocka_unit_test(test_signed_by_another_key),
		cmocka_unit_test(test_signed_fields),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_endpoint_parse),
		cmocka_unit_test(test_endpoint_hostcap),
		cmocka_unit_test(test_endpoints_text),
		cmocka_unit_test(test_name_ok),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
