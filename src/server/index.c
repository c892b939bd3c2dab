/*
 * index.c: the served index and its holder. A served_index is one generation of lists with
 * the screener built over them, immutable once built. Requests take a reference for as long
 * as they use it (screening, rendering, recording the audit trail); a reload builds the next
 * generation aside and swaps the holder's pointer, and the old generation is freed when its
 * last request lets go. No request ever waits for a reload or fails because of one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

void holder_init(index_holder *h)
{
	pthread_mutex_init(&h->mu, NULL);
	h->current = NULL;
}

served_index *index_acquire(index_holder *h)
{
	pthread_mutex_lock(&h->mu);
	served_index *ix = h->current;
	if (ix)
		atomic_fetch_add(&ix->refs, 1);
	pthread_mutex_unlock(&h->mu);
	return ix;
}

static void index_free(served_index *ix)
{
	em_goods_free(ix->goods); /* borrows the screener and the lists: first */
	free(ix->goods_tables_json);
	em_screener_free(ix->screener);
	em_active_lists_free(&ix->lists);
	free(ix->refs_arr);
	free(ix->lists_json);
	free(ix->versions_json);
	free(ix);
}

void index_release(served_index *ix)
{
	if (ix && atomic_fetch_sub(&ix->refs, 1) == 1)
		index_free(ix);
}

void holder_swap(index_holder *h, served_index *ix)
{
	pthread_mutex_lock(&h->mu);
	served_index *old = h->current;
	h->current = ix;
	pthread_mutex_unlock(&h->mu);
	index_release(old);
}

void holder_destroy(index_holder *h)
{
	holder_swap(h, NULL);
	pthread_mutex_destroy(&h->mu);
}

/* The JSON texts a generation answers with, made once. */
static int describe(served_index *ix)
{
	const em_version_set *vs = &ix->lists.versions;
	sbuf refs = {0}, full = {0};
	sb_puts(&refs, "[");
	sb_puts(&full, "[");
	for (size_t i = 0; i < vs->count; i++) {
		const em_version_info *v = &vs->items[i];
		ix->refs_arr[i] = (em_list_ref){v->source, v->id, v->sha256};
		ix->entities += v->entity_count;
		sb_puts(&refs, i ? ",{\"source\":" : "{\"source\":");
		sb_json_str(&refs, v->source);
		sb_id_field(&refs, "version_id", v->id);
		sb_field(&refs, "sha256", v->sha256);
		sb_puts(&refs, "}");

		sb_puts(&full, i ? ",{\"source\":" : "{\"source\":");
		sb_json_str(&full, v->source);
		sb_id_field(&full, "version_id", v->id);
		sb_field(&full, "format", v->format);
		sb_field(&full, "sha256", v->sha256);
		sb_field(&full, "path", v->path);
		sb_field(&full, "retrieved_at", v->retrieved_at && *v->retrieved_at ? v->retrieved_at : NULL);
		sb_field(&full, "imported_at", v->imported_at && *v->imported_at ? v->imported_at : NULL);
		sb_field(&full, "published", v->published);
		sb_printf(&full, ",\"entity_count\":%zu}", v->entity_count);
	}
	sb_puts(&refs, "]");
	sb_puts(&full, "]");
	ix->lists_json = sb_take(&refs, NULL);
	ix->versions_json = sb_take(&full, NULL);
	return ix->lists_json && ix->versions_json ? 0 : -1;
}

int index_build(served_index **out, const em_server_config *cfg, uint64_t generation)
{
	*out = NULL;
	served_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return EM_ENOMEM;
	atomic_init(&ix->refs, 1);
	ix->generation = generation;
	int rc;
	if (cfg->n_lists) {
		rc = em_active_lists_read(&ix->lists, (const char *const *)cfg->lists, cfg->n_lists);
	} else {
		em_store *st = NULL;
		rc = em_store_open(&st, cfg->store);
		if (!rc)
			rc = em_store_load_active(st, &ix->lists);
		em_store_free(st);
	}
	if (rc) {
		free(ix);
		return rc;
	}
	size_t n = ix->lists.versions.count;
	if (!(ix->refs_arr = calloc(n ? n : 1, sizeof *ix->refs_arr)) || describe(ix)) {
		index_free(ix);
		return EM_ENOMEM;
	}
	if ((rc = em_screener_new(&ix->screener, (const em_list *const *)ix->lists.lists, n))) {
		index_free(ix);
		return rc;
	}
	/*
	 * Goods screening over the same lists and screener. The components file may be missing on a
	 * server that only screens parties: then /v1/goods/screen says why instead of failing the load.
	 */
	em_goods_options gopts = EM_GOODS_OPTIONS_INIT;
	gopts.lists = (const em_list *const *)ix->lists.lists;
	gopts.n_lists = n;
	gopts.screener = ix->screener;
	if (em_goods_new(&ix->goods, &gopts) != 0) {
		snprintf(ix->goods_error, sizeof ix->goods_error, "%s", em_error_last()->message);
		ix->goods = NULL;
	} else if (!(ix->goods_tables_json = em_goods_tables_json(ix->goods))) {
		index_free(ix);
		return EM_ENOMEM;
	}
	/* Screen a name in a few scripts now, so that the transliteration set-up they need (tens
	 * of milliseconds, once a process) is not paid by the first requests. */
	static const char *const warm[] = {"Ivan Petrov", "Иван Петров", "محمد علي", "김정은", "王小明",
					   "Ελένη Παππά", "יוסף כהן"};
	for (size_t i = 0; i < sizeof warm / sizeof warm[0]; i++) {
		em_query q = {warm[i], EM_ENTITY_UNKNOWN, NULL, NULL, NULL, 0};
		em_result *res = NULL;
		if (em_screen(ix->screener, &q, NULL, &res) == 0)
			em_result_free(res);
	}
	ix->loaded_unix = now_unix();
	time_t t = (time_t)ix->loaded_unix;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(ix->loaded_at, sizeof ix->loaded_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	*out = ix;
	return 0;
}
