/* agree_int.h - the agreements service's state, shared by its files
 * (agree.c: documents and acts; agree_evidence.c: evidence bundles). */
#ifndef PARLEY_AGREE_INT_H
#define PARLEY_AGREE_INT_H

#include "agree/agree.h"

#define AGREE_BODY_MAX AGREEMENT_DOC_MAX

struct push;
struct ajob;

struct agree {
	struct node *node;
	struct witness *witness;	/* told when our log grows; NULL: none runs */
	int grew;		/* our log grew in the transaction being committed */
	struct peers *peers;
	struct http *http;
	struct tlsctx *tls;
	int slot;
	struct push *pushes;	/* in flight */
	struct ajob *jobs;	/* evidence bundles being made */
};

/* agree_jobs_free - drop every evidence bundle being made (agree_free). */
void agree_jobs_free(struct agree *g);

#endif
