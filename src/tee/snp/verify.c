/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP report verification: the signature over the raw signed bytes, the AMD certificate
 * chain to a pinned ARK, the VCEK/VLEK extensions against the report, CRLs, validity windows at
 * the given time.  Every check goes into the verdict, with the values compared.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "core/ossl.h"
#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

/*
 * The AMD root keys, pinned by the SHA-256 of their DER SubjectPublicKeyInfo.  Computed from the
 * ARKs that AMD's KDS serves at /vcek/v1/<Product>/cert_chain (serials 010000, 020000, 030000).
 */
static const struct tc_snp_anchor amd_anchors[] = {
    {TC_SNP_PRODUCT_MILAN, {0x9f, 0x05, 0x6b, 0xee, 0x44, 0x37, 0x7e, 0x29, 0x30, 0x8c, 0xb5,
                            0xff, 0xa8, 0x95, 0xbd, 0xfb, 0x62, 0xd1, 0x88, 0x81, 0xfa, 0x6b,
                            0xed, 0x8d, 0x6f, 0x07, 0x5b, 0x02, 0x04, 0x08, 0x9c, 0xb9}},
    {TC_SNP_PRODUCT_GENOA, {0x42, 0x9a, 0x69, 0xc9, 0x42, 0x2a, 0xa2, 0x58, 0xee, 0x4d, 0x8d,
                            0xb5, 0xfc, 0xda, 0x9c, 0x64, 0x70, 0xef, 0x15, 0xf8, 0xcd, 0x5a,
                            0x9c, 0xeb, 0xd6, 0xcb, 0xc7, 0xd9, 0x0b, 0x86, 0x38, 0x31}},
    {TC_SNP_PRODUCT_TURIN, {0x4f, 0x12, 0x54, 0x10, 0x56, 0x3a, 0x2a, 0xb9, 0xa5, 0x03, 0x56,
                            0xf9, 0x24, 0x3f, 0x6f, 0xe0, 0xb6, 0xf7, 0x3d, 0xe9, 0x86, 0x03,
                            0xf5, 0x3f, 0x90, 0x33, 0x9c, 0x70, 0xe9, 0xd7, 0xad, 0x08}},
};

const struct tc_snp_anchor *tc_snp_amd_anchors(size_t *n)
{
    *n = sizeof(amd_anchors) / sizeof(amd_anchors[0]);
    return amd_anchors;
}

static tc_err anchor_cb(void *arg, const uint8_t *der, size_t len)
{
    struct tc_snp_anchor *a = arg;
    struct snp_cert *c;
    tc_err e;

    if (a->product != TC_SNP_PRODUCT_UNKNOWN || a->spki_sha256[0] != 0 || a->spki_sha256[1] != 0) {
        return TC_ERR_OK; /* the first certificate only */
    }
    e = snp_cert_from_der(der, len, &c);
    if (e != TC_ERR_OK) {
        return e;
    }
    memcpy(a->spki_sha256, c->spki_sha256, 32);
    a->product = c->role == SNP_ROLE_ARK ? c->product : TC_SNP_PRODUCT_UNKNOWN;
    snp_cert_put(c);
    return TC_ERR_OK;
}

tc_err tc_snp_anchor_from_cert(const uint8_t *data, size_t len, struct tc_snp_anchor *a)
{
    memset(a, 0, sizeof(*a));
    return snp_blob_foreach(data, len, "CERTIFICATE", anchor_cb, a);
}

/* ---- the cache: parsed certificates and signatures already verified ---- */

#define CACHE_MAX 256

struct sig_pair {
    uint8_t child[32], parent[32];
};

#define BLOB_CERTS 8
#define BLOB_MAX 64

/* A certificate blob (e.g. a PEM bundle) already decoded: its SHA-256 -> its certificates. */
struct blob_entry {
    uint8_t h[32];
    struct snp_cert *c[BLOB_CERTS];
    size_t n;
};

struct tc_snp_cache {
    pthread_mutex_t mu;
    struct snp_cert *certs[CACHE_MAX];
    size_t n_certs;
    struct sig_pair sigs[CACHE_MAX];
    size_t n_sigs;
    struct blob_entry blobs[BLOB_MAX];
    size_t n_blobs;
};

static void blob_entry_clear(struct blob_entry *b)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        snp_cert_put(b->c[i]);
    }
    b->n = 0;
}

tc_err tc_snp_cache_new(struct tc_snp_cache **c)
{
    *c = calloc(1, sizeof(**c));
    if (*c == NULL) {
        return tc_fail(TC_ERR_NOMEM, "SNP cache");
    }
    if (pthread_mutex_init(&(*c)->mu, NULL) != 0) {
        free(*c);
        *c = NULL;
        return tc_fail(TC_ERR_INTERNAL, "SNP cache: mutex");
    }
    return TC_ERR_OK;
}

void tc_snp_cache_free(struct tc_snp_cache *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < c->n_certs; i++) {
        snp_cert_put(c->certs[i]);
    }
    for (i = 0; i < c->n_blobs; i++) {
        blob_entry_clear(&c->blobs[i]);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* Parse a DER certificate, or take it from the cache (by the SHA-256 of its bytes). */
static tc_err cert_load(struct tc_snp_cache *cache, const uint8_t *der, size_t len,
                        struct snp_cert **out)
{
    uint8_t h[32];
    size_t i;
    tc_err e;

    if (cache != NULL) {
        if ((e = tc_digest(EVP_sha256(), der, len, h)) != TC_ERR_OK) {
            return e;
        }
        pthread_mutex_lock(&cache->mu);
        for (i = 0; i < cache->n_certs; i++) {
            if (memcmp(cache->certs[i]->der_sha256, h, 32) == 0) {
                *out = snp_cert_get(cache->certs[i]);
                pthread_mutex_unlock(&cache->mu);
                return TC_ERR_OK;
            }
        }
        pthread_mutex_unlock(&cache->mu);
    }
    e = snp_cert_from_der(der, len, out);
    if (e != TC_ERR_OK || cache == NULL) {
        return e;
    }
    pthread_mutex_lock(&cache->mu);
    if (cache->n_certs == CACHE_MAX) {
        /* Full: start over rather than grow without bound. */
        for (i = 0; i < cache->n_certs; i++) {
            snp_cert_put(cache->certs[i]);
        }
        cache->n_certs = 0;
    }
    cache->certs[cache->n_certs++] = snp_cert_get(*out);
    pthread_mutex_unlock(&cache->mu);
    return TC_ERR_OK;
}

static int cache_sig_known(struct tc_snp_cache *cache, const struct snp_cert *child,
                           const struct snp_cert *parent)
{
    size_t i;
    int hit = 0;

    if (cache == NULL) {
        return 0;
    }
    pthread_mutex_lock(&cache->mu);
    for (i = 0; i < cache->n_sigs && !hit; i++) {
        hit = memcmp(cache->sigs[i].child, child->der_sha256, 32) == 0 &&
              memcmp(cache->sigs[i].parent, parent->der_sha256, 32) == 0;
    }
    pthread_mutex_unlock(&cache->mu);
    return hit;
}

static void cache_sig_add(struct tc_snp_cache *cache, const struct snp_cert *child,
                          const struct snp_cert *parent)
{
    if (cache == NULL) {
        return;
    }
    pthread_mutex_lock(&cache->mu);
    if (cache->n_sigs == CACHE_MAX) {
        cache->n_sigs = 0;
    }
    memcpy(cache->sigs[cache->n_sigs].child, child->der_sha256, 32);
    memcpy(cache->sigs[cache->n_sigs].parent, parent->der_sha256, 32);
    cache->n_sigs++;
    pthread_mutex_unlock(&cache->mu);
}

/* ---- the pool of candidate certificates for one verification ---- */

#define POOL_MAX 64

struct pool {
    struct snp_cert *c[POOL_MAX];
    size_t n;
    struct tc_snp_cache *cache;
};

static void pool_free(struct pool *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        snp_cert_put(p->c[i]);
    }
    p->n = 0;
}

