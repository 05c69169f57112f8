/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Appraisal and attestation results.
 *
 *  - Rules: small JSON conditions over claims, shared by the attestation
 *    (appraisal) policy and the broker's resource policies.
 *  - Appraisal: claims of one TEE + reference values + a JSON policy ->
 *    an AR4SI trustworthiness vector (draft-ietf-rats-ar4si) and a status.
 *  - EAR: the EAT Attestation Result (draft-ietf-rats-ear, Veraison EAR)
 *    as a JWT signed ES256 by the broker key.
 *  - JWS compact (RFC 7515) sign/verify with ES256 and EdDSA (Ed25519).
 *
 * Ownership: json_t results are new references; char ** results are malloc'd.
 * Time is always an argument, never read here.
 */
#ifndef TRUSTCHAIN_EAR_H
#define TRUSTCHAIN_EAR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "trustchain/err.h"
#include "trustchain/verdict.h"

/* ---- JSON pointer (RFC 6901) and rules ---- */

/* Resolve an RFC 6901 pointer ("" is the whole document); NULL if absent. Borrowed. */
const json_t *tc_json_pointer(const json_t *doc, const char *ptr);

/*
 * Evaluate one rule against doc.  A rule is an object with "claim" (an RFC
 * 6901 pointer, or a plain member name) and one condition:
 *   "equals": V | "not_equals": V | "in": [V...] | "not_in": [V...] |
 *   "min": N | "max": N | "present": true|false | "in_reference": "name"
 * ("in_reference" looks the value up in refvals[name], an array).
 * *holds is 1 or 0; why (optional) receives a one-line explanation.
 * Fails (TC_ERR_MALFORMED) only on a malformed rule.
 */
TC_MUST_USE tc_err tc_rule_eval(const json_t *rule, const json_t *doc, const json_t *refvals,
                                int *holds, char *why, size_t whylen);
/* Check a rule's shape without evaluating it. */
TC_MUST_USE tc_err tc_rule_check(const json_t *rule);

/* ---- AR4SI trustworthiness vector ---- */

enum tc_tv_claim {
    TC_TV_INSTANCE_IDENTITY,
    TC_TV_CONFIGURATION,
    TC_TV_EXECUTABLES,
    TC_TV_FILE_SYSTEM,
    TC_TV_HARDWARE,
    TC_TV_RUNTIME_OPAQUE,
    TC_TV_STORAGE_OPAQUE,
    TC_TV_SOURCED_DATA,
    TC_TV_COUNT
};

/* Values from draft-ietf-rats-ar4si section 2.3 used here. */
#define TC_AR_NONE 0
#define TC_AR_AFFIRMING 2        /* approved_config, approved_rt, genuine_hw, encrypted_rt */
#define TC_AR_UNSAFE 32          /* unsafe_config, unsafe_rt, unsafe_hw */
#define TC_AR_UNRECOGNIZED_RT 33 /* executables: unrecognized run-time */
#define TC_AR_CONTRAINDICATED 96
#define TC_AR_CRYPTO_FAILED 99

enum tc_ear_status {
    TC_EAR_NONE,
    TC_EAR_AFFIRMING,
    TC_EAR_WARNING,
    TC_EAR_CONTRAINDICATED,
};

const char *tc_tv_name(enum tc_tv_claim c);
/* -1 if unknown. */
int tc_tv_from_name(const char *name);
const char *tc_ear_status_name(enum tc_ear_status s);
/* The tier of one claim value (ar4si 2.3.1): none -1..1, affirming 2..31 and -32..-2,
 * warning 32..95 and -96..-33, contraindicated 96..127 and -128..-97. */
enum tc_ear_status tc_ear_tier(int value);

struct tc_ear_result {
    int8_t tv[TC_TV_COUNT];
    enum tc_ear_status status;
    char policy_id[64];
};

/*
 * The built-in appraisal policy of a TEE ("sim", "snp", "tdx"): a new
 * reference, or NULL for an unknown TEE.
 */
json_t *tc_ear_default_policy(const char *tee);
/* Check an appraisal policy document: {"id": str, "rules": [{"tier": name,
 * "pass": n?, "fail": n?, "absent": n?, <rule>}...]}. */
TC_MUST_USE tc_err tc_ear_policy_check(const json_t *policy);

/*
 * Appraise claims (from a verifier) with policy and refvals ({"name":[...]}).
 * res->tv starts from the verifier's opinion (hardware, runtime-opaque, ...);
 * each policy rule raises its tier to "pass" or "fail" (the worse value wins).
 * Each rule becomes a check in v.
 */
TC_MUST_USE tc_err tc_ear_appraise(const json_t *claims, const json_t *policy,
                                   const json_t *refvals, struct tc_ear_result *res,
                                   struct tc_verdict *v);

/* Parameters of one EAR token. */
struct tc_ear_token {
    const char *profile;   /* NULL: "tag:github.com,2023:veraison/ear" */
    const char *issuer;    /* "iss" */
    const char *build;     /* ear.verifier-id.build */
    const char *developer; /* ear.verifier-id.developer */
    time_t iat, exp;
    const char *nonce;          /* eat_nonce (the KBS challenge), may be NULL */
    const char *tee;            /* name of the claims set in the annotated evidence */
    const json_t *claims;       /* the verified claims */
    const json_t *runtime_data; /* {"nonce","tee-pubkey"} for runtime_data_claims */
    const json_t *init_data;    /* may be NULL */
    int simulated;              /* adds "trustchain.simulated": true */
    const struct tc_ear_result *result;
};

/* The EAR claims set (JWT payload). */
TC_MUST_USE tc_err tc_ear_claims(const struct tc_ear_token *t, json_t **claims);

/* ---- JWS / JWT ---- */

/* "ES256" for a P-256 key, "EdDSA" for Ed25519, NULL otherwise. */
const char *tc_jws_alg(EVP_PKEY *key);
/*
 * Compact JWS over the compact JSON of payload.  Header: {"alg","typ":"JWT"}
 * plus the members of extra_header (may be NULL).
 */
TC_MUST_USE tc_err tc_jws_sign(EVP_PKEY *key, const json_t *extra_header, const json_t *payload,
                               char **jws);
/* The same over a payload given as text (signed as is, e.g. to store the same bytes). */
TC_MUST_USE tc_err tc_jws_sign_text(EVP_PKEY *key, const json_t *extra_header, const char *payload,
                                    size_t len, char **jws);
/*
 * Verify a compact JWS with pub (the header's alg must be the key's), over the
 * raw signing input.  header/payload (optional) receive the decoded JSON.
 */
TC_MUST_USE tc_err tc_jws_verify(const char *jws, size_t len, EVP_PKEY *pub, json_t **header,
                                 json_t **payload);
/*
 * The claims of a compact JWS/JWT WITHOUT checking its signature: only for
 * tokens read back from a trusted place (the broker's own store).
 */
TC_MUST_USE tc_err tc_jwt_payload(const char *jwt, size_t len, json_t **claims);
/*
 * Verify a JWT: signature with one of keys (n keys), then "exp" (required
 * when require_exp) and "nbf"/"iat" against now with leeway seconds.
 */
TC_MUST_USE tc_err tc_jwt_verify(const char *jwt, size_t len, EVP_PKEY *const *keys, size_t n,
                                 time_t now, long leeway, int require_exp, json_t **claims);

#endif
