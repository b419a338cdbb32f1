/* cli_config.c - parley config: list, get and set the node's settings
 * (DIR/parley.json).
 *
 * Every rule, default and "when it takes effect" is config.c's table;
 * this verb only shows it and writes what config_set made.  A setting that
 * applies at once is then re-read by a running parleyd (the local API's
 * "reload", which calls node_config_reload); the others wait for a
 * restart, and say so.
 *
 * SECURITY: parley.json is replaced atomically (file_replace: a temporary
 * file mode 0600, fsync, rename, fsync of the directory), only after the
 * new text passed every rule; a refused value leaves it byte for byte as
 * it was.  name and created_at, part of the node's identity, are
 * read-only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "node/config.h"
#include "util/file.h"

static const char config_usage[] =
    "usage: parley config [--json] [--dir DIR]\n"
    "       parley config get KEY [--json] [--dir DIR]\n"
    "       parley config set KEY VALUE [--dir DIR]\n"
    "  Without a verb, lists every setting of DIR/parley.json: its value, or\n"
    "  its default when unset, and when a change takes effect (now, restart,\n"
    "  read-only).  get prints one setting's value (its default when unset).\n"
    "  set checks VALUE against the setting's rule, writes parley.json\n"
    "  atomically (mode 0600), and has a running parleyd re-read the settings\n"
    "  that apply at once; the others take effect when parleyd restarts.\n"
    "  VALUE \"\" unsets an optional setting.  endpoints is set whole: the URLs\n"
    "  in order of preference, separated by spaces, in one argument.\n"
    "  Exit status: 0 done, 1 refused or failed (parley.json unchanged), 2\n"
    "  usage.\n";

/* read_config - DIR/parley.json into path and text; 0, or 1 after a
 * message. */
static int
read_config(const char *dir, char path[static NODE_PATH_MAX], struct buf *text)
{
	status rc;

	buf_init(text, CONFIG_FILE_MAX);
	if (node_path(dir, "parley.json", path) != ST_OK)
		return cli_fail("%s is too long a path", dir);
	rc = file_read(path, text);
	if (rc == ST_NOTFOUND)
		return cli_fail("%s: no node here (run: parley init NAME --dir %s)", dir, dir);
	if (rc)
		return cli_fail("cannot read the settings: %s", cli_cause(rc, errno, NULL, path));
	return 0;
}

/* show - the settings of text (config_show), or NULL after a message. */
static json_t *
show(const char *path, const struct buf *text)
{
	char why[CONFIG_WHY_MAX];
	json_t *all;

	if (config_show(text->p ? text->p : "", text->len, &all, why) != ST_OK) {
		cli_fail("%s: %s", path, cli_text(why, 0));
		return NULL;
	}
	return all;
}

/* value_text - a setting's value as a person types it: a number, a
 * string, the endpoints joined by spaces.  Lives until the next call. */
static const char *
value_text(const json_t *v)
{
	static char out[CARD_ENDPOINTS_TEXT_MAX + CONFIG_PATH_MAX];
	size_t off = 0, i;
	const json_t *e;

	out[0] = '\0';
	if (json_is_integer(v))
		snprintf(out, sizeof out, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(out, sizeof out, "%s", json_string_value(v));
	else if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			int w = snprintf(out + off, sizeof out - off, "%s%s", i ? " " : "",
			    json_string_value(e) ? json_string_value(e) : "");

			if (w > 0 && (size_t)w < sizeof out - off)
				off += (size_t)w;
		}
	}
	return out;
}

static int
config_list(const char *dir, int json)
{
	char path[NODE_PATH_MAX];
	struct buf text;
	json_t *all;
	const struct config_setting *set;
	size_t n;

	if (read_config(dir, path, &text)) {
		buf_free(&text);
		return 1;
	}
	all = show(path, &text);
	buf_free(&text);
	if (!all)
		return 1;
	if (json)
		return cli_json(all);
	set = config_settings(&n);
	printf("%-21s %-9s %s\n", "KEY", "APPLIES", "VALUE");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_object_get(all, set[i].key);
		const json_t *v = json_object_get(e, "value");

		printf("%-21s %-9s ", set[i].key,
		    json_string_value(json_object_get(e, "applies")));
		if (!json_is_null(v))
			printf("%s\n", json_is_string(v) && !json_string_value(v)[0] ? "\"\"" :
			    cli_text(value_text(v), 0));
		else
			printf("(default: %s)\n", set[i].dflt[0] ? set[i].dflt : "\"\"");
	}
	json_decref(all);
	return 0;
}

