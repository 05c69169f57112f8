/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX verification against synthetic evidence made with test keys
 * (tests/support/tdx_synth): the negative matrix (every signature, chain
 * link, CRL and collateral field that matters), the TCB status matrix
 * (levels, QE, TDX module, relaunch, merging), collateral forms, the raw
 * bytes of signed JSON, and policy appraisal.
 */
#include <stdint.h>
#include <unistd.h>

#include "harness.h"
#include "support/tdx_synth.h"
#include "tee/tdx/tdx_int.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"

static struct tdx_synth *S;
static tc_tdx_root_key ROOT;

struct run {
    struct tc_verdict v;
    struct tc_tdx_result r;
    struct tc_tdx_quote q;
    uint8_t *raw;
    tc_err e;
};

static void run_free(struct run *x)
{
    tc_verdict_free(&x->v);
    free(x->raw);
}

/* Make evidence with o, verify it at TDX_SYNTH_NOW with the synthetic root trusted. */
static int run(const struct tdx_synth_opts *o, uint32_t accept, int with_root, struct run *x)
{
    struct tc_tdx_verify_opts vo;
    struct tc_tdx_collateral *c = NULL;
    char *json = NULL;
    size_t len = 0, jl = 0;
    tc_err e;

    memset(x, 0, sizeof(*x));
    tc_verdict_init(&x->v);
    if ((e = tdx_synth_quote(S, o, &x->raw, &len)) != TC_ERR_OK ||
        (e = tc_tdx_quote_parse(x->raw, len, &x->q)) != TC_ERR_OK ||
        (e = tdx_synth_collateral_json(S, o, &json, &jl)) != TC_ERR_OK ||
        (e = tc_tdx_collateral_parse_json((const uint8_t *)json, jl, &c)) != TC_ERR_OK) {
        printf("# synth %s: %s: %s\n", tdx_synth_break_name(o->brk), tc_err_name(e),
               tc_err_detail());
        free(json);
        return 0;
    }
    memset(&vo, 0, sizeof(vo));
    vo.at = TDX_SYNTH_NOW;
    vo.collateral = c;
    vo.accept_tcb = accept;
    if (with_root) {
        vo.extra_roots = &ROOT;
        vo.n_extra_roots = 1;
    }
    x->e = tc_tdx_verify(&x->q, &vo, &x->r, &x->v);
    tc_tdx_collateral_free(c);
    free(json);
    return 1;
}

static const char *first_fail(const struct run *x)
{
    const struct tc_check *f = tc_verdict_first_failure(&x->v);

    return f != NULL ? f->name : "(none)";
}

static const struct tc_check *find(const struct tc_verdict *v, const char *name)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (strcmp(v->checks[i].name, name) == 0) {
            return &v->checks[i];
        }
    }
    return NULL;
}

static void test_baseline(void)
{
    static const int versions[][2] = {{4, 0}, {5, 2}, {5, 3}};
    size_t i;

    for (i = 0; i < 3; i++) {
        struct tdx_synth_opts o;
        struct run x;
        char buf[256];

        memset(&o, 0, sizeof(o));
        o.version = versions[i][0];
        o.body_type = versions[i][1];
        if (!CHECK(run(&o, 0, 1, &x), "synth v%d body %d: made", o.version, o.body_type)) {
            continue;
        }
        CHECK(x.e == TC_ERR_OK && tc_verdict_ok(&x.v) && x.r.tcb_evaluated &&
                  x.r.tcb_status == TC_TDX_TCB_UP_TO_DATE && !x.r.root_is_intel &&
                  tc_verdict_count(&x.v, TC_CHECK_INFO) == 0,
              "synth v%d body %d: accepted, UpToDate, nothing skipped (%s)", o.version, o.body_type,
              tc_verdict_summary(&x.v, buf, sizeof(buf)));
        CHECK(x.q.version == o.version && x.q.td.is_v15 == (o.body_type == 3),
              "synth v%d body %d: parsed back", o.version, o.body_type);
        run_free(&x);
    }
    /* Never trusted by default: the synthetic root is not Intel's. */
    {
        struct tdx_synth_opts o;
        struct run x;

        memset(&o, 0, sizeof(o));
        if (run(&o, 0, 0, &x)) {
            CHECK(x.e == TC_ERR_UNTRUSTED && strcmp(first_fail(&x), "pck.chain.root") == 0 &&
                      strcmp(find(&x.v, "tcb_info.chain.root")->name, "tcb_info.chain.root") == 0 &&
                      find(&x.v, "tcb_info.chain.root")->status == TC_CHECK_FAIL,
                  "synthetic evidence without the explicit root: untrusted (PCK and TCB chains)");
            run_free(&x);
        }
    }
}

