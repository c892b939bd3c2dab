/*
 * The store test suite, run on every backend (tests/support/store_fixture.h: SQLite by
 * default, PostgreSQL when EM_TEST_STORE_URL names one): import, versions, activation, the
 * unchanged and sharp-drop rules, rollback of a failed import, exact JSON round trip, reopening
 * the store, settings, version references, two connections importing one source at once, URLs
 * and the default location. Lists are built with the model builder; each case works on an
 * empty store and its own temporary folder.
 */
#include "test.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "embargo/em_store.h"
#include "model/model.h"
#include "store/backend.h"
#include "store_fixture.h"

static const char *const tmpdir = store_fixture_dir;
static const char *const dbpath = store_fixture_db;
static const char *const dburl = store_fixture_url;

/* A fresh folder and store URL for one case. */
static void fresh(void)
{
	store_fixture_fresh("test_store");
}

static void cleanup(void)
{
	store_fixture_cleanup();
}

/* A store in a fresh folder (NULL if it did not open: the case's checks then fail). */
static em_store *open_fresh(void)
{
	fresh();
	em_store *s = NULL;
	CHECK_EQ_INT(em_store_open(&s, dburl), 0);
	return s;
}

static void close_fresh(em_store *s)
{
	em_store_free(s);
	cleanup();
}

/*
 * A list of `n` organizations with ids first..first+n-1. `variant` changes every remark, so
 * two lists with different variants have the same ids and different content.
 */
static em_list *make_list(const char *source, size_t first, size_t n, int variant)
{
	em_list *l;
	if (em_list_new(&l, source, "built"))
		return NULL;
	for (size_t i = first; i < first + n; i++) {
		char id[32], name[64], remarks[64];
		snprintf(id, sizeof id, "%zu", i);
		snprintf(name, sizeof name, "ACME TRADING %zu LLC", i);
		snprintf(remarks, sizeof remarks, "variant %d of entry %zu", variant, i);
		em_entity *e = em_list_add(l);
		em_entity_set_id(l, e, id);
		e->type = EM_ENTITY_ORGANIZATION;
		em_entity_add_name(l, e, EM_NAME_PRIMARY, name, NULL, NULL, NULL);
		em_entity_add_string(l, e, EM_FIELD_PROGRAM, "SDGT");
		em_entity_set_remarks(l, e, remarks);
	}
	if (em_list_finish(l)) {
		em_list_free(l);
		return NULL;
	}
	return l;
}

/* Imports a built list; returns the em_store_import code. */
static int import_built(em_store *s, const char *source, size_t n, int variant,
			const em_import_options *o, em_import_result *r)
{
	em_list *l = make_list(source, 1, n, variant);
	if (!l)
		return EM_ENOMEM;
	int rc = em_store_import(s, l, o, r);
	em_list_free(l);
	return rc;
}

/* The active version of `source` (0 when none) and the number of versions of every source. */
static int64_t active_of(em_store *s, const char *source, size_t *n_versions)
{
	em_version_set set;
	int64_t id = 0;
	if (em_store_versions(s, 0, &set))
		return -1;
	for (size_t i = 0; i < set.count; i++)
		if (set.items[i].active && !strcmp(set.items[i].source, source))
			id = set.items[i].id;
	if (n_versions)
		*n_versions = set.count;
	em_version_set_free(&set);
	return id;
}

