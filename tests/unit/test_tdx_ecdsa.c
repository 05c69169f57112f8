/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The prepared-context ECDSA helpers of src/core/ossl.c that the TDX verifier uses
 * (tc_ecdsa_verify_ctx, tc_ecdsa_verify_rs_ctx, tc_ecdsa_verify_digest_rs) against the
 * one-shot tc_ecdsa_verify_rs, whose DER comes from OpenSSL (BIGNUM + i2d_ECDSA_SIG): the same
 * verdict for valid signatures, r or s with a leading zero byte or a high bit, both byte
 * orders, P-256 / P-384 / P-521 (whose DER needs long-form lengths), and for broken ones
 * (a flipped bit, zero, the group order).
 */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/ossl.h"
#include "harness.h"

/* Both helpers must say the same; returns that verdict (or -1 when they disagree). */
static int agree(EVP_PKEY *k, EVP_PKEY_CTX *ctx, const EVP_MD *md, const uint8_t *msg, size_t n,
                 const uint8_t *r, const uint8_t *s, size_t comp, int le)
{
    uint8_t h[64];
    unsigned int hl = 0;
    tc_err a = tc_ecdsa_verify_rs(k, md, msg, n, r, s, comp, le);
    tc_err b = tc_ecdsa_verify_rs_ctx(ctx, k, md, msg, n, r, s, comp, le);
    tc_err c = tc_ecdsa_verify_rs_ctx(NULL, k, md, msg, n, r, s, comp, le);
    tc_err d = TC_ERR_INTERNAL;

    if (EVP_Digest(msg, n, h, &hl, md, NULL) == 1) {
        d = tc_ecdsa_verify_digest_rs(ctx, NULL, h, hl, r, s, comp, le);
    }
    if (a != b || a != c || a != d || (a != TC_ERR_OK && a != TC_ERR_SIGNATURE)) {
        printf("# disagree: one-shot %s, ctx %s, no ctx %s, digest %s\n", tc_err_name(a),
               tc_err_name(b), tc_err_name(c), tc_err_name(d));
        return -1;
    }
    return a == TC_ERR_OK;
}

static void curve(const char *name, const EVP_MD *md, size_t comp, int le, const uint8_t *order,
                  size_t count)
{
    EVP_PKEY *k = EVP_EC_gen(name);
    EVP_PKEY_CTX *ctx = k != NULL ? tc_ecdsa_verify_ctx(k) : NULL;
    uint8_t msg[64], r[72], s[72], r2[72];
    size_t i, fp = 0, fn = 0, dis = 0, lead_r = 0, lead_s = 0, high = 0, tries;
    const char *ord = le ? "LE" : "BE";

    if (!CHECK(k != NULL && ctx != NULL, "%s key and context", name)) {
        EVP_PKEY_CTX_free(ctx);
        EVP_PKEY_free(k);
        return;
    }
    /* count signatures; for P-256 (TDX) more until r and s have each shown a leading zero
     * byte (1 in 256), the case a DER encoder most easily gets wrong. */
    for (i = 0, tries = 0; tries < 4000 && (i < count || (comp == 32 && (!lead_r || !lead_s)));
         i++, tries++) {
        size_t top = le ? comp - 1 : 0;
        int v;

        if (RAND_bytes(msg, sizeof(msg)) != 1 ||
            tc_ecdsa_sign_rs(k, md, msg, sizeof(msg), r, s, comp, le) != TC_ERR_OK) {
            CHECK(0, "%s sign", name);
            break;
        }
        lead_r += r[top] == 0;
        lead_s += s[top] == 0;
        high += (r[top] & 0x80) != 0;
        v = agree(k, ctx, md, msg, sizeof(msg), r, s, comp, le);
        dis += v < 0;
        fn += v == 0;
        memcpy(r2, r, comp);
        r2[msg[0] % comp] ^= (uint8_t)(1u << (msg[1] % 8));
        v = agree(k, ctx, md, msg, sizeof(msg), r2, s, comp, le);
        dis += v < 0;
        fp += v == 1;
    }
    CHECK(dis == 0 && fn == 0 && fp == 0,
          "%s (%s, %zu-byte r/s): %zu signatures, %zu with r led by 0x00, %zu s led by 0x00, "
          "%zu r high bit: every one verifies with both helpers, every flipped r fails with both",
          name, ord, comp, i, lead_r, lead_s, high);
    memset(r, 0, comp);
    CHECK(agree(k, ctx, md, msg, sizeof(msg), r, s, comp, le) == 0,
          "%s (%s): r = 0 refused by both", name, ord);
    memset(s, 0, comp);
    CHECK(agree(k, ctx, md, msg, sizeof(msg), r, s, comp, le) == 0, "%s (%s): r = s = 0 refused",
          name, ord);
    if (order != NULL) {
        size_t olen = comp > 66 ? 48 : comp, j;

        /* r = the group order n (out of range), big-endian padded into comp bytes */
        memset(r, 0, comp);
        for (j = 0; j < olen; j++) {
            r[le ? olen - 1 - j : comp - olen + j] = order[j];
        }
        memset(s, 1, comp > 66 ? 48 : comp);
        CHECK(agree(k, ctx, md, msg, sizeof(msg), r, s, comp, le) == 0,
              "%s (%s): r = n refused by both", name, ord);
    }
    CHECK_ERR(tc_ecdsa_verify_digest_rs(ctx, NULL, msg, 32, r, s, 0, le), TC_ERR_INTERNAL,
              "%s: zero component length is an internal error", name);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(k);
}

int main(void)
{
    static const uint8_t n256[32] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
                                     0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

    curve("P-256", EVP_sha256(), 32, 0, n256, 300); /* TDX: quote, QE report, collateral */
    curve("P-256", EVP_sha256(), 32, 1, n256, 300);
    curve("P-384", EVP_sha384(), 72, 1, NULL, 40); /* SNP: 72-byte little-endian components */
    curve("P-384", EVP_sha384(), 48, 0, NULL, 40);
    curve("P-521", EVP_sha512(), 66, 0, NULL, 40); /* DER with long-form lengths */
    CHECK(tc_ecdsa_verify_ctx(NULL) == NULL, "no context without a key");
    return t_done();
}
