/* checkpage.c - the duty console's checks page (console_int.h): running a
 * communication check, and what the checks showed.
 *
 * GET /checks: the form "Run check" (a pinned peer; machine or human; any
 * path, or one of the peer's card's endpoints), then, per peer, direction
 * and path, the figures `parley checks` prints (one computation:
 * desk/checks.h), a chart of the latest CHECK_HISTORY checks of each kind
 * (inline SVG, described by its label) and the same checks as a table,
 * which is the accessible form of the chart.
 *
 * POST /check runs one as `parley check` does: a comm-check form sent on
 * the urgent link at routine priority, signed as the officer's (desk_send),
 * after moving the link to the path asked for (link_use_path) in the same
 * turn of the loop; then 303 to /checks.  A field that is wrong gives the
 * page again, 400, with the problem beside the field and nothing sent.
 *
 * SECURITY: every text from the store or a peer goes through page_text;
 * the chart is built from numbers only.  The officer's name in the log and
 * on the message is the session's, never the form's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console_int.h"
#include "console/page.h"
#include "console/words.h"
#include "desk/checks.h"
#include "desk/desk.h"
#include "node/node.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/stamp.h"

#define CHECK_HISTORY 50	/* checks listed and charted per peer, direction and path */
#define CHECK_SINCE_MS (7 * 86400 * 1000LL)	/* parley checks' default: P7D */
#define CHECK_LINK "urgent"	/* parley check's defaults */
#define CHECK_PRIORITY "routine"

/* The chart's frame (SVG user units). */
#define CW 640
#define CH 230
#define CL 70			/* left margin: the y axis's labels */
#define CR 20
#define CT 16
#define CB 56			/* bottom margin: the x axis's labels and the legend */
#define PW (CW - CL - CR)
#define PH (CH - CT - CB)

static const struct words words[] = {
	{ { "Checks", "Vérifications" } },
	{ { "Run a check", "Lancer une vérification" } },
	{ { "Run check", "Lancer la vérification" } },
	{ { "Peer", "Partenaire" } },
	{ { "Kind", "Type" } },
	{ { "Path", "Chemin" } },
	{ { "Machine: the peer's node answers with its signed receipt",
	    "Machine : le nœud du partenaire répond par son accusé signé" } },
	{ { "Human: an officer at the peer's desk must acknowledge it",
	    "Humaine : un officier de permanence du partenaire doit en accuser réception" } },
	{ { "Any path (the one in use)", "N'importe quel chemin (celui en service)" } },
	{ { "path", "chemin" } },
	{ { "The paths are the endpoints of the peer's card, from 0:",
	    "Les chemins sont les adresses de la carte du partenaire, à partir de 0 :" } },
	{ { "A check goes on the urgent link at routine priority, signed as yours.",
	    "Une vérification part sur le lien urgent en priorité routine, signée en votre nom." } },
	{ { "No peer is pinned: there is nobody to check.",
	    "Aucun partenaire épinglé : personne à vérifier." } },
	{ { "Check sent:", "Vérification envoyée :" } },
	{ { "it is listed below, and its figure shows once it is answered.",
	    "elle figure ci-dessous, et son résultat s'affiche dès qu'elle a une réponse." } },
	{ { "History", "Historique" } },
	{ { "The checks of the last 7 days, per peer, direction and path; the latest 50 of each"
	    " are charted and listed.",
	    "Les vérifications des 7 derniers jours, par partenaire, sens et chemin ; les 50"
	    " dernières de chacun sont tracées et listées." } },
	{ { "No check in the last 7 days.", "Aucune vérification ces 7 derniers jours." } },
	{ { "Sent to", "Envoyées à" } },
	{ { "Received from", "Reçues de" } },
	{ { "answered by this desk", "répondues par ce bureau" } },
	{ { "path not known yet", "chemin pas encore connu" } },
	{ { "Figures", "Chiffres" } },
	{ { "Sent", "Envoyées" } },
	{ { "Answered", "Répondues" } },
	{ { "Missed", "Manquées" } },
	{ { "Median", "Médiane" } },
	{ { "Maximum", "Maximum" } },
	{ { "Machine checks: round trip", "Vérifications machine : aller-retour" } },
	{ { "Human checks: time to acknowledge", "Vérifications humaines : délai d'accusé" } },
	{ { "none", "aucun" } },
	{ { "The latest checks", "Les dernières vérifications" } },
	{ { "Sent at", "Envoyée le" } },
	{ { "Outcome", "Résultat" } },
	{ { "Figure", "Mesure" } },
	{ { "Receipt", "Accusé signé" } },
	{ { "Acknowledged", "Accusé de réception" } },
	{ { "Message", "Message" } },
	{ { "machine", "machine" } },
	{ { "human", "humaine" } },
	{ { "by", "par" } },
	{ { "pending: no receipt yet", "en attente : pas encore d'accusé signé" } },
	{ { "pending: not acknowledged yet", "en attente : pas encore d'accusé de réception" } },
	{ { "missed", "manquée" } },
	{ { "time (UTC)", "heure (UTC)" } },
	{ { "pending", "en attente" } },
	{ { "Round trip of the machine checks", "Aller-retour des vérifications machine" } },
	{ { "Time to acknowledge the human checks", "Délai d'accusé des vérifications humaines" } },
	{ { "from", "de" } },
	{ { "to", "à" } },
	{ { "latest", "dernière" } },
	{ { "Choose a peer to check.", "Choisissez un partenaire à vérifier." } },
	{ { "No pinned peer has this name:", "Aucun partenaire épinglé ne porte ce nom :" } },
	{ { "Choose machine or human.", "Choisissez machine ou humaine." } },
	{ { "The path is not a number from 0 to 3.", "Le chemin n'est pas un nombre de 0 à 3." } },
	{ { "has no such path; the paths of its card are 0 to",
	    "n'a pas ce chemin ; ceux de sa carte vont de 0 à" } },
	{ { "is not dialled yet: try again in a moment.",
	    "n'est pas encore joint : réessayez dans un instant." } },
	{ { "The check was not sent:", "La vérification n'a pas été envoyée :" } },
	{ { "The checks page cannot be made now.",
	    "La page des vérifications ne peut pas être produite pour l'instant." } },
};

