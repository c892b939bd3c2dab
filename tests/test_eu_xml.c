/*
 * Tests of the EU financial sanctions file (FSF XML) reader on a hand-written sample in the
 * published layout (tests/fixtures/eu/fsf-sample.xml), and its refusal of cut, foreign and
 * incomplete documents with the file and line in the message.
 */
#include "test.h"

#include <stdbool.h>
#include <stdlib.h>

#include "embargo/em_lists.h"
#include "entity_find.h"
#include "util/util.h"

static em_list *eu;

static void reads_the_sample(void)
{
	int rc = em_list_read_file(&eu, fixture_path("eu/fsf-sample.xml"), NULL);
	CHECK_EQ_INT(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", em_error_last()->message);
		return;
	}
	CHECK_EQ_STR(em_list_format(eu), "eu-xml");
	CHECK_EQ_STR(em_list_source(eu), "eu-fsf");
	CHECK_EQ_STR(em_list_published(eu), "2026-02-20T17:05:12.318+01:00");
	CHECK_EQ_INT(em_list_count(eu), 6);
	size_t types[5];
	em_list_count_types(eu, types);
	CHECK_EQ_INT(types[EM_ENTITY_PERSON], 4);
	CHECK_EQ_INT(types[EM_ENTITY_ORGANIZATION], 2);
	for (size_t i = 0; i < em_list_count(eu); i++)
		CHECK(em_list_entity(eu, i)->names[0].kind == EM_NAME_PRIMARY);
}

static void person_with_scripts_and_passport(void)
{
	const em_entity *e = eu ? em_list_find(eu, "160101") : NULL;
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK(e->type == EM_ENTITY_PERSON);
	CHECK_EQ_INT(e->n_names, 3);
	CHECK_EQ_STR(e->names[0].full, "Ivan Sergeyevich Petrov");
	CHECK_EQ_STR(e->names[0].given, "Ivan Sergeyevich");
	CHECK_EQ_STR(e->names[0].family, "Petrov");
	const em_name *n = find_name(e, "Иван Сергеевич Петров");
	CHECK(n && n->kind == EM_NAME_ORIGINAL_SCRIPT && n->lang && !strcmp(n->lang, "ru"));
	CHECK(n && n->family && !strcmp(n->family, "Петров"));
	n = find_name(e, "Vanya Petrov");
	CHECK(n && n->kind == EM_NAME_AKA_WEAK);
	CHECK_EQ_INT(e->n_birth_dates, 1);
	if (e->n_birth_dates) {
		const em_date *d = &e->birth_dates[0];
		CHECK(d->kind == EM_DATE_EXACT && d->year == 1971 && d->month == 3 && d->day == 14);
		CHECK_EQ_STR(d->text, "1971-03-14");
	}
	CHECK(has_string(e->birth_places, e->n_birth_places, "Omsk, RUSSIAN FEDERATION"));
	CHECK(has_string(e->citizenships, e->n_citizenships, "RUSSIAN FEDERATION"));
	const em_identifier *id = find_id(e, "751234567");
	CHECK(id && id->type == EM_ID_PASSPORT);
	if (id) {
		CHECK_EQ_STR(id->label, "National passport");
		CHECK_EQ_STR(id->country, "RUSSIAN FEDERATION");
		CHECK_EQ_STR(id->note, "Foreign travel passport");
	}
	CHECK_EQ_INT(e->n_addresses, 1);
	if (e->n_addresses) {
		CHECK_EQ_STR(e->addresses[0].street, "Ulitsa Bolshaya Yakimanka 12");
		CHECK_EQ_STR(e->addresses[0].postal_code, "119180");
		CHECK_EQ_STR(e->addresses[0].city, "Moscow");
	}
	CHECK(has_string(e->programs, e->n_programs, "UKR"));
	CHECK_EQ_STR(em_entity_attribute(e, "eu_reference"), "EU.8123.45");
	CHECK_EQ_STR(em_entity_attribute(e, "position"), "Deputy Director General of Uralsky Defence Works");
	CHECK_EQ_STR(em_entity_attribute(e, "title"), "Colonel");
	CHECK_EQ_STR(e->gender, "male");
	CHECK_EQ_STR(e->listed_on, "2022-03-15");
	CHECK_EQ_STR(e->remarks, "Associated with Northern Star Logistics LLC.");
}

