/* Tests of goods screening: HS codes, countries, part numbers (extraction, comparison, the GUR
 * components), the order reader (CSV and JSON lines, bad lines), every flag and risk rule,
 * party screening, tables read from a folder, and screening from several threads. */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "embargo/embargo.h"
#include "goods/goods.h"

static em_goods *G;          /* tables, components and the fixture party list */
static em_list *parties;
static goods_tables T;       /* the built-in tables, for the internal functions */
static em_arena T_arena;

static const char *components_path(void)
{
	return shared_path("goods/weapon-components-gur.csv");
}

/* ---- HS codes and countries ------------------------------------------------------------- */

static void hs_codes(void)
{
	char hs6[7];
	CHECK(goods_hs_normalize("8542.31.0000", hs6) == 0 && !strcmp(hs6, "854231"));
	CHECK(goods_hs_normalize("854231", hs6) == 0 && !strcmp(hs6, "854231"));
	CHECK(goods_hs_normalize("8542 31 00", hs6) == 0 && !strcmp(hs6, "854231"));
	CHECK(goods_hs_normalize("8542.3100.00", hs6) == 0);
	CHECK(goods_hs_normalize("8542.3", hs6) != 0);       /* five digits */
	CHECK(goods_hs_normalize("8542311", hs6) != 0);      /* seven */
	CHECK(goods_hs_normalize("85A231", hs6) != 0);
	CHECK(goods_hs_normalize("8542-31", hs6) != 0);
	CHECK(goods_hs_normalize("", hs6) != 0);
	em_goods_stats st;
	em_goods_get_stats(G, &st);
	CHECK_EQ_INT(st.hs_codes, 63); /* 50 CHPL codes and 13 Iran UAV ones */
}

/* chpl.tsv holds the shared CHPL file row for row: same codes, same tiers. */
static void chpl_table_matches_source(void)
{
	char *csv = NULL;
	size_t len;
	CHECK(em_file_read(shared_path("goods/chpl-2024-02-23.csv"), &csv, &len) == 0);
	if (!csv)
		return;
	const goods_tables *t = &T;
	size_t rows = 0, chpl = 0;
	char *save = NULL;
	for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "hs6", 3))
			continue;
		rows++;
		char hs6[7] = {0}, tier[8] = {0};
		memcpy(hs6, line, 6);
		const char *c = strchr(line, ',');
		if (c)
			snprintf(tier, sizeof tier, "%.*s", (int)strcspn(c + 1, ","), c + 1);
		const goods_hs_row *r[4];
		size_t n = goods_hs_find(t, hs6, r, 4);
		bool found = false;
		for (size_t i = 0; i < n; i++)
			found |= !strcmp(r[i]->list, "chpl") && !strcmp(r[i]->tier, tier);
		if (!found)
			fprintf(stderr, "chpl.tsv lacks %s tier %s\n", hs6, tier);
		CHECK(found);
	}
	for (size_t i = 0; i < t->n_hs; i++)
		chpl += !strcmp(t->hs[i].list, "chpl");
	CHECK_EQ_INT(rows, 50);
	CHECK_EQ_INT(chpl, 50);
	free(csv);
}

static const char *country(const char *text)
{
	static char code[8];
	const goods_country *c = goods_country_find(&T, text);
	snprintf(code, sizeof code, "%s", c ? c->code : "-");
	return code;
}

static void countries(void)
{
	CHECK_EQ_STR(country("RU"), "RU");
	CHECK_EQ_STR(country("rus"), "RU");
	CHECK_EQ_STR(country("Russia"), "RU");
	CHECK_EQ_STR(country("Russian Federation"), "RU");
	CHECK_EQ_STR(country("Россия"), "RU");
	CHECK_EQ_STR(country("Russland"), "RU");
	CHECK_EQ_STR(country("Беларусь"), "BY");
	CHECK_EQ_STR(country("Iran, Islamic Republic of"), "IR");
	CHECK_EQ_STR(country("DPRK"), "KP");
	CHECK_EQ_STR(country("North Korea"), "KP");
	CHECK_EQ_STR(country("South Korea"), "KR");
	CHECK_EQ_STR(country("Korea"), "-"); /* which one? the line must say */
	CHECK_EQ_STR(country("U.A.E."), "AE");
	CHECK_EQ_STR(country("Türkiye"), "TR");
	CHECK_EQ_STR(country("Turkey"), "TR");
	CHECK_EQ_STR(country("中国"), "CN");
	CHECK_EQ_STR(country("Hong Kong SAR"), "HK");
	CHECK_EQ_STR(country("the Netherlands"), "NL");
	CHECK_EQ_STR(country("Kyrgyz Republic"), "KG");
	CHECK_EQ_STR(country("Crimea"), "UA-43");
	CHECK_EQ_STR(country("Sevastopol"), "UA-40");
	CHECK_EQ_STR(country("ДНР"), "UA-14");
	CHECK_EQ_STR(country("Luhansk People's Republic"), "UA-09");
	CHECK_EQ_STR(country("UA-43"), "UA-43");
	CHECK_EQ_STR(country("Ukraine"), "UA");
	CHECK_EQ_STR(country("Narnia"), "-");
	CHECK_EQ_STR(country(""), "-");
	CHECK_EQ_STR(country("--"), "-");
	em_goods_stats st;
	em_goods_get_stats(G, &st);
	CHECK(st.country_names > 2000);
	CHECK_EQ_INT(T.country_ambiguous, 0); /* no name in the table stands for two countries */
}