/* A pinned peer, as the form offers it. */
struct cpeer {
	char name[CARD_NAME_MAX + 1];
	char eps[CARD_MAX_ENDPOINTS][CARD_ENDPOINT_MAX + 1];
	size_t n_eps;
};

struct cpeers {
	struct cpeer *v;
	size_t n, cap;
	status rc;
};

/* What the form asked, and what is wrong with it (field NULL: nothing). */
struct asked {
	const char *peer, *kind, *path;
	const char *field;	/* "peer", "kind", "path", or "form" (the whole) */
	char why[600];
};

static int
peer_row(void *arg, const struct store_peer *p)
{
	struct cpeers *x = arg;
	struct cpeer *c;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 8;

		if (!(c = realloc(x->v, cap * sizeof *c))) {
			x->rc = ST_NOMEM;
			return 1;
		}
		x->v = c;
		x->cap = cap;
	}
	c = &x->v[x->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", p->name);
	if (card_endpoints_split(p->endpoint ? p->endpoint : "", c->eps, &c->n_eps) != ST_OK)
		c->n_eps = 0;
	return 0;
}

/* peers_read - the pinned peers into *x (the caller frees x->v). */
static status
peers_read(struct console *c, struct cpeers *x)
{
	status rc;

	memset(x, 0, sizeof *x);
	rc = store_peer_list(node_store(console_node(c)), peer_row, x);
	return rc ? rc : x->rc;
}

static const struct cpeer *
peer_named(const struct cpeers *x, const char *name)
{
	for (size_t i = 0; name && i < x->n; i++)
		if (strcmp(x->v[i].name, name) == 0)
			return &x->v[i];
	return NULL;
}

/* ---- figures as text ---- */

/* span - ms as a person reads it: "830 ms" under 10 s, else "12.3 s". */
static void
span(int64_t ms, char out[static 32])
{
	if (ms > -10000 && ms < 10000)
		snprintf(out, 32, "%lld ms", (long long)ms);
	else
		snprintf(out, 32, "%lld.%lld s", (long long)(ms / 1000),
		    (long long)((ms < 0 ? -ms : ms) % 1000 / 100));
}

/* figure - a cell of the figures table: key names the `parley checks
 * --json` member it equals, v its value (-1: none; divided by div). */
static status
figure(struct buf *b, enum template_lang l, const char *key, int64_t v, int64_t div,
    const char *unit)
{
	if (v < 0)
		return buf_addf(b, "<td data-key=\"%s\" data-value=\"\">%s</td>", key,
		    W(words, l, "none"));
	return buf_addf(b, "<td data-key=\"%s\" data-value=\"%lld\">%lld%s%s</td>", key,
	    (long long)(v / div), (long long)(v / div), unit[0] ? " " : "", unit);
}

/* count - a count cell, as figure. */
static status
count(struct buf *b, const char *key, int64_t v)
{
	return buf_addf(b, "<td data-key=\"%s\" data-value=\"%lld\">%lld</td>", key,
	    (long long)v, (long long)v);
}

/* where - "Sent to bravo, path 0" for g, escaped, into b. */
static status
where(struct buf *b, enum template_lang l, const struct checks_group *g)
{
	status rc = buf_addf(b, "%s ", W(words, l, g->out ? "Sent to" : "Received from"));

	if (!rc)
		rc = page_text(b, g->peer);
	if (!rc && g->out && g->path >= 0)
		rc = buf_addf(b, ", %s %d", W(words, l, "path"), g->path);
	else if (!rc && g->out)
		rc = buf_addf(b, ", %s", W(words, l, "path not known yet"));
	else if (!rc)
		rc = buf_addf(b, ", %s", W(words, l, "answered by this desk"));
	return rc;
}

