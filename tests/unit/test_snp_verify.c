/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP verification against synthetic chains and reports: every negative case of the issue
 * (each byte of the signed area flipped, wrong signer, wrong product, expired / not-yet-valid
 * certificates, revoked ASK, TCB mismatch per component, chip-ID mismatch, ...), each rejected
 * by the check that names the reason.
 *
 * With "--emit DIR" it writes synthetic files for the CLI tests and the fuzz seeds instead.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ossl.h"
#include "core/reader.h"
#include "harness.h"
#include "support/snp_synth.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

static struct tc_snp_cache *cache;

/* One verification setup: a chain, its certificates as blobs, its ARK as the extra anchor. */
struct setup {
    struct snp_synth_chain *c;
    char *pem; /* ASK + ARK */
    size_t pem_len;
    struct tc_snp_blob vek, certs;
    struct tc_snp_anchor anchor;
    struct tc_snp_verify_opts o;
};

static int setup_init(struct setup *s, const struct snp_synth_opts *so)
{
    const uint8_t *der;
    size_t len;

    memset(s, 0, sizeof(*s));
    if (snp_synth_chain_new(so, &s->c) != TC_ERR_OK ||
        snp_synth_pem(s->c, SNP_SYNTH_ASK | SNP_SYNTH_ARK, &s->pem, &s->pem_len) != TC_ERR_OK) {
        printf("# synth: %s\n", tc_err_detail());
        return 0;
    }
    snp_synth_der(s->c, SNP_SYNTH_VEK, &der, &len);
    s->vek = (struct tc_snp_blob){der, len};
    s->certs = (struct tc_snp_blob){(const uint8_t *)s->pem, s->pem_len};
    snp_synth_anchor(s->c, &s->anchor);
    s->o.at = SNP_SYNTH_NOW;
    s->o.vek = &s->vek;
    s->o.certs = &s->certs;
    s->o.n_certs = 1;
    s->o.extra_anchors = &s->anchor;
    s->o.n_extra_anchors = 1;
    s->o.cache = cache;
    return 1;
}

static void setup_free(struct setup *s)
{
    snp_synth_chain_free(s->c);
    free(s->pem);
}

static const struct tc_check *find(const struct tc_verdict *v, const char *name)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (strcmp(v->checks[i].name, name) == 0) {
            return &v->checks[i];
        }
    }
    return NULL;
}

static void dump(const struct tc_verdict *v)
{
    char buf[700];

    printf("#   %s\n", tc_verdict_summary(v, buf, sizeof(buf)));
}

/* Verify raw report bytes; returns the error, fills v. */
static tc_err verify_raw(const uint8_t *raw, const struct tc_snp_verify_opts *o,
                         struct tc_verdict *v)
{
    struct tc_snp_report r;
    tc_err e = tc_snp_report_parse(raw, TC_SNP_REPORT_SIZE, &r);

    if (e != TC_ERR_OK) {
        return e;
    }
    return tc_snp_verify(&r, o, v);
}

/* Expect: verification accepted. */
static void expect_ok(const uint8_t *raw, const struct tc_snp_verify_opts *o, const char *what)
{
    struct tc_verdict v;
    tc_err e;

    tc_verdict_init(&v);
    e = verify_raw(raw, o, &v);
    if (!CHECK(e == TC_ERR_OK && tc_verdict_ok(&v), "%s: accepted", what)) {
        printf("#   %s: %s\n", tc_err_name(e), tc_err_detail());
        dump(&v);
    }
    tc_verdict_free(&v);
}

/* Expect: rejected, with check `name` failed with error `err`. */
static void expect_fail(const uint8_t *raw, const struct tc_snp_verify_opts *o, const char *name,
                        tc_err err, const char *what)
{
    struct tc_verdict v;
    const struct tc_check *c;
    tc_err e;

    tc_verdict_init(&v);
    e = verify_raw(raw, o, &v);
    c = find(&v, name);
    if (!CHECK(e != TC_ERR_OK && c != NULL && c->status == TC_CHECK_FAIL && c->err == err &&
                   !tc_verdict_ok(&v),
               "%s: rejected by %s (%s)", what, name, tc_err_name(err))) {
        printf("#   returned %s (%s); check %s\n", tc_err_name(e), tc_err_detail(),
               c == NULL                    ? "absent"
               : c->status == TC_CHECK_FAIL ? tc_err_name(c->err)
                                            : "not failed");
        dump(&v);
    }
    tc_verdict_free(&v);
}

static int sign(const struct setup *s, const struct snp_synth_report *ro, uint8_t *raw)
{
    if (snp_synth_report_sign(s->c, ro, raw) != TC_ERR_OK) {
        printf("# sign: %s\n", tc_err_detail());
        return 0;
    }
    return 1;
}

static void test_baseline(void)
{
    static const enum tc_snp_product prods[] = {TC_SNP_PRODUCT_MILAN, TC_SNP_PRODUCT_GENOA,
                                                TC_SNP_PRODUCT_TURIN};
    size_t i;
    int vlek;
    uint32_t ver;

    for (i = 0; i < 3; i++) {
        for (vlek = 0; vlek <= 1; vlek++) {
            struct snp_synth_opts so = {.product = prods[i], .vlek = vlek};
            struct snp_synth_report ro;
            struct setup s;
            uint8_t raw[TC_SNP_REPORT_SIZE];
            char what[96];

            if (!setup_init(&s, &so)) {
                CHECK(0, "synthetic chain");
                continue;
            }
            for (ver = prods[i] == TC_SNP_PRODUCT_TURIN ? 3 : 2; ver <= 5; ver++) {
                snp_synth_report_init(s.c, &ro);
                ro.version = ver;
                if (ver < 5) {
                    ro.launch_mit_vector = ro.current_mit_vector = 0;
                }
                snprintf(what, sizeof(what), "%s %s report v%u", tc_snp_product_name(prods[i]),
                         vlek ? "VLEK" : "VCEK", ver);
                if (sign(&s, &ro, raw)) {
                    expect_ok(raw, &s.o, what);
                }
            }
            /* Without the synthetic anchor, nothing but AMD's roots is trusted. */
            s.o.extra_anchors = NULL;
            s.o.n_extra_anchors = 0;
            snprintf(what, sizeof(what), "%s %s without the test anchor",
                     tc_snp_product_name(prods[i]), vlek ? "VLEK" : "VCEK");
            expect_fail(raw, &s.o, "chain.ark.pinned", TC_ERR_UNTRUSTED, what);
            setup_free(&s);
        }
    }
}

