/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SEV firmware parser (footer table entries + "ASEV" metadata): real images, synthetic
 * images built here field by field, and every way to break them.
 */
#include <stdint.h>

#include "harness.h"
#include "core/reader.h"
#include "measure/fwtable.h"
#include "measure/sevfw.h"
#include "trustchain/util.h"

#define IMG 4096
#define META_AT 0x800

struct sec {
    uint32_t gpa, len, type;
};

struct opts {
    int no_meta_entry, no_reset, no_hashes;
    uint32_t reset_eip, hashes_gpa, hashes_len;
    uint32_t meta_from_end; /* 0: the real offset */
    const char *sig;
    uint32_t version, size_delta, count_override, use_count;
    int reset_len; /* 0: 4 */
};

/* Append a table entry {data, u16 size, GUID} at *pos. */
static void entry(uint8_t *img, size_t *pos, const char *guid, const uint8_t *data, size_t n)
{
    uint8_t g[16];

    memcpy(img + *pos, data, n);
    tc_put_le16(img + *pos + n, (uint16_t)(n + 18));
    if (tc_guid_parse(guid, g) == TC_ERR_OK) {
        memcpy(img + *pos + n + 2, g, 16);
    }
    *pos += n + 18;
}

/* An image of IMG bytes: metadata at META_AT, the table just before the last 32 bytes. */
static void build(uint8_t *img, const struct sec *s, size_t n, const struct opts *o)
{
    uint8_t tbl[512], d[8], g[16];
    size_t pos = 0, i, tlen;

    memset(img, 0xcc, IMG);
    memcpy(img + META_AT, o->sig != NULL ? o->sig : "ASEV", 4);
    tc_put_le32(img + META_AT + 4, (uint32_t)(16 + 12 * n) + o->size_delta);
    tc_put_le32(img + META_AT + 8, o->version != 0 ? o->version : 1);
    tc_put_le32(img + META_AT + 12, o->use_count ? o->count_override : (uint32_t)n);
    for (i = 0; i < n; i++) {
        tc_put_le32(img + META_AT + 16 + 12 * i, s[i].gpa);
        tc_put_le32(img + META_AT + 20 + 12 * i, s[i].len);
        tc_put_le32(img + META_AT + 24 + 12 * i, s[i].type);
    }
    if (!o->no_hashes) {
        tc_put_le32(d, o->hashes_gpa);
        tc_put_le32(d + 4, o->hashes_len);
        entry(tbl, &pos, TC_GUID_SEV_HASH_TABLE_RV, d, 8);
    }
    if (!o->no_reset) {
        memset(d, 0, sizeof(d));
        tc_put_le32(d, o->reset_eip);
        entry(tbl, &pos, TC_GUID_SEV_ES_RESET_BLOCK, d, o->reset_len ? (size_t)o->reset_len : 4);
    }
    if (!o->no_meta_entry) {
        tc_put_le32(d, o->meta_from_end ? o->meta_from_end : IMG - META_AT);
        entry(tbl, &pos, TC_GUID_OVMF_SEV_METADATA, d, 4);
    }
    tc_put_le16(tbl + pos, (uint16_t)(pos + 18));
    if (tc_guid_parse(TC_GUID_OVMF_TABLE_FOOTER, g) == TC_ERR_OK) {
        memcpy(tbl + pos + 2, g, 16);
    }
    tlen = pos + 18;
    memcpy(img + IMG - 32 - tlen, tbl, tlen);
}

static const struct sec good[] = {
    {0x800000, 0x9000, TC_SEV_SECTION_SNP_SEC_MEM},
    {0x80a000, 0x3000, TC_SEV_SECTION_SNP_SEC_MEM},
    {0x80d000, 0x1000, TC_SEV_SECTION_SNP_SECRETS},
    {0x80e000, 0x1000, TC_SEV_SECTION_CPUID},
    {0x80f000, 0x1000, TC_SEV_SECTION_SVSM_CAA},
    {0x810000, 0x1000, TC_SEV_SECTION_SNP_KERNEL_HASHES},
};
#define NGOOD (sizeof(good) / sizeof(good[0]))

