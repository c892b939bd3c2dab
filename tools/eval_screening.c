/*
 * eval_screening.c: measures party screening on the evaluation sets in ../shared/eval (see its
 * README): recall and top-1 on positives.tsv per perturbation kind, recall on crossscript.tsv,
 * alerts per 1000 on negatives.tsv per locale, all at one threshold. Prints a report; with
 * --misses / --alerts it also lists the failures, to study them.
 *
 * usage: eval-screening [--shared DIR] [--threshold X] [--misses N] [--alerts N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embargo/embargo.h"
#include "embargo/em_screen.h"

typedef struct tally {
	char key[32];
	size_t total, found, top1;
} tally;

static tally *tally_get(tally *t, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(t[i].key, key))
			return &t[i];
	snprintf(t[*n].key, sizeof t[*n].key, "%s", key);
	t[*n].total = t[*n].found = t[*n].top1 = 0;
	return &t[(*n)++];
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *next_field(char **p)
{
	char *s = *p, *tab = s ? strchr(s, '\t') : NULL;
	if (!s)
		return NULL;
	if (tab) {
		*tab = '\0';
		*p = tab + 1;
	} else {
		s[strcspn(s, "\r\n")] = '\0';
		*p = NULL;
	}
	return s;
}

static em_screener *load(const char *path, em_list **keep)
{
	if (em_list_read_file(keep, path, NULL)) {
		fprintf(stderr, "eval: %s\n", em_error_last()->message);
		return NULL;
	}
	em_screener *s;
	const em_list *l = *keep;
	if (em_screener_new(&s, &l, 1)) {
		fprintf(stderr, "eval: %s\n", em_error_last()->message);
		exit(1);
	}
	return s;
}

static void print_match(const em_match *m)
{
	char *ex = em_match_explanation_json(m);
	printf("      -> %s %s \"%s\" %.3f %s\n", m->entity->source_id, em_name_kind_name(m->matched_kind),
	       m->matched_name, m->score, ex ? ex : "");
	free(ex);
}

int main(int argc, char **argv)
{
	const char *shared = EM_SHARED_DIR;
	em_screen_params params = EM_SCREEN_PARAMS_INIT;
	int show_misses = 0, show_alerts = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--shared") && i + 1 < argc)
			shared = argv[++i];
		else if (!strcmp(argv[i], "--threshold") && i + 1 < argc)
			params.threshold = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--misses") && i + 1 < argc)
			show_misses = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--alerts") && i + 1 < argc)
			show_alerts = (int)strtol(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: eval-screening [--shared DIR] [--threshold X] [--misses N] [--alerts N]\n");
			return 2;
		}
	}
	double thr = params.threshold > 0 ? params.threshold : EM_SCREEN_DEFAULT_THRESHOLD;
	char path[4096], line[4096];
	em_list *sdn, *un;
	snprintf(path, sizeof path, "%s/data/ofac/sdn-history/sdn-2023-06-15.csv", shared);
	em_screener *s_sdn = load(path, &sdn);
	if (!s_sdn)
		return 1;
	snprintf(path, sizeof path, "%s/eval/un-latin-only.xml", shared);
	em_screener *s_un = load(path, &un);
	if (!s_un)
		un = NULL; /* cross-script figures need the UN reader */
	printf("threshold %.3f\n", thr);

	/* Positives: per perturbation kind. */
	tally kinds[32];
	size_t nk = 0, shown = 0;
	double t0 = now();
	size_t queries = 0;
	snprintf(path, sizeof path, "%s/eval/positives.tsv", shared);
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	tally all = {"all", 0, 0, 0};
	while (fgets(line, sizeof line, f)) {
		char *p = line, *q = next_field(&p), *src = next_field(&p), *id = next_field(&p), *kind = next_field(&p);
		if (!q || !src || !id || !kind)
			continue;
		em_query qu = {q, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		em_result *r;
		if (em_screen(s_sdn, &qu, &params, &r))
			continue;
		queries++;
		tally *t = tally_get(kinds, &nk, kind);
		t->total++, all.total++;
		int found = 0;
		for (size_t k = 0; k < r->n_matches; k++)
			if (!strcmp(r->matches[k].entity->source_id, id))
				found = k == 0 ? 2 : 1;
		if (found)
			t->found++, all.found++;
		if (found == 2)
			t->top1++, all.top1++;
		if (!found && (int)shown < show_misses) {
			shown++;
			const em_entity *e = em_list_find(sdn, id);
			printf("  MISS [%s] \"%s\" expected %s \"%s\"\n", kind, q, id, e && e->n_names ? e->names[0].full : "?");
			for (size_t k = 0; k < r->n_matches && k < 2; k++)
				print_match(&r->matches[k]);
		}
		em_result_free(r);
	}
	fclose(f);
	printf("\npositives.tsv (against sdn-2023-06-15.csv)\n  %-18s %6s %8s %8s\n", "kind", "n", "recall", "top1");
	for (size_t i = 0; i < nk; i++)
		printf("  %-18s %6zu %8.3f %8.3f\n", kinds[i].key, kinds[i].total,
		       (double)kinds[i].found / (double)kinds[i].total, (double)kinds[i].top1 / (double)kinds[i].total);
	printf("  %-18s %6zu %8.3f %8.3f\n", "ALL", all.total, (double)all.found / (double)all.total,
	       (double)all.top1 / (double)all.total);

	/* Cross-script. */
	tally cs = {"crossscript", 0, 0, 0};
	shown = 0;
	snprintf(path, sizeof path, "%s/eval/crossscript.tsv", shared);
	f = s_un ? fopen(path, "r") : NULL;
	while (f && fgets(line, sizeof line, f)) {
		char *p = line, *q = next_field(&p), *src = next_field(&p), *id = next_field(&p);
		if (!q || !src || !id)
			continue;
		em_query qu = {q, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		em_result *r;
		if (em_screen(s_un, &qu, &params, &r))
			continue;
		queries++;
		cs.total++;
		int found = 0;
		for (size_t k = 0; k < r->n_matches; k++)
			if (!strcmp(r->matches[k].entity->source_id, id))
				found = k == 0 ? 2 : 1;
		cs.found += found > 0;
		cs.top1 += found == 2;
		if (!found && (int)shown < show_misses) {
			shown++;
			const em_entity *e = em_list_find(un, id);
			printf("  MISS [cross] \"%s\" expected %s \"%s\"\n", q, id, e && e->n_names ? e->names[0].full : "?");
			for (size_t k = 0; k < r->n_matches && k < 2; k++)
				print_match(&r->matches[k]);
		}
		em_result_free(r);
	}
	if (f)
		fclose(f);
	printf("\ncrossscript.tsv (against un-latin-only.xml)\n  recall %.3f  top1 %.3f  (n=%zu)\n",
	       (double)cs.found / (double)(cs.total ? cs.total : 1), (double)cs.top1 / (double)(cs.total ? cs.total : 1), cs.total);

	/* Negatives: alerts per 1000, per locale. */
	tally locs[64];
	size_t nl = 0;
	tally negall = {"all", 0, 0, 0};
	shown = 0;
	snprintf(path, sizeof path, "%s/eval/negatives.tsv", shared);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f)) {
		char *p = line, *type = next_field(&p), *loc = next_field(&p), *name = next_field(&p);
		if (!type || !loc || !name)
			continue;
		em_query qu = {name, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		em_result *r;
		if (em_screen(s_sdn, &qu, &params, &r))
			continue;
		queries++;
		tally *t = tally_get(locs, &nl, loc);
		t->total++, negall.total++;
		if (r->n_matches) {
			t->found++, negall.found++;
			if ((int)shown < show_alerts) {
				shown++;
				printf("  ALERT [%s] \"%s\"\n", loc, name);
				print_match(&r->matches[0]);
			}
		}
		em_result_free(r);
	}
	if (f)
		fclose(f);
	double t1 = now();
	printf("\nnegatives.tsv (against sdn-2023-06-15.csv): alerts per 1000\n");
	for (size_t i = 0; i < nl; i++)
		printf("  %-14s %6zu %8.1f\n", locs[i].key, locs[i].total, 1000.0 * (double)locs[i].found / (double)locs[i].total);
	printf("  %-14s %6zu %8.1f\n", "ALL", negall.total, 1000.0 * (double)negall.found / (double)(negall.total ? negall.total : 1));
	printf("\n%zu queries in %.2f s (%.0f per second, one thread)\n", queries, t1 - t0, (double)queries / (t1 - t0));
	em_screener_free(s_sdn);
	em_screener_free(s_un);
	em_list_free(sdn);
	if (un)
		em_list_free(un);
	return 0;
}
