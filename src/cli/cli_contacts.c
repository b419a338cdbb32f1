/* cli_contacts.c - parley contacts: this node's points of contact (set,
 * show).  Each set is a new numbered version, kept in the store and sent
 * by parleyd to every peer as a signed statement (desk.contacts).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fmt/contacts.h"
#include "util/file.h"
#include "util/stamp.h"
#include "util/text.h"

static const char contacts_usage[] =
    "usage: parley contacts set FILE|- [--dir DIR]\n"
    "       parley contacts [--json] [--dir DIR]\n"
    "  This node's points of contact (docs/DESK_FILES.md): roles (policy,\n"
    "  technical, desk, senior-official), names, phone numbers, e-mail,\n"
    "  languages, hours, time zone.  set makes a new numbered version, which\n"
    "  parleyd signs and sends to every peer (parley directory shows the\n"
    "  peers'); without a verb, the current version.\n";

void
cli_contacts_print(const struct contacts *c, const char *indent)
{
	for (size_t i = 0; i < contacts_n(c); i++) {
		const struct contacts_entry *e = contacts_at(c, i);

		printf("%s%-16s %s\n", indent, contacts_role_name(e->role), cli_text(e->name, 0));
		for (size_t k = 0; k < e->n_phone; k++)
			printf("%s  phone     %s\n", indent, cli_text(e->phone[k], 0));
		for (size_t k = 0; k < e->n_email; k++)
			printf("%s  e-mail    %s\n", indent, cli_text(e->email[k], 0));
		printf("%s  languages", indent);
		for (size_t k = 0; k < e->n_languages; k++)
			printf(" %s", e->languages[k]);
		printf("\n%s  hours     %s (%s)\n", indent, cli_text(e->hours, 0), e->tz);
	}
}

json_t *
cli_contacts_json(const struct contacts *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < contacts_n(c); i++) {
		const struct contacts_entry *e = contacts_at(c, i);
		json_t *ph = json_array(), *em = json_array(), *la = json_array();

		for (size_t k = 0; k < e->n_phone; k++)
			json_array_append_new(ph, json_string(e->phone[k]));
		for (size_t k = 0; k < e->n_email; k++)
			json_array_append_new(em, json_string(e->email[k]));
		for (size_t k = 0; k < e->n_languages; k++)
			json_array_append_new(la, json_string(e->languages[k]));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s}", "role",
		    contacts_role_name(e->role), "name", e->name, "phone", ph, "email", em,
		    "languages", la, "hours", e->hours, "tz", e->tz));
	}
	return arr;
}

static int
contacts_set(struct node *n, const char *file)
{
	char why[CONTACTS_WHY_MAX];
	struct contacts *c = NULL;
	struct store_contacts row;
	struct buf text, canon;
	int64_t last = 0, now = stamp_now_ms();
	status rc;
	int e = 1;

	buf_init(&text, CONTACTS_BYTES_MAX + 1);
	buf_init(&canon, CONTACTS_STATEMENT_MAX + 1);
	rc = strcmp(file, "-") == 0 ? file_read_fd(STDIN_FILENO, &text) : file_read(file, &text);
	if (rc) {
		cli_fail("cannot read %s: %s", file, rc == ST_TOOBIG ? "larger than 64 KiB" :
		    status_str(rc));
		goto out;
	}
	if (contacts_parse(text.p ? text.p : "", text.len, CONTACTS_FILE, &c, why) != ST_OK) {
		cli_fail("%s: %s", file, why);
		goto out;
	}
	memset(&row, 0, sizeof row);
	if ((rc = store_begin(node_store(n))) == ST_OK &&
	    (rc = store_contacts_last(node_store(n), 0, &last)) == ST_OK &&
	    (rc = contacts_canon(c, last + 1, now, &canon)) == ST_OK) {
		row.version = last + 1;
		row.doc = buf_str(&canon);
		row.issued_ms = now;
		row.msg = "";
		row.kept_ms = now;
		rc = store_contacts_add(node_store(n), &row, NULL);
	}
	if (!rc)
		rc = store_commit(node_store(n));
	else
		store_rollback(node_store(n));
	if (rc) {
		cli_fail("cannot keep the contacts: %s", status_str(rc));
		goto out;
	}
	printf("contacts version %lld kept; parleyd sends it to every peer\n",
	    (long long)(last + 1));
	e = cli_reload(n);
out:
	contacts_free(c);
	buf_free(&text);
	buf_free(&canon);
	return e;
}

static int
contacts_show(struct node *n, int json)
{
	char why[CONTACTS_WHY_MAX], t[32];
	struct contacts *c = NULL;
	int64_t last = 0;
	struct buf doc;
	status rc;

	if ((rc = store_contacts_last(node_store(n), 0, &last)) != ST_OK)
		return cli_fail("cannot read the contacts: %s", status_str(rc));
	if (!last) {
		if (json)
			return cli_json(json_pack("{s:n, s:n, s:[]}", "version", "issued_at",
			    "contacts"));
		printf("no contacts set (parley contacts set FILE)\n");
		return 0;
	}
	buf_init(&doc, CONTACTS_STATEMENT_MAX + 1);
	rc = store_contacts_doc(node_store(n), 0, last, &doc);
	if (!rc && contacts_parse(buf_str(&doc), doc.len, CONTACTS_STATEMENT, &c, why) != ST_OK)
		rc = ST_CORRUPT;
	buf_free(&doc);
	if (rc)
		return cli_fail("cannot read the contacts: %s", status_str(rc));
	if (json) {
		rc = cli_json(json_pack("{s:I, s:s, s:o}", "version", (json_int_t)last, "issued_at",
		    cli_time(contacts_issued_at_ms(c), t), "contacts", cli_contacts_json(c)));
	} else {
		printf("version %lld, issued %s\n", (long long)last,
		    cli_time(contacts_issued_at_ms(c), t));
		cli_contacts_print(c, "  ");
	}
	contacts_free(c);
	return 0;
}

int
cli_contacts(int argc, char **argv)
{
	const char *file;
	struct node *n;
	int json, r = cli_set_or_show(argc, argv, contacts_usage, &n, &file, &json);

	if (r >= 0)
		return r;
	r = file ? contacts_set(n, file) : contacts_show(n, json);
	node_close(n);
	return r;
}
