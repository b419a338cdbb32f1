/* peerpage.c - the peers page (/peers) (console_int.h). */
#include "console/console_int.h"

status
peerpage_routes(struct console *c)
{
	(void)c;
	return ST_OK;
}
