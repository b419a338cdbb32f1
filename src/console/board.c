/* board.c - the duty console's board: the desk's items, the most urgent
 * first, and acknowledging one (console_int.h).
 *
 * The rows of the first page are made once per change of the desk (and
 * at most once a second, as an item's state turns with the clock) per
 * language, and shared by every officer's page: nothing in them is the
 * session's.  The page's one form carries the session's CSRF token, and
 * each "Acknowledge" button names its item.  The first focusable thing on
 * the board is the link "Acknowledge the top item": Tab, Enter, Enter
 * acknowledges the most urgent item not yet acknowledged.
 */
#include <stdlib.h>
#include <string.h>

#include "console/console_int.h"
#include "console/page.h"
#include "console/words.h"
#include "desk/desk.h"
#include "node/node.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/stamp.h"

#define PAGE_ROWS 100		/* rows on a page of the board */
#define CACHE_MS 1000		/* a cached first page lives at most this long */
#define CLOSED_SHOWN_MS (24 * 3600 * 1000LL)	/* closed items stay a day */

static const struct words words[] = {
	{ { "Board", "Tableau" } },
	{ { "Priority", "Priorité" } },
	{ { "Peer", "Partenaire" } },
	{ { "Subject", "Objet" } },
	{ { "Template", "Modèle" } },
	{ { "State", "État" } },
	{ { "Acknowledgement", "Accusé de réception" } },
	{ { "Reply", "Répondre" } },
	{ { "Answer", "Réponse" } },
	{ { "Action", "Action" } },
	{ { "from", "de" } },
	{ { "sent to", "envoyé à" } },
	{ { "Acknowledge", "Accuser réception" } },
	{ { "Acknowledge the top item", "Accuser réception du premier élément" } },
	{ { "acknowledged by", "reçu par" } },
	{ { "at", "à" } },
	{ { "On duty now:", "De permanence :" } },
	{ { "nobody, by the roster", "personne, selon le tableau de service" } },
	{ { "no roster is set", "aucun tableau de service" } },
	{ { "urgent items not acknowledged", "éléments urgents sans accusé de réception" } },
	{ { "urgent item not acknowledged", "élément urgent sans accusé de réception" } },
	{ { "items, the most urgent first", "éléments, les plus urgents d'abord" } },
	{ { "item", "élément" } },
	{ { "No urgent item waits for an acknowledgement.",
	    "Aucun élément urgent n'attend d'accusé de réception." } },
	{ { "shown", "affichés" } },
	{ { "Earlier page", "Page précédente" } },
	{ { "Next page", "Page suivante" } },
	{ { "Nothing on the desk.", "Rien sur le bureau." } },
};

/* One language's first page, as last made. */
struct cached {
	uint64_t version;	/* the console's change count it was made at */
	int64_t made_ms;	/* 0: none */
	struct buf rows;
	size_t n, alarms;
	char top[STAMP_UUID_LEN];	/* the first item to acknowledge; "" none */
};

struct board {
	struct console *c;
	struct cached cache[TEMPLATE_LANGS];
};

/* What one pass over the desk's items makes. */
struct pass {
	struct buf *rows;
	enum template_lang l;
	int64_t now;
	size_t from, n, alarms;
	char top[STAMP_UUID_LEN];
	status rc;
};

static int
urgent(const struct store_desk_item *it)
{
	return !strcmp(it->priority, "flash") || !strcmp(it->priority, "immediate");
}

static status
text_cell(struct buf *b, const char *before, const char *s)
{
	status rc = buf_adds(b, before);

	return rc ? rc : page_text(b, s);
}

/* due - a countdown to due_ms (the page's script keeps it going). */
static status
due(struct buf *b, int64_t due_ms)
{
	char t[STAMP_TIME_LEN];

	stamp_format(due_ms, t);
	return buf_addf(b, "<time datetime=\"%s\" data-due=\"%lld\">%s</time>", t,
	    (long long)due_ms, t);
}

