/* SPDX-License-Identifier: Apache-2.0 */
/* Resource policies (format and decision rule in policy.h). */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "broker/policy.h"
#include "trustchain/ear.h"

int tc_resource_segment_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 128 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            return 0;
        }
    }
    return 1;
}

tc_err tc_resource_policy_check(const json_t *doc)
{
    const char *id = json_string_value(json_object_get(doc, "id"));
    const json_t *res = json_object_get(doc, "resources");
    const json_t *rules = json_object_get(doc, "rules");
    const json_t *match = json_object_get(doc, "match");
    size_t i;
    tc_err e;

    if (!json_is_object(doc)) {
        return tc_fail(TC_ERR_MALFORMED, "resource policy: not a JSON object");
    }
    if (id == NULL || !tc_resource_segment_ok(id, strlen(id)) || strlen(id) >= TC_POLICY_ID_MAX) {
        return tc_fail(TC_ERR_MALFORMED,
                       "resource policy: \"id\" must be 1..63 characters of [A-Za-z0-9._-]");
    }
    if (!json_is_array(res) || json_array_size(res) == 0) {
        return tc_fail(TC_ERR_MALFORMED,
                       "resource policy %s: \"resources\" must be a non-empty array of patterns",
                       id);
    }
    for (i = 0; i < json_array_size(res); i++) {
        const char *p = json_string_value(json_array_get(res, i));

        if (p == NULL || p[0] == '\0' || strlen(p) > 400) {
            return tc_fail(TC_ERR_MALFORMED, "resource policy %s: resources[%zu] not a pattern", id,
                           i);
        }
    }
    if (match != NULL &&
        (!json_is_string(match) || (strcmp(json_string_value(match), "all") != 0 &&
                                    strcmp(json_string_value(match), "any") != 0))) {
        return tc_fail(TC_ERR_MALFORMED, "resource policy %s: \"match\" must be \"all\" or \"any\"",
                       id);
    }
    if (!json_is_array(rules) || json_array_size(rules) == 0) {
        return tc_fail(TC_ERR_MALFORMED, "resource policy %s: \"rules\" must be a non-empty array",
                       id);
    }
    for (i = 0; i < json_array_size(rules); i++) {
        if ((e = tc_rule_check(json_array_get(rules, i))) != TC_ERR_OK) {
            return tc_fail_ctx(e, "resource policy %s: rule %zu", id, i);
        }
    }
    return TC_ERR_OK;
}

/* Does any pattern of the policy cover path?  '*' stays within a segment (FNM_PATHNAME).
 */
static int covers(const json_t *doc, const char *path)
{
    const json_t *res = json_object_get(doc, "resources");
    size_t i;

    for (i = 0; i < json_array_size(res); i++) {
        const char *p = json_string_value(json_array_get(res, i));

        if (p != NULL && (strcmp(p, "*") == 0 || fnmatch(p, path, FNM_PATHNAME) == 0)) {
            return 1;
        }
    }
    return 0;
}

tc_err tc_resource_policy_decide(const json_t *docs, const char *path, const json_t *claims,
                                 int *allow, char *why, size_t whylen)
{
    size_t i, applied = 0;
    char first_allow[256] = "";

    *allow = 0;
    for (i = 0; i < json_array_size(docs); i++) {
        const json_t *doc = json_array_get(docs, i);
        const json_t *rules = json_object_get(doc, "rules");
        const char *id = json_string_value(json_object_get(doc, "id"));
        const char *match = json_string_value(json_object_get(doc, "match"));
        int any = match != NULL && strcmp(match, "any") == 0;
        int ok = any ? 0 : 1;
        char rwhy[400] = "";
        size_t k;

        if (!json_is_object(doc) || !covers(doc, path)) {
            continue;
        }
        applied++;
        if (tc_resource_policy_check(doc) != TC_ERR_OK) {
            snprintf(why, whylen, "policy %s is invalid: %s", id ? id : "?", tc_err_detail());
            return TC_ERR_OK;
        }
        for (k = 0; k < json_array_size(rules); k++) {
            int holds = 0;
            tc_err e =
                tc_rule_eval(json_array_get(rules, k), claims, NULL, &holds, rwhy, sizeof(rwhy));

            if (e != TC_ERR_OK) {
                return e;
            }
            if (any && holds) {
                ok = 1;
                break;
            }
            if (!any && !holds) {
                ok = 0;
                break;
            }
        }
        if (!ok) {
            snprintf(why, whylen, "policy %s denies %s: %s", id, path, rwhy);
            return TC_ERR_OK;
        }
        if (first_allow[0] == '\0') {
            snprintf(first_allow, sizeof(first_allow), "policy %s", id);
        }
    }
    if (applied == 0) {
        snprintf(why, whylen, "no resource policy covers %s (default deny)", path);
        return TC_ERR_OK;
    }
    *allow = 1;
    snprintf(why, whylen, "allowed by %zu polic%s (%s%s)", applied, applied == 1 ? "y" : "ies",
             first_allow, applied > 1 ? ", ..." : "");
    return TC_ERR_OK;
}
