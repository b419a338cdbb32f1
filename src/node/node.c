/* node.c - open and create a node's directory.
 *
 * SECURITY: the directory is 0700 and the key 0600; node_open refuses a key
 * others can read (ident_load), so a careless copy is noticed at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fmt/card.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/stamp.h"
#include "node/node.h"
#include "node/policy.h"
#include "crypto/tlsctx.h"

struct node {
	char dir[NODE_PATH_MAX];
	struct config cfg;
	struct ident *id;
	struct store *st;
	char origin[CARD_ORIGIN_MAX];
	char halted[2048];	/* the active halts, "" when none */
	struct policy *policy;	/* read at first use */
	struct node_msg_hooks hooks[NODE_MSG_HOOKS_MAX];	/* the services' */
	void *hooks_arg[NODE_MSG_HOOKS_MAX];
	size_t n_hooks;
	_Alignas(max_align_t) unsigned char memo[NODE_MEMO_MAX];
};

static const char *const node_files[] = {
	"identity.key", "identity.crt", "server.key", "server.crt", "parley.json", "parley.db",
	NULL
};

status
node_path(const char *dir, const char *file, char out[static NODE_PATH_MAX])
{
	return file_join(out, NODE_PATH_MAX, dir, file);
}

static void
remove_all(const char *dir)
{
	char p[NODE_PATH_MAX];
	static const char *const extra[] = { "parley.db-wal", "parley.db-shm", NULL };

	for (int i = 0; node_files[i]; i++)
		if (node_path(dir, node_files[i], p) == ST_OK)
			unlink(p);
	for (int i = 0; extra[i]; i++)
		if (node_path(dir, extra[i], p) == ST_OK)
			unlink(p);
}

/* node_san - the server certificate's names: localhost, the loopback
 * addresses, and the host of each of the node's endpoints. */
static void
node_san(const struct config *c, char *out, size_t cap)
{
	char host[CARD_ENDPOINT_MAX + 1];
	struct in6_addr a6;
	struct in_addr a4;
	int port;

	snprintf(out, cap, "DNS:localhost,IP:127.0.0.1,IP:::1");
	for (size_t i = 0; i < c->n_endpoints; i++) {
		char name[CARD_ENDPOINT_MAX + 8];

		if (card_endpoint_parse(c->endpoints[i], host, sizeof host, &port) != ST_OK ||
		    strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0 ||
		    strcmp(host, "::1") == 0)
			continue;
		if (inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1)
			snprintf(name, sizeof name, ",IP:%s", host);
		else
			snprintf(name, sizeof name, ",DNS:%s", host);
		if (!strstr(out, name) && strlen(out) + strlen(name) < cap)
			memcpy(out + strlen(out), name, strlen(name) + 1);
	}
}

status
node_init(const char *dir, const struct config *c)
{
	char key[NODE_PATH_MAX], crt[NODE_PATH_MAX], cfg[NODE_PATH_MAX], db[NODE_PATH_MAX];
	char skey[NODE_PATH_MAX], scrt[NODE_PATH_MAX], san[CARD_ENDPOINTS_TEXT_MAX + 64];
	struct store *st = NULL;
	struct sockaddr_un sun;
	status rc;

	/* the daemon's socket must fit, or the node could never be run */
	if (strlen(dir) + sizeof "/parleyd.sock" > sizeof sun.sun_path)
		return ST_TOOBIG;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return ST_IO;
	if ((rc = node_path(dir, "identity.key", key)) || (rc = node_path(dir, "identity.crt", crt)) ||
	    (rc = node_path(dir, "parley.json", cfg)) || (rc = node_path(dir, "parley.db", db)) ||
	    (rc = node_path(dir, "server.key", skey)) || (rc = node_path(dir, "server.crt", scrt)))
		return rc;
	for (int i = 0; node_files[i]; i++) {
		char p[NODE_PATH_MAX];

		if (node_path(dir, node_files[i], p) == ST_OK && access(p, F_OK) == 0)
			return ST_EXISTS;
	}
	rc = ident_create(key);
	if (!rc)
		rc = tlsctx_make_cert(key, c->name, crt);
	if (!rc) {
		/* For listeners browsers and standard clients use (server TLS):
		 * they do not take Ed25519 server certificates. */
		node_san(c, san, sizeof san);
		rc = tlsctx_make_server_cert(skey, scrt, c->name, san);
	}
	if (!rc)
		rc = config_write(cfg, c);
	if (!rc)
		rc = store_open(db, 1, &st);
	store_close(st);
	if (rc)
		remove_all(dir);
	return rc;
}

