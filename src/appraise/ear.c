/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Appraisal -> EAR (EAT Attestation Result, draft-ietf-rats-ear) signed as a
 * JWT, and the compact JWS both the EAR and the broker's admin tokens use.
 *
 * JWS is done with OpenSSL directly rather than José: José (v11, Debian 12)
 * has no EdDSA, which the admin tokens allow, and a compact JWS is three
 * base64url strings around one signature call.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "core/ossl.h"
#include "trustchain/ear.h"
#include "trustchain/util.h"

static const char *const tv_names[TC_TV_COUNT] = {
    "instance-identity", "configuration",  "executables",    "file-system",
    "hardware",          "runtime-opaque", "storage-opaque", "sourced-data",
};

const char *tc_tv_name(enum tc_tv_claim c)
{
    return (unsigned)c < TC_TV_COUNT ? tv_names[c] : "?";
}

int tc_tv_from_name(const char *name)
{
    int i;

    for (i = 0; name != NULL && i < TC_TV_COUNT; i++) {
        if (strcmp(name, tv_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *tc_ear_status_name(enum tc_ear_status s)
{
    switch (s) {
    case TC_EAR_NONE:
        return "none";
    case TC_EAR_AFFIRMING:
        return "affirming";
    case TC_EAR_WARNING:
        return "warning";
    case TC_EAR_CONTRAINDICATED:
        return "contraindicated";
    }
    return "none";
}

enum tc_ear_status tc_ear_tier(int value)
{
    /* draft-ietf-rats-ar4si 2.3.1 (and Veraison's EAR): the tiers are symmetric around 0, the
     * negative values being each tier's implementation-specific code points. */
    if (value >= -1 && value <= 1) {
        return TC_EAR_NONE; /* -1 verifier malfunction, 0 no claim, 1 unexpected evidence */
    }
    if ((value >= 2 && value <= 31) || (value >= -32 && value <= -2)) {
        return TC_EAR_AFFIRMING;
    }
    if ((value >= 32 && value <= 95) || (value >= -96 && value <= -33)) {
        return TC_EAR_WARNING;
    }
    return TC_EAR_CONTRAINDICATED; /* 96..127, -128..-97 (and anything outside int8) */
}

/* The worse of two claim values: higher tier wins, then the larger value. */
static int8_t worse(int8_t a, int8_t b)
{
    enum tc_ear_status ta = tc_ear_tier(a), tb = tc_ear_tier(b);

    if (ta != tb) {
        return ta > tb ? a : b;
    }
    return a > b ? a : b;
}

/*
 * Built-in appraisal policies.  The claim names are those the broker's
 * verifiers put in the annotated evidence (src/broker/evidence.c).
 */
json_t *tc_ear_default_policy(const char *tee)
{
    if (tee == NULL) {
        return NULL;
    }
    if (strcmp(tee, "sim") == 0) {
        return json_pack("{s:s,s:[{s:s,s:s,s:s,s:i,s:i},{s:s,s:s,s:b,s:i,s:i}]}", "id",
                         "default-sim", "rules", "tier", "executables", "claim", "measurement",
                         "in_reference", "measurement", "pass", TC_AR_AFFIRMING, "fail",
                         TC_AR_UNRECOGNIZED_RT, "tier", "configuration", "claim", "debug", "equals",
                         0, "pass", TC_AR_AFFIRMING, "fail", TC_AR_UNSAFE);
    }
    if (strcmp(tee, "snp") == 0) {
        return json_pack("{s:s,s:[{s:s,s:s,s:s,s:i,s:i},{s:s,s:s,s:b,s:i,s:i}]}", "id",
                         "default-snp", "rules", "tier", "executables", "claim", "measurement",
                         "in_reference", "measurement", "pass", TC_AR_AFFIRMING, "fail",
                         TC_AR_UNRECOGNIZED_RT, "tier", "configuration", "claim",
                         "/policy/debug_allowed", "equals", 0, "pass", TC_AR_AFFIRMING, "fail",
                         TC_AR_CONTRAINDICATED);
    }
    if (strcmp(tee, "tdx") == 0) {
        return json_pack("{s:s,s:[{s:s,s:s,s:s,s:i,s:i},{s:s,s:s,s:b,s:i,s:i}]}", "id",
                         "default-tdx", "rules", "tier", "executables", "claim", "mrtd",
                         "in_reference", "mrtd", "pass", TC_AR_AFFIRMING, "fail",
                         TC_AR_UNRECOGNIZED_RT, "tier", "configuration", "claim",
                         "/td_attributes_decoded/debug", "equals", 0, "pass", TC_AR_AFFIRMING,
                         "fail", TC_AR_CONTRAINDICATED);
    }
    return NULL;
}

static tc_err tv_value(const json_t *rule, const char *k, int def, int8_t *out)
{
    const json_t *v = json_object_get(rule, k);

    if (v == NULL) {
        *out = (int8_t)def;
        return TC_ERR_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < -128 || json_integer_value(v) > 127) {
        return tc_fail(TC_ERR_MALFORMED, "appraisal rule: \"%s\" must be an integer -128..127", k);
    }
    *out = (int8_t)json_integer_value(v);
    return TC_ERR_OK;
}

tc_err tc_ear_policy_check(const json_t *policy)
{
    const json_t *rules = json_object_get(policy, "rules");
    const char *id = json_string_value(json_object_get(policy, "id"));
    size_t i;
    tc_err e;

    if (!json_is_object(policy)) {
        return tc_fail(TC_ERR_MALFORMED, "appraisal policy: not a JSON object");
    }
    if (id == NULL || id[0] == '\0' || strlen(id) >= 64) {
        return tc_fail(TC_ERR_MALFORMED, "appraisal policy: \"id\" (1..63 characters) missing");
    }
    if (!json_is_array(rules)) {
        return tc_fail(TC_ERR_MALFORMED, "appraisal policy %s: \"rules\" must be an array", id);
    }
    for (i = 0; i < json_array_size(rules); i++) {
        const json_t *r = json_array_get(rules, i);
        int8_t tmp;

        if (tc_tv_from_name(json_string_value(json_object_get(r, "tier"))) < 0) {
            return tc_fail(TC_ERR_MALFORMED,
                           "appraisal policy %s: rule %zu: \"tier\" must name an AR4SI claim "
                           "(instance-identity, configuration, executables, file-system, "
                           "hardware, runtime-opaque, storage-opaque, sourced-data)",
                           id, i);
        }
        if ((e = tc_rule_check(r)) != TC_ERR_OK ||
            (e = tv_value(r, "pass", 2, &tmp)) != TC_ERR_OK ||
            (e = tv_value(r, "fail", 96, &tmp)) != TC_ERR_OK ||
            (e = tv_value(r, "absent", 96, &tmp)) != TC_ERR_OK) {
            return tc_fail_ctx(e, "appraisal policy %s: rule %zu", id, i);
        }
    }
    return TC_ERR_OK;
}

tc_err tc_ear_appraise(const json_t *claims, const json_t *policy, const json_t *refvals,
                       struct tc_ear_result *res, struct tc_verdict *v)
{
    const json_t *rules;
    size_t i;
    int k;
    enum tc_ear_status st = TC_EAR_NONE;
    tc_err e;

    if ((e = tc_ear_policy_check(policy)) != TC_ERR_OK) {
        return e;
    }
    snprintf(res->policy_id, sizeof(res->policy_id), "%s",
             json_string_value(json_object_get(policy, "id")));
    rules = json_object_get(policy, "rules");
    for (i = 0; i < json_array_size(rules); i++) {
        const json_t *r = json_array_get(rules, i);
        const char *tier = json_string_value(json_object_get(r, "tier"));
        int t = tc_tv_from_name(tier), holds = 0;
        int8_t pass, fail, absent, val;
        char why[400], name[96];

        if (tv_value(r, "pass", TC_AR_AFFIRMING, &pass) != TC_ERR_OK ||
            tv_value(r, "fail", TC_AR_CONTRAINDICATED, &fail) != TC_ERR_OK ||
            tv_value(r, "absent", fail, &absent) != TC_ERR_OK) {
            return TC_ERR_MALFORMED;
        }
        if ((e = tc_rule_eval(r, claims, refvals, &holds, why, sizeof(why))) != TC_ERR_OK) {
            return e;
        }
        if (holds) {
            val = pass;
        } else if (tc_json_pointer(claims, json_string_value(json_object_get(r, "claim"))) ==
                   NULL) {
            val = absent;
        } else {
            val = fail;
        }
        res->tv[t] = worse(res->tv[t], val);
        snprintf(name, sizeof(name), "appraisal.%s", tier);
        if ((e = tc_verdict_add(v, name,
                                tc_ear_tier(val) == TC_EAR_AFFIRMING ? TC_CHECK_PASS
                                : tc_ear_tier(val) == TC_EAR_NONE    ? TC_CHECK_INFO
                                                                     : TC_CHECK_FAIL,
                                TC_ERR_POLICY, NULL, NULL, "%s -> %s=%d (%s)", why, tier, val,
                                tc_ear_status_name(tc_ear_tier(val)))) != TC_ERR_OK) {
            return e;
        }
    }
    for (k = 0; k < TC_TV_COUNT; k++) {
        enum tc_ear_status s = tc_ear_tier(res->tv[k]);

        if (s > st) {
            st = s;
        }
    }
    res->status = st;
    return TC_ERR_OK;
}

tc_err tc_ear_claims(const struct tc_ear_token *t, json_t **out)
{
    json_t *tv = json_object(), *ae = NULL, *sub = NULL, *c = NULL;
    int k;

    if (tv == NULL) {
        return tc_fail(TC_ERR_NOMEM, "ear");
    }
    for (k = 0; k < TC_TV_COUNT; k++) {
        json_object_set_new(tv, tv_names[k], json_integer(t->result->tv[k]));
    }
    /* Annotated evidence as Trustee lays it out: the TEE's claims under its name, and
     * runtime_data_claims (where its token verifier finds the tee-pubkey). */
    ae = json_pack("{s:O,s:O}", t->tee, t->claims, "runtime_data_claims", t->runtime_data);
    if (ae != NULL && t->init_data != NULL) {
        json_object_set(ae, "init_data_claims", (json_t *)t->init_data);
    }
    if (ae != NULL && t->simulated) {
        json_object_set_new(ae, "simulated", json_true());
    }
    sub = ae == NULL
              ? NULL
              : json_pack("{s:s,s:o,s:s,s:o}", "ear.status", tc_ear_status_name(t->result->status),
                          "ear.trustworthiness-vector", tv, "ear.appraisal-policy-id",
                          t->result->policy_id, "ear.veraison.annotated-evidence", ae);
    tv = ae = NULL;
    c = sub == NULL
            ? NULL
            : json_pack("{s:s,s:I,s:I,s:s,s:{s:s,s:s},s:{s:o}}", "eat_profile",
                        t->profile != NULL ? t->profile : "tag:github.com,2023:veraison/ear", "iat",
                        (json_int_t)t->iat, "exp", (json_int_t)t->exp, "iss",
                        t->issuer != NULL ? t->issuer : "trustchain", "ear.verifier-id",
                        "developer", t->developer != NULL ? t->developer : "https://trustchain.dev",
                        "build", t->build != NULL ? t->build : "trustchain", "submods", "cpu0",
                        sub);
    sub = NULL;
    if (c == NULL) {
        json_decref(tv);
        json_decref(ae);
        return tc_fail(TC_ERR_NOMEM, "ear claims");
    }
    if (t->nonce != NULL) {
        json_object_set_new(c, "eat_nonce", json_string(t->nonce));
    }
    if (t->simulated) {
        /* Never let a simulated result pass for a hardware one. */
        json_object_set_new(c, "trustchain.simulated", json_true());
    }
    *out = c;
    return TC_ERR_OK;
}

/* ---- JWS ---- */

const char *tc_jws_alg(EVP_PKEY *key)
{
    if (key == NULL) {
        return NULL;
    }
    if (EVP_PKEY_is_a(key, "ED25519")) {
        return "EdDSA";
    }
    if (EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) == 256) {
        return "ES256";
    }
    return NULL;
}

static tc_err b64u_json(const json_t *j, char **out)
{
    char *s = json_dumps(j, JSON_COMPACT);
    tc_err e;

    if (s == NULL) {
        return tc_fail(TC_ERR_NOMEM, "jws: serialise");
    }
    e = tc_b64_encode((const uint8_t *)s, strlen(s), 1, out);
    free(s);
    return e;
}

tc_err tc_jws_sign_text(EVP_PKEY *key, const json_t *extra_header, const char *payload, size_t plen,
                        char **jws)
{
    const char *alg = tc_jws_alg(key);
    json_t *hdr = NULL;
    char *h64 = NULL, *p64 = NULL, *s64 = NULL, *out = NULL;
    uint8_t sig[64];
    size_t siglen = sizeof(sig), n;
    struct tc_buf in;
    EVP_MD_CTX *md = NULL;
    tc_err e;

    if (alg == NULL) {
        return tc_fail(TC_ERR_UNSUPPORTED, "jws: signing key must be P-256 or Ed25519");
    }
    tc_buf_init(&in, 0);
    hdr = json_pack("{s:s,s:s}", "alg", alg, "typ", "JWT");
    if (hdr == NULL || (extra_header != NULL && json_object_update(hdr, (json_t *)extra_header))) {
        e = tc_fail(TC_ERR_NOMEM, "jws");
        goto out;
    }
    if ((e = b64u_json(hdr, &h64)) != TC_ERR_OK ||
        (e = tc_b64_encode((const uint8_t *)payload, plen, 1, &p64)) != TC_ERR_OK ||
        (e = tc_buf_printf(&in, "%s.%s", h64, p64)) != TC_ERR_OK) {
        goto out;
    }
    if (strcmp(alg, "ES256") == 0) {
        /* RFC 7518 3.4: R || S, 32 bytes each, big-endian. */
        e = tc_ecdsa_sign_rs(key, EVP_sha256(), in.data, in.len, sig, sig + 32, 32, 0);
        siglen = 64;
    } else {
        md = EVP_MD_CTX_new();
        if (md == NULL || EVP_DigestSignInit_ex(md, NULL, NULL, NULL, NULL, key, NULL) != 1 ||
            EVP_DigestSign(md, sig, &siglen, in.data, in.len) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "jws: EdDSA sign");
        } else {
            e = TC_ERR_OK;
        }
    }
    if (e != TC_ERR_OK || (e = tc_b64_encode(sig, siglen, 1, &s64)) != TC_ERR_OK) {
        goto out;
    }
    n = in.len + 1 + strlen(s64) + 1;
    out = malloc(n);
    if (out == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "jws");
        goto out;
    }
    snprintf(out, n, "%.*s.%s", (int)in.len, (const char *)in.data, s64);
    *jws = out;
    e = TC_ERR_OK;
out:
    EVP_MD_CTX_free(md);
    tc_buf_free(&in);
    json_decref(hdr);
    free(h64);
    free(p64);
    free(s64);
    return e;
}

tc_err tc_jws_sign(EVP_PKEY *key, const json_t *extra_header, const json_t *payload, char **jws)
{
    char *s = json_dumps(payload, JSON_COMPACT);
    tc_err e;

    if (s == NULL) {
        return tc_fail(TC_ERR_NOMEM, "jws: serialise");
    }
    e = tc_jws_sign_text(key, extra_header, s, strlen(s), jws);
    free(s);
    return e;
}

static tc_err b64u_load(const char *s, size_t n, json_t **out, const char *what)
{
    uint8_t *raw = NULL;
    size_t rl = 0;
    json_error_t jerr;
    json_t *j;
    tc_err e;

    if ((e = tc_b64_decode(s, n, 64 * 1024, &raw, &rl)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "jws: %s", what);
    }
    j = json_loadb((const char *)raw, rl, JSON_REJECT_DUPLICATES, &jerr);
    free(raw);
    if (!json_is_object(j)) {
        json_decref(j);
        return tc_fail(TC_ERR_JSON, "jws: %s is not a JSON object", what);
    }
    *out = j;
    return TC_ERR_OK;
}

tc_err tc_jws_verify(const char *jws, size_t len, EVP_PKEY *pub, json_t **header, json_t **payload)
{
    const char *d1, *d2, *want = tc_jws_alg(pub), *alg;
    json_t *hdr = NULL, *pl = NULL;
    uint8_t *sig = NULL;
    size_t sl = 0;
    EVP_MD_CTX *md = NULL;
    tc_err e;

    d1 = memchr(jws, '.', len);
    d2 = d1 != NULL ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - jws)) : NULL;
    if (d1 == NULL || d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - jws)) != NULL) {
        return tc_fail(TC_ERR_MALFORMED, "jws: not three dot-separated parts");
    }
    if ((e = b64u_load(jws, (size_t)(d1 - jws), &hdr, "header")) != TC_ERR_OK) {
        return e;
    }
    alg = json_string_value(json_object_get(hdr, "alg"));
    if (want == NULL || alg == NULL || strcmp(alg, want) != 0) {
        e = tc_fail(TC_ERR_SIGNATURE, "jws: alg \"%s\" does not match the key (%s)",
                    alg != NULL ? alg : "(none)", want != NULL ? want : "unsupported key");
        goto out;
    }
    if (json_object_get(hdr, "crit") != NULL) {
        e = tc_fail(TC_ERR_UNSUPPORTED, "jws: \"crit\" header not supported (RFC 7515 4.1.11)");
        goto out;
    }
    if ((e = tc_b64_decode(d2 + 1, len - (size_t)(d2 + 1 - jws), 256, &sig, &sl)) != TC_ERR_OK) {
        tc_fail_ctx(e, "jws: signature");
        goto out;
    }
    /* The signing input is the raw bytes as received (RFC 7515 5.2 step 8). */
    if (strcmp(alg, "ES256") == 0) {
        if (sl != 64) {
            e = tc_fail(TC_ERR_SIGNATURE, "jws: ES256 signature of %zu bytes", sl);
            goto out;
        }
        e = tc_ecdsa_verify_rs(pub, EVP_sha256(), (const uint8_t *)jws, (size_t)(d2 - jws), sig,
                               sig + 32, 32, 0);
    } else {
        md = EVP_MD_CTX_new();
        if (md == NULL || EVP_DigestVerifyInit_ex(md, NULL, NULL, NULL, NULL, pub, NULL) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "jws: EdDSA");
            goto out;
        }
        e = EVP_DigestVerify(md, sig, sl, (const uint8_t *)jws, (size_t)(d2 - jws)) == 1
                ? TC_ERR_OK
                : TC_ERR_SIGNATURE;
        ERR_clear_error();
    }
    if (e != TC_ERR_OK) {
        if (e == TC_ERR_SIGNATURE) {
            tc_fail(e, "jws: %s signature does not verify", alg);
        }
        goto out;
    }
    if ((e = b64u_load(d1 + 1, (size_t)(d2 - d1 - 1), &pl, "payload")) != TC_ERR_OK) {
        goto out;
    }
    if (header != NULL) {
        *header = hdr;
        hdr = NULL;
    }
    if (payload != NULL) {
        *payload = pl;
        pl = NULL;
    }
