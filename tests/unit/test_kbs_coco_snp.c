/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP evidence in the Confidential Containers guest's JSON shape (sev crate serde of
 * AttestationReport + cert_chain), written by tests/support/snp_coco_json.py (an independent
 * imitation of the sev crate, not the broker's converter) from synthetic reports
 * (tests/support/snp_synth) and, when ../shared/testdata is there, from real AMD reports:
 *   - round trips: the broker's converter gives back exactly the report bytes;
 *   - the broker's SNP verifier on that shape: accepted, claims and verdict say "coco-json";
 *   - refusals: wrong array lengths, out-of-range and non-integer numbers, missing and unknown
 *     fields at every level, inconsistent TCB layouts and optional fields, bad cert_chain
 *     entries (each a clear reason); a tampered field and nonzero reserved bytes (signature),
 *     REPORT_DATA for something else;
 *   - the whole KBS exchange over loopback HTTP with that shape, refusals included, and the
 *     audit trail saying the evidence came in the CoCo form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/evp.h>

#include "broker/evidence_coco_snp.h"
#include "harness.h"
#include "support/snp_synth.h"
#include "trustchain/broker.h"
#include "trustchain/ear.h"
#include "trustchain/guest.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

static char dir[] = "/tmp/tc-coco-snp-XXXXXX";

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(p, 1, n, f) == n;

    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    return ok;
}

/* The generator's JSON for a report (args: its options), or NULL. */
static json_t *gen_file(const char *report_path, const char *args)
{
    char cmd[2048], buf[1 << 16];
    struct tc_buf out;
    json_error_t jerr;
    json_t *j = NULL;
    FILE *p;
    size_t n;

    snprintf(cmd, sizeof(cmd), "python3 tests/support/snp_coco_json.py %s '%s'", args, report_path);
    p = popen(cmd, "r");
    if (p == NULL) {
        return NULL;
    }
    tc_buf_init(&out, 8u << 20);
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
        if (tc_buf_append(&out, buf, n) != TC_ERR_OK) {
            break;
        }
    }
    if (pclose(p) == 0) {
        j = json_loadb((const char *)out.data, out.len, TC_JSON_STRICT, &jerr);
    }
    tc_buf_free(&out);
    return j;
}

static json_t *gen(const uint8_t rep[TC_SNP_REPORT_SIZE], const char *args)
{
    char path[300];

    snprintf(path, sizeof(path), "%s/report.bin", dir);
    if (!write_file(path, rep, TC_SNP_REPORT_SIZE)) {
        return NULL;
    }
    return gen_file(path, args);
}

/* "--cert VCEK=... --cert ASK=... --cert ARK=..." for a synthetic chain (files in dir). */
static void chain_args(const struct snp_synth_chain *c, const char *tag, char *args, size_t n)
{
    static const enum snp_synth_cert which[] = {SNP_SYNTH_VEK, SNP_SYNTH_ASK, SNP_SYNTH_ARK};
    const char *types[] = {snp_synth_is_vlek(c) ? "VLEK" : "VCEK", "ASK", "ARK"};
    size_t i, off = 0;

    args[0] = '\0';
    for (i = 0; i < 3; i++) {
        const uint8_t *der;
        size_t len;
        char path[300];

        snp_synth_der(c, which[i], &der, &len);
        snprintf(path, sizeof(path), "%s/%s_%s.der", dir, tag, types[i]);
        if (write_file(path, der, len)) {
            off += (size_t)snprintf(args + off, n - off, " --cert %s=%s", types[i], path);
        }
    }
}

/* The broker's SNP verifier, as /attest runs it. */
static tc_err adapter(const json_t *ev, const uint8_t rd[64], const struct tc_snp_anchor *a,
                      time_t now, struct tc_verdict *v, json_t **claims, const char **form)
{
    const struct tc_tee_verifier *tv = tc_tee_verifier_find("snp");
    struct tc_evidence_ctx ctx;
    struct tc_evidence_out out;
    tc_err e;

    memset(&ctx, 0, sizeof(ctx));
    memset(&out, 0, sizeof(out));
    ctx.now = now;
    ctx.offline = 1;
    ctx.snp_anchors = a;
    ctx.n_snp_anchors = a != NULL ? 1 : 0;
    tc_verdict_init(v);
    e = tv->verify(ev, rd, &ctx, &out, v);
    if (claims != NULL) {
        *claims = out.claims;
    } else {
        json_decref(out.claims);
    }
    if (form != NULL) {
        *form = out.form;
    }
    return e;
}

static const char *first_failure(const struct tc_verdict *v)
{
    const struct tc_check *c = tc_verdict_first_failure(v);

    return c != NULL ? c->name : "(none)";
}

static json_t *field(json_t *j, const char *k)
{
    return json_object_get(json_object_get(j, "attestation_report"), k);
}

/* The converter refuses j (consumed) with a reason containing needle. */
static void bad(json_t *j, const char *what, const char *needle)
{
    struct tc_coco_snp c;
    tc_err e;

    if (j == NULL) {
        CHECK(0, "%s: mutation", what);
        return;
    }
    e = tc_coco_snp_convert(j, &c);
    CHECK(e == TC_ERR_MALFORMED && strstr(tc_err_detail(), needle) != NULL, "%s: refused (%s)",
          what, e == TC_ERR_OK ? "accepted" : tc_err_detail());
    if (e == TC_ERR_OK) {
        tc_coco_snp_free(&c);
    }
    json_decref(j);
}

/* Round trip: the generator's JSON converts back to exactly rep. */
static void round_trip(const char *what, const uint8_t rep[TC_SNP_REPORT_SIZE], const char *args,
                       size_t want_certs, int want_turin, int want_mit)
{
    json_t *j = gen(rep, args);
    struct tc_coco_snp c;
    tc_err e;

    if (!CHECK(j != NULL, "%s: generator", what)) {
        return;
    }
    e = tc_coco_snp_convert(j, &c);
    if (CHECK(e == TC_ERR_OK, "%s: converted%s%s", what, e ? ": " : "", e ? tc_err_detail() : "")) {
        CHECK(memcmp(c.report, rep, TC_SNP_REPORT_SIZE) == 0,
              "%s: rebuilt bytes equal the report (1184 bytes)", what);
        CHECK(c.n_certs == want_certs && c.turin_tcb == want_turin && c.has_mit_keys == want_mit,
              "%s: %zu certificates (want %zu), Turin layout %d, mitigation keys %d", what,
              c.n_certs, want_certs, c.turin_tcb, c.has_mit_keys);
        tc_coco_snp_free(&c);
    }
    json_decref(j);
}

