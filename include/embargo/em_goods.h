/*
 * em_goods.h: goods screening of order lines. An order line (what is sold, to whom, where, how
 * it is paid and routed) is checked against:
 *   - the Common High Priority Items List (CHPL) by tier and the Iran UAV advisory categories,
 *     by the first six digits of its HS code;
 *   - the components found in Russian and Iranian weapons (the GUR list), by the part numbers
 *     in its part_number and description, tolerant of package and ordering suffixes;
 *   - embargoed destinations, Russia-occupied regions of Ukraine, and the countries named as
 *     transshipment and diversion points, for the destination and every country on the route;
 *   - the party lists, for the consignee and the end user (see em_screen.h);
 *   - the red flags the line itself can show: no end user or end use, a freight forwarder as
 *     consignee, payment from another country.
 * Every finding is a flag with a code, a reason and the source it rests on; the flags combine
 * into one risk level by the fixed rules of docs/goods.md. An em_goods is built once and then
 * shared read-only by any number of threads.
 *
 * Orders are read from CSV (with a header) or JSON lines by an em_goods_reader, which reports a
 * bad line (file:line: field) and goes on with the next.
 */
#ifndef EMBARGO_EM_GOODS_H
#define EMBARGO_EM_GOODS_H

#include "em_lists.h"
#include "em_screen.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct em_goods em_goods;

typedef struct em_goods_options {
	unsigned version;              /* EM_GOODS_OPTIONS_VERSION */
	const char *data_dir;          /* folder with the goods tables (chpl.tsv, countries.tsv,
					  destinations.tsv, words.tsv, manufacturers.tsv,
					  part_stopwords.tsv), or NULL for the copies built into
					  the library */
	const char *components_path;   /* the GUR components CSV; NULL: $EMBARGO_COMPONENTS, else
					  the path set at build time (EM_GOODS_COMPONENTS_DEFAULT);
					  "": no part-number matching */
	const em_list *const *lists;   /* party lists for consignee and end user (borrowed: they
					  must outlive the em_goods), or NULL */
	size_t n_lists;
	const em_screener *screener;   /* an index over `lists` to use (borrowed), or NULL to build
					  one when n_lists > 0 */
	double threshold;              /* party match threshold (0 = EM_SCREEN_DEFAULT_THRESHOLD) */
	size_t max_components;         /* most matching component rows a flag lists
					  (0 = EM_GOODS_MAX_COMPONENTS) */
} em_goods_options;

#define EM_GOODS_OPTIONS_VERSION 1
#define EM_GOODS_OPTIONS_INIT {EM_GOODS_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, 0.0, 0}

/* The components file used when neither the options nor $EMBARGO_COMPONENTS name one. */
const char *em_goods_components_default(void);

/*
 * Loads the tables and the components file and, when lists are given without a screener,
 * builds the party index. Fails with the file, line and field of the first bad table row.
 */
int em_goods_new(em_goods **out, const em_goods_options *opts);
void em_goods_free(em_goods *g);

typedef struct em_goods_stats {
	size_t hs_codes;            /* rows of the HS table (CHPL and Iran UAV) */
	size_t country_names;       /* names and codes the country table resolves */
	size_t component_rows;      /* rows of the components file */
	size_t components;          /* distinct components (rows repeating a component_id are
				       exact duplicates in the published file and are read once) */
	size_t components_named;    /* components whose marking names something ("(unspecified)"
				       and empty markings do not) */
	size_t components_with_part;/* components with at least one usable part number */
	size_t part_keys;           /* distinct part numbers indexed */
	size_t party_lists;         /* lists screened for the parties (0: parties not screened) */
} em_goods_stats;

void em_goods_get_stats(const em_goods *g, em_goods_stats *out);

typedef struct em_goods_version em_goods_version;
/* The tables, files and lists every result is computed with (the same as each result's). */
void em_goods_get_versions(const em_goods *g, const em_goods_version **out, size_t *n);

