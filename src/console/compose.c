/* compose.c - composing and sending (/compose) (console_int.h).
 *
 * Two steps, each a page that works without script:
 *
 *   GET /compose: choose the peer, the link, the template and the
 *   priority.  Each list offers only what some agreement in force with a
 *   pinned peer allows (a link's templates, links.NAME.templates, and its
 *   priorities), and a table says which combinations each peer's
 *   agreements allow, with the link's TLP ceiling.
 *
 *   GET /compose?peer=&link=&template=&priority=: the combination checked
 *   against the agreements in force with that peer (refused: the first
 *   step again, 400, naming the clause), then the template's form: a
 *   control per field, labelled in the officer's language (and in English
 *   when that differs), required ones marked by word and attribute, each
 *   with its rules as help text; and the TLP label, up to the link's
 *   ceiling, the ceiling chosen.
 *
 *   POST /compose: the same combination checked again, the fields read as
 *   a form (fmt/formpost.h) and checked against the template field by
 *   field, the label against the ceiling; then desk_send as the officer
 *   signed in.  A problem: the form again (400) with the values kept, a
 *   summary of every problem at its top linking to the fields, and each
 *   field's own error.  Sent: 303 to the message's page.
 *
 * A reply (GET /compose?reply=ID, POST with the hidden reply field) is the
 * reply template's form for a received item that asks for an answer and
 * has none yet: to the item's peer, on its link, at its priority, naming
 * it: the same signed message as `parley reply`.  Every send is logged
 * with the officer's name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console_int.h"
#include "console/page.h"
#include "console/words.h"
#include "desk/desk.h"
#include "fmt/envelope.h"
#include "fmt/formpost.h"
#include "fmt/tlp.h"
#include "node/node.h"
#include "node/policy.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/stamp.h"

/* A posted form of template fields, URL-encoded: 64 KiB of form as %XX
 * escapes, and room for the rest. */
#define BODY_MAX (3 * TEMPLATE_FORM_MAX + 16384)
#define PAGE_MAX (8u << 20)
#define LINKS_SEEN 64		/* distinct link names the first step lists */
#define PAGE_WHY_MAX 512		/* a page's refusal */

static struct diag_limit lim_refused = DIAG_LIMIT_INIT;

static const struct words words[] = {
	{ { "New message", "Nouveau message" } },
	{ { "Reply", "Réponse" } },
	{ { "Peer", "Partenaire" } },
	{ { "Link", "Liaison" } },
	{ { "Template", "Modèle" } },
	{ { "Templates", "Modèles" } },
	{ { "Priority", "Priorité" } },
	{ { "Priorities", "Priorités" } },
	{ { "Next", "Suivant" } },
	{ { "Send", "Envoyer" } },
	{ { "Send the reply", "Envoyer la réponse" } },
	{ { "Choose the peer, the link, the template and the priority. The lists offer only"
	    " what an agreement in force with a pinned peer allows; the table below says which"
	    " combinations.", "Choisissez le partenaire, la liaison, le modèle et la priorité."
	    " Les listes ne proposent que ce qu'autorise un accord en vigueur avec un partenaire"
	    " épinglé ; le tableau ci-dessous indique quelles combinaisons." } },
	{ { "What the agreements in force allow", "Ce qu'autorisent les accords en vigueur" } },
	{ { "Most restricted TLP label", "Marquage TLP le plus restrictif" } },
	{ { "No agreement in force with a pinned peer lists a template on any link"
	    " (parley agreement list).", "Aucun accord en vigueur avec un partenaire épinglé"
	    " n'inscrit de modèle sur une liaison (parley agreement list)." } },
	{ { "Not allowed:", "Non autorisé :" } },
	{ { "Choose a peer, a link, a template and a priority.",
	    "Choisissez un partenaire, une liaison, un modèle et une priorité." } },
	{ { "To", "À" } },
	{ { "on link", "sur la liaison" } },
	{ { "at priority", "priorité" } },
	{ { "Choose another peer, link, template or priority",
	    "Choisir un autre partenaire, une autre liaison, un autre modèle ou une autre"
	    " priorité" } },
	{ { "In reply to", "En réponse à" } },
	{ { "from", "de" } },
	{ { "required", "obligatoire" } },
	{ { "Choose…", "Choisir…" } },
	{ { "TLP label", "Marquage TLP" } },
	{ { "Error:", "Erreur :" } },
	{ { "The message was not sent. Correct what is named below:",
	    "Le message n'a pas été envoyé. Corrigez ce qui est signalé ci-dessous :" } },
	{ { "Text of %zu to %zu bytes; line breaks are kept.",
	    "Texte de %zu à %zu octets ; les retours à la ligne sont conservés." } },
	{ { "A time in UTC: YYYY-MM-DDTHH:MM:SSZ, for example 2026-11-26T08:00:00Z (the seconds"
	    " and the Z may be left out).", "Une heure en UTC : AAAA-MM-JJTHH:MM:SSZ, par exemple"
	    " 2026-11-26T08:00:00Z (les secondes et le Z peuvent être omis)." } },
	{ { "One of the values listed.", "L'une des valeurs proposées." } },
	{ { "One item per line: 1 to %zu items, each of %zu to %zu bytes.",
	    "Un élément par ligne : de 1 à %zu éléments, chacun de %zu à %zu octets." } },
	{ { "The agreement allows labels up to %s on this link.",
	    "L'accord autorise sur cette liaison les marquages jusqu'à %s." } },
	{ { "item", "élément" } },
	{ { "required, and left empty", "obligatoire, et laissé vide" } },
	{ { "not a TLP 2.0 label", "n'est pas un marquage TLP 2.0" } },
};

#define T(l, en) W(words, (l), (en))

/* ---- the pinned peers ---- */

