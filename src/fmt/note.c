/* note.c - C2SP signed notes, verifier keys and cosignatures (note.h).
 *
 * Key names are restricted to printable ASCII without space or '+', a
 * subset of what signed-note allows; note text may be any valid UTF-8
 * without control characters (C0, DEL, C1) other than newline.  Parsing is
 * strict: every line ends in "\n" and base64 is canonical, so one note has
 * one encoding.
 *
 * SECURITY: a note is untrusted input until note_verify returns ST_OK, and
 * even then only its text is vouched for, and only by the keys whose bits
 * are set.  The keys come from the caller, never from the note: a line is
 * tried only against the known key with exactly its name and key ID, and a
 * line by a known key that fails to verify refuses the whole note.
 */
#include <inttypes.h>
#include <string.h>

#include <sodium.h>

#include "util/b64.h"
#include "fmt/note.h"

#define DASH "\xe2\x80\x94"	/* U+2014 em dash, 3 bytes */
#define DASH_LEN 3
#define COSIG_HEADER "cosignature/v1\ntime "
#define ED_SIG_LEN (4 + IDENT_SIG_LEN)		/* type 0x01: keyid, signature */
#define COSIG_LEN (4 + 8 + IDENT_SIG_LEN)	/* type 0x04: keyid, time, signature */
/* Signatures of unknown keys may be long (ML-DSA-44 cosignatures are 2,432
 * bytes), so they are checked in chunks of this many base64 characters;
 * only the first chunk's bytes are kept, enough for any key we verify. */
#define SIG_CHUNK 128
#define SIG_HEAD (SIG_CHUNK / 4 * 3)

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
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
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
	return get32(d);
}

status
note_key_init(struct note_key *k, const char *name, uint8_t type,
    const uint8_t pk[static IDENT_PK_LEN])
{
	size_t n = strlen(name);

	memset(k, 0, sizeof *k);
	if (!note_name_ok(name, n) || (type != NOTE_ED25519 && type != NOTE_COSIG))
		return ST_INVALID;
	memcpy(k->name, name, n + 1);
	k->type = type;
	memcpy(k->pk, pk, IDENT_PK_LEN);
	k->id = key_id(name, type, pk);
	return ST_OK;
}

status
note_vkey(const struct note_key *k, struct buf *out)
{
	uint8_t raw[1 + IDENT_PK_LEN];
	size_t start = out->len;
	status rc;

	raw[0] = k->type;
	memcpy(raw + 1, k->pk, IDENT_PK_LEN);
	rc = buf_addf(out, "%s+%08" PRIx32 "+", k->name, k->id);
	if (!rc)
		rc = b64_std_encode(out, raw, sizeof raw);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

/* hex8 - exactly 8 lowercase hex digits (the form note_vkey writes). */
static int
hex8(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		unsigned c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			*v = *v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v << 4 | (c - 'a' + 10);
		else
			return 0;
	}
	return 1;
}

status
note_vkey_parse(const char *s, size_t n, struct note_key *out)
{
	const char *plus = memchr(s, '+', n);
	char name[NOTE_NAME_MAX + 1];
	uint8_t raw[1 + IDENT_PK_LEN];
	size_t nl, len;
	uint32_t id;

	memset(out, 0, sizeof *out);
	if (!plus)
		return ST_PARSE;
	nl = (size_t)(plus - s);
	/* NAME "+" 8 hex digits "+" base64, which may itself hold '+' */
	if (!note_name_ok(s, nl) || n - nl < 10 || plus[9] != '+' || !hex8(plus + 1, &id) ||
	    b64_std_decode(plus + 10, n - nl - 10, raw, sizeof raw, &len) != ST_OK ||
	    len != sizeof raw)
		return ST_PARSE;
	memcpy(name, s, nl);
	name[nl] = '\0';
	if (note_key_init(out, name, raw[0], raw + 1) != ST_OK || out->id != id) {
		memset(out, 0, sizeof *out);
		return ST_INVALID;
	}
	return ST_OK;
}

/* text_ok - valid UTF-8 without control characters but "\n": no C0 but
 * newline, no DEL, no C1 (U+0080..U+009F), no overlong forms, surrogates
 * or code points past U+10FFFF. */
