/*
 * config.c: the server's settings, from a `key = value` file and from command-line flags of
 * the same names. One table lists every setting with its kind and bounds, so the file, the
 * flags and the documentation cannot drift apart.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

enum kind { K_TEXT, K_PATH, K_LIST, K_UINT, K_SIZE, K_REAL, K_BOOL };

typedef struct setting {
	const char *key;
	enum kind kind;
	size_t offset;
	double min, max; /* bounds for numbers */
} setting;

#define AT(f) offsetof(em_server_config, f)
static const setting settings[] = {
	{"listen", K_TEXT, AT(listen), 0, 0},
	{"store", K_PATH, AT(store), 0, 0},
	{"list", K_LIST, 0, 0, 0},
	{"threads", K_UINT, AT(threads), 0, 256},
	{"batch_threads", K_UINT, AT(batch_threads), 0, 256},
	{"max_body", K_SIZE, AT(max_body), 256, 1 << 30},
	{"max_depth", K_UINT, AT(max_depth), 2, 1000},
	{"max_batch", K_SIZE, AT(max_batch), 1, 100000},
	{"max_connections", K_SIZE, AT(max_connections), 1, 100000},
	{"rate_limit", K_REAL, AT(rate_limit), 0, 1e9},
	{"rate_burst", K_REAL, AT(rate_burst), 0, 1e9},
	{"threshold", K_REAL, AT(threshold), 0, 1},
	{"alert_threshold", K_REAL, AT(alert_threshold), 0, 1},
	{"limit", K_UINT, AT(limit), 1, 1000},
	{"node", K_TEXT, AT(node), 0, 0},
	{"access_log", K_BOOL, AT(access_log), 0, 0},
	{"keys_refresh", K_UINT, AT(keys_refresh), 1, 86400},
	{"reload_poll", K_UINT, AT(reload_poll), 0, 86400},
	{"web_root", K_PATH, AT(web_root), 0, 0},
	{"audit_fsync", K_BOOL, AT(audit_fsync), 0, 0},
};

void em_server_config_init(em_server_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	c->max_body = 1 << 20;
	c->max_depth = 32;
	c->max_batch = 1000;
	c->max_connections = 1024;
	c->limit = 10;
	c->access_log = 1;
	c->keys_refresh = 5;
	c->reload_poll = 0;
	c->audit_fsync = 1;
}

void em_server_config_free(em_server_config *c)
{
	free(c->store);
	free(c->web_root);
	for (size_t i = 0; i < c->n_lists; i++)
		free(c->lists[i]);
	c->store = c->web_root = NULL;
	c->n_lists = 0;
}

static int bad(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

int em_server_config_set(em_server_config *c, const char *key, const char *value, char *err,
			 size_t err_len)
{
	const setting *s = NULL;
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
		if (!strcmp(settings[i].key, key))
			s = &settings[i];
	if (!s)
		return bad(err, err_len, "unknown setting '%s'%s", key, "");
	char *field = (char *)c + s->offset;
	char *end;
	switch (s->kind) {
	case K_TEXT:
		if (strlen(value) >= 128)
			return bad(err, err_len, "%s: '%s' is too long", key, value);
		snprintf(field, 128, "%s", value);
		return 0;
	case K_PATH: {
		char *copy = strdup(value), **slot = (char **)(void *)field;
		if (!copy)
			return bad(err, err_len, "%s: out of memory%s", key, "");
		free(*slot);
		*slot = copy;
		return 0;
	}
	case K_LIST:
		if (c->n_lists == EM_SERVER_MAX_LISTS)
			return bad(err, err_len, "%s: too many lists (%s)", key, "64 at most");
		if (!(c->lists[c->n_lists] = strdup(value)))
			return bad(err, err_len, "%s: out of memory%s", key, "");
		c->n_lists++;
		return 0;
	case K_BOOL:
		if (!strcmp(value, "1") || !strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true"))
			*(int *)(void *)field = 1;
		else if (!strcmp(value, "0") || !strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false"))
			*(int *)(void *)field = 0;
		else
			return bad(err, err_len, "%s: expected on or off, not '%s'", key, value);
		return 0;
	case K_REAL: {
		errno = 0;
		double v = strtod(value, &end);
		if (errno || end == value || *end || !(v >= s->min && v <= s->max))
			return bad(err, err_len, "%s: '%s' is not a number in range", key, value);
		*(double *)(void *)field = v;
		return 0;
	}
	case K_UINT:
	case K_SIZE: {
		errno = 0;
		unsigned long long v = strtoull(value, &end, 10);
		/* sizes may end in k or m */
		if (s->kind == K_SIZE && end != value && (*end == 'k' || *end == 'K' || *end == 'm' || *end == 'M')) {
			v *= (*end == 'k' || *end == 'K') ? 1024ULL : 1024ULL * 1024ULL;
			end++;
		}
		if (errno || end == value || *end || value[0] == '-' || (double)v < s->min || (double)v > s->max)
			return bad(err, err_len, "%s: '%s' is not a whole number in range", key, value);
		if (s->kind == K_UINT)
			*(unsigned *)(void *)field = (unsigned)v;
		else
			*(size_t *)(void *)field = (size_t)v;
		return 0;
	}
	}
	return bad(err, err_len, "%s: unsupported%s", key, "");
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int em_server_config_read(em_server_config *c, const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	size_t lineno = 0;
	int rc = 0;
	while (!rc && fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, err_len, "%s:%zu: line too long", path, lineno);
			rc = -1;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, err_len, "%s:%zu: expected 'key = value'", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char msg[512];
		if (em_server_config_set(c, trim(s), trim(eq + 1), msg, sizeof msg)) {
			snprintf(err, err_len, "%s:%zu: %s", path, lineno, msg);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}