struct pinned {
	char name[CARD_NAME_MAX + 1];
	char kid[IDENT_KID_LEN];
};

struct pins {
	struct pinned *v;
	size_t n, cap;
	status rc;
};

static int
pin_row(void *arg, const struct store_peer *p)
{
	struct pins *x = arg;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct pinned *v = realloc(x->v, cap * sizeof *v);

		if (!v) {
			x->rc = ST_NOMEM;
			return 1;
		}
		x->v = v;
		x->cap = cap;
	}
	snprintf(x->v[x->n].name, sizeof x->v[0].name, "%s", p->name);
	snprintf(x->v[x->n].kid, sizeof x->v[0].kid, "%s", p->kid);
	x->n++;
	return 0;
}

static int
kid_row(void *arg, const struct store_peer *p)
{
	snprintf(arg, IDENT_KID_LEN, "%s", p->kid);
	return 1;
}

/* ---- what the agreements allow ---- */

/* The terms of one combination with one peer, over its agreements. */
struct terms {
	const char *peer, *link, *tmpl, *prio;
	int reply;		/* a reply: the type allowed (a template listed or not) */
	int named;		/* some agreement names the link */
	int ok;			/* some agreement allows it */
	enum tlp ceiling;	/* the most restricted label one allowing it allows */
	char why[AGREEMENT_WHY_MAX];	/* the first refusal, when none allows it */
};

static int
terms_one(void *arg, const struct agreement *a)
{
	struct terms *x = arg;
	char w[AGREEMENT_WHY_MAX];
	enum tlp max;

	if (agreement_tlp_max(a, x->link, &max) != ST_OK)
		return 0;
	x->named = 1;
	if (!x->reply && !agreement_template_ok(a, x->link, x->tmpl)) {
		snprintf(w, sizeof w, "links.%s.templates does not include \"%s\"", x->link,
		    x->tmpl);
	} else if (agreement_allows(a, x->link, x->tmpl, x->prio, 0, TLP_CLEAR, w) == ST_OK) {
		if (!x->ok || max > x->ceiling)
			x->ceiling = max;
		x->ok = 1;
		return 0;
	}
	if (!x->why[0])
		snprintf(x->why, sizeof x->why, "%s", w);
	return 0;
}

/* terms - may this node send a tmpl form to the peer (kid) on link at
 * prio?  x->ok, x->ceiling; else x->why names the clause. */
static void
terms(struct console *c, const char *kid, struct terms *x)
{
	struct policy *p = node_policy(console_node(c));

	x->named = x->ok = 0;
	x->ceiling = TLP_CLEAR;
	x->why[0] = '\0';
	if (p)
		policy_in_force(p, kid, stamp_now_ms(), terms_one, x);
	if (!x->ok && !x->named)
		snprintf(x->why, sizeof x->why, "no agreement in force with %s names link %s"
		    " (parley agreement list)", x->peer, x->link);
}

/* What the first step offers: every combination some agreement allows. */
struct offer {
	enum template_lang l;
	const char *peer;	/* the peer being looked at */
	struct buf *rows;	/* the table's rows */
	int peer_any;		/* the peer has some combination */
	char links[LINKS_SEEN][ENV_LINK_MAX + 1];
	size_t n_links;
	unsigned long tmpls;	/* bit i: template_at(i) */
	unsigned prios;		/* bit i: envelope_priorities[i] */
	status rc;
};

/* offered - 1 for a template a new message may be: not a reply (that is
 * an answer to an item: /compose?reply=ID), nor a communication check
 * (the checks page runs those, as the desk's schedule does). */
static int
offered(const struct template *t)
{
	const char *name = template_name(t);

	return strcmp(name, "reply") != 0 && strcmp(name, "comm-check") != 0;
}

static status
row(struct offer *o, const char *link, unsigned long tm, unsigned pm, enum tlp max)
{
	struct buf *b = o->rows;
	const char *sep = "";
	status rc = buf_adds(b, "<tr><td>");

	if (!rc)
		rc = page_text(b, o->peer);
	if (!rc)
		rc = buf_adds(b, "</td><td>");
	if (!rc)
		rc = page_text(b, link);
	if (!rc)
		rc = buf_adds(b, "</td><td>");
	for (size_t i = 0; !rc && i < template_count() && i < 8 * sizeof tm; i++)
		if (tm & 1ul << i) {
			rc = buf_adds(b, sep);
			if (!rc)
				rc = page_text(b, template_title(template_at(i), o->l));
			sep = ", ";
		}
	if (!rc)
		rc = buf_adds(b, "</td><td>");
	sep = "";
	for (size_t i = 0; !rc && envelope_priorities[i]; i++)
		if (pm & 1u << i) {
			rc = buf_addf(b, "%s%s", sep, T(o->l, envelope_priorities[i]));
			sep = ", ";
		}
	return rc ? rc : buf_addf(b, "</td><td>%s</td></tr>\n", tlp_name(max));
}

static int
offer_one(void *arg, const struct agreement *a)
{
	struct offer *o = arg;

	for (size_t j = 0; j < agreement_n_links(a) && !o->rc; j++) {
		const char *link = agreement_link_at(a, j);
		const char *first = NULL;
		unsigned long tm = 0;
		unsigned pm = 0;
		char w[AGREEMENT_WHY_MAX];
		enum tlp max;
		size_t k;

		if (agreement_tlp_max(a, link, &max) != ST_OK)
			continue;
		for (size_t i = 0; i < template_count() && i < 8 * sizeof tm; i++) {
			const struct template *t = template_at(i);

			if (offered(t) && agreement_template_ok(a, link, template_name(t))) {
				tm |= 1ul << i;
				if (!first)
					first = template_name(t);
			}
		}
		for (size_t i = 0; first && envelope_priorities[i]; i++)
			if (agreement_allows(a, link, first, envelope_priorities[i], 0, TLP_CLEAR, w) == ST_OK)
				pm |= 1u << i;
		if (!tm || !pm)
			continue;
		o->peer_any = 1;
		o->tmpls |= tm;
		o->prios |= pm;
		for (k = 0; k < o->n_links && strcmp(o->links[k], link) != 0; k++)
			;
		if (k == o->n_links && k < LINKS_SEEN)
			snprintf(o->links[o->n_links++], sizeof o->links[0], "%s", link);
		o->rc = row(o, link, tm, pm, max);
	}
	return o->rc != ST_OK;
}

