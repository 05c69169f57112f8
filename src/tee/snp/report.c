/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP attestation report parsing (SEV-SNP Firmware ABI #56860, table "ATTESTATION_REPORT
 * Structure"; report versions 2-5), field by field through the bounded reader.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/reader.h"
#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"

const char *tc_snp_product_name(enum tc_snp_product p)
{
    switch (p) {
    case TC_SNP_PRODUCT_MILAN:
        return "Milan";
    case TC_SNP_PRODUCT_GENOA:
        return "Genoa";
    case TC_SNP_PRODUCT_TURIN:
        return "Turin";
    case TC_SNP_PRODUCT_UNKNOWN:
        break;
    }
    return "unknown";
}

tc_err tc_snp_product_parse(const char *s, enum tc_snp_product *p)
{
    static const struct {
        const char *name;
        enum tc_snp_product p;
    } names[] = {
        {"Milan", TC_SNP_PRODUCT_MILAN},
        {"Genoa", TC_SNP_PRODUCT_GENOA},
        {"Turin", TC_SNP_PRODUCT_TURIN},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i].name);

        /* "Milan" or a KDS productName with a stepping suffix, "Milan-B0". */
        if (strncasecmp(s, names[i].name, n) == 0 && (s[n] == '\0' || s[n] == '-')) {
            *p = names[i].p;
            return TC_ERR_OK;
        }
    }
    return tc_fail(TC_ERR_UNSUPPORTED, "unknown SEV-SNP product '%s'", s);
}

/* CPUID family/model to product (AMD PPRs; the KDS spec's "Determining the Product Name"). */
enum tc_snp_product tc_snp_product_from_cpuid(uint8_t family, uint8_t model)
{
    if (family == 0x19) {
        if (model <= 0x0f) {
            return TC_SNP_PRODUCT_MILAN;
        }
        if ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf)) {
            return TC_SNP_PRODUCT_GENOA;
        }
    } else if (family == 0x1a && model <= 0x11) {
        return TC_SNP_PRODUCT_TURIN;
    }
    return TC_SNP_PRODUCT_UNKNOWN;
}

void tc_snp_tcb_decode(uint64_t raw, enum tc_snp_product p, struct tc_snp_tcb *t)
{
    memset(t, 0, sizeof(*t));
    t->raw = raw;
    if (p == TC_SNP_PRODUCT_TURIN) {
        /* ABI "TCB_VERSION Structure" (Turin): FMC, BOOT_LOADER, TEE, SNP, 3 reserved, UCODE. */
        t->turin = 1;
        t->fmc = (uint8_t)raw;
        t->bootloader = (uint8_t)(raw >> 8);
        t->tee = (uint8_t)(raw >> 16);
        t->snp = (uint8_t)(raw >> 24);
    } else {
        /* Milan/Genoa: BOOT_LOADER, TEE, 4 reserved, SNP, UCODE. */
        t->bootloader = (uint8_t)raw;
        t->tee = (uint8_t)(raw >> 8);
        t->snp = (uint8_t)(raw >> 48);
    }
    t->microcode = (uint8_t)(raw >> 56);
}

uint64_t tc_snp_tcb_reserved(const struct tc_snp_tcb *t)
{
    return t->turin ? t->raw & 0x00ffffff00000000ull : t->raw & 0x0000ffffffff0000ull;
}

int tc_snp_chip_id_masked(const struct tc_snp_report *r)
{
    size_t i;

    for (i = 0; i < sizeof(r->chip_id); i++) {
        if (r->chip_id[i] != 0) {
            return 0;
        }
    }
    return 1;
}

