/* csafpub_pgp.c - the CSAF provider's OpenPGP key (csafpub_int.h): made,
 * found and used through GnuPG's GPGME in a keyring of its own
 * (docs/decisions/0016-gpgme.md).
 *
 * SECURITY: the keyring is DIR/csaf-gnupg, mode 0700, owned by the
 * daemon's user (refused otherwise); GnuPG keeps the secret key there,
 * 0600, without a passphrase; it is never read, copied or logged here.
 * GPGME runs gpg as a child with fixed arguments (no shell); the pinentry
 * is loopback with no callback, so nothing ever waits for a person; no
 * keyserver is ever asked.  The agent GnuPG starts for the keyring is
 * stopped at csafpub_pgp_free, so that no gpg process outlives parleyd.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gpgme.h>

#include "csafpub/csafpub_int.h"
#include "util/diag.h"

extern char **environ;

struct csafpub_pgp {
	gpgme_ctx_t ctx;
	gpgme_key_t key;
	char *dir;
	char fpr[128];
	char *pub;
	size_t pub_len;
};

static void
say(char why[static 256], const char *what, gpgme_error_t e)
{
	snprintf(why, 256, "%s: %s", what, gpgme_strerror(e));
}

/* secret_key - the first secret key of the keyring that can sign. */
static gpgme_error_t
secret_key(gpgme_ctx_t ctx, gpgme_key_t *out)
{
	gpgme_key_t k;
	gpgme_error_t e;

	*out = NULL;
	if ((e = gpgme_op_keylist_start(ctx, NULL, 1)) != 0)
		return e;
	while (!*out && (e = gpgme_op_keylist_next(ctx, &k)) == 0) {
		if (k->can_sign && !k->revoked && !k->expired && !k->disabled && k->fpr)
			*out = k;
		else
			gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	return 0;
}

/* homedir - dir exists, is a directory of ours, mode 0700. */
static status
homedir(const char *dir, char why[static 256])
{
	struct stat sb;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(why, 256, "cannot make %.200s: %s", dir, strerror(errno));
		return ST_IO;
	}
	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid()) {
		snprintf(why, 256, "%.200s is not a directory of this user", dir);
		return ST_IO;
	}
	if ((sb.st_mode & 07777) != 0700 && chmod(dir, 0700) != 0) {
		snprintf(why, 256, "cannot make %.200s mode 0700: %s", dir, strerror(errno));
		return ST_IO;
	}
	return ST_OK;
}

status
csafpub_pgp_open(const char *dir, const char *uid, struct csafpub_pgp **out,
    char why[static 256])
{
	struct csafpub_pgp *g;
	gpgme_error_t e;
	gpgme_data_t d = NULL;
	char *mem;
	status rc;

	*out = NULL;
	why[0] = '\0';
	if ((rc = homedir(dir, why)) != ST_OK)
		return rc;
	if (!gpgme_check_version(NULL) ||
	    (e = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP)) != 0) {
		snprintf(why, 256, "GnuPG (gpg) is not installed or too old: install gnupg");
		return ST_CRYPTO;
	}
	if (!(g = calloc(1, sizeof *g)) || !(g->dir = strdup(dir))) {
		free(g);
		return ST_NOMEM;
	}
	if ((e = gpgme_new(&g->ctx)) != 0 ||
	    (e = gpgme_ctx_set_engine_info(g->ctx, GPGME_PROTOCOL_OpenPGP, NULL, dir)) != 0 ||
	    (e = gpgme_set_pinentry_mode(g->ctx, GPGME_PINENTRY_MODE_LOOPBACK)) != 0) {
		say(why, "gpgme", e);
		goto fail;
	}
	gpgme_set_armor(g->ctx, 1);
	gpgme_set_offline(g->ctx, 1);
	if ((e = secret_key(g->ctx, &g->key)) != 0) {
		say(why, "listing the keyring's keys", e);
		goto fail;
	}
	if (!g->key) {
		e = gpgme_op_createkey(g->ctx, uid, "ed25519", 0, 0, NULL, GPGME_CREATE_SIGN |
		    GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE | GPGME_CREATE_FORCE);
		if (e) {
			say(why, "making the OpenPGP key", e);
			goto fail;
		}
		if ((e = secret_key(g->ctx, &g->key)) != 0 || !g->key) {
			say(why, "finding the key just made", e);
			goto fail;
		}
		diag_info("csaf: made the OpenPGP key %s in %s", g->key->fpr, dir);
	}
	snprintf(g->fpr, sizeof g->fpr, "%s", g->key->fpr);
	if ((e = gpgme_signers_add(g->ctx, g->key)) != 0 || (e = gpgme_data_new(&d)) != 0 ||
	    (e = gpgme_op_export(g->ctx, g->fpr, 0, d)) != 0) {
		say(why, "exporting the public key", e);
		goto fail;
	}
	mem = gpgme_data_release_and_get_mem(d, &g->pub_len);
	d = NULL;
	if (!mem || !g->pub_len || !(g->pub = malloc(g->pub_len + 1))) {
		gpgme_free(mem);
		snprintf(why, 256, "exporting the public key gave nothing");
		goto fail;
	}
	memcpy(g->pub, mem, g->pub_len);
	g->pub[g->pub_len] = '\0';
	gpgme_free(mem);
	*out = g;
	return ST_OK;
