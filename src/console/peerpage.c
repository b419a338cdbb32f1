/* peerpage.c - the duty console's peers page, /peers (console_int.h): each
 * pinned peer with its key's fingerprint, its paths (the card's endpoints)
 * and whether each answers, the path in use, the backlog (messages queued
 * and not yet delivered, per link), its alarms (forks and breaches held,
 * the link's or the log's alarm, the desk's overdue items), the
 * agreements in force with it, and its points of contact as it last
 * signed and sent them (`parley directory`), flagged stale after
 * CONTACTS_STALE_MS.
 *
 * What the link layer knows comes from link_status, the one description
 * `parley status` prints too; the rest from the store.  Everything is read
 * first, then written: no store callback reads the store again.
 *
 * The page is live (data-live): it is fetched again when the console's
 * event stream says something changed - the desk's changes (a message
 * queued, delivered) and the link's (link_watch: reachable or not, a path
 * up or down, the path in use, an error, an alarm).
 *
 * SECURITY: every text from a peer (its name, endpoints, contacts, an
 * agreement's title, an alarm's reason) goes through page_text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console_int.h"
#include "console/page.h"
#include "console/words.h"
#include "desk/desk.h"
#include "fmt/agreement.h"
#include "fmt/contacts.h"
#include "node/node.h"
#include "node/policy.h"
#include "store/store.h"
#include "util/stamp.h"

#define OVERDUE_SHOWN 20	/* overdue items listed per peer (all are counted) */

static const struct words words[] = {
	{ { "Peers", "Partenaires" } },
	{ { "No peer is pinned.", "Aucun partenaire épinglé." } },
	{ { "Key fingerprint", "Empreinte de la clé" } },
	{ { "the full fingerprint", "l'empreinte complète" } },
	{ { "Reachable", "Joignable" } },
	{ { "yes", "oui" } },
	{ { "no", "non" } },
	{ { "Last heard", "Dernier contact" } },
	{ { "never", "jamais" } },
	{ { "Last error", "Dernière erreur" } },
	{ { "Path in use", "Chemin en service" } },
	{ { "Backlog", "En attente" } },
	{ { "queued, not yet delivered", "en file, non remis" } },
	{ { "Paths to", "Chemins vers" } },
	{ { "Path", "Chemin" } },
	{ { "Address", "Adresse" } },
	{ { "State", "État" } },
	{ { "In use", "En service" } },
	{ { "Last success", "Dernier succès" } },
	{ { "up: it answers", "actif : il répond" } },
	{ { "down: it does not answer", "coupé : il ne répond pas" } },
	{ { "not tried yet", "pas encore essayé" } },
	{ { "in use", "en service" } },
	{ { "The link has not dialled this peer yet.", "Le lien n'a pas encore joint ce partenaire." } },
	{ { "Alarms", "Alarmes" } },
	{ { "Alarm:", "Alarme :" } },
	{ { "Forks held", "Fourches détenues" } },
	{ { "Breaches held", "Violations détenues" } },
	{ { "Overdue items", "Éléments en retard" } },
	{ { "sent", "envoyé" } },
	{ { "received", "reçu" } },
	{ { "and more on the board", "et d'autres sur le tableau" } },
	{ { "Agreements in force", "Accords en vigueur" } },
	{ { "No agreement is in force with this peer.", "Aucun accord en vigueur avec ce partenaire." } },
	{ { "Agreement", "Accord" } },
	{ { "Id", "Identifiant" } },
	{ { "Version", "Version" } },
	{ { "Links", "Liens" } },
	{ { "Valid until", "Valable jusqu'au" } },
	{ { "no expiry", "sans échéance" } },
	{ { "in force", "en vigueur" } },
	{ { "terminating", "en cours de résiliation" } },
	{ { "ends", "prend fin le" } },
	{ { "local agreement (the previous version's --links)",
	    "accord local (les --links de la version précédente)" } },
	{ { "local", "local" } },
	{ { "until an agreement both sign replaces it", "jusqu'à ce qu'un accord signé des deux le remplace" } },
	{ { "Contacts", "Contacts" } },
	{ { "No contacts from this peer yet.", "Pas encore de contacts de ce partenaire." } },
	{ { "The contacts held do not read as contacts.", "Les contacts détenus sont illisibles." } },
	{ { "version", "version" } },
	{ { "issued", "émise le" } },
	{ { "STALE: not confirmed for 12 months", "PÉRIMÉ : non confirmé depuis 12 mois" } },
	{ { "Role", "Rôle" } },
	{ { "Name", "Nom" } },
	{ { "Phone", "Téléphone" } },
	{ { "Email", "Courriel" } },
	{ { "Languages", "Langues" } },
	{ { "Hours", "Heures" } },
	{ { "Time zone", "Fuseau horaire" } },
	{ { "policy", "politique" } },
	{ { "technical", "technique" } },
	{ { "desk", "permanence" } },
	{ { "senior-official", "haut responsable" } },
	{ { "The peers page cannot be made now.",
	    "La page des partenaires ne peut pas être produite pour l'instant." } },
};

