/* note.c - C2SP signed notes, verifier keys and cosignatures (note.h).
 *
 * Key names are restricted to printable ASCII (no space, no '+'), a subset
 * of what signed-note allows; note text may be any UTF-8 without control
 * characters other than newline.  Parsing is strict: base64 must be
 * canonical, every line must end in "\n".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "b64.h"
#include "note.h"

#define DASH "\xe2\x80\x94"	/* U+2014 em dash */
#define COSIG_HEADER "cosignature/v1\ntime "
#define SIG_RAW_MAX 128

int
note_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > NOTE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '+')
			return 0;
	return 1;
}

static uint32_t
key_id(const char *name, uint8_t type, const uint8_t pk[IDENT_PK_LEN])
{
	crypto_hash_sha256_state h;
	uint8_t d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&h, (const uint8_t *)"\n", 1);
	crypto_hash_sha256_update(&h, &type, 1);
	crypto_hash_sha256_update(&h, pk, IDENT_PK_LEN);
	crypto_hash_sha256_final(&h, d);
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

status
note_key_init(struct note_key *k, const char *name, uint8_t type,
    const uint8_t pk[static IDENT_PK_LEN])
{
	memset(k, 0, sizeof *k);
	if (!note_name_ok(name, strlen(name)) || (type != NOTE_ED25519 && type != NOTE_COSIG))
		return ST_INVALID;
	memcpy(k->name, name, strlen(name) + 1);
	k->type = type;
	memcpy(k->pk, pk, IDENT_PK_LEN);
	k->id = key_id(name, type, pk);
	return ST_OK;
}

status
note_vkey(const struct note_key *k, struct buf *out)
{
	uint8_t raw[1 + IDENT_PK_LEN];
	status rc;

	raw[0] = k->type;
	memcpy(raw + 1, k->pk, IDENT_PK_LEN);
	rc = buf_addf(out, "%s+%08" PRIx32 "+", k->name, k->id);
	return rc ? rc : b64_std_encode(out, raw, sizeof raw);
}

status
note_vkey_parse(const char *s, size_t n, struct note_key *out)
{
	const char *p1 = memchr(s, '+', n), *p2;
	char name[NOTE_NAME_MAX + 1], hex[9];
	uint8_t raw[1 + IDENT_PK_LEN];
	size_t len, nl;
	unsigned long id;
	char *end;

	memset(out, 0, sizeof *out);
	if (!p1)
		return ST_PARSE;
	nl = (size_t)(p1 - s);
	p2 = memchr(p1 + 1, '+', n - nl - 1);
	if (!p2 || p2 - p1 != 9 || !note_name_ok(s, nl))
		return ST_PARSE;
	memcpy(name, s, nl);
	name[nl] = '\0';
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	for (int i = 0; i < 8; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return ST_PARSE;
	id = strtoul(hex, &end, 16);
	if (b64_std_decode(p2 + 1, n - (size_t)(p2 + 1 - s), raw, sizeof raw, &len) != ST_OK ||
	    len != sizeof raw)
		return ST_PARSE;
	if (note_key_init(out, name, raw[0], raw + 1) != ST_OK)
		return ST_INVALID;
	if (out->id != (uint32_t)id) {
		memset(out, 0, sizeof *out);
		return ST_INVALID;
	}
	return ST_OK;
}

/* text_ok - valid UTF-8, no control characters but "\n". */
static int
text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 ? c != '\n' : c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0x80 && cp <= 0x9f))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* note_text_ok - a text we may sign: non-empty, valid, ends in "\n". */
static int
note_text_ok(const char *t, size_t n)
{
	return n > 0 && t[0] != '\n' && t[n - 1] == '\n' && text_ok(t, n);
}

/* A parsed signature line. */
struct sigline {
	const char *name;
	size_t name_len;
	uint8_t raw[SIG_RAW_MAX];
	size_t raw_len;
};

/* parse_line - "— NAME BASE64" (without the "\n"). */
static status
parse_line(const char *s, size_t n, struct sigline *l)
{
	const char *sp;

	if (n < sizeof DASH + 1 || memcmp(s, DASH " ", sizeof DASH) != 0)
		return ST_PARSE;
	s += sizeof DASH;
	n -= sizeof DASH;
	sp = memchr(s, ' ', n);
	if (!sp || !note_name_ok(s, (size_t)(sp - s)))
		return ST_PARSE;
	l->name = s;
	l->name_len = (size_t)(sp - s);
	n -= l->name_len + 1;
	if (b64_std_decode(sp + 1, n, l->raw, sizeof l->raw, &l->raw_len) != ST_OK ||
	    l->raw_len < 5)
		return ST_PARSE;
	return ST_OK;
}

