/* Tests of the US Consolidated Screening List readers: the real CSV sample and written CSV and JSON fixtures. */
#include "lists_check.h"

#include <stdlib.h>

#include "util/csv.h"
#include "util/util.h"

#define SAMPLE "data/us-csl/csl-sample.csv"

/* Rows and type counts of the sample, counted with the plain CSV reader. */
static void count_sample(size_t *rows, size_t types[5])
{
	char *data;
	size_t len;
	*rows = 0;
	memset(types, 0, 5 * sizeof types[0]);
	if (em_file_read(shared_path(SAMPLE), &data, &len) != 0)
		return;
	em_csv c;
	em_csv_init(&c, "sample", data, len, ',');
	em_csv_next(&c); /* header: source,entity_number,type,... */
	while (em_csv_next(&c) == 1) {
		const char *t = em_csv_field(&c, 2);
		(*rows)++;
		types[!strcmp(t, "Individual") ? EM_ENTITY_PERSON
		      : !strcmp(t, "Entity")   ? EM_ENTITY_ORGANIZATION
		      : !strcmp(t, "Vessel")   ? EM_ENTITY_VESSEL
		      : !strcmp(t, "Aircraft") ? EM_ENTITY_AIRCRAFT
					       : EM_ENTITY_UNKNOWN]++;
	}
	em_csv_free(&c);
	free(data);
}

static void sample_counts_and_types(void)
{
	em_list *l;
	size_t rows, want[5], got[5];
	count_sample(&rows, want);
	CHECK_EQ_INT(rows, 115);
	CHECK_EQ_INT(em_list_read_file(&l, shared_path(SAMPLE), NULL), 0);
	if (!l)
		return;
	CHECK_EQ_STR(em_list_format(l), "csl-csv");
	CHECK_EQ_STR(em_list_source(l), "us-csl");
	CHECK_EQ_INT(em_list_count(l), rows);
	em_list_count_types(l, got);
	for (int t = 0; t < 5; t++)
		CHECK_EQ_INT(got[t], want[t]);
	/* Every record keeps its sub-list and the sub-list's code as a program. */
	for (size_t i = 0; i < em_list_count(l); i++) {
		const em_entity *e = em_list_entity(l, i);
		const char *list = em_entity_attribute(e, "list");
		CHECK(list != NULL);
		CHECK(e->n_programs >= 1 && list && strstr(list, e->programs[0]));
		CHECK(e->n_names >= 1 && e->names[0].kind == EM_NAME_PRIMARY);
	}
	em_list_free(l);
}

