/* SPDX-License-Identifier: Apache-2.0 */
/* José (libjose), loaded on first use (src/core/lazy.h explains why). */
#ifndef TC_BROKER_JOSE_LAZY_H
#define TC_BROKER_JOSE_LAZY_H

#include <jose/b64.h>
#include <jose/jwe.h>
#include <jose/jwk.h>

#include "trustchain/err.h"

#define TC_JOSE_SYMS(X)                                                                            \
    X(jose_b64_dec)                                                                                \
    X(jose_b64_enc)                                                                                \
    X(jose_jwe_dec_cek)                                                                            \
    X(jose_jwe_dec_jwk)                                                                            \
    X(jose_jwe_enc_cek)                                                                            \
    X(jose_jwe_enc_jwk)                                                                            \
    X(jose_jwe_hdr)                                                                                \
    X(jose_jwk_gen)

#define TC_LAZY_EXTERN_(f) extern __typeof__(f) *tc_lazy_##f;
TC_JOSE_SYMS(TC_LAZY_EXTERN_)
#undef TC_LAZY_EXTERN_

/* Load libjose; call before any jose_ function. */
TC_MUST_USE tc_err tc_jose_load(void);

#ifndef TC_JOSE_LAZY_IMPL
#define jose_b64_dec (*tc_lazy_jose_b64_dec)
#define jose_b64_enc (*tc_lazy_jose_b64_enc)
#define jose_jwe_dec_cek (*tc_lazy_jose_jwe_dec_cek)
#define jose_jwe_dec_jwk (*tc_lazy_jose_jwe_dec_jwk)
#define jose_jwe_enc_cek (*tc_lazy_jose_jwe_enc_cek)
#define jose_jwe_enc_jwk (*tc_lazy_jose_jwe_enc_jwk)
#define jose_jwe_hdr (*tc_lazy_jose_jwe_hdr)
#define jose_jwk_gen (*tc_lazy_jose_jwk_gen)
#endif

#endif