static void test_matrix(void)
{
    static const struct {
        enum tdx_synth_break b;
        const char *first;
        tc_err err;
    } M[] = {
        {TDX_SYN_QUOTE_SIG, "quote.signature", TC_ERR_SIGNATURE},
        {TDX_SYN_QE_SIG, "qe_report.signature", TC_ERR_SIGNATURE},
        {TDX_SYN_BINDING, "qe_report.binding", TC_ERR_MISMATCH},
        {TDX_SYN_QE_VENDOR, "quote.qe_vendor", TC_ERR_UNTRUSTED},
        {TDX_SYN_LEAF_SIG, "pck.chain.signature.0", TC_ERR_CHAIN},
        {TDX_SYN_CA_SIG, "pck.chain.signature.1", TC_ERR_CHAIN},
        {TDX_SYN_ROOT_SIG, "pck.chain.signature.2", TC_ERR_CHAIN},
        {TDX_SYN_LEAF_EXPIRED, "pck.chain.validity", TC_ERR_EXPIRED},
        {TDX_SYN_CA_NOT_YET, "pck.chain.validity", TC_ERR_EXPIRED},
        {TDX_SYN_LEAF_NOT_CA, "pck.chain.path", TC_ERR_CHAIN},
        {TDX_SYN_LEAF_NO_EXT, "pck.extensions", TC_ERR_MALFORMED},
        {TDX_SYN_CHAIN_TWO, "pck.chain.format", TC_ERR_MALFORMED},
        {TDX_SYN_PCK_REVOKED, "crl.pck.revocation", TC_ERR_REVOKED},
        {TDX_SYN_CA_REVOKED, "crl.root.revocation", TC_ERR_REVOKED},
        {TDX_SYN_PCK_CRL_SIG, "crl.pck.signature", TC_ERR_SIGNATURE},
        {TDX_SYN_ROOT_CRL_SIG, "crl.root.signature", TC_ERR_SIGNATURE},
        {TDX_SYN_PCK_CRL_EXPIRED, "crl.validity", TC_ERR_EXPIRED},
        {TDX_SYN_PCK_CRL_ISSUER, "crl.pck.signature", TC_ERR_CHAIN},
        {TDX_SYN_TCB_SIG, "tcb_info.signature", TC_ERR_SIGNATURE},
        {TDX_SYN_TCB_EXPIRED, "tcb_info.validity", TC_ERR_EXPIRED},
        {TDX_SYN_TCB_NOT_YET, "tcb_info.validity", TC_ERR_EXPIRED},
        {TDX_SYN_TCB_FMSPC, "tcb_info.fmspc", TC_ERR_MISMATCH},
        {TDX_SYN_TCB_PCEID, "tcb_info.pce_id", TC_ERR_MISMATCH},
        {TDX_SYN_TCB_ID_SGX, "tcb_info.id", TC_ERR_MISMATCH},
        {TDX_SYN_SIGNER_EXPIRED, "tcb_info.chain.validity", TC_ERR_EXPIRED},
        {TDX_SYN_SIGNER_REVOKED, "tcb_info.chain.crl.revocation", TC_ERR_REVOKED},
        {TDX_SYN_SIGNER_SIG, "tcb_info.chain.signature.0", TC_ERR_CHAIN},
        {TDX_SYN_SIGNER_OTHER_ROOT, "tcb_info.chain.root", TC_ERR_UNTRUSTED},
        {TDX_SYN_NO_TCB_LEVEL, "tcb.level", TC_ERR_TCB},
        {TDX_SYN_NO_TDX_LEVEL, "tcb.level", TC_ERR_TCB},
        {TDX_SYN_MODULE_MRSIGNER, "tdx_module.identity", TC_ERR_MISMATCH},
        {TDX_SYN_MODULE_NO_ID, "tdx_module.identity", TC_ERR_MISMATCH},
        {TDX_SYN_MODULE_ATTR, "tdx_module.identity", TC_ERR_MISMATCH},
        {TDX_SYN_MODULE_LOW, "tdx_module.tcb", TC_ERR_TCB},
        {TDX_SYN_QEID_SIG, "qe_identity.signature", TC_ERR_SIGNATURE},
        {TDX_SYN_QEID_EXPIRED, "qe_identity.validity", TC_ERR_EXPIRED},
        {TDX_SYN_QEID_MRSIGNER, "qe_identity.match", TC_ERR_MISMATCH},
        {TDX_SYN_QEID_PRODID, "qe_identity.match", TC_ERR_MISMATCH},
        {TDX_SYN_QEID_MISC, "qe_identity.match", TC_ERR_MISMATCH},
        {TDX_SYN_QEID_ATTR, "qe_identity.match", TC_ERR_MISMATCH},
        {TDX_SYN_QEID_ID, "qe_identity.id", TC_ERR_MISMATCH},
        {TDX_SYN_QEID_LOW, "qe_identity.tcb", TC_ERR_TCB},
    };
    size_t i, covered = 0;
    int v;

    for (v = 4; v <= 5; v++) {
        for (i = 0; i < sizeof(M) / sizeof(M[0]); i++) {
            struct tdx_synth_opts o;
            struct run x;
            char buf[512];

            memset(&o, 0, sizeof(o));
            o.version = v;
            o.brk = M[i].b;
            if (!CHECK(run(&o, 0, 1, &x), "v%d %s: made", v, tdx_synth_break_name(M[i].b))) {
                continue;
            }
            CHECK(x.e == M[i].err && strcmp(first_fail(&x), M[i].first) == 0,
                  "v%d %s: rejected by %s with %s (%s)", v, tdx_synth_break_name(M[i].b),
                  M[i].first, tc_err_name(M[i].err), tc_verdict_summary(&x.v, buf, sizeof(buf)));
            run_free(&x);
            covered += v == 4;
        }
    }
    CHECK(covered == TDX_SYN_BREAK_COUNT_ - 1, "every synthetic break is in the matrix (%zu)",
          covered);
}

struct tcb_case {
    const char *what;
    int version, body;
    const char *level0;
    const uint8_t *pck_svn;
    const uint8_t *tee, *tee2;
    uint16_t qe_isvsvn;
    enum tc_tdx_tcb_status want;
    const char *advisory; /* one advisory expected in the result, or NULL for none */
};

static const uint8_t SVN_L1[16] = {4, 4, 2, 2, 3, 1, 0, 4};
static const uint8_t TEE_MOD4[16] = {4, 1, 3};
static const uint8_t TEE_MOD2[16] = {2, 1, 3};
static const uint8_t TEE_MOD6[16] = {6, 1, 3};
static const uint8_t TEE_10[16] = {3, 0, 3};
static const uint8_t TEE_10_LOW[16] = {2, 0, 3};
static const uint8_t TEE_MOD4_V0[16] = {4, 0, 3};
static const uint8_t TEE_MOD5[16] = {5, 1, 3};
/* A TDX 1.5 module of major version 3 (TDX_03), as in trustee's tdx_quote_6.dat: 05 03 02. */
static const uint8_t TEE_TDX03[16] = {5, 3, 3};
static const uint8_t SEAM_BIT63[8] = {0, 0, 0, 0, 0, 0, 0, 0x80};

