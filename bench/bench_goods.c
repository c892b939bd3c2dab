/*
 * bench_goods.c: order lines per second for goods screening. Generates a deterministic file of
 * order lines (100,000 by default: a fixed-seed generator mixes harmless goods and CHPL codes,
 * ordinary, transshipment and embargoed destinations written as codes and names in several
 * scripts, descriptions with and without part numbers from the components file, forwarders,
 * missing end users, routes and payers), then times in the same run:
 *   parse       reading the lines only (the baseline: what any screening costs at least);
 *   goods       parsing and screening without party lists (tables, part numbers, red flags);
 *   parties     the same with consignee and end user screened against a list (the OFAC SDN
 *               snapshot of 2024-05-03 from ../shared unless --list names another);
 *   parties-2t  the same on two threads.
 * Uses only the public API.
 *
 * usage: bench_goods [--lines N] [--list FILE] [--no-parties] [--runs N] [--json] [--quick]
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"
#include "embargo/embargo.h"

static double cpu_now(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- the order file ------------------------------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t next_u32(void)
{
	/* xorshift64*: fixed seed, so every run screens the same file */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[next_u32() % n];
}

#define PICK(v) pick(v, sizeof v / sizeof v[0])

static const char *const hs_plain[] = {"9503.00", "6203.42.31", "8471.30.0000", "9004.10", "3004.90", "8703.23",
				       "6109.10.00", "4202.92", "9401.61.0000", "8516.60"};
static const char *const hs_concern[] = {"8542.31", "8542.32.0000", "8542.39", "8517.62", "8526.91", "8532.24",
					 "8482.10", "8807.30", "9014.20", "8457.10", "8407.10", "9031.80"};
static const char *const dest_plain[] = {"DE", "France", "FR", "Italy", "ESP", "Japan", "US", "United Kingdom", "Norway",
					 "Deutschland", "Canada", "Brazil", "Poland", "Sweden", "NL", "Österreich"};
static const char *const dest_risk[] = {"Kazakhstan", "KZ", "Kyrgyzstan", "United Arab Emirates", "UAE", "Turkey",
					"Türkiye", "Armenia", "Georgia", "Hong Kong", "China", "中国", "Serbia", "Uzbekistan"};
static const char *const dest_embargo[] = {"Russia", "Россия", "RU", "Belarus", "Iran", "DPRK", "Syria", "Crimea"};
static const char *const parts_found[] = {"STM32F405RGT6", "TMS320F28335PGFA", "NEO-M8N-0", "ADM3222ARUZ",
					  "MAX3221EUE", "LPC2368FBD100", "AD7450BRZ", "ADXL357BEZ", "5CEFA7F23I7N",
					  "K6R4016V1D-UI10", "ADF4112BRUZ", "IRF4905S"};
static const char *const words[] = {"module", "board", "assembly", "controller", "sensor", "kit", "unit", "spare part",
				    "housing", "cable", "toy", "shirt", "lens", "valve"};
static const char *const companies[] = {"Nordic Optics AB", "Lyon Textiles SARL", "Bavaria Motoren GmbH",
					"Osaka Precision KK", "Toronto Hobby Ltd", "Almaty Electronics TOO",
					"Dubai Trading FZE", "Istanbul Elektronik AS", "Shenzhen Jiayu Technology Co",
					"Polar Star Trading FZE", "Global Freight Forwarding Ltd", "Speedy Logistics LLC",
					"ООО Ромашка", "Tbilisi Tech LLC", "Harbin Engineering University",
					"Rostec", "Sevmash", "Mayak Export LLC"};
static const char *const uses[] = {"retail sale", "industrial automation", "eyeglass lenses", "agricultural drones",
				   "resale", "n/a", "", "telecom base stations", "general purpose", "research"};