static status
figures(struct buf *b, enum template_lang l, const struct checks_group *g)
{
	status rc = buf_addf(b, "<table class=\"figures\">\n<caption>%s: ", W(words, l, "Figures"));

	if (!rc)
		rc = where(b, l, g);
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><td></td><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">p90</th><th scope=\"col\">p99</th><th scope=\"col\">%s</th>"
		    "</tr></thead>\n<tbody>\n<tr><th scope=\"row\">%s</th>",
		    W(words, l, "Sent"), W(words, l, "Answered"), W(words, l, "Missed"),
		    W(words, l, "Median"), W(words, l, "Maximum"),
		    W(words, l, "Machine checks: round trip"));
	if (!rc)
		rc = count(b, "machine.sent", g->m_sent);
	if (!rc)
		rc = count(b, "machine.answered", g->m_answered);
	if (!rc)
		rc = buf_adds(b, "<td>&ndash;</td>");
	if (!rc)
		rc = figure(b, l, "machine.rtt_ms_p50", g->rtt_p50, 1, "ms");
	if (!rc)
		rc = buf_adds(b, "<td>&ndash;</td>");
	if (!rc)
		rc = figure(b, l, "machine.rtt_ms_p99", g->rtt_p99, 1, "ms");
	if (!rc)
		rc = buf_addf(b, "<td>&ndash;</td></tr>\n<tr><th scope=\"row\">%s</th>",
		    W(words, l, "Human checks: time to acknowledge"));
	if (!rc)
		rc = count(b, "human.sent", g->h_sent);
	if (!rc)
		rc = count(b, "human.answered", g->h_answered);
	if (!rc)
		rc = count(b, "human.missed", g->h_missed);
	if (!rc)
		rc = figure(b, l, "human.response_s_p50", g->resp_p50, 1000, "s");
	if (!rc)
		rc = figure(b, l, "human.response_s_p90", g->resp_p90, 1000, "s");
	if (!rc)
		rc = buf_adds(b, "<td>&ndash;</td>");
	if (!rc)
		rc = figure(b, l, "human.response_s_max", g->resp_max, 1000, "s");
	return rc ? rc : buf_adds(b, "</tr>\n</tbody>\n</table>\n");
}

/* ---- the chart ---- */

/* nice - the least of 1, 2, 5 times a power of ten that is >= v (v > 0). */
static int64_t
nice(int64_t v)
{
	for (int64_t p = 1; p <= INT64_MAX / 10; p *= 10)
		for (int k = 0; k < 3; k++) {
			int64_t m = p * (k == 0 ? 1 : k == 1 ? 2 : 5);

			if (m >= v)
				return m;
		}
	return v;
}

/* hhmm - the time of ms for an axis (UTC): "10:05", with the seconds
 * when the chart spans less than 10 minutes (span_ms), and the day first
 * ("11-22 10:05") when ms is on another day than day_ms. */
static void
hhmm(int64_t ms, int64_t day_ms, int64_t span_ms, char out[static 24])
{
	char t[STAMP_TIME_LEN], d[STAMP_TIME_LEN];
	int n = span_ms < 600000 ? 8 : 5;

	stamp_format(ms, t);
	stamp_format(day_ms, d);
	if (strncmp(t, d, 10) == 0)
		snprintf(out, 24, "%.*s", n, t + 11);
	else
		snprintf(out, 24, "%.5s %.*s", t + 5, n, t + 11);
}

/* What one chart draws: the points of one kind. */
struct series {
	const struct checks_point *v;	/* the group's latest, oldest first */
	size_t n;
	int human;
	size_t points, answered, missed, pending;
	int64_t t0, t1, lo, hi, latest;	/* times; the answered figures, ms */
};

static void
series_of(const struct checks_group *g, int human, struct series *x)
{
	memset(x, 0, sizeof *x);
	x->v = g->last;
	x->n = g->n_last;
	x->human = human;
	x->t0 = INT64_MAX;
	x->t1 = INT64_MIN;
	x->lo = INT64_MAX;
	x->hi = INT64_MIN;
	for (size_t i = 0; i < x->n; i++) {
		const struct checks_point *p = &x->v[i];

		if (p->human != human)
			continue;
		x->points++;
		x->t0 = p->made_ms < x->t0 ? p->made_ms : x->t0;
		x->t1 = p->made_ms > x->t1 ? p->made_ms : x->t1;
		if (p->outcome == CHECKS_ANSWERED) {
			x->answered++;
			x->lo = p->ms < x->lo ? p->ms : x->lo;
			x->hi = p->ms > x->hi ? p->ms : x->hi;
			x->latest = p->ms;
		} else if (p->outcome == CHECKS_MISSED) {
			x->missed++;
		} else {
			x->pending++;
		}
	}
}

