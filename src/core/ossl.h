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
 * Sign msg with an EC key and return raw r and s (comp_len bytes each, same
 * byte order convention).  Used by the simulated TEE and the test generators.
 */
TC_MUST_USE tc_err tc_ecdsa_sign_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg,
                                    size_t msglen, uint8_t *r, uint8_t *s, size_t comp_len,
                                    int little_endian);

#endif
