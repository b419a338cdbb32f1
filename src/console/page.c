/* page.c - the duty console's HTML (page.h). */
#include <string.h>

#include "console/page.h"
#include "console/words.h"
#include "util/text.h"

status
page_text(struct buf *out, const char *s)
{
	struct buf shown;
	status rc;

	if (!s)
		s = "";
	buf_init(&shown, 4 * strlen(s) + 64);
	rc = text_escape(&shown, s, strlen(s), TEXT_LINES);
	for (size_t i = 0; !rc && i < shown.len; i++) {
		const char *e = NULL;

		switch (shown.p[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: break;
		}
		rc = e ? buf_adds(out, e) : buf_add(out, &shown.p[i], 1);
	}
	buf_free(&shown);
	return rc;
}

static const struct words frame[] = {
	{ { "Board", "Tableau" } },
	{ { "New message", "Nouveau message" } },
	{ { "Checks", "Vérifications" } },
	{ { "Peers", "Partenaires" } },
	{ { "Signed in as", "Connecté·e :" } },
	{ { "Sign out", "Se déconnecter" } },
	{ { "Language", "Langue" } },
	{ { "Change language", "Changer de langue" } },
	{ { "Main", "Navigation principale" } },
	/* short: the header is one line at 1280 px in every language */
	{ { "parley duty console", "parley : permanence" } },
};

const char *
page_word(enum template_lang l, const char *en)
{
	return W(frame, l, en);
}

status
page_text_in(struct buf *out, const char *open, const char *s, const char *close)
{
	status rc = buf_adds(out, open);

	if (!rc)
		rc = page_text(out, s);
	return rc ? rc : buf_adds(out, close);
}

status
page_csrf(struct buf *out, const char *csrf)
{
	status rc = buf_adds(out, "<input type=\"hidden\" name=\"csrf\" value=\"");

	if (!rc)
		rc = page_text(out, csrf);
	return rc ? rc : buf_adds(out, "\">");
}

/* nav - the header's links, the one for at marked as the current page. */
static status
nav(struct buf *out, enum template_lang l, enum page_at at)
{
	static const struct { enum page_at at; const char *href, *en; } links[] = {
		{ PAGE_BOARD, "/board", "Board" },
		{ PAGE_COMPOSE, "/compose", "New message" },
		{ PAGE_CHECKS, "/checks", "Checks" },
		{ PAGE_PEERS, "/peers", "Peers" },
	};
	status rc = buf_addf(out, "<nav aria-label=\"%s\"><ul>", page_word(l, "Main"));

	for (size_t i = 0; !rc && i < sizeof links / sizeof links[0]; i++)
		rc = buf_addf(out, "<li><a href=\"%s\"%s>%s</a></li>", links[i].href,
		    links[i].at == at ? " aria-current=\"page\"" : "", page_word(l, links[i].en));
	return rc ? rc : buf_adds(out, "</ul></nav>");
}

/* langs - the form that changes the officer's language. */
static status
langs(struct buf *out, enum template_lang l, const char *csrf)
{
	status rc = buf_addf(out, "<form method=\"post\" action=\"/lang\" class=\"inline\">"
	    "<label for=\"lang\" class=\"visually-hidden\">%s</label><select id=\"lang\" name=\"lang\">",
	    page_word(l, "Language"));

	for (int i = 0; !rc && i < TEMPLATE_LANGS; i++) {
		static const char *const names[TEMPLATE_LANGS] = {
			"English", "Français", "Русский", "中文", "Español", "العربية"
		};

		if (words_lang_ok((enum template_lang)i))
			rc = buf_addf(out, "<option value=\"%s\" lang=\"%s\"%s>%s</option>",
			    template_lang_code((enum template_lang)i),
			    template_lang_code((enum template_lang)i),
			    (int)l == i ? " selected" : "", names[i]);
	}
	if (!rc)
		rc = buf_adds(out, "</select>");
	if (!rc)
		rc = page_csrf(out, csrf);
	return rc ? rc : buf_addf(out, " <button type=\"submit\">%s</button></form>",
	    page_word(l, "Change language"));
}

status
page_begin(struct buf *out, enum template_lang l, enum page_at at, const char *first,
    const char *title, const char *officer, const char *csrf)
{
	status rc = buf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", template_lang_code(l));

	if (!rc)
		rc = page_text(out, title);
	if (!rc)
		rc = buf_adds(out, " - parley</title>\n<link rel=\"stylesheet\" href=\"/static/console.css\">\n"
		    "<script src=\"/static/console.js\" defer></script>\n</head>\n<body>\n");
	if (!rc && first)
		rc = buf_adds(out, first);
	if (!rc)
		rc = buf_addf(out, "<header><span class=\"brand\">%s</span>",
		    page_word(l, "parley duty console"));
	if (!rc && officer) {
		rc = nav(out, l, at);
		if (!rc)
			rc = buf_addf(out, " <span class=\"who\">%s <strong>",
			    page_word(l, "Signed in as"));
		if (!rc)
			rc = page_text(out, officer);
		if (!rc)
			rc = buf_adds(out, "</strong></span> ");
		if (!rc)
			rc = langs(out, l, csrf);
		if (!rc)
			rc = buf_adds(out, " <form method=\"post\" action=\"/signout\" class=\"inline\">");
		if (!rc)
			rc = page_csrf(out, csrf);
		if (!rc)
			rc = buf_addf(out, "<button type=\"submit\">%s</button></form>",
			    page_word(l, "Sign out"));
	}
	if (!rc)
		rc = buf_adds(out, "</header>\n<main id=\"main\">\n");
	return rc;
}

status
page_end(struct buf *out)
{
	return buf_adds(out, "</main>\n</body>\n</html>\n");
}

const char page_css[] =
    "body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#fff;line-height:1.4}\n"
    /* the header: one line at 1280 px in English and French, at the body's
     * size; narrower, whole items wrap (never a word, nor the brand) */
    "header{display:flex;flex-wrap:wrap;gap:.3em .75em;align-items:center;padding:.5em .75em;"
    "background:#123;color:#fff}\n"
    "header>*,header li{white-space:nowrap}\n"
    "header a{color:#fff}\n"
    "header nav ul{display:flex;flex-wrap:wrap;gap:.3em .75em;list-style:none;margin:0;padding:0}\n"
    "header button{padding:.3em .5em}\n"
    "header a[aria-current=page]{font-weight:bold;text-decoration-thickness:3px}\n"
    ".brand{font-weight:bold;flex:1}\n"
    "main{padding:1em}\n"
    "form.inline,label.inline{display:inline}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "caption{text-align:left;padding:.3em 0}\n"
    "th,td{border-bottom:1px solid #767676;padding:.35em .5em;text-align:left;vertical-align:top}\n"
    "tr.out{background:#f4f6f8}\n"
    ".prio{font-weight:bold;padding:0 .3em;color:#fff}\n"
    ".prio-flash{background:#b00020}\n"
    ".prio-immediate{background:#9a3d00}\n"
    ".prio-priority{background:#0b4f9c}\n"
    ".prio-routine{background:#444}\n"
    ".over{color:#b00020;font-weight:bold}\n"
    "time{white-space:nowrap}\n"
    ".alarm{border:4px solid #b00020;background:#fff0f0;color:#6d0014;padding:.5em;"
    "margin-bottom:1em;font-weight:bold;font-size:1.2em;animation:pulse 1s step-end infinite}\n"
    "@keyframes pulse{50%{border-color:#ff9e00}}\n"
    ".calm{border:4px solid #d0d7de;color:#333;padding:.5em;margin-bottom:1em;font-size:1.2em}\n"
    "@media (prefers-reduced-motion:reduce){.alarm{animation:none}}\n"
    ".sound{border:2px dashed #b00020;padding:.3em;margin:.5em 1em}\n"
    ".error{color:#b00020;font-weight:bold}\n"
    ".ok{color:#0a6b2d;font-weight:bold}\n"
    "label{display:block;margin:.5em 0 .2em}\n"
    "button,a.button{font-size:1em;padding:.3em .8em;border:1px solid #123;border-radius:3px;"
    "background:#e8eef5;color:#111;text-decoration:none;display:inline-block;cursor:pointer}\n"
    /* the page's own font: a textarea's monospace would be 13 px */
    "input,select,textarea{font:inherit;padding:.2em}\n"
    /* WCAG 2.2's target size (2.5.8): a radio button 24 px at least */
    "input[type=radio],input[type=checkbox]{width:1.5rem;height:1.5rem;margin:.1em .3em;"
    "vertical-align:middle}\n"
    ".skip{position:absolute;left:-10000px;top:auto}\n"
    ".skip:focus{position:static;display:block;padding:.5em 1em;background:#ff9e00;color:#000;"
    "font-weight:bold}\n"
    /* the focus ring: 3:1 at least (WCAG 1.4.11) on white, on the
     * header's #123 and on the alarm's and the rows' light backgrounds */
    ":focus-visible{outline:3px solid #c06000;outline-offset:2px}\n"
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}\n"
    ".summary{border:3px solid #b00020;padding:.3em 1em;margin-bottom:1em}\n"
    ".field{margin-bottom:1em}\n"
    ".field.invalid{border-left:4px solid #b00020;padding-left:.6em}\n"
    ".help{margin:.1em 0 .3em;color:#444}\n"
    "textarea{width:100%;max-width:48em}\n"
    /* the message page (msgview.c) */
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}\n"
    "dl.facts dt{font-weight:bold}\n"
    "dl.facts dd{margin:0}\n"
    "ol.steps li{margin:.3em 0}\n"
    ".actions{display:flex;flex-wrap:wrap;gap:1em;align-items:center}\n"
    /* the checks and peers pages */
    "svg.chart{display:block;max-width:100%;height:auto;margin:.5em 0}\n"
    ".hint{color:#333}\n"
    "#run fieldset{border:1px solid #767676;margin:.5em 0;padding:.3em .6em}\n"
    "section.group,section.peer{border-top:2px solid #123;margin-top:1.5em}\n"
    "details.inline{display:inline}\n"
    ".reach-no,.state-down{color:#b00020;font-weight:bold}\n"
    ".reach-yes,.state-up{color:#0a6b2d;font-weight:bold}\n";

