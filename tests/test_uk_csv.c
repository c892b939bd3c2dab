/* Tests of the UK OFSI consolidated list reader on a written ConList.csv fixture and broken copies. */
#include "lists_check.h"

#include <stdlib.h>

#include "util/util.h"

#define CONLIST "uk/conlist.csv"

static void groups_become_entities(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path(CONLIST), NULL), 0);
	if (!l)
		return;
	CHECK_EQ_STR(em_list_format(l), "uk-csv");
	CHECK_EQ_STR(em_list_source(l), "uk-ofsi");
	CHECK(em_list_published(l) && !strcmp(em_list_published(l), "2024-01-24"));
	CHECK_EQ_INT(em_list_count(l), 8);
	size_t types[5];
	em_list_count_types(l, types);
	CHECK_EQ_INT(types[EM_ENTITY_PERSON], 4);
	CHECK_EQ_INT(types[EM_ENTITY_ORGANIZATION], 3);
	CHECK_EQ_INT(types[EM_ENTITY_VESSEL], 1);
	for (size_t i = 0; i < em_list_count(l); i++)
		CHECK(em_list_entity(l, i)->names[0].kind == EM_NAME_PRIMARY);
	em_list_free(l);
}

static void individual_with_scattered_rows(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path(CONLIST), NULL), 0);
	const em_entity *e = l ? em_list_find(l, "9001") : NULL;
	CHECK(e && e->type == EM_ENTITY_PERSON);
	if (!e) {
		em_list_free(l);
		return;
	}
	/* The "Primary name" row comes after an AKA row but files the entity. */
	CHECK_EQ_STR(e->names[0].full, "Pavel ZAGORSKY");
	CHECK(e->names[0].given && !strcmp(e->names[0].given, "Pavel"));
	CHECK(e->names[0].family && !strcmp(e->names[0].family, "ZAGORSKY"));
	CHECK_EQ_INT(e->n_names, 4);
	CHECK(has_name(e, EM_NAME_AKA_STRONG, "Pavel Ivanovich ZAGORSKY"));
	CHECK(has_name(e, EM_NAME_AKA_WEAK, "Paul ZAGORSKI"));
	CHECK(has_name(e, EM_NAME_ORIGINAL_SCRIPT, "Загорский Павел Иванович"));
	for (size_t i = 0; i < e->n_names; i++)
		if (e->names[i].kind == EM_NAME_ORIGINAL_SCRIPT)
			CHECK(e->names[i].lang && !strcmp(e->names[i].lang, "Russian"));
	/* 00/00/1960: only the year is known. */
	CHECK(e->n_birth_dates == 1 && e->birth_dates[0].kind == EM_DATE_YEAR && e->birth_dates[0].year == 1960);
	CHECK(has_string(e->birth_places, e->n_birth_places, "Tula, Russia"));
	CHECK(e->n_nationalities == 2 && has_string(e->nationalities, 2, "Russia") &&
	      has_string(e->nationalities, 2, "Belarus"));
	CHECK(has_id(e, EM_ID_PASSPORT, "7512345678", NULL));
	CHECK(e->n_ids == 1 && e->ids[0].note && !strcmp(e->ids[0].note, "Russian passport, issued 2015"));
	CHECK(has_attr(e, "position", "Director, Example Machine Works") && has_attr(e, "position", "Adviser"));
	CHECK(has_attr(e, "title", "Mr"));
	CHECK(has_attr(e, "uk_sanctions_list_ref", "RUS9001"));
	CHECK(has_attr(e, "date_designated", "2022-03-15"));
	CHECK(e->listed_on && !strcmp(e->listed_on, "2022-03-15"));
	CHECK(e->n_programs == 1 && !strcmp(e->programs[0], "Russia"));
	CHECK(e->n_addresses == 1 && e->addresses[0].postal_code && !strcmp(e->addresses[0].postal_code, "300001"));
	CHECK(e->remarks && strstr(e->remarks, "Fictional person"));
	em_list_free(l);
}

