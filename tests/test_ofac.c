/*
 * Tests of the OFAC CSV reader on the real published files (SDN snapshots, the 2021 SDN set
 * with its companions, the non-SDN set) and on small fixtures: entity counts checked against
 * an independent count of the raw records, every quoted a.k.a. in the raw remarks found
 * again as a name, spot checks of parsed remarks, companions, and refusal of cut or malformed
 * input with a message naming the file, the line and the field.
 */
#include "test.h"

#include <time.h>

#include "embargo/em_lists.h"
#include "util/csv.h"
#include "util/util.h"

/* ---- helpers --------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	if (em_file_read(path, &data, len) != 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, em_error_last()->message);
		return NULL;
	}
	return data;
}

/* Whitespace runs as one space, none at either end (how the entity model stores text). */
static void squeeze(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	int space = 0;
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = c;
	}
	out[o] = '\0';
}

/* Records in a primary file: lines that start with a digit (OFAC's records are one line). */
static size_t count_records(const char *data, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if ((i == 0 || data[i - 1] == '\n') && data[i] >= '0' && data[i] <= '9')
			n++;
	return n;
}

static const em_entity *find(const em_list *l, const char *id)
{
	const em_entity *e = l ? em_list_find(l, id) : NULL;
	if (!e)
		fprintf(stderr, "entity %s not found\n", id);
	return e;
}

static const em_name *name_of(const em_entity *e, em_name_kind kind, const char *full)
{
	for (size_t i = 0; e && i < e->n_names; i++)
		if (e->names[i].kind == kind && strcmp(e->names[i].full, full) == 0)
			return &e->names[i];
	return NULL;
}

static const em_identifier *id_of(const em_entity *e, em_id_type type, const char *value)
{
	for (size_t i = 0; e && i < e->n_ids; i++)
		if (e->ids[i].type == type && strcmp(e->ids[i].value, value) == 0)
			return &e->ids[i];
	return NULL;
}

static int has_relation(const em_entity *e, const char *target)
{
	for (size_t i = 0; e && i < e->n_relations; i++)
		if (strcmp(e->relations[i].target, target) == 0)
			return strcmp(e->relations[i].relation, "linked to") == 0;
	return 0;
}

static int has_string(const char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return 1;
	return 0;
}

static int has_attribute(const em_entity *e, const char *key, const char *value)
{
	for (size_t i = 0; e && i < e->n_attributes; i++)
		if (strcmp(e->attributes[i].key, key) == 0 && strcmp(e->attributes[i].value, value) == 0)
			return 1;
	return 0;
}

static em_list *load(const char *path)
{
	em_list *l = NULL;
	int rc = em_list_read_file(&l, path, NULL);
	if (rc)
		fprintf(stderr, "%s: %s: %s\n", path, em_error_name(rc), em_error_last()->message);
	return l;
}

/* True when the last error starts "NAME:LINE: field '" (LINE = 0 accepts any line). */
static int message_names(const char *name, size_t line, const char *field)
{
	const char *m = em_error_last()->message;
	size_t n = strlen(name);
	if (strncmp(m, name, n) != 0 || m[n] != ':')
		goto bad;
	char *end;
	unsigned long got = strtoul(m + n + 1, &end, 10);
	if (end == m + n + 1 || (line && got != line) || strncmp(end, ": field '", 9) != 0)
		goto bad;
	if (field && strncmp(end + 9, field, strlen(field)) != 0)
		goto bad;
	return 1;
bad:
	fprintf(stderr, "message does not name %s:%zu field '%s': %s\n", name, line,
		field ? field : "*", m);
	return 0;
}

/* ---- real files -------------------------------------------------------------------------- */

