/*
 * fuzz_screen.c: screening on arbitrary query names, against a small list built in memory
 * (persons with middle names and family names, companies with legal forms and parentheses,
 * vessels, names in Arabic and Cyrillic script). The first byte picks the optional fields and
 * the threshold; the rest is the name. Nothing may crash, and the score bound may lose nothing:
 * em_screen must return exactly what aligning every candidate in full returns, or this aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "embargo/em_screen.h"
#include "match/index.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static em_list *list;
static em_screener *screener;

static void add(const char *id, em_entity_type type, const char *name, const char *family, const char *alias)
{
	em_entity *e = em_list_add(list);
	if (!e || em_entity_set_id(list, e, id))
		abort();
	e->type = type;
	if (em_entity_add_name(list, e, EM_NAME_PRIMARY, name, NULL, family, NULL))
		abort();
	if (alias && em_entity_add_name(list, e, EM_NAME_AKA_STRONG, alias, NULL, NULL, NULL))
		abort();
	if (type == EM_ENTITY_PERSON && em_entity_add_birth_date(list, e, "12 Mar 1965"))
		abort();
	if (type == EM_ENTITY_VESSEL && em_entity_add_id(list, e, EM_ID_IMO, "IMO", "9187629", NULL, NULL))
		abort();
}

static void build(void)
{
	if (em_list_new(&list, "fuzz", "built"))
		abort();
	add("1", EM_ENTITY_PERSON, "KARIMI, Reza Ahmad", "KARIMI", "رضا کریمی");
	add("2", EM_ENTITY_PERSON, "SADDAM HUSSEIN AL-TIKRITI", NULL, "صدام حسين التكريتي");
	add("3", EM_ENTITY_PERSON, "AKSAKOV, Anatoly Gennadyevich", "AKSAKOV", "Аксаков Анатолий Геннадьевич");
	add("4", EM_ENTITY_ORGANIZATION, "SOLLERS-FINANCE LIMITED LIABILITY COMPANY", NULL, "OOO SOLFIN");
	add("5", EM_ENTITY_VESSEL, "DESTINY", NULL, NULL);
	add("6", EM_ENTITY_PERSON, "CARO URIAS, Omar", "CARO URIAS", NULL);
	add("7", EM_ENTITY_PERSON, "ABDULLAH AHMED ABDULLAH EL ALFI", NULL, "NAJIBULLAH");
	add("8", EM_ENTITY_ORGANIZATION, "MUHAMMAD JAMAL NETWORK (MJN)", NULL, "شبكة محمد جمال");
	add("9", EM_ENTITY_PERSON, "HASSANZADEH, Hassan", "HASSANZADEH", "SHAMSUDDIN");
	add("10", EM_ENTITY_ORGANIZATION, "WINGS PRIVATE JSC", NULL, "MATIULLAH TRADING CO LTD");
	add("11", EM_ENTITY_PERSON, "ABU-MUS'AB, Ahmad Fadil Nazal", NULL, "AL-ZARQAWI");
	add("12", EM_ENTITY_PERSON, "PAO, Wen Li", "PAO", "王小明");
	if (em_list_finish(list))
		abort();
	const em_list *l = list;
	if (em_screener_new(&screener, &l, 1))
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!screener)
		build();
	if (size < 1 || size > 1024)
		return 0;
	unsigned flags = data[0];
	char name[1025];
	memcpy(name, data + 1, size - 1);
	name[size - 1] = '\0';
	em_query q = {name, (em_entity_type)(flags % 5), NULL, NULL, NULL, 0};
	if (flags & 0x10)
		q.dob = "1966";
	if (flags & 0x20)
		q.country = "Iran";
	const char *ids[1] = {"IMO 9187629"};
	if (flags & 0x40) {
		q.ids = ids;
		q.n_ids = 1;
	}
	em_screen_params p = EM_SCREEN_PARAMS_INIT;
	p.threshold = flags & 0x80 ? 0.5 : 0.0;
	p.limit = 20;
	em_result *fast = NULL, *full = NULL;
	int a = em_screen_internal(screener, &q, &p, false, &fast), b = em_screen_internal(screener, &q, &p, true, &full);
	if (a != b)
		abort();
	if (!a) {
		if (fast->n_matches != full->n_matches)
			abort();
		for (size_t i = 0; i < full->n_matches; i++)
			if (fast->matches[i].entity != full->matches[i].entity || fast->matches[i].score != full->matches[i].score)
				abort();
		for (size_t i = 0; i < fast->n_matches; i++) {
			char *js = em_match_json(&fast->matches[i]);
			if (!js)
				abort();
			free(js);
		}
	}
	em_result_free(fast);
	em_result_free(full);
	return 0;
}