static status
row(struct pass *x, const struct store_desk_item *it)
{
	const struct template *t = template_find(it->tmpl);
	struct buf *b = x->rows;
	char at[STAMP_TIME_LEN];
	enum template_lang l = x->l;
	status rc;

	rc = buf_addf(b, "<tr id=\"item-%s\"%s><td><span class=\"prio prio-%s\">%s</span></td>"
	    "<td>%s ", it->msg, it->out ? " class=\"out\"" : "", it->priority,
	    W(words, l, it->priority), W(words, l, it->out ? "sent to" : "from"));
	if (!rc)
		rc = page_text(b, it->peer);
	if (!rc)
		rc = buf_addf(b, "</td><td><a href=\"/message/%s\">", it->msg);
	if (!rc)
		rc = page_text(b, it->subject[0] ? it->subject : it->msg);
	if (!rc)
		rc = text_cell(b, "</a></td><td>", t ? template_title(t, l) : it->tmpl);
	if (!rc)
		rc = buf_addf(b, "</td><td class=\"state\">%s</td><td>",
		    W(words, l, desk_state(it, x->now)));
	if (!rc && it->ack_due_ms && !it->ack_ms && !it->reply_ms)
		rc = due(b, it->ack_due_ms);
	if (!rc && it->ack_ms) {
		stamp_format(it->ack_ms, at);
		rc = text_cell(b, W(words, l, "acknowledged by"), "");
		if (!rc)
			rc = text_cell(b, " ", it->ack_officer);
		if (!rc)	/* "2026-11-27 02:04 UTC": to the minute */
			rc = buf_addf(b, " %s <time datetime=\"%s\">%.10s %.5s UTC</time>",
			    W(words, l, "at"), at, at, at + 11);
	}
	if (!rc)
		rc = buf_adds(b, "</td><td>");
	if (!rc && it->reply_due_ms && !it->reply_ms)
		rc = due(b, it->reply_due_ms);
	if (!rc)
		rc = buf_adds(b, "</td><td>");
	if (!rc && !it->out && !it->ack_ms)
		rc = buf_addf(b, "<button type=\"submit\" name=\"id\" value=\"%s\" id=\"ack-%s\">"
		    "%s</button> ", it->msg, it->msg, W(words, l, "Acknowledge"));
	if (!rc && !it->out && it->expects_reply && !it->reply_ms)
		rc = buf_addf(b, "<a class=\"button\" href=\"/compose?reply=%s\">%s</a>", it->msg,
		    W(words, l, "Reply"));
	return rc ? rc : buf_adds(b, "</td></tr>\n");
}

static int
on_item(void *arg, const struct store_desk_item *it)
{
	struct pass *x = arg;
	int wants_ack = !it->out && !it->ack_ms;

	if (wants_ack && urgent(it))
		x->alarms++;
	if (wants_ack && !x->top[0])
		memcpy(x->top, it->msg, STAMP_UUID_LEN);
	if (x->n >= x->from && x->n < x->from + PAGE_ROWS)
		x->rc = row(x, it);
	x->n++;
	return x->rc != ST_OK;
}

/* rows - one pass over the desk's items for the page from from. */
static status
rows(struct board *bd, struct pass *x)
{
	status rc = store_desk_open(node_store(console_node(bd->c)), x->now - CLOSED_SHOWN_MS,
	    on_item, x);

	return rc ? rc : x->rc;
}

/* page - the board for s from row from, into b. */
static status
page(struct board *bd, const struct console_session *s, size_t from, struct buf *b)
{
	enum template_lang l = s->lang < TEMPLATE_LANGS ? s->lang : TEMPLATE_EN;
	struct cached *k = &bd->cache[l];
	int64_t now = stamp_now_ms();
	struct pass x;
	struct buf fresh, first;
	char duty[512];
	int on;
	status rc;

	memset(&x, 0, sizeof x);
	x.l = l;
	x.now = now;
	x.from = from;
	buf_init(&fresh, 16 << 20);
	if (from == 0 && k->made_ms && k->version == console_version(bd->c) &&
	    now - k->made_ms < CACHE_MS && now >= k->made_ms) {
		x.n = k->n;
		x.alarms = k->alarms;
		memcpy(x.top, k->top, sizeof x.top);
		rc = ST_OK;
	} else {
		x.rows = &fresh;
		rc = rows(bd, &x);
		if (!rc && from == 0) {	/* keep it for the next page asked */
			buf_free(&k->rows);
			k->rows = fresh;
			buf_init(&fresh, 16 << 20);
			k->n = x.n;
			k->alarms = x.alarms;
			memcpy(k->top, x.top, sizeof k->top);
			k->version = console_version(bd->c);
			k->made_ms = now;
		}
	}
	buf_init(&first, 512);
	if (!rc && x.top[0])
		rc = buf_addf(&first, "<a class=\"skip\" id=\"skip-ack\" href=\"#ack-%s\">%s</a>\n",
		    x.top, W(words, l, "Acknowledge the top item"));
	if (!rc)
		rc = page_begin(b, l, PAGE_BOARD, first.len ? buf_str(&first) : NULL,
		    W(words, l, "Board"), s->officer, s->csrf);
	buf_free(&first);
	/* the alarm, or a calm box of the same size: nothing moves under the
	 * pointer when one turns into the other */
	if (!rc && x.alarms)
		rc = buf_addf(b, "<div class=\"alarm\" role=\"alert\" id=\"alarm\">%zu %s</div>\n",
		    x.alarms, W(words, l, x.alarms == 1 ? "urgent item not acknowledged" :
		    "urgent items not acknowledged"));
	else if (!rc)
		rc = buf_addf(b, "<div class=\"calm\" id=\"calm\">%s</div>\n",
		    W(words, l, "No urgent item waits for an acknowledgement."));
	if (!rc)
		rc = buf_addf(b, "<h1>%s</h1>\n", W(words, l, "Board"));
	on = desk_on_duty(console_desk(bd->c), now, duty, sizeof duty);
	if (!rc)
		rc = buf_addf(b, "<p class=\"duty\">%s ", W(words, l, "On duty now:"));
	if (!rc)
		rc = on > 0 ? page_text(b, duty) : buf_adds(b, W(words, l, on < 0 ?
		    "no roster is set" : "nobody, by the roster"));
	if (!rc)
		rc = buf_adds(b, "</p>\n<form method=\"post\" action=\"/ack\">");
	if (!rc)
		rc = page_csrf(b, s->csrf);
	if (!rc)
		rc = x.n == 1 ? buf_addf(b, "\n<table id=\"board\">\n<caption>1 %s",
		    W(words, l, "item")) : buf_addf(b, "\n<table id=\"board\">\n<caption>%zu %s",
		    x.n, W(words, l, "items, the most urgent first"));
	if (!rc && x.n > PAGE_ROWS)
		rc = buf_addf(b, "; %zu&ndash;%zu %s", from + 1, from + PAGE_ROWS < x.n ?
		    from + PAGE_ROWS : x.n, W(words, l, "shown"));
	if (!rc)
		rc = buf_addf(b, "</caption>\n<thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		    W(words, l, "Priority"), W(words, l, "Peer"), W(words, l, "Subject"),
		    W(words, l, "Template"), W(words, l, "State"), W(words, l, "Acknowledgement"),
		    W(words, l, "Answer"), W(words, l, "Action"));
	if (!rc)
		rc = from == 0 ? buf_add(b, k->rows.p ? k->rows.p : "", k->rows.len) :
		    buf_add(b, fresh.p ? fresh.p : "", fresh.len);
	if (!rc)
		rc = buf_adds(b, "</tbody>\n</table>\n</form>\n");
	if (!rc && x.n == 0)
		rc = buf_addf(b, "<p>%s</p>\n", W(words, l, "Nothing on the desk."));
	if (!rc && (from > 0 || from + PAGE_ROWS < x.n)) {
		rc = buf_adds(b, "<nav class=\"pages\">");
		if (!rc && from > 0)
			rc = buf_addf(b, "<a href=\"/board?from=%zu\">%s</a> ",
			    from > PAGE_ROWS ? from - PAGE_ROWS : 0, W(words, l, "Earlier page"));
		if (!rc && from + PAGE_ROWS < x.n)
			rc = buf_addf(b, "<a href=\"/board?from=%zu\">%s</a>", from + PAGE_ROWS,
			    W(words, l, "Next page"));
		if (!rc)
			rc = buf_adds(b, "</nav>\n");
	}
	if (!rc)
		rc = page_end(b);
	buf_free(&fresh);
	return rc;
}

