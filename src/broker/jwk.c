/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tee-pubkey JWKs (RFC 7517/7518 section 6) <-> OpenSSL keys.  Built with
 * OpenSSL 3's EVP_PKEY_fromdata directly: José's jwk_to_EVP_PKEY goes through
 * the EC_KEY/RSA APIs that OpenSSL 3 deprecates, and we need the explicit
 * on-curve and size checks here anyway.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "broker/eckey.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

struct curve {
    enum tc_jwk_kind kind;
    const char *crv;   /* JWK name */
    const char *group; /* OpenSSL group name */
    size_t len;        /* coordinate length, RFC 7518 6.2.1.2 */
};

static const struct curve curves[] = {
    {TC_JWK_EC_P256, "P-256", "prime256v1", 32},
    {TC_JWK_EC_P384, "P-384", "secp384r1", 48},
    {TC_JWK_EC_P521, "P-521", "secp521r1", 66},
};

static const char *str_member(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Decode a base64url member into a new buffer of at most max bytes. */
static tc_err b64_member(const json_t *o, const char *k, size_t max, uint8_t **out, size_t *len)
{
    const json_t *v = json_object_get(o, k);
    tc_err e;

    if (!json_is_string(v)) {
        return tc_fail(TC_ERR_MALFORMED, "tee-pubkey: \"%s\" missing or not a string", k);
    }
    e = tc_b64_decode(json_string_value(v), json_string_length(v), max, out, len);
    if (e != TC_ERR_OK) {
        return tc_fail_ctx(e, "tee-pubkey: \"%s\"", k);
    }
    return TC_ERR_OK;
}

static tc_err ec_from_xy(const struct curve *c, const uint8_t *x, const uint8_t *y, EVP_PKEY **pkey)
{
    uint8_t pt[1 + 2 * 66];
    tc_err e;

    pt[0] = 0x04; /* SEC 1 2.3.3 uncompressed point */
    memcpy(pt + 1, x, c->len);
    memcpy(pt + 1 + c->len, y, c->len);
    /* Public key validation (SP 800-56A 5.6.2.3.4: on the curve, not infinity, which the
     * uncompressed form cannot encode); the order check of the full validation is implied
     * for these prime-order curves. */
    e = tc_eckey_from_point(c->crv, pt, 1 + 2 * c->len, pkey);
    if (e != TC_ERR_OK) {
        return tc_fail(e, "tee-pubkey: not a point on %s", c->crv);
    }
    return TC_ERR_OK;
}

static tc_err rsa_from_ne(const uint8_t *n, size_t nlen, const uint8_t *ev, size_t elen,
                          EVP_PKEY **pkey)
{
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    BIGNUM *bn = NULL, *be = NULL;
    EVP_PKEY *k = NULL;
    tc_err e = TC_ERR_CRYPTO;

    bn = BN_bin2bn(n, (int)nlen, NULL);
    be = BN_bin2bn(ev, (int)elen, NULL);
    if (bn == NULL || be == NULL) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "tee-pubkey: RSA numbers");
        goto out;
    }
    if (BN_num_bits(bn) < 2048 || BN_num_bits(bn) > 8192) {
        e = tc_fail(TC_ERR_UNSUPPORTED, "tee-pubkey: RSA modulus of %d bits (2048..8192 allowed)",
                    BN_num_bits(bn));
        goto out;
    }
    if (!BN_is_odd(be) || BN_num_bits(be) < 2 || BN_num_bits(be) > 64) {
        e = tc_fail(TC_ERR_MALFORMED, "tee-pubkey: bad RSA exponent");
        goto out;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "tee-pubkey: RSA parameters");
        goto out;
    }
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        e = tc_fail_ssl(TC_ERR_MALFORMED, "tee-pubkey: RSA key");
        goto out;
    }
    *pkey = k;
    e = TC_ERR_OK;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    return e;
}

