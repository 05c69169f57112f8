/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Launch measurement: vCPU signatures, VMSA layout, the PAGE_INFO chain, the kernel-hashes
 * table, and tc_measure_sev's checks (in-memory and file inputs, refusals, callbacks, JSON).
 * Whole digests are checked against the reference tool by tests/cli/measure_vectors.sh.
 */
#include <stdint.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "harness.h"
#include "core/ossl.h"
#include "core/reader.h"
#include "measure/fwtable.h"
#include "measure/gctx.h"
#include "measure/sevfw.h"
#include "measure/sevhashes.h"
#include "measure/vmsa.h"
#include "trustchain/measure.h"
#include "trustchain/util.h"

static void test_names(void)
{
    enum tc_sev_mode m;
    enum tc_vmm_type v;
    uint32_t sig = 0;

    CHECK(tc_measure_mode_parse("snp:svsm", &m) == TC_ERR_OK && m == TC_SEV_MODE_SNP_SVSM,
          "mode snp:svsm");
    CHECK(tc_measure_mode_parse("seves", &m) == TC_ERR_OK && m == TC_SEV_MODE_SEV_ES, "mode seves");
    CHECK_ERR(tc_measure_mode_parse("sev-es", &m), TC_ERR_USAGE, "mode sev-es is not a choice");
    CHECK_ERR(tc_measure_mode_parse("SNP", &m), TC_ERR_USAGE, "modes are case-sensitive");
    CHECK(strcmp(tc_measure_mode_name(TC_SEV_MODE_SNP_OVMF_HASH), "snp:ovmf-hash") == 0,
          "mode name");
    CHECK(tc_measure_vmm_parse("qemu", &v) == TC_ERR_OK && v == TC_VMM_QEMU, "vmm qemu");
    CHECK(tc_measure_vmm_parse("EC2", &v) == TC_ERR_OK && v == TC_VMM_EC2, "vmm EC2");
    CHECK(tc_measure_vmm_parse("Gce", &v) == TC_ERR_OK && v == TC_VMM_GCE, "vmm Gce");
    CHECK_ERR(tc_measure_vmm_parse("kvm", &v), TC_ERR_USAGE, "vmm kvm");
    CHECK_ERR(tc_measure_vmm_parse("", &v), TC_ERR_USAGE, "vmm empty");

    /* The reference's README: EPYC-v4 = 0x800f12 = family 23, model 1, stepping 2. */
    CHECK(tc_measure_vcpu_sig("EPYC-v4", &sig) == TC_ERR_OK && sig == 0x800f12, "EPYC-v4");
    CHECK(tc_measure_cpu_sig(23, 1, 2, &sig) == TC_ERR_OK && sig == 0x800f12, "23/1/2");
    /* CPUID Fn0000_0001_EAX of Milan (19h/01h/1), Genoa (19h/11h/0), Turin (1Ah/00h/0). */
    CHECK(tc_measure_vcpu_sig("EPYC-Milan", &sig) == TC_ERR_OK && sig == 0xa00f11, "Milan");
    CHECK(tc_measure_vcpu_sig("EPYC-Genoa-v1", &sig) == TC_ERR_OK && sig == 0xa10f10, "Genoa");
    CHECK(tc_measure_vcpu_sig("EPYC-Turin", &sig) == TC_ERR_OK && sig == 0xb00f00, "Turin");
    CHECK(tc_measure_vcpu_sig("EPYC-Rome-v3", &sig) == TC_ERR_OK && sig == 0x830f10, "Rome");
    CHECK(tc_measure_cpu_sig(15, 0xab, 3, &sig) == TC_ERR_OK && sig == 0x000a0fb3,
          "family 15 has no extended family");
    CHECK(tc_measure_cpu_sig(0x10e, 0xff, 0xf, &sig) == TC_ERR_OK && sig == 0x0fff0fff,
          "largest values");
    CHECK_ERR(tc_measure_cpu_sig(0x10f, 0, 0, &sig), TC_ERR_USAGE, "family too large");
    CHECK_ERR(tc_measure_cpu_sig(25, 256, 0, &sig), TC_ERR_USAGE, "model too large");
    CHECK_ERR(tc_measure_cpu_sig(25, 1, 16, &sig), TC_ERR_USAGE, "stepping too large");
    CHECK_ERR(tc_measure_vcpu_sig("EPYC-v5", &sig), TC_ERR_USAGE, "unknown vCPU type");
    CHECK_ERR(tc_measure_vcpu_sig("epyc-v4", &sig), TC_ERR_USAGE,
              "vCPU types are spelled exactly as the reference's");
    CHECK(strcmp(tc_measure_vcpu_type_name(0), "EPYC") == 0 &&
              strcmp(tc_measure_vcpu_type_name(15), "EPYC-Turin") == 0 &&
              tc_measure_vcpu_type_name(16) == NULL,
          "sixteen vCPU types");
}