/* ---- pages ---- */

static status
option(struct buf *b, const char *value, const char *shown, const char *sel)
{
	status rc = buf_adds(b, "<option value=\"");

	if (!rc)
		rc = page_text(b, value);
	if (!rc)
		rc = buf_addf(b, "\"%s>", sel && strcmp(sel, value) == 0 ? " selected" : "");
	if (!rc)
		rc = page_text(b, shown);
	return rc ? rc : buf_adds(b, "</option>");
}

static status
select_open(struct buf *b, enum template_lang l, const char *id, const char *label)
{
	return buf_addf(b, "<label for=\"%s\">%s</label>\n<select id=\"%s\" name=\"%s\""
	    " required>", id, T(l, label), id, id);
}

/* step_one - the first step's page (st; why: what refused the last
 * choice, NULL none), the lists preselecting what the query named. */
static void
step_one(struct console *c, const struct console_session *s, struct http_req *r, status st,
    const char *why)
{
	enum template_lang l = s->lang;
	const char *sel_peer = http_req_query(r, "peer"), *sel_link = http_req_query(r, "link");
	const char *sel_tmpl = http_req_query(r, "template");
	const char *sel_prio = http_req_query(r, "priority");
	struct pins pins;
	struct offer o;
	struct buf b, rows, peers;
	struct policy *p = node_policy(console_node(c));
	status rc;

	if (http_req_method(r) == HTTP_POST) {
		sel_peer = http_req_form(r, "peer");
		sel_link = http_req_form(r, "link");
		sel_tmpl = http_req_form(r, "template");
		sel_prio = http_req_form(r, "priority");
	}
	memset(&pins, 0, sizeof pins);
	memset(&o, 0, sizeof o);
	buf_init(&b, PAGE_MAX);
	buf_init(&rows, PAGE_MAX);
	buf_init(&peers, PAGE_MAX);
	o.l = l;
	o.rows = &rows;
	rc = store_peer_list(node_store(console_node(c)), pin_row, &pins);
	if (!rc)
		rc = pins.rc;
	for (size_t i = 0; !rc && i < pins.n; i++) {
		o.peer = pins.v[i].name;
		o.peer_any = 0;
		if (p)
			policy_in_force(p, pins.v[i].kid, stamp_now_ms(), offer_one, &o);
		rc = o.rc;
		if (!rc && o.peer_any)
			rc = option(&peers, pins.v[i].name, pins.v[i].name, sel_peer);
	}
	if (!rc)
		rc = page_begin(&b, l, PAGE_COMPOSE, NULL, T(l, "New message"), s->officer,
		    s->csrf);
	if (!rc)
		rc = buf_addf(&b, "<h1>%s</h1>\n", T(l, "New message"));
	if (!rc && why) {
		rc = buf_addf(&b, "<p class=\"error\" role=\"alert\" id=\"refused\">%s ",
		    T(l, "Not allowed:"));
		if (!rc)
			rc = page_text(&b, why);
		if (!rc)
			rc = buf_adds(&b, "</p>\n");
	}
	if (!rc && !rows.len)
		rc = buf_addf(&b, "<p>%s</p>\n", T(l, "No agreement in force with a pinned peer"
		    " lists a template on any link (parley agreement list)."));
	if (!rc && rows.len) {
		rc = buf_addf(&b, "<p>%s</p>\n<form method=\"get\" action=\"/compose\""
		    " id=\"choose\">\n",
		    T(l, "Choose the peer, the link, the template and the priority. The lists offer"
		    " only what an agreement in force with a pinned peer allows; the table below"
		    " says which combinations."));
		if (!rc)
			rc = select_open(&b, l, "peer", "Peer");
		if (!rc)
			rc = buf_add(&b, peers.p, peers.len);
		if (!rc)
			rc = buf_adds(&b, "</select>\n");
		if (!rc)
			rc = select_open(&b, l, "link", "Link");
		for (size_t i = 0; !rc && i < o.n_links; i++)
			rc = option(&b, o.links[i], o.links[i], sel_link);
		if (!rc)
			rc = buf_adds(&b, "</select>\n");
		if (!rc)
			rc = select_open(&b, l, "template", "Template");
		for (size_t i = 0; !rc && i < template_count() && i < 8 * sizeof o.tmpls; i++)
			if (o.tmpls & 1ul << i)
				rc = option(&b, template_name(template_at(i)),
				    template_title(template_at(i), l), sel_tmpl);
		if (!rc)
			rc = buf_adds(&b, "</select>\n");
		if (!rc)
			rc = select_open(&b, l, "priority", "Priority");
		for (size_t i = 0; !rc && envelope_priorities[i]; i++)
			if (o.prios & 1u << i)
				rc = option(&b, envelope_priorities[i], T(l, envelope_priorities[i]), sel_prio);
		if (!rc)
			rc = buf_addf(&b, "</select>\n<p><button type=\"submit\">%s</button></p>\n"
			    "</form>\n<table id=\"allowed\">\n<caption>%s</caption>\n<thead><tr>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
			    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
			    T(l, "Next"), T(l, "What the agreements in force allow"), T(l, "Peer"),
			    T(l, "Link"), T(l, "Templates"), T(l, "Priorities"),
			    T(l, "Most restricted TLP label"));
		if (!rc)
			rc = buf_add(&b, rows.p, rows.len);
		if (!rc)
			rc = buf_adds(&b, "</tbody>\n</table>\n");
	}
	if (!rc)
		rc = page_end(&b);
	if (rc)
		console_fail(r, s, rc == ST_DB ? ST_DB : ST_NOMEM, "The page cannot be made now.");
	else
		console_html(r, st, &b);
	free(pins.v);
	buf_free(&b);
	buf_free(&rows);
	buf_free(&peers);
}