static void import_versions_and_activation(void)
{
	em_store *s = open_fresh();
	CHECK_EQ_STR(em_store_url(s), dburl);
	em_import_result r;
	CHECK_EQ_INT(import_built(s, "test-src", 100, 1, NULL, &r), 0);
	int64_t v1 = r.version_id;
	CHECK(v1 > 0);
	CHECK_EQ_INT(r.unchanged, 0);
	CHECK_EQ_INT(r.previous_count, 0);
	CHECK_EQ_INT(r.previous_id, 0);
	CHECK_EQ_INT(import_built(s, "test-src", 110, 2, NULL, &r), 0);
	int64_t v2 = r.version_id;
	CHECK(v2 > v1);
	CHECK_EQ_INT(r.previous_count, 100);
	CHECK_EQ_INT(r.previous_id, v1);

	em_version_set set;
	CHECK_EQ_INT(em_store_versions(s, 0, &set), 0);
	CHECK_EQ_INT(set.count, 2);
	if (set.count == 2) {
		CHECK_EQ_INT(set.items[0].id, v2); /* newest first */
		CHECK_EQ_INT(set.items[0].active, 1);
		CHECK_EQ_INT(set.items[0].entity_count, 110);
		CHECK_EQ_INT(set.items[1].id, v1);
		CHECK_EQ_INT(set.items[1].active, 0);
		CHECK_EQ_STR(set.items[1].source, "test-src");
		CHECK_EQ_STR(set.items[1].format, "built");
		CHECK_EQ_INT(strlen(set.items[1].sha256), 64);
		CHECK(strcmp(set.items[0].sha256, set.items[1].sha256) != 0);
		/* ISO 8601 UTC: 2024-05-03T14:05:09Z */
		CHECK_EQ_INT(strlen(set.items[0].imported_at), 20);
		CHECK(set.items[0].imported_at[10] == 'T' && set.items[0].imported_at[19] == 'Z');
		CHECK(set.items[0].published == NULL);
	}
	em_version_set_free(&set);
	CHECK_EQ_INT(em_store_versions(s, 1, &set), 0);
	CHECK_EQ_INT(set.count, 1);
	em_version_set_free(&set);

	/* a version stored without activation stays inactive */
	em_import_options o = EM_IMPORT_OPTIONS_INIT;
	o.no_activate = 1;
	o.retrieved_at = "2024-05-03T10:00:00Z";
	CHECK_EQ_INT(import_built(s, "test-src", 105, 3, &o, &r), 0);
	int64_t v3 = r.version_id;
	CHECK_EQ_INT(active_of(s, "test-src", NULL), v2);
	CHECK_EQ_INT(em_store_versions(s, 0, &set), 0);
	CHECK(set.count == 3 && set.items[0].id == v3 && !set.items[0].active &&
	      !strcmp(set.items[0].retrieved_at, "2024-05-03T10:00:00Z"));
	em_version_set_free(&set);

	/* roll back to v1, then forward to v3; the served entity follows */
	char *json = NULL;
	CHECK_EQ_INT(em_store_activate(s, v1), 0);
	CHECK_EQ_INT(active_of(s, "test-src", NULL), v1);
	CHECK_EQ_INT(em_store_get_entity(s, "test-src", "7", &json), 0);
	CHECK(json && strstr(json, "variant 1 of entry 7"));
	free(json);
	CHECK_EQ_INT(em_store_get_entity(s, "test-src", "107", &json), EM_ENOTFOUND);
	CHECK_EQ_INT(em_store_activate(s, v3), 0);
	CHECK_EQ_INT(em_store_get_entity(s, "test-src", "7", &json), 0);
	CHECK(json && strstr(json, "variant 3 of entry 7"));
	free(json);
	CHECK_EQ_INT(em_store_versions(s, 1, &set), 0);
	CHECK(set.count == 1 && set.items[0].id == v3);
	em_version_set_free(&set);
	CHECK_EQ_INT(em_store_activate(s, 9999), EM_ENOTFOUND);
	CHECK_EQ_INT(active_of(s, "test-src", NULL), v3);

	/* sources are independent */
	CHECK_EQ_INT(import_built(s, "other", 5, 1, NULL, &r), 0);
	CHECK_EQ_INT(active_of(s, "other", NULL), r.version_id);
	CHECK_EQ_INT(active_of(s, "test-src", NULL), v3);
	CHECK_EQ_INT(em_store_get_entity(s, "other", "3", &json), 0);
	free(json);
	close_fresh(s);
}

static void unchanged_import(void)
{
	em_store *s = open_fresh();
	em_import_result r;
	CHECK_EQ_INT(import_built(s, "src", 50, 1, NULL, &r), 0);
	int64_t v1 = r.version_id;
	CHECK_EQ_INT(import_built(s, "src", 50, 1, NULL, &r), 0);
	CHECK_EQ_INT(r.unchanged, 1);
	CHECK_EQ_INT(r.version_id, v1);
	CHECK_EQ_INT(r.previous_count, 50);
	size_t n;
	CHECK_EQ_INT(active_of(s, "src", &n), v1);
	CHECK_EQ_INT(n, 1);

	/* a list read from a file is recognised by the hash of its bytes */
	em_list *l = make_list("src", 1, 50, 2);
	snprintf(l->sha256, sizeof l->sha256, "%064d", 7);
	CHECK_EQ_INT(em_store_import(s, l, NULL, &r), 0);
	CHECK_EQ_INT(r.unchanged, 0);
	int64_t v2 = r.version_id;
	CHECK_EQ_INT(em_store_import(s, l, NULL, &r), 0);
	CHECK_EQ_INT(r.unchanged, 1);
	CHECK_EQ_INT(r.version_id, v2);
	em_list_free(l);
	/* same bytes as an inactive version: that is a change against the active one */
	CHECK_EQ_INT(import_built(s, "src", 50, 1, NULL, &r), 0);
	CHECK_EQ_INT(r.unchanged, 0);
	CHECK(r.version_id > v2);
	close_fresh(s);
}

