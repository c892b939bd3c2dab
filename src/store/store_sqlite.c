/*
 * store_sqlite.c: the SQLite backend of the list store (one file, the embedded default).
 * The database runs in WAL mode so readers never wait for an import, with a busy timeout so
 * two writers queue instead of failing, and with foreign keys enforced. Every write is one
 * BEGIN IMMEDIATE transaction: the write lock is taken before the active version is read,
 * so two processes importing the same source cannot both decide on a stale state. Statements
 * are prepared once per connection and reused; a whole import is one transaction, which is
 * what makes 15,000 entities take a fraction of a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "backend.h"

/* How long a writer waits for another one before giving up (ms). */
#define BUSY_TIMEOUT_MS 10000

struct em_backend {
	sqlite3 *db;
	char *path;
	sqlite3_stmt **stmts; /* prepared on first use, indexed by enum stmt_id */
};

/*
 * Numbered migrations, applied in order on open; the same numbers and logical tables as
 * every other backend. Text columns hold ISO 8601 UTC times; `active` is 0/1. Never edit an
 * applied migration: add the next number.
 */
static const struct {
	int version;
	const char *sql;
} migrations[] = {
	{1, "CREATE TABLE list_versions ("
	    " id INTEGER PRIMARY KEY,"
	    " source TEXT NOT NULL,"
	    " format TEXT NOT NULL,"
	    " sha256 TEXT NOT NULL,"
	    " path TEXT NOT NULL,"
	    " retrieved_at TEXT NOT NULL,"
	    " imported_at TEXT NOT NULL,"
	    " published TEXT,"
	    " entity_count INTEGER NOT NULL,"
	    " active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)));"
	    "CREATE INDEX list_versions_by_source ON list_versions (source, id);"
	    /* at most one active version per source, whatever a buggy writer does */
	    "CREATE UNIQUE INDEX list_versions_one_active ON list_versions (source) WHERE active = 1;"
	    "CREATE TABLE entities ("
	    " version_id INTEGER NOT NULL REFERENCES list_versions (id) ON DELETE CASCADE,"
	    " seq INTEGER NOT NULL,"
	    " source_id TEXT NOT NULL,"
	    " type TEXT NOT NULL,"
	    " primary_name TEXT,"
	    " json TEXT NOT NULL,"
	    " PRIMARY KEY (version_id, source_id));"
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"},
	/* API keys, the audit trail, alerts and their decisions, customers (em_audit.h). The
	 * screenings and decisions are append-only: triggers refuse updates and deletes. */
	{2, "CREATE TABLE api_keys ("
	    " id INTEGER PRIMARY KEY,"
	    " name TEXT NOT NULL,"
	    " role TEXT NOT NULL CHECK (role IN ('screen', 'analyst', 'admin')),"
	    " key_id TEXT NOT NULL UNIQUE,"
	    " salt TEXT NOT NULL,"
	    " hash TEXT NOT NULL,"
	    " created_at TEXT NOT NULL,"
	    " revoked_at TEXT);"
	    "CREATE UNIQUE INDEX api_keys_valid_name ON api_keys (name) WHERE revoked_at IS NULL;"
	    "CREATE TABLE screenings ("
	    " id INTEGER PRIMARY KEY,"
	    " screened_at TEXT NOT NULL,"
	    " who TEXT NOT NULL,"
	    " channel TEXT NOT NULL,"
	    " node TEXT NOT NULL,"
	    " customer_ref TEXT,"
	    " query TEXT NOT NULL,"
	    " lists TEXT NOT NULL,"
	    " threshold REAL NOT NULL,"
	    " match_count INTEGER NOT NULL,"
	    " results TEXT NOT NULL);"
	    "CREATE INDEX screenings_by_time ON screenings (screened_at);"
	    "CREATE TRIGGER screenings_no_update BEFORE UPDATE ON screenings"
	    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	    "CREATE TRIGGER screenings_no_delete BEFORE DELETE ON screenings"
	    " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	    "CREATE TABLE alerts ("
	    " id INTEGER PRIMARY KEY,"
	    " screening_id INTEGER NOT NULL REFERENCES screenings (id),"
	    " opened_at TEXT NOT NULL,"
	    " customer_ref TEXT,"
	    " query_name TEXT NOT NULL,"
	    " source TEXT NOT NULL,"
	    " source_id TEXT NOT NULL,"
	    " entity_name TEXT NOT NULL,"
	    " entity_hash TEXT NOT NULL,"
	    " list_version_id INTEGER,"
	    " score REAL NOT NULL,"
	    " status TEXT NOT NULL DEFAULT 'open'"
	    "  CHECK (status IN ('open', 'true_match', 'false_positive')),"
	    " decided_at TEXT,"
	    " decided_by TEXT,"
	    " reason TEXT);"
	    "CREATE INDEX alerts_by_status ON alerts (status, id);"
	    "CREATE INDEX alerts_by_party ON alerts (customer_ref, source, source_id, id);"
	    "CREATE TABLE alert_decisions ("
	    " id INTEGER PRIMARY KEY,"
	    " alert_id INTEGER NOT NULL REFERENCES alerts (id),"
	    " decided_at TEXT NOT NULL,"
	    " decided_by TEXT NOT NULL,"
	    " decision TEXT NOT NULL CHECK (decision IN ('true_match', 'false_positive')),"
	    " reason TEXT);"
	    "CREATE INDEX alert_decisions_by_alert ON alert_decisions (alert_id);"
	    "CREATE TRIGGER alert_decisions_no_update BEFORE UPDATE ON alert_decisions"
	    " BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	    "CREATE TRIGGER alert_decisions_no_delete BEFORE DELETE ON alert_decisions"
	    " BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;"
	    "CREATE TABLE customers ("
	    " ref TEXT PRIMARY KEY,"
	    " name TEXT NOT NULL,"
	    " type TEXT,"
	    " dob TEXT,"
	    " country TEXT,"
	    " ids TEXT NOT NULL,"
	    " first_screened_at TEXT NOT NULL,"
	    " last_screened_at TEXT NOT NULL);"
	    "CREATE TABLE customer_matches ("
	    " customer_ref TEXT NOT NULL REFERENCES customers (ref) ON DELETE CASCADE,"
	    " source TEXT NOT NULL,"
	    " source_id TEXT NOT NULL,"
	    " entity_hash TEXT NOT NULL,"
	    " score REAL NOT NULL,"
	    " PRIMARY KEY (customer_ref, source, source_id));"},
	/* What a screening screened: a party, or an order line (goods). Rows before it are parties. */
	{3, "ALTER TABLE screenings ADD COLUMN kind TEXT NOT NULL DEFAULT 'party'"
	    " CHECK (kind IN ('party', 'goods'));"},
	/* The work queue (em_work.h): jobs cut into chunks of customer references. */
	{4, "CREATE TABLE work_jobs ("
	    " id INTEGER PRIMARY KEY,"
	    " kind TEXT NOT NULL,"
	    " created_at TEXT NOT NULL,"
	    " chunks INTEGER NOT NULL,"
	    " items INTEGER NOT NULL);"
	    "CREATE TABLE work_chunks ("
	    " id INTEGER PRIMARY KEY,"
	    " job_id INTEGER NOT NULL REFERENCES work_jobs (id),"
	    " after_ref TEXT,"
	    " last_ref TEXT NOT NULL,"
	    " items INTEGER NOT NULL,"
	    " status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done')),"
	    " lease_owner TEXT,"
	    " lease_expires TEXT,"
	    " attempts INTEGER NOT NULL DEFAULT 0,"
	    " done_at TEXT);"
	    "CREATE INDEX work_chunks_by_job ON work_chunks (job_id);"
	    "CREATE INDEX work_chunks_open ON work_chunks (id) WHERE status <> 'done';"},
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

#define VERSION_COLUMNS \
	"id, source, format, sha256, path, retrieved_at, imported_at, published, entity_count, active"

enum stmt_id {
	ST_ACTIVE_OF,
	ST_INSERT_VERSION,
	ST_INSERT_ENTITY,
	ST_DEACTIVATE,
	ST_ACTIVATE,
	ST_VERSIONS,
	ST_LOAD,
	ST_SOURCE_OF,
	ST_GET_ENTITY,
	ST_META_GET,
	ST_META_SET,
	ST_INSERT_SCREENING,
	ST_UPSERT_CUSTOMER,
	ST_PRIOR_MATCH,
	ST_LATEST_ALERT,
	ST_INSERT_ALERT,
	ST_CLEAR_MATCHES,
	ST_INSERT_MATCH,
	ST_AUDIT_SCAN,
	ST_ALERTS,
	ST_ALERTS_COUNT,
	ST_ALERT_STATUS,
	ST_INSERT_DECISION,
	ST_SET_DECISION,
	ST_CUSTOMERS,
	ST_KEY_ADD,
	ST_KEY_NAME_TAKEN,
	ST_KEYS,
	ST_KEY_REVOKE,
	ST_JOB_INSERT,
	ST_CHUNK_INSERT,
	ST_CHUNK_CLAIM,
	ST_CHUNK_RENEW,
	ST_CHUNK_HOLDER,
	ST_CHUNK_DONE,
	ST_JOB_PROGRESS,
	ST_COUNT
};

#define ALERT_COLUMNS \
	"id, screening_id, opened_at, customer_ref, query_name, source, source_id, entity_name," \
	" entity_hash, list_version_id, score, status, decided_at, decided_by, reason"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ACTIVE_OF] = "SELECT " VERSION_COLUMNS " FROM list_versions WHERE source = ?1 AND active = 1",
	[ST_INSERT_VERSION] = "INSERT INTO list_versions (source, format, sha256, path, retrieved_at,"
			      " imported_at, published, entity_count, active)"
			      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0) RETURNING id",
	[ST_INSERT_ENTITY] = "INSERT INTO entities (version_id, seq, source_id, type, primary_name, json)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_DEACTIVATE] = "UPDATE list_versions SET active = 0 WHERE source = ?1 AND active = 1",
	[ST_ACTIVATE] = "UPDATE list_versions SET active = 1 WHERE id = ?1",
	[ST_VERSIONS] = "SELECT " VERSION_COLUMNS " FROM list_versions"
			" WHERE (?1 = 0 OR id = ?1) AND (?2 IS NULL OR source = ?2)"
			" AND (?3 = 0 OR active = 1) ORDER BY id DESC",
	[ST_LOAD] = "SELECT json FROM entities WHERE version_id = ?1 ORDER BY seq",
	[ST_SOURCE_OF] = "SELECT source FROM list_versions WHERE id = ?1",
	[ST_GET_ENTITY] = "SELECT e.json FROM entities e JOIN list_versions v ON v.id = e.version_id"
			  " WHERE v.source = ?1 AND v.active = 1 AND e.source_id = ?2",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2)"
			" ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_INSERT_SCREENING] = "INSERT INTO screenings (screened_at, who, channel, node, customer_ref, query,"
				" lists, threshold, match_count, results, kind)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
	[ST_UPSERT_CUSTOMER] = "INSERT INTO customers (ref, name, type, dob, country, ids, first_screened_at,"
			       " last_screened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"
			       " ON CONFLICT (ref) DO UPDATE SET name = excluded.name, type = excluded.type,"
			       " dob = excluded.dob, country = excluded.country, ids = excluded.ids,"
			       " last_screened_at = excluded.last_screened_at",
	[ST_PRIOR_MATCH] = "SELECT entity_hash FROM customer_matches"
			   " WHERE customer_ref = ?1 AND source = ?2 AND source_id = ?3",
	[ST_LATEST_ALERT] = "SELECT id, status, entity_hash FROM alerts"
			    " WHERE customer_ref = ?1 AND source = ?2 AND source_id = ?3 ORDER BY id DESC LIMIT 1",
	[ST_INSERT_ALERT] = "INSERT INTO alerts (screening_id, opened_at, customer_ref, query_name, source,"
			    " source_id, entity_name, entity_hash, list_version_id, score)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
	[ST_CLEAR_MATCHES] = "DELETE FROM customer_matches WHERE customer_ref = ?1",
	[ST_INSERT_MATCH] = "INSERT INTO customer_matches (customer_ref, source, source_id, entity_hash, score)"
			    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (customer_ref, source, source_id) DO UPDATE SET"
			    " entity_hash = excluded.entity_hash, score = max(score, excluded.score)",
	[ST_AUDIT_SCAN] = "SELECT id, screened_at, who, channel, node, customer_ref, query, lists, results,"
			  " threshold, match_count, kind FROM screenings"
			  " WHERE (?1 IS NULL OR screened_at >= ?1) AND (?2 IS NULL OR screened_at <= ?2)"
			  " ORDER BY id",
	[ST_ALERTS] = "SELECT " ALERT_COLUMNS " FROM alerts"
		      " WHERE (?1 = 0 OR id = ?1) AND (?2 IS NULL OR status = ?2)"
		      " AND (?3 IS NULL OR customer_ref = ?3) AND (?4 = 0 OR id < ?4)"
		      " ORDER BY id DESC LIMIT ?5",
	[ST_ALERTS_COUNT] = "SELECT status, count(*) FROM alerts GROUP BY status",
	[ST_ALERT_STATUS] = "SELECT status FROM alerts WHERE id = ?1",
	[ST_INSERT_DECISION] = "INSERT INTO alert_decisions (alert_id, decided_at, decided_by, decision, reason)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_SET_DECISION] = "UPDATE alerts SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5"
			    " WHERE id = ?1",
	[ST_CUSTOMERS] = "SELECT ref, name, type, dob, country, ids, last_screened_at FROM customers"
			 " WHERE (?1 IS NULL OR ref > ?1) ORDER BY ref LIMIT ?2",
	[ST_KEY_ADD] = "INSERT INTO api_keys (name, role, key_id, salt, hash, created_at)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_KEY_NAME_TAKEN] = "SELECT count(*) FROM api_keys WHERE name = ?1 AND revoked_at IS NULL",
	[ST_KEYS] = "SELECT id, name, role, key_id, salt, hash, created_at, revoked_at FROM api_keys ORDER BY id",
	[ST_KEY_REVOKE] = "UPDATE api_keys SET revoked_at = ?2"
			  " WHERE (name = ?1 OR key_id = ?1) AND revoked_at IS NULL",
	[ST_JOB_INSERT] = "INSERT INTO work_jobs (kind, created_at, chunks, items) VALUES (?1, ?2, ?3, ?4) RETURNING id",
	[ST_CHUNK_INSERT] = "INSERT INTO work_chunks (job_id, after_ref, last_ref, items) VALUES (?1, ?2, ?3, ?4)",
	[ST_CHUNK_CLAIM] = "UPDATE work_chunks SET status = 'claimed', lease_owner = ?1, lease_expires = ?3,"
			   " attempts = attempts + 1"
			   " WHERE id = (SELECT id FROM work_chunks WHERE status = 'pending'"
			   "  OR (status = 'claimed' AND lease_expires < ?2) ORDER BY id LIMIT 1)"
			   " RETURNING id, job_id, after_ref, last_ref, items, attempts",
	[ST_CHUNK_RENEW] = "UPDATE work_chunks SET lease_expires = ?3"
			   " WHERE id = ?1 AND lease_owner = ?2 AND status = 'claimed'",
	[ST_CHUNK_HOLDER] = "SELECT count(*) FROM work_chunks WHERE id = ?1 AND status = 'claimed' AND lease_owner = ?2",
	[ST_CHUNK_DONE] = "UPDATE work_chunks SET status = 'done', done_at = ?2 WHERE id = ?1",
	[ST_JOB_PROGRESS] = "SELECT (SELECT count(*) FROM work_jobs WHERE id = ?1), count(*),"
			    " sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),"
			    " sum(CASE WHEN status = 'claimed' THEN 1 ELSE 0 END),"
			    " sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), sum(items),"
			    " sum(CASE WHEN status = 'done' THEN items ELSE 0 END)"
			    " FROM work_chunks WHERE job_id = ?1",
};

