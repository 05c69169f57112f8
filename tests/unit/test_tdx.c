/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX quotes from the field (../shared/testdata/tdx, README.md there gives the
 * expected verdicts and times), the one-byte corruption table, TDREPORT
 * hashes, and parser negatives (truncation, versions, reserved, sizes).
 */
#include <stdint.h>
#include <unistd.h>

#include "harness.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"

#define ACCEPT NULL

static uint8_t *load(const char *rel, size_t *len)
{
    const char *p = t_testdata(rel);
    uint8_t *d = NULL;

    if (p == NULL || tc_file_read(p, (size_t)1 << 24, &d, len) != TC_ERR_OK) {
        return NULL;
    }
    return d;
}

static char tmpdir[64];

/* A --collateral-dir of symlinks into the test data (nothing is copied). */
static int make_dir(const char *name, const char *const *pairs)
{
    char dir[256], dst[512];
    size_t i;

    snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
    if (mkdir(dir, 0700) != 0) {
        return 0;
    }
    for (i = 0; pairs[i] != NULL; i += 2) {
        char src[4096];
        const char *p = t_testdata(pairs[i + 1]);

        if (p == NULL || realpath(p, src) == NULL) {
            return 0;
        }
        snprintf(dst, sizeof(dst), "%s/%s", dir, pairs[i]);
        if (symlink(src, dst) != 0) {
            return 0;
        }
    }
    return 1;
}

enum coll_kind { C_NONE, C_JSON, C_DIR };

struct field_case {
    const char *what;
    const char *quote;
    enum coll_kind kind;
    const char *coll; /* JSON file or dir name under tmpdir */
    const char *at;
    int trust_qvl_root;
    const char *first_fail; /* ACCEPT, or the name of the first failed check */
    tc_err fail_err;
    int tcb; /* -1: not evaluated; else the expected enum tc_tdx_tcb_status */
};