/* ---- part numbers ------------------------------------------------------------------------- */

static bool extracted(const char *text, const char *key)
{
	goods_part p[GOODS_PART_CANDS];
	size_t n = goods_parts_extract(&T.partstop, text, p, GOODS_PART_CANDS);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].key, key))
			return true;
	return false;
}

static size_t n_extracted(const char *text)
{
	goods_part p[GOODS_PART_CANDS];
	return goods_parts_extract(&T.partstop, text, p, GOODS_PART_CANDS);
}

static void part_extraction(void)
{
	CHECK(extracted("Microcontroller with built-in flash memory STM32F405RGT6", "STM32F405RGT6"));
	CHECK(extracted("DSP TMS320 F28335PGFA G4A-2AACOTW G4", "TMS320F28335PGFA"));
	CHECK(extracted("DSP TMS320 F28335PGFA G4A-2AACOTW G4", "F28335PGFA"));
	CHECK(!extracted("DSP TMS320 F28335PGFA G4A-2AACOTW G4", "TMS320")); /* a family, not a part */
	CHECK(extracted("Microcircuit TMS 320VC5416", "TMS320VC5416"));
	CHECK(extracted("High-speed RS232 receiver ADM 3222  ARUZ", "ADM3222ARUZ"));
	CHECK(extracted("12-bit ADC with differential input AD7450  BR  0205", "AD7450BR"));
	CHECK(extracted("12-bit ADC with differential input AD7450  BR  0205", "AD7450"));
	CHECK(extracted("Microcontroller ATMEGA 328", "ATMEGA328"));
	CHECK(extracted("GNSS module NEO-M8N-0-10", "NEOM8N010"));
	CHECK(extracted("Transistor IRF4905S/L", "IRF4905S"));
	CHECK(extracted("Transistor IRF4905S/L", "IRF4905SL"));
	CHECK(extracted("Low-voltage silicon RF power amplifier (RA) МАХ2235", "MAX2235")); /* Cyrillic М, А, Х */
	CHECK(extracted("Микросхема МАХ3221ЕАЕ", "MAX3221EAE"));
	CHECK(extracted("ＳＴＭ３２Ｆ４０５ＲＧＴ６", "STM32F405RGT6")); /* full-width */
	CHECK(extracted("Starter relay Bosch 1337210812", "1337210812")); /* a long number alone */
	/* not part numbers: packages, interfaces, quantities, dates, words */
	CHECK_EQ_INT(n_extracted("USB 2.0 cable, RS-232/V.28 adapter, 3.3V, 2.4GHz, 100 MHz, 16-bit, LQFP64, TQFP-44"), 0);
	CHECK_EQ_INT(n_extracted("Delivered 12/2021, lot 2126, 500mA, 10uF, IP67, DDR3"), 0);
	CHECK_EQ_INT(n_extracted("Plush toy bear, 30 cm, polyester"), 0);
	CHECK_EQ_INT(n_extracted("RELAY 24V 10A"), 0);
	CHECK_EQ_INT(n_extracted(""), 0);
	CHECK_EQ_INT(n_extracted("\xff\xfe STM32F405"), 0); /* not UTF-8: nothing read */
}

static goods_match_kind cmp(const char *q, const char *k)
{
	goods_part a, b;
	if (!goods_part_whole(NULL, q, &a) || !goods_part_whole(NULL, k, &b))
		return (goods_match_kind)-1;
	return goods_part_compare(&a, &b);
}

