/* cli_card.c - parley card: print this node's signed card. */
#include "cli/cli.h"
#include "fmt/card.h"

static const char card_usage[] =
    "usage: parley card [--dir DIR]\n"
    "  Print this node's card: a self-signed JSON document (a JWS in the\n"
    "  flattened JSON serialization) with its name, public key as a JWK,\n"
    "  endpoints and the time it was made (created_at).  Give it to a peer\n"
    "  for 'parley peer add'; after changing the endpoints (parley config set\n"
    "  endpoints \"URL [URL...]\"), give the peer a new card for 'parley peer\n"
    "  update' (a later card replaces an earlier one).\n";

int
cli_card(int argc, char **argv)
{
	const char *dir;
	struct node *n;
	struct buf out;
	int r = cli_dir_only(argc, argv, card_usage, &dir, 0);

	if (r >= 0)
		return r;
	if (!(n = cli_open(cli_dir(dir))))
		return 1;
	buf_init(&out, CARD_MAX_BYTES);
	if (node_card(n, &out) != ST_OK)
		r = cli_fail("cannot make the card");
	else {
		fputs(buf_str(&out), stdout);
		r = 0;
	}
	buf_free(&out);
	node_close(n);
	return r;
}
