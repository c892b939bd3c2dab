/*
 * test_screen_bound.c: em_screen skips names whose score cannot reach the threshold
 * (score_bound in src/match/screen.c), before the costly part of the alignment. An upper bound
 * that is too low would lose matches silently, so this test screens queries of the evaluation
 * sets against the real SDN both ways, with the bound and with every candidate aligned in full,
 * and requires the same matches with the same scores. The queries are every 7th line of
 * positives.tsv, crossscript.tsv and negatives.tsv, as written and with the optional fields
 * that lower the score floor (a date of birth, a country, a type), and listed names cut short
 * or with two words written together.
 */
#include "test.h"

#include "embargo/em_lists.h"
#include "embargo/em_screen.h"
#include "eval_names.h"
#include "match/index.h"

#define EVERY 7

static em_screener *scr;
static const em_list *scr_list;
static int compared, with_matches;

/* Screens q both ways at `threshold`; every difference is a failure. */
static void compare(const em_query *q, double threshold)
{
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = threshold;
	p.limit = 50;
	em_result *fast = NULL, *full = NULL;
	CHECK_EQ_INT(em_screen_internal(scr, q, &p, false, &fast), 0);
	CHECK_EQ_INT(em_screen_internal(scr, q, &p, true, &full), 0);
	if (!fast || !full)
		goto done;
	compared++;
	with_matches += full->n_matches > 0;
	bool same = fast->n_matches == full->n_matches;
	for (size_t i = 0; same && i < full->n_matches; i++)
		same = fast->matches[i].entity == full->matches[i].entity &&
		       fast->matches[i].score == full->matches[i].score &&
		       strcmp(fast->matches[i].matched_name, full->matches[i].matched_name) == 0;
	if (!same) {
		fprintf(stderr, "  differs at %.2f: \"%s\" (dob %s, country %s): %zu matches with the bound, %zu without\n",
			threshold, q->name, q->dob ? q->dob : "-", q->country ? q->country : "-", fast->n_matches,
			full->n_matches);
		for (size_t i = 0; i < full->n_matches; i++)
			fprintf(stderr, "    full: %s %.4f\n", full->matches[i].entity->source_id, full->matches[i].score);
		for (size_t i = 0; i < fast->n_matches; i++)
			fprintf(stderr, "    fast: %s %.4f\n", fast->matches[i].entity->source_id, fast->matches[i].score);
	}
	CHECK(same);
done:
	em_result_free(fast);
	em_result_free(full);
}

/* One name of an evaluation set, as written and with the optional fields that lower the
 * score floor (a date of birth, a country, a type). */
static void compare_name(const char *name, long n, void *ctx)
{
	(void)ctx;
	em_query q = {name, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	compare(&q, EM_SCREEN_DEFAULT_THRESHOLD);
	compare(&q, 0.7);
	/* The optional fields that may raise a score lower the floor; a type may lower it. */
	em_query fields = {name, n % 2 ? EM_ENTITY_PERSON : EM_ENTITY_ORGANIZATION, "1965", "Iran", NULL, 0};
	compare(&fields, EM_SCREEN_DEFAULT_THRESHOLD);
}

/* Compares every EVERY-th name (column `col`) of an eval file. */
static void queries_from(const char *file, int col)
{
	CHECK(eval_each_name(EM_SHARED_DIR, file, col, EVERY, compare_name, NULL));
}

/*
 * Listed names cut short (the last word in part, as a form field's limit leaves it) and with
 * two words written together: the pairs the bound must allow for beyond single words.
 */
static void listed_names_cut_and_joined(const em_list *list)
{
	for (size_t i = 0; i < em_list_count(list); i += EVERY * 3) {
		const em_entity *e = em_list_entity(list, i);
		const char *full = e->n_names ? e->names[0].full : NULL;
		size_t len = full ? strlen(full) : 0;
		if (len < 12 || len > 200)
			continue;
		char buf[256];
		memcpy(buf, full, len + 1);
		buf[len - 3] = '\0'; /* cut short */
		em_query q = {buf, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		compare(&q, EM_SCREEN_DEFAULT_THRESHOLD);
		memcpy(buf, full, len + 1);
		char *sp = strchr(buf, ' ');
		if (sp) /* two words written together */
			memmove(sp, sp + 1, strlen(sp + 1) + 1);
		compare(&q, EM_SCREEN_DEFAULT_THRESHOLD);
	}
}

static void bound_loses_nothing(void)
{
	queries_from("positives.tsv", 0);
	queries_from("crossscript.tsv", 0);
	queries_from("negatives.tsv", 2);
	listed_names_cut_and_joined(scr_list);
	fprintf(stderr, "  %d comparisons, %d with matches\n", compared, with_matches);
	/* The sets were read: thousands of queries, and the positives match. */
	CHECK(compared > 9000);
	CHECK(with_matches > 500);
}

int main(void)
{
	em_list *list = NULL;
	CHECK_EQ_INT(em_list_read_file(&list, EM_SHARED_DIR "/data/ofac/sdn-history/sdn-2024-05-03.csv", NULL), 0);
	if (!list)
		return TEST_REPORT();
	const em_list *l = list;
	scr_list = list;
	CHECK_EQ_INT(em_screener_new(&scr, &l, 1), 0);
	RUN(bound_loses_nothing);
	em_screener_free(scr);
	em_list_free(list);
	return TEST_REPORT();
}