static void part_comparison(void)
{
	CHECK(cmp("STM32F405RGT6", "STM32F405RGT6") == GOODS_PART_EXACT);
	CHECK(cmp("stm32f405rgt6", "STM32F405RGT6") == GOODS_PART_EXACT);
	CHECK(cmp("STM32F405RGT6", "STM32F405RG") == GOODS_PART_SUFFIX);     /* package and temperature */
	CHECK(cmp("STM32F405RG", "STM32F405RGT6") == GOODS_PART_SUFFIX);
	CHECK(cmp("TMS320F28335PGFA", "TMS320F28335") == GOODS_PART_SUFFIX); /* package */
	CHECK(cmp("NEO-M8N-0", "NEO-M8N") == GOODS_PART_SUFFIX);            /* after a hyphen */
	CHECK(cmp("NEOM8N0", "NEO-M8N") == GOODS_PART_SUFFIX);
	CHECK(cmp("IDT71016S12YG", "IDT71016") == GOODS_PART_SUFFIX);        /* speed grade after a named device */
	CHECK(cmp("STM32F405VGT6", "STM32F405RGT6") == GOODS_PART_VARIANT);  /* pin count */
	CHECK(cmp("5CEFA7F23C8N", "5CEFA7F23I7N") == GOODS_PART_VARIANT);    /* speed and temperature */
	CHECK(cmp("MAX2035", "MAX203") == GOODS_PART_NONE);                  /* a number cut in two */
	CHECK(cmp("STM32F407VGT6", "STM32F405RGT6") == GOODS_PART_NONE);
	CHECK(cmp("STM32F405", "STM32") == GOODS_PART_NONE);                 /* a family is not the part */
	CHECK(cmp("STM32F405RGT6", "STM32F") == GOODS_PART_NONE);
	CHECK(cmp("TMS320C6713", "TMS320") == GOODS_PART_NONE);
	CHECK(cmp("TMS320F28334", "TMS320F28335") == GOODS_PART_NONE);
	CHECK(cmp("ATMEGA88PA", "ATMEGA8A") == GOODS_PART_NONE);
	CHECK(cmp("74HC04", "74HCT04") == GOODS_PART_NONE);
	CHECK(cmp("XC7A100T", "XC7A35T") == GOODS_PART_NONE);
	CHECK(cmp("ESP32-WROOM-32", "ESP32-WROVER-E") == GOODS_PART_NONE); /* a word after a hyphen is not cut */
}

/* ---- screening one line ------------------------------------------------------------------ */

static em_goods_line line(const char *id, const char *hs, const char *dest)
{
	em_goods_line l;
	memset(&l, 0, sizeof l);
	l.line_id = id;
	l.hs_code = hs;
	l.destination_country = dest;
	l.consignee = l.end_user = "Harmless Optics GmbH";
	l.end_use = "eyeglass lenses for opticians";
	l.quantity = l.unit_value = -1;
	return l;
}

static em_goods_result *screen(const em_goods_line *l)
{
	em_goods_result *r = NULL;
	if (em_goods_screen(G, l, &r) != 0) {
		fprintf(stderr, "screen %s: %s\n", l->line_id, em_error_last()->message);
		return NULL;
	}
	return r;
}

static const em_goods_flag *flag(const em_goods_result *r, const char *code)
{
	for (size_t i = 0; r && i < r->n_flags; i++)
		if (!strcmp(r->flags[i].code, code))
			return &r->flags[i];
	return NULL;
}

/* Screens a line and checks its risk level and that it has the flag (when given). */
static void expect(const em_goods_line *l, em_goods_risk risk, const char *code)
{
	em_goods_result *r = screen(l);
	CHECK(r != NULL);
	if (!r)
		return;
	if (r->risk != risk)
		fprintf(stderr, "line %s: risk %s (%s), wanted %s\n", l->line_id, em_goods_risk_name(r->risk), r->risk_rule,
			em_goods_risk_name(risk));
	CHECK(r->risk == risk);
	if (code) {
		const em_goods_flag *f = flag(r, code);
		if (!f)
			fprintf(stderr, "line %s: no %s flag\n", l->line_id, code);
		CHECK(f != NULL);
		if (f) {
			CHECK(f->reason && *f->reason);
			CHECK(f->source.name && *f->source.name);
			CHECK(f->field && *f->field);
		}
	}
	em_goods_result_free(r);
}

static void harmless(void)
{
	em_goods_line l = line("toy", "9503.00.0000", "France");
	l.description = "Plush toy bear, 30 cm";
	em_goods_result *r = screen(&l);
	CHECK(r && r->risk == EM_GOODS_RISK_NONE && r->n_flags == 0);
	CHECK(r && !strcmp(r->destination, "FR") && !strcmp(r->hs6, "950300"));
	CHECK(r && r->n_versions >= 5);
	em_goods_result_free(r);
	/* no HS code at all */
	em_goods_line n = line("lens", NULL, "DE");
	expect(&n, EM_GOODS_RISK_NONE, NULL);
}

static void hs_flags(void)
{
	em_goods_line l = line("t1", "8542.31", "Germany");
	expect(&l, EM_GOODS_RISK_MEDIUM, "HS_CHPL_TIER1");
	expect(&l, EM_GOODS_RISK_MEDIUM, "HS_IRAN_UAV");
	l = line("t2", "852691", "Norway");
	expect(&l, EM_GOODS_RISK_MEDIUM, "HS_CHPL_TIER2");
	l = line("t3", "8482.10", "Spain");
	expect(&l, EM_GOODS_RISK_LOW, "HS_CHPL_TIER3");
	l = line("t4", "8457.10.10", "Japan");
	expect(&l, EM_GOODS_RISK_LOW, "HS_CHPL_TIER4");
	l = line("uav", "8407.10", "Canada");
	expect(&l, EM_GOODS_RISK_LOW, "HS_IRAN_UAV");
	em_goods_result *r = screen(&l);
	CHECK(r && !flag(r, "HS_CHPL_TIER1") && r->n_flags == 1);
	CHECK(r && !strcmp(r->flags[0].value, "8407.10"));
	CHECK(r && r->flags[0].source.date && !strcmp(r->flags[0].source.date, "2023-06-09"));
	em_goods_result_free(r);
}

