/*
 * model.h: building entities inside an em_list (internal to the library). Readers and the
 * store create entities with em_list_add() and fill them with the em_entity_add_*() calls;
 * every string is copied into the list's arena, trimmed, and dropped when empty, so readers
 * can pass raw fields. A pointer from em_list_add() stays valid until the next em_list_add().
 */
#ifndef EMBARGO_MODEL_H
#define EMBARGO_MODEL_H

#include "embargo/em_lists.h"
#include "util/util.h"

struct em_list {
	char *source;       /* "ofac-sdn", "un", ... */
	char *format;       /* reader that produced it */
	char *path;         /* path or name it was read from */
	char *published;    /* date the file states about itself, or NULL */
	char sha256[65];    /* of the bytes read, "" when built */
	em_arena arena;     /* all strings and arrays of the entities */
	em_entity *entities;
	size_t n;
	size_t cap;
	em_strmap by_id;    /* source_id -> index, built by em_list_finish() */
};

typedef enum em_string_field {
	EM_FIELD_BIRTH_PLACE,
	EM_FIELD_NATIONALITY,
	EM_FIELD_CITIZENSHIP,
	EM_FIELD_PROGRAM,
} em_string_field;

/* Sets list-level metadata (copies). */
int em_list_set_meta(em_list *l, const char *source, const char *format, const char *path,
		     const char *published);
/* Appends a zeroed entity with the list's source; NULL when out of memory. */
em_entity *em_list_add(em_list *l);
/* Removes the last entity added (a reader that decides a row is not an entity). */
void em_list_drop_last(em_list *l);
/* Builds the id index; fails on a duplicate id (a corrupt list). Readers call it last. */
int em_list_finish(em_list *l);
/* Copies into the list's arena, trimmed with inner whitespace squeezed; NULL if empty. */
const char *em_list_str(em_list *l, const char *s);
const char *em_list_strn(em_list *l, const char *s, size_t n);

int em_entity_set_id(em_list *l, em_entity *e, const char *source_id);
/* Adds a name unless the same kind and text is already there. Empty names are ignored. */
int em_entity_add_name(em_list *l, em_entity *e, em_name_kind kind, const char *full,
		       const char *given, const char *family, const char *lang);
/* Adds a date of birth parsed from text (see em_date_parse); empty text is ignored. */
int em_entity_add_birth_date(em_list *l, em_entity *e, const char *text);
int em_entity_add_date(em_list *l, em_entity *e, const em_date *d);
/* Adds to one of the string arrays; duplicates and empty strings are ignored. */
int em_entity_add_string(em_list *l, em_entity *e, em_string_field field, const char *s);
int em_entity_add_address(em_list *l, em_entity *e, const em_address *a);
int em_entity_add_id(em_list *l, em_entity *e, em_id_type type, const char *label,
		     const char *value, const char *country, const char *note);
int em_entity_add_relation(em_list *l, em_entity *e, const char *relation, const char *target);
int em_entity_add_attribute(em_list *l, em_entity *e, const char *key, const char *value);
/* listed_on, gender, remarks: set (copied) */
int em_entity_set_listed_on(em_list *l, em_entity *e, const char *date);
int em_entity_set_gender(em_list *l, em_entity *e, const char *gender);
int em_entity_set_remarks(em_list *l, em_entity *e, const char *remarks);

/* Month number from an English month name or abbreviation, 0 if none. */
int em_month_from_name(const char *s, size_t n);

/* Rebuilds an entity from em_entity_to_json() output into list l (used by the store). */
int em_entity_from_json(em_list *l, const char *json, size_t len);

#endif
