/* store_sqlite.c - the store on SQLite.
 *
 * The database runs in WAL mode with synchronous=FULL, so store_commit
 * returns only once the commit is fsync'd: the rule "acknowledge only what
 * is durable" rests on that.  Statements are prepared once and kept.
 *
 * SECURITY: the database holds messages, not keys; it is created 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include <jansson.h>

#include "crypto/jws.h"
#include "fmt/agreement.h"
#include "fmt/envelope.h"
#include "util/diag.h"
#include "util/stamp.h"
#include "store/store.h"
#include "store/store_sqlite_int.h"

/* The schema, one version at a time: each version's SQL turns a store of
 * the version before into one of this version.  The table `migrations`
 * (below, by store_open) applies them in order; a new store takes every
 * step from version 0, so each table is defined once. */

/* Version 1: peers, per-link sequence numbers, the outbox, the inbox. */
static const char schema_v1[] =
    "CREATE TABLE peers("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, pk BLOB NOT NULL UNIQUE,"
    " kid TEXT NOT NULL, endpoint TEXT NOT NULL, links TEXT NOT NULL,"
    " card TEXT NOT NULL, added_ms INTEGER NOT NULL);"
    "CREATE TABLE links("
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " send_next INTEGER NOT NULL DEFAULT 1, recv_next INTEGER NOT NULL DEFAULT 1,"
    " PRIMARY KEY(peer_id, link)) WITHOUT ROWID;"
    "CREATE TABLE outbox("
    " rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, jws TEXT NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL, delivered_ms INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',"
    " receipt TEXT NOT NULL DEFAULT '', UNIQUE(peer_id, link, seq));"
    "CREATE INDEX outbox_queued ON outbox(peer_id, link, seq) WHERE state = 0;"
    "CREATE TABLE inbox("
    " rid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, jws TEXT NOT NULL, hash TEXT NOT NULL,"
    " status INTEGER NOT NULL, reason TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " receipt TEXT NOT NULL, UNIQUE(peer_id, link, seq), UNIQUE(peer_id, id));"
    "CREATE INDEX inbox_id ON inbox(id);";

/* Version 2: checkpoints, cosignatures, witnessing, forks, and the Merkle
 * log: its entries in a table of their own, its nodes by (level, idx).  A
 * version 1 store had no log: its statements, oldest first, become the
 * first entries.  Their node hashes are left out (tlog_node stays empty):
 * the step to version 3 computes every hash again from the statements. */
static const char schema_v2[] =
    "CREATE TABLE checkpoint("
    " size INTEGER PRIMARY KEY, note TEXT NOT NULL, signed_ms INTEGER NOT NULL);"
    "CREATE TABLE cosig("
    " size INTEGER NOT NULL, peer_id INTEGER NOT NULL REFERENCES peers(id),"
    " line TEXT NOT NULL, time INTEGER NOT NULL,"
    " PRIMARY KEY(peer_id, size)) WITHOUT ROWID;"
    "CREATE TABLE witness("
    " peer_id INTEGER PRIMARY KEY REFERENCES peers(id), size INTEGER NOT NULL,"
    " note TEXT NOT NULL, at_ms INTEGER NOT NULL);"
    "CREATE TABLE fork("
    " id INTEGER PRIMARY KEY, peer_id INTEGER NOT NULL REFERENCES peers(id),"
    " cosigned TEXT NOT NULL, presented TEXT NOT NULL, reason TEXT NOT NULL,"
    " at_ms INTEGER NOT NULL);"
    "CREATE TABLE tlog_entry("
    " idx INTEGER PRIMARY KEY, kind INTEGER NOT NULL, rid INTEGER NOT NULL,"
    " UNIQUE(kind, rid));"
    "CREATE TABLE tlog_node("
    " level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
    " PRIMARY KEY(level, idx)) WITHOUT ROWID;"
    "INSERT INTO tlog_entry(idx, kind, rid)"
    " SELECT row_number() OVER (ORDER BY t, kind, rid) - 1, kind, rid FROM ("
    " SELECT 1 AS kind, rid, created_ms AS t FROM outbox UNION ALL"
    " SELECT 2, rid, received_ms FROM inbox WHERE status = 200);";

/* Version 3: the Merkle log.  tlog holds every stored node (tlog.h) at its
 * post-order position, so the nodes one append stores are adjacent rows,
 * most often on one page; a leaf's row also names its entry (idx, kind,
 * rid).  A statement's row keeps its entry's index (log_idx) to find it by
 * message id.  (Version 2 kept the nodes by (level, idx) and the entries in
 * a table of their own with an index on (kind, rid): four pages written per
 * append instead of one.)  The log is rebuilt by log_v3. */
static const char schema_v3[] =
    "CREATE TABLE tlog("
    " pos INTEGER PRIMARY KEY, hash BLOB NOT NULL, idx INTEGER, kind INTEGER,"
    " rid INTEGER);"
    "ALTER TABLE outbox ADD COLUMN log_idx INTEGER;"
    "ALTER TABLE inbox ADD COLUMN log_idx INTEGER;";

/* Version 4: fewer bytes written per message (docs/BENCHMARKS.md).  A
 * message's row is never rewritten: whether it is queued (out_queue, with
 * its failed attempts) or done (out_done: delivered with its receipt, or
 * rejected) is kept in narrow tables of their own, so a receipt's arrival
 * adds a small row instead of rewriting the message's pages.  A receipt is
 * kept as what its message's row does not hold - its id, its time (ms),
 * its signature and the node's own kid - and rebuilt byte for byte
 * (envelope_receipt_build) when read; one that does not rebuild exactly is
 * kept whole (receipt).  The received message's hash is 32 bytes, and a
 * message's JWS the bytes of its base64url segments (jws_bind): a version
 * 3 row keeps its hex and its text.  The outbox and the inbox are made
 * again without the columns that moved (by msg_v4, which moves them). */
static const char schema_v4[] =
    "CREATE TABLE out_queue("
    " peer_id INTEGER NOT NULL, link TEXT NOT NULL, seq INTEGER NOT NULL,"
    " rid INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '', PRIMARY KEY(peer_id, link, seq)) WITHOUT ROWID;"
    "CREATE TABLE out_done("
    " rid INTEGER PRIMARY KEY, state INTEGER NOT NULL, delivered_ms INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL, last_error TEXT NOT NULL, rcpt_id TEXT, rcpt_ms INTEGER,"
    " rcpt_sig BLOB, rcpt_kid TEXT, receipt TEXT);"
    "CREATE TABLE in_receipt("
    " rid INTEGER PRIMARY KEY, rcpt_id TEXT, rcpt_ms INTEGER, rcpt_sig BLOB,"
    " rcpt_kid TEXT, receipt TEXT);"
    "INSERT INTO out_queue(peer_id, link, seq, rid, attempts, last_error)"
    " SELECT peer_id, link, seq, rid, attempts, last_error FROM outbox WHERE state = 0;";

/* Version 5: forks of every kind (store_log.h): a peer's two messages for
 * one sequence number and two receipts for one message, beside its two
 * checkpoints; at most one fork per peer, kind and subject.  And halts:
 * what a peer holds of this node's history that this store lacks
 * (store_msg.h), one active row per peer until it is cleared. */
static const char schema_v5[] =
    "ALTER TABLE fork ADD COLUMN kind TEXT NOT NULL DEFAULT 'checkpoint';"
    "ALTER TABLE fork ADD COLUMN subject TEXT NOT NULL DEFAULT '';"
    "CREATE UNIQUE INDEX fork_subject ON fork(peer_id, kind, subject) WHERE subject <> '';"
    "CREATE TABLE halt("
    " id INTEGER PRIMARY KEY, peer_id INTEGER NOT NULL REFERENCES peers(id),"
    " what TEXT NOT NULL, at_ms INTEGER NOT NULL, cleared_ms INTEGER);"
    "CREATE UNIQUE INDEX halt_active ON halt(peer_id) WHERE cleared_ms IS NULL;"
    "CREATE TABLE loss("
    " id INTEGER PRIMARY KEY, peer_id INTEGER NOT NULL REFERENCES peers(id),"
    " note TEXT NOT NULL, what TEXT NOT NULL, at_ms INTEGER NOT NULL, acked_ms INTEGER);";

/* Version 6: a pin can end - removed, or its key replaced - and its row
 * stays (removed_ms, removed_why), since messages, receipts, cosignatures
 * and forks name it and must still verify with the key they were made
 * with.  A name is unique among the pins in force only (peers_name); a key
 * is unique over every row, so a removed key pinned again is its old row.
 * The table is made again without the UNIQUE on name (SQLite cannot drop
 * one); upgrade turns off the foreign keys that point at it for the step. */
static const char schema_v6[] =
    "CREATE TABLE peers_v5("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL, pk BLOB NOT NULL UNIQUE,"
    " kid TEXT NOT NULL, endpoint TEXT NOT NULL, links TEXT NOT NULL,"
    " card TEXT NOT NULL, added_ms INTEGER NOT NULL,"
    " removed_ms INTEGER NOT NULL DEFAULT 0, removed_why TEXT NOT NULL DEFAULT '');"
    "INSERT INTO peers_v5(id, name, pk, kid, endpoint, links, card, added_ms)"
    " SELECT id, name, pk, kid, endpoint, links, card, added_ms FROM peers;"
    "DROP TABLE peers; ALTER TABLE peers_v5 RENAME TO peers;"
    "CREATE UNIQUE INDEX peers_name ON peers(name) WHERE removed_ms = 0;";

/* Version 7: agreements (store_agree.h): each as the signed document held
 * now (the General Serialization with every signature collected), with
 * what a listing shows without verifying it again. */
static const char schema_v7[] =
    "CREATE TABLE agreement("
    " id TEXT PRIMARY KEY, doc TEXT NOT NULL, title TEXT NOT NULL,"
    " parties TEXT NOT NULL, signed TEXT NOT NULL, n_parties INTEGER NOT NULL,"
    " n_signed INTEGER NOT NULL, effective_ms INTEGER NOT NULL,"
    " expires_ms INTEGER NOT NULL, first_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL) WITHOUT ROWID;";

/* Version 8: what parties did to an agreement after proposing it
 * (store_agree.h): declined (by whom, when: the earliest decline), the end
 * a notice of termination set (INT64_MAX: none), superseded from when
 * (INT64_MAX: not), and what it supersedes, filled from the documents
 * held (agree_v8).  And the acts themselves, each signed act kept once
 * (its JWS unique), with the parties that took it when it was ours. */
static const char schema_v8[] =
    "ALTER TABLE agreement ADD COLUMN supersedes TEXT;"
    "ALTER TABLE agreement ADD COLUMN declined_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE agreement ADD COLUMN declined_by TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE agreement ADD COLUMN ends_ms INTEGER NOT NULL"
    " DEFAULT 9223372036854775807;"
    "ALTER TABLE agreement ADD COLUMN superseded_ms INTEGER NOT NULL"
    " DEFAULT 9223372036854775807;"
    "CREATE TABLE agreement_act("
    " id INTEGER PRIMARY KEY, agreement TEXT NOT NULL REFERENCES agreement(id),"
    " kind TEXT NOT NULL, by_kid TEXT NOT NULL, jws TEXT NOT NULL UNIQUE,"
    " at_ms INTEGER NOT NULL, kept_ms INTEGER NOT NULL, acked TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX agreement_act_of ON agreement_act(agreement, id);"
    /* the log's other statements: this node's acts on agreements
     * (STORE_ENTRY_ACT), kept whole, as they were signed */
    "CREATE TABLE tlog_stmt("
    " rid INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL,"
    " sha TEXT NOT NULL UNIQUE, jws TEXT NOT NULL, at_ms INTEGER NOT NULL,"
    " log_idx INTEGER NOT NULL);";

/* The outbox and the inbox of version 4, filled from version 3's. */
static const char tables_v4[] =
    "CREATE TABLE outbox_v4("
    " rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, jws TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    " log_idx INTEGER, UNIQUE(peer_id, link, seq));"
    "INSERT INTO outbox_v4 SELECT rid, id, peer_id, link, seq, type, priority, subject,"
    " jws, created_ms, log_idx FROM outbox;"
    "DROP TABLE outbox; ALTER TABLE outbox_v4 RENAME TO outbox;"
    "CREATE TABLE inbox_v4("
    " rid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
    " peer_id INTEGER NOT NULL REFERENCES peers(id), link TEXT NOT NULL,"
    " seq INTEGER NOT NULL, type TEXT NOT NULL, priority TEXT NOT NULL,"
    " subject TEXT NOT NULL, jws TEXT NOT NULL, hash BLOB NOT NULL,"
    " status INTEGER NOT NULL, reason TEXT NOT NULL, received_ms INTEGER NOT NULL,"
    " log_idx INTEGER, UNIQUE(peer_id, link, seq), UNIQUE(peer_id, id));"
    "INSERT INTO inbox_v4 SELECT rid, id, peer_id, link, seq, type, priority, subject,"
    " jws, hash, status, reason, received_ms, log_idx FROM inbox;"
    "DROP TABLE inbox; ALTER TABLE inbox_v4 RENAME TO inbox;"
    "CREATE INDEX inbox_id ON inbox(id);";