static void test_round_trips(void)
{
    static const struct {
        const char *name;
        enum tc_snp_product product;
        int vlek;
        uint32_t version;
    } kinds[] = {
        {"Milan v2", TC_SNP_PRODUCT_MILAN, 0, 2},      {"Milan v3", TC_SNP_PRODUCT_MILAN, 0, 3},
        {"Milan v3 VLEK", TC_SNP_PRODUCT_MILAN, 1, 3}, {"Genoa v3", TC_SNP_PRODUCT_GENOA, 0, 3},
        {"Genoa v4", TC_SNP_PRODUCT_GENOA, 0, 4},      {"Genoa v5", TC_SNP_PRODUCT_GENOA, 0, 5},
        {"Turin v3", TC_SNP_PRODUCT_TURIN, 0, 3},      {"Turin v5", TC_SNP_PRODUCT_TURIN, 0, 5},
    };
    size_t k, i;

    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        struct snp_synth_opts so;
        struct snp_synth_chain *c = NULL;
        struct snp_synth_report ro;
        uint8_t rep[TC_SNP_REPORT_SIZE];
        char args[1400], what[200];
        int turin = kinds[k].product == TC_SNP_PRODUCT_TURIN;

        memset(&so, 0, sizeof(so));
        so.product = kinds[k].product;
        so.vlek = kinds[k].vlek;
        if (snp_synth_chain_new(&so, &c) != TC_ERR_OK) {
            CHECK(0, "%s: synthetic chain", kinds[k].name);
            continue;
        }
        snp_synth_report_init(c, &ro);
        ro.version = kinds[k].version;
        /* Every field distinct and non-trivial, so a byte in the wrong place shows. */
        ro.guest_svn = 0x01020304;
        ro.policy = 0x30000 | (1ull << 19) | (1ull << 24) | 0x1F;
        ro.vmpl = 2;
        ro.platform_info = 0x25;
        for (i = 0; i < 64; i++) {
            ro.report_data[i] = (uint8_t)(i * 7 + 1);
        }
        for (i = 0; i < 48; i++) {
            ro.measurement[i] = (uint8_t)(0xA0 + i);
            ro.id_key_digest[i] = (uint8_t)(0x10 + i);
            ro.author_key_digest[i] = (uint8_t)(0x40 + i);
        }
        for (i = 0; i < 32; i++) {
            ro.host_data[i] = (uint8_t)(0xC0 + i);
            ro.report_id[i] = (uint8_t)(0x60 + i);
            ro.report_id_ma[i] = (uint8_t)(0xE0 + i);
        }
        for (i = 0; i < 16; i++) {
            ro.family_id[i] = (uint8_t)(0x80 + i);
            ro.image_id[i] = (uint8_t)(0x90 + i);
        }
        ro.current_build = 3, ro.current_minor = 55, ro.current_major = 1;
        ro.committed_build = 2, ro.committed_minor = 54, ro.committed_major = 1;
        ro.launch_mit_vector = 0x3F;
        ro.current_mit_vector = 0x1F;
        if (snp_synth_report_sign(c, &ro, rep) != TC_ERR_OK) {
            CHECK(0, "%s: sign", kinds[k].name);
            snp_synth_chain_free(c);
            continue;
        }
        chain_args(c, "rt", args, sizeof(args));
        snprintf(what, sizeof(what), "%s, cert_chain VEK/ASK/ARK", kinds[k].name);
        round_trip(what, rep, args, 3, turin, 1);
        snprintf(what, sizeof(what), "%s, no cert_chain, keys sorted", kinds[k].name);
        round_trip(what, rep, "--sort-keys", 0, turin, 1);
        if (kinds[k].version < 5) {
            snprintf(what, sizeof(what), "%s, sev 6.0-6.2 shape (no mitigation vector keys)",
                     kinds[k].name);
            round_trip(what, rep, "--sev 6.2", 0, turin, 0);
        } else {
            /* A v5 report through a sev that drops the vectors cannot be rebuilt. */
            snprintf(what, sizeof(what), "%s, sev 6.0-6.2 shape", kinds[k].name);
            bad(gen(rep, "--sev 6.2"), what, "launch_mit_vector: missing or null");
        }
        snp_synth_chain_free(c);
    }
}