static void snapshot_counts(void)
{
	static const struct {
		const char *file;
		long expect; /* published count, or -1: compare with the raw record count only */
	} snaps[] = {
		{"data/ofac/sdn-history/sdn-2024-05-03.csv", 14965},
		{"data/ofac/sdn-history/sdn-2024-04-26.csv", 14668},
		{"data/ofac/sdn-history/sdn-2023-06-08.csv", -1},
		{"data/ofac/sdn-history/sdn-2023-06-15.csv", -1},
	};
	for (size_t i = 0; i < sizeof snaps / sizeof snaps[0]; i++) {
		const char *path = shared_path(snaps[i].file);
		size_t len;
		char *raw = slurp(path, &len);
		CHECK(raw != NULL);
		if (!raw)
			continue;
		size_t records = count_records(raw, len);
		free(raw);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		em_list *l = load(path);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		CHECK(l != NULL);
		if (!l)
			continue;
		printf("     %s: %zu entities in %.0f ms\n", snaps[i].file, em_list_count(l),
		       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		CHECK_EQ_INT(em_list_count(l), records);
		if (snaps[i].expect >= 0)
			CHECK_EQ_INT(em_list_count(l), snaps[i].expect);
		CHECK_EQ_STR(em_list_source(l), "ofac-sdn");
		CHECK_EQ_STR(em_list_format(l), "ofac-csv");
		size_t types[5];
		em_list_count_types(l, types);
		CHECK_EQ_INT(types[EM_ENTITY_UNKNOWN], 0);
		CHECK(types[EM_ENTITY_PERSON] > 0 && types[EM_ENTITY_ORGANIZATION] > 0);
		CHECK(types[EM_ENTITY_VESSEL] > 0 && types[EM_ENTITY_AIRCRAFT] > 0);
		em_list_free(l);
	}
}

/*
 * Every quoted a.k.a./f.k.a./n.k.a. (and d.b.a.) in the raw remarks, found by a scan of the
 * file bytes that shares no code with the reader, must be a name of that kind on that
 * entity, and the reader must produce no other alias.
 */
static void every_aka_becomes_a_name(void)
{
	static const struct {
		const char *mark;
		em_name_kind kind;
	} marks[] = {
		{"a.k.a. '", EM_NAME_AKA_STRONG}, {"d.b.a. '", EM_NAME_AKA_STRONG},
		{"f.k.a. '", EM_NAME_FKA}, {"n.k.a. '", EM_NAME_NKA},
	};
	const char *files[] = {"data/ofac/sdn-history/sdn-2024-05-03.csv",
			       "data/ofac/sdn-history/sdn-2023-06-08.csv"};
	for (size_t f = 0; f < 2; f++) {
		const char *path = shared_path(files[f]);
		size_t len;
		char *raw = slurp(path, &len);
		em_list *l = load(path);
		CHECK(raw && l);
		if (!raw || !l) {
			free(raw);
			em_list_free(l);
			continue;
		}
		em_arena a;
		em_arena_init(&a);
		em_strmap seen = {0};
		size_t found = 0, missing = 0, cut = 0, repeated = 0, kinds[6] = {0};
		char *line = raw;
		while (line < raw + len) {
			char *eol = strstr(line, "\r\n");
			if (!eol)
				eol = raw + len;
			*eol = '\0';
			char id[24];
			size_t d = strspn(line, "0123456789");
			if (d && d < sizeof id) {
				memcpy(id, line, d);
				id[d] = '\0';
				const em_entity *e = em_list_find(l, id);
				for (size_t m = 0; m < 4; m++) {
					size_t ml = strlen(marks[m].mark);
					for (char *p = strstr(line, marks[m].mark); p;
					     p = strstr(p + ml, marks[m].mark)) {
						if (!(p[-1] == '"' || (p[-1] == ' ' && p[-2] == ';')))
							continue; /* not at the start of a remarks item */
						char *start = p + ml;
						char *close = strstr(start, "'; ");
						if (!close) {
							/* the last item: ends with quote, stop, end quote */
							size_t n = strlen(start);
							if (n >= 3 && strcmp(start + n - 3, "'.\"") == 0)
								close = start + n - 3;
							else if (n >= 2 && strcmp(start + n - 2, "'\"") == 0)
								close = start + n - 2;
							else {
								cut++; /* cut off at OFAC's field limit */
								continue;
							}
						}
						char name[1024];
						squeeze(start, (size_t)(close - start), name, sizeof name);
						char key[1200];
						snprintf(key, sizeof key, "%s|%d|%s", id, (int)marks[m].kind, name);
						if (em_strmap_get(&seen, key, NULL)) {
							repeated++;
							continue;
						}
						em_strmap_put(&seen, em_arena_strdup(&a, key), 0);
						found++;
						kinds[marks[m].kind]++;
						if (!name_of(e, marks[m].kind, name)) {
							if (missing++ < 5)
								fprintf(stderr, "%s: entity %s lacks %s'%s'\n",
									files[f], id, marks[m].mark, name);
						}
					}
				}
			}
			line = eol + 2;
		}
		size_t produced = 0;
		for (size_t i = 0; i < em_list_count(l); i++) {
			const em_entity *e = em_list_entity(l, i);
			for (size_t k = 1; k < e->n_names; k++)
				produced++;
		}
		printf("     %s: %zu aliases in the raw remarks (%zu a.k.a./d.b.a., %zu f.k.a., %zu "
		       "n.k.a.; %zu repeated, %zu cut at the field limit), %zu produced\n", files[f],
		       found, kinds[EM_NAME_AKA_STRONG], kinds[EM_NAME_FKA], kinds[EM_NAME_NKA],
		       repeated, cut, produced);
		CHECK(found > 3000);
		CHECK_EQ_INT(missing, 0);
		CHECK_EQ_INT(produced, found);
		em_strmap_free(&seen);
		em_arena_free(&a);
		em_list_free(l);
		free(raw);
	}
}

static void spot_checks(void)
{
	em_list *l = load(shared_path("data/ofac/sdn-history/sdn-2024-05-03.csv"));
	CHECK(l != NULL);
	if (!l)
		return;

	/* an individual: name split, date and place of birth, passport with country, alias */
	const em_entity *e = find(l, "3754");
	CHECK(e != NULL);
	if (e) {
		CHECK_EQ_INT(e->type, EM_ENTITY_PERSON);
		CHECK_EQ_STR(e->names[0].full, "ABU MARZOOK, Mousa Mohammed");
		CHECK_EQ_INT(e->names[0].kind, EM_NAME_PRIMARY);
		CHECK_EQ_STR(e->names[0].family, "ABU MARZOOK");
		CHECK_EQ_STR(e->names[0].given, "Mousa Mohammed");
		CHECK_EQ_INT(e->n_birth_dates, 1);
		if (e->n_birth_dates) {
			CHECK_EQ_INT(e->birth_dates[0].kind, EM_DATE_EXACT);
			CHECK_EQ_INT(e->birth_dates[0].year, 1951);
			CHECK_EQ_INT(e->birth_dates[0].month, 2);
			CHECK_EQ_INT(e->birth_dates[0].day, 9);
		}
		CHECK(has_string(e->birth_places, e->n_birth_places, "Gaza, Egypt"));
		const em_identifier *pp = id_of(e, EM_ID_PASSPORT, "92/664");
		CHECK(pp != NULL);
		if (pp)
			CHECK_EQ_STR(pp->country, "Egypt");
		const em_identifier *ssn = id_of(e, EM_ID_NATIONAL_ID, "523-33-8386");
		CHECK(ssn && ssn->country && strcmp(ssn->country, "United States") == 0);
		CHECK(name_of(e, EM_NAME_AKA_STRONG, "ABU-'UMAR") != NULL);
		CHECK(has_string(e->programs, e->n_programs, "SDGT"));
		CHECK(strstr(e->remarks, "Political Leader in Amman") != NULL);
		CHECK(em_entity_attribute(e, "title") != NULL);
	}

	/* a vessel: call sign column, IMO and MMSI from the remarks, flag and tonnage columns */
	e = find(l, "15040");
	if (e) {
		CHECK_EQ_INT(e->type, EM_ENTITY_VESSEL);
		CHECK(id_of(e, EM_ID_IMO, "9187631") != NULL);
		CHECK(id_of(e, EM_ID_MMSI, "256845000") != NULL);
		CHECK(id_of(e, EM_ID_CALL_SIGN, "9HDS9") != NULL);
		CHECK_EQ_STR(em_entity_attribute(e, "vessel_flag"), "Iran");
		CHECK_EQ_STR(em_entity_attribute(e, "tonnage"), "99,087");
		CHECK(has_attribute(e, "former_vessel_flag", "Malta"));
		CHECK(has_attribute(e, "additional_sanctions_information", "Subject to Secondary Sanctions"));
		/* the remarks' final stop is not part of the name of the linked entity */
		CHECK(has_relation(e, "NATIONAL IRANIAN TANKER COMPANY"));
	}

	/* an aircraft: serial and tail numbers, model */
	e = find(l, "18150");
	if (e) {
		CHECK_EQ_INT(e->type, EM_ENTITY_AIRCRAFT);
		CHECK(id_of(e, EM_ID_AIRCRAFT_SERIAL, "391") != NULL);
		CHECK(id_of(e, EM_ID_AIRCRAFT_TAIL, "EP-MMH") != NULL);
		CHECK_EQ_STR(em_entity_attribute(e, "aircraft_model"), "Airbus A340-642");
		CHECK(has_relation(e, "MAHAN AIR"));
		CHECK(has_string(e->programs, e->n_programs, "NPWMD"));
		CHECK_EQ_INT(e->n_programs, 3);
	}
	e = find(l, "18151");
	CHECK(e && id_of(e, EM_ID_AIRCRAFT_TAIL, "YI-NAE") != NULL);

	/* digital currency addresses: the currency is the label */
	e = find(l, "25308");
	if (e) {
		const em_identifier *x = id_of(e, EM_ID_CRYPTO_ADDRESS, "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h");
		CHECK(x && strcmp(x->label, "XBT") == 0);
		x = id_of(e, EM_ID_CRYPTO_ADDRESS, "1Kuf2Rd8mDyAViwBozGTNYnvWL8uYFrkVo");
		CHECK(x && x->note && strcmp(x->note, "alt.") == 0);
		CHECK_EQ_STR(e->gender, "male");
		CHECK(has_string(e->citizenships, e->n_citizenships, "China"));
	}

	/* Linked To: a name ending in "." keeps it when that is the listed name */
	e = find(l, "11620");
	CHECK(e && has_relation(e, "PERSIAN GULF PETROCHEMICAL INDUSTRY CO."));
	e = find(l, "19653");
	CHECK(e && has_relation(e, "PUBLIC JOINT STOCK COMPANY GAZPROM"));
	em_list_free(l);
}

/* Checks every record of a companion file against the entities: f(entity, record). */
static size_t check_companion(const em_list *l, const char *path,
			      int (*f)(const em_entity *e, const em_csv *c))
{
	size_t len, bad = 0, n = 0;
	char *raw = slurp(path, &len);
	CHECK(raw != NULL);
	if (!raw)
		return 0;
	while (len && (raw[len - 1] == '\x1a' || raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	em_csv c;
	em_csv_init(&c, path, raw, len, ',');
	while (em_csv_next(&c) == 1) {
		n++;
		char id[32];
		snprintf(id, sizeof id, "%s", em_csv_field(&c, 0));
		const em_entity *e = em_list_find(l, id);
		if (!e || !f(e, &c)) {
			if (bad++ < 5)
				fprintf(stderr, "%s:%zu: not found on entity %s\n", path, c.line, id);
		}
	}
	em_csv_free(&c);
	free(raw);
	CHECK_EQ_INT(bad, 0);
	return n;
}

static int alt_found(const em_entity *e, const em_csv *c)
{
	char name[1024];
	const char *t = em_csv_field(c, 2), *full = em_csv_field(c, 3);
	squeeze(full, strlen(full), name, sizeof name);
	em_name_kind k = strcmp(t, "aka") == 0 ? EM_NAME_AKA_STRONG
			 : strcmp(t, "fka") == 0 ? EM_NAME_FKA
						 : EM_NAME_NKA;
	const em_name *nm = name_of(e, k, name);
	/* individuals' aliases are split like their primary names */
	if (nm && e->type == EM_ENTITY_PERSON && strstr(name, ", "))
		return nm->family && nm->given;
	return nm != NULL;
}

static int address_found(const em_entity *e, const em_csv *c)
{
	char street[1024];
	const char *s = em_csv_field(c, 2);
	if (strncmp(s, "-0-", 3) == 0)
		return 1;
	squeeze(s, strlen(s), street, sizeof street);
	for (size_t i = 0; i < e->n_addresses; i++)
		if (e->addresses[i].street && strcmp(e->addresses[i].street, street) == 0)
			return 1;
	return 0;
}

static int comment_found(const em_entity *e, const em_csv *c)
{
	char text[4096];
	const char *s = em_csv_field(c, 1);
	squeeze(s, strlen(s), text, sizeof text);
	/* joined to the remarks, without the final stop only if the parser dropped it */
	return e->remarks && strstr(e->remarks, text) != NULL;
}

static void sdn_2021_with_companions(void)
{
	const char *dir = "data/ofac/sdn-2021/";
	char path[1024];
	snprintf(path, sizeof path, "%ssdn.csv", dir);
	em_list *l = load(shared_path(path));
	CHECK(l != NULL);
	if (!l)
		return;
	size_t len;
	char *raw = slurp(shared_path(path), &len);
	if (raw)
		CHECK_EQ_INT(em_list_count(l), count_records(raw, len));
	free(raw);
	snprintf(path, sizeof path, "%salt.csv", dir);
	size_t n_alt = check_companion(l, shared_path(path), alt_found);
	snprintf(path, sizeof path, "%sadd.csv", dir);
	size_t n_add = check_companion(l, shared_path(path), address_found);
	snprintf(path, sizeof path, "%ssdn_comments.csv", dir);
	size_t n_comments = check_companion(l, shared_path(path), comment_found);
	printf("     sdn-2021: %zu entities, %zu alt.csv, %zu add.csv, %zu comment records checked\n",
	       em_list_count(l), n_alt, n_add, n_comments);
	CHECK(n_alt > 10000 && n_add > 10000 && n_comments == 5);

	/* a remark cut at OFAC's field limit and finished in sdn_comments.csv parses whole */
	const em_entity *e = find(l, "12300");
	CHECK(e && has_relation(e, "RED MUNDIAL INMOBILIARIA, S.A. DE C.V."));
	CHECK(e && has_relation(e, "PROMO RAIZ S.A.S."));
	e = find(l, "28264");
	CHECK(e && name_of(e, EM_NAME_AKA_STRONG, "khaleesi") != NULL);
	CHECK(e && id_of(e, EM_ID_PHONE, "8618004121000") != NULL);
	CHECK(e && has_relation(e, "LAZARUS GROUP"));
	/* aliases and addresses from the companions */
	e = find(l, "306");
	CHECK(e && name_of(e, EM_NAME_AKA_STRONG, "NATIONAL BANK OF CUBA") != NULL);
	CHECK(e && name_of(e, EM_NAME_AKA_STRONG, "BNC") != NULL);
	CHECK(e && e->n_addresses == 4);
	if (e && e->n_addresses) {
		CHECK_EQ_STR(e->addresses[0].street, "Zweierstrasse 35");
		CHECK_EQ_STR(e->addresses[0].city, "Zurich CH-8022");
		CHECK_EQ_STR(e->addresses[0].country, "Switzerland");
	}
	em_list_free(l);
}

static void non_sdn_with_companions(void)
{
	const char *path = shared_path("data/ofac/non-sdn/cons_prim.csv");
	em_list *l = load(path);
	CHECK(l != NULL);
	if (!l)
		return;
	size_t len;
	char *raw = slurp(path, &len);
	if (raw)
		CHECK_EQ_INT(em_list_count(l), count_records(raw, len));
	free(raw);
	CHECK_EQ_STR(em_list_source(l), "ofac-cons");
	CHECK_EQ_STR(em_list_entity(l, 0)->source, "ofac-cons");
	check_companion(l, shared_path("data/ofac/non-sdn/cons_alt.csv"), alt_found);
	check_companion(l, shared_path("data/ofac/non-sdn/cons_add.csv"), address_found);
	check_companion(l, shared_path("data/ofac/non-sdn/cons_comments.csv"), comment_found);
	const em_entity *e = find(l, "17016");
	if (e) {
		CHECK(name_of(e, EM_NAME_FKA, "GAZPROMBANK OPEN JOINT STOCK COMPANY") != NULL);
		CHECK(id_of(e, EM_ID_TAX_ID, "7744001497") != NULL); /* in cons_comments.csv */
		CHECK(id_of(e, EM_ID_LEI, "253400WSS48YWMBUA688") != NULL);
		CHECK(id_of(e, EM_ID_SWIFT_BIC, "GAZPRUMM") != NULL);
		CHECK(has_string(e->programs, e->n_programs, "UKRAINE-EO13662"));
	}
	em_list_free(l);

	/* a source the caller chose is kept */
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.source = "my-source";
	CHECK_EQ_INT(em_list_read_file(&l, path, &o), 0);
	if (l)
		CHECK_EQ_STR(em_list_source(l), "my-source");
	em_list_free(l);
}

/* ---- refusing bad input ------------------------------------------------------------------ */

static size_t line_of(const char *data, size_t cut)
{
	size_t line = 1;
	for (size_t i = 0; i < cut; i++)
		line += data[i] == '\n';
	return line;
}

static void truncated_copies_refused(void)
{
	size_t len;
	char *raw = slurp(shared_path("data/ofac/sdn-history/sdn-2024-05-03.csv"), &len);
	CHECK(raw != NULL);
	if (!raw)
		return;
	size_t cuts[] = {len / 7, len / 3, len / 2 + 17, (len * 9) / 10, len - 1, len - 2, len - 3,
			 len - 4, 200};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		em_list *l = NULL;
		int rc = em_list_read_memory(&l, "sdn-cut.csv", raw, cuts[i], NULL);
		CHECK(rc == EM_ETRUNCATED || rc == EM_EPARSE);
		CHECK(l == NULL);
		/* the error is on the line the cut falls in (or the last whole one before it) */
		size_t line = line_of(raw, cuts[i]);
		if (cuts[i] && raw[cuts[i] - 1] == '\n')
			line--;
		CHECK(message_names("sdn-cut.csv", line, NULL));
		CHECK(strstr(em_error_last()->message, "cut short") != NULL);
	}
	/* cut at a line boundary: every record whole, only the end-of-file byte tells */
	size_t lines = 0, cut = 0;
	for (size_t i = 0; i < len && lines < 5000; i++)
		if (raw[i] == '\n') {
			lines++;
			cut = i + 1;
		}
	em_list *l = NULL;
	CHECK_EQ_INT(em_list_read_memory(&l, "sdn-cut.csv", raw, cut, NULL), EM_ETRUNCATED);
	CHECK(l == NULL);
	CHECK(message_names("sdn-cut.csv", 5000, "remarks"));
	CHECK(strstr(em_error_last()->message, "cut short") != NULL);
	free(raw);
}

static int read_text(const char *name, const char *text, em_list **out)
{
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "ofac-csv";
	return em_list_read_memory(out, name, text, strlen(text), &o);
}

#define REC(id, name, type, remarks) \
	id ",\"" name "\"," type ",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ," remarks "\r\n"

static void malformed_records_refused(void)
{
	static const struct {
		const char *text;
		int code;
		size_t line;
		const char *field;
	} cases[] = {
		{REC("10", "A", "-0- ", "-0- ") "11,\"B\",-0- ,\"SDGT\"\r\n\x1a", EM_EPARSE, 2, "title"},
		{REC("10", "A", "-0- ", "-0- ") REC("1O", "B", "-0- ", "-0- ") "\x1a", EM_EPARSE, 2,
		 "ent_num"},
		{REC("10", "A", "-0- ", "-0- ") REC("10", "B", "-0- ", "-0- ") "\x1a", EM_EPARSE, 2,
		 "ent_num"},
		{REC("10", "A", "-0- ", "-0- ") REC("11", "B", "\"robot\"", "-0- ") "\x1a", EM_EPARSE, 2,
		 "type"},
		{REC("10", "-0-", "-0- ", "-0- ") "\x1a", EM_EPARSE, 1, "name"},
		{REC("10", "A", "-0- ", "-0- ") "11,\"B,-0- \r\n\x1a", EM_ETRUNCATED, 2, "name"},
		{REC("10", "A", "-0- ", "-0- ") REC("11", "B", "-0- ", "-0- ,extra") "\x1a", EM_EPARSE, 2,
		 "remarks"},
		{REC("10", "A", "-0- ", "-0- ") REC("11", "B", "-0- ", "\"DOB 1960\""), EM_ETRUNCATED, 2,
		 "remarks"},
		{"10,\"A\",\"bad\"quote,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a",
		 EM_EPARSE, 1, "type"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		em_list *l = NULL;
		int rc = read_text("bad.csv", cases[i].text, &l);
		if (rc != cases[i].code)
			fprintf(stderr, "case %zu: %s: %s\n", i, em_error_name(rc), em_error_last()->message);
		CHECK_EQ_INT(rc, cases[i].code);
		CHECK(l == NULL);
		CHECK(message_names("bad.csv", cases[i].line, cases[i].field));
	}
	/* the same records, well formed, are read */
	em_list *l = NULL;
	CHECK_EQ_INT(read_text("good.csv", REC("10", "A", "-0- ", "-0- ") REC("11", "B", "-0- ", "-0- ")
				   "\x1a", &l), 0);
	CHECK_EQ_INT(em_list_count(l), 2);
	em_list_free(l);
}

static void garbage_and_companions_refused(void)
{
	/* bytes that are no list at all */
	char junk[4096];
	unsigned x = 12345;
	for (size_t i = 0; i < sizeof junk; i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (char)(x >> 16);
	}
	em_list *l = NULL;
	CHECK(em_list_read_memory(&l, "junk.bin", junk, sizeof junk, NULL) < 0);
	CHECK(l == NULL);
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = "ofac-csv";
	CHECK(em_list_read_memory(&l, "junk.bin", junk, sizeof junk, &o) < 0);
	CHECK(l == NULL);
	CHECK(read_text("words.txt", "hello, world\nthis is not a list\n", &l) < 0);
	CHECK(read_text("empty.csv", "", &l) < 0);
	CHECK(read_text("eof.csv", "\x1a", &l) < 0);
	CHECK(l == NULL);

	/* a companion file alone: recognised, refused, told to import the primary file */
	static const char *companions[] = {
		"data/ofac/sdn-2021/alt.csv", "data/ofac/sdn-2021/add.csv",
		"data/ofac/sdn-2021/sdn_comments.csv", "data/ofac/non-sdn/cons_alt.csv",
	};
	for (size_t i = 0; i < sizeof companions / sizeof companions[0]; i++) {
		const char *path = shared_path(companions[i]);
		int rc = em_list_read_file(&l, path, NULL);
		CHECK(rc < 0);
		CHECK(l == NULL);
		CHECK(strstr(em_error_last()->message, "primary file") != NULL);
		CHECK(message_names(path, 1, "ent_num"));
	}
}

static void detection(void)
{
	size_t len;
	char *raw = slurp(shared_path("data/ofac/sdn-history/sdn-2024-05-03.csv"), &len);
	CHECK(raw != NULL);
	if (raw) {
		const char *f = em_list_detect_format(raw, len);
		CHECK(f && strcmp(f, "ofac-csv") == 0);
	}
	free(raw);
	raw = slurp(shared_path("data/ofac/non-sdn/cons_prim.csv"), &len);
	if (raw) {
		const char *f = em_list_detect_format(raw, len);
		CHECK(f && strcmp(f, "ofac-csv") == 0);
	}
	free(raw);
	CHECK(em_list_detect_format("name,address\nx,y\n", 18) == NULL);
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static void fixture_set(void)
{
	em_list *l = load(fixture_path("ofac/set/sdn.csv"));
	CHECK(l != NULL);
	if (!l)
		return;
	CHECK_EQ_INT(em_list_count(l), 4);
	const em_entity *e = find(l, "10");
	if (e) {
		CHECK_EQ_STR(e->names[0].family, "DOE");
		CHECK_EQ_STR(e->names[0].given, "John Q.");
		const em_name *n = name_of(e, EM_NAME_AKA_STRONG, "DOE, Johnny");
		CHECK(n && n->family && strcmp(n->family, "DOE") == 0);
		CHECK(name_of(e, EM_NAME_AKA_STRONG, "JD; THE BOSS") != NULL); /* "; " inside quotes */
		CHECK(name_of(e, EM_NAME_AKA_STRONG, "DOE, Jon") != NULL);     /* alt.csv */
		CHECK_EQ_INT(e->n_birth_dates, 2);
		if (e->n_birth_dates == 2) {
			CHECK_EQ_INT(e->birth_dates[0].kind, EM_DATE_RANGE);
			CHECK_EQ_INT(e->birth_dates[0].circa, 1);
			CHECK_EQ_INT(e->birth_dates[0].year, 1960);
			CHECK_EQ_INT(e->birth_dates[0].year2, 1962);
			CHECK_EQ_STR(e->birth_dates[0].text, "circa 1960-1962");
			CHECK_EQ_INT(e->birth_dates[1].kind, EM_DATE_RANGE);
			CHECK_EQ_INT(e->birth_dates[1].year2, 1959);
		}
		/* a Windows-1252 byte becomes UTF-8 */
		CHECK(has_string(e->birth_places, e->n_birth_places, "Caf\xc3\xa9 Town, Utopia"));
		CHECK(has_string(e->nationalities, e->n_nationalities, "Utopia"));
		const em_identifier *pp = id_of(e, EM_ID_PASSPORT, "A123");
		CHECK(pp && pp->country && strcmp(pp->country, "Utopia") == 0);
		CHECK(pp && pp->note && strcmp(pp->note, "issued 01 Jan 2010 expires 31 Dec 2020") == 0);
		CHECK_EQ_STR(e->gender, "male");
		CHECK(has_relation(e, "ACME TRADING CO."));
		CHECK_EQ_INT(e->n_programs, 2);
	}
	e = find(l, "20");
	if (e) {
		CHECK_EQ_INT(e->type, EM_ENTITY_ORGANIZATION);
		CHECK(id_of(e, EM_ID_WEBSITE, "www.acme.example") != NULL);
		const em_identifier *r = id_of(e, EM_ID_REGISTRATION, "HRB 123");
		CHECK(r && r->country && strcmp(r->country, "Germany") == 0);
		CHECK(r && r->note && strcmp(r->note, "Munich") == 0);
		CHECK_EQ_STR(em_entity_attribute(e, "organization_established_date"), "1999");
		CHECK(has_relation(e, "DOE, John Q."));
		CHECK(name_of(e, EM_NAME_FKA, "ACME OLD CO.") != NULL);
		CHECK_EQ_INT(e->n_addresses, 1); /* the all-empty address row adds nothing */
		if (e->n_addresses) {
			CHECK_EQ_STR(e->addresses[0].street, "1 Main St");
			CHECK_EQ_STR(e->addresses[0].city, "Munich 80331");
			CHECK_EQ_STR(e->addresses[0].country, "Germany");
		}
	}
	e = find(l, "30");
	if (e) {
		CHECK_EQ_INT(e->type, EM_ENTITY_VESSEL);
		CHECK(id_of(e, EM_ID_CALL_SIGN, "ABCD1") != NULL);
		CHECK(id_of(e, EM_ID_IMO, "9123456") != NULL);
		CHECK(id_of(e, EM_ID_MMSI, "123456789") != NULL);
		CHECK_EQ_STR(em_entity_attribute(e, "vessel_owner"), "ACME TRADING CO.");
		CHECK_EQ_STR(em_entity_attribute(e, "grt"), "2,000");
		/* remarks cut after "Phone " and finished in sdn_comments.csv */
		CHECK(e->remarks && strstr(e->remarks, "; Phone Number 12345; Target Type") != NULL);
		CHECK(id_of(e, EM_ID_PHONE, "12345") != NULL);
		CHECK_EQ_STR(em_entity_attribute(e, "target_type"), "Government Entity");
		CHECK(name_of(e, EM_NAME_NKA, "SEA STAR II") != NULL);
	}
	e = find(l, "40");
	if (e) {
		CHECK_EQ_INT(e->type, EM_ENTITY_AIRCRAFT);
		CHECK(id_of(e, EM_ID_AIRCRAFT_SERIAL, "12345") != NULL);
		CHECK(id_of(e, EM_ID_AIRCRAFT_TAIL, "EP-ABC") != NULL);
		CHECK(has_relation(e, "UNKNOWN HOLDINGS"));
	}
	em_list_free(l);

	/* without companions: no alt.csv names, remarks stay cut */
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.no_companions = 1;
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("ofac/set/sdn.csv"), &o), 0);
	e = l ? em_list_find(l, "10") : NULL;
	CHECK(e && name_of(e, EM_NAME_AKA_STRONG, "DOE, Jon") == NULL);
	e = l ? em_list_find(l, "30") : NULL;
	CHECK(e && id_of(e, EM_ID_PHONE, "12345") == NULL);
	em_list_free(l);
}

static void fixture_companion_errors(void)
{
	em_list *l = NULL;
	char name[1024];
	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("ofac/orphan/sdn.csv"), NULL), EM_EPARSE);
	CHECK(l == NULL);
	snprintf(name, sizeof name, "%s", fixture_path("ofac/orphan/alt.csv"));
	CHECK(message_names(name, 2, "ent_num"));
	CHECK(strstr(em_error_last()->message, "99 is not in the primary file") != NULL);

	CHECK_EQ_INT(em_list_read_file(&l, fixture_path("ofac/short-companion/sdn.csv"), NULL),
		     EM_EPARSE);
	CHECK(l == NULL);
	snprintf(name, sizeof name, "%s", fixture_path("ofac/short-companion/add.csv"));
	CHECK(message_names(name, 2, "country"));
}