/* label - the chart's summary, for its aria-label and title (escaped). */
static status
label(struct buf *b, enum template_lang l, const struct checks_group *g,
    const struct series *x)
{
	char lo[32], hi[32], last[32];
	status rc = buf_addf(b, "%s (", W(words, l, x->human ?
	    "Time to acknowledge the human checks" : "Round trip of the machine checks"));

	if (!rc)
		rc = where(b, l, g);
	if (!rc)
		rc = buf_addf(b, "): %zu %s, %zu %s, %zu %s", x->answered, W(words, l, "answered"),
		    x->missed, W(words, l, "missed"), x->pending, W(words, l, "pending"));
	if (!rc && x->answered) {
		span(x->lo, lo);
		span(x->hi, hi);
		span(x->latest, last);
		rc = buf_addf(b, "; %s %s %s %s, %s %s", W(words, l, "from"), lo, W(words, l, "to"),
		    hi, W(words, l, "latest"), last);
	}
	return rc ? rc : buf_adds(b, ".");
}

/* chart - the inline SVG of one kind of g's latest checks: x the time
 * sent, y the figure; answered checks as dots joined by a line, missed
 * ones as crosses and pending ones as rings on the time axis (shape, not
 * colour alone, tells them apart).  Nothing when there is none. */
static status
chart(struct buf *b, enum template_lang l, const struct checks_group *g, int human)
{
	struct series x;
	struct buf sum;
	int64_t div, ylo, yhi, span_t;
	const char *unit;
	char t0s[24], t1s[24];
	int first = 1;
	status rc;

	series_of(g, human, &x);
	if (!x.points)
		return ST_OK;
	/* the y axis: 0 to a round figure above the highest (below 0 too
	 * when a peer's clock makes a figure negative) */
	if (!x.answered)
		x.lo = x.hi = 0;
	div = !human && x.hi < 10000 && x.lo > -10000 ? 1 : 1000;	/* people: seconds */
	unit = div == 1 ? "ms" : "s";
	yhi = nice(x.hi > div ? (x.hi + div - 1) / div : 1) * div;
	ylo = x.lo < 0 ? -nice((-x.lo + div - 1) / div) * div : 0;
	span_t = x.t1 - x.t0;
	buf_init(&sum, 4096);
	rc = label(&sum, l, g, &x);
	if (!rc)
		rc = buf_addf(b, "<figure>\n<figcaption>%s</figcaption>\n", W(words, l, human ?
		    "Time to acknowledge the human checks" : "Round trip of the machine checks"));
	if (!rc)
		rc = buf_addf(b, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\""
		    " height=\"%d\" aria-label=\"", CW, CH, CW, CH);
	if (!rc)
		rc = buf_add(b, sum.p, sum.len);
	if (!rc)
		rc = buf_adds(b, "\"><title>");
	if (!rc)
		rc = buf_add(b, sum.p, sum.len);
	buf_free(&sum);
	/* the axes, their ticks and labels */
	if (!rc)
		rc = buf_addf(b, "</title>\n<g stroke=\"#444\" stroke-width=\"1\">"
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/></g>\n"
		    "<g font-family=\"sans-serif\" font-size=\"12\" fill=\"#111\">",
		    CL, CT, CL, CT + PH, CL, CT + PH, CL + PW, CT + PH);
	for (int k = 0; !rc && k < 3; k++) {
		/* ticks: the bottom, 0 or the middle, the top */
		int64_t v = k == 0 ? ylo : k == 2 ? yhi : ylo < 0 ? 0 : yhi / 2;
		long long y = CT + PH - (long long)((v - ylo) * PH / (yhi - ylo));
		char at[32];

		if (k == 1 && (v == ylo || v == yhi))
			continue;	/* no room for a middle */
		if (div == 1 || v % 1000 == 0)
			snprintf(at, sizeof at, "%lld", (long long)(v / div));
		else
			snprintf(at, sizeof at, "%s%lld.%lld", v < 0 ? "-" : "",
			    (long long)((v < 0 ? -v : v) / 1000),
			    (long long)((v < 0 ? -v : v) % 1000 / 100));
		rc = buf_addf(b, "<line x1=\"%d\" y1=\"%lld\" x2=\"%d\" y2=\"%lld\" stroke=\"#444\"/>"
		    "<text x=\"%d\" y=\"%lld\" text-anchor=\"end\">%s</text>",
		    CL - 5, y, CL, y, CL - 8, y + 4, at);
	}
	hhmm(x.t0, x.t0, span_t, t0s);
	hhmm(x.t1, x.t0, span_t, t1s);
	if (!rc)
		rc = buf_addf(b, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\""
		    " text-anchor=\"middle\">%s</text>"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%s</text>"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
		    CT + PH / 2, CT + PH / 2, unit, CL, CT + PH + 18, t0s, CL + PW, CT + PH + 18,
		    span_t ? t1s : "", CL + PW / 2, CT + PH + 18, W(words, l, "time (UTC)"));
	/* the legend: the shapes and what they mean */
	if (!rc)
		rc = buf_addf(b, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#0b4f9c\"/>"
		    "<text x=\"%d\" y=\"%d\">%s</text>"
		    "<path d=\"M%d %dl8 8m0 -8l-8 8\" stroke=\"#b00020\" stroke-width=\"2\"/>"
		    "<text x=\"%d\" y=\"%d\">%s</text>"
		    "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"#fff\" stroke=\"#444\" stroke-width=\"2\"/>"
		    "<text x=\"%d\" y=\"%d\">%s</text></g>\n",
		    CL + 4, CH - 12, CL + 12, CH - 8, W(words, l, "answered"),
		    CL + 156, CH - 16, CL + 170, CH - 8, W(words, l, "missed"),
		    CL + 304, CH - 12, CL + 312, CH - 8, W(words, l, "pending"));
	/* the line through the answered, then every point */
	if (!rc && x.answered > 1)
		rc = buf_adds(b, "<polyline fill=\"none\" stroke=\"#0b4f9c\" stroke-width=\"2\" points=\"");
	for (size_t i = 0; !rc && x.answered > 1 && i < x.n; i++) {
		const struct checks_point *p = &x.v[i];

		if (p->human != human || p->outcome != CHECKS_ANSWERED)
			continue;
		rc = buf_addf(b, "%s%lld,%lld", first ? "" : " ",
		    (long long)(CL + (span_t ? (p->made_ms - x.t0) * PW / span_t : PW / 2)),
		    (long long)(CT + PH - (p->ms - ylo) * PH / (yhi - ylo)));
		first = 0;
	}
	if (!rc && x.answered > 1)
		rc = buf_adds(b, "\"/>\n");
	for (size_t i = 0; !rc && i < x.n; i++) {
		const struct checks_point *p = &x.v[i];
		long long px = CL + (span_t ? (p->made_ms - x.t0) * PW / span_t : PW / 2);

		if (p->human != human)
			continue;
		if (p->outcome == CHECKS_ANSWERED)
			rc = buf_addf(b, "<circle class=\"point\" cx=\"%lld\" cy=\"%lld\" r=\"4\""
			    " fill=\"#0b4f9c\"/>", px,
			    (long long)(CT + PH - (p->ms - ylo) * PH / (yhi - ylo)));
		else if (p->outcome == CHECKS_MISSED)
			rc = buf_addf(b, "<path class=\"missed\" d=\"M%lld %dl8 8m0 -8l-8 8\""
			    " stroke=\"#b00020\" stroke-width=\"2\"/>", px - 4, CT + PH - 4);
		else
			rc = buf_addf(b, "<circle class=\"pending\" cx=\"%lld\" cy=\"%d\" r=\"4\""
			    " fill=\"#fff\" stroke=\"#444\" stroke-width=\"2\"/>", px, CT + PH);
	}
	return rc ? rc : buf_adds(b, "\n</svg>\n</figure>\n");
}

