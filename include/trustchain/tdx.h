/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel TDX: DCAP quotes (v4 and v5), TDREPORTs, Intel collateral (TCB info,
 * QE identity, CRLs), verification to the Intel SGX Root CA with TCB status,
 * policy appraisal, and the expected MRTD of a TDVF firmware image.
 *
 * Stages stay apart and are usable alone:
 *   tc_tdx_quote_parse      bytes -> struct tc_tdx_quote (no crypto)
 *   tc_tdx_verify           signatures, PCK chain, CRLs, collateral, TCB status -> verdict
 *   tc_tdx_appraise         quote claims against a JSON policy -> verdict
 *   tc_tdx_quote_json       the claims, for machines
 *
 * Ownership: a parsed quote borrows the bytes it was parsed from (they must
 * outlive it).  A collateral object owns everything it holds; free it with
 * tc_tdx_collateral_free.  Verdicts are owned by the caller (verdict.h).
 * Time is always an input (opts->at); the library never reads the clock.
 */
#ifndef TRUSTCHAIN_TDX_H
#define TRUSTCHAIN_TDX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "trustchain/err.h"
#include "trustchain/verdict.h"

/* Hard caps on inputs (a reader never needs more). */
#define TC_TDX_QUOTE_MAX ((size_t)1 << 20)
#define TC_TDX_COLLATERAL_MAX ((size_t)4 << 20)

#define TC_TDX_TEE_TYPE 0x81u        /* header.tee_type of a TDX quote */
#define TC_TDX_ATT_KEY_ECDSA_P256 2u /* header.att_key_type */
#define TC_TDX_BODY_TD10 2u          /* v5 body type: TD report, TDX 1.0 (584 bytes) */
#define TC_TDX_BODY_TD15 3u          /* v5 body type: TD report, TDX 1.5 (648 bytes) */
#define TC_TDX_CERT_PCK_CHAIN 5u     /* certification data: PCK certificate chain */
#define TC_TDX_CERT_QE_REPORT 6u     /* certification data: QE report + nested data */

/* The TD report carried in a quote body (TDX DCAP Quoting Library API, A.3.2 / A.4.2). */
struct tc_tdx_td_report {
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[48];
    uint8_t mrsignerseam[48];
    uint8_t seam_attributes[8];
    uint8_t td_attributes[8];
    uint8_t xfam[8];
    uint8_t mrtd[48];
    uint8_t mrconfigid[48];
    uint8_t mrowner[48];
    uint8_t mrownerconfig[48];
    uint8_t rtmr[4][48];
    uint8_t report_data[64];
    int is_v15; /* body type 3 (TDX 1.5): the two fields below are present */
    uint8_t tee_tcb_svn2[16];
    uint8_t mrservicetd[48];
};

/* TDATTRIBUTES bit 0: the TD is debuggable (TDX module spec, TD_PARAMS.ATTRIBUTES). */
#define TC_TDX_TD_ATTR_DEBUG 0x1u

/* The QE report: an SGX REPORT_BODY (SGX SDK sgx_report_body_t, 384 bytes). */
struct tc_tdx_qe_report {
    uint8_t cpusvn[16];
    uint8_t miscselect[4]; /* raw bytes (little-endian u32) */
    uint8_t isv_ext_prod_id[16];
    uint8_t attributes[16];
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
    uint8_t config_id[64];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint16_t config_svn;
    uint8_t isv_family_id[16];
    uint8_t report_data[64];
    const uint8_t *raw; /* the 384 signed bytes, inside the quote buffer */
};

struct tc_tdx_quote {
    /* header (48 bytes) */
    uint16_t version; /* 4 or 5 */
    uint16_t att_key_type;
    uint32_t tee_type;
    uint8_t qe_vendor_id[16];
    uint8_t user_data[20];
    /* body */
    uint16_t body_type; /* v5: from the body descriptor; v4: TC_TDX_BODY_TD10 */
    uint32_t body_size;
    struct tc_tdx_td_report td;
    /* what the attestation key signed: header (+ v5 descriptor) + body, in the buffer */
    const uint8_t *signed_data;
    size_t signed_len;
    /* signature data */
    uint8_t signature[64]; /* r || s, big-endian */
    uint8_t att_key[64];   /* x || y, big-endian */
    uint16_t cert_type;    /* outer certification data type (6) */
    struct tc_tdx_qe_report qe;
    uint8_t qe_report_sig[64];
    const uint8_t *qe_auth;
    size_t qe_auth_len;
    uint16_t pck_cert_type;   /* nested certification data type (5 = PCK chain) */
    const uint8_t *pck_chain; /* PEM text, or concatenated DER certificates */
    size_t pck_chain_len;
    size_t quote_len; /* bytes used by the quote */
    size_t trailing;  /* bytes after it, tolerated (real quotes carry padding) */
};

