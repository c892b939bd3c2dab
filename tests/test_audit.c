/*
 * Unit tests of the audit trail, alerts, decisions, customers and API keys in the store, run
 * on every backend (tests/support/store_fixture.h): screenings of a small built list are recorded and the alert policy is
 * checked case by case (new, pending, suppressed, confirmed, a changed listed entry, a
 * re-screening that alerts only on new or changed matches); decisions, the append-only
 * triggers, the export's date bounds, customer paging and key hashing, verification and
 * revocation; two connections recording at once (all kept, one alert per customer and
 * entity). Each case works on an empty store.
 */
#include "test.h"

#include <pthread.h>
#include <time.h>

#include "embargo/em_audit.h"
#include "embargo/em_keys.h"
#include "embargo/em_work.h"
#include "model/model.h"
#include "store_fixture.h"

static em_store *open_fresh(void)
{
	em_store *s = NULL;
	CHECK_EQ_INT(em_store_open(&s, store_fixture_fresh("test_audit")), 0);
	return s;
}

static void close_fresh(em_store *s)
{
	em_store_free(s);
	store_fixture_cleanup();
}

/* A list of two persons and a crowd; `remark` changes entity 1's entry, `extra` adds a
 * second KARIMI (entity 3) so that a query meets one more listed party. */
static em_list *make_list(const char *remark, int extra)
{
	em_list *l;
	if (em_list_new(&l, "test", "built"))
		return NULL;
	static const char *const names[] = {"KARIMI, Reza Ahmad", "SOLLERS FINANCE LLC", "SMITH, John",
					    "JONES, Mary", "MILLER, Ahmad", "BROWN, Anna", "WILSON, Ali"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char id[8];
		snprintf(id, sizeof id, "%zu", i + 1);
		em_entity *e = em_list_add(l);
		em_entity_set_id(l, e, id);
		e->type = i == 1 ? EM_ENTITY_ORGANIZATION : EM_ENTITY_PERSON;
		em_entity_add_name(l, e, EM_NAME_PRIMARY, names[i], NULL, NULL, NULL);
		em_entity_add_string(l, e, EM_FIELD_PROGRAM, "SDGT");
		if (i == 0 && remark)
			em_entity_set_remarks(l, e, remark);
	}
	if (extra) {
		em_entity *e = em_list_add(l);
		em_entity_set_id(l, e, "99");
		e->type = EM_ENTITY_PERSON;
		em_entity_add_name(l, e, EM_NAME_PRIMARY, "KARIMI, Reza Ahmed", NULL, NULL, NULL);
	}
	if (em_list_finish(l)) {
		em_list_free(l);
		return NULL;
	}
	return l;
}

/* One screening of `name` against `list`, recorded; outcomes into out[] (up to 4 matches). */
typedef struct recorded {
	int rc;
	int64_t id;
	size_t n_matches;
	em_alert_ref alerts[4];
} recorded;

static recorded screen_and_record(em_store *s, const em_list *list, const char *name, const char *ref,
				  int only_changed)
{
	recorded out;
	memset(&out, 0, sizeof out);
	em_screener *scr = NULL;
	em_result *res = NULL;
	em_query q = {name, EM_ENTITY_UNKNOWN, "1965", NULL, NULL, 0};
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.limit = 4;
	if ((out.rc = em_screener_new(&scr, &list, 1)) || (out.rc = em_screen(scr, &q, &p, &res)))
		goto done;
	em_list_ref lr = {"test", 7, "abc"};
	em_screening sc = EM_SCREENING_INIT;
	sc.who = "tester";
	sc.channel = "api";
	sc.node = "node-a";
	sc.customer_ref = ref;
	sc.query = &q;
	sc.result = res;
	sc.only_changed = only_changed;
	sc.lists = &lr;
	sc.n_lists = 1;
	sc.alerts = out.alerts;
	em_screening *items[] = {&sc};
	out.rc = em_audit_record(s, items, 1);
	out.id = sc.id;
	out.n_matches = res->n_matches;
done:
	em_result_free(res);
	em_screener_free(scr);
	return out;
}