static uint64_t le64at(const uint8_t *p, size_t off)
{
    return tc_le64(p + off);
}

/* Field offsets from AMD64 APM vol. 2 table B-4, checked independently of vmsa.c's enum. */
static void test_vmsa(void)
{
    static uint8_t p[4096];
    size_t i;
    int rest_zero = 1;

    tc_vmsa_build(p, TC_VMSA_BSP_EIP, 0x21, 0xa10f11, TC_VMM_QEMU);
    CHECK(tc_le16(p + 0x10) == 0xf000 && tc_le16(p + 0x12) == 0x9b && tc_le32(p + 0x14) == 0xffff &&
              le64at(p, 0x18) == 0xffff0000,
          "QEMU BSP: CS selector, attributes, limit, base");
    CHECK(le64at(p, 0x178) == 0xfff0, "QEMU BSP: RIP = reset vector & 0xffff");
    CHECK(le64at(p, 0xd0) == 0x1000 && le64at(p, 0x148) == 0x40 && le64at(p, 0x158) == 0x10,
          "EFER.SVME, CR4.MCE, CR0.ET");
    CHECK(le64at(p, 0x160) == 0x400 && le64at(p, 0x168) == 0xffff0ff0 && le64at(p, 0x170) == 2,
          "DR7, DR6, RFLAGS");
    CHECK(le64at(p, 0x268) == 0x0007040600070406ull, "G_PAT reset value");
    CHECK(le64at(p, 0x310) == 0xa10f11, "RDX = vCPU signature");
    CHECK(le64at(p, 0x3b0) == 0x21, "SEV_FEATURES");
    CHECK(le64at(p, 0x3e8) == 1, "XCR0");
    CHECK(tc_le32(p + 0x408) == 0x1f80 && tc_le16(p + 0x410) == 0x37f, "MXCSR, x87 FCW");
    CHECK(tc_le16(p + 0x72) == 0x82 && tc_le16(p + 0x92) == 0x8b, "LDTR and TR attributes");
    for (i = 0x420; i < 4096; i++) {
        rest_zero &= p[i] == 0;
    }
    CHECK(rest_zero, "FPU registers and the rest of the page are zero");

    tc_vmsa_build(p, 0x80b004, 1, 0xa10f11, TC_VMM_QEMU);
    CHECK(le64at(p, 0x18) == 0x800000 && le64at(p, 0x178) == 0xb004, "QEMU AP: CS.base, RIP");

    tc_vmsa_build(p, TC_VMSA_BSP_EIP, 1, 0xa10f11, TC_VMM_EC2);
    CHECK(tc_le16(p + 0x12) == 0x9a && tc_le16(p + 0x22) == 0x92 && tc_le16(p + 0x92) == 0x83,
          "EC2 BSP: CS, SS, TR attributes");
    CHECK(le64at(p, 0x310) == 0x600 && tc_le32(p + 0x408) == 0 && tc_le16(p + 0x410) == 0,
          "EC2: RDX 0x600, MXCSR and FCW 0");
    tc_vmsa_build(p, 0x80b004, 1, 0xa10f11, TC_VMM_EC2);
    CHECK(tc_le16(p + 0x12) == 0x9b, "EC2 AP: CS accessed");

    tc_vmsa_build(p, TC_VMSA_BSP_EIP, 1, 0xa10f11, TC_VMM_GCE);
    CHECK(le64at(p, 0x268) == 0x00070106 && le64at(p, 0x310) == 0x600 && tc_le16(p + 0x12) == 0x9b,
          "GCE: its own G_PAT, RDX 0x600");

    tc_vmsa_build_svsm(p, 0xffd1c000, 0x800f12);
    CHECK(tc_le16(p + 0x10) == 8 && tc_le16(p + 0x12) == 0xc9b && tc_le32(p + 0x14) == 0xffffffff &&
              tc_le16(p + 0x00) == 16 && tc_le16(p + 0x02) == 0xc93,
          "SVSM: flat protected-mode segments");
    CHECK(le64at(p, 0x178) == 0xffd1c000 && le64at(p, 0x158) == 0x11 && le64at(p, 0x3b0) == 1,
          "SVSM: RIP, CR0.PE, SEV_FEATURES 1");
    CHECK(tc_le32(p + 0x408) == 0x1f80 && tc_le16(p + 0x410) == 0,
          "SVSM: MXCSR set, FCW 0 as in the reference");
}

