/* Tests of the OpenSanctions FollowTheMoney reader: flat JSON lines, the nested shape, broken lines. */
#include "lists_check.h"

#include <stdlib.h>

#include "lists/ftm.h"

/* Reads a fixture with em_ftm_read to get its counts. */
static em_list *read_with_stats(const char *rel, em_ftm_stats *st)
{
	char *data;
	size_t len;
	em_list *l = NULL;
	memset(st, 0, sizeof *st);
	if (em_file_read(fixture_path(rel), &data, &len) != 0)
		return NULL;
	if (em_list_new(&l, "opensanctions", "ftm-json") == 0) {
		em_read_ctx ctx = {rel, NULL, data, len, l};
		if (em_ftm_read(&ctx, st) != 0 || em_list_finish(l) != 0) {
			em_list_free(l);
			l = NULL;
		}
	}
	free(data);
	return l;
}

static void flat_lines_counts(void)
{
	em_ftm_stats st;
	em_list *l = read_with_stats("ftm/entities.ftm.json", &st);
	CHECK(l != NULL);
	CHECK_EQ_INT(st.lines, 10);
	CHECK_EQ_INT(st.entities, 4);
	CHECK_EQ_INT(st.enriched, 4); /* sanction, address, identification, ownership */
	CHECK_EQ_INT(st.skipped, 2);  /* a Position, and a Sanction of an entity not in the file */
	CHECK_EQ_INT(em_list_count(l), 4);
	em_list_free(l);

	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("ftm/entities.ftm.json"), NULL), 0);
	CHECK(l && !strcmp(em_list_format(l), "ftm-json") && !strcmp(em_list_source(l), "opensanctions"));
	size_t types[5];
	if (l) {
		em_list_count_types(l, types);
		CHECK(types[EM_ENTITY_PERSON] == 1 && types[EM_ENTITY_ORGANIZATION] == 1 &&
		      types[EM_ENTITY_VESSEL] == 1 && types[EM_ENTITY_AIRCRAFT] == 1);
	}
	em_list_free(l);
}

static void person(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("ftm/entities.ftm.json"), NULL), 0);
	const em_entity *p = l ? em_list_find(l, "NK-person-1") : NULL;
	CHECK(p && p->type == EM_ENTITY_PERSON);
	if (!p) {
		em_list_free(l);
		return;
	}
	CHECK_EQ_STR(p->names[0].full, "Pavel Example");
	CHECK(p->names[0].kind == EM_NAME_PRIMARY && p->names[0].given && !strcmp(p->names[0].given, "Pavel"));
	CHECK(p->names[0].family && !strcmp(p->names[0].family, "Example"));
	CHECK(has_name(p, EM_NAME_ORIGINAL_SCRIPT, "Павел Примеров"));
	CHECK(has_name(p, EM_NAME_AKA_STRONG, "Pasha Example"));
	CHECK(has_name(p, EM_NAME_AKA_WEAK, "Pasha"));
	CHECK(p->n_birth_dates == 1 && p->birth_dates[0].kind == EM_DATE_EXACT && p->birth_dates[0].year == 1961);
	CHECK(has_string(p->birth_places, p->n_birth_places, "Tula"));
	CHECK(has_string(p->nationalities, p->n_nationalities, "ru"));
	CHECK(has_string(p->citizenships, p->n_citizenships, "ru"));
	CHECK(p->gender && !strcmp(p->gender, "male"));
	CHECK(has_id(p, EM_ID_PASSPORT, "7512345678", NULL));
	/* From the Sanction line before it in the file. */
	CHECK(has_string(p->programs, p->n_programs, "RUSSIA-EO14024"));
	CHECK(has_attr(p, "authority", "Office of Foreign Assets Control"));
	CHECK(p->listed_on && !strcmp(p->listed_on, "2022-04-06"));
	/* From the Address line its addressEntity names. */
	CHECK(p->n_addresses == 1 && p->addresses[0].city && !strcmp(p->addresses[0].city, "Tula"));
	CHECK(has_relation(p, "owner of", "NK-company-1"));
	CHECK(has_attr(p, "dataset", "us_ofac_sdn") && has_attr(p, "dataset", "gb_hmt_sanctions"));
	CHECK(has_attr(p, "topic", "sanction") && has_attr(p, "target", "true"));
	CHECK(p->remarks && !strcmp(p->remarks, "Fictional person for tests."));
	em_list_free(l);
}

