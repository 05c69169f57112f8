/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A verdict: the list of every check a verification or appraisal made, each
 * with its outcome and the values compared, so a result explains itself.
 * Shared by the SNP and TDX verifiers, policy appraisal and the key broker.
 *
 * Ownership: the verdict owns copies of every string added to it;
 * tc_verdict_free releases them.
 */
#ifndef TRUSTCHAIN_VERDICT_H
#define TRUSTCHAIN_VERDICT_H

#include <stddef.h>

#include <jansson.h>

#include "trustchain/err.h"

enum tc_check_status {
    TC_CHECK_PASS,
    TC_CHECK_FAIL,
    TC_CHECK_SKIP, /* not evaluated (input absent); never counts as a pass */
    TC_CHECK_INFO, /* informational (e.g. "CRL not given"); neither pass nor fail */
};

struct tc_check {
    char *name; /* stable identifier, e.g. "signature", "tcb.snp", "policy.measurement" */
    enum tc_check_status status;
    char *expected; /* may be NULL */
    char *actual;   /* may be NULL */
    char *detail;   /* one line for people; may be NULL */
    tc_err err;     /* for a failure: the error class of the reason */
};

struct tc_verdict {
    struct tc_check *checks;
    size_t n, cap;
};

void tc_verdict_init(struct tc_verdict *v);
void tc_verdict_free(struct tc_verdict *v);

/* Add a check.  expected/actual may be NULL; detail is printf-style (NULL for none). */
TC_MUST_USE tc_err tc_verdict_add(struct tc_verdict *v, const char *name, enum tc_check_status st,
                                  tc_err err, const char *expected, const char *actual,
                                  const char *detail_fmt, ...) TC_PRINTF(7, 8);

/* Number of checks with this status. */
size_t tc_verdict_count(const struct tc_verdict *v, enum tc_check_status st);
/* 1 if no check failed and at least one passed. */
int tc_verdict_ok(const struct tc_verdict *v);
/* The first failed check, or NULL. */
const struct tc_check *tc_verdict_first_failure(const struct tc_verdict *v);
/* The error of the first failure (TC_ERR_OK if none) — for the exit code. */
tc_err tc_verdict_err(const struct tc_verdict *v);

/*
 * JSON: {"verdict":"accepted"|"rejected","passed":N,"failed":M,"checks":[{"name":..,
 * "result":"pass"|"fail"|"skip"|"info","expected":..,"actual":..,"detail":..},...]}.
 * Returns a new reference, or NULL on allocation failure.
 */
json_t *tc_verdict_json(const struct tc_verdict *v);

/*
 * One line for people: "accepted: 21 checks passed" or
 * "rejected: <name>: <detail> (expected X, got Y) (+2 more failures)".  Returns buf.
 */
const char *tc_verdict_summary(const struct tc_verdict *v, char *buf, size_t len);

#endif