static void
on_board(void *arg, struct http_req *r)
{
	struct board *bd = arg;
	struct console_session *s = console_enter(bd->c, r, 0);
	const char *from_s;
	unsigned long long from = 0;
	char *end = NULL;
	struct buf b;
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	from_s = http_req_query(r, "from");
	if (from_s && (from = strtoull(from_s, &end, 10), !*from_s || *end || from > 1000000000)) {
		console_fail(r, s, ST_INVALID, "The page asked for is not a number of rows.");
		return;
	}
	buf_init(&b, 16 << 20);
	rc = page(bd, s, (size_t)from, &b);
	if (rc)
		console_fail(r, s, rc == ST_NOMEM || rc == ST_TOOBIG ? ST_NOMEM : ST_DB,
		    "The board cannot be made now.");
	else
		console_html(r, ST_OK, &b);
	buf_free(&b);
}

static void
on_ack(void *arg, struct http_req *r)
{
	struct board *bd = arg;
	struct console_session *s = console_enter(bd->c, r, 1);
	const char *id, *why = NULL, *back;
	char ack_id[STAMP_UUID_LEN], here[16 + STAMP_UUID_LEN];
	status rc;

	if (!s)
		return;	/* answered: r is gone */
	id = http_req_form(r, "id");
	if (!id || !stamp_is_uuid(id)) {
		console_fail(r, s, ST_INVALID, "The form names no item.");
		return;
	}
	back = http_req_form(r, "back");
	rc = desk_ack(console_desk(bd->c), id, s->officer, NULL, ack_id, &why);
	if (rc) {
		console_fail(r, s, rc, why ? why : status_str(rc));
		return;
	}
	diag_info("console: %s acknowledged %s (statement %s)", s->officer, id, ack_id);
	/* back to the item's own page when the form came from it; never
	 * anywhere else a form could name */
	snprintf(here, sizeof here, "/message/%s", id);
	console_see_other(r, back && strcmp(back, here) == 0 ? here : "/board");
}

status
board_new(struct console *c, struct board **out)
{
	struct board *bd = calloc(1, sizeof *bd);
	status rc;

	*out = NULL;
	if (!bd)
		return ST_NOMEM;
	bd->c = c;
	for (int i = 0; i < TEMPLATE_LANGS; i++)
		buf_init(&bd->cache[i].rows, 16 << 20);
	rc = console_route(c, HTTP_GET, "/board", 0, on_board, bd);
	if (!rc)
		rc = console_route(c, HTTP_POST, "/ack", 8192, on_ack, bd);
	if (rc) {
		board_free(bd);
		return rc;
	}
	*out = bd;
	return ST_OK;
}

void
board_free(struct board *bd)
{
	if (!bd)
		return;
	for (int i = 0; i < TEMPLATE_LANGS; i++)
		buf_free(&bd->cache[i].rows);
	free(bd);
}