static void keys(void)
{
	em_store *s = open_fresh();
	char *k1 = NULL, *k2 = NULL, *k3 = NULL;
	CHECK_EQ_INT(em_keys_add(s, "alice", EM_ROLE_ANALYST, &k1), 0);
	CHECK_EQ_INT(em_keys_add(s, "bob", EM_ROLE_SCREEN, &k2), 0);
	CHECK(k1 && strncmp(k1, "emk_", 4) == 0 && strlen(k1) == 4 + 12 + 1 + 48);
	CHECK(k1 && k2 && strcmp(k1, k2) != 0);
	CHECK_EQ_INT(em_keys_add(s, "alice", EM_ROLE_ADMIN, &k3), EM_EREFUSED);
	CHECK_EQ_INT(em_keys_add(s, "has space", EM_ROLE_ADMIN, &k3), EM_EINVAL);
	CHECK_EQ_INT(em_keys_add(s, "carol", EM_ROLE_NONE, &k3), EM_EINVAL);
	CHECK(k3 == NULL);

	em_key_set set;
	CHECK_EQ_INT(em_keys_list(s, &set), 0);
	CHECK_EQ_INT(set.count, 2);
	CHECK_EQ_INT(em_keys_valid_count(&set), 2);
	if (set.count == 2 && k1 && k2) {
		CHECK_EQ_STR(set.items[0].name, "alice");
		CHECK_EQ_INT(set.items[0].role, EM_ROLE_ANALYST);
		/* only the hash is stored, never the key */
		CHECK(strstr(k1, set.items[0].hash) == NULL && strlen(set.items[0].hash) == 64);
		CHECK(strncmp(k1 + 4, set.items[0].key_id, 12) == 0);
		const em_api_key *v = em_keys_verify(&set, k1);
		CHECK(v && !strcmp(v->name, "alice"));
		v = em_keys_verify(&set, k2);
		CHECK(v && !strcmp(v->name, "bob") && v->role == EM_ROLE_SCREEN);
		/* one changed character of the secret, of the id, a cut key, junk */
		char bad[128];
		snprintf(bad, sizeof bad, "%s", k1);
		bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
		CHECK(em_keys_verify(&set, bad) == NULL);
		snprintf(bad, sizeof bad, "%s", k1);
		bad[5] = bad[5] == '0' ? '1' : '0';
		CHECK(em_keys_verify(&set, bad) == NULL);
		snprintf(bad, sizeof bad, "%.20s", k1);
		CHECK(em_keys_verify(&set, bad) == NULL);
		CHECK(em_keys_verify(&set, "") == NULL);
		CHECK(em_keys_verify(&set, "emk_") == NULL);
	}
	em_key_set_free(&set);

	CHECK_EQ_INT(em_keys_revoke(s, "alice"), 0);
	CHECK_EQ_INT(em_keys_revoke(s, "alice"), EM_ENOTFOUND);
	CHECK_EQ_INT(em_keys_revoke(s, "nobody"), EM_ENOTFOUND);
	CHECK_EQ_INT(em_keys_list(s, &set), 0);
	CHECK_EQ_INT(set.count, 2);
	CHECK_EQ_INT(em_keys_valid_count(&set), 1);
	CHECK(k1 && em_keys_verify(&set, k1) == NULL);
	CHECK(set.count && set.items[0].revoked_at != NULL);
	em_key_set_free(&set);
	/* the name is free again; revoking by public id works too */
	CHECK_EQ_INT(em_keys_add(s, "alice", EM_ROLE_ADMIN, &k3), 0);
	char id[13] = "";
	if (k2)
		snprintf(id, sizeof id, "%.12s", k2 + 4);
	CHECK_EQ_INT(em_keys_revoke(s, id), 0);
	CHECK_EQ_INT(em_keys_list(s, &set), 0);
	CHECK_EQ_INT(em_keys_valid_count(&set), 1);
	CHECK(k3 && em_keys_verify(&set, k3) && em_keys_verify(&set, k3)->role == EM_ROLE_ADMIN);
	em_key_set_free(&set);
	CHECK_EQ_INT(em_role_parse("analyst"), EM_ROLE_ANALYST);
	CHECK_EQ_INT(em_role_parse("root"), EM_ROLE_NONE);
	free(k1);
	free(k2);
	free(k3);
	close_fresh(s);
}

/* Status of one alert, or -1. */
static int alert_status(em_store *s, int64_t id)
{
	em_alert_filter f = EM_ALERT_FILTER_INIT;
	f.id = id;
	em_alert_set set;
	if (em_alerts_list(s, &f, &set))
		return -1;
	int st = set.count == 1 ? (int)set.items[0].status : -1;
	em_alert_set_free(&set);
	return st;
}

static void alerts_without_customer(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	recorded a = screen_and_record(s, l, "Reza Ahmad Karimi", NULL, 0);
	recorded b = screen_and_record(s, l, "Reza Ahmad Karimi", NULL, 0);
	CHECK_EQ_INT(a.rc, 0);
	CHECK_EQ_INT(b.rc, 0);
	CHECK(a.n_matches >= 1 && b.id > a.id);
	CHECK_EQ_INT(a.alerts[0].outcome, EM_OUTCOME_OPENED);
	CHECK_EQ_INT(b.alerts[0].outcome, EM_OUTCOME_OPENED);
	CHECK(a.alerts[0].alert_id > 0 && b.alerts[0].alert_id > a.alerts[0].alert_id);
	/* no match, no alert */
	recorded c = screen_and_record(s, l, "Zebulon Quartermaine", NULL, 0);
	CHECK_EQ_INT(c.rc, 0);
	CHECK_EQ_INT(c.n_matches, 0);

	em_alert_filter f = EM_ALERT_FILTER_INIT;
	f.status = EM_STATUS_OPEN;
	em_alert_set set;
	CHECK_EQ_INT(em_alerts_list(s, &f, &set), 0);
	CHECK_EQ_INT(set.count, 2);
	if (set.count == 2) {
		const em_alert *x = &set.items[0]; /* newest first */
		CHECK_EQ_INT(x->id, b.alerts[0].alert_id);
		CHECK_EQ_INT(x->screening_id, b.id);
		CHECK_EQ_STR(x->source, "test");
		CHECK_EQ_STR(x->source_id, "1");
		CHECK_EQ_STR(x->entity_name, "KARIMI, Reza Ahmad");
		CHECK_EQ_STR(x->query_name, "Reza Ahmad Karimi");
		CHECK_EQ_INT(x->list_version_id, 7);
		CHECK_EQ_INT(strlen(x->entity_hash), 64);
		CHECK(x->customer_ref == NULL && x->decided_at == NULL && x->score >= 0.84);
	}
	em_alert_set_free(&set);
	f.limit = 1;
	f.before_id = b.alerts[0].alert_id;
	CHECK_EQ_INT(em_alerts_list(s, &f, &set), 0);
	CHECK(set.count == 1 && set.items[0].id == a.alerts[0].alert_id);
	em_alert_set_free(&set);
	size_t counts[3];
	CHECK_EQ_INT(em_alerts_count(s, counts), 0);
	CHECK_EQ_INT(counts[EM_STATUS_OPEN], 2);
	CHECK_EQ_INT(counts[EM_STATUS_FALSE_POSITIVE], 0);
	em_list_free(l);
	close_fresh(s);
}

