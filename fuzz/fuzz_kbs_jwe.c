/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the JWE reader (guest side) and the JWS/JWT reader (admin and attestation tokens). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>

#include "trustchain/ear.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *ec, *ed;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *pt = NULL;
    size_t ptl = 0;
    json_t *c = NULL;
    EVP_PKEY *keys[2];

    if (ec == NULL) {
        ec = EVP_EC_gen("P-256");
        ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    }
    if (tc_jwe_decrypt((const char *)data, size, ec, &pt, &ptl) == TC_ERR_OK) {
        tc_free_secret(pt, ptl);
    }
    keys[0] = ec;
    keys[1] = ed;
    if (tc_jwt_verify((const char *)data, size, keys, 2, 0, 0, 1, &c) == TC_ERR_OK) {
        json_decref(c);
    }
    c = NULL;
    if (tc_jwt_payload((const char *)data, size, &c) == TC_ERR_OK) {
        json_decref(c);
    }
    return 0;
}