static void company_vessel_aircraft(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("ftm/entities.ftm.json"), NULL), 0);
	if (!l)
		return;
	const em_entity *c = em_list_find(l, "NK-company-1");
	CHECK(c && c->type == EM_ENTITY_ORGANIZATION);
	CHECK(has_id(c, EM_ID_TAX_ID, "7701234567", NULL));
	CHECK(has_id(c, EM_ID_REGISTRATION, "1027700123456", NULL));
	CHECK(has_id(c, EM_ID_LEI, "253400EXAMPLE0000001", NULL));
	CHECK(has_id(c, EM_ID_SWIFT_BIC, "EXMPRUMM", NULL));
	CHECK(has_id(c, EM_ID_WEBSITE, "https://example.ru", NULL));
	CHECK(has_id(c, EM_ID_EMAIL, "info@example.ru", NULL));
	CHECK(has_id(c, EM_ID_REGISTRATION, "12345678", "ru")); /* the Identification line (OKPO) */
	CHECK(has_name(c, EM_NAME_FKA, "Example Tool Plant"));
	CHECK(has_name(c, EM_NAME_ORIGINAL_SCRIPT, "Пример Машзавод"));
	CHECK(has_relation(c, "owned by", "NK-person-1"));
	for (size_t i = 0; c && i < c->n_ids; i++)
		if (!strcmp(c->ids[i].value, "7701234567"))
			CHECK_EQ_STR(c->ids[i].label, "INN");
	const em_entity *v = em_list_find(l, "NK-vessel-1");
	CHECK(v && v->type == EM_ENTITY_VESSEL);
	CHECK(has_id(v, EM_ID_IMO, "9123456", NULL) && has_id(v, EM_ID_MMSI, "273123456", NULL));
	CHECK(has_id(v, EM_ID_CALL_SIGN, "UBCD7", NULL));
	CHECK(has_attr(v, "vessel_flag", "ru") && has_attr(v, "former_vessel_flag", "pa"));
	CHECK(has_name(v, EM_NAME_FKA, "EXAMPLE STAR"));
	const em_entity *a = em_list_find(l, "NK-plane-1");
	CHECK(a && a->type == EM_ENTITY_AIRCRAFT);
	CHECK(has_id(a, EM_ID_AIRCRAFT_TAIL, "RA-00001", NULL) && has_id(a, EM_ID_AIRCRAFT_SERIAL, "12345", NULL));
	CHECK(em_list_find(l, "addr-1") == NULL && em_list_find(l, "ofac-sanc-1") == NULL);
	em_list_free(l);
}

static void nested_shape(void)
{
	em_ftm_stats st;
	em_list *l = read_with_stats("ftm/targets.nested.json", &st);
	CHECK(l != NULL);
	CHECK_EQ_INT(st.lines, 2);
	CHECK_EQ_INT(st.entities, 2);
	CHECK_EQ_INT(st.enriched, 6); /* two sanctions, an address, a passport, two links */
	CHECK_EQ_INT(st.skipped, 0);
	const em_entity *p = l ? em_list_find(l, "NK-nested-1") : NULL;
	CHECK(p && p->type == EM_ENTITY_PERSON);
	if (p) {
		CHECK(has_string(p->programs, p->n_programs, "Syria") && has_string(p->programs, p->n_programs, "SY-EU"));
		CHECK(p->listed_on && !strcmp(p->listed_on, "2011-05-09")); /* the earlier of the two */
		CHECK(p->n_addresses == 1 && p->addresses[0].city && !strcmp(p->addresses[0].city, "Damascus"));
		CHECK(has_id(p, EM_ID_PASSPORT, "N0012345", "sy"));
		CHECK(has_relation(p, "owner of", "NK-nested-co"));
		CHECK(has_relation(p, "relative of", "NK-nested-rel"));
		CHECK(has_attr(p, "authority", "HM Treasury"));
	}
	const em_entity *le = l ? em_list_find(l, "NK-nested-2") : NULL;
	CHECK(le && le->type == EM_ENTITY_UNKNOWN);
	CHECK(l && em_list_find(l, "NK-nested-co") == NULL); /* a nested party is not a target */
	em_list_free(l);
}

