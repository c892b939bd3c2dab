/*
 * error.c: the thread-local "last error" behind em_error_last(). Each thread keeps its own
 * message buffer, so concurrent screening threads never see each other's failures.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"

#define EM_ERROR_MAX 1024

static _Thread_local char error_text[EM_ERROR_MAX];
static _Thread_local em_error last_error = {0, ""};

int em_failv(int code, const char *fmt, va_list ap)
{
	vsnprintf(error_text, sizeof error_text, fmt, ap);
	last_error.code = code;
	last_error.message = error_text;
	return code;
}

int em_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	em_failv(code, fmt, ap);
	va_end(ap);
	return code;
}

void em_error_prefix(const char *fmt, ...)
{
	char prefix[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	/* Shift the old message right to make room; a message that no longer fits is cut. */
	size_t pl = strlen(prefix) + 2, ol = strlen(error_text);
	if (pl >= EM_ERROR_MAX)
		return;
	if (ol > EM_ERROR_MAX - 1 - pl)
		ol = EM_ERROR_MAX - 1 - pl;
	memmove(error_text + pl, error_text, ol);
	error_text[pl + ol] = '\0';
	memcpy(error_text, prefix, pl - 2);
	memcpy(error_text + pl - 2, ": ", 2);
	last_error.message = error_text;
}

const em_error *em_error_last(void)
{
	return &last_error;
}

void em_error_clear(void)
{
	last_error.code = 0;
	error_text[0] = '\0';
	last_error.message = error_text;
}

const char *em_error_name(int code)
{
	switch (code) {
	case EM_OK: return "EM_OK";
	case EM_ERROR: return "EM_ERROR";
	case EM_ENOMEM: return "EM_ENOMEM";
	case EM_EIO: return "EM_EIO";
	case EM_EPARSE: return "EM_EPARSE";
	case EM_EFORMAT: return "EM_EFORMAT";
	case EM_ETRUNCATED: return "EM_ETRUNCATED";
	case EM_ENOTFOUND: return "EM_ENOTFOUND";
	case EM_EINVAL: return "EM_EINVAL";
	case EM_ESTORE: return "EM_ESTORE";
	case EM_EREFUSED: return "EM_EREFUSED";
	case EM_ENET: return "EM_ENET";
	case EM_ELIMIT: return "EM_ELIMIT";
	default: return "EM_UNKNOWN";
	}
}
