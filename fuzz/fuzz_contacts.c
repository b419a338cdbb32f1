/* fuzz_contacts.c - contacts files and statements as contacts_parse reads
 * them: besides memory safety it checks that every why is printable ASCII
 * and set exactly when the input is refused, with a status the contract
 * names; that the statement of what was read reads back to the same
 * contacts and the same text; and that contacts_diff finds nothing
 * between a file and its statement, everything added from nothing, and
 * from a fixed file and back as many added one way as removed the other,
 * and as many changes. */
#include "fuzz_common.h"
#include "fmt/contacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed[] = "{\"contacts\":[{\"role\":\"desk\",\"name\":\"Watch desk\","
    "\"phone\":[\"+43 1 531 15 0\"],\"email\":[],\"languages\":[\"en\"],\"hours\":\"24/7\","
    "\"tz\":\"UTC\"},{\"role\":\"policy\",\"name\":\"a\",\"phone\":[],\"email\":[\"a@b\"],"
    "\"languages\":[\"fr\"],\"hours\":\"9-5\",\"tz\":\"Europe/Paris\"}]}";

/* count - how many changes of d are of kind what. */
static size_t
count(const json_t *d, const char *what)
{
	size_t i, n = 0;
	json_t *x;

	json_array_foreach(d, i, x)
		n += strcmp(json_string_value(json_object_get(x, "change")), what) == 0;
	return n;
}

static json_t *
diff(const struct contacts *a, const struct contacts *b)
{
	json_t *d = contacts_diff(a, b);

	if (!d)
		abort();
	return d;
}

static void
diffs(const struct contacts *c, const struct contacts *back)
{
	char why[CONTACTS_WHY_MAX];
	struct contacts *f;
	json_t *d, *e;

	d = diff(c, back);
	if (json_array_size(d) != 0)
		abort();
	json_decref(d);
	d = diff(NULL, c);
	if (json_array_size(d) != contacts_n(c) || count(d, "added") != contacts_n(c))
		abort();
	json_decref(d);
	if (contacts_parse(fixed, strlen(fixed), CONTACTS_FILE, &f, why) != ST_OK)
		abort();
	d = diff(f, c);
	e = diff(c, f);
	if (count(d, "added") != count(e, "removed") || count(d, "removed") != count(e, "added") ||
	    count(d, "changed") != count(e, "changed") ||
	    count(d, "added") + count(d, "removed") + count(d, "changed") != json_array_size(d))
		abort();
	json_decref(d);
	json_decref(e);
	contacts_free(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[CONTACTS_WHY_MAX];
	struct contacts *c, *back;
	struct buf a, b;

	for (int mode = CONTACTS_FILE; mode <= CONTACTS_STATEMENT; mode++) {
		status rc = contacts_parse((const char *)data, size, (enum contacts_mode)mode, &c,
		    why);

		for (const char *p = why; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				abort();
		if (rc == ST_OK ? why[0] != '\0' : why[0] == '\0' || c || (rc != ST_PARSE &&
		    rc != ST_INVALID && rc != ST_TOOBIG && rc != ST_NOMEM))
			abort();
		if (rc)
			continue;
		if (contacts_n(c) < 1 || contacts_n(c) > CONTACTS_MAX ||
		    (mode == CONTACTS_FILE) != (contacts_version(c) == 0))
			abort();
		buf_init(&a, CONTACTS_STATEMENT_MAX);
		buf_init(&b, CONTACTS_STATEMENT_MAX);
		if (contacts_canon(c, mode ? contacts_version(c) : 1,
		    mode ? contacts_issued_at_ms(c) : 1795651200000, &a) != ST_OK ||
		    contacts_parse(a.p, a.len, CONTACTS_STATEMENT, &back, why) != ST_OK ||
		    contacts_canon(back, contacts_version(back), contacts_issued_at_ms(back),
		    &b) != ST_OK || a.len != b.len || memcmp(a.p, b.p, a.len) != 0 ||
		    contacts_n(back) != contacts_n(c))
			abort();
		for (size_t i = 0; i < contacts_n(c); i++)
			if (memcmp(contacts_at(c, i), contacts_at(back, i),
			    sizeof(struct contacts_entry)) != 0)
				abort();
		diffs(c, back);
		contacts_free(back);
		buf_free(&a);
		buf_free(&b);
		contacts_free(c);
	}
	return 0;
}
