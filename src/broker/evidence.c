/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The evidence verifiers the broker knows, one small adapter per TEE around
 * that TEE's verifier (src/tee/<tee>/).  An adapter maps the KBS evidence
 * JSON to the verifier's input, and the verifier's result to claims and a
 * trust vector opinion.
 */
#include <string.h>

#include "broker/evidence_coco_snp.h"
#include "trustchain/broker.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

static tc_err sim_verify(const json_t *evidence, const uint8_t rd[64],
                         const struct tc_evidence_ctx *ctx, struct tc_evidence_out *out,
                         struct tc_verdict *v)
{
    tc_err e = tc_sim_verify(evidence, rd, ctx->sim_keys, ctx->n_sim_keys, &out->claims, v);

    if (e != TC_ERR_OK) {
        return e;
    }
    out->simulated = 1;
    /* A simulated TEE is not genuine hardware and encrypts nothing: ar4si unsafe_hw (a
     * warning), and no claim on runtime opacity.  It can never reach "affirming". */
    out->tv[TC_TV_HARDWARE] = TC_AR_UNSAFE;
    return TC_ERR_OK;
}

static tc_err b64_field(const json_t *ev, const char *k, size_t max, uint8_t **out, size_t *len,
                        struct tc_verdict *v);

/*
 * SNP: evidence {"report": b64 (a report, an extended report, or Azure's HCL container),
 * "cert_table": b64 GHCB certificate table (configfs-tsm auxblob)?, "vcek": b64 or PEM?}, or
 * the CoCo guest's {"attestation_report": {sev crate fields}, "cert_chain": [...]|null}
 * (evidence_coco_snp.c rebuilds the report bytes; it says why that is safe).
 * Verified by src/tee/snp (signature over the raw bytes, VCEK/VLEK -> ASK/ASVK -> pinned ARK,
 * TCB extensions, CRLs at ctx->now); certificates missing from the evidence come from the AMD
 * KDS cache (ctx->collateral_dir) and, unless offline, the network.
 */
/* Record a failed check (the caller returns e; losing the record to OOM loses only detail). */
static void fail_check(struct tc_verdict *v, const char *name, tc_err e, const char *want,
                       const char *got, const char *detail)
{
    if (tc_verdict_add(v, name, TC_CHECK_FAIL, e, want, got, "%s", detail) != TC_ERR_OK) {
        tc_fail(e, "%s", detail);
    }
}

static tc_err b64_field(const json_t *ev, const char *k, size_t max, uint8_t **out, size_t *len,
                        struct tc_verdict *v)
{
    const json_t *j = json_object_get(ev, k);
    tc_err e;

    *out = NULL;
    *len = 0;
    if (j == NULL) {
        return TC_ERR_OK;
    }
    if (!json_is_string(j)) {
        e = tc_fail(TC_ERR_MALFORMED, "snp evidence: \"%s\" must be a base64 string", k);
    } else if (strncmp(json_string_value(j), "-----BEGIN", 10) == 0) {
        /* A PEM certificate as is. */
        *out = (uint8_t *)strdup(json_string_value(j));
        *len = *out != NULL ? strlen((char *)*out) : 0;
        return *out != NULL ? TC_ERR_OK : tc_fail(TC_ERR_NOMEM, "snp evidence");
    } else {
        e = tc_b64_decode(json_string_value(j), json_string_length(j), max, out, len);
        if (e != TC_ERR_OK) {
            tc_fail_ctx(e, "snp evidence: \"%s\"", k);
        }
    }
    if (e != TC_ERR_OK && tc_verdict_add(v, "snp.evidence", TC_CHECK_FAIL, e, NULL, NULL, "%s",
                                         tc_err_detail()) != TC_ERR_OK) {
        return TC_ERR_NOMEM;
    }
    return e;
}