enum {
	Q_PEER_ADD, Q_PEER_LIST, Q_PEER_BY_NAME, Q_PEER_BY_KEY, Q_PEER_KID, Q_SEND_SEQ, Q_SEND_PUT,
	Q_RECV_NEXT,
	Q_OUT_ADD, Q_OUT_QUEUE, Q_OUT_PENDING, Q_OUT_SEQS, Q_OUT_QUEUED, Q_OUT_QUEUED_AT,
	Q_OUT_DEQUEUE, Q_OUT_DONE,
	Q_OUT_FAILED, Q_OUT_GET, Q_OUT_LIST, Q_OUT_BACKLOG, Q_IN_ADD, Q_IN_RECEIPT,
	Q_IN_ADVANCE, Q_IN_AT,
	Q_IN_GET, Q_IN_LIST, Q_IN_BREACHES, Q_STMT_ADD, Q_LINKS_OF, Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
	Q_LOG_SIZE, Q_NODE_GET, Q_NODE_PUT, Q_LOG_ENTRIES, Q_LOG_INDEX, Q_LOG_AT,
	Q_CKPT_ADD, Q_CKPT_GET, Q_CKPT_LATEST, Q_CKPT_EACH, Q_COSIG_ADD, Q_COSIG_LINES, Q_COSIG_LATEST,
	Q_WIT_GET, Q_WIT_PUT, Q_FORK_ADD, Q_FORK_LIST, Q_FORK_GET, Q_HALT_SET, Q_HALT_LIST, Q_HALT_CLEAR,
	Q_MARKS, Q_OUT_AT, Q_SEND_ADVANCE, Q_LOSS_ADD, Q_LOSS_PENDING, Q_LOSS_ACK,
	Q_AGREE_PUT, Q_AGREE_GET, Q_AGREE_LIST, Q_AGREE_DECLINE, Q_AGREE_END, Q_AGREE_SUPERSEDE,
	Q_ACT_ADD, Q_ACT_LIST, Q_ACT_ACKED, Q__COUNT
};

/* A kept receipt's columns (RCPT_*, in this order) and what rebuilds it:
 * the message's id, link, seq and hash, and the peer's kid. */
#define RCPT_COLS(t) t ".receipt, " t ".rcpt_id, " t ".rcpt_ms, " t ".rcpt_sig, " t ".rcpt_kid"
#define ENTRY_COLS "e.idx, e.kind, coalesce(o.id, i.id, s.subject), p.name," \
	" o.jws, coalesce(i.jws, ''), i.hash, i.link, i.seq, p.kid, " RCPT_COLS("r") \
	", s.jws"
#define ENTRY_FROM " FROM tlog e" \
	" LEFT JOIN outbox o ON e.kind = 1 AND o.rid = e.rid" \
	" LEFT JOIN inbox i ON e.kind = 2 AND i.rid = e.rid" \
	" LEFT JOIN in_receipt r ON e.kind = 2 AND r.rid = e.rid" \
	" LEFT JOIN tlog_stmt s ON e.kind = 3 AND s.rid = e.rid" \
	" LEFT JOIN peers p ON p.id = coalesce(o.peer_id, i.peer_id)"

#define AGREE_COLS "id, doc, title, parties, signed, n_parties, n_signed, effective_ms," \
	" expires_ms, first_ms, updated_ms, supersedes, declined_ms, declined_by, ends_ms," \
	" superseded_ms"
#define PEER_COLS "id, name, pk, kid, endpoint, links, card, added_ms, removed_ms, removed_why"
#define OUT_COLS "o.id, o.peer_id, p.name, o.link, o.seq, o.type, o.priority, " \
	"o.subject, o.jws, coalesce(d.state, 0), o.created_ms, coalesce(d.delivered_ms, 0), " \
	"coalesce(d.attempts, q.attempts, 0), coalesce(d.last_error, q.last_error, ''), " \
	"p.kid, " RCPT_COLS("d")
#define OUT_JOIN " JOIN peers p ON p.id = o.peer_id" \
	" LEFT JOIN out_done d ON d.rid = o.rid" \
	" LEFT JOIN out_queue q ON q.peer_id = o.peer_id AND q.link = o.link AND q.seq = o.seq"
#define IN_COLS "i.id, i.peer_id, p.name, i.link, i.seq, i.type, i.priority, " \
	"i.subject, i.jws, i.hash, i.status, i.reason, i.received_ms, p.kid, " RCPT_COLS("r")
#define IN_JOIN " JOIN peers p ON p.id = i.peer_id LEFT JOIN in_receipt r ON r.rid = i.rid"

#define FORK_COLS "f.id, f.peer_id, p.name, f.kind, f.subject, f.cosigned, f.presented," \
    " f.reason, f.at_ms FROM fork f JOIN peers p ON p.id = f.peer_id"
static const char *const sql[Q__COUNT] = {
	/* a removed key pinned again, under its old name, is its old row */
	[Q_PEER_ADD] = "INSERT INTO peers(name, pk, kid, endpoint, links, card, added_ms)"
	    " VALUES(?,?,?,?,?,?,?) ON CONFLICT(pk) DO UPDATE SET endpoint = excluded.endpoint,"
	    " links = excluded.links, card = excluded.card, added_ms = excluded.added_ms,"
	    " removed_ms = 0, removed_why = '' WHERE peers.removed_ms != 0"
	    " AND peers.name = excluded.name RETURNING id",
	[Q_PEER_LIST] = "SELECT " PEER_COLS " FROM peers WHERE removed_ms = 0 ORDER BY name",
	[Q_PEER_BY_NAME] = "SELECT " PEER_COLS " FROM peers WHERE name = ? AND removed_ms = 0",
	[Q_PEER_BY_KEY] = "SELECT " PEER_COLS " FROM peers WHERE pk = ? AND removed_ms = 0",
	[Q_SEND_SEQ] = "INSERT INTO links(peer_id, link, send_next) VALUES(?,?,2)"
	    " ON CONFLICT(peer_id, link) DO UPDATE SET send_next = send_next + 1"
	    " RETURNING send_next - 1",
	[Q_AGREE_PUT] = "INSERT INTO agreement(id, doc, title, parties, signed, n_parties, n_signed,"
	    " effective_ms, expires_ms, first_ms, updated_ms, supersedes)"
	    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11)"
	    " ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, signed = excluded.signed,"
	    " n_signed = excluded.n_signed, updated_ms = excluded.updated_ms",
	[Q_AGREE_GET] = "SELECT " AGREE_COLS " FROM agreement WHERE id = ?",
	[Q_AGREE_LIST] = "SELECT " AGREE_COLS " FROM agreement ORDER BY first_ms, id",
	/* the earliest decline stands, so that every node names the same one */
	[Q_AGREE_DECLINE] = "UPDATE agreement SET declined_ms = ?2, declined_by = ?3"
	    " WHERE id = ?1 AND (declined_ms = 0 OR ?2 < declined_ms"
	    " OR (?2 = declined_ms AND ?3 < declined_by))",
	[Q_AGREE_END] = "UPDATE agreement SET ends_ms = min(ends_ms, ?2) WHERE id = ?1",
	[Q_AGREE_SUPERSEDE] = "UPDATE agreement SET superseded_ms = min(superseded_ms, ?2)"
	    " WHERE id = ?1",
	[Q_ACT_ADD] = "INSERT INTO agreement_act(agreement, kind, by_kid, jws, at_ms, kept_ms)"
	    " VALUES(?,?,?,?,?,?) ON CONFLICT(jws) DO NOTHING",
	[Q_ACT_LIST] = "SELECT t.agreement, t.kind, t.by_kid, t.jws, t.at_ms, t.kept_ms,"
	    " t.acked, a.parties FROM agreement_act t JOIN agreement a ON a.id = t.agreement"
	    " WHERE ?1 IS NULL OR t.agreement = ?1 ORDER BY t.id",
	[Q_ACT_ACKED] = "UPDATE agreement_act SET acked = CASE acked WHEN '' THEN ?2"
	    " ELSE acked || ',' || ?2 END"
	    " WHERE jws = ?1 AND instr(',' || acked || ',', ',' || ?2 || ',') = 0",
	[Q_LOSS_ADD] = "INSERT INTO loss(peer_id, note, what, at_ms) VALUES(?,?,?,?)",
	[Q_LOSS_PENDING] = "SELECT note FROM loss WHERE peer_id = ? AND acked_ms IS NULL"
	    " ORDER BY id DESC LIMIT 1",
	[Q_LOSS_ACK] = "UPDATE loss SET acked_ms = ? WHERE peer_id = ? AND acked_ms IS NULL",
	[Q_SEND_ADVANCE] = "INSERT INTO links(peer_id, link, send_next) VALUES(?,?,?)"
	    " ON CONFLICT(peer_id, link) DO UPDATE SET send_next = excluded.send_next"
	    " WHERE excluded.send_next > links.send_next",
	[Q_SEND_PUT] = "UPDATE links SET send_next = ?3 WHERE peer_id = ?1 AND link = ?2"
	    " AND send_next < ?3",
	[Q_PEER_KID] = "SELECT kid FROM peers WHERE id = ?",
	[Q_RECV_NEXT] = "SELECT recv_next FROM links WHERE peer_id = ? AND link = ?",
	[Q_OUT_ADD] = "INSERT INTO outbox(id, peer_id, link, seq, type, priority, subject,"
	    " jws, created_ms, log_idx) VALUES(?,?,?,?,?,?,?,?,?,?)",
	[Q_OUT_QUEUE] = "INSERT INTO out_queue(peer_id, link, seq, rid) VALUES(?,?,?,?)",
	[Q_OUT_PENDING] = "SELECT " OUT_COLS " FROM out_queue q JOIN outbox o ON o.rid = q.rid"
	    " JOIN peers p ON p.id = o.peer_id LEFT JOIN out_done d ON d.rid = o.rid"
	    " WHERE q.peer_id = ? AND q.link = ? AND q.seq > ? ORDER BY q.seq LIMIT ?",
	[Q_OUT_SEQS] = "SELECT seq FROM out_queue WHERE peer_id = ? AND link = ? AND seq > ?"
	    " ORDER BY seq LIMIT ?",
	/* a queued message, with what its receipt is checked against */
	[Q_OUT_QUEUED] = "SELECT o.rid, o.peer_id, o.link, o.seq, CASE WHEN ?2 THEN o.jws END,"
	    " p.kid, q.attempts"
	    " FROM outbox o JOIN peers p ON p.id = o.peer_id JOIN out_queue q"
	    " ON q.peer_id = o.peer_id AND q.link = o.link AND q.seq = o.seq WHERE o.id = ?1",
	/* the same found by its place in the queue (no probe of the id's index) */
	[Q_OUT_QUEUED_AT] = "SELECT o.rid, q.peer_id, q.link, q.seq, CASE WHEN ?2 THEN o.jws END,"
	    " p.kid, q.attempts"
	    " FROM out_queue q JOIN outbox o ON o.rid = q.rid JOIN peers p ON p.id = q.peer_id"
	    " WHERE q.peer_id = ?3 AND q.link = ?4 AND q.seq = ?5 AND o.id = ?1",
	[Q_OUT_DEQUEUE] = "DELETE FROM out_queue WHERE peer_id = ? AND link = ? AND seq = ?",
	[Q_OUT_DONE] = "INSERT INTO out_done(rid, state, delivered_ms, attempts, last_error, "
	    "receipt, rcpt_id, rcpt_ms, rcpt_sig, rcpt_kid) VALUES(?,?,?,?,?,?,?,?,?,?)",
	[Q_OUT_FAILED] = "UPDATE out_queue SET attempts = attempts + 1, last_error = ?"
	    " WHERE peer_id = ? AND link = ? AND seq BETWEEN ? AND ?",
	[Q_OUT_GET] = "SELECT " OUT_COLS " FROM outbox o" OUT_JOIN " WHERE o.id = ?",
	[Q_OUT_AT] = "SELECT " OUT_COLS " FROM outbox o" OUT_JOIN
	    " WHERE o.peer_id = ? AND o.link = ? AND o.seq = ?",
	[Q_OUT_LIST] = "SELECT * FROM (SELECT " OUT_COLS ", o.rid AS r FROM outbox o"
	    OUT_JOIN " ORDER BY o.rid DESC LIMIT ?) ORDER BY r",
	[Q_OUT_BACKLOG] = "SELECT count(*) FROM out_queue WHERE peer_id = ? AND link = ?",
	[Q_IN_ADD] = "INSERT INTO inbox(id, peer_id, link, seq, type, priority, subject, jws,"
	    " hash, status, reason, received_ms, log_idx)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[Q_IN_RECEIPT] = "INSERT INTO in_receipt(rid, receipt, rcpt_id, rcpt_ms, rcpt_sig,"
	    " rcpt_kid) VALUES(?,?,?,?,?,?)",
	[Q_IN_ADVANCE] = "INSERT INTO links(peer_id, link, recv_next) VALUES(?,?,?)"
	    " ON CONFLICT(peer_id, link) DO UPDATE SET recv_next = excluded.recv_next"
	    " WHERE excluded.recv_next > links.recv_next",
	[Q_IN_AT] = "SELECT " IN_COLS " FROM inbox i" IN_JOIN
	    " WHERE i.peer_id = ? AND i.link = ? AND i.seq = ?",
	[Q_IN_GET] = "SELECT " IN_COLS " FROM inbox i" IN_JOIN
	    " WHERE i.id = ? ORDER BY i.status = 200 DESC LIMIT 1",
	[Q_LINKS_OF] = "SELECT DISTINCT link FROM links WHERE ?1 = 0 OR peer_id = ?1 ORDER BY link",
	[Q_STMT_ADD] = "INSERT INTO tlog_stmt(kind, subject, sha, jws, at_ms, log_idx)"
	    " VALUES(?,?,?,?,?,?)",
	[Q_IN_BREACHES] = "SELECT " IN_COLS " FROM inbox i" IN_JOIN " WHERE i.status = 451"
	    " ORDER BY i.rid",
	[Q_IN_LIST] = "SELECT * FROM (SELECT " IN_COLS ", i.rid AS r FROM inbox i" IN_JOIN
	    " WHERE i.status = 200 ORDER BY i.rid DESC LIMIT ?) ORDER BY r",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	/* the last leaf is among the last 64 rows */
	[Q_LOG_SIZE] = "SELECT idx + 1 FROM tlog WHERE idx IS NOT NULL ORDER BY pos DESC LIMIT 1",
	[Q_NODE_GET] = "SELECT hash FROM tlog WHERE pos = ?",
	[Q_NODE_PUT] = "INSERT INTO tlog(pos, hash, idx, kind, rid) VALUES(?,?,?,?,?)",
	[Q_LOG_ENTRIES] = "SELECT " ENTRY_COLS ENTRY_FROM " WHERE e.pos >= ?"
	    " AND e.idx IS NOT NULL ORDER BY e.pos",
	[Q_LOG_INDEX] = "SELECT log_idx FROM (SELECT 1 AS k, log_idx FROM outbox WHERE id = ?1"
	    " UNION ALL SELECT 2, log_idx FROM inbox WHERE id = ?1"
	    " UNION ALL SELECT 3, log_idx FROM tlog_stmt WHERE sha = ?1)"
	    " WHERE log_idx IS NOT NULL"
	    " ORDER BY k LIMIT 1",
	[Q_LOG_AT] = "SELECT " ENTRY_COLS ENTRY_FROM " WHERE e.pos = ? AND e.idx IS NOT NULL",
	[Q_CKPT_ADD] = "INSERT INTO checkpoint(size, note, signed_ms) VALUES(?,?,?)",
	[Q_CKPT_GET] = "SELECT size, note, signed_ms FROM checkpoint WHERE size = ?",
	[Q_CKPT_LATEST] = "SELECT size, note, signed_ms FROM checkpoint"
	    " ORDER BY size DESC LIMIT 1",
	[Q_COSIG_ADD] = "INSERT OR REPLACE INTO cosig(size, peer_id, line, time) VALUES(?,?,?,?)",
	[Q_CKPT_EACH] = "SELECT size, note, signed_ms FROM checkpoint ORDER BY size",
	[Q_COSIG_LINES] = "SELECT size, peer_id, line FROM cosig WHERE size = ? ORDER BY peer_id",
	[Q_COSIG_LATEST] = "SELECT coalesce(max(size), 0) FROM cosig WHERE peer_id = ?",
	[Q_WIT_GET] = "SELECT peer_id, size, note, at_ms FROM witness WHERE peer_id = ?",
	[Q_WIT_PUT] = "INSERT OR REPLACE INTO witness(peer_id, size, note, at_ms)"
	    " VALUES(?,?,?,?)",
	[Q_FORK_ADD] = "INSERT OR IGNORE INTO fork(peer_id, kind, subject, cosigned, presented,"
	    " reason, at_ms) VALUES(?,?,?,?,?,?,?)",
	[Q_FORK_LIST] = "SELECT " FORK_COLS " ORDER BY f.id",
	[Q_FORK_GET] = "SELECT " FORK_COLS " WHERE f.id = ?",
	[Q_HALT_SET] = "INSERT INTO halt(peer_id, what, at_ms) VALUES(?,?,?)"
	    " ON CONFLICT(peer_id) WHERE cleared_ms IS NULL DO UPDATE SET what = excluded.what",
	[Q_HALT_LIST] = "SELECT h.peer_id, p.name, h.what, h.at_ms FROM halt h"
	    " JOIN peers p ON p.id = h.peer_id WHERE h.cleared_ms IS NULL ORDER BY h.id",
	[Q_HALT_CLEAR] = "UPDATE halt SET cleared_ms = ? WHERE peer_id = ? AND cleared_ms IS NULL",
	[Q_MARKS] = "SELECT coalesce((SELECT send_next - 1 FROM links WHERE peer_id = ?1"
	    " AND link = ?2), 0), coalesce((SELECT recv_next - 1 FROM links WHERE peer_id = ?1"
	    " AND link = ?2), 0), coalesce((SELECT max(q.seq) FROM outbox q JOIN out_done d"
	    " ON d.rid = q.rid WHERE q.peer_id = ?1 AND q.link = ?2 AND d.state = 1), 0)",
};

