/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS resource response: a flattened JWE (RFC 7516 7.2.2) to the guest's
 * tee-pubkey, content encrypted with A256GCM.
 *
 * Library split (DESIGN.md: use José where it fits, OpenSSL where it does not):
 *  - José does ECDH-ES+A256KW (RFC 7518 4.6: ephemeral key, Concat KDF,
 *    AES key wrap) and the A256GCM content encryption with the protected
 *    header as AAD.
 *  - José in Debian 12 (v11) is built without RSA-OAEP (its rsaes.c tests
 *    EVP_PKEY_CTX_set_rsa_oaep_md as a macro, a function in OpenSSL 3), so the
 *    CEK is wrapped with RSA-OAEP-256 (RFC 7518 4.3) by OpenSSL directly.
 *  - José leaves the ephemeral key in the per-recipient unprotected header;
 *    the CoCo client reads "epk" from the protected header, so it is moved
 *    there before the content is encrypted (the AAD covers it).  José encodes
 *    the protected header with JSON_SORT_KEYS | JSON_COMPACT, which yields the
 *    key order alg, enc, epk{crv,kty,x,y} that kbs_types::ProtectedHeader
 *    re-serialises when the Rust client computes the AAD.
 */
#include <string.h>

#include <jose/b64.h>
#include <jose/jwe.h>
#include <jose/jwk.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "trustchain/kbs.h"
#include "trustchain/util.h"

#define JWE_MAX_PLAINTEXT ((size_t)1 << 20)

static tc_err cek_new(json_t **cek)
{
    json_t *c = json_pack("{s:s}", "alg", "A256GCM");

    if (c == NULL || !jose_jwk_gen(NULL, c)) {
        json_decref(c);
        return tc_fail(TC_ERR_CRYPTO, "jwe: CEK generation failed");
    }
    *cek = c;
    return TC_ERR_OK;
}

/* Wipe and release a CEK JWK ("k" holds the key). */
static void cek_free(json_t *cek)
{
    json_t *k = json_object_get(cek, "k");

    if (k != NULL && json_is_string(k)) {
        tc_wipe((void *)json_string_value(k), json_string_length(k));
    }
    json_decref(cek);
}

static tc_err rsa_oaep256_wrap(EVP_PKEY *pub, const json_t *cek, json_t *jwe)
{
    uint8_t key[32], ct[1024];
    size_t ctl = sizeof(ct);
    EVP_PKEY_CTX *ctx = NULL;
    tc_err e = TC_ERR_CRYPTO;

    if (jose_b64_dec(json_object_get(cek, "k"), key, sizeof(key)) != sizeof(key)) {
        return tc_fail(TC_ERR_INTERNAL, "jwe: CEK length");
    }
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    if (ctx == NULL || EVP_PKEY_encrypt_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1 ||
        EVP_PKEY_encrypt(ctx, ct, &ctl, key, sizeof(key)) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: RSA-OAEP-256 wrap");
        goto out;
    }
    if (json_object_set_new(jwe, "encrypted_key", jose_b64_enc(ct, ctl)) != 0) {
        e = tc_fail(TC_ERR_NOMEM, "jwe");
        goto out;
    }
    e = TC_ERR_OK;
out:
    tc_wipe(key, sizeof(key));
    EVP_PKEY_CTX_free(ctx);
    return e;
}