tc_err tc_jwk_check_tee_pubkey(const json_t *jwk, enum tc_jwk_kind *kind, EVP_PKEY **pkey)
{
    const char *kty, *alg;
    uint8_t *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    EVP_PKEY *k = NULL;
    tc_err e;

    if (!json_is_object(jwk)) {
        return tc_fail(TC_ERR_MALFORMED, "tee-pubkey: not a JSON object");
    }
    kty = str_member(jwk, "kty");
    alg = str_member(jwk, "alg");
    if (kty == NULL) {
        return tc_fail(TC_ERR_MALFORMED, "tee-pubkey: \"kty\" missing");
    }
    if (strcmp(kty, "EC") == 0) {
        const char *crv = str_member(jwk, "crv");
        const struct curve *c = NULL;
        size_t i;

        if (alg == NULL || strcmp(alg, "ECDH-ES+A256KW") != 0) {
            return tc_fail(TC_ERR_UNSUPPORTED,
                           "tee-pubkey: EC key needs alg \"ECDH-ES+A256KW\", got \"%s\"",
                           alg != NULL ? alg : "(none)");
        }
        for (i = 0; crv != NULL && i < sizeof(curves) / sizeof(curves[0]); i++) {
            if (strcmp(crv, curves[i].crv) == 0) {
                c = &curves[i];
            }
        }
        if (c == NULL) {
            return tc_fail(TC_ERR_UNSUPPORTED, "tee-pubkey: curve \"%s\" not supported",
                           crv != NULL ? crv : "(none)");
        }
        if ((e = b64_member(jwk, "x", 66, &a, &alen)) != TC_ERR_OK ||
            (e = b64_member(jwk, "y", 66, &b, &blen)) != TC_ERR_OK) {
            goto out;
        }
        if (alen != c->len || blen != c->len) {
            e = tc_fail(TC_ERR_MALFORMED, "tee-pubkey: %s coordinates must be %zu bytes (%zu, %zu)",
                        c->crv, c->len, alen, blen);
            goto out;
        }
        if ((e = ec_from_xy(c, a, b, &k)) != TC_ERR_OK) {
            goto out;
        }
        if (kind != NULL) {
            *kind = c->kind;
        }
    } else if (strcmp(kty, "RSA") == 0) {
        if (alg == NULL || strcmp(alg, "RSA-OAEP-256") != 0) {
            /* RSA1_5 is deprecated (draft-madden-jose-deprecate-none-rsa15); not offered. */
            return tc_fail(TC_ERR_UNSUPPORTED,
                           "tee-pubkey: RSA key needs alg \"RSA-OAEP-256\", got \"%s\"",
                           alg != NULL ? alg : "(none)");
        }
        if ((e = b64_member(jwk, "n", 1024, &a, &alen)) != TC_ERR_OK ||
            (e = b64_member(jwk, "e", 8, &b, &blen)) != TC_ERR_OK) {
            goto out;
        }
        if ((e = rsa_from_ne(a, alen, b, blen, &k)) != TC_ERR_OK) {
            goto out;
        }
        if (kind != NULL) {
            *kind = TC_JWK_RSA;
        }
    } else {
        return tc_fail(TC_ERR_UNSUPPORTED, "tee-pubkey: kty \"%s\" not supported", kty);
    }
    if (pkey != NULL) {
        *pkey = k;
        k = NULL;
    }
    e = TC_ERR_OK;
out:
    EVP_PKEY_free(k);
    free(a);
    free(b);
    return e;
}

static tc_err set_b64(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char *s = NULL;
    tc_err e = tc_b64_encode(p, n, 1, &s);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (json_object_set_new(o, k, json_string(s)) != 0) {
        free(s);
        return tc_fail(TC_ERR_NOMEM, "jwk: %s", k);
    }
    free(s);
    return TC_ERR_OK;
}

