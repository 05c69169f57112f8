/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CoCo's SNP evidence JSON back to the firmware's report bytes (see evidence_coco_snp.h for
 * the shape and where it comes from).
 *
 * Why rebuilding the bytes is safe although the house rule is "verify the raw signed bytes,
 * never a re-serialisation": the guest did not send the raw bytes, only their fields, so the
 * bytes must be rebuilt; what matters is that the claims and the signature check then use
 * one and the same byte string.  The rebuilt 1184 bytes go through the ordinary report parser
 * (which gives every claim) and the ECDSA P-384 check over bytes 0x000..0x29F, exactly as a
 * raw report would.  The signature covers the exact bytes the firmware produced: a rebuilt
 * report that differs from them in any bit (a field the JSON got wrong, a reserved byte the
 * firmware set, a layout this code chose wrongly) fails verification; it can never make a
 * forged report pass, as that would need a signature over bytes the firmware never signed.
 * So this code has to be careful only to be bounded and to refuse nonsense clearly; the
 * converter can cause false rejections, never false acceptances.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/evidence_coco_snp.h"

#define WHY "CoCo SNP evidence: "

enum kind {
    F_U32,     /* number 0..2^32-1, little-endian */
    F_U64,     /* number 0..2^63-1 (jansson's integers are signed 64-bit) */
    F_BYTES,   /* array of exactly len integers 0..255 */
    F_TCB,     /* TcbVersion object, 8 bytes in the product's layout */
    F_CPUID,   /* Option<u8>: a number from version 3 on, null in version 2 */
    F_MIT,     /* Option<u64>: a number in version 5, null before */
    F_VERSION, /* Version object {"major","minor","build"}: bytes build, minor, major */
    F_SIG,     /* Signature {"r": [72], "s": [72]} */
};

struct field {
    const char *name;
    enum kind kind;
    uint16_t off;
    uint16_t len;
};

/*
 * AMD SEV-SNP Firmware ABI (#56860), table "ATTESTATION_REPORT Structure", in the order of
 * the sev crate's struct AttestationReport (which is also the order of the offsets).  Gaps
 * are reserved bytes, left zero: 0x04C..0x04F, 0x18B..0x19F (0x188..0x19F in version 2),
 * 0x1EB, 0x1EF, 0x208..0x29F (0x1F8..0x29F before version 5), 0x330..0x49F.
 */
static const struct field fields[] = {
    {"version", F_U32, 0x000, 4},
    {"guest_svn", F_U32, 0x004, 4},
    {"policy", F_U64, 0x008, 8},
    {"family_id", F_BYTES, 0x010, 16},
    {"image_id", F_BYTES, 0x020, 16},
    {"vmpl", F_U32, 0x030, 4},
    {"sig_algo", F_U32, 0x034, 4},
    {"current_tcb", F_TCB, 0x038, 8},
    {"plat_info", F_U64, 0x040, 8},
    {"key_info", F_U32, 0x048, 4},
    {"report_data", F_BYTES, 0x050, 64},
    {"measurement", F_BYTES, 0x090, 48},
    {"host_data", F_BYTES, 0x0C0, 32},
    {"id_key_digest", F_BYTES, 0x0E0, 48},
    {"author_key_digest", F_BYTES, 0x110, 48},
    {"report_id", F_BYTES, 0x140, 32},
    {"report_id_ma", F_BYTES, 0x160, 32},
    {"reported_tcb", F_TCB, 0x180, 8},
    {"cpuid_fam_id", F_CPUID, 0x188, 1},
    {"cpuid_mod_id", F_CPUID, 0x189, 1},
    {"cpuid_step", F_CPUID, 0x18A, 1},
    {"chip_id", F_BYTES, 0x1A0, 64},
    {"committed_tcb", F_TCB, 0x1E0, 8},
    {"current", F_VERSION, 0x1E8, 3},
    {"committed", F_VERSION, 0x1EC, 3},
    {"launch_tcb", F_TCB, 0x1F0, 8},
    {"launch_mit_vector", F_MIT, 0x1F8, 8},
    {"current_mit_vector", F_MIT, 0x200, 8},
    {"signature", F_SIG, 0x2A0, 144},
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const tcb_keys[] = {"fmc", "bootloader", "tee", "snp", "microcode"};
static const char *const version_keys[] = {"major", "minor", "build"};
static const char *const sig_keys[] = {"r", "s"};
static const char *const top_keys[] = {"attestation_report", "cert_chain"};
static const char *const entry_keys[] = {"cert_type", "data"};

int tc_coco_snp_is(const json_t *evidence)
{
    return json_is_object(evidence) && json_object_get(evidence, "attestation_report") != NULL;
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* Every key of obj must be one of keys[0..n): serde would ignore others, we refuse them. */
static tc_err only_keys(const json_t *obj, const char *path, const char *const *keys, size_t n)
{
    const char *k;
    json_t *val;

    json_object_foreach((json_t *)obj, k, val)
    {
        size_t i;

        (void)val;
        for (i = 0; i < n && strcmp(k, keys[i]) != 0; i++) {
        }
        if (i == n) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s: unknown field \"%.64s\"", path, k);
        }
    }
    return TC_ERR_OK;
}

