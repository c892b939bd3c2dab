/*
 * download.c: one HTTP(S) download with libcurl, bounded in time, size and redirects, written
 * straight to a file. The body is counted as it arrives (after any decompression), so a server
 * that sends more than the cap, or a compressed bomb, is cut off without filling the disk.
 * Validators (ETag, Last-Modified) of the final response are captured from the headers; the
 * header callback starts over at every status line, so those of a redirect are never kept.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "download.h"
#include "util/util.h"

#define VALIDATOR_MAX 512

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct sink {
	FILE *f;
	size_t bytes;
	size_t max;
	int too_big;
	int io_error;
	char etag[VALIDATOR_MAX + 1];
	char last_modified[VALIDATOR_MAX + 1];
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	sink *s = arg;
	size_t len = size * n;
	if (len > s->max - s->bytes) {
		s->too_big = 1;
		return 0; /* anything but len aborts the transfer */
	}
	if (len && fwrite(data, 1, len, s->f) != len) {
		s->io_error = errno ? errno : EIO;
		return 0;
	}
	s->bytes += len;
	return len;
}

/* Copies a header value (without the line end) when it fits; validators that do not are dropped. */
static void keep_value(char *dst, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n == 0 || n > VALIDATOR_MAX) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	sink *s = arg;
	size_t len = size * n;
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or a 100 Continue): forget the previous one's. */
		s->etag[0] = '\0';
		s->last_modified[0] = '\0';
	} else if (len > 5 && em_starts_with_ci(data, "etag:")) {
		keep_value(s->etag, data + 5, len - 5);
	} else if (len > 14 && em_starts_with_ci(data, "last-modified:")) {
		keep_value(s->last_modified, data + 14, len - 14);
	}
	return len;
}

/* A stored validator goes back into a header line: refuse anything that could split it. */
static bool header_safe(const char *v)
{
	for (; *v; v++)
		if (*v == '\r' || *v == '\n')
			return false;
	return true;
}

static int add_header(struct curl_slist **list, const char *name, const char *value)
{
	char line[VALIDATOR_MAX + 64];
	if (!value || !*value || strlen(value) > VALIDATOR_MAX || !header_safe(value))
		return 0;
	snprintf(line, sizeof line, "%s: %s", name, value);
	struct curl_slist *l = curl_slist_append(*list, line);
	if (!l)
		return em_fail(EM_ENOMEM, "out of memory building request headers");
	*list = l;
	return 0;
}

void em_download_clear(em_download *d)
{
	if (!d)
		return;
	free(d->new_etag);
	free(d->new_last_modified);
	d->new_etag = NULL;
	d->new_last_modified = NULL;
}

/* Maps the outcome of a finished transfer to 0 or an error naming the URL. */
static int outcome(const em_download *d, CURLcode rc, const sink *s, const char *errbuf,
		   int conditional)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return em_fail(EM_ELIMIT, "%s: larger than the limit of %zu bytes", d->url, s->max);
	if (s->io_error)
		return em_fail(EM_EIO, "%s: cannot write %s: %s", d->url, d->path,
			       strerror(s->io_error));
	if (rc == CURLE_PARTIAL_FILE)
		return em_fail(EM_ETRUNCATED, "%s: the transfer ended early after %zu bytes: %s",
			       d->url, s->bytes, why);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return em_fail(EM_ENET, "%s: timed out: %s", d->url, why);
	if (rc != CURLE_OK)
		return em_fail(EM_ENET, "%s: %s", d->url, why);
	if (d->status == 304) {
		if (!conditional)
			return em_fail(EM_ENET, "%s: HTTP 304 to a request that was not conditional",
				       d->url);
		return 0;
	}
	if (d->status >= 400)
		return em_fail(EM_ENET, "%s: HTTP %ld", d->url, d->status);
	if (d->status != 200)
		return em_fail(EM_ENET, "%s: unexpected HTTP status %ld", d->url, d->status);
	return 0;
}

static long or_default(long v, long def)
{
	return v > 0 ? v : def;
}

int em_download_file(em_download *d, const em_update_options *opts)
{
	static const em_update_options defaults = EM_UPDATE_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	d->status = 0;
	d->not_modified = 0;
	d->bytes = 0;
	em_download_clear(d);

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return em_fail(EM_ENET, "libcurl could not start: %s", curl_easy_strerror(curl_init_rc));

	long timeout = or_default(opts->timeout_ms, 600000);
	long connect = or_default(opts->connect_timeout_ms, 30000);
	long low_time = or_default(opts->low_speed_time_s, 60);
	if (connect > timeout)
		connect = timeout;
	if (low_time * 1000 > timeout)
		low_time = timeout / 1000 > 0 ? timeout / 1000 : 1;
	long redirects = opts->max_redirects < 0 ? 0 : or_default(opts->max_redirects, 5);

	sink s = {0};
	s.max = opts->max_bytes ? opts->max_bytes : (size_t)512 << 20;
	if (!(s.f = fopen(d->path, "wb")))
		return em_fail(EM_EIO, "%s: cannot create: %s", d->path, strerror(errno));

	CURL *c = curl_easy_init();
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	int rc = c ? 0 : em_fail(EM_ENOMEM, "out of memory starting a transfer");
	if (!rc)
		rc = add_header(&headers, "If-None-Match", d->etag);
	if (!rc)
		rc = add_header(&headers, "If-Modified-Since", d->last_modified);
	int conditional = headers != NULL;
	if (!rc) {
		curl_easy_setopt(c, CURLOPT_URL, d->url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		/* A redirect may never downgrade an https source to plain http. */
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
				 em_starts_with_ci(d->url, "https:") ? "https" : "http,https");
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, opts->max_redirects < 0 ? 0L : 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, redirects);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, or_default(opts->low_speed_bytes, 1024));
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, low_time);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s.max);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "embargo/" EM_VERSION " (sanctions list update)");
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
		CURLcode cc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &d->status);
		rc = outcome(d, cc, &s, errbuf, conditional);
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	if (fclose(s.f) != 0 && !rc)
		rc = em_fail(EM_EIO, "%s: cannot write: %s", d->path, strerror(errno));
	d->bytes = s.bytes;
	if (!rc && d->status == 304) {
		d->not_modified = 1;
	} else if (!rc) {
		if ((s.etag[0] && !(d->new_etag = strdup(s.etag))) ||
		    (s.last_modified[0] && !(d->new_last_modified = strdup(s.last_modified))))
			rc = em_fail(EM_ENOMEM, "out of memory");
	}
	if (rc) {
		em_download_clear(d);
		unlink(d->path);
	}
	return rc;
}
