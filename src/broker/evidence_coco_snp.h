/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP evidence in the JSON shape the Confidential Containers guest sends
 * (guest-components attestation-agent/attester/src/snp: serde_json of
 * {"attestation_report": sev::firmware::guest::AttestationReport,
 *  "cert_chain": Option<Vec<sev::firmware::host::CertTableEntry>>}),
 * turned back into the 1184-byte report the firmware signed, and its certificates.
 *
 * The shape, from the virtee/sev crate 6.x and 7.x (src/firmware/guest/types/snp.rs,
 * src/firmware/host/types/snp.rs, src/certs/snp/ecdsa/mod.rs, src/util/array.rs):
 *   byte arrays          JSON arrays of exactly N integers 0..255 (serde_big_array)
 *   policy, plat_info    u64 numbers (GuestPolicy/PlatformInfo newtypes), key_info u32
 *   *_tcb                {"fmc": u8|null, "bootloader", "tee", "snp", "microcode": u8}
 *                        (fmc is a number on Turin and later, whose TCB layout has it)
 *   current, committed   {"major", "minor", "build": u8}
 *   cpuid_fam_id, cpuid_mod_id, cpuid_step   u8, or null for version 2 reports
 *   launch_mit_vector, current_mit_vector   u64, or null below version 5 (absent before
 *                        sev 6.3: serde reads a missing Option as None)
 *   signature            {"r": [72], "s": [72]}: the report's little-endian bytes
 *   cert_chain entries   {"cert_type": "ARK"|"ASK"|"VCEK"|"VLEK"|"CRL"|"Empty"|
 *                        {"OTHER": "<uuid>"}, "data": [bytes]}
 * Reserved bytes are not in the JSON: they are rebuilt as zero (they must be zero).
 */
#ifndef TC_BROKER_EVIDENCE_COCO_SNP_H
#define TC_BROKER_EVIDENCE_COCO_SNP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "trustchain/err.h"
#include "trustchain/snp.h"

#define TC_COCO_SNP_CERTS_MAX 16          /* cert_chain entries (as a GHCB table's cap) */
#define TC_COCO_SNP_CERT_MAX (64u * 1024) /* bytes in one entry's data */

struct tc_coco_snp {
    uint8_t report[TC_SNP_REPORT_SIZE]; /* the rebuilt report */
    int has_mit_keys;                   /* the mitigation vector keys were there (sev >= 6.3) */
    int turin_tcb;                      /* the TCBs were written in the Turin layout (fmc) */
    /* Certificates the verifier can use (VCEK, VLEK, ASK (or ASVK), ARK), data malloc'd. */
    size_t n_certs;
    struct tc_snp_blob certs[TC_COCO_SNP_CERTS_MAX];
    enum tc_snp_cert_kind kinds[TC_COCO_SNP_CERTS_MAX];
    size_t n_ignored; /* CRL, Empty and OTHER entries: checked for shape, not used */
    int has_chain;    /* cert_chain was a list (not null or absent) */
};

/* 1 if the evidence is an object with "attestation_report" (this shape, not {"report": ...}). */
int tc_coco_snp_is(const json_t *evidence);

/*
 * Convert.  Every array length, integer range and key is checked: a missing required field,
 * an unknown key at any level, a wrong length or an out-of-range number is TC_ERR_MALFORMED
 * with the field's path in the detail.  On success c holds the report and the certificates
 * (free with tc_coco_snp_free); on failure nothing needs freeing.
 */
TC_MUST_USE tc_err tc_coco_snp_convert(const json_t *evidence, struct tc_coco_snp *c);
void tc_coco_snp_free(struct tc_coco_snp *c);

#endif