static tc_err want_object(const json_t *j, const char *path)
{
    if (j == NULL) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s: missing", path);
    }
    if (!json_is_object(j)) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s: not an object", path);
    }
    return TC_ERR_OK;
}

/*
 * An unsigned integer member no larger than max.  optional: absent or null gives *present = 0
 * (serde's Option); otherwise both are refused.
 */
static tc_err get_uint(const json_t *obj, const char *path, const char *key, uint64_t max,
                       int optional, int *present, uint64_t *out)
{
    const json_t *j = json_object_get(obj, key);
    json_int_t v;

    *out = 0;
    if (present != NULL) {
        *present = 0;
    }
    if (j == NULL || json_is_null(j)) {
        if (optional) {
            return TC_ERR_OK;
        }
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s: %s", path, key,
                       j == NULL ? "missing" : "null, want a number");
    }
    if (!json_is_integer(j)) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s: not an integer", path, key);
    }
    v = json_integer_value(j);
    if (v < 0 || (uint64_t)v > max) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s: %lld is out of range 0..%llu", path, key,
                       (long long)v, (unsigned long long)max);
    }
    *out = (uint64_t)v;
    if (present != NULL) {
        *present = 1;
    }
    return TC_ERR_OK;
}

/* A JSON array of exactly n bytes (serde's [u8; N] and serde_big_array). */
static tc_err get_bytes(const json_t *obj, const char *path, const char *key, uint8_t *dst,
                        size_t n)
{
    const json_t *a = json_object_get(obj, key);
    size_t i;

    if (a == NULL) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s: missing", path, key);
    }
    if (!json_is_array(a)) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s: not an array of bytes", path, key);
    }
    if (json_array_size(a) != n) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s: %zu elements, want %zu", path, key,
                       json_array_size(a), n);
    }
    for (i = 0; i < n; i++) {
        const json_t *b = json_array_get(a, i);
        json_int_t v;

        if (!json_is_integer(b)) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s[%zu]: not an integer", path, key, i);
        }
        v = json_integer_value(b);
        if (v < 0 || v > 255) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s.%s[%zu]: %lld is not a byte", path, key, i,
                           (long long)v);
        }
        dst[i] = (uint8_t)v;
    }
    return TC_ERR_OK;
}

struct tcb {
    int has_fmc;
    uint64_t fmc, bootloader, tee, snp, microcode;
};

