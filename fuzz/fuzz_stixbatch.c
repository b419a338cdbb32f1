/* fuzz_stixbatch.c - the three texts of fmt/stixbatch.h as a peer or a
 * file hands them over: the input is read as a manifest, as a stage (with
 * a callback and the leaves, and without either) and as an object's
 * evidence against two fixed parties, "alpha" (fuzz_common.h's key, seed
 * 7s) and "bravo" (seed 8s), whose cards are made once, so that seeds
 * signed by them (tests/unit/test_stixbatch.c writes them) reach the path
 * checks.
 *
 * What must hold: a manifest read is written back to the same bytes; a
 * stage read gives m->n objects, none empty or holding a newline, whose
 * leaves are those returned and lead to the manifest's root, and reads
 * the same without callback; an evidence that verifies has no reason, a
 * stix-batch message between the two cards and a leaf inside its batch;
 * a refusal always names a reason. */
#include "fmt/stixbatch.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card cards[2];

struct seen {
	size_t n;
	uint8_t (*leaves)[TLOG_HASH];	/* room for STIXBATCH_MAX */
};

/* on_obj - keep each object's leaf hash; refuse an object that begins
 * with '!' so that the callback's refusal is reached too. */
static int
on_obj(void *arg, size_t i, const char *obj, size_t len)
{
	struct seen *s = arg;

	if (i != s->n || i >= STIXBATCH_MAX || len == 0 || memchr(obj, '\n', len))
		abort();
	tlog_leaf_hash(obj, len, s->leaves[i]);
	s->n++;
	return obj[0] == '!';
}

static void
manifest(const char *s, size_t n)
{
	struct stixbatch_manifest m;
	struct buf out;

	if (stixbatch_manifest_read(s, n, &m) != ST_OK) {
		if (m.n != 0 || m.batch[0])
			abort();
		return;
	}
	buf_init(&out, STIXBATCH_MANIFEST_MAX);
	if (m.n < 1 || m.n > STIXBATCH_MAX || stixbatch_manifest(&m, &out) != ST_OK ||
	    out.len != n || memcmp(out.p, s, n) != 0)
		abort();
	buf_free(&out);
}

static void
stage(const char *s, size_t n)
{
	static uint8_t room[STIXBATCH_MAX][TLOG_HASH];
	struct seen seen = { 0, room };
	struct stixbatch_manifest m, m2;
	uint8_t (*leaves)[TLOG_HASH] = NULL, root[TLOG_HASH];
	char why[128] = "";
	status rc, rc2;

	rc = stixbatch_stage_read(s, n, &m, on_obj, &seen, &leaves, why);
	if (rc == ST_OK) {
		if (why[0] || !leaves || seen.n != (size_t)m.n ||
		    memcmp(leaves, room, seen.n * TLOG_HASH) != 0 ||
		    stixbatch_root((const uint8_t (*)[TLOG_HASH])leaves, seen.n, root) != ST_OK ||
		    memcmp(root, m.root, TLOG_HASH) != 0)
			abort();
		free(leaves);
	} else if (leaves || (rc != ST_NOMEM && !why[0]))
		abort();
	rc2 = stixbatch_stage_read(s, n, &m2, NULL, NULL, NULL, NULL);
	/* a callback's refusal (ST_INVALID) is the only difference */
	if (rc2 != rc && rc != ST_INVALID)
		abort();
	if (rc == ST_OK && (m2.n != m.n || memcmp(m2.root, m.root, TLOG_HASH) != 0))
		abort();
}

static void
evidence(const char *s, size_t n)
{
	struct stixbatch_report r;
	const char *why = NULL;
	status rc;

	rc = stixbatch_verify(s, n, cards, &r, &why);
	if (rc == ST_OK) {
		if (why || r.leaf < 0 || r.leaf >= r.m.n || r.m.n > STIXBATCH_MAX ||
		    strcmp(r.ev.msg.type, "stix-batch") != 0 || !r.ev.sender || !r.ev.receiver ||
		    r.ev.sender == r.ev.receiver)
			abort();
	} else if (!why && rc != ST_NOMEM)
		abort();
	stixbatch_report_clear(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	fuzz_init();
	if (!cards[0].name[0]) {
		fuzz_card(&cards[0], "alpha", 7);	/* fuzz_common.h's key */
		fuzz_card(&cards[1], "bravo", 8);
		if (memcmp(cards[0].pk, fuzz_pk, IDENT_PK_LEN) != 0)
			abort();
	}
	manifest(s, size);
	stage(s, size);
	evidence(s, size);
	return 0;
}
