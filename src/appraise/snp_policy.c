/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Appraisal of an SEV-SNP report against a JSON policy: each key is one explained check (or
 * one per TCB component / per TCB), a floor, a ceiling, an allow-list or an exact value.
 * The policy is validated completely before any check is added, so a typo never passes
 * silently.  Keys and defaults: include/trustchain/snp.h (tc_snp_appraise).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/snp.h"
#include "trustchain/util.h"
#include "trustchain/verdict.h"

struct ctx {
    const struct tc_snp_report *r;
    struct tc_verdict *v; /* NULL: validate only */
    tc_err add_err;
};

static void add(struct ctx *c, const char *name, int pass, const char *expected, const char *actual,
                const char *fmt, ...) TC_PRINTF(6, 7);

static void add(struct ctx *c, const char *name, int pass, const char *expected, const char *actual,
                const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    tc_err e;

    if (c->v == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    e = tc_verdict_add(c->v, name, pass ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_POLICY, expected,
                       actual, "%s", detail);
    if (e != TC_ERR_OK && c->add_err == TC_ERR_OK) {
        c->add_err = e;
    }
}

static void skip(struct ctx *c, const char *name, const char *why)
{
    tc_err e;

    if (c->v == NULL) {
        return;
    }
    e = tc_verdict_add(c->v, name, TC_CHECK_SKIP, TC_ERR_OK, NULL, NULL, "%s", why);
    if (e != TC_ERR_OK && c->add_err == TC_ERR_OK) {
        c->add_err = e;
    }
}

static tc_err bad(const char *key, const char *what)
{
    return tc_fail(TC_ERR_JSON, "policy: \"%s\" must be %s", key, what);
}

/* ---- typed readers ---- */

static tc_err get_uint(const json_t *j, const char *key, uint64_t max, uint64_t *out)
{
    json_int_t x;

    if (!json_is_integer(j)) {
        return bad(key, "an integer");
    }
    x = json_integer_value(j);
    if (x < 0 || (uint64_t)x > max) {
        return tc_fail(TC_ERR_JSON, "policy: \"%s\" = %lld is out of range 0..%llu", key,
                       (long long)x, (unsigned long long)max);
    }
    *out = (uint64_t)x;
    return TC_ERR_OK;
}

/* An integer, or a "0x..." string for 64-bit masks. */
static tc_err get_u64(const json_t *j, const char *key, uint64_t *out)
{
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        char *end;

        /* strtoull alone would take "0x-1" (all ones) or "0x 1": hex digits only. */
        if (strncmp(s, "0x", 2) != 0 || s[2] == '\0' ||
            strspn(s + 2, "0123456789abcdefABCDEF") != strlen(s + 2)) {
            return bad(key, "an integer or a \"0x...\" string");
        }
        *out = strtoull(s + 2, &end, 16);
        if (*end != '\0' || strlen(s) > 18) {
            return bad(key, "an integer or a \"0x...\" string");
        }
        return TC_ERR_OK;
    }
    return get_uint(j, key, UINT64_MAX >> 1, out);
}

static tc_err get_bool(const json_t *j, const char *key, int *out)
{
    if (!json_is_boolean(j)) {
        return bad(key, "true or false");
    }
    *out = json_is_true(j);
    return TC_ERR_OK;
}

static tc_err get_version(const json_t *j, const char *key, unsigned *major, unsigned *minor)
{
    const char *s;
    int n = 0;

    if (!json_is_string(j)) {
        return bad(key, "a \"major.minor\" string");
    }
    s = json_string_value(j);
    /* Digits only: sscanf's %u alone would also take " 1.+2" or "1.-0". */
    if (strspn(s, "0123456789.") != strlen(s) || s[0] == '.' ||
        sscanf(s, "%3u.%3u%n", major, minor, &n) != 2 || s[n] != '\0' || *major > 255 ||
        *minor > 255) {
        return bad(key, "a \"major.minor\" string (0-255 each)");
    }
    return TC_ERR_OK;
}

