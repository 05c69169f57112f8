/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP report, certificate table and container parsing: every version, every reserved
 * field, truncated and oversized inputs, and the claims JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reader.h"
#include "harness.h"
#include "support/snp_synth.h"
#include "trustchain/snp.h"

static struct snp_synth_chain *milan, *turin;

static int make(struct snp_synth_chain *c, uint32_t version, uint8_t *raw)
{
    struct snp_synth_report ro;

    snp_synth_report_init(c, &ro);
    ro.version = version;
    if (version >= 5) {
        ro.launch_mit_vector = 0x3f;
        ro.current_mit_vector = 0x1f;
    }
    return snp_synth_report_sign(c, &ro, raw) == TC_ERR_OK;
}

static void test_versions(void)
{
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_report r;
    uint32_t v;

    for (v = 2; v <= 5; v++) {
        if (!make(milan, v, raw)) {
            CHECK(0, "make v%u", v);
            continue;
        }
        CHECK_OK(tc_snp_report_parse(raw, sizeof(raw), &r), "Milan v%u parses", v);
        CHECK(r.version == v && r.has_cpuid == (v >= 3) && r.has_mit_vectors == (v >= 5),
              "v%u: CPUID and mitigation vector presence", v);
        CHECK(r.product == (v >= 3 ? TC_SNP_PRODUCT_MILAN : TC_SNP_PRODUCT_UNKNOWN),
              "v%u: product %s", v, tc_snp_product_name(r.product));
        CHECK(memcmp(r.raw, raw, sizeof(raw)) == 0, "v%u: raw bytes kept as received", v);
    }
    CHECK(r.launch_mit_vector == 0x3f && r.current_mit_vector == 0x1f, "v5 mitigation vectors");
    CHECK(r.reported_tcb.bootloader == 3 && r.reported_tcb.snp == 8 &&
              r.reported_tcb.microcode == 115 && !r.reported_tcb.turin,
          "Milan TCB layout");
    if (make(turin, 5, raw)) {
        CHECK_OK(tc_snp_report_parse(raw, sizeof(raw), &r), "Turin v5 parses");
        CHECK(r.product == TC_SNP_PRODUCT_TURIN && r.reported_tcb.turin &&
                  r.reported_tcb.fmc == 1 && r.reported_tcb.bootloader == 3 &&
                  r.reported_tcb.tee == 2 && r.reported_tcb.snp == 5 &&
                  r.reported_tcb.microcode == 97,
              "Turin TCB layout (fmc, bl, tee, snp, ucode)");
    }
    for (v = 0; v < 8; v++) {
        static const uint32_t bad[] = {0, 1, 6, 7, 0x100, 0x10002, 0x80000003, 0xffffffff};

        if (make(milan, 3, raw)) {
            tc_put_le32(raw, bad[v]);
            CHECK_ERR(tc_snp_report_parse(raw, sizeof(raw), &r), TC_ERR_VERSION, "version %u",
                      bad[v]);
        }
    }
}

static void test_products(void)
{
    static const struct {
        uint8_t fam, model;
        enum tc_snp_product p;
    } t[] = {
        {0x19, 0x01, TC_SNP_PRODUCT_MILAN},   {0x19, 0x00, TC_SNP_PRODUCT_MILAN},
        {0x19, 0x11, TC_SNP_PRODUCT_GENOA},   {0x19, 0xa0, TC_SNP_PRODUCT_GENOA},
        {0x1a, 0x02, TC_SNP_PRODUCT_TURIN},   {0x1a, 0x11, TC_SNP_PRODUCT_TURIN},
        {0x19, 0x21, TC_SNP_PRODUCT_UNKNOWN}, {0x1a, 0x50, TC_SNP_PRODUCT_UNKNOWN},
        {0x17, 0x31, TC_SNP_PRODUCT_UNKNOWN},
    };
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_report r;
    enum tc_snp_product p;
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (!make(milan, 3, raw)) {
            continue;
        }
        raw[0x188] = t[i].fam;
        raw[0x189] = t[i].model;
        CHECK(tc_snp_report_parse(raw, sizeof(raw), &r) == TC_ERR_OK && r.product == t[i].p,
              "CPUID %02xh/%02xh is %s", t[i].fam, t[i].model, tc_snp_product_name(t[i].p));
    }
    CHECK(tc_snp_product_parse("Milan-B0", &p) == TC_ERR_OK && p == TC_SNP_PRODUCT_MILAN,
          "productName Milan-B0");
    CHECK(tc_snp_product_parse("turin", &p) == TC_ERR_OK && p == TC_SNP_PRODUCT_TURIN,
          "product turin");
    CHECK_ERR(tc_snp_product_parse("Milano", &p), TC_ERR_UNSUPPORTED, "product Milano");
    CHECK_ERR(tc_snp_product_parse("Venice", &p), TC_ERR_UNSUPPORTED, "product Venice");
}

