/*
 * http_fixture_server.c: the test HTTP server described in http_fixture_server.h. It runs
 * libmicrohttpd with one thread per connection, so a route that blocks (/hang, /stall) holds
 * only its own connection; those threads poll the `stopping` flag and give up after a fixed
 * bound, so stopping the server never waits long.
 */
#include "http_fixture_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define HOLD_MAX_MS 60000 /* the longest a /hang or /stall connection is held */
#define STALL_BYTES 1024

typedef struct request_log {
	char *path;
	int conditional;
} request_log;

struct fixture_server {
	struct MHD_Daemon *daemon;
	char *root;
	unsigned port;
	atomic_int stopping;
	pthread_mutex_t lock;
	request_log *log;
	size_t n_log, cap_log;
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits until the server stops or the hold bound passes. */
static void hold(fixture_server *s)
{
	for (long waited = 0; !atomic_load(&s->stopping) && waited < HOLD_MAX_MS; waited += 20)
		sleep_ms(20);
}

static void log_request(fixture_server *s, const char *url, int conditional)
{
	pthread_mutex_lock(&s->lock);
	if (s->n_log == s->cap_log) {
		size_t cap = s->cap_log ? s->cap_log * 2 : 64;
		request_log *l = realloc(s->log, cap * sizeof *l);
		if (!l) {
			pthread_mutex_unlock(&s->lock);
			return;
		}
		s->log = l;
		s->cap_log = cap;
	}
	char *p = strdup(url);
	if (p) {
		s->log[s->n_log].path = p;
		s->log[s->n_log].conditional = conditional;
		s->n_log++;
	}
	pthread_mutex_unlock(&s->lock);
}

size_t fixture_server_requests(fixture_server *s, const char *prefix, size_t *conditional)
{
	size_t n = 0, c = 0, plen = strlen(prefix);
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n_log; i++) {
		if (strncmp(s->log[i].path, prefix, plen) == 0) {
			n++;
			c += s->log[i].conditional != 0;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (conditional)
		*conditional = c;
	return n;
}

/* The file below the root, or NULL (no "..", no absolute paths). */
static char *load(fixture_server *s, const char *rel, size_t *len, time_t *mtime)
{
	if (!*rel || rel[0] == '/' || strstr(rel, ".."))
		return NULL;
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", s->root, rel) >= sizeof path)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	char *data = NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (data = malloc((size_t)st.st_size + 1)) != NULL) {
		if (fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			free(data);
			data = NULL;
		} else {
			*len = (size_t)st.st_size;
			*mtime = st.st_mtime;
		}
	}
	fclose(f);
	return data;
}

static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned status, void *data,
				   size_t len, enum MHD_ResponseMemoryMode mode, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
	if (!r)
		return MHD_NO;
	if (type)
		MHD_add_response_header(r, "Content-Type", type);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* An empty response with one header (a 304 with its ETag, a redirect with its Location). */
static enum MHD_Result send_empty(struct MHD_Connection *c, unsigned status, const char *header,
				  const char *value)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, header, value);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return send_buffer(c, status, (void *)text, strlen(text), MHD_RESPMEM_PERSISTENT,
			   "text/plain");
}

/* A body produced piece by piece: the file bytes up to `stop`, then an error or a hold. */
typedef struct stream {
	fixture_server *s;
	char *data;
	size_t len;
	size_t stop;      /* bytes sent before misbehaving */
	int stall;        /* 1: hold the connection after `stop`; 0: close it */
	int endless;      /* 1: generate bytes forever instead of `data` */
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *st = cls;
	if (st->endless) {
		static const char line[] = "1,\"ENDLESS\",\"entity\",\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
		if (atomic_load(&st->s->stopping) || pos > ((uint64_t)1 << 32))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		size_t n = 0;
		while (n < max) {
			size_t off = (size_t)((pos + n) % (sizeof line - 1));
			size_t k = sizeof line - 1 - off;
			if (k > max - n)
				k = max - n;
			memcpy(buf + n, line + off, k);
			n += k;
		}
		return (ssize_t)n;
	}
	if (pos >= st->stop) {
		if (st->stall)
			hold(st->s);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t n = st->stop - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, st->data + pos, n);
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	stream *st = cls;
	free(st->data);
	free(st);
}