/* The v2 report has no CPUID: the product comes from the certificate. */
static void test_v2_product(void)
{
    struct setup s;
    struct snp_synth_report ro;
    struct tc_snp_report r;
    struct tc_verdict v;
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct snp_synth_opts so = {.product = TC_SNP_PRODUCT_GENOA};

    if (!setup_init(&s, &so)) {
        return;
    }
    snp_synth_report_init(s.c, &ro);
    ro.version = 2;
    if (sign(&s, &ro, raw) && tc_snp_report_parse(raw, sizeof(raw), &r) == TC_ERR_OK) {
        CHECK(r.product == TC_SNP_PRODUCT_UNKNOWN, "v2: product unknown before verification");
        tc_verdict_init(&v);
        CHECK_OK(tc_snp_verify(&r, &s.o, &v), "v2 Genoa verifies");
        CHECK(r.product == TC_SNP_PRODUCT_GENOA && strcmp(r.product_source, "certificate") == 0,
              "v2: product learnt from the VCEK");
        tc_verdict_free(&v);
    }
    /* v2 with a masked chip ID (virtee/sev cannot parse these): the chip-ID check is skipped. */
    memset(ro.chip_id, 0, sizeof(ro.chip_id));
    if (sign(&s, &ro, raw) && tc_snp_report_parse(raw, sizeof(raw), &r) == TC_ERR_OK) {
        const struct tc_check *c;

        tc_verdict_init(&v);
        CHECK_OK(tc_snp_verify(&r, &s.o, &v), "v2 with masked CHIP_ID verifies");
        c = find(&v, "chip_id");
        CHECK(c != NULL && c->status == TC_CHECK_SKIP, "masked CHIP_ID: chip_id check skipped");
        tc_verdict_free(&v);
    }
    setup_free(&s);
}

static void test_sources(void)
{
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE], *tbl = NULL, *ext = NULL;
    size_t tlen = 0, i;
    char *all = NULL;
    size_t all_len = 0;
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));
    struct tc_verdict v;

    if (ev == NULL || !setup_init(&s, NULL)) {
        free(ev);
        return;
    }
    snp_synth_report_init(s.c, &ro);
    if (!sign(&s, &ro, raw)) {
        goto out;
    }
    /* One PEM bundle with all three. */
    if (snp_synth_chain_pem(s.c, &all, &all_len) == TC_ERR_OK) {
        struct tc_snp_verify_opts o = s.o;
        struct tc_snp_blob b = {(const uint8_t *)all, all_len};

        o.vek = NULL;
        o.certs = &b;
        expect_ok(raw, &o, "VCEK+ASK+ARK in one PEM bundle");
    }
    /* Extended report: report || certificate table, page padded. */
    if (snp_synth_certtable(s.c, 8192, &tbl, &tlen) == TC_ERR_OK &&
        (ext = malloc(TC_SNP_REPORT_SIZE + tlen)) != NULL) {
        struct tc_snp_verify_opts o = s.o;

        memcpy(ext, raw, TC_SNP_REPORT_SIZE);
        memcpy(ext + TC_SNP_REPORT_SIZE, tbl, tlen);
        o.vek = NULL;
        o.certs = NULL;
        o.n_certs = 0;
        CHECK_OK(tc_snp_evidence_parse(ext, TC_SNP_REPORT_SIZE + tlen, ev), "extended report");
        CHECK(ev->container == TC_SNP_CONTAINER_EXTENDED && ev->certs.n == 3,
              "extended: three certificates");
        tc_verdict_init(&v);
        CHECK_OK(tc_snp_verify_evidence(ev, &o, &v), "extended report verifies from its table");
        tc_verdict_free(&v);
        /* The VEK alone, ASK and ARK from nowhere: not found (I/O class, exit 4). */
        o.certtable = NULL;
        o.vek = &s.vek;
        tc_verdict_init(&v);
        CHECK_ERR(tc_snp_verify(&ev->report, &o, &v), TC_ERR_NOT_FOUND,
                  "VCEK without ASK/ARK and no KDS: not found");
        tc_verdict_free(&v);
        /* No certificate at all. */
        o.vek = NULL;
        tc_verdict_init(&v);
        CHECK_ERR(tc_snp_verify(&ev->report, &o, &v), TC_ERR_NOT_FOUND,
                  "no VCEK and no KDS: not found");
        tc_verdict_free(&v);
    }
    /* Malformed certificate inputs: MALFORMED (exit 3), with a failed check naming it. */
    {
        struct tc_snp_verify_opts o = s.o;
        struct tc_snp_blob bad = {s.vek.data, s.vek.len - 10};
        static const char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                   "-----END CERTIFICATE-----\n";
        struct tc_snp_blob pem = {(const uint8_t *)junk, sizeof(junk) - 1};

        o.vek = &bad;
        tc_verdict_init(&v);
        CHECK_ERR(verify_raw(raw, &o, &v), TC_ERR_MALFORMED, "truncated VCEK DER: malformed");
        CHECK(find(&v, "certificates") != NULL, "truncated VCEK: check 'certificates' failed");
        tc_verdict_free(&v);
        o.vek = &pem;
        tc_verdict_init(&v);
        CHECK_ERR(verify_raw(raw, &o, &v), TC_ERR_MALFORMED, "broken PEM: malformed");
        tc_verdict_free(&v);
    }
    /* The cache gives the same answers (second run from cached signatures). */
    for (i = 0; i < 2; i++) {
        expect_ok(raw, &s.o, i == 0 ? "with cache (first)" : "with cache (second)");
    }
    {
        struct tc_snp_verify_opts o = s.o;

        o.cache = NULL;
        expect_ok(raw, &o, "without cache");
    }
out:
    free(all);
    free(tbl);
    free(ext);
    free(ev);
    setup_free(&s);
}

