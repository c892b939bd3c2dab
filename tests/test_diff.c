/*
 * Unit tests of list diffs: entities added, removed and changed, the changed fields with their
 * old and new JSON values, and the JSON document em_diff_to_json() gives. Lists are built with
 * the model builder.
 */
#include "test.h"

#include <jansson.h>

#include "embargo/em_diff.h"
#include "model/model.h"

/* Adds an organization with one name, program SDGT and optional remarks. */
static em_entity *add_org(em_list *l, const char *id, const char *name, const char *remarks)
{
	em_entity *e = em_list_add(l);
	em_entity_set_id(l, e, id);
	e->type = EM_ENTITY_ORGANIZATION;
	em_entity_add_name(l, e, EM_NAME_PRIMARY, name, NULL, NULL, NULL);
	em_entity_add_string(l, e, EM_FIELD_PROGRAM, "SDGT");
	em_entity_set_remarks(l, e, remarks);
	return e;
}

/* old: 1, 2, 3, 4; new: 2 (remarks and a program changed), 3 (same), 4 (renamed, remarks
 * dropped, an id added), 5 (new). */
static void build_pair(em_list **old_out, em_list **new_out)
{
	em_list *o, *n;
	em_list_new(&o, "test", "built");
	em_list_new(&n, "test", "built");
	add_org(o, "1", "GONE LTD", NULL);
	add_org(o, "2", "STAYS LTD", "old remark");
	add_org(o, "3", "SAME LTD", "same");
	add_org(o, "4", "OLD NAME LTD", "to be dropped");

	em_entity *e = add_org(n, "2", "STAYS LTD", "new remark");
	em_entity_add_string(n, e, EM_FIELD_PROGRAM, "IRAN");
	add_org(n, "3", "SAME LTD", "same");
	e = add_org(n, "4", "NEW NAME LTD", NULL);
	em_entity_add_id(n, e, EM_ID_REGISTRATION, "Registration ID", "12345", "Iran", NULL);
	add_org(n, "5", "FRESH LTD", NULL);
	em_list_finish(o);
	em_list_finish(n);
	*old_out = o;
	*new_out = n;
}

static const em_field_change *field(const em_entity_change *c, const char *name)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (!strcmp(c->fields[i].field, name))
			return &c->fields[i];
	return NULL;
}

static void added_removed_changed(void)
{
	em_list *o, *n;
	build_pair(&o, &n);
	em_diff *d = NULL;
	CHECK_EQ_INT(em_list_diff(o, n, &d), 0);
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ_INT(d->n_added, 1);
	CHECK_EQ_INT(d->n_removed, 1);
	CHECK_EQ_INT(d->n_changed, 2);
	if (d->n_added == 1) {
		CHECK_EQ_STR(d->added[0].source_id, "5");
		CHECK_EQ_STR(d->added[0].name, "FRESH LTD");
	}
	if (d->n_removed == 1) {
		CHECK_EQ_STR(d->removed[0].source_id, "1");
		CHECK_EQ_STR(d->removed[0].name, "GONE LTD");
	}
	if (d->n_changed == 2) {
		const em_entity_change *c = &d->changed[0];
		CHECK_EQ_STR(c->source_id, "2");
		CHECK_EQ_INT(c->n_fields, 2);
		const em_field_change *f = field(c, "remarks");
		CHECK(f != NULL);
		if (f) {
			CHECK_EQ_STR(f->old_json, "\"old remark\"");
			CHECK_EQ_STR(f->new_json, "\"new remark\"");
		}
		f = field(c, "programs");
		CHECK(f && !strcmp(f->old_json, "[\"SDGT\"]") && !strcmp(f->new_json, "[\"SDGT\",\"IRAN\"]"));

		c = &d->changed[1];
		CHECK_EQ_STR(c->source_id, "4");
		CHECK_EQ_STR(c->name, "NEW NAME LTD"); /* the new name */
		CHECK_EQ_INT(c->n_fields, 3);
		CHECK(field(c, "names") != NULL);
		f = field(c, "ids");
		CHECK(f && f->old_json == NULL && strstr(f->new_json, "\"12345\""));
		f = field(c, "remarks");
		CHECK(f && !strcmp(f->old_json, "\"to be dropped\"") && f->new_json == NULL);
		/* the fields come in canonical key order, the gone ones last */
		CHECK(c->n_fields == 3 && !strcmp(c->fields[0].field, "names") &&
		      !strcmp(c->fields[1].field, "ids") && !strcmp(c->fields[2].field, "remarks"));
	}
	em_diff_free(d);

	/* reversed, the roles swap */
	CHECK_EQ_INT(em_list_diff(n, o, &d), 0);
	CHECK(d->n_added == 1 && !strcmp(d->added[0].source_id, "1"));
	CHECK(d->n_removed == 1 && !strcmp(d->removed[0].source_id, "5"));
	CHECK_EQ_INT(d->n_changed, 2);
	em_diff_free(d);
	em_list_free(o);
	em_list_free(n);
}