static enum MHD_Result send_stream(struct MHD_Connection *c, fixture_server *s, char *data,
				   size_t len, size_t stop, int stall, int endless)
{
	stream *st = calloc(1, sizeof *st);
	if (!st) {
		free(data);
		return MHD_NO;
	}
	*st = (stream){s, data, len, stop, stall, endless};
	struct MHD_Response *r = MHD_create_response_from_callback(
		endless ? MHD_SIZE_UNKNOWN : (uint64_t)len, 4096, stream_read, st, stream_free);
	if (!r) {
		stream_free(st);
		return MHD_NO;
	}
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_file(struct MHD_Connection *c, fixture_server *s, const char *rel,
				  int validators)
{
	size_t len;
	time_t mtime;
	char *data = load(s, rel, &len, &mtime);
	if (!data)
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	/* FNV-1a of the bytes: the ETag changes exactly when the content does. */
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)data[i]) * 1099511628211ULL;
	char etag[40], lastmod[64];
	snprintf(etag, sizeof etag, "\"%016llx-%zx\"", (unsigned long long)h, len);
	struct tm tm;
	gmtime_r(&mtime, &tm);
	strftime(lastmod, sizeof lastmod, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (validators) {
		const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
		const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
		if ((inm && strstr(inm, etag)) || (!inm && ims && strcmp(ims, lastmod) == 0)) {
			free(data);
			return send_empty(c, MHD_HTTP_NOT_MODIFIED, "ETag", etag);
		}
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/csv");
	if (validators) {
		MHD_add_response_header(r, "ETag", etag);
		MHD_add_response_header(r, "Last-Modified", lastmod);
	}
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Reads "N/" at *p; returns N, or -1 when there is no number. */
static long take_number(const char **p)
{
	char *end;
	long v = strtol(*p, &end, 10);
	if (end == *p || *end != '/' || v < 0)
		return -1;
	*p = end + 1;
	return v;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	fixture_server *s = cls;
	if (strcmp(method, "GET") != 0)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
	int conditional = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match") ||
			  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");
	log_request(s, url, conditional);

	const char *p;
	if (!strncmp(url, "/files/", 7))
		return serve_file(c, s, url + 7, 1);
	if (!strncmp(url, "/plain/", 7))
		return serve_file(c, s, url + 7, 0);
	if (!strncmp(url, "/hang/", 6)) {
		hold(s);
		return MHD_NO; /* close without a response */
	}
	if (!strncmp(url, "/garbage/", 9))
		return send_text(c, MHD_HTTP_OK,
				 "<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
				 "<body><h1>Scheduled maintenance</h1><p>Please try again later.</p>"
				 "</body></html>\n");
	if (!strncmp(url, "/endless/", 9))
		return send_stream(c, s, NULL, 0, 0, 0, 1);
	if (!strncmp(url, "/status/", 8)) {
		p = url + 8;
		long code = take_number(&p);
		if (code < 100 || code > 599)
			return send_text(c, MHD_HTTP_BAD_REQUEST, "bad status\n");
		return send_text(c, (unsigned)code, "fixture status\n");
	}
	if (!strncmp(url, "/redirect/", 10)) {
		p = url + 10;
		long n = take_number(&p);
		if (n < 0)
			return send_text(c, MHD_HTTP_BAD_REQUEST, "bad redirect\n");
		char location[2048];
		if (n == 0)
			snprintf(location, sizeof location, "/%s", p);
		else
			snprintf(location, sizeof location, "/redirect/%ld/%s", n - 1, p);
		return send_empty(c, MHD_HTTP_FOUND, "Location", location);
	}
	int cut = !strncmp(url, "/cut/", 5), shrt = !strncmp(url, "/short/", 7),
	    stall = !strncmp(url, "/stall/", 7);
	if (cut || shrt || stall) {
		p = url + (cut ? 5 : 7);
		long at = cut ? take_number(&p) : 0;
		size_t len;
		time_t mtime;
		char *data = at < 0 ? NULL : load(s, p, &len, &mtime);
		if (!data)
			return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
		if (cut) {
			size_t n = at == 0 || (size_t)at > len ? len / 2 : (size_t)at;
			return send_buffer(c, MHD_HTTP_OK, data, n, MHD_RESPMEM_MUST_FREE, "text/csv");
		}
		return send_stream(c, s, data, len, stall ? (len < STALL_BYTES ? len / 2 : STALL_BYTES)
							  : len / 2, stall, 0);
	}
	return send_text(c, MHD_HTTP_NOT_FOUND, "no such route\n");
}

int fixture_server_start(fixture_server **out, const char *root)
{
	*out = NULL;
	fixture_server *s = calloc(1, sizeof *s);
	if (!s || !(s->root = strdup(root))) {
		free(s);
		fprintf(stderr, "fixture server: out of memory\n");
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	atomic_init(&s->stopping, 0);
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = 0; /* the kernel picks a free port */
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
				     0, NULL, NULL, on_request, s,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				     MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "fixture server: cannot listen on 127.0.0.1\n");
		fixture_server_stop(s);
		return -1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	if (!s->port) {
		fprintf(stderr, "fixture server: cannot tell which port it listens on\n");
		fixture_server_stop(s);
		return -1;
	}
	*out = s;
	return 0;
}

unsigned fixture_server_port(const fixture_server *s)
{
	return s->port;
}

void fixture_server_stop(fixture_server *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, 1);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	for (size_t i = 0; i < s->n_log; i++)
		free(s->log[i].path);
	free(s->log);
	pthread_mutex_destroy(&s->lock);
	free(s->root);
	free(s);
}