static void customer_policy(void)
{
	em_store *s = open_fresh();
	em_list *l1 = make_list(NULL, 0), *l2 = make_list("now also known as R. KARIMI", 0);
	recorded a = screen_and_record(s, l1, "Reza Ahmad Karimi", "C-1", 0);
	CHECK_EQ_INT(a.alerts[0].outcome, EM_OUTCOME_OPENED);
	int64_t first = a.alerts[0].alert_id;
	/* the same customer again: the open alert absorbs it */
	recorded b = screen_and_record(s, l1, "Reza Ahmad Karimi", "C-1", 0);
	CHECK_EQ_INT(b.alerts[0].outcome, EM_OUTCOME_PENDING);
	CHECK_EQ_INT(b.alerts[0].alert_id, first);
	/* another customer with the same name has an alert of its own */
	recorded o = screen_and_record(s, l1, "Reza Ahmad Karimi", "C-2", 0);
	CHECK_EQ_INT(o.alerts[0].outcome, EM_OUTCOME_OPENED);

	/* decisions: a false positive needs a reason, unknown ids, one decision only */
	CHECK_EQ_INT(em_alert_decide(s, first, EM_STATUS_FALSE_POSITIVE, "  ", "ana"), EM_EINVAL);
	CHECK_EQ_INT(em_alert_decide(s, first, EM_STATUS_OPEN, "x", "ana"), EM_EINVAL);
	CHECK_EQ_INT(em_alert_decide(s, 999999, EM_STATUS_TRUE_MATCH, NULL, "ana"), EM_ENOTFOUND);
	CHECK_EQ_INT(em_alert_decide(s, first, EM_STATUS_FALSE_POSITIVE, "born 1980, other person", "ana"), 0);
	CHECK_EQ_INT(em_alert_decide(s, first, EM_STATUS_TRUE_MATCH, NULL, "ana"), EM_EREFUSED);
	CHECK_EQ_INT(alert_status(s, first), EM_STATUS_FALSE_POSITIVE);

	/* decided false positive, same entry: suppressed; the entry changes: a new alert */
	recorded c = screen_and_record(s, l1, "Reza Ahmad Karimi", "C-1", 0);
	CHECK_EQ_INT(c.alerts[0].outcome, EM_OUTCOME_SUPPRESSED);
	CHECK_EQ_INT(c.alerts[0].alert_id, first);
	recorded d = screen_and_record(s, l2, "Reza Ahmad Karimi", "C-1", 0);
	CHECK_EQ_INT(d.alerts[0].outcome, EM_OUTCOME_OPENED);
	CHECK(d.alerts[0].alert_id > first);
	/* a decided true match is not raised again for the same entry */
	CHECK_EQ_INT(em_alert_decide(s, d.alerts[0].alert_id, EM_STATUS_TRUE_MATCH, NULL, "ana"), 0);
	recorded e = screen_and_record(s, l2, "Reza Ahmad Karimi", "C-1", 0);
	CHECK_EQ_INT(e.alerts[0].outcome, EM_OUTCOME_CONFIRMED);
	CHECK_EQ_INT(e.alerts[0].alert_id, d.alerts[0].alert_id);

	em_alert_set set;
	em_alert_filter f = EM_ALERT_FILTER_INIT;
	f.id = first;
	CHECK_EQ_INT(em_alerts_list(s, &f, &set), 0);
	if (set.count == 1) {
		CHECK_EQ_STR(set.items[0].decided_by, "ana");
		CHECK_EQ_STR(set.items[0].reason, "born 1980, other person");
		CHECK_EQ_STR(set.items[0].customer_ref, "C-1");
		CHECK(set.items[0].decided_at != NULL);
	}
	em_alert_set_free(&set);
	f = (em_alert_filter)EM_ALERT_FILTER_INIT;
	f.customer_ref = "C-1";
	CHECK_EQ_INT(em_alerts_list(s, &f, &set), 0);
	CHECK_EQ_INT(set.count, 2);
	em_alert_set_free(&set);

	/* decisions are append-only */
	CHECK(store_fixture_exec("UPDATE alert_decisions SET reason = 'x'") != 0);
	CHECK(store_fixture_exec("DELETE FROM alert_decisions") != 0);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM alert_decisions WHERE reason = 'x'"), 0);
	em_list_free(l1);
	em_list_free(l2);
	close_fresh(s);
}