static void csv_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Writes n order lines as CSV into a malloc'd buffer. */
static char *generate(size_t n, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	fputs("line_id,hs_code,description,manufacturer,part_number,quantity,unit_value,currency,destination_country,"
	      "consignee,end_user,intermediate_countries,payer_country,end_use\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		uint32_t r = next_u32() % 100;
		const char *hs = r < 55 ? PICK(hs_plain) : r < 90 ? PICK(hs_concern) : "";
		r = next_u32() % 100;
		const char *dest = r < 70 ? PICK(dest_plain) : r < 93 ? PICK(dest_risk) : PICK(dest_embargo);
		char desc[160], part[64] = "";
		r = next_u32() % 100;
		if (r < 15) /* a part found in weapons */
			snprintf(desc, sizeof desc, "%s %s", PICK(parts_found), PICK(words));
		else if (r < 40) /* a part number that is not in the file */
			snprintf(desc, sizeof desc, "%s XQ%04uB-%02u rev %u", PICK(words), next_u32() % 10000, next_u32() % 100,
				 next_u32() % 9);
		else
			snprintf(desc, sizeof desc, "%s %s, %u pcs", PICK(words), PICK(words), 1 + next_u32() % 500);
		if (next_u32() % 10 == 0)
			snprintf(part, sizeof part, "%s", PICK(parts_found));
		const char *consignee = PICK(companies);
		const char *end_user = next_u32() % 5 ? consignee : PICK(companies);
		if (next_u32() % 20 == 0)
			end_user = "";
		const char *via = next_u32() % 8 == 0 ? PICK(dest_risk) : "";
		const char *payer = next_u32() % 10 == 0 ? PICK(dest_plain) : "";
		fprintf(f, "L%zu,%s,", i + 1, hs);
		csv_text(f, desc);
		fprintf(f, ",,%s,%u,%u.%02u,USD,", part, 1 + next_u32() % 1000, next_u32() % 500, next_u32() % 100);
		csv_text(f, dest);
		fputc(',', f);
		csv_text(f, consignee);
		fputc(',', f);
		csv_text(f, end_user);
		fprintf(f, ",%s,%s,", via, payer);
		csv_text(f, PICK(uses));
		fputc('\n', f);
	}
	fclose(f);
	return buf;
}

/* ---- the phases ---------------------------------------------------------------------------- */

typedef struct phase {
	const char *data;
	size_t len;
	const em_goods *g;         /* NULL: parse only */
	int part, parts;           /* this thread screens the lines with index % parts == part */
	size_t lines, errors;
	size_t by_risk[5];
} phase;

static void *run_phase(void *arg)
{
	phase *p = arg;
	em_goods_reader *r;
	if (em_goods_reader_new(&r, "bench", p->data, p->len) != 0)
		return NULL;
	for (size_t i = 0;; i++) {
		em_goods_line l;
		size_t lineno;
		const char *id;
		int rc = em_goods_reader_next(r, &l, &lineno, &id);
		if (rc == 0)
			break;
		if ((int)(i % (size_t)p->parts) != p->part)
			continue;
		p->lines++;
		if (rc != 1) {
			p->errors++;
			continue;
		}
		if (!p->g)
			continue;
		em_goods_result *res;
		if (em_goods_screen(p->g, &l, &res) != 0) {
			p->errors++;
			continue;
		}
		p->by_risk[res->risk]++;
		em_goods_result_free(res);
	}
	em_goods_reader_free(r);
	return NULL;
}

typedef struct result {
	const char *name;
	double seconds, cpu_seconds;
	size_t lines, errors;
	size_t by_risk[5];
	int threads;
} result;

/* Best of `runs` timings of one phase on `threads` threads (each reads the whole file and
 * screens its share, so parsing is paid once per thread: the reader is not the point there). */
