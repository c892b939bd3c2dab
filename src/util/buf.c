/*
 * buf.c: growable NUL-terminated byte buffers with an optional hard limit, so input-driven
 * growth (a huge JSON body, an endless CSV field) fails cleanly instead of eating memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int buf_reserve(em_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		return em_fail(EM_ENOMEM, "buffer size overflow");
	if (b->limit && b->len + extra > b->limit)
		return em_fail(EM_ELIMIT, "buffer limit of %zu bytes exceeded", b->limit);
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return em_fail(EM_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
	b->data = p;
	b->cap = cap;
	return 0;
}

int em_buf_append(em_buf *b, const void *data, size_t n)
{
	int rc = buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int em_buf_puts(em_buf *b, const char *s)
{
	return em_buf_append(b, s, strlen(s));
}

int em_buf_putc(em_buf *b, char c)
{
	return em_buf_append(b, &c, 1);
}

int em_buf_printf(em_buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return em_fail(EM_EINVAL, "bad format string");
	}
	int rc = buf_reserve(b, (size_t)n);
	if (rc) {
		va_end(ap2);
		return rc;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
	return 0;
}

void em_buf_clear(em_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void em_buf_free(em_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *em_buf_detach(em_buf *b)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
