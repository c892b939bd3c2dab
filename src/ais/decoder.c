/*
 * decoder.c: the sentence layer of the AIS decoder. Input bytes are cut into lines; a line is a
 * comment, a Gatehouse $PGHP time, an AIS sentence (optionally behind an NMEA 4.10 tag block and
 * followed by the USCG suffix), a CSV row, or something else to count and pass over. An AIS
 * sentence is checked (checksum, field syntax, 6-bit armour, fill bits) and its payload bits are
 * either a whole message or a fragment. Fragments are assembled in a fixed number of slots keyed
 * by sequence id and channel, so messages from several transmitters may interleave; a slot left
 * idle for too many sentences is dropped and counted. Whole messages go to
 * msg.c and then to the caller, in the order their last sentence arrived.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais.h"
#include "util/util.h"

#define LINE_MAX_BYTES 65536   /* longer lines are skipped as too long */
#define T24_SLOTS 4096         /* type 24 part A names remembered, by MMSI (direct-mapped) */

enum { MODE_UNKNOWN = 0, MODE_NMEA, MODE_CSV };

typedef struct partial {
	int active;
	char channel;
	int seqid;              /* -1 when the sentence left it empty */
	int count;              /* fragments in the message */
	int next;               /* number of the fragment expected next */
	unsigned nbits;
	int64_t rxtime;
	uint64_t last_sentence; /* d->sentence_no when its latest fragment came */
	size_t first_line;
	uint8_t bits[AIS_BITS_BYTES];
} partial;

typedef struct t24_entry {
	uint32_t mmsi;
	int valid;
	char name[21];
} t24_entry;

struct em_ais_decoder {
	em_ais_options opts;
	char *input;            /* name of the current input */
	size_t line;            /* lines read of the current input */
	int mode;
	char *pend;             /* the unfinished last line of the bytes fed so far */
	size_t pend_len, pend_cap;
	int pend_overflow;      /* the unfinished line is already too long: skip it whole */
	int64_t pghp_time;      /* time of the last $PGHP line, for the next sentence */
	uint64_t sentence_no;
	partial *slots;
	unsigned nslots, nactive;
	t24_entry *t24;
	ais_csv_map csv;
	em_ais_stats st;
	em_ais_msg msg;
	uint8_t bits[AIS_BITS_BYTES];
};

const char *em_ais_skip_name(int reason)
{
	static const char *const names[EM_AIS_SKIP_COUNT] = {
		"checksum", "syntax", "payload", "too_long", "fragment", "incomplete",
		"length", "type", "tagblock", "csv", "other",
	};
	if (reason < 0 || reason >= EM_AIS_SKIP_COUNT)
		return "unknown";
	return names[reason];
}

static void skip(em_ais_decoder *d, int reason, size_t line)
{
	d->st.skipped[reason]++;
	if (d->opts.on_skip)
		d->opts.on_skip(d->opts.skip_ctx, d->input ? d->input : "", line, reason);
}

int em_ais_decoder_new(em_ais_decoder **out, const em_ais_options *opts)
{
	*out = NULL;
	if (opts && opts->version != EM_AIS_OPTIONS_VERSION)
		return em_fail(EM_EINVAL, "em_ais_decoder_new: options version %u, expected %u",
			       opts->version, EM_AIS_OPTIONS_VERSION);
	em_ais_decoder *d = calloc(1, sizeof *d);
	if (!d)
		return em_fail(EM_ENOMEM, "out of memory");
	em_ais_options def = EM_AIS_OPTIONS_INIT;
	d->opts = opts ? *opts : def;
	if (d->opts.max_partial == 0)
		d->opts.max_partial = 32;
	if (d->opts.max_partial > 4096)
		d->opts.max_partial = 4096;
	if (d->opts.stale_sentences == 0)
		d->opts.stale_sentences = 100;
	d->nslots = d->opts.max_partial;
	d->slots = calloc(d->nslots, sizeof *d->slots);
	d->t24 = calloc(T24_SLOTS, sizeof *d->t24);
	if (!d->slots || !d->t24) {
		em_ais_decoder_free(d);
		return em_fail(EM_ENOMEM, "out of memory");
	}
	d->pghp_time = EM_AIS_NO_TIME;
	*out = d;
	return 0;
}

