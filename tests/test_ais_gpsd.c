/*
 * test_ais_gpsd.c: our AIS decoding against gpsd's, field by field, on the real sample files in
 * $EM_SHARED_DIR/ais/samples. The test runs `gpsdecode -s` (Debian gpsd-clients; -s emits each
 * type 24 part as it comes, as we do) on each file itself, and also reads the reference output
 * gpsd_sample.gpsdecode.json made without -s. Every gpsd record of a type we decode must have a
 * record of ours with the same type and MMSI at the same place in the sequence, and every field
 * gpsd prints must be there with the same value, except the two deliberate differences of
 * docs/ais.md (type 27 "status" as a number with "status_text"; "turn" keeps its sign). Records
 * gpsd lacks are allowed only where gpsdecode drops a last line that has no newline, and for the
 * type 24 part A records that gpsd holds back without -s. The synthetic Caspian scenario
 * (em_ais_gen.h, made by our encoder) is compared the same way: gpsd must read what we write
 * as we do.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "embargo/em_ais.h"
#include "embargo/em_ais_gen.h"
#include "test.h"

static const char *const samples[] = {
	"aisdb_test_data_20211101.nm4", "gpsd_ais-nmea-type6-fid55.log", "gpsd_ais_unpack_sixbit.log",
	"gpsd_sample.aivdm", "libais_tagblock.nmea", "libais_test.aivdm", "libais_typeexamples.nmea",
	"pyais_ais_test_messages", "pyais_gatehouse.nmea", "pyais_messages.ais", "pyais_mixed.txt",
	"pyais_nmea_data_sample.txt", "pyais_sample.ais", "pyais_timestamped.ais",
};

typedef struct records {
	json_t **r;
	size_t n, cap;
} records;

static void push(records *rs, json_t *j)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = realloc(rs->r, rs->cap * sizeof *rs->r);
		if (!rs->r)
			abort();
	}
	rs->r[rs->n++] = j;
}

static void records_free(records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		json_decref(rs->r[i]);
	free(rs->r);
	memset(rs, 0, sizeof *rs);
}

static int supported(json_int_t type)
{
	static const int types[] = {1, 2, 3, 4, 5, 18, 19, 21, 24, 27};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (type == types[i])
			return 1;
	return 0;
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* JSON lines of the types we decode from a stream. */
static void read_lines(FILE *f, records *rs)
{
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		json_t *j = json_loads(line, 0, NULL);
		if (!j)
			continue;
		if (supported(jint(j, "type")))
			push(rs, j);
		else
			json_decref(j);
	}
}

static int collect(void *ctx, const em_ais_msg *m)
{
	char buf[EM_AIS_RECORD_MAX];
	int n = em_ais_msg_json(m, buf, sizeof buf);
	CHECK(n > 0);
	json_t *j = n > 0 ? json_loads(buf, 0, NULL) : NULL;
	CHECK(j != NULL);
	if (!j)
		return 0;
	/* Keep the line in the record, to explain extra records. */
	json_object_set_new(j, "_line", json_integer((json_int_t)m->line));
	push(ctx, j);
	return 0;
}

typedef struct tally {
	size_t gpsd, ours, matched, fields, differ, deliberate, extra_eof, extra_24a, unexplained;
} tally;

/* Lines in the file, and whether its last line ends without a newline. */
static size_t count_lines(const char *path, int *no_final_newline)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;
	int c, last = '\n';
	if (!f)
		return 0;
	while ((c = getc(f)) != EOF) {
		if (c == '\n')
			n++;
		last = c;
	}
	fclose(f);
	*no_final_newline = last != '\n';
	return n + (last != '\n');
}

static int same_value(json_t *a, json_t *b)
{
	return b && json_equal(a, b);
}

/*
 * A type 24 record that gpsdecode without -s holds back: every part A, and a part B that found
 * no part A before it (ours then has no shipname).
 */
