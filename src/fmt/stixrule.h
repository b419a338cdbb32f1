/* stixrule.h - the rules a STIX 2.1 object must pass before it leaves this
 * node for a peer (issue 16), and parley's origin extension.
 *
 * stixrule_apply holds one object, as stix_read accepted it, to the terms
 * of the agreement with the recipient, in this order; the first rule it
 * breaks refuses it (ST_BREACH) with a reason that starts with the
 * object's id, then names the clause:
 *
 *   1. TLP.  The object's label is its highest TLP marking (TLP 1.0 and
 *      2.0 alike, stix.h), or terms.unmarked when it has none.  A label
 *      above links.cert.tlp_max is refused:
 *        ID: links.cert.tlp_max is TLP:AMBER; the object is TLP:RED
 *      TLP:RED is the top of the order, so a TLP:RED object leaves only
 *      when the ceiling is exactly TLP:RED: the agreement allowing it in
 *      so many words.
 *   2. Onward transfer.  An object that came from another party (terms
 *      .foreign, or an object carrying parley's origin extension, which
 *      only a received object does) leaves only when that party's
 *      agreement says onward_transfer "with-consent" (terms.onward_ok),
 *      and then only at TLP:GREEN or below:
 *        ID: data.onward_transfer is never; the object came from ORIGIN
 *        ID: data.onward_transfer is with-consent; TLP:AMBER data from
 *            ORIGIN may not move on
 *   3. Critical infrastructure.  An object whose "labels" hold one of
 *      terms.ci_labels (exact, case-sensitive; default
 *      "critical-infrastructure"), or whose x_parley_critical_infrastructure
 *      is true, is critical-infrastructure data; refused when the
 *      agreement's data.critical_infrastructure is false:
 *        ID: data.critical_infrastructure is false; the object is labelled
 *            critical-infrastructure
 *   4. Personal data.  An email-addr, a user-account, an identity of
 *      identity_class "individual", an email-message with any of from_ref,
 *      sender_ref, to_refs, cc_refs, bcc_refs, or an object with a
 *      top-level property the operator listed ("TYPE.PROP", "*.PROP")
 *      holds personal data.  data.personal_data "refuse" refuses it:
 *        ID: data.personal_data is refuse; email-addr is personal data
 *      "allow" sends it as it is; "pseudonymise" rewrites it with pseudonyms
 *      keyed by terms.key (BLAKE2b), the same for the same input and key in
 *      every object and batch:
 *        email-addr: value -> p-HEX@pseudonymised.invalid, display_name
 *          removed; user-account: user_id, account_login -> p-HEX,
 *          display_name and credential removed; identity (individual):
 *          name -> p-HEX, contact_information and description removed;
 *          a listed property: a string -> p-HEX, anything else removed;
 *        identifiers: the id of an email-addr or user-account, and every
 *          reference to one in every object (a "*_ref" string or a
 *          "*_refs" element at any depth) -> TYPE--UUID, the UUID made from
 *          the keyed hash of the id (version 5 and RFC 4122 variant bits),
 *          so an email-message's from_ref still names its email-addr.
 *      An object the rewriting leaves invalid (stix_read refuses it: a
 *      listed property the object's type requires, say) is refused:
 *        ID: data.personal_data is pseudonymise; the object pseudonymised
 *            is not valid STIX (WHY)
 *
 * The origin extension: an object received from a peer is served to local
 * tools with extensions[STIXRULE_ORIGIN_EXT] =
 *   {"extension_type":"property-extension","origin":NAME,
 *    "origin_kid":KID,"received_at":TIME}
 * (stixrule_with_origin), which stixrule_origin reads back and rule 2
 * honours; stixrule_extension_definition writes the extension-definition
 * object that defines it.
 *
 * Pure: no I/O.  Every reason is printable ASCII; text from the object is
 * shown cut and with anything unprintable as '?'.
 */
#ifndef PARLEY_STIXRULE_H
#define PARLEY_STIXRULE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fmt/agreement.h"
#include "fmt/stix.h"
#include "fmt/tlp.h"
#include "util/buf.h"
#include "util/status.h"

#define STIXRULE_WHY_MAX 512	/* bytes of a reason, NUL included */
#define STIXRULE_KEY_LEN 32	/* bytes of the pseudonymisation key */
#define STIXRULE_NAME_MAX 64	/* bytes of an origin's name or key id, NUL included */