fail:
	gpgme_data_release(d);
	csafpub_pgp_free(g);
	return ST_CRYPTO;
}

/* kill_agent - gpgconf --homedir dir --kill all, without a shell, waited
 * for (by its pid only: other children are not ours). */
static void
kill_agent(const char *dir)
{
	const char *gpgconf = gpgme_get_dirinfo("gpgconf-name");
	char *argv[] = { (char *)"gpgconf", (char *)"--homedir", (char *)dir, (char *)"--kill",
		(char *)"all", NULL };
	pid_t pid;
	int st;

	if (!gpgconf || posix_spawn(&pid, gpgconf, NULL, NULL, argv, environ) != 0) {
		diag_warn("csaf: cannot run gpgconf to stop the keyring's agent");
		return;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

void
csafpub_pgp_free(struct csafpub_pgp *g)
{
	if (!g)
		return;
	if (g->key)
		gpgme_key_unref(g->key);
	if (g->ctx)
		gpgme_release(g->ctx);
	if (g->dir)
		kill_agent(g->dir);
	free(g->pub);
	free(g->dir);
	free(g);
}

const char *
csafpub_pgp_fpr(const struct csafpub_pgp *g)
{
	return g->fpr;
}

const char *
csafpub_pgp_public(const struct csafpub_pgp *g, size_t *len)
{
	*len = g->pub_len;
	return g->pub;
}

status
csafpub_pgp_sign(struct csafpub_pgp *g, const void *doc, size_t len, char **sig)
{
	gpgme_data_t in = NULL, out = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t e;
	size_t n = 0;
	char *mem;

	*sig = NULL;
	if ((e = gpgme_data_new_from_mem(&in, doc, len, 0)) != 0 ||
	    (e = gpgme_data_new(&out)) != 0 ||
	    (e = gpgme_op_sign(g->ctx, in, out, GPGME_SIG_MODE_DETACH)) != 0 ||
	    !(res = gpgme_op_sign_result(g->ctx)) || res->invalid_signers || !res->signatures) {
		diag_warn("csaf: signing failed: %s", e ? gpgme_strerror(e) : "no signature");
		gpgme_data_release(in);
		gpgme_data_release(out);
		return ST_CRYPTO;
	}
	gpgme_data_release(in);
	mem = gpgme_data_release_and_get_mem(out, &n);
	if (!mem || !n || !(*sig = malloc(n + 1))) {
		gpgme_free(mem);
		return mem && n ? ST_NOMEM : ST_CRYPTO;
	}
	memcpy(*sig, mem, n);
	(*sig)[n] = '\0';
	gpgme_free(mem);
	return ST_OK;
}
