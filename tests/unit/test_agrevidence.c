/* test_agrevidence.c - the evidence bundle of an agreement, built from
 * real parts: the parties' cards (fixed keys, those of the fuzz targets:
 * alpha 7s, bravo 8s, carol 9s; dave 10s is no party), an agreement
 * drafted, signed and countersigned, each party's acts on it, and a small
 * log of each party's with the act among other leaves, its checkpoint
 * signed by the log's owner and cosigned by another party.  A good bundle
 * of two parties, and one of three, verifies and is described in plain
 * words; each forgery or mistake is refused with its own status and
 * reason; every byte flipped and every truncation is refused.
 *
 * With PARLEY_AGREVIDENCE_SEEDS=DIR set, the good bundles are written to
 * DIR (fuzz/corpus/agrevidence/ was made so): the keys and times are
 * fixed, so the bytes are the same on every run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "fmt/agract.h"
#include "fmt/agreement.h"
#include "fmt/agrevidence.h"
#include "util/b64.h"
#include "fmt/card.h"
#include "fmt/ckpt.h"
#include "crypto/jws.h"
#include "fmt/note.h"
#include "fmt/tlog.h"
#include "testcheck.h"
#include "testkeys.h"
#include "testlog.h"

#define ID2 "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0e"	/* the two-party agreement */
#define ID3 "019a3c2e-7b10-7c4a-9d2e-5f6a7b8c9d0f"	/* the three-party one */
#define TITLE2 "Incident cooperation between alpha and bravo"
/* A title and a reason that try to forge a line, quote and reorder. */
#define TITLE3 "Regional \"accord\" \\ \xe2\x80\xae" "drocca"
#define REASON3 "we withdraw\xc2\x85" "bravo signed at \"never\" \xe2\x80\xae"
#define EFFECTIVE "2026-11-18T00:00:00.000Z"
#define AT_A "2026-11-18T11:00:00.000Z"	/* alpha signs */
#define AT_B "2026-11-18T11:05:00.000Z"	/* bravo countersigns */
#define AT_C "2026-11-18T11:07:00.000Z"	/* carol countersigns */
#define AT_T "2026-11-19T08:00:00.000Z"	/* alpha gives notice */
#define T_COS_A 1795000000u			/* alpha's checkpoint cosigned */
#define T_COS_A_TEXT "2026-11-18T11:06:40Z"
#define T_COS_B 1795000100u			/* bravo's */
#define T_COS_B_TEXT "2026-11-18T11:08:20Z"
#define T_COS_C 1795000200u			/* carol's */
#define T_COS_C_TEXT "2026-11-18T11:10:00Z"
#define OTHER_SHA "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define FX_ACTS (AGREVIDENCE_ACTS_MAX + 1)

/* ---- the parties ---- */

struct side {
	const char *name;
	uint8_t fill;		/* the key's seed: 32 bytes of it */
	struct ident *id;
	struct card card;
};

static struct side alpha = { .name = "alpha", .fill = 7 };
static struct side bravo = { .name = "bravo", .fill = 8 };
static struct side carol = { .name = "carol", .fill = 9 };
static struct side dave = { .name = "dave", .fill = 10 };	/* no party */

/* seed_key - the identity whose Ed25519 seed is 32 bytes of fill, through
 * a PKCS#8 PEM as ident_load reads keys. */
static struct ident *
seed_key(uint8_t fill)
{
	static const uint8_t prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };
	struct ident *id = NULL;
	uint8_t der[48];
	struct buf pem;
	char path[128];
	int fd;

	(void)testkey;	/* testkeys.h is here for its temp dir */
	if (!testkeys_dir[0]) {
		snprintf(testkeys_dir, sizeof testkeys_dir, "/tmp/ptestXXXXXX");
		assert_non_null(mkdtemp(testkeys_dir));
	}
	memcpy(der, prefix, sizeof prefix);
	memset(der + sizeof prefix, fill, 32);
	buf_init(&pem, 256);
	EXPECT(buf_adds(&pem, "-----BEGIN PRIVATE KEY-----\n"), ST_OK);
	EXPECT(b64_std_encode(&pem, der, sizeof der), ST_OK);
	EXPECT(buf_adds(&pem, "\n-----END PRIVATE KEY-----\n"), ST_OK);
	snprintf(path, sizeof path, "%s/seed.pem", testkeys_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pem.p, pem.len), (ssize_t)pem.len);
	close(fd);
	EXPECT(ident_load(path, &id), ST_OK);
	unlink(path);
	buf_free(&pem);
	return id;
}

static void
make_side(struct side *s)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct buf text;

	s->id = seed_key(s->fill);
	buf_init(&text, CARD_MAX_BYTES);
	EXPECT(card_make(s->id, s->name, eps, 1, "2026-11-01T09:00:00.000Z", &text), ST_OK);
	EXPECT(card_parse(text.p, text.len, &s->card), ST_OK);
	buf_free(&text);
}

static int64_t
ms(const char *t)
{
	int64_t v;

	EXPECT(stamp_parse(t, &v), ST_OK);
	return v;
}

/* ---- an array-backed log ---- */

static void
mlog_fill(struct mlog *l, const char *who, int count)
{
	for (int i = 0; i < count; i++) {
		char other[64];

		snprintf(other, sizeof other, "another statement %s %d", who, i);
		mlog_add(l, other, strlen(other));
	}
}

/* ---- the parts ---- */

/* doc_make - the agreement id among ps[0..n) (titled title), drafted,
 * signed by ps[0] and countersigned by ps[1..n_signed). */
