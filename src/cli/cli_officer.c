/* cli_officer.c - parley officer: the desk's officers (add, list).  They
 * are kept in the node's store, so the verb works whether or not parleyd
 * runs; the daemon reads them when an officer acknowledges.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "crypto/passwd.h"
#include "crypto/totp.h"
#include "fmt/deskmsg.h"
#include "fmt/template.h"
#include "node/node.h"
#include "util/stamp.h"
#include "util/text.h"

static const char officer_usage[] =
    "usage: parley officer add NAME --role duty|supervisor|head [--dir DIR]\n"
    "       parley officer list [--json] [--dir DIR]\n"
    "       parley officer passwd NAME [--password-stdin] [--dir DIR]\n"
    "       parley officer totp NAME [--off] [--dir DIR]\n"
    "       parley officer lang NAME en|fr|ru|zh|es|ar|desk [--dir DIR]\n"
    "  The watch desk's officers.  An officer acknowledges and answers formal\n"
    "  messages by name (parley ack, parley reply --as NAME); the roster says\n"
    "  who is on duty when (parley roster).  NAME is [a-z0-9][a-z0-9._-]{0,62};\n"
    "  the role says who an escalation step notifies.  passwd sets the password\n"
    "  NAME signs in to the duty console with (12 to 1024 bytes, asked twice on\n"
    "  the terminal, or read as one line from standard input with\n"
    "  --password-stdin; kept as an Argon2id hash).  totp gives NAME a second\n"
    "  factor: it prints the secret and an otpauth:// URI for an authenticator\n"
    "  app, and from then on signing in asks for its 6-digit code; --off\n"
    "  removes it.  lang sets the language the duty console speaks to NAME\n"
    "  (desk: the desk's, desk_lang); an officer may change it in the console.\n";

/* read_line - one line of at most cap - 1 bytes from f into out, without
 * its newline; 0 at end of input or for a longer line. */
static int
read_line(FILE *f, char *out, size_t cap)
{
	size_t n;

	if (!fgets(out, (int)cap, f))
		return 0;
	n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (!feof(f))
		return 0;	/* longer than cap */
	if (n && out[n - 1] == '\r')
		out[--n] = '\0';
	return 1;
}

/* ask - a password typed on the terminal, not echoed. */
static int
ask(const char *prompt, char *out, size_t cap)
{
	struct termios t, quiet;
	int ok, tty = tcgetattr(STDIN_FILENO, &t) == 0;

	fprintf(stderr, "%s", prompt);
	if (tty) {
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = read_line(stdin, out, cap);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		fprintf(stderr, "\n");
	}
	return ok;
}

static int
officer_passwd(struct node *n, const char *name, int from_stdin)
{
	char pw[PASSWD_MAX + 2], again[PASSWD_MAX + 2], hash[PASSWD_HASH_MAX];
	const char *why = NULL;
	status rc;
	int e = 1;

	if (from_stdin ? !read_line(stdin, pw, sizeof pw) :
	    !ask("New password: ", pw, sizeof pw) || !ask("Again: ", again, sizeof again)) {
		cli_fail("no password read (at most %d bytes, one line)", PASSWD_MAX);
		goto out;
	}
	if (!from_stdin && strcmp(pw, again) != 0) {
		cli_fail("the two passwords differ; nothing changed");
		goto out;
	}
	if (passwd_check(pw, strlen(pw), &why) != ST_OK) {
		cli_fail("the password is refused: %s", why ? why : "invalid");
		goto out;
	}
	if ((rc = passwd_hash(pw, strlen(pw), hash)) != ST_OK) {
		cli_fail("cannot hash the password: %s", status_str(rc));
		goto out;
	}
	rc = store_officer_set_pw(node_store(n), name, hash);
	if (rc == ST_NOTFOUND)
		cli_fail("no officer named %s (parley officer add)", cli_text(name, TEXT_QUOTED));
	else if (rc)
		cli_fail("cannot keep the password: %s", status_str(rc));
	else
		e = printf("password set for %s\n", name) < 0;
out:
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(again, sizeof again);
	return e;
}

