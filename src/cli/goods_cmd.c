/*
 * goods_cmd.c: `embargo goods screen`: screens order lines (CSV with a header, or JSON lines)
 * for high-priority goods, parts found in weapons, destinations and routes of concern, listed
 * parties and red flags, on several threads, and writes one record per line in input order as
 * text, JSON, JSON lines or CSV. A bad line gets a record of its own with the error (and a line
 * on stderr); the others are screened. Every screened line is recorded in the store's audit
 * trail (kind "goods", who "cli") before anything is written out. Exit status: 0 all lines screened, 1 some lines bad
 * (or a failure), 2 bad usage, 3 --fail-on reached.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "embargo/em_goods.h"


/* One order line as read, with its own copies of the strings. */
typedef struct goods_item {
	size_t line;
	char *fields[11];          /* line_id, hs_code, ... in the order of copy_line */
	char **route;
	size_t n_route;
	double quantity, unit_value;
	char *line_id;             /* for a bad line: its line_id when known */
	char *error;               /* why the line was not screened */
	char *output;              /* the rendered record */
	em_goods_risk risk;
	char *audit_line;          /* for the audit trail: the line and the result as JSON */
	char *audit_result;
	size_t n_flags;
} goods_item;

typedef struct goods_job {
	const em_goods *g;
	const char *input_name;
	cli_format format;
	goods_item *items;
	size_t n_items;
	atomic_size_t next;
} goods_job;

static void goods_usage(FILE *f)
{
	fprintf(f,
		"usage: embargo goods screen [options] ORDERS\n"
		"  ORDERS is a CSV file with a header row or a JSON lines file, or - for stdin. Columns or keys:\n"
		"  line_id, hs_code, description, manufacturer, part_number, quantity, unit_value, currency,\n"
		"  destination_country, consignee, end_user, intermediate_countries (separated by ; or |, or a\n"
		"  JSON list), payer_country, end_use; line_id and destination_country are required.\n"
		"options:\n"
		"  --list FILE          screen the parties against this list file (repeatable; default: the\n"
		"                       active lists in the store)\n"
		"  --store URL          the store to read active lists from and to record the screenings\n"
		"                       in (its audit trail, kind goods)\n"
		"  --no-parties         do not screen consignee and end user\n"
		"  --threshold X        party match threshold (default %.2f)\n"
		"  --components FILE    the weapon components file (default: $EMBARGO_COMPONENTS, else\n"
		"                       %s)\n"
		"  --no-components      do not match part numbers\n"
		"  --data DIR           read the goods tables from DIR instead of the built-in copies\n"
		"  --format F           text, json, jsonl or csv (default text)\n"
		"  -j N                 threads (default: all cores)\n"
		"  --fail-on LEVEL      exit with status 3 when a line's risk is LEVEL or above\n"
		"                       (low, medium, high, prohibited)\n"
		"Risk levels and flags are explained in docs/goods.md.\n",
		EM_SCREEN_DEFAULT_THRESHOLD, em_goods_components_default());
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- input -------------------------------------------------------------------------------- */

static char *read_all(FILE *in, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			char *p = realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, in);
		n += got;
		if (got == 0) {
			if (ferror(in))
				break;
			buf[n] = '\0';
			*len = n;
			return buf;
		}
	}
	free(buf);
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void copy_line(goods_item *it, const em_goods_line *l)
{
	const char *v[11] = {l->line_id,   l->hs_code,   l->description,   l->manufacturer,
			     l->part_number, l->currency, l->destination_country, l->consignee,
			     l->end_user,  l->payer_country, l->end_use};
	for (int i = 0; i < 11; i++)
		it->fields[i] = dup_or_null(v[i]);
	it->quantity = l->quantity;
	it->unit_value = l->unit_value;
	it->n_route = l->n_intermediate;
	it->route = l->n_intermediate ? calloc(l->n_intermediate, sizeof *it->route) : NULL;
	for (size_t i = 0; it->route && i < l->n_intermediate; i++)
		it->route[i] = strdup(l->intermediate_countries[i]);
}