/* Records an SQLite failure: the store path, what was being done, SQLite's own message. */
static int db_fail(em_backend *b, const char *what)
{
	int code = sqlite3_errcode(b->db);
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return em_fail(EM_ESTORE, "%s: %s: the store stayed locked by another process for %d s",
			       b->path, what, BUSY_TIMEOUT_MS / 1000);
	return em_fail(EM_ESTORE, "%s: %s: %s", b->path, what, sqlite3_errmsg(b->db));
}

static int exec(em_backend *b, const char *sql, const char *what)
{
	return sqlite3_exec(b->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(b, what);
}

static int begin_write(em_backend *b)
{
	return exec(b, "BEGIN IMMEDIATE", "starting a write transaction");
}

static int commit(em_backend *b)
{
	return exec(b, "COMMIT", "committing");
}

/* Rolls back when a transaction is open; keeps the caller's error message and code. */
static int rollback(em_backend *b, int rc)
{
	if (!sqlite3_get_autocommit(b->db))
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The prepared statement `id`, reset and unbound; NULL (message set) on failure. */
static sqlite3_stmt *stmt(em_backend *b, enum stmt_id id)
{
	if (!b->stmts[id] &&
	    sqlite3_prepare_v3(b->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &b->stmts[id], NULL) !=
		    SQLITE_OK) {
		db_fail(b, "preparing a statement");
		return NULL;
	}
	return b->stmts[id];
}

/* Ends a use of a statement: releases its read position and bindings. */
static void done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Reads a row of VERSION_COLUMNS; the strings live until the statement moves on. */
static void read_version(sqlite3_stmt *st, em_version_info *v)
{
	v->id = sqlite3_column_int64(st, 0);
	v->source = col_text(st, 1);
	v->format = col_text(st, 2);
	v->sha256 = col_text(st, 3);
	v->path = col_text(st, 4);
	v->retrieved_at = col_text(st, 5);
	v->imported_at = col_text(st, 6);
	v->published = col_text(st, 7);
	sqlite3_int64 n = sqlite3_column_int64(st, 8);
	v->entity_count = n > 0 ? (size_t)n : 0;
	v->active = sqlite3_column_int(st, 9) != 0;
}

/* One integer from a query without parameters; *out = 0 when there is no row or it is NULL. */
static int query_int(em_backend *b, const char *sql, sqlite3_int64 *out)
{
	sqlite3_stmt *st;
	*out = 0;
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(b, "reading the schema");
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(b, "reading the schema");
}

/* Brings the schema up to date in one transaction; refuses databases that are not ours. */
static int migrate(em_backend *b)
{
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_int64 ours, tables, have;
	if ((rc = query_int(b, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			       " AND name = 'schema_migrations'", &ours)) ||
	    (rc = query_int(b, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
			       " AND name NOT LIKE 'sqlite_%'", &tables)))
		return rollback(b, rc);
	if (!ours && tables)
		return rollback(b, em_fail(EM_ESTORE, "%s: not an embargo store (the database has "
						  "other tables and no schema_migrations)", b->path));
	if ((rc = exec(b, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			  " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
		       "creating schema_migrations")) ||
	    (rc = query_int(b, "SELECT max(version) FROM schema_migrations", &have)))
		return rollback(b, rc);
	if (have > migrations[N_MIGRATIONS - 1].version)
		return rollback(b, em_fail(EM_ESTORE, "%s: the store has schema version %lld, newer than "
						  "this program knows (%d); upgrade embargo", b->path,
					   (long long)have, migrations[N_MIGRATIONS - 1].version));
	char now[32];
	em_store_now(now);
	for (size_t i = 0; i < N_MIGRATIONS; i++) {
		if (migrations[i].version <= have)
			continue;
		char what[64];
		snprintf(what, sizeof what, "applying migration %d", migrations[i].version);
		if ((rc = exec(b, migrations[i].sql, what)))
			return rollback(b, rc);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(b->db, "INSERT INTO schema_migrations (version, applied_at)"
					      " VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK)
			return rollback(b, db_fail(b, what));
		sqlite3_bind_int(st, 1, migrations[i].version);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		int r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r != SQLITE_DONE)
			return rollback(b, db_fail(b, what));
	}
	if ((rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static void sqlite_close(em_backend *b)
{
	if (!b)
		return;
	if (b->stmts)
		for (int i = 0; i < ST_COUNT; i++)
			sqlite3_finalize(b->stmts[i]);
	free(b->stmts);
	sqlite3_close(b->db);
	free(b->path);
	free(b);
}


/*
 * Switches the file to WAL. Two connections opening a new store at once can find the file
 * locked here without SQLite's busy handler being called (the switch needs the file to
 * itself), so a busy answer is retried until the usual busy timeout.
 */
static int set_wal(em_backend *b)
{
	for (int waited = 0;; waited += 10) {
		sqlite3_stmt *st = NULL;
		int r = sqlite3_prepare_v2(b->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
		if (r == SQLITE_OK)
			r = sqlite3_step(st);
		sqlite3_finalize(st);
		if (r == SQLITE_ROW)
			return 0;
		if (((r & 0xff) != SQLITE_BUSY && (r & 0xff) != SQLITE_LOCKED) || waited >= BUSY_TIMEOUT_MS)
			return db_fail(b, "cannot use the store");
		sqlite3_sleep(10);
	}
}

static int sqlite_open(em_backend **out, const char *path)
{
	*out = NULL;
	em_backend *b = calloc(1, sizeof *b);
	if (!b || !(b->path = strdup(path)) || !(b->stmts = calloc(ST_COUNT, sizeof *b->stmts))) {
		sqlite_close(b);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	int r = sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (r != SQLITE_OK) {
		int rc = b->db ? db_fail(b, "cannot open the store")
			       : em_fail(EM_ENOMEM, "%s: out of memory opening the store", path);
		sqlite_close(b);
		return rc;
	}
	sqlite3_extended_result_codes(b->db, 1);
	sqlite3_busy_timeout(b->db, BUSY_TIMEOUT_MS);
	/* WAL: readers keep working during an import. The first statement that touches the file
	 * is also where "file is not a database" shows up. */
	int rc = set_wal(b);
	if (!rc)
		rc = exec(b, "PRAGMA foreign_keys = ON", "enabling foreign keys");
	if (!rc)
		rc = migrate(b);
	if (rc) {
		sqlite_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* Makes version `id` of `source` the only active one; inside the caller's transaction. */
static int switch_active(em_backend *b, const char *source, int64_t id)
{
	sqlite3_stmt *st = stmt(b, ST_DEACTIVATE);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, source);
	int r = sqlite3_step(st);
	done(st);
	if (r != SQLITE_DONE)
		return db_fail(b, "deactivating the previous version");
	if (!(st = stmt(b, ST_ACTIVATE)))
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	done(st);
	if (r != SQLITE_DONE)
		return db_fail(b, "activating the new version");
	return 0;
}

static int insert_rows(em_backend *b, int64_t id, const em_store_new_version *v)
{
	sqlite3_stmt *st = stmt(b, ST_INSERT_ENTITY);
	if (!st)
		return EM_ESTORE;
	for (size_t i = 0; i < v->n_rows; i++) {
		const em_store_row *row = &v->rows[i];
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_text(st, 3, row->source_id);
		bind_text(st, 4, row->type);
		bind_text(st, 5, row->primary_name);
		sqlite3_bind_text(st, 6, row->json, (int)row->json_len, SQLITE_STATIC);
		int r = sqlite3_step(st);
		sqlite3_reset(st);
		if (r != SQLITE_DONE) {
			char what[256];
			snprintf(what, sizeof what, "storing entity %zu (id '%s')", i + 1, row->source_id);
			int rc = db_fail(b, what);
			sqlite3_clear_bindings(st);
			return rc;
		}
	}
	sqlite3_clear_bindings(st);
	return 0;
}

static int sqlite_import(em_backend *b, const em_store_new_version *v, em_store_import_check check,
			 void *ctx, int64_t *id)
{
	*id = 0;
	int max_len = sqlite3_limit(b->db, SQLITE_LIMIT_LENGTH, -1);
	for (size_t i = 0; i < v->n_rows; i++)
		if (v->rows[i].json_len >= (size_t)max_len)
			return em_fail(EM_ELIMIT, "%s: entity '%s' is too large to store (%zu bytes)",
				       b->path, v->rows[i].source_id, v->rows[i].json_len);
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_stmt *st = stmt(b, ST_ACTIVE_OF);
	if (!st)
		return rollback(b, EM_ESTORE);
	bind_text(st, 1, v->source);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		em_version_info active;
		read_version(st, &active);
		rc = check(ctx, &active);
		if (rc == EM_STORE_UNCHANGED)
			*id = active.id;
	} else if (r == SQLITE_DONE) {
		rc = check(ctx, NULL);
	} else {
		rc = db_fail(b, "reading the active version");
	}
	done(st);
	if (rc)
		return rollback(b, rc);

	if (!(st = stmt(b, ST_INSERT_VERSION)))
		return rollback(b, EM_ESTORE);
	bind_text(st, 1, v->source);
	bind_text(st, 2, v->format);
	bind_text(st, 3, v->sha256);
	bind_text(st, 4, v->path);
	bind_text(st, 5, v->retrieved_at);
	bind_text(st, 6, v->imported_at);
	bind_text(st, 7, v->published);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)v->n_rows);
	r = sqlite3_step(st);
	int64_t new_id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (r == SQLITE_ROW)
		r = sqlite3_step(st);
	done(st);
	if (r != SQLITE_DONE || new_id <= 0)
		return rollback(b, db_fail(b, "storing the list version"));
	if ((rc = insert_rows(b, new_id, v)) || (v->activate && (rc = switch_active(b, v->source, new_id))) ||
	    (rc = commit(b)))
		return rollback(b, rc);
	*id = new_id;
	return 0;
}

static int sqlite_versions(em_backend *b, const em_version_filter *f, em_version_set *out)
{
	sqlite3_stmt *st = stmt(b, ST_VERSIONS);
	if (!st)
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, f->id);
	bind_text(st, 2, f->source);
	sqlite3_bind_int(st, 3, f->active_only ? 1 : 0);
	int r, rc = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		em_version_info v;
		read_version(st, &v);
		rc = em_version_set_add(out, &v);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(b, "listing versions");
	done(st);
	return rc;
}

static int sqlite_load(em_backend *b, int64_t version_id, em_store_row_fn row, void *ctx)
{
	sqlite3_stmt *st = stmt(b, ST_LOAD);
	if (!st)
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, version_id);
	int r, rc = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(ctx, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(b, "loading entities");
	done(st);
	return rc;
}

static int sqlite_activate(em_backend *b, int64_t version_id)
{
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_stmt *st = stmt(b, ST_SOURCE_OF);
	if (!st)
		return rollback(b, EM_ESTORE);
	sqlite3_bind_int64(st, 1, version_id);
	int r = sqlite3_step(st);
	char *source = r == SQLITE_ROW ? strdup(col_text(st, 0)) : NULL;
	done(st);
	if (r == SQLITE_DONE)
		return rollback(b, em_fail(EM_ENOTFOUND, "no list version %lld in the store",
					   (long long)version_id));
	if (r != SQLITE_ROW)
		return rollback(b, db_fail(b, "reading the version"));
	if (!source)
		return rollback(b, em_fail(EM_ENOMEM, "out of memory"));
	rc = switch_active(b, source, version_id);
	free(source);
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

/* Runs a one-row, one-text-column query; *out is a malloc'd copy. */
static int query_text(em_backend *b, sqlite3_stmt *st, char **out, const char *what)
{
	int r = sqlite3_step(st);
	int rc = 0;
	if (r == SQLITE_ROW) {
		*out = strdup(col_text(st, 0) ? col_text(st, 0) : "");
		if (!*out)
			rc = em_fail(EM_ENOMEM, "out of memory");
	} else if (r == SQLITE_DONE) {
		rc = EM_ENOTFOUND;
	} else {
		rc = db_fail(b, what);
	}
	done(st);
	return rc;
}

static int sqlite_get_entity(em_backend *b, const char *source, const char *source_id, char **json)
{
	sqlite3_stmt *st = stmt(b, ST_GET_ENTITY);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, source);
	bind_text(st, 2, source_id);
	int rc = query_text(b, st, json, "reading an entity");
	if (rc == EM_ENOTFOUND)
		em_fail(rc, "list '%s' has no entity '%s' in its active version", source, source_id);
	return rc;
}

static int sqlite_meta_get(em_backend *b, const char *key, char **value)
{
	sqlite3_stmt *st = stmt(b, ST_META_GET);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, key);
	int rc = query_text(b, st, value, "reading a setting");
	if (rc == EM_ENOTFOUND)
		em_fail(rc, "setting '%s' is not set", key);
	return rc;
}

static int sqlite_meta_set(em_backend *b, const char *key, const char *value)
{
	sqlite3_stmt *st = stmt(b, ST_META_SET);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	int r = sqlite3_step(st);
	done(st);
	return r == SQLITE_DONE ? 0 : db_fail(b, "writing a setting");
}

/* --- audit trail, alerts, customers, keys ------------------------------------------------ */

static void bind_id_or_null(sqlite3_stmt *st, int i, int64_t id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a statement that returns one id (INSERT ... RETURNING id); 0 on failure. */
static int64_t step_id(sqlite3_stmt *st)
{
	int64_t id = 0;
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		r = sqlite3_step(st);
	}
	done(st);
	return r == SQLITE_DONE ? id : 0;
}

/* Runs a statement that returns no rows. */
static int step_done(em_backend *b, sqlite3_stmt *st, const char *what)
{
	int r = sqlite3_step(st);
	done(st);
	return r == SQLITE_DONE ? 0 : db_fail(b, what);
}

static int upsert_customer(em_backend *b, const em_store_screening_row *s)
{
	sqlite3_stmt *st = stmt(b, ST_UPSERT_CUSTOMER);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, s->customer_ref);
	bind_text(st, 2, s->query_name);
	bind_text(st, 3, s->query_type);
	bind_text(st, 4, s->query_dob);
	bind_text(st, 5, s->query_country);
	bind_text(st, 6, s->query_ids_json ? s->query_ids_json : "[]");
	bind_text(st, 7, s->screened_at);
	return step_done(b, st, "storing the customer");
}

/* The customer's previous match with the entity and latest alert for it, into *p. The
 * strings live in buffers the caller passes (the statements move on). */
static int read_prior(em_backend *b, const em_store_screening_row *s, const em_store_alert_row *a,
		      em_store_prior *p, char match_hash[65], char alert_hash[65])
{
	memset(p, 0, sizeof *p);
	sqlite3_stmt *st = stmt(b, ST_PRIOR_MATCH);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, s->customer_ref);
	bind_text(st, 2, a->source);
	bind_text(st, 3, a->source_id);
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		snprintf(match_hash, 65, "%s", col_text(st, 0) ? col_text(st, 0) : "");
		p->match_hash = match_hash;
	}
	done(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_fail(b, "reading the customer's matches");
	if (!(st = stmt(b, ST_LATEST_ALERT)))
		return EM_ESTORE;
	bind_text(st, 1, s->customer_ref);
	bind_text(st, 2, a->source);
	bind_text(st, 3, a->source_id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		p->alert_id = sqlite3_column_int64(st, 0);
		int status = em_alert_status_parse(col_text(st, 1));
		p->alert_status = status < 0 ? EM_STATUS_OPEN : (em_alert_status)status;
		snprintf(alert_hash, 65, "%s", col_text(st, 2) ? col_text(st, 2) : "");
		p->alert_hash = alert_hash;
	}
	done(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(b, "reading the customer's alerts");
}

static int insert_alert(em_backend *b, const em_store_screening_row *s, em_store_alert_row *a)
{
	sqlite3_stmt *st = stmt(b, ST_INSERT_ALERT);
	if (!st)
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, s->id);
	bind_text(st, 2, s->screened_at);
	bind_text(st, 3, s->customer_ref);
	bind_text(st, 4, s->query_name);
	bind_text(st, 5, a->source);
	bind_text(st, 6, a->source_id);
	bind_text(st, 7, a->entity_name);
	bind_text(st, 8, a->entity_hash);
	bind_id_or_null(st, 9, a->list_version_id);
	sqlite3_bind_double(st, 10, a->score);
	if (!(a->result.alert_id = step_id(st)))
		return db_fail(b, "opening an alert");
	return 0;
}

/* Replaces the customer's matches with this screening's alerting matches. */
static int replace_matches(em_backend *b, const em_store_screening_row *s)
{
	sqlite3_stmt *st = stmt(b, ST_CLEAR_MATCHES);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, s->customer_ref);
	int rc = step_done(b, st, "replacing the customer's matches");
	for (size_t i = 0; !rc && i < s->n_alerts; i++) {
		if (!(st = stmt(b, ST_INSERT_MATCH)))
			return EM_ESTORE;
		bind_text(st, 1, s->customer_ref);
		bind_text(st, 2, s->alerts[i].source);
		bind_text(st, 3, s->alerts[i].source_id);
		bind_text(st, 4, s->alerts[i].entity_hash);
		sqlite3_bind_double(st, 5, s->alerts[i].score);
		rc = step_done(b, st, "storing the customer's matches");
	}
	return rc;
}