/* ---- the item a reply answers ---- */

struct item {
	char msg[STAMP_UUID_LEN], peer[CARD_NAME_MAX + 1], link[ENV_LINK_MAX + 1];
	char prio[ENV_PRIO_MAX + 1], tmpl[ENV_TYPE_MAX + 1], subject[ENV_SUBJECT_MAX + 1];
	char reply_msg[STAMP_UUID_LEN];
	int out, expects_reply;
	int64_t reply_ms;
};

static int
item_row(void *arg, const struct store_desk_item *it)
{
	struct item *x = arg;

	snprintf(x->msg, sizeof x->msg, "%s", it->msg);
	snprintf(x->peer, sizeof x->peer, "%s", it->peer);
	snprintf(x->link, sizeof x->link, "%s", it->link);
	snprintf(x->prio, sizeof x->prio, "%s", it->priority);
	snprintf(x->tmpl, sizeof x->tmpl, "%s", it->tmpl);
	snprintf(x->subject, sizeof x->subject, "%s", it->subject);
	snprintf(x->reply_msg, sizeof x->reply_msg, "%s", it->reply_msg ? it->reply_msg : "");
	x->out = it->out;
	x->expects_reply = it->expects_reply;
	x->reply_ms = it->reply_ms;
	return 1;
}

/* answerable - the received item id that asks for an answer and has none,
 * into *x: ST_OK, or why (an error status). */
static status
answerable(struct console *c, const char *id, struct item *x, char why[static PAGE_WHY_MAX])
{
	status rc;

	memset(x, 0, sizeof *x);
	if (!stamp_is_uuid(id)) {
		snprintf(why, PAGE_WHY_MAX, "The reply names no message: a message id is a UUID.");
		return ST_INVALID;
	}
	rc = store_desk_item_get(node_store(console_node(c)), id, item_row, x);
	if (rc == ST_NOTFOUND) {
		snprintf(why, PAGE_WHY_MAX, "No formal message on the desk has the id %s: there is"
		    " nothing to reply to.", id);
		return ST_NOTFOUND;
	}
	if (rc) {
		snprintf(why, PAGE_WHY_MAX, "The desk cannot be read now.");
		return rc;
	}
	if (x->out) {
		snprintf(why, PAGE_WHY_MAX, "Message %s was sent by this desk, to %s: only a"
		    " message received is replied to.", id, x->peer);
		return ST_INVALID;
	}
	if (x->reply_ms) {
		snprintf(why, PAGE_WHY_MAX, "Message %s from %s has been answered already%s%s.", id,
		    x->peer, x->reply_msg[0] ? ", by message " : "", x->reply_msg);
		return ST_CONFLICT;
	}
	if (!x->expects_reply) {
		snprintf(why, PAGE_WHY_MAX, "Message %s from %s (%s) does not ask for an answer.",
		    id, x->peer, x->tmpl);
		return ST_INVALID;
	}
	return ST_OK;
}

/* ---- the form ---- */

/* What a form's page is about. */
struct compose {
	struct console *c;
	struct console_session *s;
	struct http_req *r;
	int post;
	const struct template *t;
	char peer[CARD_NAME_MAX + 1], kid[IDENT_KID_LEN];
	char link[ENV_LINK_MAX + 1], prio[ENV_PRIO_MAX + 1];
	struct item it;		/* a reply: the item it answers */
	int reply;
	enum tlp ceiling;
	enum tlp tlp;		/* the label chosen */
	struct formpost res;	/* the fields' problems */
	char tlp_why[PAGE_WHY_MAX];	/* the label's problem; "" none */
	char why[PAGE_WHY_MAX];	/* a refusal of the send; "" none */
};

/* posted - the value the form posted for field name (arg: the request). */
static const char *
posted(void *arg, const char *name)
{
	char key[80];

	snprintf(key, sizeof key, "f_%s", name);
	return http_req_form(arg, key);
}

/* label - field i's label in l, and in English after it when that differs. */
static status
label(struct buf *b, const struct template *t, size_t i, enum template_lang l)
{
	const char *mine = template_field_label(t, i, l), *en = template_field_label(t, i,
	    TEMPLATE_EN);
	status rc = page_text(b, mine);

	if (!rc && strcmp(mine, en) != 0) {
		rc = buf_adds(b, " <span lang=\"en\">(");
		if (!rc)
			rc = page_text(b, en);
		if (!rc)
			rc = buf_adds(b, ")</span>");
	}
	return rc;
}

/* problem - what why (a field's, path first) says, for a person in l:
 * the path made "item N" for a list's element, the rule in l's words
 * where the console has them. */
static status
problem(struct buf *b, const struct template *t, size_t i, const char *why,
    enum template_lang l)
{
	static const struct { const char *en, *fr; } rules[] = {
		{ "empty list", "liste vide" },
		{ "empty", "vide" },
		{ "not valid UTF-8", "pas de l'UTF-8 valide" },
		{ "not a time", "pas une heure UTC (AAAA-MM-JJTHH:MM:SSZ)" },
		{ "not one of ", "pas l'une des valeurs : " },
		{ "longer than ", "plus de " },
		{ "more than ", "plus de " },
		{ "control character at byte ", "caractère de contrôle à l'octet " },
	};
	size_t n = strlen(template_field_name(t, i));
	const char *rest = why + n;
	status rc = ST_OK;