static void
doc_make(struct side *const *ps, size_t n, const char *id, const char *title,
    size_t n_signed, struct buf *doc)
{
	struct agreement_party parties[AGREEMENT_PARTIES_MAX];
	struct card cards[AGREEMENT_PARTIES_MAX];
	struct agreement_cards set = { cards, n };
	char why[AGREEMENT_WHY_MAX];
	struct buf draft, cur;

	memset(parties, 0, sizeof parties);
	for (size_t i = 0; i < n; i++) {
		snprintf(parties[i].name, sizeof parties[i].name, "%s", ps[i]->name);
		snprintf(parties[i].kid, sizeof parties[i].kid, "%s", ps[i]->card.kid);
		cards[i] = ps[i]->card;
	}
	buf_init(&draft, AGREEMENT_PAYLOAD_MAX);
	buf_init(doc, AGREEMENT_DOC_MAX);
	EXPECT(agreement_draft(parties, n, title, id, ms(EFFECTIVE), &draft, why), ST_OK);
	EXPECT(agreement_sign(ps[0]->id, draft.p, draft.len, doc, why), ST_OK);
	for (size_t i = 1; i < n_signed; i++) {
		buf_init(&cur, AGREEMENT_DOC_MAX);
		EXPECT(agreement_countersign(ps[i]->id, doc->p, doc->len, agreement_key_cards, &set,
		    &cur, why), ST_OK);
		buf_free(doc);
		*doc = cur;
	}
	buf_free(&draft);
}

static void
act_make(const struct side *s, enum agract_kind k, const char *id, const char *sha,
    const char *reason, const char *at, struct buf *out)
{
	char why[AGRACT_WHY_MAX];

	buf_init(out, AGRACT_MAX);
	if (agract_make(s->id, k, id, sha, reason, ms(at), out, why) != ST_OK)
		fail_msg("agract_make: %s", why);
}

/* How an act's proof is made: the act is leaf `before` of owner's log of
 * before + 1 + after leaves; the checkpoint (origin: owner's) is signed by
 * signer under owner's origin, and cosigned at `when` by cosigner (NULL:
 * not cosigned) under its own origin. */
struct pspec {
	struct side *owner, *signer, *cosigner;
	int before, after;
	uint64_t when;
	int index_delta;	/* added to the index the proof states */
};

static void
proof_make(const struct buf *act, const struct pspec *s, struct buf *out)
{
	struct mlog *l = calloc(1, sizeof *l);
	uint8_t hashes[TLOG_PROOF_MAX][TLOG_HASH];
	struct ckpt c;
	struct buf text, note;
	uint64_t index;
	size_t n;

	assert_non_null(l);
	mlog_fill(l, s->owner->name, s->before);
	index = l->n;
	mlog_add(l, act->p, act->len);
	mlog_fill(l, s->owner->name, s->after);
	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", s->owner->card.origin);
	c.size = l->n;
	EXPECT(tlog_tree_hash(c.size, mlog_get, l, c.root), ST_OK);
	buf_init(&text, 4096);
	buf_init(&note, 4096);
	EXPECT(ckpt_format(&c, &text), ST_OK);
	EXPECT(note_sign(s->signer->id, s->owner->card.origin, text.p, text.len, &note), ST_OK);
	if (s->cosigner)
		EXPECT(note_cosign(s->cosigner->id, s->cosigner->card.origin, text.p, text.len,
		    s->when, &note), ST_OK);
	EXPECT(tlog_inclusion(index, c.size, mlog_get, l, hashes, &n), ST_OK);
	buf_init(out, 1 << 16);
	EXPECT(ckpt_proof_format(index + (uint64_t)s->index_delta,
	    (const uint8_t (*)[TLOG_HASH])hashes, n, note.p, note.len, out), ST_OK);
	buf_free(&text);
	buf_free(&note);
	free(l);
}

/* A bundle's parts and the bundle made of them. */
struct fx {
	struct buf doc;
	char sha[AGRACT_SHA_HEX];
	size_t n;
	struct buf act[FX_ACTS], proof[FX_ACTS];
	struct buf text;
};

static void
fx_doc(struct fx *f, struct side *const *ps, size_t n, const char *id, const char *title,
    size_t n_signed)
{
	memset(f, 0, sizeof *f);
	doc_make(ps, n, id, title, n_signed, &f->doc);
	EXPECT(agract_doc_sha256(f->doc.p, f->doc.len, f->sha), ST_OK);
}

/* fx_act - add an act of s's and its proof as spec says. */
static void
fx_act(struct fx *f, const struct side *s, enum agract_kind k, const char *id,
    const char *sha, const char *reason, const char *at, const struct pspec *spec)
{
	assert_true(f->n < FX_ACTS);
	act_make(s, k, id, sha, reason, at, &f->act[f->n]);
	proof_make(&f->act[f->n], spec, &f->proof[f->n]);
	f->n++;
}

/* fx_copy - add acts[i] and its proof again. */
static void
fx_copy(struct fx *f, size_t i)
{
	assert_true(f->n < FX_ACTS);
	buf_init(&f->act[f->n], AGRACT_MAX);
	buf_init(&f->proof[f->n], 1 << 16);
	EXPECT(buf_add(&f->act[f->n], f->act[i].p, f->act[i].len), ST_OK);
	EXPECT(buf_add(&f->proof[f->n], f->proof[i].p, f->proof[i].len), ST_OK);
	f->n++;
}

static void
fx_make(struct fx *f)
{
	struct agrevidence_act acts[FX_ACTS];

	for (size_t i = 0; i < f->n; i++) {
		acts[i].act = f->act[i].p;
		acts[i].act_len = f->act[i].len;
		acts[i].proof = f->proof[i].p;
		acts[i].proof_len = f->proof[i].len;
	}
	buf_init(&f->text, EVIDENCE_MAX);
	EXPECT(agrevidence_make(f->doc.p, f->doc.len, acts, f->n, &f->text), ST_OK);
}

static void
fx_free(struct fx *f)
{
	buf_free(&f->doc);
	for (size_t i = 0; i < f->n; i++) {
		buf_free(&f->act[i]);
		buf_free(&f->proof[i]);
	}
	buf_free(&f->text);
}

