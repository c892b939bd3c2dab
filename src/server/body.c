/*
 * body.c: the byte-level checks a request body passes before it reaches the JSON parser: no
 * NUL byte, valid UTF-8, and nesting no deeper than the configured limit (the parser's own
 * limit is in the thousands, which lets a small body cost a deep recursion). Each failure has
 * its own error code so a client can tell what to fix.
 */
#include <string.h>

#include "internal.h"

const char *body_check(const char *body, size_t len, unsigned max_depth, const char **message)
{
	if (len == 0) {
		*message = "the request body is empty: send a JSON object";
		return "invalid_json";
	}
	if (memchr(body, '\0', len)) {
		*message = "the request body contains a NUL byte";
		return "invalid_json";
	}
	if (!em_utf8_valid_text(body)) {
		*message = "the request body is not valid UTF-8";
		return "invalid_utf8";
	}
	unsigned depth = 0;
	bool in_string = false, escaped = false;
	for (size_t i = 0; i < len; i++) {
		char c = body[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max_depth) {
				*message = "the JSON is nested too deeply";
				return "json_too_deep";
			}
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
		}
	}
	*message = NULL;
	return NULL;
}