static const struct tcb_case TCB[] = {
    {"top level UpToDate", 4, 0, NULL, NULL, NULL, NULL, 0, TC_TDX_TCB_UP_TO_DATE, NULL},
    {"top level SWHardeningNeeded", 4, 0, "SWHardeningNeeded", NULL, NULL, NULL, 0,
     TC_TDX_TCB_SW_HARDENING_NEEDED, "INTEL-SA-01999"},
    {"top level ConfigurationNeeded", 4, 0, "ConfigurationNeeded", NULL, NULL, NULL, 0,
     TC_TDX_TCB_CONFIGURATION_NEEDED, "INTEL-SA-01999"},
    {"top level ConfigurationAndSWHardeningNeeded", 5, 3, "ConfigurationAndSWHardeningNeeded", NULL,
     NULL, NULL, 0, TC_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED, NULL},
    {"top level OutOfDate", 4, 0, "OutOfDate", NULL, NULL, NULL, 0, TC_TDX_TCB_OUT_OF_DATE, NULL},
    {"top level Revoked", 4, 0, "Revoked", NULL, NULL, NULL, 0, TC_TDX_TCB_REVOKED, NULL},
    {"platform meets only level 2 (OutOfDate)", 4, 0, NULL, SVN_L1, NULL, NULL, 0,
     TC_TDX_TCB_OUT_OF_DATE, "INTEL-SA-02999"},
    {"QE OutOfDate merges into OutOfDate", 4, 0, NULL, NULL, NULL, NULL, 6, TC_TDX_TCB_OUT_OF_DATE,
     "INTEL-SA-00615"},
    {"QE OutOfDate + ConfigurationNeeded = OutOfDateConfigurationNeeded", 4, 0,
     "ConfigurationNeeded", NULL, NULL, NULL, 6, TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, NULL},
    {"QE Revoked", 4, 0, NULL, NULL, NULL, NULL, 3, TC_TDX_TCB_REVOKED, "INTEL-SA-00477"},
    {"TDX module TDX_01 isvsvn 4: OutOfDate", 4, 0, NULL, NULL, TEE_MOD4, NULL, 0,
     TC_TDX_TCB_OUT_OF_DATE, "INTEL-SA-01036"},
    {"TDX module TDX_01 isvsvn 2: Revoked", 4, 0, NULL, NULL, TEE_MOD2, NULL, 0, TC_TDX_TCB_REVOKED,
     NULL},
    {"module OutOfDate + ConfigurationNeeded", 4, 0, "ConfigurationNeeded", NULL, TEE_MOD4, NULL, 0,
     TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, NULL},
    {"TD relaunch: module OutOfDate, TEE_TCB_SVN2 meets TDX_01's latest", 5, 3, NULL, NULL,
     TEE_MOD4, TEE_MOD6, 0, TC_TDX_TCB_TD_RELAUNCH_ADVISED, NULL},
    {"TD relaunch + ConfigurationNeeded", 5, 3, "ConfigurationNeeded", NULL, TEE_MOD4, TEE_MOD6, 0,
     TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED, NULL},
    {"no relaunch: TEE_TCB_SVN2 = TEE_TCB_SVN (still OutOfDate)", 5, 3, NULL, NULL, TEE_MOD4,
     TEE_MOD4, 0, TC_TDX_TCB_OUT_OF_DATE, NULL},
    {"no relaunch when the QE is OutOfDate", 5, 3, NULL, NULL, TEE_MOD4, TEE_MOD6, 6,
     TC_TDX_TCB_OUT_OF_DATE, NULL},
    {"relaunch with TEE_TCB_SVN2[1] = 0 (compared with the latest level)", 5, 3, NULL, NULL,
     TEE_MOD4, TEE_10, 0, TC_TDX_TCB_TD_RELAUNCH_ADVISED, NULL},
    {"no relaunch on a TDX 1.0 body (v5 body 2)", 5, 2, NULL, NULL, TEE_MOD4, NULL, 0,
     TC_TDX_TCB_OUT_OF_DATE, NULL},
    {"TDX 1.0 module (TEE_TCB_SVN[1] = 0): all 16 TDX components compared", 4, 0, NULL, NULL,
     TEE_10, NULL, 0, TC_TDX_TCB_UP_TO_DATE, NULL},
    {"TDX 1.0 module below level 1's component 0: level 2", 4, 0, NULL, NULL, TEE_10_LOW, NULL, 0,
     TC_TDX_TCB_OUT_OF_DATE, "INTEL-SA-02999"},
    {"TDX 1.0: module SVN 4 meets level 1 ([3,0,3])", 4, 0, NULL, NULL, TEE_MOD4_V0, NULL, 0,
     TC_TDX_TCB_UP_TO_DATE, NULL},
    {"TDX module TDX_03 isvsvn 5: UpToDate", 4, 0, NULL, NULL, TEE_TDX03, NULL, 0,
     TC_TDX_TCB_UP_TO_DATE, NULL},
    {"platform level 2 with TDX_03 UpToDate: OutOfDate", 4, 0, NULL, SVN_L1, TEE_TDX03, NULL, 0,
     TC_TDX_TCB_OUT_OF_DATE, "INTEL-SA-02999"},
};

