/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic Intel TDX evidence for tests: a test root CA, PCK CA and PCK leaf
 * (with SGX extensions), a QE report, an attestation key, signed v4/v5 quotes
 * and signed collateral (TCB info, QE identity, CRLs) -- everything Intel's
 * infrastructure would produce, made with throw-away test keys.
 *
 * The test root is NOT Intel's: a verifier accepts this evidence only when
 * the root's key is passed explicitly (tc_tdx_verify_opts.extra_roots, or
 * `verify tdx --trust-root`), never by default.
 *
 * Typical use (e.g. a key-broker loopback test):
 *     struct tdx_synth *s;  tdx_synth_new(&s);
 *     struct tdx_synth_opts o = {0};  o.report_data = my_64_bytes;
 *     tdx_synth_quote(s, &o, &quote, &qlen);
 *     tdx_synth_collateral_json(s, &o, &json, &jlen);   (dcap-qvl QuoteCollateralV3)
 *     tdx_synth_root_key(s, root);  opts.extra_roots = &root; opts.n_extra_roots = 1;
 *     opts.at = TDX_SYNTH_NOW;
 * With all options zero the quote verifies and its TCB status is UpToDate at
 * TDX_SYNTH_NOW.  Each tdx_synth_break value breaks exactly one thing.
 *
 * Ownership: buffers returned are malloc'd; free() them.  Not thread-safe.
 */
#ifndef TC_TESTS_TDX_SYNTH_H
#define TC_TESTS_TDX_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "trustchain/tdx.h"

/* 2025-06-15T00:00:00Z: every synthetic certificate and document is valid then. */
#define TDX_SYNTH_NOW ((time_t)1749945600)

enum tdx_synth_break {
    TDX_SYN_OK = 0,
    /* quote */
    TDX_SYN_QUOTE_SIG, /* attestation-key signature over header+body */
    TDX_SYN_QE_SIG,    /* QE report signature (PCK key) */
    TDX_SYN_BINDING,   /* QE REPORTDATA != SHA-256(att key || auth data) */
    TDX_SYN_QE_VENDOR, /* QE vendor ID not Intel's */
    /* PCK chain */
    TDX_SYN_LEAF_SIG,     /* PCK leaf signature */
    TDX_SYN_CA_SIG,       /* PCK CA signature */
    TDX_SYN_ROOT_SIG,     /* root self-signature */
    TDX_SYN_LEAF_EXPIRED, /* PCK leaf notAfter before now */
    TDX_SYN_CA_NOT_YET,   /* PCK CA notBefore after now */
    TDX_SYN_LEAF_NOT_CA,  /* the PCK CA certificate lacks CA:TRUE */
    TDX_SYN_LEAF_NO_EXT,  /* the PCK leaf has no SGX extension */
    TDX_SYN_CHAIN_TWO,    /* the quote carries only leaf + root */
    /* CRLs */
    TDX_SYN_PCK_REVOKED,     /* PCK leaf listed in the PCK CRL */
    TDX_SYN_CA_REVOKED,      /* PCK CA listed in the root CRL */
    TDX_SYN_PCK_CRL_SIG,     /* PCK CRL signature */
    TDX_SYN_ROOT_CRL_SIG,    /* root CRL signature */
    TDX_SYN_PCK_CRL_EXPIRED, /* PCK CRL nextUpdate before now */
    TDX_SYN_PCK_CRL_ISSUER,  /* PCK CRL issued by another CA name */
    /* TCB info */
    TDX_SYN_TCB_SIG,           /* TCB info signature */
    TDX_SYN_TCB_EXPIRED,       /* TCB info nextUpdate before now */
    TDX_SYN_TCB_NOT_YET,       /* TCB info issueDate after now */
    TDX_SYN_TCB_FMSPC,         /* TCB info for another FMSPC */
    TDX_SYN_TCB_PCEID,         /* TCB info for another PCE-ID */
    TDX_SYN_TCB_ID_SGX,        /* an SGX TCB info (id "SGX", version 3) */
    TDX_SYN_SIGNER_EXPIRED,    /* TCB signing certificate expired */
    TDX_SYN_SIGNER_REVOKED,    /* TCB signing certificate listed in the root CRL */
    TDX_SYN_SIGNER_SIG,        /* TCB signing certificate signature */
    TDX_SYN_SIGNER_OTHER_ROOT, /* TCB signing chain under an unpinned root */
    TDX_SYN_NO_TCB_LEVEL,      /* PCK SGX components below every level */
    TDX_SYN_NO_TDX_LEVEL,      /* TEE_TCB_SVN below every level's TDX components */
    /* TDX module identity */
    TDX_SYN_MODULE_MRSIGNER, /* MRSIGNERSEAM differs from the identity */
    TDX_SYN_MODULE_NO_ID,    /* no TDX_01 identity in the TCB info */
    TDX_SYN_MODULE_ATTR,     /* SEAMATTRIBUTES differ */
    TDX_SYN_MODULE_LOW,      /* module ISVSVN below every module level */
    /* QE identity */
    TDX_SYN_QEID_SIG,      /* QE identity signature */
    TDX_SYN_QEID_EXPIRED,  /* QE identity nextUpdate before now */
    TDX_SYN_QEID_MRSIGNER, /* QE MRSIGNER differs */
    TDX_SYN_QEID_PRODID,   /* QE ISVPRODID differs */
    TDX_SYN_QEID_MISC,     /* MISCSELECT differs under the mask */
    TDX_SYN_QEID_ATTR,     /* ATTRIBUTES differ under the mask */
    TDX_SYN_QEID_ID,       /* an SGX "QE" identity instead of "TD_QE" */
    TDX_SYN_QEID_LOW,      /* QE ISVSVN below every level */
    TDX_SYN_BREAK_COUNT_
};