static void item_line(const goods_item *it, em_goods_line *l)
{
	memset(l, 0, sizeof *l);
	l->line_id = it->fields[0];
	l->hs_code = it->fields[1];
	l->description = it->fields[2];
	l->manufacturer = it->fields[3];
	l->part_number = it->fields[4];
	l->currency = it->fields[5];
	l->destination_country = it->fields[6];
	l->consignee = it->fields[7];
	l->end_user = it->fields[8];
	l->payer_country = it->fields[9];
	l->end_use = it->fields[10];
	l->quantity = it->quantity;
	l->unit_value = it->unit_value;
	l->intermediate_countries = (const char *const *)it->route;
	l->n_intermediate = it->n_route;
}

static void item_free(goods_item *it)
{
	for (int i = 0; i < 11; i++)
		free(it->fields[i]);
	for (size_t i = 0; i < it->n_route; i++)
		free(it->route ? it->route[i] : NULL);
	free(it->route);
	free(it->line_id);
	free(it->error);
	free(it->output);
	free(it->audit_line);
	free(it->audit_result);
}

/* ---- rendering ------------------------------------------------------------------------------- */

static char *dumps(json_t *o)
{
	char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
}

/* The library's record (`lib`, em_goods_result_json) with the input line number after line_id. */
static char *render_json(const goods_item *it, const em_goods_result *r, const char *lib)
{
	json_t *o = json_object();
	if (!r) {
		json_object_set_new(o, "line_id", it->line_id ? json_string(it->line_id) : json_null());
		json_object_set_new(o, "line", json_integer((json_int_t)it->line));
		json_object_set_new(o, "risk", json_null());
		json_object_set_new(o, "error", json_string(it->error ? it->error : ""));
		return dumps(o);
	}
	json_t *src = lib ? json_loads(lib, 0, NULL) : NULL;
	if (!src) {
		json_decref(o);
		return NULL;
	}
	json_object_set(o, "line_id", json_object_get(src, "line_id"));
	json_object_set_new(o, "line", json_integer((json_int_t)it->line));
	const char *key;
	json_t *v;
	json_object_foreach(src, key, v)
	{
		if (strcmp(key, "line_id") != 0)
			json_object_set(o, key, v);
	}
	json_decref(src);
	return dumps(o);
}

static void render_source(FILE *f, const em_goods_source *s)
{
	fprintf(f, "\n      source: %s", s->name ? s->name : "");
	if (s->date)
		fprintf(f, ", %s", s->date);
	if (s->url)
		fprintf(f, ", %s", s->url);
}

static void render_text(FILE *f, const goods_item *it, const em_goods_result *r)
{
	if (!r) {
		fprintf(f, "%s  line %zu: ERROR %s", it->line_id ? it->line_id : "-", it->line, it->error ? it->error : "");
		return;
	}
	char upper[16];
	const char *risk = em_goods_risk_name(r->risk);
	size_t k = 0;
	for (; risk[k] && k + 1 < sizeof upper; k++)
		upper[k] = (char)(risk[k] >= 'a' && risk[k] <= 'z' ? risk[k] - 'a' + 'A' : risk[k]);
	upper[k] = '\0';
	fprintf(f, "%s  line %zu: %s  (%s)  destination %s", r->line_id, it->line, upper, r->risk_rule,
		r->destination_name);
	if (r->hs6)
		fprintf(f, ", HS %.4s.%.2s", r->hs6, r->hs6 + 4);
	for (size_t i = 0; i < r->n_flags; i++) {
		const em_goods_flag *fl = &r->flags[i];
		fprintf(f, "\n  %-20s %s", fl->code, fl->reason);
		for (size_t c = 0; c < fl->n_components && c < 3; c++) {
			const em_goods_component *cp = &fl->components[c];
			fprintf(f, "\n      %s %s (%s): %s, %s", cp->component_id, cp->part, cp->match,
				cp->weapon_name ? cp->weapon_name : (cp->n_weapons ? cp->weapons[0] : "?"),
				cp->source_url ? cp->source_url : "");
		}
		if (fl->components_total > 3)
			fprintf(f, "\n      ... %zu component records in all", fl->components_total);
		render_source(f, &fl->source);
	}
}