static void test_tcb_matrix(void)
{
    size_t i;

    for (i = 0; i < sizeof(TCB) / sizeof(TCB[0]); i++) {
        const struct tcb_case *t = &TCB[i];
        struct tdx_synth_opts o;
        struct run x;
        char buf[512];
        size_t k;
        int adv = t->advisory == NULL;

        memset(&o, 0, sizeof(o));
        o.version = t->version;
        o.body_type = t->body;
        o.level0_status = t->level0;
        o.pck_svn = t->pck_svn;
        o.tee_tcb_svn = t->tee;
        o.tee_tcb_svn2 = t->tee2;
        o.qe_isvsvn = t->qe_isvsvn;
        if (!CHECK(run(&o, 0, 1, &x), "TCB %s: made", t->what)) {
            continue;
        }
        CHECK(x.r.tcb_evaluated && x.r.tcb_status == t->want, "TCB %s: %s (got %s)", t->what,
              tc_tdx_tcb_status_name(t->want), tc_tdx_tcb_status_name(x.r.tcb_status));
        /* The default accepted set is UpToDate alone. */
        CHECK((t->want == TC_TDX_TCB_UP_TO_DATE) == (x.e == TC_ERR_OK) &&
                  (t->want == TC_TDX_TCB_UP_TO_DATE || strcmp(first_fail(&x), "tcb.status") == 0),
              "TCB %s: %s by default (%s)", t->what,
              t->want == TC_TDX_TCB_UP_TO_DATE ? "accepted" : "refused",
              tc_verdict_summary(&x.v, buf, sizeof(buf)));
        for (k = 0; k < x.r.n_advisories && t->advisory != NULL; k++) {
            adv |= strcmp(x.r.advisories[k], t->advisory) == 0;
        }
        if (t->advisory == NULL && t->want == TC_TDX_TCB_UP_TO_DATE) {
            adv = x.r.n_advisories == 0;
        }
        CHECK(adv, "TCB %s: advisories %s", t->what, t->advisory ? t->advisory : "(none)");
        run_free(&x);
        /* Accepting that status explicitly accepts the quote. */
        if (t->want != TC_TDX_TCB_UP_TO_DATE && run(&o, TC_TDX_TCB_BIT(t->want), 1, &x)) {
            CHECK(x.e == TC_ERR_OK, "TCB %s: accepted when %s is accepted", t->what,
                  tc_tdx_tcb_status_name(t->want));
            run_free(&x);
        }
    }
}

/*
 * Where QVL's order, not the published one, decides: TDX module levels are taken highest
 * ISVSVN first (QVL keeps them in a std::set, TdxModuleIdentity.cpp), repeated TCB levels are
 * refused (TcbInfo.cpp), and SEAMATTRIBUTES may not set bits the TCB info's mask hides
 * (QVL 4.1.2.4.11.2 wants them zero; dcap-qvl refuses bits outside the mask).
 */
static void test_qvl_order(void)
{
    static const struct {
        const char *what;
        int version, body;
        const uint8_t *tee, *tee2;
        enum tc_tdx_tcb_status want;
    } A[] = {
        {"module ISVSVN 6, levels published lowest first: UpToDate", 4, 0, TEE_MOD6, NULL,
         TC_TDX_TCB_UP_TO_DATE},
        {"module ISVSVN 4, levels published lowest first: OutOfDate", 4, 0, TEE_MOD4, NULL,
         TC_TDX_TCB_OUT_OF_DATE},
        {"relaunch against the highest module level, published lowest first", 5, 3, TEE_MOD4,
         TEE_MOD6, TC_TDX_TCB_TD_RELAUNCH_ADVISED},
        {"no relaunch: TEE_TCB_SVN2 ISVSVN 5 is below the highest level (6)", 5, 3, TEE_MOD4,
         TEE_MOD5, TC_TDX_TCB_OUT_OF_DATE},
    };
    struct tdx_synth_opts o;
    struct tc_tdx_collateral *c = NULL;
    struct run x;
    char *json = NULL;
    size_t i, jl;

    for (i = 0; i < sizeof(A) / sizeof(A[0]); i++) {
        memset(&o, 0, sizeof(o));
        o.version = A[i].version;
        o.body_type = A[i].body;
        o.tee_tcb_svn = A[i].tee;
        o.tee_tcb_svn2 = A[i].tee2;
        o.module_levels_ascending = 1;
        if (!CHECK(run(&o, 0, 1, &x), "%s: made", A[i].what)) {
            continue;
        }
        CHECK(x.r.tcb_evaluated && x.r.module_evaluated && x.r.tcb_status == A[i].want,
              "%s (got %s, module %s)", A[i].what, tc_tdx_tcb_status_name(x.r.tcb_status),
              tc_tdx_tcb_status_name(x.r.module_status));
        run_free(&x);
    }
    memset(&o, 0, sizeof(o));
    o.repeat_level0 = 1;
    if (CHECK(tdx_synth_collateral_json(S, &o, &json, &jl) == TC_ERR_OK, "repeated level: made")) {
        CHECK_ERR(tc_tdx_collateral_parse_json((const uint8_t *)json, jl, &c), TC_ERR_JSON,
                  "a TCB info repeating a TCB level is refused");
        CHECK(strstr(tc_err_detail(), "repeats") != NULL, "  ... saying so: %s", tc_err_detail());
        tc_tdx_collateral_free(c);
        free(json);
    }
    /* a module identity listing one ISVSVN twice: refused as QVL refuses it (the signature is
     * not reached: the document is parsed first) */
    {
        struct tdx_synth_pieces p;
        char *dup, *at;

        memset(&o, 0, sizeof(o));
        if (CHECK(tdx_synth_pieces(S, &o, &p) == TC_ERR_OK, "module levels: pieces made")) {
            dup = strdup(p.tcb_body);
            at = dup != NULL ? strstr(dup, "{\"tcb\":{\"isvsvn\":4}") : NULL;
            if (CHECK(at != NULL && tdx_collateral_new(&c) == TC_ERR_OK, "  ... edited")) {
                at[17] = '6';
                CHECK_ERR(tdx_collateral_set_doc(c, 0, dup, strlen(dup), NULL), TC_ERR_JSON,
                          "a TDX module identity listing isvsvn 6 twice is refused");
                tc_tdx_collateral_free(c);
                c = NULL;
            }
            free(dup);
            tdx_synth_pieces_free(&p);
        }
    }
    memset(&o, 0, sizeof(o));
    o.module_attr_mask = "FFFFFFFFFFFFFF7F";
    if (run(&o, 0, 1, &x)) {
        CHECK(x.e == TC_ERR_OK, "SEAMATTRIBUTES zero under a partial mask: accepted");
        run_free(&x);
    }
    o.seam_attributes = SEAM_BIT63;
    if (run(&o, 0, 1, &x)) {
        CHECK(x.e == TC_ERR_MISMATCH && strcmp(first_fail(&x), "tdx_module.identity") == 0,
              "SEAMATTRIBUTES bit 63 set outside the module's attributesMask: refused (%s)",
              first_fail(&x));
        run_free(&x);
    }
}

