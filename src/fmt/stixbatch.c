/* stixbatch.c - batches of STIX objects and each object's evidence
 * (stixbatch.h).
 *
 * SECURITY: a stage and an evidence text are untrusted input.  A stage is
 * believed only as far as its root matches the manifest a peer signed
 * (the caller checks that signature on the message); an evidence text is
 * believed only after evidence_verify has checked the message, the
 * receipt and both cosigned proofs, and the object's path leads to the
 * root that signed message holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/stixbatch.h"

/* ---- the tree over a batch's leaves, in memory ---- */

/* A tree's stored nodes, by tlog_pos: at most 2n of them. */
struct mem {
	uint8_t (*node)[TLOG_HASH];
	size_t cap;
};

static status
mem_get(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH])
{
	struct mem *m = arg;
	uint64_t pos = tlog_pos(level, index);

	if (pos >= m->cap)
		return ST_NOTFOUND;
	memcpy(hash, m->node[pos], TLOG_HASH);
	return ST_OK;
}

static status
mem_put(void *arg, int level, uint64_t index, const uint8_t hash[TLOG_HASH])
{
	struct mem *m = arg;
	uint64_t pos = tlog_pos(level, index);

	if (pos >= m->cap)
		return ST_INVALID;
	memcpy(m->node[pos], hash, TLOG_HASH);
	return ST_OK;
}

/* mem_build - the stored nodes of the tree over leaves[0..n). */
static status
mem_build(struct mem *m, const uint8_t (*leaves)[TLOG_HASH], size_t n)
{
	status rc = ST_OK;

	m->cap = 2 * n + 1;
	if (n == 0 || n > SIZE_MAX / 4 / TLOG_HASH || !(m->node = calloc(m->cap, TLOG_HASH)))
		return n == 0 ? ST_INVALID : ST_NOMEM;
	for (size_t i = 0; i < n && !rc; i++)
		rc = tlog_append(i, leaves[i], mem_get, mem_put, m);
	if (rc)
		free(m->node);
	return rc;
}

status
stixbatch_root(const uint8_t (*leaves)[TLOG_HASH], size_t n, uint8_t root[static TLOG_HASH])
{
	struct mem m;
	status rc = mem_build(&m, leaves, n);

	if (rc)
		return rc;
	rc = tlog_tree_hash(n, mem_get, &m, root);
	free(m.node);
	return rc;
}

status
stixbatch_path(const uint8_t (*leaves)[TLOG_HASH], size_t n, size_t i,
    uint8_t path[][TLOG_HASH], size_t *len)
{
	struct mem m;
	status rc = mem_build(&m, leaves, n);

	if (rc)
		return rc;
	rc = tlog_inclusion(i, n, mem_get, &m, path, len);
	free(m.node);
	return rc;
}

/* ---- the manifest ---- */

status
stixbatch_manifest(const struct stixbatch_manifest *m, struct buf *out)
{
	char hex[2 * TLOG_HASH + 1];

	if (!stamp_is_uuid(m->batch) || m->n < 1 || m->n > STIXBATCH_MAX)
		return ST_INVALID;
	sodium_bin2hex(hex, sizeof hex, m->root, TLOG_HASH);
	return buf_addf(out, "{\"v\":1,\"batch\":\"%s\",\"n\":%lld,\"root\":\"%s\"}", m->batch,
	    (long long)m->n, hex);
}

/* manifest_fields - stixbatch_manifest_read's work; m may be left
 * partly filled on failure (the caller clears it). */
static status
manifest_fields(const char *s, size_t n, struct stixbatch_manifest *m)
{
	static const char head[] = "{\"v\":1,\"batch\":\"";
	char text[STIXBATCH_MANIFEST_MAX + 1], *end;
	const char *p;
	struct buf again;
	long long count;
	status rc;

	memset(m, 0, sizeof *m);
	if (n == 0 || n > STIXBATCH_MANIFEST_MAX || memchr(s, '\0', n))
		return ST_PARSE;
	memcpy(text, s, n);
	text[n] = '\0';
	/* the fixed shape, read field by field; then the bytes must be
	 * exactly what stixbatch_manifest writes */
	p = text + sizeof head - 1;
	if (strncmp(text, head, sizeof head - 1) != 0 || strlen(p) < STAMP_UUID_LEN - 1)
		return ST_PARSE;
	memcpy(m->batch, p, STAMP_UUID_LEN - 1);
	m->batch[STAMP_UUID_LEN - 1] = '\0';
	p += STAMP_UUID_LEN - 1;
	if (!stamp_is_uuid(m->batch) || strncmp(p, "\",\"n\":", 6) != 0 || p[6] < '1' ||
	    p[6] > '9')
		return ST_PARSE;
	count = strtoll(p + 6, &end, 10);
	if (count < 1 || count > STIXBATCH_MAX || strncmp(end, ",\"root\":\"", 9) != 0)
		return ST_PARSE;
	p = end + 9;
	if (strlen(p) != 2 * TLOG_HASH + 2 || strcmp(p + 2 * TLOG_HASH, "\"}") != 0 ||
	    strspn(p, "0123456789abcdef") != 2 * TLOG_HASH ||
	    sodium_hex2bin(m->root, TLOG_HASH, p, 2 * TLOG_HASH, NULL, NULL, NULL) != 0)
		return ST_PARSE;
	m->n = count;
	buf_init(&again, STIXBATCH_MANIFEST_MAX);
	rc = stixbatch_manifest(m, &again);
	if (rc || again.len != n || memcmp(again.p, s, n) != 0)
		rc = ST_PARSE;
	buf_free(&again);
	return rc;
}

