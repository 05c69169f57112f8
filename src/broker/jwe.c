/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS resource response: a flattened JWE (RFC 7516 7.2.2) to the guest's
 * tee-pubkey, content encrypted with A256GCM.
 *
 * Library split (DESIGN.md: use José where it fits, OpenSSL where it does not):
 *  - Decryption (the guest side) is José: ECDH-ES+A256KW unwrap (RFC 7518
 *    4.6) and A256GCM, from the merged protected/unprotected headers.
 *  - Encryption on the broker's hot path is OpenSSL directly
 *    (tc_jwe_encrypt): José v11 spends ~330 us per JWE (legacy EC_KEY
 *    paths, JSON round trips) where OpenSSL's EVP calls need ~100 us, and
 *    José puts the ephemeral key in the unprotected per-recipient header
 *    while the CoCo client reads "epk" from the protected header, and needs
 *    the header in the exact key order alg, enc, epk{crv,kty,x,y}
 *    (kbs_types::ProtectedHeader re-serialises it to compute the AAD).
 *  - tc_jwe_encrypt_jose is the same JWE built with José (epk moved into the
 *    protected header, which José encodes with JSON_SORT_KEYS, i.e. the same
 *    key order); the tests decrypt each implementation's output with the
 *    other, and with python3-jwcrypto.
 *  - José in Debian 12 (v11) is built without RSA-OAEP (its rsaes.c tests
 *    EVP_PKEY_CTX_set_rsa_oaep_md as a macro, a function in OpenSSL 3), so
 *    RSA-OAEP-256 (RFC 7518 4.3) is OpenSSL in both directions.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <openssl/rand.h>

#include "broker/eckey.h"
#include "broker/jose_lazy.h"
#include "core/ossl.h"
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

tc_err tc_jwe_encrypt_jose(const json_t *tee_pubkey, const uint8_t *pt, size_t ptlen, char **out)
{
    enum tc_jwk_kind kind;
    EVP_PKEY *pub = NULL;
    json_t *jwe = NULL, *cek = NULL, *jwk = NULL, *rcp = NULL;
    char *s = NULL;
    tc_err e;

    if ((e = tc_jose_load()) != TC_ERR_OK) {
        return e;
    }
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
        jwk =
            json_pack("{s:s,s:O,s:O,s:O}", "kty", "EC", "crv", json_object_get(tee_pubkey, "crv"),
                      "x", json_object_get(tee_pubkey, "x"), "y", json_object_get(tee_pubkey, "y"));
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

    if ((e = tc_jose_load()) != TC_ERR_OK) {
        return e;
    }
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

/* ---- the broker's encryption, OpenSSL directly ---- */

static tc_err b64u(struct tc_buf *b, const char *key, const uint8_t *p, size_t n, int comma)
{
    char *s = NULL;
    tc_err e = tc_b64_encode(p, n, 1, &s);

    if (e == TC_ERR_OK) {
        e = tc_buf_printf(b, "%s\"%s\":\"%s\"", comma ? "," : "", key, s);
        free(s);
    }
    return e;
}

/* RFC 7518 4.6.2: Concat KDF (NIST SP 800-56A 5.8.1), SHA-256, one round for a 256-bit key,
 * AlgorithmID = "ECDH-ES+A256KW", empty PartyUInfo/PartyVInfo. */
static tc_err concat_kdf(const uint8_t *z, size_t zl, uint8_t kek[32])
{
    static const char alg[] = "ECDH-ES+A256KW";
    static const uint8_t round1[4] = {0, 0, 0, 1}, alglen[4] = {0, 0, 0, 14}, empty[8] = {0},
                         keybits[4] = {0, 0, 1, 0};
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok;

    ok = m != NULL && EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1 &&
         EVP_DigestUpdate(m, round1, 4) == 1 && EVP_DigestUpdate(m, z, zl) == 1 &&
         EVP_DigestUpdate(m, alglen, 4) == 1 && EVP_DigestUpdate(m, alg, 14) == 1 &&
         EVP_DigestUpdate(m, empty, 8) == 1 && EVP_DigestUpdate(m, keybits, 4) == 1 &&
         EVP_DigestFinal_ex(m, kek, &n) == 1 && n == 32;
    EVP_MD_CTX_free(m);
    return ok ? TC_ERR_OK : tc_fail_ssl(TC_ERR_CRYPTO, "jwe: Concat KDF");
}

static tc_err ecdh_wrap(EVP_PKEY *peer, enum tc_jwk_kind kind, const uint8_t cek[32],
                        uint8_t ek[40], char epk_x[96], char epk_y[96])
{
    static const char *const names[] = {"P-256", "P-384", "P-521"};
    EVP_PKEY *eph = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_CIPHER_CTX *cc = NULL;
    json_t *jwk = NULL;
    uint8_t z[66], kek[32];
    size_t zl = sizeof(z);
    int l1 = 0, l2 = 0;
    tc_err e;

    if ((e = tc_eckey_generate(names[kind], &eph)) != TC_ERR_OK) {
        goto out;
    }
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, eph, NULL);
    /* The peer was validated (on the curve) by tc_jwk_check_tee_pubkey; skip re-checking. */
    if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1 || EVP_PKEY_derive(ctx, z, &zl) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: ECDH");
        goto out;
    }
    if ((e = concat_kdf(z, zl, kek)) != TC_ERR_OK) {
        goto out;
    }
    /* RFC 3394 AES key wrap of the CEK under the KEK. */
    cc = EVP_CIPHER_CTX_new();
    if (cc == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "jwe");
        goto out;
    }
    EVP_CIPHER_CTX_set_flags(cc, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if (EVP_EncryptInit_ex(cc, EVP_aes_256_wrap(), NULL, kek, NULL) != 1 ||
        EVP_EncryptUpdate(cc, ek, &l1, cek, 32) != 1 ||
        EVP_EncryptFinal_ex(cc, ek + l1, &l2) != 1 || l1 + l2 != 40) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: AES key wrap");
        goto out;
    }
    if ((e = tc_jwk_from_pkey(eph, NULL, &jwk)) != TC_ERR_OK) {
        goto out;
    }
    snprintf(epk_x, 96, "%s", json_string_value(json_object_get(jwk, "x")));
    snprintf(epk_y, 96, "%s", json_string_value(json_object_get(jwk, "y")));
    e = TC_ERR_OK;
