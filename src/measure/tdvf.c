/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expected MRTD of a TD launched from a TDVF (OVMF with TDX support) image.
 *
 * TDVF metadata (TDVF Design Guide, section 11 "TDVF Metadata"): located through
 * the OVMF footer GUID table entry e47a6535-984a-4798-865e-4685a7bf8ec2, whose
 * u32 is the distance from the end of the image to the "TDVF" descriptor:
 *   u32 Signature "TDVF", u32 Length, u32 Version (1), u32 NumberOfSectionEntry,
 *   then sections of 32 bytes: u32 DataOffset, u32 RawDataSize, u64 MemoryAddress,
 *   u64 MemoryDataSize, u32 Type, u32 Attributes (bit 0 MR.EXTEND, bit 1 PAGE.AUG).
 *
 * MRTD (Intel TDX Module ABI spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND): a
 * SHA-384 over 128-byte extension buffers, finalised by TDH.MR.FINALIZE:
 *   PAGE.ADD  "MEM.PAGE.ADD" (bytes 0..11), GPA little-endian at 16..23, zeros
 *   MR.EXTEND "MR.EXTEND"   (bytes 0..8),  GPA of the 256-byte chunk at 16..23,
 *             zeros, then the chunk's 256 bytes (two more 128-byte buffers)
 * Every page of every section is added except PAGE.AUG sections and permanent
 * memory (accepted by the guest later); sections with MR.EXTEND are extended.
 */
#include <string.h>

#include <openssl/evp.h>

#include "core/reader.h"
#include "measure/fwtable.h"
#include "trustchain/tdx.h"

#define PAGE 4096u
#define CHUNK 256u
/*
 * At most this much memory is measured: the metadata's sizes are 64-bit and came from the
 * image, and a TempMem of 2^60 bytes would hash for ever.  Real TDVF/td-shim images add a
 * few MiB to a few hundred MiB.
 */
#define MRTD_MAX_BYTES ((uint64_t)4 << 30)