/* Hex of exactly n bytes (or at most n with prefix_ok: zero-padded on the right). */
static tc_err get_hex(const json_t *j, const char *key, size_t n, int prefix_ok, uint8_t *out)
{
    const char *s;
    size_t len = 0;
    tc_err e;

    if (!json_is_string(j)) {
        return bad(key, "a hex string");
    }
    s = json_string_value(j);
    memset(out, 0, n);
    e = tc_hex_decode(s, strlen(s), out, n, &len);
    if (e != TC_ERR_OK) {
        return tc_fail(TC_ERR_JSON, "policy: \"%s\": %s", key, tc_err_detail());
    }
    if (len != n && !(prefix_ok && len > 0)) {
        return tc_fail(TC_ERR_JSON, "policy: \"%s\" must be %zu bytes of hex, got %zu", key, n,
                       len);
    }
    return TC_ERR_OK;
}

/* ---- the checks ---- */

#define MAX_LIST 64

/* One value or an allow-list: the field must equal one of them. */
static tc_err one_of(struct ctx *c, const json_t *j, const char *key, const uint8_t *field,
                     size_t n, size_t alt_n)
{
    uint8_t want[64];
    char name[64], actual[129], expected[160];
    size_t i, count;
    int hit = 0;
    tc_err e;

    count = json_is_array(j) ? json_array_size(j) : 1;
    if (json_is_array(j) && (count == 0 || count > MAX_LIST)) {
        return tc_fail(TC_ERR_JSON, "policy: \"%s\" must list 1 to %d values", key, MAX_LIST);
    }
    expected[0] = '\0';
    for (i = 0; i < count; i++) {
        const json_t *it = json_is_array(j) ? json_array_get(j, i) : j;
        size_t wn = n;

        /* An alternative length (Turin: an 8-byte chip ID, the rest zero). */
        if (alt_n != 0 && json_is_string(it) && strlen(json_string_value(it)) == 2 * alt_n) {
            wn = alt_n;
        }
        e = get_hex(it, key, wn, 0, want);
        if (e != TC_ERR_OK) {
            return e;
        }
        if (wn < n) {
            memset(want + wn, 0, n - wn);
        }
        hit = hit || memcmp(want, field, n) == 0;
        if (i == 0) {
            tc_hex_encode(want, n > 64 ? 64 : n, expected);
        }
    }
    if (count > 1) {
        size_t l = strlen(expected);

        snprintf(expected + l, sizeof(expected) - l, " (or %zu more)", count - 1);
    }
    snprintf(name, sizeof(name), "policy.%s", key);
    tc_hex_encode(field, n, actual);
    add(c, name, hit, expected, actual, hit ? "%s is allowed" : "%s is not allowed", key);
    return TC_ERR_OK;
}

static tc_err exact(struct ctx *c, const json_t *j, const char *key, const uint8_t *field, size_t n,
                    int prefix_ok)
{
    uint8_t want[64];
    char name[64], actual[129], expected[129];
    int ok;
    tc_err e = get_hex(j, key, n, prefix_ok, want);

    if (e != TC_ERR_OK) {
        return e;
    }
    ok = memcmp(want, field, n) == 0;
    snprintf(name, sizeof(name), "policy.%s", key);
    add(c, name, ok, tc_hex_encode(want, n, expected), tc_hex_encode(field, n, actual),
        ok ? "%s matches" : "%s differs", key);
    return TC_ERR_OK;
}

static const char *comp_names[] = {"fmc", "bootloader", "tee", "snp", "microcode"};

static uint8_t comp(const struct tc_snp_tcb *t, size_t i)
{
    switch (i) {
    case 0:
        return t->fmc;
    case 1:
        return t->bootloader;
    case 2:
        return t->tee;
    case 3:
        return t->snp;
    }
    return t->microcode;
}

/* {"bootloader": N, ...}: each a floor on each of the given TCBs. */
static tc_err tcb_floor(struct ctx *c, const json_t *j, const char *key,
                        const struct tc_snp_tcb *const *tcbs, const char *const *tcb_names,
                        size_t n_tcbs)
{
    const char *k;
    json_t *val;
    size_t i, t;

    if (!json_is_object(j)) {
        return bad(key, "an object of TCB components");
    }
    json_object_foreach((json_t *)j, k, val)
    {
        uint64_t floor;
        tc_err e;

        for (i = 0; i < 5 && strcmp(k, comp_names[i]) != 0; i++) {
        }
        if (i == 5) {
            return tc_fail(TC_ERR_JSON,
                           "policy: \"%s\": unknown TCB component \"%s\" (fmc, "
                           "bootloader, tee, snp, microcode)",
                           key, k);
        }
        e = get_uint(val, k, 255, &floor);
        if (e != TC_ERR_OK) {
            return e;
        }
        for (t = 0; t < n_tcbs; t++) {
            char name[96], es[8], as[8];
            uint8_t have = comp(tcbs[t], i);

            snprintf(name, sizeof(name), "policy.%s%s%s.%s", key, tcb_names[t][0] ? "." : "",
                     tcb_names[t], k);
            if (i == 0 && !tcbs[t]->turin) {
                skip(c, name, "no FMC component before Turin");
                continue;
            }
            snprintf(es, sizeof(es), ">=%u", (unsigned)floor);
            snprintf(as, sizeof(as), "%u", have);
            add(c, name, have >= floor, es, as, "%s %s SPL %s the minimum",
                tcb_names[t][0] ? tcb_names[t] : "launch", k, have >= floor ? "meets" : "is below");
        }
    }
    return TC_ERR_OK;
}

