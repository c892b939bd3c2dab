/*
 * audit_cmd.c: `embargo audit export`: the audit trail of a date range as CSV or JSON lines,
 * oldest first, for the regulator or a spreadsheet. Each record says who screened, when, on
 * which node, the query, the list versions and the matches; goods screenings (kind "goods")
 * the order line, the party lists and goods tables, and the risk and flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "embargo/em_audit.h"

static void audit_usage(FILE *f)
{
	fprintf(f,
		"usage: embargo audit export [--from DATE] [--to DATE] [--format csv|jsonl] [--store URL]\n"
		"The screenings recorded from --from to --to (both included; a date 2024-05-03 or a UTC\n"
		"time 2024-05-03T14:05:09Z), oldest first, on stdout. JSON lines (the default) carry the\n"
		"query, list versions and matches as JSON; CSV has one row a screening with the best match\n"
		"and the whole results as a JSON column. kind is party or goods: a goods screening's query\n"
		"is the order line, its lists are the party lists then the goods tables, its results the\n"
		"risk, rule and flags (the CSV's query_name is the line_id and risk its risk).\n");
}

typedef struct export_ctx {
	int csv;
	size_t n;
} export_ctx;

static void csv_field(const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int export_row(void *p, const em_audit_entry *e)
{
	export_ctx *c = p;
	c->n++;
	json_t *q = json_loads(e->query_json, 0, NULL), *lists = json_loads(e->lists_json, 0, NULL),
	       *res = json_loads(e->results_json, 0, NULL);
	const char *kind = e->kind ? e->kind : "party";
	int goods = !strcmp(kind, "goods");
	if (c->csv) {
		json_t *best = json_array_get(res, 0); /* a goods result is an object: no best match */
		printf("%lld,", (long long)e->id);
		csv_field(e->screened_at);
		putchar(',');
		csv_field(e->who);
		putchar(',');
		csv_field(e->channel);
		putchar(',');
		csv_field(e->node);
		putchar(',');
		csv_field(e->customer_ref);
		putchar(',');
		csv_field(json_string_value(json_object_get(q, goods ? "line_id" : "name")));
		putchar(',');
		csv_field(e->query_json);
		putchar(',');
		csv_field(e->lists_json);
		printf(",%g,%zu,", e->threshold, e->match_count);
		csv_field(json_string_value(json_object_get(best, "source")));
		putchar(',');
		csv_field(json_string_value(json_object_get(best, "source_id")));
		putchar(',');
		csv_field(json_string_value(json_object_get(best, "name")));
		if (best)
			printf(",%g,", json_number_value(json_object_get(best, "score")));
		else
			fputs(",,", stdout);
		csv_field(e->results_json);
		putchar(',');
		csv_field(kind);
		putchar(',');
		csv_field(goods ? json_string_value(json_object_get(res, "risk")) : NULL);
		putchar('\n');
	} else {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:O,s:O,s:f,s:I,s:O}", "id", (json_int_t)e->id,
				      "screened_at", e->screened_at, "kind", kind, "who", e->who, "channel", e->channel, "node",
				      e->node, "customer_ref", e->customer_ref ? json_string(e->customer_ref) : json_null(),
				      "query", q ? q : json_null(), "lists", lists ? lists : json_null(), "threshold",
				      e->threshold, "match_count", (json_int_t)e->match_count, "results",
				      res ? res : json_null());
		char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
		if (s)
			puts(s);
		free(s);
		json_decref(o);
	}
	json_decref(q);
	json_decref(lists);
	json_decref(res);
	return ferror(stdout) ? -1 : 0;
}

int cmd_audit(int argc, char **argv)
{
	const char *from = NULL, *to = NULL, *format = "jsonl", *store_url = NULL;
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		audit_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "export") != 0) {
		fprintf(stderr, "embargo audit: unknown subcommand '%s'\n", argv[1]);
		audit_usage(stderr);
		return CLI_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--from")     ? &from
				    : !strcmp(a, "--to")     ? &to
				    : !strcmp(a, "--format") ? &format
				    : !strcmp(a, "--store")  ? &store_url
							     : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			audit_usage(stdout);
			return CLI_OK;
		}
		if (!slot) {
			fprintf(stderr, "embargo audit export: unknown argument '%s'\n", a);
			return CLI_USAGE;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "embargo audit export: %s needs a value\n", a);
			return CLI_USAGE;
		}
		*slot = argv[++i];
	}
	export_ctx c = {0, 0};
	if (!strcmp(format, "csv"))
		c.csv = 1;
	else if (strcmp(format, "jsonl") != 0) {
		fprintf(stderr, "embargo audit export: --format must be csv or jsonl\n");
		return CLI_USAGE;
	}
	em_store *st;
	if (em_store_open(&st, store_url))
		return cli_report_error("opening the store");
	if (c.csv)
		puts("id,screened_at,who,channel,node,customer_ref,query_name,query,lists,threshold,match_count,"
		     "best_source,best_source_id,best_name,best_score,results,kind,risk");
	int rc = em_audit_scan(st, from, to, export_row, &c);
	int status = CLI_OK;
	if (rc == EM_EINVAL) {
		fprintf(stderr, "embargo audit export: %s\n", em_error_last()->message);
		status = CLI_USAGE;
	} else if (rc) {
		status = rc == -1 ? (perror("embargo audit export: writing"), CLI_FAIL) : cli_report_error("reading the audit trail");
	} else {
		fprintf(stderr, "exported %zu screenings\n", c.n);
	}
	em_store_free(st);
	return status;
}
