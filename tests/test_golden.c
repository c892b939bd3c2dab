/*
 * test_golden.c: golden cases for the matcher. tests/fixtures/golden/list.csv is a small
 * OFAC-format list written for this test (persons with aliases, companies with legal forms,
 * vessels with IMO numbers, Cyrillic and Arabic spellings); cases.tsv holds queries with the
 * source_id that must come back as the best match at the default threshold, or "-" when
 * nothing may match at all. Only the answer is checked, never the scores, so the weights can be
 * tuned freely while the behaviour the cases describe is kept.
 */
#include "test.h"

#include <stdbool.h>

#include "embargo/em_lists.h"
#include "embargo/em_screen.h"

#define MAX_FIELDS 6
#define MAX_IDS 4

/* Fewer cases than this means the file was not read as intended. */
#define MIN_CASES 60

static em_list *list;
static em_screener *screener;
static int n_cases, n_positive, n_negative;

/* Splits a line on tabs in place; returns the number of fields. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static void print_result(const em_result *r)
{
	for (size_t i = 0; r && i < r->n_matches && i < 3; i++) {
		const em_match *m = &r->matches[i];
		char *ex = em_match_explanation_json(m);
		fprintf(stderr, "    got %s \"%s\" %.3f %s\n", m->entity->source_id, m->matched_name, m->score,
			ex ? ex : "");
		free(ex);
	}
	if (!r || !r->n_matches)
		fprintf(stderr, "    got no match\n");
}

/* One case: the line number for messages and the parsed fields. */
static void run_case(size_t lineno, char **f, int nf)
{
	const char *query = f[0], *expected = f[1];
	const char *type = nf > 2 ? f[2] : "", *dob = nf > 3 ? f[3] : "", *ids = nf > 4 ? f[4] : "";
	char idbuf[256];
	const char *idv[MAX_IDS];
	size_t n_ids = 0;
	snprintf(idbuf, sizeof idbuf, "%s", ids);
	char *save = NULL;
	for (char *t = strtok_r(idbuf, ";", &save); t && n_ids < MAX_IDS; t = strtok_r(NULL, ";", &save))
		idv[n_ids++] = t;

	em_query q = {query, em_entity_type_parse(type), *dob ? dob : NULL, NULL, n_ids ? idv : NULL, n_ids};
	if (*type && q.type == EM_ENTITY_UNKNOWN) {
		fprintf(stderr, "cases.tsv:%zu: field 'type': unknown type '%s'\n", lineno, type);
		CHECK(0);
		return;
	}
	bool negative = !strcmp(expected, "-");
	if (!negative && !em_list_find(list, expected)) {
		fprintf(stderr, "cases.tsv:%zu: field 'expected': %s is not in list.csv\n", lineno, expected);
		CHECK(0);
		return;
	}
	em_screen_params params = EM_SCREEN_PARAMS_INIT;
	em_result *r = NULL;
	if (em_screen(screener, &q, &params, &r) != 0) {
		fprintf(stderr, "cases.tsv:%zu: em_screen failed: %s\n", lineno, em_error_last()->message);
		CHECK(0);
		return;
	}
	n_cases++;
	bool ok;
	if (negative) {
		n_negative++;
		ok = r->n_matches == 0;
	} else {
		n_positive++;
		ok = r->n_matches > 0 && !strcmp(r->matches[0].entity->source_id, expected);
	}
	/* What every result promises: best first, nothing under the threshold, each explained. */
	for (size_t i = 0; i < r->n_matches; i++) {
		const em_match *m = &r->matches[i];
		if (i && m->score > r->matches[i - 1].score)
			ok = false;
		if (m->score < EM_SCREEN_DEFAULT_THRESHOLD || m->score > 1.0)
			ok = false;
		if (m->n_tokens == 0 && m->n_adjustments == 0)
			ok = false;
	}
	if (!ok) {
		fprintf(stderr, "cases.tsv:%zu: \"%s\"%s%s%s%s: expected %s\n", lineno, query, *type ? " type " : "",
			type, *dob ? " dob " : "", dob, negative ? "no match" : expected);
		print_result(r);
	}
	CHECK(ok);
	em_result_free(r);
}

static void golden_cases(void)
{
	const char *path = fixture_path("golden/cases.tsv");
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		char *fields[MAX_FIELDS];
		int nf = split_tabs(line, fields, MAX_FIELDS);
		if (nf < 2 || !*fields[0] || !*fields[1]) {
			fprintf(stderr, "%s:%zu: expected at least a query and an expected id\n", path, lineno);
			CHECK(0);
			continue;
		}
		run_case(lineno, fields, nf);
	}
	free(line);
	fclose(f);
	printf("     %d cases: %d must match, %d must not\n", n_cases, n_positive, n_negative);
	CHECK(n_cases >= MIN_CASES);
	CHECK(n_positive > 0 && n_negative > 0);
}

/* The fixture is what it claims to be: an OFAC file read whole, with its aliases. */
static void fixture_list(void)
{
	CHECK_EQ_STR(em_list_format(list), "ofac-csv");
	CHECK_EQ_INT(em_list_count(list), 36);
	const em_entity *e = em_list_find(list, "1001");
	CHECK(e && e->n_names == 3);
	e = em_list_find(list, "1011");
	CHECK(e && e->type == EM_ENTITY_VESSEL);
}

int main(void)
{
	if (em_list_read_file(&list, fixture_path("golden/list.csv"), NULL) != 0) {
		fprintf(stderr, "reading the golden list: %s\n", em_error_last()->message);
		return 1;
	}
	if (em_screener_new(&screener, (const em_list *const *)&list, 1) != 0) {
		fprintf(stderr, "building the index: %s\n", em_error_last()->message);
		em_list_free(list);
		return 1;
	}
	RUN(fixture_list);
	RUN(golden_cases);
	em_screener_free(screener);
	em_list_free(list);
	return TEST_REPORT();
}
