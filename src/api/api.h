/* api.h - the daemon's local API: a unix socket (DIR/parleyd.sock, 0600)
 * carrying one JSON object per line each way.
 *
 * Requests:
 *   {"op":"send","peer":P,"link":L,"type":T,"priority":PR,"subject":S,
 *    "body":B[,"wait_ms":N][,"path":N]}   (path: the peer's path to go on,
 *    from 0, as parley check --path; link_use_path)
 *       -> {"ok":true,"id":ID,"state":"queued"} once committed with fsync;
 *          with wait_ms, later a second line:
 *          {"ok":true,"id":ID,"state":"delivered","rtt_ms":X}
 *          or {"ok":false,"id":ID,"state":"rejected"|"timeout","error":E}
 *   {"op":"status"}  -> {"ok":true,"status":{...}}
 *   {"op":"reload"}  -> {"ok":true}   (re-read pinned peers, agreements,
 *       and the settings of parley.json that apply at once:
 *       node_config_reload)
 *   {"op":"evidence","id":ID} -> {"ok":true,"bundle":TEXT} (evidence.h),
 *       once the peer's half of the proof has been fetched and checked
 *   {"op":"agreement_propose","payload":TEXT}, {"op":"agreement_sign","id":ID},
 *   {"op":"agreement_decline"|"agreement_terminate","id":ID,"reason":TEXT}
 *       -> {"ok":true,"id":ID} once kept (agree.h)
 *   {"op":"desk_ack","id":ID,"officer":NAME[,"note":TEXT]}
 *       -> {"ok":true,"id":ACK_ID} once the signed acknowledgement of the
 *          received item ID is queued and committed (desk.h)
 *   {"op":"advisory_...",...}  answered by the advisory service
 *       (advisory_api); {"op":"csaf_...",...} by the CSAF provider
 * Errors: {"ok":false,"error":"..."}.  Several requests may be pipelined on
 * one connection; sends read together are committed together.
 */
#ifndef PARLEY_API_H
#define PARLEY_API_H

#include <stddef.h>

#include <event2/event.h>
#include <jansson.h>

#include "agree/agree.h"
#include "desk/desk.h"
#include "intel/intel.h"
#include "fmt/tmpl.h"
#include "link/link.h"
#include "node/node.h"

#define API_WAIT_MAX_MS 3600000

enum api_op {
	API_SEND = 1, API_STATUS, API_RELOAD, API_EVIDENCE, API_ACCEPT_LOSS,
	API_AGREE_PROPOSE, API_AGREE_SIGN, API_AGREE_DECLINE, API_AGREE_TERMINATE,
	API_DESK_ACK, API_INTEL_SHARE, API_INTEL_RECONCILE, API_INTEL_EVIDENCE,
	API_SERVICE	/* an op a service answers whole: "advisory_*", "csaf_*" */
};

struct api_request {
	enum api_op op;
	struct link_msg msg;	/* API_SEND; strings borrowed from json or text */
	int wait_ms;		/* 0: do not wait */
	int path;		/* API_SEND: the peer's path to send on; -1: the one in use */
	const char *id;		/* API_EVIDENCE, API_AGREE_SIGN, _DECLINE, _TERMINATE, API_DESK_ACK */
	const char *officer;	/* API_DESK_ACK */
	const char *note;	/* API_DESK_ACK; NULL: none */
	const char *payload;	/* API_AGREE_PROPOSE */
	const char *reason;	/* API_AGREE_DECLINE, API_AGREE_TERMINATE */
	const char *peer;	/* API_INTEL_* */
	const char *file;	/* API_INTEL_SHARE: the document, an absolute path */
	json_t *json;		/* owns the strings above (read by jansson);
				 * API_SERVICE: the whole request */
	char *text;		/* owns them (read by the template reader) */
};

struct api;

/* api_request_parse - parse and check one request line; on error *why names
 * the problem (a static string).  Clear req with api_request_clear. */
status api_request_parse(const char *line, size_t n, struct api_request *req,
    const char **why) WUR;
/* api_request_read - api_request_parse, read as how says (fmt/tmpl.h):
 * TMPL_ANY is api_request_parse; TMPL_JSON and TMPL_FIXED are for the tests
 * and fuzz_api_tmpl, which hold the two readers to the same answer. */
status api_request_read(const char *line, size_t n, enum tmpl_how how,
    struct api_request *req, const char **why) WUR;
void api_request_clear(struct api_request *req);

struct advisory;
struct csafpub;

/* The services the API reaches; all borrowed, and every one but e may be
 * NULL (its requests are then refused as down). */
struct api_services {
	struct link_engine *e;
	struct agree *g;
	struct desk *d;
	struct intel *in;
	struct advisory *adv;	/* "advisory_*" ops: advisory/advisory.h */
	struct csafpub *pub;	/* "csaf_*" ops: csafpub/csafpub.h */
};

/* api_listen - serve the local API at path (replacing a stale socket) for
 * the services sv (copied). */
status api_listen(struct event_base *base, const struct api_services *sv, struct node *n,
    const char *path, struct api **out) WUR;
/* api_free - NULL is a no-op; closes every client and removes the socket. */
void api_free(struct api *a);

#endif
