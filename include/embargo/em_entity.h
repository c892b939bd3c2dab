/*
 * em_entity.h: the entity model shared by every list reader, the store and the screening engine.
 *
 * An entity is one listed party: a person, an organization, a vessel or an aircraft, with every
 * name it is listed under and the facts that tell it apart from a namesake. Entities live inside
 * an em_list (see em_lists.h), which owns all their memory: every pointer below stays valid until
 * em_list_free(). Text is UTF-8. Absent text fields are NULL, absent counts are 0.
 */
#ifndef EMBARGO_EM_ENTITY_H
#define EMBARGO_EM_ENTITY_H

#include "em_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum em_entity_type {
	EM_ENTITY_UNKNOWN = 0,
	EM_ENTITY_PERSON,
	EM_ENTITY_ORGANIZATION,
	EM_ENTITY_VESSEL,
	EM_ENTITY_AIRCRAFT,
} em_entity_type;

typedef enum em_name_kind {
	EM_NAME_PRIMARY = 0,     /* the name the list files the entry under */
	EM_NAME_AKA_STRONG,      /* a.k.a. that identifies the entity on its own */
	EM_NAME_AKA_WEAK,        /* low-quality a.k.a. (OFAC "weak", UN "Low"): alone it is not enough */
	EM_NAME_FKA,             /* formerly known as */
	EM_NAME_NKA,             /* now known as */
	EM_NAME_ORIGINAL_SCRIPT, /* the name as written in its own script (Arabic, Cyrillic...) */
} em_name_kind;

typedef struct em_name {
	em_name_kind kind;  /* what sort of name this is */
	const char *full;   /* the whole name as listed, never NULL */
	const char *given;  /* given name(s) when the list separates them, else NULL */
	const char *family; /* family name when the list separates it, else NULL */
	const char *lang;   /* script or language hint when the list gives one, else NULL */
} em_name;

typedef enum em_date_kind {
	EM_DATE_EXACT = 0,  /* year, month and day known */
	EM_DATE_YEAR_MONTH, /* year and month known */
	EM_DATE_YEAR,       /* year only */
	EM_DATE_RANGE,      /* between (year, month, day) and (year2, month2, day2), inclusive */
	EM_DATE_TEXT,       /* could not be read as a date: only `text` is meaningful */
} em_date_kind;

typedef struct em_date {
	em_date_kind kind;         /* precision of the date */
	int year, month, day;      /* month and day are 0 when unknown */
	int year2, month2, day2;   /* end of the range for EM_DATE_RANGE, else 0 */
	int circa;                 /* 1 when the list says "circa" / "approximately" */
	const char *text;          /* the date as the list wrote it, never NULL */
} em_date;

typedef enum em_id_type {
	EM_ID_OTHER = 0,
	EM_ID_PASSPORT,
	EM_ID_NATIONAL_ID,
	EM_ID_TAX_ID,
	EM_ID_REGISTRATION,     /* company or business registration number */
	EM_ID_IMO,              /* vessel IMO number */
	EM_ID_MMSI,             /* vessel MMSI */
	EM_ID_CALL_SIGN,        /* vessel or aircraft call sign */
	EM_ID_AIRCRAFT_SERIAL,  /* manufacturer serial / construction number */
	EM_ID_AIRCRAFT_TAIL,    /* tail (registration) number */
	EM_ID_CRYPTO_ADDRESS,   /* digital-currency address; `label` names the currency */
	EM_ID_WEBSITE,
	EM_ID_EMAIL,
	EM_ID_PHONE,
	EM_ID_SWIFT_BIC,
	EM_ID_LEI,              /* legal entity identifier */
} em_id_type;

typedef struct em_identifier {
	em_id_type type;      /* normalised category */
	const char *label;    /* the list's own label ("Passport", "Tax ID No.", "XBT"), never NULL */
	const char *value;    /* the identifier, never NULL */
	const char *country;  /* issuing country when given, else NULL */
	const char *note;     /* anything else the list said about it (dates, "alt."), else NULL */
} em_identifier;

typedef struct em_address {
	const char *street;      /* street lines, else NULL */
	const char *city;        /* city, else NULL */
	const char *region;      /* state or province, else NULL */
	const char *postal_code; /* postal code, else NULL */
	const char *country;     /* country, else NULL */
	const char *full;        /* the address as one line, never NULL */
} em_address;

typedef struct em_relation {
	const char *relation; /* "linked to", "owned by", ... */
	const char *target;   /* the related party's name or id as the list gives it */
} em_relation;

/* A fact without its own field: vessel flag, tonnage, title, gender, remarks not understood... */
typedef struct em_attribute {
	const char *key;   /* lower-case key ("vessel_flag", "title") */
	const char *value; /* the value as listed */
} em_attribute;

typedef struct em_entity {
	const char *source;           /* list the entry comes from ("ofac-sdn", "un", "us-csl"...) */
	const char *source_id;        /* the list's own id (OFAC ent_num, UN reference number) */
	em_entity_type type;          /* person, organization, vessel, aircraft or unknown */
	const em_name *names;         /* names; names[0] is the primary name */
	size_t n_names;
	const em_date *birth_dates;   /* dates of birth (for organizations: none) */
	size_t n_birth_dates;
	const char *const *birth_places;
	size_t n_birth_places;
	const char *const *nationalities;
	size_t n_nationalities;
	const char *const *citizenships;
	size_t n_citizenships;
	const em_address *addresses;
	size_t n_addresses;
	const em_identifier *ids;
	size_t n_ids;
	const char *const *programs;  /* sanctions programs ("SDGT", "RUSSIA-EO14024") */
	size_t n_programs;
	const em_relation *relations;
	size_t n_relations;
	const em_attribute *attributes;
	size_t n_attributes;
	const char *listed_on;        /* listing date as ISO "YYYY-MM-DD" when known, else NULL */
	const char *gender;           /* "male", "female" or NULL */
	const char *remarks;          /* the list's free-text remarks, else NULL */
} em_entity;

/* "person", "organization", "vessel", "aircraft" or "unknown". */
const char *em_entity_type_name(em_entity_type type);
/* Parses the names above (and common synonyms: individual, entity, company); UNKNOWN if none. */
em_entity_type em_entity_type_parse(const char *text);
/* "primary", "aka", "weak_aka", "fka", "nka", "original_script". */
const char *em_name_kind_name(em_name_kind kind);
/* "passport", "national_id", "tax_id", ... */
const char *em_id_type_name(em_id_type type);
/* The inverse of em_id_type_name(); EM_ID_OTHER for an unknown name. */
em_id_type em_id_type_parse(const char *name);
/* The inverse of em_name_kind_name(); EM_NAME_PRIMARY for an unknown name. */
em_name_kind em_name_kind_parse(const char *name);
/* Value of the first attribute with this key, or NULL. */
const char *em_entity_attribute(const em_entity *e, const char *key);

/*
 * Parses a date as lists write them: "09 Feb 1951", "Feb 1951", "1951", "1951-02-09",
 * "09/02/1951" (day first), "circa 1960", "approximately 1960", "1960 to 1962", "between 1960
 * and 1962". Text that is none of these gives EM_DATE_TEXT. `text` is not copied.
 */
void em_date_parse(const char *text, em_date *out);

/*
 * The entity as one canonical JSON object (UTF-8, keys in a fixed order, empty fields left out),
 * the form the store keeps and `lists diff` compares. Returns a malloc'd string the caller frees,
 * or NULL when out of memory.
 */
char *em_entity_to_json(const em_entity *e);

#ifdef __cplusplus
}
#endif
#endif
