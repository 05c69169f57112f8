/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "trustchain/err.h"

struct err_entry {
    const char *name;
    const char *message;
    enum tc_err_class cls;
};

static const struct err_entry err_table[] = {
#define TC_ERR_ROW_(n, m, c) {"TC_ERR_" #n, m, TC_CLASS_##c},
    TC_ERR_TABLE(TC_ERR_ROW_)
#undef TC_ERR_ROW_
};

#define DETAIL_MAX 512
static _Thread_local char detail[DETAIL_MAX];

static const struct err_entry *entry(tc_err e)
{
    if ((unsigned)e >= TC_ERR_COUNT_) {
        return &err_table[TC_ERR_INTERNAL];
    }
    return &err_table[e];
}

const char *tc_err_name(tc_err e)
{
    return entry(e)->name;
}

const char *tc_err_message(tc_err e)
{
    return entry(e)->message;
}

enum tc_err_class tc_err_class(tc_err e)
{
    return entry(e)->cls;
}

int tc_err_exit_code(tc_err e)
{
    return (int)entry(e)->cls;
}

tc_err tc_fail(tc_err e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return e;
}

tc_err tc_fail_ctx(tc_err e, const char *fmt, ...)
{
    char prefix[DETAIL_MAX];
    char old[DETAIL_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, detail, sizeof(old));
    if (old[0] != '\0') {
        snprintf(detail, sizeof(detail), "%s: %s", prefix, old);
    } else {
        snprintf(detail, sizeof(detail), "%s", prefix);
    }
    return e;
}

tc_err tc_fail_ssl(tc_err e, const char *fmt, ...)
{
    va_list ap;
    size_t n;
    unsigned long code;
    char ebuf[256];

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    /* Report the earliest queued error: it names the root cause. */
    code = ERR_get_error();
    if (code != 0) {
        ERR_error_string_n(code, ebuf, sizeof(ebuf));
        n = strlen(detail);
        snprintf(detail + n, sizeof(detail) - n, " (%s)", ebuf);
    }
    ERR_clear_error();
    return e;
}

const char *tc_err_detail(void)
{
    return detail;
}

void tc_err_clear(void)
{
    detail[0] = '\0';
}

const char *tc_err_str(tc_err e, char *buf, size_t len)
{
    if (len == 0) {
        return buf;
    }
    if (detail[0] != '\0' && e != TC_ERR_OK) {
        snprintf(buf, len, "%s: %s", tc_err_message(e), detail);
    } else {
        snprintf(buf, len, "%s", tc_err_message(e));
    }
    return buf;
}
