/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSSL helpers shared by the TEE verifiers.  OpenSSL success is == 1, checked everywhere. */
#ifndef TC_CORE_OSSL_H
#define TC_CORE_OSSL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "trustchain/err.h"

/* One-shot digest; out must hold EVP_MD_get_size(md) bytes. */
TC_MUST_USE tc_err tc_digest(const EVP_MD *md, const void *data, size_t len, uint8_t *out);

/*
 * Verify an ECDSA signature given as raw r and s of comp_len bytes each, over msg
 * hashed with md.  little_endian: r and s are stored least significant byte first
 * (AMD SEV-SNP, the one place that conversion happens); otherwise big-endian (Intel).
 * Returns TC_ERR_OK, TC_ERR_SIGNATURE (does not verify) or TC_ERR_CRYPTO.
 */
TC_MUST_USE tc_err tc_ecdsa_verify_rs(EVP_PKEY *pub, const EVP_MD *md, const uint8_t *msg,
                                      size_t msglen, const uint8_t *r, const uint8_t *s,
                                      size_t comp_len, int little_endian);

/*
 * For hot paths that verify many signatures with one key (a verifier with cached collateral):
 * a verification context for pub, made once (EVP_PKEY_verify_init) and passed to the two
 * functions below.  Owned by the caller (EVP_PKEY_CTX_free); one thread at a time.  NULL on
 * failure (the OpenSSL error is cleared).
 */
EVP_PKEY_CTX *tc_ecdsa_verify_ctx(EVP_PKEY *pub);

/*
 * tc_ecdsa_verify_rs over a digest the caller computed (dgst, dlen): with ctx from
 * tc_ecdsa_verify_ctx, or with ctx NULL a one-off context for pub.  r and s are DER-encoded on
 * the stack: no BIGNUM, no allocation, no key set-up when ctx is given.  Same byte-order
 * convention and return values as tc_ecdsa_verify_rs.
 */
TC_MUST_USE tc_err tc_ecdsa_verify_digest_rs(EVP_PKEY_CTX *ctx, EVP_PKEY *pub, const uint8_t *dgst,
                                             size_t dlen, const uint8_t *r, const uint8_t *s,
                                             size_t comp_len, int little_endian);

/*
 * tc_ecdsa_verify_rs with a prepared context: msg is hashed with md (pass an explicitly
 * fetched EVP_MD, EVP_MD_fetch, to skip OpenSSL's per-call implicit fetch), then verified as
 * tc_ecdsa_verify_digest_rs does.
 */
TC_MUST_USE tc_err tc_ecdsa_verify_rs_ctx(EVP_PKEY_CTX *ctx, EVP_PKEY *pub, const EVP_MD *md,
                                          const uint8_t *msg, size_t msglen, const uint8_t *r,
                                          const uint8_t *s, size_t comp_len, int little_endian);

/*
 * Sign msg with an EC key and return raw r and s (comp_len bytes each, same
 * byte order convention).  Used by the simulated TEE and the test generators.
 */
TC_MUST_USE tc_err tc_ecdsa_sign_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg,
                                    size_t msglen, uint8_t *r, uint8_t *s, size_t comp_len,
                                    int little_endian);

#endif
