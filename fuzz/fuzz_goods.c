/*
 * Fuzz target: the order-line reader (CSV or JSON lines, told from the bytes) and the
 * screening of every line it accepts: HS codes, countries, part numbers read from free text
 * and matched in the components index, red-flag words, and the result as JSON.
 */
#include <stdint.h>
#include <stdlib.h>

#include "embargo/em_goods.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static em_goods *goods(void)
{
	static em_goods *g;
	static int tried;
	if (!tried) {
		tried = 1;
		/* the components file when it is there (it is read from ../shared), else none */
		if (em_goods_new(&g, NULL) != 0) {
			em_goods_options o = EM_GOODS_OPTIONS_INIT;
			o.components_path = "";
			if (em_goods_new(&g, &o) != 0)
				abort();
		}
	}
	return g;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	em_goods *g = goods();
	em_goods_reader *r;
	if (em_goods_reader_new(&r, "fuzz", (const char *)data, size) != 0)
		return 0;
	for (int lines = 0; lines < 10000; lines++) {
		em_goods_line l;
		size_t lineno;
		const char *id;
		int rc = em_goods_reader_next(r, &l, &lineno, &id);
		if (rc == 0 || (rc < 0 && rc != EM_EPARSE))
			break;
		if (rc != 1)
			continue;
		em_goods_result *res;
		if (em_goods_screen(g, &l, &res) == 0) {
			free(em_goods_result_json(res));
			em_goods_result_free(res);
		}
	}
	em_goods_reader_free(r);
	return 0;
}
