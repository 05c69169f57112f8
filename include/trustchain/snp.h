/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD SEV-SNP attestation reports: parse, verify to the AMD root, appraise.
 *
 *   parse     tc_snp_report_parse / tc_snp_evidence_parse (report versions 2-5; Milan, Genoa,
 *             Turin; a bare report, a report followed by the GHCB certificate table, or the
 *             Azure HCL wrapper)
 *   verify    tc_snp_verify: ECDSA P-384 signature over the raw signed bytes 0x000..0x29F,
 *             VCEK->ASK->ARK or VLEK->ASVK->ARK (RSASSA-PSS), the ARK pinned by the SHA-256 of
 *             its public key, VCEK/VLEK extensions (TCB, hwID, productName), CRLs, validity at
 *             a given time; certificates from the caller, the report's table, or the KDS cache
 *   appraise  tc_snp_appraise: a JSON policy (floors and ceilings) -> more verdict checks
 *   claims    tc_snp_report_json: every field, typed, bits decoded by name
 *
 * Specifications: AMD SEV-SNP Firmware ABI (#56860) "ATTESTATION_REPORT Structure" table and
 * the TCB_VERSION, GUEST_POLICY and PLATFORM_INFO tables; AMD "Versioned Chip/Loaded Endorsement
 * Key Certificate and KDS Interface" (#57230); GHCB (#56421) MSG_REPORT_REQ certificate table.
 *
 * Ownership: a parsed report holds a private copy of the 1184 report bytes (the signature is
 * verified over that copy, never over a re-serialisation).  Evidence and certificate tables
 * borrow the caller's buffer (their pointers are valid while it lives).  Strings returned as
 * json_t are new references.  A tc_snp_cache is shared and thread-safe.
 */
#ifndef TRUSTCHAIN_SNP_H
#define TRUSTCHAIN_SNP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "trustchain/err.h"
#include "trustchain/verdict.h"

#define TC_SNP_REPORT_SIZE 0x4A0u /* 1184 */
#define TC_SNP_SIGNED_SIZE 0x2A0u /* the signature covers bytes 0x000..0x29F */
#define TC_SNP_CHIP_ID_SIZE 64u
#define TC_SNP_CERTTABLE_MAX 16u

enum tc_snp_product {
    TC_SNP_PRODUCT_UNKNOWN = 0,
    TC_SNP_PRODUCT_MILAN,
    TC_SNP_PRODUCT_GENOA,
    TC_SNP_PRODUCT_TURIN,
};

/* "Milan", "Genoa", "Turin" or "unknown". */
const char *tc_snp_product_name(enum tc_snp_product p);
/* Case-insensitive "milan"/"genoa"/"turin"; also accepts a productName such as "Milan-B0". */
TC_MUST_USE tc_err tc_snp_product_parse(const char *s, enum tc_snp_product *p);

/* SIGNING_KEY (report offset 0x48, bits 4:2). */
enum tc_snp_signer {
    TC_SNP_SIGNER_VCEK = 0,
    TC_SNP_SIGNER_VLEK = 1,
    TC_SNP_SIGNER_NONE = 7,
};

/*
 * TCB_VERSION: a u64 whose byte layout depends on the product.  Milan/Genoa: byte 0 boot loader,
 * 1 TEE, 2-5 reserved, 6 SNP, 7 microcode.  Turin: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP,
 * 4-6 reserved, 7 microcode.
 */
struct tc_snp_tcb {
    uint64_t raw;
    int turin; /* decoded with the Turin layout (has fmc) */
    uint8_t fmc, bootloader, tee, snp, microcode;
};

void tc_snp_tcb_decode(uint64_t raw, enum tc_snp_product p, struct tc_snp_tcb *t);
/* The reserved bytes of raw for that layout (0 when none is set). */
uint64_t tc_snp_tcb_reserved(const struct tc_snp_tcb *t);

/* GUEST_POLICY bits (ABI table "GUEST_POLICY Structure"). */
#define TC_SNP_POLICY_SMT (1ull << 16)
#define TC_SNP_POLICY_RESERVED1 (1ull << 17) /* must be 1 */
#define TC_SNP_POLICY_MIGRATE_MA (1ull << 18)
#define TC_SNP_POLICY_DEBUG (1ull << 19)
#define TC_SNP_POLICY_SINGLE_SOCKET (1ull << 20)
#define TC_SNP_POLICY_CXL_ALLOW (1ull << 21)
#define TC_SNP_POLICY_MEM_AES_256_XTS (1ull << 22)
#define TC_SNP_POLICY_RAPL_DIS (1ull << 23)
#define TC_SNP_POLICY_CIPHERTEXT_HIDING (1ull << 24)
#define TC_SNP_POLICY_PAGE_SWAP_DISABLE (1ull << 25)
#define TC_SNP_POLICY_KNOWN_MASK ((1ull << 26) - 1)

/* PLATFORM_INFO bits. */
#define TC_SNP_PLATFORM_SMT_EN (1ull << 0)
#define TC_SNP_PLATFORM_TSME_EN (1ull << 1)
#define TC_SNP_PLATFORM_ECC_EN (1ull << 2)
#define TC_SNP_PLATFORM_RAPL_DIS (1ull << 3)
#define TC_SNP_PLATFORM_CIPHERTEXT_HIDING_EN (1ull << 4)
#define TC_SNP_PLATFORM_ALIAS_CHECK_COMPLETE (1ull << 5)
#define TC_SNP_PLATFORM_TIO_EN (1ull << 7)
#define TC_SNP_PLATFORM_KNOWN_MASK 0xBFull /* bit 6 is reserved; unknown bits are shown */

struct tc_snp_report {
    uint8_t raw[TC_SNP_REPORT_SIZE]; /* exactly the bytes received */

    uint32_t version; /* 2..5 */
    uint32_t guest_svn;
    uint64_t policy;
    uint8_t family_id[16];
    uint8_t image_id[16];
    uint32_t vmpl;
    uint32_t sig_algo; /* 1 = ECDSA P-384 with SHA-384 */
    struct tc_snp_tcb current_tcb;
    uint64_t platform_info;
    uint32_t signer_info; /* 0x48: AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY */
    int author_key_en;
    int mask_chip_key;
    unsigned signing_key; /* enum tc_snp_signer values; 2..6 are rejected at parse */
    uint8_t report_data[64];
    uint8_t measurement[48];
    uint8_t host_data[32];
    uint8_t id_key_digest[48];
    uint8_t author_key_digest[48];
    uint8_t report_id[32];
    uint8_t report_id_ma[32];
    struct tc_snp_tcb reported_tcb;
    int has_cpuid; /* version >= 3 */
    uint8_t cpuid_family, cpuid_model, cpuid_stepping;
    uint8_t chip_id[TC_SNP_CHIP_ID_SIZE];
    struct tc_snp_tcb committed_tcb;
    uint8_t current_build, current_minor, current_major;
    uint8_t committed_build, committed_minor, committed_major;
    struct tc_snp_tcb launch_tcb;
    int has_mit_vectors; /* version >= 5 */
    uint64_t launch_mit_vector, current_mit_vector;
    const uint8_t *sig_r, *sig_s; /* 72-byte little-endian, point into raw */

    /*
     * Product: from CPUID (version >= 3); UNKNOWN for version 2 until tc_snp_verify binds a
     * certificate (then the TCB fields are re-decoded for it).  product_source says which.
     */
    enum tc_snp_product product;
    const char *product_source; /* "cpuid", "certificate" or NULL */
};

/* Parse exactly TC_SNP_REPORT_SIZE bytes (reserved fields must be zero; version 2..5). */
TC_MUST_USE tc_err tc_snp_report_parse(const uint8_t *p, size_t len, struct tc_snp_report *r);
/* 1 if CHIP_ID is all zero (MaskChipId set on the platform). */
int tc_snp_chip_id_masked(const struct tc_snp_report *r);

/* ---- the GHCB certificate table (extended report) ---- */

enum tc_snp_cert_kind {
    TC_SNP_CERT_UNKNOWN = 0,
    TC_SNP_CERT_VCEK,
    TC_SNP_CERT_VLEK,
    TC_SNP_CERT_ASK, /* the ASK GUID is also used for the ASVK */
    TC_SNP_CERT_ARK,
};

struct tc_snp_certtable_entry {
    uint8_t guid[16]; /* on-the-wire byte order */
    enum tc_snp_cert_kind kind;
    uint32_t offset; /* from the start of the table */
    const uint8_t *data;
    size_t len;
};

struct tc_snp_certtable {
    size_t n;
    struct tc_snp_certtable_entry e[TC_SNP_CERTTABLE_MAX];
};

/*
 * Entries {GUID, u32 offset, u32 length} ended by an all-zero entry, then the blobs.  Offsets
 * and lengths must lie inside the buffer and after the entries, blobs must not overlap, a known
 * GUID may appear once, and bytes after the last blob must be zero (page padding).
 */
TC_MUST_USE tc_err tc_snp_certtable_parse(const uint8_t *p, size_t len, struct tc_snp_certtable *t);
const char *tc_snp_cert_kind_name(enum tc_snp_cert_kind k);

/* ---- evidence containers ---- */

enum tc_snp_container {
    TC_SNP_CONTAINER_REPORT = 0,     /* 1184 bytes */
    TC_SNP_CONTAINER_EXTENDED,       /* report followed by a certificate table */
    TC_SNP_CONTAINER_AZURE_HCL,      /* "HCLA" header, report at 0x20, runtime data */
    TC_SNP_CONTAINER_MSG_REPORT_RSP, /* the firmware's MSG_REPORT_RSP: status, size, report at
                                        0x20, zero padding (the SNP_GET_REPORT ioctl buffer) */
};

struct tc_snp_evidence {
    enum tc_snp_container container;
    struct tc_snp_report report;
    struct tc_snp_certtable certs; /* n = 0 if none */
    /* Azure HCL: REPORT_DATA[0:hash size] = H(runtime_data) (hash_type 1 SHA-256, 2 SHA-384,
     * 3 SHA-512). */
    const uint8_t *hcl_runtime_data;
    size_t hcl_runtime_len;
    uint32_t hcl_hash_type;
    uint32_t hcl_report_type;
};

/* Detect the container and parse it; the evidence borrows p. */
TC_MUST_USE tc_err tc_snp_evidence_parse(const uint8_t *p, size_t len, struct tc_snp_evidence *ev);

/* The claims: every field, typed and decoded.  New reference or NULL (out of memory). */
json_t *tc_snp_report_json(const struct tc_snp_report *r);
/* The claims plus the container, certificate table entries and HCL data description. */
json_t *tc_snp_evidence_json(const struct tc_snp_evidence *ev);

/* ---- AMD Key Distribution Service (KDS) collateral ---- */

#define TC_SNP_KDS_URL "https://kdsintf.amd.com"

struct tc_snp_kds_opts {
    const char *base_url;  /* NULL: TC_SNP_KDS_URL (tests point it at a loopback server) */
    const char *cache_dir; /* NULL: no cache (see tc_snp_kds_default_cache_dir) */
    int offline;           /* 1: never use the network; only the cache */
    unsigned max_retries;  /* on HTTP 429/503; 0 means 4 */
    unsigned backoff_ms;   /* first back-off, doubled each retry (or Retry-After); 0 means 1000 */
    long timeout_s;        /* per request; 0 means 30 */
};

/* $XDG_CACHE_HOME/trustchain/amd, else $HOME/.cache/trustchain/amd. */
TC_MUST_USE tc_err tc_snp_kds_default_cache_dir(char *buf, size_t len);

/*
 * KDS paths (below the base URL; the cache mirrors them, the query folded into the name):
 *   vcek/v1/<Product>/<hwid>?blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..   (Milan, Genoa: 64-byte
 * hwid) vcek/v1/Turin/<hwid>?fmcSPL=..&blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..  (8-byte hwid)
 *   vcek/v1/<Product>/cert_chain   vlek/v1/<Product>/cert_chain   (PEM: ASK|ASVK then ARK)
 *   vcek/v1/<Product>/crl          vlek/v1/<Product>/crl          (DER)
 */
TC_MUST_USE tc_err tc_snp_kds_vcek_path(enum tc_snp_product p, const uint8_t chip_id[64],
                                        const struct tc_snp_tcb *tcb, char *buf, size_t len);
TC_MUST_USE tc_err tc_snp_kds_chain_path(enum tc_snp_product p, int vlek, char *buf, size_t len);
TC_MUST_USE tc_err tc_snp_kds_crl_path(enum tc_snp_product p, int vlek, char *buf, size_t len);
/* The cache file for a KDS path ("?" and "&" become "_"); NULL cache_dir is an error. */
TC_MUST_USE tc_err tc_snp_kds_cache_file(const struct tc_snp_kds_opts *o, const char *path,
                                         char *buf, size_t len);

#define TC_SNP_KDS_REFRESH 1 /* skip the cached copy (e.g. a CRL past its nextUpdate) */

/*
 * Get a KDS object: from the cache unless TC_SNP_KDS_REFRESH, else (unless offline) from the
 * network with libcurl, retrying with back-off on 429/503, then stored in the cache.
 * *data is allocated (free()).  TC_ERR_OFFLINE if offline and not cached, TC_ERR_NOT_FOUND on
 * 404, TC_ERR_NETWORK otherwise.
 */
TC_MUST_USE tc_err tc_snp_kds_get(const struct tc_snp_kds_opts *o, const char *path, int flags,
                                  uint8_t **data, size_t *len);

/* ---- verification ---- */

/* Certificates or CRLs in DER or PEM (a PEM blob may hold several). */
struct tc_snp_blob {
    const uint8_t *data;
    size_t len;
};

/* A root trusted in addition to AMD's pinned ARKs: SHA-256 of the DER SubjectPublicKeyInfo. */
struct tc_snp_anchor {
    enum tc_snp_product product;
    uint8_t spki_sha256[32];
};

/* The built-in AMD ARK pins (Milan, Genoa, Turin). */
const struct tc_snp_anchor *tc_snp_amd_anchors(size_t *n);
/* The anchor of a root certificate (DER or PEM; the first one): product from "ARK-<Product>". */
TC_MUST_USE tc_err tc_snp_anchor_from_cert(const uint8_t *data, size_t len,
                                           struct tc_snp_anchor *a);

struct tc_snp_cache; /* parsed certificates and verified signatures, shared between calls */

TC_MUST_USE tc_err tc_snp_cache_new(struct tc_snp_cache **c);
void tc_snp_cache_free(struct tc_snp_cache *c);

struct tc_snp_verify_opts {
    time_t at;                     /* the time of verification (validity windows, CRL freshness) */
    const struct tc_snp_blob *vek; /* the VCEK or VLEK certificate, or NULL */
    const struct tc_snp_blob *certs; /* more certificates (any of VEK/ASK/ASVK/ARK), any order */
    size_t n_certs;
    const struct tc_snp_certtable *certtable; /* from an extended report, or NULL */
    const struct tc_snp_blob *crls; /* CRLs to check (signed by the ARK or the ASK/ASVK) */
    size_t n_crls;
    int fetch_crl; /* 1: also get the product's CRL through kds (cache, then network) */
    const struct tc_snp_kds_opts *kds; /* where missing collateral comes from; NULL: nowhere */
    struct tc_snp_cache *cache;        /* NULL: verify everything from scratch */
    /*
     * Roots trusted in addition to AMD's built-in pins.  For tests and explicit configuration
     * only; never populated by default.
     */
    const struct tc_snp_anchor *extra_anchors;
    size_t n_extra_anchors;
};

/*
 * Verify a parsed report: signature, certificate chain, extensions, CRLs, validity at o->at.
 * Every check is added to v.  Returns TC_ERR_OK if every check passed, else the error of the
 * first failed check (class REJECTED), or a MALFORMED/IO error when an input (a certificate,
 * a CRL, missing collateral) could not be used; in that case v ends with a failed check
 * naming it.  Fills r->product (and re-decodes its TCBs) when the report alone did not say.
 */
TC_MUST_USE tc_err tc_snp_verify(struct tc_snp_report *r, const struct tc_snp_verify_opts *o,
                                 struct tc_verdict *v);

/*
 * tc_snp_verify for evidence: also uses its certificate table (unless o->certtable is set) and,
 * for Azure HCL, checks that REPORT_DATA binds the runtime data.
 */
TC_MUST_USE tc_err tc_snp_verify_evidence(struct tc_snp_evidence *ev,
                                          const struct tc_snp_verify_opts *o, struct tc_verdict *v);

/* ---- appraisal ---- */

/*
 * Appraise a (verified) report against a JSON policy; adds "policy.*" checks to v.
 * Keys (all optional; unknown keys are an error):
 *   measurement, id_key_digest, author_key_digest   hex string or array of hex strings (any of)
 *   host_data, report_data, family_id, image_id      hex (report_data may be shorter: zero-padded)
 *   chip_id                                          hex or array (64 bytes, or 8 on Turin)
 *   min_tcb, min_launch_tcb    {"fmc","bootloader","tee","snp","microcode"} floors; min_tcb
 *                              applies to the reported, committed and current TCB
 *   min_guest_svn, min_build   integers (floors; build: current and committed firmware)
 *   min_abi                    "major.minor" floor on the firmware ABI (current and committed)
 *   min_policy_abi             "major.minor" floor on the ABI the guest policy demands
 *   vmpl, max_vmpl             exact / ceiling
 *   allow_debug (false), allow_migration_agent (false), allow_smt (true), allow_cxl (true)
 *   require_single_socket, require_mem_aes_256_xts, require_rapl_disabled,
 *   require_ciphertext_hiding, require_page_swap_disabled, require_author_key   (false)
 *   platform_info              {"smt_enabled", "tsme_enabled", "ecc_enabled", "rapl_disabled",
 *                               "ciphertext_hiding_enabled", "alias_check_complete",
 *                               "tio_enabled": bool}   each required exactly
 *   permit_provisional_firmware  (false) committed TCB/version must equal current
 *   signer                     "vcek" | "vlek" | "any" (default)
 *   product                    "Milan" | "Genoa" | "Turin"
 *   min_launch_mit_vector, min_current_mit_vector   bit masks that must be set (v5)
 * Returns TC_ERR_OK if every check passed, TC_ERR_POLICY if one failed, TC_ERR_JSON if the
 * policy is invalid (no check is added then).
 */
TC_MUST_USE tc_err tc_snp_appraise(const struct tc_snp_report *r, const json_t *policy,
                                   struct tc_verdict *v);
/* Validate a policy without a report (e.g. when a service loads it). */
TC_MUST_USE tc_err tc_snp_policy_validate(const json_t *policy);

#endif
