/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX quote parser and verifier without collateral (PCK chain PEM/DER parsing,
 * ordering, SGX extension DER, signatures), the TDREPORT parser, and the SGX
 * extension parser on raw bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tee/tdx/tdx_int.h"
#include "trustchain/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_tdx_quote q;
    struct tc_tdx_tdreport r;
    struct tdx_pck_ext ext;

    if (tc_tdx_quote_parse(data, size, &q) == TC_ERR_OK) {
        struct tc_tdx_verify_opts o;
        struct tc_tdx_result res;
        struct tc_verdict v;
        json_t *j = tc_tdx_quote_json(&q);

        json_decref(j);
        memset(&o, 0, sizeof(o));
        o.at = 1750000000;
        tc_verdict_init(&v);
        if (tc_tdx_verify(&q, &o, &res, &v) != TC_ERR_OK) {
            /* refused: fine */
        }
        j = tc_tdx_result_json(&res);
        json_decref(j);
        tc_verdict_free(&v);
    }
    if (tc_tdx_tdreport_parse(data, size, &r) == TC_ERR_OK) {
        struct tc_verdict v;

        tc_verdict_init(&v);
        if (tc_tdx_tdreport_check(&r, &v) != TC_ERR_OK) {
            /* refused: fine */
        }
        tc_verdict_free(&v);
        json_decref(tc_tdx_tdreport_json(&r));
    }
    if (tdx_pck_ext_parse_der(data, size, &ext) != TC_ERR_OK) {
        /* refused: fine */
    }
    return 0;
}
