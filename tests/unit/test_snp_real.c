/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every real SEV-SNP report in ../shared/testdata/snp verified or rejected exactly as its
 * README says, at the times it gives (a table), plus the mutations the source projects test.
 * Skipped when the shared test data is absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ossl.h"
#include "harness.h"
#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

/* The machine clock when the data was collected (2026-11-23): "now" in the README. */
#define NOW "2026-11-23T12:00:00Z"

struct row {
    const char *name;
    const char *report; /* relative to testdata/snp */
    const char *vek;    /* NULL: from the report's table or the bundle */
    const char *certs;  /* a PEM bundle (or two files, "a,b"), or NULL */
    const char *crl;    /* or NULL */
    const char *at;     /* RFC 3339 */
    const char *policy; /* JSON text, or NULL: no appraisal */
    const char *fail;   /* NULL: accepted; else the name of the check that must fail */
    tc_err err;         /* the function's result (TC_ERR_OK when accepted) */
};

static const struct row rows[] = {
    /* go-sev-guest */
    {"go-sev-guest Milan v2", "go-sev-guest/attestation.bin", "go-sev-guest/vcek.testcer",
     "go-sev-guest/ask_ark_milan.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    {"go-sev-guest Milan v2, debug allowed by policy", "go-sev-guest/attestation.bin",
     "go-sev-guest/vcek.testcer", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     "{\"allow_debug\": true, \"vmpl\": 0, \"report_data\": \"0102030405\"}", NULL, TC_ERR_OK},
    {"go-sev-guest Milan v2, default policy denies debug", "go-sev-guest/attestation.bin",
     "go-sev-guest/vcek.testcer", "go-sev-guest/ask_ark_milan.pem", NULL, NOW, "{}", "policy.debug",
     TC_ERR_POLICY},
    /* virtee/sev */
    {"virtee Milan v2", "virtee-sev/report_milan.bin", "virtee-sev/vcek_milan.der",
     "virtee-sev/cert_chain_milan", NULL, NOW, "{}", NULL, TC_ERR_OK},
    /* trustee: committed ucode 115, current 206 */
    {"trustee Milan v2", "trustee/test-report.bin", "trustee/test-vcek.der",
     "go-sev-guest/ask_ark_milan.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    {"trustee Milan v2: provisional firmware (PROV)", "trustee/test-report.bin",
     "trustee/test-vcek.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW, "{}",
     "policy.provisional_firmware", TC_ERR_POLICY},
    {"trustee Milan v2: provisional firmware permitted", "trustee/test-report.bin",
     "trustee/test-vcek.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     "{\"permit_provisional_firmware\": true, \"min_guest_svn\": 4, \"min_policy_abi\": \"0.31\","
     " \"id_key_digest\": "
     "\"0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7"
     "a44a3\","
     " \"family_id\": \"01000000000000000000000000000000\","
     " \"image_id\": \"02000000000000000000000000000000\"}",
     NULL, TC_ERR_OK},
    {"trustee VLEK v3: expired now", "trustee/test-vlek-report.bin", "trustee/test-vlek.der",
     "go-sev-guest/ask_ark_milan_vlek.pem", NULL, NOW, NULL, "chain.vlek.validity", TC_ERR_EXPIRED},
    {"trustee VLEK v3 at 2025-06", "trustee/test-vlek-report.bin", "trustee/test-vlek.der",
     "go-sev-guest/ask_ark_milan_vlek.pem", NULL, "2025-06-01",
     "{\"signer\": \"vlek\", "
     "\"permit_provisional_firmware\": true, \"vmpl\": 1}",
     NULL, TC_ERR_OK},
    {"trustee VLEK v3 at 2025-06: PROV", "trustee/test-vlek-report.bin", "trustee/test-vlek.der",
     "go-sev-guest/ask_ark_milan_vlek.pem", NULL, "2025-06-01", "{}", "policy.provisional_firmware",
     TC_ERR_POLICY},
    {"trustee VLEK v3: VCEK policy", "trustee/test-vlek-report.bin", "trustee/test-vlek.der",
     "go-sev-guest/ask_ark_milan_vlek.pem", NULL, "2025-06-01",
     "{\"signer\": \"vcek\", \"permit_provisional_firmware\": true}", "policy.signer",
     TC_ERR_POLICY},
    {"trustee VLEK: the ASK does not issue VLEKs", "trustee/test-vlek-report.bin",
     "trustee/test-vlek.der", "go-sev-guest/ask_ark_milan.pem", NULL, "2025-06-01", NULL,
     "chain.asvk", TC_ERR_NOT_FOUND},
    /* trustee's 3-certificate bundles (ASK, ARK, ASVK): each chain picks its own issuer. */
    {"trustee VLEK v3, ASK+ARK+ASVK bundle at 2025-06", "trustee/test-vlek-report.bin",
     "trustee/test-vlek.der", "trustee/milan_ask_ark_asvk.pem", NULL, "2025-06-01", NULL, NULL,
     TC_ERR_OK},
    {"trustee Milan v2, ASK+ARK+ASVK bundle", "trustee/test-report.bin", "trustee/test-vcek.der",
     "trustee/milan_ask_ark_asvk.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    {"Turin v5, trustee Turin bundle", "openanolis-trustee/turin-report.bin",
     "openanolis-trustee/turin-vcek.der", "trustee/turin_ask_ark_asvk.pem", NULL, NOW, NULL, NULL,
     TC_ERR_OK},
    /* virtee's single-certificate PEMs (ASK and ARK given apart). */
    {"virtee Milan v2, ASK and ARK in two files", "virtee-sev/report_milan.bin",
     "virtee-sev/vcek_milan.der", "virtee-sev/milan_ask.pem,virtee-sev/milan_ark.pem", NULL, NOW,
     NULL, NULL, TC_ERR_OK},
    {"virtee Milan v2, Genoa ARK: no ARK-Milan", "virtee-sev/report_milan.bin",
     "virtee-sev/vcek_milan.der", "virtee-sev/milan_ask.pem,virtee-sev/genoa_ark.pem", NULL, NOW,
     NULL, "chain.ark", TC_ERR_NOT_FOUND},
    /* openanolis trustee */
    {"openanolis VLEK v2 masked chip ID at 2025-01", "openanolis-trustee/test-vlek-report.bin",
     "openanolis-trustee/test-vlek.der", "go-sev-guest/ask_ark_milan_vlek.pem", NULL, "2025-01-01",
     "{}", NULL, TC_ERR_OK},
    {"openanolis VLEK v2: expired now", "openanolis-trustee/test-vlek-report.bin",
     "openanolis-trustee/test-vlek.der", "go-sev-guest/ask_ark_milan_vlek.pem", NULL, NOW, NULL,
     "chain.vlek.validity", TC_ERR_EXPIRED},
    {"openanolis Turin v5", "openanolis-trustee/turin-report.bin",
     "openanolis-trustee/turin-vcek.der", "go-sev-guest/ask_ark_turin_vcek.pem", NULL, NOW,
     "{\"product\": \"Turin\", \"min_tcb\": {\"fmc\": 1, \"bootloader\": 3, \"tee\": 2, "
     "\"snp\": 5, \"microcode\": 97}, \"chip_id\": \"0910b4f884ff4ba9\", "
     "\"min_launch_mit_vector\": \"0x3f\", \"platform_info\": {\"smt_enabled\": true}}",
     NULL, TC_ERR_OK},
    {"openanolis Turin v5: microcode floor 98", "openanolis-trustee/turin-report.bin",
     "openanolis-trustee/turin-vcek.der", "go-sev-guest/ask_ark_turin_vcek.pem", NULL, NOW,
     "{\"min_tcb\": {\"microcode\": 98}}", "policy.min_tcb.reported.microcode", TC_ERR_POLICY},
    {"openanolis Turin v5 before its VCEK", "openanolis-trustee/turin-report.bin",
     "openanolis-trustee/turin-vcek.der", "go-sev-guest/ask_ark_turin_vcek.pem", NULL, "2026-01-01",
     NULL, "chain.vcek.validity", TC_ERR_EXPIRED},
    {"Turin report, Milan chain: product", "openanolis-trustee/turin-report.bin",
     "go-sev-guest/vcek.testcer", "go-sev-guest/ask_ark_milan.pem", NULL, NOW, NULL, "product",
     TC_ERR_MISMATCH},
    /* Azure (trustee az-snp-vtpm) */
    {"Azure HCL Milan v2", "trustee/hcl-report.bin", NULL, "trustee/vcek.pem", NULL, NOW, NULL,
     NULL, TC_ERR_OK},
    {"Azure HCL Milan v2 report alone", "trustee/azure_extracted/hcl-report_snp_report.bin", NULL,
     "trustee/vcek.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    {"Azure HCL Milan v2: PROV", "trustee/azure_extracted/hcl-report_snp_report.bin", NULL,
     "trustee/vcek.pem", NULL, NOW, "{}", "policy.provisional_firmware", TC_ERR_POLICY},
    {"Azure Genoa v3", "trustee/azure_extracted/evidence-genoa_snp_report.bin",
     "trustee/azure_extracted/evidence-genoa_vcek.pem", "go-sev-guest/ask_ark_genoa.pem", NULL, NOW,
     "{\"product\": \"Genoa\"}", NULL, TC_ERR_OK},
    {"Azure Genoa v3 HCL", "trustee/azure_extracted/evidence-genoa_hcl.bin",
     "trustee/azure_extracted/evidence-genoa_vcek.pem", "go-sev-guest/ask_ark_genoa.pem", NULL, NOW,
     "{}", NULL, TC_ERR_OK},
    {"Azure Milan v3 (v0)", "trustee/azure_extracted/evidence-v0_snp_report.bin",
     "trustee/azure_extracted/evidence-v0_vcek.pem", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     "{}", NULL, TC_ERR_OK},
    {"Azure Milan v3 (v1)", "trustee/azure_extracted/evidence-v1_hcl.bin",
     "trustee/azure_extracted/evidence-v1_vcek.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     "{}", NULL, TC_ERR_OK},
    /* The README: all six Azure HCL samples bind their runtime data (REPORT_DATA[0:32]). */
    {"Azure Milan v3 (v0) HCL", "trustee/azure_extracted/evidence-v0_hcl.bin",
     "trustee/azure_extracted/evidence-v0_vcek.pem", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     NULL, NULL, TC_ERR_OK},
    {"Azure Milan v3 (v2) HCL", "trustee/azure_extracted/evidence-v2_hcl.bin",
     "trustee/azure_extracted/evidence-v2_vcek.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     NULL, NULL, TC_ERR_OK},
    {"Azure HCL Milan v2 (extracted copy)", "trustee/azure_extracted/hcl-report_hcl.bin", NULL,
     "trustee/vcek.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    {"Azure Milan v3 (v2)", "trustee/azure_extracted/evidence-v2_snp_report.bin",
     "trustee/azure_extracted/evidence-v2_vcek.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     "{}", NULL, TC_ERR_OK},
    {"Milan v3 report, Genoa VCEK: product", "trustee/azure_extracted/evidence-v1_snp_report.bin",
     "trustee/azure_extracted/evidence-genoa_vcek.pem", "go-sev-guest/ask_ark_genoa.pem", NULL, NOW,
     NULL, "product", TC_ERR_MISMATCH},
    {"Azure Milan v3 with another chip's VCEK",
     "trustee/azure_extracted/evidence-v2_snp_report.bin",
     "trustee/azure_extracted/evidence-v0_vcek.pem", "go-sev-guest/ask_ark_milan.pem", NULL, NOW,
     NULL, "signature", TC_ERR_SIGNATURE},
    /* constellation */
    {"constellation Milan v2", "constellation/snp/attestation_first1184.bin",
     "constellation/snp/vcek.pem", "constellation/snp/certchain.pem", NULL, NOW,
     "{\"report_data\": \"0ccc0895ef2f2c3b8c8568f5a2bb65ff5bf9387a09359742ad41e686cacfd38b\", "
     "\"id_key_digest\": [\"00\", "
     "\"57e229e0ffe5fa92d0faddff6cae0e61c926fc9ef9afd20a8b8cfcf7129db9338cbe5bf3f6987733a2bf65d06dc"
     "38fc1\"]}",
     "policy.id_key_digest", TC_ERR_JSON},
    {"constellation Milan v2 (policy)", "constellation/snp/attestation_first1184.bin",
     "constellation/snp/vcek.pem", "constellation/snp/certchain.pem", NULL, NOW,
     "{\"report_data\": \"0ccc0895ef2f2c3b8c8568f5a2bb65ff5bf9387a09359742ad41e686cacfd38b\", "
     "\"id_key_digest\": ["
     "\"57e229e0ffe5fa92d0faddff6cae0e61c926fc9ef9afd20a8b8cfcf7129db9338cbe5bf3f6987733a2bf65d06dc"
     "38fc1\"]}",
     NULL, TC_ERR_OK},
    {"constellation AWS VLEK v3 at 2025-06", "constellation/aws_snp/report.bin",
     "constellation/aws_snp/vlek.pem", "constellation/aws_snp/certchain.pem", NULL, "2025-06-01",
     NULL, NULL, TC_ERR_OK},
    {"constellation AWS VLEK v3: PROV", "constellation/aws_snp/report.bin",
     "constellation/aws_snp/vlek.pem", "constellation/aws_snp/certchain.pem", NULL, "2025-06-01",
     "{}", "policy.provisional_firmware", TC_ERR_POLICY},
    {"constellation AWS VLEK v3: expired now", "constellation/aws_snp/report.bin",
     "constellation/aws_snp/vlek.pem", "constellation/aws_snp/certchain.pem", NULL, NOW, NULL,
     "chain.vlek.validity", TC_ERR_EXPIRED},
    {"constellation VLEK vector: bad signature", "constellation/snp/attestation_vlek_from_hex.bin",
     "constellation/snp/vlek.pem", "constellation/snp/vlekcertchain.pem", NULL, "2024-01-01", NULL,
     "signature", TC_ERR_SIGNATURE},
    /* openpcc */
    {"openpcc Azure Genoa v3", "openpcc/azure_snp_report.bin", "openpcc/test_vcek_genoa.pem",
     "go-sev-guest/ask_ark_genoa.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    {"openpcc Azure Genoa v3 HCL", "openpcc/azure_hcl_report.bin", "openpcc/test_vcek_genoa.pem",
     "go-sev-guest/ask_ark_genoa.pem", NULL, NOW, NULL, NULL, TC_ERR_OK},
    /* derived: report || certificate table */
    {"derived Milan extended report", "derived/milan_report_plus_certtable.bin", NULL, NULL, NULL,
     NOW, NULL, NULL, TC_ERR_OK},
    {"derived Turin extended report", "derived/turin_report_plus_certtable.bin", NULL, NULL, NULL,
     NOW, NULL, NULL, TC_ERR_OK},
    {"derived Milan VLEK extended report: expired now",
     "derived/milan_vlek_report_plus_certtable.bin", NULL, NULL, NULL, NOW, NULL,
     "chain.vlek.validity", TC_ERR_EXPIRED},
    {"derived Milan VLEK extended report at 2025-06",
     "derived/milan_vlek_report_plus_certtable.bin", NULL, NULL, NULL, "2025-06-01", NULL, NULL,
     TC_ERR_OK},
    /* CRLs */
    {"Milan CRL at 2025-12: ASK not revoked", "derived/milan_report_plus_certtable.bin", NULL, NULL,
     "openpcc/test_amd_milan_crl.pem", "2025-12-01", NULL, NULL, TC_ERR_OK},
    {"Milan CRL now: expired", "derived/milan_report_plus_certtable.bin", NULL, NULL,
     "openpcc/test_amd_milan_crl.pem", NOW, NULL, "crl.ark.validity", TC_ERR_EXPIRED},
    {"Genoa CRL at 2025-07: ASK 020002 not revoked", "openpcc/azure_snp_report.bin",
     "openpcc/test_vcek_genoa.pem", "go-sev-guest/ask_ark_genoa.pem",
     "openpcc/test_amd_genoa_crl.pem", "2025-07-01", NULL, NULL, TC_ERR_OK},
    {"Genoa CRL now: expired", "openpcc/azure_snp_report.bin", "openpcc/test_vcek_genoa.pem",
     "go-sev-guest/ask_ark_genoa.pem", "openpcc/test_amd_genoa_crl.pem", NOW, NULL,
     "crl.ark.validity", TC_ERR_EXPIRED},
    {"Milan CRL for a Genoa chain", "openpcc/azure_snp_report.bin", "openpcc/test_vcek_genoa.pem",
     "go-sev-guest/ask_ark_genoa.pem", "openpcc/test_amd_milan_crl.pem", "2025-07-01", NULL, "crl",
     TC_ERR_REVOKED},
    /* negative certificates */
    {"trustee invalid VCEK (legacy hwID)", "trustee/test-report.bin",
     "trustee/test-vcek-invalid-legacy.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW, NULL,
     "chain.vcek.signature", TC_ERR_SIGNATURE},
    {"trustee invalid VCEK (wrapped hwID)", "trustee/test-report.bin",
     "trustee/test-vcek-invalid-new.der", "go-sev-guest/ask_ark_milan.pem", NULL, NOW, NULL,
     "chain.vcek.signature", TC_ERR_SIGNATURE},
};

static const char *path(const char *rel)
{
    static char buf[2][4096];
    static int k;
    char sub[1024];
    const char *p;

    snprintf(sub, sizeof(sub), "snp/%s", rel);
    p = t_testdata(sub);
    if (p == NULL) {
        return NULL;
    }
    k ^= 1;
    snprintf(buf[k], sizeof(buf[k]), "%s", p);
    return buf[k];
}

static int load(const char *rel, uint8_t **d, size_t *n)
{
    const char *p = path(rel);

    return p != NULL && tc_file_read(p, 1 << 20, d, n) == TC_ERR_OK;
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

/* Verify (and appraise) evidence bytes as the row says; returns the error. */
static tc_err run(const struct row *r, uint8_t *rep, size_t rlen, const uint8_t *vek, size_t vlen,
                  struct tc_verdict *v)
{
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));
    struct tc_snp_blob b_vek = {vek, vlen}, b_certs[2] = {{NULL, 0}, {NULL, 0}}, b_crl = {NULL, 0};
    uint8_t *certs = NULL, *certs2 = NULL, *crl = NULL;
    struct tc_snp_verify_opts o;
    json_t *pol = NULL;
    tc_err e;

    memset(&o, 0, sizeof(o));
    if (ev == NULL) {
        return TC_ERR_NOMEM;
    }
    e = tc_snp_evidence_parse(rep, rlen, ev);
    if (e != TC_ERR_OK) {
        goto out;
    }
    if (tc_time_parse(r->at, &o.at) != TC_ERR_OK) {
        e = TC_ERR_USAGE;
        goto out;
    }
    if (vek != NULL) {
        o.vek = &b_vek;
    }
    if (r->certs != NULL) {
        char first[256];
        const char *comma = strchr(r->certs, ',');

        snprintf(first, sizeof(first), "%.*s",
                 comma != NULL ? (int)(comma - r->certs) : (int)strlen(r->certs), r->certs);
        if (!load(first, &certs, &b_certs[0].len) ||
            (comma != NULL && !load(comma + 1, &certs2, &b_certs[1].len))) {
            e = TC_ERR_IO;
            goto out;
        }
        b_certs[0].data = certs;
        b_certs[1].data = certs2;
        o.certs = b_certs;
        o.n_certs = comma != NULL ? 2 : 1;
    }
    if (r->crl != NULL) {
        if (!load(r->crl, &crl, &b_crl.len)) {
            e = TC_ERR_IO;
            goto out;
        }
        b_crl.data = crl;
        o.crls = &b_crl;
        o.n_crls = 1;
    }
    e = tc_snp_verify_evidence(ev, &o, v);
    if (r->policy != NULL && (e == TC_ERR_OK || tc_err_class(e) == TC_CLASS_REJECTED)) {
        tc_err pe;

        pol = json_loads(r->policy, 0, NULL);
        pe = pol == NULL ? TC_ERR_JSON : tc_snp_appraise(&ev->report, pol, v);
        if (e == TC_ERR_OK) {
            e = pe;
        }
    }
out:
    json_decref(pol);
    free(certs);
    free(certs2);
    free(crl);
    free(ev);
    return e;
}

static void test_table(void)
{
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        uint8_t *rep = NULL, *vek = NULL;
        size_t rlen = 0, vlen = 0;
        struct tc_verdict v;
        tc_err e;

        if (!load(r->report, &rep, &rlen) || (r->vek != NULL && !load(r->vek, &vek, &vlen))) {
            CHECK(0, "%s: test data readable", r->name);
            free(rep);
            continue;
        }
        tc_verdict_init(&v);
        e = run(r, rep, rlen, vek, vlen, &v);
        if (r->fail == NULL) {
            if (!CHECK(e == TC_ERR_OK && tc_verdict_ok(&v), "%s: accepted", r->name)) {
                char buf[700];

                printf("#   %s (%s): %s\n", tc_err_name(e), tc_err_detail(),
                       tc_verdict_summary(&v, buf, sizeof(buf)));
            }
        } else if (r->err == TC_ERR_JSON) {
            CHECK(e == TC_ERR_JSON, "%s: invalid policy refused (%s)", r->name, tc_err_detail());
        } else {
            const struct tc_check *c = find(&v, r->fail);
            char buf[700];

            if (!CHECK(e == r->err && c != NULL && c->status == TC_CHECK_FAIL,
                       "%s: rejected by %s (%s)", r->name, r->fail, tc_err_name(r->err))) {
                printf("#   returned %s (%s): %s\n", tc_err_name(e), tc_err_detail(),
                       tc_verdict_summary(&v, buf, sizeof(buf)));
            }
        }
        tc_verdict_free(&v);
        free(rep);
        free(vek);
    }
}

/* The mutations the source projects test, applied to the real reports. */
static void mutate(const char *name, const char *report, const char *vek, const char *certs,
                   size_t off, uint8_t xor_, int add, const char *fail, tc_err err)
{
    struct row r = {name, report, vek, certs, NULL, NOW, NULL, fail, err};
    uint8_t *rep = NULL, *vk = NULL;
    size_t rlen = 0, vlen = 0;
    struct tc_verdict v;
    const struct tc_check *c;
    tc_err e;

    if (!load(report, &rep, &rlen) || !load(vek, &vk, &vlen)) {
        CHECK(0, "%s: data", name);
        free(rep);
        return;
    }
    if (add) {
        rep[off] = (uint8_t)(rep[off] + 1);
    } else {
        rep[off] ^= xor_;
    }
    tc_verdict_init(&v);
    e = run(&r, rep, rlen, vk, vlen, &v);
    c = find(&v, fail);
    CHECK(e != TC_ERR_OK && c != NULL && c->status == TC_CHECK_FAIL && c->err == err,
          "%s: rejected by %s", name, fail);
    tc_verdict_free(&v);
    free(rep);
    free(vk);
}

static void test_mutations(void)
{
    uint8_t *rep = NULL, *vk = NULL;
    size_t rlen = 0, vlen = 0;

    mutate("virtee: report byte 21 ^= 0x80", "virtee-sev/report_milan.bin",
           "virtee-sev/vcek_milan.der", "virtee-sev/cert_chain_milan", 21, 0x80, 0, "signature",
           TC_ERR_SIGNATURE);
    mutate("trustee: bytes[42] += 1", "trustee/test-report.bin", "trustee/test-vcek.der",
           "go-sev-guest/ask_ark_milan.pem", 42, 0, 1, "signature", TC_ERR_SIGNATURE);
    mutate("trustee: bytes[384] += 1 (REPORTED_TCB.bl): TCB", "trustee/test-report.bin",
           "trustee/test-vcek.der", "go-sev-guest/ask_ark_milan.pem", 384, 0, 1, "tcb.bootloader",
           TC_ERR_TCB);
    mutate("trustee: bytes[384] += 1 (REPORTED_TCB.bl): signature", "trustee/test-report.bin",
           "trustee/test-vcek.der", "go-sev-guest/ask_ark_milan.pem", 384, 0, 1, "signature",
           TC_ERR_SIGNATURE);
    mutate("openanolis: Turin byte 0x90 flipped", "openanolis-trustee/turin-report.bin",
           "openanolis-trustee/turin-vcek.der", "go-sev-guest/ask_ark_turin_vcek.pem", 0x90, 0x01,
           0, "signature", TC_ERR_SIGNATURE);
    mutate("Turin CHIP_ID byte 9 set (8-byte rule)", "openanolis-trustee/turin-report.bin",
           "openanolis-trustee/turin-vcek.der", "go-sev-guest/ask_ark_turin_vcek.pem", 0x1a9, 0x01,
           0, "chip_id", TC_ERR_MISMATCH);
    /* virtee: VCEK DER byte 40 flipped: the chain no longer verifies (or it does not parse). */
    if (load("virtee-sev/report_milan.bin", &rep, &rlen) &&
        load("virtee-sev/vcek_milan.der", &vk, &vlen)) {
        struct row r = {"virtee VCEK byte 40",
                        "",
                        NULL,
                        "virtee-sev/cert_chain_milan",
                        NULL,
                        NOW,
                        NULL,
                        NULL,
                        TC_ERR_OK};
        struct tc_verdict v;
        const struct tc_check *c;
        tc_err e;

        vk[40] ^= 0x01;
        tc_verdict_init(&v);
        e = run(&r, rep, rlen, vk, vlen, &v);
        c = find(&v, "chain.vcek.signature");
        CHECK(e != TC_ERR_OK && (tc_err_class(e) == TC_CLASS_MALFORMED ||
                                 (c != NULL && c->status == TC_CHECK_FAIL)),
              "virtee: VCEK DER byte 40 flipped: rejected (%s)", tc_err_name(e));
        tc_verdict_free(&v);
    }
    free(rep);
    free(vk);
}

static void test_truncated_and_containers(void)
{
    uint8_t *d = NULL;
    size_t n = 0;
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));

    if (ev == NULL) {
        return;
    }
    if (load("openpcc/gce_snp_report_v4.bin", &d, &n)) {
        CHECK(n == 1175, "GCE v4 sample is 1175 bytes");
        CHECK_ERR(tc_snp_evidence_parse(d, n, ev), TC_ERR_TRUNCATED,
                  "GCE v4 (1175 bytes): truncated");
        free(d);
        d = NULL;
    }
    if (load("constellation/snp/attestation.bin", &d, &n)) {
        CHECK(tc_err_class(tc_snp_evidence_parse(d, n, ev)) == TC_CLASS_MALFORMED,
              "constellation 1204-byte report + runtime header: malformed (not a cert table)");
        free(d);
        d = NULL;
    }
    if (load("derived/milan_certtable.bin", &d, &n)) {
        struct tc_snp_certtable t;

        CHECK(tc_snp_certtable_parse(d, n, &t) == TC_ERR_OK && t.n == 3 &&
                  t.e[0].kind == TC_SNP_CERT_VCEK && t.e[1].kind == TC_SNP_CERT_ASK &&
                  t.e[2].kind == TC_SNP_CERT_ARK,
              "derived Milan certificate table: VCEK, ASK, ARK");
        free(d);
        d = NULL;
    }
    if (load("derived/milan_vlek_report_plus_certtable.bin", &d, &n)) {
        CHECK(tc_snp_evidence_parse(d, n, ev) == TC_ERR_OK && ev->certs.n == 3 &&
                  ev->certs.e[0].kind == TC_SNP_CERT_VLEK,
              "derived VLEK table: VLEK entry first");
        free(d);
        d = NULL;
    }
    if (load("trustee/hcl-report.bin", &d, &n)) {
        CHECK(tc_snp_evidence_parse(d, n, ev) == TC_ERR_OK &&
                  ev->container == TC_SNP_CONTAINER_AZURE_HCL && ev->hcl_hash_type == 1 &&
                  ev->hcl_runtime_len == 0x456,
              "trustee HCL: runtime data of 0x456 bytes, SHA-256");
        free(d);
        d = NULL;
    }
    if (load("openanolis-trustee/turin-report.bin", &d, &n)) {
        CHECK(tc_snp_evidence_parse(d, n, ev) == TC_ERR_OK && ev->report.platform_info == 0x65 &&
                  ev->report.version == 5 && ev->report.reported_tcb.raw == 0x6100000005020301ull,
              "Turin v5: platform info 0x65 (bit 6) accepted, TCB raw");
        free(d);
        d = NULL;
    }
    free(ev);
}