/* Add a certificate (taking the reference) unless the pool already holds it. */
static tc_err pool_add_cert(struct pool *p, struct snp_cert *c)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (memcmp(p->c[i]->der_sha256, c->der_sha256, 32) == 0) {
            snp_cert_put(c); /* the same certificate from two sources */
            return TC_ERR_OK;
        }
    }
    if (p->n == POOL_MAX) {
        snp_cert_put(c);
        return tc_fail(TC_ERR_TOO_LARGE, "more than %d certificates", POOL_MAX);
    }
    p->c[p->n++] = c;
    return TC_ERR_OK;
}

static tc_err pool_add_der(void *arg, const uint8_t *der, size_t len)
{
    struct pool *p = arg;
    struct snp_cert *c;
    tc_err e = cert_load(p->cache, der, len, &c);

    return e != TC_ERR_OK ? e : pool_add_cert(p, c);
}

struct blob_rec {
    struct pool *p;
    struct blob_entry got;
    int overflow;
};

static tc_err blob_rec_der(void *arg, const uint8_t *der, size_t len)
{
    struct blob_rec *b = arg;
    struct snp_cert *c;
    tc_err e = cert_load(b->p->cache, der, len, &c);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (b->got.n < BLOB_CERTS) {
        b->got.c[b->got.n++] = snp_cert_get(c);
    } else {
        b->overflow = 1;
    }
    return pool_add_cert(b->p, c);
}

/*
 * Add every certificate of a blob.  With a cache, a blob seen before (same SHA-256) is not
 * decoded again: PEM decoding is most of what a cached verification costs besides ECDSA.
 */
static tc_err pool_add_blob(struct pool *p, const uint8_t *data, size_t len)
{
    struct tc_snp_cache *cache = p->cache;
    struct blob_rec rec;
    uint8_t h[32];
    size_t i, k;
    tc_err e;

    if (cache == NULL) {
        return snp_blob_foreach(data, len, "CERTIFICATE", pool_add_der, p);
    }
    if ((e = tc_digest(EVP_sha256(), data, len, h)) != TC_ERR_OK) {
        return e;
    }
    pthread_mutex_lock(&cache->mu);
    for (i = 0; i < cache->n_blobs; i++) {
        if (memcmp(cache->blobs[i].h, h, 32) == 0) {
            struct snp_cert *got[BLOB_CERTS];
            size_t n = cache->blobs[i].n;

            for (k = 0; k < n; k++) {
                got[k] = snp_cert_get(cache->blobs[i].c[k]);
            }
            pthread_mutex_unlock(&cache->mu);
            for (k = 0, e = TC_ERR_OK; k < n; k++) {
                if (e == TC_ERR_OK) {
                    e = pool_add_cert(p, got[k]);
                } else {
                    snp_cert_put(got[k]);
                }
            }
            return e;
        }
    }
    pthread_mutex_unlock(&cache->mu);
    memset(&rec, 0, sizeof(rec));
    rec.p = p;
    e = snp_blob_foreach(data, len, "CERTIFICATE", blob_rec_der, &rec);
    if (e == TC_ERR_OK && !rec.overflow) {
        pthread_mutex_lock(&cache->mu);
        if (cache->n_blobs == BLOB_MAX) {
            for (i = 0; i < cache->n_blobs; i++) {
                blob_entry_clear(&cache->blobs[i]);
            }
            cache->n_blobs = 0;
        }
        memcpy(rec.got.h, h, 32);
        cache->blobs[cache->n_blobs++] = rec.got; /* the references move to the cache */
        rec.got.n = 0;
        pthread_mutex_unlock(&cache->mu);
    }
    blob_entry_clear(&rec.got);
    return e;
}

/* ---- verdict helpers ---- */

struct run {
    struct tc_verdict *v;
    tc_err hard; /* an input that could not be used (MALFORMED / IO), or an internal error */
    tc_err add_err;
};

static void check(struct run *run, const char *name, enum tc_check_status st, tc_err err,
                  const char *expected, const char *actual, const char *fmt, ...) TC_PRINTF(7, 8);

static void check(struct run *run, const char *name, enum tc_check_status st, tc_err err,
                  const char *expected, const char *actual, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    tc_err e;

    detail[0] = '\0';
    if (fmt != NULL) {
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    e = tc_verdict_add(run->v, name, st, err, expected, actual, "%s", detail);
    if (e != TC_ERR_OK && run->add_err == TC_ERR_OK) {
        run->add_err = e;
    }
}

/* A failure caused by an unusable input: recorded as a check and as the hard error. */
static void fail_input(struct run *run, const char *name, tc_err e, const char *what)
{
    char buf[600];

    snprintf(buf, sizeof(buf), "%s: %s", what, tc_err_detail());
    check(run, name, TC_CHECK_FAIL, e, NULL, NULL, "%s", buf);
    if (run->hard == TC_ERR_OK) {
        run->hard = e;
    }
    /* Leave the detail describing the failure for the caller's one-line message. */
    (void)tc_fail(e, "%s", buf);
}

static const char *fmt_time(const ASN1_TIME *t, char *buf, size_t len)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(buf, len, "?");
    }
    return buf;
}

static const char *role_key(enum snp_role r)
{
    switch (r) {
    case SNP_ROLE_ARK:
        return "ark";
    case SNP_ROLE_ASK:
        return "ask";
    case SNP_ROLE_ASVK:
        return "asvk";
    case SNP_ROLE_VCEK:
        return "vcek";
    case SNP_ROLE_VLEK:
        return "vlek";
    case SNP_ROLE_OTHER:
        break;
    }
    return "cert";
}

/*
 * notBefore <= at <= notAfter, both ends inclusive (RFC 5280 4.1.2.5).  X509_cmp_time(t, &x)
 * is -1 when t <= x: so notBefore is compared with at, and notAfter with at - 1 (notAfter <=
 * at - 1 means notAfter < at: expired; at == notAfter is still valid).
 */