static void sharp_drop_is_refused(void)
{
	em_store *s = open_fresh();
	em_import_result r;
	CHECK_EQ_INT(import_built(s, "src", 1000, 1, NULL, &r), 0);
	int64_t v1 = r.version_id;
	size_t n;

	CHECK_EQ_INT(import_built(s, "src", 799, 2, NULL, &r), EM_EREFUSED);
	const char *msg = em_error_last()->message;
	CHECK(strstr(msg, "799") && strstr(msg, "1000") && strstr(msg, "use --force"));
	CHECK_EQ_INT(active_of(s, "src", &n), v1);
	CHECK_EQ_INT(n, 1);

	/* exactly 20% fewer is still allowed: the rule is "below 80%" */
	CHECK_EQ_INT(import_built(s, "src", 800, 3, NULL, &r), 0);
	CHECK_EQ_INT(r.previous_count, 1000);
	int64_t v2 = r.version_id;
	CHECK_EQ_INT(active_of(s, "src", NULL), v2);

	/* --force accepts it */
	em_import_options o = EM_IMPORT_OPTIONS_INIT;
	o.force = 1;
	CHECK_EQ_INT(import_built(s, "src", 100, 4, &o, &r), 0);
	CHECK_EQ_INT(active_of(s, "src", NULL), r.version_id);

	/* a wider max_drop lets a bigger fall through, a narrower one refuses a small one */
	em_import_options wide = EM_IMPORT_OPTIONS_INIT, narrow = EM_IMPORT_OPTIONS_INIT;
	wide.max_drop = 0.5;
	narrow.max_drop = 0.01;
	CHECK_EQ_INT(import_built(s, "src", 60, 5, &wide, &r), 0);
	CHECK_EQ_INT(import_built(s, "src", 59, 6, &narrow, &r), EM_EREFUSED); /* 59 < 0.99 * 60 */
	CHECK_EQ_INT(import_built(s, "src", 60, 7, &narrow, &r), 0);
	o.max_drop = 1.5;
	CHECK_EQ_INT(import_built(s, "src", 59, 8, &o, &r), EM_EINVAL);

	/* an empty list is never imported by accident */
	em_list *empty;
	CHECK_EQ_INT(em_list_new(&empty, "src", "built"), 0);
	CHECK_EQ_INT(em_store_import(s, empty, NULL, &r), EM_EREFUSED);
	em_list_free(empty);
	close_fresh(s);
}

static void failed_import_leaves_active_version(void)
{
	em_store *s = open_fresh();
	em_import_result r;
	CHECK_EQ_INT(import_built(s, "src", 100, 1, NULL, &r), 0);
	int64_t v1 = r.version_id;

	/* a list whose last entity repeats an id (never finished): the insert fails half way */
	em_list *l = make_list("src", 1, 120, 2);
	em_entity *e = em_list_add(l);
	em_entity_set_id(l, e, "60");
	em_entity_add_name(l, e, EM_NAME_PRIMARY, "DUPLICATE", NULL, NULL, NULL);
	CHECK_EQ_INT(em_store_import(s, l, NULL, &r), EM_ESTORE);
	CHECK(strstr(em_error_last()->message, "'60'") != NULL);
	em_list_free(l);

	size_t n;
	CHECK_EQ_INT(active_of(s, "src", &n), v1);
	CHECK_EQ_INT(n, 1);
	char *json = NULL;
	CHECK_EQ_INT(em_store_get_entity(s, "src", "110", &json), EM_ENOTFOUND);
	CHECK_EQ_INT(em_store_get_entity(s, "src", "10", &json), 0);
	CHECK(json && strstr(json, "variant 1"));
	free(json);
	/* nothing half-written: no orphan entities either */
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM entities"), 100);

	/* the store still works after the rollback */
	CHECK_EQ_INT(import_built(s, "src", 101, 3, NULL, &r), 0);
	CHECK(r.version_id > v1);
	close_fresh(s);
}

