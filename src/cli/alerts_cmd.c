/*
 * alerts_cmd.c: `embargo alerts`: the alert queue from the command line (the web page and
 * GET /v1/alerts show the same), and `embargo alerts decide` to record an analyst's decision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "embargo/em_audit.h"

static void alerts_usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  embargo alerts [--status open|true_match|false_positive|all] [--customer REF] [--limit N] [--json]\n"
		"                                  the alerts, newest first (default: the open ones)\n"
		"  embargo alerts decide ID true_match|false_positive [--reason TEXT] [--by NAME]\n"
		"                                  record a decision (a false positive needs a reason)\n"
		"options: --store URL (default: $EMBARGO_STORE or $EMBARGO_HOME)\n");
}

static json_t *alert_json(const em_alert *a)
{
	return json_pack("{s:I,s:I,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:f,s:s,s:o,s:o,s:o}", "id", (json_int_t)a->id,
			 "screening_id", (json_int_t)a->screening_id, "opened_at", a->opened_at, "customer_ref",
			 a->customer_ref ? json_string(a->customer_ref) : json_null(), "query_name", a->query_name,
			 "source", a->source, "source_id", a->source_id, "entity_name", a->entity_name, "entity_hash",
			 a->entity_hash, "list_version_id",
			 a->list_version_id ? json_integer(a->list_version_id) : json_null(), "score", a->score,
			 "status", em_alert_status_name(a->status), "decided_at",
			 a->decided_at ? json_string(a->decided_at) : json_null(), "decided_by",
			 a->decided_by ? json_string(a->decided_by) : json_null(), "reason",
			 a->reason ? json_string(a->reason) : json_null());
}

static int alerts_list(em_store *st, const em_alert_filter *f, int json)
{
	em_alert_set set;
	if (em_alerts_list(st, f, &set))
		return cli_report_error("listing alerts");
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < set.count; i++)
			json_array_append_new(a, alert_json(&set.items[i]));
		char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		if (s)
			puts(s);
		free(s);
		json_decref(a);
	}
	for (size_t i = 0; !json && i < set.count; i++) {
		const em_alert *a = &set.items[i];
		printf("%6lld  %-14s %.3f  %s%s%s \"%s\" ~ %s %s \"%s\"", (long long)a->id, em_alert_status_name(a->status),
		       a->score, a->customer_ref ? "customer " : "", a->customer_ref ? a->customer_ref : "",
		       a->customer_ref ? ":" : "", a->query_name, a->source, a->source_id, a->entity_name);
		if (a->decided_by)
			printf("  (%s %s%s%s)", a->decided_by, a->decided_at, a->reason ? ": " : "", a->reason ? a->reason : "");
		putchar('\n');
	}
	if (!json && set.count == 0)
		printf("no alerts\n");
	em_alert_set_free(&set);
	return CLI_OK;
}

int cmd_alerts(int argc, char **argv)
{
	const char *store_url = NULL, *status = "open", *customer = NULL, *reason = NULL, *by = NULL;
	const char *pos[3] = {NULL, NULL, NULL};
	int npos = 0, json = 0;
	long limit = 100;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			alerts_usage(stdout);
			return CLI_OK;
		}
		if (!strcmp(a, "--json")) {
			json = 1;
			continue;
		}
		const char **slot = !strcmp(a, "--store")      ? &store_url
				    : !strcmp(a, "--status")   ? &status
				    : !strcmp(a, "--customer") ? &customer
				    : !strcmp(a, "--reason")   ? &reason
				    : !strcmp(a, "--by")       ? &by
							       : NULL;
		if (slot || !strcmp(a, "--limit")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "embargo alerts: %s needs a value\n", a);
				return CLI_USAGE;
			}
			if (slot) {
				*slot = argv[++i];
			} else {
				char *end;
				limit = strtol(argv[++i], &end, 10);
				if (*end || limit < 1 || limit > 100000) {
					fprintf(stderr, "embargo alerts: --limit must be 1..100000\n");
					return CLI_USAGE;
				}
			}
		} else if (a[0] == '-' || npos == 3) {
			fprintf(stderr, "embargo alerts: unexpected argument '%s'\n", a);
			alerts_usage(stderr);
			return CLI_USAGE;
		} else {
			pos[npos++] = a;
		}
	}
	int deciding = npos > 0 && !strcmp(pos[0], "decide");
	if ((npos && !deciding) || (deciding && npos != 3)) {
		alerts_usage(stderr);
		return CLI_USAGE;
	}
	em_alert_filter f = EM_ALERT_FILTER_INIT;
	int decision = -1;
	long id = 0;
	if (deciding) {
		char *end;
		id = strtol(pos[1], &end, 10);
		decision = em_alert_status_parse(pos[2]);
		if (*end || id < 1 || (decision != EM_STATUS_TRUE_MATCH && decision != EM_STATUS_FALSE_POSITIVE)) {
			fprintf(stderr, "embargo alerts decide: expected an alert id and true_match or false_positive\n");
			return CLI_USAGE;
		}
	} else {
		f.status = strcmp(status, "all") ? em_alert_status_parse(status) : -1;
		if (f.status < 0 && strcmp(status, "all")) {
			fprintf(stderr, "embargo alerts: --status must be open, true_match, false_positive or all\n");
			return CLI_USAGE;
		}
		f.customer_ref = customer;
		f.limit = (size_t)limit;
	}
	em_store *st;
	if (em_store_open(&st, store_url))
		return cli_report_error("opening the store");
	int rc = CLI_OK;
	if (!deciding) {
		rc = alerts_list(st, &f, json);
	} else {
		char who[128];
		const char *user = getenv("USER");
		snprintf(who, sizeof who, "%s%s", by ? "" : "cli:", by ? by : (user && *user ? user : "unknown"));
		if (em_alert_decide(st, id, (em_alert_status)decision, reason, who)) {
			int code = em_error_last()->code;
			rc = cli_report_error("deciding the alert");
			if (code == EM_EINVAL)
				rc = CLI_USAGE;
		} else {
			fprintf(stderr, "alert %ld decided: %s by %s\n", id, pos[2], who);
		}
	}
	em_store_free(st);
	return rc;
}
