/* fuzz_stix.c - STIX 2.1 documents as stix_read reads them: besides memory
 * safety it checks that the document's why is printable ASCII and set
 * exactly when the document is refused, with a status the contract names;
 * that each object is accepted exactly when it has no why, that every why
 * is printable ASCII naming its object, that the refused are counted;
 * that an accepted object says what its kind needs (a type, an id of that
 * type, modified when versioned, a label in range); and that an accepted
 * object written out by jansson and read alone is accepted again, with
 * the same version and label.  The same bytes are read as a TAXII envelope
 * too (stix_read_envelope). */
#include "fuzz_common.h"
#include "fmt/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
printable(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if (strlen(s) >= STIX_WHY_MAX)
		abort();
}

/* again - o written out and read alone: accepted, the same. */
static void
again(const struct stix_obj *o)
{
	char why[STIX_WHY_MAX], *text = json_dumps(o->json, JSON_COMPACT);
	const struct stix_obj *b;
	struct stix_doc *d;

	if (!text)
		abort();
	if (stix_read(text, strlen(text), &d, why) != ST_OK || stix_count(d) != 1)
		abort();
	b = stix_at(d, 0);
	if (!b->ok || strcmp(b->type, o->type) != 0 || strcmp(b->id, o->id) != 0 ||
	    b->kind != o->kind || b->custom != o->custom || b->versioned != o->versioned ||
	    b->modified_ms != o->modified_ms || b->created_ms != o->created_ms ||
	    b->marked != o->marked || b->tlp != o->tlp || b->tlp_from != o->tlp_from ||
	    b->revoked != o->revoked)
		abort();
	stix_free(d);
	free(text);
}

/* envelope - the same bytes as a TAXII envelope: refused with a why, or
 * read with one object or more, no bundle id, each refusal printable and
 * counted. */
static void
envelope(const uint8_t *data, size_t size)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d;
	size_t refused = 0;
	status rc = stix_read_envelope((const char *)data, size, &d, why);

	printable(why);
	if (rc != ST_OK) {
		if (why[0] == '\0' || d)
			abort();
		return;
	}
	if (why[0] != '\0' || !d || stix_count(d) == 0 || stix_bundle_id(d))
		abort();
	for (size_t i = 0; i < stix_count(d); i++) {
		const struct stix_obj *o = stix_at(d, i);

		if (o->index != i || o->ok == !!o->why)
			abort();
		if (!o->ok) {
			printable(o->why);
			refused++;
		}
	}
	if (refused != stix_refused(d))
		abort();
	stix_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[STIX_WHY_MAX];
	struct stix_doc *d;
	size_t refused = 0;
	status rc;

	envelope(data, size);
	rc = stix_read((const char *)data, size, &d, why);

	printable(why);
	if (rc != ST_OK) {
		if (why[0] == '\0' || d || (rc != ST_PARSE && rc != ST_INVALID && rc != ST_TOOBIG &&
		    rc != ST_NOMEM))
			abort();
		return 0;
	}
	if (why[0] != '\0' || !d || stix_count(d) > STIX_OBJECTS_MAX)
		abort();
	for (size_t i = 0; i < stix_count(d); i++) {
		const struct stix_obj *o = stix_at(d, i);

		if (o->index != i || !o->json)
			abort();
		if (!o->ok) {
			char at[48];

			refused++;
			if (!o->why)
				abort();
			printable(o->why);
			if (stix_bundle_id(d))
				snprintf(at, sizeof at, "objects[%zu]: ", i);
			else
				snprintf(at, sizeof at, "(top): ");
			if (strncmp(o->why, at, strlen(at)) != 0 && (!o->id ||
			    strncmp(o->why, o->id, strlen(o->id)) != 0 || o->why[strlen(o->id)] != ':'))
				abort();
			continue;
		}
		if (o->why || !o->type || !o->id || strncmp(o->id, o->type, strlen(o->type)) != 0 ||
		    strncmp(o->id + strlen(o->type), "--", 2) != 0 ||
		    strlen(o->id) != strlen(o->type) + 2 + 36 ||
		    (o->versioned && !o->modified) || (o->kind != STIX_SCO && !o->created) ||
		    (o->spec_version && strcmp(o->spec_version, "2.1") != 0) ||
		    (o->kind != STIX_SCO && !o->spec_version) ||
		    (o->marked && (unsigned)o->tlp >= TLP__COUNT) || (o->marked != !!o->tlp_from) ||
		    (o->tlp_from & ~(STIX_TLP_V1 | STIX_TLP_V2)) ||
		    (o->created && o->modified && o->modified_ms < o->created_ms) ||
		    strcmp(stix_tlp_name(o), "?") == 0)
			abort();
		again(o);
	}
	if (refused != stix_refused(d))
		abort();
	stix_free(d);
	return 0;
}