/* Every way the shape can be wrong, on a Milan v3 (and a Turin v5 / a Milan v2) JSON. */
static void test_refusals(const json_t *m3, const json_t *t5, const json_t *m2)
{
    json_t *j, *a;

    j = json_deep_copy(m3);
    json_array_remove(field(j, "measurement"), 0);
    bad(j, "measurement with 47 bytes", "measurement: 47 elements, want 48");
    j = json_deep_copy(m3);
    json_array_append_new(field(j, "report_data"), json_integer(0));
    bad(j, "report_data with 65 bytes", "report_data: 65 elements, want 64");
    j = json_deep_copy(m3);
    json_array_clear(field(j, "chip_id"));
    bad(j, "empty chip_id", "chip_id: 0 elements, want 64");
    j = json_deep_copy(m3);
    json_array_remove(json_object_get(field(j, "signature"), "r"), 71);
    bad(j, "signature.r with 71 bytes", "signature.r: 71 elements, want 72");
    j = json_deep_copy(m3);
    json_array_append_new(json_object_get(field(j, "signature"), "s"), json_integer(0));
    bad(j, "signature.s with 73 bytes", "signature.s: 73 elements, want 72");
    j = json_deep_copy(m3);
    json_array_set_new(field(j, "host_data"), 5, json_integer(256));
    bad(j, "a byte of 256", "host_data[5]: 256 is not a byte");
    j = json_deep_copy(m3);
    json_array_set_new(field(j, "family_id"), 0, json_integer(-1));
    bad(j, "a byte of -1", "family_id[0]: -1 is not a byte");
    j = json_deep_copy(m3);
    json_array_set_new(field(j, "image_id"), 3, json_real(1.0));
    bad(j, "a byte written 1.0", "image_id[3]: not an integer");
    j = json_deep_copy(m3);
    json_array_set_new(field(j, "report_id"), 0, json_string("1"));
    bad(j, "a byte written \"1\"", "report_id[0]: not an integer");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "measurement",
                        json_string("a0a1"));
    bad(j, "measurement as a hex string", "measurement: not an array of bytes");

    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "version", json_integer(6));
    bad(j, "version 6", "version: 6 (report versions 2 to 5");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "version", json_integer(1));
    bad(j, "version 1", "version: 1 (report versions 2 to 5");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "version",
                        json_integer(4294967298LL));
    bad(j, "version 2^32+2", "version: 4294967298 is out of range 0..4294967295");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "vmpl", json_integer(-1));
    bad(j, "vmpl -1", "vmpl: -1 is out of range");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "guest_svn",
                        json_integer(4294967296LL));
    bad(j, "guest_svn 2^32", "guest_svn: 4294967296 is out of range");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "policy", json_integer(-196608));
    bad(j, "policy negative", "policy: -196608 is out of range");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "plat_info", json_real(37.0));
    bad(j, "plat_info 37.0", "plat_info: not an integer");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "key_info", json_true());
    bad(j, "key_info true", "key_info: not an integer");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "cpuid_fam_id",
                        json_integer(256));
    bad(j, "cpuid_fam_id 256", "cpuid_fam_id: 256 is out of range 0..255");
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "current_tcb"), "microcode", json_integer(256));
    bad(j, "current_tcb.microcode 256", "current_tcb.microcode: 256 is out of range");
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "committed"), "major", json_integer(-3));
    bad(j, "committed.major -3", "committed.major: -3 is out of range");
    j = json_deep_copy(t5);
    json_object_set_new(field(j, "launch_tcb"), "fmc", json_integer(300));
    bad(j, "launch_tcb.fmc 300", "launch_tcb.fmc: 300 is out of range");

    j = json_deep_copy(m3);
    json_object_del(json_object_get(j, "attestation_report"), "measurement");
    bad(j, "measurement missing", "attestation_report.measurement: missing");
    j = json_deep_copy(m3);
    json_object_del(json_object_get(j, "attestation_report"), "key_info");
    bad(j, "key_info missing (the sev <= 5 shape)", "attestation_report.key_info: missing");
    j = json_deep_copy(m3);
    json_object_del(json_object_get(j, "attestation_report"), "signature");
    bad(j, "signature missing", "attestation_report.signature: missing");
    j = json_deep_copy(m3);
    json_object_del(field(j, "reported_tcb"), "snp");
    bad(j, "reported_tcb.snp missing", "reported_tcb.snp: missing");
    j = json_deep_copy(m3);
    json_object_del(field(j, "current"), "build");
    bad(j, "current.build missing", "current.build: missing");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "vmpl", json_null());
    bad(j, "vmpl null", "vmpl: null, want a number");
    j = json_deep_copy(m3);
    json_object_del(j, "attestation_report");
    json_object_set_new(j, "report", json_string("AAAA"));
    bad(j, "a mixture of the two shapes", "unknown field \"report\"");

    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "_reserved_0", json_integer(0));
    bad(j, "an unknown report field", "attestation_report: unknown field \"_reserved_0\"");
    j = json_deep_copy(m3);
    json_object_set_new(j, "extra", json_null());
    bad(j, "an unknown top-level field", "evidence: unknown field \"extra\"");
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "current_tcb"), "_reserved", json_array());
    bad(j, "an unknown TCB field", "current_tcb: unknown field \"_reserved\"");
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "signature"), "_reserved", json_array());
    bad(j, "an unknown signature field", "signature: unknown field \"_reserved\"");
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "committed"), "patch", json_integer(0));
    bad(j, "an unknown version field", "committed: unknown field \"patch\"");
    j = json_deep_copy(m3);
    json_object_set_new(j, "attestation_report", json_array());
    bad(j, "attestation_report not an object", "attestation_report: not an object");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "current_tcb", json_integer(7));
    bad(j, "a TCB as a number", "current_tcb: not an object");

    /* One report, one TCB layout, and it must fit the CPU family. */
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "committed_tcb"), "fmc", json_integer(1));
    bad(j, "fmc in one TCB only", "one report has one TCB layout");
    j = json_deep_copy(m3);
    json_object_set_new(field(j, "current_tcb"), "fmc", json_integer(0));
    json_object_set_new(field(j, "reported_tcb"), "fmc", json_integer(0));
    json_object_set_new(field(j, "committed_tcb"), "fmc", json_integer(0));
    json_object_set_new(field(j, "launch_tcb"), "fmc", json_integer(0));
    bad(j, "fmc in a Milan report", "has the Milan/Genoa (no fmc) TCB layout");
    j = json_deep_copy(t5);
    json_object_del(field(j, "current_tcb"), "fmc");
    json_object_set_new(field(j, "reported_tcb"), "fmc", json_null());
    json_object_set_new(field(j, "committed_tcb"), "fmc", json_null());
    json_object_set_new(field(j, "launch_tcb"), "fmc", json_null());
    bad(j, "no fmc in a Turin report", "has the Turin (fmc) TCB layout");
    j = json_deep_copy(m2);
    json_object_set_new(field(j, "current_tcb"), "fmc", json_integer(0));
    json_object_set_new(field(j, "reported_tcb"), "fmc", json_integer(0));
    json_object_set_new(field(j, "committed_tcb"), "fmc", json_integer(0));
    json_object_set_new(field(j, "launch_tcb"), "fmc", json_integer(0));
    bad(j, "fmc in a v2 report with a Milan CHIP_ID", "this report's CHIP_ID has the Milan");

    /* Optional fields must match the version. */
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "cpuid_step", json_null());
    bad(j, "cpuid_step null in v3", "cpuid_step: missing or null for a version 3 report");
    j = json_deep_copy(m3);
    json_object_del(json_object_get(j, "attestation_report"), "cpuid_mod_id");
    bad(j, "cpuid_mod_id absent in v3", "cpuid_mod_id: missing or null for a version 3");
    j = json_deep_copy(m2);
    json_object_set_new(json_object_get(j, "attestation_report"), "cpuid_fam_id",
                        json_integer(0x19));
    bad(j, "cpuid_fam_id in v2", "cpuid_fam_id: set for a version 2 report");
    j = json_deep_copy(m3);
    json_object_set_new(json_object_get(j, "attestation_report"), "launch_mit_vector",
                        json_integer(0));
    bad(j, "launch_mit_vector in v3", "launch_mit_vector: set for a version 3 report");
    j = json_deep_copy(t5);
    json_object_set_new(json_object_get(j, "attestation_report"), "current_mit_vector",
                        json_null());
    bad(j, "current_mit_vector null in v5", "current_mit_vector: missing or null for a version 5");

    /* cert_chain. */
    j = json_deep_copy(m3);
    json_object_set_new(j, "cert_chain", json_object());
    bad(j, "cert_chain an object", "cert_chain: not a list");
    j = json_deep_copy(m3);
    a = json_object_get(j, "cert_chain");
    while (json_array_size(a) <= TC_COCO_SNP_CERTS_MAX) {
        json_array_append(a, json_array_get(a, 0));
    }
    bad(j, "cert_chain with 17 entries", "cert_chain: 17 entries, at most 16");
    j = json_deep_copy(m3);
    json_object_set_new(json_array_get(json_object_get(j, "cert_chain"), 1), "cert_type",
                        json_string("ASVK"));
    bad(j, "cert_type ASVK (not a sev CertType)", "cert_chain[1].cert_type: \"ASVK\" is not");
    j = json_deep_copy(m3);
    json_object_set_new(json_array_get(json_object_get(j, "cert_chain"), 1), "cert_type",
                        json_pack("{s:s}", "OTHER", "not-a-uuid"));
    bad(j, "OTHER with a bad uuid", "cert_chain[1].cert_type: want a name or");
    j = json_deep_copy(m3);
    json_object_set_new(json_array_get(json_object_get(j, "cert_chain"), 0), "cert_type",
                        json_pack("{s:n}", "VCEK"));
    bad(j, "cert_type {\"VCEK\": null}", "cert_chain[0].cert_type: want a name or");
    j = json_deep_copy(m3);
    json_object_del(json_array_get(json_object_get(j, "cert_chain"), 2), "data");
    bad(j, "an entry without data", "cert_chain[2].data: missing");
    j = json_deep_copy(m3);
    json_object_del(json_array_get(json_object_get(j, "cert_chain"), 2), "cert_type");
    bad(j, "an entry without cert_type", "cert_chain[2].cert_type: missing");
    j = json_deep_copy(m3);
    json_array_set_new(json_object_get(json_array_get(json_object_get(j, "cert_chain"), 0), "data"),
                       10, json_integer(300));
    bad(j, "a certificate byte of 300", "cert_chain[0].data[10]: 300 is not a byte");
    j = json_deep_copy(m3);
    json_object_set_new(json_array_get(json_object_get(j, "cert_chain"), 0), "data", json_array());
    bad(j, "an empty VCEK", "cert_chain[0].data: empty certificate");
    j = json_deep_copy(m3);
    json_object_set_new(json_array_get(json_object_get(j, "cert_chain"), 0), "pem",
                        json_string(""));
    bad(j, "an unknown entry field", "cert_chain[0]: unknown field \"pem\"");
    j = json_deep_copy(m3);
    a = json_array();
    while (json_array_size(a) <= TC_COCO_SNP_CERT_MAX) {
        json_array_append_new(a, json_integer(0));
    }
    json_object_set_new(json_array_get(json_object_get(j, "cert_chain"), 0), "data", a);
    bad(j, "a 64 KiB + 1 certificate", "cert_chain[0].data: 65537 bytes, at most 65536");
    bad(json_array(), "evidence as an array", "not an object");

    /* Entries the verifier does not use are shape-checked and skipped (as Trustee). */
    j = json_deep_copy(m3);
    a = json_object_get(j, "cert_chain");
    json_array_append_new(a, json_pack("{s:s,s:[i,i]}", "cert_type", "CRL", "data", 48, 3));
    json_array_append_new(a, json_pack("{s:{s:s},s:[]}", "cert_type", "OTHER",
                                       "0eb3e3e9-e5f0-4c3f-a2c6-3ba3f6d21e4c", "data"));
    json_array_append_new(a, json_pack("{s:s,s:[]}", "cert_type", "Empty", "data"));
    {
        struct tc_coco_snp c;
        tc_err e = tc_coco_snp_convert(j, &c);

        CHECK(e == TC_ERR_OK && c.n_certs == 3 && c.n_ignored == 3,
              "CRL, OTHER(uuid) and Empty entries accepted and not used (%zu used, %zu ignored)",
              e == TC_ERR_OK ? c.n_certs : 0, e == TC_ERR_OK ? c.n_ignored : 0);
        if (e == TC_ERR_OK) {
            tc_coco_snp_free(&c);
        }
    }
    json_decref(j);
}