	if (*rest == '[') {
		char *end = NULL;
		unsigned long k = strtoul(rest + 1, &end, 10);

		if (end && *end == ']') {
			rc = buf_addf(b, "%s %lu: ", T(l, "item"), k + 1);
			rest = end + 1;
		}
	}
	if (rest[0] == ':' && rest[1] == ' ')
		rest += 2;
	if (!rc && strcmp(rest, "missing") == 0)
		return buf_adds(b, T(l, "required, and left empty"));
	for (size_t j = 0; !rc && l == TEMPLATE_FR && j < sizeof rules / sizeof rules[0]; j++) {
		size_t k = strlen(rules[j].en);

		if (strncmp(rest, rules[j].en, k) == 0) {
			const char *tail = rest + k;

			rc = buf_adds(b, rules[j].fr);
			if (strcmp(rules[j].en, "not a time") == 0)
				tail = "";
			if (!rc && *tail) {
				/* "2000 bytes", "20 elements": the number, then the unit */
				char *end = NULL;
				unsigned long num = strtoul(tail, &end, 10);

				if (end && end != tail && strcmp(end, " bytes") == 0)
					return buf_addf(b, "%lu octets", num);
				if (end && end != tail && strcmp(end, " elements") == 0)
					return buf_addf(b, "%lu éléments", num);
				return page_text(b, tail);
			}
			return rc;
		}
	}
	return rc ? rc : page_text(b, rest);
}

static status
help(struct buf *b, const struct template *t, size_t i, enum template_lang l)
{
	switch (template_field_type(t, i)) {
	case TEMPLATE_TEXT:
		return buf_addf(b, T(l, "Text of %zu to %zu bytes; line breaks are kept."),
		    template_field_min(t, i), template_field_max(t, i));
	case TEMPLATE_TIME:
		return buf_adds(b, T(l, "A time in UTC: YYYY-MM-DDTHH:MM:SSZ, for example"
		    " 2026-11-26T08:00:00Z (the seconds and the Z may be left out)."));
	case TEMPLATE_CHOICE:
		return buf_adds(b, T(l, "One of the values listed."));
	case TEMPLATE_LIST:
		return buf_addf(b, T(l, "One item per line: 1 to %zu items, each of %zu to %zu"
		    " bytes."), template_field_items_max(t, i), template_field_min(t, i),
		    template_field_max(t, i));
	}
	return ST_OK;
}

/* shown - a value as posted, its line ends made LF, escaped. */
static status
shown(struct buf *b, const char *v)
{
	struct buf lines;
	status rc;

	buf_init(&lines, BODY_MAX);
	rc = formpost_lines(&lines, v);
	if (!rc)
		rc = page_text(b, buf_str(&lines));
	buf_free(&lines);
	return rc;
}

/* field - field i's control: its label, help, error and input. */
static status
field(struct buf *b, const struct compose *x, size_t i)
{
	const struct template *t = x->t;
	const char *name = template_field_name(t, i);
	const char *v = x->post ? posted(x->r, name) : NULL;
	const char *why = i < FORMPOST_FIELDS_MAX ? x->res.why[i] : "";
	int req = template_field_required(t, i);
	enum template_lang l = x->s->lang;
	status rc;

	rc = buf_addf(b, "<div class=\"field%s\">\n<label for=\"f_%s\">", why[0] ? " invalid" : "",
	    name);
	if (!rc)
		rc = label(b, t, i, l);
	if (!rc && req)
		rc = buf_addf(b, " <strong class=\"req\">(%s)</strong>", T(l, "required"));
	if (!rc)
		rc = buf_addf(b, "</label>\n<p class=\"help\" id=\"h_%s\">", name);
	if (!rc)
		rc = help(b, t, i, l);
	if (!rc)
		rc = buf_adds(b, "</p>\n");
	if (!rc && why[0]) {
		rc = buf_addf(b, "<p class=\"error\" id=\"e_%s\"><span class=\"visually-hidden\">"
		    "%s</span> ", name, T(l, "Error:"));
		if (!rc)
			rc = problem(b, t, i, why, l);
		if (!rc)
			rc = buf_adds(b, "</p>\n");
	}
	if (rc)
		return rc;
	switch (template_field_type(t, i)) {
	case TEMPLATE_TEXT:
	case TEMPLATE_LIST:
		rc = buf_addf(b, "<textarea id=\"f_%s\" name=\"f_%s\" rows=\"%d\" cols=\"60\"",
		    name, name, template_field_type(t, i) == TEMPLATE_LIST ? 4 :
		    template_field_max(t, i) > 1000 ? 6 : 3);
		break;
	case TEMPLATE_TIME:
		rc = buf_addf(b, "<input type=\"text\" id=\"f_%s\" name=\"f_%s\""
		    " autocomplete=\"off\" placeholder=\"YYYY-MM-DDTHH:MM:SSZ\" size=\"24\"", name,
		    name);
		break;
	case TEMPLATE_CHOICE:
		rc = buf_addf(b, "<select id=\"f_%s\" name=\"f_%s\"", name, name);
		break;
	}
	if (!rc)
		rc = buf_addf(b, " aria-describedby=\"h_%s%s%s\"%s%s", name, why[0] ? " e_" : "",
		    why[0] ? name : "", why[0] ? " aria-invalid=\"true\"" : "",
		    req ? " required" : "");
	if (rc)
		return rc;
	switch (template_field_type(t, i)) {
	case TEMPLATE_TEXT:
	case TEMPLATE_LIST:
		/* a textarea drops a first line break: one of ours goes first */
		rc = buf_adds(b, ">\n");
		if (!rc)
			rc = shown(b, v);
		if (!rc)
			rc = buf_adds(b, "</textarea>\n");
		break;
	case TEMPLATE_TIME:
		rc = buf_adds(b, " value=\"");
		if (!rc)
			rc = page_text(b, v);
		if (!rc)
			rc = buf_adds(b, "\">\n");
		break;
	case TEMPLATE_CHOICE:
		rc = buf_adds(b, ">");
		if (!rc)
			rc = option(b, "", T(l, "Choose…"), v ? v : "");
		for (const char *const *ch = template_field_choices(t, i); !rc && *ch; ch++)
			rc = option(b, *ch, *ch, v);
		if (!rc)
			rc = buf_adds(b, "</select>\n");
		break;
	}
	return rc ? rc : buf_adds(b, "</div>\n");
}