static void check_validity(struct run *run, const struct snp_cert *c, time_t at)
{
    char name[48], nb[32], na[32], win[80], now[32];
    time_t t = at, t1 = at - 1;
    int b = X509_cmp_time(X509_get0_notBefore(c->x), &t);
    int a = X509_cmp_time(X509_get0_notAfter(c->x), &t1);

    snprintf(name, sizeof(name), "chain.%s.validity", role_key(c->role));
    snprintf(win, sizeof(win), "%s..%s", fmt_time(X509_get0_notBefore(c->x), nb, sizeof(nb)),
             fmt_time(X509_get0_notAfter(c->x), na, sizeof(na)));
    tc_time_format(at, now, sizeof(now));
    if (b == 0 || a == 0) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_MALFORMED, win, now, "%s: unreadable validity",
              c->cn);
    } else if (b > 0) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_EXPIRED, win, now, "%s is not yet valid", c->cn);
    } else if (a < 0) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_EXPIRED, win, now, "%s has expired", c->cn);
    } else {
        check(run, name, TC_CHECK_PASS, TC_ERR_OK, win, now, "%s valid at the given time", c->cn);
    }
}

/*
 * The RSASSA-PSS parameters AMD signs with (KDS spec #57230, "VCEK Certificate" / "CRL"; the
 * ARK, ASK and ASVK certificates and the CRLs all carry them): hash SHA-384, MGF1 with SHA-384,
 * salt length 48, trailer field 1 (RFC 4055 section 3.1 RSASSA-PSS-params).  Absent fields mean
 * RFC 4055's defaults (SHA-1, MGF1-SHA-1, salt 20), which are not AMD's.  why gets the reason.
 */
static int pss_params_ok(const X509_ALGOR *alg, char *why, size_t len)
{
    const ASN1_OBJECT *obj = NULL;
    const void *pval = NULL;
    int ptype = 0, ok = 0;
    RSA_PSS_PARAMS *pss = NULL;
    X509_ALGOR *mgf_md = NULL;

    X509_ALGOR_get0(&obj, &ptype, &pval, alg);
    if (OBJ_obj2nid(obj) != NID_rsassaPss) {
        snprintf(why, len, "not RSASSA-PSS");
        goto out;
    }
    if (ptype != V_ASN1_SEQUENCE ||
        (pss = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), alg->parameter)) == NULL) {
        snprintf(why, len, "RSASSA-PSS parameters absent or malformed");
        goto out;
    }
    if (pss->hashAlgorithm == NULL || OBJ_obj2nid(pss->hashAlgorithm->algorithm) != NID_sha384) {
        snprintf(why, len, "RSASSA-PSS hash is not SHA-384");
        goto out;
    }
    if (pss->maskGenAlgorithm == NULL ||
        OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) != NID_mgf1 ||
        pss->maskGenAlgorithm->parameter == NULL ||
        pss->maskGenAlgorithm->parameter->type != V_ASN1_SEQUENCE ||
        (mgf_md = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
                                            pss->maskGenAlgorithm->parameter)) == NULL ||
        OBJ_obj2nid(mgf_md->algorithm) != NID_sha384) {
        snprintf(why, len, "RSASSA-PSS mask generation is not MGF1 with SHA-384");
        goto out;
    }
    if (pss->saltLength == NULL || ASN1_INTEGER_get(pss->saltLength) != 48) {
        snprintf(why, len, "RSASSA-PSS salt length is %ld, not 48",
                 pss->saltLength == NULL ? 20L : ASN1_INTEGER_get(pss->saltLength));
        goto out;
    }
    if (pss->trailerField != NULL && ASN1_INTEGER_get(pss->trailerField) != 1) {
        snprintf(why, len, "RSASSA-PSS trailer field is not 1");
        goto out;
    }
    ok = 1;
out:
    X509_ALGOR_free(mgf_md);
    RSA_PSS_PARAMS_free(pss);
    ERR_clear_error();
    return ok;
}

/* issuer signed child: names chain, RSASSA-PSS, signature verifies (cached when it did). */
static int sig_ok(struct run *run, struct tc_snp_cache *cache, const struct snp_cert *child,
                  const struct snp_cert *issuer, int quiet)
{
    char name[48];
    int ok = 0;

    snprintf(name, sizeof(name), "chain.%s.%s", role_key(child->role),
             child == issuer ? "self_signature" : "signature");
    if (X509_NAME_cmp(X509_get_issuer_name(child->x), X509_get_subject_name(issuer->x)) != 0) {
        if (!quiet) {
            check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN, issuer->cn, NULL,
                  "%s is not issued by %s (issuer name differs)", child->cn, issuer->cn);
        }
        return 0;
    }
    if (X509_get_signature_nid(child->x) != NID_rsassaPss) {
        if (!quiet) {
            check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN, "RSASSA-PSS",
                  OBJ_nid2sn(X509_get_signature_nid(child->x)),
                  "%s: unexpected signature "
                  "algorithm",
                  child->cn);
        }
        return 0;
    }
    {
        const X509_ALGOR *alg = NULL;
        char why[96];

        X509_get0_signature(NULL, &alg, child->x);
        if (!pss_params_ok(alg, why, sizeof(why))) {
            if (!quiet) {
                check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN,
                      "RSASSA-PSS SHA-384 MGF1-SHA-384 salt 48", NULL, "%s: %s", child->cn, why);
            }
            return 0;
        }
    }
    if (cache_sig_known(cache, child, issuer)) {
        ok = 1;
    } else if (X509_verify(child->x, issuer->pub) == 1) {
        ok = 1;
        cache_sig_add(cache, child, issuer);
    }
    ERR_clear_error();
    if (!quiet) {
        if (ok) {
            check(run, name, TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "%s signed by %s (RSASSA-PSS)",
                  child->cn, issuer->cn);
        } else {
            check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN, NULL, NULL,
                  "%s: signature by %s does not verify", child->cn, issuer->cn);
        }
    }
    return ok;
}

static int anchor_match(const struct snp_cert *ark, const struct tc_snp_anchor *a, size_t n,
                        enum tc_snp_product product)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (memcmp(a[i].spki_sha256, ark->spki_sha256, 32) == 0 &&
            (a[i].product == product || a[i].product == TC_SNP_PRODUCT_UNKNOWN)) {
            return 1;
        }
    }
    return 0;
}

/* 1 AMD pin, 2 an extra (explicitly trusted) anchor, 0 untrusted. */
static int ark_trust(const struct snp_cert *ark, const struct tc_snp_verify_opts *o,
                     enum tc_snp_product product)
{
    size_t n;
    const struct tc_snp_anchor *a = tc_snp_amd_anchors(&n);

    if (anchor_match(ark, a, n, product)) {
        return 1;
    }
    if (o->extra_anchors != NULL &&
        anchor_match(ark, o->extra_anchors, o->n_extra_anchors, product)) {
        return 2;
    }
    return 0;
}

/* ---- KDS collateral ---- */

static tc_err kds_chain(struct pool *p, const struct tc_snp_verify_opts *o,
                        enum tc_snp_product product, int vlek)
{
    char path[256];
    uint8_t *data = NULL;
    size_t len = 0;
    tc_err e;