static void rescreen_only_changed(void)
{
	em_store *s = open_fresh();
	em_list *l1 = make_list(NULL, 0), *l2 = make_list("changed", 0), *l3 = make_list("changed", 1);
	recorded a = screen_and_record(s, l1, "Reza Ahmad Karimi", "C-9", 0);
	CHECK_EQ_INT(a.alerts[0].outcome, EM_OUTCOME_OPENED);
	CHECK_EQ_INT(em_alert_decide(s, a.alerts[0].alert_id, EM_STATUS_TRUE_MATCH, NULL, "ana"), 0);
	/* nothing changed: quiet */
	recorded b = screen_and_record(s, l1, "Reza Ahmad Karimi", "C-9", 1);
	CHECK_EQ_INT(b.rc, 0);
	CHECK_EQ_INT(b.alerts[0].outcome, EM_OUTCOME_NONE);
	CHECK_EQ_INT(b.alerts[0].alert_id, 0);
	/* the entry changed: a new alert */
	recorded c = screen_and_record(s, l2, "Reza Ahmad Karimi", "C-9", 1);
	CHECK_EQ_INT(c.alerts[0].outcome, EM_OUTCOME_OPENED);
	/* a second listed party appears: only it is new */
	recorded d = screen_and_record(s, l3, "Reza Ahmad Karimi", "C-9", 1);
	CHECK(d.n_matches >= 2);
	size_t opened = 0, quiet = 0;
	for (size_t i = 0; i < d.n_matches && i < 4; i++) {
		opened += d.alerts[i].outcome == EM_OUTCOME_OPENED;
		quiet += d.alerts[i].outcome == EM_OUTCOME_NONE;
	}
	CHECK_EQ_INT(opened, 1);
	CHECK_EQ_INT(quiet, d.n_matches - 1);

	/* the customer was kept with its latest fields */
	em_customer_set cs;
	CHECK_EQ_INT(em_customers_page(s, NULL, 10, &cs), 0);
	CHECK_EQ_INT(cs.count, 1);
	if (cs.count == 1) {
		CHECK_EQ_STR(cs.items[0].ref, "C-9");
		CHECK_EQ_STR(cs.items[0].name, "Reza Ahmad Karimi");
		CHECK_EQ_STR(cs.items[0].dob, "1965");
		CHECK(cs.items[0].type == NULL && cs.items[0].n_ids == 0);
	}
	em_customer_set_free(&cs);
	em_list_free(l1);
	em_list_free(l2);
	em_list_free(l3);
	close_fresh(s);
}

static void customer_paging(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	const char *refs[] = {"b", "a", "d", "c", "e"};
	for (size_t i = 0; i < 5; i++)
		CHECK_EQ_INT(screen_and_record(s, l, "John Smith", refs[i], 0).rc, 0);
	em_customer_set cs;
	CHECK_EQ_INT(em_customers_page(s, NULL, 2, &cs), 0);
	CHECK(cs.count == 2 && !strcmp(cs.items[0].ref, "a") && !strcmp(cs.items[1].ref, "b"));
	em_customer_set_free(&cs);
	CHECK_EQ_INT(em_customers_page(s, "b", 10, &cs), 0);
	CHECK(cs.count == 3 && !strcmp(cs.items[0].ref, "c") && !strcmp(cs.items[2].ref, "e"));
	em_customer_set_free(&cs);
	em_list_free(l);
	close_fresh(s);
}

typedef struct scan_ctx {
	size_t n;
	int64_t last_id;
	int ordered;
	char first_query[256];
	char first_lists[256];
	char who[32], channel[32], node[32];
} scan_ctx;

static int on_entry(void *p, const em_audit_entry *e)
{
	scan_ctx *c = p;
	if (e->id <= c->last_id)
		c->ordered = 0;
	c->last_id = e->id;
	if (c->n++ == 0) {
		snprintf(c->first_query, sizeof c->first_query, "%s", e->query_json);
		snprintf(c->first_lists, sizeof c->first_lists, "%s", e->lists_json);
		snprintf(c->who, sizeof c->who, "%s", e->who);
		snprintf(c->channel, sizeof c->channel, "%s", e->channel);
		snprintf(c->node, sizeof c->node, "%s", e->node);
	}
	return 0;
}

static int stop_at_two(void *p, const em_audit_entry *e)
{
	(void)e;
	return ++*(int *)p == 2 ? 42 : 0;
}