static const struct field_case FIELD[] = {
    /* go-tdx-guest: SPR E4 production v4 quote */
    {"SPR v4 without collateral (upstream 2023-07-01)",
     "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", C_NONE, NULL, "2023-07-01T00:00:00Z", 0, ACCEPT,
     0, -1},
    {"SPR v4 at the PCK leaf's last second", "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", C_NONE,
     NULL, "2029-09-20T13:20:30Z", 0, ACCEPT, 0, -1},
    {"SPR v4 after the PCK leaf expired", "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", C_NONE,
     NULL, "2029-09-20T13:20:31Z", 0, "pck.chain.validity", TC_ERR_EXPIRED, -1},
    {"SPR v4 in 2053 (upstream: certificate has expired)",
     "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", C_NONE, NULL, "2053-01-01T00:00:00Z", 0,
     "pck.chain.validity", TC_ERR_EXPIRED, -1},
    {"SPR v4 before the PCK leaf was issued", "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", C_NONE,
     NULL, "2022-01-01T00:00:00Z", 0, "pck.chain.validity", TC_ERR_EXPIRED, -1},
    {"SPR v4 with go-tdx-guest collateral: no matching TCB level",
     "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", C_DIR, "go", "2023-07-01T00:00:00Z", 0,
     "tcb.level", TC_ERR_TCB, TC_TDX_TCB_NOT_SUPPORTED},
    /* go-tdx-guest: v5 sample */
    {"v5 sample without collateral (upstream 2026-02-03)", "tdx/go-tdx-guest/quote_v5_sample.dat",
     C_NONE, NULL, "2026-02-03T00:00:00Z", 0, ACCEPT, 0, -1},
    {"v5 sample with TCB info v5 + Intel's renewed TCB signing cert: UpToDate",
     "tdx/go-tdx-guest/quote_v5_sample.dat", C_DIR, "v5renewed", "2026-02-03T00:00:00Z", 0, ACCEPT,
     0, TC_TDX_TCB_UP_TO_DATE},
    {"v5 sample with TCB info v5 + the expired copy of the TCB signing cert",
     "tdx/go-tdx-guest/quote_v5_sample.dat", C_DIR, "v5old", "2026-02-03T00:00:00Z", 0,
     "tcb_info.chain.validity", TC_ERR_EXPIRED, TC_TDX_TCB_UP_TO_DATE},
    /* dcap-qvl: UpToDate v4 and its window */
    {"dcap-qvl v4 at upstream's now: UpToDate", "tdx/dcap-qvl/tdx_quote", C_JSON,
     "tdx/dcap-qvl/tdx_quote_collateral.json", "2025-07-19T10:00:34Z", 0, ACCEPT, 0,
     TC_TDX_TCB_UP_TO_DATE},
    {"dcap-qvl v4 at the window's start", "tdx/dcap-qvl/tdx_quote", C_JSON,
     "tdx/dcap-qvl/tdx_quote_collateral.json", "2025-06-19T10:32:27Z", 0, ACCEPT, 0,
     TC_TDX_TCB_UP_TO_DATE},
    {"dcap-qvl v4 one second before the window", "tdx/dcap-qvl/tdx_quote", C_JSON,
     "tdx/dcap-qvl/tdx_quote_collateral.json", "2025-06-19T10:32:26Z", 0, "qe_identity.validity",
     TC_ERR_EXPIRED, TC_TDX_TCB_UP_TO_DATE},
    {"dcap-qvl v4 at the window's end (PCK CRL nextUpdate)", "tdx/dcap-qvl/tdx_quote", C_JSON,
     "tdx/dcap-qvl/tdx_quote_collateral.json", "2025-07-19T10:00:35Z", 0, "*validity",
     TC_ERR_EXPIRED, TC_TDX_TCB_UP_TO_DATE},
    /* dcap-qvl: v5 outdated -> no TCB level */
    {"dcap-qvl v5 'outdated': no matching TCB level", "tdx/dcap-qvl/tdx_quote_outdated", C_JSON,
     "tdx/dcap-qvl/tdx_quote_outdated_collateral.json", "2026-03-01T00:00:00Z", 0, "tcb.level",
     TC_ERR_TCB, TC_TDX_TCB_NOT_SUPPORTED},
    {"dcap-qvl v5 'outdated' at its window's start", "tdx/dcap-qvl/tdx_quote_outdated", C_JSON,
     "tdx/dcap-qvl/tdx_quote_outdated_collateral.json", "2026-02-18T10:58:51Z", 0, "tcb.level",
     TC_ERR_TCB, TC_TDX_TCB_NOT_SUPPORTED},
    /* cross-repo bundle */
    {"cross bundle: v5 sample + dcap-qvl collateral: UpToDate",
     "tdx/go-tdx-guest/quote_v5_sample.dat", C_JSON,
     "tdx/dcap-qvl/tdx_quote_outdated_collateral.json", "2026-02-18T10:58:51Z", 0, ACCEPT, 0,
     TC_TDX_TCB_UP_TO_DATE},
    {"cross bundle at its window's last second", "tdx/go-tdx-guest/quote_v5_sample.dat", C_JSON,
     "tdx/dcap-qvl/tdx_quote_outdated_collateral.json", "2026-03-20T10:41:14Z", 0, ACCEPT, 0,
     TC_TDX_TCB_UP_TO_DATE},
    {"cross bundle at its window's end", "tdx/go-tdx-guest/quote_v5_sample.dat", C_JSON,
     "tdx/dcap-qvl/tdx_quote_outdated_collateral.json", "2026-03-20T10:41:15Z", 0, "*validity",
     TC_ERR_EXPIRED, TC_TDX_TCB_UP_TO_DATE},
    {"cross bundle one second before its window", "tdx/go-tdx-guest/quote_v5_sample.dat", C_JSON,
     "tdx/dcap-qvl/tdx_quote_outdated_collateral.json", "2026-02-18T10:58:50Z", 0, "*validity",
     TC_ERR_EXPIRED, TC_TDX_TCB_UP_TO_DATE},
    /* more real quotes without collateral */
    {"COS 113 v4 quote (8000 bytes, zero padded)", "tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat",
     C_NONE, NULL, "2025-01-01T00:00:00Z", 0, ACCEPT, 0, -1},
    {"dstack tdx-quote.bin", "tdx/dcap-qvl/tdx-quote.bin", C_NONE, NULL, "2025-01-01T00:00:00Z", 0,
     ACCEPT, 0, -1},
    {"dstack quote-from-tappd.bin", "tdx/dcap-qvl/quote-from-tappd.bin", C_NONE, NULL,
     "2025-01-01T00:00:00Z", 0, ACCEPT, 0, -1},
    {"dstack quote after its PCK leaf expired", "tdx/dcap-qvl/quote-from-tappd.bin", C_NONE, NULL,
     "2031-08-03T00:00:00Z", 0, "pck.chain.validity", TC_ERR_EXPIRED, -1},
    /* Intel QVL synthetic sample: a test root */
    {"QVL sample: its test root is not Intel's", "tdx/intel-qvl-sampleData/tdx/quote.dat", C_NONE,
     NULL, "2023-07-01T00:00:00Z", 0, "pck.chain.root", TC_ERR_UNTRUSTED, -1},
    {"QVL sample with its test root pinned explicitly (DER chain, root first)",
     "tdx/intel-qvl-sampleData/tdx/quote.dat", C_NONE, NULL, "2023-07-01T00:00:00Z", 1, ACCEPT, 0,
     -1},
    {"QVL sample with its collateral: QE identity mismatch",
     "tdx/intel-qvl-sampleData/tdx/quote.dat", C_DIR, "qvl", "2023-07-01T00:00:00Z", 1,
     "qe_identity.match", TC_ERR_MISMATCH, TC_TDX_TCB_NOT_SUPPORTED},
};

