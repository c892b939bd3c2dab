/*
 * screen_cmd.c: `embargo screen`: one name from the command line, or a batch (one name a line,
 * or a CSV with a header) screened on several threads, written in input order as text, JSON,
 * JSON lines or CSV, with a progress bar on a terminal and a summary at the end. A bad input
 * line is reported in its own record and the rest are screened. Every screening is recorded
 * in the store's audit trail (who: "cli") before its record is written out, a chunk at a time,
 * and matches at or above the threshold open alerts there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "embargo/embargo.h"
#include "embargo/em_screen.h"
#include "embargo/em_audit.h"

#define MAX_IDS 8
#define AUDIT_CHUNK 256 /* screenings recorded in one transaction */

typedef enum { FMT_TEXT = CLI_FORMAT_TEXT, FMT_JSON = CLI_FORMAT_JSON, FMT_JSONL = CLI_FORMAT_JSONL, FMT_CSV = CLI_FORMAT_CSV } out_format;

typedef struct batch_item {
	size_t line;              /* 1-based input line */
	char *raw;                /* the input line */
	char *name, *type, *dob, *country;
	char *customer_ref;       /* the CSV column customer_ref, or --customer-ref */
	char *ids[MAX_IDS];
	size_t n_ids;
	json_t *extra;            /* carried CSV columns, or NULL */
	char *error;              /* why the line could not be screened, or NULL */
	char *output;             /* rendered record */
	size_t n_matches;
	em_result *result;        /* kept until the screening is recorded */
	atomic_int done;
} batch_item;

typedef struct screen_job {
	const em_screener *screener;
	em_screen_params params;
	out_format format;
	batch_item *items;
	size_t n_items;
	atomic_size_t next;
	atomic_size_t finished;
	char **extra_cols;        /* CSV input: the carried columns in header order, or NULL */
	int n_extra;
	em_store *audit;          /* the store recording the screenings */
	const em_list_ref *lists; /* the list versions screened against */
	size_t n_lists;
	size_t alerts_opened;     /* OUT */
	pthread_mutex_t mu;
	pthread_cond_t cv;
} screen_job;

static void screen_usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  embargo screen NAME [--type T] [--dob D] [--country C] [--id ID]... [options]\n"
		"  embargo screen --batch FILE|- [options]\n"
		"options:\n"
		"  --list FILE        screen against this list file (repeatable; default: the active lists in the store)\n"
		"  --store URL        the store to read active lists from (default: $EMBARGO_STORE or $EMBARGO_HOME)\n"
		"  --threshold X      minimum score of a match (default %.2f)\n"
		"  --limit N          at most N matches per query (default 10)\n"
		"  --format F         text, json, jsonl or csv (default text)\n"
		"  -j N               threads for a batch (default: all cores)\n"
		"  --fail-on-alert    exit with status 3 when any query has a match\n"
		"  --customer-ref R   the customer's reference (one name): kept for `embargo rescreen`\n"
		"batch input: one name a line, or a CSV whose header names the columns name, type, dob,\n"
		"country, id, customer_ref (other columns are carried through to the output).\n"
		"Every screening is recorded in the store's audit trail (--store) before it is written out;\n"
		"matches at or above the default threshold open alerts.\n",
		EM_SCREEN_DEFAULT_THRESHOLD);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- rendering ------------------------------------------------------------------------------- */

static json_t *record_json(const batch_item *it, const em_result *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "query", json_string(it->name ? it->name : (it->raw ? it->raw : "")));
	json_object_set_new(o, "line", json_integer((json_int_t)it->line));
	if (it->extra)
		json_object_set(o, "input", it->extra);
	char *text = em_result_matches_json(r);
	json_t *ms = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	json_object_set_new(o, "matches", ms ? ms : json_array());
	if (it->error)
		json_object_set_new(o, "error", json_string(it->error));
	return o;
}

static void csv_header_print(const screen_job *job, FILE *out)
{
	fputs("line,query,alert,matches,source,source_id,name,matched_name,score,all_matches,error", out);
	for (int k = 0; k < job->n_extra; k++) {
		fputc(',', out);
		cli_csv_field(out, job->extra_cols[k]);
	}
	fputc('\n', out);
}

