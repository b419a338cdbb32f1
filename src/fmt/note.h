/* note.h - C2SP signed notes (c2sp.org/signed-note), verifier keys, and
 * Ed25519 timestamped cosignatures (c2sp.org/tlog-cosignature, type 0x04).
 *
 * A signed note is a text ending in "\n", a blank line, then one or more
 * lines "— NAME base64(keyid4 || signature)\n" (U+2014 em dash).  The text is
 * split from the signatures at the LAST blank line.  A note is valid UTF-8
 * with no control characters other than "\n" (none of C0, DEL or C1).
 *
 * Key ID = SHA-256(name || "\n" || type || pk)[:4], big-endian.
 * Type 0x01 signs the note text; type 0x04 signs
 *   "cosignature/v1\ntime T\n" || text   (T: POSIX seconds, decimal)
 * and its signature is base64(keyid4 || u64be(T) || sig64).
 */
#ifndef PARLEY_NOTE_H
#define PARLEY_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "crypto/ident.h"
#include "util/status.h"

#define NOTE_ED25519 0x01
#define NOTE_COSIG 0x04
#define NOTE_NAME_MAX 127	/* bytes in a key name */
#define NOTE_MAX 16384		/* bytes in a note we accept */
#define NOTE_SIGS_MAX 32	/* signature lines in a note we accept */
#define NOTE_KEYS_MAX 8		/* known keys passed to note_verify */

/* A verifier key: who (name), how (type), and the public key. */
struct note_key {
	char name[NOTE_NAME_MAX + 1];
	uint8_t type;		/* NOTE_ED25519 or NOTE_COSIG */
	uint8_t pk[IDENT_PK_LEN];
	uint32_t id;		/* key ID, computed by note_key_init */
};

/* note_name_ok - 1 when s[0..n) is a valid key name: non-empty, at most
 * NOTE_NAME_MAX bytes, printable ASCII without space or '+'. */
int note_name_ok(const char *s, size_t n);
/* note_key_init - fill k for name, type and pk, computing the key ID.
 * ST_INVALID for a bad name or an unsupported type. */
status note_key_init(struct note_key *k, const char *name, uint8_t type,
    const uint8_t pk[static IDENT_PK_LEN]) WUR;
/* note_vkey - append the verifier key "NAME+hex8(keyid)+base64(type||pk)". */
status note_vkey(const struct note_key *k, struct buf *out) WUR;
/* note_vkey_parse - parse a verifier key (s[0..n), no newline); checks that
 * the key ID matches name, type and key.  ST_PARSE / ST_INVALID. */
status note_vkey_parse(const char *s, size_t n, struct note_key *out) WUR;

/* note_sign - append to out the signed note: text, "\n", and one type 0x01
 * signature line by id under name.  text[0..n) must be a valid note text
 * (ends in "\n", valid characters): ST_INVALID otherwise; ST_TOOBIG if the
 * note would exceed NOTE_MAX.  out is unchanged on error. */
status note_sign(const struct ident *id, const char *name, const char *text, size_t n,
    struct buf *out) WUR;
/* note_cosign - append one type 0x04 signature line (with its "\n") by id
 * under name, over text[0..n) at time t (POSIX seconds, < 2^63).  Errors
 * as note_sign, and ST_INVALID for t >= 2^63. */
status note_cosign(const struct ident *id, const char *name, const char *text, size_t n,
    uint64_t t, struct buf *out) WUR;

/* The outcome of note_verify. */
struct note_check {
	size_t text_len;		/* the note text is note[0..text_len) */
	unsigned verified;		/* bit i: keys[i] signed and it verified */
	uint64_t time[NOTE_KEYS_MAX];	/* for type 0x04 keys[i]: cosignature time */
};

/* note_split - parse the note's structure only: *text_len is the length of
 * the text (with its final "\n"); signature lines start at text_len + 1.
 * ST_PARSE names no detail: malformed structure, bad UTF-8 or control
 * characters, bad signature line, non-canonical base64, more than
 * NOTE_SIGS_MAX lines; ST_TOOBIG over NOTE_MAX bytes. */
status note_split(const char *note, size_t n, size_t *text_len) WUR;
/* note_verify - parse note[0..n) and verify the signature lines made by the
 * nkeys (<= NOTE_KEYS_MAX) known keys; lines by unknown keys (name or ID
 * differ) are ignored.  ST_BADSIG if any known key's line fails to verify;
 * ST_INVALID if a known key's cosignature has a time >= 2^63, or nkeys is
 * over NOTE_KEYS_MAX; ST_UNKNOWN_KEY if no known key signed; errors of
 * note_split.  *out is all zero unless ST_OK. */
status note_verify(const char *note, size_t n, const struct note_key *keys, size_t nkeys,
    struct note_check *out) WUR;

/* note_sig_each - call cb for each signature line of a note that passed
 * note_split (line includes its "\n").  cb returns non-zero to stop. */
typedef int (*note_line_cb)(void *arg, const char *line, size_t len);
void note_sig_each(const char *note, size_t n, size_t text_len, note_line_cb cb, void *arg);

#endif