/*
 * Azure's certificate cache answer (THIM), as Azure confidential containers keep it
 * (microsoft/confidential-sidecar-containers pkg/attest/test_data/uvm_host_amd_certificate.json):
 * {"vcekCert": PEM, "tcbm": hex, "certificateChain": PEM (ASK, ARK), "cacheControl": "86400"}.
 */
static char *thim_json(const char *vcek_key, const char *vcek, const char *chain,
                       const char *extra_key)
{
    json_t *j = json_object();
    char *text = NULL;

    if (j == NULL) {
        return NULL;
    }
    if (vcek != NULL) {
        json_object_set_new(j, vcek_key, json_string(vcek));
    }
    json_object_set_new(j, "tcbm", json_string("7308000000000003"));
    if (chain != NULL) {
        json_object_set_new(j, "certificateChain", json_string(chain));
    }
    json_object_set_new(j, "cacheControl", json_string("86400"));
    if (extra_key != NULL) {
        json_object_set_new(j, extra_key, json_integer(1));
    }
    text = json_dumps(j, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    json_decref(j);
    return text;
}

static void test_thim_json(void)
{
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];
    char *vek_pem = NULL, *ark_ask = NULL, *t = NULL;
    size_t vek_len = 0, aa_len = 0;
    struct tc_verdict v;
    int k;

    if (!setup_init(&s, NULL)) {
        return;
    }
    snp_synth_report_init(s.c, &ro);
    if (!sign(&s, &ro, raw) || snp_synth_pem(s.c, SNP_SYNTH_VEK, &vek_pem, &vek_len) != TC_ERR_OK ||
        snp_synth_pem(s.c, SNP_SYNTH_ARK, &ark_ask, &aa_len) != TC_ERR_OK) {
        CHECK(0, "THIM set-up");
        goto out;
    }
    for (k = 0; k < 2; k++) {
        struct tc_snp_verify_opts o = s.o;
        struct tc_snp_blob b;

        t = thim_json("vcekCert", vek_pem, s.pem, NULL);
        if (t == NULL) {
            CHECK(0, "THIM JSON");
            goto out;
        }
        b = (struct tc_snp_blob){(const uint8_t *)t, strlen(t)};
        o.cache = k == 0 ? NULL : cache;
        o.vek = NULL;
        o.certs = &b;
        expect_ok(raw, &o, k == 0 ? "THIM JSON as the certificates" : "THIM JSON (cache)");
        o.vek = &b;
        o.certs = NULL;
        o.n_certs = 0;
        expect_ok(raw, &o, "THIM JSON as the VCEK file");
        free(t);
        t = NULL;
    }
    {
        /* The chain ARK first, then the ASK: order does not matter. */
        struct tc_snp_verify_opts o = s.o;
        struct tc_snp_blob b;
        char *rev = malloc(aa_len + s.pem_len + 1);

        if (rev != NULL) {
            memcpy(rev, ark_ask, aa_len);
            memcpy(rev + aa_len, s.pem, s.pem_len);
            rev[aa_len + s.pem_len] = '\0';
            t = thim_json("vcekCert", vek_pem, rev, NULL);
        }
        free(rev);
        if (t != NULL) {
            b = (struct tc_snp_blob){(const uint8_t *)t, strlen(t)};
            o.vek = NULL;
            o.certs = &b;
            expect_ok(raw, &o, "THIM JSON, chain ARK first (and the ARK twice)");
        }
        free(t);
        t = NULL;
    }
    {
        struct {
            const char *key, *vcek, *chain, *extra;
            tc_err want;
            const char *what;
        } bad[] = {
            {"vcekCert", "x", NULL, NULL, TC_ERR_JSON, "THIM JSON without certificateChain"},
            {"vcekcert", "x", "x", NULL, TC_ERR_JSON, "THIM JSON with a misspelt key"},
            {"vcekCert", NULL, "x", NULL, TC_ERR_JSON, "THIM JSON without vcekCert"},
            {"vcekCert", "x", "x", "extra", TC_ERR_JSON, "THIM JSON with an unknown key"},
            {"vcekCert", "not PEM", "x", NULL, TC_ERR_MALFORMED, "THIM JSON, vcekCert not PEM"},
        };
        size_t i;

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            struct tc_snp_verify_opts o = s.o;
            struct tc_snp_blob b;
            const char *chain =
                bad[i].chain != NULL && strcmp(bad[i].chain, "x") == 0 ? s.pem : bad[i].chain;
            const char *vcek =
                bad[i].vcek != NULL && strcmp(bad[i].vcek, "x") == 0 ? vek_pem : bad[i].vcek;

            t = thim_json(bad[i].key, vcek, chain, bad[i].extra);
            if (t == NULL) {
                CHECK(0, "%s: JSON", bad[i].what);
                continue;
            }
            b = (struct tc_snp_blob){(const uint8_t *)t, strlen(t)};
            o.vek = NULL;
            o.certs = &b;
            tc_verdict_init(&v);
            CHECK_ERR(verify_raw(raw, &o, &v), bad[i].want, "%s: refused", bad[i].what);
            tc_verdict_free(&v);
            free(t);
            t = NULL;
        }
    }
    {
        static const char *const texts[] = {"{\"vcekCert\": ", " {}", "{\"vcekCert\": 1}",
                                            "{\"a\": 1, \"a\": 2}"};
        size_t i;

        for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
            struct tc_snp_verify_opts o = s.o;
            struct tc_snp_blob b = {(const uint8_t *)texts[i], strlen(texts[i])};

            o.vek = &b;
            tc_verdict_init(&v);
            CHECK_ERR(verify_raw(raw, &o, &v), TC_ERR_JSON, "certificate JSON '%s': refused",
                      texts[i]);
            tc_verdict_free(&v);
        }
    }
out:
    free(t);
    free(vek_pem);
    free(ark_ask);
    setup_free(&s);
}