/* The pins built into the program are the SPKI hashes of the real AMD ARKs (and only them). */
static void test_pins(void)
{
    static const struct {
        const char *file;
        enum tc_snp_product p;
        int pinned;
    } t[] = {
        {"derived/milan_ark.pem", TC_SNP_PRODUCT_MILAN, 1},
        {"derived/genoa_ark.pem", TC_SNP_PRODUCT_GENOA, 1},
        {"derived/turin_ark.pem", TC_SNP_PRODUCT_TURIN, 1},
        {"derived/milan_ask.pem", TC_SNP_PRODUCT_UNKNOWN, 0},
        {"derived/turin_asvk.pem", TC_SNP_PRODUCT_UNKNOWN, 0},
    };
    size_t i, n, k;
    const struct tc_snp_anchor *amd = tc_snp_amd_anchors(&n);

    CHECK(n == 3, "three built-in ARK pins");
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint8_t *d = NULL;
        size_t len = 0;
        struct tc_snp_anchor a;
        int found = 0;

        if (!load(t[i].file, &d, &len) || tc_snp_anchor_from_cert(d, len, &a) != TC_ERR_OK) {
            CHECK(0, "%s: anchor", t[i].file);
            free(d);
            continue;
        }
        for (k = 0; k < n; k++) {
            found |= memcmp(amd[k].spki_sha256, a.spki_sha256, 32) == 0 && amd[k].product == t[i].p;
        }
        CHECK(found == t[i].pinned, "%s %s", t[i].file,
              t[i].pinned ? "is pinned" : "is not pinned");
        free(d);
    }
}

