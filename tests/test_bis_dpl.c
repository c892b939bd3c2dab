/* Tests of the BIS Denied Persons List reader on the real dpl.txt and on cut or broken copies. */
#include "lists_check.h"

#include <stdlib.h>

#include "util/util.h"

#define DPL "data/bis/dpl.txt"

/* Data rows of the file: non-blank lines after the header (no field of dpl.txt spans lines). */
static size_t count_rows(const char *data, size_t len)
{
	size_t rows = 0;
	bool blank = true;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			rows += !blank;
			blank = true;
		} else if (data[i] != '\r') {
			blank = false;
		}
	}
	rows += !blank;
	return rows ? rows - 1 : 0;
}

static void whole_file(void)
{
	char *data;
	size_t len;
	CHECK_EQ_INT(em_file_read(shared_path(DPL), &data, &len), 0);
	if (!data)
		return;
	size_t rows = count_rows(data, len);
	free(data);
	CHECK(rows > 500);
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, shared_path(DPL), NULL), 0);
	if (!l)
		return;
	CHECK_EQ_STR(em_list_format(l), "bis-dpl");
	CHECK_EQ_STR(em_list_source(l), "bis-dpl");
	CHECK_EQ_INT(em_list_count(l), rows);
	size_t types[5];
	em_list_count_types(l, types);
	CHECK_EQ_INT(types[EM_ENTITY_PERSON], 0); /* the file never says who is a person */
	CHECK(types[EM_ENTITY_ORGANIZATION] > 0 && types[EM_ENTITY_UNKNOWN] > types[EM_ENTITY_ORGANIZATION]);
	for (size_t i = 0; i < em_list_count(l); i++) {
		const em_entity *e = em_list_entity(l, i);
		CHECK(e->n_programs == 1 && !strcmp(e->programs[0], "DPL"));
		CHECK(em_entity_attribute(e, "effective_date") != NULL);
	}
	em_list_free(l);
}

static void rows_by_hand(void)
{
	em_list *l;
	CHECK_EQ_INT(em_list_read_file(&l, shared_path(DPL), NULL), 0);
	if (!l)
		return;
	/* The id is the hash of name|street|city|effective date as the file writes them. */
	char hex[65], id[17];
	const char *key = "AARON ABRAHAM VILLA|3415 RIVERA AVENUE|EL PASO|08/24/2022";
	em_sha256_hex(key, strlen(key), hex);
	snprintf(id, sizeof id, "%.16s", hex);
	const em_entity *e = em_list_find(l, id);
	CHECK(e != NULL);
	CHECK(e && e->type == EM_ENTITY_UNKNOWN && !strcmp(e->names[0].full, "AARON ABRAHAM VILLA"));
	CHECK(e && e->listed_on && !strcmp(e->listed_on, "2022-08-24"));
	CHECK(has_attr(e, "effective_date", "2022-08-24"));
	CHECK(has_attr(e, "expiration_date", "2026-01-14"));
	CHECK(has_attr(e, "last_update", "2022-08-29"));
	CHECK(has_attr(e, "standard_order", "Y"));
	CHECK(has_attr(e, "action", "F.R. NOTICE ADDED"));
	CHECK(has_attr(e, "fr_citation", "87 F.R. 52741 8/29/2022"));
	CHECK(e && e->n_addresses == 1);
	if (e && e->n_addresses == 1) {
		const em_address *a = &e->addresses[0];
		CHECK(a->street && !strcmp(a->street, "3415 RIVERA AVENUE"));
		CHECK(a->city && !strcmp(a->city, "EL PASO"));
		CHECK(a->region && !strcmp(a->region, "TX"));
		CHECK(a->postal_code && !strcmp(a->postal_code, "79905"));
		CHECK(a->country == NULL);
	}
	/* Legal forms make organizations; nothing else is guessed. */
	const em_entity *o = find_by_name(l, "AIR FREIGHT LTD", 0);
	CHECK(o && o->type == EM_ENTITY_ORGANIZATION);
	CHECK(find_by_name(l, "ARROWTRONIC, LLC", 0) &&
	      find_by_name(l, "ARROWTRONIC, LLC", 0)->type == EM_ENTITY_ORGANIZATION);
	CHECK(find_by_name(l, "BAHAR SAFWA GENERAL TRADING", 0) &&
	      find_by_name(l, "BAHAR SAFWA GENERAL TRADING", 0)->type == EM_ENTITY_UNKNOWN);
	/* The same party at two addresses is two rows, two entities. */
	const em_entity *z1 = find_by_name(l, "ZIMO SHENG", 0), *z2 = find_by_name(l, "ZIMO SHENG", 1);
	CHECK(z1 && z2 && strcmp(z1->source_id, z2->source_id) != 0);
	/* A row repeated word for word gets the occurrence number. */
	const em_entity *d1 = find_by_name(l, "DAQING ZHOU", 0), *d2 = find_by_name(l, "DAQING ZHOU", 1);
	char want[32];
	if (d1 && d2) {
		snprintf(want, sizeof want, "%s-2", d1->source_id);
		CHECK_EQ_STR(d2->source_id, want);
	}
	CHECK(d1 && d2);
	/* Names the list writes inside the name. */
	const em_entity *p = find_by_name(l, "PEARL (A.K.A. NEI-CHIEN CHU) LI", 0);
	CHECK(has_name(p, EM_NAME_AKA_STRONG, "NEI-CHIEN CHU") && has_name(p, EM_NAME_AKA_STRONG, "PEARL LI"));
	const em_entity *s = find_by_name(l, "SIBERIAN AIRLINES D/B/A S7 AIRLINES", 0);
	CHECK(has_name(s, EM_NAME_AKA_STRONG, "S7 AIRLINES"));
	em_list_free(l);
}

