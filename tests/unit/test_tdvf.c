/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MRTD from TDVF metadata: a synthetic TDVF image whose MRTD is computed here
 * independently (one SHA-384 over the whole stream of extension buffers),
 * metadata negatives, and Debian's /usr/share/ovmf/OVMF.fd cross-checked with
 * tests/support/tdx_mrtd.py (a separate implementation, written from the TDX
 * module specification in Python).
 */
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "harness.h"
#include "core/reader.h"
#include "measure/fwtable.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"

#define IMG 0x8000
#define META 0x100

struct sec {
    uint32_t off, raw;
    uint64_t gpa, mem;
    uint32_t type, attr;
};

static const struct sec SECS[] = {
    {0x1000, 0x2000, 0x80000000, 0x2000, 0, 1}, /* BFV, extended */
    {0x3000, 0x1000, 0x80002000, 0x1000, 1, 0}, /* CFV */
    {0, 0, 0x1000, 0x1000, 2, 0},               /* TD_HOB */
    {0, 0, 0x100000, 0x2000, 3, 0},             /* TempMem */
    {0, 0, 0x200000, 0x1000, 4, 2},             /* PermMem, PAGE.AUG: not added */
    {0x4000, 0x800, 0x300000, 0x1000, 3, 1},    /* half a page of data, extended */
};
#define NSECS (sizeof(SECS) / sizeof(SECS[0]))

static void build(uint8_t *img, const struct sec *s, size_t n)
{
    uint8_t g[16];
    size_t i, end = IMG - 32;

    memset(img, 0, IMG);
    for (i = 0x1000; i < 0x5000; i++) {
        img[i] = (uint8_t)(i * 7 + (i >> 8));
    }
    memcpy(img + META, "TDVF", 4);
    tc_put_le32(img + META + 4, (uint32_t)(16 + 32 * n));
    tc_put_le32(img + META + 8, 1);
    tc_put_le32(img + META + 12, (uint32_t)n);
    for (i = 0; i < n; i++) {
        uint8_t *p = img + META + 16 + 32 * i;

        tc_put_le32(p, s[i].off);
        tc_put_le32(p + 4, s[i].raw);
        tc_put_le64(p + 8, s[i].gpa);
        tc_put_le64(p + 16, s[i].mem);
        tc_put_le32(p + 24, s[i].type);
        tc_put_le32(p + 28, s[i].attr);
    }
    /* footer table: [u32 back][u16 22][TDX GUID] [u16 40][footer GUID] then 32 bytes */
    tc_put_le16(img + end - 18, 18 + 22);
    if (tc_guid_parse(TC_GUID_OVMF_TABLE_FOOTER, g) == TC_ERR_OK) {
        memcpy(img + end - 16, g, 16);
    }
    tc_put_le32(img + end - 40, IMG - META);
    tc_put_le16(img + end - 36, 22);
    if (tc_guid_parse(TC_GUID_TDX_METADATA, g) == TC_ERR_OK) {
        memcpy(img + end - 34, g, 16);
    }
}

/* Independent MRTD: collect the whole stream of buffers, then hash once. */
static void expected(const uint8_t *img, const struct sec *s, size_t n, int two_pass,
                     uint8_t out[48])
{
    static uint8_t stream[1 << 20];
    size_t len = 0, i;
    uint64_t p, c;
    unsigned int ol;

    for (i = 0; i < n; i++) {
        int ext = s[i].attr & 1;

        if ((s[i].attr & 2) || s[i].type == 4) {
            continue;
        }
        for (int pass = 0; pass < 2; pass++) {
            for (p = 0; p < s[i].mem; p += 4096) {
                if (pass == 0) {
                    memset(stream + len, 0, 128);
                    memcpy(stream + len, "MEM.PAGE.ADD", 12);
                    tc_put_le64(stream + len + 16, s[i].gpa + p);
                    len += 128;
                }
                if (ext && (two_pass ? pass == 1 : pass == 0)) {
                    for (c = 0; c < 4096; c += 256) {
                        uint64_t o = p + c, k;

                        memset(stream + len, 0, 128);
                        memcpy(stream + len, "MR.EXTEND", 9);
                        tc_put_le64(stream + len + 16, s[i].gpa + o);
                        len += 128;
                        for (k = 0; k < 256; k++) {
                            stream[len + k] = o + k < s[i].raw ? img[s[i].off + o + k] : 0;
                        }
                        len += 256;
                    }
                }
            }
        }
    }
    EVP_Digest(stream, len, out, &ol, EVP_sha384(), NULL);
}