static tc_err bn_member(json_t *o, const char *k, EVP_PKEY *pkey, const char *param, size_t pad)
{
    BIGNUM *bn = NULL;
    uint8_t buf[1024];
    int n;
    tc_err e;

    if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "jwk: get %s", param);
    }
    if (pad == 0) {
        pad = (size_t)BN_num_bytes(bn);
    }
    if (pad > sizeof(buf) || (n = BN_bn2binpad(bn, buf, (int)pad)) < 0) {
        BN_free(bn);
        return tc_fail(TC_ERR_INTERNAL, "jwk: %s too large", param);
    }
    BN_free(bn);
    e = set_b64(o, k, buf, (size_t)n);
    return e;
}

tc_err tc_jwk_from_pkey(EVP_PKEY *pkey, const char *alg, json_t **jwk)
{
    json_t *o = json_object();
    tc_err e = TC_ERR_OK;

    if (o == NULL) {
        return tc_fail(TC_ERR_NOMEM, "jwk");
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char group[64];
        const struct curve *c = NULL;
        size_t i;

        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                           NULL) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "jwk: EC group");
            goto out;
        }
        for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
            if (strcmp(group, curves[i].group) == 0) {
                c = &curves[i];
            }
        }
        if (c == NULL) {
            e = tc_fail(TC_ERR_UNSUPPORTED, "jwk: EC group %s", group);
            goto out;
        }
        json_object_set_new(o, "kty", json_string("EC"));
        json_object_set_new(o, "crv", json_string(c->crv));
        {
            uint8_t pt[1 + 2 * 66];
            size_t pl = 0;

            if ((e = tc_eckey_point(pkey, pt, sizeof(pt), &pl)) != TC_ERR_OK) {
                goto out;
            }
            if (pl != 1 + 2 * c->len) {
                e = tc_fail(TC_ERR_CRYPTO, "jwk: point of %zu bytes", pl);
                goto out;
            }
            if ((e = set_b64(o, "x", pt + 1, c->len)) != TC_ERR_OK ||
                (e = set_b64(o, "y", pt + 1 + c->len, c->len)) != TC_ERR_OK) {
                goto out;
            }
        }
    } else if (EVP_PKEY_is_a(pkey, "RSA")) {
        json_object_set_new(o, "kty", json_string("RSA"));
        if ((e = bn_member(o, "n", pkey, OSSL_PKEY_PARAM_RSA_N, 0)) != TC_ERR_OK ||
            (e = bn_member(o, "e", pkey, OSSL_PKEY_PARAM_RSA_E, 0)) != TC_ERR_OK) {
            goto out;
        }
    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        uint8_t raw[32];
        size_t rl = sizeof(raw);

        if (EVP_PKEY_get_raw_public_key(pkey, raw, &rl) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "jwk: Ed25519");
            goto out;
        }
        json_object_set_new(o, "kty", json_string("OKP"));
        json_object_set_new(o, "crv", json_string("Ed25519"));
        if ((e = set_b64(o, "x", raw, rl)) != TC_ERR_OK) {
            goto out;
        }
    } else {
        e = tc_fail(TC_ERR_UNSUPPORTED, "jwk: key type");
        goto out;
    }
    if (alg != NULL) {
        json_object_set_new(o, "alg", json_string(alg));
    }
    *jwk = o;
    o = NULL;
out:
    json_decref(o);
    return e;
}

tc_err tc_jwk_generate(enum tc_jwk_kind kind, EVP_PKEY **key, json_t **pub_jwk)
{
    EVP_PKEY *k = NULL;
    const char *alg = "ECDH-ES+A256KW";
    tc_err e;

    switch (kind) {
    case TC_JWK_EC_P256:
    case TC_JWK_EC_P384:
    case TC_JWK_EC_P521:
        if ((e = tc_eckey_generate(curves[kind].crv, &k)) != TC_ERR_OK) {
            return e;
        }
        break;
    case TC_JWK_RSA:
        k = EVP_RSA_gen(3072);
        alg = "RSA-OAEP-256";
        break;
    }
    if (k == NULL) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "tee key generation");
    }
    if (pub_jwk != NULL && (e = tc_jwk_from_pkey(k, alg, pub_jwk)) != TC_ERR_OK) {
        EVP_PKEY_free(k);
        return e;
    }
    *key = k;
    return TC_ERR_OK;
}