/* ---- the latest checks as a table ---- */

static const char *
outcome(enum template_lang l, const struct checks_point *p)
{
	if (p->outcome == CHECKS_MISSED)
		return W(words, l, "missed");
	if (p->outcome == CHECKS_ANSWERED)
		return W(words, l, p->human ? "acknowledged" : "answered");
	return W(words, l, !p->receipt_ms ? "pending: no receipt yet" :
	    "pending: not acknowledged yet");
}

static status
when(struct buf *b, int64_t ms)
{
	char t[STAMP_TIME_LEN];

	if (!ms)
		return buf_adds(b, "<td>&ndash;</td>");
	stamp_format(ms, t);
	return buf_addf(b, "<td><time datetime=\"%s\">%s</time></td>", t, t);
}

static status
history(struct buf *b, enum template_lang l, const struct checks_group *g)
{
	status rc = buf_addf(b, "<table class=\"history\">\n<caption>%s (%zu): ",
	    W(words, l, "The latest checks"), g->n_last);

	if (!rc)
		rc = where(b, l, g);
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead>\n<tbody>\n", W(words, l, "Sent at"), W(words, l, "Kind"),
		    W(words, l, "Outcome"), W(words, l, "Figure"), W(words, l, "Receipt"),
		    W(words, l, "Acknowledged"), W(words, l, "Message"));
	for (size_t i = g->n_last; !rc && i-- > 0;) {	/* the newest first */
		const struct checks_point *p = &g->last[i];
		char fig[32];

		rc = buf_addf(b, "<tr id=\"check-%s\" class=\"check-%s\">", p->msg,
		    p->outcome == CHECKS_ANSWERED ? "answered" : p->outcome == CHECKS_MISSED ?
		    "missed" : "pending");
		if (!rc)
			rc = when(b, p->made_ms);
		if (!rc)
			rc = buf_addf(b, "<td>%s</td><td>%s</td>",
			    W(words, l, p->human ? "human" : "machine"), outcome(l, p));
		if (!rc && p->outcome == CHECKS_ANSWERED) {
			span(p->ms, fig);
			rc = buf_addf(b, "<td class=\"figure\" data-ms=\"%lld\">%s</td>",
			    (long long)p->ms, fig);
		} else if (!rc) {
			rc = buf_adds(b, "<td class=\"figure\">&ndash;</td>");
		}
		if (!rc)
			rc = when(b, p->receipt_ms);
		if (!rc && p->ack_ms) {
			char t[STAMP_TIME_LEN];

			stamp_format(p->ack_ms, t);
			rc = buf_addf(b, "<td><time datetime=\"%s\">%s</time> %s ", t, t,
			    W(words, l, "by"));
			if (!rc)
				rc = page_text(b, p->ack_officer);
			if (!rc)
				rc = buf_adds(b, "</td>");
		} else if (!rc) {
			rc = buf_adds(b, "<td>&ndash;</td>");
		}
		if (!rc)
			rc = buf_addf(b, "<td><a href=\"/message/%s\">&hellip;%s</a></td></tr>\n", p->msg,
			    p->msg + strlen(p->msg) - (strlen(p->msg) > 12 ? 12 : strlen(p->msg)));
	}
	return rc ? rc : buf_adds(b, "</tbody>\n</table>\n");
}