/* The verifier on the CoCo shape: accepted; tampered fields and foreign bindings refused. */
static void test_verify(struct snp_synth_chain *c, const char *what, const char *args)
{
    struct tc_snp_anchor anchor;
    struct snp_synth_report ro;
    uint8_t rep[TC_SNP_REPORT_SIZE], rd[64];
    struct tc_verdict v;
    json_t *j, *t, *claims = NULL;
    const char *form = NULL;
    tc_err e;
    size_t i;

    snp_synth_anchor(c, &anchor);
    snp_synth_report_init(c, &ro);
    for (i = 0; i < 64; i++) {
        rd[i] = ro.report_data[i] = (uint8_t)(0x5A ^ i);
    }
    if (!CHECK(snp_synth_report_sign(c, &ro, rep) == TC_ERR_OK, "%s: report", what) ||
        !CHECK((j = gen(rep, args)) != NULL, "%s: generator", what)) {
        return;
    }
    e = adapter(j, rd, &anchor, SNP_SYNTH_NOW, &v, &claims, &form);
    CHECK(e == TC_ERR_OK, "%s: the broker's SNP verifier accepts it (%s)", what,
          e == TC_ERR_OK ? "ok" : tc_err_detail());
    CHECK(form != NULL && strcmp(form, "coco-json") == 0 &&
              strcmp(json_string_value(json_object_get(claims, "container")), "coco-json") == 0,
          "%s: the result and the claims say \"coco-json\"", what);
    CHECK(json_is_string(json_object_get(claims, "measurement")), "%s: claims from the report",
          what);
    for (i = 0; i < v.n && strcmp(v.checks[i].name, "snp.evidence") != 0; i++) {
    }
    CHECK(i < v.n && v.checks[i].status == TC_CHECK_INFO && v.checks[i].detail != NULL &&
              strstr(v.checks[i].detail, "CoCo JSON form (sev crate >= 6.3 serde)") != NULL &&
              strstr(v.checks[i].detail, "3 certificate(s) from cert_chain") != NULL,
          "%s: the verdict explains the form: %s", what,
          i < v.n && v.checks[i].detail != NULL ? v.checks[i].detail : "(none)");
    json_decref(claims);
    tc_verdict_free(&v);

    /* REPORT_DATA for another nonce/key. */
    rd[0] ^= 1;
    e = adapter(j, rd, &anchor, SNP_SYNTH_NOW, &v, NULL, NULL);
    CHECK(e == TC_ERR_MISMATCH && strcmp(first_failure(&v), "report_data") == 0,
          "%s: REPORT_DATA for something else refused (%s)", what, first_failure(&v));
    tc_verdict_free(&v);
    rd[0] ^= 1;
    /* Not trusted without the synthetic anchor. */
    e = adapter(j, rd, NULL, SNP_SYNTH_NOW, &v, NULL, NULL);
    CHECK(e != TC_ERR_OK, "%s: the synthetic ARK is not trusted by default (%s)", what,
          first_failure(&v));
    tc_verdict_free(&v);

    /* A tampered field, in range and well formed: only the signature can tell. */
    t = json_deep_copy(j);
    json_array_set_new(
        field(t, "measurement"), 0,
        json_integer(json_integer_value(json_array_get(field(t, "measurement"), 0)) ^ 1));
    e = adapter(t, rd, &anchor, SNP_SYNTH_NOW, &v, NULL, NULL);
    CHECK(e != TC_ERR_OK && strcmp(first_failure(&v), "signature") == 0,
          "%s: measurement[0] changed: signature check fails (%s)", what, first_failure(&v));
    tc_verdict_free(&v);
    json_decref(t);
    t = json_deep_copy(j);
    json_object_set_new(
        field(t, "reported_tcb"), "microcode",
        json_integer(json_integer_value(json_object_get(field(t, "reported_tcb"), "microcode")) +
                     1));
    e = adapter(t, rd, &anchor, SNP_SYNTH_NOW, &v, NULL, NULL);
    CHECK(e != TC_ERR_OK && strcmp(first_failure(&v), "signature") == 0,
          "%s: reported_tcb.microcode changed: signature check fails (%s)", what,
          first_failure(&v));
    tc_verdict_free(&v);
    json_decref(t);
    t = json_deep_copy(j);
    json_object_set_new(json_object_get(t, "attestation_report"), "policy",
                        json_integer(json_integer_value(field(t, "policy")) | (1 << 19)));
    e = adapter(t, rd, &anchor, SNP_SYNTH_NOW, &v, NULL, NULL);
    CHECK(e != TC_ERR_OK && strcmp(first_failure(&v), "signature") == 0,
          "%s: debug bit added to policy: signature check fails (%s)", what, first_failure(&v));
    tc_verdict_free(&v);
    json_decref(t);
    json_decref(j);

    /* Firmware bytes the JSON cannot carry (a reserved byte set before signing): the rebuilt
     * report differs from what was signed, so it fails; it never passes. */
    rep[0x4C] = 1;
    if (snp_synth_resign(c, rep) == TC_ERR_OK && (j = gen(rep, args)) != NULL) {
        e = adapter(j, rd, &anchor, SNP_SYNTH_NOW, &v, NULL, NULL);
        CHECK(e != TC_ERR_OK && strcmp(first_failure(&v), "signature") == 0,
              "%s: a signed reserved byte the JSON drops: signature check fails (%s)", what,
              first_failure(&v));
        tc_verdict_free(&v);
        json_decref(j);
    } else {
        CHECK(0, "%s: report with a reserved byte", what);
    }
}

