/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-tree test harness.  Each test program prints one line per check:
 *   "ok - <what>", "FAIL - <what> (<file>:<line>)" or "skip - <what>: <why>",
 * and exits non-zero if any check failed.  tests/run adds the lines up.
 */
#ifndef TC_TEST_HARNESS_H
#define TC_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int t_passed, t_failed, t_skipped;

__attribute__((format(printf, 4, 5))) static inline int t_check(int cond, const char *file,
                                                                int line, const char *fmt, ...)
{
    va_list ap;

    printf(cond ? "ok - " : "FAIL - ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!cond) {
        printf(" (%s:%d)", file, line);
        t_failed++;
    } else {
        t_passed++;
    }
    printf("\n");
    fflush(stdout);
    return cond;
}

/* CHECK(cond, "what %d", x): one check; evaluates to cond. */
#define CHECK(cond, ...) t_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* CHECK_ERR(expr, expected, "what"): a tc_err-returning call gives the expected error. */
#define CHECK_ERR(expr, expected, ...)                                                             \
    do {                                                                                           \
        tc_err t_e_ = (expr);                                                                      \
        if (!CHECK(t_e_ == (expected), __VA_ARGS__)) {                                             \
            printf("#   got %s (%s), expected %s\n", tc_err_name(t_e_), tc_err_detail(),           \
                   tc_err_name(expected));                                                         \
        }                                                                                          \
    } while (0)
#define CHECK_OK(expr, ...) CHECK_ERR(expr, TC_ERR_OK, __VA_ARGS__)

__attribute__((format(printf, 1, 2))) static inline void t_skip(const char *fmt, ...)
{
    va_list ap;

    printf("skip - ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    t_skipped++;
}

/*
 * Path of a file under the shared test data folder ($TC_TESTDATA, default
 * ../shared/testdata), or NULL if the folder is absent.  Uses a static buffer.
 */
static inline const char *t_testdata(const char *rel)
{
    static char path[4096];
    const char *root = getenv("TC_TESTDATA");
    struct stat st;

    if (root == NULL || root[0] == '\0') {
        root = "../shared/testdata";
    }
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return path;
}

static inline int t_done(void)
{
    printf("# %d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
    return t_failed > 0 ? 1 : 0;
}

#endif
