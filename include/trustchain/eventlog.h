/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG event logs: the PC Client crypto-agile format (TCG PC Client Platform
 * Firmware Profile, 10.2: TCG_PCR_EVENT header + TCG_PCR_EVENT2 events) as
 * written by UEFI firmware for a TPM, and by TDVF for confidential computing
 * (UEFI CC measurement protocol; the log an ACPI "CCEL" table points at).
 * Parse, replay into RTMR or PCR values, and describe each event for people.
 *
 * Ownership: a parsed log borrows the buffer (events point into it) and owns
 * its event array: free it with tc_evlog_free.
 */
#ifndef TRUSTCHAIN_EVENTLOG_H
#define TRUSTCHAIN_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "trustchain/err.h"

#define TC_EVLOG_MAX_ALGS 8
#define TC_EVLOG_MAX_EVENTS 65536
#define TC_EVLOG_MAX ((size_t)64 << 20)

/* TPM_ALG_ID values (TCG Algorithm Registry) */
#define TC_TPM_ALG_SHA1 0x0004
#define TC_TPM_ALG_SHA256 0x000b
#define TC_TPM_ALG_SHA384 0x000c
#define TC_TPM_ALG_SHA512 0x000d
#define TC_TPM_ALG_SM3_256 0x0012

struct tc_evlog_digest {
    uint16_t alg;
    uint16_t len;
    uint8_t d[64];
};

struct tc_evlog_event {
    size_t offset;  /* in the log */
    uint32_t index; /* PCR index, or for a CC log the MR index (1..4 = RTMR0..3) */
    uint32_t type;
    size_t n_digests;
    struct tc_evlog_digest dig[TC_EVLOG_MAX_ALGS];
    const uint8_t *data; /* borrowed */
    uint32_t data_len;
};

struct tc_evlog_alg {
    uint16_t id;
    uint16_t size;
};

struct tc_evlog {
    int crypto_agile;             /* 1: "Spec ID Event03" header; 0: SHA-1 only (TCG_PCR_EVENT) */
    struct tc_evlog_event header; /* the first event (EV_NO_ACTION, Spec ID) */
    uint32_t platform_class;
    uint8_t spec_major, spec_minor, spec_errata, uintn_size;
    size_t n_algs;
    struct tc_evlog_alg algs[TC_EVLOG_MAX_ALGS];
    size_t n;
    struct tc_evlog_event *ev; /* owned array of n events after the header */
    size_t end;                /* offset after the last event */
    size_t tail;               /* bytes after it: all 0xFF (unused log area) or all 0x00 */
};

/*
 * Parse a log.  Stops at the end of the buffer, or where only 0xFF or 0x00
 * fill remains.  Errors: TC_ERR_TRUNCATED, TC_ERR_MALFORMED (sizes, unknown
 * digest algorithm, a digest count the header does not allow), TC_ERR_TOO_LARGE.
 */
TC_MUST_USE tc_err tc_evlog_parse(const uint8_t *buf, size_t len, struct tc_evlog *log);
void tc_evlog_free(struct tc_evlog *log);

enum tc_evlog_kind {
    TC_EVLOG_CC,  /* MR index 1..4 -> RTMR0..3, SHA-384, from zero */
    TC_EVLOG_TPM, /* PCR 0..23 in every bank, from zero (PCR0: StartupLocality) */
};

#define TC_EVLOG_PCRS 24
#define TC_EVLOG_RTMRS 4

struct tc_evlog_replay {
    enum tc_evlog_kind kind;
    uint8_t rtmr[TC_EVLOG_RTMRS][48];
    size_t rtmr_events[TC_EVLOG_RTMRS];
    size_t n_banks;
    struct {
        uint16_t alg;
        uint16_t len;
        uint8_t pcr[TC_EVLOG_PCRS][64];
        size_t events[TC_EVLOG_PCRS];
    } bank[TC_EVLOG_MAX_ALGS];
};

/*
 * Replay: extend = H(value || digest) for every event but EV_NO_ACTION.
 * CC: an event for MR index 0 (MRTD) or above 4 is TC_ERR_MALFORMED, as is a
 * CC log without SHA-384 digests.  TPM: one bank per declared algorithm that can
 * be computed here (SHA-1/256/384/512); TC_ERR_UNSUPPORTED if none can (SM3 only).
 */
TC_MUST_USE tc_err tc_evlog_replay(const struct tc_evlog *log, enum tc_evlog_kind kind,
                                   struct tc_evlog_replay *out);

/* "EV_SEPARATOR", "EV_EFI_VARIABLE_BOOT", ... or "EV_UNKNOWN". */
const char *tc_evlog_type_name(uint32_t type);
const char *tc_tpm_alg_name(uint16_t alg);

/* One line for people describing the event's data (variable names, images, strings). */
void tc_evlog_describe(const struct tc_evlog_event *e, char *buf, size_t len);

/*
 * 1 if the event's digest for alg equals that hash of its data (as for
 * separators, actions, variables), 0 if not, -1 if alg is absent/unsupported.
 */
int tc_evlog_digest_matches_data(const struct tc_evlog_event *e, uint16_t alg);

/* The log, each event decoded, and the replayed values as JSON; NULL on allocation failure. */
json_t *tc_evlog_json(const struct tc_evlog *log, const struct tc_evlog_replay *r);

/* ---- the ACPI CCEL table (ACPI 6.5, 5.2.34 "CC Event Log ACPI Table") ---- */

struct tc_ccel {
    uint8_t revision;
    char oem_id[7];
    char oem_table_id[9];
    uint8_t cc_type; /* 1 AMD SEV, 2 Intel TDX */
    uint8_t cc_subtype;
    uint64_t laml; /* log area minimum length */
    uint64_t lasa; /* log area start address */
};

/* Parse and check (signature, length 56, checksum, reserved). */
TC_MUST_USE tc_err tc_ccel_parse(const uint8_t *buf, size_t len, struct tc_ccel *c);

#endif