static int record_one(em_backend *b, em_store_screening_row *s, em_store_alert_policy policy)
{
	sqlite3_stmt *st = stmt(b, ST_INSERT_SCREENING);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, s->screened_at);
	bind_text(st, 2, s->who);
	bind_text(st, 3, s->channel);
	bind_text(st, 4, s->node);
	bind_text(st, 5, s->customer_ref);
	bind_text(st, 6, s->query_json);
	bind_text(st, 7, s->lists_json);
	sqlite3_bind_double(st, 8, s->threshold);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)s->match_count);
	bind_text(st, 10, s->results_json);
	bind_text(st, 11, s->kind);
	if (!(s->id = step_id(st)))
		return db_fail(b, "recording the screening");
	int rc = s->customer_ref ? upsert_customer(b, s) : 0;
	for (size_t i = 0; !rc && i < s->n_alerts; i++) {
		em_store_alert_row *a = &s->alerts[i];
		a->result = (em_alert_ref){EM_OUTCOME_OPENED, 0};
		if (s->customer_ref) {
			em_store_prior prior;
			char match_hash[65], alert_hash[65];
			if ((rc = read_prior(b, s, a, &prior, match_hash, alert_hash)))
				break;
			a->result.outcome = policy(s, a, &prior);
			if (a->result.outcome != EM_OUTCOME_NONE)
				a->result.alert_id = prior.alert_id;
		}
		if (a->result.outcome == EM_OUTCOME_OPENED)
			rc = insert_alert(b, s, a);
	}
	if (!rc && s->customer_ref)
		rc = replace_matches(b, s);
	return rc;
}

