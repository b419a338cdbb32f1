/* compose.c - composing and sending (/compose) (console_int.h). */
#include "console/console_int.h"

status
compose_routes(struct console *c)
{
	(void)c;
	return ST_OK;
}
