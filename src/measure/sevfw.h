/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What SEV measurement needs from an OVMF (or Coconut-SVSM) image: the entries
 * of its footer GUID table (fwtable.h) and the SEV metadata they point to.
 *
 * - SEV metadata, edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm: a header
 *   {"ASEV", u32 size, u32 version = 1, u32 count} followed by count section
 *   descriptors {u32 gpa, u32 size, u32 type}; located by a u32 offset from
 *   the END of the image (GUID dc886566-...).
 * - SEV-ES reset block (GUID 00f771de-...): u32 AP reset EIP.
 * - SEV hash table reserved area (GUID 7255371f-...): u32 gpa, u32 size of the
 *   area QEMU fills with the kernel/initrd/cmdline hashes (0 = unsupported).
 * - SVSM info (GUID a789a612-...): u32 offset of the SVSM entry point.
 *
 * The image is borrowed; nothing here allocates.
 */
#ifndef TC_MEASURE_SEVFW_H
#define TC_MEASURE_SEVFW_H

#include <stddef.h>
#include <stdint.h>

#include "measure/fwtable.h"
#include "trustchain/err.h"
#include "trustchain/measure.h"

/* Section types (OvmfSevMetadata.asm / Coconut-SVSM). */
#define TC_SEV_SECTION_SNP_SEC_MEM 1
#define TC_SEV_SECTION_SNP_SECRETS 2
#define TC_SEV_SECTION_CPUID 3
#define TC_SEV_SECTION_SVSM_CAA 4
#define TC_SEV_SECTION_SNP_KERNEL_HASHES 0x10

#define TC_SEV_META_HDR 16
#define TC_SEV_META_DESC 12
/*
 * The footer table (at most 64 KiB) and the SEV metadata live in the reset
 * vector at the top of the image; only its last TC_SEV_FW_TAIL bytes are
 * parsed, so a file can be parsed from its tail and then streamed.
 */
#define TC_SEV_FW_TAIL ((size_t)128 << 10)

struct tc_sev_fw {
    const uint8_t *data; /* the parsed tail: the image's last len bytes */
    size_t len;
    uint64_t image_len;
    struct tc_fwtable table;
    size_t n_sections;
    struct tc_measure_section sections[TC_MEASURE_MAX_SECTIONS];
    int have_reset;
    uint32_t reset_eip;
    int have_hashes_area; /* GUID present (the area may still be 0 = unsupported) */
    uint32_t hashes_gpa, hashes_size;
    int have_svsm_info;
    uint32_t svsm_entry;
};

/*
 * Parse an image.  what names it in messages ("firmware", "SVSM").  Refuses an
 * image without footer table or SEV metadata (TC_ERR_UNSUPPORTED), and any
 * broken table, header or section (TC_ERR_MALFORMED, TRUNCATED, VERSION,
 * TOO_LARGE).  Placement checks that depend on the load address are the
 * caller's (tc_sev_fw_check_placement).
 */
TC_MUST_USE tc_err tc_sev_fw_parse(const uint8_t *data, size_t len, const char *what,
                                   struct tc_sev_fw *fw);
/*
 * The same from the image's last tail_len bytes (tail_len = min(image_len,
 * TC_SEV_FW_TAIL)) and its total length; SEV metadata outside the tail is
 * refused (TC_ERR_MALFORMED), as by tc_sev_fw_parse.
 */
TC_MUST_USE tc_err tc_sev_fw_parse_tail(const uint8_t *tail, size_t tail_len, uint64_t image_len,
                                        const char *what, struct tc_sev_fw *fw);

/* Name of a section type, or NULL if unknown. */
const char *tc_sev_section_name(uint32_t type);

/* Refuse sections overlapping [gpa, gpa + len) (a loaded image). */
TC_MUST_USE tc_err tc_sev_fw_check_placement(const struct tc_sev_fw *fw, const char *what,
                                             uint64_t gpa, uint64_t len, const char *image);

/* Index of the first section of this type, or -1. */
int tc_sev_fw_find_section(const struct tc_sev_fw *fw, uint32_t type);

#endif