static void test_gctx(void)
{
    static uint8_t page[4096];
    uint8_t pi[0x70], want[48], contents[48];
    struct tc_gctx g;
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA384", NULL);

    if (!CHECK(md != NULL && tc_gctx_init(&g, NULL) == TC_ERR_OK, "gctx init")) {
        EVP_MD_free(md);
        return;
    }
    /* One NORMAL page, PAGE_INFO assembled here byte by byte (SNP ABI: PAGE_INFO). */
    memset(page, 0x5a, sizeof(page));
    CHECK_OK(tc_digest(md, page, sizeof(page), contents), "page hash");
    memset(pi, 0, sizeof(pi));
    memcpy(pi + 0x30, contents, 48);
    pi[0x60] = 0x70;
    pi[0x62] = 1;
    tc_put_le64(pi + 0x68, 0xfffff000);
    CHECK_OK(tc_digest(md, pi, sizeof(pi), want), "expected digest");
    CHECK_OK(tc_gctx_normal(&g, 0xfffff000, page, sizeof(page)), "normal page");
    CHECK(memcmp(tc_gctx_ld(&g), want, 48) == 0, "PAGE_INFO chain, normal page");
    /* Then a zero page: contents are zero, DIGEST_CUR is the previous digest. */
    memcpy(pi, want, 48);
    memset(pi + 0x30, 0, 48);
    pi[0x62] = 3;
    tc_put_le64(pi + 0x68, 0x800000);
    CHECK_OK(tc_digest(md, pi, sizeof(pi), want), "expected digest 2");
    CHECK_OK(tc_gctx_fill(&g, TC_SNP_PAGE_ZERO, 0x800000, 4096), "zero page");
    CHECK(memcmp(tc_gctx_ld(&g), want, 48) == 0, "PAGE_INFO chain, zero page");
    /* A VMSA page: GPA 0xFFFFFFFFF000, contents = its SHA-384. */
    memcpy(pi, want, 48);
    CHECK_OK(tc_digest(md, page, sizeof(page), pi + 0x30), "vmsa hash");
    pi[0x62] = 2;
    tc_put_le64(pi + 0x68, 0xFFFFFFFFF000ull);
    CHECK_OK(tc_digest(md, pi, sizeof(pi), want), "expected digest 3");
    CHECK_OK(tc_gctx_vmsa(&g, page, contents), "vmsa page");
    CHECK(memcmp(tc_gctx_ld(&g), want, 48) == 0 && memcmp(contents, pi + 0x30, 48) == 0,
          "PAGE_INFO chain, VMSA page");
    CHECK_ERR(tc_gctx_normal(&g, 0, page, 100), TC_ERR_INTERNAL, "partial page refused");
    CHECK_ERR(tc_gctx_fill(&g, 3, 0, 100), TC_ERR_INTERNAL, "partial zero page refused");
    tc_gctx_free(&g);
    /* A helper thread changes who hashes, not the result (200 pages: full and partial batches). */
    {
        size_t n = 200 * 4096, i;
        uint8_t *buf = malloc(n), a[48];
        struct tc_gctx g1, g2;

        if (CHECK(buf != NULL && tc_gctx_init(&g1, NULL) == TC_ERR_OK &&
                      tc_gctx_init(&g2, NULL) == TC_ERR_OK,
                  "two contexts")) {
            for (i = 0; i < n; i++) {
                buf[i] = (uint8_t)(i * 31 + (i >> 12));
            }
            tc_gctx_use_helper(&g2);
            CHECK(g2.helper != NULL, "helper thread started");
            CHECK_OK(tc_gctx_normal(&g1, 0xffe00000, buf, n), "200 pages, one thread");
            memcpy(a, tc_gctx_ld(&g1), 48);
            CHECK_OK(tc_gctx_normal(&g2, 0xffe00000, buf, n), "200 pages, with the helper");
            CHECK(memcmp(a, tc_gctx_ld(&g2), 48) == 0, "same chain with and without the helper");
            CHECK_OK(tc_gctx_normal(&g2, 0xffe00000, buf, 4096), "one page with the helper");
            tc_gctx_free(&g1);
            tc_gctx_free(&g2);
        }
        free(buf);
    }
    /* A seed replaces the zero start. */
    memset(contents, 0xab, 48);
    if (CHECK(tc_gctx_init(&g, contents) == TC_ERR_OK, "seeded init")) {
        CHECK(memcmp(tc_gctx_ld(&g), contents, 48) == 0, "seed is the first DIGEST_CUR");
        tc_gctx_free(&g);
    }
    EVP_MD_free(md);
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(p, 1, n, f) == n;

    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    return ok;
}

