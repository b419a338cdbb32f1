/* fuzz_template.c - forms as template_check reads them, against every
 * template: besides memory safety it checks that every why is printable
 * ASCII and set exactly when the form is refused, that a refusal is one of
 * the statuses the contract names, and that template_subject takes every
 * form that passed. */
#include "fuzz_common.h"
#include "fmt/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[TEMPLATE_WHY_MAX], subj[TEMPLATE_SUBJECT_MAX + 1];
	char *form;

	fuzz_init();
	form = malloc(size + 1);	/* template_subject takes NUL-terminated text */
	if (!form)
		abort();
	memcpy(form, data, size);
	form[size] = '\0';
	for (size_t i = 0; i < template_count(); i++) {
		const struct template *t = template_at(i);
		status rc = template_check(t, (const char *)data, size, why);

		for (const char *p = why; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				abort();
		if (rc == ST_OK) {
			if (why[0] || memchr(data, 0, size) ||
			    template_subject(t, form, subj, sizeof subj) != ST_OK ||
			    strlen(subj) > TEMPLATE_SUBJECT_MAX)
				abort();
		} else if (!why[0] || (rc != ST_PARSE && rc != ST_INVALID && rc != ST_TOOBIG &&
		    rc != ST_NOMEM)) {
			abort();
		}
	}
	free(form);
	return 0;
}