static void floor_check(struct ctx *c, const char *name, uint64_t have, uint64_t floor,
                        const char *what)
{
    char es[32], as[32];

    snprintf(es, sizeof(es), ">=%llu", (unsigned long long)floor);
    snprintf(as, sizeof(as), "%llu", (unsigned long long)have);
    add(c, name, have >= floor, es, as, "%s %s the minimum", what,
        have >= floor ? "meets" : "is below");
}

static void version_floor(struct ctx *c, const char *name, unsigned have_major, unsigned have_minor,
                          unsigned major, unsigned minor, const char *what)
{
    char es[32], as[32];
    int ok = (have_major << 8 | have_minor) >= (major << 8 | minor);

    snprintf(es, sizeof(es), ">=%u.%u", major, minor);
    snprintf(as, sizeof(as), "%u.%u", have_major, have_minor);
    add(c, name, ok, es, as, "%s %s the minimum", what, ok ? "meets" : "is below");
}

/* A guest-policy bit: allowed (ceiling: may be set only if allowed) or required (floor). */
static void policy_bit(struct ctx *c, const char *name, uint64_t bit, int allowed_or_required,
                       int is_require, const char *what)
{
    int set = (c->r->policy & bit) != 0;
    int ok = is_require ? (!allowed_or_required || set) : (allowed_or_required || !set);
    const char *exp = is_require ? (allowed_or_required ? "set" : "any")
                                 : (allowed_or_required ? "any" : "clear");

    add(c, name, ok, exp, set ? "set" : "clear", "guest policy %s: %s", what,
        ok ? "acceptable" : (is_require ? "required but not set" : "set but not allowed"));
}

static const struct {
    const char *key;
    uint64_t bit;
} platform_flags[] = {
    {"smt_enabled", TC_SNP_PLATFORM_SMT_EN},
    {"tsme_enabled", TC_SNP_PLATFORM_TSME_EN},
    {"ecc_enabled", TC_SNP_PLATFORM_ECC_EN},
    {"rapl_disabled", TC_SNP_PLATFORM_RAPL_DIS},
    {"ciphertext_hiding_enabled", TC_SNP_PLATFORM_CIPHERTEXT_HIDING_EN},
    {"alias_check_complete", TC_SNP_PLATFORM_ALIAS_CHECK_COMPLETE},
    {"tio_enabled", TC_SNP_PLATFORM_TIO_EN},
};

static tc_err platform(struct ctx *c, const json_t *j)
{
    const char *k;
    json_t *val;
    size_t i;

    if (!json_is_object(j)) {
        return bad("platform_info", "an object of flags");
    }
    json_object_foreach((json_t *)j, k, val)
    {
        int want = 0;
        tc_err e;

        for (i = 0; i < sizeof(platform_flags) / sizeof(platform_flags[0]) &&
                    strcmp(k, platform_flags[i].key) != 0;
             i++) {
        }
        if (i == sizeof(platform_flags) / sizeof(platform_flags[0])) {
            return tc_fail(TC_ERR_JSON, "policy: \"platform_info\": unknown flag \"%s\"", k);
        }
        e = get_bool(val, k, &want);
        if (e != TC_ERR_OK) {
            return e;
        }
        {
            char name[80];
            int have = (c->r->platform_info & platform_flags[i].bit) != 0;

            snprintf(name, sizeof(name), "policy.platform_info.%s", k);
            add(c, name, have == want, want ? "true" : "false", have ? "true" : "false",
                "PLATFORM_INFO %s %s", k, have == want ? "as required" : "not as required");
        }
    }
    return TC_ERR_OK;
}