    if (o->kds == NULL) {
        return tc_fail(TC_ERR_NOT_FOUND, "not given, and no KDS cache or network configured");
    }
    if (product == TC_SNP_PRODUCT_UNKNOWN) {
        return tc_fail(TC_ERR_NOT_FOUND, "not given, and the product is unknown");
    }
    e = tc_snp_kds_chain_path(product, vlek, path, sizeof(path));
    if (e == TC_ERR_OK) {
        e = tc_snp_kds_get(o->kds, path, 0, &data, &len);
    }
    if (e == TC_ERR_OK) {
        e = pool_add_blob(p, data, len);
        if (e != TC_ERR_OK) {
            e = tc_fail_ctx(e, "KDS %s", path);
        }
    }
    free(data);
    return e;
}

static tc_err kds_vcek(struct pool *p, const struct tc_snp_verify_opts *o,
                       const struct tc_snp_report *r)
{
    char path[512];
    uint8_t *data = NULL;
    size_t len = 0;
    tc_err e;

    if (o->kds == NULL) {
        return tc_fail(TC_ERR_NOT_FOUND, "not given, and no KDS cache or network configured");
    }
    if (r->product == TC_SNP_PRODUCT_UNKNOWN) {
        return tc_fail(TC_ERR_NOT_FOUND,
                       "not given, and the report (version %u) does not say "
                       "its product",
                       r->version);
    }
    if (tc_snp_chip_id_masked(r)) {
        return tc_fail(TC_ERR_NOT_FOUND, "not given, and the report's CHIP_ID is masked");
    }
    e = tc_snp_kds_vcek_path(r->product, r->chip_id, &r->reported_tcb, path, sizeof(path));
    if (e == TC_ERR_OK) {
        e = tc_snp_kds_get(o->kds, path, 0, &data, &len);
    }
    if (e == TC_ERR_OK) {
        e = pool_add_blob(p, data, len);
        if (e != TC_ERR_OK) {
            e = tc_fail_ctx(e, "KDS %s", path);
        }
    }
    free(data);
    return e;
}

/* ---- the checks ---- */

static int tcb_matches(const struct tc_snp_report *r, const struct snp_cert *c)
{
    const struct snp_vek_ext *x = &c->ext;
    const struct tc_snp_tcb *t = &r->reported_tcb;

    return x->has_spl[1] && x->spl[1] == t->bootloader && x->has_spl[2] && x->spl[2] == t->tee &&
           x->has_spl[3] && x->spl[3] == t->snp && x->has_spl[8] && x->spl[8] == t->microcode &&
           (!t->turin || (x->has_spl[9] && x->spl[9] == t->fmc));
}

static int hwid_matches(const struct tc_snp_report *r, const struct snp_cert *c, int turin)
{
    static const uint8_t zero[56];

    if (c->ext.hwid_len == 64) {
        return memcmp(c->ext.hwid, r->chip_id, 64) == 0;
    }
    /* Turin: the hwID is the first 8 bytes of CHIP_ID; the other 56 must be zero. */
    return c->ext.hwid_len == 8 && turin && memcmp(c->ext.hwid, r->chip_id, 8) == 0 &&
           memcmp(r->chip_id + 8, zero, sizeof(zero)) == 0;
}

/* Pick the VEK: right role, preferring the one whose TCB and hwID match the report. */
static struct snp_cert *pick_vek(const struct pool *p, const struct tc_snp_report *r,
                                 enum snp_role role)
{
    struct snp_cert *first = NULL;
    size_t i;

    for (i = 0; i < p->n; i++) {
        struct snp_cert *c = p->c[i];

        if (c->role != role) {
            continue;
        }
        if (first == NULL) {
            first = c;
        }
        if (tcb_matches(r, c) &&
            (role == SNP_ROLE_VLEK || hwid_matches(r, c, c->product == TC_SNP_PRODUCT_TURIN))) {
            return c;
        }
    }
    return first;
}

static struct snp_cert *pick_issuer(struct run *run, const struct pool *p,
                                    const struct tc_snp_verify_opts *o,
                                    const struct snp_cert *child, enum snp_role role,
                                    enum tc_snp_product product)
{
    struct snp_cert *cand[POOL_MAX];
    size_t i, n = 0;

    for (i = 0; i < p->n; i++) {
        struct snp_cert *c = p->c[i];

        if (c->role == role && (product == TC_SNP_PRODUCT_UNKNOWN || c->product == product) &&
            X509_NAME_cmp(X509_get_issuer_name(child->x), X509_get_subject_name(c->x)) == 0) {
            cand[n++] = c;
        }
    }
    if (n <= 1) {
        return n == 1 ? cand[0] : NULL; /* its signature is checked (and reported) later */
    }
    /* Several candidates (e.g. a re-issued ASK, or a look-alike ARK): take the one that signed
     * the child (and, for an ARK, the pinned one). */
    for (i = 0; i < n; i++) {
        if (sig_ok(run, o->cache, child, cand[i], 1) &&
            (role != SNP_ROLE_ARK || ark_trust(cand[i], o, product) != 0)) {
            return cand[i];
        }
    }
    return cand[0];
}

/* The certificate (of any role) named as child's issuer, if the pool has one. */
static const struct snp_cert *by_subject(const struct pool *p, const struct snp_cert *child)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (p->c[i] != child &&
            X509_NAME_cmp(X509_get_issuer_name(child->x), X509_get_subject_name(p->c[i]->x)) == 0) {
            return p->c[i];
        }
    }
    return NULL;
}

/*
 * An issuer present but in the wrong role (a VLEK under an ASK, ...) or for another product (a
 * "Genoa" VCEK issued by SEV-Milan) is a rejection, not missing collateral.
 */
static int wrong_issuer(struct run *run, const struct pool *p, const struct snp_cert *child,
                        enum snp_role want, enum tc_snp_product product)
{
    const struct snp_cert *w = by_subject(p, child);
    char name[48];

    if (w == NULL) {
        return 0;
    }
    if (w->role == want) {
        if (w->product == product) {
            return 0;
        }
        snprintf(name, sizeof(name), "chain.%s.product", role_key(want));
        check(run, name, TC_CHECK_FAIL, TC_ERR_MISMATCH, tc_snp_product_name(product),
              tc_snp_product_name(w->product), "%s (%s) is issued by %s, a %s %s",
              snp_role_name(child->role), child->cn, w->cn, tc_snp_product_name(w->product),
              snp_role_name(w->role));
        return 1;
    }
    snprintf(name, sizeof(name), "chain.%s.role", role_key(want));
    check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN, snp_role_name(want), snp_role_name(w->role),
          "%s (%s) is issued by %s, which is an %s; a %s must be issued by an %s",
          snp_role_name(child->role), child->cn, w->cn, snp_role_name(w->role),
          snp_role_name(child->role), snp_role_name(want));
    return 1;
}