static void sample_by_hand(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, shared_path(SAMPLE), NULL), 0);
	if (!l)
		return;
	/* A vessel with an alias, an IMO number and a former flag filed among its ids. */
	const em_entity *v = em_list_find(l, "SDN:27304");
	CHECK(v && v->type == EM_ENTITY_VESSEL);
	CHECK(has_name(v, EM_NAME_PRIMARY, "ADRIAN DARYA 1"));
	CHECK(has_name(v, EM_NAME_AKA_STRONG, "GRACE 1"));
	CHECK(has_id(v, EM_ID_IMO, "9116412", NULL));
	CHECK(has_attr(v, "former_vessel_flag", "Panama"));
	CHECK(has_attr(v, "vessel_flag", "Iran"));
	CHECK(has_attr(v, "vessel_type", "Crude Oil Tanker"));

	/* An individual: family and given names split at the comma, a year of birth. */
	const em_entity *p = em_list_find(l, "PLC:9696");
	CHECK(p && p->type == EM_ENTITY_PERSON);
	CHECK(p && p->names[0].family && !strcmp(p->names[0].family, "ABDUL JAWAD"));
	CHECK(p && p->names[0].given && !strcmp(p->names[0].given, "Naser"));
	CHECK(p && p->n_birth_dates == 1 && p->birth_dates[0].kind == EM_DATE_YEAR &&
	      p->birth_dates[0].year == 1965);
	CHECK(p && has_string(p->programs, p->n_programs, "NS-PLC"));

	/* "1974; 1975": two dates of birth. */
	const em_entity *m = find_by_name(l, "AL MAZIDIH, Ghazy Fezza Hishan", 0);
	CHECK(m && m->n_birth_dates == 2);
	CHECK(m && m->birth_dates[0].year == 1974 && m->birth_dates[1].year == 1975);

	/* Alternate names joined with "; ", an address with its country code. */
	const em_entity *o = em_list_find(l, "SDN:8124");
	CHECK(o && o->type == EM_ENTITY_ORGANIZATION && o->n_names == 3);
	CHECK(has_name(o, EM_NAME_AKA_STRONG, "CARIBE SOL"));
	CHECK(has_name(o, EM_NAME_AKA_STRONG, "HAVANTUR CANADA INC."));
	CHECK(o && o->n_addresses == 1 && o->addresses[0].country &&
	      !strcmp(o->addresses[0].country, "CA"));

	/* ids "COUNTRY, NUMBER, TYPE" and "NUMBER, TYPE". */
	CHECK(has_id(em_list_find(l, "SDN:20264"), EM_ID_TAX_ID, "80-0890696", "US"));
	const em_entity *g = em_list_find(l, "SSI:20312");
	CHECK(has_id(g, EM_ID_SWIFT_BIC, "RKBZCHZZ", NULL));
	CHECK(has_id(g, EM_ID_WEBSITE, "www.gazprombank.ch", NULL));
	CHECK(g && em_entity_attribute(g, "sanctions_info") != NULL);

	/* No entity number: the code and a hash of name|addresses|start_date. */
	char hex[65], id[32];
	const char *key = "ADRIAN MANUEL HERNANDEZ|3037 S. 69TH DRIVE, PHONEIX, AZ, 85043|2017-10-16";
	em_sha256_hex(key, strlen(key), hex);
	snprintf(id, sizeof id, "DPL:%.16s", hex);
	const em_entity *d = em_list_find(l, id);
	CHECK(d != NULL);
	CHECK(d && d->type == EM_ENTITY_UNKNOWN && d->listed_on && !strcmp(d->listed_on, "2017-10-16"));
	CHECK(has_attr(d, "end_date", "2020-10-13"));
	CHECK(has_attr(d, "standard_order", "Y"));

	/* The same name twice in the sample: two entities, two ids. */
	const em_entity *a = find_by_name(l, "Gunther Migeotte", 0), *b = find_by_name(l, "Gunther Migeotte", 1);
	CHECK(a && b && strcmp(a->source_id, b->source_id) != 0);
	em_list_free(l);
}

static void csv_with_own_ids(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("csl/csl-with-id.csv"), NULL), 0);
	if (!l)
		return;
	CHECK_EQ_INT(em_list_count(l), 3);
	const em_entity *p = em_list_find(l, "f3a1c2");
	CHECK(p && p->type == EM_ENTITY_PERSON);
	CHECK(has_name(p, EM_NAME_AKA_STRONG, "ABU EXAMPLE"));
	CHECK(has_id(p, EM_ID_PASSPORT, "A1234567", "IR"));
	CHECK(p && p->gender && !strcmp(p->gender, "male"));
	CHECK(p && p->n_birth_dates == 2 && p->birth_dates[1].circa);
	CHECK(p && has_string(p->programs, p->n_programs, "SDGT") && has_string(p->programs, p->n_programs, "IRGC"));
	CHECK(has_id(em_list_find(l, "c0ffee"), EM_ID_REGISTRATION, "123456", "AE"));
	CHECK(em_list_find(l, "9b7e44") && em_list_find(l, "9b7e44")->type == EM_ENTITY_UNKNOWN);
	em_list_free(l);
}