const char *tc_tdvf_section_type_name(uint32_t type)
{
    static const char *const names[] = {"BFV",     "CFV",     "TD_HOB",       "TempMem",
                                        "PermMem", "Payload", "PayloadParam", "TdInfo"};

    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

static tc_err parse_at(const uint8_t *fw, size_t len, size_t off, struct tc_tdvf_metadata *m)
{
    struct tc_reader r, d;
    uint8_t sig[4];
    uint32_t length, n, i;
    tc_err e;

    tc_reader_init(&r, fw, len, "TDVF metadata");
    if ((e = tc_reader_seek(&r, off)) != TC_ERR_OK ||
        (e = tc_read_sub(&r, &d, tc_reader_remaining(&r), "TDVF descriptor")) != TC_ERR_OK ||
        (e = tc_read_bytes(&d, sig, 4)) != TC_ERR_OK) {
        return e;
    }
    if (memcmp(sig, "TDVF", 4) != 0) {
        return tc_fail(TC_ERR_MALFORMED, "TDVF metadata at 0x%zx has no 'TDVF' signature", off);
    }
    if ((e = tc_read_u32le(&d, &length)) != TC_ERR_OK ||
        (e = tc_read_u32le(&d, &m->version)) != TC_ERR_OK ||
        (e = tc_read_u32le(&d, &n)) != TC_ERR_OK) {
        return e;
    }
    if (m->version != 1) {
        return tc_fail(TC_ERR_VERSION, "TDVF metadata version %u (expected 1)", m->version);
    }
    if (n == 0 || n > TC_TDVF_MAX_SECTIONS) {
        return tc_fail(TC_ERR_MALFORMED, "TDVF metadata has %u sections (1..%d)", n,
                       TC_TDVF_MAX_SECTIONS);
    }
    if (length != 16 + 32 * n) {
        return tc_fail(TC_ERR_MALFORMED, "TDVF metadata length %u, expected %u for %u sections",
                       length, 16 + 32 * n, n);
    }
    m->offset = off;
    m->n = n;
    for (i = 0; i < n; i++) {
        struct tc_tdvf_section *s = &m->s[i];

        if ((e = tc_read_u32le(&d, &s->data_offset)) != TC_ERR_OK ||
            (e = tc_read_u32le(&d, &s->raw_size)) != TC_ERR_OK ||
            (e = tc_read_u64le(&d, &s->gpa)) != TC_ERR_OK ||
            (e = tc_read_u64le(&d, &s->mem_size)) != TC_ERR_OK ||
            (e = tc_read_u32le(&d, &s->type)) != TC_ERR_OK ||
            (e = tc_read_u32le(&d, &s->attributes)) != TC_ERR_OK) {
            return e;
        }
        if (s->attributes & ~(TC_TDVF_ATTR_MR_EXTEND | TC_TDVF_ATTR_PAGE_AUG)) {
            return tc_fail(TC_ERR_RESERVED, "TDVF section %u: reserved attribute bits 0x%x", i,
                           s->attributes);
        }
        if (s->type > TC_TDVF_TD_INFO) {
            return tc_fail(TC_ERR_UNSUPPORTED, "TDVF section %u: unknown type %u", i, s->type);
        }
        if ((s->gpa % PAGE) != 0 || (s->mem_size % PAGE) != 0) {
            return tc_fail(TC_ERR_MALFORMED,
                           "TDVF section %u: address 0x%llx or size 0x%llx not 4 KiB aligned", i,
                           (unsigned long long)s->gpa, (unsigned long long)s->mem_size);
        }
        if (s->raw_size > s->mem_size) {
            return tc_fail(TC_ERR_MALFORMED, "TDVF section %u: raw size 0x%x exceeds memory size",
                           i, s->raw_size);
        }
        if (s->data_offset > len || s->raw_size > len - s->data_offset) {
            return tc_fail(TC_ERR_MALFORMED,
                           "TDVF section %u: data 0x%x+0x%x lies outside the %zu-byte image", i,
                           s->data_offset, s->raw_size, len);
        }
        if (s->gpa > UINT64_MAX - s->mem_size) {
            return tc_fail(TC_ERR_MALFORMED, "TDVF section %u: address range wraps", i);
        }
    }
    return TC_ERR_OK;
}

tc_err tc_tdvf_metadata_parse(const uint8_t *fw, size_t len, struct tc_tdvf_metadata *m)
{
    struct tc_fwtable t;
    const struct tc_fwtable_entry *ent;
    uint32_t back;
    tc_err e;

    memset(m, 0, sizeof(*m));
    if ((e = tc_fwtable_parse(fw, len, &t)) != TC_ERR_OK) {
        return e;
    }
    ent = t.present ? tc_fwtable_find(&t, TC_GUID_TDX_METADATA) : NULL;
    if (ent == NULL) {
        return tc_fail(TC_ERR_UNSUPPORTED,
                       "the firmware has no TDX metadata (no GUID %s in its "
                       "footer table): not a TDVF image",
                       TC_GUID_TDX_METADATA);
    }
    if (ent->len < 4) {
        return tc_fail(TC_ERR_MALFORMED, "TDX metadata GUID entry has %zu bytes", ent->len);
    }
    back = tc_le32(ent->data);
    if (back == 0 || back > len) {
        return tc_fail(TC_ERR_MALFORMED, "TDX metadata offset 0x%x outside the %zu-byte image",
                       back, len);
    }
    return parse_at(fw, len, len - back, m);
}

struct mr {
    EVP_MD_CTX *ctx;
    tc_err e;
};

static void mr_update(struct mr *h, const void *p, size_t n)
{
    if (h->e == TC_ERR_OK && EVP_DigestUpdate(h->ctx, p, n) != 1) {
        h->e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384");
    }
}

static void page_add(struct mr *h, uint64_t gpa)
{
    uint8_t b[128];

    memset(b, 0, sizeof(b));
    memcpy(b, "MEM.PAGE.ADD", 12);
    tc_put_le64(b + 16, gpa);
    mr_update(h, b, sizeof(b));
}

/* TDH.MR.EXTEND of the 16 chunks of one page; data beyond the raw bytes is zero. */
static void extend_page(struct mr *h, const uint8_t *fw, const struct tc_tdvf_section *s,
                        uint64_t page_off)
{
    static const uint8_t zero[CHUNK];
    uint8_t b[128], chunk[CHUNK];
    uint64_t c;

    for (c = 0; c < PAGE; c += CHUNK) {
        uint64_t off = page_off + c;
        const uint8_t *src = zero;

        memset(b, 0, sizeof(b));
        memcpy(b, "MR.EXTEND", 9);
        tc_put_le64(b + 16, s->gpa + off);
        mr_update(h, b, sizeof(b));
        if (off + CHUNK <= s->raw_size) {
            src = fw + s->data_offset + off;
        } else if (off < s->raw_size) {
            memset(chunk, 0, sizeof(chunk));
            memcpy(chunk, fw + s->data_offset + off, (size_t)(s->raw_size - off));
            src = chunk;
        }
        mr_update(h, src, CHUNK);
    }
}

static int added(const struct tc_tdvf_section *s)
{
    return !(s->attributes & TC_TDVF_ATTR_PAGE_AUG) && s->type != TC_TDVF_PERM_MEM;
}

tc_err tc_tdx_mrtd(const uint8_t *fw, size_t len, enum tc_tdx_mrtd_order order, uint8_t mrtd[48])
{
    struct tc_tdvf_metadata m;
    struct mr h;
    unsigned int outlen = 0;
    size_t i;
    tc_err e;

    if (order != TC_TDX_MRTD_PER_PAGE && order != TC_TDX_MRTD_TWO_PASS) {
        return tc_fail(TC_ERR_USAGE, "unknown MRTD order %d", (int)order);
    }
    if ((e = tc_tdvf_metadata_parse(fw, len, &m)) != TC_ERR_OK) {
        return e;
    }
    {
        uint64_t total = 0;

        for (i = 0; i < m.n; i++) {
            if (added(&m.s[i])) {
                if (m.s[i].mem_size > MRTD_MAX_BYTES - total) {
                    return tc_fail(TC_ERR_TOO_LARGE,
                                   "TDVF sections add more than %llu MiB of memory to the TD "
                                   "(section %zu: 0x%llx bytes)",
                                   (unsigned long long)(MRTD_MAX_BYTES >> 20), i,
                                   (unsigned long long)m.s[i].mem_size);
                }
                total += m.s[i].mem_size;
            }
        }
    }
    h.e = TC_ERR_OK;
    h.ctx = EVP_MD_CTX_new();
    if (h.ctx == NULL || EVP_DigestInit_ex(h.ctx, EVP_sha384(), NULL) != 1) {
        EVP_MD_CTX_free(h.ctx);
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384");
    }
    for (i = 0; i < m.n && h.e == TC_ERR_OK; i++) {
        const struct tc_tdvf_section *s = &m.s[i];
        int ext = (s->attributes & TC_TDVF_ATTR_MR_EXTEND) != 0;
        uint64_t p;

        if (!added(s)) {
            continue;
        }
        for (p = 0; p < s->mem_size && h.e == TC_ERR_OK; p += PAGE) {
            page_add(&h, s->gpa + p);
            if (ext && order == TC_TDX_MRTD_PER_PAGE) {
                extend_page(&h, fw, s, p);
            }
        }
        if (ext && order == TC_TDX_MRTD_TWO_PASS) {
            for (p = 0; p < s->mem_size && h.e == TC_ERR_OK; p += PAGE) {
                extend_page(&h, fw, s, p);
            }
        }
    }
    if (h.e == TC_ERR_OK && (EVP_DigestFinal_ex(h.ctx, mrtd, &outlen) != 1 || outlen != 48)) {
        h.e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384");
    }
    EVP_MD_CTX_free(h.ctx);
    return h.e;
}