/* Each byte of the signed area flipped: a reserved field (parse error) or the signature. */
static void test_flip_every_byte(void)
{
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];
    size_t off, sig_rejected = 0, parse_rejected = 0, accepted = 0;
    long first_bad = -1;

    if (!setup_init(&s, NULL)) {
        return;
    }
    snp_synth_report_init(s.c, &ro);
    if (!sign(&s, &ro, raw)) {
        setup_free(&s);
        return;
    }
    for (off = 0; off < TC_SNP_SIGNED_SIZE + 144; off++) {
        struct tc_snp_report r;
        struct tc_verdict v;
        const struct tc_check *c;
        tc_err e;

        raw[off] ^= 0x01;
        e = tc_snp_report_parse(raw, sizeof(raw), &r);
        if (e != TC_ERR_OK) {
            if (tc_err_class(e) == TC_CLASS_MALFORMED) {
                parse_rejected++;
            } else if (first_bad < 0) {
                first_bad = (long)off;
            }
        } else {
            tc_verdict_init(&v);
            e = tc_snp_verify(&r, &s.o, &v);
            c = find(&v, "signature");
            if (c == NULL) {
                /* SIGNATURE_ALGO (0x34) or MASK_CHIP_KEY/SIGNING_KEY (0x48) changed. */
                c = find(&v, off >= 0x34 && off < 0x38 ? "report.signature_algo" : "report.signed");
            }
            if (e != TC_ERR_OK && c != NULL && c->status == TC_CHECK_FAIL &&
                (c->err == TC_ERR_SIGNATURE || (off >= 0x34 && off < 0x38) || off == 0x48)) {
                sig_rejected++;
            } else {
                accepted++;
                if (first_bad < 0) {
                    first_bad = (long)off;
                }
            }
            tc_verdict_free(&v);
        }
        raw[off] ^= 0x01;
    }
    CHECK(accepted == 0 && first_bad < 0,
          "every bit-0 flip in 0x000-0x32F rejected (%zu by the signature, %zu at parse)",
          sig_rejected, parse_rejected);
    if (first_bad >= 0) {
        printf("#   first offset not rejected properly: 0x%lx\n", first_bad);
    }
    CHECK(sig_rejected > 500, "most flips reach the signature check (%zu)", sig_rejected);
    /* And one flip per byte with a different bit (0x80), over the signed area only. */
    accepted = 0;
    for (off = 0; off < TC_SNP_SIGNED_SIZE; off++) {
        struct tc_snp_report r;
        struct tc_verdict v;

        raw[off] ^= 0x80;
        if (tc_snp_report_parse(raw, sizeof(raw), &r) == TC_ERR_OK) {
            tc_verdict_init(&v);
            if (tc_snp_verify(&r, &s.o, &v) == TC_ERR_OK) {
                accepted++;
            }
            tc_verdict_free(&v);
        }
        raw[off] ^= 0x80;
    }
    CHECK(accepted == 0, "every bit-7 flip in 0x000-0x29F rejected");
    expect_ok(raw, &s.o, "restored report still verifies");
    setup_free(&s);
}

static void test_signer_and_product(void)
{
    struct setup a, b, g, vl;
    struct snp_synth_opts go = {.product = TC_SNP_PRODUCT_GENOA};
    struct snp_synth_opts vo = {.vlek = 1};
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];

    if (!setup_init(&a, NULL) || !setup_init(&b, NULL) || !setup_init(&g, &go) ||
        !setup_init(&vl, &vo)) {
        CHECK(0, "setups");
        return;
    }
    /* Wrong signer: signed by another chip's VCEK (same TCB and CHIP_ID fields). */
    snp_synth_report_init(a.c, &ro);
    if (sign(&b, &ro, raw)) {
        expect_fail(raw, &a.o, "signature", TC_ERR_SIGNATURE, "signed by another VCEK");
    }
    /* Wrong product: a Milan report (CPUID) with a Genoa chain. */
    snp_synth_report_init(a.c, &ro);
    ro.reported_tcb = snp_synth_tcb_raw(TC_SNP_PRODUCT_GENOA, snp_synth_chain_tcb(g.c));
    memcpy(ro.chip_id, snp_synth_chain_chip_id(g.c), 64);
    if (sign(&g, &ro, raw)) {
        expect_fail(raw, &g.o, "product", TC_ERR_MISMATCH, "Milan CPUID, Genoa VCEK");
    }
    /* VLEK report, VCEK certificate: the signer does not match. */
    snp_synth_report_init(a.c, &ro);
    ro.signer_info = 1u << 2;
    if (sign(&a, &ro, raw)) {
        expect_fail(raw, &a.o, "vek", TC_ERR_MISMATCH, "SIGNING_KEY VLEK, VCEK given");
    }
    /* VCEK report, VLEK certificate. */
    snp_synth_report_init(vl.c, &ro);
    ro.signer_info = 0;
    if (sign(&vl, &ro, raw)) {
        expect_fail(raw, &vl.o, "vek", TC_ERR_MISMATCH, "SIGNING_KEY VCEK, VLEK given");
    }
    /* Unsigned reports. */
    snp_synth_report_init(a.c, &ro);
    ro.signer_info = 7u << 2;
    if (sign(&a, &ro, raw)) {
        expect_fail(raw, &a.o, "report.signed", TC_ERR_UNTRUSTED, "SIGNING_KEY none");
    }
    snp_synth_report_init(a.c, &ro);
    ro.signer_info = 2;
    if (sign(&a, &ro, raw)) {
        expect_fail(raw, &a.o, "report.signed", TC_ERR_UNTRUSTED, "MASK_CHIP_KEY set");
    }
    snp_synth_report_init(a.c, &ro);
    ro.sig_algo = 2;
    if (sign(&a, &ro, raw)) {
        expect_fail(raw, &a.o, "report.signature_algo", TC_ERR_UNSUPPORTED, "SIGNATURE_ALGO 2");
    }
    /* The anchor of another product does not vouch for this one. */
    {
        struct tc_snp_verify_opts o = a.o;
        struct tc_snp_anchor an = a.anchor;

        an.product = TC_SNP_PRODUCT_GENOA;
        o.extra_anchors = &an;
        snp_synth_report_init(a.c, &ro);
        if (sign(&a, &ro, raw)) {
            expect_fail(raw, &o, "chain.ark.pinned", TC_ERR_UNTRUSTED,
                        "anchor for another product");
        }
    }
    setup_free(&a);
    setup_free(&b);
    setup_free(&g);
    setup_free(&vl);
}