static void part_flags(void)
{
	em_goods_line l = line("pn", NULL, "Netherlands");
	l.part_number = "STM32F405RGT6TR";
	l.manufacturer = "STMicroelectronics";
	expect(&l, EM_GOODS_RISK_MEDIUM, "PART_IN_WEAPON");
	em_goods_result *r = screen(&l);
	const em_goods_flag *f = flag(r, "PART_IN_WEAPON");
	CHECK(f && f->n_components >= 7 && f->components_total == f->n_components);
	CHECK(f && f->n_weapons >= 3);
	bool shahed = false;
	for (size_t i = 0; f && i < f->n_weapons; i++)
		shahed |= strstr(f->weapons[i], "shahed") != NULL;
	CHECK(shahed);
	CHECK(f && f->components[0].source_url && !strncmp(f->components[0].source_url, "https://war-sanctions.gur.gov.ua/", 33));
	CHECK(f && !strcmp(f->components[0].match, "suffix"));
	CHECK(f && f->components[0].manufacturer_agrees == 1);
	char *json = r ? em_goods_result_json(r) : NULL;
	CHECK(json && strstr(json, "\"code\":\"PART_IN_WEAPON\"") && strstr(json, "\"components\":["));
	free(json);
	em_goods_result_free(r);

	/* in the description, with no HS code and no part_number */
	l = line("desc", NULL, "Italy");
	l.description = "DSP TMS320 F28335PGFA for motor drives";
	r = screen(&l);
	f = flag(r, "PART_IN_WEAPON");
	CHECK(f && !strcmp(f->field, "description") && !strcmp(f->value, "TMS320F28335PGFA"));
	CHECK(f && !strcmp(f->components[0].match, "exact"));
	CHECK(r && r->n_flags == 1); /* the family TMS320 alone reports nothing more */
	em_goods_result_free(r);

	/* a near number of another maker is another part; the same number is a second source */
	l = line("mfr", NULL, "DE");
	l.part_number = "MAX3221CAE";
	l.manufacturer = "Texas Instruments";
	r = screen(&l);
	f = flag(r, "PART_IN_WEAPON");
	CHECK(f != NULL);
	for (size_t i = 0; f && i < f->n_components; i++)
		CHECK(f->components[i].manufacturer_agrees != 0 || !strcmp(f->components[i].match, "exact"));
	em_goods_result_free(r);

	/* near misses report nothing */
	const char *misses[] = {"TMS320F28334", "MAX2035", "ATMEGA88PA-AU", "74HC04D", "XC7A100T-1FGG484C"};
	for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
		l = line(misses[i], NULL, "DE");
		l.part_number = misses[i];
		expect(&l, EM_GOODS_RISK_NONE, NULL);
	}
}

static void destination_flags(void)
{
	em_goods_line l = line("ru", "9503.00", "Россия");
	expect(&l, EM_GOODS_RISK_HIGH, "DEST_EMBARGOED");
	l = line("ru-chips", "8542.31", "RU");
	expect(&l, EM_GOODS_RISK_PROHIBITED, "DEST_EMBARGOED");
	l = line("kp", "8482.10", "DPRK");
	expect(&l, EM_GOODS_RISK_PROHIBITED, "DEST_EMBARGOED");
	l = line("crimea", "9503.00", "Crimea");
	expect(&l, EM_GOODS_RISK_HIGH, "DEST_OCCUPIED");
	l = line("dnr", "8457.10", "Donetsk People's Republic");
	expect(&l, EM_GOODS_RISK_PROHIBITED, "DEST_OCCUPIED");
	l = line("kz", "8542.31", "Kazakhstan");
	expect(&l, EM_GOODS_RISK_HIGH, "DEST_TRANSSHIPMENT");
	l = line("kz-toys", "9503.00", "KAZ");
	expect(&l, EM_GOODS_RISK_LOW, "DEST_TRANSSHIPMENT");
	em_goods_result *r = screen(&l);
	const em_goods_flag *f = flag(r, "DEST_TRANSSHIPMENT");
	CHECK(f && strstr(f->reason, "FIN-2022-Alert003") && f->source.date && !strcmp(f->source.date, "2022-06-28"));
	em_goods_result_free(r);
	l = line("hk", "8482.10", "Hong Kong");
	r = screen(&l);
	f = flag(r, "DEST_TRANSSHIPMENT");
	CHECK(f && strstr(f->source.name, "Tri-Seal"));
	CHECK(r && r->risk == EM_GOODS_RISK_MEDIUM); /* R10: tier 3 goods to a transshipment country */
	em_goods_result_free(r);
}