#undef FORK_COLS

/* The last node stored at each level: the tree's right edge, which every
 * append reads (its left sibling) and every tree hash of the whole log
 * reads.  A cache of writes, so emptied when a transaction rolls back. */
struct edge {
	uint64_t index;
	uint8_t hash[TLOG_HASH];
	int valid;
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *q[Q__COUNT];
	sqlite3_stmt *x[STORE_SQ_SLOTS];	/* the domain files' (store_sqlite_int.h) */
	uint64_t log_size;	/* leaves, including this transaction's */
	struct edge edge[TLOG_PROOF_MAX];
	int append_kind;	/* the entry being appended (its leaf row names it) */
	int64_t append_rid;
	struct buf rcpt;	/* a receipt rebuilt for the row being handed out */
	struct buf jws;		/* that row's message JWS, unpacked */
	struct buf pack;	/* a message JWS being packed for a row */
	struct buf scratch;	/* a domain file's, within one call (store_sq_scratch) */
	char hash[ENV_HASH_HEX];	/* that row's message hash, in hex */
	struct store *next;	/* in open_stores */
	int in_tx;		/* between store_begin and its commit or rollback */
	char err[256];		/* SQLite's words for the last failure (store_errmsg) */
	char damaged[256];	/* for the first corruption seen (store_damaged) */
	/* The receive counter store_in_add advanced last, not yet written:
	 * a batch advances one link message after message, so the counter is
	 * written once, when the transaction commits, another link is
	 * advanced, or store_recv_next reads it; forgotten on rollback. */
	struct {
		int dirty;
		int64_t peer_id, next;
		char link[ENV_LINK_MAX + 1];
	} adv;
	/* Likewise the send counter: the next number store_send_seq hands out
	 * on one link in this transaction (valid), written when the
	 * transaction commits or another link is served (dirty). */
	struct {
		int valid, dirty;
		int64_t peer_id, next;
		char link[ENV_LINK_MAX + 1];
	} seq;
};

/* The stores open in this process, so that an error SQLite returns through
 * a statement is recorded on its store (fail): SQLite 3.40 keeps no client
 * data on a connection.  The store is used from one thread (store.h). */
static struct store *open_stores;

#define STR_(x) #x
#define STR(x) STR_(x)

/* The largest message JWS kept packed (larger ones are kept as text). */
#define JWS_MAX ((size_t)64 << 20)

static status log_load(struct store *st);
static status log_fill(struct store *st, const char *select);
static status one_int(sqlite3_stmt *s, int64_t dflt, int64_t *v);

const char *
store_errmsg(const struct store *st)
{
	return st->err[0] ? st->err : sqlite3_errmsg(st->db);
}

const char *
store_damaged(const struct store *st)
{
	return st->damaged[0] ? st->damaged : NULL;
}

static status
db_status(int rc)
{
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ST_NOTFOUND;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ST_OK;
	case SQLITE_CONSTRAINT:
		return ST_EXISTS;
	case SQLITE_NOMEM:
		return ST_NOMEM;
	case SQLITE_TOOBIG:
		return ST_TOOBIG;
	case SQLITE_FULL:
		return ST_FULL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return ST_CORRUPT;
	case SQLITE_IOERR:
		return ST_IO;
	default:
		return ST_DB;
	}
}

/* damage - remember (once) and announce that st is damaged: SQLite's text. */
static void
damage(struct store *st, const char *what)
{
	if (st->damaged[0])
		return;
	snprintf(st->damaged, sizeof st->damaged, "%s", what);
	diag_warn("ALARM store damaged: SQLite says \"%s\"; new messages are refused"
	    " until it is repaired (README, Faults)", what);
}

/* fail - the status for rc, an error SQLite returned through statement s.
 * A full disk that SQLite reports as an I/O error (EDQUOT, a file-size
 * limit, or ENOSPC from a call other than write) is ST_FULL.  SQLite's message is kept for
 * store_errmsg - within a transaction the first one, which the rollback
 * that follows would replace with "not an error" - and corruption is
 * remembered for store_damaged. */
static status
fail(sqlite3_stmt *s, int rc)
{
	sqlite3 *db = sqlite3_db_handle(s);
	struct store *st = open_stores;
	status r = db_status(rc);
	/* SQLite 3.40 records the system error for few calls: else the
	 * failing call's errno, which nothing since has changed */
	int e = sqlite3_system_errno(db) ? sqlite3_system_errno(db) : errno;

	if (r == ST_IO && (e == ENOSPC || e == EDQUOT || e == EFBIG))
		r = ST_FULL;
	while (st && st->db != db)
		st = st->next;
	if (!st || r == ST_OK || r == ST_EXISTS || r == ST_NOTFOUND)
		return r;
	if (!st->in_tx || !st->err[0])
		snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(db));
	if (r == ST_CORRUPT)
		damage(st, sqlite3_errmsg(db));
	return r;
}

/* prepare - prepare query k once; 0 when it is (or already was). */
static int
prepare(struct store *st, int k)
{
	return !st->q[k] && sqlite3_prepare_v3(st->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT,
	    &st->q[k], NULL) != SQLITE_OK;
}

/* stmt - the prepared statement for query k, reset and unbound.  All are
 * prepared when the store opens; until then (while it is upgraded) here. */
static sqlite3_stmt *
stmt(struct store *st, int k)
{
	if (prepare(st, k))
		diag_panic("store: cannot prepare query %d: %s", k, sqlite3_errmsg(st->db));
	sqlite3_reset(st->q[k]);
	sqlite3_clear_bindings(st->q[k]);
	return st->q[k];
}

/* ---- for the domain files (store_sqlite_int.h) ---- */

struct buf *
store_sq_scratch(struct store *st)
{
	buf_reset(&st->scratch);
	return &st->scratch;
}

sqlite3_stmt *
store_sq_stmt(struct store *st, int k, const char *q)
{
	/* k is a domain file's constant, held under STORE_SQ_SLOTS by its
	 * static assertion */
	if (!st->x[k] && sqlite3_prepare_v3(st->db, q, -1, SQLITE_PREPARE_PERSISTENT, &st->x[k],
	    NULL) != SQLITE_OK)
		diag_panic("store: cannot prepare query x%d: %s", k, sqlite3_errmsg(st->db));
	sqlite3_reset(st->x[k]);
	sqlite3_clear_bindings(st->x[k]);
	return st->x[k];
}

/* run - step a statement that returns no rows. */
static status
run(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	status r = rc == SQLITE_DONE ? ST_OK : fail(s, rc == SQLITE_ROW ? SQLITE_MISUSE : rc);

	sqlite3_reset(s);
	return r;
}

static void
text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

static const char *
col(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	return v ? v : "";
}

status
store_log_node(void *arg, int level, uint64_t index, uint8_t hash[TLOG_HASH])
{
	struct store *st = arg;
	sqlite3_stmt *s;
	int rc;

	if (level >= 0 && level < TLOG_PROOF_MAX && st->edge[level].valid &&
	    st->edge[level].index == index) {
		memcpy(hash, st->edge[level].hash, TLOG_HASH);
		return ST_OK;
	}
	s = stmt(st, Q_NODE_GET);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)tlog_pos(level, index));
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == TLOG_HASH)
		memcpy(hash, sqlite3_column_blob(s, 0), TLOG_HASH);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = SQLITE_NOTFOUND;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ST_OK : rc == SQLITE_NOTFOUND ? ST_NOTFOUND : fail(s, rc);
}

static status
log_put(void *arg, int level, uint64_t index, const uint8_t hash[TLOG_HASH])
{
	struct store *st = arg;
	sqlite3_stmt *s = stmt(st, Q_NODE_PUT);
	status rc;

	sqlite3_bind_int64(s, 1, (sqlite3_int64)tlog_pos(level, index));
	sqlite3_bind_blob(s, 2, hash, TLOG_HASH, SQLITE_STATIC);
	if (level == 0) {
		sqlite3_bind_int64(s, 3, (sqlite3_int64)index);
		sqlite3_bind_int(s, 4, st->append_kind);
		sqlite3_bind_int64(s, 5, st->append_rid);
	}
	rc = run(s);
	if (!rc && level < TLOG_PROOF_MAX) {
		st->edge[level].index = index;
		memcpy(st->edge[level].hash, hash, TLOG_HASH);
		st->edge[level].valid = 1;
	}
	return rc;
}

uint64_t
store_log_size(const struct store *st)
{
	return st->log_size;
}