static int sqlite_record(em_backend *b, em_store_screening_row *rows, size_t n, em_store_alert_policy policy)
{
	int rc = begin_write(b);
	for (size_t i = 0; !rc && i < n; i++)
		rc = record_one(b, &rows[i], policy);
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int sqlite_audit_scan(em_backend *b, const char *from, const char *to, em_audit_fn fn, void *ctx)
{
	sqlite3_stmt *st = stmt(b, ST_AUDIT_SCAN);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, from);
	bind_text(st, 2, to);
	int r, rc = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 n = sqlite3_column_int64(st, 10);
		em_audit_entry e = {sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
				    col_text(st, 4), col_text(st, 5), col_text(st, 6), col_text(st, 7),
				    col_text(st, 8), sqlite3_column_double(st, 9), n > 0 ? (size_t)n : 0,
				    col_text(st, 11)};
		rc = fn(ctx, &e);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(b, "reading the audit trail");
	done(st);
	return rc;
}

static int sqlite_alerts(em_backend *b, const em_alert_filter *f, em_alert_set *out)
{
	sqlite3_stmt *st = stmt(b, ST_ALERTS);
	if (!st)
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, f->id);
	bind_text(st, 2, f->status >= 0 ? em_alert_status_name((em_alert_status)f->status) : NULL);
	bind_text(st, 3, f->customer_ref);
	sqlite3_bind_int64(st, 4, f->before_id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)f->limit);
	int r, rc = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		int status = em_alert_status_parse(col_text(st, 11));
		em_alert a = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), col_text(st, 2),
			      col_text(st, 3), col_text(st, 4), col_text(st, 5), col_text(st, 6),
			      col_text(st, 7), col_text(st, 8), sqlite3_column_int64(st, 9),
			      sqlite3_column_double(st, 10), status < 0 ? EM_STATUS_OPEN : (em_alert_status)status,
			      col_text(st, 12), col_text(st, 13), col_text(st, 14)};
		rc = em_alert_set_add(out, &a);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(b, "listing alerts");
	done(st);
	return rc;
}

