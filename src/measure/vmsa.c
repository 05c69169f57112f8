/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/reader.h"
#include "measure/vmsa.h"

/* Offsets in the save area: AMD64 APM vol. 2, table B-4 (VMSA layout). */
enum {
    VMSA_ES = 0x000, /* segment registers: u16 selector, u16 attrib, u32 limit, u64 base */
    VMSA_CS = 0x010,
    VMSA_SS = 0x020,
    VMSA_DS = 0x030,
    VMSA_FS = 0x040,
    VMSA_GS = 0x050,
    VMSA_GDTR = 0x060,
    VMSA_LDTR = 0x070,
    VMSA_IDTR = 0x080,
    VMSA_TR = 0x090,
    VMSA_EFER = 0x0d0,
    VMSA_CR4 = 0x148,
    VMSA_CR0 = 0x158,
    VMSA_DR7 = 0x160,
    VMSA_DR6 = 0x168,
    VMSA_RFLAGS = 0x170,
    VMSA_RIP = 0x178,
    VMSA_G_PAT = 0x268,
    VMSA_RDX = 0x310,
    VMSA_SEV_FEATURES = 0x3b0,
    VMSA_XCR0 = 0x3e8,
    VMSA_MXCSR = 0x408,   /* u32 */
    VMSA_X87_FCW = 0x410, /* u16 */
};

/* Initial register values KVM gives every vCPU at reset (arch/x86/kvm/svm/sev.c, x86.c). */
#define EFER_SVME 0x1000ull /* KVM enables EFER.SVME */
#define CR4_MCE 0x40ull     /* KVM enables CR4.MCE */
#define CR0_ET 0x10ull
#define DR7_RESET 0x400ull
#define DR6_RESET 0xffff0ff0ull
#define RFLAGS_RESET 0x2ull
#define XCR0_X87 0x1ull
#define PAT_RESET 0x0007040600070406ull /* APM vol. 2, A.3 */
#define PAT_GCE 0x00070106ull           /* GCE's hypervisor programs its own PAT */
#define MXCSR_RESET 0x1f80u
#define FCW_RESET 0x37fu
#define EC2_GCE_RDX 0x600u /* EC2 and GCE report a fixed family 6 signature in RDX */

static void seg(uint8_t *page, unsigned off, uint16_t sel, uint16_t attrib, uint32_t limit,
                uint64_t base)
{
    tc_put_le16(page + off, sel);
    tc_put_le16(page + off + 2, attrib);
    tc_put_le32(page + off + 4, limit);
    tc_put_le64(page + off + 8, base);
}

static void common_regs(uint8_t *page, uint64_t cr0, uint64_t rip, uint64_t g_pat, uint64_t rdx,
                        uint64_t sev_features, uint32_t mxcsr, uint16_t fcw)
{
    tc_put_le64(page + VMSA_EFER, EFER_SVME);
    tc_put_le64(page + VMSA_CR4, CR4_MCE);
    tc_put_le64(page + VMSA_CR0, cr0);
    tc_put_le64(page + VMSA_DR7, DR7_RESET);
    tc_put_le64(page + VMSA_DR6, DR6_RESET);
    tc_put_le64(page + VMSA_RFLAGS, RFLAGS_RESET);
    tc_put_le64(page + VMSA_RIP, rip);
    tc_put_le64(page + VMSA_G_PAT, g_pat);
    tc_put_le64(page + VMSA_RDX, rdx);
    tc_put_le64(page + VMSA_SEV_FEATURES, sev_features);
    tc_put_le64(page + VMSA_XCR0, XCR0_X87);
    tc_put_le32(page + VMSA_MXCSR, mxcsr);
    tc_put_le16(page + VMSA_X87_FCW, fcw);
}

void tc_vmsa_build(uint8_t *page, uint32_t eip, uint64_t sev_features, uint32_t vcpu_sig,
                   enum tc_vmm_type vmm)
{
    /* Real-mode segment attributes: present, S, data RW accessed / code RX accessed. */
    uint16_t cs_attr = 0x9b, ss_attr = 0x93, tr_attr = 0x8b;
    uint64_t g_pat = PAT_RESET, rdx = vcpu_sig;
    uint32_t mxcsr = MXCSR_RESET;
    uint16_t fcw = FCW_RESET;

    memset(page, 0, TC_MEASURE_VMSA_SIZE);
    switch (vmm) {
    case TC_VMM_QEMU:
        break;
    case TC_VMM_EC2:
        /* EC2 leaves the accessed bit clear on the BSP's CS and on SS; TR is a 16-bit busy TSS. */
        if (eip == TC_VMSA_BSP_EIP) {
            cs_attr = 0x9a;
        }
        ss_attr = 0x92;
        tr_attr = 0x83;
        rdx = EC2_GCE_RDX;
        mxcsr = 0;
        fcw = 0;
        break;
    case TC_VMM_GCE:
        g_pat = PAT_GCE;
        rdx = EC2_GCE_RDX;
        mxcsr = 0;
        fcw = 0;
        break;
    }
    seg(page, VMSA_ES, 0, 0x93, 0xffff, 0);
    seg(page, VMSA_CS, 0xf000, cs_attr, 0xffff, eip & 0xffff0000u);
    seg(page, VMSA_SS, 0, ss_attr, 0xffff, 0);
    seg(page, VMSA_DS, 0, 0x93, 0xffff, 0);
    seg(page, VMSA_FS, 0, 0x93, 0xffff, 0);
    seg(page, VMSA_GS, 0, 0x93, 0xffff, 0);
    seg(page, VMSA_GDTR, 0, 0, 0xffff, 0);
    seg(page, VMSA_LDTR, 0, 0x82, 0xffff, 0);
    seg(page, VMSA_IDTR, 0, 0, 0xffff, 0);
    seg(page, VMSA_TR, 0, tr_attr, 0xffff, 0);
    common_regs(page, CR0_ET, eip & 0xffffu, g_pat, rdx, sev_features, mxcsr, fcw);
}

void tc_vmsa_build_svsm(uint8_t *page, uint64_t eip, uint32_t vcpu_sig)
{
    /* Flat 4 GiB segments with D/B and G set (attrib 0xc93 data, 0xc9b code); CS = GDT slot 1. */
    memset(page, 0, TC_MEASURE_VMSA_SIZE);
    seg(page, VMSA_ES, 16, 0xc93, 0xffffffffu, 0);
    seg(page, VMSA_CS, 8, 0xc9b, 0xffffffffu, 0);
    seg(page, VMSA_SS, 16, 0xc93, 0xffffffffu, 0);
    seg(page, VMSA_DS, 16, 0xc93, 0xffffffffu, 0);
    seg(page, VMSA_FS, 16, 0xc93, 0xffffffffu, 0);
    seg(page, VMSA_GS, 0, 0x93, 0xffff, 0);
    seg(page, VMSA_GDTR, 0, 0, 0xffff, 0);
    seg(page, VMSA_LDTR, 0, 0x82, 0xffff, 0);
    seg(page, VMSA_IDTR, 0, 0, 0xffff, 0);
    seg(page, VMSA_TR, 0, 0x8b, 0xffff, 0);
    /* CR0.PE | CR0.ET; SEV_FEATURES = SNPActive only; FCW 0 (see vmsa.h). */
    common_regs(page, 0x11, eip, PAT_RESET, vcpu_sig, 0x1, MXCSR_RESET, 0);
}
