/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 8785 JSON Canonicalization Scheme.  jansson's JSON_SORT_KEYS sorts by
 * bytes and escapes control characters as upper-case \u00XX, and it prints
 * reals with %.17g: none of that is JCS, so the serialiser is written here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/kbs.h"
#include "trustchain/util.h"

#define JCS_MAX_DEPTH 64

/* Decode one UTF-8 code point (input already validated by jansson); returns its length. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80 || n < 2) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0 || n < 3) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((s[0] & 0xF0) == 0xE0 || n < 4) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* The UTF-16 code units of cp (1 or 2). */
static int utf16_units(uint32_t cp, uint16_t u[2])
{
    if (cp < 0x10000) {
        u[0] = (uint16_t)cp;
        return 1;
    }
    cp -= 0x10000;
    u[0] = (uint16_t)(0xD800 + (cp >> 10));
    u[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
    return 2;
}

/* RFC 8785 3.2.3: compare property names as arrays of UTF-16 code units. */
static int key_cmp(const void *pa, const void *pb)
{
    const unsigned char *a = *(const unsigned char *const *)pa;
    const unsigned char *b = *(const unsigned char *const *)pb;
    size_t na = strlen((const char *)a), nb = strlen((const char *)b);
    uint16_t ua[2], ub[2];
    int ia = 0, ib = 0, la = 0, lb = 0;

    for (;;) {
        uint32_t cp;

        if (ia == la) {
            if (na == 0) {
                ia = la = 0;
            } else {
                size_t k = utf8_next(a, na, &cp);

                a += k;
                na -= k;
                la = utf16_units(cp, ua);
                ia = 0;
            }
        }
        if (ib == lb) {
            if (nb == 0) {
                ib = lb = 0;
            } else {
                size_t k = utf8_next(b, nb, &cp);

                b += k;
                nb -= k;
                lb = utf16_units(cp, ub);
                ib = 0;
            }
        }
        if (la == 0 || lb == 0) {
            return (la != 0) - (lb != 0);
        }
        if (ua[ia] != ub[ib]) {
            return ua[ia] < ub[ib] ? -1 : 1;
        }
        ia++;
        ib++;
    }
}

static tc_err put_string(struct tc_buf *b, const char *s, size_t n)
{
    size_t i, run = 0;
    tc_err e;

    if ((e = tc_buf_append(b, "\"", 1)) != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        const char *rep = NULL;

        switch (c) {
        case '"':
            rep = "\\\"";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '\b':
            rep = "\\b";
            break;
        case '\f':
            rep = "\\f";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                rep = esc;
            }
        }
        if (rep == NULL) {
            run++;
            continue;
        }
        if (run > 0 && (e = tc_buf_append(b, s + i - run, run)) != TC_ERR_OK) {
            return e;
        }
        run = 0;
        if ((e = tc_buf_append(b, rep, strlen(rep))) != TC_ERR_OK) {
            return e;
        }
    }
    if (run > 0 && (e = tc_buf_append(b, s + n - run, run)) != TC_ERR_OK) {
        return e;
    }
    return tc_buf_append(b, "\"", 1);
}

/*
 * ECMAScript Number::toString (ECMA-262 7.1.12.1), which RFC 8785 3.2.2.3
 * requires: the shortest digit string that round-trips, placed by exponent.
 */
