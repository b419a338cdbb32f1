/* deskview.c - one message as a person reads it (deskview.h). */
#include <stdio.h>
#include <string.h>

#include "desk/deskview.h"
#include "fmt/contacts.h"
#include "net/http.h"
#include "store/store.h"

const char *
deskview_out_state(int state)
{
	switch (state) {
	case STORE_QUEUED:
		return "queued";
	case STORE_DELIVERED:
		return "delivered";
	case STORE_FAILED:
		return "failed";
	default:
		return "rejected";
	}
}

static int
found_out(void *arg, const struct store_out *m)
{
	struct deskview_msg *f = arg;

	f->sent = 1;
	f->peer_id = m->peer_id;
	snprintf(f->peer, sizeof f->peer, "%s", m->peer);
	snprintf(f->state, sizeof f->state, "%s", deskview_out_state(m->state));
	f->status = 0;
	f->at_ms = m->created_ms;
	f->done_ms = m->delivered_ms;
	if (buf_add(&f->jws, m->jws, m->jws_len) || buf_adds(&f->receipt, m->receipt))
		return 1;
	return 1;
}

static int
found_in(void *arg, const struct store_in *m)
{
	struct deskview_msg *f = arg;

	f->sent = 0;
	f->peer_id = m->peer_id;
	snprintf(f->peer, sizeof f->peer, "%s", m->peer);
	snprintf(f->state, sizeof f->state, "%s", m->status == 200 ? "received" : "refused");
	f->status = m->status;
	f->at_ms = m->received_ms;
	if (buf_add(&f->jws, m->jws, m->jws_len) || buf_add(&f->receipt, m->receipt, m->receipt_len))
		return 1;
	return 1;
}

static int
peer_key(void *arg, const struct store_peer *p)
{
	struct deskview_msg *f = arg;

	memcpy(f->peer_pk, p->pk, IDENT_PK_LEN);
	snprintf(f->peer_kid, sizeof f->peer_kid, "%s", p->kid);
	if (p->endpoint && buf_adds(&f->endpoints, p->endpoint) != ST_OK)
		f->endpoints.len = 0;	/* the paths are shown only when known */
	return 1;
}

status
deskview_find(struct node *n, const char *id, struct deskview_msg *f)
{
	status rc;

	memset(f, 0, sizeof *f);
	buf_init(&f->jws, HTTP_REQUEST_MAX);
	buf_init(&f->receipt, 64u << 10);
	buf_init(&f->endpoints, 64u << 10);
	rc = store_out_get(node_store(n), id, found_out, f);
	if (rc == ST_NOTFOUND)
		rc = store_in_get(node_store(n), id, found_in, f);
	if (!rc)
		rc = store_peer_get(node_store(n), f->peer_id, peer_key, f);
	return rc;
}

void
deskview_msg_free(struct deskview_msg *f)
{
	buf_free(&f->jws);
	buf_free(&f->receipt);
	buf_free(&f->endpoints);
}

status
deskview_open(struct node *n, const struct deskview_msg *f, struct message *m)
{
	return f->sent ? envelope_message_open(f->jws.p, f->jws.len, ident_pk(node_ident(n)),
	    f->peer_kid, m) : envelope_message_open(f->jws.p, f->jws.len, f->peer_pk,
	    ident_kid(node_ident(n)), m);
}

int
deskview_form_read(const struct message *m, struct deskmsg_form *f)
{
	char why[DESKMSG_WHY_MAX];

	return template_find(m->type) &&
	    deskmsg_form_read(m->type, m->body.p ? m->body.p : "", m->body.len, f, why) == ST_OK;
}

const char *
deskview_peer_desk(struct node *n, int64_t peer_id, char tz[static TZ_NAME_MAX + 1],
    enum template_lang *lang)
{
	char why[CONTACTS_WHY_MAX];
	struct contacts *c = NULL;
	int64_t last = 0;
	struct buf doc;

	tz[0] = '\0';
	buf_init(&doc, CONTACTS_STATEMENT_MAX + 1);
	if (store_contacts_last(node_store(n), peer_id, &last) == ST_OK && last &&
	    store_contacts_doc(node_store(n), peer_id, last, &doc) == ST_OK &&
	    contacts_parse(buf_str(&doc), doc.len, CONTACTS_STATEMENT, &c, why) == ST_OK)
		for (size_t i = 0; i < contacts_n(c); i++) {
			const struct contacts_entry *e = contacts_at(c, i);
			enum template_lang l;
			int found = 0;

			if (e->role != CONTACTS_DESK)
				continue;
			snprintf(tz, TZ_NAME_MAX + 1, "%s", e->tz);
			for (size_t k = 0; lang && !found && k < e->n_languages; k++)
				if (template_lang_parse(e->languages[k], &l) == ST_OK) {
					*lang = l;
					found = 1;
				}
			break;
		}
	contacts_free(c);
	buf_free(&doc);
	return tz[0] ? tz : NULL;
}

status
deskview_when(const char *t, const char *sender, const char *sender_tz,
    const char *receiver, const char *receiver_tz, struct deskview_when *w)
{
	const char *zone[2] = { sender_tz, receiver_tz }, *name[2] = { sender, receiver };
	int64_t ms;

	memset(w, 0, sizeof *w);
	if (stamp_parse(t, &ms) != ST_OK)
		return ST_PARSE;
	snprintf(w->utc, sizeof w->utc, "%s UTC", t);
	for (int i = 0; i < 2; i++) {
		char l[TZ_LOCAL_LEN];

		/* UTC is said already */
		if (!zone[i] || !*zone[i] || strcmp(zone[i], "UTC") == 0 ||
		    tz_local(ms, zone[i], l) != ST_OK)
			continue;
		memcpy(w->local[i], l, sizeof l);
		snprintf(w->at[i], sizeof w->at[i], "%s at %s (%s)", l, name[i], zone[i]);
	}
	return ST_OK;
}

const char *
deskview_zones(const char *t, const char *sender, const char *sender_tz,
    const char *receiver, const char *receiver_tz, char out[static DESKVIEW_ZONES_LEN])
{
	struct deskview_when w;
	size_t n;

	if (deskview_when(t, sender, sender_tz, receiver, receiver_tz, &w) != ST_OK)
		return NULL;
	n = (size_t)snprintf(out, DESKVIEW_ZONES_LEN, "%s", w.utc);
	for (int i = 0; i < 2; i++)
		if (w.at[i][0] && n < DESKVIEW_ZONES_LEN)
			n += (size_t)snprintf(out + n, DESKVIEW_ZONES_LEN - n, "; %s", w.at[i]);
	return out;
}