status
stixbatch_manifest_read(const char *s, size_t n, struct stixbatch_manifest *m)
{
	status rc = manifest_fields(s, n, m);

	/* a refused manifest leaves nothing behind, whichever check refused
	 * it (the batch id used to stay when the count or root was bad) */
	if (rc)
		memset(m, 0, sizeof *m);
	return rc;
}

/* ---- the stage ---- */

static status
fail(char *why, const char *what, status rc)
{
	if (why)
		snprintf(why, 128, "%s", what);
	return rc;
}

status
stixbatch_stage_read(const char *s, size_t n, struct stixbatch_manifest *m,
    stixbatch_obj_fn fn, void *arg, uint8_t (**leaves)[TLOG_HASH], char *why)
{
	const char *nl = memchr(s, '\n', n < STIXBATCH_MANIFEST_MAX + 1 ? n :
	    STIXBATCH_MANIFEST_MAX + 1);
	uint8_t (*lv)[TLOG_HASH] = NULL, root[TLOG_HASH];
	size_t off, i = 0;
	status rc;

	if (leaves)
		*leaves = NULL;
	if (!nl || stixbatch_manifest_read(s, (size_t)(nl - s), m) != ST_OK)
		return fail(why, "the stage does not begin with a manifest", ST_PARSE);
	if (!(lv = calloc((size_t)m->n, TLOG_HASH)))
		return ST_NOMEM;
	for (off = (size_t)(nl - s) + 1; off < n; i++) {
		const char *end = memchr(s + off, '\n', n - off);
		size_t len = end ? (size_t)(end - (s + off)) : n - off;

		if (!end || len == 0 || i >= (size_t)m->n) {
			free(lv);
			return fail(why, !end ? "the last object has no newline" : len == 0 ?
			    "an empty line" : "more objects than the manifest says", ST_PARSE);
		}
		tlog_leaf_hash(s + off, len, lv[i]);
		if (fn && fn(arg, i, s + off, len)) {
			free(lv);
			return fail(why, "an object was refused", ST_INVALID);
		}
		off += len + 1;
	}
	if (i != (size_t)m->n) {
		free(lv);
		return fail(why, "fewer objects than the manifest says", ST_PARSE);
	}
	if ((rc = stixbatch_root((const uint8_t (*)[TLOG_HASH])lv, i, root)) != ST_OK) {
		free(lv);
		return rc;
	}
	if (sodium_memcmp(root, m->root, TLOG_HASH) != 0) {
		free(lv);
		return fail(why, "the objects' Merkle root is not the manifest's", ST_BADSIG);
	}
	if (leaves)
		*leaves = lv;
	else
		free(lv);
	return ST_OK;
}

/* ---- an object's evidence ---- */

status
stixbatch_evidence(const char *obj, size_t len, const uint8_t (*leaves)[TLOG_HASH],
    size_t n, size_t i, const char *bundle, size_t blen, struct buf *out)
{
	uint8_t path[TLOG_PROOF_MAX][TLOG_HASH];
	char hex[2 * TLOG_HASH + 1];
	size_t np = 0;
	json_t *j, *p, *ev, *o;
	char *text;
	status rc;

	if ((rc = stixbatch_path(leaves, n, i, path, &np)) != ST_OK)
		return rc;
	/* NULL when obj is not UTF-8: the evidence would lack its object */
	if (!(o = json_stringn(obj, len)))
		return ST_INVALID;
	if (!(ev = json_loadb(bundle, blen, 0, NULL))) {
		json_decref(o);
		return ST_PARSE;
	}
	p = json_array();
	for (size_t k = 0; k < np; k++) {
		sodium_bin2hex(hex, sizeof hex, path[k], TLOG_HASH);
		json_array_append_new(p, json_string(hex));
	}
	j = json_object();
	json_object_set_new(j, "type", json_string(STIXBATCH_TYPE));
	json_object_set_new(j, "v", json_integer(1));
	json_object_set_new(j, "object", o);
	json_object_set_new(j, "leaf", json_integer((json_int_t)i));
	json_object_set_new(j, "path", p);
	json_object_set_new(j, "evidence", ev);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return ST_NOMEM;
	rc = buf_adds(out, text);
	if (!rc)
		rc = buf_adds(out, "\n");
	free(text);
	return rc;
}