static int held_back(json_t *x)
{
	const char *part = json_string_value(json_object_get(x, "part"));
	if (jint(x, "type") != 24 || !part)
		return 0;
	return !strcmp(part, "A") || !json_object_get(x, "shipname");
}

static int same_key(json_t *a, json_t *b)
{
	return jint(a, "type") == jint(b, "type") && jint(a, "mmsi") == jint(b, "mmsi");
}

/* Our record x can stand for gpsd's record a. */
static int candidate(json_t *x, json_t *a, int no_split)
{
	return same_key(x, a) && !(no_split && held_back(x));
}

/* Our record x is not in gpsd's output: is that explained? */
static void extra(const char *name, json_t *x, int no_split, size_t last_line,
		  int no_final_newline, tally *t)
{
	if (no_split && held_back(x))
		t->extra_24a++;
	else if (no_final_newline && (size_t)jint(x, "_line") == last_line)
		t->extra_eof++;
	else {
		t->unexplained++;
		fprintf(stderr, "%s: our record at line %lld (type %lld) is not in gpsd's output\n",
			name, (long long)jint(x, "_line"), (long long)jint(x, "type"));
	}
}

/* Matches gpsd's records to ours in order and compares their fields. */
static void compare(const char *name, records *g, records *o, int no_split, size_t last_line,
		    int no_final_newline, tally *t)
{
	size_t j = 0;
	t->gpsd += g->n;
	t->ours += o->n;
	for (size_t i = 0; i < g->n; i++) {
		json_t *a = g->r[i];
		/* Look ahead past records gpsd holds back, and at most 3 others. */
		size_t k = j, others = 0;
		while (k < o->n && !candidate(o->r[k], a, no_split)) {
			if (!(no_split && held_back(o->r[k])) && ++others > 3)
				break;
			k++;
		}
		if (k >= o->n || !candidate(o->r[k], a, no_split)) {
			fprintf(stderr, "%s: gpsd record %zu (type %lld, mmsi %lld) has no match\n", name,
				i, (long long)jint(a, "type"), (long long)jint(a, "mmsi"));
			continue;
		}
		for (; j < k; j++)
			extra(name, o->r[j], no_split, last_line, no_final_newline, t);
		json_t *b = o->r[k];
		j = k + 1;
		t->matched++;
		const char *key;
		json_t *v;
		json_object_foreach(a, key, v) {
			if (!strcmp(key, "class") || !strcmp(key, "device") || !strcmp(key, "scaled"))
				continue;
			t->fields++;
			json_t *w = json_object_get(b, key);
			if (same_value(v, w))
				continue;
			if (!strcmp(key, "status") && jint(a, "type") == 27 && json_is_string(v) &&
			    same_value(v, json_object_get(b, "status_text"))) {
				t->deliberate++;
				continue;
			}
			if (!strcmp(key, "turn") && json_is_integer(v) && json_is_integer(w) &&
			    json_integer_value(w) < 0 && -json_integer_value(w) == json_integer_value(v)) {
				t->deliberate++;
				continue;
			}
			t->differ++;
			char *vs = json_dumps(v, JSON_ENCODE_ANY);
			char *ws = w ? json_dumps(w, JSON_ENCODE_ANY) : NULL;
			fprintf(stderr, "%s: type %lld mmsi %lld field %s: gpsd %s, ours %s\n", name,
				(long long)jint(a, "type"), (long long)jint(a, "mmsi"), key, vs,
				ws ? ws : "(absent)");
			free(vs);
			free(ws);
		}
	}
	for (; j < o->n; j++)
		extra(name, o->r[j], no_split, last_line, no_final_newline, t);
}

static void decode_ours(const char *path, records *o)
{
	em_ais_decoder *d;
	CHECK(em_ais_decoder_new(&d, NULL) == 0);
	CHECK(em_ais_decode_file(d, path, collect, o) == 0);
	em_ais_decoder_free(d);
}

/* Runs `gpsdecode -s` on the file and compares its records with ours into *t; 0 when gpsdecode
 * did not run. */