static int sqlite_alerts_count(em_backend *b, size_t out[3])
{
	sqlite3_stmt *st = stmt(b, ST_ALERTS_COUNT);
	if (!st)
		return EM_ESTORE;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int status = em_alert_status_parse(col_text(st, 0));
		sqlite3_int64 n = sqlite3_column_int64(st, 1);
		if (status >= 0 && n > 0)
			out[status] = (size_t)n;
	}
	done(st);
	return r == SQLITE_DONE ? 0 : db_fail(b, "counting alerts");
}

static int sqlite_decide(em_backend *b, int64_t id, em_alert_status decision, const char *reason,
			 const char *who, const char *at)
{
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_stmt *st = stmt(b, ST_ALERT_STATUS);
	if (!st)
		return rollback(b, EM_ESTORE);
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	char status[32] = "";
	if (r == SQLITE_ROW)
		snprintf(status, sizeof status, "%s", col_text(st, 0) ? col_text(st, 0) : "");
	done(st);
	if (r == SQLITE_DONE)
		return rollback(b, em_fail(EM_ENOTFOUND, "no alert %lld", (long long)id));
	if (r != SQLITE_ROW)
		return rollback(b, db_fail(b, "reading the alert"));
	if (strcmp(status, "open") != 0)
		return rollback(b, em_fail(EM_EREFUSED, "alert %lld is already decided (%s)", (long long)id, status));
	const char *name = em_alert_status_name(decision);
	if (!(st = stmt(b, ST_INSERT_DECISION)))
		return rollback(b, EM_ESTORE);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, at);
	bind_text(st, 3, who);
	bind_text(st, 4, name);
	bind_text(st, 5, reason);
	if ((rc = step_done(b, st, "recording the decision")))
		return rollback(b, rc);
	if (!(st = stmt(b, ST_SET_DECISION)))
		return rollback(b, EM_ESTORE);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, name);
	bind_text(st, 3, at);
	bind_text(st, 4, who);
	bind_text(st, 5, reason);
	if ((rc = step_done(b, st, "deciding the alert")) || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int sqlite_customers(em_backend *b, const char *after, size_t limit, em_customer_set *out)
{
	sqlite3_stmt *st = stmt(b, ST_CUSTOMERS);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, after);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	int r, rc = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		em_customer c = {col_text(st, 0), col_text(st, 1), col_text(st, 2), col_text(st, 3),
				 col_text(st, 4), NULL, 0, col_text(st, 6)};
		rc = em_customer_set_add(out, &c, col_text(st, 5));
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(b, "listing customers");
	done(st);
	return rc;
}

