/*
 * Tests of the UN Consolidated List reader: the real list (counts, spot checks of a person and
 * an entity against the XML), the Latin-only evaluation copy, and refusal of cut, malformed,
 * foreign and incomplete documents with the file and line in the message.
 */
#include "test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "embargo/em_lists.h"
#include "entity_find.h"
#include "util/util.h"

static size_t count_kind(const em_list *l, em_name_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < em_list_count(l); i++) {
		const em_entity *e = em_list_entity(l, i);
		for (size_t k = 0; k < e->n_names; k++)
			n += e->names[k].kind == kind;
	}
	return n;
}

/* Non-empty <NAME_ORIGINAL_SCRIPT> elements, counted in the raw bytes without any XML parser. */
static size_t raw_original_script(const char *data)
{
	static const char tag[] = "<NAME_ORIGINAL_SCRIPT>";
	size_t n = 0;
	for (const char *p = data; (p = strstr(p, tag)) != NULL;) {
		p += sizeof tag - 1;
		const char *end = strstr(p, "</NAME_ORIGINAL_SCRIPT>");
		for (const char *q = p; end && q < end; q++)
			if (*q != ' ' && *q != '\n' && *q != '\r' && *q != '\t') {
				n++;
				break;
			}
	}
	return n;
}

static em_list *un_list;