/* ---- the KBS exchange over loopback HTTP ---- */

static char url[64], admin_tok[1024];
static uint16_t port;
static uint8_t measurement[48];

/*
 * One HTTP/1.0 request over a plain loopback socket (a client apart from the library's):
 * returns the status, the body in *resp, the kbs-session-id from Set-Cookie in *set_cookie.
 */
static long http(const char *method, const char *path, const char *cookie, const char *bearer,
                 const char *body, char **resp, char **set_cookie)
{
    struct sockaddr_in sa;
    struct tc_buf in;
    char hdr[4096], buf[16384];
    const char *eoh, *p;
    long st = -1;
    ssize_t n;
    size_t hl, off;
    int fd;

    if (resp != NULL) {
        *resp = NULL;
    }
    if (set_cookie != NULL) {
        *set_cookie = NULL;
    }
    hl = (size_t)snprintf(hdr, sizeof(hdr),
                          "%s /kbs/v0/%s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: "
                          "application/json\r\nContent-Length: %zu\r\n",
                          method, path, body != NULL ? strlen(body) : 0);
    if (cookie != NULL) {
        hl += (size_t)snprintf(hdr + hl, sizeof(hdr) - hl, "Cookie: %s=%s\r\n",
                               TC_KBS_SESSION_COOKIE, cookie);
    }
    if (bearer != NULL) {
        hl += (size_t)snprintf(hdr + hl, sizeof(hdr) - hl, "Authorization: Bearer %s\r\n", bearer);
    }
    hl += (size_t)snprintf(hdr + hl, sizeof(hdr) - hl, "\r\n");
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        goto out_fd;
    }
    for (off = 0; off < hl; off += (size_t)n) {
        if ((n = write(fd, hdr + off, hl - off)) <= 0) {
            goto out_fd;
        }
    }
    for (off = 0; body != NULL && off < strlen(body); off += (size_t)n) {
        if ((n = write(fd, body + off, strlen(body) - off)) <= 0) {
            goto out_fd;
        }
    }
    tc_buf_init(&in, 8u << 20);
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        if (tc_buf_append(&in, buf, (size_t)n) != TC_ERR_OK) {
            break;
        }
    }
    if (tc_buf_append(&in, "", 1) == TC_ERR_OK && in.len > 12 &&
        strncmp((const char *)in.data, "HTTP/1.", 7) == 0 &&
        (eoh = strstr((const char *)in.data, "\r\n\r\n")) != NULL) {
        st = strtol((const char *)in.data + 9, NULL, 10);
        if (resp != NULL) {
            *resp = strdup(eoh + 4);
        }
        p = strstr((const char *)in.data, "Set-Cookie: " TC_KBS_SESSION_COOKIE "=");
        if (set_cookie != NULL && p != NULL && p < eoh) {
            p += strlen("Set-Cookie: " TC_KBS_SESSION_COOKIE "=");
            *set_cookie = strndup(p, strcspn(p, ";\r"));
        }
    }
    tc_buf_free(&in);
out_fd:
    if (fd >= 0) {
        close(fd);
    }
    return st;
}