/* A pinned peer, as the store has it. */
struct ppeer {
	int64_t id;
	char name[CARD_NAME_MAX + 1];
	char kid[IDENT_KID_LEN];
	char fp[IDENT_FP_LEN];
	size_t overdue;		/* overdue items counted */
};

/* An overdue item of the desk. */
struct late {
	int64_t peer_id;
	int out;
	char msg[STAMP_UUID_LEN];
	char subject[TEMPLATE_SUBJECT_MAX + 1];
	const char *state;	/* desk_state's (static) */
};

/* An agreement in force, read from its document. */
struct inforce {
	char id[STAMP_UUID_LEN];
	char title[AGREEMENT_TITLE_MAX + 1];
	int v;
	char links[AGREEMENT_LINKS_MAX * (ENV_LINK_MAX + 2)];
	int64_t expires_ms, ends_ms;	/* AGREEMENT_NEVER / INT64_MAX: none */
	const char *state;	/* policy_state's (static) */
	char kids[AGREEMENT_PARTIES_MAX][IDENT_KID_LEN];
	size_t n_kids;
};

/* A peer's newest contacts. */
struct pcontacts {
	int64_t peer_id;
	int64_t version, issued_ms;
	char *doc;
};

/* Everything the page shows, read before any of it is written. */
struct seen {
	struct node *n;
	int64_t now;
	struct ppeer *peers;
	size_t n_peers;
	struct late *late;
	size_t n_late;
	struct inforce *ag;
	size_t n_ag;
	struct pcontacts *ct;
	size_t n_ct;
	json_t *link;		/* link_status */
	status rc;
};

/* grow - v (n elements of sz bytes held) with room for one more: the
 * capacity doubles at each power of two; NULL (v unchanged) when out of
 * memory. */
static void *
grow(void *v, size_t n, size_t sz)
{
	if (n && (n & (n - 1)))
		return v;	/* room left */
	return realloc(v, (n ? n * 2 : 1) * sz);
}

static int
peer_row(void *arg, const struct store_peer *p)
{
	struct seen *x = arg;
	struct ppeer *q = grow(x->peers, x->n_peers, sizeof *x->peers);

	if (!q) {
		x->rc = ST_NOMEM;
		return 1;
	}
	x->peers = q;
	q = &x->peers[x->n_peers++];
	memset(q, 0, sizeof *q);
	q->id = p->id;
	snprintf(q->name, sizeof q->name, "%s", p->name);
	snprintf(q->kid, sizeof q->kid, "%s", p->kid);
	ident_fingerprint(p->pk, q->fp);
	return 0;
}

static int
late_row(void *arg, const struct store_desk_item *it)
{
	struct seen *x = arg;
	const char *st = desk_state(it, x->now);
	struct late *q;

	if (strncmp(st, "overdue-", 8) != 0)
		return 0;
	if (!(q = grow(x->late, x->n_late, sizeof *x->late))) {
		x->rc = ST_NOMEM;
		return 1;
	}
	x->late = q;
	q = &x->late[x->n_late++];
	memset(q, 0, sizeof *q);
	q->peer_id = it->peer_id;
	q->out = it->out;
	snprintf(q->msg, sizeof q->msg, "%s", it->msg);
	snprintf(q->subject, sizeof q->subject, "%s", it->subject ? it->subject : "");
	q->state = st;
	return 0;
}