/* One order line. Text is UTF-8; NULL and "" both mean "not given". */
typedef struct em_goods_line {
	const char *line_id;               /* the caller's reference for the line (required) */
	const char *hs_code;               /* 6, 8 or 10 digits, dots and spaces allowed */
	const char *description;           /* free text; part numbers in it are matched */
	const char *manufacturer;
	const char *part_number;
	double quantity;                   /* < 0 when not given */
	double unit_value;                 /* < 0 when not given */
	const char *currency;              /* ISO 4217 code */
	const char *destination_country;   /* ISO 3166 alpha-2 or alpha-3 code, or a name (required) */
	const char *consignee;             /* who receives the goods */
	const char *end_user;              /* who finally uses them */
	const char *const *intermediate_countries; /* countries on the route, codes or names */
	size_t n_intermediate;
	const char *payer_country;         /* the country payment comes from */
	const char *end_use;               /* what the goods are for */
} em_goods_line;

typedef enum em_goods_risk {
	EM_GOODS_RISK_NONE = 0,   /* nothing found */
	EM_GOODS_RISK_LOW,        /* a weak sign: worth knowing, no action by itself */
	EM_GOODS_RISK_MEDIUM,     /* review before shipping */
	EM_GOODS_RISK_HIGH,       /* do not ship without enhanced due diligence (and a licence check) */
	EM_GOODS_RISK_PROHIBITED, /* the rules forbid it as it stands */
} em_goods_risk;

/* "none", "low", "medium", "high", "prohibited". */
const char *em_goods_risk_name(em_goods_risk risk);
/* The inverse of em_goods_risk_name(); EM_EINVAL for another word. */
int em_goods_risk_parse(const char *name, em_goods_risk *out);

/* Where a rule or a fact comes from. */
typedef struct em_goods_source {
	const char *name;   /* the document or list */
	const char *date;   /* its date or version ("2024-02-23"), or NULL */
	const char *url;    /* where to read it, or NULL */
} em_goods_source;

/* One row of the components file that a part number of the order matched. */
typedef struct em_goods_component {
	const char *component_id;  /* "gur-7188" */
	const char *name_marking;  /* the row's marking text */
	const char *manufacturer;  /* as the row names it */
	const char *part;          /* the part number read from the row that matched */
	const char *match;         /* "exact", "suffix" (one adds an ordering suffix) or "variant"
				      (same base, other suffix) */
	int manufacturer_agrees;   /* 1 yes, 0 no, -1 not known (either side missing) */
	const char *const *weapons;/* the weapons it was found in (found_in_drones slugs) */
	size_t n_weapons;
	const char *weapon_name;   /* the weapon's name as GUR publishes it (notes), or NULL */
	const char *source_url;    /* the row's page on the GUR portal */
} em_goods_component;

typedef struct em_goods_flag {
	const char *code;        /* HS_CHPL_TIER1..4, HS_IRAN_UAV, PART_IN_WEAPON, DEST_EMBARGOED,
				    DEST_OCCUPIED, DEST_TRANSSHIPMENT, ROUTE_EMBARGOED,
				    ROUTE_TRANSSHIPMENT, PARTY_LISTED, NO_END_USER, NO_END_USE,
				    FORWARDER_CONSIGNEE, FORWARDER_END_USER, PAYER_COUNTRY,
				    PAYER_EMBARGOED (docs/goods.md) */
	const char *field;       /* the order field it is about ("hs_code", "description"...) */
	const char *value;       /* what in that field matched: the HS heading "8542.31", a country
				    code, the part number as written, the party name */
	const char *reason;      /* one sentence for a person */
	em_goods_source source;  /* what the flag rests on */
	/* PART_IN_WEAPON: the matching rows (at most max_components, best first) */
	const em_goods_component *components;
	size_t n_components;
	size_t components_total;   /* all matching rows */
	const char *const *weapons;/* every weapon of every matching row, sorted, no repeats */
	size_t n_weapons;
	/* PARTY_LISTED */
	const em_entity *entity;   /* the listed party (owned by its list) */
	const char *matched_name;  /* its name that matched */
	double score;              /* the match score, 0..1 */
} em_goods_flag;

