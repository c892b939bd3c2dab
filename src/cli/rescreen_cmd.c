/*
 * rescreen_cmd.c: `embargo rescreen`: after a list update, screens every stored customer (the
 * customers that screenings with a customer reference left in the store) against the active
 * lists, and opens alerts only for matches that are new for the customer or whose listed entry
 * changed since its previous screening; decided false positives stay suppressed. Customers
 * are read a page at a time, screened on several threads, and each page is recorded in the
 * audit trail in one transaction (channel "rescreen").
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "embargo/em_audit.h"
#include "embargo/em_screen.h"

#define PAGE 1000

typedef struct rescreen_page {
	const em_screener *screener;
	em_screen_params params;
	const em_customer_set *customers;
	em_query *queries;
	em_result **results;
	atomic_size_t next;
	atomic_int failed;
} rescreen_page;

static void *rescreen_worker(void *arg)
{
	rescreen_page *p = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->customers->count)
			break;
		if (em_screen(p->screener, &p->queries[i], &p->params, &p->results[i]) != 0)
			atomic_store(&p->failed, 1);
	}
	return NULL;
}

static void rescreen_usage(FILE *f)
{
	fprintf(f,
		"usage: embargo rescreen [--store URL] [-j N] [--threshold X]\n"
		"Screens every stored customer against the store's active lists and opens alerts only for\n"
		"matches that are new or whose listed entry changed; decided false positives stay\n"
		"suppressed. Customers are kept by screenings that carry a customer reference (the\n"
		"customer_ref field of POST /v1/screen, the customer_ref column of `screen --batch`).\n");
}

/* Screens and records one page of customers; 0 or CLI_FAIL (reported). */
static int rescreen_page_run(em_store *st, const em_screener *scr, const em_screen_params *params,
			     const em_list_ref *refs, size_t n_refs, const em_customer_set *cs, int threads,
			     cli_rescreen_tally *t)
{
	size_t n = cs->count;
	rescreen_page p = {scr, *params, cs, calloc(n, sizeof(em_query)), calloc(n, sizeof(em_result *)), 0, 0};
	em_screening *sc = calloc(n, sizeof *sc);
	em_screening **ptrs = calloc(n, sizeof *ptrs);
	em_alert_ref **alerts = calloc(n, sizeof *alerts);
	int rc = CLI_OK;
	if (!p.queries || !p.results || !sc || !ptrs || !alerts) {
		fprintf(stderr, "embargo rescreen: out of memory\n");
		rc = CLI_FAIL;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const em_customer *c = &cs->items[i];
		p.queries[i] = (em_query){c->name, em_entity_type_parse(c->type), c->dob, c->country, c->ids, c->n_ids};
	}
	pthread_t tids[64];
	int started = 0;
	for (int i = 0; i < threads && i < 64; i++)
		if (pthread_create(&tids[i], NULL, rescreen_worker, &p) == 0)
			started++;
	if (!started)
		rescreen_worker(&p);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (atomic_load(&p.failed)) {
		fprintf(stderr, "embargo rescreen: screening failed\n");
		rc = CLI_FAIL;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(alerts[i] = calloc(p.results[i]->n_matches + 1, sizeof *alerts[i]))) {
			fprintf(stderr, "embargo rescreen: out of memory\n");
			rc = CLI_FAIL;
			goto done;
		}
		sc[i] = (em_screening)EM_SCREENING_INIT;
		sc[i].who = "cli";
		sc[i].channel = "rescreen";
		sc[i].customer_ref = cs->items[i].ref;
		sc[i].query = &p.queries[i];
		sc[i].result = p.results[i];
		sc[i].threshold = params->threshold;
		sc[i].only_changed = 1;
		sc[i].lists = refs;
		sc[i].n_lists = n_refs;
		sc[i].alerts = alerts[i];
		ptrs[i] = &sc[i];
	}
	if (em_audit_record(st, ptrs, n)) {
		rc = cli_report_error("recording the re-screening");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		size_t nm = p.results[i]->n_matches;
		t->customers++;
		t->with_matches += nm > 0;
		for (size_t m = 0; m < nm; m++) {
			switch (alerts[i][m].outcome) {
			case EM_OUTCOME_OPENED: t->opened++; break;
			case EM_OUTCOME_PENDING: t->pending++; break;
			case EM_OUTCOME_SUPPRESSED: t->suppressed++; break;
			case EM_OUTCOME_CONFIRMED: t->confirmed++; break;
			case EM_OUTCOME_NONE: t->unchanged++; break;
			}
		}
	}