/* item_li - a problem of the form as a whole, in the summary. */
static status
item_li(struct buf *b, const char *why)
{
	status rc = buf_adds(b, "<li>");

	if (!rc)
		rc = page_text(b, why);
	return rc ? rc : buf_adds(b, "</li>\n");
}

/* summary - the problems at the top of the form, each a link to its field. */
static status
summary(struct buf *b, const struct compose *x)
{
	enum template_lang l = x->s->lang;
	status rc = buf_addf(b, "<div class=\"summary\" role=\"alert\" id=\"problems\">\n"
	    "<p><strong>%s</strong></p>\n<ul>\n",
	    T(l, "The message was not sent. Correct what is named below:"));

	for (size_t i = 0; !rc && i < template_n_fields(x->t) && i < FORMPOST_FIELDS_MAX; i++) {
		if (!x->res.why[i][0])
			continue;
		rc = buf_addf(b, "<li><a href=\"#f_%s\">", template_field_name(x->t, i));
		if (!rc)
			rc = page_text(b, template_field_label(x->t, i, l));
		if (!rc)
			rc = buf_adds(b, ": ");
		if (!rc)
			rc = problem(b, x->t, i, x->res.why[i], l);
		if (!rc)
			rc = buf_adds(b, "</a></li>\n");
	}
	if (!rc && x->tlp_why[0]) {
		rc = buf_addf(b, "<li><a href=\"#tlp\">%s: ", T(l, "TLP label"));
		if (!rc)
			rc = page_text(b, x->tlp_why);
		if (!rc)
			rc = buf_adds(b, "</a></li>\n");
	}
	if (!rc && x->res.form_why[0])
		rc = item_li(b, x->res.form_why);
	if (!rc && x->why[0])
		rc = item_li(b, x->why);
	return rc ? rc : buf_adds(b, "</ul>\n</div>\n");
}

static status
hidden(struct buf *b, const char *name, const char *value)
{
	status rc = buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);

	if (!rc)
		rc = page_text(b, value);
	return rc ? rc : buf_adds(b, "\">\n");
}

/* form_page - the template's form for x, with its problems (st an error)
 * or none (ST_OK). */
static void
form_page(struct compose *x, status st)
{
	enum template_lang l = x->s->lang;
	const char *title = T(l, x->reply ? "Reply" : "New message");
	int bad = x->res.n_bad || x->tlp_why[0] || x->why[0];
	char head[256];
	struct buf b;
	status rc;

	buf_init(&b, PAGE_MAX);
	/* "New message: Incident notification"; a reply's template is the
	 * reply, said once: "Reply" */
	snprintf(head, sizeof head, "%s%s%s%s%s", bad ? T(l, "Error:") : "", bad ? " " : "", title,
	    x->reply ? "" : ": ", x->reply ? "" : template_title(x->t, l));
	rc = page_begin(&b, l, PAGE_COMPOSE, NULL, head, x->s->officer, x->s->csrf);
	if (!rc)
		rc = buf_addf(&b, "<h1>%s", title);
	if (!rc && !x->reply) {
		rc = buf_adds(&b, ": ");
		if (!rc)
			rc = page_text(&b, template_title(x->t, l));
	}
	if (!rc)
		rc = buf_adds(&b, "</h1>\n");
	if (!rc && bad)
		rc = summary(&b, x);
	if (!rc && x->reply) {
		rc = buf_addf(&b, "<p class=\"answers\">%s <a href=\"/message/%s\">",
		    T(l, "In reply to"), x->it.msg);
		if (!rc)
			rc = page_text(&b, x->it.subject[0] ? x->it.subject : x->it.msg);
		if (!rc)
			rc = buf_addf(&b, "</a> (%s ", T(l, "from"));
		if (!rc)
			rc = page_text(&b, x->it.peer);
		if (!rc)
			rc = buf_adds(&b, ", ");
		if (!rc)
			rc = page_text(&b, template_find(x->it.tmpl) ?
			    template_title(template_find(x->it.tmpl), l) : x->it.tmpl);
		if (!rc)
			rc = buf_adds(&b, ")</p>\n");
	}
	if (!rc)
		rc = buf_addf(&b, "<p class=\"route\">%s <strong>", T(l, "To"));
	if (!rc)
		rc = page_text(&b, x->peer);
	if (!rc)
		rc = buf_addf(&b, "</strong> %s <strong>", T(l, "on link"));
	if (!rc)
		rc = page_text(&b, x->link);
	if (!rc)
		rc = buf_addf(&b, "</strong>, %s <span class=\"prio prio-%s\">%s</span>", T(l,
		    "at priority"), x->prio, T(l, x->prio));
	if (!rc && !x->reply)
		rc = buf_addf(&b, " &middot; <a href=\"/compose\">%s</a>",
		    T(l, "Choose another peer, link, template or priority"));
	if (!rc)
		rc = buf_adds(&b, "</p>\n<form method=\"post\" action=\"/compose\""
		    " id=\"compose\">\n");
	if (!rc)
		rc = page_csrf(&b, x->s->csrf);
	if (!rc)
		rc = buf_adds(&b, "\n");
	if (!rc && x->reply)
		rc = hidden(&b, "reply", x->it.msg);
	if (!rc && !x->reply) {
		rc = hidden(&b, "peer", x->peer);
		if (!rc)
			rc = hidden(&b, "link", x->link);
		if (!rc)
			rc = hidden(&b, "template", template_name(x->t));
		if (!rc)
			rc = hidden(&b, "priority", x->prio);
	}
	for (size_t i = 0; !rc && i < template_n_fields(x->t); i++)
		rc = field(&b, x, i);
	if (!rc)
		rc = buf_addf(&b, "<div class=\"field%s\">\n<label for=\"tlp\">%s"
		    " <strong class=\"req\">(%s)</strong></label>\n<p class=\"help\" id=\"h_tlp\">",
		    x->tlp_why[0] ? " invalid" : "", T(l, "TLP label"), T(l, "required"));
	if (!rc)
		rc = buf_addf(&b, T(l, "The agreement allows labels up to %s on this link."),
		    tlp_name(x->ceiling));
	if (!rc)
		rc = buf_adds(&b, "</p>\n");
	if (!rc && x->tlp_why[0]) {
		rc = buf_addf(&b, "<p class=\"error\" id=\"e_tlp\"><span class=\"visually-hidden\">"
		    "%s</span> ", T(l, "Error:"));
		if (!rc)
			rc = page_text(&b, x->tlp_why);
		if (!rc)
			rc = buf_adds(&b, "</p>\n");
	}
	if (!rc)
		rc = buf_addf(&b, "<select id=\"tlp\" name=\"tlp\" aria-describedby=\"h_tlp%s\"%s"
		    " required>", x->tlp_why[0] ? " e_tlp" : "", x->tlp_why[0] ?
		    " aria-invalid=\"true\"" : "");
	for (int i = 0; !rc && i <= (int)x->ceiling; i++)
		rc = option(&b, tlp_name((enum tlp)i), tlp_name((enum tlp)i),
		    tlp_name(x->tlp <= x->ceiling ? x->tlp : x->ceiling));
	if (!rc)
		rc = buf_addf(&b, "</select>\n</div>\n<p><button type=\"submit\">%s</button></p>\n"
		    "</form>\n", T(l, x->reply ? "Send the reply" : "Send"));
	if (!rc)
		rc = page_end(&b);
	if (rc)
		console_fail(x->r, x->s, ST_NOMEM, "The page cannot be made now.");
	else
		console_html(x->r, st, &b);
	buf_free(&b);
}