static void route_and_payer(void)
{
	const char *via[] = {"United Arab Emirates", "Kyrgyzstan"};
	em_goods_line l = line("route", "8532.24", "Germany");
	l.intermediate_countries = via;
	l.n_intermediate = 2;
	expect(&l, EM_GOODS_RISK_HIGH, "ROUTE_TRANSSHIPMENT");
	em_goods_result *r = screen(&l);
	size_t n = 0;
	for (size_t i = 0; r && i < r->n_flags; i++)
		n += !strcmp(r->flags[i].code, "ROUTE_TRANSSHIPMENT");
	CHECK_EQ_INT(n, 2);
	em_goods_result_free(r);
	const char *via_ru[] = {"Russia", "Kazakhstan"};
	l = line("route-ru", "8471.50", "Kazakhstan");
	l.intermediate_countries = via_ru;
	l.n_intermediate = 2; /* Kazakhstan twice (destination and route) is one flag */
	expect(&l, EM_GOODS_RISK_HIGH, "ROUTE_EMBARGOED");
	r = screen(&l);
	CHECK(r && !flag(r, "ROUTE_TRANSSHIPMENT"));
	em_goods_result_free(r);
	l = line("payer", "9503.00", "France");
	l.payer_country = "Switzerland";
	expect(&l, EM_GOODS_RISK_LOW, "PAYER_COUNTRY");
	l.payer_country = "FR";
	expect(&l, EM_GOODS_RISK_NONE, NULL);
	l = line("payer-ru", "8532.21", "Turkey");
	l.payer_country = "Russia";
	expect(&l, EM_GOODS_RISK_HIGH, "PAYER_EMBARGOED");
	l = line("payer-ru-toys", "9503.00", "France");
	l.payer_country = "Russia";
	expect(&l, EM_GOODS_RISK_MEDIUM, "PAYER_EMBARGOED");
}

static void red_flags(void)
{
	em_goods_line l = line("fw", "9503.00", "France");
	l.consignee = "Global Freight Forwarding Ltd";
	expect(&l, EM_GOODS_RISK_LOW, "FORWARDER_CONSIGNEE");
	l.consignee = "ООО Экспедитор Плюс"; /* Russian: forwarder */
	expect(&l, EM_GOODS_RISK_LOW, "FORWARDER_CONSIGNEE");
	l.consignee = "深圳市顺达物流有限公司"; /* Chinese: logistics */
	expect(&l, EM_GOODS_RISK_LOW, "FORWARDER_CONSIGNEE");
	l.consignee = "Harmless Optics GmbH";
	l.end_user = "Speedy Logistics LLC";
	expect(&l, EM_GOODS_RISK_LOW, "FORWARDER_END_USER");
	l.end_user = NULL;
	expect(&l, EM_GOODS_RISK_LOW, "NO_END_USER");
	l.end_user = "  TBD ";
	expect(&l, EM_GOODS_RISK_LOW, "NO_END_USER");
	l.end_user = "Harmless Optics GmbH";
	l.end_use = "";
	expect(&l, EM_GOODS_RISK_LOW, "NO_END_USE");
	l.end_use = "For resale";
	expect(&l, EM_GOODS_RISK_LOW, "NO_END_USE");
	l.end_use = "resale of eyeglass lenses to opticians in Lyon"; /* says what for */
	expect(&l, EM_GOODS_RISK_NONE, NULL);
	/* two red flags: medium; with goods of concern: more */
	l = line("two", "9503.00", "France");
	l.end_user = "n/a";
	l.end_use = "n/a";
	expect(&l, EM_GOODS_RISK_MEDIUM, "NO_END_USE");
	l.hs_code = "8482.10";
	expect(&l, EM_GOODS_RISK_HIGH, "NO_END_USER");
	l.hs_code = "8542.39";
	l.end_use = "radar signal processing";
	l.destination_country = "Armenia";
	expect(&l, EM_GOODS_RISK_HIGH, "NO_END_USER");
}

static void parties_flags(void)
{
	em_goods_line l = line("party", "9503.00", "United Arab Emirates");
	l.consignee = l.end_user = "Polar Star Trading FZE";
	expect(&l, EM_GOODS_RISK_HIGH, "PARTY_LISTED");
	em_goods_result *r = screen(&l);
	const em_goods_flag *f = flag(r, "PARTY_LISTED");
	CHECK(f && f->entity && !strcmp(f->entity->source_id, "gt-org-1") && f->score >= EM_SCREEN_DEFAULT_THRESHOLD);
	CHECK(f && !strcmp(f->field, "consignee"));
	char *json = r ? em_goods_result_json(r) : NULL;
	CHECK(json && strstr(json, "\"party\":{") && strstr(json, "gt-org-1"));
	free(json);
	em_goods_result_free(r);
	l = line("party-ru", "9503.00", "RU");
	l.end_user = "АО Калибр Радиоэлектроника";
	expect(&l, EM_GOODS_RISK_PROHIBITED, "PARTY_LISTED");
	l = line("no-party", "9503.00", "DE");
	l.consignee = l.end_user = "Harmless Optics GmbH";
	expect(&l, EM_GOODS_RISK_NONE, NULL);
}

