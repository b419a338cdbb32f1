/* stix.h - STIX 2.1 objects read and checked (OASIS Standard, 10 June
 * 2021), one object or a bundle of them, with each object's TLP label.
 *
 * stix_read parses the text once (jansson) and gives, per object, either
 * what later work needs (type, id, its version, its TLP label) or why it
 * is refused, naming the property and the rule:
 *
 *   indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: "pattern" is required
 *
 * A refused object does not refuse the bundle; a document that is not
 * JSON, a bundle whose own envelope is wrong, or one over a limit below
 * is refused whole.  What is checked, and what is not yet, is in
 * docs/STIX.md.  Pure: no I/O.
 */
#ifndef PARLEY_STIX_H
#define PARLEY_STIX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fmt/tlp.h"
#include "util/status.h"

/* The limits: a document over one of the first two is refused whole, an
 * object over one of the last two alone. */
#define STIX_BYTES_MAX (64u * 1024 * 1024)	/* bytes of a document */
#define STIX_OBJECTS_MAX 100000			/* objects in a bundle */
#define STIX_DEPTH_MAX 32	/* levels of arrays and objects in one object (itself 1) */
#define STIX_STRING_MAX (1024u * 1024)	/* bytes of one string or property name */

#define STIX_TYPE_MAX 250			/* characters of a type name */
#define STIX_ID_MAX (STIX_TYPE_MAX + 2 + 36)	/* characters of an identifier */
#define STIX_WHY_MAX 512			/* bytes of a reason, NUL included */

/* What an object is, by section of the specification; a custom type is
 * an SDO when it has created or modified, else an SCO. */
enum stix_kind {
	STIX_SDO,	/* section 4, and custom objects with created/modified */
	STIX_SRO,	/* section 5: relationship, sighting */
	STIX_SCO,	/* section 6, and custom objects without them */
	STIX_META	/* section 7: language-content, marking-definition, extension-definition */
};

/* Which TLP markings an object carries (stix_obj.tlp_from). */
#define STIX_TLP_V1 1u	/* TLP 1.0: the four marking-definitions of section 7.2.1.4 */
#define STIX_TLP_V2 2u	/* TLP 2.0: the five of the OASIS extension definition
			 * extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d */

/* One object as read.  Strings are borrowed from the document (valid
 * until stix_free); a refused object has only index, ok, why and what of
 * type and id it had. */
struct stix_obj {
	size_t index;		/* its place in the bundle's objects; 0 alone */
	int ok;			/* 1: accepted; 0: refused, why says why */
	const char *why;	/* refused: "ID: REASON" (or "objects[N]: REASON"
				 * when the id is unusable), printable ASCII; NULL when ok */
	const char *type;	/* NULL when it has no string "type" */
	const char *id;		/* NULL when it has no string "id" */
	enum stix_kind kind;
	int custom;		/* a type the specification does not define */
	const char *spec_version;	/* "2.1", or NULL (an SCO may leave it out) */
	/* created and modified as written and in milliseconds since the epoch
	 * (digits past the millisecond dropped); NULL and 0 when absent */
	const char *created, *modified;
	int64_t created_ms, modified_ms;
	/* The version key: (id, modified) when versioned; the id alone when
	 * not: an SCO without modified (SCOs are not versioned, section 3.6)
	 * and a marking-definition (never versioned, section 7.2.1). */
	int versioned;
	int revoked;		/* "revoked": true */
	/* TLP: marked is 1 when object_marking_refs or a granular marking
	 * names one of the nine TLP marking-definitions, and tlp is then the
	 * highest of them (TLP:WHITE counts as TLP:CLEAR); 0 ("none") when
	 * unmarked: the caller applies the link's default. */
	int marked;
	enum tlp tlp;
	unsigned tlp_from;	/* STIX_TLP_V1 | STIX_TLP_V2 */
	const json_t *json;	/* the object itself */
};

struct stix_doc;	/* opaque: the parsed document and its objects */

/* stix_read - read text[0..n), one STIX object or a bundle ("type":
 * "bundle", "id": bundle--UUID, "objects": a non-empty list), into *out
 * (the caller's: stix_free).  ST_OK when the document was read, even if
 * some of its objects are refused (stix_refused counts them).  Else *out
 * is NULL and why says "(top): WHAT" or "bundle: WHAT": ST_TOOBIG over
 * STIX_BYTES_MAX bytes or STIX_OBJECTS_MAX objects, ST_PARSE for text that
 * is not one JSON object (a member twice in an object included),
 * ST_INVALID for a bundle's type, id or objects gone wrong, ST_NOMEM. */
status stix_read(const char *text, size_t n, struct stix_doc **out,
    char why[static STIX_WHY_MAX]) WUR;
/* stix_read_envelope - read text[0..n), a TAXII 2.1 envelope (TAXII 2.1
 * section 3.7: an object whose "objects" is a list; "more" and "next" are
 * not read), its objects read and checked as a bundle's are.  Errors as
 * stix_read, with why "envelope: WHAT" for an envelope gone wrong
 * (ST_INVALID: no "objects" list, or an empty one).  stix_bundle_id is
 * NULL for it. */
status stix_read_envelope(const char *text, size_t n, struct stix_doc **out,
    char why[static STIX_WHY_MAX]) WUR;
/* stix_free - release d; NULL is a no-op. */
void stix_free(struct stix_doc *d);

/* stix_count - the objects read: a bundle's, or 1. */
size_t stix_count(const struct stix_doc *d);
/* stix_at - object i (< stix_count). */
const struct stix_obj *stix_at(const struct stix_doc *d, size_t i);
/* stix_refused - how many of them are refused. */
size_t stix_refused(const struct stix_doc *d);
/* stix_bundle_id - the bundle's id, or NULL when the document is one
 * object. */
const char *stix_bundle_id(const struct stix_doc *d);

/* stix_tlp_name - o's label as stix_obj says it: "TLP:AMBER+STRICT", or
 * "none" when unmarked.  Static storage. */
const char *stix_tlp_name(const struct stix_obj *o);
/* stix_kind_name - "sdo", "sro", "sco", "meta"; "?" out of range. */
const char *stix_kind_name(enum stix_kind k);
/* stix_tlp_of - which TLP marking-definition id names (case aside, as
 * RFC 4122 reads UUIDs): 1 with *t and *from (STIX_TLP_V1 or _V2) set, or
 * 0 for any other string. */
int stix_tlp_of(const char *id, enum tlp *t, unsigned *from);

#endif