done:
	for (size_t i = 0; i < n; i++) {
		if (p.results)
			em_result_free(p.results[i]);
		if (alerts)
			free(alerts[i]);
	}
	free(p.queries);
	free(p.results);
	free(sc);
	free(ptrs);
	free(alerts);
	return rc;
}

int cli_rescreen(const char *store_url, long threads, const em_screen_params *params,
		 cli_rescreen_tally *out)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cli_lists ll;
	if (cli_lists_load(&ll, NULL, 0, store_url))
		return CLI_FAIL;
	em_store *st = NULL;
	em_screener *scr = NULL;
	em_list_ref *refs = cli_lists_refs(&ll);
	int rc = CLI_OK;
	if (!refs) {
		fprintf(stderr, "embargo rescreen: out of memory\n");
		rc = CLI_FAIL;
	} else if (em_store_open(&st, store_url)) {
		rc = cli_report_error("opening the store");
	} else if (em_screener_new(&scr, (const em_list *const *)ll.lists, ll.n)) {
		rc = cli_report_error("building the index");
	}
	cli_rescreen_tally t = {0};
	char *after = NULL;
	while (rc == CLI_OK) {
		em_customer_set cs;
		if (em_customers_page(st, after, PAGE, &cs)) {
			rc = cli_report_error("reading the customers");
			break;
		}
		if (cs.count == 0) {
			em_customer_set_free(&cs);
			break;
		}
		rc = rescreen_page_run(st, scr, params, refs, ll.n, &cs, (int)threads, &t);
		free(after);
		after = strdup(cs.items[cs.count - 1].ref);
		em_customer_set_free(&cs);
		if (!after && rc == CLI_OK) {
			fprintf(stderr, "embargo rescreen: out of memory\n");
			rc = CLI_FAIL;
		}
	}
	free(after);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc == CLI_OK) {
		printf("re-screened %zu customers against", t.customers);
		for (size_t i = 0; i < ll.n; i++)
			printf("%s %s@%lld", i ? "," : "", ll.all.versions.items[i].source,
			       (long long)ll.all.versions.items[i].id);
		printf(" in %.2f s: %zu with matches; %zu alerts opened (new or changed matches), %zu already open,"
		       " %zu unchanged, %zu suppressed false positives, %zu confirmed true matches\n",
		       secs, t.with_matches, t.opened, t.pending, t.unchanged, t.suppressed, t.confirmed);
		fflush(stdout);
	}
	if (out)
		*out = t;
	em_screener_free(scr);
	em_store_free(st);
	cli_lists_free(&ll);
	free(refs);
	return rc;
}

int cli_rescreen_after_update(int flag, int setting)
{
	if (flag >= 0)
		return flag;
	const char *env = getenv("EMBARGO_RESCREEN_AFTER_UPDATE");
	if (env && *env)
		return strcmp(env, "0") && strcmp(env, "no") && strcmp(env, "off") && strcmp(env, "false");
	return setting > 0;
}

int cmd_rescreen(int argc, char **argv)
{
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	const char *store_url = NULL;
	em_screen_params params = EM_SCREEN_PARAMS_INIT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			rescreen_usage(stdout);
			return CLI_OK;
		}
		if (i + 1 >= argc || (strcmp(a, "--store") && strcmp(a, "-j") && strcmp(a, "--threshold"))) {
			fprintf(stderr, "embargo rescreen: unexpected argument '%s'\n", a);
			rescreen_usage(stderr);
			return CLI_USAGE;
		}
		const char *v = argv[++i];
		char *end;
		if (!strcmp(a, "--store")) {
			store_url = v;
		} else if (!strcmp(a, "-j")) {
			threads = strtol(v, &end, 10);
			if (*end || threads < 1 || threads > 64) {
				fprintf(stderr, "embargo rescreen: -j must be 1..64\n");
				return CLI_USAGE;
			}
		} else {
			params.threshold = strtod(v, &end);
			if (*end || params.threshold <= 0 || params.threshold > 1) {
				fprintf(stderr, "embargo rescreen: --threshold must be a number in (0, 1]\n");
				return CLI_USAGE;
			}
		}
	}
	return cli_rescreen(store_url, threads, &params, NULL);
}