static status
log_load(struct store *st)
{
	int64_t n;
	status rc = one_int(stmt(st, Q_LOG_SIZE), 0, &n);

	st->log_size = rc ? 0 : (uint64_t)n;
	memset(st->edge, 0, sizeof st->edge);
	return rc;
}

/* log_fill - append the statements select yields (kind, rid, jws), in
 * that order, as the log's entries, and record each one's index in its row. */
static status
log_fill(struct store *st, const char *select)
{
	sqlite3_stmt *s, *u[2] = { NULL, NULL };
	status rc = ST_OK;
	int r = SQLITE_DONE;

	st->log_size = 0;
	if (sqlite3_prepare_v2(st->db, select, -1, &s, NULL) != SQLITE_OK)
		return ST_DB;
	if (sqlite3_prepare_v2(st->db, "UPDATE outbox SET log_idx = ?1 WHERE rid = ?2", -1,
	    &u[0], NULL) != SQLITE_OK || sqlite3_prepare_v2(st->db,
	    "UPDATE inbox SET log_idx = ?1 WHERE rid = ?2", -1, &u[1], NULL) != SQLITE_OK)
		rc = ST_DB;
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(s, 0);
		sqlite3_stmt *set = u[kind == STORE_ENTRY_RECEIPT];

		sqlite3_bind_int64(set, 1, (sqlite3_int64)st->log_size);
		sqlite3_bind_int64(set, 2, sqlite3_column_int64(s, 1));
		rc = run(set);
		if (!rc)
			rc = store_log_append(st, kind, sqlite3_column_int64(s, 1),
			    (const char *)sqlite3_column_text(s, 2),
			    (size_t)sqlite3_column_bytes(s, 2));
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_status(r);
	sqlite3_finalize(s);
	sqlite3_finalize(u[0]);
	sqlite3_finalize(u[1]);
	return rc;
}

/* log_v3 - a version 2 store's log rebuilt in its own order from the
 * statements, its old tables dropped.  The checkpoints it signed are kept,
 * and the node signs nothing that does not extend them. */
static status
log_v3(struct store *st)
{
	status rc = log_fill(st,
	    "SELECT e.kind, e.rid, CASE e.kind WHEN 1 THEN o.jws ELSE i.receipt END"
	    " FROM tlog_entry e LEFT JOIN outbox o ON e.kind = 1 AND o.rid = e.rid"
	    " LEFT JOIN inbox i ON e.kind = 2 AND i.rid = e.rid ORDER BY e.idx");

	if (!rc && sqlite3_exec(st->db, "DROP TABLE tlog_entry; DROP TABLE tlog_node", NULL,
	    NULL, NULL) != SQLITE_OK)
		rc = ST_DB;
	return rc;
}

/* A message's JWS is kept as the bytes its three base64url segments stand
 * for - a quarter fewer than its text - after their lengths (jws_pack): a
 * BLOB.  A text that is not a compact JWS, or does not come back the same
 * from those bytes, is kept as it is: TEXT (so are version 3 rows). */

/* jws_bind - bind jws[0..n) to parameter i of s, packed when it can be
 * (jws_pack, in st->pack: bound until the next message is); pack, when
 * not NULL and not empty, is that form already made (jws_sign_kept,
 * jws_verify_pack).  A reader gets these very bytes back (jws_unpack;
 * test_store checks the odd cases). */
static void
jws_bind(struct store *st, sqlite3_stmt *s, int i, const char *jws, size_t n,
    const struct buf *pack)
{
	if (pack && pack->len && pack->len <= INT_MAX)
		sqlite3_bind_blob(s, i, pack->p, (int)pack->len, SQLITE_STATIC);
	else if (jws_pack(jws, n, &st->pack) == ST_OK && st->pack.len <= INT_MAX)
		sqlite3_bind_blob(s, i, st->pack.p, (int)st->pack.len, SQLITE_STATIC);
	else
		sqlite3_bind_text(s, i, jws, (int)n, SQLITE_STATIC);
}

/* jws_col - the JWS in column i of s as text, its length in *n: a packed
 * one unpacked into b (valid until the next row). */
static const char *
jws_col(sqlite3_stmt *s, int i, struct buf *b, size_t *n)
{
	if (sqlite3_column_type(s, i) != SQLITE_BLOB) {
		const char *t = col(s, i);

		*n = (size_t)sqlite3_column_bytes(s, i);
		return t;
	}
	if (jws_unpack(sqlite3_column_blob(s, i), (size_t)sqlite3_column_bytes(s, i), b))
		diag_warn("store: a stored JWS is damaged");
	*n = b->len;
	return buf_str(b);
}

/* Receipts kept small (schema_v4).  rcpt_of is what rebuilds one besides
 * its kept columns: its message's id, hash (hex), link and seq, the peer's
 * kid, and whether this node issued it (from: the node, to: the peer) or
 * received it (from: the peer, to: the node). */
struct rcpt_of {
	const char *msg, *hash, *link, *peer_kid;
	int64_t seq;
	int issued;
	const struct receipt *known;	/* the caller's fields, or NULL */
};

/* rcpt_bind - bind receipt jws[0..n) to parameters at..at+4 of s
 * (receipt, rcpt_id, rcpt_ms, rcpt_sig, rcpt_kid): the few columns it is
 * rebuilt from when of and the template give back these very bytes, else
 * the bytes whole (receipt). */
static void
rcpt_bind(sqlite3_stmt *s, int at, const char *jws, size_t n, const struct rcpt_of *of)
{
	struct receipt r;
	uint8_t sig[IDENT_SIG_LEN];
	char again[STAMP_TIME_LEN];
	int64_t ms;

	/* the fields the caller holds spare parsing the receipt again, and
	 * when they are exact (it made or opened these very bytes: fmt/envelope.h)
	 * building it again to compare */
	if (of->known)
		r = *of->known;
	if (of->known && r.exact)
		memcpy(sig, r.sig, sizeof sig);
	if (((of->known && r.exact) ? ST_OK : of->known ? envelope_receipt_match(jws, n, &r, sig) :
	    envelope_receipt_fields(jws, n, &r, sig)) == ST_OK &&
	    stamp_parse(r.received_at, &ms) == ST_OK) {
		stamp_format(ms, again);
		if (strcmp(again, r.received_at) == 0 && strcmp(r.msg, of->msg) == 0 &&
		    strcmp(r.msg_sha256, of->hash) == 0 && strcmp(r.link, of->link) == 0 &&
		    r.seq == of->seq && strcmp(of->issued ? r.to : r.from, of->peer_kid) == 0) {
			sqlite3_bind_null(s, at);
			sqlite3_bind_text(s, at + 1, r.id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(s, at + 2, ms);
			sqlite3_bind_blob(s, at + 3, sig, IDENT_SIG_LEN, SQLITE_TRANSIENT);
			sqlite3_bind_text(s, at + 4, of->issued ? r.from : r.to, -1,
			    SQLITE_TRANSIENT);
			return;
		}
	}
	sqlite3_bind_text(s, at, jws, (int)n, SQLITE_TRANSIENT);
}

/* rcpt_text - the receipt in columns at..at+4 of row s (kept by rcpt_bind
 * with the same of), its length in *n: the bytes kept whole, or rebuilt
 * into st->rcpt (valid until the next row); "" when there is none. */
static const char *
rcpt_text(struct store *st, sqlite3_stmt *s, int at, const struct rcpt_of *of, size_t *n)
{
	struct receipt r;

	*n = 0;
	if (sqlite3_column_type(s, at) != SQLITE_NULL) {
		const char *v = col(s, at);

		*n = (size_t)sqlite3_column_bytes(s, at);
		return v;
	}
	if (sqlite3_column_bytes(s, at + 3) != IDENT_SIG_LEN)
		return "";
	memset(&r, 0, sizeof r);
	snprintf(r.id, sizeof r.id, "%s", col(s, at + 1));
	stamp_format(sqlite3_column_int64(s, at + 2), r.received_at);
	snprintf(r.msg, sizeof r.msg, "%s", of->msg);
	snprintf(r.msg_sha256, sizeof r.msg_sha256, "%s", of->hash);
	snprintf(r.link, sizeof r.link, "%s", of->link);
	r.seq = of->seq;
	snprintf(of->issued ? r.from : r.to, IDENT_KID_LEN, "%s", col(s, at + 4));
	snprintf(of->issued ? r.to : r.from, IDENT_KID_LEN, "%s", of->peer_kid);
	buf_reset(&st->rcpt);
	if (envelope_receipt_build(&r, sqlite3_column_blob(s, at + 3), &st->rcpt) != ST_OK) {
		diag_warn("store: cannot rebuild the receipt of message %s", of->msg);
		return "";
	}
	*n = st->rcpt.len;
	return buf_str(&st->rcpt);
}

/* The message hash: 32 bytes when it is 64 lowercase hex digits, else as
 * given (a version 3 row keeps its hex). */
static void
hash_bind(sqlite3_stmt *s, int i, const char *hex)
{
	uint8_t h[32];
	int ok = hex && strlen(hex) == 64;

	for (int k = 0; ok && k < 64; k++) {
		char c = hex[k];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			ok = 0;
		else if (k % 2)
			h[k / 2] = (uint8_t)(h[k / 2] << 4 | v);
		else
			h[k / 2] = (uint8_t)v;
	}
	if (ok)
		sqlite3_bind_blob(s, i, h, sizeof h, SQLITE_TRANSIENT);
	else
		text(s, i, hex);
}

/* hash_hex - the message hash in column i of s, as hex (in st->hash). */
static const char *
hash_hex(struct store *st, sqlite3_stmt *s, int i)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *h;

	if (sqlite3_column_type(s, i) != SQLITE_BLOB || sqlite3_column_bytes(s, i) != 32)
		return col(s, i);
	h = sqlite3_column_blob(s, i);
	for (int k = 0; k < 32; k++) {
		st->hash[2 * k] = digits[h[k] >> 4];
		st->hash[2 * k + 1] = digits[h[k] & 15];
	}
	st->hash[64] = '\0';
	return st->hash;
}

/* msg_v4 - a version 3 store's delivery states and receipts moved to the
 * tables of version 4 (schema_v4 has moved the queued messages), then its
 * outbox and inbox made again without them (tables_v4). */
static status
msg_v4(struct store *st)
{
	static const char *const sel[2] = {
		"SELECT o.rid, o.id, o.jws, o.link, o.seq, p.kid, o.receipt, o.state,"
		" o.delivered_ms, o.attempts, o.last_error FROM outbox o"
		" JOIN peers p ON p.id = o.peer_id WHERE o.state != 0 ORDER BY o.rid",
		"SELECT i.rid, i.id, i.hash, i.link, i.seq, p.kid, i.receipt FROM inbox i"
		" JOIN peers p ON p.id = i.peer_id WHERE i.receipt != '' ORDER BY i.rid",
	};
	static const char *const ins[2] = {
		"INSERT INTO out_done(rid, receipt, rcpt_id, rcpt_ms, rcpt_sig, rcpt_kid, state,"
		" delivered_ms, attempts, last_error) VALUES(?,?,?,?,?,?,?,?,?,?)",
		"INSERT INTO in_receipt(rid, receipt, rcpt_id, rcpt_ms, rcpt_sig, rcpt_kid)"
		" VALUES(?,?,?,?,?,?)",
	};
	status rc = ST_OK;

	for (int k = 0; !rc && k < 2; k++) {
		sqlite3_stmt *s = NULL, *u = NULL;
		int r = SQLITE_DONE;

		if (sqlite3_prepare_v2(st->db, sel[k], -1, &s, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(st->db, ins[k], -1, &u, NULL) != SQLITE_OK)
			rc = ST_DB;
		while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
			char hash[ENV_HASH_HEX];
			struct rcpt_of of = { col(s, 1), NULL, col(s, 3), col(s, 5),
			    sqlite3_column_int64(s, 4), k == 1, NULL };
			const char *receipt = col(s, 6);

			if (k == 0)
				envelope_hash(col(s, 2), (size_t)sqlite3_column_bytes(s, 2), hash);
			of.hash = k == 0 ? hash : col(s, 2);
			sqlite3_clear_bindings(u);
			sqlite3_bind_int64(u, 1, sqlite3_column_int64(s, 0));
			if (*receipt)
				rcpt_bind(u, 2, receipt, strlen(receipt), &of);
			for (int c = 7; k == 0 && c <= 10; c++)
				sqlite3_bind_value(u, c, sqlite3_column_value(s, c));
			rc = run(u);
		}
		if (!rc && r != SQLITE_DONE)
			rc = db_status(r);
		sqlite3_finalize(s);
		sqlite3_finalize(u);
	}
	if (!rc && sqlite3_exec(st->db, tables_v4, NULL, NULL, NULL) != SQLITE_OK)
		rc = ST_DB;
	return rc;
}

/* supersedes_of - what the agreement doc (as held: verified) supersedes,
 * into out ("" for none, or for a document that does not parse). */
static void
supersedes_of(const char *doc, char out[static STAMP_UUID_LEN])
{
	char why[AGREEMENT_WHY_MAX];
	json_t *j = json_loads(doc, JSON_REJECT_DUPLICATES, NULL);
	const json_t *p = json_object_get(j, "payload");
	struct agreement *a = NULL;
	struct buf pl;

	out[0] = '\0';
	buf_init(&pl, AGREEMENT_PAYLOAD_MAX);
	if (json_is_string(p) && jws_b64_decode(&pl, json_string_value(p),
	    json_string_length(p)) == ST_OK && agreement_parse(pl.p, pl.len, &a, why) == ST_OK &&
	    agreement_supersedes(a))
		snprintf(out, STAMP_UUID_LEN, "%s", agreement_supersedes(a));
	agreement_free(a);
	buf_free(&pl);
	json_decref(j);
}

