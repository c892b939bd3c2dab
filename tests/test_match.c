/*
 * Unit tests of scoring: a small list built in memory, queries through em_screen(), and checks of
 * what each part of the model does (exact and fuzzy names, optional fields, identifiers, weak
 * aliases, joined words, Arabic script, explanations, limits, threads).
 */
#include "test.h"

#include <pthread.h>

#include "embargo/em_screen.h"
#include "match/index.h"
#include "model/model.h"

static em_list *list;
static em_screener *scr;

static void add_person(const char *id, const char *name, const char *family, const char *dob, const char *passport)
{
	em_entity *e = em_list_add(list);
	em_entity_set_id(list, e, id);
	e->type = EM_ENTITY_PERSON;
	em_entity_add_name(list, e, EM_NAME_PRIMARY, name, NULL, family, NULL);
	if (dob)
		em_entity_add_birth_date(list, e, dob);
	if (passport)
		em_entity_add_id(list, e, EM_ID_PASSPORT, "Passport", passport, "Iran", NULL);
	em_entity_add_string(list, e, EM_FIELD_NATIONALITY, "Iran");
}

static void build(void)
{
	em_list_new(&list, "test", "built");
	add_person("1", "KARIMI, Reza Ahmad", "KARIMI", "12 Mar 1965", "P1234567");
	add_person("2", "SADDAM HUSSEIN AL-TIKRITI", NULL, "1937", NULL);
	add_person("3", "AKSAKOV, Anatoly Gennadyevich", "AKSAKOV", NULL, NULL);
	em_entity *e = em_list_add(list);
	em_entity_set_id(list, e, "4");
	e->type = EM_ENTITY_ORGANIZATION;
	em_entity_add_name(list, e, EM_NAME_PRIMARY, "SOLLERS-FINANCE LIMITED LIABILITY COMPANY", NULL, NULL, NULL);
	em_entity_add_name(list, e, EM_NAME_AKA_WEAK, "SOLFIN", NULL, NULL, NULL);
	e = em_list_add(list);
	em_entity_set_id(list, e, "5");
	e->type = EM_ENTITY_VESSEL;
	em_entity_add_name(list, e, EM_NAME_PRIMARY, "DESTINY", NULL, NULL, NULL);
	em_entity_add_id(list, e, EM_ID_IMO, "IMO", "9187629", NULL, NULL);
	add_person("6", "CARO URIAS, Omar", "CARO URIAS", NULL, NULL);
	add_person("7", "ABDULLAH AHMED ABDULLAH EL ALFI", NULL, NULL, NULL);
	add_person("8", "PAO, Wen Li", "PAO", NULL, NULL);
	/* A crowd of ordinary names so that rarity weights mean something. */
	static const char *const fill[] = {"SMITH, John", "JONES, Mary", "MILLER, Ahmad", "BROWN, Reza",
					   "WILSON, Ali", "TAYLOR, Omar", "CLARK, Anna", "LEWIS, Mark"};
	char id[8];
	for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++) {
		snprintf(id, sizeof id, "f%zu", i);
		add_person(id, fill[i], NULL, NULL, NULL);
	}
	CHECK_EQ_INT(em_list_finish(list), 0);
	const em_list *l = list;
	CHECK_EQ_INT(em_screener_new(&scr, &l, 1), 0);
}

/* The best match's id for a query, or "-" for none. */
static const char *top(const em_query *q, double *score)
{
	static char buf[32];
	em_result *r;
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	if (em_screen(scr, q, &p, &r) != 0)
		return "error";
	snprintf(buf, sizeof buf, "%s", r->n_matches ? r->matches[0].entity->source_id : "-");
	if (score)
		*score = r->n_matches ? r->matches[0].score : 0;
	em_result_free(r);
	return buf;
}