/* A chain built with one mutation; the report otherwise right. */
static void mutated(const struct snp_synth_opts *so, const char *check, tc_err err,
                    const char *what)
{
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];

    if (!setup_init(&s, so)) {
        CHECK(0, "%s: chain", what);
        return;
    }
    snp_synth_report_init(s.c, &ro);
    if (sign(&s, &ro, raw)) {
        if (check == NULL) {
            expect_ok(raw, &s.o, what);
        } else {
            expect_fail(raw, &s.o, check, err, what);
        }
    }
    setup_free(&s);
}

#define T(y) ((time_t)(((y)-1970) * 31556952LL))

static void test_chain_mutations(void)
{
    struct snp_synth_opts o;

    memset(&o, 0, sizeof(o));
    o.vek_not_after = T(2025) - 86400;
    mutated(&o, "chain.vcek.validity", TC_ERR_EXPIRED, "expired VCEK");
    memset(&o, 0, sizeof(o));
    o.vek_not_before = T(2026);
    o.vek_not_after = T(2030);
    mutated(&o, "chain.vcek.validity", TC_ERR_EXPIRED, "VCEK not yet valid");
    memset(&o, 0, sizeof(o));
    o.ca_not_after = T(2025);
    mutated(&o, "chain.ask.validity", TC_ERR_EXPIRED, "expired ASK and ARK");
    memset(&o, 0, sizeof(o));
    o.ca_not_before = T(2026);
    mutated(&o, "chain.ark.validity", TC_ERR_EXPIRED, "ARK not yet valid");
    memset(&o, 0, sizeof(o));
    o.vlek = 1;
    o.vek_not_after = T(2025) - 86400;
    mutated(&o, "chain.vlek.validity", TC_ERR_EXPIRED, "expired VLEK");

    memset(&o, 0, sizeof(o));
    o.vek_signed_by_other = 1;
    mutated(&o, "chain.vcek.signature", TC_ERR_CHAIN, "VCEK signed by an unrelated key");
    memset(&o, 0, sizeof(o));
    o.ask_signed_by_other = 1;
    mutated(&o, "chain.ask.signature", TC_ERR_CHAIN, "ASK signed by an unrelated key");
    memset(&o, 0, sizeof(o));
    o.ark_signed_by_other = 1;
    mutated(&o, "chain.ark.self_signature", TC_ERR_CHAIN, "ARK not self-signed");
    memset(&o, 0, sizeof(o));
    o.vek_pkcs1 = 1;
    mutated(&o, "chain.vcek.signature", TC_ERR_CHAIN, "VCEK signed with PKCS#1 v1.5");
    /* RSASSA-PSS with other parameters than AMD's (SHA-384, MGF1-SHA-384, salt 48): OpenSSL
     * alone verifies these happily, the KDS specification does not allow them. */
    memset(&o, 0, sizeof(o));
    o.vek_pss_salt = 32;
    mutated(&o, "chain.vcek.signature", TC_ERR_CHAIN, "VCEK signed with PSS salt 32");
    memset(&o, 0, sizeof(o));
    o.ask_pss_sha256 = 1;
    mutated(&o, "chain.ask.signature", TC_ERR_CHAIN, "ASK signed with PSS SHA-256");
    /* Validity windows include both ends (RFC 5280 4.1.2.5). */
    memset(&o, 0, sizeof(o));
    o.vek_not_after = SNP_SYNTH_NOW;
    mutated(&o, NULL, TC_ERR_OK, "VCEK notAfter == --at: still valid");
    memset(&o, 0, sizeof(o));
    o.vek_not_after = SNP_SYNTH_NOW - 1;
    mutated(&o, "chain.vcek.validity", TC_ERR_EXPIRED, "VCEK notAfter one second before --at");
    memset(&o, 0, sizeof(o));
    o.vek_not_before = SNP_SYNTH_NOW;
    mutated(&o, NULL, TC_ERR_OK, "VCEK notBefore == --at: valid");
    memset(&o, 0, sizeof(o));
    o.vek_not_before = SNP_SYNTH_NOW + 1;
    mutated(&o, "chain.vcek.validity", TC_ERR_EXPIRED, "VCEK notBefore one second after --at");
    memset(&o, 0, sizeof(o));
    o.vek_p256 = 1;
    mutated(&o, "signature", TC_ERR_CHAIN, "VCEK key on P-256");
    memset(&o, 0, sizeof(o));
    o.ask_not_ca = 1;
    mutated(&o, "chain.ask.ca", TC_ERR_CHAIN, "ASK without CA basicConstraints");
    memset(&o, 0, sizeof(o));
    o.vek_critical_ext = 1;
    mutated(&o, "chain.extensions", TC_ERR_CHAIN, "VCEK with an unknown critical extension");

    memset(&o, 0, sizeof(o));
    o.product_name = "";
    mutated(&o, "vek.product_name", TC_ERR_CHAIN, "VCEK without productName");
    memset(&o, 0, sizeof(o));
    o.product_name = "Genoa-B1";
    mutated(&o, "product", TC_ERR_MISMATCH, "VCEK productName Genoa in a Milan chain");
    memset(&o, 0, sizeof(o));
    o.omit_hwid = 1;
    mutated(&o, "vek.extensions", TC_ERR_CHAIN, "VCEK without hwID");
    memset(&o, 0, sizeof(o));
    o.hwid_wrapped = 1;
    mutated(&o, NULL, TC_ERR_OK, "hwID as a DER OCTET STRING (accepted)");
    memset(&o, 0, sizeof(o));
    o.hwid_len = 8;
    mutated(&o, "chip_id", TC_ERR_MISMATCH, "8-byte hwID on Milan");
    memset(&o, 0, sizeof(o));
    o.product = TC_SNP_PRODUCT_TURIN;
    o.hwid_len = 64;
    mutated(&o, NULL, TC_ERR_OK, "Turin VCEK with a 64-byte hwID (accepted)");
    memset(&o, 0, sizeof(o));
    o.omit_spl = 3;
    mutated(&o, "tcb.snp", TC_ERR_TCB, "VCEK without snpSPL");
    memset(&o, 0, sizeof(o));
    o.product = TC_SNP_PRODUCT_TURIN;
    o.omit_spl = 9;
    mutated(&o, "tcb.fmc", TC_ERR_TCB, "Turin VCEK without fmcSPL");
}