static int
officer_totp(struct node *n, const char *name, int off)
{
	uint8_t secret[TOTP_SECRET_LEN];
	char b32[TOTP_B32_LEN(TOTP_SECRET_LEN)], uri[512];
	status rc;

	if (off) {
		rc = store_officer_set_totp(node_store(n), name, "");
		if (rc)
			return cli_fail(rc == ST_NOTFOUND ? "no officer named %s" :
			    "cannot change %s's second factor", cli_text(name, TEXT_QUOTED));
		return printf("second factor removed for %s\n", name) < 0;
	}
	if ((rc = totp_secret_new(secret)) != ST_OK ||
	    (rc = totp_base32(secret, sizeof secret, b32, sizeof b32)) != ST_OK ||
	    (rc = totp_uri("parley", name, secret, sizeof secret, uri, sizeof uri)) != ST_OK) {
		sodium_memzero(secret, sizeof secret);
		return cli_fail("cannot make a second factor: %s", status_str(rc));
	}
	sodium_memzero(secret, sizeof secret);
	rc = store_officer_set_totp(node_store(n), name, b32);
	if (rc)
		return cli_fail(rc == ST_NOTFOUND ? "no officer named %s" :
		    "cannot keep %s's second factor", cli_text(name, TEXT_QUOTED));
	printf("secret: %s\nuri:    %s\n", b32, uri);
	sodium_memzero(b32, sizeof b32);
	return 0;
}

static int
officer_row(void *arg, const struct store_officer *o)
{
	json_t *arr = arg;
	char t[32];

	if (arr)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "name", o->name, "role",
		    o->role, "added_at", cli_time(o->added_ms, t), "lang",
		    o->lang[0] ? o->lang : "desk"));
	else
		printf("%-24s %-11s %-5s %s\n", o->name, o->role, o->lang[0] ? o->lang : "desk",
		    cli_time(o->added_ms, t));
	return 0;
}

static int
officer_lang(struct node *n, const char *name, const char *code)
{
	enum template_lang l;
	status rc;

	if (strcmp(code, "desk") != 0 && template_lang_parse(code, &l) != ST_OK)
		return cli_fail("unknown language %s: use en, fr, ru, zh, es, ar or desk",
		    cli_text(code, TEXT_QUOTED));
	rc = store_officer_set_lang(node_store(n), name, strcmp(code, "desk") ? code : "");
	if (rc == ST_NOTFOUND)
		return cli_fail("no officer named %s (parley officer list)", cli_text(name,
		    TEXT_QUOTED));
	if (rc)
		return cli_fail("cannot keep the language: %s", status_str(rc));
	printf("officer %s reads the console in %s\n", name, code);
	return 0;
}

static int
officer_add(struct node *n, const char *name, const char *role)
{
	status rc;

	if (!card_name_ok(name))
		return cli_fail("invalid officer name '%s': use [a-z0-9][a-z0-9._-]{0,62}",
		    cli_text(name, TEXT_QUOTED));
	if (!role || !deskmsg_role_ok(role))
		return cli_fail("--role must be duty, supervisor or head");
	rc = store_officer_add(node_store(n), name, role, stamp_now_ms());
	if (rc == ST_EXISTS)
		return cli_fail("an officer named %s exists already", name);
	if (rc)
		return cli_fail("cannot keep the officer: %s", status_str(rc));
	printf("officer %s added (%s)\n", name, role);
	return 0;
}

int
cli_officer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "off", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *role = NULL, *sub;
	struct node *n;
	int ch, json = 0, r, from_stdin = 0, off = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'r': role = optarg; break;
		case 'j': json = 1; break;
		case 'p': from_stdin = 1; break;
		case 'o': off = 1; break;
		case 'h': return cli_usage(officer_usage, 0);
		default: return cli_usage(officer_usage, 1);
		}
	}
	if (optind >= argc)
		return cli_usage(officer_usage, 1);
	sub = argv[optind];
	if (strcmp(sub, "add") == 0 ? optind + 2 != argc || json || from_stdin || off :
	    strcmp(sub, "list") == 0 ? optind + 1 != argc || role || from_stdin || off :
	    strcmp(sub, "passwd") == 0 ? optind + 2 != argc || json || role || off :
	    strcmp(sub, "totp") == 0 ? optind + 2 != argc || json || role || from_stdin :
	    strcmp(sub, "lang") == 0 ? optind + 3 != argc || json || role || from_stdin || off : 1)
		return cli_usage(officer_usage, 1);
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	if (strcmp(sub, "add") == 0) {
		r = officer_add(n, argv[optind + 1], role);
	} else if (strcmp(sub, "passwd") == 0) {
		r = officer_passwd(n, argv[optind + 1], from_stdin);
	} else if (strcmp(sub, "totp") == 0) {
		r = officer_totp(n, argv[optind + 1], off);
	} else if (strcmp(sub, "lang") == 0) {
		r = officer_lang(n, argv[optind + 1], argv[optind + 2]);
	} else {
		json_t *arr = json ? json_array() : NULL;
		status rc;

		if (!json)
			printf("%-24s %-11s %-5s %s\n", "NAME", "ROLE", "LANG", "ADDED");
		rc = store_officer_list(node_store(n), officer_row, arr);
		if (rc) {
			json_decref(arr);
			r = cli_fail("cannot read the officers: %s", status_str(rc));
		} else {
			r = json ? cli_json(arr) : 0;
		}
	}
	node_close(n);
	return r;
}