static void test_hashes(const char *dir)
{
    /* SHA-256("") and SHA-256("\0"): the absent initrd and the empty command line. */
    static const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static const char *nul = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
    static uint8_t big[700001];
    uint8_t t[TC_SEV_HASH_TABLE_PADDED], g[16], want[32], got[32];
    struct tc_sev_hashes h;
    char path[512], hex[65], initrd[512];
    uint64_t len = 0;
    size_t i;
    int zero = 1;
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);

    for (i = 0; i < sizeof(big); i++) {
        big[i] = (uint8_t)(i * 7 + (i >> 9));
    }
    snprintf(path, sizeof(path), "%s/kernel", dir);
    snprintf(initrd, sizeof(initrd), "%s/empty", dir);
    if (!CHECK(md != NULL && write_file(path, big, sizeof(big)) && write_file(initrd, "", 0),
               "write test files")) {
        EVP_MD_free(md);
        return;
    }
    CHECK_OK(tc_sha256_file(path, "kernel", got, &len), "stream a 700 KB file");
    CHECK_OK(tc_digest(md, big, sizeof(big), want), "one-shot SHA-256");
    CHECK(memcmp(got, want, 32) == 0 && len == sizeof(big), "streamed hash = one-shot hash");
    CHECK_ERR(tc_sha256_file("/nonexistent/kernel", "kernel", got, &len), TC_ERR_IO,
              "missing file");
    CHECK_ERR(tc_sha256_file(dir, "kernel", got, &len), TC_ERR_IO, "a directory");

    CHECK_OK(tc_sev_hashes_compute(path, NULL, NULL, &h), "hashes without initrd/cmdline");
    CHECK(strcmp(tc_hex_encode(h.initrd, 32, hex), empty) == 0, "absent initrd hashes as empty");
    CHECK(strcmp(tc_hex_encode(h.cmdline, 32, hex), nul) == 0, "absent cmdline hashes as NUL");
    CHECK_OK(tc_sev_hashes_compute(path, initrd, "", &h), "empty initrd file, empty cmdline");
    CHECK(strcmp(tc_hex_encode(h.initrd, 32, hex), empty) == 0, "empty initrd file");
    CHECK(strcmp(tc_hex_encode(h.cmdline, 32, hex), nul) == 0, "empty cmdline");
    CHECK_OK(tc_sev_hashes_compute(path, NULL, "console=ttyS0", &h), "with cmdline");
    CHECK_OK(tc_digest(md, "console=ttyS0", 14, want), "SHA-256 of cmdline + NUL");
    CHECK(memcmp(h.cmdline, want, 32) == 0, "command line hashed with its NUL");
    CHECK_ERR(tc_sev_hashes_compute(path, "/nonexistent/initrd", NULL, &h), TC_ERR_IO,
              "missing initrd");

    /* QEMU's SevHashTable: header GUID, u16 168, then cmdline, initrd, kernel entries. */
    tc_sev_hashes_table(&h, t);
    CHECK(tc_guid_parse("9438d606-4f22-4cc9-b479-a793d411fd21", g) == TC_ERR_OK &&
              memcmp(t, g, 16) == 0 && tc_le16(t + 16) == 168,
          "table header");
    CHECK(tc_guid_parse("97d02dd8-bd20-4c94-aa78-e7714d36ab2a", g) == TC_ERR_OK &&
              memcmp(t + 18, g, 16) == 0 && tc_le16(t + 34) == 50 &&
              memcmp(t + 36, h.cmdline, 32) == 0,
          "cmdline entry");
    CHECK(tc_guid_parse("44baf731-3a2f-4bd7-9af1-41e29169781d", g) == TC_ERR_OK &&
              memcmp(t + 68, g, 16) == 0 && tc_le16(t + 84) == 50 &&
              memcmp(t + 86, h.initrd, 32) == 0,
          "initrd entry");
    CHECK(tc_guid_parse("4de79437-abd2-427f-b835-d5b172d2045b", g) == TC_ERR_OK &&
              memcmp(t + 118, g, 16) == 0 && tc_le16(t + 134) == 50 &&
              memcmp(t + 136, h.kernel, 32) == 0,
          "kernel entry");
    for (i = 168; i < sizeof(t); i++) {
        zero &= t[i] == 0;
    }
    CHECK(zero, "padding to 176 bytes is zero");
    unlink(path);
    unlink(initrd);
    EVP_MD_free(md);
}

