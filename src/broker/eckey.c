/* SPDX-License-Identifier: Apache-2.0 */
/* EC key fast paths (why: eckey.h). */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "broker/eckey.h"

/* SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (66 bytes, 0 unused) } */
const uint8_t tc_p256_spki_prefix[TC_P256_SPKI_PREFIX_LEN] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

static const char *const curve_names[] = {"P-256", "P-384", "P-521"};
static const size_t point_len[] = {65, 97, 133};
#define N_CURVES 3

/* One key per curve whose parameters (group, Montgomery context) new keys copy.  Made once,
 * kept for the life of the process, only read afterwards. */
static EVP_PKEY *templates[N_CURVES];
static pthread_once_t templates_once = PTHREAD_ONCE_INIT;

static void make_templates(void)
{
    size_t i;

    for (i = 0; i < N_CURVES; i++) {
        templates[i] = EVP_EC_gen(curve_names[i]);
    }
}

static int curve_index(const char *crv)
{
    int i;

    for (i = 0; crv != NULL && i < N_CURVES; i++) {
        if (strcmp(crv, curve_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static EVP_PKEY *template_for(const char *crv, int *idx)
{
    int i = curve_index(crv);

    pthread_once(&templates_once, make_templates);
    if (idx != NULL) {
        *idx = i;
    }
    return i >= 0 ? templates[i] : NULL;
}

tc_err tc_eckey_from_point(const char *crv, const uint8_t *pt, size_t len, EVP_PKEY **out)
{
    int i;
    EVP_PKEY *t = template_for(crv, &i), *k;

    if (t == NULL) {
        return tc_fail(TC_ERR_UNSUPPORTED, "EC curve %s", crv != NULL ? crv : "(none)");
    }
    if (len != point_len[i] || pt[0] != 0x04) {
        return tc_fail(TC_ERR_MALFORMED, "%s point: %zu bytes, uncompressed form of %zu expected",
                       crv, len, point_len[i]);
    }
    k = EVP_PKEY_new();
    if (k == NULL || EVP_PKEY_copy_parameters(k, t) != 1) {
        EVP_PKEY_free(k);
        return tc_fail_ssl(TC_ERR_CRYPTO, "EC key");
    }
    if (EVP_PKEY_set1_encoded_public_key(k, pt, len) != 1) {
        ERR_clear_error();
        EVP_PKEY_free(k);
        return tc_fail(TC_ERR_MALFORMED, "not a point on %s", crv);
    }
    *out = k;
    return TC_ERR_OK;
}

tc_err tc_eckey_generate(const char *crv, EVP_PKEY **out)
{
    EVP_PKEY *t = template_for(crv, NULL), *k = NULL;
    EVP_PKEY_CTX *ctx;

    if (t == NULL) {
        return tc_fail(TC_ERR_UNSUPPORTED, "EC curve %s", crv != NULL ? crv : "(none)");
    }
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, t, NULL);
    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &k) != 1) {
        EVP_PKEY_CTX_free(ctx);
        return tc_fail_ssl(TC_ERR_CRYPTO, "EC key generation");
    }
    EVP_PKEY_CTX_free(ctx);
    *out = k;
    return TC_ERR_OK;
}

tc_err tc_eckey_point(EVP_PKEY *k, uint8_t *out, size_t cap, size_t *len)
{
    if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, cap, len) !=
            1 ||
        *len < 1 || out[0] != 0x04) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "EC public point");
    }
    return TC_ERR_OK;
}
