/*
 * bench_ais.c: AIS sentences decoded per second, against gpsd's `gpsdecode` on the same file in
 * the same run. The file repeats the real sentences of three sample files (about 3,700 distinct
 * sentences with tag blocks, several talkers, multi-sentence messages) up to N sentences
 * (default 1,000,000; argument 1), keeping only sentences of the message types both decoders
 * decode, so neither side is credited for skipping. Both decoders write their JSON lines to
 * /dev/null, single-threaded; the best of three runs of each is reported.
 *
 *   bench_ais [N]        (gpsdecode from Debian's gpsd-clients must be on the PATH)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "embargo/em_ais.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Is the sentence (after any tag block) the start of a message of a type we decode? */
static int wanted(const char *line, int *first_fragment)
{
	const char *s = line[0] == '\\' ? strchr(line + 1, '\\') : line;
	if (!s)
		return 0;
	if (s[0] == '\\')
		s++;
	if (s[0] != '!' || strncmp(s + 3, "VDM", 3) != 0)
		return 0;
	/* fields: tag, count, number, seqid, channel, payload */
	const char *f = s;
	for (int i = 0; i < 5 && f; i++)
		f = strchr(f + 1, ',');
	const char *num = strchr(s, ',');
	*first_fragment = num && num[3] == '1' && num[4] == ',';
	if (!f || !*first_fragment)
		return 1; /* a later fragment follows its first */
	static const char types[] = "12345BCEHK"; /* 1-5, 18, 19, 21, 24, 27 */
	return f[1] != '\0' && strchr(types, f[1]) != NULL;
}

static int discard(void *ctx, const em_ais_msg *m)
{
	char buf[EM_AIS_RECORD_MAX];
	int n = em_ais_msg_json(m, buf, sizeof buf);
	if (n < 0)
		return n;
	buf[n] = '\n';
	fwrite(buf, 1, (size_t)n + 1, ctx);
	return 0;
}

int main(int argc, char **argv)
{
	long target = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	static const char *const files[] = {
		"aisdb_test_data_20211101.nm4", "pyais_nmea_data_sample.txt",
		"gpsd_ais-nmea-type6-fid55.log",
	};
	/* The distinct wanted sentences. */
	size_t cap = 1 << 20, len = 0;
	char *lines = malloc(cap);
	long distinct = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[1024], line[1024];
		snprintf(path, sizeof path, "%s/ais/samples/%s", EM_SHARED_DIR, files[i]);
		FILE *f = fopen(path, "r");
		if (!f) {
			fprintf(stderr, "bench_ais: cannot open %s\n", path);
			return 1;
		}
		int keep_rest = 0;
		while (fgets(line, sizeof line, f)) {
			size_t n = strcspn(line, "\r\n");
			line[n] = '\0';
			int first = 0;
			int w = wanted(line, &first);
			if (first)
				keep_rest = w;
			else
				w = w && keep_rest;
			if (!w || len + n + 2 > cap)
				continue;
			memcpy(lines + len, line, n);
			lines[len + n] = '\n';
			len += n + 1;
			distinct++;
		}
		fclose(f);
	}
	char path[] = "/tmp/bench_ais_XXXXXX";
	int fd = mkstemp(path);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out || distinct == 0) {
		fprintf(stderr, "bench_ais: cannot make the input file\n");
		return 1;
	}
	long sentences = 0;
	while (sentences < target) {
		fwrite(lines, 1, len, out);
		sentences += distinct;
	}
	fclose(out);
	free(lines);
	printf("input: %ld sentences (%ld distinct, repeated) in %s\n", sentences, distinct, path);

	FILE *devnull = fopen("/dev/null", "w");
	double ours = 1e30, theirs = 1e30;
	uint64_t messages = 0;
	for (int run = 0; run < 3; run++) {
		em_ais_decoder *d;
		if (em_ais_decoder_new(&d, NULL) != 0)
			return 1;
		double t0 = now();
		if (em_ais_decode_file(d, path, discard, devnull) != 0) {
			fprintf(stderr, "bench_ais: %s\n", em_error_last()->message);
			return 1;
		}
		double t = now() - t0;
		em_ais_stats st;
		em_ais_decoder_stats(d, &st);
		messages = st.messages;
		em_ais_decoder_free(d);
		if (t < ours)
			ours = t;
		char cmd[256];
		snprintf(cmd, sizeof cmd, "gpsdecode < %s > /dev/null 2>&1", path);
		t0 = now();
		int rc = system(cmd);
		t = now() - t0;
		if (rc != 0) {
			fprintf(stderr, "bench_ais: gpsdecode failed (install gpsd-clients)\n");
			unlink(path);
			return 1;
		}
		if (t < theirs)
			theirs = t;
	}
	fclose(devnull);
	unlink(path);
	printf("embargo:   %.0f sentences/s (%.3f s, %llu messages)\n", sentences / ours, ours,
	       (unsigned long long)messages);
	printf("gpsdecode: %.0f sentences/s (%.3f s)\n", sentences / theirs, theirs);
	printf("ratio: %.2fx gpsdecode\n", theirs / ours);
	return 0;
}
