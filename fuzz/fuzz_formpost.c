/* fuzz_formpost.c - the values an HTML form posts, as formpost_read reads
 * them into a template's form: the first byte picks the template, the rest
 * are the values of its fields in turn, separated by NUL bytes (a field
 * past the last value is not posted).  Besides memory safety it checks
 * that a form read is one template_check passes and is not over
 * TEMPLATE_FORM_MAX bytes; that a refusal says why, and only as the
 * contract allows: ST_INVALID with each field's why naming that field
 * (formpost_field), ST_TOOBIG with the form's; that every why is printable
 * ASCII; and that out is untouched on a refusal. */
#include "fuzz_common.h"
#include "fmt/formpost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct posted {
	const struct template *t;
	const char *v[FORMPOST_FIELDS_MAX];
};

static const char *
get(void *arg, const char *name)
{
	const struct posted *p = arg;

	for (size_t i = 0; i < template_n_fields(p->t) && i < FORMPOST_FIELDS_MAX; i++)
		if (strcmp(template_field_name(p->t, i), name) == 0)
			return p->v[i];
	abort();	/* asked for a field the template does not have */
}

static void
ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct posted p;
	struct formpost res;
	char why[TEMPLATE_WHY_MAX];
	struct buf out;
	char *text;
	size_t at = 0;
	status rc;

	fuzz_init();
	if (size < 1)
		return 0;
	memset(&p, 0, sizeof p);
	p.t = template_at(data[0] % template_count());
	text = malloc(size);	/* the values, each NUL-terminated */
	if (!text)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (size_t i = 0; i < template_n_fields(p.t) && at < size - 1; i++) {
		p.v[i] = text + at;
		at += strlen(text + at) + 1;
	}
	buf_init(&out, TEMPLATE_FORM_MAX + 1);
	rc = formpost_read(p.t, get, &p, &out, &res);
	ascii(res.form_why);
	for (size_t i = 0; i < FORMPOST_FIELDS_MAX; i++) {
		ascii(res.why[i]);
		if (res.why[i][0] && (i >= template_n_fields(p.t) ||
		    formpost_field(p.t, res.why[i]) != (int)i))
			abort();
	}
	if (rc == ST_OK) {
		if (res.n_bad || res.form_why[0] || out.len > TEMPLATE_FORM_MAX ||
		    template_check(p.t, out.p, out.len, why) != ST_OK)
			abort();
	} else if (rc != ST_NOMEM && (out.len || !res.n_bad ||
	    (rc == ST_TOOBIG && !res.form_why[0]) ||
	    (rc != ST_INVALID && rc != ST_TOOBIG))) {
		abort();
	}
	buf_free(&out);
	free(text);
	return 0;
}