static int tcb_le(const struct tc_snp_tcb *a, const struct tc_snp_tcb *b)
{
    size_t i;

    for (i = a->turin ? 0 : 1; i < 5; i++) {
        if (comp(a, i) > comp(b, i)) {
            return 0;
        }
    }
    return 1;
}

static void provisional(struct ctx *c, int permit)
{
    const struct tc_snp_report *r = c->r;
    char es[64], as[64];
    int same = r->committed_tcb.raw == r->current_tcb.raw &&
               r->committed_build == r->current_build && r->committed_major == r->current_major &&
               r->committed_minor == r->current_minor;

    snprintf(es, sizeof(es), "0x%016llx %u.%u b%u", (unsigned long long)r->committed_tcb.raw,
             r->committed_major, r->committed_minor, r->committed_build);
    snprintf(as, sizeof(as), "0x%016llx %u.%u b%u", (unsigned long long)r->current_tcb.raw,
             r->current_major, r->current_minor, r->current_build);
    if (!permit) {
        add(c, "policy.provisional_firmware", same, es, as,
            same ? "committed TCB and firmware equal the current ones"
                 : "provisional firmware: the current TCB/firmware is not committed "
                   "(permit_provisional_firmware is false)");
    } else {
        /* Provisional firmware may run above what is committed, never below it: the TCB per
         * component, and the firmware major.minor.build (ordered as one version). */
        unsigned long cm = (unsigned long)r->committed_major << 16 |
                           (unsigned long)r->committed_minor << 8 | r->committed_build;
        unsigned long cu = (unsigned long)r->current_major << 16 |
                           (unsigned long)r->current_minor << 8 | r->current_build;
        int ok = tcb_le(&r->committed_tcb, &r->current_tcb) && cm <= cu;

        add(c, "policy.provisional_firmware", ok, es, as,
            ok ? "committed TCB and firmware are not above the current ones (provisional "
                 "firmware permitted)"
               : "committed TCB or firmware is above the current one");
    }
}

static const struct {
    const char *key;
    uint64_t bit;
    int def;        /* value when absent; -1: no check */
    int is_require; /* 0: allow_* (ceiling), 1: require_* (floor) */
    const char *name;
} bits[] = {
    {"allow_debug", TC_SNP_POLICY_DEBUG, 0, 0, "policy.debug"},
    {"allow_migration_agent", TC_SNP_POLICY_MIGRATE_MA, 0, 0, "policy.migration_agent"},
    {"allow_smt", TC_SNP_POLICY_SMT, -1, 0, "policy.smt"},
    {"allow_cxl", TC_SNP_POLICY_CXL_ALLOW, -1, 0, "policy.cxl"},
    {"require_single_socket", TC_SNP_POLICY_SINGLE_SOCKET, -1, 1, "policy.single_socket"},
    {"require_mem_aes_256_xts", TC_SNP_POLICY_MEM_AES_256_XTS, -1, 1, "policy.mem_aes_256_xts"},
    {"require_rapl_disabled", TC_SNP_POLICY_RAPL_DIS, -1, 1, "policy.rapl_disabled"},
    {"require_ciphertext_hiding", TC_SNP_POLICY_CIPHERTEXT_HIDING, -1, 1,
     "policy.ciphertext_hiding"},
    {"require_page_swap_disabled", TC_SNP_POLICY_PAGE_SWAP_DISABLE, -1, 1,
     "policy.page_swap_disabled"},
};

#define N_BITS (sizeof(bits) / sizeof(bits[0]))

