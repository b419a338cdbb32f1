/* cli_util.c - shared helpers of the parley(1) verbs. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "api/apiclient.h"
#include "cli/cli.h"
#include "desk/deskview.h"
#include "fmt/card.h"
#include "util/file.h"
#include "util/stamp.h"

extern const char *cli_verb_name;

int
cli_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "parley %s: ", cli_verb_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
cli_usage(const char *text, int error)
{
	fputs(text, error ? stderr : stdout);
	return error ? 2 : 0;
}

int
cli_dir_only(int argc, char **argv, const char *usage, const char **dir, int max_args)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*dir = NULL;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'd')
			*dir = optarg;
		else
			return cli_usage(usage, ch != 'h');
	}
	if (argc - optind > max_args)
		return cli_usage(usage, 1);
	return -1;
}

const char *
cli_dir(const char *given)
{
	const char *d = given ? given : getenv("PARLEY_DIR");

	if (!d || !d[0]) {
		cli_fail("no node directory: pass --dir DIR or set PARLEY_DIR");
		return NULL;
	}
	return d;
}

/* desk_config - dir's configuration, read once per run of the CLI (NULL
 * when it cannot be read). */
static const struct config *
desk_config(const char *dir)
{
	static struct config c;
	static int state;	/* 0 unread, 1 read, -1 unreadable */
	char path[NODE_PATH_MAX];

	if (!state)
		state = dir && node_path(dir, "parley.json", path) == ST_OK &&
		    config_load(path, &c) == ST_OK ? 1 : -1;
	return state > 0 ? &c : NULL;
}

const char *
cli_desk_lang(const char *dir)
{
	const struct config *c = desk_config(dir);

	return template_lang_code(c ? c->desk_lang : TEMPLATE_EN);
}

const char *
cli_desk_tz(const char *dir)
{
	const struct config *c = desk_config(dir);

	return c && c->desk_tz[0] ? c->desk_tz : NULL;
}

struct node *
cli_open(const char *dir)
{
	struct node *n;
	status rc;

	if (!dir)
		return NULL;
	rc = node_open(dir, &n);
	if (rc) {
		cli_fail("cannot open the node in %s: %s", dir, status_str(rc));
		return NULL;
	}
	return n;
}

int
cli_json(json_t *j)
{
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

	json_decref(j);
	if (!text)
		return cli_fail("out of memory");
	puts(text);
	free(text);
	return 0;
}

const char *
cli_time(int64_t ms, char out[32])
{
	if (!ms)
		return "-";
	stamp_format(ms, out);
	return out;
}

const char *
cli_state(int state)
{
	return deskview_out_state(state);
}

const char *
cli_cause(status rc, int err, const char *dir, const char *file)
{
	static char text[NODE_PATH_MAX + 128];
	const char *why = status_str(rc);
	char lower[96];

	if ((rc == ST_IO || rc == ST_NOTFOUND) && err) {
		/* strerror's phrase, lowercase as every message here */
		snprintf(lower, sizeof lower, "%s", strerror(err));
		if (lower[0] >= 'A' && lower[0] <= 'Z' && (lower[1] < 'A' || lower[1] > 'Z'))
			lower[0] = (char)(lower[0] - 'A' + 'a');
		why = lower;
	}
	if (dir)
		snprintf(text, sizeof text, "%s: %s/%s", why, dir, file);
	else
		snprintf(text, sizeof text, "%s: %s", why, file);
	return text;
}

struct apiclient *
cli_daemon(const char *dir)
{
	struct apiclient *api;
	status rc = apiclient_open(dir, &api);

	if (rc == ST_DOWN) {
		cli_fail("parleyd is not running for %s (start it: parleyd --dir %s)", dir, dir);
		return NULL;
	}
	if (rc) {
		cli_fail("cannot reach parleyd: %s", cli_cause(rc, errno, dir, "parleyd.sock"));
		return NULL;
	}
	return api;
}

const char *
cli_text(const char *s, unsigned flags)
{
	static struct buf ring[4];
	static unsigned next;
	struct buf *b = &ring[next++ % 4];

	buf_free(b);
	buf_init(b, 64u << 20);
	if (text_escape(b, s ? s : "", s ? strlen(s) : 0, flags) != ST_OK)
		return "(too long to show)";
	return buf_str(b);
}