/* The AMD extensions of real certificates (including Turin's FMC and 8-byte hwID). */
static void test_extensions(void)
{
    static const struct {
        const char *file;
        size_t hwid_len;
        const char *hwid8;
        int spl[10];
        const char *name;
    } t[] = {
        {"virtee-sev/vcek_turin.der",
         8,
         "1e550a8ee5cf9f4d",
         {-1, 0, 0, 0, -1, 0, 0, 0, 9, 0},
         "Turin"},
        {"openanolis-trustee/turin-vcek.der",
         8,
         "0910b4f884ff4ba9",
         {-1, 3, 2, 5, -1, 0, 0, 0, 97, 1},
         "Turin"},
        {"go-sev-guest/vcek.testcer",
         64,
         "3ac3fe21e13fb099",
         {-1, 2, 0, 5, 0, 0, 0, 0, 68, -1},
         "Milan-B0"},
        {"trustee/test-vcek-invalid-legacy.der",
         64,
         "0001020304050607",
         {-1, 3, 0, 10, 0, 0, 0, 0, 169, -1},
         NULL},
        {"trustee/test-vcek-invalid-new.der",
         64,
         "0001020304050607",
         {-1, 0, 0, 0, 0, 0, 0, 0, 30, -1},
         NULL},
    };
    size_t i, k;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint8_t *d = NULL;
        size_t len = 0;
        struct snp_cert *c = NULL;
        char hex[17];
        int ok;

        if (!load(t[i].file, &d, &len) || snp_cert_from_der(d, len, &c) != TC_ERR_OK) {
            CHECK(0, "%s: parse (%s)", t[i].file, tc_err_detail());
            free(d);
            continue;
        }
        ok = c->role == SNP_ROLE_VCEK && c->ext.hwid_len == t[i].hwid_len &&
             strcmp(tc_hex_encode(c->ext.hwid, 8, hex), t[i].hwid8) == 0;
        for (k = 1; k <= 9; k++) {
            if (t[i].spl[k] >= 0) {
                ok = ok && c->ext.has_spl[k] && c->ext.spl[k] == t[i].spl[k];
            } else {
                ok = ok && !c->ext.has_spl[k];
            }
        }
        if (t[i].name != NULL) {
            ok = ok && strcmp(c->ext.product_name, t[i].name) == 0;
        }
        CHECK(ok, "%s: role, hwID (%zu bytes), SPLs, productName", t[i].file, t[i].hwid_len);
        snp_cert_put(c);
        free(d);
    }
    {
        uint8_t *d = NULL;
        size_t len = 0;
        struct snp_cert *c = NULL;

        if (load("trustee/test-vlek.der", &d, &len) && snp_cert_from_der(d, len, &c) == TC_ERR_OK) {
            CHECK(c->role == SNP_ROLE_VLEK && c->ext.hwid_len == 0 &&
                      strcmp(c->ext.csp_id, "CN=cc-us-east-2.amazonaws.com") == 0 &&
                      c->product == TC_SNP_PRODUCT_MILAN,
                  "trustee VLEK: cspId, no hwID, Milan");
            snp_cert_put(c);
        } else {
            CHECK(0, "trustee VLEK parses");
        }
        free(d);
    }
}