static void audit_export(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ_INT(screen_and_record(s, l, "Reza Ahmad Karimi", NULL, 0).rc, 0);
	scan_ctx c;
	memset(&c, 0, sizeof c);
	c.ordered = 1;
	CHECK_EQ_INT(em_audit_scan(s, NULL, NULL, on_entry, &c), 0);
	CHECK_EQ_INT(c.n, 3);
	CHECK(c.ordered);
	CHECK_EQ_STR(c.first_query, "{\"name\":\"Reza Ahmad Karimi\",\"dob\":\"1965\"}");
	CHECK_EQ_STR(c.first_lists, "[{\"source\":\"test\",\"version_id\":7,\"sha256\":\"abc\"}]");
	CHECK_EQ_STR(c.who, "tester");
	CHECK_EQ_STR(c.channel, "api");
	CHECK_EQ_STR(c.node, "node-a");

	/* today's date covers them; a day long past and a day far ahead do not */
	char today[16];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, today, today, on_entry, &c), 0);
	CHECK_EQ_INT(c.n, 3);
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, "2001-01-01", "2001-12-31T23:59:59Z", on_entry, &c), 0);
	CHECK_EQ_INT(c.n, 0);
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, "2999-01-01T00:00:00.5Z", NULL, on_entry, &c), 0);
	CHECK_EQ_INT(c.n, 0);
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, "2000-01-01", NULL, on_entry, &c), 0);
	CHECK_EQ_INT(c.n, 3);
	CHECK_EQ_INT(em_audit_scan(s, "yesterday", NULL, on_entry, &c), EM_EINVAL);
	CHECK_EQ_INT(em_audit_scan(s, NULL, "2024-13", on_entry, &c), EM_EINVAL);
	CHECK_EQ_INT(em_audit_scan(s, "2024-05-03T10:00:00Zjunk", NULL, on_entry, &c), EM_EINVAL);
	CHECK_EQ_INT(em_audit_scan(s, "2024-05-04", "2024-05-03", on_entry, &c), EM_EINVAL);
	int seen = 0;
	CHECK_EQ_INT(em_audit_scan(s, NULL, NULL, stop_at_two, &seen), 42);

	/* the trail is append-only */
	CHECK(store_fixture_exec("UPDATE screenings SET who = 'x'") != 0);
	CHECK(store_fixture_exec("DELETE FROM screenings") != 0);
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, NULL, NULL, on_entry, &c), 0);
	CHECK_EQ_INT(c.n, 3);
	CHECK_EQ_STR(c.who, "tester");
	em_list_free(l);
	close_fresh(s);
}

/* Many screenings in one call: one transaction, each with its own id and alert. */
static void batch_record(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	em_screener *scr = NULL;
	const em_list *lp = l;
	CHECK_EQ_INT(em_screener_new(&scr, &lp, 1), 0);
	enum { N = 50 };
	em_query q = {"Reza Karimi", EM_ENTITY_PERSON, NULL, NULL, NULL, 0};
	em_result *res[N];
	em_screening sc[N], *items[N];
	em_alert_ref refs[N][10];
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	for (int i = 0; i < N; i++) {
		res[i] = NULL;
		CHECK_EQ_INT(em_screen(scr, &q, &p, &res[i]), 0);
		sc[i] = (em_screening)EM_SCREENING_INIT;
		sc[i].query = &q;
		sc[i].result = res[i];
		sc[i].alerts = refs[i];
		items[i] = &sc[i];
	}
	/* commits that survive a program crash only: recording works the same */
	CHECK_EQ_INT(em_store_set_durability(s, 0), 0);
	CHECK_EQ_INT(em_audit_record(s, items, N), 0);
	CHECK_EQ_INT(em_store_set_durability(s, 1), 0);
	for (int i = 1; i < N; i++) {
		CHECK(sc[i].id == sc[i - 1].id + 1);
		CHECK(res[i]->n_matches == 0 || refs[i][0].outcome == EM_OUTCOME_OPENED);
	}
	scan_ctx c;
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, NULL, NULL, on_entry, &c), 0);
	CHECK_EQ_INT(c.n, N);
	CHECK_EQ_STR(c.who, "cli");
	for (int i = 0; i < N; i++)
		em_result_free(res[i]);
	/* a screening without a name is refused and nothing is written */
	em_query bad = {NULL, EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
	sc[0].query = &bad;
	sc[0].result = NULL;
	CHECK_EQ_INT(em_audit_record(s, items, 1), EM_EINVAL);
	em_screener_free(scr);
	em_list_free(l);
	close_fresh(s);
}

/* One of two nodes recording screenings of the same customer at once. */
typedef struct recorder {
	pthread_barrier_t *start;
	const char *node;
	const em_query *query;
	const em_result *result;
	int rc;
	size_t opened; /* screenings whose first match opened an alert */
} recorder;

enum { PER_NODE = 60 };

static void *record_many(void *arg)
{
	recorder *x = arg;
	em_store *s = NULL;
	x->rc = em_store_open(&s, store_fixture_url);
	pthread_barrier_wait(x->start);
	em_list_ref lr = {"test", 7, "abc"};
	for (int i = 0; !x->rc && i < PER_NODE; i++) {
		em_alert_ref refs[8];
		em_screening sc = EM_SCREENING_INIT;
		sc.who = "tester";
		sc.channel = "api";
		sc.node = x->node;
		sc.customer_ref = "C-shared";
		sc.query = x->query;
		sc.result = x->result;
		sc.lists = &lr;
		sc.n_lists = 1;
		sc.alerts = refs;
		em_screening *items[] = {&sc};
		x->rc = em_audit_record(s, items, 1);
		x->opened += !x->rc && refs[0].outcome == EM_OUTCOME_OPENED;
	}
	em_store_free(s);
	return NULL;
}