/* cli_load_card - see cli.h. */
int
cli_load_card(const char *path, struct card *c)
{
	struct buf text;
	status rc;

	buf_init(&text, CARD_MAX_BYTES);
	rc = file_read(path, &text);
	if (rc) {
		buf_free(&text);
		return cli_fail("%s: cannot read card: %s", path, status_str(rc));
	}
	rc = card_parse(text.p, text.len, c);
	buf_free(&text);
	if (rc)
		return cli_fail("%s: not a valid card: %s", path, status_str(rc));
	return 0;
}

/* cli_reload - tell a running parleyd to read its pins and agreements again; one that does
 * not run reads them when it starts.  0 when told (or none runs), else 1
 * with a line on stderr saying why. */
int
cli_reload(struct node *n)
{
	return cli_reload_dir(node_dir(n), NULL);
}

int
cli_reload_dir(const char *dir, int *told)
{
	struct apiclient *api;
	json_t *req, *resp = NULL;
	status rc = apiclient_open(dir, &api);
	const char *said;
	int bad;

	if (told)
		*told = 0;
	if (rc == ST_DOWN)
		return 0;
	if (rc) {
		cli_fail("cannot reach parleyd: %s", cli_cause(rc, errno, dir, "parleyd.sock"));
		return 1;
	}
	req = json_pack("{s:s}", "op", "reload");
	bad = apiclient_send(api, req) != ST_OK || apiclient_recv(api, 5000, &resp) != ST_OK ||
	    !json_is_true(json_object_get(resp, "ok"));
	if (!bad && told)
		*told = 1;
	if (bad && (said = json_string_value(json_object_get(resp, "error"))) != NULL)
		cli_fail("parleyd: %s", cli_text(said, 0));
	json_decref(req);
	json_decref(resp);
	apiclient_close(api);
	return bad;
}

int
cli_set_or_show(int argc, char **argv, const char *usage, struct node **n, const char **file,
    int *json)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	int ch;

	*n = NULL;
	*file = NULL;
	*json = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'j': *json = 1; break;
		case 'h': return cli_usage(usage, 0);
		default: return cli_usage(usage, 1);
		}
	}
	if (optind < argc && (strcmp(argv[optind], "set") != 0 || optind + 2 != argc || *json))
		return cli_usage(usage, 1);
	if (optind < argc)
		*file = argv[optind + 1];
	if (!(dir = cli_dir(dir)) || !(*n = cli_open(dir)))
		return 1;
	return -1;
}

int
cli_answer(const char *dir, json_t *req, int timeout_s, json_t **resp)
{
	struct apiclient *api;
	status rc;

	*resp = NULL;
	if (!req)
		return cli_fail("out of memory");
	if (!(dir = cli_dir(dir)) || !(api = cli_daemon(dir))) {
		json_decref(req);
		return 1;
	}
	rc = apiclient_send(api, req);
	json_decref(req);
	if (!rc)
		rc = apiclient_recv(api, timeout_s * 1000, resp);
	apiclient_close(api);
	if (rc) {
		json_decref(*resp);
		*resp = NULL;
		return cli_fail("parleyd did not answer: %s", status_str(rc));
	}
	return 0;
}

int
cli_request(const char *dir, json_t *req, int timeout_s, json_t **resp, const char *what)
{
	const char *err;

	if (cli_answer(dir, req, timeout_s, resp))
		return 1;
	if (!json_is_true(json_object_get(*resp, "ok"))) {
		err = json_string_value(json_object_get(*resp, "error"));
		if (what)
			cli_fail("%s: %s", what, err ? cli_text(err, 0) : "parleyd refused");
		else
			cli_fail("%s", err ? cli_text(err, 0) : "parleyd refused");
		json_decref(*resp);
		*resp = NULL;
		return 1;
	}
	return 0;
}

int
cli_ask(const char *dir, json_t *req)
{
	json_t *resp;
	const char *id;
	int e;

	if (cli_request(dir, req, 30, &resp, NULL))
		return 1;
	id = json_string_value(json_object_get(resp, "id"));
	e = id ? printf("%s\n", id) < 0 : cli_fail("parleyd refused");
	json_decref(resp);
	return e;
}