out:
    EVP_MD_CTX_free(md);
    free(sig);
    json_decref(hdr);
    json_decref(pl);
    return e;
}

tc_err tc_jwt_payload(const char *jwt, size_t len, json_t **claims)
{
    const char *d1 = memchr(jwt, '.', len), *d2;

    d2 = d1 != NULL ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - jwt)) : NULL;
    if (d1 == NULL || d2 == NULL) {
        return tc_fail(TC_ERR_MALFORMED, "jwt: not three dot-separated parts");
    }
    return b64u_load(d1 + 1, (size_t)(d2 - d1 - 1), claims, "payload");
}

/* A NumericDate claim (RFC 7519 2): absent (0), an integer (1), or anything else (-1). */
static int numeric_date(const json_t *pl, const char *k, long long *v)
{
    const json_t *j = json_object_get(pl, k);

    if (j == NULL) {
        return 0;
    }
    if (!json_is_integer(j)) {
        return -1;
    }
    *v = (long long)json_integer_value(j);
    return 1;
}

tc_err tc_jwt_verify(const char *jwt, size_t len, EVP_PKEY *const *keys, size_t n, time_t now,
                     long leeway, int require_exp, json_t **claims)
{
    json_t *pl = NULL;
    long long exp = 0, nbf = 0, iat = 0;
    int has_exp, has_nbf, has_iat;
    size_t i;
    tc_err e = tc_fail(TC_ERR_AUTH, "jwt: no verification key");

    for (i = 0; i < n; i++) {
        e = tc_jws_verify(jwt, len, keys[i], NULL, &pl);
        if (e == TC_ERR_OK || (e != TC_ERR_SIGNATURE)) {
            break;
        }
    }
    if (e != TC_ERR_OK) {
        return e;
    }
    if (leeway < 0) {
        leeway = 0;
    }
    has_exp = numeric_date(pl, "exp", &exp);
    has_nbf = numeric_date(pl, "nbf", &nbf);
    has_iat = numeric_date(pl, "iat", &iat);
    if (has_exp < 0 || has_nbf < 0 || has_iat < 0) {
        e = tc_fail(TC_ERR_MALFORMED, "jwt: \"exp\", \"nbf\" and \"iat\" must be integers");
        goto out;
    }
    if (has_exp == 0 && require_exp) {
        e = tc_fail(TC_ERR_EXPIRED, "jwt: no \"exp\" claim");
        goto out;
    }
    /* RFC 7519 4.1.4/4.1.5, compared without overflow (the values are the token's). */
    if (has_exp && exp < (long long)now - leeway) {
        e = tc_fail(TC_ERR_EXPIRED, "jwt: expired (exp %lld, now %lld)", exp, (long long)now);
        goto out;
    }
    if (has_nbf && nbf > (long long)now + leeway) {
        e = tc_fail(TC_ERR_EXPIRED, "jwt: not valid before %lld (now %lld)", nbf, (long long)now);
        goto out;
    }
    /* A token issued in the future comes from a wrong clock or a forged timeline (RFC 7519
     * 4.1.6 leaves the check to the application; 60 s of clock skew is allowed). */
    if (has_iat && iat > (long long)now + leeway + 60) {
        e = tc_fail(TC_ERR_EXPIRED, "jwt: issued in the future (iat %lld, now %lld)", iat,
                    (long long)now);
        goto out;
    }
    *claims = pl;
    pl = NULL;
    e = TC_ERR_OK;
out:
    json_decref(pl);
    return e;
}
