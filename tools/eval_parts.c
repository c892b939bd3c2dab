/*
 * eval_parts.c: measures part-number matching against the components found in weapons (GUR).
 * Reports how many rows and components of the components file yield a usable part number, and
 * screens each query of a hand-labelled sample (tests/fixtures/goods/labelled-parts.tsv) to
 * compare the component rows it matches with the rows labelled as the same device: precision
 * and recall over all (query, component) pairs, by match kind, and the negative queries (which
 * should match nothing). Uses only the public API.
 *
 * usage: eval-parts [--components FILE] [--labels FILE] [--misses] [--json]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/embargo.h"

#define MAX_IDS 64

typedef struct id_set {
	char *ids[MAX_IDS];
	const char *kind[MAX_IDS];
	size_t n;
} id_set;

static bool set_has(const id_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->ids[i], id))
			return true;
	return false;
}

static void set_add(id_set *s, const char *id, const char *kind)
{
	if (s->n < MAX_IDS && !set_has(s, id)) {
		s->kind[s->n] = kind;
		s->ids[s->n++] = strdup(id);
	}
}

static void set_free(id_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	s->n = 0;
}

/* Splits a line at tabs into at most max fields; returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *s = line; n < max;) {
		f[n++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			break;
		*t = '\0';
		s = t + 1;
	}
	return n;
}

typedef struct kind_tally {
	const char *kind;
	size_t returned, correct;
} kind_tally;

int main(int argc, char **argv)
{
	const char *components = NULL, *labels = EM_SOURCE_DIR "/tests/fixtures/goods/labelled-parts.tsv";
	bool misses = false, as_json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--components") && i + 1 < argc)
			components = argv[++i];
		else if (!strcmp(argv[i], "--labels") && i + 1 < argc)
			labels = argv[++i];
		else if (!strcmp(argv[i], "--misses"))
			misses = true;
		else if (!strcmp(argv[i], "--json"))
			as_json = true;
		else {
			fprintf(stderr, "usage: eval-parts [--components FILE] [--labels FILE] [--misses] [--json]\n");
			return 2;
		}
	}
	em_goods_options o = EM_GOODS_OPTIONS_INIT;
	o.components_path = components;
	o.max_components = 100000; /* every matching row, to judge them all */
	em_goods *g;
	if (em_goods_new(&g, &o) != 0) {
		fprintf(stderr, "eval-parts: %s\n", em_error_last()->message);
		return 1;
	}
	em_goods_stats st;
	em_goods_get_stats(g, &st);
	FILE *f = fopen(labels, "r");
	if (!f) {
		perror(labels);
		em_goods_free(g);
		return 1;
	}
	char line[4096];
	size_t lineno = 0, queries = 0, negatives = 0, negatives_clean = 0, exact_queries = 0;
	size_t tp = 0, fp = 0, fn = 0;
	kind_tally kinds[3] = {{"exact", 0, 0}, {"suffix", 0, 0}, {"variant", 0, 0}};
	bool header = false;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *fl[4];
		size_t nf = split_tabs(line, fl, 4);
		if (!header) {
			header = true;
			continue;
		}
		if (nf < 4) {
			fprintf(stderr, "%s:%zu: expected 4 tab-separated fields\n", labels, lineno);
			fclose(f);
			em_goods_free(g);
			return 1;
		}
		id_set want = {0}, got = {0};
		if (strcmp(fl[3], "-") != 0)
			for (char *save = NULL, *t = strtok_r(fl[3], ",", &save); t; t = strtok_r(NULL, ",", &save))
				set_add(&want, t, NULL);
		em_goods_line q;
		memset(&q, 0, sizeof q);
		q.line_id = "q";
		q.destination_country = "DE";
		q.end_user = "Example Instruments GmbH";
		q.end_use = "test equipment";
		q.quantity = q.unit_value = -1;
		q.manufacturer = *fl[2] ? fl[2] : NULL;
		if (!strcmp(fl[0], "description"))
			q.description = fl[1];
		else
			q.part_number = fl[1];
		em_goods_result *r;
		if (em_goods_screen(g, &q, &r) != 0) {
			fprintf(stderr, "%s:%zu: %s\n", labels, lineno, em_error_last()->message);
			fclose(f);
			em_goods_free(g);
			return 1;
		}
		for (size_t i = 0; i < r->n_flags; i++)
			for (size_t k = 0; k < r->flags[i].n_components; k++)
				set_add(&got, r->flags[i].components[k].component_id, r->flags[i].components[k].match);
		queries++;
		size_t q_tp = 0;
		for (size_t i = 0; i < got.n; i++) {
			bool ok = set_has(&want, got.ids[i]);
			q_tp += ok;
			for (int k = 0; k < 3; k++)
				if (!strcmp(kinds[k].kind, got.kind[i])) {
					kinds[k].returned++;
					kinds[k].correct += ok;
				}
			if (!ok && misses)
				printf("false match  %-40s %s (%s)\n", fl[1], got.ids[i], got.kind[i]);
		}
		for (size_t i = 0; i < want.n; i++)
			if (!set_has(&got, want.ids[i]) && misses)
				printf("missed       %-40s %s\n", fl[1], want.ids[i]);
		tp += q_tp;
		fp += got.n - q_tp;
		fn += want.n - q_tp;
		if (!want.n) {
			negatives++;
			negatives_clean += got.n == 0;
		}
		exact_queries += want.n && q_tp == want.n && got.n == want.n;
		em_goods_result_free(r);
		set_free(&want);
		set_free(&got);
	}
	fclose(f);
	double precision = tp + fp ? (double)tp / (double)(tp + fp) : 1.0;
	double recall = tp + fn ? (double)tp / (double)(tp + fn) : 1.0;
	if (as_json) {
		printf("{\"component_rows\":%zu,\"components\":%zu,\"components_named\":%zu,\"components_with_part\":%zu,"
		       "\"part_keys\":%zu,\"queries\":%zu,\"negatives\":%zu,\"negatives_clean\":%zu,\"queries_exactly_right\":%zu,"
		       "\"true_matches\":%zu,\"false_matches\":%zu,\"missed\":%zu,\"precision\":%.4f,\"recall\":%.4f,\"by_kind\":{",
		       st.component_rows, st.components, st.components_named, st.components_with_part, st.part_keys, queries,
		       negatives, negatives_clean, exact_queries, tp, fp, fn, precision, recall);
		for (int k = 0; k < 3; k++)
			printf("%s\"%s\":{\"returned\":%zu,\"correct\":%zu}", k ? "," : "", kinds[k].kind, kinds[k].returned,
			       kinds[k].correct);
		printf("}}\n");
	} else {
		printf("components file: %zu rows, %zu distinct components (%zu repeat a component row for row)\n",
		       st.component_rows, st.components, st.component_rows - st.components);
		printf("  %zu components name something (%.1f%%); %zu yield a usable part number (%.1f%% of all, %.1f%% of "
		       "those named); %zu distinct part numbers indexed\n",
		       st.components_named, 100.0 * (double)st.components_named / (double)(st.components ? st.components : 1),
		       st.components_with_part,
		       100.0 * (double)st.components_with_part / (double)(st.components ? st.components : 1),
		       100.0 * (double)st.components_with_part / (double)(st.components_named ? st.components_named : 1),
		       st.part_keys);
		printf("labelled sample: %zu queries (%zu expect no match)\n", queries, negatives);
		printf("  precision %.3f (%zu of %zu matched components right), recall %.3f (%zu of %zu labelled found)\n",
		       precision, tp, tp + fp, recall, tp, tp + fn);
		for (int k = 0; k < 3; k++)
			printf("  %-8s matches: %zu returned, %zu right\n", kinds[k].kind, kinds[k].returned, kinds[k].correct);
		printf("  negative queries with no match: %zu of %zu; queries answered exactly: %zu of %zu\n", negatives_clean,
		       negatives, exact_queries, queries);
	}
	em_goods_free(g);
	return 0;
}
