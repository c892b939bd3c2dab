/*
 * ofac_remarks.h: the parser of OFAC's remarks field (internal to the OFAC reader). OFAC packs
 * most of what it knows about a party into one free-text field of "; "-separated items
 * ("DOB 09 Feb 1951; POB Gaza; Passport 123 (Egypt); a.k.a. 'ABU X'"); the parser turns each
 * item it understands into names, dates, identifiers, relations and attributes of the entity.
 */
#ifndef EMBARGO_LISTS_OFAC_REMARKS_H
#define EMBARGO_LISTS_OFAC_REMARKS_H

#include "model/model.h"

/* Told about each item the parser did not understand (it stays in the remarks text). */
typedef void (*em_ofac_unparsed_fn)(void *arg, const char *item, size_t n);

/*
 * Parses `remarks` (already whitespace-squeezed, as em_entity_set_remarks() stores it) into e,
 * whose type must be set (individuals' names are split into family and given names).
 * `unparsed` may be NULL. Returns 0 or EM_ENOMEM.
 */
int em_ofac_remarks_parse(em_list *l, em_entity *e, const char *remarks,
			  em_ofac_unparsed_fn unparsed, void *arg);

/* Adds a name, split into "FAMILY, Given" for individuals as OFAC writes them. */
int em_ofac_add_name(em_list *l, em_entity *e, em_name_kind kind, const char *full);

/*
 * After every entity is read: a "Linked To: X CO." that ends the remarks carries the remarks'
 * final full stop, which may or may not belong to the name. Resolves each such target
 * against the list's primary names and drops the stop when it is not part of one.
 */
int em_ofac_resolve_links(em_list *l);

#endif
