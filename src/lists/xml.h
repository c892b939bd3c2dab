/*
 * xml.h: what the XML list readers (UN, EU) share on top of libxml2's streaming reader.
 *
 * em_xml walks a document held in memory as a flat series of element starts and ends, so a
 * reader never builds a tree and a large list costs little memory. It refuses what a list
 * file never needs and an attacker might use: a DOCTYPE (and so entity declarations), network
 * access and entity expansion. Every failure, of libxml2 or of a reader, is reported as
 * "file:line: element 'X': ..." and a document that stops before its root element closes is
 * told apart (EM_ETRUNCATED) from one that is malformed (EM_EPARSE). Two small entity helpers
 * both readers need (script test, choosing the primary name) live here too.
 */
#ifndef EMBARGO_LISTS_XML_H
#define EMBARGO_LISTS_XML_H

#include "reader.h"

#define EM_XML_MAX_DEPTH 32 /* deeper nesting than this is refused */
#define EM_XML_KV_MAX 64    /* attributes or fields kept per element */

/* A small ordered set of key/value strings that outlives libxml2's own buffers. */
typedef struct em_xml_kv {
	em_buf buf;                    /* "key\0value\0" pairs */
	size_t off[EM_XML_KV_MAX][2];  /* offsets of each key and value in buf */
	size_t n;                      /* pairs held */
} em_xml_kv;

/*
 * Adds a pair, copying the key and the value with white space trimmed and inner runs squeezed
 * to one space; past EM_XML_KV_MAX pairs the extra ones are dropped.
 */
int em_xml_kv_add(em_xml_kv *kv, const char *key, const char *value);
/* The value of the first pair with this key, or NULL when absent or empty. Valid until the
 * next add or clear. */
const char *em_xml_kv_get(const em_xml_kv *kv, const char *key);
void em_xml_kv_clear(em_xml_kv *kv);
void em_xml_kv_free(em_xml_kv *kv);

typedef enum em_xml_event {
	EM_XML_START = 1, /* an element opens: name, depth, line and attributes are set */
	EM_XML_END,       /* it closes (also right after START for <empty/>): text is set */
} em_xml_event;

typedef struct em_xml {
	const char *file;          /* name for messages */
	size_t last_line;          /* number of lines in the input, to recognise a cut */
	void *reader;              /* the xmlTextReader */
	int depth;                 /* open elements */
	const char *names[EM_XML_MAX_DEPTH]; /* local names of the open elements, outermost first */
	long lines[EM_XML_MAX_DEPTH];   /* the line each open element started on */
	int pending_end;           /* an empty element: its END comes next */
	int root_closed;           /* the root element has ended */
	em_buf textbuf;            /* text directly inside the innermost element */
	em_xml_kv attrs;           /* attributes of the element just started */
	/* the first error libxml2 reported */
	int xml_error;             /* libxml2's code (xmlParserErrors) when it reported one, else 0 */
	long xml_line;             /* its line */
	char xml_message[256];     /* its message, without the trailing newline */
	char xml_element[64];      /* the element the parser was in then, or "" */
	/* the current event */
	em_xml_event event;
	const char *name;          /* local name of the element */
	const char *ns;            /* its namespace URI, or NULL (START only) */
	int at;                    /* its depth: 0 for the root */
	long line;                 /* the line it started on */
	const char *text;          /* END: its text after its last child (all of it for a leaf) */
} em_xml;

/* Opens ctx's bytes; fails (with a message) on inputs libxml2 cannot take. */
int em_xml_open(em_xml *x, const em_read_ctx *ctx);
/* The next event: 1 when there is one, 0 at the end of the document, or a negative EM_E*. */
int em_xml_next(em_xml *x);
void em_xml_close(em_xml *x);

/* Attribute of the element just started (EM_XML_START), or NULL. */
const char *em_xml_attr(const em_xml *x, const char *name);
/* Name of the open element at depth d (0 = root), or "" when there is none. */
const char *em_xml_name_at(const em_xml *x, int d);
/* Fails with "file:line: element 'name': <fmt>" about the current element; returns code. */
int em_xml_fail(const em_xml *x, int code, const char *fmt, ...) EM_PRINTF(3, 4);

/*
 * The local name of the first element in `head` (after an XML declaration, comments and
 * processing instructions) copied into out, or "" when there is none. For sniffing.
 */
void em_xml_sniff_root(const char *head, size_t n, char *out, size_t cap);

/*
 * Joins the non-NULL parts with sep into b (cleared first) and appends " (note)" when note is
 * not NULL (or just the note when no part is). Read the result with em_xml_str(b).
 */
int em_xml_join(em_buf *b, const char *sep, const char *const *parts, size_t n, const char *note);
/* b's contents, or NULL when empty. */
const char *em_xml_str(const em_buf *b);
/* Case-insensitive (ASCII) substring test. */
bool em_xml_contains_ci(const char *s, const char *word);
/* Copies the "YYYY-MM-DD" that starts s into out[11]; false when s does not start with one. */
bool em_xml_iso_date(const char *s, char out[11]);
/*
 * Writes a readable form of a date filled by a reader into b: "1958-02-22", "1958-02", "1958",
 * "1973 to 1974", led by "circa " when circa. EM_DATE_TEXT dates write nothing (their words
 * are the text).
 */
int em_xml_date_render(em_buf *b, const em_date *d);

/* True when s holds letters of a non-Latin script (Cyrillic, Arabic, CJK...). */
bool em_xml_non_latin(const char *s);
/* Makes e->names[i] the first name (the primary one), keeping the others in order. */
void em_xml_name_first(em_entity *e, size_t i);

#endif
