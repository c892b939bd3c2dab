/*
 * components.c: the components found in Russian and Iranian weapons, as the Defence
 * Intelligence of Ukraine (GUR) publishes them and the Awesome Drone Warfare OSINT project
 * collects them (weapon-components-gur.csv, CC BY 4.0). The file is read at run time, never
 * copied into the repository: each row's marking text (name_marking) gives the part numbers
 * that go into the part index, with the row's manufacturer, weapons and source address kept
 * for the report. The columns are found by name; oem_part_number, a heuristic parse of the
 * marking that is often empty or wrong, is not used.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "goods.h"
#include "util/csv.h"

enum { C_ID, C_MARKING, C_MANUFACTURER, C_CATEGORY, C_WEAPONS, C_URL, C_NOTES, C_VERIFIED, C_COUNT };

static const char *const column_names[C_COUNT] = {
	"component_id", "name_marking", "manufacturer", "category", "found_in_drones", "source_url", "notes",
	"last_verified",
};

/* What GUR calls the weapon, from the notes ("Linked weapon as published by GUR: Geran-2 UAV"). */
static const char *weapon_name(const char *notes)
{
	static const char marker[] = "published by GUR: ";
	const char *s = notes ? strstr(notes, marker) : NULL;
	return s && s[sizeof marker - 1] ? s + sizeof marker - 1 : NULL;
}

static bool unknown_text(const char *s)
{
	return !*s || !strcmp(s, "(unspecified)") || !strcmp(s, "Not identified") || !strcmp(s, "not identified");
}

static int read_weapons(goods_component_row *r, const char *text, const char *path, size_t line, em_arena *a)
{
	r->weapons = NULL;
	r->n_weapons = 0;
	if (!*text)
		return 0;
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j || !json_is_array(j)) {
		json_decref(j);
		return em_fail(EM_EPARSE, "%s:%zu: field 'found_in_drones': not a JSON list of weapon names", path, line);
	}
	size_t n = json_array_size(j);
	r->weapons = n ? em_arena_alloc(a, n * sizeof *r->weapons) : NULL;
	for (size_t i = 0; i < n; i++) {
		const char *w = json_string_value(json_array_get(j, i));
		if (!w) {
			json_decref(j);
			return em_fail(EM_EPARSE, "%s:%zu: field 'found_in_drones': item %zu is not a string", path, line, i + 1);
		}
		if (*w)
			r->weapons[r->n_weapons++] = em_arena_strdup(a, w);
	}
	json_decref(j);
	return 0;
}

