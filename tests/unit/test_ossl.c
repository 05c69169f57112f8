/* SPDX-License-Identifier: Apache-2.0 */
/* Raw r/s ECDSA in both byte orders: the one place SNP's little-endian signatures convert. */
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "core/ossl.h"
#include "harness.h"

static void round_trip(const char *curve, const EVP_MD *md, size_t comp)
{
    EVP_PKEY *k = EVP_EC_gen(curve);
    static const uint8_t msg[] = "signed bytes";
    uint8_t r[72] = {0}, s[72] = {0};
    int le;

    if (!CHECK(k != NULL, "%s key generated", curve)) {
        return;
    }
    for (le = 0; le <= 1; le++) {
        CHECK_OK(tc_ecdsa_sign_rs(k, md, msg, sizeof(msg), r, s, comp, le), "%s sign (%s)", curve,
                 le ? "LE" : "BE");
        CHECK_OK(tc_ecdsa_verify_rs(k, md, msg, sizeof(msg), r, s, comp, le), "%s verify (%s)",
                 curve, le ? "LE" : "BE");
        CHECK_ERR(tc_ecdsa_verify_rs(k, md, msg, sizeof(msg), r, s, comp, !le), TC_ERR_SIGNATURE,
                  "%s wrong byte order rejected", curve);
        r[comp / 2] ^= 1;
        CHECK_ERR(tc_ecdsa_verify_rs(k, md, msg, sizeof(msg), r, s, comp, le), TC_ERR_SIGNATURE,
                  "%s flipped r rejected", curve);
        r[comp / 2] ^= 1;
        CHECK_ERR(tc_ecdsa_verify_rs(k, md, msg, sizeof(msg) - 1, r, s, comp, le), TC_ERR_SIGNATURE,
                  "%s other message rejected", curve);
    }
    memset(r, 0, sizeof(r));
    CHECK_ERR(tc_ecdsa_verify_rs(k, md, msg, sizeof(msg), r, s, comp, 1), TC_ERR_SIGNATURE,
              "%s zero r rejected", curve);
    EVP_PKEY_free(k);
}

int main(void)
{
    uint8_t d[48];

    round_trip("P-384", EVP_sha384(), 72); /* SNP: 72-byte little-endian components */
    round_trip("P-256", EVP_sha256(), 32); /* TDX: 32-byte big-endian components */
    CHECK_OK(tc_digest(EVP_sha384(), "abc", 3, d), "sha384");
    CHECK(d[0] == 0xcb && d[47] == 0xa7, "sha384('abc') FIPS 180-2 vector");
    return t_done();
}