static void check_tcb(struct run *run, const struct tc_snp_report *r, const struct snp_cert *vek)
{
    const struct tc_snp_tcb *t = &r->reported_tcb;
    const struct snp_vek_ext *x = &vek->ext;
    static const struct {
        const char *name;
        int spl;
    } comps[] = {{"tcb.fmc", 9},
                 {"tcb.bootloader", 1},
                 {"tcb.tee", 2},
                 {"tcb.snp", 3},
                 {"tcb.microcode", 8}};
    size_t i;
    uint64_t want_rsv = 0;

    for (i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
        int k = comps[i].spl;
        uint8_t have;
        char es[8], as[8];

        if (k == 9 && !t->turin) {
            continue;
        }
        have = k == 9   ? t->fmc
               : k == 1 ? t->bootloader
               : k == 2 ? t->tee
               : k == 3 ? t->snp
                        : t->microcode;
        snprintf(as, sizeof(as), "%u", have);
        if (!x->has_spl[k]) {
            check(run, comps[i].name, TC_CHECK_FAIL, TC_ERR_TCB, NULL, as,
                  "the %s certificate has no SPL extension 1.3.6.1.4.1.3704.1.3.%d",
                  snp_role_name(vek->role), k);
            continue;
        }
        snprintf(es, sizeof(es), "%u", x->spl[k]);
        if (x->spl[k] != have) {
            check(run, comps[i].name, TC_CHECK_FAIL, TC_ERR_TCB, es, as,
                  "REPORTED_TCB differs from the %s certificate", snp_role_name(vek->role));
        } else {
            check(run, comps[i].name, TC_CHECK_PASS, TC_ERR_OK, es, as,
                  "REPORTED_TCB equals the %s certificate", snp_role_name(vek->role));
        }
    }
    /* The reserved TCB bytes carry the certificate's reserved SPLs (4-7; 5-7 on Turin). */
    for (i = 4; i <= 7; i++) {
        if (x->has_spl[i]) {
            int shift = t->turin ? (int)((i - 1) * 8) : (int)((i - 2) * 8);

            if (t->turin && i == 4) {
                continue;
            }
            want_rsv |= (uint64_t)x->spl[i] << shift;
        }
    }
    {
        char es[24], as[24];
        uint64_t have_rsv = tc_snp_tcb_reserved(t);

        snprintf(es, sizeof(es), "0x%llx", (unsigned long long)want_rsv);
        snprintf(as, sizeof(as), "0x%llx", (unsigned long long)have_rsv);
        check(run, "tcb.reserved", have_rsv == want_rsv ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_TCB,
              es, as, "reserved bytes of REPORTED_TCB");
    }
}

static void check_chip_id(struct run *run, const struct tc_snp_report *r,
                          const struct snp_cert *vek, enum tc_snp_product product)
{
    char es[129], as[129];
    int turin = product == TC_SNP_PRODUCT_TURIN;

    if (vek->role == SNP_ROLE_VLEK) {
        check(run, "chip_id", TC_CHECK_SKIP, TC_ERR_OK, NULL, NULL,
              "a VLEK is not bound to one chip (no hwID)");
        return;
    }
    if (tc_snp_chip_id_masked(r)) {
        check(run, "chip_id", TC_CHECK_SKIP, TC_ERR_OK, NULL, NULL,
              "CHIP_ID is masked (all zero) in the report; the VCEK key still binds the chip");
        return;
    }
    tc_hex_encode(vek->ext.hwid, vek->ext.hwid_len, es);
    tc_hex_encode(r->chip_id, vek->ext.hwid_len == 8 ? 64 : vek->ext.hwid_len, as);
    if (hwid_matches(r, vek, turin)) {
        check(run, "chip_id", TC_CHECK_PASS, TC_ERR_OK, es, as,
              turin && vek->ext.hwid_len == 8
                  ? "CHIP_ID is the VCEK hwID (8 bytes) followed by 56 zero bytes"
                  : "CHIP_ID equals the VCEK hwID");
    } else if (vek->ext.hwid_len == 8 && !turin) {
        check(run, "chip_id", TC_CHECK_FAIL, TC_ERR_MISMATCH, es, as,
              "an 8-byte hwID is a Turin VCEK, the product is %s", tc_snp_product_name(product));
    } else {
        check(run, "chip_id", TC_CHECK_FAIL, TC_ERR_MISMATCH, es, as,
              "CHIP_ID differs from the VCEK hwID");
    }
}

/* Unhandled critical extensions make a certificate unusable (RFC 5280 4.2). */
static void check_extensions(struct run *run, struct snp_cert *const *cs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (X509_get_extension_flags(cs[i]->x) & EXFLAG_CRITICAL) {
            check(run, "chain.extensions", TC_CHECK_FAIL, TC_ERR_CHAIN, NULL, NULL,
                  "%s has an unsupported critical extension", cs[i]->cn);
            return;
        }
    }
    check(run, "chain.extensions", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
          "no unsupported critical extension");
}

static void check_ca(struct run *run, const struct snp_cert *c)
{
    char name[48];
    uint32_t ku = X509_get_key_usage(c->x);

    snprintf(name, sizeof(name), "chain.%s.ca", role_key(c->role));
    if (X509_check_ca(c->x) != 1) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN, NULL, NULL,
              "%s is not a CA (basicConstraints)", c->cn);
    } else if (ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN) == 0) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_CHAIN, NULL, NULL,
              "%s may not sign certificates (keyUsage)", c->cn);
    } else {
        check(run, name, TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "%s is a CA", c->cn);
    }
}

/* ---- CRLs ---- */

struct crl_list {
    X509_CRL *c[16];
    size_t n;
};

static tc_err crl_add_der(void *arg, const uint8_t *der, size_t len)
{
    struct crl_list *l = arg;
    const unsigned char *q = der;
    X509_CRL *crl;

    if (l->n == sizeof(l->c) / sizeof(l->c[0])) {
        return tc_fail(TC_ERR_TOO_LARGE, "more than %zu CRLs", sizeof(l->c) / sizeof(l->c[0]));
    }
    crl = d2i_X509_CRL(NULL, &q, (long)len);
    if (crl == NULL) {
        return tc_fail_ssl(TC_ERR_MALFORMED, "not a DER X.509 CRL");
    }
    if ((size_t)(q - der) != len) {
        X509_CRL_free(crl);
        return tc_fail(TC_ERR_TRAILING, "CRL: %zu bytes after the DER", len - (size_t)(q - der));
    }
    l->c[l->n++] = crl;
    return TC_ERR_OK;
}