static void reads_the_whole_list(void)
{
	const char *path = shared_path("data/un/consolidated.xml");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = em_list_read_file(&un_list, path, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_EQ_INT(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", em_error_last()->message);
		return;
	}
	printf("     read consolidated.xml in %.1f ms\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	CHECK_EQ_STR(em_list_format(un_list), "un-xml");
	CHECK_EQ_STR(em_list_source(un_list), "un");
	CHECK_EQ_STR(em_list_published(un_list), "2026-02-27T00:00:09.554Z");
	CHECK_EQ_INT(em_list_count(un_list), 1003);
	size_t types[5];
	em_list_count_types(un_list, types);
	CHECK_EQ_INT(types[EM_ENTITY_PERSON], 730);
	CHECK_EQ_INT(types[EM_ENTITY_ORGANIZATION], 273);
	CHECK_EQ_INT(types[EM_ENTITY_UNKNOWN], 0);
	for (size_t i = 0; i < em_list_count(un_list); i++) {
		const em_entity *e = em_list_entity(un_list, i);
		CHECK(e->source_id && e->n_names && e->names[0].kind == EM_NAME_PRIMARY);
		CHECK(e->n_programs == 1);
	}

	/* Every non-empty NAME_ORIGINAL_SCRIPT becomes one original-script name. The data README
	 * says 380: that counts lines mentioning the tag, and two names wrap onto a second line. */
	char *raw;
	size_t len;
	CHECK_EQ_INT(em_file_read(path, &raw, &len), 0);
	size_t expected = raw_original_script(raw);
	free(raw);
	CHECK_EQ_INT(count_kind(un_list, EM_NAME_ORIGINAL_SCRIPT), expected);
	CHECK_EQ_INT(expected, 378);
}

static void person_spot_check(void)
{
	if (!un_list)
		return;
	/* TAi.011: four name parts, Good and Low aliases, APPROXIMATELY and EXACT years, a
	 * passport with its issuing country, titles and a designation. */
	const em_entity *e = em_list_find(un_list, "TAi.011");
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK(e->type == EM_ENTITY_PERSON);
	CHECK_EQ_STR(e->names[0].full, "AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED");
	CHECK_EQ_STR(e->names[0].given, "AKHTAR");
	CHECK_EQ_STR(e->names[0].family, "MOHAMMAD MANSOUR SHAH MOHAMMED");
	CHECK(name_kind(e, "اختر محمد منصور شاه محمد") == EM_NAME_ORIGINAL_SCRIPT);
	CHECK(name_kind(e, "Akhtar Muhammad Mansoor") == EM_NAME_AKA_STRONG);
	CHECK(count_named(e, "Naib Imam") == 1 && name_kind(e, "Naib Imam") == EM_NAME_AKA_WEAK);
	CHECK_EQ_INT(e->n_names, 6);
	const em_date *d = find_date(e, "circa 1960");
	CHECK(d && d->kind == EM_DATE_YEAR && d->year == 1960 && d->circa);
	d = find_date(e, "1966");
	CHECK(d && d->kind == EM_DATE_YEAR && d->year == 1966 && !d->circa);
	const em_identifier *id = find_id(e, "SE-011697");
	CHECK(id && id->type == EM_ID_PASSPORT);
	if (id) {
		CHECK_EQ_STR(id->label, "Passport");
		CHECK_EQ_STR(id->country, "Afghanistan");
		CHECK(id->note && strstr(id->note, "issued 1988-01-25 in Kabul"));
		CHECK(id->note && strstr(id->note, "expired on 23 Feb. 2000"));
	}
	CHECK(has_string(e->nationalities, e->n_nationalities, "Afghanistan"));
	CHECK(has_string(e->programs, e->n_programs, "Taliban"));
	CHECK(has_string(e->birth_places, e->n_birth_places,
		  "Band-e-Timur village, Maiwand District, Kandahar Province, Afghanistan"));
	CHECK(has_attr(e, "title", "Maulavi") && has_attr(e, "title", "Mullah"));
	CHECK(has_attr(e, "designation",
		       "Minister of Civil Aviation and Transportation under the Taliban regime"));
	CHECK(has_attr(e, "dataid", "111090") && has_attr(e, "versionnum", "1"));
	CHECK_EQ_STR(e->listed_on, "2001-01-25");
	CHECK(e->remarks && strstr(e->remarks, "Reportedly killed in May 2016."));
	CHECK(e->n_addresses == 0); /* its only INDIVIDUAL_ADDRESS is empty */

	/* YEi.002: APPROXIMATELY 1985 and BETWEEN 1984 and 1986; an address with city and region. */
	e = em_list_find(un_list, "YEi.002");
	CHECK(e != NULL);
	if (!e)
		return;
	d = find_date(e, "1984 to 1986");
	CHECK(d && d->kind == EM_DATE_RANGE && d->year == 1984 && d->year2 == 1986 && !d->circa);
	d = find_date(e, "circa 1985");
	CHECK(d && d->kind == EM_DATE_YEAR && d->year == 1985 && d->circa);
	const em_address *a = find_address(e, "Dahyan, Sa’dah Governorate, Yemen");
	CHECK(a != NULL);
	if (a) {
		CHECK_EQ_STR(a->city, "Dahyan");
		CHECK_EQ_STR(a->region, "Sa’dah Governorate");
		CHECK_EQ_STR(a->country, "Yemen");
	}
	CHECK_EQ_STR(e->gender, "male");

	/* TAi.002: BETWEEN with the NOTE "Approximately" is a range marked circa. */
	e = em_list_find(un_list, "TAi.002");
	d = e ? find_date(e, "circa 1955 to 1958") : NULL;
	CHECK(d && d->kind == EM_DATE_RANGE && d->year == 1955 && d->year2 == 1958 && d->circa);

	/* CDi.001: an exact DATE, an address note kept in the address. */
	e = em_list_find(un_list, "CDi.001");
	CHECK(e && find_address(e, "Rwanda (as of early 2016)") != NULL);
	CHECK(e && e->n_names == 1); /* its one alias is empty */
}

static void entity_spot_check(void)
{
	if (!un_list)
		return;
	const em_entity *e = em_list_find(un_list, "KPe.002");
	CHECK(e != NULL);
	if (!e)
		return;
	CHECK(e->type == EM_ENTITY_ORGANIZATION);
	CHECK_EQ_STR(e->names[0].full, "KOREA RYONBONG GENERAL CORPORATION");
	CHECK(e->names[0].given == NULL && e->names[0].family == NULL);
	CHECK(name_kind(e, "KOREA YONBONG GENERAL CORPORATION") == EM_NAME_AKA_STRONG);
	CHECK(name_kind(e, "LYONGAKSAN GENERAL TRADING CORPORATION") == EM_NAME_FKA);
	CHECK_EQ_INT(e->n_addresses, 2);
	const em_address *a = find_address(e, "Rakwon-dong, Pothonggang District, Pyongyang, "
					      "Democratic People's Republic of Korea");
	CHECK(a && a->street && !strcmp(a->street, "Rakwon-dong, Pothonggang District"));
	CHECK(e->n_birth_dates == 0 && e->n_nationalities == 0);
	CHECK(has_string(e->programs, e->n_programs, "DPRK"));
	CHECK_EQ_STR(e->listed_on, "2009-04-24");
	CHECK(e->remarks && strstr(e->remarks, "Defense conglomerate specializing in acquisition"));

	e = em_list_find(un_list, "QDe.002");
	CHECK(e && name_kind(e, "الاتحاد الاسلامي") == EM_NAME_ORIGINAL_SCRIPT);
}

static void latin_only_copy(void)
{
	em_list *l;
	int rc = em_list_read_file(&l, shared_path("eval/un-latin-only.xml"), NULL);
	CHECK_EQ_INT(rc, 0);
	if (rc)
		return;
	CHECK_EQ_INT(em_list_count(l), 1003);
	CHECK_EQ_INT(count_kind(l, EM_NAME_ORIGINAL_SCRIPT), 0);
	size_t types[5];
	em_list_count_types(l, types);
	CHECK_EQ_INT(types[EM_ENTITY_PERSON], 730);
	for (size_t i = 0; un_list && i < em_list_count(l); i++)
		CHECK(em_list_find(un_list, em_list_entity(l, i)->source_id) != NULL);
	em_list_free(l);
}

/* Line of the last byte that is not white space in data[0..n). */
static long last_line(const char *data, size_t n)
{
	while (n && (data[n - 1] == '\n' || data[n - 1] == ' ' || data[n - 1] == '\r'))
		n--;
	long line = 1;
	for (size_t i = 0; i < n; i++)
		line += data[i] == '\n';
	return line;
}

static void refuses_cut_copies(void)
{
	char *raw;
	size_t len;
	if (em_file_read(shared_path("data/un/consolidated.xml"), &raw, &len) != 0) {
		CHECK(0);
		return;
	}
	/* Cut in tags, in text, and right after a complete record (a "clean" looking cut). */
	const char *rec = raw;
	for (int i = 0; i < 100 && rec; i++)
		rec = strstr(rec + 1, "</INDIVIDUAL>");
	size_t cuts[] = {300, len / 7, len / 3, len / 2, len * 3 / 4, len - 25, len - 1,
			 rec ? (size_t)(rec - raw) + strlen("</INDIVIDUAL>\n") : 400};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "cut-at-%zu.xml", cuts[i]);
		em_list *l = (em_list *)1;
		int rc = em_list_read_memory(&l, name, raw, cuts[i], NULL);
		CHECK(rc == EM_ETRUNCATED);
		CHECK(l == NULL);
		const char *msg = em_error_last()->message;
		CHECK_EQ_INT(message_line(msg, name), last_line(raw, cuts[i]));
		CHECK(strstr(msg, "element '") != NULL);
		if (rc != EM_ETRUNCATED)
			fprintf(stderr, "  %s -> %d %s\n", name, rc, msg);
	}
	free(raw);
}