static void bad_lines(void)
{
	struct {
		em_goods_line l;
		const char *field;
	} cases[6];
	cases[0].l = line("hs", "85423", "DE");
	cases[0].field = "field 'hs_code'";
	cases[1].l = line("dest", "9503.00", "Narnia");
	cases[1].field = "field 'destination_country'";
	cases[2].l = line("nodest", "9503.00", NULL);
	cases[2].field = "field 'destination_country'";
	cases[3].l = line(NULL, "9503.00", "DE");
	cases[3].field = "field 'line_id'";
	cases[4].l = line("utf8", "9503.00", "DE");
	cases[4].l.description = "bad \xc3\x28";
	cases[4].field = "field 'description'";
	cases[5].l = line("ccy", "9503.00", "DE");
	cases[5].l.currency = "EURO";
	cases[5].field = "field 'currency'";
	for (size_t i = 0; i < 6; i++) {
		em_goods_result *r = (em_goods_result *)1;
		int rc = em_goods_screen(G, &cases[i].l, &r);
		CHECK(rc == EM_EINVAL && r == NULL);
		CHECK(strstr(em_error_last()->message, cases[i].field) != NULL);
	}
	const char *via[] = {"Atlantis"};
	em_goods_line l = line("via", "9503.00", "DE");
	l.intermediate_countries = via;
	l.n_intermediate = 1;
	em_goods_result *r;
	CHECK(em_goods_screen(G, &l, &r) == EM_EINVAL);
	CHECK(strstr(em_error_last()->message, "intermediate_countries") != NULL);
}

/* ---- the order reader --------------------------------------------------------------------- */

typedef struct read_line {
	int rc;
	size_t lineno;
	char line_id[64];
	char dest[64];
	char msg[256];
	size_t n_route;
	double quantity;
} read_line;

static size_t read_all(const char *path, read_line *out, size_t max, const char **format)
{
	char *data = NULL;
	size_t len = 0, n = 0;
	if (em_file_read(path, &data, &len) != 0)
		return 0;
	em_goods_reader *rd;
	if (em_goods_reader_new(&rd, "orders", data, len) != 0) {
		free(data);
		return 0;
	}
	*format = em_goods_reader_format(rd);
	for (;;) {
		em_goods_line l;
		size_t lineno;
		const char *id;
		int rc = em_goods_reader_next(rd, &l, &lineno, &id);
		if (rc == 0 || n == max)
			break;
		read_line *o = &out[n++];
		memset(o, 0, sizeof *o);
		o->rc = rc;
		o->lineno = lineno;
		snprintf(o->line_id, sizeof o->line_id, "%s", rc == 1 ? (l.line_id ? l.line_id : "") : (id ? id : ""));
		if (rc == 1) {
			snprintf(o->dest, sizeof o->dest, "%s", l.destination_country ? l.destination_country : "");
			o->n_route = l.n_intermediate;
			o->quantity = l.quantity;
		} else {
			snprintf(o->msg, sizeof o->msg, "%s", em_error_last()->message);
		}
		if (rc < 0 && rc != EM_EPARSE)
			break;
	}
	em_goods_reader_free(rd);
	free(data);
	return n;
}

static const read_line *find_line(const read_line *r, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].line_id, id))
			return &r[i];
	return NULL;
}

static void reader_csv(void)
{
	read_line r[64];
	const char *fmt = "";
	size_t n = read_all(fixture_path("goods/orders.csv"), r, 64, &fmt);
	CHECK_EQ_STR(fmt, "csv");
	CHECK_EQ_INT(n, 32);
	const read_line *x = find_line(r, n, "harmless");
	CHECK(x && x->rc == 1 && x->lineno == 2 && !strcmp(x->dest, "France") && x->quantity == 200);
	x = find_line(r, n, "route");
	CHECK(x && x->rc == 1 && x->n_route == 2);
	x = find_line(r, n, "bad_qty");
	CHECK(x && x->rc == EM_EPARSE && strstr(x->msg, "orders:27: field 'quantity'"));
	x = find_line(r, n, "bad_fields");
	CHECK(x && x->rc == EM_EPARSE && strstr(x->msg, "orders:28: expected 14 fields"));
	/* the open quote is reported on its line and reading goes on with the next one */
	bool quote = false;
	for (size_t i = 0; i < n; i++)
		quote |= r[i].rc == EM_EPARSE && r[i].lineno == 29 && strstr(r[i].msg, "never closed");
	CHECK(quote);
	x = find_line(r, n, "after_quote");
	CHECK(x && x->rc == 1 && x->lineno == 30);
	x = find_line(r, n, "last");
	CHECK(x && x->rc == 1 && x->lineno == 33);
	/* the bad UTF-8 is caught when the line is screened; the reader hands it on as read */
	x = find_line(r, n, "bad_utf8");
	CHECK(x != NULL);
	/* input order */
	for (size_t i = 1; i < n; i++)
		CHECK(r[i].lineno > r[i - 1].lineno);
}

static void reader_semicolon(void)
{
	read_line r[8];
	const char *fmt = "";
	size_t n = read_all(fixture_path("goods/orders-semicolon.csv"), r, 8, &fmt);
	CHECK_EQ_INT(n, 2);
	CHECK(n == 2 && r[0].rc == 1 && !strcmp(r[0].line_id, "s1") && !strcmp(r[0].dest, "Serbia"));
	CHECK(n == 2 && r[1].rc == 1 && r[1].lineno == 3); /* a description over two lines */
}

