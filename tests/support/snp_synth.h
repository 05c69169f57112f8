/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic SEV-SNP evidence for tests (never for production): an ARK/ASK/VCEK (or ASVK/VLEK)
 * chain made with TEST keys (RSA-PSS for ARK/ASK/ASVK, P-384 for the VCEK/VLEK, with the AMD
 * X.509 extensions), and attestation reports of any version signed by it.
 *
 * Typical use (e.g. a key broker's loopback test):
 *
 *     struct snp_synth_chain *c;
 *     struct snp_synth_report ro;
 *     uint8_t report[TC_SNP_REPORT_SIZE];
 *     struct tc_snp_anchor anchor;
 *
 *     snp_synth_chain_new(NULL, &c);              // a Milan VCEK chain with defaults
 *     snp_synth_report_init(c, &ro);              // fields consistent with the chain
 *     memcpy(ro.report_data, my_binding, 64);
 *     snp_synth_report_sign(c, &ro, report);
 *     snp_synth_anchor(c, &anchor);               // opts.extra_anchors = &anchor, n = 1
 *     snp_synth_chain_pem(c, &pem, &pem_len);     // or snp_synth_certtable(...)
 *
 * The synthetic ARK is trusted only when passed explicitly as an extra anchor.
 * Ownership: the chain owns its keys and certificates; *_pem/_certtable/_crl outputs are
 * malloc'd (free()).
 */
#ifndef TC_TESTS_SNP_SYNTH_H
#define TC_TESTS_SNP_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "trustchain/snp.h"

/* The TCB components of a TCB_VERSION (fmc used on Turin only). */
struct snp_synth_tcb {
    uint8_t fmc, bootloader, tee, snp, microcode;
};

/* Raw TCB_VERSION for a product's layout. */
uint64_t snp_synth_tcb_raw(enum tc_snp_product p, const struct snp_synth_tcb *t);

struct snp_synth_opts {
    enum tc_snp_product product; /* UNKNOWN means Milan */
    int vlek;                    /* VLEK under an ASVK instead of a VCEK under an ASK */
    struct snp_synth_tcb tcb;    /* the VEK's SPL extensions; all zero = product defaults */
    uint8_t chip_id[64];         /* the VCEK hwID; all zero = a fixed pattern (8 bytes on Turin) */
    time_t vek_not_before, vek_not_after; /* 0: 2024-01-01 .. 2031-01-01 */
    time_t ca_not_before, ca_not_after;   /* ASK/ASVK and ARK; 0: 2020-01-01 .. 2045-01-01 */

    /* Mutations for negative tests (all 0 by default). */
    const char *product_name;     /* the VEK productName; NULL: the product's; "": omitted */
    int omit_hwid;                /* VCEK without hwID */
    int hwid_len;                 /* 0: 64 (8 on Turin) */
    int hwid_wrapped;             /* hwID as a DER OCTET STRING (the "new" form) */
    int omit_spl;                 /* omit SPL extension k (1..9) */
    int vek_signed_by_other;      /* VEK signed by an unrelated RSA key (issuer name kept) */
    int ask_signed_by_other;      /* ASK signed by an unrelated RSA key */
    int ark_signed_by_other;      /* ARK "self-signature" by an unrelated key */
    int vek_pkcs1;                /* VEK signed with RSA PKCS#1 v1.5 instead of PSS */
    int vek_pss_salt;             /* VEK signed with this PSS salt length (0: AMD's 48) */
    int ask_pss_sha256;           /* ASK signed with PSS SHA-256 / MGF1-SHA-256 */
    int crl_pss_salt;             /* CRLs signed with this PSS salt length (0: 48) */
    int vek_p256;                 /* VEK key on P-256 */
    int ask_not_ca;               /* ASK without basicConstraints CA */
    int vek_critical_ext;         /* VEK with an unknown critical extension */
    int vek_issued_by_wrong_role; /* VCEK issued under the ASVK name (or VLEK under the ASK) */
    long ask_serial;              /* 0: 0x010001-like per product */
};

struct snp_synth_chain; /* opaque */

TC_MUST_USE tc_err snp_synth_chain_new(const struct snp_synth_opts *o, struct snp_synth_chain **c);
void snp_synth_chain_free(struct snp_synth_chain *c);

enum tc_snp_product snp_synth_product(const struct snp_synth_chain *c);
int snp_synth_is_vlek(const struct snp_synth_chain *c);
/* The VEK's TCB and hwID (CHIP_ID) as used in its certificate. */
const struct snp_synth_tcb *snp_synth_chain_tcb(const struct snp_synth_chain *c);
const uint8_t *snp_synth_chain_chip_id(const struct snp_synth_chain *c);
/* The VEK signing key (to sign reports by hand) and the ASK/ASVK serial number. */
EVP_PKEY *snp_synth_vek_key(const struct snp_synth_chain *c);
long snp_synth_ask_serial(const struct snp_synth_chain *c);

enum snp_synth_cert { SNP_SYNTH_VEK = 1, SNP_SYNTH_ASK = 2, SNP_SYNTH_ARK = 4 };

/* DER of one certificate (owned by the chain). */
void snp_synth_der(const struct snp_synth_chain *c, enum snp_synth_cert which, const uint8_t **der,
                   size_t *len);
/* PEM bundle of the certificates in mask (VEK, then ASK, then ARK). */
TC_MUST_USE tc_err snp_synth_pem(const struct snp_synth_chain *c, unsigned mask, char **pem,
                                 size_t *len);
/* PEM of VEK + ASK + ARK. */
TC_MUST_USE tc_err snp_synth_chain_pem(const struct snp_synth_chain *c, char **pem, size_t *len);
/* A GHCB certificate table (VCEK or VLEK, ASK, ARK entries; page padded to pad bytes if
 * pad > 0). */
TC_MUST_USE tc_err snp_synth_certtable(const struct snp_synth_chain *c, size_t pad, uint8_t **out,
                                       size_t *len);
/* The chain's ARK as an extra trust anchor for tc_snp_verify_opts. */
void snp_synth_anchor(const struct snp_synth_chain *c, struct tc_snp_anchor *a);

/* A CRL signed by the ARK (by_ask = 0) or the ASK (1), revoking these serials. */
TC_MUST_USE tc_err snp_synth_crl(const struct snp_synth_chain *c, int by_ask, const long *serials,
                                 size_t n, time_t this_update, time_t next_update, uint8_t **der,
                                 size_t *len);

/* Report fields; snp_synth_report_init fills them consistently with the chain. */
struct snp_synth_report {
    uint32_t version; /* default 3 (5 on Turin) */
    uint32_t guest_svn;
    uint64_t policy; /* default 0x30000: SMT allowed, reserved bit 17 */
    uint8_t family_id[16], image_id[16];
    uint32_t vmpl;
    uint32_t sig_algo;                                             /* default 1 */
    uint64_t current_tcb, reported_tcb, committed_tcb, launch_tcb; /* raw; default the chain's */
    uint64_t platform_info;
    uint32_t signer_info; /* default SIGNING_KEY of the chain (VCEK 0, VLEK 1) */
    uint8_t report_data[64], measurement[48], host_data[32];
    uint8_t id_key_digest[48], author_key_digest[48], report_id[32], report_id_ma[32];
    uint8_t cpuid_family, cpuid_model, cpuid_stepping; /* v3+; default the product's */
    uint8_t chip_id[64];                               /* default the chain's hwID */
    uint8_t current_build, current_minor, current_major;
    uint8_t committed_build, committed_minor, committed_major;
    uint64_t launch_mit_vector, current_mit_vector; /* v5 */
};

void snp_synth_report_init(const struct snp_synth_chain *c, struct snp_synth_report *r);
/* Serialise r and sign bytes 0x000..0x29F with the chain's VEK (r/s little-endian). */
TC_MUST_USE tc_err snp_synth_report_sign(const struct snp_synth_chain *c,
                                         const struct snp_synth_report *r,
                                         uint8_t out[TC_SNP_REPORT_SIZE]);
/* Re-sign raw bytes in place (after a test changed the signed area). */
TC_MUST_USE tc_err snp_synth_resign(const struct snp_synth_chain *c,
                                    uint8_t raw[TC_SNP_REPORT_SIZE]);

/* 2025-06-01T00:00:00Z: inside every default validity window. */
#define SNP_SYNTH_NOW ((time_t)1748736000)

#endif