/* Every byte of a reserved range, set alone, is rejected as RESERVED. */
static void reserved_range(uint32_t version, size_t lo, size_t hi, const char *what)
{
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_report r;
    size_t off, bad = 0;

    if (!make(version >= 5 ? turin : milan, version, raw)) {
        CHECK(0, "make");
        return;
    }
    for (off = lo; off <= hi; off++) {
        tc_err e;

        raw[off] = 0x01;
        e = tc_snp_report_parse(raw, sizeof(raw), &r);
        raw[off] = 0x00;
        if (e != TC_ERR_RESERVED) {
            bad++;
            printf("#   0x%zx: %s\n", off, tc_err_name(e));
        }
    }
    CHECK(bad == 0, "v%u: each of the %zu bytes %s (0x%zx-0x%zx) set: rejected", version,
          hi - lo + 1, what, lo, hi);
    CHECK_OK(tc_snp_report_parse(raw, sizeof(raw), &r), "v%u: restored report parses", version);
}

static void test_reserved(void)
{
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_report r;
    unsigned bit;
    size_t bad;

    reserved_range(3, 0x4c, 0x4f, "reserved");
    reserved_range(2, 0x188, 0x19f, "reserved (v2: no CPUID)");
    reserved_range(3, 0x18b, 0x19f, "reserved after CPUID");
    reserved_range(3, 0x1eb, 0x1eb, "reserved");
    reserved_range(3, 0x1ef, 0x1ef, "reserved");
    reserved_range(3, 0x1f8, 0x29f, "reserved (v3: no mitigation vectors)");
    reserved_range(4, 0x1f8, 0x29f, "reserved (v4: no mitigation vectors)");
    reserved_range(5, 0x208, 0x29f, "reserved");
    reserved_range(3, 0x330, 0x49f, "signature reserved");
    reserved_range(5, 0x330, 0x49f, "signature reserved");

    /* GUEST_POLICY: bit 17 must be 1, bits 63:26 must be 0. */
    if (make(milan, 3, raw)) {
        raw[0x0a] &= (uint8_t)~0x02;
        CHECK_ERR(tc_snp_report_parse(raw, sizeof(raw), &r), TC_ERR_RESERVED,
                  "policy bit 17 clear");
    }
    bad = 0;
    for (bit = 26; bit < 64; bit++) {
        if (make(milan, 3, raw)) {
            tc_put_le64(raw + 8, 0x30000 | (1ull << bit));
            bad += tc_snp_report_parse(raw, sizeof(raw), &r) != TC_ERR_RESERVED;
        }
    }
    CHECK(bad == 0, "policy bits 26-63, each set: rejected");
    /* 0x48: bits 31:5 reserved; SIGNING_KEY 2-6 reserved, 0 1 7 defined. */
    bad = 0;
    for (bit = 5; bit < 32; bit++) {
        if (make(milan, 3, raw)) {
            tc_put_le32(raw + 0x48, 1u << bit);
            bad += tc_snp_report_parse(raw, sizeof(raw), &r) != TC_ERR_RESERVED;
        }
    }
    CHECK(bad == 0, "signer info bits 5-31, each set: rejected");
    for (bit = 0; bit < 8; bit++) {
        if (make(milan, 3, raw)) {
            tc_err e;

            tc_put_le32(raw + 0x48, bit << 2);
            e = tc_snp_report_parse(raw, sizeof(raw), &r);
            CHECK(bit >= 2 && bit <= 6 ? e == TC_ERR_RESERVED
                                       : e == TC_ERR_OK && r.signing_key == bit,
                  "SIGNING_KEY %u %s", bit, bit >= 2 && bit <= 6 ? "rejected" : "accepted");
        }
    }
    /* Undefined platform-info bits are shown, not rejected (Turin sets bit 6). */
    if (make(turin, 5, raw)) {
        json_t *j;

        tc_put_le64(raw + 0x40, 0x65 | (1ull << 40));
        CHECK_OK(tc_snp_report_parse(raw, sizeof(raw), &r), "platform info 0x65 + bit 40 parses");
        j = tc_snp_report_json(&r);
        CHECK(j != NULL && strcmp(json_string_value(json_object_get(
                                      json_object_get(j, "platform_info"), "unknown_bits")),
                                  "0x10000000040") == 0,
              "unknown platform-info bits shown");
        json_decref(j);
    }
    /* VMPL beyond 3 (e.g. a host-requested report) is kept for the policy to judge. */
    if (make(milan, 3, raw)) {
        tc_put_le32(raw + 0x30, 0xffffffff);
        CHECK(tc_snp_report_parse(raw, sizeof(raw), &r) == TC_ERR_OK && r.vmpl == 0xffffffff,
              "VMPL 0xffffffff kept");
    }
}

