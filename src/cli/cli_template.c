/* cli_template.c - parley templates, parley template show: the formal
 * message templates this build knows (fmt/template.h, docs/TEMPLATES.md).
 *
 * Both need no node and no network: the templates are compiled in, so
 * --dir and $PARLEY_DIR are taken and ignored.  A name or language the
 * user typed is escaped before it is echoed.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "fmt/template.h"

static const char templates_usage[] =
    "usage: parley templates [--json] [--dir DIR]\n"
    "  list the formal message templates: name, version, title (English) and\n"
    "  number of fields.  Needs no node: --dir and $PARLEY_DIR are ignored.\n";

static const char template_usage[] =
    "usage: parley template show NAME [--lang L] [--json] [--dir DIR]\n"
    "  show template NAME: each field's name, type, whether it is required,\n"
    "  its limits or choices, and its label in language L (en, fr, ru, zh,\n"
    "  es, ar; default en).  --json gives every label in every language.\n"
    "  Needs no node: --dir and $PARLEY_DIR are ignored.\n";

/* parse - the options both verbs share; -1 to go on, else the exit status. */
static int
parse(int argc, char **argv, const char *usage, int *json, const char **lang)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "lang", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': break;	/* taken, not used: no node */
		case 'l':
			if (!lang)
				return cli_usage(usage, 1);
			*lang = optarg;
			break;
		case 'j': *json = 1; break;
		case 'h': return cli_usage(usage, 0);
		default: return cli_usage(usage, 1);
		}
	}
	return -1;
}

int
cli_templates(int argc, char **argv)
{
	int json = 0, r = parse(argc, argv, templates_usage, &json, NULL);
	json_t *arr;

	if (r >= 0)
		return r;
	if (optind != argc)
		return cli_usage(templates_usage, 1);
	arr = json_array();
	for (size_t i = 0; i < template_count(); i++) {
		const struct template *t = template_at(i);

		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:i, s:s, s:I}", "name",
			    template_name(t), "version", template_version(t), "title",
			    template_title(t, TEMPLATE_EN), "n_fields",
			    (json_int_t)template_n_fields(t)));
		else
			printf("%-24s v%d  %-32s %zu field%s\n", template_name(t),
			    template_version(t), template_title(t, TEMPLATE_EN),
			    template_n_fields(t), template_n_fields(t) == 1 ? "" : "s");
	}
	if (json)
		return cli_json(arr);
	json_decref(arr);
	return fflush(stdout) == 0 ? 0 : cli_fail("cannot write the list");
}

/* limits - "1..4000 bytes", "1..20 items of 1..2000 bytes", the choices
 * joined by '|', or "" (time), into out. */
static const char *
limits(const struct template *t, size_t i, char *out, size_t cap)
{
	const char *const *c = template_field_choices(t, i);
	size_t at = 0;

	out[0] = '\0';
	switch (template_field_type(t, i)) {
	case TEMPLATE_TEXT:
		snprintf(out, cap, "%zu..%zu bytes", template_field_min(t, i),
		    template_field_max(t, i));
		break;
	case TEMPLATE_LIST:
		snprintf(out, cap, "1..%zu items of %zu..%zu bytes", template_field_items_max(t, i),
		    template_field_min(t, i), template_field_max(t, i));
		break;
	case TEMPLATE_CHOICE:
		for (; c && *c && at < cap; c++) {
			int k = snprintf(out + at, cap - at, "%s%s", at ? "|" : "", *c);

			if (k < 0)
				break;
			at += (size_t)k;
		}
		break;
	case TEMPLATE_TIME:
		snprintf(out, cap, "RFC 3339 UTC");
		break;
	}
	return out;
}

static json_t *
field_json(const struct template *t, size_t i)
{
	enum template_type ty = template_field_type(t, i);
	const char *const *c = template_field_choices(t, i);
	json_t *f, *labels = json_object(), *choices;

	for (int l = 0; l < TEMPLATE_LANGS; l++)
		json_object_set_new(labels, template_lang_code((enum template_lang)l),
		    json_string(template_field_label(t, i, (enum template_lang)l)));
	f = json_pack("{s:s, s:s, s:b, s:o}", "name", template_field_name(t, i), "type",
	    template_type_name(ty), "required", template_field_required(t, i), "labels",
	    labels);
	if (ty == TEMPLATE_TEXT || ty == TEMPLATE_LIST) {
		json_object_set_new(f, "min_bytes", json_integer((json_int_t)template_field_min(t, i)));
		json_object_set_new(f, "max_bytes", json_integer((json_int_t)template_field_max(t, i)));
	}
	if (ty == TEMPLATE_LIST)
		json_object_set_new(f, "max_items",
		    json_integer((json_int_t)template_field_items_max(t, i)));
	if (c) {
		choices = json_array();
		for (; *c; c++)
			json_array_append_new(choices, json_string(*c));
		json_object_set_new(f, "choices", choices);
	}
	return f;
}

static int
show(const struct template *t, enum template_lang lang, int json)
{
	char lim[200];
	json_t *j, *titles, *fields;

	if (json) {
		titles = json_object();
		fields = json_array();
		for (int l = 0; l < TEMPLATE_LANGS; l++)
			json_object_set_new(titles, template_lang_code((enum template_lang)l),
			    json_string(template_title(t, (enum template_lang)l)));
		for (size_t i = 0; i < template_n_fields(t); i++)
			json_array_append_new(fields, field_json(t, i));
		j = json_pack("{s:s, s:i, s:s, s:o, s:o}", "name", template_name(t), "version",
		    template_version(t), "lang", template_lang_code(lang), "titles", titles,
		    "fields", fields);
		return cli_json(j);
	}
	printf("%s v%d: %s\n", template_name(t), template_version(t), template_title(t, lang));
	for (size_t i = 0; i < template_n_fields(t); i++)
		printf("  %-18s %-6s %-8s %-32s %s\n", template_field_name(t, i),
		    template_type_name(template_field_type(t, i)),
		    template_field_required(t, i) ? "required" : "optional",
		    limits(t, i, lim, sizeof lim), template_field_label(t, i, lang));
	return fflush(stdout) == 0 ? 0 : cli_fail("cannot write the template");
}

int
cli_template(int argc, char **argv)
{
	const char *lang = "en";
	const struct template *t;
	enum template_lang l;
	int json = 0, r = parse(argc, argv, template_usage, &json, &lang);

	if (r >= 0)
		return r;
	if (argc - optind != 2 || strcmp(argv[optind], "show") != 0)
		return cli_usage(template_usage, 1);
	if (template_lang_parse(lang, &l) != ST_OK)
		return cli_fail("unknown language '%s' (en, fr, ru, zh, es, ar)",
		    cli_text(lang, 0));
	t = template_find(argv[optind + 1]);
	if (!t)
		return cli_fail("unknown template '%s' (parley templates lists them)",
		    cli_text(argv[optind + 1], 0));
	return show(t, l, json);
}
