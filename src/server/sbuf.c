/*
 * sbuf.c: a growable string for building responses. A failed allocation is remembered
 * instead of reported at each append, so a builder checks once, at sb_take().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool reserve(sbuf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *d = realloc(b->data, cap);
	if (!d) {
		b->failed = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void sb_put(sbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sb_puts(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n)) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_json_str(sbuf *b, const char *s)
{
	if (!s) {
		sb_puts(b, "null");
		return;
	}
	sb_put(b, "\"", 1);
	const char *run = s; /* bytes copied as they are, flushed before each escape */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		const char *e = NULL;
		switch (*p) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				e = esc;
			}
		}
		if (e) {
			sb_put(b, run, (size_t)((const char *)p - run));
			sb_puts(b, e);
			run = (const char *)p + 1;
		}
	}
	sb_puts(b, run);
	sb_put(b, "\"", 1);
}

void sb_field(sbuf *b, const char *key, const char *value)
{
	sb_puts(b, ",\"");
	sb_puts(b, key);
	sb_puts(b, "\":");
	sb_json_str(b, value);
}

void sb_id_field(sbuf *b, const char *key, int64_t id)
{
	if (id)
		sb_printf(b, ",\"%s\":%lld", key, (long long)id);
	else
		sb_printf(b, ",\"%s\":null", key);
}

char *sb_take(sbuf *b, size_t *len)
{
	if (b->failed || !reserve(b, 0)) {
		sb_free(b);
		return NULL;
	}
	char *d = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void sb_free(sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}