struct tdx_synth_opts {
    int version;                    /* 4 (default) or 5 */
    int body_type;                  /* v5 only: 2 or 3 (default 3) */
    const uint8_t *report_data;     /* 64 bytes, or NULL for zeros */
    const uint8_t *mrtd;            /* 48 bytes, or NULL for a fixed test value */
    const uint8_t *rtmr[4];         /* 48 bytes each, or NULL for zeros */
    int debug;                      /* set TDATTRIBUTES.DEBUG */
    const uint8_t *tee_tcb_svn;     /* 16 bytes, or NULL for 06 01 03 00.. (TDX 1.5 module v1) */
    const uint8_t *tee_tcb_svn2;    /* v5 body 3: 16 bytes, or NULL for = tee_tcb_svn */
    const uint8_t *pck_svn;         /* 16 SGX component SVNs in the PCK, or NULL (level 0's) */
    uint16_t qe_isvsvn;             /* 0: 8 (UpToDate); 6: OutOfDate; 3: Revoked */
    const char *level0_status;      /* status of the top TCB level (default "UpToDate") */
    int module_levels_ascending;    /* publish TDX_01's TCB levels lowest ISVSVN first */
    int repeat_level0;              /* publish the top TCB level twice */
    const uint8_t *seam_attributes; /* 8 bytes for SEAMATTRIBUTES, or NULL for zeros */
    const char *module_attr_mask;   /* TDX_01's attributesMask (16 hex digits), NULL: all F */
    enum tdx_synth_break brk;
};

struct tdx_synth;

/* Generate the test keys (root, PCK CA, PCK leaf, TCB signing, attestation, QE). */
TC_MUST_USE tc_err tdx_synth_new(struct tdx_synth **out);
void tdx_synth_free(struct tdx_synth *s);
/* The test root's public key, for tc_tdx_verify_opts.extra_roots. */
void tdx_synth_root_key(const struct tdx_synth *s, tc_tdx_root_key out);
/* The test root certificate as PEM (for `verify tdx --trust-root`). */
TC_MUST_USE tc_err tdx_synth_root_pem(struct tdx_synth *s, char **pem, size_t *len);

/* A signed quote. */
TC_MUST_USE tc_err tdx_synth_quote(struct tdx_synth *s, const struct tdx_synth_opts *o,
                                   uint8_t **quote, size_t *len);
/* Matching collateral as dcap-qvl QuoteCollateralV3 JSON. */
TC_MUST_USE tc_err tdx_synth_collateral_json(struct tdx_synth *s, const struct tdx_synth_opts *o,
                                             char **json, size_t *len);
/* Matching collateral as PCS responses in a folder (the --collateral-dir layout). */
TC_MUST_USE tc_err tdx_synth_collateral_dir(struct tdx_synth *s, const struct tdx_synth_opts *o,
                                            const char *dir);
/* The raw pieces of the collateral (for tests of a single piece); any may be NULL. */
struct tdx_synth_pieces {
    char *tcb_body;          /* {"tcbInfo":...,"signature":"..."} */
    char *qe_body;           /* {"enclaveIdentity":...,"signature":"..."} */
    char *tcb_chain_pem;     /* TCB signing cert, root */
    char *pck_crl_chain_pem; /* PCK CA, root */
    uint8_t *pck_crl_der;
    size_t pck_crl_len;
    uint8_t *root_crl_der;
    size_t root_crl_len;
};
TC_MUST_USE tc_err tdx_synth_pieces(struct tdx_synth *s, const struct tdx_synth_opts *o,
                                    struct tdx_synth_pieces *p);
void tdx_synth_pieces_free(struct tdx_synth_pieces *p);

/* The name of a break (for test messages). */
const char *tdx_synth_break_name(enum tdx_synth_break b);

#endif
