/*
 * entity_find.h: small lookups the list-reader tests share: a name, date, identifier or
 * address of an entity by its text, and the line number in an error message.
 */
#ifndef EMBARGO_TESTS_ENTITY_FIND_H
#define EMBARGO_TESTS_ENTITY_FIND_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/em_entity.h"

static inline const em_name *find_name(const em_entity *e, const char *full)
{
	for (size_t i = 0; i < e->n_names; i++)
		if (strcmp(e->names[i].full, full) == 0)
			return &e->names[i];
	return NULL;
}

/* The kind of the first name reading `full`, or -1 when there is none. */
static inline int name_kind(const em_entity *e, const char *full)
{
	const em_name *n = find_name(e, full);
	return n ? (int)n->kind : -1;
}

/* How many names (of any kind) read exactly `full`. */
static inline size_t count_named(const em_entity *e, const char *full)
{
	size_t n = 0;
	for (size_t i = 0; i < e->n_names; i++)
		n += strcmp(e->names[i].full, full) == 0;
	return n;
}

static inline const em_date *find_date(const em_entity *e, const char *text)
{
	for (size_t i = 0; i < e->n_birth_dates; i++)
		if (strcmp(e->birth_dates[i].text, text) == 0)
			return &e->birth_dates[i];
	return NULL;
}

static inline const em_identifier *find_id(const em_entity *e, const char *value)
{
	for (size_t i = 0; i < e->n_ids; i++)
		if (strcmp(e->ids[i].value, value) == 0)
			return &e->ids[i];
	return NULL;
}

static inline const em_address *find_address(const em_entity *e, const char *full)
{
	for (size_t i = 0; i < e->n_addresses; i++)
		if (strcmp(e->addresses[i].full, full) == 0)
			return &e->addresses[i];
	return NULL;
}

static inline bool has_string(const char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i], s) == 0)
			return true;
	return false;
}

static inline bool has_attr(const em_entity *e, const char *key, const char *value)
{
	for (size_t i = 0; i < e->n_attributes; i++)
		if (!strcmp(e->attributes[i].key, key) && !strcmp(e->attributes[i].value, value))
			return true;
	return false;
}

/* The line number in an error message "name:LINE: ...", or -1 when it does not start so. */
static inline long message_line(const char *msg, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(msg, name, n) != 0 || msg[n] != ':')
		return -1;
	char *end;
	long line = strtol(msg + n + 1, &end, 10);
	return end > msg + n + 1 && *end == ':' ? line : -1;
}

#endif