/* agree_v8 - the agreements of a version 7 store: what each supersedes,
 * from its document; and each one that a fully signed agreement
 * supersedes, superseded from that one's effective time (the rule of
 * agree.h, as it would have been applied). */
static status
agree_v8(struct store *st)
{
	sqlite3_stmt *s = NULL, *set = NULL, *sup = NULL;
	status rc = ST_OK;
	int r;

	if (sqlite3_prepare_v2(st->db, "SELECT id, doc, n_signed >= n_parties, effective_ms"
	    " FROM agreement", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "UPDATE agreement SET supersedes = ?2 WHERE id = ?1", -1,
	    &set, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "UPDATE agreement SET superseded_ms ="
	    " min(superseded_ms, ?2) WHERE id = ?1", -1, &sup, NULL) != SQLITE_OK)
		rc = ST_DB;
	/* only columns no scan reads are written while the scan runs */
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		char old[STAMP_UUID_LEN];

		supersedes_of(col(s, 1), old);
		if (!old[0])
			continue;
		text(set, 1, col(s, 0));
		text(set, 2, old);
		rc = run(set);
		if (!rc && sqlite3_column_int(s, 2)) {
			text(sup, 1, old);
			sqlite3_bind_int64(sup, 2, sqlite3_column_int64(s, 3));
			rc = run(sup);
		}
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_status(r);
	sqlite3_finalize(s);
	sqlite3_finalize(set);
	sqlite3_finalize(sup);
	return rc;
}

/* migrations - the schema's history: step by step, what turns a store of
 * version from into one of version to.  store_open takes a store through
 * every step after its version, in order, in one transaction: a step's sql
 * runs, then its fn (if any), then the store is marked with version to.
 * The last step's version is the schema's; a new schema is a step added
 * at the end. */
static const struct migration {
	int from, to;
	const char *name;
	const char *sql;
	status (*fn)(struct store *st);
} migrations[] = {
	{ 0, 1, "peers and messages", schema_v1, NULL },
	{ 1, 2, "checkpoints, witnessing, the log", schema_v2, NULL },
	{ 2, 3, "the log by post-order position", schema_v3, log_v3 },
	{ 3, 4, "messages written once, receipts kept small", schema_v4, msg_v4 },
	{ 4, 5, "forks of messages and receipts", schema_v5, NULL },
	{ 5, 6, "pins that end, their rows kept", schema_v6, NULL },
	{ 6, 7, "agreements", schema_v7, NULL },
	{ 7, 8, "agreements declined, terminated, superseded; their acts", schema_v8, agree_v8 },
	{ 8, 9, "the watch desk: officers, items, events", store_desk_schema_v9, NULL },
	{ 9, 10, "the duty console's sign-in: passwords, second factors", store_desk_schema_v10,
	    NULL },
	{ 10, 11, "each officer's language in the duty console", store_desk_schema_v11, NULL },
	{ 11, 12, "STIX objects and their versions", store_intel_schema_v12, NULL },
	{ 12, 13, "STIX objects shared with peers: queues, batches, stages",
	    store_intel_schema_v13, NULL },
	{ 13, 14, "the TAXII server: users, tokens, status resources", store_taxii_schema_v14,
	    NULL },
	{ 14, 15, "CSAF advisories and their sendings", store_advisory_schema_v15, NULL },
	{ 15, 16, "the CSAF provider: publications, users, tokens", store_csafpub_schema_v16,
	    NULL },
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])

int
store_schema_version(void)
{
	return migrations[NMIGRATIONS - 1].to;
}

/* upgrade - take the store at path, of version (older than the schema's),
 * through the later steps of migrations in one transaction.  ST_DB, with a
 * message, when one fails; the caller's store_close rolls back. */
static status
upgrade(struct store *st, const char *path, int version)
{
	char *err = NULL, mark[40];
	sqlite3_stmt *fk = NULL;
	int ok;

	/* A step may make a table again that others point at (schema_v5):
	 * foreign keys cannot be switched inside a transaction, so they are
	 * off for all of it and checked whole before the commit. */
	ok = sqlite3_exec(st->db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;

	for (size_t i = 0; ok && i < NMIGRATIONS; i++) {
		const struct migration *m = &migrations[i];

		if (m->to <= version)
			continue;
		if (m->from != version)
			diag_panic("store: schema step \"%s\" is from version %d, not %d",
			    m->name, m->from, version);
		snprintf(mark, sizeof mark, "PRAGMA user_version = %d", m->to);
		ok = sqlite3_exec(st->db, m->sql, NULL, NULL, &err) == SQLITE_OK &&
		    (!m->fn || m->fn(st) == ST_OK) &&
		    sqlite3_exec(st->db, mark, NULL, NULL, &err) == SQLITE_OK;
		version = m->to;
	}
	if (ok && sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &fk,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(fk) != SQLITE_DONE) {
			ok = 0;
			err = sqlite3_mprintf("a row points at a missing row of %s",
			    (const char *)sqlite3_column_text(fk, 2));
		}
		sqlite3_finalize(fk);
	} else
		ok = 0;
	if (ok && sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(st->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) == SQLITE_OK)
		return ST_OK;
	diag_warn("store: cannot create schema in %s: %s", path,
	    err ? err : sqlite3_errmsg(st->db));
	sqlite3_free(err);
	return ST_DB;
}

status
store_open(const char *path, int create, struct store **out)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int version = 0;
	sqlite3_stmt *s;
	status rc;

	*out = NULL;
	if (create) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0)
			return ST_IO;
		close(fd);
		flags |= SQLITE_OPEN_CREATE;
	} else if (access(path, F_OK) != 0)
		return ST_NOTFOUND;
	st = calloc(1, sizeof *st);
	if (!st)
		return ST_NOMEM;
	buf_init(&st->rcpt, 8192);
	buf_init(&st->jws, JWS_MAX);
	buf_init(&st->pack, JWS_MAX);
	buf_init(&st->scratch, SIZE_MAX);
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		rc = ST_DB;
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	/* A new store gets 1 KiB pages (set before WAL mode writes the
	 * header; an existing store keeps the page size it was made with).
	 * A received message with its receipt is a row of about 2.1 KB: with
	 * 4 KiB pages only one fits on a page, so each message wrote 4 KiB
	 * to the WAL and 4 KiB again when the WAL was checkpointed; with 1
	 * KiB pages the row fills a leaf cell and two overflow pages, and
	 * about half as many bytes reach the disk (docs/BENCHMARKS.md). */
	if (create && sqlite3_exec(st->db, "PRAGMA page_size=1024", NULL, NULL,
	    NULL) != SQLITE_OK) {
		rc = ST_DB;
		goto fail;
	}
	/* A cache of 32 MiB (SQLite's default is 2 MiB): a STIX batch of a
	 * thousand objects touches thousands of 1 KiB pages, which the
	 * default cache read again from the OS at every statement; the cache
	 * is a bound, so memory stays flat however large the store grows
	 * (docs/BENCHMARKS.md, "sharing STIX").  The WAL is checkpointed at
	 * 4,096 pages (4 MiB) instead of 1,000: a page that many commits
	 * change (an index's, the log's) reaches the database file once per
	 * checkpoint, so fewer bytes are written per message (3.65 -> 3.47
	 * KB at the sender), for a WAL file of 4 MiB. */
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;"
	    " PRAGMA wal_autocheckpoint=4096;", NULL, NULL, NULL) != SQLITE_OK) {
		rc = ST_DB;
		goto fail;
	}
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			version = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	if (version < 0 || version > store_schema_version()) {
		diag_warn("store: %s has schema version %d; this parley knows %d",
		    path, version, store_schema_version());
		rc = ST_DB;
		goto fail;
	}
	/* Older stores (and new ones, from version 0) are brought up to date. */
	if (version < store_schema_version()) {
		rc = upgrade(st, path, version);
		if (rc)
			goto fail;
	}
	/* Every query prepared now: a file whose tables are not ours fails
	 * here, with a message, and never later in the middle of work. */
	for (int k = 0; k < Q__COUNT; k++)
		if (prepare(st, k)) {
			diag_warn("store: %s is not a parley store: %s", path,
			    sqlite3_errmsg(st->db));
			rc = ST_DB;
			goto fail;
		}
	st->next = open_stores;
	open_stores = st;
	rc = log_load(st);
	if (rc) {
		diag_warn("store: %s %s (SQLite: %s)", path, rc == ST_CORRUPT ? "is damaged" :
		    "cannot be read", store_errmsg(st));
		goto fail;
	}
	*out = st;
	return ST_OK;
fail:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	for (struct store **pp = &open_stores; *pp; pp = &(*pp)->next)
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	for (int k = 0; k < Q__COUNT; k++)
		sqlite3_finalize(st->q[k]);
	for (int k = 0; k < STORE_SQ_SLOTS; k++)
		sqlite3_finalize(st->x[k]);
	if (st->db && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(st->db);
	buf_free(&st->rcpt);
	buf_free(&st->jws);
	buf_free(&st->pack);
	buf_free(&st->scratch);
	free(st);
}

/* seq_flush - write the send counter kept in st->seq, if it moved. */
static status
seq_flush(struct store *st)
{
	sqlite3_stmt *s;

	st->seq.valid = 0;
	if (!st->seq.dirty)
		return ST_OK;
	st->seq.dirty = 0;
	s = stmt(st, Q_SEND_PUT);
	sqlite3_bind_int64(s, 1, st->seq.peer_id);
	text(s, 2, st->seq.link);
	sqlite3_bind_int64(s, 3, st->seq.next);
	return run(s);
}

/* advance_run - raise link's receive counter to next (never lower it). */
static status
advance_run(struct store *st, int64_t peer_id, const char *link, int64_t next)
{
	sqlite3_stmt *s = stmt(st, Q_IN_ADVANCE);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, next);
	return run(s);
}

/* advance_flush - write the receive counter kept in st->adv, if any. */
static status
advance_flush(struct store *st)
{
	if (!st->adv.dirty)
		return ST_OK;
	st->adv.dirty = 0;
	return advance_run(st, st->adv.peer_id, st->adv.link, st->adv.next);
}

/* advance - raise link's receive counter to next: kept in st->adv inside
 * a transaction (written by advance_flush before anything reads it and
 * before the commit), at once outside one. */
static status
advance(struct store *st, int64_t peer_id, const char *link, int64_t next)
{
	status rc;

	if (st->adv.dirty && (st->adv.peer_id != peer_id || strcmp(st->adv.link, link) != 0) &&
	    (rc = advance_flush(st)) != ST_OK)
		return rc;
	if (sqlite3_get_autocommit(st->db) || strlen(link) >= sizeof st->adv.link)
		return advance_run(st, peer_id, link, next);
	if (!st->adv.dirty) {
		st->adv.dirty = 1;
		st->adv.peer_id = peer_id;
		memcpy(st->adv.link, link, strlen(link) + 1);
		st->adv.next = next;
	} else if (next > st->adv.next)
		st->adv.next = next;
	return ST_OK;
}

status
store_begin(struct store *st)
{
	status rc = run(stmt(st, Q_BEGIN));

	if (!rc) {
		st->in_tx = 1;
		st->err[0] = '\0';
	}
	return rc;
}

status
store_commit(struct store *st)
{
	status rc = advance_flush(st);

	if (!rc)
		rc = seq_flush(st);
	if (!rc)
		rc = run(stmt(st, Q_COMMIT));
	st->in_tx = 0;
	if (rc)
		store_rollback(st);
	return rc;
}

void
store_rollback(struct store *st)
{
	st->in_tx = 0;
	st->adv.dirty = 0;
	st->seq.valid = st->seq.dirty = 0;
	if (!sqlite3_get_autocommit(st->db))
		(void)run(stmt(st, Q_ROLLBACK));
	if (log_load(st) != ST_OK)
		diag_panic("store: cannot read the log size after a rollback: %s",
		    sqlite3_errmsg(st->db));
}

/* The integrity check stops at this many problems: the first names the
 * damage, and a badly damaged store would otherwise list every page. */
#define CHECK_ERRORS 8

struct check {
	int64_t start, deadline, said;
	store_check_fn progress;
	void *arg;
};

/* check_tick - SQLite's progress handler during the check: non-zero stops
 * it at the deadline; progress every second. */
static int
check_tick(void *arg)
{
	struct check *c = arg;
	int64_t now = stamp_mono_ms();

	if (c->deadline && now >= c->deadline)
		return 1;
	if (c->progress && now - c->said >= 1000) {
		c->said = now;
		c->progress(c->arg, now - c->start);
	}
	return 0;
}

