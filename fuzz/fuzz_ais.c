/*
 * fuzz_ais.c: libFuzzer target for the AIS decoder. The input is fed in two pieces split at a
 * point chosen by its first byte (so lines cut between feeds are exercised), and every decoded
 * message is written as JSON and as CSV, whose lengths must stay within EM_AIS_RECORD_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_ais.h"

static int sink(void *ctx, const em_ais_msg *m)
{
	char buf[EM_AIS_RECORD_MAX];
	(void)ctx;
	int n = em_ais_msg_json(m, buf, sizeof buf);
	if (n < 0 || n >= EM_AIS_RECORD_MAX || strlen(buf) != (size_t)n)
		abort();
	n = em_ais_msg_csv(m, buf, sizeof buf);
	if (n < 0 || n >= EM_AIS_RECORD_MAX || strlen(buf) != (size_t)n)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	em_ais_options opts = EM_AIS_OPTIONS_INIT;
	opts.max_partial = 4;
	opts.stale_sentences = 8;
	em_ais_decoder *d;
	if (em_ais_decoder_new(&d, &opts) != 0)
		return 0;
	size_t cut = size ? (data[0] * size) / 256 : 0;
	if (em_ais_input_begin(d, "fuzz") == 0) {
		em_ais_input_feed(d, (const char *)data, cut, sink, NULL);
		em_ais_input_feed(d, (const char *)data + cut, size - cut, sink, NULL);
		em_ais_input_end(d, sink, NULL);
	}
	em_ais_decoder_free(d);
	return 0;
}