static void refuses_garbage(void)
{
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "un-xml";
	em_list *l;
	const char *junk = "this is not\nXML at all\n";
	CHECK_EQ_INT(em_list_read_memory(&l, "junk.xml", junk, strlen(junk), &o), EM_EPARSE);
	CHECK(message_line(em_error_last()->message, "junk.xml") == 1);
	unsigned char bytes[512];
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 7919u >> 3);
	CHECK(em_list_read_memory(&l, "bytes.xml", bytes, sizeof bytes, &o) < 0);
	CHECK(message_line(em_error_last()->message, "bytes.xml") >= 1);
	CHECK_EQ_INT(em_list_read_memory(&l, "empty.xml", "", 0, &o), EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "empty.xml:") == em_error_last()->message);
	CHECK(em_list_detect_format(junk, strlen(junk)) == NULL);

	/* Well-formed but broken inside: a closing tag that does not match. */
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("un/mismatched-tag.xml"), NULL), EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "mismatched-tag.xml:6: element 'REFERENCE_NUMBER'"));
}

static void refuses_wrong_root(void)
{
	char *raw;
	size_t len;
	if (em_file_read(fixture_path("un/wrong-root.xml"), &raw, &len) != 0) {
		CHECK(0);
		return;
	}
	CHECK(em_list_detect_format(raw, len) == NULL);
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "un-xml";
	em_list *l;
	CHECK_EQ_INT(em_list_read_memory(&l, "wrong-root.xml", raw, len, &o), EM_EFORMAT);
	CHECK(strstr(em_error_last()->message, "wrong-root.xml:2: element 'SANCTIONS_LIST'"));
	/* The EU reader refuses it too. */
	o.format = "eu-xml";
	CHECK_EQ_INT(em_list_read_memory(&l, "wrong-root.xml", raw, len, &o), EM_EFORMAT);
	CHECK_EQ_INT(message_line(em_error_last()->message, "wrong-root.xml"), 2);
	free(raw);
}

static void refuses_record_without_reference(void)
{
	em_list *l = (em_list *)1;
	const char *path = fixture_path("un/missing-reference.xml");
	CHECK_EQ_INT(em_list_read_file(&l, path, NULL), EM_EPARSE);
	CHECK(l == NULL);
	const char *msg = em_error_last()->message;
	CHECK_EQ_INT(message_line(msg, path), 10);
	CHECK(strstr(msg, "INDIVIDUAL") && strstr(msg, "REFERENCE_NUMBER"));
}

static void refuses_doctype(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("un/doctype-entity.xml"), NULL), EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "DOCTYPE") != NULL);
	CHECK(strstr(em_error_last()->message, "doctype-entity.xml:") != NULL);
}

int main(void)
{
	RUN(reads_the_whole_list);
	RUN(person_spot_check);
	RUN(entity_spot_check);
	RUN(latin_only_copy);
	RUN(refuses_cut_copies);
	RUN(refuses_garbage);
	RUN(refuses_wrong_root);
	RUN(refuses_record_without_reference);
	RUN(refuses_doctype);
	em_list_free(un_list);
	return TEST_REPORT();
}