/* param - a value of the request: the form's on a POST, the query's else. */
static const char *
param(struct http_req *r, int post, const char *name)
{
	return post ? http_req_form(r, name) : http_req_query(r, name);
}

/* choose - x's peer, link, template and priority from the request,
 * checked against the agreements in force with the peer: ST_OK, or the
 * request answered (the first step again, naming what refused it). */
static status
choose(struct compose *x, struct terms *tm)
{
	const char *peer = param(x->r, x->post, "peer"), *link = param(x->r, x->post, "link");
	const char *tmpl = param(x->r, x->post, "template");
	const char *prio = param(x->r, x->post, "priority");
	char why[PAGE_WHY_MAX];
	status rc;

	if (!x->post && !peer && !link && !tmpl && !prio) {
		step_one(x->c, x->s, x->r, ST_OK, NULL);
		return ST_INVALID;
	}
	if (!peer || !link || !tmpl || !prio || !peer[0] || !link[0] || !tmpl[0] || !prio[0]) {
		step_one(x->c, x->s, x->r, ST_INVALID, T(x->s->lang,
		    "Choose a peer, a link, a template and a priority."));
		return ST_INVALID;
	}
	why[0] = '\0';
	if (!card_name_ok(peer))
		snprintf(why, sizeof why, "no pinned peer has that name");
	else if (!envelope_link_ok(link))
		snprintf(why, sizeof why, "not a link's name");
	else if (!envelope_priority_ok(prio))
		snprintf(why, sizeof why, "not a priority (flash, immediate, priority, routine)");
	else if (!(x->t = template_find(tmpl)))
		snprintf(why, sizeof why, "no template named %.64s (parley templates)", tmpl);
	else if (!offered(x->t))
		snprintf(why, sizeof why, "%s", strcmp(tmpl, "reply") == 0 ?
		    "a reply answers a message: use Reply on the board" :
		    "a communication check is run from the Checks page");
	if (!why[0]) {
		rc = store_peer_find(node_store(console_node(x->c)), peer, NULL, kid_row, x->kid);
		if (rc == ST_NOTFOUND)
			snprintf(why, sizeof why, "%s is not a pinned peer (parley peer list)",
			    peer);
		else if (rc) {
			console_fail(x->r, x->s, rc, "The peers cannot be read now.");
			return rc;
		}
	}
	if (why[0]) {
		step_one(x->c, x->s, x->r, ST_INVALID, why);
		return ST_INVALID;
	}
	snprintf(x->peer, sizeof x->peer, "%s", peer);
	snprintf(x->link, sizeof x->link, "%s", link);
	snprintf(x->prio, sizeof x->prio, "%s", prio);
	memset(tm, 0, sizeof *tm);
	tm->peer = x->peer;
	tm->link = x->link;
	tm->tmpl = template_name(x->t);
	tm->prio = x->prio;
	terms(x->c, x->kid, tm);
	if (!tm->ok) {
		snprintf(why, sizeof why, "the agreements in force with %s do not allow it: %s",
		    x->peer, tm->why);
		step_one(x->c, x->s, x->r, ST_INVALID, why);
		return ST_INVALID;
	}
	return ST_OK;
}