/* The same evidence through the folder layout and with pieces absent. */
static void test_collateral_forms(void)
{
    char dir[] = "/tmp/tc-test-tdx-synth-XXXXXX", path[128], cmd[160];
    struct tdx_synth_opts o;
    struct tc_tdx_collateral *c = NULL;
    struct tc_tdx_verify_opts vo;
    struct tc_tdx_quote q;
    struct tc_verdict v;
    uint8_t *raw = NULL;
    size_t len;

    memset(&o, 0, sizeof(o));
    if (mkdtemp(dir) == NULL || tdx_synth_collateral_dir(S, &o, dir) != TC_ERR_OK ||
        tdx_synth_quote(S, &o, &raw, &len) != TC_ERR_OK ||
        tc_tdx_quote_parse(raw, len, &q) != TC_ERR_OK) {
        CHECK(0, "collateral folder: made");
        free(raw);
        return;
    }
    memset(&vo, 0, sizeof(vo));
    vo.at = TDX_SYNTH_NOW;
    vo.extra_roots = &ROOT;
    vo.n_extra_roots = 1;
    CHECK_OK(tc_tdx_collateral_load_dir(dir, &c), "collateral folder loads");
    vo.collateral = c;
    tc_verdict_init(&v);
    CHECK(tc_tdx_verify(&q, &vo, NULL, &v) == TC_ERR_OK && tc_verdict_count(&v, TC_CHECK_INFO) == 0,
          "collateral folder: accepted with every piece checked");
    tc_verdict_free(&v);
    tc_tdx_collateral_free(c);
    c = NULL;
    /* Optional pieces absent: still accepted, and the verdict says what was not checked. */
    snprintf(path, sizeof(path), "%s/pck_crl.der", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/root_crl.der", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/qe_identity_chain.pem", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/qe_identity.json", dir);
    unlink(path);
    CHECK_OK(tc_tdx_collateral_load_dir(dir, &c), "collateral folder without CRLs/QE identity");
    vo.collateral = c;
    tc_verdict_init(&v);
    CHECK(tc_tdx_verify(&q, &vo, NULL, &v) == TC_ERR_OK && find(&v, "crl.pck") != NULL &&
              find(&v, "crl.pck")->status == TC_CHECK_INFO && find(&v, "crl.root") != NULL &&
              find(&v, "crl.root")->status == TC_CHECK_INFO && find(&v, "qe_identity") != NULL &&
              find(&v, "qe_identity")->status == TC_CHECK_INFO,
          "absent CRLs and QE identity: accepted, each absence stated in the verdict");
    tc_verdict_free(&v);
    tc_tdx_collateral_free(c);
    c = NULL;
    snprintf(path, sizeof(path), "%s/tcb_signing_chain.pem", dir);
    unlink(path);
    CHECK_ERR(tc_tdx_collateral_load_dir(dir, &c), TC_ERR_MALFORMED,
              "no TCB signing chain: malformed collateral");
    snprintf(path, sizeof(path), "%s/tcb_info.json", dir);
    unlink(path);
    CHECK_ERR(tc_tdx_collateral_load_dir(dir, &c), TC_ERR_MALFORMED, "no TCB info");
    CHECK_ERR(tc_tdx_collateral_load_dir("/nonexistent/tdx", &c), TC_ERR_IO, "no such folder");
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        printf("# cannot remove %s\n", dir);
    }
    free(raw);
}

/*
 * Shapes of real quotes from outside ../shared (docs/foreign-artifacts.md): dstack, Azure and
 * trustee quotes carry 70 bytes after the signature data, GCP's (via zkdcap, dstack-teekit) are
 * zero-padded to 8000 bytes; near/mpc's dcap-qvl collateral JSON has an extra member
 * "pck_certificate_chain".  All verify upstream, so they must here.
 */