static void test_synthetic_ok(void)
{
    static uint8_t img[IMG];
    struct opts o = {.reset_eip = 0x80b004, .hashes_gpa = 0x810c00, .hashes_len = 0x400};
    struct tc_sev_fw fw;

    build(img, good, NGOOD, &o);
    CHECK_OK(tc_sev_fw_parse(img, IMG, "firmware", &fw), "synthetic image parses");
    CHECK(fw.n_sections == NGOOD, "six sections");
    CHECK(fw.sections[5].gpa == 0x810000 && fw.sections[5].len == 0x1000 &&
              fw.sections[5].type == TC_SEV_SECTION_SNP_KERNEL_HASHES &&
              strcmp(fw.sections[5].type_name, "SNP_KERNEL_HASHES") == 0,
          "kernel-hashes section read field by field");
    CHECK(fw.have_reset && fw.reset_eip == 0x80b004, "reset EIP");
    CHECK(fw.have_hashes_area && fw.hashes_gpa == 0x810c00 && fw.hashes_size == 0x400,
          "kernel-hashes area");
    CHECK(!fw.have_svsm_info, "no SVSM info");
    CHECK(tc_sev_fw_find_section(&fw, TC_SEV_SECTION_CPUID) == 3, "find CPUID");
    CHECK(tc_sev_fw_find_section(&fw, 0x99) == -1, "find absent type");
    CHECK_OK(tc_sev_fw_check_placement(&fw, "firmware", 0x100000000ull - IMG, IMG, "firmware"),
             "sections clear of the firmware at the top of 4 GiB");
    CHECK_ERR(tc_sev_fw_check_placement(&fw, "firmware", 0x80f800, 0x1000, "SVSM"),
              TC_ERR_MALFORMED, "a section overlapping a loaded image is refused");
    /* The tail entry point gives the same answer on the same bytes. */
    CHECK_OK(tc_sev_fw_parse_tail(img, IMG, IMG, "firmware", &fw), "tail parse of a small image");
    CHECK_ERR(tc_sev_fw_parse_tail(img, IMG - 4096 + 8, IMG, "firmware", &fw), TC_ERR_INTERNAL,
              "tail length inconsistent with the image length");
}

static void expect_refusal(const struct sec *s, size_t n, const struct opts *o, tc_err want,
                           const char *what)
{
    static uint8_t img[IMG];
    struct tc_sev_fw fw;

    build(img, s, n, o);
    CHECK_ERR(tc_sev_fw_parse(img, IMG, "firmware", &fw), want, "%s", what);
}

static void test_synthetic_bad(void)
{
    struct opts base = {.reset_eip = 0x80b004, .hashes_gpa = 0x810c00, .hashes_len = 0x400};
    struct opts o;
    struct sec s[8];
    static uint8_t img[IMG];
    struct tc_sev_fw fw;

    o = base;
    o.no_meta_entry = 1;
    expect_refusal(good, NGOOD, &o, TC_ERR_UNSUPPORTED, "no SEV metadata entry");
    memset(img, 0, sizeof(img));
    CHECK_ERR(tc_sev_fw_parse(img, IMG, "firmware", &fw), TC_ERR_UNSUPPORTED, "no footer table");
    CHECK_ERR(tc_sev_fw_parse(img, 0, "firmware", &fw), TC_ERR_TRUNCATED, "empty image");
    CHECK_ERR(tc_sev_fw_parse(img, IMG - 1, "firmware", &fw), TC_ERR_MALFORMED,
              "size not a multiple of 4 KiB");
    o = base;
    o.sig = "ASEW";
    expect_refusal(good, NGOOD, &o, TC_ERR_MALFORMED, "wrong signature");
    o = base;
    o.version = 2;
    expect_refusal(good, NGOOD, &o, TC_ERR_VERSION, "version 2");
    o = base;
    o.size_delta = 12;
    expect_refusal(good, NGOOD, &o, TC_ERR_MALFORMED, "header size larger than the sections");
    o = base;
    o.size_delta = (uint32_t)-4;
    expect_refusal(good, NGOOD, &o, TC_ERR_MALFORMED, "header size smaller than the sections");
    o = base;
    o.use_count = 1;
    o.count_override = 1000;
    expect_refusal(good, NGOOD, &o, TC_ERR_TOO_LARGE, "1000 sections");
    o = base;
    o.use_count = 1;
    o.count_override = 0;
    o.size_delta = (uint32_t)(-12 * (int)NGOOD);
    expect_refusal(good, NGOOD, &o, TC_ERR_UNSUPPORTED, "no sections");
    o = base;
    o.meta_from_end = IMG + 4096;
    expect_refusal(good, NGOOD, &o, TC_ERR_MALFORMED, "metadata offset beyond the image");
    o = base;
    o.meta_from_end = 8;
    expect_refusal(good, NGOOD, &o, TC_ERR_MALFORMED, "metadata offset inside its own header");
    /* A valid header in the last 32 bytes whose sections would run past the end. */
    o = base;
    o.meta_from_end = 32;
    build(img, good, NGOOD, &o);
    memcpy(img + IMG - 32, img + META_AT, 16);
    CHECK_ERR(tc_sev_fw_parse(img, IMG, "firmware", &fw), TC_ERR_TRUNCATED,
              "metadata sections truncated by the end of the image");
    o = base;
    o.reset_len = 5;
    expect_refusal(good, NGOOD, &o, TC_ERR_MALFORMED, "reset block entry of 5 bytes");

    memcpy(s, good, sizeof(good));
    s[2].type = 7;
    expect_refusal(s, NGOOD, &base, TC_ERR_UNSUPPORTED, "unknown section type");
    memcpy(s, good, sizeof(good));
    s[0].gpa = 0x800800;
    expect_refusal(s, NGOOD, &base, TC_ERR_MALFORMED, "unaligned section address");
    memcpy(s, good, sizeof(good));
    s[0].len = 0x8800;
    expect_refusal(s, NGOOD, &base, TC_ERR_MALFORMED, "unaligned section length");
    memcpy(s, good, sizeof(good));
    s[0].len = 0;
    expect_refusal(s, NGOOD, &base, TC_ERR_MALFORMED, "empty section");
    memcpy(s, good, sizeof(good));
    s[0].gpa = 0xfffff000;
    s[0].len = 0x2000;
    expect_refusal(s, NGOOD, &base, TC_ERR_MALFORMED, "section beyond 4 GiB");
    memcpy(s, good, sizeof(good));
    s[2].len = 0x2000;
    expect_refusal(s, NGOOD, &base, TC_ERR_MALFORMED, "secrets section of two pages");
    memcpy(s, good, sizeof(good));
    s[1].gpa = 0x808000;
    expect_refusal(s, NGOOD, &base, TC_ERR_MALFORMED, "overlapping sections");
    memcpy(s, good, sizeof(good));
    s[NGOOD] = (struct sec){0x900000, 0x1000, TC_SEV_SECTION_CPUID};
    expect_refusal(s, NGOOD + 1, &base, TC_ERR_MALFORMED, "two CPUID sections");
}