/* sev's TcbVersion: {"fmc": u8|null, "bootloader", "tee", "snp", "microcode": u8}. */
static tc_err get_tcb(const json_t *ar, const char *key, struct tcb *t)
{
    const json_t *o = json_object_get(ar, key);
    char path[64];
    tc_err e;

    snprintf(path, sizeof(path), "attestation_report.%s", key);
    if ((e = want_object(o, path)) != TC_ERR_OK ||
        (e = only_keys(o, path, tcb_keys, 5)) != TC_ERR_OK ||
        (e = get_uint(o, path, "fmc", 255, 1, &t->has_fmc, &t->fmc)) != TC_ERR_OK ||
        (e = get_uint(o, path, "bootloader", 255, 0, NULL, &t->bootloader)) != TC_ERR_OK ||
        (e = get_uint(o, path, "tee", 255, 0, NULL, &t->tee)) != TC_ERR_OK ||
        (e = get_uint(o, path, "snp", 255, 0, NULL, &t->snp)) != TC_ERR_OK ||
        (e = get_uint(o, path, "microcode", 255, 0, NULL, &t->microcode)) != TC_ERR_OK) {
        return e;
    }
    return TC_ERR_OK;
}

/*
 * TCB_VERSION (ABI table "TCB_VERSION Structure"; sev TcbVersion::to_legacy_bytes and
 * to_turin_bytes).  Milan/Genoa: bootloader, tee, 4 reserved, snp, microcode.  Turin and
 * later: fmc, bootloader, tee, snp, 3 reserved, microcode.
 */
static void put_tcb(uint8_t *p, const struct tcb *t, int turin)
{
    memset(p, 0, 8);
    if (turin) {
        p[0] = (uint8_t)t->fmc;
        p[1] = (uint8_t)t->bootloader;
        p[2] = (uint8_t)t->tee;
        p[3] = (uint8_t)t->snp;
    } else {
        p[0] = (uint8_t)t->bootloader;
        p[1] = (uint8_t)t->tee;
        p[6] = (uint8_t)t->snp;
    }
    p[7] = (uint8_t)t->microcode;
}

/*
 * Which TCB layout the sev crate wrote (AttestationReport::from_bytes): from version 3 by the
 * CPUID family (0x19 Milan/Genoa, 0x1A Turin/Venice), in version 2 by CHIP_ID (Turin's hwID is
 * 8 bytes: the rest zero).  Its TcbVersion has fmc exactly when it used the Turin layout, so
 * fmc must be there in all four TCBs or in none, and agree with the family where the family
 * decides.  A family sev does not know (it would have refused to parse): fmc decides, and the
 * signature judges the result.
 */
static tc_err tcb_layout(const struct tcb t[4], uint32_t version, const uint64_t cpuid_family,
                         const uint8_t chip_id[64], int *turin)
{
    static const char *const names[] = {"current_tcb", "reported_tcb", "committed_tcb",
                                        "launch_tcb"};
    int want = -1;
    size_t i;

    for (i = 1; i < 4; i++) {
        if (t[i].has_fmc != t[0].has_fmc) {
            return tc_fail(TC_ERR_MALFORMED,
                           WHY "attestation_report.%s.fmc is %s but %s.fmc is %s: one report has "
                               "one TCB layout",
                           names[0], t[0].has_fmc ? "set" : "null", names[i],
                           t[i].has_fmc ? "set" : "null");
        }
    }
    if (version >= 3) {
        if (cpuid_family == 0x19) {
            want = 0;
        } else if (cpuid_family == 0x1A) {
            want = 1;
        }
    } else {
        static const uint8_t zero[64];

        if (memcmp(chip_id, zero, 64) != 0) {
            want = memcmp(chip_id + 8, zero, 56) == 0;
        }
    }
    if (want >= 0 && want != t[0].has_fmc) {
        return tc_fail(TC_ERR_MALFORMED,
                       WHY "attestation_report.*_tcb.fmc is %s, but this report's %s has the %s "
                           "TCB layout",
                       t[0].has_fmc ? "set" : "null", version >= 3 ? "CPUID family" : "CHIP_ID",
                       want ? "Turin (fmc)" : "Milan/Genoa (no fmc)");
    }
    *turin = t[0].has_fmc;
    return TC_ERR_OK;
}

