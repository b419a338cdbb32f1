/* parleyd - the parley node daemon.
 *
 * SYNOPSIS
 *	parleyd [--dir DIR] [--quiet]
 *
 * DESCRIPTION
 *	Runs the node in DIR (default $PARLEY_DIR) in the foreground: the
 *	peer listener (HTTPS, TLS 1.3, mutual, pinned keys), delivery of the
 *	outbox, and the local API socket DIR/parleyd.sock used by parley(1).
 *	Logs to stderr.  SIGTERM or SIGINT stops it cleanly.
 *
 * DIAGNOSTICS
 *	Exits 1 with a message naming the problem when the node cannot be
 *	opened, its store fails SQLite's integrity check (quick_check, at
 *	most CHECK_MAX_MS; decision 0008), the port cannot be bound, or
 *	another parleyd runs on DIR.
 *
 * SECURITY
 *	Connects only to pinned peers' endpoints; never phones home; never
 *	updates itself.  Keys are never logged.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <sodium.h>

#include "util/version.h"
#include "agree/agree.h"
#include "console/console.h"
#include "advisory/advisory.h"
#include "csafpub/csafpub.h"
#include "intel/intel.h"
#include "taxii/taxii.h"
#include "desk/desk.h"
#include "api/api.h"
#include "crypto/tlsctx.h"
#include "link/link.h"
#include "net/http.h"
#include "node/node.h"
#include "node/peers.h"
#include "util/diag.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: parleyd [--dir DIR] [--quiet] | --version\n"
	    "  Run the parley node in DIR (default: $PARLEY_DIR) in the foreground.\n"
	    "  Logs to stderr; SIGTERM or SIGINT stops it.\n");
}

/* The start-up integrity check stops after this long: a store too large to
 * check in a minute starts unchecked, with a warning, rather than keep its
 * peers waiting (decision 0008). */
#define CHECK_MAX_MS 60000

static void
check_progress(void *arg, int64_t ms)
{
	if (ms >= 2000)		/* a check that takes a while says so */
		diag_info("checking the store's integrity (%lld MiB): %lld s",
		    *(long long *)arg, (long long)(ms / 1000));
}

/* check_store - SQLite's quick_check of n's store: a damaged store is fatal
 * (decision 0008), so that no receipt is signed from it. */
static void
check_store(struct node *n, const char *dir)
{
	char db[NODE_PATH_MAX], msg[1024];
	long long mib = 0;
	struct stat sb;
	status rc;

	if (node_path(dir, "parley.db", db) != ST_OK)
		diag_fatal("directory path too long: %s", dir);
	if (stat(db, &sb) == 0)
		mib = (long long)(sb.st_size >> 20);
	rc = store_check(node_store(n), CHECK_MAX_MS, check_progress, &mib, msg, sizeof msg);
	if (rc == ST_CORRUPT)
		diag_fatal("store %s is damaged (SQLite's quick_check: %s); parleyd will not run"
		    " on it: keep a copy, then restore it from a backup (README, Faults)", db, msg);
	if (rc == ST_TIMEOUT)
		diag_warn("store %s (%lld MiB): integrity check %s; starting unchecked", db, mib,
		    msg);
	else if (rc)
		diag_fatal("cannot check the store %s: %s (SQLite: %s)", db, status_str(rc), msg);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	diag_info("signal %d: stopping", (int)sig);
	event_base_loopexit(arg, NULL);
}