static void check_crl(struct run *run, X509_CRL *crl, const struct snp_cert *issuer,
                      const struct snp_cert *subject, time_t at)
{
    char name[64], tu[32], nu[32], win[80], now[32];
    const ASN1_TIME *last = X509_CRL_get0_lastUpdate(crl), *next = X509_CRL_get0_nextUpdate(crl);
    X509_REVOKED *rev = NULL;
    time_t t = at;
    int ok;

    const X509_ALGOR *alg = NULL;
    char why[96];

    snprintf(name, sizeof(name), "crl.%s.signature", role_key(issuer->role));
    X509_CRL_get0_signature(crl, NULL, &alg);
    if (!pss_params_ok(alg, why, sizeof(why))) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_REVOKED, "RSASSA-PSS SHA-384 MGF1-SHA-384 salt 48",
              NULL, "CRL by %s: %s", issuer->cn, why);
        return;
    }
    ok = X509_CRL_verify(crl, issuer->pub) == 1;
    ERR_clear_error();
    check(run, name, ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_REVOKED, NULL, NULL,
          ok ? "CRL signed by %s" : "CRL signature by %s does not verify", issuer->cn);
    if (!ok) {
        return;
    }
    snprintf(name, sizeof(name), "crl.%s.validity", role_key(issuer->role));
    snprintf(win, sizeof(win), "%s..%s", fmt_time(last, tu, sizeof(tu)),
             next != NULL ? fmt_time(next, nu, sizeof(nu)) : "(no nextUpdate)");
    tc_time_format(at, now, sizeof(now));
    if (last == NULL || X509_cmp_time(last, &t) != -1) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_EXPIRED, win, now, "CRL is not yet valid");
    } else if (next == NULL || X509_cmp_time(next, &t) != 1) {
        check(run, name, TC_CHECK_FAIL, TC_ERR_EXPIRED, win, now, "CRL has expired");
    } else {
        check(run, name, TC_CHECK_PASS, TC_ERR_OK, win, now, "CRL current at the given time");
    }
    snprintf(name, sizeof(name), "revocation.%s", role_key(subject->role));
    if (X509_CRL_get0_by_serial(crl, &rev, X509_get0_serialNumber(subject->x)) == 1) {
        char when[32];

        check(run, name, TC_CHECK_FAIL, TC_ERR_REVOKED, NULL, NULL, "%s is revoked (since %s)",
              subject->cn, fmt_time(X509_REVOKED_get0_revocationDate(rev), when, sizeof(when)));
    } else {
        check(run, name, TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "%s is not on %s's CRL", subject->cn,
              issuer->cn);
    }
}

static void check_crls(struct run *run, const struct tc_snp_verify_opts *o,
                       const struct snp_cert *ark, const struct snp_cert *ask,
                       const struct snp_cert *vek, enum tc_snp_product product)
{
    struct crl_list l = {.n = 0};
    size_t i;
    int ark_crl = 0;
    tc_err e = TC_ERR_OK;

    for (i = 0; i < o->n_crls && e == TC_ERR_OK; i++) {
        e = snp_blob_foreach(o->crls[i].data, o->crls[i].len, "X509 CRL", crl_add_der, &l);
    }
    if (e == TC_ERR_OK && o->fetch_crl) {
        char path[128];
        uint8_t *data = NULL;
        size_t len = 0;
        int vlek = ask->role == SNP_ROLE_ASVK;

        e = tc_snp_kds_crl_path(product, vlek, path, sizeof(path));
        if (e == TC_ERR_OK) {
            e = o->kds != NULL ? tc_snp_kds_get(o->kds, path, 0, &data, &len)
                               : tc_fail(TC_ERR_NOT_FOUND, "no KDS cache or network configured");
        }
        if (e == TC_ERR_OK) {
            size_t before = l.n;

            e = snp_blob_foreach(data, len, "X509 CRL", crl_add_der, &l);
            /* A cached CRL past its nextUpdate: fetch a fresh one (unless offline). */
            if (e == TC_ERR_OK && l.n > before && !o->kds->offline) {
                time_t t = o->at;
                const ASN1_TIME *next = X509_CRL_get0_nextUpdate(l.c[l.n - 1]);

                if (next == NULL || X509_cmp_time(next, &t) != 1) {
                    free(data);
                    data = NULL;
                    X509_CRL_free(l.c[--l.n]);
                    e = tc_snp_kds_get(o->kds, path, TC_SNP_KDS_REFRESH, &data, &len);
                    if (e == TC_ERR_OK) {
                        e = snp_blob_foreach(data, len, "X509 CRL", crl_add_der, &l);
                    }
                }
            }
        }
        free(data);
        if (e != TC_ERR_OK) {
            e = tc_fail_ctx(e, "KDS %s", path);
        }
    }
    if (e != TC_ERR_OK) {
        fail_input(run, "crl", e, "CRL");
        goto out;
    }
    if (l.n == 0) {
        check(run, "crl", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL,
              "no CRL given: revocation not checked");
        goto out;
    }
    for (i = 0; i < l.n; i++) {
        const X509_NAME *iss = X509_CRL_get_issuer(l.c[i]);

        if (X509_NAME_cmp(iss, X509_get_subject_name(ark->x)) == 0) {
            ark_crl = 1;
            check_crl(run, l.c[i], ark, ask, o->at);
        } else if (X509_NAME_cmp(iss, X509_get_subject_name(ask->x)) == 0) {
            check_crl(run, l.c[i], ask, vek, o->at);
        } else {
            char nm[256];

            X509_NAME_oneline(iss, nm, sizeof(nm));
            check(run, "crl.ignored", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL,
                  "CRL %zu is issued by %s, not by this chain; ignored", i + 1, nm);
        }
    }
    if (!ark_crl) {
        check(run, "crl", TC_CHECK_FAIL, TC_ERR_REVOKED, ark->cn, NULL,
              "CRLs were given but none is issued by %s", ark->cn);
    }
out:
    for (i = 0; i < l.n; i++) {
        X509_CRL_free(l.c[i]);
    }
}

/* ---- the verification ---- */

static tc_err add_certtable(struct pool *p, const struct tc_snp_certtable *t)
{
    size_t i;
    tc_err e;

    for (i = 0; i < t->n; i++) {
        if (t->e[i].kind == TC_SNP_CERT_UNKNOWN) {
            continue; /* e.g. an extra-platform-info blob */
        }
        e = pool_add_der(p, t->e[i].data, t->e[i].len);
        if (e != TC_ERR_OK) {
            return tc_fail_ctx(e, "certificate table entry %zu (%s)", i,
                               tc_snp_cert_kind_name(t->e[i].kind));
        }
    }
    return TC_ERR_OK;
}

static int curve_is_p384(EVP_PKEY *k)
{
    char g[32];
    size_t gl = 0;

    return EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
           EVP_PKEY_get_utf8_string_param(k, "group", g, sizeof(g), &gl) == 1 &&
           strcmp(g, "secp384r1") == 0;
}

tc_err tc_snp_verify(struct tc_snp_report *r, const struct tc_snp_verify_opts *o,
                     struct tc_verdict *v)
{
    struct run run = {.v = v, .hard = TC_ERR_OK, .add_err = TC_ERR_OK};
    struct pool pool = {.n = 0, .cache = o->cache};
    struct snp_cert *vek = NULL, *ask = NULL, *ark = NULL;
    enum snp_role vek_role, ask_role;
    enum tc_snp_product product;
    size_t i;
    int trust;
    tc_err e;