static int sqlite_set_durability(em_backend *b, int full)
{
	return exec(b, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", "setting durability");
}

static int sqlite_key_add(em_backend *b, const em_api_key *k)
{
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_stmt *st = stmt(b, ST_KEY_NAME_TAKEN);
	if (!st)
		return rollback(b, EM_ESTORE);
	bind_text(st, 1, k->name);
	int r = sqlite3_step(st);
	sqlite3_int64 taken = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	if (r != SQLITE_ROW)
		return rollback(b, db_fail(b, "reading the keys"));
	if (taken)
		return rollback(b, em_fail(EM_EREFUSED, "a valid key called '%s' exists; revoke it first", k->name));
	if (!(st = stmt(b, ST_KEY_ADD)))
		return rollback(b, EM_ESTORE);
	bind_text(st, 1, k->name);
	bind_text(st, 2, em_role_name(k->role));
	bind_text(st, 3, k->key_id);
	bind_text(st, 4, k->salt);
	bind_text(st, 5, k->hash);
	bind_text(st, 6, k->created_at);
	if ((rc = step_done(b, st, "storing the key")) || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int sqlite_keys(em_backend *b, em_key_set *out)
{
	sqlite3_stmt *st = stmt(b, ST_KEYS);
	if (!st)
		return EM_ESTORE;
	int r, rc = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		em_api_key k = {sqlite3_column_int64(st, 0), col_text(st, 1), em_role_parse(col_text(st, 2)),
				col_text(st, 3), col_text(st, 4), col_text(st, 5), col_text(st, 6), col_text(st, 7)};
		rc = em_key_set_add(out, &k);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(b, "listing keys");
	done(st);
	return rc;
}

static int sqlite_key_revoke(em_backend *b, const char *name, const char *at)
{
	sqlite3_stmt *st = stmt(b, ST_KEY_REVOKE);
	if (!st)
		return EM_ESTORE;
	bind_text(st, 1, name);
	bind_text(st, 2, at);
	int rc = step_done(b, st, "revoking the key");
	if (!rc && sqlite3_changes(b->db) == 0)
		rc = em_fail(EM_ENOTFOUND, "no valid key called '%s'", name);
	return rc;
}

/* --- the work queue ------------------------------------------------------------------------ */

static int sqlite_work_enqueue(em_backend *b, const char *kind, const char *now, const em_work_range *ranges,
			       size_t n, int64_t *job_id)
{
	*job_id = 0;
	int rc = begin_write(b);
	if (rc)
		return rc;
	size_t items = 0;
	for (size_t i = 0; i < n; i++)
		items += ranges[i].items;
	sqlite3_stmt *st = stmt(b, ST_JOB_INSERT);
	if (!st)
		return rollback(b, EM_ESTORE);
	bind_text(st, 1, kind);
	bind_text(st, 2, now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)items);
	int64_t id = step_id(st);
	if (!id)
		return rollback(b, db_fail(b, "making the job"));
	for (size_t i = 0; !rc && i < n; i++) {
		if (!(st = stmt(b, ST_CHUNK_INSERT)))
			return rollback(b, EM_ESTORE);
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, ranges[i].after);
		bind_text(st, 3, ranges[i].last);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)ranges[i].items);
		rc = step_done(b, st, "queueing a chunk");
	}
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	*job_id = id;
	return 0;
}

