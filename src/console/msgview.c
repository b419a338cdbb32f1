/* msgview.c - the message page: one message sent or received, and its
 * evidence bundle to download (console_int.h).
 *
 * GET /message/ID shows a message this node sent or received, verified
 * again with the key it was exchanged under (desk/deskview.h, as `parley
 * show` does): its priority, peer, link and subject; a formal message
 * rendered from its template, each field's label in the officer's
 * language and in the peer's (the first of the languages its desk contact
 * lists that the templates have; English when it lists none) side by
 * side, each value as written; every time in UTC and at both desks; the
 * desk's steps (delivered, acknowledged, answered, overdue notices,
 * escalation) with times and officers; "Acknowledge" and "Reply" when
 * the item wants them.  GET /message/ID/evidence answers with the bundle
 * `parley evidence ID` writes, made by the witness while the request
 * waits (http_defer), as an attachment.
 *
 * SECURITY: everything from the peer or the store passes page_text; an
 * id is a UUID (stamp_is_uuid) before it is used or shown; the page
 * changes nothing (the acknowledgement is the board's /ack, with the
 * session's CSRF token).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console_int.h"
#include "fmt/deskmsg.h"
#include "fmt/envelope.h"
#include "console/page.h"
#include "console/words.h"
#include "desk/desk.h"
#include "desk/deskview.h"
#include "link/link.h"
#include "log/witness.h"
#include "net/http.h"
#include "node/node.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/stamp.h"

#define PAGE_MAX (4u << 20)	/* bytes of a message page */
#define JOBS_MAX 16		/* evidence downloads waiting at once */

static const struct words words[] = {
	{ { "Message", "Message" } },
	{ { "from", "de" } },
	{ { "sent to", "envoyé à" } },
	{ { "Link", "Lien" } },
	{ { "sequence", "numéro" } },
	{ { "Template", "Modèle" } },
	{ { "version", "version" } },
	{ { "Type", "Type" } },
	{ { "Subject", "Objet" } },
	{ { "Written by", "Rédigé par" } },
	{ { "In reply to", "En réponse à" } },
	{ { "Agreement", "Accord" } },
	{ { "none (a message of the previous version)",
	    "aucun (un message de la version précédente)" } },
	{ { "Signature", "Signature" } },
	{ { "valid, signed by", "valide, signée par" } },
	{ { "State", "État" } },
	{ { "received", "reçu" } },
	{ { "refused", "refusé" } },
	{ { "failed", "abandonné" } },
	{ { "rejected", "rejeté" } },
	{ { "Times", "Heures" } },
	{ { "When", "Quand" } },
	{ { "Time", "Heure" } },
	{ { "Sent", "Envoyé" } },
	{ { "Delivered", "Remis" } },
	{ { "Received", "Reçu" } },
	{ { "not yet", "pas encore" } },
	{ { "at", "à" } },
	{ { "Form", "Formulaire" } },
	{ { "Value", "Valeur" } },
	{ { "fields as written by", "champs tels que rédigés par" } },
	{ { "Text", "Texte" } },
	{ { "Steps", "Étapes" } },
	{ { "queued at", "mis en file à" } },
	{ { "received at", "reçu à" } },
	{ { "delivered at", "remis à" } },
	{ { "(the signed receipt)", "(l'accusé de remise signé)" } },
	{ { "by path", "par le chemin" } },
	{ { "not delivered yet", "pas encore remis" } },
	{ { "acknowledged by", "reçu par" } },
	{ { "note:", "note :" } },
	{ { "not acknowledged yet", "pas encore d'accusé de réception" } },
	{ { "due", "échéance" } },
	{ { "answered by", "répondu par" } },
	{ { "no answer yet", "pas encore de réponse" } },
	{ { "no answer is asked for", "aucune réponse n'est demandée" } },
	{ { "overdue notice for the acknowledgement at",
	    "avis de retard de l'accusé de réception à" } },
	{ { "overdue notice for the answer at", "avis de retard de la réponse à" } },
	{ { "escalation level", "niveau d'escalade" } },
	{ { "next step at", "étape suivante à" } },
	{ { "Actions", "Actions" } },
	{ { "Acknowledge", "Accuser réception" } },
	{ { "Reply", "Répondre" } },
	{ { "Download the evidence", "Télécharger la preuve" } },
	{ { "This message was refused on arrival; its bytes were not kept.",
	    "Ce message a été refusé à son arrivée ; ses octets n'ont pas été conservés." } },
	{ { "Refused with HTTP status", "Refusé avec le statut HTTP" } },
	{ { "This message is not a message id.", "Ceci n'est pas un identifiant de message." } },
	{ { "No message with that id was sent or received here.",
	    "Aucun message portant cet identifiant n'a été envoyé ni reçu ici." } },
	{ { "The message cannot be read now.", "Le message ne peut pas être lu maintenant." } },
	{ { "The message does not verify with the key it was exchanged under: the store was altered.",
	    "Le message ne se vérifie pas avec la clé sous laquelle il a été échangé :"
	    " le stockage a été modifié." } },
	{ { "The page cannot be made now.", "La page ne peut pas être faite maintenant." } },
	{ { "No receipt yet: the message is not delivered, so it has no evidence.",
	    "Pas encore d'accusé de remise : le message n'est pas remis, il n'a donc"
	    " pas de preuve." } },
	{ { "Too many evidence bundles are being made; try again in a moment.",
	    "Trop de preuves sont en cours ; réessayez dans un instant." } },
	{ { "The evidence bundle cannot be made:", "La preuve ne peut pas être faite :" } },
};