    /* Which key signed (0x48 SIGNING_KEY; MASK_CHIP_KEY means no signature at all). */
    if (r->mask_chip_key || r->signing_key == TC_SNP_SIGNER_NONE) {
        check(&run, "report.signed", TC_CHECK_FAIL, TC_ERR_UNTRUSTED, NULL, NULL,
              "the report is not signed (MASK_CHIP_KEY=%d, SIGNING_KEY=%u)", r->mask_chip_key,
              r->signing_key);
        goto out;
    }
    check(&run, "report.signed", TC_CHECK_PASS, TC_ERR_OK, NULL,
          r->signing_key == TC_SNP_SIGNER_VLEK ? "VLEK" : "VCEK", "SIGNING_KEY says %s",
          r->signing_key == TC_SNP_SIGNER_VLEK ? "VLEK" : "VCEK");
    if (r->sig_algo != 1) {
        char as[16];

        snprintf(as, sizeof(as), "%u", r->sig_algo);
        check(&run, "report.signature_algo", TC_CHECK_FAIL, TC_ERR_UNSUPPORTED, "1", as,
              "only ECDSA P-384 with SHA-384 (1) is defined");
        goto out;
    }
    vek_role = r->signing_key == TC_SNP_SIGNER_VLEK ? SNP_ROLE_VLEK : SNP_ROLE_VCEK;
    ask_role = vek_role == SNP_ROLE_VLEK ? SNP_ROLE_ASVK : SNP_ROLE_ASK;

    /* The candidate certificates, from every source given. */
    e = TC_ERR_OK;
    if (o->vek != NULL) {
        e = pool_add_blob(&pool, o->vek->data, o->vek->len);
        if (e != TC_ERR_OK) {
            fail_input(&run, "certificates", e, "VCEK/VLEK certificate");
            goto out;
        }
    }
    for (i = 0; i < o->n_certs && e == TC_ERR_OK; i++) {
        e = pool_add_blob(&pool, o->certs[i].data, o->certs[i].len);
    }
    if (e == TC_ERR_OK && o->certtable != NULL) {
        e = add_certtable(&pool, o->certtable);
    }
    if (e != TC_ERR_OK) {
        fail_input(&run, "certificates", e, "certificates");
        goto out;
    }

    vek = pick_vek(&pool, r, vek_role);
    if (vek == NULL) {
        struct snp_cert *other =
            pick_vek(&pool, r, vek_role == SNP_ROLE_VCEK ? SNP_ROLE_VLEK : SNP_ROLE_VCEK);

        if (other != NULL) {
            check(&run, "vek", TC_CHECK_FAIL, TC_ERR_MISMATCH, snp_role_name(vek_role),
                  snp_role_name(other->role),
                  "the report is signed by the %s, the certificate "
                  "given is a %s",
                  snp_role_name(vek_role), snp_role_name(other->role));
            goto out;
        }
        e = vek_role == SNP_ROLE_VLEK
                ? tc_fail(TC_ERR_NOT_FOUND, "not given (the KDS does not serve VLEKs)")
                : kds_vcek(&pool, o, r);
        if (e == TC_ERR_OK) {
            vek = pick_vek(&pool, r, vek_role);
        }
        if (vek == NULL) {
            if (e == TC_ERR_OK) {
                e = tc_fail(TC_ERR_NOT_FOUND, "KDS answer holds no %s", snp_role_name(vek_role));
            }
            fail_input(&run, "vek", e, snp_role_name(vek_role));
            goto out;
        }
    }
    check(&run, "vek", TC_CHECK_PASS, TC_ERR_OK, snp_role_name(vek_role), vek->cn, "%s%s%s",
          snp_role_name(vek->role), vek->ext.product_name[0] ? ", productName " : "",
          vek->ext.product_name);

    /* The product: CPUID (v3+) and the certificate must agree; v2 learns it here. */
    product = r->product;
    if (product == TC_SNP_PRODUCT_UNKNOWN) {
        product = vek->product;
        if (product != TC_SNP_PRODUCT_UNKNOWN) {
            tc_snp_report_set_product(r, product, "certificate");
        }
    }
    if (product == TC_SNP_PRODUCT_UNKNOWN) {
        check(&run, "product", TC_CHECK_FAIL, TC_ERR_UNSUPPORTED, NULL, NULL,
              "neither the report nor the %s names a known product", snp_role_name(vek->role));
        goto out;
    }
    if (vek->product != TC_SNP_PRODUCT_UNKNOWN && vek->product != product) {
        check(&run, "product", TC_CHECK_FAIL, TC_ERR_MISMATCH, tc_snp_product_name(product),
              tc_snp_product_name(vek->product), "the report is from %s (%s), the %s is for %s",
              tc_snp_product_name(product), r->product_source != NULL ? r->product_source : "?",
              snp_role_name(vek->role), tc_snp_product_name(vek->product));
        goto out;
    }
    check(&run, "product", TC_CHECK_PASS, TC_ERR_OK, NULL, tc_snp_product_name(product), "from %s",
          r->product_source != NULL ? r->product_source : "the certificate");

    /* The signature over the raw signed bytes 0x000..0x29F; r and s are little-endian. */
    if (!curve_is_p384(vek->pub)) {
        check(&run, "signature", TC_CHECK_FAIL, TC_ERR_CHAIN, "P-384", NULL,
              "the %s key is not an ECDSA P-384 key", snp_role_name(vek->role));
    } else {
        e = tc_ecdsa_verify_rs(vek->pub, EVP_sha384(), r->raw, TC_SNP_SIGNED_SIZE, r->sig_r,
                               r->sig_s, 72, 1);
        if (e == TC_ERR_OK) {
            check(&run, "signature", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
                  "ECDSA P-384/SHA-384 over bytes 0x000-0x29F verifies with the %s",
                  snp_role_name(vek->role));
        } else if (e == TC_ERR_SIGNATURE) {
            check(&run, "signature", TC_CHECK_FAIL, TC_ERR_SIGNATURE, NULL, NULL,
                  "ECDSA P-384/SHA-384 over bytes 0x000-0x29F does not verify with the %s",
                  snp_role_name(vek->role));
        } else {
            fail_input(&run, "signature", e, "signature");
            goto out;
        }
    }