enum guest_mode { G_GOOD, G_TAMPER, G_OTHER_RD, G_SHAPE };

struct outcome {
    long attest_status;
    char *attest_body; /* token JSON or the refusal */
    uint8_t *secret;
    size_t secret_len;
};

/*
 * One CoCo guest: auth, a report over this session's binding, the generator's JSON as
 * primary_evidence, attest, then the resource with the cookie, the JWE opened with the key.
 */
static void guest(struct snp_synth_chain *c, const char *args, enum guest_mode mode,
                  struct outcome *o)
{
    struct snp_synth_report ro;
    uint8_t rep[TC_SNP_REPORT_SIZE], rd[64];
    char *body = NULL, *cookie = NULL, *att_text = NULL, *res = NULL;
    json_t *ch = NULL, *pub = NULL, *ev = NULL, *att = NULL, *tok = NULL;
    EVP_PKEY *key = NULL;
    json_error_t jerr;
    const char *nonce;

    memset(o, 0, sizeof(*o));
    if (http("POST", "auth", NULL, NULL,
             "{\"version\":\"0.4.0\",\"tee\":\"snp\",\"extra-params\":{}}", &body,
             &cookie) != 200 ||
        cookie == NULL || (ch = json_loads(body, 0, &jerr)) == NULL ||
        (nonce = json_string_value(json_object_get(ch, "nonce"))) == NULL) {
        goto out;
    }
    if (tc_jwk_generate(TC_JWK_EC_P256, &key, &pub) != TC_ERR_OK ||
        tc_kbs_report_data(pub, nonce, "", rd, NULL) != TC_ERR_OK) {
        goto out;
    }
    snp_synth_report_init(c, &ro);
    memcpy(ro.report_data, rd, 64);
    if (mode == G_OTHER_RD) {
        ro.report_data[63] ^= 1;
    }
    memcpy(ro.measurement, measurement, 48);
    if (snp_synth_report_sign(c, &ro, rep) != TC_ERR_OK || (ev = gen(rep, args)) == NULL) {
        goto out;
    }
    if (mode == G_TAMPER) {
        json_t *m = field(ev, "measurement");

        json_array_set_new(m, 47, json_integer(json_integer_value(json_array_get(m, 47)) ^ 0x80));
    } else if (mode == G_SHAPE) {
        json_array_remove(json_object_get(field(ev, "signature"), "s"), 0);
    }
    att = json_pack("{s:n,s:{s:s,s:O},s:{s:O,s:s}}", "init-data", "runtime-data", "nonce", nonce,
                    "tee-pubkey", pub, "tee-evidence", "primary_evidence", ev,
                    "additional_evidence", "");
    att_text = att != NULL ? json_dumps(att, JSON_COMPACT) : NULL;
    free(body);
    body = NULL;
    if (att_text == NULL) {
        goto out;
    }
    o->attest_status = http("POST", "attest", cookie, NULL, att_text, &body, NULL);
    o->attest_body = body;
    body = NULL;
    if (o->attest_status != 200) {
        goto out;
    }
    if (http("GET", "resource/default/key/disk", cookie, NULL, NULL, &res, NULL) == 200 &&
        tc_jwe_decrypt(res, strlen(res), key, &o->secret, &o->secret_len) != TC_ERR_OK) {
        o->secret = NULL;
    }
out:
    free(body);
    free(res);
    free(cookie);
    free(att_text);
    json_decref(ch);
    json_decref(pub);
    json_decref(ev);
    json_decref(att);
    json_decref(tok);
    EVP_PKEY_free(key);
}

static void outcome_free(struct outcome *o)
{
    free(o->attest_body);
    tc_free_secret(o->secret, o->secret_len);
    memset(o, 0, sizeof(*o));
}

static long admin(const char *method, const char *path, const char *body, char **resp)
{
    char u[256], *r = NULL;
    long st = 0;

    snprintf(u, sizeof(u), "%s/kbs/v0/%s", url, path);
    if (tc_kbs_http(u, admin_tok, method, body, body ? strlen(body) : 0, 10, &st, &r, NULL) !=
        TC_ERR_OK) {
        st = -1;
    }
    if (resp != NULL) {
        *resp = r;
    } else {
        free(r);
    }
    return st;
}

