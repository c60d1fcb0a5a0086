/*
 * The check macro of the C unit tests (test_toeplitz.c, test_ldpc.c, test_pulse.c): counts every
 * check, reports each failure with its file and line, and lets the test go on to the next one.
 */
#ifndef LV_TEST_CHECK_H
#define LV_TEST_CHECK_H

#include <stdio.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond, ...)                                         \
	do {                                                         \
		checks++;                                                \
		if (!(cond)) {                                           \
			failures++;                                          \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
		}                                                        \
	} while (0)

#endif
