/*
 * Tests of `lists update`: the sources file parser, the bounded downloader, and whole updates
 * into a real store, all against the local fixture server (127.0.0.1, started here and stopped
 * at the end) serving the shared list files. Expected counts come from reading the same files
 * directly, never from constants. No other address is contacted.
 */
#include "test.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "embargo/em_update.h"
#include "http_fixture_server.h"
#include "update/download.h"

static fixture_server *srv;
static char base[64];        /* http://127.0.0.1:PORT */
static char tmpdir[256];
static char dburl[600];

#define SDN_A "ofac/sdn-history/sdn-2024-04-26.csv"
#define SDN_B "ofac/sdn-history/sdn-2024-05-03.csv"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *url(const char *route)
{
	static char buf[4][512];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s%s", base, route);
	return buf[slot];
}

static void fresh(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/em_test_update.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(dburl, sizeof dburl, "sqlite:%s/embargo.db", tmpdir);
}

static void cleanup(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Number of entries in the download folder's parent that look like our download folders. */
static int leftover_download_folders(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls -d '%s'/embargo-update-* >/dev/null 2>&1", tmpdir);
	return system(cmd) == 0;
}

static int same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;
	while (same) {
		int ca = fgetc(fa), cb = fgetc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* --- the sources file ------------------------------------------------------------------ */

static const char *parse_error(const char *text)
{
	em_sources *s;
	int rc = em_sources_parse(&s, "t.conf", text, strlen(text));
	em_sources_free(s);
	return rc ? em_error_last()->message : NULL;
}

static void sources_parse_good(void)
{
	const char *text = "# comment\n"
			   "; another\n"
			   "[ofac-sdn]\r\n"
			   "format = ofac-csv\n"
			   "  file = sdn.csv   https://example.org/SDN.CSV  \n"
			   "file=alt.csv https://example.org/ALT.CSV\n"
			   "\n"
			   "[uk-ofsi]\n"
			   "description = UK list, retired\n"
			   "enabled = no\n"
			   "file = ConList.csv http://127.0.0.1:1/x?token=a=b\n";
	em_sources *s;
	CHECK_EQ_INT(em_sources_parse(&s, "t.conf", text, strlen(text)), 0);
	CHECK_EQ_INT(em_sources_count(s), 2);
	const em_source *a = em_sources_find(s, "ofac-sdn");
	CHECK(a != NULL);
	if (a) {
		CHECK_EQ_STR(a->format, "ofac-csv");
		CHECK_EQ_INT(a->n_files, 2);
		CHECK_EQ_STR(a->files[0].name, "sdn.csv");
		CHECK_EQ_STR(a->files[0].url, "https://example.org/SDN.CSV");
		CHECK_EQ_STR(a->files[1].name, "alt.csv");
		CHECK(a->enabled);
		CHECK(a->description == NULL);
	}
	const em_source *b = em_sources_get(s, 1);
	CHECK(b != NULL && !b->enabled && b->format == NULL);
	if (b) {
		CHECK_EQ_STR(b->description, "UK list, retired");
		CHECK_EQ_STR(b->files[0].url, "http://127.0.0.1:1/x?token=a=b");
	}
	CHECK(em_sources_get(s, 2) == NULL);
	CHECK(em_sources_find(s, "nope") == NULL);
	em_sources_free(s);

	/* The same text behind a leading BOM. */
	char bom[1024];
	snprintf(bom, sizeof bom, "\xEF\xBB\xBF%s", text);
	CHECK_EQ_INT(em_sources_parse(&s, "t.conf", bom, strlen(bom)), 0);
	CHECK_EQ_INT(em_sources_count(s), 2);
	em_sources_free(s);
}

static void sources_parse_errors(void)
{
	/* Each bad text and two things its message must say (the place, and what is wrong). */
	static const struct {
		const char *text, *where, *what;
	} cases[] = {
		{"[a]\nfile = a.csv https://x/a\nsize = 3\n", "t.conf:3", "'size'"},
		{"[a]\nfile = a.csv https://x/a\n[a]\nfile = b.csv https://x/b\n", "t.conf:3", "repeated"},
		{"[a]\nfile = ../a.csv https://x/a\n", "t.conf:2", "'file'"},
		{"[a]\nfile = sub/a.csv https://x/a\n", "t.conf:2", "plain file name"},
		{"[a]\nfile = .hidden https://x/a\n", "t.conf:2", "plain file name"},
		{"[a]\nfile = a.csv ftp://x/a\n", "t.conf:2", "http"},
		{"[a]\nfile = a.csv file:///etc/passwd\n", "t.conf:2", "http"},
		{"[a]\nfile = a.csv https://x/a b\n", "t.conf:2", "one word"},
		{"[a]\nfile = a.csv\n", "t.conf:2", "no URL"},
		{"file = a.csv https://x/a\n", "t.conf:1", "outside"},
		{"[a]\nformat = ofac-csv\n[b]\nfile = a.csv https://x/a\n", "t.conf:1", "no 'file'"},
		{"[a]\nfile = a.csv https://x/a\nenabled = maybe\n", "t.conf:3", "'enabled'"},
		{"[a]\nformat = x\nformat = y\nfile = a.csv https://x/a\n", "t.conf:3", "twice"},
		{"[a]\nfile = a.csv https://x/a\nfile = a.csv https://x/b\n", "t.conf:3", "repeated"},
		{"[Bad Name]\nfile = a.csv https://x/a\n", "t.conf:1", "source name"},
		{"[a\nfile = a.csv https://x/a\n", "t.conf:1", "']'"},
		{"[a]\njust words\n", "t.conf:2", "key = value"},
		{"# nothing\n", "t.conf", "no [source]"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *m = parse_error(cases[i].text);
		if (!m || !strstr(m, cases[i].where) || !strstr(m, cases[i].what))
			fprintf(stderr, "case %zu: message \"%s\"\n", i, m ? m : "(accepted)");
		CHECK(m && strstr(m, cases[i].where) && strstr(m, cases[i].what));
	}
	CHECK(parse_error("[a]\nfile = a.csv https://x/a\n") == NULL);
}

/* The shipped sources file parses, uses https throughout and names the files readers expect. */
static void sources_shipped_file(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/data/sources.conf", EM_SOURCE_DIR);
	em_sources *s;
	CHECK_EQ_INT(em_sources_load(&s, path), 0);
	if (!s)
		return;
	CHECK(em_sources_count(s) >= 7);
	for (size_t i = 0; i < em_sources_count(s); i++) {
		const em_source *src = em_sources_get(s, i);
		for (size_t k = 0; k < src->n_files; k++)
			CHECK(strncmp(src->files[k].url, "https://", 8) == 0);
	}
	const em_source *sdn = em_sources_find(s, "ofac-sdn");
	CHECK(sdn && sdn->n_files == 4);
	if (sdn && sdn->n_files == 4) {
		CHECK_EQ_STR(sdn->files[0].name, "sdn.csv");
		CHECK_EQ_STR(sdn->files[1].name, "alt.csv");
		CHECK_EQ_STR(sdn->files[2].name, "add.csv");
		CHECK_EQ_STR(sdn->files[3].name, "sdn_comments.csv");
		CHECK_EQ_STR(sdn->format, "ofac-csv");
	}
	const em_source *cons = em_sources_find(s, "ofac-cons");
	CHECK(cons && cons->n_files == 4 && !strcmp(cons->files[0].name, "cons_prim.csv"));
	CHECK(em_sources_find(s, "un") && em_sources_find(s, "us-csl") &&
	      em_sources_find(s, "bis-dpl") && em_sources_find(s, "eu-fsf") &&
	      em_sources_find(s, "uk-ofsi"));
	em_sources_free(s);

	/* $EMBARGO_SOURCES wins over the compiled-in default; empty means unset. */
	setenv("EMBARGO_SOURCES", "/some/where.conf", 1);
	CHECK_EQ_STR(em_sources_default_path(), "/some/where.conf");
	setenv("EMBARGO_SOURCES", "", 1);
	CHECK(strcmp(em_sources_default_path(), "") != 0);
	unsetenv("EMBARGO_SOURCES");
	CHECK(strstr(em_sources_default_path(), "sources.conf") != NULL);
	/* The compiled-in default is this tree's file. */
	CHECK_EQ_INT(em_sources_load(&s, em_sources_default_path()), 0);
	CHECK(s && em_sources_find(s, "ofac-sdn"));
	em_sources_free(s);
}

/* --- downloads ------------------------------------------------------------------------- */

static int download(em_download *d, const char *route, const em_update_options *o, char *out,
		    size_t outsz)
{
	snprintf(out, outsz, "%s/dl.bin", tmpdir);
	memset(d, 0, sizeof *d);
	d->url = url(route);
	d->path = out;
	return em_download_file(d, o);
}

static void download_validators_and_304(void)
{
	fresh();
	em_download d;
	char out[512];
	size_t before_cond;
	fixture_server_requests(srv, "/files/bis/dpl.txt", &before_cond);
	CHECK_EQ_INT(download(&d, "/files/bis/dpl.txt", NULL, out, sizeof out), 0);
	CHECK_EQ_INT(d.status, 200);
	CHECK(!d.not_modified);
	CHECK(same_file(out, shared_path("data/bis/dpl.txt")));
	CHECK(d.new_etag != NULL && d.new_last_modified != NULL);
	char *etag = d.new_etag ? strdup(d.new_etag) : NULL;
	char *lm = d.new_last_modified ? strdup(d.new_last_modified) : NULL;
	em_download_clear(&d);

	/* With the ETag: 304, an empty file, and the server saw a conditional request. */
	snprintf(out, sizeof out, "%s/dl.bin", tmpdir);
	memset(&d, 0, sizeof d);
	d.url = url("/files/bis/dpl.txt");
	d.path = out;
	d.etag = etag;
	CHECK_EQ_INT(em_download_file(&d, NULL), 0);
	CHECK_EQ_INT(d.status, 304);
	CHECK(d.not_modified);
	CHECK_EQ_INT(d.bytes, 0);
	em_download_clear(&d);
	/* With Last-Modified only. */
	d.etag = NULL;
	d.last_modified = lm;
	CHECK_EQ_INT(em_download_file(&d, NULL), 0);
	CHECK(d.not_modified);
	em_download_clear(&d);
	size_t cond;
	fixture_server_requests(srv, "/files/bis/dpl.txt", &cond);
	CHECK_EQ_INT(cond - before_cond, 2);
	/* A validator that could split the header line is not sent. */
	d.last_modified = "x\r\nX-Evil: 1";
	CHECK_EQ_INT(em_download_file(&d, NULL), 0);
	CHECK_EQ_INT(d.status, 200);
	em_download_clear(&d);
	free(etag);
	free(lm);
	cleanup();
}

static void download_http_errors(void)
{
	fresh();
	em_download d;
	char out[512];
	CHECK_EQ_INT(download(&d, "/status/404/x", NULL, out, sizeof out), EM_ENET);
	CHECK(strstr(em_error_last()->message, "HTTP 404") != NULL);
	CHECK(strstr(em_error_last()->message, base) != NULL);
	CHECK(access(out, F_OK) != 0); /* no partial file left */
	CHECK_EQ_INT(download(&d, "/status/500/x", NULL, out, sizeof out), EM_ENET);
	CHECK(strstr(em_error_last()->message, "HTTP 500") != NULL);
	CHECK_EQ_INT(download(&d, "/files/no/such/file.csv", NULL, out, sizeof out), EM_ENET);
	/* 204 is not a list, and 304 without a conditional request is not "unchanged". */
	CHECK_EQ_INT(download(&d, "/status/204/x", NULL, out, sizeof out), EM_ENET);
	CHECK_EQ_INT(download(&d, "/status/304/x", NULL, out, sizeof out), EM_ENET);
	/* Only http and https. */
	memset(&d, 0, sizeof d);
	d.url = "file:///etc/hostname";
	d.path = out;
	CHECK_EQ_INT(em_download_file(&d, NULL), EM_ENET);
	/* Nothing listens here (a port just released by a throwaway server). */
	fixture_server *tmp;
	CHECK_EQ_INT(fixture_server_start(&tmp, tmpdir), 0);
	char closed[64];
	snprintf(closed, sizeof closed, "http://127.0.0.1:%u/x", fixture_server_port(tmp));
	fixture_server_stop(tmp);
	d.url = closed;
	CHECK_EQ_INT(em_download_file(&d, NULL), EM_ENET);
	cleanup();
}

static void download_truncated(void)
{
	fresh();
	em_download d;
	char out[512];
	CHECK_EQ_INT(download(&d, "/short/" SDN_A, NULL, out, sizeof out), EM_ETRUNCATED);
	CHECK(strstr(em_error_last()->message, "ended early") != NULL);
	CHECK(access(out, F_OK) != 0);
	cleanup();
}

static void download_hang_is_bounded(void)
{
	fresh();
	em_download d;
	char out[512];
	em_update_options o = EM_UPDATE_OPTIONS_INIT;
	o.timeout_ms = 1500;
	double t0 = now_s();
	CHECK_EQ_INT(download(&d, "/hang/x", &o, out, sizeof out), EM_ENET);
	double took = now_s() - t0;
	CHECK(took >= 1.0 && took < 5.0);
	CHECK(strstr(em_error_last()->message, "timed out") != NULL);
	printf("     hang: failed after %.2f s (timeout 1.5 s)\n", took);
	cleanup();
}

static void download_stall_low_speed(void)
{
	fresh();
	em_download d;
	char out[512];
	em_update_options o = EM_UPDATE_OPTIONS_INIT;
	o.timeout_ms = 30000;       /* the overall limit is far away... */
	o.low_speed_bytes = 1000;   /* ...the low-speed limit must cut the stall */
	o.low_speed_time_s = 1;
	double t0 = now_s();
	CHECK_EQ_INT(download(&d, "/stall/" SDN_A, &o, out, sizeof out), EM_ENET);
	double took = now_s() - t0;
	CHECK(took < 6.0);
	printf("     stall: failed after %.2f s (low speed 1000 B/s for 1 s)\n", took);
	cleanup();
}

static void download_size_limit(void)
{
	fresh();
	em_download d;
	char out[512];
	em_update_options o = EM_UPDATE_OPTIONS_INIT;
	o.max_bytes = 1 << 20;
	/* An endless chunked body: cut at the limit while streaming. */
	CHECK_EQ_INT(download(&d, "/endless/x", &o, out, sizeof out), EM_ELIMIT);
	CHECK(strstr(em_error_last()->message, "limit") != NULL);
	CHECK(access(out, F_OK) != 0);
	/* A known length above the limit. */
	CHECK_EQ_INT(download(&d, "/files/" SDN_A, &o, out, sizeof out), EM_ELIMIT);
	/* The same file under a limit it fits. */
	o.max_bytes = 8 << 20;
	CHECK_EQ_INT(download(&d, "/files/" SDN_A, &o, out, sizeof out), 0);
	em_download_clear(&d);
	cleanup();
}

static void download_redirects_bounded(void)
{
	fresh();
	em_download d;
	char out[512];
	CHECK_EQ_INT(download(&d, "/redirect/3/files/bis/dpl.txt", NULL, out, sizeof out), 0);
	CHECK(same_file(out, shared_path("data/bis/dpl.txt")));
	em_download_clear(&d);
	em_update_options o = EM_UPDATE_OPTIONS_INIT;
	o.max_redirects = 2;
	CHECK_EQ_INT(download(&d, "/redirect/3/files/bis/dpl.txt", &o, out, sizeof out), EM_ENET);
	CHECK(strstr(em_error_last()->message, "edirect") != NULL);
	o.max_redirects = -1; /* none: the 302 itself is an unexpected status */
	CHECK_EQ_INT(download(&d, "/redirect/1/files/bis/dpl.txt", &o, out, sizeof out), EM_ENET);
	cleanup();
}

/* --- whole updates into a store -------------------------------------------------------- */

static em_sources *config(const char *text)
{
	em_sources *s = NULL;
	if (em_sources_parse(&s, "test.conf", text, strlen(text)) != 0)
		fprintf(stderr, "test config: %s\n", em_error_last()->message);
	return s;
}

/* A one-file ofac-sdn source served from `route`. */
static em_sources *sdn_config(const char *route)
{
	char text[1024];
	snprintf(text, sizeof text, "[ofac-sdn]\nformat = ofac-csv\nfile = sdn.csv %s\n", url(route));
	return config(text);
}

static em_update_options test_opts(void)
{
	em_update_options o = EM_UPDATE_OPTIONS_INIT;
	o.timeout_ms = 20000;
	o.tmp_dir = tmpdir;
	return o;
}

/* A fresh folder with an empty store in it; store_done() removes both. */
static em_store *store_fresh(void)
{
	fresh();
	em_store *st = NULL;
	if (em_store_open(&st, dburl) != 0) {
		fprintf(stderr, "store: %s\n", em_error_last()->message);
		exit(2);
	}
	return st;
}

static void store_done(em_store *st)
{
	em_store_free(st);
	cleanup();
}

/* Updates the single source of a config; returns the status. */
static int run_update(em_store *st, const char *route, const em_update_options *o,
		      em_update_result *r)
{
	em_sources *s = sdn_config(route);
	if (!s)
		return -100;
	int rc = em_update_source(st, em_sources_get(s, 0), o, r);
	em_sources_free(s);
	return rc;
}

/* A first good update that later steps compare against; returns its version id. */
static int64_t seed(em_store *st, const char *route, const em_update_options *o)
{
	em_update_result r;
	CHECK_EQ_INT(run_update(st, route, o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UPDATED);
	int64_t v = r.version_id;
	em_update_result_clear(&r);
	return v;
}

static int64_t active_id(em_store *st, const char *source, em_version_info *copy_retrieved)
{
	em_version_set set = {0};
	int64_t id = 0;
	if (em_store_versions(st, 1, &set) != 0)
		return -1;
	for (size_t i = 0; i < set.count; i++)
		if (!strcmp(set.items[i].source, source)) {
			id = set.items[i].id;
			if (copy_retrieved) {
				static char ret[64], path[512];
				snprintf(ret, sizeof ret, "%s", set.items[i].retrieved_at);
				snprintf(path, sizeof path, "%s", set.items[i].path);
				copy_retrieved->retrieved_at = ret;
				copy_retrieved->path = path;
				copy_retrieved->entity_count = set.items[i].entity_count;
			}
		}
	em_version_set_free(&set);
	return id;
}

static size_t direct_count(const char *rel)
{
	em_list *l;
	if (em_list_read_file(&l, shared_path(rel), NULL) != 0) {
		fprintf(stderr, "direct read of %s: %s\n", rel, em_error_last()->message);
		return 0;
	}
	size_t n = em_list_count(l);
	em_list_free(l);
	return n;
}

static void update_good_then_newer(void)
{
	em_store *st = store_fresh();
	em_update_options o = test_opts();
	em_update_result r;
	size_t na = direct_count("data/" SDN_A), nb = direct_count("data/" SDN_B);
	CHECK(na > 0 && nb > 0 && na != nb);

	CHECK_EQ_INT(run_update(st, "/files/" SDN_A, &o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UPDATED);
	CHECK_EQ_INT(r.entity_count, na);
	CHECK_EQ_INT(r.previous_count, 0);
	int64_t v1 = r.version_id;
	CHECK(v1 > 0 && active_id(st, "ofac-sdn", NULL) == v1);
	em_update_result_clear(&r);

	CHECK_EQ_INT(run_update(st, "/files/" SDN_B, &o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UPDATED);
	CHECK_EQ_INT(r.entity_count, nb);
	CHECK_EQ_INT(r.previous_count, na);
	CHECK(r.version_id > v1);
	CHECK(r.retrieved_at[0] != '\0');
	em_version_info info = {0};
	CHECK(active_id(st, "ofac-sdn", &info) == r.version_id);
	CHECK_EQ_STR(info.retrieved_at, r.retrieved_at);
	CHECK_EQ_STR(info.path, url("/files/" SDN_B));
	CHECK_EQ_INT(info.entity_count, nb);
	em_update_result_clear(&r);
	CHECK(!leftover_download_folders());
	store_done(st);
}

static void update_unchanged(void)
{
	em_store *st = store_fresh();
	em_update_options o = test_opts();
	em_update_result r;
	int64_t v = seed(st, "/files/" SDN_B, &o);

	/* The server answers 304 to the stored ETag. */
	size_t c0, c1;
	fixture_server_requests(srv, "/files/" SDN_B, &c0);
	CHECK_EQ_INT(run_update(st, "/files/" SDN_B, &o, &r), 0);
	fixture_server_requests(srv, "/files/" SDN_B, &c1);
	CHECK_EQ_INT(c1 - c0, 1);
	CHECK_EQ_INT(r.status, EM_UPDATE_UNCHANGED);
	CHECK(r.not_modified);
	CHECK_EQ_INT(r.version_id, v);
	CHECK_EQ_INT(r.bytes, 0);
	em_update_result_clear(&r);

	/* A server without validators sends the same bytes: unchanged by hash. */
	CHECK_EQ_INT(run_update(st, "/plain/" SDN_B, &o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UNCHANGED);
	CHECK(!r.not_modified);
	CHECK_EQ_INT(r.version_id, v);
	CHECK(r.bytes > 0);
	em_update_result_clear(&r);
	CHECK(active_id(st, "ofac-sdn", NULL) == v);

	/* --no-conditional style: always download. */
	o.no_conditional = 1;
	CHECK_EQ_INT(run_update(st, "/files/" SDN_B, &o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UNCHANGED);
	CHECK(!r.not_modified);
	em_update_result_clear(&r);
	store_done(st);
}

/* Validators are tied to the version they produced: after a rollback they are not sent. */
static void update_validators_follow_active_version(void)
{
	em_store *st = store_fresh();
	em_update_options o = test_opts();
	em_update_result r;
	int64_t v1 = seed(st, "/files/" SDN_A, &o);
	CHECK_EQ_INT(run_update(st, "/files/" SDN_B, &o, &r), 0);
	em_update_result_clear(&r);
	CHECK_EQ_INT(em_store_activate(st, v1), 0);

	size_t c0, c1;
	fixture_server_requests(srv, "/files/" SDN_B, &c0);
	CHECK_EQ_INT(run_update(st, "/files/" SDN_B, &o, &r), 0);
	fixture_server_requests(srv, "/files/" SDN_B, &c1);
	CHECK_EQ_INT(c1 - c0, 0); /* no conditional request */
	CHECK(!r.not_modified);
	CHECK(r.status != EM_UPDATE_FAILED);
	CHECK(active_id(st, "ofac-sdn", NULL) != v1);
	em_update_result_clear(&r);
	store_done(st);
}

/* Every failure keeps the active version and says why. */
static void expect_failure(em_store *st, const char *route, const em_update_options *o,
			   int64_t active, const char *reason_part, int code)
{
	em_update_result r;
	int rc = run_update(st, route, o, &r);
	CHECK(rc < 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_FAILED);
	if (code)
		CHECK_EQ_INT(r.code, code);
	CHECK(r.reason != NULL);
	if (reason_part && (!r.reason || !strstr(r.reason, reason_part)))
		fprintf(stderr, "%s: reason \"%s\" lacks \"%s\"\n", route,
			r.reason ? r.reason : "(null)", reason_part);
	if (reason_part)
		CHECK(r.reason && strstr(r.reason, reason_part));
	CHECK(strstr(em_error_last()->message, "ofac-sdn") != NULL);
	CHECK(active_id(st, "ofac-sdn", NULL) == active);
	em_update_result_clear(&r);
}

static void update_failures_keep_active(void)
{
	em_store *st = store_fresh();
	em_update_options o = test_opts();
	em_update_result r;
	int64_t v = seed(st, "/files/" SDN_A, &o);

	/* Transfer cut short of its Content-Length. */
	expect_failure(st, "/short/" SDN_B, &o, v, "ended early", EM_ETRUNCATED);
	/* A complete response holding half the file: cut inside a record. */
	expect_failure(st, "/cut/0/" SDN_B, &o, v, url("/cut/0/" SDN_B ":"), EM_ETRUNCATED);
	/* An HTML page. */
	expect_failure(st, "/garbage/sdn.csv", &o, v, NULL, 0);
	/* Not found. */
	expect_failure(st, "/status/404/sdn.csv", &o, v, "HTTP 404", EM_ENET);
	/* A server that never answers, within the configured time. */
	em_update_options quick = o;
	quick.timeout_ms = 1500;
	double t0 = now_s();
	expect_failure(st, "/hang/sdn.csv", &quick, v, NULL, EM_ENET);
	double took = now_s() - t0;
	CHECK(took < 5.0);
	printf("     update against a hanging server failed after %.2f s\n", took);
	/* The right bytes in a list of another kind: the format check refuses. */
	char text[512];
	snprintf(text, sizeof text, "[ofac-sdn]\nformat = un-xml\nfile = sdn.csv %s\n",
		 url("/files/" SDN_B));
	em_sources *s = config(text);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(em_update_source(st, em_sources_get(s, 0), &o, &r), EM_EFORMAT);
		CHECK(r.reason && strstr(r.reason, "un-xml"));
		em_update_result_clear(&r);
		em_sources_free(s);
	}
	CHECK(active_id(st, "ofac-sdn", NULL) == v);
	CHECK(!leftover_download_folders());
	store_done(st);
}

/* Offset just after the line break nearest the middle of a file, so the cut is clean. */
static size_t clean_cut(const char *rel)
{
	FILE *f = fopen(shared_path(rel), "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, len / 2, SEEK_SET);
	int c;
	long pos = len / 2;
	while ((c = fgetc(f)) != EOF) {
		pos++;
		if (c == '\n')
			break;
	}
	fclose(f);
	return (size_t)pos;
}

/*
 * An older, much shorter SDN file (2021: fewer entities than 2024) served as the current one:
 * the store refuses the sharp drop, and --force imports it.
 */
static void update_sharp_drop_refused_unless_forced(void)
{
	em_store *st = store_fresh();
	em_update_options o = test_opts();
	em_update_result r;
	int64_t v = seed(st, "/files/" SDN_B, &o);
	expect_failure(st, "/files/ofac/sdn-2021/sdn.csv", &o, v, NULL, EM_EREFUSED);
	o.force = 1;
	CHECK_EQ_INT(run_update(st, "/files/ofac/sdn-2021/sdn.csv", &o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UPDATED);
	CHECK(r.entity_count < r.previous_count);
	CHECK(active_id(st, "ofac-sdn", NULL) == r.version_id);
	em_update_result_clear(&r);
	store_done(st);
}

static em_sources *set_config(const char *dir, const char *alt_route)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "[ofac-cons]\nformat = ofac-csv\n"
		 "file = cons_prim.csv %s\nfile = cons_alt.csv %s\n"
		 "file = cons_add.csv %s\nfile = cons_comments.csv %s\n",
		 url(dir), alt_route, url("/files/ofac/non-sdn/cons_add.csv"),
		 url("/files/ofac/non-sdn/cons_comments.csv"));
	return config(text);
}

static size_t total_names(const em_list *l)
{
	size_t n = 0;
	for (size_t i = 0; i < em_list_count(l); i++)
		n += em_list_entity(l, i)->n_names + em_list_entity(l, i)->n_addresses;
	return n;
}

/* A source of four files is downloaded into one folder and read as one list. */
static void update_file_set(void)
{
	em_store *st = store_fresh();
	em_update_options o = test_opts();
	em_update_result r;
	em_sources *s = set_config("/files/ofac/non-sdn/cons_prim.csv",
				   url("/files/ofac/non-sdn/cons_alt.csv"));
	CHECK(s != NULL);
	if (!s) {
		store_done(st);
		return;
	}
	CHECK_EQ_INT(em_update_source(st, em_sources_get(s, 0), &o, &r), 0);
	CHECK_EQ_INT(r.status, EM_UPDATE_UPDATED);
	int64_t v = r.version_id;
	em_update_result_clear(&r);

	/* What was stored equals reading the set directly, companions included. */
	em_list *direct = NULL, *stored = NULL;
	CHECK_EQ_INT(em_list_read_file(&direct, shared_path("data/ofac/non-sdn/cons_prim.csv"), NULL), 0);
	CHECK_EQ_INT(em_store_load_version(st, v, &stored), 0);
	if (direct && stored) {
		CHECK_EQ_INT(em_list_count(stored), em_list_count(direct));
		CHECK_EQ_INT(total_names(stored), total_names(direct));
	}
	em_list_free(stored);

	/* Second run: four conditional requests, all 304. */
	size_t c0, c1;
	fixture_server_requests(srv, "/files/ofac/non-sdn/", &c0);
	CHECK_EQ_INT(em_update_source(st, em_sources_get(s, 0), &o, &r), 0);
	fixture_server_requests(srv, "/files/ofac/non-sdn/", &c1);
	CHECK_EQ_INT(c1 - c0, 4);
	CHECK_EQ_INT(r.status, EM_UPDATE_UNCHANGED);
	CHECK(r.not_modified);
	em_update_result_clear(&r);
	em_sources_free(s);

	/*
	 * Only a companion changes (fewer aliases, same entities): the primary file answers 304 and
	 * is fetched again, and the set's hash differs, so this is a new version, not "unchanged".
	 */
	char alt[256];
	snprintf(alt, sizeof alt, "/cut/%zu/ofac/non-sdn/cons_alt.csv",
		 clean_cut("data/ofac/non-sdn/cons_alt.csv"));
	s = set_config("/files/ofac/non-sdn/cons_prim.csv", url(alt));
	size_t p0, p1;
	p0 = fixture_server_requests(srv, "/files/ofac/non-sdn/cons_prim.csv", NULL);
	CHECK_EQ_INT(em_update_source(st, em_sources_get(s, 0), &o, &r), 0);
	p1 = fixture_server_requests(srv, "/files/ofac/non-sdn/cons_prim.csv", NULL);
	CHECK_EQ_INT(p1 - p0, 2);
	CHECK_EQ_INT(r.status, EM_UPDATE_UPDATED);
	CHECK(r.version_id != v);
	CHECK_EQ_INT(r.entity_count, em_list_count(direct));
	if (em_store_load_version(st, r.version_id, &stored) == 0) {
		CHECK(total_names(stored) < total_names(direct));
		em_list_free(stored);
	}
	em_update_result_clear(&r);
	em_sources_free(s);

	/* A broken companion fails the whole set, and the message names its address. */
	s = set_config("/files/ofac/non-sdn/cons_prim.csv", url("/garbage/cons_alt.csv"));
	int64_t active = active_id(st, "ofac-cons", NULL);
	CHECK(em_update_source(st, em_sources_get(s, 0), &o, &r) < 0);
	CHECK(r.reason && strstr(r.reason, url("/garbage/cons_alt.csv")));
	CHECK(r.reason && !strstr(r.reason, "embargo-update-"));
	CHECK(active_id(st, "ofac-cons", NULL) == active);
	em_update_result_clear(&r);
	em_sources_free(s);
	em_list_free(direct);
	store_done(st);
}

int main(void)
{
	/* libcurl honours proxy variables: make sure nothing but 127.0.0.1 is contacted. */
	static const char *proxies[] = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
					"all_proxy", "ALL_PROXY"};
	for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++)
		unsetenv(proxies[i]);
	setenv("no_proxy", "*", 1);
	if (fixture_server_start(&srv, EM_SHARED_DIR "/data") != 0)
		return 1;
	snprintf(base, sizeof base, "http://127.0.0.1:%u", fixture_server_port(srv));
	RUN(sources_parse_good);
	RUN(sources_parse_errors);
	RUN(sources_shipped_file);
	RUN(download_validators_and_304);
	RUN(download_http_errors);
	RUN(download_truncated);
	RUN(download_hang_is_bounded);
	RUN(download_stall_low_speed);
	RUN(download_size_limit);
	RUN(download_redirects_bounded);
	RUN(update_good_then_newer);
	RUN(update_unchanged);
	RUN(update_validators_follow_active_version);
	RUN(update_failures_keep_active);
	RUN(update_sharp_drop_refused_unless_forced);
	RUN(update_file_set);
	fixture_server_stop(srv);
	return TEST_REPORT();
}
