/*
 * xml.c: the streaming XML walk shared by the UN and EU list readers (see xml.h). libxml2's
 * xmlTextReader parses the in-memory document a little at a time and frees each node once it
 * has been passed, so only the open elements and the current text are ever held. Errors go to
 * a structured handler that keeps the first one with its line; the walk then reports it
 * against the innermost open element.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "xml.h"

/* No DTD loading or validation, no entity substitution, no network: a list needs none. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA | XML_PARSE_COMPACT)
/* Longest text of one element (remarks run to a few kilobytes). */
#define TEXT_LIMIT (4u << 20)

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int em_xml_kv_add(em_xml_kv *kv, const char *key, const char *value)
{
	if (kv->n == EM_XML_KV_MAX)
		return 0;
	size_t k = kv->buf.len;
	int rc = em_buf_append(&kv->buf, key, strlen(key) + 1);
	size_t v = kv->buf.len;
	/* Squeezed on the way in: list fields wrap across lines ("National Identification\n  Number"). */
	const char *p = value;
	while (!rc && *p) {
		while (is_space(*p))
			p++;
		const char *w = p;
		while (*p && !is_space(*p))
			p++;
		if (p == w)
			break;
		if (kv->buf.len > v)
			rc = em_buf_putc(&kv->buf, ' ');
		if (!rc)
			rc = em_buf_append(&kv->buf, w, (size_t)(p - w));
	}
	if (rc || (rc = em_buf_putc(&kv->buf, '\0')))
		return rc;
	kv->off[kv->n][0] = k;
	kv->off[kv->n][1] = v;
	kv->n++;
	return 0;
}

const char *em_xml_kv_get(const em_xml_kv *kv, const char *key)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->buf.data + kv->off[i][0], key) == 0) {
			const char *v = kv->buf.data + kv->off[i][1];
			return *v ? v : NULL;
		}
	return NULL;
}

void em_xml_kv_clear(em_xml_kv *kv)
{
	kv->n = 0;
	em_buf_clear(&kv->buf);
}

void em_xml_kv_free(em_xml_kv *kv)
{
	em_buf_free(&kv->buf);
	kv->n = 0;
}

#if LIBXML_VERSION >= 21200
static void on_error(void *arg, const xmlError *e)
#else
static void on_error(void *arg, xmlErrorPtr e)
#endif
{
	em_xml *x = arg;
	if (x->xml_error || !e || e->level < XML_ERR_ERROR)
		return;
	x->xml_error = e->code ? e->code : -1;
	x->xml_line = e->line;
	snprintf(x->xml_message, sizeof x->xml_message, "%s", e->message ? e->message : "XML error");
	/* The reader reads ahead of the nodes it has handed out: the parser knows the element. */
	const xmlParserCtxt *ctxt = e->domain == XML_FROM_PARSER ? e->ctxt : NULL;
	if (ctxt && ctxt->name)
		snprintf(x->xml_element, sizeof x->xml_element, "%s", (const char *)ctxt->name);
	size_t n = strlen(x->xml_message);
	while (n && (x->xml_message[n - 1] == '\n' || x->xml_message[n - 1] == ' '))
		x->xml_message[--n] = '\0';
}

/* Line of the last byte that is not white space: an error there means the input ran out. */
static size_t last_text_line(const char *data, size_t len)
{
	size_t end = len;
	while (end && is_space(data[end - 1]))
		end--;
	size_t line = 1;
	for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + end - p))) != NULL; p++)
		line++;
	return line;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

int em_xml_open(em_xml *x, const em_read_ctx *ctx)
{
	memset(x, 0, sizeof *x);
	x->file = ctx->name;
	x->textbuf.limit = TEXT_LIMIT;
	if (ctx->len > INT_MAX)
		return em_fail(EM_ELIMIT, "%s: %zu bytes is more than the XML reader takes", ctx->name,
			       ctx->len);
	x->last_line = last_text_line(ctx->data, ctx->len);
	if (ctx->len == 0)
		return em_fail(EM_EPARSE, "%s:1: element '(none)': the document is empty", ctx->name);
	pthread_once(&xml_once, xmlInitParser); /* once, before any thread parses (list files may be read in parallel) */
	xmlTextReaderPtr r = xmlReaderForMemory(ctx->data, (int)ctx->len, NULL, NULL, XML_OPTIONS);
	if (!r)
		return em_fail(EM_ENOMEM, "%s: cannot start the XML reader", ctx->name);
	xmlTextReaderSetStructuredErrorHandler(r, on_error, x);
	x->reader = r;
	return 0;
}