static void test_foreign_shapes(void)
{
    static const size_t pads[] = {70, 3065};
    struct tdx_synth_opts o;
    struct tc_tdx_verify_opts vo;
    struct tc_tdx_collateral *c = NULL;
    struct tc_tdx_quote q;
    struct tc_verdict v;
    uint8_t *raw = NULL, *padded = NULL;
    char *json = NULL, *more = NULL;
    size_t len = 0, jl = 0, i;
    int ver;
    static const char extra[] = "{\"pck_certificate_chain\":\"-----BEGIN CERTIFICATE-----\\n"
                                "MIIB\\n-----END CERTIFICATE-----\\n\",";

    memset(&vo, 0, sizeof(vo));
    vo.at = TDX_SYNTH_NOW;
    vo.extra_roots = &ROOT;
    vo.n_extra_roots = 1;
    for (ver = 4; ver <= 5; ver++) {
        memset(&o, 0, sizeof(o));
        o.version = ver;
        if (tdx_synth_quote(S, &o, &raw, &len) != TC_ERR_OK ||
            tdx_synth_collateral_json(S, &o, &json, &jl) != TC_ERR_OK ||
            tc_tdx_collateral_parse_json((const uint8_t *)json, jl, &c) != TC_ERR_OK) {
            CHECK(0, "foreign shapes v%d: made", ver);
            goto next;
        }
        vo.collateral = c;
        for (i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
            uint8_t fill = pads[i] == 70 ? 0xa5 : 0x00;

            free(padded);
            if ((padded = malloc(len + pads[i])) == NULL) {
                CHECK(0, "foreign shapes: memory");
                goto next;
            }
            memcpy(padded, raw, len);
            memset(padded + len, fill, pads[i]);
            if (!CHECK(tc_tdx_quote_parse(padded, len + pads[i], &q) == TC_ERR_OK,
                       "v%d quote + %zu trailing bytes parses", ver, pads[i])) {
                continue;
            }
            CHECK(q.trailing == pads[i] && q.quote_len == len && q.version == ver,
                  "v%d + %zu trailing bytes: counted as trailing, the quote itself unchanged", ver,
                  pads[i]);
            tc_verdict_init(&v);
            CHECK(tc_tdx_verify(&q, &vo, NULL, &v) == TC_ERR_OK,
                  "v%d + %zu trailing bytes: accepted with collateral", ver, pads[i]);
            tc_verdict_free(&v);
        }
        tc_tdx_collateral_free(c);
        c = NULL;
        /* The same collateral with one member more than dcap-qvl's QuoteCollateralV3. */
        if ((more = malloc(jl + sizeof(extra))) == NULL || json[0] != '{') {
            CHECK(0, "foreign shapes: collateral JSON made");
            goto next;
        }
        memcpy(more, extra, sizeof(extra) - 1);
        memcpy(more + sizeof(extra) - 1, json + 1, jl - 1);
        if (CHECK(tc_tdx_collateral_parse_json((const uint8_t *)more, jl + sizeof(extra) - 2, &c) ==
                      TC_ERR_OK,
                  "v%d: collateral JSON with \"pck_certificate_chain\" parses", ver) &&
            CHECK(tc_tdx_quote_parse(raw, len, &q) == TC_ERR_OK, "v%d quote parses", ver)) {
            vo.collateral = c;
            tc_verdict_init(&v);
            CHECK(tc_tdx_verify(&q, &vo, NULL, &v) == TC_ERR_OK,
                  "v%d: accepted with that collateral", ver);
            tc_verdict_free(&v);
        }
    next:
        tc_tdx_collateral_free(c);
        c = NULL;
        free(more);
        more = NULL;
        free(json);
        json = NULL;
        free(raw);
        raw = NULL;
    }
    free(padded);
}

/* The signature is over the raw bytes of the tcbInfo value, never a re-serialisation. */
static void test_raw_bytes(void)
{
    struct tdx_synth_opts o;
    struct tdx_synth_pieces p;
    struct tc_tdx_collateral *c = NULL;
    struct tc_tdx_verify_opts vo;
    struct tc_tdx_quote q;
    struct tc_verdict v;
    uint8_t *raw = NULL;
    size_t len, off, sl;
    char *body = NULL, *sp;

    memset(&o, 0, sizeof(o));
    if (tdx_synth_pieces(S, &o, &p) != TC_ERR_OK ||
        tdx_synth_quote(S, &o, &raw, &len) != TC_ERR_OK ||
        tc_tdx_quote_parse(raw, len, &q) != TC_ERR_OK) {
        CHECK(0, "raw bytes: made");
        free(raw);
        return;
    }
    memset(&vo, 0, sizeof(vo));
    vo.at = TDX_SYNTH_NOW;
    vo.extra_roots = &ROOT;
    vo.n_extra_roots = 1;
    body = malloc(strlen(p.tcb_body) + 8);
    /* Whitespace outside the signed value: still verifies. */
    sp = strstr(p.tcb_body, ",\"signature\"");
    snprintf(body, strlen(p.tcb_body) + 8, "  %.*s \n ,\"signature\"%s\n", (int)(sp - p.tcb_body),
             p.tcb_body, sp + 12);
    CHECK_OK(tdx_json_member_span(body, strlen(body), "tcbInfo", &off, &sl),
             "span of tcbInfo found");
    CHECK(sl == strlen(p.tcb_body) - strlen("{\"tcbInfo\":") - strlen(sp) && body[off] == '{' &&
              body[off + sl - 1] == '}',
          "the span is exactly the tcbInfo object text");
    if (tdx_collateral_new(&c) == TC_ERR_OK) {
        CHECK(tdx_collateral_set_doc(c, 0, body, strlen(body), NULL) == TC_ERR_OK &&
                  tdx_collateral_set_chain(c, TDX_CHAIN_TCB, (const uint8_t *)p.tcb_chain_pem,
                                           strlen(p.tcb_chain_pem)) == TC_ERR_OK,
              "whitespace around the signed value: loads");
        vo.collateral = c;
        tc_verdict_init(&v);
        CHECK(tc_tdx_verify(&q, &vo, NULL, &v) == TC_ERR_OK &&
                  find(&v, "tcb_info.signature")->status == TC_CHECK_PASS,
              "whitespace outside the signed value: the signature still verifies");
        tc_verdict_free(&v);
        tc_tdx_collateral_free(c);
    }
    /* Same JSON meaning, different bytes inside the value: the signature fails. */
    snprintf(body, strlen(p.tcb_body) + 8, "{\"tcbInfo\":{ %s",
             p.tcb_body + strlen("{\"tcbInfo\":{"));
    if (tdx_collateral_new(&c) == TC_ERR_OK) {
        CHECK(tdx_collateral_set_doc(c, 0, body, strlen(body), NULL) == TC_ERR_OK &&
                  tdx_collateral_set_chain(c, TDX_CHAIN_TCB, (const uint8_t *)p.tcb_chain_pem,
                                           strlen(p.tcb_chain_pem)) == TC_ERR_OK,
              "a space inside the signed value: loads (same JSON)");
        vo.collateral = c;
        tc_verdict_init(&v);
        CHECK(tc_tdx_verify(&q, &vo, NULL, &v) == TC_ERR_SIGNATURE &&
                  strcmp(tc_verdict_first_failure(&v)->name, "tcb_info.signature") == 0,
              "a space inside the signed value: signature fails (raw bytes, not re-serialised)");
        tc_verdict_free(&v);
        tc_tdx_collateral_free(c);
    }
    free(body);
    /* The span finder refuses ambiguity. */
    {
        static const char *const bad[] = {
            "{\"tcbInfo\":{},\"tcbInfo\":{}}",
            "{\"tcb\\u0049nfo\":{}}",
            "{\"tcbInfo\":{}} x",
            "{\"tcbInfo\":{\"a\":\"\x01\"}}",
            "{\"tcbInfo\":{\"a\":[1,2}}",
            "[{\"tcbInfo\":{}}]",
            "{\"tcbInfo\":",
            "{\"tcbInfo\" {}}",
        };
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            CHECK_ERR(tdx_json_member_span(bad[i], strlen(bad[i]), "tcbInfo", &off, &sl),
                      TC_ERR_JSON, "span finder refuses %s", bad[i]);
        }
        {
            static const char ok[] = "{\"x\":\"}\\\"{\",\"tcbInfo\":[1, {\"y\":2}] }";

            CHECK(tdx_json_member_span(ok, strlen(ok), "tcbInfo", &off, &sl) == TC_ERR_OK &&
                      sl == 12 && memcmp(ok + off, "[1, {\"y\":2}]", 12) == 0,
                  "span finder skips strings with braces and escapes");
        }
    }
    tdx_synth_pieces_free(&p);
    free(raw);
}