/* The languages' own names, for the labels' columns. */
static const char *const lang_names[TEMPLATE_LANGS] = {
	"English", "Français", "Русский", "中文", "Español", "العربية"
};

/* One evidence download waiting for the witness. */
struct job {
	struct msgview *v;
	struct http_req *r;		/* NULL: the slot is free */
	struct console_session s;	/* a copy (no token): the page if it fails */
	char id[STAMP_UUID_LEN];
};

struct msgview {
	struct console *c;
	struct job jobs[JOBS_MAX];
};

/* What the page is made from. */
struct view {
	struct node *n;
	enum template_lang l, lp;	/* the officer's language, the peer's */
	const char *me, *here_tz;	/* this desk: its name, its zone */
	const char *sender, *sender_tz, *receiver, *receiver_tz;
	struct deskview_msg f;
	struct message m;
	struct deskmsg_form form;
	int is_form;
	int64_t now;
	/* the desk's item, when the message is one (store_desk_item_get) */
	int item, out, acked, wants_reply;
	const char *state;		/* desk_state's word (static) */
	struct buf steps;		/* the steps' list items, made from the item */
	status rc;
};

/* ---- pieces ---- */

/* text_lines - s escaped (page_text), each line break a <br>. */
static status
text_lines(struct buf *b, const char *s)
{
	struct buf t;
	const char *p, *nl, *end;
	status rc;

	if (!s)
		s = "";
	buf_init(&t, 32 * strlen(s) + 64);
	rc = page_text(&t, s);
	for (p = buf_str(&t), end = p + t.len; !rc && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		rc = buf_add(b, p, (size_t)(nl - p));
		if (!rc && nl < end)
			rc = buf_adds(b, "<br>\n");
	}
	buf_free(&t);
	return rc;
}

/* local_at - "LOCAL at NAME (ZONE)" in the officer's words. */
static status
local_at(struct buf *b, enum template_lang l, const char *local, const char *name,
    const char *zone)
{
	status rc = page_text(b, local);

	if (!rc)
		rc = buf_addf(b, " %s ", W(words, l, "at"));
	if (!rc)
		rc = page_text(b, name);
	if (!rc)
		rc = buf_adds(b, " (");
	if (!rc)
		rc = page_text(b, zone);
	return rc ? rc : buf_adds(b, ")");
}

/* when - the time text t in UTC and at both desks (deskview_when), one
 * to a line; t itself, escaped, when it is not a time. */
static status
when(struct buf *b, const struct view *x, const char *t)
{
	const char *name[2] = { x->sender, x->receiver }, *zone[2] = { x->sender_tz, x->receiver_tz };
	struct deskview_when w;
	status rc;

	if (!t || deskview_when(t, x->sender, x->sender_tz, x->receiver, x->receiver_tz,
	    &w) != ST_OK)
		return page_text(b, t);
	rc = buf_addf(b, "<time datetime=\"%s\">", t);	/* stamp_parse read it: plain */
	if (!rc)
		rc = page_text(b, w.utc);
	if (!rc)
		rc = buf_adds(b, "</time>");
	for (int i = 0; !rc && i < 2; i++)
		if (w.local[i][0]) {
			rc = buf_adds(b, "<br>\n");
			if (!rc)
				rc = local_at(b, x->l, w.local[i], name[i], zone[i]);
		}
	return rc;
}

/* when_ms - when for a time kept in milliseconds. */
static status
when_ms(struct buf *b, const struct view *x, int64_t ms)
{
	char t[STAMP_TIME_LEN];

	stamp_format(ms, t);
	return when(b, x, t);
}

