/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fast paths for EC public keys on OpenSSL 3.0.  Building a key from its
 * parameters (EVP_PKEY_fromdata) recomputes the curve's group and Montgomery
 * context every time, and i2d_PUBKEY/d2i_PUBKEY go through the encoder and
 * decoder framework: ~25 us and ~150 us per call on this machine, more than
 * the ECDSA or ECDH they precede.  Keys made here copy the parameters of a
 * per-curve template key instead (EVP_PKEY_copy_parameters), and the P-256
 * SubjectPublicKeyInfo is the fixed DER prefix of RFC 5480 plus the point.
 */
#ifndef TC_BROKER_ECKEY_H
#define TC_BROKER_ECKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "trustchain/err.h"

/* RFC 5480 SubjectPublicKeyInfo of a P-256 key: 26 bytes of DER, then the 65-byte point. */
#define TC_P256_SPKI_PREFIX_LEN 26
#define TC_P256_SPKI_LEN (TC_P256_SPKI_PREFIX_LEN + 65)
extern const uint8_t tc_p256_spki_prefix[TC_P256_SPKI_PREFIX_LEN];

/*
 * A public key on curve crv ("P-256", "P-384", "P-521") from its uncompressed
 * point (0x04 || x || y).  The point must be on the curve (EC_POINT_oct2point
 * checks it); a one-byte infinity encoding is refused here.
 */
TC_MUST_USE tc_err tc_eckey_from_point(const char *crv, const uint8_t *pt, size_t len,
                                       EVP_PKEY **out);
/* A fresh key pair on crv. */
TC_MUST_USE tc_err tc_eckey_generate(const char *crv, EVP_PKEY **out);
/* The uncompressed point of an EC key; out holds at least 133 bytes. */
TC_MUST_USE tc_err tc_eckey_point(EVP_PKEY *k, uint8_t *out, size_t cap, size_t *len);

#endif