static void json_results(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("csl/csl.json"), NULL), 0);
	if (!l)
		return;
	CHECK_EQ_STR(em_list_format(l), "csl-json");
	CHECK_EQ_INT(em_list_count(l), 5);
	const em_entity *p = em_list_find(l, "36215");
	CHECK(p && p->type == EM_ENTITY_PERSON);
	CHECK(has_name(p, EM_NAME_ORIGINAL_SCRIPT, "ПРИМЕРОВ, Павел"));
	CHECK(has_id(p, EM_ID_PASSPORT, "7512345678", "RU"));
	CHECK(p && p->gender && !strcmp(p->gender, "male"));
	CHECK(p && p->n_addresses == 1 && p->addresses[0].city && !strcmp(p->addresses[0].city, "Tula"));
	CHECK(p && p->n_birth_dates == 2 && p->birth_dates[0].kind == EM_DATE_EXACT);
	CHECK(has_attr(p, "title", "Director General"));
	const em_entity *o = em_list_find(l, "ab12cd34ef56ab78");
	CHECK(o && o->n_addresses == 2 && o->listed_on && !strcmp(o->listed_on, "2024-02-20"));
	const em_entity *v = em_list_find(l, "30000");
	CHECK(v && v->type == EM_ENTITY_VESSEL);
	CHECK(has_id(v, EM_ID_IMO, "9123456", NULL) && has_id(v, EM_ID_MMSI, "422123456", NULL));
	CHECK(has_id(v, EM_ID_CALL_SIGN, "9BEX1", NULL));
	CHECK(has_attr(v, "gross_tonnage", "156000"));
	const em_entity *a = em_list_find(l, "30001");
	CHECK(a && a->type == EM_ENTITY_AIRCRAFT && has_id(a, EM_ID_AIRCRAFT_TAIL, "EP-EXA", NULL));
	/* The record without an id gets the hashed one, under its sub-list's code. */
	size_t meu = 0;
	for (size_t i = 0; i < em_list_count(l); i++)
		meu += !strncmp(em_list_entity(l, i)->source_id, "MEU:", 4);
	CHECK_EQ_INT(meu, 1);
	em_list_free(l);
}

static void json_array_and_csv_agree(void)
{
	em_list *j, *c;
	CHECK_EQ_INT(em_list_read_file(&j, fixture_path("csl/csl-array.json"), NULL), 0);
	if (!j)
		return;
	CHECK_EQ_INT(em_list_count(j), 2);
	CHECK(has_name(em_list_entity(j, 1), EM_NAME_AKA_STRONG, "EDT"));
	/* The same record as CSV gives the same entity, hashed id included. */
	const char *csv = "source,name,addresses,start_date,end_date,standard_order\n"
			  "Denied Persons List (DPL) - Bureau of Industry and Security,EXAMPLE DENIED PERSON,"
			  "\"1 Example Ave, El Paso, TX, 79905\",2022-08-24,2026-01-14,Y\n";
	CHECK_EQ_INT(read_text(&c, "same.csv", csv, "csl-csv"), 0);
	if (c) {
		char *a = em_entity_to_json(em_list_entity(j, 0)), *b = em_entity_to_json(em_list_entity(c, 0));
		CHECK(a && b && !strcmp(a, b));
		free(a);
		free(b);
	}
	em_list_free(c);
	em_list_free(j);
}

static void repeated_rows_get_occurrence_numbers(void)
{
	const char *csv = "source,name,addresses,start_date\n"
			  "Unverified List (UVL) - Bureau of Industry and Security,Example Co,\"Riga, LV\",\n"
			  "Unverified List (UVL) - Bureau of Industry and Security,Example Co,\"Riga, LV\",\n"
			  "Unverified List (UVL) - Bureau of Industry and Security,Example Co,\"Riga, LV\",\n";
	em_list *l;
	CHECK_EQ_INT(read_text(&l, "rep.csv", csv, "csl-csv"), 0);
	if (!l)
		return;
	CHECK_EQ_INT(em_list_count(l), 3);
	const char *first = em_list_entity(l, 0)->source_id;
	char want[64];
	snprintf(want, sizeof want, "%s-2", first);
	CHECK_EQ_STR(em_list_entity(l, 1)->source_id, want);
	snprintf(want, sizeof want, "%s-3", first);
	CHECK_EQ_STR(em_list_entity(l, 2)->source_id, want);
	CHECK(!strncmp(first, "UVL:", 4) && strlen(first) == 4 + 16);
	em_list_free(l);
}

