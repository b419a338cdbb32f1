/* test_peers.c - the peer registry after `parley peer update` and `peer
 * remove`: peers_reload tells each service which peers were removed (before
 * a successor of the same name arrives), which changed endpoint and which
 * are new; a removed key is no longer pinned, and its record stays valid
 * for a pointer a service still holds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/peers.h"
#include "store/store.h"
#include "testdir.h"

struct fx {
	char dir[64];
	char path[128];
	struct store *st;
	struct peers *ps;
	int slot;
	char events[512];	/* "+name" added, "~name" changed, "-name" removed */
};

static status
add(struct store *st, const char *name, uint8_t keybyte, const char *endpoint, int64_t *id)
{
	struct store_peer p;

	memset(&p, 0, sizeof p);
	p.name = name;
	memset(p.pk, keybyte, IDENT_PK_LEN);
	p.kid = name;
	p.endpoint = endpoint;
	p.links = "urgent";
	p.card = "{}";
	p.added_ms = 1;
	return store_peer_add(st, &p, id);
}

static void
note(struct fx *f, char what, const struct peer *p)
{
	size_t n = strlen(f->events);

	snprintf(f->events + n, sizeof f->events - n, "%c%s ", what, p->name);
}

static status
on_added(void *arg, struct peer *p)
{
	struct fx *f = arg;

	note(arg, '+', p);
	p->slot[f->slot] = p;	/* a service's state: here, the record itself */
	return ST_OK;
}

static status
on_changed(void *arg, struct peer *p)
{
	note(arg, '~', p);
	assert_string_equal(p->endpoints, "https://127.0.0.1:9002");
	return ST_OK;
}

static void
on_removed(void *arg, struct peer *p)
{
	struct fx *f = arg;

	note(arg, '-', p);
	assert_ptr_equal(p->slot[f->slot], p);
	assert_null(peers_by_name(f->ps, "none such"));
	p->slot[f->slot] = NULL;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	peers_free(f->ps);
	store_close(f->st);
	(void)testdir_remove(f->dir);
	free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	*state = f;
	if (testdir_store_path("peers", f->dir, sizeof f->dir, f->path, sizeof f->path) != 0 ||
	    store_open(f->path, 1, &f->st) ||
	    add(f->st, "bravo", 0xb0, "https://127.0.0.1:9001", NULL) ||
	    add(f->st, "charlie", 0xc0, "https://127.0.0.1:9001", NULL) ||
	    add(f->st, "delta", 0xd0, "https://127.0.0.1:9001", NULL) ||
	    peers_new(f->st, &f->ps) ||
	    peers_hook(f->ps, &(struct peers_hooks){ on_added, NULL, on_changed, on_removed },
	    f, &f->slot)) {
		(void)teardown(state);
		return -1;
	}
	return 0;
}

static int
id_of(void *arg, const struct store_peer *p)
{
	*(int64_t *)arg = p->id;
	return 1;
}

static int64_t
pinned_id(struct store *st, const char *name)
{
	int64_t id = 0;

	assert_int_equal(store_peer_find(st, name, NULL, id_of, &id), ST_OK);
	return id;
}

static void
test_reload_tells_each_service(void **state)
{
	struct fx *f = *state;
	uint8_t b0[IDENT_PK_LEN], c0[IDENT_PK_LEN], c1[IDENT_PK_LEN];
	struct peer *old_charlie;

	memset(b0, 0xb0, sizeof b0);
	memset(c0, 0xc0, sizeof c0);
	memset(c1, 0xc1, sizeof c1);
	assert_string_equal(f->events, "+bravo +charlie +delta ");
	old_charlie = peers_by_name(f->ps, "charlie");

	/* bravo removed; charlie's key replaced; delta moved; echo new */
	f->events[0] = '\0';
	assert_int_equal(store_begin(f->st), ST_OK);
	assert_int_equal(store_peer_retire(f->st, pinned_id(f->st, "bravo"), "peer removed", 2,
	    NULL), ST_OK);
	assert_int_equal(store_peer_retire(f->st, pinned_id(f->st, "charlie"), "peer key replaced",
	    2, NULL), ST_OK);
	assert_int_equal(add(f->st, "charlie", 0xc1, "https://127.0.0.1:9001", NULL), ST_OK);
	assert_int_equal(store_peer_update(f->st, pinned_id(f->st, "delta"),
	    "https://127.0.0.1:9002", "{}"), ST_OK);
	assert_int_equal(add(f->st, "echo", 0xe0, "https://127.0.0.1:9001", NULL), ST_OK);
	assert_int_equal(store_commit(f->st), ST_OK);
	assert_int_equal(peers_reload(f->ps), ST_OK);

	/* removals first, then the listing's order (by name) */
	assert_string_equal(f->events, "-charlie -bravo +charlie ~delta +echo ");
	assert_int_equal(peers_count(f->ps), 3);
	assert_false(peers_pinned(f->ps, b0));	/* TLS refuses the removed keys */
	assert_false(peers_pinned(f->ps, c0));
	assert_true(peers_pinned(f->ps, c1));
	assert_ptr_not_equal(peers_by_name(f->ps, "charlie"), old_charlie);
	assert_string_equal(old_charlie->name, "charlie");	/* still readable */
	assert_string_equal(peers_by_name(f->ps, "delta")->endpoints, "https://127.0.0.1:9002");

	/* nothing changed: nothing said */
	f->events[0] = '\0';
	assert_int_equal(peers_reload(f->ps), ST_OK);
	assert_string_equal(f->events, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_tells_each_service, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
