/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel collateral: dcap-qvl QuoteCollateralV3 JSON (TCB info / QE identity
 * parsing, raw-span extraction, chains, CRLs in DER/PEM/hex).  If the input
 * also carries "_quote" (hex), that quote is verified against the collateral,
 * which drives the TCB level matching, module identity and status merging.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tee/tdx/tdx_int.h"
#include "trustchain/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_tdx_collateral *c = NULL;
    size_t off, len;
    char *text;

    /* The span finder on its own, over the raw text. */
    text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    if (tdx_json_member_span(text, size, "tcbInfo", &off, &len) != TC_ERR_OK) {
        /* refused: fine */
    }
    free(text);

    if (tc_tdx_collateral_parse_json(data, size, &c) != TC_ERR_OK) {
        return 0;
    }
    {
        json_error_t je;
        json_t *root = json_loadb((const char *)data, size, 0, &je);
        const char *hex = json_string_value(json_object_get(root, "_quote"));
        size_t hl = hex != NULL ? strlen(hex) : 0, ql = 0;
        uint8_t *q = hl ? malloc(hl / 2 + 1) : NULL;
        struct tc_tdx_quote quote;

        if (q != NULL && tc_hex_decode(hex, hl, q, hl / 2 + 1, &ql) == TC_ERR_OK &&
            tc_tdx_quote_parse(q, ql, &quote) == TC_ERR_OK) {
            struct tc_tdx_verify_opts o;
            struct tc_tdx_result res;
            struct tc_verdict v;
            int pass;

            /* twice: the second run takes the memoised path */
            for (pass = 0; pass < 2; pass++) {
                memset(&o, 0, sizeof(o));
                o.at = 1749945600;
                o.collateral = c;
                tc_verdict_init(&v);
                if (tc_tdx_verify(&quote, &o, &res, &v) != TC_ERR_OK) {
                    /* refused: fine */
                }
                tc_verdict_free(&v);
            }
        }
        free(q);
        json_decref(root);
    }
    tc_tdx_collateral_free(c);
    return 0;
}
