/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Confidential Containers KBS protocol (version 0.4.0), the pieces both
 * sides share: RFC 8785 canonical JSON, the runtime-data binding into
 * REPORT_DATA, the tee-pubkey JWK and the JWE resource response.
 *
 * Protocol: trustee kbs/docs/kbs_attestation_protocol.md; the Rust client in
 * guest-components attestation-agent/kbs_protocol is the compatibility target.
 *
 * Ownership: functions returning char ** / uint8_t ** allocate; free with
 * free() (tc_free_secret() for plaintext secrets).  json_t results are new
 * references.
 */
#ifndef TRUSTCHAIN_KBS_H
#define TRUSTCHAIN_KBS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "trustchain/err.h"

#define TC_KBS_VERSION "0.4.0"
#define TC_KBS_NONCE_BYTES 32
#define TC_KBS_REPORT_DATA_BYTES 64
#define TC_KBS_SESSION_COOKIE "kbs-session-id"
/* RFC 7807-style "type" of an error body, as Trustee writes it. */
#define TC_KBS_ERROR_TYPE_PREFIX "https://github.com/confidential-containers/kbs/errors/"

/* Flags for parsing untrusted JSON: reject duplicate keys, need an object or array. */
#define TC_JSON_STRICT (JSON_REJECT_DUPLICATES)

/*
 * RFC 8785 (JCS) canonical serialisation of v: object members sorted by their
 * UTF-16 code units, no whitespace, strings with the minimal escapes of
 * section 3.2.2.2, numbers as ECMAScript formats IEEE 754 doubles (3.2.2.3).
 * Fails (TC_ERR_UNSUPPORTED) on NaN/Infinity.  *out is NUL-terminated; *outlen
 * excludes the NUL (strings may contain U+0000, written as \u0000).
 */
TC_MUST_USE tc_err tc_jcs_dump(const json_t *v, char **out, size_t *outlen);

/*
 * The KBS runtime-data binding (Trustee kbs/src/attestation/backend.rs,
 * guest-components rcar_client.rs get_composite_evidence):
 *   SHA-384( JCS({"additional-evidence": additional, "nonce": nonce,
 *                 "tee-pubkey": tee_pubkey}) )
 * zero-padded to 64 bytes, the REPORT_DATA an SNP report / TDX quote carries.
 * additional may be NULL for the device form ({"nonce","tee-pubkey"} only).
 * digest (optional, 48 bytes) receives the bare SHA-384.
 */
TC_MUST_USE tc_err tc_kbs_report_data(const json_t *tee_pubkey, const char *nonce,
                                      const char *additional, uint8_t out[64], uint8_t digest[48]);

/* ---- tee-pubkey (JWK, RFC 7517) ---- */

enum tc_jwk_kind {
    TC_JWK_EC_P256,
    TC_JWK_EC_P384,
    TC_JWK_EC_P521,
    TC_JWK_RSA,
};

/*
 * Check a tee-pubkey JWK as the KBS protocol allows it: EC (P-256, P-384,
 * P-521) with alg "ECDH-ES+A256KW", or RSA (2048..8192-bit modulus) with alg
 * "RSA-OAEP-256"; coordinates of the right length and on the curve.
 * pkey (optional) receives the public key.
 */
TC_MUST_USE tc_err tc_jwk_check_tee_pubkey(const json_t *jwk, enum tc_jwk_kind *kind,
                                           EVP_PKEY **pkey);

/* The public JWK of an EC (P-256/384/521) or RSA key, with "alg" set when alg != NULL. */
TC_MUST_USE tc_err tc_jwk_from_pkey(EVP_PKEY *pkey, const char *alg, json_t **jwk);

/* Generate a TEE key pair for the client: kind P-256, P-521 or RSA (3072 bits). */
TC_MUST_USE tc_err tc_jwk_generate(enum tc_jwk_kind kind, EVP_PKEY **key, json_t **pub_jwk);

/* ---- JWE (RFC 7516) resource response ---- */

/*
 * Encrypt pt to the tee-pubkey as a flattened JWE JSON object
 * {"protected","encrypted_key","iv","ciphertext","tag"} with enc A256GCM and
 * alg ECDH-ES+A256KW (EC) or RSA-OAEP-256 (RSA).  The protected header is
 * compact JSON with keys in the order alg, enc, epk{crv,kty,x,y}, which is
 * what the CoCo Rust client re-serialises to compute the AAD.
 * *out is the serialised JSON (compact).
 */
TC_MUST_USE tc_err tc_jwe_encrypt(const json_t *tee_pubkey, const uint8_t *pt, size_t ptlen,
                                  char **out);
/* The same JWE built with José (the reference the tests cross-check against). */
TC_MUST_USE tc_err tc_jwe_encrypt_jose(const json_t *tee_pubkey, const uint8_t *pt, size_t ptlen,
                                       char **out);

/*
 * Decrypt a flattened JWE produced by any conforming implementation with the
 * TEE private key.  *pt is a new allocation (free with tc_free_secret).
 */
TC_MUST_USE tc_err tc_jwe_decrypt(const char *jwe, size_t len, EVP_PKEY *priv, uint8_t **pt,
                                  size_t *ptlen);

/* ---- parsing of protocol messages (used by the broker and its fuzz targets) ---- */

/* A parsed KBS Request: {"version","tee","extra-params"}. Strings point into the json. */
struct tc_kbs_request {
    const char *version;
    const char *tee;
};

/* A parsed KBS Attestation. Pointers borrow from the json object it came from. */
struct tc_kbs_attestation {
    const char *nonce;        /* runtime-data.nonce */
    const json_t *tee_pubkey; /* runtime-data.tee-pubkey */
    const json_t *primary;    /* tee-evidence.primary_evidence */
    const char *additional;   /* tee-evidence.additional_evidence ("" if absent) */
    const json_t *init_data;  /* init-data or NULL */
};

/*
 * Parse a Request body (JSON, at most len bytes).  *root receives the parsed
 * document (caller frees) and req borrows from it.  Checks the shape only;
 * the caller decides on version and tee.
 */
TC_MUST_USE tc_err tc_kbs_parse_request(const char *body, size_t len, json_t **root,
                                        struct tc_kbs_request *req);
TC_MUST_USE tc_err tc_kbs_parse_attestation(const char *body, size_t len, json_t **root,
                                            struct tc_kbs_attestation *att);

/* 1 if s is "major.minor.patch" equal to TC_KBS_VERSION (semver "=0.4.0", as Trustee). */
int tc_kbs_version_ok(const char *s);

#endif