/* ---- the form ---- */

/* invalid - the attributes of a field that is wrong (field), else "". */
static status
invalid(struct buf *b, const struct asked *a, const char *field)
{
	if (!a->field || strcmp(a->field, field) != 0)
		return ST_OK;
	return buf_addf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", field);
}

/* error_for - the error's text beside field, when it is the one wrong. */
static status
error_for(struct buf *b, const struct asked *a, const char *field)
{
	status rc;

	if (!a->field || strcmp(a->field, field) != 0)
		return ST_OK;
	rc = buf_addf(b, "<p class=\"error\" role=\"alert\" id=\"%s-error\">", field);
	if (!rc)
		rc = page_text(b, a->why);
	return rc ? rc : buf_adds(b, "</p>\n");
}

static status
form(struct buf *b, enum template_lang l, const struct console_session *s,
    const struct cpeers *ps, const struct asked *a)
{
	size_t most = 0;
	int human = a->kind && strcmp(a->kind, "human") == 0;
	status rc = buf_addf(b, "<section aria-labelledby=\"run-h\">\n<h2 id=\"run-h\">%s</h2>\n",
	    W(words, l, "Run a check"));

	if (!rc && !ps->n)
		return buf_addf(b, "<p>%s</p>\n</section>\n",
		    W(words, l, "No peer is pinned: there is nobody to check."));
	if (!rc)
		rc = error_for(b, a, "form");
	if (!rc)
		rc = buf_adds(b, "<form method=\"post\" action=\"/check\" id=\"run\">");
	if (!rc)
		rc = page_csrf(b, s->csrf);
	if (!rc)
		rc = buf_addf(b, "\n<label for=\"peer\">%s</label>\n<select id=\"peer\" name=\"peer\""
		    " required", W(words, l, "Peer"));
	if (!rc)
		rc = invalid(b, a, "peer");
	if (!rc)
		rc = buf_adds(b, ">");
	for (size_t i = 0; !rc && i < ps->n; i++) {
		int sel = a->peer && strcmp(a->peer, ps->v[i].name) == 0;

		most = ps->v[i].n_eps > most ? ps->v[i].n_eps : most;
		rc = buf_adds(b, "<option value=\"");
		if (!rc)
			rc = page_text(b, ps->v[i].name);
		if (!rc)
			rc = buf_addf(b, "\"%s>", sel ? " selected" : "");
		if (!rc)
			rc = page_text(b, ps->v[i].name);
		if (!rc)
			rc = buf_adds(b, "</option>");
	}
	if (!rc)
		rc = buf_adds(b, "</select>\n");
	if (!rc)
		rc = error_for(b, a, "peer");
	if (!rc)
		rc = buf_addf(b, "<fieldset id=\"kind\"");
	if (!rc)
		rc = invalid(b, a, "kind");
	if (!rc)
		rc = buf_addf(b, "><legend>%s</legend>\n"
		    "<input type=\"radio\" id=\"kind-machine\" name=\"kind\" value=\"machine\"%s>"
		    " <label for=\"kind-machine\" class=\"inline\">%s</label><br>\n"
		    "<input type=\"radio\" id=\"kind-human\" name=\"kind\" value=\"human\"%s>"
		    " <label for=\"kind-human\" class=\"inline\">%s</label>\n</fieldset>\n",
		    W(words, l, "Kind"), human ? "" : " checked",
		    W(words, l, "Machine: the peer's node answers with its signed receipt"),
		    human ? " checked" : "",
		    W(words, l, "Human: an officer at the peer's desk must acknowledge it"));
	if (!rc)
		rc = error_for(b, a, "kind");
	if (!rc)
		rc = buf_addf(b, "<label for=\"path\">%s</label>\n<select id=\"path\" name=\"path\"",
		    W(words, l, "Path"));
	if (!rc && a->field && strcmp(a->field, "path") == 0)
		rc = buf_adds(b, " aria-invalid=\"true\" aria-describedby=\"path-error paths\"");
	else if (!rc)
		rc = buf_adds(b, " aria-describedby=\"paths\"");
	if (!rc)
		rc = buf_addf(b, "><option value=\"any\">%s</option>",
		    W(words, l, "Any path (the one in use)"));
	for (size_t n = 0; !rc && n < most; n++)
		rc = buf_addf(b, "<option value=\"%zu\"%s>%s %zu</option>", n,
		    a->path && a->path[0] == (char)('0' + n) && !a->path[1] ? " selected" : "",
		    W(words, l, "path"), n);
	if (!rc)
		rc = buf_adds(b, "</select>\n");
	if (!rc)
		rc = error_for(b, a, "path");
	if (!rc)
		rc = buf_addf(b, "<div id=\"paths\" class=\"hint\"><p>%s</p><ul>",
		    W(words, l, "The paths are the endpoints of the peer's card, from 0:"));
	for (size_t i = 0; !rc && i < ps->n; i++) {
		rc = buf_adds(b, "<li>");
		if (!rc)
			rc = page_text(b, ps->v[i].name);
		for (size_t n = 0; !rc && n < ps->v[i].n_eps; n++) {
			rc = buf_addf(b, "%s %zu: ", n ? ";" : ":", n);
			if (!rc)
				rc = page_text(b, ps->v[i].eps[n]);
		}
		if (!rc)
			rc = buf_adds(b, "</li>");
	}
	if (!rc)
		rc = buf_addf(b, "</ul><p>%s</p></div>\n<p><button type=\"submit\">%s</button></p>\n"
		    "</form>\n</section>\n",
		    W(words, l, "A check goes on the urgent link at routine priority, signed as yours."),
		    W(words, l, "Run check"));
	return rc;
}