static void fixture_non_sdn(void)
{
	em_list *l = load(fixture_path("ofac/cons/cons_prim.csv"));
	CHECK(l != NULL);
	if (!l)
		return;
	CHECK_EQ_STR(em_list_source(l), "ofac-cons");
	const em_entity *e = find(l, "500");
	if (e) {
		const em_identifier *r = id_of(e, EM_ID_REGISTRATION, "1027");
		CHECK(r && r->country && strcmp(r->country, "Russia") == 0);
		CHECK(name_of(e, EM_NAME_AKA_STRONG, "NEWCO") != NULL);
		CHECK(e->n_addresses == 1 && strcmp(e->addresses[0].city, "Moscow") == 0);
		CHECK_EQ_STR(e->source, "ofac-cons");
	}
	em_list_free(l);

	/* non-SDN programs only: the non-SDN list even when the file is renamed */
	CHECK_EQ_INT(read_text("renamed.csv",
			       "7,\"X\",-0- ,\"NS-PLC] [SSI\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a",
			       &l), 0);
	if (l)
		CHECK_EQ_STR(em_list_source(l), "ofac-cons");
	em_list_free(l);
}

int main(void)
{
	RUN(snapshot_counts);
	RUN(every_aka_becomes_a_name);
	RUN(spot_checks);
	RUN(sdn_2021_with_companions);
	RUN(non_sdn_with_companions);
	RUN(truncated_copies_refused);
	RUN(malformed_records_refused);
	RUN(garbage_and_companions_refused);
	RUN(detection);
	RUN(fixture_set);
	RUN(fixture_companion_errors);
	RUN(fixture_non_sdn);
	return TEST_REPORT();
}