/* The KDS paths for real reports, as the projects' tests expect them; and an offline cache. */
static void test_kds_paths_and_cache(void)
{
    uint8_t *rep = NULL, *vek = NULL, *chain = NULL;
    size_t rlen = 0, vlen = 0, clen = 0;
    struct tc_snp_report r;
    char p[512];

    if (load("go-sev-guest/attestation.bin", &rep, &rlen) &&
        tc_snp_report_parse(rep, rlen, &r) == TC_ERR_OK) {
        CHECK(tc_snp_kds_vcek_path(TC_SNP_PRODUCT_MILAN, r.chip_id, &r.reported_tcb, p,
                                   sizeof(p)) == TC_ERR_OK &&
                  strcmp(p, "vcek/v1/Milan/"
                            "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e"
                            "359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d"
                            "?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68") == 0,
              "go-sev-guest report: the KDS VCEK URL of its test");
        /* Offline, everything from a cache laid out like the KDS. */
        if (load("go-sev-guest/vcek.testcer", &vek, &vlen) &&
            load("go-sev-guest/ask_ark_milan.pem", &chain, &clen)) {
            char dir[] = "/tmp/tc_snp_cacheXXXXXX", file[1024], cmd[1100];
            struct tc_snp_kds_opts kds = {0};
            struct tc_snp_verify_opts o;
            struct tc_verdict v;
            int ok;

            memset(&o, 0, sizeof(o));
            if (mkdtemp(dir) != NULL) {
                /* A v2 report needs its product for the URL: the caller knows it is Milan. */
                r.product = TC_SNP_PRODUCT_MILAN;
                kds.cache_dir = dir;
                kds.offline = 1;
                o.kds = &kds;
                if (tc_time_parse(NOW, &o.at) != TC_ERR_OK) {
                    o.at = 0;
                }
                tc_verdict_init(&v);
                CHECK_ERR(tc_snp_verify(&r, &o, &v), TC_ERR_OFFLINE,
                          "offline with an empty cache: offline error");
                tc_verdict_free(&v);
                ok = tc_snp_kds_cache_file(&kds, p, file, sizeof(file)) == TC_ERR_OK;
                snprintf(cmd, sizeof(cmd), "mkdir -p %s/vcek/v1/Milan", dir);
                ok = ok && system(cmd) == 0 && tc_file_write(file, vek, vlen, 0644) == TC_ERR_OK &&
                     tc_snp_kds_chain_path(TC_SNP_PRODUCT_MILAN, 0, p, sizeof(p)) == TC_ERR_OK &&
                     tc_snp_kds_cache_file(&kds, p, file, sizeof(file)) == TC_ERR_OK &&
                     tc_file_write(file, chain, clen, 0644) == TC_ERR_OK;
                tc_verdict_init(&v);
                CHECK(ok && tc_snp_verify(&r, &o, &v) == TC_ERR_OK,
                      "offline, VCEK and chain from the KDS-shaped cache: verified");
                tc_verdict_free(&v);
                snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
                (void)!system(cmd);
            }
        }
    }
    free(rep);
    free(vek);
    free(chain);
    rep = NULL;
    /* openpcc's Genoa test asks the KDS for ".../vcek/v1/Genoa/c70912d8...45c6?blSPL=10&
     * teeSPL=0&snpSPL=23&ucodeSPL=84" (README; the hwID abbreviated there). */
    if (load("openpcc/azure_snp_report.bin", &rep, &rlen) &&
        tc_snp_report_parse(rep, rlen, &r) == TC_ERR_OK) {
        static const char tail[] = "45c6?blSPL=10&teeSPL=0&snpSPL=23&ucodeSPL=84";
        size_t pl = 0;

        CHECK(r.product == TC_SNP_PRODUCT_GENOA &&
                  tc_snp_kds_vcek_path(r.product, r.chip_id, &r.reported_tcb, p, sizeof(p)) ==
                      TC_ERR_OK &&
                  (pl = strlen(p)) == strlen("vcek/v1/Genoa/") + 128 + strlen(tail) - 4 &&
                  strncmp(p, "vcek/v1/Genoa/c70912d8", 22) == 0 &&
                  strcmp(p + pl - strlen(tail), tail) == 0,
              "openpcc Genoa report: the KDS VCEK URL of its test");
    }
    free(rep);
    rep = NULL;
    if (load("openanolis-trustee/turin-report.bin", &rep, &rlen) &&
        tc_snp_report_parse(rep, rlen, &r) == TC_ERR_OK) {
        CHECK(tc_snp_kds_vcek_path(r.product, r.chip_id, &r.reported_tcb, p, sizeof(p)) ==
                      TC_ERR_OK &&
                  strcmp(p, "vcek/v1/Turin/0910b4f884ff4ba9?fmcSPL=1&blSPL=3&teeSPL=2&snpSPL=5&"
                            "ucodeSPL=97") == 0,
              "Turin report: the KDS VCEK URL (8-byte hwID, fmcSPL)");
    }
    free(rep);
}

int main(void)
{
    if (t_testdata("snp/README.md") == NULL) {
        t_skip("SEV-SNP real reports: ../shared/testdata not present");
        return t_done();
    }
    test_table();
    test_mutations();
    test_truncated_and_containers();
    test_pins();
    test_extensions();
    test_kds_paths_and_cache();
    return t_done();
}