static tc_err run(struct ctx *c, const json_t *pol)
{
    const struct tc_snp_report *r = c->r;
    const char *k;
    json_t *val;
    int bit_val[N_BITS];
    int permit_prov = 0;
    size_t i;
    tc_err e = TC_ERR_OK;

    if (!json_is_object(pol)) {
        return tc_fail(TC_ERR_JSON, "policy: must be a JSON object");
    }
    for (i = 0; i < N_BITS; i++) {
        bit_val[i] = bits[i].def;
    }
    json_object_foreach((json_t *)pol, k, val)
    {
        if (strcmp(k, "measurement") == 0) {
            e = one_of(c, val, k, r->measurement, 48, 0);
        } else if (strcmp(k, "id_key_digest") == 0) {
            e = one_of(c, val, k, r->id_key_digest, 48, 0);
        } else if (strcmp(k, "author_key_digest") == 0) {
            e = one_of(c, val, k, r->author_key_digest, 48, 0);
        } else if (strcmp(k, "chip_id") == 0) {
            e = one_of(c, val, k, r->chip_id, 64, 8);
        } else if (strcmp(k, "host_data") == 0) {
            e = exact(c, val, k, r->host_data, 32, 0);
        } else if (strcmp(k, "report_data") == 0) {
            e = exact(c, val, k, r->report_data, 64, 1);
        } else if (strcmp(k, "family_id") == 0) {
            e = exact(c, val, k, r->family_id, 16, 0);
        } else if (strcmp(k, "image_id") == 0) {
            e = exact(c, val, k, r->image_id, 16, 0);
        } else if (strcmp(k, "min_tcb") == 0) {
            const struct tc_snp_tcb *t[3] = {&r->reported_tcb, &r->committed_tcb, &r->current_tcb};
            const char *const nm[3] = {"reported", "committed", "current"};

            e = tcb_floor(c, val, k, t, nm, 3);
        } else if (strcmp(k, "min_launch_tcb") == 0) {
            const struct tc_snp_tcb *t[1] = {&r->launch_tcb};
            const char *const nm[1] = {""};

            e = tcb_floor(c, val, k, t, nm, 1);
        } else if (strcmp(k, "min_guest_svn") == 0) {
            uint64_t f;

            e = get_uint(val, k, UINT32_MAX, &f);
            if (e == TC_ERR_OK) {
                floor_check(c, "policy.min_guest_svn", r->guest_svn, f, "GUEST_SVN");
            }
        } else if (strcmp(k, "min_build") == 0) {
            uint64_t f;

            e = get_uint(val, k, 255, &f);
            if (e == TC_ERR_OK) {
                floor_check(c, "policy.min_build.current", r->current_build, f, "CURRENT_BUILD");
                floor_check(c, "policy.min_build.committed", r->committed_build, f,
                            "COMMITTED_BUILD");
            }
        } else if (strcmp(k, "min_abi") == 0) {
            unsigned ma, mi;

            e = get_version(val, k, &ma, &mi);
            if (e == TC_ERR_OK) {
                version_floor(c, "policy.min_abi.current", r->current_major, r->current_minor, ma,
                              mi, "firmware ABI (current)");
                version_floor(c, "policy.min_abi.committed", r->committed_major, r->committed_minor,
                              ma, mi, "firmware ABI (committed)");
            }
        } else if (strcmp(k, "min_policy_abi") == 0) {
            unsigned ma, mi;

            e = get_version(val, k, &ma, &mi);
            if (e == TC_ERR_OK) {
                version_floor(c, "policy.min_policy_abi", (unsigned)((r->policy >> 8) & 0xff),
                              (unsigned)(r->policy & 0xff), ma, mi, "guest policy ABI");
            }
        } else if (strcmp(k, "vmpl") == 0 || strcmp(k, "max_vmpl") == 0) {
            uint64_t want = 0;

            e = get_uint(val, k, UINT32_MAX, &want);
            if (e == TC_ERR_OK) {
                char es[24], as[24];
                int is_max = k[0] == 'm';
                int ok = is_max ? r->vmpl <= want : r->vmpl == want;

                snprintf(es, sizeof(es), "%s%llu", is_max ? "<=" : "", (unsigned long long)want);
                snprintf(as, sizeof(as), "%u", r->vmpl);
                add(c, is_max ? "policy.max_vmpl" : "policy.vmpl", ok, es, as,
                    ok ? "VMPL acceptable" : "VMPL not acceptable");
            }
        } else if (strcmp(k, "require_author_key") == 0) {
            int want = 0;

            e = get_bool(val, k, &want);
            if (e == TC_ERR_OK && want) {
                add(c, "policy.author_key", r->author_key_en, "AUTHOR_KEY_EN=1",
                    r->author_key_en ? "AUTHOR_KEY_EN=1" : "AUTHOR_KEY_EN=0",
                    r->author_key_en ? "the ID block is signed by an author key"
                                     : "no author key signed the ID block");
            }
        } else if (strcmp(k, "platform_info") == 0) {
            e = platform(c, val);
        } else if (strcmp(k, "permit_provisional_firmware") == 0) {
            e = get_bool(val, k, &permit_prov);
        } else if (strcmp(k, "signer") == 0) {
            const char *s = json_is_string(val) ? json_string_value(val) : "";
            int want = 0;

            if (strcmp(s, "vcek") == 0) {
                want = TC_SNP_SIGNER_VCEK;
            } else if (strcmp(s, "vlek") == 0) {
                want = TC_SNP_SIGNER_VLEK;
            } else if (strcmp(s, "any") == 0) {
                want = -1;
            } else {
                return bad(k, "\"vcek\", \"vlek\" or \"any\"");
            }
            if (want >= 0) {
                int ok = (int)r->signing_key == want;

                add(c, "policy.signer", ok, s,
                    r->signing_key == TC_SNP_SIGNER_VLEK   ? "vlek"
                    : r->signing_key == TC_SNP_SIGNER_VCEK ? "vcek"
                                                           : "none",
                    ok ? "signed by the required key" : "not signed by the required key");
            }
        } else if (strcmp(k, "product") == 0) {
            enum tc_snp_product p;

            if (!json_is_string(val) ||
                tc_snp_product_parse(json_string_value(val), &p) != TC_ERR_OK) {
                return bad(k, "\"Milan\", \"Genoa\" or \"Turin\"");
            }
            add(c, "policy.product", r->product == p, tc_snp_product_name(p),
                tc_snp_product_name(r->product),
                r->product == p ? "product as required" : "not the required product");
        } else if (strcmp(k, "min_launch_mit_vector") == 0 ||
                   strcmp(k, "min_current_mit_vector") == 0) {
            uint64_t want = 0;

            e = get_u64(val, k, &want);
            if (e == TC_ERR_OK) {
                int launch = k[4] == 'l';
                const char *name =
                    launch ? "policy.launch_mit_vector" : "policy.current_mit_vector";
                uint64_t have = launch ? r->launch_mit_vector : r->current_mit_vector;
                char es[24], as[24];

                if (!r->has_mit_vectors) {
                    add(c, name, want == 0, NULL, NULL,
                        "report version %u has no mitigation vectors", r->version);
                } else {
                    snprintf(es, sizeof(es), "0x%llx", (unsigned long long)want);
                    snprintf(as, sizeof(as), "0x%llx", (unsigned long long)have);
                    add(c, name, (have & want) == want, es, as,
                        (have & want) == want ? "every required mitigation is present"
                                              : "a required mitigation is missing");
                }
            }
        } else {
            for (i = 0; i < N_BITS && strcmp(k, bits[i].key) != 0; i++) {
            }
            if (i == N_BITS) {
                return tc_fail(TC_ERR_JSON, "policy: unknown key \"%s\"", k);
            }
            e = get_bool(val, k, &bit_val[i]);
        }
        if (e != TC_ERR_OK) {
            return e;
        }
    }
    for (i = 0; i < N_BITS; i++) {
        if (bit_val[i] >= 0) {
            policy_bit(c, bits[i].name, bits[i].bit, bit_val[i], bits[i].is_require,
                       bits[i].key + (bits[i].is_require ? 8 : 6));
        }
    }
    provisional(c, permit_prov);
    return TC_ERR_OK;
}

tc_err tc_snp_policy_validate(const json_t *policy)
{
    struct tc_snp_report dummy;
    struct ctx c = {.r = &dummy, .v = NULL, .add_err = TC_ERR_OK};

    memset(&dummy, 0, sizeof(dummy));
    return run(&c, policy);
}

tc_err tc_snp_appraise(const struct tc_snp_report *r, const json_t *policy, struct tc_verdict *v)
{
    struct ctx c = {.r = r, .v = NULL, .add_err = TC_ERR_OK};
    size_t before = v->n, i;
    tc_err e = run(&c, policy);

    if (e != TC_ERR_OK) {
        return e;
    }
    c.v = v;
    e = run(&c, policy);
    if (e == TC_ERR_OK) {
        e = c.add_err;
    }
    if (e != TC_ERR_OK) {
        return e;
    }
    for (i = before; i < v->n; i++) {
        if (v->checks[i].status == TC_CHECK_FAIL) {
            char buf[600];
            const struct tc_check *f = &v->checks[i];

            snprintf(buf, sizeof(buf), "%s: %s", f->name, f->detail != NULL ? f->detail : "");
            return tc_fail(TC_ERR_POLICY, "%s", buf);
        }
    }
    return TC_ERR_OK;
}