static int
agree_row(void *arg, const struct store_agree *a)
{
	struct seen *x = arg;
	const char *st = policy_state(a, x->now);
	char why[AGREEMENT_WHY_MAX];
	struct agreement *ag = NULL;
	struct inforce *q;
	size_t off = 0;

	if (strcmp(st, "in force") != 0 && strcmp(st, "terminating") != 0)
		return 0;
	if (agreement_read(a->doc, strlen(a->doc), &ag, why) != ST_OK)
		return 0;	/* kept verified; one that no longer reads shows as none */
	if (!(q = grow(x->ag, x->n_ag, sizeof *x->ag))) {
		x->rc = ST_NOMEM;
		agreement_free(ag);
		return 1;
	}
	x->ag = q;
	q = &x->ag[x->n_ag++];
	memset(q, 0, sizeof *q);
	snprintf(q->id, sizeof q->id, "%s", a->id);
	snprintf(q->title, sizeof q->title, "%s", agreement_title(ag));
	q->v = agreement_version(ag);
	q->expires_ms = a->expires_ms;
	q->ends_ms = a->ends_ms;
	q->state = st;
	for (size_t i = 0; agreement_link_at(ag, i); i++) {
		int w = snprintf(q->links + off, sizeof q->links - off, "%s%s", i ? ", " : "",
		    agreement_link_at(ag, i));

		if (w > 0 && (size_t)w < sizeof q->links - off)
			off += (size_t)w;
	}
	for (size_t i = 0; i < AGREEMENT_PARTIES_MAX && agreement_party_at(ag, i); i++)
		snprintf(q->kids[q->n_kids++], IDENT_KID_LEN, "%s", agreement_party_at(ag, i)->kid);
	agreement_free(ag);
	return 0;
}

static int
contacts_row(void *arg, const struct store_contacts *c)
{
	struct seen *x = arg;
	struct pcontacts *q;
	char *doc;

	if (c->peer_id == 0)
		return 0;	/* ours */
	if (!(doc = strdup(c->doc))) {
		x->rc = ST_NOMEM;
		return 1;
	}
	/* by peer, then version: a later row of the same peer is newer */
	if (x->n_ct && x->ct[x->n_ct - 1].peer_id == c->peer_id) {
		q = &x->ct[x->n_ct - 1];
		free(q->doc);
	} else if (!(q = grow(x->ct, x->n_ct, sizeof *x->ct))) {
		x->rc = ST_NOMEM;
		free(doc);
		return 1;
	} else {
		x->ct = q;
		q = &x->ct[x->n_ct++];
	}
	q->peer_id = c->peer_id;
	q->version = c->version;
	q->issued_ms = c->issued_ms;
	q->doc = doc;
	return 0;
}

static void
seen_free(struct seen *x)
{
	for (size_t i = 0; i < x->n_ct; i++)
		free(x->ct[i].doc);
	free(x->ct);
	free(x->peers);
	free(x->late);
	free(x->ag);
	json_decref(x->link);
}

/* seen_read - everything the page shows, into *x (seen_free after). */
static status
seen_read(struct console *c, struct seen *x)
{
	struct store *st = node_store(console_node(c));
	status rc;

	memset(x, 0, sizeof *x);
	x->n = console_node(c);
	x->now = stamp_now_ms();
	rc = store_peer_list(st, peer_row, x);
	if (!rc && !(rc = x->rc))
		rc = store_desk_open(st, x->now, late_row, x);
	if (!rc && !(rc = x->rc))
		rc = store_agree_list(st, agree_row, x);
	if (!rc && !(rc = x->rc))
		rc = store_contacts_list(st, -1, contacts_row, x);
	if (!rc)
		rc = x->rc;
	if (!rc && !(x->link = link_status(console_link(c))))
		rc = ST_NOMEM;
	return rc;
}

/* ---- one peer ---- */