/* ---- the good bundles ---- */

static struct side *const two[] = { &alpha, &bravo };
static struct side *const three[] = { &alpha, &bravo, &carol };

/* The proofs of the good two-party bundle: alpha's sign act is leaf 3 of
 * 5 in alpha's log, cosigned by bravo; bravo's leaf 1 of 4, by alpha. */
static const struct pspec pa2 = { &alpha, &alpha, &bravo, 3, 1, T_COS_A, 0 };
static const struct pspec pb2 = { &bravo, &bravo, &alpha, 1, 2, T_COS_B, 0 };

static void
good2(struct fx *f)
{
	fx_doc(f, two, 2, ID2, TITLE2, 2);
	fx_act(f, &alpha, AGRACT_SIGN, ID2, f->sha, "signed", AT_A, &pa2);
	fx_act(f, &bravo, AGRACT_SIGN, ID2, f->sha, "signed", AT_B, &pb2);
	fx_make(f);
}

/* Three parties, each sign act cosigned by another (alpha's by carol, so
 * bravo, tried first, is not its cosigner), and alpha's notice of
 * termination with a reason that tries to forge a line. */
static void
good3(struct fx *f)
{
	static const struct pspec pa = { &alpha, &alpha, &carol, 2, 0, T_COS_A, 0 };
	static const struct pspec pb = { &bravo, &bravo, &alpha, 0, 3, T_COS_B, 0 };
	static const struct pspec pc = { &carol, &carol, &bravo, 4, 4, T_COS_C, 0 };
	static const struct pspec pt = { &alpha, &alpha, &bravo, 6, 0, T_COS_C, 0 };

	fx_doc(f, three, 3, ID3, TITLE3, 3);
	fx_act(f, &alpha, AGRACT_SIGN, ID3, f->sha, "signed", AT_A, &pa);
	fx_act(f, &bravo, AGRACT_SIGN, ID3, f->sha, "signed", AT_B, &pb);
	fx_act(f, &carol, AGRACT_SIGN, ID3, f->sha, "signed", AT_C, &pc);
	fx_act(f, &alpha, AGRACT_TERMINATE, ID3, f->sha, REASON3, AT_T, &pt);
	fx_make(f);
}

/* ---- checking ---- */

static struct agrevidence_report report;	/* ~83 KiB: not on the stack */

static void
expect(const char *name, status rc, const char *why, status want_rc, const char *want_why)
{
	if (rc != want_rc)
		fail_msg("%s: got \"%s\" (%s), want \"%s\" (%s)", name, status_str(rc),
		    why ? why : "no reason", status_str(want_rc), want_why ? want_why : "no reason");
	if ((why == NULL) != (want_why == NULL) || (why && strcmp(why, want_why) != 0))
		fail_msg("%s: reason \"%s\", want \"%s\"", name, why ? why : "(none)",
		    want_why ? want_why : "(none)");
}

/* check - verify text[0..n) with cards and expect want_rc, want_why. */
static void
check(const char *name, const char *text, size_t n, const struct card *cards, size_t n_cards,
    status want_rc, const char *want_why)
{
	const char *why = "unset";
	status rc = agrevidence_verify(text, n, cards, n_cards, &report, &why);

	expect(name, rc, why, want_rc, want_why);
}

/* cards_of - the cards of ss[0..n). */
static void
cards_of(struct side *const *ss, size_t n, struct card *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = ss[i]->card;
}

/* check3 - check with the cards of alpha, bravo and carol (carol no party
 * of a two-party agreement: an extra card is ignored). */
static void
check3(const char *name, const struct buf *text, status want_rc, const char *want_why)
{
	struct card cards[3];

	cards_of(three, 3, cards);
	check(name, text->p, text->len, cards, 3, want_rc, want_why);
}

static void
write_seed(const char *name, const struct buf *text)
{
	const char *dir = getenv("PARLEY_AGREVIDENCE_SEEDS");
	char path[512];
	FILE *fp;

	if (!dir || !dir[0])
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text->p, 1, text->len, fp), text->len);
	assert_int_equal(fclose(fp), 0);
}

/* ---- good bundles ---- */

static void
test_good_two(void **state)
{
	static const struct { const char *name; struct side *cards[4]; size_t n; } sets[] = {
		{ "the parties' cards", { &alpha, &bravo }, 2 },
		{ "the other order", { &bravo, &alpha }, 2 },
		{ "extra cards", { &dave, &bravo, &carol, &alpha }, 4 },
	};
	struct fx f;

	(void)state;
	good2(&f);
	write_seed("two-parties", &f.text);
	for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
		struct card cards[4];
		const struct agrevidence_proven *a = report.acts, *b = report.acts + 1;

		cards_of(sets[s].cards, sets[s].n, cards);
		check(sets[s].name, f.text.p, f.text.len, cards, sets[s].n, ST_OK, NULL);
		assert_string_equal(report.id, ID2);
		assert_string_equal(report.title, TITLE2);
		assert_string_equal(report.payload_sha256, f.sha);
		assert_int_equal(report.n_parties, 2);
		assert_string_equal(report.parties[0], "alpha");
		assert_string_equal(report.parties[1], "bravo");
		assert_int_equal(report.n_acts, 2);
		assert_string_equal(a->party, "alpha");
		assert_int_equal(a->kind, AGRACT_SIGN);
		assert_int_equal(a->at_ms, ms(AT_A));
		assert_string_equal(a->log.origin, alpha.card.origin);
		assert_int_equal(a->log.index, 3);
		assert_int_equal(a->log.size, 5);
		assert_int_equal(a->log.cosigned_at, T_COS_A);
		assert_string_equal(a->cosigner, "bravo");
		assert_string_equal(b->party, "bravo");
		assert_int_equal(b->at_ms, ms(AT_B));
		assert_string_equal(b->log.origin, bravo.card.origin);
		assert_int_equal(b->log.index, 1);
		assert_int_equal(b->log.size, 4);
		assert_int_equal(b->log.cosigned_at, T_COS_B);
		assert_string_equal(b->cosigner, "alpha");
	}
	/* the final newline is JSON whitespace */
	{
		struct card cards[2];

		cards_of(two, 2, cards);
		check("without the newline", f.text.p, f.text.len - 1, cards, 2, ST_OK, NULL);
	}
	fx_free(&f);
}