static int compare_file(const char *path, const char *name, tally *t)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "gpsdecode -s < '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return 0;
	records g = {0}, o = {0};
	read_lines(p, &g);
	int st = pclose(p);
	if (st != 0 || g.n == 0) {
		fprintf(stderr, "gpsdecode failed on %s: is gpsd-clients installed "
				"(scripts/install-deps.sh)?\n", name);
		CHECK(0);
		records_free(&g);
		return 0;
	}
	decode_ours(path, &o);
	int nonl = 0;
	size_t lines = count_lines(path, &nonl);
	compare(name, &g, &o, 0, lines, nonl, t);
	records_free(&g);
	records_free(&o);
	return 1;
}

static void test_against_gpsdecode(void)
{
	tally t = {0};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s", shared_path("ais/samples"));
		size_t pl = strlen(path);
		snprintf(path + pl, sizeof path - pl, "/%s", samples[i]);
		if (!compare_file(path, samples[i], &t))
			return;
	}
	printf("gpsdecode -s on %zu sample files: gpsd %zu records, ours %zu, matched %zu; "
	       "%zu fields compared, %zu differ, %zu deliberate differences; %zu of ours from last "
	       "lines without a newline, %zu unexplained\n",
	       sizeof samples / sizeof samples[0], t.gpsd, t.ours, t.matched, t.fields, t.differ,
	       t.deliberate, t.extra_eof, t.unexplained);
	CHECK(t.gpsd > 3000);
	CHECK_EQ_INT(t.matched, t.gpsd);
	CHECK_EQ_INT(t.differ, 0);
	CHECK_EQ_INT(t.unexplained, 0);
}

static void test_against_reference_json(void)
{
	records g = {0}, o = {0};
	FILE *f = fopen(shared_path("ais/samples/gpsd_sample.gpsdecode.json"), "r");
	CHECK(f != NULL);
	if (!f)
		return;
	read_lines(f, &g);
	fclose(f);
	decode_ours(shared_path("ais/samples/gpsd_sample.aivdm"), &o);
	tally t = {0};
	compare("gpsd_sample.gpsdecode.json", &g, &o, 1, 0, 0, &t);
	printf("gpsd_sample.gpsdecode.json: gpsd %zu records of our types, matched %zu; %zu fields "
	       "compared, %zu differ; %zu type 24 parts that gpsd without -s holds back\n",
	       t.gpsd, t.matched, t.fields, t.differ, t.extra_24a);
	CHECK(t.gpsd >= 20);
	CHECK_EQ_INT(t.matched, t.gpsd);
	CHECK_EQ_INT(t.differ, 0);
	CHECK_EQ_INT(t.unexplained, 0);
	records_free(&g);
	records_free(&o);
}

static void test_scenario_against_gpsdecode(void)
{
	char path[] = "/tmp/test_ais_gpsd.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	/* The incidents and 20 background vessels: class A and B, types 1, 5, 18 and 24. */
	em_ais_scenario_options opts = EM_AIS_SCENARIO_OPTIONS_INIT;
	opts.background = 20;
	em_ais_scenario_stats st;
	CHECK(em_ais_scenario_write(&opts, path, NULL, &st) == 0);
	tally t = {0};
	if (compare_file(path, "scenario", &t)) {
		printf("gpsdecode -s on the synthetic scenario (%llu messages): gpsd %zu records, "
		       "ours %zu, matched %zu; %zu fields compared, %zu differ\n",
		       (unsigned long long)st.messages, t.gpsd, t.ours, t.matched, t.fields, t.differ);
		CHECK_EQ_INT(t.gpsd, st.messages);
		CHECK_EQ_INT(t.matched, t.gpsd);
		CHECK_EQ_INT(t.differ, 0);
		CHECK_EQ_INT(t.deliberate, 0);
		CHECK_EQ_INT(t.unexplained, 0);
	}
	unlink(path);
}

int main(void)
{
	RUN(test_against_gpsdecode);
	RUN(test_scenario_against_gpsdecode);
	RUN(test_against_reference_json);
	return TEST_REPORT();
}