/* A v2 report (no CPUID) with a VCEK whose productName says Genoa, issued by SEV-Milan: the
 * issuer is there, for another product: a rejection, not missing collateral (exit 4). */
static void test_v2_wrong_product_issuer(void)
{
    struct snp_synth_opts so = {.product_name = "Genoa-B1"};
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];

    if (!setup_init(&s, &so)) {
        CHECK(0, "setup");
        return;
    }
    snp_synth_report_init(s.c, &ro);
    ro.version = 2;
    if (sign(&s, &ro, raw)) {
        expect_fail(raw, &s.o, "chain.ask.product", TC_ERR_MISMATCH,
                    "v2, VCEK productName Genoa under SEV-Milan");
    }
    setup_free(&s);
}

/* A VLEK whose issuer is the ASK (and the ASK is present): rejected, not looked up. */
static void test_wrong_role_issuer(void)
{
    struct snp_synth_opts vo = {.vlek = 1, .vek_issued_by_wrong_role = 1};
    struct setup vl, vc;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_blob blobs[2];
    struct tc_snp_verify_opts o;

    if (!setup_init(&vl, &vo) || !setup_init(&vc, NULL)) {
        CHECK(0, "setups");
        return;
    }
    blobs[0] = vl.certs;
    blobs[1] = vc.certs; /* holds SEV-Milan, the ASK */
    o = vl.o;
    o.certs = blobs;
    o.n_certs = 2;
    snp_synth_report_init(vl.c, &ro);
    if (sign(&vl, &ro, raw)) {
        expect_fail(raw, &o, "chain.asvk.role", TC_ERR_CHAIN, "VLEK issued by the ASK");
    }
    setup_free(&vl);
    setup_free(&vc);
}

static void test_tcb_and_chip_id(void)
{
    static const char *names[] = {"tcb.fmc", "tcb.bootloader", "tcb.tee", "tcb.snp",
                                  "tcb.microcode"};
    static const enum tc_snp_product prods[] = {TC_SNP_PRODUCT_MILAN, TC_SNP_PRODUCT_TURIN};
    size_t p, k;

    for (p = 0; p < 2; p++) {
        struct snp_synth_opts so = {.product = prods[p]};
        struct setup s;
        struct snp_synth_report ro;
        uint8_t raw[TC_SNP_REPORT_SIZE];

        if (!setup_init(&s, &so)) {
            continue;
        }
        for (k = prods[p] == TC_SNP_PRODUCT_TURIN ? 0 : 1; k < 5; k++) {
            struct snp_synth_tcb t = *snp_synth_chain_tcb(s.c);
            char what[80];

            switch (k) {
            case 0:
                t.fmc++;
                break;
            case 1:
                t.bootloader++;
                break;
            case 2:
                t.tee++;
                break;
            case 3:
                t.snp++;
                break;
            default:
                t.microcode--;
                break;
            }
            snp_synth_report_init(s.c, &ro);
            ro.reported_tcb = snp_synth_tcb_raw(prods[p], &t);
            snprintf(what, sizeof(what), "%s: REPORTED_TCB %s differs from the VCEK",
                     tc_snp_product_name(prods[p]), names[k] + 4);
            if (sign(&s, &ro, raw)) {
                expect_fail(raw, &s.o, names[k], TC_ERR_TCB, what);
            }
        }
        /* A reserved TCB byte set. */
        snp_synth_report_init(s.c, &ro);
        ro.reported_tcb |= (uint64_t)1 << 40;
        if (sign(&s, &ro, raw)) {
            expect_fail(raw, &s.o, "tcb.reserved", TC_ERR_TCB, "reserved TCB byte set");
        }
        /* Only REPORTED_TCB binds the VCEK: a different CURRENT_TCB is fine here. */
        snp_synth_report_init(s.c, &ro);
        ro.current_tcb += (uint64_t)1 << 56;
        if (sign(&s, &ro, raw)) {
            expect_ok(raw, &s.o, "CURRENT_TCB above REPORTED_TCB verifies");
        }
        /* Chip ID. */
        snp_synth_report_init(s.c, &ro);
        ro.chip_id[3] ^= 0x40;
        if (sign(&s, &ro, raw)) {
            expect_fail(raw, &s.o, "chip_id", TC_ERR_MISMATCH, "CHIP_ID differs from hwID");
        }
        if (prods[p] == TC_SNP_PRODUCT_TURIN) {
            snp_synth_report_init(s.c, &ro);
            ro.chip_id[40] = 1;
            if (sign(&s, &ro, raw)) {
                expect_fail(raw, &s.o, "chip_id", TC_ERR_MISMATCH,
                            "Turin: CHIP_ID bytes 8-63 not zero");
            }
        }
        setup_free(&s);
    }
}

