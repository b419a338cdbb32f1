/* msgview.c - the message page (/message/ID, its evidence) (console_int.h). */
#include "console/console_int.h"

status
msgview_routes(struct console *c)
{
	(void)c;
	return ST_OK;
}
