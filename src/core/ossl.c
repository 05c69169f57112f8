/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include "core/ossl.h"

tc_err tc_digest(const EVP_MD *md, const void *data, size_t len, uint8_t *out)
{
    unsigned int n = 0;

    if (EVP_Digest(data, len, out, &n, md, NULL) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "digest failed");
    }
    return TC_ERR_OK;
}

static void reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        dst[i] = src[n - 1 - i];
    }
}

tc_err tc_ecdsa_verify_rs(EVP_PKEY *pub, const EVP_MD *md, const uint8_t *msg, size_t msglen,
                          const uint8_t *r, const uint8_t *s, size_t comp_len, int little_endian)
{
    uint8_t rb[128], sb[128];
    ECDSA_SIG *sig = NULL;
    BIGNUM *br = NULL, *bs = NULL;
    unsigned char *der = NULL;
    EVP_MD_CTX *ctx = NULL;
    int derlen, rc;
    tc_err e = TC_ERR_CRYPTO;

    if (comp_len == 0 || comp_len > sizeof(rb)) {
        return tc_fail(TC_ERR_INTERNAL, "ecdsa: bad component length %zu", comp_len);
    }
    if (little_endian) {
        reverse(rb, r, comp_len);
        reverse(sb, s, comp_len);
    } else {
        memcpy(rb, r, comp_len);
        memcpy(sb, s, comp_len);
    }
    br = BN_bin2bn(rb, (int)comp_len, NULL);
    bs = BN_bin2bn(sb, (int)comp_len, NULL);
    sig = ECDSA_SIG_new();
    if (br == NULL || bs == NULL || sig == NULL) {
        e = tc_fail_ssl(TC_ERR_NOMEM, "ecdsa: allocation");
        goto out;
    }
    if (ECDSA_SIG_set0(sig, br, bs) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "ecdsa: set signature");
        goto out;
    }
    br = bs = NULL;
    derlen = i2d_ECDSA_SIG(sig, &der);
    if (derlen <= 0) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "ecdsa: encode signature");
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestVerifyInit(ctx, NULL, md, NULL, pub) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "ecdsa: verify init");
        goto out;
    }
    rc = EVP_DigestVerify(ctx, der, (size_t)derlen, msg, msglen);
    if (rc == 1) {
        e = TC_ERR_OK;
    } else {
        /* 0 = bad signature; < 0 = malformed (e.g. r or s out of range): both a rejection. */
        ERR_clear_error();
        e = tc_fail(TC_ERR_SIGNATURE, "ECDSA signature does not verify");
    }
out:
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    BN_free(br);
    BN_free(bs);
    return e;
}

EVP_PKEY_CTX *tc_ecdsa_verify_ctx(EVP_PKEY *pub)
{
    EVP_PKEY_CTX *ctx = pub != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL) : NULL;

    if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1) {
        EVP_PKEY_CTX_free(ctx);
        ERR_clear_error();
        return NULL;
    }
    return ctx;
}

/* DER length octets (X.690 8.1.3: short form below 128, else 0x81/0x82 + length). */
static size_t der_len(size_t n, uint8_t *out)
{
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    if (n < 0x100) {
        out[0] = 0x81;
        out[1] = (uint8_t)n;
        return 2;
    }
    out[0] = 0x82;
    out[1] = (uint8_t)(n >> 8);
    out[2] = (uint8_t)n;
    return 3;
}

/* DER INTEGER of an unsigned big-endian value (X.690 8.3: minimal, a 0x00 before a high bit). */
static size_t der_uint(const uint8_t *v, size_t n, uint8_t *out)
{
    size_t i = 0, len, o = 1;

    while (i + 1 < n && v[i] == 0) {
        i++;
    }
    len = n - i + ((v[i] & 0x80) != 0);
    out[0] = 0x02;
    o += der_len(len, out + 1);
    if (v[i] & 0x80) {
        out[o++] = 0;
    }
    memcpy(out + o, v + i, n - i);
    return o + n - i;
}

tc_err tc_ecdsa_verify_digest_rs(EVP_PKEY_CTX *ctx, EVP_PKEY *pub, const uint8_t *dgst, size_t dlen,
                                 const uint8_t *r, const uint8_t *s, size_t comp_len,
                                 int little_endian)
{
    /* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 2.2.3) */
    uint8_t rb[128], sb[128], body[2 * (128 + 4)], der[sizeof(body) + 4];
    size_t bl, hl;
    EVP_PKEY_CTX *own = NULL;
    int rc;

    if (comp_len == 0 || comp_len > sizeof(rb)) {
        return tc_fail(TC_ERR_INTERNAL, "ecdsa: bad component length %zu", comp_len);
    }
    if (little_endian) {
        reverse(rb, r, comp_len);
        reverse(sb, s, comp_len);
        r = rb;
        s = sb;
    }
    bl = der_uint(r, comp_len, body);
    bl += der_uint(s, comp_len, body + bl);
    der[0] = 0x30;
    hl = 1 + der_len(bl, der + 1);
    memcpy(der + hl, body, bl);
    if (ctx == NULL) {
        ctx = own = tc_ecdsa_verify_ctx(pub);
        if (ctx == NULL) {
            return tc_fail(TC_ERR_CRYPTO, "ecdsa: verify context");
        }
    }
    rc = EVP_PKEY_verify(ctx, der, hl + bl, dgst, dlen);
    EVP_PKEY_CTX_free(own);
    if (rc == 1) {
        return TC_ERR_OK;
    }
    /* 0 = bad signature; < 0 = malformed (e.g. r or s out of range): both a rejection. */
    ERR_clear_error();
    return tc_fail(TC_ERR_SIGNATURE, "ECDSA signature does not verify");
}

tc_err tc_ecdsa_verify_rs_ctx(EVP_PKEY_CTX *ctx, EVP_PKEY *pub, const EVP_MD *md,
                              const uint8_t *msg, size_t msglen, const uint8_t *r, const uint8_t *s,
                              size_t comp_len, int little_endian)
{
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned int hl = 0;

    if (md == NULL || EVP_Digest(msg, msglen, h, &hl, md, NULL) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "ecdsa: digest");
    }
    return tc_ecdsa_verify_digest_rs(ctx, pub, h, hl, r, s, comp_len, little_endian);
}

tc_err tc_ecdsa_sign_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg, size_t msglen,
                        uint8_t *r, uint8_t *s, size_t comp_len, int little_endian)
{
    EVP_MD_CTX *ctx = NULL;
    unsigned char der[256];
    const unsigned char *p = der;
    size_t derlen = sizeof(der);
    ECDSA_SIG *sig = NULL;
    uint8_t rb[128], sb[128];
    tc_err e = TC_ERR_CRYPTO;

    if (comp_len == 0 || comp_len > sizeof(rb)) {
        return tc_fail(TC_ERR_INTERNAL, "ecdsa: bad component length %zu", comp_len);
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
        EVP_DigestSign(ctx, der, &derlen, msg, msglen) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "ecdsa: sign");
        goto out;
    }
    sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
    if (sig == NULL || BN_bn2binpad(ECDSA_SIG_get0_r(sig), rb, (int)comp_len) != (int)comp_len ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), sb, (int)comp_len) != (int)comp_len) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "ecdsa: decode signature");
        goto out;
    }
    if (little_endian) {
        reverse(r, rb, comp_len);
        reverse(s, sb, comp_len);
    } else {
        memcpy(r, rb, comp_len);
        memcpy(s, sb, comp_len);
    }
    e = TC_ERR_OK;
out:
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(ctx);
    return e;
}