/* A small measurable image: the layout of tests/tools/gen-ovmf-corpus.py's kernel_hashes.bin. */
static size_t put_entry(uint8_t *img, size_t pos, const char *guid, const uint8_t *d, size_t n)
{
    uint8_t g[16];

    memcpy(img + pos, d, n);
    tc_put_le16(img + pos + n, (uint16_t)(n + 18));
    if (tc_guid_parse(guid, g) == TC_ERR_OK) {
        memcpy(img + pos + n + 2, g, 16);
    }
    return pos + n + 18;
}

static void synth(uint8_t *img, uint32_t reset, int kernel_hashes)
{
    static const uint32_t secs[][3] = {{0x800000, 0x9000, 1}, {0x80a000, 0x3000, 1},
                                       {0x80d000, 0x1000, 2}, {0x80e000, 0x1000, 3},
                                       {0x80f000, 0x1000, 4}, {0x810000, 0x1000, 0x10}};
    uint8_t d[8], g[16];
    size_t pos = 0xe00, i, n = kernel_hashes ? 6 : 5;

    memset(img, 0xcc, 4096);
    memcpy(img + 0x800, "ASEV", 4);
    tc_put_le32(img + 0x804, (uint32_t)(16 + 12 * n));
    tc_put_le32(img + 0x808, 1);
    tc_put_le32(img + 0x80c, (uint32_t)n);
    for (i = 0; i < n; i++) {
        tc_put_le32(img + 0x810 + 12 * i, secs[i][0]);
        tc_put_le32(img + 0x814 + 12 * i, secs[i][1]);
        tc_put_le32(img + 0x818 + 12 * i, secs[i][2]);
    }
    tc_put_le32(d, kernel_hashes ? 0x810c00 : 0);
    tc_put_le32(d + 4, kernel_hashes ? 0x400 : 0);
    pos = put_entry(img, pos, TC_GUID_SEV_HASH_TABLE_RV, d, 8);
    tc_put_le32(d, reset);
    pos = put_entry(img, pos, TC_GUID_SEV_ES_RESET_BLOCK, d, 4);
    tc_put_le32(d, 4096 - 0x800);
    pos = put_entry(img, pos, TC_GUID_OVMF_SEV_METADATA, d, 4);
    tc_put_le16(img + pos, (uint16_t)(pos - 0xe00 + 18));
    if (tc_guid_parse(TC_GUID_OVMF_TABLE_FOOTER, g) == TC_ERR_OK) {
        memcpy(img + pos + 2, g, 16);
    }
    /* Move the table so that it ends 32 bytes before the end. */
    memmove(img + 4096 - 32 - (pos + 18 - 0xe00), img + 0xe00, pos + 18 - 0xe00);
}

struct cb_state {
    unsigned calls, fail_at;
    uint8_t last[4096];
};

static tc_err vmsa_cb(void *ctx, unsigned vcpu, const uint8_t *page, size_t len)
{
    struct cb_state *s = ctx;

    if (len != 4096 || vcpu != s->calls) {
        return tc_fail(TC_ERR_INTERNAL, "callback order");
    }
    s->calls++;
    memcpy(s->last, page, len);
    if (s->calls == s->fail_at) {
        return tc_fail(TC_ERR_IO, "disk full");
    }
    return TC_ERR_OK;
}

