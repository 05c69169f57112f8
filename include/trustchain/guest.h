/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest side: collect evidence inside a confidential VM, and the KBS client
 * that attests to a key broker and fetches a resource.
 *
 * Evidence sources, in order of preference:
 *   - Linux configfs-tsm (Documentation/ABI/testing/configfs-tsm): mkdir an
 *     entry under <root> (default /sys/kernel/config/tsm/report), write
 *     inblob (REPORT_DATA), read outblob (SNP report / TDX quote), auxblob
 *     (SNP certificate table), provider and generation, rmdir.  The root is
 *     an option so tests point it at a directory.
 *   - the character devices: /dev/sev-guest (SNP_GET_REPORT), and
 *     /dev/tdx_guest (TDX_CMD_GET_REPORT0: a TDREPORT, which only a local
 *     quoting enclave can turn into a quote; a quote needs configfs-tsm).
 *   - the simulated TEE (include/trustchain/sim.h).
 *
 * Evidence JSON (the KBS primary_evidence) per TEE:
 *   snp: {"report": b64(report), "cert_table": b64(auxblob)?}
 *   tdx: {"quote": b64(quote)}            (Trustee's TDX evidence shape)
 *   sim: {"report": b64, "key": b64}      (sim.h)
 */
#ifndef TRUSTCHAIN_GUEST_H
#define TRUSTCHAIN_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "trustchain/err.h"
#include "trustchain/kbs.h"
#include "trustchain/sim.h"

#define TC_TSM_ROOT_DEFAULT "/sys/kernel/config/tsm/report"

enum tc_tee_kind {
    TC_TEE_SIM,
    TC_TEE_SNP,
    TC_TEE_TDX,
};

TC_MUST_USE tc_err tc_tee_kind_parse(const char *s, enum tc_tee_kind *k);
const char *tc_tee_kind_name(enum tc_tee_kind k);

struct tc_guest_opts {
    enum tc_tee_kind tee;
    const char *tsm_root;     /* NULL: TC_TSM_ROOT_DEFAULT */
    int no_tsm;               /* skip configfs-tsm, use the device ioctl */
    const char *sev_device;   /* NULL: /dev/sev-guest */
    const char *tdx_device;   /* NULL: /dev/tdx_guest */
    unsigned vmpl;            /* SNP privilege level to request (configfs privlevel) */
    EVP_PKEY *sim_key;        /* sim: the signing key (NULL: a fresh one per call) */
    struct tc_sim_report sim; /* sim: measurement, host_data, svn, flags */
};

/* One configfs-tsm report.  *out (and *aux, may be NULL) are malloc'd. */
struct tc_tsm_report {
    uint8_t *out;
    size_t out_len;
    uint8_t *aux;
    size_t aux_len;
    char provider[32];
};
TC_MUST_USE tc_err tc_tsm_report_get(const char *root, const uint8_t inblob[64], unsigned privlevel,
                                     struct tc_tsm_report *r);
void tc_tsm_report_free(struct tc_tsm_report *r);

/* SNP_GET_REPORT on /dev/sev-guest: the 1184-byte report (*report malloc'd). */
TC_MUST_USE tc_err tc_sev_guest_report(const char *dev, const uint8_t report_data[64],
                                       unsigned vmpl, uint8_t **report, size_t *len);
/* TDX_CMD_GET_REPORT0 on /dev/tdx_guest: the 1024-byte TDREPORT. */
TC_MUST_USE tc_err tc_tdx_guest_tdreport(const char *dev, const uint8_t report_data[64],
                                         uint8_t tdreport[1024]);

/* Evidence for report_data from the configured source (a new JSON object). */
TC_MUST_USE tc_err tc_guest_evidence(const struct tc_guest_opts *o, const uint8_t report_data[64],
                                     json_t **evidence);

/* ---- the KBS client ---- */

struct tc_kbs_client_opts {
    const char *url;           /* http(s)://host:port (no trailing /kbs/v0) */
    enum tc_jwk_kind key_kind; /* TEE key: P-256 (default), P-521 or RSA */
    long timeout;              /* seconds per request (default 30) */
    struct tc_guest_opts guest;
};

/* What a run produced (for --json output and tests). */
struct tc_kbs_client_result {
    char *token;     /* the EAR token from /attest (malloc'd) */
    uint8_t *secret; /* the decrypted resource (free with tc_free_secret) */
    size_t secret_len;
    int http_status;  /* last HTTP status */
    char detail[512]; /* the broker's error detail, if any */
};

void tc_kbs_client_result_free(struct tc_kbs_client_result *r);

/*
 * Run the exchange: auth -> attest -> GET resource/<path>.  path is
 * "repo/type/tag"; NULL stops after attestation.  Refusals map to errors:
 * 401 policy -> TC_ERR_POLICY, 401 otherwise -> TC_ERR_AUTH, 404 ->
 * TC_ERR_NOT_FOUND, transport -> TC_ERR_NETWORK; the detail says why.
 */
TC_MUST_USE tc_err tc_kbs_client_run(const struct tc_kbs_client_opts *o, const char *path,
                                     struct tc_kbs_client_result *r);

/*
 * One HTTP request (the admin API, tools): method on url with an optional
 * bearer token and body.  *resp (NUL-terminated, malloc'd) and *status are
 * set whenever the server answered.
 */
TC_MUST_USE tc_err tc_kbs_http(const char *url, const char *bearer, const char *method,
                               const void *body, size_t len, long timeout, long *status,
                               char **resp, size_t *resp_len);

#endif