static void test_collateral_json_negatives(void)
{
    struct tc_tdx_collateral *c = NULL;
    static const char *const bad[] = {
        "",
        "[]",
        "{}",
        "{\"tcb_info\":\"{}\"}",
        "{\"tcb_info\":\"{}\",\"tcb_info_signature\":\"00\"}",
        "{\"tcb_info\":1}",
        "{\"tcb_info\":\"{\\\"tcbInfo\\\":{}}\"}",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tc_err e = tc_tdx_collateral_parse_json((const uint8_t *)bad[i], strlen(bad[i]), &c);

        CHECK(e != TC_ERR_OK && tc_err_class(e) == TC_CLASS_MALFORMED && c == NULL,
              "collateral JSON refused: %s (%s)", bad[i], tc_err_detail());
    }
}

/* Replace each "%s" of a template with h. */
static void fill(char *out, size_t n, const char *tpl, const char *h)
{
    size_t o = 0;

    while (*tpl != '\0' && o + 1 < n) {
        if (tpl[0] == '%' && tpl[1] == 's') {
            size_t k = strlen(h);

            if (o + k + 1 >= n) {
                break;
            }
            memcpy(out + o, h, k);
            o += k;
            tpl += 2;
        } else {
            out[o++] = *tpl++;
        }
    }
    out[o] = '\0';
}

