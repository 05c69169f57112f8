/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/reader.h"
#include "measure/sevfw.h"

#define FOUR_GIB ((uint64_t)1 << 32)
#define PAGE_MASK ((uint64_t)TC_MEASURE_PAGE - 1)

const char *tc_sev_section_name(uint32_t type)
{
    switch (type) {
    case TC_SEV_SECTION_SNP_SEC_MEM:
        return "SNP_SEC_MEM";
    case TC_SEV_SECTION_SNP_SECRETS:
        return "SNP_SECRETS";
    case TC_SEV_SECTION_CPUID:
        return "CPUID";
    case TC_SEV_SECTION_SVSM_CAA:
        return "SVSM_CAA";
    case TC_SEV_SECTION_SNP_KERNEL_HASHES:
        return "SNP_KERNEL_HASHES";
    default:
        return NULL;
    }
}

/* A footer-table entry whose data is a fixed number of bytes; NULL reader if absent. */
static tc_err table_entry(const struct tc_sev_fw *fw, const char *what, const char *guid,
                          const char *name, size_t want, struct tc_reader *r, int *found)
{
    const struct tc_fwtable_entry *ent = tc_fwtable_find(&fw->table, guid);

    *found = 0;
    if (ent == NULL) {
        return TC_ERR_OK;
    }
    if (ent->len != want) {
        return tc_fail(TC_ERR_MALFORMED,
                       "%s: %s entry at offset 0x%llx has %zu bytes, expected %zu", what, name,
                       (unsigned long long)(fw->image_len - fw->len + ent->offset), ent->len, want);
    }
    tc_reader_init(r, ent->data, ent->len, name);
    r->base = (size_t)(fw->image_len - fw->len + ent->offset);
    *found = 1;
    return TC_ERR_OK;
}

