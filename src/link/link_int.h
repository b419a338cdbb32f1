/* link_int.h - what the link engine's three files share; not for other
 * modules.  link.c: the engine (peers, waiters, status, routes);
 * link_out.c: outbound delivery; link_in.c: inbound acceptance.
 */
#ifndef PARLEY_LINK_INT_H
#define PARLEY_LINK_INT_H

#include "fmt/envelope.h"
#include "link/link.h"
#include "net/http.h"
#include "net/http_client.h"
#include "node/peers.h"

#define BATCH_MAX 256
#define BATCH_BYTES (1u << 20)
#define LINES_MAX 1024
#define HELLO_EVERY_MS 15000
/* Batches in flight per peer, so sender and receiver work at once
 * (decision 0005); a third keeps the sender busy while two are with the
 * peer (measured: about +10 % sustained throughput over two). */
#define LANES 3

struct item {
	char id[STAMP_UUID_LEN];
	int64_t seq;
	char hash[ENV_HASH_HEX];
};

/* A lane is one connection to the peer with at most one batch in flight. */
struct lane {
	struct lpeer *p;
	struct http_client *client;
	char blink[ENV_LINK_MAX + 1];	/* link of the batch in flight */
	struct item items[BATCH_MAX];
	size_t n_items;
	int hello;		/* the request in flight is a hello */
	struct buf body;
};

/* A message to the peer just queued, kept in memory so that it is sent
 * without being read back from the store (link_out.c, fill).  The store
 * still says which messages are queued; this only gives their bytes, the
 * very bytes the commit holds: each (peer, link, seq) is one outbox row
 * for good (UNIQUE, never deleted). */
struct kept {
	int64_t seq;
	char id[STAMP_UUID_LEN];
	char hash[ENV_HASH_HEX];
	char *jws;
	size_t jws_len;
};

/* One link's kept messages, in seq order: v[head..n), of which the last
 * staged are not committed yet (link_queue_end decides). */
struct keptq {
	struct kept *v;
	size_t head, n, cap, staged;
};

#define KEPT_MAX 8192	/* per link; past it, messages are read back */
/* The links the engine serves: the standard four first, then the others
 * agreements name, as messages are first queued on them (or found in the
 * store at start); at most LINKS_MAX. */
#define LINKS_MAX 32

/* The engine's state for one pinned peer (its registry slot). */
struct lpeer {
	struct link_engine *e;
	struct peer *peer;	/* the registry's record: name, key, links */
	struct lane lanes[LANES];
	struct event *timer;
	int retrying;		/* timer armed for a retry after failure */
	int backoff_ms;
	int need_hello;
	int reachable;
	int64_t last_heard_ms;
	char last_error[256];
	char alarm[256];
	json_t *marks;		/* the peer's last hello answer (its marks), or NULL */
	struct keptq kept[LINKS_MAX];	/* by the engine's link index */
};

struct waiter;

struct link_engine {
	struct event_base *base;
	struct node *node;
	struct http *http;
	struct peers *peers;
	int slot;			/* ours in the registry */
	struct tlsctx *tls;
	struct witness *witness;	/* cosigning our log and peers' logs */
	struct waiter *waiters;
	int started;			/* routes registered, peers greeted */
	struct recovery *recovery;	/* in progress (link_recover.c), or NULL */
	int recovery_failed;		/* not to be tried again by this process */
	char links[LINKS_MAX][ENV_LINK_MAX + 1];	/* served in this order */
	size_t n_links;
	struct buf pack;		/* link_queue's message packed for the store */
	struct event *changed;		/* active after a change link_watch tells */
	void (*watch)(void *arg);
	void *watch_arg;
};

struct outcome {
	char id[STAMP_UUID_LEN];
	enum link_outcome o;
	char detail[200];
};

/* link.c */
struct lpeer *link_peer(struct link_engine *e, struct peer *p);
/* link_changed - what link_status shows changed (link_watch): the watcher
 * hears of it on the next turn of the loop, once however often this is
 * called before. */
void link_changed(struct link_engine *e);
/* link_index - the engine's index of link name, added when new; -1 when
 * LINKS_MAX are in use already. */
int link_index(struct link_engine *e, const char *name);
/* A set of link names. */
struct link_names {
	char v[LINKS_MAX][ENV_LINK_MAX + 1];
	size_t n;
};
/* link_names_add - add link to ln, once (a name that is not one, or past
 * LINKS_MAX, is left out). */
void link_names_add(struct link_names *ln, const char *link);
/* link_names_of - the standard links, then every link with history with
 * pr in the store (pr NULL: with any peer), into ln. */
status link_names_of(struct link_engine *e, const struct peer *pr, struct link_names *ln) WUR;
/* link_hello_answer - check the marks in p's answer to our hello against
 * the store: halt the node when p holds history of ours we lack. */
void link_hello_answer(struct lpeer *p, const char *body, size_t len);
/* link_halt - p holds history of ours that the store lacks (what says
 * which): the node stops signing (node_halt), says so, and raises p's alarm. */
void link_halt(struct lpeer *p, const char *what);
void link_notify(struct link_engine *e, const struct outcome *oc, size_t n);

/* link_history.c: GET /v1/history, a peer's own history served back to it */
status link_history_route(struct link_engine *e, struct http_listener *l) WUR;

/* link_recover.c */
/* link_recover - fetch from every peer the history of ours it holds and
 * rebuild the store and log from it; clears the halts when the rebuilt log
 * matches every checkpoint the peers cosigned (see the file's rules).
 * Asynchronous; a no-op while one is in progress or after one failed for
 * good in this process. */
void link_recover(struct link_engine *e);
void link_recover_free(struct link_engine *e);

/* link_out.c */
void link_out_kick(struct lpeer *p, int force);
/* link_out_forget - free the messages kept for p. */
void link_out_forget(struct lpeer *p);
void link_out_timer(evutil_socket_t fd, short what, void *arg);
void link_out_alarm(struct lpeer *p, const char *fmt, const char *a, int64_t n);

#endif