static void render_csv(FILE *f, const goods_item *it, const em_goods_result *r)
{
	fprintf(f, "%zu,", it->line);
	cli_csv_field(f, r ? r->line_id : it->line_id);
	fprintf(f, ",%s,", r ? em_goods_risk_name(r->risk) : "");
	cli_csv_field(f, r ? r->risk_rule : "");
	fputc(',', f);
	cli_csv_field(f, r && r->hs6 ? r->hs6 : "");
	fputc(',', f);
	cli_csv_field(f, r ? r->destination : "");
	/* flags, weapons, parties and reasons, each as one ;-separated field */
	char *cols[4] = {NULL, NULL, NULL, NULL};
	size_t lens[4] = {0, 0, 0, 0};
	FILE *m[4];
	for (int c = 0; c < 4; c++)
		m[c] = open_memstream(&cols[c], &lens[c]);
	for (size_t i = 0; r && i < r->n_flags; i++) {
		const em_goods_flag *fl = &r->flags[i];
		if (m[0])
			fprintf(m[0], "%s%s", i ? ";" : "", fl->code);
		for (size_t w = 0; m[1] && w < fl->n_weapons; w++)
			fprintf(m[1], "%s%s", ftell(m[1]) ? ";" : "", fl->weapons[w]);
		if (m[2] && fl->entity)
			fprintf(m[2], "%s%s:%s:%.4f", ftell(m[2]) ? ";" : "", fl->entity->source ? fl->entity->source : "",
				fl->entity->source_id ? fl->entity->source_id : "", fl->score);
		if (m[3])
			fprintf(m[3], "%s%s: %s", i ? " | " : "", fl->code, fl->reason);
	}
	for (int c = 0; c < 4; c++) {
		if (m[c])
			fclose(m[c]);
		fputc(',', f);
		cli_csv_field(f, cols[c] ? cols[c] : "");
		free(cols[c]);
	}
	fputc(',', f);
	cli_csv_field(f, it->error);
}

static char *render(const goods_job *job, const goods_item *it, const em_goods_result *r)
{
	if (job->format == CLI_FORMAT_JSON || job->format == CLI_FORMAT_JSONL)
		return render_json(it, r, it->audit_result);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (job->format == CLI_FORMAT_CSV)
		render_csv(f, it, r);
	else
		render_text(f, it, r);
	fclose(f);
	return buf;
}

/* ---- screening ------------------------------------------------------------------------------- */

static void screen_one(goods_job *job, goods_item *it)
{
	em_goods_result *r = NULL;
	if (!it->error) {
		em_goods_line l;
		item_line(it, &l);
		if (em_goods_screen(job->g, &l, &r) != 0) {
			char msg[1024];
			snprintf(msg, sizeof msg, "%s:%zu: %s", job->input_name, it->line, em_error_last()->message);
			it->error = strdup(msg);
			it->line_id = dup_or_null(it->fields[0]);
		}
	}
	it->risk = r ? r->risk : EM_GOODS_RISK_NONE;
	if (r) {
		em_goods_line l;
		item_line(it, &l);
		it->audit_line = em_goods_line_json(&l);
		it->audit_result = em_goods_result_json(r);
		it->n_flags = r->n_flags;
	}
	it->output = render(job, it, r);
	em_goods_result_free(r);
}

static void *worker(void *arg)
{
	goods_job *job = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);
		if (i >= job->n_items)
			break;
		screen_one(job, &job->items[i]);
	}
	return NULL;
}

