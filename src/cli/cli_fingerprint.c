/* cli_fingerprint.c - parley fingerprint: the fingerprint to read aloud,
 * of this node's key or of the key in a card (after checking the card).
 */
#include <getopt.h>

#include "cli/cli.h"
#include "fmt/card.h"
#include "util/file.h"

static const char fp_usage[] =
    "usage: parley fingerprint [--dir DIR] [CARD_FILE]\n"
    "  Print this node's key fingerprint (or that of the key in CARD_FILE,\n"
    "  after checking the card's signature): 8 groups of 5 digits to read\n"
    "  aloud and compare over a second channel before 'parley peer add'.\n";

int
cli_fingerprint(int argc, char **argv)
{
	char fp[IDENT_FP_LEN];
	const char *dir;
	int r = cli_dir_only(argc, argv, fp_usage, &dir, 1);

	if (r >= 0)
		return r;
	if (optind < argc) {
		struct buf text;
		struct card card;
		status rc;

		buf_init(&text, CARD_MAX_BYTES);
		rc = file_read(argv[optind], &text);
		if (!rc)
			rc = card_parse(text.p, text.len, &card);
		buf_free(&text);
		if (rc)
			return cli_fail("%s: not a valid card: %s", argv[optind], status_str(rc));
		ident_fingerprint(card.pk, fp);
		printf("%s  (%s)\n", fp, card.name);
		return 0;
	} else {
		struct node *n = cli_open(cli_dir(dir));

		if (!n)
			return 1;
		ident_fingerprint(ident_pk(node_ident(n)), fp);
		printf("%s  (%s)\n", fp, node_config(n)->name);
		node_close(n);
	}
	return 0;
}
