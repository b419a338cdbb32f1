/* csafpub_int.h - what the CSAF provider's files share; not for use
 * outside src/csafpub/.  csafpub.c owns the service, its routes, users and
 * API; csafpub_list.c the listings of one TLP label in memory and the
 * paths of the distribution; csafpub_pgp.c the OpenPGP key (GPGME).
 */
#ifndef PARLEY_CSAFPUB_INT_H
#define PARLEY_CSAFPUB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/csaf.h"
#include "util/buf.h"
#include "util/status.h"

#define CSAFPUB_ROOT "/.well-known/csaf/"
#define CSAFPUB_FILE_MAX CSAF_FILENAME_MAX	/* a document's file name, with the NUL */
#define CSAFPUB_LISTING_MAX (1u << 30)	/* bytes of one listing or feed */

/* The TLP labels CSAF 2.0 knows, each with a folder of its own. */
enum csafpub_tlp { CSAFPUB_WHITE, CSAFPUB_GREEN, CSAFPUB_AMBER, CSAFPUB_RED, CSAFPUB_NTLP };

/* csafpub_tlp_name - "WHITE"...; csafpub_tlp_dir - "white"... */
const char *csafpub_tlp_name(enum csafpub_tlp t);
const char *csafpub_tlp_dir(enum csafpub_tlp t);
/* csafpub_tlp_parse - a CSAF label (WHITE, GREEN, AMBER, RED, any case;
 * CLEAR as WHITE) into *out; ST_INVALID for anything else ("" too). */
status csafpub_tlp_parse(const char *label, enum csafpub_tlp *out) WUR;
/* csafpub_tlp_list - a user's labels, "GREEN,AMBER" (any case, no
 * spaces), as a mask of 1 << enum csafpub_tlp; ST_INVALID for an unknown
 * label, WHITE (public already), an empty item or an empty list. */
status csafpub_tlp_list(const char *s, unsigned *mask) WUR;

/* What a path under CSAFPUB_ROOT names. */
enum csafpub_kind {
	CSAFPUB_TOP,		/* "": the folders */
	CSAFPUB_DIR,		/* "white/": the label's folder */
	CSAFPUB_INDEX,		/* "white/index.txt" */
	CSAFPUB_CHANGES,	/* "white/changes.csv" */
	CSAFPUB_FEED,		/* "white/csaf-feed-tlp-white.json" */
	CSAFPUB_YEAR,		/* "white/2024/" */
	CSAFPUB_DOC,		/* "white/2024/NAME.json" */
	CSAFPUB_SHA256,		/* ... .json.sha256 */
	CSAFPUB_SHA512,		/* ... .json.sha512 */
	CSAFPUB_ASC,		/* ... .json.asc */
};
struct csafpub_path {
	enum csafpub_kind kind;
	enum csafpub_tlp tlp;
	int year;
	char doc[CSAFPUB_FILE_MAX + 16];	/* DOC..ASC: "white/2024/NAME.json" */
};
/* csafpub_path_parse - p (the decoded path after CSAFPUB_ROOT) into *out;
 * a folder with or without its final "/".  ST_NOTFOUND for anything the
 * distribution does not hold by its form (a document's name is one
 * csaf_filename could make).  Pure; any input. */
status csafpub_path_parse(const char *p, struct csafpub_path *out) WUR;

/* One published document as a listing holds it. */
struct csafpub_item {
	int64_t seq;		/* the publication */
	const char *path;	/* "white/2024/NAME.json" */
	const char *tracking, *title;
	int64_t initial_ms, current_ms, published_ms;
	/* the release dates as the document writes them; "" or NULL: from
	 * the ms above */
	const char *initial, *current;
};

/* The listings of one TLP label: index.txt, changes.csv, the ROLIE feed and
 * the folders' pages, made from pieces each document brings when it is
 * added (so a change costs that document, not a rebuild), joined on the
 * first request after a change and kept until the next. */
struct csafpub_list;

/* csafpub_list_new - the listings of label t under base (the provider's
 * base URL, copied), whose feed is titled for publisher (copied). */
status csafpub_list_new(enum csafpub_tlp t, const char *base, const char *publisher,
    struct csafpub_list **out) WUR;
void csafpub_list_free(struct csafpub_list *l);
/* csafpub_list_add - it (copied) listed, in changes.csv's order (newest
 * current release first); changed_ms is the listings' last change. */
status csafpub_list_add(struct csafpub_list *l, const struct csafpub_item *it,
    int64_t changed_ms) WUR;
/* csafpub_list_remove - publication seq no longer listed; 0 when it was
 * not. */
int csafpub_list_remove(struct csafpub_list *l, int64_t seq, int64_t changed_ms);
/* csafpub_list_touch - the listings last changed at ms (when later). */
void csafpub_list_touch(struct csafpub_list *l, int64_t ms);
size_t csafpub_list_count(const struct csafpub_list *l);
int64_t csafpub_list_changed(const struct csafpub_list *l);
/* csafpub_list_index, _changes, _feed - the text of index.txt, changes.csv
 * and the ROLIE feed (borrowed: valid until the next change). */
status csafpub_list_index(struct csafpub_list *l, const char **p, size_t *n) WUR;
status csafpub_list_changes(struct csafpub_list *l, const char **p, size_t *n) WUR;
status csafpub_list_feed(struct csafpub_list *l, const char **p, size_t *n) WUR;
/* csafpub_list_folder - an HTML page listing the label's folder (year 0:
 * its files and year folders) or year folder, into out. ST_NOTFOUND for
 * a year with no document. */
status csafpub_list_folder(const struct csafpub_list *l, int year, struct buf *out) WUR;
/* csafpub_list_feed_url - the feed's URL into out. */
void csafpub_list_feed_url(const struct csafpub_list *l, char *out, size_t cap);

/* The provider's OpenPGP key, through GPGME (csafpub_pgp.c). */
struct csafpub_pgp;
/* csafpub_pgp_open - the keyring in dir (made 0700 when absent; refused
 * when another user owns it), its signing key made when it holds none (a
 * new Ed25519 key, no passphrase, user id uid).  ST_CRYPTO when GnuPG
 * fails (*why says how), ST_IO. */
status csafpub_pgp_open(const char *dir, const char *uid, struct csafpub_pgp **out,
    char why[static 256]) WUR;
/* csafpub_pgp_free - stops the agent GnuPG started for the keyring (no
 * gpg process outlives the daemon); NULL is a no-op. */
void csafpub_pgp_free(struct csafpub_pgp *g);
/* csafpub_pgp_fpr - the key's fingerprint, upper-case hex. */
const char *csafpub_pgp_fpr(const struct csafpub_pgp *g);
/* csafpub_pgp_public - the public key, ASCII-armoured. */
const char *csafpub_pgp_public(const struct csafpub_pgp *g, size_t *len);
/* csafpub_pgp_sign - a detached ASCII-armoured signature of doc[0..len)
 * into *sig (NUL-terminated; the caller's: free).  ST_CRYPTO. */
status csafpub_pgp_sign(struct csafpub_pgp *g, const void *doc, size_t len,
    char **sig) WUR;

#endif