int goods_components_load(goods_components *c, const char *path, const goods_tables *t, em_arena *arena)
{
	memset(c, 0, sizeof *c);
	char *data = NULL;
	size_t len = 0;
	int rc = em_file_read(path, &data, &len);
	if (rc) {
		em_error_prefix("the weapon components file (--components or $EMBARGO_COMPONENTS)");
		return rc;
	}
	em_sha256_hex(data, len, c->sha256);
	em_csv csv;
	em_csv_init(&csv, path, data, len, ',');
	int col[C_COUNT];
	size_t ncols = 0, cap = 0;
	rc = em_csv_next(&csv);
	if (rc <= 0) {
		rc = rc ? rc : em_fail(EM_EPARSE, "%s: empty file", path);
		goto done;
	}
	ncols = em_csv_count(&csv);
	for (int k = 0; k < C_COUNT; k++) {
		col[k] = -1;
		for (size_t i = 0; i < ncols; i++)
			if (!strcmp(em_csv_field(&csv, i), column_names[k]))
				col[k] = (int)i;
		if (col[k] < 0 && k != C_NOTES && k != C_VERIFIED && k != C_CATEGORY) {
			rc = em_fail(EM_EPARSE, "%s:1: field '%s': no such column in the header", path, column_names[k]);
			goto done;
		}
	}
	em_strmap seen = {0};
	while ((rc = em_csv_next(&csv)) == 1) {
		c->n_read++;
		if (em_csv_count(&csv) != ncols) {
			rc = em_fail(EM_EPARSE, "%s:%zu: expected %zu fields as in the header, found %zu", path, csv.line, ncols,
				     em_csv_count(&csv));
			goto done;
		}
		if (c->n_rows == cap) {
			cap = cap ? cap * 2 : 4096;
			goods_component_row *p = realloc(c->rows, cap * sizeof *p);
			if (!p) {
				rc = em_fail(EM_ENOMEM, "out of memory reading %s", path);
				goto done;
			}
			c->rows = p;
		}
		goods_component_row *r = &c->rows[c->n_rows];
		memset(r, 0, sizeof *r);
		const char *f[C_COUNT];
		for (int k = 0; k < C_COUNT; k++)
			f[k] = col[k] >= 0 ? em_csv_field(&csv, (size_t)col[k]) : "";
		for (int k = 0; k < C_COUNT; k++)
			if (!em_utf8_valid(f[k], strlen(f[k]))) {
				rc = em_fail(EM_EPARSE, "%s:%zu: field '%s': not valid UTF-8", path, csv.line, column_names[k]);
				goto done;
			}
		if (!*f[C_ID]) {
			rc = em_fail(EM_EPARSE, "%s:%zu: field 'component_id': empty", path, csv.line);
			goto done;
		}
		size_t dummy;
		if (em_strmap_get(&seen, f[C_ID], &dummy))
			continue; /* the published file repeats a few components row for row */
		r->id = em_arena_strdup(arena, f[C_ID]);
		if (!r->id || em_strmap_put(&seen, r->id, c->n_rows)) {
			rc = em_fail(EM_ENOMEM, "out of memory reading %s", path);
			goto done;
		}
		r->marking = unknown_text(f[C_MARKING]) ? NULL : em_arena_strdup(arena, f[C_MARKING]);
		r->manufacturer = unknown_text(f[C_MANUFACTURER]) ? NULL : em_arena_strdup(arena, f[C_MANUFACTURER]);
		char words[256];
		goods_mfr_words(&t->mfr, r->manufacturer, words, sizeof words);
		r->mfr_words = em_arena_strdup(arena, words);
		r->category = *f[C_CATEGORY] ? em_arena_strdup(arena, f[C_CATEGORY]) : NULL;
		r->url = *f[C_URL] ? em_arena_strdup(arena, f[C_URL]) : NULL;
		const char *wn = weapon_name(f[C_NOTES]);
		r->weapon_name = wn ? em_arena_strdup(arena, wn) : NULL;
		if ((rc = read_weapons(r, f[C_WEAPONS], path, csv.line, arena)) != 0)
			goto done;
		if (strlen(f[C_VERIFIED]) < sizeof c->last_verified && strcmp(f[C_VERIFIED], c->last_verified) > 0)
			memcpy(c->last_verified, f[C_VERIFIED], strlen(f[C_VERIFIED]) + 1);
		goods_part parts[GOODS_PART_CANDS];
		size_t np = r->marking ? goods_parts_extract(&t->partstop, r->marking, parts, GOODS_PART_CANDS) : 0;
		for (size_t i = 0; i < np; i++)
			if ((rc = goods_index_add(&c->index, &parts[i], (uint32_t)c->n_rows, arena)) != 0)
				goto done;
		c->named += r->marking != NULL;
		if (np) {
			r->part = em_arena_strndup(arena, parts[0].key, parts[0].len);
			c->with_part++;
		}
		c->n_rows++;
	}
	if (rc < 0)
		goto done;
	rc = goods_index_finish(&c->index);
done:
	em_strmap_free(&seen);
	em_csv_free(&csv);
	free(data);
	if (rc < 0)
		goods_components_free(c);
	return rc < 0 ? rc : 0;
}

void goods_components_free(goods_components *c)
{
	free(c->rows);
	goods_index_free(&c->index);
	c->rows = NULL;
	c->n_rows = c->with_part = 0;
}