    /* The chain: VEK <- ASK/ASVK <- ARK (self-signed, pinned). */
    ask = pick_issuer(&run, &pool, o, vek, ask_role, product);
    if (ask == NULL && wrong_issuer(&run, &pool, vek, ask_role, product)) {
        goto out;
    }
    if (ask == NULL) {
        e = kds_chain(&pool, o, product, vek_role == SNP_ROLE_VLEK);
        ask = e == TC_ERR_OK ? pick_issuer(&run, &pool, o, vek, ask_role, product) : NULL;
        if (ask == NULL) {
            if (e == TC_ERR_OK) {
                e = tc_fail(TC_ERR_NOT_FOUND, "no %s-%s certificate issued the %s",
                            snp_role_name(ask_role), tc_snp_product_name(product),
                            snp_role_name(vek->role));
            }
            fail_input(&run, vek_role == SNP_ROLE_VLEK ? "chain.asvk" : "chain.ask", e,
                       snp_role_name(ask_role));
            goto out;
        }
    }
    ark = pick_issuer(&run, &pool, o, ask, SNP_ROLE_ARK, product);
    if (ark == NULL && wrong_issuer(&run, &pool, ask, SNP_ROLE_ARK, product)) {
        goto out;
    }
    if (ark == NULL) {
        e = kds_chain(&pool, o, product, vek_role == SNP_ROLE_VLEK);
        ark = e == TC_ERR_OK ? pick_issuer(&run, &pool, o, ask, SNP_ROLE_ARK, product) : NULL;
        if (ark == NULL) {
            if (e == TC_ERR_OK) {
                e = tc_fail(TC_ERR_NOT_FOUND, "no ARK-%s certificate issued %s",
                            tc_snp_product_name(product), ask->cn);
            }
            fail_input(&run, "chain.ark", e, "ARK");
            goto out;
        }
    }
    trust = ark_trust(ark, o, product);
    {
        char fp[65];

        tc_hex_encode(ark->spki_sha256, 32, fp);
        if (trust == 1) {
            check(&run, "chain.ark.pinned", TC_CHECK_PASS, TC_ERR_OK, NULL, fp,
                  "%s public key is AMD's pinned ARK-%s key", ark->cn,
                  tc_snp_product_name(product));
        } else if (trust == 2) {
            check(&run, "chain.ark.pinned", TC_CHECK_PASS, TC_ERR_OK, NULL, fp,
                  "%s public key is an explicitly trusted anchor (not AMD's)", ark->cn);
        } else {
            check(&run, "chain.ark.pinned", TC_CHECK_FAIL, TC_ERR_UNTRUSTED, NULL, fp,
                  "%s public key is not AMD's ARK-%s key", ark->cn, tc_snp_product_name(product));
        }
    }
    (void)sig_ok(&run, o->cache, ark, ark, 0);
    check_validity(&run, ark, o->at);
    check_ca(&run, ark);
    (void)sig_ok(&run, o->cache, ask, ark, 0);
    check_validity(&run, ask, o->at);
    check_ca(&run, ask);
    (void)sig_ok(&run, o->cache, vek, ask, 0);
    check_validity(&run, vek, o->at);
    {
        struct snp_cert *all[3] = {ark, ask, vek};

        check_extensions(&run, all, 3);
    }

    /* The VEK's AMD extensions against the report. */
    if (vek->role == SNP_ROLE_VCEK && (vek->ext.hwid_len == 0 || vek->ext.csp_id[0] != '\0')) {
        check(&run, "vek.extensions", TC_CHECK_FAIL, TC_ERR_CHAIN, "hwID", NULL,
              "a VCEK must carry hwID and no cspId");
    } else if (vek->role == SNP_ROLE_VLEK &&
               (vek->ext.hwid_len != 0 || vek->ext.csp_id[0] == '\0')) {
        check(&run, "vek.extensions", TC_CHECK_FAIL, TC_ERR_CHAIN, "cspId", NULL,
              "a VLEK must carry cspId and no hwID");
    } else {
        check(&run, "vek.extensions", TC_CHECK_PASS, TC_ERR_OK, NULL,
              vek->role == SNP_ROLE_VLEK ? vek->ext.csp_id : NULL, "%s",
              vek->role == SNP_ROLE_VLEK ? "VLEK with cspId" : "VCEK with hwID");
    }
    if (vek->ext.product_name[0] == '\0') {
        check(&run, "vek.product_name", TC_CHECK_FAIL, TC_ERR_CHAIN, tc_snp_product_name(product),
              NULL, "the %s has no productName extension", snp_role_name(vek->role));
    } else if (vek->product != ark->product || vek->product != ask->product) {
        check(&run, "vek.product_name", TC_CHECK_FAIL, TC_ERR_MISMATCH,
              tc_snp_product_name(ark->product), vek->ext.product_name,
              "productName does not match the chain (%s, %s)", ask->cn, ark->cn);
    } else {
        check(&run, "vek.product_name", TC_CHECK_PASS, TC_ERR_OK, tc_snp_product_name(product),
              vek->ext.product_name, "productName matches the chain");
    }
    check_tcb(&run, r, vek);
    check_chip_id(&run, r, vek, product);
    check_crls(&run, o, ark, ask, vek, product);
out:
    pool_free(&pool);
    if (run.add_err != TC_ERR_OK) {
        return run.add_err;
    }
    if (run.hard != TC_ERR_OK) {
        return run.hard;
    }
    e = tc_verdict_err(v);
    if (e != TC_ERR_OK) {
        const struct tc_check *c = tc_verdict_first_failure(v);
        char buf[600];

        if (c != NULL) {
            (void)tc_fail(e, "%s", tc_verdict_summary(v, buf, sizeof(buf)) + strlen("rejected: "));
        }
    }
    return e;
}

/* Azure HCL: REPORT_DATA[0:n] = H(runtime data), the rest zero. */
static void check_hcl(struct run *run, const struct tc_snp_evidence *ev)
{
    const EVP_MD *md = ev->hcl_hash_type == 1   ? EVP_sha256()
                       : ev->hcl_hash_type == 2 ? EVP_sha384()
                                                : EVP_sha512();
    uint8_t h[64];
    size_t n = (size_t)EVP_MD_get_size(md), i;
    char es[129], as[129];
    int ok;

    if (tc_digest(md, ev->hcl_runtime_data, ev->hcl_runtime_len, h) != TC_ERR_OK) {
        fail_input(run, "azure.runtime_data", TC_ERR_CRYPTO, "digest");
        return;
    }
    ok = memcmp(h, ev->report.report_data, n) == 0;
    for (i = n; i < 64; i++) {
        ok = ok && ev->report.report_data[i] == 0;
    }
    tc_hex_encode(h, n, es);
    tc_hex_encode(ev->report.report_data, n, as);
    check(run, "azure.runtime_data", ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_MISMATCH, es, as,
          ok ? "REPORT_DATA binds the HCL runtime data (%s)"
             : "REPORT_DATA does not bind the HCL runtime data (%s)",
          EVP_MD_get0_name(md));
}

tc_err tc_snp_verify_evidence(struct tc_snp_evidence *ev, const struct tc_snp_verify_opts *o,
                              struct tc_verdict *v)
{
    struct tc_snp_verify_opts o2 = *o;
    tc_err e;

    if (o2.certtable == NULL && ev->certs.n > 0) {
        o2.certtable = &ev->certs;
    }
    e = tc_snp_verify(&ev->report, &o2, v);
    if (ev->container == TC_SNP_CONTAINER_AZURE_HCL && e != TC_ERR_NOMEM) {
        struct run run = {.v = v, .hard = TC_ERR_OK, .add_err = TC_ERR_OK};
        char detail[600];

        snprintf(detail, sizeof(detail), "%s", tc_err_detail());
        check_hcl(&run, ev);
        if (run.add_err != TC_ERR_OK) {
            return run.add_err;
        }
        if (e == TC_ERR_OK) {
            e = run.hard != TC_ERR_OK ? run.hard : tc_verdict_err(v);
            if (e != TC_ERR_OK) {
                char buf[600];

                (void)tc_fail(e, "%s",
                              tc_verdict_summary(v, buf, sizeof(buf)) + strlen("rejected: "));
            }
        } else {
            (void)tc_fail(e, "%s", detail);
        }
    }
    return e;
}