static void other_groups(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path(CONLIST), NULL), 0);
	if (!l)
		return;
	const em_entity *org = em_list_find(l, "9002");
	CHECK(org && org->type == EM_ENTITY_ORGANIZATION);
	CHECK(has_name(org, EM_NAME_PRIMARY, "EXAMPLE MACHINE TOOLS OJSC"));
	CHECK(has_name(org, EM_NAME_AKA_STRONG, "EXAMPLE STANKI"));
	const em_entity *ship = em_list_find(l, "9003");
	CHECK(ship && ship->type == EM_ENTITY_VESSEL);
	CHECK(has_id(ship, EM_ID_IMO, "9123456", NULL));
	CHECK(has_name(ship, EM_NAME_AKA_STRONG, "SEVERNY PRIMER"));
	/* "(1) 12/01/1965 (2) 00/05/1966": an exact date and a month. */
	const em_entity *h = em_list_find(l, "9004");
	CHECK(h && h->n_birth_dates == 2);
	if (h && h->n_birth_dates == 2) {
		CHECK(h->birth_dates[0].kind == EM_DATE_EXACT && h->birth_dates[0].year == 1965 &&
		      h->birth_dates[0].month == 1 && h->birth_dates[0].day == 12);
		CHECK(h->birth_dates[1].kind == EM_DATE_YEAR_MONTH && h->birth_dates[1].month == 5);
	}
	CHECK(has_name(em_list_find(l, "9005"), EM_NAME_FKA, "OLD EXAMPLE TRADING LLC"));
	/* No "Primary name" row: the first strong alias files it, the weak one stays weak. */
	const em_entity *a = em_list_find(l, "9006");
	CHECK(a && !strcmp(a->names[0].full, "Omar EXAMPLE"));
	CHECK(has_name(a, EM_NAME_AKA_WEAK, "ABU EXAMPLE"));
	const em_entity *q = em_list_find(l, "9007");
	CHECK(has_name(q, EM_NAME_PRIMARY, "\"EXAMPLE, QUOTED\" HOLDINGS LTD"));
	CHECK(q && q->remarks && !strcmp(q->remarks, "Said to be \"dormant\", per filings."));
	const em_entity *r = em_list_find(l, "9008");
	CHECK(r && r->names[0].given && !strcmp(r->names[0].given, "Ali Reza Mohammad"));
	CHECK(has_id(r, EM_ID_NATIONAL_ID, "0012345678", NULL));
	em_list_free(l);
}

static void old_layout(void)
{
	const char *csv = "Last Updated,01/02/2020\n"
			  "Name 6,Name 1,Passport Details,NI Number,Group Type,Alias Type,Regime,Listed On,Group ID\n"
			  "EXAMPLE,Ivan,A123 (Ruritania),NI-42,Individual,Prime Alias,Ruritania,02/03/2019,77\n";
	em_list *l;
	CHECK_EQ_INT(read_text(&l, "old.csv", csv, NULL), 0);
	const em_entity *e = l ? em_list_find(l, "77") : NULL;
	CHECK(has_name(e, EM_NAME_PRIMARY, "Ivan EXAMPLE"));
	CHECK(has_id(e, EM_ID_PASSPORT, "A123 (Ruritania)", NULL));
	CHECK(has_id(e, EM_ID_NATIONAL_ID, "NI-42", NULL));
	CHECK(l && em_list_published(l) && !strcmp(em_list_published(l), "2020-02-01"));
	em_list_free(l);
}

static void cut_file_is_truncated(void)
{
	char *data;
	size_t len;
	CHECK_EQ_INT(em_file_read(fixture_path(CONLIST), &data, &len), 0);
	if (!data)
		return;
	const char *q = strstr(data, "\"\"\"EXAMPLE, QUOTED");
	CHECK(q != NULL);
	if (q) {
		size_t line = 1;
		for (const char *p = data; p < q; p++)
			line += *p == '\n';
		char want[64];
		snprintf(want, sizeof want, "conlist.csv:%zu", line);
		data[q - data + 8] = '\0';
		EXPECT_FAIL("conlist.csv", data, NULL, EM_ETRUNCATED, want, "cut short");
	}
	free(data);
}

static void broken_files_are_refused(void)
{
	EXPECT_FAIL("nodate.csv", "Name 6,Group ID\nX,1\n", "uk-csv", EM_EPARSE, "nodate.csv:1",
		    "field 'Last Updated'");
	EXPECT_FAIL("nogroup.csv", "Last Updated,01/01/2024\nName 6,Name 1\nX,Y\n", "uk-csv", EM_EPARSE,
		    "nogroup.csv:2", "field 'Group ID'");
	EXPECT_FAIL("emptygroup.csv", "Last Updated,01/01/2024\nName 6,Group ID\nX,1\nY,\n", "uk-csv",
		    EM_EPARSE, "emptygroup.csv:4", "field 'Group ID'");
	EXPECT_FAIL("width.csv", "Last Updated,01/01/2024\nName 6,Group Type,Group ID\nX,Entity,1\nY,2\n",
		    "uk-csv", EM_EPARSE, "width.csv:4", "field 'Group ID'");
	EXPECT_FAIL("utf8.csv", "Last Updated,01/01/2024\nName 6,Group ID\nX\xc0\xaf,1\n", "uk-csv", EM_EPARSE,
		    "utf8.csv:3", "field 'Name 6'");
	EXPECT_FAIL("noname.csv", "Last Updated,01/01/2024\nName 6,Name 1,Group ID\n,,5\n", "uk-csv",
		    EM_EPARSE, "noname.csv:3", "field 'Name 6'");
}

static void detection(void)
{
	const char *head = "Last Updated,24/01/2024\r\nName 6,Name 1,Name 2,Group Type,Group ID\r\n";
	const char *f = em_list_detect_format(head, strlen(head));
	CHECK(f && !strcmp(f, "uk-csv"));
	CHECK(em_list_detect_format("Last Updated,24/01/2024\n", 24) == NULL);
}

int main(void)
{
	RUN(groups_become_entities);
	RUN(individual_with_scattered_rows);
	RUN(other_groups);
	RUN(old_layout);
	RUN(cut_file_is_truncated);
	RUN(broken_files_are_refused);
	RUN(detection);
	return TEST_REPORT();
}