static void test_lengths(void)
{
    uint8_t raw[TC_SNP_REPORT_SIZE + 64];
    struct tc_snp_report r;
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));
    size_t n, bad = 0;

    if (ev == NULL || !make(milan, 3, raw)) {
        free(ev);
        return;
    }
    memset(raw + TC_SNP_REPORT_SIZE, 0, 64);
    for (n = 0; n < TC_SNP_REPORT_SIZE; n++) {
        bad += tc_snp_report_parse(raw, n, &r) != TC_ERR_TRUNCATED;
        bad += tc_snp_evidence_parse(raw, n, ev) != TC_ERR_TRUNCATED;
    }
    CHECK(bad == 0, "every length 0-1183: truncated");
    CHECK_ERR(tc_snp_report_parse(raw, TC_SNP_REPORT_SIZE + 1, &r), TC_ERR_TRAILING,
              "1185 bytes: trailing");
    /* A real sample (a Rust tool's bad-signature test vector) is a report and a newline. */
    raw[TC_SNP_REPORT_SIZE] = '\n';
    CHECK_ERR(tc_snp_evidence_parse(raw, TC_SNP_REPORT_SIZE + 1, ev), TC_ERR_TRAILING,
              "report + newline: trailing bytes, not a truncated certificate table");
    raw[TC_SNP_REPORT_SIZE] = 0;
    CHECK_ERR(tc_snp_evidence_parse(raw, TC_SNP_REPORT_SIZE + 23, ev), TC_ERR_TRAILING,
              "report + 23 bytes: too few for a table terminator");
    CHECK_ERR(tc_snp_evidence_parse(raw, TC_SNP_REPORT_SIZE + 24, ev), TC_ERR_MALFORMED,
              "report + 24 zero bytes: a table with no entries");
    CHECK(tc_snp_evidence_parse(raw, TC_SNP_REPORT_SIZE + 64, ev) != TC_ERR_OK,
          "report + 64 zero bytes: empty certificate table rejected");
    CHECK_OK(tc_snp_evidence_parse(raw, TC_SNP_REPORT_SIZE, ev), "exactly 1184: a report");
    CHECK(ev->container == TC_SNP_CONTAINER_REPORT && ev->certs.n == 0, "bare report container");
    free(ev);
}