static const struct tc_check *find_check(const struct tc_verdict *v, const char *name)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (strcmp(v->checks[i].name, name) == 0) {
            return &v->checks[i];
        }
    }
    return NULL;
}

static int check_passed(const struct tc_verdict *v, const char *name)
{
    const struct tc_check *c = find_check(v, name);

    return c != NULL && c->status == TC_CHECK_PASS;
}

static int run_field(const struct field_case *fc, struct tc_verdict *v, struct tc_tdx_result *res,
                     tc_err *verr)
{
    uint8_t *q = NULL, *cj = NULL;
    size_t ql = 0, cl = 0;
    struct tc_tdx_quote quote;
    struct tc_tdx_verify_opts o;
    struct tc_tdx_collateral *col = NULL;
    tc_tdx_root_key qvl_root;
    int ok = 0;

    memset(&o, 0, sizeof(o));
    q = load(fc->quote, &ql);
    if (q == NULL || tc_time_parse(fc->at, &o.at) != TC_ERR_OK ||
        tc_tdx_quote_parse(q, ql, &quote) != TC_ERR_OK) {
        printf("# %s: cannot load/parse: %s\n", fc->what, tc_err_detail());
        goto out;
    }
    if (fc->kind == C_JSON) {
        cj = load(fc->coll, &cl);
        if (cj == NULL || tc_tdx_collateral_parse_json(cj, cl, &col) != TC_ERR_OK) {
            printf("# %s: collateral: %s\n", fc->what, tc_err_detail());
            goto out;
        }
    } else if (fc->kind == C_DIR) {
        char dir[256];

        snprintf(dir, sizeof(dir), "%s/%s", tmpdir, fc->coll);
        if (tc_tdx_collateral_load_dir(dir, &col) != TC_ERR_OK) {
            printf("# %s: collateral dir: %s\n", fc->what, tc_err_detail());
            goto out;
        }
    }
    if (fc->trust_qvl_root) {
        uint8_t *pem;
        size_t pl;

        pem = load("tdx/intel-qvl-sampleData/tdx/trustedRootCaCert.pem", &pl);
        if (pem == NULL || tc_tdx_root_key_from_pem(pem, pl, qvl_root) != TC_ERR_OK) {
            free(pem);
            goto out;
        }
        free(pem);
        o.extra_roots = &qvl_root;
        o.n_extra_roots = 1;
    }
    o.collateral = col;
    *verr = tc_tdx_verify(&quote, &o, res, v);
    ok = 1;
out:
    tc_tdx_collateral_free(col);
    free(q);
    free(cj);
    return ok;
}