out:
    tc_wipe(z, sizeof(z));
    tc_wipe(kek, sizeof(kek));
    json_decref(jwk);
    EVP_CIPHER_CTX_free(cc);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(eph); /* the ephemeral private key: freed (cleansed by OpenSSL) */
    return e;
}

tc_err tc_jwe_encrypt(const json_t *tee_pubkey, const uint8_t *pt, size_t ptlen, char **out)
{
    static const char *const crv[] = {"P-256", "P-384", "P-521"};
    enum tc_jwk_kind kind;
    EVP_PKEY *pub = NULL;
    EVP_PKEY_CTX *rc = NULL;
    EVP_CIPHER_CTX *gcm = NULL;
    uint8_t cek[32], iv[12], tag[16], ek[1024], *ct = NULL;
    size_t ekl = 0;
    char hdr[512], epk_x[96], epk_y[96], *aad = NULL;
    struct tc_buf b;
    int l = 0, l2 = 0;
    tc_err e;

    if (ptlen > JWE_MAX_PLAINTEXT) {
        return tc_fail(TC_ERR_TOO_LARGE, "jwe: plaintext of %zu bytes", ptlen);
    }
    if ((e = tc_jwk_check_tee_pubkey(tee_pubkey, &kind, &pub)) != TC_ERR_OK) {
        return e;
    }
    tc_buf_init(&b, 4 * JWE_MAX_PLAINTEXT);
    if (RAND_priv_bytes(cek, sizeof(cek)) != 1 || RAND_bytes(iv, sizeof(iv)) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: random");
        goto out;
    }
    if (kind == TC_JWK_RSA) {
        ekl = sizeof(ek);
        rc = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
        if (rc == NULL || EVP_PKEY_encrypt_init(rc) != 1 ||
            EVP_PKEY_CTX_set_rsa_padding(rc, RSA_PKCS1_OAEP_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_oaep_md(rc, EVP_sha256()) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(rc, EVP_sha256()) != 1 ||
            EVP_PKEY_encrypt(rc, ek, &ekl, cek, sizeof(cek)) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: RSA-OAEP-256 wrap");
            goto out;
        }
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}");
    } else {
        if ((e = ecdh_wrap(pub, kind, cek, ek, epk_x, epk_y)) != TC_ERR_OK) {
            goto out;
        }
        ekl = 40;
        /* Compact, keys in the order the CoCo client re-serialises (see the top). */
        snprintf(hdr, sizeof(hdr),
                 "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"epk\":{\"crv\":\"%s\","
                 "\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}}",
                 crv[kind], epk_x, epk_y);
    }
    if ((e = tc_b64_encode((const uint8_t *)hdr, strlen(hdr), 1, &aad)) != TC_ERR_OK) {
        goto out;
    }
    /* RFC 7516 5.1 step 14: AAD = ASCII(BASE64URL(UTF8(JWE Protected Header))). */
    ct = malloc(ptlen > 0 ? ptlen : 1);
    gcm = EVP_CIPHER_CTX_new();
    if (ct == NULL || gcm == NULL ||
        EVP_EncryptInit_ex(gcm, EVP_aes_256_gcm(), NULL, cek, iv) != 1 ||
        EVP_EncryptUpdate(gcm, NULL, &l, (const uint8_t *)aad, (int)strlen(aad)) != 1 ||
        EVP_EncryptUpdate(gcm, ct, &l, pt, (int)ptlen) != 1 ||
        EVP_EncryptFinal_ex(gcm, ct + l, &l2) != 1 ||
        EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_GET_TAG, sizeof(tag), tag) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "jwe: A256GCM");
        goto out;
    }
    if ((e = tc_buf_printf(&b, "{\"protected\":\"%s\"", aad)) != TC_ERR_OK ||
        (e = b64u(&b, "encrypted_key", ek, ekl, 1)) != TC_ERR_OK ||
        (e = b64u(&b, "iv", iv, sizeof(iv), 1)) != TC_ERR_OK ||
        (e = b64u(&b, "ciphertext", ct, (size_t)(l + l2), 1)) != TC_ERR_OK ||
        (e = b64u(&b, "tag", tag, sizeof(tag), 1)) != TC_ERR_OK ||
        (e = tc_buf_append(&b, "}", 2)) != TC_ERR_OK) {
        goto out;
    }
    *out = (char *)b.data;
    b.data = NULL;
    e = TC_ERR_OK;
out:
    tc_wipe(cek, sizeof(cek));
    free(ct);
    free(aad);
    tc_buf_free(&b);
    EVP_CIPHER_CTX_free(gcm);
    EVP_PKEY_CTX_free(rc);
    EVP_PKEY_free(pub);
    return e;
}