#define P1 "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"A\"]}}\n"

static void broken_lines_are_refused(void)
{
	EXPECT_FAIL("bad.json", P1 "\n{\"id\": \"b\", \"schema\": \"Person\", \"properties\": {\"name\": [\"B\"]}\n",
		    "ftm-json", EM_EPARSE, "bad.json:3", "field 'json'");
	EXPECT_FAIL("cut.json", P1 "{\"id\": \"b\", \"schema\": \"Person\", \"propert", "ftm-json", EM_ETRUNCATED,
		    "cut.json:2", "cut short");
	EXPECT_FAIL("noid.json", P1 "{\"schema\": \"Person\", \"properties\": {}}\n", "ftm-json", EM_EPARSE,
		    "noid.json:2", "field 'id'");
	EXPECT_FAIL("noschema.json", P1 "{\"id\": \"c\", \"properties\": {}}\n", "ftm-json", EM_EPARSE,
		    "noschema.json:2", "field 'schema'");
	EXPECT_FAIL("twice.json", P1 P1, "ftm-json", EM_EPARSE, "twice.json:2", "appears twice");
	EXPECT_FAIL("props.json", "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": [1]}\n", "ftm-json",
		    EM_EPARSE, "props.json:1", "field 'properties'");
	EXPECT_FAIL("list.json", "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": \"A\"}}\n",
		    "ftm-json", EM_EPARSE, "list.json:1", "field 'properties.name'");
	EXPECT_FAIL("value.json", "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"A\"], "
				  "\"alias\": [7]}}\n",
		    "ftm-json", EM_EPARSE, "value.json:1", "field 'properties.alias'");
	EXPECT_FAIL("noname.json", P1 "{\"id\": \"b\", \"schema\": \"Company\", \"properties\": {}}\n", "ftm-json",
		    EM_EPARSE, "noname.json:2", "field 'properties.name'");
	EXPECT_FAIL("utf8.json", "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"A\xff\"]}}\n",
		    "ftm-json", EM_EPARSE, "utf8.json:1", "field 'json'");
	EXPECT_FAIL("array.json", P1 "[1, 2]\n", "ftm-json", EM_EPARSE, "array.json:2", "not an object");
	EXPECT_FAIL("nested.json", "{\"id\": \"a\", \"schema\": \"Person\", \"properties\": {\"name\": [\"A\"], "
				   "\"sanctions\": [{\"id\": \"s\"}]}}\n",
		    "ftm-json", EM_EPARSE, "nested.json:1", "field 'properties.sanctions'");
	/* Only links and facts, no party: nothing to list. */
	EXPECT_FAIL("none.json", "{\"id\": \"s\", \"schema\": \"Sanction\", \"properties\": {}}\n", "ftm-json",
		    EM_EPARSE, "none.json", "no entities");
}

static void detection(void)
{
	const char *f = em_list_detect_format(P1, strlen(P1));
	CHECK(f && !strcmp(f, "ftm-json"));
	const char *plain = "{\"id\": \"a\", \"name\": \"x\"}\n";
	CHECK(em_list_detect_format(plain, strlen(plain)) == NULL);
}

int main(void)
{
	RUN(flat_lines_counts);
	RUN(person);
	RUN(company_vessel_aircraft);
	RUN(nested_shape);
	RUN(broken_lines_are_refused);
	RUN(detection);
	return TEST_REPORT();
}
