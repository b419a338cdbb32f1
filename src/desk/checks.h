/* checks.h - what the communication checks showed (docs/DESK.md,
 * "Communication checks"): the one computation behind `parley checks` and
 * the duty console's checks page, so both show the same figures.
 *
 * The checks (store_desk_checks) are grouped by peer, direction (sent: the
 * peer answered; received: this desk answered) and, for those sent, the
 * peer's path the receipt came on (-1: not known, as for a check with no
 * receipt yet).  A machine check's figure is its receipt's time less the
 * check's creation; a human check's, the acknowledgement's time less the
 * receipt's; a human check not acknowledged is missed once its deadline
 * has passed or the sender's overdue notice was sent.  Every time is a
 * signed one both parties hold, so both compute the same.
 */
#ifndef PARLEY_CHECKS_H
#define PARLEY_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "fmt/card.h"
#include "store/store.h"
#include "util/stamp.h"

#define CHECKS_SAMPLES_MAX 100000	/* figures kept per group and kind */
#define CHECKS_KEEP_MAX 1000	/* the most checks kept per group for a history */

enum checks_outcome { CHECKS_ANSWERED, CHECKS_PENDING, CHECKS_MISSED };

/* One check, for a history. */
struct checks_point {
	char msg[STAMP_UUID_LEN];	/* the check's message id */
	int human;
	int64_t made_ms;	/* created (sent), or accepted (received) */
	int64_t receipt_ms, ack_ms;	/* 0: not yet */
	char ack_officer[CARD_NAME_MAX + 1];	/* who acknowledged it; "" */
	int64_t ms;		/* its figure (above); -1 while not answered */
	enum checks_outcome outcome;
};

/* One peer, direction and path. */
struct checks_group {
	char peer[CARD_NAME_MAX + 1];
	int out;		/* 1: sent by this node */
	int path;		/* sent: the path the receipts came on; -1 */
	int64_t m_sent, m_answered;	/* machine checks */
	int64_t h_sent, h_answered, h_missed;	/* human checks */
	int64_t rtt_p50, rtt_p99;	/* machine, ms; -1: none answered */
	int64_t resp_p50, resp_p90, resp_max;	/* human, ms; -1: none answered */
	/* the latest checks (at most the keep of checks_new), oldest first;
	 * borrowed from the checks, valid until checks_free */
	const struct checks_point *last;
	size_t n_last;
};

struct checks;

/* checks_new - an empty tally at now_ms (what "missed" is judged at) that
 * keeps the latest keep checks of each group for a history (0: none; at
 * most CHECKS_KEEP_MAX), into *out (the caller's: checks_free). */
status checks_new(int64_t now_ms, size_t keep, struct checks **out) WUR;
/* checks_free - NULL is a no-op. */
void checks_free(struct checks *c);
/* checks_add - count the check it; items come in store_desk_checks order
 * (by peer, direction, path, kind, time).  ST_NOMEM. */
status checks_add(struct checks *c, const struct store_desk_item *it) WUR;
/* checks_read - checks_add every check of st made since since_ms, then
 * checks_done.  Errors of the store, ST_NOMEM. */
status checks_read(struct checks *c, struct store *st, int64_t since_ms) WUR;
/* checks_done - compute the figures and histories of what was added
 * (again after more is added).  ST_NOMEM. */
status checks_done(struct checks *c) WUR;
/* checks_n - how many groups; checks_at - group i (NULL past the end),
 * borrowed from c; its figures are those of the last checks_done. */
size_t checks_n(const struct checks *c);
const struct checks_group *checks_at(const struct checks *c, size_t i);

#endif