static result measure(const char *name, const char *data, size_t len, const em_goods *g, int threads, size_t runs)
{
	result best = {name, 1e30, 0, 0, 0, {0}, threads};
	for (size_t run = 0; run < runs; run++) {
		phase ph[8];
		pthread_t t[8];
		double t0 = bench_now(), c0 = cpu_now();
		for (int i = 0; i < threads; i++) {
			ph[i] = (phase){data, len, g, i, threads, 0, 0, {0}};
			if (threads == 1)
				run_phase(&ph[i]);
			else
				pthread_create(&t[i], NULL, run_phase, &ph[i]);
		}
		for (int i = 0; threads > 1 && i < threads; i++)
			pthread_join(t[i], NULL);
		double el = bench_now() - t0, cpu = cpu_now() - c0;
		if (el < best.seconds) {
			best.seconds = el;
			best.cpu_seconds = cpu;
			best.lines = best.errors = 0;
			memset(best.by_risk, 0, sizeof best.by_risk);
			for (int i = 0; i < threads; i++) {
				best.lines += ph[i].lines;
				best.errors += ph[i].errors;
				for (int k = 0; k < 5; k++)
					best.by_risk[k] += ph[i].by_risk[k];
			}
		}
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t n = 100000, runs = 1;
	bool json = false, parties = true;
	const char *list_path = EM_SHARED_DIR "/data/ofac/sdn-history/sdn-2024-05-03.csv";
	for (int i = 1; i < argc; i++) {
		if (bench_opt_size(argc, argv, &i, "--lines", &n, false) || bench_opt_size(argc, argv, &i, "--runs", &runs, false) ||
		    bench_opt_str(argc, argv, &i, "--list", &list_path))
			continue;
		if (!strcmp(argv[i], "--no-parties"))
			parties = false;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--quick"))
			n = 5000;
		else {
			fprintf(stderr, "usage: bench_goods [--lines N] [--list FILE] [--no-parties] [--runs N] [--json] [--quick]\n");
			return 2;
		}
	}
	size_t len = 0;
	double t0 = bench_now();
	char *data = generate(n, &len);
	double gen_s = bench_now() - t0;
	if (!data)
		return 1;
	t0 = bench_now();
	em_goods *g;
	em_goods_options o = EM_GOODS_OPTIONS_INIT;
	if (em_goods_new(&g, &o) != 0) {
		fprintf(stderr, "bench_goods: %s\n", em_error_last()->message);
		return 1;
	}
	double load_s = bench_now() - t0;
	result res[4];
	int nres = 0;
	res[nres++] = measure("parse", data, len, NULL, 1, runs);
	res[nres++] = measure("goods", data, len, g, 1, runs);
	em_list *list = NULL;
	em_goods *gp = NULL;
	double list_s = 0;
	if (parties) {
		t0 = bench_now();
		em_goods_options op = EM_GOODS_OPTIONS_INIT;
		if (em_list_read_file(&list, list_path, NULL) != 0) {
			fprintf(stderr, "bench_goods: %s\n", em_error_last()->message);
			return 1;
		}
		const em_list *lists[] = {list};
		op.lists = lists;
		op.n_lists = 1;
		if (em_goods_new(&gp, &op) != 0) {
			fprintf(stderr, "bench_goods: %s\n", em_error_last()->message);
			return 1;
		}
		list_s = bench_now() - t0;
		res[nres++] = measure("parties", data, len, gp, 1, runs);
		res[nres++] = measure("parties-2t", data, len, gp, 2, runs);
	}
	if (json) {
		printf("{\"lines\":%zu,\"bytes\":%zu,\"generate_s\":%.3f,\"load_s\":%.3f,\"list_load_s\":%.3f,\"phases\":[", n, len,
		       gen_s, load_s, list_s);
		for (int i = 0; i < nres; i++)
			printf("%s{\"name\":\"%s\",\"threads\":%d,\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"lines\":%zu,\"bad_lines\":%zu,"
			       "\"lines_per_s\":%.1f,\"risk\":{\"none\":%zu,\"low\":%zu,\"medium\":%zu,\"high\":%zu,\"prohibited\":%zu}}",
			       i ? "," : "", res[i].name, res[i].threads, res[i].seconds, res[i].cpu_seconds, res[i].lines,
			       res[i].errors, (double)res[i].lines / res[i].seconds, res[i].by_risk[0], res[i].by_risk[1],
			       res[i].by_risk[2], res[i].by_risk[3], res[i].by_risk[4]);
		printf("]}\n");
	} else {
		printf("%zu order lines (%.1f MB) generated in %.2f s; tables and components loaded in %.2f s", n,
		       (double)len / 1e6, gen_s, load_s);
		if (parties)
			printf("; party list and index in %.2f s", list_s);
		printf("\n%-11s %7s %9s %9s %12s   risk none/low/medium/high/prohibited\n", "phase", "threads", "seconds",
		       "cpu s", "lines/s");
		for (int i = 0; i < nres; i++)
			printf("%-11s %7d %9.3f %9.3f %12.0f   %zu/%zu/%zu/%zu/%zu%s\n", res[i].name, res[i].threads, res[i].seconds,
			       res[i].cpu_seconds, (double)res[i].lines / res[i].seconds, res[i].by_risk[0], res[i].by_risk[1],
			       res[i].by_risk[2], res[i].by_risk[3], res[i].by_risk[4], res[i].errors ? " (bad lines!)" : "");
	}
	em_goods_free(gp);
	em_list_free(list);
	em_goods_free(g);
	free(data);
	return 0;
}