static void
test_good_three(void **state)
{
	struct fx f;
	const struct agrevidence_proven *t = report.acts;

	(void)state;
	good3(&f);
	write_seed("three-parties", &f.text);
	check3("three parties", &f.text, ST_OK, NULL);
	assert_string_equal(report.id, ID3);
	assert_string_equal(report.title, TITLE3);
	assert_int_equal(report.n_parties, 3);
	assert_string_equal(report.parties[2], "carol");
	assert_int_equal(report.n_acts, 4);
	assert_string_equal(t[0].cosigner, "carol");	/* bravo was tried first */
	assert_string_equal(t[1].cosigner, "alpha");
	assert_string_equal(t[2].cosigner, "bravo");
	assert_string_equal(t[2].party, "carol");
	assert_int_equal(t[2].log.index, 4);
	assert_int_equal(t[2].log.size, 9);
	assert_int_equal(t[3].kind, AGRACT_TERMINATE);
	assert_string_equal(t[3].party, "alpha");
	assert_string_equal(t[3].reason, REASON3);
	assert_int_equal(t[3].log.index, 6);
	assert_int_equal(t[3].log.size, 7);

	/* without carol's card, the document is not verified */
	{
		struct card cards[2];

		cards_of(two, 2, cards);
		check("carol's card missing", f.text.p, f.text.len, cards, 2, ST_UNKNOWN_KEY,
		    "agreement: signatures[2]: no key at hand for parties[2] (carol)");
	}
	fx_free(&f);
}

/* Of three parties, each other one is tried as the cosigner: a proof
 * that fails with the right one is refused for what failed there, not
 * for the cosignature the wrong one lacks. */
static void
test_three_cosigners(void **state)
{
	static const struct {
		const char *name;
		struct pspec pa;	/* alpha's sign act's proof */
		status rc;
		const char *why;
	} cases[] = {
		{ "cosigned by carol", { &alpha, &alpha, &carol, 2, 0, T_COS_A, 0 }, ST_OK, NULL },
		{ "cosigned by bravo", { &alpha, &alpha, &bravo, 2, 0, T_COS_A, 0 }, ST_OK, NULL },
		{ "cosigned by carol, another leaf", { &alpha, &alpha, &carol, 2, 1, T_COS_A, -1 },
		  ST_BADSIG, "acts[0] proof: the act is not included at the stated index" },
		{ "cosigned by no one", { &alpha, &alpha, NULL, 2, 0, T_COS_A, 0 }, ST_UNKNOWN_KEY,
		  "acts[0] proof: checkpoint not cosigned by the other party" },
		{ "cosigned by dave", { &alpha, &alpha, &dave, 2, 0, T_COS_A, 0 }, ST_UNKNOWN_KEY,
		  "acts[0] proof: checkpoint not cosigned by the other party" },
		{ "signed by carol", { &alpha, &carol, &bravo, 2, 0, T_COS_A, 0 }, ST_UNKNOWN_KEY,
		  "acts[0] proof: checkpoint not signed by the acting party's log key" },
	};
	static const struct pspec pb = { &bravo, &bravo, &alpha, 0, 3, T_COS_B, 0 };
	static const struct pspec pc = { &carol, &carol, &bravo, 4, 4, T_COS_C, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fx f;

		fx_doc(&f, three, 3, ID3, TITLE3, 3);
		fx_act(&f, &alpha, AGRACT_SIGN, ID3, f.sha, "signed", AT_A, &cases[i].pa);
		fx_act(&f, &bravo, AGRACT_SIGN, ID3, f.sha, "signed", AT_B, &pb);
		fx_act(&f, &carol, AGRACT_SIGN, ID3, f.sha, "signed", AT_C, &pc);
		fx_make(&f);
		check3(cases[i].name, &f.text, cases[i].rc, cases[i].why);
		if (!cases[i].rc)
			assert_string_equal(report.acts[0].cosigner,
			    cases[i].pa.cosigner->name);
		fx_free(&f);
	}
}

/* The bundle is one line of JSON, members in the order agrevidence.h gives;
 * the document is the same JSON value as the one held, the acts and proofs
 * verbatim. */