static void test_synthetic(void)
{
    static uint8_t img[IMG];
    struct tc_tdvf_metadata m;
    uint8_t got[48], want[48], other[48];

    build(img, SECS, NSECS);
    CHECK(tc_tdvf_metadata_parse(img, IMG, &m) == TC_ERR_OK && m.n == NSECS && m.offset == META &&
              m.s[5].raw_size == 0x800,
          "synthetic TDVF metadata parses");
    expected(img, SECS, NSECS, 0, want);
    CHECK(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_PER_PAGE, got) == TC_ERR_OK &&
              memcmp(got, want, 48) == 0,
          "per-page MRTD equals the independent computation");
    expected(img, SECS, NSECS, 1, want);
    CHECK(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_TWO_PASS, other) == TC_ERR_OK &&
              memcmp(other, want, 48) == 0,
          "two-pass MRTD equals the independent computation");
    CHECK(memcmp(got, other, 48) != 0, "the two orders differ when a section is extended");
    img[0x1234] ^= 1;
    CHECK(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_PER_PAGE, other) == TC_ERR_OK &&
              memcmp(got, other, 48) != 0,
          "a changed byte of an extended section changes MRTD");
    img[0x1234] ^= 1;
    img[0x3100] ^= 1;
    CHECK(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_PER_PAGE, other) == TC_ERR_OK &&
              memcmp(got, other, 48) == 0,
          "a changed byte of an unextended section (CFV) leaves MRTD alone");
    img[0x3100] ^= 1;
}

