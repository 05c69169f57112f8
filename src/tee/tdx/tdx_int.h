/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to src/tee/tdx: certificates, PCK extensions, parsed collateral, memoised checks. */
#ifndef TC_TEE_TDX_INT_H
#define TC_TEE_TDX_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "core/ossl.h"
#include "core/reader.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"
#include "trustchain/verdict.h"

/* ---- JSON helpers (quote.c) ---- */
json_t *tc_tdx_hex_json(const uint8_t *p, size_t n);
int tc_tdx_json_set_hex(json_t *o, const char *k, const uint8_t *p, size_t n);
json_t *tc_tdx_td_report_json(const struct tc_tdx_td_report *td);
TC_MUST_USE tc_err tc_tdx_qe_report_read(struct tc_reader *r, struct tc_tdx_qe_report *qe);

/* ---- certificates (pck.c) ---- */

#define TDX_CHAIN_MAX 4

/* A certificate chain ordered leaf first, root last (owned certificates). */
struct tdx_chain {
    size_t n;
    X509 *c[TDX_CHAIN_MAX];
};

/*
 * Parse PEM certificates, or concatenated DER certificates (the form in
 * Intel's QVL sample quote), and order them leaf -> root by issuer names
 * (the input order is not trusted: QVL's sample puts the root first).
 */
TC_MUST_USE tc_err tdx_chain_parse(const uint8_t *p, size_t n, struct tdx_chain *ch);
void tdx_chain_free(struct tdx_chain *ch);

/* ASN1_TIME -> time_t (UTC). */
TC_MUST_USE tc_err tdx_asn1_time(const ASN1_TIME *t, time_t *out);
/* The 65-byte uncompressed point of an EC P-256 key. */
TC_MUST_USE tc_err tdx_pkey_raw(EVP_PKEY *k, uint8_t out[65]);
/* An EVP_PKEY from a raw 64-byte x||y P-256 point (quote attestation key). */
TC_MUST_USE tc_err tdx_pkey_from_xy(const uint8_t xy[64], EVP_PKEY **out);
/* The CN of a name, into buf ("" if none). */
const char *tdx_cn(const X509_NAME *n, char *buf, size_t len);

/* SGX extensions of a PCK certificate (Intel PCK Certificate and CRL Profile, 1.3.5). */
struct tdx_pck_ext {
    uint8_t ppid[16];
    uint8_t comp_svn[16];
    uint16_t pce_svn;
    uint8_t cpusvn[16];
    uint8_t pce_id[2];
    uint8_t fmspc[6];
    int sgx_type;
};

TC_MUST_USE tc_err tdx_pck_ext_parse(X509 *leaf, struct tdx_pck_ext *ext);
/* The same from the DER value of the extension (for the fuzzer). */
TC_MUST_USE tc_err tdx_pck_ext_parse_der(const uint8_t *p, size_t n, struct tdx_pck_ext *ext);

/* ---- memoised, time-independent checks plus validity windows ---- */

struct tdx_window {
    const char *label; /* static string: "PCK leaf certificate", ... */
    time_t nb, na;
    int has_na;
};

#define TDX_WINDOWS_MAX 6
#define TDX_GROUPS_MAX 8

struct tdx_wgroup {
    char name[48];
    size_t n;
    struct tdx_window w[TDX_WINDOWS_MAX];
};

/* A part: checks that do not depend on time, then windows checked at `at`. */
struct tdx_part {
    struct tc_verdict checks;
    size_t ng;
    struct tdx_wgroup g[TDX_GROUPS_MAX];
};

void tdx_part_init(struct tdx_part *p);
void tdx_part_free(struct tdx_part *p);
struct tdx_wgroup *tdx_part_group(struct tdx_part *p, const char *name);
void tdx_wgroup_add(struct tdx_wgroup *g, const char *label, time_t nb, time_t na, int has_na);
/* Append the part's checks, then one check per window group evaluated at `at`. */
TC_MUST_USE tc_err tdx_part_emit(const struct tdx_part *p, time_t at, struct tc_verdict *v);

/* Pinned root keys: the Intel root plus explicit extras. */
struct tdx_roots {
    const tc_tdx_root_key *extra;
    size_t n_extra;
};

/*
 * Evaluate a chain: root pinned, each link's signature, path rules (OpenSSL,
 * without time), windows.  Adds "<prefix>.format", "<prefix>.root",
 * "<prefix>.signatures", "<prefix>.path" checks and a "<prefix>.validity"
 * group.  *ok = 1 if every check passed.  *intel = 1 if pinned to Intel's root.
 */
TC_MUST_USE tc_err tdx_chain_eval(const struct tdx_chain *ch, const struct tdx_roots *roots,
                                  const char *prefix, const char *const *labels, size_t want_n,
                                  struct tdx_part *p, int *ok, int *intel);

/* ---- parsed collateral (collateral.c) ---- */

struct tdx_tcb_level {
    uint8_t sgx[16];
    uint16_t pce_svn;
    uint8_t tdx[16];
    enum tc_tdx_tcb_status status;
    const char *date;   /* borrowed from the JSON tree */
    json_t *advisories; /* borrowed array, may be NULL */
    size_t index;       /* position in the JSON (for people) */
};

struct tdx_module_level {
    uint8_t isvsvn;
    enum tc_tdx_tcb_status status;
    const char *date;
    json_t *advisories;
};

#define TDX_LEVELS_MAX 128
#define TDX_MODULE_IDS_MAX 16

struct tdx_module_id {
    char id[16];
    uint8_t mrsigner[48];
    uint8_t attributes[8];
    uint8_t mask[8];
    size_t n;
    struct tdx_module_level *lv;
};