static void test_crls(void)
{
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE], *crl = NULL, *crl2 = NULL;
    size_t crl_len = 0, crl2_len = 0;
    struct tc_snp_blob blobs[2];
    struct tc_snp_verify_opts o;
    long serial, other = 0x42;

    if (!setup_init(&s, NULL)) {
        return;
    }
    snp_synth_report_init(s.c, &ro);
    if (!sign(&s, &ro, raw)) {
        setup_free(&s);
        return;
    }
    serial = snp_synth_ask_serial(s.c);
    o = s.o;
    o.crls = blobs;
    o.n_crls = 1;
    /* An ARK CRL that revokes something else. */
    if (snp_synth_crl(s.c, 0, &other, 1, T(2025), T(2026), &crl, &crl_len) == TC_ERR_OK) {
        blobs[0] = (struct tc_snp_blob){crl, crl_len};
        expect_ok(raw, &o, "ARK CRL without the ASK");
        o.at = T(2027);
        s.o.at = T(2027);
        expect_fail(raw, &o, "crl.ark.validity", TC_ERR_EXPIRED, "CRL past its nextUpdate");
        o.at = T(2024);
        expect_fail(raw, &o, "crl.ark.validity", TC_ERR_EXPIRED, "CRL before its thisUpdate");
        o.at = SNP_SYNTH_NOW;
        crl[crl_len - 5] ^= 1; /* inside the signature */
        expect_fail(raw, &o, "crl.ark.signature", TC_ERR_REVOKED, "CRL with a bad signature");
        free(crl);
        crl = NULL;
    }
    /* The ARK revokes the ASK. */
    if (snp_synth_crl(s.c, 0, &serial, 1, T(2025), T(2026), &crl, &crl_len) == TC_ERR_OK) {
        blobs[0] = (struct tc_snp_blob){crl, crl_len};
        expect_fail(raw, &o, "revocation.ask", TC_ERR_REVOKED, "revoked ASK");
        free(crl);
        crl = NULL;
    }
    /* The ASK revokes the VCEK (serial 0), with the ARK's CRL beside it. */
    {
        long zero = 0;

        if (snp_synth_crl(s.c, 0, &other, 1, T(2025), T(2026), &crl, &crl_len) == TC_ERR_OK &&
            snp_synth_crl(s.c, 1, &zero, 1, T(2025), T(2026), &crl2, &crl2_len) == TC_ERR_OK) {
            blobs[0] = (struct tc_snp_blob){crl, crl_len};
            blobs[1] = (struct tc_snp_blob){crl2, crl2_len};
            o.n_crls = 2;
            expect_fail(raw, &o, "revocation.vcek", TC_ERR_REVOKED, "revoked VCEK");
            /* Only the ASK's CRL: the ARK's is required once CRLs are checked. */
            blobs[0] = blobs[1];
            o.n_crls = 1;
            expect_fail(raw, &o, "crl", TC_ERR_REVOKED, "no CRL from the ARK");
        }
    }
    /* A CRL signed by the ARK with PSS salt 32 (AMD signs with 48). */
    {
        struct snp_synth_opts so = {.crl_pss_salt = 32};
        struct setup s2;

        if (setup_init(&s2, &so)) {
            struct tc_snp_verify_opts o2 = s2.o;
            struct tc_snp_blob b;

            free(crl2); /* the ASK's CRL above */
            crl2 = NULL;
            snp_synth_report_init(s2.c, &ro);
            if (sign(&s2, &ro, raw) && snp_synth_crl(s2.c, 0, &other, 1, T(2025), T(2026), &crl2,
                                                     &crl2_len) == TC_ERR_OK) {
                b = (struct tc_snp_blob){crl2, crl2_len};
                o2.crls = &b;
                o2.n_crls = 1;
                expect_fail(raw, &o2, "crl.ark.signature", TC_ERR_REVOKED,
                            "CRL signed with PSS salt 32");
                free(crl2);
                crl2 = NULL;
            }
            setup_free(&s2);
        }
        snp_synth_report_init(s.c, &ro);
        if (!sign(&s, &ro, raw)) {
            CHECK(0, "re-sign");
        }
    }
    /* A CRL that is not a CRL. */
    {
        static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
        struct tc_verdict v;

        blobs[0] = (struct tc_snp_blob){junk, sizeof(junk)};
        o.n_crls = 1;
        tc_verdict_init(&v);
        CHECK_ERR(verify_raw(raw, &o, &v), TC_ERR_MALFORMED, "malformed CRL: malformed");
        tc_verdict_free(&v);
    }
    free(crl);
    free(crl2);
    setup_free(&s);
}

/* The cache shared by threads (the broker verifies in parallel). */
struct thr {
    const uint8_t *raw;
    const struct tc_snp_verify_opts *o;
    int ok;
};

static void *thr_run(void *arg)
{
    struct thr *t = arg;
    int i;

    t->ok = 1;
    for (i = 0; i < 8; i++) {
        struct tc_snp_report r;
        struct tc_verdict v;

        tc_verdict_init(&v);
        if (tc_snp_report_parse(t->raw, TC_SNP_REPORT_SIZE, &r) != TC_ERR_OK ||
            tc_snp_verify(&r, t->o, &v) != TC_ERR_OK) {
            t->ok = 0;
        }
        tc_verdict_free(&v);
    }
    return NULL;
}

static void test_threads(void)
{
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];
    pthread_t th[4];
    struct thr t[4];
    struct tc_snp_cache *c2;
    int i, ok = 1;

    if (!setup_init(&s, NULL) || tc_snp_cache_new(&c2) != TC_ERR_OK) {
        return;
    }
    s.o.cache = c2;
    snp_synth_report_init(s.c, &ro);
    if (sign(&s, &ro, raw)) {
        for (i = 0; i < 4; i++) {
            t[i] = (struct thr){raw, &s.o, 0};
            pthread_create(&th[i], NULL, thr_run, &t[i]);
        }
        for (i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            ok = ok && t[i].ok;
        }
        CHECK(ok, "4 threads x 8 verifications sharing one cache");
    }
    tc_snp_cache_free(c2);
    setup_free(&s);
}

/* Azure HCL wrapper: REPORT_DATA binds the runtime data. */
static size_t make_hcl(const uint8_t *report, const char *runtime, uint8_t *out, size_t cap)
{
    size_t rl = strlen(runtime), total = 0x20 + TC_SNP_REPORT_SIZE + 20 + rl;

    if (total + 64 > cap) {
        return 0;
    }
    memset(out, 0, total + 64);
    memcpy(out, "HCLA", 4);
    tc_put_le32(out + 4, 2);
    tc_put_le32(out + 8, (uint32_t)total);
    tc_put_le32(out + 12, 2);
    memcpy(out + 0x20, report, TC_SNP_REPORT_SIZE);
    tc_put_le32(out + 0x4c0, (uint32_t)(20 + rl));
    tc_put_le32(out + 0x4c4, 1);
    tc_put_le32(out + 0x4c8, 2);
    tc_put_le32(out + 0x4cc, 1);
    tc_put_le32(out + 0x4d0, (uint32_t)rl);
    memcpy(out + 0x4d4, runtime, rl);
    return total + 64; /* zero padding, as in the vTPM NV index */
}