static void reader_jsonl(void)
{
	read_line r[16];
	const char *fmt = "";
	size_t n = read_all(fixture_path("goods/orders.jsonl"), r, 16, &fmt);
	CHECK_EQ_STR(fmt, "jsonl");
	CHECK_EQ_INT(n, 9);
	const read_line *x = find_line(r, n, "42"); /* a number as line_id */
	CHECK(x && x->rc == 1 && x->lineno == 2 && x->n_route == 2 && !strcmp(x->dest, "IRN"));
	x = find_line(r, n, "j-route"); /* a blank line before it */
	CHECK(x && x->rc == 1 && x->lineno == 4 && x->n_route == 2);
	x = find_line(r, n, "j-bad-type");
	CHECK(x && x->rc == EM_EPARSE && strstr(x->msg, "orders:5: field 'quantity'"));
	x = find_line(r, n, "j-bad-array");
	CHECK(x && x->rc == EM_EPARSE && strstr(x->msg, "field 'intermediate_countries'"));
	CHECK(n > 6 && r[5].rc == EM_EPARSE && r[5].lineno == 7 && strstr(r[5].msg, "JSON object"));
	CHECK(n > 6 && r[6].rc == EM_EPARSE && r[6].lineno == 8 && strstr(r[6].msg, "not JSON"));
	x = find_line(r, n, "j-neg");
	CHECK(x && x->rc == EM_EPARSE && strstr(x->msg, "field 'unit_value'"));
	x = find_line(r, n, "j-last");
	CHECK(x && x->rc == 1 && x->lineno == 10);
}

static void reader_header(void)
{
	em_goods_reader *rd;
	const char *no_dest = "line_id,hs_code,consignee\n1,854231,A\n";
	CHECK(em_goods_reader_new(&rd, "h.csv", no_dest, strlen(no_dest)) == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "h.csv:1: field 'destination_country'") != NULL);
	const char *twice = "line_id,destination,destination_country\n1,DE,DE\n";
	CHECK(em_goods_reader_new(&rd, "h.csv", twice, strlen(twice)) == EM_EPARSE);
	CHECK(em_goods_reader_new(&rd, "h.csv", "", 0) == EM_EPARSE);
	const char *ok = "\xEF\xBB\xBFLine ID,Destination,Qty\n7,DE,3.5\n";
	CHECK(em_goods_reader_new(&rd, "h.csv", ok, strlen(ok)) == 0);
	em_goods_line l;
	size_t lineno;
	const char *id;
	CHECK(em_goods_reader_next(rd, &l, &lineno, &id) == 1);
	CHECK(!strcmp(l.line_id, "7") && !strcmp(l.destination_country, "DE") && l.quantity == 3.5 && l.unit_value < 0);
	CHECK(em_goods_reader_next(rd, &l, &lineno, &id) == 0);
	em_goods_reader_free(rd);
}

/* ---- tables from a folder, the components file ------------------------------------------- */

static int copy_file(const char *from, const char *to, const char *replace, const char *with)
{
	char *data = NULL;
	size_t len;
	if (em_file_read(from, &data, &len) != 0)
		return -1;
	FILE *f = fopen(to, "w");
	if (!f) {
		free(data);
		return -1;
	}
	char *at = replace ? strstr(data, replace) : NULL;
	if (at) {
		fwrite(data, 1, (size_t)(at - data), f);
		fputs(with, f);
		fputs(at + strlen(replace), f);
	} else {
		fwrite(data, 1, len, f);
	}
	fclose(f);
	free(data);
	return 0;
}

static void tables_from_folder(void)
{
	char dir[] = "/tmp/em_goods_tables.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	const char *tables[] = {"chpl.tsv", "countries.tsv", "destinations.tsv", "words.tsv", "manufacturers.tsv",
				"part_stopwords.tsv"};
	char from[1024], to[1024];
	for (size_t i = 0; i < 6; i++) {
		snprintf(from, sizeof from, "%s/data/goods/%s", EM_SOURCE_DIR, tables[i]);
		snprintf(to, sizeof to, "%s/%s", dir, tables[i]);
		CHECK(copy_file(from, to, NULL, NULL) == 0);
	}
	em_goods_options o = EM_GOODS_OPTIONS_INIT;
	o.data_dir = dir;
	o.components_path = "";
	em_goods *g;
	CHECK(em_goods_new(&g, &o) == 0);
	em_goods_stats a, b;
	em_goods_get_stats(G, &a);
	if (g) {
		em_goods_get_stats(g, &b);
		CHECK(a.hs_codes == b.hs_codes && a.country_names == b.country_names);
		CHECK(b.components == 0);
		em_goods_free(g);
	}
	/* a bad row is reported with the table, line and field */
	snprintf(from, sizeof from, "%s/data/goods/chpl.tsv", EM_SOURCE_DIR);
	snprintf(to, sizeof to, "%s/chpl.tsv", dir);
	CHECK(copy_file(from, to, "854232\tchpl\t1", "85423X\tchpl\t1") == 0);
	CHECK(em_goods_new(&g, &o) == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, "chpl.tsv:8: field 'hs6'") != NULL);
	snprintf(to, sizeof to, "%s/countries.tsv", dir);
	CHECK(unlink(to) == 0);
	CHECK(em_goods_new(&g, &o) != 0);
	for (size_t i = 0; i < 6; i++) {
		snprintf(to, sizeof to, "%s/%s", dir, tables[i]);
		unlink(to);
	}
	rmdir(dir);
}