/* link_of - the link layer's status of the peer named name, or NULL. */
static const json_t *
link_of(const struct seen *x, const char *name)
{
	const json_t *p;
	size_t i;

	json_array_foreach(json_object_get(x->link, "peers"), i, p)
		if (json_string_value(json_object_get(p, "name")) &&
		    strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
			return p;
	return NULL;
}

/* jtext - the JSON string member k of o escaped into b, or dflt (a word,
 * not escaped) when it is none. */
static status
jtext(struct buf *b, const json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? page_text(b, s) : buf_adds(b, dflt);
}

static const char *
path_state(enum template_lang l, const char *st)
{
	if (st && strcmp(st, "up") == 0)
		return W(words, l, "up: it answers");
	if (st && strcmp(st, "down") == 0)
		return W(words, l, "down: it does not answer");
	return W(words, l, "not tried yet");
}

static status
facts(struct buf *b, enum template_lang l, const struct ppeer *p, const json_t *lk)
{
	const json_t *v, *path;
	const char *k;
	int64_t total = 0;
	int reach = json_is_true(json_object_get(lk, "reachable")), active = 0;
	size_t i, first = 1;
	status rc;

	json_object_foreach(json_object_get(lk, "backlog"), k, v)
		total += json_integer_value(v);
	rc = buf_addf(b, "<dl class=\"facts\">\n<dt>%s</dt><dd><span class=\"fp\">%.11s</span>"
	    " &hellip; <details class=\"inline\"><summary>%s</summary>%s</details></dd>\n",
	    W(words, l, "Key fingerprint"), p->fp, W(words, l, "the full fingerprint"), p->fp);
	if (!rc)
		rc = buf_addf(b, "<dt>%s</dt><dd class=\"reach reach-%s\" data-reachable=\"%s\">%s</dd>\n"
		    "<dt>%s</dt><dd>", W(words, l, "Reachable"), reach ? "yes" : "no",
		    reach ? "yes" : "no", W(words, l, reach ? "yes" : "no"), W(words, l, "Last heard"));
	if (!rc)
		rc = jtext(b, lk, "last_heard", W(words, l, "never"));
	if (!rc && !reach && json_string_value(json_object_get(lk, "last_error"))) {
		rc = buf_addf(b, "</dd>\n<dt>%s</dt><dd>", W(words, l, "Last error"));
		if (!rc)
			rc = jtext(b, lk, "last_error", "");
	}
	if (!rc)
		rc = buf_addf(b, "</dd>\n<dt>%s</dt><dd>", W(words, l, "Path in use"));
	json_array_foreach(json_object_get(lk, "paths"), i, path) {
		if (rc || !json_is_true(json_object_get(path, "active")))
			continue;
		active = 1;
		rc = buf_addf(b, "%s %lld: ", W(words, l, "Path"),
		    (long long)json_integer_value(json_object_get(path, "n")));
		if (!rc)
			rc = jtext(b, path, "url", "");
	}
	if (!rc && !active)
		rc = buf_adds(b, "&ndash;");
	if (!rc)
		rc = buf_addf(b, "</dd>\n<dt>%s</dt><dd class=\"backlog\" data-backlog=\"%lld\">%lld %s",
		    W(words, l, "Backlog"), (long long)total, (long long)total,
		    W(words, l, "queued, not yet delivered"));
	json_object_foreach(json_object_get(lk, "backlog"), k, v) {
		if (rc)
			break;
		rc = buf_addf(b, "%s%s %lld", first ? " (" : ", ", k, (long long)json_integer_value(v));
		first = 0;
	}
	if (!rc)
		rc = buf_addf(b, "%s</dd>\n</dl>\n", first ? "" : ")");
	return rc;
}

static status
paths(struct buf *b, enum template_lang l, const struct ppeer *p, const json_t *lk)
{
	const json_t *paths = json_object_get(lk, "paths"), *path;
	size_t i;
	status rc;

	if (!json_array_size(paths))
		return buf_addf(b, "<p>%s</p>\n", W(words, l, "The link has not dialled this peer yet."));
	rc = buf_addf(b, "<table class=\"paths\">\n<caption>%s ", W(words, l, "Paths to"));
	if (!rc)
		rc = page_text(b, p->name);
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n", W(words, l, "Path"),
		    W(words, l, "Address"), W(words, l, "State"), W(words, l, "In use"),
		    W(words, l, "Last success"), W(words, l, "Last error"));
	json_array_foreach(paths, i, path) {
		const char *st = json_string_value(json_object_get(path, "state"));
		const json_t *err = json_object_get(path, "last_error");

		if (rc)
			break;
		rc = buf_addf(b, "<tr class=\"path\" data-path=\"%lld\" data-state=\"%s\"><th scope=\"row\">"
		    "%lld</th><td>", (long long)json_integer_value(json_object_get(path, "n")),
		    st && (!strcmp(st, "up") || !strcmp(st, "down")) ? st : "untried",
		    (long long)json_integer_value(json_object_get(path, "n")));
		if (!rc)
			rc = jtext(b, path, "url", "");
		if (!rc)
			rc = buf_addf(b, "</td><td class=\"state-%s\">%s</td><td>%s</td><td>",
			    st && (!strcmp(st, "up") || !strcmp(st, "down")) ? st : "untried",
			    path_state(l, st), json_is_true(json_object_get(path, "active")) ?
			    W(words, l, "in use") : "");
		if (!rc)
			rc = jtext(b, path, "last_ok", "&ndash;");
		if (!rc)
			rc = buf_adds(b, "</td><td>");
		if (!rc && json_is_object(err)) {
			rc = jtext(b, err, "at", "");
			if (!rc)
				rc = buf_adds(b, ": ");
			if (!rc)
				rc = jtext(b, err, "reason", "");
		} else if (!rc) {
			rc = buf_adds(b, "&ndash;");
		}
		if (!rc)
			rc = buf_adds(b, "</td></tr>\n");
	}
	return rc ? rc : buf_adds(b, "</tbody>\n</table>\n");
}

