/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Appraisal of a TDX quote's claims against a JSON policy: expected
 * measurements (MRTD, RTMRs, MRCONFIGID, MROWNER, ...), TD attributes with
 * debug refused unless allowed, XFAM, report data, accepted TCB statuses and a
 * minimum TEE_TCB_SVN.  Each rule becomes one explained "policy.*" check.
 */
#include <string.h>

#include "trustchain/tdx.h"
#include "trustchain/util.h"

/* A measurement-like member: name, size, where it is in the TD report. */
struct field {
    const char *key;
    size_t len;
    size_t off; /* offsetof in struct tc_tdx_td_report */
    int v15;    /* only in TDX 1.5 bodies */
};

static const struct field FIELDS[] = {
    {"mrtd", 48, offsetof(struct tc_tdx_td_report, mrtd), 0},
    {"rtmr0", 48, offsetof(struct tc_tdx_td_report, rtmr[0]), 0},
    {"rtmr1", 48, offsetof(struct tc_tdx_td_report, rtmr[1]), 0},
    {"rtmr2", 48, offsetof(struct tc_tdx_td_report, rtmr[2]), 0},
    {"rtmr3", 48, offsetof(struct tc_tdx_td_report, rtmr[3]), 0},
    {"mrconfigid", 48, offsetof(struct tc_tdx_td_report, mrconfigid), 0},
    {"mrowner", 48, offsetof(struct tc_tdx_td_report, mrowner), 0},
    {"mrownerconfig", 48, offsetof(struct tc_tdx_td_report, mrownerconfig), 0},
    {"mrseam", 48, offsetof(struct tc_tdx_td_report, mrseam), 0},
    {"mrsignerseam", 48, offsetof(struct tc_tdx_td_report, mrsignerseam), 0},
    {"mrservicetd", 48, offsetof(struct tc_tdx_td_report, mrservicetd), 1},
    {"report_data", 64, offsetof(struct tc_tdx_td_report, report_data), 0},
    {"xfam", 8, offsetof(struct tc_tdx_td_report, xfam), 0},
    {"td_attributes", 8, offsetof(struct tc_tdx_td_report, td_attributes), 0},
};

#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

static const char *const OTHER_KEYS[] = {"td_attributes_mask",    "allow_debug",
                                         "accepted_tcb_statuses", "min_tee_tcb_svn",
                                         "require_tcb",           "description"};

static tc_err hex_exact(const char *key, json_t *s, uint8_t *out, size_t n)
{
    const char *str = json_string_value(s);
    size_t got = 0;

    if (str == NULL || strlen(str) != 2 * n ||
        tc_hex_decode(str, 2 * n, out, n, &got) != TC_ERR_OK || got != n) {
        return tc_fail(TC_ERR_USAGE, "policy: \"%s\" must be %zu bytes of hex", key, n);
    }
    return TC_ERR_OK;
}