static const char *top_name(const char *name)
{
	em_query q = {name, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	return top(&q, NULL);
}

static void names(void)
{
	CHECK_EQ_STR(top_name("Reza Karimi"), "1");               /* reordered, middle name left out */
	CHECK_EQ_STR(top_name("KARIMI, Reza Ahmad"), "1");
	CHECK_EQ_STR(top_name("Riza Karimy"), "1");                /* variants and a vowel */
	CHECK_EQ_STR(top_name("Sollers-Finance OOO"), "4");        /* legal form across languages */
	CHECK_EQ_STR(top_name("СОЛЛЕРС-ФИНАНС ООО"), "4");        /* Cyrillic */
	CHECK_EQ_STR(top_name("Анатолий Геннадьевич Аксаков"), "3");
	CHECK_EQ_STR(top_name("DESTIY"), "5");                     /* one letter dropped */
	CHECK_EQ_STR(top_name("CAROURIAS OMAR"), "6");             /* written together */
	CHECK_EQ_STR(top_name("صدام حسين التكريتي"), "2");        /* Arabic script */
	CHECK_EQ_STR(top_name("عبد الله احمد عبدالله الالفي"), "7");
	CHECK_EQ_STR(top_name("John Karimi Miller"), "-");         /* not the same people */
	CHECK_EQ_STR(top_name("Mary"), "-");
	CHECK_EQ_STR(top_name(""), "-");
}

static void optional_fields(void)
{
	double base, s;
	em_query q = {"Reza Karimi", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	CHECK_EQ_STR(top(&q, &base), "1");
	q.dob = "1965-03-12";
	CHECK_EQ_STR(top(&q, &s), "1");
	CHECK(s > base);
	q.dob = "1990";
	top(&q, &s);
	CHECK(s < base - 0.1);
	q.dob = NULL;
	q.type = EM_ENTITY_ORGANIZATION;
	top(&q, &s);
	CHECK(s < base);
	q.type = EM_ENTITY_PERSON;
	q.country = "Iran";
	top(&q, &s);
	CHECK(s > base);
	/* An identical identifier is a strong match even with another name. */
	const char *ids[] = {"P 123-4567"};
	em_query byid = {"Someone Else", EM_ENTITY_UNKNOWN, NULL, NULL, ids, 1};
	CHECK_EQ_STR(top(&byid, &s), "1");
	CHECK(s >= 0.9);
	const char *imo[] = {"IMO 9187629"};
	em_query vessel = {"UNKNOWN SHIP", EM_ENTITY_VESSEL, NULL, NULL, imo, 1};
	CHECK_EQ_STR(top(&vessel, NULL), "5");
	/* A company-looking query against a person costs. */
	em_query org = {"Karimi Reza LLC", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	top(&org, &s);
	CHECK(s < base);
	/* So does one against a vessel: "Destiny Group" names a company, not the ship DESTINY. */
	em_query destiny_group = {"Destiny Group", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = 0.5;
	em_result *r = NULL;
	CHECK_EQ_INT(em_screen(scr, &destiny_group, &p, &r), 0);
	bool typed = false;
	for (size_t i = 0; r && r->n_matches && i < r->matches[0].n_adjustments; i++)
		typed |= !strcmp(r->matches[0].adjustments[i].field, "type") && r->matches[0].adjustments[i].effect < 0;
	CHECK(r && r->n_matches && !strcmp(r->matches[0].entity->source_id, "5") && typed);
	em_result_free(r);
	/* PAO is a legal form and this person's family name: no company reading against him, and
	 * the explanation shows the word as written. */
	em_query pao = {"Wen Pao", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	CHECK_EQ_INT(em_screen(scr, &pao, &p, &r), 0);
	bool shown = false;
	CHECK(r && r->n_matches && !strcmp(r->matches[0].entity->source_id, "8"));
	for (size_t i = 0; r && r->n_matches && i < r->matches[0].n_tokens; i++)
		shown |= !strcmp(r->matches[0].tokens[i].query_token, "pao") &&
			 !strcmp(r->matches[0].tokens[i].listed_token, "pao");
	CHECK(shown && r->matches[0].n_adjustments == 0);
	em_result_free(r);
}

static void weak_alias_and_explanation(void)
{
	em_query q = {"SOLFIN", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	em_result *r;
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = 0.5;
	CHECK_EQ_INT(em_screen(scr, &q, &p, &r), 0);
	CHECK(r->n_matches >= 1);
	if (r->n_matches) {
		const em_match *m = &r->matches[0];
		CHECK_EQ_STR(m->entity->source_id, "4");
		CHECK(m->matched_kind == EM_NAME_AKA_WEAK);
		CHECK(m->score < m->name_score); /* the weak-alias adjustment */
		char *ex = em_match_explanation_json(m);
		CHECK(ex && strstr(ex, "\"weak_alias\"") && strstr(ex, "\"tokens\""));
		free(ex);
	}
	em_result_free(r);
	em_query k = {"Reza Karimi", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	CHECK_EQ_INT(em_screen(scr, &k, &p, &r), 0);
	if (r->n_matches) {
		const em_match *m = &r->matches[0];
		int exact = 0, unmatched = 0;
		for (size_t i = 0; i < m->n_tokens; i++) {
			exact += !strcmp(m->tokens[i].how, "exact");
			unmatched += !strcmp(m->tokens[i].how, "unmatched");
		}
		CHECK_EQ_INT(exact, 2);
		CHECK_EQ_INT(unmatched, 1); /* "ahmad", the middle name */
		CHECK(m->name_coverage < 1.0 && m->query_coverage > 0.99);
	}
	em_result_free(r);
}

static void threshold_and_limit(void)
{
	em_query q = {"Karimi", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	em_result *r;
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = 0.01;
	p.limit = 2;
	CHECK_EQ_INT(em_screen(scr, &q, &p, &r), 0);
	CHECK(r->n_matches <= 2);
	for (size_t i = 1; i < r->n_matches; i++)
		CHECK(r->matches[i - 1].score >= r->matches[i].score);
	em_result_free(r);
	em_query none = {NULL, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	CHECK_EQ_INT(em_screen(scr, &none, &p, &r), EM_EINVAL);
}

/* Forgetting the thread's cached words changes no answer, only what the next query costs. */
static void forget_changes_nothing(void)
{
	const char *names[] = {"صدام حسين التكريتي", "Аксаков Анатолий", "Reza Karimi"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		em_query q = {names[i], EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		em_result *a, *b;
		CHECK_EQ_INT(em_screen(scr, &q, NULL, &a), 0);
		em_screen_forget();
		CHECK_EQ_INT(em_screen(scr, &q, NULL, &b), 0);
		CHECK(a->n_matches > 0);
		CHECK_EQ_INT((int)a->n_matches, (int)b->n_matches);
		for (size_t k = 0; k < a->n_matches && k < b->n_matches; k++)
			CHECK(a->matches[k].entity == b->matches[k].entity && a->matches[k].score == b->matches[k].score);
		em_result_free(a);
		em_result_free(b);
	}
}

static void *screen_many(void *arg)
{
	int *bad = arg;
	for (int i = 0; i < 300; i++) {
		em_query q = {i % 2 ? "Reza Karimi" : "صدام حسين التكريتي", EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		em_result *r;
		if (em_screen(scr, &q, NULL, &r) != 0 || r->n_matches == 0 ||
		    strcmp(r->matches[0].entity->source_id, i % 2 ? "1" : "2") != 0)
			(*bad)++;
		em_result_free(r);
	}
	return NULL;
}

static void threads(void)
{
	pthread_t t[4];
	int bad[4] = {0};
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, screen_many, &bad[i]);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(bad[i], 0);
	}
}

static void stats(void)
{
	em_screener_stats st;
	em_screener_get_stats(scr, &st);
	CHECK_EQ_INT(st.entities, em_list_count(list));
	CHECK(st.names >= st.entities);
	CHECK(st.vocabulary > 10 && st.memory_bytes > 0);
}

/* Whether the key map files vocabulary entry `want` under `key`. */
static bool keymap_has(const em_keymap *m, const char *key, const char *want)
{
	size_t n, v;
	if (!em_strmap_get(&scr->by_text, want, &v))
		return false;
	const uint32_t *vals = em_keymap_get(m, key, strlen(key), &n);
	for (size_t i = 0; i < n; i++)
		if (vals[i] == v)
			return true;
	return false;
}

/* The hash-keyed maps behind typo and skeleton lookups: a key, its one-letter deletions, nothing else. */
static void key_maps(void)
{
	CHECK(keymap_has(&scr->by_phon, "karimi", "karimi"));
	CHECK(keymap_has(&scr->by_phon, "krimi", "karimi"));  /* a deletion */
	CHECK(keymap_has(&scr->by_phon, "karii", "karimi"));
	CHECK(!keymap_has(&scr->by_phon, "kimi", "karimi"));  /* two letters off: not filed */
	CHECK(keymap_has(&scr->by_skel, "tkrt", "tikriti"));
	CHECK(keymap_has(&scr->by_skel, "krt", "tikriti"));   /* a deletion of a skeleton of 4 */
	size_t n = 1;
	CHECK(em_keymap_get(&scr->by_phon, "zzzzqqq", 7, &n) == NULL && n == 0);
	em_keymap empty = {0};
	CHECK(em_keymap_get(&empty, "karimi", 6, &n) == NULL && n == 0);
	/* A deletion's hash from the prefix and suffix hashes is the deleted key's own hash. */
	static const char *const keys[] = {"karimi", "aabbcc", "mohammad", "xyz", "abcd"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		const char *key = keys[k];
		size_t len = strlen(key);
		uint64_t h[EM_KEYMAP_KEY_MAX + 1];
		for (int distinct = 0; distinct < 2; distinct++) {
			size_t nh = em_keymap_deletion_hashes(key, len, distinct, h), at = 0;
			CHECK(h[at++] == em_keymap_hash(key, len));
			for (size_t i = 0; len >= 4 && i < len; i++) {
				if (distinct && i > 0 && key[i] == key[i - 1])
					continue;
				char del[16];
				memcpy(del, key, i);
				memcpy(del + i, key + i + 1, len - i - 1);
				CHECK(at < nh && h[at++] == em_keymap_hash(del, len - 1));
			}
			CHECK_EQ_INT((int)at, (int)nh);
		}
	}
}

int main(void)
{
	build();
	RUN(names);
	RUN(optional_fields);
	RUN(weak_alias_and_explanation);
	RUN(threshold_and_limit);
	RUN(forget_changes_nothing);
	RUN(threads);
	RUN(stats);
	RUN(key_maps);
	em_screener_free(scr);
	em_list_free(list);
	return TEST_REPORT();
}