static void test_field(void)
{
    static const char *const go[] = {"tcb_info.json",
                                     "tdx/go-tdx-guest/sample_tcbInfo_response",
                                     "qe_identity.json",
                                     "tdx/go-tdx-guest/sample_qeIdentity_response",
                                     "tcb_signing_chain.pem",
                                     "tdx/go-tdx-guest/tcbInfoIssuerChain.pem",
                                     "qe_identity_chain.pem",
                                     "tdx/go-tdx-guest/qeIdentityIssuerChain.pem",
                                     "pck_crl.der",
                                     "tdx/go-tdx-guest/pckcrl",
                                     "root_crl.der",
                                     "tdx/go-tdx-guest/rootcrl.der",
                                     "pck_crl_chain.pem",
                                     "tdx/go-tdx-guest/pckCrlIssuerChain.pem",
                                     NULL};
    static const char *const v5renewed[] = {
        "tcb_info.json", "tdx/go-tdx-guest/sample_tcbinfo_response_v5", "tcb_signing_chain.pem",
        "tdx/dcap-qvl/split/tdx_quote_outdated/tcb_info_issuer_chain.pem", NULL};
    static const char *const v5old[] = {
        "tcb_info.json", "tdx/go-tdx-guest/sample_tcbinfo_response_v5", "tcb_signing_chain.pem",
        "tdx/go-tdx-guest/tcbInfoIssuerChain.pem", NULL};
    static const char *const qvl[] = {"tcb_info.json",
                                      "tdx/intel-qvl-sampleData/tdx/tcbInfo.json",
                                      "qe_identity.json",
                                      "tdx/intel-qvl-sampleData/tdx/qeIdentity.json",
                                      "tcb_signing_chain.pem",
                                      "tdx/intel-qvl-sampleData/tdx/tcbSignChain.pem",
                                      "root_crl.der",
                                      "tdx/intel-qvl-sampleData/tdx/rootCaCrl.der",
                                      "pck_crl.der",
                                      "tdx/intel-qvl-sampleData/tdx/intermediateCaCrl.der",
                                      NULL};
    size_t i;

    if (!make_dir("go", go) || !make_dir("v5renewed", v5renewed) || !make_dir("v5old", v5old) ||
        !make_dir("qvl", qvl)) {
        CHECK(0, "collateral folders of symlinks");
        return;
    }
    for (i = 0; i < sizeof(FIELD) / sizeof(FIELD[0]); i++) {
        const struct field_case *fc = &FIELD[i];
        struct tc_verdict v;
        struct tc_tdx_result res;
        const struct tc_check *f;
        tc_err e = TC_ERR_INTERNAL;
        char buf[512];

        tc_verdict_init(&v);
        if (!CHECK(run_field(fc, &v, &res, &e), "%s: runs", fc->what)) {
            tc_verdict_free(&v);
            continue;
        }
        f = tc_verdict_first_failure(&v);
        tc_verdict_summary(&v, buf, sizeof(buf));
        if (fc->first_fail == NULL) {
            CHECK(e == TC_ERR_OK && tc_verdict_ok(&v), "%s: accepted (%s)", fc->what, buf);
        } else if (fc->first_fail[0] == '*') {
            /* any window: "*validity" matches "crl.validity", "qe_identity.validity", ... */
            size_t sl = strlen(fc->first_fail + 1), nl = f != NULL ? strlen(f->name) : 0;

            CHECK(e == fc->fail_err && f != NULL && nl >= sl &&
                      strcmp(f->name + nl - sl, fc->first_fail + 1) == 0,
                  "%s: rejected by a %s window (%s)", fc->what, fc->first_fail + 1, buf);
        } else {
            CHECK(e == fc->fail_err && f != NULL && strcmp(f->name, fc->first_fail) == 0,
                  "%s: rejected by %s (%s)", fc->what, fc->first_fail, buf);
        }
        if (fc->tcb < 0) {
            CHECK(!res.tcb_evaluated && find_check(&v, "collateral") != NULL &&
                      find_check(&v, "collateral")->status == TC_CHECK_SKIP,
                  "%s: TCB not evaluated without collateral, said so", fc->what);
        } else {
            CHECK(res.tcb_evaluated && (int)res.tcb_status == fc->tcb, "%s: TCB status %s (got %s)",
                  fc->what, tc_tdx_tcb_status_name((enum tc_tdx_tcb_status)fc->tcb),
                  res.tcb_evaluated ? tc_tdx_tcb_status_name(res.tcb_status) : "none");
        }
        /* Every case's signatures over quote and QE report hold (only metadata differs). */
        CHECK(check_passed(&v, "quote.signature") && check_passed(&v, "qe_report.signature") &&
                  check_passed(&v, "qe_report.binding"),
              "%s: quote, QE report signatures and binding hold", fc->what);
        if (i == 5) {
            /* README: all collateral signatures and CRLs verify, nothing revoked, QE UpToDate. */
            CHECK(check_passed(&v, "tcb_info.signature") &&
                      check_passed(&v, "qe_identity.signature") &&
                      check_passed(&v, "crl.pck.signature") &&
                      check_passed(&v, "crl.pck.revocation") &&
                      check_passed(&v, "crl.root.signature") &&
                      check_passed(&v, "qe_identity.tcb") &&
                      res.qe_status == TC_TDX_TCB_UP_TO_DATE &&
                      memcmp(res.fmspc, "\x50\x80\x6f\x00\x00\x00", 6) == 0,
                  "SPR with collateral: collateral signatures, CRLs, QE identity all good");
            CHECK(strstr(find_check(&v, "tcb.level")->detail, "no matching TCB level found") !=
                      NULL,
                  "SPR: the verdict says 'no matching TCB level found'");
        }
        if (i == 9) {
            CHECK(res.n_advisories == 0 && res.module_evaluated &&
                      res.module_status == TC_TDX_TCB_UP_TO_DATE &&
                      strcmp(res.tcb_date, "2024-03-13T00:00:00Z") == 0 && res.root_is_intel &&
                      memcmp(res.fmspc, "\xb0\xc0\x6f\x00\x00\x00", 6) == 0,
                  "dcap-qvl v4: level 2024-03-13, module TDX_01 UpToDate, no advisories, FMSPC "
                  "b0c06f000000");
        }
        if (i == 15) {
            CHECK(strcmp(res.tcb_date, "2024-11-13T00:00:00Z") == 0 &&
                      res.qe_status == TC_TDX_TCB_UP_TO_DATE && res.module_evaluated,
                  "cross bundle: level 2024-11-13, module UpToDate, QE UpToDate");
        }
        if (i == 13) {
            CHECK(strstr(find_check(&v, "tcb.level")->detail, "SGX component 7: PCK 3 < 5") != NULL,
                  "v5 outdated: the verdict names SGX component 7 (3 < 5): %s",
                  find_check(&v, "tcb.level")->detail);
        }
        if (i == 25) {
            CHECK(find_check(&v, "tdx_module.identity") != NULL &&
                      find_check(&v, "tdx_module.identity")->status == TC_CHECK_FAIL,
                  "QVL sample: TEE_TCB_SVN[1] > 0 without tdxModuleIdentities is a module "
                  "mismatch");
            /* README: its TCB info SVNs exceed 255 (65473, ...); truncated to 8 bits as QVL
             * does, they equal the PCK's and the quote's exactly, so the one level matches. */
            CHECK(check_passed(&v, "tcb.level") &&
                      strcmp(res.tcb_date, "2021-08-06T13:55:15Z") == 0,
                  "QVL sample: SVNs above 255 truncated to 8 bits, its one TCB level matches");
        }
        tc_verdict_free(&v);
    }
}