/* each_halt - add an active halt's text to the node's ("; " between). */
static int
each_halt(void *arg, const struct store_halt *h)
{
	struct node *n = arg;
	size_t at = strlen(n->halted);

	snprintf(n->halted + at, sizeof n->halted - at, "%s%s: %s", at ? "; " : "", h->peer,
	    h->what);
	return 0;
}

status
node_open(const char *dir, struct node **out)
{
	char p[NODE_PATH_MAX];
	struct node *n;
	status rc;

	*out = NULL;
	n = calloc(1, sizeof *n);
	if (!n)
		return ST_NOMEM;
	if (strlen(dir) >= sizeof n->dir) {
		free(n);
		return ST_TOOBIG;
	}
	memcpy(n->dir, dir, strlen(dir) + 1);
	rc = node_path(dir, "parley.json", p);
	if (!rc && access(p, F_OK) != 0) {
		if (errno == ENOENT)
			diag_warn("%s: no node here (run: parley init NAME --dir %s)", dir, dir);
		else	/* EACCES, ENOTDIR...: there may well be one */
			diag_warn("%s: cannot reach it: %s", p, strerror(errno));
		rc = errno == ENOENT ? ST_NOTFOUND : ST_IO;
	}
	if (!rc)
		rc = config_load(p, &n->cfg);
	if (!rc)
		rc = node_path(dir, "identity.key", p);
	if (!rc && (rc = ident_load(p, &n->id)) != ST_OK)
		diag_warn("%s: cannot load identity key: %s", p,
		    rc == ST_IO || rc == ST_NOTFOUND ? strerror(errno) : status_str(rc));
	if (!rc)
		rc = node_path(dir, "parley.db", p);
	if (!rc && (rc = store_open(p, 0, &n->st)) != ST_OK)
		diag_warn("%s: cannot open store: %s", p, status_str(rc));
	if (rc) {
		node_close(n);
		return rc;
	}
	card_origin(n->cfg.name, ident_kid(n->id), n->origin);
	if ((rc = store_halt_list(n->st, each_halt, n)) != ST_OK) {
		diag_warn("%s: cannot read the store's halts: %s", p, status_str(rc));
		node_close(n);
		return rc;
	}
	*out = n;
	return ST_OK;
}

const char *
node_halted(const struct node *n)
{
	return n->halted[0] ? n->halted : NULL;
}

status
node_unhalt(struct node *n, int64_t peer_id)
{
	status rc = store_halt_clear(n->st, peer_id, stamp_now_ms());

	n->halted[0] = '\0';
	if (!rc)
		rc = store_halt_list(n->st, each_halt, n);
	return rc;
}

status
node_halt(struct node *n, int64_t peer_id, const char *peer, const char *what)
{
	status rc = store_halt_set(n->st, peer_id, what, stamp_now_ms());

	n->halted[0] = '\0';
	if (!rc)
		rc = store_halt_list(n->st, each_halt, n);
	if (rc)	/* not on record: still halted in memory */
		snprintf(n->halted, sizeof n->halted, "%s: %s", peer, what);
	return rc;
}

const char *
node_origin(const struct node *n)
{
	return n->origin;
}

void *
node_memo(struct node *n)
{
	return n->memo;
}