/* here_ms - ms in UTC and at this desk, on one line (a step). */
static status
here_ms(struct buf *b, const struct view *x, int64_t ms)
{
	char t[STAMP_TIME_LEN];
	struct deskview_when w;
	status rc;

	stamp_format(ms, t);
	rc = buf_addf(b, "<time datetime=\"%s\">%s UTC</time>", t, t);
	if (!rc && deskview_when(t, x->me, x->here_tz, "", NULL, &w) == ST_OK && w.local[0][0]) {
		rc = buf_adds(b, " (");
		if (!rc)
			rc = local_at(b, x->l, w.local[0], x->me, x->here_tz);
		if (!rc)
			rc = buf_adds(b, ")");
	}
	return rc;
}

/* due - a deadline, counting down (the page's script keeps it going). */
static status
due(struct buf *b, enum template_lang l, int64_t due_ms)
{
	char t[STAMP_TIME_LEN];

	stamp_format(due_ms, t);
	return buf_addf(b, "; %s <time datetime=\"%s\">%s UTC</time> (<time datetime=\"%s\""
	    " data-due=\"%lld\">%s</time>)", W(words, l, "due"), t, t, t, (long long)due_ms, t);
}

/* path - " by path N (URL)": the peer's path N of x's endpoints. */
static status
path(struct buf *b, const struct view *x, int n)
{
	const char *e = buf_str(&x->f.endpoints), *end;
	status rc = buf_addf(b, ", %s %d", W(words, x->l, "by path"), n);

	for (int i = 0; i < n && e; i++) {
		const char *sp = strchr(e, ' ');

		e = sp ? sp + 1 : NULL;
	}
	if (rc || !e || !*e)
		return rc;
	end = strchr(e, ' ');
	rc = buf_adds(b, " (");
	if (!rc) {
		char url[CARD_ENDPOINT_MAX + 1];

		snprintf(url, sizeof url, "%.*s", (int)(end ? (size_t)(end - e) : strlen(e)), e);
		rc = page_text(b, url);
	}
	return rc ? rc : buf_adds(b, ")");
}

/* ---- the desk's item: its steps ---- */

static status
steps(struct view *x, const struct store_desk_item *it)
{
	struct buf *b = &x->steps;
	enum template_lang l = x->l;
	status rc;

	rc = buf_addf(b, "<li>%s ", W(words, l, it->out ? "queued at" : "received at"));
	if (!rc)
		rc = here_ms(b, x, x->f.at_ms);	/* the outbox's, the inbox's */
	if (!rc)
		rc = buf_adds(b, "</li>\n<li>");
	if (!rc && it->receipt_ms) {
		rc = buf_addf(b, "%s ", W(words, l, "delivered at"));
		if (!rc)
			rc = here_ms(b, x, it->receipt_ms);
		if (!rc)
			rc = buf_addf(b, " %s", W(words, l, "(the signed receipt)"));
		if (!rc && it->out && it->path >= 0)
			rc = path(b, x, it->path);
	} else if (!rc) {
		rc = buf_adds(b, W(words, l, "not delivered yet"));
		if (!rc && x->f.sent && strcmp(x->f.state, "queued") != 0)
			rc = buf_addf(b, " (%s)", W(words, l, x->f.state));
	}
	if (!rc)
		rc = buf_adds(b, "</li>\n<li>");
	if (!rc && it->ack_ms) {
		rc = buf_addf(b, "%s ", W(words, l, "acknowledged by"));
		if (!rc)
			rc = page_text(b, it->ack_officer);
		if (!rc)
			rc = buf_adds(b, " (");
		if (!rc)
			rc = page_text(b, it->ack_role);
		if (!rc)
			rc = buf_addf(b, ") %s ", W(words, l, "at"));
		if (!rc)
			rc = here_ms(b, x, it->ack_ms);
		if (!rc && it->ack_note[0]) {
			rc = buf_addf(b, "; %s <q>", W(words, l, "note:"));
			if (!rc)
				rc = text_lines(b, it->ack_note);
			if (!rc)
				rc = buf_adds(b, "</q>");
		}
	} else if (!rc) {
		rc = buf_adds(b, W(words, l, "not acknowledged yet"));
		if (!rc && it->ack_due_ms && !it->reply_ms)	/* an answer ends the wait */
			rc = due(b, l, it->ack_due_ms);
	}
	if (!rc)
		rc = buf_adds(b, "</li>\n<li>");
	if (!rc && it->reply_ms) {
		rc = buf_addf(b, "%s ", W(words, l, "answered by"));
		if (!rc && stamp_is_uuid(it->reply_msg))
			rc = buf_addf(b, "<a href=\"/message/%s\">%s</a>", it->reply_msg,
			    it->reply_msg);
		if (!rc)
			rc = buf_addf(b, " %s ", W(words, l, "at"));
		if (!rc)
			rc = here_ms(b, x, it->reply_ms);
	} else if (!rc && it->expects_reply) {
		rc = buf_adds(b, W(words, l, "no answer yet"));
		if (!rc && it->reply_due_ms)
			rc = due(b, l, it->reply_due_ms);
	} else if (!rc) {
		rc = buf_adds(b, W(words, l, "no answer is asked for"));
	}
	if (!rc)
		rc = buf_adds(b, "</li>\n");
	if (!rc && it->overdue_ack_ms) {
		rc = buf_addf(b, "<li class=\"over\">%s ",
		    W(words, l, "overdue notice for the acknowledgement at"));
		if (!rc)
			rc = here_ms(b, x, it->overdue_ack_ms);
		if (!rc)
			rc = buf_adds(b, "</li>\n");
	}
	if (!rc && it->overdue_reply_ms) {
		rc = buf_addf(b, "<li class=\"over\">%s ",
		    W(words, l, "overdue notice for the answer at"));
		if (!rc)
			rc = here_ms(b, x, it->overdue_reply_ms);
		if (!rc)
			rc = buf_adds(b, "</li>\n");
	}
	if (!rc && !it->out && (it->esc_level || it->esc_next_ms)) {
		rc = buf_addf(b, "<li>%s %d", W(words, l, "escalation level"), it->esc_level);
		if (!rc && it->esc_next_ms) {
			rc = buf_addf(b, "; %s ", W(words, l, "next step at"));
			if (!rc)
				rc = here_ms(b, x, it->esc_next_ms);
		}
		if (!rc)
			rc = buf_adds(b, "</li>\n");
	}
	return rc;
}

