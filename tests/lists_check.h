/*
 * lists_check.h: helpers for the list reader tests: finding entities and their facts, reading
 * a list from text, and checking that bad input fails with the expected code and message.
 */
#ifndef EMBARGO_TESTS_LISTS_CHECK_H
#define EMBARGO_TESTS_LISTS_CHECK_H

#include <stdbool.h>
#include <string.h>

#include "embargo/em_lists.h"
#include "test.h"

/* The entity filed under this primary name, after `skip` others of the same name. */
static inline const em_entity *find_by_name(const em_list *l, const char *name, size_t skip)
{
	for (size_t i = 0; i < em_list_count(l); i++) {
		const em_entity *e = em_list_entity(l, i);
		if (!strcmp(e->names[0].full, name) && skip-- == 0)
			return e;
	}
	return NULL;
}

static inline bool has_name(const em_entity *e, em_name_kind kind, const char *full)
{
	for (size_t i = 0; e && i < e->n_names; i++)
		if (e->names[i].kind == kind && !strcmp(e->names[i].full, full))
			return true;
	return false;
}

static inline bool has_attr(const em_entity *e, const char *key, const char *value)
{
	for (size_t i = 0; e && i < e->n_attributes; i++)
		if (!strcmp(e->attributes[i].key, key) && !strcmp(e->attributes[i].value, value))
			return true;
	return false;
}

/* An identifier of this type and value; `country` NULL matches any. */
static inline bool has_id(const em_entity *e, em_id_type type, const char *value, const char *country)
{
	for (size_t i = 0; e && i < e->n_ids; i++) {
		const em_identifier *id = &e->ids[i];
		if (id->type == type && !strcmp(id->value, value) &&
		    (!country || (id->country && !strcmp(id->country, country))))
			return true;
	}
	return false;
}

static inline bool has_string(const char *const *arr, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(arr[i], s))
			return true;
	return false;
}

static inline bool has_relation(const em_entity *e, const char *relation, const char *target)
{
	for (size_t i = 0; e && i < e->n_relations; i++)
		if (!strcmp(e->relations[i].relation, relation) && !strcmp(e->relations[i].target, target))
			return true;
	return false;
}

/* Reads text as a list of `format` (NULL: detected). */
static inline int read_text(em_list **out, const char *name, const char *text, const char *format)
{
	em_read_options o = EM_READ_OPTIONS_INIT;
	o.format = format;
	return em_list_read_memory(out, name, text, strlen(text), &o);
}

/* True when the message holds s (or s is NULL). */
static inline bool msg_has(const char *message, const char *s)
{
	if (s && !strstr(message, s)) {
		fprintf(stderr, "  message: %s\n  wanted: %s\n", message, s);
		return false;
	}
	return true;
}

/* The text must fail with `code` and a message holding `a` and `b` (either may be NULL). */
#define EXPECT_FAIL(name, text, format, code, a, b)                                     \
	do {                                                                            \
		em_list *l_ = NULL;                                                     \
		int rc_ = read_text(&l_, (name), (text), (format));                     \
		CHECK_EQ_INT(rc_, (code));                                              \
		CHECK(l_ == NULL);                                                      \
		CHECK(msg_has(em_error_last()->message, (a)));                          \
		CHECK(msg_has(em_error_last()->message, (b)));                          \
		em_list_free(l_);                                                       \
	} while (0)

#endif
