/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the JWT checks the broker applies to untrusted bearer tokens (EAR tokens at
 * /kbs/v0/resource, admin tokens): the input is (1) verified as a compact JWS as is (header
 * and signature parsing before any signature check), and (2) signed as a payload with a key of
 * this process, then verified, so the claim checks after a good signature (exp, nbf, iat of
 * any JSON type and size) see arbitrary claims too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "trustchain/ear.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *keys[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *claims = NULL;
    char *jws = NULL, *text;

    if (keys[0] == NULL) {
        keys[0] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        keys[1] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        if (keys[0] == NULL || keys[1] == NULL) {
            abort();
        }
    }
    if (tc_jwt_verify((const char *)data, size, keys, 2, (time_t)1750000000, 60, 1, &claims) ==
        TC_ERR_OK) {
        json_decref(claims);
        claims = NULL;
    }
    if (tc_jwt_payload((const char *)data, size, &claims) == TC_ERR_OK) {
        json_decref(claims);
        claims = NULL;
    }
    text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    if (tc_jws_sign_text(keys[size % 2], NULL, text, size, &jws) == TC_ERR_OK) {
        if (tc_jwt_verify(jws, strlen(jws), keys, 2, (time_t)1750000000, (long)(size % 120),
                          size % 3 == 0, &claims) == TC_ERR_OK) {
            json_decref(claims);
        }
        free(jws);
    }
    free(text);
    return 0;
}