static char *render(const screen_job *job, const batch_item *it, const em_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	switch (job->format) {
	case FMT_JSON:
	case FMT_JSONL: {
		json_t *o = record_json(it, r);
		char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
		if (s)
			fputs(s, f);
		free(s);
		json_decref(o);
		break;
	}
	case FMT_CSV: {
		fprintf(f, "%zu,", it->line);
		cli_csv_field(f, it->name ? it->name : it->raw);
		const em_match *b = r && r->n_matches ? &r->matches[0] : NULL;
		fprintf(f, ",%s,%zu,", b ? "yes" : "no", r ? r->n_matches : 0);
		cli_csv_field(f, b ? b->entity->source : "");
		fputc(',', f);
		cli_csv_field(f, b ? b->entity->source_id : "");
		fputc(',', f);
		cli_csv_field(f, b && b->entity->n_names ? b->entity->names[0].full : "");
		fputc(',', f);
		cli_csv_field(f, b ? b->matched_name : "");
		if (b)
			fprintf(f, ",%.4f,", b->score);
		else
			fputs(",,", f);
		char all[4096];
		size_t o = 0;
		all[0] = '\0';
		for (size_t i = 0; r && i < r->n_matches && o + 200 < sizeof all; i++)
			o += (size_t)snprintf(all + o, sizeof all - o, "%s%s:%s:%.4f", i ? ";" : "",
					      r->matches[i].entity->source, r->matches[i].entity->source_id,
					      r->matches[i].score);
		cli_csv_field(f, all);
		fputc(',', f);
		cli_csv_field(f, it->error);
		/* every carried column of the header, empty where the line could not be split */
		for (int k = 0; k < job->n_extra; k++) {
			json_t *v = it->extra ? json_object_get(it->extra, job->extra_cols[k]) : NULL;
			fputc(',', f);
			cli_csv_field(f, v ? json_string_value(v) : "");
		}
		break;
	}
	case FMT_TEXT:
	default:
		fprintf(f, "%s", it->name ? it->name : (it->raw ? it->raw : ""));
		if (it->error) {
			fprintf(f, "\n  error: %s", it->error);
		} else if (!r || r->n_matches == 0) {
			fprintf(f, "\n  no match");
		} else {
			for (size_t i = 0; i < r->n_matches; i++) {
				const em_match *m = &r->matches[i];
				const em_entity *e = m->entity;
				fprintf(f, "\n  %.3f  %s %s  %s (%s)", m->score, e->source, e->source_id,
					e->n_names ? e->names[0].full : "", em_entity_type_name(e->type));
				if (m->matched_name && e->n_names && strcmp(m->matched_name, e->names[0].full) != 0)
					fprintf(f, "\n         matched %s \"%s\"", em_name_kind_name(m->matched_kind), m->matched_name);
				if (e->n_programs) {
					fprintf(f, "\n         programs:");
					for (size_t k = 0; k < e->n_programs; k++)
						fprintf(f, " %s", e->programs[k]);
				}
				fprintf(f, "\n         tokens:");
				for (size_t k = 0; k < m->n_tokens; k++) {
					const em_token_match *t = &m->tokens[k];
					if (!strcmp(t->how, "unmatched"))
						fprintf(f, " [%s%s unmatched]", t->query_token[0] ? t->query_token : "",
							t->listed_token[0] ? t->listed_token : "");
					else
						fprintf(f, " [%s=%s %s %.2f]", t->query_token, t->listed_token, t->how, t->similarity);
				}
				for (size_t k = 0; k < m->n_adjustments; k++)
					fprintf(f, "\n         %s %+.2f: %s", m->adjustments[k].field, m->adjustments[k].effect,
						m->adjustments[k].reason);
			}
		}
		break;
	}
	fclose(f);
	return buf;
}

/* ---- screening ------------------------------------------------------------------------------- */

static void screen_item(screen_job *job, batch_item *it)
{
	em_result *r = NULL;
	if (!it->error && (!it->name || !*it->name))
		it->error = strdup("no name to screen");
	if (!it->error) {
		em_query q = {it->name, em_entity_type_parse(it->type), it->dob, it->country,
			      (const char *const *)it->ids, it->n_ids};
		if (it->type && *it->type && q.type == EM_ENTITY_UNKNOWN)
			it->error = strdup("field 'type': expected person, organization, vessel or aircraft");
		else if (em_screen(job->screener, &q, &job->params, &r) != 0)
			it->error = strdup(em_error_last()->message);
	}
	it->n_matches = r ? r->n_matches : 0;
	it->output = render(job, it, r);
	it->result = r; /* freed once recorded */
}