tc_err tc_jwe_encrypt(const json_t *tee_pubkey, const uint8_t *pt, size_t ptlen, char **out)
{
    enum tc_jwk_kind kind;
    EVP_PKEY *pub = NULL;
    json_t *jwe = NULL, *cek = NULL, *jwk = NULL, *rcp = NULL;
    char *s = NULL;
    tc_err e;

    if (ptlen > JWE_MAX_PLAINTEXT) {
        return tc_fail(TC_ERR_TOO_LARGE, "jwe: plaintext of %zu bytes", ptlen);
    }
    if ((e = tc_jwk_check_tee_pubkey(tee_pubkey, &kind, &pub)) != TC_ERR_OK) {
        return e;
    }
    if ((e = cek_new(&cek)) != TC_ERR_OK) {
        goto out;
    }
    e = TC_ERR_CRYPTO;
    if (kind == TC_JWK_RSA) {
        jwe = json_pack("{s:{s:s,s:s}}", "protected", "alg", "RSA-OAEP-256", "enc", "A256GCM");
        if (jwe == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "jwe");
            goto out;
        }
        if ((e = rsa_oaep256_wrap(pub, cek, jwe)) != TC_ERR_OK) {
            goto out;
        }
    } else {
        json_t *hdr, *epk, *prot;

        jwe = json_pack("{s:{s:s,s:s}}", "protected", "alg", "ECDH-ES+A256KW", "enc", "A256GCM");
        /* Only the members José needs: a copy without extra (untrusted) fields. */
        jwk = json_pack("{s:s,s:O,s:O,s:O}", "kty", "EC", "crv",
                        json_object_get(tee_pubkey, "crv"), "x", json_object_get(tee_pubkey, "x"),
                        "y", json_object_get(tee_pubkey, "y"));
        rcp = json_object();
        if (jwe == NULL || jwk == NULL || rcp == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "jwe");
            goto out;
        }
        if (!jose_jwe_enc_jwk(NULL, jwe, rcp, jwk, cek)) {
            e = tc_fail(TC_ERR_CRYPTO, "jwe: ECDH-ES+A256KW key wrap failed (José)");
            goto out;
        }
        /* Flattened: José merged the recipient into jwe; move epk to the protected header. */
        hdr = json_object_get(jwe, "header");
        epk = json_object_get(hdr, "epk");
        prot = json_object_get(jwe, "protected");
        if (!json_is_object(epk) || !json_is_object(prot) ||
            json_object_set(prot, "epk", epk) != 0 || json_object_del(jwe, "header") != 0) {
            e = tc_fail(TC_ERR_CRYPTO, "jwe: no ephemeral key after the key agreement");
            goto out;
        }
    }
    if (!jose_jwe_enc_cek(NULL, jwe, cek, pt, ptlen)) {
        e = tc_fail(TC_ERR_CRYPTO, "jwe: A256GCM content encryption failed (José)");
        goto out;
    }
    if (!json_is_string(json_object_get(jwe, "protected")) ||
        !json_is_string(json_object_get(jwe, "encrypted_key")) ||
        !json_is_string(json_object_get(jwe, "iv")) ||
        !json_is_string(json_object_get(jwe, "tag"))) {
        e = tc_fail(TC_ERR_CRYPTO, "jwe: incomplete JWE from José");
        goto out;
    }
    s = json_dumps(jwe, JSON_COMPACT);
    if (s == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "jwe: serialise");
        goto out;
    }
    *out = s;
    e = TC_ERR_OK;
out:
    if (cek != NULL) {
        cek_free(cek);
    }
    json_decref(jwe);
    json_decref(jwk);
    json_decref(rcp);
    EVP_PKEY_free(pub);
    return e;
}

static tc_err rsa_oaep256_unwrap(EVP_PKEY *priv, const json_t *jwe, json_t **cek)
{
    uint8_t *ct = NULL, key[512];
    size_t ctl = 0, kl = sizeof(key);
    const json_t *ek = json_object_get(jwe, "encrypted_key");
    EVP_PKEY_CTX *ctx = NULL;
    tc_err e;

    if (!json_is_string(ek)) {
        return tc_fail(TC_ERR_MALFORMED, "jwe: encrypted_key missing");
    }
    if ((e = tc_b64_decode(json_string_value(ek), json_string_length(ek), 1024, &ct, &ctl)) !=
        TC_ERR_OK) {
        return tc_fail_ctx(e, "jwe: encrypted_key");
    }
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, priv, NULL);
    if (ctx == NULL || EVP_PKEY_decrypt_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1 ||
        EVP_PKEY_decrypt(ctx, key, &kl, ct, ctl) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: RSA-OAEP-256 unwrap");
        goto out;
    }
    if (kl != 32) {
        e = tc_fail(TC_ERR_MALFORMED, "jwe: CEK of %zu bytes, A256GCM needs 32", kl);
        goto out;
    }
    *cek = json_pack("{s:s,s:o}", "kty", "oct", "k", jose_b64_enc(key, kl));
    e = *cek != NULL ? TC_ERR_OK : tc_fail(TC_ERR_NOMEM, "jwe");
out:
    tc_wipe(key, sizeof(key));
    free(ct);
    EVP_PKEY_CTX_free(ctx);
    return e;
}

/*
 * The private EC JWK José needs (RFC 7518 6.2.2.1 "d", as long as the
 * coordinates).  Built here: jose/openssl.h declares functions on the EC_KEY
 * and RSA types that OPENSSL_NO_DEPRECATED hides.
 */