status
store_check(struct store *st, int max_ms, store_check_fn progress, void *arg,
    char *msg, size_t cap)
{
	struct check c = { stamp_mono_ms(), 0, 0, progress, arg };
	sqlite3_stmt *s;
	size_t off = 0;
	status rc = ST_OK;
	int r;

	msg[0] = '\0';
	c.said = c.start;
	c.deadline = max_ms > 0 ? c.start + max_ms : 0;
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(" STR(CHECK_ERRORS) ")", -1, &s,
	    NULL) != SQLITE_OK) {
		snprintf(msg, cap, "%s", sqlite3_errmsg(st->db));
		rc = db_status(sqlite3_errcode(st->db));
		if (rc == ST_CORRUPT)
			damage(st, msg);
		return rc ? rc : ST_DB;
	}
	sqlite3_progress_handler(st->db, 10000, check_tick, &c);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *line = col(s, 0);
		int n;

		if (strcmp(line, "ok") == 0)
			continue;
		rc = ST_CORRUPT;
		n = snprintf(msg + off, cap - off, "%s%s", off ? "; " : "", line);
		if (n > 0)
			off = (size_t)n < cap - off ? off + (size_t)n : cap - 1;
	}
	if (r == SQLITE_INTERRUPT && !rc) {
		rc = ST_TIMEOUT;
		snprintf(msg, cap, "not finished in %d ms", max_ms);
	} else if (r != SQLITE_DONE && !rc) {
		snprintf(msg, cap, "%s", sqlite3_errmsg(st->db));
		rc = db_status(r);
	}
	sqlite3_finalize(s);
	sqlite3_progress_handler(st->db, 0, NULL, NULL);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';	/* quick_check's rows span lines */
	if (rc == ST_CORRUPT)
		damage(st, msg);
	return rc;
}

status
store_peer_add(struct store *st, const struct store_peer *p, int64_t *id)
{
	sqlite3_stmt *s = stmt(st, Q_PEER_ADD);
	int r;

	text(s, 1, p->name);
	sqlite3_bind_blob(s, 2, p->pk, IDENT_PK_LEN, SQLITE_STATIC);
	text(s, 3, p->kid);
	text(s, 4, p->endpoint);
	text(s, 5, p->links);
	text(s, 6, p->card);
	sqlite3_bind_int64(s, 7, p->added_ms);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(s, 0);
		r = sqlite3_step(s);	/* finish the RETURNING statement */
	} else if (r == SQLITE_DONE)
		r = SQLITE_CONSTRAINT;	/* the key is pinned in force, or under another name */
	sqlite3_reset(s);
	return db_status(r);
}

/* A caller's callback (cast back to its own type by the row function), and
 * the store, for rows that rebuild a receipt. */
struct each {
	void (*cb)(void);
	void *arg;
	struct store *st;
};

#define EACH(cb, arg) (&(struct each){ (void (*)(void))(cb), (arg), NULL })
#define EACH_ST(st, cb, arg) (&(struct each){ (void (*)(void))(cb), (arg), (st) })

/* rows - step s, calling fn for each row; ST_NOTFOUND when none. */
static status
rows(sqlite3_stmt *s, int (*fn)(sqlite3_stmt *s, const struct each *e), const struct each *e)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (fn(s, e)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(s, rc);
	return n ? ST_OK : ST_NOTFOUND;
}

/* every - as rows, for a listing: none is ST_OK. */
static status
every(sqlite3_stmt *s, int (*fn)(sqlite3_stmt *s, const struct each *e), const struct each *e)
{
	status rc = rows(s, fn, e);

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

static int
peer_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_peer p;

	memset(&p, 0, sizeof p);
	p.id = sqlite3_column_int64(s, 0);
	p.name = col(s, 1);
	if (sqlite3_column_bytes(s, 2) == IDENT_PK_LEN)
		memcpy(p.pk, sqlite3_column_blob(s, 2), IDENT_PK_LEN);
	p.kid = col(s, 3);
	p.endpoint = col(s, 4);
	p.links = col(s, 5);
	p.card = col(s, 6);
	p.added_ms = sqlite3_column_int64(s, 7);
	p.removed_ms = sqlite3_column_int64(s, 8);
	p.removed_why = col(s, 9);
	return ((store_peer_cb)each->cb)(each->arg, &p);
}

status
store_peer_list(struct store *st, store_peer_cb cb, void *arg)
{
	return every(stmt(st, Q_PEER_LIST), peer_row, EACH(cb, arg));
}

status
store_peer_find(struct store *st, const char *name, const uint8_t *key,
    store_peer_cb cb, void *arg)
{
	sqlite3_stmt *s;

	if (name) {
		s = stmt(st, Q_PEER_BY_NAME);
		text(s, 1, name);
	} else {
		s = stmt(st, Q_PEER_BY_KEY);
		sqlite3_bind_blob(s, 1, key, IDENT_PK_LEN, SQLITE_STATIC);
	}
	return rows(s, peer_row, EACH(cb, arg));
}

/* ---- pins that end (schema_v5) ----
 * Rare administrative writes: their statements are prepared on each call,
 * not kept with the hot path's. */

/* adhoc - prepare q for one use; NULL (the caller returns ST_DB) on error. */
static sqlite3_stmt *
adhoc(struct store *st, const char *q)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, q, -1, &s, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

status
store_peer_history(struct store *st, store_peer_cb cb, void *arg)
{
	sqlite3_stmt *s = adhoc(st, "SELECT " PEER_COLS " FROM peers ORDER BY id");
	status rc;

	if (!s)
		return ST_DB;
	rc = every(s, peer_row, EACH(cb, arg));
	sqlite3_finalize(s);
	return rc;
}

status
store_peer_get(struct store *st, int64_t id, store_peer_cb cb, void *arg)
{
	sqlite3_stmt *s = adhoc(st, "SELECT " PEER_COLS " FROM peers WHERE id = ?");
	status rc;

	if (!s)
		return ST_DB;
	sqlite3_bind_int64(s, 1, id);
	rc = rows(s, peer_row, EACH(cb, arg));
	sqlite3_finalize(s);
	return rc;
}

status
store_peer_queued(struct store *st, int64_t peer_id, int64_t *n)
{
	sqlite3_stmt *s = adhoc(st, "SELECT count(*) FROM out_queue WHERE peer_id = ?");
	status rc;

	*n = 0;
	if (!s)
		return ST_DB;
	sqlite3_bind_int64(s, 1, peer_id);
	rc = one_int(s, 0, n);
	sqlite3_finalize(s);
	return rc;
}

status
store_peer_retire(struct store *st, int64_t peer_id, const char *why, int64_t at_ms,
    int64_t *failed)
{
	static const char *const q[3] = {
		"UPDATE peers SET removed_ms = ?3, removed_why = ?2"
		" WHERE id = ?1 AND removed_ms = 0",
		/* queued messages become failed, kept with what they were */
		"INSERT INTO out_done(rid, state, delivered_ms, attempts, last_error)"
		" SELECT rid, 3, 0, attempts, ?2 FROM out_queue WHERE peer_id = ?1",
		"DELETE FROM out_queue WHERE peer_id = ?1",
	};
	status rc = ST_OK;

	if (failed)
		*failed = 0;
	for (int k = 0; k < 3 && !rc; k++) {
		sqlite3_stmt *s = adhoc(st, q[k]);

		if (!s)
			return ST_DB;
		sqlite3_bind_int64(s, 1, peer_id);
		text(s, 2, why);
		if (k == 0)
			sqlite3_bind_int64(s, 3, at_ms);
		rc = run(s);
		if (!rc && k == 0 && sqlite3_changes(st->db) == 0)
			rc = ST_NOTFOUND;
		if (!rc && k == 1 && failed)
			*failed = sqlite3_changes(st->db);
		sqlite3_finalize(s);
	}
	return rc;
}

status
store_peer_update(struct store *st, int64_t peer_id, const char *endpoint, const char *card)
{
	sqlite3_stmt *s = adhoc(st, "UPDATE peers SET endpoint = ?, card = ?"
	    " WHERE id = ? AND removed_ms = 0");
	status rc;

	if (!s)
		return ST_DB;
	text(s, 1, endpoint);
	text(s, 2, card);
	sqlite3_bind_int64(s, 3, peer_id);
	rc = run(s);
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = ST_NOTFOUND;
	sqlite3_finalize(s);
	return rc;
}

/* one_int - step a statement that yields one integer (or none: dflt). */
static status
one_int(sqlite3_stmt *s, int64_t dflt, int64_t *v)
{
	int rc = sqlite3_step(s);

	*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : dflt;
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);	/* finish a RETURNING statement */
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : fail(s, rc);
}

status
store_send_seq(struct store *st, int64_t peer_id, const char *link, int64_t *seq)
{
	int in_tx = !sqlite3_get_autocommit(st->db);
	sqlite3_stmt *s;
	status rc;

	if (in_tx && st->seq.valid && st->seq.peer_id == peer_id &&
	    strcmp(st->seq.link, link) == 0) {
		*seq = st->seq.next++;
		st->seq.dirty = 1;
		return ST_OK;
	}
	if ((rc = seq_flush(st)) != ST_OK)
		return rc;
	s = stmt(st, Q_SEND_SEQ);
	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	rc = one_int(s, 0, seq);
	if (!rc && in_tx && strlen(link) < sizeof st->seq.link) {
		st->seq.valid = 1;
		st->seq.peer_id = peer_id;
		memcpy(st->seq.link, link, strlen(link) + 1);
		st->seq.next = *seq + 1;	/* what the row now says */
	}
	return rc;
}

/* raise_counter - raise (peer_id, link)'s counter by query k (Q_SEND_ADVANCE
 * or Q_IN_ADVANCE: never lowered) to next, after the counters a
 * transaction keeps in memory are written, so that next is compared with
 * what they hold. */
static status
raise_counter(struct store *st, int k, int64_t peer_id, const char *link, int64_t next)
{
	status rc = advance_flush(st);
	sqlite3_stmt *s;

	if (!rc)
		rc = seq_flush(st);
	if (rc)
		return rc;
	s = stmt(st, k);
	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, next);
	return run(s);
}

status
store_send_advance(struct store *st, int64_t peer_id, const char *link, int64_t seq)
{
	return raise_counter(st, Q_SEND_ADVANCE, peer_id, link, seq + 1);
}

status
store_recv_advance(struct store *st, int64_t peer_id, const char *link, int64_t seq)
{
	return raise_counter(st, Q_IN_ADVANCE, peer_id, link, seq + 1);
}

status
store_agree_put(struct store *st, const struct store_agree *a, int64_t now_ms)
{
	sqlite3_stmt *s = stmt(st, Q_AGREE_PUT);

	text(s, 1, a->id);
	text(s, 2, a->doc);
	text(s, 3, a->title);
	text(s, 4, a->parties);
	text(s, 5, a->signed_by);
	sqlite3_bind_int64(s, 6, a->n_parties);
	sqlite3_bind_int64(s, 7, a->n_signed);
	sqlite3_bind_int64(s, 8, a->effective_ms);
	sqlite3_bind_int64(s, 9, a->expires_ms);
	sqlite3_bind_int64(s, 10, now_ms);
	if (a->supersedes)
		text(s, 11, a->supersedes);
	return run(s);
}

static int
agree_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_agree a;

	a.id = col(s, 0);
	a.doc = col(s, 1);
	a.title = col(s, 2);
	a.parties = col(s, 3);
	a.signed_by = col(s, 4);
	a.n_parties = sqlite3_column_int64(s, 5);
	a.n_signed = sqlite3_column_int64(s, 6);
	a.effective_ms = sqlite3_column_int64(s, 7);
	a.expires_ms = sqlite3_column_int64(s, 8);
	a.first_ms = sqlite3_column_int64(s, 9);
	a.updated_ms = sqlite3_column_int64(s, 10);
	a.supersedes = (const char *)sqlite3_column_text(s, 11);	/* NULL: none */
	a.declined_ms = sqlite3_column_int64(s, 12);
	a.declined_by = col(s, 13);
	a.ends_ms = sqlite3_column_int64(s, 14);
	a.superseded_ms = sqlite3_column_int64(s, 15);
	return ((store_agree_cb)each->cb)(each->arg, &a);
}

status
store_agree_get(struct store *st, const char *id, store_agree_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_AGREE_GET);

	text(s, 1, id);
	return rows(s, agree_row, EACH(cb, arg));
}

status
store_agree_list(struct store *st, store_agree_cb cb, void *arg)
{
	return every(stmt(st, Q_AGREE_LIST), agree_row, EACH(cb, arg));
}

status
store_agree_decline(struct store *st, const char *id, int64_t at_ms, const char *by)
{
	sqlite3_stmt *s = stmt(st, Q_AGREE_DECLINE);

	text(s, 1, id);
	sqlite3_bind_int64(s, 2, at_ms);
	text(s, 3, by);
	return run(s);
}

status
store_agree_end(struct store *st, const char *id, int64_t ends_ms)
{
	sqlite3_stmt *s = stmt(st, Q_AGREE_END);

	text(s, 1, id);
	sqlite3_bind_int64(s, 2, ends_ms);
	return run(s);
}

status
store_agree_supersede(struct store *st, const char *id, int64_t from_ms)
{
	sqlite3_stmt *s = stmt(st, Q_AGREE_SUPERSEDE);

	text(s, 1, id);
	sqlite3_bind_int64(s, 2, from_ms);
	return run(s);
}

