/* formpost.h - a template's form from what an HTML form posts: the duty
 * console's compose page (console/compose.c) has a control per field of
 * the template, and the browser sends each value as text.  Pure: no I/O.
 *
 * The values are read as a person means them:
 *   - a value that is empty, or only spaces, tabs and line ends, is a
 *     field left out;
 *   - a text loses the spaces and line ends around it, and its line ends
 *     (CR LF, a lone CR: what a browser sends from a textarea) become LF,
 *     the one the template allows;
 *   - a list is one item per line, each item trimmed so, blank lines
 *     dropped;
 *   - a time may be written YYYY-MM-DDTHH:MM[:SS[.fff]][Z], a space for
 *     the T, t and z in either case: always UTC; it is written out as
 *     RFC 3339 writes it, YYYY-MM-DDTHH:MM:SS[.fff]Z.  A value that does
 *     not read as a time is kept as written, so the check says so;
 *   - a choice is its value, trimmed.
 * Then each field is checked against the template's rules on its own
 * (template_check_value), so that every field wrong is named at once, and
 * the whole form by template_check, the rule the desk sends by.
 */
#ifndef PARLEY_FORMPOST_H
#define PARLEY_FORMPOST_H

#include <stddef.h>

#include "fmt/template.h"
#include "util/buf.h"
#include "util/status.h"

#define FORMPOST_FIELDS_MAX 32	/* the most fields a template may have here */

/* formpost_get_fn - the value posted for field name (NUL-terminated,
 * borrowed until formpost_read returns), or NULL when none was posted. */
typedef const char *(*formpost_get_fn)(void *arg, const char *name);

/* What is wrong with a form, field by field. */
struct formpost {
	/* why[i]: field i's problem, as template_check words it, the field's
	 * JSON path first ("observed: missing", "questions[2]: longer than
	 * 2000 bytes"); "" when it has none */
	char why[FORMPOST_FIELDS_MAX][TEMPLATE_WHY_MAX];
	char form_why[TEMPLATE_WHY_MAX];	/* the form's as a whole; "" none */
	size_t n_bad;				/* problems in all */
};

/* formpost_read - the form of template t from the values get(arg, NAME)
 * gives for its fields (NAME: template_field_name), read as above.  ST_OK:
 * out gets the form (a JSON object, compact, the fields in the template's
 * order) and res says nothing is wrong.  Else out is untouched and res
 * says what: ST_INVALID (a field breaks a rule: its why; a required one
 * left out is "NAME: missing"), ST_TOOBIG (the form is over
 * TEMPLATE_FORM_MAX bytes: form_why), ST_NOMEM; ST_INVALID with form_why
 * for a template of more than FORMPOST_FIELDS_MAX fields.  Every why is
 * printable ASCII. */
status formpost_read(const struct template *t, formpost_get_fn get, void *arg,
    struct buf *out, struct formpost *res) WUR;

/* formpost_field - the field of t a why names by its path (the field's
 * name, then ':' or '['), or -1 when it names none. */
int formpost_field(const struct template *t, const char *why);

/* formpost_lines - append v (NULL: nothing) to out with its line ends (CR
 * LF, a lone CR) made LF: a value as formpost_read reads it, to show again
 * in the form it came from. */
status formpost_lines(struct buf *out, const char *v) WUR;

#endif
