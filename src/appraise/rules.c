/* SPDX-License-Identifier: Apache-2.0 */
/* JSON pointers (RFC 6901) and the rule conditions shared by appraisal and resource policies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/ear.h"

#define PTR_MAX 512

const json_t *tc_json_pointer(const json_t *doc, const char *ptr)
{
    char tok[PTR_MAX];
    const char *p = ptr;

    if (ptr == NULL) {
        return NULL;
    }
    if (*p == '\0') {
        return doc;
    }
    if (*p != '/') {
        /* A plain member name (the rules' shorthand). */
        return json_object_get(doc, ptr);
    }
    while (*p == '/' && doc != NULL) {
        size_t n = 0;

        p++;
        while (*p != '\0' && *p != '/') {
            char c = *p++;

            if (c == '~') {
                if (*p == '0') {
                    c = '~';
                } else if (*p == '1') {
                    c = '/';
                } else {
                    return NULL; /* RFC 6901 section 3: "~" must be followed by 0 or 1 */
                }
                p++;
            }
            if (n + 1 >= sizeof(tok)) {
                return NULL;
            }
            tok[n++] = c;
        }
        tok[n] = '\0';
        if (json_is_object(doc)) {
            doc = json_object_get(doc, tok);
        } else if (json_is_array(doc)) {
            char *end = NULL;
            unsigned long i;

            /* RFC 6901 section 4: array index, no leading zeros. */
            if (n == 0 || (n > 1 && tok[0] == '0') || tok[0] < '0' || tok[0] > '9') {
                return NULL;
            }
            i = strtoul(tok, &end, 10);
            if (*end != '\0') {
                return NULL;
            }
            doc = json_array_get(doc, i);
        } else {
            return NULL;
        }
    }
    return *p == '\0' ? doc : NULL;
}

static const char *const conds[] = {"equals", "not_equals", "in",      "not_in",
                                    "min",    "max",        "present", "in_reference"};
#define N_CONDS (sizeof(conds) / sizeof(conds[0]))

/* The one condition of a rule; NULL and an error if there are none or several. */
static tc_err rule_cond(const json_t *rule, const char **name, const json_t **arg)
{
    size_t i, found = 0;

    if (!json_is_object(rule)) {
        return tc_fail(TC_ERR_MALFORMED, "rule: not a JSON object");
    }
    if (!json_is_string(json_object_get(rule, "claim"))) {
        return tc_fail(TC_ERR_MALFORMED, "rule: \"claim\" (a JSON pointer) missing");
    }
    for (i = 0; i < N_CONDS; i++) {
        const json_t *a = json_object_get(rule, conds[i]);

        if (a != NULL) {
            found++;
            *name = conds[i];
            *arg = a;
        }
    }
    if (found != 1) {
        return tc_fail(TC_ERR_MALFORMED,
                       "rule on \"%s\": needs exactly one of equals, not_equals, in, not_in, min, "
                       "max, present, in_reference (%zu given)",
                       json_string_value(json_object_get(rule, "claim")), found);
    }
    if ((strcmp(*name, "in") == 0 || strcmp(*name, "not_in") == 0) && !json_is_array(*arg)) {
        return tc_fail(TC_ERR_MALFORMED, "rule: \"%s\" needs an array", *name);
    }
    if ((strcmp(*name, "min") == 0 || strcmp(*name, "max") == 0) && !json_is_number(*arg)) {
        return tc_fail(TC_ERR_MALFORMED, "rule: \"%s\" needs a number", *name);
    }
    if (strcmp(*name, "present") == 0 && !json_is_boolean(*arg)) {
        return tc_fail(TC_ERR_MALFORMED, "rule: \"present\" needs true or false");
    }
    if (strcmp(*name, "in_reference") == 0 && !json_is_string(*arg)) {
        return tc_fail(TC_ERR_MALFORMED, "rule: \"in_reference\" needs a reference value name");
    }
    return TC_ERR_OK;
}

tc_err tc_rule_check(const json_t *rule)
{
    const char *name = NULL;
    const json_t *arg = NULL;

    return rule_cond(rule, &name, &arg);
}

/* Equality of JSON values; numbers compare by value; strings compare case-insensitively
 * when both look like hex (measurements are written either way). */
static int value_eq(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        return json_number_value(a) == json_number_value(b);
    }
    if (json_is_string(a) && json_is_string(b)) {
        const char *x = json_string_value(a), *y = json_string_value(b);
        size_t n = json_string_length(a);

        if (n != json_string_length(b)) {
            return 0;
        }
        if (strspn(x, "0123456789abcdefABCDEF") == n && strspn(y, "0123456789abcdefABCDEF") == n) {
            return strncasecmp(x, y, n) == 0;
        }
        return memcmp(x, y, n) == 0;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static int in_array(const json_t *v, const json_t *arr)
{
    size_t i;

    for (i = 0; i < json_array_size(arr); i++) {
        if (value_eq(v, json_array_get(arr, i))) {
            return 1;
        }
    }
    return 0;
}

static void show(const json_t *v, char *buf, size_t len)
{
    char *s;

    if (v == NULL) {
        snprintf(buf, len, "(absent)");
        return;
    }
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(buf, len, "%s", s != NULL ? s : "?");
    if (s != NULL && strlen(s) >= len && len > 4) {
        memcpy(buf + len - 4, "...", 4);
    }
    free(s);
}

tc_err tc_rule_eval(const json_t *rule, const json_t *doc, const json_t *refvals, int *holds,
                    char *why, size_t whylen)
{
    const char *name = NULL, *claim;
    const json_t *arg = NULL, *v;
    char got[160], want[160];
    int h = 0;
    tc_err e;

    if ((e = rule_cond(rule, &name, &arg)) != TC_ERR_OK) {
        return e;
    }
    claim = json_string_value(json_object_get(rule, "claim"));
    v = tc_json_pointer(doc, claim);
    show(v, got, sizeof(got));
    show(arg, want, sizeof(want));
    if (strcmp(name, "present") == 0) {
        h = (v != NULL) == json_is_true(arg);
    } else if (v == NULL) {
        h = 0;
    } else if (strcmp(name, "equals") == 0) {
        h = value_eq(v, arg);
    } else if (strcmp(name, "not_equals") == 0) {
        h = !value_eq(v, arg);
    } else if (strcmp(name, "in") == 0) {
        h = in_array(v, arg);
    } else if (strcmp(name, "not_in") == 0) {
        h = !in_array(v, arg);
    } else if (strcmp(name, "min") == 0) {
        h = json_is_number(v) && json_number_value(v) >= json_number_value(arg);
    } else if (strcmp(name, "max") == 0) {
        h = json_is_number(v) && json_number_value(v) <= json_number_value(arg);
    } else { /* in_reference */
        const json_t *ref = json_object_get(refvals, json_string_value(arg));

        if (!json_is_array(ref) || json_array_size(ref) == 0) {
            h = 0;
            snprintf(want, sizeof(want), "a reference value \"%s\" (none stored)",
                     json_string_value(arg));
        } else {
            h = in_array(v, ref);
            snprintf(want, sizeof(want), "one of %zu reference values \"%s\"", json_array_size(ref),
                     json_string_value(arg));
        }
    }
    if (why != NULL) {
        snprintf(why, whylen, "%s %s %s: %s%s", claim, name, want, h ? "holds" : "fails, got ",
                 h ? "" : got);
    }
    *holds = h;
    return TC_ERR_OK;
}
