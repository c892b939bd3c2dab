/*
 * http_fixture_server.h: a small HTTP server for tests, on libmicrohttpd, listening on
 * 127.0.0.1 on a free port. It serves files below a root folder and misbehaves on request, so
 * download code can be tested against every failure a real server can produce:
 *
 *   /files/REL         the file, with ETag and Last-Modified; 304 to a matching If-None-Match
 *                      or an If-Modified-Since equal to the Last-Modified it sent
 *   /plain/REL         the file, without validators
 *   /cut/N/REL         the first N bytes of the file (N = 0: half), a complete response
 *   /short/REL         announces the whole file's length, closes after half of it
 *   /stall/REL         sends the headers and the first KiB, then nothing more
 *   /hang/ANY          reads the request and never answers
 *   /garbage/ANY       200 with an HTML page instead of a list
 *   /endless/ANY       an endless chunked body
 *   /status/NNN/ANY    that HTTP status with a short body
 *   /redirect/N/REST   302 to /redirect/N-1/REST, and /redirect/0/REST to /REST
 *
 * REL may not contain "..". Connections held by /hang and /stall are released when the server
 * stops, and after 60 s at most in any case.
 */
#ifndef EMBARGO_TEST_HTTP_FIXTURE_SERVER_H
#define EMBARGO_TEST_HTTP_FIXTURE_SERVER_H

#include <stddef.h>

typedef struct fixture_server fixture_server;

/* Starts serving `root`; 0 on success, -1 (with a message on stderr) on failure. */
int fixture_server_start(fixture_server **out, const char *root);
unsigned fixture_server_port(const fixture_server *s);
/* Requests received whose path starts with `prefix`; *conditional: how many of them carried
 * If-None-Match or If-Modified-Since (may be NULL). */
size_t fixture_server_requests(fixture_server *s, const char *prefix, size_t *conditional);
/* Stops the server, releasing held connections; accepts NULL. */
void fixture_server_stop(fixture_server *s);

#endif