/* The real file cut inside a quoted field of its line 100. */
static void cut_file_is_truncated(void)
{
	char *data;
	size_t len;
	CHECK_EQ_INT(em_file_read(shared_path(DPL), &data, &len), 0);
	if (!data)
		return;
	size_t line = 1, i = 0;
	while (i < len && line < 100)
		line += data[i++] == '\n';
	data[i + 5] = '\0'; /* five bytes into line 100's first quoted field */
	EXPECT_FAIL("cut.txt", data, NULL, EM_ETRUNCATED, "cut.txt:100", "cut short");
	free(data);
}

static const char *const header = "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t"
				  "\"Postal_Code\"\t\"Effective_Date\"\t\"Expiration_Date\"\t"
				  "\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t\"FR_Citation\"\n";

static void broken_rows_are_refused(void)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s\"A\"\t\"1 ST\"\t\"X\"\t\"\"\t\"US\"\t\"1\"\t\"01/02/2003\"\t\"\"\t\"Y\"\t\"\"\t\"\"\t\"\"\n"
		 "\"B\"\t\"2 ST\"\t\"X\"\n", header);
	EXPECT_FAIL("short.txt", buf, NULL, EM_EPARSE, "short.txt:3", "field 'State'");
	snprintf(buf, sizeof buf, "%s\"A\xe9\"\t\"1 ST\"\t\"X\"\t\"\"\t\"US\"\t\"1\"\t\"01/02/2003\"\t\"\"\t\"Y\"\t\"\"\t\"\"\t\"\"\n",
		 header);
	EXPECT_FAIL("latin1.txt", buf, NULL, EM_EPARSE, "latin1.txt:2", "field 'Name'");
	snprintf(buf, sizeof buf, "%s\"\"\t\"1 ST\"\t\"X\"\t\"\"\t\"US\"\t\"1\"\t\"01/02/2003\"\t\"\"\t\"Y\"\t\"\"\t\"\"\t\"\"\n",
		 header);
	EXPECT_FAIL("noname.txt", buf, NULL, EM_EPARSE, "noname.txt:2", "field 'Name'");
	EXPECT_FAIL("nocity.txt", "\"Name\"\t\"Street_Address\"\t\"Effective_Date\"\n\"A\"\t\"B\"\t\"C\"\n",
		    "bis-dpl", EM_EPARSE, "nocity.txt:1", "field 'City'");
	EXPECT_FAIL("junk.txt", "\"Name\"\t\"Street_Address\"\t\"City\"\t\"Effective_Date\"\n\"A\"x\t\"B\"\t\"C\"\t\"D\"\n",
		    NULL, EM_EPARSE, "junk.txt:2", "field 1");
}

static void detection(void)
{
	const char *f = em_list_detect_format(header, strlen(header));
	CHECK(f && !strcmp(f, "bis-dpl"));
	const char *plain = "Name\tStreet_Address\tCity\n";
	CHECK((f = em_list_detect_format(plain, strlen(plain))) && !strcmp(f, "bis-dpl"));
	CHECK(em_list_detect_format("\"Name\",\"Street_Address\"\n", 25) == NULL);
}

int main(void)
{
	RUN(whole_file);
	RUN(rows_by_hand);
	RUN(cut_file_is_truncated);
	RUN(broken_rows_are_refused);
	RUN(detection);
	return TEST_REPORT();
}
