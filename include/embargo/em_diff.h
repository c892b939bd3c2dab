/*
 * em_diff.h: what changed between two versions of a list: entities added, removed and changed,
 * and for each changed entity the fields that differ (compared on the canonical JSON form, so
 * "names", "ids", "addresses"... each count as one field).
 */
#ifndef EMBARGO_EM_DIFF_H
#define EMBARGO_EM_DIFF_H

#include "em_lists.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct em_field_change {
	const char *field;      /* top-level key of the canonical JSON ("names", "programs"...) */
	const char *old_json;   /* the old value as JSON, or NULL when the field was absent */
	const char *new_json;   /* the new value as JSON, or NULL when the field is now absent */
} em_field_change;

typedef struct em_entity_change {
	const char *source_id;         /* the entity's list id */
	const char *name;              /* its primary name (new one when changed) */
	const em_field_change *fields; /* fields that differ (for changed entities) */
	size_t n_fields;
} em_entity_change;

typedef struct em_diff {
	const em_entity_change *added;   size_t n_added;
	const em_entity_change *removed; size_t n_removed;
	const em_entity_change *changed; size_t n_changed;
} em_diff;

/* Compares two lists by entity id. *out is freed with em_diff_free. */
int em_list_diff(const em_list *old_list, const em_list *new_list, em_diff **out);
void em_diff_free(em_diff *diff);
/* The diff as one JSON document {"added": [...], "removed": [...], "changed": [...]} (caller frees). */
char *em_diff_to_json(const em_diff *diff);

#ifdef __cplusplus
}
#endif
#endif