static void test_certtable(void)
{
    uint8_t *t = NULL, *w = NULL;
    size_t len = 0, i;
    struct tc_snp_certtable ct;

    if (snp_synth_certtable(milan, 0, &t, &len) != TC_ERR_OK || (w = malloc(len + 8192)) == NULL) {
        CHECK(0, "synthetic table");
        free(t);
        return;
    }
    CHECK_OK(tc_snp_certtable_parse(t, len, &ct), "synthetic table parses");
    CHECK(ct.n == 3 && ct.e[0].kind == TC_SNP_CERT_VCEK && ct.e[1].kind == TC_SNP_CERT_ASK &&
              ct.e[2].kind == TC_SNP_CERT_ARK && ct.e[0].data == t + 96 && ct.e[0].data[0] == 0x30,
          "entries: VCEK, ASK, ARK pointing into the buffer");
    /* Page padding (zeros) is fine; non-zero after the last blob is not. */
    memcpy(w, t, len);
    memset(w + len, 0, 8192);
    CHECK_OK(tc_snp_certtable_parse(w, len + 4096, &ct), "zero padding accepted");
    w[len + 100] = 1;
    CHECK_ERR(tc_snp_certtable_parse(w, len + 4096, &ct), TC_ERR_TRAILING,
              "non-zero bytes after the blobs");
    /* Truncation anywhere: the entries, or a blob. */
    {
        size_t bad = 0;

        for (i = 0; i < len; i += (i < 120 ? 1 : 97)) {
            tc_err e = tc_snp_certtable_parse(t, i, &ct);

            bad += e != TC_ERR_TRUNCATED && e != TC_ERR_MALFORMED;
        }
        CHECK(bad == 0, "truncated tables rejected");
    }
    /* Offset past the end. */
    memcpy(w, t, len);
    tc_put_le32(w + 16, (uint32_t)len);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_TRUNCATED, "offset past the end");
    memcpy(w, t, len);
    tc_put_le32(w + 20, 0xffffffff);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_TRUNCATED, "length 0xffffffff");
    /* Offset inside the entries. */
    memcpy(w, t, len);
    tc_put_le32(w + 16, 24);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_MALFORMED, "offset inside the entries");
    /* Overlapping blobs. */
    memcpy(w, t, len);
    tc_put_le32(w + 24 + 16, tc_le32(w + 16) + 10);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_MALFORMED, "overlapping entries");
    /* Duplicate GUID. */
    memcpy(w, t, len);
    memcpy(w + 24, w, 16);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_MALFORMED, "two VCEK entries");
    /* Zero-length entry. */
    memcpy(w, t, len);
    tc_put_le32(w + 20, 0);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_MALFORMED, "empty entry");
    /* Terminator with a non-zero offset. */
    memcpy(w, t, len);
    tc_put_le32(w + 72 + 16, 5);
    CHECK_ERR(tc_snp_certtable_parse(w, len, &ct), TC_ERR_RESERVED, "terminator not zero");
    /* No entries at all. */
    memset(w, 0, 48);
    CHECK_ERR(tc_snp_certtable_parse(w, 48, &ct), TC_ERR_MALFORMED, "only a terminator");
    /* An unknown GUID is kept as "unknown"; the mixed-endian GUID form is recognised. */
    memcpy(w, t, len);
    w[2 * 24] ^= 0xff;
    CHECK(tc_snp_certtable_parse(w, len, &ct) == TC_ERR_OK && ct.e[2].kind == TC_SNP_CERT_UNKNOWN,
          "unknown GUID kept");
    memcpy(w, t, len);
    {
        uint8_t g[16];

        memcpy(g, w, 16);
        w[0] = g[3];
        w[1] = g[2];
        w[2] = g[1];
        w[3] = g[0];
        w[4] = g[5];
        w[5] = g[4];
        w[6] = g[7];
        w[7] = g[6];
    }
    CHECK(tc_snp_certtable_parse(w, len, &ct) == TC_ERR_OK && ct.e[0].kind == TC_SNP_CERT_VCEK,
          "little-endian GUID fields recognised");
    /* More than 16 entries. */
    {
        uint8_t big[18 * 24 + 18];

        memset(big, 0, sizeof(big));
        for (i = 0; i < 17; i++) {
            big[24 * i] = (uint8_t)(i + 1);
            tc_put_le32(big + 24 * i + 16, (uint32_t)(18 * 24 + i));
            tc_put_le32(big + 24 * i + 20, 1);
        }
        CHECK_ERR(tc_snp_certtable_parse(big, sizeof(big), &ct), TC_ERR_TOO_LARGE, "17 entries");
    }
    free(t);
    free(w);
}

static size_t hcl(const uint8_t *report, uint8_t *out, uint32_t version, uint32_t hash_type)
{
    static const char rt[] = "{\"keys\":[]}";
    size_t total = 0x20 + TC_SNP_REPORT_SIZE + 20 + sizeof(rt) - 1;

    memset(out, 0, total + 100);
    memcpy(out, "HCLA", 4);
    tc_put_le32(out + 4, version);
    tc_put_le32(out + 8, (uint32_t)total);
    tc_put_le32(out + 12, 2);
    memcpy(out + 0x20, report, TC_SNP_REPORT_SIZE);
    tc_put_le32(out + 0x4c0, (uint32_t)(20 + sizeof(rt) - 1));
    tc_put_le32(out + 0x4c4, 1);
    tc_put_le32(out + 0x4c8, 2);
    tc_put_le32(out + 0x4cc, hash_type);
    tc_put_le32(out + 0x4d0, (uint32_t)(sizeof(rt) - 1));
    memcpy(out + 0x4d4, rt, sizeof(rt) - 1);
    return total + 100;
}