/* Like record_many, but each commit holds two customers, in the order the node's flag says. */
static void *record_pairs(void *arg)
{
	recorder *x = arg;
	em_store *s = NULL;
	x->rc = em_store_open(&s, store_fixture_url);
	pthread_barrier_wait(x->start);
	em_list_ref lr = {"test", 7, "abc"};
	bool reversed = strcmp(x->node, "node-2") == 0;
	for (int i = 0; !x->rc && i < PER_NODE; i++) {
		em_alert_ref refs[2][8];
		em_screening sc[2] = {EM_SCREENING_INIT, EM_SCREENING_INIT};
		for (int k = 0; k < 2; k++) {
			sc[k].who = "tester";
			sc[k].channel = "api";
			sc[k].node = x->node;
			sc[k].customer_ref = (k == 0) != reversed ? "C-one" : "C-two";
			sc[k].query = x->query;
			sc[k].result = x->result;
			sc[k].lists = &lr;
			sc[k].n_lists = 1;
			sc[k].alerts = refs[k];
		}
		em_screening *items[] = {&sc[0], &sc[1]};
		x->rc = em_audit_record(s, items, 2);
		if (x->rc)
			fprintf(stderr, "%s: %s\n", x->node, em_error_last()->message);
	}
	em_store_free(s);
	return NULL;
}

/*
 * Screens one name against the test list, then has two nodes (connections) run `fn` at once
 * on a fresh store; both must succeed. The store stays open for the caller's checks.
 */
static void race_two_nodes(void *(*fn)(void *), recorder *a, recorder *b, void (*check)(const recorder *,
											    const recorder *))
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	const em_list *lp = l;
	em_screener *scr = NULL;
	em_result *res = NULL;
	em_query q = {"Reza Ahmad Karimi", EM_ENTITY_UNKNOWN, "1965", NULL, NULL, 0};
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.limit = 4;
	CHECK_EQ_INT(em_screener_new(&scr, &lp, 1), 0);
	CHECK_EQ_INT(em_screen(scr, &q, &p, &res), 0);
	CHECK(res && res->n_matches >= 1);
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, 2);
	*a = (recorder){&start, "node-1", &q, res, 0, 0};
	*b = (recorder){&start, "node-2", &q, res, 0, 0};
	pthread_t ta, tb;
	CHECK_EQ_INT(pthread_create(&ta, NULL, fn, a), 0);
	CHECK_EQ_INT(pthread_create(&tb, NULL, fn, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	CHECK_EQ_INT(a->rc, 0);
	CHECK_EQ_INT(b->rc, 0);
	check(a, b);
	em_result_free(res);
	em_screener_free(scr);
	em_list_free(l);
	close_fresh(s);
}

static void check_crossed(const recorder *a, const recorder *b)
{
	(void)a;
	(void)b;
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings"), 4 * PER_NODE);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM customers"), 2);
}

/*
 * Two nodes commit screenings of the same two customers in opposite orders, so their
 * transactions can deadlock on the customers' rows: the store runs an aborted one again, and
 * every record is kept.
 */
static void crossed_records(void)
{
	recorder a, b;
	race_two_nodes(record_pairs, &a, &b, check_crossed);
}

static void check_concurrent(const recorder *a, const recorder *b)
{
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings"), 2 * PER_NODE);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings WHERE node = 'node-1'"), PER_NODE);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings WHERE node = 'node-2'"), PER_NODE);
	CHECK_EQ_INT(store_fixture_int("SELECT count(DISTINCT id) FROM screenings"), 2 * PER_NODE);
	CHECK_EQ_INT(a->opened + b->opened, 1);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM alerts WHERE source_id = '1'"), 1);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM customers"), 1);
}

/*
 * Two connections (two nodes) record screenings of one customer at once: every record is
 * kept with the node that wrote it, and the customer gets one alert for the listed party,
 * which all the other screenings join (recording serialises on the customer).
 */
static void concurrent_records(void)
{
	recorder a, b;
	race_two_nodes(record_many, &a, &b, check_concurrent);
}

/* One screening of `name` for customer `ref`, ready to record (its result freed by the caller). */
static em_screening screening_of(const em_query *q, const em_result *res, const char *ref, em_alert_ref *refs)
{
	static const em_list_ref lr = {"test", 7, "abc"};
	em_screening sc = EM_SCREENING_INIT;
	sc.channel = "rescreen";
	sc.customer_ref = ref;
	sc.query = q;
	sc.result = res;
	sc.lists = &lr;
	sc.n_lists = 1;
	sc.only_changed = 1;
	sc.alerts = refs;
	return sc;
}

/*
 * The work queue: a job over 25 customers in chunks of 10; two workers claim different chunks;
 * a chunk is completed (screenings recorded and chunk done) once; a worker whose lease expired
 * and was taken over can neither renew nor complete (nothing of it is recorded), the new holder
 * can; progress counts chunks and customers.
 */