static status
alarms(struct buf *b, enum template_lang l, const struct seen *x, const struct ppeer *p,
    const json_t *lk)
{
	size_t shown = 0;
	status rc = buf_addf(b, "<h3 id=\"alarms-%s\">%s</h3>\n", p->name, W(words, l, "Alarms"));

	if (!rc && json_string_value(json_object_get(lk, "alarm"))) {
		rc = buf_addf(b, "<p class=\"error alarm-text\">%s ", W(words, l, "Alarm:"));
		if (!rc)
			rc = jtext(b, lk, "alarm", "");
		if (!rc)
			rc = buf_adds(b, "</p>\n");
	}
	if (!rc)
		rc = buf_addf(b, "<ul class=\"alarms\">\n<li>%s: <span data-alarm=\"forks\">%lld</span></li>\n"
		    "<li>%s: <span data-alarm=\"breaches\">%lld</span></li>\n"
		    "<li>%s: <span data-alarm=\"overdue\">%zu</span>", W(words, l, "Forks held"),
		    (long long)json_integer_value(json_object_get(lk, "forks")),
		    W(words, l, "Breaches held"),
		    (long long)json_integer_value(json_object_get(lk, "breaches")),
		    W(words, l, "Overdue items"), p->overdue);
	if (!rc && p->overdue)
		rc = buf_adds(b, "<ul>");
	for (size_t i = 0; !rc && i < x->n_late && shown < OVERDUE_SHOWN; i++) {
		const struct late *t = &x->late[i];

		if (t->peer_id != p->id)
			continue;
		shown++;
		rc = buf_addf(b, "<li><a href=\"/message/%s\">", t->msg);
		if (!rc)
			rc = page_text(b, t->subject[0] ? t->subject : t->msg);
		if (!rc)
			rc = buf_addf(b, "</a> (%s, %s)</li>", W(words, l, t->out ? "sent" : "received"),
			    W(words, l, t->state));
	}
	if (!rc && p->overdue > shown)
		rc = buf_addf(b, "<li><a href=\"/board\">%s</a></li>", W(words, l, "and more on the board"));
	if (!rc && p->overdue)
		rc = buf_adds(b, "</ul>");
	return rc ? rc : buf_adds(b, "</li>\n</ul>\n");
}

/* party - 1 when kid is among a's parties. */
static int
party(const struct inforce *a, const char *kid)
{
	for (size_t i = 0; i < a->n_kids; i++)
		if (strcmp(a->kids[i], kid) == 0)
			return 1;
	return 0;
}

static status
until(struct buf *b, enum template_lang l, int64_t ms)
{
	char t[STAMP_TIME_LEN];

	if (ms == AGREEMENT_NEVER || ms == INT64_MAX)
		return buf_adds(b, W(words, l, "no expiry"));
	stamp_format(ms, t);
	return buf_addf(b, "<time datetime=\"%s\">%s</time>", t, t);
}