/* ---- the page ---- */

static status
page(struct console *c, const struct console_session *s, const struct asked *a,
    const char *sent, struct buf *b)
{
	enum template_lang l = s->lang < TEMPLATE_LANGS ? s->lang : TEMPLATE_EN;
	int64_t now = stamp_now_ms();
	struct checks *ck = NULL;
	struct cpeers ps;
	status rc = peers_read(c, &ps);

	if (!rc)
		rc = checks_new(now, CHECK_HISTORY, &ck);
	if (!rc)
		rc = checks_read(ck, node_store(console_node(c)), now - CHECK_SINCE_MS);
	if (!rc)
		rc = page_begin(b, l, PAGE_CHECKS, NULL, W(words, l, "Checks"), s->officer, s->csrf);
	if (!rc)
		rc = buf_addf(b, "<h1>%s</h1>\n", W(words, l, "Checks"));
	if (!rc && sent)
		rc = buf_addf(b, "<p class=\"ok\" role=\"status\" id=\"sent\">%s"
		    " <a href=\"#check-%s\">%s</a>; %s</p>\n", W(words, l, "Check sent:"), sent, sent,
		    W(words, l, "it is listed below, and its figure shows once it is answered."));
	if (!rc)
		rc = form(b, l, s, &ps, a);
	if (!rc)
		rc = buf_addf(b, "<section aria-labelledby=\"hist-h\" id=\"history\">\n<h2 id=\"hist-h\">%s</h2>\n"
		    "<p>%s</p>\n", W(words, l, "History"), W(words, l, "The checks of the last 7 days,"
		    " per peer, direction and path; the latest 50 of each are charted and listed."));
	if (!rc && !checks_n(ck))
		rc = buf_addf(b, "<p>%s</p>\n", W(words, l, "No check in the last 7 days."));
	for (size_t i = 0; !rc && i < checks_n(ck); i++) {
		const struct checks_group *g = checks_at(ck, i);

		rc = buf_addf(b, "<section class=\"group\" aria-labelledby=\"g%zu\" data-peer=\"", i);
		if (!rc)
			rc = page_text(b, g->peer);
		if (!rc)
			rc = buf_addf(b, "\" data-direction=\"%s\" data-path=\"%d\">\n<h3 id=\"g%zu\">",
			    g->out ? "sent" : "received", g->path, i);
		if (!rc)
			rc = where(b, l, g);
		if (!rc)
			rc = buf_adds(b, "</h3>\n");
		if (!rc)
			rc = figures(b, l, g);
		if (!rc)
			rc = chart(b, l, g, 0);
		if (!rc)
			rc = chart(b, l, g, 1);
		if (!rc)
			rc = history(b, l, g);
		if (!rc)
			rc = buf_adds(b, "</section>\n");
	}
	if (!rc)
		rc = buf_adds(b, "</section>\n");
	if (!rc)
		rc = page_end(b);
	checks_free(ck);
	free(ps.v);
	return rc;
}

/* answer - the page for s (a: what was asked; sent: a check just sent)
 * with status st. */
static void
answer(struct console *c, struct http_req *r, const struct console_session *s, status st,
    const struct asked *a, const char *sent)
{
	struct buf b;
	status rc;

	buf_init(&b, 16 << 20);
	rc = page(c, s, a, sent, &b);
	if (rc)
		console_fail(r, s, rc == ST_NOMEM || rc == ST_TOOBIG ? ST_NOMEM : ST_DB,
		    W(words, s->lang, "The checks page cannot be made now."));
	else
		console_html(r, st, &b);
	buf_free(&b);
}