static void person_with_circa_and_range(void)
{
	const em_entity *e = eu ? em_list_find(eu, "160201") : NULL;
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_EQ_STR(e->names[0].full, "Khalid Hamid Al-Samarrai");
	const em_name *n = find_name(e, "خالد حامد السامرائي");
	CHECK(n && n->kind == EM_NAME_ORIGINAL_SCRIPT);
	n = find_name(e, "Abu Khalid");
	CHECK(n && n->kind == EM_NAME_AKA_WEAK);
	n = find_name(e, "Abou Khaled");
	CHECK(n && n->kind == EM_NAME_AKA_WEAK && n->lang && !strcmp(n->lang, "fr"));
	CHECK_EQ_INT(e->n_birth_dates, 2);
	if (e->n_birth_dates == 2) {
		const em_date *d = &e->birth_dates[0];
		CHECK(d->kind == EM_DATE_YEAR && d->year == 1965 && d->circa);
		CHECK_EQ_STR(d->text, "circa 1965");
		d = &e->birth_dates[1];
		CHECK(d->kind == EM_DATE_RANGE && d->year == 1963 && d->year2 == 1966 && !d->circa);
	}
	/* "UNKNOWN" (code 00) is no country: the second birth date gives no place. */
	CHECK_EQ_INT(e->n_birth_places, 1);
	CHECK(has_string(e->birth_places, e->n_birth_places, "Samarra, Salah ad Din, IRAQ"));
	const em_identifier *id = find_id(e, "00417829");
	CHECK(id && id->type == EM_ID_NATIONAL_ID);
	CHECK(id && id->note && strstr(id->note, "known false") && strstr(id->note, "Khalid Hamad"));
	CHECK_EQ_STR(em_entity_attribute(e, "un_reference"), "QDi.901");
	CHECK(e->remarks && strstr(e->remarks, "Syrian Arab Republic.") && strstr(e->remarks, "UNSC listing"));
}

static void enterprises(void)
{
	const em_entity *e = eu ? em_list_find(eu, "160301") : NULL;
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK(e->type == EM_ENTITY_ORGANIZATION);
	CHECK_EQ_STR(e->names[0].full, "Northern Star Logistics LLC");
	CHECK(e->names[0].given == NULL);
	const em_name *n = find_name(e, "ООО «Северная звезда логистик»");
	CHECK(n && n->kind == EM_NAME_ORIGINAL_SCRIPT);
	n = find_name(e, "NSL");
	CHECK(n && n->kind == EM_NAME_AKA_WEAK);
	const em_identifier *id = find_id(e, "1027700132195");
	CHECK(id && id->type == EM_ID_REGISTRATION && id->note && !strcmp(id->note, "OGRN"));
	id = find_id(e, "7705034202");
	CHECK(id && id->type == EM_ID_TAX_ID);
	CHECK(e->n_birth_dates == 0);

	/* No designationDate: listed on its earliest regulation; a PO box and an address remark. */
	e = eu ? em_list_find(eu, "160601") : NULL;
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_EQ_STR(e->listed_on, "2012-03-24");
	id = find_id(e, "9187623");
	CHECK(id && id->type == EM_ID_IMO && id->country == NULL);
	CHECK_EQ_INT(e->n_addresses, 1);
	if (e->n_addresses) {
		CHECK_EQ_STR(e->addresses[0].street, "Shahid Rajaee Port Complex, P.O. Box 79145-1534");
		CHECK(strstr(e->addresses[0].full, "(Head office)") != NULL);
		CHECK_EQ_STR(e->addresses[0].country, "IRAN (ISLAMIC REPUBLIC OF)");
	}
}