static int
config_get(const char *dir, const char *key, int json)
{
	char path[NODE_PATH_MAX];
	struct buf text;
	json_t *all, *e;
	const json_t *v;

	if (!config_setting(key))
		return cli_fail("no setting is named \"%s\" (parley config lists them)",
		    cli_text(key, 0));
	if (read_config(dir, path, &text)) {
		buf_free(&text);
		return 1;
	}
	all = show(path, &text);
	buf_free(&text);
	if (!all)
		return 1;
	e = json_incref(json_object_get(all, key));
	json_decref(all);
	if (json)
		return cli_json(e);
	v = json_object_get(e, "value");
	if (json_is_null(v))
		v = json_object_get(e, "default");	/* null: computed at start */
	printf("%s\n", json_is_null(v) ? "" : value_text(v));
	json_decref(e);
	return 0;
}

static int
config_put(const char *dir, const char *key, const char *value)
{
	const struct config_setting *s = config_setting(key);
	char path[NODE_PATH_MAX], why[CONFIG_WHY_MAX];
	struct buf text, out;
	int told = 0;
	status rc;

	if (!s)
		return cli_fail("no setting is named \"%s\" (parley config lists them)",
		    cli_text(key, 0));
	if (read_config(dir, path, &text)) {
		buf_free(&text);
		return 1;
	}
	buf_init(&out, CONFIG_FILE_MAX);
	rc = config_set(text.p ? text.p : "", text.len, key, value, &out, why);
	buf_free(&text);
	if (rc) {
		buf_free(&out);
		if (rc == ST_PARSE)
			return cli_fail("%s: %s: nothing changed", path, cli_text(why, 0));
		return cli_fail("%s: nothing changed", cli_text(why, 0));
	}
	rc = file_replace(path, out.p, out.len, 0600);
	if (rc) {
		buf_free(&out);
		return cli_fail("cannot write %s: %s", path, cli_cause(rc, errno, NULL, path));
	}
	if (value[0]) {
		/* as it is kept (the endpoints: one space between) */
		json_t *all = show(path, &out);

		printf("%s = %s\n", key, all ? cli_text(value_text(json_object_get(
		    json_object_get(all, key), "value")), 0) : cli_text(value, 0));
		json_decref(all);
	} else
		printf("%s unset (default: %s)\n", key, s->dflt[0] ? s->dflt : "\"\"");
	buf_free(&out);
	if (s->applies == CONFIG_RESTART) {
		printf("  takes effect when parleyd restarts\n");
		if (strcmp(key, "endpoints") == 0)
			printf("  parley card lists them now: give your peers the new card (they run"
			    " parley peer update)\n");
		return 0;
	}
	if (cli_reload_dir(dir, &told))
		return cli_fail("%s is written, but the running parleyd did not re-read it:"
		    " restart parleyd", path);
	printf(told ? "  the running parleyd applies it now\n" :
	    "  parleyd is not running: it reads it when it starts\n");
	return 0;
}

int
cli_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *verb = NULL;
	int ch, json = 0, want;

	/* "parley config [get|set] ..." with the options anywhere */
	if (argc >= 2 && (strcmp(argv[1], "get") == 0 || strcmp(argv[1], "set") == 0)) {
		verb = argv[1];
		argc--;
		argv++;
	}
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_usage(config_usage, 0);
		default: return cli_usage(config_usage, 1);
		}
	}
	want = !verb ? 0 : strcmp(verb, "get") == 0 ? 1 : 2;
	if (argc - optind != want || (json && want == 2))
		return cli_usage(config_usage, 1);
	if (!(dir = cli_dir(dir)))
		return 1;
	if (!verb)
		return config_list(dir, json);
	if (want == 1)
		return config_get(dir, argv[optind], json);
	return config_put(dir, argv[optind], argv[optind + 1]);
}