static char *dup_col(sqlite3_stmt *st, int i, int *bad)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	char *s = strdup(col_text(st, i) ? col_text(st, i) : "");
	if (!s)
		*bad = 1;
	return s;
}

/* BEGIN IMMEDIATE makes the claim exclusive: one writer at a time, so no chunk is taken twice. */
static int sqlite_work_claim(em_backend *b, const char *owner, const char *now, const char *expires,
			     em_work_chunk *out)
{
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_stmt *st = stmt(b, ST_CHUNK_CLAIM);
	if (!st)
		return rollback(b, EM_ESTORE);
	bind_text(st, 1, owner);
	bind_text(st, 2, now);
	bind_text(st, 3, expires);
	int r = sqlite3_step(st), bad = 0;
	if (r == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->job_id = sqlite3_column_int64(st, 1);
		out->after = dup_col(st, 2, &bad);
		out->last = dup_col(st, 3, &bad);
		out->items = (size_t)sqlite3_column_int64(st, 4);
		out->attempts = sqlite3_column_int(st, 5);
		if (!(out->kind = strdup("rescreen")))
			bad = 1;
		r = sqlite3_step(st);
	} else if (r == SQLITE_DONE) {
		rc = EM_ENOTFOUND;
	}
	done(st);
	if (r != SQLITE_DONE)
		rc = db_fail(b, "claiming a chunk");
	else if (bad)
		rc = em_fail(EM_ENOMEM, "out of memory");
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int sqlite_work_renew(em_backend *b, int64_t chunk_id, const char *owner, const char *expires)
{
	sqlite3_stmt *st = stmt(b, ST_CHUNK_RENEW);
	if (!st)
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, chunk_id);
	bind_text(st, 2, owner);
	bind_text(st, 3, expires);
	int rc = step_done(b, st, "renewing a lease");
	if (!rc && sqlite3_changes(b->db) == 0)
		rc = em_fail(EM_EREFUSED, "chunk %lld: the lease of '%s' was lost", (long long)chunk_id, owner);
	return rc;
}