static tc_err parse_sections(struct tc_sev_fw *fw, const char *what, uint32_t from_end)
{
    struct tc_reader img, r;
    uint8_t sig[4];
    uint32_t size, version, count, i, j;
    tc_err e;

    /* The entry holds the distance from the end of the image to the header. */
    if (from_end < TC_SEV_META_HDR || from_end > fw->image_len) {
        return tc_fail(TC_ERR_MALFORMED,
                       "%s: SEV metadata offset 0x%x (from the end) is outside the %llu-byte image",
                       what, from_end, (unsigned long long)fw->image_len);
    }
    if (from_end > fw->len) {
        return tc_fail(TC_ERR_MALFORMED,
                       "%s: SEV metadata 0x%x bytes before the end lies outside the reset vector "
                       "area (the last %zu bytes)",
                       what, from_end, TC_SEV_FW_TAIL);
    }
    tc_reader_init(&img, fw->data, fw->len, "SEV metadata");
    img.base = (size_t)(fw->image_len - fw->len);
    if ((e = tc_reader_view(&img, fw->len - from_end, from_end, &r, "SEV metadata")) != TC_ERR_OK) {
        return tc_fail_ctx(e, "%s", what);
    }
    /* OvmfSevMetadata.asm: Signature, Size, Version, NumberOfSections. */
    if ((e = tc_read_bytes(&r, sig, 4)) != TC_ERR_OK ||
        (e = tc_read_u32le(&r, &size)) != TC_ERR_OK ||
        (e = tc_read_u32le(&r, &version)) != TC_ERR_OK ||
        (e = tc_read_u32le(&r, &count)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "%s", what);
    }
    if (memcmp(sig, "ASEV", 4) != 0) {
        return tc_fail(TC_ERR_MALFORMED,
                       "%s: SEV metadata at offset 0x%llx has signature %02x%02x%02x%02x, not "
                       "'ASEV'",
                       what, (unsigned long long)(fw->image_len - from_end), sig[0], sig[1], sig[2],
                       sig[3]);
    }
    if (version != 1) {
        return tc_fail(TC_ERR_VERSION, "%s: SEV metadata version %u (only 1 is defined)", what,
                       version);
    }
    if (count > TC_MEASURE_MAX_SECTIONS) {
        return tc_fail(TC_ERR_TOO_LARGE, "%s: SEV metadata declares %u sections (at most %d)", what,
                       count, TC_MEASURE_MAX_SECTIONS);
    }
    /* Size covers the header and the descriptors, exactly. */
    if (size != TC_SEV_META_HDR + count * TC_SEV_META_DESC) {
        return tc_fail(TC_ERR_MALFORMED,
                       "%s: SEV metadata size %u does not match %u sections (expected %u)", what,
                       size, count, TC_SEV_META_HDR + count * TC_SEV_META_DESC);
    }
    if (size > from_end) {
        return tc_fail(TC_ERR_TRUNCATED,
                       "%s: SEV metadata of %u bytes runs past the end of the image (0x%x left)",
                       what, size, from_end);
    }
    if (count == 0) {
        return tc_fail(TC_ERR_UNSUPPORTED, "%s: SEV metadata lists no sections", what);
    }
    for (i = 0; i < count; i++) {
        struct tc_measure_section *s = &fw->sections[i];
        uint64_t end;

        if ((e = tc_read_u32le(&r, &s->gpa)) != TC_ERR_OK ||
            (e = tc_read_u32le(&r, &s->len)) != TC_ERR_OK ||
            (e = tc_read_u32le(&r, &s->type)) != TC_ERR_OK) {
            return tc_fail_ctx(e, "%s", what);
        }
        s->type_name = tc_sev_section_name(s->type);
        if (s->type_name == NULL) {
            return tc_fail(TC_ERR_UNSUPPORTED, "%s: SEV metadata section %u has unknown type 0x%x",
                           what, i, s->type);
        }
        end = (uint64_t)s->gpa + s->len;
        if (s->len == 0 || (s->gpa & PAGE_MASK) != 0 || (s->len & PAGE_MASK) != 0) {
            return tc_fail(TC_ERR_MALFORMED,
                           "%s: SEV metadata section %u (%s) [0x%x, +0x%x) is empty or not "
                           "page-aligned",
                           what, i, s->type_name, s->gpa, s->len);
        }
        if (end > FOUR_GIB) {
            return tc_fail(TC_ERR_MALFORMED,
                           "%s: SEV metadata section %u (%s) [0x%x, +0x%x) ends beyond 4 GiB", what,
                           i, s->type_name, s->gpa, s->len);
        }
        /* The PSP takes one secrets page and one CPUID page (SNP ABI, SNP_LAUNCH_UPDATE). */
        if ((s->type == TC_SEV_SECTION_SNP_SECRETS || s->type == TC_SEV_SECTION_CPUID) &&
            s->len != TC_MEASURE_PAGE) {
            return tc_fail(TC_ERR_MALFORMED,
                           "%s: SEV metadata section %u (%s) is 0x%x bytes, "
                           "not one page",
                           what, i, s->type_name, s->len);
        }
        for (j = 0; j < i; j++) {
            const struct tc_measure_section *o = &fw->sections[j];

            if (s->gpa < (uint64_t)o->gpa + o->len && o->gpa < end) {
                return tc_fail(TC_ERR_MALFORMED,
                               "%s: SEV metadata sections %u (%s) and %u (%s) overlap at 0x%x",
                               what, j, o->type_name, i, s->type_name,
                               s->gpa > o->gpa ? s->gpa : o->gpa);
            }
            if (o->type == s->type &&
                (s->type == TC_SEV_SECTION_SNP_SECRETS || s->type == TC_SEV_SECTION_CPUID ||
                 s->type == TC_SEV_SECTION_SNP_KERNEL_HASHES)) {
                return tc_fail(TC_ERR_MALFORMED, "%s: SEV metadata has two %s sections (%u, %u)",
                               what, s->type_name, j, i);
            }
        }
    }
    fw->n_sections = count;
    return TC_ERR_OK;
}

tc_err tc_sev_fw_parse(const uint8_t *data, size_t len, const char *what, struct tc_sev_fw *fw)
{
    size_t t = len < TC_SEV_FW_TAIL ? len : TC_SEV_FW_TAIL;

    return tc_sev_fw_parse_tail(data + (len - t), t, len, what, fw);
}

tc_err tc_sev_fw_parse_tail(const uint8_t *data, size_t len, uint64_t image_len, const char *what,
                            struct tc_sev_fw *fw)
{
    struct tc_reader r;
    uint32_t from_end;
    int found;
    tc_err e;