/* sev's Version {"major","minor","build"}; in the report: build, minor, major. */
static tc_err put_version(const json_t *ar, const char *key, uint8_t *p)
{
    const json_t *o = json_object_get(ar, key);
    uint64_t major, minor, build;
    char path[64];
    tc_err e;

    snprintf(path, sizeof(path), "attestation_report.%s", key);
    if ((e = want_object(o, path)) != TC_ERR_OK ||
        (e = only_keys(o, path, version_keys, 3)) != TC_ERR_OK ||
        (e = get_uint(o, path, "major", 255, 0, NULL, &major)) != TC_ERR_OK ||
        (e = get_uint(o, path, "minor", 255, 0, NULL, &minor)) != TC_ERR_OK ||
        (e = get_uint(o, path, "build", 255, 0, NULL, &build)) != TC_ERR_OK) {
        return e;
    }
    p[0] = (uint8_t)build;
    p[1] = (uint8_t)minor;
    p[2] = (uint8_t)major;
    return TC_ERR_OK;
}

/* Signature {"r": [72], "s": [72]}: R at 0x2A0, S at 0x2E8, both little-endian as stored. */
static tc_err put_signature(const json_t *ar, uint8_t *report)
{
    const json_t *o = json_object_get(ar, "signature");
    const char *path = "attestation_report.signature";
    tc_err e;

    if ((e = want_object(o, path)) != TC_ERR_OK ||
        (e = only_keys(o, path, sig_keys, 2)) != TC_ERR_OK ||
        (e = get_bytes(o, path, "r", report + 0x2A0, 72)) != TC_ERR_OK ||
        (e = get_bytes(o, path, "s", report + 0x2E8, 72)) != TC_ERR_OK) {
        return e;
    }
    return TC_ERR_OK;
}

/* RFC 4122 text form, as the uuid crate serialises it (8-4-4-4-12 hex digits). */
static int uuid_text(const char *s)
{
    size_t i;

    if (strlen(s) != 36) {
        return 0;
    }
    for (i = 0; i < 36; i++) {
        int hy = i == 8 || i == 13 || i == 18 || i == 23;

        if (hy ? s[i] != '-' : strchr("0123456789abcdefABCDEF", s[i]) == NULL) {
            return 0;
        }
    }
    return 1;
}

/* sev's CertType (externally tagged enum): the kinds the verifier uses, or UNKNOWN. */
static tc_err cert_type(const json_t *t, const char *path, enum tc_snp_cert_kind *kind)
{
    static const struct {
        const char *name;
        enum tc_snp_cert_kind kind;
    } types[] = {
        {"VCEK", TC_SNP_CERT_VCEK}, {"VLEK", TC_SNP_CERT_VLEK},   {"ASK", TC_SNP_CERT_ASK},
        {"ARK", TC_SNP_CERT_ARK},   {"CRL", TC_SNP_CERT_UNKNOWN}, {"Empty", TC_SNP_CERT_UNKNOWN},
    };
    size_t i;

    if (json_is_string(t)) {
        for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            if (strcmp(json_string_value(t), types[i].name) == 0) {
                *kind = types[i].kind;
                return TC_ERR_OK;
            }
        }
        return tc_fail(TC_ERR_MALFORMED,
                       WHY "%s.cert_type: \"%.32s\" is not ARK, ASK, VCEK, VLEK, CRL, Empty or "
                           "{\"OTHER\": uuid}",
                       path, json_string_value(t));
    }
    if (json_is_object(t) && json_object_size(t) == 1 &&
        json_is_string(json_object_get(t, "OTHER")) &&
        uuid_text(json_string_value(json_object_get(t, "OTHER")))) {
        *kind = TC_SNP_CERT_UNKNOWN;
        return TC_ERR_OK;
    }
    return tc_fail(TC_ERR_MALFORMED, WHY "%s.cert_type: want a name or {\"OTHER\": \"<uuid>\"}",
                   path);
}