static void run(goods_job *job, long threads)
{
	pthread_t tids[64];
	if (threads > 64)
		threads = 64;
	if ((size_t)threads > job->n_items)
		threads = (long)job->n_items;
	long started = 0;
	for (long i = 0; i < threads; i++)
		if (pthread_create(&tids[started], NULL, worker, job) == 0)
			started++;
	worker(job); /* this thread works too, and finishes what no thread could start on */
	for (long i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}

/* Reads every line of the orders; false when the file cannot be read at all. */
static bool read_orders(const char *name, const char *data, size_t len, goods_item **items, size_t *n)
{
	em_goods_reader *rd;
	if (em_goods_reader_new(&rd, name, data, len) != 0) {
		cli_report_error(NULL);
		return false;
	}
	size_t cap = 0;
	*items = NULL;
	*n = 0;
	for (;;) {
		em_goods_line l;
		size_t lineno;
		const char *line_id;
		int rc = em_goods_reader_next(rd, &l, &lineno, &line_id);
		if (rc == 0)
			break;
		if (rc < 0 && rc != EM_EPARSE) {
			cli_report_error(NULL);
			em_goods_reader_free(rd);
			return false;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			goods_item *p = realloc(*items, cap * sizeof *p);
			if (!p) {
				fprintf(stderr, "embargo goods: out of memory\n");
				em_goods_reader_free(rd);
				return false;
			}
			*items = p;
		}
		goods_item *it = &(*items)[(*n)++];
		memset(it, 0, sizeof *it);
		it->line = lineno;
		if (rc == 1) {
			copy_line(it, &l);
		} else {
			it->error = strdup(em_error_last()->message);
			it->line_id = dup_or_null(line_id);
		}
	}
	em_goods_reader_free(rd);
	return true;
}

/* Records the screened lines in the audit trail, AUDIT_CHUNK to a transaction; CLI_OK or
 * CLI_FAIL after a message. */
#define AUDIT_CHUNK 256
static int record_items(em_store *st, const em_goods *g, const cli_lists *ll, double threshold,
			const goods_item *items, size_t n)
{
	em_list_ref *refs = cli_lists_refs(ll);
	char *tables = em_goods_tables_json(g);
	em_screening *sc = calloc(AUDIT_CHUNK, sizeof *sc);
	em_screening **ptrs = calloc(AUDIT_CHUNK, sizeof *ptrs);
	int rc = refs && tables && sc && ptrs ? CLI_OK : CLI_FAIL;
	if (rc)
		fprintf(stderr, "embargo goods screen: out of memory recording the audit trail\n");
	for (size_t from = 0; rc == CLI_OK && from < n;) {
		size_t k = 0;
		for (; from < n && k < AUDIT_CHUNK; from++) {
			const goods_item *it = &items[from];
			if (it->error)
				continue; /* not screened: nothing to record */
			if (!it->audit_line || !it->audit_result) {
				fprintf(stderr, "embargo goods screen: out of memory recording the audit trail\n");
				rc = CLI_FAIL;
				break;
			}
			sc[k] = (em_screening)EM_SCREENING_INIT;
			sc[k].kind = "goods";
			sc[k].who = "cli";
			sc[k].channel = "cli";
			sc[k].query_json = it->audit_line;
			sc[k].results_json = it->audit_result;
			sc[k].n_findings = it->n_flags;
			sc[k].threshold = threshold;
			sc[k].lists = refs;
			sc[k].n_lists = ll->n;
			sc[k].tables_json = tables;
			ptrs[k] = &sc[k];
			k++;
		}
		if (rc == CLI_OK && k && em_audit_record(st, ptrs, k) != 0)
			rc = cli_report_error("recording the audit trail (nothing is written)");
	}
	free(refs);
	free(tables);
	free(sc);
	free(ptrs);
	return rc;
}

static void print_versions(const em_goods *g, FILE *out)
{
	const em_goods_version *v;
	size_t n;
	em_goods_get_versions(g, &v, &n);
	fprintf(out, "# versions:");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %s %s", i ? ";" : "", v[i].name, v[i].version);
	fputc('\n', out);
}

static int goods_screen(int argc, char **argv)
{
	cli_screen_opts so;
	cli_screen_opts_init(&so);
	const char *input = NULL, *data_dir = NULL, *components = NULL;
	bool no_parties = false, fail_on_set = false;
	em_goods_risk fail_on = EM_GOODS_RISK_PROHIBITED;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			goods_usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--no-parties")) {
			no_parties = true;
			continue;
		}
		if (!strcmp(a, "--no-components")) {
			components = "";
			continue;
		}
		int shared = cli_screen_option("embargo goods screen", argc, argv, &i, &so);
		if (shared < 0)
			return CLI_USAGE;
		if (shared)
			continue;
		if (a[0] == '-' && a[1] != '\0' && !v) {
			fprintf(stderr, "embargo goods screen: %s needs a value\n", a);
			return CLI_USAGE;
		}
		if (!strcmp(a, "--components")) {
			components = argv[++i];
		} else if (!strcmp(a, "--data")) {
			data_dir = argv[++i];
		} else if (!strcmp(a, "--fail-on")) {
			if (em_goods_risk_parse(argv[++i], &fail_on) != 0 || fail_on == EM_GOODS_RISK_NONE) {
				fprintf(stderr, "embargo goods screen: --fail-on takes low, medium, high or prohibited\n");
				return CLI_USAGE;
			}
			fail_on_set = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "embargo goods screen: unknown option %s\n", a);
			goods_usage(stderr);
			return CLI_USAGE;
		} else if (!input) {
			input = a;
		} else {
			fprintf(stderr, "embargo goods screen: one orders file at a time\n");
			return CLI_USAGE;
		}
	}
	if (!input) {
		goods_usage(stderr);
		return CLI_USAGE;
	}
	if (no_parties && so.n_files) {
		fprintf(stderr, "embargo goods screen: --no-parties and --list exclude each other\n");
		return CLI_USAGE;
	}
	cli_lists ll;
	memset(&ll, 0, sizeof ll);
	if (!no_parties && cli_lists_load(&ll, so.files, so.n_files, so.store_url) != 0)
		return CLI_FAIL;
	em_goods_options opts = EM_GOODS_OPTIONS_INIT;
	opts.data_dir = data_dir;
	opts.components_path = components;
	opts.lists = (const em_list *const *)ll.lists;
	opts.n_lists = ll.n;
	opts.threshold = so.threshold;
	em_goods *g;
	if (em_goods_new(&g, &opts) != 0) {
		cli_lists_free(&ll);
		return cli_report_error("loading the goods tables");
	}
	const char *name = strcmp(input, "-") ? input : "stdin";
	FILE *in = strcmp(input, "-") ? fopen(input, "rb") : stdin;
	size_t len = 0;
	char *data = in ? read_all(in, &len) : NULL;
	if (in && in != stdin)
		fclose(in);
	int rc = CLI_OK;
	goods_item *items = NULL;
	size_t n_items = 0;
	if (!data) {
		fprintf(stderr, "embargo goods screen: %s: %s\n", input, in ? "read error" : strerror(errno));
		rc = CLI_FAIL;
	} else if (!read_orders(name, data, len, &items, &n_items)) {
		rc = CLI_FAIL;
	}
	em_store *st = NULL;
	if (rc == CLI_OK && em_store_open(&st, so.store_url) != 0)
		rc = cli_report_error("opening the store for the audit trail");
	double t0 = now_s();
	if (rc == CLI_OK) {
		goods_job job = {g, name, so.format, items, n_items, 0};
		run(&job, so.threads - 1);
		rc = record_items(st, g, &ll, so.threshold, items, n_items);
	}
	if (rc == CLI_OK) {
		if (so.format == CLI_FORMAT_TEXT)
			print_versions(g, stdout);
		if (so.format == CLI_FORMAT_JSON)
			fputs("[\n", stdout);
		if (so.format == CLI_FORMAT_CSV)
			fputs("line,line_id,risk,risk_rule,hs6,destination,flags,weapons,parties,reasons,error\n", stdout);
		size_t by_risk[5] = {0}, errors = 0;
		bool failed = false;
		for (size_t i = 0; i < n_items; i++) {
			goods_item *it = &items[i];
			if (so.format == CLI_FORMAT_JSON && i)
				fputs(",\n", stdout);
			fputs(it->output ? it->output : "", stdout);
			if (so.format != CLI_FORMAT_JSON)
				fputc('\n', stdout);
			if (it->error) {
				errors++;
				fprintf(stderr, "embargo goods screen: %s\n", it->error);
			} else {
				by_risk[it->risk]++;
				failed |= fail_on_set && it->risk >= fail_on;
			}
		}
		if (so.format == CLI_FORMAT_JSON)
			fputs(n_items ? "\n]\n" : "]\n", stdout);
		double el = now_s() - t0;
		fprintf(stderr,
			"screened %zu lines in %.2f s (%.0f lines/s): prohibited %zu, high %zu, medium %zu, low %zu, none %zu; "
			"%zu bad lines\n",
			n_items - errors, el, el > 0 ? (double)n_items / el : 0.0, by_risk[4], by_risk[3], by_risk[2],
			by_risk[1], by_risk[0], errors);
		fprintf(stderr, "recorded in the audit trail of %s: %zu goods screenings\n", em_store_url(st),
			n_items - errors);
		rc = errors ? CLI_FAIL : failed ? 3 : CLI_OK;
	}
	fflush(stdout);
	em_store_free(st);
	for (size_t i = 0; i < n_items; i++)
		item_free(&items[i]);
	free(items);
	free(data);
	em_goods_free(g);
	cli_lists_free(&ll);
	return rc;
}

int cmd_goods(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "screen"))
		return goods_screen(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
		goods_usage(stdout);
		return CLI_OK;
	}
	fprintf(stderr, "embargo goods: expected a subcommand: screen\n");
	goods_usage(stderr);
	return CLI_USAGE;
}
