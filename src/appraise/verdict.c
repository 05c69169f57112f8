/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/verdict.h"

#define VERDICT_MAX_CHECKS 4096 /* hard cap: a verdict never grows without bound */

void tc_verdict_init(struct tc_verdict *v)
{
    v->checks = NULL;
    v->n = 0;
    v->cap = 0;
}

void tc_verdict_free(struct tc_verdict *v)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        free(v->checks[i].name);
        free(v->checks[i].expected);
        free(v->checks[i].actual);
        free(v->checks[i].detail);
    }
    free(v->checks);
    tc_verdict_init(v);
}

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

tc_err tc_verdict_add(struct tc_verdict *v, const char *name, enum tc_check_status st, tc_err err,
                      const char *expected, const char *actual, const char *detail_fmt, ...)
{
    struct tc_check *c;

    if (v->n == v->cap) {
        size_t ncap = v->cap != 0 ? v->cap * 2 : 16;
        struct tc_check *nc;

        if (ncap > VERDICT_MAX_CHECKS) {
            return tc_fail(TC_ERR_TOO_LARGE, "verdict: more than %d checks", VERDICT_MAX_CHECKS);
        }
        nc = realloc(v->checks, ncap * sizeof(*nc));
        if (nc == NULL) {
            return tc_fail(TC_ERR_NOMEM, "verdict");
        }
        v->checks = nc;
        v->cap = ncap;
    }
    c = &v->checks[v->n];
    memset(c, 0, sizeof(*c));
    c->name = strdup(name);
    c->status = st;
    c->err = st == TC_CHECK_FAIL ? (err != TC_ERR_OK ? err : TC_ERR_POLICY) : TC_ERR_OK;
    c->expected = dup_or_null(expected);
    c->actual = dup_or_null(actual);
    if (detail_fmt != NULL) {
        va_list ap;
        char buf[512];

        va_start(ap, detail_fmt);
        vsnprintf(buf, sizeof(buf), detail_fmt, ap);
        va_end(ap);
        c->detail = strdup(buf);
        if (c->detail == NULL) {
            goto nomem;
        }
    }
    if (c->name == NULL || (expected != NULL && c->expected == NULL) ||
        (actual != NULL && c->actual == NULL)) {
        goto nomem;
    }
    v->n++;
    return TC_ERR_OK;
nomem:
    free(c->name);
    free(c->expected);
    free(c->actual);
    free(c->detail);
    return tc_fail(TC_ERR_NOMEM, "verdict");
}

size_t tc_verdict_count(const struct tc_verdict *v, enum tc_check_status st)
{
    size_t i, n = 0;

    for (i = 0; i < v->n; i++) {
        n += v->checks[i].status == st;
    }
    return n;
}

int tc_verdict_ok(const struct tc_verdict *v)
{
    return tc_verdict_count(v, TC_CHECK_FAIL) == 0 && tc_verdict_count(v, TC_CHECK_PASS) > 0;
}

const struct tc_check *tc_verdict_first_failure(const struct tc_verdict *v)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (v->checks[i].status == TC_CHECK_FAIL) {
            return &v->checks[i];
        }
    }
    return NULL;
}

tc_err tc_verdict_err(const struct tc_verdict *v)
{
    const struct tc_check *c = tc_verdict_first_failure(v);

    if (c != NULL) {
        return c->err;
    }
    return tc_verdict_ok(v) ? TC_ERR_OK : TC_ERR_POLICY;
}

static const char *status_name(enum tc_check_status st)
{
    switch (st) {
    case TC_CHECK_PASS:
        return "pass";
    case TC_CHECK_FAIL:
        return "fail";
    case TC_CHECK_SKIP:
        return "skip";
    case TC_CHECK_INFO:
        return "info";
    }
    return "?";
}

json_t *tc_verdict_json(const struct tc_verdict *v)
{
    json_t *root = json_object(), *arr = json_array();
    size_t i;

    if (root == NULL || arr == NULL) {
        goto fail;
    }
    if (json_object_set_new(root, "verdict",
                            json_string(tc_verdict_ok(v) ? "accepted" : "rejected")) != 0 ||
        json_object_set_new(root, "passed",
                            json_integer((json_int_t)tc_verdict_count(v, TC_CHECK_PASS))) != 0 ||
        json_object_set_new(root, "failed",
                            json_integer((json_int_t)tc_verdict_count(v, TC_CHECK_FAIL))) != 0) {
        goto fail;
    }
    for (i = 0; i < v->n; i++) {
        const struct tc_check *c = &v->checks[i];
        json_t *o = json_object();

        if (o == NULL || json_array_append_new(arr, o) != 0) {
            goto fail;
        }
        if (json_object_set_new(o, "name", json_string(c->name)) != 0 ||
            json_object_set_new(o, "result", json_string(status_name(c->status))) != 0 ||
            (c->expected != NULL &&
             json_object_set_new(o, "expected", json_string(c->expected)) != 0) ||
            (c->actual != NULL && json_object_set_new(o, "actual", json_string(c->actual)) != 0) ||
            (c->detail != NULL && json_object_set_new(o, "detail", json_string(c->detail)) != 0) ||
            (c->status == TC_CHECK_FAIL &&
             json_object_set_new(o, "error", json_string(tc_err_name(c->err))) != 0)) {
            goto fail;
        }
    }
    if (json_object_set_new(root, "checks", arr) != 0) {
        arr = NULL;
        goto fail;
    }
    return root;
fail:
    json_decref(arr);
    json_decref(root);
    return NULL;
}

const char *tc_verdict_summary(const struct tc_verdict *v, char *buf, size_t len)
{
    const struct tc_check *c = tc_verdict_first_failure(v);
    size_t fails = tc_verdict_count(v, TC_CHECK_FAIL);
    int n;

    if (c == NULL) {
        if (tc_verdict_ok(v)) {
            snprintf(buf, len, "accepted: %zu checks passed", tc_verdict_count(v, TC_CHECK_PASS));
        } else {
            snprintf(buf, len, "rejected: no check passed");
        }
        return buf;
    }
    n = snprintf(buf, len, "rejected: %s", c->name);
    if (n >= 0 && (size_t)n < len && c->detail != NULL) {
        n += snprintf(buf + n, len - (size_t)n, ": %s", c->detail);
    }
    if (n >= 0 && (size_t)n < len && (c->expected != NULL || c->actual != NULL)) {
        n += snprintf(buf + n, len - (size_t)n, " (expected %s, got %s)",
                      c->expected != NULL ? c->expected : "-", c->actual != NULL ? c->actual : "-");
    }
    if (n >= 0 && (size_t)n < len && fails > 1) {
        snprintf(buf + n, len - (size_t)n, " (+%zu more failure%s)", fails - 1,
                 fails > 2 ? "s" : "");
    }
    return buf;
}
