/*
 * eval_names.h: the names of the evaluation sets (../shared/eval), for tests that screen many
 * real queries. Header-only, like test.h.
 */
#ifndef EMBARGO_TEST_EVAL_NAMES_H
#define EMBARGO_TEST_EVAL_NAMES_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * Calls fn(name, n, ctx) with column `col` (0-based, tab-separated) of every `every`-th line n of
 * eval/`file` in `shared` (lines without that column are skipped). False when the file cannot
 * be read.
 */
static inline bool eval_each_name(const char *shared, const char *file, int col, long every,
				  void (*fn)(const char *name, long n, void *ctx), void *ctx)
{
	char path[512];
	snprintf(path, sizeof path, "%s/eval/%s", shared, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char line[2048];
	for (long n = 0; fgets(line, sizeof line, f); n++) {
		if (n % every)
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		char *field = line;
		for (int c = 0; c < col && field; c++) {
			field = strchr(field, '\t');
			field = field ? field + 1 : NULL;
		}
		if (!field || !*field)
			continue;
		char *tab = strchr(field, '\t');
		if (tab)
			*tab = '\0';
		fn(field, n, ctx);
	}
	fclose(f);
	return true;
}

#endif