/* go-tdx-guest TestNegativeVerification: one byte changed in the SPR quote, at 2023-07-01. */
static void test_corruptions(void)
{
    static const struct {
        size_t off;
        uint8_t val;
        tc_err parse_err;  /* non-OK: the parser refuses */
        const char *first; /* else: the first failed check */
        tc_err err;
        const char *what;
    } T[] = {
        {0x00, 3, TC_ERR_VERSION, NULL, 0, "quote format not supported"},
        {0x278, 0x10, TC_ERR_MALFORMED, NULL, 0, "signed-data size mismatch"},
        {0x1343, 0x32, TC_ERR_OK, "pck.chain.format", TC_ERR_MALFORMED, "PCK chain malformed"},
        {0x1329, 0x32, TC_ERR_OK, "pck.chain.signature.2", TC_ERR_CHAIN, "root cert signature"},
        {0xF5F, 0x32, TC_ERR_OK, "pck.chain.signature.1", TC_ERR_CHAIN,
         "intermediate cert signature"},
        {0xB77, 0x32, TC_ERR_OK, "pck.chain.signature.0", TC_ERR_CHAIN, "PCK leaf signature"},
        {0x1E, 0x32, TC_ERR_OK, "quote.signature", TC_ERR_SIGNATURE,
         "quote signature (header changed)"},
        {0x3C, 0x32, TC_ERR_OK, "quote.signature", TC_ERR_SIGNATURE,
         "quote signature (body changed)"},
    };
    size_t len, i;
    uint8_t *q = load("tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", &len);

    if (q == NULL) {
        t_skip("corruption table: test data absent");
        return;
    }
    for (i = 0; i < sizeof(T) / sizeof(T[0]); i++) {
        uint8_t *c = malloc(len);
        struct tc_tdx_quote quote;
        struct tc_tdx_verify_opts o;
        struct tc_verdict v;
        const struct tc_check *f;
        tc_err e;

        memcpy(c, q, len);
        c[T[i].off] = T[i].val;
        e = tc_tdx_quote_parse(c, len, &quote);
        if (T[i].parse_err != TC_ERR_OK) {
            CHECK(e == T[i].parse_err, "byte 0x%zx = 0x%02x: parser refuses: %s (%s)", T[i].off,
                  T[i].val, T[i].what, tc_err_detail());
            free(c);
            continue;
        }
        memset(&o, 0, sizeof(o));
        o.at = 1688169600; /* 2023-07-01 */
        tc_verdict_init(&v);
        e = tc_tdx_verify(&quote, &o, NULL, &v);
        f = tc_verdict_first_failure(&v);
        CHECK(e == T[i].err && f != NULL && strcmp(f->name, T[i].first) == 0,
              "byte 0x%zx = 0x%02x: %s (first failure %s: %s)", T[i].off, T[i].val, T[i].what,
              f ? f->name : "none", f && f->detail ? f->detail : "");
        tc_verdict_free(&v);
        free(c);
    }
    free(q);
}