static void test_loopback(void)
{
    struct snp_synth_opts so;
    struct snp_synth_chain *milan = NULL, *turin = NULL;
    struct tc_snp_anchor anchors[2];
    struct tc_broker_config cfg;
    struct tc_broker *b = NULL;
    struct outcome o;
    EVP_PKEY *adm = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    json_t *claims = NULL;
    char *tok = NULL, *audit = NULL, mhex[97], body[600], db[400], margs[1400], targs[1400];
    size_t i;

    memset(&cfg, 0, sizeof(cfg));
    memset(&so, 0, sizeof(so));
    so.product = TC_SNP_PRODUCT_TURIN;
    if (!CHECK(adm != NULL && snp_synth_chain_new(NULL, &milan) == TC_ERR_OK &&
                   snp_synth_chain_new(&so, &turin) == TC_ERR_OK,
               "loopback: synthetic Milan and Turin chains")) {
        goto out;
    }
    snp_synth_anchor(milan, &anchors[0]);
    snp_synth_anchor(turin, &anchors[1]);
    chain_args(milan, "lm", margs, sizeof(margs));
    chain_args(turin, "lt", targs, sizeof(targs));
    strncat(targs, " --sort-keys", sizeof(targs) - strlen(targs) - 1);
    for (i = 0; i < 48; i++) {
        measurement[i] = (uint8_t)(0x33 + i);
    }
    tc_hex_encode(measurement, 48, mhex);
    claims = json_pack("{s:I,s:s}", "exp", (json_int_t)time(NULL) + 3600, "aud",
                       TC_BROKER_ADMIN_AUDIENCE);
    if (tc_jws_sign(adm, NULL, claims, &tok) == TC_ERR_OK) {
        snprintf(admin_tok, sizeof(admin_tok), "%s", tok);
    }
    free(tok);
    json_decref(claims);
    claims = NULL;

    snprintf(db, sizeof(db), "%s/broker.db", dir);
    tc_broker_config_defaults(&cfg);
    cfg.db_path = db;
    cfg.listen = "127.0.0.1:0";
    cfg.offline = 1;
    cfg.threads = 2;
    cfg.log = fopen("/dev/null", "w");
    cfg.admin_keys = &adm;
    cfg.n_admin_keys = 1;
    cfg.snp_anchors = anchors;
    cfg.n_snp_anchors = 2;
    cfg.verify_at = SNP_SYNTH_NOW;
    if (tc_broker_new(&cfg, &b) != TC_ERR_OK || tc_broker_start(b, &port) != TC_ERR_OK) {
        CHECK(0, "loopback: broker: %s", tc_err_detail());
        goto out;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)port);
    CHECK(admin("POST", "resource/default/key/disk", "coco-snp-secret", NULL) == 200,
          "loopback: admin sets the resource");
    CHECK(admin("POST", "resource-policy",
                "{\"id\":\"p\",\"resources\":[\"default/key/*\"],\"rules\":[{\"claim\":"
                "\"/submods/cpu0/ear.status\",\"equals\":\"affirming\"}]}",
                NULL) == 200,
          "loopback: a policy wanting an affirming result");
    snprintf(body, sizeof(body), "{\"tee\":\"snp\",\"name\":\"measurement\",\"values\":[\"%s\"]}",
             mhex);
    CHECK(admin("POST", "reference-value", body, NULL) == 200, "loopback: the SNP measurement");

    guest(milan, margs, G_GOOD, &o);
    CHECK(o.attest_status == 200 && o.secret_len == 15 &&
              memcmp(o.secret, "coco-snp-secret", 15) == 0,
          "loopback: a CoCo-shaped Milan v3 guest (VCEK/ASK/ARK in cert_chain) gets the secret "
          "(attest %ld)",
          o.attest_status);
    if (o.attest_status == 200) {
        json_t *t = json_loads(o.attest_body, 0, NULL);
        const char *jwt = json_string_value(json_object_get(t, "token"));

        if (jwt != NULL && tc_jwt_payload(jwt, strlen(jwt), &claims) == TC_ERR_OK) {
            CHECK(strcmp(json_string_value(tc_json_pointer(claims, "/submods/cpu0/ear.status")),
                         "affirming") == 0,
                  "loopback: known measurement: affirming");
            CHECK(strcmp(json_string_value(tc_json_pointer(
                             claims, "/submods/cpu0/ear.veraison.annotated-evidence/snp/"
                                     "container")),
                         "coco-json") == 0,
                  "loopback: the token's claims say the report came as CoCo JSON");
            json_decref(claims);
            claims = NULL;
        } else {
            CHECK(0, "loopback: token payload");
        }
        json_decref(t);
    } else {
        printf("#   %s\n", o.attest_body != NULL ? o.attest_body : "(no answer)");
    }
    outcome_free(&o);

    guest(turin, targs, G_GOOD, &o);
    CHECK(o.attest_status == 200 && o.secret_len == 15,
          "loopback: a CoCo-shaped Turin v5 guest (fmc, mitigation vectors, keys sorted) gets "
          "the secret (attest %ld)",
          o.attest_status);
    if (o.attest_status != 200) {
        printf("#   %s\n", o.attest_body != NULL ? o.attest_body : "(no answer)");
    }
    outcome_free(&o);

    guest(milan, "", G_GOOD, &o);
    CHECK(o.attest_status == 401 && o.attest_body != NULL &&
              strstr(o.attest_body, "snp evidence (coco-json) rejected") != NULL &&
              strstr(o.attest_body, "VCEK") != NULL && o.secret == NULL,
          "loopback: no cert_chain and no KDS: 401 naming the missing VCEK: %.200s",
          o.attest_body != NULL ? o.attest_body : "");
    outcome_free(&o);

    guest(milan, margs, G_TAMPER, &o);
    CHECK(o.attest_status == 401 && o.attest_body != NULL &&
              strstr(o.attest_body, "(coco-json) rejected: signature") != NULL && o.secret == NULL,
          "loopback: tampered measurement byte: 401, signature: %.200s",
          o.attest_body != NULL ? o.attest_body : "");
    outcome_free(&o);

    guest(milan, margs, G_OTHER_RD, &o);
    CHECK(o.attest_status == 401 && o.attest_body != NULL &&
              strstr(o.attest_body, "REPORT_DATA") != NULL && o.secret == NULL,
          "loopback: REPORT_DATA for another binding: 401: %.200s",
          o.attest_body != NULL ? o.attest_body : "");
    outcome_free(&o);

    guest(milan, margs, G_SHAPE, &o);
    CHECK(o.attest_status == 401 && o.attest_body != NULL &&
              strstr(o.attest_body, "signature.s: 71 elements, want 72") != NULL &&
              o.secret == NULL,
          "loopback: a 71-byte signature.s: 401 saying so: %.200s",
          o.attest_body != NULL ? o.attest_body : "");
    outcome_free(&o);

    measurement[0] ^= 1;
    guest(milan, margs, G_GOOD, &o);
    CHECK(o.attest_status == 200 && o.secret == NULL,
          "loopback: unknown measurement: attested, but the policy denies the resource");
    outcome_free(&o);
    measurement[0] ^= 1;

    /* The audit trail says which evidence came in the CoCo form. */
    if (CHECK(admin("GET", "audit", NULL, &audit) == 200 && audit != NULL, "loopback: audit")) {
        CHECK(strstr(audit, "evidence_form=coco-json") != NULL,
              "loopback: the audit of a release says evidence_form=coco-json");
        CHECK(strstr(audit, "snp evidence (coco-json) rejected: signature") != NULL,
              "loopback: the audit of a refusal names the form and the failed check");
    }
    free(audit);
out:
    tc_broker_free(b);
    if (cfg.log != NULL) {
        fclose(cfg.log);
    }
    snp_synth_chain_free(milan);
    snp_synth_chain_free(turin);
    EVP_PKEY_free(adm);
}

/* ---- real AMD reports from ../shared/testdata (skipped when absent) ---- */