void em_ais_decoder_free(em_ais_decoder *d)
{
	if (!d)
		return;
	free(d->input);
	free(d->pend);
	free(d->slots);
	free(d->t24);
	free(d);
}

void em_ais_decoder_stats(const em_ais_decoder *d, em_ais_stats *out)
{
	*out = d->st;
}

/* --- times ---------------------------------------------------------------------------- */

/* Digits (and an optional fraction) as Unix time: 10 digits or fewer are seconds, 13 are ms. */
static int64_t parse_epoch(const char *s, size_t n)
{
	size_t i = 0;
	int64_t v = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && i < 13)
		v = v * 10 + (s[i++] - '0');
	size_t digits = i;
	if (digits == 0)
		return EM_AIS_NO_TIME;
	int64_t ms;
	if (digits <= 10)
		ms = v * 1000;
	else if (digits == 13)
		ms = v;
	else
		return EM_AIS_NO_TIME;
	if (i < n && s[i] == '.' && digits <= 10) {
		int64_t scale = 100;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			ms += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	return i == n ? ms : EM_AIS_NO_TIME;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* An NMEA 4.10 tag block's inside ("s:src,c:1418169601*hh"): its c: time, or EM_AIS_NO_TIME. */
static int parse_tag_block(const char *s, size_t n, int64_t *time)
{
	*time = EM_AIS_NO_TIME;
	uint8_t x = 0;
	size_t i = 0;
	while (i < n && s[i] != '*')
		x ^= (uint8_t)s[i++];
	if (i < n) {
		/* One or two hex digits (some writers drop a leading zero). */
		size_t h = n - i - 1;
		if (h < 1 || h > 2)
			return -1;
		int v = 0;
		for (size_t k = i + 1; k < n; k++) {
			int hv = hexval(s[k]);
			if (hv < 0)
				return -1;
			v = v * 16 + hv;
		}
		if (v != x)
			return -1;
	}
	size_t body = i;
	for (size_t p = 0; p < body;) {
		size_t q = p;
		while (q < body && s[q] != ',')
			q++;
		if (q - p >= 2 && s[p] == 'c' && s[p + 1] == ':') {
			*time = parse_epoch(s + p + 2, q - p - 2);
			if (*time == EM_AIS_NO_TIME)
				return -1;
		}
		p = q + 1;
	}
	return 0;
}

/* The USCG suffix after the checksum (",s1234,d-119,T12.3,r003669958,1272470400"): the first
 * field that is a number of seconds is the receive time. */
static int64_t parse_uscg(const char *s, size_t n)
{
	for (size_t p = 0; p < n;) {
		size_t q = p;
		while (q < n && s[q] != ',')
			q++;
		if (q > p && s[p] >= '0' && s[p] <= '9') {
			int64_t t = parse_epoch(s + p, q - p);
			if (t != EM_AIS_NO_TIME)
				return t;
		}
		p = q + 1;
	}
	return EM_AIS_NO_TIME;
}

/* Parses up to `max` comma-separated small numbers after the sentence tag; -1 for empty fields. */
static size_t split_numbers(const char *s, size_t n, long *out, size_t max)
{
	size_t k = 0;
	for (size_t p = 0; p <= n && k < max;) {
		size_t q = p;
		while (q < n && s[q] != ',')
			q++;
		long v = -1;
		if (q > p) {
			v = 0;
			for (size_t i = p; i < q; i++) {
				if (s[i] < '0' || s[i] > '9' || v > 100000000) {
					v = -2;
					break;
				}
				v = v * 10 + (s[i] - '0');
			}
		}
		out[k++] = v;
		p = q + 1;
	}
	return k;
}

/* Checks "$...*hh" and returns the length of the part between '$' and '*', or -1. */
static long nmea_checked_body(const char *s, size_t n)
{
	uint8_t x = 0;
	size_t i = 1;
	while (i < n && s[i] != '*')
		x ^= (uint8_t)s[i++];
	if (i + 3 > n)
		return -1;
	int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
	if (h < 0 || l < 0 || (h << 4 | l) != x)
		return -1;
	return (long)(i - 1);
}

/* $PGHP,1,year,month,day,hour,minute,second,ms,...: the receive time of the next sentence. */
static void gatehouse_line(em_ais_decoder *d, const char *s, size_t n)
{
	long body = nmea_checked_body(s, n);
	if (body < 0) {
		skip(d, EM_AIS_SKIP_CHECKSUM, d->line);
		return;
	}
	long f[9];
	size_t k = split_numbers(s + 6, (size_t)body - 5, f, 9);
	if (k < 8 || f[0] != 1) {
		if (k < 1 || f[0] == 1)
			skip(d, EM_AIS_SKIP_SYNTAX, d->line);
		return;
	}
	int64_t t = ais_time_from_civil((int)f[1], (int)f[2], (int)f[3], (int)f[4], (int)f[5],
					(int)f[6]);
	if (t == EM_AIS_NO_TIME || f[7] < 0 || f[7] > 999) {
		skip(d, EM_AIS_SKIP_SYNTAX, d->line);
		return;
	}
	d->pghp_time = t + f[7];
}

/* --- payloads and fragments ------------------------------------------------------------ */

/* 6-bit value of an armoured payload character, or -1. */
static inline int armor_value(unsigned char c)
{
	if (c >= 48 && c <= 87)
		return c - 48;
	if (c >= 96 && c <= 119)
		return c - 56;
	return -1;
}

/*
 * Appends the payload's bits at bit `pos` of b (whose bits from `pos` on must be zero). Returns
 * the new length in bits (fill bits excluded), or -1 for a bad character.
 */
static long dearmor(uint8_t *b, unsigned pos, const char *pl, size_t n, unsigned fill)
{
	unsigned p = pos;
	for (size_t i = 0; i < n; i++) {
		int v = armor_value((unsigned char)pl[i]);
		if (v < 0)
			return -1;
		/* Six bits at bit p: they straddle at most two bytes. */
		unsigned w = (unsigned)v << (10 - (p & 7));
		b[p >> 3] |= (uint8_t)(w >> 8);
		b[(p >> 3) + 1] |= (uint8_t)(w & 0xff);
		p += 6;
	}
	return (long)(p - fill);
}

/* Clears the bits of b from bit `from` to the end of the buffer. */
static void clear_from(uint8_t *b, unsigned from)
{
	unsigned byte = from >> 3;
	if (from & 7) {
		b[byte] &= (uint8_t)(0xff00u >> (from & 7));
		byte++;
	}
	memset(b + byte, 0, AIS_BITS_BYTES - byte);
}

static void drop_partial(em_ais_decoder *d, partial *sl)
{
	sl->active = 0;
	d->nactive--;
	skip(d, EM_AIS_SKIP_INCOMPLETE, sl->first_line);
}

/* Drops partial messages idle for too many sentences. */
static void expire_partials(em_ais_decoder *d)
{
	for (unsigned i = 0; i < d->nslots && d->nactive > 0; i++) {
		partial *sl = &d->slots[i];
		if (!sl->active)
			continue;
		if (d->sentence_no - sl->last_sentence > d->opts.stale_sentences)
			drop_partial(d, sl);
	}
}

static unsigned t24_index(uint32_t mmsi)
{
	return (unsigned)((mmsi * 2654435761u) >> 20) & (T24_SLOTS - 1);
}

/* A whole message: decode it and hand it on. */
static int emit(em_ais_decoder *d, const uint8_t *bits, unsigned nbits, int64_t rxtime,
		char channel, em_ais_msg_fn fn, void *ctx)
{
	em_ais_msg *m = &d->msg;
	int r = ais_msg_decode(bits, nbits, m);
	if (r) {
		skip(d, r - 1, d->line);
		return 0;
	}
	m->rxtime = rxtime;
	m->channel = channel;
	m->input = d->input;
	m->line = d->line;
	m->source = EM_AIS_SRC_NMEA;
	if (m->type == 24) {
		/* Part A names are kept per MMSI and lent to the next part B, as gpsd does. */
		t24_entry *e = &d->t24[t24_index(m->mmsi)];
		if (m->part == 'A') {
			e->mmsi = m->mmsi;
			e->valid = 1;
			memcpy(e->name, m->shipname, sizeof e->name);
		} else if (e->valid && e->mmsi == m->mmsi) {
			memcpy(m->shipname, e->name, sizeof m->shipname);
			m->has |= EM_AIS_HAS_SHIPNAME;
			e->valid = 0;
		}
	}
	d->st.messages++;
	return fn ? fn(ctx, m) : 0;
}

/*
 * One AIS sentence "!AIVDM,count,number,seqid,channel,payload,fill*hh[,suffix]" (any talker,
 * VDM or VDO). `time` comes from a tag block, else the suffix or a $PGHP line is used.
 */
static int ais_sentence(em_ais_decoder *d, const char *s, size_t n, int64_t time,
			em_ais_msg_fn fn, void *ctx)
{
	d->st.sentences++;
	d->sentence_no++;
	const char *f[7];
	size_t nf = 0;
	uint8_t x = 0;
	const char *p = s + 1, *end = s + n;
	f[0] = p;
	for (; p < end && *p != '*'; p++) {
		x ^= (uint8_t)*p;
		if (*p == ',') {
			if (nf == 6) {
				skip(d, EM_AIS_SKIP_SYNTAX, d->line);
				return 0;
			}
			f[++nf] = p + 1;
		}
	}
	if (nf != 6 || end - p < 3) {
		skip(d, EM_AIS_SKIP_SYNTAX, d->line);
		return 0;
	}
	int h = hexval(p[1]), l = hexval(p[2]);
	if (h < 0 || l < 0) {
		skip(d, EM_AIS_SKIP_SYNTAX, d->line);
		return 0;
	}
	if ((h << 4 | l) != x) {
		skip(d, EM_AIS_SKIP_CHECKSUM, d->line);
		return 0;
	}
	const char *star = p;
	if (time == EM_AIS_NO_TIME && star + 3 < end && star[3] == ',')
		time = parse_uscg(star + 4, (size_t)(end - star - 4));
	if (time == EM_AIS_NO_TIME && d->pghp_time != EM_AIS_NO_TIME)
		time = d->pghp_time;
	d->pghp_time = EM_AIS_NO_TIME;

	/* Field lengths; each field ends one character before the next starts. */
	size_t len[7];
	for (size_t i = 0; i < 6; i++)
		len[i] = (size_t)(f[i + 1] - f[i] - 1);
	len[6] = (size_t)(star - f[6]);
	if (len[1] != 1 || len[2] != 1 || f[1][0] < '1' || f[1][0] > '9' || f[2][0] < '1' ||
	    f[2][0] > f[1][0] || len[3] > 1 || (len[3] == 1 && (f[3][0] < '0' || f[3][0] > '9')) ||
	    len[6] > 1 || (len[6] == 1 && (f[6][0] < '0' || f[6][0] > '5'))) {
		skip(d, EM_AIS_SKIP_SYNTAX, d->line);
		return 0;
	}
	int count = f[1][0] - '0', num = f[2][0] - '0';
	int seqid = len[3] ? f[3][0] - '0' : -1;
	char channel = len[4] ? f[4][0] : 0;
	unsigned fill = len[6] ? (unsigned)(f[6][0] - '0') : 0;
	const char *pl = f[5];
	size_t pllen = len[5];

	if (d->nactive > 0)
		expire_partials(d);

	if (count == 1) {
		if (pllen * 6 > AIS_MAX_BITS) {
			skip(d, EM_AIS_SKIP_TOO_LONG, d->line);
			return 0;
		}
		memset(d->bits, 0, sizeof d->bits);
		long nbits = dearmor(d->bits, 0, pl, pllen, fill);
		if (nbits < 0) {
			skip(d, EM_AIS_SKIP_PAYLOAD, d->line);
			return 0;
		}
		return emit(d, d->bits, (unsigned)nbits, time, channel, fn, ctx);
	}

	partial *sl = NULL;
	for (unsigned i = 0; i < d->nslots; i++) {
		partial *c = &d->slots[i];
		if (c->active && c->channel == channel && c->seqid == seqid) {
			sl = c;
			break;
		}
	}
	if (num == 1) {
		if (sl) {
			drop_partial(d, sl); /* a new message on the same key: the old one is lost */
		} else {
			partial *oldest = NULL;
			for (unsigned i = 0; i < d->nslots && !sl; i++) {
				partial *c = &d->slots[i];
				if (!c->active)
					sl = c;
				else if (!oldest || c->last_sentence < oldest->last_sentence)
					oldest = c;
			}
			if (!sl) {
				sl = oldest;
				drop_partial(d, sl);
			}
		}
		if (pllen * 6 > AIS_MAX_BITS) {
			skip(d, EM_AIS_SKIP_TOO_LONG, d->line);
			return 0;
		}
		memset(sl->bits, 0, sizeof sl->bits);
		long nbits = dearmor(sl->bits, 0, pl, pllen, fill);
		if (nbits < 0) {
			skip(d, EM_AIS_SKIP_PAYLOAD, d->line);
			return 0;
		}
		sl->active = 1;
		d->nactive++;
		sl->channel = channel;
		sl->seqid = seqid;
		sl->count = count;
		sl->next = 2;
		sl->nbits = (unsigned)nbits;
		sl->rxtime = time;
		sl->last_sentence = d->sentence_no;
		sl->first_line = d->line;
		return 0;
	}
	if (!sl || sl->count != count || sl->next != num) {
		if (sl)
			drop_partial(d, sl);
		skip(d, EM_AIS_SKIP_FRAGMENT, d->line);
		return 0;
	}
	if (sl->nbits + pllen * 6 > AIS_MAX_BITS) {
		drop_partial(d, sl);
		skip(d, EM_AIS_SKIP_TOO_LONG, d->line);
		return 0;
	}
	clear_from(sl->bits, sl->nbits); /* the previous fragment's fill bits */
	long nbits = dearmor(sl->bits, sl->nbits, pl, pllen, fill);
	if (nbits < 0) {
		drop_partial(d, sl);
		skip(d, EM_AIS_SKIP_PAYLOAD, d->line);
		return 0;
	}
	sl->nbits = (unsigned)nbits;
	sl->next++;
	sl->last_sentence = d->sentence_no;
	if (sl->rxtime == EM_AIS_NO_TIME)
		sl->rxtime = time;
	if (num < count)
		return 0;
	sl->active = 0;
	d->nactive--;
	return emit(d, sl->bits, sl->nbits, sl->rxtime, sl->channel, fn, ctx);
}

/* --- lines ---------------------------------------------------------------------------- */

static int is_ais_tag(const char *s, size_t n)
{
	return n >= 6 && (s[0] == '!' || s[0] == '$') && s[3] == 'V' && s[4] == 'D' &&
	       (s[5] == 'M' || s[5] == 'O');
}

static int nmea_line(em_ais_decoder *d, const char *s, size_t n, em_ais_msg_fn fn, void *ctx)
{
	int64_t time = EM_AIS_NO_TIME;
	if (s[0] == '\\') {
		const char *close = memchr(s + 1, '\\', n - 1);
		if (!close) {
			skip(d, EM_AIS_SKIP_TAGBLOCK, d->line);
			return 0;
		}
		if (parse_tag_block(s + 1, (size_t)(close - s - 1), &time) != 0) {
			skip(d, EM_AIS_SKIP_TAGBLOCK, d->line);
			time = EM_AIS_NO_TIME;
		}
		n -= (size_t)(close + 1 - s);
		s = close + 1;
		if (n == 0)
			return 0; /* a tag block alone says nothing we use */
	}
	if (is_ais_tag(s, n))
		return ais_sentence(d, s, n, time, fn, ctx);
	if (n >= 6 && !memcmp(s, "$PGHP,", 6)) {
		gatehouse_line(d, s, n);
		return 0;
	}
	skip(d, EM_AIS_SKIP_OTHER, d->line);
	return 0;
}

static int process_line(em_ais_decoder *d, const char *s, size_t n, em_ais_msg_fn fn, void *ctx)
{
	d->line++;
	d->st.lines++;
	if (d->line == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
		s += 3;
		n -= 3;
	}
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if (d->mode == MODE_UNKNOWN) {
		if (s[0] != '!' && s[0] != '\\' && s[0] != '$' && ais_csv_header(&d->csv, s, n) == 0) {
			d->mode = MODE_CSV;
			return 0;
		}
		if (s[0] == '#')
			return 0;
		d->mode = MODE_NMEA;
	}
	if (d->mode == MODE_CSV) {
		int r = ais_csv_row(&d->csv, s, n, &d->msg);
		if (r) {
			skip(d, r - 1, d->line);
			return 0;
		}
		d->msg.input = d->input;
		d->msg.line = d->line;
		d->st.messages++;
		return fn ? fn(ctx, &d->msg) : 0;
	}
	if (s[0] == '#')
		return 0;
	return nmea_line(d, s, n, fn, ctx);
}

/* --- inputs --------------------------------------------------------------------------- */

int em_ais_input_begin(em_ais_decoder *d, const char *name)
{
	char *copy = strdup(name ? name : "");
	if (!copy)
		return em_fail(EM_ENOMEM, "out of memory");
	free(d->input);
	d->input = copy;
	d->line = 0;
	d->mode = MODE_UNKNOWN;
	d->pend_len = 0;
	d->pend_overflow = 0;
	d->pghp_time = EM_AIS_NO_TIME;
	return 0;
}

static int pend_append(em_ais_decoder *d, const char *p, size_t n)
{
	if (d->pend_overflow)
		return 0;
	if (d->pend_len + n > LINE_MAX_BYTES) {
		d->pend_overflow = 1;
		return 0;
	}
	if (d->pend_len + n > d->pend_cap) {
		size_t cap = d->pend_cap ? d->pend_cap : 256;
		while (cap < d->pend_len + n)
			cap *= 2;
		char *np = realloc(d->pend, cap);
		if (!np)
			return em_fail(EM_ENOMEM, "out of memory");
		d->pend = np;
		d->pend_cap = cap;
	}
	memcpy(d->pend + d->pend_len, p, n);
	d->pend_len += n;
	return 0;
}

/* Processes the unfinished line kept from earlier bytes, now that it is complete. */
static int pend_flush(em_ais_decoder *d, em_ais_msg_fn fn, void *ctx)
{
	int r = 0;
	if (d->pend_overflow) {
		d->line++;
		d->st.lines++;
		skip(d, EM_AIS_SKIP_TOO_LONG, d->line);
	} else {
		r = process_line(d, d->pend, d->pend_len, fn, ctx);
	}
	d->pend_len = 0;
	d->pend_overflow = 0;
	return r;
}

int em_ais_input_feed(em_ais_decoder *d, const char *data, size_t len, em_ais_msg_fn fn, void *ctx)
{
	const char *p = data, *end = data + len;
	if (d->pend_len > 0 || d->pend_overflow) {
		const char *nl = memchr(p, '\n', len);
		int r = pend_append(d, p, (size_t)((nl ? nl : end) - p));
		if (r)
			return r;
		if (!nl)
			return 0;
		if ((r = pend_flush(d, fn, ctx)) != 0)
			return r;
		p = nl + 1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return pend_append(d, p, (size_t)(end - p));
		size_t n = (size_t)(nl - p);
		int r;
		if (n > LINE_MAX_BYTES) {
			d->line++;
			d->st.lines++;
			skip(d, EM_AIS_SKIP_TOO_LONG, d->line);
			r = 0;
		} else {
			r = process_line(d, p, n, fn, ctx);
		}
		if (r)
			return r;
		p = nl + 1;
	}
	return 0;
}

int em_ais_input_end(em_ais_decoder *d, em_ais_msg_fn fn, void *ctx)
{
	int r = 0;
	if (d->pend_len > 0 || d->pend_overflow)
		r = pend_flush(d, fn, ctx);
	for (unsigned i = 0; i < d->nslots; i++)
		if (d->slots[i].active)
			drop_partial(d, &d->slots[i]);
	d->pghp_time = EM_AIS_NO_TIME;
	d->mode = MODE_UNKNOWN;
	return r;
}

int em_ais_decode_file(em_ais_decoder *d, const char *path, em_ais_msg_fn fn, void *ctx)
{
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f)
		return em_fail(EM_EIO, "%s: cannot open: %s", path, strerror(errno));
	int r = em_ais_input_begin(d, is_stdin ? "stdin" : path);
	enum { CHUNK = 1 << 20 };
	char *buf = r ? NULL : malloc(CHUNK);
	if (!r && !buf)
		r = em_fail(EM_ENOMEM, "out of memory");
	while (!r) {
		size_t got = fread(buf, 1, CHUNK, f);
		if (got > 0)
			r = em_ais_input_feed(d, buf, got, fn, ctx);
		if (got < CHUNK) {
			if (ferror(f))
				r = em_fail(EM_EIO, "%s: read error: %s", path, strerror(errno));
			break;
		}
	}
	if (!r)
		r = em_ais_input_end(d, fn, ctx);
	free(buf);
	if (!is_stdin)
		fclose(f);
	return r;
}