static void
test_make_shape(void **state)
{
	static const char prefix[] = "{\"type\":\"parley-agreement-evidence\",\"v\":1,"
	    "\"agreement\":{\"payload\":";
	struct fx f;
	json_t *j, *doc, *acts;

	(void)state;
	good2(&f);
	assert_int_equal(f.text.p[f.text.len - 1], '\n');
	assert_ptr_equal(memchr(f.text.p, '\n', f.text.len), f.text.p + f.text.len - 1);
	assert_int_equal(strncmp(f.text.p, prefix, strlen(prefix)), 0);
	assert_non_null(strstr(f.text.p, "},\"acts\":[{\"act\":"));
	j = json_loadb(f.text.p, f.text.len, JSON_REJECT_DUPLICATES, NULL);
	doc = json_loadb(f.doc.p, f.doc.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_non_null(doc);
	assert_int_equal(json_object_size(j), 4);
	assert_true(json_equal(json_object_get(j, "agreement"), doc));
	acts = json_object_get(j, "acts");
	assert_int_equal(json_array_size(acts), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *o = json_array_get(acts, i);

		assert_int_equal(json_object_size(o), 2);
		assert_string_equal(json_string_value(json_object_get(o, "act")),
		    buf_str(&f.act[i]));
		assert_string_equal(json_string_value(json_object_get(o, "proof")),
		    buf_str(&f.proof[i]));
	}
	json_decref(doc);
	json_decref(j);
	fx_free(&f);
}

/* What JSON cannot carry back unchanged, or verify would not read, is
 * refused, out untouched. */
static void
test_make_refuses(void **state)
{
	static const char doc[] = "{\"payload\":\"e30\",\"signatures\":[]}";
	struct agrevidence_act acts[AGREVIDENCE_ACTS_MAX + 1];
	struct buf out;

	(void)state;
	for (size_t i = 0; i < AGREVIDENCE_ACTS_MAX + 1; i++)
		acts[i] = (struct agrevidence_act){ "a.b.c", 5, "p", 1 };
	buf_init(&out, 1 << 16);
	EXPECT(buf_adds(&out, "keep"), ST_OK);
	EXPECT(agrevidence_make(doc, strlen(doc), acts, 1, &out), ST_OK);
	buf_reset(&out);
	EXPECT(buf_adds(&out, "keep"), ST_OK);
	acts[0].act = "caf\xe9";
	acts[0].act_len = 4;
	EXPECT(agrevidence_make(doc, strlen(doc), acts, 1, &out), ST_INVALID);
	acts[0] = (struct agrevidence_act){ "a.b.c", 5, "p\0q", 3 };
	EXPECT(agrevidence_make(doc, strlen(doc), acts, 1, &out), ST_INVALID);
	acts[0] = (struct agrevidence_act){ "a.b.c", 5, "p", 1 };
	EXPECT(agrevidence_make("[1]", 3, acts, 1, &out), ST_PARSE);
	EXPECT(agrevidence_make("{\"payload\":", 11, acts, 1, &out), ST_PARSE);
	EXPECT(agrevidence_make("{\"a\":1,\"a\":1}", 13, acts, 1, &out), ST_PARSE);
	EXPECT(agrevidence_make(doc, strlen(doc), acts, AGREVIDENCE_ACTS_MAX + 1, &out),
	    ST_TOOBIG);
	assert_string_equal(buf_str(&out), "keep");
	buf_free(&out);
}

static void
test_describe(void **state)
{
	struct fx f;
	struct buf out, want;

	(void)state;
	good2(&f);
	check3("good", &f.text, ST_OK, NULL);
	buf_init(&out, 1 << 16);
	buf_init(&want, 1 << 16);
	EXPECT(agrevidence_describe(&report, &out), ST_OK);
	EXPECT(buf_addf(&want, "AGREEMENT PROVEN: " ID2 "  \"" TITLE2 "\"\n"
	    "  parties: alpha, bravo (every party signed)\n"
	    "  payload SHA-256 %s, the text every act names\n"
	    "  alpha signed at " AT_A ": leaf 3 of alpha's log, checkpoint of size 5 cosigned "
	    "by bravo at " T_COS_A_TEXT "\n"
	    "  bravo signed at " AT_B ": leaf 1 of bravo's log, checkpoint of size 4 cosigned "
	    "by alpha at " T_COS_B_TEXT "\n", f.sha), ST_OK);
	assert_string_equal(buf_str(&out), buf_str(&want));
	buf_free(&want);
	buf_free(&out);
	fx_free(&f);
}

/* The parties chose the title and the reasons: they cannot add lines to
 * the account, end a quotation early, or turn it round with bidi. */
static void
test_describe_escapes(void **state)
{
	struct fx f;
	struct buf out;
	int lines = 0;

	(void)state;
	good3(&f);
	check3("good", &f.text, ST_OK, NULL);
	buf_init(&out, 1 << 16);
	EXPECT(agrevidence_describe(&report, &out), ST_OK);
	for (size_t i = 0; i < out.len; i++)
		lines += out.p[i] == '\n';
	assert_int_equal(lines, 7);
	assert_non_null(strstr(buf_str(&out), "AGREEMENT PROVEN: " ID3 "  \"Regional \\\"accord\\\" "
	    "\\\\ \\u202edrocca\"\n"));
	assert_non_null(strstr(buf_str(&out), "  parties: alpha, bravo, carol (every party "
	    "signed)\n"));
	assert_non_null(strstr(buf_str(&out), "  alpha signed at " AT_A ": leaf 2 of alpha's "
	    "log, checkpoint of size 3 cosigned by carol at " T_COS_A_TEXT "\n"));
	assert_non_null(strstr(buf_str(&out), "  carol signed at " AT_C ": leaf 4 of carol's "
	    "log, checkpoint of size 9 cosigned by bravo at " T_COS_C_TEXT "\n"));
	assert_non_null(strstr(buf_str(&out), "  alpha gave notice of termination at " AT_T
	    ", reason \"we withdraw\\u0085bravo signed at \\\"never\\\" \\u202e\": leaf 6 of "
	    "alpha's log, checkpoint of size 7 cosigned by bravo at " T_COS_C_TEXT "\n"));
	assert_null(strstr(buf_str(&out), "\xe2\x80\xae"));
	assert_null(strstr(buf_str(&out), "\xc2\x85"));
	buf_free(&out);
	fx_free(&f);
}

/* ---- bad bundles, each with its reason ---- */

enum bad {
	B_ACT_SIG,		/* one character of bravo's act's signature */
	B_OTHER_TEXT,		/* bravo's act names another payload's SHA-256 */
	B_OTHER_AGREEMENT,	/* bravo's act names another agreement */
	B_NON_PARTY,		/* a third act, by dave, in dave's log cosigned by alpha */
	B_PROOF_OTHER_ACT,	/* bravo's act with alpha's act's proof */
	B_PROOF_OTHER_LEAF,	/* bravo's proof of another leaf of its log */
	B_NOT_COSIGNED,		/* bravo's checkpoint not cosigned */
	B_COSIGNED_OUTSIDER,	/* cosigned by dave, no party */
	B_COSIGNED_SELF,	/* cosigned by bravo itself */
	B_CKPT_WRONG_KEY,	/* bravo's checkpoint signed by carol in bravo's name */
	B_CKPT_OTHER_PARTY,	/* bravo's checkpoint signed by alpha in bravo's name */
	B_SIGN_MISSING,		/* bravo's act left out */
	B_DECLINE_NOT_SIGN,	/* bravo's act a decline, not a sign */
	B_SIG_REMOVED,		/* the document signed by alpha alone */
	B_SAME_TWICE,		/* bravo's act and proof twice */
	B_SIGNS_TWICE,		/* a second sign act by bravo, later, proven */
	B_EMPTY_ACTS,		/* no act at all */
};

static const struct {
	const char *name;
	enum bad b;
	status rc;
	const char *why;
} bad[] = {
	{ "forged act signature", B_ACT_SIG, ST_BADSIG,
	  "acts[1]: not signed by the party it names" },
	{ "act on another text", B_OTHER_TEXT, ST_CONFLICT,
	  "acts[1]: names another text (its payload_sha256 is not the document's)" },
	{ "act on another agreement", B_OTHER_AGREEMENT, ST_CONFLICT,
	  "acts[1]: names another agreement" },
	{ "act by a non-party", B_NON_PARTY, ST_UNKNOWN_KEY,
	  "acts[2]: signed by a key that is not a party's" },
	{ "proof for another act", B_PROOF_OTHER_ACT, ST_UNKNOWN_KEY,
	  "acts[1] proof: checkpoint not signed by the acting party's log key" },
	{ "proof of another leaf", B_PROOF_OTHER_LEAF, ST_BADSIG,
	  "acts[1] proof: the act is not included at the stated index" },
	{ "proof not cosigned", B_NOT_COSIGNED, ST_UNKNOWN_KEY,
	  "acts[1] proof: checkpoint not cosigned by the other party" },
	{ "proof cosigned by no party", B_COSIGNED_OUTSIDER, ST_UNKNOWN_KEY,
	  "acts[1] proof: checkpoint not cosigned by the other party" },
	{ "proof cosigned by the signer", B_COSIGNED_SELF, ST_UNKNOWN_KEY,
	  "acts[1] proof: checkpoint not cosigned by the other party" },
	{ "checkpoint signed by the wrong key", B_CKPT_WRONG_KEY, ST_UNKNOWN_KEY,
	  "acts[1] proof: checkpoint not signed by the acting party's log key" },
	{ "checkpoint signed by the other party", B_CKPT_OTHER_PARTY, ST_UNKNOWN_KEY,
	  "acts[1] proof: checkpoint not signed by the acting party's log key" },
	{ "a party's sign act missing", B_SIGN_MISSING, ST_INVALID,
	  "party bravo's signature is not in its log's evidence" },
	{ "a decline for a sign act", B_DECLINE_NOT_SIGN, ST_INVALID,
	  "party bravo's signature is not in its log's evidence" },
	{ "the document with one signature removed", B_SIG_REMOVED, ST_INVALID,
	  "agreement: not signed by every party" },
	{ "the same act twice", B_SAME_TWICE, ST_INVALID,
	  "acts[2]: bravo's sign act again (as acts[1])" },
	{ "a party's second sign act", B_SIGNS_TWICE, ST_INVALID,
	  "acts[2]: bravo's sign act again (as acts[1])" },
	{ "no acts", B_EMPTY_ACTS, ST_INVALID,
	  "party alpha's signature is not in its log's evidence" },
};

/* flip - change b[i] to another base64url character. */
static void
flip(struct buf *b, size_t i)
{
	assert_true(i < b->len);
	b->p[i] = b->p[i] == 'A' ? 'B' : 'A';
}

/* build_bad - the two-party bundle, spoilt as b says. */
static void
build_bad(enum bad b, struct fx *f)
{
	struct pspec pb = pb2;
	struct jws_parts parts;

	fx_doc(f, two, 2, ID2, TITLE2, b == B_SIG_REMOVED ? 1 : 2);
	if (b == B_EMPTY_ACTS) {
		fx_make(f);
		return;
	}
	fx_act(f, &alpha, AGRACT_SIGN, ID2, f->sha, "signed", AT_A, &pa2);
	if (b == B_SIGN_MISSING) {
		fx_make(f);
		return;
	}
	switch (b) {
	case B_PROOF_OTHER_LEAF: pb.index_delta = 1; break;
	case B_NOT_COSIGNED: pb.cosigner = NULL; break;
	case B_COSIGNED_OUTSIDER: pb.cosigner = &dave; break;
	case B_COSIGNED_SELF: pb.cosigner = &bravo; break;
	case B_CKPT_WRONG_KEY: pb.signer = &carol; break;
	case B_CKPT_OTHER_PARTY: pb.signer = &alpha; break;
	default: break;
	}
	fx_act(f, &bravo, b == B_DECLINE_NOT_SIGN ? AGRACT_DECLINE : AGRACT_SIGN,
	    b == B_OTHER_AGREEMENT ? ID3 : ID2, b == B_OTHER_TEXT ? OTHER_SHA : f->sha,
	    b == B_DECLINE_NOT_SIGN ? "the terms are too wide" : "signed", AT_B, &pb);
	switch (b) {
	case B_ACT_SIG:
		EXPECT(jws_split(f->act[1].p, f->act[1].len, &parts), ST_OK);
		flip(&f->act[1], (size_t)(parts.sig - f->act[1].p) + parts.sig_len / 2);
		break;
	case B_NON_PARTY: {
		static const struct pspec pd = { &dave, &dave, &alpha, 0, 0, T_COS_C, 0 };

		fx_act(f, &dave, AGRACT_SIGN, ID2, f->sha, "signed", AT_C, &pd);
		break;
	}
	case B_PROOF_OTHER_ACT:
		buf_reset(&f->proof[1]);
		EXPECT(buf_add(&f->proof[1], f->proof[0].p, f->proof[0].len), ST_OK);
		break;
	case B_SAME_TWICE:
		fx_copy(f, 1);
		break;
	case B_SIGNS_TWICE: {
		static const struct pspec pb3 = { &bravo, &bravo, &alpha, 4, 0, T_COS_C, 0 };

		fx_act(f, &bravo, AGRACT_SIGN, ID2, f->sha, "signed", AT_C, &pb3);
		break;
	}
	default:
		break;
	}
	fx_make(f);
}

static void
test_bad_bundles(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct card cards[4];
		struct fx f;

		build_bad(bad[i].b, &f);
		check3(bad[i].name, &f.text, bad[i].rc, bad[i].why);
		/* dave's card given too changes nothing: he is no party */
		cards_of((struct side *const[]){ &dave, &bravo, &alpha, &carol }, 4, cards);
		check(bad[i].name, f.text.p, f.text.len, cards, 4, bad[i].rc, bad[i].why);
		fx_free(&f);
	}
}