static void work_queue(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	char ref[16];
	for (int i = 0; i < 25; i++) {
		snprintf(ref, sizeof ref, "K-%02d", i);
		CHECK_EQ_INT(screen_and_record(s, l, "John Smith", ref, 0).rc, 0);
	}
	int64_t job = 0;
	size_t chunks = 0, items = 0;
	CHECK_EQ_INT(em_work_enqueue_rescreen(s, 10, &job, &chunks, &items), 0);
	CHECK(job > 0);
	CHECK_EQ_INT(chunks, 3);
	CHECK_EQ_INT(items, 25);
	em_work_progress pr;
	CHECK_EQ_INT(em_work_progress_get(s, job, &pr), 0);
	CHECK(pr.chunks == 3 && pr.pending == 3 && pr.done == 0 && pr.items == 25 && pr.items_done == 0);
	CHECK_EQ_INT(em_work_progress_get(s, job + 100, &pr), EM_ENOTFOUND);

	em_work_chunk a, b, c, d;
	CHECK_EQ_INT(em_work_claim(s, "worker-a", 60, &a), 0);
	CHECK_EQ_INT(em_work_claim(s, "worker-b", 60, &b), 0);
	CHECK(a.id != b.id && a.job_id == job && b.job_id == job);
	CHECK(a.after == NULL && a.last && !strcmp(a.last, "K-09") && a.items == 10 && a.attempts == 1);
	CHECK_EQ_STR(a.kind, "rescreen");
	CHECK(b.after && !strcmp(b.after, "K-09") && !strcmp(b.last, "K-19"));

	/* a's chunk, with one real screening, done once */
	em_screener *scr = NULL;
	em_result *res = NULL;
	const em_list *lp = l;
	em_query q = {"Reza Ahmad Karimi", EM_ENTITY_UNKNOWN, "1965", NULL, NULL, 0};
	CHECK_EQ_INT(em_screener_new(&scr, &lp, 1), 0);
	CHECK_EQ_INT(em_screen(scr, &q, NULL, &res), 0);
	em_alert_ref refs[16];
	em_screening sc = screening_of(&q, res, "K-03", refs);
	em_screening *one[] = {&sc};
	long long before = store_fixture_int("SELECT count(*) FROM screenings");
	CHECK_EQ_INT(em_work_complete(s, &a, "worker-a", one, 1), 0);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings"), before + 1);
	CHECK_EQ_INT(em_work_complete(s, &a, "worker-a", one, 1), EM_EREFUSED);
	CHECK_EQ_INT(em_work_complete(s, &b, "worker-a", one, 1), EM_EREFUSED); /* not a's */
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings"), before + 1);

	/* c holds the last chunk for a second; it expires, d takes it over */
	CHECK_EQ_INT(em_work_claim(s, "worker-c", 1, &c), 0);
	CHECK(c.last && !strcmp(c.last, "K-24") && c.items == 5);
	CHECK_EQ_INT(em_work_claim(s, "worker-d", 60, &d), EM_ENOTFOUND); /* nothing free yet */
	struct timespec ts = {1, 300 * 1000000L};
	nanosleep(&ts, NULL);
	CHECK_EQ_INT(em_work_claim(s, "worker-d", 60, &d), 0);
	CHECK_EQ_INT(d.id, c.id);
	CHECK_EQ_INT(d.attempts, 2);
	CHECK_EQ_INT(em_work_renew(s, &c, "worker-c", 60), EM_EREFUSED);
	CHECK_EQ_INT(em_work_complete(s, &c, "worker-c", one, 1), EM_EREFUSED);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM screenings"), before + 1);
	CHECK_EQ_INT(em_work_renew(s, &d, "worker-d", 60), 0);
	CHECK_EQ_INT(em_work_complete(s, &d, "worker-d", NULL, 0), 0);
	CHECK_EQ_INT(em_work_complete(s, &b, "worker-b", NULL, 0), 0);
	CHECK_EQ_INT(em_work_progress_get(s, job, &pr), 0);
	CHECK(pr.chunks == 3 && pr.pending == 0 && pr.claimed == 0 && pr.done == 3 && pr.items_done == 25);
	em_work_chunk_clear(&a);
	em_work_chunk_clear(&b);
	em_work_chunk_clear(&c);
	em_work_chunk_clear(&d);
	CHECK_EQ_INT(em_work_claim(s, "worker-a", 60, &d), EM_ENOTFOUND);
	em_result_free(res);
	em_screener_free(scr);
	em_list_free(l);
	close_fresh(s);
}

/* One of two workers claiming and completing chunks as fast as they can. */
typedef struct claimer {
	const char *name;
	int rc;
	int64_t ids[64];
	size_t n;
} claimer;

static void *claim_all(void *arg)
{
	claimer *x = arg;
	em_store *s = NULL;
	x->rc = em_store_open(&s, store_fixture_url);
	while (!x->rc && x->n < 64) {
		em_work_chunk c;
		int rc = em_work_claim(s, x->name, 60, &c);
		if (rc == EM_ENOTFOUND)
			break;
		if ((x->rc = rc))
			break;
		x->ids[x->n++] = c.id;
		x->rc = em_work_complete(s, &c, x->name, NULL, 0);
		em_work_chunk_clear(&c);
	}
	em_store_free(s);
	return NULL;
}