void em_xml_close(em_xml *x)
{
	if (x->reader)
		xmlFreeTextReader(x->reader);
	x->reader = NULL;
	em_buf_free(&x->textbuf);
	em_xml_kv_free(&x->attrs);
}

const char *em_xml_name_at(const em_xml *x, int d)
{
	return d >= 0 && d < x->depth ? x->names[d] : "";
}

const char *em_xml_attr(const em_xml *x, const char *name)
{
	return em_xml_kv_get(&x->attrs, name);
}

int em_xml_fail(const em_xml *x, int code, const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return em_fail(code, "%s:%ld: element '%s': %s", x->file, x->line,
		       x->name ? x->name : "(none)", what);
}

/* Turns a libxml2 failure into ours: cut short when it stopped at the end of the input. */
static int reader_failure(em_xml *x)
{
	long line = x->xml_error ? x->xml_line : xmlTextReaderGetParserLineNumber(x->reader);
	const char *el = x->xml_element[0] ? x->xml_element : x->depth ? x->names[x->depth - 1] : "(none)";
	const char *msg = x->xml_error ? x->xml_message : "the XML reader failed";
	if (x->depth > 0 && line >= (long)x->last_line) {
		/* The push parser calls a document that stops early "Extra content at the end". */
		if (x->xml_error == XML_ERR_DOCUMENT_END || !x->xml_error)
			msg = "the input ends here";
		return em_fail(EM_ETRUNCATED, "%s:%ld: element '%s': the document is cut short before "
				       "its root element closes (%s)", x->file, line, el, msg);
	}
	return em_fail(EM_EPARSE, "%s:%ld: element '%s': malformed XML: %s", x->file, line, el, msg);
}

static long node_line(const em_xml *x)
{
	xmlNodePtr node = xmlTextReaderCurrentNode(x->reader);
	long line = node ? xmlGetLineNo(node) : -1;
	return line > 0 ? line : xmlTextReaderGetParserLineNumber(x->reader);
}

static int start_element(em_xml *x)
{
	xmlTextReaderPtr r = x->reader;
	x->name = (const char *)xmlTextReaderConstLocalName(r);
	x->line = node_line(x);
	x->at = x->depth;
	if (!x->name)
		return em_fail(EM_ENOMEM, "%s:%ld: out of memory reading an element", x->file, x->line);
	if (x->root_closed)
		return em_xml_fail(x, EM_EPARSE, "a second root element");
	if (x->depth == EM_XML_MAX_DEPTH)
		return em_xml_fail(x, EM_ELIMIT, "elements nested more than %d deep", EM_XML_MAX_DEPTH);
	x->ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	x->names[x->depth] = x->name;
	x->lines[x->depth] = x->line;
	x->depth++;
	em_buf_clear(&x->textbuf);
	em_xml_kv_clear(&x->attrs);
	x->pending_end = xmlTextReaderIsEmptyElement(r) == 1;
	if (xmlTextReaderHasAttributes(r) == 1) {
		while (xmlTextReaderMoveToNextAttribute(r) == 1) {
			if (xmlTextReaderIsNamespaceDecl(r) == 1)
				continue;
			const char *k = (const char *)xmlTextReaderConstLocalName(r);
			const char *v = (const char *)xmlTextReaderConstValue(r);
			int rc = em_xml_kv_add(&x->attrs, k ? k : "", v ? v : "");
			if (rc)
				return rc;
		}
		xmlTextReaderMoveToElement(r);
	}
	x->event = EM_XML_START;
	return 1;
}