status
note_split(const char *note, size_t n, size_t *text_len)
{
	size_t sep = 0, lines = 0;
	int found = 0;

	*text_len = 0;
	if (n > NOTE_MAX)
		return ST_TOOBIG;
	if (n < 2 || note[n - 1] != '\n' || !text_ok(note, n))
		return ST_PARSE;
	for (size_t i = n - 1; i > 0; i--)
		if (note[i] == '\n' && note[i - 1] == '\n') {
			sep = i;
			found = 1;
			break;
		}
	if (!found || sep + 1 >= n || !note_text_ok(note, sep))
		return ST_PARSE;
	for (size_t off = sep + 1; off < n;) {
		const char *nl = memchr(note + off, '\n', n - off);
		struct sigline l;

		if (++lines > NOTE_SIGS_MAX)
			return ST_PARSE;
		if (parse_line(note + off, (size_t)(nl - (note + off)), &l) != ST_OK)
			return ST_PARSE;
		off = (size_t)(nl - note) + 1;
	}
	*text_len = sep;
	return ST_OK;
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* check_sig - verify one line l by key k over text. */
static status
check_sig(const struct note_key *k, const struct sigline *l, const char *text, size_t n,
    uint64_t *t)
{
	struct buf m;
	status rc;

	if (k->type == NOTE_ED25519)
		return l->raw_len == 4 + IDENT_SIG_LEN ?
		    ident_verify(k->pk, (const uint8_t *)text, n, l->raw + 4) : ST_BADSIG;
	if (l->raw_len != 4 + 8 + IDENT_SIG_LEN)
		return ST_BADSIG;
	*t = be64(l->raw + 4);
	if (*t >> 63)
		return ST_BADSIG;
	buf_init(&m, NOTE_MAX + 64);
	rc = buf_addf(&m, COSIG_HEADER "%" PRIu64 "\n", *t);
	if (!rc)
		rc = buf_add(&m, text, n);
	if (!rc)
		rc = ident_verify(k->pk, (const uint8_t *)m.p, m.len, l->raw + 12);
	buf_free(&m);
	return rc == ST_OK ? ST_OK : ST_BADSIG;
}

status
note_verify(const char *note, size_t n, const struct note_key *keys, size_t nkeys,
    struct note_check *out)
{
	status rc;

	memset(out, 0, sizeof *out);
	if (nkeys > NOTE_KEYS_MAX)
		return ST_INVALID;
	rc = note_split(note, n, &out->text_len);
	if (rc)
		return rc;
	for (size_t off = out->text_len + 1; off < n;) {
		const char *nl = memchr(note + off, '\n', n - off);
		struct sigline l;

		if (parse_line(note + off, (size_t)(nl - (note + off)), &l) != ST_OK)
			return ST_PARSE;
		off = (size_t)(nl - note) + 1;
		for (size_t i = 0; i < nkeys; i++) {
			uint32_t id = (uint32_t)l.raw[0] << 24 | (uint32_t)l.raw[1] << 16 |
			    (uint32_t)l.raw[2] << 8 | l.raw[3];
			uint64_t t = 0;

			if (id != keys[i].id || strlen(keys[i].name) != l.name_len ||
			    memcmp(keys[i].name, l.name, l.name_len) != 0)
				continue;
			if (check_sig(&keys[i], &l, note, out->text_len, &t) != ST_OK)
				return ST_BADSIG;
			out->verified |= 1u << i;
			out->time[i] = t;
		}
	}
	return out->verified ? ST_OK : ST_UNKNOWN_KEY;
}

/* add_line - append "— NAME base64(raw)\n". */
static status
add_line(struct buf *out, const char *name, const uint8_t *raw, size_t n)
{
	status rc = buf_addf(out, DASH " %s ", name);

	if (!rc)
		rc = b64_std_encode(out, raw, n);
	return rc ? rc : buf_add(out, "\n", 1);
}

static void
put_id(uint8_t *p, uint32_t id)
{
	p[0] = (uint8_t)(id >> 24);
	p[1] = (uint8_t)(id >> 16);
	p[2] = (uint8_t)(id >> 8);
	p[3] = (uint8_t)id;
}

status
note_sign(const struct ident *id, const char *name, const char *text, size_t n,
    struct buf *out)
{
	uint8_t raw[4 + IDENT_SIG_LEN];
	status rc;

	if (!note_name_ok(name, strlen(name)) || !note_text_ok(text, n) || n > NOTE_MAX)
		return ST_INVALID;
	put_id(raw, key_id(name, NOTE_ED25519, ident_pk(id)));
	ident_sign(id, (const uint8_t *)text, n, raw + 4);
	rc = buf_add(out, text, n);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	return rc ? rc : add_line(out, name, raw, sizeof raw);
}

status
note_cosign(const struct ident *id, const char *name, const char *text, size_t n,
    uint64_t t, struct buf *out)
{
	uint8_t raw[4 + 8 + IDENT_SIG_LEN];
	struct buf m;
	status rc;

	if (!note_name_ok(name, strlen(name)) || !note_text_ok(text, n) || n > NOTE_MAX ||
	    t >> 63)
		return ST_INVALID;
	put_id(raw, key_id(name, NOTE_COSIG, ident_pk(id)));
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	buf_init(&m, NOTE_MAX + 64);
	rc = buf_addf(&m, COSIG_HEADER "%" PRIu64 "\n", t);
	if (!rc)
		rc = buf_add(&m, text, n);
	if (!rc) {
		ident_sign(id, (const uint8_t *)m.p, m.len, raw + 12);
		rc = add_line(out, name, raw, sizeof raw);
	}
	buf_free(&m);
	return rc;
}

void
note_sig_each(const char *note, size_t n, size_t text_len, note_line_cb cb, void *arg)
{
	for (size_t off = text_len + 1; off < n;) {
		const char *nl = memchr(note + off, '\n', n - off);

		if (!nl || cb(arg, note + off, (size_t)(nl - (note + off)) + 1))
			return;
		off = (size_t)(nl - note) + 1;
	}
}