/* Two workers drain a job of 40 chunks at once: every chunk is done by exactly one of them. */
static void work_queue_concurrent(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	char ref[16];
	for (int i = 0; i < 40; i++) {
		snprintf(ref, sizeof ref, "Q-%02d", i);
		CHECK_EQ_INT(screen_and_record(s, l, "Anna Brown", ref, 0).rc, 0);
	}
	int64_t job = 0;
	CHECK_EQ_INT(em_work_enqueue_rescreen(s, 1, &job, NULL, NULL), 0);
	claimer a = {"w1", 0, {0}, 0}, b = {"w2", 0, {0}, 0};
	pthread_t ta, tb;
	CHECK_EQ_INT(pthread_create(&ta, NULL, claim_all, &a), 0);
	CHECK_EQ_INT(pthread_create(&tb, NULL, claim_all, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	CHECK_EQ_INT(a.rc, 0);
	CHECK_EQ_INT(b.rc, 0);
	CHECK_EQ_INT(a.n + b.n, 40);
	for (size_t i = 0; i < a.n; i++)
		for (size_t k = 0; k < b.n; k++)
			CHECK(a.ids[i] != b.ids[k]);
	em_work_progress pr;
	CHECK_EQ_INT(em_work_progress_get(s, job, &pr), 0);
	CHECK(pr.done == 40 && pr.items_done == 40);
	CHECK_EQ_INT(store_fixture_int("SELECT max(attempts) FROM work_chunks"), 1);
	printf("     40 chunks: %zu by one worker, %zu by the other\n", a.n, b.n);
	em_list_free(l);
	close_fresh(s);
}

/* What goods_record reads back: the kind, lists, query and match count of each entry. */
typedef struct kinds_ctx {
	size_t n;
	char kind[4][16], lists[4][512], query[4][256];
	size_t match_count[4];
} kinds_ctx;

static int on_kind(void *p, const em_audit_entry *e)
{
	kinds_ctx *c = p;
	if (c->n < 4) {
		snprintf(c->kind[c->n], sizeof c->kind[0], "%s", e->kind ? e->kind : "(null)");
		snprintf(c->lists[c->n], sizeof c->lists[0], "%s", e->lists_json);
		snprintf(c->query[c->n], sizeof c->query[0], "%s", e->query_json);
		c->match_count[c->n] = e->match_count;
	}
	c->n++;
	return 0;
}

/* A goods screening next to a party one: kind, the order line, the party lists followed by the
 * goods tables, the flag count; no alert and no customer from the goods one. */
static void goods_record(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list(NULL, 0);
	em_list_ref lists[1] = {{"test", 7, "abc"}};
	recorded party = screen_and_record(s, l, "Reza Ahmad Karimi", NULL, 0);
	CHECK_EQ_INT(party.rc, 0);
	size_t before[3];
	CHECK_EQ_INT(em_alerts_count(s, before), 0);
	em_screening g = EM_SCREENING_INIT, *items[1] = {&g};
	g.kind = "goods";
	g.who = "tester";
	g.channel = "api";
	g.customer_ref = "C-GOODS"; /* goods keep no customer */
	g.query_json = "{\"line_id\":\"L1\",\"hs_code\":\"854231\",\"destination_country\":\"RU\"}";
	g.results_json = "{\"line_id\":\"L1\",\"risk\":\"prohibited\",\"flags\":[{\"code\":\"HS_CHPL_TIER1\"},"
			 "{\"code\":\"DEST_EMBARGOED\"}]}";
	g.n_findings = 2;
	g.lists = lists;
	g.n_lists = 1;
	g.tables_json = "[{\"source\":\"goods-tables\",\"version\":\"sha256:00ff\"},{\"source\":\"chpl\",\"version\":\"2024-02-23\"}]";
	CHECK_EQ_INT(em_audit_record(s, items, 1), 0);
	CHECK(g.id > 0);
	kinds_ctx c;
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, NULL, NULL, on_kind, &c), 0);
	CHECK_EQ_INT(c.n, 2);
	CHECK_EQ_STR(c.kind[0], "party");
	CHECK_EQ_STR(c.kind[1], "goods");
	CHECK_EQ_STR(c.query[1], g.query_json);
	CHECK_EQ_STR(c.lists[1], "[{\"source\":\"test\",\"version_id\":7,\"sha256\":\"abc\"},"
				 "{\"source\":\"goods-tables\",\"version\":\"sha256:00ff\"},"
				 "{\"source\":\"chpl\",\"version\":\"2024-02-23\"}]");
	CHECK_EQ_INT(c.match_count[1], 2);
	size_t after[3];
	CHECK_EQ_INT(em_alerts_count(s, after), 0);
	CHECK_EQ_INT(after[0], before[0]);
	em_customer_set cs;
	CHECK_EQ_INT(em_customers_page(s, NULL, 10, &cs), 0);
	for (size_t i = 0; i < cs.count; i++)
		CHECK(strcmp(cs.items[i].ref, "C-GOODS") != 0);
	em_customer_set_free(&cs);
	/* a goods screening needs its line and result; an unknown kind is refused */
	g.query_json = NULL;
	CHECK_EQ_INT(em_audit_record(s, items, 1), EM_EINVAL);
	g.query_json = "{}";
	g.kind = "vessel";
	CHECK_EQ_INT(em_audit_record(s, items, 1), EM_EINVAL);
	memset(&c, 0, sizeof c);
	CHECK_EQ_INT(em_audit_scan(s, NULL, NULL, on_kind, &c), 0);
	CHECK_EQ_INT(c.n, 2);
	em_list_free(l);
	close_fresh(s);
}

int main(void)
{
	RUN(keys);
	RUN(alerts_without_customer);
	RUN(customer_policy);
	RUN(rescreen_only_changed);
	RUN(customer_paging);
	RUN(audit_export);
	RUN(batch_record);
	RUN(goods_record);
	RUN(concurrent_records);
	RUN(crossed_records);
	RUN(work_queue);
	RUN(work_queue_concurrent);
	return TEST_REPORT();
}