static status
agreements(struct buf *b, enum template_lang l, const struct seen *x, const struct ppeer *p)
{
	const char *self = ident_kid(node_ident(x->n));
	const char *local = node_policy(x->n) ? policy_local(node_policy(x->n), p->kid, x->now) :
	    NULL;
	size_t n = 0;
	status rc = buf_addf(b, "<h3>%s</h3>\n", W(words, l, "Agreements in force"));

	for (size_t i = 0; i < x->n_ag; i++)
		n += party(&x->ag[i], p->kid) && party(&x->ag[i], self);
	if (!rc && !n && !local)
		return buf_addf(b, "<p>%s</p>\n", W(words, l, "No agreement is in force with this peer."));
	if (!rc)
		rc = buf_addf(b, "<table class=\"agreements\">\n<caption>%s: ",
		    W(words, l, "Agreements in force"));
	if (!rc)
		rc = page_text(b, p->name);
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n", W(words, l, "Agreement"),
		    W(words, l, "Id"), W(words, l, "Version"), W(words, l, "Links"),
		    W(words, l, "Valid until"), W(words, l, "State"));
	for (size_t i = 0; !rc && i < x->n_ag; i++) {
		const struct inforce *a = &x->ag[i];

		if (!party(a, p->kid) || !party(a, self))
			continue;
		rc = buf_addf(b, "<tr class=\"agreement\" data-id=\"%s\"><th scope=\"row\">", a->id);
		if (!rc)
			rc = page_text(b, a->title);
		if (!rc)
			rc = buf_addf(b, "</th><td><code>%s</code></td><td>%d</td><td>", a->id, a->v);
		if (!rc)
			rc = page_text(b, a->links);
		if (!rc)
			rc = buf_adds(b, "</td><td>");
		if (!rc)
			rc = until(b, l, a->expires_ms);
		if (!rc && a->ends_ms != INT64_MAX) {
			rc = buf_addf(b, "; %s ", W(words, l, "ends"));
			if (!rc)
				rc = until(b, l, a->ends_ms);
		}
		if (!rc)
			rc = buf_addf(b, "</td><td>%s</td></tr>\n", W(words, l, a->state));
	}
	if (!rc && local) {
		rc = buf_addf(b, "<tr class=\"agreement\" data-id=\"local\"><th scope=\"row\">%s</th>"
		    "<td>local</td><td>&ndash;</td><td>",
		    W(words, l, "local agreement (the previous version's --links)"));
		if (!rc)
			rc = page_text(b, local);
		if (!rc)
			rc = buf_addf(b, "</td><td>%s</td><td>%s</td></tr>\n",
			    W(words, l, "until an agreement both sign replaces it"), W(words, l, "local"));
	}
	return rc ? rc : buf_adds(b, "</tbody>\n</table>\n");
}

/* list - the n strings of v, escaped, joined by ", ". */
static status
list(struct buf *b, const char *v, size_t n, size_t stride)
{
	status rc = ST_OK;

	for (size_t i = 0; !rc && i < n; i++) {
		rc = i ? buf_adds(b, ", ") : ST_OK;
		if (!rc)
			rc = page_text(b, v + i * stride);
	}
	return rc;
}

static status
contacts(struct buf *b, enum template_lang l, const struct seen *x, const struct ppeer *p)
{
	const struct pcontacts *pc = NULL;
	char why[CONTACTS_WHY_MAX], t[STAMP_TIME_LEN];
	struct contacts *ct = NULL;
	status rc = buf_addf(b, "<h3>%s</h3>\n", W(words, l, "Contacts"));

	for (size_t i = 0; i < x->n_ct; i++)
		if (x->ct[i].peer_id == p->id)
			pc = &x->ct[i];
	if (!rc && !pc)
		return buf_addf(b, "<p>%s</p>\n", W(words, l, "No contacts from this peer yet."));
	if (!rc && contacts_parse(pc->doc, strlen(pc->doc), CONTACTS_STATEMENT, &ct, why) != ST_OK)
		return buf_addf(b, "<p>%s</p>\n",
		    W(words, l, "The contacts held do not read as contacts."));
	stamp_format(pc->issued_ms, t);
	if (!rc)
		rc = buf_addf(b, "<p class=\"contacts-version\">%s %lld, %s <time datetime=\"%s\">%s</time>",
		    W(words, l, "version"), (long long)pc->version, W(words, l, "issued"), t, t);
	if (!rc && x->now - pc->issued_ms > CONTACTS_STALE_MS)
		rc = buf_addf(b, " <strong class=\"error stale\">%s</strong>",
		    W(words, l, "STALE: not confirmed for 12 months"));
	if (!rc)
		rc = buf_addf(b, "</p>\n<table class=\"contacts\">\n<caption>%s: ", W(words, l, "Contacts"));
	if (!rc)
		rc = page_text(b, p->name);
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		    W(words, l, "Role"), W(words, l, "Name"), W(words, l, "Phone"), W(words, l, "Email"),
		    W(words, l, "Languages"), W(words, l, "Hours"), W(words, l, "Time zone"));
	for (size_t i = 0; !rc && i < contacts_n(ct); i++) {
		const struct contacts_entry *e = contacts_at(ct, i);

		rc = buf_addf(b, "<tr class=\"contact\" data-role=\"%s\"><td>%s</td><th scope=\"row\">",
		    contacts_role_name(e->role), W(words, l, contacts_role_name(e->role)));
		if (!rc)
			rc = page_text(b, e->name);
		if (!rc)
			rc = buf_adds(b, "</th><td>");
		if (!rc)
			rc = list(b, e->phone[0], e->n_phone, sizeof e->phone[0]);
		if (!rc)
			rc = buf_adds(b, "</td><td>");
		if (!rc)
			rc = list(b, e->email[0], e->n_email, sizeof e->email[0]);
		if (!rc)
			rc = buf_adds(b, "</td><td>");
		if (!rc)
			rc = list(b, e->languages[0], e->n_languages, sizeof e->languages[0]);
		if (!rc)
			rc = buf_adds(b, "</td><td>");
		if (!rc)
			rc = page_text(b, e->hours);
		if (!rc)
			rc = buf_adds(b, "</td><td>");
		if (!rc)
			rc = page_text(b, e->tz);
		if (!rc)
			rc = buf_adds(b, "</td></tr>\n");
	}
	contacts_free(ct);
	return rc ? rc : buf_adds(b, "</tbody>\n</table>\n");
}