static void test_hcl(void)
{
    static const char runtime[] = "{\"keys\":[{\"kid\":\"HCLAkPub\"}],\"vm-configuration\":{}}";
    struct setup s;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE], hcl[4096];
    struct tc_snp_evidence *ev = calloc(1, sizeof(*ev));
    struct tc_verdict v;
    size_t n;

    if (ev == NULL || !setup_init(&s, NULL)) {
        free(ev);
        return;
    }
    snp_synth_report_init(s.c, &ro);
    if (tc_digest(EVP_sha256(), runtime, strlen(runtime), ro.report_data) == TC_ERR_OK &&
        sign(&s, &ro, raw) && (n = make_hcl(raw, runtime, hcl, sizeof(hcl))) > 0) {
        CHECK_OK(tc_snp_evidence_parse(hcl, n, ev), "synthetic HCL report parses");
        tc_verdict_init(&v);
        CHECK_OK(tc_snp_verify_evidence(ev, &s.o, &v), "HCL: verified, runtime data bound");
        CHECK(find(&v, "azure.runtime_data") != NULL &&
                  find(&v, "azure.runtime_data")->status == TC_CHECK_PASS,
              "HCL: azure.runtime_data passes");
        tc_verdict_free(&v);
        hcl[0x4d4 + 3] ^= 1; /* the runtime data changed: REPORT_DATA no longer binds it */
        CHECK_OK(tc_snp_evidence_parse(hcl, n, ev), "changed HCL runtime data still parses");
        tc_verdict_init(&v);
        CHECK_ERR(tc_snp_verify_evidence(ev, &s.o, &v), TC_ERR_MISMATCH,
                  "HCL: changed runtime data rejected");
        tc_verdict_free(&v);
    }
    free(ev);
    setup_free(&s);
}

/* --emit DIR: synthetic files for tests/cli/snp.sh and the fuzz seeds. */
static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (tc_file_write(path, p, n, 0644) != TC_ERR_OK) {
        fprintf(stderr, "%s\n", tc_err_detail());
        return 0;
    }
    return 1;
}

static int emit(const char *dir)
{
    struct snp_synth_chain *c = NULL, *t = NULL;
    struct snp_synth_opts to = {.product = TC_SNP_PRODUCT_TURIN};
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE], *tbl = NULL, *ext = NULL, *crl = NULL;
    size_t tlen = 0, clen = 0, plen;
    char *pem = NULL, *ark = NULL;
    const uint8_t *der;
    size_t dlen;
    long serial;
    int ok;

    mkdir(dir, 0755);
    ok = snp_synth_chain_new(NULL, &c) == TC_ERR_OK && snp_synth_chain_new(&to, &t) == TC_ERR_OK;
    if (!ok) {
        return 1;
    }
    snp_synth_report_init(c, &ro);
    serial = snp_synth_ask_serial(c);
    ok = snp_synth_report_sign(c, &ro, raw) == TC_ERR_OK &&
         write_file(dir, "report.bin", raw, sizeof(raw)) &&
         snp_synth_chain_pem(c, &pem, &plen) == TC_ERR_OK &&
         write_file(dir, "chain.pem", pem, plen) &&
         snp_synth_pem(c, SNP_SYNTH_ARK, &ark, &plen) == TC_ERR_OK &&
         write_file(dir, "ark.pem", ark, plen) &&
         snp_synth_certtable(c, 0, &tbl, &tlen) == TC_ERR_OK &&
         write_file(dir, "certtable.bin", tbl, tlen) && (ext = malloc(sizeof(raw) + tlen)) != NULL;
    if (ok) {
        memcpy(ext, raw, sizeof(raw));
        memcpy(ext + sizeof(raw), tbl, tlen);
        snp_synth_der(c, SNP_SYNTH_VEK, &der, &dlen);
        ok = write_file(dir, "extended.bin", ext, sizeof(raw) + tlen) &&
             write_file(dir, "vcek.der", der, dlen) &&
             snp_synth_crl(c, 0, &serial, 1, SNP_SYNTH_NOW - 86400, SNP_SYNTH_NOW + 86400 * 300,
                           &crl, &clen) == TC_ERR_OK &&
             write_file(dir, "revokes_ask.crl", crl, clen);
    }
    /* An Azure HCL wrapper, a VLEK table, a Turin v5 and a v2 report (fuzz seeds). */
    if (ok) {
        static const char rt[] = "{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\"}]}";
        uint8_t h[2048];
        size_t hn;

        snp_synth_report_init(c, &ro);
        ok = tc_digest(EVP_sha256(), rt, strlen(rt), ro.report_data) == TC_ERR_OK &&
             snp_synth_report_sign(c, &ro, raw) == TC_ERR_OK &&
             (hn = make_hcl(raw, rt, h, sizeof(h))) > 0 && write_file(dir, "hcl.bin", h, hn);
    }
    {
        struct snp_synth_opts vo = {.vlek = 1};
        struct snp_synth_chain *v = NULL;

        free(tbl);
        tbl = NULL;
        ok = ok && snp_synth_chain_new(&vo, &v) == TC_ERR_OK &&
             snp_synth_certtable(v, 0, &tbl, &tlen) == TC_ERR_OK &&
             write_file(dir, "vlek_certtable.bin", tbl, tlen);
        snp_synth_chain_free(v);
    }
    snp_synth_report_init(t, &ro);
    ro.launch_mit_vector = ro.current_mit_vector = 0x3f;
    ok = ok && snp_synth_report_sign(t, &ro, raw) == TC_ERR_OK &&
         write_file(dir, "turin_v5.bin", raw, sizeof(raw));
    snp_synth_report_init(c, &ro);
    ro.version = 2;
    ok = ok && snp_synth_report_sign(c, &ro, raw) == TC_ERR_OK &&
         write_file(dir, "milan_v2.bin", raw, sizeof(raw));
    free(pem);
    free(ark);
    free(tbl);
    free(ext);
    free(crl);
    snp_synth_chain_free(c);
    snp_synth_chain_free(t);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--emit") == 0) {
        return emit(argv[2]);
    }
    if (tc_snp_cache_new(&cache) != TC_ERR_OK) {
        printf("FAIL - cache\n");
        return 1;
    }
    test_baseline();
    test_v2_product();
    test_sources();
    test_thim_json();
    test_flip_every_byte();
    test_signer_and_product();
    test_chain_mutations();
    test_wrong_role_issuer();
    test_v2_wrong_product_issuer();
    test_tcb_and_chip_id();
    test_crls();
    test_threads();
    test_hcl();
    tc_snp_cache_free(cache);
    return t_done();
}
