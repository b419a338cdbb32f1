/* checkpage.c - the checks page (/checks, /check) (console_int.h). */
#include "console/console_int.h"

status
checkpage_routes(struct console *c)
{
	(void)c;
	return ST_OK;
}