/* Records the screened items in the audit trail (one transaction) and frees their results. */
static int record_items(screen_job *job, batch_item *items, size_t n)
{
	em_screening *sc = calloc(n ? n : 1, sizeof *sc);
	em_screening **ptrs = calloc(n ? n : 1, sizeof *ptrs);
	em_query *qs = calloc(n ? n : 1, sizeof *qs);
	em_alert_ref **alerts = calloc(n ? n : 1, sizeof *alerts);
	int rc = !sc || !ptrs || !qs || !alerts ? EM_ENOMEM : 0;
	size_t k = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		batch_item *it = &items[i];
		if (it->error || !it->result)
			continue; /* not screened: nothing to record */
		qs[k] = (em_query){it->name, em_entity_type_parse(it->type), it->dob, it->country,
				   (const char *const *)it->ids, it->n_ids};
		sc[k] = (em_screening)EM_SCREENING_INIT;
		sc[k].who = "cli";
		sc[k].channel = "cli";
		sc[k].customer_ref = it->customer_ref;
		sc[k].query = &qs[k];
		sc[k].result = it->result;
		sc[k].threshold = job->params.threshold;
		sc[k].lists = job->lists;
		sc[k].n_lists = job->n_lists;
		if (!(alerts[k] = calloc(it->result->n_matches + 1, sizeof *alerts[k]))) {
			rc = EM_ENOMEM;
			break;
		}
		sc[k].alerts = alerts[k];
		ptrs[k] = &sc[k];
		k++;
	}
	if (!rc)
		rc = em_audit_record(job->audit, ptrs, k);
	for (size_t i = 0; i < k; i++)
		for (size_t m = 0; !rc && m < sc[i].result->n_matches; m++)
			job->alerts_opened += alerts[i][m].outcome == EM_OUTCOME_OPENED;
	for (size_t i = 0; alerts && i < n; i++)
		free(alerts[i]);
	for (size_t i = 0; i < n; i++) {
		em_result_free(items[i].result);
		items[i].result = NULL;
	}
	free(sc);
	free(ptrs);
	free(qs);
	free(alerts);
	if (rc == EM_ENOMEM)
		fprintf(stderr, "embargo screen: out of memory recording the audit trail\n");
	else if (rc)
		cli_report_error("recording the audit trail (nothing more is written)");
	return rc;
}

static void *worker(void *arg)
{
	screen_job *job = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);
		if (i >= job->n_items)
			break;
		screen_item(job, &job->items[i]);
		pthread_mutex_lock(&job->mu);
		atomic_store(&job->items[i].done, 1);
		atomic_fetch_add(&job->finished, 1);
		pthread_cond_broadcast(&job->cv);
		pthread_mutex_unlock(&job->mu);
	}
	return NULL;
}

/* ---- input ----------------------------------------------------------------------------------- */

