/* fuzz_message.c - messages and receipts as a receiving node sees them. */
#include "envelope.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message m;
	struct receipt r;

	fuzz_init();
	envelope_message_init(&m, 4096);
	(void)envelope_message_open((const char *)data, size, fuzz_pk, fuzz_kid, &m);
	envelope_message_clear(&m);
	(void)envelope_receipt_open((const char *)data, size, fuzz_pk, fuzz_kid, &r);
	return 0;
}