/* cert_chain: null/absent, or a list of {"cert_type", "data": [bytes]} (sev CertTableEntry). */
static tc_err get_chain(const json_t *ev, struct tc_coco_snp *c)
{
    const json_t *a = json_object_get(ev, "cert_chain");
    size_t i;
    tc_err e;

    if (a == NULL || json_is_null(a)) {
        return TC_ERR_OK;
    }
    if (!json_is_array(a)) {
        return tc_fail(TC_ERR_MALFORMED, WHY "cert_chain: not a list (or null)");
    }
    if (json_array_size(a) > TC_COCO_SNP_CERTS_MAX) {
        return tc_fail(TC_ERR_MALFORMED, WHY "cert_chain: %zu entries, at most %d",
                       json_array_size(a), TC_COCO_SNP_CERTS_MAX);
    }
    c->has_chain = 1;
    for (i = 0; i < json_array_size(a); i++) {
        const json_t *en = json_array_get(a, i), *data;
        enum tc_snp_cert_kind kind = TC_SNP_CERT_UNKNOWN;
        char path[32];
        uint8_t *buf;
        size_t n;

        snprintf(path, sizeof(path), "cert_chain[%zu]", i);
        if ((e = want_object(en, path)) != TC_ERR_OK ||
            (e = only_keys(en, path, entry_keys, 2)) != TC_ERR_OK) {
            return e;
        }
        if (json_object_get(en, "cert_type") == NULL) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s.cert_type: missing", path);
        }
        if ((e = cert_type(json_object_get(en, "cert_type"), path, &kind)) != TC_ERR_OK) {
            return e;
        }
        data = json_object_get(en, "data");
        if (!json_is_array(data)) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s.data: %s", path,
                           data == NULL ? "missing" : "not an array of bytes");
        }
        n = json_array_size(data);
        if (n > TC_COCO_SNP_CERT_MAX) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s.data: %zu bytes, at most %u", path, n,
                           TC_COCO_SNP_CERT_MAX);
        }
        if (kind != TC_SNP_CERT_UNKNOWN && n == 0) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s.data: empty certificate", path);
        }
        buf = malloc(n > 0 ? n : 1);
        if (buf == NULL) {
            return tc_fail(TC_ERR_NOMEM, WHY "%s", path);
        }
        if ((e = get_bytes(en, path, "data", buf, n)) != TC_ERR_OK) {
            free(buf);
            return e;
        }
        if (kind == TC_SNP_CERT_UNKNOWN) {
            /* A CRL the host attached, an empty or vendor entry: not used (as Trustee). */
            free(buf);
            c->n_ignored++;
            continue;
        }
        c->certs[c->n_certs].data = buf;
        c->certs[c->n_certs].len = n;
        c->kinds[c->n_certs] = kind;
        c->n_certs++;
    }
    return TC_ERR_OK;
}