/* The page's script: countdowns (each element with data-due, in
 * milliseconds since the epoch, shows the time left or how long it is
 * over); the live board (Server-Sent Events, polling as a fallback; the
 * page's main part brought up to date node by node, so that what the
 * officer points at or has the focus on stays; <html data-redraws>
 * counts the updates, for tests); the
 * "Acknowledge the top item" link; and the alarm's sound, which nothing
 * on the page turns off while an urgent item waits (a browser that holds
 * sound back until the officer touches the page is told so on the page). */
const char page_js[] =
    "'use strict';\n"
    "var W={en:[' left',' OVER','Sound is held back by the browser: press any key or click"
    " to let the alarm sound.'],fr:[' restant',' DÉPASSÉ','Le navigateur retient le son :"
    " appuyez sur une touche ou cliquez pour entendre l’alarme.']};\n"
    "function w(i){var l=W[document.documentElement.lang]||W.en;return l[i];}\n"
    "function left(ms){var s=Math.round(Math.abs(ms)/1000),t=s>=7200?Math.floor(s/3600)+'h'"
    ":s>=120?Math.floor(s/60)+'m':s+'s';return t+w(ms>=0?0:1);}\n"
    "function tick(){document.querySelectorAll('[data-due]').forEach(function(e){"
    "var ms=Number(e.dataset.due)-Date.now();e.textContent=left(ms);"
    "e.classList.toggle('over',ms<0);});}\n"
    "var audio=null;\n"
    "function beep(){if(!document.getElementById('alarm'))return;"
    "try{if(!audio)audio=new (window.AudioContext||window.webkitAudioContext)();}catch(e){return;}"
    "var n=document.getElementById('sound');"
    "if(audio.state!=='running'){audio.resume();if(!n){n=document.createElement('p');"
    "n.id='sound';n.className='sound';n.textContent=w(2);"
    "document.getElementById('main').before(n);}return;}"
    "if(n)n.remove();"
    "var o=audio.createOscillator(),g=audio.createGain();o.frequency.value=880;"
    "g.gain.value=0.2;o.connect(g);g.connect(audio.destination);o.start();"
    "o.stop(audio.currentTime+0.4);}\n"
    "function wake(){if(audio&&audio.state!=='running')audio.resume().then(beep);}\n"
    "function skip(){var a=document.getElementById('skip-ack');if(!a)return;"
    "a.addEventListener('click',function(ev){var b=document.getElementById("
    "a.getAttribute('href').slice(1));if(b){ev.preventDefault();b.focus();}});}\n"
    /* morph - make cur's children those of nu, keeping every node that
     * is already right (a row found by its id, wherever it stood): a
     * button under the officer's pointer or focus stays the same button.
     * Ids are read as attributes: a form's .id is its control named "id" */
    "function idOf(n){return n.nodeType===1?n.getAttribute('id')||'':'';}\n"
    "function morph(cur,nu){var want=Array.prototype.slice.call(nu.childNodes),byId={};"
    "Array.prototype.forEach.call(cur.children,function(c){if(idOf(c))byId[idOf(c)]=c;});"
    "want.forEach(function(w,i){var at=cur.childNodes[i]||null,m=idOf(w)?byId[idOf(w)]:null;"
    "if(m&&m!==at){cur.insertBefore(m,at);at=m;}"
    "if(at&&at.isEqualNode(w))return;"
    "if(at&&at.nodeType===1&&w.nodeType===1&&at.tagName===w.tagName&&idOf(at)===idOf(w)&&"
    "w.childNodes.length){var k;for(k=at.attributes.length-1;k>=0;k--)"
    "if(!w.hasAttribute(at.attributes[k].name))at.removeAttribute(at.attributes[k].name);"
    "for(k=0;k<w.attributes.length;k++)if(at.getAttribute(w.attributes[k].name)!=="
    "w.attributes[k].value)at.setAttribute(w.attributes[k].name,w.attributes[k].value);"
    "morph(at,w);return;}"
    "var x=document.importNode(w,true);if(at)cur.replaceChild(x,at);else cur.appendChild(x);});"
    "while(cur.childNodes.length>want.length)cur.removeChild(cur.lastChild);}\n"
    "function refresh(){fetch(location.pathname+location.search,{credentials:'same-origin'})"
    ".then(function(r){return r.ok?r.text():null;}).then(function(t){if(!t)return;"
    "var d=new DOMParser().parseFromString(t,'text/html'),m=d.getElementById('main');"
    "if(!m)return;var f=document.activeElement,id=f&&idOf(f),"
    "old=document.getElementById('skip-ack'),nu=d.getElementById('skip-ack');"
    "if(old&&!(nu&&old.isEqualNode(nu)))old.remove();"
    "if(nu&&!document.getElementById('skip-ack')){document.body.prepend(nu);skip();}"
    "morph(document.getElementById('main'),m);tick();"
    "var h=document.documentElement;h.dataset.redraws=(+h.dataset.redraws||0)+1;"
    "if(id&&document.activeElement!==document.getElementById(id)&&document.getElementById(id))"
    "document.getElementById(id).focus();});}\n"
    "function live(){if(!document.getElementById('board')&&!document.querySelector('[data-live]'))"
    "return;"
    "if(!window.EventSource){setInterval(refresh,5000);return;}"
    "var es=new EventSource('/events'),poll=null;"
    "es.addEventListener('change',refresh);"
    "es.onerror=function(){if(!poll)poll=setInterval(refresh,5000);};"
    "es.onopen=function(){if(poll){clearInterval(poll);poll=null;}refresh();};}\n"
    "document.addEventListener('DOMContentLoaded',function(){tick();setInterval(tick,1000);"
    "skip();live();beep();setInterval(beep,2000);"
    "document.addEventListener('keydown',wake);document.addEventListener('click',wake);});\n"
    /* the checks page: its history (#history) fetched again on each change
     * the node announces (a check queued, delivered, acknowledged), once
     * the stream is open (a change between the page's making and the
     * stream's opening, a fast receipt, is not missed), and every 5 s while
     * the stream is down, as the board does; the form above it is left as
     * the officer is filling it in */
    "function livePart(){var h=document.getElementById('history');"
    "if(!h||!window.EventSource)return;var es=new EventSource('/events');"
    "function part(){fetch(location.pathname,{credentials:'same-origin'})"
    ".then(function(r){return r.ok?r.text():null;}).then(function(t){if(!t)return;"
    "var n=new DOMParser().parseFromString(t,'text/html').getElementById('history');"
    "if(!n)return;var f=document.activeElement,id=f&&h.contains(f)&&f.id;"
    "h.innerHTML=n.innerHTML;if(id&&document.getElementById(id))"
    "document.getElementById(id).focus();});}"
    "var poll=null;es.addEventListener('change',part);"
    "es.onerror=function(){if(!poll)poll=setInterval(part,5000);};"
    "es.onopen=function(){if(poll){clearInterval(poll);poll=null;}part();};}\n"
    "document.addEventListener('DOMContentLoaded',livePart);\n";
