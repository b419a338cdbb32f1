/* fuzz_stixrule.c - the rules before a STIX object leaves (stixrule.h),
 * over every object stix_read accepts from the input, under terms that
 * refuse, allow and pseudonymise personal data, foreign or not.  Besides
 * memory safety it checks that a refusal is ST_BREACH with a printable
 * reason that starts with the object's id and leaves out untouched; that
 * what is sent is one object stix_read accepts, with the label the object
 * had, not above the ceiling; that the same input gives the same
 * pseudonyms twice; and that the input with the origin extension added is
 * read back by stixrule_origin. */
#include "fuzz_common.h"
#include "fmt/stixrule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KID "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void
printable(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if (strlen(s) >= STIXRULE_WHY_MAX)
		abort();
}

/* sent - out is one object stix_read accepts, marked as o was. */
static void
sent(const struct stix_obj *o, const struct buf *out)
{
	char why[STIX_WHY_MAX];
	const struct stix_obj *b;
	struct stix_doc *d;

	if (stix_read(out->p, out->len, &d, why) != ST_OK || stix_count(d) != 1)
		abort();
	b = stix_at(d, 0);
	if (!b->ok || strcmp(b->type, o->type) != 0 || b->marked != o->marked ||
	    (o->marked && b->tlp != o->tlp))
		abort();
	stix_free(d);
}

static void
apply(const struct stixrule_terms *t, const struct stix_obj *o)
{
	char why[STIXRULE_WHY_MAX], why2[STIXRULE_WHY_MAX];
	struct buf out, again;
	enum tlp label, label2;
	status rc, rc2;

	buf_init(&out, STIX_BYTES_MAX);
	buf_init(&again, STIX_BYTES_MAX);
	rc = stixrule_apply(t, o, &out, &label, why);
	printable(why);
	if (label != (o->marked ? o->tlp : t->unmarked))
		abort();
	if (rc == ST_OK) {
		if (why[0] || label > t->ceiling)
			abort();
		sent(o, &out);
	} else {
		if (rc != ST_BREACH && rc != ST_NOMEM)
			abort();
		if (out.len || strncmp(why, o->id, strlen(o->id)) != 0 ||
		    strncmp(why + strlen(o->id), ": ", 2) != 0)
			abort();
	}
	rc2 = stixrule_apply(t, o, &again, &label2, why2);
	if (rc2 != rc || label2 != label || strcmp(why, why2) != 0 || out.len != again.len ||
	    (out.len && memcmp(out.p, again.p, out.len) != 0))
		abort();
	buf_free(&out);
	buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pd[] = { "indicator.name", "*.x_contact", "*.description",
		"identity.roles" };
	static const char *const ci[] = { "critical-infrastructure", "energy" };
	static const uint8_t key[STIXRULE_KEY_LEN] = { 1, 2, 3 };
	char why[STIX_WHY_MAX], name[STIXRULE_NAME_MAX], kid[STIXRULE_NAME_MAX];
	struct stixrule_terms t;
	struct stix_doc *d;
	struct buf b;
	status rc;

	fuzz_init();
	memset(&t, 0, sizeof t);
	t.ceiling = size ? (enum tlp)(data[0] % TLP__COUNT) : TLP_RED;
	t.unmarked = TLP_AMBER;
	t.pd_props = pd;
	t.n_pd_props = sizeof pd / sizeof pd[0];
	t.key = key;
	if (stix_read((const char *)data, size, &d, why) == ST_OK) {
		for (size_t i = 0; i < stix_count(d); i++) {
			const struct stix_obj *o = stix_at(d, i);

			if (!o->ok)
				continue;
			for (int p = AGREEMENT_PD_REFUSE; p <= AGREEMENT_PD_ALLOW; p++) {
				t.personal = (enum agreement_personal)p;
				t.ci_allowed = p != AGREEMENT_PD_REFUSE;
				t.ci_labels = p == AGREEMENT_PD_ALLOW ? ci : NULL;
				t.n_ci_labels = p == AGREEMENT_PD_ALLOW ? 2 : 0;
				t.foreign = p == AGREEMENT_PD_PSEUDONYMISE;
				t.onward_ok = p != AGREEMENT_PD_REFUSE;
				t.origin = t.foreign ? "cert-a" : NULL;
				apply(&t, o);
			}
			(void)stixrule_origin(o->json, name, kid);
		}
		stix_free(d);
	}

	buf_init(&b, STIX_BYTES_MAX);
	rc = stixrule_with_origin((const char *)data, size, "cert-a", KID,
	    "2026-11-27T10:00:00.000Z", &b);
	if (rc == ST_OK) {
		json_t *j = json_loadb(b.p, b.len, JSON_REJECT_DUPLICATES, NULL);

		if (!j || stixrule_origin(j, name, kid) != ST_OK || strcmp(name, "cert-a") != 0 ||
		    strcmp(kid, KID) != 0)
			abort();
		json_decref(j);
	} else if (b.len || (rc != ST_PARSE && rc != ST_INVALID && rc != ST_TOOBIG &&
	    rc != ST_NOMEM)) {
		abort();
	}
	buf_free(&b);
	return 0;
}