/* Closes the innermost element: the END event describes it, the stack no longer holds it. */
static int end_element(em_xml *x)
{
	x->depth--;
	x->at = x->depth;
	x->name = x->names[x->depth];
	x->line = x->lines[x->depth];
	x->ns = NULL;
	x->text = x->textbuf.data ? x->textbuf.data : "";
	x->event = EM_XML_END;
	if (x->depth == 0)
		x->root_closed = 1;
	return 1;
}

int em_xml_next(em_xml *x)
{
	/* The text of an element that ended is not its parent's. */
	if (x->event == EM_XML_END)
		em_buf_clear(&x->textbuf);
	if (x->pending_end) {
		x->pending_end = 0;
		return end_element(x);
	}
	for (;;) {
		int rc = xmlTextReaderRead(x->reader);
		if (rc < 0 || x->xml_error)
			return reader_failure(x);
		if (rc == 0) {
			if (x->depth > 0)
				return reader_failure(x);
			if (!x->root_closed)
				return em_fail(EM_EPARSE, "%s:1: element '(none)': no root element", x->file);
			return 0;
		}
		int rc2;
		switch (xmlTextReaderNodeType(x->reader)) {
		case XML_READER_TYPE_ELEMENT:
			return start_element(x);
		case XML_READER_TYPE_END_ELEMENT:
			if (x->depth == 0)
				return reader_failure(x);
			return end_element(x);
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
			const char *v = (const char *)xmlTextReaderConstValue(x->reader);
			if (x->depth > 0 && v && (rc2 = em_buf_puts(&x->textbuf, v))) {
				x->line = node_line(x);
				return em_xml_fail(x, rc2, "text longer than %u bytes", TEXT_LIMIT);
			}
			break;
		}
		case XML_READER_TYPE_DOCUMENT_TYPE:
			x->line = node_line(x);
			x->name = "!DOCTYPE";
			return em_xml_fail(x, EM_EPARSE, "a DOCTYPE is not allowed in a list file");
		case XML_READER_TYPE_ENTITY_REFERENCE:
			x->line = node_line(x);
			return em_xml_fail(x, EM_EPARSE, "entity reference '&%s;' is not allowed",
					   (const char *)xmlTextReaderConstName(x->reader));
		default: /* comments, processing instructions */
			break;
		}
	}
}

void em_xml_sniff_root(const char *head, size_t n, char *out, size_t cap)
{
	const char *p = head, *end = head + n;
	out[0] = '\0';
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		if (is_space(*p)) {
			p++;
			continue;
		}
		if (*p != '<' || p + 1 >= end)
			return;
		const char *close = NULL;
		if (p[1] == '?')
			close = "?>";
		else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			close = "-->";
		else if (p[1] == '!') { /* <!DOCTYPE ...> or <!DOCTYPE ... [ ... ]> */
			const char *gt = memchr(p, '>', (size_t)(end - p));
			const char *br = memchr(p, '[', (size_t)(end - p));
			close = br && gt && br < gt ? "]>" : ">";
		}
		if (close) {
			const char *q = strstr(p + 2, close);
			if (!q || q >= end)
				return;
			p = q + strlen(close);
			continue;
		}
		p++;
		const char *name = p;
		while (p < end && !is_space(*p) && *p != '>' && *p != '/')
			p++;
		const char *colon = memchr(name, ':', (size_t)(p - name));
		if (colon)
			name = colon + 1;
		size_t len = (size_t)(p - name);
		if (len >= cap)
			return;
		memcpy(out, name, len);
		out[len] = '\0';
		return;
	}
}

/* Code point ranges of letters outside the Latin script (a coarse table, enough to tell
 * "Ivan Petrov" from "Иван Петров" or "金铁三"). */
