/*
 * log.c: structured logs: one JSON object per line on stderr, written with a single write()
 * so lines from many threads never interleave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

double now_unix(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void log_json(const char *level, const char *msg, json_t *extra)
{
	struct timespec ts;
	struct tm tm;
	char when[40] = "";
	clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm)) {
		size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000L);
	}
	json_t *o = json_object();
	json_object_set_new(o, "ts", json_string(when));
	json_object_set_new(o, "level", json_string(level));
	json_object_set_new(o, "msg", json_string(msg));
	if (extra)
		json_object_update(o, extra);
	json_decref(extra);
	char *line = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (!line)
		return;
	size_t n = strlen(line);
	char *buf = realloc(line, n + 2);
	if (!buf) {
		free(line);
		return;
	}
	buf[n] = '\n';
	for (size_t off = 0; off < n + 1;) {
		ssize_t w = write(STDERR_FILENO, buf + off, n + 1 - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(buf);
}