/* Splits one CSV line (RFC 4180 quoting, no embedded newlines) into fields; returns the count or -1. */
static int split_csv(char *s, char **fields, int max)
{
	int n = 0;
	while (n < max) {
		char *out = s;
		fields[n++] = s;
		if (*s == '"') {
			s++;
			for (;;) {
				if (*s == '\0')
					return -1; /* unterminated quote */
				if (*s == '"') {
					if (s[1] == '"') {
						*out++ = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				*out++ = *s++;
			}
			if (*s != ',' && *s != '\0')
				return -1;
		} else {
			while (*s && *s != ',')
				*out++ = *s++;
		}
		char sep = *s;
		*out = '\0';
		if (sep == '\0')
			return n;
		s++;
	}
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

typedef struct csv_header {
	int is_csv;
	int ncols;
	char *buf;                /* the split header line the columns point into */
	char *cols[64];
	int name, type, dob, country, id, ref;
	char *extra[64];          /* the other columns, carried through to the output */
	int n_extra;
} csv_header;

static int col_index(const csv_header *h, const char *name)
{
	for (int i = 0; i < h->ncols; i++)
		if (!strcasecmp(h->cols[i], name))
			return i;
	return -1;
}

static int parse_header(char *line, csv_header *h)
{
	memset(h, 0, sizeof *h);
	char *copy = strdup(line);
	if (!copy)
		return -1;
	int n = split_csv(copy, h->cols, 64);
	if (n < 1) {
		free(copy);
		return 0;
	}
	h->buf = copy;
	h->ncols = n;
	for (int i = 0; i < n; i++)
		h->cols[i] = trim(h->cols[i]);
	h->name = col_index(h, "name");
	if (h->name < 0 || n < 2) {
		free(copy);
		memset(h, 0, sizeof *h);
		return 0;
	}
	h->is_csv = 1;
	h->type = col_index(h, "type");
	h->dob = col_index(h, "dob");
	h->country = col_index(h, "country");
	h->id = col_index(h, "id");
	h->ref = col_index(h, "customer_ref"); /* also carried through */
	for (int i = 0; i < n; i++)
		if (i != h->name && i != h->type && i != h->dob && i != h->country && i != h->id)
			h->extra[h->n_extra++] = h->cols[i];
	return 0;
}

/*
 * A copy of s with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD,
 * so that the record of a bad line can still show it in JSON, CSV or text.
 */
static char *utf8_lossy(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n * 3 + 1), *o = out;
	if (!out)
		return NULL;
	while (*s) {
		size_t len = 0;
		for (size_t k = 4; k >= 1 && !len; k--) {
			char seq[5] = {0};
			size_t m = strnlen(s, k);
			if (m < k)
				continue;
			memcpy(seq, s, k);
			if (em_utf8_valid_text(seq))
				len = k;
		}
		if (len) {
			memcpy(o, s, len);
			o += len;
			s += len;
		} else {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			s++;
		}
	}
	*o = '\0';
	return out;
}

static void fill_item(batch_item *it, const csv_header *h, char *line)
{
	line = trim(line);
	if (!em_utf8_valid_text(line)) {
		it->raw = utf8_lossy(line);
		it->error = strdup("not valid UTF-8");
		return;
	}
	it->raw = strdup(line);
	if (!h->is_csv) {
		it->name = strdup(it->raw);
		return;
	}
	char *copy = strdup(it->raw);
	char *f[64];
	int n = split_csv(copy, f, 64);
	if (n < 0) {
		it->error = strdup("malformed CSV (unterminated quote or too many fields)");
	} else if (n != h->ncols) {
		char msg[128];
		snprintf(msg, sizeof msg, "expected %d fields as in the header, found %d", h->ncols, n);
		it->error = strdup(msg);
	} else {
		it->name = strdup(trim(f[h->name]));
		if (h->type >= 0)
			it->type = strdup(trim(f[h->type]));
		if (h->dob >= 0)
			it->dob = strdup(trim(f[h->dob]));
		if (h->country >= 0)
			it->country = strdup(trim(f[h->country]));
		if (h->ref >= 0 && *trim(f[h->ref]))
			it->customer_ref = strdup(trim(f[h->ref]));
		if (h->id >= 0) {
			char *save = NULL;
			for (char *t = strtok_r(f[h->id], ";|", &save); t && it->n_ids < MAX_IDS; t = strtok_r(NULL, ";|", &save))
				if (*trim(t))
					it->ids[it->n_ids++] = strdup(trim(t));
		}
		it->extra = json_object();
		for (int i = 0; i < n; i++)
			if (i != h->name && i != h->type && i != h->dob && i != h->country && i != h->id)
				json_object_set_new(it->extra, h->cols[i], json_string(trim(f[i])));
		if (!json_object_size(it->extra)) {
			json_decref(it->extra);
			it->extra = NULL;
		}
	}
	free(copy);
}

static void free_item(batch_item *it)
{
	free(it->raw);
	free(it->name);
	free(it->type);
	free(it->dob);
	free(it->country);
	for (size_t i = 0; i < it->n_ids; i++)
		free(it->ids[i]);
	json_decref(it->extra);
	free(it->customer_ref);
	free(it->error);
	free(it->output);
	em_result_free(it->result);
}

/* ---- the command ----------------------------------------------------------------------------- */

static void progress(size_t done, size_t total, double t0)
{
	int width = 30;
	int fill = total ? (int)((double)done / (double)total * width) : width;
	double el = now_s() - t0;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.0f/s ", fill, "##############################", width - fill, "",
		done, total, el > 0 ? (double)done / el : 0.0);
}

static int run_batch(screen_job *job, int threads, FILE *out, bool show_progress)
{
	pthread_t tids[64];
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	if ((size_t)threads > job->n_items)
		threads = job->n_items ? (int)job->n_items : 1;
	double t0 = now_s(), last = 0;
	int started = 0;
	for (int i = 0; i < threads; i++)
		if (pthread_create(&tids[i], NULL, worker, job) == 0)
			started++;
	if (!started)
		worker(job);
	if (job->format == FMT_JSON)
		fputs("[\n", out);
	if (job->format == FMT_CSV)
		csv_header_print(job, out);
	/* Records are recorded in the audit trail a chunk at a time, then written in input order. */
	int rc = 0;
	for (size_t from = 0; from < job->n_items;) {
		size_t to = from + AUDIT_CHUNK < job->n_items ? from + AUDIT_CHUNK : job->n_items;
		for (size_t i = from; i < to; i++) {
			pthread_mutex_lock(&job->mu);
			while (!atomic_load(&job->items[i].done))
				pthread_cond_wait(&job->cv, &job->mu);
			pthread_mutex_unlock(&job->mu);
		}
		if (!rc)
			rc = record_items(job, job->items + from, to - from);
		for (size_t i = from; !rc && i < to; i++) {
			batch_item *it = &job->items[i];
			if (job->format == FMT_JSON && i)
				fputs(",\n", out);
			fputs(it->output ? it->output : "", out);
			if (job->format != FMT_JSON)
				fputc('\n', out);
		}
		for (size_t i = from; i < to; i++) {
			free(job->items[i].output);
			job->items[i].output = NULL;
			em_result_free(job->items[i].result);
			job->items[i].result = NULL;
		}
		from = to;
		if (!rc && show_progress && (now_s() - last > 0.2 || to == job->n_items)) {
			last = now_s();
			progress(to, job->n_items, t0);
		}
	}
	if (!rc && job->format == FMT_JSON)
		fputs("\n]\n", out);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (show_progress)
		fputc('\n', stderr);
	return rc;
}

int cmd_screen(int argc, char **argv)
{
	cli_screen_opts so;
	cli_screen_opts_init(&so);
	const char *name = NULL, *batch = NULL;
	batch_item single;
	memset(&single, 0, sizeof single);
	screen_job job;
	memset(&job, 0, sizeof job);
	job.params = (em_screen_params)EM_SCREEN_PARAMS_INIT;
	bool fail_on_alert = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			screen_usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--fail-on-alert")) {
			fail_on_alert = true;
			continue;
		}
		int shared = cli_screen_option("embargo screen", argc, argv, &i, &so);
		if (shared < 0)
			return CLI_USAGE;
		if (shared)
			continue;
		if (a[0] == '-' && a[1] != '\0' && !v) {
			fprintf(stderr, "embargo screen: %s needs a value\n", a);
			return CLI_USAGE;
		}
		if (!strcmp(a, "--customer-ref")) {
			single.customer_ref = argv[++i];
		} else if (!strcmp(a, "--batch")) {
			batch = argv[++i];
		} else if (!strcmp(a, "--limit")) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 1000) {
				fprintf(stderr, "embargo screen: --limit must be 1..1000\n");
				return CLI_USAGE;
			}
			job.params.limit = (size_t)n;
		} else if (!strcmp(a, "--type")) {
			single.type = argv[++i];
		} else if (!strcmp(a, "--dob")) {
			single.dob = argv[++i];
		} else if (!strcmp(a, "--country")) {
			single.country = argv[++i];
		} else if (!strcmp(a, "--id")) {
			if (single.n_ids < MAX_IDS)
				single.ids[single.n_ids++] = argv[++i];
			else
				i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "embargo screen: unknown option %s\n", a);
			screen_usage(stderr);
			return CLI_USAGE;
		} else if (!name) {
			name = a;
		} else {
			fprintf(stderr, "embargo screen: one name at a time (quote a name with spaces, or use --batch)\n");
			return CLI_USAGE;
		}
	}
	if ((!name) == (!batch)) {
		screen_usage(stderr);
		return CLI_USAGE;
	}
	/* What the command line got wrong is a usage error, found before any list is loaded. */
	if (name && !*name) {
		fprintf(stderr, "embargo screen: the name is empty\n");
		return CLI_USAGE;
	}
	if (single.type && em_entity_type_parse(single.type) == EM_ENTITY_UNKNOWN) {
		fprintf(stderr, "embargo screen: --type must be person, organization, vessel or aircraft\n");
		return CLI_USAGE;
	}
	job.params.threshold = so.threshold;
	job.format = (out_format)so.format;
	long threads = so.threads;
	cli_lists ll;
	if (cli_lists_load(&ll, so.files, so.n_files, so.store_url) != 0)
		return CLI_FAIL;
	em_screener *scr;
	if (em_screener_new(&scr, (const em_list *const *)ll.lists, ll.n) != 0) {
		cli_lists_free(&ll);
		return cli_report_error("building the index");
	}
	job.screener = scr;
	em_list_ref *refs = cli_lists_refs(&ll);
	if (!refs || em_store_open(&job.audit, so.store_url) != 0) {
		int r = refs ? cli_report_error("opening the store for the audit trail") : CLI_FAIL;
		free(refs);
		em_screener_free(scr);
		cli_lists_free(&ll);
		return r;
	}
	job.lists = refs;
	job.n_lists = ll.n;
	pthread_mutex_init(&job.mu, NULL);
	pthread_cond_init(&job.cv, NULL);
	int rc = CLI_OK;
	size_t alerts = 0, errors = 0;
	double t0 = now_s();
	if (name) {
		single.name = (char *)name;
		single.line = 1;
		if (!em_utf8_valid_text(name)) {
			fprintf(stderr, "embargo screen: the name is not valid UTF-8\n");
			rc = CLI_USAGE;
		} else {
			screen_item(&job, &single);
			if (record_items(&job, &single, 1)) {
				rc = CLI_FAIL;
			} else {
				if (job.format == FMT_CSV)
					csv_header_print(&job, stdout);
				if (job.format == FMT_JSON)
					printf("[\n%s\n]\n", single.output ? single.output : "");
				else
					printf("%s\n", single.output ? single.output : "");
			}
			alerts = single.n_matches > 0;
			if (single.error)
				rc = CLI_FAIL;
		}
		free(single.output);
		free(single.error);
		em_result_free(single.result);
	} else {
		FILE *in = strcmp(batch, "-") ? fopen(batch, "r") : stdin;
		if (!in) {
			fprintf(stderr, "embargo screen: %s: %s\n", batch, strerror(errno));
			rc = CLI_FAIL;
		} else {
			char *line = NULL;
			size_t cap = 0, n_items = 0, cap_items = 0, lineno = 0;
			ssize_t got;
			csv_header h;
			memset(&h, 0, sizeof h);
			batch_item *items = NULL;
			while ((got = getline(&line, &cap, in)) >= 0) {
				lineno++;
				if (lineno == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
					memmove(line, line + 3, strlen(line + 3) + 1); /* a byte order mark */
				if (lineno == 1)
					parse_header(line, &h);
				if (lineno == 1 && h.is_csv)
					continue;
				if (!*trim(line))
					continue; /* blank lines are not queries */
				if (n_items == cap_items) {
					cap_items = cap_items ? cap_items * 2 : 1024;
					batch_item *p = realloc(items, cap_items * sizeof *p);
					if (!p) {
						fprintf(stderr, "embargo screen: out of memory\n");
						rc = CLI_FAIL;
						break;
					}
					items = p;
				}
				batch_item *it = &items[n_items++];
				memset(it, 0, sizeof *it);
				it->line = lineno;
				fill_item(it, &h, line);
			}
			free(line);
			if (in != stdin)
				fclose(in);
			if (rc == CLI_OK) {
				job.items = items;
				job.n_items = n_items;
				job.extra_cols = h.extra;
				job.n_extra = h.n_extra;
				if (run_batch(&job, (int)threads, stdout, isatty(STDERR_FILENO) && n_items > 1))
					rc = CLI_FAIL;
				for (size_t i = 0; i < n_items; i++) {
					alerts += items[i].n_matches > 0;
					if (items[i].error) {
						errors++;
						fprintf(stderr, "embargo screen: %s:%zu: %s\n", batch, items[i].line, items[i].error);
					}
				}
				double el = now_s() - t0;
				fprintf(stderr, "screened %zu queries in %.2f s (%.0f/s, %ld threads): %zu with matches, %zu bad lines\n",
					n_items - errors, el, el > 0 ? (double)n_items / el : 0.0, threads, alerts, errors);
				fprintf(stderr, "recorded in the audit trail of %s: %zu alerts opened\n", em_store_url(job.audit),
					job.alerts_opened);
			}
			for (size_t i = 0; i < n_items; i++)
				free_item(&items[i]);
			free(items);
			free(h.buf);
		}
	}
	fflush(stdout);
	pthread_mutex_destroy(&job.mu);
	pthread_cond_destroy(&job.cv);
	em_screener_free(scr);
	cli_lists_free(&ll);
	em_store_free(job.audit);
	free(refs);
	if (rc == CLI_OK && fail_on_alert && alerts)
		rc = 3;
	return rc;
}