static void test_tdreport(void)
{
    size_t len;
    uint8_t *d = load("tdx/intel-dcap/tdreport_for_test.dat", &len);
    struct tc_tdx_tdreport r;
    struct tc_verdict v;
    char hex[97];

    if (d == NULL) {
        t_skip("TDREPORT: test data absent");
        return;
    }
    CHECK_OK(tc_tdx_tdreport_parse(d, len, &r), "TDREPORT parses");
    tc_verdict_init(&v);
    CHECK(tc_tdx_tdreport_check(&r, &v) == TC_ERR_OK && tc_verdict_ok(&v) && v.n == 2,
          "TDREPORT internal hashes check (TEE_TCB_INFO_HASH, TEE_INFO_HASH)");
    tc_verdict_free(&v);
    CHECK(memcmp(r.tee_tcb_svn, "\x04\x00\x05", 3) == 0, "TEE_TCB_SVN 04 00 05");
    tc_hex_encode(r.mrtd, 48, hex);
    CHECK(strncmp(hex, "bb1249bd", 8) == 0 && strcmp(hex + 92, "95b3") == 0, "MRTD bb1249bd..95b3");
    tc_hex_encode(r.rtmr[0], 48, hex);
    CHECK(strncmp(hex, "e1af75e6", 8) == 0, "RTMR0 e1af75e6..");
    /* A changed TDINFO byte breaks TEE_INFO_HASH; a changed TEE_TCB_INFO byte the other. */
    d[512 + 20] ^= 1;
    CHECK_OK(tc_tdx_tdreport_parse(d, len, &r), "TDREPORT with a changed MRTD byte parses");
    tc_verdict_init(&v);
    CHECK(tc_tdx_tdreport_check(&r, &v) == TC_ERR_OK && !tc_verdict_ok(&v) &&
              strcmp(tc_verdict_first_failure(&v)->name, "tdreport.tee_info_hash") == 0,
          "changed MRTD: TEE_INFO_HASH mismatch");
    tc_verdict_free(&v);
    d[512 + 20] ^= 1;
    d[256 + 30] ^= 1;
    CHECK_OK(tc_tdx_tdreport_parse(d, len, &r), "TDREPORT with a changed MRSEAM byte parses");
    tc_verdict_init(&v);
    CHECK(tc_tdx_tdreport_check(&r, &v) == TC_ERR_OK && !tc_verdict_ok(&v) &&
              strcmp(tc_verdict_first_failure(&v)->name, "tdreport.tee_tcb_info_hash") == 0,
          "changed MRSEAM: TEE_TCB_INFO_HASH mismatch");
    tc_verdict_free(&v);
    d[256 + 30] ^= 1;
    CHECK_ERR(tc_tdx_tdreport_parse(d, len - 1, &r), TC_ERR_TRUNCATED, "TDREPORT truncated");
    d[0] = 0x00;
    CHECK_ERR(tc_tdx_tdreport_parse(d, len, &r), TC_ERR_UNSUPPORTED, "TDREPORT type not TDX");
    d[0] = 0x81;
    d[8] = 1;
    CHECK_ERR(tc_tdx_tdreport_parse(d, len, &r), TC_ERR_RESERVED, "TDREPORT reserved set");
    d[8] = 0;
    d[1024 - 1] = 1;
    CHECK_ERR(tc_tdx_tdreport_parse(d, len, &r), TC_ERR_RESERVED, "TDINFO reserved set");
    free(d);
}