static void identical_lists(void)
{
	em_list *o, *n;
	build_pair(&o, &n);
	em_diff *d;
	CHECK_EQ_INT(em_list_diff(n, n, &d), 0);
	CHECK(d->n_added == 0 && d->n_removed == 0 && d->n_changed == 0);
	char *js = em_diff_to_json(d);
	CHECK_EQ_STR(js, "{\"summary\":{\"added\":0,\"removed\":0,\"changed\":0},\"added\":[],"
			 "\"removed\":[],\"changed\":[]}");
	free(js);
	em_diff_free(d);
	em_list *empty;
	em_list_new(&empty, "test", "built");
	CHECK_EQ_INT(em_list_diff(empty, n, &d), 0);
	CHECK(d->n_added == em_list_count(n) && d->n_removed == 0 && d->n_changed == 0);
	em_diff_free(d);
	em_list_free(empty);
	em_list_free(o);
	em_list_free(n);
}

static void json_document(void)
{
	em_list *o, *n;
	build_pair(&o, &n);
	em_diff *d;
	CHECK_EQ_INT(em_list_diff(o, n, &d), 0);
	char *text = em_diff_to_json(d);
	CHECK(text != NULL);
	json_error_t err;
	json_t *root = json_loads(text ? text : "", 0, &err);
	CHECK(json_is_object(root));
	json_t *summary = json_object_get(root, "summary");
	CHECK_EQ_INT(json_integer_value(json_object_get(summary, "added")), 1);
	CHECK_EQ_INT(json_integer_value(json_object_get(summary, "removed")), 1);
	CHECK_EQ_INT(json_integer_value(json_object_get(summary, "changed")), 2);
	json_t *added = json_array_get(json_object_get(root, "added"), 0);
	CHECK_EQ_STR(json_string_value(json_object_get(added, "id")), "5");
	CHECK_EQ_STR(json_string_value(json_object_get(added, "name")), "FRESH LTD");
	CHECK(json_object_get(added, "fields") == NULL);
	json_t *ch = json_array_get(json_object_get(root, "changed"), 1);
	CHECK_EQ_STR(json_string_value(json_object_get(ch, "id")), "4");
	json_t *fields = json_object_get(ch, "fields");
	CHECK_EQ_INT(json_array_size(fields), 3);
	json_t *ids = json_array_get(fields, 1);
	CHECK_EQ_STR(json_string_value(json_object_get(ids, "field")), "ids");
	CHECK(json_is_null(json_object_get(ids, "old")));
	json_t *newv = json_object_get(ids, "new");
	CHECK(json_is_array(newv)); /* a JSON value, not a string holding JSON */
	CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(newv, 0), "value")), "12345");
	json_t *rem = json_array_get(fields, 2);
	CHECK_EQ_STR(json_string_value(json_object_get(rem, "old")), "to be dropped");
	CHECK(json_is_null(json_object_get(rem, "new")));
	json_decref(root);
	free(text);
	em_diff_free(d);
	em_list_free(o);
	em_list_free(n);
}

static void repeated_id_is_an_error(void)
{
	em_list *o, *n;
	build_pair(&o, &n);
	add_org(n, "3", "SECOND THREE", NULL); /* not finished: the diff must notice by itself */
	em_diff *d = (em_diff *)&d;
	CHECK_EQ_INT(em_list_diff(o, n, &d), EM_EINVAL);
	CHECK(d == NULL);
	CHECK(strstr(em_error_last()->message, "'3' appears twice") != NULL);
	em_list_free(o);
	em_list_free(n);
}

int main(void)
{
	RUN(added_removed_changed);
	RUN(identical_lists);
	RUN(json_document);
	RUN(repeated_id_is_an_error);
	return TEST_REPORT();
}