void tc_snp_report_set_product(struct tc_snp_report *r, enum tc_snp_product p, const char *source)
{
    r->product = p;
    r->product_source = p != TC_SNP_PRODUCT_UNKNOWN ? source : NULL;
    tc_snp_tcb_decode(r->current_tcb.raw, p, &r->current_tcb);
    tc_snp_tcb_decode(r->reported_tcb.raw, p, &r->reported_tcb);
    tc_snp_tcb_decode(r->committed_tcb.raw, p, &r->committed_tcb);
    tc_snp_tcb_decode(r->launch_tcb.raw, p, &r->launch_tcb);
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        e = (x);                                                                                   \
        if (e != TC_ERR_OK) {                                                                      \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

tc_err tc_snp_report_parse(const uint8_t *p, size_t len, struct tc_snp_report *r)
{
    struct tc_reader rd;
    uint64_t tcb_current, tcb_reported, tcb_committed, tcb_launch;
    tc_err e = TC_ERR_OK;

    memset(r, 0, sizeof(*r));
    if (len < TC_SNP_REPORT_SIZE) {
        return tc_fail(TC_ERR_TRUNCATED, "report: %zu bytes, a report is %u", len,
                       TC_SNP_REPORT_SIZE);
    }
    if (len > TC_SNP_REPORT_SIZE) {
        return tc_fail(TC_ERR_TRAILING, "report: %zu bytes, a report is %u (%zu trailing)", len,
                       TC_SNP_REPORT_SIZE, len - TC_SNP_REPORT_SIZE);
    }
    memcpy(r->raw, p, TC_SNP_REPORT_SIZE);
    tc_reader_init(&rd, r->raw, TC_SNP_REPORT_SIZE, "report");

    /* 0x00 VERSION: 2 (ABI 1.51), 3 (CPUID fields), 4 (FW 1.55.31, v3 layout), 5 (mitigation
     * vectors). */
    TRY(tc_read_u32le(&rd, &r->version));
    if (r->version < 2 || r->version > 5) {
        e = tc_fail(TC_ERR_VERSION, "report: version %u, supported 2 to 5", r->version);
        goto out;
    }
    TRY(tc_read_u32le(&rd, &r->guest_svn)); /* 0x04 GUEST_SVN */
    TRY(tc_read_u64le(&rd, &r->policy));    /* 0x08 POLICY */
    if ((r->policy & TC_SNP_POLICY_RESERVED1) == 0) {
        e = tc_fail(TC_ERR_RESERVED, "report: POLICY bit 17 (reserved, must be 1) is 0 at 0x08");
        goto out;
    }
    if ((r->policy & ~TC_SNP_POLICY_KNOWN_MASK) != 0) {
        e = tc_fail(TC_ERR_RESERVED, "report: POLICY bits 63:26 must be zero, got 0x%llx at 0x08",
                    (unsigned long long)(r->policy & ~TC_SNP_POLICY_KNOWN_MASK));
        goto out;
    }
    TRY(tc_read_bytes(&rd, r->family_id, 16));  /* 0x10 FAMILY_ID */
    TRY(tc_read_bytes(&rd, r->image_id, 16));   /* 0x20 IMAGE_ID */
    TRY(tc_read_u32le(&rd, &r->vmpl));          /* 0x30 VMPL */
    TRY(tc_read_u32le(&rd, &r->sig_algo));      /* 0x34 SIGNATURE_ALGO */
    TRY(tc_read_u64le(&rd, &tcb_current));      /* 0x38 CURRENT_TCB */
    TRY(tc_read_u64le(&rd, &r->platform_info)); /* 0x40 PLATFORM_INFO (unknown bits kept) */
    TRY(tc_read_u32le(&rd, &r->signer_info));   /* 0x48 AUTHOR_KEY_EN, MASK_CHIP_KEY, ... */
    if ((r->signer_info & ~0x1fu) != 0) {
        e = tc_fail(TC_ERR_RESERVED, "report: bits 31:5 at 0x48 must be zero, got 0x%x",
                    r->signer_info);
        goto out;
    }
    r->author_key_en = (int)(r->signer_info & 1);
    r->mask_chip_key = (int)((r->signer_info >> 1) & 1);
    r->signing_key = (r->signer_info >> 2) & 7;
    if (r->signing_key >= 2 && r->signing_key <= 6) {
        e = tc_fail(TC_ERR_RESERVED, "report: SIGNING_KEY %u is reserved (0 VCEK, 1 VLEK, 7 none)",
                    r->signing_key);
        goto out;
    }
    TRY(tc_read_zero(&rd, 4, "reserved 0x4C"));        /* 0x4C reserved */
    TRY(tc_read_bytes(&rd, r->report_data, 64));       /* 0x50 REPORT_DATA */
    TRY(tc_read_bytes(&rd, r->measurement, 48));       /* 0x90 MEASUREMENT */
    TRY(tc_read_bytes(&rd, r->host_data, 32));         /* 0xC0 HOST_DATA */
    TRY(tc_read_bytes(&rd, r->id_key_digest, 48));     /* 0xE0 ID_KEY_DIGEST */
    TRY(tc_read_bytes(&rd, r->author_key_digest, 48)); /* 0x110 AUTHOR_KEY_DIGEST */
    TRY(tc_read_bytes(&rd, r->report_id, 32));         /* 0x140 REPORT_ID */
    TRY(tc_read_bytes(&rd, r->report_id_ma, 32));      /* 0x160 REPORT_ID_MA */
    TRY(tc_read_u64le(&rd, &tcb_reported));            /* 0x180 REPORTED_TCB */
    if (r->version >= 3) {
        /* 0x188 CPUID_FAM_ID, 0x189 CPUID_MOD_ID, 0x18A CPUID_STEP; 0x18B-0x19F reserved. */
        r->has_cpuid = 1;
        TRY(tc_read_u8(&rd, &r->cpuid_family));
        TRY(tc_read_u8(&rd, &r->cpuid_model));
        TRY(tc_read_u8(&rd, &r->cpuid_stepping));
        TRY(tc_read_zero(&rd, 0x1a0 - 0x18b, "reserved 0x18B-0x19F"));
    } else {
        TRY(tc_read_zero(&rd, 0x1a0 - 0x188, "reserved 0x188-0x19F"));
    }
    TRY(tc_read_bytes(&rd, r->chip_id, 64)); /* 0x1A0 CHIP_ID */
    TRY(tc_read_u64le(&rd, &tcb_committed)); /* 0x1E0 COMMITTED_TCB */
    TRY(tc_read_u8(&rd, &r->current_build)); /* 0x1E8 CURRENT_BUILD */
    TRY(tc_read_u8(&rd, &r->current_minor)); /* 0x1E9 CURRENT_MINOR */
    TRY(tc_read_u8(&rd, &r->current_major)); /* 0x1EA CURRENT_MAJOR */
    TRY(tc_read_zero(&rd, 1, "reserved 0x1EB"));
    TRY(tc_read_u8(&rd, &r->committed_build)); /* 0x1EC COMMITTED_BUILD */
    TRY(tc_read_u8(&rd, &r->committed_minor)); /* 0x1ED COMMITTED_MINOR */
    TRY(tc_read_u8(&rd, &r->committed_major)); /* 0x1EE COMMITTED_MAJOR */
    TRY(tc_read_zero(&rd, 1, "reserved 0x1EF"));
    TRY(tc_read_u64le(&rd, &tcb_launch)); /* 0x1F0 LAUNCH_TCB */
    if (r->version >= 5) {
        /* 0x1F8 LAUNCH_MIT_VECTOR, 0x200 CURRENT_MIT_VECTOR; 0x208-0x29F reserved. */
        r->has_mit_vectors = 1;
        TRY(tc_read_u64le(&rd, &r->launch_mit_vector));
        TRY(tc_read_u64le(&rd, &r->current_mit_vector));
        TRY(tc_read_zero(&rd, TC_SNP_SIGNED_SIZE - 0x208, "reserved 0x208-0x29F"));
    } else {
        TRY(tc_read_zero(&rd, TC_SNP_SIGNED_SIZE - 0x1f8, "reserved 0x1F8-0x29F"));
    }
    /* 0x2A0 SIGNATURE: R (72 bytes LE), S (72 bytes LE), 368 reserved bytes. */
    TRY(tc_read_ptr(&rd, &r->sig_r, 72));
    TRY(tc_read_ptr(&rd, &r->sig_s, 72));
    TRY(tc_read_zero(&rd, TC_SNP_REPORT_SIZE - 0x330, "signature reserved 0x330-0x49F"));
    TRY(tc_reader_end(&rd));

    r->current_tcb.raw = tcb_current;
    r->reported_tcb.raw = tcb_reported;
    r->committed_tcb.raw = tcb_committed;
    r->launch_tcb.raw = tcb_launch;
    /*
     * The product fixes the TCB layout.  Version 2 has no CPUID: Turin firmware emits version 3
     * or later, so the Milan/Genoa layout applies until a certificate says otherwise.
     */
    tc_snp_report_set_product(r,
                              r->has_cpuid
                                  ? tc_snp_product_from_cpuid(r->cpuid_family, r->cpuid_model)
                                  : TC_SNP_PRODUCT_UNKNOWN,
                              "cpuid");
out:
    return e;
}

/* ---- the GHCB certificate table ---- */

static const struct {
    const char *guid; /* RFC 4122 text */
    enum tc_snp_cert_kind kind;
} cert_guids[] = {
    {"63da758d-e664-4564-adc5-f4b93be8accd", TC_SNP_CERT_VCEK},
    {"a8074bc2-a25a-483e-aae6-39c045a0b8a1", TC_SNP_CERT_VLEK},
    {"4ab7b379-bbac-4fe4-a02f-05aef327c782", TC_SNP_CERT_ASK},
    {"c0b406a4-a803-4952-9743-3fb6014cd0ae", TC_SNP_CERT_ARK},
};

const char *tc_snp_cert_kind_name(enum tc_snp_cert_kind k)
{
    switch (k) {
    case TC_SNP_CERT_VCEK:
        return "VCEK";
    case TC_SNP_CERT_VLEK:
        return "VLEK";
    case TC_SNP_CERT_ASK:
        return "ASK";
    case TC_SNP_CERT_ARK:
        return "ARK";
    case TC_SNP_CERT_UNKNOWN:
        break;
    }
    return "unknown";
}

/* Text GUID -> 16 bytes in RFC 4122 order (as go-sev-guest and virtee write the table). */
static void guid_be(const char *s, uint8_t out[16])
{
    size_t i = 0, o = 0;

    while (s[i] != '\0' && o < 16) {
        int hi, lo;

        if (s[i] == '-') {
            i++;
            continue;
        }
        hi = s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10;
        lo = s[i + 1] <= '9' ? s[i + 1] - '0' : s[i + 1] - 'a' + 10;
        out[o++] = (uint8_t)((hi << 4) | lo);
        i += 2;
    }
}

/* The same GUID with its first three fields little-endian (EFI_GUID / Linux guid_t order). */
static void guid_swap(const uint8_t in[16], uint8_t out[16])
{
    memcpy(out, in, 16);
    out[0] = in[3];
    out[1] = in[2];
    out[2] = in[1];
    out[3] = in[0];
    out[4] = in[5];
    out[5] = in[4];
    out[6] = in[7];
    out[7] = in[6];
}

static enum tc_snp_cert_kind guid_kind(const uint8_t g[16])
{
    size_t i;

    for (i = 0; i < sizeof(cert_guids) / sizeof(cert_guids[0]); i++) {
        uint8_t be[16], le[16];

        guid_be(cert_guids[i].guid, be);
        guid_swap(be, le);
        if (memcmp(g, be, 16) == 0 || memcmp(g, le, 16) == 0) {
            return cert_guids[i].kind;
        }
    }
    return TC_SNP_CERT_UNKNOWN;
}

#define CERTTABLE_ENTRY_SIZE 24u /* GUID[16], OFFSET u32, LENGTH u32 */

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

tc_err tc_snp_certtable_parse(const uint8_t *p, size_t len, struct tc_snp_certtable *t)
{
    struct tc_reader rd;
    size_t i, j, hdr_end, data_end = 0;
    tc_err e = TC_ERR_OK;

    memset(t, 0, sizeof(*t));
    tc_reader_init(&rd, p, len, "certificate table");
    /* GHCB spec, MSG_REPORT_REQ: entries {GUID[16], OFFSET u32, LENGTH u32}, all-zero ends. */
    for (;;) {
        struct tc_snp_certtable_entry *en;
        uint8_t guid[16];
        uint32_t off, n;

        TRY(tc_read_bytes(&rd, guid, 16));
        TRY(tc_read_u32le(&rd, &off));
        TRY(tc_read_u32le(&rd, &n));
        if (all_zero(guid, 16)) {
            if (off != 0 || n != 0) {
                e = tc_fail(TC_ERR_RESERVED, "certificate table: terminator at 0x%zx is not zero",
                            tc_reader_abs(&rd) - 24);
                goto out;
            }
            break;
        }
        if (t->n == TC_SNP_CERTTABLE_MAX) {
            e = tc_fail(TC_ERR_TOO_LARGE, "certificate table: more than %u entries",
                        TC_SNP_CERTTABLE_MAX);
            goto out;
        }
        en = &t->e[t->n++];
        memcpy(en->guid, guid, 16);
        en->kind = guid_kind(guid);
        en->offset = off;
        en->len = n;
    }
    hdr_end = tc_reader_offset(&rd);
    if (t->n == 0) {
        e = tc_fail(TC_ERR_MALFORMED, "certificate table: no entries");
        goto out;
    }
    for (i = 0; i < t->n; i++) {
        struct tc_snp_certtable_entry *en = &t->e[i];
        struct tc_reader sub;

        if (en->len == 0) {
            e = tc_fail(TC_ERR_MALFORMED, "certificate table: entry %zu is empty", i);
            goto out;
        }
        if (en->offset < hdr_end) {
            e = tc_fail(TC_ERR_MALFORMED,
                        "certificate table: entry %zu offset 0x%x lies inside the entries", i,
                        en->offset);
            goto out;
        }
        if (tc_reader_view(&rd, en->offset, en->len, &sub, "certificate") != TC_ERR_OK) {
            e = tc_fail(TC_ERR_TRUNCATED,
                        "certificate table: entry %zu (0x%x + %zu) runs past the end (%zu bytes)",
                        i, en->offset, en->len, len);
            goto out;
        }
        en->data = sub.p;
        if (en->offset + en->len > data_end) {
            data_end = en->offset + en->len;
        }
        for (j = 0; j < i; j++) {
            const struct tc_snp_certtable_entry *o = &t->e[j];

            if (en->kind != TC_SNP_CERT_UNKNOWN && o->kind == en->kind) {
                e = tc_fail(TC_ERR_MALFORMED, "certificate table: two %s entries",
                            tc_snp_cert_kind_name(en->kind));
                goto out;
            }
            if (en->offset < o->offset + o->len && o->offset < en->offset + en->len) {
                e = tc_fail(TC_ERR_MALFORMED, "certificate table: entries %zu and %zu overlap", j,
                            i);
                goto out;
            }
        }
    }
    /* The host hands over whole pages: what follows the last blob must be zero padding. */
    if (!all_zero(p + data_end, len - data_end)) {
        e = tc_fail(TC_ERR_TRAILING,
                    "certificate table: non-zero bytes after the last entry "
                    "(0x%zx..0x%zx)",
                    data_end, len);
        goto out;
    }
out:
    if (e != TC_ERR_OK) {
        memset(t, 0, sizeof(*t));
    }
    return e;
}

/* ---- containers ---- */

#define HCL_MAGIC 0x414c4348u /* "HCLA" */
#define HCL_HEADER_SIZE 0x20u
#define HCL_RUNTIME_HEADER_SIZE 20u

/*
 * Azure vTPM "HCL report" (az-snp-vtpm; Azure confidential VM guest attestation): header
 * {"HCLA", version, report_size, request_type, status, 12 reserved}, the SNP report, then the
 * runtime data {data_size, version, report_type, hash_type, variable_data_size, data[]},
 * zero-padded to the NV index size.
 */
static tc_err parse_hcl(const uint8_t *p, size_t len, struct tc_snp_evidence *ev)
{
    struct tc_reader rd, rt;
    uint32_t magic, version, total, req_type, status, data_size, rt_version, var_size;
    const uint8_t *rep;
    tc_err e = TC_ERR_OK;

    tc_reader_init(&rd, p, len, "HCL report");
    TRY(tc_read_u32le(&rd, &magic));
    TRY(tc_read_u32le(&rd, &version));
    if (version != 1 && version != 2) {
        e = tc_fail(TC_ERR_VERSION, "HCL report: header version %u, supported 1 and 2", version);
        goto out;
    }
    TRY(tc_read_u32le(&rd, &total));
    TRY(tc_read_u32le(&rd, &req_type));
    TRY(tc_read_u32le(&rd, &status));
    TRY(tc_read_zero(&rd, 12, "HCL header reserved"));
    if (status != 0) {
        e = tc_fail(TC_ERR_MALFORMED, "HCL report: status %u (the request failed)", status);
        goto out;
    }
    if (total > len || total < HCL_HEADER_SIZE + TC_SNP_REPORT_SIZE + HCL_RUNTIME_HEADER_SIZE) {
        e = tc_fail(TC_ERR_MALFORMED, "HCL report: size field %u does not fit the %zu bytes", total,
                    len);
        goto out;
    }
    TRY(tc_read_ptr(&rd, &rep, TC_SNP_REPORT_SIZE));
    TRY(tc_snp_report_parse(rep, TC_SNP_REPORT_SIZE, &ev->report));
    TRY(tc_read_sub(&rd, &rt, total - HCL_HEADER_SIZE - TC_SNP_REPORT_SIZE, "HCL runtime data"));
    TRY(tc_read_u32le(&rt, &data_size));
    TRY(tc_read_u32le(&rt, &rt_version));
    TRY(tc_read_u32le(&rt, &ev->hcl_report_type));
    TRY(tc_read_u32le(&rt, &ev->hcl_hash_type));
    TRY(tc_read_u32le(&rt, &var_size));
    if (data_size != tc_reader_remaining(&rt) + HCL_RUNTIME_HEADER_SIZE ||
        var_size != tc_reader_remaining(&rt)) {
        e = tc_fail(TC_ERR_MALFORMED,
                    "HCL report: runtime data sizes %u/%u do not match the %zu bytes present",
                    data_size, var_size, tc_reader_remaining(&rt));
        goto out;
    }
    if (ev->hcl_report_type != 2) {
        e = tc_fail(TC_ERR_UNSUPPORTED, "HCL report: report type %u is not SEV-SNP (2)",
                    ev->hcl_report_type);
        goto out;
    }
    if (ev->hcl_hash_type < 1 || ev->hcl_hash_type > 3) {
        e = tc_fail(TC_ERR_UNSUPPORTED,
                    "HCL report: hash type %u (1 SHA-256, 2 SHA-384, "
                    "3 SHA-512)",
                    ev->hcl_hash_type);
        goto out;
    }
    TRY(tc_read_ptr(&rt, &ev->hcl_runtime_data, var_size));
    ev->hcl_runtime_len = var_size;
    if (!all_zero(p + total, len - total)) {
        e = tc_fail(TC_ERR_TRAILING, "HCL report: non-zero bytes after its %u-byte size", total);
        goto out;
    }
    ev->container = TC_SNP_CONTAINER_AZURE_HCL;
out:
    return e;
}

#define MSG_REPORT_RSP_HEADER_SIZE 0x20u

/*
 * SEV-SNP ABI (AMD 56860) Table 25, MSG_REPORT_RSP: STATUS (0 = success), REPORT_SIZE, 24
 * reserved bytes, the report at 0x20.  Tools that call the SNP_GET_REPORT ioctl and write out
 * its whole response buffer (struct snp_report_resp, 4000 bytes) give this, zero-padded.
 * Recognised only on success (status 0, size 0x4A0): a report's own first word, VERSION, is
 * never 0, so the two cannot be confused.
 */
static int looks_msg_report_rsp(const uint8_t *p, size_t len)
{
    return len >= 8 && tc_le32(p) == 0 && tc_le32(p + 4) == TC_SNP_REPORT_SIZE;
}

static tc_err parse_msg_report_rsp(const uint8_t *p, size_t len, struct tc_snp_evidence *ev)
{
    struct tc_reader rd;
    uint32_t status, size;
    const uint8_t *rep;
    tc_err e = TC_ERR_OK;

    tc_reader_init(&rd, p, len, "MSG_REPORT_RSP");
    TRY(tc_read_u32le(&rd, &status)); /* 0x00 STATUS */
    TRY(tc_read_u32le(&rd, &size));   /* 0x04 REPORT_SIZE */
    if (status != 0 || size != TC_SNP_REPORT_SIZE) {
        e = tc_fail(TC_ERR_MALFORMED, "MSG_REPORT_RSP: status 0x%x, report size %u", status, size);
        goto out;
    }
    TRY(tc_read_zero(&rd, MSG_REPORT_RSP_HEADER_SIZE - 8, "MSG_REPORT_RSP reserved 0x08-0x1F"));
    TRY(tc_read_ptr(&rd, &rep, TC_SNP_REPORT_SIZE)); /* 0x20 REPORT */
    TRY(tc_snp_report_parse(rep, TC_SNP_REPORT_SIZE, &ev->report));
    if (!all_zero(p + MSG_REPORT_RSP_HEADER_SIZE + TC_SNP_REPORT_SIZE, tc_reader_remaining(&rd))) {
        e = tc_fail(TC_ERR_TRAILING,
                    "MSG_REPORT_RSP: non-zero bytes after the report (0x%x..0x%zx)",
                    MSG_REPORT_RSP_HEADER_SIZE + TC_SNP_REPORT_SIZE, len);
        goto out;
    }
    ev->container = TC_SNP_CONTAINER_MSG_REPORT_RSP;
out:
    return e;
}

tc_err tc_snp_evidence_parse(const uint8_t *p, size_t len, struct tc_snp_evidence *ev)
{
    tc_err e;

    memset(ev, 0, sizeof(*ev));
    if (len >= 4 && tc_le32(p) == HCL_MAGIC) {
        e = parse_hcl(p, len, ev);
    } else if (looks_msg_report_rsp(p, len)) {
        e = parse_msg_report_rsp(p, len, ev);
    } else if (len <= TC_SNP_REPORT_SIZE) {
        ev->container = TC_SNP_CONTAINER_REPORT;
        e = tc_snp_report_parse(p, len, &ev->report);
    } else {
        /* An extended report: the report, then the certificate table (go-sev-guest layout). */
        ev->container = TC_SNP_CONTAINER_EXTENDED;
        e = tc_snp_report_parse(p, TC_SNP_REPORT_SIZE, &ev->report);
        if (e == TC_ERR_OK && len - TC_SNP_REPORT_SIZE < CERTTABLE_ENTRY_SIZE) {
            /* Too short for even the table's terminator: stray bytes (a newline, say). */
            e = tc_fail(TC_ERR_TRAILING,
                        "report: %zu bytes after the %u-byte report, too few for a "
                        "certificate table",
                        len - TC_SNP_REPORT_SIZE, TC_SNP_REPORT_SIZE);
        } else if (e == TC_ERR_OK) {
            e = tc_snp_certtable_parse(p + TC_SNP_REPORT_SIZE, len - TC_SNP_REPORT_SIZE,
                                       &ev->certs);
            if (e != TC_ERR_OK) {
                e = tc_fail_ctx(e, "after the %u-byte report", TC_SNP_REPORT_SIZE);
            }
        }
    }
    if (e != TC_ERR_OK) {
        memset(ev, 0, sizeof(*ev));
    }
    return e;
}
