/*
 * test_screen_memo.c: a screening thread keeps what it found for each word (the term memo in
 * src/match/screen.c), the knowledge word each resembles (src/match/knowledge.c) and each word's
 * romanization, and a query reuses them all. None may change an answer: every third query of
 * the evaluation sets is screened against the real SDN in one run, as a batch does, and again
 * each on its own with the thread's caches emptied first (em_screen_forget), and the two answers
 * must be the same to the explanation. A second screener over an older snapshot shares the
 * thread: answers for it must be its own.
 */
#include "test.h"

#include "embargo/em_lists.h"
#include "embargo/em_screen.h"
#include "eval_names.h"

#define EVERY 3
#define MAX_QUERIES 25000

static char *queries[MAX_QUERIES];
static size_t n_queries;

/* Everything a result says, as text: two equal texts are two equal answers. */
static char *describe(const em_result *r)
{
	size_t cap = 256, len = 0;
	char *out = malloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < r->n_matches; i++) {
		const em_match *m = &r->matches[i];
		char *expl = em_match_explanation_json(m);
		char head[512];
		int n = snprintf(head, sizeof head, "%s|%s|%.17g|%.17g|", m->entity->source_id, m->matched_name,
				 m->score, m->name_score);
		size_t need = len + (size_t)n + strlen(expl ? expl : "") + 2;
		if (need > cap) {
			while (cap < need)
				cap *= 2;
			out = realloc(out, cap);
		}
		len += (size_t)sprintf(out + len, "%s%s\n", head, expl ? expl : "");
		free(expl);
	}
	return out;
}

static char *screen_text(const em_screener *s, const char *name)
{
	em_query q = {name, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	em_result *r = NULL;
	if (em_screen(s, &q, NULL, &r) != 0)
		return strdup("(error)");
	char *t = describe(r);
	em_result_free(r);
	return t;
}

static void keep_query(const char *name, long n, void *ctx)
{
	(void)n;
	(void)ctx;
	if (n_queries < MAX_QUERIES)
		queries[n_queries++] = strdup(name);
}

static void read_queries(const char *file, int col)
{
	CHECK(eval_each_name(EM_SHARED_DIR, file, col, EVERY, keep_query, NULL));
}

static em_screener *scr, *older;

/* The batch's answers, with the caches as the batch left them, equal the answers of each query
 * screened from empty caches. */
static void batch_equals_one_by_one(void)
{
	char **batch = calloc(n_queries, sizeof *batch);
	em_screen_forget();
	for (size_t i = 0; i < n_queries; i++)
		batch[i] = screen_text(scr, queries[i]);
	size_t differ = 0, matched = 0;
	for (size_t i = 0; i < n_queries; i++) {
		em_screen_forget();
		char *alone = screen_text(scr, queries[i]);
		matched += alone[0] != '\0';
		if (strcmp(alone, batch[i]) != 0 && differ++ < 5)
			fprintf(stderr, "  \"%s\": in the batch\n%s  alone\n%s", queries[i], batch[i], alone);
		free(alone);
		free(batch[i]);
	}
	free(batch);
	fprintf(stderr, "  %zu queries, %zu with matches, %zu differ\n", n_queries, matched, differ);
	CHECK_EQ_INT(differ, 0);
	CHECK(n_queries > 15000);
	CHECK(matched > 500);
}

/* Two screeners on one thread, a query on one then on the other: each answers from its lists. */
static void screeners_do_not_share(void)
{
	size_t differ = 0;
	for (size_t i = 0; i < n_queries; i += 3) {
		em_screen_forget();
		char *own = screen_text(older, queries[i]);
		em_screen_forget();
		free(screen_text(scr, queries[i])); /* fills the caches from the other screener */
		char *after = screen_text(older, queries[i]);
		if (strcmp(own, after) != 0 && differ++ < 5)
			fprintf(stderr, "  \"%s\": alone\n%s  after the other screener\n%s", queries[i], own, after);
		free(own);
		free(after);
	}
	CHECK_EQ_INT(differ, 0);
}

int main(void)
{
	em_list *list = NULL, *old = NULL;
	CHECK_EQ_INT(em_list_read_file(&list, EM_SHARED_DIR "/data/ofac/sdn-history/sdn-2024-05-03.csv", NULL), 0);
	CHECK_EQ_INT(em_list_read_file(&old, EM_SHARED_DIR "/data/ofac/sdn-history/sdn-2023-06-08.csv", NULL), 0);
	if (!list || !old)
		return TEST_REPORT();
	const em_list *l = list, *o = old;
	CHECK_EQ_INT(em_screener_new(&scr, &l, 1), 0);
	CHECK_EQ_INT(em_screener_new(&older, &o, 1), 0);
	read_queries("positives.tsv", 0);
	read_queries("crossscript.tsv", 0);
	read_queries("negatives.tsv", 2);
	RUN(batch_equals_one_by_one);
	RUN(screeners_do_not_share);
	for (size_t i = 0; i < n_queries; i++)
		free(queries[i]);
	em_screener_free(scr);
	em_screener_free(older);
	em_list_free(list);
	em_list_free(old);
	return TEST_REPORT();
}