status
stixbatch_verify(const char *text, size_t n, const struct card cards[2],
    struct stixbatch_report *r, const char **why)
{
	uint8_t path[TLOG_PROOF_MAX][TLOG_HASH], leaf[TLOG_HASH];
	json_t *j, *o, *p, *ev, *lf, *type;
	char *inner = NULL;
	size_t np;
	status rc;

	memset(r, 0, sizeof *r);
	/* the object's bytes are never more than the text's that escapes
	 * them; an object may be larger than a bundle (EVIDENCE_MAX) */
	buf_init(&r->obj, n > EVIDENCE_MAX ? n : EVIDENCE_MAX);
	*why = NULL;
	if (!(j = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(j)) {
		json_decref(j);
		*why = "not a JSON object";
		return ST_PARSE;
	}
	type = json_object_get(j, "type");
	o = json_object_get(j, "object");
	lf = json_object_get(j, "leaf");
	p = json_object_get(j, "path");
	ev = json_object_get(j, "evidence");
	rc = ST_PARSE;
	if (!json_is_string(type) || strcmp(json_string_value(type), STIXBATCH_TYPE) != 0 ||
	    json_integer_value(json_object_get(j, "v")) != 1)
		*why = "not a parley-intel-evidence of version 1";
	else if (!json_is_string(o) || !json_is_integer(lf) || json_integer_value(lf) < 0 ||
	    !json_is_array(p) || json_array_size(p) > TLOG_PROOF_MAX || !json_is_object(ev))
		*why = "object, leaf, path or evidence missing or of the wrong type";
	else if (!(inner = json_dumps(ev, JSON_COMPACT)))
		rc = ST_NOMEM;
	else
		rc = ST_OK;
	np = json_array_size(p);
	for (size_t k = 0; !rc && k < np; k++) {
		const char *h = json_string_value(json_array_get(p, k));

		if (!h || strlen(h) != 2 * TLOG_HASH || strspn(h, "0123456789abcdef") !=
		    2 * TLOG_HASH || sodium_hex2bin(path[k], TLOG_HASH, h, 2 * TLOG_HASH, NULL,
		    NULL, NULL) != 0) {
			*why = "a path hash is not 64 lowercase hex digits";
			rc = ST_PARSE;
		}
	}
	if (!rc) {
		rc = evidence_verify(inner, strlen(inner), cards, &r->ev, why);
	}
	if (!rc && strcmp(r->ev.msg.type, "stix-batch") != 0) {
		*why = "the message is not a stix-batch";
		rc = ST_INVALID;
	}
	if (!rc && stixbatch_manifest_read(buf_str(&r->ev.msg.body),
	    r->ev.msg.body.len, &r->m) != ST_OK) {
		*why = "the message's body is not a batch manifest";
		rc = ST_INVALID;
	}
	if (!rc && json_integer_value(lf) >= r->m.n) {
		*why = "the leaf is past the batch's size";
		rc = ST_INVALID;
	}
	if (!rc) {
		r->leaf = json_integer_value(lf);
		tlog_leaf_hash(json_string_value(o), json_string_length(o), leaf);
		if (tlog_verify_inclusion((uint64_t)r->leaf, (uint64_t)r->m.n, leaf,
		    (const uint8_t (*)[TLOG_HASH])path, np, r->m.root) != ST_OK) {
			*why = "the object is not in the batch the message signed (path)";
			rc = ST_BADSIG;
		}
	}
	if (!rc && (rc = buf_add(&r->obj, json_string_value(o), json_string_length(o))) != ST_OK)
		*why = "the object cannot be held";
	free(inner);
	json_decref(j);
	return rc;
}

void
stixbatch_report_clear(struct stixbatch_report *r)
{
	evidence_report_clear(&r->ev);
	buf_free(&r->obj);
}