static void test_names(void)
{
    CHECK(strcmp(tc_sev_section_name(1), "SNP_SEC_MEM") == 0 &&
              strcmp(tc_sev_section_name(2), "SNP_SECRETS") == 0 &&
              strcmp(tc_sev_section_name(3), "CPUID") == 0 &&
              strcmp(tc_sev_section_name(4), "SVSM_CAA") == 0 &&
              strcmp(tc_sev_section_name(0x10), "SNP_KERNEL_HASHES") == 0,
          "section type names (OvmfSevMetadata.asm)");
    CHECK(tc_sev_section_name(0) == NULL && tc_sev_section_name(5) == NULL,
          "unknown section types have no name");
}

/* Real images; expected values read from them with the reference tool's parser. */
static void test_real(void)
{
    static const struct {
        const char *file; /* under ../shared/testdata, or absolute */
        size_t n_sections;
        uint32_t reset, hashes_gpa, last_gpa, last_len, last_type;
        tc_err err;
    } cases[] = {
        {"ovmf/ovmf_AmdSev_suffix.bin", 7, 0x80b004, 0x810c00, 0x811000, 0xf000, 1, TC_ERR_OK},
        {"ovmf/ovmf_OvmfX64_suffix.bin", 6, 0x80b004, 0, 0x810000, 0x10000, 1, TC_ERR_OK},
        {"ovmf/svsm_ovmf.fd", 6, 0x80b004, 0, 0x810000, 0x10000, 1, TC_ERR_OK},
        {"ovmf/svsm.bin", 3, 0xfffffff0, 0, 0x9f000, 0x1000, 3, TC_ERR_OK},
        {"/usr/share/ovmf/OVMF.fd", 5, 0x80b004, 0, 0x80f000, 0x11000, 1, TC_ERR_OK},
        {"/usr/share/OVMF/OVMF_CODE_4M.fd", 0, 0, 0, 0, 0, 0, TC_ERR_UNSUPPORTED},
        {"/usr/share/OVMF/OVMF_VARS.fd", 0, 0, 0, 0, 0, 0, TC_ERR_UNSUPPORTED},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *p = cases[i].file[0] == '/' ? cases[i].file : t_testdata(cases[i].file);
        struct tc_sev_fw fw;
        struct stat st;
        uint8_t *d;
        size_t n;

        if (p == NULL || stat(p, &st) != 0) {
            t_skip("%s: not present", cases[i].file);
            continue;
        }
        if (!CHECK(tc_file_read(p, (size_t)64 << 20, &d, &n) == TC_ERR_OK, "read %s",
                   cases[i].file)) {
            continue;
        }
        CHECK_ERR(tc_sev_fw_parse(d, n, "firmware", &fw), cases[i].err, "%s: parse", cases[i].file);
        if (cases[i].err == TC_ERR_OK) {
            const struct tc_measure_section *l = &fw.sections[fw.n_sections - 1];

            CHECK(fw.n_sections == cases[i].n_sections, "%s: %zu sections", cases[i].file,
                  fw.n_sections);
            CHECK(fw.reset_eip == cases[i].reset, "%s: reset EIP 0x%x", cases[i].file,
                  fw.reset_eip);
            CHECK(fw.hashes_gpa == cases[i].hashes_gpa, "%s: kernel-hashes area 0x%x",
                  cases[i].file, fw.hashes_gpa);
            CHECK(l->gpa == cases[i].last_gpa && l->len == cases[i].last_len &&
                      l->type == cases[i].last_type,
                  "%s: last section", cases[i].file);
        }
        free(d);
    }
}

int main(void)
{
    test_names();
    test_synthetic_ok();
    test_synthetic_bad();
    test_real();
    return t_done();
}
