/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated TEE: a report with the shape of a real one (measurement,
 * host data, REPORT_DATA, SVN, debug flag) signed by a locally generated
 * ECDSA P-256 key.  For development and tests only: it proves nothing about
 * hardware.  The broker accepts it only when started with --allow-sim, and
 * then marks every result and log line as simulated.
 *
 * Report layout, version 1 (all integers little-endian), 288 bytes:
 *   0x000  8  magic "TCSIMRPT"
 *   0x008  4  version (1)
 *   0x00C  4  flags: bit 0 debug; bits 1..31 reserved, must be zero
 *   0x010  4  svn
 *   0x014  4  reserved, must be zero
 *   0x018 48  measurement (launch digest, as an SNP MEASUREMENT)
 *   0x048 32  host_data
 *   0x068 64  report_data
 *   0x0A8 32  key_id: SHA-256 of the signing key's SubjectPublicKeyInfo (DER)
 *   0x0C8 24  reserved, must be zero
 *   0x0E0 32  signature r (big-endian)   } ECDSA P-256 / SHA-256 over
 *   0x100 32  signature s (big-endian)   } bytes 0x000..0x0DF
 *
 * Evidence (KBS tee-evidence.primary_evidence for tee "sim"):
 *   {"report": base64(report), "key": base64(SubjectPublicKeyInfo DER)}
 */
#ifndef TRUSTCHAIN_SIM_H
#define TRUSTCHAIN_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "trustchain/err.h"
#include "trustchain/verdict.h"

#define TC_SIM_REPORT_SIZE 288
#define TC_SIM_SIGNED_SIZE 224
#define TC_SIM_VERSION 1
#define TC_SIM_FLAG_DEBUG 1u

struct tc_sim_report {
    uint32_t version;
    uint32_t flags;
    uint32_t svn;
    uint8_t measurement[48];
    uint8_t host_data[32];
    uint8_t report_data[64];
    uint8_t key_id[32];
    uint8_t sig_r[32];
    uint8_t sig_s[32];
};

/* Parse (not verify) a report: magic, version, reserved fields, exact size. */
TC_MUST_USE tc_err tc_sim_report_parse(const uint8_t *p, size_t n, struct tc_sim_report *r);

/*
 * Serialise r with key_id set from key and sign it with key (P-256).
 * out receives TC_SIM_REPORT_SIZE bytes.
 */
TC_MUST_USE tc_err tc_sim_report_sign(EVP_PKEY *key, const struct tc_sim_report *r,
                                      uint8_t out[TC_SIM_REPORT_SIZE]);

/* Generate the evidence JSON for report_data, from the template r (measurement, svn, ...). */
TC_MUST_USE tc_err tc_sim_evidence(EVP_PKEY *key, const struct tc_sim_report *r,
                                   const uint8_t report_data[64], json_t **evidence);

/* Load a P-256 private key (PEM) or, if the file does not exist and create is set, make one. */
TC_MUST_USE tc_err tc_sim_key_load(const char *path, int create, EVP_PKEY **key);

/* SHA-256 of the SubjectPublicKeyInfo of key: the key id a report carries. */
TC_MUST_USE tc_err tc_sim_key_id(EVP_PKEY *key, uint8_t id[32]);

/*
 * Verify sim evidence: parse, key id, signature over the raw signed bytes,
 * REPORT_DATA == expected.  trusted_ids (n_trusted entries of 32 bytes) pins
 * the signing keys; n_trusted == 0 accepts any key (development).
 * Every check lands in v; *claims (on success) is a new object:
 *   {"simulated":true,"version","debug","svn","measurement","host_data",
 *    "report_data","key_id"} (byte strings as lower-case hex).
 * Returns TC_ERR_OK, or the error of the first failed check.
 */
TC_MUST_USE tc_err tc_sim_verify(const json_t *evidence, const uint8_t expected_rd[64],
                                 const uint8_t (*trusted_ids)[32], size_t n_trusted,
                                 json_t **claims, struct tc_verdict *v);

#endif