static int
on_item(void *arg, const struct store_desk_item *it)
{
	struct view *x = arg;

	x->item = 1;
	x->out = it->out;
	x->acked = it->ack_ms != 0;
	x->wants_reply = it->expects_reply && !it->reply_ms;
	x->state = desk_state(it, x->now);
	x->rc = steps(x, it);
	return 1;
}

/* plain_steps - the steps of a message that is no desk item. */
static status
plain_steps(struct buf *b, const struct view *x)
{
	enum template_lang l = x->l;
	status rc = buf_addf(b, "<li>%s ", W(words, l, x->f.sent ? "queued at" : "received at"));

	if (!rc)
		rc = here_ms(b, x, x->f.at_ms);
	if (!rc && x->f.sent) {
		rc = buf_adds(b, "</li>\n<li>");
		if (!rc && x->f.done_ms) {
			rc = buf_addf(b, "%s ", W(words, l, "delivered at"));
			if (!rc)
				rc = here_ms(b, x, x->f.done_ms);
		} else if (!rc) {
			rc = buf_adds(b, W(words, l, "not delivered yet"));
			if (!rc && strcmp(x->f.state, "queued") != 0)
				rc = buf_addf(b, " (%s)", W(words, l, x->f.state));
		}
	}
	return rc ? rc : buf_adds(b, "</li>\n");
}

/* ---- the page ---- */

/* fact - one row of the facts: a term and its value's start. */
static status
fact(struct buf *b, enum template_lang l, const char *term)
{
	return buf_addf(b, "<dt>%s</dt><dd>", W(words, l, term));
}

static status
facts(struct buf *b, const struct view *x)
{
	const struct message *m = &x->m;
	const struct template *t = x->is_form ? x->form.t : NULL;
	enum template_lang l = x->l;
	status rc = buf_adds(b, "<dl class=\"facts\">\n");

	if (!rc)
		rc = fact(b, l, "Link");
	if (!rc)
		rc = page_text(b, m->link);
	if (!rc)
		rc = buf_addf(b, " (%s %lld)</dd>\n", W(words, l, "sequence"), (long long)m->seq);
	if (!rc && t) {
		rc = fact(b, l, "Template");
		if (!rc)
			rc = page_text(b, template_title(t, l));
		if (!rc && x->lp != l) {
			rc = buf_addf(b, " / <span lang=\"%s\"%s>", template_lang_code(x->lp),
			    x->lp == TEMPLATE_AR ? " dir=\"rtl\"" : "");
			if (!rc)
				rc = page_text(b, template_title(t, x->lp));
			if (!rc)
				rc = buf_adds(b, "</span>");
		}
		if (!rc)
			rc = buf_addf(b, " (%s, %s %d)</dd>\n", template_name(t),
			    W(words, l, "version"), template_version(t));
	} else if (!rc) {
		rc = fact(b, l, "Type");
		if (!rc)
			rc = page_text(b, m->type);
		if (!rc)
			rc = buf_adds(b, "</dd>\n");
	}
	if (!rc)
		rc = fact(b, l, "Subject");
	if (!rc)
		rc = page_text(b, m->subject);
	if (!rc)
		rc = buf_adds(b, "</dd>\n");
	if (!rc && x->is_form && x->form.officer[0]) {
		rc = fact(b, l, "Written by");
		if (!rc)
			rc = page_text(b, x->form.officer);
		if (!rc)
			rc = buf_adds(b, "</dd>\n");
	}
	if (!rc && x->is_form && stamp_is_uuid(x->form.in_reply_to))
		rc = buf_addf(b, "<dt>%s</dt><dd><a href=\"/message/%s\">%s</a></dd>\n",
		    W(words, l, "In reply to"), x->form.in_reply_to, x->form.in_reply_to);
	if (!rc && m->v == 2) {
		rc = buf_adds(b, "<dt>TLP</dt><dd>");
		if (!rc)
			rc = page_text(b, m->tlp);
		if (!rc)
			rc = buf_adds(b, "</dd>\n");
	}
	if (!rc)
		rc = fact(b, l, "Agreement");
	if (!rc)
		rc = m->v == 2 ? page_text(b, m->agreement) :
		    buf_adds(b, W(words, l, "none (a message of the previous version)"));
	if (!rc)
		rc = buf_adds(b, "</dd>\n");
	if (!rc)
		rc = fact(b, l, "State");
	if (!rc)
		rc = buf_adds(b, W(words, l, x->item ? x->state : x->f.state));
	if (!rc)
		rc = buf_adds(b, "</dd>\n");
	if (!rc)
		rc = buf_addf(b, "<dt>%s</dt><dd class=\"ok\">%s ", W(words, l, "Signature"),
		    W(words, l, "valid, signed by"));
	if (!rc)
		rc = page_text(b, x->sender);
	return rc ? rc : buf_adds(b, "</dd>\n</dl>\n");
}