static tc_err snp_verify(const json_t *evidence, const uint8_t rd[64],
                         const struct tc_evidence_ctx *ctx, struct tc_evidence_out *out,
                         struct tc_verdict *v)
{
    uint8_t *rep = NULL, *tab = NULL, *vek = NULL;
    const uint8_t *raw;
    size_t repl = 0, tabl = 0, vekl = 0;
    struct tc_coco_snp *coco = NULL;
    struct tc_snp_evidence ev;
    struct tc_snp_certtable table;
    struct tc_snp_verify_opts o;
    struct tc_snp_kds_opts kds;
    struct tc_snp_blob vekb;
    char want[129], got[129];
    tc_err e;

    if (tc_coco_snp_is(evidence)) {
        char why[300];

        out->form = "coco-json";
        coco = malloc(sizeof(*coco));
        e = coco == NULL ? tc_fail(TC_ERR_NOMEM, "snp evidence")
                         : tc_coco_snp_convert(evidence, coco);
        if (e != TC_ERR_OK) {
            free(coco);
            coco = NULL;
            snprintf(why, sizeof(why), "%s", tc_err_detail());
            fail_check(v, "snp.evidence", e, NULL, NULL, why);
            tc_fail(e, "%s", why);
            goto out;
        }
        if ((e = tc_verdict_add(v, "snp.evidence", TC_CHECK_INFO, TC_ERR_OK, NULL, "coco-json",
                                "CoCo JSON form (sev crate %s serde): report rebuilt from its "
                                "fields%s, %zu certificate(s) from cert_chain (%zu other "
                                "entries ignored); the signature decides over the rebuilt bytes",
                                coco->has_mit_keys ? ">= 6.3" : "6.0-6.2",
                                coco->turin_tcb ? " (Turin TCB layout)" : "", coco->n_certs,
                                coco->n_ignored)) != TC_ERR_OK) {
            goto out;
        }
        raw = coco->report;
        repl = TC_SNP_REPORT_SIZE;
    } else {
        if (!json_is_object(evidence) || !json_is_string(json_object_get(evidence, "report"))) {
            e = tc_fail(TC_ERR_MALFORMED, "snp evidence: needs {\"report\": base64, ...} or CoCo's "
                                          "{\"attestation_report\": {...}, \"cert_chain\": [...]}");
            fail_check(v, "snp.evidence", e, NULL, NULL, tc_err_detail());
            return e;
        }
        if ((e = b64_field(evidence, "report", 1 << 20, &rep, &repl, v)) != TC_ERR_OK ||
            (e = b64_field(evidence, "cert_table", 1 << 20, &tab, &tabl, v)) != TC_ERR_OK ||
            (e = b64_field(evidence, "vcek", 64 * 1024, &vek, &vekl, v)) != TC_ERR_OK) {
            goto out;
        }
        raw = rep;
    }
    if ((e = tc_snp_evidence_parse(raw, repl, &ev)) != TC_ERR_OK) {
        char why[300];

        snprintf(why, sizeof(why), "%s", tc_err_detail());
        fail_check(v, "snp.report", e, NULL, NULL, why);
        tc_fail(e, "%s", why);
        goto out;
    }
    memset(&o, 0, sizeof(o));
    memset(&kds, 0, sizeof(kds));
    kds.cache_dir = ctx->collateral_dir;
    kds.offline = ctx->offline;
    o.at = ctx->now;
    o.cache = ctx->snp_cache;
    o.kds = ctx->collateral_dir != NULL || !ctx->offline ? &kds : NULL;
    o.extra_anchors = ctx->snp_anchors;
    o.n_extra_anchors = ctx->n_snp_anchors;
    if (tab != NULL) {
        if ((e = tc_snp_certtable_parse(tab, tabl, &table)) != TC_ERR_OK) {
            char why[300];

            snprintf(why, sizeof(why), "%s", tc_err_detail());
            fail_check(v, "snp.cert_table", e, NULL, NULL, why);
            tc_fail(e, "%s", why);
            goto out;
        }
        o.certtable = &table;
    }
    if (vek != NULL) {
        vekb.data = vek;
        vekb.len = vekl;
        o.vek = &vekb;
    }
    if (coco != NULL) {
        o.certs = coco->certs;
        o.n_certs = coco->n_certs;
    }
    if ((e = tc_snp_verify_evidence(&ev, &o, v)) != TC_ERR_OK) {
        goto out;
    }
    /* The binding: REPORT_DATA must be what this session's nonce and tee-pubkey give. */
    tc_hex_encode(rd, 64, want);
    tc_hex_encode(ev.report.report_data, 64, got);
    if (memcmp(rd, ev.report.report_data, 64) != 0) {
        e = tc_fail(TC_ERR_MISMATCH, "REPORT_DATA does not bind this nonce and tee-pubkey");
        fail_check(v, "report_data", e, want, got, tc_err_detail());
        goto out;
    }
    if ((e = tc_verdict_add(v, "report_data", TC_CHECK_PASS, TC_ERR_OK, want, got,
                            "SHA-384 of the canonical runtime data")) != TC_ERR_OK) {
        goto out;
    }
    /* The report's fields, flat (what policies name: /measurement, /policy/debug_allowed, ...). */
    out->claims = tc_snp_report_json(&ev.report);
    if (out->claims != NULL) {
        static const char *const containers[] = {"report", "extended", "azure-hcl",
                                                 "msg-report-rsp"};

        json_object_set_new(out->claims, "container",
                            json_string(coco != NULL
                                            ? "coco-json"
                                            : containers[ev.container <= 3 ? ev.container : 0]));
    }
    if (out->claims == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "snp claims");
        goto out;
    }
    /* Genuine AMD hardware, memory encrypted; a configured SNP policy (TCB floors, ...) that
     * fails makes the hardware "genuine but with known vulnerabilities" (ar4si unsafe_hw). */
    out->tv[TC_TV_HARDWARE] = TC_AR_AFFIRMING;
    out->tv[TC_TV_RUNTIME_OPAQUE] = TC_AR_AFFIRMING;
    if (ctx->snp_policy != NULL) {
        tc_err pe = tc_snp_appraise(&ev.report, ctx->snp_policy, v);

        if (pe == TC_ERR_POLICY) {
            out->tv[TC_TV_HARDWARE] = TC_AR_UNSAFE;
        } else if (pe != TC_ERR_OK) {
            e = pe;
            goto out;
        }
    }
    e = TC_ERR_OK;