static tc_err ec_private_jwk(EVP_PKEY *priv, json_t **out)
{
    json_t *jwk = NULL;
    BIGNUM *d = NULL;
    uint8_t buf[66];
    size_t clen;
    const char *x;
    char *s = NULL;
    tc_err e;

    if ((e = tc_jwk_from_pkey(priv, NULL, &jwk)) != TC_ERR_OK) {
        return e;
    }
    x = json_string_value(json_object_get(jwk, "x"));
    clen = x != NULL ? strlen(x) * 3 / 4 : 0;
    if (clen == 0 || clen > sizeof(buf) ||
        EVP_PKEY_get_bn_param(priv, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
        BN_bn2binpad(d, buf, (int)clen) < 0) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: EC private key");
        goto out;
    }
    if ((e = tc_b64_encode(buf, clen, 1, &s)) != TC_ERR_OK) {
        goto out;
    }
    if (json_object_set_new(jwk, "d", json_string(s)) != 0) {
        e = tc_fail(TC_ERR_NOMEM, "jwe");
        goto out;
    }
    *out = jwk;
    jwk = NULL;
    e = TC_ERR_OK;
out:
    if (s != NULL) {
        tc_free_secret(s, strlen(s));
    }
    tc_wipe(buf, sizeof(buf));
    BN_clear_free(d);
    json_decref(jwk);
    return e;
}

tc_err tc_jwe_decrypt(const char *text, size_t len, EVP_PKEY *priv, uint8_t **pt, size_t *ptlen)
{
    json_error_t jerr;
    json_t *jwe = NULL, *hdr = NULL, *cek = NULL, *jwk = NULL;
    const char *alg = NULL, *enc = NULL;
    uint8_t *p = NULL, *copy = NULL;
    size_t pl = 0;
    tc_err e;

    jwe = json_loadb(text, len, TC_JSON_STRICT, &jerr);
    if (!json_is_object(jwe)) {
        e = tc_fail(TC_ERR_JSON, "jwe: %s", jwe == NULL ? jerr.text : "not an object");
        goto out;
    }
    hdr = jose_jwe_hdr(jwe, NULL);
    if (hdr == NULL || json_unpack(hdr, "{s:s,s:s}", "alg", &alg, "enc", &enc) != 0) {
        e = tc_fail(TC_ERR_MALFORMED, "jwe: protected header without alg/enc");
        goto out;
    }
    if (strcmp(enc, "A256GCM") != 0) {
        e = tc_fail(TC_ERR_UNSUPPORTED, "jwe: enc \"%s\"", enc);
        goto out;
    }
    if (strcmp(alg, "RSA-OAEP-256") == 0) {
        if (!EVP_PKEY_is_a(priv, "RSA")) {
            e = tc_fail(TC_ERR_MISMATCH, "jwe: RSA-OAEP-256 needs an RSA key");
            goto out;
        }
        if ((e = rsa_oaep256_unwrap(priv, jwe, &cek)) != TC_ERR_OK) {
            goto out;
        }
    } else if (strcmp(alg, "ECDH-ES+A256KW") == 0) {
        if (!EVP_PKEY_is_a(priv, "EC")) {
            e = tc_fail(TC_ERR_MISMATCH, "jwe: ECDH-ES+A256KW needs an EC key");
            goto out;
        }
        if ((e = ec_private_jwk(priv, &jwk)) != TC_ERR_OK) {
            goto out;
        }
        cek = jose_jwe_dec_jwk(NULL, jwe, NULL, jwk);
        if (cek == NULL) {
            e = tc_fail(TC_ERR_CRYPTO, "jwe: ECDH-ES+A256KW unwrap failed (wrong key?)");
            goto out;
        }
    } else {
        e = tc_fail(TC_ERR_UNSUPPORTED, "jwe: alg \"%s\"", alg);
        goto out;
    }
    p = jose_jwe_dec_cek(NULL, jwe, cek, &pl);
    if (p == NULL) {
        e = tc_fail(TC_ERR_CRYPTO, "jwe: A256GCM decryption failed (tag mismatch)");
        goto out;
    }
    /* José allocates with its allocator; hand out our own copy and wipe its. */
    copy = malloc(pl > 0 ? pl : 1);
    if (copy == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "jwe");
        goto out;
    }
    memcpy(copy, p, pl);
    *pt = copy;
    *ptlen = pl;
    e = TC_ERR_OK;
out:
    if (p != NULL) {
        tc_wipe(p, pl);
        free(p);
    }
    if (cek != NULL) {
        cek_free(cek);
    }
    if (jwk != NULL) {
        json_t *d = json_object_get(jwk, "d");

        if (json_is_string(d)) {
            tc_wipe((void *)json_string_value(d), json_string_length(d));
        }
        json_decref(jwk);
    }
    json_decref(hdr);
    json_decref(jwe);
    return e;
}