/* Parser negatives on real quotes: every truncation, versions, types, reserved, sizes. */
static void test_parser(void)
{
    size_t len, i, bad = 0;
    uint8_t *q = load("tdx/go-tdx-guest/quote_v5_sample.dat", &len);
    uint8_t *c;
    struct tc_tdx_quote quote;
    uint8_t *v4;
    size_t v4len;

    if (q == NULL) {
        t_skip("parser negatives: test data absent");
        return;
    }
    CHECK_OK(tc_tdx_quote_parse(q, len, &quote), "v5 sample parses");
    CHECK(quote.version == 5 && quote.body_type == 3 && quote.body_size == 648 && quote.td.is_v15 &&
              quote.trailing == 0 && quote.signed_len == 48 + 6 + 648 &&
              memcmp(quote.td.tee_tcb_svn, "\x0b\x01\x04", 3) == 0 &&
              memcmp(quote.td.tee_tcb_svn2, "\x0d\x01\x04", 3) == 0 && quote.pck_cert_type == 5,
          "v5 fields: body 3, 648 bytes, TEE_TCB_SVN 0b0104, TEE_TCB_SVN2 0d0104");
    for (i = 0; i < len; i++) {
        tc_err e = tc_tdx_quote_parse(q, i, &quote);

        bad += e != TC_ERR_TRUNCATED && e != TC_ERR_MALFORMED;
    }
    CHECK(bad == 0,
          "every truncation of the v5 quote is refused as truncated/malformed (%zu "
          "other)",
          bad);
    c = malloc(len + 10);
    memcpy(c, q, len);
    memset(c + len, 0, 10);
    CHECK(tc_tdx_quote_parse(c, len + 10, &quote) == TC_ERR_OK && quote.trailing == 10,
          "trailing bytes after the signature data are tolerated and counted");
    c[0] = 6;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_VERSION, "version 6");
    c[0] = 5;
    c[4] = 0x00;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_UNSUPPORTED, "TEE type SGX");
    c[4] = 0x81;
    c[2] = 3;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_UNSUPPORTED, "attestation key type 3");
    c[2] = 2;
    c[9] = 1;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_RESERVED, "header reserved set");
    c[9] = 0;
    c[48] = 1;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_UNSUPPORTED, "v5 body type 1 (SGX)");
    c[48] = 2;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_MALFORMED,
              "v5 body type 2 with a 648-byte size");
    c[48] = 3;
    c[50] = 0x89;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_MALFORMED, "v5 body size 649");
    c[50] = 0x88;
    /* QE report reserved (offset: 702 body end + 4 + 128 + 6 = 840; +20 = reserved1) */
    c[840 + 20] = 1;
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_RESERVED, "QE report reserved1 set");
    c[840 + 20] = 0;
    c[840 + 384 + 64] += 1; /* QE auth data size 32 -> 33: nested data shifts */
    CHECK(tc_tdx_quote_parse(c, len, &quote) != TC_ERR_OK, "QE auth data size off by one");
    c[840 + 384 + 64] -= 1;
    c[702 + 4 + 128] = 5; /* outer certification data type 5 in a v5 quote */
    CHECK_ERR(tc_tdx_quote_parse(c, len, &quote), TC_ERR_UNSUPPORTED,
              "outer certification data type 5");
    c[702 + 4 + 128] = 6;
    CHECK_OK(tc_tdx_quote_parse(c, len, &quote), "restored quote parses");
    free(c);
    /* v4 body type fixed at 584 */
    v4 = load("tdx/dcap-qvl/tdx_quote", &v4len);
    if (v4 != NULL) {
        CHECK(tc_tdx_quote_parse(v4, v4len, &quote) == TC_ERR_OK && quote.version == 4 &&
                  quote.body_type == 2 && !quote.td.is_v15 && quote.trailing == 70 &&
                  quote.signed_len == 632,
              "v4 quote: body 584, 70 trailing bytes, 632 signed bytes");
        free(v4);
    }
    free(q);
}