static void test_hcl(void)
{
    uint8_t raw[TC_SNP_REPORT_SIZE], buf[2048];
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));
    size_t n;

    if (ev == NULL || !make(milan, 2, raw)) {
        free(ev);
        return;
    }
    n = hcl(raw, buf, 1, 1);
    CHECK_OK(tc_snp_evidence_parse(buf, n, ev), "HCL v1 parses");
    CHECK(ev->container == TC_SNP_CONTAINER_AZURE_HCL && ev->hcl_runtime_len == 11 &&
              memcmp(ev->hcl_runtime_data, "{\"keys\":[]}", 11) == 0 &&
              memcmp(ev->report.raw, raw, sizeof(raw)) == 0,
          "HCL: report at 0x20 and runtime data found");
    n = hcl(raw, buf, 3, 1);
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_VERSION, "HCL version 3");
    n = hcl(raw, buf, 2, 4);
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_UNSUPPORTED, "HCL hash type 4");
    n = hcl(raw, buf, 2, 1);
    tc_put_le32(buf + 0x4c8, 4);
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_UNSUPPORTED, "HCL report type TDX");
    n = hcl(raw, buf, 2, 1);
    tc_put_le32(buf + 0x10, 1);
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_MALFORMED, "HCL status 1");
    n = hcl(raw, buf, 2, 1);
    buf[0x18] = 1;
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_RESERVED, "HCL reserved header byte");
    n = hcl(raw, buf, 2, 1);
    tc_put_le32(buf + 0x4d0, 12);
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_MALFORMED, "HCL variable size mismatch");
    n = hcl(raw, buf, 2, 1);
    tc_put_le32(buf + 8, (uint32_t)n + 1);
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_MALFORMED, "HCL size beyond the data");
    n = hcl(raw, buf, 2, 1);
    buf[n - 1] = 1;
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_TRAILING, "HCL non-zero padding");
    n = hcl(raw, buf, 2, 1);
    CHECK_ERR(tc_snp_evidence_parse(buf, 0x20 + 100, ev), TC_ERR_MALFORMED, "HCL truncated");
    buf[0x20] = 9; /* the report inside: version 9 */
    CHECK_ERR(tc_snp_evidence_parse(buf, n, ev), TC_ERR_VERSION, "HCL with a bad report inside");
    free(ev);
}

/*
 * The firmware's MSG_REPORT_RSP as the SNP_GET_REPORT ioctl returns it (status, size, 24
 * reserved bytes, the report at 0x20, zeros up to 4000 bytes): what a tool that writes out the
 * ioctl's whole response buffer gives (seen in a public Rust SNP library's test data).
 */