out:
    tc_coco_snp_free(coco);
    free(coco);
    free(rep);
    free(tab);
    free(vek);
    return e;
}

/*
 * TDX: evidence {"quote": b64 (a v4/v5 DCAP quote, the configfs-tsm outblob)} (Trustee's TDX
 * evidence shape; its "cc_eventlog" is accepted and ignored).  Verified by src/tee/tdx: the
 * quote and QE signatures, the PCK chain to Intel's pinned root, CRLs, and the TCB status from
 * Intel's collateral (TCB info, QE identity), which comes from the collateral cache
 * (ctx->collateral_dir) and, unless offline, Intel PCS.
 */
static tc_err tdx_verify(const json_t *evidence, const uint8_t rd[64],
                         const struct tc_evidence_ctx *ctx, struct tc_evidence_out *out,
                         struct tc_verdict *v)
{
    uint8_t *raw = NULL;
    size_t rawl = 0;
    struct tc_tdx_quote q;
    struct tc_tdx_fetch_opts fo;
    struct tc_tdx_verify_opts o;
    struct tc_tdx_result res;
    struct tc_tdx_collateral *coll = NULL;
    json_t *qj = NULL;
    char want[129], got[129];
    tc_err e;

    if (!json_is_object(evidence) || !json_is_string(json_object_get(evidence, "quote"))) {
        e = tc_fail(TC_ERR_MALFORMED, "tdx evidence: needs {\"quote\": base64}");
        fail_check(v, "tdx.evidence", e, NULL, NULL, tc_err_detail());
        return e;
    }
    if ((e = b64_field(evidence, "quote", TC_TDX_QUOTE_MAX, &raw, &rawl, v)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = tc_tdx_quote_parse(raw, rawl, &q)) != TC_ERR_OK) {
        char why[300];

        snprintf(why, sizeof(why), "%s", tc_err_detail());
        fail_check(v, "tdx.quote", e, NULL, NULL, why);
        tc_fail(e, "%s", why);
        goto out;
    }
    memset(&fo, 0, sizeof(fo));
    fo.cache_dir = ctx->collateral_dir;
    fo.offline = ctx->offline;
    fo.at = ctx->now;
    if (ctx->collateral_dir != NULL || !ctx->offline) {
        e = tc_tdx_collateral_fetch(&q, &fo, &coll);
        if (e != TC_ERR_OK) {
            char why[300];

            snprintf(why, sizeof(why), "collateral: %s", tc_err_detail());
            fail_check(v, "tdx.collateral", e, NULL, NULL, why);
            tc_fail(e, "%s", why);
            goto out;
        }
    }
    memset(&o, 0, sizeof(o));
    memset(&res, 0, sizeof(res));
    o.at = ctx->now;
    o.collateral = coll;
    o.extra_roots = ctx->tdx_roots;
    o.n_extra_roots = ctx->n_tdx_roots;
    o.require_collateral = 1; /* no TCB status, no release */
    if (ctx->tdx_policy != NULL &&
        (e = tc_tdx_policy_tcb_mask(ctx->tdx_policy, &o.accept_tcb)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = tc_tdx_verify(&q, &o, &res, v)) != TC_ERR_OK) {
        goto out;
    }
    tc_hex_encode(rd, 64, want);
    tc_hex_encode(q.td.report_data, 64, got);
    if (memcmp(rd, q.td.report_data, 64) != 0) {
        e = tc_fail(TC_ERR_MISMATCH, "REPORT_DATA does not bind this nonce and tee-pubkey");
        fail_check(v, "report_data", e, want, got, tc_err_detail());
        goto out;
    }
    if ((e = tc_verdict_add(v, "report_data", TC_CHECK_PASS, TC_ERR_OK, want, got,
                            "SHA-384 of the canonical runtime data")) != TC_ERR_OK) {
        goto out;
    }
    /* The TD's measurements, flat (/mrtd, /rtmr0.., /td_attributes_decoded/debug), and the
     * platform's TCB result under "tcb". */
    qj = tc_tdx_quote_json(&q);
    out->claims = qj != NULL ? json_deep_copy(json_object_get(qj, "td")) : NULL;
    if (out->claims == NULL ||
        json_object_set_new(out->claims, "tcb", tc_tdx_result_json(&res)) != 0 ||
        json_object_set_new(out->claims, "quote_version", json_integer(q.version)) != 0) {
        e = tc_fail(TC_ERR_NOMEM, "tdx claims");
        goto out;
    }
    out->tv[TC_TV_HARDWARE] = res.tcb_evaluated && res.tcb_status == TC_TDX_TCB_UP_TO_DATE
                                  ? TC_AR_AFFIRMING
                                  : TC_AR_UNSAFE;
    out->tv[TC_TV_RUNTIME_OPAQUE] = TC_AR_AFFIRMING;
    if (ctx->tdx_policy != NULL) {
        tc_err pe = tc_tdx_appraise(&q, &res, ctx->tdx_policy, v);

        if (pe != TC_ERR_OK && tc_err_class(pe) == TC_CLASS_REJECTED) {
            out->tv[TC_TV_HARDWARE] = TC_AR_UNSAFE;
        } else if (pe != TC_ERR_OK) {
            e = pe;
            goto out;
        }
    }
    e = TC_ERR_OK;
out:
    json_decref(qj);
    tc_tdx_collateral_free(coll);
    free(raw);
    return e;
}

static const struct tc_tee_verifier verifiers[] = {
    {"sim", 1, sim_verify},
    {"snp", 0, snp_verify},
    {"tdx", 0, tdx_verify},
};

const struct tc_tee_verifier *tc_tee_verifier_find(const char *tee)
{
    size_t i;

    for (i = 0; tee != NULL && i < sizeof(verifiers) / sizeof(verifiers[0]); i++) {
        if (strcmp(tee, verifiers[i].name) == 0) {
            return &verifiers[i];
        }
    }
    return NULL;
}

const char *tc_tee_verifier_names(void)
{
    return "sim, snp, tdx";
}