/* One entity with every field, Unicode and the awkward cases of the model. */
static void add_full_entity(em_list *l)
{
	em_entity *e = em_list_add(l);
	em_entity_set_id(l, e, "OFAC-36");
	e->type = EM_ENTITY_PERSON;
	em_entity_add_name(l, e, EM_NAME_PRIMARY, "AL-ZAWAHIRI, Ayman", "Ayman", "AL-ZAWAHIRI", NULL);
	em_entity_add_name(l, e, EM_NAME_AKA_STRONG, "Dr. Ayman \"the doctor\"", NULL, NULL, NULL);
	em_entity_add_name(l, e, EM_NAME_AKA_WEAK, "Abu Muhammad", NULL, NULL, NULL);
	em_entity_add_name(l, e, EM_NAME_FKA, "Old name", NULL, NULL, NULL);
	em_entity_add_name(l, e, EM_NAME_NKA, "New name", NULL, NULL, NULL);
	em_entity_add_name(l, e, EM_NAME_ORIGINAL_SCRIPT, "أيمن الظواهري", NULL, NULL, "ar");
	em_entity_add_birth_date(l, e, "19 Jun 1951");
	em_entity_add_birth_date(l, e, "Jun 1951");
	em_entity_add_birth_date(l, e, "circa 1950");
	em_entity_add_birth_date(l, e, "between 1948 and 1952");
	em_entity_add_birth_date(l, e, "sometime after the war");
	em_entity_add_string(l, e, EM_FIELD_BIRTH_PLACE, "Giza, Egypt");
	em_entity_add_string(l, e, EM_FIELD_NATIONALITY, "Egypt");
	em_entity_add_string(l, e, EM_FIELD_CITIZENSHIP, "Egypt");
	em_entity_add_string(l, e, EM_FIELD_PROGRAM, "SDGT");
	em_entity_add_string(l, e, EM_FIELD_PROGRAM, "SDT");
	em_address a1 = {"Street 1\\2", "Cairo", "Giza", "12345", "Egypt", NULL};
	em_address a2 = {NULL, NULL, NULL, NULL, NULL, "Somewhere, Pakistan/Afghanistan border"};
	em_entity_add_address(l, e, &a1);
	em_entity_add_address(l, e, &a2);
	em_entity_add_id(l, e, EM_ID_PASSPORT, "Passport", "1084010", "Egypt", "issued 1990");
	em_entity_add_id(l, e, EM_ID_CRYPTO_ADDRESS, "Digital Currency Address - XBT",
			 "1AbCdEf", NULL, NULL);
	em_entity_add_id(l, e, EM_ID_OTHER, NULL, "no label", NULL, NULL);
	em_entity_add_relation(l, e, "linked to", "AL QA'IDA");
	em_entity_add_relation(l, e, NULL, "someone");
	em_entity_add_attribute(l, e, "title", "Operational and Military Leader");
	em_entity_add_attribute(l, e, "note", "tab\there, newline\nthere, control \x01 byte");
	em_entity_set_listed_on(l, e, "2001-10-12");
	em_entity_set_gender(l, e, "M");
	em_entity_set_remarks(l, e, "Remarks with \"quotes\", backslash \\ and émoji 🙂.");
	/* an entity with almost nothing and another source */
	e = em_list_add(l);
	em_entity_set_id(l, e, "2");
	e->source = "elsewhere";
	e = em_list_add(l);
	em_entity_set_id(l, e, "3");
	e->type = EM_ENTITY_VESSEL;
	em_entity_add_name(l, e, EM_NAME_PRIMARY, "SEA STAR", NULL, NULL, NULL);
	em_entity_add_id(l, e, EM_ID_IMO, "IMO", "9123456", NULL, NULL);
	em_entity_add_attribute(l, e, "vessel_flag", "Iran");
}

static void exact_round_trip(void)
{
	em_store *s = open_fresh();
	em_list *l;
	CHECK_EQ_INT(em_list_new(&l, "rt", "built"), 0);
	add_full_entity(l);
	CHECK_EQ_INT(em_list_set_meta(l, NULL, NULL, "/some/path/list.xml", "2024-05-03"), 0);
	CHECK_EQ_INT(em_list_finish(l), 0);
	em_import_result r;
	CHECK_EQ_INT(em_store_import(s, l, NULL, &r), 0);
	em_list *back = NULL;
	CHECK_EQ_INT(em_store_load_version(s, r.version_id, &back), 0);
	CHECK(back != NULL);
	if (back) {
		CHECK_EQ_INT(em_list_count(back), em_list_count(l));
		CHECK_EQ_STR(em_list_source(back), "rt");
		CHECK_EQ_STR(em_list_format(back), "built");
		CHECK_EQ_STR(em_list_path(back), "/some/path/list.xml");
		CHECK_EQ_STR(em_list_published(back), "2024-05-03");
		CHECK_EQ_INT(strlen(em_list_sha256(back)), 64);
		for (size_t i = 0; i < em_list_count(l) && i < em_list_count(back); i++) {
			char *a = em_entity_to_json(em_list_entity(l, i));
			char *b = em_entity_to_json(em_list_entity(back, i));
			CHECK_EQ_STR(b, a);
			char *c = NULL;
			CHECK_EQ_INT(em_store_get_entity(s, "rt", em_list_entity(l, i)->source_id, &c), 0);
			CHECK_EQ_STR(c, a);
			free(a);
			free(b);
			free(c);
		}
		CHECK(em_list_find(back, "OFAC-36") != NULL);
		CHECK_EQ_STR(em_list_entity(back, 1)->source, "elsewhere");
	}
	em_list_free(back);
	CHECK_EQ_INT(em_store_load_version(s, 4242, &back), EM_ENOTFOUND);
	em_list_free(l);
	close_fresh(s);
}