static status
times(struct buf *b, const struct view *x)
{
	enum template_lang l = x->l;
	status rc = buf_addf(b, "<h2 id=\"times\">%s</h2>\n<table class=\"times\">\n"
	    "<caption>%s</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
	    "</th></tr></thead>\n<tbody>\n<tr><th scope=\"row\">%s</th><td>", W(words, l, "Times"),
	    W(words, l, "Times"), W(words, l, "When"), W(words, l, "Time"), W(words, l, "Sent"));

	if (!rc)
		rc = when(b, x, x->m.created_at);
	if (!rc)
		rc = buf_addf(b, "</td></tr>\n<tr><th scope=\"row\">%s</th><td>",
		    W(words, l, x->f.sent ? "Delivered" : "Received"));
	if (!rc)
		rc = x->f.sent && !x->f.done_ms ? buf_adds(b, W(words, l, "not yet")) :
		    when_ms(b, x, x->f.sent ? x->f.done_ms : x->f.at_ms);
	return rc ? rc : buf_adds(b, "</td></tr>\n</tbody>\n</table>\n");
}

/* label_cells - field i's label in the officer's language (a row header)
 * and, when the peer's differs, in the peer's. */
static status
label_cells(struct buf *b, const struct view *x, const struct template *t, size_t i)
{
	status rc = buf_adds(b, "<th scope=\"row\">");

	if (!rc)
		rc = page_text(b, template_field_label(t, i, x->l));
	if (!rc)
		rc = buf_adds(b, "</th>");
	if (!rc && x->lp != x->l) {
		rc = buf_addf(b, "<td lang=\"%s\"%s>", template_lang_code(x->lp),
		    x->lp == TEMPLATE_AR ? " dir=\"rtl\"" : "");
		if (!rc)
			rc = page_text(b, template_field_label(t, i, x->lp));
		if (!rc)
			rc = buf_adds(b, "</td>");
	}
	return rc;
}

static status
value_cell(struct buf *b, const struct view *x, const struct template *t, size_t i,
    const json_t *v)
{
	status rc = buf_adds(b, "<td>");

	switch (template_field_type(t, i)) {
	case TEMPLATE_LIST:
		if (!rc)
			rc = buf_adds(b, "<ul>");
		for (size_t k = 0; !rc && k < json_array_size(v); k++) {
			rc = buf_adds(b, "<li>");
			if (!rc)
				rc = text_lines(b, json_string_value(json_array_get(v, k)));
			if (!rc)
				rc = buf_adds(b, "</li>");
		}
		if (!rc)
			rc = buf_adds(b, "</ul>");
		break;
	case TEMPLATE_TIME:
		if (!rc)
			rc = when(b, x, json_string_value(v));
		break;
	default:
		if (!rc)
			rc = text_lines(b, json_string_value(v));
		break;
	}
	return rc ? rc : buf_adds(b, "</td>");
}

