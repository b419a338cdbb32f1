/* taxii_int.h - what the TAXII server's files share; not for use outside
 * src/taxii/.  taxii.c owns the struct taxii, authentication, the
 * collections and the replies; taxii_objects.c answers the objects,
 * manifest and versions endpoints and DELETE; taxii_post.c takes a POST
 * and answers the status endpoint.
 */
#ifndef PARLEY_TAXII_INT_H
#define PARLEY_TAXII_INT_H

#include <jansson.h>

#include "fmt/card.h"
#include "store/store_taxii.h"
#include "taxii/taxii.h"

/* One collection as this node has it. */
struct taxii_col {
	char id[37];
	char title[CARD_NAME_MAX + 8];	/* "local", "to NAME", "from NAME" */
	char store[INTEL_COLLECTION_MAX];	/* its store collection */
	int64_t peer_id;		/* 0: local */
	char peer[CARD_NAME_MAX + 1];
	int can_read, can_write;	/* by its nature */
};

/* Who is calling, once authenticated. */
struct taxii_who {
	char name[STORE_TAXII_NAME_MAX + 1];
	char read[STORE_TAXII_GRANTS_MAX + 1], write[STORE_TAXII_GRANTS_MAX + 1];
};

struct taxii;

struct node *taxii_node(const struct taxii *t);
struct intel *taxii_intel(const struct taxii *t);

/* taxii_enter - authenticate r and check its Accept header: ST_OK with
 * *who, or r has been answered (401, 406, 429) and is gone. */
status taxii_enter(struct taxii *t, struct http_req *r, struct taxii_who *who) WUR;
/* taxii_col_of - the collection r's {cid} names, with the rights who has
 * on it (can_read, can_write: its nature and the grants), or r has been
 * answered (404 unknown, 403 not granted at all) and is gone. */
status taxii_col_of(struct taxii *t, struct http_req *r, const struct taxii_who *who,
    struct taxii_col *c) WUR;
/* taxii_admin - who may read every status (grants "all" both ways). */
int taxii_admin(const struct taxii_who *who);

/* taxii_error - answer r with a TAXII error message (title, description,
 * http_status) for st; 401 with WWW-Authenticate. */
void taxii_error(struct http_req *r, status st, const char *title, const char *description);
/* taxii_json - answer r with st and j (consumed; NULL: out of memory). */
void taxii_json(struct http_req *r, status st, json_t *j);

/* Routes of the other files, registered by taxii_new. */
void taxii_on_objects(void *arg, struct http_req *r);	/* GET, POST */
void taxii_on_object(void *arg, struct http_req *r);	/* GET, DELETE */
void taxii_on_manifest(void *arg, struct http_req *r);
void taxii_on_versions(void *arg, struct http_req *r);
void taxii_on_status(void *arg, struct http_req *r);
/* taxii_post - POST to c's objects (taxii_post.c). */
void taxii_post(struct taxii *t, struct http_req *r, const struct taxii_who *who,
    const struct taxii_col *c);

#endif
