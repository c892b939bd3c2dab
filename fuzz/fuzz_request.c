/*
 * fuzz_request.c: the server's request bodies (src/server/request.c) on arbitrary bytes. The
 * first byte picks the endpoint (a screening, a batch, a decision), the rest is the body. Each
 * must be refused with a 4xx problem or accepted with every field within its documented
 * bounds; nothing may crash or leak, whatever the nesting or the encoding.
 */
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_query(const screen_item *it)
{
	if (!it->q.name || !*it->q.name || strlen(it->q.name) > 1024 || !em_utf8_valid_text(it->q.name))
		abort();
	if (it->q.n_ids > EM_SERVER_MAX_IDS || (it->q.n_ids && !it->q.ids))
		abort();
	for (size_t i = 0; i < it->q.n_ids; i++)
		if (!it->q.ids[i] || strlen(it->q.ids[i]) > 256)
			abort();
	if (it->params.limit < 1 || it->params.limit > 100)
		abort();
	if (it->params.threshold < 0 || it->params.threshold > 1)
		abort();
	if (it->type_text && it->q.type == EM_ENTITY_UNKNOWN)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	em_server_config cfg;
	em_server_config_init(&cfg);
	cfg.max_batch = 8;
	problem p;
	memset(&p, 0, sizeof p);
	/* the server's request buffer always ends with a NUL after its bytes */
	char *body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	json_t *root = request_json(body, size - 1, data[0] & 4 ? "application/json; charset=utf-8" : NULL,
				    cfg.max_depth, &p);
	free(body); /* the parsed JSON holds copies */
	if (!root) {
		if (p.status < 400 || p.status > 499 || !p.code || !p.message[0])
			abort();
		return 0;
	}
	int rc = 0;
	switch (data[0] & 3) {
	case 0: {
		screen_item it;
		memset(&it, 0, sizeof it);
		if ((rc = request_query(root, &it, &cfg, "", &p)) == 0)
			check_query(&it);
		break;
	}
	case 1: {
		json_t *queries = request_batch(root, cfg.max_batch, &p);
		if (!queries) {
			rc = -1;
			break;
		}
		if (json_array_size(queries) < 1 || json_array_size(queries) > cfg.max_batch)
			abort();
		for (size_t i = 0; i < json_array_size(queries) && rc == 0; i++) {
			screen_item it;
			memset(&it, 0, sizeof it);
			if ((rc = request_query(json_array_get(queries, i), &it, &cfg, "queries[0]", &p)) == 0)
				check_query(&it);
		}
		break;
	}
	default: {
		const char *decision, *reason;
		int d = request_decision(root, &decision, &reason, &p);
		if (d >= 0 && (d != EM_STATUS_TRUE_MATCH && d != EM_STATUS_FALSE_POSITIVE))
			abort();
		if (d == EM_STATUS_FALSE_POSITIVE && (!reason || !*reason))
			abort();
		rc = d < 0 ? -1 : 0;
	}
	}
	if (rc && (p.status < 400 || p.status > 499 || !p.code || !p.message[0]))
		abort();
	json_decref(root);
	em_server_config_free(&cfg);
	return 0;
}