/* replying - x as the reply to the item the request names: ST_OK, or the
 * request answered (a page naming why not). */
static status
replying(struct compose *x, const char *id, struct terms *tm)
{
	char why[PAGE_WHY_MAX];
	status rc = answerable(x->c, id, &x->it, why);

	if (!rc) {
		rc = store_peer_find(node_store(console_node(x->c)), x->it.peer, NULL, kid_row,
		    x->kid);
		if (rc == ST_NOTFOUND)
			snprintf(why, sizeof why, "%s, who sent message %s, is no longer a pinned"
			    " peer.", x->it.peer, x->it.msg);
		else if (rc)
			snprintf(why, sizeof why, "The peers cannot be read now.");
	}
	if (rc) {
		console_fail(x->r, x->s, rc, why);
		return rc;
	}
	x->reply = 1;
	x->t = template_find("reply");
	snprintf(x->peer, sizeof x->peer, "%s", x->it.peer);
	snprintf(x->link, sizeof x->link, "%s", x->it.link);
	snprintf(x->prio, sizeof x->prio, "%s", x->it.prio);
	memset(tm, 0, sizeof *tm);
	tm->peer = x->peer;
	tm->link = x->link;
	tm->tmpl = "reply";
	tm->prio = x->prio;
	tm->reply = 1;
	terms(x->c, x->kid, tm);
	if (!tm->ok) {
		snprintf(why, sizeof why, "The agreements in force with %s do not allow a reply to"
		    " message %s: %s", x->peer, x->it.msg, tm->why);
		console_fail(x->r, x->s, ST_INVALID, why);
		return ST_INVALID;
	}
	return ST_OK;
}

/* refusal - the status a page shows for desk_send's rc: what the request
 * asked for is refused (400), or the node cannot now (its own). */
static status
refusal(status rc)
{
	switch (rc) {
	case ST_INVALID: case ST_PARSE: case ST_TOOBIG: case ST_LINK: case ST_NOTFOUND:
	case ST_BREACH: case ST_UNKNOWN_KEY:
		return ST_INVALID;
	default:
		return rc;
	}
}

/* send_form - x's form as posted: checked, then sent; the form again with its
 * problems, or 303 to the message's page. */
static void
send_form(struct compose *x)
{
	const char *tlp = http_req_form(x->r, "tlp"), *why = NULL;
	struct desk_send req;
	char id[STAMP_UUID_LEN];
	struct buf form;
	status rc;

	buf_init(&form, TEMPLATE_FORM_MAX + 1);
	rc = formpost_read(x->t, posted, x->r, &form, &x->res);
	if (rc == ST_NOMEM) {
		buf_free(&form);
		console_fail(x->r, x->s, ST_NOMEM, "The form cannot be read now.");
		return;
	}
	x->tlp = x->ceiling;
	if (tlp && tlp[0] && tlp_parse(tlp, &x->tlp) != ST_OK) {
		snprintf(x->tlp_why, sizeof x->tlp_why, "%s: TLP:CLEAR, TLP:GREEN, TLP:AMBER,"
		    " TLP:AMBER+STRICT, TLP:RED", T(x->s->lang, "not a TLP 2.0 label"));
		x->tlp = x->ceiling;
	} else if (x->tlp > x->ceiling) {
		/* the words of the clause, as the agreement's check gives them */
		snprintf(x->tlp_why, sizeof x->tlp_why, "links.%s.tlp_max is %s; the message is %s",
		    x->link, tlp_name(x->ceiling), tlp_name(x->tlp));
	}
	if (rc || x->tlp_why[0]) {
		buf_free(&form);
		form_page(x, ST_INVALID);
		return;
	}
	memset(&req, 0, sizeof req);
	req.peer = x->peer;
	req.link = x->link;
	req.tmpl = template_name(x->t);
	req.priority = x->prio;
	req.tlp = tlp_name(x->tlp);
	req.form = buf_str(&form);
	req.form_len = form.len;
	req.in_reply_to = x->reply ? x->it.msg : NULL;
	req.officer = x->s->officer;
	rc = desk_send(console_desk(x->c), &req, id, &why);
	buf_free(&form);
	if (rc) {
		snprintf(x->why, sizeof x->why, "%s", why ? why : status_str(rc));
		diag_warn_limit(&lim_refused, "console: %s could not send %s to %s: %s",
		    x->s->officer, template_name(x->t), x->peer, x->why);
		form_page(x, refusal(rc));
		return;
	}
	diag_info("console: %s sent %s to %s (%s)", x->s->officer, id, x->peer,
	    template_name(x->t));
	{
		char where[64];

		snprintf(where, sizeof where, "/message/%s", id);
		console_see_other(x->r, where);
	}
}

static void
on_compose(void *arg, struct http_req *r)
{
	struct compose *x = calloc(1, sizeof *x);
	struct terms tm;
	const char *reply;

	if (!x) {
		http_reply_error(r, ST_NOMEM, "out of memory");
		return;
	}
	x->c = arg;
	x->r = r;
	x->post = http_req_method(r) == HTTP_POST;
	if (!(x->s = console_enter(x->c, r, x->post))) {
		free(x);
		return;	/* answered: r is gone */
	}
	reply = param(r, x->post, "reply");
	if (reply ? replying(x, reply, &tm) : choose(x, &tm)) {
		free(x);
		return;	/* answered */
	}
	x->ceiling = x->tlp = tm.ceiling;
	if (x->post)
		send_form(x);
	else
		form_page(x, ST_OK);
	free(x);
}

status
compose_routes(struct console *c)
{
	return console_route(c, HTTP_GET | HTTP_POST, "/compose", BODY_MAX, on_compose, c);
}