    memset(fw, 0, sizeof(*fw));
    fw->data = data;
    fw->len = len;
    fw->image_len = image_len;
    if (image_len == 0) {
        return tc_fail(TC_ERR_TRUNCATED, "%s: empty image", what);
    }
    if ((image_len & PAGE_MASK) != 0) {
        return tc_fail(TC_ERR_MALFORMED, "%s: size %llu is not a multiple of 4 KiB", what,
                       (unsigned long long)image_len);
    }
    if (image_len > TC_MEASURE_FW_MAX) {
        return tc_fail(TC_ERR_TOO_LARGE, "%s: %llu bytes (at most %zu)", what,
                       (unsigned long long)image_len, TC_MEASURE_FW_MAX);
    }
    if (len != (image_len < TC_SEV_FW_TAIL ? image_len : TC_SEV_FW_TAIL)) {
        return tc_fail(TC_ERR_INTERNAL, "%s: tail of %zu bytes for a %llu-byte image", what, len,
                       (unsigned long long)image_len);
    }
    if ((e = tc_fwtable_parse(data, len, &fw->table)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "%s", what);
    }
    if (!fw->table.present) {
        return tc_fail(TC_ERR_UNSUPPORTED,
                       "%s has no OVMF footer GUID table: not a firmware built for SEV guests",
                       what);
    }
    if ((e = table_entry(fw, what, TC_GUID_OVMF_SEV_METADATA, "SEV metadata", 4, &r, &found)) !=
        TC_ERR_OK) {
        return e;
    }
    if (!found) {
        return tc_fail(TC_ERR_UNSUPPORTED,
                       "%s has no SEV metadata: not a firmware built for SEV guests (e.g. use "
                       "OVMF.fd or an AmdSev build, not OVMF_CODE_4M.fd)",
                       what);
    }
    if ((e = tc_read_u32le(&r, &from_end)) != TC_ERR_OK ||
        (e = parse_sections(fw, what, from_end)) != TC_ERR_OK) {
        return e;
    }
    if ((e = table_entry(fw, what, TC_GUID_SEV_ES_RESET_BLOCK, "SEV-ES reset block", 4, &r,
                         &found)) != TC_ERR_OK) {
        return e;
    }
    if (found) {
        fw->have_reset = 1;
        if ((e = tc_read_u32le(&r, &fw->reset_eip)) != TC_ERR_OK) {
            return e;
        }
    }
    if ((e = table_entry(fw, what, TC_GUID_SEV_HASH_TABLE_RV, "SEV hash table area", 8, &r,
                         &found)) != TC_ERR_OK) {
        return e;
    }
    if (found) {
        fw->have_hashes_area = 1;
        if ((e = tc_read_u32le(&r, &fw->hashes_gpa)) != TC_ERR_OK ||
            (e = tc_read_u32le(&r, &fw->hashes_size)) != TC_ERR_OK) {
            return e;
        }
    }
    if ((e = table_entry(fw, what, TC_GUID_SVSM_INFO, "SVSM info", 4, &r, &found)) != TC_ERR_OK) {
        return e;
    }
    if (found) {
        fw->have_svsm_info = 1;
        if ((e = tc_read_u32le(&r, &fw->svsm_entry)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

tc_err tc_sev_fw_check_placement(const struct tc_sev_fw *fw, const char *what, uint64_t gpa,
                                 uint64_t len, const char *image)
{
    size_t i;

    for (i = 0; i < fw->n_sections; i++) {
        const struct tc_measure_section *s = &fw->sections[i];

        if (s->gpa < gpa + len && gpa < (uint64_t)s->gpa + s->len) {
            return tc_fail(TC_ERR_MALFORMED,
                           "%s: SEV metadata section %zu (%s) [0x%x, +0x%x) overlaps the %s "
                           "image at [0x%llx, +0x%llx)",
                           what, i, s->type_name, s->gpa, s->len, image, (unsigned long long)gpa,
                           (unsigned long long)len);
        }
    }
    return TC_ERR_OK;
}

int tc_sev_fw_find_section(const struct tc_sev_fw *fw, uint32_t type)
{
    size_t i;

    for (i = 0; i < fw->n_sections; i++) {
        if (fw->sections[i].type == type) {
            return (int)i;
        }
    }
    return -1;
}