static status
form(struct buf *b, const struct view *x)
{
	const struct template *t = x->form.t;
	enum template_lang l = x->l;
	status rc = buf_addf(b, "<h2 id=\"form\">%s</h2>\n<table class=\"form\">\n<caption>",
	    W(words, l, "Form"));

	if (!rc)
		rc = page_text(b, template_title(t, l));
	if (!rc)
		rc = buf_addf(b, ": %s ", W(words, l, "fields as written by"));
	if (!rc)
		rc = page_text(b, x->sender);
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><th scope=\"col\" lang=\"%s\">%s</th>",
		    template_lang_code(l), lang_names[l]);
	if (!rc && x->lp != l)
		rc = buf_addf(b, "<th scope=\"col\" lang=\"%s\">%s</th>", template_lang_code(x->lp),
		    lang_names[x->lp]);
	if (!rc)
		rc = buf_addf(b, "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		    W(words, l, "Value"));
	for (size_t i = 0; !rc && i < template_n_fields(t); i++) {
		const json_t *v = json_object_get(x->form.form, template_field_name(t, i));

		if (!v)
			continue;
		rc = buf_addf(b, "<tr id=\"field-%s\">", template_field_name(t, i));
		if (!rc)
			rc = label_cells(b, x, t, i);
		if (!rc)
			rc = value_cell(b, x, t, i, v);
		if (!rc)
			rc = buf_adds(b, "</tr>\n");
	}
	return rc ? rc : buf_adds(b, "</tbody>\n</table>\n");
}

/* actions - what the officer can do: acknowledge, reply (a received item
 * that wants it), download the evidence. */
static status
actions(struct buf *b, const struct view *x, const struct console_session *s)
{
	enum template_lang l = x->l;
	const char *id = x->m.id;
	status rc = buf_addf(b, "<h2 id=\"actions\" data-live>%s</h2>\n<div class=\"actions\">\n",
	    W(words, l, "Actions"));

	if (!rc && x->item && !x->out && !x->acked) {
		rc = buf_adds(b, "<form method=\"post\" action=\"/ack\" class=\"inline\">");
		if (!rc)
			rc = page_csrf(b, s->csrf);
		if (!rc)
			rc = buf_addf(b, "<input type=\"hidden\" name=\"back\" value=\"/message/%s\">"
			    "<button type=\"submit\" name=\"id\" value=\"%s\" id=\"ack-%s\">"
			    "%s</button></form>\n", id, id, id, W(words, l, "Acknowledge"));
	}
	if (!rc && x->item && !x->out && x->wants_reply)
		rc = buf_addf(b, "<a class=\"button\" href=\"/compose?reply=%s\">%s</a>\n", id,
		    W(words, l, "Reply"));
	if (!rc)
		rc = buf_addf(b, "<a href=\"/message/%s/evidence\">%s</a>\n</div>\n", id,
		    W(words, l, "Download the evidence"));
	return rc;
}

/* page - the message page of x for s. */
static status
page(struct buf *b, struct view *x, const struct console_session *s)
{
	const struct message *m = &x->m;
	enum template_lang l = x->l;
	int shown = 0;
	status rc;

	rc = page_begin(b, l, PAGE_MESSAGE, NULL, m->subject[0] ? m->subject : W(words, l,
	    "Message"), s->officer, s->csrf);
	if (!rc)
		rc = buf_adds(b, "<h1>");
	if (!rc)
		rc = page_text(b, m->subject[0] ? m->subject : W(words, l, "Message"));
	if (!rc)
		rc = buf_adds(b, "</h1>\n<p class=\"lead\">");
	if (!rc && envelope_priority_ok(m->priority))
		rc = buf_addf(b, "<span class=\"prio prio-%s\">%s</span> ", m->priority,
		    W(words, l, m->priority));
	else if (!rc) {
		rc = page_text(b, m->priority);
		if (!rc)
			rc = buf_adds(b, " ");
	}
	if (!rc)
		rc = buf_addf(b, "%s ", W(words, l, x->f.sent ? "sent to" : "from"));
	if (!rc)
		rc = page_text(b, x->f.peer);
	if (!rc)
		rc = buf_adds(b, "</p>\n");
	if (!rc)	/* first: a flash message is acknowledged without scrolling */
		rc = actions(b, x, s);
	if (!rc)
		rc = facts(b, x);
	if (!rc)
		rc = times(b, x);
	if (!rc && x->is_form)
		rc = form(b, x);
	if (!rc && !x->is_form && strcmp(m->type, DESK_TYPE_ADVISORY) == 0) {
		status ra = advview_render(b, buf_str(&m->body), m->body.len, l);

		if (ra == ST_OK)
			shown = 1;	/* else not one csaf_read takes: its text below */
		else if (ra != ST_PARSE && ra != ST_INVALID)
			rc = ra;
	}
	if (!rc && !x->is_form && !shown && m->body.len) {
		rc = buf_addf(b, "<h2 id=\"text\">%s</h2>\n<div class=\"body\">",
		    W(words, l, "Text"));
		if (!rc)
			rc = text_lines(b, buf_str(&m->body));
		if (!rc)
			rc = buf_adds(b, "</div>\n");
	}
	if (!rc)
		rc = buf_addf(b, "<h2 id=\"steps\">%s</h2>\n<ol class=\"steps\">\n",
		    W(words, l, "Steps"));
	if (!rc)
		rc = x->item ? buf_add(b, buf_str(&x->steps), x->steps.len) : plain_steps(b, x);
	if (!rc)
		rc = buf_adds(b, "</ol>\n");
	return rc ? rc : page_end(b);
}

