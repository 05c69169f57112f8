/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG event logs (TCG PC Client Platform Firmware Profile Specification,
 * 10.2.1 TCG_PCR_EVENT, 10.2.2 TCG_PCR_EVENT2, 10.4.5.1 TCG_EfiSpecIdEvent),
 * the UEFI CC event log of TDVF (UEFI 2.10, EFI_CC_MEASUREMENT_PROTOCOL: MR
 * index 0 = MRTD, 1..4 = RTMR0..3) and the ACPI CCEL table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/ossl.h"
#include "core/reader.h"
#include "trustchain/eventlog.h"
#include "trustchain/util.h"

#define EV_NO_ACTION 0x3u
#define EV_EFI_EVENT_BASE 0x80000000u

static const struct {
    uint32_t type;
    const char *name;
} TYPES[] = {
    {0x0, "EV_PREBOOT_CERT"},
    {0x1, "EV_POST_CODE"},
    {0x2, "EV_UNUSED"},
    {0x3, "EV_NO_ACTION"},
    {0x4, "EV_SEPARATOR"},
    {0x5, "EV_ACTION"},
    {0x6, "EV_EVENT_TAG"},
    {0x7, "EV_S_CRTM_CONTENTS"},
    {0x8, "EV_S_CRTM_VERSION"},
    {0x9, "EV_CPU_MICROCODE"},
    {0xa, "EV_PLATFORM_CONFIG_FLAGS"},
    {0xb, "EV_TABLE_OF_DEVICES"},
    {0xc, "EV_COMPACT_HASH"},
    {0xd, "EV_IPL"},
    {0xe, "EV_IPL_PARTITION_DATA"},
    {0xf, "EV_NONHOST_CODE"},
    {0x10, "EV_NONHOST_CONFIG"},
    {0x11, "EV_NONHOST_INFO"},
    {0x12, "EV_OMIT_BOOT_DEVICE_EVENTS"},
    {0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG"},
    {0x80000002, "EV_EFI_VARIABLE_BOOT"},
    {0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION"},
    {0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER"},
    {0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER"},
    {0x80000006, "EV_EFI_GPT_EVENT"},
    {0x80000007, "EV_EFI_ACTION"},
    {0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB"},
    {0x80000009, "EV_EFI_HANDOFF_TABLES"},
    {0x8000000a, "EV_EFI_PLATFORM_FIRMWARE_BLOB2"},
    {0x8000000b, "EV_EFI_HANDOFF_TABLES2"},
    {0x8000000c, "EV_EFI_VARIABLE_BOOT2"},
    {0x80000010, "EV_EFI_HCRTM_EVENT"},
    {0x800000e0, "EV_EFI_VARIABLE_AUTHORITY"},
    {0x800000e1, "EV_EFI_SPDM_FIRMWARE_BLOB"},
    {0x800000e2, "EV_EFI_SPDM_FIRMWARE_CONFIG"},
};

const char *tc_evlog_type_name(uint32_t type)
{
    size_t i;

    for (i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++) {
        if (TYPES[i].type == type) {
            return TYPES[i].name;
        }
    }
    return "EV_UNKNOWN";
}

const char *tc_tpm_alg_name(uint16_t alg)
{
    switch (alg) {
    case TC_TPM_ALG_SHA1:
        return "sha1";
    case TC_TPM_ALG_SHA256:
        return "sha256";
    case TC_TPM_ALG_SHA384:
        return "sha384";
    case TC_TPM_ALG_SHA512:
        return "sha512";
    case TC_TPM_ALG_SM3_256:
        return "sm3_256";
    }
    return "unknown";
}

static const EVP_MD *alg_md(uint16_t alg)
{
    switch (alg) {
    case TC_TPM_ALG_SHA1:
        return EVP_sha1();
    case TC_TPM_ALG_SHA256:
        return EVP_sha256();
    case TC_TPM_ALG_SHA384:
        return EVP_sha384();
    case TC_TPM_ALG_SHA512:
        return EVP_sha512();
    }
    return NULL;
}

/* TCG_EfiSpecIdEvent (10.4.5.1), the data of the first event. */
static tc_err parse_spec_id(struct tc_evlog *log, const uint8_t *p, size_t n)
{
    struct tc_reader r;
    uint8_t sig[16], vsize;
    uint32_t count, i, j;
    tc_err e;

    tc_reader_init(&r, p, n, "Spec ID event");
    r.base = log->header.offset + 32;
    if ((e = tc_read_bytes(&r, sig, 16)) != TC_ERR_OK) {
        return e;
    }
    if (memcmp(sig, "Spec ID Event03", 16) != 0) {
        log->crypto_agile = 0;
        return TC_ERR_OK; /* a SHA-1 log (Spec ID Event00/02 or none) */
    }
    log->crypto_agile = 1;
    if ((e = tc_read_u32le(&r, &log->platform_class)) != TC_ERR_OK ||
        (e = tc_read_u8(&r, &log->spec_minor)) != TC_ERR_OK ||
        (e = tc_read_u8(&r, &log->spec_major)) != TC_ERR_OK ||
        (e = tc_read_u8(&r, &log->spec_errata)) != TC_ERR_OK ||
        (e = tc_read_u8(&r, &log->uintn_size)) != TC_ERR_OK ||
        (e = tc_read_u32le(&r, &count)) != TC_ERR_OK) {
        return e;
    }
    if (count == 0 || count > TC_EVLOG_MAX_ALGS) {
        return tc_fail(TC_ERR_MALFORMED, "Spec ID event lists %u algorithms (1..%d)", count,
                       TC_EVLOG_MAX_ALGS);
    }
    for (i = 0; i < count; i++) {
        struct tc_evlog_alg *a = &log->algs[i];

        if ((e = tc_read_u16le(&r, &a->id)) != TC_ERR_OK ||
            (e = tc_read_u16le(&r, &a->size)) != TC_ERR_OK) {
            return e;
        }
        if (a->size == 0 || a->size > 64) {
            return tc_fail(TC_ERR_MALFORMED, "Spec ID event: digest size %u for algorithm 0x%x",
                           a->size, a->id);
        }
        if (alg_md(a->id) != NULL && (size_t)EVP_MD_get_size(alg_md(a->id)) != a->size) {
            return tc_fail(TC_ERR_MALFORMED, "Spec ID event: %s digest size %u",
                           tc_tpm_alg_name(a->id), a->size);
        }
        for (j = 0; j < i; j++) {
            if (log->algs[j].id == a->id) {
                return tc_fail(TC_ERR_MALFORMED, "Spec ID event lists algorithm 0x%x twice", a->id);
            }
        }
    }
    log->n_algs = count;
    if ((e = tc_read_u8(&r, &vsize)) != TC_ERR_OK || (e = tc_read_skip(&r, vsize)) != TC_ERR_OK) {
        return e;
    }
    return tc_reader_end(&r);
}

/* Where the run of bytes equal to v that ends the buffer starts (len if the last byte is not v). */
static size_t fill_start(const uint8_t *p, size_t len, uint8_t v)
{
    while (len > 0 && p[len - 1] == v) {
        len--;
    }
    return len;
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

/* TCG_PCR_EVENT2 (10.2.2) */
static tc_err parse_event2(const struct tc_evlog *log, struct tc_reader *r,
                           struct tc_evlog_event *ev)
{
    uint32_t count, i, size;
    tc_err e;

    ev->offset = tc_reader_abs(r);
    if ((e = tc_read_u32le(r, &ev->index)) != TC_ERR_OK ||
        (e = tc_read_u32le(r, &ev->type)) != TC_ERR_OK ||
        (e = tc_read_u32le(r, &count)) != TC_ERR_OK) {
        return e;
    }
    if (count > log->n_algs) {
        return tc_fail(TC_ERR_MALFORMED, "event at 0x%zx has %u digests; the log declares %zu",
                       ev->offset, count, log->n_algs);
    }
    for (i = 0; i < count; i++) {
        struct tc_evlog_digest *d = &ev->dig[i];
        size_t j;

        if ((e = tc_read_u16le(r, &d->alg)) != TC_ERR_OK) {
            return e;
        }
        d->len = 0;
        for (j = 0; j < log->n_algs; j++) {
            if (log->algs[j].id == d->alg) {
                d->len = log->algs[j].size;
            }
        }
        if (d->len == 0) {
            return tc_fail(TC_ERR_MALFORMED,
                           "event at 0x%zx: digest algorithm 0x%x is not declared by the log",
                           ev->offset, d->alg);
        }
        for (j = 0; j < i; j++) {
            if (ev->dig[j].alg == d->alg) {
                return tc_fail(TC_ERR_MALFORMED, "event at 0x%zx: algorithm 0x%x twice", ev->offset,
                               d->alg);
            }
        }
        if ((e = tc_read_bytes(r, d->d, d->len)) != TC_ERR_OK) {
            return e;
        }
    }
    ev->n_digests = count;
    if ((e = tc_read_u32le(r, &size)) != TC_ERR_OK ||
        (e = tc_read_ptr(r, &ev->data, size)) != TC_ERR_OK) {
        return e;
    }
    ev->data_len = size;
    return TC_ERR_OK;
}

/* TCG_PCR_EVENT (10.2.1): SHA-1 digest only. */
static tc_err parse_event1(struct tc_reader *r, struct tc_evlog_event *ev)
{
    uint32_t size;
    tc_err e;

    ev->offset = tc_reader_abs(r);
    if ((e = tc_read_u32le(r, &ev->index)) != TC_ERR_OK ||
        (e = tc_read_u32le(r, &ev->type)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, ev->dig[0].d, 20)) != TC_ERR_OK ||
        (e = tc_read_u32le(r, &size)) != TC_ERR_OK ||
        (e = tc_read_ptr(r, &ev->data, size)) != TC_ERR_OK) {
        return e;
    }
    ev->dig[0].alg = TC_TPM_ALG_SHA1;
    ev->dig[0].len = 20;
    ev->n_digests = 1;
    ev->data_len = size;
    return TC_ERR_OK;
}

void tc_evlog_free(struct tc_evlog *log)
{
    free(log->ev);
    memset(log, 0, sizeof(*log));
}

tc_err tc_evlog_parse(const uint8_t *buf, size_t len, struct tc_evlog *log)
{
    struct tc_reader r;
    size_t cap = 0, ff_from, zero_from;
    tc_err e;

    memset(log, 0, sizeof(*log));
    if (len > TC_EVLOG_MAX) {
        return tc_fail(TC_ERR_TOO_LARGE, "event log of %zu bytes", len);
    }
    /* The unused log area (erased flash 0xFF, or zeroed memory) is found once: scanning the
     * rest of the buffer before every event was quadratic (minutes for a few MiB of zeros
     * ending in one stray byte). */
    ff_from = fill_start(buf, len, 0xff);
    zero_from = fill_start(buf, len, 0x00);
    tc_reader_init(&r, buf, len, "event log");
    if ((e = parse_event1(&r, &log->header)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "first event");
    }
    /* The Spec ID header: EV_NO_ACTION with a zero digest (PCR 0 in TPM logs; TDVF's CC log
     * writes MR index 1 there). */
    if (log->header.type == EV_NO_ACTION && all_bytes(log->header.dig[0].d, 20, 0)) {
        if ((e = parse_spec_id(log, log->header.data, log->header.data_len)) != TC_ERR_OK) {
            return e;
        }
    }
    if (!log->crypto_agile) {
        /* A SHA-1 log: the first event is a measurement like the others. */
        log->n_algs = 1;
        log->algs[0].id = TC_TPM_ALG_SHA1;
        log->algs[0].size = 20;
        log->ev = malloc(64 * sizeof(*log->ev));
        if (log->ev == NULL) {
            return tc_fail(TC_ERR_NOMEM, "events");
        }
        cap = 64;
        log->ev[log->n++] = log->header;
    }
    while (tc_reader_remaining(&r) > 0) {
        size_t at = tc_reader_offset(&r);
        struct tc_evlog_event *ev;

        /* The unused log area: erased flash (0xFF) or zeroed memory. */
        if (at >= ff_from || at >= zero_from) {
            log->tail = tc_reader_remaining(&r);
            break;
        }
        if (log->n == TC_EVLOG_MAX_EVENTS) {
            e = tc_fail(TC_ERR_TOO_LARGE, "more than %d events", TC_EVLOG_MAX_EVENTS);
            goto fail;
        }
        if (log->n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct tc_evlog_event *n = realloc(log->ev, ncap * sizeof(*n));

            if (n == NULL) {
                e = tc_fail(TC_ERR_NOMEM, "events");
                goto fail;
            }
            log->ev = n;
            cap = ncap;
        }
        ev = &log->ev[log->n];
        memset(ev, 0, sizeof(*ev));
        e = log->crypto_agile ? parse_event2(log, &r, ev) : parse_event1(&r, ev);
        if (e != TC_ERR_OK) {
            e = tc_fail_ctx(e, "event %zu", log->n + 1);
            goto fail;
        }
        log->n++;
    }
    log->end = len - log->tail;
    return TC_ERR_OK;
fail:
    tc_evlog_free(log);
    return e;
}

static const struct tc_evlog_digest *find_digest(const struct tc_evlog_event *e, uint16_t alg)
{
    size_t i;

    for (i = 0; i < e->n_digests; i++) {
        if (e->dig[i].alg == alg) {
            return &e->dig[i];
        }
    }
    return NULL;
}

static tc_err extend(const EVP_MD *md, uint8_t *reg, const uint8_t *d, size_t n)
{
    uint8_t buf[128];

    memcpy(buf, reg, n);
    memcpy(buf + n, d, n);
    return tc_digest(md, buf, 2 * n, reg);
}

tc_err tc_evlog_replay(const struct tc_evlog *log, enum tc_evlog_kind kind,
                       struct tc_evlog_replay *out)
{
    size_t i, b;
    tc_err e;

    memset(out, 0, sizeof(*out));
    out->kind = kind;
    if (kind == TC_EVLOG_CC) {
        for (i = 0; i < log->n; i++) {
            const struct tc_evlog_event *ev = &log->ev[i];
            const struct tc_evlog_digest *d;

            if (ev->type == EV_NO_ACTION) {
                continue;
            }
            if (ev->index < 1 || ev->index > TC_EVLOG_RTMRS) {
                return tc_fail(TC_ERR_MALFORMED,
                               "event %zu at 0x%zx extends MR index %u (a CC log extends 1..4, "
                               "RTMR0..3)",
                               i + 1, ev->offset, ev->index);
            }
            d = find_digest(ev, TC_TPM_ALG_SHA384);
            if (d == NULL) {
                return tc_fail(TC_ERR_MALFORMED, "event %zu at 0x%zx has no SHA-384 digest", i + 1,
                               ev->offset);
            }
            if ((e = extend(EVP_sha384(), out->rtmr[ev->index - 1], d->d, 48)) != TC_ERR_OK) {
                return e;
            }
            out->rtmr_events[ev->index - 1]++;
        }
        return TC_ERR_OK;
    }
    /* Only banks whose algorithm can be computed here: an SM3-only log replays to nothing,
     * which is said, not shown as zeros. */
    for (b = 0; b < log->n_algs; b++) {
        if (alg_md(log->algs[b].id) != NULL) {
            out->bank[out->n_banks].alg = log->algs[b].id;
            out->bank[out->n_banks].len = log->algs[b].size;
            out->n_banks++;
        }
    }
    if (out->n_banks == 0) {
        return tc_fail(TC_ERR_UNSUPPORTED,
                       "none of the log's digest algorithms can be replayed (it declares %s%s)",
                       log->n_algs > 0 ? tc_tpm_alg_name(log->algs[0].id) : "none",
                       log->n_algs > 1 ? ", ..." : "");
    }
    /* StartupLocality (10.4.5.3): PCR0 starts at 00..00 || locality. */
    for (i = 0; i < log->n; i++) {
        const struct tc_evlog_event *ev = &log->ev[i];

        if (ev->type == EV_NO_ACTION && ev->index == 0 && ev->data_len == 17 &&
            memcmp(ev->data, "StartupLocality", 16) == 0) {
            for (b = 0; b < out->n_banks; b++) {
                out->bank[b].pcr[0][out->bank[b].len - 1] = ev->data[16];
            }
        }
    }
    for (i = 0; i < log->n; i++) {
        const struct tc_evlog_event *ev = &log->ev[i];

        if (ev->type == EV_NO_ACTION) {
            continue;
        }
        if (ev->index >= TC_EVLOG_PCRS) {
            return tc_fail(TC_ERR_MALFORMED, "event %zu at 0x%zx extends PCR %u", i + 1, ev->offset,
                           ev->index);
        }
        for (b = 0; b < out->n_banks; b++) {
            const struct tc_evlog_digest *d = find_digest(ev, out->bank[b].alg);
            const EVP_MD *md = alg_md(out->bank[b].alg);

            if (d == NULL || md == NULL) {
                continue; /* a bank without this event's digest, or one we cannot hash */
            }
            if ((e = extend(md, out->bank[b].pcr[ev->index], d->d, d->len)) != TC_ERR_OK) {
                return e;
            }
            out->bank[b].events[ev->index]++;
        }
    }
    return TC_ERR_OK;
}

int tc_evlog_digest_matches_data(const struct tc_evlog_event *e, uint16_t alg)
{
    const struct tc_evlog_digest *d = find_digest(e, alg);
    const EVP_MD *md = alg_md(alg);
    uint8_t h[64];

    if (d == NULL || md == NULL || tc_digest(md, e->data, e->data_len, h) != TC_ERR_OK) {
        tc_err_clear();
        return -1;
    }
    return memcmp(h, d->d, d->len) == 0;
}

/* ---- for people ---- */

static void ascii(const uint8_t *p, size_t n, char *out, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < n && o + 4 < len; i++) {
        if (p[i] == 0 && i + 1 == n) {
            break;
        }
        out[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
    }
    if (i < n && o + 4 >= len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

/* UTF-16LE (ASCII subset) -> ASCII, others as '?'. */
static void utf16(const uint8_t *p, size_t nchars, char *out, size_t len)
{
    size_t i, o = 0;

    for (i = 0; i < nchars && o + 1 < len; i++) {
        uint16_t c = tc_le16(p + 2 * i);

        if (c == 0) {
            break;
        }
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[o] = '\0';
}

static void guid_str(const uint8_t g[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3],
             g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
             g[14], g[15]);
}

void tc_evlog_describe(const struct tc_evlog_event *e, char *buf, size_t len)
{
    const uint8_t *p = e->data;
    size_t n = e->data_len;
    char s[160], g[37];

    switch (e->type) {
    case 0x80000001: /* EV_EFI_VARIABLE_DRIVER_CONFIG */
    case 0x80000002: /* EV_EFI_VARIABLE_BOOT */
    case 0x8000000c: /* EV_EFI_VARIABLE_BOOT2 */
    case 0x800000e0: /* EV_EFI_VARIABLE_AUTHORITY */
        /* UEFI_VARIABLE_DATA: GUID, u64 name length (chars), u64 data length, name, data */
        if (n >= 32) {
            uint64_t nl = tc_le64(p + 16), dl = tc_le64(p + 24);

            if (nl <= (n - 32) / 2 && dl <= n - 32 - 2 * nl) {
                guid_str(p, g);
                utf16(p + 32, (size_t)nl, s, sizeof(s));
                snprintf(buf, len, "variable %s (%s), %llu byte%s of data", s, g,
                         (unsigned long long)dl, dl == 1 ? "" : "s");
                return;
            }
        }
        break;
    case 0x80000003: /* EV_EFI_BOOT_SERVICES_APPLICATION */
    case 0x80000004:
    case 0x80000005:
        /* UEFI_IMAGE_LOAD_EVENT: location, length, link-time address, device path length */
        if (n >= 32) {
            snprintf(buf, len, "PE image at 0x%llx, %llu bytes", (unsigned long long)tc_le64(p),
                     (unsigned long long)tc_le64(p + 8));
            return;
        }
        break;
    case 0x80000008: /* EV_EFI_PLATFORM_FIRMWARE_BLOB */
        if (n == 16) {
            snprintf(buf, len, "firmware blob at 0x%llx, %llu bytes",
                     (unsigned long long)tc_le64(p), (unsigned long long)tc_le64(p + 8));
            return;
        }
        break;
    case 0x8000000a: /* EV_EFI_PLATFORM_FIRMWARE_BLOB2: u8 len, description, base, length */
    case 0x8000000b: /* EV_EFI_HANDOFF_TABLES2: u8 len, description, tables */
        if (n >= 1 && (size_t)p[0] + 1 <= n) {
            ascii(p + 1, p[0], s, sizeof(s));
            if (e->type == 0x8000000a && n == (size_t)p[0] + 17) {
                snprintf(buf, len, "%s at 0x%llx, %llu bytes", s,
                         (unsigned long long)tc_le64(p + 1 + p[0]),
                         (unsigned long long)tc_le64(p + 9 + p[0]));
            } else {
                snprintf(buf, len, "%s", s);
            }
            return;
        }
        break;
    case 0x80000009: /* EV_EFI_HANDOFF_TABLES: u64 count, {GUID, pointer} */
        if (n >= 8) {
            snprintf(buf, len, "%llu configuration table(s)", (unsigned long long)tc_le64(p));
            return;
        }
        break;
    case 0x80000006: /* EV_EFI_GPT_EVENT: header (92), u64 count, partitions */
        if (n >= 100) {
            snprintf(buf, len, "GPT with %llu partition entries",
                     (unsigned long long)tc_le64(p + 92));
            return;
        }
        break;
    case 0x4: /* EV_SEPARATOR */
        if (n == 4) {
            uint32_t v = tc_le32(p);

            snprintf(buf, len,
                     v == 0             ? "separator"
                     : v == 0xffffffffu ? "separator (error)"
                                        : "separator 0x%08x",
                     v);
            return;
        }
        break;
    case 0x3: /* EV_NO_ACTION */
        if (n >= 16 && memcmp(p, "Spec ID Event", 13) == 0) {
            snprintf(buf, len, "log header (%.15s)", (const char *)p);
            return;
        }
        if (n == 17 && memcmp(p, "StartupLocality", 16) == 0) {
            snprintf(buf, len, "startup locality %u", p[16]);
            return;
        }
        break;
    case 0x8: /* EV_S_CRTM_VERSION: UTF-16 */
        utf16(p, n / 2, s, sizeof(s));
        snprintf(buf, len, "CRTM version %s", s);
        return;
    default:
        break;
    }
    ascii(p, n > 96 ? 96 : n, s, sizeof(s));
    snprintf(buf, len, "%u bytes%s%s%s", e->data_len, n ? ": \"" : "", s, n ? "\"" : "");
}

json_t *tc_evlog_json(const struct tc_evlog *log, const struct tc_evlog_replay *r)
{
    json_t *o = json_object(), *evs = json_array(), *algs = json_array();
    char desc[256], hex[129];
    size_t i, k;

    if (o == NULL || evs == NULL || algs == NULL) {
        goto fail;
    }
    for (i = 0; i < log->n_algs; i++) {
        json_array_append_new(algs, json_string(tc_tpm_alg_name(log->algs[i].id)));
    }
    json_object_set_new(o, "format", json_string(log->crypto_agile ? "crypto-agile" : "sha1"));
    json_object_set(o, "algorithms", algs);
    json_object_set_new(o, "events_count", json_integer((json_int_t)log->n));
    json_object_set_new(o, "log_bytes", json_integer((json_int_t)log->end));
    for (i = 0; i < log->n; i++) {
        const struct tc_evlog_event *e = &log->ev[i];
        json_t *ev = json_object(), *dg = json_object();
        int m;

        if (ev == NULL || dg == NULL || json_array_append_new(evs, ev) != 0) {
            json_decref(dg);
            goto fail;
        }
        json_object_set_new(ev, "offset", json_integer((json_int_t)e->offset));
        json_object_set_new(ev, r != NULL && r->kind == TC_EVLOG_CC ? "mr_index" : "pcr",
                            json_integer(e->index));
        if (r != NULL && r->kind == TC_EVLOG_CC && e->index >= 1 && e->index <= 4) {
            snprintf(desc, sizeof(desc), "RTMR%u", e->index - 1);
            json_object_set_new(ev, "register", json_string(desc));
        }
        json_object_set_new(ev, "type", json_integer(e->type));
        json_object_set_new(ev, "type_name", json_string(tc_evlog_type_name(e->type)));
        for (k = 0; k < e->n_digests; k++) {
            tc_hex_encode(e->dig[k].d, e->dig[k].len, hex);
            json_object_set_new(dg, tc_tpm_alg_name(e->dig[k].alg), json_string(hex));
        }
        json_object_set_new(ev, "digests", dg);
        json_object_set_new(ev, "data_size", json_integer(e->data_len));
        tc_evlog_describe(e, desc, sizeof(desc));
        json_object_set_new(ev, "description", json_string(desc));
        m = tc_evlog_digest_matches_data(e, e->n_digests ? e->dig[0].alg : 0);
        if (m >= 0) {
            json_object_set_new(ev, "digest_is_hash_of_data", json_boolean(m));
        }
    }
    json_object_set(o, "events", evs);
    if (r != NULL && r->kind == TC_EVLOG_CC) {
        json_t *rt = json_object();

        for (i = 0; i < TC_EVLOG_RTMRS && rt != NULL; i++) {
            snprintf(desc, sizeof(desc), "rtmr%zu", i);
            json_object_set_new(rt, desc, json_string(tc_hex_encode(r->rtmr[i], 48, hex)));
        }
        json_object_set_new(o, "rtmrs", rt);
    } else if (r != NULL) {
        json_t *banks = json_object();

        for (k = 0; k < r->n_banks && banks != NULL; k++) {
            json_t *pcrs = json_object();

            for (i = 0; i < TC_EVLOG_PCRS && pcrs != NULL; i++) {
                if (r->bank[k].events[i] == 0) {
                    continue;
                }
                snprintf(desc, sizeof(desc), "%zu", i);
                json_object_set_new(
                    pcrs, desc, json_string(tc_hex_encode(r->bank[k].pcr[i], r->bank[k].len, hex)));
            }
            json_object_set_new(banks, tc_tpm_alg_name(r->bank[k].alg), pcrs);
        }
        json_object_set_new(o, "pcrs", banks);
    }
    json_decref(evs);
    json_decref(algs);
    return o;
fail:
    json_decref(evs);
    json_decref(algs);
    json_decref(o);
    return NULL;
}

/* ---- ACPI CCEL table ---- */

tc_err tc_ccel_parse(const uint8_t *buf, size_t len, struct tc_ccel *c)
{
    struct tc_reader r;
    uint8_t sig[4], sum = 0;
    uint32_t length, u32;
    size_t i;
    tc_err e;

    memset(c, 0, sizeof(*c));
    tc_reader_init(&r, buf, len, "CCEL table");
    /* ACPI table header (ACPI 6.5, 5.2.6), then CC type, subtype, reserved, LAML, LASA. */
    if ((e = tc_read_bytes(&r, sig, 4)) != TC_ERR_OK) {
        return e;
    }
    if (memcmp(sig, "CCEL", 4) != 0) {
        return tc_fail(TC_ERR_MALFORMED, "ACPI table signature is not CCEL");
    }
    if ((e = tc_read_u32le(&r, &length)) != TC_ERR_OK) {
        return e;
    }
    if (length != 56 || len != 56) {
        return tc_fail(TC_ERR_MALFORMED, "CCEL table length %u in a %zu-byte file (expected 56)",
                       length, len);
    }
    for (i = 0; i < len; i++) {
        sum = (uint8_t)(sum + buf[i]);
    }
    if (sum != 0) {
        return tc_fail(TC_ERR_MALFORMED, "CCEL table checksum does not add up (sum 0x%02x)", sum);
    }
    if ((e = tc_read_u8(&r, &c->revision)) != TC_ERR_OK ||
        (e = tc_read_skip(&r, 1)) != TC_ERR_OK || /* checksum */
        (e = tc_read_bytes(&r, c->oem_id, 6)) != TC_ERR_OK ||
        (e = tc_read_bytes(&r, c->oem_table_id, 8)) != TC_ERR_OK ||
        (e = tc_read_u32le(&r, &u32)) != TC_ERR_OK || (e = tc_read_skip(&r, 8)) != TC_ERR_OK ||
        (e = tc_read_u8(&r, &c->cc_type)) != TC_ERR_OK ||
        (e = tc_read_u8(&r, &c->cc_subtype)) != TC_ERR_OK ||
        (e = tc_read_zero(&r, 2, "CCEL reserved")) != TC_ERR_OK ||
        (e = tc_read_u64le(&r, &c->laml)) != TC_ERR_OK ||
        (e = tc_read_u64le(&r, &c->lasa)) != TC_ERR_OK || (e = tc_reader_end(&r)) != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < 6; i++) {
        c->oem_id[i] = c->oem_id[i] >= 0x20 && c->oem_id[i] < 0x7f ? c->oem_id[i] : '?';
    }
    for (i = 0; i < 8; i++) {
        c->oem_table_id[i] =
            c->oem_table_id[i] >= 0x20 && c->oem_table_id[i] < 0x7f ? c->oem_table_id[i] : '?';
    }
    return TC_ERR_OK;
}
