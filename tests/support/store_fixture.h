/*
 * store_fixture.h: the store a test case works on, so that one store test suite runs on every
 * backend. EM_TEST_STORE_URL chooses it: unset or "sqlite:..." gives each case a new SQLite
 * file in its own temporary folder; a "postgresql://" URL (tests/lib/pg_cluster.sh exports one
 * for a throwaway cluster) gives each case an empty database: the public schema is dropped and
 * made again, so never point it at a database that matters. Besides the store's own API a test
 * may look under it with store_fixture_exec() and store_fixture_int(), in SQL both backends
 * understand.
 */
#ifndef EMBARGO_STORE_FIXTURE_H
#define EMBARGO_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

static char store_fixture_dir[256];  /* the case's temporary folder (both backends) */
static char store_fixture_db[512];   /* SQLite: the database file */
static char store_fixture_url[1024]; /* the store URL of the case */

/* 1 when the suite runs on PostgreSQL. */
static inline int store_fixture_is_pg(void)
{
	const char *u = getenv("EM_TEST_STORE_URL");
	return u && (strncmp(u, "postgresql://", 13) == 0 || strncmp(u, "postgres://", 11) == 0);
}

/* Runs SQL (several statements allowed) on the case's database; 0 when it succeeded. */
static inline int store_fixture_exec(const char *sql)
{
	if (store_fixture_is_pg()) {
		PGconn *c = PQconnectdb(store_fixture_url);
		int ok = 0;
		if (PQstatus(c) == CONNECTION_OK) {
			PGresult *r = PQexec(c, sql);
			ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
			PQclear(r);
		}
		PQfinish(c);
		return ok ? 0 : -1;
	}
	sqlite3 *db;
	int rc = sqlite3_open(store_fixture_db, &db) == SQLITE_OK &&
		 sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sqlite3_close(db);
	return rc;
}

/* The first column of the first row of a query as an integer; -1 on failure. */
static inline long long store_fixture_int(const char *sql)
{
	long long v = -1;
	if (store_fixture_is_pg()) {
		PGconn *c = PQconnectdb(store_fixture_url);
		if (PQstatus(c) == CONNECTION_OK) {
			PGresult *r = PQexec(c, sql);
			if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
				v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			PQclear(r);
		}
		PQfinish(c);
		return v;
	}
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	if (sqlite3_open(store_fixture_db, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A new temporary folder and an empty store location for one case; returns its URL. */
static inline const char *store_fixture_fresh(const char *name)
{
	snprintf(store_fixture_dir, sizeof store_fixture_dir, "/tmp/em_%s.XXXXXX", name);
	if (!mkdtemp(store_fixture_dir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(store_fixture_db, sizeof store_fixture_db, "%s/embargo.db", store_fixture_dir);
	if (!store_fixture_is_pg()) {
		snprintf(store_fixture_url, sizeof store_fixture_url, "sqlite:%s", store_fixture_db);
		return store_fixture_url;
	}
	snprintf(store_fixture_url, sizeof store_fixture_url, "%s", getenv("EM_TEST_STORE_URL"));
	if (store_fixture_exec("SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public")) {
		fprintf(stderr, "cannot empty the test database %s\n", store_fixture_url);
		exit(2);
	}
	return store_fixture_url;
}

/* Removes the case's temporary folder. */
static inline void store_fixture_cleanup(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", store_fixture_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", store_fixture_dir);
}

#endif