/* refused_page - a message refused on arrival: all that is kept. */
static status
refused_page(struct buf *b, const struct view *x, const struct console_session *s,
    const char *id)
{
	enum template_lang l = x->l;
	status rc = page_begin(b, l, PAGE_MESSAGE, NULL, W(words, l, "Message"), s->officer,
	    s->csrf);

	if (!rc)
		rc = buf_addf(b, "<h1>%s %s</h1>\n<p>%s ", W(words, l, "Message"), id,
		    W(words, l, "from"));
	if (!rc)
		rc = page_text(b, x->f.peer);
	if (!rc)
		rc = buf_addf(b, "; %s ", W(words, l, "received at"));
	if (!rc)
		rc = here_ms(b, x, x->f.at_ms);
	if (!rc)
		rc = buf_addf(b, ".</p>\n<p class=\"error\">%s %s %d.</p>\n",
		    W(words, l, "This message was refused on arrival; its bytes were not kept."),
		    W(words, l, "Refused with HTTP status"), x->f.status);
	return rc ? rc : page_end(b);
}

/* view_clear - release what x holds. */
static void
view_clear(struct view *x)
{
	deskmsg_form_clear(&x->form);
	envelope_message_clear(&x->m);
	deskview_msg_free(&x->f);
	buf_free(&x->steps);
}

static void
on_message(void *arg, struct http_req *r)
{
	struct msgview *v = arg;
	struct console_session *s = console_enter(v->c, r, 0);
	const struct config *cf = node_config(console_node(v->c));
	const char *id, *peer_tz;
	char zone[TZ_NAME_MAX + 1];
	struct view x;
	struct buf b;
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	id = http_req_param(r, "id");
	if (!id || !stamp_is_uuid(id)) {
		console_fail(r, s, ST_INVALID, W(words, s->lang, "This message is not a message id."));
		return;
	}
	memset(&x, 0, sizeof x);
	x.n = console_node(v->c);
	x.l = s->lang < TEMPLATE_LANGS ? s->lang : TEMPLATE_EN;
	x.lp = TEMPLATE_EN;
	x.me = cf->name;
	x.here_tz = cf->desk_tz;
	x.now = stamp_now_ms();
	envelope_message_init(&x.m, HTTP_REQUEST_MAX);
	buf_init(&x.steps, PAGE_MAX);
	buf_init(&b, PAGE_MAX);
	rc = deskview_find(x.n, id, &x.f);
	if (rc) {
		console_fail(r, s, rc == ST_NOTFOUND ? ST_NOTFOUND : ST_DB, W(words, x.l,
		    rc == ST_NOTFOUND ? "No message with that id was sent or received here." :
		    "The message cannot be read now."));
		goto out;
	}
	/* the peer's desk: its language and zone, as its contacts say */
	peer_tz = deskview_peer_desk(x.n, x.f.peer_id, zone, &x.lp);
	if (!x.f.jws.len) {
		x.sender = x.f.peer;
		x.receiver = x.me;
		rc = refused_page(&b, &x, s, id);
		goto reply;
	}
	if (deskview_open(x.n, &x.f, &x.m) != ST_OK) {
		diag_warn("console: message %s does not verify: the store was altered", id);
		console_fail(r, s, ST_CRYPTO, W(words, x.l, "The message does not verify with the"
		    " key it was exchanged under: the store was altered."));
		goto out;
	}
	x.is_form = deskview_form_read(&x.m, &x.form);
	x.sender = x.f.sent ? x.me : x.f.peer;
	x.receiver = x.f.sent ? x.f.peer : x.me;
	/* the sender's zone: ours, or the one its message carries, or its
	 * desk contact's; the receiver's: ours, or its desk contact's */
	x.sender_tz = x.f.sent ? x.here_tz : x.is_form && x.form.tz[0] ? x.form.tz : peer_tz;
	x.receiver_tz = x.f.sent ? peer_tz : x.here_tz;
	rc = store_desk_item_get(node_store(x.n), id, on_item, &x);
	if (rc == ST_NOTFOUND)
		rc = ST_OK;	/* not a desk item: free text, a statement */
	if (!rc)
		rc = x.rc;
	if (!rc)
		rc = page(&b, &x, s);
reply:
	if (rc)
		console_fail(r, s, rc == ST_NOMEM || rc == ST_TOOBIG ? ST_NOMEM : ST_DB,
		    W(words, x.l, "The page cannot be made now."));
	else
		console_html(r, ST_OK, &b);
out:
	buf_free(&b);
	view_clear(&x);
}