static int
text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		uint32_t cp;
		size_t k;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\n') || c == 0x7f)
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
		if (cp <= 0x9f || (k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* note_text_ok - a text we may sign: non-empty, valid, ends in "\n". */
static int
note_text_ok(const char *t, size_t n)
{
	return n > 0 && t[n - 1] == '\n' && text_ok(t, n);
}

/* A parsed signature line. */
struct sigline {
	const char *name;
	size_t name_len;
	uint8_t raw[SIG_HEAD];	/* the first bytes of the signature */
	size_t raw_len;		/* the signature's full length */
};

/* sig_decode - s[0..n) is canonical base64 of at least 5 bytes; the first
 * SIG_HEAD bytes go to l->raw.  Chunks are whole 4-character groups, so
 * each decodes alone; padding is allowed only in the last. */
static status
sig_decode(const char *s, size_t n, struct sigline *l)
{
	uint8_t chunk[SIG_HEAD];
	size_t off, len, got;

	l->raw_len = 0;
	for (off = 0; off < n; off += len) {
		len = n - off < SIG_CHUNK ? n - off : SIG_CHUNK;
		if (b64_std_decode(s + off, len, chunk, sizeof chunk, &got) != ST_OK ||
		    (off + len < n && got != sizeof chunk))
			return ST_PARSE;
		if (off == 0)
			memcpy(l->raw, chunk, got);
		l->raw_len += got;
	}
	return l->raw_len > 4 ? ST_OK : ST_PARSE;
}

/* parse_line - "— NAME BASE64" (without its "\n"). */
static status
parse_line(const char *s, size_t n, struct sigline *l)
{
	const char *sp;

	if (n < DASH_LEN + 1 || memcmp(s, DASH " ", DASH_LEN + 1) != 0)
		return ST_PARSE;
	s += DASH_LEN + 1;
	n -= DASH_LEN + 1;
	sp = memchr(s, ' ', n);
	if (!sp || !note_name_ok(s, (size_t)(sp - s)))
		return ST_PARSE;
	l->name = s;
	l->name_len = (size_t)(sp - s);
	return sig_decode(sp + 1, n - l->name_len - 1, l);
}

/* next_line - the "\n"-terminated line at *off, without its "\n"; *off
 * moves past it.  0 when no line is left (or it is unterminated). */
static int
next_line(const char *note, size_t n, size_t *off, const char **line, size_t *len)
{
	const char *nl;

	if (*off >= n || !(nl = memchr(note + *off, '\n', n - *off)))
		return 0;
	*line = note + *off;
	*len = (size_t)(nl - *line);
	*off += *len + 1;
	return 1;
}

status
note_split(const char *note, size_t n, size_t *text_len)
{
	size_t sep = 0, off, len, lines = 0;
	const char *line;
	struct sigline l;

	*text_len = 0;
	if (n > NOTE_MAX)
		return ST_TOOBIG;
	if (n < 2 || note[n - 1] != '\n' || !text_ok(note, n))
		return ST_PARSE;
	/* the text ends at the last blank line; signature lines hold none */
	for (size_t i = n - 1; i > 0 && !sep; i--)
		if (note[i] == '\n' && note[i - 1] == '\n')
			sep = i;
	if (!sep || sep + 1 == n)
		return ST_PARSE;
	for (off = sep + 1; next_line(note, n, &off, &line, &len);)
		if (++lines > NOTE_SIGS_MAX || parse_line(line, len, &l) != ST_OK)
			return ST_PARSE;
	*text_len = sep;
	return ST_OK;
}

/* cosig_msg - the message a type 0x04 signature signs. */
static status
cosig_msg(struct buf *m, uint64_t t, const char *text, size_t n)
{
	status rc = buf_addf(m, COSIG_HEADER "%" PRIu64 "\n", t);

	return rc ? rc : buf_add(m, text, n);
}

/* check_sig - verify line l by k over text[0..n); *t: a cosignature's time.
 * ST_BADSIG, or ST_INVALID for a time past 2^63 - 1. */
static status
check_sig(const struct note_key *k, const struct sigline *l, const char *text, size_t n,
    uint64_t *t)
{
	struct buf m;
	status rc;

	if (k->type == NOTE_ED25519)
		return l->raw_len == ED_SIG_LEN ?
		    ident_verify(k->pk, (const uint8_t *)text, n, l->raw + 4) : ST_BADSIG;
	if (l->raw_len != COSIG_LEN)
		return ST_BADSIG;
	*t = 0;
	for (int i = 0; i < 8; i++)
		*t = *t << 8 | l->raw[4 + i];
	if (*t >> 63)
		return ST_INVALID;
	buf_init(&m, NOTE_MAX + 64);
	rc = cosig_msg(&m, *t, text, n);
	if (!rc)
		rc = ident_verify(k->pk, (const uint8_t *)m.p, m.len, l->raw + 12);
	buf_free(&m);
	return rc;
}

status
note_verify(const char *note, size_t n, const struct note_key *keys, size_t nkeys,
    struct note_check *out)
{
	size_t off, len;
	const char *line;
	struct sigline l;
	status rc;

	memset(out, 0, sizeof *out);
	if (nkeys > NOTE_KEYS_MAX)
		return ST_INVALID;
	rc = note_split(note, n, &out->text_len);
	if (rc)
		return rc;
	for (off = out->text_len + 1; next_line(note, n, &off, &line, &len);) {
		if (parse_line(line, len, &l) != ST_OK)
			return ST_PARSE;	/* not reached: note_split checked it */
		for (size_t i = 0; i < nkeys; i++) {
			uint64_t t = 0;

			if (get32(l.raw) != keys[i].id || strlen(keys[i].name) != l.name_len ||
			    memcmp(keys[i].name, l.name, l.name_len) != 0)
				continue;
			rc = check_sig(&keys[i], &l, note, out->text_len, &t);
			if (rc) {
				memset(out, 0, sizeof *out);
				return rc;
			}
			out->verified |= 1u << i;
			out->time[i] = t;
		}
	}
	if (!out->verified) {
		memset(out, 0, sizeof *out);
		return ST_UNKNOWN_KEY;
	}
	return ST_OK;
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

/* sign_ok - name and text may be signed, and text, blank line and a line
 * of raw_len signature bytes by name fit in NOTE_MAX. */
static status
sign_ok(const char *name, const char *text, size_t n, size_t raw_len)
{
	size_t nl = strlen(name);

	if (!note_name_ok(name, nl) || !note_text_ok(text, n))
		return ST_INVALID;
	if (n > NOTE_MAX || NOTE_MAX - n < 1 + DASH_LEN + 1 + nl + 1 + (raw_len + 2) / 3 * 4 + 1)
		return ST_TOOBIG;
	return ST_OK;
}

status
note_sign(const struct ident *id, const char *name, const char *text, size_t n,
    struct buf *out)
{
	uint8_t raw[ED_SIG_LEN];
	size_t start = out->len;
	status rc = sign_ok(name, text, n, sizeof raw);

	if (rc)
		return rc;
	put32(raw, key_id(name, NOTE_ED25519, ident_pk(id)));
	ident_sign(id, (const uint8_t *)text, n, raw + 4);
	rc = buf_add(out, text, n);
	if (!rc)
		rc = buf_add(out, "\n", 1);
	if (!rc)
		rc = add_line(out, name, raw, sizeof raw);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

status
note_cosign(const struct ident *id, const char *name, const char *text, size_t n,
    uint64_t t, struct buf *out)
{
	uint8_t raw[COSIG_LEN];
	size_t start = out->len;
	struct buf m;
	status rc = sign_ok(name, text, n, sizeof raw);

	if (rc)
		return rc;
	if (t >> 63)
		return ST_INVALID;
	put32(raw, key_id(name, NOTE_COSIG, ident_pk(id)));
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	buf_init(&m, NOTE_MAX + 64);
	rc = cosig_msg(&m, t, text, n);
	if (!rc) {
		ident_sign(id, (const uint8_t *)m.p, m.len, raw + 12);
		rc = add_line(out, name, raw, sizeof raw);
	}
	buf_free(&m);
	if (rc)
		buf_truncate(out, start);
	return rc;
}

void
note_sig_each(const char *note, size_t n, size_t text_len, note_line_cb cb, void *arg)
{
	size_t off = text_len + 1, len;
	const char *line;

	while (next_line(note, n, &off, &line, &len))
		if (cb(arg, line, len + 1))
			return;
}