static tc_err put_double(struct tc_buf *b, double d)
{
    char tmp[40], digits[24], out[48];
    int p, k = 0, n, exp10 = 0, i;
    char *q;

    if (isnan(d) || isinf(d)) {
        return tc_fail(TC_ERR_UNSUPPORTED, "JCS: NaN and Infinity have no JSON form");
    }
    if (d == 0) {
        return tc_buf_append(b, "0", 1);
    }
    if (d < 0) {
        tc_err e = tc_buf_append(b, "-", 1);

        if (e != TC_ERR_OK) {
            return e;
        }
        d = -d;
    }
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, d);
        if (strtod(tmp, NULL) == d) {
            break;
        }
    }
    /* tmp = "D[.DDD]e[+-]XX" */
    for (q = tmp; *q != 'e'; q++) {
        if (*q != '.') {
            digits[k++] = *q;
        }
    }
    digits[k] = '\0';
    exp10 = atoi(q + 1);
    while (k > 1 && digits[k - 1] == '0') {
        digits[--k] = '\0';
    }
    n = exp10 + 1;
    if (k <= n && n <= 21) {
        snprintf(out, sizeof(out), "%s", digits);
        for (i = 0; i < n - k; i++) {
            strcat(out, "0");
        }
    } else if (0 < n && n <= 21) {
        snprintf(out, sizeof(out), "%.*s.%s", n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        strcpy(out, "0.");
        for (i = 0; i < -n; i++) {
            strcat(out, "0");
        }
        strcat(out, digits);
    } else {
        snprintf(out, sizeof(out), "%c%s%se%c%d", digits[0], k > 1 ? "." : "",
                 k > 1 ? digits + 1 : "", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
    return tc_buf_append(b, out, strlen(out));
}

static tc_err put_value(struct tc_buf *b, const json_t *v, int depth)
{
    tc_err e = TC_ERR_OK;

    if (depth > JCS_MAX_DEPTH) {
        return tc_fail(TC_ERR_TOO_LARGE, "JCS: nesting deeper than %d", JCS_MAX_DEPTH);
    }
    switch (json_typeof(v)) {
    case JSON_NULL:
        return tc_buf_append(b, "null", 4);
    case JSON_TRUE:
        return tc_buf_append(b, "true", 4);
    case JSON_FALSE:
        return tc_buf_append(b, "false", 5);
    case JSON_STRING:
        return put_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);

        /* Exactly representable as a double: print the integer digits. */
        if (i >= -(1LL << 53) && i <= (1LL << 53)) {
            char num[32];

            snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, i);
            return tc_buf_append(b, num, strlen(num));
        }
        return put_double(b, (double)i);
    }
    case JSON_REAL:
        return put_double(b, json_real_value(v));
    case JSON_ARRAY: {
        size_t i;

        if ((e = tc_buf_append(b, "[", 1)) != TC_ERR_OK) {
            return e;
        }
        for (i = 0; i < json_array_size(v); i++) {
            if (i > 0 && (e = tc_buf_append(b, ",", 1)) != TC_ERR_OK) {
                return e;
            }
            if ((e = put_value(b, json_array_get(v, i), depth + 1)) != TC_ERR_OK) {
                return e;
            }
        }
        return tc_buf_append(b, "]", 1);
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        const char **keys;
        const char *key;
        json_t *val;

        keys = calloc(n > 0 ? n : 1, sizeof(*keys));
        if (keys == NULL) {
            return tc_fail(TC_ERR_NOMEM, "JCS: %zu keys", n);
        }
        json_object_foreach((json_t *)v, key, val)
        {
            keys[i++] = key;
        }
        qsort(keys, n, sizeof(*keys), key_cmp);
        e = tc_buf_append(b, "{", 1);
        for (i = 0; e == TC_ERR_OK && i < n; i++) {
            if (i > 0) {
                e = tc_buf_append(b, ",", 1);
            }
            if (e == TC_ERR_OK) {
                e = put_string(b, keys[i], strlen(keys[i]));
            }
            if (e == TC_ERR_OK) {
                e = tc_buf_append(b, ":", 1);
            }
            if (e == TC_ERR_OK) {
                e = put_value(b, json_object_get(v, keys[i]), depth + 1);
            }
        }
        free(keys);
        if (e != TC_ERR_OK) {
            return e;
        }
        return tc_buf_append(b, "}", 1);
    }
    }
    return tc_fail(TC_ERR_INTERNAL, "JCS: unknown JSON type");
}

tc_err tc_jcs_dump(const json_t *v, char **out, size_t *outlen)
{
    struct tc_buf b;
    tc_err e;

    tc_buf_init(&b, (size_t)16 << 20);
    if (v == NULL) {
        return tc_fail(TC_ERR_INTERNAL, "JCS: no value");
    }
    e = put_value(&b, v, 0);
    if (e == TC_ERR_OK) {
        e = tc_buf_append(&b, "", 1);
    }
    if (e != TC_ERR_OK) {
        tc_buf_free(&b);
        return e;
    }
    *out = (char *)b.data;
    if (outlen != NULL) {
        *outlen = b.len - 1;
    }
    return TC_ERR_OK;
}