static void test_real(void)
{
    static const struct {
        const char *name, *report, *vek_type, *vek, *ask, *ark, *at;
    } rows[] = {
        {"virtee Milan v2", "snp/virtee-sev/report_milan.bin", "VCEK",
         "snp/virtee-sev/vcek_milan.der", "snp/derived/milan_ask.pem", "snp/derived/milan_ark.pem",
         "2026-11-23T12:00:00Z"},
        {"Azure Genoa v3", "snp/trustee/azure_extracted/evidence-genoa_snp_report.bin", "VCEK",
         "snp/trustee/azure_extracted/evidence-genoa_vcek.pem", "snp/derived/genoa_ask.pem",
         "snp/derived/genoa_ark.pem", "2026-11-23T12:00:00Z"},
        {"openanolis Turin v5", "snp/openanolis-trustee/turin-report.bin", "VCEK",
         "snp/openanolis-trustee/turin-vcek.der", "snp/derived/turin_ask.pem",
         "snp/derived/turin_ark.pem", "2026-11-23T12:00:00Z"},
        {"trustee Milan v3 VLEK", "snp/trustee/test-vlek-report.bin", "VLEK",
         "snp/trustee/test-vlek.der", "snp/derived/milan_asvk.pem", "snp/derived/milan_ark.pem",
         "2025-06-01T00:00:00Z"},
    };
    size_t i;

    if (t_testdata("snp") == NULL) {
        t_skip("real AMD reports in CoCo form: ../shared/testdata not present");
        return;
    }
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char rp[4096], args[3 * 4096 + 100], what[200];
        uint8_t *raw = NULL;
        size_t rawl = 0;
        struct tc_coco_snp c;
        struct tc_verdict v;
        json_t *j, *claims = NULL;
        time_t at = 0;
        tc_err e;

        snprintf(rp, sizeof(rp), "%s", t_testdata(rows[i].report));
        snprintf(args, sizeof(args), "--cert %s=%s", rows[i].vek_type, t_testdata(rows[i].vek));
        snprintf(args + strlen(args), sizeof(args) - strlen(args), " --cert ASK=%s",
                 t_testdata(rows[i].ask));
        snprintf(args + strlen(args), sizeof(args) - strlen(args), " --cert ARK=%s",
                 t_testdata(rows[i].ark));
        if (tc_file_read(rp, 1 << 20, &raw, &rawl) != TC_ERR_OK || rawl != TC_SNP_REPORT_SIZE ||
            tc_time_parse(rows[i].at, &at) != TC_ERR_OK) {
            t_skip("%s: %s not readable", rows[i].name, rows[i].report);
            free(raw);
            continue;
        }
        j = gen_file(rp, args);
        if (!CHECK(j != NULL, "real %s: generator", rows[i].name)) {
            free(raw);
            continue;
        }
        e = tc_coco_snp_convert(j, &c);
        if (CHECK(e == TC_ERR_OK, "real %s: converted", rows[i].name)) {
            CHECK(memcmp(c.report, raw, TC_SNP_REPORT_SIZE) == 0,
                  "real %s: rebuilt bytes equal the firmware's report", rows[i].name);
            tc_coco_snp_free(&c);
        }
        /* Through the broker's verifier: AMD's pinned roots only, REPORT_DATA as signed. */
        snprintf(what, sizeof(what), "real %s", rows[i].name);
        e = adapter(j, raw + 0x50, NULL, at, &v, &claims, NULL);
        CHECK(e == TC_ERR_OK &&
                  strcmp(json_string_value(json_object_get(claims, "container")), "coco-json") == 0,
              "%s: verified to AMD's ARK from the CoCo form (%s)", what,
              e == TC_ERR_OK ? "ok" : first_failure(&v));
        tc_verdict_free(&v);
        json_decref(claims);
        claims = NULL;
        /* The same with one measurement bit flipped in the JSON. */
        json_array_set_new(
            field(j, "measurement"), 1,
            json_integer(json_integer_value(json_array_get(field(j, "measurement"), 1)) ^ 4));
        e = adapter(j, raw + 0x50, NULL, at, &v, NULL, NULL);
        CHECK(e != TC_ERR_OK && strcmp(first_failure(&v), "signature") == 0,
              "%s, measurement bit flipped: signature fails (%s)", what, first_failure(&v));
        tc_verdict_free(&v);
        json_decref(j);
        free(raw);
    }
}

int main(void)
{
    struct snp_synth_opts so;
    struct snp_synth_chain *m = NULL, *t = NULL, *mv = NULL;
    struct snp_synth_report ro;
    uint8_t rep[TC_SNP_REPORT_SIZE];
    json_t *m3 = NULL, *t5 = NULL, *m2 = NULL;
    char margs[1400], targs[1400], vargs[1400], cmd[400];

    if (system("python3 -c 'import json' >/dev/null 2>&1") != 0) {
        t_skip("CoCo SNP evidence: python3 (the independent JSON writer) not available");
        return t_done();
    }
    if (mkdtemp(dir) == NULL) {
        CHECK(0, "temporary folder");
        return t_done();
    }
    memset(&so, 0, sizeof(so));
    so.product = TC_SNP_PRODUCT_TURIN;
    if (!CHECK(snp_synth_chain_new(NULL, &m) == TC_ERR_OK &&
                   snp_synth_chain_new(&so, &t) == TC_ERR_OK,
               "synthetic Milan and Turin VCEK chains")) {
        goto out;
    }
    so.product = TC_SNP_PRODUCT_MILAN;
    so.vlek = 1;
    if (!CHECK(snp_synth_chain_new(&so, &mv) == TC_ERR_OK, "synthetic Milan VLEK chain")) {
        goto out;
    }
    chain_args(m, "m", margs, sizeof(margs));
    chain_args(t, "t", targs, sizeof(targs));
    chain_args(mv, "v", vargs, sizeof(vargs));

    test_round_trips();

    snp_synth_report_init(m, &ro);
    if (snp_synth_report_sign(m, &ro, rep) == TC_ERR_OK) {
        m3 = gen(rep, margs);
    }
    ro.version = 2;
    if (snp_synth_report_sign(m, &ro, rep) == TC_ERR_OK) {
        m2 = gen(rep, margs);
    }
    snp_synth_report_init(t, &ro);
    if (snp_synth_report_sign(t, &ro, rep) == TC_ERR_OK) {
        t5 = gen(rep, targs);
    }
    if (CHECK(m3 != NULL && m2 != NULL && t5 != NULL, "generator: Milan v3, Milan v2, Turin v5")) {
        test_refusals(m3, t5, m2);
    }

    test_verify(m, "Milan v3 VCEK", margs);
    test_verify(t, "Turin v5 VCEK", targs);
    test_verify(mv, "Milan v3 VLEK", vargs);
    test_loopback();
    test_real();
out:
    json_decref(m3);
    json_decref(m2);
    json_decref(t5);
    snp_synth_chain_free(m);
    snp_synth_chain_free(t);
    snp_synth_chain_free(mv);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        printf("# could not remove %s\n", dir);
    }
    return t_done();
}
