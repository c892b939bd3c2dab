/*
 * date.c: dates as sanctions lists write them. OFAC writes "09 Feb 1951", "Feb 1951", "1951",
 * "circa 1960", "1960 to 1962"; the UN and EU use ISO dates; the UK uses day-first slashes.
 * Whatever cannot be read keeps its text with kind EM_DATE_TEXT, so nothing is lost.
 */
#include <ctype.h>
#include <string.h>

#include "model.h"

int em_month_from_name(const char *s, size_t n)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
					     "jul", "aug", "sep", "oct", "nov", "dec"};
	if (n < 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (em_starts_with_ci(s, months[m]))
			return m + 1;
	return 0;
}

typedef struct {
	const char *p;
} cursor;

static void skip_space(cursor *c)
{
	while (*c->p == ' ' || *c->p == ',' || *c->p == '.')
		c->p++;
}

static int read_int(cursor *c, int maxdigits)
{
	int v = 0, n = 0;
	while (isdigit((unsigned char)*c->p) && n < maxdigits) {
		v = v * 10 + (*c->p - '0');
		c->p++;
		n++;
	}
	if (n == 0 || isdigit((unsigned char)*c->p))
		return -1;
	return v;
}

static bool valid_ymd(int y, int m, int d)
{
	return y >= 1000 && y <= 2999 && m >= 0 && m <= 12 && d >= 0 && d <= 31 && !(d && !m);
}

/* One date: "09 Feb 1951", "Feb 1951", "1951", "1951-02-09", "1951-02", "09/02/1951", "09.02.1951". */
static bool read_one(cursor *c, int *y, int *m, int *d)
{
	const char *start = c->p;
	*y = *m = *d = 0;
	skip_space(c);
	if (isdigit((unsigned char)*c->p)) {
		cursor t = *c;
		int a = read_int(&t, 4);
		if (a < 0)
			return false;
		if (t.p - c->p == 4) { /* ISO: YYYY[-MM[-DD]] or a bare year */
			*y = a;
			c->p = t.p;
			if (*c->p == '-' && isdigit((unsigned char)c->p[1])) {
				c->p++;
				*m = read_int(c, 2);
				if (*c->p == '-' && isdigit((unsigned char)c->p[1])) {
					c->p++;
					*d = read_int(c, 2);
				}
			}
			return *m >= 0 && *d >= 0 && valid_ymd(*y, *m, *d);
		}
		/* Day first: "09 Feb 1951", "09/02/1951", "09.02.1951", "9-Feb-1951" */
		*d = a;
		c->p = t.p;
		if (*c->p == '/' || *c->p == '.' || *c->p == '-') {
			char sep = *c->p++;
			if (isdigit((unsigned char)*c->p)) {
				*m = read_int(c, 2);
				if (*c->p != sep)
					goto fail;
				c->p++;
				*y = read_int(c, 4);
				return *m > 0 && valid_ymd(*y, *m, *d);
			}
		}
		skip_space(c);
		const char *w = c->p;
		while (isalpha((unsigned char)*c->p))
			c->p++;
		*m = em_month_from_name(w, (size_t)(c->p - w));
		if (!*m)
			goto fail;
		if (*c->p == '-')
			c->p++;
		skip_space(c);
		*y = read_int(c, 4);
		return valid_ymd(*y, *m, *d);
	}
	if (isalpha((unsigned char)*c->p)) {
		const char *w = c->p;
		while (isalpha((unsigned char)*c->p))
			c->p++;
		*m = em_month_from_name(w, (size_t)(c->p - w));
		if (!*m)
			goto fail;
		skip_space(c);
		if (*c->p == '-')
			c->p++;
		*y = read_int(c, 4);
		return valid_ymd(*y, *m, 0);
	}
fail:
	c->p = start;
	return false;
}

static bool eat_word(cursor *c, const char *word)
{
	skip_space(c);
	size_t n = strlen(word);
	if (em_starts_with_ci(c->p, word) && !isalpha((unsigned char)c->p[n])) {
		c->p += n;
		return true;
	}
	return false;
}

void em_date_parse(const char *text, em_date *out)
{
	memset(out, 0, sizeof *out);
	out->text = text ? text : "";
	out->kind = EM_DATE_TEXT;
	if (!text)
		return;
	cursor c = {text};
	if (eat_word(&c, "circa") || eat_word(&c, "approximately") || eat_word(&c, "approx") ||
	    eat_word(&c, "ca") || eat_word(&c, "about"))
		out->circa = 1;
	bool between = eat_word(&c, "between") || eat_word(&c, "from");
	int y, m, d;
	if (!read_one(&c, &y, &m, &d))
		return;
	skip_space(&c);
	if (*c.p == '\0') {
		out->year = y, out->month = m, out->day = d;
		out->kind = d ? EM_DATE_EXACT : m ? EM_DATE_YEAR_MONTH : EM_DATE_YEAR;
		return;
	}
	/* A range: "1960 to 1962", "between 1960 and 1962", "1960 - 1962" */
	if (eat_word(&c, "to") || eat_word(&c, "and") || (between && eat_word(&c, "until")) ||
	    (*c.p == '-' && (c.p++, true))) {
		int y2, m2, d2;
		if (read_one(&c, &y2, &m2, &d2)) {
			skip_space(&c);
			if (*c.p == '\0' && y2 >= y) {
				out->kind = EM_DATE_RANGE;
				out->year = y, out->month = m, out->day = d;
				out->year2 = y2, out->month2 = m2, out->day2 = d2;
			}
		}
	}
}
