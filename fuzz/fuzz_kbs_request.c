/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the KBS Request and Attestation parsers, the tee-pubkey checks, JCS and the binding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/kbs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_kbs_request rq;
    struct tc_kbs_attestation at;
    json_t *root = NULL;
    uint8_t rd[64];
    char *jcs = NULL;
    size_t n = 0;

    if (tc_kbs_parse_request((const char *)data, size, &root, &rq) == TC_ERR_OK) {
        (void)tc_kbs_version_ok(rq.version);
        if (tc_jcs_dump(root, &jcs, &n) == TC_ERR_OK) {
            free(jcs);
        }
        json_decref(root);
    }
    root = NULL;
    if (tc_kbs_parse_attestation((const char *)data, size, &root, &at) == TC_ERR_OK) {
        EVP_PKEY *k = NULL;

        if (tc_jwk_check_tee_pubkey(at.tee_pubkey, NULL, &k) == TC_ERR_OK) {
            EVP_PKEY_free(k);
        }
        if (tc_kbs_report_data(at.tee_pubkey, at.nonce, at.additional, rd, NULL) == TC_ERR_OK) {
            (void)rd[0];
        }
        json_decref(root);
    }
    return 0;
}