static void components_file(void)
{
	em_goods_stats st;
	em_goods_get_stats(G, &st);
	CHECK_EQ_INT(st.component_rows, 8326);
	CHECK(st.components > 5000 && st.components < st.component_rows);
	CHECK(st.components_with_part > 2000 && st.components_with_part <= st.components_named);
	/* a missing file fails and says which option names it */
	em_goods_options o = EM_GOODS_OPTIONS_INIT;
	o.components_path = "/nonexistent/components.csv";
	em_goods *g;
	CHECK(em_goods_new(&g, &o) != 0);
	CHECK(strstr(em_error_last()->message, "components") != NULL);
	/* a bad row is reported by line and field */
	char path[] = "/tmp/em_goods_comp.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	const char *csv = "component_id,name_marking,manufacturer,found_in_drones,source_url\n"
			  "gur-1,Chip STM32F405RGT6,STMicroelectronics,\"[\"\"shahed-136\"\"]\",https://example.org/1\n"
			  "gur-2,Chip AD7450BRZ,Analog Devices,not a list,https://example.org/2\n";
	CHECK(write(fd, csv, strlen(csv)) == (ssize_t)strlen(csv));
	close(fd);
	o.components_path = path;
	CHECK(em_goods_new(&g, &o) == EM_EPARSE);
	CHECK(strstr(em_error_last()->message, ":3: field 'found_in_drones'") != NULL);
	unlink(path);
	/* $EMBARGO_COMPONENTS names the file when the options do not */
	setenv("EMBARGO_COMPONENTS", "/nonexistent/from-env.csv", 1);
	o.components_path = NULL;
	CHECK(em_goods_new(&g, &o) != 0);
	CHECK(strstr(em_error_last()->message, "from-env.csv") != NULL);
	unsetenv("EMBARGO_COMPONENTS");
}

/* ---- threads ------------------------------------------------------------------------------- */

static const char *const thread_parts[] = {"STM32F405RGT6", "TMS320F28335", "NEO-M8N-0", "ADM3222ARUZ", "MAX3221EUE"};

static void *thread_body(void *arg)
{
	size_t *found = arg;
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < 5; i++) {
			em_goods_line l = line("t", "8542.31", "Россия");
			l.part_number = thread_parts[i];
			l.consignee = "Polar Star Trading FZE";
			em_goods_result *r = NULL;
			if (em_goods_screen(G, &l, &r) == 0) {
				const em_goods_flag *f = flag(r, "PART_IN_WEAPON");
				found[i] = f ? f->components_total : 0;
				found[5] += flag(r, "PARTY_LISTED") != NULL;
			}
			em_goods_result_free(r);
		}
	return NULL;
}

static void threads(void)
{
	size_t single[6] = {0}, multi[4][6];
	memset(multi, 0, sizeof multi);
	thread_body(single);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, thread_body, multi[i]) == 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 6; k++)
			CHECK(multi[i][k] == single[k]);
	CHECK(single[0] > 0 && single[5] == 100);
}

int main(void)
{
	em_arena_init(&T_arena);
	if (goods_tables_load(&T, NULL, &T_arena) != 0) {
		fprintf(stderr, "%s\n", em_error_last()->message);
		return 1;
	}
	if (em_list_read_file(&parties, fixture_path("goods/parties.ftm.json"), NULL) != 0) {
		fprintf(stderr, "%s\n", em_error_last()->message);
		return 1;
	}
	em_goods_options o = EM_GOODS_OPTIONS_INIT;
	o.components_path = components_path();
	const em_list *lists[] = {parties};
	o.lists = lists;
	o.n_lists = 1;
	if (em_goods_new(&G, &o) != 0) {
		fprintf(stderr, "%s\n", em_error_last()->message);
		return 1;
	}
	RUN(hs_codes);
	RUN(chpl_table_matches_source);
	RUN(countries);
	RUN(part_extraction);
	RUN(part_comparison);
	RUN(harmless);
	RUN(hs_flags);
	RUN(part_flags);
	RUN(destination_flags);
	RUN(route_and_payer);
	RUN(red_flags);
	RUN(parties_flags);
	RUN(bad_lines);
	RUN(reader_csv);
	RUN(reader_semicolon);
	RUN(reader_jsonl);
	RUN(reader_header);
	RUN(tables_from_folder);
	RUN(components_file);
	RUN(threads);
	em_goods_free(G);
	em_list_free(parties);
	goods_tables_free(&T);
	em_arena_free(&T_arena);
	return TEST_REPORT();
}