static int sqlite_work_complete(em_backend *b, const em_store_chunk_done *c, em_store_screening_row *rows,
				size_t n, em_store_alert_policy policy)
{
	int rc = begin_write(b);
	if (rc)
		return rc;
	sqlite3_stmt *st = stmt(b, ST_CHUNK_HOLDER);
	if (!st)
		return rollback(b, EM_ESTORE);
	sqlite3_bind_int64(st, 1, c->chunk_id);
	bind_text(st, 2, c->owner);
	int r = sqlite3_step(st);
	sqlite3_int64 held = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	if (r != SQLITE_ROW)
		return rollback(b, db_fail(b, "reading the chunk"));
	if (!held)
		return rollback(b, em_fail(EM_EREFUSED, "chunk %lld: '%s' no longer holds it (its lease expired and "
						   "another worker took it); nothing recorded",
					   (long long)c->chunk_id, c->owner));
	for (size_t i = 0; !rc && i < n; i++)
		rc = record_one(b, &rows[i], policy);
	if (!rc) {
		if (!(st = stmt(b, ST_CHUNK_DONE)))
			return rollback(b, EM_ESTORE);
		sqlite3_bind_int64(st, 1, c->chunk_id);
		bind_text(st, 2, c->now);
		rc = step_done(b, st, "completing the chunk");
	}
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int sqlite_work_progress(em_backend *b, int64_t job_id, em_work_progress *out)
{
	sqlite3_stmt *st = stmt(b, ST_JOB_PROGRESS);
	if (!st)
		return EM_ESTORE;
	sqlite3_bind_int64(st, 1, job_id);
	int r = sqlite3_step(st), rc = 0;
	if (r != SQLITE_ROW)
		rc = db_fail(b, "reading the job's progress");
	else if (sqlite3_column_int64(st, 0) == 0)
		rc = em_fail(EM_ENOTFOUND, "no job %lld in the work queue", (long long)job_id);
	else
		*out = (em_work_progress){(size_t)sqlite3_column_int64(st, 1), (size_t)sqlite3_column_int64(st, 2),
					  (size_t)sqlite3_column_int64(st, 3), (size_t)sqlite3_column_int64(st, 4),
					  (size_t)sqlite3_column_int64(st, 5), (size_t)sqlite3_column_int64(st, 6)};
	done(st);
	return rc;
}

const em_backend_ops em_backend_sqlite = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.import = sqlite_import,
	.versions = sqlite_versions,
	.load = sqlite_load,
	.activate = sqlite_activate,
	.get_entity = sqlite_get_entity,
	.meta_get = sqlite_meta_get,
	.meta_set = sqlite_meta_set,
	.record = sqlite_record,
	.audit_scan = sqlite_audit_scan,
	.alerts = sqlite_alerts,
	.alerts_count = sqlite_alerts_count,
	.decide = sqlite_decide,
	.customers = sqlite_customers,
	.set_durability = sqlite_set_durability,
	.key_add = sqlite_key_add,
	.keys = sqlite_keys,
	.key_revoke = sqlite_key_revoke,
	.work_enqueue = sqlite_work_enqueue,
	.work_claim = sqlite_work_claim,
	.work_renew = sqlite_work_renew,
	.work_complete = sqlite_work_complete,
	.work_progress = sqlite_work_progress,
};
