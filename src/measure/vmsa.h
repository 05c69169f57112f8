/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The initial VM save area (VMSA) of a vCPU of an SEV-ES / SEV-SNP guest, as
 * KVM/QEMU (or EC2, GCE) set it up at reset, byte for byte: it is measured
 * (SEV-ES: hashed into the launch digest; SNP: a VMSA page in the PAGE_INFO
 * chain).  Layout: AMD64 APM vol. 2, table B-4 "VMSA Layout, State Save Area
 * for SEV-ES", and Linux struct sev_es_save_area (arch/x86/include/asm/svm.h).
 */
#ifndef TC_MEASURE_VMSA_H
#define TC_MEASURE_VMSA_H

#include <stdint.h>

#include "trustchain/measure.h"

#define TC_VMSA_BSP_EIP 0xfffffff0u /* the x86 reset vector */

/*
 * Fill page (TC_MEASURE_VMSA_SIZE bytes) with the reset state of a vCPU that
 * starts at eip (CS.base = eip & 0xffff0000, RIP = eip & 0xffff).
 */
void tc_vmsa_build(uint8_t *page, uint32_t eip, uint64_t sev_features, uint32_t vcpu_sig,
                   enum tc_vmm_type vmm);

/*
 * The VMSA of a vCPU entering a Coconut-SVSM in 32-bit protected mode at eip
 * (flat segments, CR0.PE), as the reference tool builds it.  x87 FCW is left 0:
 * the reference's builder misspells that field, so the 0x37f it intends is
 * dropped, and a drop-in must print the reference's digest (README: quirks).
 */
void tc_vmsa_build_svsm(uint8_t *page, uint64_t eip, uint32_t vcpu_sig);

#endif