status
store_agree_act_add(struct store *st, const struct store_agree_act *t, int64_t now_ms,
    int *added)
{
	sqlite3_stmt *s = stmt(st, Q_ACT_ADD);
	status rc;

	text(s, 1, t->agreement);
	text(s, 2, t->kind);
	text(s, 3, t->by_kid);
	text(s, 4, t->jws);
	sqlite3_bind_int64(s, 5, t->at_ms);
	sqlite3_bind_int64(s, 6, now_ms);
	rc = run(s);
	if (added)
		*added = !rc && sqlite3_changes(st->db) > 0;
	return rc;
}

static int
act_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_agree_act t;

	t.agreement = col(s, 0);
	t.kind = col(s, 1);
	t.by_kid = col(s, 2);
	t.jws = col(s, 3);
	t.at_ms = sqlite3_column_int64(s, 4);
	t.kept_ms = sqlite3_column_int64(s, 5);
	t.acked = col(s, 6);
	t.parties = col(s, 7);
	return ((store_agree_act_cb)each->cb)(each->arg, &t);
}

status
store_agree_act_list(struct store *st, const char *agreement, store_agree_act_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_ACT_LIST);

	if (agreement)
		text(s, 1, agreement);
	return every(s, act_row, EACH(cb, arg));
}

status
store_agree_act_acked(struct store *st, const char *jws, const char *party)
{
	sqlite3_stmt *s = stmt(st, Q_ACT_ACKED);

	text(s, 1, jws);
	text(s, 2, party);
	return run(s);
}

status
store_loss_add(struct store *st, int64_t peer_id, const char *note, const char *what,
    int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_LOSS_ADD);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, note);
	text(s, 3, what);
	sqlite3_bind_int64(s, 4, ms);
	return run(s);
}

status
store_loss_pending(struct store *st, int64_t peer_id, struct buf *note)
{
	sqlite3_stmt *s = stmt(st, Q_LOSS_PENDING);
	status rc;
	int r;

	sqlite3_bind_int64(s, 1, peer_id);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		rc = buf_adds(note, col(s, 0));
	else
		rc = r == SQLITE_DONE ? ST_NOTFOUND : db_status(r);
	sqlite3_reset(s);
	return rc;
}

status
store_loss_ack(struct store *st, int64_t peer_id, int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_LOSS_ACK);

	sqlite3_bind_int64(s, 1, ms);
	sqlite3_bind_int64(s, 2, peer_id);
	return run(s);
}

status
store_recv_next(struct store *st, int64_t peer_id, const char *link, int64_t *seq)
{
	sqlite3_stmt *s;
	status rc = advance_flush(st);

	if (rc)
		return rc;
	s = stmt(st, Q_RECV_NEXT);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	return one_int(s, 1, seq);
}

status
store_log_append(struct store *st, int kind, int64_t rid, const char *data, size_t n)
{
	uint8_t leaf[TLOG_HASH];
	status rc;

	st->append_kind = kind;
	st->append_rid = rid;
	tlog_leaf_hash(data, n, leaf);
	rc = tlog_append(st->log_size, leaf, store_log_node, log_put, st);
	if (!rc)
		st->log_size++;
	return rc;
}

status
store_stmt_add(struct store *st, const char *kind, const char *subject, const char *jws,
    size_t n, int64_t at_ms)
{
	sqlite3_stmt *s = stmt(st, Q_STMT_ADD);
	char sha[ENV_HASH_HEX];
	status rc;

	envelope_hash(jws, n, sha);
	text(s, 1, kind);
	text(s, 2, subject);
	text(s, 3, sha);
	sqlite3_bind_text(s, 4, jws, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, at_ms);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)st->log_size);
	rc = run(s);
	if (rc)
		return rc;
	return store_log_append(st, STORE_ENTRY_ACT, sqlite3_last_insert_rowid(st->db), jws, n);
}

status
store_out_add(struct store *st, const struct store_out *m)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_ADD);
	int64_t rid;
	status rc;

	text(s, 1, m->id);
	sqlite3_bind_int64(s, 2, m->peer_id);
	text(s, 3, m->link);
	sqlite3_bind_int64(s, 4, m->seq);
	text(s, 5, m->type);
	text(s, 6, m->priority);
	text(s, 7, m->subject);
	jws_bind(st, s, 8, m->jws, m->jws_len, m->pack);
	sqlite3_bind_int64(s, 9, m->created_ms);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)st->log_size);
	rc = run(s);
	if (rc)
		return rc;
	rid = sqlite3_last_insert_rowid(st->db);
	s = stmt(st, Q_OUT_QUEUE);
	sqlite3_bind_int64(s, 1, m->peer_id);
	text(s, 2, m->link);
	sqlite3_bind_int64(s, 3, m->seq);
	sqlite3_bind_int64(s, 4, rid);
	rc = run(s);
	if (rc)
		return rc;
	return store_log_append(st, STORE_ENTRY_MESSAGE, rid, m->jws, m->jws_len);
}

/* outs - step an outbox query, stopping after max_bytes of JWS. */
static status
outs(struct store *st, sqlite3_stmt *s, size_t max_bytes, store_out_cb cb, void *arg,
    int *found)
{
	size_t bytes = 0;
	int rc;

	*found = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_out m;
		struct rcpt_of of;
		char hash[ENV_HASH_HEX];

		m.id = col(s, 0);
		m.peer_id = sqlite3_column_int64(s, 1);
		m.peer = col(s, 2);
		m.link = col(s, 3);
		m.seq = sqlite3_column_int64(s, 4);
		m.type = col(s, 5);
		m.priority = col(s, 6);
		m.subject = col(s, 7);
		m.jws = jws_col(s, 8, &st->jws, &m.jws_len);
		m.state = sqlite3_column_int(s, 9);
		m.created_ms = sqlite3_column_int64(s, 10);
		m.delivered_ms = sqlite3_column_int64(s, 11);
		m.attempts = sqlite3_column_int64(s, 12);
		m.last_error = col(s, 13);
		of = (struct rcpt_of){ m.id, hash, m.link, col(s, 14), m.seq, 0, NULL };
		if (sqlite3_column_type(s, 15) == SQLITE_NULL &&
		    sqlite3_column_type(s, 18) != SQLITE_NULL)
			envelope_hash(m.jws, m.jws_len, hash);
		m.receipt = rcpt_text(st, s, 15, &of, &(size_t){ 0 });
		if (*found && bytes + m.jws_len > max_bytes)
			break;
		bytes += m.jws_len;
		(*found)++;
		if (cb(arg, &m))
			break;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : fail(s, rc);
}

status
store_out_pending(struct store *st, int64_t peer_id, const char *link, int64_t after,
    size_t max_n, size_t max_bytes, store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_PENDING);
	int found;

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, after);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)max_n);
	return outs(st, s, max_bytes, cb, arg, &found);
}

status
store_out_seqs(struct store *st, int64_t peer_id, const char *link, int64_t after,
    size_t max_n, int64_t *seq, size_t *n)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_SEQS);
	int rc = SQLITE_DONE;

	*n = 0;
	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, after);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)max_n);
	while (*n < max_n && (rc = sqlite3_step(s)) == SQLITE_ROW)
		seq[(*n)++] = sqlite3_column_int64(s, 0);
	if (*n == max_n)
		rc = SQLITE_DONE;
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*n = 0;
		return db_status(rc);
	}
	return ST_OK;
}

/* out_finish - a queued message done: out of the queue, into out_done
 * with state, its receipt (none: NULL), ms and error; ST_NOTFOUND when no
 * queued message has id (to peer_id, when > 0, at the link and seq of
 * fields, when given). */
static status
out_finish(struct store *st, const char *id, int64_t peer_id, int state, const char *receipt,
    const struct receipt *fields, int64_t ms, const char *error)
{
	/* with the peer and the receipt's fields, found by its queue's key */
	int at = peer_id > 0 && fields;
	sqlite3_stmt *q = stmt(st, at ? Q_OUT_QUEUED_AT : Q_OUT_QUEUED), *del, *done;
	int r, own;
	status rc;

	text(q, 1, id);
	if (at) {
		sqlite3_bind_int64(q, 3, peer_id);
		text(q, 4, fields->link);
		sqlite3_bind_int64(q, 5, fields->seq);
	}
	/* the JWS only to hash it, when the caller has not checked the hash */
	sqlite3_bind_int(q, 2, receipt && *receipt && !fields);
	r = sqlite3_step(q);
	if (r != SQLITE_ROW) {
		sqlite3_reset(q);
		return r == SQLITE_DONE ? ST_NOTFOUND : db_status(r);
	}
	del = stmt(st, Q_OUT_DEQUEUE);
	sqlite3_bind_int64(del, 1, sqlite3_column_int64(q, 1));
	sqlite3_bind_text(del, 2, col(q, 2), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(del, 3, sqlite3_column_int64(q, 3));
	done = stmt(st, Q_OUT_DONE);
	sqlite3_bind_int64(done, 1, sqlite3_column_int64(q, 0));
	sqlite3_bind_int(done, 2, state);
	sqlite3_bind_int64(done, 3, ms);
	sqlite3_bind_int64(done, 4, sqlite3_column_int64(q, 6) + 1);
	text(done, 5, error);
	if (receipt && *receipt) {
		char hash[ENV_HASH_HEX];
		struct rcpt_of of = { id, hash, col(q, 2), col(q, 5), sqlite3_column_int64(q, 3),
		    0, fields };

		if (fields)	/* checked by the caller against these very bytes */
			snprintf(hash, sizeof hash, "%s", fields->msg_sha256);
		else {
			struct buf text;
			size_t n;
			const char *jws;

			buf_init(&text, JWS_MAX);
			jws = jws_col(q, 4, &text, &n);
			envelope_hash(jws, n, hash);
			buf_free(&text);
		}
		rcpt_bind(done, 6, receipt, strlen(receipt), &of);
	}
	sqlite3_reset(q);
	/* two writes: one transaction, the caller's or its own */
	own = sqlite3_get_autocommit(st->db);
	if (own && sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return ST_DB;
	rc = run(del);
	if (!rc)
		rc = run(done);
	if (own && !rc)
		rc = store_commit(st);
	else if (own)
		store_rollback(st);
	return rc;
}

status
store_out_delivered(struct store *st, const char *id, const char *receipt,
    const struct receipt *fields, int64_t ms)
{
	return out_finish(st, id, 0, STORE_DELIVERED, receipt, fields, ms, "");
}

status
store_out_delivered_at(struct store *st, int64_t peer_id, const char *id, const char *receipt,
    const struct receipt *fields, int64_t ms)
{
	return out_finish(st, id, peer_id, STORE_DELIVERED, receipt, fields, ms, "");
}

status
store_out_rejected(struct store *st, const char *id, const char *reason)
{
	return out_finish(st, id, 0, STORE_REJECTED, NULL, NULL, 0, reason);
}

status
store_out_failed(struct store *st, int64_t peer_id, const char *link, int64_t lo,
    int64_t hi, const char *error)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_FAILED);

	text(s, 1, error);
	sqlite3_bind_int64(s, 2, peer_id);
	text(s, 3, link);
	sqlite3_bind_int64(s, 4, lo);
	sqlite3_bind_int64(s, 5, hi);
	return run(s);
}

status
store_out_get(struct store *st, const char *id, store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_GET);
	int found;
	status rc;

	text(s, 1, id);
	rc = outs(st, s, SIZE_MAX, cb, arg, &found);
	return rc ? rc : found ? ST_OK : ST_NOTFOUND;
}

status
store_out_at(struct store *st, int64_t peer_id, const char *link, int64_t seq,
    store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_AT);
	int found;
	status rc;

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, seq);
	rc = outs(st, s, SIZE_MAX, cb, arg, &found);
	return rc ? rc : found ? ST_OK : ST_NOTFOUND;
}

status
store_out_list(struct store *st, size_t limit, store_out_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_LIST);
	int found;

	sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
	return outs(st, s, SIZE_MAX, cb, arg, &found);
}

status
store_out_backlog(struct store *st, int64_t peer_id, const char *link, int64_t *n)
{
	sqlite3_stmt *s = stmt(st, Q_OUT_BACKLOG);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	return one_int(s, 0, n);
}

status
store_in_add(struct store *st, const struct store_in *m)
{
	sqlite3_stmt *s = stmt(st, Q_IN_ADD);
	int logged = m->status == 200 && m->receipt && m->receipt_len;
	int64_t rid;
	int kid_row;
	status rc;

	text(s, 1, m->id);
	sqlite3_bind_int64(s, 2, m->peer_id);
	text(s, 3, m->link);
	sqlite3_bind_int64(s, 4, m->seq);
	text(s, 5, m->type);
	text(s, 6, m->priority);
	text(s, 7, m->subject);
	jws_bind(st, s, 8, m->jws ? m->jws : "", m->jws ? m->jws_len : 0, m->pack);
	hash_bind(s, 9, m->hash);
	sqlite3_bind_int(s, 10, m->status);
	text(s, 11, m->reason);
	sqlite3_bind_int64(s, 12, m->received_ms);
	if (logged)
		sqlite3_bind_int64(s, 13, (sqlite3_int64)st->log_size);
	rc = run(s);
	rid = sqlite3_last_insert_rowid(st->db);
	if (!rc && m->receipt && m->receipt_len) {
		sqlite3_stmt *k = stmt(st, Q_PEER_KID);
		struct rcpt_of of = { m->id, m->hash ? m->hash : "", m->link ? m->link : "",
		    "", m->seq, 1, m->receipt_fields };

		sqlite3_bind_int64(k, 1, m->peer_id);
		kid_row = sqlite3_step(k) == SQLITE_ROW;
		if (kid_row)
			of.peer_kid = col(k, 0);
		s = stmt(st, Q_IN_RECEIPT);
		sqlite3_bind_int64(s, 1, rid);
		rcpt_bind(s, 2, m->receipt, m->receipt_len, &of);
		sqlite3_reset(k);
		rc = run(s);
	}
	if (!rc && logged)
		rc = store_log_append(st, STORE_ENTRY_RECEIPT, rid, m->receipt, m->receipt_len);
	if (rc)
		return rc;
	return advance(st, m->peer_id, m->link, m->seq + 1);
}