/* A hex string or a non-empty array of them. */
static tc_err check_hex_or_list(const char *key, json_t *v, size_t n)
{
    uint8_t buf[64];
    size_t i;
    tc_err e;

    if (json_is_string(v)) {
        return hex_exact(key, v, buf, n);
    }
    if (!json_is_array(v) || json_array_size(v) == 0) {
        return tc_fail(TC_ERR_USAGE, "policy: \"%s\" must be a hex string or a list of them", key);
    }
    for (i = 0; i < json_array_size(v); i++) {
        if ((e = hex_exact(key, json_array_get(v, i), buf, n)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

tc_err tc_tdx_policy_validate(const json_t *policy)
{
    const char *key;
    json_t *v;
    uint8_t buf[16];
    size_t i;
    tc_err e;

    if (!json_is_object(policy)) {
        return tc_fail(TC_ERR_USAGE, "policy: not a JSON object");
    }
    json_object_foreach((json_t *)policy, key, v)
    {
        int known = 0;

        for (i = 0; i < N_FIELDS; i++) {
            if (strcmp(key, FIELDS[i].key) == 0) {
                if ((e = check_hex_or_list(key, v, FIELDS[i].len)) != TC_ERR_OK) {
                    return e;
                }
                known = 1;
            }
        }
        for (i = 0; i < sizeof(OTHER_KEYS) / sizeof(OTHER_KEYS[0]); i++) {
            known |= strcmp(key, OTHER_KEYS[i]) == 0;
        }
        if (!known) {
            return tc_fail(TC_ERR_USAGE, "policy: unknown member \"%s\"", key);
        }
    }
    v = json_object_get(policy, "td_attributes_mask");
    if (v != NULL && (e = hex_exact("td_attributes_mask", v, buf, 8)) != TC_ERR_OK) {
        return e;
    }
    v = json_object_get(policy, "min_tee_tcb_svn");
    if (v != NULL && (e = hex_exact("min_tee_tcb_svn", v, buf, 16)) != TC_ERR_OK) {
        return e;
    }
    v = json_object_get(policy, "allow_debug");
    if (v != NULL && !json_is_boolean(v)) {
        return tc_fail(TC_ERR_USAGE, "policy: \"allow_debug\" must be true or false");
    }
    v = json_object_get(policy, "require_tcb");
    if (v != NULL && !json_is_boolean(v)) {
        return tc_fail(TC_ERR_USAGE, "policy: \"require_tcb\" must be true or false");
    }
    {
        uint32_t mask;

        return tc_tdx_policy_tcb_mask(policy, &mask);
    }
}

tc_err tc_tdx_policy_tcb_mask(const json_t *policy, uint32_t *mask)
{
    json_t *a = json_object_get(policy, "accepted_tcb_statuses");
    size_t i;

    *mask = TC_TDX_TCB_DEFAULT_ACCEPT;
    if (a == NULL) {
        return TC_ERR_OK;
    }
    if (!json_is_array(a) || json_array_size(a) == 0) {
        return tc_fail(TC_ERR_USAGE, "policy: \"accepted_tcb_statuses\" must be a non-empty list");
    }
    *mask = 0;
    for (i = 0; i < json_array_size(a); i++) {
        const char *s = json_string_value(json_array_get(a, i));
        enum tc_tdx_tcb_status st;

        if (s == NULL || tc_tdx_tcb_status_parse(s, &st) != TC_ERR_OK) {
            return tc_fail(TC_ERR_USAGE, "policy: unknown TCB status %s%s%s", s ? "'" : "",
                           s ? s : "(not a string)", s ? "'" : "");
        }
        *mask |= TC_TDX_TCB_BIT(st);
    }
    return TC_ERR_OK;
}

static tc_err check_field(const struct tc_tdx_td_report *td, const struct field *f, json_t *v,
                          const uint8_t *mask, struct tc_verdict *out)
{
    const uint8_t *actual = (const uint8_t *)td + f->off;
    uint8_t want[64], got[64];
    char name[48], exp[129], act[129];
    size_t i, k, n = json_is_array(v) ? json_array_size(v) : 1;
    tc_err e;

    snprintf(name, sizeof(name), "policy.%s", f->key);
    if (f->v15 && !td->is_v15) {
        return tc_verdict_add(out, name, TC_CHECK_FAIL, TC_ERR_POLICY, NULL, NULL,
                              "%s is required but the quote has a TDX 1.0 body", f->key);
    }
    memcpy(got, actual, f->len);
    for (k = 0; mask != NULL && k < f->len; k++) {
        got[k] &= mask[k];
    }
    tc_hex_encode(got, f->len, act);
    for (i = 0; i < n; i++) {
        if ((e = hex_exact(f->key, json_is_array(v) ? json_array_get(v, i) : v, want, f->len)) !=
            TC_ERR_OK) {
            return e;
        }
        for (k = 0; mask != NULL && k < f->len; k++) {
            want[k] &= mask[k];
        }
        if (memcmp(want, got, f->len) == 0) {
            return tc_verdict_add(out, name, TC_CHECK_PASS, TC_ERR_OK, act, act,
                                  n > 1 ? "%s matches accepted value %zu of %zu"
                                        : "%s matches the policy",
                                  f->key, i + 1, n);
        }
    }
    if ((e = hex_exact(f->key, json_is_array(v) ? json_array_get(v, 0) : v, want, f->len)) !=
        TC_ERR_OK) {
        return e;
    }
    for (k = 0; mask != NULL && k < f->len; k++) {
        want[k] &= mask[k];
    }
    tc_hex_encode(want, f->len, exp);
    return tc_verdict_add(out, name, TC_CHECK_FAIL, TC_ERR_POLICY, exp, act,
                          n > 1 ? "%s matches none of the %zu accepted values"
                                : "%s differs from the policy",
                          f->key, n);
}

tc_err tc_tdx_appraise(const struct tc_tdx_quote *q, const struct tc_tdx_result *res,
                       const json_t *policy, struct tc_verdict *v)
{
    const struct tc_tdx_td_report *td = &q->td;
    struct tc_verdict local;
    uint8_t mask[8], min[16];
    json_t *x;
    int allow_debug, debug, have_mask = 0;
    size_t i;
    tc_err e;

    if ((e = tc_tdx_policy_validate(policy)) != TC_ERR_OK) {
        return e;
    }
    tc_verdict_init(&local);
    x = json_object_get(policy, "td_attributes_mask");
    if (x != NULL) {
        if ((e = hex_exact("td_attributes_mask", x, mask, 8)) != TC_ERR_OK) {
            goto out;
        }
        have_mask = 1;
    }
    for (i = 0; i < N_FIELDS; i++) {
        x = json_object_get(policy, FIELDS[i].key);
        if (x == NULL) {
            continue;
        }
        if ((e = check_field(td, &FIELDS[i], x,
                             have_mask && strcmp(FIELDS[i].key, "td_attributes") == 0 ? mask : NULL,
                             &local)) != TC_ERR_OK) {
            goto out;
        }
    }
    /* TDATTRIBUTES.DEBUG: a debuggable TD exposes its memory to the host. */
    allow_debug = json_is_true(json_object_get(policy, "allow_debug"));
    debug = (td->td_attributes[0] & TC_TDX_TD_ATTR_DEBUG) != 0;
    if ((e = tc_verdict_add(
             &local, "policy.debug", debug && !allow_debug ? TC_CHECK_FAIL : TC_CHECK_PASS,
             TC_ERR_POLICY, allow_debug ? "debug allowed" : "debug off", debug ? "debug" : "off",
             debug && !allow_debug ? "the TD is debuggable (TDATTRIBUTES.DEBUG set) and the policy "
                                     "does not allow debug"
             : debug               ? "the TD is debuggable; the policy allows it"
                                   : "the TD is not debuggable")) != TC_ERR_OK) {
        goto out;
    }
    x = json_object_get(policy, "min_tee_tcb_svn");
    if (x != NULL) {
        char exp[33], act[33];
        int ok = 1;

        if ((e = hex_exact("min_tee_tcb_svn", x, min, 16)) != TC_ERR_OK) {
            goto out;
        }
        for (i = 0; i < 16; i++) {
            if (td->tee_tcb_svn[i] < min[i]) {
                ok = 0;
                break;
            }
        }
        tc_hex_encode(min, 16, exp);
        tc_hex_encode(td->tee_tcb_svn, 16, act);
        if ((e = tc_verdict_add(&local, "policy.min_tee_tcb_svn",
                                ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_POLICY, exp, act,
                                ok ? "every TEE_TCB_SVN component meets the minimum"
                                   : "TEE_TCB_SVN component %zu is %u, below the minimum %u",
                                i, i < 16 ? td->tee_tcb_svn[i] : 0, i < 16 ? min[i] : 0)) !=
            TC_ERR_OK) {
            goto out;
        }
    }
    x = json_object_get(policy, "accepted_tcb_statuses");
    if (x != NULL) {
        json_t *rq = json_object_get(policy, "require_tcb");
        int require = rq == NULL || json_is_true(rq);
        uint32_t m;

        if ((e = tc_tdx_policy_tcb_mask(policy, &m)) != TC_ERR_OK) {
            goto out;
        }
        if (res == NULL || !res->tcb_evaluated) {
            e = tc_verdict_add(&local, "policy.tcb_status", require ? TC_CHECK_FAIL : TC_CHECK_SKIP,
                               TC_ERR_POLICY, NULL, NULL,
                               "TCB status was not evaluated (no collateral)");
        } else {
            int ok = (m & TC_TDX_TCB_BIT(res->tcb_status)) != 0;

            e = tc_verdict_add(&local, "policy.tcb_status", ok ? TC_CHECK_PASS : TC_CHECK_FAIL,
                               TC_ERR_POLICY, NULL, tc_tdx_tcb_status_name(res->tcb_status),
                               ok ? "TCB status %s is accepted by the policy"
                                  : "TCB status %s is not accepted by the policy",
                               tc_tdx_tcb_status_name(res->tcb_status));
        }
        if (e != TC_ERR_OK) {
            goto out;
        }
    }
    for (i = 0; i < local.n; i++) {
        const struct tc_check *c = &local.checks[i];

        if ((e = tc_verdict_add(v, c->name, c->status, c->err, c->expected, c->actual,
                                c->detail ? "%s" : NULL, c->detail)) != TC_ERR_OK) {
            goto out;
        }
    }
    {
        const struct tc_check *f = tc_verdict_first_failure(&local);

        e = f != NULL ? f->err : TC_ERR_OK;
    }
out:
    tc_verdict_free(&local);
    return e;
}