static void test_measure(const char *dir)
{
    static uint8_t img[4096], img2[4096];
    static struct tc_measure_result r, r2;
    struct tc_measure_input in;
    struct cb_state cb;
    char fwpath[512], kpath[512], *json = NULL;
    uint8_t seed[48];

    synth(img, 0x80b004, 1);
    snprintf(fwpath, sizeof(fwpath), "%s/fw.bin", dir);
    snprintf(kpath, sizeof(kpath), "%s/k.bin", dir);
    if (!CHECK(write_file(fwpath, img, sizeof(img)) && write_file(kpath, "KKKK", 4),
               "write firmware and kernel")) {
        return;
    }
    memset(&in, 0, sizeof(in));
    in.mode = TC_SEV_MODE_SNP;
    in.vcpus = 3;
    in.vcpu_sig = 0x800f12;
    in.guest_features = 1;
    in.ovmf_data = img;
    in.ovmf_len = sizeof(img);
    CHECK_OK(tc_measure_sev(&in, &r), "SNP from memory");
    in.threads = 2;
    CHECK_OK(tc_measure_sev(&in, &r2), "SNP with a helper thread");
    CHECK(memcmp(r.digest, r2.digest, 48) == 0, "same digest with a helper thread");
    in.threads = 0;
    in.ovmf_data = NULL;
    in.ovmf = fwpath;
    CHECK_OK(tc_measure_sev(&in, &r2), "SNP from a file");
    CHECK(r.digest_len == 48 && memcmp(r.digest, r2.digest, 48) == 0,
          "same digest from memory and from a file");
    CHECK(r.fw_gpa == 0xfffff000 && r.fw_len == 4096 && r.n_sections == 6 &&
              r.reset_eip == 0x80b004,
          "result describes the firmware");
    /* firmware, 6 sections, BSP VMSA, AP VMSAs */
    CHECK(r.n_regions == 9 && strcmp(r.regions[0].what, "firmware") == 0 &&
              strcmp(r.regions[7].what, "vmsa") == 0 && r.regions[8].count == 2 &&
              r.regions[8].first == 1,
          "measured steps in order");
    /* The snp:ovmf-hash of the firmware seeds the same chain. */
    memcpy(seed, r.fw_snp_hash, 48);
    in.ovmf_hash = seed;
    CHECK_OK(tc_measure_sev(&in, &r2), "SNP with a precomputed OVMF hash");
    CHECK(memcmp(r.digest, r2.digest, 48) == 0, "precomputed hash gives the same digest");
    in.ovmf_hash = NULL;
    in.mode = TC_SEV_MODE_SNP_OVMF_HASH;
    CHECK_OK(tc_measure_sev(&in, &r2), "snp:ovmf-hash");
    CHECK(memcmp(r2.digest, seed, 48) == 0, "snp:ovmf-hash is the chain after the firmware");

    /* Kernel hashes change SNP, SEV-ES and SEV digests. */
    in.mode = TC_SEV_MODE_SNP;
    in.kernel = kpath;
    in.append = "console=ttyS0";
    CHECK_OK(tc_measure_sev(&in, &r2), "SNP with a kernel");
    CHECK(r2.have_kernel && r2.kernel_len == 4 && memcmp(r.digest, r2.digest, 48) != 0,
          "kernel measured");
    in.mode = TC_SEV_MODE_SEV_ES;
    CHECK_OK(tc_measure_sev(&in, &r2), "SEV-ES with a kernel");
    CHECK(r2.digest_len == 32, "SEV-ES digest is SHA-256");
    in.mode = TC_SEV_MODE_SEV;
    in.vcpus = 0; /* unused in sev mode */
    CHECK_OK(tc_measure_sev(&in, &r2), "SEV with a kernel, no vCPU count");
    in.vcpus = 3;

    /* Callbacks: one per vCPU, in order; a failure aborts with that error. */
    in.mode = TC_SEV_MODE_SNP;
    in.kernel = NULL;
    in.append = NULL;
    memset(&cb, 0, sizeof(cb));
    in.vmsa_cb = vmsa_cb;
    in.vmsa_ctx = &cb;
    CHECK_OK(tc_measure_sev(&in, &r2), "VMSA callback");
    CHECK(cb.calls == 3 && tc_le64(cb.last + 0x178) == 0xb004, "three VMSAs, the last an AP");
    memset(&cb, 0, sizeof(cb));
    cb.fail_at = 2;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_IO, "callback failure aborts");
    CHECK(r2.digest_len == 0, "no digest after a failure");
    in.vmsa_cb = NULL;

    /* JSON: parseable, and it carries the digest. */
    in.want_file_hashes = 1;
    if (CHECK(tc_measure_sev(&in, &r2) == TC_ERR_OK, "measure with file hashes") &&
        CHECK(tc_measure_json(&in, &r2, &json) == TC_ERR_OK, "JSON")) {
        json_error_t err;
        json_t *j = json_loads(json, 0, &err);
        char hex[97];

        CHECK(j != NULL && strcmp(json_string_value(json_object_get(j, "digest")),
                                  tc_hex_encode(r2.digest, 48, hex)) == 0,
              "JSON digest");
        CHECK(j != NULL && json_array_size(json_object_get(j, "measured")) == 9,
              "JSON lists the measured steps");
        CHECK(j != NULL && json_is_string(json_object_get(
                               json_object_get(json_object_get(j, "inputs"), "ovmf"), "sha256")),
              "JSON has the firmware's SHA-256");
        json_decref(j);
    }
    free(json);
    in.want_file_hashes = 0;

    /* Refusals: inconsistent input (usage) and firmware that cannot do what is asked. */
    in.vcpus = 0;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "no vCPU");
    in.vcpus = TC_MEASURE_MAX_VCPUS + 1;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "too many vCPUs");
    in.vcpus = 2;
    in.initrd = kpath;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "initrd without a kernel");
    in.initrd = NULL;
    in.append = "x";
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "cmdline without a kernel");
    in.append = "";
    CHECK_OK(tc_measure_sev(&in, &r2), "an empty cmdline counts as none");
    in.append = NULL;
    in.mode = TC_SEV_MODE_SEV_ES;
    in.ovmf_hash = seed;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "OVMF hash outside snp mode");
    in.ovmf_hash = NULL;
    in.mode = TC_SEV_MODE_SNP_SVSM;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "snp:svsm without an SVSM");
    in.svsm = fwpath;
    in.vmm = TC_VMM_GCE;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "snp:svsm with GCE");
    in.vmm = TC_VMM_QEMU;
    in.vars_size = 1000;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "OVMF_VARS size not page-aligned");
    in.vars_size = 4096;
    in.kernel = kpath;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "snp:svsm with a kernel");
    in.kernel = NULL;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_UNSUPPORTED, "an SVSM without SVSM info");
    in.svsm = NULL;
    in.mode = TC_SEV_MODE_SNP;
    in.vmm = (enum tc_vmm_type)7;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "unknown VMM");
    in.vmm = TC_VMM_QEMU;
    in.ovmf = "/nonexistent/OVMF.fd";
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_IO, "missing firmware");
    in.ovmf = dir;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_IO, "firmware is a directory");
    in.ovmf = NULL;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_USAGE, "no firmware");
    in.ovmf = fwpath;
    in.kernel = "/nonexistent/vmlinuz";
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_IO, "missing kernel");

    /* Firmware without kernel-hash support, or whose AP entry is 0. */
    synth(img2, 0x80b004, 0);
    in.ovmf = NULL;
    in.ovmf_data = img2;
    in.ovmf_len = sizeof(img2);
    in.kernel = kpath;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_UNSUPPORTED, "SNP kernel without hashes section");
    in.mode = TC_SEV_MODE_SEV;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_UNSUPPORTED, "SEV kernel without hashes area");
    in.mode = TC_SEV_MODE_SNP;
    in.kernel = NULL;
    synth(img2, 0, 1);
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_MALFORMED, "AP reset address 0 with 2 vCPUs");
    in.vcpus = 1;
    CHECK_OK(tc_measure_sev(&in, &r2), "AP reset address 0 with 1 vCPU");
    in.ovmf_len = 4095;
    CHECK_ERR(tc_measure_sev(&in, &r2), TC_ERR_MALFORMED, "firmware not page-sized");
    unlink(fwpath);
    unlink(kpath);
}

int main(void)
{
    char dir[] = "/tmp/tc-test-measure-XXXXXX";

    test_names();
    test_vmsa();
    test_gctx();
    if (mkdtemp(dir) == NULL) {
        CHECK(0, "temporary directory");
        return t_done();
    }
    test_hashes(dir);
    test_measure(dir);
    rmdir(dir);
    return t_done();
}