static void reopen_and_settings(void)
{
	em_store *s = open_fresh();
	em_import_result r;
	CHECK_EQ_INT(import_built(s, "src", 20, 1, NULL, &r), 0);
	int64_t v1 = r.version_id;
	char *value = NULL;
	CHECK_EQ_INT(em_store_meta_get(s, "etag:ofac", &value), EM_ENOTFOUND);
	CHECK(value == NULL);
	CHECK_EQ_INT(em_store_meta_set(s, "etag:ofac", "\"abc\""), 0);
	CHECK_EQ_INT(em_store_meta_set(s, "etag:ofac", "\"def\""), 0);
	CHECK_EQ_INT(em_store_meta_set(s, "empty", ""), 0);
	em_store_free(s);

	/* a second connection at the same time sees the same data (WAL) */
	em_store *s2;
	CHECK_EQ_INT(em_store_open(&s, dburl), 0);
	CHECK_EQ_INT(em_store_open(&s2, dburl), 0);
	CHECK_EQ_INT(em_store_meta_get(s, "etag:ofac", &value), 0);
	CHECK_EQ_STR(value, "\"def\"");
	free(value);
	CHECK_EQ_INT(em_store_meta_get(s2, "empty", &value), 0);
	CHECK_EQ_STR(value, "");
	free(value);
	CHECK_EQ_INT(active_of(s, "src", NULL), v1);
	CHECK_EQ_INT(import_built(s2, "src", 21, 2, NULL, &r), 0);
	CHECK_EQ_INT(active_of(s, "src", NULL), r.version_id);
	em_store_free(s2);
	em_store_free(s);

	/* each migration was applied once; SQLite's journal is WAL */
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM schema_migrations"), 4);
	CHECK_EQ_INT(store_fixture_int("SELECT max(version) FROM schema_migrations"), 4);
	if (!store_fixture_is_pg()) {
		sqlite3 *db;
		sqlite3_stmt *st;
		CHECK_EQ_INT(sqlite3_open(dbpath, &db), SQLITE_OK);
		CHECK_EQ_INT(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
		CHECK_EQ_INT(sqlite3_step(st), SQLITE_ROW);
		CHECK_EQ_STR((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	/* a store written by a newer program is not touched */
	CHECK_EQ_INT(store_fixture_exec("INSERT INTO schema_migrations VALUES (99, 'x')"), 0);
	CHECK_EQ_INT(em_store_open(&s, dburl), EM_ESTORE);
	CHECK(strstr(em_error_last()->message, "newer") != NULL);
	cleanup();
}

static void resolve_references(void)
{
	em_store *s = open_fresh();
	em_import_result r;
	int64_t ids[3], id;
	for (int i = 0; i < 3; i++) {
		CHECK_EQ_INT(import_built(s, "ofac-sdn", 10, i, NULL, &r), 0);
		ids[i] = r.version_id;
	}
	CHECK_EQ_INT(import_built(s, "un", 10, 0, NULL, &r), 0);
	CHECK_EQ_INT(em_store_activate(s, ids[1]), 0);
	char ref[32];
	snprintf(ref, sizeof ref, "%lld", (long long)ids[2]);
	CHECK_EQ_INT(em_store_resolve_version(s, ref, &id), 0);
	CHECK_EQ_INT(id, ids[2]);
	CHECK_EQ_INT(em_store_resolve_version(s, "ofac-sdn", &id), 0);
	CHECK_EQ_INT(id, ids[1]);
	CHECK_EQ_INT(em_store_resolve_version(s, "ofac-sdn@1", &id), 0);
	CHECK_EQ_INT(id, ids[0]);
	CHECK_EQ_INT(em_store_resolve_version(s, "ofac-sdn@3", &id), 0);
	CHECK_EQ_INT(id, ids[2]);
	CHECK_EQ_INT(em_store_resolve_version(s, "un", &id), 0);
	CHECK_EQ_INT(id, r.version_id);
	CHECK_EQ_INT(em_store_resolve_version(s, "ofac-sdn@4", &id), EM_ENOTFOUND);
	CHECK(strstr(em_error_last()->message, "3 version") != NULL);
	CHECK_EQ_INT(em_store_resolve_version(s, "eu", &id), EM_ENOTFOUND);
	CHECK_EQ_INT(em_store_resolve_version(s, "9999", &id), EM_ENOTFOUND);
	CHECK_EQ_INT(em_store_resolve_version(s, "0", &id), EM_EINVAL);
	CHECK_EQ_INT(em_store_resolve_version(s, "ofac-sdn@0", &id), EM_EINVAL);
	CHECK_EQ_INT(em_store_resolve_version(s, "ofac-sdn@x", &id), EM_EINVAL);
	CHECK_EQ_INT(em_store_resolve_version(s, "", &id), EM_EINVAL);
	close_fresh(s);
}

static void urls_and_refusals(void)
{
	fresh();
	em_store *s = NULL;
	CHECK_EQ_INT(em_store_open(&s, "bogus"), EM_EINVAL);
	CHECK_EQ_INT(em_store_open(&s, "sqlite:"), EM_EINVAL);
	/* nothing listens on port 1: the connection is refused at once, the password never shown */
	CHECK_EQ_INT(em_store_open(&s, "postgresql://scott:tiger@127.0.0.1:1/embargo"), EM_ESTORE);
	CHECK(strstr(em_error_last()->message, "tiger") == NULL);
	CHECK(strstr(em_error_last()->message, "scott:***@127.0.0.1:1") != NULL);
	CHECK(s == NULL);

	char *u = em_store_url_redact("postgresql://u:p%40ss@h:5432/db?sslmode=require&password=x2");
	CHECK_EQ_STR(u, "postgresql://u:***@h:5432/db?sslmode=require&password=***");
	free(u);
	u = em_store_url_redact("host=db user=embargo password=hunter2 dbname=e");
	CHECK_EQ_STR(u, "host=db user=embargo password=*** dbname=e");
	free(u);
	u = em_store_url_redact("postgresql://u@h/db");
	CHECK_EQ_STR(u, "postgresql://u@h/db");
	free(u);
	u = em_store_url_redact("sqlite:/tmp/my:file@x.db");
	CHECK_EQ_STR(u, "sqlite:/tmp/my:file@x.db");
	free(u);

	/* sqlite:///abs/path is the same file as sqlite:/abs/path */
	char url3[700];
	snprintf(url3, sizeof url3, "sqlite://%s", dbpath);
	CHECK_EQ_INT(em_store_open(&s, url3), 0);
	em_store_free(s);
	CHECK(access(dbpath, F_OK) == 0);

	/* a file that is not an SQLite database, and a database that is not ours */
	char path[600];
	snprintf(path, sizeof path, "%s/notes.txt", tmpdir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("this is not a database, just some text that is long enough to have a header\n", f);
		fclose(f);
	}
	snprintf(url3, sizeof url3, "sqlite:%s", path);
	CHECK_EQ_INT(em_store_open(&s, url3), EM_ESTORE);
	CHECK(strstr(em_error_last()->message, "notes.txt") != NULL);
	snprintf(path, sizeof path, "%s/other.db", tmpdir);
	sqlite3 *db;
	CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(db, "CREATE TABLE customers (id INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(url3, sizeof url3, "sqlite:%s", path);
	CHECK_EQ_INT(em_store_open(&s, url3), EM_ESTORE);
	CHECK(strstr(em_error_last()->message, "not an embargo store") != NULL);
	snprintf(url3, sizeof url3, "sqlite:%s/no/such/folder/x.db", tmpdir);
	CHECK_EQ_INT(em_store_open(&s, url3), EM_ESTORE);
	if (store_fixture_is_pg()) {
		/* a PostgreSQL database with someone else's tables is not taken over either */
		CHECK_EQ_INT(store_fixture_exec("CREATE TABLE customers (id integer)"), 0);
		CHECK_EQ_INT(em_store_open(&s, dburl), EM_ESTORE);
		CHECK(strstr(em_error_last()->message, "not an embargo store") != NULL);
		CHECK(s == NULL);
	}
	cleanup();
}

static void default_location(void)
{
	fresh();
	char home[400], expect[600];
	em_store *s;
	unsetenv("EMBARGO_STORE");
	snprintf(home, sizeof home, "%s/home/sub", tmpdir);
	setenv("EMBARGO_HOME", home, 1);
	CHECK_EQ_INT(em_store_open(&s, NULL), 0);
	snprintf(expect, sizeof expect, "sqlite:%s/embargo.db", home);
	CHECK_EQ_STR(em_store_url(s), expect);
	em_store_free(s);
	snprintf(expect, sizeof expect, "%s/embargo.db", home);
	CHECK(access(expect, F_OK) == 0);

	unsetenv("EMBARGO_HOME");
	snprintf(home, sizeof home, "%s/xdg", tmpdir);
	setenv("XDG_DATA_HOME", home, 1);
	CHECK_EQ_INT(em_store_open(&s, NULL), 0);
	snprintf(expect, sizeof expect, "sqlite:%s/embargo/embargo.db", home);
	CHECK_EQ_STR(em_store_url(s), expect);
	em_store_free(s);

	unsetenv("XDG_DATA_HOME");
	setenv("HOME", tmpdir, 1);
	CHECK_EQ_INT(em_store_open(&s, NULL), 0);
	snprintf(expect, sizeof expect, "sqlite:%s/.local/share/embargo/embargo.db", tmpdir);
	CHECK_EQ_STR(em_store_url(s), expect);
	em_store_free(s);

	setenv("EMBARGO_STORE", dburl, 1);
	setenv("EMBARGO_HOME", home, 1); /* EMBARGO_STORE wins */
	CHECK_EQ_INT(em_store_open(&s, NULL), 0);
	CHECK_EQ_STR(em_store_url(s), dburl);
	em_store_free(s);
	unsetenv("EMBARGO_STORE");
	unsetenv("EMBARGO_HOME");
	cleanup();
}

/* One of two connections importing the same source at once. */
typedef struct racer {
	pthread_barrier_t *start;
	int variant;
	int rc;
	int64_t id[5], previous[5]; /* each import's version and the active one it replaced */
} racer;

static void *race_import(void *arg)
{
	racer *x = arg;
	em_store *s = NULL;
	x->rc = em_store_open(&s, dburl);
	pthread_barrier_wait(x->start);
	for (int i = 0; !x->rc && i < 5; i++) {
		em_import_result r;
		x->rc = import_built(s, "race", 2000, x->variant * 10 + i, NULL, &r);
		x->id[i] = r.version_id;
		x->previous[i] = r.previous_id;
	}
	em_store_free(s);
	return NULL;
}

static int by_id(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

/*
 * Two connections import the same source five times each, at once. The imports serialise:
 * taken in id order, every version replaced exactly the one stored just before it (none
 * decided on a stale active version), ten versions are stored and one is active.
 */
static void concurrent_imports(void)
{
	fresh();
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, 2);
	racer a = {&start, 1, 0, {0}, {0}}, b = {&start, 2, 0, {0}, {0}};
	pthread_t ta, tb;
	CHECK_EQ_INT(pthread_create(&ta, NULL, race_import, &a), 0);
	CHECK_EQ_INT(pthread_create(&tb, NULL, race_import, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	CHECK_EQ_INT(a.rc, 0);
	CHECK_EQ_INT(b.rc, 0);
	int64_t pairs[10][2];
	for (int i = 0; i < 5; i++) {
		pairs[i][0] = a.id[i], pairs[i][1] = a.previous[i];
		pairs[5 + i][0] = b.id[i], pairs[5 + i][1] = b.previous[i];
	}
	qsort(pairs, 10, sizeof pairs[0], by_id);
	CHECK_EQ_INT(pairs[0][1], 0);
	for (int i = 1; i < 10; i++)
		CHECK_EQ_INT(pairs[i][1], pairs[i - 1][0]);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM list_versions WHERE source = 'race'"), 10);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM list_versions WHERE active = 1"), 1);
	CHECK_EQ_INT(store_fixture_int("SELECT id FROM list_versions WHERE active = 1"), pairs[9][0]);
	CHECK_EQ_INT(store_fixture_int("SELECT count(*) FROM entities"), 20000);
	cleanup();
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}


/*
 * Imports `l`, loads the version back and prints both times; the import must take seconds,
 * not minutes (generous under sanitizers). Returns the loaded list or NULL.
 */
static em_list *timed_round_trip(em_store *s, const em_list *l, const char *label)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	em_import_result r;
	CHECK_EQ_INT(em_store_import(s, l, NULL, &r), 0);
	double import_s = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	em_list *back = NULL;
	CHECK_EQ_INT(em_store_load_version(s, r.version_id, &back), 0);
	double load_s = seconds_since(&t0);
	printf("     %s, %zu entities: import %.3f s, load %.3f s\n", label, em_list_count(l), import_s,
	       load_s);
	/* Only printed: speed is measured by bench/bench_lists, never asserted in a test. */
	return back;
}

/* 15,000 built entities go in one transaction and come back. */
static void large_import_round_trip(void)
{
	em_store *s = open_fresh();
	em_list *l = make_list("big", 1, 15000, 1);
	CHECK(l != NULL);
	em_list *back = l ? timed_round_trip(s, l, "built list") : NULL;
	CHECK_EQ_INT(em_list_count(back), 15000);
	em_list_free(back);
	em_list_free(l);
	close_fresh(s);
}

/* A real list file goes in and comes back entity for entity, byte for byte. */
static void real_round_trip(const char *rel)
{
	em_store *s = open_fresh();
	em_list *l = NULL;
	CHECK_EQ_INT(em_list_read_file(&l, shared_path(rel), NULL), 0);
	if (!l) {
		fprintf(stderr, "%s\n", em_error_last()->message);
		close_fresh(s);
		return;
	}
	em_list *back = timed_round_trip(s, l, rel);
	CHECK(back != NULL);
	if (back) {
		CHECK_EQ_INT(em_list_count(back), em_list_count(l));
		CHECK_EQ_STR(em_list_sha256(back), em_list_sha256(l));
		CHECK_EQ_STR(em_list_source(back), em_list_source(l));
	}
	size_t differ = 0;
	for (size_t i = 0; i < em_list_count(l) && i < em_list_count(back); i++) {
		char *a = em_entity_to_json(em_list_entity(l, i));
		char *b = em_entity_to_json(em_list_entity(back, i));
		if (!a || !b || strcmp(a, b) != 0) {
			if (!differ)
				fprintf(stderr, "first difference at entity %zu:\n  %s\n  %s\n", i, a, b);
			differ++;
		}
		free(a);
		free(b);
	}
	CHECK_EQ_INT(differ, 0);
	em_list_free(back);
	em_list_free(l);
	close_fresh(s);
}

/* SDN snapshot (primary records only) and a full set with aliases, addresses and ids. */
static void real_sdn_round_trip(void)
{
	real_round_trip("data/ofac/sdn-history/sdn-2024-05-03.csv");
	real_round_trip("data/ofac/sdn-2021/sdn.csv");
}

/* em_active_lists_read reads the files in parallel; the result is as if read one by one, in the
 * order given, and a failure names the first file that failed, in that order. */
static void reading_files_in_parallel(void)
{
	static const char *const rel[] = {"data/ofac/sdn-history/sdn-2024-05-03.csv", "data/un/consolidated.xml",
					  "data/bis/dpl.txt", "data/us-csl/csl-sample.csv"};
	enum { N = sizeof rel / sizeof rel[0] };
	char *paths[N + 1];
	for (size_t i = 0; i < N; i++)
		paths[i] = strdup(shared_path(rel[i]));
	paths[N] = strdup(fixture_path("golden/list.csv"));
	em_active_lists all;
	CHECK_EQ_INT(em_active_lists_read(&all, (const char *const *)paths, N + 1), 0);
	CHECK_EQ_INT(all.versions.count, N + 1);
	for (size_t i = 0; i < N + 1 && i < all.versions.count; i++) {
		em_list *one = NULL;
		CHECK_EQ_INT(em_list_read_file(&one, paths[i], NULL), 0);
		CHECK_EQ_STR(em_list_sha256(all.lists[i]), em_list_sha256(one));
		CHECK_EQ_INT(em_list_count(all.lists[i]), em_list_count(one));
		CHECK_EQ_STR(all.versions.items[i].path, paths[i]);
		em_list_free(one);
	}
	em_active_lists_free(&all);
	/* Two bad files among good ones: the first bad one in the order given is reported. */
	const char *mixed[] = {paths[0], "/nonexistent/first.csv", paths[2], "/nonexistent/second.csv"};
	CHECK(em_active_lists_read(&all, mixed, 4) != 0);
	CHECK(strstr(em_error_last()->message, "first.csv") != NULL);
	CHECK(all.lists == NULL && all.versions.count == 0);
	for (size_t i = 0; i < N + 1; i++)
		free(paths[i]);
}

int main(void)
{
	RUN(reading_files_in_parallel);
	RUN(import_versions_and_activation);
	RUN(unchanged_import);
	RUN(sharp_drop_is_refused);
	RUN(failed_import_leaves_active_version);
	RUN(exact_round_trip);
	RUN(reopen_and_settings);
	RUN(resolve_references);
	RUN(concurrent_imports);
	RUN(urls_and_refusals);
	RUN(default_location);
	RUN(large_import_round_trip);
	RUN(real_sdn_round_trip);
	return TEST_REPORT();
}