/*
 * Parse a v4 or v5 TDX quote.  q borrows raw.  Trailing bytes after the
 * signature data are tolerated and counted in q->trailing.  Errors:
 * TC_ERR_TRUNCATED, TC_ERR_VERSION, TC_ERR_UNSUPPORTED (not TDX / not ECDSA-P256),
 * TC_ERR_RESERVED, TC_ERR_MALFORMED (inconsistent sizes).
 */
TC_MUST_USE tc_err tc_tdx_quote_parse(const uint8_t *raw, size_t len, struct tc_tdx_quote *q);

/* The quote's claims as JSON (hex fields); NULL on allocation failure. */
json_t *tc_tdx_quote_json(const struct tc_tdx_quote *q);

/* ---- TDREPORT_STRUCT (TDX module ABI, TDREPORT_STRUCT, 1024 bytes) ---- */

struct tc_tdx_tdreport {
    uint8_t report_type[4]; /* type 0x81, subtype, version, reserved */
    uint8_t cpusvn[16];
    uint8_t tee_tcb_info_hash[48];
    uint8_t tee_info_hash[48];
    uint8_t report_data[64];
    uint8_t mac[32];
    /* TEE_TCB_INFO (239 bytes at 256) */
    uint8_t valid[8];
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[48];
    uint8_t mrsignerseam[48];
    uint8_t seam_attributes[8];
    uint8_t tee_tcb_svn2[16];
    /* TDINFO (512 bytes at 512) */
    uint8_t td_attributes[8];
    uint8_t xfam[8];
    uint8_t mrtd[48];
    uint8_t mrconfigid[48];
    uint8_t mrowner[48];
    uint8_t mrownerconfig[48];
    uint8_t rtmr[4][48];
    uint8_t servtd_hash[48];
    const uint8_t *raw; /* 1024 bytes, borrowed */
};

#define TC_TDX_TDREPORT_SIZE 1024

TC_MUST_USE tc_err tc_tdx_tdreport_parse(const uint8_t *raw, size_t len, struct tc_tdx_tdreport *r);
/*
 * Check the internal hashes: SHA-384(TEE_TCB_INFO) = TEE_TCB_INFO_HASH and
 * SHA-384(TDINFO) = TEE_INFO_HASH.  Adds checks to v.  (The MAC can only be
 * checked on the platform that made the report.)
 */
TC_MUST_USE tc_err tc_tdx_tdreport_check(const struct tc_tdx_tdreport *r, struct tc_verdict *v);
json_t *tc_tdx_tdreport_json(const struct tc_tdx_tdreport *r);

/* ---- TCB status (Intel PCS TCB info v3, QVL status names) ---- */

enum tc_tdx_tcb_status {
    TC_TDX_TCB_UP_TO_DATE,
    TC_TDX_TCB_SW_HARDENING_NEEDED,
    TC_TDX_TCB_CONFIGURATION_NEEDED,
    TC_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED,
    TC_TDX_TCB_OUT_OF_DATE,
    TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED,
    TC_TDX_TCB_TD_RELAUNCH_ADVISED,
    TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED,
    TC_TDX_TCB_REVOKED,
    TC_TDX_TCB_NOT_SUPPORTED, /* no TCB level matches the platform */
    TC_TDX_TCB_COUNT_
};

#define TC_TDX_TCB_BIT(s) (1u << (unsigned)(s))
/* Default accepted set when none is given. */
#define TC_TDX_TCB_DEFAULT_ACCEPT TC_TDX_TCB_BIT(TC_TDX_TCB_UP_TO_DATE)

/* "UpToDate", "OutOfDate", ... (Intel's spelling); never NULL. */
const char *tc_tdx_tcb_status_name(enum tc_tdx_tcb_status s);
/* Intel's spelling -> enum; TC_ERR_ENCODING if unknown. */
TC_MUST_USE tc_err tc_tdx_tcb_status_parse(const char *name, enum tc_tdx_tcb_status *s);

/* ---- collateral ---- */

/*
 * Parsed Intel collateral for one platform (FMSPC): TCB info, QE identity,
 * their issuer chains, the root and PCK CRLs.  Each piece keeps its raw signed
 * bytes.  The object also memoises what does not depend on time (signatures,
 * chains, PCK chains already seen) so verifying many quotes against the same
 * collateral costs two ECDSA verifications each.  Thread-safe.
 */
struct tc_tdx_collateral;

