/* Unit tests of the shared helpers and the entity model: CSV records, dates, JSON round trip. */
#include "test.h"

#include <jansson.h>

#include "model/model.h"
#include "util/csv.h"

static void csv_quotes_and_lines(void)
{
	const char *in = "1,\"a, b\",-0- \r\n2,\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\n3,x,y";
	em_csv c;
	em_csv_init(&c, "t.csv", in, strlen(in), ',');
	CHECK_EQ_INT(em_csv_next(&c), 1);
	CHECK_EQ_INT(em_csv_count(&c), 3);
	CHECK_EQ_STR(em_csv_field(&c, 1), "a, b");
	CHECK_EQ_STR(em_csv_field(&c, 2), "-0- ");
	CHECK_EQ_INT(em_csv_next(&c), 1);
	CHECK_EQ_INT(c.line, 2);
	CHECK_EQ_STR(em_csv_field(&c, 1), "say \"hi\"");
	CHECK_EQ_STR(em_csv_field(&c, 2), "two\nlines");
	CHECK_EQ_INT(em_csv_next(&c), 1);
	CHECK_EQ_INT(c.line, 5);
	CHECK_EQ_STR(em_csv_field(&c, 2), "y");
	CHECK_EQ_INT(em_csv_next(&c), 0);
	em_csv_free(&c);
}

static void csv_unterminated_quote_is_truncation(void)
{
	const char *in = "1,\"abc\n2,def";
	em_csv c;
	em_csv_init(&c, "cut.csv", in, strlen(in), ',');
	CHECK_EQ_INT(em_csv_next(&c), EM_ETRUNCATED);
	CHECK(strstr(em_error_last()->message, "cut.csv:1") != NULL);
	em_csv_free(&c);
}

static void csv_junk_after_quote(void)
{
	const char *in = "1,\"abc\"x,2\n";
	em_csv c;
	em_csv_init(&c, "bad.csv", in, strlen(in), ',');
	CHECK_EQ_INT(em_csv_next(&c), EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "field 2") != NULL);
	em_csv_free(&c);
}

static void dates(void)
{
	em_date d;
	em_date_parse("09 Feb 1951", &d);
	CHECK(d.kind == EM_DATE_EXACT && d.year == 1951 && d.month == 2 && d.day == 9);
	em_date_parse("Feb 1951", &d);
	CHECK(d.kind == EM_DATE_YEAR_MONTH && d.year == 1951 && d.month == 2);
	em_date_parse("1962", &d);
	CHECK(d.kind == EM_DATE_YEAR && d.year == 1962 && !d.circa);
	em_date_parse("circa 1960", &d);
	CHECK(d.kind == EM_DATE_YEAR && d.year == 1960 && d.circa);
	em_date_parse("1960 to 1962", &d);
	CHECK(d.kind == EM_DATE_RANGE && d.year == 1960 && d.year2 == 1962);
	em_date_parse("between 1958 and 1963", &d);
	CHECK(d.kind == EM_DATE_RANGE && d.year == 1958 && d.year2 == 1963);
	em_date_parse("1971-07-03", &d);
	CHECK(d.kind == EM_DATE_EXACT && d.year == 1971 && d.month == 7 && d.day == 3);
	em_date_parse("03/07/1971", &d);
	CHECK(d.kind == EM_DATE_EXACT && d.year == 1971 && d.month == 7 && d.day == 3);
	em_date_parse("sometime in the sixties", &d);
	CHECK(d.kind == EM_DATE_TEXT);
	em_date_parse("32 Feb 1951", &d);
	CHECK(d.kind == EM_DATE_TEXT);
}

static void entity_json_round_trip(void)
{
	em_list *l, *back;
	CHECK_EQ_INT(em_list_new(&l, "test", "built"), 0);
	em_entity *e = em_list_add(l);
	em_entity_set_id(l, e, "42");
	e->type = EM_ENTITY_PERSON;
	em_entity_add_name(l, e, EM_NAME_PRIMARY, "  DOE,   John ", "John", "DOE", NULL);
	em_entity_add_name(l, e, EM_NAME_AKA_WEAK, "Johnny", NULL, NULL, NULL);
	em_entity_add_name(l, e, EM_NAME_AKA_WEAK, "Johnny", NULL, NULL, NULL); /* duplicate */
	em_entity_add_name(l, e, EM_NAME_AKA_STRONG, "   ", NULL, NULL, NULL);  /* empty */
	em_entity_add_birth_date(l, e, "circa 1960");
	em_entity_add_string(l, e, EM_FIELD_PROGRAM, "SDGT");
	em_entity_add_id(l, e, EM_ID_PASSPORT, "Passport", "A123", "Iran", NULL);
	em_address a = {"1 Main St", "Tehran", NULL, NULL, "Iran", NULL};
	em_entity_add_address(l, e, &a);
	em_entity_add_relation(l, e, "linked to", "ACME LLC");
	em_entity_add_attribute(l, e, "title", "General");
	em_entity_set_gender(l, e, "Male");
	CHECK_EQ_INT(em_list_finish(l), 0);
	const em_entity *got = em_list_find(l, "42");
	CHECK(got != NULL);
	CHECK_EQ_INT(got->n_names, 2);
	CHECK_EQ_STR(got->names[0].full, "DOE, John");
	CHECK_EQ_STR(got->addresses[0].full, "1 Main St, Tehran, Iran");
	CHECK_EQ_STR(got->gender, "male");
	char *json = em_entity_to_json(got);
	CHECK(json != NULL);
	CHECK_EQ_INT(em_list_new(&back, "test", "built"), 0);
	CHECK_EQ_INT(em_entity_from_json(back, json, strlen(json)), 0);
	CHECK_EQ_INT(em_list_finish(back), 0);
	char *json2 = em_entity_to_json(em_list_entity(back, 0));
	CHECK_EQ_STR(json2, json);
	free(json);
	free(json2);
	em_list_free(l);
	em_list_free(back);
}

static void duplicate_ids_are_refused(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_new(&l, "test", "built"), 0);
	em_entity *e = em_list_add(l);
	em_entity_set_id(l, e, "7");
	e = em_list_add(l);
	em_entity_set_id(l, e, "7");
	CHECK_EQ_INT(em_list_finish(l), EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "'7' appears twice") != NULL);
	em_list_free(l);
}

static void utf8_validation(void)
{
	CHECK(em_utf8_valid("Ahmad أحمد", strlen("Ahmad أحمد")));
	CHECK(!em_utf8_valid("\xC0\xAF", 2));       /* overlong */
	CHECK(!em_utf8_valid("\xED\xA0\x80", 3));   /* surrogate */
	CHECK(!em_utf8_valid("abc\xE2\x82", 5));    /* cut short */
}

int main(void)
{
	RUN(csv_quotes_and_lines);
	RUN(csv_unterminated_quote_is_truncation);
	RUN(csv_junk_after_quote);
	RUN(dates);
	RUN(entity_json_round_trip);
	RUN(duplicate_ids_are_refused);
	RUN(utf8_validation);
	return TEST_REPORT();
}