/* A good bundle checked against the wrong cards. */
static void
test_cards(void **state)
{
	static const char *const eps[] = { "https://127.0.0.1:7001" };
	struct card cards[4];
	struct buf text;
	struct card renamed;
	const char *why;
	struct fx f;
	status rc;

	(void)state;
	good2(&f);
	/* a card missing: the document cannot be verified */
	cards[0] = alpha.card;
	rc = agrevidence_verify(f.text.p, f.text.len, cards, 1, &report, &why);
	assert_int_equal(rc, ST_UNKNOWN_KEY);
	assert_string_equal(why, "agreement: signatures[1]: no key at hand for parties[1] (bravo)");
	cards[0] = bravo.card;
	cards[1] = carol.card;
	rc = agrevidence_verify(f.text.p, f.text.len, cards, 2, &report, &why);
	assert_int_equal(rc, ST_UNKNOWN_KEY);
	assert_string_equal(why, "agreement: signatures[0]: no key at hand for parties[0] (alpha)");
	rc = agrevidence_verify(f.text.p, f.text.len, NULL, 0, &report, &why);
	assert_int_equal(rc, ST_UNKNOWN_KEY);

	/* two cards with one key */
	cards_of((struct side *const[]){ &alpha, &bravo, &carol, &alpha }, 4, cards);
	check("one key twice", f.text.p, f.text.len, cards, 4, ST_INVALID,
	    "cards[0] and cards[3] are the same key");

	/* bravo's key under another name: its log's origin is not that card's */
	buf_init(&text, CARD_MAX_BYTES);
	EXPECT(card_make(bravo.id, "bravo2", eps, 1, "2026-11-01T09:00:00.000Z", &text), ST_OK);
	EXPECT(card_parse(text.p, text.len, &renamed), ST_OK);
	buf_free(&text);
	cards[0] = alpha.card;
	cards[1] = renamed;
	check("bravo renamed", f.text.p, f.text.len, cards, 2, ST_UNKNOWN_KEY,
	    "acts[0] proof: checkpoint not cosigned by the other party");
	cards[1] = bravo.card;
	cards[2] = renamed;
	check("bravo under two names", f.text.p, f.text.len, cards, 3, ST_INVALID,
	    "cards[1] and cards[2] are the same key");
	fx_free(&f);
}