void
node_close(struct node *n)
{
	if (!n)
		return;
	policy_free(n->policy);
	store_close(n->st);
	ident_free(n->id);
	free(n);
}

struct policy *
node_policy(struct node *n)
{
	if (!n->policy && policy_new(n->st, ident_kid(n->id), n->cfg.max_body,
	    &n->policy) != ST_OK)
		return NULL;
	return n->policy;
}

status
node_policy_reload(struct node *n)
{
	struct policy *p = node_policy(n);

	return p ? policy_reload(p) : ST_DB;
}

const char *
node_dir(const struct node *n)
{
	return n->dir;
}

const struct config *
node_config(const struct node *n)
{
	return &n->cfg;
}

status
node_config_reload(struct node *n)
{
	char p[NODE_PATH_MAX];
	struct config fresh;
	status rc = node_path(n->dir, "parley.json", p);

	if (!rc)
		rc = config_load(p, &fresh);
	if (!rc)
		config_apply_now(&n->cfg, &fresh);
	return rc;
}

const struct ident *
node_ident(const struct node *n)
{
	return n->id;
}

struct store *
node_store(struct node *n)
{
	return n->st;
}

/* A card carries the time it was made, not the node's creation time: a
 * card made after the endpoint changed is newer than every card before it,
 * and that is what a peer's `parley peer update` goes by (decision 0008). */
status
node_card(const struct node *n, struct buf *out)
{
	const char *eps[CARD_MAX_ENDPOINTS];
	char now[STAMP_TIME_LEN];

	for (size_t i = 0; i < n->cfg.n_endpoints; i++)
		eps[i] = n->cfg.endpoints[i];
	stamp_format(stamp_now_ms(), now);
	return card_make(n->id, n->cfg.name, eps, n->cfg.n_endpoints, now, out);
}

status
node_msg_hooks_add(struct node *n, const struct node_msg_hooks *h, void *arg)
{
	if (n->n_hooks == NODE_MSG_HOOKS_MAX)
		return ST_FULL;
	n->hooks[n->n_hooks] = *h;
	n->hooks_arg[n->n_hooks++] = arg;
	return ST_OK;
}

void
node_msg_hooks_remove(struct node *n, void *arg)
{
	size_t k = 0;

	for (size_t i = 0; i < n->n_hooks; i++) {
		if (n->hooks_arg[i] == arg)
			continue;
		n->hooks[k] = n->hooks[i];
		n->hooks_arg[k++] = n->hooks_arg[i];
	}
	n->n_hooks = k;
}

status
node_msg_queued(struct node *n, int64_t peer_id, const struct message *m)
{
	status rc = ST_OK;

	for (size_t i = 0; i < n->n_hooks && !rc; i++)
		if (n->hooks[i].queued)
			rc = n->hooks[i].queued(n->hooks_arg[i], peer_id, m);
	return rc;
}

status
node_msg_accepted(struct node *n, int64_t peer_id, const struct message *m,
    const struct receipt *r)
{
	status rc = ST_OK;

	for (size_t i = 0; i < n->n_hooks && !rc; i++)
		if (n->hooks[i].accepted)
			rc = n->hooks[i].accepted(n->hooks_arg[i], peer_id, m, r);
	return rc;
}

status
node_msg_delivered(struct node *n, int64_t peer_id, const struct receipt *r, int path)
{
	status rc = ST_OK;

	for (size_t i = 0; i < n->n_hooks && !rc; i++)
		if (n->hooks[i].delivered)
			rc = n->hooks[i].delivered(n->hooks_arg[i], peer_id, r, path);
	return rc;
}

status
node_msg_admit(struct node *n, int64_t peer_id, const struct message *m, char *why, size_t cap)
{
	status rc = ST_OK;

	for (size_t i = 0; i < n->n_hooks && !rc; i++)
		if (n->hooks[i].admit)
			rc = n->hooks[i].admit(n->hooks_arg[i], peer_id, m, why, cap);
	return rc;
}