static const struct {
	unsigned lo, hi;
} non_latin[] = {
	{0x0370, 0x1CFF},   /* Greek, Cyrillic, Armenian, Hebrew, Arabic ... Georgian, Hangul Jamo */
	{0x1F00, 0x1FFF},   /* Greek extended */
	{0x2C00, 0x2C5F},   /* Glagolitic */
	{0x2C80, 0x2DFF},   /* Coptic, Georgian supplement, Tifinagh, Ethiopic, Cyrillic ext. */
	{0x2E80, 0x2FFF},   /* CJK radicals */
	{0x3040, 0xA71F},   /* kana, CJK ideographs, Yi, Cyrillic ext. B ... */
	{0xA800, 0xAB2F},   /* Indic and South-East Asian additions */
	{0xAB70, 0xD7FF},   /* Cherokee, Hangul syllables */
	{0xF900, 0xFAFF},   /* CJK compatibility ideographs */
	{0xFB13, 0xFDFF},   /* Armenian and Hebrew ligatures, Arabic presentation forms A */
	{0xFE70, 0xFEFF},   /* Arabic presentation forms B */
	{0xFF66, 0xFFDC},   /* half-width kana and Hangul */
	{0x10000, 0x1D3FF}, /* historic scripts */
	{0x20000, 0x3FFFF}, /* CJK extensions */
};

bool em_xml_non_latin(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		unsigned c = *p, more = 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xF0)
			c &= 0x07, more = 3;
		else if (c >= 0xE0)
			c &= 0x0F, more = 2;
		else if (c >= 0xC0)
			c &= 0x1F, more = 1;
		else {
			p++; /* a stray continuation byte */
			continue;
		}
		p++;
		while (more-- && (*p & 0xC0) == 0x80)
			c = (c << 6) | (*p++ & 0x3F);
		for (size_t i = 0; i < sizeof non_latin / sizeof non_latin[0]; i++)
			if (c >= non_latin[i].lo && c <= non_latin[i].hi)
				return true;
	}
	return false;
}

void em_xml_name_first(em_entity *e, size_t i)
{
	if (i == 0 || i >= e->n_names)
		return;
	/* The array lives in the list's arena and is ours to reorder while the entity is built. */
	em_name *names = (em_name *)e->names;
	em_name first = names[i];
	memmove(names + 1, names, i * sizeof *names);
	names[0] = first;
}

int em_xml_join(em_buf *b, const char *sep, const char *const *parts, size_t n, const char *note)
{
	int rc = 0;
	em_buf_clear(b);
	for (size_t i = 0; i < n && !rc; i++) {
		if (!parts[i] || !*parts[i])
			continue;
		if (b->len)
			rc = em_buf_puts(b, sep);
		if (!rc)
			rc = em_buf_puts(b, parts[i]);
	}
	if (!rc && note && *note)
		rc = b->len ? em_buf_printf(b, " (%s)", note) : em_buf_puts(b, note);
	return rc;
}

const char *em_xml_str(const em_buf *b)
{
	return b->len ? b->data : NULL;
}

bool em_xml_contains_ci(const char *s, const char *word)
{
	for (; s && *s; s++)
		if (em_starts_with_ci(s, word))
			return true;
	return false;
}

bool em_xml_iso_date(const char *s, char out[11])
{
	if (!s)
		return false;
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	}
	em_date d;
	memcpy(out, s, 10);
	out[10] = '\0';
	em_date_parse(out, &d);
	return d.kind == EM_DATE_EXACT;
}

static int put_ymd(em_buf *b, int y, int m, int d)
{
	if (m && d)
		return em_buf_printf(b, "%04d-%02d-%02d", y, m, d);
	if (m)
		return em_buf_printf(b, "%04d-%02d", y, m);
	return em_buf_printf(b, "%04d", y);
}

int em_xml_date_render(em_buf *b, const em_date *d)
{
	em_buf_clear(b);
	if (d->kind == EM_DATE_TEXT)
		return 0;
	int rc = d->circa ? em_buf_puts(b, "circa ") : 0;
	if (!rc)
		rc = put_ymd(b, d->year, d->month, d->day);
	if (!rc && d->kind == EM_DATE_RANGE && (rc = em_buf_puts(b, " to ")) == 0)
		rc = put_ymd(b, d->year2, d->month2, d->day2);
	return rc;
}