static void test_msg_report_rsp(void)
{
    enum { RSP = 4000 };
    uint8_t raw[TC_SNP_REPORT_SIZE], *buf = calloc(1, RSP + 1);
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));
    json_t *j;

    if (ev == NULL || buf == NULL || !make(milan, 2, raw)) {
        CHECK(0, "MSG_REPORT_RSP set-up");
        goto out;
    }
    tc_put_le32(buf + 4, TC_SNP_REPORT_SIZE);
    memcpy(buf + 0x20, raw, sizeof(raw));
    CHECK_OK(tc_snp_evidence_parse(buf, RSP, ev), "MSG_REPORT_RSP (4000-byte buffer) parses");
    CHECK(ev->container == TC_SNP_CONTAINER_MSG_REPORT_RSP && ev->certs.n == 0 &&
              memcmp(ev->report.raw, raw, sizeof(raw)) == 0,
          "MSG_REPORT_RSP: the report at 0x20");
    j = tc_snp_evidence_json(ev);
    CHECK(j != NULL &&
              strcmp(json_string_value(json_object_get(j, "container")), "MSG_REPORT_RSP") == 0,
          "MSG_REPORT_RSP named in the claims");
    json_decref(j);
    CHECK_OK(tc_snp_evidence_parse(buf, 0x20 + TC_SNP_REPORT_SIZE, ev),
             "MSG_REPORT_RSP without padding");
    CHECK_ERR(tc_snp_evidence_parse(buf, 0x20 + TC_SNP_REPORT_SIZE - 1, ev), TC_ERR_TRUNCATED,
              "MSG_REPORT_RSP truncated inside the report");
    buf[RSP] = 1;
    CHECK_ERR(tc_snp_evidence_parse(buf, RSP + 1, ev), TC_ERR_TRAILING,
              "MSG_REPORT_RSP non-zero byte after the padding");
    buf[RSP] = 0;
    buf[0x1f] = 1;
    CHECK_ERR(tc_snp_evidence_parse(buf, RSP, ev), TC_ERR_RESERVED,
              "MSG_REPORT_RSP reserved 0x08-0x1F set");
    buf[0x1f] = 0;
    buf[0x20] = 9;
    CHECK_ERR(tc_snp_evidence_parse(buf, RSP, ev), TC_ERR_VERSION,
              "MSG_REPORT_RSP with a bad report inside");
    buf[0x20] = 2;
    /* A failed request (status != 0) is no report: its first word is not a report version. */
    tc_put_le32(buf, 0x16);
    CHECK(tc_snp_evidence_parse(buf, RSP, ev) != TC_ERR_OK, "MSG_REPORT_RSP status 0x16 refused");
out:
    free(buf);
    free(ev);
}

static void test_json(void)
{
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_report r;
    struct snp_synth_report ro;
    json_t *j;

    snp_synth_report_init(milan, &ro);
    ro.policy = 0xb0000 | (1 << 8) | 31; /* SMT, debug, ABI 1.31 */
    ro.signer_info = 1;                  /* AUTHOR_KEY_EN */
    if (snp_synth_report_sign(milan, &ro, raw) != TC_ERR_OK ||
        tc_snp_report_parse(raw, sizeof(raw), &r) != TC_ERR_OK) {
        CHECK(0, "report");
        return;
    }
    j = tc_snp_report_json(&r);
    if (!CHECK(j != NULL, "claims JSON")) {
        return;
    }
    CHECK(json_integer_value(json_object_get(j, "version")) == 3 &&
              strcmp(json_string_value(json_object_get(j, "product")), "Milan") == 0,
          "version and product");
    {
        json_t *p = json_object_get(j, "policy");

        CHECK(json_is_true(json_object_get(p, "debug_allowed")) &&
                  json_is_true(json_object_get(p, "smt_allowed")) &&
                  json_is_false(json_object_get(p, "migrate_ma_allowed")) &&
                  json_integer_value(json_object_get(p, "abi_major")) == 1 &&
                  json_integer_value(json_object_get(p, "abi_minor")) == 31,
              "policy bits by name");
    }
    CHECK(json_is_true(json_object_get(json_object_get(j, "signer_info"), "author_key_en")) &&
              strcmp(json_string_value(
                         json_object_get(json_object_get(j, "signer_info"), "signing_key")),
                     "VCEK") == 0,
          "signer info");
    CHECK(json_integer_value(json_object_get(json_object_get(j, "reported_tcb"), "microcode")) ==
                  115 &&
              json_object_get(json_object_get(j, "reported_tcb"), "fmc") == NULL,
          "TCB components (no fmc before Turin)");
    CHECK(strncmp(json_string_value(json_object_get(j, "measurement")), "a0a1a2", 6) == 0 &&
              strlen(json_string_value(json_object_get(j, "measurement"))) == 96,
          "measurement as hex");
    CHECK(strcmp(json_string_value(json_object_get(j, "current_version")), "1.55") == 0,
          "firmware version");
    json_decref(j);
}

int main(void)
{
    struct snp_synth_opts to = {.product = TC_SNP_PRODUCT_TURIN};

    if (snp_synth_chain_new(NULL, &milan) != TC_ERR_OK ||
        snp_synth_chain_new(&to, &turin) != TC_ERR_OK) {
        printf("FAIL - synthetic chains: %s\n", tc_err_detail());
        return 1;
    }
    test_versions();
    test_products();
    test_reserved();
    test_lengths();
    test_certtable();
    test_hcl();
    test_msg_report_rsp();
    test_json();
    snp_synth_chain_free(milan);
    snp_synth_chain_free(turin);
    return t_done();
}
