/*
 * store_pg.c: the PostgreSQL backend of the list store (libpq), for many nodes on one
 * database. Same logical schema and migration numbers as store_sqlite.c. Every query is
 * parameterised (PQexecParams, text parameters); only the statement a re-screening runs once
 * per customer is prepared, again after a reconnection. Each operation is one transaction:
 * - migrations run on open under pg_advisory_xact_lock, so two nodes starting at once
 *   apply them once;
 * - an import takes an advisory transaction lock on its source before it reads the active
 *   version (a row lock would not cover a source's first import), runs the front's check,
 *   streams the entities with COPY and switches `active`; activation sends a NOTIFY on
 *   channel "embargo_lists" from inside the transaction, so other nodes hear of it only
 *   once it is committed;
 * - the audit trail and decisions are append-only (a trigger refuses UPDATE, DELETE and
 *   TRUNCATE).
 * A lost connection is re-established by the next operation (PQreset), no more often than a
 * growing back-off allows, so a node whose database is down fails fast instead of hanging.
 */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "backend.h"

/* The NOTIFY channel announcing that a source's active version changed. */
#define CHANNEL "embargo_lists"
/* Advisory lock class ids (first key of the two-key form), so embargo's locks never meet
 * another application's one-key locks. */
#define LOCK_MIGRATE 0x656d6201
#define LOCK_IMPORT 0x656d6202
/* Reconnection back-off bounds (ms). */
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
/* Bytes of COPY data gathered before each PQputCopyData. */
#define COPY_CHUNK (256 * 1024)
/* Most parameters any statement here takes. */
#define MAX_PARAMS 16

struct em_backend {
	PGconn *conn;
	char *shown;               /* the URL without its password, for messages */
	long backoff_ms;           /* wait before the next reconnection attempt (0: none yet) */
	struct timespec next_try;  /* no reconnection attempt before this (CLOCK_MONOTONIC) */
	int listening;             /* LISTEN issued: re-issue it after a reconnection */
	int reconnected;           /* re-established since the last wait_change: report a change */
	int prepared;              /* the hot statement (QUIET_SQL) is prepared on this connection */
	char failed_state[6];      /* SQLSTATE of the last statement that failed ("": none) */
};

/*
 * Numbered migrations; the same numbers and logical tables as store_sqlite.c. Ids are
 * identity columns, scores DOUBLE PRECISION, JSON kept as TEXT so it comes back byte for
 * byte (jsonb would reorder keys). Never edit an applied migration: add the next number.
 */