/* ---- the evidence ---- */

static void
job_end(struct job *j)
{
	memset(&j->s, 0, sizeof j->s);
	j->r = NULL;
}

static void
evidence_done(void *arg, const char *bundle, size_t len, const char *error)
{
	struct job *j = arg;
	struct http_req *r = j->r;
	char name[128], why[512];

	if (!r)
		return;	/* cannot be: the page going away cancels the request */
	if (!bundle) {
		snprintf(why, sizeof why, "%s %s", W(words, j->s.lang,
		    "The evidence bundle cannot be made:"), error ? error : "?");
		console_fail(r, &j->s, ST_DOWN, why);
		job_end(j);
		return;
	}
	snprintf(name, sizeof name, "attachment; filename=\"parley-evidence-%s.json\"", j->id);
	if (console_secure(r) != ST_OK || http_header(r, "Content-Disposition", name) != ST_OK)
		http_reply_error(r, ST_NOMEM, "out of memory");
	else {
		diag_info("console: %s downloaded the evidence of %s", j->s.officer, j->id);
		http_reply(r, ST_OK, "application/json", bundle, len);
	}
	job_end(j);
}

static void
evidence_gone(void *arg)
{
	struct job *j = arg;

	/* the page went away: the bundle is no longer wanted */
	witness_cancel(link_witness(console_link(j->v->c)), j);
	job_end(j);
}

static void
on_evidence(void *arg, struct http_req *r)
{
	struct msgview *v = arg;
	struct console_session *s = console_enter(v->c, r, 0);
	struct deskview_msg f;
	struct job *j = NULL;
	const char *id, *why = NULL;
	char said[512];
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	id = http_req_param(r, "id");
	if (!id || !stamp_is_uuid(id)) {
		console_fail(r, s, ST_INVALID, W(words, s->lang, "This message is not a message id."));
		return;
	}
	rc = deskview_find(console_node(v->c), id, &f);
	if (!rc && f.sent && !f.receipt.len)
		rc = ST_CONFLICT;
	deskview_msg_free(&f);
	if (rc) {
		console_fail(r, s, rc == ST_NOTFOUND || rc == ST_CONFLICT ? rc : ST_DB,
		    W(words, s->lang, rc == ST_NOTFOUND ?
		    "No message with that id was sent or received here." : rc == ST_CONFLICT ?
		    "No receipt yet: the message is not delivered, so it has no evidence." :
		    "The message cannot be read now."));
		return;
	}
	for (size_t i = 0; i < JOBS_MAX && !j; i++)
		if (!v->jobs[i].r)
			j = &v->jobs[i];
	if (!j) {
		console_fail(r, s, ST_BUSY, W(words, s->lang,
		    "Too many evidence bundles are being made; try again in a moment."));
		return;
	}
	rc = witness_evidence(link_witness(console_link(v->c)), id, evidence_done, j, &why);
	if (rc) {
		snprintf(said, sizeof said, "%s %s", W(words, s->lang,
		    "The evidence bundle cannot be made:"), why ? why : status_str(rc));
		console_fail(r, s, rc, said);
		return;
	}
	diag_info("console: %s asked for the evidence of %s", s->officer, id);
	j->v = v;
	j->r = r;
	j->s = *s;
	memset(j->s.token, 0, sizeof j->s.token);	/* not needed to answer */
	snprintf(j->id, sizeof j->id, "%s", id);
	http_defer(r, evidence_gone, j);	/* the witness answers later */
}

/* ---- the routes ---- */

status
msgview_new(struct console *c, struct msgview **out)
{
	struct msgview *v = calloc(1, sizeof *v);
	status rc;

	*out = NULL;
	if (!v)
		return ST_NOMEM;
	v->c = c;
	rc = console_route(c, HTTP_GET, "/message/{id}", 0, on_message, v);
	if (!rc)
		rc = console_route(c, HTTP_GET, "/message/{id}/evidence", 0, on_evidence, v);
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	return ST_OK;
}

void
msgview_free(struct msgview *v)
{
	if (!v)
		return;
	/* the node stops: every download still waiting is told so, before
	 * the witness that makes them goes */
	for (size_t i = 0; i < JOBS_MAX; i++) {
		struct job *j = &v->jobs[i];

		if (!j->r)
			continue;
		witness_cancel(link_witness(console_link(v->c)), j);
		http_reply_error(j->r, ST_DOWN, "parleyd is stopping");
		job_end(j);
	}
	free(v);
}
