/* template.h - the registry of formal message templates (issue 14): typed,
 * versioned forms that officials fill in, compiled in.
 *
 * A template has a name ("incident-notification"), a version, a title and
 * fields; each field has a name, a type (text, time, choice, list), limits,
 * whether it is required, and a label in each of the six UN languages.  A
 * form is a JSON object whose members are fields of one template; see
 * docs/TEMPLATES.md for every template.  Pure: no I/O.
 */
#ifndef PARLEY_TEMPLATE_H
#define PARLEY_TEMPLATE_H

#include <stddef.h>

#include <jansson.h>

#include "util/status.h"

#define TEMPLATE_WHY_MAX 256
#define TEMPLATE_FORM_MAX 65536	/* bytes of a form */
#define TEMPLATE_SUBJECT_MAX 80	/* bytes of a subject, without the NUL */

enum template_lang {
	TEMPLATE_EN, TEMPLATE_FR, TEMPLATE_RU, TEMPLATE_ZH, TEMPLATE_ES, TEMPLATE_AR,
	TEMPLATE_LANGS
};

enum template_type { TEMPLATE_TEXT, TEMPLATE_TIME, TEMPLATE_CHOICE, TEMPLATE_LIST };

struct template;	/* opaque; every one is static and lives forever */

/* template_count - how many templates there are. */
size_t template_count(void);
/* template_at - template i (0 <= i < template_count()), in the order of
 * docs/TEMPLATES.md; NULL past the end. */
const struct template *template_at(size_t i);
/* template_find - the template named name (exact), or NULL if none. */
const struct template *template_find(const char *name);

/* template_lang_parse - the language of code ("en", "fr", "ru", "zh",
 * "es", "ar", exactly) into *out; ST_PARSE (*out untouched) else. */
status template_lang_parse(const char *code, enum template_lang *out) WUR;
/* template_lang_code - "en".."ar"; "?" out of range.  Static storage. */
const char *template_lang_code(enum template_lang l);

/* The getters below take a template from this module (never NULL); a
 * string returned is static, UTF-8, and never NULL unless said. */
const char *template_name(const struct template *t);
int template_version(const struct template *t);
/* template_title - the title in language l (English when l is out of range). */
const char *template_title(const struct template *t, enum template_lang l);
size_t template_n_fields(const struct template *t);

/* Field i of t (0 <= i < template_n_fields(t); the caller keeps to it). */
const char *template_field_name(const struct template *t, size_t i);
enum template_type template_field_type(const struct template *t, size_t i);
/* template_type_name - "text", "time", "choice" or "list"; "?" else. */
const char *template_type_name(enum template_type ty);
int template_field_required(const struct template *t, size_t i);
/* template_field_min, _max - bytes of UTF-8 a text (or each element of a
 * list) may hold, inclusive; 0 for time and choice. */
size_t template_field_min(const struct template *t, size_t i);
size_t template_field_max(const struct template *t, size_t i);
/* template_field_items_max - the most elements a list may hold (at least
 * one is needed); 0 for the other types. */
size_t template_field_items_max(const struct template *t, size_t i);
/* template_field_label - the field's label in language l (English when l
 * is out of range). */
const char *template_field_label(const struct template *t, size_t i, enum template_lang l);
/* template_field_choices - a NULL-terminated list of the values a choice
 * may take; NULL for the other types. */
const char *const *template_field_choices(const struct template *t, size_t i);

/* template_check - check form[0..n) against t: a JSON object (duplicate
 * members refused) whose members are all fields of t, every required one
 * present, each of its type and within its limits.  ST_OK with why "";
 * else why says "PATH: WHAT" in printable ASCII, PATH the member's JSON
 * path ("questions[2]: longer than 2000 bytes", "extra: unknown member"):
 * ST_TOOBIG over TEMPLATE_FORM_MAX bytes, ST_PARSE for text that is not a
 * JSON object, ST_INVALID for a form that breaks a rule, ST_NOMEM. */
status template_check(const struct template *t, const char *form, size_t n,
    char why[static TEMPLATE_WHY_MAX]) WUR;

/* template_check_json - template_check of a form already read as JSON
 * (root, borrowed): the same rules and whys, but the size and the
 * duplicate members, which are the reader's to refuse. */
status template_check_json(const struct template *t, const json_t *root,
    char why[static TEMPLATE_WHY_MAX]) WUR;

/* template_check_value - the rules of field i of t (0 <= i <
 * template_n_fields(t)) on one value v (borrowed): its type and limits,
 * as template_check_json checks a member present.  ST_OK with why "";
 * ST_INVALID with why as template_check's ("questions[2]: longer than
 * 2000 bytes"): what a form's page shows by the field it is about. */
status template_check_value(const struct template *t, size_t i, const json_t *v,
    char why[static TEMPLATE_WHY_MAX]) WUR;

/* template_subject - the subject a message of form (NUL-terminated, a form
 * template_check passed) takes: the first TEMPLATE_SUBJECT_MAX bytes of
 * t's subject field (cut at a character boundary, each newline made a
 * space), or t's fixed subject.  Into out[0..cap), NUL-terminated.
 * ST_TOOBIG (out "") when cap is under TEMPLATE_SUBJECT_MAX + 1; ST_PARSE
 * or ST_INVALID (out "") for a form that is not JSON or lacks the field. */
status template_subject(const struct template *t, const char *form, char *out, size_t cap) WUR;

#endif