static void test_policy(void)
{
    struct tdx_synth_opts o;
    struct run x;
    uint8_t rd[64], mrtd[48];
    char mrtd_hex[97], rd_hex[129], pol[1024];
    json_t *p;
    struct tc_verdict v;
    json_error_t je;
    size_t i;
    static const struct {
        const char *json;
        int ok;
        const char *first;
    } P[] = {
        {"{}", 1, NULL},
        {"{\"mrtd\":\"%s\"}", 1, NULL},
        {"{\"mrtd\":[\"%s\",\"%s\"]}", 1, NULL},
        {"{\"rtmr0\":\"%s\"}", 0, "policy.rtmr0"},
        {"{\"report_data\":\"%s\"}", 1, NULL},
        {"{\"accepted_tcb_statuses\":[\"UpToDate\"]}", 1, NULL},
        {"{\"accepted_tcb_statuses\":[\"OutOfDate\"]}", 0, "policy.tcb_status"},
        {"{\"min_tee_tcb_svn\":\"06010300000000000000000000000000\"}", 1, NULL},
        {"{\"min_tee_tcb_svn\":\"06010400000000000000000000000000\"}", 0, "policy.min_tee_tcb_svn"},
        {"{\"xfam\":\"e702060000000000\"}", 1, NULL},
        {"{\"td_attributes\":\"0000000000000000\",\"td_attributes_mask\":\"0100000000000000\"}", 1,
         NULL},
        {"{\"td_attributes\":\"0000000000000000\"}", 0, "policy.td_attributes"},
        {"{\"mrservicetd\":\"%s\"}", 0, "policy.mrservicetd"},
    };

    memset(rd, 0x5a, sizeof(rd));
    memset(mrtd, 0x77, sizeof(mrtd));
    tc_hex_encode(rd, 64, rd_hex);
    tc_hex_encode(mrtd, 48, mrtd_hex);
    memset(&o, 0, sizeof(o));
    o.report_data = rd;
    o.mrtd = mrtd;
    if (!CHECK(run(&o, 0, 1, &x) && x.e == TC_ERR_OK, "policy: synthetic quote verifies")) {
        return;
    }
    for (i = 0; i < sizeof(P) / sizeof(P[0]); i++) {
        const char *h = strstr(P[i].json, "report_data") ? rd_hex : mrtd_hex;
        tc_err e;

        fill(pol, sizeof(pol), P[i].json, h);
        p = json_loads(pol, 0, &je);
        if (!CHECK(p != NULL, "policy %zu parses", i)) {
            continue;
        }
        tc_verdict_init(&v);
        e = tc_tdx_appraise(&x.q, &x.r, p, &v);
        CHECK((e == TC_ERR_OK) == P[i].ok &&
                  (P[i].ok || strcmp(tc_verdict_first_failure(&v)->name, P[i].first) == 0),
              "policy %s: %s", pol, P[i].ok ? "accepted" : P[i].first);
        tc_verdict_free(&v);
        json_decref(p);
    }
    /* Debug TDs: refused unless allowed. */
    run_free(&x);
    o.debug = 1;
    if (run(&o, 0, 1, &x)) {
        p = json_loads("{}", 0, &je);
        tc_verdict_init(&v);
        CHECK(tc_tdx_appraise(&x.q, &x.r, p, &v) == TC_ERR_POLICY &&
                  strcmp(tc_verdict_first_failure(&v)->name, "policy.debug") == 0,
              "debug TD refused by the default policy");
        tc_verdict_free(&v);
        json_decref(p);
        p = json_loads("{\"allow_debug\":true}", 0, &je);
        tc_verdict_init(&v);
        CHECK(tc_tdx_appraise(&x.q, &x.r, p, &v) == TC_ERR_OK, "debug TD allowed explicitly");
        tc_verdict_free(&v);
        json_decref(p);
        run_free(&x);
    }
    /* TCB required by the policy but not evaluated. */
    o.debug = 0;
    if (run(&o, 0, 1, &x)) {
        p = json_loads("{\"accepted_tcb_statuses\":[\"UpToDate\"]}", 0, &je);
        tc_verdict_init(&v);
        CHECK(tc_tdx_appraise(&x.q, NULL, p, &v) == TC_ERR_POLICY,
              "accepted_tcb_statuses without a TCB result: refused");
        tc_verdict_free(&v);
        json_decref(p);
        p = json_loads("{\"accepted_tcb_statuses\":[\"UpToDate\"],\"require_tcb\":false}", 0, &je);
        tc_verdict_init(&v);
        CHECK(tc_tdx_appraise(&x.q, NULL, p, &v) == TC_ERR_OK,
              "require_tcb false: the missing TCB result is skipped");
        tc_verdict_free(&v);
        json_decref(p);
        run_free(&x);
    }
    /* Malformed policies are usage errors, never ignored. */
    {
        static const char *const bad[] = {
            "[]",
            "{\"mrdt\":\"00\"}",
            "{\"mrtd\":\"00\"}",
            "{\"mrtd\":[]}",
            "{\"allow_debug\":\"yes\"}",
            "{\"accepted_tcb_statuses\":[\"Fine\"]}",
            "{\"accepted_tcb_statuses\":[]}",
            "{\"min_tee_tcb_svn\":\"0601\"}",
        };
        uint32_t mask;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            p = json_loads(bad[i], 0, &je);
            CHECK(p != NULL && tc_tdx_policy_validate(p) == TC_ERR_USAGE, "policy refused: %s",
                  bad[i]);
            json_decref(p);
        }
        p = json_loads("{\"accepted_tcb_statuses\":[\"UpToDate\",\"SWHardeningNeeded\"]}", 0, &je);
        CHECK(tc_tdx_policy_tcb_mask(p, &mask) == TC_ERR_OK &&
                  mask == (TC_TDX_TCB_BIT(TC_TDX_TCB_UP_TO_DATE) |
                           TC_TDX_TCB_BIT(TC_TDX_TCB_SW_HARDENING_NEEDED)),
              "policy TCB mask");
        json_decref(p);
    }
}

/* The PCK SGX extension parser on its own (DER negatives). */
static void test_pck_ext(void)
{
    /* SEQUENCE { SEQUENCE { OID ...1.13.1.1, OCTET STRING (16) } } : only a PPID */
    static const uint8_t only_ppid[] = {0x30, 0x1f, 0x30, 0x1d, 0x06, 0x0a, 0x2a, 0x86, 0x48,
                                        0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01, 0x01, 0x04, 0x0f,
                                        1,    2,    3,    4,    5,    6,    7,    8,    9,
                                        10,   11,   12,   13,   14,   15};
    struct tdx_pck_ext x;
    uint8_t buf[sizeof(only_ppid)];

    CHECK(tdx_pck_ext_parse_der(only_ppid, sizeof(only_ppid), &x) == TC_ERR_MALFORMED,
          "SGX extension: a 15-byte PPID is refused");
    memcpy(buf, only_ppid, sizeof(buf));
    buf[1] = 0x80;
    CHECK(tdx_pck_ext_parse_der(buf, sizeof(buf), &x) == TC_ERR_MALFORMED,
          "SGX extension: indefinite length refused");
    CHECK(tdx_pck_ext_parse_der(buf, 1, &x) == TC_ERR_TRUNCATED, "SGX extension: truncated");
}

int main(void)
{
    if (tdx_synth_new(&S) != TC_ERR_OK) {
        CHECK(0, "synthetic keys: %s", tc_err_detail());
        return t_done();
    }
    tdx_synth_root_key(S, ROOT);
    test_baseline();
    test_matrix();
    test_tcb_matrix();
    test_qvl_order();
    test_collateral_forms();
    test_foreign_shapes();
    test_raw_bytes();
    test_collateral_json_negatives();
    test_policy();
    test_pck_ext();
    tdx_synth_free(S);
    return t_done();
}