/* parley's origin extension: a property-extension (version 4 UUID, fixed). */
#define STIXRULE_ORIGIN_EXT "extension-definition--5fc28f09-479f-485d-b216-7a0291325a29"
/* The identity that created the extension-definition (fixed). */
#define STIXRULE_ORIGIN_CREATOR "identity--8f85b32d-ef26-4897-a2b3-5764d96d45f7"

/* The terms one object is held to on its way to one recipient. */
struct stixrule_terms {
	enum tlp ceiling;	/* the agreement's links.cert.tlp_max */
	enum tlp unmarked;	/* the label an unmarked object is given (TLP:AMBER by default) */
	int ci_allowed;		/* data.critical_infrastructure */
	enum agreement_personal personal;	/* data.personal_data */
	/* labels that mark critical-infrastructure data; NULL/0:
	 * {"critical-infrastructure"} */
	const char *const *ci_labels;
	size_t n_ci_labels;
	/* operator-listed personal properties, "TYPE.PROP" or "*.PROP"
	 * (top-level properties only) */
	const char *const *pd_props;
	size_t n_pd_props;
	/* STIXRULE_KEY_LEN bytes: the pseudonymisation key; needed only when
	 * personal is AGREEMENT_PD_PSEUDONYMISE */
	const uint8_t *key;
	/* onward transfer: the object was received from a party other than
	 * the recipient */
	int foreign;		/* 1: it came from another party (origin given) */
	int onward_ok;		/* the origin's agreement says onward_transfer "with-consent" */
	const char *origin;	/* the origin party's name, for the reason; NULL: the
				 * extension's, or "another party" */
};

/* stixrule_apply - hold o (from stix_read, o->ok) to t, rules 1-4 above.
 * ST_OK: out gets the object to send appended (compact JSON, keys sorted:
 * json_dumps(JSON_COMPACT|JSON_SORT_KEYS)), rewritten under
 * "pseudonymise", and why is "".  ST_BREACH: a rule refuses it; why says
 * "ID: CLAUSE". *label is set in both cases: o's TLP label, or t->unmarked
 * when o is unmarked.  Other errors (why set, "ID: WHAT"): ST_INVALID (o
 * not accepted by stix_read, or "pseudonymise" without a key), ST_NOMEM,
 * ST_TOOBIG (out's maximum).  out is untouched on any error. */
status stixrule_apply(const struct stixrule_terms *t, const struct stix_obj *o,
    struct buf *out, enum tlp *label, char why[static STIXRULE_WHY_MAX]) WUR;

/* stixrule_origin - the origin extension of obj (a STIX object), if any:
 * ST_OK with its origin (a node name, card_name_ok) in name and its key id
 * (why_kid_ok) in kid; ST_NOTFOUND when obj has no such extension;
 * ST_INVALID when it has one that says something else (not an object, a
 * member missing, of the wrong type or shape).  name and kid are "" unless
 * ST_OK. */
status stixrule_origin(const json_t *obj, char name[static STIXRULE_NAME_MAX],
    char kid[static STIXRULE_NAME_MAX]) WUR;

/* stixrule_with_origin - append to out the object obj[0..n) (one JSON
 * object, a member twice refused) with extensions[STIXRULE_ORIGIN_EXT]
 * set to {"extension_type":"property-extension","origin":origin_name,
 * "origin_kid":origin_kid,"received_at":received_at} (compact, keys
 * sorted); an extension of that id already there is replaced, any other
 * kept.  ST_PARSE: obj is not a JSON object; ST_INVALID: "extensions" is
 * there and not an object, or origin_name is not a node name
 * (card_name_ok), origin_kid not a key id (why_kid_ok), received_at not
 * a time stamp_parse reads; ST_TOOBIG (over STIX_BYTES_MAX, or out's
 * maximum), ST_NOMEM.  out is untouched on error. */
status stixrule_with_origin(const char *obj, size_t n, const char *origin_name,
    const char *origin_kid, const char *received_at, struct buf *out) WUR;

/* stixrule_extension_definition - append to out parley's STIX
 * extension-definition object of the origin extension (id
 * STIXRULE_ORIGIN_EXT, fixed content: the same bytes every time; compact,
 * keys sorted).  ST_TOOBIG (out's maximum), ST_NOMEM. */
status stixrule_extension_definition(struct buf *out) WUR;

#endif