/*
 * dcap-qvl QuoteCollateralV3 JSON: {"pck_crl_issuer_chain", "root_ca_crl" (hex DER),
 * "pck_crl" (hex DER), "tcb_info_issuer_chain", "tcb_info" (the signed JSON text),
 * "tcb_info_signature" (hex r||s), "qe_identity_issuer_chain", "qe_identity",
 * "qe_identity_signature"}.  "tcb_info"/"qe_identity" may also be a whole PCS
 * response body ({"tcbInfo":...,"signature":...}).  Only the TCB info and its
 * chain are required.
 */
TC_MUST_USE tc_err tc_tdx_collateral_parse_json(const uint8_t *json, size_t len,
                                                struct tc_tdx_collateral **out);

/*
 * A folder of PCS responses: tcb_info.json, qe_identity.json (response bodies),
 * tcb_signing_chain.pem (TCB-Info-Issuer-Chain), pck_crl.der, root_crl.der,
 * pck_crl_chain.pem, qe_identity_chain.pem.  Only tcb_info.json and
 * tcb_signing_chain.pem are required; the verdict says what was absent.
 */
TC_MUST_USE tc_err tc_tdx_collateral_load_dir(const char *dir, struct tc_tdx_collateral **out);

void tc_tdx_collateral_free(struct tc_tdx_collateral *c);

/* FMSPC the TCB info is for (6 bytes); 0 if absent. */
int tc_tdx_collateral_fmspc(const struct tc_tdx_collateral *c, uint8_t fmspc[6]);

/*
 * Fetch collateral for a quote from an Intel PCS or PCCS (libcurl), with an
 * on-disk cache in the --collateral-dir layout (<cache_dir>/<fmspc>-<ca>/).
 * A cached set still valid at `at` is used without the network.  offline:
 * never touch the network (TC_ERR_OFFLINE if the cache cannot serve).
 */
struct tc_tdx_fetch_opts {
    const char *pcs_url;   /* NULL: https://api.trustedservices.intel.com */
    const char *cache_dir; /* NULL: no cache */
    int offline;
    time_t at;
    long timeout_s; /* 0: 30 s */
};

TC_MUST_USE tc_err tc_tdx_collateral_fetch(const struct tc_tdx_quote *q,
                                           const struct tc_tdx_fetch_opts *o,
                                           struct tc_tdx_collateral **out);

/* ---- verification ---- */

/* An uncompressed P-256 public key: 0x04 || X || Y. */
typedef uint8_t tc_tdx_root_key[65];

/* The pinned Intel SGX Root CA public key (the one DCAP's QvE hard-codes). */
extern const tc_tdx_root_key tc_tdx_intel_root_key;

/* The public key of the last (root) certificate of PEM/DER certificates, for extra_roots. */
TC_MUST_USE tc_err tc_tdx_root_key_from_pem(const uint8_t *pem, size_t len, tc_tdx_root_key out);

struct tc_tdx_verify_opts {
    time_t at; /* time of verification (certificates, CRLs, collateral windows) */
    struct tc_tdx_collateral *collateral; /* borrowed; NULL: no TCB evaluation */
    /*
     * Additional pinned root keys.  For tests and explicit configuration only:
     * a quote chaining to one of these is marked as such in the verdict.
     */
    const tc_tdx_root_key *extra_roots;
    size_t n_extra_roots;
    uint32_t accept_tcb;    /* TC_TDX_TCB_BIT mask; 0 = TC_TDX_TCB_DEFAULT_ACCEPT */
    int require_collateral; /* 1: no collateral is a failure (else the TCB checks are skipped) */
};

#define TC_TDX_MAX_ADVISORIES 64

/* What verification learnt, for appraisal and for the key broker. */
struct tc_tdx_result {
    int pck_ok; /* PCK extensions were read */
    uint8_t fmspc[6];
    uint8_t pce_id[2];
    uint8_t cpusvn[16];
    uint8_t sgx_comp_svn[16];
    uint16_t pce_svn;
    char pck_ca[16];   /* "platform" or "processor" */
    int root_is_intel; /* 1: chained to the Intel root; 0: to an extra (test) root */

    int tcb_evaluated;                      /* 1: collateral was applied and a status computed */
    enum tc_tdx_tcb_status tcb_status;      /* the merged status */
    enum tc_tdx_tcb_status platform_status; /* the matched TDX TCB level's own status */
    int module_evaluated;
    enum tc_tdx_tcb_status module_status;
    int qe_evaluated;
    enum tc_tdx_tcb_status qe_status;
    char tcb_date[32];
    uint32_t tcb_eval_number;
    size_t n_advisories;
    char advisories[TC_TDX_MAX_ADVISORIES][32];
};

/*
 * Verify a parsed quote: QE vendor, attestation-key signature over the signed
 * bytes, QE report signature with the PCK key, QE report-data binding, the
 * PCK chain to a pinned root, CRLs, and (with collateral) TCB info and QE
 * identity signatures, chains and windows, FMSPC/PCE-ID, TDX module identity
 * and the TCB status per Intel's algorithm.  Every check is added to v; res
 * (may be NULL) receives the TCB result.  Returns TC_ERR_OK if the verdict is
 * accepted, else the error of its first failure (TC_ERR_NOMEM etc. on
 * internal failure).
 */