static void other_scripts_and_partial_dates(void)
{
	const em_entity *e = eu ? em_list_find(eu, "160401") : NULL;
	CHECK(e && e->names[0].full && !strcmp(e->names[0].full, "Zhang Wei"));
	CHECK(e && name_kind(e, "张伟") == EM_NAME_ORIGINAL_SCRIPT);
	CHECK(e && e->gender && !strcmp(e->gender, "female"));
	const em_identifier *id = e ? find_id(e, "E12345678") : NULL;
	CHECK(id && id->note && strstr(id->note, "known expired") && strstr(id->note, "Ministry of Public Security"));

	e = eu ? em_list_find(eu, "160501") : NULL;
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_EQ_STR(e->names[0].full, "KIM Chol Nam");
	CHECK(name_kind(e, "김철남") == EM_NAME_ORIGINAL_SCRIPT);
	CHECK_EQ_INT(e->n_birth_dates, 1);
	if (e->n_birth_dates)
		CHECK(e->birth_dates[0].kind == EM_DATE_YEAR_MONTH && e->birth_dates[0].year == 1962 &&
		      e->birth_dates[0].month == 5);
	CHECK(e->n_birth_places == 1 && strstr(e->birth_places[0], "Pyongyang"));
	id = find_id(e, "836410035");
	CHECK(id && id->type == EM_ID_PASSPORT && id->note && strstr(id->note, "diplomatic"));
}

static void detection(void)
{
	char *raw;
	size_t len;
	if (em_file_read(fixture_path("eu/fsf-sample.xml"), &raw, &len) != 0) {
		CHECK(0);
		return;
	}
	CHECK_EQ_STR(em_list_detect_format(raw, len), "eu-xml");
	/* Cut copies: refused whole, with the name and the line where the input stops. */
	size_t cuts[] = {700, 1500, len / 3, len / 2, len - 40, len - 2};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "eu-cut-%zu.xml", cuts[i]);
		em_list *l = (em_list *)1;
		int rc = em_list_read_memory(&l, name, raw, cuts[i], NULL);
		CHECK(rc == EM_ETRUNCATED);
		CHECK(l == NULL);
		CHECK(message_line(em_error_last()->message, name) > 0);
	}
	/* Cut inside the leading comment: nothing to detect, and refused when forced. */
	em_list *l;
	CHECK(em_list_detect_format(raw, 200) == NULL);
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "eu-xml";
	CHECK_EQ_INT(em_list_read_memory(&l, "head.xml", raw, 200, &o), EM_EPARSE);
	CHECK(message_line(em_error_last()->message, "head.xml") > 0);
	free(raw);
}

static void refusals(void)
{
	em_list *l;
	const char *path = fixture_path("eu/missing-logicalid.xml");
	CHECK_EQ_INT(em_list_read_file(&l, path, NULL), EM_EPARSE);
	CHECK_EQ_INT(message_line(em_error_last()->message, path), 7);
	CHECK(strstr(em_error_last()->message, "logicalId") != NULL);

	path = fixture_path("eu/no-name.xml");
	CHECK_EQ_INT(em_list_read_file(&l, path, NULL), EM_EPARSE);
	CHECK_EQ_INT(message_line(em_error_last()->message, path), 3);
	CHECK(strstr(em_error_last()->message, "nameAlias") != NULL);

	/* <export> in another namespace is not the EU file: not detected, refused when forced. */
	path = fixture_path("eu/wrong-namespace.xml");
	CHECK_EQ_INT(em_list_read_file(&l, path, NULL), EM_EFORMAT);
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "eu-xml";
	CHECK_EQ_INT(em_list_read_file(&l, path, &o), EM_EFORMAT);
	CHECK_EQ_INT(message_line(em_error_last()->message, path), 2);

	const char *junk = "<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\">\n<sanctionEntity logicalId=\"1\">\n<nameAlias wholeName=\"A\" strong=\"true\">\n</sanctionEntity></export>\n";
	CHECK_EQ_INT(em_list_read_memory(&l, "junk.xml", junk, strlen(junk), NULL), EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "junk.xml:4: element 'nameAlias'") != NULL);
}

int main(void)
{
	RUN(reads_the_sample);
	RUN(person_with_scripts_and_passport);
	RUN(person_with_circa_and_range);
	RUN(enterprises);
	RUN(other_scripts_and_partial_dates);
	RUN(detection);
	RUN(refusals);
	em_list_free(eu);
	return TEST_REPORT();
}
