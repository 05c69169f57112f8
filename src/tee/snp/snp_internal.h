/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP internals shared by report.c, certs.c, verify.c, kds.c and claims.c. */
#ifndef TC_TEE_SNP_INTERNAL_H
#define TC_TEE_SNP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "trustchain/snp.h"

enum tc_snp_product tc_snp_product_from_cpuid(uint8_t family, uint8_t model);
/* Set the product and re-decode the report's four TCB fields for its layout. */
void tc_snp_report_set_product(struct tc_snp_report *r, enum tc_snp_product p, const char *source);

/* What a certificate is, from its subject and AMD extensions (VCEK spec #57230). */
enum snp_role {
    SNP_ROLE_OTHER = 0,
    SNP_ROLE_ARK,  /* CN "ARK-<Product>", self-issued */
    SNP_ROLE_ASK,  /* CN "SEV-<Product>" */
    SNP_ROLE_ASVK, /* CN "SEV-VLEK-<Product>" */
    SNP_ROLE_VCEK, /* CN "SEV-VCEK", hwID extension */
    SNP_ROLE_VLEK, /* CN "SEV-VLEK", csp_id extension */
};

const char *snp_role_name(enum snp_role r);

/* The AMD X.509 extensions of a VCEK/VLEK (OID arc 1.3.6.1.4.1.3704.1). */
struct snp_vek_ext {
    int has_struct_version;
    long struct_version;
    char product_name[32]; /* "" if absent */
    int has_spl[10];       /* index k: 1.3.6.1.4.1.3704.1.3.k (1 bl, 2 tee, 3 snp, 4-7 reserved,
                              8 ucode, 9 fmc) */
    uint8_t spl[10];
    size_t hwid_len; /* 0 (absent), 8 (Turin) or 64 */
    uint8_t hwid[64];
    char csp_id[128]; /* VLEK: "" if absent */
};

/* A parsed certificate (refcounted so the cache and a verification can share it). */
struct snp_cert {
    X509 *x;
    EVP_PKEY *pub; /* borrowed from x */
    uint8_t der_sha256[32];
    uint8_t spki_sha256[32];
    enum snp_role role;
    enum tc_snp_product product; /* from the CN (ARK/ASK/ASVK) or productName (VEK) */
    char cn[64];
    struct snp_vek_ext ext; /* VCEK/VLEK only */
    int refs;
};

/* Parse one DER certificate (the bytes are copied).  TC_ERR_MALFORMED if it is not X.509 or an
 * AMD extension is malformed. */
TC_MUST_USE tc_err snp_cert_from_der(const uint8_t *der, size_t len, struct snp_cert **out);
void snp_cert_put(struct snp_cert *c);
struct snp_cert *snp_cert_get(struct snp_cert *c);

/* Parse the AMD extensions of a certificate into e (exposed for tests). */
TC_MUST_USE tc_err snp_vek_ext_parse(X509 *x, struct snp_vek_ext *e);

/*
 * Split a blob into DER items: PEM (one or more "-----BEGIN <label>-----" blocks), one DER
 * object, or (label "CERTIFICATE") Azure's THIM JSON {"vcekCert", "certificateChain"} of PEM.
 * cb is called for each with its DER bytes; a malformed blob is TC_ERR_MALFORMED (TC_ERR_JSON).
 */
typedef tc_err (*snp_der_cb)(void *arg, const uint8_t *der, size_t len);
TC_MUST_USE tc_err snp_blob_foreach(const uint8_t *data, size_t len, const char *label,
                                    snp_der_cb cb, void *arg);

#endif