struct tdx_tcb_info {
    char id[8];
    int version;
    time_t issue, next;
    uint8_t fmspc[6];
    uint8_t pce_id[2];
    int tcb_type;
    uint32_t eval_num;
    int has_module;
    uint8_t mod_mrsigner[48];
    uint8_t mod_attributes[8];
    uint8_t mod_mask[8];
    int has_module_ids;
    size_t n_ids;
    struct tdx_module_id ids[TDX_MODULE_IDS_MAX];
    size_t n; /* levels, sorted as QVL sorts them (descending) */
    struct tdx_tcb_level *lv;
};

struct tdx_qe_level {
    uint16_t isvsvn;
    enum tc_tdx_tcb_status status;
    const char *date;
    json_t *advisories;
};

struct tdx_qe_identity {
    char id[16];
    int version;
    time_t issue, next;
    uint32_t eval_num;
    uint8_t miscselect[4], misc_mask[4];
    uint8_t attributes[16], attr_mask[16];
    uint8_t mrsigner[32];
    uint16_t isv_prod_id;
    size_t n;
    struct tdx_qe_level *lv;
};

/* One signed JSON document: the response body and the signed span inside it. */
struct tdx_signed_json {
    int present;
    char *body; /* owned, NUL-terminated */
    size_t len;
    size_t span_off, span_len; /* the exact signed bytes: body[span_off .. +span_len) */
    uint8_t sig[64];
    json_t *root; /* the parsed signed object */
};

#define TDX_CACHE_MAX 64

struct tdx_cache_entry {
    uint8_t *chain; /* copy of the quote's chain bytes (the key) */
    size_t chain_len;
    uint8_t roots_fp[32];
    struct tdx_pck_eval *ev;
};

struct tc_tdx_collateral {
    struct tdx_signed_json tcb_doc, qe_doc;
    struct tdx_chain tcb_chain, qe_chain, pck_crl_chain;
    int has_qe_chain, has_pck_crl_chain;
    X509_CRL *root_crl, *pck_crl;
    struct tdx_tcb_info tcb;
    int has_qe;
    struct tdx_qe_identity qe;

    pthread_mutex_t mu;
    /* memo: collateral checks (per root set) and PCK chains seen */
    int coll_done;
    uint8_t coll_roots_fp[32];
    struct tdx_part coll_part;
    int tcb_sig_ok, qe_sig_ok;
    size_t n_cache;
    struct tdx_cache_entry cache[TDX_CACHE_MAX];
};

/* Everything about one PCK chain (+ CRLs) that does not depend on time. */
struct tdx_pck_eval {
    struct tdx_part part;
    int chain_ok;
    int intel;
    int ext_ok;
    struct tdx_pck_ext ext;
    char ca[16];
    EVP_PKEY *pck_pub;
    /*
     * Verification contexts (tc_ecdsa_verify_ctx) kept for the next quote of
     * this platform (the PCK key, and the QE's attestation key last seen with
     * it).  Used under mu; a caller that finds mu busy makes its own.
     */
    pthread_mutex_t mu;
    EVP_PKEY_CTX *pck_ctx;
    uint8_t att_xy[64];
    EVP_PKEY_CTX *att_ctx;
};

void tdx_pck_eval_free(struct tdx_pck_eval *ev);
/* Evaluate the chain of a quote (+ the collateral's CRLs if c is not NULL). */
TC_MUST_USE tc_err tdx_pck_eval_new(const uint8_t *chain, size_t len, const struct tdx_roots *r,
                                    const struct tc_tdx_collateral *c, struct tdx_pck_eval **out);

/* The response body of a PCS "tcbInfo"/"enclaveIdentity" document: find the raw span. */
TC_MUST_USE tc_err tdx_json_member_span(const char *p, size_t n, const char *key, size_t *off,
                                        size_t *len);
/* Parse a TCB info / QE identity JSON object (already extracted). */
TC_MUST_USE tc_err tdx_tcb_info_parse(json_t *o, struct tdx_tcb_info *t);
TC_MUST_USE tc_err tdx_qe_identity_parse(json_t *o, struct tdx_qe_identity *q);
void tdx_tcb_info_free(struct tdx_tcb_info *t);
void tdx_qe_identity_free(struct tdx_qe_identity *q);

/* An empty collateral object (for loaders). */
TC_MUST_USE tc_err tdx_collateral_new(struct tc_tdx_collateral **out);
/* Set the pieces from bytes (loaders). */
TC_MUST_USE tc_err tdx_collateral_set_doc(struct tc_tdx_collateral *c, int qe, const char *text,
                                          size_t len, const char *sig_hex);
TC_MUST_USE tc_err tdx_collateral_set_chain(struct tc_tdx_collateral *c, int which,
                                            const uint8_t *p, size_t n);
TC_MUST_USE tc_err tdx_collateral_set_crl(struct tc_tdx_collateral *c, int pck, const uint8_t *p,
                                          size_t n);
/* which: */
#define TDX_CHAIN_TCB 0
#define TDX_CHAIN_QE 1
#define TDX_CHAIN_PCK_CRL 2
/* Final consistency after loading (TCB info present, ...). */
TC_MUST_USE tc_err tdx_collateral_finish(struct tc_tdx_collateral *c);

/* ---- PCS fetch (pcs.c) ---- */
/* The intermediate CA kind of a quote's chain ("platform"/"processor") and the FMSPC. */
TC_MUST_USE tc_err tdx_quote_platform(const struct tc_tdx_quote *q, uint8_t fmspc[6], char ca[16]);

#endif