/* The collateral is memoised: verifying twice gives the same verdict. */
static void test_memo(void)
{
    size_t ql, cl, i;
    uint8_t *q = load("tdx/dcap-qvl/tdx_quote", &ql);
    uint8_t *cj = load("tdx/dcap-qvl/tdx_quote_collateral.json", &cl);
    struct tc_tdx_collateral *col = NULL;
    struct tc_tdx_quote quote;
    struct tc_tdx_verify_opts o;
    size_t n[3] = {0};
    int ok = 1;

    if (q == NULL || cj == NULL) {
        t_skip("memoisation: test data absent");
        free(q);
        free(cj);
        return;
    }
    memset(&o, 0, sizeof(o));
    if (tc_tdx_quote_parse(q, ql, &quote) != TC_ERR_OK ||
        tc_tdx_collateral_parse_json(cj, cl, &col) != TC_ERR_OK) {
        CHECK(0, "memo: load");
        goto out;
    }
    o.collateral = col;
    for (i = 0; i < 3; i++) {
        struct tc_verdict v;

        tc_verdict_init(&v);
        o.at = i == 1 ? 1760000000 : 1752919234; /* the second run: after the window */
        ok &= tc_tdx_verify(&quote, &o, NULL, &v) == (i == 1 ? TC_ERR_EXPIRED : TC_ERR_OK);
        n[i] = v.n;
        tc_verdict_free(&v);
    }
    CHECK(ok && n[0] == n[1] && n[0] == n[2],
          "memoised collateral: time-dependent checks re-evaluated each time (%zu checks)", n[0]);
out:
    tc_tdx_collateral_free(col);
    free(q);
    free(cj);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/tc-test-tdx-XXXXXX");
    if (t_testdata("tdx") == NULL) {
        t_skip("TDX field data: ../shared/testdata absent");
        return t_done();
    }
    if (mkdtemp(tmpdir) == NULL) {
        CHECK(0, "mkdtemp");
        return t_done();
    }
    test_field();
    test_corruptions();
    test_tdreport();
    test_parser();
    test_memo();
    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) {
            printf("# could not remove %s\n", tmpdir);
        }
    }
    return t_done();
}