/* raise_nofile - the soft open-file limit up to the hard one: the caps on
 * connections are derived from it (http.h). */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	const char *dir = getenv("PARLEY_DIR");
	char sock[NODE_PATH_MAX], key[NODE_PATH_MAX], crt[NODE_PATH_MAX];
	struct event_base *base;
	struct event *sigterm, *sigint;
	struct link_engine *e = NULL;
	struct http_listener *peer_port = NULL;
	struct http_limits lim;
	const struct config *c;
	struct peers *ps = NULL;
	struct tlsctx *tls = NULL;
	struct http *h = NULL;
	struct node *n = NULL;
	struct api *a = NULL;
	struct agree *g = NULL;
	struct desk *d = NULL;
	struct console *con = NULL;
	struct intel *in = NULL;
	struct taxii *tx = NULL;
	struct advisory *adv = NULL;
	struct csafpub *pub = NULL;
	struct api_services sv;
	status rc;

	diag_init("parleyd", 1);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strncmp(argv[i], "--dir=", 6) == 0)
			dir = argv[i] + 6;
		else if (strcmp(argv[i], "--quiet") == 0)
			diag_quiet(1);
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("parleyd %s\n", PARLEY_VERSION);
			return 0;
		} else {
			fprintf(stderr, "parleyd: unknown argument: %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!dir || !dir[0])
		diag_fatal("no node directory: pass --dir DIR or set PARLEY_DIR");
	if (sodium_init() < 0)
		diag_fatal("libsodium failed to initialise");
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if ((rc = node_open(dir, &n)) != ST_OK)
		diag_fatal("cannot open node in %s: %s", dir, status_str(rc));
	check_store(n, dir);
	c = node_config(n);
	base = event_base_new();
	if (!base)
		diag_fatal("cannot create the event loop");
	if (node_path(dir, "parleyd.sock", sock) != ST_OK ||
	    node_path(dir, "identity.key", key) != ST_OK ||
	    node_path(dir, "identity.crt", crt) != ST_OK)
		diag_fatal("directory path too long: %s", dir);
	lim = (struct http_limits){ c->max_conns, c->max_conns_per_addr,
	    c->handshake_timeout_ms, c->peer_max_conns, c->body_budget, c->resolv_conf };
	if ((rc = http_new(base, &lim, &h)) != ST_OK)
		diag_fatal("cannot set up HTTP: %s", status_str(rc));
	if ((rc = peers_new(node_store(n), &ps)) != ST_OK)
		diag_fatal("cannot read the pinned peers: %s", status_str(rc));
	if ((rc = tlsctx_new(key, crt, peers_pinned, ps, &tls)) != ST_OK)
		diag_fatal("cannot set up TLS with %s and %s: %s", key, crt, status_str(rc));
	if ((rc = link_engine_new(h, n, ps, tls, &e)) != ST_OK)
		diag_fatal("cannot set up links: %s", status_str(rc));
	if ((rc = agree_new(h, n, ps, tls, link_witness(e), &g)) != ST_OK)
		diag_fatal("cannot set up agreements: %s", status_str(rc));
	if ((rc = desk_new(base, n, e, &d)) != ST_OK)
		diag_fatal("cannot set up the desk: %s", status_str(rc));
	if ((rc = intel_new(base, n, h, ps, e, tls, &in)) != ST_OK)
		diag_fatal("cannot set up sharing: %s", status_str(rc));
	if ((rc = taxii_new(h, n, ps, in, &tx)) != ST_OK)
		diag_fatal("cannot serve TAXII at %s: %s", node_config(n)->taxii_listen,
		    status_str(rc));
	if ((rc = console_new(h, n, e, g, d, &con)) != ST_OK)
		diag_fatal("cannot serve the console at %s: %s", node_config(n)->console_listen,
		    status_str(rc));
	if ((rc = advisory_new(n, ps, e, &adv)) != ST_OK)
		diag_fatal("cannot set up advisories: %s", status_str(rc));
	if ((rc = csafpub_new(h, n, adv, &pub)) != ST_OK)
		diag_fatal("cannot serve the CSAF provider at %s: %s", node_config(n)->csaf_listen,
		    status_str(rc));
	sv = (struct api_services){ e, g, d, in, adv, pub };
	if ((rc = api_listen(base, &sv, n, sock, &a)) != ST_OK)
		diag_fatal("cannot open the local API socket %s: %s", sock, status_str(rc));
	if ((rc = http_listen(h, "peer", c->listen_host, c->listen_port, HTTP_TLS_PINNED, tls,
	    &peer_port)) != ST_OK)
		diag_fatal("cannot listen on %s:%d: %s (is the port in use?)",
		    c->listen_host, c->listen_port, status_str(rc));
	if ((rc = link_start(e, peer_port)) != ST_OK)
		diag_fatal("cannot start the links: %s", status_str(rc));
	if ((rc = agree_routes(g, peer_port)) != ST_OK)
		diag_fatal("cannot start agreements: %s", status_str(rc));
	if ((rc = intel_routes(in, peer_port)) != ST_OK)
		diag_fatal("cannot start sharing: %s", status_str(rc));
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	diag_info("node %s (key %s) listening on %s:%d", node_config(n)->name,
	    ident_kid(node_ident(n)), node_config(n)->listen_host, node_config(n)->listen_port);
	event_base_dispatch(base);
	api_free(a);
	console_free(con);
	taxii_free(tx);
	csafpub_free(pub);
	advisory_free(adv);
	intel_free(in);
	desk_free(d);
	agree_free(g);
	link_engine_free(e);	/* its clients, before the resolver they use */
	http_free(h);
	/* the resolver failed its pending lookups; their callbacks release
	 * the connections that waited on them */
	event_base_loop(base, EVLOOP_NONBLOCK);
	tlsctx_free(tls);
	peers_free(ps);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	node_close(n);
	diag_info("stopped");
	return 0;
}
