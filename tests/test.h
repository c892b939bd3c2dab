/*
 * test.h: a minimal test harness. A test program lists its cases in main() with RUN(case);
 * CHECK() records a failure with file and line and carries on; the program prints
 * "N passed, N failed" and exits non-zero when any check failed.
 */
#ifndef EMBARGO_TEST_H
#define EMBARGO_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_checks;
static int test_case_failed;
static int test_passed, test_failed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			test_failed_checks++;                                           \
			test_case_failed = 1;                                           \
		}                                                                       \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                              \
	do {                                                                            \
		long long a_ = (long long)(a), b_ = (long long)(b);                     \
		if (a_ != b_) {                                                         \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__, \
				__LINE__, #a, #b, a_, b_);                              \
			test_case_failed = 1;                                           \
		}                                                                       \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                              \
	do {                                                                            \
		const char *a_ = (a), *b_ = (b);                                        \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
			test_case_failed = 1;                                           \
		}                                                                       \
	} while (0)

#define RUN(fn)                                                                         \
	do {                                                                            \
		test_case_failed = 0;                                                   \
		fn();                                                                   \
		if (test_case_failed) {                                                 \
			test_failed++;                                                  \
			fprintf(stderr, "FAIL %s\n", #fn);                              \
		} else {                                                                \
			test_passed++;                                                  \
			printf("ok   %s\n", #fn);                                       \
		}                                                                       \
	} while (0)

#define TEST_REPORT()                                                                   \
	(printf("%d passed, %d failed\n", test_passed, test_failed), test_failed ? 1 : 0)

/* Path of a file in ../shared (the real list files and evaluation sets). */
static inline const char *shared_path(const char *rel)
{
	static char buf[4][1024];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", EM_SHARED_DIR, rel);
	return buf[slot];
}

static inline const char *fixture_path(const char *rel)
{
	static char buf[4][1024];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", EM_FIXTURES_DIR, rel);
	return buf[slot];
}

#endif