static void test_negatives(void)
{
    static uint8_t img[IMG];
    struct tc_tdvf_metadata m;
    struct sec s[NSECS];
    uint8_t mrtd[48];

    build(img, SECS, NSECS);
    img[META] = 'X';
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "bad TDVF signature");
    build(img, SECS, NSECS);
    img[META + 8] = 2;
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_VERSION, "TDVF version 2");
    build(img, SECS, NSECS);
    img[META + 4] += 1;
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "length mismatch");
    build(img, SECS, 0);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "no sections");
    memcpy(s, SECS, sizeof(s));
    s[0].gpa += 0x10;
    build(img, s, NSECS);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "unaligned address");
    memcpy(s, SECS, sizeof(s));
    s[1].raw = 0x2000;
    build(img, s, NSECS);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "raw size > memory size");
    memcpy(s, SECS, sizeof(s));
    s[0].off = IMG - 0x1000;
    build(img, s, NSECS);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "data outside the image");
    memcpy(s, SECS, sizeof(s));
    s[0].attr = 4;
    build(img, s, NSECS);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_RESERVED, "reserved attribute bit");
    memcpy(s, SECS, sizeof(s));
    s[0].type = 99;
    build(img, s, NSECS);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_UNSUPPORTED, "unknown section type");
    /* Sizes are 64-bit and come from the image: a huge TempMem is refused, not hashed for
     * ever (2^62 bytes would be 2^50 PAGE.ADD buffers). */
    memcpy(s, SECS, sizeof(s));
    s[3].mem = (uint64_t)1 << 62;
    build(img, s, NSECS);
    CHECK(tc_tdvf_metadata_parse(img, IMG, &m) == TC_ERR_OK, "a 2^62-byte TempMem parses");
    CHECK_ERR(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_PER_PAGE, mrtd), TC_ERR_TOO_LARGE,
              "MRTD over 2^62 bytes of TempMem: refused");
    memcpy(s, SECS, sizeof(s));
    s[3].mem = (uint64_t)4 << 30; /* 4 GiB + the other sections: just over the limit */
    build(img, s, NSECS);
    CHECK_ERR(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_TWO_PASS, mrtd), TC_ERR_TOO_LARGE,
              "MRTD over 4 GiB of added memory in all: refused");
    memcpy(s, SECS, sizeof(s));
    s[4].mem = (uint64_t)1 << 62; /* PermMem, PAGE.AUG: never added, so no limit */
    build(img, s, NSECS);
    CHECK_OK(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_PER_PAGE, mrtd), "a huge PAGE.AUG PermMem is fine");
    build(img, SECS, NSECS);
    tc_put_le32(img + IMG - 32 - 40, IMG + 1);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_MALFORMED, "metadata offset too large");
    memset(img, 0, IMG);
    CHECK_ERR(tc_tdvf_metadata_parse(img, IMG, &m), TC_ERR_UNSUPPORTED, "no footer table");
    CHECK_ERR(tc_tdx_mrtd(img, IMG, TC_TDX_MRTD_PER_PAGE, mrtd), TC_ERR_UNSUPPORTED,
              "no MRTD without TDX metadata");
    /* The descriptor runs past the image: its sections are cut off. */
    memcpy(s, SECS, sizeof(s));
    build(img, s, NSECS);
    tc_put_le32(img + IMG - 32 - 40, 40);
    memcpy(img + IMG - 40, "TDVF", 4);
    tc_put_le32(img + IMG - 36, 16 + 32 * NSECS);
    tc_put_le32(img + IMG - 32, 1);
    tc_put_le32(img + IMG - 28, NSECS);
    CHECK(tc_tdvf_metadata_parse(img, IMG, &m) != TC_ERR_OK, "descriptor running off the image");
}

static void test_ovmf(void)
{
    const char *path = "/usr/share/ovmf/OVMF.fd";
    static const char *const orders[] = {"per-page", "two-pass"};
    struct tc_tdvf_metadata m;
    uint8_t *fw = NULL, mrtd[48];
    size_t len = 0, i;
    char hex[97], cmd[512], line[256];

    if (tc_file_read(path, (size_t)64 << 20, &fw, &len) != TC_ERR_OK) {
        t_skip("%s absent (Debian package ovmf)", path);
        return;
    }
    i = tc_tdvf_metadata_parse(fw, len, &m) == TC_ERR_OK;
    CHECK(i && m.n >= 2 && m.s[0].type == TC_TDVF_BFV &&
              (m.s[0].attributes & TC_TDVF_ATTR_MR_EXTEND),
          "Debian OVMF.fd carries TDVF metadata (%zu sections, BFV extended)", m.n);
    for (i = 0; i < 2; i++) {
        FILE *p;

        if (tc_tdx_mrtd(fw, len, (enum tc_tdx_mrtd_order)i, mrtd) != TC_ERR_OK) {
            CHECK(0, "OVMF.fd MRTD (%s): %s", orders[i], tc_err_detail());
            continue;
        }
        tc_hex_encode(mrtd, 48, hex);
        snprintf(cmd, sizeof(cmd), "python3 tests/support/tdx_mrtd.py %s %s 2>&1", path, orders[i]);
        p = popen(cmd, "r");
        line[0] = '\0';
        if (p == NULL || fgets(line, sizeof(line), p) == NULL) {
            t_skip("python3 not available for the cross-check");
            if (p != NULL) {
                pclose(p);
            }
            continue;
        }
        pclose(p);
        line[strcspn(line, "\n")] = '\0';
        CHECK(strcmp(line, hex) == 0, "OVMF.fd MRTD (%s) %s equals the Python computation (%s)",
              orders[i], hex, line);
    }
    free(fw);
}

int main(void)
{
    test_synthetic();
    test_negatives();
    test_ovmf();
    return t_done();
}