static const struct {
	int version;
	const char *sql;
} migrations[] = {
	{1, "CREATE TABLE list_versions ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " source TEXT NOT NULL,"
	    " format TEXT NOT NULL,"
	    " sha256 TEXT NOT NULL,"
	    " path TEXT NOT NULL,"
	    " retrieved_at TEXT NOT NULL,"
	    " imported_at TEXT NOT NULL,"
	    " published TEXT,"
	    " entity_count BIGINT NOT NULL,"
	    " active SMALLINT NOT NULL DEFAULT 0 CHECK (active IN (0, 1)));"
	    "CREATE INDEX list_versions_by_source ON list_versions (source, id);"
	    "CREATE UNIQUE INDEX list_versions_one_active ON list_versions (source) WHERE active = 1;"
	    "CREATE TABLE entities ("
	    " version_id BIGINT NOT NULL REFERENCES list_versions (id) ON DELETE CASCADE,"
	    " seq INTEGER NOT NULL,"
	    " source_id TEXT NOT NULL,"
	    " type TEXT NOT NULL,"
	    " primary_name TEXT,"
	    " json TEXT NOT NULL,"
	    " PRIMARY KEY (version_id, source_id));"
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"},
	{2, "CREATE FUNCTION embargo_append_only() RETURNS trigger LANGUAGE plpgsql AS"
	    " $$BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END$$;"
	    "CREATE TABLE api_keys ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " name TEXT NOT NULL,"
	    " role TEXT NOT NULL CHECK (role IN ('screen', 'analyst', 'admin')),"
	    " key_id TEXT NOT NULL UNIQUE,"
	    " salt TEXT NOT NULL,"
	    " hash TEXT NOT NULL,"
	    " created_at TEXT NOT NULL,"
	    " revoked_at TEXT);"
	    "CREATE UNIQUE INDEX api_keys_valid_name ON api_keys (name) WHERE revoked_at IS NULL;"
	    "CREATE TABLE screenings ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " screened_at TEXT NOT NULL,"
	    " who TEXT NOT NULL,"
	    " channel TEXT NOT NULL,"
	    " node TEXT NOT NULL,"
	    " customer_ref TEXT,"
	    " query TEXT NOT NULL,"
	    " lists TEXT NOT NULL,"
	    " threshold DOUBLE PRECISION NOT NULL,"
	    " match_count BIGINT NOT NULL,"
	    " results TEXT NOT NULL);"
	    "CREATE INDEX screenings_by_time ON screenings (screened_at);"
	    "CREATE TRIGGER screenings_append_only BEFORE UPDATE OR DELETE ON screenings"
	    " FOR EACH ROW EXECUTE FUNCTION embargo_append_only('the audit trail is append-only');"
	    "CREATE TRIGGER screenings_no_truncate BEFORE TRUNCATE ON screenings"
	    " FOR EACH STATEMENT EXECUTE FUNCTION embargo_append_only('the audit trail is append-only');"
	    "CREATE TABLE alerts ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " screening_id BIGINT NOT NULL REFERENCES screenings (id),"
	    " opened_at TEXT NOT NULL,"
	    " customer_ref TEXT,"
	    " query_name TEXT NOT NULL,"
	    " source TEXT NOT NULL,"
	    " source_id TEXT NOT NULL,"
	    " entity_name TEXT NOT NULL,"
	    " entity_hash TEXT NOT NULL,"
	    " list_version_id BIGINT,"
	    " score DOUBLE PRECISION NOT NULL,"
	    " status TEXT NOT NULL DEFAULT 'open'"
	    "  CHECK (status IN ('open', 'true_match', 'false_positive')),"
	    " decided_at TEXT,"
	    " decided_by TEXT,"
	    " reason TEXT);"
	    "CREATE INDEX alerts_by_status ON alerts (status, id);"
	    "CREATE INDEX alerts_by_party ON alerts (customer_ref, source, source_id, id);"
	    "CREATE TABLE alert_decisions ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " alert_id BIGINT NOT NULL REFERENCES alerts (id),"
	    " decided_at TEXT NOT NULL,"
	    " decided_by TEXT NOT NULL,"
	    " decision TEXT NOT NULL CHECK (decision IN ('true_match', 'false_positive')),"
	    " reason TEXT);"
	    "CREATE INDEX alert_decisions_by_alert ON alert_decisions (alert_id);"
	    "CREATE TRIGGER alert_decisions_append_only BEFORE UPDATE OR DELETE ON alert_decisions"
	    " FOR EACH ROW EXECUTE FUNCTION embargo_append_only('decisions are append-only');"
	    "CREATE TRIGGER alert_decisions_no_truncate BEFORE TRUNCATE ON alert_decisions"
	    " FOR EACH STATEMENT EXECUTE FUNCTION embargo_append_only('decisions are append-only');"
	    "CREATE TABLE customers ("
	    " ref TEXT COLLATE \"C\" PRIMARY KEY," /* byte order, as SQLite pages customers */
	    " name TEXT NOT NULL,"
	    " type TEXT,"
	    " dob TEXT,"
	    " country TEXT,"
	    " ids TEXT NOT NULL,"
	    " first_screened_at TEXT NOT NULL,"
	    " last_screened_at TEXT NOT NULL);"
	    "CREATE TABLE customer_matches ("
	    " customer_ref TEXT COLLATE \"C\" NOT NULL REFERENCES customers (ref) ON DELETE CASCADE,"
	    " source TEXT NOT NULL,"
	    " source_id TEXT NOT NULL,"
	    " entity_hash TEXT NOT NULL,"
	    " score DOUBLE PRECISION NOT NULL,"
	    " PRIMARY KEY (customer_ref, source, source_id));"},
	/* What a screening screened: a party, or an order line (goods). Rows before it are parties. */
	{3, "ALTER TABLE screenings ADD COLUMN kind TEXT NOT NULL DEFAULT 'party'"
	    " CHECK (kind IN ('party', 'goods'));"},
	/* The work queue (em_work.h): jobs cut into chunks of customer references. */
	{4, "CREATE TABLE work_jobs ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " kind TEXT NOT NULL,"
	    " created_at TEXT NOT NULL,"
	    " chunks BIGINT NOT NULL,"
	    " items BIGINT NOT NULL);"
	    "CREATE TABLE work_chunks ("
	    " id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	    " job_id BIGINT NOT NULL REFERENCES work_jobs (id),"
	    " after_ref TEXT COLLATE \"C\","
	    " last_ref TEXT COLLATE \"C\" NOT NULL,"
	    " items BIGINT NOT NULL,"
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
#define ALERT_COLUMNS \
	"id, screening_id, opened_at, customer_ref, query_name, source, source_id, entity_name," \
	" entity_hash, list_version_id, score, status, decided_at, decided_by, reason"

/* --- errors, connection, parameters ------------------------------------------------------- */

/* Records a failure: the store URL, what was being done, PostgreSQL's own message. */
static int fail_msg(em_backend *b, const char *what, const char *msg)
{
	char text[1024];
	snprintf(text, sizeof text, "%s", msg && *msg ? msg : "unknown error");
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	for (char *p = text; *p; p++) /* libpq messages span lines: keep one */
		if (*p == '\n')
			*p = ' ';
	return em_fail(EM_ESTORE, "%s: %s: %s%s", b->shown, what, text,
		       PQstatus(b->conn) == CONNECTION_BAD ? " (the database is unreachable)" : "");
}

static int pg_fail(em_backend *b, const char *what)
{
	return fail_msg(b, what, PQerrorMessage(b->conn));
}

static const char *sqlstate(const PGresult *res);

static int res_fail(em_backend *b, PGresult *res, const char *what)
{
	snprintf(b->failed_state, sizeof b->failed_state, "%s", sqlstate(res));
	int rc = fail_msg(b, what, res ? PQresultErrorMessage(res) : PQerrorMessage(b->conn));
	PQclear(res);
	return rc;
}

/* The SQLSTATE of a failed result ("23505"), or "". */
static const char *sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

/* Notices (CREATE ... IF NOT EXISTS and the like) are not errors: keep them off stderr. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* What every new or re-established connection needs. */
static int session_setup(em_backend *b)
{
	b->prepared = 0; /* a new session has no prepared statements */
	PQsetNoticeProcessor(b->conn, ignore_notice, NULL);
	PGresult *res = PQexec(b->conn, b->listening ? "SET client_min_messages = warning; LISTEN " CHANNEL
						     : "SET client_min_messages = warning");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return res_fail(b, res, "setting up the session");
	PQclear(res);
	return 0;
}

static long ms_until(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * Makes sure the connection is up before an operation: a lost one is reset, at most once per
 * back-off period (100 ms doubling to 5 s), so a node whose database is down answers at once.
 */
static int ensure(em_backend *b)
{
	if (PQstatus(b->conn) == CONNECTION_OK)
		return 0;
	long wait = ms_until(&b->next_try);
	if (b->backoff_ms && wait > 0)
		return em_fail(EM_ESTORE, "%s: the database is unreachable (next attempt in %ld ms)",
			       b->shown, wait);
	PQreset(b->conn);
	if (PQstatus(b->conn) == CONNECTION_OK && session_setup(b) == 0) {
		b->backoff_ms = 0;
		b->reconnected = 1;
		return 0;
	}
	int rc = pg_fail(b, "reconnecting");
	b->backoff_ms = b->backoff_ms ? b->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (b->backoff_ms > BACKOFF_MAX_MS)
		b->backoff_ms = BACKOFF_MAX_MS;
	clock_gettime(CLOCK_MONOTONIC, &b->next_try);
	b->next_try.tv_sec += b->backoff_ms / 1000;
	b->next_try.tv_nsec += (b->backoff_ms % 1000) * 1000000L;
	if (b->next_try.tv_nsec >= 1000000000L) {
		b->next_try.tv_sec++;
		b->next_try.tv_nsec -= 1000000000L;
	}
	return rc;
}

/* Text parameters of one statement; numbers are formatted into the struct itself. */
typedef struct params {
	const char *v[MAX_PARAMS];
	char num[MAX_PARAMS][40];
	int n;
} params;

static void p_text(params *p, const char *s)
{
	p->v[p->n++] = s;
}

static void p_int(params *p, int64_t x)
{
	snprintf(p->num[p->n], sizeof p->num[p->n], "%lld", (long long)x);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

/* 0 becomes NULL (a version id of a file outside the store). */
static void p_id_or_null(params *p, int64_t x)
{
	if (x)
		p_int(p, x);
	else
		p_text(p, NULL);
}

static void p_double(params *p, double x)
{
	snprintf(p->num[p->n], sizeof p->num[p->n], "%.17g", x);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

/*
 * Runs a statement; the result on success (caller clears), NULL with the message set. A
 * connection found dead by the first statement of a unit of work (BEGIN or a lone SELECT,
 * both safe to repeat) is re-established and the statement run once more: a database
 * restarted since the last operation costs no failed request.
 */
static PGresult *run(em_backend *b, const char *sql, const params *p, const char *what)
{
	int idle = PQtransactionStatus(b->conn) == PQTRANS_IDLE;
	for (int attempt = 0;; attempt++) {
		PGresult *res = PQexecParams(b->conn, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
			return res;
		if (attempt == 0 && idle && PQstatus(b->conn) == CONNECTION_BAD &&
		    (!strncmp(sql, "BEGIN", 5) || !strncmp(sql, "SELECT", 6)) && ensure(b) == 0) {
			PQclear(res);
			continue;
		}
		res_fail(b, res, what);
		return NULL;
	}
}

/* Runs a statement whose result is not needed. */
static int run_done(em_backend *b, const char *sql, const params *p, const char *what)
{
	PGresult *res = run(b, sql, p, what);
	if (!res)
		return EM_ESTORE;
	PQclear(res);
	return 0;
}

static int64_t get_int(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return 0;
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static double get_double(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0.0 : strtod(PQgetvalue(res, row, col), NULL);
}

/* A column's text, NULL for SQL NULL; lives as long as the result. */
static const char *get_text(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int begin(em_backend *b)
{
	int rc = ensure(b);
	return rc ? rc : run_done(b, "BEGIN", NULL, "starting a transaction");
}

static int commit(em_backend *b)
{
	return run_done(b, "COMMIT", NULL, "committing");
}

/* Rolls back when a transaction is open; keeps the caller's error message and code. */
static int rollback(em_backend *b, int rc)
{
	if (PQtransactionStatus(b->conn) != PQTRANS_IDLE && PQstatus(b->conn) == CONNECTION_OK)
		PQclear(PQexec(b->conn, "ROLLBACK"));
	return rc;
}

/* --- open, migrations ----------------------------------------------------------------------- */

/* Brings the schema up to date in one transaction; refuses databases that are not ours. */
static int migrate(em_backend *b)
{
	int rc = begin(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, LOCK_MIGRATE);
	if ((rc = run_done(b, "SELECT pg_advisory_xact_lock($1::int, 0)", &p, "locking the schema")))
		return rollback(b, rc);
	PGresult *res = run(b, "SELECT to_regclass('schema_migrations') IS NOT NULL,"
			       " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())",
			    NULL, "reading the schema");
	if (!res)
		return rollback(b, EM_ESTORE);
	int ours = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	int64_t tables = get_int(res, 0, 1);
	PQclear(res);
	if (!ours && tables)
		return rollback(b, em_fail(EM_ESTORE, "%s: not an embargo store (the database has other "
						  "tables and no schema_migrations)", b->shown));
	if ((rc = run_done(b, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			      " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
			   NULL, "creating schema_migrations")) ||
	    !(res = run(b, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL, "reading the schema")))
		return rollback(b, rc ? rc : EM_ESTORE);
	int64_t have = get_int(res, 0, 0);
	PQclear(res);
	if (have > migrations[N_MIGRATIONS - 1].version)
		return rollback(b, em_fail(EM_ESTORE, "%s: the store has schema version %lld, newer than "
						  "this program knows (%d); upgrade embargo", b->shown,
					   (long long)have, migrations[N_MIGRATIONS - 1].version));
	char now[32];
	em_store_now(now);
	for (size_t i = 0; i < N_MIGRATIONS; i++) {
		if (migrations[i].version <= have)
			continue;
		char what[64];
		snprintf(what, sizeof what, "applying migration %d", migrations[i].version);
		/* several statements: the simple protocol, no parameters */
		res = PQexec(b->conn, migrations[i].sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return rollback(b, res_fail(b, res, what));
		PQclear(res);
		params m = {0};
		p_int(&m, migrations[i].version);
		p_text(&m, now);
		if ((rc = run_done(b, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", &m, what)))
			return rollback(b, rc);
	}
	if ((rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static void pg_close(em_backend *b)
{
	if (!b)
		return;
	PQfinish(b->conn);
	free(b->shown);
	free(b);
}

static int pg_open(em_backend **out, const char *url)
{
	*out = NULL;
	em_backend *b = calloc(1, sizeof *b);
	if (!b || !(b->shown = em_store_url_redact(url))) {
		free(b);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	/* the URL's own settings override these defaults (expand_dbname) */
	const char *const keys[] = {"application_name", "connect_timeout", "dbname", NULL};
	const char *const values[] = {"embargo", "10", url, NULL};
	b->conn = PQconnectdbParams(keys, values, 1);
	int rc;
	if (!b->conn)
		rc = em_fail(EM_ENOMEM, "out of memory connecting to %s", b->shown);
	else if (PQstatus(b->conn) != CONNECTION_OK)
		rc = pg_fail(b, "cannot connect");
	else if (!(rc = session_setup(b)))
		rc = migrate(b);
	if (rc) {
		pg_close(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* --- versions and entities ------------------------------------------------------------------- */

/* Reads a row of VERSION_COLUMNS; the strings live as long as the result. */
static void read_version(const PGresult *res, int row, em_version_info *v)
{
	v->id = get_int(res, row, 0);
	v->source = get_text(res, row, 1);
	v->format = get_text(res, row, 2);
	v->sha256 = get_text(res, row, 3);
	v->path = get_text(res, row, 4);
	v->retrieved_at = get_text(res, row, 5);
	v->imported_at = get_text(res, row, 6);
	v->published = get_text(res, row, 7);
	int64_t n = get_int(res, row, 8);
	v->entity_count = n > 0 ? (size_t)n : 0;
	v->active = get_int(res, row, 9) != 0;
}

/* Makes version `id` of `source` the only active one and tells the other nodes, inside the
 * caller's transaction (the notification is delivered when it commits). */
static int switch_active(em_backend *b, const char *source, int64_t id)
{
	params p = {0};
	p_text(&p, source);
	int rc = run_done(b, "UPDATE list_versions SET active = 0 WHERE source = $1 AND active = 1", &p,
			  "deactivating the previous version");
	if (rc)
		return rc;
	params a = {0};
	p_int(&a, id);
	if ((rc = run_done(b, "UPDATE list_versions SET active = 1 WHERE id = $1", &a, "activating the version")))
		return rc;
	char payload[300];
	snprintf(payload, sizeof payload, "%s %lld", source, (long long)id);
	params n = {0};
	p_text(&n, CHANNEL);
	p_text(&n, payload);
	return run_done(b, "SELECT pg_notify($1, $2)", &n, "announcing the new version");
}

/* Appends one COPY text-format field: backslash, tab, newline and return escaped. */
static int copy_field(em_buf *buf, const char *s, size_t len)
{
	if (!s)
		return em_buf_puts(buf, "\\N");
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		const char *esc = s[i] == '\\' ? "\\\\" : s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n"
								  : s[i] == '\r' ? "\\r" : NULL;
		if (!esc)
			continue;
		if (em_buf_append(buf, s + from, i - from) || em_buf_puts(buf, esc))
			return EM_ENOMEM;
		from = i + 1;
	}
	return em_buf_append(buf, s + from, len - from);
}

/* Names the entity a failed COPY stopped at ("COPY entities, line 121"), for the message. */
static int copy_fail(em_backend *b, PGresult *res, const em_store_new_version *v)
{
	const char *ctx = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	const char *line = ctx ? strstr(ctx, "line ") : NULL;
	long n = line ? strtol(line + 5, NULL, 10) : 0;
	char what[300];
	if (n >= 1 && (size_t)n <= v->n_rows)
		snprintf(what, sizeof what, "storing entity %ld (id '%s')", n, v->rows[n - 1].source_id);
	else
		snprintf(what, sizeof what, "storing the entities");
	return res_fail(b, res, what);
}

/* Streams the version's rows into `entities` with COPY, inside the caller's transaction. */
static int copy_rows(em_backend *b, int64_t id, const em_store_new_version *v)
{
	PGresult *res = PQexec(b->conn, "COPY entities (version_id, seq, source_id, type, primary_name, json)"
					" FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return res_fail(b, res, "starting to store the entities");
	PQclear(res);
	em_buf buf = EM_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < v->n_rows; i++) {
		const em_store_row *r = &v->rows[i];
		if (em_buf_printf(&buf, "%lld\t%zu\t", (long long)id, i) ||
		    copy_field(&buf, r->source_id, strlen(r->source_id)) || em_buf_putc(&buf, '\t') ||
		    copy_field(&buf, r->type, strlen(r->type)) || em_buf_putc(&buf, '\t') ||
		    copy_field(&buf, r->primary_name, r->primary_name ? strlen(r->primary_name) : 0) ||
		    em_buf_putc(&buf, '\t') || copy_field(&buf, r->json, r->json_len) || em_buf_putc(&buf, '\n'))
			rc = em_fail(EM_ENOMEM, "out of memory storing entity %zu", i + 1);
		else if ((buf.len >= COPY_CHUNK || i + 1 == v->n_rows)) {
			if (PQputCopyData(b->conn, buf.data, (int)buf.len) != 1)
				rc = pg_fail(b, "sending the entities");
			em_buf_clear(&buf);
		}
	}
	em_buf_free(&buf);
	if (PQputCopyEnd(b->conn, rc ? "abandoned" : NULL) != 1 && !rc)
		rc = pg_fail(b, "finishing the entities");
	/* the COPY's own result, then the end of the command */
	while ((res = PQgetResult(b->conn)) != NULL) {
		if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = copy_fail(b, res, v);
			continue;
		}
		PQclear(res);
	}
	return rc;
}

static int pg_import(em_backend *b, const em_store_new_version *v, em_store_import_check check, void *ctx,
		     int64_t *id)
{
	*id = 0;
	int rc = begin(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, LOCK_IMPORT);
	p_text(&p, v->source);
	if ((rc = run_done(b, "SELECT pg_advisory_xact_lock($1::int, hashtext($2))", &p, "locking the source")))
		return rollback(b, rc);
	params s = {0};
	p_text(&s, v->source);
	PGresult *res = run(b, "SELECT " VERSION_COLUMNS " FROM list_versions WHERE source = $1 AND active = 1",
			    &s, "reading the active version");
	if (!res)
		return rollback(b, EM_ESTORE);
	if (PQntuples(res) > 0) {
		em_version_info active;
		read_version(res, 0, &active);
		rc = check(ctx, &active);
		if (rc == EM_STORE_UNCHANGED)
			*id = active.id;
	} else {
		rc = check(ctx, NULL);
	}
	PQclear(res);
	if (rc)
		return rollback(b, rc);

	params iv = {0};
	p_text(&iv, v->source);
	p_text(&iv, v->format);
	p_text(&iv, v->sha256);
	p_text(&iv, v->path);
	p_text(&iv, v->retrieved_at);
	p_text(&iv, v->imported_at);
	p_text(&iv, v->published);
	p_int(&iv, (int64_t)v->n_rows);
	res = run(b, "INSERT INTO list_versions (source, format, sha256, path, retrieved_at, imported_at,"
		     " published, entity_count, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id",
		  &iv, "storing the list version");
	if (!res)
		return rollback(b, EM_ESTORE);
	int64_t new_id = get_int(res, 0, 0);
	PQclear(res);
	if ((rc = copy_rows(b, new_id, v)) || (v->activate && (rc = switch_active(b, v->source, new_id))) ||
	    (rc = commit(b)))
		return rollback(b, rc);
	*id = new_id;
	return 0;
}

static int pg_versions(em_backend *b, const em_version_filter *f, em_version_set *out)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, f->id);
	p_text(&p, f->source);
	p_int(&p, f->active_only ? 1 : 0);
	PGresult *res = run(b, "SELECT " VERSION_COLUMNS " FROM list_versions"
			       " WHERE ($1::bigint = 0 OR id = $1) AND ($2::text IS NULL OR source = $2)"
			       " AND ($3::int = 0 OR active = 1) ORDER BY id DESC",
			    &p, "listing versions");
	if (!res)
		return EM_ESTORE;
	for (int i = 0; !rc && i < PQntuples(res); i++) {
		em_version_info v;
		read_version(res, i, &v);
		rc = em_version_set_add(out, &v);
	}
	PQclear(res);
	return rc;
}

/* Receives one row of a streamed query; a non-zero return stops the stream. */
typedef int (*row_fn)(void *ctx, const PGresult *res);

/*
 * Runs a query in single-row mode, so a version's 30,000 entities or a year of audit trail
 * never sit in memory at once. The connection is busy until it returns: fn must not use it.
 */
static int stream(em_backend *b, const char *sql, const params *p, row_fn fn, void *ctx, const char *what)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	if (!PQsendQueryParams(b->conn, sql, p->n, NULL, p->v, NULL, NULL, 0))
		return pg_fail(b, what);
	if (!PQsetSingleRowMode(b->conn))
		rc = pg_fail(b, what);
	PGresult *res;
	while ((res = PQgetResult(b->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		if (rc) {
			PQclear(res); /* draining after a stop */
			continue;
		}
		if (st == PGRES_SINGLE_TUPLE)
			rc = fn(ctx, res);
		else if (st != PGRES_TUPLES_OK) {
			rc = res_fail(b, res, what);
			continue;
		}
		PQclear(res);
	}
	return rc;
}

typedef struct load_ctx {
	em_store_row_fn row;
	void *ctx;
} load_ctx;

static int load_row(void *ctx, const PGresult *res)
{
	load_ctx *c = ctx;
	return c->row(c->ctx, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
}

static int pg_load(em_backend *b, int64_t version_id, em_store_row_fn row, void *ctx)
{
	params p = {0};
	p_int(&p, version_id);
	load_ctx c = {row, ctx};
	return stream(b, "SELECT json FROM entities WHERE version_id = $1 ORDER BY seq", &p, load_row, &c,
		      "loading entities");
}

static int pg_activate(em_backend *b, int64_t version_id)
{
	int rc = begin(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, version_id);
	PGresult *res = run(b, "SELECT source FROM list_versions WHERE id = $1", &p, "reading the version");
	if (!res)
		return rollback(b, EM_ESTORE);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return rollback(b, em_fail(EM_ENOTFOUND, "no list version %lld in the store", (long long)version_id));
	}
	char *source = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!source)
		return rollback(b, em_fail(EM_ENOMEM, "out of memory"));
	/* the same lock as an import of that source: the two do not interleave */
	params l = {0};
	p_int(&l, LOCK_IMPORT);
	p_text(&l, source);
	if (!(rc = run_done(b, "SELECT pg_advisory_xact_lock($1::int, hashtext($2))", &l, "locking the source")))
		rc = switch_active(b, source, version_id);
	free(source);
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

/* Runs a one-row, one-text-column query; *out is a malloc'd copy; EM_ENOTFOUND without a row. */
static int query_text(em_backend *b, const char *sql, const params *p, char **out, const char *what)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	PGresult *res = run(b, sql, p, what);
	if (!res)
		return EM_ESTORE;
	if (PQntuples(res) == 0)
		rc = EM_ENOTFOUND;
	else if (!(*out = strdup(PQgetvalue(res, 0, 0))))
		rc = em_fail(EM_ENOMEM, "out of memory");
	PQclear(res);
	return rc;
}

static int pg_get_entity(em_backend *b, const char *source, const char *source_id, char **json)
{
	params p = {0};
	p_text(&p, source);
	p_text(&p, source_id);
	int rc = query_text(b, "SELECT e.json FROM entities e JOIN list_versions v ON v.id = e.version_id"
			       " WHERE v.source = $1 AND v.active = 1 AND e.source_id = $2",
			    &p, json, "reading an entity");
	if (rc == EM_ENOTFOUND)
		em_fail(rc, "list '%s' has no entity '%s' in its active version", source, source_id);
	return rc;
}

static int pg_meta_get(em_backend *b, const char *key, char **value)
{
	params p = {0};
	p_text(&p, key);
	int rc = query_text(b, "SELECT value FROM meta WHERE key = $1", &p, value, "reading a setting");
	if (rc == EM_ENOTFOUND)
		em_fail(rc, "setting '%s' is not set", key);
	return rc;
}

static int pg_meta_set(em_backend *b, const char *key, const char *value)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_text(&p, key);
	p_text(&p, value);
	return run_done(b, "INSERT INTO meta (key, value) VALUES ($1, $2)"
			   " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			&p, "writing a setting");
}

/* --- audit trail, alerts, customers, keys ------------------------------------------------ */

static int upsert_customer(em_backend *b, const em_store_screening_row *s)
{
	params p = {0};
	p_text(&p, s->customer_ref);
	p_text(&p, s->query_name);
	p_text(&p, s->query_type);
	p_text(&p, s->query_dob);
	p_text(&p, s->query_country);
	p_text(&p, s->query_ids_json ? s->query_ids_json : "[]");
	p_text(&p, s->screened_at);
	/* takes the customer row's lock: two nodes recording one customer serialise here */
	return run_done(b, "INSERT INTO customers (ref, name, type, dob, country, ids, first_screened_at,"
			   " last_screened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
			   " ON CONFLICT (ref) DO UPDATE SET name = excluded.name, type = excluded.type,"
			   " dob = excluded.dob, country = excluded.country, ids = excluded.ids,"
			   " last_screened_at = excluded.last_screened_at",
			&p, "storing the customer");
}

/* The customer's previous match with the entity and latest alert for it, into *p; the strings
 * are copied into the caller's buffers. */
static int read_prior(em_backend *b, const em_store_screening_row *s, const em_store_alert_row *a,
		      em_store_prior *pr, char match_hash[65], char alert_hash[65])
{
	memset(pr, 0, sizeof *pr);
	params p = {0};
	p_text(&p, s->customer_ref);
	p_text(&p, a->source);
	p_text(&p, a->source_id);
	PGresult *res = run(b, "SELECT entity_hash FROM customer_matches"
			       " WHERE customer_ref = $1 AND source = $2 AND source_id = $3",
			    &p, "reading the customer's matches");
	if (!res)
		return EM_ESTORE;
	if (PQntuples(res) > 0) {
		snprintf(match_hash, 65, "%s", PQgetvalue(res, 0, 0));
		pr->match_hash = match_hash;
	}
	PQclear(res);
	res = run(b, "SELECT id, status, entity_hash FROM alerts"
		     " WHERE customer_ref = $1 AND source = $2 AND source_id = $3 ORDER BY id DESC LIMIT 1",
		  &p, "reading the customer's alerts");
	if (!res)
		return EM_ESTORE;
	if (PQntuples(res) > 0) {
		pr->alert_id = get_int(res, 0, 0);
		int status = em_alert_status_parse(PQgetvalue(res, 0, 1));
		pr->alert_status = status < 0 ? EM_STATUS_OPEN : (em_alert_status)status;
		snprintf(alert_hash, 65, "%s", PQgetvalue(res, 0, 2));
		pr->alert_hash = alert_hash;
	}
	PQclear(res);
	return 0;
}

/* Runs an INSERT ... RETURNING id; 0 on failure (message set). */
static int64_t insert_id(em_backend *b, const char *sql, const params *p, const char *what)
{
	PGresult *res = run(b, sql, p, what);
	if (!res)
		return 0;
	int64_t id = PQntuples(res) > 0 ? get_int(res, 0, 0) : 0;
	PQclear(res);
	return id;
}

static int insert_alert(em_backend *b, const em_store_screening_row *s, em_store_alert_row *a)
{
	params p = {0};
	p_int(&p, s->id);
	p_text(&p, s->screened_at);
	p_text(&p, s->customer_ref);
	p_text(&p, s->query_name);
	p_text(&p, a->source);
	p_text(&p, a->source_id);
	p_text(&p, a->entity_name);
	p_text(&p, a->entity_hash);
	p_id_or_null(&p, a->list_version_id);
	p_double(&p, a->score);
	a->result.alert_id = insert_id(b, "INSERT INTO alerts (screening_id, opened_at, customer_ref, query_name,"
					  " source, source_id, entity_name, entity_hash, list_version_id, score)"
					  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
				       &p, "opening an alert");
	return a->result.alert_id ? 0 : EM_ESTORE;
}

/* Replaces the customer's matches with this screening's alerting matches. */
static int replace_matches(em_backend *b, const em_store_screening_row *s)
{
	params p = {0};
	p_text(&p, s->customer_ref);
	int rc = run_done(b, "DELETE FROM customer_matches WHERE customer_ref = $1", &p,
			  "replacing the customer's matches");
	for (size_t i = 0; !rc && i < s->n_alerts; i++) {
		params m = {0};
		p_text(&m, s->customer_ref);
		p_text(&m, s->alerts[i].source);
		p_text(&m, s->alerts[i].source_id);
		p_text(&m, s->alerts[i].entity_hash);
		p_double(&m, s->alerts[i].score);
		rc = run_done(b, "INSERT INTO customer_matches (customer_ref, source, source_id, entity_hash, score)"
				 " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (customer_ref, source, source_id)"
				 " DO UPDATE SET entity_hash = excluded.entity_hash,"
				 " score = greatest(customer_matches.score, excluded.score)",
			      &m, "storing the customer's matches");
	}
	return rc;
}

/* A screening with a customer and no alerting match, in one statement (prepared: it runs once
 * per customer of a re-screening, where parsing it each time was a third of the cost). */
#define QUIET_SQL \
	"WITH s AS (INSERT INTO screenings (screened_at, who, channel, node, customer_ref, query, lists," \
	" threshold, match_count, results, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)" \
	" RETURNING id)," \
	" c AS (INSERT INTO customers (ref, name, type, dob, country, ids, first_screened_at, last_screened_at)" \
	" VALUES ($5, $12, $13, $14, $15, $16, $1, $1) ON CONFLICT (ref) DO UPDATE SET name = excluded.name," \
	" type = excluded.type, dob = excluded.dob, country = excluded.country, ids = excluded.ids," \
	" last_screened_at = excluded.last_screened_at)," \
	" d AS (DELETE FROM customer_matches WHERE customer_ref = $5)" \
	" SELECT id FROM s"

static int record_quiet(em_backend *b, em_store_screening_row *s, const params *p)
{
	if (!b->prepared) {
		PGresult *res = PQprepare(b->conn, "record_quiet", QUIET_SQL, 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			return res_fail(b, res, "preparing a statement");
		PQclear(res);
		b->prepared = 1;
	}
	PGresult *res = PQexecPrepared(b->conn, "record_quiet", p->n, p->v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		return res_fail(b, res, "recording the screening");
	s->id = get_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static int record_one(em_backend *b, em_store_screening_row *s, em_store_alert_policy policy)
{
	params p = {0};
	p_text(&p, s->screened_at);
	p_text(&p, s->who);
	p_text(&p, s->channel);
	p_text(&p, s->node);
	p_text(&p, s->customer_ref);
	p_text(&p, s->query_json);
	p_text(&p, s->lists_json);
	p_double(&p, s->threshold);
	p_int(&p, (int64_t)s->match_count);
	p_text(&p, s->results_json);
	p_text(&p, s->kind);
	if (s->customer_ref && s->n_alerts == 0) {
		/* the common case of a re-screening (no alerting match): one round trip instead of
		 * three; the customer's row lock is taken all the same */
		p_text(&p, s->query_name);
		p_text(&p, s->query_type);
		p_text(&p, s->query_dob);
		p_text(&p, s->query_country);
		p_text(&p, s->query_ids_json ? s->query_ids_json : "[]");
		return record_quiet(b, s, &p);
	}
	if (!(s->id = insert_id(b, "INSERT INTO screenings (screened_at, who, channel, node, customer_ref, query,"
				   " lists, threshold, match_count, results, kind)"
				   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
				&p, "recording the screening")))
		return EM_ESTORE;
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

/*
 * Nodes recording screenings of the same customers at once can deadlock (each batch takes its
 * customers' rows in its own order): PostgreSQL aborts one of the transactions, which is then
 * simply run again (up to eight times, pausing a little longer each time), as PostgreSQL's
 * documentation advises for deadlocks and serialization failures.
 */
static int pg_record(em_backend *b, em_store_screening_row *rows, size_t n, em_store_alert_policy policy)
{
	for (int attempt = 1;; attempt++) {
		b->failed_state[0] = '\0';
		int rc = begin(b);
		for (size_t i = 0; !rc && i < n; i++)
			rc = record_one(b, &rows[i], policy);
		if (!rc && !(rc = commit(b)))
			return 0;
		rollback(b, rc);
		bool again = !strcmp(b->failed_state, "40P01") || !strcmp(b->failed_state, "40001");
		if (!again || attempt == 8)
			return rc;
		struct timespec pause = {0, attempt * 10000000L};
		nanosleep(&pause, NULL);
	}
}

typedef struct scan_ctx {
	em_audit_fn fn;
	void *ctx;
} scan_ctx;

static int scan_row(void *ctx, const PGresult *res)
{
	scan_ctx *c = ctx;
	int64_t n = get_int(res, 0, 10);
	em_audit_entry e = {get_int(res, 0, 0), get_text(res, 0, 1), get_text(res, 0, 2), get_text(res, 0, 3),
			    get_text(res, 0, 4), get_text(res, 0, 5), get_text(res, 0, 6), get_text(res, 0, 7),
			    get_text(res, 0, 8), get_double(res, 0, 9), n > 0 ? (size_t)n : 0, get_text(res, 0, 11)};
	return c->fn(c->ctx, &e);
}

static int pg_audit_scan(em_backend *b, const char *from, const char *to, em_audit_fn fn, void *ctx)
{
	params p = {0};
	p_text(&p, from);
	p_text(&p, to);
	scan_ctx c = {fn, ctx};
	return stream(b, "SELECT id, screened_at, who, channel, node, customer_ref, query, lists, results,"
			 " threshold, match_count, kind FROM screenings"
			 " WHERE ($1::text IS NULL OR screened_at >= $1) AND ($2::text IS NULL OR screened_at <= $2)"
			 " ORDER BY id",
		      &p, scan_row, &c, "reading the audit trail");
}

static int pg_alerts(em_backend *b, const em_alert_filter *f, em_alert_set *out)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, f->id);
	p_text(&p, f->status >= 0 ? em_alert_status_name((em_alert_status)f->status) : NULL);
	p_text(&p, f->customer_ref);
	p_int(&p, f->before_id);
	p_int(&p, (int64_t)f->limit);
	PGresult *res = run(b, "SELECT " ALERT_COLUMNS " FROM alerts"
			       " WHERE ($1::bigint = 0 OR id = $1) AND ($2::text IS NULL OR status = $2)"
			       " AND ($3::text IS NULL OR customer_ref = $3) AND ($4::bigint = 0 OR id < $4)"
			       " ORDER BY id DESC LIMIT $5",
			    &p, "listing alerts");
	if (!res)
		return EM_ESTORE;
	for (int i = 0; !rc && i < PQntuples(res); i++) {
		int status = em_alert_status_parse(PQgetvalue(res, i, 11));
		em_alert a = {get_int(res, i, 0), get_int(res, i, 1), get_text(res, i, 2), get_text(res, i, 3),
			      get_text(res, i, 4), get_text(res, i, 5), get_text(res, i, 6), get_text(res, i, 7),
			      get_text(res, i, 8), get_int(res, i, 9), get_double(res, i, 10),
			      status < 0 ? EM_STATUS_OPEN : (em_alert_status)status, get_text(res, i, 12),
			      get_text(res, i, 13), get_text(res, i, 14)};
		rc = em_alert_set_add(out, &a);
	}
	PQclear(res);
	return rc;
}

static int pg_alerts_count(em_backend *b, size_t out[3])
{
	int rc = ensure(b);
	if (rc)
		return rc;
	PGresult *res = run(b, "SELECT status, count(*) FROM alerts GROUP BY status", NULL, "counting alerts");
	if (!res)
		return EM_ESTORE;
	for (int i = 0; i < PQntuples(res); i++) {
		int status = em_alert_status_parse(PQgetvalue(res, i, 0));
		int64_t n = get_int(res, i, 1);
		if (status >= 0 && n > 0)
			out[status] = (size_t)n;
	}
	PQclear(res);
	return 0;
}

static int pg_decide(em_backend *b, int64_t id, em_alert_status decision, const char *reason, const char *who,
		     const char *at)
{
	int rc = begin(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, id);
	/* FOR UPDATE: two analysts deciding one alert on two nodes serialise; the second sees it decided */
	PGresult *res = run(b, "SELECT status FROM alerts WHERE id = $1 FOR UPDATE", &p, "reading the alert");
	if (!res)
		return rollback(b, EM_ESTORE);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return rollback(b, em_fail(EM_ENOTFOUND, "no alert %lld", (long long)id));
	}
	char status[32];
	snprintf(status, sizeof status, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (strcmp(status, "open") != 0)
		return rollback(b, em_fail(EM_EREFUSED, "alert %lld is already decided (%s)", (long long)id, status));
	params d = {0};
	p_int(&d, id);
	p_text(&d, at);
	p_text(&d, who);
	p_text(&d, em_alert_status_name(decision));
	p_text(&d, reason);
	if ((rc = run_done(b, "INSERT INTO alert_decisions (alert_id, decided_at, decided_by, decision, reason)"
			      " VALUES ($1, $2, $3, $4, $5)", &d, "recording the decision")) ||
	    (rc = run_done(b, "UPDATE alerts SET decided_at = $2, decided_by = $3, status = $4, reason = $5"
			      " WHERE id = $1", &d, "deciding the alert")) ||
	    (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int pg_customers(em_backend *b, const char *after, size_t limit, em_customer_set *out)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_text(&p, after);
	p_int(&p, (int64_t)limit);
	PGresult *res = run(b, "SELECT ref, name, type, dob, country, ids, last_screened_at FROM customers"
			       " WHERE ($1::text IS NULL OR ref > $1) ORDER BY ref LIMIT $2",
			    &p, "listing customers");
	if (!res)
		return EM_ESTORE;
	for (int i = 0; !rc && i < PQntuples(res); i++) {
		em_customer c = {get_text(res, i, 0), get_text(res, i, 1), get_text(res, i, 2), get_text(res, i, 3),
				 get_text(res, i, 4), NULL, 0, get_text(res, i, 6)};
		rc = em_customer_set_add(out, &c, get_text(res, i, 5));
	}
	PQclear(res);
	return rc;
}

/* Not full: a commit returns before the server flushes its WAL (it survives our crash, not the
 * database server's). */
static int pg_set_durability(em_backend *b, int full)
{
	int rc = ensure(b);
	return rc ? rc : run_done(b, full ? "SET synchronous_commit = on" : "SET synchronous_commit = off", NULL,
				  "setting durability");
}

static int pg_key_add(em_backend *b, const em_api_key *k)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_text(&p, k->name);
	p_text(&p, em_role_name(k->role));
	p_text(&p, k->key_id);
	p_text(&p, k->salt);
	p_text(&p, k->hash);
	p_text(&p, k->created_at);
	/* one statement: the unique index on valid names decides between two nodes at once */
	PGresult *res = PQexecParams(b->conn, "INSERT INTO api_keys (name, role, key_id, salt, hash, created_at)"
					      " VALUES ($1, $2, $3, $4, $5, $6)",
				     p.n, NULL, p.v, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		PQclear(res);
		return 0;
	}
	if (!strcmp(sqlstate(res), "23505") &&
	    strstr(PQresultErrorMessage(res), "api_keys_valid_name")) {
		PQclear(res);
		return em_fail(EM_EREFUSED, "a valid key called '%s' exists; revoke it first", k->name);
	}
	return res_fail(b, res, "storing the key");
}

static int pg_keys(em_backend *b, em_key_set *out)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	PGresult *res = run(b, "SELECT id, name, role, key_id, salt, hash, created_at, revoked_at FROM api_keys"
			       " ORDER BY id", NULL, "listing keys");
	if (!res)
		return EM_ESTORE;
	for (int i = 0; !rc && i < PQntuples(res); i++) {
		em_api_key k = {get_int(res, i, 0), get_text(res, i, 1), em_role_parse(get_text(res, i, 2)),
				get_text(res, i, 3), get_text(res, i, 4), get_text(res, i, 5), get_text(res, i, 6),
				get_text(res, i, 7)};
		rc = em_key_set_add(out, &k);
	}
	PQclear(res);
	return rc;
}

static int pg_key_revoke(em_backend *b, const char *name, const char *at)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_text(&p, name);
	p_text(&p, at);
	PGresult *res = run(b, "UPDATE api_keys SET revoked_at = $2 WHERE (name = $1 OR key_id = $1)"
			       " AND revoked_at IS NULL", &p, "revoking the key");
	if (!res)
		return EM_ESTORE;
	if (strcmp(PQcmdTuples(res), "0") == 0)
		rc = em_fail(EM_ENOTFOUND, "no valid key called '%s'", name);
	PQclear(res);
	return rc;
}

/* --- the work queue ---------------------------------------------------------------------------- */

static int pg_work_enqueue(em_backend *b, const char *kind, const char *now, const em_work_range *ranges, size_t n,
			   int64_t *job_id)
{
	*job_id = 0;
	int rc = begin(b);
	if (rc)
		return rc;
	size_t items = 0;
	for (size_t i = 0; i < n; i++)
		items += ranges[i].items;
	params p = {0};
	p_text(&p, kind);
	p_text(&p, now);
	p_int(&p, (int64_t)n);
	p_int(&p, (int64_t)items);
	int64_t id = insert_id(b, "INSERT INTO work_jobs (kind, created_at, chunks, items) VALUES ($1, $2, $3, $4)"
				  " RETURNING id", &p, "making the job");
	if (!id)
		return rollback(b, EM_ESTORE);
	for (size_t i = 0; !rc && i < n; i++) {
		params c = {0};
		p_int(&c, id);
		p_text(&c, ranges[i].after);
		p_text(&c, ranges[i].last);
		p_int(&c, (int64_t)ranges[i].items);
		rc = run_done(b, "INSERT INTO work_chunks (job_id, after_ref, last_ref, items) VALUES ($1, $2, $3, $4)",
			      &c, "queueing a chunk");
	}
	if (rc || (rc = commit(b)))
		return rollback(b, rc);
	*job_id = id;
	return 0;
}

/* Fills a chunk from a row (id, job_id, kind, after_ref, last_ref, items, attempts). */
static int read_chunk(const PGresult *res, em_work_chunk *c)
{
	c->id = get_int(res, 0, 0);
	c->job_id = get_int(res, 0, 1);
	c->kind = strdup(PQgetvalue(res, 0, 2));
	c->after = PQgetisnull(res, 0, 3) ? NULL : strdup(PQgetvalue(res, 0, 3));
	c->last = strdup(PQgetvalue(res, 0, 4));
	c->items = (size_t)get_int(res, 0, 5);
	c->attempts = (int)get_int(res, 0, 6);
	if (!c->kind || !c->last || (!PQgetisnull(res, 0, 3) && !c->after))
		return em_fail(EM_ENOMEM, "out of memory");
	return 0;
}

/* One statement: the SKIP LOCKED subquery picks a chunk no other worker is claiming. */
static int pg_work_claim(em_backend *b, const char *owner, const char *now, const char *expires, em_work_chunk *out)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_text(&p, owner);
	p_text(&p, now);
	p_text(&p, expires);
	PGresult *res = run(b, "UPDATE work_chunks c SET status = 'claimed', lease_owner = $1, lease_expires = $3,"
			       " attempts = attempts + 1"
			       " WHERE id = (SELECT id FROM work_chunks WHERE status = 'pending'"
			       "  OR (status = 'claimed' AND lease_expires < $2) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
			       " RETURNING id, job_id, (SELECT kind FROM work_jobs j WHERE j.id = c.job_id), after_ref,"
			       " last_ref, items, attempts",
			    &p, "claiming a chunk");
	if (!res)
		return EM_ESTORE;
	rc = PQntuples(res) ? read_chunk(res, out) : EM_ENOTFOUND;
	PQclear(res);
	return rc;
}

static int pg_work_renew(em_backend *b, int64_t chunk_id, const char *owner, const char *expires)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, chunk_id);
	p_text(&p, owner);
	p_text(&p, expires);
	PGresult *res = run(b, "UPDATE work_chunks SET lease_expires = $3"
			       " WHERE id = $1 AND lease_owner = $2 AND status = 'claimed'",
			    &p, "renewing a lease");
	if (!res)
		return EM_ESTORE;
	if (!strcmp(PQcmdTuples(res), "0"))
		rc = em_fail(EM_EREFUSED, "chunk %lld: the lease of '%s' was lost", (long long)chunk_id, owner);
	PQclear(res);
	return rc;
}

static int pg_work_complete(em_backend *b, const em_store_chunk_done *c, em_store_screening_row *rows, size_t n,
			    em_store_alert_policy policy)
{
	int rc = begin(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, c->chunk_id);
	PGresult *res = run(b, "SELECT status, lease_owner FROM work_chunks WHERE id = $1 FOR UPDATE", &p,
			    "locking the chunk");
	if (!res)
		return rollback(b, EM_ESTORE);
	int held = PQntuples(res) && !strcmp(PQgetvalue(res, 0, 0), "claimed") && !PQgetisnull(res, 0, 1) &&
		   !strcmp(PQgetvalue(res, 0, 1), c->owner);
	PQclear(res);
	if (!held)
		return rollback(b, em_fail(EM_EREFUSED, "chunk %lld: '%s' no longer holds it (its lease expired and "
						   "another worker took it); nothing recorded",
					   (long long)c->chunk_id, c->owner));
	for (size_t i = 0; !rc && i < n; i++)
		rc = record_one(b, &rows[i], policy);
	params d = {0};
	p_int(&d, c->chunk_id);
	p_text(&d, c->now);
	if (rc || (rc = run_done(b, "UPDATE work_chunks SET status = 'done', done_at = $2 WHERE id = $1", &d,
				 "completing the chunk")) || (rc = commit(b)))
		return rollback(b, rc);
	return 0;
}

static int pg_work_progress(em_backend *b, int64_t job_id, em_work_progress *out)
{
	int rc = ensure(b);
	if (rc)
		return rc;
	params p = {0};
	p_int(&p, job_id);
	PGresult *res = run(b, "SELECT (SELECT count(*) FROM work_jobs WHERE id = $1), count(*),"
			       " sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),"
			       " sum(CASE WHEN status = 'claimed' THEN 1 ELSE 0 END),"
			       " sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), sum(items),"
			       " sum(CASE WHEN status = 'done' THEN items ELSE 0 END)"
			       " FROM work_chunks WHERE job_id = $1", &p, "reading the job's progress");
	if (!res)
		return EM_ESTORE;
	if (get_int(res, 0, 0) == 0)
		rc = em_fail(EM_ENOTFOUND, "no job %lld in the work queue", (long long)job_id);
	else
		*out = (em_work_progress){(size_t)get_int(res, 0, 1), (size_t)get_int(res, 0, 2),
					  (size_t)get_int(res, 0, 3), (size_t)get_int(res, 0, 4),
					  (size_t)get_int(res, 0, 5), (size_t)get_int(res, 0, 6)};
	PQclear(res);
	return rc;
}

/* --- notifications ---------------------------------------------------------------------------- */

/* Takes every notification libpq has read; 1 if there was one on our channel. */
static int drain_notifies(em_backend *b)
{
	int seen = 0;
	PGnotify *n;
	while ((n = PQnotifies(b->conn)) != NULL) {
		seen |= strcmp(n->relname, CHANNEL) == 0;
		PQfreemem(n);
	}
	return seen;
}

/*
 * LISTENs on first use, then waits on the connection's socket (poll) for a notification. A
 * notification is only delivered between transactions, which is all this connection runs.
 */
static int pg_wait_change(em_backend *b, int timeout_ms, int *changed)
{
	*changed = 0;
	int rc = ensure(b);
	if (rc)
		return rc;
	if (!b->listening) {
		if ((rc = run_done(b, "LISTEN " CHANNEL, NULL, "listening for new list versions")))
			return rc;
		b->listening = 1;
	}
	if (b->reconnected) { /* notifications sent while we were away are lost: look again */
		b->reconnected = 0;
		*changed = 1;
		return 0;
	}
	if (!PQconsumeInput(b->conn))
		return pg_fail(b, "waiting for new list versions");
	if ((*changed = drain_notifies(b)))
		return 0;
	struct pollfd pfd = {PQsocket(b->conn), POLLIN, 0};
	if (pfd.fd < 0)
		return pg_fail(b, "waiting for new list versions");
	int r = poll(&pfd, 1, timeout_ms);
	if (r > 0 && !PQconsumeInput(b->conn)) {
		/* the server went away: PQconsumeInput may leave the status OK, so make it bad */
		int fail = pg_fail(b, "waiting for new list versions");
		if (PQstatus(b->conn) == CONNECTION_OK)
			PQreset(b->conn);
		if (PQstatus(b->conn) == CONNECTION_OK)
			*changed = session_setup(b) == 0;
		return PQstatus(b->conn) == CONNECTION_OK ? 0 : fail;
	}
	*changed = drain_notifies(b);
	return 0;
}

static int pg_ping(em_backend *b)
{
	int rc = ensure(b);
	if (!rc)
		rc = run_done(b, "SELECT 1", NULL, "checking the connection");
	return rc;
}

const em_backend_ops em_backend_pg = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.import = pg_import,
	.versions = pg_versions,
	.load = pg_load,
	.activate = pg_activate,
	.get_entity = pg_get_entity,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.record = pg_record,
	.audit_scan = pg_audit_scan,
	.alerts = pg_alerts,
	.alerts_count = pg_alerts_count,
	.decide = pg_decide,
	.customers = pg_customers,
	.set_durability = pg_set_durability,
	.key_add = pg_key_add,
	.keys = pg_keys,
	.key_revoke = pg_key_revoke,
	.wait_change = pg_wait_change,
	.ping = pg_ping,
	.work_enqueue = pg_work_enqueue,
	.work_claim = pg_work_claim,
	.work_renew = pg_work_renew,
	.work_complete = pg_work_complete,
	.work_progress = pg_work_progress,
};