static void bad_csv_is_refused(void)
{
	EXPECT_FAIL("nohead.csv", "source,entity_number,type\nSDN (SDN),1,Entity\n", "csl-csv", EM_EPARSE,
		    "nohead.csv:1", "field 'name'");
	EXPECT_FAIL("short.csv", "source,name,type\nA (A),x,Entity\nA (A),y\n", "csl-csv", EM_EPARSE,
		    "short.csv:3", "field 'type'");
	EXPECT_FAIL("long.csv", "source,name\nA (A),x,extra\n", "csl-csv", EM_EPARSE, "long.csv:2",
		    "field 3");
	EXPECT_FAIL("cut.csv", "source,name\nA (A),x\nA (A),\"y\n", "csl-csv", EM_ETRUNCATED, "cut.csv:3",
		    "field 2");
	EXPECT_FAIL("utf8.csv", "source,name\nA (A),ab\xff\n", "csl-csv", EM_EPARSE, "utf8.csv:2",
		    "field 'name'");
	EXPECT_FAIL("type.csv", "source,name,type\nA (A),x,Spaceship\n", "csl-csv", EM_EPARSE,
		    "type.csv:2", "field 'type'");
	EXPECT_FAIL("empty.csv", "source,name\nA (A),\n", "csl-csv", EM_EPARSE, "empty.csv:2",
		    "field 'name'");
	EXPECT_FAIL("dupid.csv", "_id,source,name\n7,A (A),x\n7,A (A),y\n", "csl-csv", EM_EPARSE, "'7'",
		    "twice");
}

static void bad_json_is_refused(void)
{
	EXPECT_FAIL("cut.json", "{\"results\": [{\"source\": \"A (A)\", \"name\": \"x\"}", "csl-json",
		    EM_ETRUNCATED, "cut.json:1", "cut short");
	EXPECT_FAIL("junk.json", "{\"results\": [}\n", "csl-json", EM_EPARSE, "junk.json:1", NULL);
	EXPECT_FAIL("notobj.json", "{\"results\": [1]}", "csl-json", EM_EPARSE, "results[0]", NULL);
	EXPECT_FAIL("alt.json", "[{\"source\": \"A (A)\", \"name\": \"x\"}, {\"source\": \"A (A)\", "
				"\"name\": \"y\", \"alt_names\": [{\"a\": 1}]}]",
		    "csl-json", EM_EPARSE, "results[1]", "field 'alt_names'");
	EXPECT_FAIL("noresults.json", "{\"total\": 0}", "csl-json", EM_EPARSE, "field 'results'", NULL);
	EXPECT_FAIL("name.json", "[{\"source\": \"A (A)\", \"name\": true}]", "csl-json", EM_EPARSE,
		    "results[0]", "field 'name'");
	EXPECT_FAIL("utf8.json", "[{\"source\": \"A (A)\", \"name\": \"a\xc3\"}]", "csl-json", EM_EPARSE,
		    "utf8.json:1", NULL);
}

static void detection(void)
{
	const char *csv = "source,entity_number,type,programs,name\n";
	const char *api = "{\"total\": 1, \"results\": [{\"source\": \"x\", \"name\": \"y\"}]}";
	const char *arr = "[ {\"source\": \"x\", \"name\": \"y\"} ]";
	const char *ftm = "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"y\"]}}\n";
	const char *f;
	CHECK((f = em_list_detect_format(csv, strlen(csv))) && !strcmp(f, "csl-csv"));
	CHECK((f = em_list_detect_format(api, strlen(api))) && !strcmp(f, "csl-json"));
	CHECK((f = em_list_detect_format(arr, strlen(arr))) && !strcmp(f, "csl-json"));
	CHECK((f = em_list_detect_format(ftm, strlen(ftm))) && strcmp(f, "csl-json") != 0);
	CHECK(em_list_detect_format("name,source\n", 12) == NULL);
}

int main(void)
{
	RUN(sample_counts_and_types);
	RUN(sample_by_hand);
	RUN(csv_with_own_ids);
	RUN(json_results);
	RUN(json_array_and_csv_agree);
	RUN(repeated_rows_get_occurrence_numbers);
	RUN(bad_csv_is_refused);
	RUN(bad_json_is_refused);
	RUN(detection);
	return TEST_REPORT();
}