static void
on_checks(void *arg, struct http_req *r)
{
	struct console *c = arg;
	struct console_session *s = console_enter(c, r, 0);
	const char *sent;
	struct asked a;

	if (!s)
		return;	/* answered: r is gone */
	memset(&a, 0, sizeof a);
	sent = http_req_query(r, "sent");
	answer(c, r, s, ST_OK, &a, sent && stamp_is_uuid(sent) ? sent : NULL);
}

/* asked_path - the path field: -1 for any, else 0..3; -2 when it is not one. */
static int
asked_path(const char *p)
{
	if (!p || !p[0] || strcmp(p, "any") == 0)
		return -1;
	if (p[0] >= '0' && p[0] <= '3' && !p[1])
		return p[0] - '0';
	return -2;
}

/* refuse - the checks page again with a's problem (field: the one
 * wrong), status st; nothing was sent. */
static void
refuse(struct console *c, struct http_req *r, const struct console_session *s,
    struct asked *a, status st, const char *field)
{
	a->field = field;
	answer(c, r, s, st, a, NULL);
}

static void
on_check(void *arg, struct http_req *r)
{
	struct console *c = arg;
	struct console_session *s = console_enter(c, r, 1);
	enum template_lang l;
	const struct cpeer *p;
	char id[STAMP_UUID_LEN];
	const char *why = NULL;
	struct desk_send req;
	struct cpeers ps;
	struct asked a;
	int path;
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	l = s->lang;
	memset(&a, 0, sizeof a);
	a.peer = http_req_form(r, "peer");
	a.kind = http_req_form(r, "kind");
	a.path = http_req_form(r, "path");
	if ((rc = peers_read(c, &ps)) != ST_OK) {
		console_fail(r, s, ST_DB, W(words, l, "The checks page cannot be made now."));
		return;
	}
	p = peer_named(&ps, a.peer);
	path = asked_path(a.path);
	if (!a.peer || !a.peer[0]) {
		snprintf(a.why, sizeof a.why, "%s", W(words, l, "Choose a peer to check."));
		refuse(c, r, s, &a, ST_INVALID, "peer");
	} else if (!p) {
		snprintf(a.why, sizeof a.why, "%s %.200s", W(words, l,
		    "No pinned peer has this name:"), a.peer);
		refuse(c, r, s, &a, ST_INVALID, "peer");
	} else if (!a.kind || (strcmp(a.kind, "machine") != 0 && strcmp(a.kind, "human") != 0)) {
		snprintf(a.why, sizeof a.why, "%s", W(words, l, "Choose machine or human."));
		refuse(c, r, s, &a, ST_INVALID, "kind");
	} else if (path == -2) {
		snprintf(a.why, sizeof a.why, "%s", W(words, l,
		    "The path is not a number from 0 to 3."));
		refuse(c, r, s, &a, ST_INVALID, "path");
	} else if (path >= 0 && (size_t)path >= p->n_eps) {
		snprintf(a.why, sizeof a.why, "%s %s %zu.", p->name, W(words, l,
		    "has no such path; the paths of its card are 0 to"), p->n_eps ? p->n_eps - 1 : 0);
		refuse(c, r, s, &a, ST_INVALID, "path");
	} else if (path >= 0 && (rc = link_use_path(console_link(c), p->name, (size_t)path))) {
		if (rc == ST_INVALID)
			snprintf(a.why, sizeof a.why, "%s %s %zu.", p->name, W(words, l,
			    "has no such path; the paths of its card are 0 to"),
			    p->n_eps ? p->n_eps - 1 : 0);
		else
			snprintf(a.why, sizeof a.why, "%s %s", p->name, W(words, l,
			    "is not dialled yet: try again in a moment."));
		refuse(c, r, s, &a, rc == ST_INVALID ? ST_INVALID : ST_CONFLICT, "path");
	} else {
		/* the same turn of the loop as link_use_path: the check goes on
		 * that path (api.c's sends does the same) */
		memset(&req, 0, sizeof req);
		req.peer = p->name;
		req.link = CHECK_LINK;
		req.tmpl = "comm-check";
		req.priority = CHECK_PRIORITY;
		req.form = "{}";
		req.form_len = 2;
		req.officer = s->officer;
		req.check = a.kind;
		rc = desk_send(console_desk(c), &req, id, &why);
		if (rc) {
			snprintf(a.why, sizeof a.why, "%s %s", W(words, l, "The check was not sent:"),
			    why ? why : status_str(rc));
			refuse(c, r, s, &a, rc == ST_LINK || rc == ST_NOTFOUND ? ST_CONFLICT : rc,
			    "form");
		} else {
			char where_to[64];

			diag_info("console: %s ran a %s check of %s (path %s, message %s)", s->officer,
			    a.kind, p->name, path >= 0 ? a.path : "any", id);
			snprintf(where_to, sizeof where_to, "/checks?sent=%s", id);
			console_see_other(r, where_to);
		}
	}
	free(ps.v);
}

status
checkpage_routes(struct console *c)
{
	status rc = console_route(c, HTTP_GET, "/checks", 0, on_checks, c);

	return rc ? rc : console_route(c, HTTP_POST, "/check", 8192, on_check, c);
}
