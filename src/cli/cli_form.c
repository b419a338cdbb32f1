/* cli_form.c - a formal message as a person reads it (parley show): the
 * template's fixed labels in the reader's language, the free text as
 * written, and every time in UTC and in both parties' zones.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_view.h"
#include "fmt/deskmsg.h"
#include "util/text.h"

/* zones - "UTC; <local> at SENDER (ZONE); <local> at RECEIVER (ZONE)" for
 * the time text t (deskview_zones); t itself, escaped, when it is not a
 * time. */
static const char *
zones(const char *t, const char *sender, const char *sender_tz, const char *receiver,
    const char *here_tz, char out[static DESKVIEW_ZONES_LEN])
{
	if (deskview_zones(t, sender, sender_tz, receiver, here_tz, out))
		return out;
	snprintf(out, DESKVIEW_ZONES_LEN, "%s", cli_text(t, 0));
	return out;
}

void
cli_form_print(const struct message *m, const struct deskmsg_form *f, const char *sender,
    const char *sender_tz, const char *receiver, const char *here_tz, enum template_lang lang)
{
	const struct template *t = f->t;
	char z[DESKVIEW_ZONES_LEN];

	printf("template:   %s (version %d): %s\n", template_name(t), template_version(t),
	    template_title(t, lang));
	if (f->officer[0])
		printf("officer:    %s\n", f->officer);
	if (f->in_reply_to[0])
		printf("in reply to: %s\n", f->in_reply_to);
	printf("sent:       %s\n\n", zones(m->created_at, sender, sender_tz, receiver, here_tz, z));
	for (size_t i = 0; i < template_n_fields(t); i++) {
		json_t *v = json_object_get(f->form, template_field_name(t, i));
		size_t k;
		json_t *e;

		if (!v)
			continue;
		printf("%s:\n", cli_text(template_field_label(t, i, lang), 0));
		switch (template_field_type(t, i)) {
		case TEMPLATE_LIST:
			for (k = 0; k < json_array_size(v); k++) {
				e = json_array_get(v, k);
				printf("  %zu. %s\n", k + 1, cli_text(json_string_value(e), 0));
			}
			break;
		case TEMPLATE_TIME:
			printf("  %s\n", zones(json_string_value(v), sender, sender_tz, receiver, here_tz, z));
			break;
		default:
			printf("  %s\n", cli_text(json_string_value(v), TEXT_LINES));
			break;
		}
	}
}

json_t *
cli_form_json(const struct message *m, const struct deskmsg_form *f, const char *sender_tz,
    const char *here_tz, enum template_lang lang)
{
	const struct template *t = f->t;
	json_t *fields = json_array(), *j;

	for (size_t i = 0; i < template_n_fields(t); i++) {
		json_t *v = json_object_get(f->form, template_field_name(t, i));

		if (v)
			json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:O}", "name",
			    template_field_name(t, i), "label", template_field_label(t, i, lang),
			    "type", template_type_name(template_field_type(t, i)), "value", v));
	}
	j = json_pack("{s:s, s:i, s:s, s:s, s:o}", "template", template_name(t), "version",
	    template_version(t), "title", template_title(t, lang), "lang",
	    template_lang_code(lang), "fields", fields);
	if (!j)
		return NULL;
	json_object_set_new(j, "officer", f->officer[0] ? json_string(f->officer) : json_null());
	json_object_set_new(j, "in_reply_to", f->in_reply_to[0] ? json_string(f->in_reply_to) :
	    json_null());
	json_object_set_new(j, "sender_tz", sender_tz && *sender_tz ? json_string(sender_tz) :
	    json_null());
	json_object_set_new(j, "receiver_tz", here_tz && *here_tz ? json_string(here_tz) :
	    json_null());
	(void)m;
	return j;
}