/* ---- the page ---- */

static status
page(struct console *c, const struct console_session *s, struct buf *b)
{
	enum template_lang l = s->lang < TEMPLATE_LANGS ? s->lang : TEMPLATE_EN;
	struct seen x;
	status rc = seen_read(c, &x);

	for (size_t i = 0; !rc && i < x.n_late; i++)
		for (size_t k = 0; k < x.n_peers; k++)
			if (x.peers[k].id == x.late[i].peer_id)
				x.peers[k].overdue++;
	if (!rc)
		rc = page_begin(b, l, PAGE_PEERS, NULL, W(words, l, "Peers"), s->officer, s->csrf);
	/* data-live: the page's script fetches it again on each change the
	 * node announces (page.c, live): a path down, a message queued */
	if (!rc)
		rc = buf_addf(b, "<h1 data-live>%s</h1>\n", W(words, l, "Peers"));
	if (!rc && !x.n_peers)
		rc = buf_addf(b, "<p>%s</p>\n", W(words, l, "No peer is pinned."));
	for (size_t i = 0; !rc && i < x.n_peers; i++) {
		const struct ppeer *p = &x.peers[i];
		const json_t *lk = link_of(&x, p->name);

		/* a name is [a-z0-9._-]: an id as it stands */
		rc = buf_addf(b, "<section class=\"peer\" id=\"peer-%s\" aria-labelledby=\"h-%s\">\n"
		    "<h2 id=\"h-%s\">", p->name, p->name, p->name);
		if (!rc)
			rc = page_text(b, p->name);
		if (!rc)
			rc = buf_adds(b, "</h2>\n");
		if (!rc)
			rc = facts(b, l, p, lk);
		if (!rc)
			rc = paths(b, l, p, lk);
		if (!rc)
			rc = alarms(b, l, &x, p, lk);
		if (!rc)
			rc = agreements(b, l, &x, p);
		if (!rc)
			rc = contacts(b, l, &x, p);
		if (!rc)
			rc = buf_adds(b, "</section>\n");
	}
	if (!rc)
		rc = page_end(b);
	seen_free(&x);
	return rc;
}

static void
on_peers(void *arg, struct http_req *r)
{
	struct console *c = arg;
	struct console_session *s = console_enter(c, r, 0);
	struct buf b;
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	buf_init(&b, 16 << 20);
	rc = page(c, s, &b);
	if (rc)
		console_fail(r, s, rc == ST_NOMEM || rc == ST_TOOBIG ? ST_NOMEM : ST_DB,
		    W(words, s->lang, "The peers page cannot be made now."));
	else
		console_html(r, ST_OK, &b);
	buf_free(&b);
}

status
peerpage_routes(struct console *c)
{
	return console_route(c, HTTP_GET, "/peers", 0, on_peers, c);
}
