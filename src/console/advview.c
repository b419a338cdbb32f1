/* advview.c - a CSAF advisory on the console's message page (issue 17):
 * what a duty officer needs to read it, from csaf_summary: the title,
 * tracking id and version, status, TLP, publisher, release dates, the
 * products, and per vulnerability its CVE, CVSS scores and remediations by
 * category.  Remedies are information: no link in an advisory is made
 * clickable, so the page never sends the officer anywhere.
 *
 * SECURITY: every string of the document goes through page_text.
 */
#include <string.h>

#include <jansson.h>

#include "console/console_int.h"
#include "console/page.h"
#include "console/words.h"
#include "fmt/csaf.h"

static const struct words words[] = {
	{ { "Advisory", "Avis" } },
	{ { "Tracking id", "Identifiant" } },
	{ { "Version", "Version" } },
	{ { "Status", "Statut" } },
	{ { "Publisher", "Éditeur" } },
	{ { "TLP", "TLP" } },
	{ { "Released", "Publié" } },
	{ { "Current release", "Version en vigueur" } },
	{ { "Products", "Produits" } },
	{ { "Vulnerabilities", "Vulnérabilités" } },
	{ { "Scores", "Scores" } },
	{ { "Remediations", "Remèdes" } },
	{ { "none", "aucun" } },
	{ { "Remedies are information only: parley installs nothing.",
	    "Les remèdes sont une information : parley n'installe rien." } },
};

#define PRODUCTS_SHOWN 50

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* row - "<tr><th>TERM</th><td>TEXT</td></tr>" */
static status
row(struct buf *b, enum template_lang l, const char *term, const char *text)
{
	status rc = buf_addf(b, "<tr><th scope=\"row\">%s</th>", W(words, l, term));

	return rc ? rc : page_text_in(b, "<td>", text[0] ? text : "-", "</td></tr>\n");
}

/* The facts table: each row's term and csaf_summary's member. */
static const struct { const char *term, *key; } fact_rows[] = {
	{ "Tracking id", "tracking_id" }, { "Version", "version" }, { "Status", "status" },
	{ "Publisher", "publisher" }, { "TLP", "tlp" }, { "Released", "initial_release_date" },
	{ "Current release", "current_release_date" },
};

static status
facts(struct buf *b, enum template_lang l, const json_t *s)
{
	status rc = buf_addf(b, "<h2 id=\"advisory\">%s</h2>\n<table class=\"facts\">\n<tbody>\n",
	    W(words, l, "Advisory"));

	for (size_t i = 0; !rc && i < sizeof fact_rows / sizeof fact_rows[0]; i++)
		rc = row(b, l, fact_rows[i].term, str(s, fact_rows[i].key));
	return rc ? rc : buf_adds(b, "</tbody>\n</table>\n");
}

static status
products(struct buf *b, enum template_lang l, const json_t *ps)
{
	size_t i, n = json_array_size(ps);
	status rc = buf_addf(b, "<h3>%s (%zu)</h3>\n<ul class=\"products\">\n",
	    W(words, l, "Products"), n);

	for (i = 0; !rc && i < n && i < PRODUCTS_SHOWN; i++) {
		const json_t *p = json_array_get(ps, i);

		rc = page_text_in(b, "<li><code>", str(p, "product_id"), "</code> ");
		if (!rc)
			rc = page_text_in(b, "", str(p, "name"), "</li>\n");
	}
	if (!rc && i < n)
		rc = buf_addf(b, "<li>… +%zu</li>\n", n - i);
	return rc ? rc : buf_adds(b, "</ul>\n");
}

static status
vulnerability(struct buf *b, enum template_lang l, const json_t *v)
{
	const json_t *cv = json_object_get(v, "cvss"), *rs = json_object_get(v, "remediations");
	status rc = page_text_in(b, "<section class=\"vuln\">\n<h3>",
	    str(v, "cve")[0] ? str(v, "cve") : "-", "");
	size_t i;

	if (!rc && str(v, "title")[0])
		rc = page_text_in(b, ": ", str(v, "title"), "");
	if (!rc)
		rc = buf_adds(b, "</h3>\n");
	if (!rc && json_array_size(cv))
		rc = buf_addf(b, "<p>%s:</p>\n<ul class=\"scores\">\n", W(words, l, "Scores"));
	for (i = 0; !rc && i < json_array_size(cv); i++) {
		const json_t *c = json_array_get(cv, i);

		rc = page_text_in(b, "<li>CVSS ", str(c, "version"), "");
		if (!rc)
			rc = buf_addf(b, " <strong>%.1f</strong> ",
			    json_number_value(json_object_get(c, "base_score")));
		if (!rc)
			rc = page_text_in(b, "", str(c, "base_severity"), " <code>");
		if (!rc)
			rc = page_text_in(b, "", str(c, "vector"), "</code></li>\n");
	}
	if (!rc && json_array_size(cv))
		rc = buf_adds(b, "</ul>\n");
	if (!rc)
		rc = buf_addf(b, "<p>%s:</p>\n<ul class=\"remediations\">\n",
		    W(words, l, "Remediations"));
	if (!rc && !json_array_size(rs))
		rc = buf_addf(b, "<li>%s</li>\n", W(words, l, "none"));
	for (i = 0; !rc && i < json_array_size(rs); i++) {
		const json_t *r = json_array_get(rs, i);

		rc = page_text_in(b, "<li><strong>", str(r, "category"), "</strong>: ");
		if (!rc)
			rc = page_text(b, str(r, "details"));
		if (!rc && str(r, "url")[0])	/* shown, not followed */
			rc = page_text_in(b, " <code>", str(r, "url"), "</code>");
		if (!rc)
			rc = buf_adds(b, "</li>\n");
	}
	return rc ? rc : buf_adds(b, "</ul>\n</section>\n");
}

status
advview_render(struct buf *b, const char *doc, size_t len, enum template_lang l)
{
	struct csaf_report rep;
	struct csaf *c = NULL;
	const json_t *vs;
	json_t *s;
	status rc;

	if ((rc = csaf_read(doc, len, &c, &rep)) != ST_OK)
		return rc;
	s = csaf_summary(c);
	csaf_free(c);
	if (!s)
		return ST_NOMEM;
	vs = json_object_get(s, "vulnerabilities");
	rc = facts(b, l, s);
	if (!rc)
		rc = products(b, l, json_object_get(s, "products"));
	if (!rc)
		rc = buf_addf(b, "<h3>%s (%zu)</h3>\n", W(words, l, "Vulnerabilities"),
		    json_array_size(vs));
	for (size_t i = 0; !rc && i < json_array_size(vs); i++)
		rc = vulnerability(b, l, json_array_get(vs, i));
	if (!rc)
		rc = buf_addf(b, "<p class=\"note\">%s</p>\n",
		    W(words, l, "Remedies are information only: parley installs nothing."));
	json_decref(s);
	return rc;
}