#define EM_GOODS_MAX_COMPONENTS 20

/* A table, file or list the result was computed with, and its version. */
struct em_goods_version {
	const char *name;     /* "chpl", "iran-uav", "destinations", "components", a list source */
	const char *version;  /* a date, or "sha256:..." with counts for files */
};

typedef struct em_goods_result {
	const char *line_id;            /* as given */
	em_goods_risk risk;             /* the combined level */
	const char *risk_rule;          /* the rule of docs/goods.md that set it */
	const char *hs6;                /* the six digits that decided, or NULL */
	const char *destination;        /* the destination as a code ("RU", "UA-43") */
	const char *destination_name;   /* and as a name */
	const em_goods_flag *flags;     /* in a fixed order: goods, destination, route, parties,
					   red flags */
	size_t n_flags;
	const em_goods_version *versions; /* borrowed from the em_goods */
	size_t n_versions;
} em_goods_result;

/*
 * Screens one order line. A line that cannot be screened (no line_id or destination, an HS
 * code that is not 6, 8 or 10 digits, a country that is not known, text that is not UTF-8)
 * fails with EM_EINVAL and a message that begins "field 'NAME': ". The result borrows from
 * `g` (versions, components, listed entities): free it with em_goods_result_free before `g`.
 */
int em_goods_screen(const em_goods *g, const em_goods_line *line, em_goods_result **out);
void em_goods_result_free(em_goods_result *r);

/*
 * The result as one JSON object: {"line_id", "risk", "risk_rule", "hs6", "destination",
 * "flags": [{"code", "field", "value", "reason", "source": {"name", "date", "url"}, ...}],
 * "versions": [...]}. Returns a malloc'd string, or NULL when out of memory.
 */
char *em_goods_result_json(const em_goods_result *r);

/*
 * The order line as one JSON object with the fields given (absent ones left out; the route as
 * "intermediate_countries": [...]): what the audit trail records as the query of a goods
 * screening. Returns a malloc'd string, or NULL when out of memory.
 */
char *em_goods_line_json(const em_goods_line *line);

/*
 * The goods tables and files `g` screens with, as a JSON array [{"source", "version"}] in the
 * order of em_goods_get_versions, without the party lists (the audit trail records those by
 * store version): "goods-tables" with the SHA-256 of the six tables as loaded (built in or
 * from a folder), "chpl" and "iran-uav" with their dates, "destinations", "gur-components"
 * with its file's SHA-256. Returns a malloc'd string, or NULL when out of memory.
 */
char *em_goods_tables_json(const em_goods *g);

/* ---- reading orders ------------------------------------------------------------------------ */

typedef struct em_goods_reader em_goods_reader;

/*
 * Reads orders from memory: CSV with a header row (comma, semicolon or tab separated; the
 * columns named as the fields of em_goods_line, in any order, line_id and destination_country
 * required) or JSON lines (one object a line with those keys). The format is told from the
 * first non-blank line. `name` is used in messages. The bytes are borrowed until _free.
 * Fails (EM_EPARSE) only when the header itself is unusable.
 */
int em_goods_reader_new(em_goods_reader **out, const char *name, const char *data, size_t len);

/*
 * The next order line: 1 with *line filled (valid until the next call) and *lineno the line it
 * starts on; 0 at the end; EM_EPARSE for a bad line, with *lineno set and a message
 * "NAME:LINE: field 'F': ..." (the reader has moved past it: call again for the next line).
 * When a bad line names its line_id, *line_id points to it (valid until the next call), else
 * it is NULL. Any other negative code is fatal.
 */
int em_goods_reader_next(em_goods_reader *r, em_goods_line *line, size_t *lineno,
			 const char **line_id);
/* "csv" or "jsonl". */
const char *em_goods_reader_format(const em_goods_reader *r);
void em_goods_reader_free(em_goods_reader *r);

#ifdef __cplusplus
}
#endif
#endif
