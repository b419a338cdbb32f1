/* page.c - the duty console's HTML (page.h). */
#include <string.h>

#include "console/page.h"
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

status
page_begin(struct buf *out, const char *title, const char *officer, const char *csrf)
{
	status rc = buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>");

	if (!rc)
		rc = page_text(out, title);
	if (!rc)
		rc = buf_adds(out, " - parley</title>\n<link rel=\"stylesheet\" href=\"/static/console.css\">\n"
		    "<script src=\"/static/console.js\" defer></script>\n</head>\n<body>\n"
		    "<header><span class=\"brand\">parley duty console</span>");
	if (!rc && officer) {
		rc = buf_adds(out, " <span class=\"who\">Signed in as <strong>");
		if (!rc)
			rc = page_text(out, officer);
		if (!rc)
			rc = buf_adds(out, "</strong></span> <form method=\"post\" action=\"/signout\""
			    " class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"");
		if (!rc)
			rc = page_text(out, csrf);
		if (!rc)
			rc = buf_adds(out, "\"><button type=\"submit\">Sign out</button></form>");
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
    "body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#fff}\n"
    "header{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#123;"
    "color:#fff}\n"
    ".brand{font-weight:bold;flex:1}\n"
    "main{padding:1em}\n"
    "form.inline{display:inline}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border-bottom:1px solid #bbb;padding:.35em .5em;text-align:left;vertical-align:top}\n"
    ".prio-flash{background:#b00020;color:#fff;font-weight:bold;padding:0 .3em}\n"
    ".prio-immediate{background:#b34700;color:#fff;font-weight:bold;padding:0 .3em}\n"
    ".prio-priority{background:#0b4f9c;color:#fff;padding:0 .3em}\n"
    ".prio-routine{background:#444;color:#fff;padding:0 .3em}\n"
    ".over{color:#b00020;font-weight:bold}\n"
    ".alarm{border:4px solid #b00020;padding:.5em;margin-bottom:1em;font-weight:bold}\n"
    ".error{color:#b00020;font-weight:bold}\n"
    "label{display:block;margin:.5em 0 .2em}\n"
    "button{font-size:1em;padding:.3em .8em}\n"
    ":focus-visible{outline:3px solid #f90;outline-offset:2px}\n";

/* The countdowns: each element with data-due (milliseconds since the
 * epoch) shows the time left, or how long it is over. */
const char page_js[] =
    "'use strict';\n"
    "function left(ms){var s=Math.round(Math.abs(ms)/1000),t=s>=7200?Math.floor(s/3600)+'h'"
    ":s>=120?Math.floor(s/60)+'m':s+'s';return ms>=0?t+' left':t+' OVER';}\n"
    "function tick(){document.querySelectorAll('[data-due]').forEach(function(e){"
    "var ms=Number(e.dataset.due)-Date.now();e.textContent=left(ms);"
    "e.classList.toggle('over',ms<0);});}\n"
    "function refresh(){fetch(location.pathname,{credentials:'same-origin'}).then("
    "function(r){return r.ok?r.text():null;}).then(function(t){if(!t)return;"
    "var d=new DOMParser().parseFromString(t,'text/html'),m=d.getElementById('main');"
    "if(m){document.getElementById('main').innerHTML=m.innerHTML;tick();}});}\n"
    "function live(){if(!document.getElementById('board'))return;"
    "if(!window.EventSource){setInterval(refresh,5000);return;}"
    "var es=new EventSource('/events'),poll=null;"
    "es.addEventListener('change',refresh);"
    "es.onerror=function(){if(!poll)poll=setInterval(refresh,5000);};"
    "es.onopen=function(){if(poll){clearInterval(poll);poll=null;}refresh();};}\n"
    "document.addEventListener('DOMContentLoaded',function(){tick();setInterval(tick,1000);"
    "live();});\n";