/* Changing any one byte of a good bundle never yields a bundle that
 * verifies, and always names a reason. */
static void
test_every_byte(void **state)
{
	struct card cards[2];
	struct fx f;

	(void)state;
	good2(&f);
	cards_of(two, 2, cards);
	for (size_t i = 0; i < f.text.len; i++) {
		char keep = f.text.p[i];
		const char *why = NULL;
		status rc;

		f.text.p[i] = (char)(keep ^ 1);
		rc = agrevidence_verify(f.text.p, f.text.len, cards, 2, &report, &why);
		if (rc == ST_OK || !why)
			fail_msg("byte %zu of %zu changed: %s, %s", i, f.text.len, status_str(rc),
			    why ? why : "no reason");
		f.text.p[i] = keep;
	}
	fx_free(&f);
}

static void
test_truncated(void **state)
{
	struct card cards[2];
	struct fx f;

	(void)state;
	good2(&f);
	cards_of(two, 2, cards);
	for (size_t cut = 0; cut + 1 < f.text.len; cut++) {
		/* a copy of exactly cut bytes, so ASan sees any read past it */
		char *p = malloc(cut ? cut : 1);
		const char *why = NULL;
		status rc;

		assert_non_null(p);
		memcpy(p, f.text.p, cut);
		rc = agrevidence_verify(p, cut, cards, 2, &report, &why);
		if (rc != ST_PARSE || !why || strcmp(why, "bundle is not a JSON object") != 0)
			fail_msg("cut at %zu of %zu: %s, %s", cut, f.text.len, status_str(rc),
			    why ? why : "no reason");
		free(p);
	}
	fx_free(&f);
}