static int
in_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_in m;
	struct rcpt_of of;

	m.id = col(s, 0);
	m.peer_id = sqlite3_column_int64(s, 1);
	m.peer = col(s, 2);
	m.link = col(s, 3);
	m.seq = sqlite3_column_int64(s, 4);
	m.type = col(s, 5);
	m.priority = col(s, 6);
	m.subject = col(s, 7);
	m.jws = jws_col(s, 8, &each->st->jws, &m.jws_len);
	m.hash = hash_hex(each->st, s, 9);
	m.status = sqlite3_column_int(s, 10);
	m.reason = col(s, 11);
	m.received_ms = sqlite3_column_int64(s, 12);
	of = (struct rcpt_of){ m.id, m.hash, m.link, col(s, 13), m.seq, 1, NULL };
	m.receipt = rcpt_text(each->st, s, 14, &of, &m.receipt_len);
	m.receipt_fields = NULL;
	return ((store_in_cb)each->cb)(each->arg, &m);
}

status
store_in_at(struct store *st, int64_t peer_id, const char *link, int64_t seq,
    store_in_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_IN_AT);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	sqlite3_bind_int64(s, 3, seq);
	return rows(s, in_row, EACH_ST(st, cb, arg));
}

status
store_in_get(struct store *st, const char *id, store_in_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_IN_GET);

	text(s, 1, id);
	return rows(s, in_row, EACH_ST(st, cb, arg));
}

status
store_in_list(struct store *st, size_t limit, store_in_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_IN_LIST);

	sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
	return every(s, in_row, EACH_ST(st, cb, arg));
}

static int
link_row(sqlite3_stmt *s, const struct each *each)
{
	return ((store_link_cb)each->cb)(each->arg, col(s, 0));
}

status
store_links_of(struct store *st, int64_t peer_id, store_link_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_LINKS_OF);

	sqlite3_bind_int64(s, 1, peer_id);
	return every(s, link_row, EACH(cb, arg));
}

status
store_in_breaches(struct store *st, store_in_cb cb, void *arg)
{
	return every(stmt(st, Q_IN_BREACHES), in_row, EACH_ST(st, cb, arg));
}

static int
entry_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_entry e;

	e.index = (uint64_t)sqlite3_column_int64(s, 0);
	e.kind = sqlite3_column_int(s, 1);
	e.msg_id = col(s, 2);
	e.peer = col(s, 3);
	if (e.kind == STORE_ENTRY_MESSAGE || e.kind == STORE_ENTRY_ACT) {
		e.jws = e.kind == STORE_ENTRY_ACT ? col(s, 15) :
		    jws_col(s, 4, &each->st->jws, &e.jws_len);
		if (e.kind == STORE_ENTRY_ACT)
			e.jws_len = (size_t)sqlite3_column_bytes(s, 15);
		e.msg_jws = "";
		e.msg_jws_len = 0;
		e.msg_hash = "";
	} else {
		struct rcpt_of of;

		e.msg_jws = jws_col(s, 5, &each->st->jws, &e.msg_jws_len);
		e.msg_hash = hash_hex(each->st, s, 6);
		of = (struct rcpt_of){ e.msg_id, e.msg_hash, col(s, 7), col(s, 9),
		    sqlite3_column_int64(s, 8), 1, NULL };
		e.jws = rcpt_text(each->st, s, 10, &of, &e.jws_len);
	}
	return ((store_entry_cb)each->cb)(each->arg, &e);
}

status
store_log_entries(struct store *st, uint64_t from, store_entry_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_LOG_ENTRIES);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)tlog_pos(0, from));
	return every(s, entry_row, EACH_ST(st, cb, arg));
}

status
store_log_find(struct store *st, const char *id, store_entry_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_LOG_INDEX);
	int64_t idx;
	status rc;

	text(s, 1, id);
	rc = one_int(s, -1, &idx);
	if (rc || idx < 0)
		return rc ? rc : ST_NOTFOUND;
	s = stmt(st, Q_LOG_AT);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)tlog_pos(0, (uint64_t)idx));
	return rows(s, entry_row, EACH_ST(st, cb, arg));
}

status
store_ckpt_add(struct store *st, uint64_t size, const char *note, int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_CKPT_ADD);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)size);
	text(s, 2, note);
	sqlite3_bind_int64(s, 3, ms);
	return run(s);
}

static int
ckpt_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_ckpt c;

	c.size = (uint64_t)sqlite3_column_int64(s, 0);
	c.note = col(s, 1);
	c.signed_ms = sqlite3_column_int64(s, 2);
	return ((store_ckpt_cb)each->cb)(each->arg, &c);
}

status
store_ckpt_get(struct store *st, uint64_t size, store_ckpt_cb cb, void *arg)
{
	sqlite3_stmt *s;

	if (size == UINT64_MAX)
		s = stmt(st, Q_CKPT_LATEST);
	else {
		s = stmt(st, Q_CKPT_GET);
		sqlite3_bind_int64(s, 1, (sqlite3_int64)size);
	}
	return rows(s, ckpt_row, EACH(cb, arg));
}

status
store_ckpt_each(struct store *st, store_ckpt_cb cb, void *arg)
{
	return every(stmt(st, Q_CKPT_EACH), ckpt_row, EACH(cb, arg));
}

status
store_cosig_add(struct store *st, uint64_t size, int64_t peer_id, const char *line,
    uint64_t t)
{
	sqlite3_stmt *s = stmt(st, Q_COSIG_ADD);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)size);
	sqlite3_bind_int64(s, 2, peer_id);
	text(s, 3, line);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)t);
	return run(s);
}

static int
cosig_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_cosig c;

	c.size = (uint64_t)sqlite3_column_int64(s, 0);
	c.peer_id = sqlite3_column_int64(s, 1);
	c.line = col(s, 2);
	return ((store_cosig_cb)each->cb)(each->arg, &c);
}

status
store_cosig_lines(struct store *st, uint64_t size, store_cosig_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_COSIG_LINES);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)size);
	return every(s, cosig_row, EACH(cb, arg));
}

status
store_cosig_latest(struct store *st, int64_t peer_id, uint64_t *size)
{
	sqlite3_stmt *s = stmt(st, Q_COSIG_LATEST);
	int64_t v;
	status rc;

	sqlite3_bind_int64(s, 1, peer_id);
	rc = one_int(s, 0, &v);
	*size = (uint64_t)v;
	return rc;
}

static int
witness_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_witness w;

	w.peer_id = sqlite3_column_int64(s, 0);
	w.size = (uint64_t)sqlite3_column_int64(s, 1);
	w.note = col(s, 2);
	w.at_ms = sqlite3_column_int64(s, 3);
	return ((store_witness_cb)each->cb)(each->arg, &w);
}

status
store_witness_get(struct store *st, int64_t peer_id, store_witness_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_WIT_GET);

	sqlite3_bind_int64(s, 1, peer_id);
	return rows(s, witness_row, EACH(cb, arg));
}

status
store_witness_put(struct store *st, int64_t peer_id, uint64_t size, const char *note,
    int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_WIT_PUT);

	sqlite3_bind_int64(s, 1, peer_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)size);
	text(s, 3, note);
	sqlite3_bind_int64(s, 4, ms);
	return run(s);
}

status
store_fork_add(struct store *st, const struct store_fork *f)
{
	sqlite3_stmt *s = stmt(st, Q_FORK_ADD);
	status rc;

	sqlite3_bind_int64(s, 1, f->peer_id);
	text(s, 2, f->kind);
	text(s, 3, f->subject);
	text(s, 4, f->held);
	text(s, 5, f->presented);
	text(s, 6, f->reason);
	sqlite3_bind_int64(s, 7, f->at_ms);
	rc = run(s);
	return !rc && sqlite3_changes(st->db) == 0 ? ST_EXISTS : rc;
}

static int
fork_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_fork f;

	f.id = sqlite3_column_int64(s, 0);
	f.peer_id = sqlite3_column_int64(s, 1);
	f.peer = col(s, 2);
	f.kind = col(s, 3);
	f.subject = col(s, 4);
	f.held = col(s, 5);
	f.presented = col(s, 6);
	f.reason = col(s, 7);
	f.at_ms = sqlite3_column_int64(s, 8);
	return ((store_fork_cb)each->cb)(each->arg, &f);
}

status
store_halt_set(struct store *st, int64_t peer_id, const char *what, int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_HALT_SET);

	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, what);
	sqlite3_bind_int64(s, 3, ms);
	return run(s);
}

status
store_halt_clear(struct store *st, int64_t peer_id, int64_t ms)
{
	sqlite3_stmt *s = stmt(st, Q_HALT_CLEAR);

	sqlite3_bind_int64(s, 1, ms);
	sqlite3_bind_int64(s, 2, peer_id);
	return run(s);
}

static int
halt_row(sqlite3_stmt *s, const struct each *each)
{
	struct store_halt h;

	h.peer_id = sqlite3_column_int64(s, 0);
	h.peer = col(s, 1);
	h.what = col(s, 2);
	h.at_ms = sqlite3_column_int64(s, 3);
	return ((store_halt_cb)each->cb)(each->arg, &h);
}

status
store_halt_list(struct store *st, store_halt_cb cb, void *arg)
{
	return every(stmt(st, Q_HALT_LIST), halt_row, EACH(cb, arg));
}

status
store_link_marks(struct store *st, int64_t peer_id, const char *link, struct store_marks *m)
{
	sqlite3_stmt *s;
	status rc;
	int r;

	memset(m, 0, sizeof *m);
	/* the counters a transaction keeps in memory, written first */
	if ((rc = advance_flush(st)) != ST_OK || (rc = seq_flush(st)) != ST_OK)
		return rc;
	s = stmt(st, Q_MARKS);
	sqlite3_bind_int64(s, 1, peer_id);
	text(s, 2, link);
	r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		m->sent = sqlite3_column_int64(s, 0);
		m->received = sqlite3_column_int64(s, 1);
		m->delivered = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	return r == SQLITE_ROW ? ST_OK : db_status(r);
}

status
store_fork_get(struct store *st, int64_t id, store_fork_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(st, Q_FORK_GET);

	sqlite3_bind_int64(s, 1, id);
	return rows(s, fork_row, EACH(cb, arg));
}

status
store_fork_list(struct store *st, store_fork_cb cb, void *arg)
{
	return every(stmt(st, Q_FORK_LIST), fork_row, EACH(cb, arg));
}

status
store_sq_run(sqlite3_stmt *s)
{
	return run(s);
}

struct sq_each {
	int (*fn)(sqlite3_stmt *s, void *arg);
	void *arg;
};

static int
sq_row(sqlite3_stmt *s, const struct each *e)
{
	const struct sq_each *q = e->arg;

	return q->fn(s, q->arg);
}

status
store_sq_rows(sqlite3_stmt *s, int (*fn)(sqlite3_stmt *s, void *arg), void *arg)
{
	struct sq_each q = { fn, arg };

	return rows(s, sq_row, EACH(NULL, &q));
}

void
store_sq_text(sqlite3_stmt *s, int i, const char *v)
{
	text(s, i, v);
}

const char *
store_sq_col(sqlite3_stmt *s, int i)
{
	return col(s, i);
}

status
store_sq_remove_named(struct store *st, sqlite3_stmt *first, sqlite3_stmt *last,
    const char *name)
{
	status rc;

	if ((rc = store_begin(st)) != ST_OK)
		return rc;
	store_sq_text(first, 1, name);
	if ((rc = store_sq_run(first)) == ST_OK) {
		store_sq_text(last, 1, name);
		rc = store_sq_run(last);
	}
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = ST_NOTFOUND;
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

struct sq_hashes {
	size_t len;
	store_sq_hash_cb cb;
	void *arg;
};

static int
sq_hash_row(sqlite3_stmt *s, void *arg)
{
	const struct sq_hashes *h = arg;
	const void *b = sqlite3_column_blob(s, 0);

	if (!b || (size_t)sqlite3_column_bytes(s, 0) != h->len)
		return 0;	/* not a hash of ours: matches nothing */
	return h->cb(h->arg, b, col(s, 1));
}

status
store_sq_hashes(sqlite3_stmt *s, size_t len, store_sq_hash_cb cb, void *arg)
{
	struct sq_hashes h = { len, cb, arg };
	status rc = store_sq_rows(s, sq_hash_row, &h);

	return rc == ST_NOTFOUND ? ST_OK : rc;
}

int
store_token_match(void *arg, const uint8_t *hash, const char *owner)
{
	struct store_token_match *k = arg;

	if (sodium_memcmp(hash, k->want, sizeof k->want) == 0)
		snprintf(k->owner, sizeof k->owner, "%s", owner);
	return 0;	/* every hash compared */
}
