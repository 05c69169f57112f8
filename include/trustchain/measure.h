/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Expected launch measurements of AMD SEV, SEV-ES and SEV-SNP guests launched
 * by QEMU (or EC2 / GCE) from OVMF firmware, optionally with a kernel, initrd
 * and command line whose hashes OVMF checks (QEMU's kernel-hashes table), or
 * from an OVMF + Coconut-SVSM pair.  The digests are those of the public tool
 * sev-snp-measure (virtee, v0.0.13), which `trustchain measure` replaces.
 *
 * Ownership: the library never keeps the caller's pointers beyond a call.
 * Kernels and initrds are streamed from their files (constant memory);
 * firmware and SVSM images are read whole (capped at TC_MEASURE_FW_MAX).
 */
#ifndef TRUSTCHAIN_MEASURE_H
#define TRUSTCHAIN_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "trustchain/err.h"

#define TC_MEASURE_FW_MAX ((size_t)64 << 20) /* firmware / SVSM image size cap */
#define TC_MEASURE_MAX_VCPUS 4096u           /* KVM_MAX_VCPUS on x86-64 */
#define TC_MEASURE_MAX_SECTIONS 64           /* SEV metadata sections accepted */
#define TC_MEASURE_MAX_REGIONS (2 * TC_MEASURE_MAX_SECTIONS + 8)
#define TC_MEASURE_PAGE 4096u
#define TC_MEASURE_VMSA_SIZE 4096u

enum tc_sev_mode {
    TC_SEV_MODE_SEV,           /* "sev": SHA-256 of firmware (+ kernel hashes table) */
    TC_SEV_MODE_SEV_ES,        /* "seves": ... + one VMSA per vCPU */
    TC_SEV_MODE_SNP,           /* "snp": SHA-384 PAGE_INFO chain */
    TC_SEV_MODE_SNP_OVMF_HASH, /* "snp:ovmf-hash": the chain over the firmware pages only */
    TC_SEV_MODE_SNP_SVSM,      /* "snp:svsm": OVMF + Coconut-SVSM */
};

enum tc_vmm_type {
    TC_VMM_QEMU,
    TC_VMM_EC2,
    TC_VMM_GCE,
};

/* Parse a mode as the reference spells it ("sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm"). */
TC_MUST_USE tc_err tc_measure_mode_parse(const char *s, enum tc_sev_mode *mode);
const char *tc_measure_mode_name(enum tc_sev_mode mode);
/* "QEMU", "ec2", "gce", case-insensitive. */
TC_MUST_USE tc_err tc_measure_vmm_parse(const char *s, enum tc_vmm_type *vmm);
const char *tc_measure_vmm_name(enum tc_vmm_type vmm);

/* The CPUID signature of a QEMU vCPU model name ("EPYC-v4", "EPYC-Milan", ...). */
TC_MUST_USE tc_err tc_measure_vcpu_sig(const char *type, uint32_t *sig);
/* The i-th vCPU model name, or NULL past the end (for help texts). */
const char *tc_measure_vcpu_type_name(size_t i);
/*
 * CPUID Fn0000_0001_EAX from family, model and stepping (AMD CPUID spec #25481).
 * Rejects values that do not fit their fields (family <= 0x10e, model <= 0xff,
 * stepping <= 0xf) instead of silently masking them.
 */
TC_MUST_USE tc_err tc_measure_cpu_sig(unsigned family, unsigned model, unsigned stepping,
                                      uint32_t *sig);

/* Called once per measured VMSA page (in order); a failure aborts the measurement. */
typedef tc_err (*tc_measure_vmsa_fn)(void *ctx, unsigned vcpu, const uint8_t *page, size_t len);

struct tc_measure_input {
    enum tc_sev_mode mode;
    enum tc_vmm_type vmm;
    unsigned vcpus;          /* 1..TC_MEASURE_MAX_VCPUS; unused in "sev" and "snp:ovmf-hash" */
    uint32_t vcpu_sig;       /* CPUID signature, RDX of the VMSAs (QEMU) */
    uint64_t guest_features; /* SEV_FEATURES of SNP VMSAs */

    /* Firmware: a path, or bytes (ovmf_data != NULL wins).  Required. */
    const char *ovmf;
    const uint8_t *ovmf_data;
    size_t ovmf_len;
    /* Optional kernel / initrd paths (streamed) and command line; NULL or "" = absent. */
    const char *kernel;
    const char *initrd;
    const char *append;
    /* SNP only: a precomputed snp:ovmf-hash (48 bytes) replacing the firmware pages. */
    const uint8_t *ovmf_hash;
    /* snp:svsm: SVSM image (path or bytes) and the size of the OVMF_VARS flash. */
    const char *svsm;
    const uint8_t *svsm_data;
    size_t svsm_len;
    uint64_t vars_size;

    /* Also hash the firmware / SVSM files for the report (--json); in the same pass. */
    int want_file_hashes;
    /* 2 or more: a helper thread hashes half of the SNP firmware pages (0 or 1: none). */
    unsigned threads;
    tc_measure_vmsa_fn vmsa_cb; /* optional (--dump-vmsa) */
    void *vmsa_ctx;
};

enum tc_snp_page_type {
    TC_SNP_PAGE_NONE = 0, /* SEV / SEV-ES: bytes hashed, no PAGE_INFO */
    TC_SNP_PAGE_NORMAL = 1,
    TC_SNP_PAGE_VMSA = 2,
    TC_SNP_PAGE_ZERO = 3,
    TC_SNP_PAGE_UNMEASURED = 4,
    TC_SNP_PAGE_SECRETS = 5,
    TC_SNP_PAGE_CPUID = 6,
};

/* One step of the measurement, in the order the digest covers them. */
struct tc_measure_region {
    const char *what;   /* "firmware", "svsm", "kernel-hashes-table", "vmsa", or a section type */
    uint8_t page_type;  /* enum tc_snp_page_type */
    uint64_t gpa;       /* guest physical address (VMSA: the fixed PAGE_INFO GPA) */
    uint64_t len;       /* bytes */
    unsigned count;     /* vmsa: number of vCPUs sharing this VMSA */
    unsigned first;     /* vmsa: first vCPU index */
    uint8_t sha384[48]; /* vmsa: SHA-384 of the page */
};

/* A section of the SEV metadata ("ASEV") of the firmware (or SVSM). */
struct tc_measure_section {
    uint32_t gpa, len, type;
    const char *type_name;
};

struct tc_measure_result {
    enum tc_sev_mode mode;
    size_t digest_len; /* 48 (SNP modes) or 32 (SEV, SEV-ES) */
    uint8_t digest[48];

    uint64_t fw_gpa, fw_len;
    uint8_t fw_sha256[32];   /* want_file_hashes only */
    uint8_t fw_snp_hash[48]; /* SNP modes: chain value after the firmware pages */
    int have_fw_snp_hash;
    uint32_t reset_eip;    /* SEV-ES reset block (AP entry); 0 = absent */
    int have_hashes_table; /* firmware supports kernel hashes */
    uint32_t hashes_table_gpa;

    uint64_t svsm_gpa, svsm_len;
    uint8_t svsm_sha256[32];
    uint64_t svsm_eip;

    int have_kernel;
    uint64_t kernel_len, initrd_len;
    uint8_t kernel_sha256[32], initrd_sha256[32], cmdline_sha256[32];

    size_t n_sections;
    struct tc_measure_section sections[TC_MEASURE_MAX_SECTIONS];
    size_t n_regions;
    struct tc_measure_region regions[TC_MEASURE_MAX_REGIONS];
};

/*
 * Compute the launch digest.  Refuses (never a digest) firmware without SEV
 * metadata, broken footer tables or metadata, overlapping sections or sections
 * outside RAM, a kernel for firmware without kernel-hash support, and missing
 * or inconsistent inputs.  Errors: TC_ERR_USAGE (inconsistent input),
 * TC_ERR_MALFORMED/TRUNCATED/VERSION/UNSUPPORTED/TOO_LARGE (firmware),
 * TC_ERR_IO (files), TC_ERR_CRYPTO.
 */
TC_MUST_USE tc_err tc_measure_sev(const struct tc_measure_input *in, struct tc_measure_result *out);

/*
 * The result as JSON (one object; *json allocated, free()).  paths: the input
 * as given (file names are reported as passed; NULL members are omitted).
 */
TC_MUST_USE tc_err tc_measure_json(const struct tc_measure_input *in,
                                   const struct tc_measure_result *res, char **json);

#endif