static tc_err convert(const json_t *ev, struct tc_coco_snp *c)
{
    const char *ap = "attestation_report";
    const json_t *ar;
    const char *k;
    json_t *val;
    struct tcb t[4];
    uint64_t version, x, family = 0;
    size_t i, nt = 0;
    int present, turin = 0, mit = 0;
    tc_err e;

    if (!json_is_object(ev)) {
        return tc_fail(TC_ERR_MALFORMED, WHY "not an object");
    }
    if ((e = only_keys(ev, "evidence", top_keys, 2)) != TC_ERR_OK) {
        return e;
    }
    ar = json_object_get(ev, ap);
    if ((e = want_object(ar, ap)) != TC_ERR_OK) {
        return e;
    }
    json_object_foreach((json_t *)ar, k, val)
    {
        (void)val;
        for (i = 0; i < N_FIELDS && strcmp(k, fields[i].name) != 0; i++) {
        }
        if (i == N_FIELDS) {
            return tc_fail(TC_ERR_MALFORMED, WHY "%s: unknown field \"%.64s\"", ap, k);
        }
    }
    /* The version first: it says which optional fields the report has. */
    if ((e = get_uint(ar, ap, "version", UINT32_MAX, 0, NULL, &version)) != TC_ERR_OK) {
        return e;
    }
    if (version < 2 || version > 5) {
        return tc_fail(TC_ERR_MALFORMED, WHY "%s.version: %llu (report versions 2 to 5 are known)",
                       ap, (unsigned long long)version);
    }
    if (version >= 3 &&
        (e = get_uint(ar, ap, "cpuid_fam_id", 255, 1, &present, &family)) != TC_ERR_OK) {
        return e;
    }
    if ((e = get_bytes(ar, ap, "chip_id", c->report + 0x1A0, 64)) != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < N_FIELDS; i++) {
        const struct field *f = &fields[i];
        uint8_t *p = c->report + f->off;

        switch (f->kind) {
        case F_U32:
            e = get_uint(ar, ap, f->name, UINT32_MAX, 0, NULL, &x);
            put_le(p, x, 4);
            break;
        case F_U64:
            e = get_uint(ar, ap, f->name, INT64_MAX, 0, NULL, &x);
            put_le(p, x, 8);
            break;
        case F_BYTES:
            e = get_bytes(ar, ap, f->name, p, f->len);
            break;
        case F_TCB:
            e = get_tcb(ar, f->name, &t[nt++]);
            break;
        case F_CPUID:
            /* Version 2 has no CPUID bytes (reserved): sev gives None. */
            e = get_uint(ar, ap, f->name, 255, 1, &present, &x);
            if (e == TC_ERR_OK && present != (version >= 3)) {
                e = tc_fail(TC_ERR_MALFORMED,
                            WHY "%s.%s: %s for a version %llu report (CPUID fields exist from "
                                "version 3)",
                            ap, f->name, present ? "set" : "missing or null",
                            (unsigned long long)version);
            }
            p[0] = (uint8_t)x;
            break;
        case F_MIT:
            /* Version 5 added them; sev before 6.3 has no such fields and would have lost
             * them, so a version 5 report without them cannot be rebuilt. */
            mit += json_object_get(ar, f->name) != NULL;
            e = get_uint(ar, ap, f->name, INT64_MAX, 1, &present, &x);
            if (e == TC_ERR_OK && present != (version >= 5)) {
                e = tc_fail(TC_ERR_MALFORMED,
                            WHY "%s.%s: %s for a version %llu report (mitigation vectors exist "
                                "from version 5; sev crates before 6.3 drop them)",
                            ap, f->name, present ? "set" : "missing or null",
                            (unsigned long long)version);
            }
            put_le(p, x, 8);
            break;
        case F_VERSION:
            e = put_version(ar, f->name, p);
            break;
        case F_SIG:
            e = put_signature(ar, c->report);
            break;
        }
        if (e != TC_ERR_OK) {
            return e;
        }
    }
    if ((e = tcb_layout(t, (uint32_t)version, family, c->report + 0x1A0, &turin)) != TC_ERR_OK) {
        return e;
    }
    put_tcb(c->report + 0x038, &t[0], turin);
    put_tcb(c->report + 0x180, &t[1], turin);
    put_tcb(c->report + 0x1E0, &t[2], turin);
    put_tcb(c->report + 0x1F0, &t[3], turin);
    c->turin_tcb = turin;
    c->has_mit_keys = mit == 2;
    return get_chain(ev, c);
}

tc_err tc_coco_snp_convert(const json_t *evidence, struct tc_coco_snp *c)
{
    tc_err e;

    memset(c, 0, sizeof(*c));
    e = convert(evidence, c);
    if (e != TC_ERR_OK) {
        tc_coco_snp_free(c);
    }
    return e;
}

void tc_coco_snp_free(struct tc_coco_snp *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < c->n_certs; i++) {
        free((void *)c->certs[i].data);
    }
    memset(c, 0, sizeof(*c));
}
