/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the CoCo SNP evidence converter (src/broker/evidence_coco_snp.c) and the broker's SNP
 * verifier on that shape.  The input is the primary_evidence JSON text: converted (every
 * length, range and key checked), the rebuilt report parsed, then the whole SNP adapter run
 * offline with no collateral (certificate parsing from cert_chain; the chain or the signature
 * then rejects it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "broker/evidence_coco_snp.h"
#include "trustchain/broker.h"
#include "trustchain/kbs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct tc_tee_verifier *tv = tc_tee_verifier_find("snp");
    struct tc_evidence_ctx ctx;
    struct tc_evidence_out out;
    struct tc_coco_snp c;
    struct tc_snp_report r;
    struct tc_verdict v;
    json_error_t jerr;
    uint8_t rd[64] = {0};
    json_t *j;

    j = json_loadb((const char *)data, size, TC_JSON_STRICT, &jerr);
    if (j == NULL) {
        return 0;
    }
    if (tc_coco_snp_convert(j, &c) == TC_ERR_OK) {
        if (tc_snp_report_parse(c.report, sizeof(c.report), &r) != TC_ERR_OK) {
            /* refusals are expected */
        }
        tc_coco_snp_free(&c);
    }
    memset(&ctx, 0, sizeof(ctx));
    memset(&out, 0, sizeof(out));
    ctx.now = 1748736000; /* 2025-06-01 */
    ctx.offline = 1;
    tc_verdict_init(&v);
    if (tv != NULL && tv->verify(j, rd, &ctx, &out, &v) == TC_ERR_OK) {
        /* only with a real AMD-signed report and its binding */
    }
    json_decref(out.claims);
    tc_verdict_free(&v);
    json_decref(j);
    return 0;
}