TC_MUST_USE tc_err tc_tdx_verify(const struct tc_tdx_quote *q, const struct tc_tdx_verify_opts *o,
                                 struct tc_tdx_result *res, struct tc_verdict *v);

/* The result as JSON (fmspc, tcb status, advisories, ...). */
json_t *tc_tdx_result_json(const struct tc_tdx_result *r);

/* ---- policy appraisal (src/appraise/tdx_policy.c) ---- */

/*
 * Policy (JSON object; every member optional):
 *   "mrtd", "rtmr0".."rtmr3", "mrconfigid", "mrowner", "mrownerconfig", "mrseam",
 *   "mrsignerseam", "mrservicetd", "report_data", "xfam", "td_attributes":
 *       hex string, or an array of hex strings (any one matches)
 *   "td_attributes_mask": hex (8 bytes) applied before comparing td_attributes
 *   "allow_debug": bool (default false: TDATTRIBUTES.DEBUG must be clear)
 *   "accepted_tcb_statuses": ["UpToDate", "SWHardeningNeeded", ...]
 *   "min_tee_tcb_svn": hex (16 bytes), compared component by component
 *   "require_tcb": bool (default true when accepted_tcb_statuses is given)
 * Unknown members are an error (TC_ERR_USAGE), so a typo is never ignored.
 */
TC_MUST_USE tc_err tc_tdx_policy_validate(const json_t *policy);
/* The accepted TCB statuses of a policy as a mask (TC_TDX_TCB_DEFAULT_ACCEPT if absent). */
TC_MUST_USE tc_err tc_tdx_policy_tcb_mask(const json_t *policy, uint32_t *mask);
/*
 * Appraise the quote's claims (and, if res is not NULL, the verification
 * result) against the policy; adds "policy.*" checks to v.  Returns TC_ERR_OK
 * if no policy check failed, else the error of the first failed one.
 */
TC_MUST_USE tc_err tc_tdx_appraise(const struct tc_tdx_quote *q, const struct tc_tdx_result *res,
                                   const json_t *policy, struct tc_verdict *v);

/* ---- expected values: MRTD from TDVF metadata (src/measure/tdvf.c) ---- */

/* TDVF metadata section types and attributes (TDVF design guide, 11.2). */
enum tc_tdvf_section_type {
    TC_TDVF_BFV = 0,
    TC_TDVF_CFV = 1,
    TC_TDVF_TD_HOB = 2,
    TC_TDVF_TEMP_MEM = 3,
    TC_TDVF_PERM_MEM = 4,
    TC_TDVF_PAYLOAD = 5,
    TC_TDVF_PAYLOAD_PARAM = 6,
    TC_TDVF_TD_INFO = 7,
};
#define TC_TDVF_ATTR_MR_EXTEND 0x1u
#define TC_TDVF_ATTR_PAGE_AUG 0x2u
#define TC_TDVF_MAX_SECTIONS 64

struct tc_tdvf_section {
    uint32_t data_offset;
    uint32_t raw_size;
    uint64_t gpa;
    uint64_t mem_size;
    uint32_t type;
    uint32_t attributes;
};

struct tc_tdvf_metadata {
    size_t offset; /* of the "TDVF" descriptor in the image */
    uint32_t version;
    size_t n;
    struct tc_tdvf_section s[TC_TDVF_MAX_SECTIONS];
};

/* Find (footer GUID table, TC_GUID_TDX_METADATA) and parse the TDVF metadata. */
TC_MUST_USE tc_err tc_tdvf_metadata_parse(const uint8_t *fw, size_t len,
                                          struct tc_tdvf_metadata *m);
const char *tc_tdvf_section_type_name(uint32_t type);

/*
 * The order of TDH.MEM.PAGE.ADD and TDH.MR.EXTEND seen in the field:
 *   PER_PAGE: for each page, ADD then EXTEND its 16 chunks (upstream Linux KVM
 *             KVM_TDX_INIT_MEM_REGION; the default)
 *   TWO_PASS: for each section, ADD every page, then EXTEND every chunk
 *             (QEMU/KVM trees such as Ubuntu's 8.2.2 TDX build)
 */
enum tc_tdx_mrtd_order {
    TC_TDX_MRTD_PER_PAGE = 0,
    TC_TDX_MRTD_TWO_PASS = 1,
};

TC_MUST_USE tc_err tc_tdx_mrtd(const uint8_t *fw, size_t len, enum tc_tdx_mrtd_order order,
                               uint8_t mrtd[48]);

#endif