/* The bundle's own members: edited as JSON, the parts left good. */
static void
test_bundle_fields(void **state)
{
	static const struct {
		const char *name, *key, *json;	/* json NULL: delete key */
		status rc;
		const char *why;
	} cases[] = {
		{ "unknown member", "note", "\"hello\"", ST_INVALID, "bundle has an unknown member" },
		{ "wrong type", "type", "\"parley-evidence\"", ST_INVALID,
		  "bundle type is not \"parley-agreement-evidence\"" },
		{ "type not a string", "type", "1", ST_INVALID,
		  "bundle type is not \"parley-agreement-evidence\"" },
		{ "no type", "type", NULL, ST_INVALID,
		  "bundle type is not \"parley-agreement-evidence\"" },
		{ "version 2", "v", "2", ST_INVALID, "bundle version is not 1" },
		{ "version as string", "v", "\"1\"", ST_INVALID, "bundle version is not 1" },
		{ "version as real", "v", "1.0", ST_INVALID, "bundle version is not 1" },
		{ "no version", "v", NULL, ST_INVALID, "bundle version is not 1" },
		{ "no agreement", "agreement", NULL, ST_INVALID, "bundle lacks an agreement object" },
		{ "agreement as a string", "agreement", "\"{}\"", ST_INVALID,
		  "bundle lacks an agreement object" },
		{ "agreement empty", "agreement", "{}", ST_INVALID, "agreement: payload: missing" },
		{ "no acts", "acts", NULL, ST_INVALID, "bundle lacks an acts array" },
		{ "acts an object", "acts", "{}", ST_INVALID, "bundle lacks an acts array" },
		{ "an act a string", "acts", "[\"a.b.c\"]", ST_INVALID,
		  "acts[0]: not an object of an act and a proof string" },
		{ "an act without a proof", "acts", "[{\"act\":\"a.b.c\"}]", ST_INVALID,
		  "acts[0]: not an object of an act and a proof string" },
		{ "a proof not a string", "acts", "[{\"act\":\"a.b.c\",\"proof\":1}]", ST_INVALID,
		  "acts[0]: not an object of an act and a proof string" },
		{ "an act with an unknown member", "acts",
		  "[{\"act\":\"a.b.c\",\"proof\":\"p\",\"note\":1}]", ST_INVALID,
		  "acts[0]: has an unknown member" },
		{ "an act not a JWS", "acts", "[{\"act\":\"hello\",\"proof\":\"p\"}]", ST_PARSE,
		  "acts[0]: not a compact JWS naming its signer's key" },
	};
	struct fx f;
	json_t *base;

	(void)state;
	good2(&f);
	base = json_loadb(f.text.p, f.text.len, 0, NULL);
	assert_non_null(base);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_deep_copy(base);
		char *text;

		if (!cases[i].json)
			json_object_del(j, cases[i].key);
		else
			json_object_set_new(j, cases[i].key, json_loads(cases[i].json,
			    JSON_DECODE_ANY, NULL));
		text = json_dumps(j, JSON_COMPACT);
		assert_non_null(text);
		check3(cases[i].name, &(struct buf){ .p = text, .len = strlen(text) }, cases[i].rc,
		    cases[i].why);
		free(text);
		json_decref(j);
	}
	json_decref(base);
	fx_free(&f);
}

/* Not a JSON object at all, repeated members, too big, too many acts. */
static void
test_bundle_shape(void **state)
{
	static const struct {
		const char *name, *text;
		status rc;
		const char *why;
	} cases[] = {
		{ "empty", "", ST_PARSE, "bundle is not a JSON object" },
		{ "array", "[1]", ST_PARSE, "bundle is not a JSON object" },
		{ "two objects", "{}{}", ST_PARSE, "bundle is not a JSON object" },
		{ "empty object", "{}", ST_INVALID,
		  "bundle type is not \"parley-agreement-evidence\"" },
		{ "duplicate type", "{\"type\":\"parley-agreement-evidence\","
		  "\"type\":\"parley-agreement-evidence\"}", ST_PARSE, "bundle repeats a member" },
		{ "duplicate inside an act", "{\"type\":\"parley-agreement-evidence\",\"v\":1,"
		  "\"acts\":[{\"act\":\"x\",\"act\":\"x\"}]}", ST_PARSE, "bundle repeats a member" },
	};
	struct card cards[2];
	struct fx f;
	struct buf many;
	char *big;

	(void)state;
	cards_of(two, 2, cards);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i].name, cases[i].text, strlen(cases[i].text), cards, 2, cases[i].rc,
		    cases[i].why);

	/* more acts than AGREVIDENCE_ACTS_MAX: refused before any is read */
	good2(&f);
	buf_init(&many, EVIDENCE_MAX);
	EXPECT(buf_add(&many, f.text.p, (size_t)(strstr(f.text.p, "\"acts\":[") - f.text.p) + 8),
	    ST_OK);
	for (size_t i = 0; i <= AGREVIDENCE_ACTS_MAX; i++)
		EXPECT(buf_adds(&many, i ? ",{\"act\":\"x\",\"proof\":\"y\"}" :
		    "{\"act\":\"x\",\"proof\":\"y\"}"), ST_OK);
	EXPECT(buf_adds(&many, "]}"), ST_OK);
	check("65 acts", many.p, many.len, cards, 2, ST_TOOBIG,
	    "bundle has more acts than AGREVIDENCE_ACTS_MAX");
	buf_free(&many);

	/* over the size limit: refused before parsing (a good bundle padded
	 * with whitespace, which JSON would accept) */
	big = malloc(EVIDENCE_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', EVIDENCE_MAX + 1);
	memcpy(big, f.text.p, f.text.len);
	check("one byte over", big, EVIDENCE_MAX + 1, cards, 2, ST_TOOBIG,
	    "bundle is larger than EVIDENCE_MAX");
	check("at the limit", big, EVIDENCE_MAX, cards, 2, ST_OK, NULL);
	free(big);
	fx_free(&f);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	make_side(&alpha);
	make_side(&bravo);
	make_side(&carol);
	make_side(&dave);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_free(alpha.id);
	ident_free(bravo.id);
	ident_free(carol.id);
	ident_free(dave.id);
	testkeys_done();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_two),
		cmocka_unit_test(test_good_three),
		cmocka_unit_test(test_three_cosigners),
		cmocka_unit_test(test_make_shape),
		cmocka_unit_test(test_make_refuses),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_describe_escapes),
		cmocka_unit_test(test_bad_bundles),
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bundle_fields),
		cmocka_unit_test(test_bundle_shape),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
